/* analyze/load_wire.c: a descriptor-guided protobuf wire-format checker run
 * before protobuf_c_message_unpack. protobuf-c recurses without a depth limit
 * and reports no reason when it fails; this walk is iterative, bounds the
 * nesting (G_MAX_NESTING), checks every length against the buffer and every
 * known field's wire type, and on failure names the field path and the byte
 * offset so the user learns what is wrong with the file.
 */
#include <limits.h>
#include <string.h>

#include "analyze/graph_int.h"

struct frame {
    const ProtobufCMessageDescriptor *desc;
    size_t end;
    const char *field; /* field name that opened this frame */
};

static int read_varint(const uint8_t *p, size_t avail, uint64_t *v)
{
    uint64_t r = 0;
    for (int i = 0; i < 10 && (size_t)i < avail; i++) {
        r |= (uint64_t)(p[i] & 0x7f) << (7 * i);
        if (!(p[i] & 0x80)) {
            *v = r;
            return i + 1;
        }
    }
    return 0;
}

static int wire_for_type(ProtobufCType t)
{
    switch (t) {
    case PROTOBUF_C_TYPE_INT32: case PROTOBUF_C_TYPE_SINT32: case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_BOOL: case PROTOBUF_C_TYPE_ENUM:
        return 0;
    case PROTOBUF_C_TYPE_FIXED64: case PROTOBUF_C_TYPE_SFIXED64: case PROTOBUF_C_TYPE_DOUBLE:
        return 1;
    case PROTOBUF_C_TYPE_FIXED32: case PROTOBUF_C_TYPE_SFIXED32: case PROTOBUF_C_TYPE_FLOAT:
        return 5;
    default:
        return 2;
    }
}

static void path_str(const struct frame *st, int depth, char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = 0;
    int from = depth > 6 ? depth - 6 : 0;
    if (depth > 6)
        o += (size_t)snprintf(buf, size, "...");
    for (int i = from; i <= depth && o < size; i++)
        o += (size_t)snprintf(buf + o, size - o, "%s%s", o ? "." : "", st[i].field);
}

enum status pb_wire_check(const ProtobufCMessageDescriptor *desc, const uint8_t *buf, size_t len,
                          const char *file, struct err *e)
{
    struct frame st[G_MAX_NESTING + 2];
    int depth = 0;
    st[0] = (struct frame){desc, len, desc->short_name};
    size_t pos = 0;
    char path[256];
    while (1) {
        while (depth > 0 && pos == st[depth].end)
            depth--;
        if (depth == 0 && pos == len)
            return ST_OK;
        const struct frame *f = &st[depth];
        size_t end = f->end;
        size_t at = pos;
        uint64_t tag;
        int n = read_varint(buf + pos, end - pos, &tag);
        if (!n || n > 5 || (tag >> 3) == 0 || (tag >> 3) > 536870911) {
            path_str(st, depth, path, sizeof path);
            return err_at(e, ST_EFORMAT, file, 0, 0,
                          "not a valid %s: bad field tag at byte %zu (inside %s); the file is "
                          "not this kind of protobuf, or it is corrupt",
                          desc->short_name, at, path);
        }
        pos += (size_t)n;
        uint32_t fid = (uint32_t)(tag >> 3);
        int wt = (int)(tag & 7);
        const ProtobufCFieldDescriptor *fd =
            f->desc ? protobuf_c_message_descriptor_get_field(f->desc, fid) : NULL;
        if (fd) {
            int want = wire_for_type(fd->type);
            bool ok = wt == want ||
                      (fd->label == PROTOBUF_C_LABEL_REPEATED && wt == 2 && want != 2);
            if (!ok) {
                path_str(st, depth, path, sizeof path);
                return err_at(e, ST_EFORMAT, file, 0, 0,
                              "not a valid %s: field %s.%s (number %u) has wire type %d, "
                              "expected %d, at byte %zu; the file is not this kind of "
                              "protobuf, or it is corrupt",
                              desc->short_name, path, fd->name, fid, wt, want, at);
            }
        }
        uint64_t v;
        switch (wt) {
        case 0:
            n = read_varint(buf + pos, end - pos, &v);
            if (!n)
                goto truncated;
            pos += (size_t)n;
            break;
        case 1:
            if (end - pos < 8)
                goto truncated;
            pos += 8;
            break;
        case 5:
            if (end - pos < 4)
                goto truncated;
            pos += 4;
            break;
        case 2: {
            n = read_varint(buf + pos, end - pos, &v);
            if (!n || n > 5)
                goto truncated;
            pos += (size_t)n;
            if (v > INT_MAX) {
                path_str(st, depth, path, sizeof path);
                return err_at(e, ST_ELIMIT, file, 0, 0,
                              "field %s.%s at byte %zu is %llu bytes long; protobuf cannot hold "
                              "a field over 2 GB (TensorFlow splits such models into chunks, "
                              "which ampscope does not read): export a smaller frozen graph",
                              path, fd ? fd->name : "?", at, (unsigned long long)v);
            }
            if (v > end - pos)
                goto truncated;
            if (fd && fd->type == PROTOBUF_C_TYPE_MESSAGE) {
                if (depth + 1 > G_MAX_NESTING) {
                    path_str(st, depth, path, sizeof path);
                    return err_at(e, ST_ELIMIT, file, 0, 0,
                                  "messages nest more than %d levels deep at byte %zu (%s...); "
                                  "no real TensorFlow graph does this: the file is corrupt or "
                                  "hostile",
                                  G_MAX_NESTING, at, path);
                }
                depth++;
                st[depth] = (struct frame){fd->descriptor, pos + (size_t)v, fd->name};
            } else {
                pos += (size_t)v;
            }
            break;
        }
        default:
            path_str(st, depth, path, sizeof path);
            return err_at(e, ST_EFORMAT, file, 0, 0,
                          "not a valid %s: wire type %d (groups/invalid) at byte %zu inside %s; "
                          "the file is not a TensorFlow protobuf, or it is corrupt",
                          desc->short_name, wt, at, path);
        }
        continue;
    truncated:
        path_str(st, depth, path, sizeof path);
        return err_at(e, ST_EFORMAT, file, 0, 0,
                      "truncated: field %s%s%s at byte %zu runs past the end of %s (%zu bytes); "
                      "the file was cut short (incomplete download or copy?): get it again",
                      path, fd ? "." : "", fd ? fd->name : "", at,
                      depth ? "its enclosing message" : "the file", len);
    }
}
