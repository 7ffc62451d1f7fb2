/* test_gc - the cycle collector, stop-the-world (ob_gc_collect), and the
 * `gc` module's API in C: cycles through every container type are found
 * and their memory returns; what is reachable survives intact; finalizers
 * run once (PEP 442) and may resurrect; weak references into cycles are
 * cleared with CPython's callback rules; DEBUG_SAVEALL, freeze,
 * thresholds and CPython's generation rules, get_referrers/get_referents,
 * get_objects, is_tracked and tuple untracking, callbacks, statistics, and
 * the one emergency collection for an allocation that would fail.
 *
 * Automatic collection is off in every case unless the case is about it,
 * so each figure asserted comes from the collection the case asked for.
 * (The incremental collector, parked in each phase, and the random mutator
 * are in test_gc_incr.c.) */
#include "../objects/obt.h"
#include "ob_gc.h"

/* ---- set-up ------------------------------------------------------------------ */
static ob_type node_type, fin_type, key_type, inst_type;
static const char *const node_slots[] = { "next", "data" };
static const char *const key_slots[] = { "ref" };

/* Identity hash: lets a struct (Key) be a dict key or set member. */
static int key_hash(ob_object *o, ob_hash_t *out)
{
    *out = (ob_hash_t)((uintptr_t)o >> 3);
    return 0;
}

/* Finalizer bookkeeping (no T_* checks inside: they would jump out of the
 * collector). */
enum { FIN_MAX = 16 };
static int fin_runs;
static ob_object *fin_seen[FIN_MAX];
static ob_object *fin_target;          /* the object to resurrect, or NULL */
static ob_object *fin_saved;           /* the resurrecting reference */
static int fin_do_collect;             /* 1: collect and start from inside; 2: collect */
static long fin_collect_rc[2];
static int fin_start_rc;
static int fin_break;     /* set the finalized object's "next" slot to None */
static int fin_make_garbage; /* make a new self-referencing list */
static int fin_data_ok;   /* data slot's list was intact when it ran */

static void fin_record(ob_object *o)
{
    if (fin_runs < FIN_MAX)
        fin_seen[fin_runs] = o;
    fin_runs++;
    ob_object *data = ob_struct_get(o, 1);
    if (ob_is_type(data, &ob_list_type) && ob_list_len(data) == 2 &&
        ob_str_eq_cstr(ob_list_get(data, 0), "kept"))
        fin_data_ok++;
    if (o == fin_target && !fin_saved)
        fin_saved = ob_newref(o); /* resurrect */
    if (fin_break && ob_struct_set(o, 0, OB_NONE) < 0)
        fin_break = -1;
    if (fin_make_garbage) {
        ob_object *l = ob_list_new();
        if (l && ob_list_append(l, l) == 0)
            fin_make_garbage = 2;
        ob_decref(l);
    }
    if (fin_do_collect) {
        fin_collect_rc[0] = ob_gc_collect(2);
        fin_collect_rc[1] = ob_gc_collect(0);
        if (fin_do_collect == 1)
            fin_start_rc = ob_gc_start(0);
    }
}

static int fin_count_of(ob_object *o)
{
    int n = 0;
    for (int i = 0; i < fin_runs && i < FIN_MAX; i++)
        n += fin_seen[i] == o;
    return n;
}

static void fin_reset(void)
{
    fin_runs = 0;
    memset(fin_seen, 0, sizeof fin_seen);
    fin_target = NULL;
    fin_saved = NULL;
    fin_do_collect = 0;
    fin_collect_rc[0] = fin_collect_rc[1] = -99;
    fin_start_rc = -99;
    fin_break = 0;
    fin_make_garbage = 0;
    fin_data_ok = 0;
}

/* Start/stop callback log. */
enum { LOG_MAX = 16 };
typedef struct cb_log {
    int n;
    int phase[LOG_MAX], gen[LOG_MAX];
    size_t collected[LOG_MAX], uncollectable[LOG_MAX];
    long inner_collect; /* ob_gc_collect called from the callback */
    int call_collect;
} cb_log;

static void log_cb(int phase, const ob_gc_info *info, void *ctx)
{
    cb_log *l = ctx;
    if (l->n < LOG_MAX) {
        l->phase[l->n] = phase;
        l->gen[l->n] = info->generation;
        l->collected[l->n] = info->collected;
        l->uncollectable[l->n] = info->uncollectable;
    }
    l->n++;
    if (l->call_collect)
        l->inner_collect = ob_gc_collect(2);
}

static void gct_begin(void)
{
    obt_begin();
    ob_gc_disable(); /* every figure comes from the collection asked for */
    fin_reset();
    T_EQ(ob_struct_type_init(&node_type, "Node", node_slots, 2), 0);
    T_EQ(ob_struct_type_init(&fin_type, "FinNode", node_slots, 2), 0);
    fin_type.finalize = fin_record;
    T_EQ(ob_struct_type_init(&key_type, "Key", key_slots, 1), 0);
    key_type.hash = key_hash;
}

static void gct_end(void)
{
    T_ASSERT(ob_heap_check(ob_runtime_heap()) == NULL);
    obt_end();
}

static size_t live(void)
{
    ob_stats st;
    ob_stats_get(&st);
    return st.objects;
}

static size_t live_bytes(void)
{
    ob_stats st;
    ob_stats_get(&st);
    return st.bytes;
}

static size_t tracked_now(void)
{
    ob_gc_stats st;
    ob_gc_get_stats(&st);
    return st.tracked;
}

static size_t heap_capacity_(void)
{
    ob_heap_stats hs;
    ob_heap_stats_get(ob_runtime_heap(), &hs);
    return hs.capacity;
}

static ob_object *node_new(const ob_type *t, ob_object *next, ob_object *data)
{
    ob_object *n = ob_struct_new(t);
    T_ASSERT(n != NULL);
    if (next)
        T_EQ(ob_struct_set(n, 0, next), 0);
    if (data)
        T_EQ(ob_struct_set(n, 1, data), 0);
    return n;
}

/* Occurrences of x (by identity) in list l. */
static size_t count_in(ob_object *l, ob_object *x)
{
    size_t n = 0;
    for (size_t i = 0; i < ob_list_len(l); i++)
        n += ob_list_get(l, i) == x;
    return n;
}

static void checked(ob_object *o)
{
    const char *why = ob_object_check(o);
    if (why)
        t_fail(__FILE__, __LINE__, "ob_object_check: %s", why);
}

/* ---- cycles through every container type ---------------------------------------- */
static void test_list_self_reference(void)
{
    gct_begin();
    size_t base = live(), bytes = live_bytes();
    ob_object *a = ob_list_new();
    ob_object *s = ob_str_from_cstr("a leaf in the cycle");
    T_ASSERT(a && s);
    T_EQ(ob_list_append(a, a), 0); /* a.append(a) */
    T_EQ(ob_list_append(a, s), 0);
    T_EQ(ob_list_append(a, ob_small_from(7)), 0);
    ob_decref(s);
    T_EQ(ob_refcnt(a), 2);
    ob_decref(a);
    T_EQ(live(), base + 2); /* counting cannot free it */
    T_EQ(ob_gc_collect(0), 1); /* one unreachable container; the str is a leaf */
    T_EQ(live(), base);
    T_EQ(live_bytes(), bytes);
    T_EQ(ob_gc_collect(2), 0); /* nothing left */
    gct_end();
}

static void test_two_node_cycle_structs(void)
{
    gct_begin();
    size_t base = live(), bytes = live_bytes();
    ob_object *n1 = node_new(&node_type, NULL, ob_small_from(1));
    ob_object *n2 = node_new(&node_type, n1, ob_small_from(2)); /* node2.next = node1 */
    T_EQ(ob_struct_set(n1, 0, n2), 0);                           /* node1.next = node2 */
    ob_decref(n1);
    ob_decref(n2);
    T_EQ(live(), base + 2);
    T_EQ(ob_gc_collect(2), 2);
    T_EQ(live(), base);
    T_EQ(live_bytes(), bytes);
    gct_end();
}

static void test_two_node_cycle_instances(void)
{
    gct_begin();
    T_EQ(ob_instance_type_init(&inst_type, "Inst"), 0);
    /* A first instance puts the attribute names in the type's shared keys
     * (they live as long as the type): the baseline includes them. */
    ob_object *warm = ob_instance_new(&inst_type);
    T_ASSERT(warm != NULL);
    T_EQ(ob_instance_setattr(warm, "next", OB_NONE), 0);
    T_EQ(ob_instance_setattr(warm, "name", OB_NONE), 0);
    ob_decref(warm);
    size_t base = live(), bytes = live_bytes();

    /* Attributes inline (no dict of their own) or in a dict: either way
     * every tracked object made is found. */
    for (int with_dicts = 0; with_dicts < 2; with_dicts++) {
        size_t tracked0 = tracked_now();
        ob_object *n1 = ob_instance_new(&inst_type);
        ob_object *n2 = ob_instance_new(&inst_type);
        ob_object *name = ob_str_from_cstr("node one");
        T_ASSERT(n1 && n2 && name);
        if (with_dicts) {
            T_ASSERT(ob_instance_dict(n1) != NULL);
            T_ASSERT(ob_instance_dict(n2) != NULL);
        }
        T_EQ(ob_instance_setattr(n1, "next", n2), 0); /* node1.next = node2 */
        T_EQ(ob_instance_setattr(n1, "name", name), 0);
        T_EQ(ob_instance_setattr(n2, "next", n1), 0); /* node2.next = node1 */
        T_EQ(ob_instance_setattr(n2, "name", OB_NONE), 0);
        size_t made = tracked_now() - tracked0;
        t_printf("# two instances%s: %u tracked objects\n", with_dicts ? " with dicts" : "",
                 (unsigned)made);
        T_EQ(made, with_dicts ? 4u : 2u + (ob_instance_has_dict(n1) != 0) +
                                       (ob_instance_has_dict(n2) != 0));
        ob_decref(name);
        ob_decref(n1);
        ob_decref(n2);
        T_EQ(live(), base + made + 1);
        T_EQ(ob_gc_collect(0), (long)made);
        T_EQ(live(), base);
        T_EQ(live_bytes(), bytes);
        T_EQ(tracked_now(), tracked0);
    }

    /* o.me = o */
    size_t tracked0 = tracked_now();
    ob_object *o = ob_instance_new(&inst_type);
    T_ASSERT(o != NULL);
    T_EQ(ob_instance_setattr(o, "next", o), 0);
    size_t made = tracked_now() - tracked0;
    ob_decref(o);
    T_EQ(ob_gc_collect(0), (long)made);
    T_EQ(live(), base);
    ob_instance_type_fini(&inst_type);
    gct_end();
}

/* The collector looks at as many inline values of an instance as its type
 * has ever used (struct.c store_value): a cycle through the last one used,
 * with the first ones None, is found whichever slot it is, and for an
 * instance made before the type's names grew. */
static void test_instance_cycle_each_slot(void)
{
    static const char *const names[] = {"s0", "s1", "s2", "s3", "s4"};
    gct_begin();
    size_t base = live();
    for (int k = 0; k < 5; k++) {
        T_EQ(ob_instance_type_init(&inst_type, "Slots"), 0);
        ob_object *early = ob_instance_new(&inst_type); /* before any name */
        ob_object *a = ob_instance_new(&inst_type);
        T_ASSERT(early && a);
        for (int i = 0; i < k; i++)
            T_EQ(ob_instance_setattr(a, names[i], OB_NONE), 0);
        T_EQ(ob_instance_setattr(a, names[k], early), 0); /* a.s<k> = early */
        for (int i = 0; i < k; i++)
            T_EQ(ob_instance_setattr(early, names[i], OB_NONE), 0);
        T_EQ(ob_instance_setattr(early, names[k], a), 0); /* early.s<k> = a */
        ob_decref(a);
        ob_decref(early);
        long found = ob_gc_collect(2);
        t_printf("# cycle through value %d: %ld found\n", k, found);
        T_GE(found, 2);
        ob_instance_type_fini(&inst_type);
        T_EQ(live(), base);
    }
    gct_end();
}

static void test_tuple_in_cycle_via_list(void)
{
    gct_begin();
    size_t base = live(), bytes = live_bytes();
    ob_object *l = ob_list_new();
    ob_object *s = ob_str_from_cstr("x");
    T_ASSERT(l && s);
    ob_object *t = ob_tuple_pack(3, l, s, ob_small_from(3)); /* t = (l, "x", 3) */
    T_ASSERT(t != NULL);
    T_EQ(ob_list_append(l, t), 0); /* l.append(t) */
    ob_decref(s);
    ob_decref(t);
    ob_decref(l);
    T_EQ(live(), base + 3);
    T_EQ(ob_gc_collect(0), 2);
    T_EQ(live(), base);
    T_EQ(live_bytes(), bytes);
    gct_end();
}

static void test_dict_value_and_key_cycles(void)
{
    gct_begin();
    size_t base = live(), bytes = live_bytes();
    /* d["self"] = d */
    ob_object *d = ob_dict_new();
    T_ASSERT(d != NULL);
    T_EQ(ob_dict_set_cstr(d, "self", d), 0);
    T_EQ(ob_dict_set_cstr(d, "n", ob_small_from(1)), 0);
    ob_decref(d);
    T_ASSERT(live() > base);
    T_EQ(ob_gc_collect(0), 1);
    T_EQ(live(), base);
    T_EQ(live_bytes(), bytes);

    /* Through a key: d[k] = 1 with k.ref = d. */
    d = ob_dict_new();
    ob_object *k = ob_struct_new(&key_type);
    T_ASSERT(d && k);
    T_EQ(ob_dict_set(d, k, ob_small_from(1)), 0);
    T_EQ(ob_struct_set(k, 0, d), 0);
    ob_decref(k);
    ob_decref(d);
    T_EQ(live(), base + 2);
    T_EQ(ob_gc_collect(0), 2);
    T_EQ(live(), base);

    /* Through keys and values at once, in a dict with many entries (an
     * indexed table, not the linear small one). */
    d = ob_dict_new();
    T_ASSERT(d != NULL);
    for (int i = 0; i < 12; i++) {
        k = ob_struct_new(&key_type);
        T_ASSERT(k != NULL);
        T_EQ(ob_struct_set(k, 0, d), 0);
        T_EQ(ob_dict_set(d, k, (i & 1) ? d : ob_small_from(i)), 0);
        ob_decref(k);
    }
    ob_decref(d);
    T_EQ(ob_gc_collect(0), 13);
    T_EQ(live(), base);
    T_EQ(live_bytes(), bytes);
    gct_end();
}

