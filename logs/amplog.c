/* amplog.c: recognises TensorFlow grappler and ITEX auto-mixed-precision log
 * lines (INFO summaries, failures, VLOG per-node painting/changing/casting)
 * behind either log prefix (classic "2022-08-19 00:06:08.735706: I file:line]"
 * or absl "I0000 00:00:1758753949.448357  905 file:line]") or none, and keeps
 * a summary plus the per-node decisions. Lines that are not AMP lines cost a
 * couple of byte searches.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include "logs/amplog.h"

#include <stdlib.h>
#include <string.h>

#define AMP_MAX_DECISIONS 1000000 /* bounded memory on enormous VLOG logs */

struct amp_log {
    struct amp_log_summary s;
    struct amp_decision *dec;
    size_t ndec, cap;
    struct strpool *pool;
    long dropped;
};

amp_log *amp_log_new(void)
{
    amp_log *a = xcalloc(1, sizeof *a);
    a->s.converted = a->s.total = a->s.casts = -1;
    a->pool = strpool_new();
    return a;
}

void amp_log_free(amp_log *a)
{
    if (!a)
        return;
    free(a->dec);
    strpool_free(a->pool);
    free(a);
}

const struct amp_log_summary *amp_log_summary(const amp_log *a) { return &a->s; }

const struct amp_decision *amp_log_decisions(const amp_log *a, int *n)
{
    *n = (int)a->ndec;
    return a->dec;
}

/* ---- helpers ------------------------------------------------------------ */

static bool starts(const char *s, size_t n, const char *lit)
{
    size_t k = strlen(lit);
    return n >= k && !memcmp(s, lit, k);
}

static const char *find(const char *s, size_t n, const char *lit)
{
    return memmem(s, n, lit, strlen(lit));
}

/* The message after the TF/ITEX/absl log prefix ("...] "), or the line. */
static void strip_prefix(const char **s, size_t *n)
{
    const char *p = *s;
    size_t len = *n;
    while (len && (*p == ' ' || *p == '\t')) {
        p++;
        len--;
    }
    bool prefixed = false;
    if (len > 2 && p[0] && strchr("IWEF", p[0]) && p[1] >= '0' && p[1] <= '9')
        prefixed = true; /* absl: I0101 12:00:00.000000 tid file:line] */
    else if (len > 12 && p[0] >= '0' && p[0] <= '9' && p[4] == '-' && p[7] == '-')
        prefixed = true; /* classic: 2022-08-19 00:06:08.735706: I file:line] */
    if (prefixed) {
        const char *b = memchr(p, ']', len > 200 ? 200 : len);
        if (b) {
            b++;
            if (b < p + len && *b == ' ')
                b++;
            len -= (size_t)(b - p);
            p = b;
        }
    }
    while (len && (p[len - 1] == '\r' || p[len - 1] == ' '))
        len--;
    *s = p;
    *n = len;
}

static const char *intern_n(amp_log *a, const char *s, size_t n)
{
    return strpool_intern(a->pool, s, n);
}

/* Next space-separated word of [*p, e). */
static bool word(const char **p, const char *e, const char **w, size_t *wn)
{
    const char *s = *p;
    while (s < e && *s == ' ')
        s++;
    if (s >= e)
        return false;
    const char *t = s;
    while (t < e && *t != ' ')
        t++;
    *w = s;
    *wn = (size_t)(t - s);
    *p = t;
    return true;
}

static bool weq(const char *w, size_t n, const char *lit)
{
    return n == strlen(lit) && !memcmp(w, lit, n);
}

static struct amp_decision *add_dec(amp_log *a, enum amp_decision_kind k, long line_no)
{
    if (a->ndec >= AMP_MAX_DECISIONS) {
        a->dropped++;
        return NULL;
    }
    xgrow(&a->dec, &a->cap, a->ndec + 1, sizeof *a->dec);
    struct amp_decision *d = &a->dec[a->ndec++];
    const char *empty = intern_n(a, "", 0);
    d->kind = k;
    d->node = d->op = d->attr = d->what = empty;
    d->port = -1;
    d->line_no = line_no;
    a->s.n_decisions = (int)a->ndec;
    return d;
}

