/* obt.h - shared set-up for the object tests: a fresh runtime per case on
 * the board's linker heap (a static array on the host), a panic hook that
 * records misuse reports instead of stopping, and a leak check at the end
 * of every case (objects, blocks and heap bytes back to where they were). */
#ifndef OBT_H
#define OBT_H

#include <string.h>

#include "k.h"
#include "ob_fmt.h"
#include "ob_heap.h"
#include "ob_hooks.h"
#include "ob_object.h"
#include "ob_types.h"
#include "t.h"

#ifdef OB_HOST
#define OBT_HOST_HEAP (16u << 20)
static _Alignas(OB_ARENA_SIZE) uint8_t obt_host_heap[OBT_HOST_HEAP];
#endif

static char obt_panic_msg[160];
static int obt_panics;
static ob_hooks obt_saved_hooks;
static int obt_hooks_saved;
static size_t obt_start_bytes;

static inline void obt_panic(const char *file, int line, const char *what)
{
    (void)file;
    (void)line;
    obt_panics++;
    size_t n = strlen(what);
    if (n >= sizeof obt_panic_msg)
        n = sizeof obt_panic_msg - 1;
    memcpy(obt_panic_msg, what, n);
    obt_panic_msg[n] = '\0';
}

static inline void obt_heap_range(void **base, size_t *size)
{
#ifdef OB_HOST
    *base = obt_host_heap;
    *size = sizeof obt_host_heap;
#else
    const k_board_info *b = k_board();
    *base = (void *)b->heap_start;
    *size = (size_t)(b->heap_end - b->heap_start);
#endif
}

static inline size_t obt_heap_held(void)
{
    ob_heap_stats st;
    ob_heap_stats_get(ob_runtime_heap(), &st);
    return st.bytes_held;
}

/* Starts a case: a fresh runtime over the whole test heap. */
static inline void obt_begin(void)
{
    if (!obt_hooks_saved) {
        obt_saved_hooks = *ob_hooks_get();
        obt_hooks_saved = 1;
    }
    ob_hooks h = obt_saved_hooks;
    h.panic = obt_panic;
    ob_hooks_set(&h);
    obt_panics = 0;
    obt_panic_msg[0] = '\0';
    ob_runtime_fini(); /* a failed case may have left one running */
    void *base;
    size_t size;
    obt_heap_range(&base, &size);
    T_EQ(ob_runtime_init(base, size), 0);
    ob_err_clear();
    obt_start_bytes = obt_heap_held();
}

/* Ends a case: nothing leaked, no unexpected misuse report. */
static inline void obt_end(void)
{
    ob_stats st;
    ob_stats_get(&st);
    T_EQ(st.objects, 0);
    T_EQ(st.blocks, 0);
    T_EQ(st.bytes, 0);
    T_EQ(ob_str_intern_count(), 0);
    T_EQ(obt_heap_held(), obt_start_bytes);
    T_EQ(obt_panics, 0);
    T_ASSERT(ob_heap_check(ob_runtime_heap()) == NULL);
    ob_runtime_fini();
    ob_hooks_set(&obt_saved_hooks);
}

/* Repr into a static buffer (for T_EQ_STR). */
static inline const char *obt_repr(ob_object *o)
{
    static char buf[256];
    ob_repr_buf(o, buf, sizeof buf);
    return buf;
}

#endif /* OBT_H */
