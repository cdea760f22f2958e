/* searchdocs.h - a site's pages as search documents, and their tokenizing
 * started early (prefix searchdocs_).
 *
 * The search index needs each page's status, which is known only once the
 * history walk is done; but most of its work (splitting and stemming every
 * word) does not. A build starts that part on its own thread as soon as the
 * Markdown is rendered (searchdocs_start), so it runs while the history walk
 * finishes and the pages are written, and hands the result to the index
 * writer at the end (searchdocs_finish, search_write_prepared). */
#ifndef ALMANAC_SEARCHDOCS_H
#define ALMANAC_SEARCHDOCS_H

#include <stddef.h>

#include "nav.h"
#include "search.h"
#include "site.h"

/* The published pages of `s` (drafts only with opts.drafts), in page order,
 * as search documents pointing into the pages' data (borrowed: keep `s`
 * unchanged meanwhile). With `nav` (the tree of `s`; NULL: no trails), each
 * document's trail is where the page lives (nav_trail), owned by the array.
 * Stores a new array in *docs (free it with searchdocs_free) and returns its
 * length. */
size_t searchdocs_collect(const site_t *s, const nav_t *nav, search_doc_t **docs);
/* searchdocs_collect, but each document's sections are left to be had when the index reads its
 * texts (search_doc_t.load_sections: site_page_sections, so a page kept in the page cache reads its
 * sections from the cache's file then); the documents carry each page's sections digest
 * (md_doc_t.sections_digest), which keys them without their texts. Only the index's threads may load
 * sections meanwhile. */
size_t searchdocs_collect_lazy(site_t *s, const nav_t *nav, search_doc_t **docs);
/* Free what searchdocs_collect or searchdocs_collect_lazy allocated (not the pages' data). */
void searchdocs_free(search_doc_t *docs, size_t n);

/* search_prepare() on `docs` (collected from `s`), with the words kept by the last build of `s`
 * (search_prepare_cached: the page cache's folder and settings, pagecache.h) when it keeps any. */
search_prep_t *searchdocs_prepare(const site_t *s, const search_doc_t *docs, size_t ndocs, const atomic_int *stop);

typedef struct searchdocs_job searchdocs_job_t;

/* Collect `s`'s documents (searchdocs_collect_lazy) and start search_prepare() on them on a new
 * thread. The pages' titles, URLs, front matter and section texts must not
 * change or be freed until searchdocs_finish; their status may. The thread
 * loads the sections of the pages it tokenizes only: with the page cache, a
 * page whose repository's share of the index is kept, or whose words are
 * replayed, is keyed by its sections' digest and its texts stay in the
 * cache's file (a rebuild after one page changed reads next to none). Once
 * tokenized, the thread cuts every loaded section text of those pages longer than
 * 256 bytes to the part the index's excerpts read (search_excerpt_source_len): a build needs no
 * more of them, and the rest of its pages are written meanwhile in the memory
 * that frees. So nothing else may read or load section texts meanwhile. Returns the
 * job (owned by the caller, to be passed to searchdocs_finish), or NULL when
 * no thread could be started (then nothing was started). */
searchdocs_job_t *searchdocs_start(site_t *s);
/* Wait for `job` (NULL: returns NULL), free it, and return its prepared
 * index (owned by the caller: search_write_prepared or search_prep_free).
 * When `interrupt` (may be NULL; pub_interrupt_flag) becomes non-zero while
 * it waits, the job takes no new pages: what it returns is then a stopped
 * index that can only be freed, within a few milliseconds instead of the
 * rest of the tokenizing. */
search_prep_t *searchdocs_finish(searchdocs_job_t *job, const atomic_int *interrupt);
/* Give up on `job` (NULL: nothing): its threads take no new pages, and it is
 * waited for and freed with what it prepared. An interrupted or failed build
 * waits a few milliseconds instead of the whole tokenizing (0.3-0.5 s on
 * 20,000 pages). */
void searchdocs_cancel(searchdocs_job_t *job);

#endif
