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
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "fsutil.h"
#include "pubkeep.h"
#include "timing.h"
#include "tmpdir.h"

/* set by the handler, read by every thread (a lock-free atomic: safe in a handler) */
static atomic_int pub_signal;
/* when the first signal came (clock_gettime is async-signal-safe) */
static struct timespec pub_signal_wall, pub_signal_cpu;

static void on_signal(int sig)
{
	if (!atomic_load(&pub_signal)) {
		clock_gettime(CLOCK_MONOTONIC, &pub_signal_wall);
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &pub_signal_cpu);
	}
	atomic_store(&pub_signal, sig);
}

static double ms_since(clockid_t id, const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(id, &t);
	return (t.tv_sec - t0->tv_sec) * 1000.0 + (t.tv_nsec - t0->tv_nsec) / 1e6;
}

int pub_since_interrupt(double *wall_ms, double *cpu_ms)
{
	if (!pub_interrupted())
		return 0;
	*wall_ms = ms_since(CLOCK_MONOTONIC, &pub_signal_wall);
	*cpu_ms = ms_since(CLOCK_PROCESS_CPUTIME_ID, &pub_signal_cpu);
	return 1;
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

/* 1 when the folder `name` of `dirfd` has no entry (or cannot be read). */
static int dir_is_empty_at(int dirfd, const char *name, int follow)
{
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW));
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return 1;
	}
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

/* The output's parent folder, made when missing: through `repo` when it lies in the repository
 * (root `rootn`), as given otherwise (the operator's path). Returns an O_PATH descriptor, or a
 * PR_E* code. */
