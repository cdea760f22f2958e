/* markdown.c - Markdown rendering with cmark-gfm. See markdown.h. */
#include "markdown.h"

#include "cmarkspecial.h"
#include "dialects.h"
#include "htmlsan.h"
#include "map.h"
#include "mdalloc.h"
#include "mdblocks.h"
#include "mdids.h"
#include "mdlinks.h"
#include "mdscan.h"
#include "unsupported.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t on the stack */
#include <xxhash.h>

/* Bytes given to cmark's parser at a time (Ctrl-C is checked between them). */
#define MD_FEED_SLICE (64 * 1024)

static const char *const md_extensions[] = {"table", "strikethrough", "autolink", "tagfilter", "tasklist"};
static cmark_syntax_extension *md_blocks;

void md_init(void)
{
	cmark_gfm_core_extensions_ensure_registered();
	if (md_blocks)
		return;
	md_blocks = mdblocks_extension();
	/* every extension's special characters in cmark-gfm's table once, for every thread (cmarkspecial.h) */
	cmark_parser *p = cmark_parser_new(CMARK_OPT_DEFAULT);
	cmark_parser_attach_syntax_extension(p, md_blocks);
	for (size_t i = 0; i < sizeof md_extensions / sizeof *md_extensions; i++) {
		cmark_syntax_extension *e = cmark_find_syntax_extension(md_extensions[i]);
		if (e)
			cmark_parser_attach_syntax_extension(p, e);
	}
	cmarkspecial_init(p);
	cmark_parser_free(p);
}

/* ---- slugs ---- */

/* Decode one UTF-8 code point; returns its length (1 on invalid input). */
static size_t utf8_decode(const unsigned char *s, size_t n, unsigned *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	size_t len = (s[0] & 0xE0) == 0xC0 ? 2 : (s[0] & 0xF0) == 0xE0 ? 3 : (s[0] & 0xF8) == 0xF0 ? 4 : 0;
	if (!len || len > n) {
		*cp = 0xFFFD;
		return 1;
	}
	unsigned v = s[0] & (0x7F >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*cp = 0xFFFD;
			return 1;
		}
		v = (v << 6) | (s[i] & 0x3F);
	}
	*cp = v;
	return len;
}

/* Non-ASCII punctuation and symbols GitHub's \p{Word} class removes (common ones). */
static int is_unicode_punct(unsigned cp)
{
	return (cp >= 0x2000 && cp <= 0x206F) ||  /* general punctuation: dashes, quotes, bullets */
	       (cp >= 0x2190 && cp <= 0x23FF) ||  /* arrows, math operators, technical */
	       (cp >= 0x2500 && cp <= 0x27BF) ||  /* box drawing, shapes, dingbats */
	       (cp >= 0x3000 && cp <= 0x303F) ||  /* CJK punctuation */
	       (cp >= 0x00A0 && cp <= 0x00BF) || cp == 0x00D7 || cp == 0x00F7 ||
	       (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF0F) ||
	       (cp >= 0x1F000 && cp <= 0x1FAFF) || cp == 0xFFFD;
}

char *md_slug(const char *text)
{
	buf_t b = BUF_INIT;
	const unsigned char *s = (const unsigned char *)text;
	size_t n = strlen(text);
	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t l = utf8_decode(s + i, n - i, &cp);
		if (cp < 0x80) {
			unsigned char c = (unsigned char)cp;
			if (isalnum(c) || c == '-' || c == '_')
				buf_putc(&b, (char)tolower(c));
			else if (c == ' ')
				buf_putc(&b, '-');
		} else if (!is_unicode_punct(cp)) {
			/* lower-case the common Latin-1 and Greek/Cyrillic capitals */
			if ((cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) || (cp >= 0x391 && cp <= 0x3AB) ||
			    (cp >= 0x410 && cp <= 0x42F)) {
				unsigned lo = cp + 0x20;
				char tmp[4];
				size_t tl = 2;
				tmp[0] = (char)(0xC0 | (lo >> 6));
				tmp[1] = (char)(0x80 | (lo & 0x3F));
				buf_put(&b, tmp, tl);
			} else {
				buf_put(&b, s + i, l);
			}
		}
		i += l;
	}
	return buf_detach(&b);
}

/* ---- plain text ---- */

static void node_text(cmark_node *node, buf_t *out)
{
	cmark_iter *it = cmark_iter_new(node);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER)
			continue;
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
		case CMARK_NODE_CODE_BLOCK: {
			const char *lit = cmark_node_get_literal(n);
			if (lit)
				buf_puts(out, lit);
			break;
		}
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			buf_putc(out, ' ');
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
}

/* `s` (malloc'ed, may be NULL) reallocated to its length: buffers grow by
 * doubling, and a site keeps every page's HTML and texts until it is written. */
static char *fit(char *s)
{
	return s ? xrealloc(s, strlen(s) + 1) : NULL;
}

