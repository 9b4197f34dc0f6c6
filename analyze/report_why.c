/* report_why.c: the diagnosis. For the nodes that cost most and did not run
 * bf16 on AMX, says why in one sentence (denylisted; deny propagated from a
 * named node; on no list; inferlisted with no bf16 neighbour; bf16 planned
 * but f32 executed; bf16 without AMX because the CPU has none or the input
 * channels are too few for AMX tiles; casts that undo each other around a
 * cheap node) and the list change that would alter it, as an ampscope flag
 * and as the TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_* variable TF reads.
 */
#include "analyze/report_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ENV_PREFIX "TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_"

/* AMX tiles take 32 bf16 values along K; fewer input channels leave oneDNN
 * on the AVX512 kernels (e.g. a 1- or 3-channel first convolution). */
#define AMX_MIN_K 32

static const char *list_upper(enum amp_list l)
{
    switch (l) {
    case AMP_LIST_ALLOW: return "ALLOWLIST";
    case AMP_LIST_INFER: return "INFERLIST";
    case AMP_LIST_CLEAR: return "CLEARLIST";
    case AMP_LIST_DENY: return "DENYLIST";
    default: return NULL;
    }
}

/* The list's flag word (amp_list_name's names, kept here so the report does
 * not need the painter linked). */
static const char *list_word(enum amp_list l)
{
    switch (l) {
    case AMP_LIST_ALLOW: return "allow";
    case AMP_LIST_INFER: return "infer";
    case AMP_LIST_CLEAR: return "clear";
    case AMP_LIST_DENY: return "deny";
    default: return "none";
    }
}

/* "--deny-remove Exp --allow-add Exp  (TF_..._DENYLIST_REMOVE=Exp TF_..._ALLOWLIST_ADD=Exp)" */
static const char *move_fix(struct report *r, const char *op, enum amp_list from, enum amp_list to)
{
    char buf[640];
    const char *fu = list_upper(from), *tu = list_upper(to);
    if (!tu)
        return NULL;
    if (fu && from != to)
        snprintf(buf, sizeof buf, "--%s-remove %s --%s-add %s  (%s%s_REMOVE=%s %s%s_ADD=%s)",
                 list_word(from), op, list_word(to), op, ENV_PREFIX, fu, op, ENV_PREFIX, tu,
                 op);
    else
        snprintf(buf, sizeof buf, "--%s-add %s  (%s%s_ADD=%s)", list_word(to), op, ENV_PREFIX,
                 tu, op);
    return rep_str(r, buf);
}

/* The list the node's op is on, from the plan's attr paints. */
static enum amp_list node_list(const struct report *r, int n)
{
    if (!r->plan)
        return AMP_LIST_NONE;
    for (int i = 0; i < r->plan->n_attrs; i++)
        if (r->plan->attrs[i].node == n)
            return r->plan->attrs[i].list;
    return AMP_LIST_NONE;
}

static void add_why(struct report *r, int node, const char *code, const char *text, const char *fix,
                    double ms)
{
    r->whys = xrealloc(r->whys, (size_t)(r->n_whys + 1) * sizeof *r->whys);
    struct rep_why *w = &r->whys[r->n_whys++];
    w->node = node;
    w->code = code;
    w->text = rep_str(r, text);
    w->fix = fix;
    w->time_ms = ms;
}

static const char *gname(const struct report *r, int n)
{
    return n >= 0 && n < r->g->n_nodes ? r->g->nodes[n].name : "?";
}

