/* cm.h - Cortex-M system registers the kernel touches (ARMv6-M to ARMv8-M),
 * with the bit names the fault report decodes. Internal to kernel/. */
#ifndef K_CM_H
#define K_CM_H

#include <stdint.h>

#define K_REG(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

/* SysTick */
#define SYST_CSR   K_REG(0xE000E010u)
#define SYST_RVR   K_REG(0xE000E014u)
#define SYST_CVR   K_REG(0xE000E018u)
#define SYST_CSR_ENABLE    (1u << 0)
#define SYST_CSR_TICKINT   (1u << 1)
#define SYST_CSR_CLKSOURCE (1u << 2)

/* System control block */
#define SCB_CPUID  K_REG(0xE000ED00u)
#define SCB_ICSR   K_REG(0xE000ED04u)
#define SCB_VTOR   K_REG(0xE000ED08u)
#define SCB_CCR    K_REG(0xE000ED14u)
#define SCB_SHCSR  K_REG(0xE000ED24u)
#define SCB_CFSR   K_REG(0xE000ED28u)
#define SCB_HFSR   K_REG(0xE000ED2Cu)
#define SCB_MMFAR  K_REG(0xE000ED34u)
#define SCB_BFAR   K_REG(0xE000ED38u)
#define SCB_CPACR  K_REG(0xE000ED88u)
#define SCB_SFSR   K_REG(0xE000EDE4u) /* ARMv8-M Secure fault status */
#define SCB_SFAR   K_REG(0xE000EDE8u)
#define DHCSR      K_REG(0xE000EDF0u)

#define ICSR_PENDSTSET (1u << 26)
#define CCR_DIV_0_TRP  (1u << 4)
#define SHCSR_MEMFAULTENA (1u << 16)
#define SHCSR_BUSFAULTENA (1u << 17)
#define SHCSR_USGFAULTENA (1u << 18)

/* ARMv7-M and later have the configurable fault handlers and CFSR. */
#if defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__) || \
    defined(__ARM_ARCH_8M_MAIN__) || defined(__ARM_ARCH_8_1M_MAIN__)
#define K_HAS_CFSR 1
#else
#define K_HAS_CFSR 0
#endif

#if defined(__ARM_ARCH_8M_MAIN__) || defined(__ARM_ARCH_8M_BASE__)
#define K_ARMV8M 1
#else
#define K_ARMV8M 0
#endif

static inline uint32_t k_primask_get(void)
{
    uint32_t v;
    __asm volatile("mrs %0, primask" : "=r"(v));
    return v;
}

static inline void k_irq_disable(void)
{
    __asm volatile("cpsid i" ::: "memory");
}

static inline void k_irq_enable(void)
{
    __asm volatile("cpsie i" ::: "memory");
}

static inline uintptr_t k_sp_get(void)
{
    uintptr_t v;
    __asm volatile("mov %0, sp" : "=r"(v));
    return v;
}

/* Console driver of the board (kernel/uart_<name>.c). */
void k_uart_init(void);
void k_uart_putc(char c);
int k_uart_getc(void);

/* Board hook (boards/<name>/board.c): clocks and pins before the console. */
void k_board_init(void);

/* Kernel-internal entry points. */
void k_time_init(void);
void k_kernel_init(void);
void k_systick_isr(void);
void k_stack_paint_(uint32_t *from, uint32_t *to);
void k_fault_entry(void);
void k_reset(void);

/* Semihosting (kernel/semihost.c); only used where K_SEMIHOSTING is 1. */
_Noreturn void k_semihost_exit(int code);
int k_semihost_cmdline(char *buf, uint32_t size);
void k_semihost_write0(const char *s);

#endif /* K_CM_H */
