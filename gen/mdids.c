/* mdids.c - heading ids by the rules of the tool a repository was written for. See mdids.h. */
#include "mdids.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "buf.h"
#include "yamlval.h"

/* ---- Python's character classes (str methods and re on str) ---- */

/* str.isspace() and re's \s: ASCII \t\n\v\f\r, the separators \x1c-\x1f and space; beyond, the
 * characters of bidirectional class WS, B or S or of general category Zs (Python's unicodedata). */
static int py_space(ucs4_t c)
{
	if (c < 0x80)
		return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
	int b = uc_bidi_category(c);
	return b == UC_BIDI_WS || b == UC_BIDI_B || b == UC_BIDI_S || uc_is_general_category(c, UC_CATEGORY_Zs);
}

/* re's \w: '_' and what str.isalnum() accepts: letters (L*) and characters with a numeric value. */
static int py_word(ucs4_t c)
{
	if (c < 0x80)
		return isalnum((int)c) || c == '_';
	return uc_is_general_category(c, UC_CATEGORY_L) || uc_numeric_value(c).denominator != 0;
}

static int all_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

/* `n` bytes of `s` in Unicode normalization form `nf` (malloc'd, *out_len set), or NULL to use `s`
 * as it is (ASCII, which every form leaves alone, or not valid UTF-8). */
static uint8_t *normalized(uninorm_t nf, const char *s, size_t n, size_t *out_len)
{
	if (all_ascii(s, n))
		return NULL;
	size_t len = 0;
	uint8_t *r = u8_normalize(nf, (const uint8_t *)s, n, NULL, &len);
	if (r)
		*out_len = len;
	return r;
}

/* Trim py_space characters at both ends of b (str.strip()). */
static void py_strip(buf_t *b)
{
	if (!b->len)
		return;
	const uint8_t *s = (const uint8_t *)b->s;
	size_t start = 0, end = b->len;
	while (start < end) {
		ucs4_t c;
		int l = u8_mbtouc(&c, s + start, end - start);
		if (!py_space(c))
			break;
		start += (size_t)l;
	}
	while (end > start) {
		size_t k = end - 1; /* back to the last character's first byte */
		while (k > start && (s[k] & 0xC0) == 0x80)
			k--;
		ucs4_t c;
		u8_mbtouc(&c, s + k, end - k);
		if (!py_space(c))
			break;
		end = k;
	}
	memmove(b->s, s + start, end - start);
	b->len = end - start;
	b->s[b->len] = '\0';
}

/* Replace b's text by the libunistring case mapping `map` of it (str.lower(), str.casefold()). */
typedef uint8_t *(*casemap_fn)(const uint8_t *, size_t, const char *, uninorm_t, uint8_t *, size_t *);

static void py_case(buf_t *b, casemap_fn map)
{
	if (!b->len)
		return;
	if (all_ascii(b->s, b->len)) {
		for (size_t i = 0; i < b->len; i++)
			b->s[i] = (char)tolower((unsigned char)b->s[i]);
		return;
	}
	size_t len = 0;
	uint8_t *r = map((const uint8_t *)b->s, b->len, NULL, NULL, NULL, &len);
	if (!r)
		return;
	buf_clear(b);
	buf_put(b, r, len);
	free(r);
}

/* ---- slugify functions ---- */

/* markdown.extensions.toc.slugify(value, separator, unicode). */
static char *toc_slugify(const char *text, char sep, int unicode)
{
	size_t n = strlen(text), len = n;
	uint8_t *nfkd = unicode ? NULL : normalized(UNINORM_NFKD, text, n, &len);
	const uint8_t *s = nfkd ? nfkd : (const uint8_t *)text;
	/* re.sub(r'[^\w\s-]', '', value), after encode('ascii', 'ignore') unless unicode */
	buf_t b = BUF_INIT;
	for (size_t i = 0; i < len;) {
		ucs4_t c;
		int l = u8_mbtouc(&c, s + i, len - i);
		if ((unicode || c < 0x80) && (c == '-' || py_word(c) || py_space(c)))
			buf_put(&b, s + i, (size_t)l);
		i += (size_t)l;
	}
	free(nfkd);
	py_strip(&b);
	py_case(&b, u8_tolower);
	/* re.sub(r'[{separator}\s]+', separator, value) */
	buf_t out = BUF_INIT;
	const uint8_t *v = (const uint8_t *)buf_cstr(&b);
	int in_run = 0;
	for (size_t i = 0; i < b.len;) {
		ucs4_t c;
		int l = u8_mbtouc(&c, v + i, b.len - i);
		if (c == (ucs4_t)(unsigned char)sep || py_space(c)) {
			if (!in_run)
				buf_putc(&out, sep);
			in_run = 1;
		} else {
			buf_put(&out, v + i, (size_t)l);
			in_run = 0;
		}
		i += (size_t)l;
	}
	buf_free(&b);
	return buf_detach(&out);
}

