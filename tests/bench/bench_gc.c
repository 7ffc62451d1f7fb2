/* bench_gc - the cycle collector (issue 5): pauses, full-collection cost,
 * peak heap and outstanding garbage, and collector instructions, for heaps
 * of about 1 000, 5 000 and 20 000 live tracked objects (25, 50, 100 on
 * small boards) under steady garbage-cycle churn.
 *
 * The live set. Each object is a tracked container: alternately an
 * instance with two attributes (a = i, b = the previous object) and a
 * 2-tuple (i, previous object) - the tuple holds a container, so it stays
 * tracked (the collector untracks tuples of leaves). They sit in holder
 * lists of HOLD objects each, and the holder lists in a static C array
 * (outside the heap: no single list holds the whole set, so no one
 * traverse follows thousands of references at once).
 *
 * The churn: CHURN allocations, as CHURN/2 classic two-node cycles (two
 * instances of a type of their own, n1.next = n2, n2.next = n1, then both
 * dropped: two tracked allocations per cycle, no dict), each allocation
 * call and each link-and-drop call timed alone with the -icount clock
 * (bench.h): the collector runs inside tracked allocations, so the longest
 * of these calls is the longest pause the firmware sees.
 *
 * Every heap size runs three times, each on a fresh runtime (so the heap's
 * bytes_peak belongs to that run), the live set built then settled by a
 * full collection, untimed:
 *   inc  automatic collection, incremental, default budgets (the default);
 *        then, on the heap the churn left, a full collection started with
 *        ob_gc_start(2) and run by ob_gc_step(default budget) calls, each
 *        timed: the longest step is the periodic/idle-step pause.
 *   stw  the same churn with ob_gc_set_incremental(0): automatic
 *        collections run at once (stop-the-world generational); then
 *        ob_gc_collect(2) timed on the heap the churn left (garbage still
 *        outstanding), and once more on the settled heap (live objects
 *        only: the cost per live tracked object).
 *   off  the same churn with automatic collection disabled; the garbage is
 *        swept, untimed, by ob_gc_collect(0) every SWEEP allocations. The
 *        churn's instructions here are the loop's cost without the
 *        collector: inc and stw minus off is what their collector cost.
 * Collector time is also read from the collector's own statistics
 * (ob_gc_get_stats total_ticks, with the timestamp hook set to the bench
 * clock). Outstanding garbage is counted without finalizers: ob_stats_get
 * objects now minus objects before the churn (the live set is constant),
 * sampled after every cycle.
 *
 * Run with `make bench` (release runtime); docs/benchmarks.md has the
 * table. */
#include <stdint.h>

#include "bench.h"
#include "k.h"
#include "ob_config.h"
#include "ob_fmt.h"
#include "ob_gc.h"
#include "ob_heap.h"
#include "ob_hooks.h"
#include "ob_object.h"
#include "ob_types.h"

#if OB_HEAP_SMALL
static const uint32_t sizes[] = {25, 50, 100};
#define CHURN 1000u
#define HOLD 10u
#define SWEEP 16u
#define MAX_HOLDERS 16u
#else
static const uint32_t sizes[] = {1000, 5000, 20000};
#define CHURN 20000u
#define HOLD 50u
#define SWEEP 600u
#define MAX_HOLDERS 512u
#endif
#define NSIZES (sizeof sizes / sizeof sizes[0])

/* MicroPython's stop-the-world gc.collect() on mps2-an385 (issue 5). */
#define UPY_TUPLES 5000u
#define UPY_TUPLES_INSTR 900000u
#define UPY_INST 2000u
#define UPY_INST_INSTR 1000000u

enum { M_INC, M_STW, M_OFF, M_MODES };
static const char *const mode_name[M_MODES] = {"inc", "stw", "off"};

