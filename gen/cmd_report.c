/* cmd_report.c - almanac report. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "dating.h"
#include "fsutil.h"
#include "report.h"

static const char report_help[] =
	"Usage: almanac report [--repo DIR] [--format text|json|csv|html] [--now TIME]\n"
	"                      [--output FILE] [--fail-under PCT] [--no-trend]\n\n"
	"The documentation-freshness report: the KPI (fresh percent) against the target,\n"
	"counts per status, groups by owner, type, criticality and section, the 12-month\n"
	"trend, alert coverage, and the pages that need attention.\n\n"
	"  --format FMT      text (default), json (schema almanac.report/1), csv, html\n"
	"  --output FILE     write to FILE instead of standard output\n"
	"  --fail-under PCT  exit 3 when the fresh percent is below PCT\n"
	"  --now TIME        compute ages against TIME (RFC 3339 or YYYY-MM-DD)\n"
	"  --no-trend        skip the 12-month trend (faster on long histories)\n";

int cmd_report(int argc, char **argv)
{
	cli_opts_t o;
	int rc = cli_parse(&o, "report", argc, argv,
			   OPT_REPO | OPT_CONFIG | OPT_FORMAT | OPT_NOW | OPT_OUTPUT | OPT_FAIL_UNDER | OPT_JOBS |
				   OPT_NO_TREND | OPT_QUIET | OPT_DRAFTS,
			   0);
	if (rc)
		return rc;
	if (o.help) {
		fputs(report_help, stdout);
		return EXIT_OK;
	}
	const char *fmt = o.format ? o.format : "text";
	if (strcmp(fmt, "text") && strcmp(fmt, "json") && strcmp(fmt, "csv") && strcmp(fmt, "html")) {
		fprintf(stderr, "almanac report: --format must be text, json, csv or html, not '%s'\n", fmt);
		return EXIT_USAGE;
	}
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
	buf_t out = BUF_INIT;
	FILE *dest = o.output ? NULL : stdout;
	report_format(&s, fmt, !o.output && !strcmp(fmt, "text") && cli_color(stdout), &out);
	int exit_code = EXIT_OK;
	if (o.output) {
		if (fsu_write_file(o.output, out.s ? out.s : "", out.len) != 0) {
			fprintf(stderr, "almanac report: cannot write %s\n", o.output);
			exit_code = EXIT_ENV;
		}
	} else if (out.len) {
		fwrite(out.s, 1, out.len, dest);
	}
	buf_free(&out);
	if (o.fail_under >= 0 && exit_code == EXIT_OK) {
		report_t r;
		report_compute(&r, &s);
		if (r.fresh_percent < o.fail_under) {
			fprintf(stderr, "almanac report: documentation freshness %.1f%% is below --fail-under %g%%\n",
				r.fresh_percent, o.fail_under);
			exit_code = EXIT_FRESHNESS;
		}
		report_free(&r);
	}
	dating_release(&s);
	site_free(&s);
	return exit_code;
}
