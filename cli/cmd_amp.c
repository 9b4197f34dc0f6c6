/* cmd_amp.c: placeholder until the `amp` command lands; it says so and fails. */
#include "cli/cli.h"

#include <stdio.h>

int cmd_amp(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_errorf("amp", "not available yet in this build");
    return CLI_USAGE;
}
