/* incremental.c - rebuilds for almanac serve. See incremental.h. */
#define _GNU_SOURCE
#include "incremental.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "buf.h"
#include "cli.h"
#include "dating.h"
#include "dialects.h"
#include "fsutil.h"
#include "history.h"
#include "incjob.h"
#include "incstat.h"
#include "incstate.h"
#include "incverify.h"
#include "incwatch.h"
#include "layout.h"
#include "sitelayout.h"
#include "links.h"
#include "nav.h"
#include "owners.h"
#include "render.h"
#include "runbookurl.h"
#include "timing.h"

/* ------------------------------------------------------------------ publishing */

/* See incstate.h. */
void inc_each_entry(const char *root, const char *rel, void (*fn)(const char *crel, void *ud), void *ud)
{
	char *dir = rel[0] ? xasprintf("%s/%s", root, rel) : xstrdup(root);
	DIR *d = opendir(dir);
	free(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *crel = rel[0] ? xasprintf("%s/%s", rel, e->d_name) : xstrdup(e->d_name);
		fn(crel, ud);
		free(crel);
	}
	closedir(d);
}

typedef struct {
	const char *stage, *root;
} move_ctx_t;

static void move_entry(const char *crel, void *ud)
{
	const move_ctx_t *m = ud;
	char *src = xasprintf("%s/%s", m->stage, crel);
	char *dst = xasprintf("%s/%s", m->root, crel);
	struct stat st;
	if (lstat(src, &st) == 0) {
		if (S_ISDIR(st.st_mode) && (!strcmp(crel, "search/t") || !strcmp(crel, "search/v") ||
					    !strcmp(crel, "search/m"))) {
			/* shard folders are replaced as a whole: shards may come and go */
			if (fsu_is_dir(dst)) {
				if (renameat2(AT_FDCWD, src, AT_FDCWD, dst, RENAME_EXCHANGE) != 0) {
					fsu_remove_tree(dst);
					rename(src, dst);
				}
			} else {
				rename(src, dst);
			}
		} else if (S_ISDIR(st.st_mode)) {
			mkdir(dst, 0755);
			inc_each_entry(m->stage, crel, move_entry, ud);
		} else {
			rename(src, dst);
		}
	}
	free(src);
	free(dst);
}

/* Move every file of `stage` into `root` (the search shard folders as wholes). Call under the write lock. */
static void move_tree(const char *stage, const char *root)
{
	move_ctx_t m = {stage, root};
	inc_each_entry(stage, "", move_entry, &m);
}

static void publish(inc_t *inc)
{
	char *old_root = NULL;
	srv_write_lock(inc->srv);
	if (inc->pending_full) {
		old_root = srv_set_root(inc->srv, inc->pending_full);
		inc->pending_full = NULL;
	}
	if (inc->staging)
		move_tree(inc->staging, srv_root(inc->srv));
	/* the build number tells pages they are out of date: a new search index alone is not that */
	if (old_root || inc->staged_pages)
		inc->build++;
	inc->staged_pages = 0;
	srv_write_unlock(inc->srv, inc->build);
	if (old_root) {
		fsu_remove_tree(old_root);
		free(old_root);
	}
	if (inc->staging) {
		fsu_remove_tree(inc->staging);
		free(inc->staging);
		inc->staging = NULL;
	}
}

/* Publish the rebuild and judge its diagnostics: new content errors (a broken link, invalid front
 * matter) are shown, not held back: the writer sees the edit and the error together. */
static void settle(inc_t *inc)
{
	diag_sort(&inc->s->diags);
	free(inc->isnew);
	inc->isnew = xcalloc(inc->s->diags.len + 1, 1);
	inc->isnew_len = inc->s->diags.len;
	inc->new_errors = incstat_new(inc, &inc->s->diags, inc->isnew);
	inc->ok = inc->new_errors == 0;
	if (inc->srv)
		publish(inc);
	timing_mark("publish");
}

