/* publish.c - atomic, safe output. See publish.h. */
#define _GNU_SOURCE
#include "publish.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "fsutil.h"

/* set by the handler, read by every thread (a lock-free atomic: safe in a handler) */
static atomic_int pub_signal;

static void on_signal(int sig)
{
	atomic_store(&pub_signal, sig);
}

void pub_install_signal_handlers(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int pub_interrupted(void)
{
	return atomic_load(&pub_signal) != 0;
}

const atomic_int *pub_interrupt_flag(void)
{
	return &pub_signal;
}

/* 1 when `a` is `b` or inside it (both normalised absolute, no trailing slash). */
static int is_within(const char *a, const char *b)
{
	size_t n = strlen(b);
	if (n == 1 && b[0] == '/')
		return 1;
	return !strncmp(a, b, n) && (a[n] == '\0' || a[n] == '/');
}

static char *strip_slash(const char *p)
{
	char *n = fsu_normalize(p);
	if (!n)
		n = xstrdup(p);
	size_t l = strlen(n);
	if (l > 1 && n[l - 1] == '/')
		n[l - 1] = '\0';
	return n;
}

static int dir_is_empty(const char *path)
{
	DIR *d = opendir(path);
	if (!d)
		return 1;
	struct dirent *e;
	int empty = 1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			empty = 0;
			break;
		}
	closedir(d);
	return empty;
}

int pub_begin(pub_t *p, const char *out_dir, const char *repo_root, char *const *content, size_t ncontent,
	      diag_list_t *d)
{
	memset(p, 0, sizeof *p);
	char *out = strip_slash(out_dir);
	char *root = strip_slash(repo_root);
	const char *why = NULL;
	char *gitdir = xasprintf("%s/.git", root);
	if (!strcmp(out, "/"))
		why = "it is the file-system root";
	else if (is_within(root, out))
		why = "it is the repository itself (or contains it)";
	else if (is_within(out, gitdir))
		why = "it is inside .git";
	for (size_t i = 0; !why && i < ncontent; i++) {
		char *c = xasprintf("%s/%s", root, content[i]);
		if (is_within(out, c) || is_within(c, out))
			why = "it is a content folder (or contains one)";
		free(c);
	}
	free(gitdir);
	if (!why && fsu_is_dir(out) && !dir_is_empty(out)) {
		char *marker = xasprintf("%s/%s", out, PUB_MARKER);
		if (!fsu_is_file(marker))
			why = "it is a non-empty folder that Almanac did not create (no " PUB_MARKER " marker); "
			      "empty it or choose another --out";
		free(marker);
	}
	if (!why && fsu_is_file(out))
		why = "it is a file";
	if (why) {
		diag_add(d, DIAG_ERROR, out, 0, 0, "output", "refusing to write the site here: %s", why);
		free(out);
		free(root);
		return -1;
	}
	free(root);
	char *parent = fsu_dirname(out);
	if (!parent[0]) {
		free(parent);
		parent = xstrdup("/");
	}
	if (fsu_mkdirs(parent, 0755) != 0) {
		diag_add(d, DIAG_ERROR, out, 0, 0, "output", "cannot create the output's parent folder: %s",
			 strerror(errno));
		free(parent);
		free(out);
		return -1;
	}
	const char *base = strrchr(out, '/') + 1;
	p->tmp = xasprintf("%s/.almanac-tmp-%s-%ld", strcmp(parent, "/") ? parent : "", base, (long)getpid());
	free(parent);
	fsu_remove_tree(p->tmp);
	if (mkdir(p->tmp, 0755) != 0) {
		diag_add(d, DIAG_ERROR, out, 0, 0, "output", "cannot create a temporary folder beside the output: %s",
			 strerror(errno));
		free(p->tmp);
		free(out);
		p->tmp = NULL;
		return -1;
	}
	p->out = out;
	return 0;
}

int pub_commit(pub_t *p, const char *stamp, diag_list_t *d)
{
	char *marker = xasprintf("%s/%s", p->tmp, PUB_MARKER);
	char *text = xasprintf("almanac site\ninputs %s\n", stamp ? stamp : "-");
	fsu_write_file(marker, text, strlen(text));
	free(text);
	free(marker);
	if (!fsu_is_dir(p->out)) {
		if (rename(p->tmp, p->out) != 0) {
			diag_add(d, DIAG_ERROR, p->out, 0, 0, "output", "cannot move the new site in place: %s",
				 strerror(errno));
			return -1;
		}
		return 0;
	}
	/* atomic exchange: readers see the old site or the new one, never a mix */
	if (renameat2(AT_FDCWD, p->tmp, AT_FDCWD, p->out, RENAME_EXCHANGE) == 0) {
		fsu_remove_tree(p->tmp); /* now holds the old site */
		return 0;
	}
	char *old = xasprintf("%s.old", p->tmp);
	if (rename(p->out, old) != 0 || rename(p->tmp, p->out) != 0) {
		diag_add(d, DIAG_ERROR, p->out, 0, 0, "output", "cannot swap the new site in: %s", strerror(errno));
		if (!fsu_is_dir(p->out))
			rename(old, p->out);
		free(old);
		return -1;
	}
	fsu_remove_tree(old);
	free(old);
	return 0;
}

void pub_abort(pub_t *p)
{
	if (p->tmp)
		fsu_remove_tree(p->tmp);
	free(p->tmp);
	free(p->out);
	p->tmp = p->out = NULL;
}

/* 1 when `rel` is certainly already normal ("a/b.html": non-empty segments, none "." or "..",
 * no trailing '/'), so fsu_normalize() would return it unchanged. */
static int rel_is_plain(const char *rel)
{
	const char *seg = rel;
	for (const char *p = rel;; p++) {
		if (*p != '/' && *p)
			continue;
		size_t n = (size_t)(p - seg);
		if (!n || (n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.'))
			return 0;
		if (!*p)
			return 1;
		seg = p + 1;
	}
}

int pub_write(const char *root, const char *rel, const void *data, size_t len)
{
	if (rel[0] == '/' || strchr(rel, '\\'))
		return -2;
	if (!rel_is_plain(rel)) {
		char *n = fsu_normalize(rel);
		if (!n || strcmp(n, rel)) {
			free(n);
			return -2;
		}
		free(n);
	}
	char *abs = fsu_join(root, rel);
	/* a page's index.html usually goes into a folder of its own that does not exist yet: make it
	 * first rather than fail one open() (fsu_write_file makes any other missing folder) */
	if (fsu_ends_with(rel, "/index.html")) {
		char *dir = fsu_dirname(abs);
		fsu_mkdirs(dir, 0755);
		free(dir);
	}
	int rc = fsu_write_file(abs, data, len);
	free(abs);
	return rc;
}
