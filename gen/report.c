/* report.c - the freshness report: computation, JSON and the site page's
 * context. Text, CSV and HTML are in report_render.c. See report.h. */
#include "report.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dating.h"
#include "fsutil.h"
#include "history.h"
#include "json.h"
#include "layout.h"
#include "runbookurl.h"
#include "svgchart.h"
#include "timefmt.h"

static int published(const site_t *s, const site_page_t *p)
{
	return !(p->draft && !s->opts.drafts);
}

static double pct(size_t num, size_t den)
{
	return den ? (double)num * 100.0 / (double)den : 0.0;
}

static int is_fresh(site_status_t st)
{
	return st == FRESH_FRESH || st == FRESH_DUE;
}

static void group_add(report_groups_t *g, map_t *index, const char *name, int fresh)
{
	void *v;
	if (map_get(index, name, &v)) {
		report_group_t *it = &g->items[MAP_AS_INT(v)];
		it->documents++;
		it->fresh += (size_t)fresh;
		return;
	}
	map_put(index, name, MAP_INT(g->n));
	g->items = xrealloc(g->items, (g->n + 1) * sizeof *g->items);
	g->items[g->n].name = xstrdup(name);
	g->items[g->n].documents = 1;
	g->items[g->n].fresh = (size_t)fresh;
	g->n++;
}

static int cmp_group(const void *a, const void *b)
{
	return strcmp(((const report_group_t *)a)->name, ((const report_group_t *)b)->name);
}

static void group_finish(report_groups_t *g, map_t *index)
{
	if (g->n)
		qsort(g->items, g->n, sizeof *g->items, cmp_group);
	for (size_t i = 0; i < g->n; i++)
		g->items[i].fresh_percent = pct(g->items[i].fresh, g->items[i].documents);
	map_free(index);
}

/* qsort has no context argument: the attention sort reads the pages through this. */
typedef struct {
	long idx;
	int due_in;
	const char *src;
} att_key_t;

static int cmp_attention(const void *a, const void *b)
{
	const att_key_t *x = a, *y = b;
	if (x->due_in != y->due_in)
		return x->due_in < y->due_in ? -1 : 1;
	return strcmp(x->src, y->src);
}

static char *section_of(const site_t *s, const site_page_t *p)
{
	/* the top-level folder under the home folder, else the first path segment */
	const char *src = p->src;
	size_t hl = s->home_dir ? strlen(s->home_dir) : 0;
	if (hl && !strncmp(src, s->home_dir, hl) && src[hl] == '/')
		src += hl + 1;
	const char *slash = strchr(src, '/');
	if (slash)
		return xstrndup(src, (size_t)(slash - src));
	/* directly in the home folder: that folder; at the repository root: "(top)" */
	return src != p->src ? xstrdup(s->home_dir) : xstrdup("(top)");
}

void report_month_ends(int64_t now, int64_t out[REPORT_TREND_POINTS])
{
	int y, m, d;
	int64_t day = now / 86400 - (now % 86400 < 0); /* floor for instants before 1970 */
	tf_civil_from_days(day, &y, &m, &d);
	for (int k = REPORT_TREND_POINTS; k >= 1; k--) {
		int yy = y, mm = m - k + 1; /* the month after the month end */
		while (mm <= 0) {
			mm += 12;
			yy--;
		}
		out[REPORT_TREND_POINTS - k] = tf_days_from_civil(yy, mm, 1) * 86400 - 1;
	}
}

/* Add page `p` to the trend points `pts` (ntrend of them, their times set). */
static void trend_page(report_point_t *pts, size_t ntrend, const site_t *s, const site_page_t *p)
{
	const struct hist *h = dating_hist_of(s, p);
	if (!h)
		return; /* its repository has no history (a walk that failed): not in the trend */
	const config_t *cfg = site_source_cfg(s, p->source);
	const hist_entry_t *e = hist_lookup(h, site_page_repo_path(p));
	for (size_t k = 0; k < ntrend; k++) {
		report_point_t *pt = &pts[k];
		int64_t t = pt->time, last = 0;
		int st = e ? hist_entry_at(e, t, &last) : -1;
		if (st < 0 && p->untracked && (!e || !e->nevents))
			st = 0; /* never committed: it did not exist */
		if (st == 0)
			continue; /* did not exist at t */
		pt->documents++;
		if (st < 0) {
			pt->unknown++;
			continue;
		}
		int64_t basis = last;
		if (dating_basis_reviewed(cfg, p))
			basis = p->fm.reviewed && p->fm.reviewed <= t ? p->fm.reviewed : 0;
		if (!basis)
			continue; /* no counting commit yet (or never reviewed): not fresh */
		int age, due;
		if (is_fresh(dating_status_cfg(cfg, basis, t, p->fresh.interval_days, &age, &due)))
			pt->fresh++;
	}
}

