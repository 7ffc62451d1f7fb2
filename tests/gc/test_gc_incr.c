/* test_gc_incr - the incremental collector attacked between its steps.
 *
 * 1. Park: for every phase, park a collection at its start and apply each
 *    mutation the firmware may make (take a new reference, move one out of
 *    a container, move one between containers, drop one so an object dies
 *    by count, dereference a weak reference, make new objects, resurrect in
 *    a finalizer), then finish and check that nothing reachable was freed
 *    and all garbage went.
 * 2. A seeded random mutator over a graph of test nodes (container types
 *    defined here, with four reference slots and a death hook; half of the
 *    nodes followed through traverse, half through the collector's inline
 *    reference layout) interleaved
 *    with tiny steps, checked against a shadow model of the graph after
 *    every operation: every node the model can reach from the C roots is
 *    alive and not condemned; at checkpoints (a full collection from a
 *    quiet state) every node the model cannot reach is gone.
 * Replay with seed=N; scale=N multiplies the operations.
 */
#include "../objects/obt.h"
#include "ob_gc.h"

/* ---- a test container: four slots, an id, a death hook ------------------------ */
enum { NSLOT = 4 };
typedef struct node {
    ob_object head;
    int32_t id;
    uint8_t resurrect; /* the finalizer stores it in a resurrection root */
    ob_object *slot[NSLOT];
} node;

static void node_dealloc(ob_object *o);
static int node_traverse(ob_object *o, ob_visit_fn visit, void *arg)
{
    node *n = (node *)o;
    for (int i = 0; i < NSLOT; i++)
        if (n->slot[i]) {
            int rc = visit(n->slot[i], arg);
            if (rc)
                return rc;
        }
    return 0;
}
static void node_clear(ob_object *o);
static void node_finalize(ob_object *o);

#define NODE_TYPE_FIELDS                                                       \
    .magic = OB_TYPE_MAGIC, .name = "node", .basicsize = sizeof(node), .flags = OB_TF_GC, \
    .dealloc = node_dealloc, .traverse = node_traverse, .clear = node_clear,  \
    .finalize = node_finalize
static const ob_type node_type = { NODE_TYPE_FIELDS };
/* The same with its slots described as the collector's reference layout:
 * followed by its inline loops instead of traverse. Odd ids use it. */
static const ob_type node_fast_type = {
    NODE_TYPE_FIELDS,
    .refs_at = offsetof(node, slot),
    .refs_n = NSLOT,
};

/* ---- the shadow model ------------------------------------------------------------ */
#ifdef OB_HOST
enum { MAXN = 192, NROOT = 12, NRES = 4, NWEAK = 16 };
#else
enum { MAXN = 48, NROOT = 8, NRES = 2, NWEAK = 6 };
#endif

static struct {
    uint8_t alive[MAXN];      /* the real node with this id exists */
    int16_t edge[MAXN][NSLOT]; /* mirrors node.slot: target id or -1 */
    node *obj[MAXN];          /* while alive */
    int16_t root[NROOT];      /* C's owned references */
    node *rootp[NROOT];
    int16_t res[NRES];        /* resurrection roots (filled by finalizers) */
    node *resp[NRES];
    ob_object *weak[NWEAK];   /* weak references (owned by C) */
    int16_t weakid[NWEAK];    /* -1 once the referent died */
    uint32_t weakres[NWEAK];  /* resurrections counted when it was made */
    uint32_t deaths, finalized, resurrected;
    int clearing_ok;          /* model updates allowed from clear() */
} m;

static int16_t id_of(ob_object *o)
{
    return o ? (int16_t)((node *)o)->id : -1;
}

static void node_dealloc(ob_object *o)
{
    node *n = (node *)o;
    m.alive[n->id] = 0;
    m.obj[n->id] = NULL;
    m.deaths++;
    for (int i = 0; i < NWEAK; i++)
        if (m.weakid[i] == n->id)
            m.weakid[i] = -1;
    for (int i = 0; i < NSLOT; i++) {
        m.edge[n->id][i] = -1;
        ob_clear_ref(&n->slot[i]);
    }
}

static void node_clear(ob_object *o)
{
    node *n = (node *)o;
    for (int i = 0; i < NSLOT; i++) {
        m.edge[n->id][i] = -1;
        ob_clear_ref(&n->slot[i]);
    }
}

static void node_finalize(ob_object *o)
{
    node *n = (node *)o;
    m.finalized++;
    if (!n->resurrect)
        return;
    for (int i = 0; i < NRES; i++)
        if (m.res[i] < 0) {
            m.res[i] = (int16_t)n->id;
            m.resp[i] = (node *)ob_newref(o); /* resurrects: a new holder */
            m.resurrected++;
            return;
        }
}

