/* test_logs_real.c: the verbose reader against real oneDNN output of this
 * machine. tests/tools/dnnl_gen runs real primitives (f32, and bf16 where the
 * CPU has AVX512-BF16) under ONEDNN_VERBOSE=1 and =2, with and without
 * ONEDNN_VERBOSE_TIMESTAMP=1, and writes a manifest of what it executed; the
 * suite checks that the reader and the summary count exactly that, with the
 * right fields. bf16 and AMX checks print SKIP: and skip when the CPU lacks
 * avx512_bf16 / amx_bf16.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <math.h>
#include <oneapi/dnnl/dnnl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "logs/summary.h"
#include "logs/verbose.h"

static char gen[PATH_MAX + 32];

static bool have_gen(void)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = 0;
        char *slash = strrchr(self, '/');
        if (slash)
            *slash = 0;
        snprintf(gen, sizeof gen, "%s/tools/dnnl_gen", self);
        if (access(gen, X_OK) == 0)
            return true;
    }
    printf("SKIP: %s is not built (run `make unit` or `make test`)\n", gen);
    return false;
}

static bool cpu_has(const char *flag)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return false;
    char line[8192];
    bool found = false;
    size_t fl = strlen(flag);
    while (!found && fgets(line, sizeof line, f)) {
        if (strncmp(line, "flags", 5) != 0)
            continue;
        for (char *p = strstr(line, flag); p; p = strstr(p + 1, flag))
            if ((p == line || p[-1] == ' ') && (p[fl] == ' ' || p[fl] == '\n'))
                found = true;
    }
    fclose(f);
    return found;
}

/* ---- running dnnl_gen --------------------------------------------------- */

#define MAXEV 512
struct run {
    struct vb_event ev[MAXEV];
    int n;
    long prog_lines;
    struct lsum *sum;
    vb_reader *r;
    /* manifest */
    char mprim[64][32], mdt[64][8];
    int mcount[64], nm;
    int casts, layout;
};

static int on_ev(void *c, const struct vb_event *ev)
{
    struct run *r = c;
    if (r->n < MAXEV)
        r->ev[r->n++] = *ev;
    lsum_add(r->sum, ev);
    return 0;
}

static int on_other(void *c, const char *line, size_t len, long no)
{
    (void)no;
    struct run *r = c;
    if (len >= 9 && !memcmp(line, "dnnl_gen:", 9))
        r->prog_lines++;
    return 0;
}

static void gen_run(struct run *r, const char *verbose, bool ts, bool bf16)
{
    memset(r, 0, sizeof *r);
    char dir[] = "/tmp/ampscope-test-real-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char mpath[512], cmd[PATH_MAX + 700];
    snprintf(mpath, sizeof mpath, "%s/manifest", dir);
    snprintf(cmd, sizeof cmd, "'%s' --iters 3 --manifest '%s'%s", gen, mpath, bf16 ? " --bf16" : "");
    setenv("ONEDNN_VERBOSE", verbose, 1);
    setenv("ONEDNN_VERBOSE_TIMESTAMP", ts ? "1" : "0", 1);
    setenv("OMP_NUM_THREADS", "1", 1);
    setenv("ASAN_OPTIONS", "detect_leaks=0", 0); /* OpenMP runtime leaks at exit */
    unsetenv("DNNL_VERBOSE");
    unsetenv("ONEDNN_PRIMITIVE_CACHE_CAPACITY");
    r->sum = lsum_new();
    struct vb_sink sink = {r, on_ev, on_other};
    r->r = vb_reader_new(&sink);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char buf[3000]; /* odd size: lines straddle chunks */
    size_t k;
    while ((k = fread(buf, 1, sizeof buf, p)) > 0)
        assert_int_equal(vb_reader_feed(r->r, buf, k), ST_OK);
    int st = pclose(p);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        fail_msg("%s failed (status %d)", cmd, st);
    assert_int_equal(vb_reader_finish(r->r), ST_OK);
    lsum_finish(r->sum, r->r, NULL);
    FILE *m = fopen(mpath, "r");
    assert_non_null(m);
    char line[256];
    while (fgets(line, sizeof line, m)) {
        int c;
        char a[32], b[8];
        if (sscanf(line, "exec %31s %7s %d", a, b, &c) == 3 && r->nm < 64) {
            snprintf(r->mprim[r->nm], 32, "%s", a);
            snprintf(r->mdt[r->nm], 8, "%s", b);
            r->mcount[r->nm++] = c;
        } else if (sscanf(line, "casts %d", &c) == 1) {
            r->casts += c;
        } else if (sscanf(line, "reorder_layout %d", &c) == 1) {
            r->layout += c;
        }
    }
    fclose(m);
    unlink(mpath);
    rmdir(dir);
}

