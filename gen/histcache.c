/* histcache.c - the per-commit facts cache file. See histcache.h. */
#include "histcache.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "histcommit.h"
#include "histcontent.h"
#include "histfile.h"

#define HCACHE_MAGIC "ALMHIST\0"
#define HCACHE_VERSION 4u /* 3: rename purity by blob id and mode, file/link pairs; the graft digest;
                             4: content verdicts */

void hcache_clear(hcache_t *c)
{
	free(c->data);
	free(c->str);
	free(c->slen);
	free(c->strmap);
	free(c->off);
	free(c->slots);
	free(c->decoded);
	memset(c, 0, sizeof *c);
}

/* Check one commit record; on success r->p is after it. */
static void cache_skip_record(hfile_rd_t *r, uint32_t nstr)
{
	hfile_bytes(r, 2 * GIT_OID_RAWSZ);
	hfile_u64(r);
	hfile_u64(r);
	if (hfile_u32(r) >= nstr)
		r->bad = 1;
	if (hfile_u32(r) >= nstr)
		r->bad = 1;
	hfile_bytes(r, hfile_u32(r));
	uint32_t np = hfile_u32(r);
	if (np > 100000)
		r->bad = 1;
	hfile_bytes(r, (size_t)np * GIT_OID_RAWSZ);
	uint32_t nl = hfile_u32(r);
	if (nl != (np ? np : 1))
		r->bad = 1;
	for (uint32_t l = 0; l < nl && !r->bad; l++) {
		uint32_t n = hfile_u32(r);
		for (uint32_t k = 0; k < n && !r->bad; k++) {
			if (hfile_u32(r) >= nstr)
				r->bad = 1;
			uint8_t st = hfile_u8(r);
			if (st != 'A' && st != 'D' && st != 'M')
				r->bad = 1;
		}
	}
	uint32_t nr = hfile_u32(r);
	for (uint32_t k = 0; k < nr && !r->bad; k++) {
		if (hfile_u32(r) >= nstr || hfile_u32(r) >= nstr)
			r->bad = 1;
		if (hfile_u8(r) > 100)
			r->bad = 1;
	}
	if (hfile_u8(r) > 1)
		r->bad = 1;
}

static uint32_t cache_str(hist_t *h, uint32_t ci);

void hcache_load(hist_t *h)
{
	hcache_t *c = &h->cache;
	hcache_clear(c);
	struct stat st;
	int fd = hfile_open(h->cache_path, &st);
	if (fd == -2) { /* not a regular file (a FIFO...): never read, replaced when written */
		h->stats.cache_rejected = 1;
		return;
	}
	if (fd < 0)
		return;
	FILE *f = fdopen(fd, "rb");
	if (!f) {
		close(fd);
		return;
	}
	int err = st.st_size < 0;
	size_t want = err ? 0 : (size_t)st.st_size;
	c->data = xmalloc(want + 1);
	c->len = err ? 0 : fread(c->data, 1, want, f);
	err = err || ferror(f) || c->len != want;
	fclose(f);
	const size_t hdr = 8 + 4 + 8;
	hfile_rd_t r = {c->data, c->data + c->len, 0};
	if (err || c->len < hdr + 8 || memcmp(c->data, HCACHE_MAGIC, 8) != 0)
		goto reject;
	r.p += 8;
	if (hfile_u32(&r) != HCACHE_VERSION)
		goto reject;
	uint64_t plen = hfile_u64(&r);
	if (plen != c->len - hdr - 8)
		goto reject;
	hfile_rd_t tail = {c->data + hdr + plen, c->data + c->len, 0};
	if (hfile_u64(&tail) != hfile_sum64(c->data + hdr, plen))
		goto reject;
	r.e = c->data + hdr + plen;
	if (hfile_u64(&r) != h->graft_digest) {
		/* written under other replace refs or grafts: its facts are not this history's */
		hcache_clear(c);
		return;
	}
	c->nstr = hfile_u32(&r);
	if (r.bad || c->nstr > plen / 4)
		goto reject;
	c->str = xcalloc(c->nstr ? c->nstr : 1, sizeof *c->str);
	c->slen = xcalloc(c->nstr ? c->nstr : 1, sizeof *c->slen);
	c->strmap = xmalloc((c->nstr ? c->nstr : 1) * sizeof *c->strmap);
	for (uint32_t i = 0; i < c->nstr; i++) {
		c->slen[i] = hfile_u32(&r);
		c->str[i] = hfile_bytes(&r, c->slen[i]);
		c->strmap[i] = NONE;
		if (r.bad || memchr(c->str[i], 0, c->slen[i]))
			goto reject;
	}
	c->ncommits = hfile_u32(&r);
	if (r.bad || c->ncommits > plen / 64)
		goto reject;
	c->off = xmalloc((c->ncommits ? c->ncommits : 1) * sizeof *c->off);
	c->decoded = xcalloc(c->ncommits ? c->ncommits : 1, 1);
	c->nslots = 16;
	while (c->nslots < (size_t)c->ncommits * 2)
		c->nslots *= 2;
	c->slots = xmalloc(c->nslots * sizeof *c->slots);
	memset(c->slots, 0xff, c->nslots * sizeof *c->slots);
	for (uint32_t i = 0; i < c->ncommits; i++) {
		c->off[i] = (size_t)(r.p - c->data);
		cache_skip_record(&r, c->nstr);
		if (r.bad)
			goto reject;
		git_oid id;
		memcpy(id.id, c->data + c->off[i], GIT_OID_RAWSZ);
		size_t j = hist_oid_hash(&id) & (c->nslots - 1);
		while (c->slots[j] != NONE)
			j = (j + 1) & (c->nslots - 1);
		c->slots[j] = i;
	}
	/* the verdicts of freshness.count: content, for one version of the canonical form */
	uint32_t cver = hfile_u32(&r);
	uint32_t nv = hfile_u32(&r);
	if (r.bad || nv > plen / 29)
		goto reject;
	const unsigned char *vs = hfile_bytes(&r, (size_t)nv * 29);
	if (r.bad || r.p != r.e)
		goto reject;
	for (uint32_t i = 0; i < nv; i++) {
		hfile_rd_t e = {vs + 29 * (size_t)i + 20, vs + 29 * (size_t)i + 29, 0};
		uint32_t op = hfile_u32(&e), np = hfile_u32(&e);
		if (op >= c->nstr || np >= c->nstr || hfile_u8(&e) > 3)
			goto reject;
	}
	if (h->content_canon && cver == h->content_version) {
		for (uint32_t i = 0; i < nv; i++) {
			hfile_rd_t e = {vs + 29 * (size_t)i, vs + 29 * (size_t)i + 29, 0};
			git_oid id;
			memcpy(id.id, hfile_bytes(&e, GIT_OID_RAWSZ), GIT_OID_RAWSZ);
			uint32_t op = cache_str(h, hfile_u32(&e));
			uint32_t np = cache_str(h, hfile_u32(&e));
			uint8_t f = hfile_u8(&e);
			hcontent_remember_verdict(h, &id, op, np, f & 1, (f >> 1) & 1);
		}
	}
	h->stats.cache_loaded = 1;
	return;
reject:
	h->stats.cache_rejected = 1;
	hcache_clear(c);
}

