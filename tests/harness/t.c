/* t.c - the harness behind t.h. Runs on the host and on boards alike: all
 * output goes through the kernel console (k.h), all options come from the
 * kernel command line (k_cmdline). */
#include "t.h"

#include <setjmp.h>
#include <stdarg.h>

#include "k.h"

static jmp_buf case_exit;
static const char *suite_name;
static const char *case_name;

int t_streq_(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

int t_contains_(const char *hay, const char *needle)
{
    if (!hay || !needle)
        return 0;
    for (; *hay; hay++) {
        const char *h = hay, *n = needle;
        while (*n && *h == *n)
            h++, n++;
        if (!*n)
            return 1;
    }
    return !*needle;
}

/* Finds `key=` on the command line; returns the value's start or NULL. */
static const char *option(const char *key)
{
    const char *s = k_cmdline();
    size_t klen = 0;
    while (key[klen])
        klen++;
    while (*s) {
        while (*s == ' ')
            s++;
        const char *word = s;
        while (*s && *s != ' ')
            s++;
        if ((size_t)(s - word) > klen && word[klen] == '=') {
            size_t i = 0;
            while (i < klen && word[i] == key[i])
                i++;
            if (i == klen)
                return word + klen + 1;
        }
    }
    return NULL;
}

static uint32_t option_u32(const char *key, uint32_t fallback)
{
    const char *v = option(key);
    if (!v || *v < '0' || *v > '9')
        return fallback;
    uint32_t x = 0;
    while (*v >= '0' && *v <= '9')
        x = x * 10 + (uint32_t)(*v++ - '0');
    return x;
}

/* True when `only=` is absent or names this case (up to a space). */
static int selected(const char *name)
{
    const char *v = option("only");
    if (!v)
        return 1;
    while (*name && *name == *v)
        name++, v++;
    return !*name && (*v == ' ' || *v == '\0' || *v == ',');
}

void t_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    k_vprintf(fmt, ap);
    va_end(ap);
}

_Noreturn void t_fail(const char *file, int line, const char *fmt, ...)
{
    k_printf("FAIL %s.%s: %s:%d: ", suite_name, case_name, file, line);
    va_list ap;
    va_start(ap, fmt);
    k_vprintf(fmt, ap);
    va_end(ap);
    k_printf("\n");
    longjmp(case_exit, 1);
}

uint32_t t_seed(void)
{
    return option_u32("seed", 20261121u);
}

int t_on_host(void)
{
#ifdef OB_HOST
    return 1;
#else
    return 0;
#endif
}

uint32_t t_scale(void)
{
    return option_u32("scale", t_on_host() ? 10u : 1u);
}

int t_main(const char *suite, const t_case *cases, size_t n)
{
    suite_name = suite;
    static unsigned passed, failed; /* static: survive longjmp */
    passed = failed = 0;
    k_printf("# suite %s: %u cases, seed=%lu scale=%lu (replay: seed=%lu)\n",
             suite, (unsigned)n, (unsigned long)t_seed(),
             (unsigned long)t_scale(), (unsigned long)t_seed());
    for (size_t i = 0; i < n; i++) {
        /* volatile: read after a longjmp back into this frame */
        volatile size_t idx = i;
        if (!selected(cases[idx].name))
            continue;
        case_name = cases[idx].name;
        if (setjmp(case_exit) == 0) {
            cases[idx].fn();
            k_printf("ok   %s.%s\n", suite, cases[idx].name);
            passed++;
        } else {
            failed++;
        }
        i = idx;
    }
    k_printf("%s: %u passed, %u failed\n", suite, passed, failed);
    return failed ? 1 : 0;
}
