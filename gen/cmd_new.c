/* cmd_new.c - almanac new runbook|role|guide PATH: scaffold a page. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "commands.h"
#include "fsutil.h"

static const char new_help[] =
	"Usage: almanac new runbook|role|guide PATH\n\n"
	"Create PATH (a .md file) with the front matter of the kind and the section\n"
	"headings a page of that kind needs. Refuses to overwrite an existing file.\n";

static char *title_from_path(const char *path)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	size_t n = strlen(b);
	if (n > 3 && !strcmp(b + n - 3, ".md"))
		n -= 3;
	char *t = xstrndup(b, n);
	for (char *p = t; *p; p++)
		if (*p == '-' || *p == '_')
			*p = ' ';
	if (t[0] >= 'a' && t[0] <= 'z')
		t[0] = (char)(t[0] - 'a' + 'A');
	return t;
}

int cmd_new(int argc, char **argv)
{
	cli_opts_t o;
	int rc = cli_parse(&o, "new", argc, argv, 0, 2);
	if (rc)
		return rc;
	if (o.help) {
		fputs(new_help, stdout);
		return EXIT_OK;
	}
	if (o.npositional != 2) {
		fputs("almanac new: expected a kind (runbook, role or guide) and a PATH\nTry 'almanac new --help'.\n", stderr);
		return EXIT_USAGE;
	}
	const char *kind = o.positional[0], *path = o.positional[1];
	if (strcmp(kind, "runbook") && strcmp(kind, "role") && strcmp(kind, "guide")) {
		fprintf(stderr, "almanac new: unknown kind '%s': expected runbook, role or guide\n", kind);
		return EXIT_USAGE;
	}
	if (!fsu_ends_with(path, ".md")) {
		fprintf(stderr, "almanac new: PATH must end with .md, not '%s'\n", path);
		return EXIT_USAGE;
	}
	if (fsu_is_file(path)) {
		fprintf(stderr, "almanac new: %s already exists; not overwritten\n", path);
		return EXIT_ENV;
	}
	char *title = title_from_path(path);
	buf_t b = BUF_INIT;
	buf_printf(&b, "---\ntitle: %s\n", title);
	if (!strcmp(kind, "runbook")) {
		buf_puts(&b, "owner: \ncriticality: high\nreview_interval: 90d\nalerts: []\ntags: []\nrelated: []\n---\n\n"
			     "## Symptoms\n\nWhat the on-call engineer sees (alerts, dashboards, user reports).\n\n"
			     "## Impact\n\nWho is affected and how badly.\n\n"
			     "## Diagnosis\n\n1. First check:\n\n   ```sh\n   kubectl get pods -A\n   ```\n\n"
			     "## Mitigation\n\nSteps that stop the damage.\n\n## Rollback\n\nHow to undo the mitigation.\n\n"
			     "## Escalation\n\nWho to call when this runbook does not help.\n\n## Related\n\n");
	} else if (!strcmp(kind, "role")) {
		buf_puts(&b, "type: role\nowner: \nlevel: \nreview_interval: 1y\ntags: []\n---\n\n"
			     "## Role Summary\n\n## Responsibilities\n\n## Runbooks owned\n\n"
			     "Runbooks whose `owner` is this page's file name are listed below automatically.\n");
	} else {
		buf_puts(&b, "type: guide\nowner: \nreview_interval: 180d\ntags: []\n---\n\n## Overview\n\n");
	}
	int wrc = fsu_write_file(path, b.s, b.len);
	buf_free(&b);
	free(title);
	if (wrc != 0) {
		fprintf(stderr, "almanac new: cannot write %s: %s\n", path, strerror(errno));
		return EXIT_ENV;
	}
	printf("created %s\n", path);
	return EXIT_OK;
}
