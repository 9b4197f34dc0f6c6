/* test_graph.c: cmocka suite for the graph loaders: every shared corpus graph
 * loads with the right node/function counts, text and binary forms of the
 * same graph load identically (text derived here with our own writer and
 * compared with the corpus's derived .pb pairs), the text reader's syntax,
 * shape inference on small fixtures, function inlining, the samples. Bad
 * input is in test_graph_bad.c. Fixtures: tests/data/graphs/; corpus:
 * $SHARED_CORPUS.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyze/graph.h"
#include "analyze/proto/graph.pb-c.h"
#include "analyze/textpb.h"
#include "util/util.h"

static char *root_path(const char *rel)
{
    const char *root = getenv("AMPSCOPE_ROOT");
    return xasprintf("%s/%s", root && *root ? root : ".", rel);
}

static char *corpus_path(const char *rel)
{
    const char *c = getenv("SHARED_CORPUS");
    if (c && *c)
        return xasprintf("%s/graphs/%s", c, rel);
    char *sub = xasprintf("../shared/corpus/graphs/%s", rel);
    char *p = root_path(sub);
    free(sub);
    return p;
}

static bool corpus_present(void)
{
    char *p = corpus_path("README.md");
    bool ok = access(p, R_OK) == 0;
    free(p);
    return ok;
}

static graph *load_fixture(const char *name, struct err *e)
{
    char *rel = xasprintf("tests/data/graphs/%s", name);
    char *p = root_path(rel);
    graph *g = graph_load(p, NULL, e);
    free(p);
    free(rel);
    return g;
}

static const struct g_shape *out_shape(const graph *g, const char *node, int port)
{
    int id = graph_find(g, node);
    assert_true(id >= 0);
    assert_true(port < g->nodes[id].n_outputs);
    return &g->nodes[id].out_shape[port];
}

static void assert_shape(const graph *g, const char *node, int port, const char *want)
{
    char buf[128];
    g_shape_format(out_shape(g, node, port), buf, sizeof buf);
    if (strcmp(buf, want))
        fail_msg("%s:%d has shape %s, expected %s", node, port, buf, want);
}

/* ---- the shared corpus ------------------------------------------------------- */

static const struct {
    const char *file;
    enum g_format fmt;
    int top_nodes, functions;
} corpus[] = {
    {"kws_cnn_s_frozen.pb", G_FMT_GRAPHDEF_BINARY, 78, 0},
    {"kws_ds_cnn_s_frozen.pb", G_FMT_GRAPHDEF_BINARY, 152, 0},
    {"kws_lstm_s_frozen_tf1_while.pb", G_FMT_GRAPHDEF_BINARY, 117, 0},
    {"tfonnx_fc_layers_frozen.pb", G_FMT_GRAPHDEF_BINARY, 24, 0},
    {"rust_addition_graphdef.pb", G_FMT_GRAPHDEF_BINARY, 3, 0},
    {"serving_half_plus_two_mkl_conv_saved_model.pb", G_FMT_SAVEDMODEL, 163, 0},
    {"serving_half_plus_two_tf1_saved_model.pb", G_FMT_SAVEDMODEL, -1, 0},
    {"serving_half_plus_two_tf2_saved_model.pb", G_FMT_SAVEDMODEL, -1, 14},
    {"rust_keras_multi_input_saved_model.pb", G_FMT_SAVEDMODEL, -1, 36},
    {"tfonnx_regression_metagraph.meta", G_FMT_METAGRAPH, 128, 0},
    {"ngraph_capture_prefetch_1.pbtxt", G_FMT_GRAPHDEF_TEXT, 45, 11},
    {"ngraph_flib_graph_2.pbtxt", G_FMT_GRAPHDEF_TEXT, 6, 2},
    {"ngraph_test_axpy.pbtxt", G_FMT_GRAPHDEF_TEXT, -1, 0},
    {"tf_graph_functional_while_loop.pbtxt", G_FMT_GRAPHDEF_TEXT, 4, 2},
    {"tf_graphdef2mlir_const_values.pbtxt", G_FMT_GRAPHDEF_TEXT, -1, 0},
    {"tf_batch_use_same_function_saved_model.pbtxt", G_FMT_SAVEDMODEL_TEXT, -1, 1},
    {"derived/tf_graph_functional_while_loop.pb", G_FMT_GRAPHDEF_BINARY, 4, 2},
    {"derived/tf_batch_use_same_function_saved_model.pb", G_FMT_SAVEDMODEL, -1, 1},
};

