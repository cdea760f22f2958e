/* links.h - the link graph: resolution, rewriting, anchors, backlinks (prefix links_).
 *
 * Every link form a writer uses is resolved against the site's pages and
 * assets: relative .md links, folder links (their index page), repo-root
 * links (/runbooks/x.md), #fragments, assets, reference-style links (cmark
 * resolves them), and front-matter related: paths. Problems are diagnostics
 * at the link's own position, with a "did you mean" when a close match
 * exists. External URLs are never fetched. */
#ifndef ALMANAC_LINKS_H
#define ALMANAC_LINKS_H

#include "site.h"

/* Context handed to md_render as `ud` for one page. */
typedef struct {
	site_t *site;
	long page;
} links_ctx_t;

/* md_link_fn: resolve and rewrite one link of page ctx->page (see markdown.h).
 * Records internal page links in the page's links array; thread-safe as long
 * as each page is rendered by one thread. */
char *links_rewrite(void *ctx, const char *url, int is_image, int line, int col);
/* Resolve the front-matter related: and check aliases of every page (after scanning). */
void links_resolve_front_matter(site_t *s);
/* After all pages are rendered: check #fragments against the headings (and
 * raw-HTML ids) of their targets, and build the backlinks. */
void links_finish(site_t *s);
/* Warn about pages that nothing links to and that are not reachable from the
 * navigation (pages outside any folder with an index). */
void links_orphans(site_t *s);

#endif
