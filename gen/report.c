/* report.c - the freshness report. See report.h. */
#include "report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "history.h"
#include "json.h"
#include "timefmt.h"
#include "dating.h"

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

static void group_add(report_groups_t *g, const char *name, int fresh)
{
	for (size_t i = 0; i < g->n; i++) {
		if (!strcmp(g->items[i].name, name)) {
			g->items[i].documents++;
			g->items[i].fresh += fresh;
			return;
		}
	}
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

static void group_finish(report_groups_t *g)
{
	qsort(g->items, g->n, sizeof *g->items, cmp_group);
	for (size_t i = 0; i < g->n; i++)
		g->items[i].fresh_percent = pct(g->items[i].fresh, g->items[i].documents);
}

static const site_t *sort_site;

static int cmp_attention(const void *a, const void *b)
{
	const site_page_t *x = &sort_site->pages[*(const long *)a], *y = &sort_site->pages[*(const long *)b];
	if (x->fresh.due_in_days != y->fresh.due_in_days)
		return x->fresh.due_in_days < y->fresh.due_in_days ? -1 : 1;
	return strcmp(x->src, y->src);
}

static char *section_of(const site_t *s, const site_page_t *p)
{
	/* the top-level folder under the home folder, else the first path segment */
	const char *src = p->src;
	size_t hl = strlen(s->home_dir);
	if (hl && !strncmp(src, s->home_dir, hl) && src[hl] == '/')
		src += hl + 1;
	const char *slash = strchr(src, '/');
	return slash ? xstrndup(src, (size_t)(slash - src)) : xstrdup("(top)");
}

static void compute_trend(report_t *r, const site_t *s)
{
	if (!s->hist || !s->opts.trend)
		return;
	int y, m, d;
	tf_civil_from_days(s->opts.now / 86400, &y, &m, &d);
	/* month ends strictly before now, newest last */
	for (int k = 12; k >= 1; k--) {
		int yy = y, mm = m - k + 1; /* the month after the month end */
		while (mm <= 0) {
			mm += 12;
			yy--;
		}
		int64_t t = tf_days_from_civil(yy, mm, 1) * 86400 - 1; /* 23:59:59 of the month end */
		if (t >= s->opts.now)
			continue;
		report_point_t *pt = &r->trend[r->ntrend++];
		tf_format_date(pt->date, sizeof pt->date, t);
		for (size_t i = 0; i < r->ndocs; i++) {
			const site_page_t *p = &s->pages[r->docs[i]];
			const hist_entry_t *e = hist_lookup(s->hist, p->src);
			int64_t last = 0;
			int st = e ? hist_entry_at(e, t, &last) : (p->fresh.status == FRESH_UNCOMMITTED ? 0 : -1);
			if (st == 0)
				continue;
			pt->documents++;
			if (st < 0) {
				pt->unknown++;
				continue;
			}
			int64_t basis = s->cfg.basis_reviewed ? (p->fm.reviewed && p->fm.reviewed <= t ? p->fm.reviewed : 0) : last;
			if (!basis)
				continue;
			int age, due;
			if (is_fresh(dating_status(s, basis, t, p->fresh.interval_days, &age, &due)))
				pt->fresh++;
		}
		pt->fresh_percent = pct(pt->fresh, pt->documents);
	}
}

void report_compute(report_t *r, const site_t *s)
{
	memset(r, 0, sizeof *r);
	r->target = s->cfg.target;
	r->docs = xcalloc(s->npages + 1, sizeof *r->docs);
	r->attention = xcalloc(s->npages + 1, sizeof *r->attention);
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
		r->drifted += p->fresh.drifted;
		group_add(&r->by_owner, p->fm.owner ? p->fm.owner : "(none)", fr);
		group_add(&r->by_type, p->type, fr);
		group_add(&r->by_criticality, p->fm.criticality ? p->fm.criticality : "(none)", fr);
		char *sec = section_of(s, p);
		group_add(&r->by_section, sec, fr);
		free(sec);
		if (p->fresh.status == FRESH_STALE || p->fresh.status == FRESH_DUE || p->fresh.drifted)
			r->attention[r->nattention++] = (long)i;
	}
	group_finish(&r->by_owner);
	group_finish(&r->by_type);
	group_finish(&r->by_criticality);
	group_finish(&r->by_section);
	r->fresh_percent = pct(r->fresh + r->due, r->documents);
	r->meets_target = r->fresh_percent >= r->target;
	sort_site = s;
	qsort(r->attention, r->nattention, sizeof *r->attention, cmp_attention);
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
		} else if (s->have_catalog) {
			r->not_in_catalog[r->nnot_in_catalog++] = a->name;
		}
	}
	r->coverage_percent = pct(r->alerts_covered, r->alerts_catalog);
	compute_trend(r, s);
}

