/* bench.h - measuring instructions under QEMU -icount, the same way for Obol
 * and for its baselines (newlib-nano's malloc, ...), in one image.
 *
 *   bench_init();                          once: start the clock, calibrate
 *   uint32_t n = BENCH_CALL(fn(args));     instructions one call took
 *   bench_stat s = {0}; bench_add(&s, n);  average and maximum
 *
 * The figure for a call is the instructions between two clock reads around
 * it, less the same reading of an empty call (calibrated at start), so it
 * counts the call, its argument set-up and its return. Functions under test
 * are reached through volatile pointers so GCC cannot drop or move them
 * (PLATFORM.md: it removes malloc/free pairs otherwise).
 */
#ifndef BENCH_H
#define BENCH_H

#include <stdint.h>

#include "k.h"

typedef struct bench_stat {
    uint32_t n, max, min;
    uint64_t sum;
} bench_stat;

static inline void bench_add(bench_stat *s, uint32_t v)
{
    if (s->n == 0 || v < s->min)
        s->min = v;
    if (v > s->max)
        s->max = v;
    s->sum += v;
    s->n++;
}

static inline uint32_t bench_avg(const bench_stat *s)
{
    return s->n ? (uint32_t)((s->sum + s->n / 2) / s->n) : 0;
}

/* Ticks of an empty measurement, set by bench_init(). */
extern uint32_t bench_overhead_ticks;

void bench_init(void);
void bench_done(void);
/* Instructions from a tick difference, less the calibrated overhead. */
uint32_t bench_instr(uint32_t ticks);

#define BENCH_CALL(expr)                                                       \
    __extension__({                                                            \
        uint32_t bench_t0_ = k_bench_ticks();                                  \
        expr;                                                                  \
        uint32_t bench_t1_ = k_bench_ticks();                                  \
        bench_instr(bench_t1_ - bench_t0_);                                    \
    })

/* "x.yz" for a ratio a/b with two decimals (no float printing here). */
const char *bench_ratio(uint32_t a, uint32_t b);

#endif
