/* test_dict - the compact ordered dict: insertion order, CPython's growth
 * sizes, deletions that keep the table (dummies, no shrink), numeric keys
 * that are one key across int/bool/float, tuple keys, errors, and a seeded
 * shadow model. */
#include "obt.h"

static ob_object *key_str(int i)
{
    return ob_str_printf("key%d", i);
}

static void test_insertion_order_and_repr(void)
{
    obt_begin();
    ob_object *d = ob_dict_new();
    static const int order[] = { 5, 3, 9, 1, 7 };
    for (size_t i = 0; i < T_COUNT(order); i++)
        T_EQ(ob_dict_set(d, ob_small_from(order[i]), ob_small_from(order[i] * 10)), 0);
    size_t pos = 0, i = 0;
    ob_object *k, *v;
    while (ob_dict_next(d, &pos, &k, &v)) {
        T_ASSERT(k == ob_small_from(order[i]));
        T_ASSERT(v == ob_small_from(order[i] * 10));
        i++;
    }
    T_EQ(i, 5);
    T_EQ_STR(obt_repr(d), "{5: 50, 3: 30, 9: 90, 1: 10, 7: 70}");
    /* Replacing a value keeps the key's place. */
    T_EQ(ob_dict_set(d, ob_small_from(3), OB_NONE), 0);
    T_EQ_STR(obt_repr(d), "{5: 50, 3: None, 9: 90, 1: 10, 7: 70}");
    /* Deleting and re-adding moves it to the end. */
    T_EQ(ob_dict_del(d, ob_small_from(5)), 0);
    T_EQ(ob_dict_set(d, ob_small_from(5), OB_TRUE), 0);
    T_EQ_STR(obt_repr(d), "{3: None, 9: 90, 1: 10, 7: 70, 5: True}");
    ob_object *e = ob_dict_new();
    T_EQ_STR(obt_repr(e), "{}");
    ob_decref(e), ob_decref(d);
    obt_end();
}

static void test_growth_sizes_like_cpython(void)
{
    obt_begin();
    ob_object *d = ob_dict_new();
    T_EQ(ob_dict_table_size(d), 0);
    /* Linear tables of 3, 4, 6 and 8 entries (L: sized honestly), then
     * indexed tables that double like CPython's from the first one sized
     * for 3 x used. */
#if OB_DICT_LINEAR_MAX == 8 && OB_DICT_MINSIZE == 8
    static const size_t expect[] = { 3, 4, 6, 8, 32, 64, 128, 256, 512 };
#elif OB_DICT_LINEAR_MAX == 0 && OB_DICT_MINSIZE == 8
    static const size_t expect[] = { 8, 16, 32, 64, 128, 256, 512 };
#else
    t_printf("# growth sizes checked for the default configuration only\n");
    ob_decref(d);
    obt_end();
    return;
#endif
    size_t prev = 0, prev_cap = 0, step = 0;
    int n = 0;
    t_printf("# dict keys -> table slots (usable):");
    for (; n < 200; n++) {
        ob_object *k = key_str(n);
        if (!k)
            break; /* small boards: as many as fit */
        int rc = ob_dict_set(d, k, ob_small_from(n));
        ob_decref(k);
        if (rc == OB_E_NOMEM)
            break;
        T_EQ(rc, 0);
        size_t size = ob_dict_table_size(d);
        if (size != prev) {
            t_printf(" %d->%u%s(%u)", n + 1, (unsigned)size, ob_dict_is_linear(d) ? "L" : "",
                     (unsigned)ob_dict_capacity(d));
            /* A resize happens exactly when the old table had no entry left. */
            T_EQ((size_t)n, prev_cap);
            T_ASSERT(step < T_COUNT(expect));
            T_EQ(size, expect[step]);
            step++;
            prev = size;
        }
        prev_cap = ob_dict_capacity(d);
    }
    t_printf("\n");
    ob_err_clear();
    T_GE(n, 100);
    if (n == 200)
        T_EQ(step, T_COUNT(expect));
    for (int i = 0; i < n; i++) {
        ob_object *k = key_str(i);
        T_ASSERT(ob_dict_get(d, k) == ob_small_from(i));
        ob_decref(k);
    }
    ob_decref(d);
    obt_end();
}

