/* dict.c - compact, insertion-ordered hash tables (CPython 3.6+ layout),
 * a linear layout for small dicts, and split tables for instance attribute
 * dicts (PEP 412).
 *
 * The dict object is fixed: header, used count, a keys table and, for a
 * split dict, a values array. The keys table is one side block, in one of
 * two layouts:
 *
 *   indexed:  +--------------+------------------------+-------------------------+
 *             | log2 ixb shr | indices: 2^log2 slots  | entries: usable(2^log2) |
 *             | nentries     | of 1/2/4 bytes each    | {hash, key, value} each |
 *             +--------------+------------------------+-------------------------+
 *   linear:   +--------------+-----------------------------+
 *   (ixb 0)   | - 0 shr lcap | entries: lcap of            |
 *             | nentries     | {key, value}, no hashes     |
 *             +--------------+-----------------------------+
 *
 * Indexed: an index slot holds EMPTY (-1), DUMMY (-2, a deleted key) or the
 * number of an entry. Probing is CPython's: i = hash & mask, then
 * i = (5*i + perturb + 1) & mask with perturb >>= 5 each step, so every slot
 * is reached once perturb is 0. Linear (dicts of at most OB_DICT_LINEAR_MAX
 * entries, Obol's addition): lookup compares the entries in order, identity
 * first; an 8-entry scan costs about what hashing and probing do, and the
 * table takes 8 bytes per entry instead of 12 plus the index.
 *
 * Both layouts append entries in insertion order and never reuse them:
 * deleting a key leaves an empty entry (and a DUMMY index), and the table
 * does not shrink; only a resize (when no entry is left to append) compacts.
 *
 * Resize policy, when an insertion finds no entry left: the table is
 * rebuilt without deleted entries for n = used + 1: linear while n fits
 * OB_DICT_LINEAR_MAX, sized honestly (lcap = 3 for n <= 3, else n rounded
 * up to even: 3, 4, 6, 8 - blocks of 32, 40, 56, 72 bytes on 32-bit), else
 * for want = max(3 * used, 3 * n / 2 + 1) indexed with the smallest 2^k >= max(want,
 * OB_DICT_MINSIZE) index slots, holding usable(2^k) = 2^(k+1)/3 entries.
 * Under insertion this is CPython's doubling (indexed: ..., 32, 64, 128);
 * after many deletions the rebuild may also shrink. Deletion alone never
 * resizes.
 *
 * Split dicts (PEP 412): instances of one instance type share an indexed
 * keys table (`shared`, counted by a word before the table, keys only);
 * each dict has its own values array with one slot per shared entry. An
 * instance that adds attributes in the order its type's table already has
 * (or appends the next new one) stays split; any other insertion, or a
 * deletion, converts its dict to a combined table of its own.
 */
#include <stddef.h>

#include "ob_impl.h"

#define IX_EMPTY (-1)
#define IX_DUMMY (-2)

typedef struct entry {
    ob_hash_t hash;
    ob_object *key;   /* NULL: deleted */
    ob_object *value; /* unused in shared tables */
} entry;

typedef struct lentry {
    ob_object *key; /* NULL: deleted */
    ob_object *value;
} lentry;

struct ob_dictkeys {
    uint8_t log2;      /* indexed: 2^log2 index slots */
    uint8_t ixbytes;   /* bytes per index slot: 1, 2 or 4; 0: linear */
    uint8_t shared;    /* keys of instances of one type (indexed only) */
    uint8_t lcap;      /* linear: entries the table holds */
    uint32_t nentries; /* entries appended, deleted ones included */
};

/* Shared tables are counted: the dicts using them and the type. The count
 * sits in a word before the table. */
#define SHARED_PREFIX 8u

typedef struct ob_dictobj {
    ob_object head;
    uint32_t used;       /* live keys */
    ob_dictkeys *keys;   /* NULL: empty dict with no table yet */
    ob_object **values;  /* split dict: one slot per shared entry */
} ob_dictobj;

static size_t usable_of(size_t size)
{
    return (size << 1) / 3;
}

static int is_linear(const ob_dictkeys *k)
{
    return k->ixbytes == 0;
}

/* Entries the table can hold in all. */
static size_t cap_of(const ob_dictkeys *k)
{
    return is_linear(k) ? k->lcap : usable_of((size_t)1 << k->log2);
}

