/* heap_int.h - the heap's private layout, shared by runtime/heap*.c only.
 *
 * The managed range, low to high (see docs/memory.md for the pictures):
 *
 *   base                                                               end
 *   | ob_heap + arena table | extent | extent | ARENA | extent | ARENA |..|
 *                           ^raw
 *
 * Raw layer. [raw, end) is tiled by extents with no gaps. An extent is
 * either an ARENA (exactly OB_ARENA_SIZE bytes at an OB_ARENA_SIZE-aligned
 * address, marked in the arena table; it carries no header, so arenas may
 * sit side by side) or a headered extent: a large object in use or a free
 * extent. Headered extents start with hp_ext; free ones also carry the
 * links of their size bin (hp_free).
 * Invariants:
 *   R1 the extents tile [raw, end) exactly; each one's `prev` (or its arena
 *      table entry's prev_size) is the size of the extent just below it
 *      (0 for the first);
 *   R2 no two free extents are adjacent (freeing coalesces at once); a
 *      free extent may neighbour a free slot (F1: slots merge lazily);
 *   R3 every free extent is on exactly one bin list, bin floor(log2(size)),
 *      and bit k of binmask is set iff bin k is non-empty;
 *   R4 an extent is at least HP_EXT_MIN bytes and a multiple of 8.
 *
 * Free slots. Free memory is also kept, arena by arena, as FREE SLOTS: an
 * arena-aligned, OB_ARENA_SIZE-byte stretch with no header, marked in its
 * arena-table entry like an arena (so slots, arenas and extents tile the
 * range together, R1). Taking an arena from a free slot, and turning an
 * emptied arena into one, is O(1) with no bins and no coalescing; the
 * large-object path turns free slots back into free extents (coalescing
 * them) only when the bins cannot serve a request. ob_heap_init cuts every
 * aligned window of the range into a free slot.
 * Invariants:
 *   F1 a free slot's entry has fslot == 1, is_arena == 0, nfree == ncarved
 *      == 0, freepools NULL, and prev_size as R1; the free slots are exactly
 *      those on the deque h->fhead .. h->ftail, doubly linked through
 *      next/prev (arenas come off the head, the large path takes the tail;
 *      ob_heap_init lays them out highest address first, so arenas come
 *      from the top and large objects grow from the bottom).
 *   R5 with OB_HEAP_PRESLOT, no free extent holds an aligned arena window
 *      whose leftovers below and above are each empty or a valid extent:
 *      such windows are free slots (every free extent is re-slotted when it
 *      is made or grows), so an arena always comes from a free slot or the
 *      spare, never from the bins;
 *   T1 every arena-table entry's addr is its slot's address, slot0 +
 *      index * OB_ARENA_SIZE (set once; clearing an entry keeps it);
 *   K1 after the arena table, one kind byte per slot equals its entry's
 *      is_arena (hp_set_arena writes both): the free fast path tells a
 *      small block from a large one with a shift and a byte load.
 *
 * Quick lists. A freed large block is kept, unmerged, on one of
 * HP_QUICK lists (an exact-size cache, like dlmalloc's fast bins) while
 * the cached bytes stay within HP_QUICK_MAX; a large request of exactly
 * that extent size takes it back in O(1). To the bins (half-fit) a cached
 * extent is still in use, so half-fit's bound holds with its live bytes
 * plus HP_QUICK_MAX (docs/memory.md). The large path gives every cached
 * extent back (merging) before it fails, and so does ob_heap_trim.
 * Invariants:
 *   Q1 a cached extent has HP_EXT_USED and HP_EXT_QUICK in its size (and
 *      HP_EXT_WALK if it was a walkable block, its link words left as they
 *      were, off the walkable list); the cached extents are exactly those
 *      on the lists h->quick[i], singly linked through the pointer at
 *      offset HP_QLINK; every extent on list i has the same size s, with
 *      hp_qidx(s) == i; h->qbytes is their total size, <= HP_QUICK_MAX.
 *
 * Arenas. An arena is OB_POOLS_PER_ARENA pools; its descriptor lives in the
 * arena table (one entry per arena-aligned slot of the range, like
 * CPython's arena_object array), so every pool of an arena is alike.
 * Invariants:
 *   A1 nfree = pools on the arena's freepools list + pools never carved
 *      (pools [ncarved, OB_POOLS_PER_ARENA) are untouched memory);
 *   A2 arenas with 0 < nfree < OB_POOLS_PER_ARENA are on the usable list,
 *      sorted by nfree ascending (most used first, so allocation drains
 *      nearly-full arenas and nearly-empty ones can empty out);
 *      lasta[k] is the last arena on it with nfree == k (or NULL);
 *   A3 an arena with every pool free is the one spare (h->spare), off the
 *      usable list; any other wholly-free arena has become a free slot (F1);
 *      an arena with no free pool is on no list.
 *
 * Pools. A pool is OB_POOL_SIZE bytes at an OB_POOL_SIZE-aligned address: a
 * header, then blocks of one size class from offset HP_POOL_HDR.
 * Invariants:
 *   P1 a pool in use has 1 <= count <= capacity and state HP_POOL_USED;
 *      blocks at offsets below nextoffset have been carved: each is either
 *      in use or on the pool's free list; blocks above were never touched;
 *   P2 freeblock is 0 exactly when the pool is full; otherwise it is the
 *      offset of a free block (one is carved eagerly when the list empties);
 *   P3 the pools with a free block are exactly those on usedpools[cls]
 *      (doubly linked, so an emptied pool leaves in O(1));
 *   P4 the low half of a free block's first word is the offset of the next
 *      free block (0 ends the list); in checked builds the high half is
 *      HP_FREE_TAG and the rest of the block holds HP_POISON. (Release
 *      builds' free writes the low half only: one store, no tag.)
 *
 * Walkable blocks (ob_heap_alloc_walkable; what the heap walk enumerates).
 * Invariants:
 *   W1 a pool in use is of one kind for its whole life: state HP_POOL_USED
 *      (normal blocks) or HP_POOL_WALK (walkable blocks only). P3 holds per
 *      kind: a normal pool with a free block is on usedpools[cls] only, a
 *      walkable one on usedpools[HP_WALK_BASE + cls] only. (A free block's
 *      first word has bit 0 clear, P4, since offsets are multiples of 8; the
 *      caller keeps bit 0 of a walkable block in use set, so in a walkable
 *      pool a carved block is in use iff bit 0 of its first word is 1.)
 *   W2 a walkable large block is a used extent with HP_EXT_WALK set in its
 *      size; its header is followed by an hp_wlink, then the payload. The
 *      link word just below the payload (hp_wlink.next) always has
 *      HP_EXT_WALK set, where a normal large block has its size word (bit
 *      clear): so a payload pointer finds its header. The walkable large
 *      blocks are exactly those on the list from h->wlarge, doubly linked by
 *      payload offsets from h->base (0: none), with consistent back links;
 *   W3 free extents and normal large blocks have HP_EXT_WALK clear;
 *   W4 h->walks[] holds the open walks (each open, each at most once); a walk
 *      in the large phase points at a block on the list, or NULL.
 *   W5 an open walk whose epoch equals h->walk_epoch stands in a walkable
 *      pool that has not emptied since the walk cached it: [cur, end) are
 *      carved blocks of that pool (so the walk's inline fast path may step
 *      through them without looking at any header).
 */
