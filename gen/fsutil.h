/* fsutil.h - file-system and path helpers (prefix fsu_).
 *
 * Paths inside the site are '/'-separated and relative to the repository
 * root ("runbooks/k8s/x.md"). Functions returning char* give the caller a
 * malloc'd string to free(). */
#ifndef ALMANAC_FSUTIL_H
#define ALMANAC_FSUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "buf.h"

/* Largest Markdown/config file Almanac reads (bytes); larger files are refused with a diagnostic. */
#define FSU_MAX_FILE (16u * 1024u * 1024u)

/* Read the whole file into `out` (appended). Returns 0, -1 on error (errno set),
 * -2 when the file exceeds `max` bytes. Only for paths the operator gives (the
 * command line, the built-in theme, Almanac's own folders): a path from a
 * repository is read with pr_read (pathres.h). */
int fsu_read_file(buf_t *out, const char *path, size_t max);
/* Read what is left of the open file `fd` into `out` (appended; `fd` stays
 * open). Returns 0, -1 on error (errno set), -2 past `max` bytes. */
int fsu_read_fd(int fd, buf_t *out, size_t max);
/* fsu_read_fd when the caller has fstat'ed `fd` already (`st`). */
int fsu_read_fd_st(int fd, const struct stat *st, buf_t *out, size_t max);
/* The running binary's path (/proc/self/exe), or NULL. Caller frees. */
char *fsu_exe_path(void);
/* Write `len` bytes to `path`, creating parent folders. Returns 0 or -1 (errno set).
 * For the operator's paths only (report --output); a site is written with pr_write. */
int fsu_write_file(const char *path, const void *data, size_t len);
/* mkdir -p. Returns 0 or -1. */
int fsu_mkdirs(const char *path, int mode);
/* rm -rf (does not follow symlinks). Returns 0 or -1. */
int fsu_remove_tree(const char *path);
/* stat(2) of an operator's path (the binary, Git's index). Returns 0 or -1. */
int fsu_stat(const char *path, struct stat *st);
/* What stat says of a file's identity and content, as Git's index keeps it: a file whose identity
 * is the one recorded holds what it held then, unless it was written in the second the record was
 * made (pagerec.h: Git's "racy" files). All zero: unknown. */
typedef struct {
	int64_t size, mtime_ns, ctime_ns; /* nanoseconds since the epoch */
	uint64_t ino, dev;
} fsu_stat_id_t;
/* The identity of the file `st` describes. */
void fsu_stat_id(fsu_stat_id_t *out, const struct stat *st);
/* A Git repository's state a page's work-tree status depends on besides the page's file: its HEAD
 * commit and its index file's identity (pagerec.h). known 0: not read. */
typedef struct {
	unsigned char head[20];
	fsu_stat_id_t index;
	int known;
} fsu_repo_state_t;
/* 1 when `path` is an existing directory / regular file. */
int fsu_is_dir(const char *path);
int fsu_is_file(const char *path);
/* Join two path parts with one '/'. Caller frees. */
char *fsu_join(const char *a, const char *b);
/* Normalise a '/'-path: drop "." segments and empty segments, resolve "..".
 * Returns NULL when ".." climbs above the start (the path escapes). Caller frees.
 * A trailing '/' is kept when the input had one. */
char *fsu_normalize(const char *path);
/* Directory part of a '/'-path ("a/b/c.md" -> "a/b", "c.md" -> ""). Caller frees. */
char *fsu_dirname(const char *path);
/* Relative URL from the page whose URL (folder) is `from_url` ("runbooks/k8s/x/", "" for the root)
 * to `to_url` (site-root-relative, e.g. "assets/style.css", "runbooks/"). Caller frees.
 * The result is never empty: linking a page to itself gives "./". */
char *fsu_relurl(const char *from_url, const char *to_url);
/* fsu_relurl(from_url, to_url) fit for an href: bytes that would cut the link short or change its
 * meaning (controls, space, # % ? and backslash) are percent-encoded, so a file named "a b#c.md"
 * links to its page; the rest is left to the templates' HTML escaping. Caller frees. */
char *fsu_href(const char *from_url, const char *to_url);
/* `url` with the bytes fsu_href encodes percent-encoded: for a URL written
 * outside an href (sitemap.xml, JSON). Caller frees. */
char *fsu_url_escape(const char *url);
/* Prefix to the site root from a page URL: "runbooks/k8s/x/" -> "../../../", "" -> "". Caller frees. */
char *fsu_root_prefix(const char *from_url);
/* 1 when `s` ends with `suffix`. */
int fsu_ends_with(const char *s, const char *suffix);
/* 1 when `s` starts with `prefix`. */
int fsu_starts_with(const char *s, const char *prefix);
/* The value of a hexadecimal digit (0-9, a-f, A-F), or -1. */
int fsu_hexval(int c);
/* The `n` bytes at `s` percent-decoded ("%41" -> "A"; a '%' without two hex
 * digits after it stays as it is, and so does "%00", which would cut the
 * string short). Caller frees. */
char *fsu_pct_decode(const char *s, size_t n);
/* Make an absolute, normalised version of `path` (no symlink resolution). Caller frees. */
char *fsu_absolute(const char *path);
/* Move the file `from` (under the folder `fromdir`, AT_FDCWD for the
 * working folder) to `to` (under `todir`), replacing what is there
 * atomically: a reader sees the old file or the new one. When `to` is an
 * existing file the two are exchanged (renameat2 RENAME_EXCHANGE) and the
 * old one is then removed: on ext4 a rename over a file flushes the new
 * file's data first (auto_da_alloc), which waits behind every other write
 * of the machine; an exchange does not. Otherwise (nothing there, a folder,
 * no RENAME_EXCHANGE) a plain renameat. 0, or -1 with errno set. */
int fsu_replace_at(int fromdir, const char *from, int todir, const char *to);

#endif