static void collect_footnote_ids(md_doc_t *doc, const char *html)
{
	for (const char *h = html; h && (h = strstr(h, " id=\"fn")) != NULL;) {
		h += 5;
		if (strncmp(h, "fn-", 3) && strncmp(h, "fnref-", 6))
			continue;
		const char *e = strchr(h, '"');
		if (!e)
			break;
		doc->html_ids = xrealloc(doc->html_ids, (doc->nhtml_ids + 1) * sizeof *doc->html_ids);
		doc->html_ids[doc->nhtml_ids++] = xstrndup(h, (size_t)(e - h));
		h = e;
	}
}

static void add_section(md_doc_t *doc, const char *anchor, const char *heading)
{
	doc->sections = xrealloc(doc->sections, (doc->nsections + 1) * sizeof *doc->sections);
	md_section_t *s = &doc->sections[doc->nsections++];
	s->anchor = xstrdup(anchor);
	s->heading = xstrdup(heading);
	s->text = NULL;
}

static size_t count_words(const char *s)
{
	size_t n = 0;
	int in = 0;
	for (; *s; s++) {
		int w = !isspace((unsigned char)*s);
		if (w && !in)
			n++;
		in = w;
	}
	return n;
}

/* ---- warnings ---- */

typedef struct {
	const md_opts_t *o;
	md_doc_t *doc;
	mdlinks_t *src;
	cmark_node *node;   /* the raw HTML node being checked */
	map_t seen;         /* warning kinds already reported on this page */
	const int *attr_lines; /* MDIDS_TOC with attr_list: lines of the headings whose attribute list was
				  applied, ascending (borrowed) */
	size_t nattr_lines;
} warn_t;

/* 1 when `line` is in the ascending array `v` of `n`. */
static int has_line(const int *v, size_t n, int line)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] < line)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo] == line;
}

/* One warning per kind per page, at the kind's first place. */
static void warn_once(warn_t *w, const char *kind, int line, int col, const char *code, const char *msg)
{
	if (!w->o->diags || map_get(&w->seen, kind, NULL))
		return;
	map_put(&w->seen, kind, MAP_INT(1));
	diag_add(w->o->diags, DIAG_WARNING, w->o->path ? w->o->path : "", line + w->o->line_offset, col, code, "%s", msg);
}

static void on_unsupported(void *ud, int line, int bcol, const char *code, const char *kind, const char *msg)
{
	warn_t *w = ud;
	if (!w->o->diags || map_get(&w->seen, kind, NULL))
		return; /* reported already: no need for its column */
	if (!strcmp(kind, "mkdocs:attr_list") && has_line(w->attr_lines, w->nattr_lines, line))
		return; /* a heading's list, applied as MkDocs' attr_list does */
	/* a byte column to characters */
	size_t n;
	int col = 1;
	if (line >= 1 && (size_t)line <= w->src->nlines) {
		size_t b = w->src->starts[line - 1];
		n = (size_t)bcol - 1;
		for (size_t i = 0; i < n && b + i < w->src->len; i++)
			if (((unsigned char)w->src->text[b + i] & 0xC0) != 0x80)
				col++;
	}
	warn_once(w, kind, line, col, code, msg);
}

static void on_html(void *ud, size_t off, const char *tag, const char *attr)
{
	warn_t *w = ud;
	/* a javascript: href or src is dropped by the link rules, like a Markdown link's */
	if (attr && (!strcmp(attr, "href") || !strcmp(attr, "src")))
		return;
	int line, col;
	mdlinks_html_pos(w->src, w->node, off, &line, &col);
	char kind[96], msg[240];
	if (attr) {
		snprintf(kind, sizeof kind, "attr:%.40s", attr);
		snprintf(msg, sizeof msg, "attribute '%.40s' of <%.40s> is removed (%s)", attr, tag,
			 !strncmp(attr, "on", 2) ? "event handlers are never published"
						 : "not in the allowed HTML; see the manual's Markdown page");
	} else {
		snprintf(kind, sizeof kind, "tag:%.40s", tag);
		if (w->o->raw_html)
			snprintf(msg, sizeof msg,
				 "<%.40s> is omitted: scripts, styles, frames, objects, forms and inline SVG are never published",
				 tag);
		else
			snprintf(msg, sizeof msg,
				 "<%.40s> is omitted: raw HTML is limited to a safe set of tags unless raw_html is on (see the "
				 "manual's Markdown page)",
				 tag);
	}
	warn_once(w, kind, line, col, "raw-html", msg);
}

/* Lines of code and HTML blocks, as [first, last] pairs in document order. */
typedef struct {
	int *v;
	size_t n, cap;
} ranges_t;

static void range_add(ranges_t *r, int a, int b)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->v = xrealloc(r->v, r->cap * 2 * sizeof *r->v);
	}
	r->v[2 * r->n] = a;
	r->v[2 * r->n + 1] = b;
	r->n++;
}

/* A fenced block (":::", a callout shortcode) that was never closed. */
static void warn_unclosed(warn_t *w, const mdblock_t *m)
{
	if (!(m->fence || m->close_name) || m->closed)
		return;
	char msg[256];
	if (m->fence)
		snprintf(msg, sizeof msg, "':::%.40s' block is never closed (a line ':::' ends it); it runs to the end of its container", m->type);
	else
		snprintf(msg, sizeof msg, "shortcode '%.40s' is never closed ('{{%% /%.40s %%}}' ends it); it runs to the end of its container",
			 m->close_name, m->close_name);
	on_unsupported(w, m->line, m->col, "dialect", "unclosed", msg);
}

