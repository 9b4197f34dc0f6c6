/* embedded_exec.c: the child half of the embedded executor: values, steps,
 * casts, and the loop that runs warmup + measured iterations between marker
 * lines while oneDNN prints its own verbose lines to the same stdout.
 *
 * Invariant: every dnnl_primitive_execute() we issue prints exactly one exec
 * line (ONEDNN_VERBOSE=1 prints top-level executions only), so exec_index
 * counts the exec lines of verbose.log and truth.tsv names the issuing node
 * of each one.
 */
#include "runner/embedded_int.h"

#include <oneapi/dnnl/dnnl_debug.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "analyze/rundir.h"
#include "runner/proc.h"

/* ---- bookkeeping -------------------------------------------------------------- */

void *ek_alloc(struct ek_ex *x, size_t bytes)
{
    void *p = NULL;
    if (posix_memalign(&p, 64, bytes ? bytes : 64) != 0)
        die("out of memory (%zu bytes for a tensor)", bytes);
    memset(p, 0, bytes ? bytes : 64);
    xgrow(&x->bufs, &x->cap_bufs, x->n_bufs + 1, sizeof *x->bufs);
    x->bufs[x->n_bufs++] = p;
    return p;
}

dnnl_memory_t ek_mem(struct ek_ex *x, const dnnl_memory_desc_t *md, void *buf)
{
    dnnl_memory_t m = NULL;
    if (dnnl_memory_create(&m, md, x->eng, buf) != dnnl_success)
        return NULL;
    xgrow(&x->mems, &x->cap_mems, x->n_mems + 1, sizeof *x->mems);
    x->mems[x->n_mems++] = m;
    return m;
}

void ek_plain_strides(int rank, const int64_t *dims, int64_t *strides)
{
    int64_t s = 1;
    for (int i = rank - 1; i >= 0; i--) {
        strides[i] = s;
        s *= dims[i] > 0 ? dims[i] : 1;
    }
}

void ek_md_strided(dnnl_memory_desc_t *md, int rank, const int64_t *dims, const int64_t *strides,
                   dnnl_data_type_t dt)
{
    dnnl_dims_t d, s;
    if (rank == 0) {
        d[0] = 1;
        s[0] = 1;
        rank = 1;
    } else {
        for (int i = 0; i < rank; i++) {
            d[i] = dims[i];
            s[i] = strides[i];
        }
    }
    dnnl_memory_desc_init_by_strides(md, rank, d, dt, s);
}

void ek_md_plain(dnnl_memory_desc_t *md, int rank, const int64_t *dims, dnnl_data_type_t dt)
{
    int64_t s[DNNL_MAX_NDIMS];
    ek_plain_strides(rank, dims, s);
    ek_md_strided(md, rank, dims, s, dt);
}

int64_t ek_elems(int rank, const int64_t *dims)
{
    int64_t n = 1;
    for (int i = 0; i < rank; i++)
        n *= dims[i];
    return n;
}

const char *ek_dt_name(dnnl_data_type_t dt)
{
    return dt == dnnl_bf16 ? "bf16" : dt == dnnl_f32 ? "f32" : dnnl_dt2str(dt);
}

void ek_dims_str(int rank, const int64_t *dims, char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = 0;
    if (rank == 0)
        snprintf(buf, size, "scalar");
    for (int i = 0; i < rank && o + 2 < size; i++)
        o += (size_t)snprintf(buf + o, size - o, "%s%lld", i ? "x" : "", (long long)dims[i]);
}

static size_t dt_size(dnnl_data_type_t dt)
{
    return dt == dnnl_bf16 ? 2 : 4;
}

static void truth_line(struct ek_ex *x, int node, int cast, const char *role)
{
    if (!x->truth)
        return;
    const char *name = "?";
    if (cast >= 0 && x->p->plan)
        name = x->p->plan->casts[cast].name;
    else if (node >= 0)
        name = x->g->nodes[node].name;
    fprintf(x->truth, "%ld\t%s\t%s\n", x->exec_index, name, role);
}

