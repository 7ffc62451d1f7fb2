/* test_types - tuple, set, typed arrays, struct types vs instance types
 * (slots smaller than a dict; PEP 412 key sharing), weak references and the
 * weak-value dict, getsizeof vs deep size. */
#include "obt.h"

static void test_tuple_basics(void)
{
    obt_begin();
    ob_object *s = ob_str_from_cstr("a");
    ob_object *t = ob_tuple_pack(3, ob_small_from(1), s, OB_NONE);
    T_EQ(ob_tuple_len(t), 3);
    T_ASSERT(ob_tuple_get(t, 1) == s);
    T_EQ(ob_refcnt(s), 2);
    T_ASSERT(ob_tuple_get(t, 3) == NULL);
    T_EQ(ob_err_code(), OB_E_INDEX);
    T_EQ_STR(obt_repr(t), "(1, 'a', None)");
    ob_incref(t);
    T_EQ(ob_tuple_set(t, 0, OB_NONE), OB_E_STATE); /* shared: immutable */
    ob_decref(t);
    ob_object *n = ob_tuple_pack(2, t, OB_EMPTY_TUPLE);
    T_EQ_STR(obt_repr(n), "((1, 'a', None), ())");
    ob_hash_t h1, h2;
    ob_object *t2 = ob_tuple_pack(3, ob_small_from(1), s, OB_NONE);
    ob_object *n2 = ob_tuple_pack(2, t2, OB_EMPTY_TUPLE);
    T_EQ(ob_hash(n, &h1), 0);
    T_EQ(ob_hash(n2, &h2), 0);
    T_EQ(h1, h2);
    T_EQ(ob_eq(n, n2), 1);
    ob_decref(n), ob_decref(n2), ob_decref(t), ob_decref(t2), ob_decref(s);
    T_EQ(ob_getsizeof(OB_EMPTY_TUPLE), 0); /* immortal constant */
    obt_end();
}

static void test_set(void)
{
    obt_begin();
    ob_object *s = ob_set_new();
    T_EQ_STR(obt_repr(s), "set()");
    for (int i = 0; i < 50; i++)
        T_EQ(ob_set_add(s, ob_small_from(i % 25)), 0);
    T_EQ(ob_set_len(s), 25);
    T_ASSERT(ob_object_check(s) == NULL);
    ob_object *f = ob_float_from(3.0);
    T_EQ(ob_set_contains(s, f), 1);
    T_EQ(ob_set_add(s, f), 0); /* 3.0 == 3: already there */
    T_EQ(ob_set_len(s), 25);
    T_EQ(ob_set_discard(s, OB_TRUE), 1); /* removes 1 */
    T_EQ(ob_set_discard(s, OB_TRUE), 0);
    T_EQ(ob_set_len(s), 24);
    ob_object *l = ob_list_new();
    T_EQ(ob_set_add(s, l), OB_E_UNHASHABLE);
    size_t sz = ob_getsizeof(s);
    for (int i = 0; i < 25; i++)
        T_ASSERT(ob_set_discard(s, ob_small_from(i)) >= 0);
    T_EQ(ob_set_len(s), 0);
    T_ASSERT(ob_object_check(s) == NULL);
    T_EQ(ob_getsizeof(s), sz); /* no shrink on delete */
    ob_object *one = ob_set_new();
    T_EQ(ob_set_add(one, ob_small_from(7)), 0);
    T_EQ_STR(obt_repr(one), "{7}");
    ob_decref(one), ob_decref(l), ob_decref(f), ob_decref(s);
    obt_end();
}

