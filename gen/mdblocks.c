/* mdblocks.c - admonitions, tabs, Docusaurus blocks and callout shortcodes for cmark-gfm. See mdblocks.h. */
#include "mdblocks.h"
#include "mdalloc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "shortcodes.h"

/* how many ancestors a new block looks through (for MDBLOCKS_MAX_DEPTH) */
#define ANCESTOR_SCAN 64

static cmark_node_type t_block, t_title;

const mdblock_t *mdblocks_get(cmark_node *n)
{
	return n && t_block && cmark_node_get_type(n) == t_block ? cmark_node_get_user_data(n) : NULL;
}

int mdblocks_is_title(cmark_node *n)
{
	return n && t_title && cmark_node_get_type(n) == t_title;
}

int mdblocks_content_indent(cmark_node *n)
{
	const mdblock_t *d = mdblocks_get(n);
	if (!d || d->kind == MDB_BREAK)
		return d ? 0 : -1;
	return d->fence || d->close_name ? 0 : d->indent + 4;
}

/* A block's data lives in its document's memory (the page's arena, see
 * mdalloc.h), so a page given up half way leaks nothing. */
static void free_block(cmark_mem *mem, void *p)
{
	mdblock_t *d = p;
	if (!d)
		return;
	mem->free(d->type);
	mem->free(d->title);
	mem->free(d->close_name);
	mem->free(d);
}

/* `s` (malloc'd, may be NULL) as a copy in `mem`; `s` is freed. */
static char *mem_take(cmark_mem *mem, char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	char *r = mem->calloc(n, 1);
	memcpy(r, s, n);
	free(s);
	return r;
}

static char *mem_strndup(cmark_mem *mem, const char *s, size_t n)
{
	char *r = mem->calloc(n + 1, 1);
	memcpy(r, s, n);
	return r;
}

static char *lower_dup(const char *s, size_t n)
{
	char *r = xstrndup(s, n);
	for (char *p = r; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return r;
}

static int word_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '-' || c >= 0x80;
}

/* The line's end (before "\n", "\r\n" or "\r") from byte `i`. */
static int line_end(const unsigned char *s, int len)
{
	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r'))
		len--;
	return len;
}

/* ---- the header lines ---- */

typedef struct {
	mdblock_t d;
	int title_off;   /* byte offset of the title text in the line, or -1 */
	int title_len;
} header_t;

/* "!!! type [more classes] [\"Title\"]", "??? ...", "???+ ...". */
static int parse_admonition(const unsigned char *s, int p, int e, header_t *h)
{
	if (p + 3 > e)
		return 0;
	int collapsible;
	if (!memcmp(s + p, "!!!", 3))
		collapsible = 0;
	else if (!memcmp(s + p, "???", 3))
		collapsible = 1;
	else
		return 0;
	int i = p + 3, open = 0;
	if (collapsible && i < e && s[i] == '+') {
		open = 1;
		i++;
	}
	if (i < e && s[i] == ' ')
		i++;
	int tb = i;
	while (i < e && word_char(s[i]))
		i++;
	if (i == tb)
		return 0;
	int te = i;
	/* more classes: " word word" */
	for (;;) {
		int j = i;
		while (j < e && s[j] == ' ')
			j++;
		if (j == i || j >= e || !word_char(s[j]))
			break;
		while (j < e && word_char(s[j]))
			j++;
		i = j;
	}
	int title_off = -1, title_len = 0;
	int j = i;
	while (j < e && s[j] == ' ')
		j++;
	if (j > i && j < e && s[j] == '"') {
		int q = j + 1, k = e;
		while (k > q && s[k - 1] == ' ')
			k--;
		if (k <= q || s[k - 1] != '"')
			return 0;
		title_off = q;
		title_len = k - 1 - q;
		j = e;
	}
	while (j < e && s[j] == ' ')
		j++;
	if (j != e)
		return 0;
	memset(h, 0, sizeof *h);
	h->d.kind = MDB_CALLOUT;
	h->d.syntax = MDB_MKDOCS;
	h->d.type = lower_dup((const char *)s + tb, (size_t)(te - tb));
	h->d.collapsible = collapsible;
	h->d.open = open;
	h->title_off = title_off;
	h->title_len = title_len;
	return 1;
}

