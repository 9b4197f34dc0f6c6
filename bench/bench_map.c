/* bench_map.c: mapping time of the generic mapper: 1,000,000 exec events onto
 * a 10,000-node graph (2,000 blocks of MatMul+BiasAdd+Relu with their weight
 * and bias constants; 8 widths, so every signature bucket holds 250 look-alike
 * nodes the alignment must tell apart by order). Three figures:
 *   steady   500 identical iterations of 2,000 events (the usual log)
 *   varied   500 iterations that each differ (an extra reorder at a moving
 *            place), so every pass is aligned from scratch
 *   repeats  finding the iterations of the steady log without markers
 * Each against a baseline in the same run: one linear pass over the events
 * that sums their times per pre-known node (memory traffic only).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/graph.h"
#include "analyze/iterations.h"
#include "analyze/mapper.h"
#include "analyze/report.h"

#define BLOCKS 2000
#define ITERS 500
static const int widths[8] = {64, 96, 128, 160, 192, 224, 256, 320};

static graph *build_graph(void)
{
    struct abuf b;
    abuf_init(&b);
    abuf_printf(&b, "node { name: \"x\" op: \"Placeholder\" attr { key: \"dtype\" value { type: DT_FLOAT } }"
                    " attr { key: \"shape\" value { shape { dim { size: 64 } dim { size: %d } } } } }\n",
                widths[0]);
    const char *prev = "x";
    char pbuf[64];
    for (int i = 0; i < BLOCKS - 1; i++) {
        int k = widths[i % 8], n = widths[(i + 1) % 8];
        abuf_printf(&b,
                    "node { name: \"w%d\" op: \"Const\" attr { key: \"dtype\" value { type: DT_FLOAT } }"
                    " attr { key: \"value\" value { tensor { dtype: DT_FLOAT tensor_shape { dim { size: %d }"
                    " dim { size: %d } } float_val: 0.01 } } } }\n"
                    "node { name: \"b%d\" op: \"Const\" attr { key: \"dtype\" value { type: DT_FLOAT } }"
                    " attr { key: \"value\" value { tensor { dtype: DT_FLOAT tensor_shape { dim { size: %d } }"
                    " float_val: 0.01 } } } }\n"
                    "node { name: \"mm%d\" op: \"MatMul\" input: \"%s\" input: \"w%d\""
                    " attr { key: \"T\" value { type: DT_FLOAT } } }\n"
                    "node { name: \"ba%d\" op: \"BiasAdd\" input: \"mm%d\" input: \"b%d\""
                    " attr { key: \"T\" value { type: DT_FLOAT } } }\n"
                    "node { name: \"r%d\" op: \"Relu\" input: \"ba%d\" attr { key: \"T\" value { type: DT_FLOAT } } }\n",
                    i, k, n, i, n, i, prev, i, i, i, i, i, i);
        snprintf(pbuf, sizeof pbuf, "r%d", i);
        prev = pbuf;
    }
    /* pad to exactly 10,000 nodes with a tail of Identity views */
    struct err e = {0};
    int have = 1 + 5 * (BLOCKS - 1);
    for (int i = 0; have < 10000; i++, have++)
        abuf_printf(&b, "node { name: \"id%d\" op: \"Identity\" input: \"%s\" attr { key: \"T\" value { type: DT_FLOAT } } }\n",
                    i, i == 0 ? pbuf : (snprintf(pbuf, sizeof pbuf, "id%d", i - 1), pbuf));
    graph *g = graph_load_buffer(b.data, b.len, "bench_map.pbtxt", NULL, &e);
    abuf_done(&b);
    if (!g || graph_infer(g, NULL, 0, 64, &e) != ST_OK) {
        fprintf(stderr, "bench_map: graph: %s\n", e.msg);
        exit(1);
    }
    return g;
}

static double now_ms(void)
{
    return util_now_ms();
}

