/* bench_load.c: graph loading figures, each against protobuf-c's raw
 * tensorflow__graph_def__unpack() on the same file in the same run.
 *  1. a synthetic 100,000-node GraphDef (MatMul/BiasAdd/Relu blocks with small
 *     Const weights): graph_load + graph_infer vs. read + raw unpack;
 *  2. a large frozen GraphDef (default 256 MB of float weights in Const
 *     tensor_content): load MB/s and peak RSS vs. read + raw unpack.
 * Both graphs are generated here with protobuf-c in a temporary directory.
 * Each measurement runs in a forked child so its peak RSS is its own.
 *
 * usage: bench_load [--weights-mb N] [--nodes N] [--reps N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "analyze/graph.h"
#include "analyze/proto/graph.pb-c.h"
#include "util/util.h"

/* ---- generating graphs with protobuf-c ----------------------------------------- */

struct gen {
    Tensorflow__GraphDef gd;
    size_t cap;
};

static Tensorflow__AttrValue *attr_type(int t)
{
    Tensorflow__AttrValue *v = xmalloc(sizeof *v);
    tensorflow__attr_value__init(v);
    v->value_case = TENSORFLOW__ATTR_VALUE__VALUE_TYPE;
    v->type = (Tensorflow__DataType)t;
    return v;
}

static void add_attr(Tensorflow__NodeDef *n, const char *key, Tensorflow__AttrValue *v)
{
    n->attr = xrealloc(n->attr, (n->n_attr + 1) * sizeof *n->attr);
    Tensorflow__NodeDef__AttrEntry *e = xmalloc(sizeof *e);
    tensorflow__node_def__attr_entry__init(e);
    e->key = xstrdup(key);
    e->value = v;
    n->attr[n->n_attr++] = e;
}

static Tensorflow__NodeDef *add_node(struct gen *g, const char *name, const char *op, int nin,
                                     const char **in)
{
    if (g->gd.n_node == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 1024;
        g->gd.node = xrealloc(g->gd.node, g->cap * sizeof *g->gd.node);
    }
    Tensorflow__NodeDef *n = xmalloc(sizeof *n);
    tensorflow__node_def__init(n);
    n->name = xstrdup(name);
    n->op = xstrdup(op);
    n->n_input = (size_t)nin;
    n->input = nin ? xmalloc((size_t)nin * sizeof *n->input) : NULL;
    for (int i = 0; i < nin; i++)
        n->input[i] = xstrdup(in[i]);
    if (strcmp(op, "Const") && strcmp(op, "Placeholder"))
        add_attr(n, "T", attr_type(TF_DT_FLOAT));
    g->gd.node[g->gd.n_node++] = n;
    return n;
}

static void add_const(struct gen *g, const char *name, int64_t rows, int64_t cols, bool fill)
{
    Tensorflow__NodeDef *n = add_node(g, name, "Const", 0, NULL);
    add_attr(n, "dtype", attr_type(TF_DT_FLOAT));
    Tensorflow__TensorProto *t = xmalloc(sizeof *t);
    tensorflow__tensor_proto__init(t);
    t->dtype = TENSORFLOW__DATA_TYPE__DT_FLOAT;
    t->tensor_shape = xmalloc(sizeof *t->tensor_shape);
    tensorflow__tensor_shape_proto__init(t->tensor_shape);
    int64_t dims[2] = {rows, cols};
    int nd = cols > 0 ? 2 : 1;
    t->tensor_shape->n_dim = (size_t)nd;
    t->tensor_shape->dim = xmalloc((size_t)nd * sizeof *t->tensor_shape->dim);
    for (int i = 0; i < nd; i++) {
        t->tensor_shape->dim[i] = xmalloc(sizeof **t->tensor_shape->dim);
        tensorflow__tensor_shape_proto__dim__init(t->tensor_shape->dim[i]);
        t->tensor_shape->dim[i]->size = dims[i];
    }
    size_t count = (size_t)rows * (size_t)(cols > 0 ? cols : 1);
    t->tensor_content.len = count * 4;
    t->tensor_content.data = xmalloc(count * 4 + 1);
    float *f = (float *)t->tensor_content.data;
    for (size_t i = 0; i < count; i++)
        f[i] = fill ? (float)(i % 97) * 0.01f : 0.0f;
    Tensorflow__AttrValue *v = xmalloc(sizeof *v);
    tensorflow__attr_value__init(v);
    v->value_case = TENSORFLOW__ATTR_VALUE__VALUE_TENSOR;
    v->tensor = t;
    add_attr(n, "value", v);
}

