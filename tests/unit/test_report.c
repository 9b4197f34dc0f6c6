/* test_report.c: the report of a run directory built from real oneDNN output.
 * The test runs the primitives a bf16 run of a small graph issues (a cast
 * reorder f32->bf16, a bf16 1-channel convolution with bias+relu post-ops,
 * the cast back, an f32 matmul, exp and softmax), with iteration markers,
 * into a temporary run directory with meta.json; an f32 baseline goes to
 * compare/. A hand-made AMP plan gives the reasons. Checked: headline
 * figures against the events, per-node rows, the diagnosis and its list
 * changes, JSON keys, the text layout, compare speedups, the truth check,
 * and the messages for a missing log and a newer run directory.
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* nftw */
#endif
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <oneapi/dnnl/dnnl.h>

#include "analyze/graph.h"
#include "analyze/report.h"
#include "analyze/rundir.h"
#include "render/report_text.h"

static const char *const graph_txt =
    "node { name: 'x' op: 'Placeholder' attr { key: 'dtype' value { type: DT_FLOAT } }\n"
    "  attr { key: 'shape' value { shape { dim { size: -1 } dim { size: 8 } dim { size: 8 } dim { size: 1 } } } } }\n"
    "node { name: 'w' op: 'Const' attr { key: 'dtype' value { type: DT_FLOAT } }\n"
    "  attr { key: 'value' value { tensor { dtype: DT_FLOAT tensor_shape { dim { size: 3 } dim { size: 3 } dim { size: 1 } dim { size: 16 } } float_val: 0.1 } } } }\n"
    "node { name: 'conv' op: 'Conv2D' input: 'x' input: 'w' attr { key: 'T' value { type: DT_FLOAT } }\n"
    "  attr { key: 'padding' value { s: 'SAME' } } attr { key: 'strides' value { list { i: 1 i: 1 i: 1 i: 1 } } } }\n"
    "node { name: 'b' op: 'Const' attr { key: 'dtype' value { type: DT_FLOAT } }\n"
    "  attr { key: 'value' value { tensor { dtype: DT_FLOAT tensor_shape { dim { size: 16 } } float_val: 0.1 } } } }\n"
    "node { name: 'bias' op: 'BiasAdd' input: 'conv' input: 'b' attr { key: 'T' value { type: DT_FLOAT } } }\n"
    "node { name: 'relu' op: 'Relu' input: 'bias' attr { key: 'T' value { type: DT_FLOAT } } }\n"
    "node { name: 'shp' op: 'Const' attr { key: 'dtype' value { type: DT_INT32 } }\n"
    "  attr { key: 'value' value { tensor { dtype: DT_INT32 tensor_shape { dim { size: 2 } } int_val: 2 int_val: 1024 } } } }\n"
    "node { name: 'flat' op: 'Reshape' input: 'relu' input: 'shp' attr { key: 'T' value { type: DT_FLOAT } } }\n"
    "node { name: 'w2' op: 'Const' attr { key: 'dtype' value { type: DT_FLOAT } }\n"
    "  attr { key: 'value' value { tensor { dtype: DT_FLOAT tensor_shape { dim { size: 1024 } dim { size: 10 } } float_val: 0.1 } } } }\n"
    "node { name: 'mm' op: 'MatMul' input: 'flat' input: 'w2' attr { key: 'T' value { type: DT_FLOAT } } }\n"
    "node { name: 'exp' op: 'Exp' input: 'mm' attr { key: 'T' value { type: DT_FLOAT } } }\n"
    "node { name: 'sm' op: 'Softmax' input: 'exp' attr { key: 'T' value { type: DT_FLOAT } } }\n";

