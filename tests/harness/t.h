/* t.h - the test harness: one source, run on the host and on every board.
 *
 * A suite is a table of cases and a main():
 *
 *     static void test_sum(void) { T_EQ(1 + 1, 2); }
 *     static const t_case cases[] = { T_CASE(test_sum) };
 *     int main(void) { return t_main("demo", cases, T_COUNT(cases)); }
 *
 * Output (console on boards, stdout on the host), one line per case:
 *     ok   demo.test_sum
 *     FAIL demo.test_sum: tests/x.c:12: 1 + 1 == 3 (2 vs 3)
 * and a closing line the runner reads:
 *     demo: 5 passed, 1 failed
 * main() returns non-zero when any case failed (the exit status under QEMU).
 *
 * A failed T_* check ends the current case at once (longjmp back into the
 * harness; tests only, never in the runtime) and the next case runs.
 */
#ifndef T_H
#define T_H

#include <stddef.h>
#include <stdint.h>

typedef struct t_case {
    const char *name;
    void (*fn)(void);
} t_case;

#define T_CASE(fn) { #fn, fn }
#define T_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Runs the cases named by the command line (`only=NAME`), or all. */
int t_main(const char *suite, const t_case *cases, size_t n);

/* Records a failure and leaves the current case. */
_Noreturn void t_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prints through the console (same formatter everywhere; no %f). */
void t_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The seed for random tests: `seed=N` on the command line (host argv,
 * QEMU -append) or the OB_SEED environment variable on the host, else a
 * fixed default. Printed once per suite so any run can be replayed. */
uint32_t t_seed(void);

/* A small, fast, seedable generator (xorshift32) for tests. */
typedef struct t_rng { uint32_t s; } t_rng;
static inline uint32_t t_rand(t_rng *r)
{
    uint32_t x = r->s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return r->s = x;
}
/* Uniform in [0, n) (n > 0). */
static inline uint32_t t_below(t_rng *r, uint32_t n)
{
    return (uint32_t)(((uint64_t)t_rand(r) * n) >> 32);
}
static inline t_rng t_rng_make(uint32_t seed)
{
    t_rng r = { seed ? seed : 0x9E3779B9u };
    return r;
}

/* A scale factor for stress tests: 1 on small boards, larger on the host.
 * `scale=N` on the command line overrides. */
uint32_t t_scale(void);

/* True on the host build (sanitizers), false on boards. */
int t_on_host(void);

#define T_ASSERT(cond)                                                         \
    do {                                                                       \
        if (!(cond))                                                           \
            t_fail(__FILE__, __LINE__, "%s", #cond);                           \
    } while (0)

/* Integer comparisons print both sides. */
#define T_CMP_(a, op, b)                                                       \
    do {                                                                       \
        long long t_a_ = (long long)(a), t_b_ = (long long)(b);                \
        if (!(t_a_ op t_b_))                                                   \
            t_fail(__FILE__, __LINE__, "%s %s %s (%lld vs %lld)", #a, #op, #b, \
                   t_a_, t_b_);                                                \
    } while (0)
#define T_EQ(a, b) T_CMP_(a, ==, b)
#define T_NE(a, b) T_CMP_(a, !=, b)
#define T_LT(a, b) T_CMP_(a, <, b)
#define T_LE(a, b) T_CMP_(a, <=, b)
#define T_GT(a, b) T_CMP_(a, >, b)
#define T_GE(a, b) T_CMP_(a, >=, b)
#define T_EQ_PTR(a, b)                                                         \
    do {                                                                       \
        const void *t_a_ = (a), *t_b_ = (b);                                   \
        if (t_a_ != t_b_)                                                      \
            t_fail(__FILE__, __LINE__, "%s == %s (%p vs %p)", #a, #b, t_a_,    \
                   t_b_);                                                      \
    } while (0)
/* NUL-terminated strings. */
#define T_EQ_STR(a, b)                                                         \
    do {                                                                       \
        const char *t_a_ = (a), *t_b_ = (b);                                   \
        if (!t_streq_(t_a_, t_b_))                                             \
            t_fail(__FILE__, __LINE__, "%s == %s (\"%s\" vs \"%s\")", #a, #b,  \
                   t_a_, t_b_);                                                \
    } while (0)
/* `hay` contains `needle`. */
#define T_CONTAINS(hay, needle)                                                \
    do {                                                                       \
        const char *t_a_ = (hay), *t_b_ = (needle);                            \
        if (!t_contains_(t_a_, t_b_))                                          \
            t_fail(__FILE__, __LINE__, "\"%s\" contains \"%s\"", t_a_, t_b_);  \
    } while (0)

int t_streq_(const char *a, const char *b);
int t_contains_(const char *hay, const char *needle);

#endif /* T_H */
