/* pagecache.h - rendered Markdown kept between builds (prefix pcache_).
 *
 * Rendering a page's Markdown (markdown.h) is a pure function of its body, a
 * few options and what the link callback answered for each link. A build
 * keeps, per page, those inputs and the result: the HTML, headings, search
 * sections and the warnings md_render gave. The next build looks the page up
 * by its file and uses the result when the body's 128-bit hash (XXH3) and
 * the options are the same; the caller then asks its link callback again
 * for every recorded link (which records the links and reports broken ones
 * as a render would) and renders anew when any answer differs (a target
 * page moved). Each link's entry also says what its answer did (a link to
 * which page, or nothing: pcache_link_t.kind), and each file the digest of
 * the link targets of the build that wrote it (links_universe): when that
 * digest is this build's, a page whose links all led to pages or nowhere
 * records them again without asking (sitemarkdown.c).
 *
 * One file per repository of the site (the hub's and each source's), under
 * Almanac's own folder in the hub's Git directory (`<dir>/rendered-pages`,
 * `<dir>/rendered-pages.<source name>`): a build that changes one source's
 * pages rewrites that source's file only. A build reads a file's header and
 * its index (at its end, one read), which holds the head of every page (its
 * key, links, headings, warnings, the digests of its HTML and of its search
 * sections); a page's HTML is read only when its page file is written
 * (md_doc_html), so a page kept whole by the render never reads it, and its
 * search sections only when the search index tokenizes the page or makes
 * its metadata (md_doc_sections; the index keys a page by the sections'
 * digest, md_doc_t.sections_digest, so a page of a repository whose share
 * of the index is kept never reads them). A file from another almanac
 * binary (the binary's hash is in its header), one cut short or with a
 * damaged index (heads included) is ignored whole; the HTML and sections of
 * an entry each have their own XXH3 checksum: a damaged HTML is found
 * when it is read and the page is rendered again then (site_page_html).
 * Never repository content: the folder is Git's, not the work tree's.
 *
 * Threads: pcache_get and pcache_put may run on every rendering thread at
 * once; pcache_load and pcache_save on one thread, before and after. */
#ifndef ALMANAC_PAGECACHE_H
#define ALMANAC_PAGECACHE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "markdown.h"

typedef struct pcache pcache_t;

/* What a page's rendering depends on besides its links. */
typedef struct {
	uint64_t body[2];   /* XXH3-128 of the Markdown handed to md_render */
	int line_offset;
	unsigned flags;     /* raw_html, strip_h1, no_html, mdids_key(ids) << 3 */
	const char *title;  /* strip_h1's title, or NULL */
} pcache_key_t;

/* One call of the link callback and its answer. */
typedef struct pcache_link {
	char *url;          /* owned */
	int is_image, line, col;
	char *result;       /* owned; NULL: the URL was kept */
	int kind;           /* what the answer did besides: PCACHE_LINK_ASKED (anything, or unknown: ask it
	                       again), _PAGE (recorded a link to page `target`, #`fragment`, and said nothing),
	                       _NONE (nothing: an external URL, said nothing) */
	char *target;       /* _PAGE: the page's src (owned) */
	char *fragment;     /* _PAGE: its fragment, or NULL (owned) */
} pcache_link_t;

#define PCACHE_LINK_ASKED 0
#define PCACHE_LINK_PAGE 1
#define PCACHE_LINK_NONE 2

/* One page's rendering: everything md_render and the link callback gave. */
typedef struct {
	md_doc_t doc;
	int same_links;       /* pcache_get: the file was written by a build whose link targets (`universe` of
	                         pcache_load) were these: the links' answers and kinds hold as they are */
	pcache_link_t *links; /* owned, in call order */
	size_t nlinks;
	diag_t *diags;        /* md_render's own warnings (file unset: the page's), owned */
	size_t ndiags;
} pcache_entry_t;

/* The key of rendering `len` bytes at `body` with these options. */
void pcache_key(pcache_key_t *out, const char *body, size_t len, int line_offset, unsigned flags,
		const char *title);

/* Read the cache files of `ngroups` repositories (group 0 the hub, k the k-th
 * source, `names[k]` its name; names[0] unused) from `dir`, for the binary
 * identified by `binary_id`, on `jobs` threads. `universe` is the digest of
 * everything a link's answer depends on in this build (links_universe; 0:
 * unknown, never the same), kept in the files it writes. Never fails: what cannot be
 * read is empty. The caller frees the result with pcache_free. */
pcache_t *pcache_load(const char *dir, const char *const *names, size_t ngroups, uint64_t binary_id,
		      uint64_t universe, int jobs);

/* 1 and *out filled (the caller frees it with pcache_entry_clear) when the
 * page `src` of `group` was kept with this key (it stays kept unless it is
 * put again); 0 otherwise. The HTML is not read: out->doc.html is NULL and
 * out->doc.html_from reads it (md_doc_html: it keeps the old file open, even
 * after pcache_save and pcache_free, until the doc is freed). */
int pcache_get(pcache_t *c, size_t group, const char *src, const pcache_key_t *key, pcache_entry_t *out);

/* Keep page `src` of `group`: its key and rendering (`e` stays the
 * caller's), replacing what the file had for it. The entry is written at
 * once to the group's new file (a temporary file beside the old one), so
 * nothing of it stays in memory. A page got by pcache_get and used need not
 * be put again. */
void pcache_put(pcache_t *c, size_t group, const char *src, const pcache_key_t *key, const pcache_entry_t *e);

/* Forget what the file had for page `src` of `group` (got, then rendered
 * anew and not put: it is not kept). Thread-safe. */
void pcache_drop(pcache_t *c, size_t group, const char *src);

/* Finish the files of the groups whose pages changed (a page put, or a kept
 * page no longer asked for): the kept entries of the old file are appended
 * to the new one, which is renamed in place. Once `stop` (NULL: never) is
 * raised, the new files are dropped. The old files are closed on the way:
 * nothing can be got afterwards. Returns the number of files written, -1
 * when one could not be (the next build renders those pages again). May run
 * on its own thread once no page is got or put any more. */
int pcache_save(pcache_t *c, const atomic_int *stop);

/* Pages used from the last build (got and not put again), and all pages asked for. */
void pcache_counts(const pcache_t *c, size_t *hits, size_t *asked);

/* Free what `e` owns (md_doc_free and the links and warnings); accepts a zeroed entry. */
void pcache_entry_clear(pcache_entry_t *e);

/* Free the cache; accepts NULL. */
void pcache_free(pcache_t *c);

#endif
