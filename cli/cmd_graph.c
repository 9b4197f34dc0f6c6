/* cmd_graph.c: placeholder until the `graph` command lands; it says so and fails. */
#include "cli/cli.h"

#include <stdio.h>

int cmd_graph(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_errorf("graph", "not available yet in this build");
    return CLI_USAGE;
}
