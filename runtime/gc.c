/* gc.c - the cycle collector: CPython's subtraction algorithm over three
 * generations, run at once or in steps of bounded work (docs/gc.md).
 *
 * Where tracked objects are found. Every container's block is walkable
 * (ob_heap_alloc_walkable): the heap can enumerate all of them, so the
 * collector keeps no list links in the objects. Generation 0 is found
 * faster, through the young table (one pointer per young object, capacity
 * OB_GC_YOUNG_CAP), so a young collection costs what the young generation
 * holds, not the heap.
 *
 * The gc word (4 bytes before the header of every container):
 *
 *    31        20 19         8  7     6     5    4     3      2..1  0
 *   +------------+------------+-----+-----+----+-----+-------+-----+---+
 *   | refs (12)  | young idx  |YOUNG|CNTED|MARK|INSET|TRACKED| gen |TAG|
 *   +------------+------------+-----+-----+----+-----+-------+-----+---+
 *
 *   TAG      always 1 while the object lives (the heap's walk contract)
 *   gen      0, 1, 2, or 3 = permanent (frozen)
 *   TRACKED  the collector looks at it
 *   INSET    member of the collection in progress (the collected set S);
 *            a member whose references the marker has followed leaves S
 *            at once (promoted), so INSET also means "not scanned yet"
 *   MARK     known alive in this collection, references not yet followed
 *            (grey): referenced from outside S, reached from a scanned
 *            member, or touched by the barrier
 *   CNTED    garbage already counted as collected (CLEAR)
 *   YOUNG    it has a slot in the young table (young idx)
 *   refs     during a collection: the references from members S met so
 *            far (0 outside a collection); its count minus refs is what
 *            holds it from outside S. 4095 means "in the big table"
 *            (OB_GC_BIG exact 32-bit figures for heavily referenced
 *            members)
 */
#include <string.h>

#include "ob_fmt.h"
#include "ob_gc.h"
#include "ob_impl.h"

#define GW_TAG 0x1u
#define GW_GEN_SHIFT 1
#define GW_GEN_MASK (3u << GW_GEN_SHIFT)
#define GW_TRACKED (1u << 3)
#define GW_INSET (1u << 4)
#define GW_MARK (1u << 5)
#define GW_COUNTED (1u << 6)
#define GW_YOUNG (1u << 7)
#define GW_IDX_SHIFT 8
#define GW_IDX_MASK (0xFFFu << GW_IDX_SHIFT)
#define GW_REFS_SHIFT 20
#define GW_REFS_MAX 0xFFFu
#define GEN_PERM 3u

/* The collector's hot paths are inlined into their loops; the small-RAM
 * profile (the smallest flash too, and heaps of a few hundred objects)
 * leaves that to the compiler. each_member is always inlined: its entry
 * function is a constant only then. */
#if OB_HEAP_SMALL
#define HOT_INLINE inline
#else
#define HOT_INLINE inline __attribute__((always_inline))
#endif

#define GEN(w) (((w) >> GW_GEN_SHIFT) & 3u)
/* gc.lazy (below): never in the small-RAM profile, whose runs all share
 * the budgeted loop */
#if OB_HEAP_SMALL
#define LAZY 0
#else
#define LAZY gc.lazy
#endif
#define REFS(w) ((w) >> GW_REFS_SHIFT)
#define IDX(w) (((w) & GW_IDX_MASK) >> GW_IDX_SHIFT)

static struct {
    uint8_t up;          /* runtime running */
    uint8_t enabled;     /* automatic collection */
    uint8_t incremental; /* automatic collections step */
    uint8_t busy;        /* inside the collector (steps, callbacks, finalizers) */
    uint8_t rescan;      /* the mark stack overflowed: walk the set again */
    uint8_t part;        /* cursor: 0 young table, 1 heap walk, 2 done */
    /* This collection runs stop-the-world from its start, nothing else
     * running until its decision: members join without the barrier, and
     * only the garbage gets it, at the decision (doom_lazy). */
    uint8_t lazy;
    ob_gc_phase phase;
    int gen;             /* generation being collected (0..2) */
    uint32_t jlim;       /* old objects of generations below this join the set */
    uint32_t next_gen;   /* where survivors go */

    ob_object **young;   /* young table: [0, ysend) the set's young part */
    uint32_t ycap, yn, ysend;

    uint32_t threshold[OB_GC_GENERATIONS];
    uint32_t count[OB_GC_GENERATIONS];
    size_t long_lived_total, long_lived_pending;

    uint32_t ycur;       /* cursor in the young table */
    ob_heap_walk walk;   /* cursor in the heap */
    ob_heap *heap;       /* the runtime's heap */
    const uint32_t *epochp;

    ob_object *stack[OB_GC_MARK_STACK];
    uint32_t sp;
    /* MARK, stop-the-world: blocks above this address are still ahead of
     * the heap walk; a member found there is marked, not pushed (the walk
     * scans it when it gets there). UINTPTR_MAX otherwise: all pushed. */
    uintptr_t front;

    /* Members with more references from S than the 12-bit refs field
     * holds: their exact figure lives here (refs field = GW_REFS_MAX says
     * "look here"). A member that finds the table full is kept alive for
     * this collection. */
    struct {
        ob_object *o;
        uint32_t refs;
    } big[OB_GC_BIG];
    uint32_t nbig;

    /* this collection */
    /* members: joined the set, left it (promoted or freed), and of those
     * that left, the ones that are no survivors (freed, or untracked) */
    uint32_t joined, left, unpromoted;
    size_t found, survivors, collected_now;
    uint32_t special;    /* members with weak references or a finalizer to run */
    /* containers alive with weak references or a finalizer to run (none:
     * a collection run stop-the-world from its start needs no barrier) */
    size_t special_live;

    uint32_t budget, alloc_budget;
    unsigned debug;
    size_t tracked, frozen;
    ob_gc_stats st;
    ob_object *garbage;
    struct {
        ob_gc_callback cb;
        void *ctx;
    } cbs[OB_GC_CALLBACKS];
} gc;

/* ---- small helpers ----------------------------------------------------------- */
static inline uint32_t *gw_of(ob_object *o)
{
    return ob_gc_word(o);
}

/* A tracked-able heap container (has a gc word): not NULL, not small, and
 * OB_F_GCWORD in its count word (set when a GC type's object is allocated
 * on the heap; immortal objects never have it). One load. */
static inline int is_container(ob_object *o)
{
    return o != NULL && !ob_is_small(o) && (o->ob_rc & OB_F_GCWORD);
}

static uint32_t now_ticks(void)
{
    const ob_hooks *h = ob_hooks_get();
    return h->timestamp ? h->timestamp() : 0;
}

static void young_add(ob_object *o, uint32_t *w)
{
    if (gc.young && gc.yn < gc.ycap) {
        gc.young[gc.yn] = o;
        *w = (*w & ~(GW_IDX_MASK | GW_GEN_MASK)) | GW_YOUNG | (gc.yn << GW_IDX_SHIFT);
        gc.yn++;
    } else {
        /* Table full: straight to generation 1 (found by the heap walk). */
        *w = (*w & ~(GW_IDX_MASK | GW_GEN_MASK | GW_YOUNG)) | (1u << GW_GEN_SHIFT);
    }
}

static void young_remove(ob_object *o, uint32_t *w)
{
    uint32_t i = IDX(*w);
    *w &= ~(GW_YOUNG | GW_IDX_MASK);
    if (gc.phase != OB_GC_IDLE && i < gc.ysend) {
        gc.young[i] = NULL; /* in the set's part: leave a hole */
        return;
    }
    ob_object *last = gc.young[--gc.yn];
    if (last != o) {
        gc.young[i] = last;
        uint32_t *lw = gw_of(last);
        *lw = (*lw & ~GW_IDX_MASK) | (i << GW_IDX_SHIFT);
    }
    gc.young[gc.yn] = NULL;
}

static void stack_remove(ob_object *o)
{
    for (uint32_t i = 0; i < gc.sp; i++)
        if (gc.stack[i] == o) {
            gc.stack[i] = gc.stack[--gc.sp];
            return;
        }
}

/* ---- the cursor over the collected set ------------------------------------------
 * The young part [0, ysend) of the table, then (collections of generation 1
 * and up) the heap's walkable blocks that are not young, a run at a time
 * (ob_heap_walk_span: the blocks of one pool) that each phase goes through
 * in a loop of its own (each_member below). Between steps the cursor is a
 * position only (an index; the walk's last block): a step that stops
 * inside a run gives the rest back. */
static void cursor_reset(void)
{
    if (gc.part == 1)
        ob_heap_walk_end(gc.heap, &gc.walk);
    gc.part = 0;
    gc.ycur = 0;
}

/* The walk is over (or, after SUBTRACT, no member is left to find). */
static void cursor_done(uint32_t *work)
{
    if (gc.part == 1)
        ob_heap_walk_end(gc.heap, &gc.walk);
    gc.part = 2;
    (*work)++; /* the end costs a unit: run(1) stops at phase boundaries */
}

static inline ob_object *obj_of(uint32_t *w)
{
    return (ob_object *)(void *)((char *)w + OB_GC_HEAD_SIZE);
}

static void set_phase(ob_gc_phase p)
{
    cursor_reset();
    gc.phase = p;
}

