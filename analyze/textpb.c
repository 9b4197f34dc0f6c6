/* analyze/textpb.c: the protobuf text-format reader and writer, driven only by
 * protobuf-c descriptors (no per-message code). The reader builds messages in
 * protobuf-c's own memory layout (malloc'd, so free_unpacked works), grows
 * repeated arrays geometrically, skips unknown fields with their values, and
 * bounds nesting at TEXTPB_MAX_DEPTH. Errors carry line:column and say what
 * was expected. The writer is in textpb_write.c.
 */
#include "analyze/textpb.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdarg.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>

enum tok { T_EOF, T_IDENT, T_NUM, T_STR, T_PUNCT, T_EXT };

struct lexer {
    const char *s, *end, *file;
    const char *p;
    long line;
    const char *line_start;
    /* current token */
    enum tok t;
    const char *ts;     /* token start */
    size_t tn;          /* token length */
    long tline, tcol;
    struct err *e;
    struct textpb_result *res;
    int depth;
};

static enum status lex_error(struct lexer *L, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static enum status lex_error(struct lexer *L, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return err_at(L->e, ST_EPARSE, L->file, L->tline, L->tcol, "%s", msg);
}

static void describe_tok(const struct lexer *L, char *buf, size_t size)
{
    if (L->t == T_EOF) {
        string_copy_n(buf, size, "the end of the file");
        return;
    }
    size_t n = L->tn < 40 ? L->tn : 40;
    char tmp[48];
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        tmp[k++] = isprint((unsigned char)L->ts[i]) ? L->ts[i] : '?';
    tmp[k] = 0;
    snprintf(buf, size, "'%s%s'", tmp, L->tn > n ? "..." : "");
}

static void skip_space(struct lexer *L)
{
    while (L->p < L->end) {
        char c = *L->p;
        if (c == '\n') {
            L->line++;
            L->p++;
            L->line_start = L->p;
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
            L->p++;
        } else if (c == '#') {
            while (L->p < L->end && *L->p != '\n')
                L->p++;
        } else {
            break;
        }
    }
}

static bool is_ident_start(char c) { return isalpha((unsigned char)c) || c == '_'; }
static bool is_ident_char(char c) { return isalnum((unsigned char)c) || c == '_'; }

static enum status next(struct lexer *L)
{
    skip_space(L);
    L->ts = L->p;
    L->tline = L->line;
    L->tcol = (long)(L->p - L->line_start) + 1;
    if (L->p >= L->end) {
        L->t = T_EOF;
        L->tn = 0;
        return ST_OK;
    }
    char c = *L->p;
    if (is_ident_start(c)) {
        while (L->p < L->end && is_ident_char(*L->p))
            L->p++;
        L->t = T_IDENT;
    } else if (isdigit((unsigned char)c) || ((c == '-' || c == '+' || c == '.') && L->p + 1 < L->end &&
                                             (isdigit((unsigned char)L->p[1]) || L->p[1] == '.' ||
                                              is_ident_start(L->p[1])))) {
        L->p++;
        bool hex = c == '0' && L->p < L->end && (*L->p == 'x' || *L->p == 'X');
        if ((c == '-' || c == '+') && is_ident_start(*L->p)) { /* -inf, -nan */
            while (L->p < L->end && is_ident_char(*L->p))
                L->p++;
        } else {
            while (L->p < L->end) {
                char d = *L->p;
                if (is_ident_char(d) || d == '.')
                    L->p++;
                else if ((d == '-' || d == '+') && !hex && (L->p[-1] == 'e' || L->p[-1] == 'E'))
                    L->p++;
                else
                    break;
            }
        }
        L->t = T_NUM;
    } else if (c == '"' || c == '\'') {
        L->p++;
        while (L->p < L->end && *L->p != c) {
            if (*L->p == '\n') {
                L->tn = (size_t)(L->p - L->ts);
                return lex_error(L, "string not closed before the end of the line: add the "
                                    "closing %c",
                                 c);
            }
            if (*L->p == '\\' && L->p + 1 < L->end)
                L->p++;
            L->p++;
        }
        if (L->p >= L->end)
            return lex_error(L, "string not closed before the end of the file: add the "
                                "closing %c",
                             c);
        L->p++;
        L->t = T_STR;
    } else if (c == '[' && L->p + 1 < L->end) {
        L->p++;
        L->t = T_PUNCT;
    } else if (strchr("{}<>:;,[]/", c)) {
        L->p++;
        L->t = T_PUNCT;
    } else {
        L->tn = 1;
        L->t = T_PUNCT;
        char d[16];
        if (isprint((unsigned char)c))
            snprintf(d, sizeof d, "'%c'", c);
        else
            snprintf(d, sizeof d, "byte 0x%02x", (unsigned char)c);
        return lex_error(L, "unexpected %s: text-format protobuf has fields like `name: value` "
                            "and `name { ... }`",
                         d);
    }
    L->tn = (size_t)(L->p - L->ts);
    return ST_OK;
}

static bool is_punct(const struct lexer *L, char c)
{
    return L->t == T_PUNCT && L->tn == 1 && L->ts[0] == c;
}

static bool tok_is(const struct lexer *L, const char *s)
{
    return L->t == T_IDENT && strlen(s) == L->tn && !memcmp(L->ts, s, L->tn);
}

/* ---- strings ----------------------------------------------------------------- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static void put_utf8(struct abuf *b, uint32_t cp)
{
    char u[4];
    if (cp < 0x80) {
        abuf_putc(b, (char)cp);
    } else if (cp < 0x800) {
        u[0] = (char)(0xc0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3f));
        abuf_put(b, u, 2);
    } else if (cp < 0x10000) {
        u[0] = (char)(0xe0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[2] = (char)(0x80 | (cp & 0x3f));
        abuf_put(b, u, 3);
    } else {
        u[0] = (char)(0xf0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[3] = (char)(0x80 | (cp & 0x3f));
        abuf_put(b, u, 4);
    }
}

/* Appends the unescaped content of the current string token to b. */
static enum status unescape(struct lexer *L, struct abuf *b)
{
    const char *p = L->ts + 1, *end = L->ts + L->tn - 1;
    while (p < end) {
        if (*p != '\\') {
            const char *q = p;
            while (q < end && *q != '\\')
                q++;
            abuf_put(b, p, (size_t)(q - p));
            p = q;
            continue;
        }
        p++;
        char c = *p++;
        switch (c) {
        case 'a': abuf_putc(b, '\a'); break;
        case 'b': abuf_putc(b, '\b'); break;
        case 'f': abuf_putc(b, '\f'); break;
        case 'n': abuf_putc(b, '\n'); break;
        case 'r': abuf_putc(b, '\r'); break;
        case 't': abuf_putc(b, '\t'); break;
        case 'v': abuf_putc(b, '\v'); break;
        case '\\': case '\'': case '"': case '?': abuf_putc(b, c); break;
        case 'x': case 'X': {
            int v = 0, k = 0;
            while (k < 2 && p < end && hexval(*p) >= 0)
                v = v * 16 + hexval(*p++), k++;
            if (!k)
                return lex_error(L, "\\x in a string needs hex digits (e.g. \\x3F)");
            abuf_putc(b, (char)v);
            break;
        }
        case 'u': case 'U': {
            int want = c == 'u' ? 4 : 8;
            uint32_t v = 0;
            for (int k = 0; k < want; k++) {
                if (p >= end || hexval(*p) < 0)
                    return lex_error(L, "\\%c in a string needs %d hex digits", c, want);
                v = v * 16 + (uint32_t)hexval(*p++);
            }
            if (v > 0x10ffff)
                return lex_error(L, "\\U%08x is beyond Unicode", v);
            put_utf8(b, v);
            break;
        }
        default:
            if (c >= '0' && c <= '7') {
                int v = c - '0', k = 1;
                while (k < 3 && p < end && *p >= '0' && *p <= '7')
                    v = v * 8 + (*p++ - '0'), k++;
                abuf_putc(b, (char)(v & 0xff));
            } else {
                return lex_error(L, "unknown escape \\%c in a string (use \\\\ for a backslash)",
                                 isprint((unsigned char)c) ? c : '?');
            }
        }
    }
    return ST_OK;
}

/* Reads one or more adjacent string literals; leaves the next token current. */
static enum status read_string(struct lexer *L, struct abuf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = 0;
    if (L->t != T_STR)
        return ST_EPARSE;
    while (L->t == T_STR) {
        enum status st = unescape(L, b);
        if (st)
            return st;
        if ((st = next(L)))
            return st;
    }
    if (!b->data)
        abuf_put(b, "", 0);
    return ST_OK;
}

/* ---- numbers ------------------------------------------------------------------- */

static bool parse_int(const char *s, size_t n, bool *neg, uint64_t *mag)
{
    char buf[72];
    if (!n || n >= sizeof buf)
        return false;
    memcpy(buf, s, n);
    buf[n] = 0;
    const char *p = buf;
    *neg = false;
    if (*p == '-' || *p == '+')
        *neg = *p++ == '-';
    if (!isdigit((unsigned char)*p))
        return false;
    int base = 10;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
        base = 16, p += 2;
    else if (p[0] == '0' && p[1])
        base = 8, p += 1;
    if (!*p)
        return false;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(p, &end, base);
    if (errno || *end || *p == '-')
        return false;
    *mag = v;
    return true;
}

static bool parse_double(const char *s, size_t n, double *out)
{
    char buf[96];
    if (!n || n >= sizeof buf)
        return false;
    memcpy(buf, s, n);
    buf[n] = 0;
    const char *p = buf;
    bool neg = false;
    if (*p == '-' || *p == '+')
        neg = *p++ == '-';
    if (!strcasecmp(p, "inf") || !strcasecmp(p, "infinity") || !strcasecmp(p, "inff")) {
        *out = neg ? -INFINITY : INFINITY;
        return true;
    }
    if (!strcasecmp(p, "nan") || !strcasecmp(p, "nanf")) {
        *out = NAN;
        return true;
    }
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        uint64_t m;
        bool ng;
        if (!parse_int(buf, n, &ng, &m))
            return false;
        *out = ng ? -(double)m : (double)m;
        return true;
    }
    size_t len = strlen(buf);
    if (len > 1 && (buf[len - 1] == 'f' || buf[len - 1] == 'F'))
        buf[--len] = 0;
    errno = 0;
    char *end;
    double v = strtod(buf, &end);
    if (*end || end == buf)
        return false;
    *out = v;
    return true;
}