/* ------------------------------------------------------------------ full rebuilds */

static void clear_failure(inc_t *inc)
{
	free(inc->failure);
	inc->failure = NULL;
	diag_free(&inc->fail_diags);
	diag_init(&inc->fail_diags);
}

static void set_failure(inc_t *inc, const char *why, diag_list_t *d)
{
	clear_failure(inc);
	inc->failure = xstrdup(why);
	diag_sort(d);
	incstat_copy(&inc->fail_diags, d);
	inc->ok = 0;
}

static void model_free(inc_t *inc)
{
	if (inc->s) {
		dating_release(inc->s);
		site_free(inc->s);
		free(inc->s);
		inc->s = NULL;
	}
	if (inc->repo) {
		git_repository_free(inc->repo);
		inc->repo = NULL;
	}
	for (size_t k = 0; inc->src_repos && k < inc->nsrc_repos; k++)
		git_repository_free(inc->src_repos[k]);
	free(inc->src_repos);
	inc->src_repos = NULL;
}

/* Load and render everything into a new folder. Returns 0 or the negative code of the failing step. */
static int full_rebuild(inc_t *inc)
{
	if (inc->job)
		incjob_finish(inc, 0); /* its snapshot is about to go */
	if (inc->s)
		site_stop_jobs(inc->s); /* the last load's cache writer: this load writes the same files */
	double t0 = inc_now_ms();
	site_opts_t o = inc->o.site;
	if (!inc->o.fixed_now)
		o.now = (int64_t)time(NULL);
	site_t *ns = xcalloc(1, sizeof *ns);
	int rc = site_load(ns, &o);
	/* sources fetched once, at start: a rebuild takes their last complete fetch (local work
	 * trees are read in place and watched) */
	inc->o.site.sources_offline = 1;
	char *dir = NULL;
	if (rc == 0) {
		dir = inc_next_dir(inc, "site");
		rc = render_site(ns, dir);
		if (rc != 0) {
			fsu_remove_tree(dir);
			free(dir);
			dir = NULL;
		}
	}
	inc->kind = "full";
	inc->ms = inc_now_ms() - t0;
	if (rc != 0) {
		set_failure(inc, rc == -4 ? "the site could not be loaded" : "the site could not be rendered", &ns->diags);
		dating_release(ns);
		site_free(ns);
		free(ns);
		inc->need_full = 1;
		return rc;
	}
	clear_failure(inc);
	model_free(inc);
	inc->s = ns;
	if (git_repository_open_ext(&inc->repo, ns->root, 0, NULL) != 0) {
		git_error_clear();
		inc->repo = NULL;
	}
	incwatch_setup(inc);
	/* anything built for the previous model is obsolete */
	if (inc->staging) {
		fsu_remove_tree(inc->staging);
		free(inc->staging);
		inc->staging = NULL;
	}
	if (inc->pending_full) {
		fsu_remove_tree(inc->pending_full);
		free(inc->pending_full);
	}
	inc->pending_full = dir;
	inc->need_full = 0;
	inc->search_pending = 0; /* a full build has its index */
	size_t n = 0;
	for (size_t i = 0; i < ns->npages; i++)
		n += !(ns->pages[i].draft && !ns->opts.drafts);
	inc->rendered = n;
	return 0;
}

/* ------------------------------------------------------------------ incremental rebuilds */

static int refs_equal(const fm_ref_t *a, size_t na, const fm_ref_t *b, size_t nb)
{
	if (na != nb)
		return 0;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i].value, b[i].value) || a[i].line != b[i].line || a[i].col != b[i].col)
			return 0;
	return 1;
}

static int strs_equal(char *const *a, size_t na, char *const *b, size_t nb)
{
	if (na != nb)
		return 0;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i], b[i]))
			return 0;
	return 1;
}

