/* mustache.c - Mustache compiler and renderer. See mustache.h.
 *
 * Compilation (mus_set_add) runs in passes over a flat token list:
 *   1. tokenize: text (split after every '\n') and tags, honouring {{=x y=}};
 *   2. match sections/parents/blocks with their closing tags;
 *   3. whitespace: mark standalone tags and drop the text of their lines,
 *      apply the inheritance rules for parents and blocks, strip the
 *      intrinsic indentation of blocks, record indentation strings;
 *   4. build a node tree (text slices point into the template's own copy of
 *      the source; names are pre-split into path segments).
 * Rendering walks the tree, appending to a buf_t. Indentation of standalone
 * partials, parents and blocks is applied while rendering: every frame knows
 * its indentation and whether the next template output starts a source line,
 * so interpolated text is never re-indented and nothing is re-parsed.
 *
 * Whitespace rules (spec, plus specs/whitespace.md of mustache/spec):
 *   - a section, inverted, closing, comment, partial, parent, block or
 *     delimiter tag alone on its line (apart from spaces and tabs) is
 *     standalone: the whole line, including its line ending, is removed; a
 *     standalone partial is indented by the removed leading whitespace;
 *   - a parent element whose opening tag starts its line and whose closing
 *     tag ends its line is standalone (indentation as for partials, the
 *     line ending after the closing tag is removed);
 *   - an argument block (a block directly inside a parent) whose opening tag
 *     ends its line owns that line ending; the leading whitespace of the next
 *     line is its intrinsic indentation, removed from every line of its
 *     content; whitespace before its closing tag on the same line is dropped;
 *   - a parameter block (any other block) whose opening tag starts its line
 *     and whose closing tag ends its line is standalone: the leading
 *     whitespace (or, when the opening tag also ends its line, the intrinsic
 *     indentation) is prepended to every line of the content rendered there. */
#include "mustache.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- compiled form ---- */

typedef enum {
	N_TEXT, N_VAR, N_SECTION, N_INVERTED, N_PARTIAL, N_PARENT, N_BLOCK
} ntype;

typedef struct node node_t;
struct node {
	ntype type;
	unsigned esc : 1;       /* N_VAR: HTML-escape */
	unsigned dyn : 1;       /* N_PARTIAL/N_PARENT: name is a dynamic name (*path) */
	unsigned sa : 1;        /* standalone: leading whitespace consumed, own indentation frame */
	unsigned after_bol : 1; /* the element consumed its (last) line ending */
	int line, col;
	const char *s;          /* N_TEXT: slice of the template's source */
	size_t len;
	char *name;             /* tag name as written (trimmed, without '*'); owned */
	char *segbuf;           /* path segments, NUL-separated; owned */
	char **seg;             /* path segments (point into segbuf); owned array */
	size_t nseg;            /* 0 with seg == NULL: the implicit iterator "." */
	const char *ind;        /* indentation (slice of the source) */
	size_t indlen;
	node_t *kids;           /* section/block content; parent: its argument blocks */
	size_t nkids;
};

typedef struct {
	char *name;
	char *src;              /* own copy of the source; text nodes point into it */
	size_t len;
	node_t *nodes;
	size_t n;
} tpl_t;

struct mus_set {
	tpl_t **slots;          /* open addressing, linear probing */
	size_t cap, count;
};

/* ---- tokens ---- */

typedef enum {
	T_TEXT, T_VAR, T_RAW, T_SECTION, T_INVERTED, T_CLOSE, T_COMMENT,
	T_PARTIAL, T_PARENT, T_BLOCK, T_DELIM
} tkind;

typedef struct {
	tkind kind;
	size_t off, len;        /* text: current slice; tag: trimmed name (without a dynamic '*') */
	size_t roff;            /* tag: start of the trimmed content, '*' included */
	int line, col;
	long match;             /* opening <-> closing tag */
	long up;                /* enclosing opening tag, -1 at top level */
	long ls, le;            /* this token's line: [ls, le) */
	long fnw, lnw;          /* first and last token of the line that is not blank text */
	size_t ind_off, ind_len;
	unsigned nl : 1;        /* text ends with '\n' */
	unsigned drop : 1;      /* text removed by a standalone rule */
	unsigned sa : 1;        /* tag alone on its line */
	unsigned elem : 1;      /* standalone parent / parameter block element */
	unsigned eol : 1;       /* block whose content starts on the next line (intrinsic indentation) */
	unsigned dyn : 1;
} tok_t;

typedef struct {
	const char *name;       /* template name, for diagnostics */
	const char *src;
	size_t len;
	diag_list_t *d;
	int nerr;
	tok_t *t;
	size_t n, cap;
	size_t pos_off, pos_ls; /* position tracking for line:col */
	int pos_line;
} comp_t;

typedef struct {
	node_t *v;
	size_t n, cap;
} nvec_t;

static void node_free(node_t *n);

static void tpl_free(tpl_t *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		node_free(&t->nodes[i]);
	free(t->nodes);
	free(t->src);
	free(t->name);
	free(t);
}

