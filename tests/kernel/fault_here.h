/* fault_here.h - for tests that fault on purpose: the label `fault_here`
 * marks the instruction that will fault, and FAULT_HERE_PC is its address
 * as the core will report it (Thumb code addresses carry bit 0; a reported
 * PC does not). The program prints it as "expect-pc: 0x..." and tests/run.sh
 * checks the fault report names the same PC. */
#ifndef FAULT_HERE_H
#define FAULT_HERE_H

#include <stdint.h>

extern const char fault_here[];

#if defined(__thumb__)
#define FAULT_HERE_PC ((uintptr_t)fault_here & ~(uintptr_t)1)
#else
#define FAULT_HERE_PC ((uintptr_t)fault_here)
#endif

#endif
