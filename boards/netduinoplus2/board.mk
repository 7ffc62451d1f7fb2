# Netduino Plus 2 (STM32F405RG): Cortex-M4F, 1 MiB flash, 128 KiB SRAM (CCM unused).
BOARD_CORE      := cortex-m4
BOARD_FPU       := -mfloat-abi=hard -mfpu=fpv4-sp-d16
BOARD_MEMORY    := stm32f405.ld
BOARD_CLOCK_HZ  := 168000000
BOARD_CONSOLE   := stm32_usart
BOARD_CONSOLE_BASE := 0x40011000
BOARD_STACK_SIZE := 8192
BOARD_QEMU      := netduinoplus2
BOARD_UNMAPPED  := 0xF0000000
BOARD_SRCS      := boards/netduinoplus2/board.c
