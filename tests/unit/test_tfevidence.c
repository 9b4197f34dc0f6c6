/* test_tfevidence: the TF evidence join. Cast-name parsing on every format
 * TensorFlow has used; then, when a TensorFlow is installed (`make deps-tf`),
 * real runs of the samples through the tf backend (runner/tf.c driving
 * runner/tf_driver.py) whose run directories are read back by tfev_load():
 * TF's own "Converted X/Y ... N cast(s)" line must equal what the dumps say,
 * every oneDNN exec event must be attributed to an executed node, and the
 * painter must agree with TF on every type attr.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "analyze/tfevidence.h"
#include "runner/tf.h"

static void test_cast_names(void **state)
{
    (void)state;
    char src[256];
    int port = -1;
    bool bf = false;
    /* S4 (TF 2.19, seen for real): counter before the suffix */
    assert_int_equal(tfev_parse_cast_name("Cast", "x-0-CastToBf16-0-AutoMixedPrecision", src, sizeof src,
                                          &port, &bf),
                     3);
    assert_string_equal(src, "x");
    assert_int_equal(port, 0);
    assert_true(bf);
    assert_int_equal(tfev_parse_cast_name("Cast", "mm2-0-CastToFp32-12-AutoMixedPrecision", src, sizeof src,
                                          &port, &bf),
                     3);
    assert_string_equal(src, "mm2");
    assert_false(bf);
    /* TF-old / ITEX */
    assert_int_equal(tfev_parse_cast_name("Cast", "Conv2D_3-1-CastToFp16-AutoMixedPrecision", src, sizeof src,
                                          &port, &bf),
                     1);
    assert_string_equal(src, "Conv2D_3");
    assert_int_equal(port, 1);
    /* names with dashes and slashes */
    assert_int_equal(tfev_parse_cast_name("Cast", "a/b-c-2-CastToBf16-AutoMixedPrecision", src, sizeof src, &port,
                                          &bf),
                     1);
    assert_string_equal(src, "a/b-c");
    assert_int_equal(port, 2);
    /* S1-S3: "<src>-<port>-<dst>-<port>-CastTo..." parses (src known from the input) */
    assert_true(tfev_parse_cast_name("Cast",
                                     "StatefulPartitionedCall/clip/truediv_1-0-StatefulPartitionedCall/clip/"
                                     "MatMul-0-CastToFp16-AutoMixedPrecision",
                                     src, sizeof src, &port, &bf) > 0);
    /* folded into a Const by constant folding: still recognised */
    assert_int_equal(tfev_parse_cast_name("Const", "w1-0-CastToBf16-0-AutoMixedPrecision", NULL, 0, NULL, NULL), 3);
    /* not casts */
    assert_int_equal(tfev_parse_cast_name("Cast", "my_cast", src, sizeof src, &port, &bf), 0);
    assert_int_equal(tfev_parse_cast_name("MatMul", "x-0-CastToBf16-0-AutoMixedPrecision", NULL, 0, NULL, NULL), 0);
    assert_int_equal(tfev_parse_cast_name("Cast", "-AutoMixedPrecision", NULL, 0, NULL, NULL), 0);
    assert_int_equal(tfev_parse_cast_name("Cast", "x-0-CastToInt8-AutoMixedPrecision", NULL, 0, NULL, NULL), 0);
}

static void test_no_evidence(void **state)
{
    (void)state;
    char tmpl[] = "/tmp/ampscope-tfev-XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    tf_evidence *ev = NULL;
    struct err e = {0};
    assert_int_equal(tfev_load(tmpl, &ev, &e), ST_ENOENT);
    assert_null(ev);
    assert_non_null(strstr(e.msg, "--backend tf"));
    rmdir(tmpl);
}

/* ---- real TensorFlow -------------------------------------------------------- */

static struct bk_tf_info g_info;
static int g_have_tf = -1;

static bool have_tf(void)
{
    if (g_have_tf < 0) {
        struct err e = {0};
        g_have_tf = bk_tf_probe(NULL, &g_info, &e) == ST_OK;
        if (!g_have_tf)
            printf("SKIP: no TensorFlow (run make deps-tf): %s\n", e.msg);
    }
    return g_have_tf == 1;
}

static const char *root(void)
{
    const char *r = getenv("AMPSCOPE_ROOT");
    return r && *r ? r : ".";
}

static void rm_rf(const char *dir)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