static void test_typed_arrays(void)
{
    obt_begin();
    ob_object *a = ob_array_new(OB_ARR_I16, 100);
    T_EQ(ob_array_len(a), 100);
    /* Raw numbers in one block: 2 bytes per item plus the header. */
    T_LE(ob_getsizeof(a), 200 + 24 + 16);
    T_EQ(ob_array_set(a, 3, ob_small_from(-32768)), 0);
    T_EQ(ob_array_set(a, 4, ob_small_from(32768)), OB_E_OVERFLOW);
    T_EQ(ob_array_set(a, 100, ob_small_from(1)), OB_E_INDEX);
    ob_object *x = ob_array_get(a, 3);
    T_ASSERT(x == ob_small_from(-32768));
    T_EQ(((int16_t *)ob_array_data(a))[3], -32768);
    ob_object *u = ob_array_new(OB_ARR_U32, 2);
    T_EQ(ob_array_set(u, 0, ob_small_from(-1)), OB_E_OVERFLOW);
    ob_object *big = ob_int_from_i64(4000000000);
    T_EQ(ob_array_set(u, 1, big), 0);
    ob_object *g = ob_array_get(u, 1);
    T_EQ(ob_eq(g, big), 1);
    ob_object *f = ob_array_new(OB_ARR_F64, 2);
    ob_object *pi = ob_float_from(3.25);
    T_EQ(ob_array_set(f, 0, pi), 0);
    T_EQ(ob_array_set(f, 1, ob_small_from(2)), 0);
    T_EQ(ob_array_set(a, 0, pi), OB_E_TYPE);
    T_EQ_STR(obt_repr(f), "array('d', [3.25, 2.0])");
    ob_decref(a), ob_decref(u), ob_decref(big), ob_decref(g), ob_decref(f), ob_decref(pi);
    obt_end();
}

static ob_type point_struct, point_instance;
static const char *const xyz[] = { "x", "y", "z" };

static void test_slots_smaller_than_dict(void)
{
    obt_begin();
    /* the collector's layout of a struct's references holds up to 32 767 slots */
    T_EQ(ob_struct_type_init(&point_struct, "PointS", xyz, 0x8000u), OB_E_VALUE);
    T_EQ(ob_struct_type_init(&point_struct, "PointS", xyz, 3), 0);
    T_EQ(ob_instance_type_init(&point_instance, "Point"), 0);
    ob_object *s = ob_struct_new(&point_struct);
    ob_object *o = ob_instance_new(&point_instance);
    T_ASSERT(s && o);
    for (int i = 0; i < 3; i++) {
        T_EQ(ob_struct_setattr(s, xyz[i], ob_small_from(i)), 0);
        T_EQ(ob_instance_setattr(o, xyz[i], ob_small_from(i)), 0);
    }
    T_ASSERT(ob_struct_getattr(s, "y") == ob_small_from(1));
    T_ASSERT(ob_instance_getattr(o, "z") == ob_small_from(2));
    size_t ss, os, ds;
    T_EQ(ob_deepsize(s, &ss), 0);
    T_EQ(ob_deepsize(o, &os), 0);
    T_ASSERT(!ob_instance_has_dict(o)); /* values inline */
    t_printf("# 3 attributes: struct with slots %u bytes, instance %u bytes (values inline)",
             (unsigned)ss, (unsigned)os);
    T_LT(ss, os);
    if (sizeof(void *) == 4) {
        T_EQ(ss, 24);
        T_EQ(os, 32);
    }
    /* Asking for the dict makes one (split, values moved out of line). */
    T_ASSERT(ob_instance_dict(o) != NULL);
    T_EQ(ob_deepsize(o, &ds), 0);
    t_printf(", %u with its __dict__ (instance %u + dict and values %u)\n", (unsigned)ds,
             (unsigned)ob_getsizeof(o), (unsigned)ob_getsizeof(ob_instance_dict(o)));
    T_GT(ds, os);
    T_EQ(ob_struct_setattr(s, "w", OB_NONE), OB_E_KEY); /* no dict: no new attributes */
    T_EQ(ob_instance_setattr(o, "w", OB_NONE), 0);
    T_ASSERT(ob_instance_getattr(o, "nope") == NULL);
    T_EQ(ob_err_code(), OB_E_KEY);
    ob_decref(s), ob_decref(o);
    ob_instance_type_fini(&point_instance);
    obt_end();
}