/* Why an f32 node stayed f32, from the plan. */
static void why_fp32(struct report *r, struct rep_node *rn)
{
    char t[600];
    const char *op = rn->op;
    const struct amp_node_plan *np = r->plan && r->plan->nodes ? &r->plan->nodes[rn->node] : NULL;
    const char *code = np && np->reason_code ? np->reason_code : "";
    enum amp_list l = node_list(r, rn->node);
    const char *fix = NULL;
    const char *wc;
    if (rpriv(r)->have_meta && !strcmp(rpriv(r)->meta.amp, "off")) {
        snprintf(t, sizeof t, "AMP was off for this run (--amp off): everything ran f32");
        wc = "amp_off";
    } else if (!r->plan) {
        /* one run-wide note instead of the same sentence per node */
        for (int i = 0; i < r->n_whys; i++)
            if (!strcmp(r->whys[i].code, "no_plan"))
                return;
        snprintf(t, sizeof t, "no AMP plan for this run (model not painted), so why nodes ran f32 "
                              "is unknown");
        add_why(r, -1, "no_plan", t, NULL, 0);
        return;
    } else if (r->plan->failed) {
        snprintf(t, sizeof t, "the AMP pass failed, so the whole graph stayed f32: %s",
                 r->plan->failure);
        wc = "amp_failed";
    } else if (!strcmp(rn->planned, "bf16")) {
        snprintf(t, sizeof t, "planned bf16 but ran f32 (%s): the backend did not run this op in bf16",
                 rn->impl && *rn->impl ? rn->impl : "no kernel name");
        wc = "ran_f32";
    } else if (!strcmp(code, "deny")) {
        snprintf(t, sizeof t, "denylisted: %s is on the deny list (TF %s lists)", op,
                 r->plan->tf_version ? r->plan->tf_version : "?");
        fix = move_fix(r, op, AMP_LIST_DENY, AMP_LIST_ALLOW);
        wc = "deny";
    } else if (!strcmp(code, "deny_propagated")) {
        int c = np->cause_node;
        const char *cop = c >= 0 ? r->g->nodes[c].op : "?";
        snprintf(t, sizeof t,
                 "deny propagated from %s (%s, denylisted): %s is on the %s list, so it stays f32 "
                 "next to it", gname(r, c), cop, op, list_word(l));
        fix = c >= 0 ? move_fix(r, cop, AMP_LIST_DENY, AMP_LIST_INFER) : NULL;
        wc = "deny_propagated";
    } else if (!strcmp(code, "no_list")) {
        snprintf(t, sizeof t, "on no list: TensorFlow leaves %s in f32", op);
        fix = move_fix(r, op, AMP_LIST_NONE, AMP_LIST_ALLOW);
        wc = "no_list";
    } else if (!strncmp(code, "infer", 5) || !strncmp(code, "clear", 5)) {
        snprintf(t, sizeof t, "%slisted, but no bf16 neighbour to follow (%s)", list_word(l),
                 np->reason ? np->reason : code);
        fix = move_fix(r, op, l, AMP_LIST_ALLOW);
        wc = "infer_no_neighbour";
    } else if (!strcmp(code, "preserved")) {
        snprintf(t, sizeof t, "a fetch/feed node: TensorFlow must not change its type");
        wc = "preserved";
    } else if (!strcmp(code, "not_cpu")) {
        snprintf(t, sizeof t, "placed on a non-CPU device: the oneDNN bf16 pass skips it");
        wc = "not_cpu";
    } else if (!strcmp(code, "no_bf16_kernel")) {
        snprintf(t, sizeof t, "%s has no bf16 kernel on CPU", op);
        wc = "no_bf16_kernel";
    } else if (!strcmp(rn->planned, "-")) {
        snprintf(t, sizeof t, "no float type attribute the AMP pass could change");
        wc = "no_float_attr";
    } else {
        snprintf(t, sizeof t, "%s", np && np->reason ? np->reason : "stayed f32");
        wc = code[0] ? code : "fp32";
        if (l != AMP_LIST_ALLOW)
            fix = move_fix(r, op, l, AMP_LIST_ALLOW);
    }
    add_why(r, rn->node, wc, t, fix, rn->time_ms);
}

static bool gemm_like(const char *op)
{
    return strstr(op, "Conv") || strstr(op, "MatMul") || strstr(op, "Einsum");
}

