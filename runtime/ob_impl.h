/* ob_impl.h - private glue between the object modules (object.c, int.c,
 * str.c, tuple.c, list.c, dict.c, set.c, array.c, struct.c, weakref.c).
 * Not installed; firmware uses ob_object.h and ob_types.h. */
#ifndef OB_IMPL_H
#define OB_IMPL_H

#include <string.h>

#include "ob_object.h"
#include "ob_types.h"

/* ---- numbers (int.c) ---- */
/* hash of an int/bool/float, Python-consistent (modulus 2^31 - 1). */
int ob_num_hash_(ob_object *o, ob_hash_t *out);
/* exact comparison across int/bool/float: 1 equal, 0 not. */
int ob_num_eq_(ob_object *a, ob_object *b);

/* ---- strings (str.c) ---- */
ob_hash_t ob_hash_bytes_(const void *p, size_t n);
ob_hash_t ob_str_hash_(ob_object *s);
/* A str for looking up a C string without allocating: the interned string
 * when there is one (borrowed), else a temporary immortal str built in
 * *probe (valid while *probe is), or NULL when the text is too long or not
 * UTF-8. */
#define OB_STR_PROBE_MAX 48
typedef struct ob_strprobe {
    ob_strwide s; /* either layout fits */
    char text[OB_STR_PROBE_MAX + 1];
} ob_strprobe;
ob_object *ob_str_probe_(ob_strprobe *probe, const char *c);
void ob_str_fini_(void);

/* ---- sequences (tuple.c, list.c) ---- */
typedef struct ob_tupleobj {
    ob_object head;
    uint32_t size;
    ob_object *items[]; /* size owned references (None after clear) */
} ob_tupleobj;

typedef struct ob_listobj {
    ob_object head;
    uint32_t size;      /* items in use */
    uint32_t allocated; /* capacity of items[] */
    ob_object **items;  /* side block of `allocated` slots, NULL when 0 */
} ob_listobj;

/* Items array and count of a tuple or list (borrowed). */
ob_object **ob_seq_items_(ob_object *o, size_t *n);

/* Dict lookup without recording OB_E_KEY: 1 found (*value borrowed),
 * 0 absent, <0 error. */
int ob_dict_lookup_(ob_object *d, ob_object *key, ob_object **value);

/* ---- dict internals shared with instances (dict.c, struct.c) ---- */
typedef struct ob_dictkeys ob_dictkeys;
ob_dictkeys *ob_dictkeys_new_shared_(void);
void ob_dictkeys_release_(ob_dictkeys *k);
/* A dict with split keys sharing k (values array empty). */
ob_object *ob_dict_new_split_(ob_dictkeys *k);
/* The same, taking over values[0..n) (a prefix in k's order; the slots are
 * set to NULL): an instance's inline attributes becoming a dict. */
ob_object *ob_dict_new_split_from_(ob_dictkeys *k, ob_object **values, size_t n);
/* Entry number of key in a shared table, or -1 (no error recorded). */
int32_t ob_dictkeys_find_(ob_dictkeys *k, ob_object *key);
/* Appends key (a str; the table takes a reference) to a shared table:
 * its entry number, or -1 when the table is full or key is not a str. */
int32_t ob_dictkeys_append_(ob_dictkeys *k, ob_object *key);
size_t ob_dictkeys_nentries_(const ob_dictkeys *k);
/* Key of entry i (borrowed), or NULL. */
ob_object *ob_dictkeys_key_(ob_dictkeys *k, size_t i);
/* Users of a shared table: incref (ob_dictkeys_release_ gives back). */
void ob_dictkeys_incref_(ob_dictkeys *k);
size_t ob_dictkeys_refs_(ob_dictkeys *k);

/* The collector's barrier for a reference handed to the caller or stored
 * without a count change (ob_gc_moved_, ob_object.h). */
#define OB_MOVED_(o) ob_gc_moved_(o)

/* Structural checks behind ob_object_check (NULL: invariants hold). */
const char *ob_dict_check_(ob_object *d);
const char *ob_set_check_(ob_object *s);

/* ---- weak references (weakref.c) ---- */
/* o is dying (count zero, OB_F_WEAKREFD): detach its weak references and
 * run their callbacks. */
void ob_weakref_clear_(ob_object *o);
void ob_weakref_fini_(void);

/* ---- pointer map: open addressing, pointer keys, for side tables ---- */
typedef struct ob_ptrmap {
    void **keys; /* NULL empty, OB_PTRMAP_DUMMY deleted */
    void **vals;
    size_t mask; /* capacity - 1; capacity 0 when keys == NULL */
    size_t used; /* live keys */
    size_t fill; /* live + dummies */
} ob_ptrmap;
#define OB_PTRMAP_DUMMY ((void *)1)
/* Value for key, or NULL. */
void *ob_ptrmap_get(const ob_ptrmap *m, const void *key);
/* Inserts or replaces (replacing never allocates, never fails);
 * OB_E_NOMEM (map unchanged) on failure. */
int ob_ptrmap_put(ob_ptrmap *m, void *key, void *val);
/* Removes key; returns its value or NULL. */
void *ob_ptrmap_del(ob_ptrmap *m, const void *key);
void ob_ptrmap_free(ob_ptrmap *m);

/* ---- misc ---- */
/* Detected misuse: report and return 0 (the caller refuses). */
#define OB_MISUSE(msg) (OB_PANIC(msg), 0)

#define OB_TYPE_HEAD(nm) .magic = OB_TYPE_MAGIC, .name = (nm)

#endif /* OB_IMPL_H */
