# ARM MPS2 FPGA with AN500: Cortex-M7 with double-precision FPU, memory map as AN385.
BOARD_CORE      := cortex-m7
BOARD_FPU       := -mfloat-abi=hard -mfpu=fpv5-d16
BOARD_MEMORY    := mps2.ld
BOARD_CLOCK_HZ  := 25000000
BOARD_CONSOLE   := cmsdk_uart
BOARD_CONSOLE_BASE := 0x40004000
BOARD_STACK_SIZE := 8192
BOARD_QEMU      := mps2-an500
BOARD_UNMAPPED  := 0xF0000000
BOARD_BENCH_TIMER := 0x40028018
BOARD_DEFS      := -DOB_HEAP_LARGE=1
