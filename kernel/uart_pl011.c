/* uart_pl011.c - ARM PrimeCell PL011 UART (Stellaris LM3S6965). */
#include "cm.h"

#define UART_DR   K_REG(K_CONSOLE_BASE + 0x00u)
#define UART_FR   K_REG(K_CONSOLE_BASE + 0x18u)
#define UART_IBRD K_REG(K_CONSOLE_BASE + 0x24u)
#define UART_FBRD K_REG(K_CONSOLE_BASE + 0x28u)
#define UART_LCRH K_REG(K_CONSOLE_BASE + 0x2Cu)
#define UART_CR   K_REG(K_CONSOLE_BASE + 0x30u)

#define FR_RXFE (1u << 4)
#define FR_TXFF (1u << 5)

void k_uart_init(void)
{
    /* 115200 8N1: divisor = clock / (16 * baud), fraction in 64ths. */
    uint32_t div64 = (K_CLOCK_HZ * 4u) / 115200u;
    UART_CR = 0;
    UART_IBRD = div64 >> 6;
    UART_FBRD = div64 & 63u;
    UART_LCRH = (3u << 5) | (1u << 4); /* 8 bits, FIFOs on */
    UART_CR = (1u << 0) | (1u << 8) | (1u << 9); /* UARTEN, TXE, RXE */
}

void k_uart_putc(char c)
{
    while (UART_FR & FR_TXFF) {
    }
    UART_DR = (uint8_t)c;
}

int k_uart_getc(void)
{
    return UART_FR & FR_RXFE ? -1 : (int)(UART_DR & 0xFFu);
}
