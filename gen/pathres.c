/* pathres.c - the trust boundary: paths resolved beneath a root. See pathres.h. */
#define _GNU_SOURCE
#include "pathres.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <linux/openat2.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fsutil.h"

struct pr_root {
	int fd;     /* O_PATH | O_DIRECTORY */
	int kind;
	char *path; /* absolute, normalised, no trailing '/' ("/" for the root of the file system) */
	char *real; /* the same, every link resolved (absolute links naming the root this way are inside) */
};

/* 0 once the kernel said it has no openat2: every later path takes the walk */
static atomic_int no_openat2;

int pr_root_open(pr_root_t **out, const char *path, int kind)
{
	*out = NULL;
	int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return PR_EIO;
	pr_root_t *r = xcalloc(1, sizeof *r);
	r->fd = fd;
	r->kind = kind;
	r->path = fsu_absolute(path);
	size_t n = strlen(r->path);
	if (n > 1 && r->path[n - 1] == '/')
		r->path[n - 1] = '\0';
	char real[PATH_MAX];
	r->real = xstrdup(realpath(path, real) ? real : r->path);
	*out = r;
	return 0;
}

int pr_root_open_at(pr_root_t **out, int at, const char *name, const char *path, int kind)
{
	*out = NULL;
	int fd = openat(at, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return PR_EIO;
	pr_root_t *r = xcalloc(1, sizeof *r);
	r->fd = fd;
	r->kind = kind;
	r->path = fsu_normalize(path);
	if (!r->path)
		r->path = xstrdup(path);
	size_t n = strlen(r->path);
	if (n > 1 && r->path[n - 1] == '/')
		r->path[n - 1] = '\0';
	r->real = xstrdup(r->path);
	*out = r;
	return 0;
}

void pr_root_free(pr_root_t *r)
{
	if (!r)
		return;
	close(r->fd);
	free(r->path);
	free(r->real);
	free(r);
}

int pr_root_fd(const pr_root_t *r)
{
	return r->fd;
}

const char *pr_strerror(int code)
{
	switch (code) {
	case PR_ETOOBIG: return "the file is too large";
	case PR_EOUTSIDE: return "symbolic link points outside the repository";
	case PR_EGIT: return "the path leads into .git";
	case PR_ELOOP: return "too many symbolic links (or folders nested too deep)";
	case PR_EUNSAFE: return "the path leaves the folder";
	default: return strerror(errno);
	}
}

const char *pr_link_message(int code)
{
	switch (code) {
	case PR_EGIT: return "symbolic link points into .git: not followed";
	case PR_ELOOP: return "symbolic link loops (or chains more than 40 links): not followed";
	case PR_EIO: return "symbolic link points to nothing: not followed";
	default: return "symbolic link points outside the repository: not followed";
	}
}

int pr_refused(int code)
{
	return code == PR_EOUTSIDE || code == PR_EGIT || code == PR_ELOOP;
}

/* 1 when `rel` is a plain relative path: non-empty segments, none "." or "..", no trailing '/'. */
static int rel_is_plain(const char *rel)
{
	if (!rel[0] || rel[0] == '/')
		return 0;
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

/* 1 when a segment of `rel` is ".git" in any letter case. */
static int has_git_segment(const char *rel)
{
	const char *seg = rel;
	for (const char *p = rel;; p++) {
		if (*p != '/' && *p)
			continue;
		if (p - seg == 4 && !strncasecmp(seg, ".git", 4))
			return 1;
		if (!*p)
			return 0;
		seg = p + 1;
	}
}

/* openat2 beneath the root without following any link: the descriptor, -1 (errno set), or -2
 * when the path must take the walk (a link on it, a path that is not plain, no openat2). */
static int fast_open(const pr_root_t *r, const char *rel, int flags, mode_t mode)
{
	if (atomic_load(&no_openat2) || !rel_is_plain(rel) || (r->kind == PR_REPO && has_git_segment(rel)))
		return -2;
	struct open_how how;
	memset(&how, 0, sizeof how);
	how.flags = (unsigned long long)(flags | O_CLOEXEC);
	how.mode = (flags & O_CREAT) ? mode : 0;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
	long fd = syscall(SYS_openat2, r->fd, rel, &how, sizeof how);
	if (fd >= 0)
		return (int)fd;
	if (errno == ENOSYS || errno == EPERM) { /* no openat2 (or a seccomp filter refusing it) */
		atomic_store(&no_openat2, 1);
		return -2;
	}
	if (errno == ELOOP || errno == EXDEV)
		return -2;
	return -1;
}

/* The part of the absolute link target `t` below the root ("" for the root itself), or NULL. */
static const char *inside_root(const pr_root_t *r, const char *t)
{
	const char *roots[2] = {r->real, r->path};
	for (int i = 0; i < 2; i++) {
		size_t n = strlen(roots[i]);
		if (n == 1) /* the root is "/": every absolute path is inside */
			return t + 1;
		if (!strncmp(t, roots[i], n) && (t[n] == '/' || t[n] == '\0'))
			return t + n;
	}
	return NULL;
}

/* The walk: resolve `rel` one component at a time from the root. The last component is opened
 * with `flags`; with `create`, missing folders on the way (and the last one, when `flags` has
 * O_DIRECTORY) are made. Returns a descriptor or a PR_E* code (errno kept for PR_EIO). */
static int walk(const pr_root_t *r, const char *rel, int flags, int create)
{
	int fds[PR_MAX_DEPTH + 1];
	int depth = 0, links = 0, rc = PR_EIO, err = 0;
	fds[0] = r->fd;
	char *pend = xstrdup(rel);
	size_t pos = 0;
	for (;;) {
		while (pend[pos] == '/')
			pos++;
		if (!pend[pos]) { /* the path names a folder already open ("", "a/..") */
			int fd = openat(fds[depth], ".", flags | O_CLOEXEC);
			rc = fd >= 0 ? fd : PR_EIO;
			err = errno;
			break;
		}
		size_t start = pos;
		while (pend[pos] && pend[pos] != '/')
			pos++;
		size_t len = pos - start;
		if (len > NAME_MAX) {
			err = ENAMETOOLONG;
			rc = PR_EIO;
			break;
		}
		char name[NAME_MAX + 1];
		memcpy(name, pend + start, len);
		name[len] = '\0';
		size_t look = pos;
		while (pend[look] == '/')
			look++;
		int last = !pend[look];
		if (!strcmp(name, "."))
			continue;
		if (!strcmp(name, "..")) {
			if (depth == 0) {
				rc = PR_EOUTSIDE;
				break;
			}
			close(fds[depth--]);
			continue;
		}
		if (r->kind == PR_REPO && !strcasecmp(name, ".git")) {
			rc = PR_EGIT;
			break;
		}
		int want_dir = !last || (flags & O_DIRECTORY);
		int fd;
		for (int tries = 0;; tries++) {
			if (last) {
				fd = openat(fds[depth], name, flags | O_NOFOLLOW | O_CLOEXEC, 0644);
				if (fd >= 0 && (flags & O_PATH)) { /* O_PATH | O_NOFOLLOW opens a link itself */
					struct stat st;
					if (fstat(fd, &st) == 0 && S_ISLNK(st.st_mode)) {
						close(fd);
						fd = -1;
						errno = ELOOP;
					}
				}
			} else {
				fd = openat(fds[depth], name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			}
			if (fd >= 0 || !create || !want_dir || errno != ENOENT || tries)
				break;
			if (mkdirat(fds[depth], name, 0755) != 0 && errno != EEXIST)
				break;
		}
		if (fd < 0) {
			err = errno;
			char target[PATH_MAX];
			ssize_t n = (err == ELOOP || err == ENOTDIR || err == EMLINK)
					    ? readlinkat(fds[depth], name, target, sizeof target - 1)
					    : -1;
			if (n < 0) { /* not a link: the error stands */
				rc = PR_EIO;
				break;
			}
			/* a symbolic link: its target is resolved again from where the link is */
			target[n] = '\0';
			if (++links > PR_MAX_LINKS || r->kind == PR_NOLINKS) {
				rc = PR_ELOOP;
				break;
			}
			const char *t = target;
			if (t[0] == '/') {
				t = inside_root(r, target);
				if (!t) {
					rc = PR_EOUTSIDE;
					break;
				}
				while (depth)
					close(fds[depth--]);
			}
			char *next = xasprintf("%s/%s", t, pend + pos);
			free(pend);
			pend = next;
			pos = 0;
			continue;
		}
		if (last) {
			rc = fd;
			break;
		}
		if (depth == PR_MAX_DEPTH) {
			close(fd);
			rc = PR_ELOOP;
			break;
		}
		fds[++depth] = fd;
	}
	while (depth)
		close(fds[depth--]);
	free(pend);
	if (rc == PR_EIO)
		errno = err ? err : EIO;
	return rc;
}

int pr_open(const pr_root_t *r, const char *rel, int flags)
{
	if (!r) { /* no root (a site made in memory): it holds no file */
		errno = ENOENT;
		return PR_EIO;
	}
	if (r->kind == PR_TRUSTED) {
		int fd = openat(r->fd, rel[0] ? rel : ".", flags | O_CLOEXEC);
		return fd >= 0 ? fd : PR_EIO;
	}
	/* a FIFO must not hang the build: open without waiting for a writer */
	int nb = (flags & O_ACCMODE) == O_RDONLY && !(flags & (O_PATH | O_NONBLOCK | O_DIRECTORY));
	int fd = fast_open(r, rel, flags | (nb ? O_NONBLOCK : 0), 0);
	if (fd == -1)
		return PR_EIO;
	if (fd < 0)
		fd = walk(r, rel, flags | (nb ? O_NONBLOCK : 0), 0);
	if (fd >= 0 && nb) {
		int fl = fcntl(fd, F_GETFL);
		if (fl >= 0)
			fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	}
	return fd;
}

int pr_stat(const pr_root_t *r, const char *rel, struct stat *st)
{
	int fd = pr_open(r, rel, O_PATH);
	if (fd < 0)
		return fd;
	int rc = fstat(fd, st) == 0 ? 0 : PR_EIO;
	int e = errno;
	close(fd);
	errno = e;
	return rc;
}

int pr_where(const pr_root_t *r, const char *rel, char **out)
{
	*out = NULL;
	int fd = pr_open(r, rel, O_PATH);
	if (fd < 0)
		return fd;
	char proc[32], at[PATH_MAX];
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	ssize_t n = readlink(proc, at, sizeof at - 1);
	int e = errno;
	close(fd);
	if (n < 0) {
		errno = e;
		return PR_EIO;
	}
	at[n] = '\0';
	size_t rl = strlen(r->real);
	if (strncmp(at, r->real, rl) || (at[rl] != '/' && at[rl] != '\0' && strcmp(r->real, "/"))) {
		errno = EXDEV; /* renamed away while open: not a path of this root any more */
		return PR_EIO;
	}
	const char *in = at + rl;
	while (*in == '/')
		in++;
	*out = xstrdup(in);
	return 0;
}

/* Open the regular file `rel` to read it, its stat data in *st: a descriptor, or a PR_E* code
 * (PR_EIO with EISDIR or EINVAL for what is not a regular file). The descriptor may be
 * non-blocking (a FIFO is refused, not waited for): for a regular file that changes nothing. */
static int open_regular(const pr_root_t *r, const char *rel, struct stat *st)
{
	int fd = pr_open(r, rel, O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return fd;
	int ok = fstat(fd, st) == 0;
	if (ok && S_ISREG(st->st_mode))
		return fd;
	int e = !ok ? errno : S_ISDIR(st->st_mode) ? EISDIR : EINVAL;
	close(fd);
	errno = e;
	return PR_EIO;
}

int pr_read(const pr_root_t *r, const char *rel, buf_t *out, size_t max)
{
	struct stat st;
	int fd = open_regular(r, rel, &st);
	if (fd < 0)
		return fd;
	int rc = fsu_read_fd_st(fd, &st, out, max);
	int e = errno;
	close(fd);
	errno = e;
	return rc;
}

int pr_read_in(const char *root_path, int kind, const char *rel, buf_t *out, size_t max)
{
	pr_root_t *r;
	if (pr_root_open(&r, root_path, kind) != 0)
		return PR_EIO;
	int rc = pr_read(r, rel, out, max);
	int e = errno;
	pr_root_free(r);
	errno = e;
	return rc;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const pr_entry_t *)a)->name, ((const pr_entry_t *)b)->name);
}

int pr_list(const pr_root_t *r, const char *rel, int skip_hidden, pr_entry_t **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	int fd = pr_open(r, rel, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return fd;
	DIR *d = fdopendir(fd);
	if (!d) {
		int e = errno;
		close(fd);
		errno = e;
		return PR_EIO;
	}
	pr_entry_t *v = NULL;
	size_t cnt = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		const char *nm = e->d_name;
		if (nm[0] == '.' && (skip_hidden || !nm[1] || (nm[1] == '.' && !nm[2])))
			continue;
		struct stat st;
		if (fstatat(dirfd(d), nm, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue; /* gone meanwhile */
		if (cnt == cap) {
			cap = cap ? cap * 2 : 32;
			v = xrealloc(v, cap * sizeof *v);
		}
		v[cnt].name = xstrdup(nm);
		v[cnt].st = st;
		cnt++;
	}
	closedir(d);
	if (cnt > 1)
		qsort(v, cnt, sizeof *v, cmp_entry);
	*out = v;
	*n = cnt;
	return 0;
}

void pr_list_free(pr_entry_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

int pr_mkdirs(const pr_root_t *r, const char *rel)
{
	if (!rel_is_plain(rel))
		return rel[0] ? PR_EUNSAFE : 0;
	int fd = walk(r, rel, O_PATH | O_DIRECTORY, 1);
	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

/* When the folder of `rel` (which ends at `slash`) is missing but its own parent exists with no
 * link on its way (a page's own new folder): make it there and open the file in it as the fast
 * path would. The descriptor, or -1 (then the walk decides). */
static int create_in_new_folder(const pr_root_t *r, const char *rel, const char *slash, int flags)
{
	const char *prev = slash;
	while (prev > rel && prev[-1] != '/')
		prev--;
	int gfd = r->fd;
	if (prev > rel) {
		char *gp = xstrndup(rel, (size_t)(prev - 1 - rel));
		gfd = fast_open(r, gp, O_PATH | O_DIRECTORY, 0);
		free(gp);
		if (gfd < 0)
			return -1;
	}
	char *name = xstrndup(prev, (size_t)(slash - prev));
	int made = mkdirat(gfd, name, 0755) == 0 || errno == EEXIST;
	free(name);
	if (gfd != r->fd)
		close(gfd);
	return made ? fast_open(r, rel, flags, 0644) : -1;
}

/* A new file `rel` (truncated when it exists) to write, never through a link in its last
 * component. Returns the descriptor or a PR_E* code. */
static int open_for_write(const pr_root_t *r, const char *rel)
{
	if (!rel_is_plain(rel) || (r->kind == PR_REPO && has_git_segment(rel)))
		return PR_EUNSAFE;
	int flags = O_WRONLY | O_CREAT | O_TRUNC;
	if (r->kind == PR_TRUSTED) {
		int fd = openat(r->fd, rel, flags | O_CLOEXEC, 0644);
		if (fd >= 0 || errno != ENOENT)
			return fd >= 0 ? fd : PR_EIO;
	} else {
		int fd = fast_open(r, rel, flags, 0644);
		if (fd >= 0)
			return fd;
		if (fd == -1 && errno != ENOENT)
			return PR_EIO;
		const char *slash = strrchr(rel, '/');
		if (fd == -1 && slash && (fd = create_in_new_folder(r, rel, slash, flags)) >= 0)
			return fd;
	}
	/* missing parent folders, or a link on the way: the walk, making the folders */
	const char *slash = strrchr(rel, '/');
	int dfd;
	if (slash) {
		char *dir = xstrndup(rel, (size_t)(slash - rel));
		dfd = walk(r, dir, O_PATH | O_DIRECTORY, 1);
		free(dir);
		if (dfd < 0)
			return dfd;
	} else {
		dfd = dup(r->fd);
		if (dfd < 0)
			return PR_EIO;
	}
	int fd = openat(dfd, slash ? slash + 1 : rel, flags | O_NOFOLLOW | O_CLOEXEC, 0644);
	int e = errno;
	close(dfd);
	errno = e;
	return fd >= 0 ? fd : PR_EIO;
}

/* Write everything; 0 or -1 (errno set). */
static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int pr_write(const pr_root_t *r, const char *rel, const void *data, size_t len)
{
	int fd = open_for_write(r, rel);
	if (fd < 0)
		return fd;
	int rc = write_all(fd, data, len);
	int e = errno;
	if (close(fd) != 0 && rc == 0) {
		rc = -1;
		e = errno;
	}
	errno = e;
	return rc == 0 ? 0 : PR_EIO;
}

int pr_copy(const pr_root_t *from, const char *src, const pr_root_t *to, const char *dst)
{
	struct stat st;
	int in = open_regular(from, src, &st);
	if (in < 0)
		return in;
	int out = open_for_write(to, dst);
	if (out < 0) {
		int e = errno;
		close(in);
		errno = e;
		return out == PR_EIO ? PR_EWRITE : out;
	}
	static const size_t chunk = 128 * 1024;
	char *b = xmalloc(chunk);
	int rc = 0, e = 0;
	for (;;) {
		ssize_t n = read(in, b, chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = PR_EIO;
			e = errno;
			break;
		}
		if (n == 0)
			break;
		if (write_all(out, b, (size_t)n) != 0) {
			rc = PR_EWRITE;
			e = errno;
			break;
		}
	}
	free(b);
	close(in);
	if (close(out) != 0 && rc == 0) {
		rc = PR_EWRITE;
		e = errno;
	}
	errno = e;
	return rc;
}

int pr_remove(const pr_root_t *r, const char *rel)
{
	if (!rel_is_plain(rel))
		return PR_EUNSAFE;
	const char *slash = strrchr(rel, '/');
	int dfd;
	if (slash) {
		char *dir = xstrndup(rel, (size_t)(slash - rel));
		dfd = pr_open(r, dir, O_PATH | O_DIRECTORY);
		free(dir);
		if (dfd < 0)
			return dfd == PR_EIO && errno == ENOENT ? 0 : dfd;
	} else {
		dfd = dup(r->fd);
		if (dfd < 0)
			return PR_EIO;
	}
	int rc = pr_remove_at(dfd, slash ? slash + 1 : rel) == 0 ? 0 : PR_EIO;
	int e = errno;
	close(dfd);
	errno = e;
	return rc;
}

int pr_remove_at(int at, const char *name)
{
	struct stat st;
	if (fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(at, name, 0) == 0 || errno == ENOENT ? 0 : -1;
	int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -1;
	}
	int rc = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (pr_remove_at(dirfd(d), e->d_name) != 0)
			rc = -1;
	}
	closedir(d);
	if (unlinkat(at, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
		rc = -1;
	return rc;
}