/* pymdownx.slugs' _uslugify(text, sep, case, percent_encode, normalize). */
static char *pymdownx_slugify(const mdids_t *c, const char *text, char sep)
{
	static const uninorm_t forms[] = {UNINORM_NFC, UNINORM_NFD, UNINORM_NFKC, UNINORM_NFKD};
	size_t n = strlen(text), len = n;
	uint8_t *nf = normalized(forms[c->norm & 3], text, n, &len);
	const uint8_t *s = nf ? nf : (const uint8_t *)text;
	/* RE_TAGS.sub('', ...): '<' up to the next '>' */
	buf_t b = BUF_INIT;
	for (size_t i = 0; i < len;) {
		const uint8_t *gt = s[i] == '<' ? memchr(s + i, '>', len - i) : NULL;
		if (gt) {
			i = (size_t)(gt - s) + 1;
			continue;
		}
		buf_putc(&b, (char)s[i++]);
	}
	free(nf);
	py_strip(&b);
	if (c->pcase == MDIDS_CASE_LOWER) {
		py_case(&b, u8_tolower);
	} else if (c->pcase == MDIDS_CASE_FOLD) {
		py_case(&b, u8_casefold);
	} else if (c->pcase == MDIDS_CASE_LOWER_ASCII) {
		for (size_t i = 0; i < b.len; i++)
			if (b.s[i] >= 'A' && b.s[i] <= 'Z')
				b.s[i] = (char)(b.s[i] - 'A' + 'a');
	}
	/* RE_INVALID_SLUG_CHAR ([^\w\- ]) removed, then each space the separator */
	buf_t out = BUF_INIT;
	const uint8_t *v = (const uint8_t *)buf_cstr(&b);
	for (size_t i = 0; i < b.len;) {
		ucs4_t ch;
		int l = u8_mbtouc(&ch, v + i, b.len - i);
		if (ch == ' ')
			buf_putc(&out, sep);
		else if (ch == '-' || py_word(ch))
			buf_put(&out, v + i, (size_t)l);
		i += (size_t)l;
	}
	buf_free(&b);
	if (!c->percent)
		return buf_detach(&out);
	char *q = mdids_quote(buf_cstr(&out));
	buf_free(&out);
	return q;
}

char *mdids_quote(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	buf_t q = BUF_INIT;
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (isalnum(ch) || strchr("_.-~/", ch)) {
			buf_putc(&q, (char)ch);
		} else {
			char e[3] = {'%', hex[ch >> 4], hex[ch & 15]};
			buf_put(&q, e, 3);
		}
	}
	return buf_detach(&q);
}

char *mdids_slug(const mdids_t *c, const char *text)
{
	char sep = c->sep ? c->sep : '-';
	/* toc's strip_tags: ' '.join(text.split()), every run of white space one space, none at the ends */
	buf_t t = BUF_INIT;
	const uint8_t *s = (const uint8_t *)text;
	size_t n = strlen(text);
	int space = 0;
	for (size_t i = 0; i < n;) {
		ucs4_t ch;
		int l = u8_mbtouc(&ch, s + i, n - i);
		if (py_space(ch)) {
			space = 1;
		} else {
			if (space && t.len)
				buf_putc(&t, ' ');
			space = 0;
			buf_put(&t, s + i, (size_t)l);
		}
		i += (size_t)l;
	}
	char *r = c->fn == MDIDS_PYMDOWNX ? pymdownx_slugify(c, buf_cstr(&t), sep)
					 : toc_slugify(buf_cstr(&t), sep, c->fn == MDIDS_SLUGIFY_UNICODE);
	buf_free(&t);
	return r;
}