/* bf16 casts into n and back out of n cost more than n's compute. */
static void why_cast_pairs(struct report *r)
{
    if (!r->plan)
        return;
    for (int i = 0; i < r->n_nodes; i++) {
        struct rep_node *rn = &r->nodes[i];
        if (strcmp(rn->planned, "bf16") != 0)
            continue;
        double in_ms = 0, out_ms = 0;
        int in_n = 0, out_n = 0, out_node = -1;
        for (int c = 0; c < r->plan->n_casts; c++) {
            const struct amp_cast *ac = &r->plan->casts[c];
            if (ac->to_bf16) {
                for (int d = 0; d < ac->n_dst; d++)
                    if (ac->dst_nodes[d] == rn->node)
                        in_n++;
            } else if (ac->src_node == rn->node) {
                out_n++;
                if (ac->n_dst > 0)
                    out_node = ac->dst_nodes[0];
            }
        }
        if (!in_n || !out_n)
            continue;
        /* cast times: into n on n's row; out of n on its consumer's row */
        in_ms = rn->cast_ms;
        int j = out_node >= 0 ? rpriv(r)->by_graph[out_node] : -1;
        if (j >= 0)
            out_ms = r->nodes[j].cast_ms;
        if (in_ms + out_ms <= rn->compute_ms || in_ms + out_ms <= 0)
            continue;
        char t[512];
        snprintf(t, sizeof t,
                 "a cast pair that undoes itself: f32->bf16 into %s and bf16->f32 right after it "
                 "cost %.3f ms, more than its %.3f ms of bf16 compute",
                 rn->name, in_ms + out_ms, rn->compute_ms);
        enum amp_list l = node_list(r, rn->node);
        add_why(r, rn->node, "cast_pair", t, move_fix(r, rn->op, l, AMP_LIST_DENY), in_ms + out_ms);
        if (!rn->why) {
            rn->why = r->whys[r->n_whys - 1].text;
            rn->fix = r->whys[r->n_whys - 1].fix;
            rn->why_code = "cast_pair";
        }
    }
}

void rep_diagnose(struct report *r, int top)
{
    int written = 0;
    bool no_amx_note = false;
    for (int i = 0; i < r->n_nodes && written < top; i++) {
        struct rep_node *rn = &r->nodes[i];
        if (rn->fused_into || rn->compute_ms <= 0)
            continue;
        bool bf16 = !strcmp(rn->executed_dtype, "bf16");
        if (bf16 && rn->isa == VB_ISA_AMX)
            continue;
        int before = r->n_whys;
        if (!bf16) {
            why_fp32(r, rn);
        } else if (r->cpu_known && !r->cpu_has_amx) {
            if (!no_amx_note && gemm_like(rn->op)) {
                char t[300];
                snprintf(t, sizeof t,
                         "bf16 ran on %s: this CPU has no AMX, so no bf16 primitive can use AMX "
                         "tiles here (run on Sapphire Rapids or newer for AMX)",
                         vb_isa_name(rn->isa));
                add_why(r, -1, "no_amx_cpu", t, NULL, 0);
                no_amx_note = true;
            }
            if (gemm_like(rn->op)) {
                rn->why_code = "no_amx_cpu";
                rn->why = r->whys[r->n_whys - 1].text;
            }
            continue;
        } else if (gemm_like(rn->op) && rn->ic >= 0 && rn->ic < AMX_MIN_K) {
            char t[300];
            snprintf(t, sizeof t,
                     "bf16 but not AMX (%s): %d input channels are too few for AMX tiles "
                     "(K < %d); a small first layer is fine to leave as it is",
                     rn->impl, rn->ic, AMX_MIN_K);
            add_why(r, rn->node, "small_channels", t, NULL, rn->time_ms);
        } else if (gemm_like(rn->op)) {
            char t[300];
            snprintf(t, sizeof t, "bf16 but not AMX: oneDNN chose %s for this shape", rn->impl);
            add_why(r, rn->node, "bf16_not_amx", t, NULL, rn->time_ms);
        } else {
            continue; /* element-wise bf16 ops never use AMX */
        }
        if (r->n_whys > before) {
            rn->why = r->whys[before].text;
            rn->fix = r->whys[before].fix;
            rn->why_code = r->whys[before].code;
            written++;
        }
    }
    if (top > 0)
        why_cast_pairs(r);
}
