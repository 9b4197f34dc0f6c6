/* test_mapper.c: the generic mapper on its own. Event signatures from problem
 * descriptors of every era (reference lines), iterations from markers and
 * from repetition, and the alignment of real oneDNN verbose output (this
 * test runs the primitives itself, with ONEDNN_VERBOSE on, and reads what
 * oneDNN printed) against a hand-written graph: fused post-ops, weight
 * reorders outside the iterations, a plan Cast edge, a standalone Relu that
 * must not be confused with a fused one, and oneDNN 3.x `v1` lines.
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <oneapi/dnnl/dnnl.h>

#include "analyze/graph.h"
#include "analyze/iterations.h"
#include "analyze/mapper.h"
#include "analyze/mapper_int.h"
#include "analyze/report.h"
#include "analyze/rundir.h"
#include "logs/verbose.h"

/* ---- signatures --------------------------------------------------------- */

static void test_sig_conv_eras(void **state)
{
    (void)state;
    struct map_sig s;
    assert_true(map_sig_of_event("convolution", "mb1_ic3oc64_ih224oh112kh7sh2dh0ph3_iw224ow112kw7sw2dw0pw3", &s));
    assert_int_equal(s.kind, MK_CONV);
    assert_int_equal(s.f[0], 1);   /* g */
    assert_int_equal(s.f[1], 1);   /* mb */
    assert_int_equal(s.f[2], 3);   /* ic */
    assert_int_equal(s.f[3], 64);  /* oc */
    assert_int_equal(s.dst_elems, 64 * 112 * 112);
    /* grouped, v2.3+ prefix */
    assert_true(map_sig_of_event("convolution", "g2mb2_ic4oc6_ih4oh4kh3sh1dh0ph0_iw4ow4kw3sw1dw0pw0", &s));
    assert_int_equal(s.f[0], 2);
    assert_int_equal(s.f[1], 2);
    /* v0.x: mb first, g inside */
    assert_true(map_sig_of_event("convolution", "mb2_g2ic4oc6_ih4oh4kh3sh1dh0ph0_iw4ow4kw3sw1dw0pw0", &s));
    assert_int_equal(s.f[0], 2);
    /* 1D and 3D */
    assert_true(map_sig_of_event("convolution", "mb1_ic8oc8_iw12ow14kw3sw1dw0pw2", &s));
    assert_int_equal(s.dst_elems, 8 * 14);
    assert_true(map_sig_of_event("convolution",
                                 "mb1_ic2oc20_id13od13kd7sd1dd0pd3_ih14oh14kh5sh1dh0ph2_iw8ow8kw5sw1dw0pw2", &s));
    assert_int_equal(s.dst_elems, 20 * 13 * 14 * 8);
    /* sizes whose product overflows are unknown, not wrapped (fuzz finding) */
    assert_true(map_sig_of_event("convolution",
                                 "mb9999999999999999_ic28oc3000_ih40oh1600kh10sh2dh0ph0_iw7ow400kw4sw1dw0pw0", &s));
    assert_int_equal(s.dst_elems, -1);
    assert_int_equal(s.aux_elems, 3000 * 28 * 10 * 4);
    assert_int_equal(map_problem_elems("mb9999999999999999ic999999ih99iw99"), -1);
}

static void test_sig_gemm_eras(void **state)
{
    (void)state;
    struct map_sig s;
    /* matmul: <=2.2, 2.3-3.1, 3.2+ */
    assert_true(map_sig_of_event("matmul", "b1408m52n64k52", &s));
    assert_int_equal(s.dst_elems, 1408LL * 52 * 64);
    assert_int_equal(s.f[1], 52);
    assert_true(map_sig_of_event("matmul", "1024x512:512x256:1024x256", &s));
    assert_int_equal(s.dst_elems, 1024 * 256);
    assert_int_equal(s.f[1], 512);
    assert_true(map_sig_of_event("matmul", "256x11008:11008x4096", &s));
    assert_int_equal(s.dst_elems, 256LL * 4096);
    assert_int_equal(s.f[1], 11008);
    assert_true(map_sig_of_event("matmul", "16x100x640:1x640x1920", &s));
    assert_int_equal(s.dst_elems, 16LL * 100 * 1920);
    assert_false(map_sig_of_event("matmul", "*x64:64x10", &s)); /* runtime dims */
    /* inner product, with and without spatial input */
    assert_true(map_sig_of_event("inner_product", "mb200ic15680oc512", &s));
    assert_int_equal(s.kind, MK_IP);
    assert_int_equal(s.f[1], 15680);
    assert_true(map_sig_of_event("inner_product", "mb1ic256ih6iw6oc4096", &s));
    assert_int_equal(s.f[1], 256 * 36);
    /* gemm-like buckets are shared by inner product and matmul */
    struct map_sig a, b;
    map_sig_of_event("inner_product", "mb64ic784oc128", &a);
    map_sig_of_event("matmul", "64x784:784x128:64x128", &b);
    assert_true(map_sig_key(&a, 2) == map_sig_key(&b, 2));
}

