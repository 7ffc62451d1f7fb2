/* test_core - the object header and counting: sizes, small ints, numbers
 * across types, immortal objects, errors, checked-build misuse reports, and
 * freeing long chains and deep nests with a small constant stack. */
#include "obt.h"

static void test_header_layout(void)
{
    obt_begin();
    T_EQ(sizeof(ob_object), 2 * sizeof(void *));
    if (sizeof(void *) == 4) {
        T_EQ(sizeof(ob_object), 8);
        T_EQ(OB_GC_HEAD_SIZE, 4);
    }
    ob_object *f = ob_float_from(1.5);
    ob_object *b = ob_int_from_i64((int64_t)1 << 40);
    ob_object *s = ob_str_from_cstr("abcdefgh");
    ob_object *t = ob_tuple_pack(2, ob_small_from(1), ob_small_from(2));
    ob_object *l = ob_list_new();
    ob_object *d = ob_dict_new();
    T_ASSERT(f && b && s && t && l && d);
    t_printf("# getsizeof: float %u, boxed int %u, str(8) %u, 2-tuple %u, empty list %u,"
             " empty dict %u\n",
             (unsigned)ob_getsizeof(f), (unsigned)ob_getsizeof(b), (unsigned)ob_getsizeof(s),
             (unsigned)ob_getsizeof(t), (unsigned)ob_getsizeof(l), (unsigned)ob_getsizeof(d));
    if (sizeof(void *) == 4) {
        T_EQ(ob_getsizeof(f), 16);
        T_EQ(ob_getsizeof(b), 16);
        T_EQ(ob_getsizeof(s), 24);  /* compact str: 14 + 8 + NUL, rounded to 8 */
        T_EQ(ob_getsizeof(t), 24);  /* gc 4 + header 8 + size 4 + 2 items */
        T_EQ(ob_getsizeof(l), 24);  /* gc 4 + header 8 + size, capacity, items */
        T_EQ(ob_getsizeof(d), 24);
    }
    ob_object *by = ob_bytes_from("abcdefgh", 8);
    ob_object *st = ob_set_new();
    ob_object *w = ob_weakref_new(l, NULL, NULL);
    ob_object *ar = ob_array_new(OB_ARR_U8, 8);
    T_ASSERT(by && st && w && ar);
    t_printf("# getsizeof: bytes(8) %u, empty set %u, weakref %u, array u8[8] %u\n",
             (unsigned)ob_getsizeof(by), (unsigned)ob_getsizeof(st), (unsigned)ob_getsizeof(w),
             (unsigned)ob_getsizeof(ar));
    if (sizeof(void *) == 4) {
        T_EQ(ob_getsizeof(by), 32); /* 16 + 8 + NUL, rounded */
        T_EQ(ob_getsizeof(st), 32);
        T_EQ(ob_getsizeof(w), 32);
        T_EQ(ob_getsizeof(ar), 24);
    }
    ob_decref(by), ob_decref(st), ob_decref(w), ob_decref(ar);
    ob_decref(f), ob_decref(b), ob_decref(s), ob_decref(t), ob_decref(l), ob_decref(d);
    obt_end();
}

static void test_small_ints_identical(void)
{
    obt_begin();
    static const int64_t vals[] = { -5, 0, 1, 256, 257, 1000000, OB_SMALL_MAX, OB_SMALL_MIN };
    for (size_t i = 0; i < T_COUNT(vals); i++) {
        ob_object *a = ob_int_from_i64(vals[i]);
        ob_object *b = ob_int_from_i64(vals[i]);
        T_ASSERT(ob_is(a, b)); /* same identity: immediate values */
        T_ASSERT(ob_is_small(a));
        T_EQ(ob_refcnt(a), OB_REFCNT_IMMORTAL);
        T_EQ(ob_getsizeof(a), 0);
        int64_t v;
        T_EQ(ob_int_as_i64(a, &v), 0);
        T_EQ(v, vals[i]);
    }
    ob_stats st;
    ob_stats_get(&st);
    T_EQ(st.objects, 0); /* none of those allocated */
    /* Beyond the immediate range: boxed, equal but distinct objects. */
    ob_object *a = ob_int_from_i64((int64_t)OB_SMALL_MAX + 1);
    ob_object *b = ob_int_from_i64((int64_t)OB_SMALL_MAX + 1);
    T_ASSERT(a && b && !ob_is_small(a) && a != b);
    T_EQ(ob_eq(a, b), 1);
    T_EQ(ob_refcnt(a), 1);
    int64_t v;
    T_EQ(ob_int_as_i64(a, &v), 0);
    T_EQ(v, (int64_t)OB_SMALL_MAX + 1);
    /* Arithmetic crosses the boundary both ways. */
    ob_object *c = ob_int_sub(a, ob_small_from(1));
    T_ASSERT(c == ob_small_from(OB_SMALL_MAX));
    ob_decref(a), ob_decref(b);
    ob_object *n = ob_int_from_i64(-3);
    T_ASSERT(ob_small_value(n) == -3);
    T_EQ_STR(obt_repr(n), "-3");
    obt_end();
}

