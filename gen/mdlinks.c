/* mdlinks.c - source positions of links and links in raw HTML. See mdlinks.h. */
#include "mdlinks.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "mdblocks.h"

void mdlinks_init(mdlinks_t *m, const char *text, size_t len)
{
	memset(m, 0, sizeof *m);
	m->text = text;
	m->len = len;
	size_t cap = 64;
	m->starts = xmalloc(cap * sizeof *m->starts);
	m->starts[m->nlines++] = 0;
	/* line ends as cmark sees them: \n, \r\n and a lone \r */
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\n' || (text[i] == '\r' && (i + 1 >= len || text[i + 1] != '\n'))) {
			if (m->nlines == cap) {
				cap *= 2;
				m->starts = xrealloc(m->starts, cap * sizeof *m->starts);
			}
			m->starts[m->nlines++] = i + 1;
		}
	}
}

void mdlinks_free(mdlinks_t *m)
{
	free(m->starts);
	memset(m, 0, sizeof *m);
}

/* Line `line` (1-based) without its line end; NULL when out of range. */
static const char *line_at(const mdlinks_t *m, int line, size_t *len)
{
	if (line < 1 || (size_t)line > m->nlines) {
		*len = 0;
		return NULL;
	}
	size_t b = m->starts[line - 1];
	size_t e = (size_t)line < m->nlines ? m->starts[line] : m->len;
	while (e > b && (m->text[e - 1] == '\n' || m->text[e - 1] == '\r'))
		e--;
	*len = e - b;
	return m->text + b;
}

/* ---- cmark's container matching, replayed on one source line ---- */

#define TAB_STOP 4

typedef struct {
	const char *s;
	size_t n;
	size_t off;   /* byte offset */
	int col;      /* column, tabs expanded to multiples of TAB_STOP */
	int partial;  /* the tab at `off` is partly consumed */
	size_t fns;   /* lp_nonspace's last answer (valid while off <= fns) ... */
	int fns_col;
	int fns_ok;   /* ... when set */
} lp_t;

#define LP_INIT(s, n) {(s), (n), 0, 0, 0, 0, 0, 0}

/* cmark's S_advance_offset */
static void lp_advance(lp_t *p, int count, int columns)
{
	while (count > 0 && p->off < p->n) {
		if (p->s[p->off] == '\t') {
			int to_tab = TAB_STOP - p->col % TAB_STOP;
			if (columns) {
				p->partial = to_tab > count;
				int adv = to_tab < count ? to_tab : count;
				p->col += adv;
				p->off += p->partial ? 0 : 1;
				count -= adv;
			} else {
				p->partial = 0;
				p->col += to_tab;
				p->off++;
				count--;
			}
		} else {
			p->partial = 0;
			p->off++;
			p->col++;
			count--;
		}
	}
}

/* cmark's S_find_first_nonspace: byte and column of the first non-blank, and
 * the indent. Like cmark it remembers the answer: matching the containers of
 * a deep list passes the same white space many times. */
static void lp_nonspace(lp_t *p, size_t *fns, int *fns_col)
{
	if (p->fns_ok && p->off <= p->fns) {
		*fns = p->fns;
		*fns_col = p->fns_col;
		return;
	}
	size_t i = p->off;
	int col = p->col, to_tab = TAB_STOP - p->col % TAB_STOP;
	while (i < p->n) {
		if (p->s[i] == ' ') {
			i++;
			col++;
			if (--to_tab == 0)
				to_tab = TAB_STOP;
		} else if (p->s[i] == '\t') {
			i++;
			col += to_tab;
			to_tab = TAB_STOP;
		} else {
			break;
		}
	}
	*fns = p->fns = i;
	*fns_col = p->fns_col = col;
	p->fns_ok = 1;
}

