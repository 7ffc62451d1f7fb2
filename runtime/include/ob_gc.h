/* ob_gc.h - the cycle collector: Python's `gc` module, in C.
 *
 * Reference counting frees every object the moment its count reaches zero;
 * this collector frees what counting cannot: groups of containers that
 * reference each other and nothing else (cycles). It uses CPython's idea
 * (DESIGN decision 6): within the set of objects collected, subtract the
 * references that come from inside the set; whatever keeps a count above
 * zero is referenced from outside, so it and all it reaches are alive. No
 * roots are registered and no stack is scanned.
 *
 * Three generations (0 young .. 2 old) with CPython's thresholds 700/10/10
 * and its rule for when the oldest is worth collecting. A collection runs
 * either at once (stop-the-world: ob_gc_collect) or in steps of bounded
 * work with the firmware running between them (incremental: the default
 * for automatic collections; ob_gc_step). docs/gc.md has the algorithm, the
 * per-object word, the barrier and the argument for why no object that is
 * still reachable is ever freed.
 *
 * Tracked objects: containers (types with OB_TF_GC: tuple, list, dict,
 * set, struct and instance types, weakref, weak-value dict) are tracked
 * from their allocation. Leaf objects (numbers, str, bytes, arrays) never
 * are. Immortal objects are never tracked.
 *
 * Contracts: not ISR-safe (one context owns the runtime); no call recurses;
 * the collector allocates nothing while it runs (its tables are made when
 * the runtime starts), except the lists the introspection calls return and
 * the `garbage` list under OB_GC_DEBUG_SAVEALL. Finalizers, weak-reference
 * callbacks and the start/stop callbacks run in the context that called
 * the collector (an allocation, a step, a collect call).
 */
#ifndef OB_GC_H
#define OB_GC_H

#include <stddef.h>
#include <stdint.h>

#include "ob_object.h"

#define OB_GC_GENERATIONS 3

/* ---- gc.collect, enable, thresholds, counts --------------------------------- */

/* gc.collect(generation): collects generations 0..generation at once
 * (stop-the-world; an incremental collection in progress is finished
 * first). Returns the number of unreachable objects found, or OB_E_VALUE
 * for a generation outside 0..2, or 0 when called from inside a collection
 * (a finalizer or callback), as CPython does. */
long ob_gc_collect(int generation);

/* Automatic collection (thresholds, periodic and idle steps). Disabling
 * stops new automatic collections and pauses one in progress; explicit
 * calls and the out-of-memory collection still run. */
void ob_gc_enable(void);
void ob_gc_disable(void);
int ob_gc_isenabled(void);

/* gc.set_threshold / get_threshold. threshold0 0 disables automatic
 * collection (CPython). */
void ob_gc_set_threshold(uint32_t t0, uint32_t t1, uint32_t t2);
void ob_gc_get_threshold(uint32_t out[OB_GC_GENERATIONS]);

/* gc.get_count: [0] tracked allocations minus deallocations since the last
 * collection, [1] generation-0 collections since the last collection of
 * generation 1, [2] generation-1 collections since the last of 2. */
void ob_gc_get_count(uint32_t out[OB_GC_GENERATIONS]);

/* ---- gc.get_stats, plus pause figures ---------------------------------------- */
typedef struct ob_gc_genstats {
    uint32_t collections;   /* collections of this generation (and younger) */
    uint32_t collected;     /* unreachable objects found and freed */
    uint32_t uncollectable; /* unreachable objects kept (in `garbage`) */
} ob_gc_genstats;

typedef struct ob_gc_stats {
    ob_gc_genstats gen[OB_GC_GENERATIONS];
    uint32_t steps;             /* incremental steps taken */
    uint32_t longest_step_work; /* most work units in one step or one stop-the-world run */
    uint32_t longest_step_ticks;/* most timestamp ticks in one (0 without a timestamp hook) */
    uint64_t total_work;        /* all work units */
    uint64_t total_ticks;       /* all collector time, in timestamp ticks */
    uint32_t emergency;         /* collections forced by a failing allocation */
    uint32_t tracked;           /* tracked objects now (all generations, frozen too) */
} ob_gc_stats;
void ob_gc_get_stats(ob_gc_stats *out);

