/* val.c - the JSON-like value tree. See val.h. */
#include "val.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t on the stack */
#include <xxhash.h>

#include "buf.h"
#include "utf8.h"

static val_t *val_new(val_type t)
{
	val_t *v = xcalloc(1, sizeof *v);
	v->type = t;
	return v;
}

val_t *val_null(void) { return val_new(VAL_NULL); }

val_t *val_bool(int b)
{
	val_t *v = val_new(VAL_BOOL);
	v->b = !!b;
	return v;
}

val_t *val_num(double n)
{
	val_t *v = val_new(VAL_NUM);
	v->num = n;
	return v;
}

val_t *val_strn(const char *s, size_t n)
{
	val_t *v = val_new(VAL_STR);
	v->str = xstrndup(s, n);
	v->len = n;
	return v;
}

val_t *val_str(const char *s) { return val_strn(s ? s : "", s ? strlen(s) : 0); }

val_t *val_str_take(char *s)
{
	val_t *v = val_new(VAL_STR);
	v->str = s;
	v->len = strlen(s);
	return v;
}

val_t *val_list(void) { return val_new(VAL_LIST); }
val_t *val_map(void) { return val_new(VAL_MAP); }

static void free_tree(val_t *v, int force)
{
	if (!v || (v->shared && !force))
		return;
	free(v->str);
	if (v->type == VAL_LIST) {
		for (size_t i = 0; i < v->len; i++)
			free_tree(v->items[i], force);
		free(v->items);
	} else if (v->type == VAL_MAP) {
		for (size_t i = 0; i < v->len; i++) {
			if (!v->pairs[i].key_lit)
				free(v->pairs[i].key);
			free_tree(v->pairs[i].val, force);
		}
		free(v->pairs);
	}
	free(v);
}

void val_free(val_t *v) { free_tree(v, 0); }
void val_free_shared(val_t *v) { free_tree(v, 1); }

val_t *val_copy(const val_t *v)
{
	if (!v)
		return NULL;
	val_t *c = val_new(v->type);
	c->line = v->line;
	c->col = v->col;
	c->b = v->b;
	c->num = v->num;
	if (v->str)
		c->str = xstrndup(v->str, v->type == VAL_STR ? v->len : strlen(v->str));
	if (v->type == VAL_STR)
		c->len = v->len;
	if (v->type == VAL_LIST)
		for (size_t i = 0; i < v->len; i++)
			val_list_push(c, val_copy(v->items[i]));
	if (v->type == VAL_MAP)
		for (size_t i = 0; i < v->len; i++)
			val_map_set(c, v->pairs[i].key, val_copy(v->pairs[i].val));
	return c;
}

val_t *val_list_push(val_t *l, val_t *item)
{
	if (l->len == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 4;
		l->items = xrealloc(l->items, l->cap * sizeof *l->items);
	}
	l->items[l->len++] = item;
	return item;
}

val_t *val_list_at(const val_t *l, size_t i)
{
	if (!l || l->type != VAL_LIST || i >= l->len)
		return NULL;
	return l->items[i];
}

val_t *val_map_set(val_t *m, const char *key, val_t *v)
{
	for (size_t i = 0; i < m->len; i++) {
		if (strcmp(m->pairs[i].key, key) == 0) {
			val_free(m->pairs[i].val);
			m->pairs[i].val = v;
			return v;
		}
	}
	if (m->len == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 8;
		m->pairs = xrealloc(m->pairs, m->cap * sizeof *m->pairs);
	}
	m->pairs[m->len].key = xstrdup(key);
	m->pairs[m->len].val = v;
	m->pairs[m->len].line = m->pairs[m->len].col = 0;
	m->pairs[m->len].key_lit = 0;
	m->len++;
	return v;
}

val_t *val_map_append(val_t *m, const char *key, val_t *v)
{
	val_map_add_lit(m, key, v);
	m->pairs[m->len - 1].key = xstrdup(key);
	m->pairs[m->len - 1].key_lit = 0;
	return v;
}