static int node_pos_equal(const val_t *a, const val_t *b)
{
	if (!a || !b)
		return a == b;
	if (a->type != b->type || a->line != b->line || a->col != b->col)
		return 0;
	if (a->type == VAL_LIST) {
		if (a->len != b->len)
			return 0;
		for (size_t i = 0; i < a->len; i++)
			if (a->items[i]->line != b->items[i]->line || a->items[i]->col != b->items[i]->col)
				return 0;
	}
	return 1;
}

/* A change other pages' structure depends on: reload everything. Returns the reason or NULL. */
static const char *structural(const site_t *s, const site_page_t *o, const site_page_t *n)
{
	if (o->draft != n->draft && !s->opts.drafts)
		return "draft changed";
	if (strcmp(o->type, n->type))
		return "type changed";
	if (!refs_equal(o->fm.aliases, o->fm.naliases, n->fm.aliases, n->fm.naliases))
		return "aliases changed";
	if (!refs_equal(o->fm.related, o->fm.nrelated, n->fm.related, n->fm.nrelated))
		return "related changed";
	if (!strs_equal(o->fm.alerts, o->fm.nalerts, n->fm.alerts, n->fm.nalerts) ||
	    !node_pos_equal(val_map_get(o->fm.raw, "alerts"), val_map_get(n->fm.raw, "alerts")))
		return "alerts changed";
	if (!strs_equal(o->fm.watches, o->fm.nwatches, n->fm.watches, n->fm.nwatches))
		return "watches changed";
	/* the layout's keys that move the page (Hugo's url and slug) */
	const layout_t *lay = sitelayout_of(s, o->source); /* the page's own repository's */
	char *ou = layout_page_url(lay, site_page_repo_path(o), o->fm.raw, NULL);
	char *nu = layout_page_url(lay, site_page_repo_path(n), n->fm.raw, NULL);
	int moved = strcmp(ou, nu) != 0;
	free(ou);
	free(nu);
	if (moved)
		return "address changed";
	return NULL;
}

/* What other pages show of a page: page_link() and nav_children() in render.c/nav.c. */
static int summary_equal(const site_page_t *a, const site_page_t *b)
{
	return !strcmp(a->title, b->title) && inc_streq0(a->nav_title, b->nav_title) && a->weight == b->weight &&
	       a->in_nav == b->in_nav && a->fresh.status == b->fresh.status && !strcmp(a->type, b->type) &&
	       inc_streq0(a->fm.criticality, b->fm.criticality) && inc_streq0(a->fm.description, b->fm.description) &&
	       inc_streq0(a->owner, b->owner) && a->draft == b->draft;
}

/* The work tree's status of page `p` (hist.h's HIST_ values), in its own repository: the hub's, or its
 * source's (opened on first use, kept until the next full rebuild). */
static int worktree_status(inc_t *inc, const site_page_t *p)
{
	git_repository *repo = inc->repo;
	if (p->source > 0) {
		size_t k = (size_t)p->source - 1;
		if (!inc->src_repos) {
			inc->src_repos = xcalloc(inc->s->nsources + 1, sizeof *inc->src_repos);
			inc->nsrc_repos = inc->s->nsources;
		}
		if (!inc->src_repos[k] &&
		    git_repository_open_ext(&inc->src_repos[k], inc->s->sources[k].root, GIT_REPOSITORY_OPEN_NO_SEARCH,
					    NULL) != 0)
			inc->src_repos[k] = NULL;
		repo = inc->src_repos[k];
	}
	unsigned int flags = 0;
	if (!repo || git_status_file(&flags, repo, site_page_repo_path(p)) != 0) {
		git_error_clear();
		return HIST_CLEAN;
	}
	if (flags == 0)
		return HIST_CLEAN;
	if (flags == GIT_STATUS_WT_NEW)
		return HIST_UNTRACKED;
	if (flags & GIT_STATUS_IGNORED)
		return HIST_IGNORED;
	return HIST_MODIFIED;
}