/* ---- building messages ----------------------------------------------------------- */

size_t textpb_elem_size(ProtobufCType t)
{
    switch (t) {
    case PROTOBUF_C_TYPE_INT32: case PROTOBUF_C_TYPE_SINT32: case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_UINT32: case PROTOBUF_C_TYPE_FIXED32: case PROTOBUF_C_TYPE_FLOAT:
    case PROTOBUF_C_TYPE_ENUM:
        return 4;
    case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64: case PROTOBUF_C_TYPE_DOUBLE:
        return 8;
    case PROTOBUF_C_TYPE_BOOL:
        return sizeof(protobuf_c_boolean);
    case PROTOBUF_C_TYPE_STRING:
        return sizeof(char *);
    case PROTOBUF_C_TYPE_BYTES:
        return sizeof(ProtobufCBinaryData);
    case PROTOBUF_C_TYPE_MESSAGE:
        return sizeof(void *);
    }
    return 8;
}

struct mctx {                      /* one message being filled */
    const ProtobufCMessageDescriptor *desc;
    ProtobufCMessage *msg;
    size_t *cap;                   /* per field: capacity of repeated arrays */
};

/* Room for one more element in a repeated field; returns its address. */
static void *rep_slot(struct mctx *m, unsigned fi)
{
    const ProtobufCFieldDescriptor *f = &m->desc->fields[fi];
    size_t *n = (size_t *)((char *)m->msg + f->quantifier_offset);
    void **arr = (void **)((char *)m->msg + f->offset);
    size_t es = textpb_elem_size(f->type);
    if (*n >= m->cap[fi]) {
        size_t nc = *n < 4 ? 8 : *n * 2;
        *arr = xrealloc(*arr, nc * es);
        m->cap[fi] = nc;
    }
    void *slot = (char *)*arr + (*n) * es;
    memset(slot, 0, es);
    (*n)++;
    return slot;
}

