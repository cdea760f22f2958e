/* report.h - the documentation-freshness report (prefix report_).
 *
 * report_compute() reads a loaded site (pages dated by dating.c, alerts from
 * alerts.c, history from history.c) and computes:
 *
 * KPI. documents = published pages (drafts excluded unless --drafts);
 *   fresh percent = (fresh + due) / documents * 100 (PRODUCT.md), 0 when
 *   there are no documents. Uncommitted and unknown pages count as documents
 *   that are not fresh. meets_target = fresh percent >= freshness.target
 *   (default 80), compared before rounding; JSON and text show one decimal.
 *
 * GROUPS. The same ratio per owner (front-matter `owner`, "(none)" when
 *   absent), per type, per criticality ("(none)") and per top-level section
 *   (the first folder under the home content folder, e.g. "guides" for
 *   content/guides/x.md, else the first path segment, e.g. "runbooks"; the
 *   home folder's name for a page directly in it, "(top)" at the repository
 *   root). Each group sorted by
 *   name (byte order), with meets_target against the same target.
 *
 * TREND. One point per month end for the 12 month ends strictly before
 *   --now, oldest first: T = the last day of the month at 23:59:59 UTC. At
 *   each T the report is recomputed from history as it would have been then:
 *   the pages counted are today's published pages that existed at T (their
 *   change events, following renames: hist_entry_at; an untracked page never
 *   existed); each one's basis is its
 *   newest counting commit at or before T (ignore-revs, ignored authors and
 *   pure renames do not count, as for the current status; with
 *   freshness.basis: reviewed, the `reviewed` date when it is at or before T)
 *   and its status at T uses its current review interval and the due window.
 *   A page whose state at T cannot be told (shallow clone boundary, or T
 *   older than the walk went) is counted as a document that is not fresh and
 *   reported in the point's `unknown` count, exactly like an unknown page in
 *   the current KPI. Known simplifications: pages deleted since T are not
 *   counted (the walk follows today's pages), and a page's current front
 *   matter (interval, draft, owner) is assumed for the past. Without history
 *   (--no-git-dates) or with --no-trend there are no points.
 *
 * ALERTS. catalog = alerts of the catalog (the catalog file and the rule
 *   files, alerts.h); covered = those at least one published page answers
 *   (front matter, file name, a rule's runbook_url); coverage percent =
 *   covered / catalog * 100, null (JSON) when the catalog is empty;
 *   uncovered = catalog alerts without a page; not_in_catalog = alerts named
 *   by pages but missing from the catalog (only when a catalog exists). Both
 *   lists sorted by name. runbook_urls (runbookurl.h): checked = rules whose
 *   runbook_url points into the site, ok = those leading to a published URL,
 *   broken = the others [{alert, url, file, line, col, suggestion}], with the
 *   additions moved (leading through a redirect) and missing (an alert with a
 *   runbook and a rule without runbook_url) [{alert, file, line, col, url}],
 *   and external (a count).
 *
 * ATTENTION. Published pages that are stale, due or drifted, most overdue
 *   first (due_in_days ascending, then path).
 *
 * Formats: JSON (schema almanac.report/1 of PRODUCT.md, with additions:
 * repository.ignored_commits, summary.drifted, groups.*.meets_target,
 * groups.section, trend[].fresh and trend[].unknown, alerts.not_in_catalog,
 * alerts.runbook_urls.moved/missing/external, documents[].reviewed/reviewer/drift_path,
 * documents[].owner_source and owners), text (terminal), CSV (one row
 * per document), standalone HTML; and the template context of the site's
 * freshness page (report_context_of, documented below). report_render.c writes
 * text, CSV and HTML. */
#ifndef ALMANAC_REPORT_H
#define ALMANAC_REPORT_H

#include <stdio.h>

#include "buf.h"
#include "site.h"
#include "val.h"

