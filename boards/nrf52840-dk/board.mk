# Nordic nRF52840-DK (PCA10056): Cortex-M4F, 1 MiB flash, 256 KiB RAM.
# Console: UART0 on P0.06 (TX) / P0.08 (RX), the J-Link virtual COM port, 115200 8N1.
BOARD_CORE      := cortex-m4
BOARD_FPU       := -mfloat-abi=hard -mfpu=fpv4-sp-d16
BOARD_MEMORY    := nrf52840.ld
BOARD_CLOCK_HZ  := 64000000
BOARD_CONSOLE   := nrf_uart
BOARD_CONSOLE_BASE := 0x40002000
BOARD_CONSOLE_PINS := -DK_UART_TX_PIN=6 -DK_UART_RX_PIN=8
BOARD_STACK_SIZE := 8192
BOARD_FLASH     := openocd
BOARD_OPENOCD   := -f interface/jlink.cfg -c "transport select swd" -f target/nrf52.cfg
BOARD_PYOCD_TARGET := nrf52840