static node *node_new(int16_t id)
{
    node *n = (node *)ob_object_alloc((id & 1) ? &node_fast_type : &node_type, 0);
    if (!n)
        return NULL;
    n->id = id;
    m.alive[id] = 1;
    m.obj[id] = n;
    for (int i = 0; i < NSLOT; i++)
        m.edge[id][i] = -1;
    return n;
}

static void model_reset(void)
{
    memset(&m, 0, sizeof m);
    for (int i = 0; i < NROOT; i++)
        m.root[i] = -1;
    for (int i = 0; i < NRES; i++)
        m.res[i] = -1;
    for (int i = 0; i < NWEAK; i++)
        m.weakid[i] = -1;
    for (int i = 0; i < MAXN; i++)
        for (int k = 0; k < NSLOT; k++)
            m.edge[i][k] = -1;
}

/* Reachable ids from the roots through the model's edges. */
static int reach(uint8_t *seen, int16_t *list)
{
    int16_t stack[MAXN];
    int sp = 0, n = 0;
    memset(seen, 0, MAXN);
    for (int i = 0; i < NROOT + NRES; i++) {
        int16_t r = i < NROOT ? m.root[i] : m.res[i - NROOT];
        if (r >= 0 && !seen[r]) {
            seen[r] = 1;
            stack[sp++] = r;
        }
    }
    while (sp > 0) {
        int16_t x = stack[--sp];
        list[n++] = x;
        for (int k = 0; k < NSLOT; k++) {
            int16_t y = m.edge[x][k];
            if (y >= 0 && !seen[y]) {
                seen[y] = 1;
                stack[sp++] = y;
            }
        }
    }
    return n;
}

/* After every operation: every reachable node lives, is not condemned and
 * its slots are what the model says. */
static void check_reachable_alive(uint32_t op)
{
    uint8_t seen[MAXN];
    int16_t list[MAXN];
    int n = reach(seen, list);
    for (int i = 0; i < n; i++) {
        int16_t x = list[i];
        if (!m.alive[x])
            t_fail(__FILE__, __LINE__, "op %lu: reachable node %d was freed (phase %s)",
                   (unsigned long)op, x, ob_gc_phase_name(ob_gc_phase_now()));
        node *o = m.obj[x];
        /* Between finalizers and the re-marking, what a finalizer
         * resurrected is still condemned until the marker reaches it. */
        ob_gc_phase ph = ob_gc_phase_now();
        if (ph != OB_GC_FINALIZE && ph != OB_GC_REMARK && ob_gc_is_doomed_(&o->head))
            t_fail(__FILE__, __LINE__, "op %lu: reachable node %d condemned (phase %s)",
                   (unsigned long)op, x, ob_gc_phase_name(ob_gc_phase_now()));
        for (int k = 0; k < NSLOT; k++)
            if (id_of(o->slot[k]) != m.edge[x][k])
                t_fail(__FILE__, __LINE__, "op %lu: node %d slot %d holds %d, model %d",
                       (unsigned long)op, x, k, id_of(o->slot[k]), m.edge[x][k]);
    }
}

/* At a checkpoint: a full stop-the-world collection from a quiet state
 * leaves exactly the reachable nodes. */
static void check_complete(uint32_t op)
{
    ob_gc_run_until(OB_GC_IDLE);
    ob_gc_collect(2);
    ob_gc_collect(2); /* what finalizers resurrected and later dropped */
    uint8_t seen[MAXN];
    int16_t list[MAXN];
    reach(seen, list);
    for (int i = 0; i < MAXN; i++)
        if (m.alive[i] && !seen[i])
            t_fail(__FILE__, __LINE__, "op %lu: unreachable node %d survived a full collection",
                   (unsigned long)op, i);
}

static int16_t free_id(void)
{
    for (int i = 0; i < MAXN; i++)
        if (!m.alive[i])
            return (int16_t)i;
    return -1;
}

static void set_root(int r, node *n)
{
    node *old = m.rootp[r];
    m.rootp[r] = n;
    m.root[r] = n ? (int16_t)n->id : -1;
    ob_decref(old ? &old->head : NULL);
}

/* A random reachable node (NULL when none). */
static node *pick(t_rng *r)
{
    uint8_t seen[MAXN];
    int16_t list[MAXN];
    int n = reach(seen, list);
    return n ? m.obj[list[t_below(r, (uint32_t)n)]] : NULL;
}

static void set_slot(node *a, int k, ob_object *x /* new reference or NULL */)
{
    ob_object *old = a->slot[k];
    a->slot[k] = x;
    m.edge[a->id][k] = id_of(x);
    ob_decref(old);
}

