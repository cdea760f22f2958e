/* parallel.c - parallel for-loop. See parallel.h. */
#include "parallel.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "buf.h"

typedef struct {
	size_t n;
	atomic_size_t next;
	par_fn fn;
	void *ud;
} par_job_t;

enum { PAR_BATCH = 8 };

static void *par_worker(void *arg)
{
	par_job_t *j = arg;
	for (;;) {
		size_t start = atomic_fetch_add(&j->next, PAR_BATCH);
		if (start >= j->n)
			break;
		size_t end = start + PAR_BATCH < j->n ? start + PAR_BATCH : j->n;
		for (size_t i = start; i < end; i++)
			j->fn(j->ud, i);
	}
	return NULL;
}

void par_for(size_t n, int jobs, par_fn fn, void *ud)
{
	par_job_t j = {.n = n, .fn = fn, .ud = ud};
	atomic_init(&j.next, 0);
	if (jobs < 1)
		jobs = 1;
	if ((size_t)jobs > n / PAR_BATCH + 1)
		jobs = (int)(n / PAR_BATCH + 1);
	pthread_t *t = xcalloc((size_t)jobs, sizeof *t);
	int started = 0;
	for (int i = 1; i < jobs; i++) {
		pthread_t th;
		if (pthread_create(&th, NULL, par_worker, &j) == 0)
			t[started++] = th;
	}
	par_worker(&j);
	for (int i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	free(t);
}

int par_cpu_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}
