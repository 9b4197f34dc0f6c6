/* cmd_open.c: placeholder until the `open` command lands; it says so and fails. */
#include "cli/cli.h"

#include <stdio.h>

int cmd_open(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_errorf("open", "not available yet in this build");
    return CLI_USAGE;
}