static void test_sig_other(void **state)
{
    (void)state;
    struct map_sig s;
    assert_true(map_sig_of_event("eltwise", "128x96x55x55", &s));
    assert_int_equal(s.dst_elems, 128LL * 96 * 55 * 55);
    assert_true(map_sig_of_event("eltwise", "mb1ic256ih14iw14", &s)); /* v0.x */
    assert_int_equal(s.dst_elems, 256 * 14 * 14);
    assert_true(map_sig_of_event("binary", "64x128:1x128", &s));
    assert_int_equal(s.f[0], 64 * 128);
    assert_int_equal(s.f[1], 128);
    assert_true(map_sig_of_event("pooling_v2", "mb4ic32_ih26oh13kh2sh2dh0ph0_iw26ow13kw2sw2dw0pw0", &s));
    assert_int_equal(s.kind, MK_POOL);
    assert_int_equal(s.dst_elems, 4 * 32 * 13 * 13);
    assert_true(map_sig_of_event("softmax_v2", "4x10", &s));
    assert_int_equal(s.kind, MK_SOFTMAX);
    assert_true(map_sig_of_event("concat", "2x3:2x5", &s));
    assert_int_equal(s.dst_elems, 16);
    assert_true(map_sig_of_event("reduction", "2x64x128:2x64x1", &s));
    assert_int_equal(s.dst_elems, 128);
    assert_true(map_sig_of_event("lrn", "mb1ic96ih55iw55ls5beta0.75", &s));
    assert_int_equal(s.dst_elems, 96 * 55 * 55);
    assert_false(map_sig_of_event("reorder", "#", &s)); /* 1.x overflow placeholder */
    assert_false(map_sig_of_event("reorder", "", &s));
    assert_int_equal(map_kind_of_prim("gated_mlp"), MK_OTHER);
}

/* ---- iterations --------------------------------------------------------- */

