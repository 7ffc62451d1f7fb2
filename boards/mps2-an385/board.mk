# ARM MPS2 FPGA with AN385: Cortex-M3, 4 MiB code SSRAM, 4 MiB data SSRAM. The default board.
BOARD_CORE      := cortex-m3
BOARD_FPU       := -mfloat-abi=soft
BOARD_MEMORY    := mps2.ld
BOARD_CLOCK_HZ  := 25000000
BOARD_CONSOLE   := cmsdk_uart
BOARD_CONSOLE_BASE := 0x40004000
BOARD_STACK_SIZE := 8192
BOARD_QEMU      := mps2-an385
BOARD_BENCH_TIMER := 0x40028018
