/* searchpriv.h - the search index's tokenized pages, shared by its files.
 *
 * Not an API: only gen/search*.c include it (search.h is the interface every
 * other module uses). The index is built in two phases:
 *
 *   searchprep   phase 1: every page's words split, stemmed and counted per
 *                field and section, on worker threads (each interns its own
 *                stems); a page's result is a docres_t; then each repository's
 *                share (searchpart.h) made from its pages' results, or kept
 *   search       phase 2: the shares merged: frequencies, impacts, postings,
 *                the files under search/
 */
#ifndef ALMANAC_SEARCHPRIV_H
#define ALMANAC_SEARCHPRIV_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "pathres.h"
#include "search.h"
#include "searchfiles.h"
#include "searchmem.h"
#include "tokenize.h"

enum { F_TITLE, F_ALERTS, F_HEADINGS, F_TAGS, F_BODY, NF };

#define MAX_THREADS 8
#define DEFAULT_THREADS 2

#define DT_ALERT 1 /* the term is the whole name of an alert the page lists */

#define BODY_SECTIONS 4        /* body-section references kept per (term, page) */
#define COMMON_BODY_SECTIONS 1 /* the same for a term on more than 1/8 of the pages */

#define VARINT_MAX 10 /* bytes of a 64-bit LEB128 varint */

