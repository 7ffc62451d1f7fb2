/* test_str - str and bytes: UTF-8, code point length, cached hash, the
 * intern table (same object for interned equal strings, not for run-time
 * built ones, entries die when unused), constant strings immortal. */
#include <stddef.h>

#include "obt.h"

OB_STR_CONST(k_hello, "hello");
OB_STR_CONST(k_greek, "\xce\xb1\xce\xb2\xce\xb3"); /* "αβγ" */

static void test_utf8_lengths(void)
{
    obt_begin();
    ob_object *s = ob_str_from_cstr("h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80"); /* "héllo € 😀" */
    T_ASSERT(s != NULL);
    T_EQ(ob_str_len(s), 15);
    T_EQ(ob_str_cplen(s), 9);
    T_EQ(ob_str_cplen(OB_STR(k_greek)), 3);
    T_EQ(offsetof(__typeof__(k_greek), d), offsetof(ob_strwide, data));
    static const char *const bad[] = { "\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                                       "\x80", "\xe2\x82" };
    for (size_t i = 0; i < T_COUNT(bad); i++) {
        T_ASSERT(ob_str_from_cstr(bad[i]) == NULL);
        T_EQ(ob_err_code(), OB_E_VALUE);
    }
    ob_decref(s);
    obt_end();
}

static void test_interned_strings_are_one_object(void)
{
    obt_begin();
    ob_object *a = ob_str_intern_cstr("sensor_id");
    ob_object *b = ob_str_intern_cstr("sensor_id");
    T_ASSERT(a && a == b); /* sys.intern: same object */
    T_EQ(ob_refcnt(a), 2);
    T_ASSERT(ob_str_is_interned(a));
    /* Two equal strings built at run time are different objects... */
    ob_object *p1 = ob_str_from_cstr("sensor_");
    ob_object *p2 = ob_str_from_cstr("id");
    ob_object *c = ob_str_concat(p1, p2);
    ob_object *d = ob_str_concat(p1, p2);
    T_ASSERT(c && d && c != d && c != a);
    T_EQ(ob_eq(c, d), 1);
    T_EQ(ob_eq(c, a), 1);
    T_ASSERT(!ob_str_is_interned(c));
    /* ...until interned: then intern(c) is the existing canonical string. */
    ob_object *ci = ob_str_intern(c);
    T_ASSERT(ci == a);
    ob_object *e = ob_str_from_cstr("other");
    ob_object *ei = ob_str_intern(e);
    T_ASSERT(ei == e); /* first of its text: becomes the canonical one */
    T_EQ(ob_str_intern_count(), 2);
    ob_decref(ci), ob_decref(ei), ob_decref(e);
    T_EQ(ob_str_intern_count(), 1); /* "other" died and left the table */
    ob_decref(a), ob_decref(b), ob_decref(c), ob_decref(d), ob_decref(p1), ob_decref(p2);
    T_EQ(ob_str_intern_count(), 0); /* entries die when unused */
    obt_end();
}

static void test_intern_table_grows_and_empties(void)
{
    obt_begin();
    enum { N = 60 };
    ob_object *keep[N];
    for (int i = 0; i < N; i++) {
        char name[16];
        ob_snprintf(name, sizeof name, "name%d", i);
        keep[i] = ob_str_intern_cstr(name);
        T_ASSERT(keep[i] != NULL);
    }
    T_EQ(ob_str_intern_count(), N);
    for (int i = 0; i < N; i++) {
        char name[16];
        ob_snprintf(name, sizeof name, "name%d", i);
        ob_object *again = ob_str_intern_cstr(name);
        T_ASSERT(again == keep[i]);
        ob_decref(again);
    }
    for (int i = 0; i < N; i += 2)
        ob_decref(keep[i]);
    T_EQ(ob_str_intern_count(), N / 2);
    for (int i = 1; i < N; i += 2) {
        T_ASSERT(ob_str_is_interned(keep[i]));
        ob_decref(keep[i]);
    }
    T_EQ(ob_str_intern_count(), 0);
    obt_end();
}

static void test_constant_strings_are_immortal(void)
{
    obt_begin();
    ob_object *h = OB_STR(k_hello);
    T_ASSERT(ob_is_immortal(h));
    ob_incref(h);
    ob_decref(h);
    ob_decref(h);
    T_EQ(ob_refcnt(h), OB_REFCNT_IMMORTAL);
    T_EQ(ob_str_len(h), 5);
    T_EQ(ob_str_cplen(h), 5);
    ob_object *r = ob_str_from_cstr("hello");
    T_EQ(ob_eq(h, r), 1);
    ob_hash_t h1, h2;
    T_EQ(ob_hash(h, &h1), 0);
    T_EQ(ob_hash(r, &h2), 0);
    T_EQ(h1, h2);
    /* A constant can be the canonical interned string. */
    ob_object *hi = ob_str_intern(h);
    T_ASSERT(hi == h);
    ob_object *ri = ob_str_intern(r);
    T_ASSERT(ri == h);
    T_ASSERT(ob_str_is_interned(h));
    ob_decref(ri), ob_decref(hi), ob_decref(r);
    T_EQ(ob_getsizeof(h), 0); /* not in the heap */
    ob_runtime_fini(); /* the table (holding the constant) goes with the runtime */
    obt_begin();
    obt_end();
}

static void test_hash_is_cached(void)
{
    obt_begin();
    ob_object *s = ob_str_from_cstr("cache me");
    ob_hash_t h1, h2;
    T_ASSERT(!(s->ob_rc & OB_F_TYPE2));
    T_EQ(ob_hash(s, &h1), 0);
    T_ASSERT(s->ob_rc & OB_F_TYPE2);
    T_EQ(ob_hash(s, &h2), 0);
    T_EQ(h1, h2);
    ob_decref(s);
    obt_end();
}

static void test_repr_and_printf(void)
{
    obt_begin();
    ob_object *s = ob_str_from_cstr("it's\n\t\\ \x01");
    T_EQ_STR(obt_repr(s), "'it\\'s\\n\\t\\\\ \\x01'");
    ob_object *f = ob_str_printf("%s-%d", "node", 42);
    T_ASSERT(ob_str_eq_cstr(f, "node-42"));
    T_EQ(ob_str_cplen(f), 7);
    ob_object *b = ob_bytes_from("a\x00\xff'", 4);
    T_EQ(ob_bytes_len(b), 4);
    T_EQ(ob_bytes_data(b)[2], 0xff);
    T_EQ_STR(obt_repr(b), "b'a\\x00\\xff\\''");
    ob_object *b2 = ob_bytes_from("a\x00\xff'", 4);
    T_EQ(ob_eq(b, b2), 1);
    T_EQ(ob_eq(b, s), 0);
    ob_hash_t h1, h2;
    T_EQ(ob_hash(b, &h1), 0);
    T_EQ(ob_hash(b2, &h2), 0);
    T_EQ(h1, h2);
    ob_object *e = ob_str_from_utf8("", 0);
    T_EQ(ob_str_len(e), 0);
    T_EQ_STR(obt_repr(e), "''");
    /* The empty string is one immortal object, like the empty tuple. */
    T_ASSERT(ob_is_immortal(e));
    T_ASSERT(ob_str_from_cstr("") == e);
    T_ASSERT(ob_str_concat(e, e) == e);
    ob_decref(s), ob_decref(f), ob_decref(b), ob_decref(b2), ob_decref(e);
    obt_end();
}

static void test_str_sizes_follow_blocks(void)
{
    obt_begin();
    /* getsizeof is the block the pool gave: header + fields + text + NUL,
     * rounded up to the size class. */
    size_t prev = 0;
    for (int n = 1; n <= 40; n++) { /* "" is an immortal constant: 0 */
        char txt[48];
        memset(txt, 'x', (size_t)n);
        ob_object *s = ob_str_from_utf8(txt, (size_t)n);
        size_t sz = ob_getsizeof(s);
        T_GE(sz, offsetof(ob_str, data) + (size_t)n + 1);
        T_GE(sz, prev);
        T_EQ(sz % 8, 0);
        prev = sz;
        ob_decref(s);
    }
    obt_end();
}

/* Compact layout for short ASCII text, wide for the rest: same behaviour. */
static void test_compact_and_wide_layouts(void)
{
    obt_begin();
    ob_object *a8 = ob_str_from_cstr("abcdefgh");
    T_ASSERT(a8 != NULL);
    size_t sz = ob_getsizeof(a8);
    k_printf("  8-character ASCII str: %u bytes (compact layout, %u-byte header)\n", (unsigned)sz,
             (unsigned)offsetof(ob_str, data));
    T_EQ(sz, (offsetof(ob_str, data) + 9 + 7) & ~(size_t)7);
    if (sizeof(void *) == 4)
        T_EQ(sz, 24);
    /* Non-ASCII: the wide layout, code points stored. */
    ob_object *w = ob_str_from_cstr("caf\xc3\xa9");
    T_ASSERT(w != NULL);
    T_EQ(ob_str_len(w), 5);
    T_EQ(ob_str_cplen(w), 4);
    T_GE(ob_getsizeof(w), offsetof(ob_strwide, data) + 6);
    /* Equal text in different layouts: equal, same hash, one dict key. */
    ob_object *h = ob_str_from_cstr("hello");
    ob_hash_t h1 = 0, h2 = 0;
    T_EQ(ob_eq(h, OB_STR(k_hello)), 1);
    T_EQ(ob_hash(h, &h1), 0);
    T_EQ(ob_hash(OB_STR(k_hello), &h2), 0);
    T_EQ(h1, h2);
    ob_object *d = ob_dict_new();
    T_EQ(ob_dict_set(d, OB_STR(k_hello), OB_TRUE), 0);
    T_ASSERT(ob_dict_get(d, h) == OB_TRUE);
    T_EQ(ob_dict_set_cstr(d, "caf\xc3\xa9", OB_FALSE), 0); /* wide probe and interned key */
    T_ASSERT(ob_dict_get_cstr(d, "caf\xc3\xa9") == OB_FALSE);
    T_ASSERT(ob_dict_get(d, w) == OB_FALSE);
    /* Concatenation and printf choose the layout from the result. */
    ob_object *c1 = ob_str_concat(h, a8), *c2 = ob_str_concat(h, w);
    T_ASSERT(c1 && c2);
    T_EQ(ob_str_cplen(c1), 13);
    T_EQ(ob_getsizeof(c1), (offsetof(ob_str, data) + 14 + 7) & ~(size_t)7);
    T_EQ(ob_str_len(c2), 10);
    T_EQ(ob_str_cplen(c2), 9);
    T_ASSERT(ob_str_eq_cstr(c2, "hellocaf\xc3\xa9"));
    ob_object *p1 = ob_str_printf("%s-%d", "x", 7), *p2 = ob_str_printf("%s!", "\xc3\xa9t\xc3\xa9");
    T_ASSERT(p1 && p2);
    T_ASSERT(ob_str_eq_cstr(p1, "x-7"));
    T_EQ(ob_str_cplen(p1), 3);
    T_ASSERT(ob_str_eq_cstr(p2, "\xc3\xa9t\xc3\xa9!"));
    T_EQ(ob_str_cplen(p2), 4);
    T_EQ(ob_str_cplen(OB_STR(k_hello)), 5); /* constants: counted when asked */
    ob_decref(a8), ob_decref(w), ob_decref(h), ob_decref(d), ob_decref(c1), ob_decref(c2);
    ob_decref(p1), ob_decref(p2);
    /* ASCII of 64 KiB or more does not fit the 16-bit length: wide. */
    size_t big = 70000;
    ob_object *x = ob_str_printf("%*s", (int)big, "");
    if (!x) {
        T_EQ(ob_err_code(), OB_E_NOMEM); /* small boards */
        ob_err_clear();
    } else {
        T_EQ(ob_str_len(x), big);
        T_EQ(ob_str_cplen(x), big);
        T_EQ(ob_str_data(x)[big], '\0');
        T_GE(ob_getsizeof(x), offsetof(ob_strwide, data) + big + 1);
        ob_object *y = ob_str_concat(x, OB_STR(k_hello));
        if (y) {
            T_EQ(ob_str_cplen(y), big + 5);
            ob_decref(y);
        } else {
            T_EQ(ob_err_code(), OB_E_NOMEM); /* a second 70 KB string may not fit */
            ob_err_clear();
        }
        ob_decref(x);
    }
    obt_end();
}

static const t_case cases[] = {
    T_CASE(test_compact_and_wide_layouts),
    T_CASE(test_utf8_lengths),
    T_CASE(test_interned_strings_are_one_object),
    T_CASE(test_intern_table_grows_and_empties),
    T_CASE(test_constant_strings_are_immortal),
    T_CASE(test_hash_is_cached),
    T_CASE(test_repr_and_printf),
    T_CASE(test_str_sizes_follow_blocks),
};

int main(void)
{
    return t_main("objects.str", cases, T_COUNT(cases));
}
