/* heap.c - pools and blocks (CPython's pymalloc scheme, sized for an MCU)
 * and the public calls of ob_heap.h.
 *
 * A small request (1..OB_SMALL_LIMIT bytes) maps to class (n - 1) / 8; the
 * class's first pool with a free block (usedpools[c]) gives up the head of
 * its free list. That path touches one list head and one pool header: no
 * loop, no search, no bit scan (so Cortex-M0, without CLZ, is as quick as
 * M3). A pool is carved lazily: a block is cut from the untouched part only
 * when the free list runs dry. A full pool leaves usedpools; its first freed
 * block brings it back; an empty pool returns to its arena; an empty arena
 * becomes the one spare or goes back to the raw layer (heap_raw.c).
 *
 * Layout invariants are stated in heap_int.h; heap_check.c verifies them.
 */
#include <stdarg.h>
#include <string.h>

#include "heap_int.h"

_Static_assert(HP_CAPACITY(OB_SIZE_CLASSES - 1) >= 2, "pool_new hands out block 0 and keeps block 1 free");

#define HP_LIKELY(x) __builtin_expect(!!(x), 1)
#define HP_UNLIKELY(x) __builtin_expect(!!(x), 0)

void hp_error(ob_heap *h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ob_vsnprintf(h->msg, sizeof h->msg, fmt, ap);
    va_end(ap);
    h->last_error = h->msg;
}

#if OB_CHECKED
/* Reports misuse through the panic hook (returns if the hook does). */
__attribute__((format(printf, 2, 3))) static void misuse(const ob_heap *ch, const char *fmt, ...)
{
    ob_heap *h = (ob_heap *)ch; /* the message buffer lives in the handle */
    va_list ap;
    va_start(ap, fmt);
    ob_vsnprintf(h->msg, sizeof h->msg, fmt, ap);
    va_end(ap);
    h->last_error = h->msg;
    OB_PANIC(h->msg);
}
#endif

/* ---- blocks ---- */

/* Marks block b (size bytes) free with successor offset next (P4). */
static inline void block_mark_free(char *b, uint32_t next, size_t size)
{
    *(uint32_t *)b = (HP_FREE_TAG << 16) | next;
#if OB_CHECKED
    memset(b + 4, HP_POISON, size - 4);
#else
    (void)size;
#endif
}

#if OB_CHECKED
/* True when free block b still holds its tag and poison. */
static int block_poison_intact(const char *b, size_t size)
{
    if ((*(const uint32_t *)b >> 16) != HP_FREE_TAG)
        return 0;
    for (size_t i = 4; i < size; i += 4)
        if (*(const uint32_t *)(b + i) != HP_POISON32)
            return 0;
    return 1;
}
#endif

/* ---- the usable arena list (A2), kept sorted in O(1) ---- */

/* Arena a, with all its pools but one free, is about to be wholly free:
 * off the usable list (where it is among the last, the arenas with the
 * most free pools); with one pool per arena it is on no list. */
static inline void arena_off_usable(ob_heap *h, hp_arena *a)
{
    unsigned nf = OB_POOLS_PER_ARENA - 1;
    if (nf) {
        hp_arena *pv = a->prev, *nx = a->next;
        if (pv)
            pv->next = nx;
        else
            h->usable = nx;
        if (nx)
            nx->prev = pv;
        if (h->lasta[nf] == a)
            h->lasta[nf] = (pv && pv->nfree == nf) ? pv : NULL;
    }
}

/* A pool of a went back to it (CPython's nfp2lasta scheme). The list is
 * sorted by nfree ascending; a's count goes from nf to nf + 1, so a belongs
 * right after the last arena with nf free pools (lasta[nf]), before any with
 * more: one unlink and one insert, no search. */
static void arena_pool_returned(ob_heap *h, hp_arena *a)
{
    unsigned nf = a->nfree;
    if (nf == OB_POOLS_PER_ARENA - 1) {
        /* wholly free: off the list, the spare or a free slot (A3) */
        arena_off_usable(h, a);
        a->nfree = OB_POOLS_PER_ARENA;
        if (!h->spare) {
            h->spare = a; /* keep one empty arena against thrashing */
            a->next = a->prev = NULL;
        } else {
            hp_fslot_give(h, a); /* a free slot: O(1), merged only when needed (F1) */
        }
        return;
    }
#if OB_POOLS_PER_ARENA > 1
    hp_arena *lastnf = nf ? h->lasta[nf] : NULL;
    if (lastnf == a) /* a was the last with nf: the one before it may be */
        h->lasta[nf] = (a->prev && a->prev->nfree == nf) ? a->prev : NULL;
    a->nfree = (uint8_t)++nf;
    if (nf == 1) {
        /* was full, so on no list: after the arenas with one free pool
         * (the fewest), or first */
        hp_arena *after = h->lasta[1];
        a->prev = after;
        a->next = after ? after->next : h->usable;
        if (a->next)
            a->next->prev = a;
        if (after)
            after->next = a;
        else
            h->usable = a;
        h->lasta[1] = a;
        return;
    }
    if (!h->lasta[nf])
        h->lasta[nf] = a;
    if (lastnf == a || !lastnf)
        return; /* already after every arena with nf: in place */
    /* move a to just after lastnf */
    if (a->prev)
        a->prev->next = a->next;
    else
        h->usable = a->next;
    if (a->next)
        a->next->prev = a->prev;
    a->prev = lastnf;
    a->next = lastnf->next;
    if (a->next)
        a->next->prev = a;
    lastnf->next = a;
#endif
}

/* ---- pools ---- */

typedef uint32_t __attribute__((may_alias)) hp_word;

/* Writes the 8 header bytes freeblock, nextoffset, count (1), szi (cls + 1), state
 * as two words (a pool's header fields are laid out for this). */
static inline void pool_hdr_set(hp_pool *pool, uint32_t freeblock, uint32_t nextoffset, uint32_t cls,
                                uint32_t state)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    hp_word *w = (hp_word *)pool;
    w[0] = freeblock | nextoffset << 16;
    w[1] = 1u | (cls + 1u) << 16 | state << 24;
