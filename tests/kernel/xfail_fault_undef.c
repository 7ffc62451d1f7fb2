/* xfail_fault_undef - executing an undefined instruction is reported with
 * the faulting PC, and the run ends with failure status 2.
 *
 * The program announces where the bad instruction is ("expect-pc"), then
 * runs it; tests/run.sh checks the report names that same PC.
 * test-expect-exit: 2
 * test-expect-output: \*\*\* FAULT: (UsageFault|HardFault|SIGILL)
 * test-expect-same-pc
 */
#include "fault_here.h"
#include "k.h"



int main(void)
{
    k_printf("expect-pc: 0x%08lx\n", (unsigned long)FAULT_HERE_PC);
#if defined(__arm__)
    __asm volatile(".global fault_here\n"
                   ".type fault_here, %function\n"
                   ".thumb_func\n"
                   "fault_here: udf #0\n");
#elif defined(__x86_64__) || defined(__i386__)
    __asm volatile(".global fault_here\nfault_here: ud2\n");
#else
#error "no undefined instruction known for this host"
#endif
    k_printf("not reached: the undefined instruction executed\n");
    return 0;
}
