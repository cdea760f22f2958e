/* histfile.c - the cache files' framing: readers, writers, checksum, atomic replace. See histfile.h. */
#include "histfile.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "map.h"

void hfile_put_u32(buf_t *b, uint32_t v)
{
	unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
			      (unsigned char)(v >> 24)};
	buf_put(b, x, 4);
}

void hfile_put_u64(buf_t *b, uint64_t v)
{
	hfile_put_u32(b, (uint32_t)v);
	hfile_put_u32(b, (uint32_t)(v >> 32));
}

void hfile_put_u8(buf_t *b, uint8_t v)
{
	buf_put(b, &v, 1);
}

void hfile_put_str(buf_t *b, const char *s, size_t n)
{
	hfile_put_u32(b, (uint32_t)n);
	buf_put(b, s, n);
	hfile_put_u8(b, 0);
}

void hfile_put_cstr(buf_t *b, const char *s)
{
	hfile_put_str(b, s ? s : "", s ? strlen(s) : 0);
}

void hfile_put_opt_str(buf_t *b, const char *s)
{
	hfile_put_u8(b, s != NULL);
	if (s)
		hfile_put_str(b, s, strlen(s));
}

char *hfile_strdup(hfile_rd_t *r)
{
	const char *s = hfile_str(r);
	return s ? xstrdup(s) : NULL;
}

char *hfile_opt_strdup(hfile_rd_t *r)
{
	return hfile_u8(r) ? hfile_strdup(r) : NULL;
}

size_t hfile_count(hfile_rd_t *r)
{
	uint32_t n = hfile_u32(r);
	if ((size_t)(r->e - r->p) < n) {
		r->bad = 1;
		return 0;
	}
	return n;
}

const char *hfile_str(hfile_rd_t *r)
{
	uint32_t n = hfile_u32(r);
	const unsigned char *p = hfile_bytes(r, (size_t)n + 1);
	if (!p || p[n] != 0 || memchr(p, 0, n)) {
		r->bad = 1;
		return NULL;
	}
	return (const char *)p;
}

int hfile_str_is(hfile_rd_t *r, const char *s)
{
	uint32_t n = hfile_u32(r);
	const unsigned char *p = hfile_bytes(r, (size_t)n + 1);
	return p && strlen(s) == n && memcmp(p, s, n) == 0;
}

uint64_t hfile_sum64(const void *p, size_t n)
{
	const unsigned char *s = p;
	const uint64_t k = 0x9e3779b97f4a7c15ULL;
	uint64_t l[4] = {MAP_HASH_SEED, k, MAP_HASH_SEED ^ k, ~k};
	size_t i = 0;
	for (; i + 32 <= n; i += 32) {
		for (int j = 0; j < 4; j++) {
			uint64_t w;
			memcpy(&w, s + i + 8 * j, 8);
			l[j] = (l[j] ^ w) * k;
			l[j] ^= l[j] >> 29;
		}
	}
	uint64_t v = map_hash_add(MAP_HASH_SEED ^ (uint64_t)n, s + i, n - i);
	for (int j = 0; j < 4; j++) {
		v = (v ^ l[j]) * k;
		v ^= v >> 31;
	}
	return v;
}

void hfile_seal(buf_t *b, size_t len_at, size_t start)
{
	uint64_t plen = b->len - start;
	for (int k = 0; k < 8; k++)
		b->s[len_at + k] = (char)(plen >> (8 * k));
	hfile_put_u64(b, hfile_sum64(b->s + start, plen));
}

int hfile_sealed(const unsigned char *data, size_t len, size_t len_at, size_t start, hfile_rd_t *payload)
{
	if (len_at + 8 > start || len < start + 8)
		return 0;
	hfile_rd_t h = {data + len_at, data + start, 0};
	uint64_t plen = hfile_u64(&h);
	if (plen != len - start - 8)
		return 0;
	hfile_rd_t tail = {data + start + plen, data + len, 0};
	if (hfile_u64(&tail) != hfile_sum64(data + start, plen))
		return 0;
	*payload = (hfile_rd_t){data + start, data + start + plen, 0};
	return 1;
}

int hfile_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		p += n;
		len -= (size_t)n;
	}
	return 1;
}

