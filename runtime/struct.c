/* struct.c - user types declared from C: struct types with a fixed list of
 * slots (Python's __slots__: no dict, one pointer per slot) and instance
 * types whose attributes are keyed by a table shared by all instances of
 * the type (PEP 412, see dict.c), with the values inline in the instance
 * (CPython 3.13) until a dict is asked for.
 *
 *   struct (3 slots, 32-bit):   [gc][rc][type][s0][s1][s2]              24 bytes
 *   instance:                   [gc][rc][type][dict*][v0][v1][v2][v3]   32 bytes
 *
 * An instance's attributes v0..v3 are a prefix of its type's shared keys,
 * in their order, while dict* is NULL. It gets a dict (a split dict over
 * the same shared keys, taking the values over) when ob_instance_dict is
 * called, when a fifth attribute is set, or when attributes are set out of
 * the shared order; from then on the dict holds them.
 */
#include <stddef.h>

#include "ob_impl.h"

typedef struct ob_structobj {
    ob_object head;
    ob_object *slots[];
} ob_structobj;

/* Attribute values inline in an instance: 4 fills a 32-byte block on
 * 32-bit targets (with the gc word, header and dict pointer). */
#ifndef OB_INSTANCE_INLINE
#define OB_INSTANCE_INLINE 4
#endif

