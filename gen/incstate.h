/* incstate.h - the state of one rebuild engine, shared by the serve engine's files.
 *
 * Not an API: only gen/inc*.c include it (incremental.h is the interface every
 * other module uses). The engine is split by concern, each file with its own
 * header:
 *
 *   incremental   the public API (open, handle a batch, idle, close); full and
 *                 incremental rebuilds; publishing (settle, publish)
 *   incwatch      what a changed path means (classify) and what is watched
 *   incstat       diagnostics against the first build; the status JSON and the
 *                 terminal's line
 *   incjob        the search index, built on its own thread after an
 *                 incremental rebuild's pages are out
 *   incverify     the verify option: compare with a full build of the same input
 *
 * Everything in struct inc belongs to the engine: strings and lists are owned
 * by it and freed by inc_close (incremental.c). */
#ifndef ALMANAC_INCSTATE_H
#define ALMANAC_INCSTATE_H

#include <git2.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "diag.h"
#include "incremental.h"
#include "map.h"
#include "serve.h"
#include "site.h"
#include "watch.h"

struct incjob; /* incjob.h */

struct inc {
	inc_opts_t o;
	char *work;
	site_t *s;                  /* the current model (NULL before the first load) */
	git_repository *repo;       /* for the work-tree status of edited pages */
	git_repository **src_repos; /* the same for each source's pages, opened on first use (NULL: not yet) */
	size_t nsrc_repos;          /* the length of src_repos: the model's s->nsources */
	srv_t *srv;
	watch_t *w;
	unsigned long seq, build, dirno;
	char *first_dir;            /* the first build, until the server takes it */
	char *pending_full;         /* a complete site folder not published yet */
	char *staging;              /* updated files not published yet */
	int need_full;              /* the model is stale: the next change reloads everything */
	map_t baseline;             /* diagnostic key -> count, of the first build */
	/* what the last rebuild did */
	const char *kind;
	double ms;
	size_t rendered;
	int ok;
	char *failure;              /* why the last rebuild could not produce a site, or NULL */
	diag_list_t fail_diags;     /* the diagnostics of a failed load/render */
	char **changed;
	size_t nchanged;
	unsigned long verify_mismatches;
	/* classification */
	char *gitdir, *commondir, *cfg_path, *alerts_path, *ignore_revs_path;
	char *theme_site, *theme_builtin, *outdir;
	char **roots;               /* content folders that exist (absolute, no trailing '/'); none = whole tree */
	size_t nroots;
	char **rule_dirs;           /* folders of the alert rule files (absolute, no trailing '/'), each once */
	size_t nrule_dirs;
	char **link_paths;          /* pages and files of the site that are symbolic links (absolute; a watched
	                               work tree's), and the file each leads to, as watched: link_targets */
	char **link_targets;
	size_t nlinks;
	char *watch_sig;            /* what the watcher covers (watch_signature) */
	int search_pending;         /* the pages are out, the search index is not rebuilt yet */
	double search_ms;           /* time of the last search index update */
	unsigned long search_gen;   /* bumped by every incremental rebuild */
	struct incjob *job;         /* the search index being built, or NULL */
	site_page_t *grave;         /* pages replaced while a job may still read them */
	size_t ngrave;
	int staged_pages;           /* the staging folder holds pages (not only a search index) */
	unsigned char *isnew;       /* settle()'s verdict per diagnostic, reused by incstat_update() */
	size_t isnew_len, new_errors;
};

/* Milliseconds of the monotonic clock. */
static inline double inc_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* A new folder name "<work>/<what>-<n>" under the work folder (not created); the caller frees it. */
static inline char *inc_next_dir(inc_t *inc, const char *what)
{
	return xasprintf("%s/%s-%lu", inc->work, what, ++inc->dirno);
}

/* A copy of `p` without trailing '/' (but "/" stays); the caller frees it. */
static inline char *inc_strip_slash(const char *p)
{
	char *d = xstrdup(p);
	size_t n = strlen(d);
	while (n > 1 && d[n - 1] == '/')
		d[--n] = '\0';
	return d;
}

/* 1 when `a` and `b` are both NULL or equal strings. */
static inline int inc_streq0(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

/* Free the `n` strings of `v` and `v` itself. Accepts NULL. */
static inline void inc_free_strs(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Call `fn` for every entry but "." and ".." of the folder `rel` under `root` ("" = `root` itself),
 * in readdir order, with the entry's path relative to `root` (borrowed for the call). Nothing when
 * the folder does not open. For the engine's own folders only (incremental.c). */
void inc_each_entry(const char *root, const char *rel, void (*fn)(const char *crel, void *ud), void *ud);

#endif
