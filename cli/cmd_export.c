/* cmd_export.c: `ampscope export RUN_DIR|MODEL --svg FILE ...`: the
 * annotated graph (SVG/DOT/PNG, through render/layout + render/svg) and the
 * per-node table (CSV/JSON, render/table) of a run directory (measured) or
 * of a model alone (the painter's prediction). Every file is written to a
 * temporary name and renamed, so a failure leaves nothing half-written.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyze/amp.h"
#include "analyze/graph.h"
#include "analyze/rundir.h"
#include "cli/cli.h"
#include "cli/run_report.h"
#include "render/layout.h"
#include "render/svg.h"
#include "render/table.h"

static void usage(FILE *f)
{
    fputs("usage: ampscope export RUN_DIR|MODEL OUTPUT... [options]\n"
          "\n"
          "Writes what ampscope found as a picture or a table, for a bug report, a design\n"
          "review or a spreadsheet. From a run directory the picture shows what was\n"
          "measured (precision each node ran in, AMX or not, time share, Casts seen);\n"
          "from a model alone it shows the painter's PREDICTION (labelled as such).\n"
          "\n"
          "outputs (at least one; several may be given at once; FILE '-' = stdout):\n"
          "  --svg FILE          annotated graph as SVG (opens in a browser; tooltips give\n"
          "                      full names, kernels and reasons)\n"
          "  --dot FILE          the same graph in Graphviz DOT, with positions\n"
          "  --png FILE          the same graph as a PNG image\n"
          "  --csv FILE          one row per node (and per planned Cast), report columns;\n"
          "                      every row has the header's columns\n"
          "  --json FILE         the same facts as JSON (schema: docs/export.md)\n"
          "\n"
          "picture options:\n"
          "  --collapse D        group nodes by their first D name-scope components\n"
          "                      (0 = never; default: automatic, only for graphs over\n"
          "                      --max-nodes nodes)\n"
          "  --max-nodes N       automatic collapsing aims at no more than N boxes (300)\n"
          "  --focus NODE        draw only NODE's neighbourhood ...\n"
          "  --radius K          ... up to K edges away (default 2)\n"
          "  --title T           the picture's title (default: model, mode, backend)\n"
          "  --no-casts          do not draw the planned Casts on the edges\n"
          "  --edge-labels on|off\n"
          "                      tensor shape and dtype on edges (default: on up to 400\n"
          "                      edges)\n"
          "\n"
          "model options (a MODEL, or a run whose model moved):\n"
          "  --model PATH        the run's model, when it is no longer where the run put it\n"
          "  --tf-version V      op lists of TensorFlow V (default: the run's, else the\n"
          "                      newest)\n"
          CLI_HELP_INPUT
          "  --batch N           fill every input's unknown leading (batch) dimension\n"
          "                      (default 1; --input and --batch only for a MODEL)\n"
          CLI_HELP_SELECT
          "                      (of MODEL, or of --model for a run)\n"
          "  --no-env            ignore TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_* (MODEL)\n"
          "  -h, --help          this help\n"
          "\n"
          "examples:\n"
          "  ampscope export runs/mnist_convnet-20261122-081500 --svg mnist.svg\n"
          "  ampscope export samples/transformer_block.pb --svg pred.svg --csv pred.csv\n"
          "  ampscope export RUN --svg conv.svg --focus conv2d/Conv2D --radius 3\n"
          "  ampscope export big_model.pb --png big.png --collapse 2\n"
          "\n"
          "exit codes: 0 written; 2 bad usage or input (unknown format or option, missing\n"
          "            or unreadable run/model, a damaged meta.json, unknown --focus node\n"
          "            or --tf-version, unwritable output path; nothing is left\n"
          "            half-written)\n",
          f);
}

enum out_kind { OUT_SVG, OUT_DOT, OUT_PNG, OUT_CSV, OUT_JSON, OUT__N };
static const char *const out_flag[OUT__N] = {"--svg", "--dot", "--png", "--csv", "--json"};

static bool parse_int(const char *flag, const char *s, int lo, int hi, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < lo || v > hi) {
        cli_errorf("export", "%s needs a whole number from %d to %d, not '%s'", flag, lo, hi, s);
        return false;
    }
    *out = (int)v;
    return true;
}

/* The output's directory must exist and be writable: checked before the
 * (possibly long) work so the message comes at once. */
