/* k_host.c - the kernel API (k.h) on a POSIX host, so that test suites and
 * examples written for the boards also run natively under sanitizers and
 * valgrind. Faults become signals, reported like the target's fault handler
 * reports them (the faulting PC, then exit with failure). */
#define _GNU_SOURCE
#include "k.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "ob_fmt.h"
#include "ob_hooks.h"

static void (*idle_hook)(void);
static void (*periodic_hook)(void);
static uint32_t periodic_ms, periodic_next;
static uint64_t t0_ns;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

const k_board_info *k_board(void)
{
    static const k_board_info host = {"host", "host", 1000000000u, 0, 0, 0, 0};
    return &host;
}

void k_console_write(const char *s, size_t n)
{
    fwrite(s, 1, n, stdout);
    if (memchr(s, '\n', n))
        fflush(stdout);
}

int k_console_getc(void)
{
    return -1;
}

static void console_sink(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    k_console_write(s, n);
}

size_t k_vprintf(const char *fmt, va_list ap)
{
    return ob_vfmt(console_sink, NULL, fmt, ap);
}

size_t k_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = k_vprintf(fmt, ap);
    va_end(ap);
    return n;
}

uint32_t k_time_ms(void)
{
    return (uint32_t)((now_ns() - t0_ns) / 1000000u);
}

uint64_t k_time_fine(void)
{
    return now_ns() - t0_ns;
}

uint32_t k_time_fine_hz(void)
{
    return 1000000000u;
}

void k_delay_ms(uint32_t ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

uint32_t k_crit_enter(void)
{
    return 0;
}

void k_crit_exit(uint32_t saved)
{
    (void)saved;
}

void k_idle_hook_set(void (*fn)(void))
{
    idle_hook = fn;
}

void k_periodic_hook_set(void (*fn)(void), uint32_t period_ms)
{
    periodic_hook = fn;
    periodic_ms = period_ms ? period_ms : 1;
    periodic_next = k_time_ms() + periodic_ms;
}

void k_poll(void)
{
    if (periodic_hook && (int32_t)(k_time_ms() - periodic_next) >= 0) {
        periodic_next += periodic_ms;
        periodic_hook();
    }
}

void k_idle(void)
{
    k_poll();
    if (idle_hook)
        idle_hook();
    usleep(100);
}

size_t k_stack_high_water(void)
{
    return 0; /* the host's stack is the OS's business */
}

size_t k_stack_size(void)
{
    return 0;
}

void k_stack_check(void)
{
}

_Noreturn void k_exit(int code)
{
    fflush(stdout);
    exit(code);
}

const char *k_cmdline(void)
{
    /* argv[1..] joined by spaces, read once from /proc (main(void) in tests). */
    static char line[512];
    static int done;
    if (!done) {
        done = 1;
        FILE *f = fopen("/proc/self/cmdline", "rb");
        if (f) {
            char raw[512];
            size_t n = fread(raw, 1, sizeof raw - 1, f);
            fclose(f);
            raw[n] = '\0';
            size_t skip = strlen(raw) + 1; /* argv[0] */
            size_t j = 0;
            for (size_t i = skip; i < n && j + 1 < sizeof line; i++)
                line[j++] = raw[i] ? raw[i] : ' ';
            line[j] = '\0';
        }
        const char *env = getenv("OB_SEED");
        if (env && !strstr(line, "seed=")) {
            size_t j = strlen(line);
            snprintf(line + j, sizeof line - j, "%sseed=%s", j ? " " : "", env);
        }
    }
    return line;
}

_Noreturn void k_fatal(const char *what)
{
    k_printf("\n*** FATAL: %s\n", what);
    k_exit(3);
}

static void on_panic(const char *file, int line, const char *what)
{
    k_printf("\n*** PANIC at %s:%d: %s\n", file, line, what);
    k_exit(3);
}

static void on_signal(int sig, siginfo_t *info, void *uctx)
{
    const ucontext_t *uc = uctx;
    unsigned long pc = 0;
#if defined(__x86_64__)
    pc = (unsigned long)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
    pc = (unsigned long)uc->uc_mcontext.pc;
#else
    (void)uc;
#endif
    /* Only async-signal-safe calls from here: format into a buffer, write(2). */
    char buf[160];
    size_t n = ob_snprintf(buf, sizeof buf,
                           "\n*** FAULT: %s at PC=0x%lx, address 0x%lx\n",
                           sig == SIGSEGV ? "SIGSEGV (bad address)"
                           : sig == SIGBUS ? "SIGBUS (bad address)"
                           : sig == SIGILL ? "SIGILL (undefined instruction)"
                                           : "signal",
                           pc, (unsigned long)(uintptr_t)info->si_addr);
    if (n > sizeof buf - 1)
        n = sizeof buf - 1;
    fflush(stdout);
    (void)!write(1, buf, n);
    _exit(2); /* the same status as a fault on a board */
}

static void write_hook(const char *s, size_t n)
{
    k_console_write(s, n);
}

static uint32_t timestamp_hook(void)
{
    return (uint32_t)(k_time_fine() / 1000u); /* microseconds */
}

/* Runs before main(): the same set-up the board kernel does in its reset
 * handler, so tests see one environment. */
__attribute__((constructor)) static void k_host_init(void)
{
    t0_ns = now_ns();
    static const int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
    ob_hooks h = {0};
    h.panic = on_panic;
    h.write = write_hook;
    h.timestamp = timestamp_hook;
    h.timestamp_hz = 1000000u;
    ob_hooks_set(&h);
}

/* Benchmarks are run on boards under QEMU -icount; on the host the clock is
 * nanoseconds, for a rough look only. */
void k_bench_begin(void)
{
}

uint32_t k_bench_ticks(void)
{
    return (uint32_t)k_time_fine();
}

uint32_t k_bench_instructions(uint32_t ticks)
{
    return ticks;
}

void k_bench_end(void)
{
}
