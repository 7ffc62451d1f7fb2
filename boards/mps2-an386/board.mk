# ARM MPS2 FPGA with AN386: Cortex-M4 with single-precision FPU, memory map as AN385.
BOARD_CORE      := cortex-m4
BOARD_FPU       := -mfloat-abi=hard -mfpu=fpv4-sp-d16
BOARD_MEMORY    := mps2.ld
BOARD_CLOCK_HZ  := 25000000
BOARD_CONSOLE   := cmsdk_uart
BOARD_CONSOLE_BASE := 0x40004000
BOARD_STACK_SIZE := 8192
BOARD_QEMU      := mps2-an386
BOARD_UNMAPPED  := 0xF0000000
BOARD_BENCH_TIMER := 0x40028018
BOARD_DEFS      := -DOB_HEAP_LARGE=1