/* Column of byte `b` of a line (tabs expanded). */
static int col_of(const char *s, size_t n, size_t b)
{
	int col = 0;
	for (size_t i = 0; i < b && i < n; i++)
		col = s[i] == '\t' ? col + TAB_STOP - col % TAB_STOP : col + 1;
	return col;
}

/* Match the first `k` containers of the current block on `line`, like cmark's
 * check_open_blocks (a container that opens on this line is passed over up to
 * its content column). Returns 1 when all matched. */
static int lp_match(const mdlinks_t *m, lp_t *p, int k, int line)
{
	for (int c = 0; c < k; c++) {
		size_t fns;
		int fcol;
		lp_nonspace(p, &fns, &fcol);
		int indent = fcol - p->col;
		if (m->anc_kind[c] != CMARK_NODE_BLOCK_QUOTE && m->anc_line[c] == line) {
			if (m->anc_ccol[c] > p->col)
				lp_advance(p, m->anc_ccol[c] - p->col, 1);
		} else if (m->anc_kind[c] == CMARK_NODE_BLOCK_QUOTE) {
			if (indent > 3 || fns >= p->n || p->s[fns] != '>')
				return 0;
			lp_advance(p, indent + 1, 1);
			if (p->off < p->n && (p->s[p->off] == ' ' || p->s[p->off] == '\t'))
				lp_advance(p, 1, 1);
		} else {
			/* list item or footnote definition: an indentation of its content's width */
			if (indent < m->anc_need[c])
				return 0;
			lp_advance(p, m->anc_need[c], 1);
		}
	}
	return 1;
}

/* Byte offset of the source line that cmark's copy of continuation line `line`
 * of the current block starts at, so that a column cmark counts in the copy
 * maps back to the source. cmark matches the line against the block's
 * containers (block quotes: up to 3 spaces, '>' and one optional space; list
 * items: their content indentation; footnotes: 4 columns). When all match,
 * the leading white space is dropped too (unless `keep_space`: HTML blocks);
 * when one does not, the line is a lazy continuation and its copy starts where
 * the matching stopped, with a partly consumed tab turned into spaces. */
static int content_start(const mdlinks_t *m, int line, int keep_space)
{
	size_t n;
	const char *s = line_at(m, line, &n);
	if (!s)
		return 0;
	lp_t p = LP_INIT(s, n);
	int all = lp_match(m, &p, m->nanc, line);
	if (all && !keep_space) {
		size_t fns;
		int fcol;
		lp_nonspace(&p, &fns, &fcol);
		return (int)fns;
	}
	if (p.partial)
		return (int)p.off + 1 - (TAB_STOP - p.col % TAB_STOP);
	return (int)p.off;
}

static int is_container(cmark_node *c)
{
	cmark_node_type t = cmark_node_get_type(c);
	return t == CMARK_NODE_BLOCK_QUOTE || t == CMARK_NODE_ITEM || t == CMARK_NODE_FOOTNOTE_DEFINITION ||
	       mdblocks_content_indent(c) >= 0;
}

/* Remember the containers of `blk`, outermost first, and the content width of
 * its list items (relative to the column their container's content starts at). */
