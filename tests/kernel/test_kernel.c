/* test_kernel - the kernel's promises, on the host and on every board:
 * start-up initialised .data and .bss, time advances, critical sections
 * nest, hooks run, the console formatter formats, the stack is measured. */
#include <string.h>

#include "k.h"
#include "ob_config.h"
#include "ob_fmt.h"
#include "t.h"

static volatile uint32_t data_word = 0xC0FFEE42u;
static volatile uint8_t data_bytes[5] = {1, 2, 3, 4, 5};
static volatile uint32_t bss_words[64];
static volatile double data_double = 2.5;

static void test_data_initialised(void)
{
    T_EQ(data_word, 0xC0FFEE42u);
    for (int i = 0; i < 5; i++)
        T_EQ(data_bytes[i], i + 1);
    T_ASSERT(data_double == 2.5);
    data_word = 7; /* .data is writable RAM, not flash */
    T_EQ(data_word, 7);
}

static void test_bss_zeroed(void)
{
    for (int i = 0; i < 64; i++)
        T_EQ(bss_words[i], 0);
}

static void test_time_advances(void)
{
    uint64_t f0 = k_time_fine();
    uint32_t m0 = k_time_ms();
    /* Monotonic under a tight loop of reads. */
    uint64_t prev = f0;
    for (int i = 0; i < 1000; i++) {
        uint64_t f = k_time_fine();
        T_GE(f, prev);
        prev = f;
    }
    k_delay_ms(3);
    T_GE(k_time_ms() - m0, 3);
    uint64_t elapsed = k_time_fine() - f0;
    /* At least 3 ms worth of fine ticks passed. */
    T_GE(elapsed, (uint64_t)k_time_fine_hz() * 3u / 1000u);
}

static void test_critical_sections_nest(void)
{
    uint32_t ms = k_time_ms();
    uint32_t a = k_crit_enter();
    uint32_t b = k_crit_enter();
    k_crit_exit(b);
    k_crit_exit(a);
    /* Interrupts are back on: the tick keeps counting. */
    k_delay_ms(2);
    T_GT(k_time_ms(), ms);
}

static int periodic_runs, idle_runs;
static void on_periodic(void) { periodic_runs++; }
static void on_idle(void) { idle_runs++; }

static void test_hooks_run(void)
{
    periodic_runs = idle_runs = 0;
    k_periodic_hook_set(on_periodic, 1);
    k_idle_hook_set(on_idle);
    uint32_t start = k_time_ms();
    while (k_time_ms() - start < 20)
        k_idle();
    k_periodic_hook_set(NULL, 0);
    k_idle_hook_set(NULL);
    T_GT(idle_runs, 0);
    T_GE(periodic_runs, 2);
    int before = periodic_runs;
    for (int i = 0; i < 5; i++)
        k_idle();
    T_EQ(periodic_runs, before); /* removed hooks stay removed */
}

static void test_format(void)
{
    char buf[64];
    T_EQ(ob_snprintf(buf, sizeof buf, "%d|%5d|%-4d|%05d", -42, 7, 3, -12), 20);
    T_EQ_STR(buf, "-42|    7|3   |-0012");
    ob_snprintf(buf, sizeof buf, "%x %X %08lx %o", 0xbeefu, 0xbeefu, 0x1234ul, 8u);
    T_EQ_STR(buf, "beef BEEF 00001234 10");
    ob_snprintf(buf, sizeof buf, "%llu %lld", 18446744073709551615ull, -9223372036854775807ll - 1);
    T_EQ_STR(buf, "18446744073709551615 -9223372036854775808");
    ob_snprintf(buf, sizeof buf, "[%s][%.2s][%6s][%-3s][%c%%]", "abc", "xyz", "r", "l", 'Q');
    T_EQ_STR(buf, "[abc][xy][     r][l  ][Q%]");
    ob_snprintf(buf, sizeof buf, "%zu %p", (size_t)12, (void *)0x20);
    T_EQ_STR(buf, "12 0x20");
    /* Truncation keeps the NUL and reports the full length. */
    T_EQ(ob_snprintf(buf, 5, "%s", "truncated"), 9);
    T_EQ_STR(buf, "trun");
    ob_snprintf(buf, sizeof buf, "%f", 1.0);
    T_EQ_STR(buf, "%?"); /* unsupported, and says so */
}

/* Touches a 1 KiB array and returns how deep in the stack its lowest byte
 * lies (bytes below the stack top). */
__attribute__((noinline)) static size_t touch_stack(void)
{
    volatile uint8_t big[1024];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (uint8_t)i;
    return (size_t)(k_board()->stack_high - (uintptr_t)&big[0]);
}

static void test_stack_measured(void)
{
    if (t_on_host())
        return; /* the host's stack belongs to the OS */
    T_GT(k_stack_size(), 1000);
    size_t before = k_stack_high_water();
    T_GT(before, 0);
    T_LT(before, k_stack_size());
    size_t depth = touch_stack();
    /* The high-water mark reaches at least as deep as the array did. */
    T_GE(k_stack_high_water(), depth);
    T_GE(k_stack_high_water(), before);
    k_stack_check(); /* guard intact: returns */
}

static void test_board_facts(void)
{
    const k_board_info *b = k_board();
    T_ASSERT(b->board && b->board[0]);
    T_GT(b->clock_hz, 0);
    if (t_on_host())
        return;
    T_LT(b->heap_start, b->heap_end);
    T_EQ(b->heap_end, b->stack_low);
    T_EQ(b->heap_start % OB_ARENA_SIZE, 0);
    T_EQ(b->heap_end % OB_ARENA_SIZE, 0);
    /* Static data lies below the heap. */
    T_LT((uintptr_t)&bss_words[63], b->heap_start);
    T_LT((uintptr_t)&data_word, b->heap_start);
}

static void test_cmdline_seed(void)
{
    /* The runner passes seed=... on the command line; the harness reads it. */
    const char *c = k_cmdline();
    T_ASSERT(c != NULL);
    if (t_contains_(c, "seed=12345"))
        T_EQ(t_seed(), 12345);
}

static const t_case cases[] = {
    T_CASE(test_data_initialised), T_CASE(test_bss_zeroed),
    T_CASE(test_time_advances),    T_CASE(test_critical_sections_nest),
    T_CASE(test_hooks_run),        T_CASE(test_format),
    T_CASE(test_stack_measured),   T_CASE(test_board_facts),
    T_CASE(test_cmdline_seed),
};

int main(void)
{
    return t_main("kernel", cases, T_COUNT(cases));
}
