/* unsupported.c - dialect syntax that is not rendered. See unsupported.h. */
#include "unsupported.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "shortcodes.h"

static int is_rendered(const shortcode_t *sc)
{
	return shortcode_callout(sc->name, sc->name_len);
}

/* Backticks counted up to a position of the current line (asked in increasing order, so a line costs linear time). */
typedef struct {
	const char *s;
	size_t pos, count;
} ticks_t;

/* 1 when byte `i` of the line is inside an inline code span (an odd number of backticks before it). */
static int in_code_at(ticks_t *t, size_t i)
{
	if (i < t->pos)
		t->pos = t->count = 0;
	for (; t->pos < i; t->pos++)
		t->count += t->s[t->pos] == '`';
	return t->count % 2;
}

/* The first `w` (`wn` bytes) in `s` (`n` bytes), or NULL. */
static const char *find(const char *s, size_t n, const char *w, size_t wn)
{
	for (const char *p = s; n >= wn && (p = memchr(p, w[0], n - wn + 1 - (size_t)(p - s))) != NULL; p++)
		if (!memcmp(p, w, wn))
			return p;
	return NULL;
}

static int starts(const char *s, size_t n, const char *w)
{
	size_t l = strlen(w);
	return n >= l && !memcmp(s, w, l);
}

enum { T_BRACE = 1, T_SNIP = 2, T_ICON = 4, T_PLUS = 8, T_EQ = 16, T_CARET = 32, T_WIKI = 64 };
#define WIKI_MAX 200 /* bytes of a wiki link's page name looked at */

#define PAIRED_MAX 128 /* bytes between "==" and "==" looked at */
#define CLOSE_MAX 256  /* bytes between "{%" and "%}" looked at */
#define JINJA_TRIES 64 /* unclosed "{%" or "{{ " on a line looked at */

/* "==text==", "^^text^^", "++key+key++": a pair of doubled `c` around text without a space at either end. */
static long paired(const char *s, size_t n, char c)
{
	for (size_t i = 0; i + 4 < n; i++) {
		if (s[i] != c || s[i + 1] != c || (i > 0 && s[i - 1] == c) || isspace((unsigned char)s[i + 2]) || s[i + 2] == c)
			continue;
		for (size_t j = i + 3; j + 1 < n && j < i + 3 + PAIRED_MAX; j++) {
			if (s[j] == c && s[j + 1] == c) {
				if (!isspace((unsigned char)s[j - 1]) && (j + 2 >= n || s[j + 2] != c))
					return (long)i;
				break;
			}
		}
	}
	return -1;
}