typedef struct ob_instanceobj {
    ob_object head;
    ob_object *dict;                        /* NULL: attributes in values */
    ob_object *values[OB_INSTANCE_INLINE];  /* a prefix of the shared keys' order */
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

/* ---- repr: "Point(x=1, y=2)" ------------------------------------------------------
 * Values print with ob_repr; a struct or instance nested inside a value
 * being printed prints as "Name(...)", so the C stack holds at most two
 * ob_repr frames (no recursion, as for every container). */
static int repr_depth;

static void put_str(ob_sink *s, const char *txt)
{
    s->put(s, txt, strlen(txt));
}

/* Opens "Name(" and returns 1, or prints "Name(...)" and returns 0. */
static int repr_open(ob_object *o, ob_sink *s)
{
    put_str(s, o->ob_type->name);
    if (repr_depth > 0) {
        put_str(s, "(...)");
        return 0;
    }
    put_str(s, "(");
    repr_depth++;
    return 1;
}

static void repr_item(ob_sink *s, size_t i, ob_object *name, const char *cname, ob_object *v)
{
    if (i > 0)
        put_str(s, ", ");
    if (cname)
        put_str(s, cname);
    else if (ob_is_type(name, &ob_str_type))
        s->put(s, ob_str_data(name), ob_str_len(name));
    else
        ob_repr(name, s);
    put_str(s, "=");
    ob_repr(v, s);
}

static void repr_close(ob_sink *s)
{
    repr_depth--;
    put_str(s, ")");
}

static void struct_repr(ob_object *o, ob_sink *s)
{
    if (!repr_open(o, s))
        return;
    const char *const *names = o->ob_type->extra;
    size_t n = nslots_of(o->ob_type);
    for (size_t i = 0; i < n; i++)
        repr_item(s, i, NULL, names[i], ((ob_structobj *)o)->slots[i]);
    repr_close(s);
}

int ob_struct_type_init(ob_type *t, const char *name, const char *const *slot_names,
                        uint16_t nslots)
{
    if (!t || !name || (nslots && !slot_names))
        return ob_err_set(OB_E_TYPE, "struct type needs a name and slot names");
    if (nslots >= OB_REFS_COUNTED)
        return ob_err_set(OB_E_VALUE, "too many slots for a struct type");
    memset(t, 0, sizeof *t);
    t->magic = OB_TYPE_MAGIC;
    t->name = name;
    t->basicsize = (uint32_t)(offsetof(ob_structobj, slots) + nslots * sizeof(ob_object *));
    t->flags = OB_TF_GC | OB_TF_HEAPTYPE;
    t->dealloc = struct_dealloc;
    t->traverse = struct_traverse;
    t->refs_at = offsetof(ob_structobj, slots);
    t->refs_n = nslots;
    t->refs_shape = nslots ? OB_REFS_SHAPE_FIXED : OB_REFS_SHAPE_ANY; /* FIXED: 1 or more */
    t->clear = struct_clear;
    t->repr = struct_repr;
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
static void instance_dealloc(ob_object *o);

static int is_instance(const ob_object *o)
{
    return o && !ob_is_small(o) && o->ob_type->dealloc == instance_dealloc;
}

static ob_dictkeys *keys_of(const ob_object *o)
{
    return (ob_dictkeys *)o->ob_type->extra;
}

/* Inline attributes set: they form a prefix. */
static size_t ninline(const ob_instanceobj *in)
{
    size_t n = 0;
    while (n < OB_INSTANCE_INLINE && in->values[n])
        n++;
    return n;
}

static void instance_dealloc(ob_object *o)
{
    ob_instanceobj *in = (ob_instanceobj *)o;
    for (size_t i = 0; i < OB_INSTANCE_INLINE; i++)
        ob_decref(in->values[i]); /* queued, never nested */
    ob_decref(in->dict);
    ob_dictkeys_release_(keys_of(o)); /* each instance counts as a user */
}

static int instance_traverse(ob_object *o, ob_visit_fn visit, void *arg)
{
    ob_instanceobj *in = (ob_instanceobj *)o;
    for (size_t i = 0; i < OB_INSTANCE_INLINE; i++) {
        if (in->values[i]) {
            int rc = visit(in->values[i], arg);
            if (rc)
                return rc;
        }
    }
    return in->dict ? visit(in->dict, arg) : 0;
}

/* The dict pointer and the inline values are one array (refs_at). */
_Static_assert(offsetof(ob_instanceobj, values) == offsetof(ob_instanceobj, dict) + sizeof(ob_object *),
               "the collector's refs array needs dict just before values");

static void instance_clear(ob_object *o)
{
    ob_instanceobj *in = (ob_instanceobj *)o;
    for (size_t i = 0; i < OB_INSTANCE_INLINE; i++)
        ob_clear_ref(&in->values[i]);
    ob_clear_ref(&in->dict);
}

static void instance_repr(ob_object *o, ob_sink *s)
{
    if (!repr_open(o, s))
        return;
    ob_instanceobj *in = (ob_instanceobj *)o;
    if (in->dict) {
        size_t pos = 0, i = 0;
        ob_object *k, *v;
        while (ob_dict_next(in->dict, &pos, &k, &v))
            repr_item(s, i++, k, NULL, v);
    } else {
        for (size_t i = 0; i < OB_INSTANCE_INLINE && in->values[i]; i++)
            repr_item(s, i, ob_dictkeys_key_(keys_of(o), i), NULL, in->values[i]);
    }
    repr_close(s);
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
    t->refs_at = offsetof(ob_instanceobj, dict);
    t->refs_n = 1; /* the dict; the values as they are used (store_value) */
    t->refs_shape = OB_REFS_SHAPE_FIXED;
    t->clear = instance_clear;
    t->repr = instance_repr;
    t->extra = k;
    return 0;
}

void ob_instance_type_fini(ob_type *t)
{
    if (t && t->dealloc == instance_dealloc && t->extra) {
        ob_dictkeys *k = t->extra;
        if (ob_dictkeys_refs_(k) > 1) {
            (void)OB_MISUSE("ob_instance_type_fini: instances of the type are alive");
            return;
        }
        ob_dictkeys_release_(k);
        t->extra = NULL;
    }
}

ob_object *ob_instance_new(const ob_type *t)
{
    if (!t || t->dealloc != instance_dealloc || !t->extra)
        return ob_err_null(OB_E_TYPE, "not an instance type");
    ob_instanceobj *o = (ob_instanceobj *)ob_object_alloc(t, 0);
    if (!o)
        return NULL;
    ob_dictkeys_incref_(t->extra);
    return &o->head;
}

/* Gives the instance its dict (split, over the type's keys), moving the
 * inline values into it. */
static ob_object *materialize(ob_instanceobj *in)
{
    if (in->dict)
        return in->dict;
    ob_object *d = ob_dict_new_split_from_(keys_of(&in->head), in->values, ninline(in));
    if (!d)
        return NULL;
    in->dict = d;
    return d;
}

ob_object *ob_instance_dict(ob_object *o)
{
    if (!is_instance(o))
        return ob_err_null(OB_E_TYPE, "expected an instance");
    return materialize((ob_instanceobj *)o);
}

int ob_instance_has_dict(const ob_object *o)
{
    return is_instance(o) && ((const ob_instanceobj *)o)->dict != NULL;
}

ob_object *ob_instance_getattr(ob_object *o, const char *name)
{
    if (!is_instance(o))
        return ob_err_null(OB_E_TYPE, "expected an instance");
    ob_instanceobj *in = (ob_instanceobj *)o;
    ob_object *v = NULL;
    if (in->dict) {
        v = ob_dict_get_cstr(in->dict, name);
        if (!v && ob_err_code() == OB_E_KEY)
            ob_err_set(OB_E_KEY, "no such attribute");
        return v;
    }
    /* Shared keys are interned: the probe finds them without allocating. */
    ob_strprobe probe;
    ob_object *key = ob_str_probe_(&probe, name);
    int32_t ix = key ? ob_dictkeys_find_(keys_of(o), key) : -1;
    if (ix >= 0 && ix < OB_INSTANCE_INLINE)
        v = in->values[ix];
    return v ? v : ob_err_null(OB_E_KEY, "no such attribute");
}

/* values[ix] = x. The type's refs array (dict, then the values) covers
 * the values its instances have used so far: the collector does not look
 * at slots no instance of the type has ever filled (a class with two
 * attributes costs it two values, not OB_INSTANCE_INLINE). It only grows,
 * so an instance met under an older, shorter figure has nothing past it. */
static void store_value(ob_object *o, size_t ix, ob_object *x)
{
    ob_instanceobj *in = (ob_instanceobj *)o;
    ob_type *t = (ob_type *)(uintptr_t)o->ob_type;
    if (t->refs_n < 2u + ix)
        t->refs_n = (uint16_t)(2u + ix);
    ob_object *old = in->values[ix];
    in->values[ix] = ob_newref(x);
    ob_decref(old);
}

int ob_instance_setattr(ob_object *o, const char *name, ob_object *x)
{
    if (!is_instance(o) || !x)
        return ob_err_set(OB_E_TYPE, "expected an instance and an object");
    ob_instanceobj *in = (ob_instanceobj *)o;
    if (in->dict)
        return ob_dict_set_cstr(in->dict, name, x);
    ob_dictkeys *k = keys_of(o);
    size_t n = ninline(in);
    /* A name the table has is interned: found without allocating. */
    ob_strprobe probe;
    ob_object *key = ob_str_probe_(&probe, name);
    int32_t ix = key ? ob_dictkeys_find_(k, key) : -1;
    if (ix >= 0 && (size_t)ix <= n && ix < OB_INSTANCE_INLINE) {
        store_value(o, (size_t)ix, x);
        return 0;
    }
    key = ob_str_intern_cstr(name); /* allocates before any change */
    if (!key)
        return ob_err_code();
    if (ix < 0 && n == ob_dictkeys_nentries_(k) && n < OB_INSTANCE_INLINE)
        ix = ob_dictkeys_append_(k, key); /* the next new name: still shared */
    int rc = 0;
    if (ix >= 0 && ix < OB_INSTANCE_INLINE && (size_t)ix <= n) {
        store_value(o, (size_t)ix, x);
    } else { /* out of order, or no room inline: a dict of its own */
        ob_object *d = materialize(in);
        rc = d ? ob_dict_set(d, key, x) : OB_E_NOMEM;
    }
    ob_decref(key);
    return rc;
}
