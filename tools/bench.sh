#!/usr/bin/env bash
# bench.sh BOARD... - builds the benchmarks (release runtime, CHECKED=0) and
# runs each under QEMU with -icount shift=10, where figures are instruction
# counts, identical on every run and every host. Each benchmark image holds
# Obol and its baseline side by side and prints its own table with ratios.
# Everything printed is kept in build/bench/<board>.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- mps2-an385 microbit
mkdir -p build/bench
status=0
for board in "$@"; do
    machine=$(sed -n 's/^BOARD_QEMU *:= *//p' "boards/$board/board.mk" 2>/dev/null || true)
    if [ -z "$machine" ]; then
        echo "bench: $board has no QEMU model; benchmarks run on QEMU boards" >&2; status=2; continue
    fi
    echo "=== $board (QEMU $machine, -icount shift=10: figures are instructions)"
    make -s CHECKED=0 BOARD="$board" build-bench >/dev/null
    : > "build/bench/$board.txt"
    for elf in build/$board-release/tests/bench/bench_*.elf; do
        name=$(basename "$elf" .elf)
        # A benchmark may take a while at 1 instruction per microsecond of
        # guest time; progress is its own output, shown as it comes.
        if ! QEMU_TIMEOUT=${BENCH_TIMEOUT:-600} tools/qemu-run.sh --icount "$machine" "$elf" \
                | tee -a "build/bench/$board.txt"; then
            echo "bench: $name failed on $board" | tee -a "build/bench/$board.txt" >&2; status=1
        fi
    done
done
echo "(kept in build/bench/)"
exit $status
