/* cli/run_int.h: what cmd_run.c and run_graph.c share (private to `ampscope
 * run`): the parsed options and the graph side of a run (load, lists, paint,
 * and the graph TensorFlow dumped when `-- COMMAND` ran without a model).
 */
#ifndef AMPSCOPE_CLI_RUN_INT_H
#define AMPSCOPE_CLI_RUN_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "analyze/amp.h"
#include "analyze/graph.h"
#include "cli/cli.h"
#include "runner/backend.h"

struct run_opts {
    const char *model;        /* NULL only for `-- COMMAND` without --graph */
    const char *out;
    const char *backend;
    int warmup, iters;
    struct cli_model_opts mo; /* --input, --batch, --tag, --signature */
    unsigned seed;
    bool amp_off, compare, json, no_tui;
    const char *tf_version;
    const char *level;
    const char *python;
    double timeout_s;
    double fail_under;        /* < 0: --fail-under not given */
    struct {
        enum amp_list list;
        bool add;
        const char *ops;
    } edits[64];
    int n_edits;
    char **cmd_argv;
};

/* The batch for unknown first dimensions: --batch, else 1. */
static inline int run_batch(const struct run_opts *o) { return o->mo.batch > 0 ? o->mo.batch : 1; }

/* Each returns CLI_OK or an exit code after printing its message. */

/* Loads the graph at path and infers its shapes (--input/--batch); notes an
 * unknown batch dimension unless --batch was given or kind is BK_CMD. */
int run_load_graph(const struct run_opts *o, const char *path, enum bk_kind kind, graph **out);
/* The AMP lists of --tf-version with the environment's and the flags' edits;
 * op names are checked against g (NULL: against TF's op registry only). */
int run_build_lists(const struct run_opts *o, const graph *g, amp_lists **out);
/* Paints g; prepasses models grappler's passes before AMP (true for a user's
 * model, false for TensorFlow's own pre-AMP dump). */
int run_paint(const struct run_opts *o, const graph *g, const amp_lists *l, enum bk_kind kind,
              bool prepasses, amp_plan **out);
/* After `-- COMMAND` without a model: the graph is TensorFlow's own pre-AMP
 * dump in dir/tf/. Loads and paints it, records it in meta.json (model) and
 * plan.json, and puts its path in model_path. CLI_FINDINGS when the command
 * left no dump (AMP did not run in it). */
int run_graph_from_dump(const struct run_opts *o, const char *dir, const amp_lists *l, graph **g,
                        amp_plan **plan, char *model_path, size_t size);
/* A run directory name for a command: its script or program ("infer" for
 * `python infer.py`). */
void run_command_name(char *const *argv, char *out, size_t size);

#endif