static size_t usable_left(const ob_dictkeys *k)
{
    return cap_of(k) - k->nentries;
}

static size_t ix_area(const ob_dictkeys *k)
{
    size_t n = ((size_t)1 << k->log2) * k->ixbytes;
    return (n + sizeof(void *) - 1) & ~(sizeof(void *) - 1);
}

static uint8_t *ix_base(ob_dictkeys *k)
{
    return (uint8_t *)(k + 1);
}

static entry *entries_of(ob_dictkeys *k)
{
    return (entry *)(void *)(ix_base(k) + ix_area(k));
}

static lentry *lentries_of(ob_dictkeys *k)
{
    return (lentry *)(void *)(k + 1);
}

/* Uniform access to entry i in either layout. */
static ob_object **ent_key(ob_dictkeys *k, size_t i)
{
    return is_linear(k) ? &lentries_of(k)[i].key : &entries_of(k)[i].key;
}

static ob_object **ent_value(ob_dictkeys *k, size_t i)
{
    return is_linear(k) ? &lentries_of(k)[i].value : &entries_of(k)[i].value;
}

static uint32_t *shared_refs(ob_dictkeys *k)
{
    return (uint32_t *)(void *)((char *)k - SHARED_PREFIX);
}

static int32_t ix_get(ob_dictkeys *k, size_t i)
{
    uint8_t *b = ix_base(k);
    switch (k->ixbytes) {
    case 1: return ((int8_t *)b)[i];
    case 2: return ((int16_t *)(void *)b)[i];
    default: return ((int32_t *)(void *)b)[i];
    }
}

static void ix_set(ob_dictkeys *k, size_t i, int32_t v)
{
    uint8_t *b = ix_base(k);
    switch (k->ixbytes) {
    case 1: ((int8_t *)b)[i] = (int8_t)v; break;
    case 2: ((int16_t *)(void *)b)[i] = (int16_t)v; break;
    default: ((int32_t *)(void *)b)[i] = v; break;
    }
}

/* A new table: linear (lcap entries) when lcap > 0, else indexed (2^log2
 * slots). */
static ob_dictkeys *keys_new(uint8_t log2, uint8_t lcap, int shared)
{
    if (log2 > 30)
        return ob_err_null(OB_E_OVERFLOW, "dict too large");
    int linear = lcap > 0;
    size_t size = (size_t)1 << log2;
    ob_dictkeys probe = { 0 };
    probe.log2 = linear ? 0 : log2;
    probe.lcap = lcap;
    probe.ixbytes = linear ? 0 : size <= 128 ? 1 : size <= 32768 ? 2 : 4;
    size_t body = linear ? lcap * sizeof(lentry)
                         : ix_area(&probe) + usable_of(size) * sizeof(entry);
    size_t pre = shared ? SHARED_PREFIX : 0;
    char *b = ob_mem_alloc(pre + sizeof probe + body);
    if (!b)
        return NULL;
    ob_dictkeys *k = (ob_dictkeys *)(void *)(b + pre);
    *k = probe;
    k->shared = (uint8_t)shared;
    if (shared)
        *shared_refs(k) = 1;
    memset(k + 1, 0, body);
    if (!linear)
        memset(ix_base(k), 0xFF, ix_area(k)); /* every width reads -1 */
    return k;
}

static void keys_free(ob_dictkeys *k)
{
    /* Owned keys (and values in combined tables) were released by the
     * caller; this returns the block. */
    ob_mem_free(k->shared ? (char *)k - SHARED_PREFIX : (char *)k);
}

static size_t keys_block_size(ob_dictkeys *k)
{
    return ob_mem_size(k->shared ? (char *)k - SHARED_PREFIX : (char *)k);
}

static uint8_t log2_for(size_t minsize)
{
    uint8_t log2 = 0;
    while (((size_t)1 << log2) < OB_DICT_MINSIZE || ((size_t)1 << log2) < minsize)
        log2++;
    return log2;
}

/* ---- lookup ------------------------------------------------------------------ */
/* Entry number of key (>= 0) or IX_EMPTY when absent; an error (ob_eq
 * failing) is returned through *err. For indexed tables *slot receives the
 * key's index slot. */
