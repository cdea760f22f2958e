/* cmd_build.c - almanac build. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "dating.h"
#include "publish.h"
#include "render.h"
#include "timing.h"

static const char build_help[] =
	"Usage: almanac build [--repo DIR] [--out DIR] [--config FILE] [--base-url URL]\n"
	"                     [--now TIME] [--jobs N] [--strict] [--quiet] [--no-git-dates] [--drafts]\n"
	"                     [--alert-rules PATH]...\n\n"
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
	"  --no-git-dates   skip the history walk (pages are dated 'unknown')\n"
	"  --drafts         include pages with draft: true\n"
	"  --alert-rules PATH  Prometheus rule files (a file, folder or glob; repeatable) whose\n"
	"                   alerts join the catalog and whose runbook_url annotations are checked\n";

int cmd_build(int argc, char **argv)
{
	cli_opts_t o;
	int rc = cli_parse(&o, "build", argc, argv,
			   OPT_REPO | OPT_OUT | OPT_CONFIG | OPT_BASE_URL | OPT_NOW | OPT_JOBS | OPT_STRICT | OPT_QUIET |
				   OPT_NO_GIT | OPT_DRAFTS | OPT_ALERT_RULES,
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
	site_t s;
	rc = site_load(&s, &o.site);
	if (rc == SITE_UP_TO_DATE) {
		char *out = site_output_dir(&s);
		pub_sweep(out, s.root, s.tree); /* what killed builds left, even when nothing is rebuilt */
		if (!o.site.quiet)
			fprintf(stderr, "almanac: %s is up to date (nothing changed since it was built)\n", out);
		free(out);
		site_free(&s);
		return EXIT_OK;
	}
	if (rc) {
		cli_print_diags(&s.diags, 0);
		site_free(&s);
		return cli_exit_for(rc);
	}
	size_t errors = diag_count(&s.diags, DIAG_ERROR);
	if (o.site.strict && errors) {
		cli_print_diags(&s.diags, 0);
		fprintf(stderr, "almanac: %zu error%s (--strict): nothing was written\n", errors, errors == 1 ? "" : "s");
		dating_release(&s);
		site_free(&s);
		return EXIT_CONTENT;
	}
	char *out = site_output_dir(&s);
	rc = render_site(&s, out);
	errors = diag_count(&s.diags, DIAG_ERROR);
	cli_print_diags(&s.diags, rc == 0);
	size_t published = 0;
	for (size_t i = 0; i < s.npages; i++)
		published += !(s.pages[i].draft && !o.site.drafts);
	if (rc == 0 && !o.site.quiet)
		fprintf(stderr, "almanac: built %zu page%s into %s%s\n", published, published == 1 ? "" : "s", out,
			errors ? " (with warnings)" : "");
	else if (rc != 0)
		fprintf(stderr, "almanac: build failed; %s was not changed\n", out);
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
