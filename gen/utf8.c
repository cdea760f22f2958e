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

unsigned long utf8_decode(const char *s, size_t n, size_t *len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t l = u[0] < 0x80 ? 1 : utf8_seq_len(s, n);
	if (!l) {
		*len = 1;
		return 0xFFFD;
	}
	*len = l;
	unsigned long cp = l == 1 ? u[0] : l == 2 ? u[0] & 0x1Fu : l == 3 ? u[0] & 0x0Fu : u[0] & 0x07u;
	for (size_t k = 1; k < l; k++)
		cp = (cp << 6) | (u[k] & 0x3Fu);
	return cp;
}

void utf8_put(buf_t *b, unsigned long cp)
{
	if (cp < 0x80) {
		buf_putc(b, (char)cp);
	} else if (cp < 0x800) {
		buf_putc(b, (char)(0xC0 | (cp >> 6)));
		buf_putc(b, (char)(0x80 | (cp & 0x3F)));
	} else if (cp < 0x10000) {
		buf_putc(b, (char)(0xE0 | (cp >> 12)));
		buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
		buf_putc(b, (char)(0x80 | (cp & 0x3F)));
	} else {
		buf_putc(b, (char)(0xF0 | (cp >> 18)));
		buf_putc(b, (char)(0x80 | ((cp >> 12) & 0x3F)));
		buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
		buf_putc(b, (char)(0x80 | (cp & 0x3F)));
	}
}
