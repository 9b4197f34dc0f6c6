/* cmd_env.c: placeholder until the `env` command lands; it says so and fails. */
#include "cli/cli.h"

#include <stdio.h>

int cmd_env(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_errorf("env", "not available yet in this build");
    return CLI_USAGE;
}
