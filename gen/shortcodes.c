/* shortcodes.c - Hugo shortcode tags. See shortcodes.h. */
#include "shortcodes.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

static int name_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '/' || c == '.';
}

/* Parse a tag starting at s[i] == '{'; returns 1 and fills `out`. */
static int parse_at(const char *s, size_t n, size_t i, shortcode_t *out)
{
	size_t j = i + 2;
	if (j >= n || s[i] != '{' || s[i + 1] != '{')
		return 0;
	while (j < n && s[j] == ' ')
		j++;
	if (j >= n || (s[j] != '<' && s[j] != '%'))
		return 0;
	char d = s[j++] == '<' ? '>' : '%'; /* the closing delimiter */
	memset(out, 0, sizeof *out);
	out->markdown = d == '%';
	if (j + 1 < n && s[j] == '/' && s[j + 1] == '*') {
		out->escaped = 1;
		j += 2;
	}
	while (j < n && (s[j] == ' ' || s[j] == '\t'))
		j++;
	if (j < n && s[j] == '/' && !out->escaped) {
		out->closing = 1;
		j++;
		while (j < n && (s[j] == ' ' || s[j] == '\t'))
			j++;
	}
	size_t nb = j;
	while (j < n && name_char(s[j]) && !(s[j] == '/' && j + 1 < n && (s[j + 1] == '>' || s[j + 1] == '%')))
		j++;
	if (j == nb)
		return 0;
	out->name = s + nb;
	out->name_len = j - nb;
	/* the arguments run to the closing delimiter, outside quotes, on the same line and within
	 * SHORTCODE_MAX_ARGS bytes */
	size_t ab = j;
	char q = 0;
	size_t stop = n - j > SHORTCODE_MAX_ARGS ? j + SHORTCODE_MAX_ARGS : n;
	for (; j < stop && s[j] != '\n' && s[j] != '\r'; j++) {
		if (q) {
			if (s[j] == '\\' && q == '"' && j + 1 < n)
				j++;
			else if (s[j] == q)
				q = 0;
			continue;
		}
		if (s[j] == '"' || s[j] == '`') {
			q = s[j];
			continue;
		}
		if (s[j] == '{' && j + 1 < n && s[j + 1] == '{')
			break; /* another tag starts: this one is not closed */
		size_t ae = j;
		size_t k = j;
		if (out->escaped) {
			if (!(k + 1 < n && s[k] == '*' && s[k + 1] == '/'))
				continue;
			k += 2;
		} else if (s[k] == '/' && k + 1 < n && s[k + 1] == d) {
			out->self_closing = 1;
			k++;
		}
		if (k + 2 < n && s[k] == d && s[k + 1] == '}' && s[k + 2] == '}') {
			while (ab < ae && isspace((unsigned char)s[ab]))
				ab++;
			while (ae > ab && isspace((unsigned char)s[ae - 1]))
				ae--;
			out->args = s + ab;
			out->args_len = ae - ab;
			out->off = i;
			out->len = k + 3 - i;
			return 1;
		}
		out->self_closing = 0;
	}
	/* where a failed scan reached the line's end or the next tag (shortcode_next skips ahead with it) */
	out->len = j < stop || stop == n ? j : 0;
	if (j < n && s[j] == '{')
		out->len = j > i + 2 ? j - 1 : 0;
	out->escaped = q != 0 || out->escaped;
	return 0;
}

int shortcode_next(const char *s, size_t n, size_t from, shortcode_t *out)
{
	for (size_t i = from; i + 1 < n; i++) {
		const char *p = memchr(s + i, '{', n - i - 1);
		if (!p)
			return 0;
		i = (size_t)(p - s);
		if (s[i + 1] != '{')
			continue;
		memset(out, 0, sizeof *out);
		if (parse_at(s, n, i, out))
			return 1;
		/* a tag whose arguments were scanned to `len` without a closing
		 * delimiter (and with no quote open): no tag starting before that
		 * closes either, so the scan goes on from there (linear time) */
		if (out->name && !out->escaped && out->len > i + 2)
			i = out->len - 1;
	}
	memset(out, 0, sizeof *out);
	return 0;
}

int shortcode_line(const char *s, size_t n, shortcode_t *out)
{
	size_t b = 0, e = n;
	while (b < e && (s[b] == ' ' || s[b] == '\t'))
		b++;
	while (e > b && isspace((unsigned char)s[e - 1]))
		e--;
	if (e - b < 7 || s[b] != '{' || !parse_at(s, e, b, out))
		return 0;
	return out->off + out->len == e;
}

int shortcode_callout(const char *name, size_t n)
{
	static const char *const names[] = {"alert", "pageinfo", "hint", "notice", "expand", "callout", "details", "admonition"};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (strlen(names[i]) == n && !strncmp(names[i], name, n))
			return 1;
	return 0;
}

int shortcode_is(const shortcode_t *sc, const char *name)
{
	return strlen(name) == sc->name_len && !strncmp(sc->name, name, sc->name_len);
}

/* One argument at a[*i] (a quoted string, a back-quoted string or a word),
 * appended to `val` unquoted; *i moves past it. */
static void take_value(const char *a, size_t n, size_t *i, buf_t *val)
{
	size_t j = *i;
	if (j < n && (a[j] == '"' || a[j] == '`')) {
		char q = a[j++];
		for (; j < n && a[j] != q; j++) {
			if (q == '"' && a[j] == '\\' && j + 1 < n)
				j++;
			buf_putc(val, a[j]);
		}
		*i = j < n ? j + 1 : n;
		return;
	}
	while (j < n && !isspace((unsigned char)a[j]))
		buf_putc(val, a[j++]);
	*i = j;
}

char *shortcode_arg(const shortcode_t *sc, const char *key, int pos)
{
	const char *a = sc->args;
	size_t n = sc->args_len, i = 0;
	int k = 0;
	char *positional = NULL;
	while (i < n) {
		while (i < n && isspace((unsigned char)a[i]))
			i++;
		if (i >= n)
			break;
		/* key=value? */
		size_t kb = i;
		while (i < n && (isalnum((unsigned char)a[i]) || a[i] == '_' || a[i] == '-'))
			i++;
		buf_t v = BUF_INIT;
		if (i > kb && i < n && a[i] == '=') {
			size_t kl = i - kb;
			i++;
			take_value(a, n, &i, &v);
			if (key && strlen(key) == kl && !strncmp(a + kb, key, kl)) {
				free(positional);
				return buf_detach(&v);
			}
			buf_free(&v);
			continue;
		}
		i = kb;
		take_value(a, n, &i, &v);
		if (k++ == pos && !positional)
			positional = buf_detach(&v);
		buf_free(&v);
	}
	return positional;
}