static void mutate(t_rng *r)
{
    int ri = (int)t_below(r, NROOT);
    switch (t_below(r, 12)) {
    case 0: { /* new node into a root */
        int16_t id = free_id();
        if (id < 0)
            break;
        node *n = node_new(id);
        T_ASSERT(n != NULL);
        n->resurrect = t_below(r, 8) == 0;
        set_root(ri, n);
        break;
    }
    case 1:
    case 2: { /* link: a.slot[k] = b (new reference) */
        node *a = pick(r), *b = pick(r);
        if (a && b)
            set_slot(a, (int)t_below(r, NSLOT), ob_newref(&b->head));
        break;
    }
    case 3: { /* unlink */
        node *a = pick(r);
        if (a)
            set_slot(a, (int)t_below(r, NSLOT), NULL);
        break;
    }
    case 4: { /* move out: the container's reference passes to C, no count change */
        node *a = pick(r);
        if (!a)
            break;
        int k = (int)t_below(r, NSLOT);
        ob_object *x = a->slot[k];
        if (!x)
            break;
        a->slot[k] = NULL;
        m.edge[a->id][k] = -1;
        ob_gc_moved_(x);
        set_root(ri, (node *)x);
        break;
    }
    case 5: { /* steal in: C's reference passes to a container */
        node *a = pick(r);
        node *x = m.rootp[ri];
        if (!a || !x)
            break;
        m.rootp[ri] = NULL;
        m.root[ri] = -1;
        int k = (int)t_below(r, NSLOT);
        ob_object *old = a->slot[k];
        a->slot[k] = &x->head;
        m.edge[a->id][k] = (int16_t)x->id;
        ob_gc_moved_(&x->head);
        ob_decref(old);
        break;
    }
    case 6: /* drop a root */
        set_root(ri, NULL);
        break;
    case 7: { /* take a new reference to a reachable node (borrowed read, incref) */
        node *a = pick(r);
        if (a)
            set_root(ri, (node *)ob_newref(&a->head));
        break;
    }
    case 8: { /* weak reference to a reachable node */
        node *a = pick(r);
        int wi = (int)t_below(r, NWEAK);
        if (!a)
            break;
        ob_object *w = ob_weakref_new(&a->head, NULL, NULL);
        T_ASSERT(w != NULL);
        ob_decref(m.weak[wi]);
        m.weak[wi] = w;
        m.weakid[wi] = (int16_t)a->id;
        m.weakres[wi] = m.resurrected;
        break;
    }
    case 9: { /* dereference a weak reference into a root */
        int wi = (int)t_below(r, NWEAK);
        if (!m.weak[wi])
            break;
        uint8_t seen[MAXN];
        int16_t list[MAXN];
        reach(seen, list);
        int16_t id = m.weakid[wi];
        /* Reachable means a live answer - unless a resurrection happened
         * since: resurrected objects lost their weak references (CPython). */
        int was_reachable = id >= 0 && seen[id] && m.weakres[wi] == m.resurrected;
        ob_object *x = ob_weakref_get(m.weak[wi]);
        if (was_reachable && !x)
            t_fail(__FILE__, __LINE__, "weakref to reachable node %d returned NULL (phase %s)",
                   id, ob_gc_phase_name(ob_gc_phase_now()));
        if (x) {
            T_EQ(id_of(x), id);
            set_root(ri, (node *)x);
        }
        break;
    }
    case 10: { /* a resurrection root lets go */
        int i = (int)t_below(r, NRES);
        if (m.res[i] >= 0) {
            node *n = m.resp[i];
            m.res[i] = -1;
            m.resp[i] = NULL;
            ob_decref(&n->head);
        }
        break;
    }
    default: { /* churn: a short-lived garbage cycle */
        int16_t id1 = free_id();
        if (id1 < 0)
            break;
        node *a = node_new(id1);
        int16_t id2 = free_id();
        if (id2 < 0) {
            ob_decref(&a->head);
            break;
        }
        node *b = node_new(id2);
        set_slot(a, 0, ob_newref(&b->head));
        set_slot(b, 0, ob_newref(&a->head));
        ob_decref(&b->head);
        ob_decref(&a->head);
        break;
    }
    }
}

static void drop_all(void)
{
    ob_gc_run_until(OB_GC_IDLE);
    for (int i = 0; i < NROOT; i++)
        set_root(i, NULL);
    for (int i = 0; i < NWEAK; i++)
        ob_clear_ref(&m.weak[i]);
    for (int round = 0; round < 8; round++) {
        for (int i = 0; i < NRES; i++)
            if (m.res[i] >= 0) {
                node *n = m.resp[i];
                m.res[i] = -1;
                m.resp[i] = NULL;
                ob_decref(&n->head);
            }
        ob_gc_collect(2);
    }
    for (int i = 0; i < MAXN; i++)
        T_EQ(m.alive[i], 0);
}