static void gen_done(struct run *r)
{
    lsum_free(r->sum);
    vb_reader_free(r->r);
}

static long count_ev(const struct run *r, enum vb_kind k, const char *prim, enum vb_dt dt)
{
    long n = 0;
    for (int i = 0; i < r->n; i++)
        if (r->ev[i].kind == k && (!prim || !strcmp(r->ev[i].prim, prim)) &&
            (dt == VB_DT__COUNT || r->ev[i].src_dt == dt))
            n++;
    return n;
}

/* Every manifest entry executed exactly that many times, nothing else ran. */
static void check_counts(const struct run *r)
{
    long total = 0;
    for (int i = 0; i < r->nm; i++) {
        enum vb_dt dt = vb_dt_parse(r->mdt[i], strlen(r->mdt[i]));
        long want = 0;
        for (int j = 0; j < r->nm; j++)
            if (!strcmp(r->mprim[j], r->mprim[i]) && !strcmp(r->mdt[j], r->mdt[i]))
                want += r->mcount[j];
        long got = count_ev(r, VB_EXEC, r->mprim[i], dt);
        if (got != want)
            fail_msg("exec %s %s: reader saw %ld, dnnl_gen ran %ld", r->mprim[i], r->mdt[i], got,
                     want);
        total += r->mcount[i];
    }
    assert_int_equal(count_ev(r, VB_EXEC, NULL, VB_DT__COUNT), total);
    assert_int_equal(r->sum->exec.count, total);
    assert_int_equal(r->sum->casts.count, r->casts);
    assert_int_equal(r->sum->reorder_layout.count, r->layout);
    assert_int_equal(r->sum->counts.unparsed, 0);
    assert_int_equal(r->prog_lines, r->nm + 2); /* one per step, "starting", "done" */
    /* the header names the library this test is linked with */
    const dnnl_version_t *v = dnnl_version();
    char ver[48];
    snprintf(ver, sizeof ver, "%d.%d.%d", v->major, v->minor, v->patch);
    assert_string_equal(r->sum->onednn_version, ver);
    assert_true(r->sum->runtime[0] != 0);
    assert_true(r->sum->cpu_isa[0] != 0);
}

static void check_fields(const struct run *r, enum vb_dt dt)
{
    for (int i = 0; i < r->n; i++) {
        const struct vb_event *e = &r->ev[i];
        if (e->kind != VB_EXEC || e->src_dt != dt || !strcmp(e->prim, "reorder"))
            continue;
        assert_string_equal(e->engine, "cpu");
        assert_true(e->impl[0] != 0);
        assert_true(isfinite(e->time_ms) && e->time_ms >= 0);
        assert_true(e->n_md >= 2);
        assert_string_equal(e->prop, strcmp(e->prim, "matmul") ? "forward_inference" : "undef");
        if (!strcmp(e->prim, "convolution")) {
            assert_string_equal(e->problem, "mb1_ic16oc32_ih14oh14kh3sh1dh0ph1_iw14ow14kw3sw1dw0pw1");
            assert_string_equal(e->aux, "alg:convolution_direct");
            assert_int_equal(e->wei_dt, dt);
            assert_int_equal(e->dst_dt, dt);
        } else if (!strcmp(e->prim, "matmul")) {
            assert_ptr_equal(strstr(e->problem, "64x128:128x96"), e->problem);
        } else if (!strcmp(e->prim, "inner_product")) {
            assert_string_equal(e->problem, "mb32ic256oc64");
        } else if (!strcmp(e->prim, "pooling")) {
            assert_string_equal(e->aux, "alg:pooling_max");
        } else if (!strcmp(e->prim, "softmax")) {
            assert_non_null(strstr(e->aux, "axis:1"));
        } else if (!strcmp(e->prim, "eltwise")) {
            assert_non_null(strstr(e->aux, "alg:eltwise_relu"));
            assert_int_equal(e->dst_dt, dt);
        }
    }
}

