/* sitefiles.c - what the last build published into its output folder. See sitefiles.h. */
#include "sitefiles.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "histfile.h"

#define SF_MAGIC "ALMSFILE"
#define SF_VERSION 1u
#define SF_HDR 24 /* magic, version, spare, payload length at 16 */

void sfiles_id_of(sfiles_id_t *out, const struct stat *st)
{
	out->ino = (uint64_t)st->st_ino;
	out->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
	out->ctime_ns = (int64_t)st->st_ctim.tv_sec * 1000000000 + st->st_ctim.tv_nsec;
}

int sfiles_id_eq(const sfiles_id_t *a, const sfiles_id_t *b)
{
	return a->ino == b->ino && a->mtime_ns == b->mtime_ns && a->ctime_ns == b->ctime_ns;
}

int sfiles_path_cmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;
	while (*p && *p == *q)
		p++, q++;
	unsigned x = *p == '/' ? 1 : *p, y = *q == '/' ? 1 : *q;
	return x < y ? -1 : x > y;
}

static void put_id(buf_t *b, const sfiles_id_t *id)
{
	hfile_put_u64(b, id->ino);
	hfile_put_u64(b, (uint64_t)id->mtime_ns);
	hfile_put_u64(b, (uint64_t)id->ctime_ns);
}

static void get_id(hfile_rd_t *r, sfiles_id_t *id)
{
	id->ino = hfile_u64(r);
	id->mtime_ns = (int64_t)hfile_u64(r);
	id->ctime_ns = (int64_t)hfile_u64(r);
}

/* 1 when `name` is one entry's name: not empty, no '/', not "." or "..". */
static int plain_name(const char *name)
{
	return name[0] && !strchr(name, '/') && strcmp(name, ".") && strcmp(name, "..");
}

/* 1 when `rel` is a folder `parent` ("" for the site's) holds: parent, '/', a plain name. */
static int child_of(const char *parent, const char *rel)
{
	size_t n = strlen(parent);
	if (n && (strncmp(rel, parent, n) || rel[n] != '/'))
		return 0;
	return plain_name(rel + n + (n ? 1 : 0));
}

int sfiles_load(sfiles_t *out, const char *path, const char *site, const sfiles_id_t *marker)
{
	memset(out, 0, sizeof *out);
	size_t len;
	char *data = hfile_read(path, &len);
	if (!data)
		return -1;
	const unsigned char *d = (const unsigned char *)data;
	hfile_rd_t h = {d + 8, d + SF_HDR, 0}, r;
	if (len < SF_HDR + 8 || memcmp(d, SF_MAGIC, 8) != 0 || hfile_u32(&h) != SF_VERSION ||
	    !hfile_sealed(d, len, 16, SF_HDR, &r))
		goto bad;
	size_t plen = (size_t)(r.e - r.p);
	if (!hfile_str_is(&r, site))
		goto bad;
	sfiles_id_t m;
	get_id(&r, &m);
	if (r.bad || !sfiles_id_eq(&m, marker))
		goto bad;
	uint32_t nd = hfile_u32(&r);
	if (r.bad || nd == 0 || nd > plen / 29) /* a folder takes at least 29 bytes */
		goto bad;
	out->dirs = xcalloc(nd, sizeof *out->dirs);
	for (uint32_t i = 0; i < nd; i++) {
		sfiles_dir_t *f = &out->dirs[i];
		f->rel = hfile_str(&r);
		f->parent = hfile_u32(&r);
		get_id(&r, &f->id);
		if (r.bad || !f->rel || (i == 0 ? f->rel[0] || f->parent : f->parent >= i || !child_of(out->dirs[f->parent].rel, f->rel)) ||
		    (i && sfiles_path_cmp(out->dirs[i - 1].rel, f->rel) >= 0))
			goto bad;
		out->ndirs = i + 1;
	}
	uint32_t nf = hfile_u32(&r);
	if (r.bad || nf > plen / 9)
		goto bad;
	out->files = xcalloc(nf + 1, sizeof *out->files);
	out->first = xcalloc(nd + 1, sizeof *out->first);
	for (uint32_t i = 0; i < nf; i++) {
		sfiles_file_t *f = &out->files[i];
		f->dir = hfile_u32(&r);
		f->name = hfile_str(&r);
		if (r.bad || !f->name || !plain_name(f->name) || f->dir >= nd || (i && f->dir < out->files[i - 1].dir))
			goto bad;
		out->first[f->dir + 1] = i + 1;
		out->nfiles = i + 1;
	}
	for (uint32_t i = 1; i <= nd; i++) /* folders without files end where the one before ends */
		if (out->first[i] < out->first[i - 1])
			out->first[i] = out->first[i - 1];
	if (r.p != r.e)
		goto bad;
	out->data = data;
	return 0;
bad:
	free(out->dirs);
	free(out->files);
	free(out->first);
	free(data);
	memset(out, 0, sizeof *out);
	return -1;
}

long sfiles_dir_index(const sfiles_t *f, const char *rel)
{
	size_t lo = 0, hi = f->ndirs; /* a binary search in path order */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (sfiles_path_cmp(f->dirs[mid].rel, rel) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < f->ndirs && !strcmp(f->dirs[lo].rel, rel) ? (long)lo : -1;
}

int sfiles_has(const sfiles_t *f, const char *rel)
{
	const char *slash = strrchr(rel, '/');
	const char *name = slash ? slash + 1 : rel;
	char *dir = xstrndup(rel, slash ? (size_t)(slash - rel) : 0);
	long d = sfiles_dir_index(f, dir);
	free(dir);
	int has = 0;
	for (size_t i = d >= 0 ? f->first[d] : 0; d >= 0 && i < f->first[d + 1] && !has; i++)
		has = !strcmp(f->files[i].name, name);
	return has;
}

void sfiles_free(sfiles_t *f)
{
	free(f->data);
	free(f->dirs);
	free(f->files);
	free(f->first);
	memset(f, 0, sizeof *f);
}

int sfiles_save(const char *path, const char *site, const sfiles_id_t *marker, const sfiles_dir_t *dirs,
		size_t ndirs, const sfiles_file_t *files, size_t nfiles)
{
	if (!ndirs || ndirs > UINT32_MAX || nfiles > UINT32_MAX)
		return -1;
	buf_t b = BUF_INIT;
	buf_put(&b, SF_MAGIC, 8);
	hfile_put_u32(&b, SF_VERSION);
	hfile_put_u32(&b, 0);
	hfile_put_u64(&b, 0); /* payload length: hfile_seal */
	hfile_put_str(&b, site, strlen(site));
	put_id(&b, marker);
	hfile_put_u32(&b, (uint32_t)ndirs);
	for (size_t i = 0; i < ndirs; i++) {
		hfile_put_str(&b, dirs[i].rel, strlen(dirs[i].rel));
		hfile_put_u32(&b, dirs[i].parent);
		put_id(&b, &dirs[i].id);
	}
	hfile_put_u32(&b, (uint32_t)nfiles);
	for (size_t i = 0; i < nfiles; i++) {
		hfile_put_u32(&b, files[i].dir);
		hfile_put_str(&b, files[i].name, strlen(files[i].name));
	}
	hfile_seal(&b, 16, SF_HDR);
	int ok = hfile_replace(path, b.s, b.len);
	buf_free(&b);
	return ok ? 0 : -1;
}
