/* search.h - the static search index written during `almanac build`.
 *
 * The pipeline hands over every published page (sorted by URL) with its
 * sections; search_write_index() tokenizes them (tokenize.h), ranks with
 * BM25F over weighted fields, and writes a sharded index that the browser
 * client (themes/default/assets/search.js) loads piece by piece: a query
 * fetches the manifest, one term shard per query word, and the metadata
 * chunks of the results it shows.
 *
 * Ranking: idf * BM25F(headings x4, tags + owner x2, body x1; k1 = 1.2)
 * + idf_title * 2.0 for a title match + idf_alerts * 1.6 for an alerts match,
 * each field length-normalised, where idf_title and idf_alerts count only the
 * pages having the term in that field: title > alerts > headings > tags/owner
 * > body, and a common word still counts when it is in the title. Scores are per page; per section the index keeps
 * where each term occurs (and whether in the heading) so a result can jump to
 * the heading that matched. A page that lists an alert whose name is exactly
 * the query word carries a flag and is put first by the client.
 *
 * Files under OUT/search/ (byte-identical for the same input, whatever the
 * thread count):
 *   manifest.json  {"v":1, "n":pages, "c":pages per meta chunk, "h":content hash (FNV-1a over each
 *                  file's name and the XXH3-64 of its bytes, in the order written),
 *                   "k":[term shard keys], "vk":[vocabulary shard first letters],
 *                   "types":[...], "owners":[...], "status":[...], "scale":impact unit}
 *                  No per-page data. Term shard i holds the terms t with
 *                  k[i] <= t < k[i+1] (code point order).
 *   t/I.bin        term shard I (binary, see below).
 *   v/I.txt        surface words (lower-cased, unstemmed; words with digits or
 *                  '-', '_', '.' left out) whose first character is vk[I], sorted, one a line;
 *                  for prefix and typo matching.
 *   m/I.json       metadata of pages I*c .. I*c+c-1: an array of
 *                  [url, title, type, owner, status, [anchor, heading, excerpt, ...], trail]
 *                  with one anchor/heading/excerpt triple per section; trail is where the page
 *                  lives, its folders' titles ("" when the docs gave none).
 *   facets.json    {"t":[type index per page], "o":[owner index], "s":[status index]},
 *                  loaded only when a filter is set.
 * Term shard format: varint count of terms, then per term: varint bytes shared
 * with the previous term, varint suffix length, suffix (UTF-8), varint length
 * of the postings blob, blob. Blob: varint number of pages, then per page:
 * varint page id delta (first: the id), byte impact (1-255, score =
 * scale * (impact / 255)^2), varint h = nsec << 4 | alert << 3 | status, then nsec varints
 * (section index delta << 1 | in heading): every section whose heading has
 * the term, and the first 4 with it in the body (1 for a term on more than
 * 1/8 of the pages); the first delta is the index, the
 * next ones are index - previous - 1. Varints are LEB128 (7 bits a byte, low
 * first). Page ids are positions in the docs array.
 *
 * The index is merged from each repository's share of it (searchpart.h: a
 * group of search_doc_t.group), kept between builds with a cache so that a
 * rebuild prepares only the pages of the repositories that changed; what it
 * writes does not depend on where the shares came from. With a cache,
 * searchfiles.h records the files written, so that unchanged ones are kept
 * without being read (or, for metadata chunks, made), and what each term's
 * postings were made from, so that only the term shards with a term whose
 * postings changed are made (or patched, when only some impact or status
 * bytes changed). The ranks use the site's average field lengths rounded to
 * 8 significant bits: editing a page of a large site does not move them. A document may come
 * with its sections' digest and a way to load them (search_doc_t.load_sections):
 * the index then reads the texts of the pages it tokenizes and of those in
 * the metadata chunks it makes only (a rebuild's pages of an unchanged
 * repository stay unread in the page cache's file).
 *
 * The client finds the site root from the `data-root` attribute of its script
 * tag or of <html> when present (a path relative to the page, e.g. "../"),
 * else from its own URL (document.currentScript.src minus "assets/search.js").
 * Result links are built from that root, so the site works under any
 * sub-path. fetch() of the index does not work from file://: the search page
 * says that search needs the site served over HTTP.
 */
#ifndef ALMANAC_SEARCH_H
#define ALMANAC_SEARCH_H

#include <stdatomic.h>
#include <stddef.h>

#include "diag.h"
#include "publish.h"

typedef struct {
	const char *anchor;  /* heading id, "" for the page top */
	const char *heading; /* heading text, "" for the text before the first heading */
	const char *text;    /* plain text of the section body (UTF-8) */
} search_section_t;

typedef struct {
	const char *url;     /* site-root-relative, e.g. "runbooks/k8s/node-not-ready/" */
	const char *title;
	const char *type;    /* runbook|role|guide|... ("" allowed) */
	const char *owner;   /* "" when none */
	const char *status;  /* fresh|due|stale|uncommitted|unknown (anything else: unknown) */
	const char *const *alerts;
	size_t nalerts;
	const char *const *tags;
	size_t ntags;
	const search_section_t *sections; /* sections[0] = text before the first heading; NULL with
					   * load_sections set: not had yet */
	size_t nsections;
	const char *trail;   /* where the page lives, its folders' titles as the breadcrumbs give them
			      * ("Payments runbooks › Database"); NULL or "": the client makes one from the URL */
	size_t group;        /* the repository it comes from (search_cache_t's groups; 0 without a cache) */
	uint64_t sections_digest[2]; /* XXH3-128 of the sections (low, high): of each one's anchor, heading
				      * and text, each with its terminating NUL, in order (markdown.h's
				      * md_doc_t.sections_digest); zero: unknown, hashed from the sections */
	/* NULL, or how the sections are had when `sections` is NULL: load_sections(load_ctx, load_index, &n)
	 * returns them (borrowed from the caller, who keeps them until the docs are freed) and their count.
	 * The index calls it only for the pages whose texts it reads: those it tokenizes, and those of the
	 * metadata chunks it makes (search_prepare_cached: a page kept in a repository's share, or replayed
	 * from its words, is known by its key, made with sections_digest). It may be called on several
	 * threads at once for different documents, never for one document on two at once. */
	const search_section_t *(*load_sections)(void *load_ctx, size_t load_index, size_t *nsections);
	void *load_ctx;
	size_t load_index;
} search_doc_t;

