/* cli.c - command-line parsing. See cli.h. */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "dating.h"
#include "parallel.h"
#include "procmem.h"
#include "suggest.h"
#include "timefmt.h"
#include "timing.h"

typedef struct {
	const char *name;
	unsigned bit;
	int takes_value;
} opt_def_t;

static const opt_def_t opt_defs[] = {
	{"--repo", OPT_REPO, 1},       {"--out", OPT_OUT, 1},         {"--config", OPT_CONFIG, 1},
	{"--base-url", OPT_BASE_URL, 1}, {"--now", OPT_NOW, 1},       {"--jobs", OPT_JOBS, 1},
	{"--strict", OPT_STRICT, 0},   {"--format", OPT_FORMAT, 1},   {"--fail-under", OPT_FAIL_UNDER, 1},
	{"--output", OPT_OUTPUT, 1},   {"--bind", OPT_BIND, 1},       {"--port", OPT_PORT, 1},
	{"--quiet", OPT_QUIET, 0},     {"--no-git-dates", OPT_NO_GIT, 0}, {"--drafts", OPT_DRAFTS, 0},
	{"--changed-since", OPT_CHANGED, 1}, {"--no-trend", OPT_NO_TREND, 0}, {"--alert-rules", OPT_ALERT_RULES, 1},
	{"--keep-going", OPT_KEEP_GOING, 0}, {"--source", OPT_SOURCE, 1},
	{"--verbose", OPT_VERBOSE, 0}, {"--no-page-cache", OPT_NO_PAGE_CACHE, 0},
	{"--fetch-limit", OPT_FETCH_LIMIT, 1}, {"--fetch-max-size", OPT_FETCH_MAX, 1},
};
#define NOPTS (sizeof opt_defs / sizeof *opt_defs)

int cli_parse_size(const char *s, long long *out)
{
	char *end;
	errno = 0;
	long long n = strtoll(s, &end, 10);
	if (errno || end == s || n < 0)
		return -1;
	static const char units[] = "KMGT";
	int shift = 0;
	if (*end) {
		const char *u = strchr(units, toupper((unsigned char)*end));
		if (!u || !*u)
			return -1;
		shift = 10 * (int)(u - units + 1);
		end++;
		if (!strcasecmp(end, "iB") || !strcasecmp(end, "B"))
			end += strlen(end);
	}
	if (*end || (shift && n > (LLONG_MAX >> shift)))
		return -1;
	*out = n << shift;
	return 0;
}

static int usage_error(const char *cmd, const char *fmt, const char *arg)
{
	fprintf(stderr, "almanac %s: ", cmd);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'almanac %s --help'.\n", cmd);
	return EXIT_USAGE;
}

