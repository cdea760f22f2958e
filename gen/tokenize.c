/* tokenize.c - words for the search index (see tokenize.h for the rules). */
#include "tokenize.h"

#include <libstemmer.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* Sorted (strcmp order). Mirrored in search.js (STOP). Words that matter in
 * operations text (up, down, out, off, over, under, all, no, not) are kept. */
static const char *const stopwords[] = {
	"a", "about", "also", "am", "an", "and", "are", "as", "at", "be", "been",
	"being", "but", "by", "can", "could", "did", "do", "does", "doing", "each",
	"for", "from", "had", "has", "have", "having", "he", "her", "here", "hers",
	"him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself",
	"just", "me", "my", "of", "on", "or", "our", "ours", "she", "should", "so",
	"such", "than", "that", "the", "their", "theirs", "them", "then", "there",
	"these", "they", "this", "those", "to", "too", "very", "was", "we", "were",
	"what", "when", "where", "which", "while", "who", "whom", "why", "will",
	"with", "would", "you", "your", "yours",
};

#define NSTOP (sizeof(stopwords) / sizeof(stopwords[0]))

/* The stop words as 64-bit keys (the bytes, little-endian, zero-padded: every
 * stop word has at most 7 letters) in an open-addressing table built once. */
#define STOP_SLOTS 256
static uint64_t stop_table[STOP_SLOTS];
static pthread_once_t stop_once = PTHREAD_ONCE_INIT;

static uint64_t stop_key(const char *w, size_t n)
{
	uint64_t k = 0;
	for (size_t i = 0; i < n; i++)
		k |= (uint64_t)(unsigned char)w[i] << (8 * i);
	return k;
}

static size_t stop_slot(uint64_t k)
{
	return (size_t)((k * 0x9E3779B97F4A7C15ull) >> 56);
}

static void stop_init(void)
{
	for (size_t i = 0; i < NSTOP; i++) {
		uint64_t k = stop_key(stopwords[i], strlen(stopwords[i]));
		size_t j = stop_slot(k);
		while (stop_table[j])
			j = (j + 1) & (STOP_SLOTS - 1);
		stop_table[j] = k;
	}
}

static int stop_has(uint64_t k)
{
	for (size_t j = stop_slot(k);; j = (j + 1) & (STOP_SLOTS - 1)) {
		if (stop_table[j] == k)
			return 1;
		if (!stop_table[j])
			return 0;
	}
}

/* The stop-word test on a lower-case word without NUL bytes (the table is
 * built already). */
static inline int is_stop(const char *w, size_t n)
{
	/* the longest stop word has 7 letters */
	return n > 0 && n <= 7 && w[0] >= 'a' && w[0] <= 'z' && stop_has(stop_key(w, n));
}

int tok_is_stopword(const char *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (w[i] == '\0') /* a key cannot tell "a" from "a\0" */
			return 0;
	pthread_once(&stop_once, stop_init);
	return is_stop(w, n);
}

/* Decode one code point at s[0..n); *len gets its byte length (1 for an
 * invalid byte, reported as code point 0xFFFD... never a word character). */