static void test_set_tuple_struct_list_cycle(void)
{
    gct_begin();
    size_t base = live(), bytes = live_bytes();
    ob_object *s = ob_set_new();
    ob_object *l = ob_list_new();
    T_ASSERT(s && l);
    /* A tuple holding a list is unhashable (as in Python), so the set holds
     * a tuple holding a hashable struct whose slot holds the list:
     * s -> (k,) -> k -> [s] -> s. */
    ob_object *bad = ob_tuple_pack(1, l);
    T_ASSERT(bad != NULL);
    T_EQ(ob_set_add(s, bad), OB_E_UNHASHABLE);
    ob_decref(bad);
    ob_object *k = ob_struct_new(&key_type);
    T_ASSERT(k != NULL);
    ob_object *t = ob_tuple_pack(1, k);
    T_ASSERT(t != NULL);
    T_EQ(ob_set_add(s, t), 0);
    T_EQ(ob_struct_set(k, 0, l), 0);
    T_EQ(ob_list_append(l, s), 0);
    ob_decref(t), ob_decref(k), ob_decref(l), ob_decref(s);
    T_EQ(live(), base + 4);
    T_EQ(ob_gc_collect(1), 4);
    T_EQ(live(), base);
    T_EQ(live_bytes(), bytes);
    gct_end();
}

static void test_wvdict_in_cycle(void)
{
    gct_begin();
    size_t base = live(), bytes = live_bytes();
    /* The weak-value dict's keys are strong: wvd[k] = v with k.ref = wvd is
     * a cycle (wvd -> its dict -> k -> wvd); v refers to wvd and to itself,
     * and is held by nothing but the cycle. */
    ob_object *wvd = ob_wvdict_new();
    ob_object *k = ob_struct_new(&key_type);
    T_ASSERT(wvd && k);
    ob_object *v = node_new(&node_type, wvd, NULL);
    T_EQ(ob_struct_set(v, 1, v), 0);
    T_EQ(ob_struct_set(k, 0, wvd), 0);
    T_EQ(ob_wvdict_set(wvd, k, v), 0);
    T_EQ(ob_wvdict_len(wvd), 1);
    ob_decref(k), ob_decref(v), ob_decref(wvd);
    /* the wvdict, its dict, the key, the keyed weak reference, the value */
    T_EQ(live(), base + 5);
    T_EQ(ob_gc_collect(0), 5);
    T_EQ(live(), base);
    T_EQ(live_bytes(), bytes);
    gct_end();
}

static void test_wvdict_drops_cyclic_values(void)
{
    gct_begin();
    size_t base = live();
    ob_object *wvd = ob_wvdict_new();
    ob_object *kk = ob_str_from_cstr("kept");
    ob_object *kg = ob_str_from_cstr("gone");
    T_ASSERT(wvd && kk && kg);
    ob_object *kept = node_new(&node_type, NULL, NULL);
    T_EQ(ob_struct_set(kept, 0, kept), 0); /* cyclic, but held */
    ob_object *gone = node_new(&node_type, NULL, NULL);
    T_EQ(ob_struct_set(gone, 0, gone), 0);
    T_EQ(ob_wvdict_set(wvd, kk, kept), 0);
    T_EQ(ob_wvdict_set(wvd, kg, gone), 0);
    ob_decref(gone);
    T_EQ(ob_wvdict_len(wvd), 2);
    size_t before = live();
    T_EQ(ob_gc_collect(2), 1); /* `gone` only; the weak reference survives */
    /* gone, and its keyed weak reference (removed by its callback) */
    T_EQ(live(), before - 2);
    T_EQ(ob_wvdict_len(wvd), 1);
    ob_err_clear();
    T_ASSERT(ob_wvdict_get(wvd, kg) == NULL);
    T_EQ(ob_err_code(), OB_E_KEY);
    ob_object *got = ob_wvdict_get(wvd, kk);
    T_ASSERT(got == kept);
    ob_decref(got);
    ob_decref(kg);
    ob_decref(kk);
    ob_decref(wvd);
    T_EQ(ob_struct_set(kept, 0, OB_NONE), 0);
    ob_decref(kept);
    T_EQ(live(), base);
    gct_end();
}

static void test_long_ring_and_wide_fanout(void)
{
    gct_begin();
    size_t base = live(), bytes = live_bytes();
    /* more than the mark stack holds where the heap has room */
    uint32_t n = (uint32_t)(heap_capacity_() / 96u);
    if (n > 1000)
        n = 1000;
    t_printf("# %u lists (heap capacity %u, mark stack %u)\n", (unsigned)n,
             (unsigned)heap_capacity_(), (unsigned)OB_GC_MARK_STACK);
    /* A ring of n lists, garbage. */
    ob_object *first = ob_list_new(), *prev = first;
    T_ASSERT(first != NULL);
    for (uint32_t i = 1; i < n; i++) {
        ob_object *l = ob_list_new();
        T_ASSERT(l != NULL);
        T_EQ(ob_list_append(prev, l), 0);
        ob_decref(l);
        prev = l;
    }
    T_EQ(ob_list_append(prev, first), 0);
    ob_decref(first);
    T_EQ(ob_gc_collect(2), (long)n);
    T_EQ(live(), base);
    T_EQ(live_bytes(), bytes);

    /* A held root with n children that all point back to it: marking
     * pushes n at once (more than the mark stack holds on the boards). */
    ob_object *root = ob_list_new();
    T_ASSERT(root != NULL);
    for (uint32_t i = 0; i < n; i++) {
        ob_object *c = ob_list_new();
        T_ASSERT(c != NULL);
        T_EQ(ob_list_append(c, root), 0);
        T_EQ(ob_list_append(c, ob_small_from((int32_t)i)), 0);
        T_EQ(ob_list_append(root, c), 0);
        ob_decref(c);
    }
    T_EQ(ob_gc_collect(2), 0);
    T_EQ(ob_list_len(root), n);
    for (uint32_t i = 0; i < n; i++) {
        ob_object *c = ob_list_get(root, i);
        T_EQ(ob_list_len(c), 2);
        T_ASSERT(ob_list_get(c, 0) == root);
        T_ASSERT(ob_list_get(c, 1) == ob_small_from((int32_t)i));
        checked(c);
    }
    T_EQ(ob_refcnt(root), n + 1);
    ob_decref(root);
    T_EQ(ob_gc_collect(2), (long)n + 1);
    T_EQ(live(), base);
    gct_end();
}

/* Chains the collector must follow whatever their objects' addresses. A
 * stop-the-world MARK leaves members ahead of its heap walk (higher
 * addresses) to the walk and pushes the others: a chain whose links point
 * down (made first, linked after), one whose links point up, one from an
 * old object into young ones (the walk never visits young members: the
 * table's part came first), and one from a large block (the walk's large
 * part has no address order). Only each chain's head is held from outside;
 * every link must survive each kind of collection intact. */
enum { CHAIN = 6 };

static void chain_check(ob_object *head, ob_object *const *link, int n)
{
    ob_object *x = head;
    for (int i = 0; i < n; i++) {
        ob_object *next = ob_is_type(x, &ob_tuple_type) ? ob_tuple_get(x, 0) : ob_struct_get(x, 0);
        if (next != link[i]) {
            t_fail(__FILE__, __LINE__, "chain broken at link %d", i);
            return;
        }
        checked(next);
        x = next;
    }
    T_ASSERT(ob_struct_get(x, 0) == OB_NONE || ob_struct_get(x, 0) == NULL);
}

static void test_stw_mark_any_address_order(void)
{
    gct_begin();
    size_t base = live();
    ob_object *down[CHAIN], *up[CHAIN], *young[CHAIN];
    for (int i = 0; i < CHAIN; i++) {
        down[i] = node_new(&node_type, NULL, NULL);
        up[i] = node_new(&node_type, NULL, NULL);
    }
    /* made in address order (one pool, carved upward) */
    for (int i = 1; i < CHAIN; i++)
        T_ASSERT((uintptr_t)down[i - 1] < (uintptr_t)down[i] &&
                 (uintptr_t)up[i - 1] < (uintptr_t)up[i]);
    /* down: down[5] -> down[4] -> ... -> down[0]; up: up[0] -> ... -> up[5] */
    for (int i = CHAIN - 1; i > 0; i--)
        T_EQ(ob_struct_set(down[i], 0, down[i - 1]), 0);
    for (int i = 0; i + 1 < CHAIN; i++)
        T_EQ(ob_struct_set(up[i], 0, up[i + 1]), 0);
    /* a large tuple (past the small limit) whose first item starts a chain */
    ob_object *big = ob_tuple_new(OB_SMALL_LIMIT / sizeof(ob_object *) + 8);
    T_ASSERT(big != NULL);
    ob_object *bl[CHAIN];
    for (int i = 0; i < CHAIN; i++)
        bl[i] = node_new(&node_type, NULL, NULL);
    T_EQ(ob_tuple_set(big, 0, bl[0]), 0);
    for (int i = 0; i + 1 < CHAIN; i++)
        T_EQ(ob_struct_set(bl[i], 0, bl[i + 1]), 0);
    ob_object *old = node_new(&node_type, NULL, NULL);
    T_EQ(ob_gc_collect(1), 0);
    T_EQ(ob_gc_collect(1), 0); /* all in generation 2: walked, not in the young table */
    for (int i = 0; i < CHAIN; i++)
        young[i] = node_new(&node_type, NULL, NULL);
    T_EQ(ob_struct_set(old, 0, young[0]), 0);
    for (int i = 0; i + 1 < CHAIN; i++)
        T_EQ(ob_struct_set(young[i], 0, young[i + 1]), 0);
    /* only the heads are held from here on */
    ob_object *down_head = down[CHAIN - 1], *up_head = up[0];
    for (int i = 0; i < CHAIN; i++) {
        if (down[i] != down_head)
            ob_decref(down[i]);
        if (up[i] != up_head)
            ob_decref(up[i]);
        ob_decref(young[i]);
        ob_decref(bl[i]);
    }
    size_t before = live();
    for (int round = 0; round < 4; round++) {
        int gen = round == 0 ? 2 : round == 1 ? 1 : round == 2 ? 0 : 2;
        T_EQ(ob_gc_collect(gen), 0);
        T_EQ(live(), before);
        ob_object *downs[CHAIN - 1], *ups[CHAIN - 1];
        for (int i = 0; i < CHAIN - 1; i++) {
            downs[i] = down[CHAIN - 2 - i];
            ups[i] = up[i + 1];
        }
        chain_check(down_head, downs, CHAIN - 1);
        chain_check(up_head, ups, CHAIN - 1);
        chain_check(old, young, CHAIN);
        chain_check(big, bl, CHAIN);
    }
    ob_decref(down_head), ob_decref(up_head), ob_decref(old), ob_decref(big);
    T_EQ(live(), base);
    gct_end();
}

/* ---- every reference layout the stop-the-world loops tell apart ---------------
 * The collector reads an object's references by its type's refs_shape
 * (ob_object.h): a tuple's, a list's, a fixed array (structs, instances),
 * traverse only (dicts), or ANY (refs_at/refs_n decoded: a fixed array, an
 * array in a side block with its length in a field, or none). Test types
 * for the ANY cases: two slots in the object, or a side block. */
typedef struct pair {
    ob_object head;
    ob_object *slot[2];
} pair;
typedef struct box {
    ob_object head;
    uint32_t pad;    /* the fields away from where a FIXED read would look */
    uint32_t n;
    ob_object **items; /* side block of n */
} box;

static int pair_traverse(ob_object *o, ob_visit_fn visit, void *arg)
{
    pair *p = (pair *)o;
    for (int i = 0; i < 2; i++)
        if (p->slot[i]) {
            int rc = visit(p->slot[i], arg);
            if (rc)
                return rc;
        }
    return 0;
}
static void pair_clear(ob_object *o)
{
    pair *p = (pair *)o;
    ob_clear_ref(&p->slot[0]);
    ob_clear_ref(&p->slot[1]);
}
static int box_traverse(ob_object *o, ob_visit_fn visit, void *arg)
{
    box *b = (box *)o;
    for (uint32_t i = 0; i < b->n; i++)
        if (b->items[i]) {
            int rc = visit(b->items[i], arg);
            if (rc)
                return rc;
        }
    return 0;
}
static void box_clear(ob_object *o)
{
    box *b = (box *)o;
    for (uint32_t i = 0; i < b->n; i++)
        ob_clear_ref(&b->items[i]);
}
static void box_dealloc(ob_object *o)
{
    box_clear(o);
    ob_mem_free(((box *)o)->items);
}

#define PAIR_FIELDS                                                                  \
    .magic = OB_TYPE_MAGIC, .basicsize = sizeof(pair), .flags = OB_TF_GC,             \
    .dealloc = pair_clear, .traverse = pair_traverse, .clear = pair_clear
/* ANY, a fixed array decoded */
static const ob_type pair_any_type = {PAIR_FIELDS, .name = "pair_any",
                                      .refs_at = offsetof(pair, slot), .refs_n = 2};
/* ANY, refs_at 0: traverse */
static const ob_type pair_trav_type = {PAIR_FIELDS, .name = "pair_trav"};
static const ob_type pair_fixed_type = {PAIR_FIELDS, .name = "pair_fixed",
                                        .refs_at = offsetof(pair, slot), .refs_n = 2,
                                        .refs_shape = OB_REFS_SHAPE_FIXED};
static const ob_type pair_travshape_type = {PAIR_FIELDS, .name = "pair_travshape",
                                            .refs_shape = OB_REFS_SHAPE_TRAVERSE};
/* ANY, the array in a side block and its length in a field */
static const ob_type box_type = {
    .magic = OB_TYPE_MAGIC, .name = "box", .basicsize = sizeof(box), .flags = OB_TF_GC,
    .dealloc = box_dealloc, .traverse = box_traverse, .clear = box_clear,
    .refs_at = OB_REFS_INDIRECT | offsetof(box, items),
    .refs_n = OB_REFS_COUNTED | offsetof(box, n)};

enum { K_TUPLE, K_LIST, K_DICT, K_STRUCT, K_INST, K_PAIR_ANY, K_PAIR_TRAV, K_PAIR_FIXED,
       K_PAIR_TRAVSHAPE, K_BOX, K_KINDS };
