/* uart_stm32_usart.c - STM32 F1/F2/F4 USART (same register layout on all
 * three). Clocks and pins are the board's job (boards/<name>/board.c). */
#include "cm.h"

#define USART_SR  K_REG(K_CONSOLE_BASE + 0x00u)
#define USART_DR  K_REG(K_CONSOLE_BASE + 0x04u)
#define USART_BRR K_REG(K_CONSOLE_BASE + 0x08u)
#define USART_CR1 K_REG(K_CONSOLE_BASE + 0x0Cu)

#define SR_RXNE (1u << 5)
#define SR_TXE  (1u << 7)
#define CR1_RE  (1u << 2)
#define CR1_TE  (1u << 3)
#define CR1_UE  (1u << 13)

void k_uart_init(void)
{
    USART_BRR = (K_CLOCK_HZ + 57600u) / 115200u; /* 16x oversampling */
    USART_CR1 = CR1_UE | CR1_TE | CR1_RE;
}

void k_uart_putc(char c)
{
    while (!(USART_SR & SR_TXE)) {
    }
    USART_DR = (uint8_t)c;
}

int k_uart_getc(void)
{
    return USART_SR & SR_RXNE ? (int)(USART_DR & 0xFFu) : -1;
}
