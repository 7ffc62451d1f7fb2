/* test_oom - every allocating path fails cleanly. SQLite's method: make
 * the Nth heap allocation fail, for N = 0, 1, 2, ... until the composite
 * operation (a dict of lists of strings) completes; at each N the result is
 * either a clean OB_E_NOMEM or the right structure, and the heap returns to
 * its starting figures once it is dropped. */
#include "obt.h"

enum { KEYS = 6, ITEMS = 3 };

/* Builds {"k<i>": ["v<i>_<j>", ...]} plus interned keys and a weak-value
 * cache; returns the dict or NULL with the error recorded, leaving nothing
 * behind on failure. */
static ob_object *build(ob_object **cache_out)
{
    ob_object *d = ob_dict_new();
    ob_object *cache = ob_wvdict_new();
    if (!d || !cache)
        goto fail;
    for (int i = 0; i < KEYS; i++) {
        ob_object *k = ob_str_printf("k%d", i);
        ob_object *ik = k ? ob_str_intern(k) : NULL;
        ob_decref(k);
        ob_object *l = ob_list_new();
        int ok = ik && l;
        for (int j = 0; ok && j < ITEMS; j++) {
            ob_object *s = ob_str_printf("v%d_%d", i, j);
            ok = s && ob_list_append(l, s) == 0;
            ob_decref(s);
        }
        if (ok) {
            ob_object *t = ob_tuple_pack(2, ik, ob_small_from(i)); /* no cycle */
            ok = t && ob_list_append(l, t) == 0 && ob_dict_set(d, ik, l) == 0 &&
                 ob_wvdict_set(cache, ik, l) == 0;
            ob_decref(t);
        }
        ob_decref(ik);
        ob_decref(l);
        if (!ok)
            goto fail;
    }
    *cache_out = cache;
    return d;
fail:
    ob_decref(d);
    ob_decref(cache);
    return NULL;
}

static void check_result(ob_object *d, ob_object *cache)
{
    T_EQ(ob_dict_len(d), KEYS);
    T_EQ(ob_wvdict_len(cache), KEYS);
    for (int i = 0; i < KEYS; i++) {
        char key[8], val[16];
        ob_snprintf(key, sizeof key, "k%d", i);
        ob_object *l = ob_dict_get_cstr(d, key);
        T_ASSERT(l != NULL);
        T_EQ(ob_list_len(l), ITEMS + 1);
        for (int j = 0; j < ITEMS; j++) {
            ob_snprintf(val, sizeof val, "v%d_%d", i, j);
            T_ASSERT(ob_str_eq_cstr(ob_list_get(l, (size_t)j), val));
        }
    }
}

static void test_fail_every_allocation_in_turn(void)
{
    obt_begin();
    uint32_t n;
    int done = 0;
    for (n = 0; n < 2000 && !done; n++) {
        ob_stats before;
        ob_stats_get(&before);
        size_t held = obt_heap_held();
        ob_heap_fail_set(ob_runtime_heap(), n, 1);
        ob_err_clear();
        ob_object *cache = NULL;
        ob_object *d = build(&cache);
        ob_heap_fail_set(ob_runtime_heap(), 0, 0);
        if (d) {
            check_result(d, cache);
            done = 1;
        } else {
            T_EQ(ob_err_code(), OB_E_NOMEM);
        }
        ob_decref(d);
        /* The cache empties itself when the values go. */
        if (cache)
            T_EQ(ob_wvdict_len(cache), 0);
        ob_decref(cache);
        ob_stats after;
        ob_stats_get(&after);
        T_EQ(after.objects, before.objects);
        T_EQ(after.blocks, before.blocks);
        T_EQ(after.bytes, before.bytes);
        T_EQ(ob_str_intern_count(), 0);
        T_EQ(obt_heap_held(), held);
        T_ASSERT(ob_heap_check(ob_runtime_heap()) == NULL);
    }
    T_ASSERT(done);
    t_printf("# composite build: %u allocation points each failed cleanly, then it succeeded\n",
             (unsigned)(n - 1));
    T_GT(n, 50);
    obt_end();
}

static void test_exhaustion_is_clean(void)
{
    obt_begin();
    /* Fill the whole heap with lists of floats until an allocation fails;
     * everything built so far stays intact and is freed completely. */
    ob_object *all = ob_list_new();
    size_t count = 0;
    for (;;) {
        ob_object *f = ob_float_from((double)count);
        if (!f)
            break;
        int rc = ob_list_append(all, f);
        ob_decref(f);
        if (rc < 0)
            break;
        count++;
    }
    T_EQ(ob_err_code(), OB_E_NOMEM);
    T_EQ(ob_list_len(all), count);
    double v;
    T_EQ(ob_float_as_double(ob_list_get(all, count - 1), &v), 0);
    T_ASSERT(v == (double)(count - 1));
    t_printf("# heap full after %u floats in a list\n", (unsigned)count);
    ob_decref(all);
    obt_end();
}

static void test_runtime_init_errors(void)
{
    obt_begin();
    void *base;
    size_t size;
    obt_heap_range(&base, &size);
    T_EQ(ob_runtime_init(base, size), OB_E_STATE); /* already running */
    ob_runtime_fini();
    static _Alignas(8) uint8_t tiny[64];
    T_EQ(ob_runtime_init(tiny, sizeof tiny), OB_E_VALUE);
    T_CONTAINS(ob_err_message(), "heap");
    T_ASSERT(ob_list_new() == NULL); /* no runtime: a clean error */
    T_EQ(ob_err_code(), OB_E_STATE);
    obt_begin();
    obt_end();
}

static const t_case cases[] = {
    T_CASE(test_fail_every_allocation_in_turn),
    T_CASE(test_exhaustion_is_clean),
    T_CASE(test_runtime_init_errors),
};

int main(void)
{
    return t_main("objects.oom", cases, T_COUNT(cases));
}
