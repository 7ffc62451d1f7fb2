/* demo - what `make run` shows: the board boots and says what it is, then
 * a short tour of the runtime on the linker's heap: objects and what they
 * hold, a weak reference, garbage cycles that counting cannot free, and an
 * incremental collection carried by the kernel's periodic hook, with the
 * pauses it took. Exits 0 when every step did what it says. */
#include "k.h"
#include "ob_gc.h"
#include "ob_heap.h"
#include "ob_object.h"
#include "ob_types.h"

static int failures;
#define CHECK(cond)                                                  \
    do {                                                             \
        if (!(cond)) {                                               \
            k_printf("  demo: check failed: %s\n", #cond);           \
            failures++;                                              \
        }                                                            \
    } while (0)

static void show(const char *label, ob_object *o)
{
    char buf[96];
    ob_repr_buf(o, buf, sizeof buf);
    k_printf("  %-26s %-34s %3lu B\n", label, buf, (unsigned long)ob_getsizeof(o));
}

/* A bar for a fraction: how full, at a glance. */
static void bar(const char *label, size_t part, size_t whole)
{
    char b[33];
    size_t n = whole ? (part * 32u + whole - 1u) / whole : 0;
    for (size_t i = 0; i < 32; i++)
        b[i] = i < n ? '#' : '.';
    b[32] = '\0';
    k_printf("  %-14s [%s] %lu / %lu\n", label, b, (unsigned long)part, (unsigned long)whole);
}

static void gc_tick(void)
{
    /* about 0.2 ms of collector work every millisecond */
    ob_gc_periodic(ob_hooks_get()->timestamp_hz / 5000u);
}

int main(void)
{
    const k_board_info *b = k_board();
    uintptr_t heap = b->heap_end - b->heap_start;
    k_printf("\n"
             "Obol on %s (%s, %lu.%03lu MHz)\n"
             "  heap   0x%08lx .. 0x%08lx  %lu bytes (%lu KiB)\n"
             "  stack  0x%08lx .. 0x%08lx  %lu bytes, %lu used so far\n",
             b->board, b->core, (unsigned long)(b->clock_hz / 1000000u),
             (unsigned long)(b->clock_hz / 1000u % 1000u),
             (unsigned long)b->heap_start, (unsigned long)b->heap_end,
             (unsigned long)heap, (unsigned long)(heap / 1024u),
             (unsigned long)b->stack_low, (unsigned long)b->stack_high,
             (unsigned long)k_stack_size(), (unsigned long)k_stack_high_water());

    if (ob_runtime_init((void *)b->heap_start, (size_t)heap) != 0) {
        k_printf("  runtime: %s\n", ob_err_message());
        return 1;
    }

    k_printf("\nobjects (getsizeof: the object's own block, as the pool rounds it)\n");
    ob_object *n = ob_small_from(42);
    ob_object *s = ob_str_from_cstr("sensor-7");
    ob_object *t = ob_tuple_pack(2, ob_small_from(3), ob_small_from(4));
    ob_object *l = ob_list_new();
    ob_object *d = ob_dict_new();
    CHECK(s && t && l && d);
    for (int i = 0; i < 5; i++)
        CHECK(ob_list_append(l, ob_small_from(i * i)) == 0);
    CHECK(ob_dict_set_cstr(d, "name", s) == 0);
    CHECK(ob_dict_set_cstr(d, "pos", t) == 0);
    CHECK(ob_dict_set_cstr(d, "log", l) == 0);
    show("small int (immediate)", n);
    show("str", s);
    show("tuple", t);
    show("list, capacity grows 0,4,8", l);
    show("dict", d);
    size_t deep = 0;
    CHECK(ob_deepsize(d, &deep) == 0);
    k_printf("  %-26s %-34s %3lu B\n", "deep size of the dict", "(each object once)",
             (unsigned long)deep);

    ob_object *w = ob_weakref_new(l, NULL, NULL);
    CHECK(w != NULL);
    ob_decref(l);
    ob_decref(s);
    ob_decref(t);
    ob_object *alive = ob_weakref_get(w);
    k_printf("  weakref to the list while the dict holds it: %s\n", alive ? "alive" : "gone");
    CHECK(alive != NULL);
    ob_decref(alive);
    ob_decref(d); /* frees the dict, the list, the string, the tuple at once */
    alive = ob_weakref_get(w);
    k_printf("  after the dict is dropped:                  %s (freed by counting)\n",
             alive ? "alive" : "gone");
    CHECK(alive == NULL);
    ob_decref(w);

    k_printf("\ngarbage cycles (counting cannot free them; the collector can)\n");
    ob_gc_disable();
    ob_stats st0;
    ob_stats_get(&st0);
    /* as many as fit comfortably: 300 on big boards, fewer on microbit */
    size_t CYCLES = heap / 200u < 300u ? heap / 200u : 300u;
    for (size_t i = 0; i < CYCLES; i++) {
        ob_object *a = ob_list_new(), *c = ob_dict_new();
        CHECK(a && c);
        CHECK(ob_list_append(a, c) == 0);
        CHECK(ob_dict_set_cstr(c, "back", a) == 0);
        ob_decref(a);
        ob_decref(c);
    }
    ob_stats st1;
    ob_stats_get(&st1);
    bar("objects held", st1.objects, st1.objects);
    k_printf("  %lu list<->dict cycles dropped by the firmware: %lu objects still held\n"
             "  (the cycles, and the interned key 'back' they share)\n",
             (unsigned long)CYCLES, (unsigned long)(st1.objects - st0.objects));

    /* An incremental collection, carried by the kernel's periodic hook. */
    ob_gc_enable();
    CHECK(ob_gc_start(2) == 0);
    k_periodic_hook_set(gc_tick, 1);
    uint32_t t0 = k_time_ms();
    ob_gc_phase last = OB_GC_IDLE;
    while (ob_gc_phase_now() != OB_GC_IDLE && k_time_ms() - t0 < 5000u) {
        ob_gc_phase p = ob_gc_phase_now();
        if (p != last) {
            ob_stats now;
            ob_stats_get(&now);
            k_printf("  %-9s", ob_gc_phase_name(p));
            bar("", now.objects, st1.objects);
            last = p;
        }
        k_idle();
    }
    k_periodic_hook_set(NULL, 0);
    ob_stats st2;
    ob_stats_get(&st2);
    ob_gc_stats gs;
    ob_gc_get_stats(&gs);
    k_printf("  %-9s", "done");
    bar("", st2.objects, st1.objects);
    k_printf("  collected %lu objects in %lu steps; longest step %lu work units",
             (unsigned long)gs.gen[2].collected, (unsigned long)gs.steps,
             (unsigned long)gs.longest_step_work);
    if (ob_hooks_get()->timestamp_hz)
        k_printf(", %lu us", (unsigned long)((uint64_t)gs.longest_step_ticks * 1000000u /
                                             ob_hooks_get()->timestamp_hz));
    k_printf("\n");
    CHECK(st2.objects == st0.objects);
    CHECK(gs.gen[2].collected == 2u * CYCLES);

    ob_heap_stats hs;
    ob_heap_stats_get(ob_runtime_heap(), &hs);
    k_printf("\nheap after the tour: %lu bytes held, peak %lu, largest free block %lu\n",
             (unsigned long)hs.bytes_held, (unsigned long)hs.bytes_peak,
             (unsigned long)hs.largest_free);
    ob_runtime_fini();
    k_printf("  uptime %lu ms, stack used %lu of %lu bytes\n", (unsigned long)k_time_ms(),
             (unsigned long)k_stack_high_water(), (unsigned long)k_stack_size());
    if (failures)
        k_printf("demo: %d check(s) failed\n", failures);
    return failures ? 1 : 0;
}
