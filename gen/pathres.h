/* pathres.h - the trust boundary: paths resolved beneath a root (prefix pr_).
 *
 * Every file Almanac reads from a repository (pages, assets, almanac.yml, the
 * site theme, the alert catalog, the ignore-revs file) and every file it
 * writes into a site goes through a pr_root_t: an open descriptor of a folder
 * and the rules for it. A path is resolved from that descriptor one component
 * at a time (openat with O_NOFOLLOW; a symbolic link is read with readlinkat
 * and its target resolved again under the same root, at most PR_MAX_LINKS
 * links for one path; ".." never climbs above the root), so nothing outside
 * the root can be reached, and the check is the open itself: callers get a
 * descriptor or the bytes, never a path string to open again (no
 * time-of-check gap). A path without symbolic links is opened in one
 * openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS) call
 * (Linux 5.6+); a link anywhere on it, or an older kernel, takes the walk.
 *
 * Kinds of root:
 *   PR_REPO     a repository work tree (untrusted): links are followed only
 *               while they stay inside it, an absolute link only when it
 *               names a place inside the root's own path; no component may
 *               be ".git" in any letter case (the repository's metadata, a
 *               worktree's or submodule's .git file).
 *   PR_BENEATH  a folder Almanac writes (a site): links stay inside, as for
 *               PR_REPO, without the .git rule.
 *   PR_TRUSTED  a folder the operator chose (the built-in theme): paths are
 *               opened as open(2) would, links followed anywhere.
 *   PR_NOLINKS  a folder Almanac wrote and changes in place (the previous
 *               site of a rebuild, pubkeep.h): no link is followed at all,
 *               even one that stays inside (PR_ELOOP), as for PR_BENEATH
 *               otherwise.
 * Writing never follows a link in the last component, and refuses absolute
 * paths and "", "." or ".." segments (PR_EUNSAFE).
 *
 * Return codes: >= 0 success (a descriptor where one is returned), else one
 * of the PR_E* codes below. The refusals (PR_EOUTSIDE, PR_EGIT, PR_ELOOP)
 * leave errno alone; PR_EIO sets errno (ENOENT for a missing file). */
#ifndef ALMANAC_PATHRES_H
#define ALMANAC_PATHRES_H

#include <stddef.h>
#include <sys/stat.h>

#include "buf.h"

enum { PR_REPO = 1, PR_BENEATH = 2, PR_TRUSTED = 3, PR_NOLINKS = 4 };

enum {
	PR_EIO = -1,      /* a system error; errno says which */
	PR_ETOOBIG = -2,  /* pr_read: the file is larger than `max` */
	PR_EOUTSIDE = -3, /* a symbolic link (or "..") leads outside the root */
	PR_EGIT = -4,     /* the path, or a link on it, leads into .git */
	PR_ELOOP = -5,    /* more than PR_MAX_LINKS links (PR_NOLINKS: any link), or folders nested too deep */
	PR_EUNSAFE = -6,  /* a path to write that is absolute or has "", "." or ".." segments */
	PR_EWRITE = -7,   /* pr_copy: writing the copy failed (errno set; ENOSPC when the disk is full) */
};

/* Links followed for one path, at most (Linux's own limit is 40). */
#define PR_MAX_LINKS 40
/* Folders a resolved path may be nested in, at most. */
#define PR_MAX_DEPTH 256

typedef struct pr_root pr_root_t;

/* A folder entry (pr_list): its name and lstat data (a link is S_ISLNK). */
typedef struct {
	char *name; /* owned */
	struct stat st;
} pr_entry_t;

/* Open the folder `path` as a root of `kind`. `path` is the operator's (it is
 * opened as given, links included). Returns 0 and *out (free with
 * pr_root_free), or PR_EIO. */
int pr_root_open(pr_root_t **out, const char *path, int kind);
/* Open the folder `name` of the open folder `at` as a root of `kind`,
 * never through a link; `path` is its absolute path (absolute link targets
 * are compared with it). Returns 0 and *out, or PR_EIO. */