static void test_random_mutator(void)
{
    obt_begin();
    model_reset();
    uint32_t seed = t_seed();
    t_rng r = t_rng_make(seed);
    ob_gc_disable(); /* the test drives every step itself */
    uint32_t ops = (t_on_host() ? 10000u : 10000u) * (t_on_host() ? t_scale() : 1u);
    uint32_t steps = 0, collections = 0;
    for (uint32_t op = 0; op < ops; op++) {
        mutate(&r);
        check_reachable_alive(op);
        if (ob_gc_phase_now() == OB_GC_IDLE) {
            if (t_below(&r, 16) == 0) {
                T_EQ(ob_gc_start((int)t_below(&r, 3)), 0);
                collections++;
            }
        } else if (t_below(&r, 2) == 0) {
            ob_gc_step(1 + t_below(&r, 6));
            steps++;
            check_reachable_alive(op);
        }
        if (op % 997 == 996) {
            check_complete(op);
            check_reachable_alive(op);
        }
    }
    t_printf("# random mutator: seed=%lu %lu ops, %lu steps, %lu collections started, %lu deaths, "
             "%lu finalized, %lu resurrected\n",
             (unsigned long)seed, (unsigned long)ops, (unsigned long)steps,
             (unsigned long)collections, (unsigned long)m.deaths, (unsigned long)m.finalized,
             (unsigned long)m.resurrected);
    T_GT(collections, 10);
    T_GT(m.resurrected, 0);
    drop_all();
    ob_gc_enable();
    obt_end();
}

/* ---- park in every phase and mutate ------------------------------------------------ */
enum mutation {
    MUT_NEWREF,    /* take a new reference to an object only the set reaches */
    MUT_POP,       /* pop it out of its container (no count change) */
    MUT_MOVE,      /* pop it and append it to a fresh container */
    MUT_DIE,       /* drop the last reference to a non-cyclic structure */
    MUT_DROP,      /* C held it from before the collection; its container lets go */
    MUT_WEAKREF,   /* dereference a weak reference into garbage */
    MUT_NEW,       /* make new containers pointing into the set */
    MUT_RESURRECT, /* a garbage finalizer resurrects its object */
    MUT_COUNT
};
static const char *const mut_names[MUT_COUNT] = {
    "newref", "pop", "move", "die", "drop", "weakref", "new", "resurrect"
};

static ob_object *resurrected_obj;
static int fin_runs;
static void res_finalize(ob_object *o)
{
    fin_runs++;
    if (!resurrected_obj)
        resurrected_obj = ob_newref(o);
}