/* ---- visits ------------------------------------------------------------------------
 * A reference r is followed when it is a heap container (is_container) in
 * the collected set. Types whose references are one array (the type's refs
 * slot: tuple, list, struct, instance) are visited inline, in a loop; the
 * others through their traverse and a visit function. */
static uint32_t visit_work;

/* May an object with gc word v (not in the set) join it? The young part
 * of the table [0, ysend) as it was when the collection started, and
 * (collections of generation 1 and up) tracked old objects of the
 * collected generations. Objects made since are young with an index past
 * ysend (never), or, while the table is full, old: those may join like any
 * old object, with their count at that moment (docs/gc.md). */
static inline int joins(uint32_t v)
{
    /* old: TRACKED with gen below jlim, one compare (YOUNG or no TRACKED
     * makes the difference large) */
    uint32_t t = (v & (GW_YOUNG | GW_TRACKED | GW_GEN_MASK)) - GW_TRACKED;
    if (t < (gc.jlim << GW_GEN_SHIFT))
        return 1;
    return (v & GW_YOUNG) && IDX(v) < gc.ysend;
}

/* o joins the set (its snapshot): the barrier on, from here every change
 * of its count or of its holders touches it (in a collection run
 * stop-the-world from its start nothing else runs: the barrier waits for
 * the decision, gc.lazy). Its refs field is 0 (it is outside a collection)
 * and counts the references from members met from now on. rc: o's count
 * word. Returns its new gc word. */
static HOT_INLINE uint32_t join(ob_object *o, uint32_t *w, uint32_t v, uintptr_t rc)
{
    if (!LAZY) {
        if (rc & (OB_F_WEAKREFD | OB_F_FINPEND))
            gc.special++;
        o->ob_rc = rc | OB_F_BARRIER;
    }
    v |= GW_INSET;
    *w = v;
    gc.joined++;
    return v;
}

/* One more reference from S to the member r (gc word v at w), when refs
 * is at 4094 or the big table's. */
static void count_big(ob_object *r, uint32_t *w, uint32_t v)
{
    if (REFS(v) == GW_REFS_MAX) {
        for (uint32_t i = 0; i < gc.nbig; i++)
            if (gc.big[i].o == r) {
                gc.big[i].refs++;
                return;
            }
        return;
    }
    if (gc.nbig < OB_GC_BIG) {
        gc.big[gc.nbig].o = r;
        gc.big[gc.nbig].refs = GW_REFS_MAX;
        gc.nbig++;
        *w = v | (GW_REFS_MAX << GW_REFS_SHIFT);
    } else {
        *w = v | GW_MARK; /* no room to count: alive this time */
    }
}

/* SUBTRACT: one reference from a member to r (which joins first when it
 * may and has not yet): counted in r's refs. */
static HOT_INLINE void subtract_one(ob_object *r)
{
    if (!is_container(r))
        return;
    uintptr_t rc = r->ob_rc; /* the load is_container made */
    uint32_t *w = gw_of(r);
    uint32_t v = *w;
    if (!(v & GW_INSET)) {
        if (!joins(v))
            return;
        v = join(r, w, v, rc);
    }
    if (v < ((GW_REFS_MAX - 1u) << GW_REFS_SHIFT)) /* refs 0 .. 4093 */
        *w = v + (1u << GW_REFS_SHIFT);
    else
        count_big(r, w, v);
}

/* MARK: does a member not marked have holders outside S? Its count now is
 * its count at its snapshot (it is untouched); refs counted those in S. */
static inline int held_from_outside(ob_object *o, uint32_t v)
{
    uint32_t c = (uint32_t)(o->ob_rc >> OB_RC_SHIFT), refs = REFS(v);
    /* a member of the big table was settled when SUBTRACT ended (MARK set
     * or not): its field says nothing */
    return c > refs && refs != GW_REFS_MAX;
}

static void push_grey(ob_object *o)
{
    if (gc.sp < OB_GC_MARK_STACK)
        gc.stack[gc.sp++] = o;
    else
        gc.rescan = 1;
}

/* MARK: r is reachable from a scanned member: grey it (pushed unless the
 * walk is still to come to it). */
static inline void mark_one(ob_object *r)
{
    if (!is_container(r))
        return;
    uint32_t *w = gw_of(r), v = *w;
    if ((v & (GW_INSET | GW_MARK)) == GW_INSET) {
        *w = v | GW_MARK;
        if ((v & GW_YOUNG) || (uintptr_t)w <= gc.front)
            push_grey(r);
    }
}

static int visit_subtract(ob_object *r, void *arg)
{
    (void)arg;
    visit_work++;
    subtract_one(r);
    return 0;
}

static int visit_mark(ob_object *r, void *arg)
{
    (void)arg;
    visit_work++;
    mark_one(r);
    return 0;
}

/* The references o owns as one array (the type's refs_at/refs_n): 1 and
 * the array and its length, or 0 (then traverse). */
static inline int refs_of(ob_object *o, ob_object ***p, uint32_t *n)
{
    const ob_type *t = o->ob_type;
    if (t == &ob_tuple_type) {
        *n = ((ob_tupleobj *)o)->size;
        *p = ((ob_tupleobj *)o)->items;
        return 1;
    }
    uint32_t at = t->refs_at, k = t->refs_n;
    const char *b = (const char *)o;
    if (!at)
        return 0;
    if (!((at | k) & (OB_REFS_INDIRECT | OB_REFS_COUNTED))) {
        /* a fixed array in the object: structs, instances */
        *n = k;
        *p = (ob_object **)(uintptr_t)(b + at);
        return 1;
    }
    if (k & OB_REFS_COUNTED)
        k = *(const uint32_t *)(const void *)(b + (k & ~OB_REFS_COUNTED));
    *n = k;
    if (at & OB_REFS_INDIRECT)
        *p = *(ob_object **const *)(const void *)(b + (at & ~OB_REFS_INDIRECT));
    else
        *p = (ob_object **)(uintptr_t)(b + at);
    return 1;
}

/* Subtracts o's references to members; returns the references looked at. */
static HOT_INLINE uint32_t subtract_refs(ob_object *o)
{
    ob_object **p;
    uint32_t n;
    if (refs_of(o, &p, &n)) {
        for (ob_object **e = p + n; p != e; p++)
            subtract_one(*p);
        return n;
    }
    visit_work = 0;
    if (o->ob_type->traverse)
        o->ob_type->traverse(o, visit_subtract, NULL);
    return visit_work;
}

static void promote_slow(ob_object *o, uint32_t *w, uint32_t v);

/* A survivor leaves the set: barrier lifted, one generation up. It keeps
 * its young-table slot (YOUNG, idx) until CLEAR passes the slot, so that
 * if it dies meanwhile its slot becomes a hole like any other. */
static HOT_INLINE void promote_uncounted(ob_object *o, uint32_t *w)
{
    uint32_t v = *w & ~(GW_INSET | GW_MARK | GW_COUNTED | (GW_REFS_MAX << GW_REFS_SHIFT));
    o->ob_rc &= ~OB_F_BARRIER;
    if (v & GW_TRACKED) {
        if (v & (2u << GW_GEN_SHIFT)) {
            /* generation 2 stays: only a collection of generation 2 has
             * such members (permanent ones never join) */
            *w = v;
            return;
        }
        if (o->ob_type != &ob_tuple_type) {
            *w = (v & ~GW_GEN_MASK) | (gc.next_gen << GW_GEN_SHIFT);
            return;
        }
    }
    promote_slow(o, w, v);
}

/* promote, counted in gc.left (scan's callers count theirs at once) */
static inline void promote(ob_object *o, uint32_t *w)
{
    gc.left++;
    promote_uncounted(o, w);
}

/* Scans o: greys what it references (marked and pushed), and o, alive,
 * leaves the set at once (promoted; the caller adds it to gc.left).
 * Returns the work: the references looked at. */
/* front: members above it are left to the walk (marked, not pushed;
 * stop-the-world runs only, below); UINTPTR_MAX pushes all, and compiles
 * the test away. */
static HOT_INLINE uint32_t scan(ob_object *o, uint32_t *w, uint32_t *spp, uintptr_t front)
{
    ob_object **p;
    uint32_t n;
    if (refs_of(o, &p, &n)) {
        uint32_t sp = *spp;
        for (ob_object **e = p + n; p != e; p++) {
            ob_object *r = *p;
            if (!is_container(r))
                continue;
            uint32_t *rw = gw_of(r), v = *rw;
            if ((v & (GW_INSET | GW_MARK)) != GW_INSET)
                continue;
            *rw = v | GW_MARK;
            if ((uintptr_t)rw > front && !(v & GW_YOUNG))
                continue; /* ahead: the walk scans it */
            if (sp < OB_GC_MARK_STACK)
                gc.stack[sp++] = r;
            else
                gc.rescan = 1;
        }
        *spp = sp;
    } else {
        visit_work = 0;
        gc.sp = *spp;
        if (front != UINTPTR_MAX)
            gc.front = front;
        if (o->ob_type->traverse)
            o->ob_type->traverse(o, visit_mark, NULL);
        if (front != UINTPTR_MAX)
            gc.front = UINTPTR_MAX;
        *spp = gc.sp;
        n = visit_work;
    }
    promote_uncounted(o, w);
    return n;
}