val_t *val_map_add_lit(val_t *m, const char *key, val_t *v)
{
	if (m->len == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 8;
		m->pairs = xrealloc(m->pairs, m->cap * sizeof *m->pairs);
	}
	m->pairs[m->len].key = (char *)key;
	m->pairs[m->len].val = v;
	m->pairs[m->len].key_lit = 1;
	m->pairs[m->len].line = m->pairs[m->len].col = 0;
	m->len++;
	return v;
}

val_t *val_map_add_lit_str(val_t *m, const char *key, const char *s) { return val_map_add_lit(m, key, val_str(s)); }
val_t *val_map_add_lit_bool(val_t *m, const char *key, int b) { return val_map_add_lit(m, key, val_bool(b)); }
val_t *val_map_add_lit_num(val_t *m, const char *key, double n) { return val_map_add_lit(m, key, val_num(n)); }

val_t *val_map_set_str(val_t *m, const char *key, const char *s) { return val_map_set(m, key, val_str(s)); }
val_t *val_map_set_num(val_t *m, const char *key, double n) { return val_map_set(m, key, val_num(n)); }
val_t *val_map_set_bool(val_t *m, const char *key, int b) { return val_map_set(m, key, val_bool(b)); }

val_t *val_map_get(const val_t *m, const char *key)
{
	if (!m || m->type != VAL_MAP)
		return NULL;
	for (size_t i = 0; i < m->len; i++)
		if (strcmp(m->pairs[i].key, key) == 0)
			return m->pairs[i].val;
	return NULL;
}

const char *val_as_str(const val_t *v)
{
	return v && v->type == VAL_STR ? v->str : NULL;
}

/* A digest in the making: small fields gathered in `buf`, fed to XXH3 a few kilobytes at a time. */
typedef struct {
	XXH3_state_t st;
	unsigned char buf[4096];
	size_t n;
} digest_t;

static void dg_put(digest_t *d, const void *p, size_t len)
{
	if (len > sizeof d->buf / 2) { /* a page's HTML: straight in */
		XXH3_128bits_update(&d->st, d->buf, d->n);
		d->n = 0;
		XXH3_128bits_update(&d->st, p, len);
		return;
	}
	if (d->n + len > sizeof d->buf) {
		XXH3_128bits_update(&d->st, d->buf, d->n);
		d->n = 0;
	}
	memcpy(d->buf + d->n, p, len);
	d->n += len;
}

static void dg_put_size(digest_t *d, size_t n)
{
	uint64_t v = n;
	dg_put(d, &v, sizeof v);
}

static void dg_add(digest_t *d, const val_t *v)
{
	unsigned char t = v ? (unsigned char)v->type : 0xff;
	if (v && v->digested) { /* frozen (val_digest_freeze): its digest stands for it */
		t |= 0x80;
		dg_put(d, &t, 1);
		dg_put(d, v->digest, sizeof v->digest);
		return;
	}
	dg_put(d, &t, 1);
	if (!v)
		return;
	switch (v->type) {
	case VAL_NULL:
		break;
	case VAL_BOOL: {
		unsigned char b = v->b != 0;
		dg_put(d, &b, 1);
		break;
	}
	case VAL_NUM: {
		dg_put(d, &v->num, sizeof v->num);
		size_t n = v->str ? strlen(v->str) : 0;
		dg_put_size(d, n);
		dg_put(d, v->str ? v->str : "", n);
		break;
	}
	case VAL_STR:
		dg_put_size(d, v->len);
		dg_put(d, v->str ? v->str : "", v->len);
		break;
	case VAL_LIST:
		dg_put_size(d, v->len);
		for (size_t i = 0; i < v->len; i++)
			dg_add(d, v->items[i]);
		break;
	case VAL_MAP:
		dg_put_size(d, v->len);
		for (size_t i = 0; i < v->len; i++) {
			size_t n = strlen(v->pairs[i].key);
			dg_put_size(d, n);
			dg_put(d, v->pairs[i].key, n);
			dg_add(d, v->pairs[i].val);
		}
		break;
	}
}