static void test_instances_share_keys(void)
{
    obt_begin();
    T_EQ(ob_instance_type_init(&point_instance, "Point"), 0);
    ob_object *a = ob_instance_new(&point_instance);
    ob_object *b = ob_instance_new(&point_instance);
    ob_object *c = ob_instance_new(&point_instance);
    for (int i = 0; i < 3; i++) {
        T_EQ(ob_instance_setattr(a, xyz[i], ob_small_from(i)), 0);
        T_EQ(ob_instance_setattr(b, xyz[i], ob_small_from(10 + i)), 0);
    }
    /* Same order: both dicts stay split over the type's one key table, and
     * each costs only its values, not a key table. */
    T_ASSERT(ob_dict_is_split(ob_instance_dict(a)));
    T_ASSERT(ob_dict_is_split(ob_instance_dict(b)));
    ob_object *plain = ob_dict_new();
    for (int i = 0; i < 3; i++)
        T_EQ(ob_dict_set_cstr(plain, xyz[i], ob_small_from(i)), 0);
    t_printf("# 3-key dict: split %u bytes, combined %u bytes\n",
             (unsigned)ob_getsizeof(ob_instance_dict(a)), (unsigned)ob_getsizeof(plain));
    T_LT(ob_getsizeof(ob_instance_dict(a)), ob_getsizeof(plain));
    T_EQ(ob_eq(ob_instance_dict(a), plain), 1);
    T_EQ_STR(obt_repr(ob_instance_dict(b)), "{'x': 10, 'y': 11, 'z': 12}");
    /* A different order un-shares that instance only. */
    T_EQ(ob_instance_setattr(c, "z", ob_small_from(1)), 0);
    T_ASSERT(!ob_dict_is_split(ob_instance_dict(c)));
    T_EQ_STR(obt_repr(ob_instance_dict(c)), "{'z': 1}");
    /* Deleting an attribute un-shares too, keeping the rest. */
    T_EQ(ob_dict_del(ob_instance_dict(b), OB_NONE), OB_E_KEY);
    T_ASSERT(ob_dict_is_split(ob_instance_dict(b)));
    ob_object *ky = ob_str_intern_cstr("y");
    T_EQ(ob_dict_del(ob_instance_dict(b), ky), 0);
    ob_decref(ky);
    T_ASSERT(!ob_dict_is_split(ob_instance_dict(b)));
    T_EQ_STR(obt_repr(ob_instance_dict(b)), "{'x': 10, 'z': 12}");
    T_ASSERT(ob_object_check(ob_instance_dict(a)) == NULL);
    T_ASSERT(ob_object_check(ob_instance_dict(b)) == NULL);
    T_ASSERT(ob_object_check(ob_instance_dict(c)) == NULL);
    T_ASSERT(ob_dict_is_split(ob_instance_dict(a)));
    ob_decref(plain), ob_decref(a), ob_decref(b), ob_decref(c);
    ob_instance_type_fini(&point_instance);
    obt_end();
}

/* Inline values (CPython 3.13): up to 4 attributes in shared order live in
 * the instance; the dict appears only when asked for or needed. */