/* Runs sample `name` through the tf backend into a fresh temp dir. */
static void run_sample(const char *name, const char *const *env, int batch, char *dir, size_t size)
{
    char model[1024];
    snprintf(model, sizeof model, "%s/samples/%s", root(), name);
    snprintf(dir, size, "/tmp/ampscope-tfev-XXXXXX");
    assert_non_null(mkdtemp(dir));
    struct err e = {0};
    struct backend *b = bk_tf_new(&e);
    assert_non_null(b);
    struct bk_opts o = {.warmup = 1, .iters = 3, .batch = batch, .seed = 1, .model_path = model,
                        .env = env, .timeout_s = 300};
    enum status st = b->ops->prepare(b, NULL, NULL, &o, &e);
    if (st != ST_OK)
        fail_msg("prepare %s: %s", name, e.msg);
    st = b->ops->start(b, dir, &e);
    if (st != ST_OK)
        fail_msg("start %s: %s", name, e.msg);
    struct bk_progress pg;
    do {
        usleep(50000);
        b->ops->poll(b, &pg);
    } while (pg.state == BK_RUNNING);
    st = b->ops->finish(b, &e);
    if (st != ST_OK)
        fail_msg("run %s: %s", name, e.msg);
    assert_non_null(bk_tf_env(b));
    b->ops->done(b);
    free(b);
}

/* Each sample is run once (lazily) and its run directory kept for every
 * test that reads it; the group teardown removes them. */
static const char *const g_samples[] = {"mlp.pb", "conv_bias_relu.pb", "mnist_convnet.pb",
                                        "resnet_block.pb", "transformer_block.pb",
                                        "deny_propagation.pb", NULL};
static char g_dirs[8][256];

static const char *sample_dir(int i)
{
    if (!g_dirs[i][0])
        run_sample(g_samples[i], NULL, 2, g_dirs[i], sizeof g_dirs[i]);
    return g_dirs[i];
}

static int teardown_all(void **state)
{
    (void)state;
    for (int i = 0; i < 8; i++)
        if (g_dirs[i][0])
            rm_rf(g_dirs[i]);
    return 0;
}

static void check_sample(int si)
{
    const char *name = g_samples[si];
    const char *dir = sample_dir(si);
    tf_evidence *ev = NULL;
    struct err e = {0};
    if (tfev_load(dir, &ev, &e) != ST_OK)
        fail_msg("tfev_load %s: %s", name, e.msg);
    /* TF's own log line vs its dumps */
    assert_true(ev->amp.converted >= 0);
    assert_int_equal(ev->tf_converted, ev->amp.converted);
    assert_int_equal(ev->casts_counted, ev->amp.casts);
    assert_non_null(ev->pre);
    assert_non_null(ev->post);
    assert_int_equal(ev->pre->n_nodes, ev->amp.total);
    assert_string_equal(ev->tf_version, g_info.tf_version);
    assert_true(ev->onednn_version[0] == 'v');
    /* execution: every exec event attributed, every executed cast timed */
    assert_true(ev->traced);
    assert_true(ev->n_events > 0);
    assert_int_equal(ev->n_attributed, ev->n_events);
    for (int i = 0; i < ev->n_casts; i++)
        if (ev->casts[i].executed)
            assert_false(isnan(ev->casts[i].time_ms));
    struct abuf b;
    abuf_init(&b);
    tfev_json(ev, &b);
    assert_non_null(strstr(b.data, "\"painter\":{"));
    abuf_done(&b);
    assert_int_equal(tfev_write_attribution(ev, dir, &e), ST_OK);
    tfev_free(ev);
}

/* The painter on TF's pre-AMP dump agrees with TF's post-AMP dump on every
 * type attr of every sample. */
static void test_tf_painter_agreement(void **state)
{
    (void)state;
    if (!have_tf())
        skip();
    int bad = 0, ran = 0;
    char note[256] = "";
    for (int si = 0; g_samples[si]; si++) {
        tf_evidence *ev = NULL;
        struct err e = {0};
        assert_int_equal(tfev_load(sample_dir(si), &ev, &e), ST_OK);
        assert_int_equal(tfev_painter(ev, NULL, "", &e), ST_OK);
        if (ev->painter_run) {
            ran++;
            printf("%s: painter agreement %.4f (%d type attrs)\n", g_samples[si], ev->agreement, ev->n_compared);
            for (int i = 0; i < ev->n_disagreements; i++)
                printf("%s: disagreement: %s\n", g_samples[si], ev->disagreements[i]);
            bad += ev->n_disagreements;
        } else {
            string_copy(note, ev->painter_note);
        }
        tfev_free(ev);
    }
    if (!ran) {
        printf("SKIP: painter agreement: %s\n", note);
        skip();
    }
    assert_int_equal(bad, 0);
}