static void node_free(node_t *n)
{
	for (size_t i = 0; i < n->nkids; i++)
		node_free(&n->kids[i]);
	free(n->kids);
	free(n->name);
	free(n->segbuf);
	free(n->seg);
}

static int is_ws(char ch) { return ch == ' ' || ch == '\t'; }
static int is_space(char ch) { return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n'; }

static void cerr(comp_t *c, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void cerr(comp_t *c, int line, int col, const char *fmt, ...)
{
	c->nerr++;
	if (!c->d)
		return;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* quoted template text may span lines: a diagnostic is one line */
	for (char *p = msg; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	diag_add(c->d, DIAG_ERROR, c->name, line, col, "template-syntax", "%s", msg);
}

/* line:col of byte `off`; offsets must be asked for in increasing order. */
static void pos_at(comp_t *c, size_t off, int *line, int *col)
{
	for (size_t i = c->pos_off; i < off; i++) {
		if (c->src[i] == '\n') {
			c->pos_line++;
			c->pos_ls = i + 1;
		}
	}
	c->pos_off = off;
	*line = c->pos_line;
	*col = (int)(off - c->pos_ls) + 1;
}

static tok_t *tok_push(comp_t *c, tkind k)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->t = xrealloc(c->t, c->cap * sizeof *c->t);
	}
	tok_t *t = &c->t[c->n++];
	memset(t, 0, sizeof *t);
	t->kind = k;
	t->match = -1;
	t->up = -1;
	return t;
}

/* Text [a, b): one token per line piece, each ending after a '\n' or at b. */
static void add_text(comp_t *c, size_t a, size_t b)
{
	while (a < b) {
		const char *nl = memchr(c->src + a, '\n', b - a);
		size_t e = nl ? (size_t)(nl - c->src) + 1 : b;
		tok_t *t = tok_push(c, T_TEXT);
		t->off = a;
		t->len = e - a;
		t->nl = nl != NULL;
		a = e;
	}
}

/* find_bytes() is a GNU extension; this is the portable equivalent. */
static const char *find_bytes(const char *hay, size_t n, const char *needle, size_t m)
{
	if (m == 0)
		return hay;
	while (n >= m) {
		const char *p = memchr(hay, needle[0], n - m + 1);
		if (!p)
			return NULL;
		if (memcmp(p, needle, m) == 0)
			return p;
		n -= (size_t)(p - hay) + 1;
		hay = p + 1;
	}
	return NULL;
}

/* Find `ctag` at or after `from`, preceded by `pre` when pre != 0 (the '}'
 * of a triple mustache or the '=' of a delimiter change). Returns the offset
 * of the content end (the `pre` character or the ctag), or (size_t)-1. */
static size_t find_close(const comp_t *c, size_t from, const char *ctag, size_t clen,
			 char pre, size_t *tag_end)
{
	size_t k = from;
	while (k < c->len) {
		const char *p = find_bytes(c->src + k, c->len - k, ctag, clen);
		if (!p)
			return (size_t)-1;
		size_t at = (size_t)(p - c->src);
		if (!pre) {
			*tag_end = at + clen;
			return at;
		}
		if (at > from && c->src[at - 1] == pre) {
			*tag_end = at + clen;
			return at - 1;
		}
		k = at + 1;
	}
	return (size_t)-1;
}

static const char *kind_word(tkind k)
{
	switch (k) {
	case T_SECTION: return "section";
	case T_INVERTED: return "inverted section";
	case T_PARENT: return "parent";
	case T_BLOCK: return "block";
	default: return "tag";
	}
}

static void tokenize(comp_t *c)
{
	const char *otag = "{{", *ctag = "}}";
	size_t olen = 2, clen = 2;
	size_t i = 0;
	while (i < c->len) {
		const char *p = find_bytes(c->src + i, c->len - i, otag, olen);
		size_t ts = p ? (size_t)(p - c->src) : c->len;
		add_text(c, i, ts);
		if (!p)
			break;
		int line, col;
		pos_at(c, ts, &line, &col);
		size_t j = ts + olen;
		char type = j < c->len ? c->src[j] : '\0';
		tkind kind;
		char pre = 0;
		switch (type) {
		case '{': kind = T_RAW; pre = '}'; j++; break;
		case '&': kind = T_RAW; j++; break;
		case '#': kind = T_SECTION; j++; break;
		case '^': kind = T_INVERTED; j++; break;
		case '/': kind = T_CLOSE; j++; break;
		case '!': kind = T_COMMENT; j++; break;
		case '>': kind = T_PARTIAL; j++; break;
		case '<': kind = T_PARENT; j++; break;
		case '$': kind = T_BLOCK; j++; break;
		case '=': kind = T_DELIM; pre = '='; j++; break;
		default: kind = T_VAR; break;
		}
		size_t tag_end = 0;
		size_t ce = find_close(c, j, ctag, clen, pre, &tag_end);
		if (ce == (size_t)-1) {
			if (pre)
				cerr(c, line, col, "unclosed tag: no '%c%.*s' after '%.*s%c'", pre,
				     (int)clen, ctag, (int)olen, otag, type);
			else
				cerr(c, line, col, "unclosed tag: no '%.*s' after '%.*s'", (int)clen,
				     ctag, (int)olen, otag);
			return;
		}
		size_t a = j, b = ce;
		while (a < b && is_space(c->src[a]))
			a++;
		while (b > a && is_space(c->src[b - 1]))
			b--;
		size_t raw = a;
		int dyn = 0;
		if ((kind == T_PARTIAL || kind == T_PARENT) && a < b && c->src[a] == '*') {
			dyn = 1;
			a++;
			while (a < b && is_space(c->src[a]))
				a++;
		}
		if (kind == T_DELIM) {
			/* two delimiters separated by whitespace, neither containing '=' */
			size_t o1 = a, o2 = a;
			while (o2 < b && !is_space(c->src[o2]))
				o2++;
			size_t c1 = o2;
			while (c1 < b && is_space(c->src[c1]))
				c1++;
			size_t c2 = c1;
			while (c2 < b && !is_space(c->src[c2]))
				c2++;
			int ok = o2 > o1 && c2 > c1 && c2 == b && !memchr(c->src + o1, '=', o2 - o1) &&
				 !memchr(c->src + c1, '=', c2 - c1);
			if (!ok) {
				cerr(c, line, col,
				     "bad delimiter change '%.*s': expected two delimiters separated by "
				     "whitespace, without '=' or whitespace in them",
				     (int)(tag_end - ts > 80 ? 80 : tag_end - ts), c->src + ts);
				return;
			}
			tok_t *t = tok_push(c, T_DELIM);
			t->line = line;
			t->col = col;
			otag = c->src + o1;
			olen = o2 - o1;
			ctag = c->src + c1;
			clen = c2 - c1;
			i = tag_end;
			continue;
		}
		if (kind != T_COMMENT) {
			if (a == b) {
				cerr(c, line, col, "empty tag name in '%.*s'",
				     (int)(tag_end - ts > 80 ? 80 : tag_end - ts), c->src + ts);
			} else {
				for (size_t k = a; k < b; k++) {
					if (is_space(c->src[k])) {
						cerr(c, line, col, "tag name '%.*s' contains whitespace",
						     (int)(b - a > 80 ? 80 : b - a), c->src + a);
						break;
					}
				}
			}
		}
		tok_t *t = tok_push(c, kind);
		t->off = a;
		t->len = b - a;
		t->roff = raw;
		t->line = line;
		t->col = col;
		t->dyn = (unsigned)dyn;
		i = tag_end;
	}
}

static int is_open(tkind k)
{
	return k == T_SECTION || k == T_INVERTED || k == T_PARENT || k == T_BLOCK;
}

/* Do an opening and a closing tag have the same content (a dynamic parent
 * {{<*x}} is closed by a slash tag whose content is *x)? */
static int same_name(const comp_t *c, const tok_t *a, const tok_t *b)
{
	size_t la = a->off + a->len - a->roff, lb = b->off + b->len - b->roff;
	return la == lb && memcmp(c->src + a->roff, c->src + b->roff, la) == 0;
}

static void match_tags(comp_t *c)
{
	long stack[MUS_MAX_NESTING];
	size_t sp = 0;
	for (size_t i = 0; i < c->n; i++) {
		tok_t *t = &c->t[i];
		t->up = sp ? stack[sp - 1] : -1;
		if (is_open(t->kind)) {
			if (sp == MUS_MAX_NESTING) {
				cerr(c, t->line, t->col,
				     "sections, parents and blocks nested deeper than %d levels",
				     MUS_MAX_NESTING);
				return;
			}
			stack[sp++] = (long)i;
		} else if (t->kind == T_CLOSE) {
			if (!sp) {
				cerr(c, t->line, t->col, "unexpected closing tag '%.*s': no open section",
				     (int)t->len, c->src + t->off);
				t->kind = T_COMMENT;
				continue;
			}
			tok_t *o = &c->t[stack[sp - 1]];
			if (same_name(c, o, t)) {
				o->match = (long)i;
				t->match = stack[sp - 1];
				t->up = o->up;
				sp--;
				continue;
			}
			cerr(c, t->line, t->col,
			     "closing tag '%.*s' does not match open %s '%.*s' (line %d, column %d)",
			     (int)t->len, c->src + t->off, kind_word(o->kind), (int)o->len,
			     c->src + o->off, o->line, o->col);
			/* recover: close the nearest open tag of that name, if any */
			for (size_t k = sp; k-- > 0;) {
				if (same_name(c, &c->t[stack[k]], t)) {
					sp = k;
					break;
				}
			}
			t->kind = T_COMMENT;
		}
	}
	while (sp > 0) {
		tok_t *o = &c->t[stack[--sp]];
		cerr(c, o->line, o->col, "unclosed %s '%.*s': no '{{/%.*s}}' (or it is misspelled)",
		     kind_word(o->kind), (int)o->len, c->src + o->off, (int)o->len, c->src + o->off);
	}
}

/* ---- whitespace passes ---- */

static int text_ws(const comp_t *c, const tok_t *t)
{
	size_t n = t->len;
	const char *s = c->src + t->off;
	if (t->nl && n > 0) {
		n--; /* the '\n' */
		if (n > 0 && s[n - 1] == '\r')
			n--;
	}
	for (size_t i = 0; i < n; i++)
		if (!is_ws(s[i]))
			return 0;
	return 1;
}

/* Only blank text before tag i on its line? */
static int clears_left(const comp_t *c, size_t i) { return c->t[i].fnw == (long)i; }

/* Only blank text (and the line ending) after tag i on its line? */
static int clears_right(const comp_t *c, size_t i) { return c->t[i].lnw == (long)i; }

static void drop_range(comp_t *c, long a, long b)
{
	for (long k = a; k < b; k++)
		if (c->t[k].kind == T_TEXT)
			c->t[k].drop = 1;
}

static int standalone_kind(tkind k)
{
	return k != T_TEXT && k != T_VAR && k != T_RAW;
}

/* The whitespace text before tag i on its line (after stripping), or empty. */
static void lead_ws(const comp_t *c, size_t i, size_t *off, size_t *len)
{
	long ls = c->t[i].ls;
	*off = 0;
	*len = 0;
	if (ls < (long)i && c->t[ls].kind == T_TEXT) {
		*off = c->t[ls].off;
		*len = c->t[ls].len;
	}
}

static void whitespace(comp_t *c)
{
	/* lines */
	long ls = 0;
	for (size_t i = 0; i < c->n; i++) {
		c->t[i].ls = ls;
		if (c->t[i].kind == T_TEXT && c->t[i].nl) {
			for (long k = ls; k <= (long)i; k++)
				c->t[k].le = (long)i + 1;
			ls = (long)i + 1;
		}
	}
	for (long k = ls; k < (long)c->n; k++)
		c->t[k].le = (long)c->n;
	for (size_t i = 0; i < c->n;) {
		long a = c->t[i].ls, b = c->t[i].le, f = b, l = -1;
		for (long k = a; k < b; k++) {
			if (c->t[k].kind != T_TEXT || !text_ws(c, &c->t[k])) {
				if (f == b)
					f = k;
				l = k;
			}
		}
		for (long k = a; k < b; k++) {
			c->t[k].fnw = f;
			c->t[k].lnw = l;
		}
		i = (size_t)b;
	}

	/* tags alone on their line */
	for (size_t i = 0; i < c->n;) {
		long a = c->t[i].ls, b = c->t[i].le;
		long tag = -1;
		int ok = 1;
		for (long k = a; k < b && ok; k++) {
			const tok_t *t = &c->t[k];
			if (t->kind == T_TEXT) {
				ok = text_ws(c, t);
			} else if (tag < 0 && standalone_kind(t->kind)) {
				tag = k;
			} else {
				ok = 0;
			}
		}
		if (ok && tag >= 0) {
			c->t[tag].sa = 1;
			drop_range(c, a, b);
		}
		i = (size_t)b;
	}

	/* parents and blocks */
	for (size_t i = 0; i < c->n; i++) {
		tok_t *t = &c->t[i];
		if (t->kind == T_PARENT) {
			size_t e = (size_t)t->match;
			if (clears_left(c, i) && clears_right(c, e)) {
				t->elem = 1;
				drop_range(c, t->ls, (long)i);
				drop_range(c, (long)e + 1, c->t[e].le);
			}
		} else if (t->kind == T_BLOCK) {
			size_t e = (size_t)t->match;
			int arg = t->up >= 0 && c->t[t->up].kind == T_PARENT;
			if (arg) {
				if (clears_right(c, i)) {
					t->eol = 1;
					drop_range(c, (long)i + 1, t->le);
				}
				if (c->t[e].ls > (long)i && clears_left(c, e))
					drop_range(c, c->t[e].ls, (long)e);
			} else if (clears_left(c, i) && clears_right(c, e)) {
				t->elem = 1;
				drop_range(c, t->ls, (long)i);
				t->eol = (unsigned)clears_right(c, i);
			}
		}
	}

	/* intrinsic indentation of blocks, outermost first */
	for (size_t i = 0; i < c->n; i++) {
		tok_t *t = &c->t[i];
		if (t->kind != T_BLOCK || !t->eol)
			continue;
		long e = t->match, j = t->le;
		size_t ioff = 0, ilen = 0;
		if (j < e && c->t[j].kind == T_TEXT) {
			ioff = c->t[j].off;
			while (ilen < c->t[j].len && is_ws(c->src[ioff + ilen]))
				ilen++;
		}
		t->ind_off = ioff;
		t->ind_len = ilen;
		if (!ilen)
			continue;
		for (long k = (long)i + 1; k < e; k++) {
			tok_t *x = &c->t[k];
			if (x->kind == T_TEXT && x->ls == k && x->len >= ilen &&
			    memcmp(c->src + x->off, c->src + ioff, ilen) == 0) {
				x->off += ilen;
				x->len -= ilen;
			}
		}
	}

	/* indentation of standalone partials, parents, parameter blocks */
	for (size_t i = 0; i < c->n; i++) {
		tok_t *t = &c->t[i];
		if ((t->kind == T_PARTIAL && t->sa) || (t->kind == T_PARENT && (t->sa || t->elem)) ||
		    (t->kind == T_BLOCK && t->elem && !t->eol))
			lead_ws(c, i, &t->ind_off, &t->ind_len);
	}

	for (size_t i = 0; i < c->n; i++)
		if (c->t[i].kind == T_TEXT && c->t[i].drop)
			c->t[i].len = 0;
}

/* ---- tree ---- */

static node_t *nvec_push(nvec_t *v)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 8;
		v->v = xrealloc(v->v, v->cap * sizeof *v->v);
	}
	node_t *n = &v->v[v->n++];
	memset(n, 0, sizeof *n);
	return n;
}