static void test_markers(void **state)
{
    (void)state;
    struct it_marker m;
    const char *ok = "ampscope_marker,iter,3,end,1795334267922.079102\r";
    assert_int_equal(it_parse_marker(ok, strlen(ok), &m), 1);
    assert_true(m.iter);
    assert_int_equal(m.index, 3);
    assert_false(m.begin);
    assert_true(fabs(m.wall_ms - 1795334267922.079102) < 1e-3);
    const char *bad[] = {"ampscope_marker,iter,x,end,1", "ampscope_marker,lap,1,begin,2",
                         "ampscope_marker,iter,1,middle,2", "ampscope_marker,iter,1",
                         "ampscope_marker,iter,-1,begin,2"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(it_parse_marker(bad[i], strlen(bad[i]), &m), -1);
    assert_int_equal(it_parse_marker("onednn_verbose,exec", 19, &m), 0);

    /* events on lines 2..; markers around them */
    struct rep_event ev[7];
    memset(ev, 0, sizeof ev);
    long lines[7] = {2, 4, 5, 7, 8, 10, 11};
    for (int i = 0; i < 7; i++)
        ev[i].line_no = lines[i];
    struct it_marker mk[6] = {
        {false, 0, true, 100, 3}, {false, 0, false, 110, 6},
        {true, 0, true, 200, 6},  {true, 0, false, 212, 9},
        {true, 1, true, 300, 9},  {true, 1, false, 308, 12},
    };
    mk[2].line_no = 6; /* begin right after the end, same line order */
    mk[1].line_no = 6;
    mk[2].line_no = 6;
    struct it_result r;
    it_assign_markers(ev, 7, mk, 6, &r);
    assert_true(r.from_markers);
    assert_int_equal(r.n_iters, 2);
    assert_int_equal(r.n_warmup, 1);
    assert_int_equal(ev[0].seq, -1); /* setup before the first marker */
    assert_int_equal(ev[1].seq, 0);
    assert_int_equal(ev[1].iteration, -1);
    assert_int_equal(ev[3].seq, 1);
    assert_int_equal(ev[3].iteration, 0);
    assert_int_equal(ev[6].iteration, 1);
    assert_true(fabs(r.wall_ms_per_iter - 10.0) < 1e-9);
}

static void test_repeats(void **state)
{
    (void)state;
    /* W1 W2 A B C A B C A B C: warmup prefix, then 3 iterations of 3 */
    static const char *const shapes[] = {"w1", "w2", "a", "b", "c"};
    int seqv[] = {0, 1, 2, 3, 4, 2, 3, 4, 2, 3, 4};
    struct rep_event ev[11];
    memset(ev, 0, sizeof ev);
    for (int i = 0; i < 11; i++) {
        ev[i].prim = "eltwise";
        ev[i].problem = shapes[seqv[i]];
        ev[i].mds = "";
        ev[i].attrs = "";
    }
    struct it_result r;
    it_assign_repeats(ev, 11, &r);
    assert_false(r.from_markers);
    assert_int_equal(r.n_iters, 3);
    assert_int_equal(r.period, 3);
    assert_int_equal(r.n_warmup, 1);
    assert_int_equal(ev[0].iteration, -1);
    assert_int_equal(ev[1].iteration, -1);
    assert_int_equal(ev[2].iteration, 0);
    assert_int_equal(ev[10].iteration, 2);
    assert_int_equal(ev[5].seq, ev[6].seq);
    /* an iteration with an inner repetition (X Y Y Y) is still one iteration */
    int inner[] = {0, 1, 1, 1, 0, 1, 1, 1};
    struct rep_event e2[8];
    memset(e2, 0, sizeof e2);
    for (int i = 0; i < 8; i++) {
        e2[i].prim = "eltwise";
        e2[i].problem = shapes[inner[i]];
        e2[i].mds = e2[i].attrs = "";
    }
    it_assign_repeats(e2, 8, &r);
    assert_int_equal(r.period, 4);
    assert_int_equal(r.n_iters, 2);
    /* the graph may say the iteration is twice the shortest period */
    it_assign_period(e2, 8, 4, 2, &r);
    assert_int_equal(r.n_iters, 2);
    assert_int_equal(e2[3].iteration, 0);
    assert_int_equal(e2[4].iteration, 1);
    it_assign_period(e2, 8, 3, 2, &r); /* 2 events of warmup before 2 x 3 */
    assert_int_equal(r.n_warmup, 1);
    assert_int_equal(e2[1].iteration, -1);
    assert_int_equal(e2[2].iteration, 0);
    /* no repetition: one run */
    e2[2].problem = shapes[2];
    it_assign_repeats(e2, 3, &r);
    assert_int_equal(r.n_iters, 1);
    assert_int_equal(e2[2].iteration, 0);
}

/* ---- real oneDNN output against a hand-written graph ---------------------- */

static const char *const graph_txt =
    "node { name: 'x' op: 'Placeholder' attr { key: 'dtype' value { type: DT_FLOAT } }\n"
    "  attr { key: 'shape' value { shape { dim { size: -1 } dim { size: 8 } dim { size: 8 } dim { size: 3 } } } } }\n"
    "node { name: 'w' op: 'Const' attr { key: 'dtype' value { type: DT_FLOAT } }\n"
    "  attr { key: 'value' value { tensor { dtype: DT_FLOAT tensor_shape { dim { size: 3 } dim { size: 3 } dim { size: 3 } dim { size: 16 } } float_val: 0.1 } } } }\n"
    "node { name: 'conv' op: 'Conv2D' input: 'x' input: 'w' attr { key: 'T' value { type: DT_FLOAT } }\n"
    "  attr { key: 'padding' value { s: 'SAME' } } attr { key: 'strides' value { list { i: 1 i: 1 i: 1 i: 1 } } } }\n"
    "node { name: 'b' op: 'Const' attr { key: 'dtype' value { type: DT_FLOAT } }\n"
    "  attr { key: 'value' value { tensor { dtype: DT_FLOAT tensor_shape { dim { size: 16 } } float_val: 0.1 } } } }\n"
    "node { name: 'bias' op: 'BiasAdd' input: 'conv' input: 'b' attr { key: 'T' value { type: DT_FLOAT } } }\n"
    "node { name: 'relu' op: 'Relu' input: 'bias' attr { key: 'T' value { type: DT_FLOAT } } }\n"
    "node { name: 'pool' op: 'MaxPool' input: 'relu' attr { key: 'T' value { type: DT_FLOAT } }\n"
    "  attr { key: 'ksize' value { list { i: 1 i: 2 i: 2 i: 1 } } }\n"
    "  attr { key: 'strides' value { list { i: 1 i: 2 i: 2 i: 1 } } } attr { key: 'padding' value { s: 'VALID' } } }\n"
    "node { name: 'shp' op: 'Const' attr { key: 'dtype' value { type: DT_INT32 } }\n"
    "  attr { key: 'value' value { tensor { dtype: DT_INT32 tensor_shape { dim { size: 2 } } int_val: 2 int_val: 256 } } } }\n"
    "node { name: 'flat' op: 'Reshape' input: 'pool' input: 'shp' attr { key: 'T' value { type: DT_FLOAT } } }\n"
    "node { name: 'w2' op: 'Const' attr { key: 'dtype' value { type: DT_FLOAT } }\n"
    "  attr { key: 'value' value { tensor { dtype: DT_FLOAT tensor_shape { dim { size: 256 } dim { size: 10 } } float_val: 0.1 } } } }\n"
    "node { name: 'mm' op: 'MatMul' input: 'flat' input: 'w2' attr { key: 'T' value { type: DT_FLOAT } } }\n"
    "node { name: 'b2' op: 'Const' attr { key: 'dtype' value { type: DT_FLOAT } }\n"
    "  attr { key: 'value' value { tensor { dtype: DT_FLOAT tensor_shape { dim { size: 10 } } float_val: 0.1 } } } }\n"
    "node { name: 'bias2' op: 'BiasAdd' input: 'mm' input: 'b2' attr { key: 'T' value { type: DT_FLOAT } } }\n"
    "node { name: 'add' op: 'AddV2' input: 'bias2' input: 'bias2' attr { key: 'T' value { type: DT_FLOAT } } }\n"
    "node { name: 'relu2' op: 'Relu' input: 'add' attr { key: 'T' value { type: DT_FLOAT } } }\n"
    "node { name: 'sm' op: 'Softmax' input: 'relu2' attr { key: 'T' value { type: DT_FLOAT } } }\n";

static graph *load_graph(void)
{
    /* the text above uses '...' for readability: protobuf text accepts both quotes */
    struct err e = {0};
    graph *g = graph_load_buffer(graph_txt, strlen(graph_txt), "mapper-test.pbtxt", NULL, &e);
    if (!g)
        fail_msg("graph: %s", e.msg);
    assert_int_equal(graph_infer(g, NULL, 0, 2, &e), ST_OK);
    return g;
}

#define CK(x)                                                                \
    do {                                                                     \
        dnnl_status_t s_ = (x);                                              \
        if (s_ != dnnl_success)                                              \
            fail_msg("%s: oneDNN status %d", #x, (int)s_);                   \
    } while (0)

struct dn {
    dnnl_engine_t eng;
    dnnl_stream_t st;
};

static dnnl_memory_t mem(struct dn *d, const dnnl_memory_desc_t *md)
{
    dnnl_memory_t m;
    CK(dnnl_memory_create(&m, md, d->eng, DNNL_MEMORY_ALLOCATE));
    return m;
}

static dnnl_primitive_t prim(const void *op_desc, const_dnnl_primitive_attr_t attr, struct dn *d,
                             dnnl_primitive_desc_t *pd_out)
{
    dnnl_primitive_desc_t pd;
    CK(dnnl_primitive_desc_create(&pd, op_desc, attr, d->eng, NULL));
    dnnl_primitive_t p;
    CK(dnnl_primitive_create(&p, pd));
    if (pd_out)
        *pd_out = pd;
    else
        dnnl_primitive_desc_destroy(pd);
    return p;
}

static dnnl_primitive_t reorder(struct dn *d, const dnnl_memory_desc_t *a, const dnnl_memory_desc_t *b)
{
    dnnl_primitive_desc_t pd;
    CK(dnnl_reorder_primitive_desc_create(&pd, a, d->eng, b, d->eng, NULL));
    dnnl_primitive_t p;
    CK(dnnl_primitive_create(&p, pd));
    dnnl_primitive_desc_destroy(pd);
    return p;
}

static void exec2(struct dn *d, dnnl_primitive_t p, int a0, dnnl_memory_t m0, int a1, dnnl_memory_t m1)
{
    dnnl_exec_arg_t args[2] = {{a0, m0}, {a1, m1}};
    CK(dnnl_primitive_execute(p, d->st, 2, args));
    CK(dnnl_stream_wait(d->st));
}

/* Runs the graph's primitives as a backend would: weight reorder first,
 * then `iters` passes between marker lines; with_cast adds a f32->bf16
 * reorder of x at the start of each pass. Everything oneDNN prints goes to
 * `path`. */
static void run_primitives(const char *path, int iters, bool with_cast)
{
    fflush(stdout);
    int saved = dup(STDOUT_FILENO);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0 && saved >= 0);
    dup2(fd, STDOUT_FILENO);
    close(fd);
    CK(dnnl_set_verbose(1));

    struct dn d;
    CK(dnnl_engine_create(&d.eng, dnnl_cpu, 0));
    CK(dnnl_stream_create(&d.st, d.eng, dnnl_stream_default_flags));
    dnnl_memory_desc_t x, xb, w_user, w_any, bia, y, p_out, a2, w2, b2, o2, o1;
    dnnl_dims_t xd = {2, 3, 8, 8}, wd = {16, 3, 3, 3}, bd = {16}, yd = {2, 16, 8, 8}, pd_ = {2, 16, 4, 4};
    dnnl_dims_t ad = {2, 256}, w2d = {256, 10}, b2d = {1, 10}, od = {2, 10};
    CK(dnnl_memory_desc_init_by_tag(&x, 4, xd, dnnl_f32, dnnl_nhwc));
    CK(dnnl_memory_desc_init_by_tag(&xb, 4, xd, dnnl_bf16, dnnl_nhwc));
    CK(dnnl_memory_desc_init_by_tag(&w_user, 4, wd, dnnl_f32, dnnl_hwio));
    CK(dnnl_memory_desc_init_by_tag(&w_any, 4, wd, dnnl_f32, dnnl_format_tag_any));
    CK(dnnl_memory_desc_init_by_tag(&bia, 1, bd, dnnl_f32, dnnl_a));
    CK(dnnl_memory_desc_init_by_tag(&y, 4, yd, dnnl_f32, dnnl_nhwc));
    CK(dnnl_memory_desc_init_by_tag(&p_out, 4, pd_, dnnl_f32, dnnl_nhwc));
    CK(dnnl_memory_desc_init_by_tag(&a2, 2, ad, dnnl_f32, dnnl_ab));
    CK(dnnl_memory_desc_init_by_tag(&w2, 2, w2d, dnnl_f32, dnnl_ab));
    CK(dnnl_memory_desc_init_by_tag(&b2, 2, b2d, dnnl_f32, dnnl_ab));
    CK(dnnl_memory_desc_init_by_tag(&o2, 2, od, dnnl_f32, dnnl_ab));
    o1 = o2;

    /* conv + bias + relu post-op */
    dnnl_convolution_desc_t cd;
    dnnl_dims_t s1 = {1, 1}, p1 = {1, 1};
    CK(dnnl_convolution_forward_desc_init(&cd, dnnl_forward_inference, dnnl_convolution_direct, &x,
                                          &w_any, &bia, &y, s1, p1, p1));
    dnnl_primitive_attr_t at;
    CK(dnnl_primitive_attr_create(&at));
    dnnl_post_ops_t po;
    CK(dnnl_post_ops_create(&po));
    CK(dnnl_post_ops_append_eltwise(po, 1.f, dnnl_eltwise_relu, 0, 0));
    CK(dnnl_primitive_attr_set_post_ops(at, po));
    dnnl_primitive_desc_t cpd;
    dnnl_primitive_t conv = prim(&cd, at, &d, &cpd);
    const dnnl_memory_desc_t *wq = dnnl_primitive_desc_query_md(cpd, dnnl_query_weights_md, 0);
    dnnl_memory_t mx = mem(&d, &x), mxb = mem(&d, &xb), mw = mem(&d, &w_user), mwq = mem(&d, wq);
    dnnl_memory_t mb = mem(&d, &bia), my = mem(&d, &y), mp = mem(&d, &p_out);
    dnnl_primitive_t wre = reorder(&d, &w_user, wq), cast = reorder(&d, &x, &xb);
    /* pooling */
    dnnl_pooling_v2_desc_t pl;
    dnnl_dims_t k2 = {2, 2}, z2 = {0, 0};
    CK(dnnl_pooling_v2_forward_desc_init(&pl, dnnl_forward_inference, dnnl_pooling_max, &y, &p_out,
                                         k2, k2, z2, z2, z2));
    dnnl_primitive_t pool = prim(&pl, NULL, &d, NULL);
    /* matmul with bias */
    dnnl_matmul_desc_t md;
    CK(dnnl_matmul_desc_init(&md, &a2, &w2, &b2, &o2));
    dnnl_primitive_t mm = prim(&md, NULL, &d, NULL);
    dnnl_memory_t ma = mem(&d, &a2), mw2 = mem(&d, &w2), mb2 = mem(&d, &b2), mo = mem(&d, &o2);
    /* add, relu, softmax */
    dnnl_binary_desc_t bdsc;
    CK(dnnl_binary_desc_init(&bdsc, dnnl_binary_add, &o2, &o2, &o1));
    dnnl_primitive_t add = prim(&bdsc, NULL, &d, NULL);
    dnnl_eltwise_desc_t ed;
    CK(dnnl_eltwise_forward_desc_init(&ed, dnnl_forward_inference, dnnl_eltwise_relu, &o2, 0, 0));
    dnnl_primitive_t relu = prim(&ed, NULL, &d, NULL);
    dnnl_softmax_v2_desc_t smd;
    CK(dnnl_softmax_v2_forward_desc_init(&smd, dnnl_forward_inference, dnnl_softmax_accurate, &o2, &o2, 1));
    dnnl_primitive_t sm = prim(&smd, NULL, &d, NULL);

    exec2(&d, wre, DNNL_ARG_FROM, mw, DNNL_ARG_TO, mwq);
    for (int it = 0; it < iters; it++) {
        fflush(stdout);
        printf("ampscope_marker,iter,%d,begin,%.6f\n", it, 1000.0 * it);
        fflush(stdout);
        if (with_cast)
            exec2(&d, cast, DNNL_ARG_FROM, mx, DNNL_ARG_TO, mxb);
        dnnl_exec_arg_t ca[4] = {{DNNL_ARG_SRC, mx}, {DNNL_ARG_WEIGHTS, mwq}, {DNNL_ARG_BIAS, mb},
                                 {DNNL_ARG_DST, my}};
        CK(dnnl_primitive_execute(conv, d.st, 4, ca));
        exec2(&d, pool, DNNL_ARG_SRC, my, DNNL_ARG_DST, mp);
        dnnl_exec_arg_t mmargs[4] = {{DNNL_ARG_SRC, ma}, {DNNL_ARG_WEIGHTS, mw2}, {DNNL_ARG_BIAS, mb2},
                                     {DNNL_ARG_DST, mo}};
        CK(dnnl_primitive_execute(mm, d.st, 4, mmargs));
        dnnl_exec_arg_t ba[3] = {{DNNL_ARG_SRC_0, mo}, {DNNL_ARG_SRC_1, mo}, {DNNL_ARG_DST, mo}};
        CK(dnnl_primitive_execute(add, d.st, 3, ba));
        exec2(&d, relu, DNNL_ARG_SRC, mo, DNNL_ARG_DST, mo);
        exec2(&d, sm, DNNL_ARG_SRC, mo, DNNL_ARG_DST, mo);
        CK(dnnl_stream_wait(d.st));
        fflush(stdout);
        printf("ampscope_marker,iter,%d,end,%.6f\n", it, 1000.0 * it + 1);
    }
    fflush(stdout);
    dnnl_memory_t ms[] = {mx, mxb, mw, mwq, mb, my, mp, ma, mw2, mb2, mo};
    for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++)
        dnnl_memory_destroy(ms[i]);
    dnnl_primitive_t ps[] = {conv, wre, cast, pool, mm, add, relu, sm};
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++)
        dnnl_primitive_destroy(ps[i]);
    dnnl_primitive_desc_destroy(cpd);
    dnnl_post_ops_destroy(po);
    dnnl_primitive_attr_destroy(at);
    dnnl_stream_destroy(d.st);
    dnnl_engine_destroy(d.eng);
    CK(dnnl_set_verbose(0));
    dup2(saved, STDOUT_FILENO);
    close(saved);
}