#else
    pool->freeblock = (uint16_t)freeblock;
    pool->nextoffset = (uint16_t)nextoffset;
    pool->count = 1;
    pool->szi = (uint8_t)(cls + 1);
    pool->state = (uint8_t)state;
#endif
}
_Static_assert(offsetof(hp_pool, freeblock) == 0 && offsetof(hp_pool, nextoffset) == 2 &&
                   offsetof(hp_pool, count) == 4 && offsetof(hp_pool, szi) == 6 &&
                   offsetof(hp_pool, state) == 7,
               "pool_hdr_set writes the header as two words");

/* The usable list is empty: an empty arena becomes its head (the spare,
 * else a free slot, both O(1), else one cut from a free extent) and gives
 * up its first pool, returned. NULL if no arena can be had. */
static hp_pool *pool_from_fresh_arena(ob_heap *h)
{
    hp_arena *a = h->spare;
    hp_pool *pool;
    if (a) {
        h->spare = NULL;
    } else {
        a = h->fhead;
        if (a) {
            /* F1 -> A1 with pool 0 taken, in place of hp_fslot_take */
            hp_arena *n = a->next;
            h->fhead = n;
            if (n)
                n->prev = NULL;
            else
                h->ftail = NULL;
            hp_set_arena(h, a, 1);
            a->nfree = OB_POOLS_PER_ARENA - 1;
            a->ncarved = 1;
            a->fslot = 0;
            pool = (hp_pool *)hp_arena_addr(h, a);
            goto file;
        }
        if (!(a = hp_arena_get(h)))
            return NULL;
    }
    pool = a->freepools;
    if (pool) {
        a->freepools = pool->next;
    } else {
        pool = (hp_pool *)(hp_arena_addr(h, a) + (size_t)a->ncarved * OB_POOL_SIZE);
        a->ncarved++;
    }
    a->nfree = OB_POOLS_PER_ARENA - 1;
file:
    a->next = a->prev = NULL;
    if (OB_POOLS_PER_ARENA > 1) {
        h->usable = a; /* the only arena on the list (A2) */
        h->lasta[OB_POOLS_PER_ARENA - 1] = a;
    }
    return pool;
}

/* A fresh pool for class c (walkable blocks if walk), filed on its
 * usedpools list (which is empty: callers come here when it is), and its
 * first block for a request of n bytes: the pool is set up as if that block
 * had been popped (block 1 carved and free, P2). NULL when no arena can be
 * had. O(1) unless a new arena must be cut from a free extent. */
static void *pool_new(ob_heap *h, size_t c, int walk, size_t n)
{
    hp_arena *a = h->usable;
    hp_pool *pool;
    if (HP_LIKELY(a != NULL)) {
        /* a is the head: the most used arena. Taking a pool keeps it the
         * most used, so the order holds and only lasta and the head change. */
        pool = a->freepools;
        if (pool) {
            a->freepools = pool->next;
        } else {
            pool = (hp_pool *)(hp_arena_addr(h, a) + (size_t)a->ncarved * OB_POOL_SIZE);
            a->ncarved++;
        }
        unsigned k = a->nfree--;
        if (h->lasta[k] == a)
            h->lasta[k] = NULL;
        if (k == 1) {
            /* no free pool left: off the usable list (A3) */
            hp_arena *nx = a->next;
            h->usable = nx;
            if (nx)
                nx->prev = NULL;
            a->next = NULL;
        } else {
            h->lasta[k - 1] = a; /* the only arena with that few free pools */
        }
    } else if (!(pool = pool_from_fresh_arena(h))) {
        return NULL;
    }

    size_t size = HP_CLASS_SIZE(c);
    size_t li = HP_LIST(c, walk);
    pool_hdr_set(pool, (uint32_t)(HP_POOL_HDR + size), (uint32_t)(HP_POOL_HDR + 2 * size),
                 (uint32_t)c, walk ? HP_POOL_WALK : HP_POOL_USED); /* capacity >= 2 */
    block_mark_free((char *)pool + HP_POOL_HDR + size, 0, size);
    pool->prev = pool->next = NULL;
    h->usedpools[li] = pool;
    hp_account(h, n, size);
    char *b = (char *)pool + HP_POOL_HDR;
#if OB_CHECKED
    *(uint32_t *)b = HP_POISON32; /* as pool_pop leaves a block */
#endif
    return b;
}

/* Pool emptied: off usedpools, back to its arena. When that empties the
 * arena and a spare is kept already, the arena becomes a free slot at once
 * (the pool's header and the free-pool list are not written: a free slot's
 * memory holds nothing, F1). */
static void pool_empty(ob_heap *h, hp_pool *pool)
{
    hp_pool *pv = pool->prev, *nx = pool->next;
    if (pv)
        pv->next = nx;
    else
        h->usedpools[HP_POOL_LIST(pool)] = nx;
    if (nx)
        nx->prev = pv;
    hp_arena *a = hp_slot(h, pool);
    h->walk_epoch++; /* open walks may stand in it (W5) */
    if (a->nfree == OB_POOLS_PER_ARENA - 1 && h->spare) {
        arena_off_usable(h, a);
        hp_fslot_give(h, a); /* O(1), merged only when needed (F1) */
        return;
    }
    pool->state = HP_POOL_FREE;
    pool->next = a->freepools; /* free pools are singly linked */
    a->freepools = pool;
    arena_pool_returned(h, a);
}

/* The head of usedpools[li] leaves it (P3: it has just filled up). */
static inline __attribute__((always_inline)) void pool_unlist_head(ob_heap *h, hp_pool *pool,
                                                                   size_t li)
{
    hp_pool *nx = pool->next;
    h->usedpools[li] = nx;
    if (nx)
        nx->prev = NULL;
}

/* A full pool, on no list, goes back on its usedpools list (P3): second,
 * just after the head, or as the head when the list is empty. CPython puts
 * it first; then, with most of a class's blocks in full pools, every free
 * relists a pool and the allocation after it fills that pool and takes it
 * off again (two transitions per pair). Second, the head keeps serving
 * until it fills, and the relisted pool takes frees without moving
 * (docs/memory.md, "Why a full pool goes back second"). */
