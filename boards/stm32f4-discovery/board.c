/* STM32F4DISCOVERY: USART2 on PA2 (TX) / PA3 (RX), alternate function 7.
 * The core runs from the 16 MHz HSI that reset selects (no PLL set-up):
 * BOARD_CLOCK_HZ says 16 MHz, and USART2's APB1 clock is the same. */
#include "stm32f4_common.h"

void k_board_init(void)
{
    stm32f4_usart_pins(RCC_APB1ENR_ADDR, 1u << 17 /* USART2EN */, 2, 3);
}
