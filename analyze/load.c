/* analyze/load.c: graph_load(): finds out what a model file is by its
 * content (binary or text GraphDef, SavedModel file or directory, MetaGraphDef
 * .meta), decodes it (protobuf-c for binary, textpb for text), picks the
 * SavedModel meta graph by tag and the signature for inputs/outputs, and hands
 * the GraphDef to graph_build(). Every failure is a sentence naming the file
 * and what to do.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyze/graph_int.h"
#include "analyze/proto/meta_graph.pb-c.h"
#include "analyze/proto/saved_model.pb-c.h"
#include "analyze/textpb.h"

#define DEFAULT_MAX_BYTES ((size_t)8 << 30)

/* ---- text sniffing ----------------------------------------------------------- */

/* First identifier of a text-format file (after blanks and # comments), or
 * false when the content does not look like protobuf text. */
static bool text_first_field(const uint8_t *d, size_t len, char *out, size_t size)
{
    size_t i = 0;
    while (i < len) {
        if (isspace(d[i])) {
            i++;
        } else if (d[i] == '#') {
            while (i < len && d[i] != '\n')
                i++;
        } else {
            break;
        }
    }
    if (i >= len || !(isalpha(d[i]) || d[i] == '_'))
        return false;
    /* Text never holds raw control bytes; binary protobuf nearly always does. */
    for (size_t k = 0; k < len && k < 4096; k++)
        if (d[k] < 9 || (d[k] > 13 && d[k] < 32))
            return false;
    size_t k = 0;
    while (i < len && (isalnum(d[i]) || d[i] == '_') && k + 1 < size)
        out[k++] = (char)d[i++];
    out[k] = 0;
    while (i < len && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' || d[i] == '\n'))
        i++;
    if (i >= len)
        return false;
    return d[i] == ':' || d[i] == '{' || d[i] == '<';
}

static bool in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(s, *list))
            return true;
    return false;
}

/* ---- picking the meta graph and signature ------------------------------------- */

static bool has_tag(const Tensorflow__MetaGraphDef *mg, const char *tag)
{
    if (!mg->meta_info_def)
        return false;
    for (size_t i = 0; i < mg->meta_info_def->n_tags; i++)
        if (!strcmp(mg->meta_info_def->tags[i], tag))
            return true;
    return false;
}

static enum status pick_meta(graph *g, const Tensorflow__SavedModel *sm, const char *want,
                             const Tensorflow__MetaGraphDef **out, struct err *e)
{
    const char *tag = want ? want : "serve";
    for (size_t i = 0; i < sm->n_meta_graphs; i++)
        if (has_tag(sm->meta_graphs[i], tag)) {
            *out = sm->meta_graphs[i];
            g->meta_tag = g_intern(g, tag);
            return ST_OK;
        }
    if (!want && sm->n_meta_graphs == 1) {
        *out = sm->meta_graphs[0];
        graph_warn(g, "the SavedModel's only meta graph has no 'serve' tag; using it");
        return ST_OK;
    }
    struct abuf b;
    abuf_init(&b);
    for (size_t i = 0; i < sm->n_meta_graphs; i++) {
        const Tensorflow__MetaGraphDef *mg = sm->meta_graphs[i];
        abuf_puts(&b, i ? "; " : "");
        if (!mg->meta_info_def || !mg->meta_info_def->n_tags)
            abuf_puts(&b, "(no tags)");
        for (size_t k = 0; mg->meta_info_def && k < mg->meta_info_def->n_tags; k++)
            abuf_printf(&b, "%s%s", k ? "," : "", mg->meta_info_def->tags[k]);
    }
    enum status st;
    if (!sm->n_meta_graphs)
        st = err_at(e, ST_EFORMAT, g->path, 0, 0,
                    "the SavedModel holds no meta graph; the file is empty or not a SavedModel");
    else
        st = err_at(e, ST_EINVAL, g->path, 0, 0,
                    "no meta graph with tag '%s' in this SavedModel (it has: %s); pick one with "
                    "--tag",
                    tag, b.data ? b.data : "");
    abuf_done(&b);
    return st;
}

static int cmp_sig(const void *a, const void *b)
{
    const Tensorflow__MetaGraphDef__SignatureDefEntry *x =
        *(const Tensorflow__MetaGraphDef__SignatureDefEntry *const *)a;
    const Tensorflow__MetaGraphDef__SignatureDefEntry *y =
        *(const Tensorflow__MetaGraphDef__SignatureDefEntry *const *)b;
    return strcmp(x->key, y->key);
}

