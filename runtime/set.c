/* set.c - hash sets: open addressing over {hash, key} entries, CPython's
 * perturbed probing, a DUMMY marker for deleted keys. The table is a side
 * block of 2^k entries; it grows (to 4x the live count, at least
 * OB_SET_MINSIZE) when live + dummy entries pass 3/5 of it, and is rebuilt
 * without dummies then. Deletion never shrinks it. Iteration order is table
 * order (unordered, like Python's). */
#include <stddef.h>

#include "ob_impl.h"

typedef struct sentry {
    ob_hash_t hash;
    ob_object *key; /* NULL empty, DUMMY deleted */
} sentry;

typedef struct ob_setobj {
    ob_object head;
    uint32_t used; /* live keys */
    uint32_t fill; /* live + dummies */
    uint32_t mask; /* table size - 1 (table NULL: no table yet) */
    sentry *table;
} ob_setobj;

static const ob_object dummy_obj = OB_HEAD_IMMORTAL(&ob_none_type);
#define DUMMY ((ob_object *)(uintptr_t)&dummy_obj)

static void set_dealloc(ob_object *o)
{
    ob_setobj *s = (ob_setobj *)o;
    if (!s->table)
        return;
    for (uint32_t i = 0; i <= s->mask; i++)
        if (s->table[i].key && s->table[i].key != DUMMY)
            ob_decref(s->table[i].key);
    ob_mem_free(s->table);
}

static int set_traverse(ob_object *o, ob_visit_fn visit, void *arg)
{
    ob_setobj *s = (ob_setobj *)o;
    if (!s->table)
        return 0;
    for (uint32_t i = 0; i <= s->mask; i++)
        if (s->table[i].key && s->table[i].key != DUMMY) {
            int rc = visit(s->table[i].key, arg);
            if (rc)
                return rc;
        }
    return 0;
}

static void set_clear(ob_object *o)
{
    ob_setobj *s = (ob_setobj *)o;
    ob_setobj old = *s;
    s->table = NULL;
    s->used = s->fill = s->mask = 0;
    set_dealloc(&old.head);
}

static ob_object *set_child(ob_object *o, size_t *pos)
{
    ob_object *k;
    return ob_set_next(o, pos, &k) ? k : NULL;
}

static size_t set_sizeof_extra(ob_object *o)
{
    return ob_mem_size(((ob_setobj *)o)->table);
}

const ob_type ob_set_type = {
    OB_TYPE_HEAD("set"),
    .basicsize = sizeof(ob_setobj),
    .flags = OB_TF_GC,
    .refs_shape = OB_REFS_SHAPE_TRAVERSE,
    .dealloc = set_dealloc,
    .traverse = set_traverse,
    .clear = set_clear,
    .sizeof_extra = set_sizeof_extra,
    .child = set_child,
    .open = "{",
    .close = "}",
};

static ob_setobj *as_set(ob_object *o)
{
    if (o && !ob_is_small(o) && o->ob_type == &ob_set_type)
        return (ob_setobj *)o;
    ob_err_set(OB_E_TYPE, "expected a set");
    return NULL;
}

ob_object *ob_set_new(void)
{
    return ob_object_alloc(&ob_set_type, 0);
}

size_t ob_set_len(const ob_object *o)
{
    return (o && !ob_is_small(o) && o->ob_type == &ob_set_type) ? ((const ob_setobj *)o)->used : 0;
}

/* Index of key's entry, or of the slot to insert it (first dummy or empty
 * seen); *found says which. <0 on error (through *err). */
static size_t find(ob_setobj *s, ob_object *key, ob_hash_t h, int *found, int *err)
{
    size_t mask = s->mask, i = h & mask, free_slot = (size_t)-1;
    uint32_t perturb = h;
    *found = 0;
    *err = 0;
    for (;;) {
        sentry *e = &s->table[i];
        if (e->key == NULL)
            return free_slot != (size_t)-1 ? free_slot : i;
        if (e->key == DUMMY) {
            if (free_slot == (size_t)-1)
                free_slot = i;
        } else if (e->key == key) {
            *found = 1;
            return i;
        } else if (e->hash == h) {
            int eq = ob_eq(e->key, key);
            if (eq < 0) {
                *err = eq;
                return 0;
            }
            if (eq) {
                *found = 1;
                return i;
            }
        }
        perturb >>= 5;
        i = (i * 5 + perturb + 1) & mask;
    }
}

