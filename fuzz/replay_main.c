/* replay_main.c - a fuzz target without libFuzzer: runs its
 * LLVMFuzzerTestOneInput once on each file named on the command line (a
 * folder: each file in it, in name order), so the normal and sanitizer test
 * builds replay the seeds and the committed regression inputs with gcc
 * (tests/integration/test_fuzz_replay.py). Arguments starting with '-' are
 * libFuzzer's options and are ignored. Exit 0 when every input ran; an
 * oracle or a sanitizer aborts the process, as under libFuzzer. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

/* Run the target on one file; 0 when it ran, -1 when the file cannot be read. */
static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	size_t cap = 4096, n = 0;
	uint8_t *data = malloc(cap);
	size_t got;
	while (data && (got = fread(data + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			uint8_t *bigger = realloc(data, cap *= 2);
			if (!bigger) {
				free(data);
				data = NULL;
			} else {
				data = bigger;
			}
		}
	}
	fclose(f);
	if (!data)
		return -1;
	LLVMFuzzerTestOneInput(data, n);
	free(data);
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int main(int argc, char **argv)
{
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	size_t ran = 0, unreadable = 0;
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			continue;
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			unreadable++;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			if (run_file(argv[i]) == 0)
				ran++;
			else
				unreadable++;
			continue;
		}
		struct dirent **names;
		int n = scandir(argv[i], &names, NULL, by_name);
		for (int k = 0; k < n; k++) {
			char path[4096];
			snprintf(path, sizeof path, "%s/%s", argv[i], names[k]->d_name);
			if (names[k]->d_name[0] != '.' && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
				if (run_file(path) == 0)
					ran++;
				else
					unreadable++;
			}
			free(names[k]);
		}
		free(names);
	}
	printf("%zu inputs replayed, %zu unreadable\n", ran, unreadable);
	return unreadable ? 1 : 0;
}