static void add_placeholder(struct gen *g, int64_t width)
{
    Tensorflow__NodeDef *n = add_node(g, "x", "Placeholder", 0, NULL);
    add_attr(n, "dtype", attr_type(TF_DT_FLOAT));
    Tensorflow__AttrValue *v = xmalloc(sizeof *v);
    tensorflow__attr_value__init(v);
    v->value_case = TENSORFLOW__ATTR_VALUE__VALUE_SHAPE;
    v->shape = xmalloc(sizeof *v->shape);
    tensorflow__tensor_shape_proto__init(v->shape);
    v->shape->n_dim = 2;
    v->shape->dim = xmalloc(2 * sizeof *v->shape->dim);
    for (int i = 0; i < 2; i++) {
        v->shape->dim[i] = xmalloc(sizeof **v->shape->dim);
        tensorflow__tensor_shape_proto__dim__init(v->shape->dim[i]);
        v->shape->dim[i]->size = i ? width : -1;
    }
    add_attr(n, "shape", v);
}

/* Blocks of w=Const, MatMul, b=Const, BiasAdd, Relu until `nodes` nodes;
 * each weight is width x width floats. */
static void write_graph(const char *path, int nodes, int64_t width)
{
    struct gen g;
    memset(&g, 0, sizeof g);
    tensorflow__graph_def__init(&g.gd);
    add_placeholder(&g, width);
    char prev[64] = "x", a[64], b[64], c[64], d[64], e2[64];
    for (int i = 0; (int)g.gd.n_node + 5 <= nodes; i++) {
        snprintf(a, sizeof a, "l%d/w", i);
        snprintf(b, sizeof b, "l%d/MatMul", i);
        snprintf(c, sizeof c, "l%d/b", i);
        snprintf(d, sizeof d, "l%d/BiasAdd", i);
        snprintf(e2, sizeof e2, "l%d/Relu", i);
        add_const(&g, a, width, width, true);
        const char *mi[2] = {prev, a};
        add_node(&g, b, "MatMul", 2, mi);
        add_const(&g, c, width, 0, false);
        const char *bi[2] = {b, c};
        add_node(&g, d, "BiasAdd", 2, bi);
        const char *ri[1] = {d};
        add_node(&g, e2, "Relu", 1, ri);
        string_copy(prev, e2);
    }
    size_t n = tensorflow__graph_def__get_packed_size(&g.gd);
    uint8_t *buf = xmalloc(n);
    tensorflow__graph_def__pack(&g.gd, buf);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(buf, 1, n, f) != n || fclose(f))
        die("bench_load: cannot write %s", path);
    free(buf);
    /* The generator's own messages are freed with the matching walker. */
    for (size_t i = 0; i < g.gd.n_node; i++)
        tensorflow__node_def__free_unpacked(g.gd.node[i], NULL);
    free(g.gd.node);
}

/* ---- measuring ----------------------------------------------------------------------- */

struct result {
    double ms;
    long nodes;
    int ok;
};

static double raw_unpack(const char *path, long *nodes)
{
    double t0 = util_now_ms();
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    fseek(f, 0, SEEK_END);
    size_t len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = xmalloc(len + 1);
    size_t got = fread(data, 1, len, f);
    fclose(f);
    if (got != len) {
        free(data);
        return -1;
    }
    Tensorflow__GraphDef *gd = tensorflow__graph_def__unpack(NULL, len, (uint8_t *)data);
    free(data);
    if (!gd)
        return -1;
    *nodes = (long)gd->n_node;
    tensorflow__graph_def__free_unpacked(gd, NULL);
    return util_now_ms() - t0;
}

static double our_load(const char *path, long *nodes, bool infer, double *infer_ms)
{
    double t0 = util_now_ms();
    struct err e;
    graph *g = graph_load(path, NULL, &e);
    if (!g) {
        fprintf(stderr, "bench_load: %s\n", e.msg);
        return -1;
    }
    double t1 = util_now_ms();
    if (infer) {
        graph_infer(g, NULL, 0, 8, &e);
        *infer_ms = util_now_ms() - t1;
    }
    *nodes = g->n_nodes;
    graph_free(g);
    return util_now_ms() - t0;
}

