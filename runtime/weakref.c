/* weakref.c - weak references with callbacks, and the weak-value dict.
 *
 * A weak reference does not own its referent. The referents with weak
 * references are found through a side table (pointer map: referent -> the
 * first of its weak references, linked through `next`), so objects pay
 * nothing in their layout for being weakly referenceable; the header flag
 * OB_F_WEAKREFD tells the free path to look the object up.
 *
 * When the referent's count reaches zero, before its type's dealloc runs:
 * every weak reference to it is cleared (get returns NULL from then on),
 * then the callbacks of those that are still alive run, each exactly once.
 * Weak references freed before their referent unlink themselves and never
 * call back.
 */
#include <stddef.h>

#include "ob_gc.h"
#include "ob_impl.h"

typedef struct ob_weakrefobj {
    ob_object head;
    ob_object *referent; /* borrowed; NULL once it died */
    ob_weakref_cb cb;
    void *ctx;
    ob_object *key;      /* owned, for the weak-value dict's keyed refs */
    struct ob_weakrefobj *next; /* next weak reference to the same referent */
} ob_weakrefobj;

static ob_ptrmap registry; /* referent -> first weak reference */

static void unlink_ref(ob_weakrefobj *w)
{
    ob_object *o = w->referent;
    ob_weakrefobj *head = ob_ptrmap_get(&registry, o);
    ob_weakrefobj **pp = &head;
    while (*pp && *pp != w)
        pp = &(*pp)->next;
    if (*pp)
        *pp = w->next;
    if (head) {
        /* Replacing an existing key never allocates. */
        if (ob_ptrmap_put(&registry, o, head) < 0)
            OB_PANIC("weakref: registry update failed");
    } else {
        ob_ptrmap_del(&registry, o);
        uintptr_t was = o->ob_rc;
        o->ob_rc &= ~OB_F_WEAKREFD;
        ob_gc_special_(o, was);
    }
    w->referent = NULL;
    w->next = NULL;
}

static void weakref_dealloc(ob_object *o)
{
    ob_weakrefobj *w = (ob_weakrefobj *)o;
    if (w->referent)
        unlink_ref(w);
    ob_clear_ref(&w->key);
}

static int weakref_traverse(ob_object *o, ob_visit_fn visit, void *arg)
{
    ob_weakrefobj *w = (ob_weakrefobj *)o;
    return w->key ? visit(w->key, arg) : 0;
}

static void weakref_clear(ob_object *o)
{
    ob_weakrefobj *w = (ob_weakrefobj *)o;
    if (w->referent)
        unlink_ref(w);
    w->cb = NULL;
    ob_clear_ref(&w->key);
}

static int weakref_hash(ob_object *o, ob_hash_t *out)
{
    ob_weakrefobj *w = (ob_weakrefobj *)o;
    if (!w->referent)
        return ob_err_set(OB_E_UNHASHABLE, "weak object has gone away");
    return ob_hash(w->referent, out);
}

const ob_type ob_weakref_type = {
    OB_TYPE_HEAD("weakref"),
    .basicsize = sizeof(ob_weakrefobj),
    .flags = OB_TF_GC,
    .refs_shape = OB_REFS_SHAPE_TRAVERSE,
    .dealloc = weakref_dealloc,
    .traverse = weakref_traverse,
    .clear = weakref_clear,
    .hash = weakref_hash,
};

static ob_object *weakref_make(ob_object *o, ob_weakref_cb cb, void *ctx, ob_object *key)
{
    if (!o || ob_is_small(o) || (o->ob_rc & OB_F_IMMORTAL))
        return ob_err_null(OB_E_TYPE, "cannot create weak reference to an immortal object");
    ob_weakrefobj *w = (ob_weakrefobj *)ob_object_alloc(&ob_weakref_type, 0);
    if (!w)
        return NULL;
    ob_weakrefobj *head = ob_ptrmap_get(&registry, o);
    if (ob_ptrmap_put(&registry, o, w) < 0) {
        ob_decref(&w->head);
        return NULL;
    }
    w->referent = o;
    w->cb = cb;
    w->ctx = ctx;
    w->key = ob_newref(key);
    w->next = head;
    uintptr_t was = o->ob_rc;
    o->ob_rc |= OB_F_WEAKREFD;
    ob_gc_special_(o, was);
    if (o->ob_rc & OB_F_BARRIER)
        ob_gc_weakref_made_(o); /* the collection in progress must look at it */
    return &w->head;
}

ob_object *ob_weakref_new(ob_object *o, ob_weakref_cb cb, void *ctx)
{
    return weakref_make(o, cb, ctx, NULL);
}

ob_object *ob_weakref_get(ob_object *wr)
{
    if (!wr || ob_is_small(wr) || wr->ob_type != &ob_weakref_type)
        return ob_err_null(OB_E_TYPE, "expected a weakref");
    ob_object *r = ((ob_weakrefobj *)wr)->referent;
    /* Garbage the collector has decided on is gone already, though its
     * weak references are cleared a step later (docs/gc.md). */
    if (r && (r->ob_rc & OB_F_BARRIER) && ob_gc_weak_gone_(r))
        return NULL;
    return ob_newref(r);
}