#ifndef OB_HEAP_INT_H
#define OB_HEAP_INT_H

#include <stddef.h>
#include <stdint.h>

#include "ob_config.h"
#include "ob_fmt.h"
#include "ob_heap.h"
#include "ob_hooks.h"

/* Hides x's value from the optimizer (no instruction): stops GCC from
 * re-deriving an expression it thinks cheaper, where it is not. */
#if defined(__GNUC__)
#define HP_OPAQUE(x) __asm__("" : "+r"(x))
#else
#define HP_OPAQUE(x) ((void)0)
#endif

#define HP_ROUND8(n) (((n) + (size_t)7) & ~(size_t)7)

/* ---- raw layer ---- */
typedef struct hp_ext {
    uint32_t size; /* bytes including this header, a multiple of 8; bit 0: in use */
    uint32_t prev; /* size of the extent just below, 0 for the first */
} hp_ext;
#define HP_EXT_USED 1u
#define HP_EXT_WALK 2u /* a walkable large block (W2) */
#define HP_EXT_QUICK 4u /* a freed large block on a quick list (Q1) */
#define HP_EXT_FLAGS 7u
#define HP_EXT_HDR ((size_t)sizeof(hp_ext))

/* The links of a walkable large block, between its header and its payload:
 * payload offsets from h->base (multiples of 8; 0 is none). `next` also
 * carries HP_EXT_WALK (W2). */