#define CK(x)                                                                \
    do {                                                                     \
        dnnl_status_t s_ = (x);                                              \
        if (s_ != dnnl_success)                                              \
            fail_msg("%s: oneDNN status %d", #x, (int)s_);                   \
    } while (0)

static dnnl_engine_t eng;
static dnnl_stream_t strm;

static dnnl_memory_t mem(const dnnl_memory_desc_t *md)
{
    dnnl_memory_t m;
    CK(dnnl_memory_create(&m, md, eng, DNNL_MEMORY_ALLOCATE));
    return m;
}

static dnnl_primitive_t mk(const void *op_desc, const_dnnl_primitive_attr_t attr)
{
    dnnl_primitive_desc_t pd;
    CK(dnnl_primitive_desc_create(&pd, op_desc, attr, eng, NULL));
    dnnl_primitive_t p;
    CK(dnnl_primitive_create(&p, pd));
    dnnl_primitive_desc_destroy(pd);
    return p;
}

static dnnl_primitive_t reorder(const dnnl_memory_desc_t *a, const dnnl_memory_desc_t *b)
{
    dnnl_primitive_desc_t pd;
    CK(dnnl_reorder_primitive_desc_create(&pd, a, eng, b, eng, NULL));
    dnnl_primitive_t p;
    CK(dnnl_primitive_create(&p, pd));
    dnnl_primitive_desc_destroy(pd);
    return p;
}

static void run(dnnl_primitive_t p, int n, const dnnl_exec_arg_t *a)
{
    CK(dnnl_primitive_execute(p, strm, n, a));
    CK(dnnl_stream_wait(strm));
}

/* Writes dir/verbose.log: what oneDNN prints for `iters` iterations of the
 * graph, bf16 (with casts) or f32. */
static void write_run(const char *dir, bool bf16, int iters)
{
    char path[4200];
    rundir_path(dir, RUNDIR_VERBOSE, path, sizeof path);
    fflush(stdout);
    int saved = dup(STDOUT_FILENO);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0 && saved >= 0);
    dup2(fd, STDOUT_FILENO);
    close(fd);
    CK(dnnl_set_verbose(1));
    CK(dnnl_engine_create(&eng, dnnl_cpu, 0));
    CK(dnnl_stream_create(&strm, eng, dnnl_stream_default_flags));
    dnnl_data_type_t ct = bf16 ? dnnl_bf16 : dnnl_f32;
    dnnl_memory_desc_t x, xc, w, bia, y, yf, a, w2, o;
    dnnl_dims_t xd = {2, 1, 8, 8}, wd = {16, 1, 3, 3}, bd = {16}, yd = {2, 16, 8, 8};
    dnnl_dims_t ad = {2, 1024}, w2d = {1024, 10}, od = {2, 10};
    CK(dnnl_memory_desc_init_by_tag(&x, 4, xd, dnnl_f32, dnnl_nhwc));
    CK(dnnl_memory_desc_init_by_tag(&xc, 4, xd, ct, dnnl_nhwc));
    CK(dnnl_memory_desc_init_by_tag(&w, 4, wd, ct, dnnl_format_tag_any));
    CK(dnnl_memory_desc_init_by_tag(&bia, 1, bd, dnnl_f32, dnnl_a));
    CK(dnnl_memory_desc_init_by_tag(&y, 4, yd, ct, dnnl_nhwc));
    CK(dnnl_memory_desc_init_by_tag(&yf, 4, yd, dnnl_f32, dnnl_nhwc));
    CK(dnnl_memory_desc_init_by_tag(&a, 2, ad, dnnl_f32, dnnl_ab));
    CK(dnnl_memory_desc_init_by_tag(&w2, 2, w2d, dnnl_f32, dnnl_ab));
    CK(dnnl_memory_desc_init_by_tag(&o, 2, od, dnnl_f32, dnnl_ab));
    dnnl_convolution_desc_t cd;
    dnnl_dims_t s1 = {1, 1}, p1 = {1, 1};
    CK(dnnl_convolution_forward_desc_init(&cd, dnnl_forward_inference, dnnl_convolution_direct, &xc,
                                          &w, &bia, &y, s1, p1, p1));
    dnnl_primitive_attr_t at;
    CK(dnnl_primitive_attr_create(&at));
    dnnl_post_ops_t po;
    CK(dnnl_post_ops_create(&po));
    CK(dnnl_post_ops_append_eltwise(po, 1.f, dnnl_eltwise_relu, 0, 0));
    CK(dnnl_primitive_attr_set_post_ops(at, po));
    dnnl_primitive_desc_t cpd;
    CK(dnnl_primitive_desc_create(&cpd, &cd, at, eng, NULL));
    dnnl_primitive_t conv;
    CK(dnnl_primitive_create(&conv, cpd));
    const dnnl_memory_desc_t *wq = dnnl_primitive_desc_query_md(cpd, dnnl_query_weights_md, 0);
    dnnl_memory_t mx = mem(&x), mxc = mem(&xc), mw = mem(wq), mb = mem(&bia), my = mem(&y);
    dnnl_memory_t myf = mem(&yf), ma = mem(&a), mw2 = mem(&w2), mo = mem(&o);
    dnnl_primitive_t to_bf = reorder(&x, &xc), to_f = reorder(&y, &yf);
    dnnl_matmul_desc_t md;
    CK(dnnl_matmul_desc_init(&md, &a, &w2, NULL, &o));
    dnnl_primitive_t mm = mk(&md, NULL);
    dnnl_eltwise_desc_t ed;
    CK(dnnl_eltwise_forward_desc_init(&ed, dnnl_forward_inference, dnnl_eltwise_exp, &o, 0, 0));
    dnnl_primitive_t ex = mk(&ed, NULL);
    dnnl_softmax_v2_desc_t smd;
    CK(dnnl_softmax_v2_forward_desc_init(&smd, dnnl_forward_inference, dnnl_softmax_accurate, &o, &o, 1));
    dnnl_primitive_t sm = mk(&smd, NULL);
    for (int it = 0; it < iters; it++) {
        fflush(stdout);
        printf("ampscope_marker,iter,%d,begin,%.6f\n", it, 1e3 * it);
        fflush(stdout);
        if (bf16) {
            dnnl_exec_arg_t r1[2] = {{DNNL_ARG_FROM, mx}, {DNNL_ARG_TO, mxc}};
            run(to_bf, 2, r1);
        }
        dnnl_exec_arg_t ca[4] = {{DNNL_ARG_SRC, bf16 ? mxc : mx}, {DNNL_ARG_WEIGHTS, mw},
                                 {DNNL_ARG_BIAS, mb}, {DNNL_ARG_DST, my}};
        run(conv, 4, ca);
        if (bf16) {
            dnnl_exec_arg_t r2[2] = {{DNNL_ARG_FROM, my}, {DNNL_ARG_TO, myf}};
            run(to_f, 2, r2);
        }
        dnnl_exec_arg_t ma3[3] = {{DNNL_ARG_SRC, ma}, {DNNL_ARG_WEIGHTS, mw2}, {DNNL_ARG_DST, mo}};
        run(mm, 3, ma3);
        dnnl_exec_arg_t e2[2] = {{DNNL_ARG_SRC, mo}, {DNNL_ARG_DST, mo}};
        run(ex, 2, e2);
        run(sm, 2, e2);
        fflush(stdout);
        printf("ampscope_marker,iter,%d,end,%.6f\n", it, 1e3 * it + (bf16 ? 2.0 : 3.0));
    }
    fflush(stdout);
    dnnl_memory_t ms[] = {mx, mxc, mw, mb, my, myf, ma, mw2, mo};
    for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++)
        dnnl_memory_destroy(ms[i]);
    dnnl_primitive_t ps[] = {conv, to_bf, to_f, mm, ex, sm};
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++)
        dnnl_primitive_destroy(ps[i]);
    dnnl_primitive_desc_destroy(cpd);
    dnnl_post_ops_destroy(po);
    dnnl_primitive_attr_destroy(at);
    dnnl_stream_destroy(strm);
    dnnl_engine_destroy(eng);
    CK(dnnl_set_verbose(0));
    dup2(saved, STDOUT_FILENO);
    close(saved);
}

