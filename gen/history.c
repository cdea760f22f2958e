/* history.c - one walk of the Git history: path -> last counting commit. See history.h.
 *
 * Design. Every commit reachable from HEAD becomes a node (index into
 * h->nodes). The walk pops nodes from a priority queue ordered like git's
 * default `git log` (committer date, newest first; ties in insertion order).
 *
 * What is followed is a set of ITEMS: one per page path being searched (a
 * page gets a new item at the old path when a rename is followed) and one per
 * watch glob. Each queued node carries a reference-counted bitset S of the
 * items for which that node is in the item's own simplified history (the
 * commits `git log -- PATH` would visit). When a node is popped:
 *   - non-merge: items whose path the commit changed get an event; every
 *     item in S goes on to the parent (git keeps walking past a shown
 *     commit), except items ended by a pure rename / creation, whose
 *     successor item (old path) starts at the parent;
 *   - merge: an item goes to the first parent whose version of its path is
 *     identical (git's history simplification); when no parent is identical,
 *     the merge is an event for the item and the item goes to every parent;
 *   - boundary (shallow, or parents missing): items still searching are
 *     truncated.
 * A page is resolved once its last counting commit is found and its events
 * reach opts.since (or its creation). The walk stops when every page is
 * resolved; nodes whose S holds no live item are skipped without reading
 * their trees.
 *
 * A node's changed paths (against each parent) are computed by reading raw
 * tree objects and walking two sorted entry lists side by side, descending
 * only into subtrees whose ids differ. Tree objects are kept in a small LRU
 * (adjacent commits share most trees). These per-commit facts are memoised
 * in the cache file (see history.h). */
#include "history.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <git2/sys/repository.h>
#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "buf.h"
#include "map.h"
#include "fsutil.h"
#include "pathres.h"

#define NONE UINT32_MAX

/* ------------------------------------------------------------------------ */
/* small helpers                                                             */
/* ------------------------------------------------------------------------ */

static uint64_t fnv64(const void *p, size_t n, uint64_t h)
{
	return map_hash_add(h, p, n);
}
#define FNV_INIT MAP_HASH_SEED

static uint64_t oid_hash(const git_oid *o)
{
	uint64_t v;
	memcpy(&v, o->id, sizeof v);
	return v;
}

#define GROW(ptr, n, cap)                                                    \
	do {                                                                 \
		if ((n) >= (cap)) {                                          \
			(cap) = (cap) ? (cap) * 2 : 8;                       \
			if ((cap) <= (n))                                    \
				(cap) = (n) + 1;                             \
			(ptr) = xrealloc((ptr), (cap) * sizeof *(ptr));      \
		}                                                            \
	} while (0)

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double thread_cpu_seconds(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return 0;
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A checksum for the cache files: four 64-bit lanes over 8-byte words (about
 * ten times faster than FNV-1a byte by byte on the multi-megabyte files), the
 * tail bytes and the length folded in. Detects corruption; not a MAC. */
static uint64_t sum64(const void *p, size_t n)
{
	const unsigned char *s = p;
	const uint64_t k = 0x9e3779b97f4a7c15ULL;
	uint64_t l[4] = {FNV_INIT, k, FNV_INIT ^ k, ~k};
	size_t i = 0;
	for (; i + 32 <= n; i += 32) {
		for (int j = 0; j < 4; j++) {
			uint64_t w;
			memcpy(&w, s + i + 8 * j, 8);
			l[j] = (l[j] ^ w) * k;
			l[j] ^= l[j] >> 29;
		}
	}
	uint64_t v = fnv64(s + i, n - i, FNV_INIT ^ (uint64_t)n);
	for (int j = 0; j < 4; j++) {
		v = (v ^ l[j]) * k;
		v ^= v >> 31;
	}
	return v;
}

/* ------------------------------------------------------------------------ */
/* string table (paths, author names and e-mails)                            */
/* ------------------------------------------------------------------------ */

typedef struct {
	char **s;
	uint32_t *len;
	uint64_t *hash;
	size_t n, cap;
	uint32_t *slots; /* index or NONE */
	size_t nslots;
} strtab_t;

static void strtab_rehash(strtab_t *t)
{
	size_t ns = t->nslots ? t->nslots * 2 : 1024;
	uint32_t *sl = xmalloc(ns * sizeof *sl);
	memset(sl, 0xff, ns * sizeof *sl);
	for (size_t i = 0; i < t->n; i++) {
		size_t j = t->hash[i] & (ns - 1);
		while (sl[j] != NONE)
			j = (j + 1) & (ns - 1);
		sl[j] = (uint32_t)i;
	}
	free(t->slots);
	t->slots = sl;
	t->nslots = ns;
}

static uint32_t strtab_find(const strtab_t *t, const char *s, size_t n)
{
	if (!t->nslots)
		return NONE;
	uint64_t hv = fnv64(s, n, FNV_INIT);
	size_t j = hv & (t->nslots - 1);
	while (t->slots[j] != NONE) {
		uint32_t i = t->slots[j];
		if (t->hash[i] == hv && t->len[i] == n && memcmp(t->s[i], s, n) == 0)
			return i;
		j = (j + 1) & (t->nslots - 1);
	}
	return NONE;
}

static uint32_t strtab_intern(strtab_t *t, const char *s, size_t n)
{
	uint32_t i = strtab_find(t, s, n);
	if (i != NONE)
		return i;
	if ((t->n + 1) * 2 > t->nslots)
		strtab_rehash(t);
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 1024;
		t->s = xrealloc(t->s, t->cap * sizeof *t->s);
		t->len = xrealloc(t->len, t->cap * sizeof *t->len);
		t->hash = xrealloc(t->hash, t->cap * sizeof *t->hash);
	}
	i = (uint32_t)t->n++;
	t->s[i] = xstrndup(s, n);
	t->len[i] = (uint32_t)n;
	t->hash[i] = fnv64(s, n, FNV_INIT);
	size_t j = t->hash[i] & (t->nslots - 1);
	while (t->slots[j] != NONE)
		j = (j + 1) & (t->nslots - 1);
	t->slots[j] = i;
	return i;
}

static void strtab_free(strtab_t *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->s[i]);
	free(t->s);
	free(t->len);
	free(t->hash);
	free(t->slots);
	memset(t, 0, sizeof *t);
}

/* ------------------------------------------------------------------------ */
/* reference-counted bitsets of items                                        */
/* ------------------------------------------------------------------------ */

typedef struct {
	uint32_t refs;
	uint32_t nw;
	uint64_t w[];
} bset_t;

static bset_t *bs_new(uint32_t nw)
{
	bset_t *s = xcalloc(1, sizeof *s + (size_t)nw * sizeof(uint64_t));
	s->refs = 1;
	s->nw = nw;
	return s;
}

static bset_t *bs_ref(bset_t *s)
{
	if (s)
		s->refs++;
	return s;
}

static void bs_unref(bset_t *s)
{
	if (s && --s->refs == 0)
		free(s);
}

static int bs_test(const bset_t *s, uint32_t i)
{
	return s && (i >> 6) < s->nw && ((s->w[i >> 6] >> (i & 63)) & 1);
}

/* A set the caller may modify, with room for `nw` words. Takes over the reference to `s`. */
static bset_t *bs_private(bset_t *s, uint32_t nw)
{
	if (s && s->refs == 1 && s->nw >= nw)
		return s;
	uint32_t n = nw;
	if (s && s->nw > n)
		n = s->nw;
	bset_t *c = bs_new(n);
	if (s) {
		memcpy(c->w, s->w, (size_t)s->nw * sizeof(uint64_t));
		bs_unref(s);
	}
	return c;
}

static void bs_union_into(bset_t **dst, bset_t *src)
{
	if (!src)
		return;
	if (!*dst) {
		*dst = bs_ref(src);
		return;
	}
	if (*dst == src)
		return;
	bset_t *d = bs_private(*dst, src->nw);
	for (uint32_t i = 0; i < src->nw; i++)
		d->w[i] |= src->w[i];
	*dst = d;
}

static void bs_add(bset_t **dst, uint32_t item)
{
	bset_t *d = bs_private(*dst, (item >> 6) + 1);
	d->w[item >> 6] |= 1ULL << (item & 63);
	*dst = d;
}

/* ------------------------------------------------------------------------ */
/* data model                                                                */
/* ------------------------------------------------------------------------ */

typedef struct {
	uint32_t path;
	char status; /* 'A' added, 'D' deleted, 'M' modified (content, mode or type) */
} hchange_t;

typedef struct {
	uint32_t old_path, new_path;
	uint8_t score; /* 100 = identical content */
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
	N_WALKED = 1 << 14
};
#define N_PERSIST (N_META | N_FACTS | N_MISSING | N_SHALLOW | N_SIM | N_FROM_CACHE)

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
	bset_t *set;
	uint64_t seq;
} cnode_t;

typedef struct {
	uint32_t path;     /* strtab index (pages); NONE for globs */
	uint32_t owner;    /* page or watch index */
	uint32_t next;     /* next item at the same path */
	uint8_t is_glob;
} item_t;

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
	size_t skip_rev, skip_author, skip_ren;
} hpage_t;

typedef struct {
	hist_watch_t w;
	char *glob;
	uint32_t item;
	uint32_t last;     /* node or NONE */
	uint32_t path;     /* strtab index of the matching path */
} hwatch_t;

/* An object's content, reference-counted (the tree LRU and the delta-base
 * cache share them). */
typedef struct {
	uint32_t refs;
	int type;           /* GIT_OBJECT_COMMIT, _TREE, _BLOB, _TAG */
	size_t len;
	unsigned char data[];
} hobj_t;

typedef struct {
	git_oid oid;
	hobj_t *obj;
	uint32_t prev, next;  /* LRU list */
	int used;
} tslot_t;

/* One pack: its .idx and .pack mapped read-only. */
typedef struct {
	unsigned char *idx, *pack;
	size_t idx_len, pack_len;
	uint32_t n;
	const unsigned char *fanout, *sha, *off32, *off64;
	size_t n64;
} hpack_t;

/* Delta-base cache entry: an object reconstructed from a pack. */
typedef struct {
	uint32_t pack;
	uint64_t off;
	hobj_t *obj;
	uint32_t prev, next;
} dslot_t;

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

	/* packed objects */
	hpack_t *packs;
	size_t npacks;
	uint32_t last_pack;
	int packs_loaded;
	z_stream zs;
	int zs_ready;
	dslot_t *dslots;
	uint32_t *dhash;
	uint32_t *dfree;
	size_t dcap, dused, ndhash, dmem, ndfree, dlimit;
	unsigned dbits;
	uint32_t dhead, dtail;

	/* trees */
	tslot_t *tslots;
	uint32_t *thash;
	size_t tcap, nthash, tused;
	uint32_t thead, ttail;

	/* walk */
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
	map_t status_map;
	git_index *index;

	hist_stats_t stats;
	size_t cnt_rev, cnt_author, cnt_ren;
};

/* ------------------------------------------------------------------------ */
/* per-path arrays                                                           */
/* ------------------------------------------------------------------------ */

static void paths_reserve(hist_t *h)
{
	if (h->strs.n <= h->pcap)
		return;
	size_t nc = h->pcap ? h->pcap : 1024;
	while (nc < h->strs.n)
		nc *= 2;
	h->path_items = xrealloc(h->path_items, nc * sizeof *h->path_items);
	h->pglob_off = xrealloc(h->pglob_off, nc * sizeof *h->pglob_off);
	h->pglob_n = xrealloc(h->pglob_n, nc * sizeof *h->pglob_n);
	h->author_ign = xrealloc(h->author_ign, nc * sizeof *h->author_ign);
	for (size_t i = h->pcap; i < nc; i++) {
		h->path_items[i] = NONE;
		h->pglob_off[i] = -1;
		h->pglob_n[i] = 0;
		h->author_ign[i] = 0;
	}
	h->pcap = nc;
}

static uint32_t intern(hist_t *h, const char *s, size_t n)
{
	uint32_t i = strtab_intern(&h->strs, s, n);
	paths_reserve(h);
	return i;
}

/* ------------------------------------------------------------------------ */
/* glob matching                                                             */
/* ------------------------------------------------------------------------ */

/* fnmatch-like match of one path segment: * ? [class] and backslash escapes. */
static int seg_match(const char *p, const char *pe, const char *s, const char *se)
{
	const char *star_p = NULL, *star_s = NULL;
	while (s < se) {
		if (p < pe && *p == '*') {
			star_p = ++p;
			star_s = s;
			continue;
		}
		if (p < pe) {
			int ok = 0;
			const char *np = p + 1;
			if (*p == '?') {
				ok = 1;
			} else if (*p == '[') {
				const char *q = p + 1;
				int neg = 0, hit = 0;
				if (q < pe && (*q == '!' || *q == '^')) {
					neg = 1;
					q++;
				}
				const char *start = q;
				while (q < pe && (*q != ']' || q == start)) {
					unsigned char lo = (unsigned char)*q, hi = lo;
					if (q + 2 < pe && q[1] == '-' && q[2] != ']') {
						hi = (unsigned char)q[2];
						q += 2;
					}
					if ((unsigned char)*s >= lo && (unsigned char)*s <= hi)
						hit = 1;
					q++;
				}
				if (q < pe) { /* well-formed class */
					ok = hit != neg;
					np = q + 1;
				} else {
					ok = *s == '['; /* literal '[' */
				}
			} else if (*p == '\\' && p + 1 < pe) {
				ok = p[1] == *s;
				np = p + 2;
			} else {
				ok = *p == *s;
			}
			if (ok) {
				p = np;
				s++;
				continue;
			}
		}
		if (!star_p)
			return 0;
		p = star_p;
		s = ++star_s;
	}
	while (p < pe && *p == '*')
		p++;
	return p == pe;
}

typedef struct {
	const char *s;
	size_t n;
} seg_t;

static size_t split_segs(const char *s, seg_t *out, size_t max)
{
	size_t n = 0;
	while (*s) {
		const char *e = strchr(s, '/');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		if (len > 0 && !(len == 1 && s[0] == '.')) {
			if (n == max)
				return max + 1;
			out[n].s = s;
			out[n].n = len;
			n++;
		}
		if (!e)
			break;
		s = e + 1;
	}
	return n;
}

static int segs_match(const seg_t *g, size_t ng, const seg_t *p, size_t np)
{
	/* m[i][j]: g[i..] matches p[j..]. Filled bottom-up: the recursive form with
	 * several '**' took exponential time (14 of them against a 41-segment
	 * path: minutes) on a hostile watches: glob. ng, np <= 64. */
	unsigned char m[65][65];
	for (size_t j = 0; j <= np; j++)
		m[ng][j] = 1; /* exact, or the glob names a directory above the path */
	for (size_t i = ng; i-- > 0;) {
		int dstar = g[i].n == 2 && g[i].s[0] == '*' && g[i].s[1] == '*';
		for (size_t j = np + 1; j-- > 0;) {
			if (dstar)
				m[i][j] = m[i + 1][j] || (j < np && m[i][j + 1]);
			else
				m[i][j] = j < np && m[i + 1][j + 1] &&
					  seg_match(g[i].s, g[i].s + g[i].n, p[j].s, p[j].s + p[j].n);
		}
	}
	return m[0][0];
}

int hist_glob_match(const char *glob, const char *path)
{
	seg_t g[64], p[64];
	if (!glob || !path)
		return 0;
	size_t ng = split_segs(glob, g, 64), np = split_segs(path, p, 64);
	if (ng > 64 || np > 64 || ng == 0)
		return 0;
	return segs_match(g, ng, p, np);
}

/* Watches whose glob matches path `pi` (computed once per path). */
static const uint32_t *path_globs(hist_t *h, uint32_t pi, uint32_t *n)
{
	if (h->pglob_off[pi] < 0) {
		size_t start = h->npool;
		for (size_t w = 0; w < h->nwatches; w++) {
			if (hist_glob_match(h->watches[w].glob, h->strs.s[pi])) {
				GROW(h->pglob_pool, h->npool, h->cpool);
				h->pglob_pool[h->npool++] = (uint32_t)w;
			}
		}
		h->pglob_off[pi] = (int32_t)start;
		h->pglob_n[pi] = (uint32_t)(h->npool - start);
	}
	*n = h->pglob_n[pi];
	return h->pglob_pool + h->pglob_off[pi];
}

/* ------------------------------------------------------------------------ */
/* packed objects                                                            */
/* ------------------------------------------------------------------------ */
/* The walk reads about one tree object per changed directory per commit.
 * Through git_odb_read every read sets up a new zlib stream and goes through
 * libgit2's small (16 MiB) delta-base cache; on a 100,000-commit history that
 * is twice the time of `git log`. So objects are read here directly from the
 * pack files (index v2 lookup, one reused zlib stream, OFS/REF deltas and a
 * 48 MiB delta-base cache, like git's core.deltaBaseCacheLimit). Anything not
 * found in a pack (loose objects, alternates) or not understood is read with
 * git_odb_read instead, so this is purely an accelerator. */

/* zlib is linked into the process by libgit2 but is not one of the build's
 * declared dependencies, so its four entry points are looked up at run time;
 * without them the reader stays off and libgit2 reads everything. */
