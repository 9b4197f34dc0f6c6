/* amp_paint_out.c: the painter's results. ChangeTypeAttrsAndAddCasts (type
 * changes counted per type attribute, one shared Cast per source port and
 * direction, named as the selected TF version names them, counted unless the
 * source is a Const/Variable), the per attribute and per node reasons a
 * person can read, the plan's JSON, and amp_plan_free.
 */
#include "analyze/amp_paint_int.h"

#include <stdlib.h>
#include <string.h>

static const char *intern(amp_plan *p, const char *s) { return strpool_intern(p->pool, s, strlen(s)); }

static bool is_variable_op(const char *op)
{
    static const char *const ops[] = {"Variable",  "VariableV2",    "AutoReloadVariable",
                                      "VarHandleOp", "ReadVariableOp", "_VarHandlesOp",
                                      "_ReadVariablesOp"};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (!strcmp(op, ops[i]))
            return true;
    return false;
}

static void cast_name(struct pctx *c, enum amp_cast_style style, struct strmap *names, int src,
                      int port, bool to_bf16, int dst, int dst_input, char *out, size_t size)
{
    const char *what = to_bf16 ? "CastToBf16" : "CastToFp32";
    const char *sn = c->w.n[src].name;
    if (style == AMP_CAST_SRC_DST) {
        snprintf(out, size, "%s-%d-%s-%d-%s-AutoMixedPrecision", sn, port, c->w.n[dst].name,
                 dst_input, what);
    } else if (style == AMP_CAST_SRC) {
        snprintf(out, size, "%s-%d-%s-AutoMixedPrecision", sn, port, what);
    } else {
        for (int id = 0; id < 1000000; id++) {
            snprintf(out, size, "%s-%d-%s-%d-AutoMixedPrecision", sn, port, what, id);
            if (strmap_get(names, out, -1) < 0)
                break;
        }
    }
}

void amp_paint_casts(struct pctx *c, enum amp_cast_style style)
{
    amp_plan *p = c->p;
    struct strmap names;
    strmap_init(&names);
    for (int i = 0; i < c->w.count; i++)
        if (c->w.n[i].alive)
            strmap_put(&names, c->w.n[i].name, i);
    size_t cap = 0;
    for (int i = 0; i < c->w.count && !p->failed; i++) {
        if (!c->w.n[i].alive)
            continue;
        for (int v = c->vfirst[i]; v < c->vfirst[i] + c->vcount[i]; v++) {
            if (!pc_fp32(c, v))
                continue;
            bool src_allow = c->v[v].allow;
            if (src_allow) {
                if (!c->v[v].attr) {
                    p->failed = true;
                    snprintf(p->failure, sizeof p->failure,
                             "INTERNAL: Failed to set type attribute\nampscope: %s node %s has a "
                             "fixed float32 port on the allow side; TensorFlow cannot retype it "
                             "and fails the pass (the graph stays fp32). Take %s off the allow list.",
                             c->w.n[i].op, c->w.n[i].name, c->w.n[i].op);
                    snprintf(p->summary, sizeof p->summary,
                             "auto_mixed_precision_onednn_bfloat16 graph optimizer FAILED: "
                             "INTERNAL: Failed to set type attribute");
                    break;
                }
                p->converted++;
            }
            for (int port = 0; port < c->n_outv[i]; port++) {
                if (c->outv[i][port] != v)
                    continue;
                int ci = -1;
                for (int k = c->fan.start[i]; k < c->fan.start[i + 1]; k++) {
                    if (c->fan.port[k] != port)
                        continue;
                    int cn = c->fan.cons[k], in = c->fan.input[k];
                    if (in < 0 || in >= c->n_inv[cn])
                        continue;
                    bool dst_allow = c->v[c->inv[cn][in]].allow;
                    if (src_allow == dst_allow)
                        continue;
                    if (ci < 0) {
                        char nm[1024];
                        cast_name(c, style, &names, i, port, dst_allow, cn, in, nm, sizeof nm);
                        xgrow(&p->casts, &cap, (size_t)p->n_casts + 1, sizeof *p->casts);
                        struct amp_cast *ac = &p->casts[p->n_casts];
                        memset(ac, 0, sizeof *ac);
                        ac->name = intern(p, nm);
                        strmap_put(&names, ac->name, -2);
                        ac->src_node = c->w.n[i].gi;
                        ac->src_name = c->w.n[i].name;
                        ac->src_op = intern(p, c->w.n[i].op);
                        ac->device = c->w.n[i].device;
                        ac->src_port = port;
                        ac->to_bf16 = dst_allow;
                        const char *op = c->w.n[i].op;
                        ac->counted = dst_allow && strcmp(op, "Const") && !is_variable_op(op) &&
                                      !pc_reads_ref_var(c, i);
                        if (ac->counted)
                            p->counted_casts++;
                        ci = p->n_casts++;
                    }
                    struct amp_cast *ac = &p->casts[ci];
                    ac->dst_nodes = xrealloc(ac->dst_nodes, (size_t)(ac->n_dst + 1) * sizeof(int));
                    ac->dst_inputs = xrealloc(ac->dst_inputs, (size_t)(ac->n_dst + 1) * sizeof(int));
                    ac->dst_nodes[ac->n_dst] = c->w.n[cn].gi;
                    ac->dst_inputs[ac->n_dst] = in;
                    ac->n_dst++;
                }
            }
        }
    }
    strmap_done(&names);
}