static void park_case(ob_gc_phase phase, enum mutation mu)
{
    obt_begin();
    ob_gc_disable();
    ob_type res_type;
    T_EQ(ob_instance_type_init(&res_type, "Res"), 0);
    res_type.finalize = res_finalize;
    resurrected_obj = NULL;
    fin_runs = 0;

    /* holder -> [x]; x <-> y is a cycle holding a payload list; garbage g
     * is a self-cycle; z is a non-cyclic list held by one C reference. */
    ob_object *holder = ob_list_new();
    ob_object *x = ob_list_new(), *y = ob_dict_new();
    ob_object *payload = ob_list_new();
    T_ASSERT(holder && x && y && payload);
    T_EQ(ob_list_append(payload, ob_small_from(42)), 0);
    T_EQ(ob_list_append(x, y), 0);
    T_EQ(ob_dict_set_cstr(y, "back", x), 0);
    T_EQ(ob_dict_set_cstr(y, "payload", payload), 0);
    T_EQ(ob_list_append(holder, x), 0);
    ob_decref(x);
    ob_decref(y);
    ob_decref(payload);
    ob_object *g = ob_list_new();
    T_ASSERT(g != NULL);
    T_EQ(ob_list_append(g, g), 0);
    ob_object *gw = ob_weakref_new(g, NULL, NULL);
    T_ASSERT(gw != NULL);
    ob_object *z = ob_list_new();
    T_ASSERT(z != NULL);
    ob_object *zw = ob_weakref_new(z, NULL, NULL);
    ob_object *r = NULL;
    if (mu == MUT_RESURRECT) {
        r = ob_instance_new(&res_type);
        T_ASSERT(r != NULL);
        T_EQ(ob_instance_setattr(r, "me", r), 0);
        T_EQ(ob_instance_setattr(r, "kid", g), 0); /* g rides on r's resurrection */
        ob_clear_ref(&r);
    }
    ob_decref(g); /* g: garbage now */
    /* MUT_DROP: C's reference to x, taken before the collection (in x's
     * count at its snapshot, with the holder's and y's) */
    ob_object *early = mu == MUT_DROP ? ob_newref(x) : NULL;

    T_EQ(ob_gc_start(2), 0);
    if (phase != OB_GC_INIT)
        T_EQ(ob_gc_run_until(phase), 0);
    T_EQ(ob_gc_phase_now(), phase);

    ob_object *keep = NULL; /* C's own reference made by the mutation */
    ob_object *fresh = NULL;
    int g_expected_alive = 0;
    switch (mu) {
    case MUT_NEWREF:
        keep = ob_newref(ob_list_get(holder, 0));
        T_EQ(ob_list_del(holder, 0), 0); /* now only C holds x */
        break;
    case MUT_POP:
        keep = ob_list_pop(holder, 0);
        break;
    case MUT_MOVE: {
        ob_object *t = ob_list_pop(holder, 0);
        fresh = ob_list_new();
        T_ASSERT(t && fresh);
        T_EQ(ob_list_append(fresh, t), 0);
        ob_decref(t);
        break;
    }
    case MUT_DROP:
        /* the holder's reference was counted as one from the set (from
         * SUBTRACT on): x now has one holder fewer in the set and in its
         * count, and C's is all that keeps it */
        T_EQ(ob_list_set(holder, 0, OB_NONE), 0); /* a decrement, no move */
        keep = early;
        early = NULL;
        break;
    case MUT_DIE:
        ob_clear_ref(&z);
        T_ASSERT(ob_weakref_get(zw) == NULL); /* freed by count at once */
        break;
    case MUT_WEAKREF: {
        ob_object *gg = ob_weakref_get(gw);
        if (phase <= OB_GC_MARK) {
            /* not decided yet: the firmware gets it and it lives on */
            T_ASSERT(gg == g);
            keep = gg;
            g_expected_alive = 1;
        } else {
            T_ASSERT(gg == NULL); /* decided garbage is gone to weak references */
        }
        break;
    }
    case MUT_NEW: {
        fresh = ob_tuple_pack(1, ob_list_get(holder, 0));
        T_ASSERT(fresh != NULL);
        T_EQ(ob_list_del(holder, 0), 0);
        break;
    }
    case MUT_RESURRECT:
        break;
    default:
        break;
    }

    T_EQ(ob_gc_run_until(OB_GC_IDLE), 0);
    T_EQ(ob_gc_phase_now(), OB_GC_IDLE);

    /* x (with y and the payload) must have survived, wherever it is now */
    ob_object *xs = NULL;
    if (keep && mu != MUT_WEAKREF)
        xs = keep;
    else if (fresh && mu == MUT_MOVE)
        xs = ob_list_get(fresh, 0);
    else if (fresh)
        xs = ob_tuple_get(fresh, 0);
    else
        xs = ob_list_get(holder, 0);
    if (!xs || !ob_is_type(xs, &ob_list_type) || ob_list_len(xs) != 1)
        t_fail(__FILE__, __LINE__, "parked at %s, mutation %s: the live cycle was broken",
               ob_gc_phase_name(phase), mut_names[mu]);
    ob_object *ys = ob_list_get(xs, 0);
    T_ASSERT(ob_is_type(ys, &ob_dict_type));
    T_EQ_PTR(ob_dict_get_cstr(ys, "back"), xs);
    ob_object *pl = ob_dict_get_cstr(ys, "payload");
    T_ASSERT(ob_is_type(pl, &ob_list_type));
    T_EQ(ob_small_value(ob_list_get(pl, 0)), 42);
    T_ASSERT(ob_object_check(xs) == NULL && ob_object_check(ys) == NULL);

    if (mu == MUT_RESURRECT) {
        T_EQ(fin_runs, 1);
        T_ASSERT(resurrected_obj != NULL);
        T_ASSERT(ob_gc_is_finalized(resurrected_obj));
        T_EQ_PTR(ob_instance_getattr(resurrected_obj, "me"), resurrected_obj);
        T_EQ_PTR(ob_instance_getattr(resurrected_obj, "kid"), g);
        T_ASSERT(ob_weakref_get(gw) == NULL); /* cleared before finalizers (CPython) */
        g_expected_alive = 1;
    } else if (!g_expected_alive) {
        T_ASSERT(ob_weakref_get(gw) == NULL);
    }
    (void)g_expected_alive;

    /* let everything go; two full collections free the rest */
    ob_clear_ref(&keep);
    ob_clear_ref(&fresh);
    ob_clear_ref(&z);
    ob_clear_ref(&holder);
    ob_clear_ref(&resurrected_obj);
    ob_gc_collect(2);
    ob_gc_collect(2);
    T_EQ(fin_runs, mu == MUT_RESURRECT ? 1 : 0); /* once per object, ever */
    T_ASSERT(ob_weakref_get(gw) == NULL);
    ob_clear_ref(&gw);
    ob_clear_ref(&zw);
    ob_instance_type_fini(&res_type);
    ob_gc_enable();
    obt_end();
}

static void test_park_every_phase(void)
{
    for (int p = OB_GC_INIT; p <= OB_GC_FINISH; p++)
        for (int mu = 0; mu < MUT_COUNT; mu++) {
            park_case((ob_gc_phase)p, (enum mutation)mu);
        }
    t_printf("# parked in %d phases x %d mutations\n", OB_GC_FINISH - OB_GC_INIT + 1, MUT_COUNT);
}

/* A step does the work it is given and little more, in every phase and
 * however the heap lies: over by at most one entry's work (an object with
 * few references here) and the walk's search for its next run. The
 * objects: 4-tuples in chains (some blocks freed between them), every 8th
 * held from C, an old generation the full collection walks. */
