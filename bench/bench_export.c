/* bench_export.c: SVG export time (build -> dot layout -> SVG render) for
 * the sample models and for a synthetic scoped graph of N nodes (default
 * 5,000, like a Keras model: model/block_i/layer_j/{w,MatMul,BiasAdd,Relu}),
 * with default collapsing. The baseline in the same run is what every
 * command pays anyway: loading the graph, inferring shapes and painting it.
 * Also the synthetic graph cut to its first 1,000 nodes drawn without
 * collapsing, to show why collapsing is the default.
 *
 *   bench_export [--root DIR] [--nodes N] [--reps R]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/amp.h"
#include "analyze/graph.h"
#include "render/layout.h"
#include "render/svg.h"

struct times {
    double base_ms, build_ms, layout_ms, render_ms;
    int drawn, depth;
    size_t bytes;
};

static void run_once(const char *path, const void *buf, size_t len, int collapse, struct times *t)
{
    struct err e = {0};
    double t0 = util_now_ms();
    graph *g = buf ? graph_load_buffer(buf, len, path, NULL, &e) : graph_load(path, NULL, &e);
    if (!g || graph_infer(g, NULL, 0, 1, &e) != ST_OK) {
        fprintf(stderr, "bench_export: %s: %s\n", path, e.msg);
        exit(1);
    }
    amp_lists *l = amp_lists_new(NULL, &e);
    struct amp_opts ao = {0};
    ao.all_on_cpu = true;
    ao.model_grappler_prepasses = true; /* as `ampscope export` paints */
    amp_plan *p = amp_paint(g, l, &ao, &e);
    double t1 = util_now_ms();
    struct lay_opts o;
    lay_opts_init(&o);
    o.collapse = collapse;
    lay_layout *L = lay_new(g, p, NULL, &o, &e);
    if (!L) {
        fprintf(stderr, "bench_export: %s: %s\n", path, e.msg);
        exit(1);
    }
    double t2 = util_now_ms();
    if (getenv("BENCH_EXPORT_DEBUG"))
        fprintf(stderr, "%s: %d boxes, %d edges, %d groups, depth %d\n", path, L->n_nodes,
                L->n_edges, L->n_groups, L->collapse_depth);
    if (lay_compute(L, &e) != ST_OK) {
        fprintf(stderr, "bench_export: layout: %s\n", e.msg);
        exit(1);
    }
    double t3 = util_now_ms();
    char *svg;
    size_t n;
    if (svg_render(L, SVG_FMT_SVG, &svg, &n, &e) != ST_OK) {
        fprintf(stderr, "bench_export: render: %s\n", e.msg);
        exit(1);
    }
    double t4 = util_now_ms();
    t->base_ms = t1 - t0;
    t->build_ms = t2 - t1;
    t->layout_ms = t3 - t2;
    t->render_ms = t4 - t3;
    t->drawn = L->n_nodes;
    t->depth = L->collapse_depth;
    t->bytes = n;
    free(svg);
    lay_free(L);
    amp_plan_free(p);
    amp_lists_free(l);
    graph_free(g);
}

static void best_of(const char *name, const char *path, const void *buf, size_t len, int collapse,
                    int reps, int n_nodes)
{
    struct times best = {0}, t;
    double best_total = 1e300;
    for (int r = 0; r < reps; r++) {
        run_once(path, buf, len, collapse, &t);
        double tot = t.build_ms + t.layout_ms + t.render_ms;
        if (tot < best_total) {
            best_total = tot;
            best = t;
        }
    }
    printf("| %s | %d | %d%s | %.1f | %.1f | %.1f | %.1f | **%.0f ms** | %.1fx | %zu KB |\n", name,
           n_nodes, best.drawn, best.depth ? "" : " (no collapse)", best.base_ms, best.build_ms,
           best.layout_ms, best.render_ms, best_total,
           best.base_ms > 0 ? best_total / best.base_ms : 0.0, best.bytes / 1024);
    fflush(stdout);
}

