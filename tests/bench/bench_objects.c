/* bench_objects - heap bytes per object, and instructions to create and to
 * drop a batch, for the seven rows of issue 4, beside MicroPython's figures
 * for the same Python objects (MicroPython v1.29-preview on mps2-an385, as
 * the issue gives them).
 *
 * Each row creates N objects (1000; 100 on small boards), keeps them in a
 * static array (outside the heap: the array costs nothing here, as a local
 * variable would not in Python), then drops them all. Bytes are the heap's
 * own figure: ob_heap_stats bytes_held after the batch minus before, over N
 * (block sizes as the pools round them; pool and arena headers excluded).
 * The int row is one list of N small ints, in bytes per list slot (the
 * list's blocks over its capacity). Whatever a row shares between objects
 * (interned key names, the instance type's shared keys, the types) is made
 * before the batch, as MicroPython's are (qstrs, the class).
 *
 * Instructions are per object: one batch timed with the -icount clock
 * (bench.h), divided by N. Run with `make bench` (release runtime). */
#include <stdint.h>

#include "bench.h"
#include "k.h"
#include "ob_config.h"
#include "ob_fmt.h"
#include "ob_heap.h"
#include "ob_object.h"
#include "ob_types.h"

#if OB_HEAP_SMALL
#define N 100u
#else
#define N 1000u
#endif

static ob_object *objs[N];
static ob_object *int_list;
static ob_object *key_a, *key_b, *key_c;
static ob_type point_struct, point_inst;
static const char *const point_slots[] = {"x", "y", "z"};
static uint32_t fails;

static size_t held(void)
{
    ob_heap_stats st;
    ob_heap_stats_get(ob_runtime_heap(), &st);
    return st.bytes_held;
}

/* ---- the batches ----------------------------------------------------------- */
static void make_ints(void)
{
    for (uint32_t i = 0; i < N; i++)
        if (ob_list_append(int_list, ob_small_from((int32_t)i)) < 0)
            fails++;
}

static void make_strs(void)
{
    char t[9] = "k0000000";
    for (uint32_t i = 0; i < N; i++) {
        uint32_t v = i;
        for (int d = 7; d >= 1; d--, v /= 10)
            t[d] = (char)('0' + v % 10);
        if (!(objs[i] = ob_str_from_utf8(t, 8)))
            fails++;
    }
}

static void make_tuples(void)
{
    for (uint32_t i = 0; i < N; i++)
        if (!(objs[i] = ob_tuple_pack(2, ob_small_from((int32_t)i), ob_small_from(1))))
            fails++;
}

static void make_lists(void)
{
    for (uint32_t i = 0; i < N; i++) {
        ob_object *l = objs[i] = ob_list_new();
        if (!l || ob_list_append(l, ob_small_from((int32_t)i)) < 0 ||
            ob_list_append(l, ob_small_from(1)) < 0 || ob_list_append(l, ob_small_from(2)) < 0)
            fails++;
    }
}

static void make_dicts(void)
{
    for (uint32_t i = 0; i < N; i++) {
        ob_object *d = objs[i] = ob_dict_new();
        if (!d || ob_dict_set(d, key_a, ob_small_from((int32_t)i)) < 0 ||
            ob_dict_set(d, key_b, ob_small_from(1)) < 0 ||
            ob_dict_set(d, key_c, ob_small_from(2)) < 0)
            fails++;
    }
}

static void make_instances(void)
{
    for (uint32_t i = 0; i < N; i++) {
        ob_object *o = objs[i] = ob_instance_new(&point_inst);
        if (!o || ob_instance_setattr(o, "x", ob_small_from((int32_t)i)) < 0 ||
            ob_instance_setattr(o, "y", ob_small_from(1)) < 0 ||
            ob_instance_setattr(o, "z", ob_small_from(2)) < 0)
            fails++;
    }
}

static void make_structs(void)
{
    for (uint32_t i = 0; i < N; i++) {
        ob_object *o = objs[i] = ob_struct_new(&point_struct);
        if (!o || ob_struct_set(o, 0, ob_small_from((int32_t)i)) < 0 ||
            ob_struct_set(o, 1, ob_small_from(1)) < 0 || ob_struct_set(o, 2, ob_small_from(2)) < 0)
            fails++;
    }
}

static void drop_all(void)
{
    for (uint32_t i = 0; i < N; i++) {
        ob_decref(objs[i]);
        objs[i] = NULL;
    }
}

static void drop_int_list(void)
{
    ob_decref(int_list);
    int_list = NULL;
}

static void (*volatile run_fn)(void);

typedef struct row {
    const char *name;
    void (*make)(void);
    uint32_t upy; /* MicroPython's bytes per object */
    uint32_t cents; /* Obol's bytes per object, in hundredths */
    uint32_t create, drop; /* instructions per object */
} row;

static row rows[] = {
    {"small int in a list (slot)", make_ints, 4, 0, 0, 0},
    {"8-character str", make_strs, 32, 0, 0, 0},
    {"2-tuple of small ints", make_tuples, 16, 0, 0, 0},
    {"list of 3 small ints", make_lists, 32, 0, 0, 0},
    {"dict, 3 short str keys", make_dicts, 48, 0, 0, 0},
    {"instance, 3 attributes", make_instances, 48, 0, 0, 0},
    {"struct, 3 slots", make_structs, 48, 0, 0, 0},
};
#define NROWS (sizeof rows / sizeof rows[0])

