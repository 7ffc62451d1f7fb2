/* hooks.c - the hook table and its defaults (see ob_hooks.h). */
#include "ob_hooks.h"

static ob_hooks hooks_in_force;

void ob_hooks_set(const ob_hooks *hooks)
{
    static const ob_hooks none = {0};
    hooks_in_force = hooks ? *hooks : none;
}

const ob_hooks *ob_hooks_get(void)
{
    return &hooks_in_force;
}

void ob_write(const char *s, size_t n)
{
    if (hooks_in_force.write)
        hooks_in_force.write(s, n);
}

void ob_panic_(const char *file, int line, const char *what)
{
    if (hooks_in_force.panic) {
        hooks_in_force.panic(file, line, what);
        return;
    }
    static const char head[] = "obol panic: ";
    ob_write(head, sizeof head - 1);
    size_t n = 0;
    while (what[n])
        n++;
    ob_write(what, n);
    ob_write("\n", 1);
    for (;;) {
    }
}
