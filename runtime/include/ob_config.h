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
/* Three profiles; a board picks one with -DOB_HEAP_SMALL=1 or
 * -DOB_HEAP_LARGE=1 in its board.mk (BOARD_DEFS), or overrides any value.
 *
 *   profile  RAM          arena   pool   small limit   used by
 *   SMALL    16-20 KiB    1 KiB   512 B  128 B         microbit, bluepill-f103c8
 *   default  64 KiB-1 MiB 8 KiB   1 KiB  256 B         lm3s6965evb, netduinoplus2,
 *                                                      nucleo, discovery, nrf52840
 *   LARGE    MiBs         32 KiB  4 KiB  256 B         mps2-* (when the board sets it)
 *
 * OB_ARENA_SIZE: bytes per arena, a power of two, 1 KiB..1 MiB. The linker
 *   aligns the heap to it; the raw layer hands out whole arenas.
 * OB_POOL_SIZE: bytes per pool, a power of two, 256 B..OB_ARENA_SIZE, at most
 *   32 KiB (block offsets are 16-bit). One pool serves one size class.
 * OB_SMALL_LIMIT: the largest request served from pools, in bytes, a multiple
 *   of 8 from 8 to 512; larger requests take the large-object path. A pool
 *   must hold at least two blocks of the largest class.
 * Small boards use 128: a 512-byte pool holds only one 256-byte block, and
 *   the large path costs 8 bytes per object. */
#ifndef OB_HEAP_SMALL
#define OB_HEAP_SMALL 0
#endif
#ifndef OB_HEAP_LARGE
#define OB_HEAP_LARGE 0
#endif

#if OB_HEAP_SMALL
#ifndef OB_ARENA_SIZE
#define OB_ARENA_SIZE 1024
#endif
#ifndef OB_POOL_SIZE
#define OB_POOL_SIZE 512
#endif
#ifndef OB_SMALL_LIMIT
#define OB_SMALL_LIMIT 128
#endif
#elif OB_HEAP_LARGE
#ifndef OB_ARENA_SIZE
#define OB_ARENA_SIZE 32768
#endif
#ifndef OB_POOL_SIZE
#define OB_POOL_SIZE 4096
#endif
#endif

#ifndef OB_ARENA_SIZE
#define OB_ARENA_SIZE 8192
#endif
#ifndef OB_POOL_SIZE
#define OB_POOL_SIZE 1024
#endif
#ifndef OB_SMALL_LIMIT
#define OB_SMALL_LIMIT 256
#endif
/* OB_HEAP_QUICK_BYTES: at most this many bytes of freed large blocks are
 *   kept unmerged for reuse by a request of the same size (the quick
 *   lists). It adds to the live bytes in the fragmentation bound
 *   (docs/memory.md); 0 turns the quick lists off. */
#ifndef OB_HEAP_QUICK_BYTES
#if OB_HEAP_SMALL
#define OB_HEAP_QUICK_BYTES 0
#else
#define OB_HEAP_QUICK_BYTES (2 * OB_ARENA_SIZE)
#endif
#endif
/* OB_HEAP_PRESLOT: 1 cuts the whole range into free slots at init, so that
 *   arenas come from them in O(1) from the start; 0 keeps it one free extent
 *   (arenas are cut from it until emptied ones come back as free slots).
 *   Small boards use 0: with 1 KiB arenas and large blocks of about that
 *   size, turning slots back into extents for large blocks costs more than
 *   cutting the few arenas from extents. */
#ifndef OB_HEAP_PRESLOT
#define OB_HEAP_PRESLOT (!OB_HEAP_SMALL)
#endif
/* OB_HEAP_GEOMETRY_END */

#ifndef OB_LINKER_SCRIPT
/* ---- C-only part: types, derived constants and checks ------------------ */
#include <assert.h>

/* Heap geometry: derived constants and every relation the heap relies on. */
#define OB_SIZE_CLASSES (OB_SMALL_LIMIT / 8)              /* classes 8, 16, ... */
#define OB_POOLS_PER_ARENA (OB_ARENA_SIZE / OB_POOL_SIZE)

static_assert(!(OB_HEAP_SMALL && OB_HEAP_LARGE),
              "OB_HEAP_SMALL and OB_HEAP_LARGE are exclusive");