typedef int (*z_init_fn)(z_streamp, const char *, int);
typedef int (*z_fn)(z_streamp);
typedef int (*z_inflate_fn)(z_streamp, int);
static struct {
	int ok;
	z_init_fn init;
	z_fn reset, end;
	z_inflate_fn inflate;
} zl;
static pthread_once_t zl_once = PTHREAD_ONCE_INIT;

static void zlib_lookup(void)
{
	zl.init = (z_init_fn)dlsym(RTLD_DEFAULT, "inflateInit_");
	zl.reset = (z_fn)dlsym(RTLD_DEFAULT, "inflateReset");
	zl.end = (z_fn)dlsym(RTLD_DEFAULT, "inflateEnd");
	zl.inflate = (z_inflate_fn)dlsym(RTLD_DEFAULT, "inflate");
	zl.ok = zl.init && zl.reset && zl.end && zl.inflate;
}

static int zlib_load(void)
{
	pthread_once(&zl_once, zlib_lookup);
	return zl.ok;
}

#define DCACHE_MEM (48u << 20)
#define DCACHE_SLOTS 65536
#define MAX_DELTA_DEPTH 10000

static hobj_t *hobj_new(int type, size_t len)
{
	hobj_t *o = xmalloc(sizeof *o + len + 1);
	o->refs = 1;
	o->type = type;
	o->len = len;
	o->data[len] = 0;
	return o;
}

static hobj_t *hobj_ref(hobj_t *o)
{
	if (o)
		o->refs++;
	return o;
}

static void hobj_unref(hobj_t *o)
{
	if (o && --o->refs == 0)
		free(o);
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void packs_close(hist_t *h)
{
	for (size_t i = 0; i < h->npacks; i++) {
		munmap(h->packs[i].idx, h->packs[i].idx_len);
		munmap(h->packs[i].pack, h->packs[i].pack_len);
	}
	free(h->packs);
	h->packs = NULL;
	h->npacks = 0;
	h->packs_loaded = 0;
	for (size_t i = 0; i < h->dused; i++)
		hobj_unref(h->dslots[i].obj);
	free(h->dslots);
	free(h->dhash);
	free(h->dfree);
	h->dslots = NULL;
	h->dhash = NULL;
	h->dfree = NULL;
	h->dused = h->dmem = h->ndfree = 0;
	if (h->zs_ready)
		zl.end(&h->zs);
	h->zs_ready = 0;
}

static void *map_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct stat st;
	void *p = NULL;
	if (fstat(fd, &st) == 0 && st.st_size > 0) {
		p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED)
			p = NULL;
		else
			*len = (size_t)st.st_size;
	}
	close(fd);
	return p;
}

static int str_cmp_q(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void packs_open(hist_t *h)
{
	h->packs_loaded = 1;
	char *dir = xasprintf("%sobjects/pack", h->commondir);
	DIR *d = opendir(dir);
	if (!d) {
		free(dir);
		return;
	}
	char **names = NULL;
	size_t nn = 0, cn = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);
		if (l > 4 && strcmp(de->d_name + l - 4, ".idx") == 0) {
			GROW(names, nn, cn);
			names[nn++] = xstrndup(de->d_name, l - 4);
		}
	}
	closedir(d);
	if (nn)
		qsort(names, nn, sizeof *names, str_cmp_q); /* deterministic order */
	size_t cpacks = 0;
	for (size_t i = 0; i < nn; i++) {
		char *ip = xasprintf("%s/%s.idx", dir, names[i]);
		char *pp = xasprintf("%s/%s.pack", dir, names[i]);
		hpack_t pk;
		memset(&pk, 0, sizeof pk);
		pk.idx = map_file(ip, &pk.idx_len);
		pk.pack = map_file(pp, &pk.pack_len);
		int ok = pk.idx && pk.pack && pk.idx_len >= 8 + 1024 + 40 && pk.pack_len >= 12 + 20 &&
			 be32(pk.idx) == 0xff744f63 && be32(pk.idx + 4) == 2 && memcmp(pk.pack, "PACK", 4) == 0 &&
			 (be32(pk.pack + 4) == 2 || be32(pk.pack + 4) == 3);
		if (ok) {
			pk.fanout = pk.idx + 8;
			pk.n = be32(pk.fanout + 255 * 4);
			size_t need = 8 + 1024 + (size_t)pk.n * (20 + 4 + 4) + 40;
			ok = need <= pk.idx_len && be32(pk.pack + 8) == pk.n;
			if (ok) {
				pk.sha = pk.fanout + 1024;
				pk.off32 = pk.sha + (size_t)pk.n * 24;
				pk.off64 = pk.off32 + (size_t)pk.n * 4;
				pk.n64 = (pk.idx_len - need) / 8;
			}
		}
		if (ok) {
			GROW(h->packs, h->npacks, cpacks);
			h->packs[h->npacks++] = pk;
		} else {
			if (pk.idx)
				munmap(pk.idx, pk.idx_len);
			if (pk.pack)
				munmap(pk.pack, pk.pack_len);
		}
		free(ip);
		free(pp);
		free(names[i]);
	}
	free(names);
	free(dir);
	memset(&h->zs, 0, sizeof h->zs);
	if (zlib_load() && zl.init(&h->zs, ZLIB_VERSION, (int)sizeof(z_stream)) == Z_OK)
		h->zs_ready = 1;
	h->dcap = DCACHE_SLOTS;
	h->dslots = xcalloc(h->dcap, sizeof *h->dslots);
	h->dfree = xmalloc(h->dcap * sizeof *h->dfree);
	h->ndfree = 0;
	h->ndhash = h->dcap * 2;
	h->dbits = 0;
	while (((size_t)1 << h->dbits) < h->ndhash)
		h->dbits++;
	h->dlimit = DCACHE_MEM;
	h->dhash = xmalloc(h->ndhash * sizeof *h->dhash);
	memset(h->dhash, 0xff, h->ndhash * sizeof *h->dhash);
	h->dhead = h->dtail = NONE;
}

