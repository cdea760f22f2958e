/* histpriv.h - the state of one history handle, shared by the history engine's files.
 *
 * Not an API: only gen/hist*.c include it (history.h is the interface every
 * other module uses). The engine is layered, bottom up:
 *
 *   gitobj, gitdelta, gitpack    raw objects, delta application, pack files
 *   gitstore                     packs first, libgit2 otherwise; tree LRU
 *   gittree                      tree entries, the side-by-side tree diff
 *   ---------------------------  (nothing above knows Git's byte formats,
 *                                 nothing below knows commits' meaning or pages)
 *   histcommit                   commit nodes: parse, look up, metadata, shallow list
 *   histgraft                    replace refs and grafts (as git log honours them)
 *   histdiff, histrename         a commit's changed paths per parent; renames
 *   histfile, histcache          the per-commit facts cache file
 *   histresults                  the last walk's answers (result table)
 *   histset, histqueue           item bitsets; the date-ordered commit queue
 *   histignore                   which commits do not count (ignore-revs, authors)
 *   histcontent                  ... nor cosmetic ones (freshness.count: content)
 *   histwalk                     items, pages, events, merge simplification
 *   history                      the public API: open, walk, look up, free
 *   histstatus                   the work tree's status (uncommitted pages)
 *
 * Paths, author names and e-mails are strtab indexes (h->strs); commits are
 * node indexes (h->nodes); NONE (UINT32_MAX) is "none" for both. */
#ifndef ALMANAC_HISTPRIV_H
#define ALMANAC_HISTPRIV_H

#include <git2.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "buf.h"
#include "gitstore.h"
#include "history.h"
#include "histset.h"
#include "map.h"
#include "strtab.h"

#define NONE UINT32_MAX

/* Bounds on what one repository can make a walk hold or do (history.h,
 * "Limits"). The tree-depth bound is git's own core.maxTreeDepth default
 * (gittree.h: GITTREE_MAX_DEPTH). */
#define HIST_MAX_CHANGES 1000000u       /* changed paths of one commit against one parent */
#define HIST_MAX_PATHS 4000000u         /* distinct paths, names and e-mails in one walk */
#define HIST_MAX_ENTRIES 20000000u      /* tree entries compared for one commit and parent */
#define HIST_MAX_PATH_BYTES 65536u      /* bytes of one path */

/* A hash of an object id (its first 8 bytes: ids are uniformly distributed). */
static inline uint64_t hist_oid_hash(const git_oid *o)
{
	uint64_t v;
	memcpy(&v, o->id, sizeof v);
	return v;
}

/* qsort comparison of two git_oid. */
static inline int hist_oid_cmp_q(const void *a, const void *b)
{
	return git_oid_cmp(a, b);
}

/* A growable array of uint32_t. */
typedef struct {
	uint32_t *v;
	size_t n, cap;
} u32vec_t;

static inline void u32_push(u32vec_t *v, uint32_t x)
{
	GROW(v->v, v->n, v->cap);
	v->v[v->n++] = x;
}

/* One path a commit changed against one parent. */
typedef struct {
	uint32_t path;
	char status; /* 'A' added, 'D' deleted, 'M' modified (content, mode or type) */
} hchange_t;

/* One rename a (non-merge) commit made. */
typedef struct {
	uint32_t old_path, new_path;
	uint8_t score; /* 100 = a pure rename: identical blob and mode (histrename.h) */
} hrename_t;

