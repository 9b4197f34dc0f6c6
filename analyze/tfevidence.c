/* analyze/tfevidence.c: TensorFlow's own AMP evidence in a run directory:
 * the LOG_PATH dumps (pre/post-AMP GraphDefs, paint buckets), TF's decision
 * per type attr, the AMP Casts in every name format, the AMP log summary and
 * preserve set, and the painter checked against TF (painter agreement). The
 * executed graph, step_stats and verbose attribution live in tfev_exec.c.
 */
#include "analyze/tfevidence.h"

#include <ctype.h>
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/amp.h"
#include "analyze/rundir.h"
#include "analyze/tfev_int.h"


const char *tfev_intern(tf_evidence *ev, const char *s)
{
    return strpool_intern(ev->pool, s ? s : "", s ? strlen(s) : 0);
}

/* ---- cast names ------------------------------------------------------------ */

static const char *const cast_kinds[] = {"CastToBf16", "CastToFp16", "CastToFp32"};
#define CAST_SUFFIX "-AutoMixedPrecision"

int tfev_parse_cast_name(const char *op, const char *name, char *src, size_t src_size,
                         int *src_port, bool *to_bf16)
{
    if (op && strcmp(op, "Cast") != 0 && strcmp(op, "Const") != 0)
        return 0;
    size_t n = strlen(name), sl = strlen(CAST_SUFFIX);
    if (n <= sl || strcmp(name + n - sl, CAST_SUFFIX) != 0)
        return 0;
    /* name = <head>-CastToX[-<id>]-AutoMixedPrecision */
    size_t end = n - sl; /* index of the suffix's '-' */
    size_t p = end;
    int format = 1;
    /* optional -<digits> counter */
    size_t q = p;
    while (q > 0 && isdigit((unsigned char)name[q - 1]))
        q--;
    if (q < p && q > 0 && name[q - 1] == '-') {
        p = q - 1;
        format = 3;
    }
    int kind = -1;
    size_t kstart = 0;
    for (int k = 0; k < 3; k++) {
        size_t kl = strlen(cast_kinds[k]);
        if (p > kl && !strncmp(name + p - kl, cast_kinds[k], kl) && name[p - kl - 1] == '-') {
            kind = k;
            kstart = p - kl - 1;
            break;
        }
    }
    if (kind < 0) {
        if (format == 3) { /* the digits may have belonged to nothing: retry as format 1 */
            return 0;
        }
        return 0;
    }
    /* head = name[0..kstart): "<src>-<port>" or "<src>-<port>-<dst>-<dport>" */
    char head[1024];
    size_t hl = kstart < sizeof head - 1 ? kstart : sizeof head - 1;
    memcpy(head, name, hl);
    head[hl] = 0;
    /* last "-<digits>" is a port */
    char *dash = strrchr(head, '-');
    int port = 0;
    if (dash && dash[1] && strspn(dash + 1, "0123456789") == strlen(dash + 1)) {
        port = atoi(dash + 1);
        *dash = 0;
        /* format 2 when what is left still ends in "-<digits>-<dst>" */
        char *d2 = strrchr(head, '-');
        (void)d2;
    }
    if (to_bf16)
        *to_bf16 = kind != 2;
    if (src_port)
        *src_port = port;
    if (src)
        string_copy_n(src, src_size, head);
    return format;
}

/* ---- small readers ----------------------------------------------------------- */

static char *read_small(const char *dir, const char *name, size_t limit)
{
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *data = NULL;
    size_t len = 0;
    if (util_read_file(path, limit, &data, &len, NULL) != ST_OK)
        return NULL;
    return data;
}

/* "key": "value" from a JSON text (first occurrence). */
static bool json_get_str(const char *js, const char *key, char *out, size_t size)
{
    char pat[80];
    snprintf(pat, sizeof pat, "\"%s\": \"", key);
    const char *p = strstr(js, pat);
    if (!p)
        return false;
    p += strlen(pat);
    size_t i = 0;
    while (*p && *p != '"' && i + 1 < size) {
        if (*p == '\\' && p[1])
            p++;
        out[i++] = *p++;
    }
    out[i] = 0;
    return true;
}

