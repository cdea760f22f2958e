/* incjob.h - the search index of `almanac serve`, built on its own thread (prefix incjob_).
 *
 * Private to the serve engine (gen/inc*.c; see incstate.h). After an
 * incremental rebuild the pages are published first; the search index follows
 * (inc_idle): a job takes a snapshot of the pages' search documents and writes
 * an index into its own folder under the work folder on a thread of lower
 * priority, so that the next edit's pages come first. The snapshot points into
 * page data: pages an incremental rebuild replaces while a job runs are kept
 * in inc->grave until the job is finished. At most one job runs (inc->job).
 *
 * Ownership: the job belongs to inc->job from incjob_start until
 * incjob_finish, which frees it and the graveyard. */
#ifndef ALMANAC_INCJOB_H
#define ALMANAC_INCJOB_H

#include "incremental.h"

typedef struct incjob incjob_t;

/* Start a job for the current pages of inc->s (inc->job must be NULL; it is
 * the new job afterwards). When no thread can be started, the index is
 * written before this returns. */
void incjob_start(inc_t *inc);
/* 1 when the job's index is written (incjob_finish will not wait). */
int incjob_done(incjob_t *j);
/* Wait for inc->job and free it (inc->job is NULL afterwards), with the pages
 * kept for it. With `use`, and when no incremental rebuild came after the job
 * started, its index is moved into the unpublished site folder or the staging
 * folder, a failure to write it becomes a diagnostic of inc->s, and
 * inc->search_pending and inc->search_ms are updated: the return value is then
 * 1 and the caller publishes (settle) and reports. Else returns 0. */
int incjob_finish(inc_t *inc, int use);

#endif
