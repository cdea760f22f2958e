/* cmd_report.c - almanac report. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "dating.h"
#include "fsutil.h"
#include "report.h"
#include "rulespatch.h"
#include "svgchart.h"

static const char report_help[] =
	"Usage: almanac report [--repo DIR] [--format text|json|csv|html|rules-patch] [--now TIME]\n"
	"                      [--output FILE] [--fail-under PCT] [--no-trend] [--config FILE]\n"
	"                      [--drafts] [--jobs N] [--quiet] [--verbose] [--alert-rules PATH]...\n"
	"                      [--base-url URL] [--keep-going] [--fetch-limit SECONDS]\n"
	"                      [--fetch-max-size SIZE] [--source NAME=PATH]...\n\n"
	"The documentation-freshness report: the KPI (fresh percent = fresh and due pages\n"
	"over published pages) against the target, counts per status, groups by owner,\n"
	"type, criticality and section, the fresh percent at each of the last 12 month\n"
	"ends, alert coverage, and the pages that need attention (stale, due, drifted).\n\n"
	"  --format FMT      text (default; colour on a terminal unless NO_COLOR is set),\n"
	"                    json (schema almanac.report/1), csv (one row per page),\n"
	"                    html (a standalone page), rules-patch (a diff of the alert rule\n"
	"                    files adding or fixing their runbook_url annotations; needs\n"
	"                    base_url or --base-url)\n"
	"  --output FILE     write to FILE instead of standard output\n"
	"  --fail-under PCT  exit 3 when the fresh percent is below PCT (a CI gate)\n"
	"  --now TIME        compute ages against TIME (RFC 3339 or YYYY-MM-DD)\n"
	"  --no-trend        skip the 12-month trend (a shorter history walk)\n"
	"  --verbose         text: list every page that needs attention (by default the 50 most\n"
	"                    overdue, and how many more)\n"
	"  --drafts          count draft pages too\n"
	"  --alert-rules PATH  Prometheus rule files (a file, folder or glob; repeatable): their\n"
	"                    alerts join the catalog\n"
	"  --base-url URL    where the site is published (default: base_url of the config): the\n"
	"                    html report links each page there, runbook_urls starting with it are\n"
	"                    checked, rules-patch writes addresses under it; without it pages are\n"
	"                    named by path\n"
	"  --keep-going     a source (sources: in almanac.yml) that cannot be fetched is taken from\n"
	"                   its last complete fetch (a warning) instead of failing with exit 4\n"
	"  --fetch-limit SECONDS  fetching every source takes at most this long (1-86400; default 1800)\n"
	"  --fetch-max-size SIZE  servers may send at most this much in all, and one source's checkout may\n"
	"                         write at most this much (1M-16T; default 4G)\n"
	"  --source NAME=PATH  read source NAME from the local work tree PATH instead of its\n"
	"                   configured repository (repeatable)\n";

int cmd_report(int argc, char **argv)
{
	cli_opts_t o;
	int rc = cli_parse(&o, "report", argc, argv,
			   OPT_REPO | OPT_CONFIG | OPT_FORMAT | OPT_NOW | OPT_OUTPUT | OPT_FAIL_UNDER | OPT_JOBS |
				   OPT_NO_TREND | OPT_QUIET | OPT_DRAFTS | OPT_ALERT_RULES | OPT_KEEP_GOING | OPT_FETCH_LIMIT | OPT_FETCH_MAX | OPT_SOURCE | OPT_BASE_URL | OPT_VERBOSE,
			   0);
	if (rc)
		return rc;
	if (o.help) {
		fputs(report_help, stdout);
		return EXIT_OK;
	}
	const char *fmt = o.format ? o.format : "text";
	int patch = !strcmp(fmt, "rules-patch");
	if (strcmp(fmt, "text") && strcmp(fmt, "json") && strcmp(fmt, "csv") && strcmp(fmt, "html") && !patch) {
		fprintf(stderr, "almanac report: --format must be text, json, csv, html or rules-patch, not '%s'\n", fmt);
		return EXIT_USAGE;
	}
	if (patch)
		o.site.trend = 0; /* the patch needs old page paths (history), not the trend */
	site_t s;
	o.site.check_only = 1;
	rc = site_load(&s, &o.site);
	if (rc) {
		cli_print_diags(&s.diags, 0);
		site_free(&s);
		return cli_exit_for(rc);
	}
	/* content problems do not stop a report, but shallow-clone and history warnings matter */
	if (!o.site.quiet) {
		diag_list_t keep;
		diag_init(&keep);
		for (size_t i = 0; i < s.diags.len; i++) {
			diag_t *d = &s.diags.items[i];
			if (d->code && (!strcmp(d->code, "shallow-clone") || !strncmp(d->code, "history", 7) ||
					!strcmp(d->code, "ignore-revs") || !strcmp(d->code, "repository")))
				diag_add(&keep, d->severity, d->file, d->line, d->col, d->code, "%s", d->message);
		}
		cli_print_diags(&keep, 0);
		diag_free(&keep);
	}
	if (patch && !s.cfg.base_url[0]) {
		fprintf(stderr, "almanac report: --format rules-patch needs the site's address: --base-url URL or "
				"base_url in almanac.yml\n");
		cli_site_done(&s);
		return EXIT_USAGE;
	}
	if (s.history_failed) {
		/* every page would be "unknown": no report rather than a wrong one (the diagnostic above
		 * says why, with the repository's path) */
		if (o.site.quiet) { /* the reason, even with --quiet */
			diag_list_t why;
			diag_init(&why);
			for (size_t i = 0; i < s.diags.len; i++) {
				diag_t *d = &s.diags.items[i];
				if (d->code && !strncmp(d->code, "history", 7))
					diag_add(&why, d->severity, d->file, d->line, d->col, d->code, "%s", d->message);
			}
			cli_print_diags(&why, 0);
			diag_free(&why);
		}
		fprintf(stderr, "almanac report: the history could not be read, so no page can be dated; "
				"no report written\n");
		cli_site_done(&s);
		return EXIT_ENV;
	}
	report_t r;
	report_compute(&r, &s);
	buf_t out = BUF_INIT;
	if (patch)
		rulespatch_write(&s, &out);
	else if (!strcmp(fmt, "json"))
		report_write_json(&r, &s, &out);
	else if (!strcmp(fmt, "csv"))
		report_write_csv(&r, &s, &out);
	else if (!strcmp(fmt, "html"))
		report_write_html(&r, &s, &out);
	else
		report_write_text(&r, &s, !o.output && cli_color(stdout), o.verbose ? 0 : REPORT_TEXT_ATTENTION, &out);
	int exit_code = EXIT_OK;
	if (o.output) {
		if (fsu_write_file(o.output, out.s ? out.s : "", out.len) != 0) {
			fprintf(stderr, "almanac report: cannot write %s\n", o.output);
			exit_code = EXIT_ENV;
		}
	} else if (out.len && (fwrite(out.s, 1, out.len, stdout) != out.len || fflush(stdout) != 0)) {
		exit_code = EXIT_ENV;
	}
	buf_free(&out);
	if (o.fail_under >= 0 && exit_code == EXIT_OK && r.fresh_percent < o.fail_under) {
		char pv[32];
		svgchart_fixed1(pv, sizeof pv, r.fresh_percent);
		fprintf(stderr, "almanac report: documentation freshness %s%% is below --fail-under %g%%\n", pv,
			o.fail_under);
		exit_code = EXIT_FRESHNESS;
	}
	report_free(&r);
	cli_site_done(&s);
	return exit_code;
}
