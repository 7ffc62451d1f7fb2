#!/usr/bin/env bash
# run.sh - builds and runs Obol's tests, and sums them up in one closing line
# "N passed, N failed[, N skipped]"; exits non-zero when anything failed.
#
#   tests/run.sh all             host, every QEMU board, flash path, dev boards
#   tests/run.sh host            host suites (ASan + UBSan)
#   tests/run.sh board NAME...   the suites of these QEMU boards
#   tests/run.sh flash           the GDB loading path under QEMU, no-probe errors
#   tests/run.sh devboards       every development board builds and fits
#
# Environment: SEED=N replays a run (default: fixed, printed); JOBS=N boards
# run at once (default 2); QEMU_TIMEOUT=S per test image (default 120).
#
# A suite (tests/<area>/test_*.c) prints "ok"/"FAIL" per case and closes with
# "<suite>: N passed, N failed"; each case counts. A program that must fail
# (tests/<area>/xfail_*.c) states how in its source comments:
#   test-expect-exit: N          its exit status
#   test-expect-output: REGEX    a line its output must contain (grep -E)
#   test-expect-same-pc          the fault report's PC equals "expect-pc: 0x..."
#   test-target-only             not built or run on the host
# and counts as one. Exit status 77 means skipped (the program says why).
set -uo pipefail
cd "$(dirname "$0")/.."

SEED=${SEED:-${OB_SEED:-20261121}}
JOBS=${JOBS:-2}
export QEMU_TIMEOUT=${QEMU_TIMEOUT:-120}
LOGS=build/test-logs
mkdir -p "$LOGS"

if [ -t 1 ]; then RED=$'\e[31m' GREEN=$'\e[32m' YELLOW=$'\e[33m' OFF=$'\e[0m'; else RED= GREEN= YELLOW= OFF=; fi

qemu_boards() { grep -l '^BOARD_QEMU' boards/*/board.mk | sed 's|boards/\(.*\)/board.mk|\1|' | sort; }
dev_boards() { for f in boards/*/board.mk; do grep -q '^BOARD_QEMU' "$f" || basename "$(dirname "$f")"; done | sort; }