uint32_t hcache_find(const hcache_t *c, const git_oid *id)
{
	if (!c->nslots)
		return NONE;
	size_t j = hist_oid_hash(id) & (c->nslots - 1);
	while (c->slots[j] != NONE) {
		if (memcmp(c->data + c->off[c->slots[j]], id->id, GIT_OID_RAWSZ) == 0)
			return c->slots[j];
		j = (j + 1) & (c->nslots - 1);
	}
	return NONE;
}

static uint32_t cache_str(hist_t *h, uint32_t ci)
{
	hcache_t *c = &h->cache;
	if (c->strmap[ci] == NONE)
		c->strmap[ci] = hcommit_intern(h, (const char *)c->str[ci], c->slen[ci]);
	return c->strmap[ci];
}

void hcache_decode(hist_t *h, cnode_t *n, uint32_t ri)
{
	hcache_t *c = &h->cache;
	hfile_rd_t r = {c->data + c->off[ri], c->data + c->len, 0};
	c->decoded[ri] = 1;
	hfile_bytes(&r, GIT_OID_RAWSZ);
	memcpy(n->tree.id, hfile_bytes(&r, GIT_OID_RAWSZ), GIT_OID_RAWSZ);
	n->ctime = (int64_t)hfile_u64(&r);
	n->atime = (int64_t)hfile_u64(&r);
	n->author = cache_str(h, hfile_u32(&r));
	n->email = cache_str(h, hfile_u32(&r));
	uint32_t sl = hfile_u32(&r);
	n->summary = xstrndup((const char *)hfile_bytes(&r, sl), sl);
	n->nparents = hfile_u32(&r);
	n->parents = xmalloc((n->nparents ? n->nparents : 1) * sizeof *n->parents);
	n->pidx = xmalloc((n->nparents ? n->nparents : 1) * sizeof *n->pidx);
	for (uint32_t i = 0; i < n->nparents; i++) {
		memcpy(n->parents[i].id, hfile_bytes(&r, GIT_OID_RAWSZ), GIT_OID_RAWSZ);
		n->pidx[i] = NONE;
	}
	n->nlists = hfile_u32(&r);
	n->changes = xcalloc(n->nlists, sizeof *n->changes);
	n->nchanges = xcalloc(n->nlists, sizeof *n->nchanges);
	for (uint32_t l = 0; l < n->nlists; l++) {
		uint32_t cnt = hfile_u32(&r);
		n->nchanges[l] = cnt;
		n->changes[l] = xmalloc((cnt ? cnt : 1) * sizeof **n->changes);
		for (uint32_t k = 0; k < cnt; k++) {
			n->changes[l][k].path = cache_str(h, hfile_u32(&r));
			n->changes[l][k].status = (char)hfile_u8(&r);
		}
	}
	n->nrenames = hfile_u32(&r);
	n->renames = xmalloc((n->nrenames ? n->nrenames : 1) * sizeof *n->renames);
	for (uint32_t k = 0; k < n->nrenames; k++) {
		n->renames[k].old_path = cache_str(h, hfile_u32(&r));
		n->renames[k].new_path = cache_str(h, hfile_u32(&r));
		n->renames[k].score = hfile_u8(&r);
	}
	if (hfile_u8(&r))
		n->flags |= N_SIM;
	n->flags |= N_META | N_FACTS | N_FROM_CACHE;
}