/* "Painting type T of node X ALLOW because its op Op is on the allowlist"
 * "Painting type T of Op node X DENY[ because ...]"
 * "UnPainting type T of node X ALLOW because its op Op is not support F16 DataType" */
static int paint(amp_log *a, const char *p, const char *e, bool unpaint, long line_no)
{
    const char *w;
    size_t wn;
    const char *attr = NULL, *op = NULL, *node = NULL, *what = NULL;
    size_t an = 0, on = 0, nn = 0, whn = 0;
    if (!word(&p, e, &w, &wn) || !weq(w, wn, "type") || !word(&p, e, &attr, &an))
        return 0;
    if (!word(&p, e, &w, &wn) || !weq(w, wn, "of") || !word(&p, e, &w, &wn))
        return 0;
    if (weq(w, wn, "node")) {
        if (!word(&p, e, &node, &nn))
            return 0;
    } else {
        op = w;
        on = wn;
        if (!word(&p, e, &w, &wn) || !weq(w, wn, "node") || !word(&p, e, &node, &nn))
            return 0;
    }
    if (!word(&p, e, &what, &whn))
        return 0;
    if (!op) {
        const char *q = find(p, (size_t)(e - p), " its op ");
        if (q) {
            const char *r = q + 8;
            if (word(&r, e, &op, &on) == false)
                op = NULL;
        }
    }
    struct amp_decision *d = add_dec(a, AMP_DEC_PAINT, line_no);
    if (!d)
        return 1;
    d->attr = intern_n(a, attr, an);
    d->node = intern_n(a, node, nn);
    if (op)
        d->op = intern_n(a, op, on);
    if (unpaint) {
        char tmp[64];
        int k = snprintf(tmp, sizeof tmp, "UN%.*s", (int)(whn > 40 ? 40 : whn), what);
        d->what = intern_n(a, tmp, (size_t)k);
    } else {
        d->what = intern_n(a, what, whn);
    }
    return 1;
}

/* "Changing type T of Op node X to bfloat16" */
static int change(amp_log *a, const char *p, const char *e, long line_no)
{
    const char *w, *attr, *op, *node, *to;
    size_t wn, an, on, nn, tn;
    if (!word(&p, e, &w, &wn) || !weq(w, wn, "type") || !word(&p, e, &attr, &an) ||
        !word(&p, e, &w, &wn) || !weq(w, wn, "of") || !word(&p, e, &op, &on) ||
        !word(&p, e, &w, &wn) || !weq(w, wn, "node") || !word(&p, e, &node, &nn) ||
        !word(&p, e, &w, &wn) || !weq(w, wn, "to") || !word(&p, e, &to, &tn))
        return 0;
    struct amp_decision *d = add_dec(a, AMP_DEC_CHANGE, line_no);
    if (d) {
        d->attr = intern_n(a, attr, an);
        d->op = intern_n(a, op, on);
        d->node = intern_n(a, node, nn);
        d->what = intern_n(a, to, tn);
    }
    return 1;
}

/* "Inserting cast to bfloat16 at Op node:port" / "... to DT_FLOAT at ..." */
static int cast(amp_log *a, const char *p, const char *e, long line_no)
{
    const char *to, *w, *op, *np;
    size_t tn, wn, on, npn;
    if (!word(&p, e, &to, &tn) || !word(&p, e, &w, &wn) || !weq(w, wn, "at") ||
        !word(&p, e, &op, &on) || !word(&p, e, &np, &npn))
        return 0;
    struct amp_decision *d = add_dec(a, AMP_DEC_CAST, line_no);
    if (d) {
        d->what = intern_n(a, to, tn);
        d->op = intern_n(a, op, on);
        const char *c = NULL;
        for (size_t i = npn; i > 0; i--)
            if (np[i - 1] == ':') {
                c = np + i - 1;
                break;
            }
        if (c && c + 1 < np + npn) {
            d->node = intern_n(a, np, (size_t)(c - np));
            int port = 0; /* the line is not NUL-terminated: bounded parse */
            for (const char *q = c + 1; q < np + npn && *q >= '0' && *q <= '9' && port < 100000; q++)
                port = port * 10 + (*q - '0');
            d->port = port;
        } else {
            d->node = intern_n(a, np, npn);
        }
    }
    return 1;
}

