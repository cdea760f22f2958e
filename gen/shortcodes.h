/* shortcodes.h - Hugo shortcode tags in a text (prefix shortcode_).
 *
 * A shortcode tag is "{{< name args >}}" (its inner text goes to the
 * shortcode as written) or "{{% name args %}}" (its inner text is Markdown);
 * "{{< /name >}}" closes a paired shortcode and "{{< name />}}" closes itself.
 * A tag whose name is wrapped in a C comment ("{{<" "/" "*" ... "*" "/" ">}}")
 * is Hugo's escape: the tag is shown, not run. Arguments
 * are positional ("warning", "a b" in double quotes, `raw` in back quotes) or
 * named (key="value", key=value).
 *
 * This module only finds tags and reads their arguments; what a shortcode
 * means is decided by its callers (mdblocks.c renders the callout
 * shortcodes of common Hugo documentation themes, markdown.c warns about
 * the others). Nothing here allocates except shortcode_arg. */
#ifndef ALMANAC_SHORTCODES_H
#define ALMANAC_SHORTCODES_H

#include <stddef.h>

/* a tag's arguments are at most this long (a bound on the work per tag) */
#define SHORTCODE_MAX_ARGS 512

typedef struct {
	size_t off, len;        /* the whole tag, from "{{" to "}}" */
	const char *name;       /* into the text; not NUL-terminated */
	size_t name_len;
	const char *args;       /* the text after the name, up to the closing delimiter, trimmed */
	size_t args_len;
	int closing;            /* "{{< /name >}}" */
	int self_closing;       /* "{{< name />}}" */
	int markdown;           /* '%' delimiters */
	int escaped;            /* Hugo's escaped form (see above): shown, not run */
} shortcode_t;

/* Find the first shortcode tag that starts at or after byte `from` of
 * `s` (`n` bytes); a tag does not span lines. Returns 1 and fills `out`, or
 * 0 when there is none. Linear in the text scanned. */
int shortcode_next(const char *s, size_t n, size_t from, shortcode_t *out);
/* 1 when `s` (`n` bytes, a whole line without its line end) is exactly one
 * shortcode tag, white space around it allowed; fills `out` with offsets
 * relative to `s`. */
int shortcode_line(const char *s, size_t n, shortcode_t *out);
/* 1 when `name` (`n` bytes) is one of the callout shortcodes that
 * mdblocks.c renders (alert, pageinfo, hint, notice, expand, callout,
 * details, admonition): a pre-pass over Hugo pages must leave their tags in
 * place. */
int shortcode_callout(const char *name, size_t n);
/* 1 when the tag's name is `name`. */
int shortcode_is(const shortcode_t *sc, const char *name);
/* The value of argument `key` (named), or else of positional argument
 * `pos` (0-based; -1: none), quotes removed and "\"" unescaped; NULL when
 * absent. Caller frees. */
char *shortcode_arg(const shortcode_t *sc, const char *key, int pos);

#endif
