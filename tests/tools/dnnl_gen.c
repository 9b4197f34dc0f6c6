/* dnnl_gen.c: a test program that runs real oneDNN primitives (oneDNN 2.6 C
 * API) so the log tests have genuine verbose output of this machine to check
 * against. It runs convolution, matmul, inner product, eltwise, pooling
 * (pooling_v2), softmax (softmax_v2) and reorders (a layout change and the
 * f32->bf16 / bf16->f32 casts) in f32 and, with --bf16, in bf16, each --iters
 * times, prints lines of its own between them (program output interleaved
 * with verbose lines), and writes a manifest of exactly what it executed:
 *   exec <primitive> <src dtype> <count>
 *   reorder_layout <count> / reorder_convert <count> / casts <count>
 * Usage: ONEDNN_VERBOSE=1 dnnl_gen [--bf16] [--iters N] [--manifest FILE]
 */
#include <oneapi/dnnl/dnnl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(x)                                                                          \
    do {                                                                                  \
        dnnl_status_t st_ = (x);                                                          \
        if (st_ != dnnl_success) {                                                        \
            fprintf(stderr, "dnnl_gen: %s failed (status %d) at line %d\n", #x, (int)st_, \
                    __LINE__);                                                            \
            exit(3);                                                                      \
        }                                                                                 \
    } while (0)

static dnnl_engine_t eng;
static dnnl_stream_t strm;
static FILE *manifest;
static int iters = 3;

struct marg {
    int arg;
    const dnnl_memory_desc_t *md;
};

/* Creates the primitive, allocates memories for the queried mds, executes it
 * `iters` times and records it in the manifest. */
static void run(const void *op_desc, const char *prim, const char *dt, struct marg *args, int n)
{
    dnnl_primitive_desc_t pd;
    CHECK(dnnl_primitive_desc_create(&pd, op_desc, NULL, eng, NULL));
    dnnl_primitive_t p;
    CHECK(dnnl_primitive_create(&p, pd));
    dnnl_exec_arg_t ea[8];
    dnnl_memory_t mem[8];
    for (int i = 0; i < n; i++) {
        dnnl_query_t q = dnnl_query_src_md;
        switch (args[i].arg) {
        case DNNL_ARG_SRC: q = dnnl_query_src_md; break;
        case DNNL_ARG_WEIGHTS: q = dnnl_query_weights_md; break;
        case DNNL_ARG_BIAS: q = dnnl_query_weights_md; break;
        case DNNL_ARG_DST: q = dnnl_query_dst_md; break;
        }
        const dnnl_memory_desc_t *md =
            dnnl_primitive_desc_query_md(pd, q, args[i].arg == DNNL_ARG_BIAS ? 1 : 0);
        CHECK(dnnl_memory_create(&mem[i], md, eng, DNNL_MEMORY_ALLOCATE));
        size_t sz = dnnl_memory_desc_get_size(md);
        void *h = NULL;
        CHECK(dnnl_memory_get_data_handle(mem[i], &h));
        memset(h, 0, sz); /* zeros: valid in every data type */
        ea[i].arg = args[i].arg;
        ea[i].memory = mem[i];
    }
    for (int k = 0; k < iters; k++) {
        CHECK(dnnl_primitive_execute(p, strm, n, ea));
        CHECK(dnnl_stream_wait(strm));
    }
    printf("dnnl_gen: ran %s %s x%d\n", prim, dt, iters);
    fflush(stdout);
    fprintf(manifest, "exec %s %s %d\n", prim, dt, iters);
    for (int i = 0; i < n; i++)
        dnnl_memory_destroy(mem[i]);
    dnnl_primitive_destroy(p);
    dnnl_primitive_desc_destroy(pd);
}

static void md(dnnl_memory_desc_t *m, int nd, const dnnl_dim_t *dims, dnnl_data_type_t dt,
               dnnl_format_tag_t tag)
{
    CHECK(dnnl_memory_desc_init_by_tag(m, nd, dims, dt, tag));
}

