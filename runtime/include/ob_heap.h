/* ob_heap.h - the memory stack's lower layers: a static range of RAM carved
 * into arenas, arenas into pools, pools into fixed-size blocks (CPython's
 * pymalloc scheme), with a large-object path for what no block fits.
 *
 * Everything above (objects, collector) allocates through this; nothing in
 * Obol calls malloc. Several independent heaps may exist at once (one per
 * test, or one per subsystem of a firmware): each is described by a handle
 * that lives inside the range it manages.
 *
 * Contracts common to every call:
 * - Not ISR-safe; one context at a time (see ob_hooks.h lock hooks).
 * - Never recursive, never calls malloc.
 * - Misuse (double free, a pointer outside the heap, a pointer inside it that
 *   is not a block start, use after free) is detected in checked builds
 *   (OB_CHECKED=1) and reported through the panic hook; if the hook returns,
 *   the call does nothing. Release builds do not check.
 */
#ifndef OB_HEAP_H
#define OB_HEAP_H

#include <stddef.h>
#include <stdint.h>

#include "ob_config.h"
#include "ob_fmt.h"

typedef struct ob_heap ob_heap;

/* Takes over [base, base + size). The range is trimmed inward to 8-byte
 * alignment (arenas are then placed at OB_ARENA_SIZE-aligned addresses
 * inside it; a range aligned to the arena size, as the linker heap is, loses
 * nothing); the handle and its arena table (about 20 bytes per arena-sized
 * slot) are placed at its start. Returns NULL (and touches nothing) when the
 * range cannot hold the handle and at least one arena. O(number of slots). */
ob_heap *ob_heap_init(void *base, size_t size);

/* A block of at least n bytes, aligned to 8, or NULL when n is 0, when n is
 * larger than the heap could ever serve, or when memory is exhausted (after
 * the out-of-memory handler, if any, had its one chance). The heap is
 * unchanged on NULL. Small sizes (<= OB_SMALL_LIMIT): O(1). Large sizes:
 * bounded by the number of free extents (see docs/memory.md). */
void *ob_heap_alloc(ob_heap *h, size_t n) __attribute__((warn_unused_result));

/* Returns p's block. NULL is a no-op. Small blocks: O(1). */
void ob_heap_free(ob_heap *h, void *p);

/* Resizes p to n bytes, keeping the contents up to the smaller size. Keeps
 * the block when n fits its size class. p == NULL acts as alloc; n == 0
 * frees p and returns NULL. On failure returns NULL and p is untouched. */
void *ob_heap_realloc(ob_heap *h, void *p, size_t n) __attribute__((warn_unused_result));

/* Bytes usable in p's block (the request rounded up to its size class, or
 * the large extent's payload): what getsizeof reports. O(1). */
size_t ob_heap_block_size(const ob_heap *h, const void *p);

/* True when p lies inside this heap's managed range (not necessarily a live
 * block). O(1), a range check. */
int ob_heap_contains(const ob_heap *h, const void *p);

/* Called once when an allocation is about to fail; when it returns non-zero
 * (it freed something), the allocation is retried once. Not re-entered: an
 * allocation made by the handler itself that fails simply fails. */
typedef int (*ob_heap_oom_fn)(ob_heap *h, size_t request, void *ctx);
void ob_heap_oom_handler_set(ob_heap *h, ob_heap_oom_fn fn, void *ctx);

/* Fault injection for tests (SQLite-style): after `after` more successful
 * allocations, the next `count` allocations fail (count 0: never fail). */
void ob_heap_fail_set(ob_heap *h, uint32_t after, uint32_t count);

/* ---- diagnostics ------------------------------------------------------ */

/* Per size class (block_size = 8 * (index + 1)). */
typedef struct ob_heap_class_stats {
    uint32_t block_size;
    uint32_t pools;       /* pools serving this class */
    uint32_t blocks_used; /* live blocks */
    uint32_t blocks_free; /* free blocks in those pools, carved or not */
} ob_heap_class_stats;