static int32_t lookup(ob_dictkeys *k, ob_object *key, ob_hash_t hash, size_t *slot, int *err)
{
    *err = 0;
    if (!k)
        return IX_EMPTY;
    if (is_linear(k)) {
        lentry *le = lentries_of(k);
        for (uint32_t i = 0; i < k->nentries; i++)
            if (le[i].key == key)
                return (int32_t)i;
        for (uint32_t i = 0; i < k->nentries; i++) {
            if (!le[i].key)
                continue;
            int eq = ob_eq(le[i].key, key);
            if (eq < 0) {
                *err = eq;
                return IX_EMPTY;
            }
            if (eq)
                return (int32_t)i;
        }
        return IX_EMPTY;
    }
    size_t mask = ((size_t)1 << k->log2) - 1;
    size_t i = hash & mask;
    uint32_t perturb = hash;
    entry *ents = entries_of(k);
    for (;;) {
        int32_t ix = ix_get(k, i);
        if (ix == IX_EMPTY)
            return IX_EMPTY;
        if (ix >= 0) {
            entry *e = &ents[ix];
            if (e->key == key) {
                *slot = i;
                return ix;
            }
            if (e->key && e->hash == hash) {
                int eq = ob_eq(e->key, key);
                if (eq < 0) {
                    *err = eq;
                    return IX_EMPTY;
                }
                if (eq) {
                    *slot = i;
                    return ix;
                }
            }
        }
        perturb >>= 5;
        i = (i * 5 + perturb + 1) & mask;
    }
}

/* First index slot for hash that holds no live entry (EMPTY or DUMMY). */
static size_t find_free_slot(ob_dictkeys *k, ob_hash_t hash)
{
    size_t mask = ((size_t)1 << k->log2) - 1;
    size_t i = hash & mask;
    uint32_t perturb = hash;
    while (ix_get(k, i) >= 0) {
        perturb >>= 5;
        i = (i * 5 + perturb + 1) & mask;
    }
    return i;
}

/* Appends an entry (the table has room); takes over the references. */
static int32_t append_entry(ob_dictkeys *k, ob_hash_t hash, ob_object *key, ob_object *value)
{
    int32_t ix = (int32_t)k->nentries;
    if (is_linear(k)) {
        lentries_of(k)[ix].key = key;
        lentries_of(k)[ix].value = value;
    } else {
        size_t slot = find_free_slot(k, hash);
        entry *e = &entries_of(k)[ix];
        e->hash = hash;
        e->key = key;
        e->value = value;
        ix_set(k, slot, ix);
    }
    k->nentries++;
    return ix;
}

/* The hash of a key already in a table (it hashed once: cannot fail now;
 * str hashes are cached). */
static ob_hash_t rehash(ob_dictkeys *k, size_t i)
{
    if (!is_linear(k))
        return entries_of(k)[i].hash;
    ob_hash_t h = 0;
    if (ob_hash(lentries_of(k)[i].key, &h) < 0)
        ob_err_clear();
    return h;
}

/* ---- type -------------------------------------------------------------------- */
static ob_dictobj *as_dict(ob_object *o)
{
    if (o && !ob_is_small(o) && o->ob_type == &ob_dict_type)
        return (ob_dictobj *)o;
    ob_err_set(OB_E_TYPE, "expected a dict");
    return NULL;
}

static void keys_release_shared(ob_dictkeys *k)
{
    if (--*shared_refs(k) > 0)
        return;
    entry *ents = entries_of(k);
    for (uint32_t i = 0; i < k->nentries; i++)
        ob_decref(ents[i].key);
    keys_free(k);
}

/* Value of entry i of d (NULL when deleted or, split, not set). */
static ob_object *value_at(ob_dictobj *d, size_t i)
{
    return d->values ? d->values[i] : *ent_value(d->keys, i);
}

static void dict_dealloc(ob_object *o)
{
    ob_dictobj *d = (ob_dictobj *)o;
    ob_dictkeys *k = d->keys;
    if (!k)
        return;
    if (d->values) {
        for (uint32_t i = 0; i < k->nentries; i++)
            ob_decref(d->values[i]);
        ob_mem_free(d->values);
        keys_release_shared(k);
        return;
    }
    for (uint32_t i = 0; i < k->nentries; i++) {
        ob_decref(*ent_key(k, i));
        ob_decref(*ent_value(k, i));
    }
    keys_free(k);
}