/* Write `v` as a varint at `o` (room for VARINT_MAX bytes); returns the end. */
static inline unsigned char *varint_to(unsigned char *o, uint64_t v)
{
	while (v >= 0x80) {
		*o++ = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	*o++ = (unsigned char)v;
	return o;
}

/* Bytes of `v` as a varint. */
static inline size_t varint_len(uint64_t v)
{
	size_t n = 1;
	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

/* A stem, interned once per worker (in its arena). */
typedef struct {
	const char *s;  /* NUL-terminated */
	uint32_t len;
	uint32_t gid;   /* global term id, UINT32_MAX until phase 2 */
	uint32_t stamp; /* number of the worker's page it was last seen on (0: none) */
	uint32_t pidx;  /* its dterm index in that page */
	uint32_t df, tdf, adf; /* the worker's pages with it; in the title; in the alerts */
	uint32_t lid;   /* its index in the worker's `terms` (what a page's rterm_t holds) */
} sterm_t;

/* A surface word (lower-cased, unstemmed: what the vocabulary lists), interned once per worker. */
typedef struct {
	const char *s;  /* NUL-terminated, the key in the worker's `surface` */
	uint32_t len;
	uint32_t lid;   /* its index in the worker's `surfs` */
	uint32_t stamp; /* number of the worker's page it was last seen on (0: none) */
	sterm_t *stem;
} ssurf_t;

typedef struct {
	sterm_t *term;
	uint16_t tf[NF];
	uint8_t flags;
	int32_t last_sec;   /* last section seen, -1 none */
	uint32_t last_ev;   /* index of its last section event */
	uint32_t sec_first, nsec; /* into docres_t.secs after finishing */
} dterm_t;

typedef struct {
	uint32_t term_idx;
	uint32_t code; /* section index << 1 | in heading */
} secev_t;

/* One term of a finished page, compact (16 bytes: 5.5 million of them for
 * 20,000 pages): the page results of a whole site stay in memory until the
 * postings are written. Its sections follow those of the terms before it in
 * docres_t.secs. */
typedef struct {
	uint32_t id;         /* after phase 1: the worker's stem (sterm_t.lid); after interning: the
	                        global term id */
	uint16_t tf[NF];     /* after the impacts pass: the impact (a double, memcpy'd) */
	uint16_t nsec_alert; /* sections kept (NSEC_MAX at most) << 1 | DT_ALERT */
} rterm_t;

#define NSEC_MAX 0x7FFF /* a term's sections past the 32767th in one page are dropped */

typedef struct {
	rterm_t *terms;
	size_t nterms;
	uint32_t *secs;
	size_t nsecs;
	uint32_t flen[NF];
	uint32_t worker; /* the worker that indexed it (whose stems rterm_t.id names) */
	uint32_t *surf;  /* with a cache, until it is written: its distinct surface words (ssurf_t.lid) */
	uint32_t nsurf;
	int32_t from;    /* the cache file it was read from (searchcache.h), -1: tokenized */
} docres_t;

struct scache;
struct scache_xl;
struct spart;

typedef struct {
	tok_stemmer_t *stem;
	smem_arena_t arena;
	smem_arena_t results; /* the docres_t arrays of its pages */
	smem_arena_t surfres; /* their `surf` arrays (freed once the cache is written) */
	smem_map_t surface; /* lower-case word -> ssurf_t */
	smem_map_t stems;   /* stem -> sterm_t */
	sterm_t **terms; /* its stems by sterm_t.lid */
	size_t nterms, cterms;
	ssurf_t **surfs; /* its surface words by ssurf_t.lid */
	size_t nsurfs, csurfs;
	uint32_t id;    /* its index among the workers */
	uint32_t page_no; /* pages indexed so far (sterm_t.stamp) */
	/* per-page scratch */
	dterm_t *dt;
	size_t ndt, cdt;
	secev_t *ev;
	size_t nev, cev;
	uint32_t flen[NF];
	uint32_t *psurf; /* with a cache: the page's distinct surface words so far */
	size_t npsurf, cpsurf;
	/* current position */
	int field;
	int32_t sec;
	int heading;
	int oom;
	/* alert name tracking */
	size_t alert_tokens;
	sterm_t *alert_term;
	/* work distribution */
	const search_doc_t *docs;
	docres_t *res;
	size_t ndocs;
	size_t *next;
	pthread_mutex_t *lock;
	const atomic_int *stop; /* NULL, or non-zero when the caller gave up */
	int keys_only;          /* this round computes the pages' keys (scache_doc_key) only */
	const unsigned char *skip; /* with a cache: skip[g], group g's share is kept (its pages are not read) */
	/* the cache (searchcache.h; NULL: none): pages' keys, and its words as this worker's */
	struct scache *cache;
	uint64_t (*keys)[2];
	struct scache_xl *xl;
} worker_t;

/* The sections of `d` (*n of them): given, or loaded (search_doc_t.load_sections). */
static inline const search_section_t *sdoc_sections(const search_doc_t *d, size_t *n)
{
	if (!d->sections && d->load_sections)
		return d->load_sections(d->load_ctx, d->load_index, n);
	*n = d->nsections;
	return d->sections;
}

/* The stem `s` (`len` bytes) in `w`, added when new. */
sterm_t *sprep_stem(worker_t *w, const char *s, size_t len);
/* The surface word `s` in `w` whose stem is `stem`, added when new. */
ssurf_t *sprep_surface(worker_t *w, const char *s, size_t len, sterm_t *stem);

struct search_prep {
	worker_t workers[MAX_THREADS];
	size_t nthreads;
	docres_t *res;
	size_t ndocs;
	size_t next;
	pthread_mutex_t lock;
	int no_stemmer; /* libstemmer has no English stemmer: nothing was tokenized */
	int stopped;    /* cut short by `stop`: some pages were not tokenized */
	struct scache *cache; /* NULL: none */
	uint64_t (*keys)[2];  /* with a cache: each page's key (scache_doc_key); NULL: none */
	struct spart *parts;  /* after search_prepare: group g's share (searchpart.h), nparts of them; the
			       * workers' stems and results are freed by then */
	size_t nparts;
	size_t ncached;       /* pages from the last build: replayed, or in a kept share */
	size_t parts_kept;    /* shares read from the cache (the others were made by this build) */
	char *files_path;     /* with a cache: the record of the index's files (searchfiles.h) */
	uint64_t binary_id;
};

/* Byte order of the `al` bytes at `a` and the `bl` at `b` (a shorter prefix first): <0, 0, >0. */
int search_cmp_bytes(const char *a, size_t al, const char *b, size_t bl);

/* ---- shared by the writer's files (search.c, searchout.c, searchmeta.c) ---- */

#define META_CHUNK_PAGES 4        /* pages per metadata chunk */
#define EXCERPT_BYTES 160         /* section excerpt length in the metadata */

static const char *const search_status_names[] = {"fresh", "due", "stale", "uncommitted", "unknown"};
#define SEARCH_NSTATUS 5

/* The index of a page's status in search_status_names ("unknown" for any other). */
static inline int search_status_index(const char *s)
{
	if (s)
		for (int i = 0; i < SEARCH_NSTATUS; i++)
			if (strcmp(s, search_status_names[i]) == 0)
				return i;
	return 4;
}

/* `s`, or "" for NULL. */
static inline const char *search_nz(const char *s)
{
	return s ? s : "";
}

/* The files of the index being written (searchout.c): through the site being published, each folded
 * into the index's content hash, and kept as the last build wrote them when their bytes or inputs are
 * the same (searchfiles.h). */
typedef struct {
	const char *root; /* OUT/search, for messages */
	const pub_t *out; /* OUT: the files are written through it as search/... */
	diag_list_t *d;
	uint64_t hash;
	size_t bytes;
	int failed;
	const srfiles_t *prev; /* what the last build wrote (searchfiles.h), NULL: no record kept */
	srfiles_list_t list;   /* with `prev`: what this one has */
} sout_t;

/* 1 when the file `rel` (under search/), made from inputs of key `key`, is kept as the last build
 * wrote it (recorded with that key and still that file): folded into the hash and recorded again. */
int sout_kept_by_key(sout_t *wr, const char *rel, const uint64_t key[2]);
/* Write the file `rel` of the index (made from inputs of key `key`, NULL: none), or keep the last
 * build's when its bytes are these and it is still that file. A failure is said once (wr->failed). */
void sout_write_key(sout_t *wr, const char *rel, const void *data, size_t n, const uint64_t key[2]);
/* sout_write_key without a key. */
void sout_write(sout_t *wr, const char *rel, const void *data, size_t n);
/* Remove the files N.ext with N >= keep that an earlier build left in the folder `rel` of `out`. */
void sout_clean_dir(const pr_root_t *out, const char *rel, const char *ext, size_t keep);

/* Sort the strings `v` and drop the repeated ones: returns how many are left. */
size_t search_sorted_unique(char **v, size_t n);

/* The vocabulary shards v/I.txt (searchvocab.c): the words of the shares `parts` (searchpart.h), sorted
 * and unique, by first character; their first characters (a JSON array) appended to `vk`, the shard
 * and word counts in *nshards and *nwords. */
struct spart;
void svocab_write(const struct spart *parts, size_t nparts, sout_t *wr, buf_t *vk, size_t *nshards, size_t *nwords);

/* The metadata chunks m/I.json and facets.json (searchmeta.c): they depend on the pages only, so they
 * are written on their own thread while the postings are built. The caller fills wr, docs, keys and
 * ndocs; the job fills nchunks and the sorted unique types and owners (borrowed strings; the caller
 * frees the arrays). */
typedef struct {
	sout_t wr;
	const search_doc_t *docs;
	uint64_t (*keys)[2]; /* the pages' keys (scache_doc_key), NULL: none */
	size_t ndocs;
	size_t nchunks;
	char **types, **owners;
	size_t ntypes, nowners;
} smeta_job_t;

/* Run the job `arg` (an smeta_job_t) here. */
void smeta_run(smeta_job_t *m);
/* The job `arg` (an smeta_job_t) as a thread's body: its CPU counted for ALMANAC_TIMING. */
void *smeta_thread(void *arg);
/* Write manifest.json through `wr`, last (it names wr's content hash): the index's version, page count,
 * pages per metadata chunk, content hash, scale (the largest impact), the job's (ended) types and
 * owners, the status names, then the vocabulary and term shards' keys `vk` and `keys` (JSON arrays). */
void smeta_manifest(const smeta_job_t *m, sout_t *wr, double scale, const buf_t *vk, const buf_t *keys);

#endif
