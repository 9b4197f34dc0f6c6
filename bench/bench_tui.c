/* bench_tui: the interface on a 10,000-node graph (100 scopes of 100 nodes,
 * a chain of MatMul/BiasAdd/Relu/Add blocks with their own weights). Figures:
 *   load      graph_load + graph_infer of the text GraphDef (the baseline)
 *   paint     first paint of the graph view with the default collapsing:
 *             model + painter + layout (dot) + cells + the first screen
 *   key       per-key latency (request handled + screen redrawn) for moves
 *             in the graph view, view switches, table moves, search
 *   toggle    a list change: repaint + re-layout + redraw
 * Each is the median of N runs; ratios are against load (same invocation).
 * Targets (issue 7): first paint < 300 ms, < 30 ms per key.
 * Usage: bench_tui [nodes]   (default 10000)
 */
#include "tui/tui_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static graph *make_graph(int n_nodes, double *load_ms)
{
    struct abuf t;
    abuf_init(&t);
    abuf_puts(&t, "node { name: 'x' op: 'Placeholder' attr { key: 'dtype' value { type: DT_FLOAT } }"
                  " attr { key: 'shape' value { shape { dim { size: 8 } dim { size: 64 } } } } }\n");
    const char *ops[] = {"MatMul", "BiasAdd", "Relu", "AddV2"};
    char prev[128] = "x", res[128] = "x";
    int per = 100, blocks = (n_nodes + per - 1) / per, made = 1;
    for (int b = 0; b < blocks; b++) {
        for (int k = 0; k < per; k++, made++) {
            char name[128];
            int kind = k % 5; /* const, matmul, biasadd, relu, add */
            snprintf(name, sizeof name, "model/block_%d/unit_%d/%s", b, k / 5, kind ? ops[kind - 1] : "w");
            if (kind == 0)
                abuf_printf(&t, "node { name: '%s' op: 'Const' attr { key: 'dtype' value { type: DT_FLOAT } }"
                                " attr { key: 'value' value { tensor { dtype: DT_FLOAT tensor_shape { dim { size: 64 }"
                                " dim { size: 64 } } float_val: 0.01 } } } }\n", name);
            else if (kind == 1)
                abuf_printf(&t, "node { name: '%s' op: 'MatMul' input: '%s' input: 'model/block_%d/unit_%d/w'"
                                " attr { key: 'T' value { type: DT_FLOAT } } }\n", name, prev, b, k / 5);
            else if (kind == 2)
                abuf_printf(&t, "node { name: '%s' op: 'BiasAdd' input: '%s' input: 'model/block_%d/unit_%d/w'"
                                " attr { key: 'T' value { type: DT_FLOAT } } }\n", name, prev, b, k / 5);
            else if (kind == 3)
                abuf_printf(&t, "node { name: '%s' op: 'Relu' input: '%s' attr { key: 'T' value { type: DT_FLOAT } } }\n",
                            name, prev);
            else
                abuf_printf(&t, "node { name: '%s' op: 'AddV2' input: '%s' input: '%s' attr { key: 'T' value { type: DT_FLOAT } } }\n",
                            name, prev, res);
            if (kind)
                snprintf(prev, sizeof prev, "%s", name);
            if (kind == 4)
                snprintf(res, sizeof res, "%s", name);
        }
    }
    (void)made;
    struct err e = {0};
    double t0 = util_now_ms();
    graph *g = graph_load_buffer(t.data, t.len, "bench10k.pbtxt", NULL, &e);
    if (g)
        graph_infer(g, NULL, 0, 1, &e);
    *load_ms = util_now_ms() - t0;
    abuf_done(&t);
    if (!g) {
        fprintf(stderr, "bench_tui: %s\n", e.msg);
        exit(1);
    }
    return g;
}

static int dcmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, dcmp);
    return v[n / 2];
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 10000;
    enum { RUNS = 3 };
    double load[RUNS], paint[RUNS];
    int drawn = 0, depth = 0, nodes = 0;
    struct tui_app a;
    for (int r = 0; r < RUNS; r++) {
        graph *g = make_graph(n, &load[r]);
        nodes = g->n_nodes;
        struct err e = {0};
        double t0 = util_now_ms();
        if (tui_app_init_graph(&a, g, 200, 50, &e) != ST_OK) {
            fprintf(stderr, "bench_tui: %s\n", e.msg);
            return 1;
        }
        tui_app_draw(&a);
        paint[r] = util_now_ms() - t0;
        drawn = a.gc ? a.gc->n_units : 0;
        depth = a.gc ? a.gc->depth : 0;
        if (r < RUNS - 1)
            tui_app_done(&a);
    }
    /* keys on the last app */
    const char *seq[] = {"j", "k", "l", "h", "]", "[", "f", "J", "K", "2", "j", "G", "g",
                         "1", "3", "j", "4", "j", "5", "1"};
    int nk = (int)(sizeof seq / sizeof seq[0]);
    double key[64], worst = 0;
    int reps = 3, m = 0;
    for (int r = 0; r < reps; r++)
        for (int i = 0; i < nk; i++) {
            double t0 = util_now_ms();
            tui_app_key(&a, tui_key_parse(seq[i]));
            tui_app_draw(&a);
            double d = util_now_ms() - t0;
            if (m < 64)
                key[m++] = d;
            if (d > worst)
                worst = d;
        }
    double t0 = util_now_ms();
    tui_app_command(&a, "search model/block_77/unit_3/Relu");
    tui_app_draw(&a);
    double search = util_now_ms() - t0;
    t0 = util_now_ms();
    tui_app_command(&a, "list MatMul deny");
    tui_app_draw(&a);
    double toggle = util_now_ms() - t0;
    double lm = median(load, RUNS), pm = median(paint, RUNS), km = median(key, m);
    printf("bench_tui: %d nodes, graph view at 200x50 draws %d boxes (scopes collapsed at depth %d)\n",
           nodes, drawn, depth);
    printf("  load (graph_load+infer, baseline)  %8.1f ms\n", lm);
    printf("  first paint (model+paint+layout+cells+screen) %8.1f ms  = %.2fx load   target < 300 ms: %s\n",
           pm, pm / lm, pm < 300 ? "met" : "MISSED");
    printf("  key -> redraw, median of %d keys   %8.2f ms (worst %.2f ms)   target < 30 ms: %s\n", m, km, worst,
           km < 30 ? "met" : "MISSED");
    printf("  search (:search, cursor to a node) %8.2f ms\n", search);
    printf("  list toggle (repaint + re-layout + redraw) %8.1f ms\n", toggle);
    tui_app_done(&a);
    return 0;
}
