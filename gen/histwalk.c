/* histwalk.c - the walk: items, pages, events, merge simplification. See histwalk.h. */
#include "histwalk.h"

#include <stdlib.h>

#include "gittree.h"
#include "histcommit.h"
#include "histcontent.h"
#include "histdiff.h"
#include "histignore.h"
#include "histqueue.h"
#include "histrename.h"

static void page_finish(hist_t *h, hpage_t *pg);

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

/* Whether the verdict on the page's change being recorded (freshness.count:
 * content) can change an answer: the last counting commit is not found yet;
 * or some instant the events will be asked about (opts.points) lies in
 * [minev, settled), where hist_entry_at would reach this event before any
 * counting one; or, without points, the events are wanted back to `since` and
 * no counting event older than it has been found yet. */
static int verdict_needed(const hist_t *h, const hpage_t *pg)
{
	if (pg->last == NONE)
		return 1;
	if (!h->points)
		return !pg->past_since;
	size_t lo = 0, hi = h->npoints; /* the first point >= minev */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (h->points[mid] < pg->minev)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < h->npoints && h->points[lo] < pg->settled;
}

/* A commit changed the page: record the event; returns whether it counts.
 * `old_path`/`new_path`: the page's paths before and after a non-merge commit
 * that modified it (NONE when there is nothing to compare: creation, deletion,
 * merge), for freshness.count: content. */
