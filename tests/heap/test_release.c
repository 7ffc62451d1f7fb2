/* test_release - the heap as release builds run it (OB_CHECKED=0), on the
 * host (sanitizers) and on every board.
 *
 * The test suites link the checked runtime, where ob_heap_alloc and
 * ob_heap_free take the checked way (validation, poison) and the release
 * fast paths of runtime/heap.c (inline pop and carve, a pool filling up
 * unlinked inline, inline push, a full pool relinked inline, the free of a
 * pool's last block, out-of-line transitions) are compiled out. So this
 * file compiles the heap's three files itself with OB_CHECKED=0, every
 * public name renamed (rel_...), and drives them against a shadow model
 * with the whole-heap check (heap_check.c, also release) after every
 * operation: a break in a release-only path shows here, not only as a
 * changed benchmark figure. */
#undef OB_CHECKED
#define OB_CHECKED 0

#define ob_heap_alloc rel_heap_alloc
#define ob_heap_alloc_walkable rel_heap_alloc_walkable
#define ob_heap_block_size rel_heap_block_size
#define ob_heap_check rel_heap_check
#define ob_heap_contains rel_heap_contains
#define ob_heap_fail_set rel_heap_fail_set
#define ob_heap_free rel_heap_free
#define ob_heap_init rel_heap_init
#define ob_heap_invariants_hold rel_heap_invariants_hold
#define ob_heap_last_error rel_heap_last_error
#define ob_heap_oom_handler_set rel_heap_oom_handler_set
#define ob_heap_print rel_heap_print
#define ob_heap_realloc rel_heap_realloc
#define ob_heap_stats_get rel_heap_stats_get
#define ob_heap_summary rel_heap_summary
#define ob_heap_trim rel_heap_trim
#define ob_heap_walk_begin rel_heap_walk_begin
#define ob_heap_walk_end rel_heap_walk_end
#define ob_heap_walk_epoch rel_heap_walk_epoch
#define ob_heap_walk_span rel_heap_walk_span
#define ob_heap_walk_next_ rel_heap_walk_next_
#define ob_heap_walk_next rel_heap_walk_next
#define ob_heap_walk_rewind rel_heap_walk_rewind
#define hp_arena_get rel_hp_arena_get
#define hp_error rel_hp_error
#define hp_ext_is_free rel_hp_ext_is_free
#define hp_ext_size rel_hp_ext_size
#define hp_large_alloc rel_hp_large_alloc
#define hp_prev_size_ rel_hp_prev_size_
#define hp_quick_flush rel_hp_quick_flush
#define hp_raw_alloc rel_hp_raw_alloc
#define hp_raw_free rel_hp_raw_free
#define hp_raw_grow rel_hp_raw_grow
#define hp_raw_init rel_hp_raw_init
#define hp_raw_shrink rel_hp_raw_shrink
#define hp_wl_insert rel_hp_wl_insert

#include "../../runtime/heap.c"
#include "../../runtime/heap_raw.c"
#include "../../runtime/heap_check.c"

#include "k.h"
#include "t.h"

_Static_assert(!OB_CHECKED, "this file tests the release heap");

#define HEAP_T_HOST_BYTES (256u * 1024u)
#include "heap_t.h"

static ob_heap_stats st;

/* One pool of a class filled, then freed in an order that takes every
 * release path: into a full pool (relinked inline), into a pool with room,
 * the pool's last block (it empties), and the arena emptying while a
 * spare is kept (it becomes a free slot at once). */