/* ---- unique() ---- */

void mdids_take(mdids_set_t *s, const char *id)
{
	map_put(&s->ids, id, NULL);
}

/* The longest number the fast path counts with; a longer one is counted as text. */
#define MDIDS_MAX_DIGITS 15

/* "stem_N" -> where the digits start (after '_'), else 0. */
static size_t count_at(const char *id, size_t n)
{
	size_t k = n;
	while (k > 0 && id[k - 1] >= '0' && id[k - 1] <= '9')
		k--;
	return k < n && k > 0 && id[k - 1] == '_' ? k : 0;
}

/* Decimal text `d` (digits only) plus one, without leading zeros (Python's int(d) + 1). */
static char *decimal_next(const char *d)
{
	while (d[0] == '0' && d[1])
		d++;
	size_t n = strlen(d);
	char *r = xmalloc(n + 2);
	r[0] = '0';
	memcpy(r + 1, d, n + 1);
	size_t i = n;
	for (;; i--) {
		if (r[i] == '9') {
			r[i] = '0';
		} else {
			r[i]++;
			break;
		}
	}
	if (r[0] == '0')
		memmove(r, r + 1, n + 1);
	return r;
}

char *mdids_unique(mdids_set_t *s, const char *id)
{
	if (id[0] && !map_get(&s->ids, id, NULL)) {
		map_put(&s->ids, id, NULL);
		return xstrdup(id);
	}
	/* the first free of stem_(N+1), stem_(N+2), ... for "stem_N", else of id_1, id_2, ... */
	size_t n = strlen(id), at = count_at(id, n);
	char *stem = at ? xstrndup(id, at - 1) : xstrdup(id);
	char *res = NULL;
	if (at && n - at > MDIDS_MAX_DIGITS) {
		/* a number too long to count with: one at a time, as text (never in a real page) */
		char *num = xstrdup(id + at);
		for (;;) {
			char *next = decimal_next(num);
			free(num);
			num = next;
			res = xasprintf("%s_%s", stem, num);
			if (!map_get(&s->ids, res, NULL))
				break;
			free(res);
		}
		free(num);
	} else {
		/* stem_k .. stem_(skip-1) are known taken: a page with 10,000 headings "Step" takes
		 * 10,000 look-ups, not 50 million (path compression, as in union-find) */
		long k = at ? strtol(id + at, NULL, 10) + 1 : 1;
		long *path = NULL;
		size_t npath = 0, cap = 0;
		for (;;) {
			res = xasprintf("%s_%ld", stem, k);
			if (!map_get(&s->ids, res, NULL))
				break;
			void *v;
			GROW(path, npath, cap);
			path[npath++] = k;
			long next = map_get(&s->skip, res, &v) ? MAP_AS_INT(v) : k + 1;
			free(res);
			k = next > k ? next : k + 1;
		}
		for (size_t i = 0; i < npath; i++) {
			char *key = xasprintf("%s_%ld", stem, path[i]);
			map_put(&s->skip, key, MAP_INT(k));
			free(key);
		}
		free(path);
	}
	free(stem);
	map_put(&s->ids, res, NULL);
	return res;
}

void mdids_set_free(mdids_set_t *s)
{
	map_free(&s->ids);
	map_free(&s->skip);
}

/* ---- attr_list ---- */

/* Python-Markdown attr_list's scanner on the list's text `a` (n bytes): the id it sets, or NULL.
 * Tokens: key="value", key='value', key=value, #id, .class, word; one that fits none ends it. */