static void set_dtype(amp_log *a, const char *s, size_t n)
{
    if (n >= sizeof a->s.dtype)
        n = sizeof a->s.dtype - 1;
    memcpy(a->s.dtype, s, n);
    a->s.dtype[n] = 0;
}

/* "Converted X/Y nodes to bfloat16 precision using N cast(s) to bfloat16 ..." */
static int converted(amp_log *a, const char *m, size_t n)
{
    char tmp[320];
    size_t k = n < sizeof tmp - 1 ? n : sizeof tmp - 1;
    memcpy(tmp, m, k);
    tmp[k] = 0;
    int x, y, c;
    char type[16];
    if (sscanf(tmp, "Converted %d/%d nodes to %15s precision using %d cast", &x, &y, type, &c) != 4)
        return 0;
    a->s.converted = x;
    a->s.total = y;
    a->s.casts = c;
    a->s.converted_lines++;
    a->s.converted_sum += x;
    a->s.total_sum += y;
    a->s.casts_sum += c;
    string_copy(a->s.converted_line, tmp);
    set_dtype(a, type, strlen(type));
    return 1;
}

int amp_log_line(amp_log *a, const char *line, size_t len, long line_no)
{
    const char *m = line;
    size_t n = len;
    strip_prefix(&m, &n);
    if (n < 12)
        return 0;
    const char *e = m + n;
    switch (m[0]) {
    case 'R':
        if (starts(m, n, "Running auto_mixed_precision") && find(m, n, " graph optimizer")) {
            if (!find(m, n, " graph optimizer on "))
                a->s.passes_run++; /* the INFO line; VLOG(1) adds " on <item>" */
            if (find(m, n, "bfloat16") || find(m, n, "_mkl"))
                set_dtype(a, "bfloat16", 8);
            return 1;
        }
        if (starts(m, n, "Run advanced auto mixed precision datatype ")) {
            a->s.itex = true;
            a->s.passes_run++;
            const char *t = m + 43, *w;
            size_t wn;
            if (word(&t, e, &w, &wn)) {
                if (weq(w, wn, "BFLOAT16"))
                    set_dtype(a, "bfloat16", 8);
                else if (weq(w, wn, "FLOAT16"))
                    set_dtype(a, "float16", 7);
            }
            return 1;
        }
        return 0;
    case 'C':
        if (starts(m, n, "Converted "))
            return converted(a, m, n);
        if (starts(m, n, "Changing type "))
            return change(a, m + 8, e, line_no);
        return 0;
    case 'N':
        if (starts(m, n, "No allowlist ops found, nothing to do") ||
            starts(m, n, "No whitelist ops found, nothing to do")) {
            a->s.nothing_to_do++;
            return 1;
        }
        return 0;
    case 'P':
        if (starts(m, n, "Painting type "))
            return paint(a, m + 8, e, false, line_no);
        return 0;
    case 'U':
        if (starts(m, n, "UnPainting type "))
            return paint(a, m + 10, e, true, line_no);
        return 0;
    case 'I':
        if (starts(m, n, "Inserting cast to "))
            return cast(a, m + 18, e, line_no);
        return 0;
    case 'O':
        if (starts(m, n, "Op present in multiple lists: ")) {
            a->s.multiple_lists = true;
            return 1;
        }
        return 0;
    default:
        break;
    }
    const char *f = find(m, n, "graph optimizer FAILED: ");
    if (f && (find(m, (size_t)(f - m), "mixed_precision") || f == m || f == m + 1)) {
        a->s.failures++;
        if (!a->s.failure[0]) {
            const char *t = m;
            while (t < e && *t == ' ')
                t++;
            size_t tn = (size_t)(e - t);
            size_t k = tn < sizeof a->s.failure - 1 ? tn : sizeof a->s.failure - 1;
            memcpy(a->s.failure, t, k);
            a->s.failure[k] = 0;
        }
        if (f == m || f == m + 1)
            a->s.itex = true; /* ITEX: " graph optimizer FAILED: ..." */
        return 1;
    }
    return 0;
}
