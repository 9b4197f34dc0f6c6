/* logs/verbose: a streaming reader of oneDNN verbose output, every era.
 *
 * The reader is a producer: bytes go in through vb_reader_feed() (from a file,
 * stdin, a .gz or the live pipe of a child), and every recognised line comes
 * out through the sink as a struct vb_event; every other line goes to the
 * sink's `other` callback (so the AMP log reader and the program's own output
 * can be handled by the same single pass). Era detection is per line.
 *
 * Lifetime: every string inside a vb_event is interned in the reader's pool
 * and stays valid until vb_reader_free(). The vb_event itself (and its md
 * array) is only valid during the callback: copy what you keep.
 */
#ifndef AMPSCOPE_LOGS_VERBOSE_H
#define AMPSCOPE_LOGS_VERBOSE_H

#include <stddef.h>

#include "util/util.h"

/* What a line is. */
enum vb_kind {
    VB_EXEC,          /* exec (primitive executed; time is exec time) */
    VB_CREATE,        /* create / create:cache_miss / create:cache_hit / ... */
    VB_CREATE_NESTED, /* create_nested:... */
    VB_INFO,          /* info header line */
    VB_CHECK,         /* create:check, exec:check */
    VB_DISPATCH,      /* create:dispatch */
    VB_ERROR,         /* error */
    VB_WARN,          /* warning */
    VB_GRAPH,         /* graph-API component line (compile/exec of a partition) */
    VB_EXTERNAL,      /* exec:external (AArch64 Compute Library kernel timings) */
    VB_DEBUG,         /* debuginfo lines of developer builds */
    VB_KIND__COUNT
};

/* The hardware path an implementation name implies (see vb_isa_of_impl). */
enum vb_isa {
    VB_ISA_UNKNOWN,
    VB_ISA_AMX,         /* avx512_core_amx*, avx10_*_amx*, amx */
    VB_ISA_AVX512_BF16, /* avx512_core_bf16, avx10 with bf16 but no amx */
    VB_ISA_AVX512_VNNI, /* avx512_core_vnni */
    VB_ISA_AVX512,      /* avx512_core, avx512_common, avx512_mic */
    VB_ISA_AVX2,        /* avx2, avx2_vnni*, avx */
    VB_ISA_SSE41,       /* sse41, sse42 */
    VB_ISA_GEMM,        /* gemm:jit / gemm:blas / gemm:acl without ISA suffix */
    VB_ISA_REF,         /* ref, simple, ref_any, ... */
    VB_ISA_GPU,         /* ocl:, sycl:, jit:gemm on a gpu engine */
    VB_ISA__COUNT
};

/* oneDNN data types (dnnl_dt2str names). */
enum vb_dt {
    VB_DT_UNDEF,
    VB_DT_F32,
    VB_DT_BF16,
    VB_DT_F16,
    VB_DT_S32,
    VB_DT_S8,
    VB_DT_U8,
    VB_DT_F64,
    VB_DT_BOOL,
    VB_DT_F8,    /* f8_e5m2 / f8_e4m3 */
    VB_DT_S4,
    VB_DT_U4,
    VB_DT_OTHER, /* e8m0, f4_e2m1, s64, ... */
    VB_DT__COUNT
};

/* One memory descriptor of an event, e.g. `src_bf16::blocked:aBcd16b:f0`. */
struct vb_md {
    const char *arg;    /* interned: "src", "wei", "bia", "dst", "data", "diff", "src_a", ... */
    enum vb_dt dt;
    const char *tag;    /* interned layout tag ("abcd", "aBcd16b", "nchw", "" when none) */
    const char *kind;   /* interned: "blocked", "any", "undef", "opaque", ... */
};

#define VB_MAX_MDS 16

