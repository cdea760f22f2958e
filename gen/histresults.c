/* histresults.c - the stored answers of the last walk. See histresults.h. */
#include "histresults.h"

#include <fcntl.h>
#include <stdalign.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "histfile.h"

#define RES_MAGIC "ALMHRES\0"
#define RES_VERSION 3u /* 2: rename purity by blob id and mode; 3: cosmetic commits */
#define RES_HDR (8 + 4 + 4 + 8)
#define RES_ENDIAN 0x0102030405060708ULL

static uint32_t res_abi(void)
{
	return (uint32_t)sizeof(hist_event_t) | (uint32_t)offsetof(hist_event_t, counts) << 8 |
	       (uint32_t)offsetof(hist_event_t, exists) << 16 | (uint32_t)sizeof(void *) << 24;
}

static uint32_t res_flags(const hist_t *h)
{
	/* freshness.count: content, with the canonical form's version */
	uint32_t content = h->content_canon ? 4u | (h->content_version & 0xffffffu) << 8 : 0u;
	return (h->use_author_date ? 1u : 0u) | (h->all_old_paths ? 2u : 0u) | content;
}

/* with all_old_paths every page is followed to its creation: `since` changes
 * nothing (page_check_done), so a build on another day still matches */
static uint64_t res_since(const hist_t *h)
{
	/* ... except for the cosmetic verdicts, whose reach depends on it (and on the points) */
	return (uint64_t)(h->all_old_paths && !h->content_canon ? 0 : h->since);
}

/* Write the key (res_key_match reads it back field by field). */
static void res_key(const hist_t *h, const hist_opts_t *o, buf_t *b)
{
	buf_put(b, h->head_oid.id, GIT_OID_RAWSZ);
	hfile_put_u64(b, h->graft_digest);
	hfile_put_u32(b, res_flags(h));
	hfile_put_u64(b, res_since(h));
	size_t np = h->content_canon ? h->npoints : 0;
	hfile_put_u32(b, (uint32_t)np);
	for (size_t i = 0; i < np; i++)
		hfile_put_u64(b, (uint64_t)h->points[i]);
	hfile_put_u32(b, (uint32_t)h->nign_revs);
	for (size_t i = 0; i < h->nign_revs; i++)
		buf_put(b, h->ign_revs[i].id, GIT_OID_RAWSZ);
	size_t na = o ? o->n_ignore_authors : 0;
	hfile_put_u32(b, (uint32_t)na);
	for (size_t i = 0; i < na; i++)
		hfile_put_str(b, o->ignore_authors[i], strlen(o->ignore_authors[i]));
	hfile_put_u32(b, (uint32_t)h->npages);
	for (size_t i = 0; i < h->npages; i++)
		hfile_put_str(b, h->entries[i].path, strlen(h->entries[i].path));
	hfile_put_u32(b, (uint32_t)h->nwatches);
	for (size_t i = 0; i < h->nwatches; i++)
		hfile_put_str(b, h->watches[i].glob, strlen(h->watches[i].glob));
}

/* 1 when the key at r is this walk's (r is then after it). */
static int res_key_match(const hist_t *h, const hist_opts_t *o, hfile_rd_t *r)
{
	const unsigned char *head = hfile_bytes(r, GIT_OID_RAWSZ);
	if (!head || memcmp(head, h->head_oid.id, GIT_OID_RAWSZ) != 0)
		return 0;
	if (hfile_u64(r) != h->graft_digest)
		return 0;
	if (hfile_u32(r) != res_flags(h) || hfile_u64(r) != res_since(h))
		return 0;
	size_t np = h->content_canon ? h->npoints : 0;
	if (hfile_u32(r) != np)
		return 0;
	for (size_t i = 0; i < np; i++)
		if (hfile_u64(r) != (uint64_t)h->points[i])
			return 0;
	if (hfile_u32(r) != h->nign_revs)
		return 0;
	for (size_t i = 0; i < h->nign_revs; i++) {
		const unsigned char *id = hfile_bytes(r, GIT_OID_RAWSZ);
		if (!id || memcmp(id, h->ign_revs[i].id, GIT_OID_RAWSZ) != 0)
			return 0;
	}
	size_t na = o ? o->n_ignore_authors : 0;
	if (hfile_u32(r) != na)
		return 0;
	for (size_t i = 0; i < na; i++)
		if (!hfile_str_is(r, o->ignore_authors[i]))
			return 0;
	if (hfile_u32(r) != h->npages)
		return 0;
	for (size_t i = 0; i < h->npages; i++)
		if (!hfile_str_is(r, h->entries[i].path))
			return 0;
	if (hfile_u32(r) != h->nwatches)
		return 0;
	for (size_t i = 0; i < h->nwatches; i++)
		if (!hfile_str_is(r, h->watches[i].glob))
			return 0;
	return !r->bad;
}

