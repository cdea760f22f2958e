/* cli.h - command-line parsing shared by the subcommands (prefix cli_).
 *
 * Each subcommand lives in its own cmd_<name>.c and is listed in main.c's
 * table. Exit codes follow PRODUCT.md: 0 ok, 1 content errors, 2 usage,
 * 3 freshness below --fail-under, 4 environment. */
#ifndef ALMANAC_CLI_H
#define ALMANAC_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "diag.h"
#include "site.h"

enum { EXIT_OK = 0, EXIT_CONTENT = 1, EXIT_USAGE = 2, EXIT_FRESHNESS = 3, EXIT_ENV = 4 };

/* Option bits a subcommand accepts. */
enum {
	OPT_REPO = 1 << 0, OPT_OUT = 1 << 1, OPT_CONFIG = 1 << 2, OPT_BASE_URL = 1 << 3, OPT_NOW = 1 << 4,
	OPT_JOBS = 1 << 5, OPT_STRICT = 1 << 6, OPT_FORMAT = 1 << 7, OPT_FAIL_UNDER = 1 << 8,
	OPT_OUTPUT = 1 << 9, OPT_BIND = 1 << 10, OPT_PORT = 1 << 11, OPT_QUIET = 1 << 12,
	OPT_NO_GIT = 1 << 13, OPT_DRAFTS = 1 << 14, OPT_CHANGED = 1 << 15, OPT_NO_TREND = 1 << 16,
	OPT_ALERT_RULES = 1 << 17, OPT_KEEP_GOING = 1 << 18, OPT_SOURCE = 1 << 19,
	OPT_VERBOSE = 1 << 20, OPT_NO_PAGE_CACHE = 1 << 21, OPT_FETCH_LIMIT = 1 << 22,
	OPT_FETCH_MAX = 1 << 23,
};

/* Most --alert-rules options one command takes. */
#define CLI_MAX_ALERT_RULES 64
/* Most --source options one command takes. */
#define CLI_MAX_SOURCES 64

typedef struct {
	site_opts_t site;
	const char *format;       /* --format, NULL = default */
	double fail_under;        /* --fail-under, < 0 when unset */
	int no_page_cache;        /* --no-page-cache (build) */
	const char *output;       /* --output FILE */
	const char *bind;         /* --bind */
	int port;                 /* --port, -1 when unset */
	const char *alert_rules[CLI_MAX_ALERT_RULES]; /* --alert-rules PATH, repeatable (o->site points here) */
	const char *sources[CLI_MAX_SOURCES]; /* --source NAME=PATH, repeatable (o->site points here) */
	const char *positional[4];
	int npositional;
	int help;
	int verbose;              /* --verbose: build lists every warning and note */
} cli_opts_t;

/* Parse `argv` (after the subcommand name) accepting `allowed` options and
 * up to `max_pos` positional arguments. On a usage error prints a message
 * naming the command and returns EXIT_USAGE; else 0. Fills defaults: jobs =
 * core count, now = --now / SOURCE_DATE_EPOCH / clock, git dates on. */
int cli_parse(cli_opts_t *o, const char *cmd, int argc, char **argv, unsigned allowed, int max_pos);
/* Parse a size: a number of bytes, or one followed by K, M, G or T in either case (powers of 1024; "4G",
 * "4GiB", "4GB" and "4g" alike) into *out. Returns 0, or -1 when it is not one. */
int cli_parse_size(const char *s, long long *out);
/* 1 when diagnostics and reports should use colour on `f` (a terminal, no NO_COLOR). */
int cli_color(FILE *f);
/* Print the diagnostics of a site in text form to stderr (sorted). */
void cli_print_diags(diag_list_t *d, int as_warnings);
/* Map a site_load/render_site return code to an exit code. */
int cli_exit_for(int rc);

/* The end of a command that loaded `s`: frees it and its history when
 * pm_free_at_exit() says so (sanitizers, valgrind, ALMANAC_FREE_AT_EXIT=1),
 * else only waits for its threads (site_stop_jobs) and leaves the memory to
 * the exit. Either way `s` must not be used afterwards. */
void cli_site_done(site_t *s);

#endif
