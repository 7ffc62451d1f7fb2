/* kernel.c - the small parts of the kernel: board facts, console printing,
 * critical sections, idle and periodic hooks, the stack guard, exit, and the
 * runtime's hooks (panic, time stamp, console). */
#include "cm.h"
#include "k.h"
#include "ob_fmt.h"
#include "ob_hooks.h"

extern uint32_t __heap_start[], __heap_end[];
extern uint32_t __stack_top[], __stack_limit[];

#define STACK_PAINT 0xC5C5C5C5u      /* never-used stack words */
#define STACK_GUARD 0x0B01DEADu      /* the guard words at the bottom */
#define STACK_GUARD_WORDS 8u         /* 32 bytes */

static void (*idle_hook)(void);
static void (*periodic_hook)(void);
static uint32_t periodic_ms, periodic_next;

const k_board_info *k_board(void)
{
    static const k_board_info info = {
        K_BOARD_NAME,
        K_CORE_NAME,
        K_CLOCK_HZ,
        (uintptr_t)__heap_start,
        (uintptr_t)__heap_end,
        (uintptr_t)__stack_limit,
        (uintptr_t)__stack_top,
    };
    return &info;
}

/* ---- console ---- */

void k_console_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            k_uart_putc('\r');
        k_uart_putc(s[i]);
    }
}

int k_console_getc(void)
{
    return k_uart_getc();
}

static void console_sink(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    k_console_write(s, n);
}

size_t k_vprintf(const char *fmt, va_list ap)
{
    return ob_vfmt(console_sink, 0, fmt, ap);
}

size_t k_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = k_vprintf(fmt, ap);
    va_end(ap);
    return n;
}

/* ---- critical sections ---- */

uint32_t k_crit_enter(void)
{
    uint32_t saved = k_primask_get();
    k_irq_disable();
    return saved;
}

void k_crit_exit(uint32_t saved)
{
    if (!(saved & 1u))
        k_irq_enable();
}

/* ---- hooks ---- */

void k_idle_hook_set(void (*fn)(void))
{
    idle_hook = fn;
}

void k_periodic_hook_set(void (*fn)(void), uint32_t period_ms)
{
    uint32_t s = k_crit_enter();
    periodic_hook = fn;
    periodic_ms = period_ms ? period_ms : 1;
    periodic_next = k_time_ms() + periodic_ms;
    k_crit_exit(s);
}

void k_poll(void)
{
    uint32_t now = k_time_ms();
    if (periodic_hook && (int32_t)(now - periodic_next) >= 0) {
        /* Skip missed periods rather than running the hook in a burst. */
        periodic_next = now + periodic_ms;
        periodic_hook();
    }
}

void k_idle(void)
{
    k_poll();
    if (idle_hook)
        idle_hook();
    __asm volatile("wfi");
}

/* ---- stack ---- */

/* Paints [from, to) and lays the guard words at `from`. Called by reset
 * with `to` just below its own frame. */
void k_stack_paint_(uint32_t *from, uint32_t *to)
{
    volatile uint32_t *p = from;
    for (uint32_t i = 0; i < STACK_GUARD_WORDS; i++)
        *p++ = STACK_GUARD;
    while (p < to - 8)
        *p++ = STACK_PAINT;
}

size_t k_stack_size(void)
{
    return (size_t)((uintptr_t)__stack_top - (uintptr_t)__stack_limit);
}

size_t k_stack_high_water(void)
{
    const uint32_t *p = __stack_limit + STACK_GUARD_WORDS;
    while (p < __stack_top && *p == STACK_PAINT)
        p++;
    return (size_t)((uintptr_t)__stack_top - (uintptr_t)p);
}

void k_stack_check(void)
{
    for (uint32_t i = 0; i < STACK_GUARD_WORDS; i++) {
        if (__stack_limit[i] != STACK_GUARD) {
            /* Report from the top of the stack's remaining room is not
             * possible; print from here, which is a handful of words. */
            k_irq_disable();
            k_printf("\n*** STACK OVERFLOW: guard word at %p overwritten "
                     "(0x%08lx); stack %u bytes [%p, %p)\n",
                     (void *)&__stack_limit[i], (unsigned long)__stack_limit[i],
                     (unsigned)k_stack_size(), (void *)__stack_limit,
                     (void *)__stack_top);
            k_fatal("stack overflow (raise BOARD_STACK_SIZE or use less stack)");
        }
    }
}

/* ---- exit ---- */

#ifndef K_EXIT_STACK_OVERFLOW
#define K_EXIT_STACK_OVERFLOW 4
#endif

static volatile int exiting;

_Noreturn void k_exit(int code)
{
    if (!exiting) {
        exiting = 1;
        k_stack_check();
    }
#if K_SEMIHOSTING
    k_semihost_exit(code);
#else
    k_printf("\n[obol] exit %d: halted\n", code);
    k_irq_disable();
    for (;;)
        __asm volatile("wfi");
#endif
}

_Noreturn void k_fatal(const char *what)
{
    k_irq_disable();
    k_printf("\n*** FATAL: %s\n", what);
    exiting = 1;
    k_exit(3);
}

const char *k_cmdline(void)
{
    static char line[160];
    static const char *args;
    if (args)
        return args;
    args = "";
#if K_SEMIHOSTING
    if (k_semihost_cmdline(line, sizeof line) >= 0) {
        line[sizeof line - 1] = '\0';
        /* QEMU puts the image name first when -append is used with -kernel;
         * options are words with '=', so drop a first word without one. */
        const char *p = line;
        const char *w = p;
        int has_eq = 0;
        while (*w && *w != ' ')
            has_eq |= *w++ == '=';
        if (!has_eq)
            p = *w ? w + 1 : w;
        args = p;
    }
#else
    (void)line;
#endif
    return args;
}

/* ---- the runtime's hooks ---- */

static void on_panic(const char *file, int line, const char *what)
{
    k_printf("\n*** PANIC at %s:%d: %s\n", file, line, what);
    k_fatal("runtime panic");
}

static void write_hook(const char *s, size_t n)
{
    k_console_write(s, n);
}

static uint32_t timestamp_hook(void)
{
    return (uint32_t)k_time_fine();
}

void k_kernel_init(void)
{
    ob_hooks h = {0};
    h.panic = on_panic;
    h.write = write_hook;
    h.timestamp = timestamp_hook;
    h.timestamp_hz = K_CLOCK_HZ;
    ob_hooks_set(&h);
}