typedef struct ob_heap_stats {
    size_t capacity;        /* bytes arenas and large objects can use (range minus handle) */
    size_t overhead;        /* bytes of the handle and its arena table */
    uint32_t arenas_used;   /* arenas holding at least one pool in use */
    uint32_t arenas_free;   /* empty arenas kept (the spare: 0 or 1) */
    uint32_t arenas_total;  /* arenas taken from the raw layer (used + free) */
    uint32_t pools_used;    /* pools serving a size class */
    uint32_t pools_free;    /* free pools inside taken arenas */
    uint32_t large_count;   /* live large objects */
    size_t large_bytes;     /* their usable bytes */
    size_t bytes_held;      /* usable bytes of all live blocks (small + large) */
    size_t bytes_peak;      /* highest bytes_held so far */
    size_t requested_total; /* bytes asked for by all successful allocations (wraps) */
    size_t held_total;      /* bytes they were given (wraps): held/requested = rounding */
    size_t free_bytes;      /* bytes in free extents of the raw layer */
    uint32_t free_extents;  /* how many */
    size_t largest_free;    /* the largest request that would succeed now */
    uint32_t oom_count;     /* allocations that returned NULL for want of memory */
    ob_heap_class_stats classes[OB_SIZE_CLASSES];
} ob_heap_stats;

/* Fills *out. Walks every arena, pool and free extent: O(heap size /
 * OB_POOL_SIZE + free extents). Not for hot paths. */
void ob_heap_stats_get(const ob_heap *h, ob_heap_stats *out);

/* The whole-heap invariant checker: walks every extent, arena, pool, free
 * list and bin (invariants R1-R4, A1-A3, P1-P4 in runtime/heap_int.h) and
 * recounts the statistics. Returns NULL when all hold, else a message naming
 * the first broken invariant. Never writes, never recurses, and every walk is
 * bounded, so corrupted links cannot make it loop. O(heap size / 8). */
const char *ob_heap_check(const ob_heap *h);

/* A cheap self-check (o1heap's "invariants hold"): the handle, list heads,
 * bin mask and counters are consistent. O(size classes + bins). 1: holds. */
int ob_heap_invariants_hold(const ob_heap *h);

/* Writes a readable summary (figures, one line per active size class) to
 * sink; returns the characters written. ob_heap_print() sends it through the
 * write hook (ob_hooks.h). Same cost as ob_heap_stats_get. */
size_t ob_heap_summary(const ob_heap *h, ob_fmt_sink sink, void *ctx);
void ob_heap_print(const ob_heap *h);

/* The message of the last failed call on h (NULL return or misuse), or "". */
const char *ob_heap_last_error(const ob_heap *h);

/* Gives the spare empty arena (kept against thrashing) back to the raw
 * layer. Allocation does this by itself before failing. O(1). */
void ob_heap_trim(ob_heap *h);


/* ---- walkable blocks (what the cycle collector enumerates) ------------
 * A walkable block comes from pools (or, above OB_SMALL_LIMIT, large
 * extents) that hold walkable blocks only, so the heap can enumerate every
 * one of them in use without knowing what they hold. The contract with the
 * caller: while a walkable block is in use, bit 0 of its first 32-bit word
 * is 1 (the heap's free-block mark always has it 0). Free, realloc and
 * block_size work on them as on any block; realloc keeps a block walkable.
 * Cost as ob_heap_alloc (a walkable large block carries 8 more bytes of
 * header: the links of the list the walk follows). */
void *ob_heap_alloc_walkable(ob_heap *h, size_t n) __attribute__((warn_unused_result));

/* A walk over every walkable block in use: small blocks in address order,
 * then large ones. The walk may be held open across any heap calls (the
 * collector holds one between its steps): blocks freed meanwhile are not
 * returned, blocks allocated meanwhile may or may not be. A registered walk
 * is kept valid by the heap when the block it stands on is freed; at most
 * OB_HEAP_WALKS walks are open at once. Every block in use for the whole
 * walk is returned exactly once, except one that realloc moves meanwhile
 * (a large block moved to a large block keeps its place; any other move
 * may be missed or returned twice). The heap keeps a pointer to w until the
 * walk ends or is ended: w must outlive it. */