static void add_preserve(tf_evidence *ev, const char *name, size_t n)
{
    const char *s = strpool_intern(ev->pool, name, n);
    for (int i = 0; i < ev->n_preserve; i++)
        if (ev->preserve[i] == s)
            return;
    ev->preserve = xrealloc(ev->preserve, sizeof *ev->preserve * (size_t)(ev->n_preserve + 1));
    ev->preserve[ev->n_preserve++] = s;
}

/* driver.json: tf_version and the "preserve": [...] list. */
static void read_driver(tf_evidence *ev, const char *tfdir)
{
    char *js = read_small(tfdir, "driver.json", 1 << 20);
    if (!js)
        return;
    json_get_str(js, "tf_version", ev->tf_version, sizeof ev->tf_version);
    const char *p = strstr(js, "\"preserve\": [");
    if (p) {
        p += strlen("\"preserve\": [");
        while (*p && *p != ']') {
            if (*p == '"') {
                const char *q = strchr(p + 1, '"');
                if (!q)
                    break;
                add_preserve(ev, p + 1, (size_t)(q - p - 1));
                p = q + 1;
            } else {
                p++;
            }
        }
    }
    free(js);
}

/* amp.log: the AMP summary, and "Skipping <op> node <name> because it must be preserved". */
static void read_amplog(tf_evidence *ev, const char *dir)
{
    char *data = read_small(dir, RUNDIR_AMPLOG, 256u << 20);
    amp_log *al = amp_log_new();
    if (data) {
        long ln = 0;
        for (char *line = data; *line;) {
            char *nl = strchr(line, '\n');
            size_t len = nl ? (size_t)(nl - line) : strlen(line);
            ln++;
            amp_log_line(al, line, len, ln);
            const char *tag = "because it must be preserved";
            char *hit = len > 40 ? strstr(line, tag) : NULL;
            if (hit && (!nl || hit < nl)) {
                char *sk = strstr(line, "Skipping ");
                if (sk && sk < hit) {
                    char *nd = strstr(sk, " node ");
                    if (nd && nd < hit) {
                        const char *s = nd + 6;
                        const char *e = hit - 1;
                        if (e > s)
                            add_preserve(ev, s, (size_t)(e - s));
                    }
                }
            }
            if (!nl)
                break;
            line = nl + 1;
        }
    }
    ev->amp = *amp_log_summary(al);
    amp_log_free(al);
    free(data);
}

/* ---- dumps -------------------------------------------------------------------- */

static int dump_index(tf_evidence *ev, const char *id, const char *ts)
{
    for (int i = 0; i < ev->n_dumps; i++)
        if (!strcmp(ev->dumps[i].id, id) && !strcmp(ev->dumps[i].ts, ts))
            return i;
    ev->dumps = xrealloc(ev->dumps, sizeof *ev->dumps * (size_t)(ev->n_dumps + 1));
    struct tfev_dump *d = &ev->dumps[ev->n_dumps];
    memset(d, 0, sizeof *d);
    d->id = tfev_intern(ev, id);
    d->ts = tfev_intern(ev, ts);
    return ev->n_dumps++;
}

/* "<prefix><id>_<ts><ext>" -> id, ts. ITEX writes no id. */
static bool split_dump_name(const char *name, const char *prefix, const char *ext, char *id,
                            size_t id_size, char *ts, size_t ts_size)
{
    size_t pl = strlen(prefix), nl = strlen(name), el = strlen(ext);
    if (nl <= pl + el || strncmp(name, prefix, pl) || strcmp(name + nl - el, ext))
        return false;
    char mid[1024];
    size_t ml = nl - pl - el;
    if (ml >= sizeof mid)
        return false;
    memcpy(mid, name + pl, ml);
    mid[ml] = 0;
    char *us = strrchr(mid, '_');
    const char *t = us ? us + 1 : mid;
    if (!*t || strspn(t, "0123456789") != strlen(t))
        return false;
    string_copy_n(ts, ts_size, t);
    if (us) {
        *us = 0;
        string_copy_n(id, id_size, mid);
    } else {
        string_copy_n(id, id_size, "");
    }
    return true;
}

