/* test_logs_summary.c: cmocka suite for the `ampscope logs` aggregation and
 * formatting (logs/summary.h) on a log whose totals are known by
 * construction: exec/create counts and times, breakdowns, reorders split into
 * layout changes, conversions and f32<->bf16 casts, the bf16 and AMX shares,
 * the header facts, the AMP part, and the text and JSON renderings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logs/amplog.h"
#include "logs/summary.h"
#include "logs/verbose.h"

static const char *LOG =
    "onednn_verbose,info,oneDNN v2.6.3 (commit N/A)\n"
    "onednn_verbose,info,cpu,runtime:OpenMP,nthr:2\n"
    "onednn_verbose,info,cpu,isa:Intel AVX-512 with Intel DL Boost and bfloat16 support\n"
    "onednn_verbose,info,gpu,runtime:none\n"
    "2022-08-19 00:06:08.735706: I tensorflow/core/grappler/optimizers/auto_mixed_precision.cc:2303] "
    "Running auto_mixed_precision_onednn_bfloat16 graph optimizer\n"
    "2022-08-19 00:06:08.740000: I tensorflow/core/grappler/optimizers/auto_mixed_precision.cc:2240] "
    "Converted 3/11 nodes to bfloat16 precision using 2 cast(s) to bfloat16 (excluding Const and "
    "Variable casts)\n"
    "onednn_verbose,create:cache_miss,cpu,convolution,brgconv:avx512_core_amx_bf16,forward_inference,"
    "src_bf16::blocked:acdb:f0 wei_bf16::blocked:AcdB32a2b:f0 bia_f32::blocked:a:f0 "
    "dst_bf16::blocked:acdb:f0,,alg:convolution_direct,mb1_ic16oc32_ih14oh14kh3sh1dh0ph1_iw14ow14kw3sw1dw0pw1,2\n"
    "onednn_verbose,exec,cpu,convolution,brgconv:avx512_core_amx_bf16,forward_inference,"
    "src_bf16::blocked:acdb:f0 wei_bf16::blocked:AcdB32a2b:f0 bia_f32::blocked:a:f0 "
    "dst_bf16::blocked:acdb:f0,,alg:convolution_direct,mb1_ic16oc32_ih14oh14kh3sh1dh0ph1_iw14ow14kw3sw1dw0pw1,1.5\n"
    "step 1\n"
    "onednn_verbose,exec,cpu,convolution,brgconv:avx512_core_amx_bf16,forward_inference,"
    "src_bf16::blocked:acdb:f0 wei_bf16::blocked:AcdB32a2b:f0 bia_f32::blocked:a:f0 "
    "dst_bf16::blocked:acdb:f0,,alg:convolution_direct,mb1_ic16oc32_ih14oh14kh3sh1dh0ph1_iw14ow14kw3sw1dw0pw1,1.5\n"
    "onednn_verbose,exec,cpu,matmul,brg:avx512_core,undef,src_f32::blocked:ab:f0 "
    "wei_f32::blocked:ab:f0 dst_f32::blocked:ab:f0,attr-fpmath:bf16 ,,64x128:128x96:64x96,1\n"
    "onednn_verbose,exec,cpu,reorder,jit:uni,undef,src_f32::blocked:abcd:f0 "
    "dst_bf16::blocked:abcd:f0,,,2x32x8x8,0.5\n"
    "onednn_verbose,exec,cpu,reorder,jit:uni,undef,src_bf16::blocked:abcd:f0 "
    "dst_f32::blocked:abcd:f0,,,2x32x8x8,0.25\n"
    "onednn_verbose,exec,cpu,reorder,jit:blk,undef,src_f32::blocked:abcd:f0 "
    "dst_f32::blocked:aBcd16b:f0,,,2x32x8x8,0.125\n"
    "onednn_verbose,exec,cpu,reorder,simple:any,undef,src_s8::blocked:ab:f0 "
    "dst_f32::blocked:ab:f0,,,16x16,0.0625\n"
    "onednn_verbose,exec,cpu,reorder,jit:uni,undef,src_f32::blocked:abcd:f0 "
    "dst_bf16::blocked:abcd:f0,,,2x32x8x8\n" /* cut: unparsed */
    "onednn_verbose,primitive,error,ocl,errcode -5,CL_OUT_OF_RESOURCES,src/x.cpp:1\n";

/* samples and decisions point into the reader and the amp_log: the last
 * ones are kept alive until the next summarise() or the end of main. */
static vb_reader *keep_r;
static amp_log *keep_a;

