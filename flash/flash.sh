#!/usr/bin/env bash
# flash/flash.sh BOARD IMAGE.elf [GDB_HOST:PORT] [BOARD_FLASH] [BOARD_OPENOCD]
#
# Programs IMAGE into BOARD. `make flash` calls it with all five arguments;
# run by hand, the last two default to the board's boards/<b>/board.mk.
#
#   no GDB given   the board's flash tool: openocd (default), st-flash or
#                  pyocd, chosen with FLASH_TOOL=openocd|st-flash|pyocd.
#                  Writes, verifies, resets. Tool output: a log file beside
#                  the image, named in every message.
#   GDB=host:port  any GDB server (openocd, pyocd, J-Link, QEMU's -gdb):
#                  gdb-multiarch loads the ELF, compares every section, sets
#                  SP/PC from the image's vector table and leaves it running.
#
# Environment:
#   FLASH_TOOL            openocd | st-flash | pyocd (default: BOARD_FLASH)
#   FLASH_TIMEOUT         seconds for one tool run (default 120)
#   FLASH_CONNECT_TIMEOUT seconds to reach a GDB server (default 5)
#   FLASH_HANDSHAKE_TIMEOUT seconds for it to answer (default 20)
#   FLASH_VECTORS         vector table address (default: start of .vectors)
#   FLASH_GDB_INIT        gdb commands after connecting, ';'-separated
#                         (e.g. "monitor reset halt" for openocd or pyocd)
#   FLASH_LOG             log file (default: flash-<tool>.log beside IMAGE)
#   PYOCD_TARGET          pyocd target name (default: BOARD_PYOCD_TARGET or
#                         the table below)
#   BOARD_STFLASH_ADDR    st-flash address (default: from board.mk)
#   GDB_PROG              the gdb to use (default gdb-multiarch)
#
# Exit status: 0 done; 1 tool failed; 2 usage or configuration error;
# 3 no debug probe / GDB server unreachable; 4 verify failed; 127 tool missing.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")

die() { local code=$1; shift; printf 'flash: %s\n' "$@" >&2; exit "$code"; }
usage() { die 2 "usage: $0 BOARD IMAGE.elf [GDB_HOST:PORT] [BOARD_FLASH] [BOARD_OPENOCD]"; }

# need TOOL PACKAGE [HINT]: fail with the Debian package when TOOL is absent.
need() {
    command -v "$1" >/dev/null 2>&1 && return 0
    die 127 "$1 not found on PATH; install it: apt-get install $2${3:+ ($3)}"
}

# board_var NAME: the value of NAME in the board's make fragment ('' if unset).
board_var() {
    sed -n "s/^$1[[:space:]]*[:?]\{0,1\}=[[:space:]]*//p" "$board_mk" | tail -n 1 |
        sed 's/[[:space:]]*$//'
}