static inline __attribute__((always_inline)) void pool_relist(ob_heap *h, hp_pool *pool)
{
    size_t li = HP_POOL_LIST(pool);
    hp_pool *hd = h->usedpools[li];
    if (hd) {
        hp_pool *nx = hd->next;
        pool->prev = hd;
        pool->next = nx;
        if (nx)
            nx->prev = pool;
        hd->next = pool;
        return;
    }
    pool->prev = NULL;
    pool->next = NULL;
    h->usedpools[li] = pool;
}

/* The pool at the head of usedpools[li] gave its last free block: full, it
 * leaves the list (P3). */
__attribute__((noinline)) static void pool_full(ob_heap *h, hp_pool *pool, size_t li)
{
    pool->freeblock = 0;
    pool_unlist_head(h, pool, li);
}

/* Pops a block from pool (class c, the head of usedpools[li], so not full):
 * the head of its free list; when that was the last, the next block is
 * carved from the untouched part (P2), or the pool is full. */
static inline void *pool_pop(ob_heap *h, hp_pool *pool, size_t li, size_t c, size_t n)
{
    size_t size = HP_CLASS_SIZE(c);
    char *b = (char *)pool + pool->freeblock;
#if OB_CHECKED
    if (HP_UNLIKELY(!block_poison_intact(b, size))) {
        misuse(h, "ob_heap_alloc: free block %p (%u bytes) was written after it was freed "
                  "(use after free)", (void *)b, (unsigned)size);
        return NULL;
    }
#endif
    uint32_t next = hp_block_next(b);
    if (HP_LIKELY(next)) {
        pool->freeblock = (uint16_t)next;
    } else {
        size_t off = pool->nextoffset;
        if (HP_LIKELY(off <= OB_POOL_SIZE - size)) {
            /* carve the next never-used block */
            pool->freeblock = (uint16_t)off;
            pool->nextoffset = (uint16_t)(off + size);
            block_mark_free((char *)pool + off, 0, size);
        } else {
            pool_full(h, pool, li);
        }
    }
    pool->count++;
    hp_account(h, n, size);
#if OB_CHECKED
    *(uint32_t *)b = HP_POISON32;
#endif
    return b;
}

static void small_free(ob_heap *h, hp_pool *pool, char *p)
{
    size_t size = HP_POOL_BSIZE(pool);
    block_mark_free(p, pool->freeblock, size);
    if (pool->freeblock == 0)
        pool_relist(h, pool); /* was full */
    pool->freeblock = (uint16_t)(p - (char *)pool);
    hp_held_sub(h, size);
    if (--pool->count == 0)
        pool_empty(h, pool);
}

/* ---- pointer validation (checked builds) ---- */

#if OB_CHECKED
/* p lies in an arena: is it a live block? Reports misuse if not. */
static int small_valid(const ob_heap *h, const hp_arena *a, const hp_pool *pool, const char *p,
                       const char *op)
{
    size_t idx = (size_t)((const char *)pool - hp_arena_addr(h, a)) / OB_POOL_SIZE;
    if (idx >= a->ncarved || !HP_POOL_IN_USE(pool->state)) {
        misuse(h, "%s: %p lies in a free pool: double free or stale pointer", op, (const void *)p);
        return 0;
    }
    size_t size = HP_POOL_BSIZE(pool), off = (size_t)(p - (const char *)pool);
    if (off < HP_POOL_HDR || off >= pool->nextoffset || (off - HP_POOL_HDR) % size != 0) {
        misuse(h, "%s: %p is not the start of a block (interior pointer into %u-byte blocks)", op,
               (const void *)p, (unsigned)size);
        return 0;
    }
    if ((*(const uint32_t *)p >> 16) == HP_FREE_TAG && *(const uint32_t *)(p + 4) == HP_POISON32) {
        misuse(h, "%s: double free of %p (%u-byte block)", op, (const void *)p, (unsigned)size);
        return 0;
    }
    return 1;
}

/* p lies outside every arena: is it a live large object? */
static int large_valid(const ob_heap *h, const char *p, const char *op)
{
    int ok = ((uintptr_t)p & 7) == 0 && p - HP_EXT_HDR >= h->raw;
    const char *x = ok ? hp_large_ext(p) : p;
    const hp_ext *e = (const hp_ext *)x;
    ok = ok && x >= h->raw;
    ok = ok && (hp_large_is_walk(p) == ((e->size & HP_EXT_WALK) != 0));
    size_t size = ok ? (e->size & ~(size_t)7) : 0;
    ok = ok && size >= HP_EXT_MIN && size <= (size_t)(h->end - x);
    ok = ok && (x + size == h->end || hp_prev_size_(h, x + size) == size);
    ok = ok && (e->prev == 0 ? x == h->raw
                             : (e->prev <= (size_t)(x - h->raw) && hp_ext_size(h, x - e->prev) == e->prev));
    if (!ok) {
        misuse(h, "%s: %p is not the start of a block (interior or foreign pointer)", op,
               (const void *)p);
        return 0;
    }
    if (!(e->size & HP_EXT_USED) || (e->size & HP_EXT_QUICK)) {
        misuse(h, "%s: double free of %p (large object)", op, (const void *)p);
        return 0;
    }
    return 1;
}

static int outside(const ob_heap *h, const void *p, const char *op)
{
    if (ob_heap_contains(h, p))
        return 0;
    misuse(h, "%s: %p is outside the heap [%p, %p)", op, p, (void *)h->base, (void *)h->end);
    return 1;
}
#endif

/* ---- init ---- */

