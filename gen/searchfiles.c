/* searchfiles.c - what the last build wrote under search/ (see searchfiles.h). */
#include "searchfiles.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "histfile.h"
#include "map.h"

#define SF_MAGIC "ALMSFILE"
#define SF_VERSION 2u
#define SF_HDR 24 /* magic, version, spare, payload length at 16 */

struct srfiles {
	srfiles_list_t list;
	map_t by_rel; /* rel -> entry index + 1 */
	srfiles_terms_t terms;
	int has_terms;
};

/* The terms' part of the record (after the files) into *t: 1, or 0 when malformed (nothing kept). */
static int read_terms(hfile_rd_t *rd, srfiles_terms_t *t)
{
	memset(t, 0, sizeof *t);
	t->npages = hfile_u32(rd);
	t->width = hfile_u32(rd);
	if (rd->bad || t->width > 64 || (uint64_t)t->npages * t->width > (size_t)(rd->e - rd->p) / 4)
		return 0;
	size_t nrows = (size_t)t->npages * t->width;
	t->rows = xmalloc((nrows ? nrows : 1) * sizeof *t->rows);
	for (size_t i = 0; i < nrows; i++)
		t->rows[i] = hfile_u32(rd);
	t->nterms = hfile_u32(rd);
	if (rd->bad || t->nterms > (size_t)(rd->e - rd->p) / 20) {
		srfiles_terms_free(t);
		return 0;
	}
	t->keys = xmalloc((t->nterms ? t->nterms : 1) * sizeof *t->keys);
	t->lens = xmalloc((t->nterms ? t->nterms : 1) * sizeof *t->lens);
	for (uint32_t i = 0; i < t->nterms; i++) {
		t->keys[i][0] = hfile_u64(rd);
		t->keys[i][1] = hfile_u64(rd);
		t->lens[i] = hfile_u32(rd);
	}
	if (rd->bad) {
		srfiles_terms_free(t);
		return 0;
	}
	return 1;
}

srfiles_t *srfiles_load(const char *path, uint64_t binary_id)
{
	srfiles_t *r = xcalloc(1, sizeof *r);
	size_t len;
	char *data = hfile_read(path, &len);
	if (!data)
		return r;
	const unsigned char *d = (const unsigned char *)data;
	hfile_rd_t h = {d + 8, d + SF_HDR, 0}, rd;
	if (len < SF_HDR + 8 || memcmp(d, SF_MAGIC, 8) != 0 || hfile_u32(&h) != SF_VERSION ||
	    !hfile_sealed(d, len, 16, SF_HDR, &rd))
		goto out;
	if (hfile_u64(&rd) != binary_id)
		goto out;
	uint32_t n = hfile_u32(&rd);
	if (rd.bad || n > (size_t)(rd.e - rd.p) / 48)
		goto out;
	for (uint32_t i = 0; i < n && !rd.bad; i++) {
		const char *rel = hfile_str(&rd);
		uint64_t h = hfile_u64(&rd), k[2];
		k[0] = hfile_u64(&rd);
		k[1] = hfile_u64(&rd);
		uint64_t size = hfile_u64(&rd), ino = hfile_u64(&rd);
		int64_t mtime = (int64_t)hfile_u64(&rd);
		if (!rd.bad)
			srfiles_add(&r->list, rel, h, k, size, mtime, ino);
	}
	if (rd.bad || !read_terms(&rd, &r->terms)) {
		srfiles_list_free(&r->list);
		goto out;
	}
	if (rd.p != rd.e) {
		srfiles_list_free(&r->list);
		srfiles_terms_free(&r->terms);
		goto out;
	}
	r->has_terms = 1;
	for (size_t i = 0; i < r->list.n; i++)
		map_put(&r->by_rel, r->list.v[i].rel, (void *)(uintptr_t)(i + 1));
out:
	free(data);
	return r;
}

const srfiles_terms_t *srfiles_terms(const srfiles_t *r)
{
	return r && r->has_terms ? &r->terms : NULL;
}

void srfiles_terms_free(srfiles_terms_t *t)
{
	free(t->rows);
	free(t->keys);
	free(t->lens);
	memset(t, 0, sizeof *t);
}

const srfiles_entry_t *srfiles_get(const srfiles_t *r, const char *rel)
{
	void *v;
	if (!r || !map_get(&r->by_rel, rel, &v))
		return NULL;
	return &r->list.v[(uintptr_t)v - 1];
}

void srfiles_free(srfiles_t *r)
{
	if (!r)
		return;
	map_free(&r->by_rel);
	srfiles_list_free(&r->list);
	srfiles_terms_free(&r->terms);
	free(r);
}

void srfiles_add(srfiles_list_t *l, const char *rel, uint64_t hash, const uint64_t key[2], uint64_t size,
		int64_t mtime_ns, uint64_t ino)
{
	GROW(l->v, l->n, l->cap);
	l->v[l->n++] = (srfiles_entry_t){xstrdup(rel), hash, {key ? key[0] : 0, key ? key[1] : 0}, size, ino,
					mtime_ns};
}

void srfiles_list_free(srfiles_list_t *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].rel);
	free(l->v);
	memset(l, 0, sizeof *l);
}

/* `v` as `n` little-endian bytes at `o`; returns their end. */
static unsigned char *put_le(unsigned char *o, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		*o++ = (unsigned char)(v >> 8 * i);
	return o;
}

void srfiles_save(const char *path, uint64_t binary_id, const srfiles_list_t *lists, size_t n,
		  const srfiles_terms_t *terms)
{
	buf_t b = BUF_INIT;
	buf_put(&b, SF_MAGIC, 8);
	hfile_put_u32(&b, SF_VERSION);
	hfile_put_u32(&b, 0);
	hfile_put_u64(&b, 0); /* the payload's length: hfile_seal */
	hfile_put_u64(&b, binary_id);
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		count += lists[i].n;
	hfile_put_u32(&b, (uint32_t)count);
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < lists[i].n; k++) {
			const srfiles_entry_t *e = &lists[i].v[k];
			hfile_put_str(&b, e->rel, strlen(e->rel));
			hfile_put_u64(&b, e->hash);
			hfile_put_u64(&b, e->key[0]);
			hfile_put_u64(&b, e->key[1]);
			hfile_put_u64(&b, e->size);
			hfile_put_u64(&b, e->ino);
			hfile_put_u64(&b, (uint64_t)e->mtime_ns);
		}
	static const srfiles_terms_t none = {0};
	if (!terms)
		terms = &none;
	/* the rows and terms (a megabyte or two): stored straight into room reserved once */
	size_t nrows = (size_t)terms->npages * terms->width;
	buf_grow(&b, 12 + 4 * nrows + 20 * (size_t)terms->nterms);
	unsigned char *o = (unsigned char *)b.s + b.len;
	o = put_le(o, terms->npages, 4);
	o = put_le(o, terms->width, 4);
	for (size_t i = 0; i < nrows; i++)
		o = put_le(o, terms->rows[i], 4);
	o = put_le(o, terms->nterms, 4);
	for (uint32_t i = 0; i < terms->nterms; i++) {
		o = put_le(o, terms->keys[i][0], 8);
		o = put_le(o, terms->keys[i][1], 8);
		o = put_le(o, terms->lens[i], 4);
	}
	b.len = (size_t)((char *)o - b.s);
	hfile_seal(&b, 16, SF_HDR);
	hfile_replace(path, b.s, b.len);
	buf_free(&b);
}