static const char *const kind_name[K_KINDS] = {"tuple", "list", "dict", "struct", "instance",
                                               "pair_any", "pair_trav", "pair_fixed",
                                               "pair_travshape", "box"};

/* A new object of kind k whose one reference (to come) is `next`'s place. */
static ob_object *kind_new(int k)
{
    ob_object *o = NULL;
    switch (k) {
    case K_TUPLE: o = ob_tuple_new(2); break;
    case K_LIST: o = ob_list_new(); break;
    case K_DICT: o = ob_dict_new(); break;
    case K_STRUCT: o = ob_struct_new(&node_type); break;
    case K_INST: o = ob_instance_new(&inst_type); break;
    case K_PAIR_ANY: o = ob_object_alloc(&pair_any_type, 0); break;
    case K_PAIR_TRAV: o = ob_object_alloc(&pair_trav_type, 0); break;
    case K_PAIR_FIXED: o = ob_object_alloc(&pair_fixed_type, 0); break;
    case K_PAIR_TRAVSHAPE: o = ob_object_alloc(&pair_travshape_type, 0); break;
    case K_BOX:
        o = ob_object_alloc(&box_type, 0);
        if (o) {
            box *b = (box *)o;
            b->items = ob_mem_alloc(3 * sizeof(ob_object *));
            T_ASSERT(b->items != NULL);
            b->items[0] = b->items[1] = b->items[2] = NULL;
            b->n = 3;
        }
        break;
    }
    T_ASSERT(o != NULL);
    return o;
}

/* o's reference to next (a new one), after a small int where the kind
 * has room for one before it. */
static void kind_link(int k, ob_object *o, ob_object *next)
{
    ob_object *i7 = ob_small_from(7);
    switch (k) {
    case K_TUPLE: T_EQ(ob_tuple_set(o, 0, i7), 0); T_EQ(ob_tuple_set(o, 1, next), 0); break;
    case K_LIST: T_EQ(ob_list_append(o, i7), 0); T_EQ(ob_list_append(o, next), 0); break;
    case K_DICT: T_EQ(ob_dict_set(o, i7, next), 0); break;
    case K_STRUCT: T_EQ(ob_struct_set(o, 1, i7), 0); T_EQ(ob_struct_set(o, 0, next), 0); break;
    case K_INST:
        T_EQ(ob_instance_setattr(o, "a", i7), 0);
        T_EQ(ob_instance_setattr(o, "next", next), 0);
        break;
    case K_BOX:
        ((box *)o)->items[0] = i7;
        ((box *)o)->items[2] = ob_newref(next);
        break;
    default:
        ((pair *)o)->slot[0] = i7;
        ((pair *)o)->slot[1] = ob_newref(next);
        break;
    }
}

/* What o references through kind_link, read back. */
static ob_object *kind_next(int k, ob_object *o)
{
    switch (k) {
    case K_TUPLE: return ob_tuple_get(o, 1);
    case K_LIST: return ob_list_get(o, 1);
    case K_DICT: return ob_dict_get(o, ob_small_from(7));
    case K_STRUCT: return ob_struct_get(o, 0);
    case K_INST: return ob_instance_getattr(o, "next");
    case K_BOX: return ((box *)o)->items[2];
    default: return ((pair *)o)->slot[1];
    }
}

/* For each layout: a ring of three and a list (garbage once dropped), and
 * a chain of three held from C by its head, ending at a list of one small
 * int. Young (the young table's part of the walk) and old (the heap
 * walk's: the Thumb-2 loops on ARMv7-M), collected by generation 2 and 1.
 * Every ring is found, to the object; every chain survives intact. */
static void test_stw_every_refs_shape(void)
{
    gct_begin();
    T_EQ(ob_instance_type_init(&inst_type, "Inst"), 0);
    ob_object *warm = ob_instance_new(&inst_type); /* the shared keys: a, next */
    T_ASSERT(warm != NULL);
    T_EQ(ob_instance_setattr(warm, "a", OB_NONE), 0);
    T_EQ(ob_instance_setattr(warm, "next", OB_NONE), 0);
    ob_decref(warm);
    /* with no references at all: a list, a struct of no slots (shape ANY),
     * a box of none, each held from C */
    static ob_type empty_struct;
    T_EQ(ob_struct_type_init(&empty_struct, "Empty", NULL, 0), 0);
    size_t base = live();
    for (int old = 0; old < 2; old++) {
        for (int gen = 2; gen >= 1; gen--) {
            ob_object *head[K_KINDS], *chain[K_KINDS][3], *ring[K_KINDS][3];
            ob_object *empty[3] = {ob_list_new(), ob_struct_new(&empty_struct),
                                   ob_object_alloc(&box_type, 0)};
            T_ASSERT(empty[0] && empty[1] && empty[2]);
            for (int k = 0; k < K_KINDS; k++) {
                /* r0 -> r1 -> r2 -> a list -> r0 (a tuple is filled while
                 * only its maker holds it) */
                ob_object *back = ob_list_new();
                T_ASSERT(back != NULL);
                for (int i = 0; i < 3; i++)
                    ring[k][i] = kind_new(k);
                kind_link(k, ring[k][2], back);
                kind_link(k, ring[k][1], ring[k][2]);
                kind_link(k, ring[k][0], ring[k][1]);
                T_EQ(ob_list_append(back, ring[k][0]), 0);
                ob_decref(back);
                ob_object *end = ob_list_new();
                T_ASSERT(end != NULL);
                T_EQ(ob_list_append(end, ob_small_from(k)), 0);
                for (int i = 0; i < 3; i++)
                    chain[k][i] = kind_new(k);
                kind_link(k, chain[k][2], end);
                kind_link(k, chain[k][1], chain[k][2]);
                kind_link(k, chain[k][0], chain[k][1]);
                ob_decref(end);
                ob_decref(chain[k][1]);
                ob_decref(chain[k][2]);
                head[k] = chain[k][0];
            }
            /* old: out of the young table into the generation collected,
             * where only the heap walk finds them (the rings still held) */
            if (old)
                T_EQ(ob_gc_collect(gen - 1), 0);
            for (int k = 0; k < K_KINDS; k++)
                for (int i = 0; i < 3; i++)
                    ob_decref(ring[k][i]);
            long want = 4 * K_KINDS;
            long got = ob_gc_collect(gen);
            if (got != want)
                t_fail(__FILE__, __LINE__, "%s, generation %d: %ld found, %ld garbage made",
                       old ? "old" : "young", gen, got, want);
            for (int k = 0; k < K_KINDS; k++) {
                ob_object *o = head[k];
                for (int i = 0; i < 3; i++) {
                    if (o != chain[k][i]) {
                        t_fail(__FILE__, __LINE__, "%s chain broken at %d", kind_name[k], i);
                        break;
                    }
                    checked(o);
                    o = kind_next(k, o);
                }
                T_ASSERT(ob_is_type(o, &ob_list_type) && ob_list_len(o) == 1 &&
                         ob_small_value(ob_list_get(o, 0)) == k);
                ob_decref(head[k]);
            }
            for (int i = 0; i < 3; i++) {
                checked(empty[i]);
                ob_decref(empty[i]);
            }
            T_EQ(ob_gc_collect(2), 0);
            T_EQ(live(), base);
        }
    }
    ob_instance_type_fini(&inst_type);
    gct_end();
}

/* Checked builds refuse to make an object of a type whose refs_shape says
 * something else than its refs_at/refs_n (the Thumb-2 loops would read
 * the wrong words), with a message and nothing made. */
static void test_refs_shape_disagreeing_refused(void)
{
#if !OB_CHECKED
    t_printf("# release build (OB_CHECKED=0): not checked\n");
    return;
#endif
    gct_begin();
    static const ob_type fixed_no_array = {PAIR_FIELDS, .name = "fixed_no_array",
                                           .refs_shape = OB_REFS_SHAPE_FIXED};
    static const ob_type tuple_not = {PAIR_FIELDS, .name = "tuple_not",
                                      .refs_at = offsetof(pair, slot), .refs_n = 2,
                                      .refs_shape = OB_REFS_SHAPE_TUPLE};
    static const ob_type traverse_with_array = {PAIR_FIELDS, .name = "traverse_with_array",
                                                .refs_at = offsetof(pair, slot), .refs_n = 2,
                                                .refs_shape = OB_REFS_SHAPE_TRAVERSE};
    static const ob_type unknown = {PAIR_FIELDS, .name = "unknown", .refs_shape = 9};
    static const ob_type fixed_empty = {PAIR_FIELDS, .name = "fixed_empty",
                                        .refs_at = offsetof(pair, slot), .refs_n = 0,
                                        .refs_shape = OB_REFS_SHAPE_FIXED};
    const ob_type *bad[] = {&fixed_no_array, &tuple_not, &traverse_with_array, &unknown,
                            &fixed_empty};
    size_t base = live();
    for (int i = 0; i < 5; i++) {
        T_ASSERT(ob_object_alloc(bad[i], 0) == NULL);
        T_EQ(obt_panics, i + 1);
        T_CONTAINS(obt_panic_msg, bad[i]->name);
        T_CONTAINS(obt_panic_msg, "refs_shape");
        T_EQ(ob_err_code(), OB_E_TYPE);
        T_EQ(live(), base);
    }
    ob_object *ok = ob_object_alloc(&pair_fixed_type, 0);
    T_ASSERT(ok != NULL);
    T_EQ(obt_panics, 5);
    ob_decref(ok);
    obt_panics = 0; /* the five were expected */
    gct_end();
}

/* The containers alive with weak references or a finalizer still to run
 * are counted as their flags change (a collection run stop-the-world from
 * its start gives garbage no barrier while there are none): each such
 * container once, whatever it has; leaves not at all; none left once
 * they are gone or done. */
static void test_special_containers_counted(void)
{
    gct_begin();
    size_t s0 = ob_gc_special_live_();
    ob_object *f = node_new(&fin_type, NULL, NULL); /* a finalizer to run */
    T_EQ(ob_gc_special_live_(), s0 + 1);
    ob_object *l = ob_list_new();
    T_ASSERT(l != NULL);
    T_EQ(ob_gc_special_live_(), s0 + 1);
    ob_object *w1 = ob_weakref_new(l, NULL, NULL), *w2 = ob_weakref_new(l, NULL, NULL);
    T_ASSERT(w1 && w2);
    T_EQ(ob_gc_special_live_(), s0 + 2); /* the list once, for two */
    ob_object *wf = ob_weakref_new(f, NULL, NULL);
    T_ASSERT(wf != NULL);
    T_EQ(ob_gc_special_live_(), s0 + 2); /* f has both: once */
    ob_object *x = ob_str_from_cstr("leaf");
    T_ASSERT(x != NULL);
    ob_object *wx = ob_weakref_new(x, NULL, NULL);
    if (wx) { /* a leaf with weak references: not a container, not counted */
        T_EQ(ob_gc_special_live_(), s0 + 2);
        ob_decref(wx);
    } else {
        ob_err_clear();
    }
    ob_decref(x);
    ob_decref(w1);
    T_EQ(ob_gc_special_live_(), s0 + 2);
    ob_decref(w2); /* the list's last weak reference */
    T_EQ(ob_gc_special_live_(), s0 + 1);
    ob_decref(f); /* its finalizer runs, its weak reference is cleared */
    T_EQ(fin_runs, 1);
    T_EQ(ob_gc_special_live_(), s0);
    T_ASSERT(ob_weakref_get(wf) == NULL);
    ob_decref(wf);
    /* finalized by the collector: a cycle through a finalizer */
    ob_object *a = node_new(&fin_type, NULL, NULL), *b = node_new(&node_type, a, NULL);
    T_EQ(ob_struct_set(a, 0, b), 0);
    ob_decref(a), ob_decref(b);
    T_EQ(ob_gc_special_live_(), s0 + 1);
    T_EQ(ob_gc_collect(2), 2);
    T_EQ(fin_runs, 2);
    T_EQ(ob_gc_special_live_(), s0);
    ob_decref(l);
    T_EQ(ob_gc_special_live_(), s0);
    gct_end();
}

/* A stop-the-world MARK whose root (a large tuple: the walk's large part
 * pushes all it finds) holds more old members than the mark stack has room
 * for, where the heap has room for them: the overflow walks the set again,
 * and every member, and what only it holds, survives. */
static void test_stw_mark_stack_overflow_behind_the_walk(void)
{
    gct_begin();
    size_t base = live();
    uint32_t n = (uint32_t)(heap_capacity_() / 160u);
    if (n > 4u * OB_GC_MARK_STACK)
        n = 4u * OB_GC_MARK_STACK;
    t_printf("# %u members behind the root (mark stack %u)\n", (unsigned)n,
             (unsigned)OB_GC_MARK_STACK);
    ob_object *kids = ob_list_new(); /* made first: its pool is below the root's */
    T_ASSERT(kids != NULL);
    for (uint32_t i = 0; i < n; i++) {
        ob_object *g = node_new(&node_type, NULL, ob_small_from((int32_t)i));
        ob_object *c = node_new(&node_type, g, NULL);
        T_EQ(ob_list_append(kids, c), 0);
        ob_decref(c), ob_decref(g);
    }
    ob_object *root = ob_tuple_new(n);
    T_ASSERT(root != NULL);
    for (uint32_t i = 0; i < n; i++)
        T_EQ(ob_tuple_set(root, i, ob_list_get(kids, i)), 0);
    ob_decref(kids);
    T_EQ(ob_gc_collect(1), 0);
    T_EQ(ob_gc_collect(1), 0); /* all old: the heap walk finds them */
    size_t before = live();
    T_EQ(ob_gc_collect(2), 0);
    T_EQ(live(), before);
    for (uint32_t i = 0; i < n; i++) {
        ob_object *c = ob_tuple_get(root, i), *g = ob_struct_get(c, 0);
        T_ASSERT(ob_refcnt(c) == 1 && ob_refcnt(g) == 1);
        T_ASSERT(ob_struct_get(g, 1) == ob_small_from((int32_t)i));
        checked(c), checked(g);
    }
    ob_decref(root);
    T_EQ(live(), base);
    gct_end();
}

/* The gc word keeps 12 bits of count during a collection; a member of a
 * garbage cycle with 4095 or more references is still garbage (CPython
 * collects it). Needs 16 KiB of references on 32-bit: skipped on small
 * heaps. */
