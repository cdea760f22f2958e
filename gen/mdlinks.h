/* mdlinks.h - where the links of a Markdown text are in its source (prefix mdlinks_).
 *
 * cmark-gfm 0.29 gives inline nodes positions that are wrong in several
 * contexts: continuation lines of a paragraph that are indented or lazy (it
 * counts columns from the first line's indentation), paragraphs that start
 * with link reference definitions (lines are counted from the definitions),
 * links whose text spans lines (the line is the one of the closing bracket)
 * and, without CMARK_OPT_SOURCEPOS, every line after a multi-line code span or
 * inline HTML. This module corrects them against the source text, so a
 * diagnostic points at the first character of the link: the '[' of a link,
 * the '!' of an image, the '<' of inline HTML (the document must be parsed
 * with CMARK_OPT_SOURCEPOS). Columns are counted in characters (Unicode code
 * points; a tab is one character), like the front-matter diagnostics.
 *
 * It also finds the links inside raw HTML (href and src attributes of HTML
 * blocks and inline HTML), for pages rendered with raw HTML kept.
 *
 * An mdlinks_t borrows the text; it is used by one thread. */
#ifndef ALMANAC_MDLINKS_H
#define ALMANAC_MDLINKS_H

#include <cmark-gfm.h>
#include <stddef.h>

#include "markdown.h"

typedef struct {
	const char *text;   /* borrowed */
	size_t len;
	size_t *starts;     /* byte offset of each line (owned) */
	size_t nlines;
	/* the block holding the inlines being visited */
	int blk_line;       /* its first line (1-based) */
	int blk_offset;     /* cmark's column offset for its inlines (start column - 1) */
	int blk_shift;      /* lines of link reference definitions cmark did not count */
#define MDLINKS_MAX_DEPTH 64
	cmark_node *anc_node[MDLINKS_MAX_DEPTH];      /* its block quotes, list items and footnotes, outermost first */
	cmark_node_type anc_kind[MDLINKS_MAX_DEPTH]; /* their types */
	int anc_need[MDLINKS_MAX_DEPTH];             /* content width of each list item / footnote */
	int anc_line[MDLINKS_MAX_DEPTH];             /* the line each opens on */
	int anc_ccol[MDLINKS_MAX_DEPTH];             /* the column its content starts at on that line, or -1 */
	int nanc;
	/* char_col's memo: the character column of byte cc_byte of line cc_line,
	 * so that the links of one line cost one pass over it, not one each */
	int cc_line;
	size_t cc_byte;
	int cc_col;
} mdlinks_t;

/* Index the lines of `text` (`len` bytes). Free with mdlinks_free. */
void mdlinks_init(mdlinks_t *m, const char *text, size_t len);
/* Free what `m` owns; accepts a zeroed struct. */
void mdlinks_free(mdlinks_t *m);
/* Tell `m` that the iteration entered `blk`, a block whose children are
 * inlines (paragraph, heading, table cell). Call before asking for the
 * positions of its inlines. */
void mdlinks_block(mdlinks_t *m, cmark_node *blk);
/* Exact position of the inline node `n` (link, image or inline HTML) inside the
 * last block given to mdlinks_block: 1-based line of the text and 1-based
 * column in characters. Asked in document order, the positions of all the
 * links of a text cost time linear in its length (however many links a line
 * holds). */
void mdlinks_pos(mdlinks_t *m, cmark_node *n, int *line, int *col);
/* Call `fn` for every href and src attribute in the raw HTML node `n` (an HTML
 * block, or inline HTML inside the last block given to mdlinks_block), with
 * the attribute's value (entities decoded, spaces trimmed), is_image set for
 * src, and the position of the tag's '<' (its line plus `line_offset`).
 * Values that `fn` replaces are written back into the node's literal,
 * HTML-escaped. Comments and the content of script and style elements are
 * skipped. */
void mdlinks_html(mdlinks_t *m, cmark_node *n, md_link_fn fn, void *ud, int line_offset);

/* Position of byte `off` of the literal of the raw HTML node `n` (an HTML
 * block, or inline HTML inside the last block given to mdlinks_block): the
 * 1-based line of the text and the 1-based column in characters. */
void mdlinks_html_pos(mdlinks_t *m, cmark_node *n, size_t off, int *line, int *col);

#endif