void hcache_write(hist_t *h)
{
	hcache_t *c = &h->cache;
	/* decode the records this walk did not reach so they are kept (when the
	 * commit still exists) */
	for (uint32_t i = 0; i < c->ncommits; i++) {
		if (c->decoded[i])
			continue;
		git_oid id;
		memcpy(id.id, c->data + c->off[i], GIT_OID_RAWSZ);
		if (hcommit_find(h, &id) != NONE || !git_odb_exists(h->odb, &id))
			continue;
		GROW(h->nodes, h->nnodes, h->cnodes);
		uint32_t ni = (uint32_t)h->nnodes;
		cnode_t *n = &h->nodes[ni];
		memset(n, 0, sizeof *n);
		git_oid_cpy(&n->oid, &id);
		hcache_decode(h, n, i);
		hcommit_index(h, ni);
		h->nnodes++;
	}
	buf_t b = BUF_INIT;
	buf_put(&b, HCACHE_MAGIC, 8);
	hfile_put_u32(&b, HCACHE_VERSION);
	hfile_put_u64(&b, 0); /* payload length, patched below */
	size_t start = b.len;
	hfile_put_u64(&b, h->graft_digest);
	hfile_put_u32(&b, (uint32_t)h->strs.n);
	for (size_t i = 0; i < h->strs.n; i++) {
		hfile_put_u32(&b, h->strs.len[i]);
		buf_put(&b, h->strs.s[i], h->strs.len[i]);
	}
	uint32_t cnt = 0;
	for (size_t i = 0; i < h->nnodes; i++)
		cnt += (h->nodes[i].flags & (N_META | N_FACTS)) == (N_META | N_FACTS);
	hfile_put_u32(&b, cnt);
	for (size_t i = 0; i < h->nnodes; i++) {
		const cnode_t *n = &h->nodes[i];
		if ((n->flags & (N_META | N_FACTS)) != (N_META | N_FACTS))
			continue;
		buf_put(&b, n->oid.id, GIT_OID_RAWSZ);
		buf_put(&b, n->tree.id, GIT_OID_RAWSZ);
		hfile_put_u64(&b, (uint64_t)n->ctime);
		hfile_put_u64(&b, (uint64_t)n->atime);
		hfile_put_u32(&b, n->author);
		hfile_put_u32(&b, n->email);
		size_t sl = strlen(n->summary);
		hfile_put_u32(&b, (uint32_t)sl);
		buf_put(&b, n->summary, sl);
		hfile_put_u32(&b, n->nparents);
		for (uint32_t j = 0; j < n->nparents; j++)
			buf_put(&b, n->parents[j].id, GIT_OID_RAWSZ);
		hfile_put_u32(&b, n->nlists);
		for (uint32_t l = 0; l < n->nlists; l++) {
			hfile_put_u32(&b, n->nchanges[l]);
			for (uint32_t k = 0; k < n->nchanges[l]; k++) {
				hfile_put_u32(&b, n->changes[l][k].path);
				hfile_put_u8(&b, (uint8_t)n->changes[l][k].status);
			}
		}
		hfile_put_u32(&b, n->nrenames);
		for (uint32_t k = 0; k < n->nrenames; k++) {
			hfile_put_u32(&b, n->renames[k].old_path);
			hfile_put_u32(&b, n->renames[k].new_path);
			hfile_put_u8(&b, n->renames[k].score);
		}
		hfile_put_u8(&b, (n->flags & N_SIM) && !(n->flags & N_SIM_LOST) ? 1 : 0);
	}
	/* the verdicts (freshness.count: content) of this walk's version of the canonical form, or none */
	hfile_put_u32(&b, h->content_canon ? h->content_version : 0);
	uint32_t nv = h->content_canon ? (uint32_t)h->vused : 0;
	hfile_put_u32(&b, nv);
	for (size_t i = 0; nv && i < h->nvslots; i++) {
		const hcontent_verdict_t *v = &h->vslots[i];
		if (v->new_path == NONE)
			continue;
		buf_put(&b, v->commit.id, GIT_OID_RAWSZ);
		hfile_put_u32(&b, v->old_path);
		hfile_put_u32(&b, v->new_path);
		hfile_put_u8(&b, (uint8_t)(v->cosmetic | v->compared << 1));
	}
	hfile_seal(&b, 12, start);

	h->stats.cache_written = hfile_replace(h->cache_path, b.s, b.len);
	buf_free(&b);
	h->dirty = 0;
}
