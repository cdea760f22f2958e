/* tmpdir.c - temporary folders with owners. See tmpdir.h. */
#define _GNU_SOURCE
#include "tmpdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "pathres.h"

int tmpd_create(int parentfd, const char *prefix, int unique, char **name_out)
{
	*name_out = NULL;
	char *name = NULL;
	int made = 0;
	for (int attempt = 0; attempt < 100 && !made; attempt++) {
		free(name);
		if (unique) {
			unsigned char rnd[6];
			if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
				for (size_t i = 0; i < sizeof rnd; i++)
					rnd[i] = (unsigned char)(rand() ^ (int)time(NULL));
			static const char al[] = "abcdefghijklmnopqrstuvwxyz0123456789";
			char sfx[7];
			for (size_t i = 0; i < 6; i++)
				sfx[i] = al[rnd[i] % 36];
			sfx[6] = '\0';
			name = xasprintf("%s%ld-%s", prefix, (long)getpid(), sfx);
		} else {
			name = xasprintf("%s%ld", prefix, (long)getpid());
		}
		if (mkdirat(parentfd, name, 0755) == 0) {
			made = 1;
			break;
		}
		if (errno != EEXIST) {
			free(name);
			return -1;
		}
		if (!unique) {
			/* a left-over of a dead process whose pid is ours now, unless someone holds it
			 * (another pid namespace): then a name of our own */
			int old = openat(parentfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (old >= 0 && flock(old, LOCK_EX | LOCK_NB) == 0)
				pr_remove_at(parentfd, name);
			else
				unique = 1;
			if (old >= 0)
				close(old);
		}
	}
	if (!made) {
		free(name);
		errno = EEXIST;
		return -1;
	}
	int fd = openat(parentfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		unlinkat(parentfd, name, AT_REMOVEDIR);
		free(name);
		errno = e;
		return -1;
	}
	*name_out = name;
	return fd;
}

/* The time the process `pid` started (seconds since the epoch), or -1. */
static double process_start(long pid)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char line[1024];
	size_t n = fread(line, 1, sizeof line - 1, f);
	fclose(f);
	line[n] = '\0';
	const char *p = strrchr(line, ')'); /* the command name may hold spaces and parentheses */
	if (!p)
		return -1;
	/* after ") ": state (field 3) ... starttime is field 22 */
	unsigned long long start = 0;
	int field = 2;
	for (p++; *p && field < 22; p++)
		if (*p == ' ')
			field++;
	if (field != 22 || sscanf(p, "%llu", &start) != 1)
		return -1;
	f = fopen("/proc/stat", "r");
	if (!f)
		return -1;
	long long btime = -1;
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, "btime ", 6)) {
			btime = atoll(line + 6);
			break;
		}
	fclose(f);
	long hz = sysconf(_SC_CLK_TCK);
	if (btime < 0 || hz <= 0)
		return -1;
	return (double)btime + (double)start / (double)hz;
}

/* 1 when the folder (open as `fd`, named for `pid`) may belong to a live process. */
static int owner_alive(long pid, int fd)
{
	if (pid <= 0)
		return 1;
	if (kill((pid_t)pid, 0) != 0 && errno == ESRCH)
		return 0;
	struct stat st;
	double started = process_start(pid);
	if (started < 0 || fstat(fd, &st) != 0)
		return 1; /* cannot tell: leave it */
	/* a process that started after the folder was last written did not make it (a reused pid);
	 * two seconds of slack for the boot-time rounding of the start time */
	return started <= (double)st.st_mtim.tv_sec + 2.0;
}

size_t tmpd_sweep(int parentfd, const char *prefix)
{
	int dfd = openat(parentfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return 0;
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return 0;
	}
	size_t pl = strlen(prefix), removed = 0;
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		const char *nm = e->d_name;
		if (strncmp(nm, prefix, pl) || nm[pl] < '0' || nm[pl] > '9')
			continue;
		const char *q = nm + pl;
		while (*q >= '0' && *q <= '9')
			q++;
		if (*q && *q != '-' && *q != '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			names = xrealloc(names, cap * sizeof *names);
		}
		names[n++] = xstrdup(nm);
	}
	closedir(d);
	for (size_t i = 0; i < n; i++) {
		int fd = openat(parentfd, names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0) {
			/* held by a live build: it keeps it; free: look at the process its name gives */
			if (flock(fd, LOCK_EX | LOCK_NB) == 0 && !owner_alive(atol(names[i] + pl), fd) &&
			    pr_remove_at(parentfd, names[i]) == 0)
				removed++;
			close(fd);
		}
		free(names[i]);
	}
	free(names);
	return removed;
}
