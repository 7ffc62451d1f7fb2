/* Netduino Plus 2 (STM32F405): USART1 on PA9 (TX) / PA10 (RX), AF7.
 * QEMU models the USART but not the clock tree; on the real part these
 * writes enable the clocks and route the pins. */
#include "stm32f4_common.h"

void k_board_init(void)
{
    stm32f4_usart_pins(RCC_APB2ENR_ADDR, 1u << 4 /* USART1EN */, 9, 10);
}
