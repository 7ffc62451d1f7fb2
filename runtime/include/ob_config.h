/* ob_config.h - every tunable of the Obol runtime, in one place.
 *
 * Each setting is `#ifndef X / #define X default`, with its unit and range:
 * a board (boards/<name>/board.mk, through -D flags) or an embedding firmware
 * may override any of them. Boolean switches are 0/1 and tested with #if
 * (the build uses -Wundef, so a misspelt switch is an error).
 *
 * This file is also run through the C preprocessor to make the linker script
 * (OB_LINKER_SCRIPT is then defined): everything above the C-only part must
 * be plain #defines of plain integers (no 'u' suffixes, no casts), because
 * the linker reads the same numbers.
 */
#ifndef OB_CONFIG_H
#define OB_CONFIG_H

/* ---- build flavour ------------------------------------------------------ */

/* 1: checked build - misuse of the API (double free, foreign pointers, count
 * below zero, use after free) is detected and reported through the panic
 * hook; freed memory is poisoned. 0: release build, small and fast. */
#ifndef OB_CHECKED
#define OB_CHECKED 1
#endif

/* ---- heap geometry (see docs/memory.md) -------------------------------- */
/* The heap section is completed by the heap module: arena size, pool size,
 * small-object limit, per-board profiles. The linker script aligns
 * __heap_start and __heap_end to OB_ARENA_SIZE. */

/* OB_HEAP_GEOMETRY_BEGIN */
#ifndef OB_ARENA_SIZE
#define OB_ARENA_SIZE 4096
#endif
/* OB_HEAP_GEOMETRY_END */

#ifndef OB_LINKER_SCRIPT
/* ---- C-only part: types, derived constants and checks ------------------ */
#include <assert.h>

static_assert((OB_ARENA_SIZE & (OB_ARENA_SIZE - 1)) == 0,
              "OB_ARENA_SIZE must be a power of two");

#endif /* !OB_LINKER_SCRIPT */
#endif /* OB_CONFIG_H */