static void fill_endpoints(graph *g, struct g_endpoint **arr, int *n, size_t count,
                           Tensorflow__SignatureDef__InputsEntry **ents, const char *what)
{
    /* Inputs and Outputs entries have the same layout (key, TensorInfo value). */
    *arr = count ? g_alloc(g, count * sizeof **arr) : NULL;
    *n = 0;
    /* Sorted by key for stable output. */
    Tensorflow__SignatureDef__InputsEntry **s = xmalloc((count ? count : 1) * sizeof *s);
    if (count)
        memcpy(s, ents, count * sizeof *s);
    qsort(s, count, sizeof *s, cmp_sig);
    for (size_t i = 0; i < count; i++) {
        const Tensorflow__TensorInfo *ti = s[i]->value;
        struct g_endpoint *ep = &(*arr)[(*n)++];
        ep->name = g_intern(g, s[i]->key);
        ep->node = -1;
        ep->port = 0;
        ep->shape.rank = -1;
        if (!ti)
            continue;
        ep->dtype = (int)ti->dtype;
        if (ti->tensor_shape && !ti->tensor_shape->unknown_rank &&
            ti->tensor_shape->n_dim <= G_MAX_RANK) {
            ep->shape.rank = (int)ti->tensor_shape->n_dim;
            for (size_t k = 0; k < ti->tensor_shape->n_dim; k++) {
                int64_t d = ti->tensor_shape->dim[k]->size;
                ep->shape.dim[k] = d < -1 ? -1 : d;
            }
        }
        const char *tn = ti->encoding_case == TENSORFLOW__TENSOR_INFO__ENCODING_NAME ? ti->name
                         : ti->encoding_case == TENSORFLOW__TENSOR_INFO__ENCODING_COO_SPARSE &&
                                 ti->coo_sparse
                             ? ti->coo_sparse->values_tensor_name
                             : NULL;
        if (!tn || !graph_resolve_tensor(g, tn, &ep->node, &ep->port))
            graph_warn(g, "signature %s '%s' names tensor '%s', which is not in the graph", what,
                       s[i]->key, tn ? tn : "(none)");
    }
    free(s);
}

static enum status use_signature(graph *g, const Tensorflow__MetaGraphDef *mg, const char *want,
                                 struct err *e)
{
    size_t n = mg->n_signature_def;
    const Tensorflow__MetaGraphDef__SignatureDefEntry *pick = NULL;
    Tensorflow__MetaGraphDef__SignatureDefEntry **sorted = xmalloc((n ? n : 1) * sizeof *sorted);
    if (n)
        memcpy(sorted, mg->signature_def, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_sig);
    g->n_signature_names = (int)n;
    g->signature_names = n ? g_alloc(g, n * sizeof *g->signature_names) : NULL;
    for (size_t i = 0; i < n; i++)
        g->signature_names[i] = g_intern(g, sorted[i]->key);
    const char *target = want ? want : "serving_default";
    for (size_t i = 0; i < n; i++)
        if (!strcmp(sorted[i]->key, target))
            pick = sorted[i];
    if (!pick && !want)
        for (size_t i = 0; i < n && !pick; i++)
            if (strncmp(sorted[i]->key, "__", 2) && sorted[i]->value &&
                sorted[i]->value->n_inputs)
                pick = sorted[i];
    if (!pick && want) {
        struct abuf b;
        abuf_init(&b);
        for (size_t i = 0; i < n; i++)
            abuf_printf(&b, "%s%s", i ? ", " : "", sorted[i]->key);
        enum status st = err_at(e, ST_EINVAL, g->path, 0, 0,
                                "no signature '%s' in this model (it has: %s); pick one with "
                                "--signature",
                                want, n ? b.data : "none");
        abuf_done(&b);
        free(sorted);
        return st;
    }
    free(sorted);
    if (!pick || !pick->value) {
        graph_default_endpoints(g);
        return ST_OK;
    }
    g->signature = g_intern(g, pick->key);
    const Tensorflow__SignatureDef *sd = pick->value;
    fill_endpoints(g, &g->inputs, &g->n_inputs, sd->n_inputs, sd->inputs, "input");
    fill_endpoints(g, &g->outputs, &g->n_outputs, sd->n_outputs,
                   (Tensorflow__SignatureDef__InputsEntry **)sd->outputs, "output");
    return ST_OK;
}

/* ---- decoding ----------------------------------------------------------------- */

static void *pb_alloc(void *data, size_t size)
{
    return arena_alloc_raw(data, size ? size : 1);
}

static void pb_free(void *data, void *ptr)
{
    (void)data;
    (void)ptr; /* released all at once with the arena */
}