static void test_instance_values_inline(void)
{
    obt_begin();
    static const char *const names[] = { "a", "b", "c", "d", "e" };
    T_EQ(ob_instance_type_init(&point_instance, "Point"), 0);
    ob_object *p = ob_instance_new(&point_instance), *q = ob_instance_new(&point_instance);
    ob_object *r = ob_instance_new(&point_instance);
    T_ASSERT(p && q && r);
    size_t empty = ob_getsizeof(p);
    for (int i = 0; i < 4; i++) {
        T_EQ(ob_instance_setattr(p, names[i], ob_small_from(i)), 0);
        T_ASSERT(!ob_instance_has_dict(p));
        T_EQ(ob_getsizeof(p), empty); /* no block grows */
    }
    T_EQ(ob_instance_setattr(p, "b", ob_small_from(7)), 0); /* replace inline */
    T_ASSERT(ob_instance_getattr(p, "b") == ob_small_from(7));
    T_ASSERT(ob_instance_getattr(p, "e") == NULL);
    T_EQ(ob_err_code(), OB_E_KEY);
    T_ASSERT(ob_instance_getattr(p, "a-name-longer-than-any-probe-buffer-holds-on-the-stack") == NULL);
    /* q follows the shared order for two names: inline too. */
    T_EQ(ob_instance_setattr(q, "a", OB_TRUE), 0);
    T_EQ(ob_instance_setattr(q, "b", OB_FALSE), 0);
    T_ASSERT(!ob_instance_has_dict(q));
    /* A fifth attribute: p gets a dict, still split over the shared keys. */
    T_EQ(ob_instance_setattr(p, "e", ob_small_from(4)), 0);
    T_ASSERT(ob_instance_has_dict(p));
    T_ASSERT(ob_dict_is_split(ob_instance_dict(p)));
    T_EQ_STR(obt_repr(ob_instance_dict(p)), "{'a': 0, 'b': 7, 'c': 2, 'd': 3, 'e': 4}");
    T_ASSERT(ob_instance_getattr(p, "c") == ob_small_from(2));
    T_ASSERT(ob_object_check(ob_instance_dict(p)) == NULL);
    /* Out of the shared order (c before b is skipped): r gets a dict. */
    T_EQ(ob_instance_setattr(r, "c", OB_NONE), 0);
    T_ASSERT(ob_instance_has_dict(r));
    T_ASSERT(!ob_dict_is_split(ob_instance_dict(r)));
    T_EQ_STR(obt_repr(ob_instance_dict(r)), "{'c': None}");
    /* Asking for q's dict moves its values; q keeps working through it. */
    T_EQ(ob_refcnt(OB_TRUE), OB_REFCNT_IMMORTAL);
    ob_object *f = ob_float_from(1.5);
    T_EQ(ob_instance_setattr(q, "c", f), 0);
    T_EQ(ob_refcnt(f), 2);
    ob_heap_fail_set(ob_runtime_heap(), 0, 1); /* the dict cannot be made */
    T_ASSERT(ob_instance_dict(q) == NULL);
    T_EQ(ob_err_code(), OB_E_NOMEM);
    ob_heap_fail_set(ob_runtime_heap(), 0, 0);
    T_ASSERT(!ob_instance_has_dict(q)); /* unchanged */
    T_ASSERT(ob_instance_getattr(q, "c") == f);
    ob_object *qd = ob_instance_dict(q);
    T_ASSERT(qd && ob_dict_is_split(qd) && ob_instance_dict(q) == qd);
    T_EQ(ob_refcnt(f), 2); /* moved, not copied */
    T_EQ_STR(obt_repr(qd), "{'a': True, 'b': False, 'c': 1.5}");
    T_EQ(ob_instance_setattr(q, "d", OB_NONE), 0);
    T_EQ(ob_dict_len(qd), 4);
    /* The type's table outlives no instance: fini refuses while they live. */
    ob_instance_type_fini(&point_instance);
    T_EQ(obt_panics, 1);
    T_CONTAINS(obt_panic_msg, "instances");
    obt_panics = 0;
    ob_decref(p), ob_decref(q), ob_decref(r), ob_decref(f);
    ob_instance_type_fini(&point_instance);
    obt_end();
}

/* An allocation failing at every point of making and filling instances
 * leaves everything as it was. */
static void test_instance_oom(void)
{
    obt_begin();
    T_EQ(ob_instance_type_init(&point_instance, "Point"), 0);
    int done = 0;
    for (uint32_t n = 0; n < 100 && !done; n++) {
        ob_stats before;
        ob_stats_get(&before);
        ob_heap_fail_set(ob_runtime_heap(), n, 1);
        ob_object *o = ob_instance_new(&point_instance);
        int ok = o != NULL;
        for (int i = 0; ok && i < 3; i++)
            ok = ob_instance_setattr(o, xyz[i], ob_small_from(i)) == 0;
        ok = ok && ob_instance_dict(o) != NULL;
        ok = ok && ob_instance_setattr(o, "w", OB_NONE) == 0;
        ob_heap_fail_set(ob_runtime_heap(), 0, 0);
        if (ok) {
            done = 1;
            T_EQ_STR(obt_repr(ob_instance_dict(o)), "{'x': 0, 'y': 1, 'z': 2, 'w': None}");
        } else {
            T_EQ(ob_err_code(), OB_E_NOMEM);
        }
        ob_decref(o);
        ob_stats after;
        ob_stats_get(&after);
        T_GE(before.objects + 4, after.objects); /* interned names stay with the shared keys */
    }
    T_ASSERT(done);
    ob_instance_type_fini(&point_instance);
    obt_end();
}