/* ---- the barrier --------------------------------------------------------------------- */
/* weakref.c: a weak reference was made to o, which is under the barrier. */
void ob_gc_weakref_made_(ob_object *o)
{
    if (is_container(o) && (*gw_of(o) & GW_INSET))
        gc.special++;
}

void ob_gc_touch_(ob_object *o)
{
    if (!is_container(o))
        return;
    uint32_t *w = gw_of(o);
    if ((*w & (GW_INSET | GW_MARK)) != GW_INSET)
        return;
    *w |= GW_MARK;
    if (gc.phase >= OB_GC_MARK && gc.phase <= OB_GC_REMARK)
        push_grey(o);
}

/* A holder let go of o (under the barrier, still alive). Until the
 * decision o's count is one side of its sum (count - refs = holders from
 * outside S): a drop is a change of holders like any other, and touches
 * it. After the decision, losing a holder never makes anything reachable
 * (finalizers and CLEAR drop references to garbage all the time). */
void ob_gc_dropped_(ob_object *o)
{
    if (gc.phase == OB_GC_SUBTRACT || gc.phase == OB_GC_MARK)
        ob_gc_touch_(o);
}

static inline int doomed(uint32_t w)
{
    return (w & (GW_INSET | GW_MARK)) == GW_INSET;
}

int ob_gc_is_doomed_(ob_object *o)
{
    if (gc.phase < OB_GC_WEAKREFS || gc.phase > OB_GC_CLEAR || !is_container(o))
        return 0;
    return doomed(*gw_of(o));
}

/* A weak reference to o reads as dead: o is condemned and its weak
 * references are being (WEAKREFS) or have been cleared, or it is being
 * freed (CLEAR). Between the two, a condemned object can only be reached
 * through something a finalizer resurrected, and a weak reference made to
 * it then is new: dereferencing it touches the object, which lives on. */
int ob_gc_weak_gone_(ob_object *o)
{
    if ((gc.phase != OB_GC_WEAKREFS && gc.phase != OB_GC_CLEAR) || !is_container(o))
        return 0;
    return doomed(*gw_of(o));
}

void ob_gc_special_(ob_object *o, uintptr_t was)
{
    const uintptr_t sp = OB_F_WEAKREFD | OB_F_FINPEND;
    if (!is_container(o))
        return;
    if ((o->ob_rc & sp) && !(was & sp))
        gc.special_live++;
    else if (!(o->ob_rc & sp) && (was & sp))
        gc.special_live--;
}

size_t ob_gc_special_live_(void)
{
    return gc.special_live;
}

/* ---- tracking -------------------------------------------------------------------------- */
void ob_gc_tracked_new_(ob_object *o)
{
    uint32_t *w = gw_of(o);
    *w = GW_TAG | GW_TRACKED;
    young_add(o, w);
    gc.tracked++;
}

void ob_gc_forget_(ob_object *o)
{
    uint32_t *w = gw_of(o);
    if (*w & GW_YOUNG)
        young_remove(o, w);
    if ((*w & (GW_INSET | GW_MARK)) == (GW_INSET | GW_MARK) && gc.sp)
        stack_remove(o); /* grey: it may be on the stack */
    for (uint32_t i = 0; i < gc.nbig; i++)
        if (gc.big[i].o == o) {
            gc.big[i] = gc.big[--gc.nbig];
            break;
        }
    if (*w & GW_INSET) {
        gc.left++;
        gc.unpromoted++;
    }
    /* garbage freed by count before the clearing walk reached it (a
     * finalizer or a clear broke its cycle): it counts as collected */
    if ((*w & (GW_INSET | GW_MARK | GW_COUNTED)) == GW_INSET && gc.phase >= OB_GC_WEAKREFS &&
        gc.phase <= OB_GC_CLEAR)
        gc.found++;
    if (*w & GW_TRACKED) {
        gc.tracked--;
        if (GEN(*w) == GEN_PERM)
            gc.frozen--;
        if (gc.count[0] > 0)
            gc.count[0]--;
    }
    *w = GW_TAG; /* still alive to the heap until freed; nothing to the collector */
    o->ob_rc &= ~OB_F_BARRIER;
}

void ob_gc_track(ob_object *o)
{
    if (!is_container(o))
        return;
    uint32_t *w = gw_of(o);
    if (*w & GW_TRACKED)
        return;
    *w = (*w & ~GW_GEN_MASK) | GW_TRACKED;
    young_add(o, w);
    gc.tracked++;
}

void ob_gc_untrack(ob_object *o)
{
    if (!is_container(o))
        return;
    uint32_t *w = gw_of(o);
    if (!(*w & GW_TRACKED))
        return;
    gc.tracked--;
    if (GEN(*w) == GEN_PERM)
        gc.frozen--;
    if (*w & GW_INSET) {
        /* Its references may already be subtracted: it stays in the set,
         * alive, until the collection ends. */
        ob_gc_touch_(o);
        *w &= ~GW_TRACKED;
        return;
    }
    if (*w & GW_YOUNG)
        young_remove(o, w);
    *w &= ~(GW_TRACKED | GW_GEN_MASK);
}

int ob_gc_is_tracked(ob_object *o)
{
    return is_container(o) && (*gw_of(o) & GW_TRACKED) != 0;
}

int ob_gc_is_finalized(ob_object *o)
{
    return o && !ob_is_small(o) && (o->ob_rc & OB_F_FINALIZED) != 0;
}

/* ---- the phases ---------------------------------------------------------------------------- */
static void callbacks_run(int phase, size_t collected, size_t uncollectable)
{
    ob_gc_info info = { gc.gen, collected, uncollectable };
    for (unsigned i = 0; i < OB_GC_CALLBACKS; i++)
        if (gc.cbs[i].cb)
            gc.cbs[i].cb(phase, &info, gc.cbs[i].ctx);
}

static void begin(int generation)
{
    gc.gen = generation;
    gc.jlim = generation > 0 ? (uint32_t)generation + 1u : 0u;
    gc.next_gen = generation + 1 < OB_GC_GENERATIONS ? (uint32_t)generation + 1u
                                                      : (uint32_t)generation;
    gc.ysend = gc.yn;
    gc.found = gc.survivors = gc.collected_now = 0;
    gc.joined = gc.left = gc.unpromoted = 0;
    gc.sp = 0;
    gc.front = UINTPTR_MAX;
    gc.rescan = 0;
    gc.nbig = 0;
    gc.special = 0;
    /* CPython: this collection counts towards the next generation's, and
     * resets the counts of those it collects. */
    if (generation + 1 < OB_GC_GENERATIONS)
        gc.count[generation + 1]++;
    for (int i = 0; i <= generation; i++)
        gc.count[i] = 0;
    set_phase(OB_GC_INIT);
    if (gc.debug & OB_GC_DEBUG_STATS)
        ob_printf("gc: collecting generation %d (%lu tracked, %lu young)\n", generation,
                  (unsigned long)gc.tracked, (unsigned long)gc.ysend);
    callbacks_run(0, 0, 0);
}

/* What a phase does to one entry: a young slot's object, or a heap block
 * whose gc word passed the phase's filter. It looks at the word itself
 * (young entries are not filtered) and returns the work it did beyond the
 * entry's own unit; left: the units left in the step before the entry. */
typedef uint32_t (*member_fn)(uint32_t *w, int32_t left);

/* A stop-the-world run of the heap walk done in one go: the blocks at
 * [b, end), step bytes apart (the phase's filter and figures are in its
 * context, below); ordered: the run is small blocks (the walk goes in
 * address order). Returns the units (entries and references looked at). */
typedef uint32_t (*span_fn)(uintptr_t b, uintptr_t end, uint32_t step, int ordered);

/* Units for blocks the walk passes over without a look: one per 2^7 bytes
 * (a few blocks; a look is a load and a test). */
#define PASS_SHIFT 7u
/* A stop-the-world run (budget UINT32_MAX) walks SUBTRACT and MARK with
 * loops of their own that only count units; the small profile keeps one
 * loop (flash). */
#if OB_HEAP_SMALL
#define UNBOUNDED(budget) 0
#else
#define UNBOUNDED(budget) ((budget) == UINT32_MAX)
#endif
/* The units a step has left, as a member function takes them. */
static inline int32_t units_left(uint32_t budget, uint32_t wk)
{
    uint32_t d = budget - wk;
    return d > (uint32_t)INT32_MAX ? INT32_MAX : (int32_t)d;
}

/* Goes on through the set from the cursor, calling fn on each entry, until
 * the budget is spent (after one entry at least) or the cursor is at its
 * end (part 2). From the heap, only blocks whose gc word w has
 * (w & mask) == want (in use, not young: the young part came first).
 *
 * Phases that may free memory while they go (frees: they run finalizers,
 * callbacks, clears) read each young slot as they come to it (a freed
 * object's slot is a hole by then), and after each heap entry check the
 * walk epoch: once a pool has emptied, the rest of the run may be anything,
 * so the walk goes on from the entry just dealt with. A block freed
 * meanwhile reads as free (TAG 0); one made again is a new object, not in
 * the set, and fails the filter. young_out: the young slots are taken
 * apart as they are passed (CLEAR). sfn: a collection run stop-the-world
 * from its start (gc.lazy) hands each heap run to it whole, the budget
 * unbounded; otherwise (NULL) each entry goes to fn, within the budget. */
