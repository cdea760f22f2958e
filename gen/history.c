/* history.c - the history engine's public API: open, walk, look up, free. See history.h.
 *
 * The engine's layers (one file each, bottom up) are listed in histpriv.h;
 * this file sets a walk up (options, pages, watches, the cache files), runs
 * it (histwalk.h) and turns its state into the public answers. */
#include "history.h"

#include <git2/sys/repository.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "histcache.h"
#include "histcommit.h"
#include "histcontent.h"
#include "histgraft.h"
#include "histignore.h"
#include "histpriv.h"
#include "histresults.h"
#include "histwalk.h"
#include "pathmatch.h"

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

void hist_diag_git(const hist_t *h, diag_list_t *d, const char *what)
{
	const git_error *e = git_error_last();
	diag_add(d, DIAG_ERROR, h->label, 0, 0, "history", "%s: %s%s", what,
		 e && e->message ? e->message : "unknown error",
		 h->promisor ? " (this is a partial clone: objects it left out cannot be read without a "
			       "network fetch, which Almanac never does; clone without --filter, or with "
			       "--filter=blob:none)"
			     : "");
}

/* 1 when the repository is a partial clone (a promisor remote, or extensions.partialclone). */
static int config_is_partial(git_repository *repo)
{
	git_config *cfg = NULL;
	int partial = 0;
	if (git_repository_config_snapshot(&cfg, repo) == 0) {
		git_config_entry *e = NULL;
		if (git_config_get_entry(&e, cfg, "extensions.partialclone") == 0 && e->value && *e->value)
			partial = 1;
		git_config_entry_free(e);
		/* every entry, matched here: libgit2 1.5.1's regex matching leaks (see tests/lsan.supp) */
		git_config_iterator *it = NULL;
		if (!partial && git_config_iterator_new(&it, cfg) == 0) {
			git_config_entry *x;
			while (!partial && git_config_next(&x, it) == 0) {
				size_t n = strlen(x->name);
				int v = 0;
				partial = n > 16 && strncmp(x->name, "remote.", 7) == 0 &&
					  strcmp(x->name + n - 9, ".promisor") == 0 &&
					  git_config_parse_bool(&v, x->value) == 0 && v;
			}
			git_config_iterator_free(it);
		}
		git_config_free(cfg);
	}
	git_error_clear();
	return partial;
}

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

void hist_open_diag(diag_list_t *d, const char *start, const char *code, int rc)
{
	/* libgit2's reason, always: an unsupported format (SHA-256 objects, an extension it does not
	 * know), another owner (safe.directory) and "no repository" need different fixes */
	const git_error *e = git_error_last();
	const char *why = e && e->message ? e->message : "unknown error";
	if (rc == GIT_ENOTFOUND && strstr(why, "safe.directory"))
		/* libgit2 1.5.1 reports another owner as "not found", with this lookup's message */
		diag_add(d, DIAG_ERROR, start, 0, 0, code,
			 "cannot open the Git repository: it is owned by another user, and git's safe.directory "
			 "does not list it (libgit2: %s); run Almanac as its owner, or mark it safe with "
			 "git config --global --add safe.directory <its path>",
			 why);
	else if (rc == GIT_ENOTFOUND)
		diag_add(d, DIAG_ERROR, start, 0, 0, code,
			 "not inside a Git repository (run 'git init' first, or pass --repo)");
	else
		diag_add(d, DIAG_ERROR, start, 0, 0, code, "cannot open the Git repository: %s", why);
}

