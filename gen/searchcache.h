/* searchcache.h - each page's tokenized words kept between builds (prefix scache_).
 *
 * Splitting and stemming every word of every page is the search index's
 * largest cost (about 0.9 s of CPU for 20,000 pages), and a page's result
 * (searchpriv.h's docres_t: its stems with their counts per field, the
 * sections they occur in, its distinct surface words) depends on nothing but
 * the page's own fields. A build keeps each page's result under its key
 * (XXH3-128 of every field phase 1 reads, its sections by their digest: a
 * page is keyed, and replayed, without its texts being loaded); the next build replays the result
 * of every page whose key is kept, which gives the very docres_t tokenizing
 * would, and tokenizes the others. The index written is byte-identical.
 *
 * The pages of a repository whose share of the index (searchpart.h) is kept
 * are not even replayed: this cache serves the repositories that changed.
 *
 * One file per repository of the site, beside the rendered-Markdown cache
 * (pagecache.h): `<dir>/search-terms` for the hub, `<dir>/search-terms.<source
 * name>` for a source. A build rewrites only the files of repositories whose
 * pages changed (a page edited, added or removed). Each file holds its stems
 * and surface words once, then each page's record (varints). A file of
 * another binary or another stemmer (libstemmer is a shared library: a probe
 * of its stems is in the header), a damaged or truncated one is ignored
 * whole (histfile.h's framing and checksum); a record that does not decode
 * within its file's tables is tokenized again.
 *
 * Threads: scache_replay and scache_page_done run on every tokenizing worker
 * at once (a file is read under its lock, then only read; each worker's
 * translation tables are its own); scache_load and scache_save on one
 * thread, before and after. */
#ifndef ALMANAC_SEARCHCACHE_H
#define ALMANAC_SEARCHCACHE_H

#include "searchpriv.h"

typedef struct scache scache_t;

/* The key of tokenizing `doc`: XXH3-128 of its title, alerts, tags, owner
 * and the digest of its sections (search_doc_t.sections_digest, or
 * scache_sections_digest when unknown): not its URL or status. A page whose
 * digest is given is keyed without reading its texts. */
void scache_doc_key(const search_doc_t *doc, uint64_t key[2]);
/* The digest search_doc_t.sections_digest stands for, hashed from doc's sections (loaded when lazy). */
void scache_sections_digest(const search_doc_t *doc, uint64_t digest[2]);

/* The cache of the files `cfg` names, kept for this binary and for the
 * stemmer `stem` (its answers to a few probe words), for preparing `docs`
 * (each in its group). A file is read when a page of its group first asks
 * for it and freed once every page of the group is done (scache_page_done),
 * so the files do not add up in memory. Never NULL: what cannot be read is
 * empty. Free with scache_free. */
scache_t *scache_load(const search_cache_t *cfg, tok_stemmer_t *stem, const search_doc_t *docs, size_t ndocs);

/* When the page of key `key` in group `group` was kept in that group's
 * file: fill *out as tokenizing it on `w` would have (its arrays in w's
 * results arena, its stems and surface words interned in w, their page
 * counts added), set out->from, and return 1. Otherwise 0, and nothing of
 * `w` or *out changed (a page that moved to another repository is tokenized
 * again). */
int scache_replay(scache_t *c, worker_t *w, size_t group, const uint64_t key[2], docres_t *out);

/* A page of `group` is prepared (replayed or tokenized): after its group's
 * last page, the group's file is freed. */
void scache_page_done(scache_t *c, size_t group);

/* Write the files of the groups whose pages are not exactly those their file
 * holds: `docs` with their keys and results (`res`, tokenized by `workers`),
 * each page in its group's file. A group with no page left loses its file;
 * a group g with skip[g] set (`skip` NULL: none; indexed by the groups of
 * `docs`), whose pages were not prepared, is left alone. Stops between files
 * once *stop is set. */
void scache_save(scache_t *c, const search_doc_t *docs, uint64_t (*keys)[2], const docres_t *res, size_t ndocs,
		 const worker_t *workers, size_t nworkers, const unsigned char *skip, const atomic_int *stop);

/* The id of the stemmer `c` was loaded for (its answers to probe words): the shares (searchpart.h) are
 * kept for it too. */
uint64_t scache_stemmer_id(const scache_t *c);

/* Free w's translation tables (NULL fine). */
void scache_worker_free(worker_t *w);

/* Free `c` (NULL fine). */
void scache_free(scache_t *c);

#endif