#if OB_HEAP_SMALL
#define BOUNDED_N 96
#else
#define BOUNDED_N 1200
#endif
/* A collection parked after incremental steps, in each phase, then
 * finished by ob_gc_collect: that run is unbounded but its members joined
 * under the barrier, so it keeps the barrier throughout (not the lazy
 * joins of a collection run stop-the-world from its start). Garbage with a
 * finalizer and a weak reference is collected with both honoured, a chain
 * held from C survives, and no object alive afterwards still has the
 * barrier bit (a survivor left under it would take the slow path on
 * every count change from then on). Then a collection run so from its
 * start, on garbage that was parked and resurrected. */
static void test_parked_then_collected(void)
{
    for (ob_gc_phase phase = OB_GC_INIT; phase < OB_GC_FINISH; phase++) {
        obt_begin();
        ob_gc_disable();
        ob_type res_type;
        T_EQ(ob_instance_type_init(&res_type, "Res"), 0);
        res_type.finalize = res_finalize;
        fin_runs = 0;
        resurrected_obj = NULL;
        /* held: list -> tuple -> list [7]; garbage: a Res instance in a
         * cycle with a list, weakly referenced */
        ob_object *leaf = ob_list_new();
        T_ASSERT(leaf != NULL);
        T_EQ(ob_list_append(leaf, ob_small_from(7)), 0);
        ob_object *mid = ob_tuple_pack(1, leaf);
        ob_object *held = ob_list_new();
        T_ASSERT(mid && held);
        T_EQ(ob_list_append(held, mid), 0);
        ob_decref(mid);
        ob_decref(leaf);
        T_EQ(ob_gc_collect(1), 0); /* old: the heap walk's (the Thumb-2 loops') */
        ob_object *g = ob_instance_new(&res_type), *gl = ob_list_new();
        T_ASSERT(g && gl);
        T_EQ(ob_instance_setattr(g, "peer", gl), 0);
        T_EQ(ob_list_append(gl, g), 0);
        ob_object *gw = ob_weakref_new(gl, NULL, NULL);
        T_ASSERT(gw != NULL);
        ob_decref(gl);
        ob_decref(g);
        T_EQ(ob_gc_start(2), 0);
        if (phase != OB_GC_INIT && ob_gc_run_until(phase) < 0) {
            ob_err_clear(); /* a phase this collection skips */
            T_EQ(ob_gc_run_until(OB_GC_IDLE), 0);
            ob_decref(gw);
            ob_decref(held);
            ob_gc_collect(2);
            ob_instance_type_fini(&res_type);
            obt_end();
            continue;
        }
        ob_gc_collect(0); /* the rest of this one unbounded, then one of generation 0 */
        T_EQ(ob_gc_phase_now(), OB_GC_IDLE);
        T_EQ(fin_runs, 1);
        T_ASSERT(ob_weakref_get(gw) == NULL);
        T_ASSERT(resurrected_obj != NULL); /* the finalizer kept g */
        ob_object *objs[] = {held, ob_list_get(held, 0), resurrected_obj};
        for (int i = 0; i < 3; i++)
            if (objs[i]->ob_rc & OB_F_BARRIER)
                t_fail(__FILE__, __LINE__, "parked in %s: object %d still under the barrier",
                       ob_gc_phase_name(phase), i);
        ob_object *l2 = ob_tuple_get(ob_list_get(held, 0), 0);
        T_ASSERT(ob_is_type(l2, &ob_list_type) && ob_small_value(ob_list_get(l2, 0)) == 7);
        /* g lives on through its finalizer; dropped, it is garbage again,
         * found by a collection run stop-the-world from its start */
        ob_clear_ref(&resurrected_obj);
        T_EQ(ob_gc_collect(2), 2);
        T_EQ(fin_runs, 1); /* PEP 442: once */
        if (held->ob_rc & OB_F_BARRIER)
            t_fail(__FILE__, __LINE__, "after a full collection: still under the barrier");
        ob_decref(gw);
        ob_decref(held);
        ob_instance_type_fini(&res_type);
        obt_end(); /* nothing left */
    }
}

