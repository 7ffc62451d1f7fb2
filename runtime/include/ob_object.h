/* ob_object.h - the object core: header, counting, type protocol, errors.
 *
 * What firmware holds is an `ob_object *`. It is either
 *  - a tagged immediate small int (low bit 1; no memory, no count), or
 *  - a pointer to an object: a header followed by the type's payload.
 *
 * ---- The header (8 bytes on 32-bit targets, 16 on a 64-bit host) --------
 *
 *        word 0: ob_rc                          word 1: ob_type
 *   +-------------------------------+--------+  +------------------+
 *   | count (bits 8..)              | flags  |  | const ob_type *  |
 *   +-------------------------------+--------+  +------------------+
 *
 *   flags (bits 0..7):
 *     bit 0  OB_F_IMMORTAL  never counted, never freed (may live in flash)
 *     bit 1  OB_F_BARRIER   the collector is examining the object (it is in
 *                           the collected set): increments, decrements and
 *                           hand-outs take the slow path and tell the
 *                           collector
 *     bit 2  OB_F_FINALIZED the type's finalizer has run (PEP 442: once)
 *     bit 3  OB_F_WEAKREFD  weak references to this object may exist
 *     bit 4  OB_F_TYPE1     type-specific (str: interned)
 *     bit 5  OB_F_TYPE2     type-specific (str: hash cached)
 *     bit 6  OB_F_GCWORD    the block has a gc word before the header (a
 *                           container on the heap): the collector's test
 *                           "is this a container it may look at" is one
 *                           load of the count word, not two of the type
 *     bit 7  OB_F_FINPEND   a container whose type has a finalizer that
 *                           has not run yet (set when it is made: a type's
 *                           finalize is fixed before its first object)
 *
 *   The count holds the number of owned references. One mask test,
 *   (ob_rc & OB_F_SLOW), sends immortal objects and objects the collector
 *   is examining to the slow path: the fast path is load, test, add, store.
 *
 * Tracked containers (types with OB_TF_GC) carry one more word *before* the
 * header (OB_GC_HEAD_SIZE: 4 bytes on 32-bit, the pointer size elsewhere),
 * owned by the collector; leaf objects (int, float, str, bytes, arrays)
 * have no such word:
 *
 *   block: [ gc word ][ ob_rc ][ ob_type ][ payload ... ]
 *                     ^ ob_object * points here
 *
 * ---- Reference rules (CPython's vocabulary) -------------------------------
 *
 * An *owned* (strong, "new") reference is one the holder must give back
 * with ob_decref(). A *borrowed* reference is valid only while something
 * else owns the object, and must not be decref'd.
 *  - Every function returning ob_object * returns a NEW (owned) reference,
 *    unless its comment says "borrowed".
 *  - Arguments are BORROWED: the callee increments whatever it keeps
 *    (ob_list_append(l, x) takes its own reference to x), unless the comment
 *    says "steals" (the callee takes over the caller's reference, also on
 *    failure, where it is released).
 *  - A function that fails returns NULL (objects) or a negative ob_err
 *    (ints) and records the error (ob_err_code / ob_err_message). Nothing
 *    half-built is left behind and no count changes on failure.
 *  - Small ints and immortal objects may be incref'd and decref'd freely;
 *    the calls do nothing for them.
 *
 * ---- Runtime -------------------------------------------------------------
 * One runtime at a time (DESIGN decision 10): ob_runtime_init() takes a heap
 * range; every object lives in it, except immortal constants. Not ISR-safe
 * (no call in this header is).
 */
#ifndef OB_OBJECT_H
#define OB_OBJECT_H

#include <stddef.h>
#include <stdint.h>

#include "ob_config.h"
#include "ob_heap.h"
#include "ob_hooks.h"

#define OB_WUR __attribute__((warn_unused_result))

typedef struct ob_type ob_type;

typedef struct ob_object {
    uintptr_t ob_rc;          /* count << OB_RC_SHIFT | flags */
    const ob_type *ob_type;
} ob_object;

