/* analyze/tfev_report.c: TensorFlow's evidence joined into a report. For a
 * run TensorFlow executed, the oneDNN exec events are attributed to graph
 * nodes by TensorFlow's own step_stats timestamps (tfev_exec.c) where those
 * are confident, and by the signature mapper elsewhere; the report records
 * which source attributed each event and how often the two agreed. It then
 * adds TF's version, its Converted line, painter agreement and the Casts that
 * ran as TF kernels, and writes tf/attribution.tsv.
 */
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/report_int.h"
#include "analyze/rundir.h"
#include "analyze/tfev_int.h"

/* Below this the timestamp attribution yields to the mapper ("nearest" and
 * "next" guesses are 0.5; unique timestamp matches 1.0, shared ones 0.7). */
#define TF_ATTR_MIN_CONF 0.65f

tf_evidence *tfev_for_report(struct report *r, const char *dir)
{
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", dir, RUNDIR_TFDIR);
    DIR *d = opendir(path);
    if (!d)
        return NULL; /* embedded runs and plain logs: nothing of TensorFlow's here */
    closedir(d);
    tf_evidence *ev = NULL;
    struct err e = {0};
    if (tfev_load(dir, &ev, &e) != ST_OK) {
        rep_note(r, "TensorFlow evidence unreadable: %.200s", e.msg);
        return NULL;
    }
    return ev;
}

static bool same_target(const struct rep_event *a, int node, int cast)
{
    return cast >= 0 ? a->cast == cast : (a->cast < 0 && a->node == node);
}

/* Ops whose whole work is one reorder (the embedded backend's table too). */
static bool reorder_is_compute(const char *op)
{
    static const char *const ops[] = {"Transpose", "Cast", "Slice", "StridedSlice", "Pad", "PadV2",
                                      "ConjugateTranspose", NULL};
    for (int i = 0; ops[i]; i++)
        if (!strcmp(op, ops[i]))
            return true;
    return false;
}

long tfev_attribute_report(const tf_evidence *ev, struct report *r, int *fused)
{
    const graph *g = r->g;
    struct rep_priv *P = rpriv(r);
    r->n_tf_attributed = 0;
    r->tf_mapper_agreement = NAN;
    if (!ev->traced || ev->n_attributed == 0)
        return 0;
    /* user node (and cast) of every executed node, once */
    int *xnode = xmalloc(sizeof *xnode * (size_t)(ev->n_exec + 1));
    int *xcast = xmalloc(sizeof *xcast * (size_t)(ev->n_exec + 1));
    for (int x = 0; x < ev->n_exec; x++) {
        const struct tfev_exec *n = &ev->exec[x];
        xcast[x] = n->is_cast ? strmap_get(&P->cast_names, n->name, -1) : -1;
        xnode[x] = xcast[x] >= 0 ? -1 : graph_find(g, n->node);
    }
    long both = 0, agree = 0;
    for (long i = 0; i < ev->n_events; i++) {
        const struct tfev_event *t = &ev->events[i];
        if (t->exec < 0 || t->exec_index < 0 || t->exec_index >= r->n_events)
            continue;
        int node = xnode[t->exec], cast = xcast[t->exec];
        if (node < 0 && cast < 0)
            continue; /* a node of TF's rewritten graph the user's graph lacks */
        struct rep_event *re = &r->events[t->exec_index];
        bool mapped = re->node >= 0 || re->cast >= 0;
        if (mapped) {
            both++;
            if (same_target(re, node, cast))
                agree++;
        }
        if (t->confidence < TF_ATTR_MIN_CONF && mapped)
            continue;
        /* the role: the mapper's when it chose this node or a look-alike of
         * the same op (TF's timestamps only tell look-alikes apart); a
         * reorder is the compute of a layout op, else it feeds the node */
        bool reorder = !strcmp(re->prim, "reorder");
        bool alike = cast < 0 && re->node >= 0 && !strcmp(g->nodes[re->node].op, g->nodes[node].op);
        const char *role;
        if (cast >= 0)
            role = "cast";
        else if (!reorder)
            role = "compute";
        else if ((same_target(re, node, cast) || alike) && re->role && *re->role)
            role = re->role;
        else
            role = reorder_is_compute(g->nodes[node].op) ? "compute" : "reorder_in";
        re->node = node;
        re->cast = cast;
        re->role = role;
        re->confidence = t->confidence;
        r->n_tf_attributed++;
    }
    r->tf_mapper_agreement = both ? (double)agree / (double)both : NAN;
    /* the nodes a fused kernel absorbed, as TF's partition graph says */
    for (int x = 0; fused && x < ev->n_exec; x++) {
        const struct tfev_exec *n = &ev->exec[x];
        if (xnode[x] < 0 || n->n_fused < 2 || n->n_events == 0)
            continue;
        for (int k = 0; k < n->n_fused; k++) {
            int f = graph_find(g, n->fused[k]);
            if (f >= 0 && f != xnode[x])
                fused[f] = xnode[x];
        }
    }
    free(xnode);
    free(xcast);
    return r->n_tf_attributed;
}