static void suite(dnnl_data_type_t dt, const char *dn)
{
    /* convolution 1x16x14x14 * 32x16x3x3 */
    {
        dnnl_dim_t s[] = {1, 16, 14, 14}, w[] = {32, 16, 3, 3}, b[] = {32}, d[] = {1, 32, 14, 14};
        dnnl_dims_t st = {1, 1}, pl = {1, 1};
        dnnl_memory_desc_t sm, wm, bm, dm;
        md(&sm, 4, s, dt, dnnl_format_tag_any);
        md(&wm, 4, w, dt, dnnl_format_tag_any);
        md(&bm, 1, b, dnnl_f32, dnnl_x);
        md(&dm, 4, d, dt, dnnl_format_tag_any);
        dnnl_convolution_desc_t cd;
        CHECK(dnnl_convolution_forward_desc_init(&cd, dnnl_forward_inference,
                                                 dnnl_convolution_direct, &sm, &wm, &bm, &dm, st,
                                                 pl, pl));
        struct marg a[] = {{DNNL_ARG_SRC, 0}, {DNNL_ARG_WEIGHTS, 0}, {DNNL_ARG_BIAS, 0},
                           {DNNL_ARG_DST, 0}};
        run(&cd, "convolution", dn, a, 4);
    }
    /* matmul 64x128 * 128x96 */
    {
        dnnl_dim_t s[] = {64, 128}, w[] = {128, 96}, d[] = {64, 96};
        dnnl_memory_desc_t sm, wm, dm;
        md(&sm, 2, s, dt, dnnl_ab);
        md(&wm, 2, w, dt, dnnl_ab);
        md(&dm, 2, d, dt, dnnl_ab);
        dnnl_matmul_desc_t mm;
        CHECK(dnnl_matmul_desc_init(&mm, &sm, &wm, NULL, &dm));
        struct marg a[] = {{DNNL_ARG_SRC, 0}, {DNNL_ARG_WEIGHTS, 0}, {DNNL_ARG_DST, 0}};
        run(&mm, "matmul", dn, a, 3);
    }
    /* inner product mb32 ic256 oc64 */
    {
        dnnl_dim_t s[] = {32, 256}, w[] = {64, 256}, d[] = {32, 64};
        dnnl_memory_desc_t sm, wm, dm;
        md(&sm, 2, s, dt, dnnl_format_tag_any);
        md(&wm, 2, w, dt, dnnl_format_tag_any);
        md(&dm, 2, d, dt, dnnl_format_tag_any);
        dnnl_inner_product_desc_t ip;
        CHECK(dnnl_inner_product_forward_desc_init(&ip, dnnl_forward_inference, &sm, &wm, NULL,
                                                   &dm));
        struct marg a[] = {{DNNL_ARG_SRC, 0}, {DNNL_ARG_WEIGHTS, 0}, {DNNL_ARG_DST, 0}};
        run(&ip, "inner_product", dn, a, 3);
    }
    /* eltwise relu on 1x32x14x14 */
    {
        dnnl_dim_t s[] = {1, 32, 14, 14};
        dnnl_memory_desc_t sm;
        md(&sm, 4, s, dt, dnnl_nchw);
        dnnl_eltwise_desc_t ed;
        CHECK(dnnl_eltwise_forward_desc_init(&ed, dnnl_forward_inference, dnnl_eltwise_relu, &sm,
                                             0.f, 0.f));
        struct marg a[] = {{DNNL_ARG_SRC, 0}, {DNNL_ARG_DST, 0}};
        run(&ed, "eltwise", dn, a, 2);
    }
    /* max pooling 2x2 stride 2 (pooling_v2 in 2.6) */
    {
        dnnl_dim_t s[] = {1, 32, 14, 14}, d[] = {1, 32, 7, 7};
        dnnl_dims_t st = {2, 2}, k = {2, 2}, dil = {0, 0}, pl = {0, 0};
        dnnl_memory_desc_t sm, dm;
        md(&sm, 4, s, dt, dnnl_nchw);
        md(&dm, 4, d, dt, dnnl_nchw);
        dnnl_pooling_v2_desc_t pd;
        CHECK(dnnl_pooling_v2_forward_desc_init(&pd, dnnl_forward_inference, dnnl_pooling_max,
                                                &sm, &dm, st, k, dil, pl, pl));
        struct marg a[] = {{DNNL_ARG_SRC, 0}, {DNNL_ARG_DST, 0}};
        run(&pd, "pooling", dn, a, 2);
    }
    /* softmax over axis 1 of 8x1000 (softmax_v2 in 2.6) */
    {
        dnnl_dim_t s[] = {8, 1000};
        dnnl_memory_desc_t sm;
        md(&sm, 2, s, dt, dnnl_ab);
        dnnl_softmax_v2_desc_t sd;
        CHECK(dnnl_softmax_v2_forward_desc_init(&sd, dnnl_forward_inference,
                                                dnnl_softmax_accurate, &sm, &sm, 1));
        struct marg a[] = {{DNNL_ARG_SRC, 0}, {DNNL_ARG_DST, 0}};
        run(&sd, "softmax", dn, a, 2);
    }
}