void hresults_free(hist_t *h)
{
	if (h->res_map)
		munmap(h->res_map, h->res_len);
	h->res_map = NULL;
	h->res_len = 0;
	free(h->res_old);
	h->res_old = NULL;
}

/* Undo a partly applied table (pages filled before a bad record). */
static void res_unapply(hist_t *h)
{
	for (size_t i = 0; i < h->npages; i++) {
		const char *path = h->entries[i].path;
		memset(&h->entries[i], 0, sizeof h->entries[i]);
		h->entries[i].path = path;
	}
	for (size_t i = 0; i < h->nwatches; i++)
		memset(&h->watches[i].w, 0, sizeof h->watches[i].w);
	h->cnt_rev = h->cnt_author = h->cnt_ren = h->cnt_cosmetic = 0;
	hresults_free(h);
}

/* Read one commit record (res_write) into *c. */
static void res_commit_rd(const hist_t *h, hfile_rd_t *r, hist_commit_t *c)
{
	const unsigned char *id = hfile_bytes(r, GIT_OID_RAWSZ);
	c->commit_time = (int64_t)hfile_u64(r);
	c->author_time = (int64_t)hfile_u64(r);
	c->author = hfile_str(r);
	c->email = hfile_str(r);
	c->summary = hfile_str(r);
	if (r->bad)
		return;
	git_oid oid;
	memcpy(oid.id, id, GIT_OID_RAWSZ);
	git_oid_tostr(c->id, sizeof c->id, &oid);
	c->time = h->use_author_date ? c->author_time : c->commit_time;
}

/* A commit reference (index into the commit records at `coff`) into *out. */
static int res_commit(const hist_t *h, hfile_rd_t *r, const uint32_t *coff, uint32_t n, hist_commit_t *out)
{
	uint32_t ci = hfile_u32(r);
	memset(out, 0, sizeof *out);
	out->author = out->email = out->summary = "";
	if (ci == NONE)
		return 0;
	if (ci >= n) {
		r->bad = 1;
		return -1;
	}
	hfile_rd_t cr = {(const unsigned char *)h->res_map + coff[ci], r->e, 0};
	res_commit_rd(h, &cr, out);
	return cr.bad ? -1 : 0;
}