typedef struct hp_wlink {
    uint32_t next; /* offset of the next walkable large block | HP_EXT_WALK */
    uint32_t prev; /* offset of the previous one */
} hp_wlink;
#define HP_WLINK ((size_t)sizeof(hp_wlink))
/* Where a cached extent (Q1) keeps its quick-list link: after the header
 * and the room of a walkable block's links, which stay as they were. */
#define HP_QLINK (HP_EXT_HDR + HP_WLINK)

typedef struct hp_free {
    hp_ext x;
    struct hp_free *next, *prev; /* bin list */
} hp_free;
#define HP_EXT_MIN HP_ROUND8(sizeof(hp_free))
#define HP_BINS 32
#define HP_QUICK (OB_HEAP_QUICK_BYTES ? 16 : 0) /* quick lists (none when turned off) */
#define HP_QUICK_MAX ((size_t)OB_HEAP_QUICK_BYTES)
/* The quick list of extent size s (a multiple of 8): a multiplicative
 * hash, so that sizes 2^k + 8 (and + 16) spread over the lists. */
static inline unsigned hp_qidx(size_t s)
{
    return (unsigned)(((uint32_t)(s >> 3) * 0x9E3779B1u) >> 28);
}
_Static_assert(HP_QUICK == 16 || HP_QUICK == 0, "hp_qidx gives 4 bits");

/* ---- pools and blocks ---- */
typedef struct hp_pool {
    uint16_t freeblock;  /* offset of the first free block; 0: pool full (P2) */
    uint16_t nextoffset; /* offset of the first block never carved */
    uint16_t count;      /* blocks in use */
    uint8_t szi;         /* blocks of szi * 8 bytes: size class szi - 1 (HP_POOL_CLS) */
    uint8_t state;       /* HP_POOL_USED, HP_POOL_WALK or HP_POOL_FREE */
    struct hp_pool *next, *prev; /* usedpools[list]; `next` also links freepools */
} hp_pool;
#define HP_POOL_HDR HP_ROUND8(sizeof(hp_pool))
/* usedpools: the normal lists at [0, OB_SIZE_CLASSES), the walkable ones
 * from HP_WALK_BASE, a power of two (entries between stay NULL). A pool in
 * use carries the same bit in its state, so its list is cls + (state &
 * HP_WALK_BASE): no branch when a full pool goes back on its list. */
#define HP_WALK_BASE                                                                               \
    (OB_SIZE_CLASSES <= 8 ? 8u : OB_SIZE_CLASSES <= 16 ? 16u : OB_SIZE_CLASSES <= 32 ? 32u : 64u)
#define HP_NLISTS (HP_WALK_BASE + OB_SIZE_CLASSES)
_Static_assert(OB_SIZE_CLASSES <= HP_WALK_BASE, "HP_WALK_BASE covers the classes");
#define HP_POOL_USED (0xA5u & ~HP_WALK_BASE) /* in use, normal blocks */
#define HP_POOL_WALK (HP_POOL_USED | HP_WALK_BASE) /* in use, walkable blocks (W1) */
#define HP_POOL_FREE 0x5Au
_Static_assert(HP_POOL_FREE != HP_POOL_USED && HP_POOL_FREE != HP_POOL_WALK,
               "the pool states differ");
#define HP_POOL_IN_USE(st) ((st) == HP_POOL_USED || (st) == HP_POOL_WALK)
/* The usedpools list of a pool: class c, walkable or not. */
#define HP_LIST(c, walk) ((walk) ? HP_WALK_BASE + (size_t)(c) : (size_t)(c))
/* The list of a pool in use, from its header. */
#define HP_POOL_LIST(pool) (HP_POOL_CLS(pool) + ((pool)->state & HP_WALK_BASE))
/* A pool's class and block size. The header keeps the size in 8-byte
 * units (the class plus one): a free adds it to the byte counters with one
 * shifted add. */
#define HP_POOL_CLS(pool) ((size_t)(pool)->szi - 1u)
#define HP_POOL_BSIZE(pool) ((size_t)(pool)->szi * 8u)
#define HP_FREE_TAG 0xF500u /* 0xF5000000: one ORR immediate on Thumb-2 */
#define HP_POISON 0xDBu
#define HP_POISON32 0xDBDBDBDBu