/* Sanitize the rendered `html` (freed) of a page with raw HTML. */
static char *sanitize(char *html, const md_opts_t *o)
{
	char *clean = htmlsan_clean(html, strlen(html), o->raw_html ? HTMLSAN_RAW : HTMLSAN_SAFE);
	free(html);
	return clean;
}

/* ---- limits (mdalloc.h, mdscan.h) ---- */

/* What one md_render call holds, reached through a pointer from the
 * functions that call setjmp (see mdalloc.h). */
typedef struct {
	mda_t mem;          /* everything cmark makes for this page */
	int opts;
	cmark_parser *p;
	cmark_node *doc;
	char *html;         /* cmark's rendering, in `mem` */
	int no_autolink;    /* parse without the autolink extension (mdscan.h) */
} md_run_t;

/* Parse `len` bytes into r->doc. Returns 0, or why the allocator gave up.
 * The text goes to the parser in slices, so Ctrl-C is seen between them even
 * when the block parser allocates nothing for a while. */
static int guarded_parse(md_run_t *r, const char *text, size_t len)
{
	if (setjmp(r->mem.jmp))
		return r->mem.failed;
	mda_arm(&r->mem);
	/* source positions for the parse (links are reported at their exact place), not in the HTML */
	r->p = cmark_parser_new_with_mem(r->opts | CMARK_OPT_SOURCEPOS, mda_mem());
	/* first: the table extension claims every line that follows a paragraph line */
	if (md_blocks)
		cmark_parser_attach_syntax_extension(r->p, md_blocks);
	for (size_t i = 0; i < sizeof md_extensions / sizeof *md_extensions; i++) {
		if (r->no_autolink && !strcmp(md_extensions[i], "autolink"))
			continue;
		cmark_syntax_extension *e = cmark_find_syntax_extension(md_extensions[i]);
		if (e)
			cmark_parser_attach_syntax_extension(r->p, e);
	}
	for (size_t off = 0; off < len; off += MD_FEED_SLICE) {
		mda_failed(&r->mem); /* jumps on Ctrl-C */
		cmark_parser_feed(r->p, text + off, len - off < MD_FEED_SLICE ? len - off : MD_FEED_SLICE);
	}
	r->doc = cmark_parser_finish(r->p);
	mda_disarm(&r->mem);
	return 0;
}

/* Render r->doc as HTML with `opts` and `exts` into r->html. Returns 0, or
 * why the allocator gave up. */
static int guarded_render(md_run_t *r, int opts, cmark_llist *exts)
{
	if (setjmp(r->mem.jmp))
		return r->mem.failed;
	mda_arm(&r->mem);
	r->html = cmark_render_html_with_mem(r->doc, opts, exts, mda_mem());
	mda_disarm(&r->mem);
	return 0;
}