void report_free(report_t *r)
{
	report_groups_t *gs[] = {&r->by_owner, &r->by_type, &r->by_criticality, &r->by_section};
	for (size_t k = 0; k < 4; k++) {
		for (size_t i = 0; i < gs[k]->n; i++)
			free(gs[k]->items[i].name);
		free(gs[k]->items);
	}
	free(r->uncovered);
	free(r->not_in_catalog);
	free(r->attention);
	free(r->docs);
	memset(r, 0, sizeof *r);
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
	if (v == floor(v))
		json_int(w, (long long)v);
	else
		json_fixed1(w, v);
}

void report_json(const site_t *s, buf_t *out)
{
	report_t r;
	report_compute(&r, s);
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
	json_key(&w, "branch"); json_string(&w, s->branch);
	json_key(&w, "shallow"); json_bool(&w, s->shallow);
	json_key(&w, "ignored_commits");
	json_begin_object(&w);
	json_key(&w, "ignore_revs"); json_int(&w, (long long)s->ignored_revs);
	json_key(&w, "ignored_authors"); json_int(&w, (long long)s->ignored_authors);
	json_key(&w, "pure_renames"); json_int(&w, (long long)s->ignored_renames);
	json_end_object(&w);
	json_end_object(&w);
	json_key(&w, "target_percent"); json_number_compact(&w, r.target);
	json_key(&w, "summary");
	json_begin_object(&w);
	json_key(&w, "documents"); json_int(&w, (long long)r.documents);
	json_key(&w, "fresh"); json_int(&w, (long long)r.fresh);
	json_key(&w, "due"); json_int(&w, (long long)r.due);
	json_key(&w, "stale"); json_int(&w, (long long)r.stale);
	json_key(&w, "uncommitted"); json_int(&w, (long long)r.uncommitted);
	json_key(&w, "unknown"); json_int(&w, (long long)r.unknown);
	json_key(&w, "drifted"); json_int(&w, (long long)r.drifted);
	json_key(&w, "fresh_percent"); json_fixed1(&w, r.fresh_percent);
	json_key(&w, "meets_target"); json_bool(&w, r.meets_target);
	json_end_object(&w);
	json_key(&w, "groups");
	json_begin_object(&w);
	json_groups(&w, "owner", &r.by_owner, r.target);
	json_groups(&w, "type", &r.by_type, r.target);
	json_groups(&w, "criticality", &r.by_criticality, r.target);
	json_groups(&w, "section", &r.by_section, r.target);
	json_end_object(&w);
	json_key(&w, "trend");
	json_begin_array(&w);
	for (size_t i = 0; i < r.ntrend; i++) {
		json_begin_object(&w);
		json_key(&w, "date"); json_string(&w, r.trend[i].date);
		json_key(&w, "documents"); json_int(&w, (long long)r.trend[i].documents);
		json_key(&w, "fresh_percent"); json_fixed1(&w, r.trend[i].fresh_percent);
		json_key(&w, "unknown"); json_int(&w, (long long)r.trend[i].unknown);
		json_end_object(&w);
	}
	json_end_array(&w);
	json_key(&w, "alerts");
	json_begin_object(&w);
	json_key(&w, "catalog"); json_int(&w, (long long)r.alerts_catalog);
	json_key(&w, "covered"); json_int(&w, (long long)r.alerts_covered);
	json_key(&w, "coverage_percent"); json_fixed1(&w, r.coverage_percent);
	json_key(&w, "uncovered");
	json_begin_array(&w);
	for (size_t i = 0; i < r.nuncovered; i++)
		json_string(&w, r.uncovered[i]);
	json_end_array(&w);
	json_key(&w, "not_in_catalog");
	json_begin_array(&w);
	for (size_t i = 0; i < r.nnot_in_catalog; i++)
		json_string(&w, r.not_in_catalog[i]);
	json_end_array(&w);
	json_end_object(&w);
	json_key(&w, "documents");
	json_begin_array(&w);
	for (size_t i = 0; i < r.ndocs; i++) {
		const site_page_t *p = &s->pages[r.docs[i]];
		const site_fresh_t *f = &p->fresh;
		json_begin_object(&w);
		json_key(&w, "path"); json_string(&w, p->src);
		json_key(&w, "url"); json_string(&w, p->url);
		json_key(&w, "title"); json_string(&w, p->title);
		json_key(&w, "type"); json_string(&w, p->type);
		json_key(&w, "owner"); json_string(&w, p->fm.owner ? p->fm.owner : "");
		json_key(&w, "criticality"); json_string(&w, p->fm.criticality ? p->fm.criticality : "");
		json_key(&w, "review_interval_days"); json_int(&w, f->interval_days);
		json_key(&w, "last_commit");
		if (f->has_commit) {
			json_begin_object(&w);
			json_key(&w, "id"); json_string(&w, f->commit_id);
			tf_format_rfc3339(ts, sizeof ts, f->commit_time);
			json_key(&w, "time"); json_string(&w, ts);
			json_key(&w, "author"); json_string(&w, f->author);
			json_key(&w, "summary"); json_string(&w, f->summary);
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
	report_free(&r);
}

int report_format(const site_t *s, const char *format, int color, buf_t *out)
{
	(void)color;
	if (!strcmp(format, "json")) {
		report_json(s, out);
		return 0;
	}
	return -1;
}

val_t *report_context(const site_t *s, const char *url)
{
	report_t r;
	report_compute(&r, s);
	val_t *m = val_map();
	char tmp[32];
	snprintf(tmp, sizeof tmp, "%.1f", r.fresh_percent);
	val_map_set_str(m, "fresh_percent", tmp);
	snprintf(tmp, sizeof tmp, "%g", r.target);
	val_map_set_str(m, "target", tmp);
	val_map_set_bool(m, "meets_target", r.meets_target);
	val_map_set_num(m, "documents", (double)r.documents);
	val_map_set_num(m, "fresh", (double)r.fresh);
	val_map_set_num(m, "due", (double)r.due);
	val_map_set_num(m, "stale", (double)r.stale);
	val_map_set_num(m, "uncommitted", (double)r.uncommitted);
	val_map_set_num(m, "unknown", (double)r.unknown);
	val_t *att = val_map_set(m, "attention", val_list());
	for (size_t i = 0; i < r.nattention; i++) {
		const site_page_t *p = &s->pages[r.attention[i]];
		val_t *it = val_list_push(att, val_map());
		val_map_set_str(it, "title", p->title);
		val_map_set(it, "url", val_str_take(fsu_relurl(url, p->url)));
		val_map_set_str(it, "status", site_status_name(p->fresh.status));
		val_map_set_str(it, "owner", p->fm.owner ? p->fm.owner : "");
		val_map_set_num(it, "age_days", p->fresh.age_days);
		val_map_set_num(it, "overdue_days", -p->fresh.due_in_days);
		val_map_set_bool(it, "drifted", p->fresh.drifted);
	}
	val_map_set_bool(m, "has_attention", r.nattention > 0);
	val_t *unc = val_map_set(m, "uncovered", val_list());
	for (size_t i = 0; i < r.nuncovered; i++)
		val_list_push(unc, val_str(r.uncovered[i]));
	snprintf(tmp, sizeof tmp, "%.1f", r.coverage_percent);
	val_map_set_str(m, "coverage_percent", tmp);
	val_map_set_num(m, "alerts_catalog", (double)r.alerts_catalog);
	val_map_set_num(m, "alerts_covered", (double)r.alerts_covered);
	val_map_set_bool(m, "shallow", s->shallow);
	report_free(&r);
	return m;
}