static void compute_trend(report_t *r, const site_t *s)
{
	if (!s->hist || !s->opts.trend)
		return;
	int64_t ends[REPORT_TREND_POINTS];
	report_month_ends(s->opts.now, ends);
	for (size_t k = 0; k < REPORT_TREND_POINTS; k++) {
		report_point_t *pt = &r->trend[r->ntrend++];
		pt->time = ends[k];
		tf_format_date(pt->date, sizeof pt->date, ends[k]);
	}
	if (s->nsources) {
		r->source_trend = xcalloc(s->nsources + 1, sizeof *r->source_trend);
		for (size_t j = 0; j <= s->nsources; j++)
			memcpy(r->source_trend[j], r->trend, sizeof r->trend);
	}
	for (size_t i = 0; i < r->ndocs; i++) {
		const site_page_t *p = &s->pages[r->docs[i]];
		trend_page(r->trend, r->ntrend, s, p);
		if (r->source_trend)
			trend_page(r->source_trend[p->source], r->ntrend, s, p);
	}
	for (size_t k = 0; k < r->ntrend; k++) {
		r->trend[k].fresh_percent = pct(r->trend[k].fresh, r->trend[k].documents);
		for (size_t j = 0; r->source_trend && j <= s->nsources; j++)
			r->source_trend[j][k].fresh_percent =
				pct(r->source_trend[j][k].fresh, r->source_trend[j][k].documents);
	}
}

void report_compute(report_t *r, const site_t *s)
{
	memset(r, 0, sizeof *r);
	r->target = s->cfg.target;
	r->docs = xcalloc(s->npages + 1, sizeof *r->docs);
	att_key_t *att = xcalloc(s->npages + 1, sizeof *att);
	map_t gi[5] = {MAP_INIT, MAP_INIT, MAP_INIT, MAP_INIT, MAP_INIT};
	for (size_t i = 0; i < s->npages; i++) {
		const site_page_t *p = &s->pages[i];
		if (!published(s, p))
			continue;
		r->docs[r->ndocs++] = (long)i;
		r->documents++;
		int fr = is_fresh(p->fresh.status);
		switch (p->fresh.status) {
		case FRESH_FRESH: r->fresh++; break;
		case FRESH_DUE: r->due++; break;
		case FRESH_STALE: r->stale++; break;
		case FRESH_UNCOMMITTED: r->uncommitted++; break;
		case FRESH_UNKNOWN: r->unknown++; break;
		}
		r->drifted += p->fresh.drifted != 0;
		group_add(&r->by_owner, &gi[0], p->owner && *p->owner ? p->owner : "(none)", fr);
		group_add(&r->by_type, &gi[1], p->type ? p->type : "(none)", fr);
		group_add(&r->by_criticality, &gi[2],
			  p->fm.criticality && *p->fm.criticality ? p->fm.criticality : "(none)", fr);
		char *sec = section_of(s, p);
		group_add(&r->by_section, &gi[3], sec, fr);
		free(sec);
		if (s->nsources)
			group_add(&r->by_source, &gi[4], p->source ? site_source_name(s, p->source) : "(hub)", fr);
		if (p->fresh.status == FRESH_STALE || p->fresh.status == FRESH_DUE || p->fresh.drifted) {
			att[r->nattention].idx = (long)i;
			/* never reviewed by a person: the most overdue of all */
			att[r->nattention].due_in = p->fresh.unreviewed ? INT_MIN : p->fresh.due_in_days;
			att[r->nattention].src = p->src;
			r->nattention++;
		}
	}
	group_finish(&r->by_owner, &gi[0]);
	group_finish(&r->by_type, &gi[1]);
	group_finish(&r->by_criticality, &gi[2]);
	group_finish(&r->by_section, &gi[3]);
	group_finish(&r->by_source, &gi[4]);
	r->fresh_percent = pct(r->fresh + r->due, r->documents);
	r->meets_target = r->fresh_percent >= r->target;
	qsort(att, r->nattention, sizeof *att, cmp_attention);
	r->attention = xcalloc(r->nattention + 1, sizeof *r->attention);
	for (size_t i = 0; i < r->nattention; i++)
		r->attention[i] = att[i].idx;
	free(att);
	r->uncovered = xcalloc(s->nalerts + 1, sizeof *r->uncovered);
	r->not_in_catalog = xcalloc(s->nalerts + 1, sizeof *r->not_in_catalog);
	for (size_t i = 0; i < s->nalerts; i++) {
		const site_alert_t *a = &s->alerts[i];
		if (a->in_catalog) {
			r->alerts_catalog++;
			if (a->npages)
				r->alerts_covered++;
			else
				r->uncovered[r->nuncovered++] = a->name;
		} else if (s->have_catalog && a->npages) {
			r->not_in_catalog[r->nnot_in_catalog++] = a->name;
		}
	}
	r->coverage_percent = pct(r->alerts_covered, r->alerts_catalog);
	r->coverage_known = r->alerts_catalog > 0;
	r->rb_broken = xcalloc(s->nrbchecks + 1, sizeof *r->rb_broken);
	r->rb_moved = xcalloc(s->nrbchecks + 1, sizeof *r->rb_moved);
	r->rb_missing = xcalloc(s->nrbchecks + 1, sizeof *r->rb_missing);
	r->rb_forge = xcalloc(s->nrbchecks + 1, sizeof *r->rb_forge);
	for (size_t i = 0; i < s->nrbchecks; i++) {
		switch (s->rbchecks[i].status) {
		case SITE_RB_OK: r->rb_checked++; r->rb_ok++; break;
		case SITE_RB_MOVED: r->rb_checked++; r->rb_ok++; r->rb_moved[r->nrb_moved++] = i; break;
		case SITE_RB_BROKEN: r->rb_checked++; r->rb_broken[r->nrb_broken++] = i; break;
		case SITE_RB_MISSING: r->rb_missing[r->nrb_missing++] = i; break;
		case SITE_RB_EXTERNAL: r->rb_external += s->rules.rules[s->rbchecks[i].rule].runbook_url != NULL; break;
		case SITE_RB_FORGE: r->rb_checked++; r->rb_ok++; r->rb_forge[r->nrb_forge++] = i; break;
		}
	}
	compute_trend(r, s);
}