static void test_step_work_bounded(void)
{
    obt_begin();
    ob_gc_disable();
    static ob_object *held[BOUNDED_N / 8 + 1];
    size_t nheld = 0;
    ob_object *prev = OB_NONE, *prev2 = OB_NONE;
    for (int i = 0; i < BOUNDED_N; i++) {
        ob_object *gap = ob_list_new(); /* freed below: holes in the pools */
        ob_object *t = ob_tuple_pack(4, ob_small_from(i), prev, prev2, OB_NONE);
        T_ASSERT(gap != NULL && t != NULL);
        ob_decref(gap);
        if (i % 8 == 0)
            held[nheld++] = ob_newref(t);
        ob_decref(prev2);
        prev2 = prev;
        prev = t; /* our reference moves on with the chain */
    }
    ob_decref(prev);
    ob_decref(prev2);
    ob_gc_collect(2); /* all old */
    static const uint32_t budgets[] = {1, 5, 64, 384};
    for (size_t k = 0; k < sizeof budgets / sizeof budgets[0]; k++) {
        uint32_t b = budgets[k], worst = 0, steps = 0;
        T_EQ(ob_gc_start(2), 0);
        int more = 1;
        while (more) {
            ob_gc_stats s0, s1;
            ob_gc_get_stats(&s0);
            more = ob_gc_step(b);
            ob_gc_get_stats(&s1);
            uint32_t w = (uint32_t)(s1.total_work - s0.total_work);
            if (w > worst)
                worst = w;
            T_ASSERT(++steps < 1000000u);
        }
        t_printf("# budget %lu: %lu steps, most work in one %lu\n", (unsigned long)b,
                 (unsigned long)steps, (unsigned long)worst);
        T_LE(worst, b + 48u);
    }
    for (size_t i = 0; i < nheld; i++)
        ob_decref(held[i]);
    ob_gc_collect(2);
    ob_gc_enable();
    obt_end();
}

/* A young collection in steps while the firmware keeps allocating: the
 * progress rule makes it end, and garbage made meanwhile goes next time. */
static void test_progress_under_allocation(void)
{
    obt_begin();
    ob_gc_set_threshold(50, 10, 10);
    ob_gc_set_incremental(1);
    ob_object *keep = ob_list_new();
    T_ASSERT(keep != NULL);
    ob_gc_stats st0, st1;
    ob_gc_get_stats(&st0);
    for (int i = 0; i < 400 * (int)t_scale(); i++) {
        ob_object *a = ob_list_new();
        T_ASSERT(a != NULL);
        T_EQ(ob_list_append(a, a), 0); /* a garbage cycle */
        if (i % 10 == 0)
            T_EQ(ob_list_append(keep, a), 0);
        ob_decref(a);
    }
    ob_gc_get_stats(&st1);
    T_GT(st1.gen[0].collections, st0.gen[0].collections);
    T_GT(st1.steps, st0.steps);
    T_GT(st1.gen[0].collected, 0);
    ob_decref(keep);
    ob_gc_run_until(OB_GC_IDLE);
    ob_gc_collect(2);
    ob_gc_set_threshold(OB_GC_THRESHOLD0, OB_GC_THRESHOLD1, OB_GC_THRESHOLD2);
    obt_end();
}

/* A tuple being filled may be untracked by a collection while it holds
 * only None; storing a container tracks it again, so the cycle it then
 * closes is still collected. */
static void test_tuple_retracked_when_filled(void)
{
    obt_begin();
    ob_gc_disable();
    ob_object *t = ob_tuple_new(2);
    T_ASSERT(t != NULL);
    T_ASSERT(ob_gc_is_tracked(t));
    ob_gc_collect(0);
    T_ASSERT(!ob_gc_is_tracked(t)); /* only None inside: CPython untracks it */
    ob_object *l = ob_list_new();
    T_ASSERT(l != NULL);
    T_EQ(ob_tuple_set(t, 0, l), 0);
    T_ASSERT(ob_gc_is_tracked(t));
    T_EQ(ob_list_append(l, t), 0); /* t -> l -> t */
    ob_decref(l);
    ob_decref(t);
    ob_stats st;
    ob_stats_get(&st);
    T_EQ(st.objects, 2);
    T_EQ(ob_gc_collect(2), 2);
    ob_stats_get(&st);
    T_EQ(st.objects, 0);
    ob_gc_enable();
    obt_end();
}

/* Time and idle triggers through the kernel's hooks: a collection in
 * progress is carried to its end by the periodic hook (a time budget per
 * call) and by the idle hook. (It is started by hand: the step the
 * allocation trigger takes may finish a collection this small at once.) */
static int periodic_calls;
static void on_periodic(void)
{
    periodic_calls++;
    ob_gc_periodic(ob_hooks_get()->timestamp_hz / 10000u); /* 100 us */
}

static void make_garbage_and_start(int n)
{
    ob_gc_disable();
    for (int i = 0; i < n; i++) {
        ob_object *a = ob_list_new();
        T_ASSERT(a != NULL);
        T_EQ(ob_list_append(a, a), 0);
        ob_decref(a);
    }
    ob_gc_enable();
    T_EQ(ob_gc_start(0), 0);
}