static int set_resize(ob_setobj *s)
{
    size_t size = OB_SET_MINSIZE;
    while (size < (size_t)(s->used + 1) * 4)
        size <<= 1;
    sentry *t = ob_mem_alloc(size * sizeof *t);
    if (!t)
        return OB_E_NOMEM;
    memset(t, 0, size * sizeof *t);
    sentry *old = s->table;
    size_t oldsize = old ? (size_t)s->mask + 1 : 0;
    s->table = t;
    s->mask = (uint32_t)(size - 1);
    s->fill = s->used;
    for (size_t j = 0; j < oldsize; j++) {
        if (!old[j].key || old[j].key == DUMMY)
            continue;
        size_t i = old[j].hash & s->mask;
        uint32_t perturb = old[j].hash;
        while (t[i].key) {
            perturb >>= 5;
            i = (i * 5 + perturb + 1) & s->mask;
        }
        t[i] = old[j];
    }
    ob_mem_free(old);
    return 0;
}

int ob_set_add(ob_object *o, ob_object *key)
{
    ob_setobj *s = as_set(o);
    if (!s || !key)
        return ob_err_set(OB_E_TYPE, "expected a set and a key");
    ob_hash_t h;
    int rc = ob_hash(key, &h), found;
    if (rc < 0)
        return rc;
    if (!s->table || (size_t)(s->fill + 1) * 5 >= (size_t)(s->mask + 1) * 3)
        if (set_resize(s) < 0)
            return ob_err_set(OB_E_NOMEM, "out of memory");
    size_t i = find(s, key, h, &found, &rc);
    if (rc < 0)
        return rc;
    if (found)
        return 0;
    if (s->table[i].key == NULL)
        s->fill++;
    s->table[i].key = ob_newref(key);
    s->table[i].hash = h;
    s->used++;
    return 0;
}

/* Looks key up in set o: 1 found (its slot in *slot), 0 absent, or a
 * negative error (not a set, unhashable, comparison failed). */
static int lookup(ob_object *o, ob_object *key, ob_setobj **set, size_t *slot)
{
    ob_setobj *s = as_set(o);
    if (!s)
        return OB_E_TYPE;
    ob_hash_t h;
    int rc = ob_hash(key, &h), found;
    if (rc < 0)
        return rc;
    if (!s->table)
        return 0;
    *slot = find(s, key, h, &found, &rc);
    *set = s;
    return rc < 0 ? rc : found;
}

int ob_set_contains(ob_object *o, ob_object *key)
{
    ob_setobj *s;
    size_t i;
    return lookup(o, key, &s, &i);
}

int ob_set_discard(ob_object *o, ob_object *key)
{
    ob_setobj *s;
    size_t i;
    int rc = lookup(o, key, &s, &i);
    if (rc <= 0)
        return rc;
    ob_object *k = s->table[i].key;
    s->table[i].key = DUMMY;
    s->used--;
    ob_decref(k);
    return 1;
}

int ob_set_next(ob_object *o, size_t *pos, ob_object **key)
{
    if (!o || ob_is_small(o) || o->ob_type != &ob_set_type)
        return 0;
    ob_setobj *s = (ob_setobj *)o;
    if (!s->table)
        return 0;
    while (*pos <= s->mask) {
        sentry *e = &s->table[(*pos)++];
        if (e->key && e->key != DUMMY) {
            *key = e->key;
            return 1;
        }
    }
    return 0;
}

/* Invariants: S1 used == live slots, fill == live + dummy slots; S2 some
 * slot is empty (probing ends); S3 each live key is found at its slot. */
const char *ob_set_check_(ob_object *o)
{
    ob_setobj *s = (ob_setobj *)o;
    if (!s->table)
        return s->used || s->fill ? "set: no table but entries" : NULL;
    uint32_t live = 0, fill = 0;
    for (uint32_t i = 0; i <= s->mask; i++) {
        if (!s->table[i].key)
            continue;
        fill++;
        if (s->table[i].key == DUMMY)
            continue;
        live++;
        int found, err;
        size_t at = find(s, s->table[i].key, s->table[i].hash, &found, &err);
        if (!found || err || at != i)
            return "S3 set: a key is not found at its slot";
    }
    if (live != s->used || fill != s->fill)
        return "S1 set: used/fill counts differ from the table";
    if (fill > s->mask)
        return "S2 set: no empty slot left";
    return NULL;
}
