/* amp_lists.c: the oneDNN bf16 (AutoMixedPrecisionListsMkl) op lists of each
 * TensorFlow release, and list edits exactly as TensorFlow applies them from
 * the TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_* environment variables: comma
 * split without trimming, per list the new name's ADD then REMOVE, then the
 * legacy name's ADD then REMOVE. The "2.19" set is checked against the header
 * shipped in the tensorflow 2.19.1 wheel; older sets follow tf-amp.md §2.2.
 */
#include "analyze/amp.h"
#include "analyze/amp_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* ---- the default lists ---------------------------------------------------- */

#define ALLOW_S1 "Conv2D", "Conv2DBackpropFilter", "Conv2DBackpropInput", "Conv3D", \
    "Conv3DBackpropFilterV2", "Conv3DBackpropInputV2", "DepthwiseConv2dNative",       \
    "DepthwiseConv2dNativeBackpropFilter", "DepthwiseConv2dNativeBackpropInput",      \
    "MatMul", "BatchMatMul", "BatchMatMulV2"

/* Infer ops common to every version (S1's 40 minus Tanh, which S3/S3b lose
 * to the "Sum" "Tanh" literal concatenation). */
#define INFER_BASE "Add", "AddN", "AddV2", "AvgPool", "AvgPool3D", "AvgPool3DGrad", \
    "AvgPoolGrad", "BiasAdd", "BiasAddGrad", "BiasAddV1", "FusedBatchNormV2",        \
    "FusedBatchNormGradV2", "FusedBatchNormV3", "FusedBatchNormGradV3", "LeakyRelu", \
    "LeakyReluGrad", "Mul", "Sub", "Elu", "EluGrad", "FloorDiv", "_FusedBatchNormEx", \
    "Log", "Log1p", "LogSoftmax", "Prod", "RealDiv", "Reciprocal", "Selu",          \
    "SeluGrad", "Sigmoid", "SigmoidGrad", "Softmax", "Softplus", "SoftplusGrad",     \
    "Softsign", "SoftsignGrad", "Sqrt", "TanhGrad"

#define DENY_S4 "Exp", "Expm1", "L2Loss", "Pow", "SaveV2", "SoftmaxCrossEntropyWithLogits", \
    "SparseSoftmaxCrossEntropyWithLogits"

#define CLEAR_S1 "Abs", "ArgMax", "ArgMin", "BatchToSpace", "BatchToSpaceND", "BroadcastTo", \
    "Ceil", "CheckNumerics", "ClipByValue", "Concat", "ConcatV2", "DepthToSpace",          \
    "DynamicPartition", "DynamicStitch", "EnsureShape", "Enter", "Equal", "Exit",          \
    "ExpandDims", "Fill", "Floor", "Gather", "GatherNd", "GatherV2", "Greater",            \
    "GreaterEqual", "Identity", "IsFinite", "IsInf", "IsNan", "Less", "LessEqual", "Max",  \
    "Maximum", "MaxPool", "MaxPool3D", "MaxPool3DGrad", "MaxPoolGrad", "MaxPoolGradGrad",  \
    "MaxPoolGradGradV2", "MaxPoolGradV2", "MaxPoolV2", "Merge", "Min", "Minimum",          \
    "MirrorPad", "MirrorPadGrad", "Neg", "NextIteration", "NotEqual", "OnesLike", "Pack",  \
    "Pad", "PadV2", "PreventGradient", "Rank", "Relu", "Relu6", "Relu6Grad", "ReluGrad",   \
    "Reshape", "ResizeNearestNeighbor", "ResizeNearestNeighborGrad", "Reverse",            \
    "ReverseSequence", "ReverseV2", "Round", "Select", "SelectV2", "Shape", "ShapeN",       \
    "Sign", "Slice", "Snapshot", "SpaceToBatch", "SpaceToBatchND", "SpaceToDepth", "Split", \
    "SplitV", "Squeeze", "StopGradient", "StridedSlice", "StridedSliceGrad", "Switch",     \
    "Tile", "TopK", "TopKV2", "Transpose", "Where", "Unpack", "ZerosLike",                 \
    "TensorListConcat", "TensorListConcatLists", "TensorListConcatV2", "TensorListGather", \
    "TensorListGetItem", "TensorListPopBack", "TensorListPushBack",                        \
    "TensorListPushBackBatch", "TensorListFromTensor", "TensorListScatter",                \
    "TensorListScatterV2", "TensorListScatterIntoExistingList", "TensorListSetItem",       \
    "TensorListSplit", "TensorListStack"

