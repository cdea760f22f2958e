/* htmlsan.c - allowlist HTML sanitizer on gumbo. See htmlsan.h. */
#include "htmlsan.h"

#include <ctype.h>
#include <gumbo.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"

/* ---- the allowlists ---- */

typedef struct {
	const char *tag;
	int raw_only;       /* kept only with raw_html */
	const char *attrs;  /* its own attributes, " a b c " */
} el_t;

static const el_t elements[] = {
	{"a", 0, " href name "}, {"abbr", 0, ""}, {"b", 0, ""}, {"bdi", 0, ""}, {"bdo", 0, ""},
	{"blockquote", 0, ""}, {"br", 0, ""}, {"caption", 0, ""}, {"cite", 0, ""}, {"code", 0, ""},
	{"col", 0, " span "}, {"colgroup", 0, " span "}, {"dd", 0, ""}, {"del", 0, " datetime "},
	{"details", 0, " open "}, {"dfn", 0, ""}, {"div", 0, ""}, {"dl", 0, ""}, {"dt", 0, ""}, {"em", 0, ""},
	{"figcaption", 0, ""}, {"figure", 0, ""}, {"h1", 0, ""}, {"h2", 0, ""}, {"h3", 0, ""}, {"h4", 0, ""},
	{"h5", 0, ""}, {"h6", 0, ""}, {"hr", 0, ""}, {"i", 0, ""},
	{"img", 0, " src alt width height loading "}, {"input", 0, " type checked disabled "},
	{"ins", 0, " datetime "}, {"kbd", 0, ""}, {"li", 0, " value "}, {"mark", 0, ""},
	{"ol", 0, " start type reversed "}, {"p", 0, ""}, {"pre", 0, " lang "}, {"q", 0, ""}, {"rp", 0, ""},
	{"rt", 0, ""}, {"ruby", 0, ""}, {"s", 0, ""}, {"samp", 0, ""}, {"section", 0, ""}, {"small", 0, ""},
	{"span", 0, ""}, {"strike", 0, ""}, {"strong", 0, ""}, {"sub", 0, ""}, {"summary", 0, ""}, {"sup", 0, ""},
	{"table", 0, ""}, {"tbody", 0, ""}, {"td", 0, " colspan rowspan "}, {"tfoot", 0, ""},
	{"th", 0, " colspan rowspan scope "}, {"thead", 0, ""}, {"time", 0, " datetime "}, {"tr", 0, ""},
	{"tt", 0, ""}, {"u", 0, ""}, {"ul", 0, ""}, {"var", 0, ""}, {"wbr", 0, ""},
	/* raw_html: true */
	{"address", 1, ""}, {"area", 1, " href alt shape coords "}, {"article", 1, ""}, {"aside", 1, ""},
	{"audio", 1, " src controls autoplay muted loop preload "}, {"big", 1, ""}, {"center", 1, ""},
	{"fieldset", 1, ""}, {"font", 1, " color size face "}, {"footer", 1, ""}, {"header", 1, ""},
	{"hgroup", 1, ""}, {"label", 1, " for "}, {"legend", 1, ""}, {"main", 1, ""}, {"map", 1, " name "},
	{"meter", 1, " value min max low high optimum "}, {"nav", 1, ""}, {"picture", 1, ""},
	{"progress", 1, " value max "}, {"source", 1, " src srcset type media sizes "},
	{"track", 1, " src kind srclang label default "},
	{"video", 1, " src poster controls autoplay muted loop playsinline preload "},
};

/* dropped with everything inside them */
static const char drop_tags[] =
	" script style iframe object embed frame frameset noframes noembed noscript template textarea select"
	" option optgroup datalist title xmp plaintext applet base basefont link meta head param svg math"
	" button keygen portal ";

static const char global_safe[] = " id class title lang dir align role ";
static const char global_raw[] =
	" style hidden tabindex width height valign bgcolor border cellpadding cellspacing nowrap headers abbr"
	" target rel hreflang download loading decoding referrerpolicy ";
