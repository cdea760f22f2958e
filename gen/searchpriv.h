/* searchpriv.h - the search index's tokenized pages, shared by its files.
 *
 * Not an API: only gen/search*.c include it (search.h is the interface every
 * other module uses). The index is built in two phases:
 *
 *   searchprep   phase 1: every page's words split, stemmed and counted per
 *                field and section, on worker threads (each interns its own
 *                stems); a page's result is a docres_t
 *   search       phase 2: global term ids and frequencies from the workers'
 *                stems, impacts, postings, the files under search/
 */
#ifndef ALMANAC_SEARCHPRIV_H
#define ALMANAC_SEARCHPRIV_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "search.h"
#include "searchmem.h"
#include "tokenize.h"

enum { F_TITLE, F_ALERTS, F_HEADINGS, F_TAGS, F_BODY, NF };

#define MAX_THREADS 8
#define DEFAULT_THREADS 2

#define DT_ALERT 1 /* the term is the whole name of an alert the page lists */

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
} docres_t;

typedef struct {
	tok_stemmer_t *stem;
	smem_arena_t arena;
	smem_arena_t results; /* the docres_t arrays of its pages */
	smem_map_t surface; /* lower-case word -> sterm_t */
	smem_map_t stems;   /* stem -> sterm_t */
	sterm_t **terms; /* its stems by sterm_t.lid */
	size_t nterms, cterms;
	uint32_t id;    /* its index among the workers */
	uint32_t page_no; /* pages indexed so far (sterm_t.stamp) */
	/* per-page scratch */
	dterm_t *dt;
	size_t ndt, cdt;
	secev_t *ev;
	size_t nev, cev;
	uint32_t flen[NF];
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
} worker_t;

struct search_prep {
	worker_t workers[MAX_THREADS];
	size_t nthreads;
	docres_t *res;
	size_t ndocs;
	size_t next;
	pthread_mutex_t lock;
	int no_stemmer; /* libstemmer has no English stemmer: nothing was tokenized */
	int stopped;    /* cut short by `stop`: some pages were not tokenized */
};

#endif
