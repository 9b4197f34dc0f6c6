/* test_logs_parse.c: cmocka suite for the verbose line parser and streaming
 * (logs/verbose.h) on hand-written lines: one per era and shape, and one per
 * gotcha of a single line (glued records, leading whitespace/backtick, %g
 * exponents, `#` fields, decimal commas, quotes), and the ISA names. The
 * streaming reader's gotchas are in test_logs_reader.c.
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
#include <unistd.h>
#include <zlib.h>

#include "logs/verbose.h"

/* ---- helpers ------------------------------------------------------------ */

static vb_reader *R;

static int setup(void **state)
{
    (void)state;
    R = vb_reader_new(NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    vb_reader_free(R);
    R = NULL;
    return 0;
}

static int parse(const char *line, struct vb_event *ev)
{
    return vb_parse_line(R, line, strlen(line), ev);
}

#include "logs_cap.h"

/* ---- eras --------------------------------------------------------------- */

static void test_v0x_no_engine(void **state)
{
    (void)state;
    struct vb_event ev;
    assert_int_equal(parse("mkldnn_verbose,exec,convolution,jit:avx2,forward_training,fsrc:nChw8c "
                           "fwei:OIhw8i8o fbia:x fdst:nChw8c,alg:convolution_direct,"
                           "mb2_ic16oc16_ih7oh7kh5sh1dh0ph2_iw7ow7kw5sw1dw0pw2,0.0241699",
                           &ev),
                     1);
    assert_int_equal(ev.kind, VB_EXEC);
    assert_string_equal(ev.marker, "mkldnn_verbose");
    assert_string_equal(ev.op, "exec");
    assert_string_equal(ev.engine, "");
    assert_string_equal(ev.prim, "convolution");
    assert_string_equal(ev.impl, "jit:avx2");
    assert_int_equal(ev.isa, VB_ISA_AVX2);
    assert_string_equal(ev.prop, "forward_training");
    assert_string_equal(ev.attrs, "");
    assert_string_equal(ev.aux, "alg:convolution_direct");
    assert_string_equal(ev.problem, "mb2_ic16oc16_ih7oh7kh5sh1dh0ph2_iw7ow7kw5sw1dw0pw2");
    assert_int_equal(ev.n_md, 4);
    assert_string_equal(ev.md[0].arg, "src");
    assert_string_equal(ev.md[0].tag, "nChw8c");
    assert_int_equal(ev.md[0].dt, VB_DT_UNDEF);
    assert_string_equal(ev.md[1].arg, "wei");
    assert_string_equal(ev.md[3].arg, "dst");
    assert_true(fabs(ev.time_ms - 0.0241699) < 1e-9);
    assert_true(isnan(ev.ts_ms));

    assert_int_equal(parse("mkldnn_verbose,exec,reorder,jit:uni,undef,in:f32_nchw out:f32_nChw8c,"
                           "num:1,2x16x7x7,0.529053",
                           &ev),
                     1);
    assert_string_equal(ev.prim, "reorder");
    assert_int_equal(ev.n_md, 2);
    assert_string_equal(ev.md[0].arg, "src");
    assert_int_equal(ev.md[0].dt, VB_DT_F32);
    assert_string_equal(ev.md[0].tag, "nchw");
    assert_string_equal(ev.md[1].arg, "dst");
    assert_string_equal(ev.md[1].tag, "nChw8c");
    assert_int_equal(ev.src_dt, VB_DT_F32);
    assert_int_equal(ev.dst_dt, VB_DT_F32);
    assert_string_equal(ev.aux, "num:1");
    assert_string_equal(ev.problem, "2x16x7x7");
}

static void test_v10_engine_no_attrs(void **state)
{
    (void)state;
    struct vb_event ev;
    assert_int_equal(parse("mkldnn_verbose,exec,cpu,inner_product,gemm:jit,forward_inference,"
                           "src_f32::blocked:ab:f0 wei_f32::blocked:ab:f0 bia_f32::blocked:a:f0 "
                           "dst_f32::blocked:ab:f0,,mb100000000ic43oc43,760.226",
                           &ev),
                     1);
    assert_string_equal(ev.engine, "cpu");
    assert_string_equal(ev.prim, "inner_product");
    assert_int_equal(ev.isa, VB_ISA_GEMM);
    assert_string_equal(ev.attrs, "");
    assert_string_equal(ev.aux, "");
    assert_string_equal(ev.problem, "mb100000000ic43oc43");
    assert_int_equal(ev.n_md, 4);
    assert_string_equal(ev.md[2].arg, "bia");
    assert_string_equal(ev.md[2].kind, "blocked");
    assert_string_equal(ev.md[2].tag, "a");
    assert_true(fabs(ev.time_ms - 760.226) < 1e-9);
    /* v0.95/1.0 shape under the dnnl_verbose marker (aux num:1, no attrs) */
    assert_int_equal(parse("dnnl_verbose,exec,cpu,reorder,jit:uni,undef,src_f32::blocked:abcd:f0 "
                           "dst_f32::blocked:aBcd8b:f0,num:1,2x16x7x7,0.468994",
                           &ev),
                     1);
    assert_string_equal(ev.aux, "num:1");
    assert_string_equal(ev.attrs, "");
    assert_string_equal(ev.problem, "2x16x7x7");
}

static void test_v1x_create_and_ts(void **state)
{
    (void)state;
    struct vb_event ev;
    assert_int_equal(parse("dnnl_verbose,create:cache_miss,cpu,convolution,jit:avx512_common,"
                           "forward_inference,src_f32::blocked:abcd:f0 wei_f32::blocked:Acdb16a:f0 "
                           "bia_undef::undef::f0 dst_f32::blocked:aBcd16b:f0,,alg:convolution_direct,"
                           "mb1_ic3oc64_ih224oh112kh7sh2dh0ph3_iw224ow112kw7sw2dw0pw3,0.573975",
                           &ev),
                     1);
    assert_int_equal(ev.kind, VB_CREATE);
    assert_string_equal(ev.op, "create:cache_miss");
    assert_string_equal(ev.marker, "dnnl_verbose");
    assert_int_equal(ev.isa, VB_ISA_AVX512);
    assert_string_equal(ev.md[1].tag, "Acdb16a");
    assert_int_equal(ev.md[2].dt, VB_DT_UNDEF);
    assert_string_equal(ev.md[2].kind, "undef");
    assert_string_equal(ev.md[2].tag, "");
    assert_int_equal(parse("dnnl_verbose,1607393146348.667969,exec,cpu,reorder,jit:blk,undef,"
                           "src_f32::blocked:abcd:f0 dst_f32::blocked:aBcd8b:f0,,,2x16x7x7,3.58594",
                           &ev),
                     1);
    assert_int_equal(ev.kind, VB_EXEC);
    assert_true(fabs(ev.ts_ms - 1607393146348.667969) < 1e-3);
    assert_true(fabs(ev.time_ms - 3.58594) < 1e-9);
    assert_string_equal(ev.problem, "2x16x7x7");
    /* 1.x quoted-style attributes */
    assert_int_equal(parse("dnnl_verbose,exec,cpu,convolution,jit:avx2,forward_inference,"
                           "src_f32::blocked:aBcd8b:f0 wei_f32::blocked:OIhw8i8o:f0 "
                           "bia_f32::blocked:a:f0 dst_f32::blocked:aBcd8b:f0,"
                           "post_ops:'eltwise_relu;';,alg:convolution_direct,mb1_ic8oc8_ih5oh5kh3sh1dh0ph1_iw5ow5kw3sw1dw0pw1,0.02",
                           &ev),
                     1);
    assert_string_equal(ev.attrs, "post_ops:'eltwise_relu;';");
}

static void test_v26_onednn(void **state)
{
    (void)state;
    struct vb_event ev;
    assert_int_equal(parse("onednn_verbose,exec,cpu,inner_product,brgemm:avx512_core,forward_inference,"
                           "src_f32::blocked:ab:f0 wei_f32::blocked:AB16b64a:f0 bia_f32::blocked:a:f0 "
                           "dst_f32::blocked:ab:f0,attr-scratchpad:user attr-post-ops:eltwise_relu ,,"
                           "mb200ic15680oc512,28.6951",
                           &ev),
                     1);
    assert_string_equal(ev.marker, "onednn_verbose");
    assert_string_equal(ev.api, "");
    assert_string_equal(ev.attrs, "attr-scratchpad:user attr-post-ops:eltwise_relu");
    assert_string_equal(ev.aux, "");
    assert_string_equal(ev.problem, "mb200ic15680oc512");
    assert_int_equal(ev.isa, VB_ISA_AVX512);
    /* pooling_v2 / softmax_v2 are normalised */
    assert_int_equal(parse("onednn_verbose,exec,cpu,pooling_v2,jit:avx512_core,forward_inference,"
                           "src_bf16::blocked:abcd:f0 dst_bf16::blocked:abcd:f0 ws_undef::undef::f0,,"
                           "alg:pooling_max,mb1ic32_ih14oh7kh2sh2dh0ph0_iw14ow7kw2sw2dw0pw0,0.0290527",
                           &ev),
                     1);
    assert_string_equal(ev.prim, "pooling");
    assert_int_equal(ev.src_dt, VB_DT_BF16);
    assert_int_equal(parse("onednn_verbose,exec,cpu,softmax_v2,jit:avx512_core,forward_inference,"
                           "src_f32::blocked:ab:f0 dst_f32::blocked:ab:f0,,alg:softmax_accurate "
                           "axis:1,8x1000,0.0119629",
                           &ev),
                     1);
    assert_string_equal(ev.prim, "softmax");
    assert_string_equal(ev.aux, "alg:softmax_accurate axis:1");
    /* eltwise: the data md is the source and the destination */
    assert_int_equal(parse("onednn_verbose,exec,cpu,eltwise,jit:avx512_core_bf16,forward_inference,"
                           "data_bf16::blocked:abcd:f0 diff_undef::undef::f0,,alg:eltwise_relu "
                           "alpha:0 beta:0,1x32x14x14,0.00585938",
                           &ev),
                     1);
    assert_int_equal(ev.src_dt, VB_DT_BF16);
    assert_int_equal(ev.dst_dt, VB_DT_BF16);
    assert_int_equal(ev.isa, VB_ISA_AVX512_BF16);
    assert_string_equal(ev.md[0].arg, "data");
    assert_string_equal(ev.md[1].arg, "diff");
}

static void test_v32_dispatch_check(void **state)
{
    (void)state;
    struct vb_event ev;
    assert_int_equal(parse("onednn_verbose,create:dispatch,matmul,cpu,matmul,brg:avx512_core_amx_fp16,"
                           "undef,src_bf16:a:any:any::f0 wei_bf16:a:any:any::f0 dst_bf16:a:any:any::f0,"
                           ",,4096x5120:5120x15360,unsupported isa,"
                           "src/cpu/x64/matmul/brgemm_matmul.cpp:101",
                           &ev),
                     1);
    assert_int_equal(ev.kind, VB_DISPATCH);
    assert_string_equal(ev.impl, "brg:avx512_core_amx_fp16");
    assert_int_equal(ev.isa, VB_ISA_AMX);
    assert_string_equal(ev.md[0].kind, "any");
    assert_int_equal(ev.md[0].dt, VB_DT_BF16);
    assert_string_equal(ev.message, "unsupported isa,src/cpu/x64/matmul/brgemm_matmul.cpp:101");
    assert_true(isnan(ev.time_ms));
    /* short dispatch form */
    assert_int_equal(parse("onednn_verbose,primitive,create:dispatch,convolution,cpu,convolution,"
                           "jit:avx512_core_amx,forward_training,src_f32::blocked:abcd::f0,unsupported "
                           "datatype combination,src/cpu/x64/jit.cpp:10",
                           &ev),
                     1);
    assert_int_equal(ev.kind, VB_DISPATCH);
    assert_string_equal(ev.api, "primitive");
    assert_int_equal(parse("onednn_verbose,primitive,exec:check,primitive,unused primitive execution "
                           "argument (4113),src\\common\\primitive_exec_types.cpp:74",
                           &ev),
                     1);
    assert_int_equal(ev.kind, VB_CHECK);
    assert_string_equal(ev.prim, "primitive");
    assert_string_equal(ev.message,
                        "unused primitive execution argument (4113),src\\common\\primitive_exec_types.cpp:74");
    /* an error whose message contains commas */
    assert_int_equal(parse("onednn_verbose,primitive,error,ocl,errcode -5,CL_OUT_OF_RESOURCES,"
                           "src/gpu/ocl/ocl_utils.cpp:55",
                           &ev),
                     1);
    assert_int_equal(ev.kind, VB_ERROR);
    assert_string_equal(ev.prim, "ocl");
    assert_string_equal(ev.message, "errcode -5,CL_OUT_OF_RESOURCES,src/gpu/ocl/ocl_utils.cpp:55");
    assert_int_equal(parse("onednn_verbose,v1,common,warning,runtime,some warning text,src/x.cpp:1", &ev),
                     1);
    assert_int_equal(ev.kind, VB_WARN);
}

static void test_v33_api_and_ts(void **state)
{
    (void)state;
    struct vb_event ev;
    const char *tail = "exec,cpu,matmul,brg:avx512_core_amx,undef,src_bf16::blocked:ab::f0 "
                       "wei_bf16::blocked:ba::f0 dst_bf16::blocked:ab::f0,attr-scratchpad:user ,,"
                       "256x11008:11008x4096,1.21704";
    char line[512];
    snprintf(line, sizeof line, "onednn_verbose,primitive,%s", tail);
    assert_int_equal(parse(line, &ev), 1);
    assert_string_equal(ev.api, "primitive");
    assert_int_equal(ev.kind, VB_EXEC);
    assert_int_equal(ev.isa, VB_ISA_AMX);
    assert_int_equal(ev.src_dt, VB_DT_BF16);
    assert_int_equal(ev.wei_dt, VB_DT_BF16);
    assert_string_equal(ev.md[1].tag, "ba");
    assert_string_equal(ev.attrs, "attr-scratchpad:user");
    assert_string_equal(ev.problem, "256x11008:11008x4096");
    assert_true(isnan(ev.ts_ms));
    snprintf(line, sizeof line, "onednn_verbose,1718391711600.335938,primitive,%s", tail);
    assert_int_equal(parse(line, &ev), 1);
    assert_true(fabs(ev.ts_ms - 1718391711600.335938) < 1e-3);
    assert_string_equal(ev.api, "primitive");
    assert_true(fabs(ev.time_ms - 1.21704) < 1e-9);
    /* info lines: the ISA string contains commas */
    assert_int_equal(parse("onednn_verbose,info,cpu,isa:Intel AVX-512 with AVX512BW, AVX512VL, and "
                           "AVX512DQ extensions",
                           &ev),
                     1);
    assert_int_equal(ev.kind, VB_INFO);
    assert_string_equal(ev.engine, "cpu");
    assert_string_equal(ev.message,
                        "cpu,isa:Intel AVX-512 with AVX512BW, AVX512VL, and AVX512DQ extensions");
    assert_int_equal(parse("onednn_verbose,primitive,info,template:operation,engine,primitive,"
                           "implementation,prop_kind,memory_descriptors,attributes,auxiliary,"
                           "problem_desc,exec_time",
                           &ev),
                     1);
    assert_int_equal(ev.kind, VB_INFO);
    assert_string_equal(ev.api, "primitive");
}

static void test_v36_v1_marker(void **state)
{
    (void)state;
    struct vb_event ev;
    assert_int_equal(parse("onednn_verbose,v1,primitive,exec,cpu,matmul,brg_matmul:avx10_1_512_amx,"
                           "undef,src:bf16:a:blocked:ab::f0 wei:bf16:a:blocked:BA16a32b2a::f0 "
                           "dst:bf16:a:blocked:ab::f0,,,4x14336:14336x4096,0.0820312",
                           &ev),
                     1);
    assert_int_equal(ev.isa, VB_ISA_AMX);
    assert_int_equal(ev.n_md, 3);
    assert_string_equal(ev.md[1].arg, "wei");
    assert_int_equal(ev.md[1].dt, VB_DT_BF16);
    assert_string_equal(ev.md[1].kind, "blocked");
    assert_string_equal(ev.md[1].tag, "BA16a32b2a");
    assert_int_equal(parse("onednn_verbose,v1,1718391711600.335938,primitive,create:cache_hit,cpu,"
                           "convolution,brg_conv_fwd:avx10_1_512,forward_inference,"
                           "src:f32::blocked:abcd::f0 wei:s8:a:blocked:AcB8a4b::f8:zpm1 "
                           "bia:undef::undef::: dst:f32::blocked:abcd::f0,attr-fpmath:bf16,"
                           "alg:convolution_direct,mb1_ic3oc8_ih5oh5kh3sh1dh0ph1_iw5ow5kw3sw1dw0pw1,"
                           "9.53674e-05",
                           &ev),
                     1);
    assert_int_equal(ev.kind, VB_CREATE);
    assert_string_equal(ev.op, "create:cache_hit");
    assert_int_equal(ev.isa, VB_ISA_AVX512_BF16);
    assert_int_equal(ev.md[1].dt, VB_DT_S8);
    assert_string_equal(ev.md[1].tag, "AcB8a4b");
    assert_int_equal(ev.md[2].dt, VB_DT_UNDEF);
    assert_string_equal(ev.attrs, "attr-fpmath:bf16");
    assert_true(fabs(ev.time_ms - 9.53674e-05) < 1e-12);
    assert_true(fabs(ev.ts_ms - 1718391711600.335938) < 1e-3);
    assert_int_equal(parse("onednn_verbose,v1,primitive,create_nested:cache_miss,cpu,matmul,"
                           "brg_matmul:avx2,undef,src:f32:a:blocked:ab::f0 wei:f32:a:blocked:ab::f0 "
                           "dst:f32:a:blocked:ab::f0,,,2x1:1x1,0.526123",
                           &ev),
                     1);
    assert_int_equal(ev.kind, VB_CREATE_NESTED);
    /* f8 data types contain an underscore */
    assert_int_equal(parse("onednn_verbose,primitive,exec,cpu,matmul,brg:avx10_2_512,undef,"
                           "src_f8_e5m2::blocked:ab::f0 wei_f8_e4m3::blocked:ab::f0 "
                           "dst_f32::blocked:ab::f0,,,2x2:2x2,0.1",
                           &ev),
                     1);
    assert_string_equal(ev.md[0].arg, "src");
    assert_int_equal(ev.md[0].dt, VB_DT_F8);
    assert_int_equal(ev.dst_dt, VB_DT_F32);
}

static void test_graph_and_gpu(void **state)
{
    (void)state;
    struct vb_event ev;
    assert_int_equal(parse("onednn_verbose,v1,graph,exec,gpu,100002,sdp,matmul_qk;scale_mul;softmax;"
                           "matmul_v,,in0_f16:0:strided:undef:1x2x2x2:4s2s4s1 "
                           "out0_f16:5:strided:undef:1x2x2x2:4s2s4s1,fpm:strict,"
                           "sdp_primitive_v1_kernel_t,dnnl_backend,0.0309",
                           &ev),
                     1);
    assert_int_equal(ev.kind, VB_GRAPH);
    assert_string_equal(ev.op, "exec");
    assert_string_equal(ev.engine, "gpu");
    assert_string_equal(ev.prim, "sdp");
    assert_string_equal(ev.problem, "matmul_qk;scale_mul;softmax;matmul_v");
    assert_string_equal(ev.impl, "sdp_primitive_v1_kernel_t");
    assert_string_equal(ev.aux, "dnnl_backend");
    assert_string_equal(ev.attrs, "fpm:strict");
    assert_int_equal(ev.isa, VB_ISA_GPU);
    assert_int_equal(ev.src_dt, VB_DT_F16);
    assert_true(fabs(ev.time_ms - 0.0309) < 1e-9);
    /* GPU exec lines of 1.x/2.0 betas have no time field */
    assert_int_equal(parse("dnnl_verbose,exec,gpu,reorder,ocl:simple:any,undef,"
                           "src_f32::blocked:abcd:f0 dst_f32::blocked:abcd:f0,,,1x1000",
                           &ev),
                     1);
    assert_int_equal(ev.kind, VB_EXEC);
    assert_true(isnan(ev.time_ms));
    assert_string_equal(ev.problem, "1x1000");
    assert_int_equal(ev.isa, VB_ISA_GPU);
    /* multi-device engine */
    assert_int_equal(parse("onednn_verbose,v1,primitive,exec,gpu:0,matmul,jit:gemm:any,undef,"
                           "src:f16::blocked:ab::f0 wei:f16::blocked:ab::f0 dst:f16::blocked:ab::f0,"
                           ",,4160x3420:3420x1280,0.732178",
                           &ev),
                     1);
    assert_string_equal(ev.engine, "gpu:0");
    assert_int_equal(ev.isa, VB_ISA_GPU);
    /* the same CPU line without its time is damage, not a GPU line */
    assert_int_equal(parse("onednn_verbose,exec,cpu,reorder,jit:uni,undef,src_f32::blocked:abcd:f0 "
                           "dst_f32::blocked:abcd:f0,,,1x1000",
                           &ev),
                     -1);
}

/* ---- gotchas ------------------------------------------------------------ */

static void test_numbers_and_hash_fields(void **state)
{
    (void)state;
    struct vb_event ev;
    /* locale decimal comma (Windows 0.x): one extra field */
    assert_int_equal(parse("mkldnn_verbose,exec,reorder,jit:uni,undef,in:f32_nchw out:f32_nChw8c,"
                           "num:1,48x192x16x16,1,432",
                           &ev),
                     1);
    assert_true(fabs(ev.time_ms - 1.432) < 1e-9);
    assert_string_equal(ev.problem, "48x192x16x16");
    /* `#` overflow placeholders (1.0-2.2) */
    assert_int_equal(parse("dnnl_verbose,exec,cpu,convolution,jit:avx2,forward_training,#,,"
                           "alg:convolution_direct,#,1.5",
                           &ev),
                     1);
    assert_int_equal(ev.n_md, 0);
    assert_string_equal(ev.problem, "#");
    assert_true(fabs(ev.time_ms - 1.5) < 1e-12);
    /* %g exponents and big values */
    assert_int_equal(parse("onednn_verbose,exec,cpu,reorder,jit:uni,undef,src_f32::blocked:a:f0 "
                           "dst_f32::blocked:a:f0,,,16,1.5e+06",
                           &ev),
                     1);
    assert_true(fabs(ev.time_ms - 1.5e6) < 1e-6);
    assert_string_equal(ev.problem, "16");
    /* a time that is not a number */
    assert_int_equal(parse("onednn_verbose,exec,cpu,reorder,jit:uni,undef,src_f32::blocked:a:f0 "
                           "dst_f32::blocked:a:f0,,,16,<repeat for several times>",
                           &ev),
                     -1);
    /* a trailing period (pasted at the end of a sentence) */
    assert_int_equal(parse("onednn_verbose,exec,cpu,softmax_v2,ref:any,forward_inference,"
                           "src_f32::blocked:abcd:f0 dst_f32::blocked:abcd:f0,,alg:softmax_accurate "
                           "axis:3,1x12x2x2,0.141846.",
                           &ev),
                     1);
    assert_true(fabs(ev.time_ms - 0.141846) < 1e-9);
}

static void test_quotes_are_literal(void **state)
{
    (void)state;
    struct vb_event ev;
    /* A '"' opening a field must not swallow the commas after it. */
    assert_int_equal(parse("onednn_verbose,exec,cpu,eltwise,jit:avx2,forward_inference,"
                           "data_f32::blocked:abcd:f0,\"odd,alg:eltwise_relu alpha:0 beta:0,1x2,0.5",
                           &ev),
                     1);
    assert_string_equal(ev.attrs, "\"odd");
    assert_string_equal(ev.aux, "alg:eltwise_relu alpha:0 beta:0");
    assert_string_equal(ev.problem, "1x2");
    assert_true(fabs(ev.time_ms - 0.5) < 1e-12);
}

static void test_glued_and_damaged_prefixes(void **state)
{
    (void)state;
    struct vb_event ev;
    assert_int_equal(parse("test_conv (test_mkldnn.TestConv) ... mkldnn_verbose,exec,reorder,"
                           "jit:uni,undef,in:f32_nchw out:f32_nChw8c,num:1,2x16x7x7,0.5",
                           &ev),
                     1);
    assert_string_equal(ev.prim, "reorder");
    assert_int_equal(parse("`onednn_verbose,exec,cpu,reorder,jit:uni,undef,src_f32::blocked:a:f0 "
                           "dst_f32::blocked:a:f0,,,16,0.25`",
                           &ev),
                     -1); /* the closing backtick damages the time */
    assert_int_equal(parse("\t   onednn_verbose,exec,cpu,reorder,jit:uni,undef,src_f32::blocked:a:f0 "
                           "dst_f32::blocked:a:f0,,,16,0.25",
                           &ev),
                     1);
    assert_int_equal(parse("please set ONEDNN_VERBOSE=1 and read the onednn_verbose, lines", &ev), -1);
    assert_int_equal(parse("plain program output", &ev), 0);
    assert_int_equal(parse("", &ev), 0);

    /* two records glued on one line (interleaved writers) */
    struct cap c;
    vb_reader *r = cap_reader(&c);
    feed_str(r, "onednn_verbose,exec,cpu,reorder,jit:uni,undef,src_f32::blocked:a:f0 "
                "dst_f32::blocked:a:f0,,,16,0.25onednn_verbose,exec,cpu,reorder,jit:uni,undef,"
                "src_f32::blocked:a:f0 dst_bf16::blocked:a:f0,,,16,0.5\n");
    assert_int_equal(vb_reader_finish(r), ST_OK);
    const struct vb_counts *k = vb_reader_counts(r);
    assert_int_equal(k->lines, 1);
    assert_int_equal(k->verbose_lines, 1);
    assert_int_equal(k->glued, 1);
    assert_int_equal(c.n, 2);
    assert_true(fabs(c.ev[0].time_ms - 0.25) < 1e-12);
    assert_int_equal(c.ev[1].dst_dt, VB_DT_BF16);
    assert_true(fabs(c.ev[1].time_ms - 0.5) < 1e-12);
    vb_reader_free(r);
}

static void test_isa_and_names(void **state)
{
    (void)state;
    static const struct {
        const char *impl, *engine;
        enum vb_isa isa;
    } t[] = {
        {"brg:avx512_core_amx", "cpu", VB_ISA_AMX},
        {"brgconv:avx512_core_amx_bf16", "cpu", VB_ISA_AMX},
        {"jit_int8_1x1:avx512_core_amx_int8", "cpu", VB_ISA_AMX},
        {"brg_matmul:avx10_1_512_amx", "cpu", VB_ISA_AMX},
        {"brg_matmul:avx10_2_512_amx_2", "cpu", VB_ISA_AMX},
        {"jit_bf16:avx512_core_bf16", "cpu", VB_ISA_AVX512_BF16},
        {"brg_conv_fwd:avx10_1_512", "cpu", VB_ISA_AVX512_BF16},
        {"brgemm:avx512_core_vnni", "cpu", VB_ISA_AVX512_VNNI},
        {"jit:avx512_common", "cpu", VB_ISA_AVX512},
        {"brgemm:avx512_core", "cpu", VB_ISA_AVX512},
        {"jit:avx2", "cpu", VB_ISA_AVX2},
        {"brg_conv_fwd:avx2_vnni_2", "cpu", VB_ISA_AVX2},
        {"jit:avx", "cpu", VB_ISA_AVX2},
        {"jit:sse42", "", VB_ISA_SSE41},
        {"jit_1x1:sse41", "cpu", VB_ISA_SSE41},
        {"gemm:jit", "cpu", VB_ISA_GEMM},
        {"x64:gemm:jit", "cpu", VB_ISA_GEMM},
        {"gemm:blas", "", VB_ISA_GEMM},
        {"igemm_s8u8s32:jit", "cpu", VB_ISA_GEMM},
        {"gemm:ref", "cpu", VB_ISA_REF},
        {"ref:any", "cpu", VB_ISA_REF},
        {"simple:any", "cpu", VB_ISA_REF},
        {"ref_int8:any", "cpu", VB_ISA_REF},
        {"jit:uni", "cpu", VB_ISA_UNKNOWN},
        {"brgemm_matmul_matrix_B_reorder_t", "cpu", VB_ISA_UNKNOWN},
        {"ocl:ref:any", "gpu", VB_ISA_GPU},
        {"jit:gemm:any", "gpu:0", VB_ISA_GPU},
        {"ocl:simple:any", "", VB_ISA_GPU},
        {"", "cpu", VB_ISA_UNKNOWN},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        if (vb_isa_of_impl(t[i].impl, t[i].engine) != t[i].isa)
            fail_msg("isa of '%s' on '%s': got %s, want %s", t[i].impl, t[i].engine,
                     vb_isa_name(vb_isa_of_impl(t[i].impl, t[i].engine)), vb_isa_name(t[i].isa));
    }
    assert_string_equal(vb_isa_name(VB_ISA_AMX), "amx");
    assert_string_equal(vb_isa_name(VB_ISA_AVX512_BF16), "avx512_core_bf16");
    assert_string_equal(vb_dt_name(VB_DT_BF16), "bf16");
    assert_int_equal(vb_dt_parse("bf16", 4), VB_DT_BF16);
    assert_int_equal(vb_dt_parse("f8_e4m3", 7), VB_DT_F8);
    assert_int_equal(vb_dt_parse("e8m0", 4), VB_DT_OTHER);
    assert_string_equal(vb_kind_name(VB_DISPATCH), "dispatch");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_v0x_no_engine, setup, teardown),
        cmocka_unit_test_setup_teardown(test_v10_engine_no_attrs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_v1x_create_and_ts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_v26_onednn, setup, teardown),
        cmocka_unit_test_setup_teardown(test_v32_dispatch_check, setup, teardown),
        cmocka_unit_test_setup_teardown(test_v33_api_and_ts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_v36_v1_marker, setup, teardown),
        cmocka_unit_test_setup_teardown(test_graph_and_gpu, setup, teardown),
        cmocka_unit_test_setup_teardown(test_numbers_and_hash_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quotes_are_literal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_glued_and_damaged_prefixes, setup, teardown),
        cmocka_unit_test(test_isa_and_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
