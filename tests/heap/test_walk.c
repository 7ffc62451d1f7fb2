/* test_walk - the heap walk's span interface (ob_heap_walk_span, rewind,
 * the walk epoch) that the cycle collector runs its phases on, on the host
 * and on every board: which blocks the spans hold and in what order, going
 * back with rewind, the epoch moving exactly when a pool empties, and a
 * seeded random run in which blocks are freed and made while a span is gone
 * through, checked against a shadow model (every block alive for the whole
 * walk is seen exactly once).
 *
 * A walkable block in use has bit 0 of its first word set (the contract of
 * ob_heap_alloc_walkable); these tests keep id << 2 | flag << 1 | 1 there
 * (the flag: another bit a user of the walk might filter on). */
#include <string.h>

#include "k.h"
#include "ob_config.h"
#include "ob_heap.h"
#include "t.h"

#define HEAP_T_HOST_BYTES (512u * 1024u)
#include "heap_t.h"

#define FLAG 2u
static void set_id(void *p, uint32_t id, int flag)
{
    *(uint32_t *)p = id << 2 | (flag ? FLAG : 0u) | 1u;
}
static uint32_t id_of(const void *p)
{
    return *(const uint32_t *)p >> 2;
}

#if OB_HEAP_SMALL
#define NB 48u
#else
#define NB 160u
#endif
static void *blk[NB];
static uint8_t seen[NB];

/* Sizes that spread the blocks over several classes, pools and (for the
 * last few) the large list. */
static size_t size_for(uint32_t i)
{
    if (i % 16u == 15u)
        return OB_SMALL_LIMIT + 8u * (i % 5u + 1u);
    return 8u + 8u * (i % 4u) * 3u;
}

/* The blocks in use of the next span, in order, into out (at most n):
 * how the collector goes through a span. Returns the count; *lo_out the
 * span's first block, *large whether it was a large block. 0 at the end. */
static int next_span(ob_heap *h, ob_heap_walk *w, void **out, uint32_t n, uint32_t *got,
                     int *large)
{
    uintptr_t lo, hi;
    uint32_t step, work = 0;
    if (!ob_heap_walk_span(h, w, &lo, &hi, &step, &work, UINT32_MAX))
        return 0;
    T_GT(step, 0);
    T_LT(lo, hi);
    *large = step == 1u;
    if (*large)
        T_EQ(hi, lo + 1u); /* one large block */
    T_ASSERT(*(const uint32_t *)lo & 1u); /* a span starts at a block in use */
    uint32_t k = 0;
    for (uintptr_t b = lo; b < hi; b += step)
        if (*(const uint32_t *)b & 1u) {
            T_LT(k, n);
            out[k++] = (void *)b;
        }
    *got = k;
    return 1;
}

static void *spanned[NB];

static void test_span_in_walk_order(void)
{
    ob_heap *h = fresh(SIZE_MAX);
    for (uint32_t i = 0; i < NB; i++) {
        blk[i] = ob_heap_alloc_walkable(h, size_for(i));
        T_ASSERT(blk[i] != NULL);
        set_id(blk[i], i, i % 3u == 0u);
    }
    void *plain = ob_heap_alloc(h, 24); /* a normal block is never walked */
    T_ASSERT(plain != NULL);
    *(uint32_t *)plain = 0xFFFFFFFFu;
    for (uint32_t i = 0; i < NB; i += 7u) { /* holes in the pools */
        ob_heap_free(h, blk[i]);
        blk[i] = NULL;
    }
    CHECK(h);

    /* The same blocks, in the same order, as ob_heap_walk_next. */
    static void *order[NB];
    ob_heap_walk w;
    T_EQ(ob_heap_walk_begin(h, &w), 0);
    uint32_t n = 0, live = 0;
    void *p;
    while ((p = ob_heap_walk_next(h, &w, NULL)) != NULL) {
        T_LT(n, NB);
        order[n++] = p;
    }
    for (uint32_t i = 0; i < NB; i++)
        live += blk[i] != NULL;
    T_EQ(n, live);

    T_EQ(ob_heap_walk_begin(h, &w), 0);
    uint32_t k = 0, got, spans = 0, large = 0;
    int is_large;
    while (next_span(h, &w, spanned, NB, &got, &is_large)) {
        spans++;
        large += is_large;
        for (uint32_t i = 0; i < got; i++) {
            T_LT(k, n);
            T_EQ_PTR(spanned[i], order[k]);
            k++;
        }
    }
    T_EQ(k, n);
    T_EQ(w.open, 0);
    T_GT(large, 0);
    T_LT(spans, n); /* small blocks come a pool at a time */

    for (uint32_t i = 0; i < NB; i++)
        if (blk[i]) {
            ob_heap_free(h, blk[i]);
            blk[i] = NULL;
        }
    ob_heap_free(h, plain);
    CHECK(h);
}

