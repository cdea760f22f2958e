/* frontmatter.h - YAML front matter of a page (prefix fm_).
 *
 * A page may start (after an optional UTF-8 BOM) with a line "---", YAML, and
 * a closing line "---" or "...". Known keys are typed and validated (see
 * PRODUCT.md); unknown keys are kept in `raw` for templates, with a warning
 * when they look like a typo of a known key. */
#ifndef ALMANAC_FRONTMATTER_H
#define ALMANAC_FRONTMATTER_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "val.h"

typedef struct {
	char *value;   /* owned */
	int line, col; /* position of the value in the source file */
} fm_ref_t;

typedef struct {
	char *title;            /* NULL when absent */
	char *description;
	char *type;             /* runbook|role|guide, NULL when absent */
	char *owner;
	char *criticality;      /* critical|high|medium|low or NULL */
	int review_interval;    /* days; 0 when absent */
	char **tags; size_t ntags;
	char **alerts; size_t nalerts;
	fm_ref_t *related; size_t nrelated;
	fm_ref_t *aliases; size_t naliases;
	char **watches; size_t nwatches;
	int draft;
	int64_t reviewed;       /* UTC midnight of the `reviewed` date; 0 when absent */
	char *reviewer;
	int review_dated;       /* the other tool dates this page by its review (Tech Docs' last_reviewed_on):
	                           `reviewed` is its freshness basis unless the config sets freshness.basis */
	val_t *raw;             /* the whole front matter as a map (owned), never NULL after fm_parse */
	int present;            /* 1 when the page had a front-matter block */
	int line;               /* line of the opening "---" (1) */
} fm_t;

/* How a page's front matter is read, when not as Almanac's own (fm_parse_ex). */
typedef struct {
	int toml;          /* also accept TOML between "+++" lines (Hugo) */
	int foreign_type;  /* `type:` values other than runbook|role|guide belong to another tool (Hugo's
	                      content types such as `docs`): kept in raw, no error, the type comes from the folder */
	/* another tool's keys mapped onto Almanac's once the known keys are read (NULL: none); returns the
	 * number of error diagnostics it added (layout_techdocs_front_matter) */
	int (*map)(fm_t *fm, const char *path, diag_list_t *d);
} fm_opts_t;

/* Split and parse the front matter at the start of `text`.
 * `path` names the file in diagnostics. On return `*body_offset` is the byte
 * offset where the Markdown body starts and `*body_line` its 1-based line.
 * Problems (invalid YAML, bad types, unknown values, an unclosed block) are
 * diagnostics; the function always fills `fm` (free with fm_free). Returns 0,
 * or -1 when an error diagnostic was added. */
int fm_parse(fm_t *fm, const char *text, size_t len, const char *path, size_t *body_offset, int *body_line,
	     diag_list_t *d);
/* fm_parse with options (`o` may be NULL: fm_parse's rules). */
int fm_parse_ex(fm_t *fm, const char *text, size_t len, const char *path, size_t *body_offset, int *body_line,
		diag_list_t *d, const fm_opts_t *o);
/* Free what `fm` owns; accepts a zeroed struct. */
void fm_free(fm_t *fm);
/* Parse a date "YYYY-MM-DD" (or RFC 3339) to UTC seconds. Returns 0 or -1. */
int fm_parse_date(const char *s, int64_t *out);

#endif