/* Offset of object `id` in pack `pi`, or UINT64_MAX. */
static uint64_t pack_offset(const hpack_t *p, const git_oid *id)
{
	const unsigned char *sha = id->id;
	uint32_t lo = sha[0] ? be32(p->fanout + 4 * (sha[0] - 1)) : 0;
	uint32_t hi = be32(p->fanout + 4 * sha[0]);
	if (hi > p->n || lo > hi)
		return UINT64_MAX;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = memcmp(p->sha + (size_t)mid * 20, sha, 20);
		if (c == 0) {
			uint32_t o = be32(p->off32 + (size_t)mid * 4);
			if (!(o & 0x80000000u))
				return o;
			size_t k = o & 0x7fffffffu;
			if (k >= p->n64)
				return UINT64_MAX;
			const unsigned char *q = p->off64 + k * 8;
			return (uint64_t)be32(q) << 32 | be32(q + 4);
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return UINT64_MAX;
}

static int pack_find(hist_t *h, const git_oid *id, uint32_t *pi, uint64_t *off)
{
	if (!h->npacks)
		return -1;
	for (size_t k = 0; k < h->npacks; k++) {
		uint32_t i = (uint32_t)((h->last_pack + k) % h->npacks);
		uint64_t o = pack_offset(&h->packs[i], id);
		if (o != UINT64_MAX) {
			h->last_pack = i;
			*pi = i;
			*off = o;
			return 0;
		}
	}
	return -1;
}

/* Inflate exactly `len` bytes of zlib data starting at pack offset `pos`. */
static hobj_t *pack_inflate(hist_t *h, const hpack_t *p, uint64_t pos, size_t len, int type)
{
	if (!h->zs_ready || pos >= p->pack_len)
		return NULL;
	hobj_t *o = hobj_new(type, len);
	if (zl.reset(&h->zs) != Z_OK) {
		hobj_unref(o);
		return NULL;
	}
	size_t avail = p->pack_len - (size_t)pos;
	h->zs.next_in = (Bytef *)(p->pack + pos);
	h->zs.avail_in = avail > UINT32_MAX ? UINT32_MAX : (uInt)avail;
	unsigned char dummy;
	h->zs.next_out = len ? o->data : &dummy;
	h->zs.avail_out = len ? (uInt)len : 1;
	if (len > UINT32_MAX) {
		hobj_unref(o);
		return NULL;
	}
	int zr = zl.inflate(&h->zs, Z_FINISH);
	if (zr != Z_STREAM_END || h->zs.total_out != len) {
		hobj_unref(o);
		return NULL;
	}
	return o;
}

static size_t dhash_home(const hist_t *h, uint32_t pack, uint64_t off)
{
	uint64_t key = (off << 8) ^ pack;
	return (size_t)((key * 0x9E3779B97F4A7C15ULL) >> (64 - h->dbits));
}

static uint32_t *dhash_find(hist_t *h, uint32_t pack, uint64_t off)
{
	size_t j = dhash_home(h, pack, off);
	while (h->dhash[j] != NONE) {
		dslot_t *s = &h->dslots[h->dhash[j]];
		if (s->pack == pack && s->off == off)
			return &h->dhash[j];
		j = (j + 1) & (h->ndhash - 1);
	}
	return NULL;
}

static void dhash_del(hist_t *h, uint32_t slot)
{
	size_t mask = h->ndhash - 1;
	size_t j = dhash_home(h, h->dslots[slot].pack, h->dslots[slot].off);
	while (h->dhash[j] != slot) {
		if (h->dhash[j] == NONE)
			return;
		j = (j + 1) & mask;
	}
	h->dhash[j] = NONE;
	size_t k = (j + 1) & mask;
	while (h->dhash[k] != NONE) {
		dslot_t *s = &h->dslots[h->dhash[k]];
		size_t home = dhash_home(h, s->pack, s->off);
		if ((j < k) ? (home <= j || home > k) : (home <= j && home > k)) {
			h->dhash[j] = h->dhash[k];
			h->dhash[k] = NONE;
			j = k;
		}
		k = (k + 1) & mask;
	}
}

static void dlru_unlink(hist_t *h, uint32_t i)
{
	dslot_t *s = &h->dslots[i];
	if (s->prev != NONE)
		h->dslots[s->prev].next = s->next;
	else
		h->dhead = s->next;
	if (s->next != NONE)
		h->dslots[s->next].prev = s->prev;
	else
		h->dtail = s->prev;
}

static void dlru_front(hist_t *h, uint32_t i)
{
	dslot_t *s = &h->dslots[i];
	s->prev = NONE;
	s->next = h->dhead;
	if (h->dhead != NONE)
		h->dslots[h->dhead].prev = i;
	h->dhead = i;
	if (h->dtail == NONE)
		h->dtail = i;
}

static hobj_t *dcache_get(hist_t *h, uint32_t pack, uint64_t off)
{
	uint32_t *hit = dhash_find(h, pack, off);
	if (!hit)
		return NULL;
	uint32_t i = *hit;
	if (h->dhead != i) {
		dlru_unlink(h, i);
		dlru_front(h, i);
	}
	return hobj_ref(h->dslots[i].obj);
}

static void dcache_evict_tail(hist_t *h)
{
	uint32_t i = h->dtail;
	dlru_unlink(h, i);
	dhash_del(h, i);
	h->dmem -= h->dslots[i].obj->len;
	hobj_unref(h->dslots[i].obj);
	h->dslots[i].obj = NULL;
	h->dfree[h->ndfree++] = i;
}

static void dcache_put(hist_t *h, uint32_t pack, uint64_t off, hobj_t *o)
{
	if (o->len > (1u << 20) || dhash_find(h, pack, off))
		return;
	while (h->dmem + o->len > h->dlimit && h->dtail != NONE)
		dcache_evict_tail(h);
	if (!h->ndfree && h->dused == h->dcap)
		dcache_evict_tail(h);
	uint32_t i = h->ndfree ? h->dfree[--h->ndfree] : (uint32_t)h->dused++;
	dslot_t *s = &h->dslots[i];
	s->pack = pack;
	s->off = off;
	s->obj = hobj_ref(o);
	h->dmem += o->len;
	size_t j = dhash_home(h, pack, off);
	while (h->dhash[j] != NONE)
		j = (j + 1) & (h->ndhash - 1);
	h->dhash[j] = i;
	dlru_front(h, i);
}

static hobj_t *odb_read_fallback(hist_t *h, const git_oid *id, int *rc);

/* Apply git delta `d` (len dl) to `base`. */
static hobj_t *delta_apply(const hobj_t *base, const unsigned char *d, size_t dl)
{
	const unsigned char *e = d + dl;
	size_t sizes[2];
	for (int k = 0; k < 2; k++) {
		size_t v = 0;
		int shift = 0;
		unsigned char c;
		do {
			if (d >= e || shift > 56)
				return NULL;
			c = *d++;
			v |= (size_t)(c & 0x7f) << shift;
			shift += 7;
		} while (c & 0x80);
		sizes[k] = v;
	}
	if (sizes[0] != base->len)
		return NULL;
	hobj_t *o = hobj_new(base->type, sizes[1]);
	unsigned char *out = o->data, *oe = o->data + sizes[1];
	while (d < e) {
		unsigned char op = *d++;
		if (op & 0x80) {
			size_t off = 0, sz = 0;
			for (int k = 0; k < 4; k++)
				if (op & (1u << k)) {
					if (d >= e)
						goto bad;
					off |= (size_t)*d++ << (8 * k);
				}
			for (int k = 0; k < 3; k++)
				if (op & (0x10u << k)) {
					if (d >= e)
						goto bad;
					sz |= (size_t)*d++ << (8 * k);
				}
			if (sz == 0)
				sz = 0x10000;
			if (off > base->len || sz > base->len - off || sz > (size_t)(oe - out))
				goto bad;
			memcpy(out, base->data + off, sz);
			out += sz;
		} else if (op) {
			if (op > (size_t)(e - d) || op > (size_t)(oe - out))
				goto bad;
			memcpy(out, d, op);
			d += op;
			out += op;
		} else {
			goto bad;
		}
	}
	if (out != oe)
		goto bad;
	return o;
bad:
	hobj_unref(o);
	return NULL;
}

/* The object at `off` in pack `pi`, or NULL (then the caller falls back). */
static hobj_t *pack_unpack(hist_t *h, uint32_t pi, uint64_t off, int depth)
{
	hobj_t *o = dcache_get(h, pi, off);
	if (o)
		return o;
	const hpack_t *p = &h->packs[pi];
	if (depth > MAX_DELTA_DEPTH || off < 12 || off >= p->pack_len - 20)
		return NULL;
	uint64_t pos = off;
	unsigned char c = p->pack[pos++];
	int type = (c >> 4) & 7;
	uint64_t size = c & 15;
	int shift = 4;
	while (c & 0x80) {
		if (pos >= p->pack_len || shift > 57)
			return NULL;
		c = p->pack[pos++];
		size |= (uint64_t)(c & 0x7f) << shift;
		shift += 7;
	}
	if (size > ((uint64_t)1 << 31))
		return NULL;
	if (type >= 1 && type <= 4)
		return pack_inflate(h, p, pos, (size_t)size, type);
	hobj_t *base = NULL;
	if (type == 6) { /* OFS_DELTA */
		if (pos >= p->pack_len)
			return NULL;
		c = p->pack[pos++];
		uint64_t ofs = c & 127;
		while (c & 128) {
			if (pos >= p->pack_len || ofs > ((uint64_t)1 << 56))
				return NULL;
			c = p->pack[pos++];
			ofs = ((ofs + 1) << 7) + (c & 127);
		}
		if (ofs == 0 || ofs > off)
			return NULL;
		uint64_t boff = off - ofs;
		base = pack_unpack(h, pi, boff, depth + 1);
		if (base)
			dcache_put(h, pi, boff, base);
	} else if (type == 7) { /* REF_DELTA */
		if (pos + 20 > p->pack_len)
			return NULL;
		git_oid bid;
		memcpy(bid.id, p->pack + pos, 20);
		pos += 20;
		uint32_t bpi;
		uint64_t boff;
		if (pack_find(h, &bid, &bpi, &boff) == 0) {
			base = pack_unpack(h, bpi, boff, depth + 1);
			if (base)
				dcache_put(h, bpi, boff, base);
		} else {
			int rc = 0;
			base = odb_read_fallback(h, &bid, &rc);
		}
	} else {
		return NULL;
	}
	if (!base)
		return NULL;
	hobj_t *delta = pack_inflate(h, &h->packs[pi], pos, (size_t)size, 0);
	if (!delta) {
		hobj_unref(base);
		return NULL;
	}
	o = delta_apply(base, delta->data, delta->len);
	hobj_unref(delta);
	hobj_unref(base);
	return o;
}

static hobj_t *odb_read_fallback(hist_t *h, const git_oid *id, int *rc)
{
	git_odb_object *oo;
	*rc = git_odb_read(&oo, h->odb, id);
	if (*rc < 0)
		return NULL;
	size_t len = git_odb_object_size(oo);
	hobj_t *o = hobj_new((int)git_odb_object_type(oo), len);
	memcpy(o->data, git_odb_object_data(oo), len);
	git_odb_object_free(oo);
	return o;
}

/* Read object `id`: from the packs when possible, else through libgit2.
 * Returns 0 and a new reference, or a libgit2 error code (GIT_ENOTFOUND...). */
static int obj_read(hist_t *h, const git_oid *id, hobj_t **out)
{
	if (!h->packs_loaded)
		packs_open(h);
	uint32_t pi;
	uint64_t off;
	if (pack_find(h, id, &pi, &off) == 0) {
		hobj_t *o = pack_unpack(h, pi, off, 0);
		if (o) {
			h->stats.objects_packed++;
			*out = o;
			return 0;
		}
	}
	int rc = 0;
	*out = odb_read_fallback(h, id, &rc);
	if (*out)
		h->stats.objects_libgit2++;
	return *out ? 0 : rc;
}

/* ------------------------------------------------------------------------ */
/* tree objects: LRU of raw objects and the side-by-side diff                */
/* ------------------------------------------------------------------------ */

#define TREE_CACHE 8192

static void tree_cache_init(hist_t *h)
{
	h->tcap = TREE_CACHE;
	h->tslots = xcalloc(h->tcap, sizeof *h->tslots);
	h->nthash = h->tcap * 2;
	h->thash = xmalloc(h->nthash * sizeof *h->thash);
	memset(h->thash, 0xff, h->nthash * sizeof *h->thash);
	h->tused = 0;
	h->thead = h->ttail = NONE;
}

static void tree_cache_free(hist_t *h)
{
	for (size_t i = 0; i < h->tused; i++)
		hobj_unref(h->tslots[i].obj);
	free(h->tslots);
	free(h->thash);
	h->tslots = NULL;
	h->thash = NULL;
	h->tused = 0;
}

static void lru_unlink(hist_t *h, uint32_t i)
{
	tslot_t *s = &h->tslots[i];
	if (s->prev != NONE)
		h->tslots[s->prev].next = s->next;
	else
		h->thead = s->next;
	if (s->next != NONE)
		h->tslots[s->next].prev = s->prev;
	else
		h->ttail = s->prev;
}

static void lru_front(hist_t *h, uint32_t i)
{
	tslot_t *s = &h->tslots[i];
	s->prev = NONE;
	s->next = h->thead;
	if (h->thead != NONE)
		h->tslots[h->thead].prev = i;
	h->thead = i;
	if (h->ttail == NONE)
		h->ttail = i;
}

/* Hash table with linear probing and backward-shift deletion. */
static uint32_t *thash_find(hist_t *h, const git_oid *id)
{
	size_t j = oid_hash(id) & (h->nthash - 1);
	while (h->thash[j] != NONE) {
		if (git_oid_equal(&h->tslots[h->thash[j]].oid, id))
			return &h->thash[j];
		j = (j + 1) & (h->nthash - 1);
	}
	return NULL;
}

static void thash_del(hist_t *h, const git_oid *id)
{
	size_t mask = h->nthash - 1;
	size_t j = oid_hash(id) & mask;
	while (h->thash[j] != NONE && !git_oid_equal(&h->tslots[h->thash[j]].oid, id))
		j = (j + 1) & mask;
	if (h->thash[j] == NONE)
		return;
	h->thash[j] = NONE;
	size_t k = (j + 1) & mask;
	while (h->thash[k] != NONE) {
		size_t home = oid_hash(&h->tslots[h->thash[k]].oid) & mask;
		/* move k to j when home is not cyclically in (j, k] */
		if ((j < k) ? (home <= j || home > k) : (home <= j && home > k)) {
			h->thash[j] = h->thash[k];
			h->thash[k] = NONE;
			j = k;
		}
		k = (k + 1) & mask;
	}
}

static void thash_put(hist_t *h, uint32_t slot)
{
	size_t j = oid_hash(&h->tslots[slot].oid) & (h->nthash - 1);
	while (h->thash[j] != NONE)
		j = (j + 1) & (h->nthash - 1);
	h->thash[j] = slot;
}

/* Put tree `id` (if cached) at the cold end of the LRU: a commit's own trees
 * are read once more only in exceptional histories, while its parent's trees
 * are the snapshot the next (older) commits are compared with. */
static void tree_demote(hist_t *h, const git_oid *id)
{
	uint32_t *hit = thash_find(h, id);
	if (!hit || h->ttail == *hit)
		return;
	uint32_t i = *hit;
	lru_unlink(h, i);
	tslot_t *s = &h->tslots[i];
	s->next = NONE;
	s->prev = h->ttail;
	if (h->ttail != NONE)
		h->tslots[h->ttail].next = i;
	h->ttail = i;
	if (h->thead == NONE)
		h->thead = i;
}

/* Read tree `id`; *out is a new reference the caller releases with hobj_unref. */
static int tree_get(hist_t *h, const git_oid *id, hobj_t **out)
{
	uint32_t *hit = thash_find(h, id);
	if (hit) {
		uint32_t i = *hit;
		if (h->thead != i) {
			lru_unlink(h, i);
			lru_front(h, i);
		}
		*out = hobj_ref(h->tslots[i].obj);
		return 0;
	}
	hobj_t *obj;
	int rc = obj_read(h, id, &obj);
	if (rc < 0)
		return rc;
	h->stats.trees_read++;
	if (obj->type != GIT_OBJECT_TREE) {
		hobj_unref(obj);
		git_error_set_str(GIT_ERROR_INVALID, "object is not a tree");
		return -1;
	}
	uint32_t i;
	if (h->tused < h->tcap) {
		i = (uint32_t)h->tused++;
	} else {
		i = h->ttail;
		lru_unlink(h, i);
		thash_del(h, &h->tslots[i].oid);
		hobj_unref(h->tslots[i].obj);
	}
	git_oid_cpy(&h->tslots[i].oid, id);
	h->tslots[i].obj = obj;
	thash_put(h, i);
	lru_front(h, i);
	*out = hobj_ref(obj);
	return 0;
}

typedef struct {
	const unsigned char *p, *e;
} tree_it;

typedef struct {
	uint32_t mode;
	const char *name;
	size_t namelen;
	const git_oid *oid; /* points into the raw object (20 bytes, git_oid is 20 bytes in 1.5) */
	int is_tree;
} tentry_t;

/* 1 = entry, 0 = end, -1 = corrupt */
static int tree_next(tree_it *it, tentry_t *e)
{
	if (it->p >= it->e)
		return 0;
	uint32_t mode = 0;
	const unsigned char *p = it->p;
	while (p < it->e && *p != ' ') {
		if (*p < '0' || *p > '7')
			return -1;
		mode = mode * 8 + (uint32_t)(*p - '0');
		p++;
	}
	if (p >= it->e)
		return -1;
	p++;
	const unsigned char *nul = memchr(p, 0, (size_t)(it->e - p));
	if (!nul || nul == p || (size_t)(it->e - nul) < 1 + GIT_OID_RAWSZ)
		return -1;
	e->mode = mode;
	e->name = (const char *)p;
	e->namelen = (size_t)(nul - p);
	e->oid = (const git_oid *)(nul + 1);
	e->is_tree = (mode & 0170000) == 040000;
	it->p = nul + 1 + GIT_OID_RAWSZ;
	return 1;
}

/* git's tree order: names compared bytewise, a tree's name followed by '/'. */
static int tentry_cmp(const tentry_t *a, const tentry_t *b)
{
	size_t n = a->namelen < b->namelen ? a->namelen : b->namelen;
	int c = memcmp(a->name, b->name, n);
	if (c)
		return c;
	unsigned char ca = a->namelen > n ? (unsigned char)a->name[n] : (a->is_tree ? '/' : 0);
	unsigned char cb = b->namelen > n ? (unsigned char)b->name[n] : (b->is_tree ? '/' : 0);
	return (int)ca - (int)cb;
}

typedef struct {
	uint32_t path;
	git_oid oid;
} poid_t;

typedef struct {
	hchange_t *v;
	size_t n, cap;
	poid_t *adds, *dels;
	size_t nadd, ndel, cadd, cdel;
	int demote;  /* the new side's trees will not be needed again: evict them first */
} diffout_t;

static void diff_emit(hist_t *h, diffout_t *o, buf_t *path, char st, const git_oid *oid)
{
	uint32_t pi = intern(h, path->s, path->len);
	GROW(o->v, o->n, o->cap);
	o->v[o->n].path = pi;
	o->v[o->n].status = st;
	o->n++;
	if (st == 'A') {
		GROW(o->adds, o->nadd, o->cadd);
		o->adds[o->nadd].path = pi;
		git_oid_cpy(&o->adds[o->nadd].oid, oid);
		o->nadd++;
	} else if (st == 'D') {
		GROW(o->dels, o->ndel, o->cdel);
		o->dels[o->ndel].path = pi;
		git_oid_cpy(&o->dels[o->ndel].oid, oid);
		o->ndel++;
	}
}

/* Compare trees a and b (either may be NULL = empty) below `path` (which
 * ends with '/' or is empty). */
static int diff_trees(hist_t *h, const git_oid *a, const git_oid *b, buf_t *path, diffout_t *o)
{
	hobj_t *oa = NULL, *ob = NULL;
	int rc = 0;
	tree_it ia = {NULL, NULL}, ib = {NULL, NULL};
	if (a) {
		if ((rc = tree_get(h, a, &oa)) < 0)
			goto out;
		ia.p = oa->data;
		ia.e = ia.p + oa->len;
	}
	if (b) {
		if ((rc = tree_get(h, b, &ob)) < 0)
			goto out;
		ib.p = ob->data;
		ib.e = ib.p + ob->len;
	}
	size_t base = path->len;
	tentry_t ea, eb;
	int ra = tree_next(&ia, &ea), rb = tree_next(&ib, &eb);
	while (ra > 0 || rb > 0) {
		int c = ra <= 0 ? 1 : rb <= 0 ? -1 : tentry_cmp(&ea, &eb);
		if (c == 0) {
			if (ea.mode != eb.mode || !git_oid_equal(ea.oid, eb.oid)) {
				buf_put(path, ea.name, ea.namelen);
				if (ea.is_tree) {
					buf_putc(path, '/');
					git_oid x, y; /* copy: the raw data may be evicted from the LRU */
					git_oid_cpy(&x, ea.oid);
					git_oid_cpy(&y, eb.oid);
					rc = diff_trees(h, &x, &y, path, o);
				} else {
					diff_emit(h, o, path, 'M', eb.oid);
				}
				path->len = base;
				path->s[base] = '\0';
				if (rc < 0)
					goto out;
			}
			ra = tree_next(&ia, &ea);
			rb = tree_next(&ib, &eb);
		} else if (c < 0) {
			buf_put(path, ea.name, ea.namelen);
			if (ea.is_tree) {
				buf_putc(path, '/');
				git_oid x;
				git_oid_cpy(&x, ea.oid);
				rc = diff_trees(h, &x, NULL, path, o);
			} else {
				diff_emit(h, o, path, 'D', ea.oid);
			}
			path->len = base;
			path->s[base] = '\0';
			if (rc < 0)
				goto out;
			ra = tree_next(&ia, &ea);
		} else {
			buf_put(path, eb.name, eb.namelen);
			if (eb.is_tree) {
				buf_putc(path, '/');
				git_oid y;
				git_oid_cpy(&y, eb.oid);
				rc = diff_trees(h, NULL, &y, path, o);
			} else {
				diff_emit(h, o, path, 'A', eb.oid);
			}
			path->len = base;
			path->s[base] = '\0';
			if (rc < 0)
				goto out;
			rb = tree_next(&ib, &eb);
		}
	}
	if (ra < 0 || rb < 0) {
		git_error_set_str(GIT_ERROR_INVALID, "corrupt tree object");
		rc = -1;
	}
out:
	hobj_unref(oa);
	hobj_unref(ob);
	if (b && o->demote)
		tree_demote(h, b);
	return rc;
}

/* Does `path` name a blob (or any non-tree entry) in tree `root`? */
static int tree_has_file(hist_t *h, const git_oid *root, const char *path)
{
	git_oid cur;
	git_oid_cpy(&cur, root);
	for (;;) {
		const char *slash = strchr(path, '/');
		size_t n = slash ? (size_t)(slash - path) : strlen(path);
		hobj_t *o;
		if (tree_get(h, &cur, &o) < 0)
			return 0;
		tree_it it = {o->data, NULL};
		it.e = it.p + o->len;
		tentry_t e;
		int found = 0;
		while (tree_next(&it, &e) > 0) {
			if (e.namelen == n && memcmp(e.name, path, n) == 0 && (slash ? e.is_tree : !e.is_tree)) {
				found = 1;
				git_oid_cpy(&cur, e.oid);
				break;
			}
		}
		hobj_unref(o);
		if (!found)
			return 0;
		if (!slash)
			return 1;
		path = slash + 1;
	}
}

/* ------------------------------------------------------------------------ */
/* cache file                                                                */
/* ------------------------------------------------------------------------ */

#define CACHE_MAGIC "ALMHIST\0"
#define CACHE_VERSION 2u

typedef struct {
	const unsigned char *p, *e;
	int bad;
} rd_t;

static uint32_t rd_u32(rd_t *r)
{
	if (r->bad || r->e - r->p < 4) {
		r->bad = 1;
		return 0;
	}
	uint32_t v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 | (uint32_t)r->p[3] << 24;
	r->p += 4;
	return v;
}

static uint64_t rd_u64(rd_t *r)
{
	uint64_t lo = rd_u32(r);
	uint64_t hi = rd_u32(r);
	return lo | hi << 32;
}

static uint8_t rd_u8(rd_t *r)
{
	if (r->bad || r->e - r->p < 1) {
		r->bad = 1;
		return 0;
	}
	return *r->p++;
}

static const unsigned char *rd_bytes(rd_t *r, size_t n)
{
	if (r->bad || (size_t)(r->e - r->p) < n) {
		r->bad = 1;
		return NULL;
	}
	const unsigned char *p = r->p;
	r->p += n;
	return p;
}

static void wr_u32(buf_t *b, uint32_t v)
{
	unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
			      (unsigned char)(v >> 24)};
	buf_put(b, x, 4);
}

static void wr_u64(buf_t *b, uint64_t v)
{
	wr_u32(b, (uint32_t)v);
	wr_u32(b, (uint32_t)(v >> 32));
}

static void wr_u8(buf_t *b, uint8_t v)
{
	buf_put(b, &v, 1);
}

/* Finish a cache or results file in `b`: the payload from `start` to the end
 * gets its length stored at byte `len_at` (8 bytes, little-endian) of the
 * header and its checksum appended. */
static void seal_file(buf_t *b, size_t len_at, size_t start)
{
	uint64_t plen = b->len - start;
	for (int k = 0; k < 8; k++)
		b->s[len_at + k] = (char)(plen >> (8 * k));
	wr_u64(b, sum64(b->s + start, plen));
}

static void cache_clear(hcache_t *c)
{
	free(c->data);
	free(c->str);
	free(c->slen);
	free(c->strmap);
	free(c->off);
	free(c->slots);
	free(c->decoded);
	memset(c, 0, sizeof *c);
}

/* Check one commit record; on success r->p is after it. */
static void cache_skip_record(rd_t *r, uint32_t nstr)
{
	rd_bytes(r, 2 * GIT_OID_RAWSZ);
	rd_u64(r);
	rd_u64(r);
	if (rd_u32(r) >= nstr)
		r->bad = 1;
	if (rd_u32(r) >= nstr)
		r->bad = 1;
	rd_bytes(r, rd_u32(r));
	uint32_t np = rd_u32(r);
	if (np > 100000)
		r->bad = 1;
	rd_bytes(r, (size_t)np * GIT_OID_RAWSZ);
	uint32_t nl = rd_u32(r);
	if (nl != (np ? np : 1))
		r->bad = 1;
	for (uint32_t l = 0; l < nl && !r->bad; l++) {
		uint32_t n = rd_u32(r);
		for (uint32_t k = 0; k < n && !r->bad; k++) {
			if (rd_u32(r) >= nstr)
				r->bad = 1;
			uint8_t st = rd_u8(r);
			if (st != 'A' && st != 'D' && st != 'M')
				r->bad = 1;
		}
	}
	uint32_t nr = rd_u32(r);
	for (uint32_t k = 0; k < nr && !r->bad; k++) {
		if (rd_u32(r) >= nstr || rd_u32(r) >= nstr)
			r->bad = 1;
		if (rd_u8(r) > 100)
			r->bad = 1;
	}
	if (rd_u8(r) > 1)
		r->bad = 1;
}