static int dict_traverse(ob_object *o, ob_visit_fn visit, void *arg)
{
    ob_dictobj *d = (ob_dictobj *)o;
    ob_dictkeys *k = d->keys;
    if (!k)
        return 0;
    for (uint32_t i = 0; i < k->nentries; i++) {
        int rc = 0;
        ob_object *v = value_at(d, i);
        if (!v)
            continue;
        if (!d->values) /* shared keys belong to the type's table */
            rc = visit(*ent_key(k, i), arg);
        if (!rc)
            rc = visit(v, arg);
        if (rc)
            return rc;
    }
    return 0;
}

/* Children for printing: key, value, key, value... ; pos counts
 * 2 * entry + (0 key | 1 value). */
static ob_object *dict_child(ob_object *o, size_t *pos)
{
    ob_dictobj *d = (ob_dictobj *)o;
    ob_dictkeys *k = d->keys;
    if (!k)
        return NULL;
    for (;;) {
        size_t i = *pos >> 1;
        if (i >= k->nentries)
            return NULL;
        ob_object *key = *ent_key(k, i), *v = value_at(d, i);
        if (!key || !v) {
            *pos = (i + 1) << 1;
            continue;
        }
        ob_object *r = (*pos & 1) ? v : key;
        (*pos)++;
        return r;
    }
}

static size_t dict_sizeof_extra(ob_object *o)
{
    ob_dictobj *d = (ob_dictobj *)o;
    if (d->values) /* split: the shared keys belong to the type */
        return ob_mem_size(d->values);
    return d->keys ? keys_block_size(d->keys) : 0;
}

const ob_type ob_dict_type = {
    OB_TYPE_HEAD("dict"),
    .basicsize = sizeof(ob_dictobj),
    .flags = OB_TF_GC | OB_TF_MAPPING,
    .refs_shape = OB_REFS_SHAPE_TRAVERSE,
    .dealloc = dict_dealloc,
    .traverse = dict_traverse,
    .clear = ob_dict_clear,
    .sizeof_extra = dict_sizeof_extra,
    .child = dict_child,
    .open = "{",
    .close = "}",
};

ob_object *ob_dict_new(void)
{
    return ob_object_alloc(&ob_dict_type, 0);
}

size_t ob_dict_len(const ob_object *o)
{
    return (o && !ob_is_small(o) && o->ob_type == &ob_dict_type) ? ((const ob_dictobj *)o)->used
                                                                  : 0;
}

size_t ob_dict_capacity(const ob_object *o)
{
    if (!o || ob_is_small(o) || o->ob_type != &ob_dict_type)
        return 0;
    const ob_dictkeys *k = ((const ob_dictobj *)o)->keys;
    return k ? cap_of(k) : 0;
}

size_t ob_dict_table_size(const ob_object *o)
{
    if (!o || ob_is_small(o) || o->ob_type != &ob_dict_type)
        return 0;
    const ob_dictkeys *k = ((const ob_dictobj *)o)->keys;
    return k ? (is_linear(k) ? k->lcap : (size_t)1 << k->log2) : 0;
}

int ob_dict_is_split(const ob_object *o)
{
    return o && !ob_is_small(o) && o->ob_type == &ob_dict_type &&
           ((const ob_dictobj *)o)->values != NULL;
}

int ob_dict_is_linear(const ob_object *o)
{
    if (!o || ob_is_small(o) || o->ob_type != &ob_dict_type)
        return 0;
    const ob_dictkeys *k = ((const ob_dictobj *)o)->keys;
    return k && is_linear(k);
}

/* Rebuilds d as a combined table with room for at least `need` more
 * entries than it has live ones (policy: file comment). Nothing changes on
 * failure. */