/* Address of a singular field's storage; sets has_/oneof case. Errors on a
 * second oneof member. */
static enum status single_slot(struct lexer *L, struct mctx *m, unsigned fi, void **out)
{
    const ProtobufCFieldDescriptor *f = &m->desc->fields[fi];
    char *base = (char *)m->msg;
    if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
        uint32_t *cs = (uint32_t *)(base + f->quantifier_offset);
        if (*cs && *cs != f->id) {
            const ProtobufCFieldDescriptor *other =
                protobuf_c_message_descriptor_get_field(m->desc, *cs);
            return lex_error(L, "'%s' and '%s' are alternatives (a oneof) in %s: keep only one",
                             f->name, other ? other->name : "?", m->desc->name);
        }
        if (*cs != f->id) {
            /* The union may hold garbage from nothing: clear it. */
            memset(base + f->offset, 0, textpb_elem_size(f->type));
        }
        *cs = f->id;
    } else if (f->label == PROTOBUF_C_LABEL_OPTIONAL && f->type != PROTOBUF_C_TYPE_MESSAGE &&
               f->type != PROTOBUF_C_TYPE_STRING) {
        *(protobuf_c_boolean *)(base + f->quantifier_offset) = 1;
    }
    *out = base + f->offset;
    return ST_OK;
}