static void set_containers(mdlinks_t *m, cmark_node *blk)
{
	/* the outermost MDLINKS_MAX_DEPTH of them (deeper ones are not matched) */
	cmark_node *chain[MDLINKS_MAX_DEPTH];
	size_t total = 0;
	for (cmark_node *c = cmark_node_parent(blk); c; c = cmark_node_parent(c))
		total += is_container(c);
	int k = 0;
	size_t skip = total > MDLINKS_MAX_DEPTH ? total - MDLINKS_MAX_DEPTH : 0;
	for (cmark_node *c = cmark_node_parent(blk); c; c = cmark_node_parent(c)) {
		if (!is_container(c))
			continue;
		if (skip)
			skip--;
		else
			chain[k++] = c;
	}
	/* the outer containers the previous block had too are already measured:
	 * the paragraphs of a deep list cost their depth once, not each */
	int same = 0;
	while (same < k && same < m->nanc && m->anc_node[same] == chain[k - 1 - same])
		same++;
	m->nanc = k;
	for (int i = same; i < k; i++) {
		cmark_node *c = chain[k - 1 - i];
		m->anc_node[i] = c;
		cmark_node *first = cmark_node_first_child(c);
		int il = cmark_node_get_start_line(c);
		m->anc_kind[i] = cmark_node_get_type(c);
		m->anc_line[i] = il;
		m->anc_need[i] = TAB_STOP;
		m->anc_ccol[i] = -1;
		int w = mdblocks_content_indent(c);
		if (w >= 0) {
			/* an admonition or tab: its marker's line is its header; content
			 * lines are indented by `w` more columns (0 for fenced blocks) */
			m->anc_need[i] = w;
			continue;
		}
		size_t n;
		const char *s = line_at(m, il, &n);
		if (m->anc_kind[i] == CMARK_NODE_BLOCK_QUOTE || !s)
			continue;
		/* the content column is where the first block starts, when it
		 * starts on the container's own line */
		if (first && cmark_node_get_start_line(first) == il && cmark_node_get_start_column(first) > 0)
			m->anc_ccol[i] = col_of(s, n, (size_t)cmark_node_get_start_column(first) - 1);
		if (m->anc_kind[i] != CMARK_NODE_ITEM)
			continue;
		/* a list item's width (marker indentation + marker + padding) is
		 * counted from where the outer containers end on its line */
		lp_t p = LP_INIT(s, n);
		lp_match(m, &p, i, il);
		if (m->anc_ccol[i] > p.col) {
			m->anc_need[i] = m->anc_ccol[i] - p.col;
		} else {
			/* the item's first line is blank after the marker: marker width + 1 */
			size_t mb = (size_t)(cmark_node_get_start_column(c) > 0 ? cmark_node_get_start_column(c) - 1 : 0);
			size_t e = mb;
			while (e < n && isdigit((unsigned char)s[e]))
				e++;
			e = e < n ? e + 1 : e;
			m->anc_need[i] = col_of(s, n, mb) - p.col + (int)(e - mb) + 1;
			if (m->anc_need[i] < 1)
				m->anc_need[i] = 2;
		}
	}
}

void mdlinks_block(mdlinks_t *m, cmark_node *blk)
{
	m->blk_shift = 0;
	/* a table cell's columns are counted like the continuation lines of a
	 * paragraph that starts where the table starts */
	const char *ts = cmark_node_get_type_string(blk);
	cmark_node *row = ts && !strcmp(ts, "table_cell") ? cmark_node_parent(blk) : NULL;
	cmark_node *table = row ? cmark_node_parent(row) : NULL;
	set_containers(m, table ? table : blk);
	if (table) {
		m->blk_line = cmark_node_get_start_line(table);
		m->blk_offset = cmark_node_get_start_column(table) - 1;
		return;
	}
	m->blk_line = cmark_node_get_start_line(blk);
	m->blk_offset = cmark_node_get_start_column(blk) - 1;
	if (cmark_node_get_type(blk) != CMARK_NODE_PARAGRAPH)
		return;
	/* link reference definitions can only open a paragraph; cmark drops them
	 * without moving the paragraph's start, so its inlines' lines are short
	 * by the lines the definitions took. The last line of the paragraph is
	 * right: the difference to the last line its inlines report is the shift. */
	size_t n;
	const char *s = line_at(m, m->blk_line, &n);
	if (!s || m->blk_offset < 0 || (size_t)m->blk_offset >= n || s[m->blk_offset] != '[')
		return;
	int maxl = 0;
	cmark_iter *it = cmark_iter_new(blk);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *c = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER || c == blk)
			continue;
		int l = cmark_node_get_end_line(c);
		if (cmark_node_get_start_line(c) > l)
			l = cmark_node_get_start_line(c);
		if (l > maxl)
			maxl = l;
	}
	cmark_iter_free(it);
	int end = cmark_node_get_end_line(blk);
	if (maxl > 0 && end > maxl)
		m->blk_shift = end - maxl;
	if (m->blk_shift > end - m->blk_line)
		m->blk_shift = end - m->blk_line;
}

