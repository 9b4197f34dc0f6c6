/* bench_logs.c: writes a realistic oneDNN verbose log of a given size for
 * bench/bench_logs.sh: a model of ~60 distinct primitive shapes executed over
 * and over (as inference loops do), mostly oneDNN 2.6-style lines with some
 * timestamped 3.x `v1` lines, DNNL 1.x and MKL-DNN 0.x lines mixed in,
 * program output interleaved (progress lines, Python logging, TF AMP lines),
 * and %g times. Deterministic (fixed seed).
 * Usage: bench_logs OUT.log SIZE_MB
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long long rng = 0x9E3779B97F4A7C15ULL;

static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

struct shape {
    char line[640]; /* everything but the time (and the timestamp slot) */
    int era;        /* 0 = 2.6, 1 = 3.x v1 with ts, 2 = dnnl 1.x, 3 = mkldnn 0.x */
};

static int make_shapes(struct shape *s)
{
    static const int ch[] = {16, 32, 64, 128, 256, 512};
    int n = 0;
    for (int i = 0; i < 6; i++) {
        int c = ch[i], hw = 56 >> (i / 2);
        const char *dt = i % 2 ? "bf16" : "f32";
        const char *isa = i % 2 ? "avx512_core_bf16" : "avx512_core";
        snprintf(s[n].line, sizeof s[n].line,
                 "onednn_verbose,exec,cpu,convolution,brgconv:%s,forward_inference,src_%s::blocked:acdb:f0 "
                 "wei_%s::blocked:AcdB32a2b:f0 bia_f32::blocked:a:f0 dst_%s::blocked:acdb:f0,"
                 "attr-scratchpad:user attr-post-ops:eltwise_relu ,alg:convolution_direct,"
                 "mb1_ic%doc%d_ih%doh%dkh3sh1dh0ph1_iw%dow%dkw3sw1dw0pw1,",
                 isa, dt, dt, dt, c, c, hw, hw, hw, hw);
        s[n++].era = 0;
        snprintf(s[n].line, sizeof s[n].line,
                 "onednn_verbose,exec,cpu,reorder,jit:uni,undef,src_f32::blocked:abcd:f0 "
                 "dst_bf16::blocked:acdb:f0,,,1x%dx%dx%d,", c, hw, hw);
        s[n++].era = 0;
        snprintf(s[n].line, sizeof s[n].line,
                 "onednn_verbose,exec,cpu,eltwise,jit:%s,forward_inference,data_%s::blocked:acdb:f0 "
                 "diff_undef::undef::f0,,alg:eltwise_gelu_erf alpha:0 beta:0,1x%dx%dx%d,",
                 isa, dt, c, hw, hw);
        s[n++].era = 0;
        snprintf(s[n].line, sizeof s[n].line,
                 "onednn_verbose,exec,cpu,pooling_v2,jit:%s,forward_inference,src_%s::blocked:acdb:f0 "
                 "dst_%s::blocked:acdb:f0 ws_undef::undef::f0,,alg:pooling_max,"
                 "mb1ic%d_ih%doh%dkh2sh2dh0ph0_iw%dow%dkw2sw2dw0pw0,",
                 isa, dt, dt, c, hw, hw / 2, hw, hw / 2);
        s[n++].era = 0;
    }
    static const int mm[] = {128, 256, 768, 1024, 3072, 4096};
    for (int i = 0; i < 6; i++) {
        snprintf(s[n].line, sizeof s[n].line,
                 "onednn_verbose,exec,cpu,matmul,brg:avx512_core_bf16,undef,src_bf16::blocked:abc:f0 "
                 "wei_bf16::blocked:abc:f0 dst_bf16::blocked:abc:f0,attr-scratchpad:user ,,"
                 "12x128x%d:12x%dx%d:12x128x%d,",
                 mm[i], mm[i], mm[5 - i], mm[5 - i]);
        s[n++].era = 0;
        snprintf(s[n].line, sizeof s[n].line,
                 "onednn_verbose,exec,cpu,inner_product,brgemm:avx512_core_bf16,forward_inference,"
                 "src_bf16::blocked:ab:f0 wei_bf16::blocked:AB16b64a2b:f0 bia_f32::blocked:a:f0 "
                 "dst_bf16::blocked:ab:f0,attr-scratchpad:user ,,mb128ic%doc%d,",
                 mm[i], mm[5 - i]);
        s[n++].era = 0;
        snprintf(s[n].line, sizeof s[n].line,
                 "onednn_verbose,v1,%%s,primitive,exec,cpu,matmul,brg_matmul:avx10_1_512_amx,undef,"
                 "src:bf16::blocked:ab::f0 wei:bf16:a:blocked:BA16a64b2a::f0 dst:bf16::blocked:ab::f0,"
                 "attr-scratchpad:user,,128x%d:%dx%d,",
                 mm[i], mm[i], mm[5 - i]);
        s[n++].era = 1;
        snprintf(s[n].line, sizeof s[n].line,
                 "onednn_verbose,v1,%%s,primitive,exec,cpu,softmax,jit:avx10_1_512,forward_inference,"
                 "src:bf16::blocked:abcd::f0 dst:bf16::blocked:abcd::f0,,alg:softmax_accurate axis:3,"
                 "1x12x128x%d,",
                 mm[i] / 8);
        s[n++].era = 1;
        snprintf(s[n].line, sizeof s[n].line,
                 "dnnl_verbose,exec,cpu,inner_product,gemm:jit,forward_inference,src_f32::blocked:ab:f0 "
                 "wei_f32::blocked:ab:f0 bia_f32::blocked:a:f0 dst_f32::blocked:ab:f0,"
                 "scratchpad_mode:user;,,mb64ic%doc%d,",
                 mm[i], mm[5 - i]);
        s[n++].era = 2;
        snprintf(s[n].line, sizeof s[n].line,
                 "mkldnn_verbose,exec,convolution,jit:avx2,forward_training,fsrc:nChw8c fwei:OIhw8i8o "
                 "fbia:x fdst:nChw8c,alg:convolution_direct,mb2_ic%doc%d_ih7oh7kh3sh1dh0ph1_iw7ow7kw3sw1dw0pw1,",
                 mm[i] / 8, mm[5 - i] / 8);
        s[n++].era = 3;
    }
    return n;
}