/* The freshness of re-read page `n`, whose history is the old page's `o` (as dating_finish computes it). */
static void page_fresh(inc_t *inc, site_page_t *n, const site_page_t *o)
{
	site_t *s = inc->s;
	site_fresh_t *f = &n->fresh;
	memset(f, 0, sizeof *f);
	n->untracked = 0;
	const struct hist *h = dating_hist_of(s, n);
	if (h) {
		f->has_commit = o->fresh.has_commit;
		memcpy(f->commit_id, o->fresh.commit_id, sizeof f->commit_id);
		f->commit_time = o->fresh.commit_time;
		f->author = o->fresh.author ? xstrdup(o->fresh.author) : NULL;
		f->summary = o->fresh.summary ? xstrdup(o->fresh.summary) : NULL;
		dating_page_status(s, n, hist_lookup(h, site_page_repo_path(n)));
		/* drift depends on the watches and the last commit, both unchanged */
		f->drifted = o->fresh.drifted;
		f->drift_path = o->fresh.drift_path ? xstrdup(o->fresh.drift_path) : NULL;
		f->drift_time = o->fresh.drift_time;
	} else { /* --no-git-dates: unknown, unless uncommitted (dating_start_status) */
		f->interval_days = dating_page_interval(s, n);
		f->age_days = -1;
		f->status = FRESH_UNKNOWN;
	}
	int st = worktree_status(inc, n);
	if (st == HIST_MODIFIED || st == HIST_UNTRACKED) {
		f->status = FRESH_UNCOMMITTED;
		n->untracked = st == HIST_UNTRACKED;
	}
}

static int in_subtree(const nav_t *nav, long f, long top)
{
	for (long x = f; x >= 0; x = nav->folders[x].parent)
		if (x == top)
			return 1;
	return 0;
}

typedef struct {
	unsigned char *pages;
	unsigned char *folders;
	unsigned char *redirects;
} dirty_t;

/* The section output of folder f (its index page or its generated page). */
static void mark_section(dirty_t *d, const nav_t *nav, long f)
{
	if (f < 0)
		return;
	if (nav->folders[f].index_page >= 0)
		d->pages[nav->folders[f].index_page] = 1;
	else
		d->folders[f] = 1;
}

static void mark_subtree(dirty_t *d, const site_t *s, const nav_t *nav, long top)
{
	for (size_t j = 0; j < s->npages; j++)
		if (nav->page_folder[j] >= 0 && in_subtree(nav, nav->page_folder[j], top))
			d->pages[j] = 1;
	for (size_t f = 0; f < nav->nfolders; f++)
		if (in_subtree(nav, (long)f, top))
			d->folders[f] = 1;
}

static void mark_targets(dirty_t *d, const site_page_t *p, size_t self)
{
	for (size_t k = 0; k < p->nlinks; k++)
		if (p->links[k].target >= 0 && (size_t)p->links[k].target != self)
			d->pages[p->links[k].target] = 1;
}

static int targets_equal(const site_page_t *a, const site_page_t *b)
{
	if (a->nlinks != b->nlinks)
		return 0;
	for (size_t k = 0; k < a->nlinks; k++)
		if (a->links[k].target != b->links[k].target)
			return 0;
	return 1;
}

typedef struct {
	size_t idx;
	site_page_t fresh;       /* the page as re-read */
	diag_list_t d_new;
	site_page_t old;         /* the page before (kept until the dirty set is known) */
} change_t;