static void test_corpus_counts(void **state)
{
    (void)state;
    if (!corpus_present()) {
        printf("SKIP: shared corpus not found ($SHARED_CORPUS/graphs)\n");
        skip();
    }
    for (size_t i = 0; i < sizeof corpus / sizeof corpus[0]; i++) {
        char *p = corpus_path(corpus[i].file);
        struct err e;
        memset(&e, 0, sizeof e);
        graph *g = graph_load(p, NULL, &e);
        if (!g)
            fail_msg("%s: %s", corpus[i].file, e.msg);
        assert_int_equal(g->format, corpus[i].fmt);
        if (corpus[i].top_nodes >= 0 && g->n_top_nodes != corpus[i].top_nodes)
            fail_msg("%s: %d nodes, expected %d", corpus[i].file, g->n_top_nodes,
                     corpus[i].top_nodes);
        if (g->n_functions != corpus[i].functions)
            fail_msg("%s: %d functions, expected %d", corpus[i].file, g->n_functions,
                     corpus[i].functions);
        int *order = NULL;
        assert_int_equal(graph_topo(g, &order, &e), ST_OK);
        free(order);
        assert_int_equal(graph_infer(g, NULL, 0, 1, &e), ST_OK);
        graph_free(g);
        free(p);
    }
}

static void test_corpus_facts(void **state)
{
    (void)state;
    if (!corpus_present()) {
        printf("SKIP: shared corpus not found ($SHARED_CORPUS/graphs)\n");
        skip();
    }
    struct err e;
    /* TF2 SavedModel: signature endpoints, and the real ops inlined from the library. */
    char *p = corpus_path("serving_half_plus_two_tf2_saved_model.pb");
    graph *g = graph_load(p, NULL, &e);
    assert_non_null(g);
    assert_string_equal(g->meta_tag, "serve");
    assert_string_equal(g->signature, "serving_default");
    assert_int_equal(g->producer, 1569);
    assert_string_equal(g->tf_version, "2.14.0");
    assert_int_equal(g->n_inputs, 1);
    assert_string_equal(g->inputs[0].name, "x");
    assert_string_equal(g->nodes[g->inputs[0].node].name, "serving_default_x");
    assert_string_equal(g->nodes[g->outputs[0].node].name, "StatefulPartitionedCall_5");
    int mul = -1;
    for (int i = 0; i < g->n_nodes; i++)
        if (!strcmp(g->nodes[i].op, "Mul") && g->nodes[i].parent >= 0 &&
            strstr(g->nodes[i].name, "StatefulPartitionedCall_5/"))
            mul = i;
    assert_true(mul >= 0);
    assert_true(g->nodes[mul].function >= 0);
    graph_free(g);
    free(p);
    /* The KWS CNN: kernels, VALID convs and the Softmax output. */
    p = corpus_path("kws_cnn_s_frozen.pb");
    g = graph_load(p, NULL, &e);
    assert_non_null(g);
    assert_int_equal(g->producer, -1);
    const struct g_attr *pad = g_node_attr(&g->nodes[graph_find(g, "Conv2D")], "padding");
    assert_non_null(pad);
    assert_string_equal(pad->s, "VALID");
    assert_int_equal(graph_infer(g, NULL, 0, 0, &e), ST_OK);
    assert_shape(g, "labels_softmax", 0, "?x12");
    graph_free(g);
    free(p);
    /* Octal-escaped tensor_content: y = 5*x + y. */
    p = corpus_path("ngraph_test_axpy.pbtxt");
    g = graph_load(p, NULL, &e);
    assert_non_null(g);
    bool five = false;
    for (int i = 0; i < g->n_nodes; i++) {
        const struct g_attr *v = g_node_attr(&g->nodes[i], "value");
        if (v && v->kind == G_ATTR_TENSOR && v->tensor->n_vals > 0)
            five |= v->tensor->vals[0] == 5.0;
    }
    assert_true(five);
    graph_free(g);
    free(p);
    /* Hex escapes. */
    p = corpus_path("tf_graphdef2mlir_const_values.pbtxt");
    g = graph_load(p, NULL, &e);
    assert_non_null(g);
    const struct g_tensor *t = NULL;
    for (int i = 0; i < g->n_nodes && !t; i++) {
        const struct g_attr *v = g_node_attr(&g->nodes[i], "value");
        if (v && v->kind == G_ATTR_TENSOR && v->tensor->dtype == TF_DT_FLOAT)
            t = v->tensor;
    }
    assert_non_null(t);
    assert_int_equal(t->n_vals, 6);
    for (int i = 0; i < 6; i++)
        assert_true(t->vals[i] == i + 1);
    float f[6];
    assert_int_equal(g_tensor_read_f32(t, f, 6, &e), ST_OK);
    assert_true(f[5] == 6.0f);
    graph_free(g);
    free(p);
    /* The TF1 while loop passes topo (NextIteration back edges). */
    p = corpus_path("kws_lstm_s_frozen_tf1_while.pb");
    g = graph_load(p, NULL, &e);
    assert_non_null(g);
    int *order = NULL;
    assert_int_equal(graph_topo(g, &order, &e), ST_OK);
    free(order);
    graph_free(g);
    free(p);
}

