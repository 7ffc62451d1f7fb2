/* semihost.c - the few semihosting calls the kernel uses under QEMU: exit
 * with a status the host sees, the command line (-append), and text.
 * A semihosting call is `bkpt 0xAB` with the operation in r0 and its
 * parameter in r1; the result comes back in r0. */
#include "cm.h"

enum {
    SYS_WRITE0 = 0x04,
    SYS_GET_CMDLINE = 0x15,
    SYS_EXIT = 0x18,
    SYS_EXIT_EXTENDED = 0x20,
    ADP_STOPPED_APPLICATION_EXIT = 0x20026,
};

static uint32_t semihost_call(uint32_t op, const void *arg)
{
    register uint32_t r0 __asm("r0") = op;
    register const void *r1 __asm("r1") = arg;
    __asm volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

_Noreturn void k_semihost_exit(int code)
{
    /* SYS_EXIT_EXTENDED passes the whole status to the host (plain
     * SYS_EXIT only says success or failure). */
    uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)code};
    semihost_call(SYS_EXIT_EXTENDED, block);
    semihost_call(SYS_EXIT, (const void *)(uintptr_t)ADP_STOPPED_APPLICATION_EXIT);
    for (;;)
        __asm volatile("wfi");
}

int k_semihost_cmdline(char *buf, uint32_t size)
{
    uint32_t block[2] = {(uint32_t)(uintptr_t)buf, size};
    return semihost_call(SYS_GET_CMDLINE, block) == 0 ? (int)block[1] : -1;
}

void k_semihost_write0(const char *s)
{
    semihost_call(SYS_WRITE0, s);
}
