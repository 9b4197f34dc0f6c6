/* cmd_run.c: `ampscope run MODEL [options] [-- COMMAND ARGS...]`: loads and
 * paints the model, runs it on a backend (embedded oneDNN, TensorFlow, or the
 * user's own command) under ONEDNN_VERBOSE with a progress bar, keeps the
 * evidence in a run directory written as the run goes, then builds and shows
 * the report (text, --json, or the TUI on a terminal). Ctrl-C cancels the
 * child and keeps the partial run directory (exit 130).
 */
#include "cli/cli.h"
#include "cli/run_int.h"
#include "cli/run_report.h"

#include <dirent.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "analyze/amp.h"
#include "analyze/graph.h"
#include "analyze/rundir.h"
#include "analyze/report.h"
#include "render/report_text.h"
#include "runner/backend.h"
#include "tui/tui.h"


/* Whether dir exists and holds anything (so a run would overwrite or mix). */
static bool dir_has_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return false;
    struct dirent *de;
    bool any = false;
    while (!any && (de = readdir(d)))
        any = strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
    closedir(d);
    return any;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: ampscope run MODEL [options]\n"
            "       ampscope run [MODEL] [options] -- COMMAND ARGS...\n"
            "\n"
            "Runs MODEL under ONEDNN_VERBOSE, keeps the evidence in a run directory, maps every\n"
            "oneDNN primitive back to its graph node and reports which nodes ran in bf16, which on\n"
            "AMX, where Casts sit and what they cost, and why the rest did not.\n"
            "\n"
            "MODEL: a frozen GraphDef (.pb/.pbtxt), a SavedModel directory or a .meta file.\n"
            "\n"
            "backends:\n"
            "  --backend embedded   (default) ampscope's own oneDNN executor: real oneDNN primitives,\n"
            "                       precision from the AMP painter's plan, no TensorFlow needed\n"
            "  --backend tf         real TensorFlow (auto_mixed_precision_onednn_bfloat16); needs a\n"
            "                       Python with TensorFlow (`make deps-tf`, --python, AMPSCOPE_PYTHON)\n"
            "  --backend auto       tf when TensorFlow is found, else embedded (says which)\n"
            "  --graph MODEL        the model, for the `-- COMMAND` form (same as the MODEL argument)\n"
            "  -- COMMAND ARGS...   run your own command instead, with ONEDNN_VERBOSE=1, timestamps and\n"
            "                       TF's AMP logging set; its stdout is kept as verbose.log, its stderr\n"
            "                       as amp.log, and the report is built from them. Without a model the\n"
            "                       graph is the pre-AMP graph TensorFlow dumps into DIR/tf/\n"
            "\n"
            "options:\n"
            "  --out DIR            run directory (default runs/<model>-<yyyymmdd-hhmmss>)\n"
            "  --warmup N           warmup iterations, not measured (default 3)\n"
            "  --iters N            measured iterations (default 10)\n"
            "  --batch N            size of an unknown first dimension of every input (default 1)\n"
            "  --input NAME:SHAPE   shape of an input, e.g. --input x:8x224x224x3 (repeatable)\n"
            "  --tag T              SavedModel meta graph tag (default: serve)\n"
            "  --signature S        SavedModel signature (default: serving_default)\n"
            "  --seed N             seed of the random inputs (default 1)\n"
            "  --amp on|off         off runs everything in f32 (the baseline); default on\n"
            "  --compare            also run the f32 baseline (into DIR/compare) and report the\n"
            "                       bf16 speedup, whole model and per node\n"
            "  --tf-version V       TensorFlow release whose AMP lists to use (default: newest)\n"
            "  --allow-add OPS, --allow-remove OPS, --infer-add OPS, --infer-remove OPS,\n"
            "  --clear-add OPS, --clear-remove OPS, --deny-add OPS, --deny-remove OPS\n"
            "                       edit the AMP lists (comma-separated ops) exactly as the\n"
            "                       TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_* variables do; those\n"
            "                       variables in your environment are applied first\n"
            "  --level L            TREAT_INFER_AS_DENY or UNSAFE_FORCE_ALL, as\n"
            "                       TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_LEVEL\n"
            "  --timeout S          stop the run after S seconds (the partial run is kept)\n"
            "  --python PATH        Python with TensorFlow for --backend tf/auto\n"
            "  --json               print the report as JSON (schema: docs/report.md, docs/run.md)\n"
            "  --no-tui             print the text report even on a terminal\n"
            "  --fail-under PCT     exit 3 when the bf16 share of compute time is below PCT percent\n"
            "  -h, --help           this help\n"
            "\n"
            "examples:\n"
            "  ampscope run samples/mnist_convnet.pb --no-tui\n"
            "  ampscope run samples/transformer_block.pb --batch 64 --compare --json | jq .compare\n"
            "  ampscope run model.pb --input x:1x224x224x3 --infer-remove Softmax --deny-add Softmax \\\n"
            "      --fail-under 80     (moving an op takes both edits: an op on two lists makes\n"
            "                           TensorFlow abandon the whole pass)\n"
            "  ampscope run model.pb --out runs/mine -- python infer.py --model model.pb\n"
            "  ampscope run -- python train.py --steps 20   (graph from TensorFlow's own dump)\n"
            "  ampscope open runs/mine          (re-analyse a run without running it again)\n"
            "\n"
            "The run directory (docs/run.md): meta.json, verbose.log (oneDNN's own lines plus\n"
            "iteration markers), plan.json, truth.tsv (embedded), amp.log, a copy of the model,\n"
            "report.json. An interrupted run keeps a readable partial directory.\n"
            "\n"
            "exit codes: 0 ok; 2 bad usage or input (unsupported op, unknown input shape, ...);\n"
            "            3 bf16 share below --fail-under; 4 the run failed (oneDNN error, crash,\n"
            "            timeout); 130 interrupted (Ctrl-C), the partial run directory is kept\n");
}