static void test_pool_and_arena_transitions(void)
{
    ob_heap *h = fresh(8 * OB_ARENA_SIZE);
    enum { MAXB = 600 };
    static char *b[MAXB];
    size_t cap = HP_CAPACITY(1); /* 16-byte blocks per pool */
    T_ASSERT(cap + 1 < MAXB);
    for (size_t i = 0; i < cap; i++) {
        b[i] = ob_heap_alloc(h, 16);
        T_ASSERT(b[i] != NULL);
        memset(b[i], 0x5A, 16);
        CHECK(h);
    }
    hp_pool *pool = (hp_pool *)pool_of(b[0]);
    T_EQ(pool->freeblock, 0); /* full: off usedpools */
    T_ASSERT(h->usedpools[1] == NULL);
    ob_heap_free(h, b[3]); /* into a full pool: back on usedpools (its only pool) */
    CHECK(h);
    T_ASSERT(h->usedpools[1] == pool);
    T_EQ_PTR(ob_heap_alloc(h, 16), b[3]); /* the fast pop gives it back */
    CHECK(h);
    FREE_EACH(h, b, cap);
    ob_heap_stats_get(h, &st);
    T_EQ(st.bytes_held, 0);
    T_EQ(st.pools_used, 0);
    T_EQ(st.arenas_free, 1); /* the emptied arena is the spare */

    /* Two arenas of pools of the largest class, freed in order: the second
     * to empty finds the spare kept and becomes a free slot. */
    size_t n = 0;
    for (;;) {
        T_ASSERT(n < MAXB);
        b[n] = ob_heap_alloc(h, OB_SMALL_LIMIT);
        T_ASSERT(b[n] != NULL);
        n++;
        ob_heap_stats_get(h, &st);
        if (st.arenas_used == 3)
            break;
    }
    hp_arena *fh = h->fhead;
    FREE_EACH(h, b, n);
    ob_heap_stats_get(h, &st);
    T_EQ(st.arenas_used, 0);
    T_EQ(st.arenas_free, 1);
    T_ASSERT(h->fhead != fh); /* arenas went back to the free slots */
    T_ASSERT(h->fhead->fslot == 1);
    T_EQ(st.bytes_held, 0);
}

/* A full pool that gets a block back goes second on its list, just after
 * the head, or becomes the head of an empty list; every link is checked
 * (three pools of one class, two of them full; then a pool whose links
 * are stale from its last time on the list). */
static void test_full_pools_relisted(void)
{
    ob_heap *h = fresh(8 * OB_ARENA_SIZE);
    enum { MAXB = 800 };
    static char *b[MAXB];
    size_t cap = HP_CAPACITY(1);
    T_ASSERT(2 * cap + 1 < MAXB);
    for (size_t i = 0; i < 2 * cap + 1; i++) {
        b[i] = ob_heap_alloc(h, 16);
        T_ASSERT(b[i] != NULL);
    }
    hp_pool *p0 = (hp_pool *)pool_of(b[0]);
    hp_pool *p1 = (hp_pool *)pool_of(b[cap]);
    hp_pool *p2 = (hp_pool *)pool_of(b[2 * cap]);
    T_ASSERT(p0 != p1 && p1 != p2 && p0 != p2);
    T_ASSERT(h->usedpools[1] == p2 && p2->next == NULL);
    ob_heap_free(h, b[1]); /* p0: p2, p0 */
    CHECK(h);
    T_ASSERT(h->usedpools[1] == p2 && p2->next == p0 && p0->prev == p2 && p0->next == NULL);
    ob_heap_free(h, b[cap + 1]); /* p1: p2, p1, p0 */
    CHECK(h);
    T_ASSERT(p2->next == p1 && p1->prev == p2 && p1->next == p0 && p0->prev == p1);
    char *x = ob_heap_alloc(h, 16); /* the head serves */
    T_EQ_PTR(x, b[2 * cap] + 16);
    ob_heap_free(h, x);
    ob_heap_free(h, b[2 * cap]); /* p2 empties: p1, p0 */
    CHECK(h);
    T_ASSERT(h->usedpools[1] == p1 && p1->prev == NULL);
    T_EQ_PTR(ob_heap_alloc(h, 16), b[cap + 1]); /* p1 full again: p0 */
    T_EQ_PTR(ob_heap_alloc(h, 16), b[1]);       /* p0 full again: none */
    CHECK(h);
    T_ASSERT(h->usedpools[1] == NULL);
    ob_heap_free(h, b[cap + 2]); /* p1, with stale links, is the head alone */
    CHECK(h);
    T_ASSERT(h->usedpools[1] == p1 && p1->prev == NULL && p1->next == NULL);
    ob_heap_free(h, b[2]); /* p0 second */
    CHECK(h);
    T_ASSERT(p1->next == p0 && p0->prev == p1 && p0->next == NULL);
    b[2] = NULL;
    b[cap + 2] = NULL;
    for (size_t i = 0; i < 2 * cap; i++)
        if (b[i])
            ob_heap_free(h, b[i]);
    CHECK(h);
    ob_heap_stats_get(h, &st);
    T_EQ(st.bytes_held, 0);
    T_EQ(st.pools_used, 0);
}

