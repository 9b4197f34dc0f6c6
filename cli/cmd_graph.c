/* cmd_graph.c: `ampscope graph MODEL`: loads a model the way every other
 * command does and prints what was loaded: format, producer, node/edge/
 * function counts, inputs and outputs with dtypes and inferred shapes, the op
 * histogram, loader notes; `--nodes` lists every node; `--json` prints the
 * same as one JSON object (schema in docs/graph.md).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyze/graph.h"
#include "cli/cli.h"

static void usage(FILE *f)
{
    fputs("usage: ampscope graph MODEL [options]\n"
          "\n"
          "Prints what ampscope loaded from a TensorFlow model: its format, producer\n"
          "version, node/edge/function counts, inputs and outputs (dtype and inferred\n"
          "shape), and how often each op occurs. Use it to check that ampscope sees the\n"
          "graph you deploy before running `ampscope amp` or `ampscope run`.\n"
          "\n"
          "MODEL is a frozen GraphDef (.pb), a text GraphDef (.pbtxt), a SavedModel\n"
          "directory or its saved_model.pb(txt), or a checkpoint .meta MetaGraphDef;\n"
          "the format is detected from the content, not the file name.\n"
          "\n"
          "options:\n"
          "  --json              one JSON object on stdout (schema: docs/graph.md)\n"
          "  --nodes             also list every node: name, op, output dtype and shape\n"
          CLI_HELP_SELECT
          CLI_HELP_INPUT
          "  --batch N           fill every input's unknown leading (batch) dimension\n"
          "  --no-inline         do not expand (Stateful)PartitionedCall function bodies\n"
          "  -h, --help          this help\n"
          "\n"
          "examples:\n"
          "  ampscope graph samples/mnist_convnet.pb\n"
          "  ampscope graph samples/mlp.pb --batch 32 --nodes\n"
          "  ampscope graph export/saved_model_dir --signature serving_default --json\n"
          "\n"
          "exit codes: 0 loaded; 2 bad usage, or the model cannot be loaded (the message\n"
          "            names the file, the line:column or field, and what to do)\n",
          f);
}

struct opcount {
    const char *op;
    int n;
};

static int cmp_opcount(const void *a, const void *b)
{
    const struct opcount *x = a, *y = b;
    if (x->n != y->n)
        return y->n - x->n;
    return strcmp(x->op, y->op);
}

static struct opcount *histogram(const graph *g, int *count)
{
    struct strmap m;
    strmap_init(&m);
    struct opcount *h = xcalloc((size_t)g->n_nodes + 1, sizeof *h);
    int n = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        const struct g_node *nd = &g->nodes[i];
        if (nd->inlined)
            continue; /* the call shell: its body's ops are counted instead */
        int k = strmap_get(&m, nd->op, -1);
        if (k < 0) {
            k = n++;
            h[k].op = nd->op;
            strmap_put(&m, nd->op, k);
        }
        h[k].n++;
    }
    strmap_done(&m);
    qsort(h, (size_t)n, sizeof *h, cmp_opcount);
    *count = n;
    return h;
}

static void ep_shape(const graph *g, const struct g_endpoint *ep, struct g_shape *s, int *dt)
{
    *s = ep->shape;
    *dt = ep->dtype;
    if (ep->node >= 0 && ep->port >= 0) {
        const struct g_node *n = &g->nodes[ep->node];
        if (ep->port < n->n_outputs) {
            if (n->out_shape[ep->port].rank >= 0)
                *s = n->out_shape[ep->port];
            if (*dt == TF_DT_INVALID)
                *dt = n->out_dtype[ep->port];
        }
    }
}

static void json_shape(struct abuf *b, const struct g_shape *s)
{
    if (s->rank < 0) {
        abuf_puts(b, "null");
        return;
    }
    abuf_putc(b, '[');
    for (int i = 0; i < s->rank; i++)
        abuf_printf(b, "%s%lld", i ? "," : "", (long long)s->dim[i]);
    abuf_putc(b, ']');
}

static const char *format_id(enum g_format f)
{
    switch (f) {
    case G_FMT_GRAPHDEF_BINARY: return "graphdef";
    case G_FMT_GRAPHDEF_TEXT: return "graphdef_text";
    case G_FMT_SAVEDMODEL: return "savedmodel";
    case G_FMT_SAVEDMODEL_TEXT: return "savedmodel_text";
    case G_FMT_METAGRAPH: return "metagraph";
    case G_FMT_METAGRAPH_TEXT: return "metagraph_text";
    default: return "unknown";
    }
}

