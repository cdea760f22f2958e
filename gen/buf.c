/* buf.c - growable byte buffer. See buf.h. */
#include "buf.h"
#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(void)
{
	fputs("almanac: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom();
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	buf_t b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return buf_detach(&b);
}

void buf_grow(buf_t *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	b->s = xrealloc(b->s, cap);
	b->cap = cap;
	b->s[b->len] = '\0'; /* a buffer that holds memory is a string, even before anything is put in it */
}

void buf_reserve(buf_t *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	b->s = xrealloc(b->s, need);
	b->cap = need;
	b->s[b->len] = '\0';
}

void buf_put(buf_t *b, const void *p, size_t n)
{
	buf_grow(b, n);
	if (n)
		memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void buf_puts(buf_t *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

void buf_putc(buf_t *b, char c)
{
	buf_grow(b, 1);
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
}

void buf_vprintf(buf_t *b, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	buf_grow(b, (size_t)n);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void buf_printf(buf_t *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

/* 1-5: the entity of & < > " '; 6: a control character (not tab, LF, CR) or
 * DEL, shown as U+FFFD (not allowed in HTML or XML text); 7: a byte >= 0x80,
 * kept when it starts a valid UTF-8 sequence, else U+FFFD. */
static const unsigned char html_special[256] = {
	6, 6, 6, 6, 6, 6, 6, 6, 6, 0, 0, 6, 6, 0, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6,
	['&'] = 1, ['<'] = 2, ['>'] = 3, ['"'] = 4, ['\''] = 5, [0x7F] = 6,
	[0x80] = 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
	7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
	7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
	7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
};

void buf_put_html(buf_t *b, const char *s, size_t n)
{
	/* a table rather than a switch per byte: templates escape every value through here */
	static const char *const rep[] = {"", "&amp;", "&lt;", "&gt;", "&quot;", "&#39;", UTF8_REPLACEMENT};
	static const size_t replen[] = {0, 5, 4, 4, 6, 5, 3};
	size_t start = 0;
	buf_grow(b, n);
	for (size_t i = 0; i < n; i++) {
		unsigned char k = html_special[(unsigned char)s[i]];
		if (!k)
			continue;
		if (k == 7) {
			size_t l = utf8_seq_len(s + i, n - i);
			if (l) {
				i += l - 1;
				continue;
			}
			k = 6;
		}
		buf_put(b, s + start, i - start);
		buf_put(b, rep[k], replen[k]);
		start = i + 1;
	}
	buf_put(b, s + start, n - start);
}

void buf_clear(buf_t *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

const char *buf_cstr(buf_t *b)
{
	return b->s ? b->s : "";
}

char *buf_detach(buf_t *b)
{
	char *s = b->s ? b->s : xstrdup("");
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

void buf_free(buf_t *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}
