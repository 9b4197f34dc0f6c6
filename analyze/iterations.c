/* iterations.c: telling warmup, setup and measured iterations apart, from
 * ampscope's marker lines or, without them, from the period of the exec
 * event sequence (Z-function over the reversed sequence of line-shape
 * hashes: the period that covers the longest tail wins, the shortest such).
 */
#include "analyze/iterations.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/rundir.h"

int it_parse_marker(const char *line, size_t len, struct it_marker *out)
{
    size_t ml = strlen(RUNDIR_MARKER);
    if (len < ml || memcmp(line, RUNDIR_MARKER, ml) != 0)
        return 0;
    char buf[160];
    if (len >= sizeof buf)
        return -1;
    memcpy(buf, line, len);
    buf[len] = 0;
    while (len && (buf[len - 1] == '\r' || buf[len - 1] == '\n' || buf[len - 1] == ' '))
        buf[--len] = 0;
    char *f[6] = {0};
    int nf = 0;
    for (char *p = buf; nf < 6;) {
        f[nf++] = p;
        char *c = strchr(p, ',');
        if (!c)
            break;
        *c = 0;
        p = c + 1;
    }
    if (nf != 5 || strcmp(f[0], RUNDIR_MARKER) != 0)
        return -1;
    memset(out, 0, sizeof *out);
    if (!strcmp(f[1], "iter"))
        out->iter = true;
    else if (strcmp(f[1], "warmup") != 0)
        return -1;
    char *end;
    long idx = strtol(f[2], &end, 10);
    if (*f[2] == 0 || *end || idx < 0 || idx > 100000000)
        return -1;
    out->index = (int)idx;
    if (!strcmp(f[3], "begin"))
        out->begin = true;
    else if (strcmp(f[3], "end") != 0)
        return -1;
    double w = strtod(f[4], &end);
    out->wall_ms = (*f[4] && !*end) ? w : NAN;
    return 1;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

void it_spread(double *v, int n, double *min, double *median, double *max)
{
    if (n <= 0) {
        *min = *median = *max = NAN;
        return;
    }
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    *min = v[0];
    *max = v[n - 1];
    *median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void it_assign_markers(struct rep_event *ev, long n, const struct it_marker *mk, int n_mk,
                       struct it_result *res)
{
    memset(res, 0, sizeof *res);
    res->from_markers = true;
    res->wall_ms_per_iter = res->wall_min = res->wall_median = res->wall_max = NAN;
    double *walls = xmalloc(sizeof *walls * (size_t)(n_mk > 0 ? n_mk : 1));
    int seq = -1, iteration = -1, next_seq = 0;
    bool inside = false;
    int k = 0;
    double wall_sum = 0, begin_wall = NAN;
    int wall_n = 0, max_iter = -1, max_warm = -1;
    for (long i = 0; i <= n; i++) {
        long line = i < n ? ev[i].line_no : (long)1 << 62;
        while (k < n_mk && mk[k].line_no < line) {
            const struct it_marker *m = &mk[k++];
            if (m->begin) {
                inside = true;
                seq = next_seq++;
                iteration = m->iter ? m->index : -1;
                begin_wall = m->wall_ms;
                if (m->iter && m->index > max_iter)
                    max_iter = m->index;
                if (!m->iter && m->index > max_warm)
                    max_warm = m->index;
            } else {
                if (inside && m->iter && !isnan(begin_wall) && !isnan(m->wall_ms)) {
                    wall_sum += m->wall_ms - begin_wall;
                    walls[wall_n++] = m->wall_ms - begin_wall;
                }
                inside = false;
                iteration = -1;
            }
        }
        if (i == n)
            break;
        if (inside) {
            ev[i].seq = seq;
            ev[i].iteration = iteration;
        } else {
            ev[i].seq = -1;
            ev[i].iteration = -1;
        }
        if (ev[i].iteration < 0)
            res->n_outside++;
    }
    res->n_iters = max_iter + 1;
    res->n_warmup = max_warm + 1;
    if (wall_n)
        res->wall_ms_per_iter = wall_sum / wall_n;
    it_spread(walls, wall_n, &res->wall_min, &res->wall_median, &res->wall_max);
    free(walls);
}

static uint64_t ev_hash(const struct rep_event *e)
{
    uint64_t h = (uint64_t)(uintptr_t)e->prim * 0x9e3779b97f4a7c15ULL;
    h ^= (uint64_t)(uintptr_t)e->problem + 0x7f4a7c159e3779b9ULL + (h << 6) + (h >> 2);
    h ^= (uint64_t)(uintptr_t)e->mds + 0x94d049bb133111ebULL + (h << 6) + (h >> 2);
    h ^= (uint64_t)(uintptr_t)e->attrs + 0xbf58476d1ce4e5b9ULL + (h << 6) + (h >> 2);
    return h;
}

void it_assign_repeats(struct rep_event *ev, long n, struct it_result *res)
{
    memset(res, 0, sizeof *res);
    res->wall_ms_per_iter = res->wall_min = res->wall_median = res->wall_max = NAN;
    if (n <= 0)
        return;
    uint64_t *r = xmalloc((size_t)n * sizeof *r);
    for (long i = 0; i < n; i++)
        r[i] = ev_hash(&ev[n - 1 - i]);
    long *z = xcalloc((size_t)n, sizeof *z);
    long l = 0, rr = 0;
    for (long i = 1; i < n; i++) {
        long zi = 0;
        if (i < rr)
            zi = z[i - l] < rr - i ? z[i - l] : rr - i;
        while (i + zi < n && r[zi] == r[i + zi])
            zi++;
        z[i] = zi;
        if (i + zi > rr)
            l = i, rr = i + zi;
    }
    long best_p = 0, best_cover = 0;
    for (long p = 1; p <= n / 2; p++) {
        long cover = p + z[p];
        if (cover / p < 2)
            continue;
        cover = (cover / p) * p; /* whole iterations only */
        if (cover > best_cover) {
            best_cover = cover;
            best_p = p;
        }
    }
    free(r);
    free(z);
    /* a steady state is most of the log; a short repeating tail inside one
     * run (two identical last ops) is not */
    if (best_cover * 2 < n)
        best_p = 0;
    if (best_p == 0) { /* one run, no repetition */
        for (long i = 0; i < n; i++) {
            ev[i].seq = 0;
            ev[i].iteration = 0;
        }
        res->n_iters = 1;
        res->period = (int)(n < INT32_MAX ? n : 0);
        return;
    }
    it_assign_period(ev, n, (long)best_p, best_cover / best_p, res);
}

void it_assign_period(struct rep_event *ev, long n, long period, long reps, struct it_result *res)
{
    memset(res, 0, sizeof *res);
    res->wall_ms_per_iter = res->wall_min = res->wall_median = res->wall_max = NAN;
    if (period <= 0 || reps <= 0 || period * reps > n)
        return;
    long start = n - period * reps;
    int base = start > 0 ? 1 : 0;
    for (long i = 0; i < start; i++) {
        ev[i].seq = 0;
        ev[i].iteration = -1;
    }
    for (long i = start; i < n; i++) {
        long k = (i - start) / period;
        ev[i].seq = (int)(base + k);
        ev[i].iteration = (int)k;
    }
    res->n_iters = (int)reps;
    res->n_warmup = base;
    res->period = (int)period;
    res->n_outside = start;
}