static inline __attribute__((always_inline)) void
each_member(uint32_t *work, uint32_t budget, uint32_t mask, uint32_t want, int frees,
            int young_out, member_fn fn, span_fn sfn)
{
    uint32_t wk = *work;
    mask |= GW_TAG | GW_YOUNG;
    want = (want | GW_TAG) & ~GW_YOUNG;
    while (wk < budget && gc.part != 2) {
        /* After SUBTRACT the phases look for members only: when none is
         * left (all promoted or freed), the walk ends here. CLEAR still
         * takes the young part of the table apart. */
        if (gc.joined == gc.left && gc.phase > OB_GC_SUBTRACT &&
            (!young_out || gc.part == 1 || gc.ycur >= gc.ysend)) {
            cursor_done(&wk);
            break;
        }
        if (gc.part == 0) {
            if (gc.ycur < gc.ysend) {
                uint32_t i = gc.ycur++;
                ob_object *o = gc.young[i];
                wk++;
                if (o) {
                    uint32_t *w = gw_of(o);
                    if (young_out) {
                        gc.young[i] = NULL;
                        *w &= ~(GW_YOUNG | GW_IDX_MASK);
                    }
                    wk += fn(w, units_left(budget, wk));
                }
                continue;
            }
            if (gc.gen < 1 || ob_heap_walk_begin(gc.heap, &gc.walk) != 0) {
                cursor_done(&wk);
                break;
            }
            gc.part = 1;
        }
        uintptr_t sb, send;
        uint32_t sstep;
        if (!ob_heap_walk_span(gc.heap, &gc.walk, &sb, &send, &sstep, &wk, budget)) {
            cursor_done(&wk);
            break;
        }
        /* copies: the loops keep them in registers */
        uintptr_t b = sb;
        const uintptr_t end = send;
        const uint32_t step = sstep;
        /* The run's budget: `room` units for the entries' work and the
         * blocks passed over, charged by the bytes they span, a unit per
         * 2^PASS_SHIFT. A stretch of passed blocks is never longer than the
         * room; each entry takes its work off `left`, and the run ends when
         * what is left no longer covers the bytes passed. */
        const uint32_t epoch = *gc.epochp;
        const uintptr_t start = b;
        if (sfn) {
            /* no room to share out: the units only counted (statistics) */
            wk += sfn(b, end, step, gc.walk.phase == 0) +
                  (uint32_t)((end - b) >> PASS_SHIFT);
            continue;
        }
        /* finding the run may have spent the budget: then one unit */
        const int32_t room = wk < budget ? units_left(budget, wk) : 1;
        uintptr_t lim = end;
        if ((uint32_t)room < (end - b) >> PASS_SHIFT) {
            uintptr_t bytes = (uintptr_t)room << PASS_SHIFT;
            lim = b + (bytes > step ? bytes : step);
        }
        int32_t left = room;
        for (;;) {
            while (b < lim && (*(const uint32_t *)b & mask) != want)
                b += step;
            if (b >= lim)
                break;
            left -= 1 + (int32_t)fn((uint32_t *)b, left);
            b += step;
            if (left <= (int32_t)((b - start) >> PASS_SHIFT) || (frees && *gc.epochp != epoch))
                break;
        }
        wk += (uint32_t)(room - left) + (uint32_t)((b - start) >> PASS_SHIFT);
        if (b < end) /* left inside the run: go on from b next time */
            ob_heap_walk_rewind(&gc.walk, (void *)(b - step));
    }
    *work = wk;
}

/* The phases that free (weakrefs, finalize, clear) are not where the time
 * goes: they share one copy of the loop, calling fn through a pointer,
 * which keeps flash down (subtract and mark get their own, inlined). */
static __attribute__((noinline)) void each_member_freeing(uint32_t *work, uint32_t budget,
                                                           uint32_t mask, uint32_t want,
                                                           int young_out, member_fn fn)
{
    each_member(work, budget, mask, want, 1, young_out, fn, NULL);
}

/* INIT: the instant the collection starts. The set is open: members join
 * (their count copied, the barrier set) when SUBTRACT first meets them,
 * walked or referenced, so the set is taken by the same walk that
 * subtracts (docs/gc.md). */
static void ph_init(uint32_t *work, uint32_t budget)
{
    (*work)++;
#if OB_HEAP_SMALL
    (void)budget; /* every run is a budgeted one */
#else
    gc.lazy = UNBOUNDED(budget) ? 1u : 0u;
#endif
    set_phase(OB_GC_SUBTRACT);
}

/* SUBTRACT on one entry: it joins if it may and has not, and its
 * references are subtracted. Returns the references looked at (the units
 * of a stop-the-world run, where they are only counted). */
static HOT_INLINE uint32_t subtract_member_stw(uint32_t *w, int32_t left)
{
    (void)left;
    uint32_t v = *w;
    if (!(v & GW_INSET)) {
        if (!joins(v))
            return 0;
        join(obj_of(w), w, v, obj_of(w)->ob_rc);
    }
    return subtract_refs(obj_of(w));
}

/* The same in a step: a unit more for each object that joined. */
static HOT_INLINE uint32_t subtract_member(uint32_t *w, int32_t left)
{
    uint32_t j0 = gc.joined;
    uint32_t n = subtract_member_stw(w, left);
    return n + (gc.joined - j0);
}

#if !OB_HEAP_SMALL
/* ---- the stop-the-world loops -----------------------------------------------
 * A run of SUBTRACT or MARK with no budget, one pool's blocks at a time:
 * nothing else runs meanwhile, so the loops keep everything in registers
 * and MARK leaves members ahead of the walk to the walk (docs/gc.md,
 * "Stop-the-world runs"). On ARMv7-M they are Thumb-2
 * (runtime/arch/gc_v7m.S: GCC spills too much of them); the C below is the
 * same loops for every other target and for OB_GC_ASM=0. What a phase's
 * runs share is set when it starts a walk, in a context the assembly reads
 * at fixed offsets (checked here). */
typedef struct ob_gc_sub_ctx {
    uint32_t mask, want;  /* the walk's filter (TAG and YOUNG included) */
    uint32_t lim;         /* gc.jlim << GW_GEN_SHIFT */
    uint32_t *joined;     /* &gc.joined: members that joined, added to */
} ob_gc_sub_ctx;
typedef struct ob_gc_mark_ctx {
    uint32_t *sp;          /* &gc.sp: the grey stack's entries */
    ob_object **base;      /* gc.stack */
    ob_object **lim;       /* gc.stack + OB_GC_MARK_STACK */
    const ob_type *tuple;  /* &ob_tuple_type */
    uint32_t gen;          /* gc.next_gen << GW_GEN_SHIFT */
    uintptr_t unordered;   /* the run in hand: 0 in address order, else UINTPTR_MAX */
    uint32_t *left;        /* &gc.left: objects scanned are added */
    uint8_t *rescan;       /* &gc.rescan */
} ob_gc_mark_ctx;
extern ob_gc_sub_ctx ob_gc_stw_sub_;
extern ob_gc_mark_ctx ob_gc_stw_mark_;
ob_gc_sub_ctx ob_gc_stw_sub_;
ob_gc_mark_ctx ob_gc_stw_mark_;

#if OB_GC_ASM
uint32_t ob_gc_subtract_span_v7m(uintptr_t b, uintptr_t end, uint32_t step, int ordered);
uint32_t ob_gc_mark_span_v7m(uintptr_t b, uintptr_t end, uint32_t step, int ordered);
uint32_t ob_gc_stw_subtract_traverse_(ob_object *o);
void ob_gc_stw_count_big_(ob_object *r, uint32_t *w, uint32_t v);
uint32_t ob_gc_stw_traverse_(ob_object *o, uintptr_t front);
void ob_gc_stw_promote_slow_(ob_object *o, uint32_t *w, uint32_t v);
#define subtract_span_stw ob_gc_subtract_span_v7m
#define mark_span_stw ob_gc_mark_span_v7m
_Static_assert(sizeof(void *) == 4 && OB_GC_HEAD_SIZE == 4, "gc_v7m.S: 32-bit layout");
_Static_assert(offsetof(ob_gc_sub_ctx, mask) == 0 && offsetof(ob_gc_sub_ctx, want) == 4 &&
                   GW_TAG + GW_TRACKED == 0x09 /* SUB_WANT: the want ph_subtract sets */ &&
                   offsetof(ob_gc_sub_ctx, lim) == 8 && offsetof(ob_gc_sub_ctx, joined) == 12,
               "gc_v7m.S: S_* offsets");
_Static_assert(offsetof(ob_gc_mark_ctx, sp) == 0 && offsetof(ob_gc_mark_ctx, base) == 4 &&
                   offsetof(ob_gc_mark_ctx, lim) == 8 && offsetof(ob_gc_mark_ctx, tuple) == 12 &&
                   offsetof(ob_gc_mark_ctx, gen) == 16 && offsetof(ob_gc_mark_ctx, unordered) == 20 &&
                   offsetof(ob_gc_mark_ctx, left) == 24 && offsetof(ob_gc_mark_ctx, rescan) == 28,
               "gc_v7m.S: C_* offsets");