static void node_name(const comp_t *c, node_t *n, const tok_t *t, int path)
{
	n->name = xstrndup(c->src + t->off, t->len);
	n->line = t->line;
	n->col = t->col;
	n->dyn = t->dyn;
	if (!path || (t->len == 1 && n->name[0] == '.'))
		return;
	n->segbuf = xstrndup(c->src + t->off, t->len);
	size_t nseg = 1;
	for (size_t k = 0; k < t->len; k++)
		if (n->segbuf[k] == '.')
			nseg++;
	n->seg = xmalloc(nseg * sizeof *n->seg);
	n->nseg = 0;
	char *p = n->segbuf;
	n->seg[n->nseg++] = p;
	for (; *p; p++) {
		if (*p == '.') {
			*p = '\0';
			n->seg[n->nseg++] = p + 1;
		}
	}
}

static void build(comp_t *c, const tpl_t *tp, size_t a, size_t b, nvec_t *out);

static void finish_kids(node_t *n, nvec_t *v)
{
	n->kids = v->v;
	n->nkids = v->n;
}

static void build_block(comp_t *c, const tpl_t *tp, size_t i, node_t *n)
{
	const tok_t *t = &c->t[i];
	const tok_t *e = &c->t[t->match];
	node_name(c, n, t, 0);
	n->type = N_BLOCK;
	n->sa = t->elem;
	n->after_bol = e->sa;
	n->ind = tp->src + t->ind_off;
	n->indlen = t->ind_len;
	nvec_t kids = {0};
	build(c, tp, i + 1, (size_t)t->match, &kids);
	finish_kids(n, &kids);
}

