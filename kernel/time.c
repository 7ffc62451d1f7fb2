/* time.c - the SysTick time base: a 1 kHz interrupt counts milliseconds; the
 * fine time stamp adds the SysTick down-counter, in core clock ticks. Under
 * QEMU with -icount these follow the instruction count exactly. */
#include "cm.h"
#include "k.h"

#define TICKS_PER_MS (K_CLOCK_HZ / 1000u)
_Static_assert(TICKS_PER_MS - 1u <= 0xFFFFFFu, "SysTick reload is 24 bits");

static volatile uint32_t ms_count;
/* The last fine time handed out: never go back from it. */
static uint64_t fine_last;

void k_time_init(void)
{
    fine_last = 0;
    SYST_RVR = TICKS_PER_MS - 1u;
    SYST_CVR = 0;
    SYST_CSR = SYST_CSR_CLKSOURCE | SYST_CSR_TICKINT | SYST_CSR_ENABLE;
}

void k_systick_isr(void)
{
    ms_count++;
    k_stack_check();
}

uint32_t k_time_ms(void)
{
    return ms_count;
}

uint64_t k_time_fine(void)
{
    uint32_t saved = k_crit_enter();
    uint32_t ms = ms_count;
    uint32_t left = SYST_CVR;
    /* The counter wrapped but its interrupt has not run yet (we are in a
     * critical section, or it is about to be taken): count that period. */
    if (SCB_ICSR & ICSR_PENDSTSET) {
        left = SYST_CVR;
        ms++;
    }
    uint64_t t = (uint64_t)ms * TICKS_PER_MS + (TICKS_PER_MS - 1u - left);
    /* On silicon the reload and the pending bit come together. QEMU, on a
     * loaded host (no -icount), can show the counter reloaded before the
     * pending bit: one period would be lost until the interrupt runs.
     * Hold the time still instead (seen once: a read 22 758 ticks behind
     * the one before, on mps2-an386). */
    if (t < fine_last)
        t = fine_last;
    fine_last = t;
    k_crit_exit(saved);
    return t;
}

uint32_t k_time_fine_hz(void)
{
    return K_CLOCK_HZ;
}

void k_delay_ms(uint32_t ms)
{
    uint64_t end = k_time_fine() + (uint64_t)ms * TICKS_PER_MS;
    while (k_time_fine() < end) {
    }
}