void report_free(report_t *r)
{
	if (!r)
		return;
	report_groups_t *gs[] = {&r->by_owner, &r->by_type, &r->by_criticality, &r->by_section, &r->by_source};
	for (size_t k = 0; k < 5; k++) {
		for (size_t i = 0; i < gs[k]->n; i++)
			free(gs[k]->items[i].name);
		free(gs[k]->items);
	}
	free(r->uncovered);
	free(r->not_in_catalog);
	free(r->rb_broken);
	free(r->rb_moved);
	free(r->rb_missing);
	free(r->rb_forge);
	free(r->attention);
	free(r->docs);
	free(r->source_trend);
	memset(r, 0, sizeof *r);
}

/* ---- JSON ---- */

static void json_trend(json_writer_t *w, const report_point_t *pts, size_t n)
{
	json_begin_array(w);
	for (size_t i = 0; i < n; i++) {
		const report_point_t *pt = &pts[i];
		json_begin_object(w);
		json_key(w, "date"); json_string(w, pt->date);
		json_key(w, "documents"); json_int(w, (long long)pt->documents);
		json_key(w, "fresh_percent"); json_fixed1(w, pt->fresh_percent);
		json_key(w, "fresh"); json_int(w, (long long)pt->fresh);
		json_key(w, "unknown"); json_int(w, (long long)pt->unknown);
		json_end_object(w);
	}
	json_end_array(w);
}

static void json_groups(json_writer_t *w, const char *key, const report_groups_t *g, double target)
{
	json_key(w, key);
	json_begin_array(w);
	for (size_t i = 0; i < g->n; i++) {
		json_begin_object(w);
		json_key(w, "name"); json_string(w, g->items[i].name);
		json_key(w, "documents"); json_int(w, (long long)g->items[i].documents);
		json_key(w, "fresh_percent"); json_fixed1(w, g->items[i].fresh_percent);
		json_key(w, "meets_target"); json_bool(w, g->items[i].fresh_percent >= target);
		json_end_object(w);
	}
	json_end_array(w);
}

static void json_number_compact(json_writer_t *w, double v)
{
	if (v == floor(v) && fabs(v) < 1e15)
		json_int(w, (long long)v);
	else
		json_double(w, v);
}

/* One entry of a runbook_urls list: the rule's alert, file and position, and a URL. */
static void json_rbcheck(json_writer_t *w, const site_t *s, size_t i, const char *url_key, int with_suggestion)
{
	const site_rbcheck_t *c = &s->rbchecks[i];
	const rules_rule_t *rule = &s->rules.rules[c->rule];
	json_begin_object(w);
	json_key(w, "alert"); json_string(w, rule->alert);
	if (url_key) {
		json_key(w, url_key); json_string(w, rule->runbook_url ? rule->runbook_url : "");
	}
	json_key(w, "file"); json_string(w, s->rules.files[rule->file].display);
	json_key(w, "line"); json_int(w, rule->runbook_url ? rule->url_line : rule->line);
	json_key(w, "col"); json_int(w, rule->runbook_url ? rule->url_col : rule->col);
	if (with_suggestion) {
		json_key(w, url_key ? "suggestion" : "url");
		if (c->suggest) {
			char *u = runbookurl_suggestion(c, s->cfg.base_url);
			json_string(w, u);
			free(u);
		} else {
			json_null(w);
		}
	}
	json_end_object(w);
}

