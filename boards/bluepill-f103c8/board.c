/* Blue Pill (STM32F103C8): USART1 on PA9 (TX, alternate push-pull) and
 * PA10 (RX, floating input). The core runs from the 8 MHz HSI that reset
 * selects (no PLL set-up): BOARD_CLOCK_HZ says 8 MHz. */
#include <stdint.h>

#define REG(a) (*(volatile uint32_t *)(uintptr_t)(a))
#define RCC_APB2ENR 0x40021018u
#define GPIOA_CRH   0x40010804u

void k_board_init(void);

void k_board_init(void)
{
    REG(RCC_APB2ENR) |= (1u << 0) | (1u << 2) | (1u << 14); /* AFIO, IOPA, USART1 */
    (void)REG(RCC_APB2ENR);
    uint32_t crh = REG(GPIOA_CRH);
    crh &= ~((0xFu << 4) | (0xFu << 8));
    crh |= (0xBu << 4);  /* PA9: alternate push-pull, 50 MHz */
    crh |= (0x4u << 8);  /* PA10: floating input */
    REG(GPIOA_CRH) = crh;
}