/* The next-offset of free block b (the low half of its first word, P4). */
typedef uint16_t __attribute__((may_alias)) hp_half;
static inline uint32_t hp_block_next(const char *b)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return *(const hp_half *)b;
#else
    return *(const uint32_t *)b & 0xFFFFu;
#endif
}
/* Release builds' free: block b's next-offset, the low half of its first
 * word, and nothing else (P4: the tag is checked builds' only). */
static inline void hp_block_set_next(char *b, uint32_t next)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    *(hp_half *)b = (uint16_t)next;
#else
    *(uint32_t *)b = HP_FREE_TAG << 16 | next;
#endif
}

#define HP_CLASS_SIZE(c) ((size_t)((c) + 1u) * 8u)
#define HP_CAPACITY(c) ((OB_POOL_SIZE - HP_POOL_HDR) / HP_CLASS_SIZE(c))

/* One entry per arena-aligned slot of the range. */
typedef struct hp_arena {
    uint8_t is_arena; /* 1: this slot is an arena of the raw layer */
    uint8_t nfree;    /* free pools (A1) */
    uint8_t ncarved;  /* pools carved so far */
    uint8_t fslot;    /* 1: this slot is a free slot (F1) */
    uint32_t prev_size; /* raw layer: size of the extent just below (R1) */
    hp_pool *freepools; /* pools returned to the arena, singly linked */
    struct hp_arena *next, *prev; /* the usable list (A2), or the free slots (F1) */
    char *addr;         /* the slot's address, set once by ob_heap_init (T1) */
} hp_arena;

#define HP_MAGIC 0x0B0B4EA9u

typedef struct hp_ctr {
    ptrdiff_t slack;        /* peak - bytes held (>= 0) */
    size_t requested_total; /* cumulative, modulo 2^(8*sizeof(size_t)) */
    size_t held_total;
} hp_ctr;

/* The fields every allocation and free touches. Thumb-1 (Cortex-M0) loads
 * and stores reach only 124 bytes from a base register with an immediate
 * offset, so there they come first, ahead of usedpools (one add for a
 * class's list, against a constant load for each counter); elsewhere the
 * class lists come first, one load from the handle, and the counters are in
 * reach anyway. */
#define HP_HOT_FIELDS                                                                              \
    /* the entry of address p is at sbias + (p / OB_ARENA_SIZE) * sizeof(hp_arena): \
     * (uintptr_t)slots - (slot0 / OB_ARENA_SIZE) * sizeof(hp_arena) */                           \
    uintptr_t sbias;                                                                               \
    /* the kind byte of address p (K1) is at kbias + p / OB_ARENA_SIZE */                         \
    uintptr_t kbias;                                                                               \
    size_t fast_classes; /* OB_SIZE_CLASSES; 0 while failures are injected (slow path) */         \
    /* Bytes in live blocks: held = peak - slack (hp_held), so one counter                         \
     * serves held and peak on the fast paths (slack >= 0). */                                     \
    size_t peak;                                                                                   \
    hp_ctr ctr; /* updated together: one load and one store on ARM */
#if defined(__arm__) && defined(__ARM_ARCH_ISA_THUMB) && __ARM_ARCH_ISA_THUMB == 1
#define HP_HOT_FIRST 1
#else
#define HP_HOT_FIRST 0
#endif

struct ob_heap {
#if HP_HOT_FIRST
    HP_HOT_FIELDS
#endif
    hp_pool *usedpools[HP_NLISTS]; /* normal, then walkable (W1, HP_WALK_BASE) */
#if !HP_HOT_FIRST
    HP_HOT_FIELDS
#endif
    uint32_t magic;
    uint32_t nslots;
    char *base;       /* start of the managed range (the handle is here) */
    char *raw;        /* first extent */
    char *end;        /* end of the range */
    uintptr_t slot0;  /* arena-aligned address of slot 0 (<= base) */
    size_t max_large; /* the largest request the range could ever serve */
    hp_arena *usable;        /* the usable arenas (A2) */
    hp_arena *spare;         /* A3 */
    hp_arena *fhead, *ftail; /* the free slots (F1) */
    hp_arena *lasta[OB_POOLS_PER_ARENA + 1];
    hp_free *bins[HP_BINS];
    uint32_t binmask;
    char *quick[HP_QUICK ? HP_QUICK : 1]; /* cached large extents (Q1) */
    size_t qbytes;
#define HP_NQUICK (sizeof ((ob_heap *)0)->quick / sizeof(char *)) /* entries, >= 1 (NULL if off) */
    char *wlarge;                       /* first walkable large block (W2) */
    ob_heap_walk *walks[OB_HEAP_WALKS]; /* the open walks (W4) */
    uint32_t walk_epoch; /* bumped when a pool empties (W5) */

