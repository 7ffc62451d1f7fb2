/* heap_check.c - the heap's whole-heap checker, its cheap self-check, its
 * statistics and its printable summary. Nothing here writes to the heap.
 *
 * The checker walks the raw layer's extents from bottom to top (R1, R2, R4),
 * every arena's pools and every pool's free list (A1, P1, P2, P4) and every
 * free slot's entry, then the bins (R3), the free-slot deque (F1),
 * usedpools (P3, W1), the usable arena list (A2, A3), the list of
 * walkable large blocks and the open walks (W2-W4), and recounts what the
 * counters claim. Every walk has a bound derived from the heap's
 * size, so corrupted links give a message, not a hang.
 */
#include <string.h>

#include "heap_int.h"

typedef struct check_acc {
    size_t held;
    uint32_t nonfull[HP_NLISTS]; /* pools with a free block, per usedpools list */
    uint32_t wlarge;                       /* walkable large blocks */
    uint32_t usable;                   /* arenas that belong on the usable list */
    uint32_t empty;                    /* arenas with every pool free */
    uint32_t pools;                    /* pools in use */
    size_t qn, qbytes;                 /* cached extents (Q1) */
} check_acc;

static const char *check_pool(const hp_pool *pool, check_acc *acc)
{
    if (pool->szi == 0 || pool->szi > OB_SIZE_CLASSES)
        return "P1: a pool in use has a size class out of range";
    size_t size = HP_POOL_BSIZE(pool);
    size_t next = pool->nextoffset;
    if (next < HP_POOL_HDR + size || next > OB_POOL_SIZE || (next - HP_POOL_HDR) % size != 0)
        return "P1: a pool's nextoffset is not a block boundary inside the pool";
    size_t carved = (next - HP_POOL_HDR) / size;
    if (pool->count == 0 || pool->count > carved)
        return "P1: a pool in use counts 0 blocks, or more than it carved";
    size_t nf = 0;
    for (size_t off = pool->freeblock; off != 0;) {
        if (++nf > carved)
            return "P4: a pool's free list is longer than its carved blocks (a cycle?)";
        if (off < HP_POOL_HDR || off >= next || (off - HP_POOL_HDR) % size != 0)
            return "P4: a free-list link is not a carved block of its pool";
        const char *b = (const char *)pool + off;
#if OB_CHECKED
        if ((*(const uint32_t *)b >> 16) != HP_FREE_TAG)
            return "P4: a free block lost its tag (written after free?)";
        if (*(const uint32_t *)(b + 4) != HP_POISON32)
            return "P4: a free block's poison was overwritten (use after free)";
#endif
        off = hp_block_next(b);
    }
    if (pool->count + nf != carved)
        return "P1: blocks in use plus free blocks differ from the blocks carved";
    if (pool->freeblock == 0 && next + size <= OB_POOL_SIZE)
        return "P2: a pool is marked full but could still carve a block";
    if (pool->freeblock != 0)
        acc->nonfull[HP_POOL_LIST(pool)]++;
    acc->held += (size_t)pool->count * size;
    acc->pools++;
    return NULL;
}