struct col {
    struct rep_event ev[256];
    int n;
    struct it_marker mk[64];
    int n_mk;
};

static int col_event(void *ctx, const struct vb_event *ve)
{
    struct col *c = ctx;
    if (ve->kind == VB_EXEC && c->n < 256) {
        map_event_from_vb(&c->ev[c->n], ve, c->n);
        c->n++;
    }
    return 0;
}

static int col_other(void *ctx, const char *line, size_t len, long line_no)
{
    struct col *c = ctx;
    if (c->n_mk < 64 && it_parse_marker(line, len, &c->mk[c->n_mk]) == 1)
        c->mk[c->n_mk++].line_no = line_no;
    return 0;
}

static const char *target(const graph *g, const amp_plan *p, const struct rep_event *e)
{
    if (e->cast >= 0)
        return p->casts[e->cast].name;
    return e->node >= 0 ? g->nodes[e->node].name : "(unmapped)";
}

static void map_file(const char *path, const graph *g, const amp_plan *plan, struct col *c,
                     vb_reader **rd_out)
{
    struct vb_sink sink = {c, col_event, col_other};
    vb_reader *rd = vb_reader_new(&sink);
    struct err e = {0};
    assert_int_equal(vb_read_path(rd, path, &e), ST_OK);
    struct it_result ir;
    it_assign_markers(c->ev, c->n, c->mk, c->n_mk, &ir);
    mapper *m = map_new(g, plan, &e);
    assert_non_null(m);
    struct map_stats st;
    assert_int_equal(map_events(m, c->ev, c->n, &st, &e), ST_OK);
    assert_int_equal(st.unmapped, 0);
    const int *fused = map_fused_into(m);
    int conv = graph_find(g, "conv"), mmn = graph_find(g, "mm");
    assert_int_equal(fused[graph_find(g, "bias")], conv);
    assert_int_equal(fused[graph_find(g, "relu")], conv);
    assert_int_equal(fused[graph_find(g, "bias2")], mmn);
    assert_int_equal(fused[graph_find(g, "relu2")], -1);
    map_free(m);
    *rd_out = rd;
}

