/* cilog.c - text for CI logs that no CI reads as a command. See cilog.h. */
#include "cilog.h"

#include <ctype.h>
#include <string.h>

/* 1 when `s` (n bytes) at `i` is "##" followed by '[' or a letter. */
static int is_command_mark(const char *s, size_t n, size_t i)
{
	return i + 2 < n && s[i] == '#' && s[i + 1] == '#' && (s[i + 2] == '[' || isalpha((unsigned char)s[i + 2]));
}

void cilog_put(buf_t *out, const char *s, size_t n)
{
	size_t from = 0;
	for (size_t i = 0; i < n; i++) {
		if (!is_command_mark(s, n, i))
			continue;
		buf_put(out, s + from, i + 1 - from);
		buf_puts(out, "\\x23");
		i++;
		from = i + 1;
	}
	buf_put(out, s + from, n - from);
}

void cilog_lines(buf_t *b)
{
	buf_t out = BUF_INIT;
	const char *s = b->s;
	size_t n = b->len, i = 0;
	while (i < n) {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - s) + 1 : n;
		size_t k = i;
		while (k < e && (s[k] == ' ' || s[k] == '\t'))
			k++;
		if (k + 1 < e && s[k] == ':' && s[k + 1] == ':') {
			buf_put(&out, s + i, k - i);
			buf_puts(&out, "\\x3a");
			cilog_put(&out, s + k + 1, e - k - 1);
		} else {
			cilog_put(&out, s + i, e - i);
		}
		i = e;
	}
	buf_free(b);
	*b = out;
}
