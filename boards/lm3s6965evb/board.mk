# TI Stellaris LM3S6965 evaluation board: Cortex-M3, 256 KiB flash, 64 KiB RAM.
BOARD_CORE      := cortex-m3
BOARD_FPU       := -mfloat-abi=soft
BOARD_MEMORY    := lm3s6965.ld
BOARD_CLOCK_HZ  := 12500000
BOARD_CONSOLE   := pl011
BOARD_CONSOLE_BASE := 0x4000C000
BOARD_STACK_SIZE := 4096
BOARD_QEMU      := lm3s6965evb
