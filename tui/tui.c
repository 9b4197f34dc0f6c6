/* tui.c: placeholder entry point until the interface lands: it explains that
 * the TUI is not in this build and points at --no-tui. */
#include "tui/tui.h"

#include <stdio.h>

int tui_main(const struct tui_opts *o)
{
    (void)o;
    fprintf(stderr, "ampscope: the interactive view is not in this build; use --no-tui\n");
    return 2;
}
