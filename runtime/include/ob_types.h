/* ob_types.h - the built-in types: None, bool, int, float, str, bytes,
 * tuple, list, dict, set, typed arrays, struct and instance types, weak
 * references and the weak-value dict.
 *
 * Reference rules are those of ob_object.h: results are new references
 * unless marked "borrowed", arguments are borrowed unless marked "steals".
 * Every call that can fail returns NULL or a negative ob_err and records the
 * error (ob_err_code); nothing changes on failure. No call recurses; none is
 * ISR-safe. "May allocate" calls can fail with OB_E_NOMEM.
 * Layouts and sizes: docs/objects.md.
 */
#ifndef OB_TYPES_H
#define OB_TYPES_H

#include <stdarg.h>

#include "ob_object.h"

/* ---- None, True, False (immortal, in flash) ----------------------------- */
extern const ob_object ob_none_obj, ob_true_obj, ob_false_obj;
#define OB_NONE ((ob_object *)(uintptr_t)&ob_none_obj)
#define OB_TRUE ((ob_object *)(uintptr_t)&ob_true_obj)
#define OB_FALSE ((ob_object *)(uintptr_t)&ob_false_obj)
/* OB_TRUE or OB_FALSE (immortal: no need to decref, harmless to). */
static inline ob_object *ob_bool_from(int v)
{
    return v ? OB_TRUE : OB_FALSE;
}

/* ---- int: immediate in OB_SMALL_MIN..OB_SMALL_MAX, else boxed int64 -----
 * Arithmetic beyond int64 fails with OB_E_OVERFLOW; there is no silent
 * wraparound and no bignum. */
ob_object *ob_int_from_i64(int64_t v) OB_WUR;
/* int or bool -> *out; OB_E_TYPE otherwise. */
int ob_int_as_i64(ob_object *o, int64_t *out) OB_WUR;
int ob_is_int(const ob_object *o); /* int (small or boxed), not bool */
ob_object *ob_int_add(ob_object *a, ob_object *b) OB_WUR;
ob_object *ob_int_sub(ob_object *a, ob_object *b) OB_WUR;
ob_object *ob_int_mul(ob_object *a, ob_object *b) OB_WUR;

/* ---- float (IEEE double) -------------------------------------------------- */
ob_object *ob_float_from(double v) OB_WUR;
/* float, int or bool -> *out; OB_E_TYPE otherwise. */
int ob_float_as_double(ob_object *o, double *out) OB_WUR;

/* ---- str: UTF-8, immutable; byte length, code point length, cached hash ---
 * Two layouts, told apart by the 16-bit field after the hash:
 *   compact (ASCII text shorter than OB_STR_WIDE bytes; code points = bytes):
 *     header, hash, uint16 length, bytes, NUL          14 + n + 1 bytes
 *   wide (any other text, and constants):
 *     header, hash, OB_STR_WIDE, pad, uint32 length, uint32 code points,
 *     bytes, NUL                                       24 + n + 1 bytes
 * An 8-character ASCII string takes one 24-byte block. Use the accessors
 * (ob_str_data, ob_str_len, ob_str_cplen), not the fields. */
#define OB_STR_WIDE 0xFFFFu
typedef struct ob_str {
    ob_object head;     /* OB_F_TYPE1: interned; OB_F_TYPE2: hash cached */
    ob_hash_t hash;
    uint16_t len16;     /* compact: bytes; OB_STR_WIDE: the wide layout */
    char data[];        /* compact: len16 bytes + NUL */
} ob_str;
typedef struct ob_strwide {
    ob_object head;
    ob_hash_t hash;
    uint16_t wide;      /* OB_STR_WIDE */
    uint16_t pad;
    uint32_t len;       /* bytes, without the NUL */
    uint32_t cplen;     /* code points; OB_STR_CPLEN_UNKNOWN for constants */
    char data[];        /* len bytes + NUL */
} ob_strwide;
#define OB_STR_CPLEN_UNKNOWN UINT32_MAX

