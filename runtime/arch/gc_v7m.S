/* gc_v7m.S - the stop-the-world SUBTRACT and MARK over one run of the heap
 * walk, in Thumb-2 for ARMv7-M (Cortex-M3/M4/M7) and ARMv8-M Mainline
 * (Cortex-M33/M55: the same instructions). gc.c's subtract_span_stw
 * and mark_span_stw are the same loops in C (the host builds those, and
 * any target with OB_GC_ASM=0); these copies exist because GCC keeps too few of the loops' values
 * in registers, and a full collection's cost per live object is one of
 * issue 5's goals (docs/gc.md, "Stop-the-world runs";
 * docs/benchmarks.md).
 *
 * uint32_t ob_gc_subtract_span_v7m(uintptr_t b, uintptr_t end, uint32_t step,
 *                                  int ordered);
 * (c: the phase's context, ob_gc_stw_sub_; ordered is not used)
 *
 * Goes through the blocks [b, end), step bytes apart; an entry is a block
 * whose gc word w has (w & c->mask) == c->want. An entry not yet in the set
 * joins it if it may (old, its generation below the limit: one compare),
 * and each reference it holds to a heap container that is a member, or may
 * join (then joins, as above: a young object that may join has joined
 * already, the young table's part of the walk came first), adds one to
 * that member's refs (the big table past 4093, in C). Joining is INSET in
 * the gc word: both loops run only in a collection that is stop-the-world
 * from its start, whose barrier waits for the decision (gc.c, gc.lazy).
 * Returns the units (entries plus references looked at); what joined is
 * added to *c->joined.
 *
 * uint32_t ob_gc_mark_span_v7m(uintptr_t b, uintptr_t end, uint32_t step,
 *                              int ordered);
 * (c: the phase's context, ob_gc_stw_mark_)
 *
 * Goes through the blocks [b, end), step bytes apart. A block that is a
 * member (gc word: TAG and INSET, not YOUNG) and is marked or held from
 * outside (count above refs, refs not the big table's 4095) is scanned,
 * then everything the scan pushed. A scan marks each member it references
 * that is neither marked nor scanned; it pushes it unless the walk has
 * still to come to it (a gc word above the run's current block, not young,
 * the run ordered); then the object is promoted (out of the set, one
 * generation up; no barrier to lift). Returns the units (objects scanned plus
 * references looked at); *c->sp is the stack's entries again, and the
 * objects scanned are added to *c->left.
 *
 * The constants below are gc.c's and ob_object.h's; gc.c checks each of
 * them with a static_assert next to its definitions of the contexts.
 */
    .syntax unified
    .thumb

#if defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__) || defined(__ARM_ARCH_8M_MAIN__)

/* gc word bits */
#define GW_TRACKED  0x08
#define GW_GEN2     0x04        /* GEN >= 2 */
#define GW_GEN_MASK 0x06
#define GW_INSET    0x10
#define GW_MARK     0x20
#define GW_YOUNG    0x80
#define GW_FLAGS_CLEARED 0x70   /* INSET | MARK | COUNTED */
#define MARK_MASK   0x91        /* TAG | INSET | YOUNG */
#define MARK_WANT   0x11        /* TAG | INSET */
#define REFS_BIG    4095
/* count word bits */
#define F_GCWORD    0x40
/* object layout, from the gc word (the object is 4 bytes on) */
#define W_RC        4
#define W_TYPE      8
#define W_TUPLE_N   12
#define W_TUPLE_ITEMS 16
#define T_REFS_AT   64
#define T_REFS_N    66
#define T_REFS_SHAPE 68
#define W_LIST_N    12
#define W_LIST_ITEMS 20
#define REFS_FLAG   0x8000      /* OB_REFS_INDIRECT, OB_REFS_COUNTED */
#define CTX_TUPLE   12          /* &ob_tuple_type, in MARK's context */
/* ob_gc_mark_ctx */
#define C_SP        0
#define C_BASE      4
#define C_LIM       8
#define C_GEN       16
#define C_UNORDERED 20
#define C_LEFT      24
#define C_RESCAN    28

/* ob_gc_sub_ctx */
#define S_MASK      0
#define SUB_WANT    0x09        /* TAG | TRACKED: always the filter's want */
#define S_LIM       8
#define S_JOINED    12
#define GW_JOIN_MASK 0x8E       /* YOUNG | TRACKED | GEN */
#define REFS_ONE    0x100000
#define REFS_HIGH   0x200000    /* -this: refs 4094 and up (cmn) */