/* A too-large warning at line:col of the body. */
static void too_large(const md_opts_t *o, int line, int col, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void too_large(const md_opts_t *o, int line, int col, const char *fmt, ...)
{
	if (!o->diags)
		return;
	va_list ap;
	va_start(ap, fmt);
	buf_t m = BUF_INIT;
	buf_vprintf(&m, fmt, ap);
	va_end(ap);
	diag_add(o->diags, DIAG_WARNING, o->path ? o->path : "", line + o->line_offset, col, "too-large", "%s",
		 buf_cstr(&m));
	buf_free(&m);
}

/* The page as text, for a page Markdown cannot render within its limits:
 * its source in a <pre>, after a note; one section with the whole text. */
static void render_as_text(md_doc_t *out, const char *text, size_t len)
{
	buf_t b = BUF_INIT;
	buf_puts(&b, "<p class=\"too-large\">This page is too large to format; its Markdown text follows.</p>\n"
		     "<pre class=\"too-large\"><code>");
	buf_put_html(&b, text, len);
	buf_puts(&b, "</code></pre>\n");
	out->html = buf_detach(&b);
	add_section(out, "", "");
	out->sections[0].text = xstrndup(text, len);
}

size_t md_budget(size_t len)
{
	if (len >= (MD_BUDGET_MAX - MD_BUDGET_BASE) / MD_BUDGET_PER_BYTE)
		return MD_BUDGET_MAX;
	return MD_BUDGET_BASE + len * MD_BUDGET_PER_BYTE;
}

/* 1 when `s` holds "[^" (the start of a footnote reference or definition). */
static int has_caret_bracket(const char *s, size_t n)
{
	for (const char *p = s, *e = s + n; (p = memchr(p, '[', (size_t)(e - p))) != NULL && p + 1 < e; p++)
		if (p[1] == '^')
			return 1;
	return 0;
}

/* 1 when an HTML block's text is nothing but one comment ("<!-- ... -->", blank space around it). */
static int is_html_comment(const char *lit)
{
	if (!lit)
		return 0;
	while (*lit == ' ' || *lit == '\t' || *lit == '\n' || *lit == '\r')
		lit++;
	size_t n = strlen(lit);
	while (n > 0 && (lit[n - 1] == ' ' || lit[n - 1] == '\t' || lit[n - 1] == '\n' || lit[n - 1] == '\r'))
		n--;
	if (n < 7 || strncmp(lit, "<!--", 4) || strncmp(lit + n - 3, "-->", 3))
		return 0;
	/* a second comment or other HTML after the first "-->" is not just a comment */
	const char *end = strstr(lit + 4, "-->");
	return end == lit + n - 3;
}

/* 1 when `s` is empty or nothing but blank space. */
static int is_blank(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

/* 1 when an HTML block's text is tags and blank space only, no text between them: a README's centred
 * logo (`<p align="center"><img src="logo.svg"></p>`), which says nothing a title would. */
static int is_html_tags_only(const char *lit)
{
	int tags = 0;
	for (const char *p = lit; p && *p;) {
		if (*p == '<') {
			const char *e = strchr(p, '>');
			if (!e)
				return 0;
			tags++;
			p = e + 1;
		} else if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
			p++;
		} else {
			return 0;
		}
	}
	return tags > 0;
}

/* 1 when a paragraph holds images, links around images and blank space only (at least one image): the
 * row of badges (CI status, licence, version) that READMEs put above their "# Title". */
static int is_badge_paragraph(cmark_node *para)
{
	int images = 0;
	for (cmark_node *c = cmark_node_first_child(para); c; c = cmark_node_next(c)) {
		switch (cmark_node_get_type(c)) {
		case CMARK_NODE_IMAGE:
			images++;
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			break;
		case CMARK_NODE_TEXT:
			if (!is_blank(cmark_node_get_literal(c)))
				return 0;
			break;
		case CMARK_NODE_LINK:
			for (cmark_node *g = cmark_node_first_child(c); g; g = cmark_node_next(g)) {
				cmark_node_type t = cmark_node_get_type(g);
				if (t == CMARK_NODE_IMAGE)
					images++;
				else if (t != CMARK_NODE_TEXT || !is_blank(cmark_node_get_literal(g)))
					return 0;
			}
			break;
		default:
			return 0;
		}
	}
	return images > 0;
}

/* 1 when a block before a page's "# Title" does not keep the title from being one: an HTML comment (a
 * licence header), HTML tags with no text (a logo), a paragraph of badges. */
static int is_title_preamble(cmark_node *n)
{
	switch (cmark_node_get_type(n)) {
	case CMARK_NODE_HTML_BLOCK: {
		const char *lit = cmark_node_get_literal(n);
		return is_html_comment(lit) || is_html_tags_only(lit);
	}
	case CMARK_NODE_PARAGRAPH:
		return is_badge_paragraph(n);
	default:
		return 0;
	}
}

/* A heading's own id in an attribute list at its end, as Hugo, MkDocs (attr_list), kramdown and pandoc
 * read it: "## Overview {#overview}", "{: #id .class }". The list is cut from the heading's text and its
 * id returned (the caller's to free); NULL, and the heading untouched, when its last text holds no such
 * list with an id. Classes and other attributes in the list are dropped. */
static char *heading_attr_id(cmark_node *h)
{
	cmark_node *last = cmark_node_last_child(h);
	if (!last || cmark_node_get_type(last) != CMARK_NODE_TEXT)
		return NULL;
	const char *s = cmark_node_get_literal(last);
	size_t e = s ? strlen(s) : 0;
	while (e > 0 && (s[e - 1] == ' ' || s[e - 1] == '\t'))
		e--;
	if (e < 3 || s[e - 1] != '}')
		return NULL;
	size_t o = e - 1;
	while (o > 0 && s[o - 1] != '{' && s[o - 1] != '}' && e - o < 200)
		o--;
	if (o == 0 || s[o - 1] != '{')
		return NULL;
	o--; /* at '{' */
	size_t k = o + 1, idb = 0, idn = 0;
	if (s[k] == ':')
		k++;
	while (k < e - 1) { /* tokens: "#id", ".class", "key=value" */
		while (k < e - 1 && s[k] == ' ')
			k++;
		size_t b = k;
		while (k < e - 1 && s[k] != ' ')
			k++;
		if (k == b)
			break;
		if (s[b] == '#' && k - b > 1) {
			idb = b + 1;
			idn = k - b - 1;
		} else if (s[b] != '.' && !memchr(s + b, '=', k - b)) {
			return NULL; /* not an attribute list */
		}
	}
	if (!idn)
		return NULL;
	for (size_t i = idb; i < idb + idn; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("-_:.", s[i]))
			return NULL;
	char *id = xstrndup(s + idb, idn);
	size_t cut = o;
	while (cut > 0 && (s[cut - 1] == ' ' || s[cut - 1] == '\t'))
		cut--;
	char *rest = xstrndup(s, cut);
	cmark_node_set_literal(last, rest);
	free(rest);
	return id;
}

/* ---- Python-Markdown's ids (mdids.h) ---- */

/* A heading's text as Python-Markdown's toc reads it: its text and code spans' text, without an
 * image's alt text (an <img> has none), a line break as white space. */
static void toc_text(cmark_node *h, buf_t *out)
{
	cmark_iter *it = cmark_iter_new(h);
	cmark_event_type ev;
	int in_image = 0;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);
		if (t == CMARK_NODE_IMAGE) {
			in_image += ev == CMARK_EVENT_ENTER ? 1 : ev == CMARK_EVENT_EXIT ? -1 : 0;
			continue;
		}
		if (ev != CMARK_EVENT_ENTER || in_image)
			continue;
		if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE) {
			const char *lit = cmark_node_get_literal(n);
			if (lit)
				buf_puts(out, lit);
		} else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK) {
			buf_putc(out, ' ');
		}
	}
	cmark_iter_free(it);
}