/* Unpacks into the graph's protobuf arena: one bump allocator instead of a
 * malloc per field, and no walk to free it. */
static ProtobufCMessage *unpack_checked(graph *g, const ProtobufCMessageDescriptor *desc,
                                        const uint8_t *d, size_t len, const char *file,
                                        struct err *e)
{
    if (pb_wire_check(desc, d, len, file, e))
        return NULL;
    struct graph_priv *p = gpriv(g);
    ProtobufCAllocator al = {pb_alloc, pb_free, &p->pb_arena};
    ProtobufCMessage *m = protobuf_c_message_unpack(desc, &al, len, d);
    if (!m)
        err_at(e, ST_EFORMAT, file, 0, 0,
               "protobuf-c could not decode this %s although its structure is sound; "
               "the file is corrupt (a string field that is not valid data?)",
               desc->short_name);
    return m;
}

/* A binary GraphDef whose nodes all have sensible names/ops. */
static bool graphdef_plausible(const Tensorflow__GraphDef *gd)
{
    if (!gd->n_node && !gd->library && !gd->versions)
        return false;
    for (size_t i = 0; i < gd->n_node; i++) {
        const char *op = gd->node[i]->op;
        if (!op || !*op || !gd->node[i]->name || !*gd->node[i]->name)
            return false;
        for (const char *p = op; *p; p++)
            if (!(isalnum((unsigned char)*p) || *p == '_' || *p == '>' || *p == '.'))
                return false;
    }
    return true;
}

static enum status finish(graph *g, const Tensorflow__MetaGraphDef *mg,
                          const Tensorflow__GraphDef *gd, const struct graph_load_opts *o,
                          struct err *e)
{
    static const Tensorflow__GraphDef empty = TENSORFLOW__GRAPH_DEF__INIT;
    if (!gd)
        gd = &empty;
    if (mg && mg->meta_info_def && mg->meta_info_def->tensorflow_version)
        g->tf_version = g_intern(g, mg->meta_info_def->tensorflow_version);
    enum status st = graph_build(g, gd, o->no_inline, e);
    if (st)
        return st;
    if (mg)
        return use_signature(g, mg, o->signature, e);
    if (o->signature)
        return err_at(e, ST_EINVAL, g->path, 0, 0,
                      "--signature needs a SavedModel or MetaGraphDef; this file is a plain "
                      "GraphDef without signatures");
    graph_default_endpoints(g);
    return ST_OK;
}

static enum status load_saved_model_msg(graph *g, ProtobufCMessage *m,
                                        const struct graph_load_opts *o, struct err *e)
{
    const Tensorflow__SavedModel *sm = (const Tensorflow__SavedModel *)m;
    const Tensorflow__MetaGraphDef *mg = NULL;
    enum status st = pick_meta(g, sm, o->tag, &mg, e);
    if (st)
        return st;
    return finish(g, mg, mg->graph_def, o, e);
}

