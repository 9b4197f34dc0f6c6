/* cmd_env.c: `ampscope env [RUN_DIR|MODEL] [list flags] [--format F]`
 * prints the environment lines (TensorFlow or ITEX) that reproduce a set of
 * precision-list changes, in the syntax of the deployment target; `ampscope
 * env --check` lints the current environment the way TensorFlow reads it
 * (render/env.h does the work; this file parses flags and prints).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyze/amp.h"
#include "analyze/graph.h"
#include "analyze/rundir.h"
#include "cli/cli.h"
#include "cli/run_report.h"
#include "render/env.h"

extern char **environ;

static void usage(FILE *f)
{
    fputs("usage: ampscope env [RUN_DIR|MODEL] [list flags] [--format FMT] [--itex]\n"
          "       ampscope env --check [--tf-version V] [--cpu-flags FLAGS] [--json]\n"
          "\n"
          "Prints the environment lines that make TensorFlow (or ITEX) apply your bf16\n"
          "precision-list changes, ready to paste into a shell, a Dockerfile, a Kubernetes\n"
          "manifest, ... The lines follow TensorFlow's own rules: comma-separated without\n"
          "spaces (TF does not trim), a MOVED op is removed from its default list and added\n"
          "to the new one (an op on two lists makes TF abandon the whole pass), and only\n"
          "changes relative to the selected TF version's default lists are printed.\n"
          "\n"
          "Starting point: a RUN_DIR contributes the list changes that run used (and its TF\n"
          "version); a MODEL lets you name ops of that model and shows the effect on it;\n"
          "with neither, the flags alone. Then the list flags apply, in order:\n"
          "  --allow-add OPS     move OPS to the allow list (become bf16)\n"
          "  --infer-add OPS, --clear-add OPS, --deny-add OPS   move OPS to that list\n"
          "  --allow-remove OPS  take OPS off the allow list (onto no list) -- likewise\n"
          "  --infer-remove OPS, --clear-remove OPS, --deny-remove OPS\n"
          "                      OPS: comma-separated op types, e.g. MatMul,BatchMatMulV2\n"
          "\n"
          "options:\n"
          "  --format FMT        sh (default), dockerfile, k8s, compose, systemd, dotenv,\n"
          "                      python\n"
          "  --itex              lines for Intel Extension for TensorFlow\n"
          "                      (ITEX_AUTO_MIXED_PRECISION*, relative to ITEX's own lists)\n"
          "                      instead of stock TF\n"
          "  --tf-version V      default lists of TF V: 2.9, 2.11, 2.12, 2.13, 2.19\n"
          "                      (default: a run's own version, else the newest)\n"
          "  --level L           also set TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_LEVEL\n"
          "                      (TREAT_INFER_AS_DENY)\n"
          "  --check             lint the CURRENT environment instead: spaces after\n"
          "                      commas, unknown op names, an op on two lists, legacy\n"
          "                      WHITELIST/BLACKLIST names, TF_ENABLE_ONEDNN_OPTS=0,\n"
          "                      UNSAFE_FORCE_ALL, ITEX and stock AMP both set, names TF\n"
          "                      never reads, and a CPU without avx512_bf16/amx_bf16; says\n"
          "                      what TF would apply\n"
          "  --cpu-flags FLAGS   with --check: judge this CPU flag list (e.g. the\n"
          "                      deployment machine's /proc/cpuinfo flags) instead of\n"
          "                      this machine's\n"
          "  --json              with --check: JSON (schema: docs/env.md)\n"
          CLI_HELP_SELECT
          "                      (of a SavedModel given as MODEL)\n"
          "  -h, --help          this help\n"
          "\n"
          "examples:\n"
          "  ampscope env --deny-add MatMul\n"
          "  ampscope env samples/deny_propagation.pb --infer-add Exp --format k8s\n"
          "  ampscope env runs/mlp-20261122-081500 --format dockerfile\n"
          "  ampscope env --itex --deny-add Softmax --format compose\n"
          "  eval \"$(ampscope env --deny-add MatMul)\" && ampscope amp model.pb\n"
          "  ampscope env --check\n"
          "\n"
          "exit codes: 0 lines printed / --check found nothing wrong; 1 --check found\n"
          "            problems; 2 bad usage or input (unknown op name or format,\n"
          "            conflicting flags, unreadable run or model, damaged meta.json)\n",
          f);
}

static const graph *g_model; /* ops of the user's model count as known op names */
static bool model_has_op(const char *op)
{
    if (!g_model)
        return false;
    for (int i = 0; i < g_model->n_nodes; i++)
        if (!strcmp(g_model->nodes[i].op, op))
            return true;
    return false;
}

