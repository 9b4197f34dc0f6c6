/* cmd_amp.c: `ampscope amp MODEL`: predicts TensorFlow's bf16 auto mixed
 * precision (auto_mixed_precision_onednn_bfloat16) for a model without
 * running it: the list edits from the environment and the flags, grappler's
 * earlier rewrites (modelled), the painter, then a readable report (nodes by
 * outcome with reasons, the Casts, TF's own summary line) or --json
 * (schema in docs/amp.md).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/amp.h"
#include "analyze/graph.h"
#include "cli/cli.h"

static void usage(FILE *f)
{
    fputs("usage: ampscope amp MODEL [options]\n"
          "\n"
          "Predicts what TensorFlow's bf16 auto mixed precision pass\n"
          "(auto_mixed_precision_onednn_bfloat16) does to MODEL on an Intel CPU, node by\n"
          "node, without running it: which ops become bfloat16 and why, which stay\n"
          "float32 and why, where TensorFlow inserts Casts, and TensorFlow's own line\n"
          "`Converted X/Y nodes to bfloat16 precision using N cast(s) ...`.\n"
          "\n"
          "The op lists are those of the selected TensorFlow release. List changes come\n"
          "from the TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_* environment variables, read\n"
          "exactly as TensorFlow reads them (comma split, no trimming, adds before\n"
          "removes, legacy WHITELIST/GRAYLIST/BLACKLIST names), then from the flags\n"
          "below, which act as the same variables.\n"
          "\n"
          "options:\n"
          "  --json              one JSON object on stdout (schema: docs/amp.md)\n"
          "  --tf-version V      op lists of TensorFlow V: 2.9 (2.8-2.10), 2.11, 2.12,\n"
          "                      2.13 (2.13-2.14), 2.19 (2.15 and later; the default)\n"
          "  --allow-add OPS     add ops to the allow list  (..._ALLOWLIST_ADD)\n"
          "  --allow-remove OPS  remove ops from it         (..._ALLOWLIST_REMOVE)\n"
          "  --infer-add OPS, --infer-remove OPS, --clear-add OPS, --clear-remove OPS,\n"
          "  --deny-add OPS, --deny-remove OPS\n"
          "                      the same for the other lists. OPS is comma-separated,\n"
          "                      e.g. MatMul,BatchMatMulV2. To MOVE an op, remove it from\n"
          "                      its list and add it to the other: an op on two lists\n"
          "                      makes TensorFlow's pass fail.\n"
          "  --level L           TREAT_INFER_AS_DENY (infer ops behave as deny), or\n"
          "                      UNSAFE_FORCE_ALL (TensorFlow refuses it for bf16)\n"
          "  --no-env            ignore the TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_* env\n"
          "  --no-prepass        paint the graph exactly as given (for TensorFlow's own\n"
          "                      graphdef_preop_* dumps); by default grappler's earlier\n"
          "                      rewrites (pruning, constant folding, dedup) are modelled\n"
          "  --preserve NODES    fetch/feed node names TF must not touch (comma-separated;\n"
          "                      default: the graph's Placeholders and output nodes)\n"
          "  --all               list every node (Consts and non-float nodes too)\n"
          CLI_HELP_INPUT
          "  --batch N           fill every input's unknown leading (batch) dimension\n"
          CLI_HELP_SELECT
          "  -h, --help          this help\n"
          "\n"
          "examples:\n"
          "  ampscope amp samples/mlp.pb\n"
          "  ampscope amp samples/deny_propagation.pb --deny-remove Exp --infer-add Exp\n"
          "  TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_DENYLIST_ADD=MatMul \\\n"
          "      ampscope amp model.pb\n"
          "  ampscope amp model.pb --tf-version 2.12 --json\n"
          "\n"
          "exit codes: 0 prediction printed; 1 TensorFlow's pass would FAIL (e.g. an op on\n"
          "            two lists; the message says what to change); 2 bad usage or input\n"
          "            (missing or unreadable model, unknown op name in a flag, unknown\n"
          "            --tf-version)\n",
          f);
}

struct flagedit {
    int list;
    bool add;
    const char *ops;
};

static const char *env_get(const char *name) { return getenv(name); }

/* Warns about list values TF reads literally (empty pieces, spaces). */
static void lint_csv(const char *where, const char *csv)
{
    if (!csv)
        return;
    const char *p = csv;
    for (;;) {
        const char *c = strchr(p, ',');
        size_t n = c ? (size_t)(c - p) : strlen(p);
        if (*csv && n == 0)
            fprintf(stderr, "ampscope amp: warning: %s has an empty entry: TensorFlow adds an op "
                            "named \"\" (harmless unless it lands on two lists)\n", where);
        else if (n && (p[0] == ' ' || p[n - 1] == ' ' || p[0] == '\t'))
            fprintf(stderr, "ampscope amp: warning: %s: \"%.*s\" has spaces; TensorFlow does not "
                            "trim them, so it names no op\n", where, (int)n, p);
        if (!c)
            break;
        p = c + 1;
    }
}

