/* pubkeep.h - a build keeps the previous site's unchanged files (prefix pubkeep_).
 *
 * When the output folder holds a site Almanac built (publish.h), a build does
 * not write a file whose bytes the previous site already has at the same
 * path: that file is kept, with its inode and modification time (rsync and
 * object-store syncs then upload only what changed). Only the files that
 * differ are written into the temporary folder ("staged"). This module
 * records every file of the new site, kept or staged (from several threads),
 * and commits the result in one of two ways:
 *
 *   - in place, when few files were staged (at most PUBKEEP_INPLACE_MAX and
 *     at most a quarter of the site): the marker is first rewritten without
 *     the build's fingerprint (a build stopped in the middle is never taken
 *     as up to date, and the next one compares with what is on disk, so it
 *     repairs the rest); the staged files are renamed into the output folder
 *     one by one (a reader gets a whole old file or a whole new one); the
 *     files the new site no longer has are removed; the marker with the
 *     fingerprint is renamed in last. Its cost is that of the change, not of
 *     the site, and a reader may see old and new pages side by side for that
 *     instant;
 *   - whole, otherwise: the kept files are linked (hard links) into the
 *     temporary folder, which publish.c then swaps in as one folder, exactly
 *     as a build without a previous site.
 *
 * The previous site is read through a PR_NOLINKS root (pathres.h): no link in it is
 * followed, not even one that stays inside (a file reached through a link is
 * not kept: it is written again and the link removed): nothing outside the
 * output folder is read, written or removed. */
#ifndef ALMANAC_PUBKEEP_H
#define ALMANAC_PUBKEEP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "diag.h"
#include "pathres.h"

/* Files staged at most for an in-place commit: renaming them in takes well
 * under a tenth of a second, the time Ctrl-C is given to take effect. */
#define PUBKEEP_INPLACE_MAX 2000

typedef struct pubkeep pubkeep_t;

/* Start keeping files of the previous site `prev` (the output folder, opened
 * as a PR_BENEATH root; the new pubkeep_t owns it). Returns the new record. */
pubkeep_t *pubkeep_new(pr_root_t *prev);
/* Free (NULL accepted). */
void pubkeep_free(pubkeep_t *k);
/* 1 when the previous site has the regular file `rel` with exactly these
 * bytes (it is recorded as kept: nothing needs to be written; `st`, when
 * not NULL, receives that file's stat), else 0. Thread-safe. */
int pubkeep_same(pubkeep_t *k, const char *rel, const void *data, size_t len, struct stat *st);
/* 1 when the previous site's regular file `rel` is still the file of that
 * size, modification time (ns) and inode, which the caller knows the new
 * site would have byte for byte (pagefiles.h): it is recorded as kept
 * without being read. Else 0. Thread-safe. */
int pubkeep_same_stat(pubkeep_t *k, const char *rel, uint64_t size, int64_t mtime_ns, uint64_t ino);
/* Before any file is kept: start reading the last build's record of the
 * site at `record` (sitefiles.h; NULL: none) of the output folder `out`
 * (absolute) whose marker file is named `marker`, and checking every folder
 * and file it lists (pubprune_open), on a thread of its own. After
 * pubkeep_check_wait, pubkeep_same_stat compares a recorded file with what
 * the check found, and pubkeep_apply uses the check instead of making it
 * again. */
void pubkeep_check_record(pubkeep_t *k, const char *record, const char *out, const char *marker);
/* Wait for the check pubkeep_check_record started (none: returns). Call it
 * before files are kept; pubkeep_apply and pubkeep_free wait too. */
void pubkeep_check_wait(pubkeep_t *k);
/* Take the check `early` made (pubkeep_check_record on a pubkeep of the
 * same output folder, opened before this build took the folder's lock),
 * waiting for it: 1 when it is of k's folder and no build published into
 * it since (pubprune_rebind); 0 otherwise, `k` unchanged. `early` is still
 * the caller's to free. */
int pubkeep_adopt_check(pubkeep_t *k, pubkeep_t *early);
/* Read the previous site's regular file `rel` into `buf`: 1 when it is `size` bytes long and was read
 * whole, else 0. It is not recorded as kept (the caller writes the file it makes from these bytes).
 * Thread-safe. */
int pubkeep_read(pubkeep_t *k, const char *rel, void *buf, size_t size);
/* As pubkeep_same for the bytes of the regular file `src` under `from`. */
int pubkeep_same_file(pubkeep_t *k, const char *rel, const pr_root_t *from, const char *src);
/* Record that `rel` was written into the temporary folder. Thread-safe. */
void pubkeep_staged(pubkeep_t *k, const char *rel);
/* 1 when the commit can be in place (see above). */
int pubkeep_in_place(const pubkeep_t *k);
/* In-place commit: rename every staged file of `tmp` into the previous site,
 * remove what the new site does not have (pubprune.h: with `record`, the
 * path of the record of the site's files, or NULL for none), then rename
 * `tmp`'s file `marker` (already written) over the previous one, and record
 * the new site; `marker_wip` is what the marker says meanwhile. `out` is the
 * output folder's absolute path. Returns 0, or -1 with an error diagnostic at `out`: code
 * "output" when the site was not changed, PUBKEEP_INCOMPLETE when it failed
 * half-way (the site may then mix old and new files: the next build repairs
 * it, as the marker says it is not up to date). */
#define PUBKEEP_INCOMPLETE "output-incomplete"
int pubkeep_apply(pubkeep_t *k, const pr_root_t *tmp, const char *marker, const char *marker_wip, const char *out,
		  const char *record, diag_list_t *d);
/* After a whole commit swapped the folder `site` in as the output folder
 * `out` (absolute, its marker named `marker`): record it at `record`
 * (sitefiles.h), every folder walked (what the site does not have is
 * removed, as after an in-place commit), so that the next build checks its
 * folders instead of reading them. 0, or -1 when it could not be recorded. */
int pubkeep_record_swapped(pubkeep_t *k, const pr_root_t *site, const char *out, const char *marker,
			   const char *record);
/* Whole commit: link every kept file into `tmp` (copied when it cannot be
 * linked), stopping on Ctrl-C (pub_interrupted) within 256 files. Returns
 * 0, or -1 with an error diagnostic at `out` (code "interrupted" when
 * stopped: nothing was published). */
int pubkeep_link_kept(pubkeep_t *k, const pr_root_t *tmp, const char *out, diag_list_t *d);
/* Files kept and staged so far (ALMANAC_TIMING, tests). */
void pubkeep_counts(const pubkeep_t *k, size_t *kept, size_t *staged);

#endif
