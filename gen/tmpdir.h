/* tmpdir.h - temporary folders that a killed process cannot leave behind (prefix tmpd_).
 *
 * A build writes its site into a temporary folder beside the output, and
 * `almanac serve` keeps its site versions in one under /dev/shm or $TMPDIR.
 * Such a folder is named PREFIX<pid>[-<random>] and is locked (flock) by the
 * process that made it for as long as it exists. A process killed with
 * SIGKILL cannot remove its folder, but the kernel drops its lock; the next
 * build (or serve) sweeps the folders with the same prefix: one is removed
 * when nobody holds its lock and its process is gone (or the pid now belongs
 * to a process started after the folder was last written, i.e. reused). A
 * live build's folder is never removed: it holds the lock, and during the
 * instant between making the folder and locking it, its process is alive and
 * older than the folder. */
#ifndef ALMANAC_TMPDIR_H
#define ALMANAC_TMPDIR_H

#include <stddef.h>

/* Make the folder PREFIX<pid> in `parentfd` (with `unique`, PREFIX<pid>-XXXXXX
 * with a random suffix that no other file has), removing a left-over folder of
 * that name first, and lock it. Returns an O_RDONLY descriptor of the folder
 * that holds the lock (close it to release the lock) and *name_out (owned by
 * the caller), or -1 (errno set). */
int tmpd_create(int parentfd, const char *prefix, int unique, char **name_out);
/* Remove the stale folders PREFIX<pid>... of `parentfd` (see above). Returns
 * how many were removed. */
size_t tmpd_sweep(int parentfd, const char *prefix);

#endif