static void write_meta(const char *dir, const char *amp, int version)
{
    struct rundir_meta m;
    rundir_meta_init(&m);
    if (version)
        m.format_version = version;
    string_copy(m.status, "ok");
    string_copy(m.backend, "embedded");
    string_copy(m.amp, amp);
    string_copy(m.onednn_version, "2.6.3");
    string_copy(m.cpu_model, "test CPU");
    string_copy(m.cpu_flags, "avx512f avx512_bf16");
    struct err e;
    assert_int_equal(rundir_write_meta(dir, &m, &e), ST_OK);
}

static int rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *f)
{
    (void)sb, (void)flag, (void)f;
    return remove(p);
}

/* ---- fixture: graph, hand-made plan, run dir ---------------------------- */

struct fx {
    graph *g;
    amp_plan plan;
    struct amp_node_plan *np;
    struct amp_attr_paint attrs[8];
    struct amp_cast casts[2];
    int dst[2], dst_in[2];
    char dir[64];
    char cdir[128];
};

static void paint_node(struct fx *f, int k, const char *name, enum amp_list l, bool bf16,
                       const char *code, const char *cause)
{
    int n = graph_find(f->g, name);
    assert_true(n >= 0);
    f->np[n].bf16 = bf16;
    f->np[n].any_fp32_attr = true;
    f->np[n].reason_code = code;
    f->np[n].reason = code;
    f->np[n].cause_node = cause ? graph_find(f->g, cause) : -1;
    f->attrs[k].node = n;
    f->attrs[k].type_attr = "T";
    f->attrs[k].list = l;
    f->attrs[k].allow = bf16;
    f->attrs[k].reason_code = code;
    f->attrs[k].cause_node = f->np[n].cause_node;
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    struct err e = {0};
    f->g = graph_load_buffer(graph_txt, strlen(graph_txt), "report-test.pbtxt", NULL, &e);
    assert_non_null(f->g);
    assert_int_equal(graph_infer(f->g, NULL, 0, 2, &e), ST_OK);
    f->np = calloc((size_t)f->g->n_nodes, sizeof *f->np);
    for (int i = 0; i < f->g->n_nodes; i++)
        f->np[i].cause_node = -1;
    paint_node(f, 0, "conv", AMP_LIST_ALLOW, true, "allow", NULL);
    paint_node(f, 1, "bias", AMP_LIST_INFER, true, "infer_follows", "conv");
    paint_node(f, 2, "relu", AMP_LIST_INFER, true, "infer_follows", "conv");
    paint_node(f, 3, "mm", AMP_LIST_DENY, false, "deny", NULL);
    paint_node(f, 4, "exp", AMP_LIST_DENY, false, "deny", NULL);
    paint_node(f, 5, "sm", AMP_LIST_INFER, false, "deny_propagated", "exp");
    f->dst[0] = graph_find(f->g, "conv");
    f->dst[1] = graph_find(f->g, "flat");
    f->casts[0] = (struct amp_cast){.name = "x-0-CastToBf16-AutoMixedPrecision",
                                    .src_node = graph_find(f->g, "x"), .to_bf16 = true,
                                    .dst_nodes = &f->dst[0], .dst_inputs = &f->dst_in[0], .n_dst = 1,
                                    .counted = true, .src_name = "x", .src_op = "Placeholder"};
    f->casts[1] = (struct amp_cast){.name = "relu-0-CastToFp32-AutoMixedPrecision",
                                    .src_node = graph_find(f->g, "relu"), .to_bf16 = false,
                                    .dst_nodes = &f->dst[1], .dst_inputs = &f->dst_in[1], .n_dst = 1,
                                    .counted = true, .src_name = "relu", .src_op = "Relu"};
    f->plan.g = f->g;
    f->plan.attrs = f->attrs;
    f->plan.n_attrs = 6;
    f->plan.nodes = f->np;
    f->plan.casts = f->casts;
    f->plan.n_casts = 2;
    f->plan.converted = 3;
    f->plan.total = 14;
    f->plan.counted_casts = 2;
    f->plan.tf_version = "2.19";
    string_copy(f->plan.summary, "Converted 3/14 nodes to bfloat16 precision using 2 cast(s) to bfloat16 "
                                 "(excluding Const and Variable casts)");
    strcpy(f->dir, "/tmp/ampscope-test-report-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    write_run(f->dir, true, 3);
    write_meta(f->dir, "on", 0);
    snprintf(f->cdir, sizeof f->cdir, "%s/%s", f->dir, RUNDIR_COMPARE);
    mkdir(f->cdir, 0755);
    write_run(f->cdir, false, 3);
    write_meta(f->cdir, "off", 0);
    /* the truth a backend would have written */
    char path[200];
    rundir_path(f->dir, RUNDIR_TRUTH, path, sizeof path);
    FILE *t = fopen(path, "w");
    assert_non_null(t);
    fprintf(t, "# exec_index\tnode\trole\n");
    for (int it = 0; it < 3; it++) {
        int b = it * 6;
        fprintf(t, "%d\t%s\tcast\n", b, f->casts[0].name);
        fprintf(t, "%d\tconv\tcompute\n", b + 1);
        fprintf(t, "%d\t%s\tcast\n", b + 2, f->casts[1].name);
        fprintf(t, "%d\tmm\tcompute\n%d\texp\tcompute\n%d\tsm\tcompute\n", b + 3, b + 4, b + 5);
    }
    fclose(t);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    nftw(f->dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
    free(f->np);
    graph_free(f->g);
    free(f);
    return 0;
}

static const struct rep_node *node_row(const struct report *r, const char *name)
{
    for (int i = 0; i < r->n_nodes; i++)
        if (!strcmp(r->nodes[i].name, name))
            return &r->nodes[i];
    fail_msg("no row for %s", name);
    return NULL;
}

static const struct rep_why *why_of(const struct report *r, const char *name)
{
    for (int i = 0; i < r->n_whys; i++)
        if (r->whys[i].node >= 0 && !strcmp(r->g->nodes[r->whys[i].node].name, name))
            return &r->whys[i];
    return NULL;
}

static void test_headline(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    struct report_opts o = {0};
    o.compare_dir = ""; /* the compare test looks at compare/ */
    struct report *r = report_from_rundir(f->dir, f->g, &f->plan, &o, &e);
    assert_non_null(r);
    assert_int_equal(r->n_exec_total, 18);
    assert_int_equal(r->iterations, 3);
    assert_true(r->iterations_from_markers);
    assert_int_equal(r->unmapped_events, 0);
    assert_int_equal(r->cast_count, 2);
    assert_string_equal(r->backend, "embedded");
    assert_true(r->cpu_known);
    assert_false(r->cpu_has_amx);
    /* the shares agree with the events themselves */
    double compute = 0, bf16 = 0, cast = 0, total = 0;
    for (long i = 0; i < r->n_events; i++) {
        const struct rep_event *ev = &r->events[i];
        total += ev->time_ms;
        if (!strcmp(ev->prim, "reorder")) {
            cast += ev->time_ms;
            assert_int_equal(ev->iteration, (int)(i / 6));
            continue;
        }
        compute += ev->time_ms;
        if (ev->src_dt == VB_DT_BF16)
            bf16 += ev->time_ms;
    }
    assert_true(fabs(r->bf16_share - bf16 / compute) < 1e-9);
    assert_true(fabs(r->cast_ms - cast / 3) < 1e-9);
    assert_true(fabs(r->prim_ms_per_iter - total / 3) < 1e-9);
    assert_true(fabs(r->wall_ms_per_iter - 2.0) < 1e-6);
    assert_true(r->amx_share == 0.0);
    /* rows */
    const struct rep_node *conv = node_row(r, "conv");
    assert_string_equal(conv->planned, "bf16");
    assert_string_equal(conv->executed_dtype, "bf16");
    assert_int_equal(conv->n_casts, 1);
    assert_int_equal(conv->ic, 1);
    assert_true(strlen(conv->impl) > 0);
    const struct rep_node *relu = node_row(r, "relu");
    assert_non_null(relu->fused_into);
    assert_string_equal(relu->fused_into, "conv");
    assert_string_equal(relu->executed_dtype, "bf16");
    const struct rep_node *mm = node_row(r, "mm");
    assert_string_equal(mm->planned, "fp32");
    assert_string_equal(mm->executed_dtype, "f32");
    /* the cast back to f32 feeds flat (a view) and is counted there */
    assert_int_equal(node_row(r, "flat")->n_casts, 1);
    double sum = 0;
    for (int i = 0; i < r->n_nodes; i++)
        sum += r->nodes[i].share;
    assert_true(fabs(sum - 1.0) < 1e-6);
    report_free(r);
}

static void test_diagnosis(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    struct report_opts o = {0};
    o.compare_dir = "";
    struct report *r = report_from_rundir(f->dir, f->g, &f->plan, &o, &e);
    assert_non_null(r);
    const struct rep_why *w = why_of(r, "mm");
    assert_non_null(w);
    assert_string_equal(w->code, "deny");
    assert_non_null(strstr(w->fix, "--deny-remove MatMul --allow-add MatMul"));
    assert_non_null(strstr(w->fix, "TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_DENYLIST_REMOVE=MatMul"));
    assert_non_null(strstr(w->fix, "TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_ALLOWLIST_ADD=MatMul"));
    w = why_of(r, "sm");
    assert_non_null(w);
    assert_string_equal(w->code, "deny_propagated");
    assert_non_null(strstr(w->text, "exp"));
    assert_non_null(strstr(w->fix, "--deny-remove Exp --infer-add Exp"));
    /* this CPU (per meta) has no AMX: one note, no per-node blame */
    bool no_amx = false;
    for (int i = 0; i < r->n_whys; i++)
        if (!strcmp(r->whys[i].code, "no_amx_cpu"))
            no_amx = true;
    assert_true(no_amx);
    report_free(r);

    /* the same evidence from a machine with AMX: the 1-channel conv is too small for tiles */
    o.cpu_has_amx_known = true;
    o.cpu_has_amx = true;
    r = report_from_rundir(f->dir, f->g, &f->plan, &o, &e);
    assert_non_null(r);
    w = why_of(r, "conv");
    if (node_row(r, "conv")->isa != VB_ISA_AMX) {
        assert_non_null(w);
        assert_string_equal(w->code, "small_channels");
        assert_null(w->fix);
    }
    report_free(r);

    /* AMP off: the reason is the run, not the lists */
    char dir2[128];
    snprintf(dir2, sizeof dir2, "%s/%s", f->dir, RUNDIR_COMPARE);
    o.cpu_has_amx_known = false;
    r = report_from_rundir(dir2, f->g, &f->plan, &o, &e);
    assert_non_null(r);
    w = why_of(r, "conv");
    assert_non_null(w);
    assert_string_equal(w->code, "amp_off");
    report_free(r);
}

static void test_json_text(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    struct report *r = report_from_rundir(f->dir, f->g, &f->plan, NULL, &e);
    assert_non_null(r);
    struct abuf b;
    abuf_init(&b);
    report_json(r, &b);
    static const char *const keys[] = {
        "\"run_dir\":", "\"backend\":\"embedded\"", "\"iterations\":3", "\"bf16_share\":",
        "\"amx_share\":0", "\"casts\":{\"count\":2,\"time_ms\":", "\"unmapped_events\":0",
        "\"nodes\":{", "\"conv\":{\"op\":\"Conv2D\",\"planned\":\"bf16\",\"executed_dtype\":\"bf16\"",
        "\"isa\":", "\"impl\":", "\"time_ms\":", "\"compare\":{\"speedup\":", "\"speedup\":",
        "\"diagnosis\":[", "\"fused_into\":\"conv\""};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (!strstr(b.data, keys[i]))
            fail_msg("JSON lacks %s:\n%s", keys[i], b.data);
    /* balanced, no trailing commas */
    int depth = 0;
    bool in_str = false;
    for (const char *p = b.data; *p; p++) {
        if (in_str) {
            if (*p == '\\')
                p++;
            else if (*p == '"')
                in_str = false;
            continue;
        }
        if (*p == '"')
            in_str = true;
        else if (*p == '{' || *p == '[')
            depth++;
        else if (*p == '}' || *p == ']') {
            depth--;
            assert_true(p[-1] != ',');
        }
    }
    assert_int_equal(depth, 0);
    abuf_done(&b);

    abuf_init(&b);
    rep_text_render(r, &b, false, 0);
    assert_non_null(strstr(b.data, "bf16 share"));
    assert_non_null(strstr(b.data, "(this CPU has no AMX)"));
    assert_non_null(strstr(b.data, "2 per iteration"));
    assert_non_null(strstr(b.data, "speedup over f32"));
    assert_non_null(strstr(b.data, "why not bf16 on AMX"));
    assert_non_null(strstr(b.data, "change: --deny-remove MatMul --allow-add MatMul"));
    assert_null(strstr(b.data, "\033[")); /* no colour when not asked */
    /* the table is aligned: "planned" column at the same offset in every row */
    const char *hdr = strstr(b.data, "\nnode");
    assert_non_null(hdr);
    int col = (int)(strstr(hdr, "planned") - hdr);
    const char *row = strstr(hdr + 1, "\n");
    for (int i = 0; i < r->n_nodes; i++) {
        const char *next = strchr(row + 1, '\n');
        assert_non_null(next);
        const char *pl = row + col;
        assert_true(!strncmp(pl, "bf16", 4) || !strncmp(pl, "fp32", 4) || !strncmp(pl, "-", 1));
        row = next;
    }
    abuf_done(&b);
    abuf_init(&b);
    rep_text_render(r, &b, true, 2);
    assert_non_null(strstr(b.data, "\033["));
    assert_non_null(strstr(b.data, "more nodes"));
    abuf_done(&b);
    assert_true(r->compare_speedup > 0);
    assert_true(node_row(r, "conv")->speedup > 0);
    report_free(r);
}

static void test_truth(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    struct report_opts o = {0};
    struct report *r = report_from_rundir(f->dir, f->g, &f->plan, &o, &e);
    assert_non_null(r);
    struct rep_truth_check tc;
    assert_int_equal(report_truth_check(r, f->dir, &tc, &e), ST_OK);
    if (tc.agree != tc.total)
        fail_msg("%s", tc.first_diff);
    assert_int_equal(tc.total, 18);
    assert_int_equal(tc.role_agree, 18);
    assert_int_equal(tc.missing, 0);
    report_free(r);
    o.use_truth = true;
    r = report_from_rundir(f->dir, f->g, &f->plan, &o, &e);
    assert_non_null(r);
    assert_true(r->used_truth);
    assert_int_equal(r->unmapped_events, 0);
    assert_string_equal(rep_event_target(r, &r->events[0]), f->casts[0].name);
    report_free(r);
}

static void test_bad_dirs(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    char d[128];
    snprintf(d, sizeof d, "%s/empty", f->dir);
    mkdir(d, 0755);
    assert_null(report_from_rundir(d, f->g, NULL, NULL, &e));
    assert_non_null(strstr(e.msg, "verbose.log"));
    write_meta(d, "on", RUNDIR_FORMAT_VERSION + 1);
    memset(&e, 0, sizeof e);
    assert_null(report_from_rundir(d, f->g, NULL, NULL, &e));
    assert_non_null(strstr(e.msg, "newer"));
    /* a damaged truth file names the line */
    char p[200];
    snprintf(d, sizeof d, "%s/badtruth", f->dir);
    mkdir(d, 0755);
    write_run(d, false, 1);
    rundir_path(d, RUNDIR_TRUTH, p, sizeof p);
    FILE *t = fopen(p, "w");
    fputs("0\tconv\n", t);
    fclose(t);
    struct report_opts o = {0};
    o.use_truth = true;
    assert_null(report_from_rundir(d, f->g, NULL, &o, &e));
    assert_int_equal(e.line, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_headline), cmocka_unit_test(test_diagnosis),
        cmocka_unit_test(test_json_text), cmocka_unit_test(test_truth),
        cmocka_unit_test(test_bad_dirs),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