/* attr_list on heading `h` (its text nodes joined first: "{#my_id}" is one text): the attribute
 * list at its end cut off, and the id it gives (caller frees) or NULL. */
static char *toc_attr_list(cmark_node *h, int *cut_any)
{
	cmark_consolidate_text_nodes(h);
	cmark_node *last = cmark_node_last_child(h);
	const char *s = last && cmark_node_get_type(last) == CMARK_NODE_TEXT ? cmark_node_get_literal(last) : NULL;
	size_t cut;
	char *id = NULL;
	if (s && mdids_attr_list(s, &cut, &id)) {
		*cut_any = 1;
		char *rest = xstrndup(s, cut);
		cmark_node_set_literal(last, rest);
		free(rest);
	}
	return id;
}

/* The ids Python-Markdown's toc gives a page's headings. As toc does, the ids given with attr_list
 * are taken first, whatever their place: then each heading without one gets unique(slugify(text)),
 * in document order. */
typedef struct {
	const mdids_t *style;
	mdids_set_t taken;
	char **given; /* per heading in document order, its attr_list id or NULL (owned) */
	size_t ngiven, next;
	int *cut_lines; /* the lines of the headings whose attribute list was cut, ascending (owned) */
	size_t ncut;
} tocids_t;

static void tocids_init(tocids_t *c, const mdids_t *style, cmark_node *doc, mda_t *mem)
{
	memset(c, 0, sizeof *c);
	c->style = style;
	cmark_node **heads = NULL;
	size_t n = 0, cap = 0;
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE && !mda_failed(mem)) {
		cmark_node *h = cmark_iter_get_node(it);
		if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(h) == CMARK_NODE_HEADING) {
			GROW(heads, n, cap);
			heads[n++] = h;
		}
	}
	cmark_iter_free(it);
	c->given = xcalloc(n + 1, sizeof *c->given);
	c->ngiven = n;
	for (size_t i = 0; i < n && style->attr_list; i++) {
		int cut = 0;
		c->given[i] = toc_attr_list(heads[i], &cut);
		if (c->given[i])
			mdids_take(&c->taken, c->given[i]);
		int line = cmark_node_get_start_line(heads[i]);
		if (cut && (!c->ncut || c->cut_lines[c->ncut - 1] < line)) {
			c->cut_lines = xrealloc(c->cut_lines, (c->ncut + 1) * sizeof *c->cut_lines);
			c->cut_lines[c->ncut++] = line;
		}
	}
	free(heads);
}

/* The id of the next heading `h` in document order (caller frees). */
static char *tocids_next(tocids_t *c, cmark_node *h)
{
	char *id = c->next < c->ngiven ? c->given[c->next] : NULL;
	if (c->next < c->ngiven)
		c->given[c->next++] = NULL;
	if (id)
		return id;
	buf_t t = BUF_INIT;
	toc_text(h, &t);
	char *slug = mdids_slug(c->style, buf_cstr(&t));
	buf_free(&t);
	id = mdids_unique(&c->taken, slug);
	free(slug);
	return id;
}

static void tocids_free(tocids_t *c)
{
	for (size_t i = 0; i < c->ngiven; i++)
		free(c->given[i]);
	free(c->given);
	free(c->cut_lines);
	mdids_set_free(&c->taken);
}

/* Record heading `n` with its `id` (freed) and text `ht` (freed), start its section, and give it its
 * permalink anchor; `escape`: the id may hold characters to escape in HTML (an id given with
 * attr_list). */