/* Re-read the changed pages; on a structural change return its reason (everything must be reloaded). */
static const char *incremental(inc_t *inc, const size_t *pidx, size_t np, const size_t *aidx, size_t na)
{
	site_t *s = inc->s;
	double t0 = inc_now_ms();
	change_t *ch = xcalloc(np + 1, sizeof *ch);
	size_t nch = 0;
	const char *why = NULL;
	timing_mark(NULL);
	for (size_t k = 0; k < np && !why; k++) {
		change_t *c = &ch[nch];
		c->idx = pidx[k];
		diag_init(&c->d_new);
		diag_mute_like(&c->d_new, &s->diags); /* the config's warnings: switches */
		site_page_reread(s, c->idx, NULL, &c->fresh, &c->d_new);
		const site_page_t *o = &s->pages[c->idx];
		if (o->text && c->fresh.text && !strcmp(o->text, c->fresh.text)) {
			site_page_clear(&c->fresh);
			diag_free(&c->d_new);
			continue; /* touched, not changed */
		}
		owners_resolve_page(s, &c->fresh); /* its front matter may name (or stop naming) an owner */
		why = structural(s, o, &c->fresh);
		if (!why) {
			/* the first diagram or code block of the site, or its last one: the vendored
			 * libraries come or go, as a full build would copy them (render_asset_wanted) */
			unsigned other = render_site_features(s, (long)c->idx);
			unsigned vendor = DIALECT_DIAGRAM | DIALECT_CODE;
			if (((other | o->md.features) ^ (other | c->fresh.md.features)) & vendor)
				why = "the site's use of diagrams or highlighted code changed";
		}
		nch++;
	}
	if (why || (!nch && !na)) {
		for (size_t k = 0; k < nch; k++) {
			site_page_clear(&ch[k].fresh);
			diag_free(&ch[k].d_new);
		}
		free(ch);
		return why ? why : "";
	}
	timing_mark("reread");
	/* the old pages' own diagnostics: replay the old text, and take them out */
	for (size_t k = 0; k < nch; k++) {
		change_t *c = &ch[k];
		site_page_t *o = &s->pages[c->idx];
		diag_list_t d_old;
		diag_init(&d_old);
		diag_mute_like(&d_old, &s->diags);
		site_page_t replay;
		site_page_reread(s, c->idx, o->text ? o->text : "", &replay, &d_old);
		site_page_clear(&replay);
		incstat_remove_each(&s->diags, &d_old);
		diag_free(&d_old);
		incstat_drop_load(&s->diags, o->src);
	}
	timing_mark("replay");
	/* install the new pages */
	for (size_t k = 0; k < nch; k++) {
		change_t *c = &ch[k];
		site_page_t *o = &s->pages[c->idx];
		site_page_t *n = &c->fresh;
		for (size_t j = 0; j < o->nlinks; j++) {
			const site_link_t *l = &o->links[j];
			if (!l->from_related)
				continue;
			n->links = xrealloc(n->links, (n->nlinks + 1) * sizeof *n->links);
			site_link_t *nl = &n->links[n->nlinks++];
			*nl = *l;
			nl->fragment = l->fragment ? xstrdup(l->fragment) : NULL;
		}
		n->old_paths = o->old_paths;
		n->nold = o->nold;
		o->old_paths = NULL;
		o->nold = 0;
		/* the alerts it answers: a change to them (its alerts: key) reloads everything */
		n->alerts = o->alerts;
		n->nalerts = o->nalerts;
		o->alerts = NULL;
		o->nalerts = 0;
		page_fresh(inc, n, o);
		c->old = *o;
		s->pages[c->idx] = *n;
		memset(n, 0, sizeof *n);
		diag_move(&s->diags, &c->d_new);
		diag_free(&c->d_new);
	}
	timing_mark("install");
	/* the link graph of the whole site: backlinks, anchors, orphans */
	for (size_t i = 0; i < s->npages; i++) {
		free(s->pages[i].backlinks);
		s->pages[i].backlinks = NULL;
		s->pages[i].nbacklinks = 0;
	}
	incstat_drop_graph(&s->diags);
	links_finish(s);
	links_orphans(s);
	site_shortcode_warnings(s);
	/* the runbook_urls that lead to a changed page: the headings they name are its content */
	int recheck = 0;
	for (size_t i = 0; i < s->nrbchecks && !recheck; i++)
		for (size_t k = 0; k < nch && !recheck; k++)
			recheck = s->rbchecks[i].page == (long)ch[k].idx;
	if (recheck) {
		incstat_drop_runbook_urls(&s->diags);
		runbookurl_check(s);
	}
	timing_mark("graph");

	/* what must be rendered again */
	nav_t nav;
	nav_build(&nav, s);
	dirty_t d;
	d.pages = xcalloc(s->npages + 1, 1);
	d.folders = xcalloc(nav.nfolders + 1, 1);
	d.redirects = xcalloc(s->npages + 1, 1);
	for (size_t k = 0; k < nch; k++) {
		change_t *c = &ch[k];
		const site_page_t *o = &c->old, *n = &s->pages[c->idx];
		d.pages[c->idx] = 1;
		/* alerts/<Name>/ leads to the heading a runbook_url names when the page has it (render.c) */
		for (size_t a = 0; a < s->nalerts; a++)
			if (s->alerts[a].anchor && s->alerts[a].npages == 1 && s->alerts[a].pages[0] == (long)c->idx)
				d.redirects[c->idx] = 1;
		int same = summary_equal(o, n);
		if (!same || !targets_equal(o, n)) {
			mark_targets(&d, o, c->idx);
			mark_targets(&d, n, c->idx);
		}
		if (same)
			continue;
		for (size_t b = 0; b < n->nbacklinks; b++)
			d.pages[n->backlinks[b]] = 1;
		for (size_t j = 0; j < s->npages; j++) {
			const site_page_t *q = &s->pages[j];
			if (!strcmp(q->type, "role") && ((o->owner && !strcmp(q->slug, o->owner)) ||
							(n->owner && !strcmp(q->slug, n->owner))))
				d.pages[j] = 1;
			if (!strcmp(n->type, "role") && q->owner && !strcmp(q->owner, n->slug))
				d.pages[j] = 1;
		}
		d.redirects[c->idx] = 1; /* its redirects and alert pages show its title and status */
		long f = nav.page_folder[c->idx];
		int is_index = f >= 0 && nav.folders[f].index_page == (long)c->idx;
		mark_section(&d, &nav, f);
		if (is_index)
			mark_section(&d, &nav, nav.folders[f].parent);
		/* every sidebar listing it: its title or its place in the order changed */
		if ((strcmp(o->title, n->title) || !inc_streq0(o->nav_title, n->nav_title) || o->weight != n->weight ||
		     o->in_nav != n->in_nav) && f >= 0) {
			long top = is_index ? nav.folders[f].parent : f;
			mark_subtree(&d, s, &nav, top < 0 ? 0 : top);
		}
	}
	size_t rendered = 0;
	for (size_t i = 0; i < s->npages; i++)
		rendered += d.pages[i];
	for (size_t f = 0; f < nav.nfolders; f++)
		rendered += d.folders[f] && nav.folders[f].index_page < 0;
	timing_mark("dirty");

	/* render into the unpublished full folder, or a staging folder */
	const char *dir = inc->pending_full;
	if (!dir) {
		if (!inc->staging)
			inc->staging = inc_next_dir(inc, "stage");
		fsu_mkdirs(inc->staging, 0755);
		dir = inc->staging;
	}
	/* the search index follows (inc_idle) once the pages are out */
	render_sel_t sel = {d.pages, d.folders, d.redirects, 1, 0, 0};
	int rc = render_select(s, dir, &sel);
	inc->staged_pages = 1;
	inc->search_pending = s->cfg.search;
	inc->search_gen++;
	timing_mark("render");
	pr_root_t *out = NULL;
	if (na && pr_root_open(&out, dir, PR_BENEATH) != 0) {
		diag_add(&s->diags, DIAG_ERROR, dir, 0, 0, "output", "cannot open the folder: %s", strerror(errno));
		rc = -1;
	}
	for (size_t k = 0; out && k < na; k++) {
		const site_asset_t *a = &s->assets[aidx[k]];
		if (a->withheld) /* scripts would run on the site (activefiles.h) */
			continue;
		int cr = pr_copy(site_source_tree(s, a->source), a->repo_path ? a->repo_path : a->src, out, a->out);
		if (cr == PR_EWRITE || cr == PR_EUNSAFE) {
			diag_add(&s->diags, DIAG_ERROR, a->src, 0, 0, "output", "cannot write the copy %s: %s", a->out,
				 pr_strerror(cr));
			rc = -1;
		} else if (pr_refused(cr)) {
			diag_add(&s->diags, DIAG_WARNING, a->src, 0, 0, "symlink", "%s", pr_link_message(cr));
		} else if (cr != 0) {
			diag_add(&s->diags, DIAG_WARNING, a->src, 0, 0, "asset", "cannot copy the file: %s", pr_strerror(cr));
		}
	}
	pr_root_free(out);
	nav_free(&nav);
	free(d.pages);
	free(d.folders);
	free(d.redirects);
	for (size_t k = 0; k < nch; k++) {
		if (inc->job) { /* the search job may still read it */
			inc->grave = xrealloc(inc->grave, (inc->ngrave + 1) * sizeof *inc->grave);
			inc->grave[inc->ngrave++] = ch[k].old;
		} else {
			site_page_clear(&ch[k].old);
		}
	}
	free(ch);
	inc->kind = "incremental";
	inc->rendered = rendered;
	inc->ms = inc_now_ms() - t0;
	if (rc != 0) {
		/* a broken theme would have been a theme change: be safe and reload everything next time */
		inc->need_full = 1;
		return "rendering failed";
	}
	return NULL;
}