/* Rows of the attention list on the site's report page (all of them are in freshness.json). */
#define REPORT_PAGE_ATTENTION_MAX 500
/* Of those, the rows shown at first (report.attention_first); the others are report.attention_rest, which
 * the default theme puts in a <details> ("Show N more"): paged without JavaScript, the same every build. */
#define REPORT_PAGE_ATTENTION_FIRST 20

typedef struct {
	char *name;           /* owned */
	size_t documents;
	size_t fresh;         /* fresh + due */
	double fresh_percent;
} report_group_t;

typedef struct {
	report_group_t *items; /* sorted by name (owned) */
	size_t n;
} report_groups_t;

typedef struct {
	char date[11];        /* YYYY-MM-DD, a month end */
	int64_t time;         /* that day at 23:59:59 UTC */
	size_t documents;     /* pages that existed then (including unknown) */
	size_t fresh;         /* fresh or due then */
	size_t unknown;       /* state could not be told */
	double fresh_percent;
} report_point_t;

#define REPORT_TREND_POINTS 12

/* The REPORT_TREND_POINTS month ends strictly before `now`, oldest first, at
 * 23:59:59 UTC: the trend's instants (the history walk is told them too). */
void report_month_ends(int64_t now, int64_t out[REPORT_TREND_POINTS]);

typedef struct {
	size_t documents, fresh, due, stale, uncommitted, unknown, drifted;
	double fresh_percent;
	int meets_target;
	double target;
	report_groups_t by_owner, by_type, by_criticality, by_section;
	report_groups_t by_source; /* a multi-repository site: per source ("" is the hub); else empty */
	report_point_t trend[REPORT_TREND_POINTS]; /* oldest first */
	size_t ntrend;         /* 0 without history or with --no-trend */
	/* a multi-repository site: the trend of each repository's pages, [0] the hub's, [k] the
	 * source s->sources[k - 1]'s (ntrend points each); NULL for a single repository (owned) */
	report_point_t (*source_trend)[REPORT_TREND_POINTS];
	size_t alerts_catalog, alerts_covered;
	double coverage_percent;
	char **uncovered;      /* catalog alerts without a runbook (names borrowed from the site) */
	size_t nuncovered;
	char **not_in_catalog; /* alerts named by runbooks but missing from the catalog (borrowed) */
	size_t nnot_in_catalog;
	int coverage_known;    /* the catalog has alerts; else coverage_percent is JSON null */
	size_t rb_checked;     /* rules whose runbook_url points into the site or at a page's file on its
	                          forge (ok + broken) */
	size_t rb_ok;          /* of those, the ones leading to a published URL (moved included) */
	size_t rb_external;    /* runbook_urls of other sites, not checked */
	size_t *rb_broken;     /* indexes into s->rbchecks: SITE_RB_BROKEN, in rule order (owned) */
	size_t nrb_broken;
	size_t *rb_moved;      /* SITE_RB_MOVED (owned) */
	size_t nrb_moved;
	size_t *rb_missing;    /* SITE_RB_MISSING (owned) */
	size_t nrb_missing;
	size_t *rb_forge;      /* SITE_RB_FORGE: a page's file on its forge, counted in rb_ok (owned) */
	size_t nrb_forge;
	long *attention;       /* page indexes: stale/due/drifted, most overdue first (owned) */
	size_t nattention;
	long *docs;            /* page indexes of the published pages, by path (owned) */
	size_t ndocs;
} report_t;

/* Compute the report for `s` (the trend when s->opts.trend and s->hist). `r` is
 * the caller's; free with report_free. Borrows names from `s`: free `r` first. */
void report_compute(report_t *r, const site_t *s);
/* Free what `r` owns; accepts a zeroed report. */
void report_free(report_t *r);

/* Append the JSON report of `r` (PRODUCT.md schema, pretty-printed, ending in a newline). */
void report_write_json(const report_t *r, const site_t *s, buf_t *out);
/* Append the terminal summary: KPI against target, counts per status, the
 * pages that need attention with owner and last author (the `max_rows` most
 * overdue, then how many more and where they all are; 0: every one), groups,
 * trend and alert coverage. `color` adds ANSI colours. */
