/* procmem.c - how the almanac process uses memory (see procmem.h). */
#include "procmem.h"

#include <malloc.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "timing.h"

#define HP_TUNABLE "glibc.malloc.hugetlb=1"
#define HP_MIN_INDEX (128 * 1024)

/* sanitizers replace malloc: the tunable would do nothing for them */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define PM_SANITIZER 1
#else
#define PM_SANITIZER 0
#endif

/* valgrind loads its preload library into the programs it runs */
static int under_valgrind(void)
{
	const char *pre = getenv("LD_PRELOAD");
	return pre && strstr(pre, "vgpreload") != NULL;
}

static int thp_mode_is_madvise(void)
{
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	if (!f)
		return 0;
	char line[128] = "";
	int ok = fgets(line, sizeof line, f) != NULL && strstr(line, "[madvise]") != NULL;
	fclose(f);
	return ok;
}

/* The size of the index of the repository holding `dir` (searched upwards
 * for a .git folder), 0 when there is none or .git is a file (worktrees). */
static long long index_size(const char *dir)
{
	char path[PATH_MAX];
	if (!realpath(dir && dir[0] ? dir : ".", path))
		return 0;
	for (;;) {
		char *idx = xasprintf("%s/.git/index", path);
		struct stat st;
		int found = stat(idx, &st) == 0;
		free(idx);
		if (found)
			return (long long)st.st_size;
		char *slash = strrchr(path, '/');
		if (!slash || slash == path)
			return 0;
		*slash = '\0';
	}
}

void pm_reexec_hugepages(char **argv, const char *repo_dir)
{
	const char *opt = getenv("ALMANAC_HUGEPAGES");
	if (PM_SANITIZER || (opt && !strcmp(opt, "0")))
		return;
	const char *tun = getenv("GLIBC_TUNABLES");
	if (tun && strstr(tun, "glibc.malloc.hugetlb")) { /* done already, or the user chose */
		if (timing_enabled())
			fprintf(stderr, "  malloc: GLIBC_TUNABLES=%s\n", tun);
		return;
	}
	if (under_valgrind())
		return; /* an exec would leave it */
	if (!thp_mode_is_madvise() || index_size(repo_dir) < HP_MIN_INDEX)
		return;
	char *val = tun && tun[0] ? xasprintf("%s:%s", tun, HP_TUNABLE) : xstrdup(HP_TUNABLE);
	if (setenv("GLIBC_TUNABLES", val, 1) == 0) {
		fflush(NULL);
		execv("/proc/self/exe", argv);
		/* not executed (no /proc, ...): carry on as we are */
		if (tun)
			setenv("GLIBC_TUNABLES", tun, 1);
		else
			unsetenv("GLIBC_TUNABLES");
	}
	free(val);
}

#define PM_TOP_PAD (8 << 20)

void pm_tune_malloc_for_batch(void)
{
	if (PM_SANITIZER)
		return;
	mallopt(M_TOP_PAD, PM_TOP_PAD);
}

int pm_free_at_exit(void)
{
	const char *opt = getenv("ALMANAC_FREE_AT_EXIT");
	return PM_SANITIZER || under_valgrind() || (opt && !strcmp(opt, "1"));
}
