/* gitstore.c - the object store: packs first, libgit2 otherwise, trees cached. See gitstore.h. */
#include "gitstore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

#define NONE UINT32_MAX

static uint64_t oid_hash(const git_oid *o)
{
	uint64_t v;
	memcpy(&v, o->id, sizeof v);
	return v;
}

static void tree_cache_init(gitstore_t *st)
{
	st->tcap = GITSTORE_TREE_CACHE;
	st->tslots = xcalloc(st->tcap, sizeof *st->tslots);
	st->nthash = st->tcap * 2;
	st->thash = xmalloc(st->nthash * sizeof *st->thash);
	memset(st->thash, 0xff, st->nthash * sizeof *st->thash);
	st->tused = 0;
	st->thead = st->ttail = NONE;
}

static void tree_cache_free(gitstore_t *st)
{
	for (size_t i = 0; i < st->tused; i++)
		gitobj_unref(st->tslots[i].obj);
	free(st->tslots);
	free(st->thash);
	st->tslots = NULL;
	st->thash = NULL;
	st->tused = 0;
}

static void lru_unlink(gitstore_t *st, uint32_t i)
{
	gitstore_tslot_t *s = &st->tslots[i];
	if (s->prev != NONE)
		st->tslots[s->prev].next = s->next;
	else
		st->thead = s->next;
	if (s->next != NONE)
		st->tslots[s->next].prev = s->prev;
	else
		st->ttail = s->prev;
}

static void lru_front(gitstore_t *st, uint32_t i)
{
	gitstore_tslot_t *s = &st->tslots[i];
	s->prev = NONE;
	s->next = st->thead;
	if (st->thead != NONE)
		st->tslots[st->thead].prev = i;
	st->thead = i;
	if (st->ttail == NONE)
		st->ttail = i;
}

/* Hash table with linear probing and backward-shift deletion. */
static uint32_t *thash_find(gitstore_t *st, const git_oid *id)
{
	size_t j = oid_hash(id) & (st->nthash - 1);
	while (st->thash[j] != NONE) {
		if (git_oid_equal(&st->tslots[st->thash[j]].oid, id))
			return &st->thash[j];
		j = (j + 1) & (st->nthash - 1);
	}
	return NULL;
}

static void thash_del(gitstore_t *st, const git_oid *id)
{
	size_t mask = st->nthash - 1;
	size_t j = oid_hash(id) & mask;
	while (st->thash[j] != NONE && !git_oid_equal(&st->tslots[st->thash[j]].oid, id))
		j = (j + 1) & mask;
	if (st->thash[j] == NONE)
		return;
	st->thash[j] = NONE;
	size_t k = (j + 1) & mask;
	while (st->thash[k] != NONE) {
		size_t home = oid_hash(&st->tslots[st->thash[k]].oid) & mask;
		/* move k to j when home is not cyclically in (j, k] */
		if ((j < k) ? (home <= j || home > k) : (home <= j && home > k)) {
			st->thash[j] = st->thash[k];
			st->thash[k] = NONE;
			j = k;
		}
		k = (k + 1) & mask;
	}
}

static void thash_put(gitstore_t *st, uint32_t slot)
{
	size_t j = oid_hash(&st->tslots[slot].oid) & (st->nthash - 1);
	while (st->thash[j] != NONE)
		j = (j + 1) & (st->nthash - 1);
	st->thash[j] = slot;
}

/* Put tree `id` (if cached) at the cold end of the LRU: a commit's own trees
 * are read once more only in exceptional histories, while its parent's trees
 * are the snapshot the next (older) commits are compared with. */
void gitstore_tree_demote(gitstore_t *st, const git_oid *id)
{
	uint32_t *hit = thash_find(st, id);
	if (!hit || st->ttail == *hit)
		return;
	uint32_t i = *hit;
	lru_unlink(st, i);
	gitstore_tslot_t *s = &st->tslots[i];
	s->next = NONE;
	s->prev = st->ttail;
	if (st->ttail != NONE)
		st->tslots[st->ttail].next = i;
	st->ttail = i;
	if (st->thead == NONE)
		st->thead = i;
}

/* Read object `id`: from the packs when possible, else through libgit2.
 * Returns 0 and a new reference, or a libgit2 error code (GIT_ENOTFOUND...). */
