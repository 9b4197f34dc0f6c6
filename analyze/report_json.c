/* report_json.c: the report as JSON (schema in docs/report.md, keys stable,
 * additions only), and the check of the mapper against the embedded
 * backend's ground truth (truth.tsv).
 */
#include "analyze/report_int.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void key(struct abuf *b, const char *k)
{
    abuf_json_str(b, k);
    abuf_putc(b, ':');
}

static void kstr(struct abuf *b, const char *k, const char *v)
{
    key(b, k);
    if (v)
        abuf_json_str(b, v);
    else
        abuf_puts(b, "null");
    abuf_putc(b, ',');
}

static void knum(struct abuf *b, const char *k, double v)
{
    key(b, k);
    abuf_json_num(b, v);
    abuf_putc(b, ',');
}

static void kint(struct abuf *b, const char *k, long v)
{
    key(b, k);
    abuf_printf(b, "%ld,", v);
}

static void kbool(struct abuf *b, const char *k, bool v)
{
    key(b, k);
    abuf_puts(b, v ? "true," : "false,");
}

static void close_obj(struct abuf *b, char c)
{
    if (b->len && b->data[b->len - 1] == ',')
        b->len--;
    abuf_putc(b, c);
    b->data[b->len] = 0;
}

void report_json(const struct report *r, struct abuf *b)
{
    abuf_putc(b, '{');
    kstr(b, "schema", "ampscope-report/1");
    kstr(b, "run_dir", r->run_dir);
    kstr(b, "backend", r->backend[0] ? r->backend : "unknown");
    kstr(b, "status", r->status);
    kstr(b, "onednn_version", r->onednn_version);
    kstr(b, "tf_version", r->tf_version);
    kstr(b, "cpu_model", r->cpu_model);
    key(b, "cpu_has_amx");
    abuf_puts(b, r->cpu_known ? (r->cpu_has_amx ? "true," : "false,") : "null,");
    kint(b, "iterations", r->iterations);
    kint(b, "warmup", r->warmup);
    kstr(b, "iterations_from", r->iterations_from_markers ? "markers" : "repeats");
    knum(b, "bf16_share", r->bf16_share);
    knum(b, "amx_share", r->amx_share);
    key(b, "casts");
    abuf_putc(b, '{');
    kint(b, "count", r->cast_count);
    knum(b, "time_ms", r->cast_ms);
    knum(b, "share", r->cast_share);
    close_obj(b, '}');
    abuf_putc(b, ',');
    key(b, "reorders");
    abuf_putc(b, '{');
    knum(b, "time_ms", r->reorder_ms);
    knum(b, "share", r->reorder_share);
    close_obj(b, '}');
    abuf_putc(b, ',');
    kint(b, "unmapped_events", r->unmapped_events);
    kint(b, "exec_events", r->n_exec_total);
    kint(b, "warmup_events", r->n_warmup_events);
    kint(b, "create_lines", r->n_create_lines);
    kint(b, "unparsed_lines", r->n_verbose_unparsed);
    key(b, "mapping");
    abuf_putc(b, '{');
    kstr(b, "source", r->used_truth ? "truth" : r->n_tf_attributed > 0 ? "tensorflow" : "mapper");
    knum(b, "mean_confidence", r->mean_confidence);
    kint(b, "shape_mismatches", r->n_shape_mismatch);
    kint(b, "tf_attributed", r->n_tf_attributed);
    knum(b, "tf_mapper_agreement", r->tf_mapper_agreement);
    close_obj(b, '}');
    abuf_putc(b, ',');
    knum(b, "wall_ms_per_iter", r->wall_ms_per_iter);
    key(b, "iteration_time_ms");
    if (r->iter_ms_source) {
        abuf_putc(b, '{');
        knum(b, "min", r->iter_ms_min);
        knum(b, "median", r->iter_ms_median);
        knum(b, "max", r->iter_ms_max);
        kstr(b, "source", r->iter_ms_source);
        close_obj(b, '}');
        abuf_putc(b, ',');
    } else {
        abuf_puts(b, "null,");
    }
    knum(b, "prim_ms_per_iter", r->prim_ms_per_iter);
    if (r->plan) {
        key(b, "plan");
        abuf_putc(b, '{');
        kint(b, "converted", r->plan->converted);
        kint(b, "total", r->plan->total);
        kint(b, "casts", r->plan->counted_casts);
        kbool(b, "failed", r->plan->failed);
        kstr(b, "summary", r->plan->summary);
        close_obj(b, '}');
        abuf_putc(b, ',');
    }
    if (r->amp.passes_run > 0 || r->amp.converted >= 0 || r->amp.failures > 0) {
        key(b, "tf_amp_log");
        abuf_putc(b, '{');
        kint(b, "passes_run", r->amp.passes_run);
        kint(b, "converted", r->amp.converted);
        kint(b, "total", r->amp.total);
        kint(b, "casts", r->amp.casts);
        kint(b, "failures", r->amp.failures);
        close_obj(b, '}');
        abuf_putc(b, ',');
    }
    if (r->tf_json) { /* analyze/tfevidence: "tf" and "painter" */
        abuf_puts(b, r->tf_json);
        abuf_putc(b, ',');
    }
    key(b, "compare");
    if (!isnan(r->compare_speedup)) {
        abuf_putc(b, '{');
        knum(b, "speedup", r->compare_speedup);
        knum(b, "f32_ms_per_iter", r->compare_f32_ms);
        knum(b, "bf16_ms_per_iter", r->compare_bf16_ms);
        kstr(b, "run_dir", r->compare_dir);
        close_obj(b, '}');
        abuf_putc(b, ',');
    } else {
        abuf_puts(b, "null,");
    }
    key(b, "nodes");
    abuf_putc(b, '{');
    for (int i = 0; i < r->n_nodes; i++) {
        const struct rep_node *n = &r->nodes[i];
        key(b, n->name);
        abuf_putc(b, '{');
        kstr(b, "op", n->op);
        kstr(b, "planned", n->planned);
        kstr(b, "executed_dtype", n->executed_dtype);
        kstr(b, "isa", n->impl && *n->impl ? vb_isa_name(n->isa) : "");
        kstr(b, "impl", n->impl ? n->impl : "");
        knum(b, "time_ms", n->time_ms);
        knum(b, "share", n->share);
        knum(b, "compute_ms", n->compute_ms);
        knum(b, "reorder_ms", n->reorder_ms);
        knum(b, "cast_ms", n->cast_ms);
        kint(b, "events", n->n_events);
        kint(b, "reorders", n->n_reorders);
        kint(b, "casts", n->n_casts);
        knum(b, "confidence", n->confidence);
        if (n->fused_into)
            kstr(b, "fused_into", n->fused_into);
        if (!isnan(n->speedup))
            knum(b, "speedup", n->speedup);
        if (n->why) {
            kstr(b, "why", n->why);
            kstr(b, "why_code", n->why_code);
            kstr(b, "fix", n->fix);
        }
        close_obj(b, '}');
        abuf_putc(b, ',');
    }
    close_obj(b, '}');
    abuf_putc(b, ',');
    key(b, "diagnosis");
    abuf_putc(b, '[');
    for (int i = 0; i < r->n_whys; i++) {
        const struct rep_why *w = &r->whys[i];
        abuf_putc(b, '{');
        kstr(b, "node", w->node >= 0 ? r->g->nodes[w->node].name : NULL);
        kstr(b, "code", w->code);
        kstr(b, "text", w->text);
        kstr(b, "fix", w->fix);
        knum(b, "time_ms", w->time_ms);
        close_obj(b, '}');
        abuf_putc(b, ',');
    }
    close_obj(b, ']');
    abuf_putc(b, ',');
    key(b, "notes");
    abuf_putc(b, '[');
    for (int i = 0; i < r->n_notes; i++) {
        abuf_json_str(b, r->notes[i]);
        abuf_putc(b, ',');
    }
    close_obj(b, ']');
    close_obj(b, '}');
    abuf_putc(b, '\n');
}