static void test_int_overflow_is_an_error(void)
{
    obt_begin();
    ob_object *max = ob_int_from_i64(INT64_MAX);
    ob_object *min = ob_int_from_i64(INT64_MIN);
    T_ASSERT(max && min);
    T_ASSERT(ob_int_add(max, ob_small_from(1)) == NULL);
    T_EQ(ob_err_code(), OB_E_OVERFLOW);
    T_CONTAINS(ob_err_message(), "overflow");
    ob_err_clear();
    T_ASSERT(ob_int_sub(min, ob_small_from(1)) == NULL);
    T_EQ(ob_err_code(), OB_E_OVERFLOW);
    T_ASSERT(ob_int_mul(max, ob_small_from(2)) == NULL);
    ob_object *big = ob_int_mul(ob_small_from(OB_SMALL_MAX), ob_small_from(OB_SMALL_MAX));
    T_ASSERT(big != NULL);
    T_EQ_STR(obt_repr(big), "1152921502459363329");
    T_ASSERT(ob_int_add(OB_NONE, ob_small_from(1)) == NULL);
    T_EQ(ob_err_code(), OB_E_TYPE);
    ob_decref(big), ob_decref(max), ob_decref(min);
    obt_end();
}

static void test_numbers_hash_and_compare_across_types(void)
{
    obt_begin();
    ob_object *one = ob_small_from(1);
    ob_object *onef = ob_float_from(1.0);
    ob_object *half = ob_float_from(0.5);
    ob_object *bigf = ob_float_from(1099511627776.0); /* 2^40 */
    ob_object *big = ob_int_from_i64((int64_t)1 << 40);
    ob_object *negf = ob_float_from(-7.0);
    ob_hash_t h1, h2, h3;
    T_EQ(ob_eq(one, onef), 1);
    T_EQ(ob_eq(one, OB_TRUE), 1);
    T_EQ(ob_eq(onef, OB_TRUE), 1);
    T_EQ(ob_eq(ob_small_from(0), OB_FALSE), 1);
    T_EQ(ob_eq(one, half), 0);
    T_EQ(ob_eq(big, bigf), 1);
    T_EQ(ob_eq(ob_small_from(-7), negf), 1);
    T_EQ(ob_hash(one, &h1), 0);
    T_EQ(ob_hash(onef, &h2), 0);
    T_EQ(ob_hash(OB_TRUE, &h3), 0);
    T_EQ(h1, h2);
    T_EQ(h1, h3);
    T_EQ(ob_hash(big, &h1), 0);
    T_EQ(ob_hash(bigf, &h2), 0);
    T_EQ(h1, h2);
    T_EQ(ob_hash(ob_small_from(-7), &h1), 0);
    T_EQ(ob_hash(negf, &h2), 0);
    T_EQ(h1, h2);
    /* As dict keys: 1, 1.0 and True are one key (Python: {1: 'a', 1.0: 'b', True: 'c'} == {1: 'c'}). */
    ob_object *d = ob_dict_new();
    T_EQ(ob_dict_set(d, one, ob_small_from(10)), 0);
    T_EQ(ob_dict_set(d, onef, ob_small_from(20)), 0);
    T_EQ(ob_dict_set(d, OB_TRUE, ob_small_from(30)), 0);
    T_EQ(ob_dict_len(d), 1);
    T_ASSERT(ob_dict_get(d, one) == ob_small_from(30));
    T_EQ_STR(obt_repr(d), "{1: 30}"); /* the first key stays */
    T_EQ_STR(obt_repr(half), "0.5");
    T_EQ_STR(obt_repr(onef), "1.0");
    T_EQ_STR(obt_repr(negf), "-7.0");
    ob_object *nan = ob_float_from(0.0 / 0.0 * 0.0);
    T_EQ(ob_eq(nan, nan), 0); /* NaN is not equal to itself */
    ob_decref(nan);
    ob_decref(d), ob_decref(onef), ob_decref(half), ob_decref(bigf), ob_decref(big);
    ob_decref(negf);
    obt_end();
}