    /* statistics (peak and ctr above) */
    uint32_t oom_count;

    /* failures: injection and the out-of-memory handler */
    uint32_t fail_after, fail_count;
    ob_heap_oom_fn oom_fn;
    void *oom_ctx;
    uint8_t fail_armed, in_oom;
    const char *last_error;
    char msg[112];

    hp_arena slots[]; /* nslots entries, then nslots kind bytes (K1) */
};

/* ---- helpers shared by the heap files ---- */
static inline size_t hp_held(const ob_heap *h)
{
    return h->peak - (size_t)h->ctr.slack;
}
/* s more bytes held: peak rises when held passes it. */
static inline void hp_held_add(ob_heap *h, size_t s)
{
    ptrdiff_t v = h->ctr.slack - (ptrdiff_t)s;
    if (v < 0) {
        h->peak -= (size_t)v;
        v = 0;
    }
    h->ctr.slack = v;
}
/* An allocation of s bytes for a request of n. */
static inline void hp_account(ob_heap *h, size_t n, size_t s)
{
    ptrdiff_t sl = h->ctr.slack - (ptrdiff_t)s;
    size_t rq = h->ctr.requested_total + n, ht = h->ctr.held_total + s;
    if (__builtin_expect(sl < 0, 0)) {
        h->peak -= (size_t)sl;
        sl = 0;
    }
    h->ctr.slack = sl;
    h->ctr.requested_total = rq;
    h->ctr.held_total = ht;
}
static inline void hp_held_sub(ob_heap *h, size_t s)
{
    h->ctr.slack += (ptrdiff_t)s;
}
static inline hp_arena *hp_slot(const ob_heap *h, const void *p)
{
    return (hp_arena *)(h->sbias + (uintptr_t)p / OB_ARENA_SIZE * sizeof(hp_arena));
}
/* The kind byte of the slot of address p (K1): 1 when it is an arena, so
 * the free of p is a small block's. One load and a shift from p, where the
 * entry itself takes a multiply by its size. */
static inline uint8_t *hp_kind(const ob_heap *h, const void *p)
{
    return (uint8_t *)(h->kbias + (uintptr_t)p / OB_ARENA_SIZE);
}
/* Slot a becomes an arena (1) or stops being one (0): its entry and its
 * kind byte (K1). */
static inline void hp_set_arena(ob_heap *h, hp_arena *a, int v)
{
    a->is_arena = (uint8_t)v;
    *hp_kind(h, a->addr) = (uint8_t)v;
}
static inline char *hp_arena_addr(const ob_heap *h, const hp_arena *a)
{
    (void)h;
    return a->addr; /* slot0 + (a - slots) * OB_ARENA_SIZE without a multiply (T1) */
}
/* True when an arena starts exactly at x (x inside [raw, end)). */
static inline int hp_is_arena_at(const ob_heap *h, const char *x)
{
    return ((uintptr_t)x & (OB_ARENA_SIZE - 1)) == 0 && x < h->end && hp_slot(h, x)->is_arena;
}
/* True when an arena or a free slot (no header, OB_ARENA_SIZE bytes, its
 * prev_size in the table) starts exactly at x. */
