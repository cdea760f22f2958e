/* toml.c - TOML to val_t. See toml.h. */
#include "toml.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "utf8.h"

typedef struct {
	const char *s;
	size_t n, i;
	int line;         /* 1-based line of s[i] in the text */
	size_t line_start; /* offset of the current line's first byte */
	const char *file;
	int line_offset;
	diag_list_t *d;
	int failed;
	size_t nodes;
} tp_t;

static int col_of(const tp_t *p, size_t at)
{
	/* columns in characters: UTF-8 continuation bytes do not count */
	int c = 1;
	for (size_t k = p->line_start; k < at && k < p->n; k++)
		c += ((unsigned char)p->s[k] & 0xC0) != 0x80;
	return c;
}

static int fail(tp_t *p, const char *msg)
{
	if (!p->failed)
		diag_add(p->d, DIAG_ERROR, p->file, p->line + p->line_offset, col_of(p, p->i), "toml", "%s", msg);
	p->failed = 1;
	return -1;
}

static int peek(const tp_t *p)
{
	return p->i < p->n ? (unsigned char)p->s[p->i] : -1;
}

static void advance(tp_t *p)
{
	if (p->i >= p->n)
		return;
	if (p->s[p->i] == '\n') {
		p->line++;
		p->line_start = p->i + 1;
	}
	p->i++;
}

static val_t *node(tp_t *p, val_t *v, int line, int col)
{
	v->line = line + p->line_offset;
	v->col = col;
	p->nodes++;
	return v;
}

/* Spaces and tabs; with `newlines` also line ends and comments. */
static void skip_ws(tp_t *p, int newlines)
{
	for (;;) {
		int c = peek(p);
		if (c == ' ' || c == '\t' || (newlines && (c == '\n' || c == '\r'))) {
			advance(p);
		} else if (c == '#' && newlines) {
			while (peek(p) != -1 && peek(p) != '\n')
				advance(p);
		} else {
			return;
		}
	}
}

/* The rest of a line after a key/value or a table header: blanks, a comment, then the line end. */
static int end_of_line(tp_t *p)
{
	skip_ws(p, 0);
	if (peek(p) == '#')
		while (peek(p) != -1 && peek(p) != '\n')
			advance(p);
	if (peek(p) == '\r')
		advance(p);
	if (peek(p) == -1)
		return 0;
	if (peek(p) != '\n')
		return fail(p, "expected the end of the line");
	advance(p);
	return 0;
}

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* A string starting at the opening quote; into `out` (owned by the caller). */
static int parse_string(tp_t *p, buf_t *out)
{
	int q = peek(p);
	int multi = p->i + 2 < p->n && p->s[p->i + 1] == q && p->s[p->i + 2] == q;
	for (int k = 0; k < (multi ? 3 : 1); k++)
		advance(p);
	if (multi) { /* a line end right after the opening quotes is not part of the string */
		if (peek(p) == '\r')
			advance(p);
		if (peek(p) == '\n')
			advance(p);
	}
	for (;;) {
		int c = peek(p);
		if (c == -1 || (!multi && (c == '\n' || c == '\r')))
			return fail(p, "string is not closed");
		if (c == q) {
			if (!multi) {
				advance(p);
				return 0;
			}
			if (p->i + 2 < p->n && p->s[p->i + 1] == q && p->s[p->i + 2] == q) {
				/* up to two more quotes may end the content ("""a"""" is a" ) */
				size_t run = 3;
				while (run < 5 && p->i + run < p->n && p->s[p->i + run] == q)
					run++;
				for (size_t k = 3; k < run; k++)
					buf_putc(out, (char)q);
				for (size_t k = 0; k < run; k++)
					advance(p);
				return 0;
			}
		}
		if (c == '\\' && q == '"') {
			advance(p);
			int e = peek(p);
			advance(p);
			switch (e) {
			case 'b': buf_putc(out, '\b'); break;
			case 't': buf_putc(out, '\t'); break;
			case 'n': buf_putc(out, '\n'); break;
			case 'f': buf_putc(out, '\f'); break;
			case 'r': buf_putc(out, '\r'); break;
			case 'e': buf_putc(out, 0x1b); break;
			case '"': buf_putc(out, '"'); break;
			case '\\': buf_putc(out, '\\'); break;
			case 'u':
			case 'U': {
				int digits = e == 'u' ? 4 : 8;
				unsigned long cp = 0;
				for (int k = 0; k < digits; k++) {
					int h = hexval(peek(p));
					if (h < 0)
						return fail(p, "bad \\u escape in a string");
					cp = cp * 16 + (unsigned long)h;
					advance(p);
				}
				if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
					return fail(p, "escape is not a Unicode scalar value");
				utf8_put(out, cp);
				break;
			}
			default:
				if (multi && (e == ' ' || e == '\t' || e == '\n' || e == '\r')) {
					/* line-ending backslash: drop the white space up to the next text */
					p->i--;
					while (peek(p) == ' ' || peek(p) == '\t')
						advance(p);
					if (peek(p) != '\n' && peek(p) != '\r')
						return fail(p, "bad escape in a string");
					skip_ws(p, 1);
					break;
				}
				return fail(p, "bad escape in a string");
			}
			continue;
		}
		buf_putc(out, (char)c);
		advance(p);
	}
}