typedef struct result {
    int ok;
    const char *why;         /* what failed, when !ok */
    uint32_t tracked;        /* tracked objects on the settled heap */
    uint32_t alloc_max;      /* longest call in the churn (allocation, link, drop) */
    uint64_t alloc_sum;      /* all allocation calls */
    uint64_t loop_sum;       /* the whole churn: allocations, links, drops */
    uint32_t step_max, steps;/* inc: ob_gc_step(default) calls of a full collection */
    uint64_t step_units;     /* inc: work units of those steps (stats) */
    uint64_t step_instr;     /* inc: their instructions */
    uint32_t full_dirty;     /* stw: ob_gc_collect(2) on the heap the churn left */
    uint32_t full_clean;     /* stw: ob_gc_collect(2) on live objects only */
    uint32_t gen1_clean;     /* stw: ob_gc_collect(1) on live objects only (all old) */
    uint32_t walk, walk_blocks, walk_units; /* stw: one bare heap walk of the settled heap */
    uint64_t ph_sum[OB_GC_PHASES]; /* inc: the full collection's steps by phase */
    uint32_t ph_max[OB_GC_PHASES], ph_n[OB_GC_PHASES];
    size_t live_bytes;       /* bytes_held on the settled heap */
    size_t peak_bytes;       /* bytes_peak at the end of the churn */
    uint32_t garbage_peak;   /* most objects outstanding as garbage */
    uint64_t gc_instr;       /* collector instructions in the churn (stats) */
    uint32_t coll[OB_GC_GENERATIONS]; /* collections in the churn, per generation */
    uint32_t emergency;
} result;

static result res[NSIZES][M_MODES];

static ob_object *holders[MAX_HOLDERS];
static uint32_t nholders;
static ob_type node_t, pair_t; /* live instances (a, b); churn instances (next) */

static ob_object *node_new(void)
{
    return ob_instance_new(&pair_t);
}
static ob_object *(*volatile node_new_fn)(void) = node_new;

/* n1.next = n2, n2.next = n1, both dropped: a garbage cycle. */
static int link_drop(ob_object *a, ob_object *b)
{
    int rc = 0;
    if (ob_instance_setattr(a, "next", b) < 0 || ob_instance_setattr(b, "next", a) < 0)
        rc = -1;
    ob_decref(a);
    ob_decref(b);
    return rc;
}
static int (*volatile link_drop_fn)(ob_object *, ob_object *) = link_drop;

static int (*volatile step_fn)(uint32_t) = ob_gc_step;

/* One whole walk of the heap's walkable blocks, as the collector's cursor
 * makes it once per phase. */
static uint32_t walk_blocks, walk_units;
static void walk_heap(void)
{
    ob_heap_walk w;
    walk_blocks = walk_units = 0;
    if (ob_heap_walk_begin(ob_runtime_heap(), &w) < 0)
        return;
    while (ob_heap_walk_next(ob_runtime_heap(), &w, &walk_units))
        walk_blocks++;
}
static void (*volatile walk_fn)(void) = walk_heap;
static long (*volatile collect_fn)(int) = ob_gc_collect;

static size_t objects_now(void)
{
    ob_stats st;
    ob_stats_get(&st);
    return st.objects;
}

static void heap_now(size_t *held, size_t *peak)
{
    ob_heap_stats st;
    ob_heap_stats_get(ob_runtime_heap(), &st);
    *held = st.bytes_held;
    *peak = st.bytes_peak;
}

static uint64_t ticks_to_instr(uint64_t ticks)
{
    /* k_bench_instructions takes 32 bits: convert in slices */
    uint64_t out = 0;
    while (ticks > 0x40000000u) {
        out += k_bench_instructions(0x40000000u);
        ticks -= 0x40000000u;
    }
    return out + k_bench_instructions((uint32_t)ticks);
}