/* With a limit already reached, each call looks at one arena slot at most
 * (its pools, and blocks until one in use), and returns an empty run when
 * that found nothing: the low slots are free (arenas come from the top),
 * so a walk starts with a stretch of those. Together the calls give the
 * same blocks in the same order as a walk without a limit. */
static void test_search_cut_by_limit(void)
{
    ob_heap *h = fresh(SIZE_MAX);
    for (uint32_t i = 0; i < NB; i++) {
        blk[i] = ob_heap_alloc_walkable(h, size_for(i));
        T_ASSERT(blk[i] != NULL);
        set_id(blk[i], i, 0);
    }
    static void *order[NB];
    ob_heap_walk w;
    T_EQ(ob_heap_walk_begin(h, &w), 0);
    uint32_t n = 0, k = 0, empty = 0;
    void *p;
    while ((p = ob_heap_walk_next(h, &w, NULL)) != NULL) {
        T_LT(n, NB);
        order[n++] = p;
    }
    T_EQ(n, NB);

    T_EQ(ob_heap_walk_begin(h, &w), 0);
    uintptr_t lo, hi;
    uint32_t step, work = 0;
    const uint32_t one_slot = 1u + OB_ARENA_SIZE / OB_POOL_SIZE + OB_POOL_SIZE / 8u;
    for (;;) {
        uint32_t before = work;
        if (!ob_heap_walk_span(h, &w, &lo, &hi, &step, &work, work))
            break;
        T_LE(work - before, one_slot);
        if (lo == hi) {
            empty++;
            continue;
        }
        for (uintptr_t b = lo; b < hi; b += step)
            if (*(const uint32_t *)b & 1u) {
                T_LT(k, n);
                T_EQ_PTR((void *)b, order[k]);
                k++;
            }
    }
    T_EQ(k, n);
    T_GT(empty, 0);
    t_printf("# %lu empty runs before or between the arenas in use\n", (unsigned long)empty);
    for (uint32_t i = 0; i < NB; i++) {
        ob_heap_free(h, blk[i]);
        blk[i] = NULL;
    }
    CHECK(h);
}

static void test_span_rewind(void)
{
    ob_heap *h = fresh(SIZE_MAX);
    for (uint32_t i = 0; i < NB; i++) {
        blk[i] = ob_heap_alloc_walkable(h, 16);
        T_ASSERT(blk[i] != NULL);
        set_id(blk[i], i, 0);
    }
    ob_heap_free(h, blk[4]); /* a hole after the third block in use */
    blk[4] = NULL;
    /* Stop inside every span after a few blocks and go back: nothing lost,
     * nothing twice. */
    memset(seen, 0, sizeof seen);
    ob_heap_walk w;
    T_EQ(ob_heap_walk_begin(h, &w), 0);
    uint32_t total = 0, got;
    int is_large;
    while (next_span(h, &w, spanned, NB, &got, &is_large)) {
        uint32_t use = got < 3u ? got : 3u;
        for (uint32_t i = 0; i < use; i++) {
            uint32_t id = id_of(spanned[i]);
            T_LT(id, NB);
            T_EQ(seen[id], 0);
            seen[id] = 1;
            total++;
        }
        if (use < got)
            ob_heap_walk_rewind(&w, spanned[use - 1]);
    }
    T_EQ(total, NB - 1u);

    for (uint32_t i = 0; i < NB; i++)
        if (blk[i]) {
            ob_heap_free(h, blk[i]);
            blk[i] = NULL;
        }
    CHECK(h);
}