/* Compares two graphs node by node (names, ops, inputs, attrs kinds and values). */
static void assert_same_graph(const graph *a, const graph *b)
{
    assert_int_equal(a->n_nodes, b->n_nodes);
    assert_int_equal(a->n_functions, b->n_functions);
    assert_int_equal(a->n_edges, b->n_edges);
    assert_int_equal(a->n_control_edges, b->n_control_edges);
    assert_int_equal(a->producer, b->producer);
    for (int i = 0; i < a->n_nodes; i++) {
        const struct g_node *x = &a->nodes[i], *y = &b->nodes[i];
        assert_string_equal(x->name, y->name);
        assert_string_equal(x->op, y->op);
        assert_string_equal(x->device, y->device);
        assert_int_equal(x->n_inputs, y->n_inputs);
        for (int k = 0; k < x->n_inputs; k++) {
            assert_int_equal(x->inputs[k].node, y->inputs[k].node);
            assert_int_equal(x->inputs[k].port, y->inputs[k].port);
        }
        assert_int_equal(x->n_attrs, y->n_attrs);
        for (int k = 0; k < x->n_attrs; k++) {
            const struct g_attr *p = &x->attrs[k], *q = &y->attrs[k];
            assert_string_equal(p->name, q->name);
            assert_int_equal(p->kind, q->kind);
            assert_string_equal(p->s, q->s);
            assert_true(p->i == q->i && p->f == q->f && p->b == q->b && p->type == q->type);
            assert_int_equal(p->n_list, q->n_list);
            if (p->kind == G_ATTR_TENSOR) {
                assert_int_equal(p->tensor->n_vals, q->tensor->n_vals);
                for (int v = 0; v < p->tensor->n_vals; v++)
                    assert_true(p->tensor->vals[v] == q->tensor->vals[v]);
            }
        }
    }
}