static struct lsum *summarise(const char *text)
{
    struct lsum *s = lsum_new();
    amp_log *a = amp_log_new();
    struct vb_sink sink = {s, lsum_sink_event, NULL};
    vb_reader *r = vb_reader_new(&sink);
    assert_int_equal(vb_reader_feed(r, text, strlen(text)), ST_OK);
    assert_int_equal(vb_reader_finish(r), ST_OK);
    /* AMP lines: fed separately here (the CLI wires the `other` callback) */
    const char *p = text;
    long n = 0;
    while (*p) {
        size_t k = strcspn(p, "\n");
        amp_log_line(a, p, k, ++n);
        p += k + (p[k] == '\n');
    }
    lsum_finish(s, r, a);
    vb_reader_free(keep_r);
    amp_log_free(keep_a);
    keep_r = r;
    keep_a = a;
    return s;
}

static const struct lsum_row *row(const struct lsum_row *rows, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(rows[i].name, name))
            return &rows[i];
    fail_msg("no row '%s'", name);
    return NULL;
}

static void test_totals(void **state)
{
    (void)state;
    struct lsum *s = summarise(LOG);
    assert_int_equal(s->counts.lines, 17);
    assert_int_equal(s->counts.verbose_lines, 13);
    assert_int_equal(s->counts.other_lines, 3);
    assert_int_equal(s->counts.unparsed, 1);
    assert_int_equal(s->n_samples, 1);
    assert_string_equal(s->onednn_version, "2.6.3");
    assert_string_equal(s->runtime, "OpenMP,nthr:2");
    assert_string_equal(s->cpu_isa, "Intel AVX-512 with Intel DL Boost and bfloat16 support");
    assert_string_equal(s->gpu_runtime, "none");
    assert_int_equal(s->exec.count, 7);
    assert_true(fabs(s->exec.time_ms - 4.9375) < 1e-9);
    assert_int_equal(s->create.count, 1);
    assert_int_equal(s->create_cache_hits, 0);
    assert_true(fabs(s->create.time_ms - 2) < 1e-9);
    assert_int_equal(s->nonreorder.count, 3);
    assert_true(fabs(s->nonreorder.time_ms - 4) < 1e-9);
    assert_true(fabs(s->bf16_share - 0.75) < 1e-9);
    assert_true(fabs(s->amx_share - 0.75) < 1e-9);
    assert_int_equal(s->fpmath_bf16.count, 1);
    assert_int_equal(s->casts.count, 2);
    assert_true(fabs(s->casts.time_ms - 0.75) < 1e-9);
    assert_int_equal(s->reorder_convert.count, 3);
    assert_true(fabs(s->reorder_convert.time_ms - 0.8125) < 1e-9);
    assert_int_equal(s->reorder_layout.count, 1);
    assert_true(fabs(s->reorder_layout.time_ms - 0.125) < 1e-9);
    assert_int_equal(s->kinds[VB_ERROR], 1);
    assert_string_equal(s->first_error, "errcode -5,CL_OUT_OF_RESOURCES,src/x.cpp:1");
    /* breakdowns */
    assert_int_equal(s->n_prim, 3);
    assert_string_equal(s->by_prim[0].name, "convolution"); /* sorted by time */
    assert_int_equal(row(s->by_prim, s->n_prim, "reorder")->count, 4);
    assert_int_equal(row(s->by_prim, s->n_prim, "matmul")->count, 1);
    assert_int_equal(s->by_isa[VB_ISA_AMX].count, 2);
    assert_true(fabs(s->by_isa[VB_ISA_AMX].time_ms - 3) < 1e-9);
    assert_int_equal(s->by_isa[VB_ISA_AVX512].count, 1);
    assert_int_equal(s->by_dtype[VB_DT_BF16].count, 3);
    assert_int_equal(s->by_dtype[VB_DT_F32].count, 3);
    assert_int_equal(s->by_dtype[VB_DT_S8].count, 1);
    assert_int_equal(row(s->by_impl, s->n_impl, "jit:uni")->count, 2);
    assert_int_equal(s->n_shapes, 6);
    assert_string_equal(s->shapes[0].prim, "convolution");
    assert_int_equal(s->shapes[0].count, 2);
    assert_int_equal(s->shapes[0].isa, VB_ISA_AMX);
    assert_int_equal(s->shapes[0].src_dt, VB_DT_BF16);
    /* AMP */
    assert_true(s->has_amp);
    assert_int_equal(s->amp.passes_run, 1);
    assert_int_equal(s->amp.converted, 3);
    assert_int_equal(s->amp.total, 11);
    assert_int_equal(s->amp.casts, 2);
    lsum_free(s);
}

