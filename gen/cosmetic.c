/* cosmetic.c - canonical rendered text of a page (freshness.count: content). See cosmetic.h. */
#include "cosmetic.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "diag.h"
#include "frontmatter.h"
#include "val.h"

/* Markers in the canonical text: bytes that never appear in it otherwise
 * (control characters of the text are kept as they are but cannot start a
 * marker sequence of the same shape, since every marker is followed by a
 * type name and a 0x1f). */
#define M_OPEN '\x01'
#define M_CLOSE '\x02'
#define M_SEP '\x1f'

/* ------------------------------------------------------------------------ */
/* front matter                                                              */
/* ------------------------------------------------------------------------ */

static int pair_cmp(const void *a, const void *b)
{
	const val_pair_t *x = *(const val_pair_t *const *)a, *y = *(const val_pair_t *const *)b;
	return strcmp(x->key, y->key);
}

/* A value in a form that ignores YAML's spelling: maps by sorted key. */
static void put_val(buf_t *o, const val_t *v)
{
	if (!v) {
		buf_puts(o, "~");
		return;
	}
	switch (v->type) {
	case VAL_NULL:
		buf_puts(o, "~");
		break;
	case VAL_BOOL:
		buf_puts(o, v->b ? "true" : "false");
		break;
	case VAL_NUM:
		buf_printf(o, "%.17g", v->num);
		break;
	case VAL_STR:
		buf_printf(o, "s%zu:", v->len);
		buf_put(o, v->str, v->len);
		break;
	case VAL_LIST:
		buf_putc(o, '[');
		for (size_t i = 0; i < v->len; i++) {
			put_val(o, v->items[i]);
			buf_putc(o, ',');
		}
		buf_putc(o, ']');
		break;
	case VAL_MAP: {
		const val_pair_t **p = xmalloc((v->len ? v->len : 1) * sizeof *p);
		for (size_t i = 0; i < v->len; i++)
			p[i] = &v->pairs[i];
		qsort(p, v->len, sizeof *p, pair_cmp);
		buf_putc(o, '{');
		for (size_t i = 0; i < v->len; i++) {
			buf_printf(o, "k%zu:", strlen(p[i]->key));
			buf_puts(o, p[i]->key);
			buf_putc(o, '=');
			put_val(o, p[i]->val);
			buf_putc(o, ',');
		}
		buf_putc(o, '}');
		free(p);
		break;
	}
	}
}

/* The text of [s, e) with CR LF / CR as LF and blanks at line ends dropped. */
static void put_lines(buf_t *o, const char *s, const char *e)
{
	while (s < e) {
		const char *le = s;
		while (le < e && *le != '\n' && *le != '\r')
			le++;
		const char *t = le;
		while (t > s && (t[-1] == ' ' || t[-1] == '\t'))
			t--;
		buf_put(o, s, (size_t)(t - s));
		buf_putc(o, '\n');
		if (le < e && *le == '\r' && le + 1 < e && le[1] == '\n')
			le++;
		s = le < e ? le + 1 : e;
	}
}

/* ------------------------------------------------------------------------ */
/* body                                                                      */
/* ------------------------------------------------------------------------ */

typedef struct {
	buf_t *o;
	const char *dir;   /* the page's folder, "" or ending with '/' */
	int started;       /* something was written since the last block boundary */
	int space;         /* white space is pending */
} canon_t;

static int is_blank(unsigned char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v';
}

/* Inline text: runs of white space become one space, none at a block's ends. */
static void put_text(canon_t *c, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		if (is_blank((unsigned char)s[i])) {
			c->space = 1;
			i++;
			continue;
		}
		size_t j = i + 1;
		while (j < n && !is_blank((unsigned char)s[j]))
			j++;
		if (c->space && c->started)
			buf_putc(c->o, ' ');
		c->space = 0;
		c->started = 1;
		buf_put(c->o, s + i, j - i);
		i = j;
	}
}

/* A structural marker inside a block keeps the space before it ("a *b*" is
 * not "a*b*"); at a block boundary the pending space is dropped. */
static void put_mark(canon_t *c, int block, char kind, const char *type)
{
	if (block) {
		c->started = 0;
		c->space = 0;
	} else if (c->space && c->started) {
		buf_putc(c->o, ' ');
		c->space = 0;
	}
	buf_putc(c->o, kind);
	buf_puts(c->o, type);
	buf_putc(c->o, M_SEP);
	if (!block)
		c->started = 1;
}

static int has_scheme(const char *u)
{
	if (!isalpha((unsigned char)u[0]))
		return 0;
	const char *p = u + 1;
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
		p++;
	return *p == ':';
}