static void find_dumps(tf_evidence *ev, const char *tfdir)
{
    DIR *d = opendir(tfdir);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d))) {
        char id[1024], ts[64], path[2400];
        snprintf(path, sizeof path, "%s/%s", tfdir, de->d_name);
        if (split_dump_name(de->d_name, "graphdef_preop_", ".pb", id, sizeof id, ts, sizeof ts) ||
            split_dump_name(de->d_name, "graphdef_preop", ".pb", id, sizeof id, ts, sizeof ts))
            {
            int di = dump_index(ev, id, ts);
            ev->dumps[di].pre = tfev_intern(ev, path);
        }
        else if (split_dump_name(de->d_name, "graphdef_AutoMixedPrecision_", ".pb", id, sizeof id, ts,
                                 sizeof ts) ||
                 split_dump_name(de->d_name, "graphdef_AutoMixedPrecision", ".pb", id, sizeof id, ts,
                                 sizeof ts))
            {
            int di = dump_index(ev, id, ts);
            ev->dumps[di].post = tfev_intern(ev, path);
        }
        else if (split_dump_name(de->d_name, "paintbuckets_AutoMixedPrecision_", ".txt", id, sizeof id,
                                 ts, sizeof ts))
            {
            int di = dump_index(ev, id, ts);
            ev->dumps[di].buckets = tfev_intern(ev, path);
        }
    }
    closedir(d);
    /* main dump: "tf_graph" with a post graph, else the post dump with most nodes,
     * else the first with a pre graph. Stable order by id first. */
    for (int i = 1; i < ev->n_dumps; i++)
        for (int j = i; j > 0 && strcmp(ev->dumps[j - 1].id, ev->dumps[j].id) > 0; j--) {
            struct tfev_dump t = ev->dumps[j];
            ev->dumps[j] = ev->dumps[j - 1];
            ev->dumps[j - 1] = t;
        }
    ev->main_dump = -1;
    for (int i = 0; i < ev->n_dumps; i++)
        if (!strcmp(ev->dumps[i].id, "tf_graph") && ev->dumps[i].pre &&
            (ev->main_dump < 0 || (ev->dumps[i].post && !ev->dumps[ev->main_dump].post)))
            ev->main_dump = i;
    if (ev->main_dump < 0 || !ev->dumps[ev->main_dump].post)
        for (int i = 0; i < ev->n_dumps; i++)
            if (ev->dumps[i].pre && ev->dumps[i].post) {
                ev->main_dump = i;
                break;
            }
    if (ev->main_dump < 0)
        for (int i = 0; i < ev->n_dumps; i++)
            if (ev->dumps[i].pre) {
                ev->main_dump = i;
                break;
            }
}

bool tfev_is_dump(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    return !strncmp(base, "graphdef_preop", 14) || !strncmp(base, "graphdef_AutoMixedPrecision", 27);
}

bool tfev_main_preop(const char *dir, char *out, size_t size)
{
    char tfdir[2048];
    snprintf(tfdir, sizeof tfdir, "%s/%s", dir, RUNDIR_TFDIR);
    tf_evidence ev = {.pool = strpool_new(), .main_dump = -1};
    find_dumps(&ev, tfdir);
    bool ok = ev.main_dump >= 0 && ev.dumps[ev.main_dump].pre;
    if (ok) /* relative to dir: "tf/graphdef_preop_..." */
        snprintf(out, size, "%s%s", RUNDIR_TFDIR, ev.dumps[ev.main_dump].pre + strlen(tfdir));
    free(ev.dumps);
    strpool_free(ev.pool);
    return ok;
}

/* ---- TF's decisions -------------------------------------------------------------- */

static bool skip_attr(const char *name) { return name[0] == '_'; }

static void add_attr(tf_evidence *ev, const struct g_node *n, const char *attr, bool bf16)
{
    if (!(ev->n_attrs & 63))
        ev->attrs = xrealloc(ev->attrs, sizeof *ev->attrs * (size_t)(ev->n_attrs + 64));
    struct tfev_attr *a = &ev->attrs[ev->n_attrs++];
    a->node = tfev_intern(ev, n->name);
    a->op = tfev_intern(ev, n->op);
    a->attr = tfev_intern(ev, attr);
    a->tf_bf16 = bf16;
    a->painter = -1;
    a->reason_code = tfev_intern(ev, "");
    if (bf16)
        ev->tf_converted++;
}

