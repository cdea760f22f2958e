/* pubprune.h - removing what a site committed in place no longer has (prefix pubprune_).
 *
 * An in-place commit (pubkeep.h) moves the changed files into the previous
 * site, then removes every file and folder of the output folder that the new
 * site does not have: its own old files, a file put there by hand, a link
 * planted in it (removed, never followed), and the folders left empty. The
 * site's marker file (publish.h) is never removed.
 *
 * Without a record, every folder of the output is read. With the record of
 * the last build (sitefiles.h) whose marker is still that build's, when the
 * new site has the same files (a rebuild that changed pages, added and
 * removed none: as many files, every one moved in among the recorded ones),
 * every folder it lists is only checked (one stat): when each is the
 * recorded one, the output holds exactly the recorded files, which are the
 * new site's, and nothing is read or removed. Otherwise every folder is read
 * as without a record. After the commit the new site is recorded for the
 * next build (from the record, or from the walk).
 *
 * Everything goes through the previous site's PR_NOLINKS root, or through
 * folders opened from it without following links: nothing outside the
 * output folder is read, written or removed. */
#ifndef ALMANAC_PUBPRUNE_H
#define ALMANAC_PUBPRUNE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "map.h"
#include "pathres.h"

typedef struct pubprune pubprune_t;

/* Before the previous site `prev` (borrowed: it must outlive the result)
 * changes, and before its files are kept: read the record at `record`
 * (NULL: none is read or written) of the output folder `site` (absolute),
 * whose marker file is named `marker`, and when the marker is still the
 * recorded build's, check every folder it lists (one stat each) and note
 * what each of its files is (one stat each, from its folder). Returns
 * the state (pubprune_free). */
pubprune_t *pubprune_open(const pr_root_t *prev, const char *record, const char *site, const char *marker);
/* Use `prev` from now on instead of the root the check was made through,
 * when both are the same folder and its marker is still the one the check
 * found (no build published into it since). 1 when rebound; 0 otherwise
 * (the check is then not to be used). */
int pubprune_rebind(pubprune_t *pp, const pr_root_t *prev);
/* A file of the record as the folder check found it. */
typedef struct {
	uint64_t size, ino;
	int64_t mtime_ns;
	int found; /* 0: no regular file there (a link is not followed) */
} pubprune_file_t;
/* *f as the file `st` is (NULL, or not a regular file: not found). */
void pubprune_file_of(pubprune_file_t *f, const struct stat *st);
/* 1 and *f filled when the record's folders were all checked unchanged and
 * `rel` is one of its files: *f is what the check found at that path, in a
 * real folder of the previous site (no folder on its path a link or
 * replaced); the caller need not look at the file again. 0 otherwise (look
 * through the resolver). Thread-safe. */
int pubprune_file(const pubprune_t *pp, const char *rel, pubprune_file_t *f);
/* Before the commit changes anything: whether the new site's files (`files`:
 * every path of the new site; `moved`: the n of them to be moved in) are
 * the recorded ones, in a site whose folders were checked unchanged; then
 * pubprune_run has nothing to remove. */
void pubprune_match(pubprune_t *pp, const map_t *files, const char *const *moved, size_t n);
/* After the new site's changed files were moved in: remove every file and
 * folder the new site (`files`) does not have. Never fails: what cannot be
 * removed stays (the next build reads its folder again). */
void pubprune_run(pubprune_t *pp, const map_t *files);
/* After the marker was renamed in: record the site for the next build (the
 * n files of `moved` as for pubprune_match): the last record with the
 * identities of the folders the commit changed, or what pubprune_run's walk
 * left (the new site's files and the folders holding them). 0, or -1 when it
 * could not be recorded (the next build reads every folder). */
int pubprune_record(pubprune_t *pp, const char *const *moved, size_t n);
/* Folders checked by a stat and folders read (ALMANAC_TIMING, tests). */
void pubprune_counts(const pubprune_t *pp, size_t *checked, size_t *read);
/* Free (NULL accepted). */
void pubprune_free(pubprune_t *pp);

#endif
