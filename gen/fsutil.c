/* fsutil.c - file-system and path helpers. See fsutil.h. */
#define _GNU_SOURCE /* renameat2 */
#include "fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Close `fd` after a failed read or write, keeping that failure's errno; -1. */
static int close_failed(int fd)
{
	int e = errno;
	close(fd);
	errno = e;
	return -1;
}

int fsu_read_fd(int fd, buf_t *out, size_t max)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		st.st_mode = 0;
	return fsu_read_fd_st(fd, &st, out, max);
}

int fsu_read_fd_st(int fd, const struct stat *stp, buf_t *out, size_t max)
{
	struct stat st = *stp;
	int regular = S_ISREG(st.st_mode);
	if (regular && (size_t)st.st_size > max)
		return -2;
	/* regular files: one allocation of the right size (plus the terminating NUL) */
	size_t chunk = regular ? (size_t)st.st_size + 1 : 65536;
	size_t total = 0;
	/* a regular file: exactly its size (not the next power of two: a build holds every page's
	 * text until its Markdown is rendered, 85 MB for 20,000 pages) */
	if (regular)
		buf_reserve(out, chunk);
	else
		buf_grow(out, chunk);
	for (;;) {
		if (out->cap - out->len - 1 == 0)
			buf_grow(out, 65536);
		ssize_t n = read(fd, out->s + out->len, out->cap - out->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			out->s[out->len] = '\0';
			return -1;
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		total += (size_t)n;
		if (total > max) {
			out->s[out->len] = '\0';
			return -2;
		}
		if (regular && total == (size_t)st.st_size)
			break; /* all of it, as fstat saw it: no second read (and no buffer growth) to see EOF */
	}
	out->s[out->len] = '\0';
	return 0;
}

int fsu_read_file(buf_t *out, const char *path, size_t max)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsu_read_fd(fd, out, max);
	if (rc == -1)
		return close_failed(fd);
	close(fd);
	return rc;
}

int fsu_mkdirs(const char *path, int mode)
{
	/* the parent usually exists: try the folder itself first, climb only on ENOENT */
	if (mkdir(path, (mode_t)mode) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT)
		return -1;
	char *parent = fsu_dirname(path);
	int rc = parent[0] && strcmp(parent, path) ? fsu_mkdirs(parent, mode) : -1;
	free(parent);
	if (rc != 0)
		return -1;
	return mkdir(path, (mode_t)mode) == 0 || errno == EEXIST ? 0 : -1;
}

int fsu_write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 && errno == ENOENT) {
		char *dir = fsu_dirname(path);
		if (dir[0])
			fsu_mkdirs(dir, 0755);
		free(dir);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	}
	if (fd < 0)
		return -1;
	const char *p = data;
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return close_failed(fd);
		}
		p += w;
		len -= (size_t)w;
	}
	return close(fd);
}

int fsu_remove_tree(const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	DIR *d = opendir(path);
	if (!d)
		return -1;
	struct dirent *e;
	int rc = 0;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *sub = fsu_join(path, e->d_name);
		if (fsu_remove_tree(sub) != 0)
			rc = -1;
		free(sub);
	}
	closedir(d);
	if (rmdir(path) != 0)
		rc = -1;
	return rc;
}

int fsu_stat(const char *path, struct stat *st)
{
	return stat(path, st);
}

void fsu_stat_id(fsu_stat_id_t *out, const struct stat *st)
{
	out->size = (int64_t)st->st_size;
	out->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
	out->ctime_ns = (int64_t)st->st_ctim.tv_sec * 1000000000LL + st->st_ctim.tv_nsec;
	out->ino = (uint64_t)st->st_ino;
	out->dev = (uint64_t)st->st_dev;
}

int fsu_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int fsu_is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

char *fsu_join(const char *a, const char *b)
{
	if (!a[0])
		return xstrdup(b);
	size_t la = strlen(a);
	while (*b == '/')
		b++;
	return xasprintf("%s%s%s", a, a[la - 1] == '/' ? "" : "/", b);
}

