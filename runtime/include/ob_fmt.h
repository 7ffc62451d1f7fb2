/* ob_fmt.h - a small, allocation-free printf for freestanding code.
 *
 * Used by the runtime's printable summaries and by the kernel's console
 * (k_printf), so there is one formatter in the image and no newlib printf.
 *
 * Conversions: %d %i %u %x %X %o %c %s %p %%, flags '-' '0' '+' ' ',
 * a width and precision (or '*'), length modifiers hh h l ll z t j.
 * %f %e %g are not supported (they print "%?").
 * Stack use is bounded (a 24-byte digit buffer); no recursion; no heap.
 */
#ifndef OB_FMT_H
#define OB_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* Receives formatted text in pieces. */
typedef void (*ob_fmt_sink)(void *ctx, const char *s, size_t n);

/* Formats to `sink`; returns the number of characters produced. */
size_t ob_vfmt(ob_fmt_sink sink, void *ctx, const char *fmt, va_list ap);
size_t ob_fmt(ob_fmt_sink sink, void *ctx, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Like snprintf: writes at most `size` bytes including the terminating NUL
 * (when size > 0) and returns the length the whole text would have. */
size_t ob_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
size_t ob_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prints through the runtime's write hook (ob_hooks.h). */
size_t ob_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* OB_FMT_H */