static unsigned decode(const unsigned char *s, size_t n, size_t *len)
{
	unsigned c = s[0];
	*len = 1;
	if (c < 0x80)
		return c;
	size_t need;
	unsigned cp;
	if (c >= 0xC2 && c <= 0xDF) {
		need = 1;
		cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 2;
		cp = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3;
		cp = c & 0x07;
	} else {
		return 0xFFFFFFFFu;
	}
	if (need >= n)
		return 0xFFFFFFFFu;
	for (size_t i = 1; i <= need; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0xFFFFFFFFu;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	/* reject overlong forms and surrogates */
	if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0xFFFFFFFFu;
	*len = need + 1;
	return cp;
}

/* ASCII word characters (letters and digits). */
static const unsigned char ascii_word[128] = {
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1,
	['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1,
	['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1,
	['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1,
	['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};

static inline int is_word_cp(unsigned c)
{
	if (c < 0x80)
		return ascii_word[c];
	return (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7) ||
	       (c >= 0x370 && c <= 0x1FFF) || (c >= 0x2C00 && c <= 0x2DFF) ||
	       (c >= 0x3040 && c <= 0xD7FF) || (c >= 0xF900 && c <= 0xFDFF);
}

/* decode() with the ASCII case inline (most of the text). */
static inline unsigned decode_fast(const unsigned char *s, size_t n, size_t *len)
{
	if (s[0] < 0x80) {
		*len = 1;
		return s[0];
	}
	return decode(s, n, len);
}

static inline int is_joiner(unsigned c)
{
	return c == '-' || c == '_' || c == '.';
}

size_t tok_utf8_chars(const char *s, size_t n)
{
	size_t count = 0, i = 0, l;
	while (i < n) {
		decode_fast((const unsigned char *)s + i, n - i, &l);
		i += l;
		count++;
	}
	return count;
}

#define MAX_PARTS 32

/* Emit one word (lower-cased into `scratch`) after the length and stop-word
 * filters. The stop-word table must be initialised (stop_once). */
static int emit(const char *w, size_t n, tok_kind kind, char *scratch, tok_fn fn, void *ctx)
{
	if (n < 2 || n > TOK_MAX_CHARS * 4)
		return 0;
	unsigned high = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)w[i];
		high |= c;
		scratch[i] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
	}
	/* all ASCII: one code point a byte */
	size_t chars = (high & 0x80) ? tok_utf8_chars(w, n) : n;
	if (chars < 2 || chars > TOK_MAX_CHARS)
		return 0;
	/* words hold no NUL (a separator), so the key test is exact */
	if (is_stop(scratch, n))
		return 0;
	return fn(ctx, scratch, n, kind);
}

static inline int is_upper(unsigned c) { return c >= 'A' && c <= 'Z'; }
static inline int is_lower(unsigned c) { return c >= 'a' && c <= 'z'; }
static inline int is_digit(unsigned c) { return c >= '0' && c <= '9'; }

/* tok_split() of `len` bytes, or with `cstr` of the text up to its NUL (then
 * `len` is SIZE_MAX: every look-ahead stops at the NUL, which is not a word
 * character, and decode() stops at it as it is no continuation byte).
 * Inlined into both callers so the NUL test costs nothing for the other. */
static inline __attribute__((always_inline)) int split(const char *text, size_t len, int cstr, tok_fn fn,
							void *ctx)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0, l;
	char scratch[TOK_MAX_CHARS * 4 + 1]; /* an emitted word has at most 64 code points */
	int rc = 0;

	pthread_once(&stop_once, stop_init);
	while (i < len && (!cstr || s[i])) {
		unsigned c = decode_fast(s + i, len - i, &l);
		if (!is_word_cp(c)) {
			i += l;
			continue;
		}
		size_t start = i;
		/* part boundaries as [ps[k], pe[k]) byte ranges */
		size_t ps[MAX_PARTS], pe[MAX_PARTS];
		size_t nparts = 0;
		size_t part_start = i;
		unsigned prev = 0; /* previous code point inside the current part */
		size_t end = i;
		/* invariant: c is the word character at i, l its byte length */
		for (;;) {
			/* case boundary before c? */
			if (i > part_start && is_upper(c)) {
				int boundary = 0;
				if (is_lower(prev) || is_digit(prev))
					boundary = 1;
				else if (is_upper(prev)) {
					size_t l2;
					unsigned next = (i + l < len) ? decode_fast(s + i + l, len - i - l, &l2) : 0;
					if (is_lower(next))
						boundary = 1;
				}
				if (boundary) {
					if (nparts < MAX_PARTS) {
						ps[nparts] = part_start;
						pe[nparts] = i;
						nparts++;
					}
					part_start = i;
				}
			}
			prev = c;
			i += l;
			end = i;
			if (i >= len)
				break;
			size_t lj;
			unsigned nc = decode_fast(s + i, len - i, &lj);
			if (is_word_cp(nc)) {
				c = nc;
				l = lj;
				continue;
			}
			if (is_joiner(nc) && i + lj < len) {
				size_t la;
				unsigned after = decode_fast(s + i + lj, len - i - lj, &la);
				if (is_word_cp(after)) {
					if (nparts < MAX_PARTS) {
						ps[nparts] = part_start;
						pe[nparts] = i;
						nparts++;
					}
					i += lj;
					part_start = i;
					prev = 0;
					c = after;
					l = la;
					continue;
				}
			}
			break;
		}
		if (nparts < MAX_PARTS) {
			ps[nparts] = part_start;
			pe[nparts] = end;
			nparts++;
		}
		size_t toklen = end - start;
		if (nparts == 1) {
			rc = emit(text + start, toklen, TOK_WORD, scratch, fn, ctx);
		} else {
			rc = emit(text + start, toklen, TOK_WHOLE, scratch, fn, ctx);
			for (size_t k = 0; k < nparts && rc == 0; k++)
				rc = emit(text + ps[k], pe[k] - ps[k], TOK_PART, scratch, fn, ctx);
		}
		if (rc != 0)
			break;
	}
	return rc;
}

int tok_split(const char *text, size_t len, tok_fn fn, void *ctx)
{
	return split(text, len, 0, fn, ctx);
}

int tok_split_cstr(const char *text, tok_fn fn, void *ctx)
{
	return split(text, SIZE_MAX, 1, fn, ctx);
}

struct tok_stemmer {
	struct sb_stemmer *sb;
};

int tok_stemmer_new(tok_stemmer_t **out)
{
	*out = NULL;
	struct sb_stemmer *sb = sb_stemmer_new("english", "UTF_8");
	if (!sb)
		return -1;
	tok_stemmer_t *s = xmalloc(sizeof(*s));
	s->sb = sb;
	*out = s;
	return 0;
}

void tok_stemmer_free(tok_stemmer_t *s)
{
	if (!s)
		return;
	sb_stemmer_delete(s->sb);
	free(s);
}

const char *tok_stem(tok_stemmer_t *s, const char *w, size_t n, size_t *out_len)
{
	const sb_symbol *r = sb_stemmer_stem(s->sb, (const sb_symbol *)w, (int)n);
	if (!r) {
		*out_len = 0;
		return NULL;
	}
	*out_len = (size_t)sb_stemmer_length(s->sb);
	return (const char *)r;
}