void tfev_apply(const tf_evidence *ev, struct report *r)
{
    if (ev->tf_version[0])
        string_copy(r->tf_version, ev->tf_version);
    if (ev->onednn_version[0]) /* the oneDNN inside TensorFlow is what ran */
        string_copy(r->onednn_version, ev->onednn_version[0] == 'v' ? ev->onednn_version + 1 : ev->onednn_version);
    if (ev->amp.converted >= 0 && r->amp.converted < 0)
        r->amp = ev->amp;
    if (ev->painter_run) {
        r->painter_agreement = ev->agreement;
        r->n_disagreements = 0;
        if (ev->n_disagreements) {
            /* owned by the report (strings and array, as report_free frees them) */
            char **d = xcalloc((size_t)ev->n_disagreements, sizeof *d);
            for (int i = 0; i < ev->n_disagreements; i++)
                d[i] = xstrdup(ev->disagreements[i]);
            r->disagreements = d;
            r->n_disagreements = ev->n_disagreements;
        }
    }
    /* Casts ran as TF kernels: oneDNN never shows them. */
    if (r->cast_count == 0 && ev->casts_executed > 0) {
        r->cast_count = ev->casts_executed;
        r->cast_ms = ev->cast_ms;
    }
}

void tfev_report(struct report *r, const char *dir, tf_evidence *ev)
{
    if (!ev)
        return;
    struct rundir_meta *m = xcalloc(1, sizeof *m);
    bool have_meta = rundir_read_meta(dir, m, NULL) == ST_OK;
    struct err pe = {0};
    if (tfev_painter(ev, ev->tf_version[0] ? ev->tf_version : (have_meta ? m->tf_version : NULL),
                     have_meta ? m->list_env : "", &pe) != ST_OK)
        snprintf(ev->painter_note, sizeof ev->painter_note, "painter failed: %.200s", pe.msg);
    /* TensorFlow's oneDNN runs bf16 only with AVX512 (IsBF16SupportedByOneDNNOnThisCPU) */
    if (have_meta && m->cpu_flags[0] && !strstr(m->cpu_flags, "avx512f"))
        rep_note(r, "this CPU has no AVX512: TensorFlow's oneDNN has no bf16 kernels here, so nodes AMP "
                 "made bf16 fall back to other kernels");
    if (ev->n_events == 0 && ev->traced)
        rep_note(r, "TensorFlow ran but oneDNN printed nothing: is TensorFlow's oneDNN off "
                 "(TF_ENABLE_ONEDNN_OPTS=0, or a build without it)?");
    free(m);
    tfev_apply(ev, r);
    struct abuf b;
    abuf_init(&b);
    tfev_json(ev, &b);
    free(r->tf_json);
    r->tf_json = b.data; /* ownership moves to the report */
    tfev_write_attribution(ev, dir, NULL);
    tfev_free(ev);
}