/* A reorder from (sdt, stag) to (ddt, dtag), executed iters times. */
static void reorder(dnnl_data_type_t sdt, dnnl_format_tag_t stag, dnnl_data_type_t ddt,
                    dnnl_format_tag_t dtag, const char *what, const char *dn)
{
    dnnl_dim_t dims[] = {2, 32, 8, 8};
    dnnl_memory_desc_t a, b;
    md(&a, 4, dims, sdt, stag);
    md(&b, 4, dims, ddt, dtag);
    dnnl_primitive_desc_t pd;
    CHECK(dnnl_reorder_primitive_desc_create(&pd, &a, eng, &b, eng, NULL));
    dnnl_primitive_t p;
    CHECK(dnnl_primitive_create(&p, pd));
    dnnl_memory_t ma, mb;
    CHECK(dnnl_memory_create(&ma, &a, eng, DNNL_MEMORY_ALLOCATE));
    CHECK(dnnl_memory_create(&mb, &b, eng, DNNL_MEMORY_ALLOCATE));
    void *h;
    CHECK(dnnl_memory_get_data_handle(ma, &h));
    memset(h, 0, dnnl_memory_desc_get_size(&a));
    dnnl_exec_arg_t args[] = {{DNNL_ARG_FROM, ma}, {DNNL_ARG_TO, mb}};
    for (int k = 0; k < iters; k++) {
        CHECK(dnnl_primitive_execute(p, strm, 2, args));
        CHECK(dnnl_stream_wait(strm));
    }
    printf("dnnl_gen: ran reorder %s x%d\n", what, iters);
    fflush(stdout);
    fprintf(manifest, "exec reorder %s %d\n", dn, iters);
    fprintf(manifest, "%s %d\n", what, iters);
    dnnl_memory_destroy(ma);
    dnnl_memory_destroy(mb);
    dnnl_primitive_destroy(p);
    dnnl_primitive_desc_destroy(pd);
}

int main(int argc, char **argv)
{
    int bf16 = 0;
    const char *mpath = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--bf16"))
            bf16 = 1;
        else if (!strcmp(argv[i], "--iters") && i + 1 < argc)
            iters = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--manifest") && i + 1 < argc)
            mpath = argv[++i];
        else {
            fprintf(stderr, "usage: dnnl_gen [--bf16] [--iters N] [--manifest FILE]\n");
            return 2;
        }
    }
    if (iters < 1)
        iters = 1;
    manifest = mpath ? fopen(mpath, "w") : fopen("/dev/null", "w");
    if (!manifest) {
        perror("dnnl_gen: manifest");
        return 2;
    }
    CHECK(dnnl_engine_create(&eng, dnnl_cpu, 0));
    CHECK(dnnl_stream_create(&strm, eng, dnnl_stream_default_flags));
    printf("dnnl_gen: starting (program output between verbose lines)\n");
    suite(dnnl_f32, "f32");
    reorder(dnnl_f32, dnnl_nchw, dnnl_f32, dnnl_nChw16c, "reorder_layout", "f32");
    if (bf16) {
        suite(dnnl_bf16, "bf16");
        reorder(dnnl_f32, dnnl_nchw, dnnl_bf16, dnnl_nchw, "casts", "f32");
        reorder(dnnl_bf16, dnnl_nchw, dnnl_f32, dnnl_nchw, "casts", "bf16");
    }
    printf("dnnl_gen: done");   /* no newline: the last line of the log is unterminated */
    fflush(stdout);
    dnnl_stream_destroy(strm);
    dnnl_engine_destroy(eng);
    fclose(manifest);
    return 0;
}