static enum status parse_message(struct lexer *L, struct mctx *m, char close);

static ProtobufCMessage *new_message(const ProtobufCMessageDescriptor *d)
{
    ProtobufCMessage *msg = xmalloc(d->sizeof_message);
    protobuf_c_message_init(d, msg);
    return msg;
}

static enum status parse_sub(struct lexer *L, const ProtobufCMessageDescriptor *d,
                             ProtobufCMessage *msg)
{
    char close = is_punct(L, '<') ? '>' : '}';
    if (L->depth >= TEXTPB_MAX_DEPTH)
        return lex_error(L, "messages nest more than %d levels deep; no real TensorFlow file "
                            "does this (corrupt or hostile input)",
                         TEXTPB_MAX_DEPTH);
    enum status st = next(L);
    if (st)
        return st;
    struct mctx sub = {d, msg, xcalloc(d->n_fields + 1, sizeof(size_t))};
    L->depth++;
    st = parse_message(L, &sub, close);
    L->depth--;
    free(sub.cap);
    return st;
}

static enum status scalar_value(struct lexer *L, struct mctx *m, unsigned fi, void *slot,
                                struct abuf *sb)
{
    const ProtobufCFieldDescriptor *f = &m->desc->fields[fi];
    char tb[64];
    describe_tok(L, tb, sizeof tb);
    enum status st;
    switch (f->type) {
    case PROTOBUF_C_TYPE_STRING:
    case PROTOBUF_C_TYPE_BYTES: {
        if (L->t != T_STR)
            return lex_error(L, "field '%s' needs a quoted string, found %s", f->name, tb);
        if ((st = read_string(L, sb)))
            return st;
        if (f->type == PROTOBUF_C_TYPE_STRING) {
            char **sp = slot;
            if (*sp && *sp != (char *)f->default_value && *sp != protobuf_c_empty_string)
                free(*sp);
            *sp = xstrndup(sb->data, sb->len);
        } else {
            ProtobufCBinaryData *bd = slot;
            free(bd->data);
            bd->len = sb->len;
            bd->data = xmalloc(sb->len ? sb->len : 1);
            memcpy(bd->data, sb->data, sb->len);
        }
        return ST_OK; /* read_string advanced */
    }
    case PROTOBUF_C_TYPE_BOOL: {
        int v = -1;
        if (tok_is(L, "true") || tok_is(L, "True") || tok_is(L, "t") ||
            (L->t == T_NUM && L->tn == 1 && L->ts[0] == '1'))
            v = 1;
        else if (tok_is(L, "false") || tok_is(L, "False") || tok_is(L, "f") ||
                 (L->t == T_NUM && L->tn == 1 && L->ts[0] == '0'))
            v = 0;
        if (v < 0)
            return lex_error(L, "field '%s' needs true or false, found %s", f->name, tb);
        *(protobuf_c_boolean *)slot = v;
        break;
    }
    case PROTOBUF_C_TYPE_ENUM: {
        const ProtobufCEnumDescriptor *ed = f->descriptor;
        if (L->t == T_IDENT) {
            char name[128];
            size_t n = L->tn < sizeof name - 1 ? L->tn : sizeof name - 1;
            memcpy(name, L->ts, n);
            name[n] = 0;
            const ProtobufCEnumValue *ev = protobuf_c_enum_descriptor_get_value_by_name(ed, name);
            if (!ev)
                return lex_error(L, "%s is not a value of %s (e.g. %s)", tb, ed->name,
                                 ed->n_values > 1 ? ed->values[1].name : ed->values[0].name);
            *(int *)slot = ev->value;
        } else if (L->t == T_NUM) {
            bool neg;
            uint64_t mag;
            if (!parse_int(L->ts, L->tn, &neg, &mag) || mag > INT_MAX)
                return lex_error(L, "field '%s' needs a %s name or number, found %s", f->name,
                                 ed->name, tb);
            *(int *)slot = neg ? -(int)mag : (int)mag;
        } else {
            return lex_error(L, "field '%s' needs a %s name, found %s", f->name, ed->name, tb);
        }
        break;
    }
    case PROTOBUF_C_TYPE_FLOAT:
    case PROTOBUF_C_TYPE_DOUBLE: {
        double v;
        if (!((L->t == T_NUM || L->t == T_IDENT) && parse_double(L->ts, L->tn, &v)))
            return lex_error(L, "field '%s' needs a number, found %s", f->name, tb);
        if (f->type == PROTOBUF_C_TYPE_FLOAT)
            *(float *)slot = v > FLT_MAX ? INFINITY : v < -FLT_MAX ? -INFINITY : (float)v;
        else
            *(double *)slot = v;
        break;
    }
    default: { /* integers */
        bool neg;
        uint64_t mag;
        if (L->t != T_NUM || !parse_int(L->ts, L->tn, &neg, &mag))
            return lex_error(L, "field '%s' needs an integer, found %s", f->name, tb);
        bool is64 = textpb_elem_size(f->type) == 8;
        bool sgn = f->type == PROTOBUF_C_TYPE_INT32 || f->type == PROTOBUF_C_TYPE_SINT32 ||
                   f->type == PROTOBUF_C_TYPE_SFIXED32 || f->type == PROTOBUF_C_TYPE_INT64 ||
                   f->type == PROTOBUF_C_TYPE_SINT64 || f->type == PROTOBUF_C_TYPE_SFIXED64;
        if (!sgn && neg && mag)
            return lex_error(L, "field '%s' is unsigned; %s is negative", f->name, tb);
        uint64_t lim = is64 ? (sgn ? (uint64_t)INT64_MAX + neg : UINT64_MAX)
                            : (sgn ? (uint64_t)INT32_MAX + neg : UINT32_MAX);
        if (mag > lim)
            return lex_error(L, "%s is out of range for field '%s'", tb, f->name);
        if (is64) {
            int64_t v = neg ? (int64_t)(0 - mag) : (int64_t)mag;
            memcpy(slot, &v, 8);
        } else {
            int32_t v = neg ? (int32_t)(uint32_t)(0 - (uint32_t)mag) : (int32_t)(uint32_t)mag;
            memcpy(slot, &v, 4);
        }
        break;
    }
    }
    return next(L);
}