static void test_real_onednn(void **state)
{
    (void)state;
    graph *g = load_graph();
    char path[] = "/tmp/ampscope-test-mapper-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    run_primitives(path, 3, false);
    static struct col c;
    memset(&c, 0, sizeof c);
    vb_reader *rd;
    map_file(path, g, NULL, &c, &rd);
    /* 1 weight reorder + 3 x 6 */
    assert_int_equal(c.n, 19);
    const char *want[] = {"conv", "conv", "pool", "mm", "add", "relu2", "sm"};
    const char *roles[] = {"reorder_wei", "compute", "compute", "compute", "compute", "compute", "compute"};
    for (int i = 0; i < c.n; i++) {
        int k = i == 0 ? 0 : 1 + (i - 1) % 6;
        if (strcmp(target(g, NULL, &c.ev[i]), want[k]) || strcmp(c.ev[i].role, roles[k]))
            fail_msg("event %d (%s %s): %s/%s, want %s/%s", i, c.ev[i].prim, c.ev[i].problem,
                     target(g, NULL, &c.ev[i]), c.ev[i].role, want[k], roles[k]);
        assert_true(c.ev[i].confidence > 0.5f);
    }
    assert_int_equal(c.ev[1].iteration, 0);
    assert_int_equal(c.ev[18].iteration, 2);
    vb_reader_free(rd);
    unlink(path);
    graph_free(g);
}