static void roundtrip_file(const char *path, const char *tmpdir)
{
    struct err e;
    graph *gb = graph_load(path, NULL, &e);
    if (!gb)
        fail_msg("%s: %s", path, e.msg);
    /* Our own text writer on the decoded protobuf. */
    char *data;
    size_t len;
    assert_int_equal(util_read_file(path, 0, &data, &len, &e), ST_OK);
    Tensorflow__GraphDef *gd = tensorflow__graph_def__unpack(NULL, len, (const uint8_t *)data);
    assert_non_null(gd);
    struct abuf b;
    abuf_init(&b);
    textpb_write(&gd->base, &b);
    char *tp = xasprintf("%s/g.pbtxt", tmpdir);
    assert_int_equal(util_write_file_atomic(tp, b.data ? b.data : "", b.len, &e), ST_OK);
    graph *gt = graph_load(tp, NULL, &e);
    if (!gt)
        fail_msg("%s as text: %s", path, e.msg);
    assert_int_equal(gt->format, G_FMT_GRAPHDEF_TEXT);
    assert_same_graph(gb, gt);
    /* And text -> protobuf -> pack gives the original bytes back. */
    struct textpb_result r;
    assert_int_equal(textpb_parse(&tensorflow__graph_def__descriptor, b.data, b.len, tp, &r, &e),
                     ST_OK);
    size_t n2 = protobuf_c_message_get_packed_size(r.msg);
    uint8_t *p2 = xmalloc(n2 + 1);
    protobuf_c_message_pack(r.msg, p2);
    assert_int_equal(n2, len);
    assert_memory_equal(p2, data, len);
    free(p2);
    protobuf_c_message_free_unpacked(r.msg, NULL);
    unlink(tp);
    free(tp);
    abuf_done(&b);
    tensorflow__graph_def__free_unpacked(gd, NULL);
    free(data);
    graph_free(gb);
    graph_free(gt);
}

static void test_text_binary_same(void **state)
{
    (void)state;
    if (!corpus_present()) {
        printf("SKIP: shared corpus not found ($SHARED_CORPUS/graphs)\n");
        skip();
    }
    char tmpl[] = "/tmp/ampscope-graph-XXXXXX";
    char *dir = mkdtemp(tmpl);
    assert_non_null(dir);
    const char *files[] = {"kws_cnn_s_frozen.pb", "kws_lstm_s_frozen_tf1_while.pb",
                           "tfonnx_fc_layers_frozen.pb", "rust_addition_graphdef.pb",
                           "derived/tf_graph_functional_while_loop.pb"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *p = corpus_path(files[i]);
        roundtrip_file(p, dir);
        free(p);
    }
    /* The corpus's own pairs: upstream text vs its protoc-encoded binary. */
    const char *pairs[][2] = {
        {"tf_graph_functional_while_loop.pbtxt", "derived/tf_graph_functional_while_loop.pb"},
        {"tf_batch_use_same_function_saved_model.pbtxt",
         "derived/tf_batch_use_same_function_saved_model.pb"},
    };
    for (size_t i = 0; i < 2; i++) {
        char *pt = corpus_path(pairs[i][0]), *pb = corpus_path(pairs[i][1]);
        struct err e;
        graph *a = graph_load(pt, NULL, &e), *b = graph_load(pb, NULL, &e);
        assert_non_null(a);
        assert_non_null(b);
        assert_same_graph(a, b);
        graph_free(a);
        graph_free(b);
        free(pt);
        free(pb);
    }
    rmdir(dir);
}

/* ---- the text reader's syntax ------------------------------------------------ */

