/* test_embedded_prepass.c: the embedded oneDNN executor on plans the real
 * painter makes with grappler's earlier passes modelled (pruning, constant
 * folding: amp_opts.model_grappler_prepasses) against the graph painted as
 * loaded and against --amp off, on every sample: same fusions (fused.tsv),
 * the same oneDNN primitives in the same order per iteration (verbose.log exec
 * lines without their times; the one-time weight reorders before may differ,
 * see exec_lines) and the same truth.tsv; nothing runs for a node the prepass
 * model removed; the outputs are bitwise those of the as-loaded painting and
 * within bf16 tolerance of the f32 run (AMPSCOPE_DUMP_DIR).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze/amp.h"
#include "analyze/graph.h"
#include "runner/backend.h"

static char tmpdir[1024];

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "%s/ampscope-ekpre-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    if (getenv("AMPSCOPE_TEST_KEEP")) { /* debugging: keep the run directories */
        fprintf(stderr, "kept %s\n", tmpdir);
        return 0;
    }
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static const char *root(void)
{
    const char *r = getenv("AMPSCOPE_ROOT");
    return r ? r : ".";
}

static char *slurp(const char *dir, const char *name, size_t *len)
{
    char path[3 * PATH_MAX + 512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *data = NULL;
    size_t l = 0;
    struct err e;
    if (util_read_file(path, 0, &data, &l, &e) != ST_OK)
        return NULL;
    if (len)
        *len = l;
    return data;
}

enum mode { M_F32, M_LOADED, M_PREPASS };
static const char *const mode_name[] = {"f32", "loaded", "prepass"};

/* One run of the embedded backend; dir gets the run directory, dir/dump the
 * inputs and outputs. In M_PREPASS, also checks that truth.tsv names no
 * node the prepass model removed. Fails the test on any error. */
static void run_mode(const char *sample, enum mode m, char *dir, size_t dsize)
{
    char model[PATH_MAX], dump[PATH_MAX + 8];
    snprintf(model, sizeof model, "%s/samples/%s.pb", root(), sample);
    snprintf(dir, dsize, "%s/%s-%s", tmpdir, sample, mode_name[m]);
    snprintf(dump, sizeof dump, "%s/dump", dir);
    struct err e = {0};
    graph *g = graph_load(model, NULL, &e);
    if (!g)
        fail_msg("%s: %s", sample, e.msg);
    if (graph_infer(g, NULL, 0, 4, &e) != ST_OK)
        fail_msg("%s: %s", sample, e.msg);
    amp_lists *l = amp_lists_new(NULL, &e);
    assert_non_null(l);
    struct amp_opts ao = {.all_on_cpu = true, .model_grappler_prepasses = m == M_PREPASS};
    amp_plan *plan = amp_paint(g, l, &ao, &e);
    if (!plan)
        fail_msg("%s: %s", sample, e.msg);
    assert_int_equal(plan->prepassed, m == M_PREPASS);
    struct backend *b = backend_new(BK_EMBEDDED, &e);
    assert_non_null(b);
    struct bk_opts o = {.warmup = 1, .iters = 1, .batch = 4, .seed = 3, .amp_off = m == M_F32,
                        .model_path = model};
    enum status st = b->ops->prepare(b, g, plan, &o, &e);
    if (st == ST_OK && (st = util_mkdirs(dir, &e)) == ST_OK) {
        setenv("AMPSCOPE_DUMP_DIR", dump, 1);
        st = b->ops->start(b, dir, &e);
        unsetenv("AMPSCOPE_DUMP_DIR");
    }
    if (st == ST_OK) {
        struct bk_progress pg;
        do {
            usleep(10000);
            b->ops->poll(b, &pg);
        } while (pg.state == BK_RUNNING);
        st = b->ops->finish(b, &e);
    }
    if (st != ST_OK)
        fail_msg("%s (%s): %s", sample, mode_name[m], e.msg);
    if (m == M_PREPASS) {
        /* nothing runs for a node TF's pass never saw (pruned, folded) */
        char *truth = slurp(dir, "truth.tsv", NULL);
        assert_non_null(truth);
        int n_removed = 0;
        for (int i = 0; i < g->n_nodes; i++) {
            if (!plan->removed || !plan->removed[i])
                continue;
            n_removed++;
            char pat[1024];
            snprintf(pat, sizeof pat, "\t%s\t", g->nodes[i].name);
            if (strstr(truth, pat))
                fail_msg("%s: node '%s' was removed by the prepass model (%s) but ran a primitive",
                         sample, g->nodes[i].name, plan->prepass_note ? plan->prepass_note[i] : "");
        }
        assert_true(n_removed > 0); /* every sample reads its weights through folded Identities */
        free(truth);
    }
    backend_free(b);
    amp_plan_free(plan);
    amp_lists_free(l);
    graph_free(g);
}

static char *take(struct abuf *b)
{
    char *s = xstrdup(b->data ? b->data : "");
    abuf_done(b);
    return s;
}

/* verbose.log exec lines of warmup + iterations (after the first marker),
 * without time stamp and time, one per line. The setup before (one-time
 * weight reorders) may differ: with the prepass painting a weight reads the
 * folded bf16 constant (TF's folded Cast), so a plain bf16 weight a matmul
 * takes as is needs no reorder, and a conv's reorder reads bf16. */
static char *exec_lines(const char *dir, int *n)
{
    char *v = slurp(dir, "verbose.log", NULL);
    assert_non_null(v);
    struct abuf out;
    abuf_init(&out);
    *n = 0;
    bool in_iters = false;
    for (char *line = v; line && *line;) {
        char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        if (nl)
            *nl = '\0';
        if (!strncmp(line, "ampscope_marker,", 16))
            in_iters = true;
        if (len > 20 && !strncmp(line, "onednn_verbose,", 15) && strstr(line, ",exec,") && in_iters) {
            /* from ",exec," (no time stamp) to before the time */
            const char *from = strstr(line, ",exec,");
            size_t cut = len;
            while (cut > 0 && line[cut - 1] != ',')
                cut--;
            if (in_iters && line + cut > from)
                abuf_put(&out, from, (size_t)(line + cut - from));
            abuf_putc(&out, '\n');
            (*n)++;
        }
        line = nl ? nl + 1 : NULL;
    }
    free(v);
    return take(&out);
}

/* truth.tsv without the exec_index column and the one-time weight reorders */
static char *truth_rows(const char *dir)
{
    char *t = slurp(dir, "truth.tsv", NULL);
    assert_non_null(t);
    struct abuf out;
    abuf_init(&out);
    for (char *line = t; line && *line;) {
        char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        char *tab = memchr(line, '\t', len);
        if (*line != '#' && tab && !strstr(line, "\treorder_wei"))
            abuf_put(&out, tab, len - (size_t)(tab - line) + (nl ? 1 : 0));
        line = nl ? nl + 1 : NULL;
    }
    free(t);
    return take(&out);
}

/* Compares every *.out.f32 of two dump directories: max |a-b| and max |ref|. */
static int compare_outputs(const char *da, const char *db, double *maxdiff, double *maxref)
{
    char pa[PATH_MAX + 8], pb[PATH_MAX + 8];
    snprintf(pa, sizeof pa, "%s/dump", da);
    snprintf(pb, sizeof pb, "%s/dump", db);
    DIR *d = opendir(pa);
    assert_non_null(d);
    int files = 0;
    *maxdiff = 0;
    *maxref = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t nl = strlen(de->d_name);
        if (nl < 8 || strcmp(de->d_name + nl - 8, ".out.f32"))
            continue;
        size_t la = 0, lb = 0;
        char *a = slurp(pa, de->d_name, &la), *b = slurp(pb, de->d_name, &lb);
        if (!a || !b || la != lb || la == 0)
            fail_msg("output %s: missing or of another size (%zu vs %zu bytes)", de->d_name, la, lb);
        for (size_t i = 0; i + 4 <= la; i += 4) {
            float x, y;
            memcpy(&x, a + i, 4);
            memcpy(&y, b + i, 4);
            if (!isfinite(x) || !isfinite(y))
                fail_msg("output %s: not finite at %zu", de->d_name, i / 4);
            double df = fabs((double)x - (double)y);
            if (df > *maxdiff)
                *maxdiff = df;
            if (fabs((double)y) > *maxref)
                *maxref = fabs((double)y);
        }
        files++;
        free(a);
        free(b);
    }
    closedir(d);
    return files;
}