static char *synthetic(int target, size_t *len, int *n_nodes)
{
    struct abuf b;
    abuf_init(&b);
    abuf_puts(&b, "node { name: 'x' op: 'Placeholder' attr { key: 'dtype' value { type: DT_FLOAT } }"
                  " attr { key: 'shape' value { shape { dim { size: -1 } dim { size: 64 } } } } }\n");
    char prev[128] = "x";
    int n = 1;
    for (int blk = 0; n < target; blk++)
        for (int layer = 0; layer < 10 && n < target; layer++) {
            char s[96];
            snprintf(s, sizeof s, "model/block_%d/layer_%d", blk, layer);
            abuf_printf(&b, "node { name: '%s/w' op: 'Const' attr { key: 'dtype' value { type: DT_FLOAT } }"
                            " attr { key: 'value' value { tensor { dtype: DT_FLOAT tensor_shape { dim { size: 64 }"
                            " dim { size: 64 } } float_val: 0.01 } } } }\n", s);
            abuf_printf(&b, "node { name: '%s/MatMul' op: 'MatMul' input: '%s' input: '%s/w'"
                            " attr { key: 'T' value { type: DT_FLOAT } } }\n", s, prev, s);
            abuf_printf(&b, "node { name: '%s/b' op: 'Const' attr { key: 'dtype' value { type: DT_FLOAT } }"
                            " attr { key: 'value' value { tensor { dtype: DT_FLOAT tensor_shape { dim { size: 64 } }"
                            " float_val: 0.0 } } } }\n", s);
            abuf_printf(&b, "node { name: '%s/BiasAdd' op: 'BiasAdd' input: '%s/MatMul' input: '%s/b'"
                            " attr { key: 'T' value { type: DT_FLOAT } } }\n", s, s, s);
            abuf_printf(&b, "node { name: '%s/Relu' op: '%s' input: '%s/BiasAdd'"
                            " attr { key: 'T' value { type: DT_FLOAT } } }\n", s,
                        layer == 9 ? "Exp" : "Relu", s);
            snprintf(prev, sizeof prev, "%s/Relu", s);
            n += 5;
        }
    *len = b.len;
    *n_nodes = n;
    return b.data;
}

int main(int argc, char **argv)
{
    const char *root = ".";
    int nodes = 5000, reps = 3;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--root"))
            root = argv[i + 1];
        else if (!strcmp(argv[i], "--nodes"))
            nodes = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--reps"))
            reps = atoi(argv[i + 1]);
    }
    static const char *const samples[] = {"conv_bias_relu.pb", "mnist_convnet.pb", "mlp.pb",
                                          "transformer_block.pb", "resnet_block.pb",
                                          "deny_propagation.pb", NULL};
    printf("| graph | nodes | boxes drawn | load+paint ms (baseline) | build ms | layout ms | "
           "SVG ms | export total | export / baseline | SVG size |\n");
    printf("|---|---|---|---|---|---|---|---|---|---|\n");
    for (int s = 0; samples[s]; s++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/samples/%s", root, samples[s]);
        struct err e;
        graph *g = graph_load(path, NULL, &e);
        int n = g ? g->n_nodes : 0;
        graph_free(g);
        best_of(samples[s], path, NULL, 0, LAY_COLLAPSE_AUTO, reps, n);
    }
    size_t len;
    int n;
    char *txt = synthetic(nodes, &len, &n);
    char name[64];
    snprintf(name, sizeof name, "synthetic %d nodes, default collapsing", n);
    best_of(name, "synthetic.pbtxt", txt, len, LAY_COLLAPSE_AUTO, reps, n);
    free(txt);
    txt = synthetic(1000, &len, &n);
    snprintf(name, sizeof name, "synthetic %d nodes, --collapse 0", n);
    best_of(name, "synthetic1k.pbtxt", txt, len, 0, 1, n);
    free(txt);
    return 0;
}