static void json_endpoints(struct abuf *b, const graph *g, const struct g_endpoint *eps, int n)
{
    abuf_putc(b, '[');
    for (int i = 0; i < n; i++) {
        struct g_shape s;
        int dt;
        ep_shape(g, &eps[i], &s, &dt);
        abuf_puts(b, i ? ",{\"name\":" : "{\"name\":");
        abuf_json_str(b, eps[i].name);
        abuf_puts(b, ",\"node\":");
        if (eps[i].node >= 0)
            abuf_json_str(b, g->nodes[eps[i].node].name);
        else
            abuf_puts(b, "null");
        abuf_printf(b, ",\"port\":%d,\"dtype\":", eps[i].port);
        abuf_json_str(b, tf_dtype_name(dt));
        abuf_puts(b, ",\"shape\":");
        json_shape(b, &s);
        abuf_putc(b, '}');
    }
    abuf_putc(b, ']');
}

static void print_json(const graph *g, bool nodes)
{
    struct abuf b;
    abuf_init(&b);
    abuf_puts(&b, "{\"path\":");
    abuf_json_str(&b, g->path);
    abuf_puts(&b, ",\"format\":");
    abuf_json_str(&b, format_id(g->format));
    abuf_puts(&b, ",\"format_name\":");
    abuf_json_str(&b, g_format_name(g->format));
    abuf_printf(&b, ",\"bytes\":%zu,\"producer\":", g->file_bytes);
    if (g->producer >= 0)
        abuf_printf(&b, "%d", g->producer);
    else
        abuf_puts(&b, "null");
    abuf_puts(&b, ",\"tf_version\":");
    abuf_json_str(&b, g->tf_version);
    abuf_puts(&b, ",\"meta_tag\":");
    abuf_json_str(&b, g->meta_tag);
    abuf_puts(&b, ",\"signature\":");
    abuf_json_str(&b, g->signature);
    abuf_puts(&b, ",\"signatures\":[");
    for (int i = 0; i < g->n_signature_names; i++) {
        if (i)
            abuf_putc(&b, ',');
        abuf_json_str(&b, g->signature_names[i]);
    }
    abuf_putc(&b, ']');
    abuf_printf(&b,
                ",\"nodes\":%d,\"top_level_nodes\":%d,\"inlined_nodes\":%d,\"edges\":%ld,"
                "\"control_edges\":%ld,\"function_count\":%d,\"functions\":[",
                g->n_nodes, g->n_top_nodes, g->n_nodes - g->n_top_nodes, g->n_edges,
                g->n_control_edges, g->n_functions);
    for (int i = 0; i < g->n_functions; i++) {
        abuf_puts(&b, i ? ",{\"name\":" : "{\"name\":");
        abuf_json_str(&b, g->functions[i].name);
        abuf_printf(&b, ",\"nodes\":%d,\"calls\":%d}", g->functions[i].n_nodes,
                    g->functions[i].n_calls);
    }
    abuf_puts(&b, "],\"inputs\":");
    json_endpoints(&b, g, g->inputs, g->n_inputs);
    abuf_puts(&b, ",\"outputs\":");
    json_endpoints(&b, g, g->outputs, g->n_outputs);
    int nh;
    struct opcount *h = histogram(g, &nh);
    abuf_puts(&b, ",\"ops\":{");
    for (int i = 0; i < nh; i++) {
        if (i)
            abuf_putc(&b, ',');
        abuf_json_str(&b, h[i].op);
        abuf_printf(&b, ":%d", h[i].n);
    }
    free(h);
    abuf_puts(&b, "},\"warnings\":[");
    for (int i = 0; i < g->n_warnings; i++) {
        if (i)
            abuf_putc(&b, ',');
        abuf_json_str(&b, g->warnings[i]);
    }
    abuf_putc(&b, ']');
    if (nodes) {
        abuf_puts(&b, ",\"node_list\":[");
        for (int i = 0; i < g->n_nodes; i++) {
            const struct g_node *n = &g->nodes[i];
            abuf_puts(&b, i ? ",{\"name\":" : "{\"name\":");
            abuf_json_str(&b, n->name);
            abuf_puts(&b, ",\"op\":");
            abuf_json_str(&b, n->op);
            abuf_puts(&b, ",\"device\":");
            abuf_json_str(&b, n->device);
            abuf_puts(&b, ",\"parent\":");
            if (n->parent >= 0)
                abuf_json_str(&b, g->nodes[n->parent].name);
            else
                abuf_puts(&b, "null");
            abuf_puts(&b, ",\"outputs\":[");
            for (int k = 0; k < n->n_outputs; k++) {
                abuf_puts(&b, k ? ",{\"dtype\":" : "{\"dtype\":");
                abuf_json_str(&b, tf_dtype_name(n->out_dtype[k]));
                abuf_puts(&b, ",\"shape\":");
                json_shape(&b, &n->out_shape[k]);
                abuf_putc(&b, '}');
            }
            abuf_puts(&b, "]}");
        }
        abuf_putc(&b, ']');
    }
    abuf_puts(&b, "}\n");
    fwrite(b.data, 1, b.len, stdout);
    abuf_done(&b);
}