/* Runs one measurement in a child; returns ms and the child's peak RSS (KB). */
static double in_child(int which, const char *path, long *rss_kb, double *extra)
{
    int fds[2];
    if (pipe(fds))
        die("pipe");
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        double r[2] = {0, 0};
        long nodes = 0;
        r[0] = which == 0 ? raw_unpack(path, &nodes) : our_load(path, &nodes, which == 2, &r[1]);
        if (write(fds[1], r, sizeof r) != sizeof r)
            _exit(1);
        _exit(0);
    }
    close(fds[1]);
    double r[2] = {-1, 0};
    if (read(fds[0], r, sizeof r) != sizeof r)
        r[0] = -1;
    close(fds[0]);
    int status;
    struct rusage ru;
    wait4(pid, &status, 0, &ru);
    *rss_kb = ru.ru_maxrss;
    if (extra)
        *extra = r[1];
    return r[0];
}

static double best(int which, const char *path, int reps, long *rss, double *extra)
{
    double b = -1;
    *rss = 0;
    for (int i = 0; i < reps; i++) {
        long r;
        double x = 0;
        double ms = in_child(which, path, &r, &x);
        if (ms >= 0 && (b < 0 || ms < b)) {
            b = ms;
            if (extra)
                *extra = x;
        }
        if (r > *rss)
            *rss = r;
    }
    return b;
}

int main(int argc, char **argv)
{
    int weights_mb = 256, nodes = 100000, reps = 3;
    const char *keep = getenv("BENCH_KEEP_DIR"); /* write the graphs there and stop */
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--weights-mb"))
            weights_mb = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--nodes"))
            nodes = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--reps"))
            reps = atoi(argv[i + 1]);
    }
    char tmpl[] = "/tmp/ampscope-bench-XXXXXX";
    char *dir = mkdtemp(tmpl);
    if (!dir)
        die("mkdtemp failed");
    char *small = xasprintf("%s/synthetic.pb", dir), *large = xasprintf("%s/frozen.pb", dir);

    /* 1. 100k nodes with 4x4 weights. */
    if (keep) {
        char *p = xasprintf("%s/synthetic.pb", keep);
        write_graph(p, nodes, 4);
        free(p);
        return 0;
    }
    write_graph(small, nodes, 4);
    struct stat_like { long bytes; } st1 = {0};
    FILE *f = fopen(small, "rb");
    if (f) {
        fseek(f, 0, SEEK_END);
        st1.bytes = ftell(f);
        fclose(f);
    }
    long rss_raw, rss_ours;
    double infer_ms = 0;
    double raw = best(0, small, reps, &rss_raw, NULL);
    double ours = best(2, small, reps, &rss_ours, &infer_ms);
    printf("synthetic graph: %d nodes, %.1f MB\n", nodes, st1.bytes / 1e6);
    printf("  protobuf-c read+unpack+free   %8.1f ms   peak RSS %6.1f MB\n", raw, rss_raw / 1024.0);
    printf("  graph_load + graph_infer      %8.1f ms   peak RSS %6.1f MB   (%.2fx raw; infer %.1f ms)\n",
           ours, rss_ours / 1024.0, ours / raw, infer_ms);

    /* 2. A large frozen graph: 16 layers of width w so that weights ~ weights_mb. */
    int layers = 16;
    int64_t width = 1;
    while ((width + 1) * (width + 1) * 4 * layers <= (int64_t)weights_mb << 20)
        width++;
    write_graph(large, 1 + 5 * layers, width);
    long bytes = 0;
    f = fopen(large, "rb");
    if (f) {
        fseek(f, 0, SEEK_END);
        bytes = ftell(f);
        fclose(f);
    }
    raw = best(0, large, reps, &rss_raw, NULL);
    ours = best(1, large, reps, &rss_ours, NULL);
    double mb = bytes / 1e6;
    printf("large frozen graph: %d layers of %lldx%lld float weights, %.1f MB\n", layers,
           (long long)width, (long long)width, mb);
    printf("  protobuf-c read+unpack+free   %8.1f ms   %7.0f MB/s   peak RSS %6.1f MB\n", raw,
           mb / (raw / 1e3), rss_raw / 1024.0);
    printf("  graph_load (mmap+check+unpack+build) %5.1f ms %7.0f MB/s   peak RSS %6.1f MB   (%.2fx raw time, %.2fx RSS)\n",
           ours, mb / (ours / 1e3), rss_ours / 1024.0, ours / raw, (double)rss_ours / rss_raw);
    unlink(small);
    unlink(large);
    rmdir(dir);
    free(small);
    free(large);
    return 0;
}
