/* searchpart.c - one repository's share of the search index (see searchpart.h). */
#include "searchpart.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "histfile.h"
#include "searchpriv.h"

#define SP_MAGIC "ALMSPART"
#define SP_VERSION 1u
#define SP_HDR 24 /* magic, version, spare, payload length at 16 */

/* ------------------------------------------------------------------ building */

typedef struct {
	const char *s;
	uint32_t len;
	uint32_t df, tdf, adf, first, last, prev;
	size_t bytes, fill;
	unsigned char *post;
} lterm_t;

typedef struct {
	const char *s;
	uint32_t len;
} lword_t;

static int cmp_lterm(const void *a, const void *b)
{
	const lterm_t *x = *(const lterm_t *const *)a, *y = *(const lterm_t *const *)b;
	return search_cmp_bytes(x->s, x->len, y->s, y->len);
}

static int cmp_lword(const void *a, const void *b)
{
	const lword_t *x = a, *y = b;
	return search_cmp_bytes(x->s, x->len, y->s, y->len);
}

void spart_maps_free(spart_maps_t *m)
{
	for (size_t i = 0; i < MAX_THREADS; i++) {
		free(m->stem[i]);
		free(m->word[i]);
	}
	memset(m, 0, sizeof *m);
}

/* maps[w] sized for worker w's stems and words, every entry UINT32_MAX. */
static void maps_ready(spart_maps_t *m, const worker_t *workers, size_t nworkers)
{
	for (size_t i = 0; i < nworkers; i++) {
		if (!m->stem[i] || m->nstem[i] < workers[i].nterms) {
			free(m->stem[i]);
			m->nstem[i] = workers[i].nterms;
			m->stem[i] = xmalloc((m->nstem[i] ? m->nstem[i] : 1) * sizeof(uint32_t));
			memset(m->stem[i], 0xFF, m->nstem[i] * sizeof(uint32_t));
		}
		if (!m->word[i] || m->nword[i] < workers[i].nsurfs) {
			free(m->word[i]);
			m->nword[i] = workers[i].nsurfs;
			m->word[i] = xmalloc((m->nword[i] ? m->nword[i] : 1) * sizeof(uint32_t));
			memset(m->word[i], 0xFF, m->nword[i] * sizeof(uint32_t));
		}
	}
}

/* The sections kept of a (stem, page): every heading one, the first BODY_SECTIONS body ones. Writes
 * them at `o` (NULL: measures only); returns their bytes, *kept their number. */
static size_t put_codes(unsigned char *o, const uint32_t *codes, uint32_t n, uint32_t *kept)
{
	size_t sz = 0;
	uint32_t keep = 0, body = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (!(codes[i] & 1) && body++ >= BODY_SECTIONS)
			continue;
		keep++;
		sz += o ? (size_t)(varint_to(o + sz, codes[i]) - (o + sz)) : varint_len(codes[i]);
	}
	*kept = keep;
	return sz;
}

/* The bytes of one posting of a share (see searchpart.h). */
static inline size_t posting_size(uint32_t delta, const rterm_t *t, const uint32_t *codes)
{
	size_t sz = varint_len(delta) + 1;
	for (int f = 0; f < NF; f++)
		if (t->tf[f])
			sz += varint_len(t->tf[f]);
	uint32_t n = t->nsec_alert >> 1, keep = 0, body = 0;
	for (uint32_t i = 0; i < n; i++)
		if ((codes[i] & 1) || body++ < BODY_SECTIONS) {
			keep++;
			sz += varint_len(codes[i]);
		}
	return sz + varint_len((uint64_t)keep << 1 | 1);
}

/* Write one posting of a share at `o`; returns its bytes. */
static size_t put_posting(unsigned char *o, uint32_t delta, const rterm_t *t, const uint32_t *codes)
{
	unsigned char *q = o;
	q = varint_to(q, delta);
	unsigned mask = 0;
	for (int f = 0; f < NF; f++)
		mask |= (unsigned)(t->tf[f] != 0) << f;
	*q++ = (unsigned char)mask;
	for (int f = 0; f < NF; f++)
		if (t->tf[f])
			q = varint_to(q, t->tf[f]);
	uint32_t kept;
	(void)put_codes(NULL, codes, t->nsec_alert >> 1, &kept);
	q = varint_to(q, (uint64_t)kept << 1 | (t->nsec_alert & DT_ALERT));
	q += put_codes(q, codes, t->nsec_alert >> 1, &kept);
	return (size_t)(q - o);
}

