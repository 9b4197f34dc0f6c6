/* test_render.c: the layout step and the pictures/tables built on it, on the
 * real sample models, the real painter and real Graphviz: layout geometry and
 * the text dump, collapsing of a big scoped graph, the focus neighbourhood,
 * SVG checked by xmllint and for names/colours/marks/legend, DOT re-parsed by
 * libcgraph (agmemread), CSV parsed back with libcsv, and a measured picture
 * from a real embedded run (made with $AMPSCOPE; skipped without it).
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* nftw */
#endif
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <csv.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cgraph.h>

#include "analyze/amp.h"
#include "analyze/graph.h"
#include "analyze/report.h"
#include "render/layout.h"
#include "render/svg.h"
#include "render/table.h"

static char tmpdir[256];

static int rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(p);
}

static int setup_all(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test_render.XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    return 0;
}

static int teardown_all(void **state)
{
    (void)state;
    nftw(tmpdir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}

static const char *root(void)
{
    const char *r = getenv("AMPSCOPE_ROOT");
    return r && *r ? r : ".";
}

struct model {
    graph *g;
    amp_lists *l;
    amp_plan *p;
};

static void model_load(struct model *m, const char *sample)
{
    char path[1024];
    struct err e = {0};
    snprintf(path, sizeof path, "%s/samples/%s", root(), sample);
    m->g = graph_load(path, NULL, &e);
    if (!m->g)
        fail_msg("%s: %s", path, e.msg);
    assert_int_equal(graph_infer(m->g, NULL, 0, 1, &e), ST_OK);
    m->l = amp_lists_new(NULL, &e);
    assert_non_null(m->l);
    struct amp_opts ao = {0};
    ao.all_on_cpu = true;
    m->p = amp_paint(m->g, m->l, &ao, &e);
    assert_non_null(m->p);
}

static void model_free(struct model *m)
{
    amp_plan_free(m->p);
    amp_lists_free(m->l);
    graph_free(m->g);
}

/* ---- layout ------------------------------------------------------------------ */

static void test_layout_geometry(void **state)
{
    (void)state;
    struct model m;
    model_load(&m, "mnist_convnet.pb");
    struct err e = {0};
    lay_layout *L = lay_new(m.g, m.p, NULL, NULL, &e);
    assert_non_null(L);
    assert_false(L->measured);
    assert_int_equal(L->collapse_depth, 0); /* small: nothing collapses */
    assert_int_equal(lay_compute(L, &e), ST_OK);
    assert_true(L->width > 100 && L->height > 100);
    int ops = 0, casts = 0;
    for (int i = 0; i < L->n_nodes; i++) {
        const struct lay_node *x = &L->nodes[i];
        assert_true(x->w > 0 && x->h > 0);
        assert_true(x->x >= 0 && x->x <= L->width + 0.5);
        assert_true(x->y >= 0 && x->y <= L->height + 0.5);
        if (x->kind == LAY_OP) {
            ops++;
            assert_int_equal(L->node_of[x->node], i);
        }
        casts += x->kind == LAY_CAST;
    }
    assert_int_equal(ops, m.g->n_nodes);
    /* every planned cast is drawn on its edge */
    assert_int_equal(casts, m.p->n_casts);
    /* the side table agrees with the painter */
    int conv = graph_find(m.g, "conv2d/Conv2D");
    assert_true(conv >= 0);
    assert_int_equal(L->nodes[L->node_of[conv]].prec, LAY_PREC_BF16);
    /* edges: data flows top to bottom, each has a spline */
    for (int k = 0; k < L->n_edges; k++) {
        assert_true(L->edges[k].n_pts >= 2);
        assert_true(L->nodes[L->edges[k].from].y < L->nodes[L->edges[k].to].y);
    }
    struct abuf b;
    abuf_init(&b);
    lay_dump(L, &b);
    assert_non_null(strstr(b.data, "node "));
    assert_non_null(strstr(b.data, " op conv2d/Conv2D bf16 "));
    int lines = 0;
    for (const char *p = b.data; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 1 + L->n_nodes + L->n_edges);
    abuf_done(&b);
    lay_free(L);
    model_free(&m);
}

static void test_short_name(void **state)
{
    (void)state;
    char buf[64];
    lay_short_name("conv2d/Conv2D", 28, buf, sizeof buf);
    assert_string_equal(buf, "conv2d/Conv2D");
    lay_short_name("model/encoder/layer_11/attention/self/query/MatMul", 28, buf, sizeof buf);
    assert_true(strlen(buf) <= 28);
    assert_string_equal(buf, ".../self/query/MatMul");
    assert_non_null(strstr(buf, "MatMul"));
    assert_int_equal(strncmp(buf, ".../", 4), 0);
    lay_short_name("a/AVeryLongNodeNameWithoutAnyScopeBreaksInsideIt_123456789", 20, buf, sizeof buf);
    assert_true(strlen(buf) <= 20);
    assert_non_null(strstr(buf, "..."));
}

/* A synthetic graph: blocks of scoped layers (like a Keras model). */
static graph *synthetic(int blocks, int layers, struct abuf *txt)
{
    abuf_printf(txt, "node { name: 'x' op: 'Placeholder' attr { key: 'dtype' value { type: DT_FLOAT } } }\n");
    const char *prev = "x";
    char pbuf[128];
    for (int b = 0; b < blocks; b++)
        for (int l = 0; l < layers; l++) {
            char s[96];
            snprintf(s, sizeof s, "model/block_%d/layer_%d", b, l);
            abuf_printf(txt, "node { name: '%s/w' op: 'Const' attr { key: 'dtype' value { type: DT_FLOAT } } }\n", s);
            abuf_printf(txt, "node { name: '%s/MatMul' op: 'MatMul' input: '%s' input: '%s/w' "
                             "attr { key: 'T' value { type: DT_FLOAT } } }\n", s, prev, s);
            abuf_printf(txt, "node { name: '%s/Relu' op: 'Relu' input: '%s/MatMul' "
                             "attr { key: 'T' value { type: DT_FLOAT } } }\n", s, s);
            snprintf(pbuf, sizeof pbuf, "%s/Relu", s);
            prev = pbuf;
        }
    struct err e = {0};
    graph *g = graph_load_buffer(txt->data, txt->len, "synthetic.pbtxt", NULL, &e);
    if (!g)
        fail_msg("synthetic graph: %s", e.msg);
    return g;
}

static void test_collapse(void **state)
{
    (void)state;
    struct abuf txt;
    abuf_init(&txt);
    graph *g = synthetic(40, 10, &txt); /* 1201 nodes */
    struct err e = {0};
    assert_int_equal(graph_infer(g, NULL, 0, 1, &e), ST_OK);
    lay_layout *L = lay_new(g, NULL, NULL, NULL, &e);
    assert_non_null(L);
    assert_true(L->collapse_depth > 0);
    assert_true(L->n_nodes <= 300);
    assert_true(L->n_groups > 0);
    int members = 0;
    for (int gi = 0; gi < L->n_groups; gi++)
        members += L->groups[gi].n_members;
    int loose = 0;
    for (int i = 0; i < L->n_nodes; i++)
        loose += L->nodes[i].kind == LAY_OP;
    assert_int_equal(members + loose, g->n_nodes);
    for (int i = 0; i < g->n_nodes; i++)
        assert_true(L->node_of[i] >= 0 && L->node_of[i] < L->n_nodes);
    assert_int_equal(lay_compute(L, &e), ST_OK);
    lay_free(L);

    /* explicit depth 2: one box per block */
    struct lay_opts o;
    lay_opts_init(&o);
    o.collapse = 2;
    L = lay_new(g, NULL, NULL, &o, &e);
    assert_non_null(L);
    assert_int_equal(L->collapse_depth, 2);
    assert_int_equal(L->n_groups, 40);
    assert_string_equal(L->groups[0].scope, "model/block_0");
    assert_int_equal(L->groups[0].n_members, 30);
    lay_free(L);

    /* never */
    o.collapse = 0;
    L = lay_new(g, NULL, NULL, &o, &e);
    assert_int_equal(L->n_nodes, g->n_nodes);
    assert_int_equal(L->n_groups, 0);
    lay_free(L);
    graph_free(g);
    abuf_done(&txt);
}

static void test_focus(void **state)
{
    (void)state;
    struct model m;
    model_load(&m, "mnist_convnet.pb");
    struct err e = {0};
    struct lay_opts o;
    lay_opts_init(&o);
    o.focus = "conv2d_1/Conv2D";
    o.radius = 1;
    lay_layout *L = lay_new(m.g, m.p, NULL, &o, &e);
    assert_non_null(L);
    int f = graph_find(m.g, "conv2d_1/Conv2D");
    assert_true(L->node_of[f] >= 0);
    assert_true(L->nodes[L->node_of[f]].focus);
    /* its inputs and consumer are in, two hops away are not */
    assert_true(L->node_of[graph_find(m.g, "max_pooling2d/MaxPool2d")] >= 0);
    assert_true(L->node_of[graph_find(m.g, "conv2d_1/BiasAdd")] >= 0);
    assert_int_equal(L->node_of[graph_find(m.g, "conv2d_1/Relu")], -1);
    assert_int_equal(L->node_of[graph_find(m.g, "conv2d/Conv2D")], -1);
    assert_true(L->hidden > 0);
    assert_non_null(strstr(L->subtitle, "outside the focus"));
    lay_free(L);

    o.focus = "Conv2D_1"; /* a typo-ish name: error with a suggestion */
    L = lay_new(m.g, m.p, NULL, &o, &e);
    assert_null(L);
    assert_non_null(strstr(e.msg, "no node named 'Conv2D_1'"));
    o.focus = "MaxPool2d";
    L = lay_new(m.g, m.p, NULL, &o, &e);
    assert_null(L);
    assert_non_null(strstr(e.msg, "did you mean 'max_pooling2d/MaxPool2d'"));
    model_free(&m);
}

/* ---- SVG / DOT / PNG ----------------------------------------------------------- */

static int run(const char *cmd)
{
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static void test_svg_prediction(void **state)
{
    (void)state;
    static const char *const samples[] = {"conv_bias_relu.pb", "mnist_convnet.pb", "mlp.pb",
                                          "transformer_block.pb", "resnet_block.pb",
                                          "deny_propagation.pb", NULL};
    bool have_xmllint = run("command -v xmllint >/dev/null 2>&1") == 0;
    if (!have_xmllint)
        printf("SKIP: xmllint not installed: SVGs are checked by string only\n");
    for (int s = 0; samples[s]; s++) {
        struct model m;
        model_load(&m, samples[s]);
        struct err e = {0};
        lay_layout *L = lay_new(m.g, m.p, NULL, NULL, &e);
        assert_non_null(L);
        char path[512];
        snprintf(path, sizeof path, "%s/%s.svg", tmpdir, samples[s]);
        assert_int_equal(svg_write_file(L, SVG_FMT_SVG, path, &e), ST_OK);
        char *svg;
        size_t len;
        assert_int_equal(util_read_file(path, 0, &svg, &len, &e), ST_OK);
        assert_non_null(strstr(svg, "<svg"));
        assert_non_null(strstr(svg, "PREDICTION"));
        assert_non_null(strstr(svg, "Legend"));
        assert_non_null(strstr(svg, "bf16 (predicted)"));
        /* every node's full name is in the SVG (label or tooltip) */
        for (int i = 0; i < m.g->n_nodes; i++) {
            struct abuf esc;
            abuf_init(&esc);
            for (const char *p = m.g->nodes[i].name; *p; p++)
                *p == '&' ? abuf_puts(&esc, "&amp;") : abuf_putc(&esc, *p);
            if (!strstr(svg, esc.data))
                fail_msg("%s: node %s missing from the SVG", samples[s], m.g->nodes[i].name);
            abuf_done(&esc);
        }
        /* colours: bf16 fill + border appear when anything is bf16 */
        bool any_bf16 = false;
        for (int i = 0; i < m.g->n_nodes; i++)
            any_bf16 |= m.p->nodes[i].bf16;
        if (any_bf16) {
            assert_non_null(strstr(svg, "#b3dcf5"));
            assert_non_null(strstr(svg, "#0072b2"));
        }
        if (m.p->n_casts)
            assert_non_null(strstr(svg, "#fff7c2")); /* planned cast diamonds */
        if (have_xmllint) {
            char cmd[1024];
            snprintf(cmd, sizeof cmd, "xmllint --noout '%s'", path);
            assert_int_equal(run(cmd), 0);
        }
        free(svg);
        lay_free(L);
        model_free(&m);
    }
}

static void test_dot_reparses(void **state)
{
    (void)state;
    struct model m;
    model_load(&m, "transformer_block.pb");
    struct err e = {0};
    lay_layout *L = lay_new(m.g, m.p, NULL, NULL, &e);
    assert_non_null(L);
    char *dot;
    size_t len;
    assert_int_equal(svg_render(L, SVG_FMT_DOT, &dot, &len, &e), ST_OK);
    Agraph_t *g = agmemread(dot);
    assert_non_null(g);
    assert_int_equal(agnnodes(g), L->n_nodes);
    assert_int_equal(agnedges(g), L->n_edges);
    /* positions were written by the layout */
    Agnode_t *n = agfstnode(g);
    assert_non_null(agget(n, (char *)"pos"));
    assert_true(strlen(agget(n, (char *)"pos")) > 0);
    assert_non_null(agget(n, (char *)"tooltip"));
    agclose(g);
    free(dot);

    char *png;
    assert_int_equal(svg_render(L, SVG_FMT_PNG, &png, &len, &e), ST_OK);
    assert_true(len > 1000);
    assert_memory_equal(png, "\x89PNG", 4);
    free(png);
    lay_free(L);
    model_free(&m);
}

static void test_svg_bad_path(void **state)
{
    (void)state;
    struct model m;
    model_load(&m, "conv_bias_relu.pb");
    struct err e = {0};
    lay_layout *L = lay_new(m.g, m.p, NULL, NULL, &e);
    char path[512];
    snprintf(path, sizeof path, "%s/no/such/dir/x.svg", tmpdir);
    assert_int_equal(svg_write_file(L, SVG_FMT_SVG, path, &e), ST_EIO);
    assert_non_null(strstr(e.msg, "cannot write"));
    assert_int_equal(svg_format_parse("pdf"), -1);
    assert_int_equal(svg_format_parse("gv"), SVG_FMT_DOT);
    lay_free(L);
    model_free(&m);
}

/* ---- CSV ------------------------------------------------------------------------- */

struct csv_count {
    int rows, fields, header_fields, bad_rows;
    char first_field[256];
};

static void cb_field(void *s, size_t n, void *data)
{
    struct csv_count *c = data;
    if (c->rows == 1 && c->fields == 0)
        snprintf(c->first_field, sizeof c->first_field, "%.*s", (int)n, (const char *)s);
    c->fields++;
}

static void cb_row(int ch, void *data)
{
    (void)ch;
    struct csv_count *c = data;
    if (c->rows == 0)
        c->header_fields = c->fields;
    else if (c->fields > c->header_fields)
        c->bad_rows++;
    c->rows++;
    c->fields = 0;
}

static void test_csv(void **state)
{
    (void)state;
    struct model m;
    model_load(&m, "transformer_block.pb");
    struct abuf b;
    abuf_init(&b);
    tbl_csv(m.g, m.p, NULL, &b);
    struct csv_parser p;
    assert_int_equal(csv_init(&p, CSV_STRICT | CSV_STRICT_FINI), 0);
    struct csv_count c = {0};
    assert_int_equal(csv_parse(&p, b.data, b.len, cb_field, cb_row, &c), b.len);
    assert_int_equal(csv_fini(&p, cb_field, cb_row, &c), 0);
    csv_free(&p);
    assert_int_equal(c.header_fields, 7);
    assert_int_equal(c.rows, 1 + m.g->n_nodes + m.p->n_casts);
    assert_int_equal(c.bad_rows, 0);
    assert_string_equal(c.first_field, m.g->nodes[0].name);

    /* quoting */
    b.len = 0;
    tbl_csv_field(&b, "a,b \"c\"");
    abuf_putc(&b, 0);
    assert_string_equal(b.data, "\"a,b \"\"c\"\"\"");
    abuf_done(&b);

    abuf_init(&b);
    tbl_json(m.g, m.p, NULL, "transformer_block.pb", &b);
    assert_non_null(strstr(b.data, "\"schema\":\"ampscope.export/1\""));
    assert_non_null(strstr(b.data, "\"mode\":\"prediction\""));
    abuf_done(&b);
    model_free(&m);
}

/* ---- measured: a real embedded run ----------------------------------------------- */

static void test_measured(void **state)
{
    (void)state;
    const char *bin = getenv("AMPSCOPE");
    if (!bin || access(bin, X_OK) != 0) {
        printf("SKIP: $AMPSCOPE not set: no embedded run for the measured picture\n");
        skip();
    }
    char dir[512], cmd[2048];
    snprintf(dir, sizeof dir, "%s/run", tmpdir);
    snprintf(cmd, sizeof cmd, "'%s' run '%s/samples/mnist_convnet.pb' --no-tui --out '%s' "
                              "--iters 3 --warmup 1 >/dev/null 2>&1", bin, root(), dir);
    assert_int_equal(run(cmd), 0);
    struct model m;
    model_load(&m, "mnist_convnet.pb");
    struct err e = {0};
    struct report *r = report_from_rundir(dir, m.g, m.p, NULL, &e);
    if (!r)
        fail_msg("report: %s", e.msg);
    lay_layout *L = lay_new(m.g, m.p, r, NULL, &e);
    assert_non_null(L);
    assert_true(L->measured);
    assert_non_null(strstr(L->title, "measured"));
    assert_non_null(strstr(L->subtitle, "bf16 share"));
    assert_non_null(strstr(L->subtitle, "AMX share"));
    int conv = graph_find(m.g, "conv2d/Conv2D");
    const struct lay_node *x = &L->nodes[L->node_of[conv]];
    assert_int_equal(x->prec, LAY_PREC_BF16);
    assert_false(isnan(x->share));
    int executed = 0;
    for (int i = 0; i < L->n_nodes; i++)
        executed += L->nodes[i].kind == LAY_CAST && L->nodes[i].cast_executed;
    assert_true(executed > 0);
    char *svg;
    size_t len;
    assert_int_equal(svg_render(L, SVG_FMT_SVG, &svg, &len, &e), ST_OK);
    assert_non_null(strstr(svg, "#f0e442"));          /* executed cast */
    assert_non_null(strstr(svg, "Cast executed"));    /* legend */
    bool amx = x->amx;
    assert_non_null(strstr(svg, amx ? "AMX" : "no AMX"));
    if (!amx)
        printf("SKIP: no AMX on this CPU: the AMX mark (double border) is checked in the legend only\n");
    free(svg);

    struct abuf b;
    abuf_init(&b);
    tbl_csv(m.g, m.p, r, &b);
    assert_non_null(strstr(b.data, "node,op,kind,list,planned,executed,amx,kernel"));
    assert_non_null(strstr(b.data, "conv2d/Conv2D,Conv2D,node,allow,bf16,bf16,"));
    abuf_done(&b);
    lay_free(L);
    report_free(r);
    model_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout_geometry),
        cmocka_unit_test(test_short_name),
        cmocka_unit_test(test_collapse),
        cmocka_unit_test(test_focus),
        cmocka_unit_test(test_svg_prediction),
        cmocka_unit_test(test_dot_reparses),
        cmocka_unit_test(test_svg_bad_path),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_measured),
    };
    return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