void val_digest(const val_t *const *vals, size_t n, uint64_t out[2])
{
	digest_t dd; /* on the stack: XXH3_state_t is 64-byte aligned, malloc's memory is not */
	digest_t *d = &dd;
	XXH3_128bits_reset(&d->st);
	d->n = 0;
	for (size_t i = 0; i < n; i++)
		dg_add(d, vals[i]);
	XXH3_128bits_update(&d->st, d->buf, d->n);
	XXH128_hash_t h = XXH3_128bits_digest(&d->st);
	out[0] = h.low64;
	out[1] = h.high64;
}

void val_digest_freeze(val_t *v)
{
	if (!v || v->digested)
		return;
	const val_t *one[1] = {v};
	uint64_t dg[2];
	val_digest(one, 1, dg);
	v->digest[0] = dg[0];
	v->digest[1] = dg[1];
	v->digested = 1;
}

void val_format_num(char *dst, size_t dstlen, double n)
{
	if (isfinite(n) && n == floor(n) && fabs(n) < 1e15)
		snprintf(dst, dstlen, "%lld", (long long)n);
	else
		snprintf(dst, dstlen, "%.15g", n);
}

void val_write_json(json_writer_t *w, const val_t *v)
{
	if (!v) {
		json_null(w);
		return;
	}
	switch (v->type) {
	case VAL_NULL: json_null(w); break;
	case VAL_BOOL: json_bool(w, v->b); break;
	case VAL_NUM: {
		char tmp[64];
		val_format_num(tmp, sizeof tmp, v->num);
		/* write raw number text */
		json_int(w, 0);
		w->out->len -= 1;
		buf_puts(w->out, tmp);
		break;
	}
	case VAL_STR: json_stringn(w, v->str, v->len); break;
	case VAL_LIST:
		json_begin_array(w);
		for (size_t i = 0; i < v->len; i++)
			val_write_json(w, v->items[i]);
		json_end_array(w);
		break;
	case VAL_MAP:
		json_begin_object(w);
		for (size_t i = 0; i < v->len; i++) {
			json_key(w, v->pairs[i].key);
			val_write_json(w, v->pairs[i].val);
		}
		json_end_object(w);
		break;
	}
}

/* ---- JSON parser (recursive descent, depth-bounded) ---- */

typedef struct {
	const char *s;
	size_t n, i;
	char *err;
	size_t errlen;
	int depth;
} jp_t;

