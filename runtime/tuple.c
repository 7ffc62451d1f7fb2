/* tuple.c - immutable sequences. One block: header, size, items. The empty
 * tuple is an immortal constant; ob_tuple_new(0) returns it.
 * A tuple is a container (gc word before the header). */
#include <stdarg.h>
#include <stddef.h>

#include "ob_gc.h"
#include "ob_impl.h"

static void tuple_dealloc(ob_object *o)
{
    ob_tupleobj *t = (ob_tupleobj *)o;
    for (uint32_t i = 0; i < t->size; i++)
        ob_decref(t->items[i]); /* queued, never nested */
}

static int tuple_traverse(ob_object *o, ob_visit_fn visit, void *arg)
{
    ob_tupleobj *t = (ob_tupleobj *)o;
    for (uint32_t i = 0; i < t->size; i++) {
        int rc = visit(t->items[i], arg);
        if (rc)
            return rc;
    }
    return 0;
}

static void tuple_clear(ob_object *o)
{
    ob_tupleobj *t = (ob_tupleobj *)o;
    for (uint32_t i = 0; i < t->size; i++) {
        ob_object *x = t->items[i];
        t->items[i] = OB_NONE;
        ob_decref(x);
    }
}

static ob_object *tuple_child(ob_object *o, size_t *pos)
{
    ob_tupleobj *t = (ob_tupleobj *)o;
    return *pos < t->size ? t->items[(*pos)++] : NULL;
}

const ob_type ob_tuple_type = {
    OB_TYPE_HEAD("tuple"),
    .basicsize = offsetof(ob_tupleobj, items),
    .itemsize = sizeof(ob_object *),
    .flags = OB_TF_GC | OB_TF_SEQ,
    .dealloc = tuple_dealloc,
    .traverse = tuple_traverse,
    .refs_at = offsetof(ob_tupleobj, items),
    .refs_n = OB_REFS_COUNTED | offsetof(ob_tupleobj, size),
    .refs_shape = OB_REFS_SHAPE_TUPLE,
    .clear = tuple_clear,
    .child = tuple_child,
    .open = "(",
    .close = ")",
};

/* The empty tuple: immortal, no gc word needed (never collected). */
const struct ob_empty_tuple ob_empty_tuple_obj = { OB_HEAD_IMMORTAL(&ob_tuple_type), 0 };
static_assert(offsetof(struct ob_empty_tuple, size) == offsetof(ob_tupleobj, size),
              "the empty tuple must be laid out as a tuple");

static int is_tuple(const ob_object *o)
{
    return o && !ob_is_small(o) && o->ob_type == &ob_tuple_type;
}

ob_object **ob_seq_items_(ob_object *o, size_t *n)
{
    if (o->ob_type == &ob_tuple_type) {
        *n = ((ob_tupleobj *)o)->size;
        return ((ob_tupleobj *)o)->items;
    }
    ob_listobj *l = (ob_listobj *)o;
    *n = l->size;
    return l->items;
}

ob_object *ob_tuple_new(size_t n)
{
    if (n == 0)
        return OB_EMPTY_TUPLE;
    if (n > UINT32_MAX)
        return ob_err_null(OB_E_OVERFLOW, "tuple too long");
    ob_tupleobj *t = (ob_tupleobj *)ob_object_alloc(&ob_tuple_type, n);
    if (!t)
        return NULL;
    t->size = (uint32_t)n;
    for (size_t i = 0; i < n; i++)
        t->items[i] = OB_NONE;
    return &t->head;
}

ob_object *ob_tuple_pack(size_t n, ...)
{
    ob_object *t = ob_tuple_new(n);
    if (!t || n == 0)
        return t;
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++) {
        ob_object *x = va_arg(ap, ob_object *);
        ((ob_tupleobj *)t)->items[i] = ob_newref(x ? x : OB_NONE);
    }
    va_end(ap);
    return t;
}

size_t ob_tuple_len(const ob_object *t)
{
    if (!is_tuple(t))
        return 0;
    return ((const ob_tupleobj *)t)->size;
}

ob_object *ob_tuple_get(ob_object *t, size_t i)
{
    if (!is_tuple(t))
        return ob_err_null(OB_E_TYPE, "expected a tuple");
    if (i >= ob_tuple_len(t))
        return ob_err_null(OB_E_INDEX, "tuple index out of range");
    return ((ob_tupleobj *)t)->items[i];
}

int ob_tuple_set(ob_object *t, size_t i, ob_object *x)
{
    if (!is_tuple(t) || !x)
        return ob_err_set(OB_E_TYPE, "expected a tuple and an object");
    if (i >= ob_tuple_len(t))
        return ob_err_set(OB_E_INDEX, "tuple index out of range");
    if (ob_refcnt(t) != 1) /* tuples are immutable once shared */
        return ob_err_set(OB_E_STATE, "tuple is shared: cannot fill it");
    ob_tupleobj *tp = (ob_tupleobj *)t;
    ob_object *old = tp->items[i];
    tp->items[i] = ob_newref(x);
    /* A collection may have untracked the tuple while it held only
     * leaves (CPython does that too): a container stored now may close a
     * cycle, so the tuple is tracked again. */
    if (!ob_is_small(x) && (x->ob_type->flags & OB_TF_GC) && !ob_gc_is_tracked(t))
        ob_gc_track(t);
    ob_decref(old);
    return 0;
}