enum {
	N_META = 1 << 0,       /* parents, dates, author, summary, tree known */
	N_FACTS = 1 << 1,      /* changes (and exact renames) known */
	N_MISSING = 1 << 2,    /* the commit object is not in the repository */
	N_QUEUED = 1 << 3,
	N_DONE = 1 << 4,
	N_SHALLOW = 1 << 5,    /* listed in the shallow file */
	N_IGN_CHECKED = 1 << 6,
	N_IGN_REV = 1 << 7,
	N_IGN_AUTHOR = 1 << 8,
	N_SKIP_REV = 1 << 9,   /* skipped while searching some page's last commit */
	N_SKIP_AUTHOR = 1 << 10,
	N_SKIP_RENAME = 1 << 11,
	N_SIM = 1 << 12,       /* similarity renames computed */
	N_FROM_CACHE = 1 << 13,
	N_WALKED = 1 << 14,
	N_SKIP_COSMETIC = 1 << 15, /* skipped as cosmetic while searching some page's last commit */
	N_SIM_LOST = 1 << 16       /* similarity renames not computed: a blob is missing (a partial clone);
	                              set with N_SIM for this walk, never kept (the blobs may arrive) */
};
/* The flags that describe the commit itself (kept from one walk to the next). */
#define N_PERSIST (N_META | N_FACTS | N_MISSING | N_SHALLOW | N_SIM | N_FROM_CACHE)

/* A commit reached by a walk: its metadata (N_META), its changes against
 * each parent (N_FACTS) and the walk's state for it. */
typedef struct {
	git_oid oid, tree;
	int64_t ctime, atime;
	uint32_t author, email; /* strtab */
	uint32_t flags;
	uint32_t nparents;
	git_oid *parents;
	uint32_t *pidx;       /* node index per parent, NONE until created */
	char *summary;
	uint32_t nlists;      /* max(nparents, 1) when N_FACTS */
	hchange_t **changes;  /* per parent (for a root commit: against the empty tree) */
	uint32_t *nchanges;
	hrename_t *renames;
	uint32_t nrenames;
	hset_t *set;          /* the items this commit is queued for */
	uint64_t seq;         /* queue insertion order (ties) */
} cnode_t;

/* What the walk follows: a page's path (one item per name the page had) or a watch glob. */
typedef struct {
	uint32_t path;     /* strtab index (pages); NONE for globs */
	uint32_t owner;    /* page or watch index */
	uint32_t next;     /* next item at the same path */
	uint8_t is_glob;
} item_t;

/* One line of the graft file: commit `id` has `parents` instead of its own. */
typedef struct {
	git_oid id;
	git_oid *parents;
	uint32_t nparents;
	uint32_t line;       /* its line's rank in the file (the first line for a commit wins) */
} hgraft_t;

/* The content cache's entry: the canonical text's digest of blob `blob` read as page `path`. */
typedef struct {
	git_oid blob;
	uint32_t path;     /* strtab index; NONE: empty slot */
	git_oid digest;
} hcontent_slot_t;

/* The content cache's verdict: commit `commit` changed page `old_path` into
 * `new_path` cosmetically (1) or not (0). */
typedef struct {
	git_oid commit;
	uint32_t old_path, new_path; /* strtab; new_path NONE: empty slot */
	uint8_t cosmetic;
	uint8_t compared;  /* both versions were compared (not a link, not too large) */
} hcontent_verdict_t;

/* The walk's state for one page. */
typedef struct {
	char *path;        /* borrowed from h->entries[i].path */
	uint32_t last;     /* node or NONE */
	hist_event_t *ev;
	size_t nev, cev;
	char **old;
	size_t nold, cold;
	uint32_t *items;
	size_t nitems, citems;
	uint32_t nlive;
	int done, past_since, reached_end, truncated, htrunc;
	int64_t created;
	size_t skip_rev, skip_author, skip_ren, skip_cosmetic;
	int64_t minev;     /* the oldest event time so far (the list order is git log's) */
	int64_t settled;   /* minev as of the latest counting event: hist_entry_at at an instant
	                      >= settled finds a counting event among those recorded */
} hpage_t;

/* The walk's state for one watch glob. */
typedef struct {
	hist_watch_t w;
	char *glob;
	uint32_t item;
	uint32_t last;     /* node or NONE */
	uint32_t path;     /* strtab index of the matching path */
} hwatch_t;

/* The facts cache file, read whole (histcache.h). */
typedef struct {
	unsigned char *data;
	size_t len;
	uint32_t nstr;
	const unsigned char **str;
	uint32_t *slen;
	uint32_t *strmap;     /* cache string index -> h->strs index, NONE until mapped */
	uint32_t ncommits;
	size_t *off;          /* record offsets */
	uint32_t *slots;      /* oid hash -> record index */
	size_t nslots;
	uint8_t *decoded;
} hcache_t;

