/* gitpack.h - reading objects straight out of Git pack files (prefix gitpack_).
 *
 * The history walk reads about one tree object per changed folder per
 * commit. Through libgit2's git_odb_read every read sets up a new zlib stream
 * and goes through libgit2's small (16 MiB) delta-base cache; on a
 * 100,000-commit history that is twice the time of `git log`. This reader
 * maps every pack of the repository and its index (version 2), looks objects
 * up by id (fan-out table and binary search), inflates them with one reused
 * zlib stream and resolves OFS_DELTA and REF_DELTA chains with a 48 MiB
 * delta-base cache (git's core.deltaBaseCacheLimit idea). It is purely an
 * accelerator: whatever it cannot read (an object in no pack, a corrupt or
 * unknown entry, a chain deeper than GITPACK_MAX_DELTA_DEPTH, zlib missing)
 * yields NULL and the caller (gitstore.h) reads the object through libgit2.
 *
 * zlib is linked into the process by libgit2 but is not one of the build's
 * declared dependencies, so its four entry points are looked up at run time;
 * without them the reader stays off.
 *
 * Ownership: a gitpack_set_t is the caller's (zero it, or gitpack_close it,
 * before first use); gitpack_close() unmaps everything and frees the cache.
 * Objects returned are new references (gitobj.h). One set is used by one
 * thread at a time. Nothing here knows about commits or pages. */
#ifndef ALMANAC_GITPACK_H
#define ALMANAC_GITPACK_H

#include <git2.h>
#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

#include "gitobj.h"

/* Deeper delta chains are left to libgit2 (git itself writes at most 4095 by default). */
#define GITPACK_MAX_DELTA_DEPTH 10000

/* One pack: its .idx and .pack mapped read-only. */
typedef struct {
	unsigned char *idx, *pack;
	size_t idx_len, pack_len;
	uint32_t n;
	const unsigned char *fanout, *sha, *off32, *off64;
	size_t n64;
} gitpack_t;

/* Delta-base cache entry: an object reconstructed from a pack. */
typedef struct {
	uint32_t pack;
	uint64_t off;
	gitobj_t *obj;
	uint32_t prev, next;
} gitpack_dslot_t;

/* Every pack of one repository, the zlib stream and the delta-base cache. */
typedef struct {
	git_odb *odb;         /* borrowed: where a REF_DELTA base outside the packs is read */
	gitpack_t *packs;
	size_t npacks;
	uint32_t last_pack;   /* the pack of the last hit, tried first */
	int loaded;           /* gitpack_open() ran (the pack list is read once per open) */
	z_stream zs;
	int zs_ready;
	gitpack_dslot_t *dslots;
	uint32_t *dhash;
	uint32_t *dfree;
	size_t dcap, dused, ndhash, dmem, ndfree, dlimit;
	unsigned dbits;
	uint32_t dhead, dtail;
	struct dlink *links;  /* scratch: the delta chain being resolved */
	size_t clinks;
} gitpack_set_t;

/* Map every valid pack of `commondir` (the repository's common folder, with
 * a trailing '/': the .idx and .pack files of its objects/pack folder, in name order) and set up
 * the zlib stream and the delta-base cache. `odb` (borrowed) reads the bases
 * of REF_DELTA entries that are in no pack. A pack whose index or header is
 * not understood is skipped. Sets ps->loaded. */
void gitpack_open(gitpack_set_t *ps, const char *commondir, git_odb *odb);

/* Find object `id`: 0 and its pack and offset, or -1 when no pack has it. */
int gitpack_find(gitpack_set_t *ps, const git_oid *id, uint32_t *pack, uint64_t *off);

/* The object at offset `off` of pack `pack` (from gitpack_find), its delta
 * chain resolved: a new reference, or NULL when the entry cannot be read here
 * (the caller falls back to libgit2). */
gitobj_t *gitpack_read(gitpack_set_t *ps, uint32_t pack, uint64_t off);

/* Unmap every pack, free the delta-base cache and end the zlib stream; the
 * set is then as if zeroed (ps->loaded is 0). Accepts a zeroed set. */
void gitpack_close(gitpack_set_t *ps);

#endif