static const char *const samples[] = {"conv_bias_relu", "mnist_convnet", "mlp", "transformer_block",
                                      "resnet_block", "deny_propagation", NULL};

static void test_prepass_plan_same_fusions_and_numerics(void **state)
{
    (void)state;
    for (int s = 0; samples[s]; s++) {
        char d[3][PATH_MAX];
        for (int m = 0; m < 3; m++)
            run_mode(samples[s], (enum mode)m, d[m], sizeof d[m]);
        /* the same fusions */
        char *fu[3];
        for (int m = 0; m < 3; m++) {
            fu[m] = slurp(d[m], "fused.tsv", NULL);
            assert_non_null(fu[m]);
        }
        if (strcmp(fu[M_PREPASS], fu[M_LOADED]) || strcmp(fu[M_PREPASS], fu[M_F32]))
            fail_msg("%s: fused.tsv differs:\nprepass:\n%s\nloaded:\n%s\nf32:\n%s", samples[s],
                     fu[M_PREPASS], fu[M_LOADED], fu[M_F32]);
        int n_fused = 0;
        for (const char *c = fu[M_PREPASS]; *c; c++)
            n_fused += *c == '\n';
        /* the same primitives, in the same order, issued by the same nodes */
        int ne[2];
        char *ex_pre = exec_lines(d[M_PREPASS], &ne[0]), *ex_ld = exec_lines(d[M_LOADED], &ne[1]);
        assert_true(ne[0] > 0);
        assert_int_equal(ne[0], ne[1]);
        assert_string_equal(ex_pre, ex_ld);
        int post_ops = 0;
        for (const char *c = ex_pre; (c = strstr(c, "post-ops:")); c++)
            post_ops++;
        if (strstr(fu[M_PREPASS], "BiasAdd\t")) /* a fused BiasAdd: the primitive has a bias */
            assert_non_null(strstr(ex_pre, " bia_f32:"));
        char *tr_pre = truth_rows(d[M_PREPASS]), *tr_ld = truth_rows(d[M_LOADED]);
        assert_string_equal(tr_pre, tr_ld);
        /* numerics: bitwise the as-loaded painting's, close to f32 */
        double dl, rl, df, rf;
        int nf = compare_outputs(d[M_PREPASS], d[M_LOADED], &dl, &rl);
        assert_true(nf > 0);
        assert_int_equal(compare_outputs(d[M_PREPASS], d[M_F32], &df, &rf), nf);
        if (dl != 0)
            fail_msg("%s: outputs differ from the as-loaded painting's by %g", samples[s], dl);
        /* bf16 keeps 8 bits of mantissa (relative 2^-8 per rounding); a few
         * layers of accumulated rounding stay well under 5% of the output range */
        double tol = 0.05 * (rf > 1 ? rf : 1);
        print_message("%-18s fused rows %d, exec %d (post-ops %d), max |bf16-f32| %.4g of max |f32| %.4g\n",
                      samples[s], n_fused - 1, ne[0], post_ops, df, rf);
        if (df > tol)
            fail_msg("%s: bf16 output off the f32 one by %g (tolerance %g)", samples[s], df, tol);
        for (int m = 0; m < 3; m++)
            free(fu[m]);
        free(ex_pre);
        free(ex_ld);
        free(tr_pre);
        free(tr_ld);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prepass_plan_same_fusions_and_numerics),
    };
    return cmocka_run_group_tests_name("embedded_prepass", tests, setup, teardown);
}