#define SAMPLE_TEST(fn, idx)                     \
    static void fn(void **state)                 \
    {                                            \
        (void)state;                             \
        if (!have_tf())                          \
            skip();                              \
        check_sample(idx);                       \
    }
SAMPLE_TEST(test_tf_mlp, 0)
SAMPLE_TEST(test_tf_conv_bias_relu, 1)
SAMPLE_TEST(test_tf_mnist, 2)
SAMPLE_TEST(test_tf_resnet, 3)
SAMPLE_TEST(test_tf_transformer, 4)
SAMPLE_TEST(test_tf_deny, 5)

/* An executed fusion maps back to every user node it absorbed. */
static void test_tf_fusion_names(void **state)
{
    (void)state;
    if (!have_tf())
        skip();
    tf_evidence *ev = NULL;
    struct err e = {0};
    assert_int_equal(tfev_load(sample_dir(1), &ev, &e), ST_OK);
    int fusedconv = -1;
    for (int i = 0; i < ev->n_exec; i++)
        if (strstr(ev->exec[i].op, "FusedConv2D"))
            fusedconv = i;
    if (fusedconv < 0)
        fail_msg("no fused Conv2D executed");
    const struct tfev_exec *x = &ev->exec[fusedconv];
    assert_true(x->n_fused >= 2);
    int ni = graph_find(ev->post, x->node);
    assert_true(ni >= 0);
    assert_string_equal(ev->post->nodes[ni].op, "Conv2D");
    assert_true(x->n_events >= 1);
    tfev_free(ev);
}

/* A list change given to TF changes its decision as the painter predicts. */
static void test_tf_deny_matmul(void **state)
{
    (void)state;
    if (!have_tf())
        skip();
    const char *env[] = {"TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_DENYLIST_ADD=MatMul",
                         "TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_ALLOWLIST_REMOVE=MatMul", NULL};
    char dir[256];
    run_sample("mnist_convnet.pb", env, 2, dir, sizeof dir);
    tf_evidence *ev = NULL;
    struct err e = {0};
    assert_int_equal(tfev_load(dir, &ev, &e), ST_OK);
    /* MatMul is denied: no MatMul attr became bf16, the convolutions still did */
    int convs = 0, matmuls = 0;
    for (int i = 0; i < ev->n_attrs; i++) {
        if (!strcmp(ev->attrs[i].op, "MatMul")) {
            matmuls++;
            assert_false(ev->attrs[i].tf_bf16);
        }
        if (!strcmp(ev->attrs[i].op, "Conv2D") && ev->attrs[i].tf_bf16)
            convs++;
    }
    assert_true(matmuls > 0);
    assert_true(convs > 0);
    assert_int_equal(tfev_painter(ev, NULL,
                                  "TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_DENYLIST_ADD=MatMul\n"
                                  "TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_ALLOWLIST_REMOVE=MatMul\n",
                                  &e),
                     ST_OK);
    bool ran = ev->painter_run;
    char note[256];
    string_copy(note, ev->painter_note);
    for (int i = 0; i < ev->n_disagreements; i++)
        printf("deny MatMul: disagreement: %s\n", ev->disagreements[i]);
    int nd = ev->n_disagreements;
    tfev_free(ev);
    rm_rf(dir);
    if (!ran) {
        printf("SKIP: painter check of deny MatMul: %s\n", note);
        skip();
    }
    assert_int_equal(nd, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cast_names),
        cmocka_unit_test(test_no_evidence),
        cmocka_unit_test(test_tf_mlp),
        cmocka_unit_test(test_tf_conv_bias_relu),
        cmocka_unit_test(test_tf_mnist),
        cmocka_unit_test(test_tf_resnet),
        cmocka_unit_test(test_tf_transformer),
        cmocka_unit_test(test_tf_deny),
        cmocka_unit_test(test_tf_fusion_names),
        cmocka_unit_test(test_tf_painter_agreement),
        cmocka_unit_test(test_tf_deny_matmul),
    };
    return cmocka_run_group_tests(tests, NULL, teardown_all);
}