static const char *check_arena(const hp_arena *a, const char *base, check_acc *acc)
{
    if (a->nfree > OB_POOLS_PER_ARENA || a->ncarved > OB_POOLS_PER_ARENA)
        return "A1: an arena's pool counts are out of range";
    unsigned listed = 0;
    for (const hp_pool *p = a->freepools; p; p = p->next) {
        if (++listed > a->ncarved)
            return "A1: an arena's free-pool list is longer than its carved pools (a cycle?)";
        size_t off = (size_t)((const char *)p - base);
        if ((const char *)p < base || off % OB_POOL_SIZE != 0 || off / OB_POOL_SIZE >= a->ncarved)
            return "A1: an arena's free-pool list holds a pool it did not carve";
        if (p->state != HP_POOL_FREE)
            return "A1: an arena's free-pool list holds a pool in use";
    }
    if (listed + (OB_POOLS_PER_ARENA - a->ncarved) != a->nfree)
        return "A1: an arena's nfree differs from its free and uncarved pools";
    unsigned freestate = 0;
    for (unsigned i = 0; i < a->ncarved; i++) {
        const hp_pool *p = (const hp_pool *)(base + (size_t)i * OB_POOL_SIZE);
        if (p->state == HP_POOL_FREE) {
            freestate++;
            continue;
        }
        if (!HP_POOL_IN_USE(p->state))
            return "P1: a carved pool is neither in use nor free";
        const char *m = check_pool(p, acc);
        if (m)
            return m;
    }
    if (freestate != listed)
        return "A1: a free pool is missing from its arena's free-pool list";
    if (a->nfree == OB_POOLS_PER_ARENA)
        acc->empty++;
    else if (a->nfree > 0)
        acc->usable++;
    return NULL;
}

/* A link target: the payload of something that may be a walkable large block. */
static int wl_target_ok(const ob_heap *h, const char *q)
{
    return q >= h->raw + HP_EXT_HDR + HP_WLINK && q < h->end && ((uintptr_t)q & 7) == 0 &&
           !hp_slot(h, q - HP_EXT_HDR - HP_WLINK)->is_arena;
}

/* W2 for one walkable large block p: its tag, and its neighbours link back. */
static const char *check_wlinks(const ob_heap *h, const char *p)
{
    const hp_wlink *l = hp_wl(p);
    if (!(l->next & HP_EXT_WALK) || (l->next & 5u) || (l->prev & 7u))
        return "W2: a walkable large block's link words are malformed";
    const char *nx = hp_wl_ptr(h, l->next), *pv = hp_wl_ptr(h, l->prev);
    if (nx && (!wl_target_ok(h, nx) || hp_wl_ptr(h, hp_wl(nx)->prev) != p))
        return "W2: a walkable large block's successor does not link back";
    if (pv ? (!wl_target_ok(h, pv) || hp_wl_ptr(h, hp_wl(pv)->next) != p) : h->wlarge != p)
        return "W2: a walkable large block's predecessor (or the list head) does not link to it";
    return NULL;
}