/* "=== \"Label\"", "===+", "===!", "===!+", "===+!". */
static int parse_tab(const unsigned char *s, int p, int e, header_t *h)
{
	if (p + 3 > e || memcmp(s + p, "===", 3))
		return 0;
	int i = p + 3, sel = 0, brk = 0;
	for (int k = 0; k < 2 && i < e; k++) {
		if (s[i] == '+' && !sel)
			sel = 1, i++;
		else if (s[i] == '!' && !brk)
			brk = 1, i++;
	}
	if (i >= e || s[i] != ' ')
		return 0;
	while (i < e && s[i] == ' ')
		i++;
	int k = e;
	while (k > i && s[k - 1] == ' ')
		k--;
	if (k - i < 2 || s[i] != '"' || s[k - 1] != '"')
		return 0;
	memset(h, 0, sizeof *h);
	h->d.kind = MDB_TAB;
	h->d.syntax = MDB_MKDOCS;
	h->d.type = xstrdup("");
	h->d.selected = sel;
	h->d.new_set = brk;
	h->title_off = i + 1;
	h->title_len = k - 1 - (i + 1);
	return 1;
}

/* ":::type", ":::type[Title]", ":::type Title", "::: type" (3 or more colons). */
static int parse_fence(const unsigned char *s, int p, int e, header_t *h)
{
	int i = p;
	while (i < e && s[i] == ':')
		i++;
	int colons = i - p;
	if (colons < 3)
		return 0;
	while (i < e && s[i] == ' ')
		i++;
	int tb = i;
	while (i < e && word_char(s[i]))
		i++;
	if (i == tb)
		return 0;
	int te = i, title_off = -1, title_len = 0;
	if (i < e && s[i] == '[') {
		int depth = 0, k = i;
		for (; k < e; k++) {
			if (s[k] == '\\' && k + 1 < e)
				k++;
			else if (s[k] == '[')
				depth++;
			else if (s[k] == ']' && --depth == 0)
				break;
		}
		if (k >= e)
			return 0;
		title_off = i + 1;
		title_len = k - (i + 1);
		i = k + 1;
	}
	if (i < e && s[i] == '{') { /* {#id .class}: attributes, ignored */
		while (i < e && s[i] != '}')
			i++;
		i = i < e ? i + 1 : e;
	}
	while (i < e && s[i] == ' ')
		i++;
	if (i < e && title_off < 0) {
		int k = e;
		while (k > i && s[k - 1] == ' ')
			k--;
		title_off = i;
		title_len = k - i;
	} else if (i < e) {
		return 0;
	}
	memset(h, 0, sizeof *h);
	h->d.kind = MDB_CALLOUT;
	h->d.syntax = MDB_DOCUSAURUS;
	h->d.type = lower_dup((const char *)s + tb, (size_t)(te - tb));
	h->d.fence = colons;
	h->title_off = title_off;
	h->title_len = title_len;
	return 1;
}

static int truthy(const char *v)
{
	return v && (!strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "yes"));
}

/* The callout shortcodes of Hugo documentation themes (see mdblocks.h):
 * type, title and collapsibility from the tag's arguments. */
static int parse_shortcode(const unsigned char *s, int p, int e, header_t *h)
{
	shortcode_t sc;
	if (s[p] != '{' || !shortcode_line((const char *)s + p, (size_t)(e - p), &sc) || sc.closing ||
	    sc.self_closing || sc.escaped)
		return 0;
	char *type = NULL, *title = NULL;
	int collapsible = 0, open = 0;
	if (shortcode_is(&sc, "alert") || shortcode_is(&sc, "pageinfo")) { /* Docsy */
		type = shortcode_arg(&sc, "color", -1);
		title = shortcode_arg(&sc, "title", -1);
		if (!type)
			type = xstrdup(shortcode_is(&sc, "alert") ? "primary" : "info");
	} else if (shortcode_is(&sc, "hint")) { /* hugo-book (positional), geekdoc (type=) */
		type = shortcode_arg(&sc, "type", 0);
		title = shortcode_arg(&sc, "title", -1);
	} else if (shortcode_is(&sc, "notice")) { /* relearn, hugo-theme-learn */
		type = shortcode_arg(&sc, "style", 0);
		title = shortcode_arg(&sc, "title", 1);
		char *ex = shortcode_arg(&sc, "expanded", -1);
		if (ex) {
			collapsible = 1;
			open = truthy(ex);
		}
		free(ex);
	} else if (shortcode_is(&sc, "expand")) { /* relearn */
		title = shortcode_arg(&sc, "title", 0);
		char *ex = shortcode_arg(&sc, "expanded", 1);
		collapsible = 1;
		open = truthy(ex);
		free(ex);
	} else if (shortcode_is(&sc, "callout")) { /* Hextra */
		type = shortcode_arg(&sc, "type", -1);
		title = shortcode_arg(&sc, "title", -1);
	} else if (shortcode_is(&sc, "details")) { /* Hugo, Hextra */
		title = shortcode_arg(&sc, "summary", -1);
		if (!title)
			title = shortcode_arg(&sc, "title", 0);
		char *o = shortcode_arg(&sc, "open", -1), *c = shortcode_arg(&sc, "closed", -1);
		collapsible = 1;
		open = truthy(o) || (c && !truthy(c));
		free(o);
		free(c);
	} else if (shortcode_is(&sc, "admonition")) { /* LoveIt, DoIt, FixIt */
		type = shortcode_arg(&sc, "type", 0);
		title = shortcode_arg(&sc, "title", 1);
		char *o = shortcode_arg(&sc, "open", 2);
		collapsible = 1;
		open = !o || truthy(o);
		free(o);
	} else {
		return 0;
	}
	memset(h, 0, sizeof *h);
	h->d.kind = MDB_CALLOUT;
	h->d.syntax = MDB_HUGO;
	h->d.type = type ? lower_dup(type, strlen(type)) : xstrdup(shortcode_is(&sc, "details") ? "details" : "note");
	free(type);
	h->d.title = title;
	h->d.collapsible = collapsible;
	h->d.open = open;
	h->d.close_name = xstrndup(sc.name, sc.name_len);
	h->title_off = -1;
	return 1;
}

