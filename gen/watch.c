/* watch.c - inotify watcher. See watch.h. */
#include "watch.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "map.h"

#define WATCH_MASK                                                                                          \
	(IN_CLOSE_WRITE | IN_MODIFY | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | \
	 IN_MOVE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW)
/* Internal batch bit: written to and not closed yet (a save in progress). */
#define WATCH_WRITING 0x100
/* A sanity bound on the number of watched folders. */
#define WATCH_MAX 200000

typedef struct {
	char *path;       /* absolute folder (owned), NULL when the slot is free */
	int recursive;
} wslot_t;

struct watch {
	int fd;
	wslot_t *slots;   /* indexed by inotify watch descriptor */
	size_t nslots;
	size_t count;
	char **skip;      /* absolute paths never entered (owned) */
	size_t nskip;
	map_t watched;    /* folder path -> 1, to avoid duplicates */
};

int watch_open(watch_t **out)
{
	*out = NULL;
	int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (fd < 0)
		return -1;
	watch_t *w = xcalloc(1, sizeof *w);
	w->fd = fd;
	*out = w;
	return 0;
}

size_t watch_count(const watch_t *w)
{
	return w ? w->count : 0;
}

static int skipped(const watch_t *w, const char *path)
{
	for (size_t i = 0; i < w->nskip; i++) {
		size_t n = strlen(w->skip[i]);
		if (!strncmp(path, w->skip[i], n) && (path[n] == '\0' || path[n] == '/'))
			return 1;
	}
	return 0;
}

static int add_one(watch_t *w, const char *dir, int recursive)
{
	if (w->count >= WATCH_MAX)
		return -1;
	int wd = inotify_add_watch(w->fd, dir, WATCH_MASK);
	if (wd < 0)
		return -1;
	if ((size_t)wd >= w->nslots) {
		size_t n = w->nslots ? w->nslots : 64;
		while (n <= (size_t)wd)
			n *= 2;
		w->slots = xrealloc(w->slots, n * sizeof *w->slots);
		memset(w->slots + w->nslots, 0, (n - w->nslots) * sizeof *w->slots);
		w->nslots = n;
	}
	wslot_t *s = &w->slots[wd];
	if (s->path) { /* the same folder again (inotify reuses the descriptor) */
		s->recursive |= recursive;
		return 0;
	}
	s->path = xstrdup(dir);
	s->recursive = recursive;
	w->count++;
	map_put(&w->watched, dir, MAP_INT(1));
	return 0;
}

static void add_tree(watch_t *w, const char *dir, int depth)
{
	if (depth > 64 || skipped(w, dir) || add_one(w, dir, 1) != 0)
		return;
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char *sub = xasprintf("%s/%s", dir, e->d_name);
		struct stat st;
		if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
			add_tree(w, sub, depth + 1);
		free(sub);
	}
	closedir(d);
}

static char *strip_trailing(const char *dir)
{
	char *d = xstrdup(dir);
	size_t n = strlen(d);
	while (n > 1 && d[n - 1] == '/')
		d[--n] = '\0';
	return d;
}

int watch_add_tree(watch_t *w, const char *dir, const char *const *skip, size_t nskip)
{
	for (size_t i = 0; i < nskip; i++) {
		w->skip = xrealloc(w->skip, (w->nskip + 1) * sizeof *w->skip);
		w->skip[w->nskip++] = strip_trailing(skip[i]);
	}
	char *d = strip_trailing(dir);
	struct stat st;
	if (stat(d, &st) != 0 || !S_ISDIR(st.st_mode)) {
		free(d);
		return 0;
	}
	add_tree(w, d, 0);
	free(d);
	return 0;
}

int watch_add_dir(watch_t *w, const char *dir)
{
	char *d = strip_trailing(dir);
	int rc = add_one(w, d, 0);
	free(d);
	return rc;
}

static void batch_add(watch_batch_t *b, map_t *seen, const char *path, unsigned flags)
{
	void *v;
	if (map_get(seen, path, &v)) {
		watch_event_t *e = &b->items[MAP_AS_INT(v)];
		if (flags & WATCH_WRITING)
			e->flags |= WATCH_WRITING;
		else if (flags & WATCH_MODIFIED)
			e->flags &= ~(unsigned)WATCH_WRITING; /* closed after writing */
		e->flags |= flags;
		return;
	}
	b->items = xrealloc(b->items, (b->n + 1) * sizeof *b->items);
	b->items[b->n].path = xstrdup(path);
	b->items[b->n].flags = flags;
	map_put(seen, path, MAP_INT(b->n));
	b->n++;
}