/* ---- reasons -------------------------------------------------------------- */

static const char *vname(const struct pctx *c, int v) { return v >= 0 ? c->w.n[c->v[v].node].name : "?"; }
static const char *vopn(const struct pctx *c, int v) { return v >= 0 ? c->w.n[c->v[v].node].op : "?"; }

static const char *reason(struct pctx *c, int v, const char **code, int *cause)
{
    amp_plan *p = c->p;
    const struct vtx *x = &c->v[v];
    const struct wnode *wn = &c->w.n[x->node];
    char buf[600];
    *cause = -1;
#define R(cd, ...)                                    \
    do {                                              \
        *code = cd;                                   \
        snprintf(buf, sizeof buf, __VA_ARGS__);       \
        return intern(p, buf);                        \
    } while (0)
    if (p->failed)
        R("pass_failed", "the pass failed, so TensorFlow leaves the whole graph fp32");
    if (x->dtype != TF_DT_FLOAT)
        R("not_float", "not float32 (%s), never changed", x->dtype ? tf_dtype_name(x->dtype) : "unset");
    if (p->nothing_to_do) {
        enum amp_list nl = amp_lists_which(c->l, wn->op, NULL);
        R("nothing_to_do", "%s; no allowlist op in the graph, so TensorFlow changes nothing",
          wn->preserve ? "must be preserved (fetch/feed node)" : nl == AMP_LIST_NONE ? "on no list"
          : nl == AMP_LIST_INFER ? "inferlisted" : nl == AMP_LIST_CLEAR ? "clearlisted"
          : nl == AMP_LIST_DENY ? "denylisted" : "allowlisted");
    }
    if (wn->preserve)
        R("preserved", "must be preserved (fetch/feed node), TensorFlow never changes it");
    if (!c->process[x->node])
        R("not_cpu", "not on CPU (device %s)", wn->device[0] ? wn->device : "unset");
    enum amp_list list = amp_lists_which(c->l, wn->op, NULL);
    const char *ln = list == AMP_LIST_INFER ? "inferlisted" : list == AMP_LIST_CLEAR ? "clearlisted"
                   : list == AMP_LIST_ALLOW ? "allowlisted" : list == AMP_LIST_DENY ? "denylisted"
                                                                    : "on no list";
    if (x->allow) {
        *cause = x->cause;
        switch (x->pass) {
        case 1:
            R("allow", "allowlisted");
        case 3:
            R(list == AMP_LIST_CLEAR ? "clear_between" : "infer_between",
              "%s, between bf16 ops (after %s %s)", ln, vopn(c, x->cause), vname(c, x->cause));
        case 4:
            R("infer_follows", "inferlisted, follows %s %s which is bf16", vopn(c, x->cause),
              vname(c, x->cause));
        case 5:
            R("clear_follows", "clearlisted, next to %s %s which is bf16", vopn(c, x->cause),
              vname(c, x->cause));
        case 7:
            if (!strcmp(wn->op, "NextIteration"))
                R("loop_match", "NextIteration takes the colour of its Merge node(s), all bf16");
            R("tensorlist_match", "TensorList cluster: a sibling is bf16, so all are");
        case 8:
            R("cast_retyped", "existing Cast whose consumers are all bf16: retyped to cast to bf16");
        default:
            R("allow", "painted allow");
        }
    }
    if (x->tl_deny)
        R("tensorlist_deny", "TensorList cluster is unsafe (crosses a function/graph boundary or "
                             "has an unprocessed or deny member)");
    if (x->loop_unpainted)
        R("loop_mismatch", "loop edge: a Merge fed by the same NextIteration stays fp32");
    if (x->unpainted6)
        R("no_bf16_opdef", "allowlisted, but the OpDef has no bfloat16 for %s", x->attr ? x->attr : "its port");
    if (x->deny && x->pass == 2) {
        *cause = x->cause;
        if (x->via >= 0 && x->via != x->cause)
            R("deny_propagated", "deny propagated from %s %s through %s %s", vopn(c, x->cause),
              vname(c, x->cause), vopn(c, x->via), vname(c, x->via));
        R("deny_propagated", "deny propagated from %s %s", vopn(c, x->cause), vname(c, x->cause));
    }
    if (x->deny) {
        if (c->treat_infer_as_deny && amp_lists_has(c->l, AMP_LIST_INFER, wn->op))
            R("deny", "inferlisted, treated as deny (TREAT_INFER_AS_DENY)");
        R("deny", "denylisted");
    }
    if (list == AMP_LIST_INFER) {
        if (!pc_supports_dtype(c, v))
            R("no_bf16_opdef", "inferlisted, but the OpDef has no bfloat16 for %s", x->attr ? x->attr : "its port");
        for (int k = 0; k < x->nfin; k++)
            if (c->v[x->fin[k]].deny) {
                *cause = x->fin[k];
                R("infer_deny_fanin", "inferlisted, but its input %s %s is deny", vopn(c, x->fin[k]),
                  vname(c, x->fin[k]));
            }
        R("infer_no_allow_fanin", "inferlisted, but no bf16 op feeds it");
    }
    if (list == AMP_LIST_CLEAR) {
        if (!pc_supports(c, v))
            R("no_bf16_kernel", "clearlisted, but no CPU bfloat16 kernel for %s", x->attr ? x->attr : "its port");
        if (pc_reads_ref_var(c, x->node))
            R("reads_variable", "clearlisted, but it reads a (non-resource) Variable");
        R("clear_isolated", "clearlisted, not next to a bf16 op (through clear ops)");
    }
    if (list == AMP_LIST_ALLOW)
        R("allow_unpainted", "allowlisted, but not painted");
    if (c->opaque[x->node] && !c->def[x->node])
        R("unknown_op", "op %s unknown to ampscope (treated as on no list)", wn->op);
    R("no_list", "on no list");
#undef R
}

