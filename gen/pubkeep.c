/* pubkeep.c - keeping the previous site's unchanged files. See pubkeep.h. */
#define _GNU_SOURCE
#include "pubkeep.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "fsutil.h"
#include "map.h"
#include "publish.h"
#include "pubprune.h"
#include "timing.h"

#define KEPT MAP_INT(1)
#define STAGED MAP_INT(2)

struct pubkeep {
	pr_root_t *prev;     /* the previous site (owned) */
	pthread_mutex_t lock;
	map_t files;         /* every file of the new site -> KEPT or STAGED */
	pubprune_t *pp;      /* the last build's record, checked (pubkeep_check_record), or NULL */
	/* the check on its own thread until pubkeep_check_wait */
	pthread_t checker;
	int checking;
	char *ck_record, *ck_out, *ck_marker;
	size_t kept, staged;
};

pubkeep_t *pubkeep_new(pr_root_t *prev)
{
	pubkeep_t *k = xcalloc(1, sizeof *k);
	k->prev = prev;
	pthread_mutex_init(&k->lock, NULL);
	return k;
}

/* The check and what it was started with, dropped (its thread joined). */
static void check_drop(pubkeep_t *k)
{
	pubkeep_check_wait(k);
	pubprune_free(k->pp);
	k->pp = NULL;
	free(k->ck_record);
	free(k->ck_out);
	free(k->ck_marker);
	k->ck_record = k->ck_out = k->ck_marker = NULL;
}

void pubkeep_free(pubkeep_t *k)
{
	if (!k)
		return;
	check_drop(k);
	pr_root_free(k->prev);
	map_free(&k->files);
	pthread_mutex_destroy(&k->lock);
	free(k);
}

static void record(pubkeep_t *k, const char *rel, void *how)
{
	pthread_mutex_lock(&k->lock);
	void *was = map_put(&k->files, rel, how);
	if (was == KEPT)
		k->kept--;
	else if (was == STAGED)
		k->staged--;
	if (how == KEPT)
		k->kept++;
	else
		k->staged++;
	pthread_mutex_unlock(&k->lock);
}

void pubkeep_staged(pubkeep_t *k, const char *rel)
{
	record(k, rel, STAGED);
}

/* Split `rel` into its folder (a new string, "" for none) and its name (borrowed). */
static char *split(const char *rel, const char **name)
{
	const char *slash = strrchr(rel, '/');
	*name = slash ? slash + 1 : rel;
	return slash ? xstrndup(rel, (size_t)(slash - rel)) : xstrdup("");
}

/* The previous site's regular file `rel` (reached through no link: the root
 * is PR_NOLINKS), opened to read when it is `size` bytes long; else -1. */
static int open_prev(const pubkeep_t *k, const char *rel, off_t size, struct stat *st)
{
	int fd = pr_open(k->prev, rel, O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return -1;
	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode) || st->st_size != size) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Read exactly `n` bytes; 0, or -1 at an error or the end of the file. */