static void test_text_and_json(void **state)
{
    (void)state;
    struct lsum *s = summarise(LOG);
    struct lsum_fmt o = {.top = 3, .verbose = true, .color = false};
    struct abuf b;
    abuf_init(&b);
    lsum_format_text(s, &o, &b);
    assert_null(strchr(b.data, '\033')); /* no colour unless asked */
    assert_non_null(strstr(b.data, "bf16 share   75.0%"));
    assert_non_null(strstr(b.data, "AMX share    75.0%"));
    assert_non_null(strstr(b.data, "2.6.3"));
    assert_non_null(strstr(b.data, "converted         3/11 nodes using 2 cast(s)"));
    assert_non_null(strstr(b.data, "... 3 more shapes"));
    assert_non_null(strstr(b.data, ",2x32x8x8")); /* --verbose shows the unparsed sample */
    abuf_done(&b);
    abuf_init(&b);
    o.color = true;
    lsum_format_text(s, &o, &b);
    assert_non_null(strchr(b.data, '\033'));
    abuf_done(&b);

    abuf_init(&b);
    lsum_format_json(s, &o, &b);
    const char *want[] = {
        "\"lines\":17,", "\"verbose_lines\":13,", "\"exec\":{\"count\":7,\"time_ms\":4.9375}",
        "\"create\":{\"count\":1,\"time_ms\":2}",
        "\"by_primitive\":{\"convolution\":{\"count\":2,\"time_ms\":3}",
        "\"amx\":{\"count\":2,\"time_ms\":3}", "\"bf16\":{\"count\":3,",
        "\"casts\":{\"count\":2,\"time_ms\":0.75}", "\"bf16_share\":0.75", "\"amx_share\":0.75",
        "\"onednn_version\":\"2.6.3\"", "\"amp\":{\"passes_run\":1,\"converted\":3,\"total\":11,",
        "\"reorders\":{\"layout\":{\"count\":1,\"time_ms\":0.125},\"convert\":{\"count\":3,",
        "\"unparsed_lines\":1,", "\"timestamps\":null",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (!strstr(b.data, want[i]))
            fail_msg("JSON lacks %s:\n%s", want[i], b.data);
    /* balanced braces and brackets, one line */
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
        else if (*p == '}' || *p == ']')
            depth--;
        assert_true(depth >= 0);
    }
    assert_int_equal(depth, 0);
    abuf_done(&b);
    lsum_free(s);
}

static void test_empty_and_no_time(void **state)
{
    (void)state;
    struct lsum *s = summarise("just program output\nnothing else\n");
    assert_int_equal(s->counts.verbose_lines, 0);
    assert_true(isnan(s->bf16_share));
    assert_true(isnan(s->amx_share));
    assert_false(s->has_amp);
    struct lsum_fmt o = {0};
    struct abuf b;
    abuf_init(&b);
    lsum_format_text(s, &o, &b);
    assert_non_null(strstr(b.data, "no header line"));
    abuf_done(&b);
    abuf_init(&b);
    lsum_format_json(s, &o, &b);
    assert_non_null(strstr(b.data, "\"bf16_share\":null"));
    assert_non_null(strstr(b.data, "\"onednn_version\":null"));
    assert_non_null(strstr(b.data, "\"amp\":null"));
    abuf_done(&b);
    lsum_free(s);
    /* cache hits among creations (3.x API-type lines) */
    s = summarise("onednn_verbose,primitive,create:cache_hit,cpu,reorder,jit:uni,undef,"
                  "src_f32::blocked:ab::f0 dst_f32::blocked:ab::f0,,,2x2,0.01\n"
                  "onednn_verbose,primitive,create:cache_miss,cpu,reorder,jit:uni,undef,"
                  "src_f32::blocked:ab::f0 dst_f32::blocked:ab::f0,,,2x2,0.02\n");
    assert_int_equal(s->create.count, 2);
    assert_int_equal(s->create_cache_hits, 1);
    lsum_free(s);
    /* GPU records without time: shares by count */
    s = summarise("dnnl_verbose,exec,gpu,convolution,ocl:gen9:blocked,forward_inference,"
                  "src_bf16::blocked:aBcd16b:f0 wei_bf16::blocked:ABcd8b16a2b:f0 "
                  "bia_f32::blocked:a:f0 dst_bf16::blocked:aBcd16b:f0,,alg:convolution_direct,"
                  "mb1_ic16oc16_ih7oh7kh3sh1dh0ph1_iw7ow7kw3sw1dw0pw1\n"
                  "dnnl_verbose,exec,gpu,eltwise,ocl:ref:any,forward_inference,"
                  "data_f32::blocked:abcd:f0,,alg:eltwise_relu alpha:0 beta:0,1x16x7x7\n");
    assert_int_equal(s->exec.count, 2);
    assert_int_equal(s->exec_untimed, 2);
    assert_true(fabs(s->bf16_share - 0.5) < 1e-9);
    assert_int_equal(s->by_isa[VB_ISA_GPU].count, 2);
    lsum_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_totals),
        cmocka_unit_test(test_text_and_json),
        cmocka_unit_test(test_empty_and_no_time),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    vb_reader_free(keep_r);
    amp_log_free(keep_a);
    return rc;
}