static void collect_attrs(tf_evidence *ev)
{
    const graph *pre = ev->pre, *post = ev->post;
    for (int i = 0; i < pre->n_nodes; i++) {
        const struct g_node *n = &pre->nodes[i];
        int pi = post ? graph_find(post, n->name) : -1;
        const struct g_node *pn = pi >= 0 ? &post->nodes[pi] : NULL;
        for (int k = 0; k < n->n_attrs; k++) {
            const struct g_attr *a = &n->attrs[k];
            if (skip_attr(a->name))
                continue;
            const struct g_attr *pa = pn ? g_node_attr(pn, a->name) : NULL;
            if (a->kind == G_ATTR_TYPE && a->type == TF_DT_FLOAT) {
                bool bf = pa && pa->kind == G_ATTR_TYPE && pa->type == TF_DT_BFLOAT16;
                add_attr(ev, n, a->name, bf);
            } else if (a->kind == G_ATTR_LIST && a->list_type) {
                for (int j = 0; j < a->n_list; j++) {
                    if (a->list_type[j] != TF_DT_FLOAT)
                        continue;
                    char nm[160];
                    snprintf(nm, sizeof nm, "%s[%d]", a->name, j);
                    bool bf = pa && pa->kind == G_ATTR_LIST && pa->list_type && j < pa->n_list &&
                              pa->list_type[j] == TF_DT_BFLOAT16;
                    add_attr(ev, n, nm, bf);
                }
            }
        }
    }
}

static bool is_var_op(const char *op)
{
    /* grappler's IsConstant() and IsVariable() */
    static const char *const ops[] = {"Const", "HostConst", "Variable", "VariableV2", "AutoReloadVariable",
                                      "VarHandleOp", "_VarHandlesOp", "ReadVariableOp", "_ReadVariablesOp",
                                      NULL};
    for (int i = 0; ops[i]; i++)
        if (!strcmp(op, ops[i]))
            return true;
    return false;
}

static void collect_casts(tf_evidence *ev)
{
    const graph *post = ev->post;
    for (int i = 0; i < post->n_nodes; i++) {
        const struct g_node *n = &post->nodes[i];
        char src[1024];
        int port = 0;
        bool to_bf16 = false;
        int fmt = tfev_parse_cast_name(n->op, n->name, src, sizeof src, &port, &to_bf16);
        if (!fmt || strcmp(n->op, "Cast") != 0)
            continue;
        ev->casts = xrealloc(ev->casts, sizeof *ev->casts * (size_t)(ev->n_casts + 1));
        struct tfev_cast *c = &ev->casts[ev->n_casts++];
        memset(c, 0, sizeof *c);
        c->name = tfev_intern(ev, n->name);
        c->time_ms = NAN;
        c->to_bf16 = to_bf16;
        const struct g_attr *dst = g_node_attr(n, "DstT");
        if (dst && dst->kind == G_ATTR_TYPE)
            c->to_bf16 = dst->type == TF_DT_BFLOAT16 || dst->type == TF_DT_HALF;
        int srcn = n->n_data_inputs > 0 ? n->inputs[0].node : -1;
        if (srcn >= 0) {
            c->src = tfev_intern(ev, post->nodes[srcn].name);
            c->src_port = n->inputs[0].port;
        } else {
            c->src = tfev_intern(ev, src);
            c->src_port = port;
        }
        /* format 2 carries the consumer: "<src>-<port>-<dst>-<dport>-CastTo..." */
        char pre[1100];
        snprintf(pre, sizeof pre, "%s-%d-", c->src, c->src_port);
        const char *rest = !strncmp(n->name, pre, strlen(pre)) ? n->name + strlen(pre) : NULL;
        c->format = fmt;
        if (rest && strncmp(rest, "CastTo", 6) != 0)
            c->format = 2;
        const struct g_node *sn = srcn >= 0 ? &post->nodes[srcn] : NULL;
        bool var = sn && is_var_op(sn->op);
        if (sn && !var && !strcmp(sn->op, "Identity") && sn->n_data_inputs > 0 && sn->inputs[0].node >= 0) {
            const char *up = post->nodes[sn->inputs[0].node].op;
            var = !strcmp(up, "VariableV2") || !strcmp(up, "Variable");
        }
        c->from_const = var;
        if (c->to_bf16 && !var)
            ev->casts_counted++;
    }
}

/* ---- load ------------------------------------------------------------------------- */

static graph *load_dump(const char *path)
{
    struct graph_load_opts o = {.no_inline = true};
    struct err e = {0};
    return graph_load(path, &o, &e);
}