/* ---- gc.get_objects, get_referrers, get_referents ----------------------------- */
/* A new list of the tracked objects of `generation` (0..2), or of all
 * (frozen included) for -1. NULL + OB_E_NOMEM / OB_E_VALUE. O(heap). */
ob_object *ob_gc_get_objects(int generation) OB_WUR;
/* A new list of the tracked objects that directly refer to any of the n
 * objects (each referrer once). NULL + OB_E_NOMEM. O(heap + edges). */
ob_object *ob_gc_get_referrers(ob_object *const *objs, size_t n) OB_WUR;
/* A new list of the objects the n objects directly refer to (their
 * traverse, in order; a referent appears once per reference, as in
 * CPython). Leaves have none. NULL + OB_E_NOMEM. */
ob_object *ob_gc_get_referents(ob_object *const *objs, size_t n) OB_WUR;

/* gc.is_tracked / gc.is_finalized (0 for small ints, immortal, leaves). */
int ob_gc_is_tracked(ob_object *o);
int ob_gc_is_finalized(ob_object *o);

/* Starts / stops tracking one container (PyObject_GC_Track / UnTrack): an
 * untracked container is never collected (the firmware promises it takes
 * no part in a cycle). Tracking an already tracked object, or one of a
 * type without OB_TF_GC, does nothing. O(1). */
void ob_gc_track(ob_object *o);
void ob_gc_untrack(ob_object *o);

/* ---- freeze ----------------------------------------------------------------- */
/* gc.freeze: every tracked object moves to the permanent generation, which
 * no collection looks at. unfreeze moves them back to the oldest
 * generation. O(heap); an incremental collection in progress is finished
 * first. */
void ob_gc_freeze(void);
void ob_gc_unfreeze(void);
size_t ob_gc_get_freeze_count(void);

/* ---- debugging ----------------------------------------------------------------- */
enum {
    OB_GC_DEBUG_STATS = 1,         /* print figures per collection (write hook) */
    OB_GC_DEBUG_COLLECTABLE = 2,   /* print each collectable object found */
    OB_GC_DEBUG_UNCOLLECTABLE = 4, /* print each uncollectable object found */
    OB_GC_DEBUG_SAVEALL = 32,      /* keep garbage in `garbage` instead of freeing it */
    OB_GC_DEBUG_LEAK = OB_GC_DEBUG_COLLECTABLE | OB_GC_DEBUG_UNCOLLECTABLE | OB_GC_DEBUG_SAVEALL
};
void ob_gc_set_debug(unsigned flags);
unsigned ob_gc_get_debug(void);
/* gc.garbage (borrowed): the list SAVEALL fills; created at first use. NULL
 * + OB_E_NOMEM when it cannot be. The firmware may clear it. */
ob_object *ob_gc_garbage(void);

/* gc.callbacks: called with phase 0 ("start") before and 1 ("stop") after
 * each collection. At most OB_GC_CALLBACKS; add returns OB_E_VALUE when
 * full; remove returns OB_E_KEY when absent. */
#define OB_GC_CALLBACKS 4
typedef struct ob_gc_info {
    int generation;
    size_t collected;
    size_t uncollectable;
} ob_gc_info;
typedef void (*ob_gc_callback)(int phase, const ob_gc_info *info, void *ctx);
int ob_gc_callback_add(ob_gc_callback cb, void *ctx);
int ob_gc_callback_remove(ob_gc_callback cb, void *ctx);
size_t ob_gc_callback_count(void);

/* ---- incremental collection ---------------------------------------------------
 * A collection goes through these phases in order. Between two steps the
 * firmware may do anything the object API allows. */