/* One value of field fi (a scalar or a message); the current token starts it. */
static enum status field_value(struct lexer *L, struct mctx *m, unsigned fi, struct abuf *sb)
{
    const ProtobufCFieldDescriptor *f = &m->desc->fields[fi];
    bool rep = f->label == PROTOBUF_C_LABEL_REPEATED;
    if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
        if (!is_punct(L, '{') && !is_punct(L, '<')) {
            char tb[64];
            describe_tok(L, tb, sizeof tb);
            return lex_error(L, "field '%s' is a message: expected '{', found %s", f->name, tb);
        }
        ProtobufCMessage **slotp;
        if (rep) {
            slotp = rep_slot(m, fi);
            *slotp = new_message(f->descriptor);
        } else {
            void *s;
            enum status st = single_slot(L, m, fi, &s);
            if (st)
                return st;
            slotp = s;
            if (!*slotp)
                *slotp = new_message(f->descriptor); /* a repeat merges into it */
        }
        return parse_sub(L, f->descriptor, *slotp);
    }
    void *slot;
    if (rep) {
        slot = rep_slot(m, fi);
    } else {
        enum status st = single_slot(L, m, fi, &slot);
        if (st)
            return st;
    }
    return scalar_value(L, m, fi, slot, sb);
}

/* Skips the value of an unknown field (after its name and optional ':'),
 * nested blocks included, without recursion. */
