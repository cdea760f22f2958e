/* markdown.h - Markdown to HTML with cmark-gfm (prefix md_).
 *
 * One call parses a page body with the GFM extensions (tables,
 * strikethrough, autolinks, task lists, footnotes, tagfilter) and the block
 * syntax of other dialects (mdblocks.h: admonitions, tabs, Docusaurus
 * blocks, Hugo callout shortcodes; GitHub alerts and mermaid diagrams:
 * dialects.h), gives every
 * heading a unique id with a permalink anchor (GitHub's, or those of the tool
 * the repository was written for: md_opts_t.ids, mdids.h), lets the caller
 * rewrite every link and image URL (with the link's source position), and
 * returns the HTML, the headings (for the table of contents and anchor
 * checks) and the plain text split into sections (for search). Parsing and
 * rendering are thread-safe after md_init() (which also makes cmark-gfm's
 * process-wide table of special characters safe: cmarkspecial.h).
 *
 * Raw HTML: a page that has any is rendered with it and the result goes
 * through the allowlist sanitizer (htmlsan.h) with the safe list, or with
 * the broader one when raw_html is on; pages without raw HTML skip it. What
 * the sanitizer removes is warned, once per element name (code raw-html)
 * and once per attribute name (raw-html) per page, at its first place.
 * Dialect syntax that is not rendered (unsupported.h) is warned once per
 * kind per page (codes shortcode, dialect), and so is a fenced block
 * (":::", a callout shortcode) that is never closed (dialect). */
#ifndef ALMANAC_MARKDOWN_H
#define ALMANAC_MARKDOWN_H

#include <stdatomic.h>
#include <stddef.h>

#include "buf.h"
#include "diag.h"
#include "mdids.h"

typedef struct {
	int level;     /* 1-6 */
	char *id;      /* unique slug within the page (owned) */
	char *text;    /* plain text (owned) */
	int line;      /* source line in the file */
} md_heading_t;

typedef struct {
	char *anchor;  /* heading id, "" for the text before the first heading (owned) */
	char *heading; /* heading text, "" for the first section (owned) */
	char *text;    /* plain text of the section body (owned) */
} md_section_t;

/* Link rewriting callback: called for every link and image with its URL and
 * its position in the file (line already offset; 1-based column in characters
 * of the link's '[', the image's '!'; see mdlinks.h), and, with raw_html, for
 * every href/src attribute in raw HTML (at the tag's '<'). Return a
 * new malloc'd URL to replace it, or NULL to keep it. Returning "" for a link
 * drops the href (used for unsafe schemes). */
typedef char *(*md_link_fn)(void *ud, const char *url, int is_image, int line, int col);

typedef struct {
	int raw_html;      /* keep raw HTML (unsafe) instead of omitting it */
	int line_offset;   /* added to every line (lines of front matter above the body) */
	int strip_h1;      /* drop a leading level-1 heading from the HTML (it becomes the title) ... */
	const char *title; /* ... when its text equals this title, or always when NULL */
	int no_html;       /* skip the HTML rendering (checks only need headings and links) */
	md_link_fn link;   /* may be NULL */
	void *ud;
	diag_list_t *diags; /* warnings about raw HTML and dialect syntax go here (may be NULL) ... */
	const char *path;   /* ... reported at this file */
	const atomic_int *stop; /* NULL, or raised (non-zero) to stop: md_render returns MD_STOPPED soon after */
	size_t budget;     /* bytes cmark may ask for in all; 0: md_budget(len) */
	mdids_t ids;       /* the rules of heading ids; zeroed: GitHub's (md_slug, base-1, "section") */
} md_opts_t;


/* Where a part of a document (its HTML, its sections) is when it was not loaded with the rest
 * (pagecache.h keeps them apart: a page whose output is kept never needs its HTML, a repository whose
 * search share is kept never needs its texts). */
typedef struct md_lazy md_lazy_t;
struct md_lazy {
	int (*load)(md_lazy_t *self, void *doc); /* fill its part of the md_doc_t `doc`: 0, or -1 when it
	                                            cannot be had (the part stays empty) */
	void (*release)(md_lazy_t *self);        /* free `self` */
};