dnnl_primitive_t ek_prim_from_pd(struct ek_ex *x, int node, const char *kind,
                                 dnnl_primitive_desc_t pd, dnnl_status_t st)
{
    const char *nname = node >= 0 ? x->g->nodes[node].name : "?";
    const char *nop = node >= 0 ? x->g->nodes[node].op : "?";
    if (st != dnnl_success || !pd) {
        err_set(x->e, ST_ERUNTIME,
                "oneDNN could not create a %s primitive for node '%s' (%s): %s; oneDNN status: %s%s",
                kind, nname, nop, x->what, dnnl_status2str(st),
                st == dnnl_unimplemented ? " (no implementation for these shapes and data types "
                                           "on this CPU)"
                                         : "");
        return NULL;
    }
    dnnl_primitive_t prim = NULL;
    st = dnnl_primitive_create(&prim, pd);
    dnnl_primitive_desc_destroy(pd);
    if (st != dnnl_success) {
        err_set(x->e, ST_ERUNTIME,
                "oneDNN could not build the %s primitive for node '%s' (%s): %s; oneDNN status: %s",
                kind, nname, nop, x->what, dnnl_status2str(st));
        return NULL;
    }
    xgrow(&x->prims, &x->cap_prims, x->n_prims + 1, sizeof *x->prims);
    x->prims[x->n_prims++] = prim;
    return prim;
}

dnnl_primitive_t ek_prim(struct ek_ex *x, int node, const char *kind, const_dnnl_op_desc_t desc,
                         const_dnnl_primitive_attr_t attr, dnnl_primitive_desc_t *pd_out)
{
    dnnl_primitive_desc_t pd = NULL;
    dnnl_status_t st = dnnl_primitive_desc_create(&pd, desc, attr, x->eng, NULL);
    if (st == dnnl_success && pd_out) {
        /* the caller wants to query it: keep a clone */
        dnnl_primitive_desc_clone(pd_out, pd);
    }
    return ek_prim_from_pd(x, node, kind, pd, st);
}

void ek_add_step(struct ek_ex *x, dnnl_primitive_t prim, int nargs, const dnnl_exec_arg_t *args,
                 int node, int cast, const char *role)
{
    xgrow(&x->steps, &x->cap_steps, (size_t)x->n_steps + 1, sizeof *x->steps);
    struct ek_step *s = &x->steps[x->n_steps++];
    memset(s, 0, sizeof *s);
    s->prim = prim;
    s->nargs = nargs;
    memcpy(s->args, args, (size_t)nargs * sizeof *args);
    s->node = node;
    s->cast = cast;
    s->role = role;
}

enum status ek_run_once(struct ek_ex *x, dnnl_primitive_t prim, int nargs,
                        const dnnl_exec_arg_t *args, int node, const char *role)
{
    truth_line(x, node, -1, role);
    dnnl_status_t st = dnnl_primitive_execute(prim, x->strm, nargs, args);
    x->exec_index++;
    if (st == dnnl_success)
        st = dnnl_stream_wait(x->strm);
    if (st != dnnl_success)
        return err_set(x->e, ST_ERUNTIME, "oneDNN failed to execute the %s for node '%s': %s",
                       role, node >= 0 ? x->g->nodes[node].name : "?", dnnl_status2str(st));
    return ST_OK;
}

/* ---- values ----------------------------------------------------------------------- */

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint16_t f32_to_bf16(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    if ((u & 0x7fffffffu) > 0x7f800000u)
        return (uint16_t)((u >> 16) | 0x40); /* quiet NaN */
    u += 0x7fffu + ((u >> 16) & 1u);       /* round to nearest even */
    return (uint16_t)(u >> 16);
}

static void fill_random(void *buf, int64_t n, dnnl_data_type_t dt, uint64_t seed)
{
    uint64_t s = seed;
    for (int64_t i = 0; i < n; i++) {
        float f = (float)((double)(rng_next(&s) >> 11) / 9007199254740992.0 * 2.0 - 1.0);
        if (dt == dnnl_bf16)
            ((uint16_t *)buf)[i] = f32_to_bf16(f);
        else
            ((float *)buf)[i] = f;
    }
}

static void set_dims_from_graph(struct ek_ex *x, struct ek_val *v, int node)
{
    const struct g_shape *s = &x->g->nodes[node].out_shape[0];
    v->rank = s->rank < 0 ? 0 : s->rank;
    for (int i = 0; i < v->rank; i++)
        v->dims[i] = s->dim[i];
}