/* ---- Ctrl-C --------------------------------------------------------------- */

static volatile sig_atomic_t g_interrupted;
static char g_banner[PATH_MAX + 256]; /* printed once the backend accepted the model */

static void on_sigint(int sig)
{
    (void)sig;
    g_interrupted = 1;
}

static void install_sigint(struct sigaction *old_int, struct sigaction *old_term)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, old_int);
    sigaction(SIGTERM, &sa, old_term);
}

/* ---- options ---------------------------------------------------------------- */

static bool parse_int(const char *s, int lo, int hi, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < lo || v > hi)
        return false;
    *out = (int)v;
    return true;
}

static bool parse_double(const char *s, double lo, double hi, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (!*s || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

/* Returns -1 to go on, else an exit code. Everything after the first `--` is
 * the command (getopt_long would permute it into the model's place). */
static int parse_args(int argc, char **argv, struct run_opts *o)
{
    enum { O_OUT = 256, O_BACKEND, O_WARMUP, O_ITERS, O_SEED, O_AMP, O_COMPARE, O_TFV, O_LEVEL,
           O_GRAPH, O_PYTHON, O_TIMEOUT, O_FAIL, O_JSON, O_NOTUI, O_MODEL /* + 4 */,
           O_EDIT = O_MODEL + 4 /* + 8 */ };
    static const struct option longopts[] = {
        {"out", required_argument, NULL, O_OUT},
        {"backend", required_argument, NULL, O_BACKEND},
        {"warmup", required_argument, NULL, O_WARMUP},
        {"iters", required_argument, NULL, O_ITERS},
        {"seed", required_argument, NULL, O_SEED},
        {"amp", required_argument, NULL, O_AMP},
        {"compare", no_argument, NULL, O_COMPARE},
        {"tf-version", required_argument, NULL, O_TFV},
        {"level", required_argument, NULL, O_LEVEL},
        {"graph", required_argument, NULL, O_GRAPH},
        {"python", required_argument, NULL, O_PYTHON},
        {"timeout", required_argument, NULL, O_TIMEOUT},
        {"fail-under", required_argument, NULL, O_FAIL},
        {"json", no_argument, NULL, O_JSON},
        {"no-tui", no_argument, NULL, O_NOTUI},
        CLI_SHAPE_LONGOPTS(O_MODEL),
        CLI_SELECT_LONGOPTS(O_MODEL + 2),
        CLI_LIST_EDIT_LONGOPTS(O_EDIT),
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof *o);
    cli_model_opts_init(&o->mo);
    o->warmup = 3;
    o->iters = 10;
    o->seed = 1;
    o->fail_under = -1;
    o->backend = "embedded";
    int end = argc;
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--")) {
            if (i + 1 >= argc) {
                cli_errorf("run", "nothing after `--`: give the command to run, e.g. `-- python infer.py`");
                return CLI_USAGE;
            }
            o->cmd_argv = argv + i + 1;
            end = i;
            break;
        }
    optind = 1;
    opterr = 0;
    int c, li = 0;
    while ((c = getopt_long(end, argv, ":ho:", longopts, &li)) != -1) {
        const char *v = optarg;
        if (c >= O_MODEL && c < O_MODEL + 4) {
            int rc = cli_model_opt("run", &o->mo, longopts[li].name, v);
            if (rc != CLI_OK)
                return rc;
            continue;
        }
        if (c >= O_EDIT && c < O_EDIT + 8) {
            if (o->n_edits >= 64) {
                cli_errorf("run", "too many list edits (at most 64)");
                return CLI_USAGE;
            }
            o->edits[o->n_edits].list = cli_edit_list[(c - O_EDIT) / 2];
            o->edits[o->n_edits].add = ((c - O_EDIT) % 2) == 0;
            o->edits[o->n_edits].ops = v;
            o->n_edits++;
            continue;
        }
        switch (c) {
        case 'h':
            usage(stdout);
            return CLI_OK;
        case 'o':
        case O_OUT:
            o->out = v;
            break;
        case O_BACKEND:
            o->backend = v;
            if (bk_kind_parse(v) == -1) {
                cli_errorf("run", "unknown backend '%s': use embedded, tf or auto", v);
                return CLI_USAGE;
            }
            break;
        case O_WARMUP:
            if (!parse_int(v, 0, 100000, &o->warmup)) {
                cli_errorf("run", "--warmup wants a whole number from 0 to 100000, not '%s'", v);
                return CLI_USAGE;
            }
            break;
        case O_ITERS:
            if (!parse_int(v, 1, 1000000, &o->iters)) {
                cli_errorf("run", "--iters wants a whole number from 1 to 1000000, not '%s'", v);
                return CLI_USAGE;
            }
            break;
        case O_SEED: {
            int sd;
            if (!parse_int(v, 0, INT_MAX, &sd)) {
                cli_errorf("run", "--seed wants a whole number >= 0, not '%s'", v);
                return CLI_USAGE;
            }
            o->seed = (unsigned)sd;
            break;
        }
        case O_AMP:
            if (!strcmp(v, "off"))
                o->amp_off = true;
            else if (strcmp(v, "on")) {
                cli_errorf("run", "--amp wants on or off, not '%s'", v);
                return CLI_USAGE;
            }
            break;
        case O_COMPARE:
            o->compare = true;
            break;
        case O_TFV:
            o->tf_version = v;
            break;
        case O_LEVEL:
            if (!cli_check_level("run", v))
                return CLI_USAGE;
            o->level = v;
            break;
        case O_GRAPH:
            if (o->model && strcmp(o->model, v)) {
                cli_errorf("run", "--graph %s and the model %s disagree: give the model once", v, o->model);
                return CLI_USAGE;
            }
            o->model = v;
            break;
        case O_PYTHON:
            o->python = v;
            break;
        case O_TIMEOUT:
            if (!parse_double(v, 0.001, 1e7, &o->timeout_s)) {
                cli_errorf("run", "--timeout wants seconds > 0, not '%s'", v);
                return CLI_USAGE;
            }
            break;
        case O_FAIL:
            if (!cli_parse_fail_under("run", v, &o->fail_under))
                return CLI_USAGE;
            break;
        case O_JSON:
            o->json = true;
            break;
        case O_NOTUI:
            o->no_tui = true;
            break;
        case ':':
            cli_errorf("run", "%s needs a value (see `ampscope run --help`)", argv[optind - 1]);
            return CLI_USAGE;
        default:
            cli_errorf("run", "unknown option '%s' (see `ampscope run --help`)", argv[optind - 1]);
            return CLI_USAGE;
        }
    }
    for (int i = optind; i < end; i++) {
        if (o->model && strcmp(o->model, argv[i])) {
            cli_errorf("run", "more than one model given ('%s' and '%s'); a command to run goes "
                              "after `--`", o->model, argv[i]);
            return CLI_USAGE;
        }
        o->model = argv[i];
    }
    if (!o->model && !o->cmd_argv) {
        cli_errorf("run", "no model given (usage: ampscope run MODEL [options], or ampscope run "
                          "[--graph MODEL] [options] -- COMMAND ARGS...; see --help)");
        return CLI_USAGE;
    }
    if (o->cmd_argv && o->compare) {
        cli_errorf("run", "--compare needs a backend that can run both precisions; it does not "
                          "apply to `-- COMMAND`");
        return CLI_USAGE;
    }
    return -1;
}

/* ---- progress ------------------------------------------------------------- */

static void progress_draw(const char *label, const struct bk_progress *pg, int warmup)
{
    char bar[31];
    int w = 30, filled = 0;
    if (pg->iter_total > 0)
        filled = (int)((double)pg->iter_done / pg->iter_total * w + 0.5);
    if (filled > w)
        filled = w;
    for (int i = 0; i < w; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[w] = 0;
    char what[64];
    if (pg->iter_total > 0 && pg->iter_done < warmup)
        snprintf(what, sizeof what, "warmup %d/%d", pg->iter_done, warmup);
    else if (pg->iter_total > 0)
        snprintf(what, sizeof what, "iteration %d/%d", pg->iter_done - warmup, pg->iter_total - warmup);
    char line[512];
    if (pg->iter_total > 0)
        snprintf(line, sizeof line, "%s [%s] %-18s %6.1f s  %ld verbose lines", label, bar, what,
                 pg->elapsed_s, pg->events);
    else
        snprintf(line, sizeof line, "%s %-10s %6.1f s  %ld verbose lines", label,
                 pg->phase ? pg->phase : "", pg->elapsed_s, pg->events);
    /* Never wider than the terminal: a wrapped line would be repeated on every redraw. */
    struct winsize ws;
    int cols = ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col ? ws.ws_col : 80;
    if (cols > 1 && (int)strlen(line) > cols - 1)
        line[cols - 1] = 0;
    fprintf(stderr, "\r%s\x1b[K", line);
    fflush(stderr);
}

static char *join_command(int argc, char **argv)
{
    struct abuf b;
    abuf_init(&b);
    abuf_puts(&b, "ampscope");
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        abuf_putc(&b, ' ');
        if (*a && strspn(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                            "-_./:=,+@%") == strlen(a)) {
            abuf_puts(&b, a);
        } else {
            abuf_putc(&b, '\'');
            for (; *a; a++) {
                if (*a == '\'')
                    abuf_puts(&b, "'\\''");
                else
                    abuf_putc(&b, *a);
            }
            abuf_putc(&b, '\'');
        }
    }
    return b.data ? b.data : xstrdup("ampscope");
}

/* One backend run into dir. Returns CLI_OK, CLI_USAGE (prepare failed: nothing
 * ran), CLI_RUNTIME or CLI_INTERRUPTED; prints its own messages. */
static int run_one(const struct run_opts *ro, enum bk_kind kind, const graph *g,
                   const amp_plan *plan, struct bk_opts *bo, const char *dir, const char *command,
                   const char *label, bool show_progress)
{
    struct err e = {0};
    struct backend *b = backend_new(kind, &e);
    if (!b) {
        cli_errorf("run", "%s", e.msg);
        return CLI_USAGE;
    }
    if (b->ops->prepare(b, g, plan, bo, &e) != ST_OK) {
        cli_errorf("run", "%s", e.msg);
        backend_free(b);
        return CLI_USAGE;
    }
    if (g_banner[0]) {
        fputs(g_banner, stderr);
        g_banner[0] = 0;
        int nv = bk_embedded_variables(b);
        if (nv > 0)
            fprintf(stderr,
                    "ampscope run: note: %d variable%s (VarHandleOp/VariableV2) hold weights that live "
                    "in a checkpoint ampscope does not read: seeded values of the same shapes are "
                    "used (kernels, precision and timing do not depend on the values)\n",
                    nv, nv == 1 ? "" : "s");
    }
    struct rundir_meta meta;
    if (bk_rundir_begin(dir, &meta, plan, bo, b->ops->name, command, &e) != ST_OK) {
        cli_errorf("run", "cannot write the run directory: %s", e.msg);
        backend_free(b);
        return CLI_RUNTIME;
    }
    (void)ro;
    if (b->ops->start(b, dir, &e) != ST_OK) {
        cli_errorf("run", "%s", e.msg);
        struct err e2;
        bk_rundir_end(dir, &meta, "failed", e.msg, &e2);
        backend_free(b);
        return CLI_RUNTIME;
    }
    const char *const *cenv = bk_child_env(b);
    if (cenv) {
        size_t off = 0;
        meta.env[0] = 0;
        for (; *cenv && off + 2 < sizeof meta.env; cenv++)
            off += (size_t)snprintf(meta.env + off, sizeof meta.env - off, "%s\n", *cenv);
        rundir_write_meta(dir, &meta, &e);
    }
    struct bk_progress pg;
    memset(&pg, 0, sizeof pg);
    bool cancelled = false;
    double last_draw = 0;
    for (;;) {
        b->ops->poll(b, &pg);
        if (pg.state != BK_RUNNING && pg.state != BK_IDLE)
            break;
        if (g_interrupted && !cancelled) {
            cancelled = true;
            if (show_progress)
                fprintf(stderr, "\r\x1b[K");
            fprintf(stderr, "ampscope run: interrupted, stopping the run...\n");
            b->ops->cancel(b);
            continue;
        }
        if (show_progress && util_now_ms() - last_draw > 100) {
            progress_draw(label, &pg, bo->warmup);
            last_draw = util_now_ms();
        }
        struct timespec ts = {0, 20 * 1000000L};
        nanosleep(&ts, NULL);
    }
    enum status st = b->ops->finish(b, &e);
    b->ops->poll(b, &pg);
    if (show_progress)
        fputs("\r\x1b[K", stderr); /* the report (or the TUI) takes over from the bar */
    const char *status = st == ST_OK ? "ok" : (cancelled || st == ST_ECANCEL) ? "interrupted" : "failed";
    meta.exit_code = st == ST_OK ? 0 : -1;
    struct err e2 = {0};
    if (bk_rundir_end(dir, &meta, status, st == ST_OK ? NULL : e.msg, &e2) != ST_OK)
        cli_errorf("run", "could not finish meta.json: %s", e2.msg);
    backend_free(b);
    if (st == ST_OK)
        return CLI_OK;
    if (!strcmp(status, "interrupted")) {
        fprintf(stderr, "ampscope run: %s\n  partial run directory: %s (status \"interrupted\"; "
                        "`ampscope open %s --no-tui` reads what was recorded)\n",
                e.msg, dir, dir);
        return CLI_INTERRUPTED;
    }
    fprintf(stderr, "ampscope run: the run failed: %s\n  run directory: %s\n", e.msg, dir);
    /* A backend that found the input itself wrong (e.g. TensorFlow refusing an input
     * ampscope could not check before starting) is bad input, not a runtime failure. */
    return st == ST_EINVAL ? CLI_USAGE : CLI_RUNTIME;
}

/* NAME=VALUE of the list edits, for the child and meta.json. */
static char **list_env(const amp_lists *l)
{
    const char *const *names = NULL, *const *values = NULL;
    int n = amp_lists_env(l, &names, &values);
    char **env = xcalloc((size_t)(n > 0 ? n : 0) + 1, sizeof *env);
    for (int i = 0; i < n; i++)
        env[i] = xasprintf("%s=%s", names[i], values[i]);
    return env;
}

static void free_env(char **env)
{
    if (!env)
        return;
    for (char **p = env; *p; p++)
        free(*p);
    free(env);
}

int cmd_run(int argc, char **argv)
{
    struct run_opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc >= 0)
        return rc;
    struct err e = {0};
    int code = CLI_OK;
    graph *g = NULL;
    amp_lists *lists = NULL;
    amp_plan *plan = NULL;
    char **lenv = NULL;
    char *command = NULL;
    char dir[PATH_MAX] = "";
    struct sigaction old_int, old_term;
    bool sig_installed = false;

    /* which backend */
    enum bk_kind kind = BK_EMBEDDED;
    if (o.cmd_argv) {
        kind = BK_CMD;
    } else {
        int k = bk_kind_parse(o.backend);
        if (k == -2) {
            char why[768];
            kind = bk_auto_pick(o.python, why, sizeof why);
            fprintf(stderr, "ampscope run: %s\n", why);
        } else {
            kind = (enum bk_kind)k;
        }
    }

    /* the model, its shapes and the AMP plan (for `-- COMMAND` without a
     * model, the graph comes from TensorFlow's dump after the run) */
    if (o.model && (code = run_load_graph(&o, o.model, kind, &g)) != CLI_OK)
        goto out;
    if ((code = run_build_lists(&o, g, &lists)) != CLI_OK)
        goto out;
    if (g && (code = run_paint(&o, g, lists, kind, true, &plan)) != CLI_OK)
        goto out;
    lenv = list_env(lists);

    /* the run directory */
    if (o.out) {
        string_copy(dir, o.out);
        if (rundir_is(dir) || dir_has_entries(dir)) {
            cli_errorf("run", "%s already exists and is not empty%s; pick another --out (a run "
                              "directory is never reused: its logs would mix two runs)",
                       dir, rundir_is(dir) ? " (it is a run directory)" : "");
            code = CLI_USAGE;
            goto out;
        }
        if (util_mkdirs(dir, &e) != ST_OK) {
            cli_error(&e);
            code = CLI_USAGE;
            goto out;
        }
    } else {
        char name[256];
        if (o.model) {
            const char *base = strrchr(o.model, '/');
            string_copy(name, base && base[1] ? base + 1 : o.model);
            char *dot = strrchr(name, '.');
            if (dot && dot != name)
                *dot = 0;
        } else {
            run_command_name(o.cmd_argv, name, sizeof name);
        }
        if (rundir_create("runs", name, dir, sizeof dir, &e) != ST_OK) {
            cli_error(&e);
            code = CLI_USAGE;
            goto out;
        }
    }
    command = join_command(argc, argv);
    if (rr_write_select(dir, &o.mo.load, &e) != ST_OK) { /* open/export reuse the SavedModel selection */
        cli_error(&e);
        code = CLI_RUNTIME;
        goto out;
    }

    struct bk_opts bo = {
        .warmup = o.warmup,
        .iters = o.iters,
        .batch = run_batch(&o),
        .binds = o.mo.binds,
        .n_binds = o.mo.n_binds,
        .tag = o.mo.load.tag,
        .signature = o.mo.load.signature,
        .seed = o.seed,
        .amp_off = o.amp_off,
        .env = (const char *const *)lenv,
        .python = o.python,
        .argv = (const char *const *)o.cmd_argv,
        .timeout_s = o.timeout_s,
        .model_path = o.model,
        .tf_version = o.tf_version,
        .tee_output = true, /* the TUI starts only after the run */
    };
    bool tty = isatty(2) && !getenv("AMPSCOPE_NO_PROGRESS");
    g_interrupted = 0;
    install_sigint(&old_int, &old_term);
    sig_installed = true;
    if (!o.json)
        snprintf(g_banner, sizeof g_banner, "ampscope run: %s on the %s backend%s -> %s\n",
                 o.model ? o.model : "your command (the graph: TensorFlow's pre-AMP dump)",
                 bk_kind_name(kind), kind == BK_CMD ? "" : o.amp_off ? " (--amp off: all f32)" : "",
                 dir);
    code = run_one(&o, kind, g, plan, &bo, dir, command, o.compare ? "bf16" : "run", tty);
    if (code == CLI_USAGE) {
        /* nothing ran: do not leave an empty run directory behind */
        rmdir(dir); /* removes it only when empty */
        goto out;
    }
    if (code == CLI_OK && o.compare) {
        char cdir[PATH_MAX];
        rundir_path(dir, RUNDIR_COMPARE, cdir, sizeof cdir);
        struct bk_opts bo2 = bo;
        bo2.amp_off = true;
        code = run_one(&o, kind, g, plan, &bo2, cdir, command, "f32 ", tty);
        if (code == CLI_OK) {
            struct rundir_meta m;
            if (rundir_read_meta(dir, &m, &e) == ST_OK) {
                m.compare = true;
                rundir_write_meta(dir, &m, &e);
            }
        }
    }
    if (code != CLI_OK)
        goto out;
    char dump_path[PATH_MAX] = "";
    if (!o.model &&
        (code = run_graph_from_dump(&o, dir, lists, &g, &plan, dump_path, sizeof dump_path)) != CLI_OK)
        goto out;
    const char *model_path = o.model ? o.model : dump_path;

    /* the report */
    if (sig_installed) {
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGTERM, &old_term, NULL);
        sig_installed = false;
    }
    bool use_tui = !o.json && !o.no_tui && isatty(1) && isatty(0);
    if (use_tui) {
        struct tui_opts to = {.run_dir = dir, .model_path = model_path, .tf_version = o.tf_version,
                              .backend = bk_kind_name(kind)};
        code = tui_main(&to);
        goto out;
    }
    struct report_opts ropt = {.top_why = 10};
    struct report *rep = report_from_rundir(dir, g, plan, &ropt, &e);
    if (!rep) {
        cli_errorf("run", "the run finished but its report could not be built: %s (run directory: %s)",
                   e.msg, dir);
        code = CLI_RUNTIME;
        goto out;
    }
    struct abuf jb;
    abuf_init(&jb);
    report_json(rep, &jb);
    char rp[PATH_MAX];
    rundir_path(dir, RUNDIR_REPORT, rp, sizeof rp);
    struct err e3 = {0};
    if (util_write_file_atomic(rp, jb.data ? jb.data : "", jb.len, &e3) != ST_OK)
        cli_errorf("run", "warning: could not write %s: %s", rp, e3.msg);
    if (o.json) {
        fwrite(jb.data ? jb.data : "", 1, jb.len, stdout);
    } else {
        struct abuf tb;
        abuf_init(&tb);
        rep_text_render(rep, &tb, util_use_color(stdout), 0);
        fwrite(tb.data ? tb.data : "", 1, tb.len, stdout);
        abuf_done(&tb);
        printf("\nrun directory: %s   (`ampscope open %s` re-analyses it)\n", dir, dir);
    }
    abuf_done(&jb);
    /* Your own command that never reached oneDNN: nothing to report (exit 1). A
     * model whose kernels are all plain TF ops is a finding, not a failure. */
    if (rep->n_events == 0 && code == CLI_OK && kind == BK_CMD) {
        fprintf(stderr, "ampscope run: no oneDNN primitive ran (verbose.log has no exec lines)\n");
        code = CLI_FINDINGS;
    }
    if (o.fail_under >= 0) {
        double pct = rep->bf16_share * 100.0;
        if (!(pct >= o.fail_under)) {
            fprintf(stderr, "ampscope run: bf16 share %.1f%% is below --fail-under %.1f%%\n", pct,
                    o.fail_under);
            code = CLI_FAIL_UNDER;
        }
    }
    report_free(rep);

out:
    if (sig_installed) {
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGTERM, &old_term, NULL);
    }
    free(command);
    free_env(lenv);
    amp_plan_free(plan);
    amp_lists_free(lists);
    graph_free(g);
    cli_model_opts_done(&o.mo);
    return code;
}
