/* ob_heap.h - the memory stack's lower layers: a static range of RAM carved
 * into arenas, arenas into pools, pools into fixed-size blocks (CPython's
 * pymalloc scheme), with a large-object path for what no block fits.
 *
 * Everything above (objects, collector) allocates through this; nothing in
 * Obol calls malloc. Several independent heaps may exist at once (one per
 * test, or one per subsystem of a firmware): each is described by a handle
 * that lives inside the range it manages.
 *
 * Contracts common to every call:
 * - Not ISR-safe; one context at a time (see ob_hooks.h lock hooks).
 * - Never recursive, never calls malloc.
 * - Misuse (double free, a pointer outside the heap, a pointer inside it that
 *   is not a block start, use after free) is detected in checked builds
 *   (OB_CHECKED=1) and reported through the panic hook; if the hook returns,
 *   the call does nothing. Release builds do not check.
 */
#ifndef OB_HEAP_H
#define OB_HEAP_H

#include <stddef.h>
#include <stdint.h>

#include "ob_config.h"

typedef struct ob_heap ob_heap;

/* Takes over [base, base + size). The range is trimmed inward to arena
 * alignment; the handle is placed inside it. Returns NULL (and touches
 * nothing) when the range cannot hold the handle and at least one arena.
 * O(1). */
ob_heap *ob_heap_init(void *base, size_t size);

/* A block of at least n bytes, aligned to 8, or NULL when n is 0, when n is
 * larger than the heap could ever serve, or when memory is exhausted (after
 * the out-of-memory handler, if any, had its one chance). The heap is
 * unchanged on NULL. Small sizes (<= OB_SMALL_LIMIT): O(1). Large sizes:
 * bounded by the number of free extents (see docs/memory.md). */
void *ob_heap_alloc(ob_heap *h, size_t n) __attribute__((warn_unused_result));

/* Returns p's block. NULL is a no-op. Small blocks: O(1). */
void ob_heap_free(ob_heap *h, void *p);

/* Resizes p to n bytes, keeping the contents up to the smaller size. Keeps
 * the block when n fits its size class. p == NULL acts as alloc; n == 0
 * frees p and returns NULL. On failure returns NULL and p is untouched. */
void *ob_heap_realloc(ob_heap *h, void *p, size_t n) __attribute__((warn_unused_result));

/* Bytes usable in p's block (the request rounded up to its size class, or
 * the large extent's payload): what getsizeof reports. O(1). */
size_t ob_heap_block_size(const ob_heap *h, const void *p);

/* True when p lies inside this heap's managed range (not necessarily a live
 * block). O(1), a range check. */
int ob_heap_contains(const ob_heap *h, const void *p);

/* Called once when an allocation is about to fail; when it returns non-zero
 * (it freed something), the allocation is retried once. Not re-entered: an
 * allocation made by the handler itself that fails simply fails. */
typedef int (*ob_heap_oom_fn)(ob_heap *h, size_t request, void *ctx);
void ob_heap_oom_handler_set(ob_heap *h, ob_heap_oom_fn fn, void *ctx);

/* Fault injection for tests (SQLite-style): after `after` more successful
 * allocations, the next `count` allocations fail (count 0: never fail). */
void ob_heap_fail_set(ob_heap *h, uint32_t after, uint32_t count);

#endif /* OB_HEAP_H */
