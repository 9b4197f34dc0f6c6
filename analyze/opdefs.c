/* opdefs.c: the OpDef-level facts the AMP painter needs, as data: per op, the
 * type attribute (or fixed type, type list, repeat count) of every input and
 * output argument, and per type attribute whether the OpDef allows bfloat16
 * and whether a CPU kernel accepts it. The table (opdefs_data.inc) is
 * generated from TensorFlow 2.19.1's own registries by tools/gen_opdefs.py;
 * this file parses it once into structs and answers lookups.
 */
#include "analyze/amp.h"
#include "analyze/amp_int.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct raw_opdef {
    const char *op, *ins, *outs, *attrs;
    int stateful;
};

#define OPDEF(op, ins, outs, attrs, st) {op, ins, outs, attrs, st},
static const struct raw_opdef RAW[] = {
#include "analyze/opdefs_data.inc"
};
#undef OPDEF
#define N_RAW ((int)(sizeof RAW / sizeof RAW[0]))

static struct amp_opdef *DEFS;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void parse_args(const char *s, struct amp_argspec *out, int *n)
{
    *n = 0;
    while (s && *s && *n < AMP_MAX_ARGS) {
        const char *c = strchr(s, ',');
        size_t len = c ? (size_t)(c - s) : strlen(s);
        char piece[96];
        if (len >= sizeof piece)
            len = sizeof piece - 1;
        memcpy(piece, s, len);
        piece[len] = 0;
        struct amp_argspec *a = &out[(*n)++];
        memset(a, 0, sizeof *a);
        char *p = piece;
        char *star = strchr(p, '*');
        if (star) {
            *star = 0;
            string_copy(a->number, p);
            p = star + 1;
        }
        if (*p == '[') {
            a->kind = AMP_ARG_LIST;
            p++;
            char *e = strchr(p, ']');
            if (e)
                *e = 0;
            string_copy(a->attr, p);
        } else if (*p == '=') {
            a->kind = AMP_ARG_FIXED;
            a->fixed = tf_dtype_parse(p + 1);
            if (a->fixed < 0)
                a->fixed = TF_DT_INVALID;
        } else {
            a->kind = AMP_ARG_ATTR;
            string_copy(a->attr, p);
        }
        s = c ? c + 1 : NULL;
    }
}

static void parse_attrs(const char *s, struct amp_opdef *d)
{
    d->n_attrs = 0;
    while (s && *s && d->n_attrs < AMP_MAX_ARGS) {
        const char *c = strchr(s, ',');
        size_t len = c ? (size_t)(c - s) : strlen(s);
        char piece[96];
        if (len >= sizeof piece)
            len = sizeof piece - 1;
        memcpy(piece, s, len);
        piece[len] = 0;
        struct amp_typeattr *t = &d->attrs[d->n_attrs++];
        memset(t, 0, sizeof *t);
        char *colon = strrchr(piece, ':');
        const char *flags = "";
        if (colon) {
            *colon = 0;
            flags = colon + 1;
        }
        char *p = piece;
        if (*p == '[') {
            t->is_list = true;
            p++;
            char *e = strchr(p, ']');
            if (e)
                *e = 0;
        }
        string_copy(t->name, p);
        t->bf16 = strchr(flags, 'b') != NULL;
        t->kernel = strchr(flags, 'k') != NULL;
        s = c ? c + 1 : NULL;
    }
}

static void init(void)
{
    DEFS = xcalloc((size_t)N_RAW, sizeof *DEFS);
    for (int i = 0; i < N_RAW; i++) {
        struct amp_opdef *d = &DEFS[i];
        d->op = RAW[i].op;
        d->stateful = RAW[i].stateful != 0;
        parse_args(RAW[i].ins, d->in, &d->n_in);
        parse_args(RAW[i].outs, d->out, &d->n_out);
        parse_attrs(RAW[i].attrs, d);
    }
}

static int cmp_def(const void *key, const void *elem)
{
    return strcmp((const char *)key, ((const struct raw_opdef *)elem)->op);
}

const struct amp_opdef *amp_opdef_find(const char *op)
{
    if (!op)
        return NULL;
    pthread_once(&once, init);
    const struct raw_opdef *r = bsearch(op, RAW, (size_t)N_RAW, sizeof RAW[0], cmp_def);
    return r ? &DEFS[r - RAW] : NULL;
}

int amp_opdef_count(void) { return N_RAW; }

const struct amp_typeattr *amp_opdef_attr(const struct amp_opdef *d, const char *attr)
{
    for (int i = 0; d && i < d->n_attrs; i++)
        if (!strcmp(d->attrs[i].name, attr))
            return &d->attrs[i];
    return NULL;
}

bool amp_opdef_allows_bf16(const char *op, const char *attr)
{
    const struct amp_typeattr *t = amp_opdef_attr(amp_opdef_find(op), attr);
    return t && t->bf16;
}

bool amp_opdef_kernel_bf16(const char *op, const char *attr)
{
    const struct amp_typeattr *t = amp_opdef_attr(amp_opdef_find(op), attr);
    return t && t->bf16 && t->kernel;
}

bool amp_op_known(const char *op) { return amp_opdef_find(op) != NULL; }

static int lev(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return 1000;
    int d[65][65];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            int cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
            int m = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < m)
                m = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < m)
                m = d[i - 1][j - 1] + cost;
            d[i][j] = m;
        }
    return d[la][lb];
}

/* Whether a candidate looks like an op nobody means: an internal op (leading
 * '_') the user did not type, or a TF test op that is the typo plus digits
 * ("Foo" -> "Foo1"). */
static bool unlikely_op(const char *typed, const char *cand)
{
    if (cand[0] == '_' && typed[0] != '_')
        return true;
    size_t lt = strlen(typed), lc = strlen(cand);
    if (lc > lt && !strncmp(cand, typed, lt)) {
        size_t k = lt;
        while (k < lc && isdigit((unsigned char)cand[k]))
            k++;
        if (k == lc)
            return true;
    }
    return false;
}

const char *amp_op_suggest(const char *op)
{
    if (!op || !*op)
        return NULL;
    /* 1. the same name in another case: "Matmul" -> "MatMul" */
    for (int i = 0; i < N_RAW; i++)
        if (!strcasecmp(op, RAW[i].op))
            return RAW[i].op;
    size_t len = strlen(op);
    int limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;
    /* 2. the closest op on one of the newest AMP lists, 3. else any plausible op */
    amp_lists *l = amp_lists_new(NULL, NULL);
    const char *best = NULL;
    int bd = 1000;
    for (int pass = 0; pass < 2 && !best; pass++) {
        for (int i = 0; i < N_RAW; i++) {
            const char *c = RAW[i].op;
            if (pass == 0 && (!l || amp_lists_default(l, c) == AMP_LIST_NONE))
                continue;
            if (unlikely_op(op, c))
                continue;
            int d = lev(op, c);
            if (d < bd && d <= limit) {
                bd = d;
                best = c;
            }
        }
    }
    amp_lists_free(l);
    return best;
}
