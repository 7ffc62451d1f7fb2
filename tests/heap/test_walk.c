/* test_walk - the heap walk's batch interface (ob_heap_walk_fill, rewind,
 * the walk epoch) that the cycle collector runs its phases on, on the host
 * and on every board: which blocks a filtered batch holds and in what order,
 * the work budget, going back with rewind, the epoch moving exactly when a
 * pool empties, and a seeded random run in which blocks are freed and made
 * between batches, checked against a shadow model (every block alive for
 * the whole walk is returned exactly once, none that was freed before the
 * batch was taken).
 *
 * A walkable block in use has bit 0 of its first word set (the contract of
 * ob_heap_alloc_walkable); these tests keep id << 2 | flag << 1 | 1 there,
 * so a mask can pick blocks by their flag. */
#include <string.h>

#include "k.h"
#include "ob_config.h"
#include "ob_heap.h"
#include "t.h"

#ifdef OB_HOST
static _Alignas(OB_ARENA_SIZE) unsigned char host_mem[512 * 1024];
#endif

static ob_heap *fresh(void)
{
#ifdef OB_HOST
    ob_heap *h = ob_heap_init(host_mem, sizeof host_mem);
#else
    const k_board_info *b = k_board();
    ob_heap *h = ob_heap_init((void *)b->heap_start, (size_t)(b->heap_end - b->heap_start));
#endif
    T_ASSERT(h != NULL);
    return h;
}

#define CHECK(h)                                                               \
    do {                                                                       \
        const char *m_ = ob_heap_check(h);                                    \
        if (m_)                                                                \
            t_fail(__FILE__, __LINE__, "heap check: %s", m_);                  \
    } while (0)

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
static void *batch[16];

/* Sizes that spread the blocks over several classes, pools and (for the
 * last few) the large list. */
static size_t size_for(uint32_t i)
{
    if (i % 16u == 15u)
        return OB_SMALL_LIMIT + 8u * (i % 5u + 1u);
    return 8u + 8u * (i % 4u) * 3u;
}

static void test_fill_filters_in_walk_order(void)
{
    ob_heap *h = fresh();
    for (uint32_t i = 0; i < NB; i++) {
        blk[i] = ob_heap_alloc_walkable(h, size_for(i));
        T_ASSERT(blk[i] != NULL);
        set_id(blk[i], i, i % 3u == 0u);
    }
    void *plain = ob_heap_alloc(h, 24); /* a normal block is never walked */
    T_ASSERT(plain != NULL);
    *(uint32_t *)plain = 0xFFFFFFFFu;
    CHECK(h);

    /* The same order as ob_heap_walk_next, whatever the batch size. */
    static void *order[NB];
    ob_heap_walk w;
    T_EQ(ob_heap_walk_begin(h, &w), 0);
    uint32_t n = 0;
    void *p;
    while ((p = ob_heap_walk_next(h, &w, NULL)) != NULL) {
        T_LT(n, NB);
        order[n++] = p;
    }
    T_EQ(n, NB);

    for (size_t bs = 1; bs <= 16; bs += 5) {
        T_EQ(ob_heap_walk_begin(h, &w), 0);
        uint32_t k = 0, calls = 0, large = 0;
        for (;;) {
            uint32_t work = 0;
            size_t got = ob_heap_walk_fill(h, &w, batch, bs, 0, 0, &work, UINT32_MAX);
            calls++;
            if (!got) {
                T_EQ(w.open, 0); /* no budget limit: empty means the end */
                break;
            }
            T_LE(got, bs);
            T_GT(work, 0);
            for (size_t i = 0; i < got; i++) {
                T_LT(k, NB);
                T_EQ_PTR(batch[i], order[k]);
                k++;
            }
            if (size_for(id_of(batch[0])) > OB_SMALL_LIMIT) {
                T_EQ(got, 1); /* large blocks come one at a time */
                large++;
            }
        }
        T_EQ(k, NB);
        T_GT(large, 0);
    }

    /* A filter: the flagged blocks only, still in walk order. */
    T_EQ(ob_heap_walk_begin(h, &w), 0);
    uint32_t k = 0, flagged = 0;
    for (uint32_t i = 0; i < NB; i++)
        flagged += (*(uint32_t *)order[i] & FLAG) != 0;
    uint32_t next = 0; /* index in order[] */
    for (;;) {
        uint32_t work = 0;
        size_t got = ob_heap_walk_fill(h, &w, batch, 16, FLAG, FLAG, &work, UINT32_MAX);
        if (!got)
            break;
        for (size_t i = 0; i < got; i++) {
            while (next < NB && !(*(uint32_t *)order[next] & FLAG))
                next++;
            T_LT(next, NB);
            T_EQ_PTR(batch[i], order[next]);
            next++;
            k++;
        }
    }
    T_EQ(k, flagged);
    T_EQ(w.open, 0);

    for (uint32_t i = 0; i < NB; i++) {
        ob_heap_free(h, blk[i]);
        blk[i] = NULL;
    }
    ob_heap_free(h, plain);
    CHECK(h);
}

