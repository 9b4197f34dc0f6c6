/* run_graph.c: the graph side of `ampscope run`. Loads the model and infers
 * its shapes, builds the AMP lists with every edit, paints the graph; and
 * when `-- COMMAND` ran without a model, takes TensorFlow's own pre-AMP dump
 * from the run directory as the graph, so the command's oneDNN events still
 * land on named nodes.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/rundir.h"
#include "analyze/tfevidence.h"
#include "cli/cli.h"
#include "cli/run_int.h"

int run_load_graph(const struct run_opts *o, const char *path, enum bk_kind kind, graph **out)
{
    *out = NULL;
    graph *g = cli_model_load("run", path, &o->mo, false, 1);
    if (!g)
        return CLI_USAGE;
    if (!o->mo.batch && kind != BK_CMD && !o->json) {
        for (int i = 0; i < g->n_inputs; i++) {
            const struct g_endpoint *in = &g->inputs[i];
            bool bound = false;
            for (int j = 0; j < o->mo.n_binds; j++)
                bound |= !strcmp(o->mo.binds[j].name, in->name);
            if (!bound && in->shape.rank > 0 && in->shape.dim[0] < 0)
                fprintf(stderr, "ampscope run: note: input '%s' has an unknown batch dimension; "
                                "using 1 (set it with --batch N)\n",
                        in->name);
        }
    }
    struct err e = {0};
    if (graph_infer(g, o->mo.binds, o->mo.n_binds, run_batch(o), &e) != ST_OK) {
        cli_error(&e);
        graph_free(g);
        return CLI_USAGE;
    }
    *out = g;
    return CLI_OK;
}

int run_build_lists(const struct run_opts *o, const graph *g, amp_lists **out)
{
    struct err e = {0};
    *out = NULL;
    amp_lists *lists = amp_lists_new(o->tf_version, &e);
    if (!lists) {
        cli_errorf("run", "--tf-version: %s", e.msg);
        return CLI_USAGE;
    }
    if (amp_lists_from_env(lists, NULL, &e) != ST_OK) {
        cli_errorf("run", "%s", e.msg);
        amp_lists_free(lists);
        return CLI_USAGE;
    }
    for (int i = 0; i < o->n_edits; i++) {
        char flag[32];
        snprintf(flag, sizeof flag, "--%s-%s", amp_list_name(o->edits[i].list),
                 o->edits[i].add ? "add" : "remove");
        if (!*o->edits[i].ops) {
            cli_errorf("run", "%s needs op names (comma-separated, no spaces), e.g. %s MatMul", flag, flag);
            amp_lists_free(lists);
            return CLI_USAGE;
        }
        if (!cli_check_ops("run", g, flag, o->edits[i].ops)) {
            amp_lists_free(lists);
            return CLI_USAGE;
        }
        amp_lists_edit(lists, o->edits[i].list, o->edits[i].add, o->edits[i].ops);
    }
    if (o->level)
        amp_lists_set_level(lists, o->level);
    *out = lists;
    return CLI_OK;
}

int run_paint(const struct run_opts *o, const graph *g, const amp_lists *l, enum bk_kind kind,
              bool prepasses, amp_plan **out)
{
    (void)o;
    struct err e = {0};
    /* With grappler's earlier passes modelled (pruning, constant folding,
     * CSE: what TensorFlow's pass sees), so the plan's Converted line is the
     * one TensorFlow prints; the embedded backend executes the graph as
     * loaded with that plan (casts of constants fold into the constant). */
    struct amp_opts aopts = {.all_on_cpu = true, .model_grappler_prepasses = prepasses};
    *out = amp_paint(g, l, &aopts, &e);
    if (!*out) {
        cli_errorf("run", "painting the graph failed: %s", e.msg);
        return CLI_USAGE;
    }
    if ((*out)->failed && kind != BK_CMD)
        fprintf(stderr, "ampscope run: note: %s\n", (*out)->failure);
    return CLI_OK;
}

int run_graph_from_dump(const struct run_opts *o, const char *dir, const amp_lists *l, graph **gp,
                        amp_plan **pp, char *model_path, size_t size)
{
    char rel[PATH_MAX];
    if (!tfev_main_preop(dir, rel, sizeof rel)) {
        cli_errorf("run", "the command left no TensorFlow pre-AMP graph in %s/%s/ (TensorFlow's AMP pass "
                          "did not run in it, or it is not TensorFlow), so its oneDNN events cannot be "
                          "put on graph nodes. Give the model with --graph MODEL, or read the logs alone "
                          "with `ampscope logs %s/%s`",
                   dir, RUNDIR_TFDIR, dir, RUNDIR_VERBOSE);
        return CLI_FINDINGS;
    }
    rundir_path(dir, rel, model_path, size);
    /* TF's dump is the graph after grappler's earlier passes: its names are
     * the ones TensorFlow executed, and painting it is TF's own decision. */
    struct err e = {0};
    struct graph_load_opts lo = {.no_inline = true};
    graph *g = graph_load(model_path, &lo, &e);
    if (!g) {
        cli_errorf("run", "TensorFlow's pre-AMP dump %s cannot be read: %s", model_path, e.msg);
        return CLI_RUNTIME;
    }
    if (graph_infer(g, o->mo.binds, o->mo.n_binds, run_batch(o), &e) != ST_OK) {
        /* shapes only sharpen the mapper; a dump of a function may leave some unknown */
        e.msg[0] = 0;
    }
    int rc = run_paint(o, g, l, BK_CMD, false /* the dump is after those passes */, pp);
    if (rc != CLI_OK) {
        graph_free(g);
        return rc;
    }
    *gp = g;
    struct rundir_meta *m = xcalloc(1, sizeof *m);
    if (rundir_read_meta(dir, m, &e) == ST_OK) {
        string_copy(m->model, rel);
        rundir_write_meta(dir, m, &e);
    }
    free(m);
    struct abuf b;
    abuf_init(&b);
    amp_plan_json(*pp, &b);
    char plan[PATH_MAX];
    rundir_path(dir, RUNDIR_PLAN, plan, sizeof plan);
    util_write_file_atomic(plan, b.data ? b.data : "", b.len, &e);
    abuf_done(&b);
    if (!o->json)
        fprintf(stderr, "ampscope run: the graph is TensorFlow's own pre-AMP dump %s (%d nodes)\n", model_path,
                g->n_nodes);
    return CLI_OK;
}

void run_command_name(char *const *argv, char *out, size_t size)
{
    const char *pick = argv[0];
    const char *base = strrchr(pick, '/');
    base = base ? base + 1 : pick;
    /* python3 script.py, bash run.sh: name the script */
    if (!strncmp(base, "python", 6) || !strcmp(base, "bash") || !strcmp(base, "sh"))
        for (int i = 1; argv[i]; i++)
            if (argv[i][0] != '-') {
                pick = argv[i];
                base = strrchr(pick, '/');
                base = base ? base + 1 : pick;
                break;
            }
    string_copy_n(out, size, *base ? base : "command");
    char *dot = strrchr(out, '.');
    if (dot && dot != out)
        *dot = 0;
}