static int node_gi(const struct pctx *c, int v) { return v >= 0 ? c->w.n[c->v[v].node].gi : -1; }

void amp_paint_results(struct pctx *c)
{
    amp_plan *p = c->p;
    const graph *g = c->g;
    size_t cap = 0;
    /* attrs */
    for (int i = 0; i < c->w.count; i++) {
        if (!c->w.n[i].alive || !c->vcount)
            continue;
        for (int v = c->vfirst[i]; v < c->vfirst[i] + c->vcount[i]; v++) {
            const struct vtx *x = &c->v[v];
            if (!x->attr)
                continue;
            xgrow(&p->attrs, &cap, (size_t)p->n_attrs + 1, sizeof *p->attrs);
            struct amp_attr_paint *a = &p->attrs[p->n_attrs++];
            memset(a, 0, sizeof *a);
            a->node = c->w.n[i].gi;
            a->node_name = c->w.n[i].name;
            a->type_attr = x->attr;
            a->list = amp_lists_which(c->l, c->w.n[i].op, NULL);
            a->was_fp32 = x->dtype == TF_DT_FLOAT;
            a->allow = x->allow && a->was_fp32 && !p->failed && !p->nothing_to_do;
            int cause = -1;
            a->reason = reason(c, v, &a->reason_code, &cause);
            a->cause_node = node_gi(c, cause);
            a->pass = x->allow ? x->pass : x->deny ? 2 : 0;
        }
    }
    /* per node */
    for (int i = 0; i < g->n_nodes; i++) {
        struct amp_node_plan *np = &p->nodes[i];
        np->cause_node = -1;
        if (p->removed[i] || i >= c->w.count || !c->w.n[i].alive) {
            np->removed = true;
            np->reason = p->prepass_note[i] ? p->prepass_note[i] : "removed before AMP";
            np->reason_code = "prepass_removed";
            continue;
        }
        np->processed = c->process && c->process[i];
    }
    for (int i = 0; i < g->n_nodes; i++)
        p->nodes[i].list = amp_lists_which(c->l, g->nodes[i].op, NULL);
    for (int k = 0; k < p->n_attrs; k++) {
        const struct amp_attr_paint *a = &p->attrs[k];
        if (a->node < 0)
            continue;
        struct amp_node_plan *np = &p->nodes[a->node];
        if (a->was_fp32) {
            bool first = !np->any_fp32_attr;
            np->any_fp32_attr = true;
            if (a->allow && !np->bf16) {
                np->bf16 = true;
                first = true;
            }
            if (first && (a->allow || !np->bf16)) {
                np->reason = a->reason;
                np->reason_code = a->reason_code;
                np->cause_node = a->cause_node;
            }
        }
    }
    for (int i = 0; i < g->n_nodes; i++) {
        struct amp_node_plan *np = &p->nodes[i];
        if (!np->removed && p->prepass_note[i] && !np->bf16 && !p->failed) {
            np->reason = "constant-folded into a Const before AMP (Consts are on no list)";
            np->reason_code = "const_folded";
            np->cause_node = -1;
        }
        if (np->reason)
            continue;
        if (p->failed) {
            np->reason = "the pass failed, so TensorFlow leaves the whole graph fp32";
            np->reason_code = "pass_failed";
        } else {
            np->reason = "no float32 type attribute";
            np->reason_code = "not_float";
        }
    }
}

