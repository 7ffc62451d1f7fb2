/* test_stress - a seeded random mutator over lists, dicts, sets, tuples,
 * strings, floats, weak references and a weak-value cache, with random
 * allocation failures injected. After every operation: it either worked or
 * failed with a clean OB_E_NOMEM, and every container's invariants hold
 * (ob_object_check); at the end everything is dropped and the heap is back
 * to its starting figures. Replay with seed=N. */
#include "obt.h"

enum { SLOTS = 12 };

static ob_object *make_leaf(t_rng *r)
{
    switch (t_below(r, 5)) {
    case 0: return ob_int_from_i64((int64_t)t_rand(r) * (t_below(r, 2) ? 1 : 100000));
    case 1: return ob_float_from((double)t_below(r, 50) / 4.0);
    case 2: return ob_str_printf("s%u", (unsigned)t_below(r, 40));
    case 3: return ob_tuple_pack(2, ob_small_from((int32_t)t_below(r, 9)), OB_NONE);
    default: return ob_small_from((int32_t)t_below(r, 30));
    }
}

static ob_object *make_container(t_rng *r)
{
    switch (t_below(r, 4)) {
    case 0: return ob_list_new();
    case 1: return ob_dict_new();
    case 2: return ob_set_new();
    default: return ob_wvdict_new();
    }
}

static void test_random_mutator_with_failures(void)
{
    obt_begin();
    uint32_t seed = t_seed();
    t_rng r = t_rng_make(seed);
    ob_object *slot[SLOTS] = { 0 };
    ob_object *keep = ob_list_new(); /* keeps some leaves alive for the cache */
    T_ASSERT(keep != NULL);
    unsigned ok = 0, nomem = 0;
    int steps = 2000 * (int)t_scale();
    for (int step = 0; step < steps; step++) {
        if (t_below(&r, 4) == 0)
            ob_heap_fail_set(ob_runtime_heap(), t_below(&r, 4), 1);
        ob_err_clear();
        size_t i = t_below(&r, SLOTS);
        ob_object *c = slot[i];
        int rc = 0;
        if (!c || t_below(&r, 40) == 0) {
            ob_decref(c);
            slot[i] = make_container(&r);
            rc = slot[i] ? 0 : -1;
        } else {
            ob_object *x = make_leaf(&r);
            if (!x) {
                rc = -1;
            } else if (ob_is_type(c, &ob_list_type)) {
                size_t n = ob_list_len(c);
                if (n && t_below(&r, 3) == 0)
                    rc = ob_list_del(c, t_below(&r, (uint32_t)n));
                else
                    rc = ob_list_insert(c, t_below(&r, (uint32_t)n + 1), x);
            } else if (ob_is_type(c, &ob_dict_type)) {
                if (t_below(&r, 3) == 0) {
                    rc = ob_dict_del(c, x);
                    if (rc == OB_E_KEY)
                        rc = 0;
                } else {
                    rc = ob_dict_set(c, x, ob_small_from(step));
                }
            } else if (ob_is_type(c, &ob_set_type)) {
                rc = t_below(&r, 3) == 0 ? ob_set_discard(c, x) : ob_set_add(c, x);
                if (rc > 0)
                    rc = 0;
            } else {
                /* weak-value cache: values are leaves, kept alive or not */
                ob_object *k = ob_small_from((int32_t)t_below(&r, 20));
                if (!ob_is_small(x) && !ob_is_type(x, &ob_tuple_type) && ob_refcnt(x) == 1) {
                    rc = ob_wvdict_set(c, k, x);
                    if (rc == 0 && t_below(&r, 2) && ob_list_append(keep, x) < 0)
                        rc = -1;
                }
            }
            ob_decref(x);
        }
        if (rc < 0)
            T_EQ(ob_err_code(), OB_E_NOMEM);
        rc < 0 ? nomem++ : ok++;
        ob_heap_fail_set(ob_runtime_heap(), 0, 0);
        if (slot[i]) {
            const char *bad = ob_object_check(slot[i]);
            if (bad)
                t_fail(__FILE__, __LINE__, "step %d (seed=%lu): %s", step, (unsigned long)seed,
                       bad);
        }
        if (ob_list_len(keep) > 30)
            ob_list_clear(keep); /* cached values die: the caches shrink */
    }
    t_printf("# %u operations done, %u failed cleanly for want of memory\n", ok, nomem);
    T_GT(nomem, 0);
    for (int i = 0; i < SLOTS; i++)
        ob_decref(slot[i]);
    ob_decref(keep);
    obt_end();
}

static const t_case cases[] = {
    T_CASE(test_random_mutator_with_failures),
};

int main(void)
{
    return t_main("objects.stress", cases, T_COUNT(cases));
}
