/* heap_raw.c - the raw layer: whole arenas and large objects over one range.
 *
 * Free space is kept as extents in 32 power-of-two bins (bin k holds sizes
 * in [2^k, 2^(k+1))). A large request of r bytes (header included) takes the
 * first extent of the lowest non-empty bin >= ceil(log2 r): every extent
 * there fits, so the choice is O(1) (half-fit, as in o1heap). Only when all
 * those bins are empty does it look through bin floor(log2 r) for an extent
 * that happens to be big enough (first fit, bounded by that bin's length):
 * this can only turn a failure into a success, so the half-fit bound in
 * docs/memory.md still holds. Freeing coalesces with both neighbours at
 * once (invariant R2), in O(1).
 *
 * Large objects are cut from the low end of a free extent, arenas from its
 * high end, so arenas cluster at the top of the heap and large objects at
 * the bottom: a freed arena more often meets free space to merge with.
 */
#include <string.h>

#include "heap_int.h"

/* ---- extent accessors (arena-aware) ---- */

size_t hp_ext_size(const ob_heap *h, const char *x)
{
    if (hp_is_slot_at(h, x))
        return OB_ARENA_SIZE;
    return ((const hp_ext *)x)->size & ~(size_t)7;
}

int hp_ext_is_free(const ob_heap *h, const char *x)
{
    return hp_free_at(h, x);
}

static size_t prev_size_of(const ob_heap *h, const char *x)
{
    if (hp_is_slot_at(h, x))
        return hp_slot(h, x)->prev_size;
    return ((const hp_ext *)x)->prev;
}

static void prev_size_set(ob_heap *h, char *x, size_t v)
{
    if (x >= h->end)
        return;
    if (hp_is_slot_at(h, x))
        hp_slot(h, x)->prev_size = (uint32_t)v;
    else
        ((hp_ext *)x)->prev = (uint32_t)v;
}

/* ---- bins ---- */

static void bin_insert(ob_heap *h, hp_free *f)
{
    unsigned k = hp_floor_log2(f->x.size);
    f->prev = NULL;
    f->next = h->bins[k];
    if (f->next)
        f->next->prev = f;
    h->bins[k] = f;
    h->binmask |= 1u << k;
}

static void bin_remove(ob_heap *h, hp_free *f)
{
    unsigned k = hp_floor_log2(f->x.size);
    if (f->prev)
        f->prev->next = f->next;
    else
        h->bins[k] = f->next;
    if (f->next)
        f->next->prev = f->prev;
    if (!h->bins[k])
        h->binmask &= ~(1u << k);
}

/* Free extent f takes the new size; it stays filed (moves bin only when
 * its size class changes). */
static void bin_resize(ob_heap *h, hp_free *f, size_t size)
{
    if (hp_floor_log2(size) == hp_floor_log2(f->x.size)) {
        f->x.size = (uint32_t)size;
        return;
    }
    bin_remove(h, f);
    f->x.size = (uint32_t)size;
    bin_insert(h, f);
}

/* Free extent f becomes free extent t (another address, size, prev):
 * t takes f's place on its bin list when the bin is the same. */
static void bin_move(ob_heap *h, hp_free *f, char *to, size_t size, size_t prev)
{
    hp_free *t = (hp_free *)to;
    unsigned k = hp_floor_log2(f->x.size);
    if (hp_floor_log2(size) != k) {
        bin_remove(h, f);
        t->x.size = (uint32_t)size;
        t->x.prev = (uint32_t)prev;
        bin_insert(h, t);
        return;
    }
    hp_free *n = f->next, *p = f->prev; /* read before t overwrites f */
    t->x.size = (uint32_t)size;
    t->x.prev = (uint32_t)prev;
    t->next = n;
    t->prev = p;
    if (p)
        p->next = t;
    else
        h->bins[k] = t;
    if (n)
        n->prev = t;
}