static void json_runbook_urls(json_writer_t *w, const report_t *r, const site_t *s)
{
	json_key(w, "runbook_urls");
	json_begin_object(w);
	json_key(w, "checked"); json_int(w, (long long)r->rb_checked);
	json_key(w, "ok"); json_int(w, (long long)r->rb_ok);
	json_key(w, "broken");
	json_begin_array(w);
	for (size_t i = 0; i < r->nrb_broken; i++)
		json_rbcheck(w, s, r->rb_broken[i], "url", 1);
	json_end_array(w);
	json_key(w, "moved");
	json_begin_array(w);
	for (size_t i = 0; i < r->nrb_moved; i++)
		json_rbcheck(w, s, r->rb_moved[i], "url", 1);
	json_end_array(w);
	json_key(w, "missing");
	json_begin_array(w);
	for (size_t i = 0; i < r->nrb_missing; i++)
		json_rbcheck(w, s, r->rb_missing[i], NULL, 1);
	json_end_array(w);
	json_key(w, "forge");
	json_begin_array(w);
	for (size_t i = 0; i < r->nrb_forge; i++)
		json_rbcheck(w, s, r->rb_forge[i], "url", 1);
	json_end_array(w);
	json_key(w, "external"); json_int(w, (long long)r->rb_external);
	json_end_object(w);
}