static void human_bytes(size_t n, char *buf, size_t size)
{
    if (n < 10000)
        snprintf(buf, size, "%zu bytes", n);
    else if (n < 10000000)
        snprintf(buf, size, "%.1f KB", n / 1e3);
    else
        snprintf(buf, size, "%.1f MB", n / 1e6);
}

static int name_width(const graph *g)
{
    int w = 4;
    for (int i = 0; i < g->n_inputs; i++)
        if ((int)strlen(g->inputs[i].name) > w)
            w = (int)strlen(g->inputs[i].name);
    for (int i = 0; i < g->n_outputs; i++)
        if ((int)strlen(g->outputs[i].name) > w)
            w = (int)strlen(g->outputs[i].name);
    return w > 32 ? 32 : w;
}

static void print_endpoints(const graph *g, const char *title, const struct g_endpoint *eps,
                            int n, const char *bold, const char *off)
{
    printf("%s%-10s%s", bold, title, off);
    if (!n)
        printf(" (none)\n");
    int w = name_width(g);
    for (int i = 0; i < n; i++) {
        struct g_shape s;
        int dt;
        ep_shape(g, &eps[i], &s, &dt);
        char sh[128];
        g_shape_format(&s, sh, sizeof sh);
        printf("%s %-*s  %-8s %-16s", i ? "          " : "", w, eps[i].name, tf_dtype_name(dt),
               sh);
        if (n > 12 && i == 11) {
            printf("\n           ... %d more (--json lists all)\n", n - 12);
            break;
        }
        if (eps[i].node >= 0) {
            const struct g_node *nd = &g->nodes[eps[i].node];
            if (strcmp(nd->name, eps[i].name) || eps[i].port)
                printf(" = %s:%d", nd->name, eps[i].port);
            printf(" (%s)", nd->op);
        } else {
            printf(" (tensor not in the graph)");
        }
        printf("\n");
    }
}

static void print_text(const graph *g, bool nodes)
{
    bool color = util_use_color(stdout);
    const char *bold = color ? "\033[1m" : "", *off = color ? "\033[0m" : "";
    char sz[64];
    human_bytes(g->file_bytes, sz, sizeof sz);
    printf("%s%-10s%s %s\n", bold, "model", off, g->path);
    printf("%s%-10s%s %s, %s\n", bold, "format", off, g_format_name(g->format), sz);
    if (*g->meta_tag || *g->signature)
        printf("%s%-10s%s tag '%s', signature '%s'\n", bold, "selected", off, g->meta_tag,
               *g->signature ? g->signature : "(none: Placeholders and sinks)");
    if (g->n_signature_names > 1) {
        printf("%s%-10s%s", bold, "signatures", off);
        for (int i = 0; i < g->n_signature_names; i++)
            printf("%s%s", i ? ", " : " ", g->signature_names[i]);
        printf("  (pick with --signature)\n");
    }
    if (g->producer >= 0)
        printf("%s%-10s%s %d%s%s\n", bold, "producer", off, g->producer,
               *g->tf_version ? ", TensorFlow " : "", g->tf_version);
    else
        printf("%s%-10s%s not recorded (no versions field, as in old TF1 graphs)%s%s\n", bold, "producer", off,
               *g->tf_version ? ", TensorFlow " : "", g->tf_version);
    printf("%s%-10s%s %d", bold, "nodes", off, g->n_nodes);
    if (g->n_nodes != g->n_top_nodes)
        printf(" (%d top level + %d inlined from function bodies)", g->n_top_nodes,
               g->n_nodes - g->n_top_nodes);
    printf("\n%s%-10s%s %ld data, %ld control\n", bold, "edges", off, g->n_edges,
           g->n_control_edges);
    int called = 0;
    for (int i = 0; i < g->n_functions; i++)
        called += g->functions[i].n_calls > 0;
    printf("%s%-10s%s %d", bold, "functions", off, g->n_functions);
    if (g->n_functions)
        printf(" (%d called through (Stateful)PartitionedCall)", called);
    printf("\n");
    print_endpoints(g, "inputs", g->inputs, g->n_inputs, bold, off);
    print_endpoints(g, "outputs", g->outputs, g->n_outputs, bold, off);
    int nh;
    struct opcount *h = histogram(g, &nh);
    printf("%s%-10s%s", bold, "ops", off);
    int col = 10;
    for (int i = 0; i < nh; i++) {
        char item[160];
        snprintf(item, sizeof item, " %s %d%s", h[i].op, h[i].n, i + 1 < nh ? "," : "");
        if (col + (int)strlen(item) > 96) {
            printf("\n%10s", "");
            col = 10;
        }
        fputs(item, stdout);
        col += (int)strlen(item);
    }
    printf("\n");
    free(h);
    for (int i = 0; i < g->n_warnings; i++)
        printf("%s%-10s%s %s\n", bold, i ? "" : "notes", off, g->warnings[i]);
    if (!nodes)
        return;
    int wn = 4, wo = 2;
    for (int i = 0; i < g->n_nodes; i++) {
        int l = (int)strlen(g->nodes[i].name), lo = (int)strlen(g->nodes[i].op);
        wn = l > wn ? l : wn;
        wo = lo > wo ? lo : wo;
    }
    wn = wn > 60 ? 60 : wn;
    wo = wo > 28 ? 28 : wo;
    printf("\n%s%-*s  %-*s  %-9s %s%s\n", bold, wn, "node", wo, "op", "dtype", "shape", off);
    for (int i = 0; i < g->n_nodes; i++) {
        const struct g_node *n = &g->nodes[i];
        printf("%-*s  %-*s", wn, n->name, wo, n->op);
        if (!n->n_outputs)
            printf("  %-9s -", "-");
        for (int k = 0; k < n->n_outputs && k < 4; k++) {
            char sh[128];
            g_shape_format(&n->out_shape[k], sh, sizeof sh);
            if (k)
                printf(" |");
            printf("  %-9s %s", tf_dtype_name(n->out_dtype[k]), sh);
        }
        if (n->n_outputs > 4)
            printf(" | ... %d outputs", n->n_outputs);
        printf("\n");
    }
}