/* ------------------------------------------------------------------ the public side */

int inc_open(inc_t **out, const inc_opts_t *o)
{
	*out = NULL;
	inc_t *inc = xcalloc(1, sizeof *inc);
	inc->o = *o;
	inc->work = inc_strip_slash(o->work_dir);
	diag_init(&inc->fail_diags);
	int rc = full_rebuild(inc);
	if (rc != 0) {
		cli_print_diags(&inc->fail_diags, 0);
		inc_close(inc);
		return rc;
	}
	diag_sort(&inc->s->diags);
	cli_print_diags(&inc->s->diags, 0);
	incstat_baseline_set(inc, &inc->s->diags);
	inc->first_dir = inc->pending_full;
	inc->pending_full = NULL;
	inc->build = 1;
	inc->seq = 1;
	inc->ok = 1;
	*out = inc;
	return 0;
}

const char *inc_first_dir(const inc_t *inc)
{
	return inc->first_dir;
}

void inc_attach(inc_t *inc, srv_t *srv)
{
	inc->srv = srv;
	srv_write_lock(srv);
	srv_write_unlock(srv, inc->build);
	free(inc->first_dir); /* the server has its own copy of the path and serves that folder */
	inc->first_dir = NULL;
	incstat_update(inc, 0, 1);
}

