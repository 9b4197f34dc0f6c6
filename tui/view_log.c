/* view_log.c: the raw evidence of the run: verbose.log (oneDNN's lines and
 * ampscope's iteration markers) followed by amp.log (TensorFlow's AMP lines),
 * filterable with `\`, searchable with `/`. Every exec line the report
 * attributed to a node shows that node; the cursor's line selects it, Enter
 * opens it. Big logs are read up to a cap and say so. While a rerun runs,
 * the view tails the new run's verbose.log as it grows.
 */
#include "tui/tui_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOG_MAX_BYTES (64u << 20)
#define LOG_MAX_LINES 500000

struct log_view {
    char *text[2];     /* file contents (verbose, amp), owned */
    char **line;       /* pointers into text */
    int *node;         /* mapped node per line, -1 */
    int n_all;
    int *shown;        /* indices of lines passing the filter */
    int n;
    int n_verbose;     /* lines from verbose.log */
    char filter[256];
    char note[256];
    int xoff;          /* horizontal scroll of the raw text (h/l) */
};

static void split(struct log_view *p, char *t, size_t *cap)
{
    for (char *s = t; s && *s && p->n_all < LOG_MAX_LINES;) {
        char *nl = strchr(s, '\n');
        if (nl)
            *nl = 0;
        xgrow(&p->line, cap, (size_t)p->n_all + 1, sizeof *p->line);
        p->line[p->n_all++] = s;
        s = nl ? nl + 1 : NULL;
    }
}

static void refilter(struct log_view *p, struct tui_view *v)
{
    free(p->shown);
    p->shown = xmalloc(sizeof(int) * (size_t)(p->n_all ? p->n_all : 1));
    p->n = 0;
    for (int i = 0; i < p->n_all; i++)
        if (!p->filter[0] || tui_contains(p->line[i], p->filter))
            p->shown[p->n++] = i;
    v->lines = p->n;
}

static void log_open(struct tui_app *a, struct tui_view *v)
{
    struct log_view *p = v->priv;
    p->note[0] = 0;
    p->n_all = 0;
    if (!a->m.has_run) {
        snprintf(p->note, sizeof p->note, "no run yet: r runs the model, then this view shows its verbose and AMP lines");
        refilter(p, v);
        return;
    }
    size_t cap = 0;
    static const char *const files[2] = {RUNDIR_VERBOSE, RUNDIR_AMPLOG};
    for (int f = 0; f < 2; f++) {
        char path[1200];
        snprintf(path, sizeof path, "%s/%s", a->m.run_dir, files[f]);
        size_t len = 0;
        struct err e = {0};
        if (util_read_file(path, 0, &p->text[f], &len, &e) != ST_OK) {
            p->text[f] = NULL;
            continue;
        }
        if (len > LOG_MAX_BYTES) {
            p->text[f][LOG_MAX_BYTES] = 0;
            snprintf(p->note, sizeof p->note, "%s is %zu MiB: the first %u MiB shown", files[f],
                     len >> 20, LOG_MAX_BYTES >> 20);
        }
        split(p, p->text[f], &cap);
        if (f == 0)
            p->n_verbose = p->n_all;
    }
    if (p->n_all >= LOG_MAX_LINES)
        snprintf(p->note, sizeof p->note, "the first %d lines shown", LOG_MAX_LINES);
    p->node = xmalloc(sizeof(int) * (size_t)(p->n_all ? p->n_all : 1));
    for (int i = 0; i < p->n_all; i++)
        p->node[i] = -1;
    if (a->m.rep)
        for (long k = 0; k < a->m.rep->n_events; k++) {
            const struct rep_event *ev = &a->m.rep->events[k];
            long ln = ev->line_no - 1;
            if (ln >= 0 && ln < p->n_verbose)
                p->node[ln] = ev->node;
        }
    refilter(p, v);
}

static void log_done(struct tui_view *v)
{
    struct log_view *p = v->priv;
    free(p->text[0]);
    free(p->text[1]);
    free(p->line);
    free(p->node);
    free(p->shown);
    p->text[0] = p->text[1] = NULL;
    p->line = NULL;
    p->node = p->shown = NULL;
    p->n = p->n_all = 0;
}

static void log_select(struct tui_app *a, struct tui_view *v)
{
    struct log_view *p = v->priv;
    if (v->cursor < p->n && p->node && p->node[p->shown[v->cursor]] == a->cur_node)
        return;
    for (int i = 0; i < p->n; i++)
        if (p->node[p->shown[i]] == a->cur_node && a->cur_node >= 0) {
            v->cursor = i;
            return;
        }
}

static unsigned line_attr(const char *t)
{
    if (strstr(t, "ampscope_marker"))
        return C_NONE;
    if (strstr(t, ",exec,") && strstr(t, "bf16"))
        return C_BF16;
    return C_NORMAL;
}

/* While a rerun runs: the tail of its verbose.log as it grows. */
static void live_draw(const struct tui_live *l, struct tui_canvas *c, int y0, int h)
{
    int body = h - 1;
    int show = l->n_tail < body ? l->n_tail : body;
    for (int i = 0; i < show; i++) {
        const char *t = l->tail[(l->head + l->n_tail - show + i) % TUI_LIVE_TAIL];
        cv_fill(c, y0 + i, 0, c->w, 0);
        cv_put(c, y0 + i, 0, t, c->w, line_attr(t));
    }
    if (!show)
        cv_put(c, y0 + 1, 2, "waiting for the rerun's first lines...", c->w - 2, C_NONE);
    char foot[1400];
    snprintf(foot, sizeof foot, "live: %s, %ld lines, %ld exec so far (this run's own log returns when the rerun ends)",
             l->path, l->lines, l->exec);
    char fit[1400];
    tui_fit_words(fit, sizeof fit, foot, c->w);
    cv_fill(c, y0 + h - 1, 0, c->w, C_NORMAL);
    cv_put(c, y0 + h - 1, 0, fit, c->w, C_HEADER);
}

