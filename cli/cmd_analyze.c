/* cmd_analyze.c: placeholder until the `analyze` command lands; it says so and fails. */
#include "cli/cli.h"

#include <stdio.h>

int cmd_analyze(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_errorf("analyze", "not available yet in this build");
    return CLI_USAGE;
}