/* ---- count word ---------------------------------------------------------- */
#define OB_F_IMMORTAL ((uintptr_t)1u << 0)
#define OB_F_BARRIER ((uintptr_t)1u << 1)
#define OB_F_FINALIZED ((uintptr_t)1u << 2)
#define OB_F_WEAKREFD ((uintptr_t)1u << 3)
#define OB_F_TYPE1 ((uintptr_t)1u << 4)
#define OB_F_TYPE2 ((uintptr_t)1u << 5)
#define OB_F_GCWORD ((uintptr_t)1u << 6)
#define OB_F_FINPEND ((uintptr_t)1u << 7)
#define OB_F_SLOW (OB_F_IMMORTAL | OB_F_BARRIER)
#define OB_RC_SHIFT 8
#define OB_RC_ONE ((uintptr_t)1u << OB_RC_SHIFT)
#define OB_RC_FLAGS (OB_RC_ONE - 1u)

/* Initialiser of an immortal object's header (static or const storage). */
#define OB_HEAD_IMMORTAL(type) { OB_RC_ONE | OB_F_IMMORTAL, (type) }

/* ---- errors -------------------------------------------------------------- */
typedef enum ob_err {
    OB_OK = 0,
    OB_E_NOMEM = -1,      /* out of memory (after the heap's OOM handler) */
    OB_E_TYPE = -2,       /* wrong type of argument */
    OB_E_INDEX = -3,      /* index out of range */
    OB_E_KEY = -4,        /* key not found */
    OB_E_UNHASHABLE = -5, /* key is not hashable (list, dict, set...) */
    OB_E_OVERFLOW = -6,   /* integer beyond int64, or size beyond limits */
    OB_E_VALUE = -7,      /* bad value (invalid UTF-8, division by zero...) */
    OB_E_DEPTH = -8,      /* nesting deeper than OB_NEST_MAX (like RecursionError) */
    OB_E_STATE = -9       /* runtime not initialised, or misuse refused */
} ob_err;

/* The last error recorded by a failing call (OB_OK when none since the last
 * ob_err_clear). A successful call does not clear it. O(1). */
ob_err ob_err_code(void);
/* A one-line message for the last error ("list index out of range"); "" when
 * none. Static storage; valid until the next failing call. */
const char *ob_err_message(void);
void ob_err_clear(void);
/* Records an error; returns `code` (for `return ob_err_set(...)`). */
int ob_err_set(ob_err code, const char *msg);
/* Records an error and returns NULL. */
void *ob_err_null(ob_err code, const char *msg);

/* ---- runtime ------------------------------------------------------------- */
/* Takes over [base, base+size) as the object heap (through ob_heap_init).
 * Returns 0, or OB_E_VALUE when the range cannot hold a heap, or OB_E_STATE
 * when a runtime is already running. O(1). */
int ob_runtime_init(void *base, size_t size) OB_WUR;
/* Ends the runtime: releases the intern table and the weak-reference
 * table; objects still alive are abandoned with the heap (ob_stats_get
 * before this call tells whether any were). No-op when not running. */
void ob_runtime_fini(void);
/* The heap objects live in (NULL before init). */
ob_heap *ob_runtime_heap(void);

/* ---- small ints (immediate values) ---------------------------------------
 * Range: OB_SMALL_MIN .. OB_SMALL_MAX, a 31-bit signed integer on every
 * build (host included, so behaviour is the same everywhere). */
#define OB_SMALL_MAX ((int32_t)0x3FFFFFFF)
#define OB_SMALL_MIN (-OB_SMALL_MAX - 1)

static inline int ob_is_small(const ob_object *o)
{
    return ((uintptr_t)o & 1u) != 0;
}
/* v must lie in OB_SMALL_MIN..OB_SMALL_MAX (ob_int_from_i64 boxes what
 * does not). */
static inline ob_object *ob_small_from(int32_t v)
{
    return (ob_object *)(uintptr_t)(((uintptr_t)(intptr_t)v << 1) | 1u);
}
static inline int32_t ob_small_value(const ob_object *o)
{
    /* arithmetic shift of the signed word */
    return (int32_t)((intptr_t)(uintptr_t)o >> 1);
}