/* repr of structs and instances: "Name(a=1, b=2)"; a struct or instance
 * inside one being printed shows as "Name(...)" (bounded stack). */
static void test_struct_and_instance_repr(void)
{
    obt_begin();
    T_EQ(ob_struct_type_init(&point_struct, "PointS", xyz, 3), 0);
    T_EQ(ob_instance_type_init(&point_instance, "Point"), 0);
    ob_object *s = ob_struct_new(&point_struct), *o = ob_instance_new(&point_instance);
    T_ASSERT(s && o);
    T_EQ_STR(obt_repr(s), "PointS(x=None, y=None, z=None)");
    T_EQ_STR(obt_repr(o), "Point()");
    ob_object *name = ob_str_from_cstr("ab");
    T_EQ(ob_struct_set(s, 0, ob_small_from(1)), 0);
    T_EQ(ob_struct_set(s, 1, name), 0);
    T_EQ(ob_instance_setattr(o, "x", ob_small_from(1)), 0);
    T_EQ(ob_instance_setattr(o, "y", name), 0);
    T_EQ_STR(obt_repr(s), "PointS(x=1, y='ab', z=None)");
    T_EQ_STR(obt_repr(o), "Point(x=1, y='ab')");
    ob_object *l = ob_list_new();
    T_EQ(ob_list_append(l, o), 0);
    T_EQ(ob_struct_set(s, 2, l), 0);
    T_EQ_STR(obt_repr(s), "PointS(x=1, y='ab', z=[Point(...)])");
    T_EQ_STR(obt_repr(l), "[Point(x=1, y='ab')]");
    T_EQ(ob_struct_set(s, 0, s), 0); /* a cycle through itself */
    T_EQ_STR(obt_repr(s), "PointS(x=PointS(...), y='ab', z=[Point(...)])");
    T_ASSERT(ob_instance_dict(o) != NULL); /* through the dict: same text */
    T_EQ_STR(obt_repr(o), "Point(x=1, y='ab')");
    T_EQ(ob_struct_set(s, 0, OB_NONE), 0);
    ob_decref(s), ob_decref(o), ob_decref(l), ob_decref(name);
    ob_instance_type_fini(&point_instance);
    obt_end();
}

static int cb_runs;
static ob_object *cb_wr;
static void on_dead(ob_object *wr, void *ctx)
{
    cb_runs++;
    cb_wr = wr;
    T_ASSERT(ctx == &cb_runs);
    T_ASSERT(ob_weakref_get(wr) == NULL); /* already cleared */
}

static void test_weakref_dies_with_referent(void)
{
    obt_begin();
    cb_runs = 0;
    ob_object *o = ob_list_new();
    ob_object *w1 = ob_weakref_new(o, on_dead, &cb_runs);
    ob_object *w2 = ob_weakref_new(o, NULL, NULL);
    T_EQ(ob_weakref_count(o), 2);
    T_EQ(ob_refcnt(o), 1); /* weak references do not count */
    ob_object *g = ob_weakref_get(w1);
    T_ASSERT(g == o);
    ob_decref(g);
    ob_decref(o); /* dies */
    T_EQ(cb_runs, 1);
    T_ASSERT(cb_wr == w1);
    T_ASSERT(ob_weakref_get(w1) == NULL);
    T_ASSERT(ob_weakref_get(w2) == NULL);
    ob_decref(w1), ob_decref(w2);
    T_EQ(cb_runs, 1); /* exactly once */
    /* A weak reference that dies first never calls back. */
    ob_object *o2 = ob_str_from_cstr("short-lived ref");
    ob_object *w3 = ob_weakref_new(o2, on_dead, &cb_runs);
    ob_decref(w3);
    T_EQ(ob_weakref_count(o2), 0);
    ob_decref(o2);
    T_EQ(cb_runs, 1);
    /* Immortal objects and small ints cannot be weakly referenced. */
    T_ASSERT(ob_weakref_new(OB_NONE, NULL, NULL) == NULL);
    T_EQ(ob_err_code(), OB_E_TYPE);
    T_ASSERT(ob_weakref_new(ob_small_from(5), NULL, NULL) == NULL);
    obt_end();
}