ob_heap *ob_heap_init(void *base, size_t size)
{
    if (!base)
        return NULL;
    uintptr_t b = HP_ROUND8((uintptr_t)base);
    uintptr_t e = (uintptr_t)base + size;
    if (e < (uintptr_t)base)
        e = UINTPTR_MAX;
    e &= ~(uintptr_t)7;
    if (e <= b + sizeof(ob_heap))
        return NULL;
    if (e - b > 0x80000000u) /* extent sizes are 32-bit */
        e = b + 0x80000000u;
    uintptr_t slot0 = b & ~(uintptr_t)(OB_ARENA_SIZE - 1);
    size_t nslots = (size_t)((e - slot0 + OB_ARENA_SIZE - 1) / OB_ARENA_SIZE);
    size_t hsize = HP_ROUND8(sizeof(ob_heap) + nslots * (sizeof(hp_arena) + 1)); /* + K1 */
    if (hsize + HP_EXT_MIN > e - b)
        return NULL;
    uintptr_t raw = b + hsize;
    /* At least one arena must fit, with valid leftovers on both sides. */
    uintptr_t w = (raw + OB_ARENA_SIZE - 1) & ~(uintptr_t)(OB_ARENA_SIZE - 1);
    if (w != raw && w - raw < HP_EXT_MIN)
        w += OB_ARENA_SIZE;
    if (w + OB_ARENA_SIZE > e || (e - w - OB_ARENA_SIZE != 0 && e - w - OB_ARENA_SIZE < HP_EXT_MIN))
        if (w + 2 * (uintptr_t)OB_ARENA_SIZE > e)
            return NULL;

    ob_heap *h = (ob_heap *)b;
    memset(h, 0, hsize);
    h->magic = HP_MAGIC;
    h->nslots = (uint32_t)nslots;
    h->base = (char *)b;
    h->raw = (char *)raw;
    h->end = (char *)e;
    h->slot0 = slot0;
    h->sbias = (uintptr_t)h->slots - slot0 / OB_ARENA_SIZE * sizeof(hp_arena);
    h->kbias = (uintptr_t)(h->slots + nslots) - slot0 / OB_ARENA_SIZE; /* K1: all 0 */
    h->max_large = (size_t)(e - raw) - HP_EXT_HDR;
    h->fast_classes = OB_SIZE_CLASSES;
    for (size_t i = 0; i < nslots; i++)
        h->slots[i].addr = (char *)(slot0 + i * (uintptr_t)OB_ARENA_SIZE); /* T1 */
    hp_raw_init(h);
    return h;
}

/* ---- the list of walkable large blocks (W2) ---- */

static inline uint32_t wl_off(const ob_heap *h, const char *p)
{
    return p ? (uint32_t)(p - h->base) : 0;
}

/* Links payload p in after `after` (NULL: at the head). */
void hp_wl_insert(ob_heap *h, char *p, char *after)
{
    char *next = after ? hp_wl_ptr(h, hp_wl(after)->next) : h->wlarge;
    hp_wl(p)->next = wl_off(h, next) | HP_EXT_WALK;
    hp_wl(p)->prev = wl_off(h, after);
    if (next)
        hp_wl(next)->prev = wl_off(h, p);
    if (after)
        hp_wl(after)->next = wl_off(h, p) | HP_EXT_WALK;
    else
        h->wlarge = p;
}

/* Unlinks payload p; open walks standing on it move to its successor. The
 * link words stay as they were (the tag keeps a stale pointer's header
 * findable, so a double free is reported as one). */
static void wl_unlink(ob_heap *h, char *p)
{
    char *next = hp_wl_ptr(h, hp_wl(p)->next), *prev = hp_wl_ptr(h, hp_wl(p)->prev);
    for (unsigned i = 0; i < OB_HEAP_WALKS; i++)
        if (h->walks[i] && h->walks[i]->large == p)
            h->walks[i]->large = next;
    if (prev)
        hp_wl(prev)->next = wl_off(h, next) | HP_EXT_WALK;
    else
        h->wlarge = next;
    if (next)
        hp_wl(next)->prev = wl_off(h, prev);
}

/* ---- allocation ---- */

static void *try_alloc(ob_heap *h, size_t n, int walk)
{
    if (n <= OB_SMALL_LIMIT) {
        size_t c = (n - 1) >> 3, li = HP_LIST(c, walk);
        hp_pool *pool = h->usedpools[li];
        if (pool)
            return pool_pop(h, pool, li, c, n);
        /* A spare arena would have been used; nothing else to give back. */
        return pool_new(h, c, walk, n);
    }
    return hp_large_alloc(h, n, walk);
}

static __attribute__((noinline)) void *alloc_slow(ob_heap *h, size_t n, int walk)
{
    if (n == 0) {
        hp_error(h, "ob_heap_alloc: size 0");
        return NULL;
    }
    if (n > OB_SMALL_LIMIT && n > h->max_large) {
        hp_error(h, "ob_heap_alloc: %lu bytes is more than this heap can ever serve (%lu at most)",
                 (unsigned long)n, (unsigned long)h->max_large);
        return NULL;
    }
    if (h->fail_armed) {
        if (h->fail_after) {
            h->fail_after--;
        } else {
            if (--h->fail_count == 0)
                h->fail_armed = 0;
            h->fast_classes = OB_SIZE_CLASSES;
            h->oom_count++;
            hp_error(h, "ob_heap_alloc: injected failure (%lu bytes)", (unsigned long)n);
            return NULL;
        }
    }
    void *p = try_alloc(h, n, walk);
    if (!p && h->oom_fn && !h->in_oom) {
        h->in_oom = 1;
        int freed = h->oom_fn(h, n, h->oom_ctx);
        h->in_oom = 0;
        if (freed)
            p = try_alloc(h, n, walk);
    }
    if (!p) {
        h->oom_count++;
        hp_error(h, "ob_heap_alloc: out of memory for %lu bytes (%lu bytes held)",
                 (unsigned long)n, (unsigned long)hp_held(h));
    }
    return p;
}

/* A large request takes its own short way in; failures and injected
 * failures (fast_classes is then 0) go to alloc_slow. */
static __attribute__((noinline)) void *alloc_other(ob_heap *h, size_t n, int walk)
{
    if (HP_LIKELY(n - (OB_SMALL_LIMIT + 1) <= h->max_large - (OB_SMALL_LIMIT + 1) &&
                  !h->fail_armed)) {
        void *b = hp_large_alloc(h, n, walk);
        if (HP_LIKELY(b != NULL))
            return b;
    }
    return alloc_slow(h, n, walk);
}

