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
    X(logs, "read oneDNN verbose and TF/ITEX AMP logs: what executed, bf16/AMX")     \
    X(amp, "predict TensorFlow's bf16 mixed precision for a model, node by node")     \
    X(graph, "print what was loaded from a model file (format, nodes, inputs, ops)")       \
    X(export, "write an annotated SVG/DOT/PNG graph, or JSON/CSV, of a run or model")      \
    X(env, "env-var lines for precision-list changes; --check lints your env")

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

/* Model options shared by every command that loads a model from a file
 * (amp, graph, export, analyze, env, ...), so each flag is spelled, checked
 * and explained the same way everywhere:
 *   --input NAME:SHAPE  (repeatable, at most CLI_MAX_INPUTS)  --batch N (1..1048576)
 *   --tag T  --signature S  (SavedModel meta graph tag / signature)
 * getopt_long users put CLI_SHAPE_LONGOPTS(base) and/or CLI_SELECT_LONGOPTS(base)
 * in their table (any codes) and pass longopts[index].name to cli_model_opt;
 * hand-written loops pass the argument itself ("--input") when
 * cli_is_model_flag says it is one. */
#define CLI_MAX_INPUTS 32
#define CLI_MAX_BATCH (1 << 20)
#define CLI_SHAPE_LONGOPTS(base)                                                           \
    {"input", required_argument, NULL, (base) + 0},                                        \
    {"batch", required_argument, NULL, (base) + 1}
#define CLI_SELECT_LONGOPTS(base)                                                          \
    {"tag", required_argument, NULL, (base) + 0},                                          \
    {"signature", required_argument, NULL, (base) + 1}

/* The same lines in every --help that offers these options (22-column layout). */
#define CLI_HELP_INPUT                                                                     \
    "  --input NAME:SHAPE  bind an input's shape, e.g. x:1x28x28x1 or x:?,784\n"            \
    "                      (repeatable; NAME is the node or signature input name)\n"
#define CLI_HELP_SELECT                                                                    \
    "  --tag T             SavedModel meta graph tag (default: serve)\n"                    \
    "  --signature S       SavedModel signature (default: serving_default)\n"

struct cli_model_opts {
    struct graph_load_opts load;                 /* .tag, .signature: borrowed from argv */
    struct g_input_bind binds[CLI_MAX_INPUTS];   /* owned: cli_model_opts_done frees them */
    int n_binds;
    int batch;                                   /* 0 = --batch not given */
    char inputs[1024];                           /* the --input texts, space separated
                                                    (as meta.json "inputs" records them) */
};
void cli_model_opts_init(struct cli_model_opts *m);
void cli_model_opts_done(struct cli_model_opts *m);
/* Whether flag ("--input" or "input") is one of the four model options. */
bool cli_is_model_flag(const char *flag);
/* Parses one model option (flag with or without "--", and its value) into m;
 * CLI_OK, or CLI_USAGE after printing "ampscope <cmd>: --batch wants ...". */
int cli_model_opt(const char *cmd, struct cli_model_opts *m, const char *flag, const char *value);
/* Loads path with m's tag/signature and, when infer, infers shapes with m's
 * bindings and batch (default_batch when --batch was not given; 0 = leave
 * unknown batch dims unknown). On failure prints the loader's message (it
 * names path and the fix) and returns NULL. */
graph *cli_model_load(const char *cmd, const char *path, const struct cli_model_opts *m, bool infer,
                      int default_batch);

/* Checks that path is an existing, readable regular file (also a pipe or
 * character device when streams_ok, e.g. `--log <(zcat a.gz)`); what = "the
 * log", ... Meant to run before anything is created; prints "ampscope <cmd>:
 * <path>: <what> ..." with the reason and the fix and returns false if not. */
bool cli_check_input_file(const char *cmd, const char *path, const char *what, bool streams_ok);

/* --fail-under PCT: parses the percentage (0..100) or prints why not. */
bool cli_parse_fail_under(const char *cmd, const char *value, double *pct);
/* Exit code for a bf16 share (0..1) against --fail-under (pct < 0 = not
 * given): CLI_FAIL_UNDER with a message on stderr, else CLI_OK. */
int cli_fail_under(const char *cmd, double bf16_share, double pct);

/* --level L (TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_LEVEL) as amp and run take
 * it: TREAT_INFER_AS_DENY, UNSAFE_FORCE_ALL or DEFAULT, any case; else prints
 * why and returns false. */
bool cli_check_level(const char *cmd, const char *level);

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
