/* cli: the command-line front end. Each subcommand lives in cli/cmd_<name>.c
 * and is registered in the COMMANDS table of cli/main.c. Only main/cli and
 * tui/ may exit the process.
 *
 * Exit codes (documented in README.md and `ampscope --help`):
 *   0  success
 *   1  ran fine but found nothing to report / a check found problems
 *      (e.g. a log without verbose lines, `env --check` with findings)
 *   2  bad usage or bad input (missing file, parse error, unknown op, ...)
 *   3  `--fail-under PCT`: the bf16 share is below PCT
 *   4  the run itself failed (oneDNN error, TensorFlow crashed, timeout)
 *   130 interrupted (Ctrl-C); the partial run directory is kept
 */
#ifndef AMPSCOPE_CLI_CLI_H
#define AMPSCOPE_CLI_CLI_H

#include <stdbool.h>

#include "analyze/amp.h"
#include "analyze/graph.h"
#include "util/util.h"

enum cli_exit {
    CLI_OK = 0,
    CLI_FINDINGS = 1,
    CLI_USAGE = 2,
    CLI_FAIL_UNDER = 3,
    CLI_RUNTIME = 4,
    CLI_INTERRUPTED = 130,
};

/* To add a new command: write cli/cmd_<name>.c with int cmd_<name>(int, char **)
 * and a one-line summary, and add an X(...) line here. */
#define CLI_COMMANDS(X)                                                                    \
    X(run, "run a model under ONEDNN_VERBOSE and show what ran in bf16/AMX")               \
    X(open, "re-analyse a run directory (TUI, or --no-tui for the report)")                 \
    X(analyze, "build a run directory from logs you already have (no rerun)")             \
    X(logs, "read oneDNN verbose and TF/ITEX AMP logs: what executed, bf16/AMX share")     \
    X(amp, "predict TensorFlow's bf16 auto mixed precision for a model, node by node")     \
    X(graph, "print what was loaded from a model file (format, nodes, inputs, ops)")       \
    X(export, "write an annotated SVG/DOT/PNG graph, or JSON/CSV, of a run or model")      \
    X(env, "print env-var lines for precision-list changes (sh, k8s, ...); --check lints")

#define X(name, help) int cmd_##name(int argc, char **argv);
CLI_COMMANDS(X)
#undef X

/* The eight precision-list flags as getopt_long entries, numbered base+0..7 in
 * the order allow-add, allow-remove, infer-add, ..., deny-remove; flag k edits
 * list cli_edit_list[k / 2], adding when k is even. */
#define CLI_LIST_EDIT_LONGOPTS(base)                                                       \
    {"allow-add", required_argument, NULL, (base) + 0},                                    \
    {"allow-remove", required_argument, NULL, (base) + 1},                                 \
    {"infer-add", required_argument, NULL, (base) + 2},                                    \
    {"infer-remove", required_argument, NULL, (base) + 3},                                 \
    {"clear-add", required_argument, NULL, (base) + 4},                                    \
    {"clear-remove", required_argument, NULL, (base) + 5},                                 \
    {"deny-add", required_argument, NULL, (base) + 6},                                     \
    {"deny-remove", required_argument, NULL, (base) + 7}
extern const enum amp_list cli_edit_list[4];

/* Checks every op of a comma-separated list flag value (e.g. --deny-add's);
 * prints "ampscope <cmd>: <flag>: unknown op 'X'; did you mean 'Y'?" for each
 * unknown one and returns false if any was unknown. g (may be NULL) adds the
 * model's own op types to the known set. */
bool cli_check_ops(const char *cmd, const graph *g, const char *flag, const char *csv);

/* Prints "ampscope: <message>" (with location) to stderr. */
void cli_error(const struct err *e);
/* Prints "ampscope <cmd>: <fmt>" to stderr. */
void cli_errorf(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