static int dict_resize(ob_dictobj *d, size_t need)
{
    size_t n = (size_t)d->used + need;
    ob_dictkeys *nk;
    if (n <= OB_DICT_LINEAR_MAX) {
        /* Honest sizes: each is a block class of its own (8 + 8 * lcap
         * bytes on 32-bit), 3 for the smallest dicts. */
        size_t lcap = n <= 3 ? 3 : (n + 1) & ~(size_t)1;
        if (lcap > OB_DICT_LINEAR_MAX)
            lcap = OB_DICT_LINEAR_MAX;
        nk = keys_new(0, (uint8_t)lcap, 0);
    } else {
        size_t want = (size_t)d->used * 3;
        if (want < n * 3 / 2 + 1)
            want = n * 3 / 2 + 1;
        uint8_t log2 = log2_for(want);
        while (usable_of((size_t)1 << log2) < n)
            log2++;
        nk = keys_new(log2, 0, 0);
    }
    if (!nk)
        return OB_E_NOMEM;
    ob_dictkeys *ok = d->keys;
    if (ok) {
        for (uint32_t i = 0; i < ok->nentries; i++) {
            ob_object *key = *ent_key(ok, i), *v = value_at(d, i);
            if (!key || !v)
                continue;
            /* Shared keys stay the table's: the new table takes its own. */
            append_entry(nk, is_linear(nk) ? 0 : rehash(ok, i),
                         d->values ? ob_newref(key) : key, v);
        }
        if (d->values) {
            ob_mem_free(d->values);
            d->values = NULL;
            keys_release_shared(ok);
        } else {
            keys_free(ok);
        }
    }
    d->keys = nk;
    return 0;
}

int ob_dict_lookup_(ob_object *o, ob_object *key, ob_object **value)
{
    ob_dictobj *d = (ob_dictobj *)o;
    ob_hash_t h;
    int rc = ob_hash(key, &h);
    if (rc < 0)
        return rc;
    size_t slot;
    int32_t ix = lookup(d->keys, key, h, &slot, &rc);
    if (rc < 0)
        return rc;
    if (ix < 0)
        return 0;
    ob_object *v = value_at(d, (size_t)ix);
    if (!v)
        return 0;
    *value = v;
    return 1;
}

ob_object *ob_dict_get(ob_object *o, ob_object *key)
{
    if (!as_dict(o))
        return NULL;
    ob_object *v = NULL;
    int rc = ob_dict_lookup_(o, key, &v);
    if (rc < 0)
        return NULL;
    if (rc == 0)
        return ob_err_null(OB_E_KEY, "key not found");
    return v;
}

int ob_dict_contains(ob_object *o, ob_object *key)
{
    if (!as_dict(o))
        return OB_E_TYPE;
    ob_object *v;
    return ob_dict_lookup_(o, key, &v);
}

/* Insertion into a split dict; returns 1 when done, 0 when the dict must
 * become combined first, <0 on error. */
static int split_set(ob_dictobj *d, ob_object *key, ob_hash_t h, ob_object *value)
{
    ob_dictkeys *k = d->keys;
    size_t slot;
    int err;
    int32_t ix = lookup(k, key, h, &slot, &err);
    if (err < 0)
        return err;
    if (ix >= 0) {
        if (d->values[ix]) {
            ob_object *old = d->values[ix];
            d->values[ix] = ob_newref(value);
            ob_decref(old);
            return 1;
        }
        if ((uint32_t)ix != d->used)
            return 0; /* out of the shared order */
        d->values[ix] = ob_newref(value);
        d->used++;
        return 1;
    }
    if (d->used != k->nentries || usable_left(k) == 0 || ob_type_of(key) != &ob_str_type)
        return 0;
    ix = append_entry(k, h, ob_newref(key), NULL);
    d->values[ix] = ob_newref(value);
    d->used++;
    return 1;
}

int ob_dict_set(ob_object *o, ob_object *key, ob_object *value)
{
    ob_dictobj *d = as_dict(o);
    if (!d || !key || !value)
        return ob_err_set(OB_E_TYPE, "expected a dict, a key and a value");
    ob_hash_t h;
    int rc = ob_hash(key, &h);
    if (rc < 0)
        return rc;
    if (d->values) {
        rc = split_set(d, key, h, value);
        if (rc != 0)
            return rc < 0 ? rc : 0;
        if (dict_resize(d, 1) < 0)
            return OB_E_NOMEM;
    }
    size_t slot;
    int32_t ix = lookup(d->keys, key, h, &slot, &rc);
    if (rc < 0)
        return rc;
    if (ix >= 0) {
        ob_object **vp = ent_value(d->keys, (size_t)ix);
        ob_object *old = *vp;
        *vp = ob_newref(value);
        ob_decref(old);
        return 0;
    }
    if (!d->keys || usable_left(d->keys) == 0)
        if (dict_resize(d, 1) < 0)
            return OB_E_NOMEM;
    append_entry(d->keys, h, ob_newref(key), ob_newref(value));
    d->used++;
    return 0;
}