static const char url_attrs[] =
	" href src srcset poster cite action formaction xlink:href data background longdesc ping manifest"
	" codebase dynsrc lowsrc icon ";
static const char boolean_attrs[] = " open checked disabled controls autoplay muted loop playsinline hidden reversed default ";
static const char void_tags[] = " area base br col embed hr img input link meta param source track wbr ";

/* `word` (`n` bytes) is in the " a b c " list `list` (case-insensitive). */
static int in_list(const char *list, const char *word, size_t n)
{
	if (!n || n > 32)
		return 0;
	char key[36];
	key[0] = ' ';
	for (size_t i = 0; i < n; i++)
		key[i + 1] = (char)tolower((unsigned char)word[i]);
	key[n + 1] = ' ';
	key[n + 2] = '\0';
	return strstr(list, key) != NULL;
}

static const el_t *find_el(const char *tag, htmlsan_mode mode)
{
	for (size_t i = 0; i < sizeof elements / sizeof *elements; i++)
		if (!strcmp(elements[i].tag, tag))
			return elements[i].raw_only && mode != HTMLSAN_RAW ? NULL : &elements[i];
	return NULL;
}

/* ---- URLs ---- */

int htmlsan_url_ok(const char *url, int is_image)
{
	/* as browsers read it: tabs and line breaks anywhere are ignored, and
	 * control characters and spaces at both ends */
	char s[24];
	size_t k = 0;
	const unsigned char *p = (const unsigned char *)url;
	while (*p && *p <= ' ')
		p++;
	for (; *p && k < sizeof s - 1; p++)
		if (*p != '\t' && *p != '\n' && *p != '\r')
			s[k++] = (char)tolower(*p);
	s[k] = '\0';
	size_t i = 0;
	if (!isalpha((unsigned char)s[0]))
		return 1; /* relative, "#x", "/x", "?x" */
	while (isalnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.')
		i++;
	if (s[i] != ':') {
		/* a relative path such as "x.md" (or a scheme longer than we looked at: refused) */
		return i < sizeof s - 1;
	}
	static const char *const ok[] = {"http:", "https:", "mailto:", "tel:"};
	for (size_t j = 0; j < sizeof ok / sizeof *ok; j++)
		if (!strncmp(s, ok[j], strlen(ok[j])))
			return 1;
	if (is_image) {
		static const char *const img[] = {"data:image/png", "data:image/gif", "data:image/jpeg", "data:image/webp"};
		for (size_t j = 0; j < sizeof img / sizeof *img; j++)
			if (!strncmp(s, img[j], strlen(img[j])) && (s[strlen(img[j])] == ';' || s[strlen(img[j])] == ','))
				return 1;
	}
	return 0;
}

/* srcset: "url 1x, url 2x": every URL must pass */
static int srcset_ok(const char *v)
{
	while (*v) {
		while (*v == ' ' || *v == ',' || *v == '\t' || *v == '\n')
			v++;
		size_t n = strcspn(v, " \t\n");
		if (!n)
			break;
		char *u = xstrndup(v, n);
		while (n > 1 && u[n - 1] == ',')
			u[--n] = '\0';
		int ok = htmlsan_url_ok(u, 1);
		free(u);
		if (!ok)
			return 0;
		v += strcspn(v, ",");
	}
	return 1;
}

static int style_ok(const char *v)
{
	char *l = xstrdup(v);
	size_t k = 0;
	for (const char *p = v; *p; p++)
		if (!isspace((unsigned char)*p) && *p != '\\')
			l[k++] = (char)tolower((unsigned char)*p);
	l[k] = '\0';
	int bad = strstr(l, "javascript:") || strstr(l, "vbscript:") || strstr(l, "expression(") ||
		  strstr(l, "-moz-binding") || strstr(l, "behavior:");
	free(l);
	return !bad;
}

/* 1 when attribute `a` of element `tag` (kept) stays. */
static int attr_ok(const el_t *el, const char *tag, const GumboAttribute *a, const GumboVector *all,
		   htmlsan_mode mode)
{
	const char *name = a->name;
	size_t n = strlen(name);
	if (n >= 2 && (name[0] == 'o' || name[0] == 'O') && (name[1] == 'n' || name[1] == 'N'))
		return 0;
	int known = in_list(el->attrs, name, n) || in_list(global_safe, name, n) ||
		    (n > 5 && !strncmp(name, "aria-", 5)) || (n > 5 && !strncmp(name, "data-", 5)) ||
		    (mode == HTMLSAN_RAW && in_list(global_raw, name, n));
	if (!known)
		return 0;
	if (!strcmp(tag, "input") && !strcmp(name, "type"))
		return !strcasecmp(a->value, "checkbox");
	if (!strcmp(name, "style"))
		return style_ok(a->value);
	if (!strcmp(name, "srcset"))
		return srcset_ok(a->value);
	if (in_list(url_attrs, name, n))
		return htmlsan_url_ok(a->value, !strcmp(tag, "img") || !strcmp(tag, "source") || !strcmp(name, "poster"));
	(void)all;
	return 1;
}

/* ---- gumbo with an arena ---- */

typedef struct chunk {
	struct chunk *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
} chunk_t;

static void *arena_alloc(void *ud, size_t size)
{
	chunk_t **head = ud;
	size = (size + 15) & ~(size_t)15;
	chunk_t *c = *head;
	if (!c || c->cap - c->used < size) {
		/* small first (most pieces of raw HTML are one tag), then 64 KiB */
		size_t cap = c ? 65536 : 8192;
		if (cap < size)
			cap = size;
		c = xmalloc(sizeof *c + cap);
		c->cap = cap;
		c->used = 0;
		c->next = *head;
		*head = c;
	}
	void *p = c->data + c->used;
	c->used += size;
	return p;
}

static void arena_free(void *ud, void *p)
{
	(void)ud;
	(void)p;
}

static void arena_release(chunk_t *c)
{
	while (c) {
		chunk_t *nx = c->next;
		free(c);
		c = nx;
	}
}

/* 1 when `s` is small enough for the parser: at most HTMLSAN_MAX_TAGS
 * start tags, and nesting (start tags less the end tags that match an open
 * start tag by name) never deeper than HTMLSAN_MAX_DEPTH. The HTML5 tree
 * builder checks scopes by walking its stack of open elements, so its time
 * grows with tags x depth; browsers cap the depth the same way. */
static int within_budget(const char *s, size_t n)
{
	enum { NAMES = 64 };
	char names[NAMES][12];
	long open[NAMES];
	int nn = 0;
	long tags = 0, depth = 0;
	for (const char *p = s; (p = memchr(p, '<', n - (size_t)(p - s))) != NULL; p++) {
		const char *q = p + 1, *e = s + n;
		int end = q < e && *q == '/';
		q += end;
		const char *nb = q;
		while (q < e && isalnum((unsigned char)*q))
			q++;
		size_t l = (size_t)(q - nb);
		if (!l || !isalpha((unsigned char)*nb))
			continue;
		char name[12];
		size_t k = l < sizeof name - 1 ? l : sizeof name - 1;
		for (size_t i = 0; i < k; i++)
			name[i] = (char)tolower((unsigned char)nb[i]);
		name[k] = '\0';
		int slot = -1;
		for (int i = 0; i < nn && slot < 0; i++)
			if (l < sizeof name && !strcmp(names[i], name))
				slot = i;
		if (end) {
			if (slot >= 0 && open[slot] > 0) {
				open[slot]--;
				depth--;
			}
			continue;
		}
		if (++tags > HTMLSAN_MAX_TAGS)
			return 0;
		if (in_list(void_tags, name, k))
			continue;
		if (slot < 0 && nn < NAMES && l < sizeof name) {
			slot = nn++;
			memcpy(names[slot], name, k + 1);
			open[slot] = 0;
		}
		if (slot >= 0)
			open[slot]++;
		if (++depth > HTMLSAN_MAX_DEPTH)
			return 0;
	}
	return 1;
}

static GumboOutput *parse(const char *html, size_t len, chunk_t **arena)
{
	GumboOptions o = kGumboDefaultOptions;
	o.allocator = arena_alloc;
	o.deallocator = arena_free;
	o.userdata = arena;
	o.max_errors = 0;
	o.fragment_context = GUMBO_TAG_DIV;
	o.fragment_namespace = GUMBO_NAMESPACE_HTML;
	return gumbo_parse_with_options(&o, html, len);
}

/* An element's lower-case tag name ("" for none); unknown tags by their text. */
static const char *tag_name(const GumboElement *e, char *tmp, size_t cap)
{
	if (e->tag != GUMBO_TAG_UNKNOWN)
		return gumbo_normalized_tagname(e->tag);
	GumboStringPiece t = e->original_tag;
	gumbo_tag_from_original_text(&t);
	size_t n = t.length < cap - 1 ? t.length : cap - 1;
	for (size_t i = 0; i < n; i++)
		tmp[i] = (char)tolower((unsigned char)t.data[i]);
	tmp[n] = '\0';
	return tmp;
}

typedef enum { KEEP, UNWRAP, DROP } verdict_t;

static verdict_t judge(const GumboElement *e, const char *tag, htmlsan_mode mode, const el_t **el)
{
	*el = NULL;
	if (e->tag_namespace != GUMBO_NAMESPACE_HTML)
		return DROP;
	if (in_list(drop_tags, tag, strlen(tag)))
		return DROP;
	*el = find_el(tag, mode);
	if (!*el)
		return UNWRAP;
	if (!strcmp(tag, "input")) {
		GumboAttribute *t = gumbo_get_attribute(&e->attributes, "type");
		if (!t || strcasecmp(t->value, "checkbox"))
			return DROP;
	}
	return KEEP;
}

/* ---- writing ---- */

static void put_text(buf_t *b, const char *s, int attr)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"':
			if (attr) {
				buf_puts(b, "&quot;");
				break;
			}
			/* fall through */
		default: buf_putc(b, *s); break;
		}
	}
}

