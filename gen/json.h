/* json.h - a small streaming JSON writer.
 *
 * Output is deterministic: keys appear in the order they are written, numbers
 * use a fixed format. Strings are escaped so the output is also safe to embed
 * in an HTML <script> element ("<", ">", "&" and U+2028/9 are \u-escaped). */
#ifndef ALMANAC_JSON_H
#define ALMANAC_JSON_H

#include "buf.h"

typedef struct {
	buf_t *out;      /* borrowed */
	int pretty;      /* indent with two spaces when non-zero */
	int depth;
	int need_comma[64];
	int after_key;
} json_writer_t;

/* Start writing into `out` (borrowed; must outlive the writer). */
void json_init(json_writer_t *w, buf_t *out, int pretty);
void json_begin_object(json_writer_t *w);
void json_end_object(json_writer_t *w);
void json_begin_array(json_writer_t *w);
void json_end_array(json_writer_t *w);
/* Write an object key; the next value call writes its value. */
void json_key(json_writer_t *w, const char *k);
void json_string(json_writer_t *w, const char *s);
/* A string of `n` bytes (may contain NULs, which are escaped). */
void json_stringn(json_writer_t *w, const char *s, size_t n);
void json_int(json_writer_t *w, long long v);
/* A number with one decimal (percentages): 81.25 -> 81.3, half away from zero, but never rounded up onto
 * a whole number it does not reach: 99.96 -> 99.9 (as svgchart_fixed1). */
void json_fixed1(json_writer_t *w, double v);
/* A number printed with "%.*g" (precision 6). */
void json_double(json_writer_t *w, double v);
void json_bool(json_writer_t *w, int v);
void json_null(json_writer_t *w);
/* Append `s` escaped as the body of a JSON string (no quotes) to `b`. */
void json_escape(buf_t *b, const char *s, size_t n);

#endif
