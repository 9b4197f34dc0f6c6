/* view_runs.c: the runs of this model (sibling run directories with the same
 * model name, oldest first, with their list changes) and, below them, the
 * per-node diff of two runs: executed precision before and after, time per
 * iteration, speedup. Enter on a run diffs it against the current run, `o`
 * opens it, Enter on a diff row opens the node.
 */
#include "tui/tui_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

struct runs_view {
    int first_diff;   /* line index of the first diff row */
};

static int n_lines(const struct tui_app *a)
{
    int n = a->m.n_runs + 2;
    if (a->m.diff_a[0])
        n += 2 + a->m.n_diff;
    return n;
}

static void runs_open(struct tui_app *a, struct tui_view *v)
{
    struct runs_view *p = v->priv;
    v->lines = n_lines(a);
    p->first_diff = a->m.n_runs + 4;
    for (int i = 0; i < a->m.n_runs; i++)
        if (a->m.runs[i].current)
            v->cursor = i + 1;
}

static void runs_draw(struct tui_app *a, struct tui_view *v, struct tui_canvas *c, int y0, int h)
{
    struct runs_view *p = v->priv;
    const struct tui_model *m = &a->m;
    v->lines = n_lines(a);
    int body = h - 1;
    tv_clamp(v, body);
    int namew = c->w >= 140 ? 40 : c->w >= 100 ? 28 : 22;
    for (int i = 0; i < body; i++) {
        int li = v->top + i;
        int y = y0 + i;
        if (li >= v->lines)
            break;
        bool cur = li == v->cursor;
        unsigned base = cur ? A_REV_ : 0;
        char buf[3000], fit[512];
        if (li == 0) {
            snprintf(buf, sizeof buf, "  %-*s %-14s %-11s %-8s %s", namew, "run", "started", "status",
                     "backend", "list changes");
            cv_fill(c, y, 0, c->w, C_HEADER | A_UNDER_);
            cv_put(c, y, 0, m->n_runs ? buf : "no runs of this model yet: r runs it", c->w,
                   C_HEADER | A_UNDER_);
            continue;
        }
        if (li <= m->n_runs) {
            const struct tui_run *r = &m->runs[li - 1];
            tui_fit_run(fit, sizeof fit, r->name, namew, c->ascii);
            char started[32];
            snprintf(started, sizeof started, "%.14s", strlen(r->started) > 5 ? r->started + 5 : r->started);
            for (char *t = started; *t; t++)
                if (*t == 'T')
                    *t = ' ';
            snprintf(buf, sizeof buf, "%s %-*s %-14s %-11s %-8s %s", r->current ? ">" : " ", namew, fit,
                     started, r->status, r->backend, r->changes);
            cv_fill(c, y, 0, c->w, base);
            cv_put(c, y, 0, buf, c->w,
                   (strcmp(r->status, "ok") ? C_F32 : r->current ? C_BF16 : C_NORMAL) | base |
                       (r->current ? A_BOLD_ : 0));
            continue;
        }
        if (li == m->n_runs + 1 || !m->diff_a[0])
            continue;
        if (li == m->n_runs + 2) {
            const char *ba = strrchr(m->diff_a, '/'), *bb = strrchr(m->diff_b, '/');
            double sp = m->diff_iter_b > 0 ? m->diff_iter_a / m->diff_iter_b : NAN;
            snprintf(buf, sizeof buf, "diff %s -> %s: %.3f -> %.3f ms/iter", ba ? ba + 1 : m->diff_a,
                     bb ? bb + 1 : m->diff_b, m->diff_iter_a, m->diff_iter_b);
            int x = cv_put(c, y, 0, buf, c->w, C_HEADER | A_BOLD_);
            if (!isnan(sp)) {
                snprintf(buf, sizeof buf, "  %.2fx", sp);
                cv_put(c, y, x, buf, c->w - x, (sp >= 1 ? C_BF16 : C_F32) | A_BOLD_);
            }
            continue;
        }
        if (li == m->n_runs + 3) {
            int nw = c->w - 57;
            if (nw > 60)
                nw = 60;
            snprintf(buf, sizeof buf, "%-*s %-12s %-13s %9s %9s %8s", nw, "node", "op", "precision",
                     "ms before", "ms after", "x faster");
            cv_fill(c, y, 0, c->w, C_HEADER | A_UNDER_);
            cv_put(c, y, 0, buf, c->w, C_HEADER | A_UNDER_);
            continue;
        }
        int di = li - p->first_diff;
        if (di < 0 || di >= m->n_diff)
            continue;
        const struct tui_diff_row *d = &m->diff[di];
        int nw = c->w - 57;
        if (nw > 60)
            nw = 60;
        cv_fill(c, y, 0, c->w, base);
        tui_fit(fit, sizeof fit, d->name, nw, c->ascii);
        int x = cv_put(c, y, 0, fit, nw, base);
        x = nw + 1;
        char op[64];
        tui_fit(op, sizeof op, d->op, 12, c->ascii);
        cv_put(c, y, x, op, 12, base);
        x += 13;
        bool changed = strcmp(d->prec_a, d->prec_b) != 0;
        snprintf(buf, sizeof buf, "%s%s%s", d->prec_a, changed ? (c->ascii ? "->" : " \xe2\x86\x92 ") : "", changed ? d->prec_b : "");
        cv_put(c, y, x, buf, 13, (changed ? (!strcmp(d->prec_b, "bf16") ? C_BF16 : C_F32) | A_BOLD_ : C_NONE) | base);
        x += 14;
        snprintf(buf, sizeof buf, "%9.3f %9.3f", d->time_a, d->time_b);
        x += cv_put(c, y, x, buf, 20, base) + 1;
        if (!isnan(d->speedup)) {
            snprintf(buf, sizeof buf, "%7.2fx", d->speedup);
            cv_put(c, y, x, buf, 9, (d->speedup >= 1.05 ? C_BF16 : d->speedup <= 0.95 ? C_F32 : C_NORMAL) | base);
        }
    }
    cv_fill(c, y0 + h - 1, 0, c->w, C_NORMAL);
    char fit[256];
    tui_fit_words(fit, sizeof fit, "Enter on a run: diff against the current run   o: open it   Enter on a node: details",
                  c->w);
    cv_put(c, y0 + h - 1, 0, fit, c->w, C_HEADER);
}