static void test_float_repr(void)
{
    obt_begin();
    static const struct { double v; const char *text; } cases_[] = {
        { 0.1, "0.1" },        { 1.5, "1.5" },         { -0.0, "-0.0" },
        { 100.0, "100.0" },    { 123456.789, "123456.789" }, { 1e16, "1e+16" },
        { 1e-5, "1e-05" },     { 1.5e-7, "1.5e-07" },  { 2.5e100, "2.5e+100" },
        { 0.0001, "0.0001" },  { 9999999999999998.0, "9999999999999998.0" },
    };
    for (size_t i = 0; i < T_COUNT(cases_); i++) {
        ob_object *f = ob_float_from(cases_[i].v);
        T_EQ_STR(obt_repr(f), cases_[i].text);
        ob_decref(f);
    }
    ob_object *inf = ob_float_from(1e308 * 10.0);
    T_EQ_STR(obt_repr(inf), "inf");
    ob_decref(inf);
    obt_end();
}

static void test_immortals_are_not_counted(void)
{
    obt_begin();
    ob_object *im[] = { OB_NONE, OB_TRUE, OB_FALSE, OB_EMPTY_TUPLE };
    for (size_t i = 0; i < T_COUNT(im); i++) {
        uintptr_t before = im[i]->ob_rc;
        for (int k = 0; k < 100; k++)
            ob_incref(im[i]);
        for (int k = 0; k < 300; k++)
            ob_decref(im[i]);
        T_EQ(im[i]->ob_rc, before);
        T_EQ(ob_refcnt(im[i]), OB_REFCNT_IMMORTAL);
        T_ASSERT(ob_is_immortal(im[i]));
    }
    T_ASSERT(ob_tuple_new(0) == OB_EMPTY_TUPLE);
    T_EQ_STR(obt_repr(OB_NONE), "None");
    T_EQ_STR(obt_repr(OB_TRUE), "True");
    T_EQ_STR(obt_repr(OB_EMPTY_TUPLE), "()");
    obt_end();
}

static void test_refcount_rules(void)
{
    obt_begin();
    ob_object *x = ob_float_from(2.0);
    ob_object *l = ob_list_new();
    T_EQ(ob_refcnt(x), 1);
    T_EQ(ob_list_append(l, x), 0); /* the list takes its own reference */
    T_EQ(ob_refcnt(x), 2);
    T_ASSERT(ob_list_get(l, 0) == x); /* borrowed: no change */
    T_EQ(ob_refcnt(x), 2);
    ob_object *p = ob_list_pop(l, 0); /* the list's reference moves to us */
    T_ASSERT(p == x);
    T_EQ(ob_refcnt(x), 2);
    ob_decref(p);
    ob_decref(x);
    ob_decref(l);
    obt_end();
}

static void test_errors_are_readable(void)
{
    obt_begin();
    ob_object *l = ob_list_new();
    T_ASSERT(ob_list_get(l, 3) == NULL);
    T_EQ(ob_err_code(), OB_E_INDEX);
    T_CONTAINS(ob_err_message(), "index out of range");
    ob_err_clear();
    T_EQ(ob_err_code(), OB_OK);
    T_EQ_STR(ob_err_message(), "");
    ob_object *d = ob_dict_new();
    T_EQ(ob_dict_set(d, l, ob_small_from(1)), OB_E_UNHASHABLE);
    T_EQ_STR(ob_err_message(), "unhashable type: 'list'");
    T_EQ(ob_dict_len(d), 0);
    T_ASSERT(ob_dict_get(d, ob_small_from(5)) == NULL);
    T_EQ(ob_err_code(), OB_E_KEY);
    T_EQ(ob_list_append(OB_NONE, l), OB_E_TYPE);
    T_ASSERT(ob_str_from_utf8("\xff", 1) == NULL);
    T_EQ(ob_err_code(), OB_E_VALUE);
    ob_decref(l), ob_decref(d);
    obt_end();
}

static void test_misuse_is_reported(void)
{
#if !OB_CHECKED
    t_printf("# release build (OB_CHECKED=0): misuse is not checked\n");
    return;
#endif
    obt_begin();
    /* A pointer that is not an object of this heap. */
    static ob_object foreign = { OB_RC_ONE, &ob_float_type };
    ob_incref(&foreign);
    T_EQ(obt_panics, 1);
    T_CONTAINS(obt_panic_msg, "not an object of this heap");
    T_EQ(foreign.ob_rc, OB_RC_ONE); /* refused: unchanged */
    /* Use after free. */
    ob_object *f = ob_float_from(3.0);
    ob_decref(f);
    ob_incref(f);
    T_EQ(obt_panics, 2);
    T_CONTAINS(obt_panic_msg, "freed");
    ob_decref(f); /* a second decref of the same object: caught too */
    T_EQ(obt_panics, 3);
    T_CONTAINS(obt_panic_msg, "ob_decref");
    /* Count below zero: a (forged) heap object whose count is already 0. */
    ob_object *fake = ob_mem_alloc(sizeof(ob_object) + 8);
    T_ASSERT(fake != NULL);
    fake->ob_rc = 0;
    fake->ob_type = &ob_float_type;
    ob_decref(fake);
    T_EQ(obt_panics, 4);
    T_CONTAINS(obt_panic_msg, "count below zero");
    T_EQ(fake->ob_rc, 0);
    ob_mem_free(fake);
    /* Misaligned pointer. */
    ob_object *l = ob_list_new();
    ob_incref((ob_object *)(void *)((char *)l + 2));
    T_EQ(obt_panics, 5);
    T_CONTAINS(obt_panic_msg, "misaligned");
    T_EQ(ob_refcnt(l), 1);
    ob_decref(l);
    obt_panics = 0;
    obt_end();
}

