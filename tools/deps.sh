#!/usr/bin/env bash
# deps.sh - installs the tools the build and the tests need, when missing.
# Debian packages; run as root (or with sudo available). When it cannot
# install, it names the packages and exits non-zero.
set -euo pipefail

need=()
have() { command -v "$1" >/dev/null 2>&1; }
have arm-none-eabi-gcc || need+=(gcc-arm-none-eabi)
# newlib-nano: the C library's freestanding helpers (memcpy, setjmp...)
[ -n "$(find /usr/lib/arm-none-eabi -name 'libc_nano.a' 2>/dev/null | head -1)" ] || need+=(libnewlib-arm-none-eabi)
have qemu-system-arm || need+=(qemu-system-arm)
have gdb-multiarch || need+=(gdb-multiarch)
have openocd || need+=(openocd)
have cc || need+=(gcc)
have make || need+=(make)
have timeout || need+=(coreutils)
have python3 || need+=(python3)

[ ${#need[@]} -eq 0 ] && exit 0

echo "deps: installing ${need[*]} (Debian packages)" >&2
SUDO=
if [ "$(id -u)" != 0 ]; then
    if have sudo; then SUDO=sudo; else
        echo "deps: missing packages: ${need[*]}" >&2
        echo "deps: not root and no sudo: install them with 'apt-get install --no-install-recommends ${need[*]}'" >&2
        exit 1
    fi
fi
if ! have apt-get; then
    echo "deps: no apt-get here; install these (Debian names): ${need[*]}" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# --no-install-recommends: the cross compiler's recommended libstdc++ and
# QEMU's GUI front ends would add about 2.5 GiB that nothing here uses.
if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"; } >/tmp/obol-deps.log 2>&1; then
    tail -20 /tmp/obol-deps.log >&2
    echo "deps: could not install: ${need[*]} (log: /tmp/obol-deps.log)" >&2
    exit 1
fi
echo "deps: installed ${need[*]}" >&2
