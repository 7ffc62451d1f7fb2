/* heap_t.h - what the heap suites share: the region test heaps live in (a
 * static array on the host, the linker's heap, k_board(), on a board, so
 * small boards keep their RAM), a fresh heap over part of it, and CHECK:
 * the whole-heap check, reported as a test failure. A suite may define
 * HEAP_T_HOST_BYTES (the host array's size) before including it. Included
 * after ob_heap.h (and after test_release.c's renames). */
#ifndef HEAP_T_H
#define HEAP_T_H

#include <stddef.h>
#include <stdint.h>

#include "k.h"
#include "ob_config.h"
#include "t.h"

#ifndef HEAP_T_HOST_BYTES
#define HEAP_T_HOST_BYTES (1024u * 1024u)
#endif

#ifdef OB_HOST
static _Alignas(OB_ARENA_SIZE) unsigned char host_mem[HEAP_T_HOST_BYTES];
#endif

static unsigned char *region(size_t *size)
{
#ifdef OB_HOST
    *size = sizeof host_mem;
    return host_mem;
#else
    const k_board_info *b = k_board();
    *size = (size_t)(b->heap_end - b->heap_start);
    return (unsigned char *)b->heap_start;
#endif
}

/* A fresh heap over at most `want` bytes of the region (SIZE_MAX: all). */
static ob_heap *fresh(size_t want)
{
    size_t avail;
    unsigned char *m = region(&avail);
    ob_heap *h = ob_heap_init(m, want < avail ? want : avail);
    T_ASSERT(h != NULL);
    return h;
}

#define CHECK(h)                                                               \
    do {                                                                       \
        const char *m_ = ob_heap_check(h);                                    \
        if (m_)                                                                \
            t_fail(__FILE__, __LINE__, "heap check: %s", m_);                  \
    } while (0)

/* Frees b[0..n) (NULL entries skipped, each set to NULL), the whole heap
 * checked after each free; a failure names the caller's line. */
#define FREE_EACH(h, b, n) free_each_((h), (b), (n), __FILE__, __LINE__)
static inline void free_each_(ob_heap *h, char **b, size_t n, const char *file, int line)
{
    for (size_t i = 0; i < n; i++)
        if (b[i]) {
            ob_heap_free(h, b[i]);
            b[i] = NULL;
            const char *m = ob_heap_check(h);
            if (m)
                t_fail(file, line, "heap check after freeing block %u: %s", (unsigned)i, m);
        }
}

/* The start of the pool that holds small block p. */
static inline uintptr_t pool_of(const void *p)
{
    return (uintptr_t)p & ~(uintptr_t)(OB_POOL_SIZE - 1);
}

#endif /* HEAP_T_H */