int hfile_create_temp(const char *path, char **tmp)
{
	const char *slash = strrchr(path, '/');
	if (slash) {
		char *dir = xstrndup(path, (size_t)(slash - path));
		mkdir(dir, 0777);
		free(dir);
	}
	*tmp = xasprintf("%s" HFILE_TEMP_INFIX "%ld", path, (long)getpid());
	unlink(*tmp); /* a leftover of an earlier process with this id (or anything else) */
	return open(*tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
}

void hfile_remove_leftovers(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	size_t seen = 0;
	while ((e = readdir(d)) && seen++ < 100000) { /* Git's folder, Almanac's files: bounded all the same */
		const char *t = strstr(e->d_name, HFILE_TEMP_INFIX);
		if (!t)
			continue;
		char *end;
		long pid = strtol(t + strlen(HFILE_TEMP_INFIX), &end, 10);
		if (*end || pid <= 0 || pid == (long)getpid())
			continue;
		if (kill((pid_t)pid, 0) != 0 && errno == ESRCH) /* its process is gone */
			unlinkat(dirfd(d), e->d_name, 0);
	}
	closedir(d);
}

void hfile_remove_other_groups(const char *dir, const char *prefix, const char *const *names, size_t n)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	size_t pl = strlen(prefix);
	struct dirent *e;
	size_t seen = 0;
	while ((e = readdir(d)) && seen++ < 100000) {
		if (strncmp(e->d_name, prefix, pl) || e->d_name[pl] != '.' || strstr(e->d_name, HFILE_TEMP_INFIX))
			continue;
		const char *name = e->d_name + pl + 1;
		int kept = 0;
		for (size_t k = 1; k < n && !kept; k++)
			kept = names[k] && !strcmp(names[k], name);
		if (!kept)
			unlinkat(dirfd(d), e->d_name, 0);
	}
	closedir(d);
}

void hfile_remove_unwanted(const char *dir, int (*unwanted)(const char *name, void *ud), void *ud)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	size_t seen = 0;
	while ((e = readdir(d)) && seen++ < 100000)
		if (!strstr(e->d_name, HFILE_TEMP_INFIX) && unwanted(e->d_name, ud))
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
}

void hfile_remove(const char *path)
{
	unlink(path);
}

int hfile_replace(const char *path, const void *data, size_t len)
{
	char *tmp;
	int fd = hfile_create_temp(path, &tmp);
	int ok = 0;
	if (fd >= 0) {
		ok = hfile_write_all(fd, data, len);
		ok = (close(fd) == 0) && ok;
		if (ok)
			ok = fsu_replace_at(AT_FDCWD, tmp, AT_FDCWD, path) == 0;
		if (!ok)
			unlink(tmp);
	}
	free(tmp);
	return ok;
}

int hfile_open(const char *path, struct stat *st)
{
	/* O_NONBLOCK: opening a FIFO for reading would wait for a writer forever */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -1;
	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		errno = EINVAL;
		return -2;
	}
	return fd;
}

void *hfile_map(const char *path, size_t min_len, size_t *len, int *rejected)
{
	struct stat st;
	*rejected = 0;
	int fd = hfile_open(path, &st);
	if (fd == -2) /* not a regular file (a FIFO would block the run forever) */
		*rejected = 1;
	if (fd < 0)
		return NULL;
	if ((uint64_t)st.st_size < min_len || (uint64_t)st.st_size > SIZE_MAX / 2) {
		close(fd);
		*rejected = 1;
		return NULL;
	}
	void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		*rejected = 1;
		return NULL;
	}
	*len = (size_t)st.st_size;
	return map;
}

char *hfile_read(const char *path, size_t *len)
{
	struct stat st;
	int fd = hfile_open(path, &st);
	if (fd < 0)
		return NULL;
	/* read straight into a buffer of the file's size (a cache file is megabytes: no 8 KB copies, no
	 * regrowing); a file that grows meanwhile is read on to its end */
	buf_t b = BUF_INIT;
	if (st.st_size > 0 && (uint64_t)st.st_size < SIZE_MAX / 2)
		buf_reserve(&b, (size_t)st.st_size + 1); /* + 1: the read that finds the end */
	int err = 0;
	for (;;) {
		if (b.cap < b.len + 2)
			buf_grow(&b, 65536);
		size_t room = b.cap - b.len - 1;
		ssize_t n = read(fd, b.s + b.len, room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			err = errno;
		if (n <= 0)
			break;
		b.len += (size_t)n;
	}
	close(fd);
	if (err) {
		buf_free(&b);
		errno = err;
		return NULL;
	}
	*len = b.len;
	return buf_detach(&b);
}
