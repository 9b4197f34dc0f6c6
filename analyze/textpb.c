/* analyze/textpb.c: placeholder until the text reader lands. */
#include "analyze/textpb.h"

enum status textpb_parse(const ProtobufCMessageDescriptor *desc, const char *text, size_t len,
                         const char *file, struct textpb_result *out, struct err *e)
{
    (void)desc; (void)text; (void)len; (void)out;
    return err_at(e, ST_EUNSUPPORTED, file, 1, 1, "text format not available yet");
}

void textpb_write(const ProtobufCMessage *msg, struct abuf *b) { (void)msg; (void)b; }