/* The live set: n tracked containers in holder lists of HOLD. */
static int build(uint32_t n)
{
    nholders = 0;
    ob_object *prev = NULL;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t j = i % HOLD;
        if (j == 0) {
            if (nholders >= MAX_HOLDERS || !(holders[nholders] = ob_list_new()))
                return -1;
            nholders++;
            prev = NULL;
        }
        ob_object *o;
        if (j % 2 == 0) {
            o = ob_instance_new(&node_t);
            if (o && (ob_instance_setattr(o, "a", ob_small_from((int32_t)i)) < 0 ||
                      ob_instance_setattr(o, "b", prev ? prev : OB_NONE) < 0)) {
                ob_decref(o);
                o = NULL;
            }
        } else {
            o = ob_tuple_pack(2, ob_small_from((int32_t)i), prev);
        }
        if (!o)
            return -1;
        int rc = ob_list_append(holders[nholders - 1], o);
        ob_decref(o); /* the holder keeps it */
        if (rc < 0)
            return -1;
        prev = o;
    }
    return 0;
}

static void drop_live(void)
{
    for (uint32_t i = 0; i < nholders; i++)
        ob_clear_ref(&holders[i]);
    nholders = 0;
}

/* One run: a fresh runtime, the live set, the churn in `mode`. */
static void run(const k_board_info *b, uint32_t live, int mode, result *r)
{
    r->ok = 0;
    if (ob_runtime_init((void *)b->heap_start, (size_t)(b->heap_end - b->heap_start)) != 0) {
        r->why = "no room for the runtime";
        return;
    }
    if (ob_instance_type_init(&node_t, "Node") < 0) {
        r->why = "type set-up failed";
        ob_runtime_fini();
        return;
    }
    if (ob_instance_type_init(&pair_t, "Pair") < 0) {
        r->why = "type set-up failed";
        ob_instance_type_fini(&node_t);
        ob_runtime_fini();
        return;
    }
    if (build(live) < 0) {
        r->why = "the live set does not fit the heap";
        ob_err_clear();
        goto out;
    }
    (void)ob_gc_collect(2); /* settled: everything old, the young table empty */
    (void)ob_gc_collect(2);
    {
        ob_gc_stats gs;
        ob_gc_get_stats(&gs);
        r->tracked = gs.tracked;
    }
    size_t peak0;
    heap_now(&r->live_bytes, &peak0);

    if (mode == M_STW)
        ob_gc_set_incremental(0);
    if (mode == M_OFF)
        ob_gc_disable();

    ob_gc_stats s0, s1;
    ob_gc_get_stats(&s0);
    size_t base_objects = objects_now();
    bench_stat alloc = {0}, loop = {0};
    uint32_t pause_max = 0;
    uint32_t since_sweep = 0;
    r->garbage_peak = 0;
    for (uint32_t i = 0; i < CHURN / 2; i++) {
        ob_object *n1, *n2;
        uint32_t t = BENCH_CALL(n1 = node_new_fn());
        bench_add(&alloc, t);
        bench_add(&loop, t);
        t = BENCH_CALL(n2 = node_new_fn());
        bench_add(&alloc, t);
        bench_add(&loop, t);
        if (!n1 || !n2) {
            ob_decref(n1);
            ob_decref(n2);
            r->why = "out of memory in the churn";
            ob_err_clear();
            goto out;
        }
        int rc;
        t = BENCH_CALL(rc = link_drop_fn(n1, n2));
        bench_add(&loop, t);
        if (t > pause_max)
            pause_max = t;
        if (rc < 0) {
            r->why = "out of memory in the churn";
            ob_err_clear();
            goto out;
        }
        size_t now = objects_now();
        uint32_t g = now > base_objects ? (uint32_t)(now - base_objects) : 0u;
        if (g > r->garbage_peak)
            r->garbage_peak = g;
        if (mode == M_OFF && (since_sweep += 2) >= SWEEP) {
            (void)ob_gc_collect(0); /* untimed */
            since_sweep = 0;
        }
    }
    ob_gc_get_stats(&s1);
    size_t held;
    heap_now(&held, &r->peak_bytes);
    r->alloc_max = alloc.max > pause_max ? alloc.max : pause_max;
    r->alloc_sum = alloc.sum;
    r->loop_sum = loop.sum;
    r->gc_instr = ticks_to_instr(s1.total_ticks - s0.total_ticks);
    for (int g = 0; g < OB_GC_GENERATIONS; g++)
        r->coll[g] = s1.gen[g].collections - s0.gen[g].collections;
    r->emergency = s1.emergency - s0.emergency;

    if (mode == M_INC) {
        /* finish what the churn left running, then a full collection in
         * default-budget steps: every step timed */
        bench_stat st = {0};
        ob_gc_stats s2, s3;
        uint32_t budget = ob_gc_get_budget();
        int more = ob_gc_phase_now() != OB_GC_IDLE;
        while (more) {
            uint32_t t = BENCH_CALL(more = step_fn(budget));
            bench_add(&st, t);
        }
        ob_gc_get_stats(&s2);
        uint64_t before = st.sum;
        if (ob_gc_start(2) == 0) {
            do {
                ob_gc_phase p = ob_gc_phase_now(); /* the phase the step starts in */
                uint32_t t = BENCH_CALL(more = step_fn(budget));
                bench_add(&st, t);
                r->ph_sum[p] += t;
                r->ph_n[p]++;
                if (t > r->ph_max[p])
                    r->ph_max[p] = t;
            } while (more);
        }
        ob_gc_get_stats(&s3);
        r->step_max = st.max;
        r->steps = st.n;
        r->step_units = s3.total_work - s2.total_work;
        r->step_instr = st.sum - before;
    } else if (mode == M_STW) {
        int unused;
        r->full_dirty = BENCH_CALL(unused = (int)collect_fn(2));
        r->full_clean = BENCH_CALL(unused = (int)collect_fn(2));
        r->gen1_clean = BENCH_CALL(unused = (int)collect_fn(1));
        r->walk = BENCH_CALL(walk_fn());
        r->walk_blocks = walk_blocks;
        r->walk_units = walk_units;
        (void)unused;
    }
    r->ok = 1;
out:
    ob_gc_enable();
    ob_gc_set_incremental(1);
    drop_live();
    (void)ob_gc_collect(2);
    ob_instance_type_fini(&pair_t);
    ob_instance_type_fini(&node_t);
    ob_runtime_fini();
}

