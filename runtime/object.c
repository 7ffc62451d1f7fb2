/* object.c - the object core: runtime state, errors, allocation of objects
 * and side blocks, counting slow paths, non-recursive deallocation (the
 * deferred-free list), checked-build misuse detection, and the generic
 * protocol (hash, ==, repr, getsizeof, deep size) done without recursion.
 */
#include <stdarg.h>
#include <string.h>

#include "ob_fmt.h"
#include "ob_gc.h"
#include "ob_impl.h"

/* Runtime state. One runtime at a time (DESIGN decision 10).
 *
 * The deferred-free list ("trashcan"): an object whose count reaches zero
 * while another object is being freed is pushed on `pending` instead of
 * being freed in a nested call. The link lives in the object's own count
 * bits (the count is zero, so they are free): the next object's offset from
 * the heap base in 4-byte units, plus one (0 ends the list). The flags stay
 * in place. This needs (heap span / 4 + 1) < 2^(word bits - OB_RC_SHIFT):
 * 64 MiB on 32-bit targets, checked by ob_runtime_init. */
static struct {
    ob_heap *heap;
    uintptr_t base; /* heap range start, for pending links */
    ob_err err;
    const char *msg;
    char msgbuf[72];
    ob_object *pending; /* deferred-free list */
    int freeing;        /* inside the free loop */
    ob_stats st;
} rt;

/* What a freed object's type word is set to (checked builds find it). */
static const ob_type dead_type = { OB_TYPE_HEAD("<freed object>") };

/* ---- errors -------------------------------------------------------------- */
ob_err ob_err_code(void)
{
    return rt.err;
}

const char *ob_err_message(void)
{
    return rt.err == OB_OK ? "" : (rt.msg ? rt.msg : "");
}

void ob_err_clear(void)
{
    rt.err = OB_OK;
    rt.msg = NULL;
}

int ob_err_set(ob_err code, const char *msg)
{
    rt.err = code;
    rt.msg = msg;
    return (int)code;
}

void *ob_err_null(ob_err code, const char *msg)
{
    ob_err_set(code, msg);
    return NULL;
}

