/* table.c: CSV and JSON export of the per-node table (render/table.h). The
 * measured columns mirror the report's per-node fields; the prediction
 * columns the painter's decision. Every graph node gets a row (nodes the
 * report skipped have empty measured cells) so a spreadsheet can join on the
 * node name.
 */
#include "render/table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void tbl_csv_field(struct abuf *out, const char *s)
{
    if (!s)
        return;
    size_t n = strlen(s);
    bool q = n && (s[0] == ' ' || s[n - 1] == ' ');
    for (const char *p = s; *p && !q; p++)
        q = *p == ',' || *p == '"' || *p == '\n' || *p == '\r';
    if (!q) {
        abuf_put(out, s, n);
        return;
    }
    abuf_putc(out, '"');
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            abuf_putc(out, '"');
        abuf_putc(out, *p);
    }
    abuf_putc(out, '"');
}

/* One CSV row being written: fields are separated before they are written,
 * so empty trailing fields are kept, and end_row pads the row to the
 * header's column count (every row has the same number of columns). */
struct row {
    struct abuf *o;
    int n;
};

static void f_sep(struct row *r)
{
    if (r->n++)
        abuf_putc(r->o, ',');
}

static void f_str(struct row *r, const char *s)
{
    f_sep(r);
    tbl_csv_field(r->o, s);
}

static void f_num(struct row *r, double v, const char *fmt)
{
    f_sep(r);
    if (!isnan(v) && !isinf(v))
        abuf_printf(r->o, fmt, v);
}

static void f_int(struct row *r, long v)
{
    f_sep(r);
    abuf_printf(r->o, "%ld", v);
}

static void end_row(struct row *r, int ncols)
{
    while (r->n < ncols)
        f_sep(r);
    abuf_puts(r->o, "\r\n");
    r->n = 0;
}

/* The header: names separated by commas; returns the column count. */
static int header(struct abuf *o, const char *const *cols)
{
    int n = 0;
    for (; cols[n]; n++) {
        if (n)
            abuf_putc(o, ',');
        abuf_puts(o, cols[n]);
    }
    abuf_puts(o, "\r\n");
    return n;
}

static const struct rep_node **rep_index(const graph *g, const struct report *rep)
{
    const struct rep_node **ix = xcalloc((size_t)(g->n_nodes ? g->n_nodes : 1), sizeof *ix);
    for (int k = 0; rep && k < rep->n_nodes; k++)
        if (rep->nodes[k].node >= 0 && rep->nodes[k].node < g->n_nodes)
            ix[rep->nodes[k].node] = &rep->nodes[k];
    return ix;
}

static const char *planned_of(const amp_plan *p, int i)
{
    if (!p || !p->nodes)
        return NULL;
    if (p->nodes[i].removed)
        return "removed";
    return p->nodes[i].bf16 && !p->failed ? "bf16" : p->nodes[i].any_fp32_attr ? "fp32" : "-";
}

static const char *list_of(const amp_plan *p, int i)
{
    return p && p->nodes ? amp_list_name(p->nodes[i].list) : NULL;
}

static bool *executed_casts(const amp_plan *p, const struct report *rep)
{
    if (!p || !p->n_casts)
        return NULL;
    bool *x = xcalloc((size_t)p->n_casts, sizeof *x);
    for (long k = 0; rep && k < rep->n_events; k++)
        if (rep->events[k].cast >= 0 && rep->events[k].cast < p->n_casts)
            x[rep->events[k].cast] = true;
    return x;
}

void tbl_csv(const graph *g, const amp_plan *plan, const struct report *rep, struct abuf *o)
{
    static const char *const measured[] = {
        "node", "op", "kind", "list", "planned", "executed", "amx", "kernel", "isa", "time_ms",
        "compute_ms", "reorder_ms", "cast_ms", "share_pct", "events", "reorders", "casts",
        "fused_into", "why_code", "why", "fix", "confidence", NULL};
    static const char *const predicted[] = {"node",   "op",          "kind",   "list",
                                            "planned", "reason_code", "reason", NULL};
    const struct rep_node **ix = rep_index(g, rep);
    int ncols = header(o, rep ? measured : predicted);
    struct row r = {o, 0};
    for (int i = 0; i < g->n_nodes; i++) {
        const struct g_node *n = &g->nodes[i];
        f_str(&r, n->name);
        f_str(&r, n->op);
        f_str(&r, "node");
        f_str(&r, list_of(plan, i));
        f_str(&r, planned_of(plan, i));
        if (!rep) {
            f_str(&r, plan && plan->nodes ? plan->nodes[i].reason_code : NULL);
            f_str(&r, plan && plan->nodes ? plan->nodes[i].reason : NULL);
            end_row(&r, ncols);
            continue;
        }
        const struct rep_node *rn = ix[i];
        if (!rn) {
            f_str(&r, "-");
            end_row(&r, ncols);
            continue;
        }
        f_str(&r, rn->executed_dtype);
        f_str(&r, rn->isa == VB_ISA_AMX ? "yes" : "no");
        f_str(&r, rn->impl);
        f_str(&r, rn->isa != VB_ISA_UNKNOWN ? vb_isa_name(rn->isa) : NULL);
        f_num(&r, rn->time_ms, "%.6f");
        f_num(&r, rn->compute_ms, "%.6f");
        f_num(&r, rn->reorder_ms, "%.6f");
        f_num(&r, rn->cast_ms, "%.6f");
        f_num(&r, 100.0 * rn->share, "%.3f");
        f_int(&r, rn->n_events);
        f_int(&r, rn->n_reorders);
        f_int(&r, rn->n_casts);
        f_str(&r, rn->fused_into);
        f_str(&r, rn->why_code);
        f_str(&r, rn->why);
        f_str(&r, rn->fix);
        f_num(&r, rn->confidence, "%.2f");
        end_row(&r, ncols);
    }
    bool *ex = executed_casts(plan, rep);
    for (int c = 0; plan && !plan->failed && c < plan->n_casts; c++) {
        const struct amp_cast *ac = &plan->casts[c];
        f_str(&r, ac->name);
        f_str(&r, "Cast");
        f_str(&r, "cast");
        f_str(&r, NULL);
        f_str(&r, ac->to_bf16 ? "to_bf16" : "to_fp32");
        if (rep)
            f_str(&r, ex[c] ? "executed" : "not_seen");
        else
            f_str(&r, "planned_cast");
        end_row(&r, ncols);
    }
    free(ex);
    free(ix);
}