const char *ob_heap_check(const ob_heap *h)
{
    if (!h || h->magic != HP_MAGIC)
        return "handle: bad magic (not a heap, or overwritten)";
    if (!(h->base < h->raw && h->raw < h->end))
        return "handle: range bounds out of order";
    check_acc acc;
    memset(&acc, 0, sizeof acc);

    /* R1, R2, R4 and the arenas, bottom to top. */
    size_t prev = 0, nfree = 0, steps = 0, maxsteps = (size_t)(h->end - h->raw) / 8 + 1;
    uint32_t narenas = 0, nfslots = 0;
    int prev_free = 0;
    const char *x = h->raw;
    while (x < h->end) {
        if (++steps > maxsteps)
            return "R1: the extent walk does not end";
        size_t size;
        if (hp_is_arena_at(h, x)) {
            const hp_arena *a = hp_slot(h, x);
            if (a->prev_size != prev)
                return "R1: an arena's prev_size differs from the extent below it";
            if (a->fslot)
                return "F1: a slot is marked both an arena and a free slot";
            const char *m = check_arena(a, x, &acc);
            if (m)
                return m;
            narenas++;
            size = OB_ARENA_SIZE;
            prev_free = 0;
        } else if (hp_is_slot_at(h, x)) {
            const hp_arena *a = hp_slot(h, x);
            if (a->prev_size != prev)
                return "R1: a free slot's prev_size differs from the extent below it";
            if (a->fslot != 1 || a->nfree || a->ncarved || a->freepools)
                return "F1: a free slot's table entry is not clear";
            nfslots++;
            size = OB_ARENA_SIZE;
            prev_free = 0; /* a free extent may border a free slot (F1) */
        } else {
            const hp_ext *e = (const hp_ext *)x;
            size = e->size & ~(size_t)HP_EXT_FLAGS; /* bits 0-2 are flags: R4's multiple of 8 */
            if (e->prev != prev)
                return "R1: an extent's prev differs from the size of the extent below it";
            if (size < HP_EXT_MIN || size > (size_t)(h->end - x))
                return "R4: an extent's size is out of range";
            if ((e->size & HP_EXT_WALK) && !(e->size & HP_EXT_USED))
                return "W3: a free extent carries the walkable flag";
            if ((e->size & HP_EXT_QUICK) && !(e->size & HP_EXT_USED))
                return "Q1: a free extent carries the quick-list flag";
            if (e->size & HP_EXT_QUICK) {
                /* cached (Q1): in use to the bins, free to the statistics */
                acc.qn++;
                acc.qbytes += size;
                prev_free = 0;
                prev = size;
                x += size;
                continue;
            }
            if (e->size & HP_EXT_WALK) {
                if (size < HP_EXT_HDR + HP_WLINK + 8)
                    return "W2: a walkable large block is too small for its links";
                const char *m = check_wlinks(h, x + HP_EXT_HDR + HP_WLINK);
                if (m)
                    return m;
                acc.wlarge++;
            }
            if (e->size & HP_EXT_USED) {
                acc.held += hp_ext_payload(x);
                prev_free = 0;
            } else {
                if (prev_free)
                    return "R2: two free extents are adjacent (not coalesced)";
                if (OB_HEAP_PRESLOT && size >= OB_ARENA_SIZE) {
                    uintptr_t s0 = (uintptr_t)x, e0 = s0 + size;
                    uintptr_t l = (s0 + OB_ARENA_SIZE - 1) & ~(uintptr_t)(OB_ARENA_SIZE - 1);
                    if (l != s0 && l - s0 < HP_EXT_MIN)
                        l += OB_ARENA_SIZE;
                    uintptr_t u = e0 & ~(uintptr_t)(OB_ARENA_SIZE - 1);
                    if (u != e0 && e0 - u < HP_EXT_MIN)
                        u -= OB_ARENA_SIZE;
                    if (l < e0 && u >= l + OB_ARENA_SIZE)
                        return "R5: a free extent holds a whole arena window (it belongs to the free slots)";
                }
                prev_free = 1;
                nfree++;
            }
        }
        prev = size;
        x += size;
    }
    if (x != h->end)
        return "R1: the extents overrun the end of the heap";
    uint32_t flagged = 0, fflagged = 0;
    for (uint32_t i = 0; i < h->nslots; i++) {
        if (h->slots[i].addr != (char *)(h->slot0 + (uintptr_t)i * OB_ARENA_SIZE))
            return "T1: an arena-table entry's address is not its slot's";
        if (*hp_kind(h, h->slots[i].addr) != h->slots[i].is_arena)
            return "K1: a slot's kind byte disagrees with its arena-table entry";
        flagged += h->slots[i].is_arena != 0;
        fflagged += h->slots[i].fslot != 0;
    }
    if (flagged != narenas)
        return "R1: an arena-table entry marks a slot that is not an arena of the walk";
    if (fflagged != nfslots)
        return "F1: an arena-table entry marks a free slot that is not one of the walk";

    /* R3: bins. */
    size_t listed = 0;
    for (unsigned k = 0; k < HP_BINS; k++) {
        const hp_free *f = h->bins[k], *pv = NULL;
        if ((f != NULL) != ((h->binmask >> k) & 1u))
            return "R3: a binmask bit disagrees with its bin";
        for (; f; pv = f, f = f->next) {
            if (++listed > nfree)
                return "R3: the bins hold more entries than there are free extents (a cycle?)";
            const char *fx = (const char *)f;
            if (fx < h->raw || fx >= h->end || ((uintptr_t)fx & 7) != 0 || hp_is_slot_at(h, fx))
                return "R3: a bin entry is not a free extent of this heap";
            if (f->x.size & HP_EXT_USED)
                return "R3: a bin holds an extent in use";
            if (hp_floor_log2(f->x.size) != k)
                return "R3: a free extent is in the wrong bin";
            if (f->prev != pv)
                return "R3: a bin's back link is wrong";
        }
    }
    if (listed != nfree)
        return "R3: a free extent is missing from the bins";

    /* Q1: the quick lists. */
    {
        size_t n = 0, bytes = 0;
        for (unsigned i = 0; i < HP_NQUICK; i++) {
            uint32_t s0 = 0;
            for (const char *q = h->quick[i]; q; q = *(char *const *)(q + HP_QLINK)) {
                if (++n > acc.qn)
                    return "Q1: the quick lists hold more than the cached extents (a cycle?)";
                if (q < h->raw || q >= h->end || ((uintptr_t)q & 7) != 0 || hp_is_slot_at(h, q))
                    return "Q1: a quick list holds something that is not an extent of this heap";
                uint32_t sw = ((const hp_ext *)q)->size;
                if ((sw & (HP_EXT_USED | HP_EXT_QUICK)) != (HP_EXT_USED | HP_EXT_QUICK))
                    return "Q1: a quick list holds an extent that is not cached";
                uint32_t sz = sw & ~(uint32_t)HP_EXT_FLAGS;
                if (hp_qidx(sz) != i || (s0 && sz != s0))
                    return "Q1: a quick list holds an extent of another size";
                s0 = sz;
                bytes += sz;
            }
        }
        if (n != acc.qn)
            return "Q1: a cached extent is missing from the quick lists";
        if (bytes != h->qbytes || h->qbytes > HP_QUICK_MAX)
            return "Q1: the quick lists' byte count is wrong";
    }

    /* F1: the free-slot deque. */
    {
        size_t n = 0;
        const hp_arena *pv = NULL;
        for (const hp_arena *a = h->fhead; a; pv = a, a = a->next) {
            if (++n > nfslots)
                return "F1: the free-slot deque holds more than the free slots (a cycle?)";
            if (a < h->slots || a >= h->slots + h->nslots || a->fslot != 1 || a->is_arena)
                return "F1: the free-slot deque holds something that is not a free slot";
            if (a->prev != pv)
                return "F1: a free-slot deque back link is wrong";
        }
        if (h->ftail != pv)
            return "F1: the free-slot deque's tail is not its last slot";
        if (n != nfslots)
            return "F1: a free slot is missing from the free-slot deque";
    }

    /* P3, W1: usedpools, normal then walkable. */
    size_t maxpools = (size_t)h->nslots * OB_POOLS_PER_ARENA;
    int missing = 0; /* reported after every list is looked at: W1 names the cause */
    for (unsigned li = 0; li < HP_NLISTS; li++) {
        size_t n = 0, c = li & (HP_WALK_BASE - 1u);
        const hp_pool *pv = NULL;
        if (c >= OB_SIZE_CLASSES) {
            if (h->usedpools[li])
                return "P3: a usedpools entry between the two kinds is not empty";
            continue;
        }
        for (const hp_pool *p = h->usedpools[li]; p; pv = p, p = p->next) {
            if (++n > maxpools)
                return "P3: a usedpools list does not end (a cycle?)";
            if (!ob_heap_contains(h, p) || !hp_slot(h, p)->is_arena || !HP_POOL_IN_USE(p->state))
                return "P3: usedpools holds something that is not a pool in use";
            if ((p->state == HP_POOL_WALK) != (li >= HP_WALK_BASE))
                return "W1: a pool is on the usedpools list of the other kind";
            if (HP_POOL_CLS(p) != c)
                return "P3: a pool is on the usedpools list of another class";
            if (p->freeblock == 0)
                return "P3: a full pool is on usedpools";
            if (p->prev != pv)
                return "P3: a usedpools back link is wrong";
        }
        if (n != acc.nonfull[li])
            missing = 1;
    }
    if (missing)
        return "P3: a pool with a free block is missing from usedpools";

    /* W2, W4: the walkable large list (each member's links were checked in
     * the extent walk) and the open walks. */
    const ob_heap_walk *wk[OB_HEAP_WALKS];
    int wfound[OB_HEAP_WALKS];
    for (unsigned i = 0; i < OB_HEAP_WALKS; i++) {
        wk[i] = h->walks[i];
        wfound[i] = 0;
        if (!wk[i])
            continue;
        if (!wk[i]->open || wk[i]->phase > 1)
            return "W4: a registered walk is not open";
        for (unsigned j = 0; j < i; j++)
            if (wk[j] == wk[i])
                return "W4: a walk is registered twice";
        if (wk[i]->phase == 0 || !wk[i]->large)
            wfound[i] = 1;
    }
    size_t nw = 0;
    for (const char *p = h->wlarge; p; p = hp_wl_ptr(h, hp_wl(p)->next)) {
        if (++nw > acc.wlarge)
            return "W2: the walkable large list is longer than the walkable blocks (a cycle?)";
        if (!wl_target_ok(h, p))
            return "W2: the walkable large list holds something that is not a large block";
        const hp_ext *e = (const hp_ext *)(p - HP_EXT_HDR - HP_WLINK);
        if ((e->size & (HP_EXT_USED | HP_EXT_WALK)) != (HP_EXT_USED | HP_EXT_WALK) ||
            !hp_large_is_walk(p))
            return "W2: the walkable large list holds a block that is not walkable or not in use";
        for (unsigned i = 0; i < OB_HEAP_WALKS; i++)
            if (wk[i] && wk[i]->large == p)
                wfound[i] = 1;
    }
    if (nw != acc.wlarge)
        return "W2: a walkable large block is missing from the list";
    for (unsigned i = 0; i < OB_HEAP_WALKS; i++)
        if (wk[i] && !wfound[i])
            return "W4: a walk in the large phase stands on a block that is not on the list";

    /* A2, A3: the usable list and the spare. */
    size_t n = 0;
    const hp_arena *pv = NULL;
    for (const hp_arena *a = h->usable; a; pv = a, a = a->next) {
        if (++n > h->nslots)
            return "A2: the usable list does not end (a cycle?)";
        if (a < h->slots || a >= h->slots + h->nslots || !a->is_arena)
            return "A2: the usable list holds something that is not an arena";
        if (a->nfree == 0 || a->nfree >= OB_POOLS_PER_ARENA)
            return "A2: a full or empty arena is on the usable list";
        if (a->prev != pv)
            return "A2: a usable-list back link is wrong";
        if (pv && pv->nfree > a->nfree)
            return "A2: the usable list is not sorted by free pools (most used first)";
        if (a == h->spare)
            return "A3: the spare arena is on the usable list";
        if (h->lasta[a->nfree] == NULL)
            return "A2: lasta misses a free-pool count present on the list";
        if ((!a->next || a->next->nfree != a->nfree) && h->lasta[a->nfree] != a)
            return "A2: lasta does not point at the last arena of its count";
    }
    if (n != acc.usable)
        return "A2: an arena with some free pools is missing from the usable list";
    for (unsigned k = 0; k <= OB_POOLS_PER_ARENA; k++) {
        const hp_arena *l = h->lasta[k];
        if (l && (l->nfree != k || !l->is_arena || (k == 0 || k == OB_POOLS_PER_ARENA)))
            return "A2: lasta points at an arena of another count";
    }
    if (h->spare) {
        const hp_arena *s = h->spare;
        if (s < h->slots || s >= h->slots + h->nslots || !s->is_arena)
            return "A3: the spare is not an arena";
        if (s->nfree != OB_POOLS_PER_ARENA)
            return "A3: the spare arena has pools in use";
    }
    if (acc.empty != (h->spare ? 1u : 0u))
        return "A3: an empty arena is neither the spare nor given back";

    /* Counters. */
    if (h->ctr.slack < 0 || (size_t)h->ctr.slack > h->peak)
        return "counters: peak is below bytes held";
    if (acc.held != hp_held(h))
        return "counters: bytes held differ from the live blocks found";
    return NULL;
}