/* Walkable blocks take the same release paths on their own lists (W1). */
static void test_walkable_pools(void)
{
    ob_heap *h = fresh(4 * OB_ARENA_SIZE);
    static char *b[80];
    size_t cap = HP_CAPACITY(3);
    if (cap > 80)
        cap = 80;
    for (size_t i = 0; i < cap; i++) {
        b[i] = ob_heap_alloc_walkable(h, 32);
        T_ASSERT(b[i] != NULL);
        *(uint32_t *)b[i] = 1; /* the contract: bit 0 set while in use */
        CHECK(h);
    }
    ob_heap_free(h, b[0]);
    CHECK(h);
    T_ASSERT(h->usedpools[3] == NULL);
    T_ASSERT(h->usedpools[HP_LIST(3, 1)] != NULL);
    FREE_EACH(h, b + 1, cap - 1);
    ob_heap_stats_get(h, &st);
    T_EQ(st.bytes_held, 0);
}

/* Random sizes (small and large, normal and walkable) against a shadow
 * model: contents survive, the statistics are exact (held, peak, the
 * cumulative totals), the whole-heap check holds after every operation. */
static void test_random_against_shadow(void)
{
    enum { SLOTS = 96 };
    static char *p[SLOTS];
    static uint32_t sz[SLOTS];
    static uint8_t walk[SLOTS];
    ob_heap *h = fresh(32 * OB_ARENA_SIZE);
    t_rng r = t_rng_make(t_seed());
    size_t held = 0, peak = 0, req = 0, given = 0;
    uint32_t ops = 3000 * t_scale();
    for (uint32_t i = 0; i < ops; i++) {
        uint32_t s = t_below(&r, SLOTS);
        if (p[s]) {
            for (uint32_t k = 4; k < sz[s]; k++)
                T_EQ((unsigned char)p[s][k], (unsigned char)(s + k));
            held -= ob_heap_block_size(h, p[s]);
            ob_heap_free(h, p[s]);
            p[s] = NULL;
        } else {
            uint32_t kind = t_below(&r, 8);
            uint32_t n = kind < 6 ? 1 + t_below(&r, OB_SMALL_LIMIT)
                                  : OB_SMALL_LIMIT + 1 + t_below(&r, 3 * OB_SMALL_LIMIT);
            walk[s] = t_below(&r, 4) == 0;
            char *q = walk[s] ? ob_heap_alloc_walkable(h, n) : ob_heap_alloc(h, n);
            if (!q)
                continue;
            p[s] = q;
            sz[s] = n;
            *(uint32_t *)q = 1;
            for (uint32_t k = 4; k < n; k++)
                q[k] = (char)(s + k);
            size_t bs = ob_heap_block_size(h, q);
            T_GE(bs, n);
            held += bs;
            req += n;
            given += bs;
            if (held > peak)
                peak = held;
        }
        CHECK(h);
        ob_heap_stats_get(h, &st);
        T_EQ(st.bytes_held, held);
        T_EQ(st.bytes_peak, peak);
        T_EQ(st.requested_total, req);
        T_EQ(st.held_total, given);
    }
    FREE_EACH(h, p, SLOTS);
    ob_heap_stats_get(h, &st);
    T_EQ(st.bytes_held, 0);
    T_EQ(st.large_count, 0);
}

/* Injected failures reach the release fast path too (fast_classes 0). */
static void test_injected_failure(void)
{
    ob_heap *h = fresh(4 * OB_ARENA_SIZE);
    void *a = ob_heap_alloc(h, 16);
    T_ASSERT(a != NULL);
    ob_heap_fail_set(h, 1, 1);
    void *b = ob_heap_alloc(h, 16);
    T_ASSERT(b != NULL);
    T_ASSERT(ob_heap_alloc(h, 16) == NULL);
    void *c = ob_heap_alloc(h, 16);
    T_ASSERT(c != NULL);
    ob_heap_free(h, a);
    ob_heap_free(h, b);
    ob_heap_free(h, c);
    CHECK(h);
    ob_heap_stats_get(h, &st);
    T_EQ(st.bytes_held, 0);
    T_EQ(st.oom_count, 1);
}

int main(void)
{
    static const t_case cases[] = {
        T_CASE(test_pool_and_arena_transitions),
        T_CASE(test_full_pools_relisted),
        T_CASE(test_walkable_pools),
        T_CASE(test_random_against_shadow),
        T_CASE(test_injected_failure),
    };
    return t_main("heap_release", cases, T_COUNT(cases));
}