static char *attr_id(const char *a, size_t n)
{
	char *id = NULL;
	size_t i = 0;
	while (i < n) {
		if (a[i] == ' ') {
			i++;
			continue;
		}
		size_t kb = i;
		while (i < n && a[i] != ' ' && a[i] != '=')
			i++;
		if (i == kb)
			break; /* "=": no token fits */
		size_t ke = i;
		const char *vb = NULL;
		size_t vn = 0;
		if (i < n && a[i] == '=') {
			const char *close = NULL;
			if (i + 1 < n && (a[i + 1] == '"' || a[i + 1] == '\''))
				close = memchr(a + i + 2, a[i + 1], n - i - 2);
			if (close) { /* key="value": the value up to the next quote */
				vb = a + i + 2;
				vn = (size_t)(close - vb);
				i = (size_t)(close - a) + 1;
			} else if (i + 1 < n && a[i + 1] != ' ' && a[i + 1] != '=') { /* key=value */
				vb = a + i + 1;
				size_t e = i + 1;
				while (e < n && a[e] != ' ' && a[e] != '=')
					e++;
				vn = e - (i + 1);
				i = e;
			}
			/* else a word ("key"), and the '=' after it ends the list */
		}
		if (vb) {
			if (ke - kb == 2 && !memcmp(a + kb, "id", 2)) {
				free(id);
				id = xstrndup(vb, vn);
			}
		} else if (a[kb] == '#') {
			free(id);
			id = xstrndup(a + kb + 1, ke - kb - 1);
		}
		if (i < n && a[i] == '=' && !vb)
			break;
	}
	return id;
}

int mdids_attr_list(const char *text, size_t *cut, char **id)
{
	/* HEADER_RE: [ ]+\{\:?[ ]*([^\}\n ][^\}\n]*)[ ]*\}[ ]*$ */
	size_t e = strlen(text);
	while (e > 0 && text[e - 1] == ' ')
		e--;
	if (e < 3 || text[e - 1] != '}')
		return 0;
	size_t close = e - 1, lo = close;
	while (lo > 0 && text[lo - 1] != '}' && text[lo - 1] != '\n')
		lo--;
	/* the leftmost '{' after a space whose content fits */
	for (size_t o = lo; o < close; o++) {
		if (text[o] != '{' || o == 0 || text[o - 1] != ' ')
			continue;
		size_t b = o + 1;
		if (text[b] == ':') { /* "{:" opens the list, unless ':' is all it holds */
			size_t k = b + 1;
			while (k < close && text[k] == ' ')
				k++;
			if (k < close)
				b = k;
		} else {
			while (b < close && text[b] == ' ')
				b++;
		}
		if (b >= close)
			continue; /* nothing in the braces */
		size_t c = o;
		while (c > 0 && text[c - 1] == ' ')
			c--;
		/* attr_list then trims the '#'s and white space before the list */
		while (c > 0 && text[c - 1] == '#')
			c--;
		while (c > 0 && (text[c - 1] == ' ' || (text[c - 1] >= '\t' && text[c - 1] <= '\r')))
			c--;
		*cut = c;
		*id = attr_id(text + b, close - b);
		if (*id && !(*id)[0]) { /* "{#}": no id worth keeping */
			free(*id);
			*id = NULL;
		}
		return 1;
	}
	return 0;
}

/* ---- the style as a number, and as MkDocs configures it ---- */

unsigned mdids_key(const mdids_t *c)
{
	if (c->style == MDIDS_GITHUB)
		return 0;
	return (unsigned)c->style | (unsigned)(c->fn & 3) << 1 | (unsigned)(c->pcase & 3) << 3 |
	       (unsigned)(c->norm & 3) << 5 | (unsigned)(c->percent != 0) << 7 | (unsigned)(c->attr_list != 0) << 8 |
	       (unsigned)(unsigned char)(c->sep ? c->sep : '-') << 9;
}

/* An extension's name without Python-Markdown's "markdown.extensions." prefix and a ":Class". */
static int ext_is(const char *name, const char *want)
{
	static const char prefix[] = "markdown.extensions.";
	if (!strncmp(name, prefix, sizeof prefix - 1) && strncmp(want, "pymdownx.", 9))
		name += sizeof prefix - 1;
	size_t n = strcspn(name, ":");
	return strlen(want) == n && !strncmp(name, want, n);
}

typedef struct {
	const char *name; /* the function's Python name */
	mdids_fn fn;
	mdids_case pcase;
	int percent;
} slugfn_t;

