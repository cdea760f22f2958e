/* cmd_check.c - almanac check. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "changes.h"
#include "cli.h"
#include "commands.h"
#include "dating.h"
#include "report.h"

static const char check_help[] =
	"Usage: almanac check [--repo DIR] [--config FILE] [--format text|json|github|gitlab]\n"
	"                     [--fail-under PCT] [--changed-since REV] [--now TIME] [--jobs N] [--drafts]\n"
	"                     [--alert-rules PATH]... [--base-url URL] [--keep-going]\n"
	"                     [--fetch-limit SECONDS] [--fetch-max-size SIZE]\n"
	"                     [--source NAME=PATH]...\n\n"
	"Run every check a build runs (front matter, links, anchors, aliases, alerts, the\n"
	"runbook_url of every alert rule) without writing a site. Prints all diagnostics;\n"
	"exits 1 when there is any error.\n\n"
	"  --format FMT        text (default), json, github (GitHub Actions annotations) or\n"
	"                      gitlab (GitLab Code Quality report)\n"
	"  --fail-under PCT    also compute the freshness KPI and exit 3 when it is below PCT\n"
	"  --changed-since REV only report findings in pages changed since REV (pull requests);\n"
	"                      NAME:REV for a revision of the source NAME (sources: in almanac.yml)\n"
	"  --alert-rules PATH  Prometheus rule files (a file, folder or glob; repeatable): their\n"
	"                      alerts join the catalog and every runbook_url is checked\n"
	"  --base-url URL      the site's published address (runbook_urls starting with it are checked)\n"
	"  --keep-going     a source (sources: in almanac.yml) that cannot be fetched is taken from\n"
	"                   its last complete fetch (a warning) instead of failing with exit 4\n"
	"  --fetch-limit SECONDS  fetching every source takes at most this long (1-86400; default 1800)\n"
	"  --fetch-max-size SIZE  servers may send at most this much in all, and one source's checkout may\n"
	"                         write at most this much (1M-16T; default 4G)\n"
	"  --source NAME=PATH  read source NAME from the local work tree PATH instead of its\n"
	"                   configured repository (repeatable)\n";

int cmd_check(int argc, char **argv)
{
	cli_opts_t o;
	int rc = cli_parse(&o, "check", argc, argv,
			   OPT_REPO | OPT_CONFIG | OPT_FORMAT | OPT_FAIL_UNDER | OPT_NOW | OPT_JOBS | OPT_CHANGED |
				   OPT_DRAFTS | OPT_QUIET | OPT_NO_GIT | OPT_ALERT_RULES | OPT_KEEP_GOING | OPT_FETCH_LIMIT | OPT_FETCH_MAX | OPT_SOURCE | OPT_BASE_URL,
			   0);
	if (rc)
		return rc;
	if (o.help) {
		fputs(check_help, stdout);
		return EXIT_OK;
	}
	diag_format fmt = DIAG_FMT_TEXT;
	if (o.format && !strcmp(o.format, "json"))
		fmt = DIAG_FMT_JSON;
	else if (o.format && !strcmp(o.format, "github"))
		fmt = DIAG_FMT_GITHUB;
	else if (o.format && !strcmp(o.format, "gitlab"))
		fmt = DIAG_FMT_GITLAB;
	else if (o.format && strcmp(o.format, "text")) {
		fprintf(stderr, "almanac check: --format must be text, json, github or gitlab, not '%s'\n", o.format);
		return EXIT_USAGE;
	}
	/* history only when freshness is asked for */
	o.site.git_dates = o.fail_under >= 0 || o.site.changed_since;
	o.site.trend = 0;
	o.site.check_only = 1;
	site_t s;
	rc = site_load(&s, &o.site);
	if (rc == 0 && o.site.changed_since) {
		/* --changed-since REV: only the findings the changes since REV are responsible for (changes.h) */
		changes_t ch;
		diag_list_t cd;
		diag_init(&cd);
		/* NAME:REV names a revision of source NAME (a service repository's CI) */
		const char *rev = o.site.changed_since, *root = s.root;
		int source = 0;
		const char *colon = strchr(rev, ':');
		for (size_t k = 0; colon && k < s.nsources; k++)
			if (strlen(s.sources[k].name) == (size_t)(colon - rev) &&
			    !strncmp(s.sources[k].name, rev, (size_t)(colon - rev))) {
				source = (int)k + 1;
				root = s.sources[k].root;
				rev = colon + 1;
			}
		if (changes_since(&ch, root, rev, &cd) != 0) {
			const char *why = cd.len ? cd.items[0].message : "--changed-since failed";
			if (source) /* the revision was looked up in that repository: say which */
				fprintf(stderr, "almanac check: source '%s' (%s): %s\n", s.sources[source - 1].name,
					s.sources[source - 1].public_url, why);
			else if (colon && s.nsources) { /* NAME:REV with a NAME that is no source */
				fprintf(stderr, "almanac check: %s; '%.*s' is not a source of almanac.yml (its sources:", why,
					(int)(colon - rev), rev);
				for (size_t k = 0; k < s.nsources; k++)
					fprintf(stderr, "%s %s", k ? "," : "", s.sources[k].name);
				fprintf(stderr, ")\n");
			} else
				fprintf(stderr, "almanac check: %s\n", why);
			diag_free(&cd);
			changes_free(&ch);
			dating_release(&s);
			site_free(&s);
			return EXIT_USAGE;
		}
		if (source)
			changes_to_site_paths(&ch, &s, source);
		changes_filter(&ch, &s);
		changes_freshness(&ch, &s);
		diag_free(&cd);
		changes_free(&ch);
	}
	diag_sort(&s.diags);
	if (rc) {
		diag_print(&s.diags, fmt == DIAG_FMT_TEXT ? stderr : stdout, fmt, cli_color(stderr), 0);
		site_free(&s);
		return cli_exit_for(rc);
	}
	diag_print(&s.diags, fmt == DIAG_FMT_TEXT ? stderr : stdout, fmt, fmt == DIAG_FMT_TEXT && cli_color(stderr), 0);
	size_t errors = diag_count(&s.diags, DIAG_ERROR), warnings = diag_count(&s.diags, DIAG_WARNING);
	size_t notes = diag_count(&s.diags, DIAG_NOTE);
	int exit_code = s.history_failed ? EXIT_ENV : errors ? EXIT_CONTENT : EXIT_OK;
	if (fmt == DIAG_FMT_TEXT && !o.site.quiet) {
		char tail[48] = "", drafts[48] = "";
		if (notes)
			snprintf(tail, sizeof tail, ", %zu note%s", notes, notes == 1 ? "" : "s");
		size_t ndrafts = 0; /* checked too, but build leaves them out of its count: say so */
		for (size_t i = 0; i < s.npages; i++)
			ndrafts += s.pages[i].fm.draft && !o.site.drafts;
		if (ndrafts)
			snprintf(drafts, sizeof drafts, " (%zu draft%s)", ndrafts, ndrafts == 1 ? "" : "s");
		fprintf(stderr, "almanac check: %zu page%s%s, %zu error%s, %zu warning%s%s\n", s.npages,
			s.npages == 1 ? "" : "s", drafts, errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s",
			tail);
	}
	if (o.fail_under >= 0 && !s.history_failed) {
		report_t r;
		report_compute(&r, &s);
		if (r.fresh_percent < o.fail_under) {
			fprintf(stderr, "almanac check: documentation freshness %.1f%% is below --fail-under %g%%\n",
				r.fresh_percent, o.fail_under);
			if (exit_code == EXIT_OK)
				exit_code = EXIT_FRESHNESS;
		}
		report_free(&r);
	}
	cli_site_done(&s);
	return exit_code;
}
