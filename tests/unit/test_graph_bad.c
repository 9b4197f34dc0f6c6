/* test_graph_bad.c: cmocka suite for the graph loaders on bad input: not a
 * protobuf, empty, truncated (cut at every few bytes), text syntax errors with
 * line:column, cycles outside loop frames, inputs naming missing nodes,
 * absurd shapes and constants, hostile integer constants (no overflow), deep
 * nesting (text and binary, far past any stack), a field over 2 GB, chunked
 * and empty SavedModel directories, missing tags and signatures. Each must be
 * a clear message, never a crash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static graph *load_fixture(const char *name, struct err *e)
{
    char *rel = xasprintf("tests/data/graphs/%s", name);
    char *p = root_path(rel);
    graph *g = graph_load(p, NULL, e);
    free(p);
    free(rel);
    return g;
}

static void assert_shape(const graph *g, const char *node, int port, const char *want)
{
    int id = graph_find(g, node);
    assert_true(id >= 0);
    assert_true(port < g->nodes[id].n_outputs);
    char buf[128];
    g_shape_format(&g->nodes[id].out_shape[port], buf, sizeof buf);
    if (strcmp(buf, want))
        fail_msg("%s:%d has shape %s, expected %s", node, port, buf, want);
}

static void expect_fail(graph *g, const struct err *e, const char *needle)
{
    if (g)
        fail_msg("loaded, expected a failure mentioning '%s'", needle);
    if (!strstr(e->msg, needle))
        fail_msg("message '%s' lacks '%s'", e->msg, needle);
}

static void test_shapes_overflow(void **state)
{
    (void)state;
    struct err e;
    graph *g = load_fixture("overflow.pbtxt", &e);
    if (!g)
        fail_msg("%s", e.msg);
    assert_int_equal(graph_infer(g, NULL, 0, 0, &e), ST_OK); /* UBSan: no overflow */
    assert_shape(g, "range", 0, "?"); /* the span itself overflows */
    assert_shape(g, "ss", 0, "<unknown>"); /* INT64_MAX end: beyond what vals hold */
    assert_shape(g, "conv", 0, "1x?x6x2"); /* absurd dilation: unknown */
    graph_free(g);
}

static void test_bad_fixtures(void **state)
{
    (void)state;
    struct err e;
    memset(&e, 0, sizeof e);
    graph *g = load_fixture("syntax_error.pbtxt", &e);
    expect_fail(g, &e, "DT_FLAOT");
    assert_int_equal(e.line, 4);
    assert_int_equal(e.col, 37);
    g = load_fixture("missing_input.pbtxt", &e);
    expect_fail(g, &e, "'not_there:0' names no node");
    g = load_fixture("absurd_shape.pbtxt", &e);
    expect_fail(g, &e, "-7");
    g = load_fixture("absurd_const.pbtxt", &e);
    expect_fail(g, &e, "tensor_content");
    g = load_fixture("cycle.pbtxt", &e);
    assert_non_null(g);
    int *order = NULL;
    assert_int_equal(graph_topo(g, &order, &e), ST_EFORMAT);
    assert_null(order);
    assert_non_null(strstr(e.msg, "cycle"));
    assert_non_null(strstr(e.msg, "'b' (Relu)"));
    assert_int_equal(graph_infer(g, NULL, 0, 0, &e), ST_OK); /* still no crash */
    graph_free(g);
    g = load_fixture("loop_ok.pbtxt", &e);
    assert_non_null(g);
    assert_int_equal(graph_topo(g, &order, &e), ST_OK);
    free(order);
    graph_free(g);
    g = load_fixture("unknown_fields.pbtxt", &e);
    assert_non_null(g);
    assert_int_equal(g->producer, 1882);
    assert_int_equal(g->n_warnings, 1);
    graph_free(g);
}

