/* uart_semihost.c - console through semihosting, for a board with no UART
 * model in QEMU (set BOARD_CONSOLE := semihost). Output only. */
#include "cm.h"

void k_uart_init(void)
{
}

void k_uart_putc(char c)
{
    char s[2] = {c, '\0'};
    k_semihost_write0(s);
}

int k_uart_getc(void)
{
    return -1;
}
