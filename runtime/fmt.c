/* fmt.c - the formatter behind ob_fmt.h: one pass over the format, output in
 * pieces to a sink, digits built in a fixed buffer. */
#include "ob_fmt.h"
#include "ob_hooks.h"

#include <stdint.h>

enum {
    F_LEFT = 1,  /* '-' */
    F_ZERO = 2,  /* '0' */
    F_PLUS = 4,  /* '+' */
    F_SPACE = 8, /* ' ' */
};

static void pad(ob_fmt_sink sink, void *ctx, char c, int n, size_t *total)
{
    char run[8];
    for (int i = 0; i < (int)sizeof run; i++)
        run[i] = c;
    while (n > 0) {
        int k = n < (int)sizeof run ? n : (int)sizeof run;
        sink(ctx, run, (size_t)k);
        *total += (size_t)k;
        n -= k;
    }
}

/* Emits sign/prefix, zero or space padding and the digits, honouring width. */
static void emit_number(ob_fmt_sink sink, void *ctx, const char *prefix,
                        const char *digits, int ndigits, int prec, int width,
                        int flags, size_t *total)
{
    int plen = 0;
    while (prefix[plen])
        plen++;
    int zeros = prec > ndigits ? prec - ndigits : 0;
    int body = plen + zeros + ndigits;
    int fill = width > body ? width - body : 0;
    if (!(flags & F_LEFT) && !(flags & F_ZERO && prec < 0))
        pad(sink, ctx, ' ', fill, total), fill = 0;
    if (plen)
        sink(ctx, prefix, (size_t)plen), *total += (size_t)plen;
    if (!(flags & F_LEFT))
        pad(sink, ctx, '0', fill, total), fill = 0;
    pad(sink, ctx, '0', zeros, total);
    sink(ctx, digits, (size_t)ndigits);
    *total += (size_t)ndigits;
    pad(sink, ctx, ' ', fill, total);
}