/* What both loops do alike (r8: the context).
 *
 * REFS_OF w, nonempty, empty, traverse, general: the references of the
 * object whose gc word is at w (gc.c's refs_of, by the type's
 * refs_shape): r0 the array, r1 its length, on to nonempty (at least one:
 * a tuple falls through to what follows the macro; a FIXED shape has one
 * or more) or to empty; a type with none goes to traverse, and one whose
 * array or length is elsewhere (decoded, shape ANY) to general with r0, r1
 * as the type has them and r2 the object. Uses r2, r3, lr. */
    .macro REFS_OF w, nonempty, empty, traverse, general
    ldr     r3, [\w, #W_TYPE]
    ldrb    lr, [r3, #T_REFS_SHAPE]
    tbb     [pc, lr]
1:  .byte   (3f - 1b) / 2           /* OB_REFS_SHAPE_ANY */
    .byte   (4f - 1b) / 2           /* FIXED */
    .byte   (5f - 1b) / 2           /* TUPLE */
    .byte   (6f - 1b) / 2           /* LIST */
    .byte   (\traverse - 1b) / 2    /* TRAVERSE */
    .align  1
3:  ldrh    r0, [r3, #T_REFS_AT]
    ldrh    r1, [r3, #T_REFS_N]
    cmp     r0, #0
    beq     \traverse
    add     r2, \w, #4              /* the object */
    orr     lr, r0, r1
    tst     lr, #REFS_FLAG
    bne     \general
    add     r0, r0, r2              /* the array inside the object */
    cbnz    r1, \nonempty
    b       \empty
4:  ldrh    r0, [r3, #T_REFS_AT]
    ldrh    r1, [r3, #T_REFS_N]
    add     r0, r0, \w
    add     r0, r0, #4
    b       \nonempty
6:  ldr     r1, [\w, #W_LIST_N]
    ldr     r0, [\w, #W_LIST_ITEMS]
    cbnz    r1, \nonempty
    b       \empty
5:  ldr     r1, [\w, #W_TUPLE_N]
    add     r0, \w, #W_TUPLE_ITEMS
    .endm

/* REFS_GENERAL nonempty, empty: REFS_OF's general case, then on. */
    .macro REFS_GENERAL nonempty, empty
    tst     r1, #REFS_FLAG
    itt     ne
    bicne   r1, r1, #REFS_FLAG
    ldrne   r1, [r2, r1]            /* the length is a field */
    tst     r0, #REFS_FLAG
    itte    ne
    bicne   r0, r0, #REFS_FLAG
    ldrne   r0, [r2, r0]            /* the array is a side block */
    addeq   r0, r0, r2
    cmp     r1, #0
    bne     \nonempty
    b       \empty
    .endm

/* CONTAINER skip: the next slot (r0 advances) in r2; on to skip unless
 * it is a heap container (not NULL, not a small int, OB_F_GCWORD in its
 * count word), else r3 its gc word. Uses lr. */
    .macro CONTAINER skip
    ldr     r2, [r0], #4
    cbz     r2, \skip               /* NULL */
    tst     r2, #1
    bne     \skip                   /* small int */
    ldr     lr, [r2]
    tst     lr, #F_GCWORD
    beq     \skip                   /* no gc word: a leaf, or immortal */
    ldr     r3, [r2, #-4]
    .endm

/* registers:
 *   r0 p (slot), r1 e (slots' end), r2 r (a slot's value), r3 its gc word
 *   r4 the filter's mask, r5 b (the entry's gc word), r6 end, r7 step, r8 c,
 *   r9 joined, r10 the join limit (c->lim), r11 units, r12 and lr scratch */
    .section .text.ob_gc_subtract_span_v7m, "ax", %progbits
    .global ob_gc_subtract_span_v7m
    .type ob_gc_subtract_span_v7m, %function
    .thumb_func
    .align 2
ob_gc_subtract_span_v7m:
    ldr     r12, =ob_gc_stw_sub_    /* a run with no entry (a generation 1 */
    ldr     r12, [r12, #S_MASK]     /* collection among old objects) costs */
    cmp     r0, r1                  /* no more than its filter */
    bhs     .LSnone
.LSfirst:
    ldr     r3, [r0]
    and     r3, r3, r12
    cmp     r3, #SUB_WANT
    beq     .LSstart
    add     r0, r0, r2
    cmp     r0, r1
    blo     .LSfirst
.LSnone:
    movs    r0, #0
    bx      lr
.LSstart:
    push    {r3-r11, lr}
    mov     r5, r0
    mov     r6, r1
    mov     r7, r2
    ldr     r8, =ob_gc_stw_sub_
    ldr     r4, [r8, #S_MASK]
    ldr     r10, [r8, #S_LIM]
    movs    r0, #0
    mov     r9, r0
    mov     r11, r0
    b       .LScheck
.LSnext:                            /* after an entry */
    add     r5, r5, r7
.LScheck:
    cmp     r5, r6
    bhs     .LSdone
.LSskip:                            /* the filter */
    ldr     r3, [r5]
    and     r2, r3, r4
    cmp     r2, #SUB_WANT
    beq     .LSentry
    add     r5, r5, r7
    cmp     r5, r6
    blo     .LSskip
    b       .LSdone
.LSentry:                           /* the object: its fields from r5 (gc word) */
    tst     r3, #GW_INSET
    bne     .LSrefs
    and     r12, r3, #GW_JOIN_MASK  /* the walk's entries are old: one compare */
    sub     r12, r12, #GW_TRACKED
    cmp     r12, r10
    bhs     .LSnext
    orr     r3, r3, #GW_INSET       /* joins (no barrier: gc.lazy) */
    str     r3, [r5]
    add     r9, r9, #1
.LSrefs:
    REFS_OF r5, .LSnonempty, .LSempty, .LStraverse, .LSgeneral
.LSnonempty:                        /* r0 p, r1 n (1 or more) */
    add     r11, r11, r1
    add     r11, r11, #1
    add     r1, r0, r1, lsl #2
.LSslot:
    CONTAINER .LSslot_end
    tst     r3, #GW_INSET
    bne     .LScount
    and     lr, r3, #GW_JOIN_MASK   /* may it join? one compare (a young */
    sub     lr, lr, #GW_TRACKED     /* object that may has joined: the */
    cmp     lr, r10                 /* table's part came first) */
    bhs     .LSslot_end
    orr     r3, r3, #GW_INSET       /* joins */
    add     r9, r9, #1
.LScount:
    cmn     r3, #REFS_HIGH
    bhs     .LSbig
    add     r3, r3, #REFS_ONE
    str     r3, [r2, #-4]
.LSslot_end:
    cmp     r0, r1
    bne     .LSslot
    b       .LSnext
.LSbig:                             /* refs 4094 and up: the big table (C) */
    push    {r0, r1}
    mov     r0, r2
    sub     r1, r2, #4
    mov     r2, r3
    bl      ob_gc_stw_count_big_
    pop     {r0, r1}
    b       .LSslot_end
.LSgeneral:
    REFS_GENERAL .LSnonempty, .LSempty
.LSempty:
    add     r11, r11, #1
    b       .LSnext
.LStraverse:                        /* through the type's traverse (C) */
    add     r0, r5, #4
    bl      ob_gc_stw_subtract_traverse_
    add     r11, r11, r0
    add     r11, r11, #1
    b       .LSnext
.LSdone:
    ldr     r1, [r8, #S_JOINED]
    ldr     r0, [r1]
    add     r0, r0, r9
    str     r0, [r1]                /* *joined += */
    mov     r0, r11
    pop     {r3-r11, pc}
    .ltorg
    .size ob_gc_subtract_span_v7m, . - ob_gc_subtract_span_v7m

/* registers:
 *   r0 p (slot), r1 e (slots' end), r2 r (a slot's value), r3 scratch
 *   r4 gc word of the object being scanned
 *   r5 b (the walk's block), r6 end, r7 step, r8 c
 *   r9 grey stack pointer, r10 front, r11 sum of slots looked at,
 *   r12 objects scanned, lr scratch */
    .section .text.ob_gc_mark_span_v7m, "ax", %progbits
    .global ob_gc_mark_span_v7m
    .type ob_gc_mark_span_v7m, %function
    .thumb_func
    .align 2
ob_gc_mark_span_v7m:
    cmp     r0, r1                  /* a run with no entry costs its filter */
    bhs     .Lnone
.Lfirst:
    ldr     r12, [r0]
    and     r12, r12, #MARK_MASK
    cmp     r12, #MARK_WANT
    beq     .Lstart
    add     r0, r0, r2
    cmp     r0, r1
    blo     .Lfirst
.Lnone:
    movs    r0, #0
    bx      lr
.Lstart:
    push    {r3-r11, lr}            /* 40 bytes: the stack stays 8-aligned */
    mov     r5, r0
    mov     r6, r1
    mov     r7, r2
    ldr     r8, =ob_gc_stw_mark_
    subs    r3, r3, #1              /* ordered (1) -> 0; not (0) -> all ones */
    str     r3, [r8, #C_UNORDERED]
    ldr     r9, [r8, #C_SP]
    ldr     r0, [r8, #C_BASE]
    ldr     r9, [r9]
    add     r9, r0, r9, lsl #2      /* the stack's top as a pointer */
    movs    r0, #0
    mov     r11, r0
    mov     r12, r0
    b       .Lcheck
.Lnext:
    add     r5, r5, r7
.Lcheck:
    cmp     r5, r6
    bhs     .Ldone
    ldr     r3, [r5]
    and     lr, r3, #MARK_MASK
    cmp     lr, #MARK_WANT
    bne     .Lnext
    tst     r3, #GW_MARK
    bne     .Lroot
    ldr     r2, [r5, #W_RC]         /* held from outside: count > refs */
    lsrs    r2, r2, #8
    cmp     r2, r3, lsr #20
    bls     .Lnext
    lsrs    r3, r3, #20
    movw    lr, #REFS_BIG
    cmp     r3, lr
    beq     .Lnext
.Lroot:
    ldr     r10, [r8, #C_UNORDERED]
    orr     r10, r10, r5            /* front: the block in hand, or all ones */
    mov     r4, r5
.Lscan:
    REFS_OF r4, .Lnonempty, .Lpromote, .Ltraverse, .Lgeneral
.Lnonempty:                         /* r0 p, r1 n (1 or more) */
    add     r11, r11, r1
    add     r1, r0, r1, lsl #2
.Lslot:
    CONTAINER .Lslot_end
    and     lr, r3, #(GW_INSET | GW_MARK)
    cmp     lr, #GW_INSET
    bne     .Lslot_end              /* not a member, marked, or scanned */
    orr     r3, r3, #GW_MARK
    str     r3, [r2, #-4]
    sub     lr, r2, #4
    cmp     lr, r10
    bls     .Lpush                  /* behind the walk (or unordered) */
    tst     r3, #GW_YOUNG
    beq     .Lslot_end              /* ahead: the walk will scan it */
.Lpush:
    ldr     lr, [r8, #C_LIM]
    cmp     r9, lr
    beq     .Loverflow
    str     r2, [r9], #4
.Lslot_end:
    cmp     r0, r1
    bne     .Lslot
.Lpromote:                          /* r4: the gc word of the object scanned */
    ldr     r3, [r4]                /* (no barrier to lift: gc.lazy) */
    ubfx    r3, r3, #0, #20         /* refs 0 */
    bic     r3, r3, #GW_FLAGS_CLEARED
    tst     r3, #GW_TRACKED
    beq     .Lpromote_slow
    tst     r3, #GW_GEN2
    beq     .Lpromote_young
    str     r3, [r4]                /* generation 2 stays: only a collection of */
.Lscanned:                          /* generation 2 has such members */
    add     r12, r12, #1
.Lpop:
    ldr     lr, [r8, #C_BASE]
    cmp     r9, lr
    beq     .Lnext
    ldr     r2, [r9, #-4]!
    sub     r4, r2, #4
    ldr     r3, [r4]
    tst     r3, #GW_INSET
    beq     .Lpop                   /* scanned since it was pushed */
    b       .Lscan
.Ldone:
    ldr     r0, [r8, #C_BASE]
    ldr     r1, [r8, #C_SP]
    sub     r0, r9, r0
    lsrs    r0, r0, #2
    str     r0, [r1]                /* *sp: entries */
    ldr     r1, [r8, #C_LEFT]
    ldr     r0, [r1]
    add     r0, r0, r12
    str     r0, [r1]                /* *left += scanned */
    add     r0, r11, r12
    pop     {r3-r11, pc}

.Loverflow:                         /* no room: walk the set again later */
    ldr     lr, [r8, #C_RESCAN]
    movs    r3, #1
    strb    r3, [lr]
    b       .Lslot_end

.Lgeneral:
    REFS_GENERAL .Lnonempty, .Lpromote

.Ltraverse:                         /* references through the type's traverse */
    ldr     r0, [r8, #C_BASE]
    ldr     r1, [r8, #C_SP]
    sub     r0, r9, r0
    lsrs    r0, r0, #2
    str     r0, [r1]                /* the C side pushes through gc.sp */
    push    {r1, r12}
    add     r0, r4, #4
    mov     r1, r10
    bl      ob_gc_stw_traverse_
    add     r11, r11, r0
    pop     {r1, r12}
    ldr     r0, [r8, #C_BASE]
    ldr     r9, [r1]
    add     r9, r0, r9, lsl #2
    b       .Lpromote

.Lpromote_young:                    /* generation 0 or 1: one up */
    ldr     r2, [r4, #W_TYPE]       /* a tuple: maybe untracked (C) */
    ldr     lr, [r8, #CTX_TUPLE]
    cmp     r2, lr
    beq     .Lpromote_slow
    ldr     lr, [r8, #C_GEN]
    bic     r3, r3, #GW_GEN_MASK
    orr     r3, r3, lr
    str     r3, [r4]
    b       .Lscanned

.Lpromote_slow:                     /* r3 the word with the flags cleared */
    push    {r3, r12}
    add     r0, r4, #4
    mov     r1, r4
    mov     r2, r3
    bl      ob_gc_stw_promote_slow_
    pop     {r3, r12}
    b       .Lscanned
    .ltorg
    .size ob_gc_mark_span_v7m, . - ob_gc_mark_span_v7m

#endif