/* S1 (about 2.8-2.10). */
static const char *const s1_allow[] = {ALLOW_S1, NULL};
static const char *const s1_infer[] = {INFER_BASE, "Tanh", NULL};
static const char *const s1_deny[] = {DENY_S4, "Mean", "Sum", NULL};
static const char *const s1_clear[] = {CLEAR_S1, NULL};
/* S2 (2.11): + Einsum. */
static const char *const s2_allow[] = {ALLOW_S1, "Einsum", NULL};
/* S3 (2.12): "Sum" "Tanh" concatenated into one op name. */
static const char *const s3_infer[] = {INFER_BASE, "Erf", "Mean", "Rsqrt", "Square",
                                       "SquaredDifference", "SumTanh", NULL};
static const char *const s3_deny[] = {DENY_S4, NULL};
static const char *const s3_clear[] = {CLEAR_S1, "ResizeBilinear", "ScatterNd", NULL};
/* S3b (2.13): Mean back on the denylist, typo still there. */
static const char *const s3b_infer[] = {INFER_BASE, "Erf", "Rsqrt", "Square",
                                        "SquaredDifference", "SumTanh", NULL};
static const char *const s3b_deny[] = {DENY_S4, "Mean", NULL};
/* S4 (newest; identical to tensorflow 2.19.1's auto_mixed_precision_lists.h). */
static const char *const s4_allow[] = {ALLOW_S1, "FusedPadConv2D", "Einsum", NULL};
static const char *const s4_infer[] = {INFER_BASE, "Erf", "Erfc", "Inv", "Mean", "Rsqrt",
                                       "Square", "SquaredDifference", "Sum", "Tanh", NULL};
static const char *const s4_clear[] = {CLEAR_S1, "ResizeBilinear", "ScatterNd", "IdentityN",
                                       "StatelessWhile", "While", NULL};

struct amp_listset {
    const char *name;       /* "2.9", ... */
    const char *covers;     /* human text */
    enum amp_cast_style cast_style;
    const char *const *lists[AMP_LIST__COUNT]; /* indexed by enum amp_list (NONE unused) */
};

static const struct amp_listset SETS[] = {
    {"2.9", "TF 2.8-2.10", AMP_CAST_SRC_DST, {NULL, s1_allow, s1_infer, s1_clear, s1_deny}},
    {"2.11", "TF 2.11", AMP_CAST_SRC_DST, {NULL, s2_allow, s1_infer, s1_clear, s1_deny}},
    {"2.12", "TF 2.12", AMP_CAST_SRC_DST, {NULL, s2_allow, s3_infer, s3_clear, s3_deny}},
    {"2.13", "TF 2.13-2.14", AMP_CAST_SRC_DST, {NULL, s2_allow, s3b_infer, s3_clear, s3b_deny}},
    {"2.19", "TF 2.15 and later, checked on 2.19.1", AMP_CAST_SRC_ID,
     {NULL, s4_allow, s4_infer, s4_clear, s3_deny}},
};
#define N_SETS ((int)(sizeof SETS / sizeof SETS[0]))

const char *const *amp_tf_versions(void)
{
    static const char *v[N_SETS + 1];
    for (int i = 0; i < N_SETS; i++)
        v[i] = SETS[i].name;
    v[N_SETS] = NULL;
    return v;
}

const char *amp_list_name(enum amp_list l)
{
    static const char *const names[] = {"none", "allow", "infer", "clear", "deny"};
    return (unsigned)l < AMP_LIST__COUNT ? names[l] : "?";
}

