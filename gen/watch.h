/* watch.h - watching folders for changes with inotify (prefix watch_).
 *
 * A watch_t follows folder trees recursively: folders created (or moved in)
 * later under a watched tree are watched too. Changes are collected in
 * batches: watch_wait() returns once changes arrived and then no new event
 * came for `quiet_ms` (editors save in several steps: write a temporary
 * file, rename it, touch it), or `max_ms` after the first event. A batch
 * lists each changed path once with the union of what happened to it. When
 * the kernel queue overflowed, the batch says so (the caller should then
 * assume anything changed). */
#ifndef ALMANAC_WATCH_H
#define ALMANAC_WATCH_H

#include <stddef.h>

typedef struct watch watch_t;

enum {
	WATCH_MODIFIED = 1,  /* content written (or closed after writing) */
	WATCH_CREATED = 2,   /* created or moved in */
	WATCH_DELETED = 4,   /* deleted or moved away */
	WATCH_DIR = 8,       /* the path is a folder */
};

typedef struct {
	char *path;          /* absolute (owned) */
	unsigned flags;      /* WATCH_* bits, OR-ed over the batch */
} watch_event_t;

typedef struct {
	watch_event_t *items; /* in arrival order of their first event (owned) */
	size_t n;
	int overflow;         /* events were lost: rescan everything */
} watch_batch_t;

/* Create a watcher. Returns 0, or -1 (errno set) when inotify is not available. */
int watch_open(watch_t **out);
/* Watch `dir` (absolute) and every folder below it, now and later, except
 * hidden folders (".x") and the absolute paths in `skip` (and what is below
 * them). Returns 0, or -1 when `dir` cannot be watched (a missing folder is
 * not an error: nothing is watched). */
int watch_add_tree(watch_t *w, const char *dir, const char *const *skip, size_t nskip);
/* Watch the entries of `dir` (absolute) only, not its sub-folders. Returns 0 or -1. */
int watch_add_dir(watch_t *w, const char *dir);
/* Wait up to `timeout_ms` (-1: forever) for a change, then collect the batch
 * as described above into `b` (emptied first). Returns 1 with a batch, 0
 * when the time ran out or a signal interrupted the wait, -1 on error. */
int watch_wait(watch_t *w, watch_batch_t *b, int timeout_ms, int quiet_ms, int max_ms);
/* 1 when events are waiting to be read (something changed since the last batch). */
int watch_pending(watch_t *w);
/* Number of folders watched. */
size_t watch_count(const watch_t *w);
/* Free the events of a batch (the struct itself is the caller's). */
void watch_batch_free(watch_batch_t *b);
/* Stop watching and free. Accepts NULL. */
void watch_close(watch_t *w);

#endif
