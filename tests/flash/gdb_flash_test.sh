#!/usr/bin/env bash
# tests/flash/gdb_flash_test.sh BOARD [IMAGE.elf]
#
# Proves the GDB flashing path end to end on a QEMU board: starts QEMU with
# no image, halted, its GDB server on a free loopback port; loads IMAGE (the
# kernel test suite, default build/BOARD/tests/kernel/test_kernel.elf: build
# it first, this script builds nothing) with flash/flash.sh BOARD IMAGE
# 127.0.0.1:PORT; waits for QEMU to exit; passes when QEMU's status is 0 and
# its output holds the suite's closing line "kernel: N passed, 0 failed".
# Prints one result line (the last line) and exits 0 (pass) or 1 (fail).
#
# Environment: QEMU_TIMEOUT (seconds for the whole guest run, default 60).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

label="flash.gdb_load"
board=${1:-}
[ -n "$board" ] || { echo "usage: $0 BOARD [IMAGE.elf]" >&2; echo "FAIL $label: no board given"; exit 1; }
image=${2:-build/$board/tests/kernel/test_kernel.elf}
limit=${QEMU_TIMEOUT:-60}

fail() { echo "FAIL $label $board: $*"; exit 1; }

[ -f "boards/$board/board.mk" ] || fail "unknown board '$board'"
machine=$(sed -n 's/^BOARD_QEMU[[:space:]]*:\{0,1\}=[[:space:]]*//p' "boards/$board/board.mk" | tail -n 1)
[ -n "$machine" ] || fail "not a QEMU board (no BOARD_QEMU in boards/$board/board.mk)"
[ -f "$image" ] || fail "no image $image (build it first: make build-tests BOARD=$board)"
command -v qemu-system-arm >/dev/null || fail "qemu-system-arm not found (apt-get install qemu-system-arm)"

work=$(mktemp -d "${TMPDIR:-/tmp}/obol-gdb-flash-$board.XXXXXX")
qlog=$work/qemu.log flog=$work/flash.log
qpid=
cleanup() {
    if [ -n "$qpid" ] && kill -0 "$qpid" 2>/dev/null; then
        kill "$qpid" 2>/dev/null || true
        sleep 0.5
        kill -9 "$qpid" 2>/dev/null || true
    fi
}
trap cleanup EXIT

# listening_inode PORT: inode of the socket listening on 127.0.0.1:PORT.
listening_inode() {
    local hex
    hex=$(printf '%04X' "$1")
    awk -v a="0100007F:$hex" -v b="00000000:$hex" \
        '($2 == a || $2 == b) && $4 == "0A" { print $10; exit }' /proc/net/tcp 2>/dev/null
}

# owns_socket PID INODE: PID holds the socket INODE.
owns_socket() {
    local fd
    for fd in /proc/"$1"/fd/*; do
        [ "$(readlink "$fd" 2>/dev/null)" = "socket:[$2]" ] && return 0
    done
    return 1
}

# Start QEMU on a random free port. Another run (or anything else) may take
# the same port between our look and QEMU's bind: QEMU then fails to bind and
# exits, and we try the next port. Nothing connects before the listening
# socket is seen to belong to our own QEMU process.
started=
for attempt in 1 2 3 4 5 6 7 8; do
    port=$(( 20000 + (RANDOM * 32768 + RANDOM + $$) % 40000 ))
    [ -z "$(listening_inode "$port")" ] || continue
    : >"$qlog"
    qemu-system-arm -M "$machine" -nographic -monitor none \
        -chardev stdio,mux=on,id=con -serial chardev:con \
        -semihosting-config enable=on,target=native,chardev=con \
        -S -gdb "tcp:127.0.0.1:$port" </dev/null >"$qlog" 2>&1 &
    qpid=$!
    for _ in $(seq 100); do     # up to 10 s for QEMU to listen
        kill -0 "$qpid" 2>/dev/null || break
        inode=$(listening_inode "$port")
        if [ -n "$inode" ] && owns_socket "$qpid" "$inode"; then started=1; break; fi
        sleep 0.1
    done
    [ -n "$started" ] && break
    cleanup; wait "$qpid" 2>/dev/null || true; qpid=
    # Anything but a port clash is a real failure.
    grep -qiE 'address already in use|failed to bind|could not (connect|open) gdb' "$qlog" ||
        fail "QEMU ($machine) did not start its GDB server: $(head -c 300 "$qlog" | tr '\n' ' ') (log: $qlog)"
done
[ -n "$started" ] || fail "no free loopback port for QEMU's GDB server after 8 tries"

flash_status=0
FLASH_LOG=$work/gdb.log FLASH_TIMEOUT=$limit \
    flash/flash.sh "$board" "$image" "127.0.0.1:$port" >"$flog" 2>&1 || flash_status=$?
if [ "$flash_status" != 0 ]; then
    fail "flash/flash.sh exited $flash_status: $(grep '^flash:' "$flog" | tail -n 2 | tr '\n' ' ')(logs: $work)"
fi

# The image now runs from the loaded memory; wait for its semihosting exit.
deadline=$(( $(date +%s) + limit ))
while kill -0 "$qpid" 2>/dev/null && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.1; done
if kill -0 "$qpid" 2>/dev/null; then
    fail "QEMU did not exit within ${limit}s after the image was started (hung guest?) (logs: $work)"
fi
qemu_status=0
wait "$qpid" || qemu_status=$?
qpid=

closing=$(grep -E '^kernel: [0-9]+ passed, [0-9]+ failed' "$qlog" | tail -n 1 | tr -d '\r' || true)
if [ "$qemu_status" != 0 ]; then
    fail "QEMU exited with status $qemu_status${closing:+ ($closing)} (logs: $work)"
fi
case $closing in
    'kernel: '*' passed, 0 failed') ;;
    '') fail "the suite's closing line 'kernel: N passed, 0 failed' is missing from QEMU's output (logs: $work)" ;;
    *) fail "$closing (logs: $work)" ;;
esac
rm -rf "$work"
echo "ok   $label $board: loaded, verified and run through QEMU's GDB server on 127.0.0.1:$port ($closing)"