typedef struct {
	char *html;                 /* owned; a full build frees it once the page is written (render.c); NULL with
	                               html_from set: not loaded yet, read it with md_doc_html */
	uint64_t html_digest[2];    /* XXH3-128 of html as md_render made it (low, high); zero: unknown (hash html) */
	md_lazy_t *html_from;       /* where html is while not loaded (owned), else NULL */
	md_heading_t *headings;     /* owned, in document order */
	size_t nheadings;
	md_section_t *sections;     /* owned; sections[0] is the text before the first heading; none while
	                               sections_from is set: read them with md_doc_sections */
	size_t nsections;
	md_lazy_t *sections_from;   /* where the sections are while not loaded (owned), else NULL */
	uint64_t sections_digest[2]; /* XXH3-128 of the sections as md_render made them (low, high): of each
	                               one's anchor, heading and text, each with its terminating NUL (a NULL
	                               as ""), in order; known without loading them (pagecache.h keeps it in
	                               an entry's head); zero: unknown */
	char *h1;                   /* text of the first level-1 heading if the body starts with one, else NULL */
	char **html_ids;            /* ids (and <a name>) kept in raw HTML, footnote ids (fn-x, fnref-x), and with
	                               MDIDS_TOC the id of a leading H1 that became the title, owned */
	size_t nhtml_ids;
	size_t words;               /* number of words of plain text (reading time) */
	unsigned features;          /* DIALECT_* flags (dialects.h): what scripts the page needs */
} md_doc_t;

/* The work one page may cost: cmark-gfm may ask for MD_BUDGET_BASE bytes plus
 * MD_BUDGET_PER_BYTE per byte of Markdown, at most MD_BUDGET_MAX (every
 * allocation and reallocation counted, so copying counts too). Pages of prose
 * ask for 10-40 bytes per byte, dense tables and links about 100. A page past
 * its budget is published as text. */
#define MD_BUDGET_BASE ((size_t)64 << 20)
#define MD_BUDGET_PER_BYTE 128
#define MD_BUDGET_MAX ((size_t)512 << 20)
/* md_render's return value when the stop flag was raised. */
#define MD_STOPPED (-1)

/* Register the cmark-gfm extensions; call once before any thread renders. */
void md_init(void);
/* Render `len` bytes of Markdown. Always fills `out` (free with md_doc_free).
 * Returns 0, or MD_STOPPED (out then holds nothing) when o->stop was raised.
 * A page that needs more than its budget is rendered as its text in a <pre>
 * (one section, no headings, no links checked), with a too-large warning
 * in o->diags, as are tables shown as text and autolinks left out (mdscan.h).
 * Every cmark-gfm object it makes is freed before it returns, whatever the
 * input (see mdalloc.h). */
int md_render(md_doc_t *out, const char *text, size_t len, const md_opts_t *o);
/* The default budget of a text of `len` bytes (see MD_BUDGET_BASE). */
size_t md_budget(size_t len);
/* Free what `doc` owns; accepts a zeroed struct. */
void md_doc_free(md_doc_t *doc);
/* The document's HTML, loaded first when it is not yet (html_from): borrowed (owned by `doc`), NULL
 * when there is none (no_html) or it could not be loaded. One thread at a time per document. */
const char *md_doc_html(md_doc_t *doc);
/* Load the document's sections when they are not yet (sections_from): returns
 * doc->nsections. One thread at a time per document; another thread may read
 * or load its HTML meanwhile (the fields are apart). */
size_t md_doc_sections(md_doc_t *doc);
/* Set doc->html_digest from doc->html (zero when NULL). md_render sets doc->sections_digest too. */
void md_doc_digest(md_doc_t *doc);
/* The GitHub slug of a heading text: lower-case, punctuation removed except
 * '-' and '_', spaces to '-'. Caller frees. */
char *md_slug(const char *text);

#endif
