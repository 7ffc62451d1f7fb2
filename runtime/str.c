/* str.c - str (UTF-8 text), bytes, and the intern table.
 *
 * A str is one block: header, cached hash, lengths, the bytes and a NUL.
 * ASCII text shorter than 64 KiB uses the compact layout (a 16-bit length;
 * code points = bytes: 14 header bytes on 32-bit targets, so 8 characters
 * fit a 24-byte block); other text, and constants, the wide layout (32-bit
 * byte and code point lengths: 24 header bytes). ob_types.h draws both. The hash (FNV-1a, 32-bit) is computed on first use
 * and cached (flag OB_F_TYPE2), except in immortal constants, which may sit
 * in flash and are never written.
 *
 * The intern table maps text to its one canonical str. It does not own its
 * strings (CPython's "mortal interned strings"): an interned string leaves
 * the table when its count reaches zero (its dealloc removes it), so unused
 * names do not pin memory. Open addressing, linear probing, dummies on
 * removal; grows at 2/3 full; the table block is returned when it empties.
 */
#include <stddef.h>

#include "ob_fmt.h"
#include "ob_impl.h"

#define STR_INTERNED OB_F_TYPE1
#define HASH_CACHED OB_F_TYPE2

typedef struct ob_bytesobj {
    ob_object head; /* OB_F_TYPE2: hash cached */
    ob_hash_t hash;
    uint32_t len;
    uint8_t data[]; /* len bytes + NUL */
} ob_bytesobj;

static struct {
    ob_object **slots; /* NULL empty, INTERN_DUMMY removed */
    size_t mask, used, fill;
} intern;
#define INTERN_DUMMY ((ob_object *)(uintptr_t)2)

ob_hash_t ob_hash_bytes_(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 16777619u;
    return h;
}

/* ---- layouts ------------------------------------------------------------------- */
static inline int compact(const ob_str *s)
{
    return s->len16 != OB_STR_WIDE;
}
static inline size_t slen(const ob_str *s)
{
    return compact(s) ? s->len16 : ((const ob_strwide *)(const void *)s)->len;
}
static inline char *sdata(ob_str *s)
{
    return compact(s) ? s->data : ((ob_strwide *)(void *)s)->data;
}
static inline const char *csdata(const ob_str *s)
{
    return compact(s) ? s->data : ((const ob_strwide *)(const void *)s)->data;
}

/* ---- str type ---------------------------------------------------------------- */
static void intern_remove(ob_object *s);

static void str_dealloc(ob_object *o)
{
    if (o->ob_rc & STR_INTERNED)
        intern_remove(o);
}

ob_hash_t ob_str_hash_(ob_object *o)
{
    ob_str *s = (ob_str *)o;
    if (o->ob_rc & HASH_CACHED)
        return s->hash;
    ob_hash_t h = ob_hash_bytes_(csdata(s), slen(s));
    if (!(o->ob_rc & OB_F_IMMORTAL)) {
        s->hash = h;
        o->ob_rc |= HASH_CACHED;
    }
    return h;
}

static int str_hash(ob_object *o, ob_hash_t *out)
{
    *out = ob_str_hash_(o);
    return 0;
}

static int str_eq(ob_object *a, ob_object *b)
{
    ob_str *x = (ob_str *)a, *y = (ob_str *)b;
    if ((a->ob_rc & STR_INTERNED) && (b->ob_rc & STR_INTERNED))
        return 0; /* two distinct interned strings differ */
    size_t n = slen(x);
    if (n != slen(y))
        return 0;
    if ((a->ob_rc & HASH_CACHED) && (b->ob_rc & HASH_CACHED) && x->hash != y->hash)
        return 0;
    return memcmp(csdata(x), csdata(y), n) == 0;
}

static void put_escaped(ob_sink *s, const uint8_t *p, size_t n, char quote, int bytes)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t c = p[i];
        char e[5];
        const char *out = e;
        size_t len = 1;
        e[0] = (char)c;
        if (c == '\\' || c == (uint8_t)quote) {
            e[0] = '\\', e[1] = (char)c, len = 2;
        } else if (c == '\n') {
            out = "\\n", len = 2;
        } else if (c == '\r') {
            out = "\\r", len = 2;
        } else if (c == '\t') {
            out = "\\t", len = 2;
        } else if (c < 0x20 || c == 0x7F || (bytes && c >= 0x80)) {
            static const char hex[] = "0123456789abcdef";
            e[0] = '\\', e[1] = 'x', e[2] = hex[c >> 4], e[3] = hex[c & 15], len = 4;
        }
        s->put(s, out, len);
    }
}