/* ---- type protocol ------------------------------------------------------- */
typedef uint32_t ob_hash_t;
typedef int (*ob_visit_fn)(ob_object *o, void *arg);
/* Receives printable text (repr). */
typedef struct ob_sink {
    void (*put)(struct ob_sink *s, const char *txt, size_t n);
} ob_sink;

enum {
    OB_TF_GC = 1u << 0,       /* container: has the gc word; the collector tracks it */
    OB_TF_SEQ = 1u << 1,      /* items are an array of ob_object * (tuple, list) */
    OB_TF_NUMBER = 1u << 2,   /* int, bool, float: compare and hash as numbers */
    OB_TF_HEAPTYPE = 1u << 3, /* a type made at run time (struct/instance types) */
    OB_TF_MAPPING = 1u << 4   /* dict-like: repr and iteration as key/value pairs */
};

#define OB_TYPE_MAGIC 0x0B7E5u
/* Type storage must be static (or otherwise outside the object heap) and
 * outlive every object of the type. */
struct ob_type {
    uint32_t magic;            /* OB_TYPE_MAGIC: checked builds test it */
    const char *name;
    uint32_t basicsize;        /* bytes of the fixed part, header included */
    uint16_t itemsize;         /* bytes per item of a variable-size part, or 0 */
    uint16_t flags;            /* OB_TF_* */
    /* Releases what the object owns (decrefs referents, frees side blocks).
     * Does NOT free the object's own block: the core does, after this. May
     * be NULL (nothing owned). Must not recurse: ob_decref() inside a
     * dealloc only queues (trashcan). */
    void (*dealloc)(ob_object *o);
    /* Calls visit(child) for every owned reference; stops and returns the
     * first non-zero visit result. NULL: no referents. */
    int (*traverse)(ob_object *o, ob_visit_fn visit, void *arg);
    /* Drops every owned reference (breaks cycles); the object stays valid. */
    void (*clear)(ob_object *o);
    /* 0 and *out set, or an error. NULL: unhashable (OB_E_UNHASHABLE). */
    int (*hash)(ob_object *o, ob_hash_t *out);
    /* Same-type equality of leaf values: 1 equal, 0 not, <0 error. NULL:
     * identity. Containers are compared by the core, iteratively. */
    int (*eq)(ob_object *a, ob_object *b);
    /* Writes the printable form of a leaf value. Containers are printed by
     * the core (ob_repr), iteratively. NULL: "<name object at 0x...>". */
    void (*repr)(ob_object *o, ob_sink *s);
    /* Bytes the object owns outside its own block (list item arrays, dict
     * tables), for getsizeof. NULL: none. */
    size_t (*sizeof_extra)(ob_object *o);
    /* Finalizer (__del__): runs once, when the count reaches zero (and, with
     * the collector, before cyclic garbage is cleared). May resurrect the
     * object by taking a new reference. NULL: none. */
    void (*finalize)(ob_object *o);
    /* Iteration over children for printing and comparison: returns a
     * BORROWED child at *pos and advances *pos, or NULL at the end.
     * Mappings yield key, value, key, value... NULL for leaf types. */
    ob_object *(*child)(ob_object *o, size_t *pos);
    const char *open, *close; /* delimiters for printing containers */
    /* For heap types (OB_TF_HEAPTYPE) built by ob_struct_type_init etc. */
    void *extra;
    /* The collector's fast path: when every reference the object owns sits
     * in one array of pointers (NULL entries allowed), where that array is,
     * so the collector follows the references in a loop of its own instead
     * of calling traverse. refs_at: the array's byte offset in the object,
     * or OB_REFS_INDIRECT | the offset of a pointer to it; 0: no array
     * (traverse is used). refs_n: the array's length, or OB_REFS_COUNTED |
     * the offset of a uint32_t holding it. */
    uint16_t refs_at;
    uint16_t refs_n;
    /* The same layout as one of a few shapes the collector's stop-the-world
     * loops tell apart at once (OB_REFS_SHAPE_*); the runtime sets it for
     * its own types. 0, OB_REFS_SHAPE_ANY, is always right: the two fields
     * above are decoded on each visit. */
    uint8_t refs_shape;
};
#define OB_REFS_INDIRECT 0x8000u
#define OB_REFS_COUNTED 0x8000u
#define OB_REFS_SHAPE_ANY 0u      /* refs_at/refs_n as they say */
#define OB_REFS_SHAPE_FIXED 1u    /* refs_n (1 or more) pointers at refs_at in the object */
#define OB_REFS_SHAPE_TUPLE 2u    /* a tuple's: size then items, in the object */
#define OB_REFS_SHAPE_LIST 3u     /* a list's: size, and items in a side block */
#define OB_REFS_SHAPE_TRAVERSE 4u /* no array: traverse (refs_at 0) */