[ $# -ge 2 ] || usage
board=$1 image=$2 gdb_target=${3:-}
board_mk=$root/boards/$board/board.mk
if [ ! -f "$board_mk" ]; then
    boards=$(cd "$root/boards" && ls -- */board.mk 2>/dev/null | sed 's|/board.mk||' | tr '\n' ' ')
    die 2 "unknown board '$board'. Boards: $boards"
fi
if [ $# -ge 4 ]; then method=$4; else method=$(board_var BOARD_FLASH); fi
if [ $# -ge 5 ]; then openocd_args=$5; else openocd_args=$(board_var BOARD_OPENOCD); fi
[ -f "$image" ] || die 2 "no image '$image' (build it first: make build-demo BOARD=$board)"
limit=${FLASH_TIMEOUT:-120}

logfile() {
    local log=${FLASH_LOG:-$(dirname "$image")/flash-$1.log}
    if ! : >"$log" 2>/dev/null; then log=$(mktemp "${TMPDIR:-/tmp}/obol-flash-$1.XXXXXX.log"); fi
    echo "$log"
}

# Lines worth showing from a tool's log when it failed.
show_errors() {
    grep -iE 'error|fail|denied|mismatch|not found|no .*(probe|device)|couldn.t' "$1" |
        grep -v '^flash-gdb: ' | head -n 8 | cut -c 1-200 | sed 's/^/  | /' >&2 || true
}

# classify TOOL LOG TRIED: explain a failed tool run and exit.
classify() {
    local tool=$1 log=$2 tried=$3
    if grep -qiE 'LIBUSB_ERROR_ACCESS|permission denied|insufficient permissions|access denied' "$log"; then
        show_errors "$log"
        die 3 "no debug probe found for $board (tried $tried): the probe is there but this user may not open it - connect the probe / check USB permissions (udev rules, plugdev group; see docs/flashing.md)" \
            "$tool output: $log"
    fi
    if grep -qiE "open failed|no j-link device found|unable to find a matching cmsis-dap|unable to open ftdi device|no cmsis-dap device|couldn.t find any st-link|found 0 stlink|no (connected|available) debug probes|there is no debug probe|no debug probe|no device found|unable to find .*(probe|adapter|device)|LIBUSB_ERROR_NOT_FOUND|LIBUSB_ERROR_NO_DEVICE" "$log"; then
        show_errors "$log"
        die 3 "no debug probe found for $board (tried $tried): connect the probe / check USB permissions" \
            "$tool output: $log"
    fi
    if grep -qiE 'unable to connect to the target|init mode failed|error connecting dp|could not initialize the debug port|target not examined|failed to connect|target voltage|examination failed' "$log"; then
        show_errors "$log"
        die 1 "$board: the probe answered but the target did not (tried $tried): check the SWD wiring, target power and BOOT pins, or hold reset while connecting" \
            "$tool output: $log"
    fi
    if grep -qiE 'verify failed|checksum mismatch|verification (error|fail)|contents differ' "$log"; then
        show_errors "$log"
        die 4 "$board: programmed, but verification failed (tried $tried): the flash does not hold the image" \
            "$tool output: $log"
    fi
    show_errors "$log"
    die 1 "$board: $tool failed (tried $tried)" "$tool output: $log"
}

# run_logged LOG CMD...: run CMD under the time limit into LOG; its status.
run_logged() {
    local log=$1; shift
    local rc=0
    timeout -k 5 "$limit" "$@" >>"$log" 2>&1 || rc=$?
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
        echo "flash: '$1' did not finish within ${limit}s (FLASH_TIMEOUT)" >>"$log"
    fi
    return "$rc"
}

# ---------------------------------------------------------------- openocd ---
flash_openocd() {
    need openocd openocd
    local -a args=()
    # BOARD_OPENOCD is a shell-quoted argument list (e.g. -c "transport select swd").
    [ -n "$openocd_args" ] && mapfile -t args < <(printf '%s\n' "$openocd_args" | xargs -n 1 printf '%s\n')
    [ ${#args[@]} -gt 0 ] || die 2 "$board: no openocd configuration (BOARD_OPENOCD in boards/$board/board.mk)"
    local log tried="openocd with $openocd_args"
    log=$(logfile openocd)
    echo "flash: $board: openocd $openocd_args: program $image verify reset"
    if run_logged "$log" openocd "${args[@]}" -c "program {$image} verify reset exit" &&
        grep -q 'Verified OK' "$log"; then
        echo "flash: $board: programmed, verified and reset with openocd (log: $log)"
        return 0
    fi
    classify openocd "$log" "$tried"
}

# --------------------------------------------------------------- st-flash ---
flash_stflash() {
    need st-flash stlink-tools
    local addr=${BOARD_STFLASH_ADDR:-$(board_var BOARD_STFLASH_ADDR)}
    [ -n "$addr" ] || die 2 "$board: st-flash needs the flash address and boards/$board/board.mk sets no BOARD_STFLASH_ADDR (st-flash is for STM32 boards with an ST-LINK)"
    local bin=${image%.elf}.bin log
    log=$(logfile st-flash)
    if [ "$bin" = "$image" ] || [ ! -f "$bin" ] || [ "$bin" -ot "$image" ]; then
        need arm-none-eabi-objcopy binutils-arm-none-eabi
        bin=$(dirname "$log")/flash-image.bin
        arm-none-eabi-objcopy -O binary "$image" "$bin"
    fi
    echo "flash: $board: st-flash write $bin $addr, then reset"
    if run_logged "$log" st-flash write "$bin" "$addr" && run_logged "$log" st-flash reset; then
        echo "flash: $board: programmed, verified and reset with st-flash (log: $log)"
        return 0
    fi
    classify st-flash "$log" "st-flash at $addr"
}

# ------------------------------------------------------------------ pyocd ---
pyocd_default_target() {
    case $board in
        nucleo-f401re) echo stm32f401retx ;;
        stm32f4-discovery) echo stm32f407vgtx ;;
        bluepill-f103c8) echo stm32f103c8tx ;;
        nrf52840-dk) echo nrf52840 ;;
        *) echo "" ;;
    esac
}