/* ---- the extension's callbacks ---- */

/* The deepest last descendant of `n`. */
static cmark_node *last_leaf(cmark_node *n)
{
	for (int i = 0; i < 10000 && cmark_node_last_child(n); i++)
		n = cmark_node_last_child(n);
	return n;
}

/* Too deep: more than MDBLOCKS_MAX_DEPTH blocks of ours, or more than
 * ANCESTOR_SCAN containers of any kind, above `parent`. */
static int too_deep(cmark_node *parent)
{
	int ours = 0, k = 0;
	for (cmark_node *c = parent; c; c = cmark_node_parent(c)) {
		if (++k > ANCESTOR_SCAN)
			return 1;
		if (mdblocks_get(c) && ++ours >= MDBLOCKS_MAX_DEPTH)
			return 1;
	}
	return 0;
}

static cmark_node *open_block_held(cmark_syntax_extension *ext, int indented, cmark_parser *parser,
				   cmark_node *parent, unsigned char *input, int len);

/* The header parsers allocate with malloc: the page's allocator must not
 * give up (jump out) before the block's data is in the document's memory. */
static cmark_node *open_block(cmark_syntax_extension *ext, int indented, cmark_parser *parser,
			      cmark_node *parent, unsigned char *input, int len)
{
	mda_hold();
	cmark_node *n = open_block_held(ext, indented, parser, parent, input, len);
	mda_unhold();
	return n;
}

static cmark_node *open_block_held(cmark_syntax_extension *ext, int indented, cmark_parser *parser,
				   cmark_node *parent, unsigned char *input, int len)
{
	if (indented || cmark_parser_is_blank(parser))
		return NULL;
	int p = cmark_parser_get_first_nonspace(parser);
	int e = line_end(input, len);
	int line = cmark_parser_get_line_number(parser);
	/* a line that would continue the last paragraph of an indented block
	 * that just ended starts a paragraph of its own instead (Python-Markdown) */
	cmark_node *last = cmark_node_last_child(parent);
	mdblock_t *ld = last ? (mdblock_t *)mdblocks_get(last) : NULL;
	int lazy = ld && !ld->fence && !ld->close_name && ld->kind != MDB_BREAK && ld->unmatched_line == line &&
		   !ld->last_blank && cmark_node_get_type(last_leaf(last)) == CMARK_NODE_PARAGRAPH;
	header_t h;
	int found = 0;
	if (p < e) {
		switch (input[p]) {
		case '!':
		case '?':
			found = parse_admonition(input, p, e, &h);
			break;
		case '=':
			found = parse_tab(input, p, e, &h);
			break;
		case ':':
			found = parse_fence(input, p, e, &h);
			break;
		case '{':
			found = parse_shortcode(input, p, e, &h);
			break;
		default:
			break;
		}
	}
	if (found && too_deep(parent)) {
		free(h.d.type);
		free(h.d.title);
		free(h.d.close_name);
		found = 0;
	}
	if (!found) {
		if (!lazy)
			return NULL;
		memset(&h, 0, sizeof h);
		h.d.kind = MDB_BREAK;
		h.title_off = -1;
	}
	cmark_mem *mem = mda_current_mem(); /* the parser's (not public in cmark-gfm 0.29) */
	mdblock_t *d = mem->calloc(1, sizeof *d);
	*d = h.d;
	d->type = mem_take(mem, h.d.type);
	d->title = mem_take(mem, h.d.title);
	d->close_name = mem_take(mem, h.d.close_name);
	d->line = line;
	d->col = p + 1;
	d->indent = cmark_parser_get_indent(parser);
	cmark_node *n = cmark_parser_add_child(parser, parent, t_block, p + 1);
	cmark_node_set_syntax_extension(n, ext);
	cmark_node_set_user_data(n, d);
	cmark_node_set_user_data_free_func(n, free_block);
	if (d->kind == MDB_BREAK)
		return n; /* the line itself becomes the paragraph inside */
	if (h.title_off >= 0 && !d->title)
		d->title = mem_strndup(mem, (const char *)input + h.title_off, (size_t)h.title_len);
	/* the rest of the line is the header */
	cmark_parser_advance_offset(parser, (const char *)input, e - cmark_parser_get_offset(parser), 0);
	if (!d->title || !d->title[0])
		return n;
	/* the title as a block of its own whose inlines cmark parses; for a
	 * title given in the line its inlines get the line's positions */
	cmark_node *t = cmark_parser_add_child(parser, n, t_title, h.title_off >= 0 ? h.title_off + 1 : p + 1);
	cmark_node_set_syntax_extension(t, ext);
	cmark_node_set_string_content(t, d->title);
	return t; /* closed by the next line (match_block) */
}