/* ---- counting ------------------------------------------------------------ */
void ob_incref_slow_(ob_object *o);
void ob_decref_slow_(ob_object *o);
void ob_dealloc_(ob_object *o);
int ob_check_(ob_object *o, const char *what); /* checked builds: 1 ok, 0 refused */

static inline const ob_type *ob_type_of(const ob_object *o);

/* Takes a new reference. NULL, small ints, immortal: no effect.
 * Checked builds catch a dead or foreign object (panic hook). O(1). */
static inline void ob_incref(ob_object *o)
{
    if (o == NULL || ob_is_small(o))
        return;
#if OB_CHECKED
    if (!ob_check_(o, "ob_incref"))
        return; /* refused: reported through the panic hook */
#endif
    if (o->ob_rc & OB_F_SLOW)
        ob_incref_slow_(o);
    else
        o->ob_rc += OB_RC_ONE;
}

/* Gives a reference back; the object is freed (without recursion, through
 * the deferred-free list) when none is left. NULL and immediates: no-op.
 * Checked builds catch count-below-zero, use after free, foreign pointers.
 * O(1) amortised; the freeing of a whole structure is O(its size) with a
 * constant stack. */
static inline void ob_decref(ob_object *o)
{
    if (o == NULL || ob_is_small(o))
        return;
#if OB_CHECKED
    if (!ob_check_(o, "ob_decref"))
        return; /* refused: reported through the panic hook */
#endif
    if (o->ob_rc & OB_F_SLOW) {
        ob_decref_slow_(o);
        return;
    }
    o->ob_rc -= OB_RC_ONE;
    if (o->ob_rc < OB_RC_ONE)
        ob_dealloc_(o);
}

/* The collector's barrier for a reference that changes hands without a
 * count change: every function that hands a container's reference to its
 * caller (a pop, a take) or stores a reference it was given (a steal) calls
 * this on the object moved. One mask test; the slow path only runs for an
 * object an incremental collection is examining (docs/gc.md). */
void ob_gc_touch_(ob_object *o);
static inline void ob_gc_moved_(ob_object *o)
{
    if (o != NULL && !ob_is_small(o) && (o->ob_rc & OB_F_BARRIER))
        ob_gc_touch_(o);
}

/* Returns o after ob_incref(o): `x = ob_newref(y)`. */
static inline ob_object *ob_newref(ob_object *o)
{
    ob_incref(o);
    return o;
}
/* Decrefs *p and sets it to NULL. */
static inline void ob_clear_ref(ob_object **p)
{
    ob_object *o = *p;
    *p = NULL;
    ob_decref(o);
}

/* ---- built-in types ------------------------------------------------------ */
extern const ob_type ob_none_type, ob_bool_type, ob_int_type, ob_float_type,
    ob_str_type, ob_bytes_type, ob_tuple_type, ob_list_type, ob_dict_type,
    ob_set_type, ob_array_type, ob_weakref_type, ob_wvdict_type;

static inline const ob_type *ob_type_of(const ob_object *o)
{
    return ob_is_small(o) ? &ob_int_type : o->ob_type;
}
static inline int ob_is_type(const ob_object *o, const ob_type *t)
{
    return o != NULL && ob_type_of(o) == t;
}