_Static_assert(offsetof(ob_object, ob_rc) == 0 && offsetof(ob_object, ob_type) == 4 &&
                   offsetof(ob_tupleobj, size) == 8 && offsetof(ob_tupleobj, items) == 12 &&
                   offsetof(ob_type, refs_at) == 64 && offsetof(ob_type, refs_n) == 66 &&
                   offsetof(ob_type, refs_shape) == 68 && offsetof(ob_listobj, size) == 8 &&
                   offsetof(ob_listobj, items) == 16,
               "gc_v7m.S: W_* and T_* offsets");
_Static_assert(OB_REFS_SHAPE_ANY == 0 && OB_REFS_SHAPE_FIXED == 1 && OB_REFS_SHAPE_TUPLE == 2 &&
                   OB_REFS_SHAPE_LIST == 3 && OB_REFS_SHAPE_TRAVERSE == 4,
               "gc_v7m.S: REFS_OF's table");
_Static_assert(GW_TAG == 0x01 && GW_GEN_MASK == 0x06 && GW_TRACKED == 0x08 && GW_INSET == 0x10 &&
                   GW_MARK == 0x20 && GW_COUNTED == 0x40 && GW_YOUNG == 0x80 &&
                   GW_IDX_SHIFT == 8 && GW_IDX_MASK == (0xFFFu << 8) && GW_REFS_SHIFT == 20 &&
                   GW_REFS_MAX == 4095 && GW_GEN_SHIFT == 1,
               "gc_v7m.S: gc word bits");
_Static_assert(OB_F_BARRIER == 0x02 && OB_F_WEAKREFD == 0x08 && OB_F_GCWORD == 0x40 &&
                   OB_F_FINPEND == 0x80 && OB_RC_SHIFT == 8 && OB_REFS_INDIRECT == 0x8000 &&
                   OB_REFS_COUNTED == 0x8000,
               "gc_v7m.S: count word bits and layout flags");

/* What the assembly leaves to C: a SUBTRACT entry whose references only
 * its traverse knows (it has joined); returns the references looked at. */
uint32_t ob_gc_stw_subtract_traverse_(ob_object *o)
{
    visit_work = 0;
    if (o->ob_type->traverse)
        o->ob_type->traverse(o, visit_subtract, NULL);
    return visit_work;
}

/* ... a member referenced 4094 times and more */
void ob_gc_stw_count_big_(ob_object *r, uint32_t *w, uint32_t v)
{
    count_big(r, w, v);
}
#else
/* SUBTRACT over a run: subtract_member_stw on each entry, with the
 * counters and the join limit in locals. The heap's runs come after the
 * young table's part: a young object that may join has joined, so
 * joins() is one compare. */
static __attribute__((noinline)) uint32_t subtract_span_stw(uintptr_t b, uintptr_t end,
                                                             uint32_t step, int ordered)
{
    (void)ordered;
    const ob_gc_sub_ctx *c = &ob_gc_stw_sub_;
    const uint32_t mask = c->mask, want = c->want, lim = c->lim;
    const uint32_t jmask = GW_YOUNG | GW_TRACKED | GW_GEN_MASK;
    uint32_t u = 0, joined = 0;
    for (; b < end; b += step) {
        uint32_t *w = (uint32_t *)b, v = *w;
        if ((v & mask) != want)
            continue;
        ob_object *o = obj_of(w);
        if (!(v & GW_INSET)) {
            /* the walk's entries are not young: joins() is one compare;
             * no barrier (gc.lazy) */
            if ((v & jmask) - GW_TRACKED >= lim)
                continue;
            *w = v | GW_INSET;
            joined++;
        }
        ob_object **p;
        uint32_t n;
        if (!refs_of(o, &p, &n)) {
            u += 1 + subtract_refs(o);
            continue;
        }
        u += 1 + n;
        for (ob_object **e = p + n; p != e; p++) {
            ob_object *r = *p;
            if (!is_container(r))
                continue;
            uint32_t *rw = gw_of(r), rv = *rw;
            if (!(rv & GW_INSET)) {
                /* joins(), where the young part has been through: a young
                 * object that may join has joined */
                if ((rv & jmask) - GW_TRACKED >= lim)
                    continue;
                rv |= GW_INSET;
                joined++;
            }
            if (rv < ((GW_REFS_MAX - 1u) << GW_REFS_SHIFT))
                *rw = rv + (1u << GW_REFS_SHIFT);
            else
                count_big(r, rw, rv);
        }
    }
    *c->joined += joined;
    return u;
}
#endif
#else
#define subtract_span_stw NULL
#endif

static void ph_subtract(uint32_t *work, uint32_t budget)
{
    /* from the heap: tracked, and for generation 1, not in generation 2 or
     * permanent (gen's high bit); the rest is sorted out by joins() */
    const uint32_t mask = GW_TRACKED | (gc.jlim == 2u ? (2u << GW_GEN_SHIFT) : 0u);
    /* the loops per run join without the barrier: only in a collection
     * run stop-the-world from its start (one finished so after steps goes
     * through the budgeted loop, the budget unbounded) */
    if (UNBOUNDED(budget) && LAZY) {
#if !OB_HEAP_SMALL
        ob_gc_stw_sub_ = (ob_gc_sub_ctx){mask | GW_TAG | GW_YOUNG, GW_TRACKED | GW_TAG,
                                         gc.jlim << GW_GEN_SHIFT, &gc.joined};
#endif
        each_member(work, budget, mask, GW_TRACKED, 0, 0, subtract_member_stw,
                    subtract_span_stw);
    }
    else
        each_member(work, budget, mask, GW_TRACKED, 0, 0, subtract_member, NULL);
    if (gc.part == 2) {
        /* the heavily referenced members: held from outside or not */
        for (uint32_t i = 0; i < gc.nbig; i++) {
            ob_object *o = gc.big[i].o;
            if ((o->ob_rc >> OB_RC_SHIFT) > gc.big[i].refs)
                *gw_of(o) |= GW_MARK;
        }
        gc.nbig = 0;
        set_phase(OB_GC_MARK);
        gc.rescan = 0;
    }
}

/* Scans what the grey stack holds until `left` units are spent; returns
 * the units spent. */
static uint32_t drain(int32_t left)
{
    uint32_t wk = 0, sp = gc.sp, scanned = 0;
    while (sp > 0 && (int32_t)wk < left) {
        ob_object *o = gc.stack[--sp];
        uint32_t *w = gw_of(o);
        if (*w & GW_INSET) {
            wk += 1 + scan(o, w, &sp, UINTPTR_MAX);
            scanned++;
        }
    }
    gc.sp = sp;
    gc.left += scanned;
    return wk;
}

/* MARK and REMARK: drain the grey stack, walk the set for roots (objects
 * with references from outside, or touched; a scanned object has left the
 * set), walk again while the stack overflowed. MARK ends in the decision: whatever is in the
 * set and not marked is garbage from this instant (an O(1) phase change). */
/* A root (referenced from outside) or touched member: scanned, and what
 * it greyed first (the stack stays small). */
static HOT_INLINE uint32_t mark_member(uint32_t *w, int32_t left)
{
    uint32_t v = *w;
    if (!(v & GW_INSET) || (!(v & GW_MARK) && !held_from_outside(obj_of(w), v)))
        return 0;
    uint32_t sp = gc.sp;
    uint32_t n = scan(obj_of(w), w, &sp, UINTPTR_MAX);
    gc.sp = sp;
    gc.left++;
    if (sp > 0)
        n += drain(left - 1 - (int32_t)n);
    return n;
}

#if !OB_HEAP_SMALL
#if OB_GC_ASM
/* What the assembly's MARK leaves to C: an object whose references only
 * its traverse knows, scanned (the assembly promotes it after); returns
 * the references looked at. */
uint32_t ob_gc_stw_traverse_(ob_object *o, uintptr_t front)
{
    visit_work = 0;
    gc.front = front;
    if (o->ob_type->traverse)
        o->ob_type->traverse(o, visit_mark, NULL);
    gc.front = UINTPTR_MAX;
    return visit_work;
}

/* ... and promote's rare cases */
void ob_gc_stw_promote_slow_(ob_object *o, uint32_t *w, uint32_t v)
{
    promote_slow(o, w, v);
}
#else
/* MARK over a run: each root (or member marked) scanned, then what it
 * pushed. Members the scans find further on in the run (or in runs to
 * come) are only marked: the walk scans them when it gets there, which
 * spares most pushes and pops when objects are made before what they hold
 * (docs/gc.md, "Stop-the-world runs"). Young members are not walked (the
 * table's part came first) and a large run has no order: those are
 * pushed. */
static __attribute__((noinline)) uint32_t mark_span_stw(uintptr_t b, uintptr_t end, uint32_t step,
                                                         int ordered)
{
    const uint32_t mask = GW_TAG | GW_YOUNG | GW_INSET, want = GW_TAG | GW_INSET;
    const uintptr_t unordered = ordered ? 0 : UINTPTR_MAX;
    uint32_t u = 0, scanned = 0, sp = gc.sp;
    for (; b < end; b += step) {
        uint32_t *w = (uint32_t *)b, v = *w;
        if ((v & mask) != want)
            continue;
        ob_object *o = obj_of(w);
        if (!(v & GW_MARK) && !held_from_outside(o, v))
            continue;
        const uintptr_t front = b | unordered;
        for (;;) {
            u += 1 + scan(o, w, &sp, front);
            scanned++;
            do {
                if (sp == 0)
                    goto next;
                o = gc.stack[--sp];
                w = gw_of(o);
            } while (!(*w & GW_INSET));
        }
    next:;
    }
    gc.sp = sp;
    gc.left += scanned;
    return u;
}
#endif
#else
#define mark_span_stw NULL
#endif