int cli_parse(cli_opts_t *o, const char *cmd, int argc, char **argv, unsigned allowed, int max_pos)
{
	memset(o, 0, sizeof *o);
	o->site.jobs = par_cpu_count();
	o->site.git_dates = 1;
	o->site.trend = 1;
	o->fail_under = -1;
	o->port = -1;
	int have_now = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			o->help = 1;
			return 0;
		}
		if (a[0] != '-' || !strcmp(a, "-")) {
			if (o->npositional >= max_pos)
				return usage_error(cmd, "unexpected argument '%s'", a);
			o->positional[o->npositional++] = a;
			continue;
		}
		/* --opt=value */
		char name[64];
		const char *val = NULL;
		const char *eq = strchr(a, '=');
		if (eq && (size_t)(eq - a) < sizeof name) {
			memcpy(name, a, (size_t)(eq - a));
			name[eq - a] = '\0';
			val = eq + 1;
		} else {
			snprintf(name, sizeof name, "%s", a);
		}
		const opt_def_t *def = NULL;
		for (size_t k = 0; k < NOPTS; k++)
			if (!strcmp(opt_defs[k].name, name))
				def = &opt_defs[k];
		if (!def || !(def->bit & allowed)) {
			const char *cands[NOPTS];
			size_t nc = 0;
			for (size_t k = 0; k < NOPTS; k++)
				if (opt_defs[k].bit & allowed)
					cands[nc++] = opt_defs[k].name;
			const char *sug = suggest_closest(name, cands, nc, 3);
			if (sug) {
				fprintf(stderr, "almanac %s: unknown option '%s'; did you mean '%s'?\n", cmd, name, sug);
				fprintf(stderr, "Try 'almanac %s --help'.\n", cmd);
				return EXIT_USAGE;
			}
			return usage_error(cmd, "unknown option '%s'", name);
		}
		if (def->takes_value && !val) {
			if (i + 1 >= argc)
				return usage_error(cmd, "option '%s' needs a value", name);
			val = argv[++i];
		} else if (!def->takes_value && val) {
			return usage_error(cmd, "option '%s' takes no value", name);
		}
		char *end;
		switch (def->bit) {
		case OPT_REPO: o->site.repo = val; break;
		case OPT_OUT: o->site.out = val; break;
		case OPT_CONFIG: o->site.config = val; break;
		case OPT_BASE_URL: o->site.base_url = val; break;
		case OPT_NOW:
			if (tf_parse(val, &o->site.now))
				return usage_error(cmd, "--now needs an RFC 3339 time or a date such as 2026-11-01, not '%s'", val);
			have_now = 1;
			break;
		case OPT_JOBS: {
			errno = 0;
			long j = strtol(val, &end, 10);
			if (errno || *end || j < 1 || j > 256)
				return usage_error(cmd, "--jobs needs a number between 1 and 256, not '%s'", val);
			o->site.jobs = (int)j;
			break;
		}
		case OPT_FETCH_LIMIT: {
			errno = 0;
			long l = strtol(val, &end, 10);
			if (errno || *end || l < 1 || l > 86400)
				return usage_error(cmd, "--fetch-limit needs a number of seconds between 1 and 86400, not '%s'",
						   val);
			o->site.fetch_limit = (int)l;
			break;
		}
		case OPT_FETCH_MAX:
			if (cli_parse_size(val, &o->site.fetch_max_bytes) != 0 || o->site.fetch_max_bytes < (1LL << 20) ||
			    o->site.fetch_max_bytes > (1LL << 44))
				return usage_error(cmd, "--fetch-max-size needs a size between 1M and 16T (512M, 4G, 20G), "
						   "not '%s'", val);
			break;
		case OPT_STRICT: o->site.strict = 1; break;
		case OPT_FORMAT: o->format = val; break;
		case OPT_FAIL_UNDER: {
			errno = 0;
			double d = strtod(val, &end);
			if (errno || *end || d < 0 || d > 100)
				return usage_error(cmd, "--fail-under needs a percentage between 0 and 100, not '%s'", val);
			o->fail_under = d;
			break;
		}
		case OPT_OUTPUT: o->output = val; break;
		case OPT_BIND: o->bind = val; break;
		case OPT_PORT: {
			errno = 0;
			long p = strtol(val, &end, 10);
			if (errno || *end || p < 0 || p > 65535)
				return usage_error(cmd, "--port needs a number between 0 and 65535, not '%s'", val);
			o->port = (int)p;
			break;
		}
		case OPT_QUIET: o->site.quiet = 1; break;
		case OPT_NO_GIT: o->site.git_dates = 0; break;
		case OPT_DRAFTS: o->site.drafts = 1; break;
		case OPT_CHANGED: o->site.changed_since = val; break;
		case OPT_ALERT_RULES:
			if (o->site.nalert_rules == CLI_MAX_ALERT_RULES)
				return usage_error(cmd, "--alert-rules may be given at most 64 times ('%s' is one too many)",
						   val);
			if (!val[0])
				return usage_error(cmd, "--alert-rules needs a file, folder or glob%s", "");
			o->alert_rules[o->site.nalert_rules++] = val;
			o->site.alert_rules = o->alert_rules;
			break;
		case OPT_NO_TREND: o->site.trend = 0; break;
		case OPT_KEEP_GOING: o->site.keep_going = 1; break;
		case OPT_NO_PAGE_CACHE: o->no_page_cache = 1; break;
		case OPT_SOURCE: {
			const char *eq = strchr(val, '=');
			if (!eq || eq == val || !eq[1])
				return usage_error(cmd, "--source needs NAME=PATH (a source of sources: and a local work "
							"tree to read it from), not '%s'", val);
			if (o->site.nsource_overrides == CLI_MAX_SOURCES)
				return usage_error(cmd, "--source may be given at most 64 times ('%s' is one too many)", val);
			o->sources[o->site.nsource_overrides++] = val;
			o->site.source_overrides = o->sources;
			break;
		}
		case OPT_VERBOSE: o->verbose = 1; break;
		}
	}
	if (!have_now) {
		const char *sde = getenv("SOURCE_DATE_EPOCH");
		char *end;
		errno = 0;
		long long v = sde && sde[0] ? strtoll(sde, &end, 10) : 0;
		if (sde && sde[0] && (errno || *end || v < 0)) {
			fprintf(stderr, "almanac %s: SOURCE_DATE_EPOCH must be a number of seconds, not '%s'\n", cmd, sde);
			return EXIT_USAGE;
		}
		o->site.now = sde && sde[0] ? (int64_t)v : (int64_t)time(NULL);
	}
	return 0;
}

int cli_color(FILE *f)
{
	const char *nc = getenv("NO_COLOR");
	if (nc && nc[0])
		return 0;
	return isatty(fileno(f));
}

void cli_print_diags(diag_list_t *d, int as_warnings)
{
	diag_sort(d);
	diag_print(d, stderr, DIAG_FMT_TEXT, cli_color(stderr), as_warnings);
}

int cli_exit_for(int rc)
{
	if (rc == 0)
		return EXIT_OK;
	if (rc == -4)
		return EXIT_ENV;
	return EXIT_CONTENT;
}

void cli_site_done(site_t *s)
{
	if (pm_free_at_exit()) {
		dating_release(s);
		site_free(s);
		timing_mark("free");
	} else {
		site_stop_jobs(s); /* a failed render_site may have left it running */
	}
}