typedef enum ob_gc_phase {
    OB_GC_IDLE = 0,  /* no collection in progress */
    OB_GC_INIT,      /* started: nothing done yet (members join as SUBTRACT meets them) */
    OB_GC_SUBTRACT,  /* taking the set (counts copied, barrier set) and subtracting
                        references from inside it */
    OB_GC_MARK,      /* marking what the outside reaches (a scanned member leaves
                        the set, promoted); ends in the decision */
    OB_GC_WEAKREFS,  /* clearing weak references to garbage, callbacks */
    OB_GC_FINALIZE,  /* running finalizers (PEP 442, once per object) */
    OB_GC_REMARK,    /* re-marking what finalizers resurrected */
    OB_GC_CLEAR,     /* breaking references of the garbage (or SAVEALL); the young
                        table's part of the set taken apart */
    OB_GC_FINISH,    /* tidying the young table; statistics, callbacks */
    OB_GC_PHASES
} ob_gc_phase;

/* Starts an incremental collection of generations 0..generation (does no
 * work yet). OB_E_STATE when one is in progress, OB_E_VALUE for a bad
 * generation. */
int ob_gc_start(int generation);
/* One step of at most about `budget` work units (an object visited or a
 * reference followed; one object's references are always followed
 * together). Returns 1 while the collection is still in progress, 0 when
 * it ended in this step or none was running. */
int ob_gc_step(uint32_t budget);
/* Steps (with the default budget) until the collection stands at the
 * start of `phase` (OB_GC_IDLE: until it ends). Returns 0, or OB_E_STATE
 * when no collection is running or `phase` is behind the current one.
 * Tests use it to park the collector and mutate. */
int ob_gc_run_until(ob_gc_phase phase);
ob_gc_phase ob_gc_phase_now(void);
const char *ob_gc_phase_name(ob_gc_phase p);

/* Work units per automatic step (default OB_GC_STEP_BUDGET). */
void ob_gc_set_budget(uint32_t units);
uint32_t ob_gc_get_budget(void);
/* 1 (default): automatic collections run incrementally; 0: stop-the-world. */
void ob_gc_set_incremental(int on);
int ob_gc_is_incremental(void);

/* For the kernel's hooks: the periodic step (steps while `ticks` of the
 * timestamp hook have not passed; one step without a timestamp hook) and
 * the idle step (one default step when a collection runs or is due). */
void ob_gc_periodic(uint32_t ticks);
void ob_gc_idle(void);

/* ---- for the object layer (runtime/object.c) -------------------------------- */
void ob_gc_init_(void);   /* runtime start: tables */
void ob_gc_fini_(void);
void ob_gc_tracked_new_(ob_object *o); /* a GC object was just allocated */
void ob_gc_forget_(ob_object *o);      /* a GC object is being freed */
void ob_gc_touch_(ob_object *o);       /* barrier: o (under barrier) gained a holder */
void ob_gc_dropped_(ob_object *o);     /* barrier: o (under barrier) lost one, lives */
int ob_gc_is_doomed_(ob_object *o);    /* o is garbage the collector decided on */
int ob_gc_weak_gone_(ob_object *o);    /* a weak reference to o reads as dead */
void ob_gc_weakref_made_(ob_object *o); /* weakref.c: o (under barrier) got one */
/* object.c, weakref.c: o's OB_F_WEAKREFD or OB_F_FINPEND changed; `was` its
 * count word before (the collector counts the containers that have either) */
void ob_gc_special_(ob_object *o, uintptr_t was);
size_t ob_gc_special_live_(void);        /* for tests: containers counted so */
int ob_gc_oom_(size_t request);        /* emergency collection; 1 if anything was freed */
void ob_gc_alloc_hook_(void);          /* a GC object is about to be allocated */
int ob_freeing_(void);                 /* object.c: inside the deferred-free loop */

#endif /* OB_GC_H */
