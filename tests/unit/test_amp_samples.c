/* test_amp_samples.c: cmocka suite running the AMP painter on the committed
 * sample models and the shared corpus. The expected lines are what real
 * TensorFlow 2.19.1 printed for these files (`Converted X/Y ...`), with the
 * default lists and with list edits; tests/e2e/amp_vs_tf.sh re-checks them
 * against the installed TensorFlow when there is one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/amp.h"
#include "analyze/graph.h"

#define LINE(x, y, n)                                                                              \
    "Converted " #x "/" #y " nodes to bfloat16 precision using " #n " cast(s) to bfloat16 "        \
    "(excluding Const and Variable casts)"

static graph *load_sample(const char *name)
{
    const char *root = getenv("AMPSCOPE_ROOT");
    char path[1024];
    snprintf(path, sizeof path, "%s/samples/%s", root ? root : ".", name);
    struct err e;
    graph *g = graph_load(path, NULL, &e);
    if (!g)
        fail_msg("cannot load %s: %s", path, e.msg);
    return g;
}

static amp_plan *paint(const graph *g, const char *edit_env[][2], bool prepass)
{
    struct err e;
    amp_lists *l = amp_lists_new(NULL, &e);
    for (int i = 0; edit_env && edit_env[i][0]; i++) {
        const char *k = edit_env[i][0];
        bool add = strstr(k, "_ADD") != NULL;
        enum amp_list li = !strncmp(k, "ALLOW", 5) ? AMP_LIST_ALLOW : !strncmp(k, "INFER", 5) ? AMP_LIST_INFER
                         : !strncmp(k, "DENY", 4) ? AMP_LIST_DENY : !strncmp(k, "CLEAR", 5) ? AMP_LIST_CLEAR
                                                                                             : AMP_LIST_NONE;
        if (li == AMP_LIST_NONE)
            amp_lists_set_level(l, edit_env[i][1]);
        else
            amp_lists_edit(l, li, add, edit_env[i][1]);
    }
    struct amp_opts o = {NULL, true, prepass};
    amp_plan *p = amp_paint(g, l, &o, &e);
    assert_non_null(p);
    amp_lists_free(l);
    return p;
}

struct expect {
    const char *file;
    const char *line;
};

/* TensorFlow 2.19.1, default lists (samples generated with the same version) */
static const struct expect DEFAULTS[] = {
    {"conv_bias_relu.pb", LINE(3, 8, 1)},     {"mnist_convnet.pb", LINE(12, 22, 1)},
    {"mlp.pb", LINE(9, 18, 1)},               {"transformer_block.pb", LINE(47, 70, 1)},
    {"resnet_block.pb", LINE(7, 19, 1)},      {"deny_propagation.pb", LINE(5, 17, 2)},
};

static void test_samples_match_tf(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof DEFAULTS / sizeof DEFAULTS[0]; i++) {
        graph *g = load_sample(DEFAULTS[i].file);
        amp_plan *p = paint(g, NULL, true);
        if (strcmp(p->summary, DEFAULTS[i].line))
            fail_msg("%s:\n  ampscope: %s\n  TF 2.19.1: %s", DEFAULTS[i].file, p->summary, DEFAULTS[i].line);
        /* every cast is named as 2.19 names it */
        for (int k = 0; k < p->n_casts; k++)
            assert_non_null(strstr(p->casts[k].name, "-0-AutoMixedPrecision"));
        amp_plan_free(p);
        graph_free(g);
    }
}

static void test_sample_details(void **state)
{
    (void)state;
    graph *g = load_sample("deny_propagation.pb");
    amp_plan *p = paint(g, NULL, true);
    int e = graph_find(g, "gate/Exp"), m1 = graph_find(g, "gate/mul_1"), add = graph_find(g, "gate/add");
    assert_string_equal(p->nodes[e].reason_code, "deny");
    assert_string_equal(p->nodes[m1].reason_code, "deny_propagated");
    assert_int_equal(p->nodes[add].cause_node, e);
    assert_true(p->nodes[graph_find(g, "gate/mul")].bf16);
    assert_true(p->nodes[graph_find(g, "Softmax")].bf16);
    assert_true(p->removed[graph_find(g, "dense/MatMul/ReadVariableOp/resource")]);
    amp_plan_free(p);
    /* without the prepass model the raw file has 20 nodes, and the three
       ReadVariableOp Identities (clear list) next to bf16 ops are painted too:
       that is why TF's count needs the model of grappler's earlier passes */
    p = paint(g, NULL, false);
    assert_int_equal(p->total, 20);
    assert_int_equal(p->converted, 8);
    amp_plan_free(p);
    graph_free(g);

    g = load_sample("mnist_convnet.pb");
    p = paint(g, NULL, true);
    int d = graph_find(g, "dropout/Identity");
    assert_true(p->removed[d]); /* pruned: trivial Identity */
    assert_true(p->nodes[graph_find(g, "flatten/Reshape")].bf16);
    amp_plan_free(p);
    graph_free(g);
}