/* Class c has no pool with a free block: a fresh one, O(1). */
static __attribute__((noinline)) void *alloc_new_pool(ob_heap *h, size_t c, int walk, size_t n)
{
    void *b = pool_new(h, c, walk, n);
    if (HP_LIKELY(b != NULL))
        return b;
    return alloc_slow(h, n, walk);
}

/* The fast path: the head pool of the class gives the head of its free
 * list, or carves the next block when that was the last (P2), or fills up
 * and leaves the list. No call, no loop; the rest (a class without a pool,
 * large requests, failures) goes out of line. */
static inline __attribute__((always_inline)) void *alloc_fast(ob_heap *h, size_t n, int walk)
{
    size_t c = (n - 1) >> 3; /* n == 0 wraps to a huge class */
    if (HP_LIKELY(c < h->fast_classes)) {
        size_t li = HP_LIST(c, walk);
        hp_pool *pool = h->usedpools[li];
        if (HP_UNLIKELY(pool == NULL))
            return alloc_new_pool(h, c, walk, n);
#if OB_CHECKED
        return pool_pop(h, pool, li, c, n); /* NULL only after reporting misuse */
#else
        size_t size = HP_CLASS_SIZE(c);
        char *b = (char *)pool + pool->freeblock;
        uint32_t next = hp_block_next(b);
        if (next == 0) {
            /* carve the next never-used block, if there is one */
            next = pool->nextoffset;
            if (HP_LIKELY(next <= OB_POOL_SIZE - size)) {
                pool->nextoffset = (uint16_t)(next + size);
                *(uint32_t *)((char *)pool + next) = HP_FREE_TAG << 16; /* P4 */
            } else {
                /* that was the pool's last block: full, it leaves the list
                 * (P2, P3). Inline: with most pools full (many live blocks
                 * of one class), a free brings a pool back to the head and
                 * the next allocation fills it again, every time. */
                pool_unlist_head(h, pool, li);
                next = 0;
            }
        }
        pool->freeblock = (uint16_t)next;
        pool->count++;
        hp_account(h, n, size);
        return b;
#endif
    }
    return alloc_other(h, n, walk);
}

void *ob_heap_alloc(ob_heap *h, size_t n)
{
    return alloc_fast(h, n, 0);
}

void *ob_heap_alloc_walkable(ob_heap *h, size_t n)
{
    return alloc_fast(h, n, 1);
}

/* ---- free ---- */

static void large_free(ob_heap *h, char *p)
{
    char *x = hp_large_ext(p);
    hp_ext *e = (hp_ext *)x;
    uint32_t sw = e->size;
    size_t size = sw & ~(size_t)HP_EXT_FLAGS;
    size_t payload = size - HP_EXT_HDR - ((sw & HP_EXT_WALK) ? HP_WLINK : 0);
    if (sw & HP_EXT_WALK)
        wl_unlink(h, p);
#if OB_CHECKED
    memset(p, HP_POISON, payload);
#endif
    hp_held_sub(h, payload);
    /* Onto the quick list of its size, if it holds that size (or nothing)
     * and the cache has room (Q1); else back to the bins. */
#if OB_HEAP_QUICK_BYTES
    unsigned qi = hp_qidx(size);
    char *hd = h->quick[qi];
    if (h->qbytes + size <= HP_QUICK_MAX &&
        (!hd || (((hp_ext *)hd)->size & ~(uint32_t)HP_EXT_FLAGS) == size)) {
        e->size = sw | HP_EXT_QUICK;
        *(char **)(x + HP_QLINK) = hd;
        h->quick[qi] = x;
        h->qbytes += size;
        return;
    }
#endif
    hp_raw_free(h, x);
}

#if !OB_CHECKED
/* Release builds: the pool of a block just pushed on its free list had that
 * block as its last in use (the fast path of ob_heap_free found it): it
 * empties. The pool is not full (capacity >= 2), so it is on usedpools. */
static __attribute__((noinline, noclone, used)) void free_emptied(ob_heap *h, hp_pool *pool)
{
    pool->count = 0;
    hp_held_sub(h, HP_POOL_BSIZE(pool));
    pool_empty(h, pool);
}
#endif

/* A free that is not the fast one: a large block in release builds; every
 * free of a checked build. */
static __attribute__((noinline, noclone, used)) void free_more(ob_heap *h, void *p)
{
#if OB_CHECKED
    if (outside(h, p, "ob_heap_free"))
        return;
#endif
    hp_arena *a = hp_slot(h, p);
    if (HP_LIKELY(a->is_arena)) {
        hp_pool *pool = (hp_pool *)((uintptr_t)p & ~(uintptr_t)(OB_POOL_SIZE - 1));
#if OB_CHECKED
        if (!small_valid(h, a, pool, p, "ob_heap_free"))
            return;
#endif
        small_free(h, pool, p);
        return;
    }
#if OB_CHECKED
    if (!large_valid(h, p, "ob_heap_free"))
        return;
#endif
    large_free(h, p);
}

#if !OB_HEAP_FREE_ASM || OB_CHECKED /* checked builds always take the C */
void ob_heap_free(ob_heap *h, void *p)
{
    if (!p)
        return;
#if !OB_CHECKED
    /* The fast path: a small block onto the free list of its pool. No call,
     * no loop. */
    if (HP_LIKELY(*hp_kind(h, p))) {
        uint32_t off = (uint32_t)((uintptr_t)p & (OB_POOL_SIZE - 1));
        HP_OPAQUE(off); /* the pool as p - off, not a second mask */
        hp_pool *pool = (hp_pool *)((char *)p - off);
        uint32_t fb = pool->freeblock;
        if (HP_UNLIKELY(fb == 0)) {
            /* was full. Inline: with most pools full, a free and the
             * allocation after it move a pool on and off the list every
             * time. */
            pool_relist(h, pool);
        }
        hp_block_set_next(p, fb); /* P4 */
        pool->freeblock = (uint16_t)off;
        uint32_t cnt = pool->count - 1u;
        if (HP_UNLIKELY(cnt == 0)) {
            free_emptied(h, pool); /* it was the pool's last block */
            return;
        }
        pool->count = (uint16_t)cnt;
        hp_held_sub(h, HP_POOL_BSIZE(pool));
        return;
    }
#endif
    free_more(h, p);
}
#else
/* ob_heap_free in Thumb-2 (ARMv7-M, ARMv8-M Mainline), release builds: the
 * C above, step for step, in 20 instructions from entry to return for a
 * small block whose pool neither was full nor empties (GCC 12 makes 24 of
 * the C: it saves a register pair and copies two registers). Those four
 * are what bring a steady one-size free level with newlib-nano's (issue 3,
 * docs/benchmarks.md). The offsets are checked below; the symbols go
 * through the preprocessor, so a build that renames the heap's calls
 * (tests/heap/test_release.c, which runs this on the Thumb-2 boards)
 * renames them here too. */
