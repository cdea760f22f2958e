/* pagetype.c - default page types. See pagetype.h. */
#include "pagetype.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alerts.h"
#include "buf.h"

static const char *const runbook_folders[] = {"runbooks", "runbook", "playbooks", "playbook", "alerts", "alert"};
static const char *const role_folders[] = {"roles", "role"};
static const char *const runbook_files[] = {"runbook", "runbooks", "playbook", "playbooks"};

static int one_of(const char *s, size_t n, const char *const *names, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (strlen(names[i]) == n && !strncasecmp(s, names[i], n))
			return 1;
	return 0;
}

const char *pagetype_default(const site_t *s, const char *src)
{
	const char *type = NULL;
	const char *seg = src;
	for (const char *slash; (slash = strchr(seg, '/')); seg = slash + 1) {
		size_t n = (size_t)(slash - seg);
		if (one_of(seg, n, runbook_folders, sizeof runbook_folders / sizeof *runbook_folders))
			type = "runbook";
		else if (one_of(seg, n, role_folders, sizeof role_folders / sizeof *role_folders))
			type = "role";
	}
	if (type)
		return type;
	/* seg is the file name */
	size_t n = strlen(seg);
	if (n > 3 && !strcmp(seg + n - 3, ".md"))
		n -= 3;
	if (one_of(seg, n, runbook_files, sizeof runbook_files / sizeof *runbook_files))
		return "runbook";
	if (s && s->nalerts) {
		/* the alerts module's rule: a page file named <AlertName>.md answers that catalog alert */
		char *stem = xstrndup(seg, n);
		int hit = alerts_file_name_match(s, stem) != NULL;
		free(stem);
		if (hit)
			return "runbook";
	}
	return "guide";
}
