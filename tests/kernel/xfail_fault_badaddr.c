/* xfail_fault_badaddr - a load from an address where nothing is mapped is
 * reported with the faulting PC (and, where the core says, the address),
 * and the run ends with failure status 2.
 * test-expect-exit: 2
 * test-expect-output: \*\*\* FAULT: (BusFault|HardFault|SIGSEGV|SIGBUS)
 * test-expect-same-pc
 */
#include "fault_here.h"
#include "k.h"



#if defined(__arm__)
/* Where nothing answers on this board: BOARD_UNMAPPED in its board.mk. */
#ifdef K_UNMAPPED_ADDRESS
#define BAD_ADDRESS K_UNMAPPED_ADDRESS
#endif
#else
#define BAD_ADDRESS 0x10u /* the host's first page is never mapped */
#endif

int main(void)
{
#ifndef BAD_ADDRESS
    /* QEMU's lm3s6965evb answers every unmapped load with 0 (no bus error
     * is modelled), so there is no address to try; xfail_fault_badjump
     * covers bad addresses there. Exit 77: skipped. */
    k_printf("skip: this board's QEMU model has no unmapped address that faults on a load\n");
    return 77;
#else
    k_printf("expect-pc: 0x%08lx\n", (unsigned long)FAULT_HERE_PC);
    uintptr_t address = BAD_ADDRESS;
    uint32_t value;
#if defined(__arm__)
    __asm volatile(".global fault_here\n"
                   ".type fault_here, %%function\n"
                   "fault_here: ldr %0, [%1]\n"
                   : "=r"(value) : "r"(address) : "memory");
#elif defined(__x86_64__)
    __asm volatile(".global fault_here\n"
                   "fault_here: movl (%1), %0\n"
                   : "=r"(value) : "r"(address) : "memory");
#else
#error "no load instruction known for this host"
#endif
    k_printf("not reached: read 0x%08lx from 0x%08lx\n", (unsigned long)value,
             (unsigned long)address);
    return 0;
#endif
}
