/* json.c - streaming JSON writer. See json.h. */
#include "json.h"
#include "utf8.h"

#include <math.h>
#include <string.h>

void json_init(json_writer_t *w, buf_t *out, int pretty)
{
	memset(w, 0, sizeof *w);
	w->out = out;
	w->pretty = pretty;
}

/* A newline and two spaces per level (depth is at most 63), in one append. */
static const char indent[] = "\n                                                                "
			     "                                                                ";

static void newline(json_writer_t *w)
{
	if (!w->pretty)
		return;
	buf_put(w->out, indent, 1 + 2 * (size_t)w->depth);
}

static void before_value(json_writer_t *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (w->depth > 0) {
		if (w->need_comma[w->depth])
			buf_putc(w->out, ',');
		w->need_comma[w->depth] = 1;
		newline(w);
	}
}

static void open(json_writer_t *w, char c)
{
	before_value(w);
	buf_putc(w->out, c);
	if (w->depth < 63)
		w->depth++;
	w->need_comma[w->depth] = 0;
}

static void close(json_writer_t *w, char c)
{
	int had = w->need_comma[w->depth];
	if (w->depth > 0)
		w->depth--;
	if (had)
		newline(w);
	buf_putc(w->out, c);
}

void json_begin_object(json_writer_t *w) { open(w, '{'); }
void json_end_object(json_writer_t *w) { close(w, '}'); }
void json_begin_array(json_writer_t *w) { open(w, '['); }
void json_end_array(json_writer_t *w) { close(w, ']'); }

/* Bytes json_escape looks at: 1 for a control character, '"', '\\', '<',
 * '>', '&'; 2 for any byte >= 0x80 (invalid UTF-8 becomes \ufffd, U+2028
 * and U+2029 are escaped: JSON inside a script must not end a line). */
static const unsigned char json_special[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	['"'] = 1, ['\\'] = 1, ['<'] = 1, ['>'] = 1, ['&'] = 1,
	[0x80] = 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
};

void json_escape(buf_t *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t start = 0, i = 0;
	buf_grow(b, n);
	while (i < n) { /* runs that need no escape are copied at once */
		unsigned char c = (unsigned char)s[i];
		if (!json_special[c]) {
			i++;
			continue;
		}
		if (json_special[c] == 2) {
			size_t l = utf8_seq_len(s + i, n - i);
			int sep = l == 3 && c == 0xE2 && (unsigned char)s[i + 1] == 0x80 &&
				  ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9);
			if (l && !sep) {
				i += l;
				continue;
			}
			buf_put(b, s + start, i - start);
			if (sep)
				buf_put(b, (unsigned char)s[i + 2] == 0xA8 ? "\\u2028" : "\\u2029", 6);
			else
				buf_put(b, "\\ufffd", 6);
			i += l ? l : 1;
			start = i;
			continue;
		}
		buf_put(b, s + start, i - start);
		char tmp[6] = {'\\', 0};
		size_t rl = 2;
		switch (c) {
		case '"': tmp[1] = '"'; break;
		case '\\': tmp[1] = '\\'; break;
		case '\n': tmp[1] = 'n'; break;
		case '\t': tmp[1] = 't'; break;
		case '\r': tmp[1] = 'r'; break;
		default: /* other controls and < > &: \u00XX */
			memcpy(tmp, "\\u00", 4);
			tmp[4] = hex[c >> 4];
			tmp[5] = hex[c & 15];
			rl = 6;
			break;
		}
		buf_put(b, tmp, rl);
		start = ++i;
	}
	buf_put(b, s + start, n - start);
}

void json_key(json_writer_t *w, const char *k)
{
	before_value(w);
	size_t n = strlen(k);
	size_t plain = 0; /* keys are nearly always plain ASCII: written in one append */
	while (plain < n && !json_special[(unsigned char)k[plain]])
		plain++;
	if (plain == n && n < 120) {
		char b[128];
		b[0] = '"';
		memcpy(b + 1, k, n);
		memcpy(b + 1 + n, "\": ", 3);
		buf_put(w->out, b, n + (w->pretty ? 4 : 3));
	} else {
		buf_putc(w->out, '"');
		json_escape(w->out, k, n);
		buf_puts(w->out, w->pretty ? "\": " : "\":");
	}
	w->after_key = 1;
}

void json_stringn(json_writer_t *w, const char *s, size_t n)
{
	before_value(w);
	buf_grow(w->out, n + 2);
	buf_putc(w->out, '"');
	json_escape(w->out, s, n);
	buf_putc(w->out, '"');
}

void json_string(json_writer_t *w, const char *s)
{
	json_stringn(w, s ? s : "", s ? strlen(s) : 0);
}

void json_int(json_writer_t *w, long long v)
{
	before_value(w);
	buf_printf(w->out, "%lld", v);
}

void json_fixed1(json_writer_t *w, double v)
{
	before_value(w);
	if (!isfinite(v))
		v = 0;
	/* round half away from zero at one decimal, independent of FP printing quirks */
	long long t = (long long)llround(v * 10.0);
	/* a percentage is never rounded up onto a whole number it does not reach (svgchart_fixed1): 99.96
	 * is 99.9, so "coverage_percent": 100.0 always means every alert has a runbook */
	if (t > 0 && t % 10 == 0 && (double)t > v * 10.0)
		t--;
	buf_printf(w->out, "%s%lld.%lld", t < 0 ? "-" : "", (t < 0 ? -t : t) / 10, (t < 0 ? -t : t) % 10);
}

void json_double(json_writer_t *w, double v)
{
	before_value(w);
	if (!isfinite(v))
		v = 0;
	buf_printf(w->out, "%.6g", v);
}

void json_bool(json_writer_t *w, int v)
{
	before_value(w);
	buf_puts(w->out, v ? "true" : "false");
}

void json_null(json_writer_t *w)
{
	before_value(w);
	buf_puts(w->out, "null");
}