enum group { GR_BF16, GR_DENY, GR_FP32, GR_CONST, GR_NOFLOAT, GR_REMOVED, GR_N };

static enum group group_of(const amp_plan *p, int i)
{
    const struct amp_node_plan *np = &p->nodes[i];
    if (np->removed)
        return GR_REMOVED;
    if (np->bf16)
        return GR_BF16;
    if (!np->any_fp32_attr)
        return GR_NOFLOAT;
    if (np->reason_code && (!strcmp(np->reason_code, "deny") || !strcmp(np->reason_code, "deny_propagated") ||
                            !strcmp(np->reason_code, "tensorlist_deny")))
        return GR_DENY;
    if (!strcmp(p->g->nodes[i].op, "Const") || (np->reason_code && !strcmp(np->reason_code, "const_folded")))
        return GR_CONST;
    return GR_FP32;
}

static void print_report(const amp_plan *p, const amp_lists *l, const graph *g, bool all,
                         const char *path)
{
    bool col = util_use_color(stdout);
    const char *G = col ? "\033[32m" : "", *Rd = col ? "\033[31m" : "", *B = col ? "\033[1m" : "",
               *D = col ? "\033[2m" : "", *Z = col ? "\033[0m" : "";
    printf("%sampscope amp%s %s: %d nodes, TF %s lists (%s)%s\n", B, Z, path, g->n_nodes,
           amp_lists_version(l), amp_lists_covers(l),
           p->level == AMP_LEVEL_TREAT_INFER_AS_DENY ? ", level TREAT_INFER_AS_DENY" : "");
    if (g->tf_version && *g->tf_version) {
        struct err e2;
        amp_lists *saved = amp_lists_new(g->tf_version, &e2);
        if (saved && strcmp(amp_lists_version(saved), amp_lists_version(l)))
            printf("  %snote: the model was saved by TensorFlow %s; --tf-version %s predicts for that "
                   "release's lists%s\n", D, g->tf_version, g->tf_version, Z);
        amp_lists_free(saved);
    }
    const char *const *names, *const *values;
    int ne = amp_lists_env(l, &names, &values);
    for (int i = 0; i < ne; i++)
        printf("  list edit: %s=%s\n", names[i], values[i]);
    for (int i = 0; i < p->n_notes; i++)
        printf("  %snote: %s%s\n", D, p->notes[i], Z);
    if (p->failed) {
        printf("\n%sTensorFlow's pass FAILS%s: %s\n", Rd, Z, p->failure);
        printf("\n%s\n", p->summary);
        return;
    }
    static const char *const title[GR_N] = {
        "bf16", "stays fp32: deny", "stays fp32", "Const (stays fp32; TF casts it where a bf16 op reads it)",
        "no float32 type attribute", "gone before AMP (grappler's earlier passes, modelled)"};
    int counts[GR_N] = {0};
    size_t w = 8, wo = 4;
    for (int i = 0; i < g->n_nodes; i++) {
        counts[group_of(p, i)]++;
        size_t ln = strlen(g->nodes[i].name), lo = strlen(g->nodes[i].op);
        if (ln > w && ln < 60)
            w = ln;
        if (lo > wo && lo < 30)
            wo = lo;
    }
    for (int gr = 0; gr < GR_N; gr++) {
        if (!counts[gr])
            continue;
        bool brief = !all && (gr == GR_CONST || gr == GR_NOFLOAT || gr == GR_REMOVED);
        const char *c = gr == GR_BF16 ? G : gr == GR_DENY ? Rd : "";
        printf("\n%s%s%s (%d)%s\n", B, c, title[gr], counts[gr], Z);
        if (brief) {
            int shown = 0;
            printf("  ");
            for (int i = 0; i < g->n_nodes && shown < 6; i++)
                if (group_of(p, i) == (enum group)gr)
                    printf("%s%s", shown++ ? ", " : "", g->nodes[i].name);
            printf("%s  %s(--all lists them with reasons)%s\n", counts[gr] > 6 ? ", ..." : "", D, Z);
            continue;
        }
        for (int i = 0; i < g->n_nodes; i++) {
            if (group_of(p, i) != (enum group)gr)
                continue;
            const struct amp_node_plan *np = &p->nodes[i];
            printf("  %s%-*s%s  %-*s  %s\n", c, (int)w, g->nodes[i].name, Z, (int)wo, g->nodes[i].op,
                   np->reason ? np->reason : "");
        }
    }
    if (p->nothing_to_do) {
        printf("\n%s\n", p->summary);
        return;
    }
    int counted = 0;
    for (int k = 0; k < p->n_casts; k++)
        counted += p->casts[k].counted;
    printf("\n%sCasts TensorFlow inserts (%d; %d counted: TF counts casts to bf16 that do not "
           "read a Const/Variable)%s\n", B, p->n_casts, counted, Z);
    for (int k = 0; k < p->n_casts; k++) {
        const struct amp_cast *cs = &p->casts[k];
        printf("  %s:%d -> %s -> ", cs->src_name, cs->src_port, cs->to_bf16 ? "bf16" : "fp32");
        for (int d = 0; d < cs->n_dst && d < 4; d++)
            printf("%s%s", d ? ", " : "", cs->dst_nodes[d] >= 0 ? g->nodes[cs->dst_nodes[d]].name : "?");
        if (cs->n_dst > 4)
            printf(", ... (%d consumers)", cs->n_dst);
        printf("%s\n      %s%s%s\n", cs->counted ? "" : !cs->to_bf16 ? "   (to fp32: not counted)"
                                                     : "   (reads a Const/Variable: not counted)",
               D, cs->name, Z);
    }
    printf("\n%s%s%s\n", B, p->summary, Z);
}