static int is_bare(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static void free_parts(char **parts, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(parts[i]);
	free(parts);
}

/* A dotted key: its parts into `parts` (caller frees each and the array; nothing to free on failure). */
static int parse_key(tp_t *p, char ***parts, size_t *nparts)
{
	*parts = NULL;
	*nparts = 0;
	for (;;) {
		skip_ws(p, 0);
		buf_t k = BUF_INIT;
		int c = peek(p);
		int bad = 0;
		if (c == '"' || c == '\'') {
			bad = parse_string(p, &k) != 0;
		} else if (is_bare(c)) {
			while (is_bare(peek(p))) {
				buf_putc(&k, (char)peek(p));
				advance(p);
			}
		} else {
			bad = fail(p, "expected a key") != 0;
		}
		if (bad) {
			buf_free(&k);
			free_parts(*parts, *nparts);
			*parts = NULL;
			*nparts = 0;
			return -1;
		}
		*parts = xrealloc(*parts, (*nparts + 1) * sizeof **parts);
		(*parts)[(*nparts)++] = k.s ? buf_detach(&k) : xstrdup("");
		skip_ws(p, 0);
		if (peek(p) != '.')
			return 0;
		advance(p);
		if (*nparts >= TOML_MAX_DEPTH) {
			free_parts(*parts, *nparts);
			*parts = NULL;
			*nparts = 0;
			return fail(p, "key nested too deeply");
		}
	}
}

static val_t *parse_value(tp_t *p, int depth);

/* A number, boolean or date: the run of characters up to a delimiter. */
static val_t *parse_bare_value(tp_t *p, int line, int col)
{
	size_t start = p->i;
	while (peek(p) != -1 && !strchr(",]}#\n\r \t", peek(p)))
		advance(p);
	/* a local date-time may have a space between the date and the time: "1979-05-27 07:32:00" */
	if (p->i - start == 10 && p->s[start + 4] == '-' && peek(p) == ' ' && p->i + 1 < p->n &&
	    p->s[p->i + 1] >= '0' && p->s[p->i + 1] <= '9') {
		advance(p);
		while (peek(p) != -1 && !strchr(",]}#\n\r \t", peek(p)))
			advance(p);
	}
	size_t n = p->i - start;
	char *t = xstrndup(p->s + start, n);
	val_t *v = NULL;
	if (!strcmp(t, "true") || !strcmp(t, "false")) {
		v = val_bool(t[0] == 't');
		free(t);
		return node(p, v, line, col);
	}
	/* integers and floats: drop '_' between digits; 0x/0o/0b integers */
	buf_t clean = BUF_INIT;
	for (size_t k = 0; k < n; k++)
		if (t[k] != '_')
			buf_putc(&clean, t[k]);
	const char *c = buf_cstr(&clean);
	char *end = NULL;
	double num = 0;
	int ok = 0;
	if (c[0] == '0' && (c[1] == 'x' || c[1] == 'o' || c[1] == 'b')) {
		num = (double)strtoull(c + 2, &end, c[1] == 'x' ? 16 : c[1] == 'o' ? 8 : 2);
		ok = end && !*end && c[2];
	} else if (!strcmp(c, "inf") || !strcmp(c, "+inf") || !strcmp(c, "-inf") || !strcmp(c, "nan") ||
		   !strcmp(c, "+nan") || !strcmp(c, "-nan")) {
		ok = 0; /* kept as text: a template has nothing to do with infinities */
	} else if (c[0] && strspn(c, "+-0123456789.eE") == strlen(c)) {
		num = strtod(c, &end);
		ok = end && !*end;
	}
	buf_free(&clean);
	if (ok) {
		v = val_num(num);
		v->str = t;
	} else if (n && (t[0] >= '0' && t[0] <= '9')) {
		v = val_str_take(t); /* a date or time: its text */
	} else {
		free(t);
		fail(p, n ? "expected a value (a string, number, boolean, date, array or inline table)"
			  : "expected a value");
		return NULL;
	}
	return node(p, v, line, col);
}

/* Set parts[0..n-1] = v under map `m`, making intermediate maps. */
static int assign(tp_t *p, val_t *m, char **parts, size_t n, val_t *v)
{
	for (size_t k = 0; k + 1 < n; k++) {
		val_t *next = val_map_get(m, parts[k]);
		if (!next)
			next = val_map_set(m, parts[k], node(p, val_map(), v->line - p->line_offset, v->col));
		if (next->type != VAL_MAP) {
			val_free(v);
			return fail(p, "a dotted key goes through a value that is not a table");
		}
		m = next;
	}
	if (val_map_get(m, parts[n - 1])) {
		val_free(v);
		return fail(p, "key is defined twice");
	}
	if (m->len >= 10000) {
		val_free(v);
		return fail(p, "too many keys in one table");
	}
	val_map_set(m, parts[n - 1], v);
	return 0;
}

static val_t *parse_value(tp_t *p, int depth)
{
	int line = p->line, col = col_of(p, p->i);
	if (depth > TOML_MAX_DEPTH) {
		fail(p, "values nested too deeply");
		return NULL;
	}
	if (p->nodes > TOML_MAX_NODES) {
		fail(p, "too many values");
		return NULL;
	}
	int c = peek(p);
	if (c == '"' || c == '\'') {
		buf_t b = BUF_INIT;
		if (parse_string(p, &b)) {
			buf_free(&b);
			return NULL;
		}
		val_t *v = val_strn(b.s ? b.s : "", b.len);
		buf_free(&b);
		return node(p, v, line, col);
	}
	if (c == '[') {
		advance(p);
		val_t *l = node(p, val_list(), line, col);
		for (;;) {
			skip_ws(p, 1);
			if (peek(p) == ']') {
				advance(p);
				return l;
			}
			val_t *it = parse_value(p, depth + 1);
			if (!it) {
				val_free(l);
				return NULL;
			}
			val_list_push(l, it);
			skip_ws(p, 1);
			if (peek(p) == ',') {
				advance(p);
				continue;
			}
			if (peek(p) == ']')
				continue;
			val_free(l);
			fail(p, "expected ',' or ']' in an array");
			return NULL;
		}
	}
	if (c == '{') {
		advance(p);
		val_t *m = node(p, val_map(), line, col);
		skip_ws(p, 0);
		if (peek(p) == '}') {
			advance(p);
			return m;
		}
		for (;;) {
			char **parts;
			size_t np;
			if (parse_key(p, &parts, &np)) {
				val_free(m);
				return NULL;
			}
			skip_ws(p, 0);
			if (peek(p) != '=') {
				free_parts(parts, np);
				val_free(m);
				fail(p, "expected '=' after a key");
				return NULL;
			}
			advance(p);
			skip_ws(p, 0);
			val_t *v = parse_value(p, depth + 1);
			int bad = !v || assign(p, m, parts, np, v);
			free_parts(parts, np);
			if (bad) {
				val_free(m);
				return NULL;
			}
			skip_ws(p, 0);
			if (peek(p) == ',') {
				advance(p);
				continue;
			}
			if (peek(p) == '}') {
				advance(p);
				return m;
			}
			val_free(m);
			fail(p, "expected ',' or '}' in an inline table");
			return NULL;
		}
	}
	return parse_bare_value(p, line, col);
}

/* [a.b] or [[a.b]]: the table that the following keys go into. */
static val_t *open_table(tp_t *p, val_t *root, char **parts, size_t n, int array)
{
	val_t *m = root;
	int line = p->line, col = col_of(p, p->i);
	for (size_t k = 0; k < n; k++) {
		val_t *next = val_map_get(m, parts[k]);
		int last = k + 1 == n;
		if (!next) {
			next = val_map_set(m, parts[k], node(p, last && array ? val_list() : val_map(), line, col));
		}
		if (next->type == VAL_LIST) {
			if (last && array) {
				m = val_list_push(next, node(p, val_map(), line, col));
				continue;
			}
			if (!next->len || next->items[next->len - 1]->type != VAL_MAP) {
				fail(p, "table header goes through an array that holds no tables");
				return NULL;
			}
			m = next->items[next->len - 1];
			continue;
		}
		if (next->type != VAL_MAP || (last && array)) {
			fail(p, "table header names a key that is already a value");
			return NULL;
		}
		m = next;
	}
	return m;
}

int toml_parse(val_t **out, const char *text, size_t len, const char *file, int line_offset, diag_list_t *d)
{
	tp_t p = {.s = text, .n = len, .line = 1, .file = file, .line_offset = line_offset, .d = d};
	val_t *root = node(&p, val_map(), 1, 1);
	val_t *cur = root;
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		p.i = p.line_start = 3;
	for (;;) {
		skip_ws(&p, 1);
		int c = peek(&p);
		if (c == -1)
			break;
		if (memchr(text, '\0', len)) {
			fail(&p, "the file contains a NUL byte");
			break;
		}
		if (c == '[') {
			advance(&p);
			int array = peek(&p) == '[';
			if (array)
				advance(&p);
			char **parts;
			size_t np;
			if (parse_key(&p, &parts, &np))
				break;
			skip_ws(&p, 0);
			int closed = peek(&p) == ']';
			if (closed)
				advance(&p);
			if (array && closed) {
				closed = peek(&p) == ']';
				if (closed)
					advance(&p);
			}
			if (!closed) {
				free_parts(parts, np);
				fail(&p, "table header is not closed with ']'");
				break;
			}
			cur = open_table(&p, root, parts, np, array);
			free_parts(parts, np);
			if (!cur || end_of_line(&p))
				break;
			continue;
		}
		char **parts;
		size_t np;
		if (parse_key(&p, &parts, &np))
			break;
		skip_ws(&p, 0);
		if (peek(&p) != '=') {
			free_parts(parts, np);
			fail(&p, "expected '=' after a key");
			break;
		}
		advance(&p);
		skip_ws(&p, 0);
		val_t *v = parse_value(&p, 1);
		int bad = !v || assign(&p, cur, parts, np, v);
		free_parts(parts, np);
		if (bad || end_of_line(&p))
			break;
	}
	if (p.failed) {
		val_free(root);
		return -1;
	}
	*out = root;
	return 0;
}