int pr_root_open_at(pr_root_t **out, int at, const char *name, const char *path, int kind);
/* Free a root (NULL accepted). */
void pr_root_free(pr_root_t *r);
/* The root's descriptor (O_PATH; borrowed). */
int pr_root_fd(const pr_root_t *r);

/* Open `rel` (relative to the root; "" or "." is the root itself) with
 * `flags` (O_RDONLY, O_RDONLY | O_DIRECTORY, or O_PATH; O_CLOEXEC is added;
 * a read does not block on a FIFO). Returns the descriptor (the caller
 * closes it) or a PR_E* code. A NULL root holds no file (PR_EIO, ENOENT). */
int pr_open(const pr_root_t *r, const char *rel, int flags);
/* stat() of what `rel` resolves to. Returns 0 or a PR_E* code. */
int pr_stat(const pr_root_t *r, const char *rel, struct stat *st);
/* Where `rel` leads: the path, relative to the root, of what it resolves to (links inside the root
 * followed, as pr_open follows them; a link leading out is refused). It differs from `rel` when a link
 * is on the way (a MkDocs docs/index.md -> ../README.md). *out is the caller's. Returns 0 or a PR_E*
 * code (*out NULL). */
int pr_where(const pr_root_t *r, const char *rel, char **out);
/* Read the regular file `rel` into `out` (appended). Returns 0, PR_ETOOBIG
 * when it is larger than `max` bytes, PR_EIO (EINVAL: not a regular file), or
 * a refusal. */
int pr_read(const pr_root_t *r, const char *rel, buf_t *out, size_t max);
/* The entries of the folder `rel`, sorted by name, without "." and ".."
 * (and without names starting with '.' when `skip_hidden`). *out is owned by
 * the caller: pr_list_free. Returns 0 or a PR_E* code. */
int pr_list(const pr_root_t *r, const char *rel, int skip_hidden, pr_entry_t **out, size_t *n);
/* pr_read under the folder `root_path` opened as a root of `kind` for this
 * one read (for a module that has no root at hand). */
int pr_read_in(const char *root_path, int kind, const char *rel, buf_t *out, size_t max);
/* Free what pr_list returned. */
void pr_list_free(pr_entry_t *v, size_t n);

/* Write `len` bytes to `rel`, creating its missing parent folders (links on
 * the way are resolved as for reading; the file itself is never a link).
 * Returns 0, PR_EIO (errno set), PR_EUNSAFE or a refusal. */
int pr_write(const pr_root_t *r, const char *rel, const void *data, size_t len);
/* Create the folder `rel` and its missing parents. Returns 0 or a PR_E* code. */
int pr_mkdirs(const pr_root_t *r, const char *rel);
/* Copy the regular file `src` under `from` to `dst` under `to` (as
 * pr_write). Returns 0; a code of pr_read when the source cannot be read;
 * PR_EWRITE when the copy cannot be written whole (errno set); PR_EUNSAFE.
 * A failed copy leaves no partial file. */
int pr_copy(const pr_root_t *from, const char *src, const pr_root_t *to, const char *dst);
/* Remove `rel` (a plain path, see pr_write) and everything under it, following
 * no link in it. Returns 0 (also when it does not exist) or a PR_E* code. */
int pr_remove(const pr_root_t *r, const char *rel);
/* Remove `name` in the folder `at` and everything under it, following no
 * link (links themselves are removed). Returns 0 or -1 (errno set). */
int pr_remove_at(int at, const char *name);

/* What a code means, for a diagnostic ("symbolic link points outside the
 * repository"); strerror(errno) for PR_EIO. */
const char *pr_strerror(int code);
/* The message of a `symlink` warning for a link that resolving gave `code`
 * ("symbolic link points outside the repository: not followed"). */
const char *pr_link_message(int code);
/* 1 when `code` is a refusal of the boundary (outside, .git, too many links). */
int pr_refused(int code);

#endif