enum status report_truth_check(const struct report *r, const char *dir,
                               struct rep_truth_check *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    char path[PATH_MAX];
    rundir_path(dir, RUNDIR_TRUTH, path, sizeof path);
    char *buf = NULL;
    size_t len = 0;
    enum status st = util_read_file(path, (size_t)1 << 30, &buf, &len, e);
    if (st != ST_OK)
        return st;
    char *seen = xcalloc((size_t)(r->n_events > 0 ? r->n_events : 1), 1);
    long line_no = 0;
    for (char *p = buf; p < buf + len;) {
        char *nl = memchr(p, '\n', (size_t)(buf + len - p));
        if (nl)
            *nl = 0;
        line_no++;
        char *line = p;
        p = nl ? nl + 1 : buf + len;
        if (!*line || *line == '#')
            continue;
        char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (!t1 || !t2) {
            free(seen);
            free(buf);
            return err_at(e, ST_EPARSE, path, line_no, 0, "expected exec_index<TAB>node<TAB>role");
        }
        *t1 = *t2 = 0;
        char *role = t2 + 1;
        size_t rl = strlen(role);
        if (rl && role[rl - 1] == '\r')
            role[rl - 1] = 0;
        long idx = strtol(line, NULL, 10);
        out->total++;
        if (idx < 0 || idx >= r->n_events) {
            out->missing++;
            continue;
        }
        seen[idx] = 1;
        const struct rep_event *ev = &r->events[idx];
        const char *got = rep_event_target(r, ev);
        bool same = got && !strcmp(got, t1 + 1);
        if (same) {
            out->agree++;
            if (ev->role && !strcmp(ev->role, role))
                out->role_agree++;
        }
        if ((!same || !ev->role || strcmp(ev->role, role)) && !out->first_diff[0])
            snprintf(out->first_diff, sizeof out->first_diff,
                     "exec %ld (verbose.log line %ld, %s %s): truth %s (%s), mapper %s (%s, "
                     "confidence %.2f)",
                     idx, ev->line_no, ev->prim, ev->problem, t1 + 1, role, got ? got : "unmapped",
                     ev->role && *ev->role ? ev->role : "-", (double)ev->confidence);
    }
    for (long i = 0; i < r->n_events; i++)
        if (!seen[i])
            out->missing++;
    free(seen);
    free(buf);
    return ST_OK;
}
