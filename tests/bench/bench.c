/* bench.c - calibration and helpers behind bench.h. */
#include "bench.h"

#include "ob_fmt.h"

uint32_t bench_overhead_ticks;

static void empty(void)
{
}
static void (*volatile empty_fn)(void) = empty;

void bench_init(void)
{
    k_bench_begin();
    /* The cheapest of several empty measurements is the fixed cost. */
    uint32_t best = UINT32_MAX;
    for (int i = 0; i < 16; i++) {
        uint32_t t0 = k_bench_ticks();
        empty_fn();
        uint32_t t1 = k_bench_ticks();
        if (t1 - t0 < best)
            best = t1 - t0;
    }
    bench_overhead_ticks = best;
    k_printf("bench: clock calibrated: an empty call costs %lu instructions "
             "(subtracted from every figure)\n",
             (unsigned long)k_bench_instructions(best));
}

void bench_done(void)
{
    k_bench_end();
}

uint32_t bench_instr(uint32_t ticks)
{
    uint32_t empty_instr = k_bench_instructions(bench_overhead_ticks);
    uint32_t all = k_bench_instructions(ticks);
    return all > empty_instr ? all - empty_instr : 0;
}

const char *bench_ratio(uint32_t a, uint32_t b)
{
    static char buf[4][16];
    static unsigned slot;
    char *s = buf[slot++ % 4];
    if (!b) {
        ob_snprintf(s, 16, "-");
        return s;
    }
    uint32_t r = (uint32_t)(((uint64_t)a * 100u + b / 2) / b);
    ob_snprintf(s, 16, "%lu.%02lux", (unsigned long)(r / 100), (unsigned long)(r % 100));
    return s;
}