static uint32_t per_object(uint32_t total, uint32_t n)
{
    return (total + n / 2) / n;
}

static void run_row(row *r)
{
    size_t h0 = held();
    fails = 0;
    size_t divisor = N;
    if (r->make == make_ints && !(int_list = ob_list_new()))
        fails++;
    run_fn = r->make;
    uint32_t tc = fails ? 0 : BENCH_CALL(run_fn());
    size_t h1 = held();
    if (r->make == make_ints) {
        divisor = ob_list_capacity(int_list);
        k_printf("  (int row: %u items in a list of capacity %u; %lu bytes per item)\n",
                 (unsigned)N, (unsigned)divisor,
                 (unsigned long)((h1 - h0 + N / 2) / N));
    }
    run_fn = r->make == make_ints ? drop_int_list : drop_all;
    uint32_t td = BENCH_CALL(run_fn());
    size_t h2 = held();
    if (fails)
        k_printf("  %s: %lu allocations failed (out of memory)\n", r->name, (unsigned long)fails);
    if (h2 != h0)
        k_printf("  %s: the heap holds %ld bytes more after dropping the batch\n", r->name,
                 (long)(h2 - h0));
    r->cents = divisor ? (uint32_t)(((h1 - h0) * 100u + divisor / 2) / divisor) : 0;
    r->create = per_object(tc, N);
    r->drop = per_object(td, N);
}

static const char *cents_str(uint32_t c)
{
    static char buf[4][16];
    static unsigned slot;
    char *s = buf[slot++ % 4];
    ob_snprintf(s, 16, "%lu.%02lu", (unsigned long)(c / 100), (unsigned long)(c % 100));
    return s;
}

int main(void)
{
    const k_board_info *b = k_board();
    if (ob_runtime_init((void *)b->heap_start, (size_t)(b->heap_end - b->heap_start)) != 0) {
        k_printf("bench_objects: no room for the runtime\n");
        return 1;
    }
    /* Shared by every object of a row, made before the batches. */
    key_a = ob_str_intern_cstr("a");
    key_b = ob_str_intern_cstr("b");
    key_c = ob_str_intern_cstr("c");
    if (!key_a || !key_b || !key_c || ob_struct_type_init(&point_struct, "P", point_slots, 3) < 0 ||
        ob_instance_type_init(&point_inst, "Q") < 0) {
        k_printf("bench_objects: set-up failed\n");
        return 1;
    }
    ob_object *warm = ob_instance_new(&point_inst); /* the type's shared keys x, y, z */
    if (!warm || ob_instance_setattr(warm, "x", OB_NONE) < 0 ||
        ob_instance_setattr(warm, "y", OB_NONE) < 0 || ob_instance_setattr(warm, "z", OB_NONE) < 0) {
        k_printf("bench_objects: set-up failed\n");
        return 1;
    }
    ob_decref(warm);

    bench_init();
    k_printf("bench_objects on %s: %u objects per row, %u-bit pointers; heap bytes per object "
             "(bytes_held delta / N) beside MicroPython v1.29-preview on mps2-an385\n",
             b->board, (unsigned)N, (unsigned)(8 * sizeof(void *)));
    for (unsigned i = 0; i < NROWS; i++)
        run_row(&rows[i]);

    k_printf("row                        | obol B   upy B  ratio | create/obj  drop/obj\n");
    uint32_t sum = 0, upy_sum = 0, worst = 0, above = 0;
    const char *worst_name = "";
    for (unsigned i = 0; i < NROWS; i++) {
        const row *r = &rows[i];
        uint32_t ratio = (r->cents + r->upy / 2) / r->upy; /* hundredths */
        if (ratio > worst)
            worst = ratio, worst_name = r->name;
        if (r->cents > r->upy * 150u) /* exact: bytes > 1.5 x MicroPython's */
            above++;
        sum += r->cents;
        upy_sum += r->upy * 100u;
        k_printf("%-27s| %7s %6lu %6s | %10lu %9lu\n", r->name, cents_str(r->cents),
                 (unsigned long)r->upy, bench_ratio(r->cents, r->upy * 100u),
                 (unsigned long)r->create, (unsigned long)r->drop);
    }
    k_printf("%-27s| %7s %6lu %6s |\n", "sum of the seven rows", cents_str(sum),
             (unsigned long)(upy_sum / 100), bench_ratio(sum, upy_sum));
    uint32_t goal_sum = upy_sum * 9u / 10u;
    uint32_t st = rows[NROWS - 1].cents;
    k_printf("goal: sum <= 0.9x MicroPython's (%s B): %s B, %s\n", cents_str(goal_sum),
             cents_str(sum), sum <= goal_sum ? "met" : "NOT MET");
    k_printf("goal: struct with 3 slots <= 24 B: %s B, %s\n", cents_str(st),
             st <= 2400u ? "met" : "NOT MET");
    k_printf("goal: no row above 1.5x MicroPython's: highest %lu.%02lux (%s), %s\n",
             (unsigned long)(worst / 100), (unsigned long)(worst % 100), worst_name,
             above == 0 ? "met" : "NOT MET");

    ob_decref(key_a);
    ob_decref(key_b);
    ob_decref(key_c);
    ob_instance_type_fini(&point_inst);
    bench_done();
    return 0;
}
