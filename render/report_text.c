/* report_text.c: the report as aligned text for a terminal or a file: the
 * headline (bf16 and AMX share, casts, reorders, time per iteration, mapping
 * quality), the per-node table sorted by time, and the diagnosis with the
 * list change for each. Colour (ANSI) only when the caller asks for it.
 */
#include "render/report_text.h"

#include <math.h>
#include <string.h>

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_DIM "\033[2m"
#define C_RED "\033[31m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"
#define C_CYAN "\033[36m"

struct pen {
    struct abuf *b;
    bool color;
};

static void on(struct pen *p, const char *c)
{
    if (p->color)
        abuf_puts(p->b, c);
}

static void off(struct pen *p)
{
    if (p->color)
        abuf_puts(p->b, C_RESET);
}

static void pct(struct abuf *b, double v)
{
    if (isnan(v))
        abuf_puts(b, "    -");
    else
        abuf_printf(b, "%5.1f%%", v * 100.0);
}

/* A time in ms that stays readable below a microsecond ("0.0003"). */
static void put_ms(struct abuf *b, double v)
{
    if (isnan(v))
        abuf_puts(b, "-");
    else if (v == 0 || v >= 0.001)
        abuf_printf(b, "%.3f", v);
    else if (v >= 0.0001)
        abuf_printf(b, "%.4f", v);
    else
        abuf_puts(b, "<0.0001");
}

static const char *share_color(double v)
{
    if (isnan(v))
        return C_DIM;
    return v >= 0.8 ? C_GREEN : v >= 0.3 ? C_YELLOW : C_RED;
}

/* Writes s in exactly w columns: long names keep their tail ("...scope/op"). */
static void cell(struct abuf *b, const char *s, int w, bool left)
{
    if (!s)
        s = "";
    int n = (int)strlen(s);
    if (n > w && w > 3) {
        abuf_puts(b, "...");
        abuf_puts(b, s + n - (w - 3));
        return;
    }
    if (left)
        abuf_printf(b, "%-*s", w, s);
    else
        abuf_printf(b, "%*s", w, s);
}

