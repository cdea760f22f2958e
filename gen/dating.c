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
#include "parallel.h"
#include "report.h"
#include "sitesrc.h"
#include "timing.h"

/* One repository's job: the hub's, or a source's (site_source_t), with its own
 * walk, history cache and status. */
typedef struct {
	site_t *s;
	int source;           /* 0: the hub; k: s->sources[k - 1] */
	const char *root;     /* its work tree */
	const config_t *cfg;  /* the settings its pages follow (site_source_cfg) */
	size_t *idx;          /* its pages: indexes into s->pages */
	const char **paths;   /* their paths in the repository */
	size_t n;
	const char **globs;
	size_t nglobs;
	hist_opts_t opts;
	hist_t *h;
	int rc;
	int *wt;              /* per page of the job: hist_worktree_status, computed on the thread */
	int wt_kept;          /* wt is what the last build found (site_page_t.wt_recorded): not read */
	int wt_ok;            /* wt is the status (read, or kept): worth recording */
	double walk_wall, walk_cpu, status_wall, status_cpu; /* ms, for ALMANAC_TIMING */
	int64_t points[REPORT_TREND_POINTS]; /* the trend's month ends (freshness.count: content) */
} job_t;

struct dating {
	pthread_t thread;
	int started;
	int status_only;      /* dating_start_status: no walk, only the uncommitted files */
	site_t *s;
	job_t *jobs;          /* the hub's first, then each source's */
	size_t njobs;
};