static void build(comp_t *c, const tpl_t *tp, size_t a, size_t b, nvec_t *out)
{
	for (size_t i = a; i < b; i++) {
		const tok_t *t = &c->t[i];
		switch (t->kind) {
		case T_TEXT: {
			if (!t->len)
				break;
			node_t *last = out->n ? &out->v[out->n - 1] : NULL;
			if (last && last->type == N_TEXT && last->s + last->len == tp->src + t->off) {
				last->len += t->len;
				break;
			}
			node_t *n = nvec_push(out);
			n->type = N_TEXT;
			n->s = tp->src + t->off;
			n->len = t->len;
			break;
		}
		case T_VAR:
		case T_RAW: {
			node_t *n = nvec_push(out);
			node_name(c, n, t, 1);
			n->type = N_VAR;
			n->esc = t->kind == T_VAR;
			break;
		}
		case T_SECTION:
		case T_INVERTED: {
			node_t *n = nvec_push(out);
			node_name(c, n, t, 1);
			n->type = t->kind == T_SECTION ? N_SECTION : N_INVERTED;
			n->sa = t->sa;
			nvec_t kids = {0};
			build(c, tp, i + 1, (size_t)t->match, &kids);
			finish_kids(n, &kids);
			i = (size_t)t->match;
			break;
		}
		case T_PARTIAL: {
			node_t *n = nvec_push(out);
			node_name(c, n, t, t->dyn);
			n->type = N_PARTIAL;
			n->sa = t->sa;
			n->after_bol = t->sa;
			n->ind = tp->src + t->ind_off;
			n->indlen = t->ind_len;
			break;
		}
		case T_PARENT: {
			node_t *n = nvec_push(out);
			node_name(c, n, t, t->dyn);
			n->type = N_PARENT;
			n->sa = t->sa || t->elem;
			n->after_bol = t->elem || c->t[t->match].sa;
			n->ind = tp->src + t->ind_off;
			n->indlen = t->ind_len;
			/* only the blocks directly inside a parent matter; the rest is ignored */
			nvec_t args = {0};
			for (size_t k = i + 1; k < (size_t)t->match; k++) {
				const tok_t *x = &c->t[k];
				if (x->kind == T_BLOCK)
					build_block(c, tp, k, nvec_push(&args));
				if (is_open(x->kind))
					k = (size_t)x->match;
			}
			finish_kids(n, &args);
			i = (size_t)t->match;
			break;
		}
		case T_BLOCK:
			build_block(c, tp, i, nvec_push(out));
			i = (size_t)t->match;
			break;
		case T_CLOSE:
		case T_COMMENT:
		case T_DELIM:
			break;
		}
	}
}

