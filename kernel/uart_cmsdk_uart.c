/* uart_cmsdk_uart.c - ARM CMSDK APB UART (MPS2 boards). */
#include "cm.h"

#define UART_DATA    K_REG(K_CONSOLE_BASE + 0x00u)
#define UART_STATE   K_REG(K_CONSOLE_BASE + 0x04u)
#define UART_CTRL    K_REG(K_CONSOLE_BASE + 0x08u)
#define UART_BAUDDIV K_REG(K_CONSOLE_BASE + 0x10u)

#define STATE_TX_FULL (1u << 0)
#define STATE_RX_FULL (1u << 1)
#define CTRL_TX_EN    (1u << 0)
#define CTRL_RX_EN    (1u << 1)

void k_uart_init(void)
{
    UART_BAUDDIV = K_CLOCK_HZ / 115200u;
    UART_CTRL = CTRL_TX_EN | CTRL_RX_EN;
}

void k_uart_putc(char c)
{
    while (UART_STATE & STATE_TX_FULL) {
    }
    UART_DATA = (uint8_t)c;
}

int k_uart_getc(void)
{
    return UART_STATE & STATE_RX_FULL ? (int)(UART_DATA & 0xFFu) : -1;
}
