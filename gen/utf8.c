/* utf8.c - UTF-8 validity for text from outside. See utf8.h. */
#include "utf8.h"

#include <string.h>

#include "buf.h"

size_t utf8_seq_len(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned char c = u[0];
	if (c < 0x80)
		return 1;
	size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
	if (!len || len > n || (len == 2 && c < 0xC2) || c > 0xF4)
		return 0;
	for (size_t k = 1; k < len; k++)
		if ((u[k] & 0xC0) != 0x80)
			return 0;
	if ((c == 0xE0 && u[1] < 0xA0) || (c == 0xED && u[1] > 0x9F) || (c == 0xF0 && u[1] < 0x90) ||
	    (c == 0xF4 && u[1] > 0x8F))
		return 0;
	return len;
}

size_t utf8_valid_prefix(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		size_t l = utf8_seq_len(s + i, n - i);
		if (!l)
			return i;
		i += l;
	}
	return n;
}

char *utf8_fix(const char *s)
{
	size_t n = strlen(s), ok = utf8_valid_prefix(s, n);
	if (ok == n)
		return NULL;
	buf_t b = BUF_INIT;
	size_t i = 0;
	while (i < n) {
		ok = utf8_valid_prefix(s + i, n - i);
		buf_put(&b, s + i, ok);
		i += ok;
		if (i < n) {
			buf_puts(&b, UTF8_REPLACEMENT);
			i++;
		}
	}
	return buf_detach(&b);
}