static inline int hp_is_slot_at(const ob_heap *h, const char *x)
{
    if (((uintptr_t)x & (OB_ARENA_SIZE - 1)) != 0 || x >= h->end)
        return 0;
    const hp_arena *a = hp_slot(h, x);
    return (a->is_arena | a->fslot) != 0;
}
/* True when a free extent (in the bins) starts at x; x < end or x == end. */
static inline int hp_free_at(const ob_heap *h, const char *x)
{
    if (x >= h->end)
        return 0;
    if (((uintptr_t)x & (OB_ARENA_SIZE - 1)) == 0) {
        const hp_arena *a = hp_slot(h, x);
        if (a->is_arena | a->fslot)
            return 0;
    }
    return !(((const hp_ext *)x)->size & HP_EXT_USED);
}
/* Large blocks: the extent of payload p, and its usable bytes (W2). */
static inline int hp_large_is_walk(const char *p)
{
    return (*(const uint32_t *)(p - HP_EXT_HDR) & HP_EXT_WALK) != 0;
}
static inline char *hp_large_ext(const char *p)
{
    return (char *)p - HP_EXT_HDR - (hp_large_is_walk(p) ? HP_WLINK : 0);
}
static inline size_t hp_ext_payload(const char *x)
{
    uint32_t s = ((const hp_ext *)x)->size;
    return (s & ~(size_t)7) - HP_EXT_HDR - ((s & HP_EXT_WALK) ? HP_WLINK : 0);
}
static inline hp_wlink *hp_wl(const char *p)
{
    return (hp_wlink *)(p - HP_WLINK);
}
static inline char *hp_wl_ptr(const ob_heap *h, uint32_t off)
{
    off &= ~(uint32_t)7;
    return off ? h->base + off : NULL;
}
#if defined(__arm__) && !defined(__ARM_FEATURE_CLZ)
/* ARMv6-M (Cortex-M0) has no CLZ: GCC would call libgcc's __clzsi2 (a
 * loop). Three compares and a 2-bit-per-entry table of log2 0..15 in one
 * word: about 15 instructions. v > 0. */
static inline unsigned hp_floor_log2(size_t v)
{
    uint32_t x = (uint32_t)v;
    unsigned r = 0;
    if (x >> 16) {
        x >>= 16;
        r = 16;
    }
    if (x >> 8) {
        x >>= 8;
        r += 8;
    }
    if (x >> 4) {
        x >>= 4;
        r += 4;
    }
    return r + ((0xFFFFAA50u >> (2 * x)) & 3u);
}
/* The index of the lowest set bit of m (m != 0). */
static inline unsigned hp_ctz(uint32_t m)
{
    return hp_floor_log2(m & (0u - m));
}
#else
static inline unsigned hp_floor_log2(size_t v)
{
    return 31u - (unsigned)__builtin_clz((unsigned)v);
}
static inline unsigned hp_ctz(uint32_t m)
{
    return (unsigned)__builtin_ctz(m);
}
#endif

/* ---- free slots (F1), O(1) both ways ---- */

/* The head free slot becomes a fresh arena (every pool free, none carved);
 * NULL if there is none. The caller links it (next/prev). */
static inline hp_arena *hp_fslot_take(ob_heap *h)
{
    hp_arena *a = h->fhead;
    if (a) {
        hp_arena *n = a->next;
        h->fhead = n;
        if (n)
            n->prev = NULL;
        else
            h->ftail = NULL;
        hp_set_arena(h, a, 1);
        a->nfree = OB_POOLS_PER_ARENA;
        a->ncarved = 0;
        a->fslot = 0;
    }
    return a;
}

/* Wholly free arena a becomes the head free slot. */
static inline void hp_fslot_give(ob_heap *h, hp_arena *a)
{
    hp_arena *n = h->fhead;
    hp_set_arena(h, a, 0);
    a->nfree = 0;
    a->ncarved = 0;
    a->fslot = 1;
    a->freepools = NULL;
    a->prev = NULL;
    a->next = n;
    if (n)
        n->prev = a;
    else
        h->ftail = a;
    h->fhead = a;
}

/* heap_raw.c */
void hp_raw_init(ob_heap *h);
void *hp_large_alloc(ob_heap *h, size_t n, int walk); /* a large block, counted, or NULL */
char *hp_raw_alloc(ob_heap *h, size_t need);        /* a used extent of >= need bytes (the rest) */
void hp_raw_free(ob_heap *h, char *x);              /* x: a used headered extent */
int hp_raw_grow(ob_heap *h, char *x, size_t need);   /* in place; 1 on success */
void hp_raw_shrink(ob_heap *h, char *x, size_t need);
hp_arena *hp_arena_get(ob_heap *h);
void hp_quick_flush(ob_heap *h);                    /* every cached extent -> bins (Q1) */
size_t hp_ext_size(const ob_heap *h, const char *x);
int hp_ext_is_free(const ob_heap *h, const char *x);
size_t hp_prev_size_(const ob_heap *h, const char *x); /* recorded size below x */

/* heap.c */
void hp_wl_insert(ob_heap *h, char *p, char *after);
void hp_error(ob_heap *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif /* OB_HEAP_INT_H */