size_t inc_last_rendered(const inc_t *inc)
{
	return inc->rendered;
}

int inc_handle(inc_t *inc, const watch_batch_t *b)
{
	const char *why = b->overflow ? "many changes" : NULL;
	size_t cap = b->n + inc->nlinks + 1; /* an item, and the pages and files that are links to it */
	size_t *pages = xcalloc(cap, sizeof *pages), *assets = xcalloc(cap, sizeof *assets);
	size_t np = 0, na = 0;
	inc_free_strs(inc->changed, inc->nchanged);
	inc->changed = NULL;
	inc->nchanged = 0;
	map_t seen = MAP_INIT;
	for (size_t i = 0; i < b->n; i++) {
		/* the changed file, then each page or file that is a link to it (incwatch_link_to) */
		size_t at = 0;
		for (const char *path = b->items[i].path; path; path = incwatch_link_to(inc, b->items[i].path, &at)) {
			long idx = -1;
			const char *w = NULL;
			int k = incwatch_classify(inc, path, path == b->items[i].path ? b->items[i].flags : 0, &idx, &w);
			if (k == INCWATCH_IGNORE)
				continue;
			/* named as the site names it: a page or file by its site path (a source's under its name),
			 * another file of a source as "<source>:<path>", as diagnostics name it */
			char *name = k == INCWATCH_PAGE	   ? xstrdup(inc->s->pages[idx].src)
				     : k == INCWATCH_ASSET ? xstrdup(inc->s->assets[idx].src)
							   : incwatch_name(inc, path);
			inc->changed = xrealloc(inc->changed, (inc->nchanged + 1) * sizeof *inc->changed);
			inc->changed[inc->nchanged++] = name;
			if (k == INCWATCH_FULL && !why)
				why = w;
			char key[32];
			snprintf(key, sizeof key, "%c%ld", k == INCWATCH_PAGE ? 'p' : 'a', idx);
			if (map_get(&seen, key, NULL))
				continue;
			map_put(&seen, key, MAP_INT(1));
			if (k == INCWATCH_PAGE)
				pages[np++] = (size_t)idx;
			else if (k == INCWATCH_ASSET)
				assets[na++] = (size_t)idx;
		}
	}
	map_free(&seen);
	if (!why && !np && !na && !b->overflow) {
		free(pages);
		free(assets);
		return 0; /* nothing the site is made from */
	}
	if (inc->need_full && !why)
		why = "retrying the last failed rebuild";
	if (!why) {
		const char *r = incremental(inc, pages, np, assets, na);
		if (r && !r[0]) { /* nothing actually changed */
			free(pages);
			free(assets);
			return 0;
		}
		why = r;
	}
	free(pages);
	free(assets);
	int incremental_done = !why;
	if (why) {
		int rc = full_rebuild(inc);
		inc->seq++;
		if (rc != 0) {
			incstat_update(inc, 1, 1);
			return 0;
		}
		incwatch_rewatch(inc); /* content folders, theme and config may have moved */
	} else {
		inc->seq++;
		clear_failure(inc);
	}
	settle(inc);
	if (incremental_done && !inc->search_pending && inc->o.verify && inc->srv)
		incverify_run(inc);
	incstat_update(inc, 1, 1);
	return 0;
}