static void add_heading(md_doc_t *out, cmark_node *n, char *id, buf_t *ht, const md_opts_t *o, buf_t *sect,
			int escape)
{
	out->headings = xrealloc(out->headings, (out->nheadings + 1) * sizeof *out->headings);
	md_heading_t *h = &out->headings[out->nheadings++];
	h->level = cmark_node_get_heading_level(n);
	h->id = xstrdup(id);
	h->text = xstrdup(buf_cstr(ht));
	h->line = cmark_node_get_start_line(n) + o->line_offset;
	/* close the previous section */
	out->sections[out->nsections - 1].text = fit(buf_detach(sect));
	add_section(out, id, buf_cstr(ht));
	buf_free(ht);

	char *html;
	if (escape) {
		buf_t e = BUF_INIT;
		buf_put_html(&e, id, strlen(id));
		html = xasprintf("<a class=\"anchor\" id=\"%s\" href=\"#%s\" aria-label=\"Permalink\"></a>", buf_cstr(&e),
				 buf_cstr(&e));
		buf_free(&e);
	} else {
		html = xasprintf("<a class=\"anchor\" id=\"%s\" href=\"#%s\" aria-label=\"Permalink\"></a>", id, id);
	}
	cmark_node *a = cmark_node_new_with_mem(CMARK_NODE_CUSTOM_INLINE, mda_mem());
	cmark_node_set_on_enter(a, html);
	cmark_node_set_on_exit(a, "");
	free(html);
	free(id);
	cmark_node_prepend_child(n, a);
}

/* Headings (ids and permalink anchors), links (positions, rewriting), raw
 * HTML (checks and ids), dialects and section texts, in one walk of r->doc.
 * The allocator is disarmed here: the walk stops at the next node once it
 * has given up. Returns 0 or why it stopped; sets *footnotes and *has_html. */
static int walk(md_run_t *r, md_doc_t *out, const char *text, size_t len, const md_opts_t *o, int *footnotes,
		int *has_html)
{
	int toc = o->ids.style == MDIDS_TOC;
	tocids_t tc = {0};
	if (toc)
		tocids_init(&tc, &o->ids, r->doc, &r->mem);
	/* a leading H1 becomes the title; HTML comments (a licence header), a logo or a row of badges
	 * before it do not hide it */
	cmark_node *first = cmark_node_first_child(r->doc);
	while (first && is_title_preamble(first))
		first = cmark_node_next(first);
	if (first && cmark_node_get_type(first) == CMARK_NODE_HEADING && cmark_node_get_heading_level(first) == 1) {
		buf_t t = BUF_INIT;
		node_text(first, &t);
		out->h1 = buf_detach(&t);
		if (o->strip_h1 && (!o->title || !strcmp(o->title, out->h1))) {
			if (toc) {
				/* MkDocs kept it, with its id: that id is taken, and is an anchor of the page */
				out->html_ids = xrealloc(out->html_ids, (out->nhtml_ids + 1) * sizeof *out->html_ids);
				out->html_ids[out->nhtml_ids++] = tocids_next(&tc, first);
			}
			cmark_node_unlink(first);
			cmark_node_free(first);
		}
	}

	/* headings: ids and permalink anchors; links: rewrite; sections: plain text */
	map_t used = MAP_INIT;  /* heading id -> last suffix used for it as a base */
	map_t ids = MAP_INIT;   /* out->html_ids as a set (a heading must not take one) ... */
	size_t nids = 0;        /* ... up to here */
	buf_t sect = BUF_INIT;
	add_section(out, "", "");
	mdlinks_t src;
	mdlinks_init(&src, text, len);
	warn_t w = {o, out, &src, NULL, MAP_INIT, toc ? tc.cut_lines : NULL, toc ? tc.ncut : 0};
	dialect_t dl = {0};
	ranges_t verbatim = {0};
	map_t checked = MAP_INIT; /* raw HTML pieces already checked (borrowed literals) */
	cmark_iter *it = cmark_iter_new(r->doc);
	cmark_event_type ev;
	int failed = 0;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE && !(failed = mda_failed(&r->mem))) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);
		if (t == CMARK_NODE_FOOTNOTE_DEFINITION)
			*footnotes = 1;
		if (ev != CMARK_EVENT_ENTER)
			continue;
		const char *ts = cmark_node_get_type_string(n);
		int cell = ts && !strcmp(ts, "table_cell");
		int title = mdblocks_is_title(n);
		if (t == CMARK_NODE_PARAGRAPH || t == CMARK_NODE_HEADING || cell || title)
			mdlinks_block(&src, n);
		dialect_visit(&dl, n);
		const mdblock_t *mb = mdblocks_get(n);
		if (mb)
			warn_unclosed(&w, mb);
		if (t == CMARK_NODE_CODE_BLOCK || t == CMARK_NODE_HTML_BLOCK)
			range_add(&verbatim, cmark_node_get_start_line(n), cmark_node_get_end_line(n));
		if (t == CMARK_NODE_HEADING && toc) {
			char *id = tocids_next(&tc, n);
			buf_t ht = BUF_INIT;
			node_text(n, &ht);
			add_heading(out, n, id, &ht, o, &sect, 1);
			continue;
		}
		if (t == CMARK_NODE_HEADING) {
			char *given = heading_attr_id(n);
			buf_t ht = BUF_INIT;
			node_text(n, &ht);
			char *base = given ? given : md_slug(buf_cstr(&ht));
			if (!base[0]) {
				free(base);
				base = xstrdup("section");
			}
			for (; nids < out->nhtml_ids; nids++)
				map_put(&ids, out->html_ids[nids], NULL);
			/* GitHub's de-duplication: base, base-1, base-2, ... skipping ids already taken */
			char *id = xstrdup(base);
			void *cnt = NULL;
			long k = map_get(&used, base, &cnt) ? MAP_AS_INT(cnt) : 0;
			while (map_get(&used, id, NULL) || map_get(&ids, id, NULL)) {
				free(id);
				id = xasprintf("%s-%ld", base, ++k);
			}
			map_put(&used, base, MAP_INT(k));
			if (strcmp(id, base))
				map_put(&used, id, MAP_INT(0));
			free(base);
			add_heading(out, n, id, &ht, o, &sect, 0);
			continue;
		}
		if ((t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE) && o->link) {
			const char *url = cmark_node_get_url(n);
			int line, col;
			mdlinks_pos(&src, n, &line, &col);
			char *nu = o->link(o->ud, url ? url : "", t == CMARK_NODE_IMAGE, line + o->line_offset, col);
			if (nu) {
				cmark_node_set_url(n, nu);
				free(nu);
			}
		}
		if (t == CMARK_NODE_HTML_BLOCK || t == CMARK_NODE_HTML_INLINE) {
			*has_html = 1;
			/* what the sanitizer will remove, told at its place; the ids it keeps. A piece
			 * checked before on this page (the same "<br>" again) has nothing new to tell,
			 * and an end tag tells nothing. */
			const char *lit = cmark_node_get_literal(n);
			w.node = n;
			if (lit && !(t == CMARK_NODE_HTML_INLINE && lit[0] == '<' && lit[1] == '/') &&
			    !map_get(&checked, lit, NULL)) {
				map_put(&checked, lit, MAP_INT(1));
				htmlsan_check(lit, strlen(lit), o->raw_html ? HTMLSAN_RAW : HTMLSAN_SAFE, on_html, &w,
					      &out->html_ids, &out->nhtml_ids);
			}
			/* links in raw HTML are checked and rewritten like Markdown links */
			mdlinks_html(&src, n, o->link, o->ud, o->line_offset);
		}
		/* plain text of leaf blocks into the current section */
		if (t == CMARK_NODE_PARAGRAPH || t == CMARK_NODE_CODE_BLOCK || cell || title) {
			cmark_node *parent = cmark_node_parent(n);
			/* table cells and paragraphs are leaves for text purposes */
			if (t == CMARK_NODE_PARAGRAPH && parent && cmark_node_get_type_string(parent) &&
			    !strcmp(cmark_node_get_type_string(parent), "table_cell"))
				continue;
			if (sect.len)
				buf_putc(&sect, ' ');
			node_text(n, &sect);
		}
	}
	cmark_iter_free(it);
	map_free(&checked);
	map_free(&ids);
	out->sections[out->nsections - 1].text = fit(buf_detach(&sect));
	map_free(&used);

	/* what other dialects wrote that is not rendered */
	if (!failed)
		unsupported_scan(text, len, verbatim.v, verbatim.n, on_unsupported, &w);
	free(verbatim.v);
	map_free(&w.seen);
	mdlinks_free(&src);
	if (toc)
		tocids_free(&tc);

	out->features = dialect_render(&dl);
	dialect_free(&dl);
	return failed;
}