static void log_draw(struct tui_app *a, struct tui_view *v, struct tui_canvas *c, int y0, int h)
{
    struct log_view *p = v->priv;
    const struct tui_live *live = tui_rerun_live(a);
    if (live) {
        live_draw(live, c, y0, h);
        return;
    }
    int body = h - 1;
    tv_clamp(v, body);
    int namew = c->w >= 140 ? 32 : c->w >= 100 ? 24 : 18;
    for (int i = 0; i < body && v->top + i < p->n; i++) {
        int li = p->shown[v->top + i];
        bool cur = v->top + i == v->cursor;
        unsigned base = cur ? A_REV_ : 0;
        int y = y0 + i;
        cv_fill(c, y, 0, c->w, base);
        char buf[64], fit[256];
        bool amp = li >= p->n_verbose;
        snprintf(buf, sizeof buf, "%6d%s", (amp ? li - p->n_verbose : li) + 1, amp ? "a" : " ");
        int x = cv_put(c, y, 0, buf, c->w, C_NONE | base);
        int n = p->node[li];
        if (n >= 0) {
            tui_fit(fit, sizeof fit, a->m.g->nodes[n].name, namew, c->ascii);
            cv_put(c, y, x + 1, fit, namew, C_HEADER | base);
        }
        x += namew + 2;
        const char *t = p->line[li];
        size_t tl = strlen(t);
        const char *shown = t + ((size_t)p->xoff < tl ? (size_t)p->xoff : tl);
        unsigned at = line_attr(t);
        if (at == C_NORMAL && amp && (strstr(t, "Converted") || strstr(t, "mixed_precision")))
            at = C_PREDICTED;
        cv_put(c, y, x, shown, c->w - x, at | base);
    }
    if (!p->n && p->note[0])
        cv_put(c, y0 + 1, 2, p->note, c->w - 2, C_NONE);
    char foot[1200];
    int sel = v->cursor < p->n ? p->node[p->shown[v->cursor]] : -1;
    snprintf(foot, sizeof foot, "%d of %d lines%s%s%s%s  h/l scroll  %s", p->n, p->n_all,
             p->filter[0] ? "  filter: " : "", p->filter, sel >= 0 ? "  -> " : "",
             sel >= 0 ? a->m.g->nodes[sel].name : "", p->note[0] && p->n ? p->note : "");
    cv_fill(c, y0 + h - 1, 0, c->w, C_NORMAL);
    cv_put(c, y0 + h - 1, 0, foot, c->w, C_HEADER);
}

static unsigned log_request(struct tui_app *a, struct tui_view *v, enum tui_req r)
{
    struct log_view *p = v->priv;
    if (r == REQ_ENTER) {
        int n = v->cursor < p->n ? p->node[p->shown[v->cursor]] : -1;
        if (n < 0) {
            tui_msg(a, false, "this line is not attributed to a node");
            return TR_HANDLED | TR_REDRAW;
        }
        a->cur_node = n;
        a->want_view = V_NODE;
        return TR_HANDLED | TR_OPEN;
    }
    if (r == REQ_MOVE_LEFT || r == REQ_MOVE_RIGHT) {
        p->xoff += r == REQ_MOVE_RIGHT ? 20 : -20;
        if (p->xoff < 0)
            p->xoff = 0;
        return TR_HANDLED | TR_REDRAW;
    }
    unsigned f = tv_move(v, r, a->cv.h - 4);
    if (f && v->cursor < p->n && p->node[p->shown[v->cursor]] >= 0)
        a->cur_node = p->node[p->shown[v->cursor]];
    return f;
}

static unsigned log_search(struct tui_app *a, struct tui_view *v, const char *text, int dir)
{
    struct log_view *p = v->priv;
    for (int k = 1; k <= p->n; k++) {
        int i = ((v->cursor + dir * k) % p->n + p->n) % p->n;
        int li = p->shown[i];
        if (tui_contains(p->line[li], text) ||
            (p->node[li] >= 0 && tui_contains(a->m.g->nodes[p->node[li]].name, text))) {
            v->cursor = i;
            return TR_HANDLED | TR_REDRAW;
        }
    }
    tui_msg(a, true, "/%s: no match", text);
    return TR_HANDLED | TR_REDRAW;
}

static unsigned log_filter(struct tui_app *a, struct tui_view *v, const char *text)
{
    struct log_view *p = v->priv;
    snprintf(p->filter, sizeof p->filter, "%s", text);
    refilter(p, v);
    v->cursor = 0;
    v->top = 0;
    tui_msg(a, false, "%d lines match '%s'", p->n, text);
    return TR_HANDLED | TR_REDRAW;
}

const struct view_ops tui_view_log = {
    .name = "log",
    .title = "Log",
    .flags = VF_TAB,
    .private_size = sizeof(struct log_view),
    .open = log_open,
    .draw = log_draw,
    .request = log_request,
    .select = log_select,
    .search = log_search,
    .filter = log_filter,
    .done = log_done,
};
