/* layout_hugo.h - Hugo's shortcodes and ref lookups (prefix layout_hugo_).
 *
 * Hugo runs shortcodes ({{< name args >}} and {{% name args %}}) before its
 * Markdown. Almanac resolves the two that make links, ref and relref, like
 * the links they stand for, and shows every other one as nothing (its inner
 * text, for a pair, stays), with one warning per name. */
#ifndef ALMANAC_LAYOUT_HUGO_H
#define ALMANAC_LAYOUT_HUGO_H

#include <stddef.h>

#include "layout.h"

/* A ref/relref shortcode in a page's text becomes a link destination
 * starting with this prefix, followed by the target (percent-encoded where
 * a destination cannot hold the byte) and '|' padding. */
#define LAYOUT_HUGO_REF "hugo-ref:"
/* A param shortcode at the start of a link destination ("[x]({{< param Repo >}}/edit)")
 * becomes this prefix, the parameter's name and '|' padding; the rest of the
 * destination follows. links.c puts the config's value in its place. */
#define LAYOUT_HUGO_PARAM "hugo-param:"

/* A shortcode Almanac does not run: its name and where it first appears. */
typedef struct {
	char *name;    /* owned */
	int line, col; /* in the file; column in characters */
} layout_shortcode_t;

/* Rewrite the shortcodes of a page body (`len` bytes whose first line is line
 * `line0` of the file): ref and relref become LAYOUT_HUGO_REF destinations;
 * param, when `params` (the config's params table) has the name, becomes a
 * LAYOUT_HUGO_PARAM destination at the start of a link destination, else
 * its value when that fits in the tag's place; every other shortcode tag
 * becomes spaces (line ends kept). So the text keeps its length and every
 * position its line and column. Returns NULL
 * when the body has no shortcode, else the new text (caller frees; `len`
 * bytes and a NUL). *unknown receives the other shortcodes' names, the first
 * place of each (caller frees with layout_shortcodes_free; NULL when none). */
char *layout_hugo_shortcodes(const char *body, size_t len, int line0, const val_t *params,
			     layout_shortcode_t **unknown, size_t *nunknown);
/* The value of Hugo site parameter `name` (case-insensitive, dotted names
 * look into tables) in `params` as text, or NULL. Borrowed. */
const char *layout_hugo_param(const val_t *params, const char *name);
/* Free what layout_hugo_shortcodes returned in *unknown. */
void layout_shortcodes_free(layout_shortcode_t *v, size_t n);
/* The repository paths a Hugo ref `ref` (no #fragment) may name, in the
 * order Hugo tries them: from the page's folder `page_dir`, then from the
 * content root `root`; each as written when it ends in .md, else with .md,
 * /_index.md and /index.md added. Returns the count; *out receives owned
 * strings (caller frees each and the array). Hugo's last resort, a unique
 * file name anywhere, is the caller's. */
size_t layout_hugo_ref_candidates(const char *root, const char *page_dir, const char *ref, char ***out);

#endif