static void test_heavily_referenced_cycle_member(void)
{
    gct_begin();
    if (heap_capacity_() < (256u << 10)) {
        t_printf("# skipped: heap too small for 4100 references\n");
        gct_end();
        return;
    }
    size_t base = live(), bytes = live_bytes();
    ob_object *l = ob_list_new();
    T_ASSERT(l != NULL);
    for (int i = 0; i < 4100; i++)
        T_EQ(ob_list_append(l, l), 0);
    T_EQ(ob_refcnt(l), 4101);
    ob_decref(l);
    T_EQ(ob_gc_collect(2), 1);
    T_EQ(live(), base);
    T_EQ(live_bytes(), bytes);
    gct_end();
}

/* ---- what is reachable survives ---------------------------------------------------- */
static void test_reachable_cycle_survives(void)
{
    gct_begin();
    size_t base = live();
    /* holder -> a <-> b, a -> "payload"; only holder is held by C. */
    ob_object *holder = ob_list_new();
    ob_object *payload = ob_str_from_cstr("payload");
    T_ASSERT(holder && payload);
    ob_object *a = node_new(&node_type, NULL, payload);
    ob_object *b = node_new(&node_type, a, ob_small_from(42));
    T_EQ(ob_struct_set(a, 0, b), 0);
    T_EQ(ob_list_append(holder, a), 0);
    ob_decref(a), ob_decref(b), ob_decref(payload);
    size_t before = live();
    for (int gen = 0; gen < OB_GC_GENERATIONS; gen++) {
        T_EQ(ob_gc_collect(gen), 0);
        T_EQ(live(), before);
        T_EQ(ob_refcnt(a), 2);
        T_EQ(ob_refcnt(b), 1);
        T_ASSERT(ob_struct_get(a, 0) == b);
        T_ASSERT(ob_struct_get(b, 0) == a);
        T_ASSERT(ob_str_eq_cstr(ob_struct_get(a, 1), "payload"));
        T_ASSERT(ob_struct_get(b, 1) == ob_small_from(42));
        checked(holder), checked(a), checked(b);
        T_ASSERT(ob_gc_is_tracked(a) && ob_gc_is_tracked(b) && ob_gc_is_tracked(holder));
    }
    /* Drop the outside reference: now the cycle goes. */
    ob_list_clear(holder);
    T_EQ(ob_gc_collect(2), 2);
    ob_decref(holder);
    T_EQ(live(), base);
    gct_end();
}

static void test_objects_held_by_c_survive(void)
{
    gct_begin();
    size_t base = live();
    /* Cycles held only by C variables (no tracked object refers to them). */
    ob_object *l = ob_list_new();
    ob_object *d = ob_dict_new();
    ob_object *st = ob_set_new();
    T_ASSERT(l && d && st);
    T_EQ(ob_list_append(l, l), 0);
    T_EQ(ob_list_append(l, d), 0);
    T_EQ(ob_dict_set_cstr(d, "list", l), 0);
    T_EQ(ob_dict_set_cstr(d, "me", d), 0);
    ob_object *t = ob_tuple_pack(2, d, st);
    T_ASSERT(t != NULL);
    T_EQ(ob_set_add(st, ob_small_from(5)), 0);
    size_t before = live();
    T_EQ(ob_gc_collect(2), 0);
    T_EQ(ob_gc_collect(0), 0);
    T_EQ(live(), before);
    T_EQ(ob_refcnt(l), 3);
    T_EQ(ob_refcnt(d), 4);
    T_EQ(ob_refcnt(st), 2);
    T_EQ(ob_list_len(l), 2);
    T_ASSERT(ob_list_get(l, 0) == l && ob_list_get(l, 1) == d);
    T_ASSERT(ob_dict_get_cstr(d, "list") == l && ob_dict_get_cstr(d, "me") == d);
    T_EQ(ob_set_contains(st, ob_small_from(5)), 1);
    T_ASSERT(ob_tuple_get(t, 0) == d && ob_tuple_get(t, 1) == st);
    checked(l), checked(d), checked(st), checked(t);
    ob_decref(t);
    ob_decref(st);
    ob_decref(d);
    ob_decref(l);
    T_EQ(ob_gc_collect(0), 0); /* they survived two collections: generation 2 */
    T_EQ(ob_gc_collect(2), 2); /* l and d, now garbage */
    T_EQ(live(), base);
    gct_end();
}

static void test_old_generation_keeps_young_cycle(void)
{
    gct_begin();
    size_t base = live();
    ob_object *holder = ob_list_new();
    T_ASSERT(holder != NULL);
    T_EQ(ob_gc_collect(1), 0); /* holder -> generation 2 */
    ob_object *old = ob_gc_get_objects(2);
    T_ASSERT(old != NULL);
    T_EQ(count_in(old, holder), 1);
    ob_decref(old);
    ob_object *a = node_new(&node_type, NULL, NULL);
    ob_object *b = node_new(&node_type, a, NULL);
    T_EQ(ob_struct_set(a, 0, b), 0);
    T_EQ(ob_list_append(holder, a), 0);
    ob_decref(a), ob_decref(b);
    /* A young collection sees the old holder's reference as one from
     * outside. */
    T_EQ(ob_gc_collect(0), 0);
    T_ASSERT(ob_struct_get(a, 0) == b && ob_struct_get(b, 0) == a);
    /* a and b survived one collection: generation 1 now. */
    ob_object *g1 = ob_gc_get_objects(1);
    T_ASSERT(g1 != NULL);
    T_EQ(count_in(g1, a), 1);
    T_EQ(count_in(g1, b), 1);
    T_EQ(count_in(g1, holder), 0);
    ob_decref(g1);
    ob_list_clear(holder);
    T_EQ(ob_gc_collect(0), 0); /* not looked at by a young collection */
    T_EQ(live(), base + 3);
    T_EQ(ob_gc_collect(1), 2);
    T_EQ(live(), base + 1);
    ob_decref(holder);
    T_EQ(live(), base);
    gct_end();
}

static void test_untracked_container_is_not_collected(void)
{
    gct_begin();
    size_t base = live();
    ob_object *l = ob_list_new();
    T_ASSERT(l != NULL);
    T_EQ(ob_list_append(l, l), 0);
    ob_gc_untrack(l);
    T_ASSERT(!ob_gc_is_tracked(l));
    ob_gc_untrack(l); /* twice: nothing */
    ob_decref(l);
    T_EQ(ob_gc_collect(2), 0); /* the firmware promised: never collected */
    T_EQ(live(), base + 1);
    ob_gc_track(l);
    T_ASSERT(ob_gc_is_tracked(l));
    ob_gc_track(l); /* twice: nothing */
    ob_gc_stats st;
    ob_gc_get_stats(&st);
    T_EQ(st.tracked, 1);
    T_EQ(ob_gc_collect(2), 1);
    T_EQ(live(), base);
    /* Leaves and immortal objects: track does nothing. */
    ob_object *s = ob_str_from_cstr("leaf");
    T_ASSERT(s != NULL);
    ob_gc_track(s);
    ob_gc_track(OB_NONE);
    ob_gc_track(ob_small_from(3));
    T_ASSERT(!ob_gc_is_tracked(s));
    T_ASSERT(!ob_gc_is_tracked(OB_NONE));
    ob_decref(s);
    gct_end();
}

/* ---- finalizers (PEP 442) ------------------------------------------------------------ */
static void test_finalizers_run_once_in_garbage_cycle(void)
{
    gct_begin();
    size_t base = live();
    ob_object *a = node_new(&fin_type, NULL, NULL);
    ob_object *b = node_new(&fin_type, a, NULL);
    ob_object *c = node_new(&fin_type, b, NULL);
    T_EQ(ob_struct_set(a, 0, c), 0); /* a -> c -> b -> a */
    T_ASSERT(!ob_gc_is_finalized(a));
    ob_decref(a), ob_decref(b), ob_decref(c);
    T_EQ(fin_runs, 0);
    T_EQ(ob_gc_collect(0), 3);
    T_EQ(fin_runs, 3);
    T_EQ(fin_count_of(a), 1);
    T_EQ(fin_count_of(b), 1);
    T_EQ(fin_count_of(c), 1);
    T_EQ(live(), base);
    T_EQ(ob_gc_collect(2), 0);
    T_EQ(fin_runs, 3);
    gct_end();
}

static void test_finalizer_resurrects_cycle(void)
{
    gct_begin();
    size_t base = live();
    ob_object *data = ob_list_new();
    ob_object *txt = ob_str_from_cstr("intact");
    T_ASSERT(data && txt);
    T_EQ(ob_list_append(data, txt), 0);
    T_EQ(ob_list_append(data, ob_small_from(99)), 0);
    ob_decref(txt);
    ob_object *a = node_new(&fin_type, NULL, data);
    ob_object *b = node_new(&fin_type, a, NULL);
    T_EQ(ob_struct_set(a, 0, b), 0);
    T_EQ(ob_list_append(data, b), 0); /* data is part of the cycle too */
    ob_decref(data), ob_decref(a), ob_decref(b);
    fin_target = a;
    size_t before = live();
    /* a's finalizer stores a new reference to a: a and all it reaches live. */
    T_EQ(ob_gc_collect(2), 0);
    T_ASSERT(fin_saved == a);
    T_EQ(fin_runs, 2); /* both finalizers ran (PEP 442: all, then resurrection) */
    T_EQ(fin_count_of(a), 1);
    T_EQ(fin_count_of(b), 1);
    T_EQ(live(), before);
    T_ASSERT(ob_gc_is_finalized(a) && ob_gc_is_finalized(b));
    T_ASSERT(!ob_gc_is_finalized(data)); /* no finalizer */
    T_EQ(ob_refcnt(a), 2);
    T_EQ(ob_refcnt(b), 2);
    T_EQ(ob_refcnt(data), 1);
    T_ASSERT(ob_struct_get(a, 0) == b && ob_struct_get(b, 0) == a);
    T_ASSERT(ob_struct_get(a, 1) == data);
    T_EQ(ob_list_len(data), 3);
    T_ASSERT(ob_str_eq_cstr(ob_list_get(data, 0), "intact"));
    T_ASSERT(ob_list_get(data, 1) == ob_small_from(99));
    T_ASSERT(ob_list_get(data, 2) == b);
    checked(a), checked(b), checked(data);
    T_ASSERT(ob_gc_is_tracked(a) && ob_gc_is_tracked(b) && ob_gc_is_tracked(data));
    /* Collections while it is held do nothing, run no finalizer. */
    T_EQ(ob_gc_collect(2), 0);
    T_EQ(fin_runs, 2);
    /* Garbage again: collected this time, no finalizer runs a second time. */
    ob_clear_ref(&fin_saved);
    T_EQ(live(), before);
    T_EQ(ob_gc_collect(2), 3);
    T_EQ(fin_runs, 2);
    T_EQ(live(), base);
    gct_end();
}

static void test_resurrected_then_dies_by_count(void)
{
    gct_begin();
    size_t base = live();
    ob_object *a = node_new(&fin_type, NULL, NULL);
    ob_object *b = node_new(&fin_type, a, NULL);
    T_EQ(ob_struct_set(a, 0, b), 0);
    ob_decref(a), ob_decref(b);
    fin_target = b; /* b resurrects, and reaches a */
    T_EQ(ob_gc_collect(0), 0);
    T_ASSERT(fin_saved == b);
    T_EQ(fin_runs, 2);
    T_ASSERT(ob_struct_get(b, 0) == a && ob_struct_get(a, 0) == b);
    T_ASSERT(ob_gc_is_finalized(a) && ob_gc_is_finalized(b));
    /* Break the cycle by hand: a dies by count, b when the saved reference
     * goes; neither finalizer runs again. */
    T_EQ(ob_struct_set(b, 0, OB_NONE), 0);
    T_EQ(live(), base + 1);
    T_EQ(fin_runs, 2);
    ob_clear_ref(&fin_saved);
    T_EQ(live(), base);
    T_EQ(fin_runs, 2);
    gct_end();
}

static void test_finalizer_on_one_member_only(void)
{
    gct_begin();
    size_t base = live();
    /* a (finalizer) -> l (list) -> d (dict) -> a; the finalizer
     * resurrects a, so l and d stay with it. */
    ob_object *l = ob_list_new();
    ob_object *d = ob_dict_new();
    T_ASSERT(l && d);
    ob_object *a = node_new(&fin_type, l, NULL);
    T_EQ(ob_list_append(l, d), 0);
    T_EQ(ob_dict_set_cstr(d, "back", a), 0);
    T_EQ(ob_dict_set_cstr(d, "n", ob_small_from(5)), 0);
    ob_decref(a), ob_decref(l), ob_decref(d);
    fin_target = a;
    T_EQ(ob_gc_collect(1), 0);
    T_EQ(fin_runs, 1);
    T_ASSERT(fin_saved == a);
    T_ASSERT(ob_struct_get(a, 0) == l);
    T_ASSERT(ob_list_get(l, 0) == d);
    T_ASSERT(ob_dict_get_cstr(d, "back") == a);
    T_ASSERT(ob_dict_get_cstr(d, "n") == ob_small_from(5));
    checked(l), checked(d), checked(a);
    ob_clear_ref(&fin_saved);
    T_EQ(ob_gc_collect(2), 3);
    T_EQ(fin_runs, 1);
    T_EQ(live(), base);
    gct_end();
}

static void test_finalizer_breaks_cycle(void)
{
    gct_begin();
    size_t base = live();
    /* a <-> b, both with finalizers, each holding a list it reads when
     * finalized (all garbage is intact while finalizers run); the first
     * to run cuts its "next": the other dies by count, then it does. */
    ob_object *a = node_new(&fin_type, NULL, NULL);
    ob_object *b = node_new(&fin_type, a, NULL);
    T_EQ(ob_struct_set(a, 0, b), 0);
    for (int i = 0; i < 2; i++) {
        ob_object *l = ob_list_new(), *s = ob_str_from_cstr("kept");
        T_ASSERT(l && s);
        T_EQ(ob_list_append(l, s), 0);
        T_EQ(ob_list_append(l, i ? a : b), 0); /* the list is in the cycle too */
        T_EQ(ob_struct_set(i ? b : a, 1, l), 0);
        ob_decref(l), ob_decref(s);
    }
    ob_decref(a), ob_decref(b);
    fin_break = 1;
    T_EQ(ob_gc_collect(0), 4); /* a, b and both lists, all freed */
    T_EQ(fin_break, 1);
    T_EQ(fin_runs, 2);
    T_EQ(fin_count_of(a), 1);
    T_EQ(fin_count_of(b), 1);
    T_EQ(fin_data_ok, 2);
    T_EQ(live(), base);
    T_EQ(ob_gc_collect(2), 0);
    gct_end();
}