static int open_parent(const char *parent, const char *rootn, const pr_root_t *repo)
{
	if (repo && is_within(parent, rootn)) {
		const char *rel = parent + strlen(rootn);
		while (*rel == '/')
			rel++;
		int rc = rel[0] ? pr_mkdirs(repo, rel) : 0;
		return rc < 0 ? rc : pr_open(repo, rel, O_PATH | O_DIRECTORY);
	}
	if (fsu_mkdirs(parent, 0755) != 0)
		return PR_EIO;
	int fd = open(parent, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return fd >= 0 ? fd : PR_EIO;
}

/* 1 when the open folder `fd` is still the output folder (the parent's
 * `p->out_name`: same device and inode). */
static int is_out(const pub_t *p, int fd)
{
	struct stat a, b;
	return fstat(fd, &a) == 0 && fstatat(p->parent_fd, p->out_name, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* The output folder, locked (a descriptor to close) when it is still the
 * folder `p->out_name` of the parent (`prev`); else -1 (errno EWOULDBLOCK
 * when another build holds it, ESTALE when it was replaced). */
static int lock_out(const pub_t *p, const pr_root_t *prev)
{
	int fd = openat(pr_root_fd(prev), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	if (!is_out(p, fd)) {
		close(fd);
		errno = ESTALE; /* replaced meanwhile */
		return -1;
	}
	return fd;
}

/* Keep the previous site's files (pubkeep.h), holding the output folder's
 * lock from now to the end of the build: another build into the same output
 * waits, so that what this one found kept is still there when it commits
 * (two builds comparing with one site and committing one after the other
 * published the first one's files as the second's). When the folder was
 * replaced while waiting (the other build swapped its site in), the new one
 * is taken. Returns 0 (p->keep NULL when there is no site to keep), or -1
 * when interrupted while waiting. */
static int keep_prev(pub_t *p)
{
	int waited = 0;
	for (int tries = 0; tries < 64 && !pub_interrupted(); tries++) {
		struct stat st;
		pr_root_t *prev;
		if (fstatat(p->parent_fd, p->out_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode) ||
		    pr_root_open_at(&prev, p->parent_fd, p->out_name, p->out, PR_NOLINKS) != 0)
			return 0; /* gone, or not a folder: nothing to keep, a whole swap as without a site */
		int fd = lock_out(p, prev);
		int busy = fd < 0 && errno == EWOULDBLOCK;
		if (busy && !waited) {
			fprintf(stderr, "almanac: waiting for another build into %s to finish\n", p->out);
			waited = 1;
		}
		/* polled, not a blocking flock: a signal just before it would not interrupt it */
		const struct timespec tick = {0, 20 * 1000 * 1000};
		while (busy && !pub_interrupted()) {
			nanosleep(&tick, NULL);
			fd = lock_out(p, prev);
			busy = fd < 0 && errno == EWOULDBLOCK;
		}
		if (fd >= 0) {
			p->keep = pubkeep_new(prev);
			p->keep_lock = fd;
			return 0;
		}
		pr_root_free(prev);
	}
	return pub_interrupted() ? -1 : 0;
}

int pub_begin(pub_t *p, const char *out_dir, const char *repo_root, const pr_root_t *repo, char *const *content,
	      size_t ncontent, diag_list_t *d)
{
	memset(p, 0, sizeof *p);
	p->parent_fd = p->lock_fd = p->keep_lock = -1;
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
	char *parent = fsu_dirname(out);
	if (!parent[0]) {
		free(parent);
		parent = xstrdup("/");
	}
	const char *base = strrchr(out, '/') + 1;
	int in_repo = is_within(out, root);
	int has_site = 0; /* the output is a non-empty folder with our marker, not a link: files to keep */
	if (!why) {
		int pfd = open_parent(parent, root, repo);
		if (pfd < 0) {
			diag_add(d, DIAG_ERROR, out, 0, 0, "output", "%s: %s",
				 pr_refused(pfd) ? "refusing to write the site here" : "cannot create the output's parent folder",
				 pr_refused(pfd) ? pr_strerror(pfd) : strerror(errno));
			free(parent);
			free(out);
			free(root);
			return -1;
		}
		p->parent_fd = pfd;
		struct stat lst, st;
		int exists = fstatat(pfd, base, &lst, AT_SYMLINK_NOFOLLOW) == 0;
		/* the operator's output may be a link (it is replaced by the site's folder); the
		 * repository's may not */
		int follow = !in_repo;
		if (exists && S_ISLNK(lst.st_mode) && !follow)
			why = "it is a symbolic link";
		else if (exists && fstatat(pfd, base, &st, follow ? 0 : AT_SYMLINK_NOFOLLOW) == 0) {
			if (S_ISDIR(st.st_mode) && !dir_is_empty_at(pfd, base, follow)) {
				char *marker = xasprintf("%s/%s", base, PUB_MARKER);
				struct stat ms;
				if (fstatat(pfd, marker, &ms, follow ? 0 : AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(ms.st_mode))
					why = "it is a non-empty folder that Almanac did not create (no " PUB_MARKER
					      " marker); empty it or choose another --out";
				else
					has_site = S_ISDIR(lst.st_mode); /* a site of ours, not through a link */
				free(marker);
			} else if (!S_ISDIR(st.st_mode)) {
				why = "it is a file";
			}
		}
	}
	free(root);
	if (why) {
		diag_add(d, DIAG_ERROR, out, 0, 0, "output", "refusing to write the site here: %s", why);
		if (p->parent_fd >= 0)
			close(p->parent_fd);
		p->parent_fd = -1;
		free(parent);
		free(out);
		return -1;
	}
	/* folders of killed builds of this output, then ours */
	char *prefix = xasprintf(PUB_TMP_PREFIX "%s-", base);
	tmpd_sweep(p->parent_fd, prefix);
	p->lock_fd = tmpd_create(p->parent_fd, prefix, 0, &p->tmp_name);
	free(prefix);
	if (p->lock_fd >= 0)
		p->tmp = xasprintf("%s/%s", strcmp(parent, "/") ? parent : "", p->tmp_name);
	if (p->lock_fd < 0 || pr_root_open_at(&p->root, p->parent_fd, p->tmp_name, p->tmp, PR_BENEATH) != 0) {
		diag_add(d, DIAG_ERROR, out, 0, 0, "output", "cannot create a temporary folder beside the output: %s",
			 strerror(errno));
		free(parent);
		p->out = out;
		pub_abort(p);
		return -1;
	}
	free(parent);
	p->out_name = xstrdup(base);
	p->out = out;
	if (has_site && keep_prev(p) != 0) {
		diag_add(d, DIAG_ERROR, out, 0, 0, "interrupted", "build interrupted; the previous site is untouched");
		pub_abort(p);
		return -1;
	}
	return 0;
}

void pub_sweep(const char *out_dir, const char *repo_root, const pr_root_t *repo)
{
	char *out = strip_slash(out_dir);
	char *root = strip_slash(repo_root);
	char *parent = fsu_dirname(out);
	const char *base = strrchr(out, '/');
	int pfd = -1;
	if (base && parent[0]) {
		if (repo && is_within(parent, root)) {
			const char *rel = parent + strlen(root);
			while (*rel == '/')
				rel++;
			pfd = pr_open(repo, rel, O_PATH | O_DIRECTORY);
		} else {
			pfd = open(parent, O_PATH | O_DIRECTORY | O_CLOEXEC);
		}
	}
	if (pfd >= 0) {
		char *prefix = xasprintf(PUB_TMP_PREFIX "%s-", base + 1);
		tmpd_sweep(pfd, prefix);
		free(prefix);
		close(pfd);
	}
	free(parent);
	free(root);
	free(out);
}

int pub_open_dir(pub_t *p, const char *dir)
{
	memset(p, 0, sizeof *p);
	p->parent_fd = p->lock_fd = p->keep_lock = -1;
	if (pr_root_open(&p->root, dir, PR_BENEATH) != 0)
		return -1;
	p->tmp = xstrdup(dir);
	return 0;
}

static int swap_in(pub_t *p, diag_list_t *d);

int pub_commit(pub_t *p, const char *stamp, diag_list_t *d)
{
	char *text = xasprintf("almanac site\ninputs %s\n", stamp ? stamp : "-");
	int wrc = pr_write(p->root, PUB_MARKER, text, strlen(text));
	free(text);
	if (wrc != 0) {
		diag_add(d, DIAG_ERROR, p->out, 0, 0, "output", "cannot write the site: %s", pr_strerror(wrc));
		return -1;
	}
	if (p->keep && is_out(p, p->keep_lock) && pubkeep_in_place(p->keep))
		/* the temporary folder (its empty folders) is removed by pub_abort */
		return pubkeep_apply(p->keep, p->root, PUB_MARKER, "almanac site\ninputs -\n", p->out, p->files_record, d);
	if (p->keep && pubkeep_link_kept(p->keep, p->root, p->out, d) != 0)
		return -1;
	int rc = swap_in(p, d);
	if (rc == 0 && p->keep && p->files_record) { /* p->root is now the output folder */
		int recorded = pubkeep_record_swapped(p->keep, p->root, p->out, PUB_MARKER, p->files_record) == 0;
		if (timing_enabled())
			fprintf(stderr, "  previous site: the whole site swapped in; %s\n",
				recorded ? "recorded for the next build" : "not recorded");
	}
	return rc;
}

/* Swap the temporary folder in as the output folder, and remove the old one. */
static int swap_in(pub_t *p, diag_list_t *d)
{
	struct stat st;
	if (fstatat(p->parent_fd, p->out_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		if (renameat(p->parent_fd, p->tmp_name, p->parent_fd, p->out_name) != 0) {
			diag_add(d, DIAG_ERROR, p->out, 0, 0, "output", "cannot move the new site in place: %s",
				 strerror(errno));
			return -1;
		}
		free(p->tmp_name);
		p->tmp_name = NULL;
		return 0;
	}
	/* atomic exchange: readers see the old site or the new one, never a mix */
	if (renameat2(p->parent_fd, p->tmp_name, p->parent_fd, p->out_name, RENAME_EXCHANGE) == 0) {
		pr_remove_at(p->parent_fd, p->tmp_name); /* now holds the old site */
		free(p->tmp_name);
		p->tmp_name = NULL;
		return 0;
	}
	char *old = xasprintf("%s.old", p->tmp_name);
	if (renameat(p->parent_fd, p->out_name, p->parent_fd, old) != 0 ||
	    renameat(p->parent_fd, p->tmp_name, p->parent_fd, p->out_name) != 0) {
		diag_add(d, DIAG_ERROR, p->out, 0, 0, "output", "cannot swap the new site in: %s", strerror(errno));
		if (fstatat(p->parent_fd, p->out_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			renameat(p->parent_fd, old, p->parent_fd, p->out_name);
		free(old);
		return -1;
	}
	pr_remove_at(p->parent_fd, old);
	free(old);
	free(p->tmp_name);
	p->tmp_name = NULL;
	return 0;
}

void pub_abort(pub_t *p)
{
	pubkeep_free(p->keep);
	pr_root_free(p->root);
	if (p->tmp_name && p->parent_fd >= 0)
		pr_remove_at(p->parent_fd, p->tmp_name);
	if (p->lock_fd >= 0)
		close(p->lock_fd); /* after the removal: a sweeping build must not take it meanwhile */
	if (p->keep_lock >= 0)
		close(p->keep_lock); /* after the commit: a build waiting for the output may go on */
	if (p->parent_fd >= 0)
		close(p->parent_fd);
	free(p->tmp);
	free(p->out);
	free(p->out_name);
	free(p->tmp_name);
	free(p->files_record);
	memset(p, 0, sizeof *p);
	p->parent_fd = p->lock_fd = p->keep_lock = -1;
}

struct pub_early {
	pubkeep_t *k; /* over the output folder as opened before the build began, checking the record */
};

pub_early_t *pub_early_check(const char *out_dir, const char *record)
{
	char *out = strip_slash(out_dir);
	pr_root_t *root;
	pub_early_t *e = NULL;
	if (strcmp(out, "/") != 0 && pr_root_open(&root, out, PR_NOLINKS) == 0) {
		e = xcalloc(1, sizeof *e);
		e->k = pubkeep_new(root);
		pubkeep_check_record(e->k, record, out, PUB_MARKER);
	}
	free(out);
	return e;
}

void pub_early_free(pub_early_t *e)
{
	if (!e)
		return;
	pubkeep_free(e->k);
	free(e);
}

void pub_record_files(pub_t *p, const char *path, pub_early_t *early)
{
	free(p->files_record);
	p->files_record = path ? xstrdup(path) : NULL;
	if (p->keep && !(early && pubkeep_adopt_check(p->keep, early->k)))
		pubkeep_check_record(p->keep, p->files_record, p->out, PUB_MARKER);
	pub_early_free(early);
}

void pub_record_wait(pub_t *p)
{
	if (p->keep)
		pubkeep_check_wait(p->keep);
}

int pub_write_stat(const pub_t *p, const char *rel, const void *data, size_t len, struct stat *st)
{
	if (strchr(rel, '\\'))
		return -2;
	if (p->keep && pubkeep_same(p->keep, rel, data, len, st))
		return 0;
	int rc = pr_write(p->root, rel, data, len);
	if (rc == 0 && p->keep)
		pubkeep_staged(p->keep, rel);
	if (rc == 0 && st && pr_stat(p->root, rel, st) != 0)
		memset(st, 0, sizeof *st); /* no identity: never matched by the next build */
	return rc == 0 ? 0 : rc == PR_EIO ? -1 : -2;
}

int pub_write(const pub_t *p, const char *rel, const void *data, size_t len)
{
	return pub_write_stat(p, rel, data, len, NULL);
}

int pub_kept_as(const pub_t *p, const char *rel, uint64_t size, int64_t mtime_ns, uint64_t ino)
{
	return p->keep && pubkeep_same_stat(p->keep, rel, size, mtime_ns, ino);
}

int pub_read_prev(const pub_t *p, const char *rel, void *buf, size_t size)
{
	return p->keep && !strchr(rel, '\\') && pubkeep_read(p->keep, rel, buf, size);
}

int pub_copy(const pub_t *p, const pr_root_t *from, const char *src, const char *rel)
{
	if (p->keep && pubkeep_same_file(p->keep, rel, from, src))
		return 0;
	int rc = pr_copy(from, src, p->root, rel);
	if (rc == 0 && p->keep)
		pubkeep_staged(p->keep, rel);
	return rc;
}
