/* cortex-m.ld.S - the one linker script of every board.
 *
 * Run through the C preprocessor by the Makefile, with the board's memory
 * file (OB_CHIP_MEMORY: MEMORY { FLASH, RAM } and nothing else) and the
 * runtime's configuration header, so the heap is aligned to the arena size
 * the runtime really uses. Stack size comes from the board (OB_STACK_SIZE).
 *
 * RAM, low to high:
 *
 *   ORIGIN(RAM)                                                     end of RAM
 *   | .data | .bss | pad | heap ..................... | guard | stack ... |
 *                        ^__heap_start              ^__heap_end          ^__stack_top
 *                                                   =__stack_limit
 *
 * __heap_start is rounded up and __heap_end down to OB_ARENA_SIZE; the stack
 * takes whatever RAM the rounding leaves at the top, so it is at least
 * OB_STACK_SIZE. The lowest words of the stack are guard words the kernel
 * checks (k_stack_check). Every boundary has its own symbol.
 */
#include "ob_config.h"
#include OB_CHIP_MEMORY

#ifndef OB_STACK_SIZE
#define OB_STACK_SIZE 4096
#endif

ENTRY(k_reset)

__stack_size = OB_STACK_SIZE;
__arena_size = OB_ARENA_SIZE;

SECTIONS
{
    .vectors :
    {
        __flash_start = .;
        KEEP(*(.vectors))
    } > FLASH

    .text :
    {
        *(.text .text.*)
        *(.rodata .rodata.*)
        KEEP(*(.init)) KEEP(*(.fini))
        . = ALIGN(4);
    } > FLASH

    .ARM.extab : { *(.ARM.extab* .gnu.linkonce.armextab.*) } > FLASH
    .ARM.exidx :
    {
        __exidx_start = .;
        *(.ARM.exidx* .gnu.linkonce.armexidx.*)
        __exidx_end = .;
    } > FLASH

    .data : ALIGN(8)
    {
        __data_start = .;
        *(.data .data.*)
        . = ALIGN(8);
        __data_end = .;
    } > RAM AT > FLASH
    __data_load = LOADADDR(.data);
    __flash_end = __data_load + SIZEOF(.data);

    .bss (NOLOAD) : ALIGN(8)
    {
        __bss_start = .;
        *(.bss .bss.*)
        *(COMMON)
        . = ALIGN(8);
        __bss_end = .;
    } > RAM

    __ram_start = ORIGIN(RAM);
    __ram_end = ORIGIN(RAM) + LENGTH(RAM);
    __heap_start = ALIGN(__bss_end, __arena_size);
    __heap_end = (__ram_end - __stack_size) & ~(__arena_size - 1);
    __stack_limit = __heap_end;
    __stack_top = __ram_end;

    /DISCARD/ : { *(.note.GNU-stack) *(.gnu_debuglink) }
}

ASSERT(__flash_end <= ORIGIN(FLASH) + LENGTH(FLASH),
       "Code and initialised data do not fit in FLASH: make the image smaller (make size shows what is big) or use a board with more flash.")
ASSERT(ABSOLUTE(__bss_end) + __stack_size <= __ram_end,
       "Static data (.data + .bss) and the stack do not fit in RAM: shrink static buffers or lower BOARD_STACK_SIZE in boards/<board>/board.mk.")
ASSERT(__heap_end > __heap_start,
       "No RAM is left for the heap after static data and the stack: shrink static buffers, lower BOARD_STACK_SIZE, or lower OB_ARENA_SIZE.")
ASSERT(__heap_end - __heap_start >= 2 * __arena_size,
       "The heap is smaller than two arenas: the runtime needs more RAM. Lower BOARD_STACK_SIZE or static data, or lower OB_ARENA_SIZE in ob_config.h.")
ASSERT((__stack_top & 7) == 0, "The stack top must be 8-byte aligned (AAPCS).")
