/* cmd_run.c: placeholder until the `run` command lands; it says so and fails. */
#include "cli/cli.h"

#include <stdio.h>

int cmd_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_errorf("run", "not available yet in this build");
    return CLI_USAGE;
}