char *fsu_normalize(const char *path)
{
	size_t n = strlen(path);
	int trailing = n > 0 && path[n - 1] == '/';
	int absolute = path[0] == '/';
	char **segs = xmalloc((n / 2 + 2) * sizeof *segs);
	size_t ns = 0;
	char *copy = xstrdup(path);
	char *save = NULL;
	for (char *tok = strtok_r(copy, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (!strcmp(tok, "."))
			continue;
		if (!strcmp(tok, "..")) {
			if (ns == 0) {
				free(segs);
				free(copy);
				return NULL;
			}
			ns--;
			continue;
		}
		segs[ns++] = tok;
	}
	buf_t b = BUF_INIT;
	if (absolute)
		buf_putc(&b, '/');
	for (size_t i = 0; i < ns; i++) {
		if (i)
			buf_putc(&b, '/');
		buf_puts(&b, segs[i]);
	}
	if (trailing && ns)
		buf_putc(&b, '/');
	free(segs);
	free(copy);
	return buf_detach(&b);
}

char *fsu_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return xstrdup("");
	return xstrndup(path, (size_t)(slash - path));
}

char *fsu_root_prefix(const char *from_url)
{
	buf_t b = BUF_INIT;
	for (const char *p = from_url; *p; p++)
		if (*p == '/')
			buf_puts(&b, "../");
	return buf_detach(&b);
}

char *fsu_relurl(const char *from_url, const char *to_url)
{
	/* from_url is a folder ("a/b/" or ""); find the common folder prefix */
	size_t common = 0;
	for (size_t i = 0; from_url[i] && to_url[i] && from_url[i] == to_url[i]; i++)
		if (from_url[i] == '/')
			common = i + 1;
	buf_t b = BUF_INIT;
	for (const char *p = from_url + common; *p; p++)
		if (*p == '/')
			buf_puts(&b, "../");
	buf_puts(&b, to_url + common);
	if (b.len == 0)
		buf_puts(&b, "./");
	char *r = buf_detach(&b);
	/* a ':' in the first segment would be read as a scheme: a file named
	 * "javascript:alert(1)<!--.md" must not become a javascript: link */
	size_t seg = strcspn(r, "/?#");
	if (memchr(r, ':', seg)) {
		char *safe = xasprintf("./%s", r);
		free(r);
		r = safe;
	}
	return r;
}

int fsu_ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

int fsu_starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

char *fsu_absolute(const char *path)
{
	if (path[0] == '/')
		return fsu_normalize(path);
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof cwd))
		return xstrdup(path);
	char *j = fsu_join(cwd, path);
	char *n = fsu_normalize(j);
	free(j);
	return n ? n : xstrdup(path);
}

char *fsu_exe_path(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	return xstrdup(exe);
}

int fsu_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *fsu_pct_decode(const char *s, size_t n)
{
	buf_t b = BUF_INIT;
	buf_grow(&b, n + 1);
	for (size_t i = 0; i < n; i++) {
		int hi = i + 2 < n ? fsu_hexval((unsigned char)s[i + 1]) : -1;
		int lo = i + 2 < n ? fsu_hexval((unsigned char)s[i + 2]) : -1;
		if (s[i] == '%' && hi >= 0 && lo >= 0 && (hi || lo)) { /* "%00" stays: it would end the string */
			buf_putc(&b, (char)(hi * 16 + lo));
			i += 2;
		} else {
			buf_putc(&b, s[i]);
		}
	}
	return buf_detach(&b);
}

static int href_unsafe(unsigned char c)
{
	/* what would cut a link short or change its meaning: the rest (< > " ...) is HTML-escaped
	 * by the templates and percent-encoded by browsers as they resolve the link */
	return c <= 0x20 || c == 0x7F || c == '#' || c == '%' || c == '?' || c == '\\';
}

char *fsu_url_escape(const char *url)
{
	size_t extra = 0;
	for (const char *p = url; *p; p++)
		extra += href_unsafe((unsigned char)*p);
	char *o = xmalloc(strlen(url) + 2 * extra + 1), *q = o;
	for (const char *p = url; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (href_unsafe(c)) {
			*q++ = '%';
			*q++ = "0123456789ABCDEF"[c >> 4];
			*q++ = "0123456789ABCDEF"[c & 15];
		} else {
			*q++ = (char)c;
		}
	}
	*q = '\0';
	return o;
}

char *fsu_href(const char *from_url, const char *to_url)
{
	char *r = fsu_relurl(from_url, to_url);
	char *o = fsu_url_escape(r);
	free(r);
	return o;
}

int fsu_replace_at(int fromdir, const char *from, int todir, const char *to)
{
	if (renameat2(fromdir, from, todir, to, RENAME_EXCHANGE) == 0) {
		if (unlinkat(fromdir, from, 0) == 0)
			return 0;
		/* the old one is a folder (or cannot be removed): exchanged back, then renamed as before */
		if (renameat2(fromdir, from, todir, to, RENAME_EXCHANGE) != 0)
			return -1;
	}
	return renameat(fromdir, from, todir, to);
}