flash_pyocd() {
    local target=${PYOCD_TARGET:-$(board_var BOARD_PYOCD_TARGET)}
    [ -n "$target" ] || target=$(pyocd_default_target)
    [ -n "$target" ] || die 2 "$board: no pyocd target name; give PYOCD_TARGET=<name> (pyocd list --targets)"
    local log
    if command -v pyocd >/dev/null 2>&1; then
        log=$(logfile pyocd)
        echo "flash: $board: pyocd flash -t $target $image"
        if run_logged "$log" pyocd flash -t "$target" "$image"; then
            echo "flash: $board: programmed and reset with pyocd (no read-back: for a verified load use GDB= with 'pyocd gdbserver') (log: $log)"
            return 0
        fi
    elif command -v pyocd-flashtool >/dev/null 2>&1; then
        # Debian's python3-pyocd (0.13) has only the older front end.
        log=$(logfile pyocd)
        echo "flash: $board: pyocd-flashtool -t $target $image"
        if run_logged "$log" pyocd-flashtool -t "$target" "$image" elf; then
            echo "flash: $board: programmed with pyocd-flashtool (log: $log)"
            return 0
        fi
    else
        need pyocd python3-pyocd "or: pip install pyocd"
    fi
    if grep -qiE "target type .* not recognized|not a known target|unknown target|invalid choice" "$log"; then
        show_errors "$log"
        die 2 "$board: pyocd does not know target '$target': install its pack (pyocd pack install $target; Debian's pyocd-flashtool 0.13 has built-in targets only) or set PYOCD_TARGET" \
            "pyocd output: $log"
    fi
    classify pyocd "$log" "pyocd with target $target"
}

# -------------------------------------------------------------------- GDB ---
# vectors_of ELF: start address of the .vectors section.
vectors_of() {
    local readelf
    for readelf in arm-none-eabi-readelf readelf; do
        if command -v "$readelf" >/dev/null 2>&1; then
            "$readelf" -SW "$1" 2>/dev/null |
                awk '{ sub(/^.*\]/, ""); if ($1 == ".vectors") { print "0x" $3; exit } }'
            return 0
        fi
    done
    if command -v arm-none-eabi-objdump >/dev/null 2>&1; then
        arm-none-eabi-objdump -h "$1" | awk '$2 == ".vectors" { print "0x" $4; exit }'
    fi
}

