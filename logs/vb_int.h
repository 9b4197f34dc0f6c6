/* logs/vb_int: internals shared by the verbose reader's files (verbose.c: the
 * streaming reader, line splitting, shape cache, file input; vb_parse.c: the
 * interpretation of one verbose record's fields, every era). Not a public
 * interface: only logs/ includes it.
 */
#ifndef AMPSCOPE_LOGS_VB_INT_H
#define AMPSCOPE_LOGS_VB_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "logs/verbose.h"

/* Markers, in the order vb_find_marker reports them. */
enum vb_marker { VB_MK_MKLDNN, VB_MK_DNNL, VB_MK_ONEDNN, VB_MK__COUNT };

/* Returns the start of the first verbose marker ("mkldnn_verbose,",
 * "dnnl_verbose,", "onednn_verbose,") in s[0..n), or NULL; *mk says which. */
const char *vb_find_marker(const char *s, size_t n, enum vb_marker *mk);
size_t vb_marker_len(enum vb_marker mk); /* without the comma */

/* Parses a decimal/%g number filling the whole of s[0..n) (a single trailing
 * '.' is tolerated, as seen after hand-pasted times). Returns 1 on success. */
int vb_parse_num(const char *s, size_t n, double *out);

/* How the slow path classified a record, so the reader knows whether the
 * line's shape may be cached (keyed by the line minus time and timestamp). */
struct vb_parse_info {
    bool cacheable;      /* last field was the time; nothing glued; no merges */
    const char *glued;   /* start of a second marker inside the record, or NULL */
};

/* Slow path: splits the record [m, e) (m at a marker) into fields with libcsv
 * and interprets them. Returns 1 (verbose record), -1 (looked like one, did
 * not parse). Strings are interned through vb_reader_intern_n. */
int vb_parse_record(vb_reader *r, const char *m, const char *e, enum vb_marker mk,
                    struct vb_event *ev, struct vb_parse_info *info);

/* vb_fields.c: parses the md field into ev->md / n_md and sets src_dt,
 * dst_dt, wei_dt; normalises a primitive kind (pooling_v2 -> pooling). */
void vb_parse_mds(vb_reader *r, struct vb_event *ev, const char *s, size_t n);
const char *vb_norm_prim(vb_reader *r, const char *s, size_t n);

const char *vb_reader_intern_n(vb_reader *r, const char *s, size_t n);
/* The reader's libcsv parser (one per reader, reused per line). */
struct csv_parser *vb_reader_csv(vb_reader *r);

#endif
