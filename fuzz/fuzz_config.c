/* fuzz_config.c - libFuzzer target: almanac.yml.
 *
 * config_load reads a file by path; the input is handed to it through an
 * anonymous memfd (/proc/self/fd/N), so the target touches no file system.
 * Whatever the input, config_load returns 0 or -1 and leaves a config that
 * config_interval_for and config_free accept. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"
#include "diag.h"

static int memfd = -1;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (memfd < 0) {
		memfd = memfd_create("almanac-fuzz-config", MFD_CLOEXEC);
		if (memfd < 0)
			abort();
	}
	if (ftruncate(memfd, 0) != 0 || pwrite(memfd, data, size, 0) != (ssize_t)size)
		abort();
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", memfd);

	diag_list_t d;
	diag_init(&d);
	config_t c;
	config_defaults(&c);
	int rc = config_load(&c, path, "almanac.yml", 0, &d);
	if (rc != 0 && rc != -1)
		abort();
	if (rc != 0 && diag_count(&d, DIAG_ERROR) == 0)
		abort(); /* a refused configuration always says why */
	static const char *const types[] = {"runbook", "role", "guide", NULL};
	static const char *const crits[] = {"critical", "high", "medium", "low", NULL};
	for (size_t t = 0; t < 4; t++)
		for (size_t k = 0; k < 5; k++)
			if (config_interval_for(&c, types[t], crits[k]) <= 0)
				abort();
	for (size_t i = 0; i < d.len; i++)
		if (!d.items[i].message || d.items[i].line < 0 || d.items[i].col < 0)
			abort();
	config_free(&c);
	diag_free(&d);
	return 0;
}
