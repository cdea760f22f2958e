/* cmd_build.c - almanac build. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "commands.h"
#include "dating.h"
#include "diagrec.h"
#include "publish.h"
#include "pubkeep.h"
#include "render.h"
#include "timing.h"

/* A build prints every error, and at most this many warnings and notes of each
 * kind (code) unless --verbose: a first build of a large foreign repository
 * ends with a count per kind instead of hundreds of lines. */
#define BUILD_PER_KIND 10
#define BUILD_PER_KIND_STR "10"

static const char build_help[] =
	"Usage: almanac build [--repo DIR] [--out DIR] [--config FILE] [--base-url URL]\n"
	"                     [--now TIME] [--jobs N] [--strict] [--quiet] [--verbose] [--no-git-dates]\n"
	"                     [--drafts] [--alert-rules PATH]... [--keep-going] [--fetch-limit SECONDS]\n"
	"                     [--fetch-max-size SIZE] [--source NAME=PATH]... [--no-page-cache]\n\n"
	"Build the static site from the repository's Markdown into --out (default public/,\n"
	"or `output` in almanac.yml). The site is written to a temporary folder and swapped in\n"
	"only when the build succeeds, so a failed build leaves the previous site untouched.\n\n"
	"  --repo DIR       any folder inside the Git work tree (default: .)\n"
	"  --out DIR        output folder (refused when unsafe: the repository, a content folder)\n"
	"  --config FILE    configuration file (default: almanac.yml at the repository root)\n"
	"  --base-url URL   absolute URL of the published site (sitemap, canonical links)\n"
	"  --now TIME       compute ages against TIME (RFC 3339 or YYYY-MM-DD; default\n"
	"                   SOURCE_DATE_EPOCH, else the clock)\n"
	"  --jobs N         worker threads: Markdown, pages, search index (default: cores)\n"
	"  --strict         fail (exit 1, nothing written) on content errors such as broken links\n"
	"  --quiet          print only diagnostics\n"
	"  --verbose        list every warning and note (by default at most " BUILD_PER_KIND_STR " of each\n"
	"                   kind, then a count; almanac check always lists them all)\n"
	"  --no-git-dates   skip the history walk (pages are dated 'unknown')\n"
	"  --drafts         include pages with draft: true\n"
	"  --alert-rules PATH  Prometheus rule files (a file, folder or glob; repeatable) whose\n"
	"                   alerts join the catalog and whose runbook_url annotations are checked\n"
	"  --keep-going     a source (sources: in almanac.yml) that cannot be fetched is taken from\n"
	"                   its last complete fetch (a warning) instead of failing with exit 4\n"
	"  --fetch-limit SECONDS  fetching every source takes at most this long (1-86400; default 1800)\n"
	"  --fetch-max-size SIZE  servers may send at most this much in all, and one source's checkout may\n"
	"                         write at most this much (1M-16T; default 4G)\n"
	"  --source NAME=PATH  read source NAME from the local work tree PATH instead of its\n"
	"                   configured repository (repeatable)\n"
	"  --no-page-cache  render every page anew, neither reading nor updating what the last\n"
	"                   build kept (.git/almanac/rendered-pages*, search-terms*, search-index*,\n"
	"                   search-files, page-files)\n";

/* Print the diagnostics as a build does: all of them with --verbose, else summarized per kind. */
static void print_build_diags(diag_list_t *d, const cli_opts_t *o)
{
	diag_sort(d);
	if (o->verbose)
		diag_print(d, stderr, DIAG_FMT_TEXT, cli_color(stderr), 0);
	else
		diag_print_summarized(d, stderr, cli_color(stderr), BUILD_PER_KIND,
				      "almanac check or almanac build --verbose lists them all");
}

/* The one line that ends a failed build: what failed it (the errors added by
 * the failing step, from `first`), and that the output was left alone, or,
 * when an in-place commit failed half-way (pubkeep.h), that it is incomplete. */
static void print_failure(const diag_list_t *d, size_t first, const char *out)
{
	diag_list_t why;
	diag_init(&why);
	const diag_t *one = NULL;
	int incomplete = 0;
	for (size_t i = first; i < d->len; i++)
		if (d->items[i].severity == DIAG_ERROR) {
			diag_add(&why, DIAG_ERROR, d->items[i].file, d->items[i].line, d->items[i].col, d->items[i].code,
				 "%s", d->items[i].message);
			if (!one)
				one = &d->items[i];
			incomplete |= d->items[i].code && !strcmp(d->items[i].code, PUBKEEP_INCOMPLETE);
		}
	char *counts = diag_counts_line(&why);
	char *state = incomplete ? xasprintf("%s is incomplete (it may mix old and new files); the next build repairs it",
					     out)
				 : xasprintf("%s was not changed", out);
	if (one)
		fprintf(stderr, "almanac: build failed: %s, the first at %s; %s\n", counts,
			one->file[0] ? one->file : "(site)", state);
	else
		fprintf(stderr, "almanac: build failed; %s\n", state);
	free(state);
	free(counts);
	diag_free(&why);
}

