/* analyze/shapes_fold.c: the parts of shape inference that compute with
 * values: folding small integer tensors (Const, Shape, Size/Rank and what is
 * computed from them: StridedSlice, Pack, ConcatV2, Gather, Prod/Sum,
 * integer arithmetic) so Reshape/Transpose/Pad/... get exact shapes, the full
 * StridedSlice mask semantics, and Einsum equations. Arithmetic never
 * overflows: it gives SI_UNKNOWN instead.
 */
#include <stdlib.h>
#include <string.h>

#include "analyze/graph_int.h"
#include "analyze/shapes_int.h"

static bool op_in(const char *op, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(op, *list))
            return true;
    return false;
}

/* ---- value folding helpers --------------------------------------------------------- */

static int64_t vbin(const char *op, int64_t a, int64_t b)
{
    if (a == SI_UNKNOWN || b == SI_UNKNOWN)
        return SI_UNKNOWN;
    if (!strcmp(op, "Mul"))
    {
        int64_t r;
        return __builtin_mul_overflow(a, b, &r) ? SI_UNKNOWN : r;
    }
    if (!strcmp(op, "Add") || !strcmp(op, "AddV2"))
    {
        int64_t r;
        return __builtin_add_overflow(a, b, &r) ? SI_UNKNOWN : r;
    }
    if (!strcmp(op, "Sub"))
    {
        int64_t r;
        return __builtin_sub_overflow(a, b, &r) ? SI_UNKNOWN : r;
    }
    if (!strcmp(op, "FloorDiv") || !strcmp(op, "Div") || !strcmp(op, "RealDiv")) {
        if (!b || (a == INT64_MIN && b == -1))
            return SI_UNKNOWN;
        int64_t q = a / b;
        return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
    }
    if (!strcmp(op, "Maximum"))
        return a > b ? a : b;
    if (!strcmp(op, "Minimum"))
        return a < b ? a : b;
    return SI_UNKNOWN;
}

static bool is_int(int dt)
{
    return dt == TF_DT_INT32 || dt == TF_DT_INT64 || dt == TF_DT_INT32 + 100 ||
           dt == TF_DT_INT64 + 100;
}

/* ---- StridedSlice -------------------------------------------------------------------- */

struct sspec {
    int kind; /* 0 = slice, 1 = new axis, 2 = shrink, 3 = full */
    int64_t b, e, s;
    bool bm, em;
    int dense;
};

/* Computes the output shape; when the input is 1-D fills sel/nsel with the
 * indices kept along dim 0 (for value folding), nsel = -1 if not computable. */
struct g_shape si_strided_slice(const struct g_node *n, const struct g_shape *x,
                                    const int64_t *b, const int64_t *e, const int64_t *st, int k,
                                    int64_t *sel, int *nsel)
{
    *nsel = -1;
    if (x->rank < 0)
        return si_unknown();
    int64_t bm = si_attr_i(n, "begin_mask", 0), em = si_attr_i(n, "end_mask", 0);
    int64_t elm = si_attr_i(n, "ellipsis_mask", 0), nam = si_attr_i(n, "new_axis_mask", 0);
    int64_t sam = si_attr_i(n, "shrink_axis_mask", 0);
    /* Dense spec, as TensorFlow's ValidateStridedSliceOp builds it. */
    int sparse = k;
    bool has_ell = false;
    for (int i = 0; i < k; i++)
        has_ell |= (elm >> i) & 1;
    if (!has_ell) {
        elm |= (int64_t)1 << k;
        sparse++;
    }
    struct sspec spec[G_MAX_RANK * 2 + 2];
    int nspec = 0, full = 0, rank = x->rank;
    for (int i = 0; i < sparse && nspec < G_MAX_RANK * 2; i++) {
        if ((elm >> i) & 1) {
            int after = 0;
            for (int j = i + 1; j < sparse; j++)
                after += (nam >> j) & 1;
            int next = rank - (sparse - i) + 1 + after;
            if (next > rank)
                next = rank;
            for (; full < next && nspec < G_MAX_RANK * 2; full++)
                spec[nspec++] = (struct sspec){3, 0, 0, 1, true, true, full};
        } else if ((nam >> i) & 1) {
            spec[nspec++] = (struct sspec){1, 0, 0, 1, false, false, -1};
        } else {
            if (full >= rank)
                return si_unknown();
            int kind = ((sam >> i) & 1) ? 2 : 0;
            spec[nspec++] = (struct sspec){kind, b[i], e[i], st[i], (bm >> i) & 1, (em >> i) & 1, full};
            full++;
        }
    }
    struct g_shape s = si_with_rank(0);
    for (int i = 0; i < nspec; i++) {
        if (spec[i].kind == 1) {
            if (s.rank >= G_MAX_RANK)
                return si_unknown();
            s.dim[s.rank++] = 1;
            continue;
        }
        int64_t dim = x->dim[spec[i].dense];
        int64_t size;
        int64_t lo = 0, step = spec[i].s;
        if (step == 0)
            return si_unknown();
        if (spec[i].kind == 3) {
            size = dim;
            lo = 0;
            step = 1;
        } else if (spec[i].kind == 2) {
            size = 1;
            lo = spec[i].b;
            if (lo < 0 && dim >= 0)
                lo += dim;
        } else if (dim < 0) {
            size = -1;
        } else if (step > 0) {
            int64_t bb = spec[i].bm ? 0 : (spec[i].b < 0 ? spec[i].b + dim : spec[i].b);
            int64_t ee = spec[i].em ? dim : (spec[i].e < 0 ? spec[i].e + dim : spec[i].e);
            bb = bb < 0 ? 0 : bb > dim ? dim : bb;
            ee = ee < 0 ? 0 : ee > dim ? dim : ee;
            size = ee > bb ? (ee - bb - 1) / step + 1 : 0;
            lo = bb;
        } else {
            int64_t bb = spec[i].bm ? dim - 1 : (spec[i].b < 0 ? spec[i].b + dim : spec[i].b);
            int64_t ee = spec[i].em ? -1 : (spec[i].e < 0 ? spec[i].e + dim : spec[i].e);
            bb = bb < -1 ? -1 : bb > dim - 1 ? dim - 1 : bb;
            ee = ee < -1 ? -1 : ee > dim - 1 ? dim - 1 : ee;
            size = bb > ee && step != INT64_MIN ? (bb - ee - 1) / (-step) + 1 : 0;
            lo = bb;
        }
        if (spec[i].dense == 0 && x->rank == 1 && size >= 0 && size <= SI_MAX_VALS && lo >= 0) {
            *nsel = (int)size;
            for (int j = 0; j < size; j++)
                sel[j] = lo + j * step;
        }
        if (spec[i].kind == 2)
            continue;
        if (s.rank >= G_MAX_RANK)
            return si_unknown();
        s.dim[s.rank++] = size;
    }
    return s;
}