const float *ek_const_f32(struct ek_ex *x, int node, int64_t *n)
{
    struct ek_val *v = &x->v[node];
    if (!v->ready) {
        int c = ek_const_source(x->g, node);
        if (c < 0)
            return NULL;
        if (ek_is_variable(&x->g->nodes[c])) {
            /* a variable: its value is in a checkpoint ampscope does not read;
             * seeded values of its shape (kernels and timing do not depend on them) */
            const struct g_node *vn = &x->g->nodes[c];
            const struct g_attr *sa = g_node_attr(vn, "shape");
            int rank = sa && sa->kind == G_ATTR_SHAPE && sa->shape.rank > 0 ? sa->shape.rank : 0;
            v->rank = rank;
            for (int i = 0; i < rank; i++)
                v->dims[i] = sa->shape.dim[i] < 0 ? 1 : sa->shape.dim[i];
            int64_t ne = ek_elems(rank, v->dims);
            v->buf = ek_alloc(x, (size_t)ne * 4);
            fill_random(v->buf, ne, dnnl_f32, 0xa11ce5ULL + (uint64_t)c);
            for (int64_t i = 0; i < ne; i++)
                ((float *)v->buf)[i] *= 0.1f;
            v->dt = dnnl_f32;
            v->is_const = true;
            v->ready = true;
            *n = ne;
            return v->buf;
        }
        const struct g_attr *a = g_node_attr(&x->g->nodes[c], "value");
        if (!a || !a->tensor)
            return NULL;
        const struct g_tensor *t = a->tensor;
        int rank = t->shape.rank < 0 ? 0 : t->shape.rank;
        v->rank = rank;
        for (int i = 0; i < rank; i++)
            v->dims[i] = t->shape.dim[i] < 0 ? 1 : t->shape.dim[i];
        int64_t ne = ek_elems(rank, v->dims);
        v->buf = ek_alloc(x, (size_t)ne * 4);
        struct err e2;
        if (g_tensor_read_f32(t, v->buf, ne, &e2) != ST_OK)
            fill_random(v->buf, ne, dnnl_f32, 0x5eedULL + (uint64_t)c);
        v->dt = dnnl_f32;
        v->is_const = true;
        v->ready = true;
    }
    *n = ek_elems(v->rank, v->dims);
    return v->buf;
}

/* The bias of a fused BiasAdd as its primitive reads it (f32 memory). A bf16
 * BiasAdd has a bf16 bias in TensorFlow: the plan's Cast of the constant
 * (on the BiasAdd's input with grappler's passes modelled, on the Identity
 * that reads the constant without) is constant-folded once. So the values are
 * rounded to bf16 here, once, while building; the same under both paintings. */
const float *ek_bias_f32(struct ek_ex *x, int biasadd, int64_t *n)
{
    const float *b = ek_const_f32(x, ek_gn(x, biasadd)->inputs[1].node, n);
    if (!b || !x->p->n[biasadd].bf16)
        return b;
    float *r = ek_alloc(x, (size_t)(*n > 0 ? *n : 1) * 4);
    for (int64_t i = 0; i < *n; i++) {
        uint32_t u = (uint32_t)f32_to_bf16(b[i]) << 16;
        memcpy(&r[i], &u, 4);
    }
    return r;
}

/* A constant value in dtype want (host conversion, cached). */
static struct ek_val *const_as(struct ek_ex *x, struct ek_val *v, dnnl_data_type_t want,
                               struct ek_val *tmp)
{
    if (want == 0 || v->dt == want)
        return v;
    int64_t n = ek_elems(v->rank, v->dims);
    if (!v->alt) {
        v->alt = ek_alloc(x, (size_t)n * dt_size(want));
        if (want == dnnl_bf16)
            for (int64_t i = 0; i < n; i++)
                ((uint16_t *)v->alt)[i] = f32_to_bf16(((const float *)v->buf)[i]);
        else
            for (int64_t i = 0; i < n; i++) {
                uint32_t u = (uint32_t)((const uint16_t *)v->buf)[i] << 16;
                memcpy((float *)v->alt + i, &u, 4);
            }
    }
    *tmp = *v;
    tmp->dt = want;
    tmp->buf = v->alt;
    tmp->alt = v->buf;
    return tmp;
}