int cmd_build(int argc, char **argv)
{
	cli_opts_t o;
	int rc = cli_parse(&o, "build", argc, argv,
			   OPT_REPO | OPT_OUT | OPT_CONFIG | OPT_BASE_URL | OPT_NOW | OPT_JOBS | OPT_STRICT | OPT_QUIET |
				   OPT_NO_GIT | OPT_DRAFTS | OPT_ALERT_RULES | OPT_KEEP_GOING | OPT_FETCH_LIMIT | OPT_FETCH_MAX | OPT_SOURCE | OPT_VERBOSE |
				   OPT_NO_PAGE_CACHE,
			   0);
	if (rc)
		return rc;
	if (o.help) {
		fputs(build_help, stdout);
		return EXIT_OK;
	}
	pub_install_signal_handlers();
	o.site.trend = 1;
	o.site.skip_unchanged = 1;
	o.site.search_early = 1;
	o.site.page_cache = !o.no_page_cache;
	site_t s;
	rc = site_load(&s, &o.site);
	if (rc == SITE_UP_TO_DATE) {
		char *out = site_output_dir(&s);
		pub_sweep(out, s.root, s.tree); /* what killed builds left, even when nothing is rebuilt */
		print_build_diags(&s.diags, &o); /* the last build's, said again (diagrec.h) */
		if (!o.site.quiet) {
			char *counts = diag_counts_line(&s.diags);
			fprintf(stderr, "almanac: %s is up to date (nothing changed since it was built)%s%s%s\n", out,
				counts[0] ? "; " : "", counts,
				diag_count(&s.diags, DIAG_ERROR) ? " (build --strict fails on errors)" : "");
			free(counts);
		}
		free(out);
		site_free(&s);
		return EXIT_OK;
	}
	if (rc) {
		/* no repository or an unreadable config: the output folder is not even known */
		char *out = s.root ? site_output_dir(&s) : xstrdup(o.site.out ? o.site.out : "the output folder");
		print_build_diags(&s.diags, &o);
		print_failure(&s.diags, 0, out);
		free(out);
		site_free(&s);
		return cli_exit_for(rc);
	}
	char *out = site_output_dir(&s);
	size_t errors = diag_count(&s.diags, DIAG_ERROR);
	if (o.site.strict && errors) {
		print_build_diags(&s.diags, &o);
		char *counts = diag_counts_line(&s.diags);
		fprintf(stderr, "almanac: build failed: --strict and %s; %s was not changed\n", counts, out);
		free(counts);
		free(out);
		dating_release(&s);
		site_free(&s);
		return EXIT_CONTENT;
	}
	size_t loaded = s.diags.len; /* what render_site adds from here made it fail, if it fails */
	rc = render_site(&s, out);
	diag_list_t failing; /* those, before print_build_diags sorts them among the others */
	diag_init(&failing);
	if (rc != 0)
		diag_add_each(&failing, s.diags.items + loaded, s.diags.len - loaded, NULL);
	print_build_diags(&s.diags, &o);
	size_t published = 0;
	for (size_t i = 0; i < s.npages; i++)
		published += !(s.pages[i].draft && !o.site.drafts);
	if (rc == 0 && s.cache_dir && !pub_interrupted() && !s.history_partial)
		diagrec_save(s.cache_dir, s.fingerprint, &s.diags); /* said again while nothing changes */
	if (rc == 0 && !o.site.quiet) {
		char *counts = diag_counts_line(&s.diags);
		errors = diag_count(&s.diags, DIAG_ERROR);
		fprintf(stderr, "almanac: built %zu page%s into %s%s%s%s\n", published, published == 1 ? "" : "s", out,
			counts[0] ? "; " : "", counts, errors ? " (build --strict fails on errors)" : "");
		free(counts);
	} else if (rc != 0) {
		print_failure(&failing, 0, out);
	}
	diag_free(&failing);
	free(out);
	timing_mark("print diagnostics");
	cli_site_done(&s);
	double wall, cpu;
	if (timing_enabled() && pub_since_interrupt(&wall, &cpu))
		fprintf(stderr, "  stopped %.1f ms wall, %.1f ms cpu after the signal\n", wall, cpu);
	if (pub_interrupted())
		return 130;
	return cli_exit_for(rc);
}