static void test_f32_verbose1(void **state)
{
    (void)state;
    if (!have_gen())
        skip();
    struct run *r = malloc(sizeof *r);
    gen_run(r, "1", false, false);
    check_counts(r);
    check_fields(r, VB_DT_F32);
    assert_int_equal(r->sum->create.count, 0);
    assert_int_equal(r->sum->with_ts, 0);
    assert_int_equal(count_ev(r, VB_EXEC, "pooling", VB_DT_F32), 3);  /* pooling_v2 normalised */
    assert_int_equal(count_ev(r, VB_EXEC, "softmax", VB_DT_F32), 3);  /* softmax_v2 normalised */
    assert_true(r->sum->bf16_share == 0);
    assert_true(r->sum->amx_share == 0);
    gen_done(r);
    free(r);
}

static void test_f32_verbose2_timestamps(void **state)
{
    (void)state;
    if (!have_gen())
        skip();
    struct run *r = malloc(sizeof *r);
    gen_run(r, "2", true, false);
    check_counts(r);
    check_fields(r, VB_DT_F32);
    /* level 2 logs one creation per primitive (the cache misses) */
    assert_int_equal(r->sum->create.count, r->nm);
    for (int i = 0; i < r->n; i++)
        if (r->ev[i].kind == VB_CREATE)
            assert_ptr_equal(strstr(r->ev[i].op, "create"), r->ev[i].op);
    /* every record carries a plausible, non-decreasing epoch-ms timestamp */
    double now = util_wall_ms(), prev = 0;
    for (int i = 0; i < r->n; i++) {
        const struct vb_event *e = &r->ev[i];
        if (e->kind == VB_INFO)
            continue;
        assert_false(isnan(e->ts_ms));
        assert_true(fabs(e->ts_ms - now) < 86400e3);
        assert_true(e->ts_ms >= prev - 1e-3);
        prev = e->ts_ms;
    }
    assert_false(isnan(r->sum->ts_first));
    gen_done(r);
    free(r);
}

static void test_bf16(void **state)
{
    (void)state;
    if (!have_gen())
        skip();
    if (!cpu_has("avx512_bf16") && !cpu_has("amx_bf16")) {
        printf("SKIP: this CPU has no avx512_bf16: bf16 kernels would be emulated, not checked\n");
        skip();
    }
    for (int pass = 0; pass < 2; pass++) {
        struct run *r = malloc(sizeof *r);
        gen_run(r, pass ? "2" : "1", pass == 1, true);
        check_counts(r);
        check_fields(r, VB_DT_BF16);
        static const char *prims[] = {"convolution", "matmul", "inner_product", "eltwise",
                                      "pooling", "softmax"};
        for (size_t i = 0; i < sizeof prims / sizeof prims[0]; i++)
            assert_int_equal(count_ev(r, VB_EXEC, prims[i], VB_DT_BF16), 3);
        /* the compute-heavy kernels ran native bf16 (or AMX) code */
        for (int i = 0; i < r->n; i++) {
            const struct vb_event *e = &r->ev[i];
            if (e->kind == VB_EXEC && e->src_dt == VB_DT_BF16 &&
                (!strcmp(e->prim, "convolution") || !strcmp(e->prim, "matmul") ||
                 !strcmp(e->prim, "inner_product")))
                assert_true(e->isa == VB_ISA_AVX512_BF16 || e->isa == VB_ISA_AMX);
        }
        assert_int_equal(r->sum->casts.count, 6);
        assert_true(r->sum->bf16_share > 0 && r->sum->bf16_share < 1);
        assert_int_equal(r->sum->by_dtype[VB_DT_BF16].count, 18 + 3);
        gen_done(r);
        free(r);
    }
}

static void test_amx(void **state)
{
    (void)state;
    if (!have_gen())
        skip();
    if (!cpu_has("amx_bf16")) {
        printf("SKIP: this CPU has no amx_bf16: the AMX share cannot be checked here\n");
        skip();
    }
    struct run *r = malloc(sizeof *r);
    gen_run(r, "1", false, true);
    check_counts(r);
    long amx = 0;
    for (int i = 0; i < r->n; i++)
        if (r->ev[i].kind == VB_EXEC && r->ev[i].isa == VB_ISA_AMX) {
            assert_int_equal(r->ev[i].src_dt, VB_DT_BF16);
            amx++;
        }
    assert_true(amx >= 3);
    assert_true(r->sum->amx_share > 0);
    gen_done(r);
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_f32_verbose1),
        cmocka_unit_test(test_f32_verbose2_timestamps),
        cmocka_unit_test(test_bf16),
        cmocka_unit_test(test_amx),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
