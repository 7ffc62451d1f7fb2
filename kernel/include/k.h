/* k.h - the Obol kernel: what firmware, tests and examples may call.
 *
 * Two implementations share this header: the bare-metal kernel (the C files in kernel/,
 * one image per board) and the host port (kernel/host/), so the same test
 * sources run on a PC under sanitizers and on every QEMU board.
 *
 * Unless stated otherwise a call is O(1), not ISR-safe, and never allocates.
 */
#ifndef K_H
#define K_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* ---- board facts (filled from boards/<name>/board.mk at build time) ---- */
typedef struct k_board_info {
    const char *board;    /* "mps2-an385" */
    const char *core;     /* "cortex-m3" */
    uint32_t clock_hz;    /* core clock the time base assumes */
    uintptr_t heap_start; /* __heap_start .. __heap_end from the linker script */
    uintptr_t heap_end;
    uintptr_t stack_low;  /* lowest stack address (guard words sit here) */
    uintptr_t stack_high; /* initial stack pointer */
} k_board_info;
const k_board_info *k_board(void);

/* ---- console ---- */
/* Writes n bytes; blocks until the UART has taken them. '\n' is sent as is. */
void k_console_write(const char *s, size_t n);
/* Next received byte, or -1 when none is waiting (never blocks). */
int k_console_getc(void);
size_t k_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
size_t k_vprintf(const char *fmt, va_list ap);

/* ---- time (SysTick, or the host clock) ---- */
/* Milliseconds since k_time_init(); wraps after 49.7 days. ISR-safe. */
uint32_t k_time_ms(void);
/* A fine, monotonic 64-bit time stamp in ticks of k_time_fine_hz(). ISR-safe. */
uint64_t k_time_fine(void);
uint32_t k_time_fine_hz(void);
/* Busy-waits at least ms milliseconds. */
void k_delay_ms(uint32_t ms);

/* ---- critical sections (PRIMASK; nest by saving the previous state) ---- */
uint32_t k_crit_enter(void);
void k_crit_exit(uint32_t saved);

/* ---- hooks the collector (or any firmware) runs from ---- */
/* fn runs from k_idle() whenever the firmware has nothing to do. NULL removes. */
void k_idle_hook_set(void (*fn)(void));
/* fn runs from thread context every period_ms (polled by k_idle() and
 * k_poll(): never from the interrupt itself, so it may touch objects).
 * NULL removes. */
void k_periodic_hook_set(void (*fn)(void), uint32_t period_ms);
/* Runs the periodic hook if it is due. Cheap; call it from main loops. */
void k_poll(void);
/* Runs due hooks, then the idle hook, then sleeps until the next interrupt. */
void k_idle(void);

/* ---- stack ---- */
/* Bytes of stack ever used (high-water mark, from the painted pattern). */
size_t k_stack_high_water(void);
size_t k_stack_size(void);
/* Checks the guard words at the bottom of the stack. On damage it reports
 * "stack overflow" with the guard address and exits with failure (QEMU) or
 * halts (hardware); it returns only when the guard is intact. Also checked
 * on every SysTick and at k_exit(). */
void k_stack_check(void);

/* ---- exit ---- */
/* Ends the program. Under QEMU (semihosting) the host sees `code` as QEMU's
 * exit status; on hardware without a debugger it halts. Checks the stack
 * guard first. */
_Noreturn void k_exit(int code);

/* The command line given to QEMU with -append (semihosting), or "". */
const char *k_cmdline(void);

/* ---- benchmarking (make bench: QEMU with -icount shift=10) ---- */
/* Starts the benchmark clock: interrupts off (so no tick handler runs inside
 * a measurement; k_time_ms() stands still), then a free-running counter of
 * core clock ticks: the MPS2 FPGA counter where the board has one
 * (BOARD_BENCH_TIMER), otherwise SysTick extended in software - which then
 * must be read at least every 2^24 ticks. */
void k_bench_begin(void);
/* Core clock ticks since k_bench_begin(); differences are exact. A few
 * instructions per call, and the same few every time. */
uint32_t k_bench_ticks(void);
/* Converts a tick difference to instructions: under -icount shift=10 every
 * instruction takes 1024 ns of guest time (25.6 ticks at 25 MHz). Rounded. */
uint32_t k_bench_instructions(uint32_t ticks);
/* Restarts the 1 kHz tick and interrupts. */
void k_bench_end(void);

/* Prints a report and exits with failure: used by panics and faults. */
_Noreturn void k_fatal(const char *what);

#endif /* K_H */
