/* githelp.c - Git repository fixtures for the unit tests (see githelp.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "githelp.h"

int gh_repo_init(char *dir, size_t size, const char *prefix)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, size, "%s/%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", prefix);
	if (!mkdtemp(dir))
		return -1;
	char *cmd = xasprintf("cd '%s' && git init -q -b main . && git config user.name T && "
			      "git config user.email t@example.com && git config commit.gpgsign false",
			      dir);
	int rc = system(cmd);
	free(cmd);
	return rc == 0 ? 0 : -1;
}

int gh_rmrf(const char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	int rc = system(cmd);
	free(cmd);
	return rc == 0 ? 0 : -1;
}

/* "cd 'dir' && <pre><fmt formatted>" into *b. */
static void command_in(buf_t *b, const char *dir, const char *pre, const char *fmt, va_list ap)
{
	buf_printf(b, "cd '%s' && %s", dir, pre);
	buf_vprintf(b, fmt, ap);
}

void gh_sh(const char *dir, const char *fmt, ...)
{
	buf_t b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	command_in(&b, dir, "{ ", fmt, ap);
	va_end(ap);
	buf_puts(&b, "; } >/dev/null 2>&1");
	int rc = system(b.s);
	if (rc != 0)
		fail_msg("command failed (%d): %s", rc, b.s);
	buf_free(&b);
}

char *gh_sh_out(const char *dir, const char *fmt, ...)
{
	buf_t b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	command_in(&b, dir, "", fmt, ap);
	va_end(ap);
	FILE *p = popen(b.s, "r");
	if (!p)
		fail_msg("popen failed: %s", b.s);
	buf_t o = BUF_INIT;
	char line[4096];
	if (fgets(line, sizeof line, p))
		buf_puts(&o, line);
	while (fgets(line, sizeof line, p))
		;
	int rc = pclose(p);
	if (rc != 0)
		fail_msg("command failed (%d): %s", rc, b.s);
	buf_free(&b);
	while (o.len && (o.s[o.len - 1] == '\n' || o.s[o.len - 1] == '\r'))
		o.s[--o.len] = '\0';
	return buf_detach(&o);
}

void gh_write_file(const char *dir, const char *rel, const char *text)
{
	char *p = xasprintf("%s/%s", dir, rel);
	char *slash = strrchr(p, '/');
	*slash = '\0';
	char *cmd = xasprintf("mkdir -p '%s'", p);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	*slash = '/';
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	free(p);
}

void gh_commit(const char *dir, const char *rel, const char *text, const char *date, const char *who,
	       const char *msg)
{
	gh_write_file(dir, rel, text);
	gh_sh(dir,
	      "git add -- '%s' && GIT_AUTHOR_DATE='%s' GIT_COMMITTER_DATE='%s' GIT_AUTHOR_NAME='%s' "
	      "GIT_AUTHOR_EMAIL='%s@example.com' GIT_COMMITTER_NAME='%s' GIT_COMMITTER_EMAIL='%s@example.com' "
	      "git commit -q -m '%s'",
	      rel, date, date, who, who, who, who, msg);
}

void gh_commits(const char *dir, const gh_commit_t *cs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		gh_commit(dir, cs[i].rel, cs[i].text, cs[i].date, cs[i].who, cs[i].msg);
}