int ob_heap_invariants_hold(const ob_heap *h)
{
    if (!h || h->magic != HP_MAGIC || !(h->base < h->raw && h->raw < h->end))
        return 0;
    if (h->ctr.slack < 0 || (size_t)h->ctr.slack > h->peak || hp_held(h) > (size_t)(h->end - h->raw))
        return 0;
    if (h->fast_classes != (h->fail_armed ? 0u : (size_t)OB_SIZE_CLASSES))
        return 0;
    for (unsigned k = 0; k < HP_BINS; k++) {
        const hp_free *f = h->bins[k];
        if ((f != NULL) != ((h->binmask >> k) & 1u))
            return 0;
        if (f && (!ob_heap_contains(h, f) || f->prev || (f->x.size & HP_EXT_USED) ||
                  hp_floor_log2(f->x.size) != k))
            return 0;
    }
    if (h->qbytes > HP_QUICK_MAX)
        return 0;
    for (unsigned i = 0; i < HP_NQUICK; i++) {
        const char *q = h->quick[i];
        if (q && (!ob_heap_contains(h, q) || ((uintptr_t)q & 7) ||
                  !(((const hp_ext *)q)->size & HP_EXT_QUICK)))
            return 0;
    }
    for (unsigned li = 0; li < HP_NLISTS; li++) {
        const hp_pool *p = h->usedpools[li];
        unsigned want = li < HP_WALK_BASE ? HP_POOL_USED : HP_POOL_WALK;
        if (p && (!ob_heap_contains(h, p) || p->state != want ||
                  HP_POOL_CLS(p) != (li & (HP_WALK_BASE - 1u)) || p->prev || p->freeblock == 0))
            return 0;
    }
    const char *wl = h->wlarge;
    if (wl && (wl < h->raw + HP_EXT_HDR + HP_WLINK || wl >= h->end || ((uintptr_t)wl & 7) ||
               !hp_large_is_walk(wl) || hp_wl(wl)->prev != 0))
        return 0;
    const hp_arena *u = h->usable;
    if (u && (u < h->slots || u >= h->slots + h->nslots || u->prev || u->nfree == 0 ||
              u->nfree >= OB_POOLS_PER_ARENA))
        return 0;
    const hp_arena *s = h->spare;
    if (s && (s < h->slots || s >= h->slots + h->nslots || s->nfree != OB_POOLS_PER_ARENA))
        return 0;
    const hp_arena *fh = h->fhead, *ft = h->ftail;
    if ((fh == NULL) != (ft == NULL))
        return 0;
    if (fh && (fh < h->slots || fh >= h->slots + h->nslots || fh->fslot != 1 || fh->prev ||
               ft < h->slots || ft >= h->slots + h->nslots || ft->fslot != 1 || ft->next))
        return 0;
    return 1;
}