enum status tfev_load(const char *dir, tf_evidence **out, struct err *e)
{
    *out = NULL;
    char tfdir[2048], amp[2048];
    snprintf(tfdir, sizeof tfdir, "%s/%s", dir, RUNDIR_TFDIR);
    snprintf(amp, sizeof amp, "%s/%s", dir, RUNDIR_AMPLOG);
    DIR *d = opendir(tfdir);
    FILE *f = fopen(amp, "r");
    if (!d && !f)
        return err_at(e, ST_ENOENT, dir, 0, 0,
                      "no TensorFlow evidence here (neither tf/ nor amp.log): was this a --backend tf run?");
    if (d)
        closedir(d);
    if (f)
        fclose(f);
    tf_evidence *ev = xcalloc(1, sizeof *ev);
    ev->pool = strpool_new();
    ev->agreement = NAN;
    ev->main_dump = -1;
    string_copy(ev->run_dir, dir);
    read_driver(ev, tfdir);
    read_amplog(ev, dir);
    find_dumps(ev, tfdir);
    if (ev->main_dump >= 0) {
        const struct tfev_dump *md = &ev->dumps[ev->main_dump];
        ev->pre = md->pre ? load_dump(md->pre) : NULL;
        ev->post = md->post ? load_dump(md->post) : NULL;
        if (ev->pre)
            collect_attrs(ev);
        if (ev->post)
            collect_casts(ev);
    }
    /* The executed graph maps back through the post-AMP graph, else the
     * pre-AMP one, else the user's model. */
    graph *user = NULL;
    const graph *map = ev->post ? ev->post : ev->pre;
    if (!map) {
        struct rundir_meta *m = xcalloc(1, sizeof *m);
        if (rundir_read_meta(dir, m, NULL) == ST_OK && m->model[0]) {
            char mp[2048];
            if (m->model[0] == '/')
                string_copy(mp, m->model);
            else
                snprintf(mp, sizeof mp, "%s/%s", dir, m->model);
            struct graph_load_opts o = {.no_inline = true};
            user = graph_load(mp, &o, NULL);
            if (!user)
                user = graph_load(m->model, &o, NULL);
        }
        free(m);
        map = user;
    }
    enum status st = tfev_read_run_metadata(ev, map, e);
    if (user)
        graph_free(user);
    if (st == ST_OK)
        st = tfev_attribute(ev, e);
    if (st != ST_OK) {
        tfev_free(ev);
        return st;
    }
    *out = ev;
    return ST_OK;
}

void tfev_free(tf_evidence *ev)
{
    if (!ev)
        return;
    if (ev->pre)
        graph_free(ev->pre);
    if (ev->post)
        graph_free(ev->post);
    free(ev->dumps);
    free(ev->attrs);
    free(ev->casts);
    for (int i = 0; i < ev->n_exec; i++) {
        free(ev->exec[i].fused);
        free(ev->exec[i].runs);
    }
    free(ev->exec);
    free(ev->events);
    free(ev->preserve);
    free(ev->disagreements);
    strpool_free(ev->pool);
    free(ev);
}

/* ---- painter agreement ------------------------------------------------------------- */

/* amp_lists_from_env reads through a getenv-like function: serve it the
 * run's recorded list edits. */
static const char *g_list_env;
static const char *list_getenv(const char *name)
{
    static char val[2048];
    if (!g_list_env)
        return NULL;
    size_t nl = strlen(name);
    for (const char *p = g_list_env; *p;) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len > nl && !strncmp(p, name, nl) && p[nl] == '=') {
            size_t vl = len - nl - 1 < sizeof val - 1 ? len - nl - 1 : sizeof val - 1;
            memcpy(val, p + nl + 1, vl);
            val[vl] = 0;
            return val;
        }
        if (!e)
            break;
        p = e + 1;
    }
    return NULL;
}

static const struct amp_attr_paint *find_paint(const amp_plan *plan, int node, const char *attr)
{
    /* "T[1]" may be painted as "T[1]" or (list painted as a whole) "T" */
    char base[160];
    string_copy(base, attr);
    char *br = strchr(base, '[');
    if (br)
        *br = 0;
    const struct amp_attr_paint *whole = NULL;
    for (int i = 0; i < plan->n_attrs; i++) {
        const struct amp_attr_paint *a = &plan->attrs[i];
        if (a->node != node || !a->type_attr)
            continue;
        if (!strcmp(a->type_attr, attr))
            return a;
        if (br && !strcmp(a->type_attr, base))
            whole = a;
    }
    return whole;
}