int cmd_amp(int argc, char **argv)
{
    enum { O_JSON = 256, O_TFV, O_LEVEL, O_NOENV, O_NOPRE, O_PRES, O_ALL, O_MODEL /* + 4 */,
           O_EDIT = O_MODEL + 4 /* + 8 */ };
    static const struct option longopts[] = {
        {"json", no_argument, NULL, O_JSON},
        {"tf-version", required_argument, NULL, O_TFV},
        {"level", required_argument, NULL, O_LEVEL},
        {"no-env", no_argument, NULL, O_NOENV},
        {"no-prepass", no_argument, NULL, O_NOPRE},
        {"preserve", required_argument, NULL, O_PRES},
        {"all", no_argument, NULL, O_ALL},
        CLI_SHAPE_LONGOPTS(O_MODEL),
        CLI_SELECT_LONGOPTS(O_MODEL + 2),
        CLI_LIST_EDIT_LONGOPTS(O_EDIT),
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const enum amp_list *edit_list = cli_edit_list;
    static const char *const edit_flag[8] = {"--allow-add", "--allow-remove", "--infer-add",
                                             "--infer-remove", "--clear-add", "--clear-remove",
                                             "--deny-add", "--deny-remove"};
    bool json = false, noenv = false, noprepass = false, all = false;
    const char *tfv = NULL, *level = NULL, *preserve = NULL;
    struct cli_model_opts mo;
    cli_model_opts_init(&mo);
    struct flagedit *edits = xcalloc((size_t)argc + 1, sizeof *edits);
    int n_edits = 0, rc = CLI_OK;
    graph *g = NULL;
    amp_lists *l = NULL;
    amp_plan *p = NULL;
    char **pres = NULL;
    struct err e;
    memset(&e, 0, sizeof e);
    optind = 1;
    opterr = 0;
    int c, li = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, &li)) != -1) {
        if (c >= O_MODEL && c < O_MODEL + 4) {
            if ((rc = cli_model_opt("amp", &mo, longopts[li].name, optarg)) != CLI_OK)
                goto out;
            continue;
        }
        if (c >= O_EDIT && c < O_EDIT + 8) {
            edits[n_edits].list = edit_list[(c - O_EDIT) / 2];
            edits[n_edits].add = ((c - O_EDIT) % 2) == 0;
            edits[n_edits].ops = optarg;
            n_edits++;
            continue;
        }
        switch (c) {
        case O_JSON: json = true; break;
        case O_TFV: tfv = optarg; break;
        case O_LEVEL: level = optarg; break;
        case O_NOENV: noenv = true; break;
        case O_NOPRE: noprepass = true; break;
        case O_PRES: preserve = optarg; break;
        case O_ALL: all = true; break;
        case 'h': usage(stdout); goto out;
        case ':':
            cli_errorf("amp", "%s needs a value (see `ampscope amp --help`)", argv[optind - 1]);
            rc = CLI_USAGE;
            goto out;
        default:
            cli_errorf("amp", "unknown option '%s' (see `ampscope amp --help`)", argv[optind - 1]);
            rc = CLI_USAGE;
            goto out;
        }
    }
    if (optind != argc - 1) {
        if (optind >= argc)
            cli_errorf("amp", "which model? usage: ampscope amp MODEL [options] (--help for more)");
        else
            cli_errorf("amp", "one model at a time; got '%s' and '%s'", argv[optind], argv[optind + 1]);
        rc = CLI_USAGE;
        goto out;
    }
    if (level && !cli_check_level("amp", level)) {
        rc = CLI_USAGE;
        goto out;
    }
    l = amp_lists_new(tfv, &e);
    if (!l) {
        cli_errorf("amp", "--tf-version: %s", e.msg);
        rc = CLI_USAGE;
        goto out;
    }
    g = cli_model_load("amp", argv[optind], &mo, mo.n_binds || mo.batch, 0);
    if (!g) {
        rc = CLI_USAGE;
        goto out;
    }
    if (!noenv) {
        static const char *const vars[] = {"ALLOWLIST", "WHITELIST", "INFERLIST", "GRAYLIST",
                                           "DENYLIST", "BLACKLIST", "CLEARLIST"};
        for (size_t i = 0; i < 7; i++)
            for (int k = 0; k < 2; k++) {
                char name[96];
                snprintf(name, sizeof name, "TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_%s_%s", vars[i],
                         k ? "REMOVE" : "ADD");
                lint_csv(name, getenv(name));
            }
        amp_lists_from_env(l, env_get, &e);
    }
    for (int i = 0; i < n_edits; i++) {
        int fi = (edits[i].list == AMP_LIST_ALLOW ? 0 : edits[i].list == AMP_LIST_INFER ? 2
                  : edits[i].list == AMP_LIST_CLEAR ? 4 : 6) + !edits[i].add;
        lint_csv(edit_flag[fi], edits[i].ops);
        if (!cli_check_ops("amp", g, edit_flag[fi], edits[i].ops)) {
            rc = CLI_USAGE;
            goto out;
        }
        amp_lists_edit(l, (enum amp_list)edits[i].list, edits[i].add, edits[i].ops);
    }
    if (level)
        amp_lists_set_level(l, level);
    struct amp_opts o = {NULL, true, !noprepass};
    if (preserve) {
        int n = 1;
        for (const char *q = preserve; *q; q++)
            n += *q == ',';
        pres = xcalloc((size_t)n + 1, sizeof *pres);
        char *dup = xstrdup(preserve);
        int k = 0;
        for (char *save = NULL, *t = strtok_r(dup, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            if (graph_find(g, t) < 0) {
                cli_errorf("amp", "--preserve: no node named '%s' in %s", t, argv[optind]);
                free(dup);
                rc = CLI_USAGE;
                goto out;
            }
            pres[k++] = xstrdup(t);
        }
        free(dup);
        o.preserve = (const char *const *)pres;
    }
    p = amp_paint(g, l, &o, &e);
    if (!p) {
        cli_error(&e);
        rc = CLI_RUNTIME;
        goto out;
    }
    if (json) {
        struct abuf b;
        abuf_init(&b);
        amp_plan_json(p, &b);
        fwrite(b.data, 1, b.len, stdout);
        abuf_done(&b);
    } else {
        print_report(p, l, g, all, argv[optind]);
    }
    if (p->failed)
        rc = CLI_FINDINGS;
out:
    amp_plan_free(p);
    amp_lists_free(l);
    graph_free(g);
    cli_model_opts_done(&mo);
    free(edits);
    if (pres) {
        for (int i = 0; pres[i]; i++)
            free(pres[i]);
        free(pres);
    }
    return rc;
}