#define HP_S_(x) #x
#define HP_S(x) HP_S_(x)
/* plain numbers for the assembler (no 'u', no ?:) */
#if OB_SIZE_CLASSES <= 8
#define HP_WALK_BASE_N 8
#elif OB_SIZE_CLASSES <= 16
#define HP_WALK_BASE_N 16
#elif OB_SIZE_CLASSES <= 32
#define HP_WALK_BASE_N 32
#else
#define HP_WALK_BASE_N 64
#endif
/* log2 of the arena and pool sizes (static_asserted below) */
#if OB_ARENA_SIZE == 512
#define HP_ARENA_SHIFT 9
#elif OB_ARENA_SIZE == 1024
#define HP_ARENA_SHIFT 10
#elif OB_ARENA_SIZE == 2048
#define HP_ARENA_SHIFT 11
#elif OB_ARENA_SIZE == 4096
#define HP_ARENA_SHIFT 12
#elif OB_ARENA_SIZE == 8192
#define HP_ARENA_SHIFT 13
#elif OB_ARENA_SIZE == 16384
#define HP_ARENA_SHIFT 14
#elif OB_ARENA_SIZE == 32768
#define HP_ARENA_SHIFT 15
#elif OB_ARENA_SIZE == 65536
#define HP_ARENA_SHIFT 16
#elif OB_ARENA_SIZE == 131072
#define HP_ARENA_SHIFT 17
#elif OB_ARENA_SIZE == 262144
#define HP_ARENA_SHIFT 18
#elif OB_ARENA_SIZE == 524288
#define HP_ARENA_SHIFT 19
#else
#define HP_ARENA_SHIFT 20
#endif
#if OB_POOL_SIZE == 256
#define HP_POOL_SHIFT 8
#elif OB_POOL_SIZE == 512
#define HP_POOL_SHIFT 9
#elif OB_POOL_SIZE == 1024
#define HP_POOL_SHIFT 10
#elif OB_POOL_SIZE == 2048
#define HP_POOL_SHIFT 11
#elif OB_POOL_SIZE == 4096
#define HP_POOL_SHIFT 12
#elif OB_POOL_SIZE == 8192
#define HP_POOL_SHIFT 13
#elif OB_POOL_SIZE == 16384
#define HP_POOL_SHIFT 14
#else
#define HP_POOL_SHIFT 15
#endif
#define HP_A_KBIAS 4 * (HP_WALK_BASE_N + OB_SIZE_CLASSES) + 4
#define HP_A_SLACK 4 * (HP_WALK_BASE_N + OB_SIZE_CLASSES) + 16
_Static_assert(HP_WALK_BASE_N == HP_WALK_BASE, "HP_WALK_BASE_N");
_Static_assert(!HP_HOT_FIRST && offsetof(ob_heap, usedpools) == 0, "usedpools at the handle's start");
_Static_assert(offsetof(ob_heap, kbias) == HP_A_KBIAS, "HP_A_KBIAS");
_Static_assert(offsetof(ob_heap, ctr.slack) == HP_A_SLACK, "HP_A_SLACK");
_Static_assert(offsetof(hp_pool, next) == 8 && offsetof(hp_pool, prev) == 12, "pool links");
_Static_assert(offsetof(hp_pool, szi) == 6 && offsetof(hp_pool, state) == 7, "szi, state");
_Static_assert(OB_ARENA_SIZE == 1 << HP_ARENA_SHIFT && OB_POOL_SIZE == 1 << HP_POOL_SHIFT,
               "shifts");