int ob_dict_del(ob_object *o, ob_object *key)
{
    ob_dictobj *d = as_dict(o);
    if (!d || !key)
        return ob_err_set(OB_E_TYPE, "expected a dict and a key");
    ob_hash_t h;
    int rc = ob_hash(key, &h);
    if (rc < 0)
        return rc;
    size_t slot = 0;
    int32_t ix = lookup(d->keys, key, h, &slot, &rc);
    if (rc < 0)
        return rc;
    if (ix < 0 || !value_at(d, (size_t)ix))
        return ob_err_set(OB_E_KEY, "key not found");
    if (d->values) {
        /* Deleting from a split dict makes it combined (same size). */
        if (dict_resize(d, 0) < 0)
            return OB_E_NOMEM;
        ix = lookup(d->keys, key, h, &slot, &rc);
        if (rc < 0 || ix < 0)
            return rc < 0 ? rc : ob_err_set(OB_E_KEY, "key not found");
    }
    ob_object **kp = ent_key(d->keys, (size_t)ix), **vp = ent_value(d->keys, (size_t)ix);
    ob_object *k = *kp, *v = *vp;
    *kp = *vp = NULL;
    if (!is_linear(d->keys))
        ix_set(d->keys, slot, IX_DUMMY);
    d->used--;
    ob_decref(k);
    ob_decref(v);
    return 0;
}

int ob_dict_next(ob_object *o, size_t *pos, ob_object **key, ob_object **value)
{
    if (!o || ob_is_small(o) || o->ob_type != &ob_dict_type)
        return 0;
    ob_dictobj *d = (ob_dictobj *)o;
    ob_dictkeys *k = d->keys;
    if (!k)
        return 0;
    while (*pos < k->nentries) {
        size_t i = (*pos)++;
        ob_object *kk = *ent_key(k, i), *v = value_at(d, i);
        if (kk && v) {
            if (key)
                *key = kk;
            if (value)
                *value = v;
            return 1;
        }
    }
    return 0;
}

void ob_dict_clear(ob_object *o)
{
    if (!o || ob_is_small(o) || o->ob_type != &ob_dict_type)
        return;
    ob_dictobj *d = (ob_dictobj *)o;
    /* Detach, then release: decrefs may run code that looks at d. */
    ob_dictobj old = *d;
    d->keys = NULL;
    d->values = NULL;
    d->used = 0;
    dict_dealloc(&old.head);
}

ob_object *ob_dict_get_cstr(ob_object *d, const char *key)
{
    /* No allocation: the interned key, or a probe string on the stack. */
    ob_strprobe probe;
    ob_object *k = ob_str_probe_(&probe, key);
    if (k)
        return ob_dict_get(d, k);
    ob_object *ks = ob_str_from_cstr(key); /* long or invalid: the slow way */
    if (!ks)
        return NULL;
    ob_object *v = ob_dict_get(d, ks);
    ob_decref(ks); /* v stays valid: the dict owns it */
    return v;
}

int ob_dict_set_cstr(ob_object *d, const char *key, ob_object *value)
{
    ob_object *k = ob_str_intern_cstr(key);
    if (!k)
        return ob_err_code();
    int rc = ob_dict_set(d, k, value);
    ob_decref(k);
    return rc;
}

/* ---- shared keys (instances) ------------------------------------------------- */
ob_dictkeys *ob_dictkeys_new_shared_(void)
{
    return keys_new(log2_for(OB_DICT_MINSIZE), 0, 1);
}

void ob_dictkeys_release_(ob_dictkeys *k)
{
    if (k)
        keys_release_shared(k);
}

int32_t ob_dictkeys_find_(ob_dictkeys *k, ob_object *key)
{
    ob_hash_t h;
    if (!k || ob_hash(key, &h) < 0) {
        ob_err_clear();
        return -1;
    }
    size_t slot;
    int err;
    int32_t ix = lookup(k, key, h, &slot, &err);
    if (err < 0)
        ob_err_clear();
    return ix < 0 ? -1 : ix;
}