static int read_full(int fd, char *p, size_t n)
{
	while (n) {
		ssize_t r = read(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

#define CHUNK 16384

int pubkeep_same(pubkeep_t *k, const char *rel, const void *data, size_t len, struct stat *st)
{
	struct stat mine;
	if (!st)
		st = &mine;
	int fd = open_prev(k, rel, (off_t)len, st);
	if (fd < 0)
		return 0;
	char b[CHUNK];
	const char *p = data;
	int same = 1;
	for (size_t off = 0; same && off < len; off += CHUNK) {
		size_t n = len - off < CHUNK ? len - off : CHUNK;
		same = read_full(fd, b, n) == 0 && !memcmp(b, p + off, n);
	}
	same = same && read(fd, b, 1) == 0; /* nothing was appended meanwhile */
	close(fd);
	if (same)
		record(k, rel, KEPT);
	return same;
}

static void *check_main(void *arg)
{
	pubkeep_t *k = arg;
	k->pp = pubprune_open(k->prev, k->ck_record, k->ck_out, k->ck_marker);
	return NULL;
}

void pubkeep_check_wait(pubkeep_t *k)
{
	if (k->checking) {
		pthread_join(k->checker, NULL);
		k->checking = 0;
	}
}

void pubkeep_check_record(pubkeep_t *k, const char *record, const char *out, const char *marker)
{
	check_drop(k);
	k->ck_record = record ? xstrdup(record) : NULL;
	k->ck_out = xstrdup(out);
	k->ck_marker = xstrdup(marker);
	k->checking = pthread_create(&k->checker, NULL, check_main, k) == 0;
	if (!k->checking) /* no thread: checked here */
		check_main(k);
}

int pubkeep_adopt_check(pubkeep_t *k, pubkeep_t *early)
{
	pubkeep_check_wait(early);
	if (!early->pp || !pubprune_rebind(early->pp, k->prev))
		return 0;
	pubkeep_check_wait(k);
	pubprune_free(k->pp);
	k->pp = early->pp;
	early->pp = NULL;
	return 1;
}

int pubkeep_same_stat(pubkeep_t *k, const char *rel, uint64_t size, int64_t mtime_ns, uint64_t ino)
{
	/* a file of the checked record: as the folder check found it (pubprune.h) */
	pubprune_file_t f;
	if (!pubprune_file(k->pp, rel, &f)) {
		struct stat st;
		pubprune_file_of(&f, pr_stat(k->prev, rel, &st) == 0 ? &st : NULL);
	}
	if (!f.found || f.size != size || f.ino != ino || f.mtime_ns != mtime_ns)
		return 0;
	record(k, rel, KEPT);
	return 1;
}

int pubkeep_read(pubkeep_t *k, const char *rel, void *buf, size_t size)
{
	struct stat st;
	int fd = open_prev(k, rel, (off_t)size, &st);
	if (fd < 0)
		return 0;
	int ok = read_full(fd, buf, size) == 0;
	close(fd);
	return ok;
}

int pubkeep_same_file(pubkeep_t *k, const char *rel, const pr_root_t *from, const char *src)
{
	int in = pr_open(from, src, O_RDONLY | O_NONBLOCK);
	if (in < 0)
		return 0;
	struct stat st;
	struct stat pst;
	int fd = fstat(in, &st) == 0 && S_ISREG(st.st_mode) ? open_prev(k, rel, st.st_size, &pst) : -1;
	int same = fd >= 0;
	if (same) {
		char *a = xmalloc(2 * CHUNK), *b = a + CHUNK;
		for (off_t off = 0; same && off < st.st_size; off += CHUNK) {
			size_t n = st.st_size - off < CHUNK ? (size_t)(st.st_size - off) : CHUNK;
			same = read_full(in, a, n) == 0 && read_full(fd, b, n) == 0 && !memcmp(a, b, n);
		}
		free(a);
		close(fd);
	}
	close(in);
	if (same)
		record(k, rel, KEPT);
	return same;
}

int pubkeep_in_place(const pubkeep_t *k)
{
	return k->staged <= PUBKEEP_INPLACE_MAX && k->staged * 4 <= k->kept + k->staged;
}

void pubkeep_counts(const pubkeep_t *k, size_t *kept, size_t *staged)
{
	*kept = k->kept;
	*staged = k->staged;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The recorded paths of kind `how`, sorted (borrowed from the map; free the array). */
static const char **paths_of(const pubkeep_t *k, void *how, size_t *n)
{
	const char **v = xmalloc((k->files.len + 1) * sizeof *v);
	*n = 0;
	for (size_t i = 0; i < k->files.cap; i++)
		if (k->files.slots[i].key && k->files.slots[i].val == how)
			v[(*n)++] = k->files.slots[i].key;
	qsort(v, *n, sizeof *v, cmp_str);
	return v;
}

/* The folder `dir` of `r` opened (O_PATH), or -1. "" is the root. */
static int open_dir(const pr_root_t *r, const char *dir)
{
	if (!dir[0])
		return dup(pr_root_fd(r));
	int fd = pr_open(r, dir, O_PATH | O_DIRECTORY);
	return fd >= 0 ? fd : -1;
}

/* The folder `dir` of the previous site, made when missing; a file or link
 * standing where one of its folders must be is removed first (never
 * followed: the root is PR_NOLINKS). Opened (O_PATH), or -1. */
static int make_dir(const pubkeep_t *k, const char *dir)
{
	if (!dir[0] || pr_mkdirs(k->prev, dir) == 0)
		return open_dir(k->prev, dir);
	for (const char *s = strchr(dir, '/');; s = strchr(s + 1, '/')) {
		char *part = s ? xstrndup(dir, (size_t)(s - dir)) : xstrdup(dir);
		int fd = pr_open(k->prev, part, O_PATH | O_DIRECTORY);
		if (fd >= 0)
			close(fd);
		else
			pr_remove(k->prev, part);
		free(part);
		if (!s)
			break;
	}
	return pr_mkdirs(k->prev, dir) == 0 ? open_dir(k->prev, dir) : -1;
}

/* Rename the staged file `rel` of `tmp` into the previous site. 0 or -1 (errno set). */
static int move_in(const pubkeep_t *k, const pr_root_t *tmp, const char *rel)
{
	const char *name;
	char *dir = split(rel, &name);
	int from = open_dir(tmp, dir), to = from >= 0 ? make_dir(k, dir) : -1;
	int rc = -1;
	if (from >= 0 && to >= 0) {
		rc = fsu_replace_at(from, name, to, name);
		if (rc != 0 && (errno == EISDIR || errno == ENOTEMPTY || errno == EEXIST || errno == ENOTDIR)) {
			pr_remove_at(to, name); /* a folder of the old site where the new one has a file */
			rc = renameat(from, name, to, name);
		}
	}
	int e = errno;
	if (from >= 0)
		close(from);
	if (to >= 0)
		close(to);
	free(dir);
	errno = e;
	return rc;
}

int pubkeep_apply(pubkeep_t *k, const pr_root_t *tmp, const char *marker, const char *marker_wip, const char *out,
		  const char *record, diag_list_t *d)
{
	size_t n;
	const char **staged = paths_of(k, STAGED, &n);
	/* the last build's record is checked against the site before anything changes (pubprune.h) */
	pubkeep_check_wait(k);
	pubprune_t *pp = k->pp ? k->pp : pubprune_open(k->prev, record, out, marker);
	k->pp = NULL; /* this commit's now */
	pubprune_match(pp, &k->files, staged, n);
	int rc = pr_write(k->prev, marker, marker_wip, strlen(marker_wip));
	if (rc != 0) {
		diag_add(d, DIAG_ERROR, out, 0, 0, "output", "cannot update the site: %s", pr_strerror(rc));
		goto fail;
	}
	for (size_t i = 0; i < n; i++)
		if (move_in(k, tmp, staged[i]) != 0) {
			diag_add(d, DIAG_ERROR, out, 0, 0, PUBKEEP_INCOMPLETE, "cannot move %s into the site: %s", staged[i],
				 strerror(errno));
			goto fail;
		}
	pubprune_run(pp, &k->files);
	if (fsu_replace_at(pr_root_fd(tmp), marker, pr_root_fd(k->prev), marker) != 0) {
		diag_add(d, DIAG_ERROR, out, 0, 0, PUBKEEP_INCOMPLETE, "cannot write the site's marker: %s", strerror(errno));
		goto fail;
	}
	int recorded = pubprune_record(pp, staged, n) == 0;
	if (timing_enabled()) {
		size_t checked, read;
		pubprune_counts(pp, &checked, &read);
		fprintf(stderr, "  previous site: %zu folders checked, %zu read; %s\n", checked, read,
			recorded ? "recorded for the next build" : "not recorded");
	}
	pubprune_free(pp);
	free(staged);
	return 0;
fail:
	pubprune_free(pp);
	free(staged);
	return -1;
}

int pubkeep_record_swapped(pubkeep_t *k, const pr_root_t *site, const char *out, const char *marker,
			   const char *record)
{
	pubkeep_check_wait(k);
	/* the last record is of the site swapped out (its marker is not this one): every folder is walked */
	pubprune_t *pp = pubprune_open(site, record, out, marker);
	pubprune_match(pp, &k->files, NULL, 0);
	pubprune_run(pp, &k->files);
	int rc = pubprune_record(pp, NULL, 0);
	pubprune_free(pp);
	return rc;
}

int pubkeep_link_kept(pubkeep_t *k, const pr_root_t *tmp, const char *out, diag_list_t *d)
{
	size_t n;
	const char **kept = paths_of(k, KEPT, &n);
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		if ((i & 255) == 0 && pub_interrupted()) { /* Ctrl-C: nothing was swapped in yet */
			diag_add(d, DIAG_ERROR, out, 0, 0, "interrupted", "build interrupted; the previous site is untouched");
			rc = -1;
			break;
		}
		const char *name;
		char *dir = split(kept[i], &name);
		int from = open_dir(k->prev, dir);
		int to = dir[0] && pr_mkdirs(tmp, dir) != 0 ? -1 : open_dir(tmp, dir);
		struct stat st;
		int linked = from >= 0 && to >= 0 && fstatat(from, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			     S_ISREG(st.st_mode) && linkat(from, name, to, name, 0) == 0;
		if (!linked && pr_copy(k->prev, kept[i], tmp, kept[i]) != 0) {
			diag_add(d, DIAG_ERROR, out, 0, 0, "output", "cannot keep %s of the previous site: %s", kept[i],
				 strerror(errno));
			rc = -1;
		}
		if (from >= 0)
			close(from);
		if (to >= 0)
			close(to);
		free(dir);
	}
	free(kept);
	return rc;
}