/* Writes a free extent's header and files it. */
static void free_make(ob_heap *h, char *x, size_t size, size_t prev)
{
    hp_free *f = (hp_free *)x;
    f->x.size = (uint32_t)size;
    f->x.prev = (uint32_t)prev;
    bin_insert(h, f);
}

/* The range becomes free slots (every aligned window, F1) with a free
 * extent below and above them where there is room; any bytes that cannot be
 * either stay one free extent. */
void hp_raw_init(ob_heap *h)
{
    uintptr_t raw = (uintptr_t)h->raw, end = (uintptr_t)h->end;
    if (!OB_HEAP_PRESLOT) {
        free_make(h, h->raw, end - raw, 0);
        return;
    }
    uintptr_t lo = (raw + OB_ARENA_SIZE - 1) & ~(uintptr_t)(OB_ARENA_SIZE - 1);
    if (lo != raw && lo - raw < HP_EXT_MIN)
        lo += OB_ARENA_SIZE;
    uintptr_t hi = end & ~(uintptr_t)(OB_ARENA_SIZE - 1);
    if (hi != end && end - hi < HP_EXT_MIN)
        hi -= OB_ARENA_SIZE;
    if (hi < lo + OB_ARENA_SIZE || lo >= end) {
        free_make(h, h->raw, end - raw, 0);
        return;
    }
    if (lo != raw)
        free_make(h, h->raw, lo - raw, 0);
    /* highest first: the head is the top slot */
    hp_arena *prev = NULL;
    for (uintptr_t w = hi - OB_ARENA_SIZE;; w -= OB_ARENA_SIZE) {
        hp_arena *a = hp_slot(h, (char *)w);
        a->fslot = 1;
        a->prev_size = (uint32_t)(w == lo ? lo - raw : OB_ARENA_SIZE);
        a->prev = prev;
        if (prev)
            prev->next = a;
        else
            h->fhead = a;
        prev = a;
        if (w == lo)
            break;
    }
    h->ftail = prev;
    if (hi != end)
        free_make(h, (char *)hi, end - hi, OB_ARENA_SIZE);
}

/* Unlinks free slot a from the deque and clears its entry. */
static void fslot_unlink(ob_heap *h, hp_arena *a)
{
    if (a->prev)
        a->prev->next = a->next;
    else
        h->fhead = a->next;
    if (a->next)
        a->next->prev = a->prev;
    else
        h->ftail = a->prev;
    char *addr = a->addr;
    memset(a, 0, sizeof *a);
    a->addr = addr; /* T1 */
}

/* The aligned arena windows of [s, e) whose leftovers below and above are
 * each empty or a valid extent: [*lo, *hi); 0 if there is none. */
static int windows_of(uintptr_t s, uintptr_t e, uintptr_t *lo, uintptr_t *hi)
{
    uintptr_t l = (s + OB_ARENA_SIZE - 1) & ~(uintptr_t)(OB_ARENA_SIZE - 1);
    if (l != s && l - s < HP_EXT_MIN)
        l += OB_ARENA_SIZE;
    uintptr_t u = e & ~(uintptr_t)(OB_ARENA_SIZE - 1);
    if (u != e && e - u < HP_EXT_MIN)
        u -= OB_ARENA_SIZE;
    if (l >= e || u < l + OB_ARENA_SIZE)
        return 0;
    *lo = l;
    *hi = u;
    return 1;
}

/* R5 (OB_HEAP_PRESLOT): the whole arena windows of free extent f become
 * free slots, at the head of the deque; what is left below and above stays
 * free extents. O(windows). */