void rep_text_headline(const struct report *r, struct abuf *out, bool color)
{
    struct pen p = {out, color};
    on(&p, C_BOLD);
    abuf_printf(out, "ampscope report: %s", r->run_dir);
    off(&p);
    abuf_printf(out, "\n  backend %s", r->backend[0] ? r->backend : "unknown");
    if (r->onednn_version[0])
        abuf_printf(out, ", oneDNN %s", r->onednn_version);
    if (r->cpu_model[0])
        abuf_printf(out, ", %s", r->cpu_model);
    if (r->cpu_known)
        abuf_printf(out, " (%s)", r->cpu_has_amx ? "AMX" : "no AMX");
    abuf_putc(out, '\n');

    abuf_puts(out, "  bf16 share    ");
    on(&p, share_color(r->bf16_share));
    pct(out, r->bf16_share);
    off(&p);
    abuf_puts(out, " of compute time    AMX share ");
    on(&p, r->cpu_known && !r->cpu_has_amx ? C_DIM : share_color(r->amx_share));
    pct(out, r->amx_share);
    off(&p);
    if (r->cpu_known && !r->cpu_has_amx)
        abuf_puts(out, " (this CPU has no AMX)");
    abuf_putc(out, '\n');

    abuf_printf(out, "  casts         %d per iteration, ", r->cast_count);
    put_ms(out, r->cast_ms);
    abuf_puts(out, " ms (");
    pct(out, r->cast_share);
    abuf_puts(out, " of primitive time)\n");
    abuf_puts(out, "  reorders      ");
    put_ms(out, r->reorder_ms);
    abuf_puts(out, " ms per iteration (");
    pct(out, r->reorder_share);
    abuf_puts(out, ")\n");

    abuf_printf(out, "  iterations    %d measured", r->iterations);
    if (r->warmup > 0)
        abuf_printf(out, " after %d warmup", r->warmup);
    abuf_printf(out, " (%s)\n", r->iterations_from_markers ? "from ampscope's markers"
                                                            : "found from the repeating exec sequence");
    abuf_puts(out, "  time/iter     ");
    if (!isnan(r->wall_ms_per_iter))
        abuf_printf(out, "wall %.3f ms, ", r->wall_ms_per_iter);
    abuf_printf(out, "sum of primitives %.3f ms", r->prim_ms_per_iter);
    if (!isnan(r->wall_ms_per_iter) && r->prim_ms_per_iter > 0)
        abuf_printf(out, " (wall/primitives %.2f)", r->wall_ms_per_iter / r->prim_ms_per_iter);
    abuf_putc(out, '\n');
    if (r->iter_ms_source && r->iterations >= 2)
        abuf_printf(out, "  spread        %s per iteration %.3f / %.3f / %.3f ms (min / median / max)\n",
                    r->iter_ms_source, r->iter_ms_min, r->iter_ms_median, r->iter_ms_max);
    if (!isnan(r->compare_speedup)) {
        abuf_puts(out, "  compare       ");
        on(&p, r->compare_speedup >= 1.0 ? C_GREEN : C_RED);
        abuf_printf(out, "%.2fx", r->compare_speedup);
        off(&p);
        abuf_printf(out, " speedup over f32 (%.3f ms -> %.3f ms per iteration)\n", r->compare_f32_ms,
                    r->compare_bf16_ms);
    }
    abuf_printf(out, "  mapping       %ld exec events (%ld warmup/setup), ", r->n_exec_total,
                r->n_warmup_events);
    on(&p, r->unmapped_events ? C_RED : C_GREEN);
    abuf_printf(out, "%ld unmapped", r->unmapped_events);
    off(&p);
    if (r->n_shape_mismatch > 0) {
        abuf_puts(out, ", ");
        on(&p, C_RED);
        abuf_printf(out, "%ld on a node of another shape", r->n_shape_mismatch);
        off(&p);
    }
    if (r->used_truth)
        abuf_puts(out, ", from the backend's ground truth");
    else if (!isnan(r->mean_confidence))
        abuf_printf(out, ", mean confidence %.2f", r->mean_confidence);
    abuf_putc(out, '\n');
    if (r->n_tf_attributed > 0) {
        abuf_printf(out, "                %ld by TensorFlow's step_stats timestamps", r->n_tf_attributed);
        if (!isnan(r->tf_mapper_agreement))
            abuf_printf(out, " (the signature mapper agrees on %.1f%%)", r->tf_mapper_agreement * 100.0);
        abuf_putc(out, '\n');
    }
    if (r->plan)
        abuf_printf(out, "  AMP plan      %s\n", r->plan->failed ? "the pass FAILED: graph stays f32"
                                                                 : r->plan->summary);
    if (r->amp.converted >= 0)
        abuf_printf(out, "  TF said       %s\n", r->amp.converted_line);
    if (!isnan(r->painter_agreement)) {
        abuf_puts(out, "  painter       ");
        on(&p, r->n_disagreements ? C_RED : C_GREEN);
        abuf_printf(out, "%.1f%%", r->painter_agreement * 100.0);
        off(&p);
        abuf_printf(out, " agreement with TensorFlow's decisions on its own pre-AMP graph (%d disagreement%s)\n",
                    r->n_disagreements, r->n_disagreements == 1 ? "" : "s");
        for (int i = 0; i < r->n_disagreements && i < 5; i++)
            abuf_printf(out, "                %s\n", r->disagreements[i]);
        if (r->n_disagreements > 5)
            abuf_printf(out, "                ... %d more (--json lists all)\n", r->n_disagreements - 5);
    }
    for (int i = 0; i < r->n_notes; i++) {
        on(&p, C_YELLOW);
        abuf_printf(out, "  note: %s\n", r->notes[i]);
        off(&p);
    }
}

static const char *row_color(const struct rep_node *n)
{
    if (!strcmp(n->executed_dtype, "bf16"))
        return n->isa == VB_ISA_AMX ? C_GREEN : C_YELLOW;
    if (!strcmp(n->executed_dtype, "f32") || !strcmp(n->executed_dtype, "mixed"))
        return C_RED;
    return C_DIM;
}

