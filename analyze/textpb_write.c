/* analyze/textpb_write.c: the protobuf text-format writer, driven by
 * protobuf-c descriptors like the reader (textpb.c): fields in number order,
 * 2-space indent, proto3 defaults omitted, bytes and strings escaped the way
 * TensorFlow's Python writer does (octal for non-printables), floats with
 * enough digits to read back exactly. Used to derive text from binary graphs
 * in tests and tools.
 */
#include "analyze/textpb.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static void indent(struct abuf *b, int d)
{
    for (int i = 0; i < d; i++)
        abuf_puts(b, "  ");
}

static void put_escaped(struct abuf *b, const uint8_t *d, size_t n)
{
    abuf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        uint8_t c = d[i];
        if (c == '\n')
            abuf_puts(b, "\\n");
        else if (c == '\r')
            abuf_puts(b, "\\r");
        else if (c == '\t')
            abuf_puts(b, "\\t");
        else if (c == '"' || c == '\'' || c == '\\') {
            abuf_putc(b, '\\');
            abuf_putc(b, (char)c);
        } else if (c < 32 || c >= 127)
            abuf_printf(b, "\\%03o", c);
        else
            abuf_putc(b, (char)c);
    }
    abuf_putc(b, '"');
}

static void write_msg(const ProtobufCMessage *msg, struct abuf *b, int d);

static void write_value(const ProtobufCFieldDescriptor *f, const void *p, struct abuf *b, int d)
{
    if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
        const ProtobufCMessage *sub = *(ProtobufCMessage *const *)p;
        indent(b, d);
        abuf_printf(b, "%s {\n", f->name);
        if (sub)
            write_msg(sub, b, d + 1);
        indent(b, d);
        abuf_puts(b, "}\n");
        return;
    }
    indent(b, d);
    abuf_printf(b, "%s: ", f->name);
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32: case PROTOBUF_C_TYPE_SINT32: case PROTOBUF_C_TYPE_SFIXED32:
        abuf_printf(b, "%d", *(const int32_t *)p);
        break;
    case PROTOBUF_C_TYPE_UINT32: case PROTOBUF_C_TYPE_FIXED32:
        abuf_printf(b, "%u", *(const uint32_t *)p);
        break;
    case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
        abuf_printf(b, "%lld", (long long)*(const int64_t *)p);
        break;
    case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64:
        abuf_printf(b, "%llu", (unsigned long long)*(const uint64_t *)p);
        break;
    case PROTOBUF_C_TYPE_FLOAT: {
        float v = *(const float *)p;
        if (isnan(v))
            abuf_puts(b, "nan");
        else if (isinf(v))
            abuf_puts(b, v < 0 ? "-inf" : "inf");
        else
            abuf_printf(b, "%.9g", (double)v);
        break;
    }
    case PROTOBUF_C_TYPE_DOUBLE: {
        double v = *(const double *)p;
        if (isnan(v))
            abuf_puts(b, "nan");
        else if (isinf(v))
            abuf_puts(b, v < 0 ? "-inf" : "inf");
        else
            abuf_printf(b, "%.17g", v);
        break;
    }
    case PROTOBUF_C_TYPE_BOOL:
        abuf_puts(b, *(const protobuf_c_boolean *)p ? "true" : "false");
        break;
    case PROTOBUF_C_TYPE_ENUM: {
        int v = *(const int *)p;
        const ProtobufCEnumValue *ev = protobuf_c_enum_descriptor_get_value(f->descriptor, v);
        if (ev)
            abuf_puts(b, ev->name);
        else
            abuf_printf(b, "%d", v);
        break;
    }
    case PROTOBUF_C_TYPE_STRING: {
        const char *s = *(const char *const *)p;
        put_escaped(b, (const uint8_t *)(s ? s : ""), s ? strlen(s) : 0);
        break;
    }
    case PROTOBUF_C_TYPE_BYTES: {
        const ProtobufCBinaryData *bd = p;
        put_escaped(b, bd->data, bd->len);
        break;
    }
    default:
        break;
    }
    abuf_putc(b, '\n');
}

static bool is_default(const ProtobufCFieldDescriptor *f, const void *p)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_MESSAGE: return *(void *const *)p == NULL;
    case PROTOBUF_C_TYPE_STRING: {
        const char *s = *(const char *const *)p;
        return !s || !*s;
    }
    case PROTOBUF_C_TYPE_BYTES: return ((const ProtobufCBinaryData *)p)->len == 0;
    default: {
        size_t n = textpb_elem_size(f->type);
        static const char zero[8];
        return !memcmp(p, zero, n);
    }
    }
}

static void write_msg(const ProtobufCMessage *msg, struct abuf *b, int d)
{
    const ProtobufCMessageDescriptor *desc = msg->descriptor;
    const char *base = (const char *)msg;
    for (unsigned i = 0; i < desc->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &desc->fields[i];
        const void *p = base + f->offset;
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = *(const size_t *)(base + f->quantifier_offset);
            const char *arr = *(const char *const *)p;
            for (size_t k = 0; k < n; k++)
                write_value(f, arr + k * textpb_elem_size(f->type), b, d);
            continue;
        }
        if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
            if (*(const uint32_t *)(base + f->quantifier_offset) != f->id)
                continue;
        } else if (f->label == PROTOBUF_C_LABEL_OPTIONAL && f->type != PROTOBUF_C_TYPE_MESSAGE &&
                   f->type != PROTOBUF_C_TYPE_STRING) {
            if (!*(const protobuf_c_boolean *)(base + f->quantifier_offset))
                continue;
        } else if (is_default(f, p)) {
            continue;
        }
        write_value(f, p, b, d);
    }
}

void textpb_write(const ProtobufCMessage *msg, struct abuf *b)
{
    if (msg)
        write_msg(msg, b, 0);
}
