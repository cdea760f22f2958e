/* sitefiles.h - what the last build published into its output folder (prefix sfiles_).
 *
 * An in-place commit (pubkeep.h) removes the files of the previous site that
 * the new one does not have, and whatever else is in the output folder (a
 * file put there by hand, a link planted in it). Finding them by reading
 * every folder of a 20,000-page site costs about 0.1 s; this record makes it
 * cost what changed. A build that committed in place, or swapped a whole
 * site in (pubkeep_record_swapped), records every file of the site it published, every folder holding them with its identity as the
 * build left it (inode, modification and change time, in ns), and the
 * identity of the site's marker file (publish.h), which every commit
 * replaces. The next build uses the record only when the marker is still
 * that file (no other build, older binary or --no-page-cache build has
 * published since, and no in-place commit stopped half-way: it rewrites the
 * marker first); then a folder whose identity is the recorded one holds
 * exactly the recorded entries (adding, removing or renaming an entry changes
 * a folder's times), and only the other folders are read (pubprune.h).
 *
 * The record is one file in Almanac's folder of the hub's Git directory
 * (`<dir>/site-files`), histfile.h's framing, read whole and bounds-checked;
 * a damaged one, or another output folder's, is ignored (the whole site is
 * read as before). Never repository content, never published.
 *
 * Folders are kept in path order with '/' sorting first, which is the
 * pre-order of the tree: a folder comes before everything under it, and its
 * subtree is contiguous. */
#ifndef ALMANAC_SITEFILES_H
#define ALMANAC_SITEFILES_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

/* A file's or folder's identity: inode, modification and change times. */
typedef struct {
	uint64_t ino;
	int64_t mtime_ns, ctime_ns;
} sfiles_id_t;

/* A folder of the site: its path ("" for the output folder itself), its
 * parent's index in the folder list (0 for the output folder) and identity. */
typedef struct {
	const char *rel;
	uint32_t parent;
	sfiles_id_t id;
} sfiles_dir_t;

/* A file of the site: its folder's index and its name in it. */
typedef struct {
	uint32_t dir;
	const char *name;
} sfiles_file_t;

/* A record as read: strings borrowed from `data`. The files are grouped by
 * folder, in folder order: folder i's are files[first[i] .. first[i + 1]). */
typedef struct {
	char *data; /* owned */
	sfiles_dir_t *dirs; /* owned; dirs[0] is the output folder */
	size_t ndirs;
	sfiles_file_t *files; /* owned */
	size_t nfiles;
	size_t *first; /* owned, ndirs + 1 entries */
} sfiles_t;

/* The identity of `st`. */
void sfiles_id_of(sfiles_id_t *out, const struct stat *st);
/* 1 when `a` and `b` are the same identity. */
int sfiles_id_eq(const sfiles_id_t *a, const sfiles_id_t *b);
/* strcmp for site paths with '/' sorting before every other byte (pre-order). */
int sfiles_path_cmp(const char *a, const char *b);

/* Read the record at `path` made for the output folder `site` (absolute) whose
 * marker had the identity `marker`: 0 and *out filled (free with sfiles_free),
 * or -1 (*out zeroed) when it is missing, damaged, another folder's or
 * another marker's. */
int sfiles_load(sfiles_t *out, const char *path, const char *site, const sfiles_id_t *marker);
/* The index of the folder `rel` in the record, or -1. */
long sfiles_dir_index(const sfiles_t *f, const char *rel);
/* 1 when the record lists the file `rel` (a path of the site). */
int sfiles_has(const sfiles_t *f, const char *rel);
/* Free what sfiles_load filled; accepts a zeroed record. */
void sfiles_free(sfiles_t *f);

/* Write the record of the site `site` whose marker is `marker`: the folders
 * `dirs` (in sfiles_path_cmp order, dirs[0] the output folder, each parent's
 * index before it) and the files, grouped by folder in folder order. 0, or
 * -1 when it cannot be written (the next build reads the whole site). */
int sfiles_save(const char *path, const char *site, const sfiles_id_t *marker, const sfiles_dir_t *dirs,
		size_t ndirs, const sfiles_file_t *files, size_t nfiles);

#endif
