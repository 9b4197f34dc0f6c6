/* analyze/rundir: the run directory, the contract between the runner (which
 * writes it as a run goes) and everyone who reads a run (report, open, export,
 * TUI). This header fixes the file names and the meta fields; rundir.c reads a
 * directory back, tolerating partial runs.
 *
 * Layout (format_version 1):
 *   meta.json    command, env actually set, versions, CPU, backend, options,
 *                status: "running" | "ok" | "failed" | "interrupted"
 *                (rewritten atomically at the end; "running" left behind means
 *                the run died)
 *   verbose.log  oneDNN's own verbose lines exactly as printed, interleaved with
 *                ampscope iteration markers (RUNDIR_MARKER lines, see below)
 *   amp.log      TF/ITEX stderr (AMP log lines), when any
 *   stdout.log   any other output of the child (cmd backend), when any
 *   plan.json    the painter's plan used for the run
 *   truth.tsv    embedded backend only: exec_index<TAB>node<TAB>role
 *                (exec_index = 0-based ordinal of the exec line in verbose.log;
 *                role = compute | reorder_in | reorder_wei | reorder_out | cast;
 *                for role cast, node is the plan's cast name). Lines starting
 *                with '#' are comments.
 *   fused.tsv    embedded backend only: node<TAB>anchor for every node that ran
 *                as part of another node's primitive (BiasAdd/Relu post-ops,
 *                the GELU pattern): its time is in anchor's exec lines
 *   compare/     --compare: the f32 baseline run, itself a run directory
 *   model.*      a copy of the model (or model.path holding its path when big)
 *   tf/          TF's LOG_PATH dumps, partition graphs, step_stats (tf backend)
 *   report.json  the analysed result (re-created by `ampscope open`)
 *
 * Iteration marker lines (never mistaken for verbose lines):
 *   ampscope_marker,<phase>,<iteration>,<begin|end>,<wall_ms>
 * phase is "warmup" or "iter" (the tf backend adds "trace": its one traced
 * iteration after the measured ones, not measured); wall_ms is CLOCK_REALTIME in ms (the same clock
 * as oneDNN's verbose timestamps).
 */
#ifndef AMPSCOPE_ANALYZE_RUNDIR_H
#define AMPSCOPE_ANALYZE_RUNDIR_H

#include <stdbool.h>

#include "util/util.h"

#define RUNDIR_FORMAT_VERSION 1
#define RUNDIR_MARKER "ampscope_marker"

#define RUNDIR_META "meta.json"
#define RUNDIR_VERBOSE "verbose.log"
#define RUNDIR_AMPLOG "amp.log"
#define RUNDIR_STDOUT "stdout.log"
#define RUNDIR_PLAN "plan.json"
#define RUNDIR_TRUTH "truth.tsv"
#define RUNDIR_REPORT "report.json"
#define RUNDIR_TFDIR "tf"
#define RUNDIR_FUSED "fused.tsv"
#define RUNDIR_COMPARE "compare"

struct rundir_meta {
    int format_version;
    char status[32];          /* running | ok | failed | interrupted */
    char backend[32];         /* embedded | tf | cmd */
    char model[1024];         /* path of the model copy inside the run dir, or the original path */
    char model_name[256];
    char amp[8];              /* "on" | "off" */
    char tf_version[32];      /* list version used by the painter / TF that ran */
    char onednn_version[64];
    char ampscope_version[32];
    char cpu_model[256];
    char cpu_flags[1024];     /* the relevant flags only: avx512f avx512_bf16 amx_bf16 ... */
    char started[64];         /* ISO 8601 */
    char finished[64];
    char failure[512];        /* message when status != ok */
    int warmup, iters, batch;
    char list_env[2048];      /* TF_AUTO_MIXED_PRECISION_* lines applied, "NAME=VALUE\n"... */
    char inputs[1024];        /* --input bindings, space separated */
    /* Added by the runner owner (backward-compatible): */
    char command[4096];       /* the ampscope command line (or the user's command, cmd backend) */
    char env[2048];           /* variables the runner set in the child, "NAME=VALUE\n"... */
    unsigned seed;            /* input seed */
    double timeout_s;         /* 0 = none */
    bool compare;             /* a compare/ baseline run exists */
    char hostname[128];
    int exit_code;            /* child's exit code, -1 unknown */
};

/* Fills m with defaults (format version, ampscope version, status "running",
 * exit_code -1). */
void rundir_meta_init(struct rundir_meta *m);

/* Reads meta.json of dir. ST_ENOENT when dir is not a run directory,
 * ST_EUNSUPPORTED when it comes from a newer ampscope (message says which). */
enum status rundir_read_meta(const char *dir, struct rundir_meta *m, struct err *e);
/* Parses the text of a meta.json (data[0..len), need not be NUL-terminated);
 * path is used in messages. Same results as rundir_read_meta. */
enum status rundir_parse_meta(const char *data, size_t len, const char *path,
                              struct rundir_meta *m, struct err *e);
/* Writes meta.json atomically. */
enum status rundir_write_meta(const char *dir, const struct rundir_meta *m, struct err *e);

/* The SavedModel selection a run loaded its model with (meta graph tag and
 * signature), kept in RUNDIR_SELECT ("tag=...\nsignature=...\n") so open,
 * export and the TUI load the same graph. No file when neither was given. */
#define RUNDIR_SELECT "model.select"
struct rundir_select {
    char tag[128];            /* "" = the default (serve) */
    char signature[256];      /* "" = the default (serving_default) */
};
enum status rundir_write_select(const char *dir, const char *tag, const char *signature, struct err *e);
/* False (and *out empty) when the run has no selection file. */
bool rundir_read_select(const char *dir, struct rundir_select *out);
/* dir/name into buf. */
void rundir_path(const char *dir, const char *name, char *buf, size_t size);
/* Whether path looks like a run directory (has meta.json). */
bool rundir_is(const char *path);
/* "runs/<model>-<yyyymmdd-hhmmss>" under base ("runs" when NULL); made unique. */
enum status rundir_create(const char *base, const char *model_name, char *out, size_t size,
                          struct err *e);

#endif