void report_write_json(const report_t *r, const site_t *s, buf_t *out)
{
	json_writer_t w;
	json_init(&w, out, 1);
	char ts[40];
	json_begin_object(&w);
	json_key(&w, "schema"); json_string(&w, "almanac.report/1");
	tf_format_rfc3339(ts, sizeof ts, s->opts.now);
	json_key(&w, "generated_at"); json_string(&w, ts);
	json_key(&w, "repository");
	json_begin_object(&w);
	json_key(&w, "head"); json_string(&w, s->head);
	json_key(&w, "branch"); json_string(&w, s->branch ? s->branch : "");
	json_key(&w, "shallow"); json_bool(&w, s->shallow);
	json_key(&w, "layout"); json_string(&w, layout_name(s->layout.kind)); /* layout.h */
	json_key(&w, "ignored_commits");
	json_begin_object(&w);
	json_key(&w, "ignore_revs"); json_int(&w, (long long)s->ignored_revs);
	json_key(&w, "ignored_authors"); json_int(&w, (long long)s->ignored_authors);
	json_key(&w, "pure_renames"); json_int(&w, (long long)s->ignored_renames);
	json_end_object(&w);
	if (s->cfg.count_content) { /* freshness.count: content only: the default output is unchanged */
		json_key(&w, "cosmetic_commits"); json_int(&w, (long long)s->cosmetic_commits);
	}
	if (s->nsources) { /* a multi-repository site: each source's own repository */
		json_key(&w, "sources");
		json_begin_array(&w);
		for (size_t k = 0; k < s->nsources; k++) {
			const site_source_t *src = &s->sources[k];
			json_begin_object(&w);
			json_key(&w, "name"); json_string(&w, src->name);
			json_key(&w, "repo"); json_string(&w, src->public_url);
			json_key(&w, "path"); json_string(&w, src->path_from_layout ? "" : src->path); /* as configured */
			json_key(&w, "layout"); json_string(&w, layout_name(src->layout.kind)); /* its own (sitelayout.h) */
			json_key(&w, "head"); json_string(&w, src->head[0] ? src->head : src->commit);
			json_key(&w, "branch"); json_string(&w, src->branch);
			json_key(&w, "shallow"); json_bool(&w, src->shallow);
			json_key(&w, "in_place"); json_bool(&w, src->in_place);
			json_key(&w, "from_cache"); json_bool(&w, src->from_cache);
			json_key(&w, "history_failed"); json_bool(&w, src->history_failed);
			json_key(&w, "ignored_commits");
			json_begin_object(&w);
			json_key(&w, "ignore_revs"); json_int(&w, (long long)src->ignored_revs);
			json_key(&w, "ignored_authors"); json_int(&w, (long long)src->ignored_authors);
			json_key(&w, "pure_renames"); json_int(&w, (long long)src->ignored_renames);
			json_end_object(&w);
			json_end_object(&w);
		}
		json_end_array(&w);
	}
	json_end_object(&w);
	json_key(&w, "target_percent"); json_number_compact(&w, r->target);
	json_key(&w, "summary");
	json_begin_object(&w);
	json_key(&w, "documents"); json_int(&w, (long long)r->documents);
	json_key(&w, "fresh"); json_int(&w, (long long)r->fresh);
	json_key(&w, "due"); json_int(&w, (long long)r->due);
	json_key(&w, "stale"); json_int(&w, (long long)r->stale);
	json_key(&w, "uncommitted"); json_int(&w, (long long)r->uncommitted);
	json_key(&w, "unknown"); json_int(&w, (long long)r->unknown);
	json_key(&w, "drifted"); json_int(&w, (long long)r->drifted);
	json_key(&w, "fresh_percent"); json_fixed1(&w, r->fresh_percent);
	json_key(&w, "meets_target"); json_bool(&w, r->meets_target);
	json_end_object(&w);
	json_key(&w, "groups");
	json_begin_object(&w);
	json_groups(&w, "owner", &r->by_owner, r->target);
	json_groups(&w, "type", &r->by_type, r->target);
	json_groups(&w, "criticality", &r->by_criticality, r->target);
	json_groups(&w, "section", &r->by_section, r->target);
	if (s->nsources)
		json_groups(&w, "source", &r->by_source, r->target);
	json_end_object(&w);
	json_key(&w, "trend");
	json_trend(&w, r->trend, r->ntrend);
	if (r->source_trend) { /* a multi-repository site: the same series per repository */
		json_key(&w, "trend_by_source");
		json_begin_object(&w);
		for (size_t k = 0; k <= s->nsources; k++) {
			json_key(&w, k ? site_source_name(s, (int)k) : "(hub)");
			json_trend(&w, r->source_trend[k], r->ntrend);
		}
		json_end_object(&w);
	}
	json_key(&w, "alerts");
	json_begin_object(&w);
	json_key(&w, "catalog"); json_int(&w, (long long)r->alerts_catalog);
	json_key(&w, "covered"); json_int(&w, (long long)r->alerts_covered);
	json_key(&w, "coverage_percent");
	if (r->coverage_known) json_fixed1(&w, r->coverage_percent); else json_null(&w);
	json_key(&w, "uncovered");
	json_begin_array(&w);
	for (size_t i = 0; i < r->nuncovered; i++)
		json_string(&w, r->uncovered[i]);
	json_end_array(&w);
	json_key(&w, "not_in_catalog");
	json_begin_array(&w);
	for (size_t i = 0; i < r->nnot_in_catalog; i++)
		json_string(&w, r->not_in_catalog[i]);
	json_end_array(&w);
	json_runbook_urls(&w, r, s);
	json_end_object(&w);
	json_key(&w, "documents");
	json_begin_array(&w);
	for (size_t i = 0; i < r->ndocs; i++) {
		const site_page_t *p = &s->pages[r->docs[i]];
		const site_fresh_t *f = &p->fresh;
		json_begin_object(&w);
		json_key(&w, "path"); json_string(&w, p->src);
		json_key(&w, "url");
		char *url = fsu_url_escape(p->url);
		json_string(&w, url);
		free(url);
		json_key(&w, "title"); json_string(&w, p->title ? p->title : "");
		json_key(&w, "type"); json_string(&w, p->type ? p->type : "");
		json_key(&w, "owner"); json_string(&w, p->owner ? p->owner : "");
		json_key(&w, "criticality"); json_string(&w, p->fm.criticality ? p->fm.criticality : "");
		json_key(&w, "review_interval_days"); json_int(&w, f->interval_days);
		json_key(&w, "last_commit");
		if (f->has_commit) {
			json_begin_object(&w);
			json_key(&w, "id"); json_string(&w, f->commit_id);
			tf_format_rfc3339(ts, sizeof ts, f->commit_time);
			json_key(&w, "time"); json_string(&w, ts);
			json_key(&w, "author"); json_string(&w, f->author ? f->author : "");
			json_key(&w, "summary"); json_string(&w, f->summary ? f->summary : "");
			json_end_object(&w);
		} else {
			json_null(&w);
		}
		json_key(&w, "age_days");
		if (f->age_days >= 0) json_int(&w, f->age_days); else json_null(&w);
		json_key(&w, "due_in_days");
		if (f->age_days >= 0) json_int(&w, f->due_in_days); else json_null(&w);
		json_key(&w, "status"); json_string(&w, site_status_name(f->status));
		json_key(&w, "drifted"); json_bool(&w, f->drifted);
		if (f->unreviewed) {
			json_key(&w, "unreviewed"); json_bool(&w, 1);
		}
		json_key(&w, "owner_source"); json_string(&w, p->owner_source ? p->owner_source : "none");
		if (s->nsources) {
			json_key(&w, "source"); json_string(&w, site_source_name(s, p->source));
		}
		json_key(&w, "owners");
		json_begin_array(&w);
		for (size_t k = 0; k < p->nowners; k++)
			json_string(&w, p->owners[k]);
		json_end_array(&w);
		if (p->fm.reviewed) {
			tf_format_date(ts, sizeof ts, p->fm.reviewed);
			json_key(&w, "reviewed"); json_string(&w, ts);
			json_key(&w, "reviewer"); json_string(&w, p->fm.reviewer ? p->fm.reviewer : "");
		}
		if (f->drifted && f->drift_path) {
			json_key(&w, "drift_path"); json_string(&w, f->drift_path);
		}
		json_end_object(&w);
	}
	json_end_array(&w);
	json_end_object(&w);
	buf_putc(out, '\n');
}

