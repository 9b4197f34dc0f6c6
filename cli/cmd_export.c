/* cmd_export.c: placeholder until the `export` command lands; it says so and fails. */
#include "cli/cli.h"

#include <stdio.h>

int cmd_export(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_errorf("export", "not available yet in this build");
    return CLI_USAGE;
}