static void test_table_kept_after_deletions(void)
{
    obt_begin();
    ob_object *d = ob_dict_new();
    for (int i = 0; i < 40; i++)
        T_EQ(ob_dict_set(d, ob_small_from(i), OB_NONE), 0);
    size_t size = ob_dict_table_size(d), cap = ob_dict_capacity(d), bytes = ob_getsizeof(d);
    t_printf("# 40 keys: table %u slots, getsizeof %u bytes\n", (unsigned)size, (unsigned)bytes);
    for (int i = 0; i < 40; i++) {
        T_EQ(ob_dict_del(d, ob_small_from(i)), 0);
        /* No shrink on delete: the same table, the same memory. */
        T_EQ(ob_dict_table_size(d), size);
        T_EQ(ob_dict_capacity(d), cap);
        T_EQ(ob_getsizeof(d), bytes);
    }
    T_EQ(ob_dict_len(d), 0);
    t_printf("# after deleting all: table %u slots, getsizeof %u bytes (kept)\n",
             (unsigned)ob_dict_table_size(d), (unsigned)ob_getsizeof(d));
    T_EQ(ob_dict_del(d, ob_small_from(3)), OB_E_KEY);
    /* Deleted entries are not reused: the next insertions use the entries
     * left over, then the table is rebuilt (compacted, smaller). */
    size_t left = cap - 40;
    for (size_t i = 0; i < left; i++) {
        T_EQ(ob_dict_set(d, ob_small_from(100 + (int)i), OB_NONE), 0);
        T_EQ(ob_dict_table_size(d), size);
    }
    T_EQ(ob_dict_set(d, ob_small_from(999), OB_NONE), 0);
    T_LT(ob_dict_table_size(d), size);
    T_EQ(ob_dict_len(d), left + 1);
    ob_decref(d);
    obt_end();
}

static void test_small_dicts_are_linear(void)
{
    obt_begin();
    ob_object *d = ob_dict_new();
    ob_object *k[3];
    for (int i = 0; i < 3; i++) {
        k[i] = ob_str_printf("k%d", i); /* equal but not identical keys below */
        T_EQ(ob_dict_set(d, k[i], ob_small_from(i)), 0);
    }
    size_t bytes = ob_getsizeof(d);
    t_printf("# 3-key dict: getsizeof %u bytes (%s table of %u)\n", (unsigned)bytes,
             ob_dict_is_linear(d) ? "linear" : "indexed", (unsigned)ob_dict_table_size(d));
    if (OB_DICT_LINEAR_MAX >= 4) {
        T_ASSERT(ob_dict_is_linear(d));
        T_EQ(ob_dict_table_size(d), 3); /* sized honestly: 3 entries */
        if (sizeof(void *) == 4)
            T_EQ(bytes, 56); /* 24 + (8 + 3 x 8) */
    }
    ob_object *again = ob_str_from_cstr("k1");
    T_ASSERT(ob_dict_get(d, again) == ob_small_from(1));
    ob_object *f = ob_float_from(2.0);
    T_EQ(ob_dict_set(d, f, OB_NONE), 0);
    if (OB_DICT_LINEAR_MAX >= 4) {
        T_EQ(ob_dict_table_size(d), 4); /* the fourth key: a table of 4 */
        if (sizeof(void *) == 4)
            T_EQ(ob_getsizeof(d), 64);
    }
    bytes = ob_getsizeof(d);
    T_EQ(ob_dict_contains(d, OB_TRUE), 0);
    T_EQ(ob_dict_contains(d, ob_small_from(2)), 1); /* 2 == 2.0 */
    T_EQ(ob_dict_del(d, again), 0);
    T_EQ(ob_dict_del(d, again), OB_E_KEY);
    T_EQ(ob_getsizeof(d), bytes); /* no shrink on delete */
    T_EQ_STR(obt_repr(d), "{'k0': 0, 'k2': 2, 2.0: None}");
    ob_decref(f), ob_decref(again);
    for (int i = 0; i < 3; i++)
        ob_decref(k[i]);
    ob_decref(d);
    obt_end();
}