static enum status skip_value(struct lexer *L)
{
    int depth = 0;
    enum status st;
    do {
        if (L->t == T_EOF)
            return lex_error(L, "the file ends inside a block: a '}' or ']' is missing");
        if (is_punct(L, '{') || is_punct(L, '<') || is_punct(L, '[')) {
            if (++depth > TEXTPB_MAX_DEPTH)
                return lex_error(L, "blocks nest more than %d levels deep (corrupt or hostile "
                                    "input)",
                                 TEXTPB_MAX_DEPTH);
        } else if (is_punct(L, '}') || is_punct(L, '>') || is_punct(L, ']')) {
            if (--depth < 0)
                return lex_error(L, "unbalanced closing bracket");
        }
        if ((st = next(L)))
            return st;
    } while (depth > 0);
    return ST_OK;
}

static enum status skip_unknown(struct lexer *L, bool had_colon)
{
    enum status st;
    if (is_punct(L, '{') || is_punct(L, '<') || is_punct(L, '['))
        return skip_value(L);
    if (!had_colon) {
        char tb[64];
        describe_tok(L, tb, sizeof tb);
        return lex_error(L, "expected ':' or '{' after a field name, found %s", tb);
    }
    if (L->t == T_STR) {
        while (L->t == T_STR)
            if ((st = next(L)))
                return st;
        return ST_OK;
    }
    if (L->t == T_NUM || L->t == T_IDENT)
        return next(L);
    char tb[64];
    describe_tok(L, tb, sizeof tb);
    return lex_error(L, "expected a value, found %s", tb);
}