static int page_event(hist_t *h, hpage_t *pg, uint32_t ni, int exists, uint32_t old_path, uint32_t new_path)
{
	cnode_t *n = &h->nodes[ni];
	uint32_t ign = hignore_node(h, n);
	int counts = !ign;
	int cosmetic = 0;
	int64_t t = node_time(h, n);
	if (t < pg->minev)
		pg->minev = t;
	if (counts && old_path != NONE && h->content_canon && verdict_needed(h, pg)) {
		/* an answer is still open: a cosmetic edit is not a review */
		cosmetic = hcontent_cosmetic(h, ni, old_path, new_path);
		n = &h->nodes[ni];
		counts = !cosmetic;
	}
	if (counts)
		pg->settled = pg->minev;
	GROW(pg->ev, pg->nev, pg->cev);
	pg->ev[pg->nev].time = t;
	pg->ev[pg->nev].counts = (unsigned char)counts;
	pg->ev[pg->nev].exists = (unsigned char)(exists != 0);
	pg->nev++;
	if (pg->last == NONE) {
		if (counts) {
			pg->last = ni;
		} else if (cosmetic) {
			pg->skip_cosmetic++;
			n->flags |= N_SKIP_COSMETIC;
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

/* Page item `it` changed in node `ni` with `status` (against the first parent
 * for merges). Items that continue at an old path are pushed on `follow`
 * (they start at the first parent). */
static int page_change(hist_t *h, uint32_t it, uint32_t ni, char status, int is_merge, u32vec_t *follow)
{
	uint32_t owner = h->items[it].owner;
	uint32_t path = h->items[it].path;
	cnode_t *n = &h->nodes[ni];
	if (status == 'A' && !is_merge && n->nparents == 1) {
		uint32_t old = hrename_source(n, path, 1);
		if (old == NONE) {
			int has_del = 0;
			for (uint32_t k = 0; k < n->nchanges[0] && !has_del; k++)
				has_del = n->changes[0][k].status == 'D';
			if (has_del) {
				if (!(n->flags & N_SIM)) {
					int rc = hrename_similar(h, ni);
					if (rc < 0)
						return rc;
					n = &h->nodes[ni];
				}
				old = hrename_source(n, path, 0);
				if (old == NONE)
					old = hrename_source(n, path, 1);
				else {
					/* a rename with edits: counts (unless ignored), the page goes on at the old path */
					hpage_t *pg = &h->pages[owner];
					page_event(h, pg, ni, 1, old, path);
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
		page_event(h, pg, ni, 1, NONE, NONE);
		if (pg->last != NONE) {
			pg->reached_end = 1;
			pg->created = node_time(h, &h->nodes[ni]);
			item_end(h, it);
			page_check_done(h, pg);
		}
		return 0;
	}
	hpage_t *pg = &h->pages[owner];
	int compare = status == 'M' && !is_merge && n->nparents == 1;
	page_event(h, pg, ni, status != 'D', compare ? path : NONE, compare ? path : NONE);
	if (status == 'A' && n->nparents == 0 && pg->last != NONE) {
		pg->reached_end = 1;
		pg->created = node_time(h, n);
	}
	page_check_done(h, pg);
	return 0;
}

static void watch_change(hist_t *h, uint32_t it, uint32_t ni, uint32_t path)
{
	hwatch_t *w = &h->watches[h->items[it].owner];
	if (hignore_node(h, &h->nodes[ni]))
		return;
	w->last = ni;
	w->path = path;
	item_end(h, it);
}

static int set_has_live(const hist_t *h, const hset_t *s)
{
	uint32_t nw = s->nw < h->nlivew ? s->nw : (uint32_t)h->nlivew;
	for (uint32_t i = 0; i < nw; i++)
		if (s->w[i] & h->live[i])
			return 1;
	return 0;
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
	return h->pglob_pool ? h->pglob_pool + h->pglob_off[pi] : NULL; /* no match yet: NULL + 0 is undefined */
}

/* Collect the live items of `s` that changes `ch` touch (pages by path, watches
 * by glob); sorted, unique. `wpath` receives, per glob item, its first matching path. */
static void touched_items(hist_t *h, const cnode_t *n, const hchange_t *ch, uint32_t nch, const hset_t *s,
			  u32vec_t *out, int for_watch)
{
	out->n = 0;
	for (uint32_t k = 0; k < nch; k++) {
		uint32_t pi = ch[k].path;
		for (uint32_t it = h->path_items[pi]; it != NONE; it = h->items[it].next)
			if (hset_test(s, it) && live_test(h, it))
				u32_push(out, it);
		if (h->nwatches && (!for_watch || !hrename_change_is_pure(n, &ch[k]))) {
			uint32_t ng;
			const uint32_t *g = path_globs(h, pi, &ng);
			for (uint32_t j = 0; j < ng; j++) {
				uint32_t it = h->watches[g[j]].item;
				if (hset_test(s, it) && live_test(h, it))
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
			if (g[j] == w && !hrename_change_is_pure(n, &n->changes[l][k]))
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

static int walk_node(hist_t *h, uint32_t ni, hset_t *s)
{
	int rc = 0;
	cnode_t *n = &h->nodes[ni];
	/* parents */
	int boundary = (n->flags & (N_SHALLOW | N_MISSING)) != 0;
	for (uint32_t j = 0; j < h->nodes[ni].nparents && !boundary; j++) {
		if (h->nodes[ni].pidx[j] == NONE) {
			uint32_t pi;
			if ((rc = hcommit_get(h, &h->nodes[ni].parents[j], &pi)) < 0)
				return rc;
			h->nodes[ni].pidx[j] = pi;
		}
		if (h->nodes[h->nodes[ni].pidx[j]].flags & N_MISSING) {
			/* a parent is missing and this commit is not a shallow boundary: the repository is
			 * incomplete (git log fails here too), never a place to stop quietly */
			char child[GIT_OID_HEXSZ + 1], parent[GIT_OID_HEXSZ + 1];
			git_oid_tostr(child, sizeof child, &h->nodes[ni].oid);
			git_oid_tostr(parent, sizeof parent, &h->nodes[ni].parents[j]);
			git_error_set(GIT_ERROR_ODB,
				      "commit %s, a parent of %s, is missing from the repository, which is not a "
				      "shallow clone (git fsck tells more)",
				      parent, child);
			return -1;
		}
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
		if ((rc = hdiff_facts(h, ni)) < 0)
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
				hqueue_give(h, n->pidx[0], s);
			for (size_t k = 0; k < follow.n; k++)
				hqueue_give_one(h, h->nodes[ni].pidx[0], follow.v[k]);
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
		hset_t *s0;
		if (xs[0].n == 0) {
			s0 = hset_ref(s);
		} else {
			s0 = hset_private(hset_ref(s), 0);
			for (size_t k = 0; k < xs[0].n; k++)
				s0->w[xs[0].v[k] >> 6] &= ~(1ULL << (xs[0].v[k] & 63));
		}
		if (set_has_live(h, s0))
			hqueue_give(h, n->pidx[0], s0);
		hset_unref(s0);
		for (size_t k = 0; k < xs[0].n && rc == 0; k++) {
			uint32_t it = xs[0].v[k];
			uint32_t j = 1;
			while (j < np && u32_has(&xs[j], it))
				j++;
			if (j < np) {
				hqueue_give_one(h, h->nodes[ni].pidx[j], it);
				continue;
			}
			/* different from every parent: the merge is a change */
			item_changed(h, it, ni, 0, 1, &follow, &rc);
			if (live_test(h, it))
				for (j = 0; j < np; j++)
					hqueue_give_one(h, h->nodes[ni].pidx[j], it);
		}
		for (uint32_t j = 0; j < np; j++)
			free(xs[j].v);
		free(xs);
	}
	free(follow.v);
	free(x0.v);
	if (rc == 0 && h->stopped)
		rc = GITTREE_STOPPED;
	return rc;
}

int hwalk_run(hist_t *h, const hist_opts_t *opts, diag_list_t *d)
{
	int rc = 0;
	if (h->unborn || h->npages + h->nwatches == 0)
		return 0;
	uint32_t hi;
	if ((rc = hcommit_get(h, &h->head_oid, &hi)) < 0) {
		hist_diag_git(h, d, "cannot read the HEAD commit");
		return rc;
	}
	if (h->nodes[hi].flags & N_MISSING) {
		rc = -1;
		diag_add(d, DIAG_ERROR, h->label, 0, 0, "history", "the HEAD commit %s is missing", h->head);
		return rc;
	}
	hset_t *s = NULL;
	git_oid root;
	git_oid_cpy(&root, &h->nodes[hi].tree);
	for (size_t i = 0; i < h->npages; i++) {
		hpage_t *pg = &h->pages[i];
		if (!gittree_has_file(&h->store, &root, pg->path)) {
			pg->done = 1;
			pg->reached_end = 1;
			continue;
		}
		uint32_t pi = hcommit_intern(h, pg->path, strlen(pg->path));
		uint32_t it = item_new(h, pi, (uint32_t)i, 0);
		h->pages_live++;
		hset_add(&s, it);
	}
	for (size_t i = 0; i < h->nwatches; i++) {
		h->watches[i].item = item_new(h, NONE, (uint32_t)i, 1);
		hset_add(&s, h->watches[i].item);
	}
	if (s && h->pages_live > 0) {
		h->nodes[hi].set = s;
		hqueue_push(h, hi);
	} else {
		hset_unref(s);
	}
	const atomic_int *stop = opts ? opts->stop : NULL;
	while (h->nheap && h->pages_live > 0) {
		/* every commit (a relaxed load costs nothing beside a commit's work); the tree
		 * comparison polls it too, within one commit */
		if (stop && atomic_load_explicit(stop, memory_order_relaxed)) {
			rc = HIST_STOPPED;
			break;
		}
		uint32_t ni = hqueue_pop(h);
		cnode_t *n = &h->nodes[ni];
		n->flags |= N_DONE;
		hset_t *set = n->set;
		n->set = NULL;
		if (set && set_has_live(h, set))
			rc = walk_node(h, ni, set);
		hset_unref(set);
		if (rc == GITTREE_STOPPED) {
			rc = HIST_STOPPED;
			break;
		}
		if (rc < 0) {
			hist_diag_git(h, d, "cannot read the history");
			return rc;
		}
	}
	/* release the sets of commits left in the queue */
	while (h->nheap) {
		uint32_t ni = hqueue_pop(h);
		hset_unref(h->nodes[ni].set);
		h->nodes[ni].set = NULL;
	}
	if (rc == HIST_STOPPED)
		return rc; /* no answers, nothing cached */
	return rc;
}