static void sections_digest(md_doc_t *doc);

int md_render(md_doc_t *out, const char *text, size_t len, const md_opts_t *o)
{
	memset(out, 0, sizeof *out);
	/* tables, autolinks and links after emphasis that would cost more than a budget can catch */
	mds_result_t scan;
	mds_scan(&scan, text, len);
	size_t plen = len;
	char *rewritten = mds_rewrite(&scan, text, len, &plen);
	const char *ptext = rewritten ? rewritten : text;

	md_run_t *r = xcalloc(1, sizeof *r);
	r->opts = CMARK_OPT_GITHUB_PRE_LANG | CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE;
	/* footnotes cost cmark two passes over the whole tree: only when there may be one */
	if (has_caret_bracket(ptext, plen))
		r->opts |= CMARK_OPT_FOOTNOTES;
	r->no_autolink = scan.no_autolink;
	size_t budget = o->budget ? o->budget : md_budget(len);
	mda_init(&r->mem, budget, o->stop);
	int footnotes = 0, has_html = 0;
	int rc = scan.too_slow ? MDA_OVER_BUDGET : guarded_parse(r, ptext, plen);
	if (!rc)
		rc = walk(r, out, ptext, plen, o, &footnotes, &has_html);
	/* a page with raw HTML is rendered with it, then sanitized (without the
	 * tag filter: the sanitizer drops what it would only disarm) */
	char *h = NULL;
	if (!rc && (!o->no_html || footnotes)) {
		cmark_llist *exts = cmark_parser_get_syntax_extensions(r->p);
		rc = has_html ? guarded_render(r, r->opts | CMARK_OPT_UNSAFE, NULL) : guarded_render(r, r->opts, exts);
		if (!rc)
			h = mda_take_string(&r->mem, r->html);
		if (!rc && has_html) {
			h = sanitize(h, o);
			if (!h) {
				/* too many tags to parse: every piece of raw HTML is dropped */
				rc = guarded_render(r, r->opts, exts);
				if (!rc) {
					h = mda_take_string(&r->mem, r->html);
					if (o->diags)
						diag_add(o->diags, DIAG_WARNING, o->path ? o->path : "", 1 + o->line_offset, 1,
							 "raw-html",
							 "the page has more than %d HTML tags or nests them more than %d deep: its raw HTML is omitted",
							 HTMLSAN_MAX_TAGS, HTMLSAN_MAX_DEPTH);
				}
			}
		}
	}
	if (!rc && h) {
		/* footnote targets (fn-LABEL, fnref-LABEL, fnref-LABEL-2) are anchors of the page too */
		if (footnotes)
			collect_footnote_ids(out, h);
		if (o->no_html)
			free(h);
		else
			out->html = h;
	} else {
		free(h);
	}
	mda_release(&r->mem); /* the parser, the tree, cmark's HTML */
	free(r);
	free(rewritten);
	if (rc == MDA_STOPPED) {
		mds_free(&scan);
		md_doc_free(out);
		return MD_STOPPED;
	}
	if (rc == MDA_OVER_BUDGET) {
		md_doc_free(out);
		render_as_text(out, text, len);
		if (scan.too_slow)
			too_large(o, scan.slow_line, 1,
				  "too many links after emphasis marks (*, _, ~) in one paragraph: formatting it would take "
				  "too long (%zu steps, at most %zu): the page is published as plain text",
				  scan.inline_work, scan.inline_limit);
		else
			too_large(o, 1, 1,
				  "formatting this page needs more than its %zu MiB of memory (%zu MiB plus %d bytes per byte "
				  "of text, at most %zu MiB): it is published as plain text",
				  budget >> 20, MD_BUDGET_BASE >> 20, MD_BUDGET_PER_BYTE, MD_BUDGET_MAX >> 20);
	} else {
		for (size_t i = 0; i < scan.ntables; i++) {
			const mds_table_t *t = &scan.tables[i];
			too_large(o, t->line, t->col,
				  "table of %zu columns and %zu row%s (%zu cells) is over the limit of %d columns and %d "
				  "cells: it is shown as text",
				  t->columns, t->rows, t->rows == 1 ? "" : "s", t->columns * t->rows, MDS_MAX_COLUMNS,
				  MDS_MAX_CELLS);
		}
		if (scan.no_autolink)
			too_large(o, scan.al_line, scan.al_col,
				  "too many '@' or ')' in long words to look for web and e-mail addresses in time: bare "
				  "addresses on this page are not made into links");
	}
	mds_free(&scan);
	for (size_t i = 0; i < out->nsections; i++)
		out->words += count_words(out->sections[i].text);
	md_doc_digest(out);
	sections_digest(out);
	return 0;
}

