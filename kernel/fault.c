/* fault.c - fault handlers: print what went wrong, then stop.
 *
 * k_fault_entry (all fault vectors) is a few instructions of assembly: it
 * finds the stacked exception frame (MSP or PSP, by EXC_RETURN), saves
 * R4-R11, which the hardware does not stack, and calls k_fault_report() in
 * C. The report prints the exception, the stacked registers and, on ARMv7-M
 * and later, the fault status registers with their bits decoded, then exits
 * with status 2 under QEMU or halts on hardware.
 */
#include "cm.h"
#include "k.h"

extern uint32_t __ram_start[], __ram_end[];

/* R4-R11 at the time of the fault, saved by the entry stub. */
uint32_t k_fault_saved[8];

void k_fault_report(const uint32_t *frame, uint32_t exc_return);

/* Works on ARMv6-M too: only low registers in stmia, no IT blocks. */
__attribute__((naked)) void k_fault_entry(void)
{
    __asm volatile(
        "ldr   r2, =k_fault_saved  \n"
        "stmia r2!, {r4-r7}        \n"
        "mov   r4, r8              \n"
        "mov   r5, r9              \n"
        "mov   r6, r10             \n"
        "mov   r7, r11             \n"
        "stmia r2!, {r4-r7}        \n"
        "mov   r1, lr              \n"
        "movs  r2, #4              \n"
        "tst   r1, r2              \n"
        "bne   1f                  \n"
        "mrs   r0, msp             \n"
        "b     2f                  \n"
        "1:                        \n"
        "mrs   r0, psp             \n"
        "2:                        \n"
        "ldr   r2, =k_fault_report \n"
        "bx    r2                  \n"
        ".ltorg                    \n");
}

static const char *const exception_names[] = {
    "Thread", "Reset", "NMI", "HardFault", "MemManage", "BusFault",
    "UsageFault", "SecureFault",
};

#if K_HAS_CFSR
struct bit_name {
    uint8_t bit;
    const char *name;
    const char *meaning;
};

static const struct bit_name cfsr_bits[] = {
    {0, "IACCVIOL", "instruction fetch from a protected or XN address"},
    {1, "DACCVIOL", "data access to a protected address"},
    {3, "MUNSTKERR", "MPU fault on exception return unstacking"},
    {4, "MSTKERR", "MPU fault on exception entry stacking"},
    {5, "MLSPERR", "MPU fault during lazy FP state save"},
    {7, "MMARVALID", "MMFAR holds the faulting address"},
    {8, "IBUSERR", "bus error on instruction fetch"},
    {9, "PRECISERR", "precise data bus error"},
    {10, "IMPRECISERR", "imprecise data bus error"},
    {11, "UNSTKERR", "bus error on exception return unstacking"},
    {12, "STKERR", "bus error on exception entry stacking (stack overflow?)"},
    {13, "LSPERR", "bus error during lazy FP state save"},
    {15, "BFARVALID", "BFAR holds the faulting address"},
    {16, "UNDEFINSTR", "undefined instruction"},
    {17, "INVSTATE", "invalid state (Thumb bit clear?)"},
    {18, "INVPC", "invalid EXC_RETURN or PC load"},
    {19, "NOCP", "coprocessor access with the FPU off or absent"},
    {20, "STKOF", "stack limit reached (ARMv8-M)"},
    {24, "UNALIGNED", "unaligned access trapped"},
    {25, "DIVBYZERO", "integer division by zero"},
};

static const struct bit_name hfsr_bits[] = {
    {1, "VECTTBL", "bus error reading the vector table"},
    {30, "FORCED", "escalated from a configurable fault (see CFSR)"},
    {31, "DEBUGEVT", "debug event"},
};

static void decode(const char *reg, uint32_t value, const struct bit_name *bits,
                   size_t n)
{
    k_printf("  %-5s = 0x%08lx\n", reg, (unsigned long)value);
    for (size_t i = 0; i < n; i++)
        if (value & (1ul << bits[i].bit))
            k_printf("          %-11s %s\n", bits[i].name, bits[i].meaning);
}
#endif

static int frame_readable(const uint32_t *frame)
{
    return frame >= __ram_start && frame + 8 <= __ram_end &&
           ((uintptr_t)frame & 3u) == 0;
}

void k_fault_report(const uint32_t *frame, uint32_t exc_return)
{
    k_irq_disable();
    uint32_t ipsr;
    __asm volatile("mrs %0, ipsr" : "=r"(ipsr));
    ipsr &= 0x1FFu;
    const char *name = ipsr < sizeof exception_names / sizeof exception_names[0]
                           ? exception_names[ipsr]
                           : "exception";

    k_printf("\n*** FAULT: %s (exception %lu) on %s\n", name,
             (unsigned long)ipsr, K_BOARD_NAME);
    if (frame_readable(frame)) {
        k_printf("  PC    = 0x%08lx  <- faulting instruction\n"
                 "  LR    = 0x%08lx  xPSR = 0x%08lx\n"
                 "  R0    = 0x%08lx  R1   = 0x%08lx  R2  = 0x%08lx  R3  = 0x%08lx\n"
                 "  R12   = 0x%08lx  SP   = 0x%08lx\n",
                 (unsigned long)frame[6], (unsigned long)frame[5],
                 (unsigned long)frame[7], (unsigned long)frame[0],
                 (unsigned long)frame[1], (unsigned long)frame[2],
                 (unsigned long)frame[3], (unsigned long)frame[4],
                 (unsigned long)(uintptr_t)(frame + 8));
    } else {
        k_printf("  stacked frame at %p is outside RAM: the stack pointer was "
                 "bad (stack overflow?)\n", (const void *)frame);
    }
    const uint32_t *r = k_fault_saved;
    k_printf("  R4    = 0x%08lx  R5   = 0x%08lx  R6  = 0x%08lx  R7  = 0x%08lx\n"
             "  R8    = 0x%08lx  R9   = 0x%08lx  R10 = 0x%08lx  R11 = 0x%08lx\n"
             "  EXC_RETURN = 0x%08lx\n",
             (unsigned long)r[0], (unsigned long)r[1], (unsigned long)r[2],
             (unsigned long)r[3], (unsigned long)r[4], (unsigned long)r[5],
             (unsigned long)r[6], (unsigned long)r[7], (unsigned long)exc_return);
#if K_HAS_CFSR
    uint32_t cfsr = SCB_CFSR;
    decode("CFSR", cfsr, cfsr_bits, sizeof cfsr_bits / sizeof cfsr_bits[0]);
    decode("HFSR", SCB_HFSR, hfsr_bits, sizeof hfsr_bits / sizeof hfsr_bits[0]);
    if (cfsr & (1u << 7))
        k_printf("  MMFAR = 0x%08lx  <- faulting address\n", (unsigned long)SCB_MMFAR);
    if (cfsr & (1u << 15))
        k_printf("  BFAR  = 0x%08lx  <- faulting address\n", (unsigned long)SCB_BFAR);
#else
    k_printf("  (ARMv6-M has no fault status registers: every fault is a HardFault)\n");
#endif
    k_exit(2);
}