static enum status load_binary(graph *g, const uint8_t *d, size_t len,
                               const struct graph_load_opts *o, struct err *e)
{
    struct graph_priv *p = gpriv(g);
    const char *file = g->path;
    bool meta_name = strlen(file) > 5 && !strcmp(file + strlen(file) - 5, ".meta");
    struct err e1, e2;
    memset(&e1, 0, sizeof e1);
    memset(&e2, 0, sizeof e2);
    if (d[0] == 0x08 || d[0] == 0x12) {
        ProtobufCMessage *m = unpack_checked(g, &tensorflow__saved_model__descriptor, d, len, file, &e1);
        if (m) {
            const Tensorflow__SavedModel *sm = (const Tensorflow__SavedModel *)m;
            if (sm->n_meta_graphs || d[0] == 0x08) {
                p->root = m;
                p->root_in_arena = true;
                g->format = G_FMT_SAVEDMODEL;
                return load_saved_model_msg(g, m, o, e);
            }
            arena_free(&p->pb_arena); /* drop the rejected attempt */
        }
    }
    if (meta_name) {
        ProtobufCMessage *m = unpack_checked(g, &tensorflow__meta_graph_def__descriptor, d, len, file, &e2);
        if (m && ((Tensorflow__MetaGraphDef *)m)->graph_def) {
            p->root = m;
            p->root_in_arena = true;
            g->format = G_FMT_METAGRAPH;
            const Tensorflow__MetaGraphDef *mg = (const Tensorflow__MetaGraphDef *)m;
            return finish(g, mg, mg->graph_def, o, e);
        }
        arena_free(&p->pb_arena); /* drop the rejected attempt */
    }
    {
        struct err eg;
        memset(&eg, 0, sizeof eg);
        ProtobufCMessage *m = unpack_checked(g, &tensorflow__graph_def__descriptor, d, len, file, &eg);
        if (m && graphdef_plausible((const Tensorflow__GraphDef *)m)) {
            p->root = m;
            p->root_in_arena = true;
            g->format = G_FMT_GRAPHDEF_BINARY;
            return finish(g, NULL, (const Tensorflow__GraphDef *)m, o, e);
        }
        arena_free(&p->pb_arena); /* drop the rejected attempt */
        if (!e1.msg[0])
            e1 = eg;
    }
    if (!meta_name) {
        ProtobufCMessage *m = unpack_checked(g, &tensorflow__meta_graph_def__descriptor, d, len, file, &e2);
        if (m && ((Tensorflow__MetaGraphDef *)m)->graph_def) {
            p->root = m;
            p->root_in_arena = true;
            g->format = G_FMT_METAGRAPH;
            const Tensorflow__MetaGraphDef *mg = (const Tensorflow__MetaGraphDef *)m;
            return finish(g, mg, mg->graph_def, o, e);
        }
        arena_free(&p->pb_arena); /* drop the rejected attempt */
    }
    /* Nothing fits: report the most telling reason. */
    if (e1.msg[0] && (strstr(e1.msg, "truncated") || strstr(e1.msg, "nest") ||
                      strstr(e1.msg, "2 GB"))) {
        if (e)
            *e = e1;
        return ST_EFORMAT;
    }
    return err_at(e, ST_EFORMAT, file, 0, 0,
                  "not a TensorFlow model: the content is neither a GraphDef, a SavedModel nor "
                  "a MetaGraphDef, in binary or text form (%s). ampscope reads frozen .pb "
                  "graphs, .pbtxt, saved_model.pb(txt) or a SavedModel directory, and .meta files",
                  e1.msg[0] ? e1.msg : "no valid protobuf structure");
}

static enum status load_text(graph *g, const char *d, size_t len, const char *first,
                             const struct graph_load_opts *o, struct err *e)
{
    static const char *const gd_fields[] = {"node", "library", "versions", "version", NULL};
    static const char *const sm_fields[] = {"saved_model_schema_version", "meta_graphs", NULL};
    static const char *const mg_fields[] = {"meta_info_def", "graph_def", "saver_def",
                                            "collection_def", "signature_def", "asset_file_def",
                                            NULL};
    const ProtobufCMessageDescriptor *desc;
    if (in_list(first, gd_fields)) {
        desc = &tensorflow__graph_def__descriptor;
        g->format = G_FMT_GRAPHDEF_TEXT;
    } else if (in_list(first, sm_fields)) {
        desc = &tensorflow__saved_model__descriptor;
        g->format = G_FMT_SAVEDMODEL_TEXT;
    } else if (in_list(first, mg_fields)) {
        desc = &tensorflow__meta_graph_def__descriptor;
        g->format = G_FMT_METAGRAPH_TEXT;
    } else {
        return err_at(e, ST_EFORMAT, g->path, 1, 1,
                      "text file whose first field is '%s': not a TensorFlow graph (a text "
                      "GraphDef starts with node/library/versions, a SavedModel with "
                      "saved_model_schema_version/meta_graphs, a MetaGraphDef with "
                      "meta_info_def/graph_def)",
                      first);
    }
    struct textpb_result r;
    enum status st = textpb_parse(desc, d, len, g->path, &r, e);
    if (st)
        return st;
    gpriv(g)->root = r.msg;
    if (r.n_unknown)
        graph_warn(g, "%ld unknown text field(s) skipped (first: '%s')", r.n_unknown,
                   r.first_unknown ? r.first_unknown : "?");
    if (g->format == G_FMT_GRAPHDEF_TEXT)
        return finish(g, NULL, (const Tensorflow__GraphDef *)r.msg, o, e);
    if (g->format == G_FMT_SAVEDMODEL_TEXT)
        return load_saved_model_msg(g, r.msg, o, e);
    const Tensorflow__MetaGraphDef *mg = (const Tensorflow__MetaGraphDef *)r.msg;
    return finish(g, mg, mg->graph_def, o, e);
}