static bool check_out_path(const char *flag, const char *path)
{
    if (!strcmp(path, "-"))
        return true;
    if (!*path) {
        cli_errorf("export", "%s needs a file name", flag);
        return false;
    }
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        cli_errorf("export", "%s %s: that is a directory; give a file name, e.g. %s/graph.%s", flag,
                   path, path, flag + 2);
        return false;
    }
    char dir[4096];
    string_copy(dir, path);
    char *slash = strrchr(dir, '/');
    if (slash)
        slash == dir ? (void)(dir[1] = 0) : (void)(*slash = 0);
    else
        string_copy(dir, ".");
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        cli_errorf("export", "%s %s: the directory %s does not exist", flag, path, dir);
        return false;
    }
    if (access(dir, W_OK) != 0) {
        cli_errorf("export", "%s %s: cannot write in %s (%s); choose another path", flag, path, dir,
                   strerror(errno));
        return false;
    }
    return true;
}

/* Files this invocation wrote, removed again when a later output fails, so
 * an export either writes everything it was asked for or nothing. */
static const char *written[8];
static int n_written;

static int emit(const char *flag, const char *path, const char *data, size_t len)
{
    struct err e = {0};
    if (!strcmp(path, "-")) {
        if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
            cli_errorf("export", "%s: cannot write to stdout", flag);
            return CLI_USAGE;
        }
        return CLI_OK;
    }
    if (util_write_file_atomic(path, data, len, &e) != ST_OK) {
        cli_errorf("export", "%s %s: %s", flag, path, e.msg);
        return CLI_USAGE;
    }
    if (n_written < (int)(sizeof written / sizeof written[0]))
        written[n_written++] = path;
    return CLI_OK;
}

static const char *env_get(const char *name) { return getenv(name); }

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s && s[1] ? s + 1 : p;
}