/* The replacement of `id` (git's lookup_replace_object): `id` itself when it has none. */
static const git_oid *replaced(const gitstore_t *st, const git_oid *id, int *too_deep)
{
	for (int depth = 0; depth <= GITSTORE_MAX_REPLACE_DEPTH; depth++) {
		size_t lo = 0, hi = st->nreplace;
		const git_oid *to = NULL;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			int c = git_oid_cmp(&st->replace[mid].from, id);
			if (c == 0) {
				to = &st->replace[mid].to;
				break;
			}
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (!to)
			return id;
		id = to;
	}
	*too_deep = 1;
	return id;
}

void gitstore_set_replacements(gitstore_t *st, const gitstore_replace_t *r, size_t n)
{
	st->replace = n ? r : NULL;
	st->nreplace = n;
}

int gitstore_read(gitstore_t *st, const git_oid *id, gitobj_t **out)
{
	if (st->nreplace) {
		int too_deep = 0;
		const git_oid *to = replaced(st, id, &too_deep);
		if (too_deep) {
			char hex[GIT_OID_HEXSZ + 1];
			git_oid_tostr(hex, sizeof hex, id);
			git_error_set(GIT_ERROR_ODB, "replace depth too high for object %s", hex);
			*out = NULL;
			return -1;
		}
		id = to;
	}
	if (!st->packs.loaded)
		gitpack_open(&st->packs, st->commondir, st->odb);
	uint32_t pi;
	uint64_t off;
	if (gitpack_find(&st->packs, id, &pi, &off) == 0) {
		gitobj_t *o = gitpack_read(&st->packs, pi, off);
		if (o) {
			st->objects_packed++;
			*out = o;
			return 0;
		}
		if (st->packs.zs_ready) {
			/* A pack lists it, zlib works, and the entry still cannot be read: the pack is corrupt
			 * (or its delta chain is absurdly deep). libgit2 would read the same bytes, and 1.5
			 * crashes on some corrupted packs (fuzz_history's regression inputs): an error here. */
			char hex[GIT_OID_HEXSZ + 1];
			git_oid_tostr(hex, sizeof hex, id);
			char msg[200];
			snprintf(msg, sizeof msg, "object %s cannot be read from its pack (a corrupt entry, a size over %zu MiB "
				 "or a delta chain deeper than %d)", hex, GITOBJ_MAX_LEN >> 20, GITPACK_MAX_DELTA_DEPTH);
			git_error_set_str(GIT_ERROR_ODB, msg);
			*out = NULL;
			return -1;
		}
	}
	int rc = GIT_ENOTFOUND;
	*out = st->odb ? gitobj_read_odb(st->odb, id, &rc) : NULL;
	if (*out)
		st->objects_libgit2++;
	return *out ? 0 : rc;
}

/* Read tree `id`; *out is a new reference the caller releases with gitobj_unref. */
int gitstore_tree(gitstore_t *st, const git_oid *id, gitobj_t **out)
{
	uint32_t *hit = thash_find(st, id);
	if (hit) {
		uint32_t i = *hit;
		if (st->thead != i) {
			lru_unlink(st, i);
			lru_front(st, i);
		}
		*out = gitobj_ref(st->tslots[i].obj);
		return 0;
	}
	gitobj_t *obj;
	int rc = gitstore_read(st, id, &obj);
	if (rc < 0)
		return rc;
	st->trees_read++;
	if (obj->type != GIT_OBJECT_TREE) {
		gitobj_unref(obj);
		git_error_set_str(GIT_ERROR_INVALID, "object is not a tree");
		return -1;
	}
	uint32_t i;
	if (st->tused < st->tcap) {
		i = (uint32_t)st->tused++;
	} else {
		i = st->ttail;
		lru_unlink(st, i);
		thash_del(st, &st->tslots[i].oid);
		gitobj_unref(st->tslots[i].obj);
	}
	git_oid_cpy(&st->tslots[i].oid, id);
	st->tslots[i].obj = obj;
	thash_put(st, i);
	lru_front(st, i);
	*out = gitobj_ref(obj);
	return 0;
}

void gitstore_init(gitstore_t *st, git_odb *odb, const char *commondir)
{
	memset(st, 0, sizeof *st);
	st->odb = odb;
	st->commondir = commondir;
	tree_cache_init(st);
}

void gitstore_drop(gitstore_t *st)
{
	gitpack_close(&st->packs);
	tree_cache_free(st);
	tree_cache_init(st);
}

void gitstore_free(gitstore_t *st)
{
	gitpack_close(&st->packs);
	tree_cache_free(st);
}