static void jp_pos(const jp_t *p, int *line, int *col)
{
	*line = 1;
	*col = 1;
	for (size_t k = 0; k < p->i && k < p->n; k++) {
		if (p->s[k] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

static val_t *jp_fail(jp_t *p, const char *msg)
{
	if (p->err && !p->err[0]) {
		int line, col;
		jp_pos(p, &line, &col);
		snprintf(p->err, p->errlen, "%d:%d: %s", line, col, msg);
	}
	return NULL;
}

static void jp_ws(jp_t *p)
{
	while (p->i < p->n && strchr(" \t\r\n", p->s[p->i]) && p->s[p->i])
		p->i++;
}

static int jp_hex4(jp_t *p, unsigned *out)
{
	if (p->i + 4 > p->n)
		return -1;
	unsigned v = 0;
	for (int k = 0; k < 4; k++) {
		char c = p->s[p->i++];
		v <<= 4;
		if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
		else return -1;
	}
	*out = v;
	return 0;
}

static int jp_string(jp_t *p, buf_t *b)
{
	p->i++; /* opening quote */
	while (p->i < p->n) {
		char c = p->s[p->i++];
		if (c == '"')
			return 0;
		if (c != '\\') {
			buf_putc(b, c);
			continue;
		}
		if (p->i >= p->n)
			break;
		c = p->s[p->i++];
		switch (c) {
		case 'n': buf_putc(b, '\n'); break;
		case 't': buf_putc(b, '\t'); break;
		case 'r': buf_putc(b, '\r'); break;
		case 'b': buf_putc(b, '\b'); break;
		case 'f': buf_putc(b, '\f'); break;
		case 'u': {
			unsigned cp;
			if (jp_hex4(p, &cp))
				return -1;
			if (cp >= 0xD800 && cp < 0xDC00 && p->i + 6 <= p->n && p->s[p->i] == '\\' &&
			    p->s[p->i + 1] == 'u') {
				unsigned lo;
				p->i += 2;
				if (jp_hex4(p, &lo))
					return -1;
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			}
			utf8_put(b, cp);
			break;
		}
		default: buf_putc(b, c);
		}
	}
	return -1;
}

static val_t *jp_value(jp_t *p)
{
	jp_ws(p);
	if (p->i >= p->n)
		return jp_fail(p, "unexpected end of input");
	if (++p->depth > 256)
		return jp_fail(p, "nesting too deep");
	char c = p->s[p->i];
	val_t *v = NULL;
	if (c == '{') {
		p->i++;
		v = val_map();
		jp_ws(p);
		if (p->i < p->n && p->s[p->i] == '}') {
			p->i++;
			goto done;
		}
		for (;;) {
			jp_ws(p);
			if (p->i >= p->n || p->s[p->i] != '"') {
				val_free(v);
				return jp_fail(p, "expected a string key");
			}
			buf_t k = BUF_INIT;
			if (jp_string(p, &k)) {
				buf_free(&k);
				val_free(v);
				return jp_fail(p, "bad string");
			}
			jp_ws(p);
			if (p->i >= p->n || p->s[p->i] != ':') {
				buf_free(&k);
				val_free(v);
				return jp_fail(p, "expected ':'");
			}
			p->i++;
			val_t *item = jp_value(p);
			if (!item) {
				buf_free(&k);
				val_free(v);
				return NULL;
			}
			val_map_set(v, buf_cstr(&k), item);
			buf_free(&k);
			jp_ws(p);
			if (p->i < p->n && p->s[p->i] == ',') {
				p->i++;
				continue;
			}
			if (p->i < p->n && p->s[p->i] == '}') {
				p->i++;
				goto done;
			}
			val_free(v);
			return jp_fail(p, "expected ',' or '}'");
		}
	} else if (c == '[') {
		p->i++;
		v = val_list();
		jp_ws(p);
		if (p->i < p->n && p->s[p->i] == ']') {
			p->i++;
			goto done;
		}
		for (;;) {
			val_t *item = jp_value(p);
			if (!item) {
				val_free(v);
				return NULL;
			}
			val_list_push(v, item);
			jp_ws(p);
			if (p->i < p->n && p->s[p->i] == ',') {
				p->i++;
				continue;
			}
			if (p->i < p->n && p->s[p->i] == ']') {
				p->i++;
				goto done;
			}
			val_free(v);
			return jp_fail(p, "expected ',' or ']'");
		}
	} else if (c == '"') {
		buf_t s = BUF_INIT;
		if (jp_string(p, &s)) {
			buf_free(&s);
			return jp_fail(p, "unterminated string");
		}
		v = val_strn(buf_cstr(&s), s.len);
		buf_free(&s);
	} else if (p->n - p->i >= 4 && memcmp(p->s + p->i, "true", 4) == 0) {
		p->i += 4;
		v = val_bool(1);
	} else if (p->n - p->i >= 5 && memcmp(p->s + p->i, "false", 5) == 0) {
		p->i += 5;
		v = val_bool(0);
	} else if (p->n - p->i >= 4 && memcmp(p->s + p->i, "null", 4) == 0) {
		p->i += 4;
		v = val_null();
	} else if (c == '-' || (c >= '0' && c <= '9')) {
		size_t st = p->i;
		while (p->i < p->n && strchr("+-0123456789.eE", p->s[p->i]) && p->s[p->i])
			p->i++;
		char *txt = xstrndup(p->s + st, p->i - st);
		v = val_num(strtod(txt, NULL));
		v->str = txt;
	} else {
		return jp_fail(p, "unexpected character");
	}
done:
	p->depth--;
	return v;
}

int val_parse_json(val_t **out, const char *s, size_t n, char *err, size_t errlen)
{
	jp_t p = {s, n, 0, err, errlen, 0};
	if (err && errlen)
		err[0] = '\0';
	val_t *v = jp_value(&p);
	if (!v)
		return -1;
	jp_ws(&p);
	if (p.i != p.n) {
		val_free(v);
		jp_fail(&p, "trailing characters");
		return -1;
	}
	*out = v;
	return 0;
}
