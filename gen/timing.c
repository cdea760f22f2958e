/* timing.c - phase timings for profiling (see timing.h). */
#include "timing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static int enabled = -1;
static double last_wall, last_cpu;

static double clock_ms(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

int timing_enabled(void)
{
	if (enabled < 0) {
		const char *e = getenv("ALMANAC_TIMING");
		if (!e || !e[0])
			e = getenv("ALMANAC_SERVE_TIMING");
		enabled = e && e[0] && strcmp(e, "0") != 0;
	}
	return enabled;
}

void timing_mark(const char *name)
{
	if (!timing_enabled())
		return;
	double w = clock_ms(CLOCK_MONOTONIC), c = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
	if (name) {
		struct rusage ru;
		long rss = getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss / 1024 : -1;
		fprintf(stderr, "  %-16s %9.1f ms wall %9.1f ms cpu %6ld MiB peak\n", name, w - last_wall, c - last_cpu,
			rss);
	}
	last_wall = w;
	last_cpu = c;
}