static void reslot(ob_heap *h, hp_free *f)
{
    uintptr_t s = (uintptr_t)f, e = s + f->x.size, lo, hi;
    if (!OB_HEAP_PRESLOT || f->x.size < OB_ARENA_SIZE || !windows_of(s, e, &lo, &hi))
        return;
    size_t prev = f->x.prev;
    if (lo > s)
        bin_resize(h, f, lo - s); /* f keeps its place and header */
    else
        bin_remove(h, f);
    for (uintptr_t w = lo; w < hi; w += OB_ARENA_SIZE) {
        hp_arena *a = hp_slot(h, (char *)w);
        a->fslot = 1;
        a->prev_size = (uint32_t)(w > lo ? OB_ARENA_SIZE : lo > s ? lo - s : prev);
        a->prev = NULL;
        a->next = h->fhead;
        if (h->fhead)
            h->fhead->prev = a;
        else
            h->ftail = a;
        h->fhead = a;
    }
    if (hi < e)
        free_make(h, (char *)hi, e - hi, OB_ARENA_SIZE);
    prev_size_set(h, (char *)e, hi < e ? e - hi : OB_ARENA_SIZE);
}

/* [x, x + size) has become free; its lower neighbour has prev bytes.
 * Merges with free neighbours (R2) and files the result; with re, gives
 * its whole arena windows to free slots (R5). Returns the merged extent
 * (before any re-slotting). */
static char *release_(ob_heap *h, char *x, size_t size, size_t prev, int re)
{
    char *nx = x + size;
    hp_free *n = hp_free_at(h, nx) ? (hp_free *)nx : NULL;
    hp_free *p = prev && hp_free_at(h, x - prev) ? (hp_free *)(x - prev) : NULL;
    if (p) {
        /* the free extent below grows over x (and n): it stays where it is */
        size += p->x.size;
        if (n) {
            size += n->x.size;
            bin_remove(h, n);
        }
        bin_resize(h, p, size);
        x = (char *)p;
    } else if (n) {
        /* the free extent above moves down to x */
        size += n->x.size;
        bin_move(h, n, x, size, prev);
    } else {
        free_make(h, x, size, prev);
    }
    prev_size_set(h, x + size, size);
    if (re && size >= OB_ARENA_SIZE)
        reslot(h, (hp_free *)x);
    return x;
}

static void release(ob_heap *h, char *x, size_t size, size_t prev)
{
    release_(h, x, size, prev, 1);
}

/* [x, x + total) becomes a used extent of need bytes followed by a free
 * tail, or all total bytes when the tail would be too small to be an
 * extent. Keeps the back-link of the extent after it right. Returns the
 * size of the used extent. */
static size_t split_tail(ob_heap *h, char *x, size_t total, size_t need)
{
    if (total - need < HP_EXT_MIN) {
        prev_size_set(h, x + total, total);
        return total;
    }
    free_make(h, x + need, total - need, need);
    prev_size_set(h, x + total, total - need);
    reslot(h, (hp_free *)(x + need)); /* R5 */
    return need;
}

/* Takes free extent f for a used extent of need bytes; the tail, if big
 * enough, stays free. Returns the used extent. */
static inline __attribute__((always_inline)) char *take_low_inl(ob_heap *h, hp_free *f, size_t need);
/* One out-of-line copy for the paths that are not the fast one. */
static __attribute__((noinline)) char *take_low(ob_heap *h, hp_free *f, size_t need)
{
    return take_low_inl(h, f, need);
}
static inline __attribute__((always_inline)) char *take_low_inl(ob_heap *h, hp_free *f, size_t need)
{
    char *x = (char *)f;
    size_t size = f->x.size, prev = f->x.prev;
    if (size - need >= HP_EXT_MIN) {
        /* the free tail takes f's place */
        bin_move(h, f, x + need, size - need, need);
        prev_size_set(h, x + size, size - need);
        if (OB_HEAP_PRESLOT && size - need >= OB_ARENA_SIZE)
            reslot(h, (hp_free *)(x + need)); /* R5 */
    } else {
        bin_remove(h, f);
        need = size;
        prev_size_set(h, x + size, size);
    }
    hp_ext *e = (hp_ext *)x;
    e->size = (uint32_t)need | HP_EXT_USED;
    e->prev = (uint32_t)prev;
    return x;
}