enum status tfev_painter(tf_evidence *ev, const char *tf_version, const char *list_env,
                         struct err *e)
{
    ev->painter_run = false;
    ev->n_compared = ev->n_agree = 0;
    ev->n_disagreements = 0;
    ev->agreement = NAN;
    if (!ev->pre || !ev->post) {
        snprintf(ev->painter_note, sizeof ev->painter_note, "%s",
                 ev->amp.nothing_to_do > 0 ? "TensorFlow found no allowlist op (nothing to do): no post-AMP dump"
                 : ev->amp.failures > 0   ? "TensorFlow's AMP pass failed: no post-AMP dump"
                 : ev->main_dump < 0      ? "no TensorFlow AMP dumps in tf/ (AMP off, or it did not run)"
                                          : "the AMP dumps could not be read");
        return ST_OK;
    }
    const char *ver = tf_version && *tf_version ? tf_version : (ev->tf_version[0] ? ev->tf_version : NULL);
    amp_lists *l = amp_lists_new(ver, e);
    if (!l)
        return ST_EINVAL;
    g_list_env = list_env;
    enum status st = amp_lists_from_env(l, list_getenv, e);
    g_list_env = NULL;
    if (st != ST_OK) {
        amp_lists_free(l);
        return st;
    }
    const char **pres = xcalloc((size_t)ev->n_preserve + 1, sizeof *pres);
    for (int i = 0; i < ev->n_preserve; i++)
        pres[i] = ev->preserve[i];
    struct amp_opts o = {.preserve = pres, .all_on_cpu = true, .model_grappler_prepasses = false};
    amp_plan *plan = amp_paint(ev->pre, l, &o, e);
    free(pres);
    if (!plan) {
        amp_lists_free(l);
        return e && e->msg[0] ? ST_ERUNTIME : err_set(e, ST_ERUNTIME, "the painter failed on TF's pre-AMP dump");
    }
    snprintf(ev->painter_note, sizeof ev->painter_note, "lists of TF %s on TF's pre-AMP dump (%s, %d nodes)",
             amp_lists_version(l), ev->dumps[ev->main_dump].id, ev->pre->n_nodes);
    for (int i = 0; i < ev->n_attrs; i++) {
        struct tfev_attr *a = &ev->attrs[i];
        int ni = graph_find(ev->pre, a->node);
        const struct amp_attr_paint *p = plan->failed ? NULL : find_paint(plan, ni, a->attr);
        a->painter = p && p->allow ? 1 : 0;
        a->reason_code = tfev_intern(ev, p && p->reason_code ? p->reason_code : (plan->failed ? "failed" : ""));
        ev->n_compared++;
        if ((a->painter == 1) == a->tf_bf16) {
            ev->n_agree++;
            continue;
        }
        char buf[768];
        snprintf(buf, sizeof buf, "%s:%s (%s): ampscope %s, TF %s%s%s%s", a->node, a->attr, a->op,
                 a->painter ? "bf16" : "fp32", a->tf_bf16 ? "bf16" : "fp32", a->reason_code[0] ? " [" : "",
                 a->reason_code, a->reason_code[0] ? "]" : "");
        ev->disagreements = xrealloc(ev->disagreements,
                                     sizeof *ev->disagreements * (size_t)(ev->n_disagreements + 1));
        ev->disagreements[ev->n_disagreements++] = tfev_intern(ev, buf);
    }
    ev->agreement = ev->n_compared ? (double)ev->n_agree / ev->n_compared : 1.0;
    ev->painter_run = true;
    amp_plan_free(plan);
    amp_lists_free(l);
    return ST_OK;
}

/* ---- JSON ---------------------------------------------------------------------------- */

static void json_kv_str(struct abuf *b, const char *k, const char *v, bool comma)
{
    abuf_json_str(b, k);
    abuf_putc(b, ':');
    abuf_json_str(b, v);
    if (comma)
        abuf_putc(b, ',');
}