typedef struct {
	const GumboNode *node;
	unsigned next;      /* next child to visit */
	const char *close;  /* end tag to write, or NULL */
} frame_t;

char *htmlsan_clean(const char *html, size_t len, htmlsan_mode mode)
{
	if (!within_budget(html, len))
		return NULL;
	chunk_t *arena = NULL;
	GumboOutput *out = parse(html, len, &arena);
	buf_t b = BUF_INIT;
	buf_reserve(&b, len + len / 8);
	b.s[0] = '\0'; /* an empty result is "" */
	size_t cap = 64, depth = 0;
	frame_t *st = xmalloc(cap * sizeof *st);
	st[depth++] = (frame_t){out->root, 0, NULL};
	char tmp[40];
	while (depth) {
		frame_t *f = &st[depth - 1];
		const GumboVector *kids = &f->node->v.element.children;
		if (f->next >= kids->length) {
			if (f->close) {
				buf_puts(&b, "</");
				buf_puts(&b, f->close);
				buf_putc(&b, '>');
			}
			depth--;
			continue;
		}
		const GumboNode *c = kids->data[f->next++];
		switch (c->type) {
		case GUMBO_NODE_TEXT:
		case GUMBO_NODE_WHITESPACE:
		case GUMBO_NODE_CDATA:
			put_text(&b, c->v.text.text, 0);
			continue;
		case GUMBO_NODE_ELEMENT:
			break;
		default: /* comments, templates */
			continue;
		}
		const GumboElement *e = &c->v.element;
		const char *tag = tag_name(e, tmp, sizeof tmp);
		const el_t *el;
		verdict_t v = judge(e, tag, mode, &el);
		if (v == DROP)
			continue;
		const char *close = NULL;
		if (v == KEEP) {
			buf_putc(&b, '<');
			buf_puts(&b, tag);
			for (unsigned i = 0; i < e->attributes.length; i++) {
				const GumboAttribute *a = e->attributes.data[i];
				if (!attr_ok(el, tag, a, &e->attributes, mode))
					continue;
				buf_putc(&b, ' ');
				buf_puts(&b, a->name);
				if (!a->value[0] && (in_list(boolean_attrs, a->name, strlen(a->name)) || !strncmp(a->name, "data-", 5)))
					continue; /* <details open>, as written by the renderer */
				buf_puts(&b, "=\"");
				put_text(&b, a->value, 1);
				buf_putc(&b, '"');
			}
			buf_putc(&b, '>');
			if (in_list(void_tags, tag, strlen(tag)))
				continue;
			close = el->tag; /* static storage */
			/* a newline right after <pre> is eaten by the parser: keep the one written */
			if (!strcmp(tag, "pre") && e->children.length) {
				const GumboNode *t0 = e->children.data[0];
				if ((t0->type == GUMBO_NODE_TEXT || t0->type == GUMBO_NODE_WHITESPACE) && t0->v.text.text[0] == '\n')
					buf_putc(&b, '\n');
			}
		}
		if (depth == cap) {
			cap *= 2;
			st = xrealloc(st, cap * sizeof *st);
		}
		st[depth++] = (frame_t){c, 0, close};
	}
	free(st);
	arena_release(arena);
	return buf_detach(&b);
}