static double clock_ms(clockid_t id)
{
	struct timespec ts;
	if (clock_gettime(id, &ts) != 0)
		return 0;
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* Every page's worktree state (hist_worktree_status) into j->wt: one rule for
 * "uncommitted", with or without git dates. */
static void collect_wt(job_t *j)
{
	j->wt = xcalloc(j->n + 1, sizeof *j->wt);
	/* every page as the last build found it, in a repository whose HEAD and index did not change: the
	 * repository's status is not read (pagerec.h) */
	int kept = j->n > 0;
	for (size_t i = 0; i < j->n && kept; i++)
		kept = j->s->pages[j->idx[i]].wt_recorded > 0;
	for (size_t i = 0; i < j->n && !pub_interrupted(); i++) /* Ctrl-C: the build ends, no answer is used */
		j->wt[i] = kept ? j->s->pages[j->idx[i]].wt_recorded - 1 : hist_worktree_status(j->h, j->paths[i]);
	j->wt_kept = kept;
	j->wt_ok = kept || (j->h && !hist_worktree_error(j->h));
}

/* Page i of job j's status as found, for its record (site_page_t.wt_status). */
static void note_wt(job_t *j, size_t i)
{
	j->s->pages[j->idx[i]].wt_status = j->wt && j->wt_ok ? j->wt[i] + 1 : 0;
}

/* The work tree's status could not be read: say so (uncommitted pages are not marked). */
static void status_warning(job_t *j)
{
	const char *why = hist_worktree_error(j->h);
	if (why) {
		const char *wd = hist_workdir(j->h);
		char *repo = xstrndup(wd, strlen(wd) > 1 ? strlen(wd) - 1 : strlen(wd)); /* no trailing '/' */
		diag_add(&j->s->diags, DIAG_WARNING, repo, 0, 0, "history-status",
			 "the work tree's status was not read, so uncommitted pages are not marked: %s", why);
		free(repo);
	}
}

static void run_status(job_t *j)
{
	double w0 = clock_ms(CLOCK_MONOTONIC), c0 = clock_ms(CLOCK_THREAD_CPUTIME_ID);
	/* a repository handle of this thread's own (libgit2 objects are not shared between
	 * threads); no walk. Not being in a repository is reported by the caller. */
	diag_list_t quiet;
	diag_init(&quiet);
	if (hist_open(&j->h, j->root, &quiet) == 0) {
		collect_wt(j);
		status_warning(j);
	}
	diag_free(&quiet);
	hist_free(j->h);
	j->h = NULL;
	j->status_wall = clock_ms(CLOCK_MONOTONIC) - w0;
	j->status_cpu = clock_ms(CLOCK_THREAD_CPUTIME_ID) - c0;
}

static void run_walk(job_t *j)
{
	double w0 = clock_ms(CLOCK_MONOTONIC), c0 = clock_ms(CLOCK_THREAD_CPUTIME_ID);
	j->rc = hist_open(&j->h, j->root, &j->s->diags);
	if (j->rc == 0)
		j->rc = hist_walk(j->h, j->paths, j->n, &j->opts, &j->s->diags);
	double w1 = clock_ms(CLOCK_MONOTONIC), c1 = clock_ms(CLOCK_THREAD_CPUTIME_ID);
	j->walk_wall = w1 - w0;
	j->walk_cpu = c1 - c0;
	/* the uncommitted files too, while the Markdown is still being rendered */
	if (j->rc == 0) {
		collect_wt(j);
		status_warning(j);
		hist_release_objects(j->h); /* the rest of the build only looks answers up */
	}
	j->status_wall = clock_ms(CLOCK_MONOTONIC) - w1;
	j->status_cpu = clock_ms(CLOCK_THREAD_CPUTIME_ID) - c1;
}

static void run_job(void *ud, size_t i)
{
	dating_t *dt = ud;
	if (dt->status_only)
		run_status(&dt->jobs[i]);
	else
		run_walk(&dt->jobs[i]);
}

/* The repositories' walks run beside the Markdown; several repositories (sources:)
 * walk in parallel, on as many threads as --jobs allows (separate packs: they scale). */
static void *walk_thread(void *arg)
{
	dating_t *dt = arg;
	par_for(dt->njobs, dt->s->opts.jobs > 0 ? dt->s->opts.jobs : 1, run_job, dt);
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

/* A dating job per repository (the hub, then each source) with its pages, nothing started. */
static dating_t *dating_new(site_t *s)
{
	dating_t *dt = xcalloc(1, sizeof *dt);
	dt->s = s;
	dt->njobs = 1 + s->nsources;
	dt->jobs = xcalloc(dt->njobs, sizeof *dt->jobs);
	for (size_t k = 0; k < dt->njobs; k++) {
		job_t *j = &dt->jobs[k];
		j->s = s;
		j->source = (int)k;
		j->root = k ? s->sources[k - 1].root : s->root;
		j->cfg = site_source_cfg(s, (int)k);
		j->idx = xcalloc(s->npages + 1, sizeof *j->idx);
		j->paths = xcalloc(s->npages + 1, sizeof *j->paths);
	}
	for (size_t i = 0; i < s->npages; i++) {
		job_t *j = &dt->jobs[s->pages[i].source];
		j->idx[j->n] = i;
		j->paths[j->n++] = site_page_repo_path(&s->pages[i]);
	}
	return dt;
}

static void job_free(job_t *j)
{
	free(j->idx);
	free(j->paths);
	free(j->globs);
	free(j->wt);
}

static void dating_free(dating_t *dt)
{
	for (size_t k = 0; k < dt->njobs; k++)
		job_free(&dt->jobs[k]);
	free(dt->jobs);
	free(dt);
}

int dating_start(dating_t **out, site_t *s)
{
	dating_t *dt = dating_new(s);
	for (size_t k = 0; k < dt->njobs; k++) {
		job_t *j = &dt->jobs[k];
		const config_t *cfg = j->cfg;
		for (size_t i = 0; i < j->n; i++) {
			const site_page_t *p = &s->pages[j->idx[i]];
			for (size_t w = 0; w < p->fm.nwatches; w++) {
				j->globs = xrealloc(j->globs, (j->nglobs + 1) * sizeof *j->globs);
				j->globs[j->nglobs++] = p->fm.watches[w];
			}
		}
		j->opts.ignore_revs_file = cfg->ignore_revs;
		j->opts.ignore_authors = (const char *const *)cfg->ignore_authors;
		j->opts.n_ignore_authors = cfg->nignore_authors;
		j->opts.watch_globs = j->globs;
		j->opts.n_watch_globs = j->nglobs;
		j->opts.use_author_date = cfg->use_author_date;
		/* the trend needs 12 month ends back from now */
		j->opts.since = s->opts.trend ? s->opts.now - 400 * 86400LL : HIST_SINCE_LAST_ONLY;
		j->opts.all_old_paths = 1;
		j->opts.cache_dir = NULL;
		j->opts.stop = pub_interrupt_flag(); /* Ctrl-C: the build stops, the walk need not finish */
		if (cfg->count_content) { /* freshness.count: content: cosmetic edits are not reviews */
			j->opts.content_canon = content_canon;
			j->opts.content_version = COSMETIC_VERSION;
			if (s->opts.trend) { /* only the trend's month ends are asked about past events */
				report_month_ends(s->opts.now, j->points);
				j->opts.points = j->points;
				j->opts.npoints = REPORT_TREND_POINTS;
			}
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

site_status_t dating_status_cfg(const config_t *cfg, int64_t basis, int64_t now, int interval, int *age,
				int *due_in)
{
	/* one policy for the pages, the trend and serve: freshness.c */
	fresh_input_t in = {.now = now, .interval_days = interval, .window_days = cfg->due_window,
			    .last_commit = basis};
	fresh_result_t r;
	fresh_status(&in, &r);
	*age = r.age_days;
	*due_in = r.due_in_days;
	return (site_status_t)r.status;
}

site_status_t dating_status(const site_t *s, int64_t basis, int64_t now, int interval, int *age, int *due_in)
{
	return dating_status_cfg(&s->cfg, basis, now, interval, age, due_in);
}

int dating_basis_reviewed(const config_t *cfg, const site_page_t *p)
{
	return cfg->basis_reviewed || (!cfg->basis_set && p->fm.review_dated);
}

void dating_page_status(const site_t *s, site_page_t *p, const hist_entry_t *e)
{
	site_fresh_t *f = &p->fresh;
	const config_t *cfg = site_source_cfg(s, p->source);
	f->interval_days = dating_page_interval(s, p);
	f->age_days = -1;
	f->status = FRESH_UNKNOWN;
	f->unreviewed = 0;
	int by_review = dating_basis_reviewed(cfg, p);
	f->basis_time = by_review ? p->fm.reviewed : (f->has_commit ? f->commit_time : 0);
	if (f->basis_time) {
		f->status = dating_status_cfg(cfg, f->basis_time, s->opts.now, f->interval_days, &f->age_days,
					      &f->due_in_days);
	} else if (by_review && !(e && e->truncated)) {
		f->status = FRESH_STALE; /* basis: reviewed and no reviewed date */
	} else if (e && !e->truncated && !f->has_commit && (e->skipped_authors || e->skipped_revs)) {
		/* history says who touched it, and none of it counts (bots, ignore-revs): never
		 * reviewed by a person, which is stale, not unknown (unknown means no history) */
		f->status = FRESH_STALE;
		f->unreviewed = 1;
	}
}

int dating_page_interval(const site_t *s, const site_page_t *p)
{
	if (p->fm.review_interval)
		return p->fm.review_interval;
	return config_interval_for(site_source_cfg(s, p->source), p->type, p->fm.criticality);
}

static void set_uncommitted(site_page_t *p, int st)
{
	if (st == HIST_MODIFIED || st == HIST_UNTRACKED) {
		p->fresh.status = FRESH_UNCOMMITTED;
		p->untracked = st == HIST_UNTRACKED;
	}
}

/* The pages of a job without history: unknown, except uncommitted ones (`wt`: per page of
 * the job, hist_worktree_status; NULL when the status could not be read). */
static void apply_status(job_t *j)
{
	site_t *s = j->s;
	for (size_t i = 0; i < j->n; i++) {
		site_page_t *p = &s->pages[j->idx[i]];
		p->fresh.status = FRESH_UNKNOWN;
		p->fresh.age_days = -1;
		p->fresh.interval_days = dating_page_interval(s, p);
		if (j->wt)
			set_uncommitted(p, j->wt[i]);
		note_wt(j, i);
	}
}

static void print_timing(const job_t *j)
{
	const char *who = j->source ? j->s->sources[j->source - 1].name : "";
	if (!j->h) {
		fprintf(stderr, "  history%s%s: status %.1f ms wall, %.1f ms cpu (no walk: --no-git-dates)\n",
			who[0] ? " " : "", who, j->status_wall, j->status_cpu);
		return;
	}
	hist_stats_t st;
	hist_stats(j->h, &st);
	fprintf(stderr,
		"  history%s%s: walk %.1f ms wall, %.1f ms cpu, commits diffed %zu, cached %zu, results %s; "
		"status %.1f ms wall, %.1f ms cpu\n",
		who[0] ? " " : "", who, j->walk_wall, j->walk_cpu, st.commits_diffed, st.commits_cached,
		st.results_cached ? "from the cache" : "computed", j->status_wall, j->status_cpu);
	if (j->cfg->count_content)
		fprintf(stderr, "  history: freshness.count: content: %zu changes compared (%zu cosmetic, %zu not "
				"readable), %zu page versions rendered\n",
			st.content_compared, st.content_cosmetic, st.content_unreadable, st.content_rendered);
}

/* The answers of one repository's walk applied to its pages; the repository's own facts
 * (head, branch, shallow, ignored counts) go to the site (the hub) or its source. */
static void apply_walk(job_t *j)
{
	site_t *s = j->s;
	const config_t *cfg = j->cfg;
	hist_t *h = j->h;
	site_source_t *src = j->source ? &s->sources[j->source - 1] : NULL;
	if (src)
		src->hist = h;
	else
		s->hist = h;
	if (j->rc != 0 || !h) {
		/* HIST_STOPPED: Ctrl-C, the build is abandoned anyway */
		int failed = j->rc != HIST_STOPPED;
		if (src)
			src->history_failed = failed;
		else
			s->history_failed = failed;
		for (size_t i = 0; i < j->n; i++) {
			site_page_t *p = &s->pages[j->idx[i]];
			p->fresh.status = FRESH_UNKNOWN;
			p->fresh.age_days = -1;
			p->fresh.interval_days = dating_page_interval(s, p);
		}
		return;
	}
	if (src) {
		src->shallow = hist_is_shallow(h);
		snprintf(src->head, sizeof src->head, "%s", hist_head(h));
		hist_ignored_counts(h, &src->ignored_revs, &src->ignored_authors, &src->ignored_renames);
		src->cosmetic_commits = hist_cosmetic_count(h);
	} else {
		s->shallow = hist_is_shallow(h);
		snprintf(s->head, sizeof s->head, "%s", hist_head(h));
		free(s->branch);
		s->branch = xstrdup(hist_branch(h));
		hist_ignored_counts(h, &s->ignored_revs, &s->ignored_authors, &s->ignored_renames);
		s->cosmetic_commits = hist_cosmetic_count(h);
	}
	hist_stats_t hs;
	hist_stats(h, &hs);
	s->history_partial |= hs.renames_unreadable || hs.content_unreadable;
	if (hs.renames_unreadable) {
		diag_add(&s->diags, DIAG_WARNING, hist_label(h), 0, 0, "history-renames",
			 "this partial clone left out file contents older commits need: %zu commit%s renamed and "
			 "edited files whose renames were not followed, so those pages' history starts there (their "
			 "old addresses are not redirected); a clone without --filter follows them",
			 hs.renames_unreadable, hs.renames_unreadable == 1 ? "" : "s");
	}
	if (cfg->count_content) {
		if (hs.content_unreadable) {
			char *where = src ? xasprintf("%s:almanac.yml", src->name) : xstrdup("almanac.yml");
			diag_add(&s->diags, DIAG_WARNING, where, 0, 0, "history-content",
				 "freshness.count: content: %zu change%s to pages could not be compared (their files "
				 "are not in this repository: a partial clone?), so they count as reviews",
				 hs.content_unreadable, hs.content_unreadable == 1 ? "" : "s");
			free(where);
		}
	}
	for (size_t i = 0; i < j->n; i++) {
		site_page_t *p = &s->pages[j->idx[i]];
		site_fresh_t *f = &p->fresh;
		const hist_entry_t *e = hist_lookup(h, j->paths[i]);
		if (e && e->last.id[0] && !e->truncated) {
			f->has_commit = 1;
			memcpy(f->commit_id, e->last.id, 41);
			f->commit_time = e->last.time;
			f->author = xstrdup(e->last.author ? e->last.author : "");
			f->summary = xstrdup(e->last.summary ? e->last.summary : "");
		}
		if (e) { /* old paths in the page's repository, as site paths (redirects) */
			p->old_paths = xcalloc(e->nold + 1, sizeof *p->old_paths);
			for (size_t k = 0; k < e->nold; k++) {
				char *old = src ? sitesrc_site_path(s, j->source, e->old_paths[k]) : xstrdup(e->old_paths[k]);
				if (old)
					p->old_paths[p->nold++] = old;
			}
		}
		dating_page_status(s, p, e);
		/* drift */
		for (size_t k = 0; k < p->fm.nwatches && f->has_commit; k++) {
			const hist_watch_t *w = hist_lookup_watch(h, p->fm.watches[k]);
			if (!w || !w->commit.id[0] || w->commit.time <= f->commit_time)
				continue;
			/* the watched change is newer than the page (checked above) and the page has gone
			 * unchanged for more than the grace period since: "docs updated within 5 business
			 * days of a material change" (fresh_drifted measures the business-day gap) */
			if (fresh_drifted(w->commit.time, s->opts.now, cfg->drift_grace_days)) {
				if (!f->drifted || w->commit.time > f->drift_time) {
					free(f->drift_path);
					f->drift_path = xstrdup(w->path ? w->path : w->glob);
					f->drift_time = w->commit.time;
				}
				f->drifted = 1;
			}
		}
		set_uncommitted(p, j->wt[i]);
		note_wt(j, i);
	}
}

void dating_finish(dating_t *dt, site_t *s)
{
	if (dt->started)
		pthread_join(dt->thread, NULL);
	size_t kept = 0;
	for (size_t k = 0; k < dt->njobs; k++) {
		job_t *j = &dt->jobs[k];
		if (timing_enabled())
			print_timing(j);
		kept += j->wt_kept;
		if (dt->status_only)
			apply_status(j);
		else
			apply_walk(j);
	}
	if (timing_enabled())
		fprintf(stderr, "  work-tree status: %zu of %zu repositories as the last build found them\n", kept,
			dt->njobs);
	(void)s;
	dating_free(dt);
}

struct hist *dating_hist_of(const site_t *s, const site_page_t *p)
{
	if (p->source > 0 && (size_t)p->source <= s->nsources)
		return s->sources[p->source - 1].hist;
	return s->hist;
}

void dating_release(site_t *s)
{
	hist_free(s->hist);
	s->hist = NULL;
	for (size_t k = 0; k < s->nsources; k++) {
		hist_free(s->sources[k].hist);
		s->sources[k].hist = NULL;
	}
}