static void test_weak_value_dict_empties_itself(void)
{
    obt_begin();
    ob_object *cache = ob_wvdict_new();
    ob_object *vals[10];
    for (int i = 0; i < 10; i++) {
        vals[i] = ob_str_printf("value %d", i);
        ob_object *k = ob_str_printf("k%d", i);
        T_EQ(ob_wvdict_set(cache, k, vals[i]), 0);
        ob_decref(k);
    }
    T_EQ(ob_wvdict_len(cache), 10);
    ob_object *k3 = ob_str_from_cstr("k3");
    ob_object *v = ob_wvdict_get(cache, k3);
    T_ASSERT(v == vals[3]);
    ob_decref(v);
    for (int i = 0; i < 10; i += 2)
        ob_decref(vals[i]);
    T_EQ(ob_wvdict_len(cache), 5);
    ob_object *k4 = ob_str_from_cstr("k4");
    T_ASSERT(ob_wvdict_get(cache, k4) == NULL);
    T_EQ(ob_err_code(), OB_E_KEY);
    for (int i = 1; i < 10; i += 2)
        ob_decref(vals[i]);
    T_EQ(ob_wvdict_len(cache), 0); /* emptied itself */
    T_ASSERT(ob_wvdict_get(cache, k3) == NULL);
    /* The dict dying first: its entries' weak references go with it. */
    ob_object *keep = ob_list_new();
    T_EQ(ob_wvdict_set(cache, k3, keep), 0);
    ob_decref(cache);
    T_EQ(ob_weakref_count(keep), 0);
    ob_decref(keep), ob_decref(k3), ob_decref(k4);
    obt_end();
}

static void test_getsizeof_vs_deep_size(void)
{
    obt_begin();
    ob_object *l = ob_list_new();
    ob_object *s = ob_str_from_cstr("a string of some length, referenced twice");
    ob_object *t = ob_tuple_pack(2, s, ob_small_from(1));
    T_EQ(ob_list_append(l, s), 0);
    T_EQ(ob_list_append(l, t), 0);
    T_EQ(ob_list_append(l, s), 0);
    T_EQ(ob_list_append(l, OB_NONE), 0);
    size_t own = ob_getsizeof(l), deep;
    T_EQ(ob_deepsize(l, &deep), 0);
    /* getsizeof excludes referents; deep size counts each object once
     * (s twice referenced, once counted; None and small ints take no heap). */
    T_EQ(deep, own + ob_getsizeof(s) + ob_getsizeof(t));
    t_printf("# list: getsizeof %u, deep size %u\n", (unsigned)own, (unsigned)deep);
    /* Cycles are counted once and do not loop. */
    T_EQ(ob_list_append(l, l), 0);
    size_t deep2;
    T_EQ(ob_deepsize(l, &deep2), 0);
    T_EQ(deep2, ob_getsizeof(l) + ob_getsizeof(s) + ob_getsizeof(t));
    T_EQ(ob_list_del(l, 4), 0);
    /* Out of memory during the walk: a clean error. */
    ob_heap_fail_set(ob_runtime_heap(), 0, 1);
    T_EQ(ob_deepsize(l, &deep2), OB_E_NOMEM);
    ob_decref(t), ob_decref(s), ob_decref(l);
    obt_end();
}

