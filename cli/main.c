/* main.c: ampscope's entry point: dispatches `ampscope <command> ...` to the
 * cmd_* functions registered in cli/cli.h, and prints the top-level help that
 * teaches the commands, the exit codes and the environment it reads.
 */
#include "cli/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct command {
    const char *name;
    int (*fn)(int, char **);
    const char *help;
};

static const struct command commands[] = {
#define X(name, help) {#name, cmd_##name, help},
    CLI_COMMANDS(X)
#undef X
};

void cli_error(const struct err *e)
{
    char buf[1024];
    err_format(e, buf, sizeof buf);
    fprintf(stderr, "ampscope: %s\n", buf);
}

void cli_errorf(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "ampscope %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static void usage(FILE *f)
{
    fprintf(f,
            "ampscope %s: what bfloat16 mixed precision really did to a TensorFlow model\n"
            "on an Intel Xeon CPU: which nodes ran in bf16, which on AMX, where Casts sit.\n\n"
            "usage: ampscope <command> [options] [args]\n\n"
            "commands:\n",
            AMPSCOPE_VERSION);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].help);
    /* the first steps: command and comment in two aligned columns */
    static const char *const steps[][2] = {
        {"ampscope run samples/mnist_convnet.pb", "run a sample: what ran in bf16/AMX"},
        {"ampscope amp samples/mlp.pb", "predict TF's bf16 painting"},
        {"ampscope run -- python infer.py", "your own program, under ampscope"},
        {"ONEDNN_VERBOSE=1 python infer.py > log.txt", "or with a log you keep yourself"},
        {"ampscope logs log.txt", "what executed, bf16/AMX share"},
        {"ampscope analyze model.pb --log log.txt", "the same per node, from that log"},
    };
    fputs("\nfirst steps:\n", f);
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        fprintf(f, "  %-42s  %s\n", steps[i][0], steps[i][1]);
    fputs("\n`ampscope <command> --help` explains each command's options and examples.\n\n"
          "exit codes: 0 ok; 1 nothing found / a check found problems; 2 bad usage or\n"
          "            input; 3 bf16 share below --fail-under; 4 the run failed;\n"
          "            130 interrupted\n"
          "environment: NO_COLOR disables colour; AMPSCOPE_PYTHON picks the Python for\n"
          "             --backend tf; TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_* list edits\n"
          "             are read as TensorFlow reads them\n",
          f);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        if (argc > 2 && strcmp(cmd, "help") == 0) {
            char *av[] = {argv[2], (char *)"--help", NULL};
            for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
                if (!strcmp(commands[i].name, argv[2]))
                    return commands[i].fn(2, av);
        }
        usage(stdout);
        return CLI_OK;
    }
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
        printf("ampscope %s\n", AMPSCOPE_VERSION);
        return CLI_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(commands[i].name, cmd))
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "ampscope: unknown command '%s' (try `ampscope --help`)\n", cmd);
    return CLI_USAGE;
}