static int match_block(cmark_syntax_extension *ext, cmark_parser *parser, unsigned char *input, int len,
		       cmark_node *container)
{
	(void)ext;
	mdblock_t *d = mdblocks_get(container) ? cmark_node_get_user_data(container) : NULL;
	if (!d || d->kind == MDB_BREAK)
		return 0; /* titles end with their line; a break holds one paragraph */
	int blank = cmark_parser_is_blank(parser);
	if (d->fence || d->close_name) {
		if (d->closed)
			return 0;
		int p = cmark_parser_get_first_nonspace(parser), e = line_end(input, len);
		int closes = 0;
		if (!blank && cmark_parser_get_indent(parser) < 4) {
			if (d->fence) {
				int i = p;
				while (i < e && input[i] == ':')
					i++;
				int k = i;
				while (k < e && (input[k] == ' ' || input[k] == '\t'))
					k++;
				closes = i - p >= d->fence && k == e;
			} else {
				shortcode_t sc;
				closes = input[p] == '{' && shortcode_line((const char *)input + p, (size_t)(e - p), &sc) &&
					 sc.closing && shortcode_is(&sc, d->close_name);
			}
		}
		if (closes) {
			d->closed = 1;
			cmark_parser_advance_offset(parser, (const char *)input, e - cmark_parser_get_offset(parser), 0);
		}
		return 1;
	}
	if (blank) {
		d->last_blank = 1;
		return 1;
	}
	int need = d->indent + 4;
	if (cmark_parser_get_indent(parser) >= need) {
		cmark_parser_advance_offset(parser, (const char *)input, need, 1);
		d->last_blank = 0;
		return 1;
	}
	d->unmatched_line = cmark_parser_get_line_number(parser);
	return 0;
}

static int can_contain(cmark_syntax_extension *ext, cmark_node *node, cmark_node_type child)
{
	(void)ext;
	if (cmark_node_get_type(node) == t_title)
		return (child & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_INLINE;
	return child == t_title || ((child & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_BLOCK && child != CMARK_NODE_ITEM);
}

static int contains_inlines(cmark_syntax_extension *ext, cmark_node *node)
{
	(void)ext;
	return cmark_node_get_type(node) == t_title;
}

static const char *type_string(cmark_syntax_extension *ext, cmark_node *node)
{
	(void)ext;
	return cmark_node_get_type(node) == t_title ? "mdblock_title" : "mdblock";
}

cmark_syntax_extension *mdblocks_extension(void)
{
	static cmark_syntax_extension *ext;
	if (ext)
		return ext;
	ext = cmark_syntax_extension_new("almanac-blocks");
	if (!ext)
		return NULL;
	t_block = cmark_syntax_extension_add_node(0);
	t_title = cmark_syntax_extension_add_node(0);
	cmark_syntax_extension_set_open_block_func(ext, open_block);
	cmark_syntax_extension_set_match_block_func(ext, match_block);
	cmark_syntax_extension_set_can_contain_func(ext, can_contain);
	cmark_syntax_extension_set_contains_inlines_func(ext, contains_inlines);
	cmark_syntax_extension_set_get_type_string_func(ext, type_string);
	return ext;
}
