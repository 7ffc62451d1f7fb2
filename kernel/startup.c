/* startup.c - vector table and reset: from power-on to main().
 *
 * Reset order: copy .data from flash, zero .bss, paint the stack (for the
 * high-water mark) and lay the guard words, turn the FPU on where there is
 * one, enable the configurable fault handlers, let the board set up clocks
 * and pins, start the console and the time base, then call main() and pass
 * its return value to k_exit().
 *
 * Built with -fno-tree-loop-distribute-patterns: GCC would otherwise turn
 * the copy loops into memcpy/memset calls before .data exists.
 */
#include "cm.h"
#include "k.h"

extern uint32_t __data_start[], __data_end[], __data_load[];
extern uint32_t __bss_start[], __bss_end[];
extern uint32_t __stack_top[], __stack_limit[];

int main(void);

/* Unexpected interrupt: report which one and stop. */
static void k_unexpected_isr(void)
{
    uint32_t ipsr;
    __asm volatile("mrs %0, ipsr" : "=r"(ipsr));
    k_printf("\n*** unexpected exception %lu\n", (unsigned long)(ipsr & 0x1FFu));
    k_fatal("unexpected exception");
}

typedef void (*k_vector)(void);

/* The system exceptions. IRQ vectors are not used (the kernel polls its
 * console); a board that needs them extends this table. */
__attribute__((section(".vectors"), used)) static const k_vector vectors[16] = {
    (k_vector)(uintptr_t)__stack_top, /* 0: initial main stack pointer */
    k_reset,                          /* 1: Reset */
    k_unexpected_isr,                 /* 2: NMI */
    k_fault_entry,                    /* 3: HardFault */
    k_fault_entry,                    /* 4: MemManage (ARMv7-M+) */
    k_fault_entry,                    /* 5: BusFault (ARMv7-M+) */
    k_fault_entry,                    /* 6: UsageFault (ARMv7-M+) */
    k_fault_entry,                    /* 7: SecureFault (ARMv8-M) */
    0, 0, 0,                          /* 8-10: reserved */
    k_unexpected_isr,                 /* 11: SVCall */
    k_unexpected_isr,                 /* 12: DebugMonitor */
    0,                                /* 13: reserved */
    k_unexpected_isr,                 /* 14: PendSV */
    k_systick_isr,                    /* 15: SysTick */
};

/* Boards without a board.c need no clock or pin set-up (QEMU models). */
__attribute__((weak)) void k_board_init(void)
{
}

void k_reset(void)
{
    uint32_t *src = __data_load, *dst = __data_start;
    while (dst < __data_end)
        *dst++ = *src++;
    for (dst = __bss_start; dst < __bss_end; dst++)
        *dst = 0;

    k_stack_paint_(__stack_limit, (uint32_t *)k_sp_get());

#if defined(__ARM_FP)
    /* CP10 and CP11 full access, then let the change take effect. */
    SCB_CPACR |= 0xFu << 20;
    __asm volatile("dsb\n\tisb" ::: "memory");
#endif
#if K_HAS_CFSR
    /* Report MemManage, BusFault and UsageFault as themselves rather than
     * as an escalated HardFault, and trap integer division by zero. */
    SCB_SHCSR |= SHCSR_MEMFAULTENA | SHCSR_BUSFAULTENA | SHCSR_USGFAULTENA;
    SCB_CCR |= CCR_DIV_0_TRP;
#endif

    k_board_init();
    k_uart_init();
    k_kernel_init();
    k_time_init();

    k_exit(main());
}
