/* pagefiles.c - the page files the last build wrote. See pagefiles.h. */
#include "pagefiles.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "histfile.h"
#include "map.h"

#define PF_MAGIC "ALMPFILE"
#define PF_VERSION 2u
#define PF_HDR 48 /* magic, version, spare, identity (16), payload length at 40 */
#define PF_ENTRY 56 /* context digest (16), input digest (16: pagekeys.h, zero when none), size, mtime, inode */

struct pfiles {
	char *path;          /* owned */
	char *out;           /* owned */
	uint64_t ident[2];
	void *map;           /* the last record as read (owned), or NULL */
	map_t index;         /* rel -> its PF_ENTRY bytes in map */
	pthread_mutex_t lock; /* guards fresh, nfresh */
	buf_t fresh;         /* this build's entries */
	size_t nfresh;
	atomic_size_t kept;
};

void pfiles_file_of(pfiles_file_t *out, const struct stat *st)
{
	out->size = (uint64_t)st->st_size;
	out->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
	out->ino = (uint64_t)st->st_ino;
}

static void read_record(pfiles_t *f)
{
	size_t len;
	/* read, not mapped: it is used all through the build, and a mapped file cut short meanwhile (by
	 * another process) would be a SIGBUS */
	void *map = hfile_read(f->path, &len);
	if (!map)
		return;
	const unsigned char *data = map;
	hfile_rd_t h = {data + 8, data + PF_HDR, 0}, r;
	if (len < PF_HDR + 12 || memcmp(data, PF_MAGIC, 8) != 0 || !hfile_sealed(data, len, 40, PF_HDR, &r))
		goto bad;
	if (hfile_u32(&h) != PF_VERSION)
		goto bad;
	(void)hfile_u32(&h);
	if (hfile_u64(&h) != f->ident[0] || hfile_u64(&h) != f->ident[1])
		goto bad;
	if (!hfile_str_is(&r, f->out))
		goto bad;
	uint32_t n = hfile_u32(&r);
	if (r.bad || n > (size_t)(r.e - r.p) / PF_ENTRY)
		goto bad;
	for (uint32_t i = 0; i < n; i++) {
		const char *rel = hfile_str(&r);
		const unsigned char *e = hfile_bytes(&r, PF_ENTRY);
		if (!rel || !e)
			goto bad;
		map_put(&f->index, rel, (void *)e);
	}
	if (r.p != r.e)
		goto bad;
	f->map = map;
	return;
bad:
	map_free(&f->index);
	f->index = (map_t)MAP_INIT;
	free(map);
}

pfiles_t *pfiles_load(const char *path, const char *out, const uint64_t ident[2])
{
	pfiles_t *f = xcalloc(1, sizeof *f);
	f->path = xstrdup(path);
	f->out = xstrdup(out);
	f->ident[0] = ident[0];
	f->ident[1] = ident[1];
	f->index = (map_t)MAP_INIT;
	pthread_mutex_init(&f->lock, NULL);
	read_record(f);
	return f;
}

/* The entry of `rel` into its parts; 0 when there is none. */
static int entry_of(const pfiles_t *f, const char *rel, uint64_t digest[2], uint64_t input[2], pfiles_file_t *file)
{
	void *v;
	if (!map_get(&f->index, rel, &v))
		return 0;
	hfile_rd_t r = {v, (const unsigned char *)v + PF_ENTRY, 0};
	digest[0] = hfile_u64(&r);
	digest[1] = hfile_u64(&r);
	input[0] = hfile_u64(&r);
	input[1] = hfile_u64(&r);
	file->size = hfile_u64(&r);
	file->mtime_ns = (int64_t)hfile_u64(&r);
	file->ino = hfile_u64(&r);
	return !r.bad;
}

int pfiles_match(const pfiles_t *f, const char *rel, const uint64_t digest[2], pfiles_file_t *file)
{
	uint64_t d[2], in[2];
	return entry_of(f, rel, d, in, file) && d[0] == digest[0] && d[1] == digest[1];
}

int pfiles_match_input(const pfiles_t *f, const char *rel, const uint64_t input[2], pfiles_file_t *file,
		       uint64_t digest[2])
{
	uint64_t in[2];
	return (input[0] | input[1]) && entry_of(f, rel, digest, in, file) && in[0] == input[0] && in[1] == input[1];
}

void pfiles_set(pfiles_t *f, const char *rel, const uint64_t digest[2], const pfiles_file_t *file)
{
	pfiles_set_input(f, rel, digest, NULL, file);
}

void pfiles_set_input(pfiles_t *f, const char *rel, const uint64_t digest[2], const uint64_t *input,
		      const pfiles_file_t *file)
{
	buf_t b = BUF_INIT;
	hfile_put_str(&b, rel, strlen(rel));
	hfile_put_u64(&b, digest[0]);
	hfile_put_u64(&b, digest[1]);
	hfile_put_u64(&b, input ? input[0] : 0);
	hfile_put_u64(&b, input ? input[1] : 0);
	hfile_put_u64(&b, file->size);
	hfile_put_u64(&b, (uint64_t)file->mtime_ns);
	hfile_put_u64(&b, file->ino);
	pthread_mutex_lock(&f->lock);
	buf_put(&f->fresh, b.s, b.len);
	f->nfresh++;
	pthread_mutex_unlock(&f->lock);
	buf_free(&b);
}

int pfiles_save(pfiles_t *f)
{
	buf_t b = BUF_INIT;
	buf_put(&b, PF_MAGIC, 8);
	hfile_put_u32(&b, PF_VERSION);
	hfile_put_u32(&b, 0);
	hfile_put_u64(&b, f->ident[0]);
	hfile_put_u64(&b, f->ident[1]);
	hfile_put_u64(&b, 0);
	hfile_put_u64(&b, 0); /* payload length: hfile_seal */
	hfile_put_str(&b, f->out, strlen(f->out));
	hfile_put_u32(&b, (uint32_t)f->nfresh);
	buf_put(&b, f->fresh.s ? f->fresh.s : "", f->fresh.len);
	hfile_seal(&b, 40, PF_HDR);
	int ok = hfile_replace(f->path, b.s, b.len);
	buf_free(&b);
	return ok ? 0 : -1;
}

void pfiles_count_kept(pfiles_t *f)
{
	atomic_fetch_add(&f->kept, 1);
}

size_t pfiles_kept(const pfiles_t *f)
{
	return atomic_load(&f->kept);
}

void pfiles_free(pfiles_t *f)
{
	if (!f)
		return;
	free(f->map);
	map_free(&f->index);
	buf_free(&f->fresh);
	pthread_mutex_destroy(&f->lock);
	free(f->path);
	free(f->out);
	free(f);
}