static const slugfn_t slug_functions[] = {
	{"markdown.extensions.toc.slugify", MDIDS_SLUGIFY, MDIDS_CASE_NONE, 0},
	{"markdown.extensions.toc.slugify_unicode", MDIDS_SLUGIFY_UNICODE, MDIDS_CASE_NONE, 0},
	{"pymdownx.slugs.uslugify", MDIDS_PYMDOWNX, MDIDS_CASE_LOWER, 0},
	{"pymdownx.slugs.uslugify_encoded", MDIDS_PYMDOWNX, MDIDS_CASE_LOWER, 1},
	{"pymdownx.slugs.uslugify_cased", MDIDS_PYMDOWNX, MDIDS_CASE_NONE, 0},
	{"pymdownx.slugs.uslugify_cased_encoded", MDIDS_PYMDOWNX, MDIDS_CASE_NONE, 1},
	{"pymdownx.slugs.gfm", MDIDS_PYMDOWNX, MDIDS_CASE_LOWER_ASCII, 0},
	{"pymdownx.slugs.gfm_encoded", MDIDS_PYMDOWNX, MDIDS_CASE_LOWER_ASCII, 1},
};

/* pymdownx.slugs.slugify's keyword arguments (`kwds:` of !!python/object/apply); 0, or -1 with
 * *bad the value not followed. */
static int pymdownx_kwds(mdids_t *out, const val_t *kw, const val_t **bad)
{
	static const char *const cases[] = {"none", "lower", "lower-ascii", "fold"};
	static const char *const forms[] = {"NFC", "NFD", "NFKC", "NFKD"};
	for (size_t i = 0; kw && kw->type == VAL_MAP && i < kw->len; i++) {
		const char *k = kw->pairs[i].key;
		const val_t *v = kw->pairs[i].val;
		const char *s = val_as_str(v);
		int ok = 0;
		if (!strcmp(k, "case") && s) {
			for (unsigned j = 0; j < 4; j++)
				if (!strcmp(s, cases[j])) {
					out->pcase = (unsigned char)j;
					ok = 1;
				}
		} else if (!strcmp(k, "normalize") && s) {
			for (unsigned j = 0; j < 4; j++)
				if (!strcmp(s, forms[j])) {
					out->norm = (unsigned char)j;
					ok = 1;
				}
		} else if (!strcmp(k, "percent_encode") && v->type == VAL_BOOL) {
			out->percent = (unsigned char)(v->b != 0);
			ok = 1;
		}
		if (!ok) {
			*bad = v;
			return -1;
		}
	}
	return 0;
}

/* toc's `slugify:` value `v` into `out`; 0, or -1 (not followed: `out` untouched). */
static int read_slugify(mdids_t *out, const val_t *v, const val_t **bad)
{
	*bad = v;
	const char *tag = val_as_str(val_map_get(v, YAMLVAL_TAG_KEY));
	if (!tag)
		return -1;
	mdids_t c = *out;
	c.pcase = MDIDS_CASE_NONE;
	c.norm = MDIDS_NFC;
	c.percent = 0;
	if (!strncmp(tag, "python/name:", 12)) {
		for (size_t i = 0; i < sizeof slug_functions / sizeof *slug_functions; i++) {
			const slugfn_t *f = &slug_functions[i];
			if (strcmp(tag + 12, f->name))
				continue;
			c.fn = (unsigned char)f->fn;
			c.pcase = (unsigned char)f->pcase;
			c.percent = (unsigned char)f->percent;
			*out = c;
			return 0;
		}
		return -1;
	}
	if (strcmp(tag, "python/object/apply:pymdownx.slugs.slugify"))
		return -1;
	const val_t *args = val_map_get(v, YAMLVAL_TAGGED_KEY);
	c.fn = MDIDS_PYMDOWNX;
	if (args && args->type == VAL_MAP) {
		for (size_t i = 0; i < args->len; i++)
			if (strcmp(args->pairs[i].key, "kwds")) {
				*bad = args->pairs[i].val;
				return -1;
			}
		if (pymdownx_kwds(&c, val_map_get(args, "kwds"), bad))
			return -1;
	} else if (args && args->type != VAL_NULL) {
		return -1;
	}
	*out = c;
	return 0;
}