static void test_real_onednn_cast(void **state)
{
    (void)state;
    graph *g = load_graph();
    /* a plan with one Cast edge x -> conv, as the painter would put it */
    amp_plan plan;
    memset(&plan, 0, sizeof plan);
    struct amp_cast cast;
    memset(&cast, 0, sizeof cast);
    int dst = graph_find(g, "conv"), dst_in = 0;
    cast.name = "x-0-CastToBf16-AutoMixedPrecision";
    cast.src_node = graph_find(g, "x");
    cast.src_port = 0;
    cast.to_bf16 = true;
    cast.dst_nodes = &dst;
    cast.dst_inputs = &dst_in;
    cast.n_dst = 1;
    plan.g = g;
    plan.casts = &cast;
    plan.n_casts = 1;
    char path[] = "/tmp/ampscope-test-mapper-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    run_primitives(path, 2, true);
    static struct col c;
    memset(&c, 0, sizeof c);
    vb_reader *rd;
    map_file(path, g, &plan, &c, &rd);
    assert_int_equal(c.n, 1 + 2 * 7);
    for (int it = 0; it < 2; it++) {
        const struct rep_event *e = &c.ev[1 + it * 7];
        assert_string_equal(e->prim, "reorder");
        assert_int_equal(e->cast, 0);
        assert_string_equal(e->role, "cast");
        assert_string_equal(target(g, &plan, e), cast.name);
        assert_string_equal(target(g, &plan, &c.ev[2 + it * 7]), "conv");
    }
    vb_reader_free(rd);
    unlink(path);
    graph_free(g);
}

