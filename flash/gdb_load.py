# gdb_load.py - run by flash/flash.sh inside `gdb-multiarch -batch`, with the
# image as gdb's file. Loads the image through a GDB server, verifies it,
# starts it from its vector table and leaves it running.
#
# Parameters (environment, set by flash.sh):
#   OBOL_FLASH_TARGET    host:port of the GDB server
#   OBOL_FLASH_VECTORS   address of the image's vector table (.vectors start)
#   OBOL_FLASH_INIT      optional gdb commands run after connecting, before
#                        load, separated by ';' (e.g. "monitor reset halt")
#   OBOL_FLASH_CONNECT_TIMEOUT, OBOL_FLASH_REMOTE_TIMEOUT,
#   OBOL_FLASH_HANDSHAKE_TIMEOUT   seconds
#
# Exit status (flash.sh turns these into messages):
#   0 loaded, verified, running   3 could not connect   4 verify failed
#   5 load or start failed          6 connected, but no GDB server answered
import os
import threading

import gdb

SCB_VTOR = 0xE000ED08


def say(msg):
    gdb.write("flash-gdb: %s\n" % msg)
    gdb.flush()


def run(cmd):
    """Run a gdb command, echo its output, return the output."""
    out = gdb.execute(cmd, to_string=True)
    if out:
        gdb.write(out)
        gdb.flush()
    return out


def finish(code, msg=None):
    if msg:
        say("error: " + msg)
    if code != 0:
        # Leave the target halted and untouched; never 'kill' it (QEMU exits
        # on a kill packet, other servers reset or resume).
        try:
            gdb.execute("disconnect", to_string=True)
        except gdb.error:
            pass
    gdb.execute("quit %d" % code)


def word(addr):
    return int(gdb.parse_and_eval("*(unsigned int *)0x%x" % addr)) & 0xFFFFFFFF


def main():
    target = os.environ["OBOL_FLASH_TARGET"]
    vectors = int(os.environ["OBOL_FLASH_VECTORS"], 0)
    for cmd in ("set pagination off", "set confirm off", "set height 0",
                "set tcp auto-retry off",
                "set tcp connect-timeout %s" % os.environ.get("OBOL_FLASH_CONNECT_TIMEOUT", "5"),
                "set remotetimeout %s" % os.environ.get("OBOL_FLASH_REMOTE_TIMEOUT", "10")):
        gdb.execute(cmd, to_string=True)

    # Something that accepts the connection but never speaks the protocol
    # would hold 'target remote' for minutes: give up after a while.
    limit = float(os.environ.get("OBOL_FLASH_HANDSHAKE_TIMEOUT", "20"))

    def no_answer():
        os.write(2, ("flash-gdb: error: %s accepted the connection but did not answer "
                     "as a GDB server within %gs\n" % (target, limit)).encode())
        os._exit(6)
    watchdog = threading.Timer(limit, no_answer)
    watchdog.daemon = True
    watchdog.start()
    try:
        run("target remote %s" % target)
    except gdb.error as e:
        watchdog.cancel()
        finish(3, "cannot connect to a GDB server at %s: %s" % (target, e))
    watchdog.cancel()

    for cmd in filter(None, (c.strip() for c in os.environ.get("OBOL_FLASH_INIT", "").split(";"))):
        try:
            run(cmd)
        except gdb.error as e:
            finish(5, "'%s' failed: %s" % (cmd, e))

    try:
        run("load")
    except gdb.error as e:
        finish(5, "load failed: %s" % e)

    try:
        out = run("compare-sections")
    except gdb.error as e:
        finish(4, "could not verify the loaded image: %s" % e)
    bad = [l.strip() for l in out.splitlines() if "MIS-MATCHED" in l]
    if bad:
        finish(4, "verify failed, the target's memory differs from the image: "
               + "; ".join(bad))
    if "matched" not in out:
        finish(4, "verify failed: compare-sections checked no section")
    say("verified: every loaded section matches the image")

    try:
        sp, pc = word(vectors), word(vectors + 4)
    except gdb.error as e:
        finish(5, "cannot read the vector table at 0x%08x: %s" % (vectors, e))
    if not pc & 1 or sp == 0:
        finish(5, "no vector table at 0x%08x (initial SP 0x%08x, reset vector 0x%08x "
               "without the Thumb bit); set FLASH_VECTORS=<address>" % (vectors, sp, pc))
    if vectors != 0:
        # Cores that reset with VTOR elsewhere (an STM32 boots through its flash
        # alias at 0) must take exceptions from this table. ARMv6-M parts have
        # their table at 0, where this is not reached.
        try:
            gdb.execute("set *(unsigned int *)0x%x = 0x%x" % (SCB_VTOR, vectors), to_string=True)
        except gdb.error as e:
            say("warning: could not set VTOR to 0x%08x: %s" % (vectors, e))
    for reg in ("$xpsr", "$xPSR"):  # reset state: Thumb bit only
        try:
            gdb.execute("set %s = 0x01000000" % reg, to_string=True)
            break
        except gdb.error:
            pass
    try:
        gdb.execute("set $sp = 0x%x" % sp, to_string=True)
        gdb.execute("set $pc = 0x%x" % pc, to_string=True)
    except gdb.error as e:
        finish(5, "cannot set SP/PC: %s" % e)
    say("starting at 0x%08x (SP 0x%08x, vector table 0x%08x)" % (pc & ~1, sp, vectors))
    try:
        # Resume through the protocol, then drop the connection: the target
        # goes on running whatever the server does on detach.
        gdb.execute("continue &", to_string=True)
        gdb.execute("disconnect", to_string=True)
    except gdb.error as e:
        finish(5, "cannot start the image: %s" % e)
    say("image running; disconnected from %s" % target)
    gdb.execute("quit 0")


main()
