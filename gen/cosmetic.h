/* cosmetic.h - a page's rendered text in canonical form, to tell a cosmetic
 * edit from a review (prefix cosmetic_; freshness.count: content).
 *
 * With `freshness.count: content` a commit whose change to a page leaves its
 * rendered text identical does not count as the page's last change (the
 * history walk compares the canonical forms of the page before and after the
 * commit: history.h, hist_opts_t.content_canon). The canonical form is what a
 * reader sees, not how the file spells it:
 *
 *   - front matter: the parsed values (key order does not matter, nor YAML's
 *     quoting or flow/block style); a block that does not parse is compared
 *     as text with line ends and trailing blanks normalised;
 *   - the Markdown body, parsed with the same cmark-gfm options and
 *     extensions as the site (markdown.h), as its node tree: block and inline
 *     structure (heading levels, list kind and start number, emphasis,
 *     tables with their column alignments, task-list check marks, footnotes,
 *     hard line breaks) and its text with every run of white space, line end
 *     or soft break made one space. So line ends (CRLF, LF), trailing blanks,
 *     re-wrapped paragraphs, blank lines, `*`/`-`/`+` list markers, `1.`/`1)`,
 *     ATX or setext headings, `*a*`/`_a_`, escapes and entities that spell the
 *     same character do not matter; code blocks keep every byte (white space
 *     is content there), with their language;
 *   - link and image targets as the page they reach: relative targets are
 *     resolved against the page's own folder (so a page that moved keeps
 *     "the same" links), `.`/`..` segments folded, a `.md` file, its folder
 *     with a trailing `/`, `index.md`, `README.md` and `index.html` all name
 *     the same page; fragments and absolute URLs are compared as written.
 *
 * Anything else (a changed word, a link to another page, a checked box, a new
 * front-matter value) is a change. The form is versioned: COSMETIC_VERSION
 * changes whenever it does (stored answers computed with another version are
 * not reused). Thread-safe after md_init(). */
#ifndef ALMANAC_COSMETIC_H
#define ALMANAC_COSMETIC_H

#include <stddef.h>

#define COSMETIC_VERSION 1u

/* The canonical rendered text of the page `path` (repo-relative, its name at
 * that commit: relative links are resolved from its folder) whose file holds
 * the `len` bytes at `text`. Returns a new string (the caller frees it), its
 * length in *out_len; never NULL. Two versions of a page are a cosmetic edit
 * of each other exactly when their canonical texts are equal. */
char *cosmetic_canon(const char *path, const char *text, size_t len, size_t *out_len);

#endif
