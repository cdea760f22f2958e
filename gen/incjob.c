/* incjob.c - the search index on its own thread. See incjob.h. */
#define _GNU_SOURCE
#include "incjob.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "buf.h"
#include "fsutil.h"
#include "incstat.h"
#include "incstate.h"
#include "search.h"
#include "nav.h"
#include "searchdocs.h"

/* A search index being built on its own thread from a snapshot of the pages. */
struct incjob {
	pthread_t thread;
	int started;
	search_doc_t *docs;         /* point into page data that is kept alive meanwhile (graveyard) */
	size_t ndocs;
	char *dir;                  /* the index goes to dir/search/ */
	diag_list_t diags;
	unsigned long gen;          /* inc->search_gen when it started */
	int rc;
	double ms;
	pthread_mutex_t lock;
	int done;
};

static void *job_main(void *arg)
{
	incjob_t *j = arg;
	/* the pages of the next edit come first */
	setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
	double t0 = inc_now_ms();
	j->rc = search_write_index(j->docs, j->ndocs, j->dir, &j->diags);
	j->ms = inc_now_ms() - t0;
	pthread_mutex_lock(&j->lock);
	j->done = 1;
	pthread_mutex_unlock(&j->lock);
	return NULL;
}

void incjob_start(inc_t *inc)
{
	incjob_t *j = xcalloc(1, sizeof *j);
	pthread_mutex_init(&j->lock, NULL);
	diag_init(&j->diags);
	nav_t nav; /* the trails of the pages, as a full build gives them */
	nav_build(&nav, inc->s);
	j->ndocs = searchdocs_collect(inc->s, &nav, &j->docs);
	nav_free(&nav);
	j->dir = inc_next_dir(inc, "search");
	fsu_mkdirs(j->dir, 0755);
	j->gen = inc->search_gen;
	inc->job = j;
	if (pthread_create(&j->thread, NULL, job_main, j) == 0)
		j->started = 1;
	else
		job_main(j);
}

int incjob_done(incjob_t *j)
{
	pthread_mutex_lock(&j->lock);
	int d = j->done;
	pthread_mutex_unlock(&j->lock);
	return d;
}

int incjob_finish(inc_t *inc, int use)
{
	incjob_t *j = inc->job;
	int used = 0;
	if (j->started)
		pthread_join(j->thread, NULL);
	inc->job = NULL;
	searchdocs_free(j->docs, j->ndocs);
	for (size_t i = 0; i < inc->ngrave; i++)
		site_page_clear(&inc->grave[i]);
	free(inc->grave);
	inc->grave = NULL;
	inc->ngrave = 0;
	if (use && j->gen == inc->search_gen) {
		const char *dir = inc->pending_full;
		if (!dir) {
			if (!inc->staging)
				inc->staging = inc_next_dir(inc, "stage");
			dir = inc->staging;
		}
		static const char *const parts[] = {"t", "v", "m", "manifest.json", "facets.json"};
		char *sd = xasprintf("%s/search", dir);
		fsu_mkdirs(sd, 0755);
		for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
			char *from = xasprintf("%s/search/%s", j->dir, parts[i]);
			char *to = xasprintf("%s/%s", sd, parts[i]);
			fsu_remove_tree(to);
			if (rename(from, to) != 0 && j->rc == 0)
				j->rc = -1;
			free(from);
			free(to);
		}
		free(sd);
		if (j->rc != 0) {
			incstat_copy(&inc->s->diags, &j->diags);
			if (!j->diags.len)
				diag_add(&inc->s->diags, DIAG_ERROR, "search", 0, 0, "search-index",
					 "the search index could not be written");
		}
		inc->search_pending = 0;
		inc->search_ms = j->ms;
		used = 1;
	}
	fsu_remove_tree(j->dir);
	free(j->dir);
	diag_free(&j->diags);
	pthread_mutex_destroy(&j->lock);
	free(j);
	return used;
}
