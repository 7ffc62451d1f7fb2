/* demo - what `make run` shows: the board boots, says what it is and where
 * its heap lies, and exits 0. The runtime's demo grows here. */
#include "k.h"

int main(void)
{
    const k_board_info *b = k_board();
    uintptr_t heap = b->heap_end - b->heap_start;
    k_printf("\n"
             "Obol on %s (%s, %lu.%03lu MHz)\n"
             "  heap   0x%08lx .. 0x%08lx  %lu bytes (%lu KiB)\n"
             "  stack  0x%08lx .. 0x%08lx  %lu bytes, %lu used so far\n",
             b->board, b->core, (unsigned long)(b->clock_hz / 1000000u),
             (unsigned long)(b->clock_hz / 1000u % 1000u),
             (unsigned long)b->heap_start, (unsigned long)b->heap_end,
             (unsigned long)heap, (unsigned long)(heap / 1024u),
             (unsigned long)b->stack_low, (unsigned long)b->stack_high,
             (unsigned long)k_stack_size(), (unsigned long)k_stack_high_water());
    k_printf("  uptime %lu ms\n", (unsigned long)k_time_ms());
    return 0;
}
