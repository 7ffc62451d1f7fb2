/* struct.c - user types declared from C: struct types with a fixed list of
 * slots (Python's __slots__: no dict, one pointer per slot) and instance
 * types whose attributes live in a dict whose keys are shared by all
 * instances of the type (PEP 412, see dict.c).
 *
 *   struct (3 slots, 32-bit):   [gc][rc][type][s0][s1][s2]          24 bytes
 *   instance:                   [gc][rc][type][dict*]               16 bytes
 *     + its dict (24) + the dict's values array (one slot per shared key)
 */
#include <stddef.h>

#include "ob_impl.h"

typedef struct ob_structobj {
    ob_object head;
    ob_object *slots[];
} ob_structobj;

typedef struct ob_instanceobj {
    ob_object head;
    ob_object *dict;
} ob_instanceobj;

/* ---- struct types ------------------------------------------------------------ */
static size_t nslots_of(const ob_type *t)
{
    return (t->basicsize - offsetof(ob_structobj, slots)) / sizeof(ob_object *);
}

static void struct_dealloc(ob_object *o)
{
    size_t n = nslots_of(o->ob_type);
    for (size_t i = 0; i < n; i++)
        ob_decref(((ob_structobj *)o)->slots[i]);
}

static int struct_traverse(ob_object *o, ob_visit_fn visit, void *arg)
{
    size_t n = nslots_of(o->ob_type);
    for (size_t i = 0; i < n; i++) {
        int rc = visit(((ob_structobj *)o)->slots[i], arg);
        if (rc)
            return rc;
    }
    return 0;
}

static void struct_clear(ob_object *o)
{
    size_t n = nslots_of(o->ob_type);
    for (size_t i = 0; i < n; i++) {
        ob_object *x = ((ob_structobj *)o)->slots[i];
        ((ob_structobj *)o)->slots[i] = OB_NONE;
        ob_decref(x);
    }
}

int ob_struct_type_init(ob_type *t, const char *name, const char *const *slot_names,
                        uint16_t nslots)
{
    if (!t || !name || (nslots && !slot_names))
        return ob_err_set(OB_E_TYPE, "struct type needs a name and slot names");
    memset(t, 0, sizeof *t);
    t->magic = OB_TYPE_MAGIC;
    t->name = name;
    t->basicsize = (uint32_t)(offsetof(ob_structobj, slots) + nslots * sizeof(ob_object *));
    t->flags = OB_TF_GC | OB_TF_HEAPTYPE;
    t->dealloc = struct_dealloc;
    t->traverse = struct_traverse;
    t->clear = struct_clear;
    t->extra = (void *)(uintptr_t)slot_names;
    return 0;
}

static int is_struct(const ob_object *o)
{
    return o && !ob_is_small(o) && o->ob_type->dealloc == struct_dealloc;
}

ob_object *ob_struct_new(const ob_type *t)
{
    if (!t || t->dealloc != struct_dealloc)
        return ob_err_null(OB_E_TYPE, "not a struct type");
    ob_structobj *s = (ob_structobj *)ob_object_alloc(t, 0);
    if (!s)
        return NULL;
    for (size_t i = 0; i < nslots_of(t); i++)
        s->slots[i] = OB_NONE;
    return &s->head;
}

ob_object *ob_struct_get(ob_object *o, size_t slot)
{
    if (!is_struct(o))
        return ob_err_null(OB_E_TYPE, "expected a struct");
    if (slot >= nslots_of(o->ob_type))
        return ob_err_null(OB_E_INDEX, "slot index out of range");
    return ((ob_structobj *)o)->slots[slot];
}

int ob_struct_set(ob_object *o, size_t slot, ob_object *x)
{
    if (!is_struct(o) || !x)
        return ob_err_set(OB_E_TYPE, "expected a struct and an object");
    if (slot >= nslots_of(o->ob_type))
        return ob_err_set(OB_E_INDEX, "slot index out of range");
    ob_object *old = ((ob_structobj *)o)->slots[slot];
    ((ob_structobj *)o)->slots[slot] = ob_newref(x);
    ob_decref(old);
    return 0;
}