/* oneDNN 3.x lines as TF 2.19's bundled oneDNN prints them (v1 marker, md
 * syntax `src:bf16::blocked:...`, 2-part matmul problem, AMX kernels). */
static void test_onednn3_lines(void **state)
{
    (void)state;
    static const char *const txt =
        "node { name: 'a' op: 'Placeholder' attr { key: 'dtype' value { type: DT_FLOAT } }\n"
        "  attr { key: 'shape' value { shape { dim { size: 256 } dim { size: 11008 } } } } }\n"
        "node { name: 'w' op: 'Placeholder' attr { key: 'dtype' value { type: DT_FLOAT } }\n"
        "  attr { key: 'shape' value { shape { dim { size: 11008 } dim { size: 4096 } } } } }\n"
        "node { name: 'mm' op: 'MatMul' input: 'a' input: 'w' attr { key: 'T' value { type: DT_FLOAT } } }\n"
        "node { name: 'gelu' op: 'Gelu' input: 'mm' attr { key: 'T' value { type: DT_FLOAT } } }\n";
    struct err e = {0};
    graph *g = graph_load_buffer(txt, strlen(txt), "v1.pbtxt", NULL, &e);
    assert_non_null(g);
    assert_int_equal(graph_infer(g, NULL, 0, 1, &e), ST_OK);
    static const char *const lines[] = {
        "onednn_verbose,v1,primitive,info,template:timestamp,operation,engine,primitive,implementation,"
        "prop_kind,memory_descriptors,attributes,auxiliary,problem_desc,exec_time",
        "onednn_verbose,v1,1718391711600.335938,primitive,exec,cpu,matmul,brg_matmul:avx10_1_512_amx,undef,"
        "src:bf16::blocked:ab::f0 wei:bf16:a:blocked:BA16a32b2a::f0 dst:bf16::blocked:ab::f0,"
        "attr-post-ops:eltwise_gelu_erf,,256x11008:11008x4096,0.0820312",
    };
    struct rep_event ev[2];
    vb_reader *rd = vb_reader_new(&(struct vb_sink){0});
    int n = 0;
    for (size_t i = 0; i < 2; i++) {
        struct vb_event ve;
        if (vb_parse_line(rd, lines[i], strlen(lines[i]), &ve) == 1 && ve.kind == VB_EXEC) {
            map_event_from_vb(&ev[n], &ve, n);
            ev[n].seq = 0;
            n++;
        }
    }
    assert_int_equal(n, 1);
    assert_int_equal(ev[0].isa, VB_ISA_AMX);
    assert_int_equal(ev[0].src_dt, VB_DT_BF16);
    mapper *m = map_new(g, NULL, &e);
    struct map_stats st;
    map_events(m, ev, n, &st, &e);
    assert_int_equal(ev[0].node, graph_find(g, "mm"));
    assert_string_equal(ev[0].role, "compute");
    assert_true(ev[0].confidence >= 0.99f);
    assert_int_equal(map_fused_into(m)[graph_find(g, "gelu")], graph_find(g, "mm"));
    map_free(m);
    vb_reader_free(rd);
    graph_free(g);
}

