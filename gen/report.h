/* report.h - the documentation-freshness report (prefix report_).
 *
 * Computes the KPI (fresh percent = (fresh + due) / published pages), the
 * groups (owner, type, criticality, top-level section), the 12-month trend
 * and the alert coverage from a loaded site, and renders them as JSON
 * (schema almanac.report/1, PRODUCT.md), text, CSV, or a template context
 * for the site's freshness page. */
#ifndef ALMANAC_REPORT_H
#define ALMANAC_REPORT_H

#include <stdio.h>

#include "buf.h"
#include "site.h"
#include "val.h"

typedef struct {
	char *name;           /* owned */
	size_t documents;
	size_t fresh;         /* fresh + due */
	double fresh_percent;
} report_group_t;

typedef struct {
	report_group_t *items;
	size_t n;
} report_groups_t;

typedef struct {
	char date[11];        /* YYYY-MM-DD, a month end */
	size_t documents;
	size_t fresh;
	size_t unknown;
	double fresh_percent;
} report_point_t;

typedef struct {
	size_t documents, fresh, due, stale, uncommitted, unknown, drifted;
	double fresh_percent;
	int meets_target;
	double target;
	report_groups_t by_owner, by_type, by_criticality, by_section;
	report_point_t trend[12];
	size_t ntrend;
	size_t alerts_catalog, alerts_covered;
	double coverage_percent;
	char **uncovered;      /* catalog alerts without a runbook (borrowed names) */
	size_t nuncovered;
	char **not_in_catalog; /* alerts named by runbooks but missing from the catalog (borrowed) */
	size_t nnot_in_catalog;
	long *attention;       /* stale/due/drifted pages, most overdue first */
	size_t nattention;
	long *docs;            /* published pages, by path */
	size_t ndocs;
} report_t;

/* Compute the report for `s` (with the trend when s->opts.trend and history are available). */
void report_compute(report_t *r, const site_t *s);
/* Free what `r` owns. */
void report_free(report_t *r);
/* Append the JSON report (PRODUCT.md schema) to `out`. */
void report_json(const site_t *s, buf_t *out);
/* Append the report in `format` ("json", "text", "csv", "html") to `out`; `color` for text. Returns 0 or -1 (unknown format). */
int report_format(const site_t *s, const char *format, int color, buf_t *out);
/* Template context of the site's freshness page at `url` (caller owns). */
val_t *report_context(const site_t *s, const char *url);

#endif