static unsigned runs_request(struct tui_app *a, struct tui_view *v, enum tui_req r)
{
    struct runs_view *p = v->priv;
    struct tui_model *m = &a->m;
    int run = v->cursor >= 1 && v->cursor <= m->n_runs ? v->cursor - 1 : -1;
    if (r == REQ_DIFF || r == REQ_ENTER) {
        int di = v->cursor - p->first_diff;
        if (m->diff_a[0] && di >= 0 && di < m->n_diff) {
            a->cur_node = m->diff[di].node;
            a->want_view = V_NODE;
            return TR_HANDLED | TR_OPEN;
        }
        if (run < 0)
            return TR_HANDLED;
        if (m->runs[run].current) {
            tui_msg(a, false, "that is the current run: pick another one to compare with");
            return TR_HANDLED | TR_REDRAW;
        }
        struct err e = {0};
        const char *x = m->runs[run].dir, *y = m->run_dir;
        bool older = strcmp(m->runs[run].started, m->meta.started) <= 0;
        char xa[1024], yb[1024];
        snprintf(xa, sizeof xa, "%s", older ? x : y);
        snprintf(yb, sizeof yb, "%s", older ? y : x);
        if (tm_diff(m, xa, yb, &e) != ST_OK)
            tui_msg(a, true, "diff: %s", e.msg);
        else
            tui_msg(a, false, "%d nodes compared", m->n_diff);
        v->lines = n_lines(a);
        p->first_diff = m->n_runs + 4;
        return TR_HANDLED | TR_REDRAW;
    }
    if (r == REQ_OPEN_RUN) {
        if (run < 0)
            return TR_HANDLED;
        if (tui_rerun_active(a)) {
            tui_msg(a, true, "a rerun is in progress: Esc cancels it");
            return TR_HANDLED | TR_REDRAW;
        }
        struct err e = {0};
        char dir[1024];
        snprintf(dir, sizeof dir, "%s", m->runs[run].dir);
        if (tm_switch_run(m, dir, &e) != ST_OK) {
            tui_msg(a, true, "%s", e.msg);
            return TR_HANDLED | TR_REDRAW;
        }
        tm_scan_runs(m);
        tui_msg(a, false, "opened %s", dir);
        return TR_HANDLED | TR_RELOAD;
    }
    return tv_move(v, r, a->cv.h - 4);
}

const struct view_ops tui_view_runs = {
    .name = "runs",
    .title = "Runs",
    .flags = VF_TAB,
    .private_size = sizeof(struct runs_view),
    .open = runs_open,
    .draw = runs_draw,
    .request = runs_request,
};
