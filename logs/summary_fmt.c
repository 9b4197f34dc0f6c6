/* summary_fmt.c: the text table and the JSON document of `ampscope logs`,
 * built into an abuf (the caller prints). The JSON schema is documented in
 * docs/logs.md; keep the two in step.
 */
#include "logs/summary.h"

#include <math.h>
#include <string.h>

#define C_BOLD "\033[1m"
#define C_DIM "\033[2m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"
#define C_RED "\033[31m"
#define C_OFF "\033[0m"

static const char *col(const struct lsum_fmt *o, const char *c) { return o->color ? c : ""; }

/* 1234567 -> "1,234,567" */
static const char *num(char *buf, size_t n, long v)
{
    char tmp[32];
    int k = snprintf(tmp, sizeof tmp, "%ld", v < 0 ? -v : v);
    size_t o = 0;
    if (v < 0 && o < n - 1)
        buf[o++] = '-';
    for (int i = 0; i < k && o < n - 1; i++) {
        buf[o++] = tmp[i];
        int left = k - i - 1;
        if (left > 0 && left % 3 == 0 && o < n - 1)
            buf[o++] = ',';
    }
    buf[o] = 0;
    return buf;
}

static void ms(char *buf, size_t n, double v)
{
    if (v >= 100000)
        snprintf(buf, n, "%.0f", v);
    else if (v >= 100)
        snprintf(buf, n, "%.1f", v);
    else
        snprintf(buf, n, "%.3f", v);
}

static void pct(char *buf, size_t n, double part, double whole)
{
    if (whole > 0)
        snprintf(buf, n, "%5.1f%%", 100.0 * part / whole);
    else
        snprintf(buf, n, "    -");
}

static void section(struct abuf *b, const struct lsum_fmt *o, const char *title)
{
    abuf_printf(b, "\n%s%s%s\n", col(o, C_BOLD), title, col(o, C_OFF));
}

static void table(struct abuf *b, const struct lsum_fmt *o, const char *head,
                  const struct lsum_row *rows, int n, int limit, double total)
{
    int w = (int)strlen(head);
    int shown = 0;
    for (int i = 0; i < n; i++) {
        if (!rows[i].count || (limit && shown >= limit))
            continue;
        int l = (int)strlen(rows[i].name[0] ? rows[i].name : "(none)");
        if (l > w)
            w = l;
        shown++;
    }
    if (w > 48)
        w = 48;
    abuf_printf(b, "  %s%-*s  %9s  %12s  %6s%s\n", col(o, C_DIM), w, head, "count", "time ms",
                "share", col(o, C_OFF));
    shown = 0;
    int hidden = 0;
    for (int i = 0; i < n; i++) {
        if (!rows[i].count)
            continue;
        if (limit && shown >= limit) {
            hidden++;
            continue;
        }
        char c[32], t[32], p[16];
        ms(t, sizeof t, rows[i].time_ms);
        pct(p, sizeof p, rows[i].time_ms, total);
        abuf_printf(b, "  %-*.*s  %9s  %12s  %6s\n", w, w,
                    rows[i].name[0] ? rows[i].name : "(none)", num(c, sizeof c, rows[i].count), t,
                    p);
        shown++;
    }
    if (hidden)
        abuf_printf(b, "  %s... %d more (--verbose shows all)%s\n", col(o, C_DIM), hidden,
                    col(o, C_OFF));
}

static void share_line(struct abuf *b, const struct lsum_fmt *o, const char *label, double v,
                       const char *what, const struct lsum_ct *part, const struct lsum_ct *whole)
{
    if (isnan(v)) {
        abuf_printf(b, "  %-11s     -   no non-reorder exec record to measure it on\n", label);
        return;
    }
    const char *c = v >= 0.5 ? C_GREEN : v > 0 ? C_YELLOW : C_RED;
    char t1[32], t2[32];
    ms(t1, sizeof t1, part->time_ms);
    ms(t2, sizeof t2, whole->time_ms);
    abuf_printf(b, "  %-11s %s%s%5.1f%%%s  %s %s(%s of %s ms; %ld of %ld exec%s)%s\n", label,
                col(o, C_BOLD), col(o, c), 100.0 * v, col(o, C_OFF), what, col(o, C_DIM), t1, t2,
                part->count, whole->count, whole->count == 1 ? "" : "s", col(o, C_OFF));
}