static void test_numeric_and_tuple_keys(void)
{
    obt_begin();
    ob_object *d = ob_dict_new();
    ob_object *f2 = ob_float_from(2.0);
    T_EQ(ob_dict_set(d, ob_small_from(2), ob_small_from(1)), 0);
    T_ASSERT(ob_dict_get(d, f2) == ob_small_from(1));
    T_EQ(ob_dict_set(d, OB_FALSE, ob_small_from(0)), 0);
    T_ASSERT(ob_dict_get(d, ob_small_from(0)) == ob_small_from(0));
    ob_object *t1 = ob_tuple_pack(2, ob_small_from(1), ob_small_from(2));
    ob_object *t2 = ob_tuple_pack(2, OB_TRUE, f2);
    T_EQ(ob_dict_set(d, t1, OB_NONE), 0);
    T_EQ(ob_dict_contains(d, t2), 1); /* (True, 2.0) == (1, 2) */
    ob_object *l = ob_list_new();
    ob_object *bad = ob_tuple_pack(1, l);
    T_EQ(ob_dict_set(d, bad, OB_NONE), OB_E_UNHASHABLE);
    T_EQ(ob_dict_contains(d, bad), OB_E_UNHASHABLE);
    T_EQ(ob_dict_len(d), 3);
    ob_decref(bad), ob_decref(l), ob_decref(t1), ob_decref(t2), ob_decref(f2), ob_decref(d);
    obt_end();
}

static void test_equality(void)
{
    obt_begin();
    ob_object *a = ob_dict_new(), *b = ob_dict_new();
    ob_object *la = ob_list_new(), *lb = ob_list_new();
    T_EQ(ob_list_append(la, ob_small_from(1)), 0);
    T_EQ(ob_list_append(lb, ob_small_from(1)), 0);
    T_EQ(ob_dict_set_cstr(a, "x", la), 0);
    T_EQ(ob_dict_set_cstr(a, "y", OB_NONE), 0);
    T_EQ(ob_dict_set_cstr(b, "y", OB_NONE), 0);
    T_EQ(ob_dict_set_cstr(b, "x", lb), 0);
    T_EQ(ob_eq(a, b), 1); /* order does not matter for == */
    T_EQ(ob_list_append(lb, ob_small_from(2)), 0);
    T_EQ(ob_eq(a, b), 0);
    T_ASSERT(ob_dict_get_cstr(a, "x") == la);
    /* Lookups by C string allocate nothing, interned key or not. */
    ob_object *plain = ob_str_from_cstr("plain key");
    T_EQ(ob_dict_set(a, plain, OB_TRUE), 0);
    ob_heap_fail_set(ob_runtime_heap(), 0, 1000);
    T_ASSERT(ob_dict_get_cstr(a, "x") == la);
    T_ASSERT(ob_dict_get_cstr(a, "plain key") == OB_TRUE);
    T_ASSERT(ob_dict_get_cstr(a, "absent") == NULL);
    T_EQ(ob_err_code(), OB_E_KEY);
    ob_heap_fail_set(ob_runtime_heap(), 0, 0);
    ob_decref(plain);
    ob_decref(la), ob_decref(lb), ob_decref(a), ob_decref(b);
    obt_end();
}

static void test_shadow_model(void)
{
    obt_begin();
    enum { KEYS = 64 };
    int32_t shadow[KEYS]; /* value + 1, 0 = absent */
    uint32_t order[KEYS];
    size_t norder = 0;
    memset(shadow, 0, sizeof shadow);
    t_rng r = t_rng_make(t_seed());
    ob_object *d = ob_dict_new();
    ob_object *keys[KEYS];
    for (int i = 0; i < KEYS; i++) {
        keys[i] = (i & 1) ? key_str(i) : ob_int_from_i64((int64_t)i * 1000003 - 5000);
        T_ASSERT(keys[i] != NULL);
    }
    int steps = 1500 * (int)t_scale();
    for (int step = 0; step < steps; step++) {
        uint32_t k = t_below(&r, KEYS);
        if (t_below(&r, 3) == 0) {
            int rc = ob_dict_del(d, keys[k]);
            T_EQ(rc, shadow[k] ? 0 : OB_E_KEY);
            if (shadow[k]) {
                size_t j = 0;
                while (order[j] != k)
                    j++;
                memmove(&order[j], &order[j + 1], (norder - j - 1) * sizeof order[0]);
                norder--;
            }
            shadow[k] = 0;
        } else {
            int32_t v = (int32_t)t_below(&r, 100000);
            T_EQ(ob_dict_set(d, keys[k], ob_small_from(v)), 0);
            if (!shadow[k])
                order[norder++] = k;
            shadow[k] = v + 1;
        }
        T_EQ(ob_dict_len(d), norder);
        const char *bad = ob_object_check(d);
        if (bad)
            t_fail(__FILE__, __LINE__, "step %d: %s", step, bad);
        if (step % 16 == 0) {
            size_t pos = 0, j = 0;
            ob_object *kk, *vv;
            while (ob_dict_next(d, &pos, &kk, &vv)) {
                T_ASSERT(kk == keys[order[j]]);
                T_ASSERT(vv == ob_small_from(shadow[order[j]] - 1));
                j++;
            }
            T_EQ(j, norder);
        }
    }
    for (int i = 0; i < KEYS; i++)
        ob_decref(keys[i]);
    ob_decref(d);
    obt_end();
}

