/* list.c - mutable sequences with CPython's over-allocation.
 *
 * The list object (header, size, capacity, items pointer) is a fixed block;
 * the items live in a side block of `allocated` pointers. Resizing to n
 * items (CPython 3.9+ list_resize):
 *   - if n <= allocated and n >= allocated / 2: only the size changes;
 *   - else new allocated = (n + (n >> 3) + 6) & ~3, or (n + 3) & ~3 when a
 *     single resize grows by more than that over-allocation would give,
 *     and 0 for n == 0.
 * Appending one at a time thus gives capacities 0, 4, 8, 16, 24, 32, 40, 52,
 * 64, 76, ... ; shrinking below half the capacity gives memory back.
 */
#include <stddef.h>

#include "ob_impl.h"

static void list_dealloc(ob_object *o)
{
    ob_listobj *l = (ob_listobj *)o;
    for (uint32_t i = 0; i < l->size; i++)
        ob_decref(l->items[i]); /* queued, never nested */
    ob_mem_free(l->items);
}

static int list_traverse(ob_object *o, ob_visit_fn visit, void *arg)
{
    ob_listobj *l = (ob_listobj *)o;
    for (uint32_t i = 0; i < l->size; i++) {
        int rc = visit(l->items[i], arg);
        if (rc)
            return rc;
    }
    return 0;
}

static ob_object *list_child(ob_object *o, size_t *pos)
{
    ob_listobj *l = (ob_listobj *)o;
    return *pos < l->size ? l->items[(*pos)++] : NULL;
}

static size_t list_sizeof_extra(ob_object *o)
{
    return ob_mem_size(((ob_listobj *)o)->items);
}

const ob_type ob_list_type = {
    OB_TYPE_HEAD("list"),
    .basicsize = sizeof(ob_listobj),
    .flags = OB_TF_GC | OB_TF_SEQ,
    .dealloc = list_dealloc,
    .traverse = list_traverse,
    .refs_at = OB_REFS_INDIRECT | offsetof(ob_listobj, items),
    .refs_n = OB_REFS_COUNTED | offsetof(ob_listobj, size),
    .refs_shape = OB_REFS_SHAPE_LIST,
    .clear = ob_list_clear,
    .sizeof_extra = list_sizeof_extra,
    .child = list_child,
    .open = "[",
    .close = "]",
};

static ob_listobj *as_list(ob_object *o)
{
    if (o && !ob_is_small(o) && o->ob_type == &ob_list_type)
        return (ob_listobj *)o;
    ob_err_set(OB_E_TYPE, "expected a list");
    return NULL;
}

ob_object *ob_list_new(void)
{
    return ob_object_alloc(&ob_list_type, 0);
}

/* Makes room for n items (the size is set by the caller). */
static int list_resize(ob_listobj *l, size_t n)
{
    size_t alloc = l->allocated;
    if (alloc >= n && n >= (alloc >> 1))
        return 0;
    if (n > UINT32_MAX / 2)
        return ob_err_set(OB_E_OVERFLOW, "list too long");
    size_t na = (n + (n >> 3) + 6) & ~(size_t)3;
    if (n > l->size && n - l->size > na - n)
        na = (n + 3) & ~(size_t)3;
    if (n == 0)
        na = 0;
    if (na == 0) {
        ob_mem_free(l->items);
        l->items = NULL;
    } else {
        ob_object **items = ob_mem_realloc(l->items, na * sizeof *items);
        if (!items)
            return OB_E_NOMEM;
        l->items = items;
    }
    l->allocated = (uint32_t)na;
    return 0;
}

size_t ob_list_len(const ob_object *o)
{
    return (o && !ob_is_small(o) && o->ob_type == &ob_list_type) ? ((const ob_listobj *)o)->size
                                                                  : 0;
}

size_t ob_list_capacity(const ob_object *o)
{
    return (o && !ob_is_small(o) && o->ob_type == &ob_list_type)
               ? ((const ob_listobj *)o)->allocated
               : 0;
}

ob_object *ob_list_get(ob_object *o, size_t i)
{
    ob_listobj *l = as_list(o);
    if (!l)
        return NULL;
    if (i >= l->size)
        return ob_err_null(OB_E_INDEX, "list index out of range");
    return l->items[i];
}

int ob_list_set(ob_object *o, size_t i, ob_object *x)
{
    ob_listobj *l = as_list(o);
    if (!l || !x)
        return ob_err_set(OB_E_TYPE, "expected a list and an object");
    if (i >= l->size)
        return ob_err_set(OB_E_INDEX, "list assignment index out of range");
    ob_object *old = l->items[i];
    l->items[i] = ob_newref(x);
    ob_decref(old);
    return 0;
}

int ob_list_insert(ob_object *o, size_t i, ob_object *x)
{
    ob_listobj *l = as_list(o);
    if (!l || !x)
        return ob_err_set(OB_E_TYPE, "expected a list and an object");
    if (i > l->size)
        i = l->size; /* like list.insert: clamps */
    size_t n = l->size;
    int rc = list_resize(l, n + 1);
    if (rc < 0)
        return rc;
    memmove(&l->items[i + 1], &l->items[i], (n - i) * sizeof(ob_object *));
    l->items[i] = ob_newref(x);
    l->size = (uint32_t)(n + 1);
    return 0;
}

int ob_list_append(ob_object *o, ob_object *x)
{
    ob_listobj *l = as_list(o);
    if (!l || !x)
        return ob_err_set(OB_E_TYPE, "expected a list and an object");
    return ob_list_insert(o, l->size, x);
}

ob_object *ob_list_pop(ob_object *o, size_t i)
{
    ob_listobj *l = as_list(o);
    if (!l)
        return NULL;
    if (i >= l->size)
        return ob_err_null(OB_E_INDEX, "pop index out of range");
    ob_object *x = l->items[i];
    size_t n = l->size - 1;
    memmove(&l->items[i], &l->items[i + 1], (n - i) * sizeof(ob_object *));
    l->size = (uint32_t)n;
    /* Shrinking may fail to get a smaller block: harmless, keep the old. */
    if (list_resize(l, n) < 0)
        ob_err_clear();
    OB_MOVED_(x); /* the list's reference passes to the caller */
    return x;
}

int ob_list_del(ob_object *o, size_t i)
{
    ob_object *x = ob_list_pop(o, i);
    if (!x)
        return ob_err_code();
    ob_decref(x);
    return 0;
}

void ob_list_clear(ob_object *o)
{
    ob_listobj *l = (ob_listobj *)o;
    if (!l || ob_is_small(o) || o->ob_type != &ob_list_type)
        return;
    /* Detach first: decrefs may run code that looks at the list. */
    ob_object **items = l->items;
    uint32_t n = l->size;
    l->items = NULL;
    l->size = l->allocated = 0;
    for (uint32_t i = 0; i < n; i++)
        ob_decref(items[i]);
    ob_mem_free(items);
}