static void put_varint(buf_t *b, uint64_t v)
{
	buf_grow(b, VARINT_MAX);
	b->len = (size_t)((char *)varint_to((unsigned char *)b->s + b->len, v) - b->s);
}

static int plain_word(const char *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((w[i] >= '0' && w[i] <= '9') || w[i] == '-' || w[i] == '_' || w[i] == '.')
			return 0;
	return 1;
}

void spart_build(buf_t *out, spart_maps_t *maps, const size_t *page, size_t n, const docres_t *res,
		 const uint64_t (*keys)[2], const worker_t *workers, size_t nworkers, uint64_t binary_id,
		 uint64_t stemmer_id)
{
	maps_ready(maps, workers, nworkers);
	lterm_t *lt = NULL;
	size_t nlt = 0, clt = 0;
	lword_t *lw = NULL;
	size_t nlw = 0, clw = 0;
	uint32_t *used_stem = NULL, *used_word = NULL; /* (worker, lid) pairs set in maps, cleared at the end */
	size_t nus = 0, cus = 0, nuw = 0, cuw = 0;
	smem_map_t byname = {0}; /* stem -> its entry, when several workers tokenized the group */
	smem_arena_t names = {0};
	/* the stems of the group (with the size of their postings), and its plain words */
	for (size_t j = 0; j < n; j++) {
		const docres_t *r = &res[page[j]];
		const worker_t *w = &workers[r->worker];
		uint32_t *map = maps->stem[r->worker];
		size_t sec_first = 0;
		for (size_t k = 0; k < r->nterms; k++) {
			const rterm_t *t = &r->terms[k];
			uint32_t *slot = &map[t->id];
			if (*slot == UINT32_MAX) {
				/* the same stem interned by another worker is the same entry */
				int added;
				const sterm_t *st = w->terms[t->id];
				smem_slot_t *ns = smem_upsert(&byname, &names, st->s, st->len, &added);
				if (added) {
					GROW(lt, nlt, clt);
					memset(&lt[nlt], 0, sizeof lt[nlt]);
					lt[nlt].s = st->s;
					lt[nlt].len = st->len;
					lt[nlt].first = (uint32_t)j;
					ns->val = (void *)(uintptr_t)nlt++;
				}
				*slot = (uint32_t)(uintptr_t)ns->val;
				GROW(used_stem, nus + 1, cus);
				used_stem[nus++] = r->worker;
				used_stem[nus++] = t->id;
			}
			lterm_t *l = &lt[*slot];
			l->bytes += posting_size((uint32_t)j - l->prev, t, r->secs + sec_first);
			sec_first += t->nsec_alert >> 1;
			l->prev = l->last = (uint32_t)j;
			l->df++;
			l->tdf += t->tf[F_TITLE] != 0;
			l->adf += t->tf[F_ALERTS] != 0;
		}
		uint32_t *wmap = maps->word[r->worker];
		for (size_t k = 0; k < r->nsurf; k++) {
			uint32_t lid = r->surf[k];
			if (wmap[lid] != UINT32_MAX)
				continue;
			wmap[lid] = 0;
			GROW(used_word, nuw + 1, cuw);
			used_word[nuw++] = r->worker;
			used_word[nuw++] = lid;
			const ssurf_t *sw = w->surfs[lid];
			if (!plain_word(sw->s, sw->len))
				continue;
			GROW(lw, nlw, clw);
			lw[nlw].s = sw->s;
			lw[nlw].len = sw->len;
			nlw++;
		}
	}
	/* their postings, in page order */
	size_t total = 0;
	for (size_t i = 0; i < nlt; i++)
		total += lt[i].bytes;
	unsigned char *block = xmalloc(total ? total : 1);
	size_t off = 0;
	for (size_t i = 0; i < nlt; i++) {
		lt[i].post = block + off;
		lt[i].prev = 0;
		off += lt[i].bytes;
	}
	for (size_t j = 0; j < n; j++) {
		const docres_t *r = &res[page[j]];
		uint32_t *map = maps->stem[r->worker];
		size_t sec_first = 0;
		for (size_t k = 0; k < r->nterms; k++) {
			const rterm_t *t = &r->terms[k];
			lterm_t *l = &lt[map[t->id]];
			l->fill += put_posting(l->post + l->fill, (uint32_t)j - l->prev, t, r->secs + sec_first);
			sec_first += t->nsec_alert >> 1;
			l->prev = (uint32_t)j;
		}
	}
	for (size_t i = 0; i < nus; i += 2)
		maps->stem[used_stem[i]][used_stem[i + 1]] = UINT32_MAX;
	for (size_t i = 0; i < nuw; i += 2)
		maps->word[used_word[i]][used_word[i + 1]] = UINT32_MAX;
	lterm_t **order = xmalloc((nlt ? nlt : 1) * sizeof *order);
	for (size_t i = 0; i < nlt; i++)
		order[i] = &lt[i];
	if (nlt)
		qsort(order, nlt, sizeof *order, cmp_lterm);
	if (nlw) /* lw is NULL without words */
		qsort(lw, nlw, sizeof *lw, cmp_lword);
	size_t nu = 0; /* a word seen by several workers once */
	for (size_t i = 0; i < nlw; i++)
		if (nu == 0 || cmp_lword(&lw[nu - 1], &lw[i]) != 0)
			lw[nu++] = lw[i];
	nlw = nu;

	buf_clear(out);
	buf_put(out, SP_MAGIC, 8);
	hfile_put_u32(out, SP_VERSION);
	hfile_put_u32(out, 0);
	hfile_put_u64(out, 0); /* the payload's length: hfile_seal */
	hfile_put_u64(out, binary_id);
	hfile_put_u64(out, stemmer_id);
	hfile_put_u32(out, (uint32_t)n);
	for (size_t j = 0; j < n; j++) {
		hfile_put_u64(out, keys ? keys[page[j]][0] : 0);
		hfile_put_u64(out, keys ? keys[page[j]][1] : 0);
	}
	for (size_t j = 0; j < n; j++)
		for (int f = 0; f < NF; f++)
			hfile_put_u32(out, res[page[j]].flen[f]);
	hfile_put_u32(out, (uint32_t)nlt);
	for (size_t i = 0; i < nlt; i++) {
		const lterm_t *l = order[i];
		put_varint(out, l->len);
		buf_put(out, l->s, l->len);
		put_varint(out, l->df);
		put_varint(out, l->tdf);
		put_varint(out, l->adf);
		put_varint(out, l->first);
		put_varint(out, l->last);
		put_varint(out, l->bytes);
		buf_put(out, (const char *)l->post, l->bytes);
	}
	hfile_put_u32(out, (uint32_t)nlw);
	for (size_t i = 0; i < nlw; i++) {
		put_varint(out, lw[i].len);
		buf_put(out, lw[i].s, lw[i].len);
	}
	hfile_seal(out, 16, SP_HDR);
	free(order);
	free(block);
	free(lt);
	free(lw);
	free(used_stem);
	free(used_word);
	smem_map_free(&byname);
	smem_arena_free(&names);
}

