/* test_mapper_truth.c: the generic mapper against the embedded backend's
 * ground truth. Every sample model is run for real (oneDNN primitives,
 * verbose lines written by oneDNN itself) into a temporary run directory;
 * the mapper must attribute every exec event to exactly the node (and role)
 * truth.tsv names, with 0 unmapped. Then the same verbose log with the
 * marker lines stripped (what `ampscope analyze` gets from a user) must map
 * every event to the same node again. f32 always; bf16 when the painter is
 * available and the CPU runs bf16.
 */
#define MAPPER_TRUTH_BF16 1 /* the painter is linked */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* nftw */
#endif
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <ftw.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze/amp.h"
#include "analyze/graph.h"
#include "analyze/report.h"
#include "analyze/rundir.h"
#include "runner/backend.h"

static int rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *f)
{
    (void)sb, (void)flag, (void)f;
    return remove(p);
}

static void rm_rf(const char *dir)
{
    nftw(dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

/* Runs g on the embedded backend into dir. Returns 0 ok, else prints why. */
static int run_embedded(const graph *g, const amp_plan *plan, bool amp_off, const char *dir)
{
    struct err e = {0};
    struct backend *b = backend_new(BK_EMBEDDED, &e);
    if (!b) {
        printf("backend_new: %s\n", e.msg);
        return -1;
    }
    struct bk_opts o = {0};
    o.warmup = 2;
    o.iters = 3;
    o.batch = 2;
    o.seed = 7;
    o.amp_off = amp_off;
    o.model_path = g->path;
    if (b->ops->prepare(b, g, plan, &o, &e) != ST_OK || b->ops->start(b, dir, &e) != ST_OK) {
        printf("prepare/start: %s\n", e.msg);
        backend_free(b);
        return -1;
    }
    struct bk_progress p;
    for (int i = 0; i < 60000; i++) {
        memset(&p, 0, sizeof p);
        b->ops->poll(b, &p);
        if (p.state == BK_DONE || p.state == BK_FAILED)
            break;
        usleep(2000);
    }
    enum status st = b->ops->finish(b, &e);
    backend_free(b);
    if (p.state != BK_DONE || st != ST_OK) {
        printf("run failed: %s %s\n", p.message, e.msg);
        return -1;
    }
    return 0;
}

/* Copies dir/verbose.log without marker lines into dir2/verbose.log. */
static void strip_markers(const char *dir, const char *dir2)
{
    char a[4096], b[4096];
    rundir_path(dir, RUNDIR_VERBOSE, a, sizeof a);
    rundir_path(dir2, RUNDIR_VERBOSE, b, sizeof b);
    FILE *in = fopen(a, "r"), *out = fopen(b, "w");
    assert_non_null(in);
    assert_non_null(out);
    char line[1 << 16];
    while (fgets(line, sizeof line, in))
        if (strncmp(line, RUNDIR_MARKER, strlen(RUNDIR_MARKER)) != 0)
            fputs(line, out);
    fclose(in);
    fclose(out);
}

static void check_dir(const graph *g, const amp_plan *plan, const char *dir, const char *truth_dir,
                      const char *what, long *events)
{
    struct err e = {0};
    struct report_opts ro = {0};
    ro.top_why = 5;
    struct report *r = report_from_rundir(dir, g, plan, &ro, &e);
    if (!r)
        fail_msg("%s: report: %s", what, e.msg);
    struct rep_truth_check tc;
    assert_int_equal(report_truth_check(r, truth_dir, &tc, &e), ST_OK);
    printf("  %-40s %ld events, %ld agree, %ld roles agree, %ld unmapped\n", what, tc.total,
           tc.agree, tc.role_agree, r->unmapped_events);
    if (tc.agree != tc.total || tc.role_agree != tc.total || tc.missing || r->unmapped_events)
        fail_msg("%s: mapper differs from truth: %s", what, tc.first_diff);
    assert_true(tc.total > 0);
    *events += tc.total;
    report_free(r);
}

static int g_samples_run;

#ifdef MAPPER_TRUTH_BF16
static amp_plan *paint(const graph *g, void **lists)
{
    struct err e = {0};
    amp_lists *l = amp_lists_new(NULL, &e);
    assert_non_null(l);
    struct amp_opts ao = {0};
    ao.all_on_cpu = true;
    amp_plan *p = amp_paint(g, l, &ao, &e);
    assert_non_null(p);
    *lists = l;
    return p;
}
static void unpaint(amp_plan *p, void *l)
{
    if (p)
        amp_plan_free(p);
    if (l)
        amp_lists_free(l);
}
#else
static amp_plan *paint(const graph *g, void **lists)
{
    (void)g, (void)lists;
    return NULL;
}
static void unpaint(amp_plan *p, void *l)
{
    (void)p, (void)l;
}
#endif

static void run_sample(const char *path, bool bf16)
{
    struct err e = {0};
    graph *g = graph_load(path, NULL, &e);
    if (!g)
        fail_msg("%s: %s", path, e.msg);
    assert_int_equal(graph_infer(g, NULL, 0, 2, &e), ST_OK);
    amp_plan *plan = NULL;
    void *l = NULL;
    if (bf16)
        plan = paint(g, &l);
    char tmpl[] = "/tmp/ampscope-maptruth-XXXXXX";
    char *dir = mkdtemp(tmpl);
    assert_non_null(dir);
    char run[4200], dir2[4200];
    snprintf(run, sizeof run, "%s/run", dir);
    snprintf(dir2, sizeof dir2, "%s/logs-only", dir);
    mkdir(dir2, 0755);
    mkdir(run, 0755);
    if (run_embedded(g, plan, !bf16, run) != 0) {
        rm_rf(dir);
        unpaint(plan, l);
        graph_free(g);
        fail_msg("%s: the embedded backend did not run", path);
    }
    long events = 0;
    char what[300];
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    snprintf(what, sizeof what, "%.200s %s (markers)", base, bf16 ? "bf16" : "f32");
    check_dir(g, plan, run, run, what, &events);
    strip_markers(run, dir2);
    snprintf(what, sizeof what, "%.200s %s (markers stripped)", base, bf16 ? "bf16" : "f32");
    check_dir(g, plan, dir2, run, what, &events);
    g_samples_run++;
    rm_rf(dir);
    unpaint(plan, l);
    graph_free(g);
}

static void each_sample(bool bf16)
{
    DIR *d = opendir("samples");
    if (!d) {
        printf("SKIP: samples/ not found (run from the checkout)\n");
        skip();
    }
    struct dirent *de;
    char names[64][300];
    int n = 0;
    while ((de = readdir(d)) != NULL && n < 64) {
        size_t l = strlen(de->d_name);
        if (l > 3 && !strcmp(de->d_name + l - 3, ".pb"))
            snprintf(names[n++], sizeof names[0], "samples/%s", de->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], (int (*)(const void *, const void *))strcmp);
    for (int i = 0; i < n; i++)
        run_sample(names[i], bf16);
    assert_true(n > 0);
}

static void test_truth_f32(void **state)
{
    (void)state;
    each_sample(false);
}

#ifdef MAPPER_TRUTH_BF16
static void test_truth_bf16(void **state)
{
    (void)state;
    each_sample(true);
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_truth_f32),
#ifdef MAPPER_TRUTH_BF16
        cmocka_unit_test(test_truth_bf16),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