static enum status parse_message(struct lexer *L, struct mctx *m, char close)
{
    struct abuf sb;
    abuf_init(&sb);
    enum status st = ST_OK;
    while (1) {
        if (close && is_punct(L, close)) {
            st = next(L);
            break;
        }
        if (L->t == T_EOF) {
            if (close)
                st = lex_error(L, "the file ends inside a %s: a '%c' is missing",
                               m->desc->short_name, close);
            break;
        }
        char name[128];
        bool unknown = false;
        int fi = -1;
        if (is_punct(L, '[')) { /* [extension] or [type.googleapis.com/T]: skipped */
            long ln = L->tline, col = L->tcol;
            size_t k = 0;
            while ((st = next(L)) == ST_OK && L->t != T_EOF && !is_punct(L, ']'))
                for (size_t i = 0; i < L->tn && k + 1 < sizeof name; i++)
                    name[k++] = L->ts[i];
            name[k] = 0;
            if (st)
                break;
            if (L->t == T_EOF) {
                L->tline = ln, L->tcol = col;
                st = lex_error(L, "'[' without a closing ']'");
                break;
            }
            unknown = true;
        } else if (L->t == T_IDENT) {
            size_t n = L->tn < sizeof name - 1 ? L->tn : sizeof name - 1;
            memcpy(name, L->ts, n);
            name[n] = 0;
            const ProtobufCFieldDescriptor *f =
                protobuf_c_message_descriptor_get_field_by_name(m->desc, name);
            if (f)
                fi = (int)(f - m->desc->fields);
            else
                unknown = true;
        } else {
            char tb[64];
            describe_tok(L, tb, sizeof tb);
            st = lex_error(L, "expected a field name of %s%s, found %s", m->desc->name,
                           close ? " or the closing bracket" : "", tb);
            break;
        }
        long fl = L->tline, fc = L->tcol;
        if ((st = next(L)))
            break;
        bool colon = false;
        if (is_punct(L, ':')) {
            colon = true;
            if ((st = next(L)))
                break;
        }
        if (unknown) {
            if (L->res->n_unknown++ == 0) {
                string_copy(L->res->first_unknown_buf, name);
                L->res->first_unknown = L->res->first_unknown_buf;
            }
            if ((st = skip_unknown(L, colon)))
                break;
        } else {
            const ProtobufCFieldDescriptor *f = &m->desc->fields[fi];
            if (!colon && f->type != PROTOBUF_C_TYPE_MESSAGE) {
                char tb[64];
                describe_tok(L, tb, sizeof tb);
                st = lex_error(L, "expected ':' after field '%s', found %s", name, tb);
                break;
            }
            if (is_punct(L, '[')) {
                if (f->label != PROTOBUF_C_LABEL_REPEATED) {
                    L->tline = fl, L->tcol = fc;
                    st = lex_error(L, "field '%s' of %s is not repeated: a [list] is not allowed",
                                   name, m->desc->name);
                    break;
                }
                if ((st = next(L)))
                    break;
                while (!is_punct(L, ']')) {
                    if ((st = field_value(L, m, (unsigned)fi, &sb)))
                        break;
                    if (is_punct(L, ',')) {
                        if ((st = next(L)))
                            break;
                    } else if (!is_punct(L, ']')) {
                        char tb[64];
                        describe_tok(L, tb, sizeof tb);
                        st = lex_error(L, "expected ',' or ']' in the list of '%s', found %s",
                                       name, tb);
                        break;
                    }
                }
                if (st || (st = next(L)))
                    break;
            } else if ((st = field_value(L, m, (unsigned)fi, &sb))) {
                break;
            }
        }
        if (is_punct(L, ';') || is_punct(L, ','))
            if ((st = next(L)))
                break;
    }
    abuf_done(&sb);
    return st;
}

enum status textpb_parse(const ProtobufCMessageDescriptor *desc, const char *text, size_t len,
                         const char *file, struct textpb_result *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    struct lexer L;
    memset(&L, 0, sizeof L);
    L.s = L.p = L.line_start = text;
    L.end = text + len;
    L.file = file ? file : "<text>";
    L.line = 1;
    L.e = e;
    L.res = out;
    ProtobufCMessage *msg = new_message(desc);
    struct mctx m = {desc, msg, xcalloc(desc->n_fields + 1, sizeof(size_t))};
    enum status st = next(&L);
    if (!st)
        st = parse_message(&L, &m, 0);
    free(m.cap);
    if (st) {
        protobuf_c_message_free_unpacked(msg, NULL);
        return st;
    }
    out->msg = msg;
    return ST_OK;
}