size_t ob_vfmt(ob_fmt_sink sink, void *ctx, const char *fmt, va_list ap)
{
    size_t total = 0;
    while (*fmt) {
        const char *lit = fmt;
        while (*fmt && *fmt != '%')
            fmt++;
        if (fmt != lit) {
            sink(ctx, lit, (size_t)(fmt - lit));
            total += (size_t)(fmt - lit);
        }
        if (!*fmt)
            break;
        fmt++; /* '%' */

        int flags = 0;
        for (;; fmt++) {
            if (*fmt == '-') flags |= F_LEFT;
            else if (*fmt == '0') flags |= F_ZERO;
            else if (*fmt == '+') flags |= F_PLUS;
            else if (*fmt == ' ') flags |= F_SPACE;
            else break;
        }
        int width = 0;
        if (*fmt == '*') {
            width = va_arg(ap, int);
            if (width < 0)
                flags |= F_LEFT, width = -width;
            fmt++;
        } else {
            while (*fmt >= '0' && *fmt <= '9')
                width = width * 10 + (*fmt++ - '0');
        }
        int prec = -1;
        if (*fmt == '.') {
            fmt++;
            prec = 0;
            if (*fmt == '*') {
                prec = va_arg(ap, int);
                fmt++;
            } else {
                while (*fmt >= '0' && *fmt <= '9')
                    prec = prec * 10 + (*fmt++ - '0');
            }
        }
        /* Length: 0 int, 1 long, 2 long long, 3 size_t, 4 ptrdiff_t,
         * 5 intmax_t; hh and h read an int like C promotes them. */
        int len = 0;
        if (*fmt == 'h') {
            fmt++;
            if (*fmt == 'h')
                fmt++;
        } else if (*fmt == 'l') {
            fmt++;
            len = 1;
            if (*fmt == 'l')
                fmt++, len = 2;
        } else if (*fmt == 'z') {
            fmt++, len = 3;
        } else if (*fmt == 't') {
            fmt++, len = 4;
        } else if (*fmt == 'j') {
            fmt++, len = 5;
        }

        char conv = *fmt ? *fmt++ : '\0';
        char buf[24];
        int n = 0;
        const char *prefix = "";
        uint64_t u = 0;
        unsigned base = 10;
        int upper = 0;

        switch (conv) {
        case 'd':
        case 'i': {
            int64_t v;
            switch (len) {
            case 1: v = va_arg(ap, long); break;
            case 2: v = va_arg(ap, long long); break;
            case 3: v = (int64_t)va_arg(ap, size_t); break;
            case 4: v = va_arg(ap, ptrdiff_t); break;
            case 5: v = va_arg(ap, intmax_t); break;
            default: v = va_arg(ap, int); break;
            }
            if (v < 0)
                prefix = "-", u = (uint64_t)0 - (uint64_t)v;
            else
                prefix = flags & F_PLUS ? "+" : flags & F_SPACE ? " " : "", u = (uint64_t)v;
            goto digits;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o':
            switch (len) {
            case 1: u = va_arg(ap, unsigned long); break;
            case 2: u = va_arg(ap, unsigned long long); break;
            case 3: u = va_arg(ap, size_t); break;
            case 4: u = (uint64_t)va_arg(ap, ptrdiff_t); break;
            case 5: u = va_arg(ap, uintmax_t); break;
            default: u = va_arg(ap, unsigned); break;
            }
            base = conv == 'o' ? 8 : conv == 'u' ? 10 : 16;
            upper = conv == 'X';
            goto digits;
        case 'p':
            u = (uintptr_t)va_arg(ap, void *);
            base = 16;
            prefix = "0x";
        digits:
            /* Fill from the right; 64-bit division only when the value needs it,
             * so 32-bit targets mostly stay on 32-bit arithmetic. */
            n = (int)sizeof buf;
            do {
                unsigned d;
                if (u <= UINT32_MAX) {
                    uint32_t w = (uint32_t)u;
                    d = w % base;
                    u = w / base;
                } else {
                    d = (unsigned)(u % base);
                    u /= base;
                }
                buf[--n] = (char)(d < 10 ? '0' + d : (upper ? 'A' : 'a') + d - 10);
            } while (u);
            if (prec == 0 && n == (int)sizeof buf - 1 && buf[n] == '0')
                n = (int)sizeof buf; /* "%.0d" of 0 prints nothing */
            emit_number(sink, ctx, prefix, buf + n, (int)sizeof buf - n, prec,
                        width, flags, &total);
            break;
        case 'c':
            buf[0] = (char)va_arg(ap, int);
            emit_number(sink, ctx, "", buf, 1, -1, width, flags & F_LEFT, &total);
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            int slen = 0;
            while (s[slen] && (prec < 0 || slen < prec))
                slen++;
            emit_number(sink, ctx, "", s, slen, -1, width, flags & F_LEFT, &total);
            break;
        }
        case '%':
            sink(ctx, "%", 1);
            total++;
            break;
        default:
            /* Unsupported conversion (%f and friends): say so visibly. */
            sink(ctx, "%?", 2);
            total += 2;
            if (conv == 'f' || conv == 'e' || conv == 'g')
                (void)va_arg(ap, double);
            break;
        }
    }
    return total;
}

size_t ob_fmt(ob_fmt_sink sink, void *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = ob_vfmt(sink, ctx, fmt, ap);
    va_end(ap);
    return n;
}

struct strbuf {
    char *buf;
    size_t size; /* room including the NUL */
    size_t used;
};

static void strbuf_put(void *ctx, const char *s, size_t n)
{
    struct strbuf *sb = ctx;
    for (size_t i = 0; i < n; i++, sb->used++)
        if (sb->used + 1 < sb->size)
            sb->buf[sb->used] = s[i];
}

size_t ob_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct strbuf sb = {buf, size, 0};
    size_t n = ob_vfmt(strbuf_put, &sb, fmt, ap);
    if (size)
        buf[sb.used < size ? sb.used : size - 1] = '\0';
    return n;
}

size_t ob_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = ob_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

static void hook_put(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    ob_write(s, n);
}

size_t ob_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = ob_vfmt(hook_put, NULL, fmt, ap);
    va_end(ap);
    return n;
}