static void test_fill_budget_and_rewind(void)
{
    ob_heap *h = fresh();
    for (uint32_t i = 0; i < NB; i++) {
        blk[i] = ob_heap_alloc_walkable(h, 16);
        T_ASSERT(blk[i] != NULL);
        set_id(blk[i], i, 0);
    }
    ob_heap_walk w;
    /* A budget of a few units: short batches, nothing lost, nothing twice. */
    memset(seen, 0, sizeof seen);
    T_EQ(ob_heap_walk_begin(h, &w), 0);
    uint32_t total = 0, empties = 0;
    while (w.open) {
        uint32_t work = 0;
        size_t got = ob_heap_walk_fill(h, &w, batch, 16, 0, 0, &work, 3);
        T_LE(got, 3);
        if (!got)
            empties++;
        for (size_t i = 0; i < got; i++) {
            uint32_t id = id_of(batch[i]);
            T_LT(id, NB);
            T_EQ(seen[id], 0);
            seen[id] = 1;
            total++;
        }
        T_ASSERT(empties < 64); /* the walk moves on even when a call finds nothing */
    }
    T_EQ(total, NB);

    /* Rewind: take 8, go back after the third, the next batch starts at
     * the fourth. */
    T_EQ(ob_heap_walk_begin(h, &w), 0);
    uint32_t work = 0;
    T_EQ(ob_heap_walk_fill(h, &w, batch, 8, 0, 0, &work, UINT32_MAX), 8);
    void *fourth = batch[3], *third = batch[2];
    ob_heap_walk_rewind(&w, third);
    T_EQ(ob_heap_walk_fill(h, &w, batch, 1, 0, 0, &work, UINT32_MAX), 1);
    T_EQ_PTR(batch[0], fourth);
    ob_heap_walk_end(h, &w);

    for (uint32_t i = 0; i < NB; i++) {
        ob_heap_free(h, blk[i]);
        blk[i] = NULL;
    }
    CHECK(h);
}

static void test_epoch_moves_when_a_pool_empties(void)
{
    ob_heap *h = fresh();
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

/* Random: batches taken with random sizes, filters and budgets; between
 * entries, blocks freed and made. Shadow: alive[id] (1 from before the walk
 * began to now), and ids returned. Entries freed since their batch was taken
 * are skipped as the collector does (bit 0 clear, or the epoch moved: then
 * the walk is rewound to the last entry used). */
static uint8_t alive_whole[NB], born[NB];
static void test_random_batches_against_shadow(void)
{
    ob_heap *h = fresh();
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
        int filtered = t_below(&r, 2) == 0;
        uint32_t mask = filtered ? FLAG : 0u, want = mask;
        ob_heap_walk w;
        T_EQ(ob_heap_walk_begin(h, &w), 0);
        while (w.open) {
            uint32_t work = 0;
            size_t bs = 1u + t_below(&r, 16);
            uint32_t budget = t_below(&r, 3) ? UINT32_MAX : 1u + t_below(&r, 20);
            size_t got = ob_heap_walk_fill(h, &w, batch, bs, mask, want, &work, budget);
            uint32_t e = *ep;
            for (size_t i = 0; i < got; i++) {
                if (i && *ep != e) {
                    ob_heap_walk_rewind(&w, batch[i - 1]);
                    break;
                }
                void *p = batch[i];
                if (!(*(uint32_t *)p & 1u))
                    continue; /* freed since the batch */
                uint32_t id = id_of(p);
                T_LT(id, NB);
                T_ASSERT(blk[id] == p);
                if (!born[id]) { /* one alive since the batch was taken */
                    T_EQ(seen[id], 0);
                    seen[id] = 1;
                    if (filtered)
                        T_ASSERT(*(uint32_t *)p & FLAG);
                }
                /* the heap changes under the batch */
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
                if (t_below(&r, 8) == 0 && i + 1 < got) {
                    ob_heap_walk_rewind(&w, p); /* stop early, as a spent budget does */
                    break;
                }
            }
        }
        for (uint32_t i = 0; i < NB; i++)
            if (alive_whole[i] && (!filtered || (*(uint32_t *)blk[i] & FLAG)))
                T_EQ(seen[i], 1);
        CHECK(h);
    }
    for (uint32_t i = 0; i < NB; i++)
        if (blk[i]) {
            ob_heap_free(h, blk[i]);
            blk[i] = NULL;
        }
    CHECK(h);
    t_printf("# %u rounds of random batches\n", (unsigned)rounds);
}

int main(void)
{
    static const t_case cases[] = {
        T_CASE(test_fill_filters_in_walk_order),
        T_CASE(test_fill_budget_and_rewind),
        T_CASE(test_epoch_moves_when_a_pool_empties),
        T_CASE(test_random_batches_against_shadow),
    };
    return t_main("heap_walk", cases, T_COUNT(cases));
}