static void str_repr(ob_object *o, ob_sink *s)
{
    ob_str *x = (ob_str *)o;
    s->put(s, "'", 1);
    put_escaped(s, (const uint8_t *)csdata(x), slen(x), '\'', 0);
    s->put(s, "'", 1);
}

const ob_type ob_str_type = {
    OB_TYPE_HEAD("str"),
    .basicsize = offsetof(ob_str, data) + 1,
    .itemsize = 1,
    .dealloc = str_dealloc,
    .hash = str_hash,
    .eq = str_eq,
    .repr = str_repr,
};

/* Validates UTF-8 (no overlongs, no surrogates, <= U+10FFFF); returns the
 * code point count or -1. */
static long utf8_count(const uint8_t *p, size_t n)
{
    long cps = 0;
    size_t i = 0;
    while (i < n) {
        uint8_t c = p[i];
        size_t len;
        uint32_t cp, min;
        if (c < 0x80) {
            i++, cps++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2, cp = c & 0x1F, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3, cp = c & 0x0F, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4, cp = c & 0x07, min = 0x10000;
        } else {
            return -1;
        }
        if (n - i < len)
            return -1;
        for (size_t k = 1; k < len; k++) {
            if ((p[i + k] & 0xC0) != 0x80)
                return -1;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return -1;
        i += len, cps++;
    }
    return cps;
}

/* The empty string: immortal, like the empty tuple. */
OB_STR_CONST(empty_str, "");

/* A str of n bytes holding cps code points (uninitialised text, NUL
 * placed): compact when the text is ASCII (cps == n) and short, else wide.
 * Callers return the empty string themselves for n == 0. */
static ob_str *str_alloc(size_t n, size_t cps)
{
    if (n > UINT32_MAX - 64)
        return ob_err_null(OB_E_OVERFLOW, "string too long");
    if (cps == n && n < OB_STR_WIDE) {
        ob_str *s = (ob_str *)ob_object_alloc(&ob_str_type, n);
        if (s)
            s->len16 = (uint16_t)n;
        return s;
    }
    ob_strwide *w = (ob_strwide *)ob_object_alloc(
        &ob_str_type, n + offsetof(ob_strwide, data) - offsetof(ob_str, data));
    if (!w)
        return NULL;
    w->wide = OB_STR_WIDE;
    w->len = (uint32_t)n;
    w->cplen = (uint32_t)cps;
    return (ob_str *)(void *)w;
}

ob_object *ob_str_from_utf8(const char *p, size_t n)
{
    long cps = utf8_count((const uint8_t *)p, n);
    if (cps < 0)
        return ob_err_null(OB_E_VALUE, "invalid UTF-8");
    if (n == 0)
        return OB_STR(empty_str);
    ob_str *s = str_alloc(n, (size_t)cps);
    if (!s)
        return NULL;
    memcpy(sdata(s), p, n);
    return &s->head;
}

ob_object *ob_str_from_cstr(const char *p)
{
    return ob_str_from_utf8(p, strlen(p));
}

ob_object *ob_str_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = ob_vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n == 0)
        return OB_STR(empty_str);
    /* Formatted as if ASCII; text that is not is copied to a wide str. */
    ob_str *s = str_alloc(n, n);
    if (!s)
        return NULL;
    va_start(ap, fmt);
    ob_vsnprintf(sdata(s), n + 1, fmt, ap);
    va_end(ap);
    long cps = utf8_count((const uint8_t *)sdata(s), n);
    if (cps < 0) {
        ob_decref(&s->head);
        return ob_err_null(OB_E_VALUE, "invalid UTF-8");
    }
    if ((size_t)cps == n)
        return &s->head;
    if (!compact(s)) {
        ((ob_strwide *)(void *)s)->cplen = (uint32_t)cps;
        return &s->head;
    }
    ob_object *w = ob_str_from_utf8(s->data, n);
    ob_decref(&s->head);
    return w;
}

static int is_str(const ob_object *o)
{
    return o && !ob_is_small(o) && o->ob_type == &ob_str_type;
}

ob_object *ob_str_concat(ob_object *a, ob_object *b)
{
    if (!is_str(a) || !is_str(b))
        return ob_err_null(OB_E_TYPE, "can only concatenate str to str");
    ob_str *x = (ob_str *)a, *y = (ob_str *)b;
    size_t nx = slen(x), ny = slen(y);
    if (nx + ny > UINT32_MAX - 64)
        return ob_err_null(OB_E_OVERFLOW, "string too long");
    if (nx + ny == 0)
        return OB_STR(empty_str);
    ob_str *s = str_alloc(nx + ny, ob_str_cplen(a) + ob_str_cplen(b));
    if (!s)
        return NULL;
    memcpy(sdata(s), csdata(x), nx);
    memcpy(sdata(s) + nx, csdata(y), ny);
    return &s->head;
}