void htmlsan_check(const char *html, size_t len, htmlsan_mode mode, htmlsan_report_fn fn, void *ud, char ***ids,
		   size_t *nids)
{
	if (!within_budget(html, len))
		return;
	chunk_t *arena = NULL;
	GumboOutput *out = parse(html, len, &arena);
	size_t cap = 64, depth = 0;
	const GumboNode **st = xmalloc(cap * sizeof *st);
	st[depth++] = out->root;
	char tmp[40];
	while (depth) {
		const GumboNode *c = st[--depth];
		if (c->type != GUMBO_NODE_ELEMENT)
			continue;
		const GumboElement *e = &c->v.element;
		verdict_t v = KEEP;
		const el_t *el = NULL;
		if (c != out->root) {
			const char *tag = tag_name(e, tmp, sizeof tmp);
			v = judge(e, tag, mode, &el);
			size_t off = e->original_tag.data && e->original_tag.length ? (size_t)(e->original_tag.data - html) : (size_t)-1;
			if (v != KEEP && off < len && fn)
				fn(ud, off, tag, NULL);
			if (v == DROP)
				continue;
			for (unsigned i = 0; v == KEEP && i < e->attributes.length; i++) {
				const GumboAttribute *a = e->attributes.data[i];
				if (!attr_ok(el, tag, a, &e->attributes, mode)) {
					size_t ao = a->original_name.data ? (size_t)(a->original_name.data - html) : off;
					if (fn && ao < len)
						fn(ud, ao, tag, a->name);
				} else if (ids && (!strcmp(a->name, "id") || (!strcmp(a->name, "name") && !strcmp(tag, "a"))) &&
					   a->value[0]) {
					*ids = xrealloc(*ids, (*nids + 1) * sizeof **ids);
					(*ids)[(*nids)++] = xstrdup(a->value);
				}
			}
		}
		/* children in document order: pushed last to first */
		for (unsigned i = e->children.length; i-- > 0;) {
			if (depth == cap) {
				cap *= 2;
				st = xrealloc(st, cap * sizeof *st);
			}
			st[depth++] = e->children.data[i];
		}
	}
	free(st);
	arena_release(arena);
}