/* The line on which inline `n` starts, as cmark counts it. For links and
 * images cmark reports the line where they end; their first text leaf was
 * made on the opening bracket's line, less the line breaks before it. */
static int inline_line(cmark_node *n)
{
	cmark_node_type t = cmark_node_get_type(n);
	if (t != CMARK_NODE_LINK && t != CMARK_NODE_IMAGE)
		return cmark_node_get_start_line(n);
	int breaks = 0, found = 0;
	cmark_iter *it = cmark_iter_new(n);
	cmark_event_type ev;
	while (!found && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *c = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER || c == n)
			continue;
		cmark_node_type ct = cmark_node_get_type(c);
		if (ct == CMARK_NODE_SOFTBREAK || ct == CMARK_NODE_LINEBREAK)
			breaks++;
		else if ((ct == CMARK_NODE_TEXT || ct == CMARK_NODE_CODE || ct == CMARK_NODE_HTML_INLINE) &&
			 cmark_node_get_start_line(c) > 0)
			found = cmark_node_get_start_line(c) - breaks;
	}
	cmark_iter_free(it);
	return found > 0 ? found : cmark_node_get_start_line(n);
}

/* How far pos_bytes looks for the character an inline starts with. */
#define MDLINKS_NEAR 512

/* 1 when byte `i` of line `s` can start an inline of type `t` (`want`: its first characters). */
static int is_start(const char *s, size_t n, size_t i, const char *want, cmark_node_type t)
{
	return s[i] && strchr(want, s[i]) && (t != CMARK_NODE_IMAGE || (i + 1 < n && s[i + 1] == '['));
}

/* Position of `n` as a line and a 1-based byte column. */
static void pos_bytes(const mdlinks_t *m, cmark_node *n, int *line_out, int *bcol_out)
{
	int line = inline_line(n) + m->blk_shift;
	int bc = cmark_node_get_start_column(n);
	/* on the block's first line cmark counts from the block's own column,
	 * which is right; on the next lines it still adds that offset to a
	 * column counted from where the line's text starts */
	if (line != m->blk_line)
		bc = bc - m->blk_offset + content_start(m, line, 0);
	size_t n_len;
	const char *s = line_at(m, line, &n_len);
	if (!s) {
		*line_out = line;
		*bcol_out = bc > 0 ? bc : 1;
		return;
	}
	if (bc < 1)
		bc = 1;
	if ((size_t)bc > n_len + 1)
		bc = (int)n_len + 1;
	/* check the result: a link starts with '[' (or '<' for an autolink),
	 * an image with '!', inline HTML with '<'; else take the nearest one */
	cmark_node_type t = cmark_node_get_type(n);
	const char *want = t == CMARK_NODE_IMAGE ? "!" : t == CMARK_NODE_LINK ? "[<" : "<";
	if ((size_t)bc <= n_len && strchr(want, s[bc - 1]))
		goto done;
	/* the nearest one within MDLINKS_NEAR bytes (cmark is off by an
	 * indentation at most): a line of autolinks, which start with neither,
	 * costs a bounded look around each, not a scan of the whole line */
	size_t at = (size_t)bc - 1;
	for (size_t d = 1; d <= MDLINKS_NEAR; d++) {
		if (d <= at && is_start(s, n_len, at - d, want, t)) {
			bc = (int)(at - d) + 1;
			break;
		}
		if (at + d < n_len && is_start(s, n_len, at + d, want, t)) {
			bc = (int)(at + d) + 1;
			break;
		}
		if (d > at && at + d >= n_len)
			break;
	}
done:
	*line_out = line;
	*bcol_out = bc;
}