static void scan_line(const char *s, size_t n, int line, unsupported_fn fn, void *ud)
{
	size_t b = 0;
	while (b < n && (s[b] == ' ' || s[b] == '\t'))
		b++;
	const char *t = s + b;
	size_t tn = n - b;
	char kind[80], msg[200];
	ticks_t tk = {s, 0, 0};
	int whole = -1; /* the line is one shortcode tag (computed when needed) */
	/* one pass finds which of the constructs below the line may hold (most lines hold none) */
	static const unsigned char trigger[256] = {['{'] = 1, ['-'] = 1, [':'] = 1, ['+'] = 1, ['='] = 1, ['^'] = 1,
						   ['['] = 1};
	unsigned trig = 0;
	for (size_t i = 0; i + 1 < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!trigger[c])
			continue;
		char d = s[i + 1];
		switch (c) {
		case '{': trig |= d == '{' || d == '%' ? T_BRACE : 0; break;
		case '-': trig |= d == '-' && i + 3 < n && s[i + 2] == '8' && s[i + 3] == '<' ? T_SNIP : 0; break;
		case ':': trig |= d >= 'a' && d <= 'z' ? T_ICON : 0; break;
		case '+': trig |= d == '+' ? T_PLUS : 0; break;
		case '=': trig |= d == '=' ? T_EQ : 0; break;
		case '[': trig |= d == '[' ? T_WIKI : 0; break;
		default: trig |= d == '^' ? T_CARET : 0; break;
		}
	}
	/* Hugo shortcodes */
	shortcode_t sc;
	for (size_t from = 0; (trig & T_BRACE) && shortcode_next(s, n, from, &sc); from = sc.off + sc.len) {
		if (sc.escaped || in_code_at(&tk, sc.off))
			continue;
		if (is_rendered(&sc) && whole < 0) {
			shortcode_t w;
			whole = shortcode_line(s, n, &w);
		}
		if (is_rendered(&sc) && whole)
			continue; /* a callout's own line (mdblocks.c) */
		if (is_rendered(&sc)) {
			int l = sc.name_len > 40 ? 40 : (int)sc.name_len;
			snprintf(kind, sizeof kind, "shortcode-inline:%.*s", l, sc.name);
			snprintf(msg, sizeof msg,
				 "shortcode '%.*s' is rendered only when its opening and closing tags stand on lines of their own", l,
				 sc.name);
			fn(ud, line, (int)sc.off + 1, "shortcode", kind, msg);
			continue;
		}
		if (shortcode_is(&sc, "ref") || shortcode_is(&sc, "relref"))
			continue;
		int nl = sc.name_len > 40 ? 40 : (int)sc.name_len;
		snprintf(kind, sizeof kind, "shortcode:%.*s", nl, sc.name);
		snprintf(msg, sizeof msg, "Hugo shortcode '%.*s' is not rendered by Almanac; it shows as written", nl,
			 sc.name);
		fn(ud, line, (int)sc.off + 1, "shortcode", kind, msg);
	}
	/* Jinja / mkdocs-macros: "{{ x }}" and "{% x %}" (not a shortcode's "{{%") */
	int tries = 0; /* a line of unclosed openers is not looked at past JINJA_TRIES of them */
	for (const char *p = s; (trig & T_BRACE) && tries < JINJA_TRIES && (p = memchr(p, '{', n - (size_t)(p - s))) != NULL &&
				p + 2 < s + n;
	     p++) {
		int tag = p[1] == '%' && (p == s || p[-1] != '{');
		int var = p[1] == '{' && p[2] == ' ';
		size_t rest = n - (size_t)(p + 2 - s);
		if (!(tag || var) || in_code_at(&tk, (size_t)(p - s)))
			continue;
		if (!find(p + 2, rest < CLOSE_MAX ? rest : CLOSE_MAX, tag ? "%}" : "}}", 2)) {
			tries++;
			continue;
		}
		fn(ud, line, (int)(p - s) + 1, "dialect", "jinja",
		   "template syntax ('{{ }}' or '{% %}': Jekyll's Liquid, MkDocs macros) is not rendered by Almanac; it shows as written");
		break;
	}
	/* wiki links (Obsidian, GitHub wikis, Foam): "[[Page]]", "[[Page|text]]", "![[image.png]]"; not
	 * "[[1]](url)", a link whose text is in brackets */
	for (const char *p = s; (trig & T_WIKI) && (p = find(p, n - (size_t)(p - s), "[[", 2)) != NULL; p += 2) {
		size_t o = (size_t)(p - s), j = o + 2;
		while (j < n && j < o + 2 + WIKI_MAX && s[j] != '[' && s[j] != ']')
			j++;
		if (j == o + 2 || j + 1 >= n || s[j] != ']' || s[j + 1] != ']' || (j + 2 < n && (s[j + 2] == '(' || s[j + 2] == '[')))
			continue;
		if (o > 0 && s[o - 1] == '!')
			o--;
		if (in_code_at(&tk, o))
			continue;
		fn(ud, line, (int)o + 1, "dialect", "wiki-link",
		   "wiki links ('[[Page]]', '![[image.png]]': Obsidian, GitHub wikis) are not followed by Almanac; they show "
		   "as written: link to the file ('[Page](Page.md)', '![](image.png)')");
		break;
	}
	/* line-level MkDocs syntax */
	if (starts(t, tn, "///") && tn > 3 && t[3] != '/') {
		fn(ud, line, (int)b + 1, "dialect", "mkdocs:blocks",
		   "pymdownx.blocks syntax ('/// type') is not rendered by Almanac; use '!!! type' admonitions");
	}
	const char *snip = trig & T_SNIP ? find(s, n, "--8<--", 6) : NULL;
	if (snip && !in_code_at(&tk, (size_t)(snip - s)))
		fn(ud, line, (int)(snip - s) + 1, "dialect", "mkdocs:snippets",
		   "MkDocs snippets ('--8<--') are not included by Almanac; the line shows as written");
	if (tn >= 5 && starts(t, tn, "[TOC]") && tn == 5)
		fn(ud, line, (int)b + 1, "dialect", "mkdocs:toc",
		   "'[TOC]' is not rendered by Almanac (every page has its own table of contents)");
	if (starts(t, tn, "*[") && find(t, tn, "]:", 2))
		fn(ud, line, (int)b + 1, "dialect", "mkdocs:abbr", "abbreviation definitions ('*[ABBR]: ...') are not rendered by Almanac");
	if (b == 0 && (starts(s, n, ":   ") || starts(s, n, ":\t")))
		fn(ud, line, 1, "dialect", "mkdocs:deflist",
		   "definition lists (':   definition') are not rendered by Almanac; the line shows as written");
	if (b == 0 && (starts(s, n, "import ") || starts(s, n, "export ")) && (find(s, n, " from ", 6) || memchr(s, '=', n)))
		fn(ud, line, 1, "dialect", "mdx", "MDX import/export lines are not run by Almanac; the line shows as written");
	/* attribute lists at the end of a line: "{ .class }", "{: #id }", "{ #id }", "{ loading=lazy }" */
	size_t e = n;
	while (e > 0 && isspace((unsigned char)s[e - 1]))
		e--;
	if (e >= 3 && s[e - 1] == '}') {
		size_t o = e - 2;
		while (o > 0 && s[o] != '{' && s[o] != '}')
			o--;
		if (s[o] == '{' && (o == 0 || s[o - 1] != '{') && !in_code_at(&tk, o)) {
			size_t k = o + 1;
			if (k < e && s[k] == ':')
				k++;
			while (k < e && s[k] == ' ')
				k++;
			/* "## Heading {#id}": the heading takes the id (markdown.c); classes beside it are dropped */
			size_t h = 0;
			while (h < tn && h < 7 && t[h] == '#')
				h++;
			int heading_id = h >= 1 && h <= 6 && h < tn && (t[h] == ' ' || t[h] == '\t') && memchr(s + o, '#', e - o);
			if (!heading_id && k < e && (s[k] == '.' || s[k] == '#' || memchr(s + k, '=', e - k)) && e - o < 120)
				fn(ud, line, (int)o + 1, "dialect", "mkdocs:attr_list",
				   "attribute lists ('{ .class }', '{ #id }') are not applied by Almanac; they show as written");
		}
	}
	/* icons, keys, marks, inserts */
	static const char *const icons[] = {":material-", ":fontawesome-", ":octicons-", ":simple-"};
	for (size_t i = 0; (trig & T_ICON) && i < sizeof icons / sizeof *icons; i++) {
		const char *p = find(s, n, icons[i], strlen(icons[i]));
		if (p && !in_code_at(&tk, (size_t)(p - s))) {
			fn(ud, line, (int)(p - s) + 1, "dialect", "mkdocs:icons",
			   "icon shortcodes (':material-...:') are not rendered by Almanac; they show as written");
			break;
		}
	}
	long k;
	if ((trig & T_PLUS) && (k = paired(s, n, '+')) >= 0 && !in_code_at(&tk, (size_t)k))
		fn(ud, line, (int)k + 1, "dialect", "mkdocs:keys", "keys ('++ctrl+c++') are not rendered by Almanac; use <kbd>Ctrl</kbd>+<kbd>C</kbd>");
	if ((trig & T_EQ) && (k = paired(s, n, '=')) >= 0 && !in_code_at(&tk, (size_t)k))
		fn(ud, line, (int)k + 1, "dialect", "mkdocs:mark", "marked text ('==text==') is not rendered by Almanac; use <mark>text</mark>");
	if ((trig & T_CARET) && (k = paired(s, n, '^')) >= 0 && !in_code_at(&tk, (size_t)k))
		fn(ud, line, (int)k + 1, "dialect", "mkdocs:caret", "inserted text ('^^text^^') is not rendered by Almanac; use <ins>text</ins>");
}

void unsupported_scan(const char *text, size_t len, const int *skip, size_t nskip, unsupported_fn fn, void *ud)
{
	int line = 1;
	size_t si = 0;
	for (size_t i = 0; i < len; line++) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - text) : len;
		size_t n = e - i;
		if (n && text[i + n - 1] == '\r')
			n--;
		while (si < nskip && skip[2 * si + 1] < line)
			si++;
		int skipped = si < nskip && skip[2 * si] <= line && line <= skip[2 * si + 1];
		if (!skipped && n)
			scan_line(text + i, n, line, fn, ud);
		i = nl ? e + 1 : len;
	}
}
