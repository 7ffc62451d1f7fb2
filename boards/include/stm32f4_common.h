/* stm32f4_common.h - clock and pin set-up shared by the STM32F4 boards. */
#ifndef STM32F4_COMMON_H
#define STM32F4_COMMON_H

#include <stdint.h>

#define STM32_REG(a) (*(volatile uint32_t *)(uintptr_t)(a))
#define RCC_AHB1ENR_ADDR 0x40023830u
#define RCC_APB1ENR_ADDR 0x40023840u
#define RCC_APB2ENR_ADDR 0x40023844u
#define GPIOA_BASE 0x40020000u

void k_board_init(void);

/* Clocks GPIOA and the USART, and puts GPIOA pins tx and rx in alternate
 * function 7 (USART1..3 on the F4). */
static inline void stm32f4_usart_pins(uint32_t enr_addr, uint32_t enr_bit,
                                      unsigned tx, unsigned rx)
{
    STM32_REG(RCC_AHB1ENR_ADDR) |= 1u << 0; /* GPIOAEN */
    STM32_REG(enr_addr) |= enr_bit;
    (void)STM32_REG(enr_addr); /* let the clock start before touching the peripheral */
    uint32_t moder = STM32_REG(GPIOA_BASE + 0x00u);
    moder &= ~((3u << (2 * tx)) | (3u << (2 * rx)));
    moder |= (2u << (2 * tx)) | (2u << (2 * rx)); /* alternate function */
    STM32_REG(GPIOA_BASE + 0x00u) = moder;
    for (unsigned i = 0; i < 2; i++) {
        unsigned pin = i ? rx : tx;
        uint32_t afr_addr = GPIOA_BASE + (pin < 8 ? 0x20u : 0x24u);
        unsigned shift = 4 * (pin & 7u);
        STM32_REG(afr_addr) = (STM32_REG(afr_addr) & ~(0xFu << shift)) | (7u << shift);
    }
}

#endif