static tpl_t *compile(const char *name, const char *src, size_t len, diag_list_t *d)
{
	tpl_t *tp = xcalloc(1, sizeof *tp);
	tp->name = xstrdup(name);
	tp->src = xmalloc(len + 1);
	if (len)
		memcpy(tp->src, src, len);
	tp->src[len] = '\0';
	tp->len = len;

	comp_t c = {0};
	c.name = name;
	c.src = tp->src;
	c.len = len;
	c.d = d;
	c.pos_line = 1;
	tokenize(&c);
	if (!c.nerr)
		match_tags(&c);
	if (c.nerr) {
		free(c.t);
		tpl_free(tp);
		return NULL;
	}
	whitespace(&c);
	nvec_t top = {0};
	build(&c, tp, 0, c.n, &top);
	tp->nodes = top.v;
	tp->n = top.n;
	free(c.t);
	return tp;
}

/* ---- the set ---- */

static uint64_t hash_name(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

mus_set_t *mus_set_new(void)
{
	mus_set_t *s = xcalloc(1, sizeof *s);
	s->cap = 16;
	s->slots = xcalloc(s->cap, sizeof *s->slots);
	return s;
}

void mus_set_free(mus_set_t *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->cap; i++)
		tpl_free(set->slots[i]);
	free(set->slots);
	free(set);
}