/* ---- statistics ---- */

void ob_heap_stats_get(const ob_heap *h, ob_heap_stats *st)
{
    memset(st, 0, sizeof *st);
    st->capacity = (size_t)(h->end - h->raw);
    st->overhead = (size_t)(h->raw - h->base);
    for (unsigned c = 0; c < OB_SIZE_CLASSES; c++)
        st->classes[c].block_size = (uint32_t)HP_CLASS_SIZE(c);
    /* Free extents and free slots next to each other count as one free
     * extent (what the large path merges them into before it fails, F1);
     * the spare is counted into the largest, as allocation gives it back
     * before failing. */
    size_t largest = 0, run = 0, runall = 0;
    for (const char *x = h->raw; x < h->end;) {
        size_t size = hp_ext_size(h, x);
        if (size == 0)
            break; /* corrupted: the checker says more */
        int is_free = 0, is_spare = 0;
        if (hp_is_arena_at(h, x)) {
            const hp_arena *a = hp_slot(h, x);
            if (a->nfree == OB_POOLS_PER_ARENA)
                st->arenas_free++;
            else
                st->arenas_used++;
            st->pools_free += a->nfree;
            is_spare = a == h->spare;
            for (unsigned i = 0; i < a->ncarved; i++) {
                const hp_pool *p = (const hp_pool *)(x + (size_t)i * OB_POOL_SIZE);
                if (!HP_POOL_IN_USE(p->state) || p->szi == 0 || p->szi > OB_SIZE_CLASSES)
                    continue;
                ob_heap_class_stats *cs = &st->classes[HP_POOL_CLS(p)];
                st->pools_used++;
                cs->pools++;
                cs->blocks_used += p->count;
                cs->blocks_free += (uint32_t)(HP_CAPACITY(HP_POOL_CLS(p)) - p->count);
            }
        } else if (hp_is_slot_at(h, x)) {
            is_free = 1; /* a free slot */
        } else if ((((const hp_ext *)x)->size & (HP_EXT_USED | HP_EXT_QUICK)) == HP_EXT_USED) {
            st->large_count++;
            st->large_bytes += hp_ext_payload(x);
        } else {
            is_free = 1;
        }
        if (is_free) {
            st->free_bytes += size;
            if (run == 0)
                st->free_extents++;
            run += size;
            runall += size;
        } else {
            run = 0;
            runall = is_spare ? runall + size : 0;
        }
        if (runall > largest)
            largest = runall;
        x += size;
    }
    st->largest_free = largest > HP_EXT_HDR ? largest - HP_EXT_HDR : 0;
    st->arenas_total = st->arenas_used + st->arenas_free;
    st->bytes_held = hp_held(h);
    st->bytes_peak = h->peak;
    st->requested_total = h->ctr.requested_total;
    st->held_total = h->ctr.held_total;
    st->oom_count = h->oom_count;
}