void rep_text_render(const struct report *r, struct abuf *out, bool color, int max_nodes)
{
    struct pen p = {out, color};
    rep_text_headline(r, out, color);
    abuf_putc(out, '\n');

    int shown = r->n_nodes;
    if (max_nodes > 0 && shown > max_nodes)
        shown = max_nodes;
    int wn = 4, wo = 2, wi = 6;
    for (int i = 0; i < shown; i++) {
        const struct rep_node *n = &r->nodes[i];
        int l = (int)strlen(n->name);
        wn = l > wn ? l : wn;
        l = (int)strlen(n->op);
        wo = l > wo ? l : wo;
        l = n->fused_into ? (int)strlen(n->fused_into) + 11 : (n->impl ? (int)strlen(n->impl) : 0);
        wi = l > wi ? l : wi;
    }
    wn = wn > 44 ? 44 : wn;
    wo = wo > 22 ? 22 : wo;
    wi = wi > 40 ? 40 : wi;
    bool speed = !isnan(r->compare_speedup);
    on(&p, C_BOLD);
    cell(out, "node", wn, true);
    abuf_puts(out, "  ");
    cell(out, "op", wo, true);
    abuf_puts(out, "  planned  ran    ");
    cell(out, "kernel", wi, true);
    abuf_puts(out, "  time ms   share  reord  casts");
    if (speed)
        abuf_puts(out, "  speedup");
    off(&p);
    abuf_putc(out, '\n');
    for (int i = 0; i < shown; i++) {
        const struct rep_node *n = &r->nodes[i];
        cell(out, n->name, wn, true);
        abuf_puts(out, "  ");
        cell(out, n->op, wo, true);
        abuf_printf(out, "  %-7s  ", n->planned);
        on(&p, row_color(n));
        abuf_printf(out, "%-5s", n->executed_dtype);
        off(&p);
        abuf_puts(out, "  ");
        if (n->fused_into) {
            char fb[300];
            snprintf(fb, sizeof fb, "(fused in %s)", n->fused_into);
            on(&p, C_DIM);
            cell(out, fb, wi, true);
            off(&p);
        } else {
            cell(out, n->impl, wi, true);
        }
        abuf_printf(out, "  %7.3f  ", n->time_ms);
        pct(out, n->share);
        abuf_printf(out, "  %5d  %5d", n->n_reorders, n->n_casts);
        if (speed) {
            if (isnan(n->speedup))
                abuf_puts(out, "        -");
            else
                abuf_printf(out, "  %6.2fx", n->speedup);
        }
        abuf_putc(out, '\n');
    }
    if (shown < r->n_nodes) {
        double rest = 0;
        for (int i = shown; i < r->n_nodes; i++)
            rest += r->nodes[i].time_ms;
        on(&p, C_DIM);
        abuf_printf(out, "... %d more nodes, %.3f ms (--max-nodes 0 shows all)\n", r->n_nodes - shown,
                    rest);
        off(&p);
    }
    if (r->n_nodes == 0)
        abuf_puts(out, "(no node ran a oneDNN primitive)\n");

    abuf_putc(out, '\n');
    on(&p, C_BOLD);
    abuf_puts(out, "why not bf16 on AMX");
    off(&p);
    abuf_putc(out, '\n');
    if (r->n_whys == 0 && r->n_events == 0)
        abuf_puts(out, "  nothing ran under oneDNN: the log has no exec lines. Run with ONEDNN_VERBOSE=1 (and\n"
                       "  TF_ENABLE_ONEDNN_OPTS=1 for TensorFlow); check the program really ran the model\n");
    else if (r->n_whys == 0 && r->cpu_has_amx)
        abuf_puts(out, "  nothing to explain: every costly node ran bf16 on AMX\n");
    else if (r->n_whys == 0)
        abuf_puts(out, "  nothing to explain: every costly node ran bf16 (this CPU has no AMX)\n");
    for (int i = 0; i < r->n_whys; i++) {
        const struct rep_why *w = &r->whys[i];
        abuf_printf(out, "  %d. ", i + 1);
        if (w->node >= 0) {
            on(&p, C_CYAN);
            abuf_puts(out, r->g->nodes[w->node].name);
            off(&p);
            if (w->time_ms > 0)
                abuf_printf(out, " (%.3f ms)", w->time_ms);
            abuf_puts(out, ": ");
        }
        abuf_printf(out, "%s\n", w->text);
        if (w->fix) {
            abuf_puts(out, "     change: ");
            on(&p, C_BOLD);
            abuf_puts(out, w->fix);
            off(&p);
            abuf_putc(out, '\n');
        }
    }
}