static void test_bad_buffers(void **state)
{
    (void)state;
    struct err e;
    memset(&e, 0, sizeof e);
    graph *g = graph_load_buffer("", 0, "empty.pb", NULL, &e);
    expect_fail(g, &e, "empty");
    const char junk[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    g = graph_load_buffer(junk, sizeof junk - 1, "pic.pb", NULL, &e);
    expect_fail(g, &e, "not a TensorFlow model");
    /* A SavedModel whose meta graph claims 3 GB: refused before decoding. */
    const unsigned char huge[] = {0x08, 0x01, 0x12, 0x80, 0xbc, 0xc1, 0x96, 0x0b, 0x0a, 0x00};
    g = graph_load_buffer(huge, sizeof huge, "saved_model.pb", NULL, &e);
    expect_fail(g, &e, "over 2 GB");
    g = graph_load_buffer("hello world, not a graph\n", 25, "a.txt", NULL, &e);
    expect_fail(g, &e, "not a TensorFlow model");
    g = graph_load_buffer("foo { bar: 1 }\n", 15, "a.pbtxt", NULL, &e);
    expect_fail(g, &e, "first field is 'foo'");
    const char *bad_text[][2] = {
        {"node { name: \"x\" op: \"Placeholder\"\n", "missing"},
        {"node { name: \"x\n\" }", "string not closed"},
        {"node { name: 12 }", "quoted string"},
        {"node { name: \"a\" op: \"b\" input: [\"c\" \"d\" }", "expected ',' or ']'"},
        {"node { name \"a\" }", "expected ':'"},
        {"versions { producer: 99999999999 }", "out of range"},
        {"node { attr { key: \"a\" value { s: \"x\" i: 3 } } }", "oneof"},
        {"node { name: \"a\\q\" }", "unknown escape"},
        {"node { name: \"a\" } }", "expected a field name"},
        {"versions: [ { producer: 1 } ]", "not repeated"},
        {"node { @ }", "unexpected '@'"},
    };
    for (size_t i = 0; i < sizeof bad_text / sizeof bad_text[0]; i++) {
        g = graph_load_buffer(bad_text[i][0], strlen(bad_text[i][0]), "t.pbtxt", NULL, &e);
        expect_fail(g, &e, bad_text[i][1]);
        assert_true(e.line >= 1 && e.col >= 1);
    }
    /* Deep nesting, text and binary: a clear limit, no stack overflow. */
    struct abuf b;
    abuf_init(&b);
    abuf_puts(&b, "node { attr { key: \"a\" value { ");
    for (int i = 0; i < 100000; i++)
        abuf_puts(&b, "list { func { attr { key: \"k\" value { ");
    g = graph_load_buffer(b.data, b.len, "deep.pbtxt", NULL, &e);
    expect_fail(g, &e, "nest more than");
    b.len = 0;
    /* FullTypeDef.args nested 200000 deep inside NodeDef.experimental_type. */
    int depth = 200000;
    size_t *lens = xmalloc((size_t)(depth + 1) * sizeof *lens);
    lens[depth] = 0;
    for (int i = depth - 1; i >= 0; i--) {
        size_t inner = lens[i + 1];
        size_t vl = inner < 128 ? 1 : inner < 16384 ? 2 : inner < 2097152 ? 3 : 4;
        lens[i] = 1 + vl + inner;
    }
    /* Build front to back: tag 0x12 (args) + varint length, repeated. */
    struct abuf m;
    abuf_init(&m);
    for (int i = 0; i < depth; i++) {
        size_t inner = lens[i + 1];
        abuf_putc(&m, 0x12);
        while (inner >= 0x80) {
            abuf_putc(&m, (char)(0x80 | (inner & 0x7f)));
            inner >>= 7;
        }
        abuf_putc(&m, (char)inner);
    }
    /* Wrap: NodeDef{name:"n", op:"X", experimental_type(7): <m>} in GraphDef.node. */
    struct abuf nd;
    abuf_init(&nd);
    abuf_put(&nd, "\x0a\x01n\x12\x01X", 6);
    abuf_putc(&nd, 0x3a);
    size_t l = m.len;
    while (l >= 0x80) {
        abuf_putc(&nd, (char)(0x80 | (l & 0x7f)));
        l >>= 7;
    }
    abuf_putc(&nd, (char)l);
    abuf_put(&nd, m.data, m.len);
    abuf_putc(&b, 0x0a);
    l = nd.len;
    while (l >= 0x80) {
        abuf_putc(&b, (char)(0x80 | (l & 0x7f)));
        l >>= 7;
    }
    abuf_putc(&b, (char)l);
    abuf_put(&b, nd.data, nd.len);
    g = graph_load_buffer(b.data, b.len, "deep.pb", NULL, &e);
    expect_fail(g, &e, "nest more than");
    free(lens);
    abuf_done(&m);
    abuf_done(&nd);
    abuf_done(&b);
}

static void test_truncated_and_dirs(void **state)
{
    (void)state;
    struct err e;
    char *p = root_path("tests/data/graphs/inline_call.pbtxt");
    graph *g = graph_load(p, NULL, &e);
    assert_non_null(g);
    Tensorflow__GraphDef *gd = (Tensorflow__GraphDef *)NULL;
    (void)gd;
    graph_free(g);
    free(p);
    /* Build a binary GraphDef from a fixture, then cut it. */
    char *data;
    size_t len;
    p = root_path("tests/data/graphs/shapes_cnn.pbtxt");
    assert_int_equal(util_read_file(p, 0, &data, &len, &e), ST_OK);
    struct textpb_result r;
    assert_int_equal(textpb_parse(&tensorflow__graph_def__descriptor, data, len, p, &r, &e),
                     ST_OK);
    size_t n = protobuf_c_message_get_packed_size(r.msg);
    uint8_t *bin = xmalloc(n);
    protobuf_c_message_pack(r.msg, bin);
    g = graph_load_buffer(bin, n, "whole.pb", NULL, &e);
    assert_non_null(g);
    assert_int_equal(g->format, G_FMT_GRAPHDEF_BINARY);
    graph_free(g);
    for (size_t cut = 1; cut < n; cut += 7) {
        g = graph_load_buffer(bin, n - cut, "cut.pb", NULL, &e);
        if (g) /* a cut exactly at a node boundary is a valid smaller graph */
            graph_free(g);
        else
            assert_true(e.msg[0] != 0);
    }
    /* The same GraphDef handed over already decoded (RunMetadata partition graphs). */
    g = graph_from_graphdef(r.msg, "partition_graph_0", NULL, &e);
    assert_non_null(g);
    assert_int_equal(g->n_nodes, 21);
    assert_int_equal(graph_infer(g, NULL, 0, 4, &e), ST_OK);
    assert_shape(g, "flat", 0, "4x392");
    graph_free(g);
    g = graph_load_buffer(bin, n / 2 + 1, "half.pb", NULL, &e);
    if (g)
        graph_free(g);
    else
        assert_non_null(strstr(e.msg, "truncated"));
    /* Directories: a SavedModel dir without saved_model.pb, and a chunked one. */
    char tmpl[] = "/tmp/ampscope-graph-XXXXXX";
    char *dir = mkdtemp(tmpl);
    assert_non_null(dir);
    g = graph_load(dir, NULL, &e);
    expect_fail(g, &e, "without saved_model.pb");
    char *cpb = xasprintf("%s/saved_model.cpb", dir);
    assert_int_equal(util_write_file_atomic(cpb, "x", 1, &e), ST_OK);
    g = graph_load(dir, NULL, &e);
    expect_fail(g, &e, "chunked");
    char *missing = xasprintf("%s/nope.pb", dir);
    g = graph_load(missing, NULL, &e);
    expect_fail(g, &e, "cannot open");
    /* A SavedModel directory with a text saved_model.pbtxt works. */
    unlink(cpb);
    char *smt = xasprintf("%s/saved_model.pbtxt", dir);
    const char *sm = "saved_model_schema_version: 1\nmeta_graphs {\n meta_info_def { tags: "
                     "\"serve\" }\n graph_def { node { name: \"x\" op: \"Placeholder\" } }\n"
                     " signature_def { key: \"serving_default\" value { inputs { key: \"in\" "
                     "value { name: \"x:0\" dtype: DT_FLOAT } } } }\n}\n";
    assert_int_equal(util_write_file_atomic(smt, sm, strlen(sm), &e), ST_OK);
    g = graph_load(dir, NULL, &e);
    assert_non_null(g);
    assert_int_equal(g->format, G_FMT_SAVEDMODEL_TEXT);
    assert_string_equal(g->inputs[0].name, "in");
    graph_free(g);
    struct graph_load_opts o = {.tag = "train"};
    g = graph_load(dir, &o, &e);
    expect_fail(g, &e, "no meta graph with tag 'train'");
    struct graph_load_opts o2 = {.signature = "predict"};
    g = graph_load(dir, &o2, &e);
    expect_fail(g, &e, "no signature 'predict'");
    unlink(smt);
    rmdir(dir);
    free(smt);
    free(cpb);
    free(missing);
    free(bin);
    protobuf_c_message_free_unpacked(r.msg, NULL);
    free(data);
    free(p);
}


int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_fixtures),
        cmocka_unit_test(test_bad_buffers),
        cmocka_unit_test(test_truncated_and_dirs),
        cmocka_unit_test(test_shapes_overflow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