#define OB_HEAP_WALKS 2
typedef struct ob_heap_walk {
    uintptr_t pos;  /* small phase: the last block returned; else 0 */
    void *large;    /* large phase: the next large block to return */
    uint8_t phase;  /* 0 small, 1 large, 2 done */
    uint8_t open;
    /* The pool the walk stands in, cached for the inline fast path: the
     * blocks after pos up to end, size bytes apart, valid while *epochp
     * still equals epoch (no pool emptied since). */
    uint16_t size;
    uint32_t epoch;
    const uint32_t *epochp;
    uintptr_t end;
} ob_heap_walk;

/* Opens w at the start (registers it). 0, or -1 when OB_HEAP_WALKS walks
 * are already open. */
int ob_heap_walk_begin(ob_heap *h, ob_heap_walk *w);
/* The next walkable block in use (its start, as ob_heap_alloc_walkable
 * returned it), or NULL at the end (the walk is then closed). *work, when
 * not NULL, is increased by the units spent: one per block looked at, pool
 * or arena slot skipped, so a caller can bound a step. Inline: within a
 * pool a step costs a few instructions (a load and a bit test per block);
 * the next pool, and any pool that emptied meanwhile, go through
 * ob_heap_walk_next_(). */
void *ob_heap_walk_next_(ob_heap *h, ob_heap_walk *w, uint32_t *work);
static inline void *ob_heap_walk_next(ob_heap *h, ob_heap_walk *w, uint32_t *work)
{
    uintptr_t b = w->pos;
    if (b && *w->epochp == w->epoch) { /* pos is 0 outside the small phase */
        uintptr_t end = w->end, size = w->size;
        uint32_t n = 0;
        while ((b += size) < end) {
            n++;
            if (*(const uint32_t *)b & 1u) {
                w->pos = b;
                if (work)
                    *work += n;
                return (void *)b;
            }
        }
        if (work)
            *work += n;
        w->pos = end - 1; /* past the pool's blocks: the slow path goes on */
    }
    return ob_heap_walk_next_(h, w, work);
}

/* The next run of blocks from w's position: the first at *lo, then one
 * every *step bytes below *hi, each in use or free (bit 0 of its first
 * word: 1 in use), for the caller to go through in a loop of its own - the
 * carved blocks of one small pool after the position, or one large block
 * in use. The walk moves past the whole run; a caller that stops inside it
 * calls ob_heap_walk_rewind(w, the last block it dealt with). While it goes
 * through the run, the run stays valid as long as the walk epoch does not
 * change (a block freed meanwhile reads as free; one allocated again is
 * whatever it now holds). *work += blocks, pools and arena slots passed to
 * find the run; once *work has reached `limit`, the search stops at the
 * next arena slot and returns an empty run (*lo == *hi) that a later call
 * goes on from (a caller with a budget is never held up by a heap of empty
 * slots). Returns 0 at the end of the walk. */
int ob_heap_walk_span(ob_heap *h, ob_heap_walk *w, uintptr_t *lo, uintptr_t *hi, uint32_t *step,
                      uint32_t *work, uint32_t limit);
/* The heap's walk epoch, bumped whenever a pool empties: a span taken at
 * one epoch is wholly valid (but for blocks freed or made since) while it
 * lasts. */
const uint32_t *ob_heap_walk_epoch(const ob_heap *h);
/* Puts an open walk back just after `last`, a small block it returned (or
 * one of a span's blocks). */
void ob_heap_walk_rewind(ob_heap_walk *w, void *last);
/* Closes w before its end. No-op on a closed walk. */
void ob_heap_walk_end(ob_heap *h, ob_heap_walk *w);

#endif /* OB_HEAP_H */