static const char *g_list_env;
static char g_val[2048];
static const char *run_getenv(const char *name)
{
    size_t nl = strlen(name);
    for (const char *p = g_list_env ? g_list_env : ""; *p;) {
        const char *end = strchr(p, '\n');
        size_t l = end ? (size_t)(end - p) : strlen(p);
        if (l > nl && !strncmp(p, name, nl) && p[nl] == '=') {
            snprintf(g_val, sizeof g_val, "%.*s", (int)(l - nl - 1), p + nl + 1);
            return g_val;
        }
        p += l + (end ? 1 : 0);
    }
    return NULL;
}

/* The painter's bf16 node count with lists l (for the "effect" comment). */
static int bf16_nodes(const graph *g, const amp_lists *l, bool *failed)
{
    struct err e;
    struct amp_opts ao = {0};
    ao.all_on_cpu = true;
    ao.model_grappler_prepasses = true;
    amp_plan *p = amp_paint(g, l, &ao, &e);
    if (!p)
        return -1;
    int n = 0;
    for (int i = 0; i < g->n_nodes; i++)
        n += p->nodes[i].bf16;
    *failed = p->failed;
    if (p->failed)
        n = 0;
    amp_plan_free(p);
    return n;
}

static int do_check(const char *tfv, const char *cpu_flags, bool json)
{
    struct env_check_opts o = {tfv, cpu_flags};
    struct env_report r;
    struct err e = {0};
    if (env_check((const char *const *)environ, &o, &r, &e) != ST_OK) {
        cli_errorf("env", "%s", e.msg);
        return CLI_USAGE;
    }
    struct abuf b;
    abuf_init(&b);
    if (json)
        env_report_json(&r, &b);
    else
        env_report_text(&r, &b, util_use_color(stdout));
    fwrite(b.data, 1, b.len, stdout);
    abuf_done(&b);
    int rc = r.n_errors + r.n_warnings ? CLI_FINDINGS : CLI_OK;
    env_report_done(&r);
    return rc;
}