/* Next steps a newcomer needs, from what the figures show. */
static void notes(const struct lsum *s, const struct lsum_fmt *o, struct abuf *b)
{
    struct abuf n;
    abuf_init(&n);
    bool cpu_amx = strstr(s->cpu_isa, "AMX") != NULL;
    if (s->nonreorder.count && s->bf16.count == 0 && s->fpmath_bf16.count == 0)
        abuf_puts(&n, "  - nothing ran in bf16: is auto mixed precision on? TensorFlow: "
                      "tf.config.optimizer.set_experimental_options(\n"
                      "    {'auto_mixed_precision_onednn_bfloat16': True}); ITEX: "
                      "ITEX_AUTO_MIXED_PRECISION=1\n");
    if (s->bf16.count && s->amx.count == 0) {
        if (cpu_amx)
            abuf_puts(&n, "  - bf16 ran without AMX although the header reports AMX: check "
                          "ONEDNN_MAX_CPU_ISA and the kernels' shapes\n");
        else if (s->cpu_isa[0])
            abuf_puts(&n, "  - the CPU reports no AMX, so bf16 runs on AVX512-BF16 at best "
                          "(AMX needs Sapphire Rapids or newer)\n");
    }
    if (s->casts.count && s->nonreorder.time_ms > 0 && s->casts.time_ms > 0.05 * s->nonreorder.time_ms)
        abuf_printf(&n, "  - f32<->bf16 casts cost %.1f%% of the compute time: look for "
                        "bf16 islands between f32 ops\n",
                    100.0 * s->casts.time_ms / s->nonreorder.time_ms);
    if (s->exec.count == 0 && s->create.count)
        abuf_puts(&n, "  - only creation lines: the program built primitives but the log has "
                      "no exec line (cut short?)\n");
    if (s->has_amp && s->amp.nothing_to_do && !s->amp.converted_lines)
        abuf_puts(&n, "  - TensorFlow found no allowlist op (MatMul, Conv2D, ...): "
                      "AMP had nothing to convert\n");
    if (n.len) {
        section(b, o, "notes");
        abuf_put(b, n.data, n.len);
    }
    abuf_done(&n);
}

static void sorted_fixed(struct lsum_row *out, const struct lsum_row *in, int n)
{
    /* insertion sort by time desc (n <= 16) */
    int k = 0;
    for (int i = 0; i < n; i++) {
        int j = k++;
        while (j > 0 && (out[j - 1].time_ms < in[i].time_ms ||
                         (out[j - 1].time_ms == in[i].time_ms && out[j - 1].count < in[i].count))) {
            out[j] = out[j - 1];
            j--;
        }
        out[j] = in[i];
    }
}

static void amp_text(const struct lsum *s, const struct lsum_fmt *o, struct abuf *b)
{
    const struct amp_log_summary *a = &s->amp;
    section(b, o, a->itex ? "AMP (ITEX advanced auto mixed precision)"
                          : "AMP (TensorFlow auto_mixed_precision)");
    abuf_printf(b, "  passes run        %d%s\n", a->passes_run,
                a->dtype[0] ? (strcmp(a->dtype, "float16") ? "  (bfloat16)" : "  (float16)") : "");
    if (a->converted_lines) {
        abuf_printf(b, "  converted         %d/%d nodes using %d cast(s)%s\n", a->converted,
                    a->total, a->casts, a->converted_lines > 1 ? "  (last pass)" : "");
        if (a->converted_lines > 1)
            abuf_printf(b, "  all %-2d passes     %ld/%ld nodes, %ld cast(s)\n", a->converted_lines,
                        a->converted_sum, a->total_sum, a->casts_sum);
    }
    if (a->nothing_to_do)
        abuf_printf(b, "  nothing to do     %d time(s): no allowlist op in the graph\n",
                    a->nothing_to_do);
    if (a->failures)
        abuf_printf(b, "  %sFAILED%s            %d time(s): %s\n", col(o, C_RED), col(o, C_OFF),
                    a->failures, a->failure);
    if (a->multiple_lists)
        abuf_printf(b, "  %sop lists conflict%s: an op is in two lists (check "
                    "TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_* variables)\n",
                    col(o, C_RED), col(o, C_OFF));
    if (s->n_decisions) {
        int paint = 0, change = 0, cast = 0, allow = 0, deny = 0;
        for (int i = 0; i < s->n_decisions; i++) {
            const struct amp_decision *d = &s->decisions[i];
            if (d->kind == AMP_DEC_PAINT) {
                paint++;
                if (!strcmp(d->what, "ALLOW"))
                    allow++;
                else if (!strcmp(d->what, "DENY"))
                    deny++;
            } else if (d->kind == AMP_DEC_CHANGE) {
                change++;
            } else {
                cast++;
            }
        }
        abuf_printf(b,
                    "  per-node (VLOG)   %d paint (%d ALLOW, %d DENY), %d type changes, %d casts "
                    "inserted\n",
                    paint, allow, deny, change, cast);
        if (o->verbose) {
            static const char *kn[] = {"paint", "change", "cast"};
            for (int i = 0; i < s->n_decisions; i++) {
                const struct amp_decision *d = &s->decisions[i];
                abuf_printf(b, "    %-6s %-8s %s", kn[d->kind], d->what, d->node);
                if (d->port >= 0)
                    abuf_printf(b, ":%d", d->port);
                if (d->op[0])
                    abuf_printf(b, " (%s)", d->op);
                if (d->attr[0])
                    abuf_printf(b, " attr %s", d->attr);
                abuf_putc(b, '\n');
            }
        }
    }
}