/* A constant string: immortal, in flash, never counted or freed (wide
 * layout: the text may be any UTF-8).
 *   OB_STR_CONST(greeting, "hello");   ...   ob_object *s = OB_STR(greeting); */
#define OB_STR_CONST(name, lit)                                               \
    static const struct {                                                     \
        ob_object head;                                                       \
        ob_hash_t hash;                                                       \
        uint16_t wide, pad;                                                   \
        uint32_t len, cplen;                                                  \
        char d[sizeof(lit)];                                                  \
    } name = { OB_HEAD_IMMORTAL(&ob_str_type), 0, OB_STR_WIDE, 0,             \
               sizeof(lit) - 1, OB_STR_CPLEN_UNKNOWN, lit }
/* (The fields repeat ob_strwide's so the text lands at offsetof(ob_strwide, data).) */
#define OB_STR(name) ((ob_object *)(uintptr_t)&(name).head)

/* New string from n bytes of UTF-8 (validated: OB_E_VALUE if invalid). */
ob_object *ob_str_from_utf8(const char *s, size_t n) OB_WUR;
ob_object *ob_str_from_cstr(const char *s) OB_WUR;
/* printf-style (ob_fmt conversions). */
ob_object *ob_str_printf(const char *fmt, ...) OB_WUR __attribute__((format(printf, 1, 2)));
ob_object *ob_str_concat(ob_object *a, ob_object *b) OB_WUR;
/* sys.intern: the canonical string equal to s (s itself if none was
 * interned). The table does not own its strings: an interned string dies
 * when its last owner lets go and leaves the table then. */
ob_object *ob_str_intern(ob_object *s) OB_WUR;
/* Interned string from a C string (identifiers, attribute names). */
ob_object *ob_str_intern_cstr(const char *s) OB_WUR;
int ob_str_is_interned(const ob_object *s);
size_t ob_str_intern_count(void);
/* Borrowed pointers into s; NULL / 0 when s is not a str. */
const char *ob_str_data(const ob_object *s);
size_t ob_str_len(const ob_object *s);
size_t ob_str_cplen(const ob_object *s);
/* 1 when s is a str whose text equals the C string. */
int ob_str_eq_cstr(const ob_object *s, const char *c);

/* ---- bytes ------------------------------------------------------------------ */
ob_object *ob_bytes_from(const void *p, size_t n) OB_WUR;
const uint8_t *ob_bytes_data(const ob_object *b);
size_t ob_bytes_len(const ob_object *b);

/* ---- tuple (immutable; the empty tuple is immortal) ---------------------- */
/* A tuple of n slots, all None, to be filled with ob_tuple_set while the
 * caller holds the only reference. n == 0 returns the empty tuple. */
ob_object *ob_tuple_new(size_t n) OB_WUR;
/* A tuple of the n arguments (borrowed ob_object *). */
ob_object *ob_tuple_pack(size_t n, ...) OB_WUR;
size_t ob_tuple_len(const ob_object *t);
/* Borrowed item, or NULL with OB_E_INDEX / OB_E_TYPE. */
ob_object *ob_tuple_get(ob_object *t, size_t i);
/* Filling a fresh tuple: stores a new reference to x. Refused with
 * OB_E_STATE once the tuple is shared (count above 1), as CPython does. */
int ob_tuple_set(ob_object *t, size_t i, ob_object *x) OB_WUR;
/* The empty tuple (laid out as a tuple of size 0). */
extern const struct ob_empty_tuple { ob_object head; uint32_t size; } ob_empty_tuple_obj;
#define OB_EMPTY_TUPLE ((ob_object *)(uintptr_t)&ob_empty_tuple_obj.head)

/* ---- list: over-allocates like CPython 3.9+ --------------------------------
 * Growing to n items (n > capacity) sets capacity to (n + (n >> 3) + 6) & ~3,
 * or (n + 3) & ~3 when one resize grows by more than that would give;
 * shrinking below half the capacity gives memory back; 0 items, no block.
 * Appends: capacities 0, 4, 8, 16, 24, 32, 40, 52, 64, 76, ... */