int hresults_load(hist_t *h, const hist_opts_t *o)
{
	size_t len;
	int rejected;
	void *map = hfile_map(h->res_path, RES_HDR + 16, &len, &rejected);
	if (!map) {
		h->stats.results_rejected = rejected;
		return 0;
	}
	h->res_map = map;
	h->res_len = len;
	uint32_t *coff = NULL;
	const unsigned char *data = map;
	hfile_rd_t hd = {data + 8, data + RES_HDR, 0}, r;
	if (memcmp(data, RES_MAGIC, 8) != 0 || hfile_u32(&hd) != RES_VERSION || hfile_u32(&hd) != res_abi() ||
	    !hfile_sealed(data, len, 16, RES_HDR, &r))
		goto bad;
	size_t plen = (size_t)(r.e - r.p);
	uint64_t endian;
	const unsigned char *m = hfile_bytes(&r, 8);
	if (!m)
		goto bad;
	memcpy(&endian, m, 8);
	if (endian != RES_ENDIAN)
		goto bad;
	uint64_t nev_all = hfile_u64(&r);
	if (r.bad || nev_all > plen / sizeof(hist_event_t))
		goto bad;
	const hist_event_t *events = (const void *)r.p;
	if ((uintptr_t)events % _Alignof(hist_event_t) != 0 || !hfile_bytes(&r, nev_all * sizeof(hist_event_t)))
		goto bad;
	if (!res_key_match(h, o, &r)) {
		if (r.bad)
			goto bad;
		hresults_free(h);
		return 0; /* another question: replay the facts */
	}
	uint32_t nc = hfile_u32(&r);
	if (r.bad || nc > plen / 44)
		goto bad;
	coff = xmalloc((nc ? nc : 1) * sizeof *coff);
	for (uint32_t i = 0; i < nc && !r.bad; i++) {
		coff[i] = (uint32_t)(r.p - data);
		hist_commit_t c;
		res_commit_rd(h, &r, &c);
	}
	uint32_t nold_all = hfile_u32(&r);
	if (r.bad || nold_all > plen / 5)
		goto bad;
	h->res_old = xcalloc(nold_all ? nold_all : 1, sizeof *h->res_old);
	uint32_t oi = 0;
	for (size_t i = 0; i < h->npages; i++) {
		hist_entry_t *e = &h->entries[i];
		if (res_commit(h, &r, coff, nc, &e->last) < 0)
			goto bad;
		uint8_t fl = hfile_u8(&r);
		e->truncated = fl & 1;
		e->history_truncated = (fl >> 1) & 1;
		e->complete = (fl >> 2) & 1;
		e->created = (int64_t)hfile_u64(&r);
		uint64_t ev0 = hfile_u64(&r);
		uint32_t nev = hfile_u32(&r);
		uint32_t nold = hfile_u32(&r);
		if (r.bad || ev0 > nev_all || nev > nev_all - ev0 || nold > nold_all - oi)
			goto bad;
		e->events = events + ev0;
		e->nevents = nev;
		e->old_paths = h->res_old + oi;
		e->nold = nold;
		for (uint32_t j = 0; j < nold; j++) {
			h->res_old[oi] = hfile_str(&r);
			if (!h->res_old[oi++])
				goto bad;
		}
		e->skipped_revs = hfile_u32(&r);
		e->skipped_authors = hfile_u32(&r);
		e->skipped_renames = hfile_u32(&r);
		e->skipped_cosmetic = hfile_u32(&r);
	}
	for (size_t i = 0; i < h->nwatches && !r.bad; i++) {
		hwatch_t *w = &h->watches[i];
		w->w.glob = w->glob;
		if (res_commit(h, &r, coff, nc, &w->w.commit) < 0)
			goto bad;
		w->w.path = hfile_u8(&r) ? hfile_str(&r) : NULL;
	}
	h->cnt_rev = (size_t)hfile_u64(&r);
	h->cnt_author = (size_t)hfile_u64(&r);
	h->cnt_ren = (size_t)hfile_u64(&r);
	h->cnt_cosmetic = (size_t)hfile_u64(&r);
	if (r.bad || r.p != r.e)
		goto bad;
	free(coff);
	h->stats.results_cached = 1;
	return 1;
bad:
	free(coff);
	res_unapply(h);
	h->stats.results_rejected = 1;
	return 0;
}

int hresults_storable(const hist_t *h)
{
	if (h->shallow || h->unborn)
		return 0;
	/* answers given without blobs a partial clone left out: the next walk may have them */
	if (h->stats.renames_unreadable || h->stats.content_unreadable)
		return 0;
	for (size_t i = 0; i < h->npages; i++)
		if (h->pages[i].truncated || h->pages[i].htrunc)
			return 0;
	for (size_t i = 0; i < h->nnodes; i++)
		if (h->nodes[i].flags & (N_MISSING | N_SHALLOW))
			return 0;
	return 1;
}