void report_write_text(const report_t *r, const site_t *s, int color, size_t max_rows, buf_t *out);
/* The pages the text report lists unless told to list them all (report --verbose). */
#define REPORT_TEXT_ATTENTION 50
/* Append CSV (RFC 4180, CRLF line ends, header row): one row per document with
 * the fields of the JSON `documents` entries (last_commit flattened to
 * last_commit_id/time/author/summary; null -> empty; booleans true/false;
 * owner_source last; the `owners` list is JSON only). */
void report_write_csv(const report_t *r, const site_t *s, buf_t *out);
/* Append a standalone HTML page (inline CSS and SVG, no script, no external
 * resource) with the content of the site's freshness page plus the group
 * tables. Page links are absolute when base_url is configured, else the
 * pages are named by path. */
void report_write_html(const report_t *r, const site_t *s, buf_t *out);

/* The trend of the "By source" group `name` ("(hub)" or a source's name):
 * r->ntrend points, oldest first, borrowed from `r`; NULL on a site without
 * sources or without a trend. */
const report_point_t *report_source_trend(const report_t *r, const site_t *s, const char *name);
/* Where that trend started: "55.3% on 2025-11-30", its first month end with pages; NULL when it has
 * none (or there is no trend). Caller frees. */
char *report_source_was(const report_t *r, const site_t *s, const char *name);
/* Append the sparkline of that trend (svgchart_spark; element ids "spark-<row>"),
 * nothing when there is none. */
void report_source_spark(const report_t *r, const site_t *s, const char *name, size_t row, buf_t *out);

/* Append the two charts of `r` as inline SVG (svgchart.h): the trend line to
 * `trend` (nothing when there is no trend point) and the per-owner bars,
 * owners furthest behind first, to `owners` (nothing without pages). Either
 * buffer may be NULL. */
void report_charts(const report_t *r, buf_t *trend, buf_t *owners);

/* The template context of the site's freshness page at site URL `url`
 * ("freshness/") from a report already computed (`r` is only read; the build
 * writes the page and freshness.json from one report_compute), a map the
 * caller owns. Keys (used as {{report.KEY}}):
 *   fresh_percent "33.3", target "80" (as configured, %g), meets_target bool,
 *   documents fresh due stale uncommitted unknown drifted (numbers),
 *   generated_at "2026-11-22T00:00:00Z", generated_date "2026-11-22", shallow bool,
 *   json_url (relative link to freshness.json),
 *   trend_svg, owner_svg: inline SVG (svgchart.h) -- use {{{ }}}; absent when
 *     there is no trend point / no page, so {{#report.trend_svg}} guards a section,
 *   has_trend bool, trend: [{date, documents, unknown, fresh_percent "66.7", meets_target}],
 *   groups: [{key "owner"|"type"|"criticality"|"section", title "By owner", items:
 *     [{name, documents, fresh (fresh+due count), fresh_percent "33.3", meets_target}]}],
 *   by_owner, by_type, by_criticality, by_section: the same item lists,
 *   has_attention bool, attention_count,
 *   attention: [{title, path, url (relative), status, is_stale, is_due, owner,
 *     author (last commit), last_date, age_days, due_in_days, overdue_days,
 *     overdue bool, drifted bool, drift_path}],
 *   alerts_catalog, alerts_covered (numbers), coverage_percent "60.0",
 *   has_catalog bool, uncovered: ["CertExpiry", ...] (strings),
 *   has_uncovered bool, not_in_catalog: [{name, url}] (url: the alert's page),
 *   has_not_in_catalog bool; runbook_urls_checked, runbook_urls_ok (numbers),
 *   runbook_broken, runbook_missing: [{alert, url, file, line, suggestion?}] with
 *   has_runbook_broken, has_runbook_missing. has_catalog is true when the
 *   catalog has alerts (coverage is known). */
val_t *report_context_of(const report_t *r, const site_t *s, const char *url);

#endif