flash_gdb() {
    local gdb=${GDB_PROG:-gdb-multiarch}
    need "$gdb" gdb-multiarch
    case $gdb_target in
        *:*) ;;
        *) die 2 "GDB='$gdb_target' is not host:port (e.g. GDB=127.0.0.1:3333)" ;;
    esac
    local host=${gdb_target%:*} port=${gdb_target##*:}
    case $port in
        '' | *[!0-9]*) die 2 "GDB='$gdb_target': '$port' is not a port number (give host:port, e.g. 127.0.0.1:3333)" ;;
    esac
    { [ "$port" -ge 1 ] && [ "$port" -le 65535 ]; } || die 2 "GDB='$gdb_target': port $port is out of range 1-65535"
    [ -n "$host" ] || { host=127.0.0.1; gdb_target=$host:$port; }
    if command -v getent >/dev/null 2>&1 && ! getent hosts "$host" >/dev/null 2>&1; then
        die 3 "GDB='$gdb_target': cannot resolve host '$host'"
    fi
    [ "$(head -c 4 "$image" | od -An -c | tr -d ' ')" = '177ELF' ] ||
        die 2 "'$image' is not an ELF file: the GDB path loads the .elf image"
    local vectors=${FLASH_VECTORS:-$(vectors_of "$image")}
    [ -n "$vectors" ] || die 2 "'$image' has no .vectors section (or no readelf to find it: apt-get install binutils-arm-none-eabi); give FLASH_VECTORS=<address>"

    local log
    log=$(logfile gdb)
    echo "flash: $board: loading $image through the GDB server at $gdb_target (vector table $vectors)"
    local rc=0
    OBOL_FLASH_TARGET=$gdb_target OBOL_FLASH_VECTORS=$vectors \
        OBOL_FLASH_INIT=${FLASH_GDB_INIT:-} \
        OBOL_FLASH_CONNECT_TIMEOUT=${FLASH_CONNECT_TIMEOUT:-5} \
        OBOL_FLASH_REMOTE_TIMEOUT=${FLASH_REMOTE_TIMEOUT:-10} \
        OBOL_FLASH_HANDSHAKE_TIMEOUT=${FLASH_HANDSHAKE_TIMEOUT:-20} \
        timeout -k 5 "$limit" "$gdb" -nx -batch -x "$here/gdb_load.py" "$image" \
        </dev/null >"$log" 2>&1 || rc=$?
    grep -E '^(Loading section|Section |Start address|Transfer rate|flash-gdb: (verified|starting|warning))' "$log" | sed 's/^/  /' || true
    case $rc in
        0)
            echo "flash: $board: loaded, verified and started through $gdb_target (log: $log)"
            return 0 ;;
        3)
            grep -E '^flash-gdb: error' "$log" | sed 's/^flash-gdb: error: /  | /' >&2 || true
            die 3 "no GDB server answered at $gdb_target: start one (openocd, pyocd gdbserver, or 'make debug BOARD=<qemu board> PORT=$port') or check host:port" \
                "gdb output: $log" ;;
        6)
            die 3 "something at $gdb_target accepted the connection but did not answer as a GDB server within ${FLASH_HANDSHAKE_TIMEOUT:-20}s: check host:port" \
                "gdb output: $log" ;;
        4)
            grep -E 'MIS-MATCHED|^flash-gdb: error' "$log" | sed 's/^/  | /' >&2 || true
            die 4 "$board: verify failed after loading through $gdb_target: the target's memory does not hold the image (read-only or unprogrammed flash? the server's flash support?)" \
                "gdb output: $log" ;;
        124 | 137)
            die 3 "the GDB server at $gdb_target did not finish within ${limit}s (FLASH_TIMEOUT): is it a GDB server, and is the target halted and responsive?" \
                "gdb output: $log" ;;
        *)
            grep -E '^flash-gdb: error|[Ee]rror' "$log" | head -n 5 | sed 's/^/  | /' >&2 || true
            die 1 "$board: loading through $gdb_target failed (gdb status $rc)" "gdb output: $log" ;;
    esac
}

# ------------------------------------------------------------------- main ---
if [ -n "$gdb_target" ]; then
    flash_gdb
    exit 0
fi

if [ -z "$method" ]; then
    qemu=$(board_var BOARD_QEMU)
    if [ -n "$qemu" ]; then
        die 2 "BOARD=$board is a QEMU board (machine $qemu): QEMU boards are run, not flashed: make run BOARD=$board" \
            "flashing it needs a GDB server: GDB=host:port, e.g. a QEMU halted by 'make debug BOARD=$board PORT=3333'" \
            "in another shell, then: make flash BOARD=$board GDB=127.0.0.1:3333"
    fi
    die 2 "BOARD=$board has no flash method (BOARD_FLASH in boards/$board/board.mk); give GDB=host:port to load through a GDB server"
fi

case ${FLASH_TOOL:-$method} in
    openocd) flash_openocd ;;
    st-flash | stflash | stlink) flash_stflash ;;
    pyocd) flash_pyocd ;;
    *) die 2 "unknown FLASH_TOOL '${FLASH_TOOL:-$method}': use openocd, st-flash or pyocd (or GDB=host:port)" ;;
esac