int cmd_graph(int argc, char **argv)
{
    enum { O_MODEL = 256 /* + 4 */ };
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'},      {"nodes", no_argument, NULL, 'n'},
        CLI_SELECT_LONGOPTS(O_MODEL),          CLI_SHAPE_LONGOPTS(O_MODEL + 2),
        {"no-inline", no_argument, NULL, 'N'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    bool json = false, nodes = false;
    struct cli_model_opts mo;
    cli_model_opts_init(&mo);
    int rc = CLI_OK;
    struct err e;
    memset(&e, 0, sizeof e);
    optind = 1;
    opterr = 0;
    int c, li = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, &li)) != -1) {
        if (c >= O_MODEL && c < O_MODEL + 4) {
            if ((rc = cli_model_opt("graph", &mo, longopts[li].name, optarg)) != CLI_OK)
                goto out;
            continue;
        }
        switch (c) {
        case 'j': json = true; break;
        case 'n': nodes = true; break;
        case 'N': mo.load.no_inline = true; break;
        case 'h': usage(stdout); goto out;
        case ':':
            cli_errorf("graph", "%s needs a value (see `ampscope graph --help`)", argv[optind - 1]);
            rc = CLI_USAGE;
            goto out;
        default:
            cli_errorf("graph", "unknown option '%s' (see `ampscope graph --help`)",
                       argv[optind - 1]);
            rc = CLI_USAGE;
            goto out;
        }
    }
    if (optind != argc - 1) {
        if (optind >= argc)
            cli_errorf("graph", "which model? usage: ampscope graph MODEL [options] (--help "
                                "for more)");
        else
            cli_errorf("graph", "one model at a time; got '%s' and '%s'", argv[optind],
                       argv[optind + 1]);
        rc = CLI_USAGE;
        goto out;
    }
    struct stat sb;
    bool progress = isatty(2) && stat(argv[optind], &sb) == 0 && S_ISREG(sb.st_mode) &&
                    sb.st_size > (64 << 20);
    if (progress)
        fprintf(stderr, "ampscope: loading %s (%.0f MB)...", argv[optind], sb.st_size / 1e6);
    graph *g = graph_load(argv[optind], &mo.load, &e);
    if (progress)
        fprintf(stderr, "\r\033[K");
    if (!g) {
        cli_error(&e);
        rc = CLI_USAGE;
        goto out;
    }
    int *order = NULL;
    if (graph_topo(g, &order, &e) != ST_OK) {
        cli_error(&e);
        graph_free(g);
        rc = CLI_USAGE;
        goto out;
    }
    free(order);
    if (graph_infer(g, mo.binds, mo.n_binds, mo.batch, &e) != ST_OK) {
        cli_errorf("graph", "%s: %s", argv[optind], e.msg); /* as cli_model_load says it */
        graph_free(g);
        rc = CLI_USAGE;
        goto out;
    }
    if (json)
        print_json(g, nodes);
    else
        print_text(g, nodes);
    graph_free(g);
out:
    cli_model_opts_done(&mo);
    return rc;
}