static void test_finalizer_makes_new_garbage(void)
{
    gct_begin();
    size_t base = live();
    ob_object *a = node_new(&fin_type, NULL, NULL);
    T_EQ(ob_struct_set(a, 0, a), 0);
    ob_decref(a);
    fin_make_garbage = 1;
    T_EQ(ob_gc_collect(0), 1); /* a; the new cycle is not this collection's */
    T_EQ(fin_make_garbage, 2);
    T_EQ(fin_runs, 1);
    T_EQ(live(), base + 1);
    fin_make_garbage = 0;
    T_EQ(ob_gc_collect(0), 1);
    T_EQ(live(), base);
    gct_end();
}

static void test_collect_inside_finalizer_and_callback(void)
{
    gct_begin();
    size_t base = live();
    ob_object *a = node_new(&fin_type, NULL, NULL);
    ob_object *b = node_new(&node_type, a, NULL);
    T_EQ(ob_struct_set(a, 0, b), 0);
    ob_decref(a), ob_decref(b);
    fin_do_collect = 1;
    T_EQ(ob_gc_collect(2), 2);
    T_EQ(fin_runs, 1);
    T_EQ(fin_collect_rc[0], 0); /* as CPython: nothing from inside */
    T_EQ(fin_collect_rc[1], 0);
    T_EQ(fin_start_rc, OB_E_STATE);
    T_EQ(live(), base);
    /* A finalizer run by counting (not by the collector) may call it too. */
    fin_reset();
    fin_do_collect = 2;
    a = node_new(&fin_type, NULL, NULL);
    ob_decref(a);
    T_EQ(fin_runs, 1);
    T_EQ(fin_collect_rc[0], 0);
    T_EQ(live(), base);
    /* From a start/stop callback. */
    static cb_log log;
    memset(&log, 0, sizeof log);
    log.call_collect = 1;
    log.inner_collect = -99;
    T_EQ(ob_gc_callback_add(log_cb, &log), 0);
    ob_object *l = ob_list_new();
    T_ASSERT(l != NULL);
    T_EQ(ob_list_append(l, l), 0);
    ob_decref(l);
    T_EQ(ob_gc_collect(0), 1);
    T_EQ(log.n, 2);
    T_EQ(log.inner_collect, 0);
    T_EQ(ob_gc_callback_remove(log_cb, &log), 0);
    T_EQ(live(), base);
    gct_end();
}

/* ---- weak references into cycles ------------------------------------------------------ */
static int wr_cb_runs;
static ob_object *wr_cb_arg;
static int wr_cb_saw_referent;
static void wr_cb(ob_object *wr, void *ctx)
{
    (void)ctx;
    wr_cb_runs++;
    wr_cb_arg = wr;
    ob_object *r = ob_weakref_get(wr);
    if (r) {
        wr_cb_saw_referent = 1;
        ob_decref(r);
    }
}

static void test_weakref_to_cycle_member(void)
{
    gct_begin();
    wr_cb_runs = 0, wr_cb_arg = NULL, wr_cb_saw_referent = 0;
    size_t base = live();
    ob_object *a = node_new(&node_type, NULL, NULL);
    ob_object *b = node_new(&node_type, a, NULL);
    T_EQ(ob_struct_set(a, 0, b), 0);
    ob_object *wa = ob_weakref_new(a, wr_cb, NULL); /* with a callback */
    ob_object *wb = ob_weakref_new(b, NULL, NULL);  /* without */
    T_ASSERT(wa && wb);
    ob_object *got = ob_weakref_get(wa);
    T_ASSERT(got == a);
    ob_decref(got);
    ob_decref(a), ob_decref(b);
    T_EQ(ob_gc_collect(0), 2);
    T_EQ(wr_cb_runs, 1);
    T_ASSERT(wr_cb_arg == wa);
    T_EQ(wr_cb_saw_referent, 0);
    ob_err_clear();
    T_ASSERT(ob_weakref_get(wa) == NULL);
    T_ASSERT(ob_weakref_get(wb) == NULL);
    T_EQ(ob_err_code(), OB_OK); /* gone is not an error */
    T_EQ(ob_gc_collect(2), 0);
    T_EQ(wr_cb_runs, 1); /* exactly once */
    T_EQ(live(), base + 2);
    ob_decref(wa), ob_decref(wb);
    T_EQ(wr_cb_runs, 1);
    T_EQ(live(), base);
    gct_end();
}

static void test_weakref_in_garbage_does_not_call_back(void)
{
    gct_begin();
    wr_cb_runs = 0, wr_cb_arg = NULL;
    size_t base = live();
    ob_object *outside = ob_list_new();
    T_ASSERT(outside != NULL);
    ob_object *a = node_new(&node_type, NULL, NULL);
    ob_object *b = node_new(&node_type, a, NULL);
    T_EQ(ob_struct_set(a, 0, b), 0);
    /* a.data = weakref(b, cb): the weak reference is garbage with its
     * referent. b.data = weakref(outside, cb): garbage, referent alive. */
    ob_object *w1 = ob_weakref_new(b, wr_cb, NULL);
    ob_object *w2 = ob_weakref_new(outside, wr_cb, NULL);
    T_ASSERT(w1 && w2);
    T_EQ(ob_struct_set(a, 1, w1), 0);
    T_EQ(ob_struct_set(b, 1, w2), 0);
    ob_decref(w1), ob_decref(w2), ob_decref(a), ob_decref(b);
    T_EQ(ob_weakref_count(outside), 1);
    T_EQ(ob_gc_collect(0), 4);
    T_EQ(wr_cb_runs, 0);
    T_EQ(ob_weakref_count(outside), 0);
    T_EQ(live(), base + 1);
    ob_decref(outside);
    T_EQ(wr_cb_runs, 0);
    T_EQ(live(), base);
    gct_end();
}

/* Two garbage objects with live weak references whose callbacks each look
 * at the other's: whichever order the collector takes them in, a callback
 * never gets a garbage object back (CPython clears all first). */
static ob_object *peer_wr[2];
static int peer_runs, peer_saw;
static void peer_cb(ob_object *wr, void *ctx)
{
    (void)wr;
    peer_runs++;
    ob_object *other = ob_weakref_get(peer_wr[(uintptr_t)ctx ^ 1u]);
    if (other) {
        peer_saw++;
        ob_decref(other);
    }
}

/* Garbage that is old when it dies: a full collection finds it by walking
 * the heap (the young table's part has nothing of it), and joins each
 * object as the walk reaches it. Each kind of member still counts: one
 * with a finalizer (it runs), one with a weak reference (cleared, and the
 * surviving reference's callback runs), one referenced 4095 times and
 * more (the big table; where the heap has room). */
static void test_old_garbage_found_by_the_walk(void)
{
    gct_begin();
    wr_cb_runs = 0, wr_cb_arg = NULL, wr_cb_saw_referent = 0;
    size_t base = live();
    ob_object *kept = ob_list_new(), *k = ob_str_from_cstr("kept");
    T_ASSERT(kept && k);
    T_EQ(ob_list_append(kept, k), 0);
    T_EQ(ob_list_append(kept, ob_small_from(1)), 0);
    ob_decref(k);
    ob_object *f = node_new(&fin_type, NULL, kept);
    ob_decref(kept);
    T_EQ(ob_struct_set(f, 0, f), 0);
    ob_object *w = node_new(&node_type, NULL, NULL);
    T_EQ(ob_struct_set(w, 0, w), 0);
    ob_object *ww = ob_weakref_new(w, wr_cb, NULL);
    T_ASSERT(ww != NULL);
    int big = heap_capacity_() >= (256u << 10);
    ob_object *l = NULL;
    if (big) {
        l = ob_list_new();
        T_ASSERT(l != NULL);
        for (int i = 0; i < 4100; i++)
            T_EQ(ob_list_append(l, l), 0);
    } else {
        t_printf("# heap too small for 4100 references: that part skipped\n");
    }
    T_EQ(ob_gc_collect(1), 0);
    T_EQ(ob_gc_collect(1), 0); /* generation 2: no longer in the young table */
    ob_object *g2 = ob_gc_get_objects(2);
    T_ASSERT(g2 != NULL);
    T_EQ(count_in(g2, f) + count_in(g2, w) + count_in(g2, kept) + (big ? count_in(g2, l) : 0),
         big ? 4u : 3u);
    ob_decref(g2);
    ob_decref(f), ob_decref(w);
    if (l)
        ob_decref(l);
    T_EQ(ob_gc_collect(2), big ? 4 : 3);
    T_EQ(fin_runs, 1);
    T_EQ(fin_count_of(f), 1);
    T_EQ(fin_data_ok, 1); /* it ran before anything was cleared (PEP 442) */
    T_EQ(wr_cb_runs, 1);
    T_ASSERT(wr_cb_arg == ww);
    T_ASSERT(ob_weakref_get(ww) == NULL);
    ob_decref(ww);
    T_EQ(live(), base);
    gct_end();
}

static void test_weakref_callbacks_see_no_garbage(void)
{
    gct_begin();
    size_t base = live();
    ob_object *a = node_new(&node_type, NULL, NULL);
    ob_object *b = node_new(&node_type, a, NULL);
    T_EQ(ob_struct_set(a, 0, b), 0);
    peer_runs = peer_saw = 0;
    peer_wr[0] = ob_weakref_new(a, peer_cb, (void *)(uintptr_t)0);
    peer_wr[1] = ob_weakref_new(b, peer_cb, (void *)(uintptr_t)1);
    T_ASSERT(peer_wr[0] && peer_wr[1]);
    ob_decref(a), ob_decref(b);
    T_EQ(ob_gc_collect(0), 2);
    T_EQ(peer_runs, 2);
    T_EQ(peer_saw, 0);
    ob_clear_ref(&peer_wr[0]);
    ob_clear_ref(&peer_wr[1]);
    T_EQ(live(), base);
    gct_end();
}

/* ---- DEBUG_SAVEALL and gc.garbage ---------------------------------------------------- */
static void test_saveall_keeps_garbage(void)
{
    gct_begin();
    size_t base = live();
    ob_object *a = node_new(&node_type, NULL, NULL);
    ob_object *b = node_new(&node_type, a, ob_small_from(2));
    T_EQ(ob_struct_set(a, 0, b), 0);
    ob_decref(a), ob_decref(b);
    ob_gc_set_debug(OB_GC_DEBUG_SAVEALL);
    T_EQ(ob_gc_get_debug(), OB_GC_DEBUG_SAVEALL);
    ob_object *g = ob_gc_garbage();
    T_ASSERT(g != NULL);
    T_EQ(ob_list_len(g), 0);
    size_t before = live();
    T_EQ(ob_gc_collect(2), 2);
    T_EQ(live(), before); /* nothing freed */
    T_ASSERT(ob_gc_garbage() == g);
    T_EQ(ob_list_len(g), 2);
    T_EQ(count_in(g, a), 1);
    T_EQ(count_in(g, b), 1);
    /* intact */
    T_ASSERT(ob_struct_get(a, 0) == b && ob_struct_get(b, 0) == a);
    T_ASSERT(ob_struct_get(b, 1) == ob_small_from(2));
    T_EQ(ob_refcnt(a), 2);
    checked(a), checked(b), checked(g);
    /* Collected again while saved: nothing found. */
    T_EQ(ob_gc_collect(2), 0);
    T_EQ(ob_list_len(g), 2);
    /* Clear the list: garbage again, and freed with SAVEALL off. */
    ob_gc_set_debug(0);
    ob_list_clear(g);
    T_EQ(ob_gc_collect(2), 2);
    T_EQ(live(), base + 1); /* the garbage list itself */
    T_ASSERT(ob_gc_garbage() == g);
    T_EQ(ob_list_len(g), 0);
    /* The runtime owns the garbage list: it goes with ob_runtime_fini. */
    ob_stats st;
    ob_stats_get(&st);
    T_EQ(st.objects, 1);
    T_EQ(st.blocks, 1);
    T_EQ(obt_panics, 0);
    T_ASSERT(ob_heap_check(ob_runtime_heap()) == NULL);
    ob_runtime_fini();
    ob_hooks_set(&obt_saved_hooks);
}

/* ---- freeze ----------------------------------------------------------------------------- */
static void test_freeze_and_unfreeze(void)
{
    gct_begin();
    size_t base = live();
    T_EQ(ob_gc_get_freeze_count(), 0);
    ob_object *a = node_new(&node_type, NULL, NULL);
    ob_object *b = node_new(&node_type, a, NULL);
    T_EQ(ob_struct_set(a, 0, b), 0);
    ob_object *held = ob_list_new();
    T_ASSERT(held != NULL);
    ob_decref(a), ob_decref(b);
    ob_gc_freeze();
    T_EQ(ob_gc_get_freeze_count(), 3);
    uint32_t cnt[3];
    ob_gc_get_count(cnt);
    T_EQ(cnt[0], 0);
    for (int gen = 0; gen < OB_GC_GENERATIONS; gen++)
        T_EQ(ob_gc_collect(gen), 0);
    T_EQ(live(), base + 3);
    T_ASSERT(ob_gc_is_tracked(a) && ob_gc_is_tracked(b));
    /* In no generation, but among all objects. */
    for (int gen = 0; gen < OB_GC_GENERATIONS; gen++) {
        ob_object *objs = ob_gc_get_objects(gen);
        T_ASSERT(objs != NULL);
        T_EQ(count_in(objs, a) + count_in(objs, b) + count_in(objs, held), 0);
        ob_decref(objs);
    }
    ob_object *all = ob_gc_get_objects(-1);
    T_ASSERT(all != NULL);
    T_EQ(count_in(all, a), 1);
    T_EQ(count_in(all, b), 1);
    T_EQ(count_in(all, held), 1);
    ob_decref(all);
    /* A frozen object that dies by count leaves the permanent generation. */
    ob_decref(held);
    T_EQ(ob_gc_get_freeze_count(), 2);
    /* Unfrozen: generation 2, where a young or middle collection does not
     * look, a full one does. */
    ob_gc_unfreeze();
    T_EQ(ob_gc_get_freeze_count(), 0);
    ob_object *g2 = ob_gc_get_objects(2);
    T_ASSERT(g2 != NULL);
    T_EQ(count_in(g2, a), 1);
    T_EQ(count_in(g2, b), 1);
    ob_decref(g2);
    T_EQ(ob_gc_collect(0), 0);
    T_EQ(ob_gc_collect(1), 0);
    T_EQ(live(), base + 2);
    T_EQ(ob_gc_collect(2), 2);
    T_EQ(live(), base);
    gct_end();
}