/* A file's name in the files table: its base name when no other input has
 * the same one, else the path as given. */
static const char *file_label(const struct lsum *s, int i)
{
    const char *p = s->files[i].path;
    if (!strcmp(p, "-"))
        return "(stdin)";
    const char *base = strrchr(p, '/') && strrchr(p, '/')[1] ? strrchr(p, '/') + 1 : p;
    for (int j = 0; j < s->n_files; j++) {
        const char *q = s->files[j].path;
        const char *qb = strrchr(q, '/') && strrchr(q, '/')[1] ? strrchr(q, '/') + 1 : q;
        if (j != i && !strcmp(qb, base))
            return p;
    }
    return base;
}

/* Several files: each is its own timeline, so spans are per file. */
static void files_text(const struct lsum *s, const struct lsum_fmt *o, struct abuf *b)
{
    abuf_printf(b, "%sfiles%s      %d, counted together below; each file is its own timeline "
                   "(spans per file)\n",
                col(o, C_BOLD), col(o, C_OFF), s->n_files);
    int w = 4;
    for (int i = 0; i < s->n_files; i++) {
        int l = (int)strlen(file_label(s, i));
        w = l > w ? l : w;
    }
    w = w > 44 ? 44 : w;
    abuf_printf(b, "  %s%-*s  %7s  %7s  %7s  %10s  %12s  %s%s\n", col(o, C_DIM), w, "file",
                "lines", "verbose", "exec", "exec ms", "wall span ms", "oneDNN", col(o, C_OFF));
    for (int i = 0; i < s->n_files; i++) {
        const struct lsum_file *f = &s->files[i];
        char c1[32], c2[32], c3[32], t[32], span[32];
        const char *name = file_label(s, i);
        size_t l = strlen(name);
        char shown[64];
        if ((int)l > w) { /* keep both ends: corpus-style names differ at the front */
            int head = (w - 3) / 2, tail = w - 3 - head;
            snprintf(shown, sizeof shown, "%.*s...%s", head, name, name + l - (size_t)tail);
        } else
            snprintf(shown, sizeof shown, "%s", name);
        ms(t, sizeof t, f->exec.time_ms);
        if (isnan(f->ts_first))
            snprintf(span, sizeof span, "-");
        else
            ms(span, sizeof span, f->ts_last - f->ts_first);
        abuf_printf(b, "  %-*s  %7s  %7s  %7s  %10s  %12s  %s\n", w, shown,
                    num(c1, sizeof c1, f->lines), num(c2, sizeof c2, f->verbose_lines),
                    num(c3, sizeof c3, f->exec.count), t, span,
                    f->onednn_version[0] ? f->onednn_version : "-");
    }
}