/* A separator Almanac follows: one printable ASCII character that means itself in toc's
 * regular expression ([{separator}\s]+). */
static int good_sep(const char *s)
{
	return s && s[0] && !s[1] && s[0] > ' ' && s[0] < 0x7f && !strchr("\\[]^", s[0]);
}

/* Apply one toc config (a mapping) to `out`. */
static void read_toc(mdids_t *out, const val_t *conf, const char *file, diag_list_t *d)
{
	const val_t *sep = val_map_get(conf, "separator");
	if (sep) {
		const char *s = val_as_str(sep);
		if (good_sep(s))
			out->sep = s[0];
		else
			diag_add(d, DIAG_WARNING, file, sep->line, sep->col, "layout",
				 "toc separator '%s' is not one Almanac follows (one character, not \\ [ ] ^): "
				 "heading ids use '-', so links to them may differ from the MkDocs site's",
				 s ? s : "");
	}
	const val_t *sl = val_map_get(conf, "slugify");
	if (sl) {
		const val_t *bad = NULL;
		if (read_slugify(out, sl, &bad)) {
			const char *tag = val_as_str(val_map_get(sl, YAMLVAL_TAG_KEY));
			diag_add(d, DIAG_WARNING, file, bad ? bad->line : sl->line, bad ? bad->col : sl->col, "layout",
				 "toc slugify %s%s%sis not one Almanac follows: heading ids follow Python-Markdown's "
				 "default slugify, so links to them may differ from the MkDocs site's (followed: "
				 "markdown.extensions.toc.slugify, slugify_unicode, pymdownx.slugs.slugify with case, "
				 "normalize and percent_encode, uslugify and the other pymdownx.slugs functions)",
				 tag ? "'" : "", tag ? tag : "", tag ? "' " : "");
			out->fn = MDIDS_SLUGIFY;
			out->pcase = MDIDS_CASE_NONE;
			out->norm = MDIDS_NFC;
			out->percent = 0;
		}
	}
}

int mdids_mkdocs_plugin(const val_t *cfg, const char *name)
{
	const val_t *p = val_map_get(cfg, "plugins");
	if (p && p->type == VAL_MAP)
		return val_map_get(p, name) != NULL;
	for (size_t i = 0; p && p->type == VAL_LIST && i < p->len; i++) {
		const val_t *it = p->items[i];
		if ((it->type == VAL_STR && !strcmp(it->str, name)) ||
		    (it->type == VAL_MAP && it->len == 1 && !strcmp(it->pairs[0].key, name)))
			return 1;
	}
	return 0;
}

void mdids_mkdocs(mdids_t *out, const val_t *cfg, const char *file, diag_list_t *d)
{
	*out = (mdids_t){.style = MDIDS_TOC, .fn = MDIDS_SLUGIFY};
	/* Backstage TechDocs: the techdocs-core plugin adds pymdownx.extra (attr_list among them) and
	 * toc with the config's own toc settings kept */
	if (mdids_mkdocs_plugin(cfg, "techdocs-core"))
		out->attr_list = 1;
	const val_t *exts = val_map_get(cfg, "markdown_extensions");
	if (!exts || (exts->type != VAL_LIST && exts->type != VAL_MAP))
		return;
	/* the list's items are names or one-key mappings name -> config; a mapping is name -> config */
	size_t n = exts->len;
	for (size_t i = 0; i < n; i++) {
		const char *name = NULL;
		const val_t *conf = NULL;
		if (exts->type == VAL_MAP) {
			name = exts->pairs[i].key;
			conf = exts->pairs[i].val;
		} else if (exts->items[i]->type == VAL_STR) {
			name = exts->items[i]->str;
		} else if (exts->items[i]->type == VAL_MAP && exts->items[i]->len == 1) {
			name = exts->items[i]->pairs[0].key;
			conf = exts->items[i]->pairs[0].val;
		}
		if (!name)
			continue;
		if (ext_is(name, "attr_list") || ext_is(name, "extra") || ext_is(name, "pymdownx.extra"))
			out->attr_list = 1;
		if (ext_is(name, "toc") && conf && conf->type == VAL_MAP)
			read_toc(out, conf, file, d);
	}
}