static void cache_load(hist_t *h)
{
	hcache_t *c = &h->cache;
	cache_clear(c);
	FILE *f = fopen(h->cache_path, "rb");
	if (!f)
		return;
	struct stat st;
	int err = fstat(fileno(f), &st) != 0 || st.st_size < 0;
	size_t want = err ? 0 : (size_t)st.st_size;
	c->data = xmalloc(want + 1);
	c->len = err ? 0 : fread(c->data, 1, want, f);
	err = err || ferror(f) || c->len != want;
	fclose(f);
	const size_t hdr = 8 + 4 + 8;
	rd_t r = {c->data, c->data + c->len, 0};
	if (err || c->len < hdr + 8 || memcmp(c->data, CACHE_MAGIC, 8) != 0)
		goto reject;
	r.p += 8;
	if (rd_u32(&r) != CACHE_VERSION)
		goto reject;
	uint64_t plen = rd_u64(&r);
	if (plen != c->len - hdr - 8)
		goto reject;
	rd_t tail = {c->data + hdr + plen, c->data + c->len, 0};
	if (rd_u64(&tail) != sum64(c->data + hdr, plen))
		goto reject;
	r.e = c->data + hdr + plen;
	c->nstr = rd_u32(&r);
	if (r.bad || c->nstr > plen / 4)
		goto reject;
	c->str = xcalloc(c->nstr ? c->nstr : 1, sizeof *c->str);
	c->slen = xcalloc(c->nstr ? c->nstr : 1, sizeof *c->slen);
	c->strmap = xmalloc((c->nstr ? c->nstr : 1) * sizeof *c->strmap);
	for (uint32_t i = 0; i < c->nstr; i++) {
		c->slen[i] = rd_u32(&r);
		c->str[i] = rd_bytes(&r, c->slen[i]);
		c->strmap[i] = NONE;
		if (r.bad || memchr(c->str[i], 0, c->slen[i]))
			goto reject;
	}
	c->ncommits = rd_u32(&r);
	if (r.bad || c->ncommits > plen / 64)
		goto reject;
	c->off = xmalloc((c->ncommits ? c->ncommits : 1) * sizeof *c->off);
	c->decoded = xcalloc(c->ncommits ? c->ncommits : 1, 1);
	c->nslots = 16;
	while (c->nslots < (size_t)c->ncommits * 2)
		c->nslots *= 2;
	c->slots = xmalloc(c->nslots * sizeof *c->slots);
	memset(c->slots, 0xff, c->nslots * sizeof *c->slots);
	for (uint32_t i = 0; i < c->ncommits; i++) {
		c->off[i] = (size_t)(r.p - c->data);
		cache_skip_record(&r, c->nstr);
		if (r.bad)
			goto reject;
		git_oid id;
		memcpy(id.id, c->data + c->off[i], GIT_OID_RAWSZ);
		size_t j = oid_hash(&id) & (c->nslots - 1);
		while (c->slots[j] != NONE)
			j = (j + 1) & (c->nslots - 1);
		c->slots[j] = i;
	}
	if (r.p != r.e)
		goto reject;
	h->stats.cache_loaded = 1;
	return;
reject:
	h->stats.cache_rejected = 1;
	cache_clear(c);
}

static uint32_t cache_find(const hcache_t *c, const git_oid *id)
{
	if (!c->nslots)
		return NONE;
	size_t j = oid_hash(id) & (c->nslots - 1);
	while (c->slots[j] != NONE) {
		if (memcmp(c->data + c->off[c->slots[j]], id->id, GIT_OID_RAWSZ) == 0)
			return c->slots[j];
		j = (j + 1) & (c->nslots - 1);
	}
	return NONE;
}

static uint32_t cache_str(hist_t *h, uint32_t ci)
{
	hcache_t *c = &h->cache;
	if (c->strmap[ci] == NONE)
		c->strmap[ci] = intern(h, (const char *)c->str[ci], c->slen[ci]);
	return c->strmap[ci];
}

/* Fill node `n` (meta + facts) from cache record `ri` (already validated). */
static void cache_decode(hist_t *h, cnode_t *n, uint32_t ri)
{
	hcache_t *c = &h->cache;
	rd_t r = {c->data + c->off[ri], c->data + c->len, 0};
	c->decoded[ri] = 1;
	rd_bytes(&r, GIT_OID_RAWSZ);
	memcpy(n->tree.id, rd_bytes(&r, GIT_OID_RAWSZ), GIT_OID_RAWSZ);
	n->ctime = (int64_t)rd_u64(&r);
	n->atime = (int64_t)rd_u64(&r);
	n->author = cache_str(h, rd_u32(&r));
	n->email = cache_str(h, rd_u32(&r));
	uint32_t sl = rd_u32(&r);
	n->summary = xstrndup((const char *)rd_bytes(&r, sl), sl);
	n->nparents = rd_u32(&r);
	n->parents = xmalloc((n->nparents ? n->nparents : 1) * sizeof *n->parents);
	n->pidx = xmalloc((n->nparents ? n->nparents : 1) * sizeof *n->pidx);
	for (uint32_t i = 0; i < n->nparents; i++) {
		memcpy(n->parents[i].id, rd_bytes(&r, GIT_OID_RAWSZ), GIT_OID_RAWSZ);
		n->pidx[i] = NONE;
	}
	n->nlists = rd_u32(&r);
	n->changes = xcalloc(n->nlists, sizeof *n->changes);
	n->nchanges = xcalloc(n->nlists, sizeof *n->nchanges);
	for (uint32_t l = 0; l < n->nlists; l++) {
		uint32_t cnt = rd_u32(&r);
		n->nchanges[l] = cnt;
		n->changes[l] = xmalloc((cnt ? cnt : 1) * sizeof **n->changes);
		for (uint32_t k = 0; k < cnt; k++) {
			n->changes[l][k].path = cache_str(h, rd_u32(&r));
			n->changes[l][k].status = (char)rd_u8(&r);
		}
	}
	n->nrenames = rd_u32(&r);
	n->renames = xmalloc((n->nrenames ? n->nrenames : 1) * sizeof *n->renames);
	for (uint32_t k = 0; k < n->nrenames; k++) {
		n->renames[k].old_path = cache_str(h, rd_u32(&r));
		n->renames[k].new_path = cache_str(h, rd_u32(&r));
		n->renames[k].score = rd_u8(&r);
	}
	if (rd_u8(&r))
		n->flags |= N_SIM;
	n->flags |= N_META | N_FACTS | N_FROM_CACHE;
}

/* ------------------------------------------------------------------------ */
/* nodes                                                                     */
/* ------------------------------------------------------------------------ */

static uint32_t node_find(const hist_t *h, const git_oid *id)
{
	if (!h->noslots)
		return NONE;
	size_t j = oid_hash(id) & (h->noslots - 1);
	while (h->oslots[j] != NONE) {
		if (git_oid_equal(&h->nodes[h->oslots[j]].oid, id))
			return h->oslots[j];
		j = (j + 1) & (h->noslots - 1);
	}
	return NONE;
}

static void node_index(hist_t *h, uint32_t idx)
{
	if ((h->nnodes + 1) * 2 > h->noslots) {
		size_t ns = h->noslots ? h->noslots * 2 : 4096;
		uint32_t *sl = xmalloc(ns * sizeof *sl);
		memset(sl, 0xff, ns * sizeof *sl);
		for (size_t i = 0; i < h->noslots; i++) {
			if (h->oslots[i] == NONE)
				continue;
			size_t j = oid_hash(&h->nodes[h->oslots[i]].oid) & (ns - 1);
			while (sl[j] != NONE)
				j = (j + 1) & (ns - 1);
			sl[j] = h->oslots[i];
		}
		free(h->oslots);
		h->oslots = sl;
		h->noslots = ns;
	}
	size_t j = oid_hash(&h->nodes[idx].oid) & (h->noslots - 1);
	while (h->oslots[j] != NONE)
		j = (j + 1) & (h->noslots - 1);
	h->oslots[j] = idx;
}

