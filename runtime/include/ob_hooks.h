/* ob_hooks.h - what the runtime needs from the world outside it.
 *
 * The runtime knows no board and no kernel. Everything it needs from outside
 * comes through this table, which the kernel, a host test or an embedding
 * firmware fills in with ob_hooks_set(). Every member may be NULL: the
 * runtime then uses a safe default (see each member).
 */
#ifndef OB_HOOKS_H
#define OB_HOOKS_H

#include <stddef.h>
#include <stdint.h>

typedef struct ob_hooks {
    /* Misuse detected (double free, foreign pointer, count below zero...).
     * `what` is a one-line message naming the call and the problem; `file`
     * and `line` say where in the runtime it was detected.
     * If this returns, the runtime refuses the offending operation and leaves
     * its state unchanged (tests rely on this to check each message).
     * Default (NULL): the message is written through `write`, then the
     * runtime spins forever - a checked build never continues silently. */
    void (*panic)(const char *file, int line, const char *what);

    /* Mutual exclusion for an RTOS that shares one runtime between tasks.
     * Default: no locking (one context owns the runtime, DESIGN decision 10). */
    void (*lock)(void);
    void (*unlock)(void);

    /* A monotonic fine time stamp, in ticks of `timestamp_hz`, for pause
     * statistics. Default: 0 (statistics then count work, not time). */
    uint32_t (*timestamp)(void);
    uint32_t timestamp_hz;

    /* Console output for summaries and debug printing. Default: discarded. */
    void (*write)(const char *s, size_t n);
} ob_hooks;

/* Installs the hooks (copied; the table may be temporary). NULL restores the
 * defaults. Not ISR-safe; call before using the runtime. O(1). */
void ob_hooks_set(const ob_hooks *hooks);

/* The hooks in force (never NULL). */
const ob_hooks *ob_hooks_get(void);

/* Reports misuse through the panic hook. Returns only if the hook returns. */
void ob_panic_(const char *file, int line, const char *what);
#define OB_PANIC(what) ob_panic_(__FILE__, __LINE__, (what))

/* Writes through the write hook (nothing if none is set). */
void ob_write(const char *s, size_t n);

#endif /* OB_HOOKS_H */
