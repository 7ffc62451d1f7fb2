# ST NUCLEO-F401RE: STM32F401RE, Cortex-M4F, 512 KiB flash, 96 KiB RAM.
# Console: USART2 on PA2/PA3, wired to the ST-LINK virtual COM port, 115200 8N1.
BOARD_CORE      := cortex-m4
BOARD_FPU       := -mfloat-abi=hard -mfpu=fpv4-sp-d16
BOARD_MEMORY    := stm32f401re.ld
BOARD_CLOCK_HZ  := 16000000
BOARD_CONSOLE   := stm32_usart
BOARD_CONSOLE_BASE := 0x40004400
BOARD_STACK_SIZE := 8192
BOARD_SRCS      := boards/nucleo-f401re/board.c
BOARD_FLASH     := openocd
BOARD_OPENOCD   := -f board/st_nucleo_f4.cfg
BOARD_STFLASH_ADDR := 0x08000000
BOARD_PYOCD_TARGET := stm32f401retx