const char *ob_str_data(const ob_object *s)
{
    return is_str(s) ? csdata((const ob_str *)s) : NULL;
}

size_t ob_str_len(const ob_object *s)
{
    return is_str(s) ? slen((const ob_str *)s) : 0;
}

size_t ob_str_cplen(const ob_object *o)
{
    if (!is_str(o))
        return 0;
    const ob_str *s = (const ob_str *)o;
    if (compact(s))
        return s->len16;
    const ob_strwide *w = (const ob_strwide *)(const void *)s;
    if (w->cplen != OB_STR_CPLEN_UNKNOWN)
        return w->cplen;
    long n = utf8_count((const uint8_t *)w->data, w->len);
    return n < 0 ? 0 : (size_t)n;
}

int ob_str_eq_cstr(const ob_object *s, const char *c)
{
    if (!is_str(s))
        return 0;
    size_t n = strlen(c);
    return slen((const ob_str *)s) == n && memcmp(csdata((const ob_str *)s), c, n) == 0;
}

/* ---- intern table ------------------------------------------------------------ */
static int text_eq(ob_object *a, const char *p, size_t n)
{
    const ob_str *s = (const ob_str *)a;
    return slen(s) == n && memcmp(csdata(s), p, n) == 0;
}

/* Slot holding text p[0..n) with hash h, or the first free slot for it. */
static size_t intern_find(ob_hash_t h, const char *p, size_t n, int for_insert)
{
    size_t i = h & intern.mask, dummy = (size_t)-1;
    for (;;) {
        ob_object *e = intern.slots[i];
        if (e == NULL)
            return (for_insert && dummy != (size_t)-1) ? dummy : i;
        if (e == INTERN_DUMMY) {
            if (dummy == (size_t)-1)
                dummy = i;
        } else if (ob_str_hash_(e) == h && text_eq(e, p, n)) {
            return i;
        }
        i = (i + 1) & intern.mask;
    }
}

static int intern_grow(void)
{
    size_t cap = OB_INTERN_MINSIZE;
    while (cap * 2 < (intern.used + 1) * 3)
        cap *= 2;
    ob_object **slots = ob_mem_alloc(cap * sizeof *slots);
    if (!slots)
        return OB_E_NOMEM;
    memset(slots, 0, cap * sizeof *slots);
    ob_object **old = intern.slots;
    size_t oldcap = old ? intern.mask + 1 : 0;
    intern.slots = slots;
    intern.mask = cap - 1;
    intern.fill = intern.used;
    for (size_t i = 0; i < oldcap; i++) {
        ob_object *e = old[i];
        if (e && e != INTERN_DUMMY) {
            ob_str *s = (ob_str *)e;
            slots[intern_find(ob_str_hash_(e), csdata(s), slen(s), 1)] = e;
        }
    }
    ob_mem_free(old);
    return 0;
}

static void intern_remove(ob_object *o)
{
    ob_str *s = (ob_str *)o;
    if (!intern.slots)
        return;
    size_t i = ob_str_hash_(o) & intern.mask;
    for (;;) {
        ob_object *e = intern.slots[i];
        if (e == NULL)
            return;
        if (e == o)
            break;
        i = (i + 1) & intern.mask;
    }
    (void)s;
    intern.slots[i] = INTERN_DUMMY;
    if (--intern.used == 0) {
        ob_mem_free(intern.slots);
        intern.slots = NULL;
        intern.mask = intern.fill = 0;
    }
}

/* Looks up text; returns the interned str (borrowed) or NULL. */
static ob_object *intern_lookup(ob_hash_t h, const char *p, size_t n)
{
    if (!intern.slots)
        return NULL;
    ob_object *e = intern.slots[intern_find(h, p, n, 0)];
    return e && e != INTERN_DUMMY ? e : NULL;
}

/* Adds s (not present). */
static int intern_add(ob_object *o)
{
    ob_str *s = (ob_str *)o;
    if (!intern.slots || (intern.fill + 1) * 3 > (intern.mask + 1) * 2)
        if (intern_grow() < 0)
            return ob_err_set(OB_E_NOMEM, "out of memory (intern table)");
    size_t i = intern_find(ob_str_hash_(o), csdata(s), slen(s), 1);
    if (intern.slots[i] == NULL)
        intern.fill++;
    intern.slots[i] = o;
    intern.used++;
    if (!(o->ob_rc & OB_F_IMMORTAL))
        o->ob_rc |= STR_INTERNED;
    return 0;
}