void lsum_format_text(const struct lsum *s, const struct lsum_fmt *o, struct abuf *b)
{
    char c1[32], c2[32], c3[32], c4[32], t1[32], t2[32];
    int top = o->top > 0 ? o->top : 10;
    const struct vb_counts *c = &s->counts;
    abuf_printf(b, "%sinput%s      %s lines: %s verbose, %s other, %s unparsed", col(o, C_BOLD),
                col(o, C_OFF), num(c1, sizeof c1, c->lines), num(c2, sizeof c2, c->verbose_lines),
                num(c3, sizeof c3, c->other_lines), num(c4, sizeof c4, c->unparsed));
    if (c->glued)
        abuf_printf(b, " (+%ld glued records)", c->glued);
    abuf_putc(b, '\n');
    static const char *mk[] = {"mkldnn_verbose (0.x-1.0)", "dnnl_verbose (1.1-2.5)",
                               "onednn_verbose (2.6+)"};
    abuf_printf(b, "%sformat%s    ", col(o, C_BOLD), col(o, C_OFF));
    int any = 0;
    for (int i = 0; i < 3; i++)
        if (s->markers[i])
            abuf_printf(b, "%s%s", any++ ? " + " : " ", mk[i]);
    if (!any)
        abuf_puts(b, " -");
    if (s->with_ts)
        abuf_printf(b, ", timestamps");
    abuf_putc(b, '\n');
    abuf_printf(b, "%soneDNN%s     %s", col(o, C_BOLD), col(o, C_OFF),
                s->onednn_version[0] ? s->onednn_version
                : s->onednn_line[0]  ? s->onednn_line
                                     : "(no header line: version unknown)");
    if (s->runtime[0])
        abuf_printf(b, ", runtime %s", s->runtime);
    if (s->version_mixed)
        abuf_printf(b, " (the first of several versions in the input%s)",
                    s->n_files > 1 ? "; per file under files" : "");
    else if (s->n_files > 1 && s->onednn_version[0])
        abuf_puts(b, " (the first version line seen; per file under files)");
    abuf_putc(b, '\n');
    if (s->cpu_isa[0])
        abuf_printf(b, "%sCPU ISA%s    %s  %s(the maximum detected, not proof of use)%s\n",
                    col(o, C_BOLD), col(o, C_OFF), s->cpu_isa, col(o, C_DIM), col(o, C_OFF));
    if (s->n_files > 1)
        files_text(s, o, b);
    else if (!isnan(s->ts_first))
        abuf_printf(b, "%swall span%s  %.1f ms from the first to the last timestamp\n",
                    col(o, C_BOLD), col(o, C_OFF), s->ts_last - s->ts_first);

    section(b, o, "headline");
    share_line(b, o, "bf16 share", s->bf16_share, "of non-reorder exec time had a bf16 source",
               &s->bf16, &s->nonreorder);
    share_line(b, o, "AMX share", s->amx_share, "of non-reorder exec time ran on AMX kernels", &s->amx,
               &s->nonreorder);
    if (s->fpmath_bf16.count)
        abuf_printf(b, "  (%ld f32 executions with attr-fpmath:bf16 may compute in bf16: %.3f ms)\n",
                    s->fpmath_bf16.count, s->fpmath_bf16.time_ms);

    section(b, o, "events");
    ms(t1, sizeof t1, s->exec.time_ms);
    abuf_printf(b, "  exec          %10s  %12s ms", num(c1, sizeof c1, s->exec.count), t1);
    if (s->exec_untimed)
        abuf_printf(b, "  (%ld without a time)", s->exec_untimed);
    abuf_putc(b, '\n');
    ms(t1, sizeof t1, s->create.time_ms);
    abuf_printf(b, "  create        %10s  %12s ms", num(c1, sizeof c1, s->create.count), t1);
    if (!s->create.count)
        abuf_puts(b, "  (ONEDNN_VERBOSE=2 logs creation)");
    else if (s->create_cache_hits)
        abuf_printf(b, "  (%ld primitive-cache hits)", s->create_cache_hits);
    abuf_putc(b, '\n');
    if (s->create_nested.count) {
        ms(t1, sizeof t1, s->create_nested.time_ms);
        abuf_printf(b, "  create_nested %10s  %12s ms\n", num(c1, sizeof c1, s->create_nested.count),
                    t1);
    }
    if (s->kinds[VB_GRAPH]) {
        ms(t1, sizeof t1, s->graph_exec.time_ms);
        abuf_printf(b, "  graph exec    %10s  %12s ms  (partitions; %ld graph lines)\n",
                    num(c1, sizeof c1, s->graph_exec.count), t1, s->kinds[VB_GRAPH]);
    }
    long diag = s->kinds[VB_CHECK] + s->kinds[VB_DISPATCH] + s->kinds[VB_ERROR] + s->kinds[VB_WARN];
    if (diag)
        abuf_printf(b, "  diagnostics   %10ld  (check %ld, dispatch %ld, error %ld, warning %ld)\n",
                    diag, s->kinds[VB_CHECK], s->kinds[VB_DISPATCH], s->kinds[VB_ERROR],
                    s->kinds[VB_WARN]);
    if (s->first_error)
        abuf_printf(b, "  %sfirst error%s   %s\n", col(o, C_RED), col(o, C_OFF), s->first_error);
    long reorders = s->reorder_layout.count + s->reorder_convert.count;
    if (reorders) {
        ms(t1, sizeof t1, s->reorder_layout.time_ms);
        ms(t2, sizeof t2, s->reorder_convert.time_ms);
        abuf_printf(b, "  reorders      %10s  layout changes %s (%s ms), data-type conversions %s (%s ms)\n",
                    num(c1, sizeof c1, reorders), num(c2, sizeof c2, s->reorder_layout.count), t1,
                    num(c3, sizeof c3, s->reorder_convert.count), t2);
        ms(t1, sizeof t1, s->casts.time_ms);
        abuf_printf(b, "  casts         %10s  %12s ms  (f32<->bf16 reorders)\n",
                    num(c1, sizeof c1, s->casts.count), t1);
    }

    if (!s->exec.count)
        goto amp;
    section(b, o, "by primitive kind");
    table(b, o, "kind", s->by_prim, s->n_prim, 0, s->exec.time_ms);
    section(b, o, "by ISA class (from the implementation name)");
    struct lsum_row rows[(int)VB_ISA__COUNT + (int)VB_DT__COUNT];
    sorted_fixed(rows, s->by_isa, VB_ISA__COUNT);
    table(b, o, "isa", rows, VB_ISA__COUNT, 0, s->exec.time_ms);
    section(b, o, "by compute data type (src)");
    sorted_fixed(rows, s->by_dtype, VB_DT__COUNT);
    table(b, o, "dtype", rows, VB_DT__COUNT, 0, s->exec.time_ms);
    section(b, o, "by implementation");
    table(b, o, "implementation", s->by_impl, s->n_impl, o->verbose ? 0 : top, s->exec.time_ms);

    section(b, o, "top problem shapes by time");
    int ws = 4, wp = 7; /* kind and problem columns: as wide as the rows shown */
    for (int i = 0; i < s->n_shapes && i < top; i++) {
        int l = (int)strlen(s->shapes[i].prim), lp = (int)strlen(s->shapes[i].problem);
        ws = l > ws ? l : ws;
        wp = lp > wp ? lp : wp;
    }
    wp = wp > 60 ? 60 : wp;
    abuf_printf(b, "  %s%12s  %8s  %-5s  %-16s  %-*s  %-*s  %s%s\n", col(o, C_DIM), "time ms",
                "count", "dtype", "isa", ws, "kind", wp, "problem", "implementation", col(o, C_OFF));
    for (int i = 0; i < s->n_shapes && i < top; i++) {
        const struct lsum_shape *sh = &s->shapes[i];
        ms(t1, sizeof t1, sh->time_ms);
        abuf_printf(b, "  %12s  %8s  %-5s  %-16s  %-*s  %-*s  %s%s%s\n", t1,
                    num(c1, sizeof c1, sh->count), vb_dt_name(sh->src_dt), vb_isa_name(sh->isa), ws,
                    sh->prim, wp, sh->problem[0] ? sh->problem : "-", col(o, C_DIM), sh->impl,
                    col(o, C_OFF));
    }
    if (s->n_shapes > top)
        abuf_printf(b, "  %s... %d more shapes (--top N)%s\n", col(o, C_DIM), s->n_shapes - top,
                    col(o, C_OFF));
amp:
    if (s->has_amp)
        amp_text(s, o, b);
    notes(s, o, b);
    if (c->unparsed) {
        section(b, o, "unparsed");
        abuf_printf(b, "  %ld line(s) looked like verbose lines but did not parse (cut, wrapped or "
                       "elided lines)%s\n",
                    c->unparsed, o->verbose ? ":" : "; --verbose shows the first few");
        if (o->verbose)
            for (int i = 0; i < s->n_samples; i++)
                abuf_printf(b, "    %s\n", s->samples[i]);
    }
}