static void test_periodic_and_idle_hooks(void)
{
    for (int which = 0; which < 2; which++) {
        obt_begin();
        ob_gc_set_threshold(20, 10, 10);
        ob_gc_set_budget(8); /* small steps: several hook calls per collection */
        make_garbage_and_start(21);
        T_NE(ob_gc_phase_now(), OB_GC_IDLE);
        ob_gc_stats st;
        ob_gc_get_stats(&st);
        uint32_t before = st.gen[0].collected;
        periodic_calls = 0;
        if (which == 0)
            k_periodic_hook_set(on_periodic, 1);
        else
            k_idle_hook_set(ob_gc_idle);
        uint32_t t0 = k_time_ms();
        while (ob_gc_phase_now() != OB_GC_IDLE && k_time_ms() - t0 < 10000u) {
            if (which == 0)
                k_poll();
            else
                k_idle();
        }
        k_periodic_hook_set(NULL, 0);
        k_idle_hook_set(NULL);
        T_EQ(ob_gc_phase_now(), OB_GC_IDLE);
        if (which == 0)
            T_GT(periodic_calls, 0);
        ob_gc_get_stats(&st);
        T_GE(st.gen[0].collected, before + 20); /* the garbage made before it started */
        ob_gc_set_budget(OB_GC_STEP_BUDGET);
        ob_gc_set_threshold(OB_GC_THRESHOLD0, OB_GC_THRESHOLD1, OB_GC_THRESHOLD2);
        ob_gc_collect(2);
        obt_end();
    }
}

/* Every step boundary of a full collection, not only phase starts: stop
 * after k one-unit steps (k = 0, 1, 2, ... until the collection ends
 * first), take y's reference out of list a with a pop (no count change:
 * only the barrier knows), and either keep it in C to the end or store it
 * into list b (at some k, b has been scanned and left the set while a has
 * not); finish, and check y and what it holds survived. Lists are followed
 * by the collector's inline loops, so this attacks them mid-phase. Both
 * orders of a and b in the holder. */
static void test_move_at_every_step(void)
{
    for (int variant = 0; variant < 4; variant++) {
        const int order = variant & 1, keep_in_c = variant >> 1;
        uint32_t k = 0;
        for (;; k++) {
            obt_begin();
            ob_gc_disable();
            ob_object *h = ob_list_new(), *a = ob_list_new(), *b = ob_list_new();
            ob_object *y = ob_list_new(), *payload = ob_list_new();
            T_ASSERT(h && a && b && y && payload);
            T_EQ(ob_list_append(payload, ob_small_from(42)), 0);
            T_EQ(ob_list_append(y, payload), 0);
            T_EQ(ob_list_append(y, y), 0); /* y is a cycle of its own */
            T_EQ(ob_list_append(a, y), 0);
            T_EQ(ob_list_append(h, order ? a : b), 0);
            T_EQ(ob_list_append(h, order ? b : a), 0);
            for (int i = 0; i < 8; i++) { /* more members: more steps */
                ob_object *f = ob_list_new();
                T_ASSERT(f != NULL);
                T_EQ(ob_list_append(f, f), 0);
                T_EQ(ob_list_append(h, f), 0);
                ob_decref(f);
            }
            ob_decref(a);
            ob_decref(b);
            ob_decref(y);
            ob_decref(payload); /* now only h is held by C */

            T_EQ(ob_gc_start(2), 0);
            int running = 1;
            for (uint32_t i = 0; i < k && running; i++)
                running = ob_gc_step(1);
            if (!running) {
                ob_decref(h);
                ob_gc_collect(2);
                ob_gc_enable();
                obt_end();
                break; /* k is past the whole collection */
            }
            ob_object *t = ob_list_pop(a, 0); /* y moves to C ... */
            T_ASSERT(t == y);
            if (!keep_in_c) {
                T_EQ(ob_list_append(b, t), 0); /* ... and on into b */
                ob_decref(t);
            }
            T_EQ(ob_gc_run_until(OB_GC_IDLE), 0);
            if (keep_in_c) {
                T_EQ(ob_list_append(b, t), 0); /* into b once the collection is over */
                ob_decref(t);
            }

            if (ob_list_len(b) != 1 || ob_list_get(b, 0) != y || ob_list_len(y) != 2 ||
                ob_list_get(y, 1) != y || ob_object_check(y) != NULL)
                t_fail(__FILE__, __LINE__, "variant %d, moved after %lu steps: y was broken",
                       variant, (unsigned long)k);
            ob_object *pl = ob_list_get(y, 0);
            T_ASSERT(ob_is_type(pl, &ob_list_type));
            T_EQ(ob_small_value(ob_list_get(pl, 0)), 42);
            ob_decref(h);
            ob_gc_collect(2);
            ob_gc_enable();
            obt_end();
        }
        T_GT(k, 10); /* the sweep went through a whole collection */
        t_printf("# variant %d: moved after each of %lu steps\n", variant, (unsigned long)k);
    }
}

static const t_case cases[] = {
    T_CASE(test_periodic_and_idle_hooks),
    T_CASE(test_tuple_retracked_when_filled),
    T_CASE(test_park_every_phase),
    T_CASE(test_parked_then_collected),
    T_CASE(test_move_at_every_step),
    T_CASE(test_step_work_bounded),
    T_CASE(test_progress_under_allocation),
    T_CASE(test_random_mutator),
};

int main(void)
{
    return t_main("gc_incr", cases, T_COUNT(cases));
}