/* A reorder of a whole plain tensor into dtype dt; the new value goes in out. */
static enum status convert_step(struct ek_ex *x, const struct ek_val *src, struct ek_val *out,
                                dnnl_data_type_t dt, int node, int cast, const char *role)
{
    dnnl_memory_desc_t smd, dmd;
    ek_md_plain(&smd, src->rank, src->dims, src->dt);
    ek_md_plain(&dmd, src->rank, src->dims, dt);
    *out = *src;
    out->dt = dt;
    out->is_const = false;
    out->alt = NULL;
    out->buf = ek_alloc(x, (size_t)ek_elems(src->rank, src->dims) * dt_size(dt));
    char ds[128];
    ek_dims_str(src->rank, src->dims, ds, sizeof ds);
    snprintf(x->what, sizeof x->what, "%s %s -> %s", ds, ek_dt_name(src->dt), ek_dt_name(dt));
    dnnl_primitive_desc_t pd = NULL;
    dnnl_status_t st = dnnl_reorder_primitive_desc_create(&pd, &smd, x->eng, &dmd, x->eng, NULL);
    dnnl_primitive_t prim = ek_prim_from_pd(x, node, "reorder", pd, st);
    if (!prim)
        return ST_ERUNTIME;
    dnnl_memory_t ms = ek_mem(x, &smd, src->buf), md = ek_mem(x, &dmd, out->buf);
    dnnl_exec_arg_t args[2] = {{DNNL_ARG_SRC, ms}, {DNNL_ARG_DST, md}};
    ek_add_step(x, prim, 2, args, node, cast, role);
    out->ready = true;
    return ST_OK;
}

struct ek_val *ek_input(struct ek_ex *x, int c, int j, dnnl_data_type_t want)
{
    const struct g_node *nd = &x->g->nodes[c];
    int src = nd->inputs[j].node, port = nd->inputs[j].port;
    /* IdentityN passes input k through as output k */
    for (int guard = 0; src >= 0 && guard < 64 && !strcmp(x->g->nodes[src].op, "IdentityN") &&
                        port >= 0 && port < x->g->nodes[src].n_data_inputs;
         guard++) {
        const struct g_input *in = &x->g->nodes[src].inputs[port];
        src = in->node;
        port = in->port;
    }
    if (src < 0) {
        err_set(x->e, ST_EINVAL, "node '%s': input %d is unresolved", nd->name, j);
        return NULL;
    }
    if (port > 0 && x->p->n[src].kind != EK_CONST) {
        err_set(x->e, ST_EUNSUPPORTED,
                "node '%s' reads output %d of '%s' (%s); the embedded backend runs only first "
                "outputs. Use --backend tf",
                nd->name, port, x->g->nodes[src].name, x->g->nodes[src].op);
        return NULL;
    }
    struct ek_val *sv = &x->v[src];
    if (!sv->ready && x->p->n[src].kind == EK_CONST) {
        int64_t n;
        if (!ek_const_f32(x, src, &n)) {
            err_set(x->e, ST_EINVAL, "constant '%s' has no readable value", x->g->nodes[src].name);
            return NULL;
        }
    }
    if (!sv->ready) {
        err_set(x->e, ST_ERUNTIME, "internal: '%s' is used by '%s' before it was computed",
                x->g->nodes[src].name, nd->name);
        return NULL;
    }
    int cast = ek_cast_for(x->p, c, j);
    if (cast >= 0) {
        struct ek_val *cv = &x->castv[cast];
        if (!cv->ready) {
            dnnl_data_type_t to = x->p->plan->casts[cast].to_bf16 ? dnnl_bf16 : dnnl_f32;
            if (sv->is_const || sv->dt == to) {
                /* Const -> Cast is folded by TF's constant folding; nothing runs */
                struct ek_val tmp;
                *cv = *const_as(x, sv, sv->is_const ? to : 0, &tmp);
            } else if (convert_step(x, sv, cv, to, -1, cast, "cast") != ST_OK) {
                return NULL;
            }
            cv->ready = true;
        }
        sv = cv;
    }
    if (want && sv->dt != want) {
        /* a mismatch the plan did not cast: convert for this consumer */
        struct ek_val *tmp = xcalloc(1, sizeof *tmp);
        xgrow(&x->bufs, &x->cap_bufs, x->n_bufs + 1, sizeof *x->bufs);
        x->bufs[x->n_bufs++] = tmp;
        if (sv->is_const)
            return const_as(x, sv, want, tmp);
        if (convert_step(x, sv, tmp, want, c, -1, "reorder_in") != ST_OK)
            return NULL;
        return tmp;
    }
    return sv;
}

