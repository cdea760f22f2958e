/* buf.h - growable byte buffer, the one string type used everywhere.
 *
 * A buf_t owns its memory; buf_free() releases it. The data is always
 * NUL-terminated (when len > 0 or after any append), so b.s can be passed to
 * functions expecting a C string. Allocation failure aborts the process
 * (there is no sensible recovery from OOM in a build tool). */
#ifndef ALMANAC_BUF_H
#define ALMANAC_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct {
	char *s;     /* data, NUL-terminated once anything was appended; may be NULL when empty */
	size_t len;  /* bytes used, excluding the terminating NUL */
	size_t cap;  /* bytes allocated */
} buf_t;

#define BUF_INIT {NULL, 0, 0}

/* Ensure room for `extra` more bytes plus the terminating NUL. */
void buf_grow(buf_t *b, size_t extra);
/* Room for `extra` more bytes and the NUL, exactly (no doubling): for a
 * buffer whose final size is known, e.g. a file read whole. */
void buf_reserve(buf_t *b, size_t extra);
/* Append `n` bytes of `p`. */
void buf_put(buf_t *b, const void *p, size_t n);
/* Append the C string `s`. */
void buf_puts(buf_t *b, const char *s);
/* Append one byte. */
void buf_putc(buf_t *b, char c);
/* Append printf-formatted text. */
void buf_printf(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(buf_t *b, const char *fmt, va_list ap);
/* Append `s` HTML-escaped (& < > " ' escaped) for HTML and XML text and
 * attributes: control characters other than tab, LF and CR, DEL and bytes
 * that are not valid UTF-8 become U+FFFD, so the result is always valid. */
void buf_put_html(buf_t *b, const char *s, size_t n);
/* Reset to empty, keeping the allocation. */
void buf_clear(buf_t *b);
/* Return a NUL-terminated C string; never NULL ("" for an empty buffer). Borrowed. */
const char *buf_cstr(buf_t *b);
/* Give the data to the caller (caller frees with free()); the buffer becomes empty. Never NULL. */
char *buf_detach(buf_t *b);
/* Free the data; accepts a zeroed buffer. */
void buf_free(buf_t *b);

/* xmalloc-style helpers: abort on out-of-memory. Results are the caller's to free(). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* Grow the array `ptr` (capacity `cap`, in elements) so that index `n` fits:
 * doubling from 8, through xrealloc. */
#define GROW(ptr, n, cap)                                                    \
	do {                                                                 \
		if ((n) >= (cap)) {                                          \
			(cap) = (cap) ? (cap) * 2 : 8;                       \
			if ((cap) <= (n))                                    \
				(cap) = (n) + 1;                             \
			(ptr) = xrealloc((ptr), (cap) * sizeof *(ptr));      \
		}                                                            \
	} while (0)
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a new string (caller frees). */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