struct hist {
	git_repository *repo;
	git_odb *odb;
	char *label;          /* the repository in diagnostics: the work tree's path (no trailing '/') */
	int promisor;         /* a partial clone: some objects may be missing by design */
	char *workdir;
	char *commondir;
	char head[41];
	char *branch;
	int shallow;
	int unborn;
	git_oid head_oid;

	strtab_t strs;
	/* per string (path) data, grown with strs */
	uint32_t *path_items;
	int32_t *pglob_off;   /* offset into pglob_pool, -1 = not computed */
	uint32_t *pglob_n;
	uint8_t *author_ign;  /* 0 unknown, 1 no, 2 yes */
	size_t pcap;
	uint32_t *pglob_pool;
	size_t npool, cpool;

	cnode_t *nodes;
	size_t nnodes, cnodes;
	uint32_t *oslots;     /* oid -> node */
	size_t noslots;

	git_oid *shallow_oids;
	size_t nshallow;

	/* replace refs and grafts (histgraft.h) */
	gitstore_replace_t *replace;  /* sorted by `from` */
	size_t nreplace;
	hgraft_t *grafts;             /* sorted by id */
	size_t ngrafts;
	uint64_t graft_digest;        /* 0: no replacement, no graft */

	/* objects: packs, libgit2, the tree cache */
	gitstore_t store;

	/* walk */
	const atomic_int *stop;       /* opts.stop of the walk under way */
	int stopped;                  /* stop was seen inside a commit's work: end the walk */
	item_t *items;
	size_t nitems, citems;
	uint64_t *live;
	size_t nlivew;
	hpage_t *pages;
	size_t npages;
	hwatch_t *watches;
	size_t nwatches;
	map_t watch_map;
	size_t pages_live;
	uint32_t *heap;
	size_t nheap, cheap;
	uint64_t seq;
	int use_author_date;
	int64_t since;
	int all_old_paths;
	git_oid *ign_revs;
	size_t nign_revs;
	pcre2_code **ign_re;
	size_t nign_re;
	pcre2_match_data *md;
	int walked;

	hcache_t cache;
	int dirty;
	char *cache_path;
	char *res_path;              /* the result table (history-results) */
	void *res_map;               /* the mapped result table: the answers point into it */
	size_t res_len;
	const char **res_old;        /* every page's old paths (entries point into it) */
	hist_entry_t *entries;       /* the answers, one per page (h->pages: the walk's state, NULL
	                                when the answers came from the result table) */
	size_t entries_maplen;       /* entries is mapped (entries_alloc), this long */
	char *page_arena;            /* the page paths, NUL-separated */
	uint32_t *pslots;            /* path hash -> page index */
	size_t npslots;

	/* status */
	int status_loaded;
	char *status_error;           /* why the status could not be read, or NULL */
	map_t status_map;
	git_index *index;

	/* freshness.count: content (histcontent.h) */
	char *(*content_canon)(void *ctx, const char *path, const char *text, size_t len, size_t *out_len);
	void *content_ctx;
	unsigned content_version;
	const int64_t *points;        /* opts.points (borrowed for the walk) */
	size_t npoints;
	hcontent_slot_t *cslots;      /* (blob, path) -> digest of the canonical text, kept across walks */
	size_t ncslots, cused;
	unsigned cslot_version;       /* the canonical form's version of cslots and vslots */
	hcontent_verdict_t *vslots;   /* (commit, old path, new path) -> verdict, kept across walks */
	size_t nvslots, vused;

	hist_stats_t stats;
	size_t cnt_rev, cnt_author, cnt_ren, cnt_cosmetic;
};

/* Add an error (code "history") "<what>: <libgit2's last error message>" about the
 * repository (h->label) to `d`, with a hint when it is a partial clone (history.c). */
void hist_diag_git(const hist_t *h, diag_list_t *d, const char *what);

#endif