/* 1-based character column of the 1-based byte column `bc` on `line`: counted
 * on from the last one asked when it is on the same line and not after `bc`. */
static int char_col(mdlinks_t *m, int line, int bc)
{
	size_t n;
	const char *s = line_at(m, line, &n);
	if (!s)
		return bc;
	size_t want = bc > 0 ? (size_t)bc - 1 : 0;
	if (want > n)
		want = n;
	size_t i = 0;
	int col = 1;
	if (m->cc_line == line && m->cc_byte <= want) {
		i = m->cc_byte;
		col = m->cc_col;
	}
	for (; i < want; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			col++;
	m->cc_line = line;
	m->cc_byte = want;
	m->cc_col = col;
	return col;
}

void mdlinks_pos(mdlinks_t *m, cmark_node *n, int *line, int *col)
{
	int bc;
	pos_bytes(m, n, line, &bc);
	*col = char_col(m, *line, bc);
}

/* ---- raw HTML ---- */

typedef struct {
	size_t tag;        /* offset of the tag's '<' in the literal */
	size_t vs, ve;     /* the value's bytes */
	char quote;        /* '"', '\'' or 0 */
	int is_src;
} attr_t;

static void put_utf8(buf_t *b, unsigned cp)
{
	char t[4];
	if (cp < 0x80) {
		buf_putc(b, (char)cp);
	} else if (cp < 0x800) {
		t[0] = (char)(0xC0 | (cp >> 6));
		t[1] = (char)(0x80 | (cp & 0x3F));
		buf_put(b, t, 2);
	} else if (cp < 0x10000) {
		t[0] = (char)(0xE0 | (cp >> 12));
		t[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		t[2] = (char)(0x80 | (cp & 0x3F));
		buf_put(b, t, 3);
	} else {
		t[0] = (char)(0xF0 | (cp >> 18));
		t[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		t[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		t[3] = (char)(0x80 | (cp & 0x3F));
		buf_put(b, t, 4);
	}
}

/* An attribute value as the browser sees it: character references decoded, spaces trimmed. */
static char *attr_value(const char *s, size_t n)
{
	static const struct {
		const char *name;
		char c;
	} named[] = {{"amp;", '&'}, {"lt;", '<'}, {"gt;", '>'}, {"quot;", '"'}, {"apos;", '\''}, {"num;", '#'},
		     {"quest;", '?'}, {"sol;", '/'}, {"percnt;", '%'}, {"equals;", '='}, {"colon;", ':'}};
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	buf_t b = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '&') {
			buf_putc(&b, s[i]);
			continue;
		}
		if (i + 2 < n && s[i + 1] == '#') {
			size_t j = i + 2;
			int hex = j < n && (s[j] == 'x' || s[j] == 'X');
			j += hex;
			unsigned long cp = 0;
			size_t digits = 0;
			while (j < n && (hex ? isxdigit((unsigned char)s[j]) : isdigit((unsigned char)s[j])) && digits < 8) {
				cp = cp * (hex ? 16 : 10) +
				     (unsigned long)(isdigit((unsigned char)s[j]) ? s[j] - '0' : (tolower((unsigned char)s[j]) - 'a' + 10));
				j++;
				digits++;
			}
			if (digits && cp > 0 && cp < 0x110000) {
				put_utf8(&b, (unsigned)cp);
				i = j < n && s[j] == ';' ? j : j - 1;
				continue;
			}
		}
		int done = 0;
		for (size_t k = 0; k < sizeof named / sizeof *named && !done; k++) {
			size_t l = strlen(named[k].name);
			if (i + 1 + l <= n && !strncmp(s + i + 1, named[k].name, l)) {
				buf_putc(&b, named[k].c);
				i += l;
				done = 1;
			}
		}
		if (!done)
			buf_putc(&b, '&');
	}
	return buf_detach(&b);
}

/* Skip past the first case-insensitive occurrence of `what` at or after `i`. */
static size_t skip_past(const char *s, size_t n, size_t i, const char *what)
{
	size_t l = strlen(what);
	for (; i + l <= n; i++)
		if (!strncasecmp(s + i, what, l))
			return i + l;
	return n;
}

/* The href and src attributes of the tags in `s`. */
static size_t find_attrs(const char *s, size_t n, attr_t **out)
{
	attr_t *a = NULL;
	size_t na = 0, cap = 0;
	size_t i = 0;
	while (i < n) {
		if (s[i] != '<') {
			i++;
			continue;
		}
		if (i + 3 < n && !strncmp(s + i, "<!--", 4)) {
			i = skip_past(s, n, i + 4, "-->");
			continue;
		}
		if (i + 1 < n && (s[i + 1] == '!' || s[i + 1] == '?' || s[i + 1] == '/')) {
			i = skip_past(s, n, i + 1, ">");
			continue;
		}
		if (i + 1 >= n || !isalpha((unsigned char)s[i + 1])) {
			i++;
			continue;
		}
		size_t tag = i, j = i + 1;
		while (j < n && (isalnum((unsigned char)s[j]) || s[j] == '-'))
			j++;
		size_t name_b = tag + 1, name_e = j;
		for (;;) {
			while (j < n && isspace((unsigned char)s[j]))
				j++;
			if (j >= n || s[j] == '>')
				break;
			size_t k = j;
			while (k < n && !isspace((unsigned char)s[k]) && s[k] != '=' && s[k] != '>' &&
			       !(s[k] == '/' && k + 1 < n && s[k + 1] == '>'))
				k++;
			if (k == j) {
				j++;
				continue;
			}
			size_t an_b = j, an_e = k;
			j = k;
			while (j < n && isspace((unsigned char)s[j]))
				j++;
			if (j >= n || s[j] != '=')
				continue;
			j++;
			while (j < n && isspace((unsigned char)s[j]))
				j++;
			size_t vs, ve;
			char q = 0;
			if (j < n && (s[j] == '"' || s[j] == '\'')) {
				q = s[j];
				vs = j + 1;
				ve = vs;
				while (ve < n && s[ve] != q)
					ve++;
				j = ve < n ? ve + 1 : n;
			} else {
				vs = j;
				while (j < n && !isspace((unsigned char)s[j]) && s[j] != '>')
					j++;
				ve = j;
			}
			size_t al = an_e - an_b;
			int is_href = al == 4 && !strncasecmp(s + an_b, "href", 4);
			int is_src = al == 3 && !strncasecmp(s + an_b, "src", 3);
			if (is_href || is_src) {
				if (na == cap) {
					cap = cap ? 2 * cap : 16;
					a = xrealloc(a, cap * sizeof *a);
				}
				a[na++] = (attr_t){tag, vs, ve, q, is_src};
			}
		}
		i = j < n ? j + 1 : n;
		size_t nl = name_e - name_b;
		if ((nl == 6 && !strncasecmp(s + name_b, "script", 6)) || (nl == 5 && !strncasecmp(s + name_b, "style", 5)))
			i = skip_past(s, n, i, nl == 6 ? "</script" : "</style");
	}
	*out = a;
	return na;
}

/* Where html_pos got to in one literal: its attributes come in order, so the
 * lines are counted once for all of them. */
typedef struct {
	size_t off;        /* bytes of the literal counted so far */
	size_t nl, last;   /* newlines before `off`, and where the line holding `off` starts */
	size_t line_last;  /* the line whose prefix is `prefix` (SIZE_MAX: none yet) */
	int prefix;
	int have0, l0, b0; /* an inline node's own position */
} hpos_t;

/* Position (line, byte column) of byte `off` of the literal of `n`; `off`
 * does not decrease from one call to the next with the same `c`. */
static void html_pos(const mdlinks_t *m, cmark_node *n, const char *lit, size_t off, hpos_t *c, int *line, int *bc)
{
	if (off < c->off)
		*c = (hpos_t){.line_last = SIZE_MAX};
	for (; c->off < off; c->off++)
		if (lit[c->off] == '\n') {
			c->nl++;
			c->last = c->off + 1;
		}
	size_t nl = c->nl, last = c->last;
	if (cmark_node_get_type(n) == CMARK_NODE_HTML_BLOCK) {
		/* a block's lines are the source lines without the container prefix */
		*line = cmark_node_get_start_line(n) + (int)nl;
		if (c->line_last != last) {
			size_t ll = 0, sl;
			while (lit[last + ll] && lit[last + ll] != '\n')
				ll++;
			while (ll && lit[last + ll - 1] == '\r')
				ll--;
			const char *s = line_at(m, *line, &sl);
			if (s && sl >= ll && !memcmp(s + sl - ll, lit + last, ll))
				c->prefix = (int)(sl - ll);
			else
				c->prefix = nl ? content_start(m, *line, 1) : cmark_node_get_start_column(n) - 1;
			c->line_last = last;
		}
		*bc = c->prefix + (int)(off - last) + 1;
		return;
	}
	if (!c->have0) {
		pos_bytes(m, n, &c->l0, &c->b0);
		c->have0 = 1;
	}
	if (!nl) {
		*line = c->l0;
		*bc = c->b0 + (int)off;
	} else {
		*line = c->l0 + (int)nl;
		if (c->line_last != last) {
			c->prefix = content_start(m, *line, 0);
			c->line_last = last;
		}
		*bc = c->prefix + (int)(off - last) + 1;
	}
}

void mdlinks_html(mdlinks_t *m, cmark_node *n, md_link_fn fn, void *ud, int line_offset)
{
	const char *lit = cmark_node_get_literal(n);
	if (!lit || !fn)
		return;
	size_t len = strlen(lit);
	attr_t *a = NULL;
	size_t na = find_attrs(lit, len, &a);
	if (!na)
		return;
	if (cmark_node_get_type(n) == CMARK_NODE_HTML_BLOCK)
		set_containers(m, n);
	buf_t out = BUF_INIT;
	size_t copied = 0;
	int changed = 0;
	hpos_t cur = {.line_last = SIZE_MAX};
	for (size_t i = 0; i < na; i++) {
		char *url = attr_value(lit + a[i].vs, a[i].ve - a[i].vs);
		int line, bc;
		html_pos(m, n, lit, a[i].tag, &cur, &line, &bc);
		char *nu = fn(ud, url, a[i].is_src, line + line_offset, char_col(m, line, bc));
		free(url);
		if (!nu)
			continue;
		/* replace the value, quoting it when it was not quoted */
		buf_put(&out, lit + copied, a[i].vs - copied);
		if (!a[i].quote)
			buf_putc(&out, '"');
		buf_put_html(&out, nu, strlen(nu));
		if (!a[i].quote)
			buf_putc(&out, '"');
		copied = a[i].ve;
		changed = 1;
		free(nu);
	}
	if (changed) {
		buf_put(&out, lit + copied, len - copied);
		cmark_node_set_literal(n, buf_cstr(&out));
	}
	buf_free(&out);
	free(a);
}

void mdlinks_html_pos(mdlinks_t *m, cmark_node *n, size_t off, int *line, int *col)
{
	const char *lit = cmark_node_get_literal(n);
	if (!lit) {
		*line = cmark_node_get_start_line(n);
		*col = 1;
		return;
	}
	if (cmark_node_get_type(n) == CMARK_NODE_HTML_BLOCK)
		set_containers(m, n);
	int bc;
	hpos_t cur = {.line_last = SIZE_MAX};
	html_pos(m, n, lit, off, &cur, line, &bc);
	*col = char_col(m, *line, bc);
}