static int stress_calls[64];
static void on_stress(ob_object *wr, void *ctx)
{
    (void)wr;
    stress_calls[(int *)ctx - stress_calls]++;
}

static void test_weakrefs_many_referents(void)
{
    obt_begin();
    /* 64 tuples and 128 weak references fill most of microbit's 10 KiB
     * heap once containers sit in their own (walkable) pools: 40 there. */
    enum { N = OB_HEAP_SMALL ? 40 : 64 };
    /* static: a 2 KiB stack (microbit) has no room for these tables */
    static ob_object *objs[N], *refs[N][2];
    static int order[2 * N], dropped_ref[N];
    memset(dropped_ref, 0, sizeof dropped_ref);
    memset(stress_calls, 0, sizeof stress_calls);
    for (int i = 0; i < N; i++) {
        objs[i] = ob_tuple_pack(1, ob_small_from(i));
        T_ASSERT(objs[i] != NULL);
        refs[i][0] = ob_weakref_new(objs[i], on_stress, &stress_calls[i]);
        refs[i][1] = ob_weakref_new(objs[i], on_stress, &stress_calls[i]);
        T_ASSERT(refs[i][0] && refs[i][1]);
    }
    t_rng r = t_rng_make(t_seed());
    /* Drop referents and weak references in a random order. */
    for (int i = 0; i < 2 * N; i++)
        order[i] = i;
    for (int i = 2 * N - 1; i > 0; i--) {
        int j = (int)t_below(&r, (uint32_t)i + 1), x = order[i];
        order[i] = order[j], order[j] = x;
    }
    for (int k = 0; k < 2 * N; k++) {
        int i = order[k] % N;
        if (order[k] < N) { /* the referent */
            int alive = 2 - dropped_ref[i];
            ob_decref(objs[i]);
            objs[i] = NULL;
            T_EQ(stress_calls[i], alive); /* each live weakref called back once */
        } else { /* one of its weak references */
            ob_decref(refs[i][dropped_ref[i]]);
            refs[i][dropped_ref[i]++] = NULL;
        }
    }
    for (int i = 0; i < N; i++)
        for (int j = 0; j < 2; j++)
            ob_decref(refs[i][j]);
    obt_end();
}

static void test_nesting_limit(void)
{
    obt_begin();
    /* Tuples nested deeper than OB_NEST_MAX: hash and == fail cleanly
     * (Python would raise RecursionError far deeper), repr abbreviates. */
    ob_object *a = ob_tuple_pack(1, ob_small_from(1));
    ob_object *b = ob_tuple_pack(1, ob_small_from(1));
    for (int i = 0; i < OB_NEST_MAX + 2; i++) {
        ob_object *na = ob_tuple_pack(1, a), *nb = ob_tuple_pack(1, b);
        T_ASSERT(na && nb);
        ob_decref(a), ob_decref(b);
        a = na, b = nb;
    }
    ob_hash_t h;
    T_EQ(ob_hash(a, &h), OB_E_DEPTH);
    T_EQ(ob_eq(a, b), OB_E_DEPTH);
    T_CONTAINS(obt_repr(a), "(...)");
    ob_decref(a), ob_decref(b);
    obt_end();
}

static const t_case cases[] = {
    T_CASE(test_weakrefs_many_referents),
    T_CASE(test_nesting_limit),
    T_CASE(test_tuple_basics),
    T_CASE(test_set),
    T_CASE(test_typed_arrays),
    T_CASE(test_slots_smaller_than_dict),
    T_CASE(test_instances_share_keys),
    T_CASE(test_instance_values_inline),
    T_CASE(test_instance_oom),
    T_CASE(test_struct_and_instance_repr),
    T_CASE(test_weakref_dies_with_referent),
    T_CASE(test_weak_value_dict_empties_itself),
    T_CASE(test_getsizeof_vs_deep_size),
};

int main(void)
{
    return t_main("objects.types", cases, T_COUNT(cases));
}