static void test_epoch_moves_when_a_pool_empties(void)
{
    ob_heap *h = fresh(SIZE_MAX);
    const uint32_t *ep = ob_heap_walk_epoch(h);
    uint32_t e0 = *ep;
    void *a = ob_heap_alloc_walkable(h, 32), *b = ob_heap_alloc_walkable(h, 32);
    void *c = ob_heap_alloc(h, 32);
    T_ASSERT(a && b && c);
    T_EQ(*ep, e0); /* pools made: no change */
    ob_heap_free(h, a);
    T_EQ(*ep, e0); /* a pool with a block left: no change */
    ob_heap_free(h, b);
    T_NE(*ep, e0); /* the walkable pool emptied */
    uint32_t e1 = *ep;
    ob_heap_free(h, c);
    T_NE(*ep, e1); /* any pool emptying moves it */
    CHECK(h);
}

/* Random: spans gone through as the collector does, stopped early at
 * random (rewind); between blocks, blocks freed and made. Shadow:
 * alive_whole[id] (in use from before the walk began to its end), and ids
 * seen. When the epoch moves, the rest of the span may be anything: the
 * walk is rewound to the block just dealt with. */
static uint8_t alive_whole[NB], born[NB];
static void test_random_spans_against_shadow(void)
{
    ob_heap *h = fresh(SIZE_MAX);
    const uint32_t *ep = ob_heap_walk_epoch(h);
    t_rng r = t_rng_make(t_seed());
    uint32_t rounds = 30u * t_scale();
    for (uint32_t round = 0; round < rounds; round++) {
        /* a population: some blocks in use, some slots empty */
        for (uint32_t i = 0; i < NB; i++) {
            if (blk[i] && t_below(&r, 4) == 0) {
                ob_heap_free(h, blk[i]);
                blk[i] = NULL;
            } else if (!blk[i] && t_below(&r, 2) == 0) {
                blk[i] = ob_heap_alloc_walkable(h, size_for(t_below(&r, 64)));
                if (blk[i])
                    set_id(blk[i], i, t_below(&r, 2));
            }
        }
        for (uint32_t i = 0; i < NB; i++)
            alive_whole[i] = blk[i] != NULL;
        memset(seen, 0, sizeof seen);
        memset(born, 0, sizeof born);
        ob_heap_walk w;
        T_EQ(ob_heap_walk_begin(h, &w), 0);
        uintptr_t lo, hi;
        uint32_t step, work = 0;
        while (ob_heap_walk_span(h, &w, &lo, &hi, &step, &work, UINT32_MAX)) {
            uint32_t e = *ep;
            for (uintptr_t b = lo; b < hi; b += step) {
                if (*ep != e) {
                    ob_heap_walk_rewind(&w, (void *)(b - step));
                    break;
                }
                if (!(*(const uint32_t *)b & 1u))
                    continue; /* free */
                void *p = (void *)b;
                uint32_t id = id_of(p);
                T_LT(id, NB);
                T_ASSERT(blk[id] == p);
                if (!born[id]) { /* one alive since the walk began */
                    T_EQ(seen[id], 0);
                    seen[id] = 1;
                }
                /* the heap changes under the span */
                uint32_t v = t_below(&r, NB);
                if (t_below(&r, 3) == 0 && blk[v] && v != id) {
                    ob_heap_free(h, blk[v]);
                    blk[v] = NULL;
                    alive_whole[v] = 0;
                } else if (t_below(&r, 3) == 0 && !blk[v]) {
                    blk[v] = ob_heap_alloc_walkable(h, size_for(t_below(&r, 64)));
                    if (blk[v]) {
                        set_id(blk[v], v, t_below(&r, 2)); /* new: may or may not be seen */
                        born[v] = 1;
                    }
                }
                if (t_below(&r, 8) == 0 && b + step < hi) {
                    ob_heap_walk_rewind(&w, p); /* stop early, as a spent budget does */
                    break;
                }
            }
        }
        T_EQ(w.open, 0);
        for (uint32_t i = 0; i < NB; i++)
            if (alive_whole[i])
                T_EQ(seen[i], 1);
        CHECK(h);
    }
    for (uint32_t i = 0; i < NB; i++)
        if (blk[i]) {
            ob_heap_free(h, blk[i]);
            blk[i] = NULL;
        }
    CHECK(h);
    t_printf("# %u rounds of random spans\n", (unsigned)rounds);
}

int main(void)
{
    static const t_case cases[] = {
        T_CASE(test_span_in_walk_order),
        T_CASE(test_search_cut_by_limit),
        T_CASE(test_span_rewind),
        T_CASE(test_epoch_moves_when_a_pool_empties),
        T_CASE(test_random_spans_against_shadow),
    };
    return t_main("heap_walk", cases, T_COUNT(cases));
}