/* doc->sections_digest from its sections (see markdown.h; search.h's search_doc_t.sections_digest is the
 * same hash of the same bytes). */
static void sections_digest(md_doc_t *doc)
{
	XXH3_state_t st;
	XXH3_128bits_reset(&st);
	for (size_t i = 0; i < doc->nsections; i++) {
		const md_section_t *s = &doc->sections[i];
		const char *f[3] = {s->anchor, s->heading, s->text};
		for (int k = 0; k < 3; k++)
			XXH3_128bits_update(&st, f[k] ? f[k] : "", f[k] ? strlen(f[k]) + 1 : 1);
	}
	XXH128_hash_t h = XXH3_128bits_digest(&st);
	doc->sections_digest[0] = h.low64;
	doc->sections_digest[1] = h.high64;
}

void md_doc_digest(md_doc_t *doc)
{
	doc->html_digest[0] = doc->html_digest[1] = 0;
	if (!doc->html)
		return;
	XXH128_hash_t h = XXH3_128bits(doc->html, strlen(doc->html));
	doc->html_digest[0] = h.low64;
	doc->html_digest[1] = h.high64;
}

const char *md_doc_html(md_doc_t *doc)
{
	md_lazy_t *l = doc->html_from;
	if (l) {
		doc->html_from = NULL;
		if (!doc->html)
			l->load(l, doc);
		l->release(l);
	}
	return doc->html;
}

size_t md_doc_sections(md_doc_t *doc)
{
	md_lazy_t *l = doc->sections_from;
	if (l) {
		doc->sections_from = NULL;
		l->load(l, doc);
		l->release(l);
	}
	return doc->nsections;
}

void md_doc_free(md_doc_t *doc)
{
	if (doc->html_from)
		doc->html_from->release(doc->html_from);
	if (doc->sections_from)
		doc->sections_from->release(doc->sections_from);
	free(doc->html);
	for (size_t i = 0; i < doc->nheadings; i++) {
		free(doc->headings[i].id);
		free(doc->headings[i].text);
	}
	free(doc->headings);
	for (size_t i = 0; i < doc->nsections; i++) {
		free(doc->sections[i].anchor);
		free(doc->sections[i].heading);
		free(doc->sections[i].text);
	}
	free(doc->sections);
	free(doc->h1);
	for (size_t i = 0; i < doc->nhtml_ids; i++)
		free(doc->html_ids[i]);
	free(doc->html_ids);
	memset(doc, 0, sizeof *doc);
}
