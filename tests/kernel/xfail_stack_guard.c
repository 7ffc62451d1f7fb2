/* xfail_stack_guard - a stack that runs into its guard words is caught by
 * the kernel's check on the next SysTick, reported with the guard address,
 * and the run ends with failure status 3. Boards only (the host's stack
 * belongs to the OS): test-target-only
 *
 * The recursion stops once it has written past the guard (below the
 * stack's lowest address: that is the top of the heap, unused here) and
 * then waits for the tick; if 200 ms pass without a report the program exits
 * 0, which the runner counts as a failure.
 * test-expect-exit: 3
 * test-expect-output: \*\*\* STACK OVERFLOW: guard word at 0x
 */
#include "k.h"

static uintptr_t stack_low;

__attribute__((noinline)) static uint32_t descend(uint32_t depth)
{
    volatile uint8_t frame[96];
    for (unsigned i = 0; i < sizeof frame; i++)
        frame[i] = (uint8_t)(depth + i);
    if ((uintptr_t)&frame[0] > stack_low)
        return descend(depth + 1) + frame[depth % sizeof frame];
    /* Past the guard: wait here, deep, for the kernel's check. */
    uint32_t start = k_time_ms();
    while (k_time_ms() - start < 200) {
    }
    return depth;
}

int main(void)
{
    stack_low = k_board()->stack_low;
    k_printf("stack [0x%08lx, 0x%08lx): descending until the guard is hit\n",
             (unsigned long)stack_low, (unsigned long)k_board()->stack_high);
    uint32_t depth = descend(0);
    k_printf("not detected: %lu frames deep and the guard check never fired\n",
             (unsigned long)depth);
    return 0;
}