__asm__(
    "	.pushsection .text." HP_S(ob_heap_free) ", \"ax\", %progbits\n"
    "	.syntax unified\n"
    "	.thumb\n"
    "	.p2align 2\n"
    "	.global " HP_S(ob_heap_free) "\n"
    "	.type " HP_S(ob_heap_free) ", %function\n"
    "	.thumb_func\n"
    HP_S(ob_heap_free) ":\n"
    "	cbz	r1, 9f\n"
    "	ldr	r2, [r0, #" HP_S(HP_A_KBIAS) "]\n"
    "	lsrs	r3, r1, #" HP_S(HP_ARENA_SHIFT) "\n"
    "	ldrb	r2, [r2, r3]\n"                        /* *hp_kind(h, p) */
    "	cbz	r2, 8f\n"
    "	ubfx	ip, r1, #0, #" HP_S(HP_POOL_SHIFT) "\n" /* off */
    "	sub	r2, r1, ip\n"                          /* pool */
    "	ldrh	r3, [r2]\n"                            /* fb */
    "	cbz	r3, 5f\n"
    "1:	strh	r3, [r1]\n"                           /* P4 */
    "	strh	ip, [r2]\n"                           /* freeblock = off */
    "	ldrh	r1, [r2, #4]\n"
    "	subs	r1, r1, #1\n"
    "	beq	6f\n"
    "	strh	r1, [r2, #4]\n"                        /* count */
    "	ldrb	r3, [r2, #6]\n"                        /* szi */
    "	ldr	ip, [r0, #" HP_S(HP_A_SLACK) "]\n"
    "	add	ip, ip, r3, lsl #3\n"
    "	str	ip, [r0, #" HP_S(HP_A_SLACK) "]\n"    /* hp_held_sub */
    "9:	bx	lr\n"
    /* was full: pool_relist, then on with fb = 0 */
    "5:	ldrb	ip, [r2, #7]\n"
    "	ldrb	r3, [r2, #6]\n"
    "	and	ip, ip, #" HP_S(HP_WALK_BASE_N) "\n"
    "	add	r3, r3, ip\n"
    "	subs	r3, r3, #1\n"                          /* li = szi - 1 + (state & WALK) */
    "	add	ip, r0, r3, lsl #2\n"                 /* &usedpools[li] */
    "	ldr	r3, [ip]\n"                            /* hd */
    "	cbz	r3, 7f\n"
    "	ldr	ip, [r3, #8]\n"                        /* nx = hd->next */
    "	strd	ip, r3, [r2, #8]\n"                    /* pool->next = nx, ->prev = hd */
    "	str	r2, [r3, #8]\n"                        /* hd->next = pool */
    "	cmp	ip, #0\n"
    "	it	ne\n"
    "	strne	r2, [ip, #12]\n"                      /* nx->prev = pool */
    "	sub	ip, r1, r2\n"
    "	movs	r3, #0\n"
    "	b	1b\n"
    "7:	str	r2, [ip]\n"                           /* the only one: the head */
    "	strd	r3, r3, [r2, #8]\n"                    /* r3 = hd = 0 */
    "	sub	ip, r1, r2\n"
    "	b	1b\n"
    "6:	mov	r1, r2\n"
    "	b	free_emptied\n"
    "8:	b	free_more\n"
    "	.size " HP_S(ob_heap_free) ", . - " HP_S(ob_heap_free) "\n"
    "	.popsection\n");
#endif

/* ---- sizes, realloc ---- */

/* The usable size of live block p, or 0 after reporting misuse. */
static size_t block_size_(const ob_heap *h, const void *vp, const char *op)
{
    const char *p = vp;
#if OB_CHECKED
    if (outside(h, p, op))
        return 0;
#else
    (void)op;
#endif
    const hp_arena *a = hp_slot(h, p);
    if (a->is_arena) {
        const hp_pool *pool = (const hp_pool *)((uintptr_t)p & ~(uintptr_t)(OB_POOL_SIZE - 1));
#if OB_CHECKED
        if (!small_valid(h, a, pool, p, op))
            return 0;
#endif
        return HP_POOL_BSIZE(pool);
    }
#if OB_CHECKED
    if (!large_valid(h, p, op))
        return 0;
#endif
    return hp_ext_payload(hp_large_ext(p));
}

size_t ob_heap_block_size(const ob_heap *h, const void *p)
{
    return p ? block_size_(h, p, "ob_heap_block_size") : 0;
}

int ob_heap_contains(const ob_heap *h, const void *p)
{
    return (const char *)p >= h->base && (const char *)p < h->end;
}

void *ob_heap_realloc(ob_heap *h, void *p, size_t n)
{
    if (!p)
        return ob_heap_alloc(h, n);
    if (n == 0) {
        ob_heap_free(h, p);
        return NULL;
    }
    size_t old = block_size_(h, p, "ob_heap_realloc");
    if (old == 0)
        return NULL; /* misuse reported, nothing changed */
    int small = hp_slot(h, p)->is_arena, walk;
    if (small) {
        const hp_pool *pool = (const hp_pool *)((uintptr_t)p & ~(uintptr_t)(OB_POOL_SIZE - 1));
        walk = pool->state == HP_POOL_WALK;
        if (n <= old && n + 8 > old) {
            h->ctr.requested_total += n;
            h->ctr.held_total += old;
            return p; /* same class: keep the block */
        }
    } else {
        walk = hp_large_is_walk(p);
        if (n > OB_SMALL_LIMIT && n <= h->max_large) {
            size_t extra = walk ? HP_WLINK : 0;
            char *x = (char *)p - HP_EXT_HDR - extra;
            size_t need = HP_ROUND8(n) + HP_EXT_HDR + extra;
            int kept = 0;
            if (need <= old + HP_EXT_HDR + extra) {
                hp_raw_shrink(h, x, need);
                kept = 1;
            } else {
                kept = hp_raw_grow(h, x, need);
            }
            if (kept) {
                size_t now = hp_ext_payload(x);
                if (now >= old)
                    hp_held_add(h, now - old);
                else
                    hp_held_sub(h, old - now);
                h->ctr.requested_total += n;
                h->ctr.held_total += now;
                return p;
            }
        }
    }
    char *q = walk ? ob_heap_alloc_walkable(h, n) : ob_heap_alloc(h, n);
    if (!q)
        return NULL;
    memcpy(q, p, old < n ? old : n);
    if (walk && !small && n > OB_SMALL_LIMIT) {
        /* A large walkable block moves: the new one takes the old one's place
         * on the list, and open walks standing on the old one now stand on it. */
        wl_unlink(h, q);
        hp_wl_insert(h, q, (char *)p);
        for (unsigned i = 0; i < OB_HEAP_WALKS; i++)
            if (h->walks[i] && h->walks[i]->large == p)
                h->walks[i]->large = q;
    }
    ob_heap_free(h, p);
    return q;
}

/* ---- the heap walk ---- */

int ob_heap_walk_begin(ob_heap *h, ob_heap_walk *w)
{
    int slot = -1;
    for (int i = 0; i < OB_HEAP_WALKS; i++) {
        if (h->walks[i] == w) {
            slot = i; /* already open: starts over */
            break;
        }
        if (!h->walks[i] && slot < 0)
            slot = i;
    }
    if (slot < 0) {
        hp_error(h, "ob_heap_walk_begin: %d walks are open already", OB_HEAP_WALKS);
        return -1;
    }
    h->walks[slot] = w;
    w->pos = 0;
    w->large = NULL;
    w->phase = 0;
    w->open = 1;
    w->epochp = &h->walk_epoch;
    w->epoch = h->walk_epoch - 1u; /* nothing cached */
    return 0;
}