int cmd_export(int argc, char **argv)
{
    enum { O_SVG = 256, O_DOT, O_PNG, O_CSV, O_JSON, O_COLLAPSE, O_MAXN, O_FOCUS, O_RADIUS, O_TITLE,
           O_NOCASTS, O_ELABELS, O_MODEL, O_TFV, O_NOENV, O_MOPT /* + 4 */ };
    static const struct option longopts[] = {
        {"svg", required_argument, NULL, O_SVG},
        {"dot", required_argument, NULL, O_DOT},
        {"png", required_argument, NULL, O_PNG},
        {"csv", required_argument, NULL, O_CSV},
        {"json", required_argument, NULL, O_JSON},
        {"collapse", required_argument, NULL, O_COLLAPSE},
        {"max-nodes", required_argument, NULL, O_MAXN},
        {"focus", required_argument, NULL, O_FOCUS},
        {"radius", required_argument, NULL, O_RADIUS},
        {"title", required_argument, NULL, O_TITLE},
        {"no-casts", no_argument, NULL, O_NOCASTS},
        {"edge-labels", required_argument, NULL, O_ELABELS},
        {"model", required_argument, NULL, O_MODEL},
        {"tf-version", required_argument, NULL, O_TFV},
        CLI_SHAPE_LONGOPTS(O_MOPT),
        CLI_SELECT_LONGOPTS(O_MOPT + 2),
        {"no-env", no_argument, NULL, O_NOENV},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *out[OUT__N] = {0};
    const char *model = NULL, *tfv = NULL;
    bool noenv = false, radius_given = false;
    int rc = CLI_OK;
    struct lay_opts lo;
    lay_opts_init(&lo);
    struct cli_model_opts mo;
    cli_model_opts_init(&mo);
    struct rr_ctx rr;
    memset(&rr, 0, sizeof rr);
    graph *g = NULL;
    amp_lists *lists = NULL;
    amp_plan *plan = NULL;
    lay_layout *L = NULL;
    struct err e = {0};
    optind = 1;
    opterr = 0;
    int c, li = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, &li)) != -1) {
        if (c >= O_MOPT && c < O_MOPT + 4) {
            if ((rc = cli_model_opt("export", &mo, longopts[li].name, optarg)) != CLI_OK)
                goto done;
            continue;
        }
        if (c >= O_SVG && c <= O_JSON) {
            int k = c - O_SVG;
            if (out[k]) {
                cli_errorf("export", "%s given twice (one file per format)", out_flag[k]);
                rc = CLI_USAGE;
                goto done;
            }
            out[k] = optarg;
            continue;
        }
        switch (c) {
        case O_COLLAPSE:
            if (!parse_int("--collapse", optarg, 0, 64, &lo.collapse))
                rc = CLI_USAGE;
            break;
        case O_MAXN:
            if (!parse_int("--max-nodes", optarg, 10, 100000, &lo.max_visible))
                rc = CLI_USAGE;
            break;
        case O_FOCUS: lo.focus = optarg; break;
        case O_RADIUS:
            radius_given = true;
            if (!parse_int("--radius", optarg, 1, 1000, &lo.radius))
                rc = CLI_USAGE;
            break;
        case O_TITLE: lo.title = optarg; break;
        case O_NOCASTS: lo.no_casts = true; break;
        case O_ELABELS:
            if (!strcmp(optarg, "on"))
                lo.edge_labels = 1;
            else if (!strcmp(optarg, "off"))
                lo.edge_labels = 0;
            else {
                cli_errorf("export", "--edge-labels takes on or off, not '%s'", optarg);
                rc = CLI_USAGE;
            }
            break;
        case O_MODEL: model = optarg; break;
        case O_TFV: tfv = optarg; break;
        case O_NOENV: noenv = true; break;
        case 'h': usage(stdout); goto done;
        case ':':
            cli_errorf("export", "%s needs a value (see `ampscope export --help`)", argv[optind - 1]);
            rc = CLI_USAGE;
            break;
        default: {
            const char *bad = argv[optind - 1];
            if (bad && !strncmp(bad, "--", 2) && strlen(bad) > 2)
                cli_errorf("export",
                           "unknown option or format '%s' (formats: --svg, --dot, --png, --csv, "
                           "--json; see `ampscope export --help`)", bad);
            else
                cli_errorf("export", "unknown option '%s' (see `ampscope export --help`)", bad ? bad : "?");
            rc = CLI_USAGE;
        }
        }
        if (rc != CLI_OK)
            goto done;
    }
    if (optind >= argc) {
        cli_errorf("export", "give a run directory or a model (see `ampscope export --help`)");
        rc = CLI_USAGE;
        goto done;
    }
    if (argc - optind > 1) {
        cli_errorf("export", "one RUN_DIR or MODEL only; '%s' is extra", argv[optind + 1]);
        rc = CLI_USAGE;
        goto done;
    }
    const char *src = argv[optind];
    int n_out = 0, n_stdout = 0;
    for (int k = 0; k < OUT__N; k++) {
        if (!out[k])
            continue;
        n_out++;
        n_stdout += !strcmp(out[k], "-");
        if (!check_out_path(out_flag[k], out[k])) {
            rc = CLI_USAGE;
            goto done;
        }
        for (int j = 0; j < k; j++)
            if (out[j] && strcmp(out[j], "-") && !strcmp(out[j], out[k])) {
                cli_errorf("export", "%s and %s both write %s", out_flag[j], out_flag[k], out[k]);
                rc = CLI_USAGE;
                goto done;
            }
    }
    if (!n_out) {
        cli_errorf("export", "say what to write: --svg FILE, --dot FILE, --png FILE, --csv FILE or "
                             "--json FILE");
        rc = CLI_USAGE;
        goto done;
    }
    if (n_stdout > 1) {
        cli_errorf("export", "only one output can go to stdout ('-')");
        rc = CLI_USAGE;
        goto done;
    }
    if (radius_given && !lo.focus) {
        cli_errorf("export", "--radius needs --focus NODE (the node to centre on)");
        rc = CLI_USAGE;
        goto done;
    }
    if (lo.focus && lo.collapse > 0) {
        /* allowed: collapse applies inside the neighbourhood; nothing to check */
    }

    /* ---- load: a run (measured) or a model (prediction) ---- */
    const graph *gg;
    const amp_plan *pp;
    const struct report *rp = NULL;
    struct stat st;
    bool is_dir = stat(src, &st) == 0 && S_ISDIR(st.st_mode);
    if (is_dir && !rundir_is(src)) {
        /* a SavedModel directory is a model; anything else must be a run */
        char pb[4096];
        snprintf(pb, sizeof pb, "%s/saved_model.pb", src);
        struct stat st2;
        if (stat(pb, &st2) != 0) {
            snprintf(pb, sizeof pb, "%s/%s", src, RUNDIR_VERBOSE);
            if (stat(pb, &st2) != 0) {
                cli_errorf("export",
                           "%s is neither a run directory (no %s, no %s) nor a SavedModel (no "
                           "saved_model.pb); make a run with `ampscope run MODEL`",
                           src, RUNDIR_META, RUNDIR_VERBOSE);
                rc = CLI_USAGE;
                goto done;
            }
        } else {
            is_dir = false;
        }
    }
    if (is_dir) {
        struct rr_opts ro = {0};
        ro.model = model;
        ro.tf_version = tfv;
        if (mo.n_binds || mo.batch || noenv) {
            cli_errorf("export", "%s is for a MODEL; a run directory keeps the shapes and list "
                                 "edits it ran with", mo.n_binds ? "--input" : mo.batch ? "--batch"
                                                                                        : "--no-env");
            rc = CLI_USAGE;
            goto done;
        }
        if (mo.load.tag || mo.load.signature) {
            if (!model) {
                cli_errorf("export", "--tag/--signature select inside --model PATH; a run keeps "
                                     "the selection it was analysed with");
                rc = CLI_USAGE;
                goto done;
            }
            ro.load = &mo.load;
        }
        rc = rr_load("export", src, &ro, &rr);
        if (rc != CLI_OK)
            goto done;
        gg = rr.g;
        pp = rr.plan;
        rp = rr.rep;
        if (!lo.model_name)
            lo.model_name = rr.have_meta && rr.meta.model_name[0] ? rr.meta.model_name
                                                                   : base_name(rr.model_path);
    } else {
        if (model) {
            cli_errorf("export", "--model is for a run directory; %s is already a model", src);
            rc = CLI_USAGE;
            goto done;
        }
        lists = amp_lists_new(tfv, &e);
        if (!lists) {
            cli_errorf("export", "--tf-version %s: %s", tfv ? tfv : "", e.msg);
            rc = CLI_USAGE;
            goto done;
        }
        g = cli_model_load("export", src, &mo, true, 1);
        if (!g) {
            rc = CLI_USAGE;
            goto done;
        }
        if (!noenv && amp_lists_from_env(lists, env_get, &e) != ST_OK) {
            cli_errorf("export", "the TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_* variables: %s", e.msg);
            rc = CLI_USAGE;
            goto done;
        }
        struct amp_opts ao = {0};
        ao.all_on_cpu = true;
        ao.model_grappler_prepasses = true;
        plan = amp_paint(g, lists, &ao, &e);
        if (!plan) {
            cli_error(&e);
            rc = CLI_USAGE;
            goto done;
        }
        gg = g;
        pp = plan;
        if (!lo.model_name)
            lo.model_name = base_name(src);
    }

    /* ---- tables ---- */
    struct abuf b;
    abuf_init(&b);
    if (out[OUT_CSV]) {
        tbl_csv(gg, pp, rp, &b);
        rc = emit("--csv", out[OUT_CSV], b.data ? b.data : "", b.len);
        b.len = 0;
    }
    if (rc == CLI_OK && out[OUT_JSON]) {
        tbl_json(gg, pp, rp, lo.model_name, &b);
        rc = emit("--json", out[OUT_JSON], b.data, b.len);
    }
    abuf_done(&b);
    if (rc != CLI_OK || !(out[OUT_SVG] || out[OUT_DOT] || out[OUT_PNG]))
        goto done;

    /* ---- pictures: build -> layout -> render -> free ---- */
    L = lay_new(gg, pp, rp, &lo, &e);
    if (!L) {
        cli_errorf("export", "%s", e.msg);
        rc = CLI_USAGE;
        goto done;
    }
    if (lay_compute(L, &e) != ST_OK) {
        cli_errorf("export", "%s", e.msg);
        rc = CLI_RUNTIME;
        goto done;
    }
    static const enum svg_format fmts[3] = {SVG_FMT_SVG, SVG_FMT_DOT, SVG_FMT_PNG};
    for (int k = OUT_SVG; k <= OUT_PNG && rc == CLI_OK; k++) {
        if (!out[k])
            continue;
        char *data;
        size_t len;
        if (svg_render(L, fmts[k], &data, &len, &e) != ST_OK) {
            cli_errorf("export", "%s: %s", out_flag[k], e.msg);
            rc = CLI_USAGE;
            break;
        }
        rc = emit(out_flag[k], out[k], data, len);
        free(data);
    }
    if (rc == CLI_OK && isatty(2) && L->collapse_depth > 0)
        fprintf(stderr, "ampscope export: %d nodes drawn as %d boxes (scopes collapsed at depth %d; "
                        "--collapse 0 draws every node)\n",
                gg->n_nodes - L->hidden, L->n_nodes, L->collapse_depth);
done:
    for (int k = 0; k < n_written; k++)
        if (rc != CLI_OK && unlink(written[k]) == 0)
            fprintf(stderr, "ampscope export: removed %s (written before the failure)\n", written[k]);
    n_written = 0;
    lay_free(L);
    if (plan)
        amp_plan_free(plan);
    if (lists)
        amp_lists_free(lists);
    if (g)
        graph_free(g);
    rr_done(&rr);
    cli_model_opts_done(&mo);
    return rc;
}
