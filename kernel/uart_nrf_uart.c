/* uart_nrf_uart.c - Nordic nRF51/nRF52 UART0 (non-DMA register interface). */
#include "cm.h"

#define UART_STARTRX  K_REG(K_CONSOLE_BASE + 0x000u)
#define UART_STARTTX  K_REG(K_CONSOLE_BASE + 0x008u)
#define UART_RXDRDY   K_REG(K_CONSOLE_BASE + 0x108u)
#define UART_TXDRDY   K_REG(K_CONSOLE_BASE + 0x11Cu)
#define UART_ENABLE   K_REG(K_CONSOLE_BASE + 0x500u)
#define UART_PSELTXD  K_REG(K_CONSOLE_BASE + 0x50Cu)
#define UART_PSELRXD  K_REG(K_CONSOLE_BASE + 0x514u)
#define UART_RXD      K_REG(K_CONSOLE_BASE + 0x518u)
#define UART_TXD      K_REG(K_CONSOLE_BASE + 0x51Cu)
#define UART_BAUDRATE K_REG(K_CONSOLE_BASE + 0x524u)

#define BAUD_115200 0x01D7E000u

void k_uart_init(void)
{
    UART_PSELTXD = K_UART_TX_PIN;
    UART_PSELRXD = K_UART_RX_PIN;
    UART_BAUDRATE = BAUD_115200;
    UART_ENABLE = 4;
    UART_STARTTX = 1;
    UART_STARTRX = 1;
}

void k_uart_putc(char c)
{
    UART_TXDRDY = 0;
    UART_TXD = (uint8_t)c;
    while (!UART_TXDRDY) {
    }
}

int k_uart_getc(void)
{
    if (!UART_RXDRDY)
        return -1;
    UART_RXDRDY = 0;
    return (int)(UART_RXD & 0xFFu);
}