graph *graph_load_buffer(const void *data, size_t len, const char *name,
                         const struct graph_load_opts *opts, struct err *e)
{
    static const struct graph_load_opts defaults = {0};
    const struct graph_load_opts *o = opts ? opts : &defaults;
    graph *g = graph_new_empty(name ? name : "<buffer>");
    g->file_bytes = len;
    const uint8_t *d = data;
    enum status st;
    char first[64];
    if (len >= 3 && d[0] == 0xef && d[1] == 0xbb && d[2] == 0xbf) { /* UTF-8 BOM: text */
        d += 3;
        len -= 3;
        data = d;
    }
    if (!len)
        st = err_at(e, ST_EFORMAT, g->path, 0, 0,
                    "the file is empty; export the model again (tf.io.write_graph or "
                    "tf.saved_model.save)");
    else if (text_first_field(d, len, first, sizeof first))
        st = load_text(g, data, len, first, o, e);
    else
        st = load_binary(g, d, len, o, e);
    if (st) {
        graph_free(g);
        return NULL;
    }
    return g;
}

graph *graph_from_graphdef(const void *graphdef, const char *name,
                           const struct graph_load_opts *opts, struct err *e)
{
    static const struct graph_load_opts defaults = {0};
    const struct graph_load_opts *o = opts ? opts : &defaults;
    if (!graphdef) {
        err_set(e, ST_EINVAL, "no GraphDef given");
        return NULL;
    }
    graph *g = graph_new_empty(name ? name : "<graphdef>");
    g->format = G_FMT_GRAPHDEF_BINARY;
    if (finish(g, NULL, graphdef, o, e) != ST_OK) {
        graph_free(g);
        return NULL;
    }
    return g;
}

/* ---- files and directories ------------------------------------------------------ */

static bool is_dir(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static bool exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

graph *graph_load(const char *path, const struct graph_load_opts *opts, struct err *e)
{
    static const struct graph_load_opts defaults = {0};
    const struct graph_load_opts *o = opts ? opts : &defaults;
    char *file = NULL;
    graph *g = NULL;
    if (!path || !*path) {
        err_set(e, ST_EINVAL, "no model file given");
        return NULL;
    }
    if (is_dir(path)) {
        const char *names[] = {"saved_model.pb", "saved_model.pbtxt"};
        for (int i = 0; i < 2 && !file; i++) {
            char *c = xasprintf("%s/%s", path, names[i]);
            if (exists(c))
                file = c;
            else
                free(c);
        }
        if (!file) {
            char *c = xasprintf("%s/saved_model.cpb", path);
            if (exists(c))
                err_at(e, ST_EUNSUPPORTED, c, 0, 0,
                       "this SavedModel is chunked (saved_model.cpb, written by TensorFlow's "
                       "proto splitter for models over 2 GB); ampscope cannot read chunked "
                       "SavedModels: save it without experimental_image_format or freeze the "
                       "graph to a .pb");
            else
                err_at(e, ST_ENOENT, path, 0, 0,
                       "directory without saved_model.pb or saved_model.pbtxt; pass a SavedModel "
                       "directory or a graph file (.pb, .pbtxt, .meta)");
            free(c);
            return NULL;
        }
    } else {
        size_t n = strlen(path);
        if (n > 4 && !strcmp(path + n - 4, ".cpb")) {
            err_at(e, ST_EUNSUPPORTED, path, 0, 0,
                   "a chunked SavedModel (.cpb, TensorFlow's proto splitter for models over "
                   "2 GB) cannot be read; save it without experimental_image_format or freeze "
                   "the graph to a .pb");
            return NULL;
        }
        file = xstrdup(path);
    }
    int fd = open(file, O_RDONLY);
    if (fd < 0) {
        err_at(e, errno == ENOENT ? ST_ENOENT : ST_EIO, file, 0, 0, "cannot open: %s%s",
               strerror(errno), errno == ENOENT ? " (check the path)" : "");
        free(file);
        return NULL;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        err_at(e, ST_EIO, file, 0, 0, "not a regular file");
        goto done;
    }
    size_t limit = o->max_bytes ? o->max_bytes : DEFAULT_MAX_BYTES;
    if ((uint64_t)sb.st_size > limit) {
        err_at(e, ST_ELIMIT, file, 0, 0, "the file is %.1f GB, over the %.1f GB limit",
               sb.st_size / 1e9, limit / 1e9);
        goto done;
    }
    if (sb.st_size == 0) {
        g = graph_load_buffer("", 0, file, o, e);
        goto done;
    }
    void *m = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (m == MAP_FAILED) {
        err_at(e, ST_EIO, file, 0, 0, "cannot map the file: %s", strerror(errno));
        goto done;
    }
    madvise(m, (size_t)sb.st_size, MADV_SEQUENTIAL);
    g = graph_load_buffer(m, (size_t)sb.st_size, file, o, e);
    munmap(m, (size_t)sb.st_size);
done:
    close(fd);
    free(file);
    return g;
}