static uint32_t per(uint64_t total, uint32_t n)
{
    return n ? (uint32_t)((total + n / 2) / n) : 0;
}

static uint32_t max32(uint32_t a, uint32_t b)
{
    return a > b ? a : b;
}

static uint32_t timestamp_bench(void)
{
    return k_bench_ticks();
}

static const char *met(int ok)
{
    return ok ? "met" : "NOT MET";
}

int main(void)
{
    const k_board_info *b = k_board();
    bench_init();
    ob_hooks h = *ob_hooks_get();
    h.timestamp = timestamp_bench; /* the collector's own figures in bench ticks */
    ob_hooks_set(&h);

    k_printf("bench_gc on %s: heap %lu B; live sets of tracked containers (instances and "
             "2-tuples, %u per holder list), %u churn allocations (two-node cycles); "
             "thresholds %u/%u/%u, young table %u, step budget %u, alloc budget %u\n",
             b->board, (unsigned long)(b->heap_end - b->heap_start), (unsigned)HOLD,
             (unsigned)CHURN, (unsigned)OB_GC_THRESHOLD0, (unsigned)OB_GC_THRESHOLD1,
             (unsigned)OB_GC_THRESHOLD2, (unsigned)OB_GC_YOUNG_CAP, (unsigned)OB_GC_STEP_BUDGET,
             (unsigned)OB_GC_ALLOC_BUDGET);

    for (unsigned s = 0; s < NSIZES; s++)
        for (int m = 0; m < M_MODES; m++) {
            result *r = &res[s][m];
            run(b, sizes[s], m, r);
            if (!r->ok)
                k_printf("  skipped: %u live, %s: %s\n", (unsigned)sizes[s], mode_name[m], r->why);
        }

    /* ---- pauses ---- */
    k_printf("pauses (instructions): inc call = longest call in the churn (allocation or "
             "link-and-drop: the collector runs inside allocations), "
             "incremental; inc step = longest ob_gc_step(%u) of a full collection (steps, "
             "instructions per work unit); "
             "stw call = the same, stop-the-world generational; "
             "stw full = ob_gc_collect(2) after the churn / on live objects only\n",
             (unsigned)OB_GC_STEP_BUDGET);
    k_printf("live   tracked |  inc call  inc step  steps  instr/unit |  stw call  stw full  "
             "full clean  per obj\n");
    for (unsigned s = 0; s < NSIZES; s++) {
        const result *ri = &res[s][M_INC], *rs = &res[s][M_STW];
        if (!ri->ok || !rs->ok) {
            k_printf("%5u  (skipped)\n", (unsigned)sizes[s]);
            continue;
        }
        k_printf("%5u %8lu | %9lu %9lu %6lu %11lu | %9lu %9lu %11lu %8lu\n",
                 (unsigned)sizes[s], (unsigned long)rs->tracked, (unsigned long)ri->alloc_max,
                 (unsigned long)ri->step_max, (unsigned long)ri->steps,
                 (unsigned long)per(ri->step_instr, (uint32_t)ri->step_units),
                 (unsigned long)rs->alloc_max,
                 (unsigned long)rs->full_dirty, (unsigned long)rs->full_clean,
                 (unsigned long)per(rs->full_clean, rs->tracked));
    }

    /* ---- where a full collection's time goes ---- */
    k_printf("the incremental full collection's steps by the phase each starts in: steps, "
             "instructions per tracked object, longest step\n");
    k_printf("live  ");
    for (int p = OB_GC_INIT; p < OB_GC_PHASES; p++)
        k_printf("| %-17s", ob_gc_phase_name((ob_gc_phase)p));
    k_printf("\n");
    for (unsigned s = 0; s < NSIZES; s++) {
        const result *ri = &res[s][M_INC];
        if (!ri->ok)
            continue;
        k_printf("%5u ", (unsigned)sizes[s]);
        for (int p = OB_GC_INIT; p < OB_GC_PHASES; p++)
            k_printf("| %4lu %4lu %7lu ", (unsigned long)ri->ph_n[p],
                     (unsigned long)per(ri->ph_sum[p], ri->tracked), (unsigned long)ri->ph_max[p]);
        k_printf("\n");
    }
    for (unsigned s = 0; s < NSIZES; s++) {
        const result *rs = &res[s][M_STW];
        if (rs->ok)
            k_printf("%5u live: ob_gc_collect(1) on the settled heap (all old: the set is empty, "
                     "the heap is walked) %lu instructions, %lu per tracked object\n",
                     (unsigned)sizes[s], (unsigned long)rs->gen1_clean,
                     (unsigned long)per(rs->gen1_clean, rs->tracked));
        if (rs->ok)
            k_printf("%5u live: one bare heap walk (ob_heap_walk_next to the end): %lu "
                     "instructions for %lu blocks, %lu units: %lu per block\n",
                     (unsigned)sizes[s], (unsigned long)rs->walk, (unsigned long)rs->walk_blocks,
                     (unsigned long)rs->walk_units, (unsigned long)per(rs->walk, rs->walk_blocks));
    }

    /* ---- memory and collector time ---- */
    k_printf("churn: peak heap = bytes_peak (whole heap, live set included); garbage = most "
             "objects outstanding as garbage; gc/alloc = (churn instructions - the same churn "
             "with collection off) / allocations, and by the collector's own clock (stats)\n");
    k_printf("live  mode | live B    peak B  garbage | coll g0/g1/g2 emerg | loop/alloc  "
             "gc/alloc  stats/alloc\n");
    for (unsigned s = 0; s < NSIZES; s++)
        for (int m = 0; m < M_MODES; m++) {
            const result *r = &res[s][m], *off = &res[s][M_OFF];
            if (!r->ok)
                continue;
            uint32_t lp = per(r->loop_sum, CHURN);
            uint32_t gcpa = off->ok && r->loop_sum > off->loop_sum
                                ? per(r->loop_sum - off->loop_sum, CHURN)
                                : 0u;
            k_printf("%5u %-4s | %7lu %8lu %8lu | %4lu/%2lu/%2lu %5lu | %10lu %9lu %12lu\n",
                     (unsigned)sizes[s], mode_name[m], (unsigned long)r->live_bytes,
                     (unsigned long)r->peak_bytes, (unsigned long)r->garbage_peak,
                     (unsigned long)r->coll[0], (unsigned long)r->coll[1],
                     (unsigned long)r->coll[2], (unsigned long)r->emergency, (unsigned long)lp,
                     (unsigned long)(m == M_OFF ? 0u : gcpa),
                     (unsigned long)per(r->gc_instr, CHURN));
        }

    /* ---- the goals ---- */
    const result *i_lo = &res[0][M_INC], *i_hi = &res[NSIZES - 1][M_INC];
    int have_ends = i_lo->ok && i_hi->ok;
    uint32_t inc_lo = have_ends ? max32(i_lo->alloc_max, i_lo->step_max) : 0;
    uint32_t inc_hi = have_ends ? max32(i_hi->alloc_max, i_hi->step_max) : 0;
    uint32_t inc_worst = 0, per_worst = 0;
    int stw_grows = 1, heap_ok = 1, gc_ok = 1, any = 0;
    uint32_t heap_ratio_worst = 0, gc_ratio_worst = 0;
    uint32_t prev_full = 0;
    for (unsigned s = 0; s < NSIZES; s++) {
        const result *ri = &res[s][M_INC], *rs = &res[s][M_STW], *ro = &res[s][M_OFF];
        if (!ri->ok || !rs->ok)
            continue;
        any = 1;
        uint32_t im = max32(ri->alloc_max, ri->step_max);
        if (im > inc_worst)
            inc_worst = im;
        uint32_t full = max32(rs->full_dirty, rs->full_clean);
        if (full <= prev_full)
            stw_grows = 0;
        prev_full = full;
        uint32_t p = per(rs->full_clean, rs->tracked);
        if (p > per_worst)
            per_worst = p;
        uint32_t hr = (uint32_t)(((uint64_t)ri->peak_bytes * 100u + rs->peak_bytes / 2) /
                                 (rs->peak_bytes ? rs->peak_bytes : 1));
        if (hr > heap_ratio_worst)
            heap_ratio_worst = hr;
        if ((uint64_t)ri->peak_bytes * 10u > (uint64_t)rs->peak_bytes * 11u)
            heap_ok = 0;
        k_printf("%5u live: inc max pause %lu vs stw full %lu (%s); peak heap inc/stw %s, "
                 "garbage %lu vs %lu",
                 (unsigned)sizes[s], (unsigned long)im, (unsigned long)full,
                 bench_ratio(im, full), bench_ratio((uint32_t)ri->peak_bytes,
                                                    (uint32_t)rs->peak_bytes),
                 (unsigned long)ri->garbage_peak, (unsigned long)rs->garbage_peak);
        if (ro->ok && ri->loop_sum > ro->loop_sum && rs->loop_sum > ro->loop_sum) {
            uint64_t gi = ri->loop_sum - ro->loop_sum, gs = rs->loop_sum - ro->loop_sum;
            uint32_t gr = (uint32_t)((gi * 100u + gs / 2) / gs);
            if (gr > gc_ratio_worst)
                gc_ratio_worst = gr;
            if (gi * 10u > gs * 13u)
                gc_ok = 0;
            k_printf("; collector/alloc inc %lu vs stw %lu (%lu.%02lux; stats %lu vs %lu)\n",
                     (unsigned long)per(gi, CHURN), (unsigned long)per(gs, CHURN),
                     (unsigned long)(gr / 100), (unsigned long)(gr % 100),
                     (unsigned long)per(ri->gc_instr, CHURN),
                     (unsigned long)per(rs->gc_instr, CHURN));
        } else {
            gc_ok = 0;
            k_printf("; collector/alloc: no baseline\n");
        }
    }
    /* Issue 5 sets its goals for heaps of 1 000 to 20 000 live objects,
     * which the mps2 boards hold; a small board runs 25 to 100 and its
     * lines say so (judged all the same, for information). */
    const char *goal = OB_HEAP_SMALL ? "scaled goal" : "goal";
    if (OB_HEAP_SMALL)
        k_printf("scaled goals: issue 5's, judged on this board's heaps of %u-%u live objects "
                 "(the issue sets them for 1000-20000, which the mps2 boards hold): for "
                 "information\n", (unsigned)sizes[0], (unsigned)sizes[NSIZES - 1]);
    if (!any) {
        k_printf("goals: no heap size could run on this board\n");
    } else {
        if (have_ends)
            k_printf("%s: incremental max pause at %u live <= 1.25x its max at %u: %lu vs %lu "
                     "(%s), %s\n", goal,
                     (unsigned)sizes[NSIZES - 1], (unsigned)sizes[0], (unsigned long)inc_hi,
                     (unsigned long)inc_lo, bench_ratio(inc_hi, inc_lo),
                     met((uint64_t)inc_hi * 100u <= (uint64_t)inc_lo * 125u));
        else
            k_printf("%s: incremental max pause at %u vs %u live: not judged (a size was "
                     "skipped)\n", goal, (unsigned)sizes[NSIZES - 1], (unsigned)sizes[0]);
        if (have_ends)
            k_printf("  (the automatic path alone, the longest churn call: %lu at %u live vs %lu "
                     "at %u, %s)\n",
                     (unsigned long)i_hi->alloc_max, (unsigned)sizes[NSIZES - 1],
                     (unsigned long)i_lo->alloc_max, (unsigned)sizes[0],
                     bench_ratio(i_hi->alloc_max, i_lo->alloc_max));
        k_printf("%s: incremental max pause with the default budget < 20000 instructions: "
                 "worst %lu, %s\n", goal, (unsigned long)inc_worst, met(inc_worst < 20000u));
        k_printf("%s: stop-the-world full pause grows with the heap: %s\n", goal, met(stw_grows));
        k_printf("%s: full collection <= 150 instructions per live tracked object: worst %lu, "
                 "%s\n", goal, (unsigned long)per_worst, met(per_worst <= 150u));
        k_printf("%s: incremental peak heap <= 1.1x stop-the-world generational: worst "
                 "%lu.%02lux, %s\n", goal, (unsigned long)(heap_ratio_worst / 100),
                 (unsigned long)(heap_ratio_worst % 100), met(heap_ok));
        k_printf("%s: incremental collector instructions per allocation <= 1.3x "
                 "stop-the-world: worst %lu.%02lux, %s\n",
                 goal, (unsigned long)(gc_ratio_worst / 100), (unsigned long)(gc_ratio_worst % 100),
                 met(gc_ok));
    }
    k_printf("for scale, MicroPython's stop-the-world gc.collect() on mps2-an385: %lu "
             "instructions with %u live 2-tuples (%lu per object), %lu with %u small instances "
             "(%lu per object); its out-of-memory path ran four full collections for one "
             "failing allocation\n",
             (unsigned long)UPY_TUPLES_INSTR, (unsigned)UPY_TUPLES,
             (unsigned long)(UPY_TUPLES_INSTR / UPY_TUPLES), (unsigned long)UPY_INST_INSTR,
             (unsigned)UPY_INST, (unsigned long)(UPY_INST_INSTR / UPY_INST));
    bench_done();
    return 0;
}