int hist_open(hist_t **out, const char *any_path_in_worktree, diag_list_t *d)
{
	*out = NULL;
	git_libgit2_init();
	hist_t *h = xcalloc(1, sizeof *h);
	int rc;
	const char *start = any_path_in_worktree && *any_path_in_worktree ? any_path_in_worktree : ".";
	h->label = xstrdup(start);
	if ((rc = git_repository_open_ext(&h->repo, start, 0, NULL)) < 0) {
		hist_open_diag(d, start, "not-a-repository", rc);
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
		free(h->label);
		h->label = xstrndup(h->workdir, strlen(h->workdir) - 1); /* the repository, in diagnostics */
	}
	h->promisor = config_is_partial(h->repo);
	if ((rc = git_repository_odb(&h->odb, h->repo)) < 0) {
		hist_diag_git(h, d, "cannot open the object database");
		goto fail;
	}
	/* the shallow file is the common folder's: a linked worktree of a shallow clone is shallow
	 * too, although libgit2 1.5 looks for it in the worktree's own folder */
	hcommit_load_shallow(h);
	h->shallow = git_repository_is_shallow(h->repo) == 1 || h->nshallow > 0;
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
		hist_diag_git(h, d, "cannot read HEAD");
		goto fail;
	} else {
		git_reference *res = NULL;
		if ((rc = git_reference_resolve(&res, ref)) < 0) {
			git_reference_free(ref);
			hist_diag_git(h, d, "cannot resolve HEAD");
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
	gitstore_init(&h->store, h->odb, h->commondir);
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
		hset_unref(h->nodes[i].set);
		h->nodes[i].set = NULL;
		h->nodes[i].flags &= N_PERSIST;
	}
	h->nheap = 0;
	h->pages_live = 0;
	h->cnt_rev = h->cnt_author = h->cnt_ren = h->cnt_cosmetic = 0;
	h->walked = 0;
	hresults_free(h);
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
/* Forget every commit node (and the index by id). */
static void nodes_reset(hist_t *h)
{
	for (size_t i = 0; i < h->nnodes; i++) {
		cnode_t *n = &h->nodes[i];
		hcommit_free_facts(n);
		free(n->parents);
		free(n->pidx);
		free(n->summary);
		hset_unref(n->set);
	}
	free(h->nodes);
	free(h->oslots);
	h->nodes = NULL;
	h->oslots = NULL;
	h->nnodes = h->cnodes = h->noslots = 0;
}

static void objects_drop(hist_t *h)
{
	gitstore_drop(&h->store);
}

int hist_walk(hist_t *h, const char *const *paths, size_t npaths, const hist_opts_t *opts, diag_list_t *d)
{
	double t0 = now_seconds(), c0 = thread_cpu_seconds();
	int rc = 0;
	results_clear(h);
	memset(&h->stats, 0, sizeof h->stats);
	gitpack_close(&h->store.packs); /* re-read the pack list lazily: it may have changed since the last walk */
	if (!h->odb && git_repository_odb(&h->odb, h->repo) < 0) { /* after hist_release_objects */
		hist_diag_git(h, d, "cannot open the object database");
		return -1;
	}
	h->store.odb = h->odb;
	h->store.objects_packed = h->store.objects_libgit2 = h->store.trees_read = 0;
	h->walked = 1;
	h->use_author_date = opts ? opts->use_author_date : 0;
	h->since = opts ? opts->since : 0;
	h->all_old_paths = opts ? opts->all_old_paths : 0;
	h->stop = opts ? opts->stop : NULL;
	h->stopped = 0;
	h->content_canon = opts ? opts->content_canon : NULL;
	h->content_ctx = opts ? opts->content_ctx : NULL;
	h->content_version = opts ? opts->content_version : 0;
	h->points = opts ? opts->points : NULL;
	h->npoints = opts && opts->points ? opts->npoints : 0;
	if (h->content_canon && h->cslot_version != h->content_version) {
		hcontent_reset(h); /* digests of another canonical form */
		h->cslot_version = h->content_version;
	}
	hignore_load_revs(h, opts, d);
	hignore_load_authors(h, opts, d);
	hcommit_load_shallow(h);
	h->shallow = git_repository_is_shallow(h->repo) == 1 || h->nshallow > 0;
	uint64_t old_digest = h->graft_digest;
	if (hgraft_load(h) < 0) {
		hist_diag_git(h, d, "cannot read the replace refs");
		return -1;
	}
	if (h->graft_digest != old_digest && h->nnodes) {
		/* other replacements or grafts: what the nodes say about their commits may be wrong */
		nodes_reset(h);
		hcache_clear(&h->cache);
	}

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
			size_t j = map_hash_add(MAP_HASH_SEED, paths[i], n) & (h->npslots - 1);
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
		if (!h->unborn && !h->shallow && h->npages + h->nwatches > 0 && hresults_load(h, opts))
			goto out;
		if (!h->cache.data && !h->nnodes)
			hcache_load(h);
	}
	/* the walk's state per page */
	h->pages = xcalloc(h->npages ? h->npages : 1, sizeof *h->pages);
	for (size_t i = 0; i < h->npages; i++) {
		h->pages[i].path = (char *)h->entries[i].path;
		h->pages[i].last = NONE;
		h->pages[i].minev = INT64_MAX;
		h->pages[i].settled = INT64_MAX;
	}

	if ((rc = hwalk_run(h, opts, d)) != 0)
		goto out;

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
		e->skipped_cosmetic = pg->skip_cosmetic;
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
		h->cnt_cosmetic += (f & N_SKIP_COSMETIC) != 0;
	}
	if (h->dirty && h->cache_path)
		hcache_write(h);
	if (h->res_path && !h->unborn && h->npages + h->nwatches > 0 && hresults_storable(h))
		hresults_write(h, opts);
out:
	/* the answers are in the nodes and tables: the pack mappings (file pages
	 * counted in the process's memory: 200 MiB for a 100,000-commit history)
	 * and the object caches are not needed for lookups. A later walk (serve)
	 * maps the packs again lazily. */
	h->stats.objects_packed = h->store.objects_packed;
	h->stats.objects_libgit2 = h->store.objects_libgit2;
	h->stats.trees_read = h->store.trees_read;
	objects_drop(h);
	h->stats.seconds = now_seconds() - t0;
	h->stats.cpu_seconds = thread_cpu_seconds() - c0;
	return rc < 0 ? rc : 0;
}

const hist_entry_t *hist_lookup(const hist_t *h, const char *path)
{
	if (!h || !path || !h->npslots)
		return NULL;
	size_t j = map_hash_add(MAP_HASH_SEED, path, strlen(path)) & (h->npslots - 1);
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

const char *hist_label(const hist_t *h)
{
	return h->label;
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
	h->store.odb = NULL;
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

size_t hist_cosmetic_count(const hist_t *h)
{
	return h ? h->cnt_cosmetic : 0;
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
	nodes_reset(h);
	hgraft_free(h);
	hcontent_reset(h);
	free(h->label);
	free(h->heap);
	free(h->path_items);
	free(h->pglob_off);
	free(h->pglob_n);
	free(h->author_ign);
	free(h->pglob_pool);
	free(h->shallow_oids);
	strtab_free(&h->strs);
	gitstore_free(&h->store);
	hcache_clear(&h->cache);
	free(h->cache_path);
	free(h->res_path);
	map_free(&h->status_map);
	free(h->status_error);
	git_index_free(h->index);
	git_odb_free(h->odb);
	git_repository_free(h->repo);
	free(h->workdir);
	free(h->commondir);
	free(h->branch);
	free(h);
	git_libgit2_shutdown();
}

int hist_glob_match(const char *glob, const char *path)
{
	return pathmatch_glob_or_below(glob, path); /* history.h's glob syntax is pathmatch.h's */
}