int32_t ob_dictkeys_append_(ob_dictkeys *k, ob_object *key)
{
    ob_hash_t h;
    if (usable_left(k) == 0 || ob_type_of(key) != &ob_str_type || ob_hash(key, &h) < 0)
        return -1;
    return append_entry(k, h, ob_newref(key), NULL);
}

ob_object *ob_dictkeys_key_(ob_dictkeys *k, size_t i)
{
    return i < k->nentries ? *ent_key(k, i) : NULL;
}

size_t ob_dictkeys_nentries_(const ob_dictkeys *k)
{
    return k->nentries;
}

void ob_dictkeys_incref_(ob_dictkeys *k)
{
    (*shared_refs(k))++;
}

size_t ob_dictkeys_refs_(ob_dictkeys *k)
{
    return *shared_refs(k);
}

ob_object *ob_dict_new_split_from_(ob_dictkeys *k, ob_object **values, size_t n)
{
    ob_dictobj *d = (ob_dictobj *)ob_dict_new_split_(k);
    if (!d)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        d->values[i] = values[i];
        values[i] = NULL;
        OB_MOVED_(d->values[i]);
    }
    d->used = (uint32_t)n;
    return &d->head;
}

ob_object *ob_dict_new_split_(ob_dictkeys *k)
{
    size_t cap = cap_of(k);
    ob_object **values = ob_mem_alloc(cap * sizeof *values);
    if (!values)
        return NULL;
    memset(values, 0, cap * sizeof *values);
    ob_dictobj *d = (ob_dictobj *)ob_dict_new();
    if (!d) {
        ob_mem_free(values);
        return NULL;
    }
    d->keys = k;
    d->values = values;
    (*shared_refs(k))++;
    return &d->head;
}

/* ---- invariants ----------------------------------------------------------------
 *   D1 used == the number of entries with a key and a value;
 *   D2 nentries <= the table's entry capacity;
 *   D3 (indexed) every index slot is EMPTY, DUMMY or a live entry's number,
 *      every live entry has exactly one slot, and lookup finds each key;
 *   D4 (split) the values set are exactly a prefix 0..used of the shared
 *      entries, and the table is shared and indexed;
 *   D5 (combined) deleted entries have neither key nor value. */
const char *ob_dict_check_(ob_object *o)
{
    ob_dictobj *d = (ob_dictobj *)o;
    ob_dictkeys *k = d->keys;
    if (!k)
        return d->used || d->values ? "dict: no table but entries" : NULL;
    if (k->nentries > cap_of(k))
        return "D2 dict: more entries than the table holds";
    uint32_t live = 0;
    for (uint32_t i = 0; i < k->nentries; i++) {
        ob_object *key = *ent_key(k, i), *v = value_at(d, i);
        if (key && v)
            live++;
        if (!d->values && !key != !v)
            return "D5 dict: a deleted entry keeps a key or a value";
        if (d->values && (v != NULL) != (i < d->used))
            return "D4 split dict: values are not a prefix in shared order";
    }
    if (live != d->used)
        return "D1 dict: used count differs from live entries";
    if (d->values && (!k->shared || is_linear(k)))
        return "D4 split dict: table not shared and indexed";
    if (is_linear(k))
        return NULL;
    size_t size = (size_t)1 << k->log2, seen = 0;
    for (size_t i = 0; i < size; i++) {
        int32_t ix = ix_get(k, i);
        if (ix == IX_EMPTY || ix == IX_DUMMY)
            continue;
        if (ix < 0 || (uint32_t)ix >= k->nentries)
            return "D3 dict: index slot out of range";
        if (!*ent_key(k, (size_t)ix))
            return "D3 dict: index slot points at a deleted entry";
        seen++;
    }
    size_t keyed = 0;
    for (uint32_t i = 0; i < k->nentries; i++) {
        ob_object *key = *ent_key(k, i);
        if (!key)
            continue;
        keyed++;
        size_t slot = 0;
        int err;
        if (lookup(k, key, entries_of(k)[i].hash, &slot, &err) != (int32_t)i || err)
            return "D3 dict: a key is not found where its entry is";
        if (ix_get(k, slot) != (int32_t)i)
            return "D3 dict: index slot and entry disagree";
    }
    if (seen != keyed)
        return "D3 dict: index slots and keyed entries differ in number";
    return NULL;
}