void hresults_write(hist_t *h, const hist_opts_t *o)
{
	uint32_t *cidx = xmalloc((h->nnodes ? h->nnodes : 1) * sizeof *cidx);
	memset(cidx, 0xff, (h->nnodes ? h->nnodes : 1) * sizeof *cidx);
	uint32_t nc = 0;
	for (size_t i = 0; i < h->npages; i++)
		if (h->pages[i].last != NONE && cidx[h->pages[i].last] == NONE)
			cidx[h->pages[i].last] = nc++;
	for (size_t i = 0; i < h->nwatches; i++)
		if (h->watches[i].last != NONE && cidx[h->watches[i].last] == NONE)
			cidx[h->watches[i].last] = nc++;
	buf_t b = BUF_INIT;
	buf_put(&b, RES_MAGIC, 8);
	hfile_put_u32(&b, RES_VERSION);
	hfile_put_u32(&b, res_abi());
	hfile_put_u64(&b, 0); /* payload length, patched below */
	size_t start = b.len;
	uint64_t endian = RES_ENDIAN;
	buf_put(&b, &endian, 8);
	uint64_t nev_all = 0;
	uint32_t nold_all = 0;
	for (size_t i = 0; i < h->npages; i++) {
		nev_all += h->entries[i].nevents;
		nold_all += (uint32_t)h->entries[i].nold;
	}
	hfile_put_u64(&b, nev_all);
	for (size_t i = 0; i < h->npages; i++) {
		const hist_entry_t *e = &h->entries[i];
		for (size_t k = 0; k < e->nevents; k++) {
			hist_event_t ev;
			memset(&ev, 0, sizeof ev); /* padding too: same input, same bytes */
			ev.time = e->events[k].time;
			ev.counts = e->events[k].counts;
			ev.exists = e->events[k].exists;
			buf_put(&b, &ev, sizeof ev);
		}
	}
	res_key(h, o, &b);
	hfile_put_u32(&b, nc);
	/* commits in index order */
	uint32_t *order = xmalloc((nc ? nc : 1) * sizeof *order);
	for (size_t i = 0; i < h->nnodes; i++)
		if (cidx[i] != NONE)
			order[cidx[i]] = (uint32_t)i;
	for (uint32_t i = 0; i < nc; i++) {
		const cnode_t *n = &h->nodes[order[i]];
		buf_put(&b, n->oid.id, GIT_OID_RAWSZ);
		hfile_put_u64(&b, (uint64_t)n->ctime);
		hfile_put_u64(&b, (uint64_t)n->atime);
		hfile_put_str(&b, h->strs.s[n->author], h->strs.len[n->author]);
		hfile_put_str(&b, h->strs.s[n->email], h->strs.len[n->email]);
		hfile_put_str(&b, n->summary, strlen(n->summary));
	}
	free(order);
	hfile_put_u32(&b, nold_all);
	uint64_t ev0 = 0;
	for (size_t i = 0; i < h->npages; i++) {
		const hpage_t *pg = &h->pages[i];
		const hist_entry_t *e = &h->entries[i];
		hfile_put_u32(&b, pg->last != NONE ? cidx[pg->last] : NONE);
		hfile_put_u8(&b, (uint8_t)((e->truncated ? 1 : 0) | (e->history_truncated ? 2 : 0) | (e->complete ? 4 : 0)));
		hfile_put_u64(&b, (uint64_t)e->created);
		hfile_put_u64(&b, ev0);
		hfile_put_u32(&b, (uint32_t)e->nevents);
		hfile_put_u32(&b, (uint32_t)e->nold);
		ev0 += e->nevents;
		for (size_t k = 0; k < e->nold; k++)
			hfile_put_str(&b, e->old_paths[k], strlen(e->old_paths[k]));
		hfile_put_u32(&b, (uint32_t)e->skipped_revs);
		hfile_put_u32(&b, (uint32_t)e->skipped_authors);
		hfile_put_u32(&b, (uint32_t)e->skipped_renames);
		hfile_put_u32(&b, (uint32_t)e->skipped_cosmetic);
	}
	for (size_t i = 0; i < h->nwatches; i++) {
		const hwatch_t *w = &h->watches[i];
		hfile_put_u32(&b, w->last != NONE ? cidx[w->last] : NONE);
		hfile_put_u8(&b, w->w.path ? 1 : 0);
		if (w->w.path)
			hfile_put_str(&b, w->w.path, strlen(w->w.path));
	}
	hfile_put_u64(&b, h->cnt_rev);
	hfile_put_u64(&b, h->cnt_author);
	hfile_put_u64(&b, h->cnt_ren);
	hfile_put_u64(&b, h->cnt_cosmetic);
	free(cidx);
	hfile_seal(&b, 16, start);
	h->stats.results_written = hfile_replace(h->res_path, b.s, b.len);
	buf_free(&b);
}
