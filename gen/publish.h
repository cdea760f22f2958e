/* publish.h - safe, atomic output (prefix pub_).
 *
 * A build writes into a fresh temporary folder beside the output folder and
 * swaps it in only when everything succeeded, so a failed or interrupted
 * build leaves the previous site untouched. The output folder is refused
 * when it is unsafe: the repository root or an ancestor of it, a content
 * folder, '/', inside .git, or a non-empty folder Almanac did not create
 * (it has no marker file PUB_MARKER). */
#ifndef ALMANAC_PUBLISH_H
#define ALMANAC_PUBLISH_H

#include <stdatomic.h>
#include <stdint.h>
#include <sys/stat.h>
#include <stddef.h>

#include "diag.h"
#include "pathres.h"

#define PUB_MARKER ".almanac-site"
/* The temporary folder's name beside the output OUT: PUB_TMP_PREFIX "OUT-" <pid>. */
#define PUB_TMP_PREFIX ".almanac-tmp-"

typedef struct {
	char *out;        /* final folder, absolute (owned) */
	char *tmp;        /* temporary folder being written, absolute (owned) */
	pr_root_t *root;  /* the temporary folder: every file of the site is written through it (owned) */
	int parent_fd;    /* the output's parent folder (O_PATH), -1 when none */
	char *out_name;   /* the output's name in its parent (owned) */
	char *tmp_name;   /* the temporary folder's name in the parent, NULL once swapped in (owned) */
	int lock_fd;      /* the temporary folder, locked (tmpdir.h) while it exists; -1 when none */
	struct pubkeep *keep; /* the previous site's files kept (pubkeep.h), NULL when there is none (owned) */
	int keep_lock;    /* the previous site's folder, locked from pub_begin to pub_abort (another build into
			   * the same output waits); -1 when none */
	char *files_record; /* the record of the site's files (sitefiles.h), or NULL (owned) */
} pub_t;

/* Check `out_dir` (absolute) against the repository root and content
 * folders, and create the temporary folder beside it, after removing the
 * ones that killed builds left there (tmpdir.h). When `out_dir` is a folder
 * holding a site Almanac built (not a link), its unchanged files will be
 * kept (pubkeep.h: only what changed is written, and a small change is
 * committed in place instead of swapping the whole site); the output folder
 * is then locked until pub_abort: another build into it waits here (saying
 * so on stderr) until this one is done. An output inside the
 * repository is reached through `repo` (pathres.h): no link on its way may
 * leave the repository or lead into .git. Returns 0, or -1 with an error
 * diagnostic (exit code 4; code "interrupted" when a signal came while
 * waiting for another build). */
int pub_begin(pub_t *p, const char *out_dir, const char *repo_root, const pr_root_t *repo, char *const *content,
	      size_t ncontent, diag_list_t *d);
/* Remove the temporary folders that killed builds left beside `out_dir`
 * (pub_begin does it too; a build that finds its output up to date calls
 * this instead). */
void pub_sweep(const char *out_dir, const char *repo_root, const pr_root_t *repo);
/* Write into the existing folder `dir` (absolute) directly, without a
 * temporary folder or a swap (almanac serve's site versions): p->root is
 * set, pub_commit must not be called. Returns 0 or -1 (errno set). */
int pub_open_dir(pub_t *p, const char *dir);
/* Swap the temporary folder in, or with a previous site whose files are
 * kept, move the changed files in (pubkeep.h), recording `stamp` (the
 * build's input fingerprint, may be NULL) in the marker file. Returns 0 or
 * -1 (diagnostic added; the old site stays, or with an in-place commit that
 * failed half-way, the next build repairs it). */
int pub_commit(pub_t *p, const char *stamp, diag_list_t *d);
/* An early check of the previous site against its record of files (see
 * pub_record_files), started before the build has a pub_t (pub_begin takes
 * the output folder's lock later): of the output folder `out_dir` and the
 * record at `record`, on a thread of its own, so that it runs while the
 * build reads its pages. NULL when the folder cannot be opened (no link is
 * followed). */
typedef struct pub_early pub_early_t;
pub_early_t *pub_early_check(const char *out_dir, const char *record);
/* Free an early check that was not used (waits for its thread). */
void pub_early_free(pub_early_t *e);
/* Keep the record of the site's files at `path` (sitefiles.h: a file in
 * Almanac's folder of the Git directory): a commit reads it to find what
 * to remove without reading every folder of the site, and writes the new
 * site's. Without it (the default) every folder is read. Call it before
 * any file is kept: the record's folders and files are checked, by
 * `early` (taken: freed here; NULL for none) when it is of this output
 * folder and no build published into it since it was made, else now on a
 * thread of their own; after pub_record_wait pub_kept_as compares a
 * recorded file of a checked site with what the check found. */
void pub_record_files(pub_t *p, const char *path, pub_early_t *early);
/* Wait for the check pub_record_files started (none: returns at once). Call
 * it before the first pub_kept_as. */
void pub_record_wait(pub_t *p);
/* Remove the temporary folder (after a failure). Frees `p`. Safe to call after pub_commit
 * or pub_open_dir (then nothing is removed). */
void pub_abort(pub_t *p);
/* Install SIGINT/SIGTERM handlers that set the interrupted flag. */
void pub_install_signal_handlers(void);
/* 1 once SIGINT or SIGTERM was received. */
int pub_interrupted(void);
/* The flag itself (non-zero once interrupted), for long jobs on other threads
 * that poll it (hist_opts_t.stop). Valid for the whole process. */
const atomic_int *pub_interrupt_flag(void);
/* Once interrupted: the wall-clock and process CPU milliseconds since the
 * first SIGINT/SIGTERM, and 1; else 0 (for ALMANAC_TIMING). */
int pub_since_interrupt(double *wall_ms, double *cpu_ms);
/* Write `len` bytes to `rel` in the site being written (pr_write on
 * p->root), refusing paths that leave it ("..", absolute); when the previous
 * site has exactly these bytes there, nothing is written and its file is
 * kept (pubkeep.h). Thread-safe for distinct paths. Returns 0, -1 on I/O
 * error (errno set), -2 on an unsafe path. */
int pub_write(const pub_t *p, const char *rel, const void *data, size_t len);
/* pub_write, and `st` (not NULL) receives the stat of the file the site will
 * have at `rel`: the previous site's kept file, or the one written (zeroed
 * when it cannot be known). */
int pub_write_stat(const pub_t *p, const char *rel, const void *data, size_t len, struct stat *st);
/* 1 when the previous site's file `rel` is still the regular file of that
 * size, modification time (ns) and inode, and is kept as the new site's
 * (pubkeep_same_stat: the caller knows its bytes are the new site's); 0 when
 * there is no previous site or it is not that file. */
int pub_kept_as(const pub_t *p, const char *rel, uint64_t size, int64_t mtime_ns, uint64_t ino);
/* Read the previous site's regular file `rel` into `buf` (pubkeep_read): 1 when it is `size` bytes long
 * and was read whole; 0 when there is no previous site or no such file. */
int pub_read_prev(const pub_t *p, const char *rel, void *buf, size_t size);
/* Copy the regular file `src` of `from` to `rel` in the site being written,
 * or keep the previous site's file when it has the same bytes. Returns what
 * pr_copy returns. */
int pub_copy(const pub_t *p, const pr_root_t *from, const char *src, const char *rel);

#endif
