/* cmd_logs.c: placeholder until the `logs` command lands; it says so and fails. */
#include "cli/cli.h"

#include <stdio.h>

int cmd_logs(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_errorf("logs", "not available yet in this build");
    return CLI_USAGE;
}