static long slot_index(const ob_type *t, const char *name)
{
    const char *const *names = t->extra;
    size_t n = nslots_of(t);
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return (long)i;
    return -1;
}

ob_object *ob_struct_getattr(ob_object *o, const char *name)
{
    if (!is_struct(o))
        return ob_err_null(OB_E_TYPE, "expected a struct");
    long i = slot_index(o->ob_type, name);
    if (i < 0)
        return ob_err_null(OB_E_KEY, "no such slot");
    return ((ob_structobj *)o)->slots[i];
}

int ob_struct_setattr(ob_object *o, const char *name, ob_object *x)
{
    if (!is_struct(o))
        return ob_err_set(OB_E_TYPE, "expected a struct");
    long i = slot_index(o->ob_type, name);
    if (i < 0)
        return ob_err_set(OB_E_KEY, "no such slot (a struct has no dict)");
    return ob_struct_set(o, (size_t)i, x);
}

/* ---- instance types ----------------------------------------------------------- */
static void instance_dealloc(ob_object *o)
{
    ob_clear_ref(&((ob_instanceobj *)o)->dict);
}

static int instance_traverse(ob_object *o, ob_visit_fn visit, void *arg)
{
    ob_object *d = ((ob_instanceobj *)o)->dict;
    return d ? visit(d, arg) : 0;
}

static void instance_clear(ob_object *o)
{
    ob_clear_ref(&((ob_instanceobj *)o)->dict);
}

int ob_instance_type_init(ob_type *t, const char *name)
{
    if (!t || !name)
        return ob_err_set(OB_E_TYPE, "instance type needs a name");
    ob_dictkeys *k = ob_dictkeys_new_shared_();
    if (!k)
        return OB_E_NOMEM;
    memset(t, 0, sizeof *t);
    t->magic = OB_TYPE_MAGIC;
    t->name = name;
    t->basicsize = sizeof(ob_instanceobj);
    t->flags = OB_TF_GC | OB_TF_HEAPTYPE;
    t->dealloc = instance_dealloc;
    t->traverse = instance_traverse;
    t->clear = instance_clear;
    t->extra = k;
    return 0;
}

void ob_instance_type_fini(ob_type *t)
{
    if (t && t->dealloc == instance_dealloc && t->extra) {
        ob_dictkeys_release_(t->extra);
        t->extra = NULL;
    }
}

static int is_instance(const ob_object *o)
{
    return o && !ob_is_small(o) && o->ob_type->dealloc == instance_dealloc;
}

ob_object *ob_instance_new(const ob_type *t)
{
    if (!t || t->dealloc != instance_dealloc || !t->extra)
        return ob_err_null(OB_E_TYPE, "not an instance type");
    ob_object *d = ob_dict_new_split_(t->extra);
    if (!d)
        return NULL;
    ob_instanceobj *o = (ob_instanceobj *)ob_object_alloc(t, 0);
    if (!o) {
        ob_decref(d);
        return NULL;
    }
    o->dict = d;
    return &o->head;
}

ob_object *ob_instance_dict(ob_object *o)
{
    if (!is_instance(o))
        return ob_err_null(OB_E_TYPE, "expected an instance");
    return ((ob_instanceobj *)o)->dict;
}

ob_object *ob_instance_getattr(ob_object *o, const char *name)
{
    if (!is_instance(o))
        return ob_err_null(OB_E_TYPE, "expected an instance");
    ob_object *v = ob_dict_get_cstr(((ob_instanceobj *)o)->dict, name);
    if (!v && ob_err_code() == OB_E_KEY)
        ob_err_set(OB_E_KEY, "no such attribute");
    return v;
}

int ob_instance_setattr(ob_object *o, const char *name, ob_object *x)
{
    if (!is_instance(o) || !x)
        return ob_err_set(OB_E_TYPE, "expected an instance and an object");
    return ob_dict_set_cstr(((ob_instanceobj *)o)->dict, name, x);
}
