/* tokenize.h - words for the search index: splitting, stop words, stemming.
 *
 * The same rules are implemented in JavaScript by themes/default/assets/search.js
 * (functions `tokens` and `stem`); a change here must be made there too, and
 * tests/integration/test_search_stemmer.py checks that both sides agree.
 *
 * Rules (all on UTF-8 text):
 *  - Word characters: ASCII letters and digits, and the code points
 *    U+00C0-U+024F (except U+00D7, U+00F7), U+0370-U+1FFF, U+2C00-U+2DFF,
 *    U+3040-U+D7FF, U+F900-U+FDFF. Everything else (punctuation, symbols,
 *    astral code points, invalid UTF-8) separates words.
 *  - A joiner ('-', '_', '.') between two word characters does not end a
 *    token: `kube-proxy`, `etcd_db_total_size`, `v1.2` are one token each.
 *  - A token is split into parts at joiners and at case changes: before an
 *    upper-case letter that follows a lower-case letter or a digit, and before
 *    the last upper-case letter of a run followed by a lower-case letter
 *    (`CrashLoopBackOff` -> crash loop back off, `HTTPServer` -> http server).
 *    A token of several parts yields the whole token (TOK_WHOLE) and then each
 *    part (TOK_PART); a token of one part yields it as TOK_WORD.
 *  - Words are lower-cased (ASCII letters only). A word of fewer than 2 or
 *    more than TOK_MAX_CHARS code points, or a stop word, is dropped (a whole
 *    token may be dropped while its parts are kept).
 *  - Index terms are the words stemmed with Snowball's English stemmer
 *    (libstemmer "english", UTF-8).
 */
#ifndef ALMANAC_TOKENIZE_H
#define ALMANAC_TOKENIZE_H

#include <stddef.h>

#define TOK_MAX_CHARS 64

typedef enum {
	TOK_WORD = 0,  /* a token that has a single part */
	TOK_WHOLE = 1, /* a whole identifier made of several parts */
	TOK_PART = 2   /* one part of the identifier that preceded it */
} tok_kind;

/* Called for each word, in text order. `word` is the lower-cased word (not
 * NUL-terminated, borrowed for the call), `len` its length in bytes. Return 0
 * to go on, non-zero to stop tok_split (which then returns that value). */
typedef int (*tok_fn)(void *ctx, const char *word, size_t len, tok_kind kind);

/* Split `len` bytes of UTF-8 `text` into words by the rules above and call
 * `fn` for each. Returns 0, or the first non-zero value `fn` returned. */
int tok_split(const char *text, size_t len, tok_fn fn, void *ctx);

/* tok_split() of the NUL-terminated `text` (borrowed), without measuring it
 * first. */
int tok_split_cstr(const char *text, tok_fn fn, void *ctx);

/* 1 when the lower-case word `w` (`n` bytes) is an English stop word. */
int tok_is_stopword(const char *w, size_t n);

/* Number of code points in the UTF-8 string (invalid bytes count one each). */
size_t tok_utf8_chars(const char *s, size_t n);

/* A Snowball English stemmer. Not thread-safe: use one per thread. */
typedef struct tok_stemmer tok_stemmer_t;

/* Create a stemmer into *out (the caller's, free with tok_stemmer_free).
 * Returns 0, or -1 when libstemmer has no English stemmer. */
int tok_stemmer_new(tok_stemmer_t **out);
/* Free a stemmer; accepts NULL. */
void tok_stemmer_free(tok_stemmer_t *s);
/* Stem the lower-case word `w` (`n` bytes). Returns the stem, borrowed: valid
 * until the next call on this stemmer; its length goes to *out_len. Returns
 * NULL on out-of-memory inside libstemmer. */
const char *tok_stem(tok_stemmer_t *s, const char *w, size_t n, size_t *out_len);

#endif