/* ---- the site page's context ---- */

static void set_pct(val_t *m, const char *key, double v)
{
	char tmp[32];
	svgchart_fixed1(tmp, sizeof tmp, v);
	val_map_set_str(m, key, tmp);
}

static val_t *group_items(const report_groups_t *g, double target)
{
	val_t *l = val_list();
	for (size_t i = 0; i < g->n; i++) {
		val_t *it = val_list_push(l, val_map());
		val_map_set_str(it, "name", g->items[i].name);
		val_map_set_num(it, "documents", (double)g->items[i].documents);
		val_map_set_num(it, "fresh", (double)g->items[i].fresh);
		set_pct(it, "fresh_percent", g->items[i].fresh_percent);
		val_map_set_bool(it, "meets_target", g->items[i].fresh_percent >= target);
	}
	return l;
}

static int cmp_bar(const void *a, const void *b)
{
	const svgchart_bar_t *x = a, *y = b;
	if (x->percent != y->percent)
		return x->percent < y->percent ? -1 : 1;
	return strcmp(x->label, y->label);
}

/* The `n` points of a trend as the charts take them (their strings borrowed). */
static void chart_points(svgchart_point_t *out, const report_point_t *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = (svgchart_point_t){t[i].date, t[i].fresh_percent, t[i].documents, t[i].unknown};
}

/* Append the trend chart of `r` (nothing without trend points). */
static void trend_svg(const report_t *r, buf_t *out)
{
	if (!r->ntrend)
		return;
	svgchart_point_t pts[REPORT_TREND_POINTS];
	chart_points(pts, r->trend, r->ntrend);
	svgchart_trend(out, pts, r->ntrend, r->target, "chart-trend", "Fresh percent at each month end");
}

/* Append the per-owner bar chart, owners furthest behind first (nothing without pages). */
static void owner_svg(const report_t *r, buf_t *out)
{
	if (!r->by_owner.n)
		return;
	svgchart_bar_t *bars = xcalloc(r->by_owner.n, sizeof *bars);
	for (size_t i = 0; i < r->by_owner.n; i++) {
		bars[i].label = r->by_owner.items[i].name;
		bars[i].percent = r->by_owner.items[i].fresh_percent;
		bars[i].documents = r->by_owner.items[i].documents;
	}
	qsort(bars, r->by_owner.n, sizeof *bars, cmp_bar);
	svgchart_bars(out, bars, r->by_owner.n, r->target, "chart-owners", "Fresh percent by owner");
	free(bars);
}

const report_point_t *report_source_trend(const report_t *r, const site_t *s, const char *name)
{
	if (!r->source_trend || !r->ntrend || !name)
		return NULL;
	if (!strcmp(name, "(hub)"))
		return r->source_trend[0];
	for (size_t k = 1; k <= s->nsources; k++)
		if (!strcmp(site_source_name(s, (int)k), name))
			return r->source_trend[k];
	return NULL;
}

char *report_source_was(const report_t *r, const site_t *s, const char *name)
{
	const report_point_t *t = report_source_trend(r, s, name);
	for (size_t i = 0; t && i < r->ntrend; i++)
		if (t[i].documents) {
			char pct[32];
			svgchart_fixed1(pct, sizeof pct, t[i].fresh_percent);
			return xasprintf("%s%% on %s", pct, t[i].date);
		}
	return NULL;
}

void report_source_spark(const report_t *r, const site_t *s, const char *name, size_t row, buf_t *out)
{
	const report_point_t *t = report_source_trend(r, s, name);
	if (!t)
		return;
	svgchart_point_t pts[REPORT_TREND_POINTS];
	chart_points(pts, t, r->ntrend);
	char id[32], *title = xasprintf("%s: fresh percent at each month end", name);
	snprintf(id, sizeof id, "spark-%zu", row);
	svgchart_spark(out, pts, r->ntrend, r->target, id, title);
	free(title);
}

void report_charts(const report_t *r, buf_t *trend, buf_t *owners)
{
	if (trend)
		trend_svg(r, trend);
	if (owners)
		owner_svg(r, owners);
}

