/* test_list - list growth follows CPython's over-allocation pattern and
 * getsizeof follows the capacity; mutation, errors, a shadow model. */
#include "obt.h"

/* CPython 3.9+ list_resize, the reference the list is checked against. */
static size_t cpython_capacity(size_t cur_alloc, size_t cur_size, size_t newsize)
{
    if (cur_alloc >= newsize && newsize >= (cur_alloc >> 1))
        return cur_alloc;
    size_t na = (newsize + (newsize >> 3) + 6) & ~(size_t)3;
    if (newsize > cur_size && newsize - cur_size > na - newsize)
        na = (newsize + 3) & ~(size_t)3;
    return newsize == 0 ? 0 : na;
}

static void test_capacity_grows_like_cpython(void)
{
    obt_begin();
    static const uint32_t expect[] = { 0, 4, 8, 16, 24, 32, 40, 52, 64, 76, 92, 108, 128 };
    ob_object *l = ob_list_new();
    size_t k = 0, base = ob_getsizeof(l);
    T_EQ(ob_list_capacity(l), 0);
    t_printf("# len -> capacity, getsizeof:");
    for (size_t n = 0; n < 120; n++) {
        size_t cap = ob_list_capacity(l);
        if (k < T_COUNT(expect) && cap != expect[k]) {
            T_EQ(cap, expect[k + 1]);
            k++;
            t_printf(" %u->%u,%u", (unsigned)n, (unsigned)cap, (unsigned)ob_getsizeof(l));
        }
        T_EQ(cap, expect[k]);
        T_GE(ob_getsizeof(l), base + cap * sizeof(ob_object *));
        T_EQ(ob_list_append(l, ob_small_from((int32_t)n)), 0);
    }
    t_printf("\n");
    T_EQ(k, 12); /* reached 128 */
    ob_decref(l);
    obt_end();
}

static void test_getsizeof_follows_capacity(void)
{
    obt_begin();
    ob_object *l = ob_list_new();
    size_t base = ob_getsizeof(l);
    size_t prev_cap = 0, prev_size = base;
    for (int n = 0; n < 100; n++) {
        T_EQ(ob_list_append(l, OB_NONE), 0);
        size_t cap = ob_list_capacity(l), sz = ob_getsizeof(l);
        /* It changes exactly when the capacity does, and covers it. */
        if (cap == prev_cap)
            T_EQ(sz, prev_size);
        else
            T_GT(sz, prev_size);
        T_GE(sz, base + cap * sizeof(ob_object *));
        T_LT(sz, base + cap * sizeof(ob_object *) + 64); /* block rounding only */
        prev_cap = cap, prev_size = sz;
    }
    /* Referents are not counted: a list of big strings is no bigger. */
    ob_object *big = ob_list_new();
    ob_object *s = ob_str_from_cstr("a fairly long string, much longer than a pointer");
    for (int n = 0; n < 100; n++)
        T_EQ(ob_list_append(big, s), 0);
    T_EQ(ob_getsizeof(big), ob_getsizeof(l));
    ob_decref(s), ob_decref(big), ob_decref(l);
    obt_end();
}

static void test_resize_pattern_matches_reference(void)
{
    obt_begin();
    t_rng r = t_rng_make(t_seed());
    ob_object *l = ob_list_new();
    size_t alloc = 0, size = 0;
    for (int step = 0; step < 2000; step++) {
        if (size == 0 || t_below(&r, 3) != 0) {
            T_EQ(ob_list_append(l, ob_small_from(step)), 0);
            alloc = cpython_capacity(alloc, size, size + 1);
            size++;
        } else {
            ob_object *x = ob_list_pop(l, size - 1);
            T_ASSERT(x != NULL);
            alloc = cpython_capacity(alloc, size, size - 1);
            size--;
        }
        T_EQ(ob_list_len(l), size);
        T_EQ(ob_list_capacity(l), alloc);
    }
    ob_decref(l);
    obt_end();
}