static unsigned ceil_log2(size_t v)
{
    unsigned k = hp_floor_log2(v);
    return ((size_t)1 << k) == v ? k : k + 1;
}

/* Half-fit found nothing (for need, whose ceil(log2) is k): first fit in
 * the bin below, bounded by its length. */
static char *bin_below_fit(ob_heap *h, size_t need, unsigned k)
{
    for (hp_free *f = h->bins[k - 1]; f; f = f->next)
        if (f->x.size >= need)
            return take_low(h, f, need);
    return NULL;
}

static char *bins_alloc(ob_heap *h, size_t need)
{
    if (need < HP_EXT_MIN)
        need = HP_EXT_MIN;
    unsigned k = ceil_log2(need);
    if (k > HP_BINS)
        return NULL;
    uint32_t mask = k < HP_BINS ? h->binmask & ~((1u << k) - 1u) : 0;
    if (mask)
        return take_low(h, h->bins[hp_ctz(mask)], need);
    return bin_below_fit(h, need, k);
}

static void release(ob_heap *h, char *x, size_t size, size_t prev);

/* Free memory at x (inside [raw, end)): a free extent or a free slot;
 * its size in *size. */
static int free_piece(const ob_heap *h, const char *x, size_t *size)
{
    if (hp_is_slot_at(h, x)) {
        *size = OB_ARENA_SIZE;
        return hp_slot(h, x)->fslot;
    }
    uint32_t sw = ((const hp_ext *)x)->size;
    *size = sw & ~(size_t)HP_EXT_FLAGS;
    return !(sw & HP_EXT_USED);
}

/* Makes a free extent of at least need bytes out of free slots and the free
 * extents around them, if some run of them is that long: the first such run
 * found from the tail of the deque (the lowest slots ob_heap_init laid out),
 * its slots turned into free extents, merged, lowest first until long
 * enough. Slots of runs too short stay slots. Returns the merged extent
 * (the caller takes from it at once, which re-slots what is left, R5), or
 * NULL. Bounded by the free slots and the pieces of their runs. */
static char *fslot_pull_for(ob_heap *h, size_t need)
{
    for (hp_arena *a = h->ftail; a; a = a->prev) {
        char *lo = a->addr, *x;
        size_t sz, run = 0;
        while (lo > h->raw) {
            char *y = lo - prev_size_of(h, lo);
            if (!free_piece(h, y, &sz))
                break;
            lo = y;
        }
        for (x = lo; x < h->end && run < need && free_piece(h, x, &sz); x += sz)
            run += sz;
        if (run < need)
            continue;
        /* [lo, x) is free and long enough: its free slots become extents */
        uintptr_t w = ((uintptr_t)lo + OB_ARENA_SIZE - 1) & ~(uintptr_t)(OB_ARENA_SIZE - 1);
        for (; w + OB_ARENA_SIZE <= (uintptr_t)x; w += OB_ARENA_SIZE) {
            hp_arena *b = hp_slot(h, (char *)w);
            if (b->fslot) {
                size_t prev = b->prev_size;
                fslot_unlink(h, b);
                release_(h, (char *)w, OB_ARENA_SIZE, prev, 0); /* no re-slotting here */
            }
        }
        return lo; /* one free extent now, at least need bytes */
    }
    return NULL;
}

/* Every cached extent goes back to the bins, merged (Q1). */
void hp_quick_flush(ob_heap *h)
{
#if !OB_HEAP_QUICK_BYTES
    (void)h;
#else
    for (unsigned i = 0; i < HP_NQUICK; i++) {
        char *x = h->quick[i];
        h->quick[i] = NULL;
        while (x) {
            char *next = *(char **)(x + HP_QLINK);
            hp_ext *e = (hp_ext *)x;
            size_t size = e->size & ~(size_t)HP_EXT_FLAGS;
            e->size = (uint32_t)size;
            release(h, x, size, e->prev);
            x = next;
        }
    }
    h->qbytes = 0;
#endif
}

