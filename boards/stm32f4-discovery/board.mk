# ST STM32F4DISCOVERY: STM32F407VG, Cortex-M4F, 1 MiB flash, 128 KiB SRAM (CCM unused).
# Console: USART2 on PA2 (TX) / PA3 (RX), 115200 8N1, through a USB-serial adapter.
BOARD_CORE      := cortex-m4
BOARD_FPU       := -mfloat-abi=hard -mfpu=fpv4-sp-d16
BOARD_MEMORY    := stm32f407.ld
BOARD_CLOCK_HZ  := 16000000
BOARD_CONSOLE   := stm32_usart
BOARD_CONSOLE_BASE := 0x40004400
BOARD_STACK_SIZE := 8192
BOARD_SRCS      := boards/stm32f4-discovery/board.c
BOARD_FLASH     := openocd
BOARD_OPENOCD   := -f board/stm32f4discovery.cfg
BOARD_STFLASH_ADDR := 0x08000000
BOARD_PYOCD_TARGET := stm32f407vgtx
