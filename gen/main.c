/* main.c - the almanac command: a table of subcommands. */
#include <git2.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "markdown.h"
#include "procmem.h"
#include "suggest.h"
#include "version.h"

typedef struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *description;
} command_t;

static const command_t commands[] = {
	{"build", cmd_build, "build the static site from the repository"},
	{"serve", cmd_serve, "preview the site with live reload on 127.0.0.1:8080"},
	{"check", cmd_check, "check front matter, links and anchors without writing a site"},
	{"report", cmd_report, "documentation-freshness report (text, json, csv, html)"},
	{"new", cmd_new, "scaffold a runbook, role or guide page with front matter"},
};
#define NCOMMANDS (sizeof commands / sizeof *commands)

static void usage(FILE *f)
{
	fputs("Usage: almanac COMMAND [OPTIONS]\n\n"
	      "Almanac builds a static site from a Git repository of Markdown runbooks and\n"
	      "role pages, dates every page by its last commit and reports documentation\n"
	      "freshness.\n\nCommands:\n", f);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].description);
	fputs("\nOptions:\n  --help     show this help (almanac COMMAND --help for a command's options)\n"
	      "  --version  print the version and the commit it was built from\n\n"
	      "Exit codes: 0 ok, 1 content errors, 2 usage error, 3 freshness below --fail-under,\n"
	      "4 environment error (not a Git repository, output folder unsafe or not writable).\n", f);
}

/* The value of --repo (or --repo=) among the arguments, "." when absent:
 * enough for pm_reexec_hugepages's size estimate (the command parses its options). */
static const char *repo_arg(int argc, char **argv)
{
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--repo") && i + 1 < argc)
			return argv[i + 1];
		if (!strncmp(argv[i], "--repo=", 7))
			return argv[i] + 7;
	}
	return ".";
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
		printf("almanac %s (%s)\n", ALMANAC_VERSION, ALMANAC_COMMIT);
		return EXIT_OK;
	}
	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (strcmp(commands[i].name, cmd))
			continue;
		if (strcmp(cmd, "new") != 0)
			pm_reexec_hugepages(argv, repo_arg(argc, argv));
		if (strcmp(cmd, "serve") != 0)
			pm_tune_malloc_for_batch();
		git_libgit2_init();
		/* a sparse checkout (git sparse-checkout; actions/checkout's sparse-checkout:, on a partial
		 * clone, so repositoryformatversion 1) keeps its cone in config.worktree, an extension libgit2
		 * 1.5 refuses to open. It only decides which files git writes into the work tree: Almanac reads
		 * the work tree as it is and the history from the objects, so the extension is safe to accept */
		const char *extensions[] = {"worktreeconfig"};
		git_libgit2_opts(GIT_OPT_SET_EXTENSIONS, extensions, (size_t)1);
		md_init();
		int rc = commands[i].fn(argc - 2, argv + 2);
		git_libgit2_shutdown();
		return rc;
	}
	const char *names[NCOMMANDS];
	for (size_t i = 0; i < NCOMMANDS; i++)
		names[i] = commands[i].name;
	const char *sug = suggest_closest(cmd, names, NCOMMANDS, 2);
	if (sug)
		fprintf(stderr, "almanac: unknown command '%s'; did you mean '%s'?\n", cmd, sug);
	else
		fprintf(stderr, "almanac: unknown command '%s'\n", cmd);
	fputs("Try 'almanac --help'.\n", stderr);
	return EXIT_USAGE;
}