/* ---- summary ---- */

size_t ob_heap_summary(const ob_heap *h, ob_fmt_sink sink, void *ctx)
{
    ob_heap_stats st;
    ob_heap_stats_get(h, &st);
    size_t n = 0;
    n += ob_fmt(sink, ctx,
                "heap %p: %lu bytes (+%lu handle), arena %u B, pool %u B, small <= %u B\n",
                (const void *)h, (unsigned long)st.capacity, (unsigned long)st.overhead,
                (unsigned)OB_ARENA_SIZE, (unsigned)OB_POOL_SIZE, (unsigned)OB_SMALL_LIMIT);
    n += ob_fmt(sink, ctx, "  held %lu B (peak %lu B); large %lu objects, %lu B; oom %lu\n",
                (unsigned long)st.bytes_held, (unsigned long)st.bytes_peak,
                (unsigned long)st.large_count, (unsigned long)st.large_bytes,
                (unsigned long)st.oom_count);
    n += ob_fmt(sink, ctx, "  arenas %lu used, %lu free; pools %lu used, %lu free\n",
                (unsigned long)st.arenas_used, (unsigned long)st.arenas_free,
                (unsigned long)st.pools_used, (unsigned long)st.pools_free);
    n += ob_fmt(sink, ctx, "  free %lu B in %lu extents, largest allocatable %lu B\n",
                (unsigned long)st.free_bytes, (unsigned long)st.free_extents,
                (unsigned long)st.largest_free);
    for (unsigned c = 0; c < OB_SIZE_CLASSES; c++) {
        const ob_heap_class_stats *cs = &st.classes[c];
        if (cs->pools == 0)
            continue;
        n += ob_fmt(sink, ctx, "  class %3u B: %lu pools, %lu used, %lu free\n",
                    (unsigned)cs->block_size, (unsigned long)cs->pools,
                    (unsigned long)cs->blocks_used, (unsigned long)cs->blocks_free);
    }
    return n;
}

static void write_sink(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    ob_write(s, n);
}

void ob_heap_print(const ob_heap *h)
{
    ob_heap_summary(h, write_sink, NULL);
}