static void test_mutation_against_shadow(void)
{
    obt_begin();
    enum { CAP = 200 };
    int32_t shadow[CAP];
    size_t n = 0;
    t_rng r = t_rng_make(t_seed() ^ 0x51u);
    ob_object *l = ob_list_new();
    for (int step = 0; step < 3000; step++) {
        uint32_t op = t_below(&r, 4);
        int32_t v = (int32_t)t_below(&r, 1000);
        if (op == 0 && n < CAP) {
            size_t i = t_below(&r, (uint32_t)n + 1);
            T_EQ(ob_list_insert(l, i, ob_small_from(v)), 0);
            memmove(&shadow[i + 1], &shadow[i], (n - i) * sizeof shadow[0]);
            shadow[i] = v, n++;
        } else if (op == 1 && n > 0) {
            size_t i = t_below(&r, (uint32_t)n);
            ob_object *x = ob_list_pop(l, i);
            T_ASSERT(x == ob_small_from(shadow[i]));
            memmove(&shadow[i], &shadow[i + 1], (n - i - 1) * sizeof shadow[0]);
            n--;
        } else if (op == 2 && n > 0) {
            size_t i = t_below(&r, (uint32_t)n);
            T_EQ(ob_list_set(l, i, ob_small_from(v)), 0);
            shadow[i] = v;
        } else if (n < CAP) {
            T_EQ(ob_list_append(l, ob_small_from(v)), 0);
            shadow[n++] = v;
        }
        T_EQ(ob_list_len(l), n);
        T_ASSERT(ob_object_check(l) == NULL);
        for (size_t i = 0; i < n; i++)
            T_ASSERT(ob_list_get(l, i) == ob_small_from(shadow[i]));
    }
    ob_decref(l);
    obt_end();
}

static void test_errors_leave_list_unchanged(void)
{
    obt_begin();
    ob_object *l = ob_list_new();
    T_EQ(ob_list_append(l, ob_small_from(1)), 0);
    T_EQ(ob_list_set(l, 1, OB_NONE), OB_E_INDEX);
    T_ASSERT(ob_list_pop(l, 5) == NULL);
    T_EQ(ob_err_code(), OB_E_INDEX);
    T_EQ(ob_list_del(l, 1), OB_E_INDEX);
    T_EQ(ob_list_len(l), 1);
    /* Out of memory while growing: nothing changes. */
    for (int i = 1; i < 4; i++)
        T_EQ(ob_list_append(l, ob_small_from(i)), 0);
    T_EQ(ob_list_capacity(l), 4);
    ob_heap_fail_set(ob_runtime_heap(), 0, 1);
    T_EQ(ob_list_append(l, ob_small_from(9)), OB_E_NOMEM);
    T_EQ(ob_list_len(l), 4);
    T_EQ(ob_list_capacity(l), 4);
    T_EQ(ob_list_append(l, ob_small_from(9)), 0);
    T_EQ_STR(obt_repr(l), "[1, 1, 2, 3, 9]");
    ob_list_clear(l);
    T_EQ(ob_list_len(l), 0);
    T_EQ(ob_list_capacity(l), 0);
    ob_decref(l);
    obt_end();
}

static void test_repr_eq_and_cycles(void)
{
    obt_begin();
    ob_object *a = ob_list_new(), *b = ob_list_new();
    ob_object *s = ob_str_from_cstr("x");
    ob_object *t = ob_tuple_pack(2, s, ob_small_from(2));
    T_EQ(ob_list_append(a, t), 0);
    T_EQ(ob_list_append(b, t), 0);
    ob_object *inner = ob_list_new();
    T_EQ(ob_list_append(a, inner), 0);
    ob_object *inner2 = ob_list_new();
    T_EQ(ob_list_append(b, inner2), 0);
    T_EQ(ob_eq(a, b), 1);
    T_EQ(ob_list_append(inner2, OB_NONE), 0);
    T_EQ(ob_eq(a, b), 0);
    T_EQ_STR(obt_repr(b), "[('x', 2), [None]]");
    ob_object *t1 = ob_tuple_pack(1, ob_small_from(5));
    T_EQ_STR(obt_repr(t1), "(5,)");
    /* a.append(a): printed as [...] (freed by the collector later; here we
     * break the cycle by hand). */
    T_EQ(ob_list_append(a, a), 0);
    T_EQ_STR(obt_repr(a), "[('x', 2), [], [...]]");
    T_EQ(ob_list_del(a, 2), 0);
    ob_hash_t h;
    T_EQ(ob_hash(a, &h), OB_E_UNHASHABLE);
    ob_decref(t1), ob_decref(inner), ob_decref(inner2), ob_decref(a), ob_decref(b);
    ob_decref(t), ob_decref(s);
    obt_end();
}

static const t_case cases[] = {
    T_CASE(test_capacity_grows_like_cpython),
    T_CASE(test_getsizeof_follows_capacity),
    T_CASE(test_resize_pattern_matches_reference),
    T_CASE(test_mutation_against_shadow),
    T_CASE(test_errors_leave_list_unchanged),
    T_CASE(test_repr_eq_and_cycles),
};

int main(void)
{
    return t_main("objects.list", cases, T_COUNT(cases));
}