static size_t set_slot(const mus_set_t *set, const char *name)
{
	size_t mask = set->cap - 1;
	size_t i = (size_t)hash_name(name) & mask;
	while (set->slots[i] && strcmp(set->slots[i]->name, name) != 0)
		i = (i + 1) & mask;
	return i;
}

static const tpl_t *set_get(const mus_set_t *set, const char *name)
{
	if (!set)
		return NULL;
	return set->slots[set_slot(set, name)];
}

static void set_put(mus_set_t *set, tpl_t *tp)
{
	if ((set->count + 1) * 2 > set->cap) {
		tpl_t **old = set->slots;
		size_t ocap = set->cap;
		set->cap *= 2;
		set->slots = xcalloc(set->cap, sizeof *set->slots);
		for (size_t i = 0; i < ocap; i++)
			if (old[i])
				set->slots[set_slot(set, old[i]->name)] = old[i];
		free(old);
	}
	size_t i = set_slot(set, tp->name);
	if (set->slots[i])
		tpl_free(set->slots[i]);
	else
		set->count++;
	set->slots[i] = tp;
}

int mus_set_add(mus_set_t *set, const char *name, const char *src, size_t len, diag_list_t *d)
{
	tpl_t *tp = compile(name, src ? src : "", src ? len : 0, d);
	if (!tp)
		return -1;
	set_put(set, tp);
	return 0;
}

int mus_set_has(const mus_set_t *set, const char *name)
{
	return set_get(set, name) != NULL;
}

size_t mus_set_count(const mus_set_t *set)
{
	return set ? set->count : 0;
}

/* ---- rendering ---- */

typedef struct {
	size_t ind_off, ind_len; /* indentation: a slice of rstate_t.ind */
	int bol;                 /* next template output starts a source line */
	const tpl_t *tpl;        /* template the nodes come from (diagnostics) */
} frame_t;

typedef struct scope {
	const node_t *parent;    /* a parent tag; its kids are the argument blocks */
	const tpl_t *tpl;
	const struct scope *outer;
} scope_t;

typedef struct {
	const mus_set_t *set;
	buf_t *out;
	diag_list_t *d;
	const val_t **stk;
	size_t n, cap;
	buf_t ind;
	const char **warned;
	size_t nwarned, capwarned;
	int depth;
	int failed;
} rstate_t;

static void render_nodes(rstate_t *st, frame_t *fr, const scope_t *sc, const node_t *v, size_t n);

static void push_ctx(rstate_t *st, const val_t *v)
{
	if (st->n == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 16;
		st->stk = xrealloc(st->stk, st->cap * sizeof *st->stk);
	}
	st->stk[st->n++] = v;
}

static const val_t *map_get(const val_t *m, const char *key)
{
	if (!m || m->type != VAL_MAP)
		return NULL;
	/* many keys share a first byte (is_due, is_stale...): compare two before calling strcmp */
	for (size_t i = 0; i < m->len; i++) {
		const char *k = m->pairs[i].key;
		if (k[0] != key[0])
			continue;
		if (!k[0])
			return m->pairs[i].val;
		if (k[1] != key[1])
			continue;
		if (!k[1] || strcmp(k + 2, key + 2) == 0)
			return m->pairs[i].val;
	}
	return NULL;
}

static const val_t *lookup(const rstate_t *st, const node_t *n)
{
	if (!n->nseg)
		return st->n ? st->stk[st->n - 1] : NULL;
	const val_t *v = NULL;
	for (size_t i = st->n; i-- > 0;) {
		v = map_get(st->stk[i], n->seg[0]);
		if (v)
			break;
	}
	for (size_t k = 1; v && k < n->nseg; k++)
		v = map_get(v, n->seg[k]);
	return v;
}

static int truthy(const val_t *v)
{
	if (!v)
		return 0;
	switch (v->type) {
	case VAL_NULL: return 0;
	case VAL_BOOL: return v->b;
	case VAL_STR: return v->len > 0;
	case VAL_LIST: return v->len > 0;
	case VAL_NUM:
	case VAL_MAP: return 1;
	}
	return 0;
}

