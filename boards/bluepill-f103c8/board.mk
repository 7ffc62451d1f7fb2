# "Blue Pill" STM32F103C8: Cortex-M3, 64 KiB flash, 20 KiB RAM.
# Console: USART1 on PA9 (TX) / PA10 (RX), 115200 8N1. Probe: an ST-LINK/V2 on SWD.
BOARD_CORE      := cortex-m3
BOARD_FPU       := -mfloat-abi=soft
BOARD_MEMORY    := stm32f103c8.ld
BOARD_CLOCK_HZ  := 8000000
BOARD_CONSOLE   := stm32_usart
BOARD_CONSOLE_BASE := 0x40013800
BOARD_STACK_SIZE := 2048
BOARD_SRCS      := boards/bluepill-f103c8/board.c
BOARD_FLASH     := openocd
BOARD_OPENOCD   := -f interface/stlink.cfg -f target/stm32f1x.cfg
BOARD_STFLASH_ADDR := 0x08000000
BOARD_DEFS      := -DOB_HEAP_SMALL=1
BOARD_PYOCD_TARGET := stm32f103c8tx