/* ------------------------------------------------------------------ reading */

const unsigned char *spart_next_term(const unsigned char *at, const unsigned char *e, spart_term_t *t)
{
	int bad = 0; /* checked by spart_open: the varints are there */
	t->len = spart_varint(&at, e, &bad);
	t->s = (const char *)at;
	at += t->len;
	t->df = spart_varint(&at, e, &bad);
	t->tdf = spart_varint(&at, e, &bad);
	t->adf = spart_varint(&at, e, &bad);
	t->first = spart_varint(&at, e, &bad);
	t->last = spart_varint(&at, e, &bad);
	uint32_t pl = spart_varint(&at, e, &bad);
	t->post = at;
	t->post_end = at + pl;
	return t->post_end;
}

const unsigned char *spart_next_word(const unsigned char *at, const unsigned char *e, const char **s, uint32_t *len)
{
	int bad = 0;
	*len = spart_varint(&at, e, &bad);
	*s = (const char *)at;
	return at + *len;
}

static uint64_t rd_u64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

void spart_page_key(const spart_t *p, uint32_t i, uint64_t key[2])
{
	key[0] = rd_u64(p->keys + (size_t)i * 16);
	key[1] = rd_u64(p->keys + (size_t)i * 16 + 8);
}

uint32_t spart_flen(const spart_t *p, uint32_t i, int field)
{
	const unsigned char *q = p->flen + ((size_t)i * NF + (size_t)field) * 4;
	return (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24;
}

int spart_open(spart_t *p, const unsigned char *data, size_t len, uint64_t binary_id, uint64_t stemmer_id)
{
	memset(p, 0, sizeof *p);
	hfile_rd_t h = {data + 8, data + SP_HDR, 0}, r;
	if (len < SP_HDR + 8 || memcmp(data, SP_MAGIC, 8) != 0 || hfile_u32(&h) != SP_VERSION ||
	    !hfile_sealed(data, len, 16, SP_HDR, &r))
		return -1;
	size_t plen = (size_t)(r.e - r.p);
	if (hfile_u64(&r) != binary_id || hfile_u64(&r) != stemmer_id)
		return -1;
	uint32_t n = hfile_u32(&r);
	if (r.bad || n > plen / (16 + 4 * NF))
		return -1;
	p->npages = n;
	p->keys = hfile_bytes(&r, (size_t)n * 16);
	p->flen = hfile_bytes(&r, (size_t)n * 4 * NF);
	p->nterms = hfile_u32(&r);
	if (r.bad || p->nterms > plen)
		return -1;
	/* every stem: within the file, in strictly increasing byte order, its pages among the share's */
	p->terms = r.p;
	const char *prev = NULL;
	uint32_t prev_len = 0;
	int bad = 0;
	const unsigned char *at = r.p;
	for (uint32_t i = 0; i < p->nterms && !bad; i++) {
		uint32_t sl = spart_varint(&at, r.e, &bad);
		if (bad || (size_t)(r.e - at) < sl)
			return -1;
		const char *s = (const char *)at;
		at += sl;
		uint32_t df = spart_varint(&at, r.e, &bad), tdf = spart_varint(&at, r.e, &bad);
		uint32_t adf = spart_varint(&at, r.e, &bad), first = spart_varint(&at, r.e, &bad);
		uint32_t last = spart_varint(&at, r.e, &bad), pl = spart_varint(&at, r.e, &bad);
		if (bad || (size_t)(r.e - at) < pl || !df || df > n || tdf > df || adf > df || first > last ||
		    last >= n || last - first + 1 < df || pl < (size_t)df * 3 || sl == 0 ||
		    (prev && search_cmp_bytes(prev, prev_len, s, sl) >= 0))
			return -1;
		at += pl;
		prev = s;
		prev_len = sl;
	}
	if (bad)
		return -1;
	p->terms_end = at;
	r.p = at;
	p->nwords = hfile_u32(&r);
	if (r.bad || p->nwords > plen)
		return -1;
	p->words = at = r.p;
	prev = NULL;
	for (uint32_t i = 0; i < p->nwords; i++) {
		uint32_t wl = spart_varint(&at, r.e, &bad);
		if (bad || wl == 0 || (size_t)(r.e - at) < wl || memchr(at, 0, wl) ||
		    (prev && search_cmp_bytes(prev, prev_len, (const char *)at, wl) >= 0))
			return -1;
		prev = (const char *)at;
		prev_len = wl;
		at += wl;
	}
	if (at != r.e)
		return -1;
	p->words_end = at;
	return 0;
}

int spart_load(spart_t *p, const char *path, uint64_t binary_id, uint64_t stemmer_id)
{
	size_t len;
	int rejected;
	void *m = hfile_map(path, SP_HDR + 8, &len, &rejected);
	if (!m) {
		memset(p, 0, sizeof *p);
		return -1;
	}
	if (spart_open(p, m, len, binary_id, stemmer_id) != 0) {
		munmap(m, len);
		return -1;
	}
	p->map = m;
	p->maplen = len;
	return 0;
}

void spart_store(const char *path, const char *data, size_t len)
{
	if (data)
		hfile_replace(path, data, len);
	else
		unlink(path);
}

void spart_free(spart_t *p)
{
	if (!p)
		return;
	free(p->own);
	if (p->map)
		munmap(p->map, p->maplen);
	memset(p, 0, sizeof *p);
}