/* A link target as the page it reaches (cosmetic.h). */
static void put_target(canon_t *c, const char *url)
{
	buf_t *o = c->o;
	if (!url || !*url || url[0] == '#' || has_scheme(url) || (url[0] == '/' && url[1] == '/')) {
		buf_puts(o, url ? url : "");
		return;
	}
	size_t plen = strcspn(url, "?#");
	/* the segments: the page's folder first unless the target starts at the root */
	buf_t path = BUF_INIT;
	if (url[0] != '/')
		buf_puts(&path, c->dir);
	buf_put(&path, url, plen);
	char **seg = NULL;
	size_t n = 0, cap = 0;
	int above = 0; /* ".." beyond the root: kept as written */
	char *s = path.s ? path.s : "";
	int trailing = plen > 0 && url[plen - 1] == '/';
	for (char *tok = s; tok;) {
		char *slash = strchr(tok, '/');
		if (slash)
			*slash = '\0';
		if (!*tok || !strcmp(tok, ".")) {
			/* nothing */
		} else if (!strcmp(tok, "..")) {
			if (n)
				n--;
			else
				above++;
		} else {
			if (n == cap) {
				cap = cap ? cap * 2 : 8;
				seg = xrealloc(seg, cap * sizeof *seg);
			}
			seg[n++] = tok;
		}
		tok = slash ? slash + 1 : NULL;
	}
	/* the same page: x.md, x/, x/index.md, x/README.md, x/index.html */
	if (n && !trailing) {
		char *last = seg[n - 1];
		size_t l = strlen(last);
		if (!strcasecmp(last, "index.md") || !strcasecmp(last, "README.md") || !strcasecmp(last, "index.html") ||
		    !strcasecmp(last, "index.htm"))
			n--;
		else if (l > 3 && !strcasecmp(last + l - 3, ".md"))
			last[l - 3] = '\0';
	}
	buf_puts(o, url[0] == '/' ? "/" : "@");
	for (int i = 0; i < above; i++)
		buf_puts(o, "../");
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_putc(o, '/');
		buf_puts(o, seg[i]);
	}
	buf_puts(o, url + plen); /* ?query#fragment as written */
	free(seg);
	buf_free(&path);
}