/* ---- JSON ----------------------------------------------------------------- */

static const char *node_name(const amp_plan *p, int i) { return i >= 0 && i < p->g->n_nodes ? p->g->nodes[i].name : NULL; }

static void json_str_or_null(struct abuf *b, const char *s)
{
    if (s)
        abuf_json_str(b, s);
    else
        abuf_puts(b, "null");
}

void amp_plan_json(const amp_plan *p, struct abuf *b)
{
    const graph *g = p->g;
    abuf_puts(b, "{\n  \"tf_version\": ");
    abuf_json_str(b, p->tf_version ? p->tf_version : "");
    abuf_printf(b, ",\n  \"level\": \"%s\"",
                p->level == AMP_LEVEL_TREAT_INFER_AS_DENY ? "TREAT_INFER_AS_DENY"
                : p->level == AMP_LEVEL_UNSAFE_FORCE_ALL  ? "UNSAFE_FORCE_ALL" : "DEFAULT");
    abuf_printf(b, ",\n  \"failed\": %s,\n  \"failure\": ", p->failed ? "true" : "false");
    json_str_or_null(b, p->failed ? p->failure : NULL);
    abuf_printf(b, ",\n  \"nothing_to_do\": %s", p->nothing_to_do ? "true" : "false");
    abuf_printf(b, ",\n  \"nodes\": %d,\n  \"graph_nodes\": %d,\n  \"converted\": %d,\n  \"casts\": %d,\n  \"casts_total\": %d",
                p->total, g->n_nodes, p->converted, p->counted_casts, p->n_casts);
    abuf_puts(b, ",\n  \"summary\": ");
    abuf_json_str(b, p->summary);
    abuf_printf(b, ",\n  \"prepass_modelled\": %s", p->prepassed ? "true" : "false");
    abuf_puts(b, ",\n  \"node_decisions\": {");
    bool firstn = true;
    /* attrs are stored node by node: index the first one of each node */
    int *first = xmalloc(((size_t)g->n_nodes + 1) * sizeof *first);
    for (int i = 0; i < g->n_nodes; i++)
        first[i] = -1;
    for (int k = p->n_attrs - 1; k >= 0; k--)
        if (p->attrs[k].node >= 0 && p->attrs[k].node < g->n_nodes)
            first[p->attrs[k].node] = k;
    for (int i = 0; i < g->n_nodes; i++) {
        const struct amp_node_plan *np = &p->nodes[i];
        abuf_puts(b, firstn ? "\n    " : ",\n    ");
        firstn = false;
        abuf_json_str(b, g->nodes[i].name);
        abuf_puts(b, ": {\"op\": ");
        abuf_json_str(b, g->nodes[i].op);
        abuf_puts(b, ", \"paint\": {");
        bool fa = true;
        for (int k = first[i]; k >= 0 && k < p->n_attrs && p->attrs[k].node == i; k++) {
            const struct amp_attr_paint *a = &p->attrs[k];
            abuf_puts(b, fa ? "" : ", ");
            fa = false;
            abuf_json_str(b, a->type_attr);
            abuf_puts(b, ": ");
            abuf_json_str(b, a->allow ? "allow" : !a->was_fp32 ? "not_float"
                             : !strcmp(a->reason_code, "deny") || !strcmp(a->reason_code, "deny_propagated") ||
                                       !strcmp(a->reason_code, "tensorlist_deny")
                                 ? "deny" : "fp32");
        }
        abuf_printf(b, "}, \"bf16\": %s, \"removed\": %s, \"list\": ", np->bf16 ? "true" : "false",
                    np->removed ? "true" : "false");
        abuf_json_str(b, amp_list_name(np->list));
        abuf_puts(b, ", \"reason\": ");
        json_str_or_null(b, np->reason);
        abuf_puts(b, ", \"reason_code\": ");
        json_str_or_null(b, np->reason_code);
        abuf_puts(b, ", \"cause\": ");
        json_str_or_null(b, node_name(p, np->cause_node));
        abuf_puts(b, "}");
    }
    free(first);
    abuf_puts(b, "\n  },\n  \"attrs\": [");
    for (int k = 0; k < p->n_attrs; k++) {
        const struct amp_attr_paint *a = &p->attrs[k];
        abuf_puts(b, k ? ",\n    " : "\n    ");
        abuf_puts(b, "{\"node\": ");
        abuf_json_str(b, a->node_name);
        abuf_puts(b, ", \"attr\": ");
        abuf_json_str(b, a->type_attr);
        abuf_printf(b, ", \"allow\": %s, \"was_fp32\": %s, \"pass\": %d, \"list\": \"%s\", \"reason_code\": ",
                    a->allow ? "true" : "false", a->was_fp32 ? "true" : "false", a->pass,
                    amp_list_name(a->list));
        abuf_json_str(b, a->reason_code);
        abuf_puts(b, "}");
    }
    abuf_puts(b, p->n_attrs ? "\n  ],\n  \"cast_edges\": [" : "],\n  \"cast_edges\": [");
    for (int k = 0; k < p->n_casts; k++) {
        const struct amp_cast *cs = &p->casts[k];
        abuf_puts(b, k ? ",\n    " : "\n    ");
        abuf_puts(b, "{\"name\": ");
        abuf_json_str(b, cs->name);
        abuf_puts(b, ", \"src\": ");
        abuf_json_str(b, cs->src_name);
        abuf_printf(b, ", \"src_port\": %d, \"to\": \"%s\", \"counted\": %s, \"dst\": [", cs->src_port,
                    cs->to_bf16 ? "bfloat16" : "float", cs->counted ? "true" : "false");
        for (int d = 0; d < cs->n_dst; d++) {
            abuf_puts(b, d ? ", {\"node\": " : "{\"node\": ");
            json_str_or_null(b, node_name(p, cs->dst_nodes[d]));
            abuf_printf(b, ", \"input\": %d}", cs->dst_inputs[d]);
        }
        abuf_puts(b, "]}");
    }
    abuf_puts(b, p->n_casts ? "\n  ],\n  \"notes\": [" : "],\n  \"notes\": [");
    for (int k = 0; k < p->n_notes; k++) {
        abuf_puts(b, k ? ", " : "");
        abuf_json_str(b, p->notes[k]);
    }
    abuf_puts(b, "],\n  \"prepass_removed\": [");
    bool fr = true;
    for (int i = 0; p->removed && i < g->n_nodes; i++) {
        if (!p->removed[i])
            continue;
        abuf_puts(b, fr ? "" : ", ");
        fr = false;
        abuf_puts(b, "{\"node\": ");
        abuf_json_str(b, g->nodes[i].name);
        abuf_puts(b, ", \"why\": ");
        json_str_or_null(b, p->prepass_note[i]);
        abuf_puts(b, "}");
    }
    abuf_puts(b, "],\n  \"prepass_added\": [");
    for (int k = 0; k < p->n_added; k++) {
        abuf_puts(b, k ? ", " : "");
        abuf_json_str(b, p->added_names[k]);
    }
    abuf_puts(b, "]\n}\n");
}

void amp_plan_free(amp_plan *p)
{
    if (!p)
        return;
    for (int k = 0; k < p->n_casts; k++) {
        free(p->casts[k].dst_nodes);
        free(p->casts[k].dst_inputs);
    }
    free(p->casts);
    free(p->attrs);
    free(p->nodes);
    free(p->notes);
    free(p->removed);
    free(p->prepass_note);
    free(p->added_names);
    strpool_free(p->pool);
    free(p);
}