/* Two look-alike branches run in the opposite of topological order: order
 * alone picks wrong, node start/end times (TF step_stats) put it right. */
static void test_timestamps(void **state)
{
    (void)state;
    static const char *const txt =
        "node { name: 'x' op: 'Placeholder' attr { key: 'dtype' value { type: DT_FLOAT } }\n"
        "  attr { key: 'shape' value { shape { dim { size: 4 } dim { size: 32 } } } } }\n"
        "node { name: 'r1' op: 'Relu' input: 'x' attr { key: 'T' value { type: DT_FLOAT } } }\n"
        "node { name: 'r2' op: 'Relu' input: 'x' attr { key: 'T' value { type: DT_FLOAT } } }\n";
    struct err e = {0};
    graph *g = graph_load_buffer(txt, strlen(txt), "ts.pbtxt", NULL, &e);
    assert_non_null(g);
    assert_int_equal(graph_infer(g, NULL, 0, 1, &e), ST_OK);
    struct rep_event ev[2];
    memset(ev, 0, sizeof ev);
    for (int i = 0; i < 2; i++) {
        ev[i].prim = "eltwise";
        ev[i].problem = "4x32";
        ev[i].mds = ev[i].attrs = ev[i].aux = ev[i].src_tag = ev[i].dst_tag = "";
        ev[i].impl = "jit:avx512_core";
        ev[i].src_dt = ev[i].dst_dt = VB_DT_F32;
        ev[i].ts_ms = 1000.5 + i;
        ev[i].seq = 0;
    }
    mapper *m = map_new(g, NULL, &e);
    struct map_stats st;
    map_events(m, ev, 2, &st, &e);
    int r1 = graph_find(g, "r1"), r2 = graph_find(g, "r2");
    assert_int_equal(ev[0].node, r1); /* order alone */
    assert_true(ev[0].confidence < 1.0f); /* and it says it was a guess between look-alikes */
    struct map_node_time t[2] = {{r2, -1, 1000.0, 1001.0}, {r1, -1, 1001.0, 1002.0}};
    map_set_node_times(m, t, 2);
    map_events(m, ev, 2, &st, &e);
    assert_int_equal(ev[0].node, r2);
    assert_int_equal(ev[1].node, r1);
    assert_int_equal(st.unmapped, 0);
    map_free(m);
    graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sig_conv_eras),   cmocka_unit_test(test_sig_gemm_eras),
        cmocka_unit_test(test_sig_other),       cmocka_unit_test(test_markers),
        cmocka_unit_test(test_repeats),         cmocka_unit_test(test_real_onednn),
        cmocka_unit_test(test_real_onednn_cast), cmocka_unit_test(test_onednn3_lines),
        cmocka_unit_test(test_timestamps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