static void jkey(struct abuf *o, const char *k)
{
    abuf_json_str(o, k);
    abuf_putc(o, ':');
}

static void jstr(struct abuf *o, const char *k, const char *v)
{
    jkey(o, k);
    if (v)
        abuf_json_str(o, v);
    else
        abuf_puts(o, "null");
    abuf_putc(o, ',');
}

static void jnum(struct abuf *o, const char *k, double v)
{
    jkey(o, k);
    abuf_json_num(o, v);
    abuf_putc(o, ',');
}

static void jclose(struct abuf *o, char c)
{
    if (o->len && o->data[o->len - 1] == ',')
        o->len--;
    abuf_putc(o, c);
}

void tbl_json(const graph *g, const amp_plan *plan, const struct report *rep,
              const char *model_name, struct abuf *o)
{
    const struct rep_node **ix = rep_index(g, rep);
    abuf_putc(o, '{');
    jstr(o, "schema", "ampscope.export/1");
    jstr(o, "model", model_name);
    jstr(o, "mode", rep ? "measured" : plan ? "prediction" : "graph");
    jstr(o, "tf_lists", plan ? plan->tf_version : NULL);
    if (rep) {
        jstr(o, "backend", rep->backend);
        jstr(o, "run_dir", rep->run_dir);
        jnum(o, "bf16_share", rep->bf16_share);
        jnum(o, "amx_share", rep->amx_share);
        jkey(o, "cast_count");
        abuf_printf(o, "%d,", rep->cast_count);
        jnum(o, "cast_share", rep->cast_share);
    }
    if (plan) {
        jkey(o, "pass_failed");
        abuf_puts(o, plan->failed ? "true," : "false,");
        jstr(o, "summary", plan->failed ? plan->failure : plan->summary);
    }
    jkey(o, "nodes");
    abuf_putc(o, '[');
    for (int i = 0; i < g->n_nodes; i++) {
        const struct g_node *n = &g->nodes[i];
        abuf_putc(o, '{');
        jstr(o, "name", n->name);
        jstr(o, "op", n->op);
        jstr(o, "list", list_of(plan, i));
        jstr(o, "planned", planned_of(plan, i));
        if (plan && plan->nodes) {
            jstr(o, "reason_code", plan->nodes[i].reason_code);
            jstr(o, "reason", plan->nodes[i].reason);
        }
        const struct rep_node *r = ix[i];
        if (rep) {
            jstr(o, "executed", r ? r->executed_dtype : "-");
            if (r) {
                jkey(o, "amx");
                abuf_puts(o, r->isa == VB_ISA_AMX ? "true," : "false,");
                jstr(o, "kernel", r->impl);
                jstr(o, "isa", r->isa != VB_ISA_UNKNOWN ? vb_isa_name(r->isa) : NULL);
                jnum(o, "time_ms", r->time_ms);
                jnum(o, "share", r->share);
                jstr(o, "fused_into", r->fused_into);
                jstr(o, "why_code", r->why_code);
                jstr(o, "why", r->why);
                jstr(o, "fix", r->fix);
            }
        }
        jclose(o, '}');
        abuf_putc(o, ',');
    }
    jclose(o, ']');
    abuf_putc(o, ',');
    jkey(o, "casts");
    abuf_putc(o, '[');
    bool *ex = executed_casts(plan, rep);
    for (int c = 0; plan && !plan->failed && c < plan->n_casts; c++) {
        const struct amp_cast *ac = &plan->casts[c];
        abuf_putc(o, '{');
        jstr(o, "name", ac->name);
        jstr(o, "src", ac->src_name);
        jkey(o, "src_port");
        abuf_printf(o, "%d,", ac->src_port);
        jstr(o, "to", ac->to_bf16 ? "bf16" : "fp32");
        jkey(o, "dst");
        abuf_putc(o, '[');
        for (int j = 0; j < ac->n_dst; j++) {
            int d = ac->dst_nodes[j];
            abuf_json_str(o, d >= 0 && d < g->n_nodes ? g->nodes[d].name : "?");
            abuf_putc(o, ',');
        }
        jclose(o, ']');
        abuf_putc(o, ',');
        if (rep) {
            jkey(o, "executed");
            abuf_puts(o, ex[c] ? "true," : "false,");
        }
        jclose(o, '}');
        abuf_putc(o, ',');
    }
    free(ex);
    jclose(o, ']');
    abuf_puts(o, "}\n");
    free(ix);
}
