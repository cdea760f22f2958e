/* links.h - the link graph: resolution, rewriting, anchors, aliases, backlinks, orphans (prefix links_).
 *
 * Resolution. Every link a writer uses is resolved against the site's pages
 * and assets and rewritten to the target's URL relative to the linking page
 * (so the site works from any sub-path and from disk):
 *   - relative paths: "x.md", "./x.md", "../k8s/x.md";
 *   - repository-root paths: "/runbooks/k8s/x.md";
 *   - folders: "../k8s/" or "../k8s" lead to the folder's index page
 *     (index.md or README.md), or to the section page Almanac generates for a
 *     folder with published pages and no index page; "/" and the first
 *     content folder lead to the home page;
 *   - assets (images, files) under the content folders;
 *   - "#fragment" on the same page and "x.md#fragment" on another page;
 *   - "?query" is kept as written; percent-encoded paths are decoded before
 *     resolution ("my%20page.md" is "my page.md");
 *   - reference-style links (cmark resolves them; they are reported at each
 *     use, not at the definition) and links in raw HTML (href and src
 *     attributes, only when raw_html is on; otherwise raw HTML is dropped);
 *   - front-matter `related:` entries: repository paths ("runbooks/x.md",
 *     "/runbooks/x.md") or paths relative to the page when they start with '.';
 *     they must name a page (or a folder with an index page).
 * URLs with a scheme (https:, mailto:, tel:, ...) and "//host" are external:
 * never fetched, never reported. javascript:, vbscript: and data: (except
 * raster data:image/ in images) hrefs are dropped from the HTML.
 *
 * Diagnostics (errors unless noted), each at the link's own position in the
 * Markdown source (the '[' of a link, the '!' of an image, the '<' of a raw
 * HTML tag, the value of a front-matter entry; columns in characters), with
 * a "did you mean" when a close match exists:
 *   broken-link           target not found (or a folder with nothing published)
 *   broken-anchor         #fragment not found on the target page
 *   link-to-draft         target is a draft (not published without --drafts)
 *   link-outside-repo     the path climbs out of the repository
 *   link-outside-content  target exists but is outside the content folders
 *   link-excluded         target exists in a content folder but is not
 *                         published (ignored, hidden or matched by exclude)
 *   related-missing       a related: entry that does not name a page
 *   orphan (warning)      see links_orphans
 * (aliases: entries are checked with every other address in outpaths.h.)
 *
 * Hugo and MkDocs layouts (layout.h): a link that names no file is also
 * tried as a site address, as the browser resolves it ("/runbooks/x/",
 * "../y/" from the page's URL, "x/index.html"; "/runbooks/x.md" under the
 * content root); Hugo's ref and relref shortcodes (layout_hugo.h) are
 * resolved as Hugo does and checked like links (broken-link at the link). 
 *
 * Anchors are checked after every page is rendered, against exactly the ids
 * the page's HTML has: heading ids by the renderer's slug rules (with the
 * -1, -2 de-duplication), ids in raw HTML (raw_html on), footnote ids.
 * Matching is exact and case-sensitive, as in browsers: "#Rollback" does not
 * reach id "rollback"; it is a broken-anchor whose did-you-mean names the id.
 * Two fragments lead to the top of any page and are accepted: "#top" (HTML's
 * rule) and the slug of the leading H1 that became the page's title (the
 * anchor GitHub gives it).
 *
 * Threads: links_rewrite runs on the rendering threads, one page per thread
 * at a time; everything else runs on one thread after rendering. */
#ifndef ALMANAC_LINKS_H
#define ALMANAC_LINKS_H

#include "site.h"

/* Context handed to md_render as `ud` for one page. */
typedef struct {
	site_t *site;
	long page;
	size_t inlined; /* bytes of SVG images written into the page as data: URLs (activefiles.h) */
	char **images;  /* those data: URLs, which the page's HTML names "#almanac-svg-N" until
			 * links_inline_images puts them in (cmark-gfm drops data:image/svg+xml) */
	size_t nimages;
} links_ctx_t;

/* Record a link of page `p` (at line:col, its '[') to page `target` (an index of
 * s->pages), #`frag` (NULL: none), as links_rewrite records one: a link answered
 * by a rendering the page cache kept (pagecache.h) is recorded again this way. */
void links_add(site_page_t *p, int line, int col, long target, const char *frag);
/* A digest of everything links_rewrite's answer for a link to a page, or to an
 * external URL, depends on besides the link: every page's path, URL, index
 * flag and publication, every file's path and output, the layouts' URL rules
 * and content folders, the sources. Equal digests: such a link gets the same
 * answer and records the same link, without a diagnostic. 0 when unknown
 * (Tech Docs' redirects lead links too). */
uint64_t links_universe(const site_t *s);
/* md_link_fn: resolve and rewrite one link of page ctx->page (see markdown.h).
 * Reports problems as diagnostics, records links to pages in the page's links
 * array, and returns the rewritten URL (caller frees), or NULL to keep the URL
 * as written (external links, unresolved links), or "" to drop an unsafe one. */
char *links_rewrite(void *ctx, const char *url, int is_image, int line, int col);
/* Put the data: URLs of ctx's SVG images into `html` (the page rendered with
 * links_rewrite; src="#almanac-svg-N" attributes), and free them. Returns the
 * new HTML (caller frees) or NULL when there were none (keep `html`). */
char *links_inline_images(links_ctx_t *ctx, const char *html);
/* Resolve the front-matter related: entries of every published page. Call
 * once, after the pages are loaded, before rendering the site. */
void links_resolve_front_matter(site_t *s);
/* After all pages are rendered: check #fragments against the ids of their
 * targets, and build every page's backlinks (pages that link to it in their
 * body or related:, sorted, unique, without itself; any it had are replaced). */
void links_finish(site_t *s);
/* After links_finish: warn (code "orphan") about every published page that
 * nothing links to and that is not in the navigation (the README's
 * definition). In the navigation: every page the sidebar lists, which is
 * every published page except those an MkDocs nav: leaves out (in_nav),
 * index pages and the home page. Something links to it when another
 * published page links to it (Markdown link, raw HTML link, ref shortcode,
 * related:; not drafts, not itself), when it answers an alert (alerts.h: front
 * matter, file name, rules; alerts/<Name>/ and runbook_url lead there), when a published role page lists it as an owned runbook, or
 * when it is a role page a published page names as its owner.
 * Reported at line 1, column 1 of the page. */
void links_orphans(site_t *s);

/* 1 when a link to `id` ("#id", decoded) reaches a place on page `t` of `s`
 * (after its rendering): a heading id (by its layout's id rules, mdids.h), an
 * id of its raw HTML or footnotes, "#top", or the slug of the leading H1
 * that became its title (see above). */
int links_page_has_id(const site_t *s, const site_page_t *t, const char *id);
/* The id of page `t` closest to `frag`, for "did you mean": one that differs
 * only in case, else within a third of its length in edits (at least 2);
 * NULL when none is that close. Borrowed from `t`. */
const char *links_closest_id(const site_page_t *t, const char *frag);

#endif