static int is_shallow_oid(const hist_t *h, const git_oid *id)
{
	size_t lo = 0, hi = h->nshallow;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = git_oid_cmp(&h->shallow_oids[mid], id);
		if (c == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* "Name <email> 1700000000 +0100": name, e-mail and time. 0 or -1. */
static int parse_ident(const char *p, const char *e, const char **name, size_t *nlen, const char **mail,
		       size_t *mlen, int64_t *t)
{
	const char *lt = memchr(p, '<', (size_t)(e - p));
	if (!lt)
		return -1;
	const char *gt = memchr(lt, '>', (size_t)(e - lt));
	if (!gt)
		return -1;
	const char *ne = lt;
	while (ne > p && (ne[-1] == ' ' || ne[-1] == '\t'))
		ne--;
	*name = p;
	*nlen = (size_t)(ne - p);
	*mail = lt + 1;
	*mlen = (size_t)(gt - lt - 1);
	const char *q = gt + 1;
	while (q < e && *q == ' ')
		q++;
	int neg = 0;
	if (q < e && *q == '-') {
		neg = 1;
		q++;
	}
	int64_t v = 0;
	int digits = 0;
	while (q < e && *q >= '0' && *q <= '9' && digits < 18) {
		v = v * 10 + (*q - '0');
		q++;
		digits++;
	}
	*t = neg ? -v : v;
	return digits ? 0 : -1;
}

/* Parse a raw commit object (header lines, blank line, message). */
static int node_parse_commit(hist_t *h, cnode_t *n, const char *p, size_t len)
{
	const char *e = p + len;
	int have_tree = 0, have_author = 0, have_committer = 0;
	size_t cap = 0;
	n->nparents = 0;
	n->parents = NULL;
	while (p < e && *p != '\n') {
		const char *le = memchr(p, '\n', (size_t)(e - p));
		if (!le)
			le = e;
		size_t ll = (size_t)(le - p);
		if (ll >= 5 + GIT_OID_HEXSZ && memcmp(p, "tree ", 5) == 0 && !have_tree) {
			if (git_oid_fromstrn(&n->tree, p + 5, GIT_OID_HEXSZ) < 0)
				return -1;
			have_tree = 1;
		} else if (ll >= 7 + GIT_OID_HEXSZ && memcmp(p, "parent ", 7) == 0) {
			GROW(n->parents, n->nparents, cap);
			if (git_oid_fromstrn(&n->parents[n->nparents], p + 7, GIT_OID_HEXSZ) < 0)
				return -1;
			n->nparents++;
		} else if (ll > 7 && memcmp(p, "author ", 7) == 0 && !have_author) {
			const char *nm, *ml;
			size_t nl, mlen;
			if (parse_ident(p + 7, le, &nm, &nl, &ml, &mlen, &n->atime) == 0) {
				n->author = intern(h, nm, nl);
				n->email = intern(h, ml, mlen);
				have_author = 1;
			}
		} else if (ll > 10 && memcmp(p, "committer ", 10) == 0 && !have_committer) {
			const char *nm, *ml;
			size_t nl, mlen;
			if (parse_ident(p + 10, le, &nm, &nl, &ml, &mlen, &n->ctime) == 0)
				have_committer = 1;
		}
		p = le < e ? le + 1 : e;
	}
	if (!have_tree)
		return -1;
	if (!have_author) {
		n->author = intern(h, "", 0);
		n->email = n->author;
		n->atime = n->ctime;
	}
	/* summary: the first paragraph, whitespace runs squashed (git's %s) */
	if (p < e)
		p++;
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	buf_t sum = BUF_INIT;
	int space = 0;
	for (; p < e; p++) {
		if (*p == '\n' && p + 1 < e && p[1] == '\n')
			break;
		if (*p == '\n' && p + 1 >= e)
			break;
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
			space = 1;
			continue;
		}
		if (space && sum.len)
			buf_putc(&sum, ' ');
		space = 0;
		buf_putc(&sum, *p);
	}
	n->summary = buf_detach(&sum);
	if (!n->parents)
		n->parents = xmalloc(sizeof *n->parents);
	n->pidx = xmalloc((n->nparents ? n->nparents : 1) * sizeof *n->pidx);
	for (uint32_t i = 0; i < n->nparents; i++)
		n->pidx[i] = NONE;
	n->flags |= N_META;
	return 0;
}

static int node_meta_from_odb(hist_t *h, cnode_t *n)
{
	hobj_t *o;
	int rc = obj_read(h, &n->oid, &o);
	if (rc == GIT_ENOTFOUND) {
		git_error_clear();
		n->flags |= N_MISSING;
		return 0;
	}
	if (rc < 0)
		return rc;
	if (o->type != GIT_OBJECT_COMMIT || node_parse_commit(h, n, (const char *)o->data, o->len) < 0) {
		char hex[41];
		git_oid_tostr(hex, sizeof hex, &n->oid);
		git_error_set(GIT_ERROR_INVALID, "%s is not a valid commit", hex);
		hobj_unref(o);
		return -1;
	}
	hobj_unref(o);
	return 0;
}

/* Find or create the node of commit `id`, with its metadata. */
static int node_get(hist_t *h, const git_oid *id, uint32_t *out)
{
	uint32_t i = node_find(h, id);
	if (i != NONE) {
		*out = i;
		return 0;
	}
	GROW(h->nodes, h->nnodes, h->cnodes);
	i = (uint32_t)h->nnodes;
	cnode_t *n = &h->nodes[i];
	memset(n, 0, sizeof *n);
	git_oid_cpy(&n->oid, id);
	if (h->nshallow && is_shallow_oid(h, id))
		n->flags |= N_SHALLOW;
	uint32_t ri = cache_find(&h->cache, id);
	if (ri != NONE && !h->cache.decoded[ri]) {
		cache_decode(h, n, ri);
	} else {
		int rc = node_meta_from_odb(h, n);
		if (rc < 0)
			return rc;
	}
	node_index(h, i);
	h->nnodes++;
	*out = i;
	return 0;
}

static void node_free_facts(cnode_t *n)
{
	for (uint32_t l = 0; l < n->nlists; l++)
		free(n->changes[l]);
	free(n->changes);
	free(n->nchanges);
	free(n->renames);
	n->changes = NULL;
	n->nchanges = NULL;
	n->renames = NULL;
	n->nlists = n->nrenames = 0;
}

static int poid_cmp(const void *a, const void *b)
{
	const poid_t *x = a, *y = b;
	int c = git_oid_cmp(&x->oid, &y->oid);
	if (c)
		return c;
	return x->path < y->path ? -1 : x->path > y->path;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* Compute the changes of node `ni` against each parent (parents' nodes exist). */
static int node_facts(hist_t *h, uint32_t ni)
{
	cnode_t *n = &h->nodes[ni];
	uint32_t nl = n->nparents ? n->nparents : 1;
	diffout_t o = {0};
	buf_t path = BUF_INIT;
	int rc = 0;
	hchange_t **ch = xcalloc(nl, sizeof *ch);
	uint32_t *nch = xcalloc(nl, sizeof *nch);
	hrename_t *ren = NULL;
	size_t nren = 0, cren = 0;
	for (uint32_t l = 0; l < nl; l++) {
		git_oid ptree;
		int have_parent = n->nparents > 0;
		if (have_parent)
			git_oid_cpy(&ptree, &h->nodes[h->nodes[ni].pidx[l]].tree);
		o.n = o.nadd = o.ndel = 0;
		buf_clear(&path);
		buf_grow(&path, 256);
		path.s[0] = '\0';
		git_oid ctree;
		git_oid_cpy(&ctree, &h->nodes[ni].tree);
		o.demote = l == nl - 1; /* a merge's trees are compared with every parent */
		if (have_parent && git_oid_equal(&ptree, &ctree))
			rc = 0;
		else
			rc = diff_trees(h, have_parent ? &ptree : NULL, &ctree, &path, &o);
		if (rc < 0)
			goto out;
		ch[l] = xmalloc((o.n ? o.n : 1) * sizeof **ch);
		if (o.n)
			memcpy(ch[l], o.v, o.n * sizeof **ch);
		nch[l] = (uint32_t)o.n;
		/* exact renames (non-merge commits): an added file whose blob a deleted file had */
		if (h->nodes[ni].nparents == 1 && o.nadd && o.ndel) {
			qsort(o.dels, o.ndel, sizeof *o.dels, poid_cmp);
			uint8_t *used = xcalloc(o.ndel, 1);
			for (size_t a = 0; a < o.nadd; a++) {
				size_t lo = 0, hi = o.ndel;
				while (lo < hi) {
					size_t mid = (lo + hi) / 2;
					if (git_oid_cmp(&o.dels[mid].oid, &o.adds[a].oid) < 0)
						lo = mid + 1;
					else
						hi = mid;
				}
				size_t pick = SIZE_MAX;
				const char *abase = base_name(h->strs.s[o.adds[a].path]);
				for (size_t d = lo; d < o.ndel && git_oid_equal(&o.dels[d].oid, &o.adds[a].oid); d++) {
					if (used[d])
						continue;
					if (pick == SIZE_MAX)
						pick = d;
					if (strcmp(base_name(h->strs.s[o.dels[d].path]), abase) == 0) {
						pick = d;
						break;
					}
				}
				if (pick == SIZE_MAX)
					continue;
				used[pick] = 1;
				GROW(ren, nren, cren);
				ren[nren].old_path = o.dels[pick].path;
				ren[nren].new_path = o.adds[a].path;
				ren[nren].score = 100;
				nren++;
			}
			free(used);
		}
	}
	n = &h->nodes[ni];
	n->nlists = nl;
	n->changes = ch;
	n->nchanges = nch;
	n->renames = ren;
	n->nrenames = (uint32_t)nren;
	n->flags |= N_FACTS;
	ch = NULL;
	nch = NULL;
	ren = NULL;
	h->dirty = 1;
	h->stats.commits_diffed++;
out:
	if (ch) {
		for (uint32_t l = 0; l < nl; l++)
			free(ch[l]);
	}
	free(ch);
	free(nch);
	free(ren);
	free(o.v);
	free(o.adds);
	free(o.dels);
	buf_free(&path);
	return rc;
}

/* Similarity renames of a non-merge commit (libgit2, git's default 50%
 * threshold) among the added and deleted files not already paired exactly. */
static int node_similar(hist_t *h, uint32_t ni)
{
	cnode_t *n = &h->nodes[ni];
	if (n->flags & N_SIM)
		return 0;
	h->stats.renames_checked++;
	git_commit *c = NULL, *pc = NULL;
	git_tree *t = NULL, *pt = NULL;
	git_diff *diff = NULL;
	char **specs = NULL;
	size_t nspec = 0, nadd = 0, ndel = 0;
	int rc = 0;
	for (uint32_t k = 0; k < n->nchanges[0]; k++) {
		hchange_t *x = &n->changes[0][k];
		if (x->status == 'M')
			continue;
		int paired = 0;
		for (uint32_t r = 0; r < n->nrenames && !paired; r++)
			paired = n->renames[r].old_path == x->path || n->renames[r].new_path == x->path;
		if (paired)
			continue;
		specs = xrealloc(specs, (nspec + 1) * sizeof *specs);
		specs[nspec++] = h->strs.s[x->path];
		if (x->status == 'A')
			nadd++;
		else
			ndel++;
	}
	if (!nadd || !ndel)
		goto done;
	if ((rc = git_commit_lookup(&c, h->repo, &n->oid)) < 0 || (rc = git_commit_parent(&pc, c, 0)) < 0 ||
	    (rc = git_commit_tree(&t, c)) < 0 || (rc = git_commit_tree(&pt, pc)) < 0)
		goto out;
	git_diff_options dopt;
	git_diff_options_init(&dopt, GIT_DIFF_OPTIONS_VERSION);
	dopt.flags = GIT_DIFF_DISABLE_PATHSPEC_MATCH;
	dopt.pathspec.strings = specs;
	dopt.pathspec.count = nspec;
	if ((rc = git_diff_tree_to_tree(&diff, h->repo, pt, t, &dopt)) < 0)
		goto out;
	git_diff_find_options fopt;
	git_diff_find_options_init(&fopt, GIT_DIFF_FIND_OPTIONS_VERSION);
	fopt.flags = GIT_DIFF_FIND_RENAMES;
	if ((rc = git_diff_find_similar(diff, &fopt)) < 0)
		goto out;
	size_t nd = git_diff_num_deltas(diff);
	for (size_t i = 0; i < nd; i++) {
		const git_diff_delta *dl = git_diff_get_delta(diff, i);
		if (dl->status != GIT_DELTA_RENAMED)
			continue;
		n = &h->nodes[ni];
		n->renames = xrealloc(n->renames, (n->nrenames + 1) * sizeof *n->renames);
		hrename_t *r = &n->renames[n->nrenames++];
		r->old_path = intern(h, dl->old_file.path, strlen(dl->old_file.path));
		r->new_path = intern(h, dl->new_file.path, strlen(dl->new_file.path));
		r->score = (uint8_t)(dl->similarity > 100 ? 100 : dl->similarity);
	}
done:
	h->nodes[ni].flags |= N_SIM;
	h->dirty = 1;
out:
	free(specs);
	git_diff_free(diff);
	git_tree_free(t);
	git_tree_free(pt);
	git_commit_free(c);
	git_commit_free(pc);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* items, pages, events                                                      */
/* ------------------------------------------------------------------------ */

static int live_test(const hist_t *h, uint32_t i)
{
	return (i >> 6) < h->nlivew && ((h->live[i >> 6] >> (i & 63)) & 1);
}

static uint32_t item_new(hist_t *h, uint32_t path, uint32_t owner, int is_glob)
{
	GROW(h->items, h->nitems, h->citems);
	uint32_t i = (uint32_t)h->nitems++;
	h->items[i].path = path;
	h->items[i].owner = owner;
	h->items[i].is_glob = (uint8_t)is_glob;
	h->items[i].next = NONE;
	if (!is_glob) {
		h->items[i].next = h->path_items[path];
		h->path_items[path] = i;
		hpage_t *pg = &h->pages[owner];
		GROW(pg->items, pg->nitems, pg->citems);
		pg->items[pg->nitems++] = i;
		pg->nlive++;
	}
	if ((i >> 6) >= h->nlivew) {
		size_t nw = h->nlivew ? h->nlivew * 2 : 16;
		while (nw <= (i >> 6))
			nw *= 2;
		h->live = xrealloc(h->live, nw * sizeof *h->live);
		memset(h->live + h->nlivew, 0, (nw - h->nlivew) * sizeof *h->live);
		h->nlivew = nw;
	}
	h->live[i >> 6] |= 1ULL << (i & 63);
	return i;
}

static void page_finish(hist_t *h, hpage_t *pg);

static void item_end(hist_t *h, uint32_t i)
{
	if (!live_test(h, i))
		return;
	h->live[i >> 6] &= ~(1ULL << (i & 63));
	if (h->items[i].is_glob)
		return;
	hpage_t *pg = &h->pages[h->items[i].owner];
	if (pg->nlive && --pg->nlive == 0)
		page_finish(h, pg);
}

static void page_finish(hist_t *h, hpage_t *pg)
{
	if (pg->done)
		return;
	pg->done = 1;
	h->pages_live--;
	for (size_t k = 0; k < pg->nitems; k++)
		item_end(h, pg->items[k]);
}

static void page_check_done(hist_t *h, hpage_t *pg)
{
	if (pg->done || pg->last == NONE)
		return;
	if (pg->reached_end || (pg->past_since && !h->all_old_paths))
		page_finish(h, pg);
}

static int64_t node_time(const hist_t *h, const cnode_t *n)
{
	return h->use_author_date ? n->atime : n->ctime;
}

/* N_IGN_REV / N_IGN_AUTHOR / 0 */
static uint32_t node_ignored(hist_t *h, cnode_t *n)
{
	if (!(n->flags & N_IGN_CHECKED)) {
		n->flags |= N_IGN_CHECKED;
		size_t lo = 0, hi = h->nign_revs;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			int c = git_oid_cmp(&h->ign_revs[mid], &n->oid);
			if (c == 0) {
				n->flags |= N_IGN_REV;
				break;
			}
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (!(n->flags & N_IGN_REV) && h->nign_re) {
			uint32_t who[2] = {n->author, n->email};
			for (int k = 0; k < 2; k++) {
				uint32_t s = who[k];
				if (!h->author_ign[s]) {
					int hit = 0;
					for (size_t r = 0; r < h->nign_re && !hit; r++)
						hit = pcre2_match(h->ign_re[r], (PCRE2_SPTR)h->strs.s[s], h->strs.len[s], 0,
								  0, h->md, NULL) >= 0;
					h->author_ign[s] = hit ? 2 : 1;
				}
				if (h->author_ign[s] == 2)
					n->flags |= N_IGN_AUTHOR;
			}
		}
	}
	return n->flags & (N_IGN_REV | N_IGN_AUTHOR);
}

static void page_add_old(hpage_t *pg, const char *p)
{
	if (strcmp(p, pg->path) == 0)
		return;
	for (size_t k = 0; k < pg->nold; k++)
		if (strcmp(pg->old[k], p) == 0)
			return;
	GROW(pg->old, pg->nold, pg->cold);
	pg->old[pg->nold++] = xstrdup(p);
}

/* A commit changed the page: record the event; returns whether it counts. */
static int page_event(hist_t *h, hpage_t *pg, uint32_t ni, int exists)
{
	cnode_t *n = &h->nodes[ni];
	uint32_t ign = node_ignored(h, n);
	int counts = !ign;
	int64_t t = node_time(h, n);
	GROW(pg->ev, pg->nev, pg->cev);
	pg->ev[pg->nev].time = t;
	pg->ev[pg->nev].counts = (unsigned char)counts;
	pg->ev[pg->nev].exists = (unsigned char)(exists != 0);
	pg->nev++;
	if (pg->last == NONE) {
		if (counts) {
			pg->last = ni;
		} else if (ign & N_IGN_REV) {
			pg->skip_rev++;
			n->flags |= N_SKIP_REV;
		} else {
			pg->skip_author++;
			n->flags |= N_SKIP_AUTHOR;
		}
	}
	if (counts && h->since != HIST_SINCE_LAST_ONLY && t < h->since)
		pg->past_since = 1;
	if (counts && h->since == HIST_SINCE_LAST_ONLY)
		pg->past_since = 1;
	return counts;
}

static uint32_t rename_source(const cnode_t *n, uint32_t path, int exact)
{
	for (uint32_t r = 0; r < n->nrenames; r++) {
		if (n->renames[r].new_path == path && ((n->renames[r].score == 100) == exact))
			return n->renames[r].old_path;
	}
	return NONE;
}

typedef struct {
	uint32_t *v;
	size_t n, cap;
} u32vec_t;

static void u32_push(u32vec_t *v, uint32_t x)
{
	GROW(v->v, v->n, v->cap);
	v->v[v->n++] = x;
}

/* Page item `it` changed in node `ni` with `status` (against the first parent
 * for merges). Items that continue at an old path are pushed on `follow`
 * (they start at the first parent). */
static int page_change(hist_t *h, uint32_t it, uint32_t ni, char status, int is_merge, u32vec_t *follow)
{
	uint32_t owner = h->items[it].owner;
	uint32_t path = h->items[it].path;
	cnode_t *n = &h->nodes[ni];
	if (status == 'A' && !is_merge && n->nparents == 1) {
		uint32_t old = rename_source(n, path, 1);
		if (old == NONE) {
			int has_del = 0;
			for (uint32_t k = 0; k < n->nchanges[0] && !has_del; k++)
				has_del = n->changes[0][k].status == 'D';
			if (has_del) {
				if (!(n->flags & N_SIM)) {
					int rc = node_similar(h, ni);
					if (rc < 0)
						return rc;
					n = &h->nodes[ni];
				}
				old = rename_source(n, path, 0);
				if (old == NONE)
					old = rename_source(n, path, 1);
				else {
					/* a rename with edits: counts (unless ignored), the page goes on at the old path */
					hpage_t *pg = &h->pages[owner];
					page_event(h, pg, ni, 1);
					page_add_old(pg, h->strs.s[old]);
					uint32_t ni2 = item_new(h, old, owner, 0);
					u32_push(follow, ni2);
					item_end(h, it);
					page_check_done(h, &h->pages[owner]);
					return 0;
				}
			}
		}
		hpage_t *pg = &h->pages[owner];
		if (old != NONE) {
			/* a pure rename: does not count; the search goes on at the old path */
			if (pg->last == NONE) {
				pg->skip_ren++;
				n->flags |= N_SKIP_RENAME;
			}
			page_add_old(pg, h->strs.s[old]);
			uint32_t ni2 = item_new(h, old, owner, 0);
			u32_push(follow, ni2);
			item_end(h, it);
			return 0;
		}
		/* creation */
		page_event(h, pg, ni, 1);
		if (pg->last != NONE) {
			pg->reached_end = 1;
			pg->created = node_time(h, &h->nodes[ni]);
			item_end(h, it);
			page_check_done(h, pg);
		}
		return 0;
	}
	hpage_t *pg = &h->pages[owner];
	page_event(h, pg, ni, status != 'D');
	if (status == 'A' && n->nparents == 0 && pg->last != NONE) {
		pg->reached_end = 1;
		pg->created = node_time(h, n);
	}
	page_check_done(h, pg);
	return 0;
}

/* Is change `x` of node `n` part of an exact rename? */
static int change_is_pure_rename(const cnode_t *n, const hchange_t *x)
{
	if (x->status == 'M')
		return 0;
	for (uint32_t r = 0; r < n->nrenames; r++) {
		if (n->renames[r].score == 100 &&
		    (n->renames[r].old_path == x->path || n->renames[r].new_path == x->path))
			return 1;
	}
	return 0;
}

static void watch_change(hist_t *h, uint32_t it, uint32_t ni, uint32_t path)
{
	hwatch_t *w = &h->watches[h->items[it].owner];
	if (node_ignored(h, &h->nodes[ni]))
		return;
	w->last = ni;
	w->path = path;
	item_end(h, it);
}

/* ------------------------------------------------------------------------ */
/* priority queue (git's date order)                                         */
/* ------------------------------------------------------------------------ */

static int heap_before(const hist_t *h, uint32_t a, uint32_t b)
{
	const cnode_t *x = &h->nodes[a], *y = &h->nodes[b];
	if (x->ctime != y->ctime)
		return x->ctime > y->ctime;
	return x->seq < y->seq;
}

static void heap_push(hist_t *h, uint32_t ni)
{
	h->nodes[ni].flags |= N_QUEUED;
	h->nodes[ni].seq = h->seq++;
	GROW(h->heap, h->nheap, h->cheap);
	size_t i = h->nheap++;
	h->heap[i] = ni;
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (!heap_before(h, h->heap[i], h->heap[p]))
			break;
		uint32_t t = h->heap[i];
		h->heap[i] = h->heap[p];
		h->heap[p] = t;
		i = p;
	}
}

static uint32_t heap_pop(hist_t *h)
{
	uint32_t top = h->heap[0];
	h->heap[0] = h->heap[--h->nheap];
	size_t i = 0;
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < h->nheap && heap_before(h, h->heap[l], h->heap[m]))
			m = l;
		if (r < h->nheap && heap_before(h, h->heap[r], h->heap[m]))
			m = r;
		if (m == i)
			break;
		uint32_t t = h->heap[i];
		h->heap[i] = h->heap[m];
		h->heap[m] = t;
		i = m;
	}
	return top;
}

/* Give node `pi` the items of `s` (a reference is taken) and queue it. */
static void give(hist_t *h, uint32_t pi, bset_t *s)
{
	cnode_t *p = &h->nodes[pi];
	if (p->flags & N_DONE)
		return; /* already walked (clock skew): git does not revisit either */
	bs_union_into(&p->set, s);
	if (!(p->flags & N_QUEUED))
		heap_push(h, pi);
}

static void give_one(hist_t *h, uint32_t pi, uint32_t item)
{
	cnode_t *p = &h->nodes[pi];
	if (p->flags & N_DONE)
		return;
	bs_add(&p->set, item);
	if (!(p->flags & N_QUEUED))
		heap_push(h, pi);
}

static int set_has_live(const hist_t *h, const bset_t *s)
{
	uint32_t nw = s->nw < h->nlivew ? s->nw : (uint32_t)h->nlivew;
	for (uint32_t i = 0; i < nw; i++)
		if (s->w[i] & h->live[i])
			return 1;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* the walk                                                                  */
/* ------------------------------------------------------------------------ */

/* Collect the live items of `s` that changes `ch` touch (pages by path, watches
 * by glob); sorted, unique. `wpath` receives, per glob item, its first matching path. */
static void touched_items(hist_t *h, const cnode_t *n, const hchange_t *ch, uint32_t nch, const bset_t *s,
			  u32vec_t *out, int for_watch)
{
	out->n = 0;
	for (uint32_t k = 0; k < nch; k++) {
		uint32_t pi = ch[k].path;
		for (uint32_t it = h->path_items[pi]; it != NONE; it = h->items[it].next)
			if (bs_test(s, it) && live_test(h, it))
				u32_push(out, it);
		if (h->nwatches && (!for_watch || !change_is_pure_rename(n, &ch[k]))) {
			uint32_t ng;
			const uint32_t *g = path_globs(h, pi, &ng);
			for (uint32_t j = 0; j < ng; j++) {
				uint32_t it = h->watches[g[j]].item;
				if (bs_test(s, it) && live_test(h, it))
					u32_push(out, it);
			}
		}
	}
	/* sort + unique (small lists) */
	for (size_t i = 1; i < out->n; i++) {
		uint32_t x = out->v[i];
		size_t j = i;
		while (j > 0 && out->v[j - 1] > x) {
			out->v[j] = out->v[j - 1];
			j--;
		}
		out->v[j] = x;
	}
	size_t w = 0;
	for (size_t i = 0; i < out->n; i++)
		if (w == 0 || out->v[w - 1] != out->v[i])
			out->v[w++] = out->v[i];
	out->n = w;
}

static int u32_has(const u32vec_t *v, uint32_t x)
{
	size_t lo = 0, hi = v->n;
	while (lo < hi) {
		size_t m = (lo + hi) / 2;
		if (v->v[m] == x)
			return 1;
		if (v->v[m] < x)
			lo = m + 1;
		else
			hi = m;
	}
	return 0;
}

/* The status of `path` in change list l of node n, 0 when unchanged. */
static char change_status(const cnode_t *n, uint32_t l, uint32_t path)
{
	for (uint32_t k = 0; k < n->nchanges[l]; k++)
		if (n->changes[l][k].path == path)
			return n->changes[l][k].status;
	return 0;
}

/* First path (in change order) of list l that glob watch `w` matches. */
static uint32_t watch_path(hist_t *h, const cnode_t *n, uint32_t l, uint32_t w)
{
	for (uint32_t k = 0; k < n->nchanges[l]; k++) {
		uint32_t ng;
		const uint32_t *g = path_globs(h, n->changes[l][k].path, &ng);
		for (uint32_t j = 0; j < ng; j++)
			if (g[j] == w && !change_is_pure_rename(n, &n->changes[l][k]))
				return n->changes[l][k].path;
	}
	return NONE;
}

static void item_changed(hist_t *h, uint32_t it, uint32_t ni, uint32_t l, int is_merge, u32vec_t *follow,
			 int *rc)
{
	if (!live_test(h, it))
		return;
	if (h->items[it].is_glob) {
		uint32_t p = watch_path(h, &h->nodes[ni], l, h->items[it].owner);
		watch_change(h, it, ni, p);
		return;
	}
	char st = change_status(&h->nodes[ni], l, h->items[it].path);
	if (!st)
		st = 'M';
	int r = page_change(h, it, ni, st, is_merge, follow);
	if (r < 0)
		*rc = r;
}

static int walk_node(hist_t *h, uint32_t ni, bset_t *s)
{
	int rc = 0;
	cnode_t *n = &h->nodes[ni];
	/* parents */
	int boundary = (n->flags & (N_SHALLOW | N_MISSING)) != 0;
	for (uint32_t j = 0; j < h->nodes[ni].nparents && !boundary; j++) {
		if (h->nodes[ni].pidx[j] == NONE) {
			uint32_t pi;
			if ((rc = node_get(h, &h->nodes[ni].parents[j], &pi)) < 0)
				return rc;
			h->nodes[ni].pidx[j] = pi;
		}
		if (h->nodes[h->nodes[ni].pidx[j]].flags & N_MISSING)
			boundary = 1;
	}
	n = &h->nodes[ni];
	if (boundary) {
		/* a shallow boundary: whatever it changed is unknown */
		for (uint32_t w = 0; w < s->nw; w++) {
			uint64_t bits = s->w[w] & (w < h->nlivew ? h->live[w] : 0);
			while (bits) {
				uint32_t it = (uint32_t)(w * 64 + (uint32_t)__builtin_ctzll(bits));
				bits &= bits - 1;
				if (!h->items[it].is_glob) {
					hpage_t *pg = &h->pages[h->items[it].owner];
					if (pg->last == NONE)
						pg->truncated = 1;
					pg->htrunc = 1;
				}
				item_end(h, it);
			}
		}
		return 0;
	}
	if (!(n->flags & N_FACTS)) {
		if ((rc = node_facts(h, ni)) < 0)
			return rc;
		n = &h->nodes[ni];
	} else {
		h->stats.commits_cached += (n->flags & N_FROM_CACHE) ? 1 : 0;
	}
	n->flags |= N_WALKED;
	h->stats.commits_walked++;
	u32vec_t follow = {0}, x0 = {0};
	if (n->nparents <= 1) {
		touched_items(h, n, n->changes[0], n->nchanges[0], s, &x0, 1);
		for (size_t k = 0; k < x0.n && rc == 0; k++)
			item_changed(h, x0.v[k], ni, 0, 0, &follow, &rc);
		n = &h->nodes[ni];
		if (rc == 0 && n->nparents == 1) {
			/* every item goes on: even the changed ones (git keeps walking) */
			if (set_has_live(h, s))
				give(h, n->pidx[0], s);
			for (size_t k = 0; k < follow.n; k++)
				give_one(h, h->nodes[ni].pidx[0], follow.v[k]);
		} else if (rc == 0) {
			/* root commit: the history of every item still searching ends here */
			for (uint32_t w = 0; w < s->nw; w++) {
				uint64_t bits = s->w[w] & (w < h->nlivew ? h->live[w] : 0);
				while (bits) {
					uint32_t it = (uint32_t)(w * 64 + (uint32_t)__builtin_ctzll(bits));
					bits &= bits - 1;
					if (!h->items[it].is_glob)
						h->pages[h->items[it].owner].reached_end = 1;
					item_end(h, it);
				}
			}
		}
	} else {
		/* merge: TREESAME to a parent -> follow the first such parent only */
		uint32_t np = n->nparents;
		u32vec_t *xs = xcalloc(np, sizeof *xs);
		for (uint32_t j = 0; j < np; j++)
			touched_items(h, n, n->changes[j], n->nchanges[j], s, &xs[j], 0);
		bset_t *s0;
		if (xs[0].n == 0) {
			s0 = bs_ref(s);
		} else {
			s0 = bs_private(bs_ref(s), 0);
			for (size_t k = 0; k < xs[0].n; k++)
				s0->w[xs[0].v[k] >> 6] &= ~(1ULL << (xs[0].v[k] & 63));
		}
		if (set_has_live(h, s0))
			give(h, n->pidx[0], s0);
		bs_unref(s0);
		for (size_t k = 0; k < xs[0].n && rc == 0; k++) {
			uint32_t it = xs[0].v[k];
			uint32_t j = 1;
			while (j < np && u32_has(&xs[j], it))
				j++;
			if (j < np) {
				give_one(h, h->nodes[ni].pidx[j], it);
				continue;
			}
			/* different from every parent: the merge is a change */
			item_changed(h, it, ni, 0, 1, &follow, &rc);
			if (live_test(h, it))
				for (j = 0; j < np; j++)
					give_one(h, h->nodes[ni].pidx[j], it);
		}
		for (uint32_t j = 0; j < np; j++)
			free(xs[j].v);
		free(xs);
	}
	free(follow.v);
	free(x0.v);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* setup: ignore revs, authors, shallow file                                 */
/* ------------------------------------------------------------------------ */

static int oid_cmp_q(const void *a, const void *b)
{
	return git_oid_cmp(a, b);
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	buf_t b = BUF_INIT;
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_put(&b, chunk, n);
	int err = ferror(f);
	fclose(f);
	if (err) {
		buf_free(&b);
		return NULL;
	}
	*len = b.len;
	return buf_detach(&b);
}

static void load_ignore_revs(hist_t *h, const hist_opts_t *o, diag_list_t *d)
{
	const char *name = o ? o->ignore_revs_file : NULL;
	int explicit_file = name != NULL;
	if (name && !*name)
		return;
	if (!name)
		name = ".git-blame-ignore-revs";
	/* a file of the repository: read through the trust boundary (pathres.h), so a link cannot
	 * make it /etc/shadow, echoed line by line into the build log */
	buf_t tb = BUF_INIT;
	int rr = pr_read_in(h->workdir, PR_REPO, name, &tb, FSU_MAX_FILE);
	size_t len = tb.len;
	char *text = rr == 0 ? buf_detach(&tb) : NULL;
	buf_free(&tb);
	if (!text) {
		if (pr_refused(rr))
			diag_add(d, DIAG_WARNING, name, 0, 0, "symlink", "%s", pr_link_message(rr));
		else if (explicit_file || errno != ENOENT)
			diag_add(d, DIAG_WARNING, o && o->config_file ? o->config_file : "almanac.yml", 0, 0,
				 "ignore-revs", "ignore-revs file %s cannot be read: %s", name, pr_strerror(rr));
		return;
	}
	size_t cap = 0;
	int line = 0;
	char *p = text;
	while (p < text + len) {
		char *e = memchr(p, '\n', (size_t)(text + len - p));
		if (!e)
			e = text + len;
		line++;
		char *hash = memchr(p, '#', (size_t)(e - p));
		char *end = hash ? hash : e;
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
			p++;
		while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
			end--;
		if (end > p) {
			git_oid id;
			if (end - p == GIT_OID_HEXSZ && git_oid_fromstrn(&id, p, GIT_OID_HEXSZ) == 0) {
				GROW(h->ign_revs, h->nign_revs, cap);
				git_oid_cpy(&h->ign_revs[h->nign_revs++], &id);
			} else {
				diag_add(d, DIAG_WARNING, name, line, 1, "ignore-revs",
					 "not a full 40-hex commit id: %.*s", (int)(end - p > 60 ? 60 : end - p), p);
			}
		}
		p = e + 1;
	}
	free(text);
	if (h->nign_revs)
		qsort(h->ign_revs, h->nign_revs, sizeof *h->ign_revs, oid_cmp_q);
}

static void load_ignore_authors(hist_t *h, const hist_opts_t *o, diag_list_t *d)
{
	if (!o || !o->n_ignore_authors)
		return;
	h->ign_re = xcalloc(o->n_ignore_authors, sizeof *h->ign_re);
	for (size_t i = 0; i < o->n_ignore_authors; i++) {
		int err;
		PCRE2_SIZE off;
		pcre2_code *re = pcre2_compile((PCRE2_SPTR)o->ignore_authors[i], PCRE2_ZERO_TERMINATED,
					       PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &err, &off, NULL);
		if (!re) {
			PCRE2_UCHAR msg[256];
			pcre2_get_error_message(err, msg, sizeof msg);
			diag_add(d, DIAG_ERROR, o->config_file ? o->config_file : "almanac.yml", 0, 0,
				 "bad-pattern", "ignored author pattern \"%s\": %s at offset %zu",
				 o->ignore_authors[i], (const char *)msg, (size_t)off);
			continue;
		}
		h->ign_re[h->nign_re++] = re;
	}
	if (h->nign_re)
		h->md = pcre2_match_data_create(4, NULL);
}

static void load_shallow(hist_t *h)
{
	free(h->shallow_oids);
	h->shallow_oids = NULL;
	h->nshallow = 0;
	char *p = xasprintf("%sshallow", h->commondir);
	size_t len, cap = 0;
	char *text = read_file(p, &len);
	free(p);
	if (!text)
		return;
	for (size_t i = 0; i + GIT_OID_HEXSZ <= len;) {
		git_oid id;
		if (git_oid_fromstrn(&id, text + i, GIT_OID_HEXSZ) == 0) {
			GROW(h->shallow_oids, h->nshallow, cap);
			git_oid_cpy(&h->shallow_oids[h->nshallow++], &id);
		}
		char *nl = memchr(text + i, '\n', len - i);
		if (!nl)
			break;
		i = (size_t)(nl - text) + 1;
	}
	free(text);
	if (h->nshallow)
		qsort(h->shallow_oids, h->nshallow, sizeof *h->shallow_oids, oid_cmp_q);
}

/* ------------------------------------------------------------------------ */
/* cache writing                                                             */
/* ------------------------------------------------------------------------ */

/* Write `len` bytes to `path` atomically (temporary file + rename), making
 * its folder when missing; 1 on success. */
static int file_replace(const char *path, const void *data, size_t len)
{
	const char *slash = strrchr(path, '/');
	if (slash) {
		char *dir = xstrndup(path, (size_t)(slash - path));
		mkdir(dir, 0777);
		free(dir);
	}
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	FILE *f = fopen(tmp, "wb");
	int ok = 0;
	if (f) {
		ok = fwrite(data, 1, len, f) == len;
		ok = (fclose(f) == 0) && ok;
		if (ok)
			ok = rename(tmp, path) == 0;
		if (!ok)
			unlink(tmp);
	}
	free(tmp);
	return ok;
}

static void cache_write(hist_t *h)
{
	hcache_t *c = &h->cache;
	/* decode the records this walk did not reach so they are kept (when the
	 * commit still exists) */
	for (uint32_t i = 0; i < c->ncommits; i++) {
		if (c->decoded[i])
			continue;
		git_oid id;
		memcpy(id.id, c->data + c->off[i], GIT_OID_RAWSZ);
		if (node_find(h, &id) != NONE || !git_odb_exists(h->odb, &id))
			continue;
		GROW(h->nodes, h->nnodes, h->cnodes);
		uint32_t ni = (uint32_t)h->nnodes;
		cnode_t *n = &h->nodes[ni];
		memset(n, 0, sizeof *n);
		git_oid_cpy(&n->oid, &id);
		cache_decode(h, n, i);
		node_index(h, ni);
		h->nnodes++;
	}
	buf_t b = BUF_INIT;
	buf_put(&b, CACHE_MAGIC, 8);
	wr_u32(&b, CACHE_VERSION);
	wr_u64(&b, 0); /* payload length, patched below */
	size_t start = b.len;
	wr_u32(&b, (uint32_t)h->strs.n);
	for (size_t i = 0; i < h->strs.n; i++) {
		wr_u32(&b, h->strs.len[i]);
		buf_put(&b, h->strs.s[i], h->strs.len[i]);
	}
	uint32_t cnt = 0;
	for (size_t i = 0; i < h->nnodes; i++)
		cnt += (h->nodes[i].flags & (N_META | N_FACTS)) == (N_META | N_FACTS);
	wr_u32(&b, cnt);
	for (size_t i = 0; i < h->nnodes; i++) {
		const cnode_t *n = &h->nodes[i];
		if ((n->flags & (N_META | N_FACTS)) != (N_META | N_FACTS))
			continue;
		buf_put(&b, n->oid.id, GIT_OID_RAWSZ);
		buf_put(&b, n->tree.id, GIT_OID_RAWSZ);
		wr_u64(&b, (uint64_t)n->ctime);
		wr_u64(&b, (uint64_t)n->atime);
		wr_u32(&b, n->author);
		wr_u32(&b, n->email);
		size_t sl = strlen(n->summary);
		wr_u32(&b, (uint32_t)sl);
		buf_put(&b, n->summary, sl);
		wr_u32(&b, n->nparents);
		for (uint32_t j = 0; j < n->nparents; j++)
			buf_put(&b, n->parents[j].id, GIT_OID_RAWSZ);
		wr_u32(&b, n->nlists);
		for (uint32_t l = 0; l < n->nlists; l++) {
			wr_u32(&b, n->nchanges[l]);
			for (uint32_t k = 0; k < n->nchanges[l]; k++) {
				wr_u32(&b, n->changes[l][k].path);
				wr_u8(&b, (uint8_t)n->changes[l][k].status);
			}
		}
		wr_u32(&b, n->nrenames);
		for (uint32_t k = 0; k < n->nrenames; k++) {
			wr_u32(&b, n->renames[k].old_path);
			wr_u32(&b, n->renames[k].new_path);
			wr_u8(&b, n->renames[k].score);
		}
		wr_u8(&b, (n->flags & N_SIM) ? 1 : 0);
	}
	seal_file(&b, 12, start);

	h->stats.cache_written = file_replace(h->cache_path, b.s, b.len);
	buf_free(&b);
	h->dirty = 0;
}

/* ------------------------------------------------------------------------ */
/* answers                                                                   */
/* ------------------------------------------------------------------------ */

/* The answers array (one hist_entry_t per page, zeroed): a large one is
 * mapped with MAP_POPULATE, which costs about half as much as faulting its
 * pages in one by one (20,000 pages: 3.7 MiB). */
#define ENTRIES_MAP_MIN (256u << 10)

static void entries_alloc(hist_t *h, size_t n)
{
	size_t len = (n ? n : 1) * sizeof *h->entries;
	h->entries_maplen = 0;
	if (len >= ENTRIES_MAP_MIN) {
		void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (m != MAP_FAILED) {
			h->entries = m;
			h->entries_maplen = len;
			return;
		}
	}
	h->entries = xcalloc(n ? n : 1, sizeof *h->entries);
}

static void entries_free(hist_t *h)
{
	if (h->entries_maplen)
		munmap(h->entries, h->entries_maplen);
	else
		free(h->entries);
	h->entries = NULL;
	h->entries_maplen = 0;
}

/* ------------------------------------------------------------------------ */
/* result table                                                              */
/* ------------------------------------------------------------------------ */

/* The final answers of a walk are written beside the facts cache
 * (<dir>/history-results) together with everything they depend on besides
 * the Git objects (the key): HEAD, the page paths and watch globs in the
 * order asked, the ignore-revs ids, the ignored-author patterns and the
 * date-source / since / all_old_paths settings. A later walk that asks the
 * same question of the same HEAD maps the file and points the answers into it
 * instead of replaying the commits; any difference in the key means the
 * facts are replayed as usual. Never written for a shallow clone or when a
 * commit was missing: those answers can change when objects arrive without
 * HEAD moving.
 *
 * Layout: magic, version, ABI tag, payload length, payload, checksum. The
 * payload starts with the events of every page as an array of hist_event_t
 * in this machine's layout (the ABI tag and a byte-order marker reject a file
 * from another architecture), so that a warm walk reads no event one by one;
 * then the key, the commits, the pages, the watches and the ignored counts. */

#define RES_MAGIC "ALMHRES\0"
#define RES_VERSION 1u
#define RES_HDR (8 + 4 + 4 + 8)
#define RES_ENDIAN 0x0102030405060708ULL

static uint32_t res_abi(void)
{
	return (uint32_t)sizeof(hist_event_t) | (uint32_t)offsetof(hist_event_t, counts) << 8 |
	       (uint32_t)offsetof(hist_event_t, exists) << 16 | (uint32_t)sizeof(void *) << 24;
}

static void wr_str(buf_t *b, const char *s, size_t n)
{
	wr_u32(b, (uint32_t)n);
	buf_put(b, s, n);
	wr_u8(b, 0);
}

/* A string written by wr_str; it is NUL-terminated inside the data. */
static const char *rd_str(rd_t *r)
{
	uint32_t n = rd_u32(r);
	const unsigned char *p = rd_bytes(r, (size_t)n + 1);
	if (!p || p[n] != 0 || memchr(p, 0, n)) {
		r->bad = 1;
		return NULL;
	}
	return (const char *)p;
}

/* 1 when the next string written by wr_str is `s`. */
static int rd_str_is(rd_t *r, const char *s)
{
	uint32_t n = rd_u32(r);
	const unsigned char *p = rd_bytes(r, (size_t)n + 1);
	return p && strlen(s) == n && memcmp(p, s, n) == 0;
}

static uint32_t res_flags(const hist_t *h)
{
	return (h->use_author_date ? 1u : 0u) | (h->all_old_paths ? 2u : 0u);
}

/* with all_old_paths every page is followed to its creation: `since` changes
 * nothing (page_check_done), so a build on another day still matches */
static uint64_t res_since(const hist_t *h)
{
	return (uint64_t)(h->all_old_paths ? 0 : h->since);
}

/* Write the key (res_key_match reads it back field by field). */
static void res_key(const hist_t *h, const hist_opts_t *o, buf_t *b)
{
	buf_put(b, h->head_oid.id, GIT_OID_RAWSZ);
	wr_u32(b, res_flags(h));
	wr_u64(b, res_since(h));
	wr_u32(b, (uint32_t)h->nign_revs);
	for (size_t i = 0; i < h->nign_revs; i++)
		buf_put(b, h->ign_revs[i].id, GIT_OID_RAWSZ);
	size_t na = o ? o->n_ignore_authors : 0;
	wr_u32(b, (uint32_t)na);
	for (size_t i = 0; i < na; i++)
		wr_str(b, o->ignore_authors[i], strlen(o->ignore_authors[i]));
	wr_u32(b, (uint32_t)h->npages);
	for (size_t i = 0; i < h->npages; i++)
		wr_str(b, h->entries[i].path, strlen(h->entries[i].path));
	wr_u32(b, (uint32_t)h->nwatches);
	for (size_t i = 0; i < h->nwatches; i++)
		wr_str(b, h->watches[i].glob, strlen(h->watches[i].glob));
}

/* 1 when the key at r is this walk's (r is then after it). */
static int res_key_match(const hist_t *h, const hist_opts_t *o, rd_t *r)
{
	const unsigned char *head = rd_bytes(r, GIT_OID_RAWSZ);
	if (!head || memcmp(head, h->head_oid.id, GIT_OID_RAWSZ) != 0)
		return 0;
	if (rd_u32(r) != res_flags(h) || rd_u64(r) != res_since(h))
		return 0;
	if (rd_u32(r) != h->nign_revs)
		return 0;
	for (size_t i = 0; i < h->nign_revs; i++) {
		const unsigned char *id = rd_bytes(r, GIT_OID_RAWSZ);
		if (!id || memcmp(id, h->ign_revs[i].id, GIT_OID_RAWSZ) != 0)
			return 0;
	}
	size_t na = o ? o->n_ignore_authors : 0;
	if (rd_u32(r) != na)
		return 0;
	for (size_t i = 0; i < na; i++)
		if (!rd_str_is(r, o->ignore_authors[i]))
			return 0;
	if (rd_u32(r) != h->npages)
		return 0;
	for (size_t i = 0; i < h->npages; i++)
		if (!rd_str_is(r, h->entries[i].path))
			return 0;
	if (rd_u32(r) != h->nwatches)
		return 0;
	for (size_t i = 0; i < h->nwatches; i++)
		if (!rd_str_is(r, h->watches[i].glob))
			return 0;
	return !r->bad;
}

static void res_free(hist_t *h)
{
	if (h->res_map)
		munmap(h->res_map, h->res_len);
	h->res_map = NULL;
	h->res_len = 0;
	free(h->res_old);
	h->res_old = NULL;
}

/* Undo a partly applied table (pages filled before a bad record). */
static void res_unapply(hist_t *h)
{
	for (size_t i = 0; i < h->npages; i++) {
		const char *path = h->entries[i].path;
		memset(&h->entries[i], 0, sizeof h->entries[i]);
		h->entries[i].path = path;
	}
	for (size_t i = 0; i < h->nwatches; i++)
		memset(&h->watches[i].w, 0, sizeof h->watches[i].w);
	h->cnt_rev = h->cnt_author = h->cnt_ren = 0;
	res_free(h);
}

/* Read one commit record (res_write) into *c. */
static void res_commit_rd(const hist_t *h, rd_t *r, hist_commit_t *c)
{
	const unsigned char *id = rd_bytes(r, GIT_OID_RAWSZ);
	c->commit_time = (int64_t)rd_u64(r);
	c->author_time = (int64_t)rd_u64(r);
	c->author = rd_str(r);
	c->email = rd_str(r);
	c->summary = rd_str(r);
	if (r->bad)
		return;
	git_oid oid;
	memcpy(oid.id, id, GIT_OID_RAWSZ);
	git_oid_tostr(c->id, sizeof c->id, &oid);
	c->time = h->use_author_date ? c->author_time : c->commit_time;
}

/* A commit reference (index into the commit records at `coff`) into *out. */
static int res_commit(const hist_t *h, rd_t *r, const uint32_t *coff, uint32_t n, hist_commit_t *out)
{
	uint32_t ci = rd_u32(r);
	memset(out, 0, sizeof *out);
	out->author = out->email = out->summary = "";
	if (ci == NONE)
		return 0;
	if (ci >= n) {
		r->bad = 1;
		return -1;
	}
	rd_t cr = {(const unsigned char *)h->res_map + coff[ci], r->e, 0};
	res_commit_rd(h, &cr, out);
	return cr.bad ? -1 : 0;
}

/* Read the result table; 1 when it answers this walk (pages and watches are
 * then filled, pointing into the mapped file), 0 otherwise (missing, another
 * key, or rejected). */
static int res_load(hist_t *h, const hist_opts_t *o)
{
	int fd = open(h->res_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	struct stat st;
	if (fstat(fd, &st) != 0 || st.st_size < RES_HDR + 16 || (uint64_t)st.st_size > SIZE_MAX / 2) {
		close(fd);
		h->stats.results_rejected = 1;
		return 0;
	}
	size_t len = (size_t)st.st_size;
	/* MAP_POPULATE: the checksum reads every page; one call maps them all
	 * (a fault per page costs more, notably on virtual machines) */
	void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		h->stats.results_rejected = 1;
		return 0;
	}
	h->res_map = map;
	h->res_len = len;
	uint32_t *coff = NULL;
	const unsigned char *data = map;
	rd_t r = {data, data + len, 0};
	if (memcmp(data, RES_MAGIC, 8) != 0)
		goto bad;
	r.p += 8;
	if (rd_u32(&r) != RES_VERSION || rd_u32(&r) != res_abi())
		goto bad;
	uint64_t plen = rd_u64(&r);
	if (plen != len - RES_HDR - 8)
		goto bad;
	rd_t tail = {data + RES_HDR + plen, data + len, 0};
	if (rd_u64(&tail) != sum64(data + RES_HDR, plen))
		goto bad;
	r.e = data + RES_HDR + plen;
	uint64_t endian;
	const unsigned char *m = rd_bytes(&r, 8);
	if (!m)
		goto bad;
	memcpy(&endian, m, 8);
	if (endian != RES_ENDIAN)
		goto bad;
	uint64_t nev_all = rd_u64(&r);
	if (r.bad || nev_all > plen / sizeof(hist_event_t))
		goto bad;
	const hist_event_t *events = (const void *)r.p;
	if ((uintptr_t)events % _Alignof(hist_event_t) != 0 || !rd_bytes(&r, nev_all * sizeof(hist_event_t)))
		goto bad;
	if (!res_key_match(h, o, &r)) {
		if (r.bad)
			goto bad;
		res_free(h);
		return 0; /* another question: replay the facts */
	}
	uint32_t nc = rd_u32(&r);
	if (r.bad || nc > plen / 44)
		goto bad;
	coff = xmalloc((nc ? nc : 1) * sizeof *coff);
	for (uint32_t i = 0; i < nc && !r.bad; i++) {
		coff[i] = (uint32_t)(r.p - data);
		hist_commit_t c;
		res_commit_rd(h, &r, &c);
	}
	uint32_t nold_all = rd_u32(&r);
	if (r.bad || nold_all > plen / 5)
		goto bad;
	h->res_old = xcalloc(nold_all ? nold_all : 1, sizeof *h->res_old);
	uint32_t oi = 0;
	for (size_t i = 0; i < h->npages; i++) {
		hist_entry_t *e = &h->entries[i];
		if (res_commit(h, &r, coff, nc, &e->last) < 0)
			goto bad;
		uint8_t fl = rd_u8(&r);
		e->truncated = fl & 1;
		e->history_truncated = (fl >> 1) & 1;
		e->complete = (fl >> 2) & 1;
		e->created = (int64_t)rd_u64(&r);
		uint64_t ev0 = rd_u64(&r);
		uint32_t nev = rd_u32(&r);
		uint32_t nold = rd_u32(&r);
		if (r.bad || ev0 > nev_all || nev > nev_all - ev0 || nold > nold_all - oi)
			goto bad;
		e->events = events + ev0;
		e->nevents = nev;
		e->old_paths = h->res_old + oi;
		e->nold = nold;
		for (uint32_t j = 0; j < nold; j++) {
			h->res_old[oi] = rd_str(&r);
			if (!h->res_old[oi++])
				goto bad;
		}
		e->skipped_revs = rd_u32(&r);
		e->skipped_authors = rd_u32(&r);
		e->skipped_renames = rd_u32(&r);
	}
	for (size_t i = 0; i < h->nwatches && !r.bad; i++) {
		hwatch_t *w = &h->watches[i];
		w->w.glob = w->glob;
		if (res_commit(h, &r, coff, nc, &w->w.commit) < 0)
			goto bad;
		w->w.path = rd_u8(&r) ? rd_str(&r) : NULL;
	}
	h->cnt_rev = (size_t)rd_u64(&r);
	h->cnt_author = (size_t)rd_u64(&r);
	h->cnt_ren = (size_t)rd_u64(&r);
	if (r.bad || r.p != r.e)
		goto bad;
	free(coff);
	h->stats.results_cached = 1;
	return 1;
bad:
	free(coff);
	res_unapply(h);
	h->stats.results_rejected = 1;
	return 0;
}

/* Whether this walk's answers may be stored: complete ones only. */
static int res_storable(const hist_t *h)
{
	if (h->shallow || h->unborn)
		return 0;
	for (size_t i = 0; i < h->npages; i++)
		if (h->pages[i].truncated || h->pages[i].htrunc)
			return 0;
	for (size_t i = 0; i < h->nnodes; i++)
		if (h->nodes[i].flags & (N_MISSING | N_SHALLOW))
			return 0;
	return 1;
}

/* Write the result table of the walk just done (public views filled). */
static void res_write(hist_t *h, const hist_opts_t *o)
{
	uint32_t *cidx = xmalloc((h->nnodes ? h->nnodes : 1) * sizeof *cidx);
	memset(cidx, 0xff, (h->nnodes ? h->nnodes : 1) * sizeof *cidx);
	uint32_t nc = 0;
	for (size_t i = 0; i < h->npages; i++)
		if (h->pages[i].last != NONE && cidx[h->pages[i].last] == NONE)
			cidx[h->pages[i].last] = nc++;
	for (size_t i = 0; i < h->nwatches; i++)
		if (h->watches[i].last != NONE && cidx[h->watches[i].last] == NONE)
			cidx[h->watches[i].last] = nc++;
	buf_t b = BUF_INIT;
	buf_put(&b, RES_MAGIC, 8);
	wr_u32(&b, RES_VERSION);
	wr_u32(&b, res_abi());
	wr_u64(&b, 0); /* payload length, patched below */
	size_t start = b.len;
	uint64_t endian = RES_ENDIAN;
	buf_put(&b, &endian, 8);
	uint64_t nev_all = 0;
	uint32_t nold_all = 0;
	for (size_t i = 0; i < h->npages; i++) {
		nev_all += h->entries[i].nevents;
		nold_all += (uint32_t)h->entries[i].nold;
	}
	wr_u64(&b, nev_all);
	for (size_t i = 0; i < h->npages; i++) {
		const hist_entry_t *e = &h->entries[i];
		for (size_t k = 0; k < e->nevents; k++) {
			hist_event_t ev;
			memset(&ev, 0, sizeof ev); /* padding too: same input, same bytes */
			ev.time = e->events[k].time;
			ev.counts = e->events[k].counts;
			ev.exists = e->events[k].exists;
			buf_put(&b, &ev, sizeof ev);
		}
	}
	res_key(h, o, &b);
	wr_u32(&b, nc);
	/* commits in index order */
	uint32_t *order = xmalloc((nc ? nc : 1) * sizeof *order);
	for (size_t i = 0; i < h->nnodes; i++)
		if (cidx[i] != NONE)
			order[cidx[i]] = (uint32_t)i;
	for (uint32_t i = 0; i < nc; i++) {
		const cnode_t *n = &h->nodes[order[i]];
		buf_put(&b, n->oid.id, GIT_OID_RAWSZ);
		wr_u64(&b, (uint64_t)n->ctime);
		wr_u64(&b, (uint64_t)n->atime);
		wr_str(&b, h->strs.s[n->author], h->strs.len[n->author]);
		wr_str(&b, h->strs.s[n->email], h->strs.len[n->email]);
		wr_str(&b, n->summary, strlen(n->summary));
	}
	free(order);
	wr_u32(&b, nold_all);
	uint64_t ev0 = 0;
	for (size_t i = 0; i < h->npages; i++) {
		const hpage_t *pg = &h->pages[i];
		const hist_entry_t *e = &h->entries[i];
		wr_u32(&b, pg->last != NONE ? cidx[pg->last] : NONE);
		wr_u8(&b, (uint8_t)((e->truncated ? 1 : 0) | (e->history_truncated ? 2 : 0) | (e->complete ? 4 : 0)));
		wr_u64(&b, (uint64_t)e->created);
		wr_u64(&b, ev0);
		wr_u32(&b, (uint32_t)e->nevents);
		wr_u32(&b, (uint32_t)e->nold);
		ev0 += e->nevents;
		for (size_t k = 0; k < e->nold; k++)
			wr_str(&b, e->old_paths[k], strlen(e->old_paths[k]));
		wr_u32(&b, (uint32_t)e->skipped_revs);
		wr_u32(&b, (uint32_t)e->skipped_authors);
		wr_u32(&b, (uint32_t)e->skipped_renames);
	}
	for (size_t i = 0; i < h->nwatches; i++) {
		const hwatch_t *w = &h->watches[i];
		wr_u32(&b, w->last != NONE ? cidx[w->last] : NONE);
		wr_u8(&b, w->w.path ? 1 : 0);
		if (w->w.path)
			wr_str(&b, w->w.path, strlen(w->w.path));
	}
	wr_u64(&b, h->cnt_rev);
	wr_u64(&b, h->cnt_author);
	wr_u64(&b, h->cnt_ren);
	free(cidx);
	seal_file(&b, 16, start);
	h->stats.results_written = file_replace(h->res_path, b.s, b.len);
	buf_free(&b);
}

/* ------------------------------------------------------------------------ */
/* public API                                                                */
/* ------------------------------------------------------------------------ */

static void add_git_error(diag_list_t *d, const char *file, const char *what)
{
	const git_error *e = git_error_last();
	diag_add(d, DIAG_ERROR, file, 0, 0, "git", "%s: %s", what, e && e->message ? e->message : "unknown error");
}

int hist_open(hist_t **out, const char *any_path_in_worktree, diag_list_t *d)
{
	*out = NULL;
	git_libgit2_init();
	hist_t *h = xcalloc(1, sizeof *h);
	int rc;
	const char *start = any_path_in_worktree && *any_path_in_worktree ? any_path_in_worktree : ".";
	if ((rc = git_repository_open_ext(&h->repo, start, 0, NULL)) < 0) {
		const git_error *e = git_error_last();
		diag_add(d, DIAG_ERROR, start, 0, 0, "not-a-repository", "not inside a Git work tree (%s)",
			 e && e->message ? e->message : "no repository found");
		goto fail;
	}
	if (git_repository_is_bare(h->repo) || !git_repository_workdir(h->repo)) {
		diag_add(d, DIAG_ERROR, start, 0, 0, "not-a-repository",
			 "the repository has no work tree (bare repository)");
		rc = -1;
		goto fail;
	}
	{
		const char *wd = git_repository_workdir(h->repo);
		size_t n = strlen(wd);
		h->workdir = (n && wd[n - 1] == '/') ? xstrdup(wd) : xasprintf("%s/", wd);
		const char *cd = git_repository_commondir(h->repo);
		n = strlen(cd);
		h->commondir = (n && cd[n - 1] == '/') ? xstrdup(cd) : xasprintf("%s/", cd);
	}
	if ((rc = git_repository_odb(&h->odb, h->repo)) < 0) {
		add_git_error(d, start, "cannot open the object database");
		goto fail;
	}
	h->shallow = git_repository_is_shallow(h->repo) == 1;
	h->branch = xstrdup("");
	git_reference *ref = NULL;
	rc = git_repository_head(&ref, h->repo);
	if (rc == GIT_EUNBORNBRANCH || rc == GIT_ENOTFOUND) {
		h->unborn = 1;
		git_error_clear();
		git_reference *hr = NULL;
		if (git_reference_lookup(&hr, h->repo, "HEAD") == 0 && git_reference_type(hr) == GIT_REFERENCE_SYMBOLIC) {
			const char *t = git_reference_symbolic_target(hr);
			if (t && strncmp(t, "refs/heads/", 11) == 0) {
				free(h->branch);
				h->branch = xstrdup(t + 11);
			}
		}
		git_reference_free(hr);
		git_error_clear();
	} else if (rc < 0) {
		add_git_error(d, start, "cannot read HEAD");
		goto fail;
	} else {
		git_reference *res = NULL;
		if ((rc = git_reference_resolve(&res, ref)) < 0) {
			git_reference_free(ref);
			add_git_error(d, start, "cannot resolve HEAD");
			goto fail;
		}
		git_oid_cpy(&h->head_oid, git_reference_target(res));
		git_oid_tostr(h->head, sizeof h->head, &h->head_oid);
		if (!git_repository_head_detached(h->repo) && git_reference_is_branch(ref)) {
			free(h->branch);
			h->branch = xstrdup(git_reference_shorthand(ref));
		}
		git_reference_free(res);
		git_reference_free(ref);
	}
	tree_cache_init(h);
	*out = h;
	return 0;
fail:
	hist_free(h);
	return rc < 0 ? rc : -1;
}

static void results_clear(hist_t *h)
{
	for (size_t i = 0; h->pages && i < h->npages; i++) {
		hpage_t *pg = &h->pages[i];
		free(pg->ev);
		for (size_t k = 0; k < pg->nold; k++)
			free(pg->old[k]);
		free(pg->old);
		free(pg->items);
	}
	free(h->pages);
	h->pages = NULL;
	entries_free(h);
	h->npages = 0;
	free(h->page_arena);
	h->page_arena = NULL;
	free(h->pslots);
	h->pslots = NULL;
	h->npslots = 0;
	for (size_t i = 0; i < h->nwatches; i++)
		free(h->watches[i].glob);
	free(h->watches);
	h->watches = NULL;
	h->nwatches = 0;
	map_free(&h->watch_map);
	memset(&h->watch_map, 0, sizeof h->watch_map);
	free(h->items);
	h->items = NULL;
	h->nitems = h->citems = 0;
	free(h->live);
	h->live = NULL;
	h->nlivew = 0;
	for (size_t i = 0; i < h->pcap; i++) {
		h->path_items[i] = NONE;
		h->pglob_off[i] = -1;
		h->pglob_n[i] = 0;
		h->author_ign[i] = 0;
	}
	h->npool = 0;
	free(h->ign_revs);
	h->ign_revs = NULL;
	h->nign_revs = 0;
	for (size_t i = 0; i < h->nign_re; i++)
		pcre2_code_free(h->ign_re[i]);
	free(h->ign_re);
	h->ign_re = NULL;
	h->nign_re = 0;
	pcre2_match_data_free(h->md);
	h->md = NULL;
	for (size_t i = 0; i < h->nnodes; i++) {
		bs_unref(h->nodes[i].set);
		h->nodes[i].set = NULL;
		h->nodes[i].flags &= N_PERSIST;
	}
	h->nheap = 0;
	h->pages_live = 0;
	h->cnt_rev = h->cnt_author = h->cnt_ren = 0;
	h->walked = 0;
	res_free(h);
}

static void fill_commit(const hist_t *h, uint32_t ni, hist_commit_t *c)
{
	memset(c, 0, sizeof *c);
	c->author = c->email = c->summary = "";
	if (ni == NONE)
		return;
	const cnode_t *n = &h->nodes[ni];
	git_oid_tostr(c->id, sizeof c->id, &n->oid);
	c->commit_time = n->ctime;
	c->author_time = n->atime;
	c->time = h->use_author_date ? n->atime : n->ctime;
	c->author = h->strs.s[n->author];
	c->email = h->strs.s[n->email];
	c->summary = n->summary;
}

/* Drop the walk's own pack mappings and object caches (answers stay). */
static void objects_drop(hist_t *h)
{
	packs_close(h);
	tree_cache_free(h);
	tree_cache_init(h);
}

int hist_walk(hist_t *h, const char *const *paths, size_t npaths, const hist_opts_t *opts, diag_list_t *d)
{
	double t0 = now_seconds(), c0 = thread_cpu_seconds();
	int rc = 0;
	results_clear(h);
	memset(&h->stats, 0, sizeof h->stats);
	packs_close(h); /* re-read the pack list lazily: it may have changed since the last walk */
	if (!h->odb && git_repository_odb(&h->odb, h->repo) < 0) { /* after hist_release_objects */
		add_git_error(d, h->workdir, "cannot open the object database");
		return -1;
	}
	h->walked = 1;
	h->use_author_date = opts ? opts->use_author_date : 0;
	h->since = opts ? opts->since : 0;
	h->all_old_paths = opts ? opts->all_old_paths : 0;
	load_ignore_revs(h, opts, d);
	load_ignore_authors(h, opts, d);
	load_shallow(h);

	/* pages */
	entries_alloc(h, npaths);
	{
		size_t total = 1;
		for (size_t i = 0; i < npaths; i++)
			total += strlen(paths[i]) + 1;
		h->page_arena = xmalloc(total);
		h->npslots = 16;
		while (h->npslots < npaths * 2)
			h->npslots *= 2;
		h->pslots = xmalloc(h->npslots * sizeof *h->pslots);
		memset(h->pslots, 0xff, h->npslots * sizeof *h->pslots);
		char *a = h->page_arena;
		for (size_t i = 0; i < npaths; i++) {
			size_t n = strlen(paths[i]);
			size_t j = fnv64(paths[i], n, FNV_INIT) & (h->npslots - 1);
			while (h->pslots[j] != NONE && strcmp(h->entries[h->pslots[j]].path, paths[i]) != 0)
				j = (j + 1) & (h->npslots - 1);
			if (h->pslots[j] != NONE)
				continue; /* asked twice */
			memcpy(a, paths[i], n + 1);
			h->entries[h->npages].path = a;
			a += n + 1;
			h->pslots[j] = (uint32_t)h->npages++;
		}
	}
	size_t nw = opts ? opts->n_watch_globs : 0;
	h->watches = xcalloc(nw ? nw : 1, sizeof *h->watches);
	for (size_t i = 0; i < nw; i++) {
		const char *g = opts->watch_globs[i];
		if (map_get(&h->watch_map, g, NULL))
			continue;
		hwatch_t *w = &h->watches[h->nwatches];
		w->glob = xstrdup(g);
		w->last = NONE;
		w->path = NONE;
		map_put(&h->watch_map, g, MAP_INT(h->nwatches));
		h->nwatches++;
	}

	if (h->shallow)
		diag_add(d, DIAG_WARNING, ".git/shallow", 0, 0, "shallow-clone",
			 "the repository is a shallow clone: pages last changed before its oldest commit have "
			 "status unknown. Fetch the full history (git fetch --unshallow; in GitHub Actions "
			 "set `fetch-depth: 0` on actions/checkout)");

	/* cache */
	free(h->cache_path);
	h->cache_path = NULL;
	free(h->res_path);
	h->res_path = NULL;
	const char *cdir = opts ? opts->cache_dir : NULL;
	if (!cdir || *cdir) {
		h->cache_path = cdir ? xasprintf("%s/history-cache", cdir)
				     : xasprintf("%salmanac/history-cache", h->commondir);
		h->res_path = cdir ? xasprintf("%s/history-results", cdir)
				   : xasprintf("%salmanac/history-results", h->commondir);
		/* the same question of the same HEAD: the stored answers */
		if (!h->unborn && !h->shallow && h->npages + h->nwatches > 0 && res_load(h, opts))
			goto out;
		if (!h->cache.data && !h->nnodes)
			cache_load(h);
	}
	/* the walk's state per page */
	h->pages = xcalloc(h->npages ? h->npages : 1, sizeof *h->pages);
	for (size_t i = 0; i < h->npages; i++) {
		h->pages[i].path = (char *)h->entries[i].path;
		h->pages[i].last = NONE;
	}

	if (!h->unborn && h->npages + h->nwatches > 0) {
		uint32_t hi;
		if ((rc = node_get(h, &h->head_oid, &hi)) < 0) {
			add_git_error(d, "", "cannot read the HEAD commit");
			goto out;
		}
		if (h->nodes[hi].flags & N_MISSING) {
			rc = -1;
			diag_add(d, DIAG_ERROR, "", 0, 0, "git", "the HEAD commit %s is missing", h->head);
			goto out;
		}
		bset_t *s = NULL;
		git_oid root;
		git_oid_cpy(&root, &h->nodes[hi].tree);
		for (size_t i = 0; i < h->npages; i++) {
			hpage_t *pg = &h->pages[i];
			if (!tree_has_file(h, &root, pg->path)) {
				pg->done = 1;
				pg->reached_end = 1;
				continue;
			}
			uint32_t pi = intern(h, pg->path, strlen(pg->path));
			uint32_t it = item_new(h, pi, (uint32_t)i, 0);
			h->pages_live++;
			bs_add(&s, it);
		}
		for (size_t i = 0; i < h->nwatches; i++) {
			h->watches[i].item = item_new(h, NONE, (uint32_t)i, 1);
			bs_add(&s, h->watches[i].item);
		}
		if (s && h->pages_live > 0) {
			h->nodes[hi].set = s;
			heap_push(h, hi);
		} else {
			bs_unref(s);
		}
		const atomic_int *stop = opts ? opts->stop : NULL;
		size_t popped = 0;
		while (h->nheap && h->pages_live > 0) {
			if (stop && ++popped % 256 == 0 && atomic_load_explicit(stop, memory_order_relaxed)) {
				rc = HIST_STOPPED;
				break;
			}
			uint32_t ni = heap_pop(h);
			cnode_t *n = &h->nodes[ni];
			n->flags |= N_DONE;
			bset_t *set = n->set;
			n->set = NULL;
			if (set && set_has_live(h, set))
				rc = walk_node(h, ni, set);
			bs_unref(set);
			if (rc < 0) {
				add_git_error(d, "", "cannot read the history");
				goto out;
			}
		}
		/* release the sets of commits left in the queue */
		while (h->nheap) {
			uint32_t ni = heap_pop(h);
			bs_unref(h->nodes[ni].set);
			h->nodes[ni].set = NULL;
		}
		if (rc == HIST_STOPPED)
			goto out; /* no answers, nothing cached */
	}

	/* public views */
	for (size_t i = 0; i < h->npages; i++) {
		hpage_t *pg = &h->pages[i];
		hist_entry_t *e = &h->entries[i];
		memset(e, 0, sizeof *e);
		e->path = pg->path;
		fill_commit(h, pg->last, &e->last);
		e->truncated = pg->truncated && pg->last == NONE;
		e->history_truncated = pg->htrunc;
		e->complete = pg->reached_end && !pg->htrunc;
		e->created = pg->created;
		e->events = pg->ev;
		e->nevents = pg->nev;
		e->old_paths = (const char *const *)pg->old;
		e->nold = pg->nold;
		e->skipped_revs = pg->skip_rev;
		e->skipped_authors = pg->skip_author;
		e->skipped_renames = pg->skip_ren;
	}
	for (size_t i = 0; i < h->nwatches; i++) {
		hwatch_t *w = &h->watches[i];
		w->w.glob = w->glob;
		fill_commit(h, w->last, &w->w.commit);
		w->w.path = w->path != NONE ? h->strs.s[w->path] : NULL;
	}
	for (size_t i = 0; i < h->nnodes; i++) {
		uint32_t f = h->nodes[i].flags;
		h->cnt_rev += (f & N_SKIP_REV) != 0;
		h->cnt_author += (f & N_SKIP_AUTHOR) != 0;
		h->cnt_ren += (f & N_SKIP_RENAME) != 0;
	}
	if (h->dirty && h->cache_path)
		cache_write(h);
	if (h->res_path && !h->unborn && h->npages + h->nwatches > 0 && res_storable(h))
		res_write(h, opts);
out:
	/* the answers are in the nodes and tables: the pack mappings (file pages
	 * counted in the process's memory: 200 MiB for a 100,000-commit history)
	 * and the object caches are not needed for lookups. A later walk (serve)
	 * maps the packs again lazily. */
	objects_drop(h);
	h->stats.seconds = now_seconds() - t0;
	h->stats.cpu_seconds = thread_cpu_seconds() - c0;
	return rc < 0 ? rc : 0;
}

const hist_entry_t *hist_lookup(const hist_t *h, const char *path)
{
	if (!h || !path || !h->npslots)
		return NULL;
	size_t j = fnv64(path, strlen(path), FNV_INIT) & (h->npslots - 1);
	while (h->pslots[j] != NONE) {
		if (strcmp(h->entries[h->pslots[j]].path, path) == 0)
			return &h->entries[h->pslots[j]];
		j = (j + 1) & (h->npslots - 1);
	}
	return NULL;
}

const hist_watch_t *hist_lookup_watch(const hist_t *h, const char *glob)
{
	void *v;
	if (!h || !glob || !map_get(&h->watch_map, glob, &v))
		return NULL;
	return &h->watches[MAP_AS_INT(v)].w;
}

int hist_entry_at(const hist_entry_t *e, int64_t t, int64_t *last_time)
{
	if (last_time)
		*last_time = 0;
	size_t i = 0;
	while (i < e->nevents && e->events[i].time > t)
		i++;
	if (i == e->nevents)
		return e->complete ? 0 : -1;
	if (!e->events[i].exists)
		return 0;
	for (size_t k = i; k < e->nevents; k++) {
		if (e->events[k].counts) {
			if (last_time)
				*last_time = e->events[k].time;
			return 1;
		}
	}
	return e->complete ? 1 : -1;
}

int hist_is_shallow(const hist_t *h)
{
	return h ? h->shallow : 0;
}

const char *hist_head(const hist_t *h)
{
	return h ? h->head : "";
}

const char *hist_branch(const hist_t *h)
{
	return h && h->branch ? h->branch : "";
}

const char *hist_workdir(const hist_t *h)
{
	return h ? h->workdir : "";
}

static int status_load(hist_t *h)
{
	h->status_loaded = 1;
	git_status_options so;
	git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION);
	so.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	so.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
		   GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	git_status_list *list = NULL;
	if (git_status_list_new(&list, h->repo, &so) < 0) {
		git_error_clear();
		return -1;
	}
	size_t n = git_status_list_entrycount(list);
	for (size_t i = 0; i < n; i++) {
		const git_status_entry *e = git_status_byindex(list, i);
		const char *p = NULL;
		if (e->index_to_workdir)
			p = e->index_to_workdir->new_file.path ? e->index_to_workdir->new_file.path
							       : e->index_to_workdir->old_file.path;
		if (!p && e->head_to_index)
			p = e->head_to_index->new_file.path ? e->head_to_index->new_file.path
							    : e->head_to_index->old_file.path;
		if (!p)
			continue;
		int st;
		if (e->status == GIT_STATUS_WT_NEW)
			st = HIST_UNTRACKED;
		else if (e->status == GIT_STATUS_IGNORED)
			st = HIST_IGNORED;
		else
			st = HIST_MODIFIED;
		map_put(&h->status_map, p, MAP_INT(st));
	}
	git_status_list_free(list);
	if (git_repository_index(&h->index, h->repo) < 0) {
		git_error_clear();
		h->index = NULL;
	}
	return 0;
}


int hist_worktree_status(hist_t *h, const char *path)
{
	if (!h || !path)
		return HIST_CLEAN;
	if (!h->status_loaded)
		status_load(h); /* when it fails, lookups answer from the index and the ignore rules */
	void *v;
	if (map_get(&h->status_map, path, &v))
		return (int)MAP_AS_INT(v);
	if (h->index && git_index_get_bypath(h->index, path, 0))
		return HIST_CLEAN;
	int ign = 0;
	if (git_ignore_path_is_ignored(&ign, h->repo, path) < 0) {
		git_error_clear();
		ign = 0;
	}
	return ign ? HIST_IGNORED : HIST_CLEAN;
}

void hist_release_objects(hist_t *h)
{
	if (!h)
		return;
	objects_drop(h);
	/* libgit2 maps the pack files (and their indexes) for the status's and
	 * the rename search's reads and keeps them with the repository's object
	 * database: dropping every reference to it closes them */
	git_odb_free(h->odb);
	h->odb = NULL;
	if (h->repo)
		git_repository__cleanup(h->repo);
}

void hist_ignored_counts(const hist_t *h, size_t *revs, size_t *authors, size_t *renames)
{
	if (revs)
		*revs = h ? h->cnt_rev : 0;
	if (authors)
		*authors = h ? h->cnt_author : 0;
	if (renames)
		*renames = h ? h->cnt_ren : 0;
}

void hist_stats(const hist_t *h, hist_stats_t *out)
{
	if (h)
		*out = h->stats;
	else
		memset(out, 0, sizeof *out);
}

void hist_free(hist_t *h)
{
	if (!h)
		return;
	results_clear(h);
	for (size_t i = 0; i < h->nnodes; i++) {
		cnode_t *n = &h->nodes[i];
		node_free_facts(n);
		free(n->parents);
		free(n->pidx);
		free(n->summary);
	}
	free(h->nodes);
	free(h->oslots);
	free(h->heap);
	free(h->path_items);
	free(h->pglob_off);
	free(h->pglob_n);
	free(h->author_ign);
	free(h->pglob_pool);
	free(h->shallow_oids);
	strtab_free(&h->strs);
	tree_cache_free(h);
	packs_close(h);
	cache_clear(&h->cache);
	free(h->cache_path);
	free(h->res_path);
	map_free(&h->status_map);
	git_index_free(h->index);
	git_odb_free(h->odb);
	git_repository_free(h->repo);
	free(h->workdir);
	free(h->commondir);
	free(h->branch);
	free(h);
	git_libgit2_shutdown();
}