/* ---- Einsum ------------------------------------------------------------------------ */

struct g_shape si_einsum(const struct sictx *c, const struct g_node *n)
{
    const char *eq = si_attr_s(n, "equation", "");
    char buf[128];
    string_copy(buf, eq);
    char *arrow = strstr(buf, "->");
    if (!arrow)
        return si_unknown();
    *arrow = 0;
    const char *rhs = arrow + 2;
    int64_t size[128];
    for (int i = 0; i < 128; i++)
        size[i] = -2;
    struct g_shape ell = si_with_rank(0);
    bool have_ell = false;
    char *save = NULL;
    int idx = 0;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save), idx++) {
        const struct g_shape *x = si_in_shape(c, n, idx);
        if (x->rank < 0)
            continue;
        int letters = 0;
        for (const char *p = t; *p; p++)
            letters += (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z');
        int ne = x->rank - letters;
        int d = 0;
        for (const char *p = t; *p; p++) {
            if (*p == '.') {
                if (!strncmp(p, "...", 3)) {
                    struct g_shape e = si_with_rank(ne > 0 ? ne : 0);
                    for (int k = 0; k < e.rank; k++)
                        e.dim[k] = x->dim[d + k];
                    ell = have_ell ? si_broadcast(&ell, &e) : e;
                    have_ell = true;
                    d += e.rank;
                    p += 2;
                }
                continue;
            }
            if (d >= x->rank)
                break;
            unsigned char ch = (unsigned char)*p;
            if (ch < 128 && (size[ch] < 0 || (size[ch] == 1 && x->dim[d] >= 0)))
                size[ch] = x->dim[d];
            d++;
        }
    }
    struct g_shape s = si_with_rank(0);
    for (const char *p = rhs; *p; p++) {
        if (*p == '.') {
            if (!strncmp(p, "...", 3)) {
                if (ell.rank < 0)
                    return si_unknown();
                for (int k = 0; k < ell.rank && s.rank < G_MAX_RANK; k++)
                    s.dim[s.rank++] = ell.dim[k];
                p += 2;
            }
            continue;
        }
        if (s.rank >= G_MAX_RANK)
            return si_unknown();
        unsigned char ch = (unsigned char)*p;
        s.dim[s.rank++] = ch < 128 && size[ch] >= -1 ? size[ch] : -1;
    }
    return s;
}