int main(void)
{
    graph *g = build_graph();
    struct strpool *pool = strpool_new();
    long n = (long)ITERS * (BLOCKS - 1) + ITERS; /* + one reorder per varied pass */
    struct rep_event *ev = xcalloc((size_t)n, sizeof *ev);
    const char *probs[8], *mds = strpool_intern(pool, "src_f32::blocked:ab:f0 wei_f32::blocked:AB16b64a:f0 bia_f32::blocked:a:f0 dst_f32::blocked:ab:f0", 94);
    for (int i = 0; i < 8; i++) {
        char p[64];
        snprintf(p, sizeof p, "mb64ic%doc%d", widths[i], widths[(i + 1) % 8]);
        probs[i] = strpool_intern(pool, p, strlen(p));
    }
    const char *ip = strpool_intern(pool, "inner_product", 13), *ro = strpool_intern(pool, "reorder", 7);
    const char *attrs = strpool_intern(pool, "attr-post-ops:eltwise_relu", 26);
    const char *impl = strpool_intern(pool, "brgemm:avx512_core", 18), *empty = strpool_intern(pool, "", 0);
    const char *rprob = strpool_intern(pool, "64x64", 5);
    const char *rmds = strpool_intern(pool, "src_f32::blocked:ab:f0 dst_f32::blocked:ba:f0", 45);

    /* steady: ITERS identical passes of BLOCKS-1 events */
    long k = 0;
    for (int it = 0; it < ITERS; it++)
        for (int i = 0; i < BLOCKS - 1; i++, k++) {
            struct rep_event *e = &ev[k];
            e->prim = ip, e->impl = impl, e->problem = probs[i % 8], e->mds = mds, e->attrs = attrs;
            e->aux = empty, e->src_tag = e->dst_tag = empty;
            e->src_dt = e->dst_dt = VB_DT_F32;
            e->time_ms = 0.01 + (i % 7) * 0.001, e->ts_ms = NAN;
            e->exec_index = k, e->seq = it, e->iteration = it, e->node = -1, e->cast = -1;
        }
    long n_steady = k;
    struct err err = {0};
    mapper *m = map_new(g, NULL, &err);
    struct map_stats st;

    /* baseline: one pass summing times per (known) node */
    double *acc = xcalloc((size_t)g->n_nodes, sizeof *acc);
    double t0 = now_ms();
    for (long i = 0; i < n_steady; i++)
        acc[(i % (BLOCKS - 1)) * 5 + 3] += ev[i].time_ms;
    double base = now_ms() - t0;
    double sink = 0;
    for (int i = 0; i < g->n_nodes; i++)
        sink += acc[i];

    t0 = now_ms();
    map_events(m, ev, n_steady, &st, &err);
    double steady = now_ms() - t0;
    long wrong = 0;
    /* every event to its own block's MatMul */
    char name[32];
    for (long i = 0; i < BLOCKS - 1; i++) {
        snprintf(name, sizeof name, "mm%ld", i);
        int want = graph_find(g, name);
        for (int it = 0; it < ITERS; it += 97)
            if (ev[(long)it * (BLOCKS - 1) + i].node != want)
                wrong++;
    }
    long unmapped = st.unmapped, copied = st.passes_copied;

    /* repeats: iterations without markers */
    for (long i = 0; i < n_steady; i++)
        ev[i].seq = -1;
    t0 = now_ms();
    struct it_result ir;
    it_assign_repeats(ev, n_steady, &ir);
    double rep = now_ms() - t0;

    /* varied: each pass has one extra reorder at a moving place */
    k = 0;
    for (int it = 0; it < ITERS; it++) {
        int at = (it * 37) % (BLOCKS - 1);
        for (int i = 0; i < BLOCKS - 1; i++) {
            if (i == at) {
                struct rep_event *e = &ev[k++];
                memset(e, 0, sizeof *e);
                e->prim = ro, e->impl = impl, e->problem = rprob, e->mds = rmds, e->attrs = empty;
                e->aux = empty, e->src_tag = empty, e->dst_tag = empty;
                e->src_dt = e->dst_dt = VB_DT_F32, e->time_ms = 0.001, e->ts_ms = NAN;
                e->seq = it, e->iteration = it, e->node = -1, e->cast = -1;
            }
            struct rep_event *e = &ev[k++];
            e->prim = ip, e->impl = impl, e->problem = probs[i % 8], e->mds = mds, e->attrs = attrs;
            e->aux = empty, e->src_tag = e->dst_tag = empty;
            e->src_dt = e->dst_dt = VB_DT_F32;
            e->time_ms = 0.01, e->ts_ms = NAN;
            e->seq = it, e->iteration = it, e->node = -1, e->cast = -1;
        }
    }
    t0 = now_ms();
    map_events(m, ev, k, &st, &err);
    double varied = now_ms() - t0;
    long vwrong = 0;
    for (long i = 0; i < k; i++) {
        if (ev[i].prim != ip)
            continue;
        int b = ev[i].node >= 0 ? atoi(g->nodes[ev[i].node].name + 2) : -1;
        long pos = i % (BLOCKS); /* one reorder per pass: block index is pos or pos-1 */
        (void)pos;
        if (b < 0 || strncmp(g->nodes[ev[i].node].name, "mm", 2) != 0)
            vwrong++;
    }

    printf("graph: %d nodes; events: %ld steady (%d iterations), %ld varied\n", g->n_nodes, n_steady,
           ITERS, k);
    printf("baseline (linear sum per node):   %8.1f ms\n", base);
    printf("mapping, steady iterations:       %8.1f ms  (%.1fx baseline; %ld passes copied, %ld unmapped, "
           "%ld wrong in the sampled check)\n", steady, steady / (base > 0.01 ? base : 0.01), copied,
           unmapped, wrong);
    printf("mapping, every pass different:    %8.1f ms  (%.1fx baseline; %ld unmapped, %ld not on a MatMul)\n",
           varied, varied / (base > 0.01 ? base : 0.01), st.unmapped, vwrong);
    printf("iterations from repeats (no markers): %4.1f ms  (period %d, %d iterations)\n", rep, ir.period,
           ir.n_iters);
    printf("target: < 1000 ms for 1,000,000 events onto 10,000 nodes: %s\n",
           (steady < 1000 && varied < 1000) ? "met" : "NOT met");
    if (sink < 0)
        printf("%f\n", sink);
    free(acc);
    map_free(m);
    free(ev);
    strpool_free(pool);
    graph_free(g);
    return 0;
}