size_t ob_weakref_count(ob_object *o)
{
    size_t n = 0;
    if (!o || ob_is_small(o) || !(o->ob_rc & OB_F_WEAKREFD))
        return 0;
    for (ob_weakrefobj *w = ob_ptrmap_get(&registry, o); w; w = w->next)
        n++;
    return n;
}

void ob_weakref_clear_(ob_object *o)
{
    ob_weakrefobj *head = ob_ptrmap_del(&registry, o);
    uintptr_t was = o->ob_rc;
    o->ob_rc &= ~OB_F_WEAKREFD;
    ob_gc_special_(o, was);
    /* Clear all first, keeping each alive while callbacks run. The links
     * stay valid: weak references dropped by a callback are only queued
     * (inside the free loop) or cannot die (the collector's own count).
     * A weak reference that is itself garbage of the collection in
     * progress never calls back (CPython's rule). The collector's keep-
     * alive count is raw: it must not count as a new holder. */
    for (ob_weakrefobj *w = head; w; w = w->next) {
        w->referent = NULL;
        if (ob_gc_is_doomed_(&w->head))
            w->cb = NULL;
        w->head.ob_rc += OB_RC_ONE;
    }
    for (ob_weakrefobj *w = head; w; w = w->next) {
        ob_weakref_cb cb = w->cb;
        w->cb = NULL; /* exactly once */
        if (cb)
            cb(&w->head, w->ctx);
    }
    while (head) {
        ob_weakrefobj *next = head->next;
        head->next = NULL;
        ob_decref(&head->head);
        head = next;
    }
}

void ob_weakref_fini_(void)
{
    ob_ptrmap_free(&registry);
}

/* ---- weak-value dict ------------------------------------------------------------
 * A dict from key to a keyed weak reference (CPython's KeyedRef): when a
 * value dies, the reference's callback removes its key. */
typedef struct ob_wvdictobj {
    ob_object head;
    ob_object *dict; /* key -> weakref (with key) */
} ob_wvdictobj;

static void wvdict_dealloc(ob_object *o)
{
    ob_clear_ref(&((ob_wvdictobj *)o)->dict);
}

static int wvdict_traverse(ob_object *o, ob_visit_fn visit, void *arg)
{
    return visit(((ob_wvdictobj *)o)->dict, arg);
}

static void wvdict_clear(ob_object *o)
{
    ob_dict_clear(((ob_wvdictobj *)o)->dict);
}

const ob_type ob_wvdict_type = {
    OB_TYPE_HEAD("WeakValueDictionary"),
    .basicsize = sizeof(ob_wvdictobj),
    .flags = OB_TF_GC,
    .refs_shape = OB_REFS_SHAPE_TRAVERSE,
    .dealloc = wvdict_dealloc,
    .traverse = wvdict_traverse,
    .clear = wvdict_clear,
};

static ob_wvdictobj *as_wvdict(ob_object *o)
{
    if (o && !ob_is_small(o) && o->ob_type == &ob_wvdict_type)
        return (ob_wvdictobj *)o;
    ob_err_set(OB_E_TYPE, "expected a WeakValueDictionary");
    return NULL;
}

ob_object *ob_wvdict_new(void)
{
    ob_object *d = ob_dict_new();
    if (!d)
        return NULL;
    ob_wvdictobj *w = (ob_wvdictobj *)ob_object_alloc(&ob_wvdict_type, 0);
    if (!w) {
        ob_decref(d);
        return NULL;
    }
    w->dict = d;
    return &w->head;
}

static void wvdict_remove(ob_object *wr, void *ctx)
{
    ob_wvdictobj *w = ctx;
    ob_object *key = ((ob_weakrefobj *)wr)->key;
    ob_object *cur;
    if (w->dict && ob_dict_lookup_(w->dict, key, &cur) == 1 && cur == wr)
        if (ob_dict_del(w->dict, key) < 0)
            ob_err_clear(); /* cannot fail for a present key of a combined dict */
}

int ob_wvdict_set(ob_object *o, ob_object *key, ob_object *value)
{
    ob_wvdictobj *w = as_wvdict(o);
    if (!w || !key || !value)
        return ob_err_set(OB_E_TYPE, "expected a WeakValueDictionary, a key and a value");
    ob_hash_t h;
    int rc = ob_hash(key, &h);
    if (rc < 0)
        return rc;
    ob_object *wr = weakref_make(value, wvdict_remove, w, key);
    if (!wr)
        return ob_err_code();
    rc = ob_dict_set(w->dict, key, wr);
    ob_decref(wr);
    return rc;
}

ob_object *ob_wvdict_get(ob_object *o, ob_object *key)
{
    ob_wvdictobj *w = as_wvdict(o);
    if (!w)
        return NULL;
    ob_object *wr = ob_dict_get(w->dict, key);
    if (!wr)
        return NULL;
    ob_object *v = ob_weakref_get(wr);
    if (!v)
        return ob_err_null(OB_E_KEY, "value has gone away");
    return v;
}

size_t ob_wvdict_len(ob_object *o)
{
    ob_wvdictobj *w = as_wvdict(o);
    return w ? ob_dict_len(w->dict) : 0;
}