/* ---- thresholds and counts ------------------------------------------------------------ */
static void test_threshold_get_set(void)
{
    gct_begin();
    uint32_t t[3];
    ob_gc_get_threshold(t);
    T_EQ(t[0], OB_GC_THRESHOLD0);
    T_EQ(t[1], OB_GC_THRESHOLD1);
    T_EQ(t[2], OB_GC_THRESHOLD2);
    T_EQ(OB_GC_THRESHOLD0, 700); /* CPython's defaults */
    T_EQ(OB_GC_THRESHOLD1, 10);
    T_EQ(OB_GC_THRESHOLD2, 10);
    ob_gc_set_threshold(5, 3, 2);
    ob_gc_get_threshold(t);
    T_EQ(t[0], 5);
    T_EQ(t[1], 3);
    T_EQ(t[2], 2);
    ob_gc_set_threshold(0, 0, 0);
    ob_gc_get_threshold(t);
    T_EQ(t[0] + t[1] + t[2], 0);
    T_ASSERT(!ob_gc_isenabled());
    ob_gc_enable();
    T_ASSERT(ob_gc_isenabled());
    ob_gc_set_incremental(0);
    T_EQ(ob_gc_is_incremental(), 0);
    ob_gc_set_incremental(1);
    T_EQ(ob_gc_is_incremental(), 1);
    gct_end();
}

static void test_threshold0_fires_on_next_allocation(void)
{
    gct_begin();
    enum { N = 10 };
    static cb_log log;
    memset(&log, 0, sizeof log);
    ob_object *keep[N + 1];
    T_EQ(ob_gc_collect(2), 0); /* counts to zero */
    T_EQ(ob_gc_callback_add(log_cb, &log), 0);
    ob_gc_set_threshold(N, 1000, 1000);
    ob_gc_set_incremental(0);
    ob_gc_enable();
    ob_gc_stats st0, st1;
    ob_gc_get_stats(&st0);
    for (int i = 0; i < N; i++) {
        keep[i] = ob_list_new();
        T_ASSERT(keep[i] != NULL);
        T_EQ(log.n, 0); /* N allocations: no collection */
    }
    uint32_t cnt[3];
    ob_gc_get_count(cnt);
    T_EQ(cnt[0], N);
    /* Leaves do not count. */
    ob_object *s = ob_str_from_cstr("leaf");
    ob_object *f = ob_float_from(2.5);
    T_ASSERT(s && f);
    ob_gc_get_count(cnt);
    T_EQ(cnt[0], N);
    T_EQ(log.n, 0);
    keep[N] = ob_list_new(); /* the N+1th starts one, stop-the-world */
    T_ASSERT(keep[N] != NULL);
    T_EQ(log.n, 2);
    T_EQ(log.phase[0], 0);
    T_EQ(log.gen[0], 0);
    T_EQ(log.phase[1], 1);
    T_EQ(log.gen[1], 0);
    T_EQ(log.collected[1], 0);
    ob_gc_get_stats(&st1);
    T_EQ(st1.gen[0].collections, st0.gen[0].collections + 1);
    T_EQ(st1.gen[1].collections, st0.gen[1].collections);
    ob_gc_get_count(cnt);
    T_EQ(cnt[0], 0);
    T_EQ(cnt[1], 1);
    T_EQ(cnt[2], 0);
    /* The survivors went to generation 1. */
    ob_gc_disable();
    ob_object *g1 = ob_gc_get_objects(1);
    T_ASSERT(g1 != NULL);
    for (int i = 0; i < N; i++)
        T_EQ(count_in(g1, keep[i]), 1);
    ob_decref(g1);
    for (int i = 0; i <= N; i++)
        ob_decref(keep[i]);
    ob_decref(s), ob_decref(f);
    T_EQ(ob_gc_callback_remove(log_cb, &log), 0);
    gct_end();
}

static void test_get_count_semantics(void)
{
    gct_begin();
    uint32_t c[3];
    T_EQ(ob_gc_collect(2), 0);
    ob_gc_get_count(c);
    T_EQ(c[0], 0);
    T_EQ(c[1], 0);
    T_EQ(c[2], 0);
    ob_object *x = ob_list_new(), *y = ob_dict_new(), *z = ob_tuple_pack(1, OB_NONE);
    T_ASSERT(x && y && z);
    ob_gc_get_count(c);
    T_EQ(c[0], 3); /* tracked allocations */
    ob_decref(z);
    ob_gc_get_count(c);
    T_EQ(c[0], 2); /* minus deallocations */
    ob_object *s = ob_str_from_cstr("not counted"), *bb = ob_bytes_from("ab", 2);
    T_ASSERT(s && bb);
    ob_gc_get_count(c);
    T_EQ(c[0], 2);
    T_EQ(ob_gc_collect(0), 0);
    ob_gc_get_count(c);
    T_EQ(c[0], 0);
    T_EQ(c[1], 1);
    T_EQ(c[2], 0);
    T_EQ(ob_gc_collect(0), 0);
    ob_gc_get_count(c);
    T_EQ(c[0], 0);
    T_EQ(c[1], 2);
    T_EQ(c[2], 0);
    T_EQ(ob_gc_collect(1), 0);
    ob_gc_get_count(c);
    T_EQ(c[0], 0);
    T_EQ(c[1], 0);
    T_EQ(c[2], 1);
    T_EQ(ob_gc_collect(2), 0);
    ob_gc_get_count(c);
    T_EQ(c[0], 0);
    T_EQ(c[1], 0);
    T_EQ(c[2], 0);
    /* An object freed after a collection does not take the count below 0. */
    ob_decref(x);
    ob_gc_get_count(c);
    T_EQ(c[0], 0);
    ob_decref(y), ob_decref(s), ob_decref(bb);
    gct_end();
}

static void test_oldest_generation_rule(void)
{
    gct_begin();
    /* CPython: generation 2 is collected only when the objects that
     * survived generation-1 collections since the last full one (pending)
     * are at least 25 % of those that survived it (total). */
    static cb_log log;
    memset(&log, 0, sizeof log);
    enum { OLD = 40, MORE = 15 };
    ob_object *old[OLD], *more[MORE], *x[4];
    for (int i = 0; i < OLD; i++) {
        old[i] = ob_list_new();
        T_ASSERT(old[i] != NULL);
    }
    T_EQ(ob_gc_collect(2), 0);  /* long-lived total: 40 */
    T_EQ(ob_gc_collect(1), 0);  /* nothing survives these: pending stays 0 */
    T_EQ(ob_gc_collect(1), 0);
    uint32_t c[3];
    ob_gc_get_count(c);
    T_EQ(c[2], 2);
    T_EQ(ob_gc_callback_add(log_cb, &log), 0);
    ob_gc_set_threshold(1, 100, 1);
    ob_gc_set_incremental(0);
    ob_gc_enable();
    x[0] = ob_list_new();
    T_EQ(log.n, 0);
    x[1] = ob_list_new(); /* count0 2 > 1: generation 2 is over its threshold, */
    T_ASSERT(x[0] && x[1]);
    T_EQ(log.n, 2);
    T_EQ(log.gen[0], 0); /* but 0 pending < 40 / 4: a young collection */
    ob_gc_disable();
    for (int i = 0; i < MORE; i++) {
        more[i] = ob_list_new();
        T_ASSERT(more[i] != NULL);
    }
    T_EQ(ob_gc_collect(1), 0); /* 15 + x[0..1] survive: 17 pending >= 10 */
    ob_gc_get_count(c);
    T_EQ(c[2], 3);
    T_EQ(log.n, 4); /* the explicit collection, start and stop */
    ob_gc_enable();
    /* (When the next one starts, x[2] or x[3], is the business of
     * test_older_thresholds_wait_for_threshold0.) */
    x[2] = ob_list_new();
    x[3] = ob_list_new();
    T_ASSERT(x[2] && x[3]);
    T_EQ(log.n, 6);
    T_EQ(log.gen[4], 2); /* now the oldest is worth collecting */
    ob_gc_get_count(c);
    T_EQ(c[1] + c[2], 0);
    ob_gc_disable();
    ob_gc_stats st;
    ob_gc_get_stats(&st);
    T_EQ(st.gen[2].collections, 2);
    T_EQ(st.gen[1].collections, 3);
    T_EQ(st.gen[0].collections, 1);
    for (int i = 0; i < OLD; i++)
        ob_decref(old[i]);
    for (int i = 0; i < MORE; i++)
        ob_decref(more[i]);
    for (int i = 0; i < 4; i++)
        ob_decref(x[i]);
    T_EQ(ob_gc_callback_remove(log_cb, &log), 0);
    gct_end();
}

/* CPython looks at the older generations' counts only when generation 0
 * passes its threshold (collect_generations runs from the gen-0 trigger):
 * with thresholds (2, 1, 100) and every object kept, collections start at
 * allocations 3, 6, 9, 12 of generations 0, 0, 1, 0. */
static void test_older_thresholds_wait_for_threshold0(void)
{
    gct_begin();
    static cb_log log;
    memset(&log, 0, sizeof log);
    enum { N = 12 };
    ob_object *keep[N];
    T_EQ(ob_gc_collect(2), 0); /* counts to zero */
    T_EQ(ob_gc_callback_add(log_cb, &log), 0);
    ob_gc_set_threshold(2, 1, 100);
    ob_gc_set_incremental(0);
    ob_gc_enable();
    int at[8], gen[8], k = 0;
    for (int i = 0; i < N; i++) {
        int n0 = log.n;
        keep[i] = ob_list_new();
        T_ASSERT(keep[i] != NULL);
        if (log.n != n0 && k < 8) {
            at[k] = i + 1;
            gen[k] = log.gen[n0];
            k++;
        }
    }
    ob_gc_disable();
    for (int i = 0; i < k; i++)
        t_printf("# collection %d: at allocation %d, generation %d\n", i + 1, at[i], gen[i]);
    for (int i = 0; i < N; i++)
        ob_decref(keep[i]);
    T_EQ(ob_gc_callback_remove(log_cb, &log), 0);
    static const int want_at[4] = { 3, 6, 9, 12 }, want_gen[4] = { 0, 0, 1, 0 };
    T_EQ(k, 4);
    for (int i = 0; i < 4; i++) {
        T_EQ(at[i], want_at[i]);
        T_EQ(gen[i], want_gen[i]);
    }
    gct_end();
}

static void test_threshold0_zero_and_disable_stop_automatic(void)
{
    gct_begin();
    static cb_log log;
    memset(&log, 0, sizeof log);
    T_EQ(ob_gc_callback_add(log_cb, &log), 0);
    /* threshold0 = 0: never automatic, not even when the young table
     * fills (more allocations than it holds; on the boards with room). */
    static ob_object *keep[OB_GC_YOUNG_CAP + 8];
    int N = OB_GC_YOUNG_CAP + 8;
    if (!t_on_host() && N > 100)
        N = 100;
    ob_gc_set_threshold(0, 10, 10);
    ob_gc_set_incremental(0);
    ob_gc_enable();
    for (int i = 0; i < N; i++) {
        keep[i] = ob_list_new();
        T_ASSERT(keep[i] != NULL);
    }
    T_EQ(log.n, 0);
    uint32_t c[3];
    ob_gc_get_count(c);
    T_EQ(c[0], N);
    ob_gc_idle();
    ob_gc_periodic(0);
    T_EQ(log.n, 0);
    T_EQ(ob_gc_phase_now(), OB_GC_IDLE);
    for (int i = 0; i < N; i++)
        ob_decref(keep[i]);

    /* ob_gc_disable: no automatic collection, explicit collect still runs. */
    ob_gc_set_threshold(1, 10, 10);
    ob_gc_disable();
    T_ASSERT(!ob_gc_isenabled());
    ob_object *l = ob_list_new();
    T_ASSERT(l != NULL);
    T_EQ(ob_list_append(l, l), 0);
    ob_decref(l);
    for (int i = 0; i < 8; i++) {
        keep[i] = ob_list_new();
        T_ASSERT(keep[i] != NULL);
    }
    ob_gc_idle();
    ob_gc_periodic(0);
    T_EQ(log.n, 0);
    T_EQ(ob_gc_collect(0), 1);
    T_EQ(log.n, 2);
    ob_gc_enable();
    keep[8] = ob_list_new();
    T_EQ(log.n, 2); /* count0 1: not over */
    keep[9] = ob_list_new();
    T_ASSERT(keep[8] && keep[9]);
    T_EQ(log.n, 4); /* enabled again: automatic */
    ob_gc_disable();
    for (int i = 0; i < 10; i++)
        ob_decref(keep[i]);
    T_EQ(ob_gc_callback_remove(log_cb, &log), 0);
    gct_end();
}