static_assert((OB_ARENA_SIZE & (OB_ARENA_SIZE - 1)) == 0,
              "OB_ARENA_SIZE must be a power of two");
static_assert(OB_ARENA_SIZE >= 1024 && OB_ARENA_SIZE <= 1048576,
              "OB_ARENA_SIZE must be 1 KiB..1 MiB");
static_assert((OB_POOL_SIZE & (OB_POOL_SIZE - 1)) == 0,
              "OB_POOL_SIZE must be a power of two");
static_assert(OB_POOL_SIZE >= 256 && OB_POOL_SIZE <= 32768,
              "OB_POOL_SIZE must be 256 B..32 KiB (16-bit block offsets)");
static_assert(OB_POOL_SIZE <= OB_ARENA_SIZE, "a pool must fit in an arena");
static_assert(OB_POOLS_PER_ARENA >= 1 && OB_POOLS_PER_ARENA <= 64,
              "an arena holds 1..64 pools (8-bit counts, a bounded reorder step)");
static_assert(OB_SMALL_LIMIT % 8 == 0 && OB_SMALL_LIMIT >= 8 && OB_SMALL_LIMIT <= 512,
              "OB_SMALL_LIMIT must be a multiple of 8 in 8..512");
static_assert(OB_POOL_SIZE - 32 >= 2 * OB_SMALL_LIMIT,
              "a pool must hold two blocks of the largest size class after its header");

#endif /* !OB_LINKER_SCRIPT */
#ifndef OB_LINKER_SCRIPT
/* The free of a small block is written in assembly (runtime/heap.c, next
 * to its C) in release builds on ARMv7-M and ARMv8-M Mainline: 20
 * instructions where GCC makes 24 of the C (docs/memory.md, "Cost of the
 * fast paths"). 0 takes the C everywhere (EXTRA_CFLAGS=-DOB_HEAP_FREE_ASM=0:
 * the same results). Checked builds always take the C. */
#ifndef OB_HEAP_FREE_ASM
#if (defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__) || defined(__ARM_ARCH_8M_MAIN__)) && \
    !OB_CHECKED
#define OB_HEAP_FREE_ASM 1
#else
#define OB_HEAP_FREE_ASM 0
#endif
#endif

/* ---- objects (see docs/objects.md) -------------------------------------- */

/* Deepest nesting of containers that hash, ==, repr and the checked walkers
 * follow (they use a fixed explicit stack, never recursion). Beyond it ==
 * and hash fail with OB_E_DEPTH and repr prints "...". Each level costs
 * about 12 bytes of stack. Range 4..64. */
#ifndef OB_NEST_MAX
#define OB_NEST_MAX 16
#endif

/* Smallest dict index table (slots, a power of two >= 4). CPython uses 8;
 * 4 holds 2 entries before the first resize. */
#ifndef OB_DICT_MINSIZE
#define OB_DICT_MINSIZE 8
#endif

/* Dicts of at most this many entries use a linear table: {key, value}
 * pairs searched in order, no index and no stored hashes (8 bytes per entry
 * instead of 12 plus the index). 0 turns it off (CPython's layout for every
 * size). A power of two, 0 or 4..32. */
#ifndef OB_DICT_LINEAR_MAX
#define OB_DICT_LINEAR_MAX 8
#endif

/* Smallest intern table (slots, a power of two). Grows at 2/3 full. */
#ifndef OB_INTERN_MINSIZE
#define OB_INTERN_MINSIZE 16
#endif

/* Smallest set table (slots, a power of two >= 4). */
#ifndef OB_SET_MINSIZE
#define OB_SET_MINSIZE 8
#endif

/* ---- collector (see docs/gc.md) --------------------------------------- */
/* Generation thresholds (CPython's 700/10/10), changeable at run time. */
#ifndef OB_GC_THRESHOLD0
#define OB_GC_THRESHOLD0 700
#endif
#ifndef OB_GC_THRESHOLD1
#define OB_GC_THRESHOLD1 10
#endif
#ifndef OB_GC_THRESHOLD2
#define OB_GC_THRESHOLD2 10
#endif
/* Entries of the young table (4 bytes each, taken from the heap when the
 * runtime starts): generation 0 is found through it without walking the
 * heap. When it is full a young collection starts, and objects made while
 * it is full go straight to generation 1. 16..4095. */