/* list edits, each checked against TensorFlow 2.19.1 on the same file */
static void test_edits_match_tf(void **state)
{
    (void)state;
    static const char *treat[][2] = {{"LEVEL", "treat_infer_as_deny"}, {NULL, NULL}};
    static const char *exp_infer[][2] = {{"DENY_REMOVE", "Exp"}, {"INFER_ADD", "Exp"}, {NULL, NULL}};
    static const char *norelu[][2] = {{"CLEAR_REMOVE", "Relu"}, {NULL, NULL}};
    static const char *fbn[][2] = {{"ALLOW_ADD", "FusedBatchNormV3"}, {"INFER_REMOVE", "FusedBatchNormV3"},
                                   {NULL, NULL}};
    static const char *spaces[][2] = {{"ALLOW_REMOVE", "Conv2D, MatMul"}, {NULL, NULL}};
    static const char *move[][2] = {{"ALLOW_REMOVE", "MatMul"}, {"DENY_ADD", "MatMul"}, {NULL, NULL}};
    static const char *two[][2] = {{"DENY_ADD", "MatMul"}, {NULL, NULL}};
    static const char *force[][2] = {{"LEVEL", "UNSAFE_FORCE_ALL"}, {NULL, NULL}};
    struct {
        const char *file;
        const char *(*env)[2];
        const char *line;
    } cases[] = {
        {"mlp.pb", treat, LINE(5, 18, 3)},
        {"deny_propagation.pb", exp_infer, LINE(8, 17, 1)},
        {"conv_bias_relu.pb", norelu, LINE(2, 8, 1)},
        {"resnet_block.pb", fbn, LINE(9, 19, 1)},
        {"mlp.pb", spaces, LINE(9, 18, 1)},
        {"mlp.pb", move, "No allowlist ops found, nothing to do"},
        {"mlp.pb", two, "auto_mixed_precision_onednn_bfloat16 graph optimizer FAILED: INVALID_ARGUMENT: "
                        "Op lists have conflicting entries"},
        {"mlp.pb", force, "auto_mixed_precision_onednn_bfloat16 graph optimizer FAILED: INVALID_ARGUMENT: "
                          "TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_LEVEL cannot be set to UNSAFE_FORCE_ALL "
                          "when oneDNN is used"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        graph *g = load_sample(cases[i].file);
        amp_plan *p = paint(g, cases[i].env, true);
        if (strcmp(p->summary, cases[i].line))
            fail_msg("case %zu %s:\n  ampscope: %s\n  TF 2.19.1: %s", i, cases[i].file, p->summary,
                     cases[i].line);
        amp_plan_free(p);
        graph_free(g);
    }
}

/* real third-party frozen graphs from the shared corpus, against TF 2.19.1
 * (tests/e2e/amp_vs_tf.sh feeds them to TensorFlow: wav_data -> labels_softmax,
 * X -> output) */
static void test_corpus_match_tf(void **state)
{
    (void)state;
    const char *corpus = getenv("SHARED_CORPUS");
    static const struct expect C[] = {
        {"kws_cnn_s_frozen.pb", LINE(20, 48, 1)},
        {"kws_ds_cnn_s_frozen.pb", LINE(42, 97, 1)},
        {"kws_lstm_s_frozen_tf1_while.pb", LINE(34, 93, 1)}, /* TF1 while loop */
        {"tfonnx_fc_layers_frozen.pb", LINE(8, 16, 1)},
    };
    int done = 0;
    for (size_t i = 0; i < sizeof C / sizeof C[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/graphs/%s", corpus ? corpus : "../shared/corpus", C[i].file);
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        fclose(f);
        struct err e;
        graph *g = graph_load(path, NULL, &e);
        if (!g)
            fail_msg("cannot load %s: %s", path, e.msg);
        amp_plan *p = paint(g, NULL, true);
        if (strcmp(p->summary, C[i].line))
            fail_msg("%s:\n  ampscope: %s\n  TF 2.19.1: %s", C[i].file, p->summary, C[i].line);
        amp_plan_free(p);
        graph_free(g);
        done++;
    }
    if (!done) {
        printf("SKIP: the shared corpus graphs are absent\n");
        skip();
    }
}

/* every shared real graph paints without crashing, under every list version */
static void test_corpus_graphs(void **state)
{
    (void)state;
    const char *corpus = getenv("SHARED_CORPUS");
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/graphs", corpus ? corpus : "../shared/corpus");
    DIR *d = opendir(dir);
    if (!d) {
        printf("SKIP: %s is absent (the shared corpus is not on this machine)\n", dir);
        skip();
    }
    struct dirent *de;
    int n = 0;
    while ((de = readdir(d))) {
        const char *nm = de->d_name;
        size_t len = strlen(nm);
        if (nm[0] == '.' || len < 4 || !strcmp(nm + len - 3, ".md"))
            continue;
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, nm);
        struct err e;
        graph *g = graph_load(path, NULL, &e);
        if (!g)
            continue; /* loader coverage is tested elsewhere */
        const char *const *v = amp_tf_versions();
        for (int k = 0; v[k]; k++) {
            amp_lists *l = amp_lists_new(v[k], &e);
            struct amp_opts o = {NULL, true, true};
            amp_plan *p = amp_paint(g, l, &o, &e);
            assert_non_null(p);
            assert_true(p->failed || p->nothing_to_do || !strncmp(p->summary, "Converted ", 10));
            struct abuf b;
            abuf_init(&b);
            amp_plan_json(p, &b);
            assert_true(b.len > 0);
            abuf_done(&b);
            amp_plan_free(p);
            amp_lists_free(l);
        }
        graph_free(g);
        n++;
    }
    closedir(d);
    assert_true(n > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_samples_match_tf),
        cmocka_unit_test(test_sample_details),
        cmocka_unit_test(test_edits_match_tf),
        cmocka_unit_test(test_corpus_match_tf),
        cmocka_unit_test(test_corpus_graphs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