int inc_busy(const inc_t *inc)
{
	return inc->search_pending || inc->job;
}

void inc_idle(inc_t *inc)
{
	if (inc->job) {
		if (!incjob_done(inc->job))
			return;
		if (incjob_finish(inc, 1)) {
			inc->seq++;
			int was_ok = inc->ok;
			settle(inc);
			if (inc->o.verify && inc->srv)
				incverify_run(inc);
			/* the pages did not change: no event unless the verdict did */
			incstat_update(inc, 0, was_ok != inc->ok || inc->verify_mismatches);
		}
	}
	if (inc->search_pending && !inc->job)
		incjob_start(inc);
}

void inc_close(inc_t *inc)
{
	if (!inc)
		return;
	if (inc->job)
		incjob_finish(inc, 0);
	watch_close(inc->w);
	model_free(inc);
	if (inc->first_dir) {
		fsu_remove_tree(inc->first_dir);
		free(inc->first_dir);
	}
	if (inc->pending_full) {
		fsu_remove_tree(inc->pending_full);
		free(inc->pending_full);
	}
	if (inc->staging) {
		fsu_remove_tree(inc->staging);
		free(inc->staging);
	}
	map_free(&inc->baseline);
	clear_failure(inc);
	diag_free(&inc->fail_diags);
	inc_free_strs(inc->changed, inc->nchanged);
	incwatch_free_paths(inc);
	free(inc->watch_sig);
	free(inc->isnew);
	free(inc->work);
	free(inc);
}
