/* othertools.h - repositories written for tools Almanac does not follow, said once (prefix othertools_).
 *
 * Almanac follows Hugo, MkDocs and the Tech Docs Template (layout.h); a
 * repository written for another tool is read with the plain rules, which
 * publish its Markdown at its repository paths and check its links as files.
 * So that the writer knows why addresses differ and links are reported, the
 * scan's result is looked at once, without reading any file, and each of
 * these is one warning of code "other-tool" (muted by
 * `warnings: {other-tool: false}`) at the file that shows it (line 0):
 *
 *   - a Docusaurus site (docusaurus.config.js|ts|mjs|cjs in any folder: the
 *     first in path order) and a Jekyll site (_config.yml at the root), when
 *     the layout is plain by auto-detection;
 *   - a GitHub wiki clone (Home.md and _Sidebar.md or _Footer.md at the
 *     root), likewise: its links by page name are not followed;
 *   - in any layout, files that hold documentation Almanac does not read:
 *     AsciiDoc (.adoc, .asciidoc: an Antora component's pages),
 *     reStructuredText (.rst) and Markdown under another name (.markdown,
 *     .mdown, .mkd, .mkdn, .mdwn: Jekyll's): one warning per kind, at the
 *     first such file in path order, with their number. */
#ifndef ALMANAC_OTHERTOOLS_H
#define ALMANAC_OTHERTOOLS_H

#include <stddef.h>

#include "diag.h"

/* Add the warnings above to `d`. `pages` and `assets` are the scan's sorted
 * repo-relative paths (scan.h), `plain_auto` is 1 when the layout is plain
 * because no other tool's config was found (layout: auto). Borrows all. */
void othertools_warn(char *const *pages, size_t npages, char *const *assets, size_t nassets, int plain_auto,
		     diag_list_t *d);

#endif