#ifndef OB_GC_YOUNG_CAP
#if OB_HEAP_SMALL
#define OB_GC_YOUNG_CAP 32
#else
#define OB_GC_YOUNG_CAP 1536
#endif
#endif
/* Work units (an object visited or a reference followed) per incremental
 * step, by default (measured by make bench: about 21 instructions each on
 * Cortex-M3, 39 on Cortex-M0, where the small profile's 288 keep a step
 * and the allocation around it under 20 000 instructions, as 384 do on
 * Cortex-M3); and per tracked allocation while a collection
 * runs (the progress rule of docs/gc.md multiplies it as the young
 * generation grows past its threshold). A whole step per allocation makes a
 * young collection end within a few dozen allocations, so garbage made
 * meanwhile waits little: the peak heap stays that of stop-the-world. */
#if OB_HEAP_SMALL
#define OB_GC_BUDGET_DEFAULT_ 288
#else
#define OB_GC_BUDGET_DEFAULT_ 384
#endif
#ifndef OB_GC_STEP_BUDGET
#define OB_GC_STEP_BUDGET OB_GC_BUDGET_DEFAULT_
#endif
#ifndef OB_GC_ALLOC_BUDGET
#define OB_GC_ALLOC_BUDGET OB_GC_BUDGET_DEFAULT_
#endif
/* Entries of the collector's mark stack (4 bytes each, static); when it
 * overflows the collector walks the set again instead. 8..1024. */
#ifndef OB_GC_MARK_STACK
#define OB_GC_MARK_STACK 64
#endif

/* The stop-the-world collector loops in assembly (runtime/arch/gc_v7m.S)
 * on ARMv7-M (Cortex-M3/M4/M7) and ARMv8-M Mainline (Cortex-M33/M55,
 * the same Thumb-2) outside the small-RAM profile: 1, or 0 for gc.c's C
 * loops everywhere (EXTRA_CFLAGS=-DOB_GC_ASM=0: the same results, more
 * instructions). */
#ifndef OB_GC_ASM
#if (defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__) || defined(__ARM_ARCH_8M_MAIN__)) && \
    !OB_HEAP_SMALL
#define OB_GC_ASM 1
#else
#define OB_GC_ASM 0
#endif
#endif

/* Members with 4095 or more references at the start of a collection
 * whose exact figure the collector keeps (8 bytes each, static); beyond
 * these, such a member is kept for that collection. 1..256. */
#ifndef OB_GC_BIG
#define OB_GC_BIG 16
#endif

static_assert(OB_GC_BIG >= 1 && OB_GC_BIG <= 256, "OB_GC_BIG must be 1..256");
static_assert(OB_GC_YOUNG_CAP >= 16 && OB_GC_YOUNG_CAP <= 4095, "OB_GC_YOUNG_CAP must be 16..4095");
static_assert(OB_GC_MARK_STACK >= 8 && OB_GC_MARK_STACK <= 1024, "OB_GC_MARK_STACK must be 8..1024");
static_assert(OB_NEST_MAX >= 4 && OB_NEST_MAX <= 64, "OB_NEST_MAX out of range");
static_assert(OB_DICT_MINSIZE >= 4 && (OB_DICT_MINSIZE & (OB_DICT_MINSIZE - 1)) == 0,
              "OB_DICT_MINSIZE must be a power of two >= 4");
static_assert(OB_DICT_LINEAR_MAX == 0 || (OB_DICT_LINEAR_MAX >= 4 && OB_DICT_LINEAR_MAX <= 32 &&
              (OB_DICT_LINEAR_MAX & (OB_DICT_LINEAR_MAX - 1)) == 0),
              "OB_DICT_LINEAR_MAX must be 0 or a power of two in 4..32");
static_assert(OB_SET_MINSIZE >= 4 && (OB_SET_MINSIZE & (OB_SET_MINSIZE - 1)) == 0,
              "OB_SET_MINSIZE must be a power of two >= 4");
#endif /* !OB_LINKER_SCRIPT (objects) */

#endif /* OB_CONFIG_H */