struct ek_val *ek_output(struct ek_ex *x, int out, dnnl_data_type_t dt)
{
    struct ek_val *v = &x->v[out];
    memset(v, 0, sizeof *v);
    set_dims_from_graph(x, v, out);
    v->dt = dt;
    v->buf = ek_alloc(x, (size_t)ek_elems(v->rank, v->dims) * dt_size(dt));
    v->ready = true;
    return v;
}

/* ---- building ---------------------------------------------------------------------- */

static enum status build(struct ek_ex *x, unsigned seed)
{
    const struct ek_plan *p = x->p;
    for (int k = 0; k < p->n_order; k++) {
        int i = p->order[k];
        const struct g_node *nd = &x->g->nodes[i];
        switch (p->n[i].kind) {
        case EK_UNUSED:
        case EK_FUSED:
            break;
        case EK_CONST: {
            int64_t n;
            if (!ek_const_f32(x, i, &n))
                return err_set(x->e, ST_EINVAL, "constant '%s' has no readable value", nd->name);
            break;
        }
        case EK_INPUT: {
            struct ek_val *v = ek_output(x, i, nd->out_dtype && nd->out_dtype[0] == TF_DT_BFLOAT16
                                                   ? dnnl_bf16
                                                   : dnnl_f32);
            fill_random(v->buf, ek_elems(v->rank, v->dims), v->dt,
                        ((uint64_t)seed << 20) ^ (uint64_t)(i + 1));
            break;
        }
        case EK_VIEW: {
            struct ek_val *in = ek_input(x, i, 0, 0);
            if (!in)
                return x->e ? ST_ERUNTIME : ST_ERUNTIME;
            struct ek_val *v = &x->v[i];
            *v = *in;
            set_dims_from_graph(x, v, i);
            if (ek_elems(v->rank, v->dims) != ek_elems(in->rank, in->dims))
                return err_set(x->e, ST_EINVAL,
                               "node '%s' (%s): inferred shape has a different size than its input",
                               nd->name, nd->op);
            v->ready = true;
            break;
        }
        case EK_COMPUTE: {
            enum status st = ek_build_node(x, i);
            if (st != ST_OK)
                return st;
            break;
        }
        }
    }
    return ST_OK;
}

/* ---- the run ----------------------------------------------------------------------- */

static double wall_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec * 1000.0 + (double)tv.tv_usec / 1000.0;
}

static void marker(const char *phase, int it, const char *be)
{
    fflush(stdout);
    printf("%s,%s,%d,%s,%.6f\n", RUNDIR_MARKER, phase, it, be, wall_ms());
    fflush(stdout);
}

static void write_failure(const char *dir, const char *msg)
{
    char path[4096];
    rundir_path(dir, EK_FAILURE_FILE, path, sizeof path);
    struct err e2;
    util_write_file_atomic(path, msg, strlen(msg), &e2);
    fprintf(stderr, "ampscope: %s\n", msg);
}

static void ex_done(struct ek_ex *x)
{
    for (size_t i = 0; i < x->n_prims; i++)
        dnnl_primitive_destroy(x->prims[i]);
    for (size_t i = 0; i < x->n_mems; i++)
        dnnl_memory_destroy(x->mems[i]);
    for (size_t i = 0; i < x->n_bufs; i++)
        free(x->bufs[i]);
    free(x->prims);
    free(x->mems);
    free(x->bufs);
    free(x->steps);
    free(x->v);
    free(x->castv);
    if (x->strm)
        dnnl_stream_destroy(x->strm);
    if (x->eng)
        dnnl_engine_destroy(x->eng);
    if (x->truth)
        fclose(x->truth);
}

/* AMPSCOPE_DUMP_DIR (for checking the executor against TensorFlow): the
 * inputs and the graph outputs of the last pass as raw little-endian f32,
 * <node name with / as _>.in.f32 / .out.f32. */
