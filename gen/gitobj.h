/* gitobj.h - a Git object's raw content, reference-counted (prefix gitobj_).
 *
 * The bottom of the history engine (history.h): the pack reader (gitpack.h),
 * the delta applier (gitdelta.h) and the object store with its tree cache
 * (gitstore.h) hand objects around as gitobj_t. An object is shared by the
 * caches that hold it and the callers that read it: every holder owns one
 * reference and gives it back with gitobj_unref(); the memory goes with the
 * last reference. The content is immutable once made and always followed by
 * one NUL byte (not counted in `len`), so a commit's text can be scanned as a
 * C string. Nothing here knows about pages, commits' meaning or the walk.
 *
 * Not thread-safe: the reference count is a plain integer (one history
 * handle, hence one store, is used by one thread at a time). */
#ifndef ALMANAC_GITOBJ_H
#define ALMANAC_GITOBJ_H

#include <git2.h>
#include <stddef.h>
#include <stdint.h>

/* The largest object the history engine reads: a pack entry or a loose
 * object whose header declares more is refused before anything is allocated
 * (a corrupted repository could otherwise make it allocate up to the 2 GiB a
 * header can claim, once per object). Real commits and trees are far below it
 * (a tree of a million entries is about 40 MiB); a page larger than the
 * 16 MiB a page may have is never compared anyway. */
#define GITOBJ_MAX_LEN ((size_t)256 << 20)

typedef struct {
	uint32_t refs;
	int type;            /* GIT_OBJECT_COMMIT, _TREE, _BLOB, _TAG; 0 for a delta's raw data */
	size_t len;
	unsigned char data[]; /* len bytes, then a NUL */
} gitobj_t;

/* A new object of `len` uninitialised bytes (the NUL after them is set), with
 * one reference: the caller's. Aborts on out-of-memory (buf.h's rule). */
gitobj_t *gitobj_new(int type, size_t len);

/* Take one more reference to `o` and return it; NULL gives NULL. */
gitobj_t *gitobj_ref(gitobj_t *o);

/* Give back one reference; the last one frees the object. Accepts NULL. */
void gitobj_unref(gitobj_t *o);

/* Read object `id` through libgit2's object database (loose objects,
 * alternates, anything the pack reader does not handle). Its header is read
 * first: an object over GITOBJ_MAX_LEN is refused (GIT_ERROR, with a
 * message) without reading it. Returns a new object (one reference, the
 * caller's), or NULL with *rc set to libgit2's error code (GIT_ENOTFOUND
 * when the object is absent; git_error_last() says why). */
gitobj_t *gitobj_read_odb(git_odb *odb, const git_oid *id, int *rc);

#endif