/* The decision of a collection run stop-the-world from its start
 * (gc.lazy): its members joined without the barrier, which nothing needed
 * while nothing else ran. What is still in the set is garbage from here
 * on. Firmware code runs on garbage only through weak reference callbacks
 * and finalizers: when no container alive has either, none will, and
 * CLEAR only drops references, so the garbage needs no barrier. Else each
 * garbage member gets its barrier now, and those with weak references or
 * a finalizer to run are counted, in a walk that ends with the last
 * garbage member found. Returns the work (young slots and blocks looked
 * at). Checked builds walk in both cases, and report a special garbage
 * member found while none was counted. */
static uint32_t doom_lazy(void)
{
    uint32_t doomed_left = gc.joined - gc.left, special = 0, wk = 0;
    const uintptr_t barrier = gc.special_live ? OB_F_BARRIER : 0u;
    gc.lazy = 0;
    gc.special = 0;
#if !OB_CHECKED
    if (!barrier)
        return 0;
#endif
    for (uint32_t i = 0; i < gc.ysend && doomed_left; i++, wk++) {
        ob_object *o = gc.young[i];
        if (o && doomed(*gw_of(o))) {
            special += (o->ob_rc & (OB_F_WEAKREFD | OB_F_FINPEND)) != 0;
            o->ob_rc |= barrier;
            doomed_left--;
        }
    }
    if (doomed_left && ob_heap_walk_begin(gc.heap, &gc.walk) == 0) {
        const uint32_t mask = GW_TAG | GW_YOUNG | GW_INSET | GW_MARK, want = GW_TAG | GW_INSET;
        uintptr_t b, end;
        uint32_t step;
        while (doomed_left && ob_heap_walk_span(gc.heap, &gc.walk, &b, &end, &step, &wk,
                                                UINT32_MAX)) {
            for (; b < end; b += step, wk++) {
                uint32_t *w = (uint32_t *)b;
                if ((*w & mask) != want)
                    continue;
                ob_object *o = obj_of(w);
                special += (o->ob_rc & (OB_F_WEAKREFD | OB_F_FINPEND)) != 0;
                o->ob_rc |= barrier;
                if (--doomed_left == 0)
                    break;
            }
        }
        ob_heap_walk_end(gc.heap, &gc.walk);
    }
#if OB_CHECKED
    if (!barrier && special)
        OB_PANIC("gc: garbage with weak references or a finalizer, none counted alive");
    if (doomed_left)
        OB_PANIC("gc: garbage members missing at the decision");
#endif
    gc.special = special;
    return wk;
}

static void ph_mark(uint32_t *work, uint32_t budget, int remark)
{
    uint32_t wk = *work;
    while (wk < budget) {
        if (gc.sp > 0) {
            wk += drain(units_left(budget, wk));
            continue;
        }
        if (gc.part == 2) {
            if (gc.rescan) {
                gc.rescan = 0;
                cursor_reset();
                continue;
            }
            if (LAZY)
                wk += doom_lazy();
            set_phase(remark ? OB_GC_CLEAR : OB_GC_WEAKREFS);
            if (!remark && !gc.special) {
                /* no member has weak references or a finalizer: nothing to
                 * clear or run, and nothing can be resurrected */
                set_phase(OB_GC_CLEAR);
            }
            break;
        }
        if (UNBOUNDED(budget) && LAZY) {
#if !OB_HEAP_SMALL
            ob_gc_stw_mark_ = (ob_gc_mark_ctx){&gc.sp, gc.stack, gc.stack + OB_GC_MARK_STACK,
                                               &ob_tuple_type, gc.next_gen << GW_GEN_SHIFT, 0,
                                               &gc.left, &gc.rescan};
#endif
            each_member(&wk, budget, GW_INSET, GW_INSET, 0, 0, mark_member, mark_span_stw);
        }
        else
            each_member(&wk, budget, GW_INSET, GW_INSET, 0, 0, mark_member, NULL);
    }
    *work = wk;
}

/* A garbage entry (in use: its tag is on). */
static inline int doomed_entry(const uint32_t *w)
{
    return (*w & (GW_TAG | GW_INSET | GW_MARK)) == (GW_TAG | GW_INSET);
}

/* What WEAKREFS and FINALIZE do to one garbage object; the work it cost. */
static uint32_t clear_weakrefs(ob_object *o)
{
    if (!(o->ob_rc & OB_F_WEAKREFD))
        return 0;
    ob_weakref_clear_(o); /* callbacks only for weak references that live */
    return 8;
}

static uint32_t run_finalizer(ob_object *o)
{
    if (!o->ob_type->finalize || (o->ob_rc & OB_F_FINALIZED))
        return 0;
    /* PEP 442: once per object, kept alive while it runs. The collector's
     * own reference is not a touch. */
    uintptr_t was = o->ob_rc;
    o->ob_rc = ((o->ob_rc | OB_F_FINALIZED) & ~OB_F_FINPEND) + OB_RC_ONE;
    ob_gc_special_(o, was);
    o->ob_type->finalize(o);
    ob_decref(o);
    return 16;
}

/* WEAKREFS and FINALIZE, on each garbage member. They run firmware code
 * (callbacks, finalizers), which may free: each_member checks. */
static uint32_t weakrefs_member(uint32_t *w, int32_t left)
{
    (void)left;
    return doomed_entry(w) ? clear_weakrefs(obj_of(w)) : 0;
}

static uint32_t finalize_member(uint32_t *w, int32_t left)
{
    (void)left;
    return doomed_entry(w) ? run_finalizer(obj_of(w)) : 0;
}

static void ph_weakrefs(uint32_t *work, uint32_t budget)
{
    each_member_freeing(work, budget, GW_INSET | GW_MARK, GW_INSET, 0, weakrefs_member);
    if (gc.part == 2)
        set_phase(OB_GC_FINALIZE);
}

static void ph_finalize(uint32_t *work, uint32_t budget)
{
    each_member_freeing(work, budget, GW_INSET | GW_MARK, GW_INSET, 0, finalize_member);
    if (gc.part == 2) {
        set_phase(OB_GC_REMARK);
        /* only a walk when the stack overflowed: resurrected objects were
         * pushed as they were touched */
        gc.part = gc.rescan ? 0 : 2;
        if (gc.part == 0)
            gc.rescan = 0;
    }
}

static void print_obj(const char *what, ob_object *o)
{
    char buf[64];
    ob_repr_buf(o, buf, sizeof buf);
    ob_printf("gc: %s <%s %p> %s\n", what, o->ob_type->name, (void *)o, buf);
}

/* CPython untracks tuples that hold no container: they can never be part
 * of a cycle. */
static int tuple_of_leaves(ob_object *o)
{
    if (o->ob_type != &ob_tuple_type)
        return 0;
    size_t n;
    ob_object **it = ob_seq_items_(o, &n);
    for (size_t i = 0; i < n; i++) {
        ob_object *x = it[i];
        if (!x)
            return 0; /* being filled */
        if (is_container(x) && (x->ob_type != &ob_tuple_type || (*gw_of(x) & GW_TRACKED)))
            return 0;
    }
    return 1;
}

/* promote's rare cases: untracked during the collection, and tuples in
 * generations 0 and 1. A tuple's items never change once it is filled, so
 * whether it holds only leaves is asked while it is young, not at every
 * full collection. */
static void promote_slow(ob_object *o, uint32_t *w, uint32_t v)
{
    if (!(v & GW_TRACKED)) {
        *w = v;
        gc.unpromoted++;
        return;
    }
    if (tuple_of_leaves(o)) {
        *w = v;
        if (v & GW_YOUNG)
            young_remove(o, w);
        *w &= ~(GW_TRACKED | GW_GEN_MASK);
        gc.tracked--;
        gc.unpromoted++;
        return;
    }
    *w = (v & ~GW_GEN_MASK) | (gc.next_gen << GW_GEN_SHIFT);
}

static void end_collection(void);

/* CLEAR: one walk that breaks the references of the garbage (or keeps it,
 * SAVEALL): the survivors left the set as they were scanned, so what is
 * still in it is garbage (an object marked and not scanned, which cannot
 * happen, would be promoted). Survivors' barriers are lifted while garbage
 * is not yet cleared: safe, nothing can reach garbage any more (REMARK has
 * run), and clearing only drops references. The walk also takes the young
 * part of the table apart, slot by slot. */
