/* searchpart.h - one repository's share of the search index, kept between builds (prefix spart_).
 *
 * The index (search.h) ranks every (term, page) pair with numbers of the
 * whole site (page count, average field lengths, each term's page count,
 * the largest impact), so one changed page changes bytes all over it. What
 * does not change is each repository's part of the input: for its pages in
 * order, their field lengths and, per stem, the pages having it with their
 * counts per field and the sections it occurs in. A share holds exactly
 * that (stems sorted), plus the repository's vocabulary words; the writer
 * merges the shares of the site's repositories (search.c), mapping each
 * share's page numbers to the site's (pages added or removed elsewhere shift
 * them), and its output does not depend on where the shares came from.
 *
 * A build keeps each repository's share in `<dir>/search-index` (the hub) or
 * `<dir>/search-index.<source name>` beside the words of its pages
 * (searchcache.h). A rebuild reuses the share of every repository whose
 * pages' keys (scache_doc_key) are, in order, those the share was made from,
 * and tokenizes (or replays from the words) only the pages of the others:
 * with one page changed, 1 repository of 50 instead of the whole site.
 *
 * File: magic "ALMSPART", version, spare, payload length (u64), then the
 * payload: binary id, stemmer id (u64 each), u32 page count, each page's key
 * (2 x u64) and field lengths (NF x u32), u32 stem count, the stems in byte
 * order (varint length, bytes, varints df, tdf, adf, first page, last page,
 * postings length, postings), u32 word count, the words in byte order
 * (varint length, bytes); a 64-bit checksum of the payload (histfile.h).
 * Numbers little-endian. Postings, per page with the stem: varint page delta
 * (first: the page), a byte whose bit f says field f counts it, those counts
 * (varints), varint nsec << 1 | alert, nsec varints section << 1 | in heading
 * (every heading section, the first BODY_SECTIONS body sections). A file of
 * another binary or stemmer, damaged or truncated, is not used (its
 * repository's pages are prepared again). */
#ifndef ALMANAC_SEARCHPART_H
#define ALMANAC_SEARCHPART_H

#include "buf.h"
#include "searchpriv.h"

typedef struct spart {
	unsigned char *own;        /* the bytes, when built in memory (owned) */
	void *map;                 /* the bytes, when read from a file (mapped, maplen bytes) */
	size_t maplen;
	uint32_t npages;
	const unsigned char *keys; /* npages x (u64, u64) */
	const unsigned char *flen; /* npages x NF u32 */
	uint32_t nterms;
	const unsigned char *terms, *terms_end;
	uint32_t nwords;
	const unsigned char *words, *words_end;
} spart_t;

/* A stem of a share, as spart_next_term reads it. */
typedef struct {
	const char *s; /* not NUL-terminated */
	uint32_t len;
	uint32_t df, tdf, adf; /* its pages; with it in the title; in the alerts */
	uint32_t first, last;  /* its first and last page (the share's numbers) */
	const unsigned char *post, *post_end;
} spart_term_t;

/* Reuse of the tables spart_build needs, across the groups of one build (per worker: stem and word
 * numbers). Zero it before the first use; free with spart_maps_free. */
typedef struct {
	uint32_t *stem[MAX_THREADS], *word[MAX_THREADS];
	size_t nstem[MAX_THREADS], nword[MAX_THREADS];
} spart_maps_t;
void spart_maps_free(spart_maps_t *m);

/* Write into `out` (emptied first) the share file of the pages page[0..n-1] (indexes of `res` and
 * `keys`, in page order; keys NULL: zero keys), tokenized by `workers` (their stems and surface words
 * named by the results: before search_write_site changes them). */
void spart_build(buf_t *out, spart_maps_t *maps, const size_t *page, size_t n, const docres_t *res,
		 const uint64_t (*keys)[2], const worker_t *workers, size_t nworkers, uint64_t binary_id,
		 uint64_t stemmer_id);

/* Check the share file in data[0..len) (header, checksum, ids, every table's bounds and order) and
 * fill *p to read it (borrowing `data`: p->own and p->map stay NULL). 0, or -1 when not usable. */
int spart_open(spart_t *p, const unsigned char *data, size_t len, uint64_t binary_id, uint64_t stemmer_id);
/* spart_open on the file `path`, mapped (p->map). 0, or -1 (absent or not usable: nothing to free). */
int spart_load(spart_t *p, const char *path, uint64_t binary_id, uint64_t stemmer_id);
/* Keep the share file `data` (len bytes) at `path` (atomically; one that cannot be written is made
 * again by the next build); `data` NULL: a repository without pages, its file is removed. */
void spart_store(const char *path, const char *data, size_t len);
/* Free what *p owns or maps (a zeroed one is fine). */
void spart_free(spart_t *p);

/* Page `i`'s key and field lengths. */
void spart_page_key(const spart_t *p, uint32_t i, uint64_t key[2]);
uint32_t spart_flen(const spart_t *p, uint32_t i, int field);

/* Read the stem at `at` (within [p->terms, e = p->terms_end), checked by spart_open) into *t; returns
 * where the next one starts. */
const unsigned char *spart_next_term(const unsigned char *at, const unsigned char *e, spart_term_t *t);
/* Read the word at `at` (within [p->words, e = p->words_end)); returns where the next one starts. */
const unsigned char *spart_next_word(const unsigned char *at, const unsigned char *e, const char **s,
				     uint32_t *len);

/* A bounds-checked varint (at most 32 bits) of [*p, e); sets *bad past the end or past 32 bits. */
static inline uint32_t spart_varint(const unsigned char **p, const unsigned char *e, int *bad)
{
	uint32_t v = 0;
	for (int shift = 0; shift < 35; shift += 7) {
		if (*p >= e) {
			*bad = 1;
			return 0;
		}
		unsigned char b = *(*p)++;
		if (shift == 28 && b > 0x0F) {
			*bad = 1;
			return 0;
		}
		v |= (uint32_t)(b & 0x7F) << shift;
		if (!(b & 0x80))
			return v;
	}
	*bad = 1;
	return 0;
}

#endif