static void put_node_open(canon_t *c, cmark_node *n)
{
	cmark_node_type t = cmark_node_get_type(n);
	int block = (t & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_BLOCK;
	const char *name = cmark_node_get_type_string(n);
	switch (t) {
	case CMARK_NODE_TEXT: {
		const char *s = cmark_node_get_literal(n);
		put_text(c, s ? s : "", s ? strlen(s) : 0);
		return;
	}
	case CMARK_NODE_SOFTBREAK:
		c->space = 1;
		return;
	default:
		break;
	}
	put_mark(c, block, M_OPEN, name ? name : "?");
	buf_t *o = c->o;
	switch (t) {
	case CMARK_NODE_HEADING:
		buf_printf(o, "%d", cmark_node_get_heading_level(n));
		break;
	case CMARK_NODE_LIST:
		if (cmark_node_get_list_type(n) == CMARK_ORDERED_LIST)
			buf_printf(o, "ordered %d", cmark_node_get_list_start(n));
		else
			buf_puts(o, "bullet");
		break;
	case CMARK_NODE_CODE_BLOCK: {
		/* every byte of the code, and its language (the info string's first word) */
		const char *info = cmark_node_get_fence_info(n);
		size_t il = info ? strcspn(info, " \t") : 0;
		buf_put(o, info ? info : "", il);
		buf_putc(o, M_SEP);
		const char *lit = cmark_node_get_literal(n);
		buf_puts(o, lit ? lit : "");
		break;
	}
	case CMARK_NODE_CODE:
	case CMARK_NODE_HTML_BLOCK:
	case CMARK_NODE_HTML_INLINE: {
		const char *lit = cmark_node_get_literal(n);
		canon_t sub = {o, c->dir, 0, 0};
		put_text(&sub, lit ? lit : "", lit ? strlen(lit) : 0);
		break;
	}
	case CMARK_NODE_LINK:
	case CMARK_NODE_IMAGE: {
		put_target(c, cmark_node_get_url(n));
		const char *title = cmark_node_get_title(n);
		if (title && *title) {
			buf_putc(o, M_SEP);
			canon_t sub = {o, c->dir, 0, 0};
			put_text(&sub, title, strlen(title));
		}
		break;
	}
	case CMARK_NODE_LINEBREAK:
	case CMARK_NODE_THEMATIC_BREAK:
		break;
	default: {
		if (!strcmp(name ? name : "", "table")) {
			uint16_t cols = cmark_gfm_extensions_get_table_columns(n);
			uint8_t *al = cmark_gfm_extensions_get_table_alignments(n);
			buf_printf(o, "%u:", (unsigned)cols);
			for (uint16_t i = 0; al && i < cols; i++)
				buf_putc(o, al[i] ? (char)al[i] : '-');
		} else if (!strcmp(name ? name : "", "table_row")) {
			buf_puts(o, cmark_gfm_extensions_get_table_row_is_header(n) ? "head" : "");
		} else if (!strcmp(name ? name : "", "tasklist")) {
			buf_puts(o, cmark_gfm_extensions_get_tasklist_item_checked(n) ? "x" : " ");
		} else if (t == CMARK_NODE_FOOTNOTE_DEFINITION || t == CMARK_NODE_FOOTNOTE_REFERENCE) {
			const char *lit = cmark_node_get_literal(n);
			buf_puts(o, lit ? lit : "");
		}
		break;
	}
	}
	buf_putc(o, M_SEP);
	if (block) {
		c->started = 0;
		c->space = 0;
	}
}

static void put_node_close(canon_t *c, cmark_node *n)
{
	cmark_node_type t = cmark_node_get_type(n);
	int block = (t & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_BLOCK;
	if (block) {
		c->started = 0;
		c->space = 0;
		buf_putc(c->o, M_CLOSE);
	} else {
		/* the space after an inline container stays pending for what follows */
		int space = c->space;
		c->space = 0;
		buf_putc(c->o, M_CLOSE);
		c->space = space;
	}
}

/* cmark's nodes come from an arena freed whole after each page: a page makes
 * thousands of small allocations and frees, a third of the time spent here
 * (malloc's bookkeeping in a thread that also holds the history walk's
 * memory). cmark_mem has no context pointer, so the arena is per thread. */
typedef struct ablock {
	struct ablock *prev;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
} ablock_t;

static _Thread_local ablock_t *arena;

static void *arena_alloc(size_t n)
{
	size_t need = ((n + 15) & ~(size_t)15) + 16; /* a 16-byte header holds the size (for realloc) */
	if (!arena || arena->cap - arena->used < need) {
		size_t cap = arena ? arena->cap * 2 : (size_t)64 << 10;
		while (cap < need)
			cap *= 2;
		ablock_t *b = xmalloc(sizeof *b + cap);
		b->prev = arena;
		b->used = 0;
		b->cap = cap;
		arena = b;
	}
	unsigned char *p = arena->data + arena->used;
	arena->used += need;
	memcpy(p, &n, sizeof n);
	return p + 16;
}

static void *arena_calloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		abort(); /* as calloc would fail: cmark aborts on out-of-memory too */
	void *p = arena_alloc(n * size);
	memset(p, 0, n * size);
	return p;
}

static void *arena_realloc(void *old, size_t n)
{
	if (!old)
		return arena_alloc(n);
	size_t had;
	memcpy(&had, (unsigned char *)old - 16, sizeof had);
	if (n <= had)
		return old;
	void *p = arena_alloc(n);
	memcpy(p, old, had);
	return p;
}

static void arena_free(void *p)
{
	(void)p; /* everything goes at once, in arena_release */
}

static void arena_release(void)
{
	while (arena) {
		ablock_t *prev = arena->prev;
		free(arena);
		arena = prev;
	}
}

static cmark_mem arena_mem = {arena_calloc, arena_realloc, arena_free};

/* The same parser options and extensions as the site's (markdown.c). */
static const char *const extensions[] = {"table", "strikethrough", "autolink", "tagfilter", "tasklist"};

static void put_body(buf_t *o, const char *dir, const char *text, size_t len)
{
	cmark_parser *p = cmark_parser_new_with_mem(CMARK_OPT_FOOTNOTES | CMARK_OPT_GITHUB_PRE_LANG |
						    CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE | CMARK_OPT_UNSAFE,
					    &arena_mem);
	for (size_t i = 0; i < sizeof extensions / sizeof *extensions; i++) {
		cmark_syntax_extension *e = cmark_find_syntax_extension(extensions[i]);
		if (e)
			cmark_parser_attach_syntax_extension(p, e);
	}
	cmark_parser_feed(p, text, len);
	cmark_node *doc = cmark_parser_finish(p);
	canon_t c = {o, dir, 0, 0};
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		if (n == doc)
			continue;
		/* leaves get ENTER only (their marker ends with M_SEP), containers ENTER and EXIT */
		if (ev == CMARK_EVENT_ENTER)
			put_node_open(&c, n);
		else
			put_node_close(&c, n);
	}
	cmark_iter_free(it);
	cmark_node_free(doc);
	cmark_parser_free(p);
	arena_release();
}

char *cosmetic_canon(const char *path, const char *text, size_t len, size_t *out_len)
{
	buf_t o = BUF_INIT;
	buf_grow(&o, len + 256); /* about the text's size: one allocation, no regrowth */
	if (len >= 3 && (unsigned char)text[0] == 0xef && (unsigned char)text[1] == 0xbb &&
	    (unsigned char)text[2] == 0xbf) {
		text += 3;
		len -= 3;
	}
	/* front matter: its values, or its text when it does not parse */
	fm_t fm;
	memset(&fm, 0, sizeof fm);
	diag_list_t d;
	diag_init(&d);
	size_t body = 0;
	int body_line = 1;
	int rc = fm_parse(&fm, text, len, path, &body, &body_line, &d);
	if (body > len)
		body = len;
	buf_putc(&o, M_OPEN);
	buf_puts(&o, "front-matter");
	buf_putc(&o, M_SEP);
	if (fm.present && rc == 0)
		put_val(&o, fm.raw);
	else if (fm.present)
		put_lines(&o, text, text + body);
	buf_putc(&o, M_CLOSE);
	fm_free(&fm);
	diag_free(&d);
	/* the body, parsed */
	const char *slash = strrchr(path, '/');
	char *dir = slash ? xstrndup(path, (size_t)(slash - path) + 1) : xstrdup("");
	put_body(&o, dir, text + body, len - body);
	free(dir);
	*out_len = o.len;
	return buf_detach(&o);
}
