/* mdscan.h - a look at a page's Markdown before cmark-gfm parses it (prefix mds_).
 *
 * Most of what hostile Markdown can cost is bounded by the allocation budget
 * of each page (mdalloc.h). Three costs of cmark-gfm 0.29.0.gfm.6 (Debian 12)
 * allocate little and are found here first, in one pass over the text:
 *
 *  - tables: every row gets as many cells as the header has (5,000 columns
 *    and 5,000 one-character rows are 25 million cells from 30 KB), and the
 *    HTML renderer finds each cell's column by walking its row from the
 *    first cell (columns squared per row). A table over MDS_MAX_COLUMNS
 *    columns or MDS_MAX_CELLS cells (columns x rows, the header row
 *    included) is shown as text: mds_rewrite puts a backslash before its
 *    delimiter row (`\|---|---|`), which makes it an ordinary paragraph and
 *    shows the same characters (`\|`, `\-`, `\:` are escapes);
 *  - autolinks: looking for e-mail addresses scans the rest of a text from
 *    each '@' (up to 1,000 times per text), and a link's trailing ')' are
 *    removed one at a time, each after counting the parentheses of the
 *    whole link. When that work, estimated per line, passes
 *    MDS_MAX_AUTOLINK_WORK (plus a little per byte), the page is parsed without the autolink
 *    extension (bare URLs and e-mail addresses stay text);
 *  - links after emphasis: each link that closes walks back over every
 *    emphasis mark (`*`, `_`, `~` runs) still open in its paragraph, so a
 *    paragraph of 5,000 links between 10,000 marks takes seconds. When the
 *    sum over a page's paragraphs of (marks before each ']') passes
 *    MDS_MAX_INLINE_WORK plus one per byte of text, the page is published
 *    as text.
 *
 * A line that opens a table in cmark's eyes is recognised as cmark does for
 * the common cases (inside block quotes and list items too); tables inside
 * fenced or indented code and HTML blocks are left alone (a backslash there
 * would show). When the scan does not recognise a table that cmark does,
 * the page's allocation budget still bounds it. */
#ifndef ALMANAC_MDSCAN_H
#define ALMANAC_MDSCAN_H

#include <stddef.h>

#define MDS_MAX_COLUMNS 256
#define MDS_MAX_CELLS 100000
/* Character steps of the autolink extension's e-mail and ')' scans: about
 * 0.1 s, plus 4 per byte of text (ordinary pages cost about 1 per byte). */
#define MDS_MAX_AUTOLINK_WORK ((size_t)32 << 20)
#define MDS_AUTOLINK_WORK_PER_BYTE 4
/* Emphasis marks walked over by links: about 0.2 s, plus 1 per byte of text
 * (a long page of ordinary paragraphs walks a few marks per link). */
#define MDS_MAX_INLINE_WORK ((size_t)4 << 20)
#define MDS_INLINE_WORK_PER_BYTE 1

typedef struct {
	size_t at;          /* byte offset of the delimiter row's first character (where the backslash goes) */
	int line, col;      /* the header row: 1-based line, 1-based column in characters */
	size_t columns, rows; /* rows: the header and the rows below the delimiter row */
} mds_table_t;

typedef struct {
	mds_table_t *tables;  /* tables over the limits, in text order (owned) */
	size_t ntables;
	int no_autolink;      /* the autolink work would pass its limit (MDS_MAX_AUTOLINK_WORK + per byte) */
	size_t autolink_work; /* the estimate */
	int al_line, al_col;  /* the line that costs most, at its first '@' or the run's first trailing ')' */
	int too_slow;         /* the links-after-emphasis work would pass its limit (MDS_MAX_INLINE_WORK + per byte) */
	size_t autolink_limit, inline_limit; /* the limits for this text */
	size_t inline_work;   /* the estimate */
	int slow_line;        /* the first line of the paragraph that costs most */
} mds_result_t;

/* Scan `len` bytes of Markdown. Fills `out` (free with mds_free). */
void mds_scan(mds_result_t *out, const char *text, size_t len);
/* The text with a backslash before the delimiter row of each table in `r`:
 * malloc'd, its length in *out_len; NULL when `r` has no table. */
char *mds_rewrite(const mds_result_t *r, const char *text, size_t len, size_t *out_len);
/* Free what `r` owns; accepts a zeroed struct. */
void mds_free(mds_result_t *r);

#endif