static void test_textpb_syntax(void **state)
{
    (void)state;
    const char *text =
        "# comment line\n"
        "node: [ { name: 'a' op: \"Place\" 'holder' ; attr: [ { key: \"dtype\" value < type: 1 > } ] },\n"
        "        { name: \"b\\x41\\102\\u00e9\" op: \"Const\", # trailing comment\n"
        "          attr { key: \"value\" value { tensor { dtype: DT_FLOAT float_val: [1, -2.5e1, inf, 0x10] "
        "tensor_shape: { dim: { size: 4 } } } } }\n"
        "          attr { key: 'f' value { f: 1 } } attr { key: 'b' value { b: t } }\n"
        "          attr { key: 'l' value { list { i: [1, -0x2, 010] type: [DT_HALF, 14] } } } } ]\n"
        "versions < producer: 38; bad_consumers: [] >\n";
    struct err e;
    memset(&e, 0, sizeof e);
    struct textpb_result r;
    if (textpb_parse(&tensorflow__graph_def__descriptor, text, strlen(text), "t.pbtxt", &r, &e))
        fail_msg("%s at %ld:%ld", e.msg, e.line, e.col);
    const Tensorflow__GraphDef *gd = (const Tensorflow__GraphDef *)r.msg;
    assert_int_equal(gd->n_node, 2);
    assert_string_equal(gd->node[0]->op, "Placeholder");
    assert_int_equal(gd->node[0]->attr[0]->value->type, 1);
    assert_string_equal(gd->node[1]->name, "bAB\xc3\xa9");
    const Tensorflow__TensorProto *t = gd->node[1]->attr[0]->value->tensor;
    assert_int_equal(t->n_float_val, 4);
    assert_true(t->float_val[1] == -25.0f && t->float_val[2] > 1e38f && t->float_val[3] == 16.0f);
    assert_true(gd->node[1]->attr[1]->value->f == 1.0f);
    assert_true(gd->node[1]->attr[2]->value->b);
    const Tensorflow__AttrValue__ListValue *l = gd->node[1]->attr[3]->value->list;
    assert_int_equal(l->n_i, 3);
    assert_true(l->i[1] == -2 && l->i[2] == 8);
    assert_int_equal(l->n_type, 2);
    assert_int_equal(l->type[1], TENSORFLOW__DATA_TYPE__DT_BFLOAT16);
    assert_int_equal(gd->versions->producer, 38);
    /* The writer's output reads back to the same bytes. */
    struct abuf b;
    abuf_init(&b);
    textpb_write(r.msg, &b);
    struct textpb_result r2;
    assert_int_equal(textpb_parse(&tensorflow__graph_def__descriptor, b.data, b.len, "w", &r2, &e),
                     ST_OK);
    size_t n1 = protobuf_c_message_get_packed_size(r.msg), n2 = protobuf_c_message_get_packed_size(r2.msg);
    assert_int_equal(n1, n2);
    uint8_t *p1 = xmalloc(n1), *p2 = xmalloc(n2);
    protobuf_c_message_pack(r.msg, p1);
    protobuf_c_message_pack(r2.msg, p2);
    assert_memory_equal(p1, p2, n1);
    free(p1);
    free(p2);
    abuf_done(&b);
    protobuf_c_message_free_unpacked(r.msg, NULL);
    protobuf_c_message_free_unpacked(r2.msg, NULL);
}

/* ---- shapes ----------------------------------------------------------------- */

static void test_shapes_cnn(void **state)
{
    (void)state;
    struct err e;
    graph *g = load_fixture("shapes_cnn.pbtxt", &e);
    assert_non_null(g);
    assert_int_equal(graph_infer(g, NULL, 0, 0, &e), ST_OK);
    assert_shape(g, "x", 0, "?x32x32x3");
    assert_shape(g, "conv", 0, "?x16x16x8");       /* SAME, stride 2 */
    assert_shape(g, "conv_valid", 0, "?x24x24x8"); /* VALID, dilation 2: 32-9+1 */
    assert_shape(g, "pool", 0, "?x7x7x8");
    assert_shape(g, "nchw", 0, "?x8x16x16");
    assert_shape(g, "cat", 0, "?x16x16x16");
    assert_shape(g, "gap", 0, "?x16");
    assert_int_equal(g->nodes[graph_find(g, "cast")].out_dtype[0], TF_DT_BFLOAT16);
    assert_int_equal(g->nodes[graph_find(g, "shape")].out_dtype[0], TF_DT_INT32);
    /* --batch 4 resolves the flatten through Shape -> StridedSlice -> Pack. */
    assert_int_equal(graph_infer(g, NULL, 0, 4, &e), ST_OK);
    assert_shape(g, "flat", 0, "4x392");
    assert_shape(g, "pad", 0, "4x34x36x3");
    /* A bind overrides the batch. */
    struct g_input_bind b;
    assert_int_equal(g_input_bind_parse("x:2x32x32x3", &b, &e), ST_OK);
    assert_int_equal(graph_infer(g, &b, 1, 4, &e), ST_OK);
    assert_shape(g, "flat", 0, "2x392");
    g_input_bind_done(&b);
    /* Binds that cannot be right are refused with a reason. */
    assert_int_equal(g_input_bind_parse("nope:1x2", &b, &e), ST_OK);
    assert_int_equal(graph_infer(g, &b, 1, 0, &e), ST_EINVAL);
    assert_non_null(strstr(e.msg, "no input or node named 'nope'"));
    g_input_bind_done(&b);
    assert_int_equal(g_input_bind_parse("x:1x28x28", &b, &e), ST_OK);
    assert_int_equal(graph_infer(g, &b, 1, 0, &e), ST_EINVAL);
    assert_non_null(strstr(e.msg, "rank 4"));
    g_input_bind_done(&b);
    assert_int_equal(g_input_bind_parse("x:1x31x32x3", &b, &e), ST_OK);
    assert_int_equal(graph_infer(g, &b, 1, 0, &e), ST_EINVAL);
    g_input_bind_done(&b);
    assert_int_not_equal(g_input_bind_parse("x", &b, &e), ST_OK);
    assert_int_not_equal(g_input_bind_parse("x:1xfoo", &b, &e), ST_OK);
    assert_int_not_equal(g_input_bind_parse("x:99999999999999999", &b, &e), ST_OK);
    graph_free(g);
}