/* Gives the head of the first non-empty quick list back to the bins. */
static void quick_release_one(ob_heap *h)
{
#if !OB_HEAP_QUICK_BYTES
    (void)h;
#else
    for (unsigned i = 0; i < HP_NQUICK; i++) {
        char *x = h->quick[i];
        if (x) {
            hp_ext *e = (hp_ext *)x;
            size_t size = e->size & ~(size_t)HP_EXT_FLAGS;
            h->quick[i] = *(char **)(x + HP_QLINK);
            h->qbytes -= size;
            e->size = (uint32_t)size;
            release(h, x, size, e->prev);
            return;
        }
    }
#endif
}

static inline char *raw_alloc_fast(ob_heap *h, size_t need);

#if OB_HEAP_QUICK_BYTES
#define HP_MORE_INLINE __attribute__((noinline)) /* keeps the quick-list hit lean */
#else
#define HP_MORE_INLINE inline __attribute__((always_inline))
#endif
static HP_MORE_INLINE void *large_alloc_more(ob_heap *h, size_t n, int walk, size_t need);

/* A large block of n bytes (walkable if walk), its statistics counted, or
 * NULL. O(1) from a quick list or by half-fit's pick; else see
 * hp_raw_alloc. The quick-list hit is kept lean (few registers). */
void *hp_large_alloc(ob_heap *h, size_t n, int walk)
{
    size_t need = HP_ROUND8(n) + HP_EXT_HDR + (walk ? HP_WLINK : 0);
#if OB_HEAP_QUICK_BYTES
    unsigned qi = hp_qidx(need);
    char *q = h->quick[qi];
    if (q && ((hp_ext *)q)->size == (need | HP_EXT_USED | HP_EXT_QUICK) && !walk) {
        h->quick[qi] = *(char **)(q + HP_QLINK);
        h->qbytes -= need;
        ((hp_ext *)q)->size = (uint32_t)need | HP_EXT_USED;
        hp_account(h, n, need - HP_EXT_HDR);
        return q + HP_EXT_HDR;
    }
#endif
    return large_alloc_more(h, n, walk, need);
}

static HP_MORE_INLINE void *large_alloc_more(ob_heap *h, size_t n, int walk, size_t need)
{
    size_t extra = walk ? HP_WLINK : 0;
    char *x = raw_alloc_fast(h, need);
    if (__builtin_expect(!x, 0)) {
        x = hp_raw_alloc(h, need);
        if (!x && h->spare) {
            /* The spare arena is only a cache: give it back and retry. */
            hp_arena *a = h->spare;
            h->spare = NULL;
            hp_fslot_give(h, a);
            x = hp_raw_alloc(h, need);
        }
        if (!x)
            return NULL;
    }
    char *p = x + HP_EXT_HDR + extra;
    if (walk) {
        ((hp_ext *)x)->size |= HP_EXT_WALK;
        hp_wl_insert(h, p, NULL);
    }
    hp_account(h, n, (((hp_ext *)x)->size & ~(size_t)HP_EXT_FLAGS) - HP_EXT_HDR - extra);
    return p;
}

/* The O(1) ways to a used extent of exactly need bytes (a multiple of 8,
 * at least HP_EXT_MIN) or a little more: a cached extent of that size
 * (Q1), else half-fit's pick, the first extent of the lowest non-empty bin
 * whose every extent fits (bins ceil(log2 need) and up). NULL when neither
 * applies (hp_raw_alloc then tries the rest). */