/* ---- JSON --------------------------------------------------------------- */

static void jct(struct abuf *b, const char *key, const struct lsum_ct *c)
{
    abuf_printf(b, "\"%s\":{\"count\":%ld,\"time_ms\":", key, c->count);
    abuf_json_num(b, c->time_ms);
    abuf_putc(b, '}');
}

static void jrows(struct abuf *b, const char *key, const struct lsum_row *r, int n)
{
    abuf_printf(b, ",\"%s\":{", key);
    int k = 0;
    for (int i = 0; i < n; i++) {
        if (!r[i].count)
            continue;
        if (k++)
            abuf_putc(b, ',');
        abuf_json_str(b, r[i].name);
        abuf_printf(b, ":{\"count\":%ld,\"time_ms\":", r[i].count);
        abuf_json_num(b, r[i].time_ms);
        abuf_putc(b, '}');
    }
    abuf_putc(b, '}');
}

/* {"first_ms":..,"last_ms":..} or null; epoch milliseconds need more digits
 * than abuf_json_num's %.6g keeps, so they are printed to the microsecond. */
static void jts(struct abuf *b, double first, double last)
{
    if (isnan(first))
        abuf_puts(b, "null");
    else
        abuf_printf(b, "{\"first_ms\":%.3f,\"last_ms\":%.3f}", first, last);
}