static void test_shapes_attn(void **state)
{
    (void)state;
    struct err e;
    graph *g = load_fixture("shapes_attn.pbtxt", &e);
    assert_non_null(g);
    assert_int_equal(graph_infer(g, NULL, 0, 0, &e), ST_OK);
    assert_shape(g, "scores", 0, "?x4x16x16");
    assert_shape(g, "probs", 0, "?x4x16x16");
    assert_shape(g, "ctx", 0, "1x16x4x8");
    assert_shape(g, "ell", 0, "?x4x16x32");
    assert_shape(g, "mm", 0, "10x48");
    assert_shape(g, "ed", 0, "10x1x48");
    assert_shape(g, "sq", 0, "10x48");
    assert_shape(g, "bn", 0, "?x6x7x5");
    assert_shape(g, "bn", 1, "5");
    assert_int_equal(g->nodes[graph_find(g, "bn")].n_outputs, 6);
    assert_int_equal(g->nodes[graph_find(g, "bn")].out_dtype[0], TF_DT_BFLOAT16);
    assert_int_equal(g->nodes[graph_find(g, "bn")].out_dtype[1], TF_DT_FLOAT);
    assert_shape(g, "part", 0, "10x16");
    assert_shape(g, "emb", 0, "?x12x64");
    graph_free(g);
    g = load_fixture("shapes_mkl.pbtxt", &e);
    assert_non_null(g);
    assert_int_equal(graph_infer(g, NULL, 0, 0, &e), ST_OK);
    assert_shape(g, "c", 0, "2x8x8x4");
    assert_int_equal(g->nodes[graph_find(g, "c")].out_dtype[0], TF_DT_BFLOAT16);
    assert_shape(g, "d", 0, "2x6x6x4");
    assert_shape(g, "r", 1, "4");
    assert_int_equal(g->nodes[graph_find(g, "r")].n_outputs, 6);
    graph_free(g);
}

