/* bench.c - the benchmark clock. Under QEMU with -icount shift=10 every
 * instruction advances guest time by exactly 1024 ns, so a counter of core
 * clock ticks counts instructions: 25.6 ticks each at 25 MHz. Figures are
 * then identical run after run, on any host. */
#include "cm.h"
#include "k.h"

static uint32_t saved_primask;

#ifdef K_BENCH_TIMER
/* A 32-bit up-counter at the core clock (MPS2 FPGAIO COUNTER): no
 * extension needed; it wraps after 167 million instructions. */
#define BENCH_COUNTER K_REG(K_BENCH_TIMER)
static uint32_t base;

void k_bench_begin(void)
{
    saved_primask = k_crit_enter();
    base = BENCH_COUNTER;
}

uint32_t k_bench_ticks(void)
{
    return BENCH_COUNTER - base;
}
#else
/* SysTick, 24 bits counting down, extended by noticing each wrap. */
static uint32_t high, last;

void k_bench_begin(void)
{
    saved_primask = k_crit_enter();
    SYST_CSR = 0;
    SYST_RVR = 0xFFFFFFu;
    SYST_CVR = 0;
    SYST_CSR = SYST_CSR_CLKSOURCE | SYST_CSR_ENABLE;
    high = 0;
    last = 0xFFFFFFu;
}

/* Without a branch: the reading at the start of a timed window runs the
 * same instructions whether or not the counter wrapped just before it, so
 * a wrap does not add the extension's few instructions to one figure (both
 * values are 24-bit: last - v has bit 31 set exactly when v > last). */
uint32_t k_bench_ticks(void)
{
    uint32_t v = SYST_CVR;
    high += ((last - v) >> 31) << 24;
    last = v;
    return high + (0xFFFFFFu - v);
}
#endif

uint32_t k_bench_instructions(uint32_t ticks)
{
    /* instructions = ticks / (clock * 1024 ns); 64-bit to keep it exact. */
    uint64_t den = (uint64_t)K_CLOCK_HZ * 1024u;
    return (uint32_t)(((uint64_t)ticks * 1000000000u + den / 2) / den);
}

void k_bench_end(void)
{
#ifndef K_BENCH_TIMER
    k_time_init();
#endif
    k_crit_exit(saved_primask);
}
