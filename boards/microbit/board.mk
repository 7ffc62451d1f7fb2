# BBC micro:bit v1 (nRF51822): Cortex-M0, 256 KiB flash, 16 KiB RAM - the small end.
BOARD_CORE      := cortex-m0
BOARD_FPU       := -mfloat-abi=soft
BOARD_MEMORY    := nrf51822.ld
BOARD_CLOCK_HZ  := 16000000
BOARD_CONSOLE   := nrf_uart
BOARD_CONSOLE_BASE := 0x40002000
BOARD_CONSOLE_PINS := -DK_UART_TX_PIN=24 -DK_UART_RX_PIN=25
BOARD_STACK_SIZE := 2048
BOARD_QEMU      := microbit
BOARD_DEFS      := -DOB_HEAP_SMALL=1
