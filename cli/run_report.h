/* cli/run_report: what `ampscope open`, `ampscope analyze` (and `run` when it
 * wants) do after a run directory exists: load the run's model (the copy in
 * the directory, or the path meta.json names, or --model), infer shapes with
 * the run's input bindings and batch, paint it with the run's list version
 * and list edits exactly as the run did, build the report, write
 * report.json into the directory and print text or JSON.
 */
#ifndef AMPSCOPE_CLI_RUN_REPORT_H
#define AMPSCOPE_CLI_RUN_REPORT_H

#include <stdbool.h>

#include "analyze/amp.h"
#include "analyze/graph.h"
#include "analyze/report.h"
#include "analyze/rundir.h"

struct rr_ctx {
    struct rundir_meta meta;
    bool have_meta;
    char model_path[4096];
    graph *g;
    amp_lists *lists;
    amp_plan *plan;
    struct report *rep;
};

/* The SavedModel selection a run used (--tag/--signature), kept beside the
 * model copy as "tag=T\nsignature=S\n" because meta.json has no field for it. */
#define RR_SELECT RUNDIR_SELECT

struct rr_opts {
    const char *model;        /* override of the model path, NULL = from the run */
    const char *tf_version;   /* override of the list version, NULL = the run's */
    const struct graph_load_opts *load; /* --tag/--signature; NULL = the run's RR_SELECT */
    bool use_truth;
    bool cpu_override, cpu_has_amx;
};

/* The checks rr_load starts with, without loading anything (for a caller
 * that hands the directory to the TUI): dir is a directory with a readable,
 * well-formed meta.json (JSON syntax, format version, status, batch,
 * tf_version) and a verbose.log, and o->tf_version (if any) is a known list
 * version. Prints a message naming the file or field and the fix; returns
 * CLI_OK or CLI_USAGE. */
int rr_check(const char *cmd, const char *dir, const struct rr_opts *o);
/* Writes dir/RR_SELECT when lo names a tag or signature (else nothing). */
enum status rr_write_select(const char *dir, const struct graph_load_opts *lo, struct err *e);
/* Loads everything and builds the report; on failure prints the message
 * (prefixed "ampscope <cmd>:") and returns the exit code (CLI_USAGE /
 * CLI_FINDINGS), else CLI_OK. */
int rr_load(const char *cmd, const char *dir, const struct rr_opts *o, struct rr_ctx *c);
/* Writes report.json into the run directory (warning on failure) and prints
 * the report: JSON or text (colour when stdout is a TTY without NO_COLOR). */
void rr_print(const struct rr_ctx *c, const char *dir, bool json, int max_nodes);
void rr_done(struct rr_ctx *c);

#endif