/* The "By source" table's trend cells: each row's sparkline (trend_svg) and where it started (was:
 * "55.3% on 2025-11-30"), and has_trend on the group for the column's heading. */
static void set_source_trends(const report_t *r, const site_t *s, const report_groups_t *g, val_t *group,
			      val_t *items)
{
	val_map_set_bool(group, "has_trend", 1);
	for (size_t i = 0; i < g->n && i < items->len; i++) {
		buf_t svg = BUF_INIT;
		report_source_spark(r, s, g->items[i].name, i, &svg);
		if (svg.len)
			val_map_set(items->items[i], "trend_svg", val_str_take(buf_detach(&svg)));
		buf_free(&svg);
		char *was = report_source_was(r, s, g->items[i].name);
		if (was)
			val_map_set(items->items[i], "was", val_str_take(was));
	}
}

val_t *report_context_of(const report_t *rp, const site_t *s, const char *url)
{
	const report_t r = *rp; /* a shallow copy: read only, nothing freed here */
	val_t *m = val_map();
	char tmp[48];
	set_pct(m, "fresh_percent", r.fresh_percent);
	snprintf(tmp, sizeof tmp, "%g", r.target);
	val_map_set_str(m, "target", tmp);
	val_map_set_bool(m, "meets_target", r.meets_target);
	val_map_set_num(m, "documents", (double)r.documents);
	val_map_set_num(m, "fresh", (double)r.fresh);
	val_map_set_num(m, "due", (double)r.due);
	val_map_set_num(m, "stale", (double)r.stale);
	val_map_set_num(m, "uncommitted", (double)r.uncommitted);
	val_map_set_num(m, "unknown", (double)r.unknown);
	val_map_set_num(m, "drifted", (double)r.drifted);
	tf_format_rfc3339(tmp, sizeof tmp, s->opts.now);
	val_map_set_str(m, "generated_at", tmp);
	tf_format_date(tmp, sizeof tmp, s->opts.now);
	val_map_set_str(m, "generated_date", tmp);
	val_map_set_bool(m, "shallow", s->shallow);
	val_map_set(m, "json_url", val_str_take(fsu_relurl(url, "freshness.json")));
	/* charts */
	buf_t tsvg = BUF_INIT, osvg = BUF_INIT;
	report_charts(&r, &tsvg, &osvg);
	if (tsvg.len)
		val_map_set(m, "trend_svg", val_str_take(buf_detach(&tsvg)));
	if (osvg.len)
		val_map_set(m, "owner_svg", val_str_take(buf_detach(&osvg)));
	buf_free(&tsvg);
	buf_free(&osvg);
	/* trend */
	val_map_set_bool(m, "has_trend", r.ntrend > 0);
	val_t *tr = val_map_set(m, "trend", val_list());
	for (size_t i = 0; i < r.ntrend; i++) {
		val_t *it = val_list_push(tr, val_map());
		val_map_set_str(it, "date", r.trend[i].date);
		val_map_set_num(it, "documents", (double)r.trend[i].documents);
		val_map_set_num(it, "unknown", (double)r.trend[i].unknown);
		set_pct(it, "fresh_percent", r.trend[i].fresh_percent);
		val_map_set_bool(it, "meets_target", r.trend[i].fresh_percent >= r.target);
	}
	/* groups */
	/* a site with sources: the KPI of each repository first (freshness.json's groups.source) */
	static const char *const gkeys[] = {"source", "owner", "type", "criticality", "section"};
	static const char *const gtitles[] = {"By source", "By owner", "By type", "By criticality", "By section"};
	static const char *const gflat[] = {"by_source", "by_owner", "by_type", "by_criticality", "by_section"};
	const report_groups_t *gs[] = {&r.by_source, &r.by_owner, &r.by_type, &r.by_criticality, &r.by_section};
	val_t *groups = val_map_set(m, "groups", val_list());
	for (size_t k = s->nsources ? 0 : 1; k < 5; k++) {
		val_t *g = val_list_push(groups, val_map());
		val_map_set_str(g, "key", gkeys[k]);
		val_map_set_str(g, "title", gtitles[k]);
		val_t *items = val_map_set(g, "items", group_items(gs[k], r.target));
		if (k == 0 && r.source_trend && r.ntrend) /* each repository's own trend, beside its KPI */
			set_source_trends(&r, s, gs[k], g, items);
		val_map_set(m, gflat[k], group_items(gs[k], r.target));
	}
	/* attention */
	val_t *att = val_map_set(m, "attention", val_list());
	/* a page of tens of thousands of rows helps nobody: the most overdue first, the rest in freshness.json */
	size_t shown = r.nattention < REPORT_PAGE_ATTENTION_MAX ? r.nattention : REPORT_PAGE_ATTENTION_MAX;
	if (shown < r.nattention)
		val_map_set_num(m, "attention_more", (double)(r.nattention - shown));
	val_t *first = val_map_set(m, "attention_first", val_list());
	val_t *rest = val_map_set(m, "attention_rest", val_list());
	for (size_t i = 0; i < shown; i++) {
		const site_page_t *p = &s->pages[r.attention[i]];
		const site_fresh_t *f = &p->fresh;
		val_t *it = val_list_push(att, val_map());
		val_map_set_str(it, "title", p->title ? p->title : p->src);
		val_map_set_str(it, "path", p->src);
		val_map_set(it, "url", val_str_take(fsu_href(url, p->url)));
		val_map_set_str(it, "status", site_status_name(f->status));
		val_map_set_bool(it, "is_stale", f->status == FRESH_STALE);
		val_map_set_bool(it, "is_due", f->status == FRESH_DUE);
		val_map_set_str(it, "owner", p->owner ? p->owner : "");
		val_map_set_str(it, "author", f->has_commit && f->author ? f->author : "");
		if (f->has_commit) {
			tf_format_date(tmp, sizeof tmp, f->commit_time);
			val_map_set_str(it, "last_date", tmp);
		}
		val_map_set_num(it, "age_days", f->age_days);
		val_map_set_num(it, "due_in_days", f->due_in_days);
		val_map_set_num(it, "overdue_days", -f->due_in_days);
		val_map_set_bool(it, "overdue", f->due_in_days < 0 && !f->unreviewed);
		val_map_set_bool(it, "unreviewed", f->unreviewed);
		val_map_set_bool(it, "drifted", f->drifted);
		if (f->drifted && f->drift_path)
			val_map_set_str(it, "drift_path", f->drift_path);
		val_list_push(i < REPORT_PAGE_ATTENTION_FIRST ? first : rest, val_copy(it));
	}
	val_map_set_bool(m, "has_attention", r.nattention > 0);
	val_map_set_bool(m, "has_attention_rest", rest->len > 0);
	val_map_set_num(m, "attention_rest_count", (double)rest->len);
	val_map_set_num(m, "attention_count", (double)r.nattention);
	/* alerts */
	val_map_set_bool(m, "has_catalog", r.coverage_known); /* a catalog with alerts */
	val_map_set_num(m, "alerts_catalog", (double)r.alerts_catalog);
	val_map_set_num(m, "alerts_covered", (double)r.alerts_covered);
	set_pct(m, "coverage_percent", r.coverage_percent);
	val_t *unc = val_map_set(m, "uncovered", val_list());
	for (size_t i = 0; i < r.nuncovered; i++)
		val_list_push(unc, val_str(r.uncovered[i]));
	val_map_set_bool(m, "has_uncovered", r.nuncovered > 0);
	val_t *nic = val_map_set(m, "not_in_catalog", val_list());
	for (size_t i = 0; i < r.nnot_in_catalog; i++) {
		val_t *it = val_list_push(nic, val_map());
		val_map_set_str(it, "name", r.not_in_catalog[i]);
		char *target = xasprintf("alerts/%s/", r.not_in_catalog[i]);
		val_map_set(it, "url", val_str_take(fsu_href(url, target)));
		free(target);
	}
	val_map_set_bool(m, "has_not_in_catalog", r.nnot_in_catalog > 0);
	/* runbook_url checks: the broken ones and the ones to add */
	val_map_set_num(m, "runbook_urls_checked", (double)r.rb_checked);
	val_map_set_num(m, "runbook_urls_ok", (double)r.rb_ok);
	const size_t *lists[] = {r.rb_broken, r.rb_missing};
	const size_t counts[] = {r.nrb_broken, r.nrb_missing};
	static const char *const keys[] = {"runbook_broken", "runbook_missing"};
	static const char *const has[] = {"has_runbook_broken", "has_runbook_missing"};
	for (size_t k = 0; k < 2; k++) {
		val_t *l = val_map_set(m, keys[k], val_list());
		for (size_t i = 0; i < counts[k]; i++) {
			const site_rbcheck_t *c = &s->rbchecks[lists[k][i]];
			const rules_rule_t *rule = &s->rules.rules[c->rule];
			val_t *it = val_list_push(l, val_map());
			val_map_set_str(it, "alert", rule->alert);
			val_map_set_str(it, "url", rule->runbook_url ? rule->runbook_url : "");
			val_map_set_str(it, "file", s->rules.files[rule->file].display);
			val_map_set_num(it, "line", rule->runbook_url ? rule->url_line : rule->line);
			if (c->suggest)
				val_map_set(it, "suggestion", val_str_take(runbookurl_suggestion(c, s->cfg.base_url)));
		}
		val_map_set_bool(m, has[k], counts[k] > 0);
	}
	return m;
}
