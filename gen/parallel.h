/* parallel.h - a parallel for-loop over an index range (prefix par_). */
#ifndef ALMANAC_PARALLEL_H
#define ALMANAC_PARALLEL_H

#include <stddef.h>

/* Called once per index; must be safe to run concurrently for different indexes. */
typedef void (*par_fn)(void *ud, size_t index);

/* Run fn(ud, i) for every i in [0, n) on `jobs` threads (the caller's thread
 * included). Work is handed out in order in small batches, so the results
 * do not depend on `jobs`. Returns when all calls finished. */
void par_for(size_t n, int jobs, par_fn fn, void *ud);
/* The number of online processors (>= 1). */
int par_cpu_count(void);

#endif
