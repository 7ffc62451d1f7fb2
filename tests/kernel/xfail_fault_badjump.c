/* xfail_fault_badjump - a call through a bad function pointer, into the
 * execute-never system region, is reported with the bad address as the PC
 * and the run ends with failure status 2. Works on every board (ARMv6-M
 * raises a HardFault, later cores a MemManage fault, IACCVIOL). On the host
 * the same call jumps to an unmapped page (SIGSEGV).
 * test-expect-exit: 2
 * test-expect-output: \*\*\* FAULT: (MemManage|HardFault|SIGSEGV)
 * test-expect-same-pc
 */
#include "k.h"

#if defined(__arm__)
#define BAD_CODE 0xE0100000u /* above the PPB: XN in the default memory map */
#define THUMB 1u
#else
#define BAD_CODE 0x1000u /* never mapped in a Linux process */
#define THUMB 0u
#endif

int main(void)
{
    void (*volatile bad)(void) = (void (*)(void))(uintptr_t)(BAD_CODE | THUMB);
    k_printf("expect-pc: 0x%08lx\n", (unsigned long)BAD_CODE);
    bad();
    k_printf("not reached: code ran at 0x%08lx\n", (unsigned long)BAD_CODE);
    return 0;
}
