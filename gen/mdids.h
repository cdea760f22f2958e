/* mdids.h - heading ids by the rules of the tool a repository was written for (prefix mdids_).
 *
 * Almanac's own ids are GitHub's (markdown.h, md_slug: "base", "base-1",
 * ...). A repository built with MkDocs was published with the ids of
 * Python-Markdown's `toc` extension, and links written for that site
 * ("page.md#anchor") name those:
 *   - the heading's text (tags left out, entities decoded, code spans'
 *     text kept, images' alt text and footnote marks not, white space
 *     collapsed: Python-Markdown 3.6 and later; 3.5 and earlier dropped
 *     entities and kept runs of white space) goes through the configured
 *     slugify function: by default markdown.extensions.toc.slugify
 *     (NFKD, non-ASCII dropped, characters other than letters, digits,
 *     '_', '-' and white space removed, trimmed, lower-cased, every run of
 *     white space and separator one separator), or toc.slugify_unicode,
 *     or pymdownx.slugs.slugify (and its older names uslugify, ...);
 *   - ids are made unique as toc's unique() does: "a", "a_1", "a_2"; an
 *     empty slug becomes "_1"; an id set with attr_list ("## Setup
 *     {#setup}") is kept as it is and taken before any other;
 *   - with attr_list on, "{...}" at a heading's end is an attribute list
 *     (cut from the text), with it off it is text.
 * Unicode rules (normalisation, case mapping, what is a letter or white
 * space) are libunistring's, which follows the same Unicode data as
 * Python's unicodedata.
 *
 * The style is a small value (mdids_t) that the layout fills from
 * mkdocs.yml (mdids_mkdocs) and md_render follows (md_opts_t.ids). */
#ifndef ALMANAC_MDIDS_H
#define ALMANAC_MDIDS_H

#include <stddef.h>

#include "diag.h"
#include "map.h"
#include "val.h"

typedef enum { MDIDS_GITHUB = 0, MDIDS_TOC = 1 } mdids_style;
/* The toc slugify function. */
typedef enum {
	MDIDS_SLUGIFY = 0,     /* markdown.extensions.toc.slugify */
	MDIDS_SLUGIFY_UNICODE, /* markdown.extensions.toc.slugify_unicode */
	MDIDS_PYMDOWNX         /* pymdownx.slugs.slugify(case=, normalize=, percent_encode=) */
} mdids_fn;
/* pymdownx.slugs.slugify's case=. */
typedef enum { MDIDS_CASE_NONE = 0, MDIDS_CASE_LOWER, MDIDS_CASE_LOWER_ASCII, MDIDS_CASE_FOLD } mdids_case;
/* pymdownx.slugs.slugify's normalize=. */
typedef enum { MDIDS_NFC = 0, MDIDS_NFD, MDIDS_NFKC, MDIDS_NFKD } mdids_norm;

typedef struct {
	unsigned char style;     /* mdids_style; a zeroed value is GitHub's */
	unsigned char fn;        /* MDIDS_TOC: mdids_fn */
	unsigned char pcase;     /* MDIDS_PYMDOWNX: mdids_case */
	unsigned char norm;      /* MDIDS_PYMDOWNX: mdids_norm */
	unsigned char percent;   /* MDIDS_PYMDOWNX: percent_encode */
	unsigned char attr_list; /* MDIDS_TOC: the attr_list extension is on */
	char sep;                /* MDIDS_TOC: the separator (toc's `separator`), 0 for '-' */
} mdids_t;

/* The ids taken on one page, for mdids_unique. Init with MDIDS_SET_INIT. */
typedef struct {
	map_t ids;  /* every id taken */
	map_t skip; /* "stem_k" -> a k' > k such that stem_k .. stem_(k'-1) are all taken */
} mdids_set_t;

#define MDIDS_SET_INIT {MAP_INIT, MAP_INIT}

/* The toc style's slug of heading text `text` (UTF-8, entities decoded),
 * before unique(): what the slugify function `c` names gives for the text
 * toc passes it (since Python-Markdown 3.6, with every run of white space
 * one space, none at the ends). Never NULL, may be "". Caller frees. */
char *mdids_slug(const mdids_t *c, const char *text);
/* `s` percent-encoded as Python's urllib.parse.quote does (letters, digits
 * and "_.-~/" kept, every other byte %XX): the ids of pymdownx's
 * percent_encode, and what a link's decoded fragment was. Caller frees. */
char *mdids_quote(const char *s);
/* Take `id` in `s` as it is (an id given with attr_list). */
void mdids_take(mdids_set_t *s, const char *id);
/* Python-Markdown toc's unique(): `id` when it is free and not empty, else
 * while taken (or empty) "stem_N" becomes "stem_(N+1)" and any other id
 * gets "_1" appended. The result is taken in `s`. Caller frees. Fast
 * however many headings share a slug. */
char *mdids_unique(mdids_set_t *s, const char *id);
/* Free what `s` holds; it may be used again after MDIDS_SET_INIT. */
void mdids_set_free(mdids_set_t *s);

/* Python-Markdown's attr_list on a heading's last text `text`: when it ends
 * with " {...}" (a space, then braces holding something; spaces after), sets
 * *cut to the length of the text without it (and without the '#'s and white
 * space before it, as attr_list trims them), *id to the id it gives ("#x",
 * or id=x, the last one; NULL when none; caller frees), and returns 1;
 * else returns 0 and sets nothing. */
int mdids_attr_list(const char *text, size_t *cut, char **id);

/* `c` as a number for a cache key: equal styles give equal numbers, fewer
 * than 24 bits. */
unsigned mdids_key(const mdids_t *c);

/* The ids of a site built from MkDocs config `cfg` (a mapping, parsed with
 * YAMLVAL_PYTHON_TAGS; may be NULL: the defaults) of file `file`: the toc
 * style, its `separator` and `slugify` (the default, toc's slugify_unicode,
 * pymdownx.slugs' slugify with case/normalize/percent_encode, or its older
 * names uslugify, uslugify_cased, uslugify_encoded, uslugify_cased_encoded,
 * gfm, gfm_encoded), and whether attr_list is among markdown_extensions
 * (directly, or in extra or pymdownx.extra; Backstage TechDocs' plugin
 * techdocs-core adds pymdownx.extra). A slugify or separator it does
 * not follow is a `layout` warning in `d` at its place, and the default is
 * used. */
void mdids_mkdocs(mdids_t *out, const val_t *cfg, const char *file, diag_list_t *d);
/* 1 when MkDocs config `cfg` lists the plugin `name` under plugins: (a name, a one-key mapping
 * name -> its config, or plugins: as a mapping). */
int mdids_mkdocs_plugin(const val_t *cfg, const char *name);

#endif