int cmd_env(int argc, char **argv)
{
    enum { O_FORMAT = 256, O_ITEX, O_TFV, O_LEVEL, O_CHECK, O_CPU, O_JSON, O_SEL /* + 2 */,
           O_EDIT = O_SEL + 2 /* + 8 */ };
    static const struct option longopts[] = {
        {"format", required_argument, NULL, O_FORMAT},
        {"itex", no_argument, NULL, O_ITEX},
        {"tf-version", required_argument, NULL, O_TFV},
        {"level", required_argument, NULL, O_LEVEL},
        {"check", no_argument, NULL, O_CHECK},
        {"cpu-flags", required_argument, NULL, O_CPU},
        {"json", no_argument, NULL, O_JSON},
        CLI_SELECT_LONGOPTS(O_SEL),
        CLI_LIST_EDIT_LONGOPTS(O_EDIT),
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const enum amp_list *edit_list = cli_edit_list;
    struct { int list; bool add; const char *ops; } *edits = xcalloc((size_t)argc + 1, sizeof *edits);
    int n_edits = 0, fmt = ENV_FMT_SH, rc = CLI_OK;
    bool itex = false, check = false, json = false, fmt_given = false;
    const char *tfv = NULL, *level = NULL, *cpu = NULL;
    struct env_moves mv;
    struct env_vars vars;
    env_moves_init(&mv);
    env_vars_init(&vars);
    graph *g = NULL;
    amp_lists *ref = NULL;
    struct cli_model_opts mo;
    cli_model_opts_init(&mo);
    struct err e = {0};
    optind = 1;
    opterr = 0;
    int c, li = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, &li)) != -1) {
        if (c >= O_SEL && c < O_SEL + 2) {
            if ((rc = cli_model_opt("env", &mo, longopts[li].name, optarg)) != CLI_OK)
                goto done;
            continue;
        }
        if (c >= O_EDIT && c < O_EDIT + 8) {
            edits[n_edits].list = edit_list[(c - O_EDIT) / 2];
            edits[n_edits].add = (c - O_EDIT) % 2 == 0;
            edits[n_edits].ops = optarg;
            n_edits++;
            continue;
        }
        switch (c) {
        case O_FORMAT:
            fmt = env_format_parse(optarg);
            fmt_given = true;
            if (fmt < 0) {
                cli_errorf("env", "unknown --format '%s' (sh, dockerfile, k8s, compose, systemd, "
                                  "dotenv, python)", optarg);
                rc = CLI_USAGE;
                goto done;
            }
            break;
        case O_ITEX: itex = true; break;
        case O_TFV: tfv = optarg; break;
        case O_LEVEL: level = optarg; break;
        case O_CHECK: check = true; break;
        case O_CPU: cpu = optarg; break;
        case O_JSON: json = true; break;
        case 'h': usage(stdout); goto done;
        case ':':
            cli_errorf("env", "%s needs a value (see `ampscope env --help`)", argv[optind - 1]);
            rc = CLI_USAGE;
            goto done;
        default:
            cli_errorf("env", "unknown option '%s' (see `ampscope env --help`)", argv[optind - 1]);
            rc = CLI_USAGE;
            goto done;
        }
    }
    /* Each --X-add moves an op to list X: one op moved to two lists is a contradiction. */
    for (int i = 0; i < n_edits; i++) {
        if (!edits[i].add)
            continue;
        for (int j = i + 1; j < n_edits; j++) {
            if (!edits[j].add || edits[j].list == edits[i].list)
                continue;
            char *a = xasprintf(",%s,", edits[i].ops), *b = xstrdup(edits[j].ops);
            const char *clash = NULL;
            for (char *sv = NULL, *t = strtok_r(b, ",", &sv); t && !clash; t = strtok_r(NULL, ",", &sv)) {
                char *needle = xasprintf(",%s,", t);
                if (strstr(a, needle))
                    clash = t;
                free(needle);
            }
            if (clash) {
                cli_errorf("env", "--%s-add and --%s-add both name %s: an op can be moved to one "
                                  "list only (TensorFlow abandons the pass for an op on two lists)",
                           amp_list_name(edits[i].list), amp_list_name(edits[j].list), clash);
                free(a), free(b);
                rc = CLI_USAGE;
                goto done;
            }
            free(a), free(b);
        }
    }
    const char *src = optind < argc ? argv[optind] : NULL;
    if (optind + 1 < argc) {
        cli_errorf("env", "one RUN_DIR or MODEL only; '%s' is extra", argv[optind + 1]);
        rc = CLI_USAGE;
        goto done;
    }
    if (check) {
        if (src || n_edits || fmt_given || itex || level) {
            cli_errorf("env", "--check lints the current environment; it takes no RUN_DIR/MODEL, "
                              "list flags, --format, --itex or --level (run it without them)");
            rc = CLI_USAGE;
            goto done;
        }
        rc = do_check(tfv, cpu, json);
        goto done;
    }
    if ((mo.load.tag || mo.load.signature) && (!src || rundir_is(src))) {
        cli_errorf("env", "--tag/--signature select inside a SavedModel given as MODEL; %s",
                   src ? "a run directory has no model selection to change" : "give the MODEL");
        rc = CLI_USAGE;
        goto done;
    }
    if (cpu || json) {
        cli_errorf("env", "%s only goes with --check", cpu ? "--cpu-flags" : "--json");
        rc = CLI_USAGE;
        goto done;
    }
    if (level && strcasecmp(level, "TREAT_INFER_AS_DENY")) {
        cli_errorf("env", "--level: '%s' %s; the only level that changes the bf16 pass is "
                          "TREAT_INFER_AS_DENY",
                   level, strcasecmp(level, "UNSAFE_FORCE_ALL") ? "is not a level TensorFlow knows"
                       : "is refused by TensorFlow in bf16 mode (the pass fails)");
        rc = CLI_USAGE;
        goto done;
    }
    if (level)
        level = "TREAT_INFER_AS_DENY"; /* TF upper-cases the value; print it as TF reads it */
    if (itex && (level || tfv)) {
        cli_errorf("env", "--itex uses ITEX's own lists and has no level variable; drop %s",
                   level ? "--level" : "--tf-version");
        rc = CLI_USAGE;
        goto done;
    }

    /* the starting point */
    struct stat st;
    if (src && stat(src, &st) != 0) {
        cli_errorf("env", "%s: no such run directory or model", src);
        rc = CLI_USAGE;
        goto done;
    }
    const char *run_tfv = NULL;
    struct rundir_meta meta;
    char vlog[4096];
    snprintf(vlog, sizeof vlog, "%s/%s", src ? src : "", RUNDIR_VERBOSE);
    if (src && (rundir_is(src) || (S_ISDIR(st.st_mode) && access(vlog, F_OK) == 0))) {
        struct rr_opts ro = {0};
        ro.tf_version = tfv;
        if ((rc = rr_check("env", src, &ro)) != CLI_OK)
            goto done;
        if (rundir_read_meta(src, &meta, &e) != ST_OK) {
            cli_error(&e);
            rc = CLI_USAGE;
            goto done;
        }
        run_tfv = meta.tf_version[0] ? meta.tf_version : NULL;
    }
    ref = amp_lists_new(tfv ? tfv : run_tfv, &e);
    if (!ref && !tfv && run_tfv)
        ref = amp_lists_new(NULL, &e);
    if (!ref) {
        cli_errorf("env", "--tf-version %s: %s", tfv ? tfv : "", e.msg);
        rc = CLI_USAGE;
        goto done;
    }
    if (src && rundir_is(src)) {
        if (meta.list_env[0]) {
            amp_lists *rl = amp_lists_clone(ref);
            g_list_env = meta.list_env;
            amp_lists_from_env(rl, run_getenv, &e);
            g_list_env = NULL;
            env_moves_from_lists(&mv, rl);
            amp_lists_free(rl);
        }
    } else if (src) {
        g = cli_model_load("env", src, &mo, false, 0);
        if (!g) {
            rc = CLI_USAGE;
            goto done;
        }
        g_model = g;
    }
    for (int i = 0; i < n_edits; i++) {
        if (env_moves_flag(&mv, itex ? NULL : ref, edits[i].list, edits[i].add, edits[i].ops,
                           model_has_op, &e) != ST_OK) {
            cli_errorf("env", "%s", e.msg);
            rc = CLI_USAGE;
            goto done;
        }
    }
    enum status s = itex ? env_vars_itex(&vars, &mv, &e)
                         : env_vars_tf(&vars, &mv, amp_lists_version(ref), level, &e);
    if (s != ST_OK) {
        cli_errorf("env", "%s", e.msg);
        rc = CLI_USAGE;
        goto done;
    }
    if (g && !itex) {
        amp_lists *nl = amp_lists_clone(ref);
        env_moves_apply(&mv, nl);
        if (level)
            amp_lists_set_level(nl, level);
        bool f0 = false, f1 = false;
        int before = bf16_nodes(g, ref, &f0), after = bf16_nodes(g, nl, &f1);
        char *note = xasprintf("%s\n# on %s (painter prediction): %d -> %d of %d nodes in bf16%s",
                               vars.note, src, before, after, g->n_nodes,
                               f1 ? " (the pass FAILS with these lists)" : "");
        free(vars.note);
        vars.note = note;
        amp_lists_free(nl);
    }
    struct abuf b;
    abuf_init(&b);
    env_format_lines(&vars, (enum env_format)fmt, &b);
    fwrite(b.data, 1, b.len, stdout);
    abuf_done(&b);
done:
    g_model = NULL;
    env_moves_done(&mv);
    env_vars_done(&vars);
    if (ref)
        amp_lists_free(ref);
    if (g)
        graph_free(g);
    free(edits);
    return rc;
}
