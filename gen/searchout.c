/* searchout.c - the search index's files, written or kept as the last build wrote them. See
 * searchpriv.h (sout_). */
#include "searchpriv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <xxhash.h>

#include "buf.h"
#include "map.h"
#include "publish.h"

/* Fold file `rel` of content hash `digest` into the index's content hash. */
static void hash_file(sout_t *wr, const char *rel, uint64_t digest)
{
	wr->hash = map_hash_add(wr->hash, rel, strlen(rel) + 1);
	wr->hash = map_hash_add(wr->hash, &digest, sizeof digest);
}

/* Whether the previous site's file `rel` is the one recorded as `e` (it is then kept as this site's,
 * and recorded again). */
static int kept_as_recorded(sout_t *wr, const char *rel, const srfiles_entry_t *e)
{
	char *srel = xasprintf("search/%s", rel);
	int kept = pub_kept_as(wr->out, srel, e->size, e->mtime_ns, e->ino);
	free(srel);
	if (kept)
		srfiles_add(&wr->list, rel, e->hash, e->key, e->size, e->mtime_ns, e->ino);
	return kept;
}

/* Whether the file `rel`, made from inputs of key `key`, is kept as the last build wrote it (its
 * inputs had that key then and the file is still that one): then counted as this site's without being
 * made. */
int sout_kept_by_key(sout_t *wr, const char *rel, const uint64_t key[2])
{
	const srfiles_entry_t *e = wr->prev ? srfiles_get(wr->prev, rel) : NULL;
	if (!e || e->key[0] != key[0] || e->key[1] != key[1] || wr->failed || !kept_as_recorded(wr, rel, e))
		return 0;
	hash_file(wr, rel, e->hash);
	wr->bytes += e->size;
	return 1;
}

/* Write the file `rel` of the index (made from inputs of key `key`, NULL: none): kept without being
 * read when the last build wrote these bytes there and the file is still that one. */
void sout_write_key(sout_t *wr, const char *rel, const void *data, size_t n, const uint64_t key[2])
{
	if (wr->failed)
		return;
	uint64_t digest = XXH3_64bits(data, n);
	hash_file(wr, rel, digest);
	wr->bytes += n;
	const srfiles_entry_t *e = wr->prev ? srfiles_get(wr->prev, rel) : NULL;
	if (e && e->hash == digest && e->size == n && kept_as_recorded(wr, rel, e))
		return;
	char *srel = xasprintf("search/%s", rel);
	struct stat st;
	int rc = pub_write_stat(wr->out, srel, data, n, wr->prev ? &st : NULL);
	if (rc != 0) {
		char *path = xasprintf("%s/%s", wr->root, rel);
		diag_add(wr->d, DIAG_ERROR, rel, 0, 0, "search-index", "cannot write search index file %s: %s",
			 path, rc == -2 ? pr_strerror(PR_EUNSAFE) : strerror(errno));
		free(path);
		wr->failed = 1;
	} else if (wr->prev) {
		srfiles_add(&wr->list, rel, digest, key, (uint64_t)st.st_size,
			   (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec, (uint64_t)st.st_ino);
	}
	free(srel);
}

void sout_write(sout_t *wr, const char *rel, const void *data, size_t n)
{
	sout_write_key(wr, rel, data, n, NULL);
}

/* Remove the files N.ext with N >= keep that an earlier build left in the folder `rel` of `out`. */
void sout_clean_dir(const pr_root_t *out, const char *rel, const char *ext, size_t keep)
{
	pr_entry_t *ents;
	size_t ne;
	if (pr_list(out, rel, 1, &ents, &ne) != 0)
		return;
	size_t el = strlen(ext);
	for (size_t k = 0; k < ne; k++) {
		const char *name = ents[k].name;
		size_t n = strlen(name);
		if (n <= el || strcmp(name + n - el, ext) != 0)
			continue;
		int digits = 1;
		for (size_t i = 0; i < n - el; i++)
			if (name[i] < '0' || name[i] > '9')
				digits = 0;
		if (!digits || n - el > 9 || (size_t)atol(name) < keep)
			continue;
		char *p = xasprintf("%s/%s", rel, name);
		pr_remove(out, p);
		free(p);
	}
	pr_list_free(ents, ne);
}
