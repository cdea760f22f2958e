/* dating.c - history and freshness applied to pages. See dating.h. */
#include "dating.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "config.h"
#include "cosmetic.h"
#include "freshness.h"
#include "history.h"
#include "publish.h"
#include "report.h"
#include "timing.h"

struct dating {
	pthread_t thread;
	int started;
	int status_only;      /* dating_start_status: no walk, only the uncommitted files */
	site_t *s;
	hist_t *h;
	const char **paths;
	const char **globs;
	size_t nglobs;
	hist_opts_t opts;
	int rc;
	int *wt;              /* per page: hist_worktree_status, computed on the thread */
	double walk_wall, walk_cpu, status_wall, status_cpu; /* ms, for ALMANAC_TIMING */
	int64_t points[REPORT_TREND_POINTS]; /* the trend's month ends (freshness.count: content) */
};

static double clock_ms(clockid_t id)
{
	struct timespec ts;
	if (clock_gettime(id, &ts) != 0)
		return 0;
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* Every page's worktree state (hist_worktree_status) into dt->wt: one rule for
 * "uncommitted", with or without git dates. */
static void collect_wt(dating_t *dt)
{
	dt->wt = xcalloc(dt->s->npages + 1, sizeof *dt->wt);
	for (size_t i = 0; i < dt->s->npages; i++)
		dt->wt[i] = hist_worktree_status(dt->h, dt->paths[i]);
}

/* The work tree's status could not be read: say so (uncommitted pages are not marked). */
static void status_warning(dating_t *dt)
{
	const char *why = hist_worktree_error(dt->h);
	if (why) {
		const char *wd = hist_workdir(dt->h);
		char *repo = xstrndup(wd, strlen(wd) > 1 ? strlen(wd) - 1 : strlen(wd)); /* no trailing '/' */
		diag_add(&dt->s->diags, DIAG_WARNING, repo, 0, 0, "history-status",
			 "the work tree's status was not read, so uncommitted pages are not marked: %s", why);
		free(repo);
	}
}

static void *walk_thread(void *arg)
{
	dating_t *dt = arg;
	double w0 = clock_ms(CLOCK_MONOTONIC), c0 = clock_ms(CLOCK_THREAD_CPUTIME_ID);
	if (dt->status_only) {
		/* a repository handle of this thread's own (libgit2 objects are not shared between
		 * threads); no walk. Not being in a repository is reported by the caller. */
		diag_list_t quiet;
		diag_init(&quiet);
		if (hist_open(&dt->h, dt->s->root, &quiet) == 0) {
			collect_wt(dt);
			status_warning(dt);
		}
		diag_free(&quiet);
		hist_free(dt->h);
		dt->h = NULL;
		dt->status_wall = clock_ms(CLOCK_MONOTONIC) - w0;
		dt->status_cpu = clock_ms(CLOCK_THREAD_CPUTIME_ID) - c0;
		return NULL;
	}
	dt->rc = hist_open(&dt->h, dt->s->root, &dt->s->diags);
	if (dt->rc == 0)
		dt->rc = hist_walk(dt->h, dt->paths, dt->s->npages, &dt->opts, &dt->s->diags);
	double w1 = clock_ms(CLOCK_MONOTONIC), c1 = clock_ms(CLOCK_THREAD_CPUTIME_ID);
	dt->walk_wall = w1 - w0;
	dt->walk_cpu = c1 - c0;
	/* the uncommitted files too, while the Markdown is still being rendered */
	if (dt->rc == 0) {
		collect_wt(dt);
		status_warning(dt);
		hist_release_objects(dt->h); /* the rest of the build only looks answers up */
	}
	dt->status_wall = clock_ms(CLOCK_MONOTONIC) - w1;
	dt->status_cpu = clock_ms(CLOCK_THREAD_CPUTIME_ID) - c1;
	return NULL;
}

/* hist_opts_t.content_canon: the page's rendered text, canonical (cosmetic.h) */
static char *content_canon(void *ctx, const char *path, const char *text, size_t len, size_t *out_len)
{
	(void)ctx;
	return cosmetic_canon(path, text, len, out_len);
}

static void start_thread(dating_t *dt)
{
	if (pthread_create(&dt->thread, NULL, walk_thread, dt) == 0)
		dt->started = 1;
	else
		walk_thread(dt);
}

/* A dating job for the pages of `s`: their paths, nothing started. */
static dating_t *dating_new(site_t *s)
{
	dating_t *dt = xcalloc(1, sizeof *dt);
	dt->s = s;
	dt->paths = xcalloc(s->npages + 1, sizeof *dt->paths);
	for (size_t i = 0; i < s->npages; i++)
		dt->paths[i] = s->pages[i].src;
	return dt;
}

int dating_start(dating_t **out, site_t *s)
{
	dating_t *dt = dating_new(s);
	for (size_t i = 0; i < s->npages; i++) {
		for (size_t k = 0; k < s->pages[i].fm.nwatches; k++) {
			dt->globs = xrealloc(dt->globs, (dt->nglobs + 1) * sizeof *dt->globs);
			dt->globs[dt->nglobs++] = s->pages[i].fm.watches[k];
		}
	}
	dt->opts.ignore_revs_file = s->cfg.ignore_revs;
	dt->opts.ignore_authors = (const char *const *)s->cfg.ignore_authors;
	dt->opts.n_ignore_authors = s->cfg.nignore_authors;
	dt->opts.watch_globs = dt->globs;
	dt->opts.n_watch_globs = dt->nglobs;
	dt->opts.use_author_date = s->cfg.use_author_date;
	/* the trend needs 12 month ends back from now */
	dt->opts.since = s->opts.trend ? s->opts.now - 400 * 86400LL : HIST_SINCE_LAST_ONLY;
	dt->opts.all_old_paths = 1;
	dt->opts.cache_dir = NULL;
	dt->opts.stop = pub_interrupt_flag(); /* Ctrl-C: the build stops, the walk need not finish */
	if (s->cfg.count_content) { /* freshness.count: content: cosmetic edits are not reviews */
		dt->opts.content_canon = content_canon;
		dt->opts.content_version = COSMETIC_VERSION;
		if (s->opts.trend) { /* only the trend's month ends are asked about past events */
			report_month_ends(s->opts.now, dt->points);
			dt->opts.points = dt->points;
			dt->opts.npoints = REPORT_TREND_POINTS;
		}
	}
	start_thread(dt);
	*out = dt;
	return 0;
}

int dating_start_status(dating_t **out, site_t *s)
{
	dating_t *dt = dating_new(s);
	dt->status_only = 1;
	start_thread(dt);
	*out = dt;
	return 0;
}

site_status_t dating_status(const site_t *s, int64_t basis, int64_t now, int interval, int *age, int *due_in)
{
	/* one policy for the pages, the trend and serve: freshness.c */
	fresh_input_t in = {.now = now, .interval_days = interval, .window_days = s->cfg.due_window,
			    .last_commit = basis};
	fresh_result_t r;
	fresh_status(&in, &r);
	*age = r.age_days;
	*due_in = r.due_in_days;
	return (site_status_t)r.status;
}

static int page_interval(const site_t *s, const site_page_t *p)
{
	if (p->fm.review_interval)
		return p->fm.review_interval;
	return config_interval_for(&s->cfg, p->type, p->fm.criticality);
}

static void set_uncommitted(site_page_t *p, int st)
{
	if (st == HIST_MODIFIED || st == HIST_UNTRACKED) {
		p->fresh.status = FRESH_UNCOMMITTED;
		p->untracked = st == HIST_UNTRACKED;
	}
}

static void apply_status(site_t *s, const int *wt);

void dating_finish(dating_t *dt, site_t *s)
{
	if (dt->started)
		pthread_join(dt->thread, NULL);
	if (dt->status_only) {
		if (timing_enabled())
			fprintf(stderr, "  history: status %.1f ms wall, %.1f ms cpu (no walk: --no-git-dates)\n",
				dt->status_wall, dt->status_cpu);
		apply_status(s, dt->wt);
		free(dt->wt);
		free(dt->paths);
		free(dt);
		return;
	}
	if (timing_enabled()) {
		hist_stats_t st;
		hist_stats(dt->h, &st);
		fprintf(stderr,
			"  history: walk %.1f ms wall, %.1f ms cpu, commits diffed %zu, cached %zu, results %s; "
			"status %.1f ms wall, %.1f ms cpu\n",
			dt->walk_wall, dt->walk_cpu, st.commits_diffed, st.commits_cached,
			st.results_cached ? "from the cache" : "computed", dt->status_wall, dt->status_cpu);
		if (s->cfg.count_content)
			fprintf(stderr, "  history: freshness.count: content: %zu changes compared (%zu cosmetic, %zu not "
					"readable), %zu page versions rendered\n",
				st.content_compared, st.content_cosmetic, st.content_unreadable, st.content_rendered);
	}
	hist_t *h = dt->h;
	s->hist = h;
	if (dt->rc != 0 || !h) {
		/* HIST_STOPPED: Ctrl-C, the build is abandoned anyway */
		s->history_failed = dt->rc != HIST_STOPPED;
		for (size_t i = 0; i < s->npages; i++) {
			s->pages[i].fresh.status = FRESH_UNKNOWN;
			s->pages[i].fresh.age_days = -1;
			s->pages[i].fresh.interval_days = page_interval(s, &s->pages[i]);
		}
		goto out;
	}
	s->shallow = hist_is_shallow(h);
	snprintf(s->head, sizeof s->head, "%s", hist_head(h));
	free(s->branch);
	s->branch = xstrdup(hist_branch(h));
	hist_ignored_counts(h, &s->ignored_revs, &s->ignored_authors, &s->ignored_renames);
	s->cosmetic_commits = hist_cosmetic_count(h);
	if (s->cfg.count_content) {
		hist_stats_t hs;
		hist_stats(h, &hs);
		if (hs.content_unreadable)
			diag_add(&s->diags, DIAG_WARNING, "almanac.yml", 0, 0, "history-content",
				 "freshness.count: content: %zu change%s to pages could not be compared (their files "
				 "are not in this repository: a partial clone?), so they count as reviews",
				 hs.content_unreadable, hs.content_unreadable == 1 ? "" : "s");
	}
	for (size_t i = 0; i < s->npages; i++) {
		site_page_t *p = &s->pages[i];
		site_fresh_t *f = &p->fresh;
		const hist_entry_t *e = hist_lookup(h, p->src);
		f->interval_days = page_interval(s, p);
		f->age_days = -1;
		f->status = FRESH_UNKNOWN;
		if (e && e->last.id[0] && !e->truncated) {
			f->has_commit = 1;
			memcpy(f->commit_id, e->last.id, 41);
			f->commit_time = e->last.time;
			f->author = xstrdup(e->last.author ? e->last.author : "");
			f->summary = xstrdup(e->last.summary ? e->last.summary : "");
		}
		if (e) {
			p->old_paths = xcalloc(e->nold + 1, sizeof *p->old_paths);
			for (size_t k = 0; k < e->nold; k++)
				p->old_paths[k] = xstrdup(e->old_paths[k]);
			p->nold = e->nold;
		}
		f->basis_time = s->cfg.basis_reviewed ? p->fm.reviewed : (f->has_commit ? f->commit_time : 0);
		if (f->basis_time) {
			f->status = dating_status(s, f->basis_time, s->opts.now, f->interval_days, &f->age_days,
						  &f->due_in_days);
		} else if (s->cfg.basis_reviewed && !(e && e->truncated)) {
			f->status = FRESH_STALE; /* basis: reviewed and no reviewed date */
		} else if (e && !e->truncated && !f->has_commit && (e->skipped_authors || e->skipped_revs)) {
			/* history says who touched it, and none of it counts (bots, ignore-revs): never
			 * reviewed by a person, which is stale, not unknown (unknown means no history) */
			f->status = FRESH_STALE;
			f->unreviewed = 1;
		}
		/* drift */
		for (size_t k = 0; k < p->fm.nwatches && f->has_commit; k++) {
			const hist_watch_t *w = hist_lookup_watch(h, p->fm.watches[k]);
			if (!w || !w->commit.id[0] || w->commit.time <= f->commit_time)
				continue;
			/* the watched change is newer than the page (checked above) and the page has gone
			 * unchanged for more than the grace period since: "docs updated within 5 business
			 * days of a material change" (fresh_drifted measures the business-day gap) */
			if (fresh_drifted(w->commit.time, s->opts.now, s->cfg.drift_grace_days)) {
				if (!f->drifted || w->commit.time > f->drift_time) {
					free(f->drift_path);
					f->drift_path = xstrdup(w->path ? w->path : w->glob);
					f->drift_time = w->commit.time;
				}
				f->drifted = 1;
			}
		}
		set_uncommitted(p, dt->wt[i]);
	}
out:
	free(dt->wt);
	free(dt->paths);
	free(dt->globs);
	free(dt);
}

/* Every page unknown, except uncommitted ones (`wt`: per page, hist_worktree_status;
 * NULL when the status could not be read). */
static void apply_status(site_t *s, const int *wt)
{
	for (size_t i = 0; i < s->npages; i++) {
		site_page_t *p = &s->pages[i];
		p->fresh.status = FRESH_UNKNOWN;
		p->fresh.age_days = -1;
		p->fresh.interval_days = page_interval(s, p);
		if (wt)
			set_uncommitted(p, wt[i]);
	}
}

void dating_release(site_t *s)
{
	hist_free(s->hist);
	s->hist = NULL;
}