/* Read every pending event into the batch. Returns the number of events read, -1 on error. */
static int drain(watch_t *w, watch_batch_t *b, map_t *seen)
{
	char evbuf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	int total = 0;
	for (;;) {
		ssize_t n = read(w->fd, evbuf, sizeof evbuf);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return total;
			return -1;
		}
		if (n == 0)
			return total;
		for (char *p = evbuf; p < evbuf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			p += sizeof *ev + ev->len;
			total++;
			if (ev->mask & IN_Q_OVERFLOW) {
				b->overflow = 1;
				continue;
			}
			if (ev->wd < 0 || (size_t)ev->wd >= w->nslots || !w->slots[ev->wd].path)
				continue;
			wslot_t *s = &w->slots[ev->wd];
			if (ev->mask & IN_IGNORED) {
				/* the folder is gone (or was unmounted) */
				batch_add(b, seen, s->path, WATCH_DELETED | WATCH_DIR);
				map_put(&w->watched, s->path, MAP_INT(0));
				free(s->path);
				s->path = NULL;
				w->count--;
				continue;
			}
			if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF)) {
				batch_add(b, seen, s->path, WATCH_DELETED | WATCH_DIR);
				continue;
			}
			if (!ev->len || !ev->name[0])
				continue;
			char *path = xasprintf("%s/%s", s->path, ev->name);
			unsigned f = 0;
			if (ev->mask & (IN_MODIFY | IN_CLOSE_WRITE))
				f |= WATCH_MODIFIED;
			if ((ev->mask & IN_MODIFY) && !(ev->mask & IN_CLOSE_WRITE))
				f |= WATCH_WRITING;
			if (ev->mask & (IN_CREATE | IN_MOVED_TO))
				f |= WATCH_CREATED;
			if (ev->mask & (IN_DELETE | IN_MOVED_FROM))
				f |= WATCH_DELETED;
			if (ev->mask & IN_ISDIR)
				f |= WATCH_DIR;
			batch_add(b, seen, path, f);
			/* a folder created or moved in under a recursive watch: follow it too */
			if ((ev->mask & IN_ISDIR) && (ev->mask & (IN_CREATE | IN_MOVED_TO)) && s->recursive &&
			    ev->name[0] != '.') {
				void *v;
				if (!(map_get(&w->watched, path, &v) && MAP_AS_INT(v)))
					add_tree(w, path, 0);
			}
			free(path);
		}
	}
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int watch_wait(watch_t *w, watch_batch_t *b, int timeout_ms, int quiet_ms, int max_ms)
{
	watch_batch_free(b);
	map_t seen = MAP_INIT;
	struct pollfd pfd = {w->fd, POLLIN, 0};
	int rc = poll(&pfd, 1, timeout_ms);
	if (rc <= 0) {
		map_free(&seen);
		return rc < 0 && errno != EINTR ? -1 : 0;
	}
	long long start = now_ms();
	for (;;) {
		if (drain(w, b, &seen) < 0) {
			map_free(&seen);
			return -1;
		}
		long long left = start + max_ms - now_ms();
		if (left <= 0)
			break;
		pfd.revents = 0;
		rc = poll(&pfd, 1, (int)(left < quiet_ms ? left : quiet_ms));
		if (rc == 0) {
			/* quiet; but a file written and not closed yet is a save in progress */
			int writing = 0;
			for (size_t i = 0; i < b->n && !writing; i++)
				writing = (b->items[i].flags & WATCH_WRITING) != 0;
			if (!writing)
				break;
			rc = poll(&pfd, 1, (int)(left < 5 * quiet_ms ? left : 5 * quiet_ms));
			if (rc == 0)
				break; /* a writer that keeps its file open: do not wait for it */
		}
		if (rc < 0 && errno != EINTR)
			break;
	}
	map_free(&seen);
	for (size_t i = 0; i < b->n; i++)
		b->items[i].flags &= ~(unsigned)WATCH_WRITING;
	return b->n || b->overflow ? 1 : 0;
}

int watch_pending(watch_t *w)
{
	if (!w)
		return 0;
	struct pollfd pfd = {w->fd, POLLIN, 0};
	return poll(&pfd, 1, 0) > 0;
}

void watch_batch_free(watch_batch_t *b)
{
	for (size_t i = 0; i < b->n; i++)
		free(b->items[i].path);
	free(b->items);
	b->items = NULL;
	b->n = 0;
	b->overflow = 0;
}

void watch_close(watch_t *w)
{
	if (!w)
		return;
	close(w->fd);
	for (size_t i = 0; i < w->nslots; i++)
		free(w->slots[i].path);
	free(w->slots);
	for (size_t i = 0; i < w->nskip; i++)
		free(w->skip[i]);
	free(w->skip);
	map_free(&w->watched);
	free(w);
}