struct vb_event {
    enum vb_kind kind;
    const char *marker;    /* "mkldnn_verbose" | "dnnl_verbose" | "onednn_verbose" (interned) */
    const char *op;        /* raw operation text: "exec", "create:cache_miss", ... (interned) */
    const char *engine;    /* "cpu", "gpu", ... or "" (0.x) (interned) */
    const char *prim;      /* normalised primitive kind: "convolution", "matmul", "reorder", "pooling",
                              "softmax", ... (pooling_v2 -> pooling, softmax_v2 -> softmax) */
    const char *impl;      /* implementation name: "brg:avx512_core_amx_bf16", "jit:uni", ... */
    enum vb_isa isa;       /* derived from impl (and engine) */
    const char *prop;      /* "forward_inference", "forward_training", "undef", ... */
    struct vb_md md[VB_MAX_MDS];
    int n_md;
    const char *mds;       /* the whole md field as printed (interned) */
    const char *attrs;     /* attributes field ("" when absent) */
    const char *aux;       /* aux field: "alg:convolution_direct", "alg:eltwise_relu alpha:0 beta:0" */
    const char *problem;   /* problem descriptor: "mb1_ic3oc64_ih224oh224kh3sh1dh0ph1_..." */
    enum vb_dt src_dt;     /* data type of the first src-like md (compute type), VB_DT_UNDEF if none */
    enum vb_dt dst_dt;     /* data type of the first dst md (the data md for eltwise & co) */
    enum vb_dt wei_dt;     /* data type of the first wei md */
    const char *api;       /* 3.3+ API-type field: "primitive", "graph", "common", "ukernel" or "" */
    double time_ms;        /* exec/create time in ms; NaN when the line has none */
    double ts_ms;          /* timestamp (ms since the epoch as oneDNN prints it); NaN when absent */
    const char *message;   /* info/check/dispatch/error/warn/graph: the text after the op */
    long line_no;          /* 1-based line number in the input it came from */
};

/* Consumer of the reader's output. Either callback may be NULL. A non-zero
 * return from a callback stops the reader (vb_reader_feed returns ST_ECANCEL). */
struct vb_sink {
    void *ctx;
    int (*event)(void *ctx, const struct vb_event *ev);
    /* A line that is not a verbose line (program output, AMP log lines, ...),
     * without its line terminator. `line` is valid only during the call. */
    int (*other)(void *ctx, const char *line, size_t len, long line_no);
};

/* Counters kept by the reader. */
struct vb_counts {
    long lines;          /* all lines seen */
    long verbose_lines;  /* lines recognised as verbose lines (any kind) */
    long other_lines;    /* lines passed to `other` */
    long unparsed;       /* lines that looked like verbose lines but could not be parsed */
    long glued;          /* extra verbose records found glued inside one line (not in `lines`) */
    long long bytes;
};

typedef struct vb_reader vb_reader;

/* The sink is copied; sink->ctx is borrowed. */
vb_reader *vb_reader_new(const struct vb_sink *sink);
void vb_reader_free(vb_reader *r);
/* Feeds a chunk of input; lines may span chunks. */
enum status vb_reader_feed(vb_reader *r, const char *buf, size_t len);
/* Flushes a last line without a terminator. */
enum status vb_reader_finish(vb_reader *r);
const struct vb_counts *vb_reader_counts(const vb_reader *r);
/* Up to n of the first unparsed verbose-looking lines (owned by the reader),
 * each as "path:line: text" (vb_read_path) or "line N: text" (fed bytes). */
int vb_reader_unparsed_samples(const vb_reader *r, const char **out, int n);
/* After a feed/finish/read returned an error: a sentence saying what went
 * wrong (owned by the reader; "" when there was no error). */
const char *vb_reader_error(const vb_reader *r);
/* Caps the interned text (distinct shapes and messages; default 128 MiB);
 * past it feeding stops with ST_ELIMIT and vb_reader_error() says why. */
void vb_reader_set_pool_limit(vb_reader *r, size_t bytes);
/* Optional: called about every 64 MiB of input read by vb_read_path. */
void vb_reader_set_progress(vb_reader *r, void (*fn)(void *ctx, long long bytes), void *ctx);
/* Interns a string in the reader's pool (for sinks that want to keep names). */
const char *vb_reader_intern(vb_reader *r, const char *s);

/* Parses a single line (no terminator) into ev using r's pool; returns 1 if it
 * was a verbose line, 0 if not, -1 if it looked like one but did not parse. */
int vb_parse_line(vb_reader *r, const char *line, size_t len, struct vb_event *ev);

/* Reads a whole file ("-" = stdin, ".gz" transparently) through r. */
enum status vb_read_path(vb_reader *r, const char *path, struct err *e);

enum vb_isa vb_isa_of_impl(const char *impl, const char *engine);
const char *vb_isa_name(enum vb_isa isa);   /* "amx", "avx512_core_bf16", ... */
const char *vb_dt_name(enum vb_dt dt);      /* "f32", "bf16", ... */
enum vb_dt vb_dt_parse(const char *s, size_t n);
const char *vb_kind_name(enum vb_kind k);

#endif
