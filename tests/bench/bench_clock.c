/* bench_clock - checks the benchmark clock itself before any figure is
 * believed: blocks of a known number of instructions must measure as that
 * many, on every board, every run. */
#include "bench.h"

static void nops16(void)
{
    __asm volatile(".rept 16\n\tnop\n\t.endr");
}
static void nops256(void)
{
    __asm volatile(".rept 256\n\tnop\n\t.endr");
}
static void (*volatile f16)(void) = nops16;
static void (*volatile f256)(void) = nops256;

int main(void)
{
    bench_init();
    uint32_t a = BENCH_CALL(f16());
    uint32_t b = BENCH_CALL(f256());
    bench_done();
    /* The empty call is subtracted; the NOPs remain. */
    k_printf("bench: clock check on %s: 16 NOPs measure %lu, 256 NOPs measure %lu "
             "(difference %lu, expected 240)\n",
             k_board()->board, (unsigned long)a, (unsigned long)b,
             (unsigned long)(b - a));
    return (b - a == 240u) ? 0 : 1;
}