ob_object *ob_str_intern(ob_object *o)
{
    if (!is_str(o))
        return ob_err_null(OB_E_TYPE, "intern() argument must be str");
    if (o->ob_rc & STR_INTERNED)
        return ob_newref(o);
    ob_str *s = (ob_str *)o;
    ob_object *e = intern_lookup(ob_str_hash_(o), csdata(s), slen(s));
    if (e)
        return ob_newref(e);
    if (intern_add(o) < 0)
        return NULL;
    return ob_newref(o);
}

ob_object *ob_str_intern_cstr(const char *p)
{
    size_t n = strlen(p);
    ob_object *e = intern_lookup(ob_hash_bytes_(p, n), p, n);
    if (e)
        return ob_newref(e);
    ob_object *s = ob_str_from_utf8(p, n);
    if (!s)
        return NULL;
    if (intern_add(s) < 0) {
        ob_decref(s);
        return NULL;
    }
    return s;
}

ob_object *ob_str_probe_(ob_strprobe *probe, const char *p)
{
    size_t n = strlen(p);
    ob_object *e = intern_lookup(ob_hash_bytes_(p, n), p, n);
    if (e)
        return e;
    if (n > OB_STR_PROBE_MAX)
        return NULL;
    long cps = utf8_count((const uint8_t *)p, n);
    if (cps < 0)
        return NULL;
    ob_strwide *w = &probe->s; /* the layout str_alloc would choose */
    w->head.ob_rc = OB_RC_ONE | OB_F_IMMORTAL; /* never counted, never cached */
    w->head.ob_type = &ob_str_type;
    w->hash = 0;
    ob_str *s = (ob_str *)(void *)w;
    if ((size_t)cps == n) {
        s->len16 = (uint16_t)n;
    } else {
        w->wide = OB_STR_WIDE;
        w->len = (uint32_t)n;
        w->cplen = (uint32_t)cps;
    }
    memcpy(sdata(s), p, n + 1);
    return &s->head;
}

int ob_str_is_interned(const ob_object *o)
{
    if (!is_str(o))
        return 0;
    if (o->ob_rc & STR_INTERNED)
        return 1;
    const ob_str *s = (const ob_str *)o;
    return intern_lookup(ob_hash_bytes_(csdata(s), slen(s)), csdata(s), slen(s)) == o;
}

size_t ob_str_intern_count(void)
{
    return intern.used;
}

void ob_str_fini_(void)
{
    ob_mem_free(intern.slots);
    memset(&intern, 0, sizeof intern);
}

/* ---- bytes -------------------------------------------------------------------- */
static int bytes_hash(ob_object *o, ob_hash_t *out)
{
    ob_bytesobj *b = (ob_bytesobj *)o;
    if (!(o->ob_rc & HASH_CACHED)) {
        b->hash = ob_hash_bytes_(b->data, b->len);
        o->ob_rc |= HASH_CACHED;
    }
    *out = b->hash;
    return 0;
}

static int bytes_eq(ob_object *a, ob_object *b)
{
    ob_bytesobj *x = (ob_bytesobj *)a, *y = (ob_bytesobj *)b;
    return x->len == y->len && memcmp(x->data, y->data, x->len) == 0;
}

static void bytes_repr(ob_object *o, ob_sink *s)
{
    ob_bytesobj *b = (ob_bytesobj *)o;
    s->put(s, "b'", 2);
    put_escaped(s, b->data, b->len, '\'', 1);
    s->put(s, "'", 1);
}

const ob_type ob_bytes_type = {
    OB_TYPE_HEAD("bytes"),
    .basicsize = offsetof(ob_bytesobj, data) + 1,
    .itemsize = 1,
    .hash = bytes_hash,
    .eq = bytes_eq,
    .repr = bytes_repr,
};

ob_object *ob_bytes_from(const void *p, size_t n)
{
    if (n > UINT32_MAX - 1)
        return ob_err_null(OB_E_OVERFLOW, "bytes too long");
    ob_bytesobj *b = (ob_bytesobj *)ob_object_alloc(&ob_bytes_type, n);
    if (!b)
        return NULL;
    b->len = (uint32_t)n;
    if (n)
        memcpy(b->data, p, n);
    return &b->head;
}

static int is_bytes(const ob_object *o)
{
    return o && !ob_is_small(o) && o->ob_type == &ob_bytes_type;
}

const uint8_t *ob_bytes_data(const ob_object *b)
{
    return is_bytes(b) ? ((const ob_bytesobj *)b)->data : NULL;
}

size_t ob_bytes_len(const ob_object *b)
{
    return is_bytes(b) ? ((const ob_bytesobj *)b)->len : 0;
}