static inline __attribute__((always_inline)) char *raw_alloc_fast(ob_heap *h, size_t need)
{
#if OB_HEAP_QUICK_BYTES
    unsigned qi = hp_qidx(need);
    char *q = h->quick[qi];
    if (q && (((hp_ext *)q)->size & ~(uint32_t)HP_EXT_WALK) == (need | HP_EXT_USED | HP_EXT_QUICK)) {
        h->quick[qi] = *(char **)(q + HP_QLINK);
        h->qbytes -= need;
        ((hp_ext *)q)->size = (uint32_t)need | HP_EXT_USED;
        return q;
    }
#endif
    unsigned k = hp_floor_log2(need - 1) + 1; /* ceil(log2 need), need >= 16 */
    uint32_t mask = k < HP_BINS ? h->binmask & (~0u << k) : 0;
    if (__builtin_expect(mask != 0, 1))
        return take_low_inl(h, h->bins[hp_ctz(mask)], need);
    return NULL;
}

/* A used extent of >= need bytes when raw_alloc_fast found none: first
 * fit in the bin below half-fit's, else a run of free slots and free
 * extents made one free extent (fslot_pull_for), else after giving cached
 * extents back one by one until the bins can serve it. */
char *hp_raw_alloc(ob_heap *h, size_t need)
{
    if (need < HP_EXT_MIN)
        need = HP_EXT_MIN;
    unsigned k = ceil_log2(need);
    char *x = k <= HP_BINS ? bin_below_fit(h, need, k) : NULL, *run;
    if (!x && h->ftail && (run = fslot_pull_for(h, need)) != NULL)
        x = take_low(h, (hp_free *)run, need);
    while (OB_HEAP_QUICK_BYTES && !x && h->qbytes) {
        quick_release_one(h);
        x = bins_alloc(h, need);
        if (!x && !h->qbytes && h->ftail && (run = fslot_pull_for(h, need)) != NULL)
            x = take_low(h, (hp_free *)run, need);
    }
    return x;
}

void hp_raw_free(ob_heap *h, char *x)
{
    hp_ext *e = (hp_ext *)x;
    size_t size = e->size & ~(size_t)7;
    e->size = (uint32_t)size; /* not in use: a stale pointer reads as a double free */
    release(h, x, size, e->prev);
}

/* Shrinks used extent x to need bytes (need <= its size) when the cut-off
 * tail can stand alone as a free extent. */
void hp_raw_shrink(ob_heap *h, char *x, size_t need)
{
    hp_ext *e = (hp_ext *)x;
    size_t size = e->size & ~(size_t)7;
    if (need < HP_EXT_MIN)
        need = HP_EXT_MIN;
    if (size - need < HP_EXT_MIN)
        return;
    e->size = (uint32_t)need | (e->size & 7u); /* keeps HP_EXT_USED and HP_EXT_WALK */
    char *t = x + need;
    hp_ext *te = (hp_ext *)t;
    te->size = (uint32_t)(size - need);
    te->prev = (uint32_t)need;
    prev_size_set(h, x + size, size - need); /* release() fixes it again if it merges */
    release(h, t, size - need, need);
}

/* Grows used extent x in place to at least need bytes by taking (part of)
 * a free upper neighbour. Returns 1 on success, 0 (nothing changed) if not. */
int hp_raw_grow(ob_heap *h, char *x, size_t need)
{
    hp_ext *e = (hp_ext *)x;
    size_t size = e->size & ~(size_t)7;
    char *nx = x + size;
    /* Free slots above are merged in (at most enough of them to fit). */
    if (nx < h->end && hp_is_slot_at(h, nx) && hp_slot(h, nx)->fslot) {
        hp_arena *a = hp_slot(h, nx);
        size_t prev = a->prev_size;
        fslot_unlink(h, a);
        release_(h, nx, OB_ARENA_SIZE, prev, 0);
    }
    if (!hp_ext_is_free(h, nx))
        return 0;
    hp_free *n = (hp_free *)nx;
    size_t total = size + n->x.size;
    while (total < need) {
        char *up = nx + n->x.size;
        if (!(up < h->end && hp_is_slot_at(h, up) && hp_slot(h, up)->fslot)) {
            reslot(h, n); /* what was merged stays free (R5): no used extent changed */
            return 0;
        }
        hp_arena *a = hp_slot(h, up);
        fslot_unlink(h, a);
        release_(h, up, OB_ARENA_SIZE, n->x.size, 0); /* grows n in place */
        total = size + n->x.size;
    }
    bin_remove(h, n);
    need = split_tail(h, x, total, need);
    e->size = (uint32_t)need | (e->size & 7u);
    return 1;
}