ob_object *ob_list_new(void) OB_WUR;
size_t ob_list_len(const ob_object *l);
size_t ob_list_capacity(const ob_object *l);
ob_object *ob_list_get(ob_object *l, size_t i); /* borrowed */
int ob_list_set(ob_object *l, size_t i, ob_object *x) OB_WUR;
int ob_list_append(ob_object *l, ob_object *x) OB_WUR;
int ob_list_insert(ob_object *l, size_t i, ob_object *x) OB_WUR;
/* Removes item i and returns it (the list's reference passes to the caller). */
ob_object *ob_list_pop(ob_object *l, size_t i) OB_WUR;
int ob_list_del(ob_object *l, size_t i) OB_WUR;
void ob_list_clear(ob_object *l);

/* ---- dict: compact, insertion-ordered, open addressing ---------------------
 * An index table of 2^k slots (1, 2 or 4 bytes each) points into a dense
 * entry array {hash, key, value} in insertion order. Probing is CPython's
 * perturbed scheme; deletion leaves a dummy index and an empty entry, and
 * never shrinks. Dicts of up to OB_DICT_LINEAR_MAX entries use a linear
 * table of {key, value} pairs instead. Resize policy: docs/objects.md. */
ob_object *ob_dict_new(void) OB_WUR;
size_t ob_dict_len(const ob_object *d);
/* Entries the current table holds before it must grow (usable size). */
size_t ob_dict_capacity(const ob_object *d);
/* Slots in the table: index slots (2^k) for an indexed table, entry
 * slots for a linear one; 0 before the first insertion. */
size_t ob_dict_table_size(const ob_object *d);
/* Borrowed value, or NULL: OB_E_KEY when absent (other errors possible:
 * OB_E_UNHASHABLE). */
ob_object *ob_dict_get(ob_object *d, ob_object *key);
/* Lookup by C string; allocates nothing for keys up to 48 bytes. */
ob_object *ob_dict_get_cstr(ob_object *d, const char *key);
int ob_dict_set(ob_object *d, ob_object *key, ob_object *value) OB_WUR;
int ob_dict_set_cstr(ob_object *d, const char *key, ob_object *value) OB_WUR;
int ob_dict_del(ob_object *d, ob_object *key) OB_WUR;
int ob_dict_contains(ob_object *d, ob_object *key); /* 1, 0, <0 */
/* Iteration in insertion order: *pos starts at 0; borrowed key/value. */
int ob_dict_next(ob_object *d, size_t *pos, ob_object **key, ob_object **value);
void ob_dict_clear(ob_object *d);

/* ---- set ------------------------------------------------------------------- */
ob_object *ob_set_new(void) OB_WUR;
size_t ob_set_len(const ob_object *s);
int ob_set_add(ob_object *s, ob_object *key) OB_WUR;
int ob_set_contains(ob_object *s, ob_object *key); /* 1, 0, <0 */
int ob_set_discard(ob_object *s, ob_object *key) OB_WUR; /* 1 removed, 0 absent */
int ob_set_next(ob_object *s, size_t *pos, ob_object **key);

/* ---- typed numeric arrays: raw numbers in one block ----------------------- */
typedef enum ob_array_kind {
    OB_ARR_I8, OB_ARR_U8, OB_ARR_I16, OB_ARR_U16, OB_ARR_I32, OB_ARR_U32,
    OB_ARR_F32, OB_ARR_F64
} ob_array_kind;
/* n zeroed items. */
ob_object *ob_array_new(ob_array_kind kind, size_t n) OB_WUR;
size_t ob_array_len(const ob_object *a);
ob_array_kind ob_array_kind_of(const ob_object *a);
/* Item i as a new int or float object. */
ob_object *ob_array_get(ob_object *a, size_t i) OB_WUR;
/* Stores x (int/bool/float) converted to the kind: OB_E_OVERFLOW when an
 * integer does not fit, OB_E_TYPE for floats into integer kinds. */
