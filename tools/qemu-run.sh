#!/usr/bin/env bash
# qemu-run.sh [--debug PORT] [--icount] [--timeout S] MACHINE IMAGE.elf [ARGS...]
# Runs an image under QEMU with the console (UART) and semihosting on stdout,
# in order; QEMU's exit status is the image's k_exit() code. ARGS reach the
# image as its command line (k_cmdline). Always bounded by a timeout: a hung
# guest never exits by itself (status 124 then).
set -euo pipefail
debug= icount= limit=${QEMU_TIMEOUT:-60}
while [ $# -gt 0 ]; do
    case "$1" in
        --debug) debug=$2; shift 2 ;;
        --icount) icount=1; shift ;;
        --timeout) limit=$2; shift 2 ;;
        *) break ;;
    esac
done
[ $# -ge 2 ] || { echo "usage: $0 [--debug PORT] [--icount] [--timeout S] MACHINE IMAGE.elf [ARGS...]" >&2; exit 2; }
machine=$1 image=$2; shift 2
[ -f "$image" ] || { echo "qemu-run: no image $image (build it first)" >&2; exit 2; }

args=(-M "$machine" -nographic -monitor none
      -chardev stdio,mux=on,id=con -serial chardev:con
      -semihosting-config enable=on,target=native,chardev=con)
[ -n "$icount" ] && args+=(-icount shift=10,sleep=off)
if [ -n "$debug" ]; then
    # Halted at reset, GDB server on loopback only; no time limit.
    exec qemu-system-arm "${args[@]}" -kernel "$image" -S -gdb "tcp:127.0.0.1:$debug"
fi
[ $# -gt 0 ] && args+=(-append "$*")
# lm3s6965evb's model complains about a zero-period timer on every run.
timeout --foreground -k 5 "$limit" qemu-system-arm "${args[@]}" -kernel "$image" \
    2> >(grep -v 'Timer with period zero' >&2)