/* ---- introspection ------------------------------------------------------- */
/* sys.getrefcount without the argument's own temporary: the number of owned
 * references. Immortal objects and small ints report OB_REFCNT_IMMORTAL. */
#define OB_REFCNT_IMMORTAL ((size_t)-1)
size_t ob_refcnt(const ob_object *o);
/* id(): a stable identity (the address, or the tagged word of a small int). */
static inline uintptr_t ob_id(const ob_object *o)
{
    return (uintptr_t)o;
}
/* `a is b`. */
static inline int ob_is(const ob_object *a, const ob_object *b)
{
    return a == b;
}
int ob_is_immortal(const ob_object *o);
/* sys.getsizeof: the object's own block (as the pool rounds it, gc word
 * included) plus side blocks it owns alone (list item array, dict table);
 * never its referents. 0 for small ints and immortal constants outside the
 * heap. O(1). */
size_t ob_getsizeof(ob_object *o);
/* Everything reachable from o, each object once (cycles included), summed
 * with ob_getsizeof. No recursion: an explicit work list on the heap.
 * Returns 0 and *out, or OB_E_NOMEM (nothing changed). O(reachable). */
int ob_deepsize(ob_object *o, size_t *out) OB_WUR;

/* The invariants of one object's own structure (not of its referents):
 * counts, capacities, table indices, key order of split dicts... Returns
 * NULL when they hold, else a message naming the first broken one. Reads
 * only; O(size of the object). Tests call it after every operation. */
const char *ob_object_check(ob_object *o);

/* ---- generic protocol ---------------------------------------------------- */
/* hash(o): 0 and *out, or OB_E_UNHASHABLE / OB_E_DEPTH. Numbers hash as in
 * Python: hash(1) == hash(1.0) == hash(True). Tuples hash their items. */
int ob_hash(ob_object *o, ob_hash_t *out) OB_WUR;
/* a == b: 1, 0, or a negative ob_err. Numbers compare across int/bool/float
 * exactly; sequences and dicts compare item by item without recursion
 * (depth limit OB_NEST_MAX). */
int ob_eq(ob_object *a, ob_object *b);
/* Printable form, Python's repr. Containers nested deeper than OB_NEST_MAX
 * print "...", cycles print "[...]" for the repeated container. */
void ob_repr(ob_object *o, ob_sink *s);
/* repr into a buffer: like snprintf (NUL-terminated, returns full length). */
size_t ob_repr_buf(ob_object *o, char *buf, size_t size);
/* Prints repr through the hooks' write. */
void ob_print(ob_object *o);

/* ---- for type implementations --------------------------------------------
 * Allocates an object of type t with `nitems` variable items: the gc word
 * (for OB_TF_GC types) is zeroed, the header set with count 1, the payload
 * zeroed. NULL with OB_E_NOMEM / OB_E_OVERFLOW recorded on failure. */
ob_object *ob_object_alloc(const ob_type *t, size_t nitems) OB_WUR;
/* Raw side blocks owned by objects (item arrays, tables). NULL+error. */
void *ob_mem_alloc(size_t n) OB_WUR;
void *ob_mem_realloc(void *p, size_t n) OB_WUR;
void ob_mem_free(void *p);
size_t ob_mem_size(const void *p);
/* The block start of an object (before its gc word). */
void *ob_object_block(ob_object *o);

/* The collector's word for tracked containers. */
#if !defined(OB_GC_HEAD_SIZE)
#define OB_GC_HEAD_SIZE (sizeof(void *) > 4 ? sizeof(void *) : 4)
#endif
static inline uint32_t *ob_gc_word(ob_object *o)
{
    return (uint32_t *)(void *)((char *)o - OB_GC_HEAD_SIZE);
}

/* Live object count and heap figures for leak checks in tests. */
typedef struct ob_stats {
    size_t objects;    /* objects allocated and not yet freed */
    size_t blocks;     /* heap blocks held (objects and side blocks) */
    size_t bytes;      /* bytes in those blocks (block sizes) */
} ob_stats;
void ob_stats_get(ob_stats *st);

#endif /* OB_OBJECT_H */