static void test_out_of_memory_leaves_dict_unchanged(void)
{
    obt_begin();
    ob_object *d = ob_dict_new();
    int n = 0;
    while (n == 0 || ob_dict_len(d) < ob_dict_capacity(d))
        T_EQ(ob_dict_set(d, ob_small_from(n++), OB_NONE), 0);
    size_t size = ob_dict_table_size(d);
    char before[128];
    ob_repr_buf(d, before, sizeof before);
    ob_heap_fail_set(ob_runtime_heap(), 0, 1);
    T_EQ(ob_dict_set(d, ob_small_from(n), OB_NONE), OB_E_NOMEM);
    T_EQ(ob_dict_len(d), (size_t)n);
    T_EQ(ob_dict_table_size(d), size);
    T_EQ(ob_dict_contains(d, ob_small_from(n)), 0);
    T_EQ_STR(obt_repr(d), before);
    T_EQ(ob_dict_set(d, ob_small_from(n), OB_NONE), 0);
    T_GT(ob_dict_capacity(d), (size_t)n);
    ob_decref(d);
    obt_end();
}

/* The checker catches each broken invariant (white box: corrupts a dict's
 * fields through the private layout, then restores them). */
#include "../../runtime/ob_impl.h"
typedef struct {
    ob_object head;
    uint32_t used;
    void *keys;
    ob_object **values;
} dict_view;

static void test_checker_catches_corruption(void)
{
    obt_begin();
    ob_object *small = ob_dict_new(), *big = ob_dict_new();
    for (int i = 0; i < 3; i++)
        T_EQ(ob_dict_set(small, ob_small_from(i), OB_NONE), 0);
    for (int i = 0; i < 30; i++)
        T_EQ(ob_dict_set(big, ob_small_from(i), OB_NONE), 0);
    T_EQ(ob_dict_del(big, ob_small_from(7)), 0);
    T_ASSERT(ob_object_check(small) == NULL);
    T_ASSERT(ob_object_check(big) == NULL);
    dict_view *v = (dict_view *)(void *)big;
    v->used++;
    T_CONTAINS(ob_object_check(big), "D1");
    v->used--;
    /* An index byte pointing at the deleted entry (7). */
    uint8_t *ix = (uint8_t *)v->keys + 8;
    size_t slots = ob_dict_table_size(big), hit = slots;
    for (size_t i = 0; i < slots; i++)
        if (ix[i] == 0xFE) /* DUMMY, int8 -2 */
            hit = i;
    T_ASSERT(hit < slots);
    ix[hit] = 7;
    T_CONTAINS(ob_object_check(big), "D3");
    ix[hit] = 0xFE;
    T_ASSERT(ob_object_check(big) == NULL);
    ob_object *l = ob_list_new();
    T_EQ(ob_list_append(l, OB_NONE), 0);
    ob_listobj *lv = (ob_listobj *)(void *)l;
    lv->size = 9;
    T_CONTAINS(ob_object_check(l), "above capacity");
    lv->size = 1;
    T_ASSERT(ob_object_check(l) == NULL);
    ob_decref(l), ob_decref(small), ob_decref(big);
    obt_end();
}

static const t_case cases[] = {
    T_CASE(test_checker_catches_corruption),
    T_CASE(test_insertion_order_and_repr),
    T_CASE(test_growth_sizes_like_cpython),
    T_CASE(test_table_kept_after_deletions),
    T_CASE(test_small_dicts_are_linear),
    T_CASE(test_numeric_and_tuple_keys),
    T_CASE(test_equality),
    T_CASE(test_shadow_model),
    T_CASE(test_out_of_memory_leaves_dict_unchanged),
};

int main(void)
{
    return t_main("objects.dict", cases, T_COUNT(cases));
}