static const char *noise[] = {
    "Epoch 3/10 - step 1200/5000 - loss: 0.2431 - accuracy: 0.9132",
    "2024-05-02 10:11:12,345 - INFO - model.py:88 - processed batch 1200 in 35.2 ms",
    "2022-08-19 00:06:08.735706: I tensorflow/core/grappler/optimizers/auto_mixed_precision.cc:2303] "
    "Running auto_mixed_precision_onednn_bfloat16 graph optimizer",
    "2022-08-19 00:06:08.740000: I tensorflow/core/grappler/optimizers/auto_mixed_precision.cc:2240] "
    "Converted 3/11 nodes to bfloat16 precision using 2 cast(s) to bfloat16 (excluding Const and "
    "Variable casts)",
    "100%|##########| 5000/5000 [01:23<00:00, 60.12it/s]",
    "W0502 10:11:12.345678  905 some_module.cc:42] a warning that mentions nothing verbose",
};

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: bench_logs OUT.log SIZE_MB\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "w");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    static char buf[1 << 20];
    setvbuf(f, buf, _IOFBF, sizeof buf);
    long long want = atoll(argv[2]) << 20, written = 0;
    struct shape s[128];
    int n = make_shapes(s);
    fprintf(f, "onednn_verbose,info,oneDNN v2.6.3 (commit N/A)\n"
               "onednn_verbose,info,cpu,runtime:OpenMP,nthr:2\n"
               "onednn_verbose,info,cpu,isa:Intel AVX-512 with Intel DL Boost and bfloat16 support\n");
    double ts = 1700000000000.0;
    char line[1024];
    while (written < want) {
        int k;
        unsigned r = rnd(100);
        if (r < 3) {
            k = snprintf(line, sizeof line, "%s\n", noise[rnd(sizeof noise / sizeof noise[0])]);
        } else {
            /* mostly 2.6 lines; 3.x v1 and old eras less often */
            int i;
            do
                i = (int)rnd((unsigned)n);
            while ((s[i].era == 1 && rnd(4)) || (s[i].era >= 2 && rnd(8)));
            ts += 0.001 * (1 + rnd(900));
            double t = (1 + rnd(100000)) * 1e-4;
            char tbuf[32], tsb[40];
            if (rnd(50) == 0)
                snprintf(tbuf, sizeof tbuf, "%g", t * 1e-4); /* exponent forms */
            else
                snprintf(tbuf, sizeof tbuf, "%g", t);
            if (s[i].era == 1) {
                snprintf(tsb, sizeof tsb, "%.6f", ts);
                char head[700];
                snprintf(head, sizeof head, s[i].line, tsb);
                k = snprintf(line, sizeof line, "%s%s\n", head, tbuf);
            } else {
                k = snprintf(line, sizeof line, "%s%s\n", s[i].line, tbuf);
            }
        }
        fwrite(line, 1, (size_t)k, f);
        written += k;
    }
    if (fclose(f) != 0) {
        perror(argv[1]);
        return 2;
    }
    return 0;
}
