/* utf8.h - UTF-8 validity for text from outside (prefix utf8_).
 *
 * File names are bytes: on Linux a repository can hold a file whose name is
 * not UTF-8 or holds control characters. Everything Almanac writes is valid
 * for its format whatever the names: text (HTML, XML, JSON strings, CSV)
 * shows each invalid byte as U+FFFD, and page and file addresses replace
 * invalid bytes with U+FFFD too (the output file is named so), so that a URL
 * is valid UTF-8 everywhere it appears (see fsu_href for the percent-encoding
 * of the ASCII characters that would break one). */
#ifndef ALMANAC_UTF8_H
#define ALMANAC_UTF8_H

#include <stddef.h>

#include "buf.h"

/* "\xEF\xBF\xBD", U+FFFD REPLACEMENT CHARACTER */
#define UTF8_REPLACEMENT "\xEF\xBF\xBD"

/* Length of the valid UTF-8 sequence at `s` (n bytes left, n >= 1): 1-4, or
 * 0 when the byte at `s` does not start one (overlong forms, surrogates and
 * code points above U+10FFFF are invalid). */
size_t utf8_seq_len(const char *s, size_t n);
/* Offset of the first invalid byte of `s` (n bytes), or n. */
size_t utf8_valid_prefix(const char *s, size_t n);
/* A copy of the NUL-terminated `s` with each invalid byte replaced by U+FFFD,
 * or NULL when `s` is valid (then use `s` itself). Caller frees. */
char *utf8_fix(const char *s);
/* The code point at `s` (n bytes left, n >= 1), its length in *len: an
 * invalid sequence reads as U+FFFD of length 1. */
unsigned long utf8_decode(const char *s, size_t n, size_t *len);
/* Append code point `cp` (at most U+10FFFF) to `b` as UTF-8. */
void utf8_put(buf_t *b, unsigned long cp);

#endif
