/* analyze/textpb: a generic protobuf text-format reader driven by protobuf-c
 * descriptors. Reads any message type (GraphDef, SavedModel, MetaGraphDef,
 * RunMetadata, ...) into the same in-memory structs protobuf_c_message_unpack
 * produces, so protobuf_c_message_free_unpacked(msg, NULL) releases it and
 * protobuf_c_message_pack works on it.
 *
 * Accepts what TensorFlow and protoc write and what people hand-write:
 * `#` comments, `field: {` and `field {`, `<...>` message delimiters, `[a, b]`
 * lists, optional `;`/`,` separators, "..." and '...' strings (adjacent ones
 * concatenate) with octal, hex, \u and C escapes, enum names or numbers,
 * integers for floats, inf/nan, map entries as `{ key: .. value: .. }`.
 * Unknown field names are skipped with their value (counted in
 * textpb_result.n_unknown), never fatal. Nesting is limited to
 * TEXTPB_MAX_DEPTH levels; no recursion on the C stack beyond that bound.
 */
#ifndef AMPSCOPE_ANALYZE_TEXTPB_H
#define AMPSCOPE_ANALYZE_TEXTPB_H

#include <stddef.h>

#include <protobuf-c/protobuf-c.h>

#include "util/util.h"

#define TEXTPB_MAX_DEPTH 100

struct textpb_result {
    ProtobufCMessage *msg;        /* owned by the caller: protobuf_c_message_free_unpacked(msg, NULL) */
    long n_unknown;               /* unknown fields skipped */
    const char *first_unknown;    /* name of the first one (static buffer in the result) */
    char first_unknown_buf[96];
};

/* Parses text[0..len) as a `desc` message. file names the input in errors,
 * which carry line:column and say what was expected. */
enum status textpb_parse(const ProtobufCMessageDescriptor *desc, const char *text, size_t len,
                         const char *file, struct textpb_result *out, struct err *e);

/* Size of one element of a repeated field of type t in protobuf-c's memory
 * layout (4 for enums, sizeof(protobuf_c_boolean) for bools, a pointer for
 * strings and messages, ProtobufCBinaryData for bytes). */
size_t textpb_elem_size(ProtobufCType t);

/* Writes msg in text format (2-space indent, fields in number order, bytes
 * octal-escaped as TensorFlow writes them) into b. */
void textpb_write(const ProtobufCMessage *msg, struct abuf *b);

#endif