int ob_array_set(ob_object *a, size_t i, ob_object *x) OB_WUR;
/* Borrowed pointer to the raw items. */
void *ob_array_data(ob_object *a);

/* ---- struct types: a fixed list of slots, no dict (__slots__) ------------- */
/* Fills *t (static storage) as a struct type with nslots named slots (the
 * names are kept by pointer: give static strings). OB_E_VALUE for 32 768
 * slots or more. */
int ob_struct_type_init(ob_type *t, const char *name, const char *const *slot_names,
                        uint16_t nslots) OB_WUR;
/* A new struct, every slot None. */
ob_object *ob_struct_new(const ob_type *t) OB_WUR;
ob_object *ob_struct_get(ob_object *o, size_t slot); /* borrowed */
int ob_struct_set(ob_object *o, size_t slot, ob_object *x) OB_WUR;
/* By slot name: borrowed / OB_E_KEY. */
ob_object *ob_struct_getattr(ob_object *o, const char *name);
int ob_struct_setattr(ob_object *o, const char *name, ob_object *x) OB_WUR;

/* ---- instance types: attributes keyed by shared names (PEP 412) ---------- */
/* Fills *t (static storage) as an instance type. Its instances share one
 * key table, owned by the type, while they add attributes in the same
 * order; their first OB_INSTANCE_INLINE (4) values live inline in the
 * instance (CPython 3.13), and an instance gets a dict of its own only when
 * asked for one (ob_instance_dict), or when it sets a fifth attribute or
 * sets them out of the shared order. ob_instance_type_fini releases the
 * table: call it once no instance of the type is alive (misuse otherwise:
 * reported, the table kept). */
int ob_instance_type_init(ob_type *t, const char *name) OB_WUR;
void ob_instance_type_fini(ob_type *t);
ob_object *ob_instance_new(const ob_type *t) OB_WUR;
ob_object *ob_instance_getattr(ob_object *o, const char *name); /* borrowed */
int ob_instance_setattr(ob_object *o, const char *name, ob_object *x) OB_WUR;
/* The attribute dict (borrowed; made on the first call, taking the inline
 * values over: may fail with OB_E_NOMEM, the instance unchanged). */
ob_object *ob_instance_dict(ob_object *o);
/* 1 when the instance has a dict (its attributes are no longer inline). */
int ob_instance_has_dict(const ob_object *o);
/* 1 when the instance's dict uses its type's shared keys. */
int ob_dict_is_split(const ob_object *d);
/* 1 when d uses the linear small-table layout (docs/objects.md). */
int ob_dict_is_linear(const ob_object *d);

/* ---- weak references ------------------------------------------------------ */
/* Called once, after the referent died, while the weak reference lives. */
typedef void (*ob_weakref_cb)(ob_object *wr, void *ctx);
/* weakref.ref(o, callback): o must be a heap object (not a small int, not
 * immortal: OB_E_TYPE). cb may be NULL. */
ob_object *ob_weakref_new(ob_object *o, ob_weakref_cb cb, void *ctx) OB_WUR;
/* The referent (new reference), or NULL (no error) once it is gone. */
ob_object *ob_weakref_get(ob_object *wr);
/* Weak references pointing at o. */
size_t ob_weakref_count(ob_object *o);

/* ---- weak-value dict (WeakValueDictionary) --------------------------------- */
ob_object *ob_wvdict_new(void) OB_WUR;
int ob_wvdict_set(ob_object *d, ob_object *key, ob_object *value) OB_WUR;
/* New reference to the live value, or NULL (OB_E_KEY) when absent or dead. */
ob_object *ob_wvdict_get(ob_object *d, ob_object *key);
size_t ob_wvdict_len(ob_object *d);

#endif /* OB_TYPES_H */