static void clear_one(ob_object *o, uint32_t *w, uint32_t *work)
{
    if (!doomed(*w)) {
        promote(o, w);
        return;
    }
    *w |= GW_COUNTED; /* counted here, not again when it is freed */
    gc.found++;
    if (gc.debug & OB_GC_DEBUG_COLLECTABLE)
        print_obj("collectable", o);
    if (gc.debug & OB_GC_DEBUG_SAVEALL) {
        ob_object *g = ob_gc_garbage();
        if (g && ob_list_append(g, o) == 0) {
            promote(o, w); /* kept: it is no garbage any more */
            return;
        }
        ob_err_clear(); /* no room to keep it: free it after all */
    }
    if (o->ob_type->clear) {
        ob_stats before, after;
        ob_stats_get(&before);
        o->ob_rc += OB_RC_ONE;
        o->ob_type->clear(o);
        if ((o->ob_rc >> OB_RC_SHIFT) > 1)
            promote(o, w); /* still held (by garbage not yet cleared) */
        ob_decref(o);
        ob_stats_get(&after);
        /* charged by what the clearing freed, which can be much */
        *work += 4 + 8 * (uint32_t)(before.objects - after.objects);
    } else {
        promote(o, w);
    }
}

static uint32_t clear_member(uint32_t *w, int32_t left)
{
    (void)left;
    uint32_t wk = 0;
    if ((*w & (GW_TAG | GW_INSET)) == (GW_TAG | GW_INSET)) {
        clear_one(obj_of(w), w, &wk);
        wk += 2;
    }
    return wk;
}

static void ph_clear(uint32_t *work, uint32_t budget)
{
    each_member_freeing(work, budget, GW_INSET, GW_INSET, 1, clear_member);
    if (gc.part == 2)
        set_phase(OB_GC_FINISH);
}

/* FINISH: nothing left to walk; the young table is tidied at once. */
static void ph_finish(uint32_t *work, uint32_t budget)
{
    (void)budget;
    *work += 1 + (gc.yn - gc.ysend) / 4u;
    end_collection();
}

static void end_collection(void)
{
#if OB_CHECKED
    if (gc.joined != gc.left)
        OB_PANIC("gc: members left in the set at the end of a collection");
#endif
    gc.survivors = gc.left - gc.unpromoted;
    /* The young part of the table is all holes now (CLEAR took it apart): move the
     * objects made during the collection down into it. */
    uint32_t nnew = gc.yn - gc.ysend;
    uint32_t moves = nnew < gc.ysend ? nnew : gc.ysend;
    for (uint32_t k = 0; k < moves; k++) {
        uint32_t from = gc.yn - 1u - k;
        ob_object *o = gc.young[from];
        uint32_t *w = gw_of(o);
        *w = (*w & ~GW_IDX_MASK) | (k << GW_IDX_SHIFT);
        gc.young[k] = o;
        gc.young[from] = NULL;
    }
    gc.yn = nnew;
    gc.ysend = 0;
    cursor_reset();
    gc.phase = OB_GC_IDLE;
    gc.sp = 0;

    /* CPython's long-lived accounting for the oldest generation's rule. */
    if (gc.gen == OB_GC_GENERATIONS - 2)
        gc.long_lived_pending += gc.survivors;
    else if (gc.gen == OB_GC_GENERATIONS - 1) {
        gc.long_lived_pending = 0;
        gc.long_lived_total = gc.survivors;
    }
    size_t found = gc.found;
    gc.collected_now = found;
    gc.st.gen[gc.gen].collections++;
    gc.st.gen[gc.gen].collected += (uint32_t)found;
    if (gc.debug & OB_GC_DEBUG_STATS)
        ob_printf("gc: done, %lu unreachable, 0 uncollectable, %lu survivors\n",
                  (unsigned long)found, (unsigned long)gc.survivors);
    callbacks_run(1, found, 0);
}

/* Runs the collection in progress for up to `budget` work units. */
static uint32_t run(uint32_t budget)
{
    uint32_t work = 0;
    while (gc.phase != OB_GC_IDLE && work < budget) {
        switch (gc.phase) {
        case OB_GC_INIT: ph_init(&work, budget); break;
        case OB_GC_SUBTRACT: ph_subtract(&work, budget); break;
        case OB_GC_MARK: ph_mark(&work, budget, 0); break;
        case OB_GC_WEAKREFS: ph_weakrefs(&work, budget); break;
        case OB_GC_FINALIZE: ph_finalize(&work, budget); break;
        case OB_GC_REMARK: ph_mark(&work, budget, 1); break;
        case OB_GC_CLEAR: ph_clear(&work, budget); break;
        case OB_GC_FINISH: ph_finish(&work, budget); break;
        default: gc.phase = OB_GC_IDLE; break;
        }
    }
    return work;
}

/* One timed, counted piece of collector work. */
static uint32_t timed_run(uint32_t budget)
{
    uint32_t t = now_ticks();
    gc.busy = 1;
    uint32_t work = run(budget);
    gc.busy = 0;
    uint32_t dt = now_ticks() - t;
    gc.st.steps++;
    gc.st.total_work += work;
    gc.st.total_ticks += dt;
    if (work > gc.st.longest_step_work)
        gc.st.longest_step_work = work;
    if (dt > gc.st.longest_step_ticks)
        gc.st.longest_step_ticks = dt;
    return work;
}

static int can_run(void)
{
    return gc.up && !gc.busy && !ob_freeing_();
}

/* Starts a collection; its start callbacks run as the collector's. */
static void start(int generation)
{
    gc.busy = 1;
    begin(generation);
    gc.busy = 0;
}

/* Stop-the-world: the collection in progress to its end, then one of
 * `generation`. Returns the unreachable objects both found. */
static size_t collect_now(int generation)
{
    size_t found = 0;
    if (gc.phase != OB_GC_IDLE) {
        timed_run(UINT32_MAX);
        found = gc.collected_now;
    }
    start(generation);
    timed_run(UINT32_MAX);
    return found + gc.collected_now;
}

/* Generation 0 is due by its table: full, or (incremental) three quarters
 * full, so the objects made while the collection runs still find a slot
 * (without one they go straight to generation 1 and wait for its turn). */
static int young_full(void)
{
    if (!gc.young)
        return 0;
    uint32_t margin = gc.incremental ? gc.ycap / 4u : 0u;
    return gc.yn + margin >= gc.ycap;
}

/* ---- public: collect, start, step ------------------------------------------------------- */
long ob_gc_collect(int generation)
{
    if (generation < 0 || generation >= OB_GC_GENERATIONS)
        return ob_err_set(OB_E_VALUE, "invalid generation");
    if (!can_run())
        return 0;
    collect_now(generation);
    return (long)gc.collected_now;
}

int ob_gc_start(int generation)
{
    if (generation < 0 || generation >= OB_GC_GENERATIONS)
        return ob_err_set(OB_E_VALUE, "invalid generation");
    if (!gc.up || gc.busy || gc.phase != OB_GC_IDLE || ob_freeing_())
        return ob_err_set(OB_E_STATE, "a collection is already in progress");
    start(generation);
    return 0;
}

int ob_gc_step(uint32_t budget)
{
    if (!can_run() || gc.phase == OB_GC_IDLE)
        return 0;
    timed_run(budget ? budget : 1);
    return gc.phase != OB_GC_IDLE;
}

int ob_gc_run_until(ob_gc_phase phase)
{
    if (gc.phase == OB_GC_IDLE || (phase != OB_GC_IDLE && phase < gc.phase) || !can_run())
        return ob_err_set(OB_E_STATE, "no collection before that phase");
    while (gc.phase != phase && gc.phase != OB_GC_IDLE) {
        ob_gc_phase at = gc.phase;
        /* one unit at a time near the boundary, so it stops exactly at it */
        gc.busy = 1;
        while (gc.phase == at)
            run(1);
        gc.busy = 0;
    }
    return gc.phase == phase ? 0 : ob_err_set(OB_E_STATE, "collection ended first");
}

ob_gc_phase ob_gc_phase_now(void)
{
    return gc.phase;
}

const char *ob_gc_phase_name(ob_gc_phase p)
{
    static const char *const names[OB_GC_PHASES] = {
        "idle", "init", "subtract", "mark", "weakrefs", "finalize", "remark", "clear", "finish"
    };
    return (unsigned)p < OB_GC_PHASES ? names[p] : "?";
}

/* CPython's collect_generations: the oldest generation over its threshold,
 * the oldest only when enough long-lived objects are pending (25 %). */
static int due_generation(void)
{
    if (gc.threshold[0] == 0)
        return -1;
    for (int i = OB_GC_GENERATIONS - 1; i >= 0; i--) {
        if (gc.count[i] > gc.threshold[i] || (i == 0 && young_full())) {
            if (i == OB_GC_GENERATIONS - 1 && gc.long_lived_pending < gc.long_lived_total / 4)
                continue;
            return i;
        }
    }
    return -1;
}

/* Before a tracked allocation (object.c). */
void ob_gc_alloc_hook_(void)
{
    gc.count[0]++;
    if (!gc.enabled || !can_run())
        return;
    if (gc.phase != OB_GC_IDLE) {
        if (gc.incremental) {
            /* Progress rule: the further allocation runs ahead of the
             * collection, the more each allocation pays. */
            uint32_t factor = 1u + (gc.threshold[0] ? gc.count[0] / gc.threshold[0] : 0u);
            timed_run(gc.alloc_budget * factor);
        }
        return;
    }
    /* CPython looks at the older generations only when generation 0 is
     * over its threshold (or, here, its table is full). */
    if (!((gc.threshold[0] && gc.count[0] > gc.threshold[0]) || young_full()))
        return;
    int g = due_generation();
    if (g < 0)
        return;
    start(g);
    timed_run(gc.incremental ? gc.alloc_budget : UINT32_MAX);
}