/* ---- arenas ---- */

/* The highest arena-aligned window inside free extent f whose leftovers
 * below and above are each empty or a valid extent; NULL if none. */
static char *arena_window(const hp_free *f)
{
    uintptr_t s = (uintptr_t)f, e = s + f->x.size;
    if (e - s < OB_ARENA_SIZE)
        return NULL;
    uintptr_t w = (e - OB_ARENA_SIZE) & ~(uintptr_t)(OB_ARENA_SIZE - 1);
    for (int tries = 0; tries < 2 && w >= s; tries++, w -= OB_ARENA_SIZE) {
        uintptr_t below = w - s, above = e - (w + OB_ARENA_SIZE);
        if ((below == 0 || below >= HP_EXT_MIN) && (above == 0 || above >= HP_EXT_MIN))
            return (char *)w;
        if (w < OB_ARENA_SIZE)
            break;
    }
    return NULL;
}

/* The free extent a fresh arena is cut from, and the window in it. O(1)
 * when an extent of 4 arenas or more is free; else bounded by the number of
 * free extents of 1 to 4 arenas. */
static hp_free *arena_source(ob_heap *h, char **win)
{
    enum { K0 = __builtin_ctz(OB_ARENA_SIZE) };
    /* Any extent of 4 arenas or more has a window (see arena_window): the
     * first of the lowest such bin, O(1). */
    uint32_t m = K0 + 2 < HP_BINS ? h->binmask & ~((1u << (K0 + 2)) - 1u) : 0;
    if (m) {
        hp_free *f = h->bins[hp_ctz(m)];
        if ((*win = arena_window(f)) != NULL)
            return f;
    }
    /* Else an extent of 1 to 4 arenas that happens to hold an aligned window. */
    for (unsigned k = K0; k < K0 + 2 && k < HP_BINS; k++)
        for (hp_free *f = h->bins[k]; f; f = f->next)
            if ((*win = arena_window(f)) != NULL)
                return f;
    return NULL;
}

/* A fresh arena: the head free slot, O(1); else cut from a free extent, or
 * NULL (see arena_source for the cost). */
hp_arena *hp_arena_get(ob_heap *h)
{
    hp_arena *fa = hp_fslot_take(h);
    if (fa)
        return fa;
    char *w;
    hp_free *f = arena_source(h, &w);
    if (!f)
        return NULL;
    char *s = (char *)f;
    size_t size = f->x.size, prev = f->x.prev;
    size_t below = (size_t)(w - s), above = size - below - OB_ARENA_SIZE;
    if (below)
        bin_resize(h, f, below); /* f keeps its place and header */
    else
        bin_remove(h, f);
    hp_arena *a = hp_slot(h, w);
    char *addr = a->addr;
    memset(a, 0, sizeof *a);
    a->addr = addr; /* T1 */
    hp_set_arena(h, a, 1);
    a->prev_size = (uint32_t)(below ? below : prev);
    a->nfree = OB_POOLS_PER_ARENA;
    if (above) {
        free_make(h, w + OB_ARENA_SIZE, above, OB_ARENA_SIZE);
        prev_size_set(h, s + size, above);
    } else {
        prev_size_set(h, s + size, OB_ARENA_SIZE);
    }
    if (below)
        reslot(h, f); /* R5 (not reached with OB_HEAP_PRESLOT: no window is left in the bins) */
    return a;
}

size_t hp_prev_size_(const ob_heap *h, const char *x)
{
    return prev_size_of(h, x);
}