/* Build the index of `docs` (borrowed; page ids follow this order, which
 * should be sorted by URL for stable output) and write it under
 * OUT_DIR/search/, creating folders and replacing index files of an earlier
 * build. NULL strings are taken as "". Tokenizes on 2 threads (64 pages or
 * more) and writes the metadata on another while the postings are built; the
 * output does not depend on that. Pass only content pages (not the
 * alerts/NAME/ redirect pages), so an alert name finds its runbook. Returns
 * 0, or -1 after adding an error diagnostic to `d` (code "search-index") when
 * a file cannot be written. The same as search_prepare(docs, ndocs, 0) then
 * search_write_prepared(). */
int search_write_index(const search_doc_t *docs, size_t ndocs, const char *out_dir, diag_list_t *d);

/* Statistics of an index written by search_write_prepared (for tests). */
typedef struct {
	size_t terms;        /* distinct index terms */
	size_t postings;     /* (term, page) pairs */
	size_t term_shards;
	size_t term_shards_kept; /* of them, kept as the last build wrote them (not made) */
	size_t term_shards_patched; /* made from the last build's bytes (some impacts or statuses changed) */
	size_t vocab_words;
	size_t meta_chunks;
	size_t bytes;        /* total bytes written */
} search_stats_t;

/* The index in two steps, so that the expensive part can run while the
 * pages are still being dated. search_prepare() tokenizes and stems `docs`
 * (borrowed until it returns; their `status` is not read) on `threads`
 * threads (0: the default of 2; at most 8; one below 64 pages: the output is
 * the same for any count) and returns a handle the caller owns (never NULL).
 * search_write_prepared() then writes the index: `docs` must be the same
 * pages in the same order, now with their status, and with texts whose
 * excerpts are unchanged (see search_excerpt_source_len). It takes and frees
 * `prep` whatever it returns, and fills *out when `out` is not NULL.
 * search_prep_free() drops a prepared index that will not be written (NULL
 * is fine). `stop` (NULL: never) lets another thread cut search_prepare
 * short: once *stop is non-zero its threads take no new pages, and the
 * handle it returns can only be freed (search_write_prepared refuses it). */
typedef struct search_prep search_prep_t;
search_prep_t *search_prepare(const search_doc_t *docs, size_t ndocs, size_t threads, const atomic_int *stop);
int search_write_prepared(search_prep_t *prep, search_stats_t *out, const search_doc_t *docs, size_t ndocs,
			  const char *out_dir, diag_list_t *d);
/* search_write_prepared() into the site being written by `site`
 * (publish.h: unchanged files of a previous site are kept). */
int search_write_site(search_prep_t *prep, search_stats_t *out, const search_doc_t *docs, size_t ndocs,
		      const pub_t *site, diag_list_t *d);
void search_prep_free(search_prep_t *prep);

/* Where search_prepare_cached keeps each page's tokenized words between builds (searchcache.h): one file
 * per group of pages (a repository of the site: group 0 the hub, k its k-th source) in `dir`, for the
 * binary `binary_id`. */
typedef struct {
	const char *dir;          /* Almanac's folder in the hub's Git directory; NULL: no cache */
	const char *const *names; /* names[k]: group k's name (its file's suffix); names[0] unused */
	size_t ngroups;
	uint64_t binary_id;
} search_cache_t;
/* search_prepare(), reading the words of every page whose fields are unchanged since a build kept them
 * (the same result as tokenizing it again), and keeping this build's for the next one: the files of the
 * groups whose pages changed are written before it returns (not when it was stopped). `cache` is
 * borrowed until it returns; NULL: search_prepare(). */
search_prep_t *search_prepare_cached(const search_doc_t *docs, size_t ndocs, size_t threads, const atomic_int *stop,
				     const search_cache_t *cache);
/* Of the pages `prep` holds (*pages), how many were read from the cache (*cached): replayed from their
 * words, or in a repository's share that was kept. */
void search_prep_counts(const search_prep_t *prep, size_t *cached, size_t *pages);
/* Of the repositories' shares of `prep` (searchpart.h; *parts), how many were kept from the last build
 * (*kept) instead of made from their pages. */
void search_prep_parts(const search_prep_t *prep, size_t *kept, size_t *parts);
/* The CPU time (ms) of the threads of this process that worked on the search index and ended (each
 * adds its own with search_cpu_note_thread as it ends), for ALMANAC_TIMING. */
double search_cpu_ms(void);
/* Add the calling thread's CPU time so far to search_cpu_ms (call it last in a thread of its own). */
void search_cpu_note_thread(void);

/* How many leading bytes of a section's `text` the index's excerpt of it
 * may read (at least what it reads: up to the 201st byte that is not
 * blank): once a page is prepared, its texts can be cut to that length
 * without changing what search_write_prepared writes. */
size_t search_excerpt_source_len(const char *text);

#endif