static void flush(rstate_t *st, frame_t *fr)
{
	if (fr->bol) {
		if (fr->ind_len)
			buf_put(st->out, st->ind.s + fr->ind_off, fr->ind_len);
		fr->bol = 0;
	}
}

static void put_text(rstate_t *st, frame_t *fr, const char *s, size_t len)
{
	if (!len)
		return;
	if (!fr->ind_len) {
		buf_put(st->out, s, len);
		fr->bol = s[len - 1] == '\n';
		return;
	}
	while (len) {
		const char *nl = memchr(s, '\n', len);
		size_t k = nl ? (size_t)(nl - s) + 1 : len;
		flush(st, fr);
		buf_put(st->out, s, k);
		s += k;
		len -= k;
		fr->bol = nl != NULL;
	}
}


static void put_val(rstate_t *st, const val_t *v, int esc)
{
	if (!v)
		return;
	switch (v->type) {
	case VAL_STR:
		if (esc)
			buf_put_html(st->out, v->str, v->len);
		else
			buf_put(st->out, v->str, v->len);
		break;
	case VAL_NUM: {
		char tmp[64];
		val_format_num(tmp, sizeof tmp, v->num);
		buf_puts(st->out, tmp);
		break;
	}
	case VAL_BOOL:
		buf_puts(st->out, v->b ? "true" : "false");
		break;
	default:
		break;
	}
}

/* A child frame indented by the frame's indentation plus `ind`. */
static size_t frame_indent(rstate_t *st, const frame_t *fr, const char *ind, size_t indlen,
			   const tpl_t *tpl, frame_t *ch)
{
	size_t base = st->ind.len;
	buf_grow(&st->ind, fr->ind_len + indlen);
	if (fr->ind_len)
		memcpy(st->ind.s + base, st->ind.s + fr->ind_off, fr->ind_len);
	if (indlen)
		memcpy(st->ind.s + base + fr->ind_len, ind, indlen);
	st->ind.len = base + fr->ind_len + indlen;
	st->ind.s[st->ind.len] = '\0';
	ch->ind_off = base;
	ch->ind_len = fr->ind_len + indlen;
	ch->bol = 1;
	ch->tpl = tpl;
	return base;
}

static void frame_restore(rstate_t *st, size_t base)
{
	st->ind.len = base;
	st->ind.s[base] = '\0';
}

static int depth_enter(rstate_t *st, const frame_t *fr, const node_t *n, const char *what,
		       const char *name)
{
	if (st->depth >= MUS_MAX_DEPTH) {
		st->failed = 1;
		if (st->d)
			diag_add(st->d, DIAG_ERROR, fr->tpl->name, n->line, n->col, "template-recursion",
				 "%s '%s' nested deeper than %d levels (does a template include itself?)",
				 what, name, MUS_MAX_DEPTH);
		return -1;
	}
	st->depth++;
	return 0;
}

static void warn_unknown(rstate_t *st, const frame_t *fr, const node_t *n, const char *name)
{
	for (size_t i = 0; i < st->nwarned; i++)
		if (strcmp(st->warned[i], name) == 0)
			return;
	if (st->nwarned == st->capwarned) {
		st->capwarned = st->capwarned ? st->capwarned * 2 : 8;
		st->warned = xrealloc(st->warned, st->capwarned * sizeof *st->warned);
	}
	st->warned[st->nwarned++] = name;
	if (st->d)
		diag_add(st->d, DIAG_WARNING, fr->tpl->name, n->line, n->col, "unknown-partial",
			 "unknown partial '%s'", name);
}

/* The template a partial or parent tag names, or NULL (warned when the name
 * resolved but no such template exists). */
static const tpl_t *target(rstate_t *st, const frame_t *fr, const node_t *n)
{
	const char *name = n->name;
	if (n->dyn) {
		const val_t *v = lookup(st, n);
		if (!v || v->type != VAL_STR)
			return NULL;
		name = v->str;
	}
	const tpl_t *t = set_get(st->set, name);
	if (!t)
		warn_unknown(st, fr, n, name);
	return t;
}

/* Render `tp` for a partial or parent tag `n`, with block scope `sc`. */
static void include(rstate_t *st, frame_t *fr, const scope_t *sc, const node_t *n, const tpl_t *tp)
{
	if (depth_enter(st, fr, n, n->type == N_PARENT ? "parent" : "partial", tp->name) < 0)
		return;
	frame_t ch;
	size_t base;
	if (n->sa) {
		base = frame_indent(st, fr, n->ind, n->indlen, tp, &ch);
	} else {
		/* not standalone: the included lines are not indented (spec) */
		flush(st, fr);
		base = st->ind.len;
		ch.ind_off = base;
		ch.ind_len = 0;
		ch.bol = 1;
		ch.tpl = tp;
	}
	render_nodes(st, &ch, sc, tp->nodes, tp->n);
	frame_restore(st, base);
	if (n->sa)
		fr->bol = n->after_bol;
	st->depth--;
}

