/* layout_techdocs.h - GOV.UK Tech Docs Template repositories: ERB tags and review keys (prefix layout_techdocs_).
 *
 * The Tech Docs Template (Middleman and the tech-docs-gem) keeps its pages
 * under source/ as "x.html.md" or "x.html.md.erb" and publishes them at
 * "x.html". Middleman runs ERB (<% ... %>, <%= ... %>) in ".erb" files before
 * the Markdown; Almanac does not run it: the tags are left out of the page,
 * with one warning per page (site.c). Its front matter dates a page's review with
 * last_reviewed_on and review_in and names its owner with owner_slack: they
 * become Almanac's reviewed, review_interval and owner. */
#ifndef ALMANAC_LAYOUT_TECHDOCS_H
#define ALMANAC_LAYOUT_TECHDOCS_H

#include <stddef.h>

#include "diag.h"
#include "frontmatter.h"

/* Blank out the ERB tags of a page body (`len` bytes whose first line is line
 * `line0` of the file): every byte of a tag from "<%" to its "%>" (to the end
 * of the body when it is never closed) becomes a space, line ends kept, so
 * every other position keeps its line and column. "<%%" (ERB's escape for a
 * literal "<%") is kept as text. Returns NULL when the body has no tag, else
 * the new text (caller frees; `len` bytes and a NUL); *count receives the
 * number of tags and *line, *col (characters) the place of the first. */
char *layout_techdocs_erb(const char *body, size_t len, int line0, size_t *count, int *line, int *col);
/* Map Tech Docs' front-matter keys of `fm` (parsed: fm->raw) onto Almanac's,
 * where Almanac's own key is absent: last_reviewed_on -> reviewed (a date),
 * review_in -> review_interval ("6 months", "3 weeks", "1 year", "90 days",
 * or Almanac's "6m"; months and years are calendar ones counted from the
 * review date when the page has one, as the template's "review by" date
 * is: 2026-03-07 + 6 months is 184 days), owner_slack -> owner (the text as written, such as
 * "#team-channel"). Sets fm->review_dated when the page has a review date.
 * A value that is not what Tech Docs accepts is an error of code
 * "front-matter" at its place in `path`. Returns the number of errors added
 * (the fm_opts_t map hook, frontmatter.h). */
int layout_techdocs_front_matter(fm_t *fm, const char *path, diag_list_t *d);

#endif
