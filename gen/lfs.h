/* lfs.h - files a clone without Git LFS objects holds as pointers (prefix lfs_).
 *
 * A repository that keeps its pictures in Git LFS has, in a clone made
 * without them (actions/checkout's default, any libgit2 clone: Almanac's
 * fetched sources), a small text file in place of each picture:
 *
 *   version https://git-lfs.github.com/spec/v1
 *   oid sha256:4d7a...
 *   size 12345
 *
 * Published as it is, every page showing it shows a broken picture. A page's
 * link or image to such a file is a warning (links.c, kind lfs-pointer). */
#ifndef ALMANAC_LFS_H
#define ALMANAC_LFS_H

#include <stddef.h>

#include "pathres.h"

/* A pointer file is never larger than this (the spec's limit). */
#define LFS_POINTER_MAX 1024

/* 1 when the `len` bytes at `data` are a Git LFS pointer file, else 0. */
int lfs_is_pointer(const char *data, size_t len);
/* 1 when the file `rel` of `tree` is a Git LFS pointer file, else 0 (also
 * when it cannot be read: that is said elsewhere). Reads at most
 * LFS_POINTER_MAX bytes, and nothing of a larger file. */
int lfs_file_is_pointer(const pr_root_t *tree, const char *rel);

#endif