enum amp_list amp_list_parse(const char *s)
{
    static const struct { const char *n; enum amp_list l; } t[] = {
        {"none", AMP_LIST_NONE},   {"allow", AMP_LIST_ALLOW}, {"infer", AMP_LIST_INFER},
        {"clear", AMP_LIST_CLEAR}, {"deny", AMP_LIST_DENY},   {"white", AMP_LIST_ALLOW},
        {"gray", AMP_LIST_INFER},  {"grey", AMP_LIST_INFER},  {"black", AMP_LIST_DENY},
        {"allowlist", AMP_LIST_ALLOW}, {"inferlist", AMP_LIST_INFER},
        {"clearlist", AMP_LIST_CLEAR}, {"denylist", AMP_LIST_DENY},
        {"whitelist", AMP_LIST_ALLOW}, {"graylist", AMP_LIST_INFER},
        {"blacklist", AMP_LIST_DENY},
    };
    if (!s)
        return (enum amp_list)-1;
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (!strcasecmp(s, t[i].n))
            return t[i].l;
    return (enum amp_list)-1;
}

/* ---- the env variables --------------------------------------------------- */

/* Order = TF's application order: per list, the new name then the legacy one. */
static const struct { const char *name; enum amp_list list; } VARS[AMP_N_VARS] = {
    {"ALLOWLIST", AMP_LIST_ALLOW}, {"WHITELIST", AMP_LIST_ALLOW},
    {"INFERLIST", AMP_LIST_INFER}, {"GRAYLIST", AMP_LIST_INFER},
    {"DENYLIST", AMP_LIST_DENY},   {"BLACKLIST", AMP_LIST_DENY},
    {"CLEARLIST", AMP_LIST_CLEAR},
};
#define ENV_PREFIX "TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_"

struct tokens {
    char **v;
    int n;
    size_t cap;
    bool set;     /* the variable is set (possibly to "") */
};

struct amp_lists {
    const struct amp_listset *set;
    struct tokens var[AMP_N_VARS][2]; /* [var][0=ADD,1=REMOVE] */
    enum amp_level level;
    char *level_text;                 /* raw LEVEL value, NULL if unset */
    /* effective lists (after edits) */
    struct strpool *pool;
    struct strmap eff[AMP_LIST__COUNT];
    const char **eff_ops[AMP_LIST__COUNT];
    int eff_n[AMP_LIST__COUNT];
    /* amp_lists_env output */
    char *env_names[AMP_N_VARS * 2 + 1];
    char *env_values[AMP_N_VARS * 2 + 1];
};

static void tok_clear(struct tokens *t)
{
    for (int i = 0; i < t->n; i++)
        free(t->v[i]);
    t->n = 0;
    t->set = false;
}

static void tok_push(struct tokens *t, const char *s, size_t n)
{
    xgrow(&t->v, &t->cap, (size_t)t->n + 1, sizeof *t->v);
    t->v[t->n++] = xstrndup(s, n);
    t->set = true;
}

/* str_util::Split(text, ","): "" -> nothing; else every piece, empty ones too. */
static void tok_split_append(struct tokens *t, const char *csv)
{
    if (!csv)
        return;
    t->set = true;
    if (!*csv)
        return;
    const char *p = csv;
    for (;;) {
        const char *c = strchr(p, ',');
        size_t n = c ? (size_t)(c - p) : strlen(p);
        tok_push(t, p, n);
        if (!c)
            break;
        p = c + 1;
    }
}

