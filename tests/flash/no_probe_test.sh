#!/usr/bin/env bash
# tests/flash/no_probe_test.sh BOARD
#
# On a machine with no debug probe attached (this one, CI), `make flash
# BOARD=<development board>` must fail (non-zero exit) and say
# "no debug probe found for BOARD", naming the log of the tool it ran.
# Prints one result line (the last line) and exits 0 (pass) or 1 (fail).
# FLASH_TOOL=st-flash|pyocd in the environment tests that tool's path.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

label="flash.no_probe"
board=${1:-}
fail() { echo "FAIL $label $board: $*"; exit 1; }
[ -n "$board" ] || { echo "usage: $0 BOARD" >&2; fail "no board given"; }
[ -f "boards/$board/board.mk" ] || fail "unknown board '$board'"
grep -q '^BOARD_QEMU' "boards/$board/board.mk" && fail "$board is a QEMU board, not a development board"

out=$(mktemp "${TMPDIR:-/tmp}/obol-no-probe-$board.XXXXXX")
trap 'rm -f "$out"' EXIT
# GDB= on the command line: an inherited GDB variable must not pick the GDB path.
FLASH_TIMEOUT=${FLASH_TIMEOUT:-60} timeout -k 5 120 make -s flash BOARD="$board" GDB= >"$out" 2>&1
status=$?
msg=$(grep -m 1 'no debug probe found for' "$out")

if [ "$status" = 0 ]; then
    fail "'make flash' succeeded: is a probe attached? ($(tail -n 1 "$out"))"
elif [ "$status" = 124 ] || [ "$status" = 137 ]; then
    fail "'make flash' did not finish within 120s"
elif [ -z "$msg" ]; then
    fail "'make flash' failed (status $status) without 'no debug probe found for $board': $(grep -v '^  CC\|^  LD' "$out" | tail -n 3 | tr '\n' ' ')"
fi
case $msg in
    *"no debug probe found for $board "*) ;;
    *) fail "message names another board: $msg" ;;
esac
log=$(sed -n 's/^flash: [a-z-]* output: //p' "$out" | head -n 1)
[ -n "$log" ] && [ -s "$log" ] || fail "the message names no tool log, or the log is empty: $(tr '\n' ' ' <"$out")"
echo "ok   $label $board: make flash exits $status: ${msg#flash: }"