static void dump_tensors(struct ek_ex *x, const char *dir)
{
    struct err e2;
    if (util_mkdirs(dir, &e2) != ST_OK)
        return;
    for (int k = 0; k < x->p->n_order; k++) {
        int i = x->p->order[k];
        bool out = false;
        for (int q = 0; q < x->g->n_outputs; q++)
            out |= x->g->outputs[q].node == i;
        bool in = x->p->n[i].kind == EK_INPUT;
        struct ek_val *v = &x->v[i];
        if ((!in && !out) || !v->ready)
            continue;
        int64_t n = ek_elems(v->rank, v->dims);
        float *f = xmalloc((size_t)(n > 0 ? n : 1) * 4);
        for (int64_t j = 0; j < n; j++) {
            if (v->dt == dnnl_bf16) {
                uint32_t u = (uint32_t)((const uint16_t *)v->buf)[j] << 16;
                memcpy(&f[j], &u, 4);
            } else {
                f[j] = ((const float *)v->buf)[j];
            }
        }
        char name[512], path[4096];
        snprintf(name, sizeof name, "%s", x->g->nodes[i].name);
        for (char *c = name; *c; c++)
            if (*c == '/')
                *c = '_';
        snprintf(path, sizeof path, "%s/%s.%s.f32", dir, name, in ? "in" : "out");
        util_write_file_atomic(path, f, (size_t)n * 4, &e2);
        free(f);
    }
}

int ek_child_main(void *ctx, int progress_fd)
{
    const struct ek_run *r = ctx;
    struct err e = {0};
    struct ek_ex x;
    memset(&x, 0, sizeof x);
    x.p = r->p;
    x.g = r->p->g;
    x.o = r->o;
    x.e = &e;
    x.v = xcalloc((size_t)(x.g->n_nodes > 0 ? x.g->n_nodes : 1), sizeof *x.v);
    int nc = r->p->plan ? r->p->plan->n_casts : 0;
    x.castv = xcalloc((size_t)(nc > 0 ? nc : 1), sizeof *x.castv);
    int rc = 0;
    char path[4096];
    rundir_path(r->run_dir, RUNDIR_TRUTH, path, sizeof path);
    x.truth = fopen(path, "w");
    if (!x.truth) {
        write_failure(r->run_dir, "cannot write truth.tsv in the run directory");
        ex_done(&x);
        return 4;
    }
    fprintf(x.truth, "# exec_index\tnode\trole\n");
    proc_progress(progress_fd, "phase preparing");
    if (dnnl_engine_create(&x.eng, dnnl_cpu, 0) != dnnl_success ||
        dnnl_stream_create(&x.strm, x.eng, dnnl_stream_default_flags) != dnnl_success) {
        write_failure(r->run_dir, "oneDNN could not create a CPU engine/stream");
        ex_done(&x);
        return 4;
    }
    if (build(&x, r->o->seed) != ST_OK) {
        write_failure(r->run_dir, e.msg[0] ? e.msg : "building the oneDNN primitives failed");
        ex_done(&x);
        return 4;
    }
    fflush(x.truth);
    int warm = r->o->warmup, iters = r->o->iters, total = warm + iters;
    proc_progress(progress_fd, "iter 0 %d", total);
    for (int it = 0; it < total && rc == 0; it++) {
        const char *phase = it < warm ? "warmup" : "iter";
        int idx = it < warm ? it : it - warm;
        if (it == 0 || it == warm)
            proc_progress(progress_fd, "phase %s", it < warm ? "warmup" : "iterations");
        marker(phase, idx, "begin");
        for (int s = 0; s < x.n_steps; s++) {
            struct ek_step *st = &x.steps[s];
            truth_line(&x, st->node, st->cast, st->role);
            dnnl_status_t ds = dnnl_primitive_execute(st->prim, x.strm, st->nargs, st->args);
            x.exec_index++;
            if (ds != dnnl_success) {
                char msg[1024];
                snprintf(msg, sizeof msg, "oneDNN failed to execute the %s of node '%s': %s",
                         st->role,
                         st->cast >= 0 ? r->p->plan->casts[st->cast].name
                                       : st->node >= 0 ? x.g->nodes[st->node].name : "?",
                         dnnl_status2str(ds));
                write_failure(r->run_dir, msg);
                rc = 4;
                break;
            }
        }
        dnnl_stream_wait(x.strm);
        marker(phase, idx, "end");
        fflush(x.truth);
        proc_progress(progress_fd, "iter %d %d", it + 1, total);
    }
    proc_progress(progress_fd, "phase done");
    const char *dump = getenv("AMPSCOPE_DUMP_DIR");
    if (dump && *dump && rc == 0)
        dump_tensors(&x, dump);
    ex_done(&x);
    return rc;
}