# Judges one finished run. Appends "P F S" to $3 and prints a line.
#   judge LABEL SOURCE.c LOG STATUS RESULTFILE
judge() {
    local label=$1 src=$2 log=$3 status=$4 out=$5
    local p=0 f=0 s=0 why=
    if [ "$status" = 77 ]; then
        s=1; why=$(grep -m1 '^skip:' "$log" | sed 's/^skip: //')
    elif grep -q 'test-expect-exit:' "$src"; then
        local want
        want=$(sed -n 's/.*test-expect-exit: *\([0-9]*\).*/\1/p' "$src" | head -1)
        if [ "$status" != "$want" ]; then
            f=1; why="exit status $status, expected $want"
        fi
        while IFS= read -r re; do
            [ -z "$re" ] && continue
            if [ $f = 0 ] && ! grep -Eq -- "$re" "$log"; then f=1; why="no output line matches /$re/"; fi
        done < <(sed -n 's/.*test-expect-output: *\(.*[^ ]\) *$/\1/p' "$src" | sed 's| \*/$||')
        if [ $f = 0 ] && grep -q 'test-expect-same-pc' "$src"; then
            local want_pc got_pc
            want_pc=$(sed -n 's/.*expect-pc: *\(0x[0-9a-fA-F]*\).*/\1/p' "$log" | head -1)
            got_pc=$(sed -n -e 's/.*PC *= *\(0x[0-9a-fA-F]*\).*/\1/p' -e 's/.* at PC=\(0x[0-9a-fA-F]*\).*/\1/p' "$log" | head -1)
            if [ -z "$want_pc" ] || [ -z "$got_pc" ] || [ $((want_pc)) != $((got_pc)) ]; then
                f=1; why="reported PC ${got_pc:-none}, the faulting instruction is at ${want_pc:-?}"
            fi
        fi
        [ $f = 0 ] && p=1
    else
        local line
        line=$(grep -E '^[A-Za-z0-9_.-]+: [0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
        if [ -z "$line" ]; then
            f=1; why="no closing line (exit status $status: crashed, hung or timed out)"
        else
            p=$(echo "$line" | sed 's/.*: \([0-9]*\) passed.*/\1/')
            f=$(echo "$line" | sed 's/.* \([0-9]*\) failed.*/\1/')
            if [ "$f" = 0 ] && [ "$status" != 0 ]; then f=1; why="exit status $status"; fi
            [ "$f" != 0 ] && [ -z "$why" ] && why="$(grep -c '^FAIL' "$log") failing case(s)"
        fi
    fi
    echo "$p $f $s" >> "$out"
    if [ "$f" != 0 ]; then
        printf '  %sFAIL%s  %-14s %s: %s (log: %s)\n' "$RED" "$OFF" "${label%% *}" "${label#* }" "$why" "$log"
        grep -E '^(FAIL|\*\*\*)' "$log" | head -5 | sed 's/^/          /'
    elif [ "$s" != 0 ]; then
        printf '  %sskip%s  %-14s %s: %s\n' "$YELLOW" "$OFF" "${label%% *}" "${label#* }" "$why"
    else
        local n=$p; [ "$p" = 1 ] && n="1 check" || n="$p cases"
        printf '  %sok%s    %-14s %s (%s)\n' "$GREEN" "$OFF" "${label%% *}" "${label#* }" "$n"
    fi
}

# Records a single pass/fail check that is not a test program.
check() { # check LABEL RESULTFILE STATUS [WHY]
    if [ "$3" = 0 ]; then
        echo "1 0 0" >> "$2"; printf '  %sok%s    %s\n' "$GREEN" "$OFF" "$1"
    else
        echo "0 1 0" >> "$2"; printf '  %sFAIL%s  %s: %s\n' "$RED" "$OFF" "$1" "${4:-failed}"
    fi
}

run_host() {
    local out=$LOGS/host.result; : > "$out"
    echo "== host (x86_64, ASan + UBSan)"
    if ! make -s -j"$JOBS" test-host > "$LOGS/host-build.log" 2>&1; then
        check "host build" "$out" 1 "see $LOGS/host-build.log"; tail -20 "$LOGS/host-build.log"; return
    fi
    local src bin name log
    for src in $(ls tests/*/test_*.c tests/*/xfail_*.c 2>/dev/null | sort); do
        grep -q 'test-target-only' "$src" && continue
        name=${src#tests/}; name=${name%.c}
        bin=build/host/tests/$name
        log=$LOGS/host/$name.log; mkdir -p "$(dirname "$log")"
        timeout -k 5 "$QEMU_TIMEOUT" "$bin" "seed=$SEED" > "$log" 2>&1
        judge "host $name" "$src" "$log" $? "$out"
    done
    # The heap suites once more with a small-object limit whose class count
    # is not a power of two (25 classes: usedpools has a gap, HP_WALK_BASE).
    local gb=build/host-geom200 gt="heap/test_heap heap/test_walk heap/test_release"
    if ! make -s -j"$JOBS" BUILD=$gb EXTRA_CFLAGS=-DOB_SMALL_LIMIT=200 \
            $(for t in $gt; do echo "$gb/host/tests/$t"; done) > "$LOGS/host-geom-build.log" 2>&1; then
        check "host build (OB_SMALL_LIMIT=200)" "$out" 1 "see $LOGS/host-geom-build.log"; return
    fi
    for name in $gt; do
        log=$LOGS/host-geom200/$name.log; mkdir -p "$(dirname "$log")"
        timeout -k 5 "$QEMU_TIMEOUT" "$gb/host/tests/$name" "seed=$SEED" > "$log" 2>&1
        judge "host $name (small limit 200)" "tests/$name.c" "$log" $? "$out"
    done
}

run_board() {
    local board=$1; local out=$LOGS/$board.result; : > "$out"
    local machine
    machine=$(sed -n 's/^BOARD_QEMU *:= *//p' "boards/$board/board.mk")
    echo "== $board (QEMU $machine)"
    if ! make -s -j1 test-board BOARD="$board" > "$LOGS/$board-build.log" 2>&1; then
        check "$board build" "$out" 1 "see $LOGS/$board-build.log"; tail -20 "$LOGS/$board-build.log"; return
    fi
    local src elf name log
    for src in $(ls tests/*/test_*.c tests/*/xfail_*.c 2>/dev/null | sort); do
        name=${src#tests/}; name=${name%.c}
        elf=build/$board/tests/$name.elf
        log=$LOGS/$board/$name.log; mkdir -p "$(dirname "$log")"
        tools/qemu-run.sh "$machine" "$elf" "seed=$SEED" > "$log" 2>&1
        judge "$board $name" "$src" "$log" $? "$out"
    done
}

run_flash() {
    local out=$LOGS/flash.result; : > "$out"
    echo "== flashing: load through a GDB server (QEMU halted), and no-probe errors"
    local b status
    for b in $(qemu_boards); do
        if [ ! -x tests/flash/gdb_flash_test.sh ]; then
            check "$b gdb load" "$out" 1 "tests/flash/gdb_flash_test.sh is missing"; continue
        fi
        make -s test-board BOARD="$b" > "$LOGS/flash-$b-build.log" 2>&1
        tests/flash/gdb_flash_test.sh "$b" "build/$b/tests/kernel/test_kernel.elf" > "$LOGS/flash-$b.log" 2>&1
        status=$?
        check "$b: image loaded, verified and run through gdb-multiarch + QEMU's GDB server" "$out" $status "$(tail -1 "$LOGS/flash-$b.log")"
    done
    for b in $(dev_boards); do
        if [ ! -x tests/flash/no_probe_test.sh ]; then
            check "$b no-probe" "$out" 1 "tests/flash/no_probe_test.sh is missing"; continue
        fi
        tests/flash/no_probe_test.sh "$b" > "$LOGS/noprobe-$b.log" 2>&1
        status=$?
        check "$b: 'make flash' without a probe says so and fails" "$out" $status "$(tail -1 "$LOGS/noprobe-$b.log")"
    done
}

run_devboards() {
    local out=$LOGS/devboards.result; : > "$out"
    echo "== development boards: images build (ELF, BIN, HEX) and fit"
    local b
    for b in $(dev_boards); do
        if make -s build-demo BOARD="$b" > "$LOGS/dev-$b.log" 2>&1 \
           && [ -s "build/$b/examples/demo/demo.bin" ] && [ -s "build/$b/examples/demo/demo.hex" ]; then
            check "$b: $(arm-none-eabi-size "build/$b/examples/demo/demo.elf" | awk 'NR==2 {printf "text %d, data %d, bss %d bytes", $1, $2, $3}')" "$out" 0
        else
            check "$b build" "$out" 1 "see $LOGS/dev-$b.log"
        fi
    done
    # A stack that leaves no room is refused by the linker with advice (built
    # apart, in build/linkcheck, so the real build directory stays clean).
    local msg st
    msg=$(make -s build-demo BOARD=microbit BOARD_STACK_SIZE=17000 BUILD=build/linkcheck 2>&1); st=$?
    if [ $st != 0 ] && echo "$msg" | grep -q "do not fit in RAM: shrink static buffers or lower BOARD_STACK_SIZE"; then
        check "a stack too big for RAM fails the link with what to change" "$out" 0
    else
        check "a stack too big for RAM fails the link with what to change" "$out" 1 "status $st: $(echo "$msg" | tail -2)"
    fi
    # `make size` (the README's flash and RAM report) works and says both.
    for b in microbit mps2-an385; do
        msg=$(make -s size BOARD=$b 2>&1); st=$?
        if [ $st = 0 ] && echo "$msg" | grep -q "^flash: " && echo "$msg" | grep -q "^RAM: "; then
            check "$b: make size reports flash and RAM" "$out" 0
        else
            check "$b: make size reports flash and RAM" "$out" 1 "status $st: $(echo "$msg" | tail -1)"
        fi
    done
    # An unknown board is refused at once, naming the boards there are.
    msg=$(make -s run BOARD=no-such-board 2>&1); st=$?
    if [ $st != 0 ] && echo "$msg" | grep -q "Unknown BOARD 'no-such-board'. Boards: .*mps2-an385"; then
        check "an unknown BOARD fails with the list of boards" "$out" 0
    else
        check "an unknown BOARD fails with the list of boards" "$out" 1 "status $st: $msg"
    fi
}

total() {
    local p=0 f=0 s=0 a b c
    for r in "$@"; do
        [ -f "$r" ] || continue
        while read -r a b c; do p=$((p + a)); f=$((f + b)); s=$((s + c)); done < "$r"
    done
    echo "$p $f $s"
}

what=${1:-all}; shift || true
if [ "$what" = --one-board ]; then run_board "$1"; exit 0; fi
start=$(date +%s)
echo "Obol tests, seed=$SEED (replay: make test SEED=$SEED)"
results=()
case "$what" in
    host) run_host; results+=("$LOGS/host.result") ;;
    board) for b in "$@"; do run_board "$b"; results+=("$LOGS/$b.result"); done ;;
    flash) run_flash; results+=("$LOGS/flash.result") ;;
    devboards) run_devboards; results+=("$LOGS/devboards.result") ;;
    all)
        run_host; results+=("$LOGS/host.result")
        # Boards in parallel, JOBS at a time; each prints its report when done.
        boards=$(qemu_boards)
        for b in $boards; do results+=("$LOGS/$b.result"); rm -f "$LOGS/$b.result"; done
        printf '%s\n' $boards | xargs -P "$JOBS" -I{} sh -c 'tests/run.sh --one-board {} > build/test-logs/{}.report 2>&1; cat build/test-logs/{}.report'
        run_flash; results+=("$LOGS/flash.result")
        run_devboards; results+=("$LOGS/devboards.result")
        ;;
    *) echo "usage: $0 all | host | board NAME... | flash | devboards" >&2; exit 2 ;;
esac

read -r P F S < <(total "${results[@]}")
echo "---- $(( $(date +%s) - start )) s, seed=$SEED"
if [ "$S" != 0 ]; then echo "$P passed, $F failed, $S skipped"; else echo "$P passed, $F failed"; fi
[ "$F" = 0 ]