/* ---- introspection ---------------------------------------------------------------------- */
static void test_get_referrers_exact(void)
{
    gct_begin();
    ob_object *t = ob_list_new();     /* the target */
    ob_object *u = ob_dict_new();     /* a second target */
    ob_object *a = ob_list_new();     /* refers twice: listed once */
    ob_object *d = ob_dict_new();     /* as a value */
    ob_object *k = ob_struct_new(&key_type);
    ob_object *d2 = ob_dict_new();    /* k as a key */
    ob_object *other = ob_list_new(); /* refers to neither */
    T_ASSERT(t && u && a && d && k && d2 && other);
    T_EQ(ob_list_append(a, t), 0);
    T_EQ(ob_list_append(a, t), 0);
    T_EQ(ob_list_append(a, u), 0);
    T_EQ(ob_dict_set_cstr(d, "t", t), 0);
    T_EQ(ob_struct_set(k, 0, t), 0);
    T_EQ(ob_dict_set(d2, k, ob_small_from(1)), 0);
    ob_object *tp = ob_tuple_pack(2, t, ob_small_from(1));
    T_ASSERT(tp != NULL);
    ob_object *s = ob_str_from_cstr("leaf");
    T_ASSERT(s != NULL);
    T_EQ(ob_list_append(other, s), 0);
    T_EQ(ob_list_append(other, d2), 0);

    ob_object *r = ob_gc_get_referrers(&t, 1);
    T_ASSERT(r != NULL);
    T_EQ(ob_list_len(r), 4); /* a, d, k, tp: exactly */
    T_EQ(count_in(r, a), 1);
    T_EQ(count_in(r, d), 1);
    T_EQ(count_in(r, k), 1);
    T_EQ(count_in(r, tp), 1);
    ob_decref(r);

    ob_object *both[2] = { t, u };
    r = ob_gc_get_referrers(both, 2);
    T_ASSERT(r != NULL);
    T_EQ(ob_list_len(r), 4); /* a once for both targets */
    T_EQ(count_in(r, a), 1);
    ob_decref(r);

    r = ob_gc_get_referrers(&k, 1);
    T_ASSERT(r != NULL);
    T_EQ(ob_list_len(r), 1); /* the dict that has k as a key */
    T_EQ(count_in(r, d2), 1);
    ob_decref(r);

    r = ob_gc_get_referrers(&s, 1); /* a leaf's referrers are found too */
    T_ASSERT(r != NULL);
    T_EQ(ob_list_len(r), 1);
    T_EQ(count_in(r, other), 1);
    ob_decref(r);

    r = ob_gc_get_referrers(&other, 1);
    T_ASSERT(r != NULL);
    T_EQ(ob_list_len(r), 0);
    ob_decref(r);

    /* An instance's attribute is referred to by its dict, not by it. */
    T_EQ(ob_instance_type_init(&inst_type, "Inst"), 0);
    ob_object *o = ob_instance_new(&inst_type);
    if (!o) {
        ob_heap_stats hs;
        ob_heap_stats_get(ob_runtime_heap(), &hs);
        t_printf("# ob_instance_new: %s (capacity %u, held %u, live %u)\n", ob_err_message(),
                 (unsigned)hs.capacity, (unsigned)hs.bytes_held, (unsigned)live());
    }
    T_ASSERT(o != NULL);
    T_EQ(ob_instance_setattr(o, "attr", u), 0);
    r = ob_gc_get_referrers(&u, 1);
    T_ASSERT(r != NULL);
    T_EQ(ob_list_len(r), 2);
    T_EQ(count_in(r, a), 1);
    if (ob_instance_has_dict(o)) /* read only: ob_instance_dict would make one */
        T_EQ(count_in(r, ob_instance_dict(o)), 1);
    else
        T_EQ(count_in(r, o), 1); /* inline values: the instance itself */
    ob_decref(r);
    /* Once it has a dict, the dict is the referrer, not the instance too. */
    ob_object *od = ob_instance_dict(o);
    T_ASSERT(od != NULL);
    r = ob_gc_get_referrers(&u, 1);
    T_ASSERT(r != NULL);
    T_EQ(ob_list_len(r), 2);
    T_EQ(count_in(r, a), 1);
    T_EQ(count_in(r, od), 1);
    ob_decref(r);
    ob_decref(o);
    ob_instance_type_fini(&inst_type);

    ob_decref(tp), ob_decref(s);
    ob_decref(t), ob_decref(u), ob_decref(a), ob_decref(d), ob_decref(k), ob_decref(d2);
    ob_decref(other);
    gct_end();
}

static void test_get_referents_exact(void)
{
    gct_begin();
    ob_object *t = ob_list_new();
    ob_object *s = ob_str_from_cstr("s");
    T_ASSERT(t && s);
    /* a list: its items in order, once per reference */
    ob_object *l = ob_list_new();
    T_ASSERT(l != NULL);
    T_EQ(ob_list_append(l, t), 0);
    T_EQ(ob_list_append(l, ob_small_from(1)), 0);
    T_EQ(ob_list_append(l, s), 0);
    T_EQ(ob_list_append(l, t), 0);
    ob_object *r = ob_gc_get_referents(&l, 1);
    T_ASSERT(r != NULL);
    T_EQ(ob_list_len(r), 4);
    T_ASSERT(ob_list_get(r, 0) == t);
    T_ASSERT(ob_list_get(r, 1) == ob_small_from(1));
    T_ASSERT(ob_list_get(r, 2) == s);
    T_ASSERT(ob_list_get(r, 3) == t);
    ob_decref(r);
    /* a dict: key, value per entry in insertion order */
    ob_object *d = ob_dict_new();
    ob_object *k1 = ob_str_from_cstr("k1");
    T_ASSERT(d && k1);
    T_EQ(ob_dict_set(d, k1, t), 0);
    T_EQ(ob_dict_set(d, s, ob_small_from(2)), 0);
    r = ob_gc_get_referents(&d, 1);
    T_ASSERT(r != NULL);
    T_EQ(ob_list_len(r), 4);
    T_ASSERT(ob_list_get(r, 0) == k1);
    T_ASSERT(ob_list_get(r, 1) == t);
    T_ASSERT(ob_list_get(r, 2) == s);
    T_ASSERT(ob_list_get(r, 3) == ob_small_from(2));
    ob_decref(r);
    /* a struct: its slots in order (None included); a tuple */
    ob_object *n = node_new(&node_type, t, NULL);
    ob_object *tp = ob_tuple_pack(2, s, l);
    T_ASSERT(tp != NULL);
    ob_object *several[3] = { n, tp, s };
    r = ob_gc_get_referents(several, 3);
    T_ASSERT(r != NULL);
    T_EQ(ob_list_len(r), 4); /* n: t, None; tp: s, l; s: a leaf, nothing */
    T_ASSERT(ob_list_get(r, 0) == t);
    T_ASSERT(ob_list_get(r, 1) == OB_NONE);
    T_ASSERT(ob_list_get(r, 2) == s);
    T_ASSERT(ob_list_get(r, 3) == l);
    ob_decref(r);
    /* leaves and an empty container: nothing */
    ob_object *leaves[3] = { s, ob_small_from(3), t };
    r = ob_gc_get_referents(leaves, 3);
    T_ASSERT(r != NULL);
    T_EQ(ob_list_len(r), 0);
    ob_decref(r);
    /* an instance: its dict */
    T_EQ(ob_instance_type_init(&inst_type, "Inst"), 0);
    ob_object *o = ob_instance_new(&inst_type);
    T_ASSERT(o != NULL);
    T_EQ(ob_instance_setattr(o, "first", t), 0);
    T_EQ(ob_instance_setattr(o, "second", s), 0);
    r = ob_gc_get_referents(&o, 1);
    T_ASSERT(r != NULL);
    if (ob_instance_has_dict(o)) {
        T_EQ(ob_list_len(r), 1);
        T_ASSERT(ob_list_get(r, 0) == ob_instance_dict(o));
    } else { /* inline values, in attribute order */
        T_EQ(ob_list_len(r), 2);
        T_ASSERT(ob_list_get(r, 0) == t);
        T_ASSERT(ob_list_get(r, 1) == s);
    }
    ob_decref(r);
    ob_object *od = ob_instance_dict(o); /* with a dict: the dict only */
    T_ASSERT(od != NULL);
    r = ob_gc_get_referents(&o, 1);
    T_ASSERT(r != NULL);
    T_EQ(ob_list_len(r), 1);
    T_ASSERT(ob_list_get(r, 0) == od);
    ob_decref(r);
    ob_decref(o);
    ob_instance_type_fini(&inst_type);
    ob_decref(n), ob_decref(tp), ob_decref(d), ob_decref(k1);
    ob_decref(l), ob_decref(t), ob_decref(s);
    gct_end();
}

static void test_get_objects_by_generation(void)
{
    gct_begin();
    ob_object *l = ob_list_new(), *d = ob_dict_new(), *st = ob_set_new();
    ob_object *s = ob_str_from_cstr("leaf"), *f = ob_float_from(1.5);
    ob_object *big = ob_int_from_i64((int64_t)1 << 40);
    T_ASSERT(l && d && st && s && f && big);
    ob_object *tl = ob_tuple_pack(2, s, ob_small_from(1)); /* leaves only */
    ob_object *tc = ob_tuple_pack(2, l, s);                /* holds a list */
    ob_object *w = ob_weakref_new(l, NULL, NULL);
    ob_object *n = ob_struct_new(&node_type);
    T_ASSERT(tl && tc && w && n);
    ob_object *mine[] = { l, d, st, tl, tc, w, n };
    ob_object *leaves[] = { s, f, big };

    ob_object *g0 = ob_gc_get_objects(0);
    T_ASSERT(g0 != NULL);
    T_EQ(ob_list_len(g0), T_COUNT(mine)); /* exactly the tracked objects made */
    for (size_t i = 0; i < T_COUNT(mine); i++)
        T_EQ(count_in(g0, mine[i]), 1);
    for (size_t i = 0; i < T_COUNT(leaves); i++)
        T_EQ(count_in(g0, leaves[i]), 0);
    T_EQ(count_in(g0, g0), 0); /* not itself */
    ob_decref(g0);
    ob_object *g1 = ob_gc_get_objects(1);
    T_ASSERT(g1 != NULL);
    T_EQ(ob_list_len(g1), 0);
    ob_decref(g1);

    T_EQ(ob_gc_collect(0), 0);
    /* The tuple of leaves is untracked by the collection (CPython); the
     * rest moved to generation 1. */
    T_ASSERT(!ob_gc_is_tracked(tl));
    T_ASSERT(ob_gc_is_tracked(tc));
    g0 = ob_gc_get_objects(0);
    g1 = ob_gc_get_objects(1);
    ob_object *g2 = ob_gc_get_objects(2);
    ob_object *all = ob_gc_get_objects(-1);
    T_ASSERT(g0 && g1 && g2 && all);
    T_EQ(ob_list_len(g0), 0); /* the lists below are made after g0 */
    T_EQ(ob_list_len(g1), T_COUNT(mine) - 1);
    T_EQ(ob_list_len(g2), 0);
    for (size_t i = 0; i < T_COUNT(mine); i++) {
        T_EQ(count_in(g0, mine[i]), 0);
        T_EQ(count_in(g1, mine[i]), mine[i] != tl);
        T_EQ(count_in(all, mine[i]), mine[i] != tl);
    }
    T_EQ(count_in(all, g0) + count_in(all, g1) + count_in(all, g2), 3);
    ob_decref(g0), ob_decref(g1), ob_decref(g2), ob_decref(all);
    T_EQ(ob_gc_collect(1), 0);
    g2 = ob_gc_get_objects(2);
    T_ASSERT(g2 != NULL);
    T_EQ(ob_list_len(g2), T_COUNT(mine) - 1);
    ob_decref(g2);
    ob_err_clear();
    T_ASSERT(ob_gc_get_objects(3) == NULL);
    T_EQ(ob_err_code(), OB_E_VALUE);
    ob_err_clear();
    T_ASSERT(ob_gc_get_objects(-2) == NULL);
    T_EQ(ob_err_code(), OB_E_VALUE);
    for (size_t i = 0; i < T_COUNT(mine); i++)
        ob_decref(mine[i]);
    for (size_t i = 0; i < T_COUNT(leaves); i++)
        ob_decref(leaves[i]);
    gct_end();
}

static void test_is_tracked_and_tuple_untracking(void)
{
    gct_begin();
    ob_object *l = ob_list_new(), *d = ob_dict_new(), *st = ob_set_new(), *wv = ob_wvdict_new();
    ob_object *s = ob_str_from_cstr("s"), *by = ob_bytes_from("b", 1), *f = ob_float_from(0.5);
    ob_object *ar = ob_array_new(OB_ARR_U8, 4), *big = ob_int_from_i64((int64_t)1 << 40);
    ob_object *n = ob_struct_new(&node_type);
    T_ASSERT(l && d && st && wv && s && by && f && ar && big && n);
    ob_object *wr = ob_weakref_new(l, NULL, NULL);
    T_ASSERT(wr != NULL);
    ob_object *containers[] = { l, d, st, wv, n, wr };
    for (size_t i = 0; i < T_COUNT(containers); i++)
        T_ASSERT(ob_gc_is_tracked(containers[i]));
    ob_object *lv[] = { s, by, f, ar, big, ob_small_from(1), OB_NONE, OB_TRUE, OB_EMPTY_TUPLE };
    for (size_t i = 0; i < T_COUNT(lv); i++) {
        T_ASSERT(!ob_gc_is_tracked(lv[i]));
        T_ASSERT(!ob_gc_is_finalized(lv[i]));
    }
    /* Tuples start tracked; a collection untracks those that can never be
     * in a cycle (only leaves, None, untracked tuples), as CPython does. */
    ob_object *t_leaves = ob_tuple_pack(4, s, ob_small_from(2), OB_NONE, f);
    ob_object *t_list = ob_tuple_pack(2, s, l);
    ob_object *t_dict = ob_tuple_pack(1, d);
    T_ASSERT(t_leaves && t_list && t_dict);
    T_ASSERT(ob_gc_is_tracked(t_leaves));
    T_ASSERT(ob_gc_is_tracked(t_list));
    T_EQ(ob_gc_collect(0), 0);
    T_ASSERT(!ob_gc_is_tracked(t_leaves));
    T_ASSERT(ob_gc_is_tracked(t_list));
    T_ASSERT(ob_gc_is_tracked(t_dict));
    ob_gc_stats stt;
    ob_gc_get_stats(&stt);
    T_EQ(stt.tracked, T_COUNT(containers) + 3); /* + wv's dict, t_list, t_dict */
    /* An outer tuple of an untracked tuple goes at the next collection. */
    ob_object *t_outer = ob_tuple_pack(2, t_leaves, ob_small_from(1));
    T_ASSERT(t_outer != NULL);
    T_ASSERT(ob_gc_is_tracked(t_outer));
    T_EQ(ob_gc_collect(0), 0);
    T_ASSERT(!ob_gc_is_tracked(t_outer));
    T_ASSERT(ob_tuple_get(t_outer, 0) == t_leaves); /* intact */
    checked(t_outer), checked(t_leaves);
    ob_decref(t_outer), ob_decref(t_leaves), ob_decref(t_list), ob_decref(t_dict);
    for (size_t i = 0; i < T_COUNT(containers); i++)
        ob_decref(containers[i]);
    ob_decref(s), ob_decref(by), ob_decref(f), ob_decref(ar), ob_decref(big);
    ob_gc_get_stats(&stt);
    T_EQ(stt.tracked, 0);
    gct_end();
}