static void jstr_or_null(struct abuf *b, const char *s)
{
    if (s && s[0])
        abuf_json_str(b, s);
    else
        abuf_puts(b, "null");
}

void lsum_format_json(const struct lsum *s, const struct lsum_fmt *o, struct abuf *b)
{
    const struct vb_counts *c = &s->counts;
    int top = o->top > 0 ? o->top : 10;
    abuf_printf(b, "{\"schema\":\"ampscope.logs/1\",\"lines\":%ld,\"verbose_lines\":%ld,"
                   "\"other_lines\":%ld,\"unparsed_lines\":%ld,\"glued_records\":%ld,\"bytes\":%lld",
                c->lines, c->verbose_lines, c->other_lines, c->unparsed, c->glued, c->bytes);
    abuf_puts(b, ",\"unparsed_samples\":[");
    for (int i = 0; i < s->n_samples; i++) {
        if (i)
            abuf_putc(b, ',');
        abuf_json_str(b, s->samples[i]);
    }
    abuf_puts(b, "],\"onednn_version\":");
    jstr_or_null(b, s->onednn_version);
    abuf_puts(b, ",\"onednn_info\":");
    jstr_or_null(b, s->onednn_line);
    abuf_puts(b, ",\"runtime\":");
    jstr_or_null(b, s->runtime);
    abuf_puts(b, ",\"cpu_isa\":");
    jstr_or_null(b, s->cpu_isa);
    abuf_puts(b, ",\"gpu_runtime\":");
    jstr_or_null(b, s->gpu_runtime);
    abuf_printf(b, ",\"version_mixed\":%s", s->version_mixed ? "true" : "false");
    abuf_printf(b, ",\"markers\":{\"mkldnn_verbose\":%ld,\"dnnl_verbose\":%ld,\"onednn_verbose\":%ld}",
                s->markers[0], s->markers[1], s->markers[2]);
    abuf_puts(b, ",\"events\":{");
    for (int k = 0; k < VB_KIND__COUNT; k++)
        abuf_printf(b, "%s\"%s\":%ld", k ? "," : "", vb_kind_name((enum vb_kind)k), s->kinds[k]);
    abuf_puts(b, "},");
    jct(b, "exec", &s->exec);
    abuf_printf(b, ",\"exec_untimed\":%ld,", s->exec_untimed);
    jct(b, "create", &s->create);
    abuf_printf(b, ",\"create_cache_hits\":%ld,", s->create_cache_hits);
    jct(b, "create_nested", &s->create_nested);
    abuf_putc(b, ',');
    jct(b, "graph_exec", &s->graph_exec);
    jrows(b, "by_primitive", s->by_prim, s->n_prim);
    jrows(b, "by_impl", s->by_impl, s->n_impl);
    jrows(b, "by_isa", s->by_isa, VB_ISA__COUNT);
    jrows(b, "by_dtype", s->by_dtype, VB_DT__COUNT);
    abuf_puts(b, ",\"top_shapes\":[");
    for (int i = 0; i < s->n_shapes && i < top; i++) {
        const struct lsum_shape *sh = &s->shapes[i];
        if (i)
            abuf_putc(b, ',');
        abuf_puts(b, "{\"primitive\":");
        abuf_json_str(b, sh->prim);
        abuf_puts(b, ",\"impl\":");
        abuf_json_str(b, sh->impl);
        abuf_printf(b, ",\"isa\":\"%s\",\"dtype\":\"%s\",\"problem\":", vb_isa_name(sh->isa),
                    vb_dt_name(sh->src_dt));
        abuf_json_str(b, sh->problem);
        abuf_printf(b, ",\"count\":%ld,\"time_ms\":", sh->count);
        abuf_json_num(b, sh->time_ms);
        abuf_putc(b, '}');
    }
    abuf_puts(b, "],\"reorders\":{");
    jct(b, "layout", &s->reorder_layout);
    abuf_putc(b, ',');
    jct(b, "convert", &s->reorder_convert);
    abuf_puts(b, "},");
    jct(b, "casts", &s->casts);
    abuf_putc(b, ',');
    jct(b, "non_reorder", &s->nonreorder);
    abuf_putc(b, ',');
    jct(b, "fpmath_bf16", &s->fpmath_bf16);
    abuf_puts(b, ",\"bf16_share\":");
    abuf_json_num(b, s->bf16_share);
    abuf_puts(b, ",\"amx_share\":");
    abuf_json_num(b, s->amx_share);
    abuf_puts(b, ",\"files\":[");
    for (int i = 0; i < s->n_files; i++) {
        const struct lsum_file *f = &s->files[i];
        abuf_puts(b, i ? ",{\"path\":" : "{\"path\":");
        abuf_json_str(b, f->path);
        abuf_printf(b, ",\"lines\":%ld,\"verbose_lines\":%ld,", f->lines, f->verbose_lines);
        jct(b, "exec", &f->exec);
        abuf_puts(b, ",\"onednn_version\":");
        jstr_or_null(b, f->onednn_version);
        abuf_puts(b, ",\"timestamps\":");
        jts(b, f->ts_first, f->ts_last);
        abuf_putc(b, '}');
    }
    abuf_puts(b, "]");
    abuf_puts(b, ",\"timestamps\":");
    jts(b, s->n_files > 1 ? NAN : s->ts_first, s->ts_last);
    abuf_puts(b, ",\"first_error\":");
    jstr_or_null(b, s->first_error);
    abuf_puts(b, ",\"amp\":");
    if (!s->has_amp) {
        abuf_puts(b, "null}\n");
        return;
    }
    const struct amp_log_summary *a = &s->amp;
    abuf_printf(b, "{\"passes_run\":%d,\"converted\":%d,\"total\":%d,\"casts\":%d,"
                   "\"converted_lines\":%d,\"converted_sum\":%ld,\"total_sum\":%ld,\"casts_sum\":%ld,"
                   "\"nothing_to_do\":%d,\"failures\":%d,\"failure\":",
                a->passes_run, a->converted, a->total, a->casts, a->converted_lines,
                a->converted_sum, a->total_sum, a->casts_sum, a->nothing_to_do, a->failures);
    jstr_or_null(b, a->failure);
    abuf_printf(b, ",\"multiple_lists\":%s,\"itex\":%s,\"dtype\":",
                a->multiple_lists ? "true" : "false", a->itex ? "true" : "false");
    jstr_or_null(b, a->dtype);
    abuf_puts(b, ",\"decisions\":[");
    static const char *kn[] = {"paint", "change", "cast"};
    for (int i = 0; i < s->n_decisions; i++) {
        const struct amp_decision *d = &s->decisions[i];
        if (i)
            abuf_putc(b, ',');
        abuf_printf(b, "{\"kind\":\"%s\",\"node\":", kn[d->kind]);
        abuf_json_str(b, d->node);
        abuf_puts(b, ",\"op\":");
        abuf_json_str(b, d->op);
        abuf_puts(b, ",\"attr\":");
        abuf_json_str(b, d->attr);
        abuf_puts(b, ",\"what\":");
        abuf_json_str(b, d->what);
        abuf_printf(b, ",\"port\":%d,\"line\":%ld}", d->port, d->line_no);
    }
    abuf_puts(b, "]}}\n");
}