void ob_heap_walk_end(ob_heap *h, ob_heap_walk *w)
{
    for (int i = 0; i < OB_HEAP_WALKS; i++)
        if (h->walks[i] == w)
            h->walks[i] = NULL;
    w->open = 0;
    w->phase = 2;
    w->pos = 0;
    w->large = NULL;
}

/* The next walkable small block in use above w->pos, in address order.
 * Everything is computed from the address and the current headers: since
 * the last call the block at pos may have been freed, its pool emptied or
 * re-carved for another class or kind, its arena given back. The search
 * stops between two arena slots once *units reached `limit` (after one slot
 * at least): *cut is set, and the position is left just before the next
 * slot. */
static char *walk_small(const ob_heap *h, ob_heap_walk *w, uint32_t *units, uint32_t limit,
                        int *cut)
{
    uintptr_t pos = w->pos;
    size_t s = 0, pi = 0, from = 0; /* slot, pool in it, first offset to look at */
    if (pos) {
        uintptr_t rel = pos - h->slot0;
        s = rel / OB_ARENA_SIZE;
        pi = (rel % OB_ARENA_SIZE) / OB_POOL_SIZE;
        from = rel % OB_POOL_SIZE + 1;
    }
    const size_t s0 = s;
    *cut = 0;
    for (; s < h->nslots; s++, pi = 0, from = 0) {
        const hp_arena *a = &h->slots[s];
        if (*units >= limit && s > s0) {
            /* slot s's first byte: no block starts there (a pool's
             * header does), so the next search starts with slot s */
            w->pos = h->slot0 + s * (uintptr_t)OB_ARENA_SIZE;
            w->end = 0; /* nothing cached */
            *cut = 1;
            return NULL;
        }
        (*units)++;
        if (!a->is_arena)
            continue;
        char *base = (char *)(h->slot0 + s * (uintptr_t)OB_ARENA_SIZE);
        for (; pi < a->ncarved; pi++, from = 0) {
            char *pool = base + pi * OB_POOL_SIZE;
            const hp_pool *hp = (const hp_pool *)pool;
            (*units)++;
            if (hp->state != HP_POOL_WALK)
                continue;
            size_t size = HP_POOL_BSIZE(hp), off = HP_POOL_HDR;
            if (from > HP_POOL_HDR)
                off += (from - HP_POOL_HDR + size - 1) / size * size;
            for (size_t end = hp->nextoffset; off < end; off += size) {
                (*units)++;
                if (*(const uint32_t *)(pool + off) & 1u) {
                    /* cache the pool for the inline fast path (W5) */
                    w->pos = (uintptr_t)(pool + off);
                    w->end = (uintptr_t)(pool + end);
                    w->size = (uint16_t)size;
                    w->epoch = h->walk_epoch;
                    return pool + off;
                }
            }
        }
    }
    return NULL;
}

void *ob_heap_walk_next_(ob_heap *h, ob_heap_walk *w, uint32_t *work)
{
    uint32_t units = 0;
    char *r = NULL;
    int cut;
    if (!w->open)
        return NULL;
    if (w->phase == 0) {
        r = walk_small(h, w, &units, UINT32_MAX, &cut);
        if (!r) {
            w->phase = 1;
            w->pos = 0; /* no fast path in the large phase */
            w->large = h->wlarge;
        }
    }
    while (!r && w->phase == 1 && w->large) {
        char *p = w->large;
        units++;
        w->large = hp_wl_ptr(h, hp_wl(p)->next);
        if (*(const uint32_t *)p & 1u)
            r = p;
    }
    if (!r)
        ob_heap_walk_end(h, w);
    if (work)
        *work += units;
    return r;
}

int ob_heap_walk_span(ob_heap *h, ob_heap_walk *w, uintptr_t *lo, uintptr_t *hi, uint32_t *step,
                      uint32_t *work, uint32_t limit)
{
    if (!w->open)
        return 0;
    if (w->phase == 0) {
        uintptr_t b = w->pos;
        char *r = NULL;
        int cut = 0;
        if (b && w->epoch == h->walk_epoch && b + w->size < w->end)
            r = (char *)(b + w->size); /* the rest of the cached pool (W5) */
        else
            r = walk_small(h, w, work, limit, &cut);
        if (cut) { /* an empty run: the search goes on at the next call */
            *lo = *hi = w->pos;
            *step = 1;
            return 1;
        }
        if (r) {
            *lo = (uintptr_t)r;
            *hi = w->end;
            *step = w->size;
            w->pos = w->end - 1; /* past the pool: a caller stopping inside rewinds */
            return 1;
        }
        w->phase = 1;
        w->pos = 0;
        w->large = h->wlarge;
    }
    /* large blocks one at a time: the heap keeps w->large valid */
    void *r = ob_heap_walk_next_(h, w, work);
    if (!r)
        return 0;
    *lo = (uintptr_t)r;
    *hi = (uintptr_t)r + 1u;
    *step = 1;
    return 1;
}

const uint32_t *ob_heap_walk_epoch(const ob_heap *h)
{
    return &h->walk_epoch;
}

void ob_heap_walk_rewind(ob_heap_walk *w, void *last)
{
    w->phase = 0;
    w->pos = (uintptr_t)last;
    w->epoch = *w->epochp - 1u; /* recompute from the address */
}

/* ---- failure control ---- */

void ob_heap_oom_handler_set(ob_heap *h, ob_heap_oom_fn fn, void *ctx)
{
    h->oom_fn = fn;
    h->oom_ctx = ctx;
}

void ob_heap_fail_set(ob_heap *h, uint32_t after, uint32_t count)
{
    h->fail_after = after;
    h->fail_count = count;
    h->fail_armed = count > 0;
    h->fast_classes = h->fail_armed ? 0 : OB_SIZE_CLASSES;
}

const char *ob_heap_last_error(const ob_heap *h)
{
    return h->last_error ? h->last_error : "";
}

void ob_heap_trim(ob_heap *h)
{
    if (h->spare) {
        hp_arena *a = h->spare;
        h->spare = NULL;
        hp_fslot_give(h, a);
    }
    hp_quick_flush(h);
}