/* Formatted error message (kept in a static buffer). */
static int err_setf(ob_err code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int err_setf(ob_err code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ob_vsnprintf(rt.msgbuf, sizeof rt.msgbuf, fmt, ap);
    va_end(ap);
    return ob_err_set(code, rt.msgbuf);
}

/* ---- runtime ------------------------------------------------------------- */
/* The heap's out-of-memory handler: one emergency full collection. */
static int gc_oom(ob_heap *h, size_t request, void *ctx)
{
    (void)h;
    (void)ctx;
    return ob_gc_oom_(request);
}

int ob_freeing_(void)
{
    return rt.freeing;
}

int ob_runtime_init(void *base, size_t size)
{
    if (rt.heap)
        return ob_err_set(OB_E_STATE, "runtime already initialised");
    /* Pending links must fit the count bits (see rt). */
    uintptr_t max_units = (UINTPTR_MAX >> OB_RC_SHIFT) - 1u;
    if (size / 4u >= max_units)
        return ob_err_set(OB_E_VALUE, "heap too large for the deferred-free links");
    ob_heap *h = ob_heap_init(base, size);
    if (!h)
        return ob_err_set(OB_E_VALUE, "heap range too small");
    memset(&rt, 0, sizeof rt);
    rt.heap = h;
    rt.base = (uintptr_t)base & ~(uintptr_t)3; /* links count 4-byte units */
    ob_gc_init_();
    ob_heap_oom_handler_set(h, gc_oom, NULL);
    return 0;
}

void ob_runtime_fini(void)
{
    if (!rt.heap)
        return;
    ob_gc_fini_();
    ob_str_fini_();
    ob_weakref_fini_();
    rt.heap = NULL;
}

ob_heap *ob_runtime_heap(void)
{
    return rt.heap;
}

void ob_stats_get(ob_stats *st)
{
    *st = rt.st;
}

/* ---- side blocks --------------------------------------------------------- */
/* A counted block: walkable for containers (the collector enumerates
 * them), ordinary otherwise. */
static void *mem_alloc(size_t n, int walkable)
{
    if (!rt.heap)
        return ob_err_null(OB_E_STATE, "runtime not initialised");
    if (n == 0)
        n = 1;
    void *p = walkable ? ob_heap_alloc_walkable(rt.heap, n) : ob_heap_alloc(rt.heap, n);
    if (!p)
        return ob_err_null(OB_E_NOMEM, "out of memory");
    rt.st.blocks++;
    rt.st.bytes += ob_heap_block_size(rt.heap, p);
    return p;
}

void *ob_mem_alloc(size_t n)
{
    return mem_alloc(n, 0);
}

void *ob_mem_realloc(void *p, size_t n)
{
    if (!p)
        return ob_mem_alloc(n);
    if (n == 0)
        n = 1;
    size_t old = ob_heap_block_size(rt.heap, p);
    void *q = ob_heap_realloc(rt.heap, p, n);
    if (!q)
        return ob_err_null(OB_E_NOMEM, "out of memory");
    rt.st.bytes = rt.st.bytes - old + ob_heap_block_size(rt.heap, q);
    return q;
}

void ob_mem_free(void *p)
{
    if (!p)
        return;
    rt.st.blocks--;
    rt.st.bytes -= ob_heap_block_size(rt.heap, p);
    ob_heap_free(rt.heap, p);
}

size_t ob_mem_size(const void *p)
{
    return p ? ob_heap_block_size(rt.heap, p) : 0;
}

/* ---- objects ------------------------------------------------------------- */
static size_t prefix_of(const ob_type *t)
{
    return (t->flags & OB_TF_GC) ? OB_GC_HEAD_SIZE : 0;
}

void *ob_object_block(ob_object *o)
{
    return (char *)o - prefix_of(o->ob_type);
}

#if OB_CHECKED
/* Does t's refs_shape say what its refs_at and refs_n say? The collector's
 * Thumb-2 loops read the array by the shape alone. */
static int refs_shape_ok(const ob_type *t)
{
    const unsigned flags = OB_REFS_INDIRECT | OB_REFS_COUNTED;
    switch (t->refs_shape) {
    case OB_REFS_SHAPE_ANY:
        return 1;
    case OB_REFS_SHAPE_FIXED:
        return t->refs_at != 0 && t->refs_n != 0 && !((t->refs_at | t->refs_n) & flags);
    case OB_REFS_SHAPE_TUPLE:
        return t->refs_at == offsetof(ob_tupleobj, items) &&
               t->refs_n == (OB_REFS_COUNTED | offsetof(ob_tupleobj, size));
    case OB_REFS_SHAPE_LIST:
        return t->refs_at == (OB_REFS_INDIRECT | offsetof(ob_listobj, items)) &&
               t->refs_n == (OB_REFS_COUNTED | offsetof(ob_listobj, size));
    case OB_REFS_SHAPE_TRAVERSE:
        return t->refs_at == 0;
    default:
        return 0;
    }
}
#endif

ob_object *ob_object_alloc(const ob_type *t, size_t nitems)
{
    size_t pre = prefix_of(t);
#if OB_CHECKED
    if (pre && !refs_shape_ok(t)) {
        char msg[96];
        ob_snprintf(msg, sizeof msg, "ob_object_alloc: type %s: refs_shape %u disagrees with "
                    "refs_at/refs_n", t->name ? t->name : "?", (unsigned)t->refs_shape);
        (void)OB_MISUSE(msg);
        return ob_err_null(OB_E_TYPE, "type's refs_shape disagrees with refs_at/refs_n");
    }
#endif
    size_t fixed = pre + t->basicsize;
    if (t->itemsize && nitems > (SIZE_MAX / 2 - fixed) / t->itemsize)
        return ob_err_null(OB_E_OVERFLOW, "object size overflows");
    size_t n = fixed + nitems * t->itemsize;
    /* Containers: the collector may run first (thresholds), and their
     * blocks are walkable, so it can find them all. */
    if (pre && rt.heap)
        ob_gc_alloc_hook_();
    char *b = mem_alloc(n, pre != 0);
    if (!b)
        return NULL;
    memset(b, 0, n);
    ob_object *o = (ob_object *)(void *)(b + pre);
    o->ob_rc = pre ? OB_RC_ONE | OB_F_GCWORD | (t->finalize ? OB_F_FINPEND : 0u) : OB_RC_ONE;
    o->ob_type = t;
    rt.st.objects++;
    if (pre) {
        ob_gc_tracked_new_(o);
        if (t->finalize)
            ob_gc_special_(o, 0);
    }
    return o;
}

/* ---- checked builds ------------------------------------------------------ */
int ob_check_(ob_object *o, const char *what)
{
    static char msg[96];
    if (((uintptr_t)o & 3u) != 0) {
        ob_snprintf(msg, sizeof msg, "%s: %p is not an object (misaligned)", what, (void *)o);
        return OB_MISUSE(msg);
    }
    if (!rt.heap || !ob_heap_contains(rt.heap, o)) {
        if (o->ob_rc & OB_F_IMMORTAL)
            return 1; /* a constant outside the heap */
        ob_snprintf(msg, sizeof msg, "%s: %p is not an object of this heap", what, (void *)o);
        return OB_MISUSE(msg);
    }
    const ob_type *t = o->ob_type;
    if (t == &dead_type) {
        ob_snprintf(msg, sizeof msg, "%s: use after free of %p", what, (void *)o);
        return OB_MISUSE(msg);
    }
    if (t == NULL || ((uintptr_t)t & 3u) != 0 || ob_heap_contains(rt.heap, t) ||
        t->magic != OB_TYPE_MAGIC) {
        /* A freed block is poisoned by the heap (checked builds). */
        ob_snprintf(msg, sizeof msg, "%s: %p is freed or not an object (bad type word)", what,
                    (void *)o);
        return OB_MISUSE(msg);
    }
    if ((o->ob_rc >> OB_RC_SHIFT) == 0 && !(o->ob_rc & OB_F_IMMORTAL)) {
        if (what[3] == 'd') /* ob_decref */
            ob_snprintf(msg, sizeof msg, "%s: count below zero (%s at %p)", what, t->name, (void *)o);
        else
            ob_snprintf(msg, sizeof msg, "%s: use after free (%s at %p has count 0)", what,
                        t->name, (void *)o);
        return OB_MISUSE(msg);
    }
    return 1;
}

/* ---- counting slow paths ------------------------------------------------- */
void ob_incref_slow_(ob_object *o)
{
    if (o->ob_rc & OB_F_IMMORTAL)
        return;
    o->ob_rc += OB_RC_ONE;
    if (o->ob_rc & OB_F_BARRIER)
        ob_gc_touch_(o); /* a new holder of an object being collected */
}

void ob_decref_slow_(ob_object *o)
{
    if (o->ob_rc & OB_F_IMMORTAL)
        return;
    o->ob_rc -= OB_RC_ONE;
    if (o->ob_rc < OB_RC_ONE)
        ob_dealloc_(o);
    else if (o->ob_rc & OB_F_BARRIER)
        ob_gc_dropped_(o); /* a holder let go of an object being collected */
}

/* ---- deallocation -------------------------------------------------------- */
static void pending_push(ob_object *o)
{
    uintptr_t link = rt.pending ? (((uintptr_t)rt.pending - rt.base) >> 2) + 1u : 0u;
    o->ob_rc = (o->ob_rc & OB_RC_FLAGS) | (link << OB_RC_SHIFT);
    rt.pending = o;
}

static ob_object *pending_pop(void)
{
    ob_object *o = rt.pending;
    if (!o)
        return NULL;
    uintptr_t link = o->ob_rc >> OB_RC_SHIFT;
    rt.pending = link ? (ob_object *)(rt.base + ((link - 1u) << 2)) : NULL;
    o->ob_rc &= OB_RC_FLAGS;
    return o;
}

/* Frees one object whose count is zero. Whatever it releases is only
 * queued (rt.freeing is set), so this never nests. */
static void free_one(ob_object *o)
{
    const ob_type *t = o->ob_type;
    if (t->finalize && !(o->ob_rc & OB_F_FINALIZED)) {
        /* PEP 442: once per object; alive (count 1) while it runs. */
        uintptr_t was = o->ob_rc;
        o->ob_rc = ((o->ob_rc & OB_RC_FLAGS) & ~OB_F_FINPEND) | OB_F_FINALIZED | OB_RC_ONE;
        ob_gc_special_(o, was);
        t->finalize(o);
        o->ob_rc -= OB_RC_ONE;
        if (o->ob_rc >= OB_RC_ONE)
            return; /* resurrected */
    }
    if (t->flags & OB_TF_GC)
        ob_gc_forget_(o); /* off the collector's tables before it comes apart */
    if (o->ob_rc & OB_F_WEAKREFD)
        ob_weakref_clear_(o);
    if (t->dealloc)
        t->dealloc(o);
    void *block = ob_object_block(o);
    o->ob_rc = 0;
    o->ob_type = &dead_type;
    rt.st.objects--;
    ob_mem_free(block);
}

void ob_dealloc_(ob_object *o)
{
    pending_push(o);
    if (rt.freeing)
        return;
    rt.freeing = 1;
    ob_object *x;
    while ((x = pending_pop()) != NULL)
        free_one(x);
    rt.freeing = 0;
}

/* ---- introspection ------------------------------------------------------- */
size_t ob_refcnt(const ob_object *o)
{
    if (!o)
        return 0;
    if (ob_is_small(o) || (o->ob_rc & OB_F_IMMORTAL))
        return OB_REFCNT_IMMORTAL;
    return (size_t)(o->ob_rc >> OB_RC_SHIFT);
}

int ob_is_immortal(const ob_object *o)
{
    return o && (ob_is_small(o) || (o->ob_rc & OB_F_IMMORTAL));
}

static int in_heap(const ob_object *o)
{
    return o && !ob_is_small(o) && rt.heap && ob_heap_contains(rt.heap, o);
}

size_t ob_getsizeof(ob_object *o)
{
    if (!in_heap(o))
        return 0;
    const ob_type *t = o->ob_type;
    size_t n = ob_heap_block_size(rt.heap, ob_object_block(o));
    if (t->sizeof_extra)
        n += t->sizeof_extra(o);
    return n;
}

/* Deep size: an explicit stack of objects still to visit and a pointer set
 * of those already seen, both on the heap. */
typedef struct walk {
    ob_ptrmap seen;
    ob_object **stack;
    size_t sp, cap;
} walk;

static int walk_visit(ob_object *o, void *arg)
{
    walk *w = arg;
    if (!in_heap(o) || ob_ptrmap_get(&w->seen, o))
        return 0;
    if (w->sp == w->cap) {
        size_t nc = w->cap ? w->cap * 2 : 16;
        ob_object **ns = ob_mem_realloc(w->stack, nc * sizeof *ns);
        if (!ns)
            return OB_E_NOMEM;
        w->stack = ns;
        w->cap = nc;
    }
    if (ob_ptrmap_put(&w->seen, o, o) < 0)
        return OB_E_NOMEM;
    w->stack[w->sp++] = o;
    return 0;
}

int ob_deepsize(ob_object *o, size_t *out)
{
    walk w = { { 0 }, NULL, 0, 0 };
    size_t total = 0;
    int rc = walk_visit(o, &w);
    while (rc == 0 && w.sp > 0) {
        ob_object *x = w.stack[--w.sp];
        total += ob_getsizeof(x);
        if (x->ob_type->traverse)
            rc = x->ob_type->traverse(x, walk_visit, &w);
    }
    ob_mem_free(w.stack);
    ob_ptrmap_free(&w.seen);
    if (rc < 0)
        return ob_err_set(OB_E_NOMEM, "out of memory in deep size");
    *out = total;
    return 0;
}

/* ---- structural checks --------------------------------------------------- */
const char *ob_object_check(ob_object *o)
{
    if (!o)
        return "NULL object";
    if (ob_is_small(o))
        return NULL;
    const ob_type *t = o->ob_type;
    if (!t || t->magic != OB_TYPE_MAGIC)
        return "bad type word";
    if (!(o->ob_rc & OB_F_IMMORTAL) && (o->ob_rc >> OB_RC_SHIFT) == 0)
        return "live object with count 0";
    if (t == &ob_tuple_type) {
        ob_tupleobj *tp = (ob_tupleobj *)o;
        for (uint32_t i = 0; i < tp->size; i++)
            if (!tp->items[i])
                return "tuple: NULL item";
    } else if (t == &ob_list_type) {
        ob_listobj *l = (ob_listobj *)o;
        if (l->size > l->allocated)
            return "list: size above capacity";
        if ((l->items == NULL) != (l->allocated == 0))
            return "list: items block and capacity disagree";
        if (l->items && ob_mem_size(l->items) < l->allocated * sizeof(ob_object *))
            return "list: items block smaller than capacity";
        for (uint32_t i = 0; i < l->size; i++)
            if (!l->items[i])
                return "list: NULL item";
    } else if (t == &ob_dict_type) {
        return ob_dict_check_(o);
    } else if (t == &ob_set_type) {
        return ob_set_check_(o);
    }
    return NULL;
}

/* ---- hash ------------------------------------------------------------------
 * Tuples combine their items' hashes like CPython 3.8+ (xxHash lanes); a
 * tuple inside a tuple is hashed with an explicit stack. */
#define XXPRIME_1 2654435761u
#define XXPRIME_2 2246822519u
#define XXPRIME_5 374761393u

static uint32_t tuple_step(uint32_t acc, ob_hash_t lane)
{
    acc += lane * XXPRIME_2;
    acc = (acc << 13) | (acc >> 19);
    return acc * XXPRIME_1;
}

static int hash_leaf(ob_object *o, ob_hash_t *out)
{
    const ob_type *t = ob_type_of(o);
    if (t->flags & OB_TF_NUMBER)
        return ob_num_hash_(o, out);
    if (!t->hash)
        return err_setf(OB_E_UNHASHABLE, "unhashable type: '%s'", t->name);
    return t->hash(o, out);
}

int ob_hash(ob_object *o, ob_hash_t *out)
{
    if (!o)
        return ob_err_set(OB_E_TYPE, "hash of NULL");
    if (ob_type_of(o) != &ob_tuple_type)
        return hash_leaf(o, out);
    struct { ob_object *t; size_t i; uint32_t acc; } st[OB_NEST_MAX];
    int sp = 0;
    st[sp].t = o, st[sp].i = 0, st[sp].acc = XXPRIME_5, sp++;
    for (;;) {
        size_t n;
        ob_object **items = ob_seq_items_(st[sp - 1].t, &n);
        if (st[sp - 1].i == n) {
            uint32_t h = st[sp - 1].acc + ((uint32_t)n ^ (XXPRIME_5 ^ 3527539u));
            if (--sp == 0) {
                *out = h;
                return 0;
            }
            st[sp - 1].acc = tuple_step(st[sp - 1].acc, h);
            st[sp - 1].i++;
            continue;
        }
        ob_object *x = items[st[sp - 1].i];
        if (ob_type_of(x) == &ob_tuple_type) {
            if (sp == OB_NEST_MAX)
                return ob_err_set(OB_E_DEPTH, "tuple nested too deeply to hash");
            st[sp].t = x, st[sp].i = 0, st[sp].acc = XXPRIME_5, sp++;
            continue;
        }
        ob_hash_t h;
        int rc = hash_leaf(x, &h);
        if (rc < 0)
            return rc;
        st[sp - 1].acc = tuple_step(st[sp - 1].acc, h);
        st[sp - 1].i++;
    }
}

/* ---- equality --------------------------------------------------------------
 * Pairs are compared one at a time; a pair of containers of the same kind
 * and length pushes a frame that yields their item pairs. */
/* 1 equal, 0 not, <0 error, 2 "containers: compare their items". */
static int eq_pair(ob_object *a, ob_object *b)
{
    const ob_type *ta = ob_type_of(a), *tb = ob_type_of(b);
    if ((ta->flags & OB_TF_NUMBER) && (tb->flags & OB_TF_NUMBER))
        return ob_num_eq_(a, b);
    if (a == b)
        return 1;
    if (ta != tb)
        return 0;
    if (ta->flags & OB_TF_SEQ) {
        size_t na, nb;
        ob_seq_items_(a, &na);
        ob_seq_items_(b, &nb);
        return na != nb ? 0 : 2;
    }
    if (ta == &ob_dict_type)
        return ob_dict_len(a) != ob_dict_len(b) ? 0 : 2;
    if (ta == &ob_set_type) {
        if (ob_set_len(a) != ob_set_len(b))
            return 0;
        size_t pos = 0;
        ob_object *k;
        while (ob_set_next(a, &pos, &k)) {
            int rc = ob_set_contains(b, k);
            if (rc <= 0)
                return rc;
        }
        return 1;
    }
    if (ta->eq)
        return ta->eq(a, b);
    return 0;
}

int ob_eq(ob_object *a, ob_object *b)
{
    if (!a || !b)
        return a == b;
    struct { ob_object *a, *b; size_t pos; } st[OB_NEST_MAX];
    int sp = 0;
    int rc = eq_pair(a, b);
    if (rc != 2)
        return rc;
    st[sp].a = a, st[sp].b = b, st[sp].pos = 0, sp++;
    while (sp > 0) {
        ob_object *x, *y;
        ob_object *ca = st[sp - 1].a, *cb = st[sp - 1].b;
        if (ob_type_of(ca) == &ob_dict_type) {
            ob_object *v;
            if (!ob_dict_next(ca, &st[sp - 1].pos, &x, &v)) {
                sp--;
                continue;
            }
            int found = ob_dict_lookup_(cb, x, &y);
            if (found <= 0)
                return found;
            x = v;
        } else {
            size_t n;
            ob_object **ia = ob_seq_items_(ca, &n);
            ob_object **ib = ob_seq_items_(cb, &n);
            if (st[sp - 1].pos >= n) {
                sp--;
                continue;
            }
            x = ia[st[sp - 1].pos];
            y = ib[st[sp - 1].pos];
            st[sp - 1].pos++;
        }
        rc = eq_pair(x, y);
        if (rc == 2) {
            if (sp == OB_NEST_MAX)
                return ob_err_set(OB_E_DEPTH, "containers nested too deeply to compare");
            st[sp].a = x, st[sp].b = y, st[sp].pos = 0, sp++;
        } else if (rc != 1) {
            return rc;
        }
    }
    return 1;
}

/* ---- repr ------------------------------------------------------------------ */
static void put(ob_sink *s, const char *txt)
{
    s->put(s, txt, strlen(txt));
}

static void repr_leaf(ob_object *o, ob_sink *s)
{
    const ob_type *t = ob_type_of(o);
    if (t->repr) {
        t->repr(o, s);
        return;
    }
    char buf[64];
    ob_snprintf(buf, sizeof buf, "<%s object at %p>", t->name, (void *)o);
    put(s, buf);
}

void ob_repr(ob_object *o, ob_sink *s)
{
    struct { ob_object *c; size_t pos, n; } st[OB_NEST_MAX];
    int sp = 0;
    ob_object *x = o;
    while (x) {
        const ob_type *t = ob_type_of(x);
        if (!t->child || ob_is_small(x)) {
            repr_leaf(x, s);
        } else {
            int cycle = 0;
            for (int i = 0; i < sp; i++)
                cycle |= st[i].c == x;
            if (t == &ob_set_type && ob_set_len(x) == 0) {
                put(s, "set()");
            } else if (cycle || sp == OB_NEST_MAX) {
                put(s, t->open);
                put(s, "...");
                put(s, t->close);
            } else {
                put(s, t->open);
                st[sp].c = x, st[sp].pos = 0, st[sp].n = 0, sp++;
            }
        }
        /* Next item of the innermost open container, closing finished ones. */
        x = NULL;
        while (sp > 0 && !x) {
            ob_object *c = st[sp - 1].c;
            const ob_type *ct = c->ob_type;
            ob_object *child = ct->child(c, &st[sp - 1].pos);
            if (child) {
                size_t n = st[sp - 1].n++;
                if (n > 0)
                    put(s, (ct->flags & OB_TF_MAPPING) && (n & 1) ? ": " : ", ");
                x = child;
            } else {
                if (ct == &ob_tuple_type && st[sp - 1].n == 1)
                    put(s, ",");
                put(s, ct->close);
                sp--;
            }
        }
    }
}

typedef struct bufsink {
    ob_sink base;
    char *buf;
    size_t size, len;
} bufsink;

static void bufsink_put(ob_sink *s, const char *txt, size_t n)
{
    bufsink *b = (bufsink *)s;
    for (size_t i = 0; i < n; i++, b->len++)
        if (b->len + 1 < b->size)
            b->buf[b->len] = txt[i];
}

size_t ob_repr_buf(ob_object *o, char *buf, size_t size)
{
    bufsink b = { { bufsink_put }, buf, size, 0 };
    ob_repr(o, &b.base);
    if (size)
        buf[b.len < size ? b.len : size - 1] = '\0';
    return b.len;
}

static void write_put(ob_sink *s, const char *txt, size_t n)
{
    (void)s;
    ob_write(txt, n);
}

void ob_print(ob_object *o)
{
    ob_sink s = { write_put };
    ob_repr(o, &s);
}

/* ---- pointer map ----------------------------------------------------------- */
static size_t ptr_hash(const void *p)
{
    uintptr_t x = (uintptr_t)p >> 2;
    return (size_t)(x * 2654435761u) ^ (size_t)(x >> 15);
}

static size_t ptrmap_find(const ob_ptrmap *m, const void *key, int for_insert)
{
    size_t i = ptr_hash(key) & m->mask, dummy = (size_t)-1;
    for (;;) {
        void *k = m->keys[i];
        if (k == key)
            return i;
        if (k == NULL)
            return (for_insert && dummy != (size_t)-1) ? dummy : i;
        if (k == OB_PTRMAP_DUMMY && dummy == (size_t)-1)
            dummy = i;
        i = (i + 1) & m->mask;
    }
}

void *ob_ptrmap_get(const ob_ptrmap *m, const void *key)
{
    if (!m->keys)
        return NULL;
    size_t i = ptrmap_find(m, key, 0);
    return m->keys[i] == key ? m->vals[i] : NULL;
}

static int ptrmap_resize(ob_ptrmap *m, size_t cap)
{
    void **k = ob_mem_alloc(cap * sizeof(void *));
    if (!k)
        return OB_E_NOMEM;
    void **v = ob_mem_alloc(cap * sizeof(void *));
    if (!v) {
        ob_mem_free(k);
        return OB_E_NOMEM;
    }
    memset(k, 0, cap * sizeof(void *));
    ob_ptrmap old = *m;
    m->keys = k, m->vals = v, m->mask = cap - 1, m->used = m->fill = 0;
    if (old.keys) {
        for (size_t i = 0; i <= old.mask; i++)
            if (old.keys[i] && old.keys[i] != OB_PTRMAP_DUMMY) {
                size_t j = ptrmap_find(m, old.keys[i], 1);
                m->keys[j] = old.keys[i];
                m->vals[j] = old.vals[i];
                m->used++, m->fill++;
            }
        ob_mem_free(old.keys);
        ob_mem_free(old.vals);
    }
    return 0;
}

int ob_ptrmap_put(ob_ptrmap *m, void *key, void *val)
{
    if (m->keys) { /* replacing never allocates */
        size_t i = ptrmap_find(m, key, 0);
        if (m->keys[i] == key) {
            m->vals[i] = val;
            return 0;
        }
    }
    if (!m->keys || (m->fill + 1) * 3 > (m->mask + 1) * 2) {
        size_t cap = 8;
        while (cap * 2 < (m->used + 1) * 3 + 2)
            cap *= 2;
        cap *= 2;
        if (ptrmap_resize(m, cap) < 0)
            return ob_err_set(OB_E_NOMEM, "out of memory");
    }
    size_t i = ptrmap_find(m, key, 1);
    if (m->keys[i] != key) {
        if (m->keys[i] == NULL)
            m->fill++;
        m->used++;
        m->keys[i] = key;
    }
    m->vals[i] = val;
    return 0;
}

void *ob_ptrmap_del(ob_ptrmap *m, const void *key)
{
    if (!m->keys)
        return NULL;
    size_t i = ptrmap_find(m, key, 0);
    if (m->keys[i] != key)
        return NULL;
    void *v = m->vals[i];
    m->keys[i] = OB_PTRMAP_DUMMY;
    m->used--;
    if (m->used == 0)
        ob_ptrmap_free(m);
    return v;
}

void ob_ptrmap_free(ob_ptrmap *m)
{
    ob_mem_free(m->keys);
    ob_mem_free(m->vals);
    memset(m, 0, sizeof *m);
}