void ob_gc_periodic(uint32_t ticks)
{
    if (!gc.enabled || !can_run())
        return;
    if (gc.phase == OB_GC_IDLE) {
        int g = due_generation();
        if (g < 0)
            return;
        start(g);
    }
    uint32_t t = now_ticks();
    do
        timed_run(gc.budget);
    while (gc.phase != OB_GC_IDLE && ticks && ob_hooks_get()->timestamp &&
           now_ticks() - t < ticks);
}

void ob_gc_idle(void)
{
    ob_gc_periodic(0);
}

int ob_gc_oom_(size_t request)
{
    (void)request;
    if (!can_run())
        return 0;
    gc.st.emergency++;
    return collect_now(OB_GC_GENERATIONS - 1) != 0;
}

/* ---- settings ------------------------------------------------------------------------------ */
void ob_gc_enable(void) { gc.enabled = 1; }
void ob_gc_disable(void) { gc.enabled = 0; }
int ob_gc_isenabled(void) { return gc.enabled; }

void ob_gc_set_threshold(uint32_t t0, uint32_t t1, uint32_t t2)
{
    gc.threshold[0] = t0;
    gc.threshold[1] = t1;
    gc.threshold[2] = t2;
}

void ob_gc_get_threshold(uint32_t out[OB_GC_GENERATIONS])
{
    memcpy(out, gc.threshold, sizeof gc.threshold);
}

void ob_gc_get_count(uint32_t out[OB_GC_GENERATIONS])
{
    memcpy(out, gc.count, sizeof gc.count);
}

void ob_gc_get_stats(ob_gc_stats *out)
{
    *out = gc.st;
    out->tracked = (uint32_t)gc.tracked;
}

void ob_gc_set_budget(uint32_t units) { gc.budget = units ? units : 1; }
uint32_t ob_gc_get_budget(void) { return gc.budget; }
void ob_gc_set_incremental(int on) { gc.incremental = on != 0; }
int ob_gc_is_incremental(void) { return gc.incremental; }
void ob_gc_set_debug(unsigned flags) { gc.debug = flags; }
unsigned ob_gc_get_debug(void) { return gc.debug; }

ob_object *ob_gc_garbage(void)
{
    if (!gc.garbage)
        gc.garbage = ob_list_new();
    return gc.garbage;
}

int ob_gc_callback_add(ob_gc_callback cb, void *ctx)
{
    for (unsigned i = 0; i < OB_GC_CALLBACKS; i++)
        if (!gc.cbs[i].cb) {
            gc.cbs[i].cb = cb;
            gc.cbs[i].ctx = ctx;
            return 0;
        }
    return ob_err_set(OB_E_VALUE, "too many gc callbacks");
}

int ob_gc_callback_remove(ob_gc_callback cb, void *ctx)
{
    for (unsigned i = 0; i < OB_GC_CALLBACKS; i++)
        if (gc.cbs[i].cb == cb && gc.cbs[i].ctx == ctx) {
            gc.cbs[i].cb = NULL;
            gc.cbs[i].ctx = NULL;
            return 0;
        }
    return ob_err_set(OB_E_KEY, "no such gc callback");
}

size_t ob_gc_callback_count(void)
{
    size_t n = 0;
    for (unsigned i = 0; i < OB_GC_CALLBACKS; i++)
        n += gc.cbs[i].cb != NULL;
    return n;
}

/* ---- walks for introspection and freeze ------------------------------------------------- */
/* Calls fn for every tracked container (frozen included); the collection in
 * progress, if any, is finished first so no object is under the barrier. */
static int walk_all(int (*fn)(ob_object *o, uint32_t *w, void *ctx), void *ctx)
{
    if (gc.phase != OB_GC_IDLE && can_run())
        timed_run(UINT32_MAX);
    ob_heap *h = ob_runtime_heap();
    ob_heap_walk wk;
    if (ob_heap_walk_begin(h, &wk) < 0)
        return ob_err_set(OB_E_STATE, "heap walk unavailable");
    uint8_t was = gc.busy;
    gc.busy = 1; /* the callers allocate: no collection meanwhile */
    int rc = 0;
    char *b;
    while (rc == 0 && (b = ob_heap_walk_next(h, &wk, NULL)) != NULL) {
        uint32_t *w = (uint32_t *)(void *)b;
        if (*w & GW_TRACKED)
            rc = fn((ob_object *)(void *)(b + OB_GC_HEAD_SIZE), w, ctx);
    }
    ob_heap_walk_end(h, &wk);
    gc.busy = was;
    return rc;
}

struct collect_ctx {
    ob_object *out;
    int gen;
    ob_object *const *objs;
    size_t n;
    int hit;
};

static int add_object(ob_object *o, uint32_t *w, void *ctx)
{
    struct collect_ctx *c = ctx;
    if (o == c->out || (c->gen >= 0 && GEN(*w) != (unsigned)c->gen))
        return 0;
    return ob_list_append(c->out, o);
}

/* A new list of what fn appends for every tracked object. */
static ob_object *collect_list(struct collect_ctx *c,
                               int (*fn)(ob_object *o, uint32_t *w, void *ctx))
{
    c->out = ob_list_new();
    if (c->out && walk_all(fn, c) < 0)
        ob_clear_ref(&c->out);
    return c->out;
}

ob_object *ob_gc_get_objects(int generation)
{
    if (generation < -1 || generation >= OB_GC_GENERATIONS)
        return ob_err_null(OB_E_VALUE, "invalid generation");
    struct collect_ctx c = { NULL, generation, NULL, 0, 0 };
    return collect_list(&c, add_object);
}

static int refers_visit(ob_object *r, void *arg)
{
    struct collect_ctx *c = arg;
    for (size_t i = 0; i < c->n; i++)
        if (r == c->objs[i]) {
            c->hit = 1;
            return 1;
        }
    return 0;
}

static int add_referrer(ob_object *o, uint32_t *w, void *ctx)
{
    (void)w;
    struct collect_ctx *c = ctx;
    if (o == c->out || !o->ob_type->traverse)
        return 0;
    c->hit = 0;
    o->ob_type->traverse(o, refers_visit, c);
    return c->hit ? ob_list_append(c->out, o) : 0;
}

ob_object *ob_gc_get_referrers(ob_object *const *objs, size_t n)
{
    struct collect_ctx c = { NULL, -1, objs, n, 0 };
    return collect_list(&c, add_referrer);
}

static int append_visit(ob_object *r, void *arg)
{
    return r ? ob_list_append((ob_object *)arg, r) : 0;
}

ob_object *ob_gc_get_referents(ob_object *const *objs, size_t n)
{
    ob_object *out = ob_list_new();
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        ob_object *o = objs[i];
        if (!o || ob_is_small(o) || !o->ob_type->traverse)
            continue;
        /* CPython lists referents of containers only */
        if (!(o->ob_type->flags & OB_TF_GC))
            continue;
        if (o->ob_type->traverse(o, append_visit, out) < 0) {
            ob_decref(out);
            return NULL;
        }
    }
    return out;
}

static int freeze_one(ob_object *o, uint32_t *w, void *ctx)
{
    int freeze = *(int *)ctx;
    if (freeze && GEN(*w) != GEN_PERM) {
        if (*w & GW_YOUNG)
            young_remove(o, w);
        *w = (*w & ~GW_GEN_MASK) | (GEN_PERM << GW_GEN_SHIFT);
        gc.frozen++;
    } else if (!freeze && GEN(*w) == GEN_PERM) {
        *w = (*w & ~GW_GEN_MASK) | (2u << GW_GEN_SHIFT);
        gc.frozen--;
    }
    return 0;
}

void ob_gc_freeze(void)
{
    int on = 1;
    (void)walk_all(freeze_one, &on);
    gc.count[0] = 0;
}

void ob_gc_unfreeze(void)
{
    int on = 0;
    (void)walk_all(freeze_one, &on);
}

size_t ob_gc_get_freeze_count(void)
{
    return gc.frozen;
}

/* ---- runtime start and end ------------------------------------------------------------------ */
void ob_gc_init_(void)
{
    memset(&gc, 0, sizeof gc);
    gc.enabled = 1;
    gc.incremental = 1;
    gc.threshold[0] = OB_GC_THRESHOLD0;
    gc.threshold[1] = OB_GC_THRESHOLD1;
    gc.threshold[2] = OB_GC_THRESHOLD2;
    gc.budget = OB_GC_STEP_BUDGET;
    gc.alloc_budget = OB_GC_ALLOC_BUDGET;
    gc.heap = ob_runtime_heap();
    gc.epochp = ob_heap_walk_epoch(gc.heap);
    gc.young = ob_heap_alloc(gc.heap, OB_GC_YOUNG_CAP * sizeof(ob_object *));
    gc.ycap = gc.young ? OB_GC_YOUNG_CAP : 0;
    gc.up = 1;
}

void ob_gc_fini_(void)
{
    if (!gc.up)
        return;
    if (gc.phase != OB_GC_IDLE)
        timed_run(UINT32_MAX);
    ob_clear_ref(&gc.garbage);
    cursor_reset();
    if (gc.young)
        ob_heap_free(ob_runtime_heap(), gc.young);
    memset(&gc, 0, sizeof gc);
}