void tfev_json(const tf_evidence *ev, struct abuf *b)
{
    abuf_puts(b, "\"tf\":{");
    json_kv_str(b, "version", ev->tf_version, true);
    json_kv_str(b, "onednn_version", ev->onednn_version, true);
    abuf_printf(b, "\"converted\":%d,\"total\":%d,\"casts_logged\":%d,", ev->amp.converted, ev->amp.total,
                ev->amp.casts);
    json_kv_str(b, "converted_line", ev->amp.converted_line, true);
    abuf_printf(b, "\"amp_failures\":%d,\"nothing_to_do\":%d,", ev->amp.failures, ev->amp.nothing_to_do);
    abuf_puts(b, "\"dumps\":[");
    for (int i = 0; i < ev->n_dumps; i++) {
        if (i)
            abuf_putc(b, ',');
        abuf_putc(b, '{');
        json_kv_str(b, "id", ev->dumps[i].id, true);
        json_kv_str(b, "pre", ev->dumps[i].pre ? ev->dumps[i].pre : "", true);
        json_kv_str(b, "post", ev->dumps[i].post ? ev->dumps[i].post : "", false);
        abuf_putc(b, '}');
    }
    abuf_printf(b, "],\"bf16_attrs\":%d,\"float_attrs\":%d,", ev->tf_converted, ev->n_attrs);
    abuf_puts(b, "\"bf16_nodes\":[");
    const char *last = NULL;
    bool first = true;
    for (int i = 0; i < ev->n_attrs; i++)
        if (ev->attrs[i].tf_bf16 && ev->attrs[i].node != last) {
            if (!first)
                abuf_putc(b, ',');
            first = false;
            abuf_json_str(b, ev->attrs[i].node);
            last = ev->attrs[i].node;
        }
    abuf_printf(b, "],\"casts\":{\"inserted\":%d,\"counted\":%d,\"executed\":%d,\"time_ms\":", ev->n_casts,
                ev->casts_counted, ev->casts_executed);
    abuf_json_num(b, ev->cast_ms);
    abuf_puts(b, ",\"list\":[");
    for (int i = 0; i < ev->n_casts; i++) {
        const struct tfev_cast *c = &ev->casts[i];
        if (i)
            abuf_putc(b, ',');
        abuf_putc(b, '{');
        json_kv_str(b, "name", c->name, true);
        json_kv_str(b, "src", c->src, true);
        abuf_printf(b, "\"port\":%d,\"to\":\"%s\",\"format\":%d,\"from_const\":%s,\"executed\":%s,\"folded\":%s,"
                       "\"time_ms\":",
                    c->src_port, c->to_bf16 ? "bf16" : "fp32", c->format, c->from_const ? "true" : "false",
                    c->executed ? "true" : "false", c->folded ? "true" : "false");
        abuf_json_num(b, c->time_ms);
        abuf_putc(b, '}');
    }
    abuf_printf(b, "]},\"traced\":%s,\"executed_nodes\":[", ev->traced ? "true" : "false");
    for (int i = 0; i < ev->n_exec; i++) {
        const struct tfev_exec *x = &ev->exec[i];
        if (i)
            abuf_putc(b, ',');
        abuf_putc(b, '{');
        json_kv_str(b, "name", x->name, true);
        json_kv_str(b, "op", x->op, true);
        json_kv_str(b, "node", x->node, true);
        abuf_puts(b, "\"fused\":[");
        for (int k = 0; k < x->n_fused; k++) {
            if (k)
                abuf_putc(b, ',');
            abuf_json_str(b, x->fused[k]);
        }
        abuf_printf(b, "],\"dtype\":\"%s\",\"time_ms\":", x->out_dtype ? tf_dtype_name(x->out_dtype) : "");
        abuf_json_num(b, x->end_ms - x->start_ms);
        abuf_printf(b, ",\"events\":%d}", x->n_events);
    }
    abuf_printf(b, "],\"events\":{\"total\":%ld,\"attributed\":%ld,\"ambiguous\":%ld}},", ev->n_events,
                ev->n_attributed, ev->n_ambiguous);
    abuf_puts(b, "\"painter\":{");
    abuf_puts(b, "\"agreement\":");
    abuf_json_num(b, ev->painter_run ? ev->agreement : NAN);
    abuf_printf(b, ",\"compared\":%d,\"agree\":%d,", ev->n_compared, ev->n_agree);
    json_kv_str(b, "basis", ev->painter_note, true);
    abuf_puts(b, "\"disagreements\":[");
    for (int i = 0; i < ev->n_disagreements; i++) {
        if (i)
            abuf_putc(b, ',');
        abuf_json_str(b, ev->disagreements[i]);
    }
    abuf_puts(b, "]}");
}