void si_fold_values(struct sictx *c, int id)
{
    struct g_node *n = &c->g->nodes[id];
    char opbuf[64];
    const char *op = si_base_op(n->op, opbuf, sizeof opbuf);
    const int64_t *a, *b;
    int na, nb;
    int64_t out[SI_MAX_VALS];
    if (!n->n_outputs || !is_int(n->out_dtype[0]))
        return; /* only small integer tensors are folded */
    if (!strcmp(op, "Const")) {
        const struct g_attr *v = g_node_attr(n, "value");
        if (v && v->kind == G_ATTR_TENSOR && is_int(v->tensor->dtype) && v->tensor->vals &&
            v->tensor->n_vals <= SI_MAX_VALS) {
            for (int i = 0; i < v->tensor->n_vals; i++) {
                double d = v->tensor->vals[i];
                /* vals are doubles: beyond +-2^62 the exact integer is lost */
                out[i] = d > 4.6e18 || d < -4.6e18 || d != d ? SI_UNKNOWN : (int64_t)d;
            }
            si_set_value(c, id, out, v->tensor->n_vals);
        }
        return;
    }
    if (!strcmp(op, "Shape") && n->n_outputs) {
        const struct g_shape *x = si_in_shape(c, n, 0);
        if (x->rank >= 0) {
            for (int i = 0; i < x->rank; i++)
                out[i] = x->dim[i] >= 0 ? x->dim[i] : SI_UNKNOWN;
            si_set_value(c, id, out, x->rank);
        }
        return;
    }
    if (!strcmp(op, "Size") || !strcmp(op, "Rank")) {
        const struct g_shape *x = si_in_shape(c, n, 0);
        int64_t v = !strcmp(op, "Rank") ? (x->rank >= 0 ? x->rank : SI_UNKNOWN) : g_shape_elems(x);
        if (v < 0)
            v = SI_UNKNOWN;
        if (v != SI_UNKNOWN)
            si_set_value(c, id, &v, 1);
        return;
    }
    if (!strcmp(op, "Identity") || !strcmp(op, "Cast") || !strcmp(op, "StopGradient") ||
        !strcmp(op, "Reshape") || !strcmp(op, "Squeeze") || !strcmp(op, "ExpandDims")) {
        if (si_in_value(c, n, 0, &a, &na))
            si_set_value(c, id, a, na);
        return;
    }
    if (!strcmp(op, "Pack")) {
        int k = 0;
        for (; k < n->n_data_inputs && k < SI_MAX_VALS; k++) {
            if (!si_in_value(c, n, k, &a, &na) || na != 1 || si_in_shape(c, n, k)->rank > 0)
                break;
            out[k] = a[0];
        }
        if (k == n->n_data_inputs && si_attr_i(n, "axis", 0) == 0)
            si_set_value(c, id, out, k);
        return;
    }
    if (!strcmp(op, "ConcatV2")) {
        int total = 0, k = 0;
        for (; k < n->n_data_inputs - 1; k++) {
            if (!si_in_value(c, n, k, &a, &na) || total + na > SI_MAX_VALS)
                break;
            memcpy(out + total, a, (size_t)na * sizeof *a);
            total += na;
        }
        if (k == n->n_data_inputs - 1 && k > 0)
            si_set_value(c, id, out, total);
        return;
    }
    if (!strcmp(op, "Prod") || (!strcmp(op, "Sum") && !si_attr_b(n, "keep_dims"))) {
        if (si_in_value(c, n, 0, &a, &na) && si_in_shape(c, n, 0)->rank == 1) {
            int64_t v = !strcmp(op, "Prod") ? 1 : 0;
            for (int i = 0; i < na; i++)
                v = a[i] == SI_UNKNOWN || v == SI_UNKNOWN ? SI_UNKNOWN
                                                          : vbin(!strcmp(op, "Prod") ? "Mul" : "Add", v, a[i]);
            if (v != SI_UNKNOWN)
                si_set_value(c, id, &v, 1);
        }
        return;
    }
    static const char *const arith[] = {"Mul", "Add", "AddV2", "Sub", "FloorDiv", "Div",
                                        "RealDiv", "Maximum", "Minimum", NULL};
    if (op_in(op, arith)) {
        if (si_in_value(c, n, 0, &a, &na) && si_in_value(c, n, 1, &b, &nb) &&
            (na == nb || na == 1 || nb == 1)) {
            int m = na > nb ? na : nb;
            for (int i = 0; i < m; i++)
                out[i] = vbin(op, a[na == 1 ? 0 : i], b[nb == 1 ? 0 : i]);
            si_set_value(c, id, out, m);
        }
        return;
    }
    if (!strcmp(op, "GatherV2") || !strcmp(op, "Gather")) {
        if (si_in_value(c, n, 0, &a, &na) && si_in_value(c, n, 1, &b, &nb)) {
            for (int i = 0; i < nb; i++) {
                if (b[i] < 0 || b[i] >= na)
                    return;
                out[i] = a[b[i]];
            }
            si_set_value(c, id, out, nb);
        }
    }
}