/* The outermost argument named `name` in the scope chain. */
static const node_t *scope_find(const scope_t *sc, const char *name, const tpl_t **tpl)
{
	const node_t *found = NULL;
	for (; sc; sc = sc->outer) {
		for (size_t i = 0; i < sc->parent->nkids; i++) {
			if (strcmp(sc->parent->kids[i].name, name) == 0) {
				found = &sc->parent->kids[i];
				*tpl = sc->tpl;
				break;
			}
		}
	}
	return found;
}

static void render_block(rstate_t *st, frame_t *fr, const scope_t *sc, const node_t *n)
{
	const tpl_t *ctpl = fr->tpl;
	const node_t *content = scope_find(sc, n->name, &ctpl);
	if (!content)
		content = n;
	else if (depth_enter(st, fr, n, "block", n->name) < 0)
		return;
	frame_t ch;
	if (n->sa) {
		size_t base = frame_indent(st, fr, n->ind, n->indlen, ctpl, &ch);
		render_nodes(st, &ch, sc, content->kids, content->nkids);
		frame_restore(st, base);
		fr->bol = n->after_bol;
	} else {
		ch = *fr;
		ch.tpl = ctpl;
		render_nodes(st, &ch, sc, content->kids, content->nkids);
		fr->bol = ch.bol;
	}
	if (content != n)
		st->depth--;
}

static void render_node(rstate_t *st, frame_t *fr, const scope_t *sc, const node_t *n)
{
	switch (n->type) {
	case N_TEXT:
		put_text(st, fr, n->s, n->len);
		break;
	case N_VAR:
		flush(st, fr);
		put_val(st, lookup(st, n), n->esc);
		break;
	case N_SECTION: {
		if (!n->sa)
			flush(st, fr);
		const val_t *v = lookup(st, n);
		if (!truthy(v))
			break;
		if (v->type == VAL_LIST) {
			for (size_t i = 0; i < v->len && !st->failed; i++) {
				push_ctx(st, v->items[i]);
				render_nodes(st, fr, sc, n->kids, n->nkids);
				st->n--;
			}
		} else {
			push_ctx(st, v);
			render_nodes(st, fr, sc, n->kids, n->nkids);
			st->n--;
		}
		break;
	}
	case N_INVERTED:
		if (!n->sa)
			flush(st, fr);
		if (!truthy(lookup(st, n)))
			render_nodes(st, fr, sc, n->kids, n->nkids);
		break;
	case N_PARTIAL: {
		const tpl_t *tp = target(st, fr, n);
		if (tp)
			include(st, fr, sc, n, tp);
		else if (!n->sa)
			flush(st, fr);
		break;
	}
	case N_PARENT: {
		const tpl_t *tp = target(st, fr, n);
		if (!tp) {
			if (!n->sa)
				flush(st, fr);
			break;
		}
		if (!n->nkids) {
			include(st, fr, sc, n, tp);
			break;
		}
		scope_t inner = {n, fr->tpl, sc};
		include(st, fr, &inner, n, tp);
		break;
	}
	case N_BLOCK:
		if (!n->sa)
			flush(st, fr);
		render_block(st, fr, sc, n);
		break;
	}
}

static void render_nodes(rstate_t *st, frame_t *fr, const scope_t *sc, const node_t *v, size_t n)
{
	for (size_t i = 0; i < n && !st->failed; i++)
		render_node(st, fr, sc, &v[i]);
}

static int render_tpl(const mus_set_t *set, const tpl_t *tp, const val_t *const *stack,
		      size_t depth, buf_t *out, diag_list_t *d)
{
	rstate_t st = {0};
	st.set = set;
	st.out = out;
	st.d = d;
	st.cap = depth + 16;
	st.stk = xmalloc(st.cap * sizeof *st.stk);
	for (size_t i = 0; i < depth; i++)
		st.stk[st.n++] = stack[i];
	buf_grow(&st.ind, 64);
	st.ind.s[0] = '\0';
	frame_t fr = {0, 0, 1, tp};
	render_nodes(&st, &fr, NULL, tp->nodes, tp->n);
	free(st.stk);
	free(st.warned);
	buf_free(&st.ind);
	return st.failed ? -1 : 0;
}

int mus_render(const mus_set_t *set, const char *name, const val_t *const *stack, size_t depth,
	       buf_t *out, diag_list_t *d)
{
	const tpl_t *tp = set_get(set, name);
	if (!tp) {
		if (d)
			diag_add(d, DIAG_ERROR, name, 0, 0, "unknown-template", "unknown template '%s'",
				 name);
		return -1;
	}
	return render_tpl(set, tp, stack, depth, out, d);
}

int mus_render_string(const char *src, size_t len, const mus_set_t *partials, const val_t *data,
		      buf_t *out, diag_list_t *d)
{
	tpl_t *tp = compile("<string>", src ? src : "", src ? len : 0, d);
	if (!tp)
		return -1;
	const val_t *stack[1] = {data};
	int rc = render_tpl(partials, tp, stack, 1, out, d);
	tpl_free(tp);
	return rc;
}
