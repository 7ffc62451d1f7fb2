# ARM MPS2+ FPGA with AN505: Cortex-M33 (ARMv8-M mainline, runs Secure), FPU.
BOARD_CORE      := cortex-m33
BOARD_FPU       := -mfloat-abi=hard -mfpu=fpv5-sp-d16
BOARD_MEMORY    := mps2-an505.ld
BOARD_CLOCK_HZ  := 20000000
BOARD_CONSOLE   := cmsdk_uart
BOARD_CONSOLE_BASE := 0x50200000
BOARD_STACK_SIZE := 8192
BOARD_QEMU      := mps2-an505
BOARD_UNMAPPED  := 0xF0000000
BOARD_BENCH_TIMER := 0x50302018