static void test_inlining(void **state)
{
    (void)state;
    struct err e;
    graph *g = load_fixture("inline_call.pbtxt", &e);
    assert_non_null(g);
    assert_int_equal(g->n_top_nodes, 4);
    assert_int_equal(g->n_nodes, 7);
    int mm = graph_find(g, "call/mm"), relu = graph_find(g, "call/act/relu");
    int call = graph_find(g, "call"), act = graph_find(g, "call/act"), y = graph_find(g, "y");
    assert_true(mm >= 0 && relu >= 0 && call >= 0 && act >= 0 && y >= 0);
    assert_int_equal(g->nodes[mm].parent, call);
    assert_int_equal(g->nodes[relu].parent, act);
    assert_true(g->nodes[call].inlined);
    assert_string_equal(g->functions[g->nodes[mm].function].name, "outer_fn");
    /* _Arg mapping: the body's MatMul reads x and w directly. */
    assert_int_equal(g->nodes[mm].inputs[0].node, graph_find(g, "x"));
    assert_int_equal(g->nodes[mm].inputs[1].node, graph_find(g, "w"));
    /* ret mapping: y reads the innermost Relu. */
    assert_int_equal(g->nodes[y].inputs[0].node, relu);
    assert_int_equal(g->nodes[relu].inputs[0].node, mm);
    assert_int_equal(g->nodes[call].n_data_inputs, 0);
    assert_int_equal(graph_infer(g, NULL, 0, 0, &e), ST_OK);
    assert_shape(g, "y", 0, "?x3");
    assert_shape(g, "call", 0, "?x3");
    graph_free(g);
    /* No inlining when asked. */
    struct graph_load_opts o = {.no_inline = true};
    char *p = root_path("tests/data/graphs/inline_call.pbtxt");
    g = graph_load(p, &o, &e);
    assert_non_null(g);
    assert_int_equal(g->n_nodes, 4);
    graph_free(g);
    free(p);
    /* A function calling itself is inlined once and then left alone. */
    g = load_fixture("recursive_fn.pbtxt", &e);
    assert_non_null(g);
    assert_int_equal(g->n_nodes, 3);
    assert_true(g->n_warnings > 0);
    graph_free(g);
}


static void test_samples(void **state)
{
    (void)state;
    static const struct {
        const char *file, *node, *shape_b1;
    } s[] = {
        {"samples/mnist_convnet.pb", NULL, "1x10"},
        {"samples/mlp.pb", NULL, "1x10"},
        {"samples/conv_bias_relu.pb", NULL, NULL},
        {"samples/transformer_block.pb", NULL, NULL},
        {"samples/resnet_block.pb", NULL, NULL},
        {"samples/deny_propagation.pb", NULL, NULL},
    };
    int found = 0;
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
        char *p = root_path(s[i].file);
        if (access(p, R_OK)) {
            printf("SKIP: %s not present yet\n", s[i].file);
            free(p);
            continue;
        }
        found++;
        struct err e;
        graph *g = graph_load(p, NULL, &e);
        if (!g)
            fail_msg("%s: %s", s[i].file, e.msg);
        assert_int_equal(graph_infer(g, NULL, 0, 1, &e), ST_OK);
        /* Every output is fully known once the batch is bound. */
        assert_true(g->n_outputs >= 1);
        for (int k = 0; k < g->n_outputs; k++) {
            const struct g_node *n = &g->nodes[g->outputs[k].node];
            int64_t el = g_shape_elems(&n->out_shape[g->outputs[k].port]);
            if (el < 0)
                fail_msg("%s: output %s has an unknown shape with --batch 1", s[i].file, n->name);
            if (s[i].shape_b1) {
                char buf[64];
                g_shape_format(&n->out_shape[g->outputs[k].port], buf, sizeof buf);
                assert_string_equal(buf, s[i].shape_b1);
            }
        }
        /* No float op is left with an unknown shape. */
        for (int k = 0; k < g->n_nodes; k++) {
            const struct g_node *n = &g->nodes[k];
            if (n->n_outputs && n->out_dtype[0] == TF_DT_FLOAT && n->out_shape[0].rank < 0)
                fail_msg("%s: %s (%s) has no shape", s[i].file, n->name, n->op);
        }
        graph_free(g);
        free(p);
    }
    if (!found) {
        printf("SKIP: no samples/*.pb yet\n");
        skip();
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus_counts),     cmocka_unit_test(test_corpus_facts),
        cmocka_unit_test(test_text_binary_same),  cmocka_unit_test(test_shapes_cnn),
        cmocka_unit_test(test_shapes_attn),       cmocka_unit_test(test_inlining),
        cmocka_unit_test(test_samples),           cmocka_unit_test(test_textpb_syntax),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