static void tok_remove_all(struct tokens *t, const char *op)
{
    int k = 0;
    for (int i = 0; i < t->n; i++) {
        if (!strcmp(t->v[i], op))
            free(t->v[i]);
        else
            t->v[k++] = t->v[i];
    }
    t->n = k;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Rebuilds the effective lists from the defaults and the edit variables. */
static void rebuild(amp_lists *l)
{
    if (l->pool)
        strpool_free(l->pool);
    l->pool = strpool_new();
    for (int li = 0; li < AMP_LIST__COUNT; li++) {
        strmap_done(&l->eff[li]);
        strmap_init(&l->eff[li]);
        free(l->eff_ops[li]);
        l->eff_ops[li] = NULL;
        l->eff_n[li] = 0;
        const char *const *d = l->set->lists[li];
        for (int i = 0; d && d[i]; i++)
            strmap_put(&l->eff[li], strpool_intern(l->pool, d[i], strlen(d[i])), 1);
    }
    for (int vi = 0; vi < AMP_N_VARS; vi++) {
        struct strmap *m = &l->eff[VARS[vi].list];
        for (int i = 0; i < l->var[vi][0].n; i++) {
            const char *s = l->var[vi][0].v[i];
            strmap_put(m, strpool_intern(l->pool, s, strlen(s)), 1);
        }
        for (int i = 0; i < l->var[vi][1].n; i++) {
            const char *s = l->var[vi][1].v[i];
            if (strmap_get(m, s, 0))
                strmap_put(m, strpool_intern(l->pool, s, strlen(s)), 0);
        }
    }
    for (int li = 1; li < AMP_LIST__COUNT; li++) {
        struct strmap *m = &l->eff[li];
        const char **v = xcalloc(m->count + 1, sizeof *v);
        int n = 0;
        for (size_t i = 0; i < m->cap; i++)
            if (m->keys[i] && m->vals[i])
                v[n++] = m->keys[i];
        qsort(v, (size_t)n, sizeof *v, cmp_str);
        l->eff_ops[li] = v;
        l->eff_n[li] = n;
    }
}

static const struct amp_listset *find_set(const char *ver, struct err *e)
{
    if (!ver || !*ver || !strcmp(ver, "newest") || !strcmp(ver, "latest"))
        return &SETS[N_SETS - 1];
    const char *p = ver;
    if (*p == 'v' || *p == 'V')
        p++;
    char *end;
    long major = strtol(p, &end, 10);
    long minor = -1;
    if (end != p && *end == '.') {
        const char *q = end + 1;
        minor = strtol(q, &end, 10);
        if (end == q)
            minor = -1;
        /* optional .patch and a suffix such as rc0 are ignored */
    }
    if (major != 2 || minor < 0) {
        err_set(e, ST_EINVAL,
                "unknown TensorFlow version '%s': give it as 2.X (for example 2.12 or 2.19); "
                "known list sets: 2.9 (2.8-2.10), 2.11, 2.12, 2.13 (2.13-2.14), 2.19 (2.15+)",
                ver);
        return NULL;
    }
    if (minor < 8) {
        err_set(e, ST_EUNSUPPORTED,
                "TensorFlow %s predates the auto_mixed_precision_onednn_bfloat16 lists ampscope "
                "models (2.8 and later); use --tf-version 2.9 for the oldest set",
                ver);
        return NULL;
    }
    const char *want = minor <= 10 ? "2.9" : minor == 11 ? "2.11" : minor == 12 ? "2.12"
                     : minor <= 14 ? "2.13" : "2.19";
    for (int i = 0; i < N_SETS; i++)
        if (!strcmp(SETS[i].name, want))
            return &SETS[i];
    return &SETS[N_SETS - 1];
}

amp_lists *amp_lists_new(const char *tf_version, struct err *e)
{
    const struct amp_listset *s = find_set(tf_version, e);
    if (!s)
        return NULL;
    amp_lists *l = xcalloc(1, sizeof *l);
    l->set = s;
    for (int i = 0; i < AMP_LIST__COUNT; i++)
        strmap_init(&l->eff[i]);
    rebuild(l);
    return l;
}

amp_lists *amp_lists_clone(const amp_lists *src)
{
    amp_lists *l = xcalloc(1, sizeof *l);
    l->set = src->set;
    l->level = src->level;
    l->level_text = src->level_text ? xstrdup(src->level_text) : NULL;
    for (int v = 0; v < AMP_N_VARS; v++)
        for (int k = 0; k < 2; k++) {
            for (int i = 0; i < src->var[v][k].n; i++)
                tok_push(&l->var[v][k], src->var[v][k].v[i], strlen(src->var[v][k].v[i]));
            l->var[v][k].set = src->var[v][k].set;
        }
    for (int i = 0; i < AMP_LIST__COUNT; i++)
        strmap_init(&l->eff[i]);
    rebuild(l);
    return l;
}

static void free_env_out(amp_lists *l)
{
    for (int i = 0; l->env_names[i]; i++) {
        free(l->env_names[i]);
        free(l->env_values[i]);
        l->env_names[i] = l->env_values[i] = NULL;
    }
}

void amp_lists_free(amp_lists *l)
{
    if (!l)
        return;
    for (int v = 0; v < AMP_N_VARS; v++)
        for (int k = 0; k < 2; k++) {
            tok_clear(&l->var[v][k]);
            free(l->var[v][k].v);
        }
    for (int i = 0; i < AMP_LIST__COUNT; i++) {
        strmap_done(&l->eff[i]);
        free(l->eff_ops[i]);
    }
    free_env_out(l);
    free(l->level_text);
    strpool_free(l->pool);
    free(l);
}

const char *amp_lists_version(const amp_lists *l) { return l->set->name; }
const char *amp_lists_covers(const amp_lists *l) { return l->set->covers; }
enum amp_cast_style amp_lists_cast_style(const amp_lists *l) { return l->set->cast_style; }

bool amp_lists_has(const amp_lists *l, enum amp_list list, const char *op)
{
    if (list <= AMP_LIST_NONE || list >= AMP_LIST__COUNT || !op)
        return false;
    return strmap_get(&l->eff[list], op, 0) != 0;
}

int amp_lists_ops(const amp_lists *l, enum amp_list list, const char *const **ops)
{
    if (list <= AMP_LIST_NONE || list >= AMP_LIST__COUNT) {
        *ops = NULL;
        return 0;
    }
    *ops = l->eff_ops[list];
    return l->eff_n[list];
}

enum amp_list amp_lists_which(const amp_lists *l, const char *op, bool *multi)
{
    static const enum amp_list order[] = {AMP_LIST_ALLOW, AMP_LIST_INFER, AMP_LIST_CLEAR,
                                          AMP_LIST_DENY};
    enum amp_list first = AMP_LIST_NONE;
    int n = 0;
    for (int i = 0; i < 4; i++)
        if (amp_lists_has(l, order[i], op)) {
            if (!n)
                first = order[i];
            n++;
        }
    if (multi)
        *multi = n > 1;
    return first;
}

enum amp_list amp_lists_default(const amp_lists *l, const char *op)
{
    for (int li = AMP_LIST_ALLOW; li < AMP_LIST__COUNT; li++) {
        const char *const *d = l->set->lists[li];
        for (int i = 0; d && d[i]; i++)
            if (!strcmp(d[i], op))
                return (enum amp_list)li;
    }
    return AMP_LIST_NONE;
}

static int primary_var(enum amp_list list)
{
    for (int v = 0; v < AMP_N_VARS; v++)
        if (VARS[v].list == list)
            return v;
    return -1;
}

void amp_lists_edit(amp_lists *l, enum amp_list list, bool add, const char *ops_csv)
{
    int v = primary_var(list);
    if (v < 0 || !ops_csv)
        return;
    tok_split_append(&l->var[v][add ? 0 : 1], ops_csv);
    rebuild(l);
}

void amp_lists_edit_var(amp_lists *l, int var, bool add, const char *ops_csv)
{
    if (var < 0 || var >= AMP_N_VARS || !ops_csv)
        return;
    tok_split_append(&l->var[var][add ? 0 : 1], ops_csv);
    rebuild(l);
}

const char *amp_var_name(int var) { return var >= 0 && var < AMP_N_VARS ? VARS[var].name : "?"; }

static void set_level_text(amp_lists *l, const char *v)
{
    free(l->level_text);
    l->level_text = v ? xstrdup(v) : NULL;
    l->level = AMP_LEVEL_DEFAULT;
    if (!v)
        return;
    /* TF: absl::AsciiStrToUpper, then exact comparison (no trimming). */
    char *u = xstrdup(v);
    for (char *p = u; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    if (!strcmp(u, "TREAT_INFER_AS_DENY"))
        l->level = AMP_LEVEL_TREAT_INFER_AS_DENY;
    else if (!strcmp(u, "UNSAFE_FORCE_ALL"))
        l->level = AMP_LEVEL_UNSAFE_FORCE_ALL;
    free(u);
}

void amp_lists_set_level(amp_lists *l, const char *level_text) { set_level_text(l, level_text); }
const char *amp_lists_level_text(const amp_lists *l) { return l->level_text; }

enum status amp_lists_from_env(amp_lists *l, const char *(*getenv_fn)(const char *name),
                               struct err *e)
{
    (void)e;
    char name[128];
    for (int v = 0; v < AMP_N_VARS; v++)
        for (int k = 0; k < 2; k++) {
            snprintf(name, sizeof name, ENV_PREFIX "%s_%s", VARS[v].name, k ? "REMOVE" : "ADD");
            const char *val = getenv_fn ? getenv_fn(name) : getenv(name);
            if (val)
                tok_split_append(&l->var[v][k], val);
        }
    const char *lv = getenv_fn ? getenv_fn(ENV_PREFIX "LEVEL") : getenv(ENV_PREFIX "LEVEL");
    if (lv)
        set_level_text(l, lv);
    rebuild(l);
    return ST_OK;
}

void amp_lists_set(amp_lists *l, const char *op, enum amp_list list)
{
    for (int v = 0; v < AMP_N_VARS; v++)
        for (int k = 0; k < 2; k++)
            tok_remove_all(&l->var[v][k], op);
    enum amp_list def = amp_lists_default(l, op);
    if (list != AMP_LIST_NONE && list != def) {
        if (def != AMP_LIST_NONE)
            tok_push(&l->var[primary_var(def)][1], op, strlen(op));
        tok_push(&l->var[primary_var(list)][0], op, strlen(op));
    }
    rebuild(l);
}

enum amp_level amp_lists_level(const amp_lists *l) { return l->level; }

int amp_lists_env(const amp_lists *l, const char *const **names, const char *const **values)
{
    amp_lists *m = (amp_lists *)l; /* output cache only */
    free_env_out(m);
    int n = 0;
    for (int v = 0; v < AMP_N_VARS; v++)
        for (int k = 0; k < 2; k++) {
            const struct tokens *t = &l->var[v][k];
            if (!t->n)
                continue;
            struct abuf b;
            abuf_init(&b);
            for (int i = 0; i < t->n; i++) {
                if (i)
                    abuf_putc(&b, ',');
                abuf_puts(&b, t->v[i]);
            }
            m->env_names[n] = xasprintf(ENV_PREFIX "%s_%s", VARS[v].name, k ? "REMOVE" : "ADD");
            m->env_values[n] = b.data ? b.data : xstrdup("");
            n++;
        }
    if (l->level_text) {
        m->env_names[n] = xstrdup(ENV_PREFIX "LEVEL");
        m->env_values[n] = xstrdup(l->level_text);
        n++;
    }
    m->env_names[n] = m->env_values[n] = NULL;
    *names = (const char *const *)m->env_names;
    *values = (const char *const *)m->env_values;
    return n;
}

int amp_lists_conflicts(const amp_lists *l, const char ***ops)
{
    /* ValidateLists: a multiset over allow, deny, infer, clear. */
    int n = 0;
    const char **v = NULL;
    size_t cap = 0;
    for (int li = AMP_LIST_ALLOW; li < AMP_LIST__COUNT; li++)
        for (int i = 0; i < l->eff_n[li]; i++) {
            const char *op = l->eff_ops[li][i];
            int cnt = 0;
            bool in_deny = amp_lists_has(l, AMP_LIST_DENY, op);
            bool in_infer = amp_lists_has(l, AMP_LIST_INFER, op);
            cnt += amp_lists_has(l, AMP_LIST_ALLOW, op);
            cnt += amp_lists_has(l, AMP_LIST_CLEAR, op);
            if (l->level == AMP_LEVEL_TREAT_INFER_AS_DENY)
                cnt += in_deny || in_infer; /* infer ops join the deny set */
            else
                cnt += in_deny + in_infer;
            if (cnt < 2)
                continue;
            bool seen = false;
            for (int k = 0; k < n && !seen; k++)
                seen = !strcmp(v[k], op);
            if (!seen) {
                xgrow(&v, &cap, (size_t)n + 1, sizeof *v);
                v[n++] = op;
            }
        }
    if (n)
        qsort(v, (size_t)n, sizeof *v, cmp_str);
    *ops = v;
    return n;
}