/* ---- callbacks and statistics ---------------------------------------------------------- */
static void other_cb(int phase, const ob_gc_info *info, void *ctx)
{
    (void)phase, (void)info;
    ++*(int *)ctx;
}

static void test_callbacks(void)
{
    gct_begin();
    static cb_log log;
    memset(&log, 0, sizeof log);
    static int c1, c2, c3;
    c1 = c2 = c3 = 0;
    T_EQ(ob_gc_callback_count(), 0);
    T_EQ(ob_gc_callback_add(log_cb, &log), 0);
    T_EQ(ob_gc_callback_add(other_cb, &c1), 0);
    T_EQ(ob_gc_callback_add(other_cb, &c2), 0);
    T_EQ(ob_gc_callback_count(), 3);
    T_EQ(ob_gc_callback_add(other_cb, &c3), 0);
    T_EQ(ob_gc_callback_count(), OB_GC_CALLBACKS);
    T_EQ(ob_gc_callback_add(other_cb, &c3), OB_E_VALUE); /* too many */
    T_EQ(ob_gc_callback_count(), OB_GC_CALLBACKS);
    T_EQ(ob_gc_callback_remove(other_cb, &log), OB_E_KEY); /* no such pair */
    T_EQ(ob_gc_callback_remove(other_cb, &c3), 0);
    T_EQ(ob_gc_callback_remove(other_cb, &c3), OB_E_KEY);
    T_EQ(ob_gc_callback_count(), 3);

    ob_object *a = node_new(&node_type, NULL, NULL);
    ob_object *b = node_new(&node_type, a, NULL);
    T_EQ(ob_struct_set(a, 0, b), 0);
    ob_object *l = ob_list_new();
    T_ASSERT(l != NULL);
    T_EQ(ob_list_append(l, l), 0);
    ob_decref(a), ob_decref(b), ob_decref(l);
    T_EQ(ob_gc_collect(1), 3);
    T_EQ(log.n, 2);
    T_EQ(log.phase[0], 0); /* start */
    T_EQ(log.gen[0], 1);
    T_EQ(log.collected[0], 0);
    T_EQ(log.uncollectable[0], 0);
    T_EQ(log.phase[1], 1); /* stop */
    T_EQ(log.gen[1], 1);
    T_EQ(log.collected[1], 3);
    T_EQ(log.uncollectable[1], 0);
    T_EQ(c1, 2);
    T_EQ(c2, 2);
    T_EQ(c3, 0);
    T_EQ(ob_gc_collect(2), 0);
    T_EQ(log.n, 4);
    T_EQ(log.gen[2], 2);
    T_EQ(log.gen[3], 2);
    T_EQ(log.collected[3], 0);
    /* Removing one leaves the others; a freed slot can be reused. */
    T_EQ(ob_gc_callback_remove(other_cb, &c1), 0);
    T_EQ(ob_gc_collect(0), 0);
    T_EQ(c1, 4);
    T_EQ(c2, 6);
    T_EQ(ob_gc_callback_add(other_cb, &c3), 0);
    T_EQ(ob_gc_callback_add(other_cb, &c1), 0);
    T_EQ(ob_gc_callback_count(), OB_GC_CALLBACKS);
    T_EQ(ob_gc_callback_remove(log_cb, &log), 0);
    T_EQ(ob_gc_callback_remove(other_cb, &c1), 0);
    T_EQ(ob_gc_callback_remove(other_cb, &c2), 0);
    T_EQ(ob_gc_callback_remove(other_cb, &c3), 0);
    T_EQ(ob_gc_callback_count(), 0);
    gct_end();
}

static void make_ring(size_t n)
{
    ob_object *first = ob_list_new(), *prev = first;
    T_ASSERT(first != NULL);
    for (size_t i = 1; i < n; i++) {
        ob_object *l = ob_list_new();
        T_ASSERT(l != NULL);
        T_EQ(ob_list_append(prev, l), 0);
        ob_decref(l);
        prev = l;
    }
    T_EQ(ob_list_append(prev, first), 0);
    ob_decref(first);
}

static void test_stats_per_generation(void)
{
    gct_begin();
    ob_gc_stats st;
    ob_gc_get_stats(&st);
    for (int g = 0; g < OB_GC_GENERATIONS; g++) {
        T_EQ(st.gen[g].collections, 0);
        T_EQ(st.gen[g].collected, 0);
        T_EQ(st.gen[g].uncollectable, 0);
    }
    T_EQ(st.emergency, 0);
    T_EQ(st.tracked, 0);
    make_ring(2);
    T_EQ(ob_gc_collect(0), 2);
    make_ring(3);
    T_EQ(ob_gc_collect(0), 3);
    make_ring(1);
    T_EQ(ob_gc_collect(1), 1);
    T_EQ(ob_gc_collect(2), 0);
    make_ring(4);
    T_EQ(ob_gc_collect(2), 4);
    ob_object *keep = ob_list_new();
    T_ASSERT(keep != NULL);
    ob_gc_get_stats(&st);
    T_EQ(st.gen[0].collections, 2);
    T_EQ(st.gen[0].collected, 5);
    T_EQ(st.gen[1].collections, 1);
    T_EQ(st.gen[1].collected, 1);
    T_EQ(st.gen[2].collections, 2);
    T_EQ(st.gen[2].collected, 4);
    for (int g = 0; g < OB_GC_GENERATIONS; g++)
        T_EQ(st.gen[g].uncollectable, 0);
    T_EQ(st.emergency, 0);
    T_EQ(st.tracked, 1);
    T_GT(st.longest_step_work, 0);
    T_GE(st.total_work, st.longest_step_work);
    ob_decref(keep);
    gct_end();
}

static char stats_out[256];
static size_t stats_len;
static void capture_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n && stats_len + 1 < sizeof stats_out; i++)
        stats_out[stats_len++] = s[i];
    stats_out[stats_len] = '\0';
}

static void test_debug_stats_prints(void)
{
    gct_begin();
    ob_hooks h = *ob_hooks_get();
    h.write = capture_write;
    ob_hooks_set(&h);
    stats_len = 0;
    stats_out[0] = '\0';
    make_ring(3);
    ob_gc_set_debug(OB_GC_DEBUG_STATS);
    T_EQ(ob_gc_collect(1), 3);
    ob_gc_set_debug(0);
    T_CONTAINS(stats_out, "generation 1");
    T_CONTAINS(stats_out, "3 unreachable");
    stats_len = 0;
    stats_out[0] = '\0';
    ob_object *n = node_new(&node_type, NULL, NULL);
    T_EQ(ob_struct_set(n, 0, n), 0);
    ob_decref(n);
    ob_gc_set_debug(OB_GC_DEBUG_COLLECTABLE);
    T_EQ(ob_gc_collect(0), 1);
    ob_gc_set_debug(0);
    T_CONTAINS(stats_out, "collectable");
    T_CONTAINS(stats_out, "Node");
    gct_end();
}

static void test_bad_generation(void)
{
    gct_begin();
    ob_err_clear();
    T_EQ(ob_gc_collect(-1), OB_E_VALUE);
    T_EQ(ob_err_code(), OB_E_VALUE);
    ob_err_clear();
    T_EQ(ob_gc_collect(3), OB_E_VALUE);
    T_EQ(ob_err_code(), OB_E_VALUE);
    T_EQ(ob_gc_start(3), OB_E_VALUE);
    T_EQ(ob_gc_start(-1), OB_E_VALUE);
    ob_gc_stats st;
    ob_gc_get_stats(&st);
    for (int g = 0; g < OB_GC_GENERATIONS; g++)
        T_EQ(st.gen[g].collections, 0); /* refused, nothing ran */
    T_EQ(ob_gc_phase_now(), OB_GC_IDLE);
    T_EQ(ob_gc_step(100), 0); /* nothing running */
    gct_end();
}

/* ---- the emergency collection ----------------------------------------------------------- */
static size_t heap_capacity(void)
{
    ob_heap_stats hs;
    ob_heap_stats_get(ob_runtime_heap(), &hs);
    return hs.capacity;
}

static void test_emergency_collection_once(void)
{
    gct_begin();
    size_t base = live();
    size_t cap = heap_capacity();
    size_t payload = cap / 2000;
    if (payload < 32)
        payload = 32;
    if (payload > 1024)
        payload = 1024;
    /* Garbage cycles, each holding a payload, until an allocation only
     * succeeds thanks to the collector. */
    size_t made = 0, limit = cap / 32 + 16;
    ob_gc_stats st;
    int hit = 0;
    while (!hit && made < limit) {
        /* each allocation succeeds; after each, has the emergency run? */
        ob_object *l = ob_list_new();
        T_ASSERT(l != NULL);
        ob_gc_get_stats(&st);
        hit = st.emergency != 0;
        T_EQ(ob_list_append(l, l), 0);
        ob_gc_get_stats(&st);
        hit |= st.emergency != 0;
        ob_object *b = ob_array_new(OB_ARR_U8, payload); /* a leaf payload */
        T_ASSERT(b != NULL);
        ob_gc_get_stats(&st);
        hit |= st.emergency != 0;
        T_EQ(ob_list_append(l, b), 0);
        ob_decref(b);
        ob_gc_get_stats(&st);
        hit |= st.emergency != 0;
        ob_decref(l); /* garbage */
        if (!hit)
            made++;
    }
    t_printf("# %u garbage cycles of %u bytes before the emergency collection\n",
             (unsigned)made, (unsigned)payload);
    T_ASSERT(hit);
    ob_gc_get_stats(&st);
    T_EQ(st.emergency, 1); /* one collection for that allocation, not several */
    T_EQ(st.gen[2].collections, 1);
    /* every cycle made before that allocation was found by it (the one
     * being built was held) */
    T_EQ(st.gen[2].collected, made);
    /* the one made around the emergency (at most) is left */
    T_LE(ob_gc_collect(2), 1);
    T_EQ(live(), base);
    gct_end();
}

static void test_emergency_fails_once_when_all_live(void)
{
    gct_begin();
    size_t cap = heap_capacity();
    size_t chunk = cap / 64;
    if (chunk < 64)
        chunk = 64;
    if (chunk > 4096)
        chunk = 4096;
    /* A chain of (prev, bytes) tuples, all live, until an allocation fails:
     * that one ran exactly one emergency collection, which found nothing. */
    ob_object *chain = OB_NONE;
    ob_gc_stats st0, st1;
    int failed = 0;
    size_t made = 0;
    while (!failed && made < cap / 16) {
        ob_gc_get_stats(&st0);
        ob_object *b = ob_array_new(OB_ARR_U8, chunk);
        ob_gc_get_stats(&st1);
        if (!b) {
            T_EQ(ob_err_code(), OB_E_NOMEM);
            T_EQ(st1.emergency, st0.emergency + 1);
            failed = 1;
            break;
        }
        T_EQ(st1.emergency, st0.emergency);
        ob_object *t = ob_tuple_pack(2, chain, b);
        ob_decref(b);
        ob_gc_get_stats(&st0);
        if (!t) {
            T_EQ(ob_err_code(), OB_E_NOMEM);
            T_EQ(st0.emergency, st1.emergency + 1);
            failed = 1;
            break;
        }
        T_EQ(st0.emergency, st1.emergency);
        ob_decref(chain);
        chain = t;
        made++;
    }
    T_ASSERT(failed);
    ob_gc_get_stats(&st0);
    T_EQ(st0.emergency, 1);
    T_EQ(st0.gen[2].collected, 0);
    ob_err_clear();
    ob_decref(chain);
    gct_end();
}

static const t_case cases[] = {
    T_CASE(test_list_self_reference),
    T_CASE(test_two_node_cycle_structs),
    T_CASE(test_two_node_cycle_instances),
    T_CASE(test_instance_cycle_each_slot),
    T_CASE(test_tuple_in_cycle_via_list),
    T_CASE(test_dict_value_and_key_cycles),
    T_CASE(test_set_tuple_struct_list_cycle),
    T_CASE(test_wvdict_in_cycle),
    T_CASE(test_wvdict_drops_cyclic_values),
    T_CASE(test_long_ring_and_wide_fanout),
    T_CASE(test_stw_mark_any_address_order),
    T_CASE(test_stw_every_refs_shape),
    T_CASE(test_refs_shape_disagreeing_refused),
    T_CASE(test_special_containers_counted),
    T_CASE(test_stw_mark_stack_overflow_behind_the_walk),
    T_CASE(test_heavily_referenced_cycle_member),
    T_CASE(test_reachable_cycle_survives),
    T_CASE(test_objects_held_by_c_survive),
    T_CASE(test_old_generation_keeps_young_cycle),
    T_CASE(test_untracked_container_is_not_collected),
    T_CASE(test_finalizers_run_once_in_garbage_cycle),
    T_CASE(test_finalizer_resurrects_cycle),
    T_CASE(test_resurrected_then_dies_by_count),
    T_CASE(test_finalizer_on_one_member_only),
    T_CASE(test_finalizer_breaks_cycle),
    T_CASE(test_finalizer_makes_new_garbage),
    T_CASE(test_collect_inside_finalizer_and_callback),
    T_CASE(test_weakref_to_cycle_member),
    T_CASE(test_weakref_in_garbage_does_not_call_back),
    T_CASE(test_weakref_callbacks_see_no_garbage),
    T_CASE(test_old_garbage_found_by_the_walk),
    T_CASE(test_saveall_keeps_garbage),
    T_CASE(test_freeze_and_unfreeze),
    T_CASE(test_threshold_get_set),
    T_CASE(test_threshold0_fires_on_next_allocation),
    T_CASE(test_get_count_semantics),
    T_CASE(test_oldest_generation_rule),
    T_CASE(test_older_thresholds_wait_for_threshold0),
    T_CASE(test_threshold0_zero_and_disable_stop_automatic),
    T_CASE(test_get_referrers_exact),
    T_CASE(test_get_referents_exact),
    T_CASE(test_get_objects_by_generation),
    T_CASE(test_is_tracked_and_tuple_untracking),
    T_CASE(test_callbacks),
    T_CASE(test_stats_per_generation),
    T_CASE(test_debug_stats_prints),
    T_CASE(test_bad_generation),
    T_CASE(test_emergency_collection_once),
    T_CASE(test_emergency_fails_once_when_all_live),
};

int main(void)
{
    return t_main("gc", cases, T_COUNT(cases));
}
