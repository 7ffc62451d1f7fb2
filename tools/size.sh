#!/usr/bin/env bash
# size.sh IMAGE.elf BOARD - flash and RAM use of an image against the part,
# and the biggest symbols, so a firmware engineer sees what costs what.
set -euo pipefail
elf=$1 board=$2
mem=$(sed -n 's/^BOARD_MEMORY *:= *//p' "boards/$board/board.mk")
flash_len=$(sed -n 's/.*FLASH.*LENGTH *= *\([0-9]*[KM]\?\).*/\1/p' "linker/$mem")
ram_len=$(sed -n 's/.*RAM.*LENGTH *= *\([0-9]*[KM]\?\).*/\1/p' "linker/$mem")
bytes() { case $1 in *K) echo $(( ${1%K} * 1024 ));; *M) echo $(( ${1%M} * 1048576 ));; *) echo "$1";; esac; }
flash=$(bytes "$flash_len"); ram=$(bytes "$ram_len")
read -r text data bss _ < <(arm-none-eabi-size "$elf" | awk 'NR==2 {print $1, $2, $3}')
sym() { arm-none-eabi-nm "$elf" | awk -v s="$1" '$3 == s {print "0x" $1}'; }
heap=$(( $(sym __heap_end) - $(sym __heap_start) ))
stack=$(( $(sym __stack_top) - $(sym __stack_limit) ))
pct() { echo $(( ($1 * 1000 / $2 + 5) / 10 )); }
printf 'flash: %7d of %7d bytes (%d%%)  code+rodata %d, .data image %d\n' $((text + data)) "$flash" "$(pct $((text + data)) "$flash")" "$text" "$data"
printf 'RAM:   %7d of %7d bytes static (%d%%)  .data %d, .bss %d\n' $((data + bss)) "$ram" "$(pct $((data + bss)) "$ram")" "$data" "$bss"
printf '       heap %d bytes, stack %d bytes, alignment padding %d bytes\n' "$heap" "$stack" $((ram - data - bss - heap - stack))
echo "largest symbols (flash and RAM):"
arm-none-eabi-nm --size-sort -S -r "$elf" | sed -n 1,8p | while read -r _ size kind name; do
    printf '  %6d  %s %s\n' "$((16#$size))" "$kind" "$name"
done