/* Stack used by the free of a structure: the high-water mark on boards. */
static size_t stack_mark(void)
{
    return t_on_host() ? 0 : k_stack_high_water();
}

static void test_free_long_chain_small_stack(void)
{
    obt_begin();
    size_t want = 10000u * (t_on_host() ? t_scale() : 1u);
    ob_object *head = OB_NONE;
    size_t n = 0;
    /* Each node is a 2-tuple (value, next); on small boards, as many as fit. */
    while (n < want) {
        ob_object *node = ob_tuple_new(2);
        if (!node)
            break;
        T_EQ(ob_tuple_set(node, 0, ob_small_from((int32_t)n)), 0);
        T_EQ(ob_tuple_set(node, 1, head), 0);
        ob_decref(head);
        head = node;
        n++;
    }
    ob_err_clear();
    T_GE(n, (t_on_host() ? want : 100));
    size_t before = stack_mark();
    ob_decref(head);
    size_t after = stack_mark();
    t_printf("# chain of %u nodes freed; stack high-water %u -> %u bytes\n", (unsigned)n,
             (unsigned)before, (unsigned)after);
    T_LE(after, before + 256);
    obt_end();
}

static void test_free_deep_nest_small_stack(void)
{
    obt_begin();
    size_t want = 1000u * (t_on_host() ? t_scale() : 1u);
    ob_object *inner = ob_list_new();
    T_ASSERT(inner != NULL);
    size_t depth = 1;
    while (depth < want) {
        ob_object *outer = ob_list_new();
        if (!outer)
            break;
        if (ob_list_append(outer, inner) < 0) {
            ob_decref(outer);
            break;
        }
        ob_decref(inner);
        inner = outer;
        depth++;
    }
    ob_err_clear();
    T_GE(depth, (t_on_host() ? want : 100));
    /* Printing and sizing a deep nest do not recurse either. */
    char buf[64];
    ob_repr_buf(inner, buf, sizeof buf);
    T_CONTAINS(buf, "[[[[");
    size_t before = stack_mark();
    ob_decref(inner);
    size_t after = stack_mark();
    t_printf("# list nested %u deep freed; stack high-water %u -> %u bytes\n", (unsigned)depth,
             (unsigned)before, (unsigned)after);
    T_LE(after, before + 256);
    obt_end();
}

static int fin_runs;
static ob_object *fin_saved;
static void fin_resurrect(ob_object *o)
{
    fin_runs++;
    fin_saved = ob_newref(o); /* resurrect */
}

static void test_finalizer_runs_once_and_may_resurrect(void)
{
    obt_begin();
    static ob_type fin_type;
    static const char *const names[] = { "a" };
    T_EQ(ob_struct_type_init(&fin_type, "Fin", names, 1), 0);
    fin_type.finalize = fin_resurrect;
    fin_runs = 0;
    ob_object *o = ob_struct_new(&fin_type);
    T_ASSERT(o != NULL);
    ob_object *s = ob_str_from_cstr("payload");
    T_EQ(ob_struct_set(o, 0, s), 0);
    ob_decref(s);
    ob_decref(o);
    T_EQ(fin_runs, 1);
    T_ASSERT(fin_saved == o);
    T_EQ(ob_refcnt(o), 1);
    T_ASSERT(ob_str_eq_cstr(ob_struct_get(o, 0), "payload")); /* unharmed */
    fin_saved = NULL;
    ob_decref(o); /* dies for good: the finalizer does not run twice */
    T_EQ(fin_runs, 1);
    obt_end();
}

static const t_case cases[] = {
    T_CASE(test_header_layout),
    T_CASE(test_small_ints_identical),
    T_CASE(test_int_overflow_is_an_error),
    T_CASE(test_numbers_hash_and_compare_across_types),
    T_CASE(test_float_repr),
    T_CASE(test_immortals_are_not_counted),
    T_CASE(test_refcount_rules),
    T_CASE(test_errors_are_readable),
    T_CASE(test_misuse_is_reported),
    T_CASE(test_free_long_chain_small_stack),
    T_CASE(test_free_deep_nest_small_stack),
    T_CASE(test_finalizer_runs_once_and_may_resurrect),
};

int main(void)
{
    return t_main("objects.core", cases, T_COUNT(cases));
}
