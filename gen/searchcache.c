/* searchcache.c - each page's tokenized words kept between builds (see searchcache.h). */
#include "searchcache.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t on the stack */
#include <xxhash.h>

#include "buf.h"
#include "histfile.h"

#define SC_MAGIC "ALMSTERM"
#define SC_VERSION 1u
#define SC_HDR 24 /* magic, version, spare, payload length at 16 */

/* ------------------------------------------------------------------ keys */

static void key_str(XXH3_state_t *st, const char *s)
{
	s = s ? s : "";
	XXH3_128bits_update(st, s, strlen(s) + 1); /* the NUL separates fields */
}

static void key_count(XXH3_state_t *st, size_t n)
{
	uint64_t v = n;
	XXH3_128bits_update(st, &v, sizeof v);
}

void scache_sections_digest(const search_doc_t *doc, uint64_t digest[2])
{
	size_t n;
	const search_section_t *v = sdoc_sections(doc, &n);
	XXH3_state_t st;
	XXH3_128bits_reset(&st);
	for (size_t i = 0; i < n; i++) { /* markdown.c's sections_digest: the same bytes */
		key_str(&st, v[i].anchor);
		key_str(&st, v[i].heading);
		key_str(&st, v[i].text);
	}
	XXH128_hash_t h = XXH3_128bits_digest(&st);
	digest[0] = h.low64;
	digest[1] = h.high64;
}

void scache_doc_key(const search_doc_t *doc, uint64_t key[2])
{
	XXH3_state_t st;
	XXH3_128bits_reset(&st);
	key_str(&st, doc->title);
	key_count(&st, doc->nalerts);
	for (size_t i = 0; i < doc->nalerts; i++)
		key_str(&st, doc->alerts[i]);
	key_count(&st, doc->ntags);
	for (size_t i = 0; i < doc->ntags; i++)
		key_str(&st, doc->tags[i]);
	key_str(&st, doc->owner);
	uint64_t dg[2] = {doc->sections_digest[0], doc->sections_digest[1]};
	if (!dg[0] && !dg[1])
		scache_sections_digest(doc, dg);
	XXH3_128bits_update(&st, dg, sizeof dg);
	XXH128_hash_t h = XXH3_128bits_digest(&st);
	key[0] = h.low64;
	key[1] = h.high64;
}

/* The stemmer's answers to words of each suffix class: another libstemmer gives another id. */
static uint64_t stemmer_id(tok_stemmer_t *stem)
{
	static const char *const probe[] = {"running",  "generalizations", "happiness",  "connection",
					    "databases", "quickly",         "alerting",   "certificates",
					    "relational", "hopefully",      "caresses",   "restarted",
					    "argued",    "electricity",     "formalize",  "sensibility"};
	XXH64_state_t st;
	XXH64_reset(&st, 0);
	for (size_t i = 0; i < sizeof probe / sizeof *probe; i++) {
		size_t sl;
		const char *s = tok_stem(stem, probe[i], strlen(probe[i]), &sl);
		if (s)
			XXH64_update(&st, s, sl);
		XXH64_update(&st, "", 1);
	}
	return XXH64_digest(&st);
}

/* ------------------------------------------------------------------ the files */

/* One group's file: read when a page of the group first asks for it, freed once every page of the group
 * was prepared (its pages are contiguous in URL order, so about one file per worker is in memory). */
typedef struct {
	char *path;
	pthread_mutex_t lock;
	int loaded;          /* under lock: reading it was tried */
	unsigned char *data; /* owned; NULL: not read (yet), no usable file, or freed */
	const char **stem;   /* its stems (into data) */
	uint32_t *stem_len;
	uint32_t nstems;
	const char **surf;   /* its surface words, each with its stem's index */
	uint32_t *surf_len, *surf_stem;
	uint32_t nsurfs;
	struct sslot *slots; /* its records by key: open addressing on k0, a power-of-two capacity */
	size_t cap;
	uint32_t nrecs;      /* records of a usable file (kept once the data is freed) */
	int usable;          /* it was read whole, checked, of this binary and stemmer */
	atomic_size_t left;  /* pages of the group not prepared yet */
} sfile_t;

/* A kept page: its key and record. */
typedef struct sslot {
	uint64_t k0, k1;
	const unsigned char *rec; /* NULL: an empty slot */
	uint32_t len;
} sslot_t;

struct scache {
	sfile_t *files;
	size_t nfiles;
	uint64_t binary_id, stemmer_id;
};

/* A worker's view of each file's tables: its own stem and surface word for an index (NULL: not yet). */
struct scache_xl {
	sterm_t ***stem; /* [file][index] */
	ssurf_t ***surf;
	size_t nfiles;
	size_t last;     /* the file of its last page (its tables go once that group is done) */
};

static void add_slot(sfile_t *f, uint64_t k0, uint64_t k1, const unsigned char *rec, uint32_t len)
{
	size_t j = (size_t)k0 & (f->cap - 1);
	while (f->slots[j].rec) {
		if (f->slots[j].k0 == k0 && f->slots[j].k1 == k1)
			return; /* the same page twice: either record does */
		j = (j + 1) & (f->cap - 1);
	}
	f->slots[j] = (sslot_t){k0, k1, rec, len};
}

static const sslot_t *find_slot(const sfile_t *f, const uint64_t key[2])
{
	if (!f->cap)
		return NULL;
	size_t j = (size_t)key[0] & (f->cap - 1);
	while (f->slots[j].rec) {
		if (f->slots[j].k0 == key[0] && f->slots[j].k1 == key[1])
			return &f->slots[j];
		j = (j + 1) & (f->cap - 1);
	}
	return NULL;
}

/* Read f->path: 1 when whole, checked and of this binary and stemmer (its tables filled, its records
 * left at *r), else 0. */
static int read_tables(const scache_t *c, sfile_t *f, size_t len, hfile_rd_t *r)
{
	if (len < SC_HDR + 8 || memcmp(f->data, SC_MAGIC, 8) != 0)
		return 0;
	*r = (hfile_rd_t){f->data + 8, f->data + len, 0};
	if (hfile_u32(r) != SC_VERSION)
		return 0;
	(void)hfile_u32(r);
	uint64_t plen = hfile_u64(r);
	if (r->bad || plen != len - SC_HDR - 8)
		return 0;
	hfile_rd_t tail = {f->data + SC_HDR + plen, f->data + len, 0};
	if (hfile_u64(&tail) != hfile_sum64(f->data + SC_HDR, plen))
		return 0;
	r->e = f->data + SC_HDR + plen;
	if (hfile_u64(r) != c->binary_id || hfile_u64(r) != c->stemmer_id)
		return 0;
	uint32_t ns = hfile_u32(r);
	if (r->bad || ns > plen / 5)
		return 0;
	f->stem = xmalloc((ns ? ns : 1) * sizeof *f->stem);
	f->stem_len = xmalloc((ns ? ns : 1) * sizeof *f->stem_len);
	for (uint32_t i = 0; i < ns && !r->bad; i++) {
		f->stem[i] = hfile_str(r);
		f->stem_len[i] = f->stem[i] ? (uint32_t)strlen(f->stem[i]) : 0;
	}
	f->nstems = ns;
	uint32_t nw = hfile_u32(r);
	if (r->bad || nw > plen / 9)
		return 0;
	f->surf = xmalloc((nw ? nw : 1) * sizeof *f->surf);
	f->surf_len = xmalloc((nw ? nw : 1) * sizeof *f->surf_len);
	f->surf_stem = xmalloc((nw ? nw : 1) * sizeof *f->surf_stem);
	for (uint32_t i = 0; i < nw && !r->bad; i++) {
		f->surf[i] = hfile_str(r);
		f->surf_len[i] = f->surf[i] ? (uint32_t)strlen(f->surf[i]) : 0;
		f->surf_stem[i] = hfile_u32(r);
		if (f->surf_stem[i] >= ns)
			r->bad = 1;
	}
	f->nsurfs = nw;
	return !r->bad;
}

/* Free what reading `f` made (its metadata stays: nrecs, usable). */
static void drop_data(sfile_t *f)
{
	free(f->data);
	free(f->stem);
	free(f->stem_len);
	free(f->surf);
	free(f->surf_len);
	free(f->surf_stem);
	free(f->slots);
	f->data = NULL;
	f->stem = f->surf = NULL;
	f->stem_len = f->surf_len = f->surf_stem = NULL;
	f->slots = NULL;
	f->cap = 0;
	f->nstems = f->nsurfs = 0;
}

/* Read `f` and index its records; f->usable says whether it can be used. */
static void load_file(const scache_t *c, sfile_t *f)
{
	size_t len;
	f->data = (unsigned char *)hfile_read(f->path, &len);
	hfile_rd_t r;
	if (!f->data || !read_tables(c, f, len, &r)) {
		drop_data(f);
		return;
	}
	uint32_t n = hfile_u32(&r);
	if (r.bad || n > (size_t)(r.e - r.p) / 20) {
		drop_data(f);
		return;
	}
	/* the records' places first: a file that does not end where its last record does is not used */
	const unsigned char *start = r.p;
	for (uint32_t i = 0; i < n && !r.bad; i++) {
		(void)hfile_bytes(&r, 16);
		(void)hfile_bytes(&r, hfile_u32(&r));
	}
	if (r.bad || r.p != r.e) {
		drop_data(f);
		return;
	}
	f->cap = 16;
	while (f->cap < (size_t)n * 2)
		f->cap *= 2;
	f->slots = xcalloc(f->cap, sizeof *f->slots);
	r.p = start;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t k0 = hfile_u64(&r), k1 = hfile_u64(&r);
		uint32_t rl = hfile_u32(&r);
		add_slot(f, k0, k1, r.p, rl);
		r.p += rl;
	}
	f->nrecs = n;
	f->usable = 1;
}

/* Group k's file, read on first use; NULL when it has nothing usable (or is done). */
static sfile_t *file_use(scache_t *c, size_t k)
{
	sfile_t *f = &c->files[k];
	pthread_mutex_lock(&f->lock);
	if (!f->loaded) {
		f->loaded = 1;
		load_file(c, f);
	}
	int ok = f->usable && f->data;
	pthread_mutex_unlock(&f->lock);
	return ok ? f : NULL;
}

static char *file_path(const search_cache_t *cfg, size_t k)
{
	return k ? xasprintf("%s/search-terms.%s", cfg->dir, cfg->names[k]) : xasprintf("%s/search-terms", cfg->dir);
}

scache_t *scache_load(const search_cache_t *cfg, tok_stemmer_t *stem, const search_doc_t *docs, size_t ndocs)
{
	scache_t *c = xcalloc(1, sizeof *c);
	c->nfiles = cfg->ngroups;
	c->files = xcalloc(c->nfiles ? c->nfiles : 1, sizeof *c->files);
	c->binary_id = cfg->binary_id;
	c->stemmer_id = stemmer_id(stem);
	for (size_t k = 0; k < c->nfiles; k++) {
		c->files[k].path = file_path(cfg, k);
		pthread_mutex_init(&c->files[k].lock, NULL);
	}
	for (size_t i = 0; i < ndocs; i++)
		if (docs[i].group < c->nfiles)
			atomic_fetch_add(&c->files[docs[i].group].left, 1);
	return c;
}

void scache_free(scache_t *c)
{
	if (!c)
		return;
	for (size_t k = 0; k < c->nfiles; k++) {
		drop_data(&c->files[k]);
		free(c->files[k].path);
		pthread_mutex_destroy(&c->files[k].lock);
	}
	free(c->files);
	free(c);
}

/* ------------------------------------------------------------------ replay */

/* A bounds-checked varint reader; sets *bad past the end or past 32 bits. */
static uint32_t rd_varint(const unsigned char **p, const unsigned char *e, int *bad)
{
	uint64_t v = 0;
	for (int shift = 0; shift < 35; shift += 7) {
		if (*p >= e) {
			*bad = 1;
			return 0;
		}
		unsigned char b = *(*p)++;
		v |= (uint64_t)(b & 0x7F) << shift;
		if (!(b & 0x80)) {
			if (v > UINT32_MAX)
				*bad = 1;
			return (uint32_t)v;
		}
	}
	*bad = 1;
	return 0;
}

/* w's tables for file k (made when first needed). */
static void xl_tables(scache_t *c, worker_t *w, size_t k, sterm_t ***stems, ssurf_t ***surfs)
{
	if (!w->xl) {
		w->xl = xcalloc(1, sizeof *w->xl);
		w->xl->nfiles = c->nfiles;
		w->xl->last = SIZE_MAX;
		w->xl->stem = xcalloc(c->nfiles ? c->nfiles : 1, sizeof *w->xl->stem);
		w->xl->surf = xcalloc(c->nfiles ? c->nfiles : 1, sizeof *w->xl->surf);
	}
	if (!w->xl->stem[k]) {
		w->xl->stem[k] = xcalloc(c->files[k].nstems ? c->files[k].nstems : 1, sizeof(sterm_t *));
		w->xl->surf[k] = xcalloc(c->files[k].nsurfs ? c->files[k].nsurfs : 1, sizeof(ssurf_t *));
	}
	*stems = w->xl->stem[k];
	*surfs = w->xl->surf[k];
}

/* Free w's tables of file k. */
static void xl_drop(worker_t *w, size_t k)
{
	free(w->xl->stem[k]);
	free(w->xl->surf[k]);
	w->xl->stem[k] = NULL;
	w->xl->surf[k] = NULL;
}

int scache_replay(scache_t *c, worker_t *w, size_t group, const uint64_t key[2], docres_t *out)
{
	if (group >= c->nfiles)
		return 0;
	if (w->xl && w->xl->last != group && w->xl->last != SIZE_MAX && !atomic_load(&c->files[w->xl->last].left))
		xl_drop(w, w->xl->last); /* its group is done: no page will read those tables again */
	const sfile_t *f = file_use(c, group);
	const sslot_t *sl = f ? find_slot(f, key) : NULL;
	if (!sl)
		return 0;
	const unsigned char *p = sl->rec, *e = sl->rec + sl->len;
	int bad = 0;
	uint32_t flen[NF];
	for (int i = 0; i < NF; i++)
		flen[i] = rd_varint(&p, e, &bad);
	uint32_t nterms = rd_varint(&p, e, &bad), nsecs = rd_varint(&p, e, &bad), nsurf = rd_varint(&p, e, &bad);
	if (bad || nterms > sl->len || nsecs > sl->len || nsurf > sl->len)
		return 0;
	/* decoded and checked whole before anything of the worker changes */
	rterm_t *terms = smem_alloc_aligned(&w->results, (nterms ? nterms : 1) * sizeof *terms);
	uint32_t *secs = smem_alloc_aligned(&w->results, (nsecs ? nsecs : 1) * sizeof *secs);
	uint32_t *surf = smem_alloc_aligned(&w->surfres, (nsurf ? nsurf : 1) * sizeof *surf);
	size_t secs_named = 0;
	for (uint32_t i = 0; i < nterms && !bad; i++) {
		rterm_t *t = &terms[i];
		t->id = rd_varint(&p, e, &bad);
		unsigned mask = p < e ? *p++ : (bad = 1, 0u);
		for (int fi = 0; fi < NF; fi++) {
			uint32_t v = mask >> fi & 1 ? rd_varint(&p, e, &bad) : 0;
			t->tf[fi] = (uint16_t)v;
			bad |= v > UINT16_MAX;
		}
		uint32_t na = rd_varint(&p, e, &bad);
		t->nsec_alert = (uint16_t)na;
		bad |= na > UINT16_MAX || t->id >= f->nstems || mask >> NF;
		secs_named += na >> 1;
	}
	for (uint32_t i = 0; i < nsecs && !bad; i++)
		secs[i] = rd_varint(&p, e, &bad);
	for (uint32_t i = 0; i < nsurf && !bad; i++) {
		surf[i] = rd_varint(&p, e, &bad);
		bad |= surf[i] >= f->nsurfs;
	}
	if (bad || p != e || secs_named != nsecs)
		return 0;
	sterm_t **stems;
	ssurf_t **surfs;
	xl_tables(c, w, group, &stems, &surfs);
	w->xl->last = group;
	for (uint32_t i = 0; i < nterms; i++) {
		rterm_t *t = &terms[i];
		sterm_t *st = stems[t->id];
		if (!st)
			st = stems[t->id] = sprep_stem(w, f->stem[t->id], f->stem_len[t->id]);
		t->id = st->lid;
		st->df++;
		if (t->tf[F_TITLE])
			st->tdf++;
		if (t->tf[F_ALERTS])
			st->adf++;
	}
	for (uint32_t i = 0; i < nsurf; i++) {
		uint32_t k = surf[i];
		ssurf_t *sw = surfs[k];
		if (!sw) {
			uint32_t si = f->surf_stem[k];
			sterm_t *st = stems[si];
			if (!st)
				st = stems[si] = sprep_stem(w, f->stem[si], f->stem_len[si]);
			sw = surfs[k] = sprep_surface(w, f->surf[k], f->surf_len[k], st);
		}
		surf[i] = sw->lid;
	}
	out->terms = terms;
	out->nterms = nterms;
	out->secs = secs;
	out->nsecs = nsecs;
	memcpy(out->flen, flen, sizeof flen);
	out->worker = w->id;
	out->surf = surf;
	out->nsurf = nsurf;
	out->from = (int32_t)group;
	return 1;
}

void scache_page_done(scache_t *c, size_t group)
{
	if (group >= c->nfiles)
		return;
	sfile_t *f = &c->files[group];
	if (atomic_fetch_sub(&f->left, 1) != 1)
		return;
	pthread_mutex_lock(&f->lock); /* the group's last page: nobody reads its file any more */
	drop_data(f);
	f->loaded = 1;
	pthread_mutex_unlock(&f->lock);
}

void scache_worker_free(worker_t *w)
{
	if (!w->xl)
		return;
	for (size_t k = 0; k < w->xl->nfiles; k++) {
		free(w->xl->stem[k]);
		free(w->xl->surf[k]);
	}
	free(w->xl->stem);
	free(w->xl->surf);
	free(w->xl);
	w->xl = NULL;
}

/* ------------------------------------------------------------------ save */

/* A worker's stems and surface words as indexes of the file being written (UINT32_MAX: not in it yet). */
typedef struct {
	uint32_t *stem, *surf;
} wmap_t;

typedef struct {
	buf_t stems, surfs, recs; /* the tables' bytes and the records' */
	uint32_t nstems, nsurfs, nrecs;
	uint32_t *used_stems, *used_surfs; /* (worker, lid) pairs whose wmap_t entry was set */
	size_t nused_stems, nused_surfs, cused_stems, cused_surfs;
} wfile_t;

static void note_used(uint32_t **v, size_t *n, size_t *cap, uint32_t worker, uint32_t lid)
{
	if (*n + 2 > *cap) {
		*cap = *cap ? *cap * 2 : 4096;
		*v = xrealloc(*v, *cap * sizeof **v);
	}
	(*v)[(*n)++] = worker;
	(*v)[(*n)++] = lid;
}

static uint32_t file_stem(wfile_t *wf, wmap_t *m, const worker_t *w, uint32_t lid)
{
	uint32_t *slot = &m[w->id].stem[lid];
	if (*slot == UINT32_MAX) {
		*slot = wf->nstems++;
		hfile_put_str(&wf->stems, w->terms[lid]->s, w->terms[lid]->len);
		note_used(&wf->used_stems, &wf->nused_stems, &wf->cused_stems, w->id, lid);
	}
	return *slot;
}

static uint32_t file_surface(wfile_t *wf, wmap_t *m, const worker_t *w, uint32_t lid)
{
	uint32_t *slot = &m[w->id].surf[lid];
	if (*slot == UINT32_MAX) {
		const ssurf_t *sw = w->surfs[lid];
		uint32_t stem = file_stem(wf, m, w, sw->stem->lid);
		*slot = wf->nsurfs++;
		hfile_put_str(&wf->surfs, sw->s, sw->len);
		hfile_put_u32(&wf->surfs, stem);
		note_used(&wf->used_surfs, &wf->nused_surfs, &wf->cused_surfs, w->id, lid);
	}
	return *slot;
}

static void put_varint(buf_t *b, uint64_t v)
{
	buf_grow(b, VARINT_MAX);
	b->len = (size_t)((char *)varint_to((unsigned char *)b->s + b->len, v) - b->s);
}

static void put_record(wfile_t *wf, wmap_t *m, const worker_t *w, const uint64_t key[2], const docres_t *r)
{
	buf_t rec = BUF_INIT;
	for (int i = 0; i < NF; i++)
		put_varint(&rec, r->flen[i]);
	put_varint(&rec, r->nterms);
	put_varint(&rec, r->nsecs);
	put_varint(&rec, r->nsurf);
	for (size_t i = 0; i < r->nterms; i++) {
		const rterm_t *t = &r->terms[i];
		put_varint(&rec, file_stem(wf, m, w, t->id));
		unsigned mask = 0;
		for (int fi = 0; fi < NF; fi++)
			mask |= (t->tf[fi] != 0) << fi;
		buf_putc(&rec, (char)mask);
		for (int fi = 0; fi < NF; fi++)
			if (t->tf[fi])
				put_varint(&rec, t->tf[fi]);
		put_varint(&rec, t->nsec_alert);
	}
	for (size_t i = 0; i < r->nsecs; i++)
		put_varint(&rec, r->secs[i]);
	for (size_t i = 0; i < r->nsurf; i++)
		put_varint(&rec, file_surface(wf, m, w, r->surf[i]));
	hfile_put_u64(&wf->recs, key[0]);
	hfile_put_u64(&wf->recs, key[1]);
	hfile_put_u32(&wf->recs, (uint32_t)rec.len);
	buf_put(&wf->recs, rec.s ? rec.s : "", rec.len);
	wf->nrecs++;
	buf_free(&rec);
}

/* Write group k's file from its pages (the marks of `m` it used are cleared again). */
static void write_group(scache_t *c, size_t k, const search_doc_t *docs, uint64_t (*keys)[2], const docres_t *res,
			size_t ndocs, const worker_t *workers, wmap_t *m)
{
	wfile_t wf;
	memset(&wf, 0, sizeof wf);
	for (size_t i = 0; i < ndocs; i++)
		if (docs[i].group == k)
			put_record(&wf, m, &workers[res[i].worker], keys[i], &res[i]);
	for (size_t i = 0; i < wf.nused_stems; i += 2)
		m[wf.used_stems[i]].stem[wf.used_stems[i + 1]] = UINT32_MAX;
	for (size_t i = 0; i < wf.nused_surfs; i += 2)
		m[wf.used_surfs[i]].surf[wf.used_surfs[i + 1]] = UINT32_MAX;
	buf_t b = BUF_INIT;
	buf_put(&b, SC_MAGIC, 8);
	hfile_put_u32(&b, SC_VERSION);
	hfile_put_u32(&b, 0);
	hfile_put_u64(&b, 0); /* the payload's length: hfile_seal */
	hfile_put_u64(&b, c->binary_id);
	hfile_put_u64(&b, c->stemmer_id);
	hfile_put_u32(&b, wf.nstems);
	buf_put(&b, wf.stems.s ? wf.stems.s : "", wf.stems.len);
	hfile_put_u32(&b, wf.nsurfs);
	buf_put(&b, wf.surfs.s ? wf.surfs.s : "", wf.surfs.len);
	hfile_put_u32(&b, wf.nrecs);
	buf_put(&b, wf.recs.s ? wf.recs.s : "", wf.recs.len);
	hfile_seal(&b, 16, SC_HDR);
	hfile_replace(c->files[k].path, b.s, b.len); /* a file that cannot be written: tokenized next time */
	buf_free(&b);
	buf_free(&wf.stems);
	buf_free(&wf.surfs);
	buf_free(&wf.recs);
	free(wf.used_stems);
	free(wf.used_surfs);
}

uint64_t scache_stemmer_id(const scache_t *c)
{
	return c->stemmer_id;
}

void scache_save(scache_t *c, const search_doc_t *docs, uint64_t (*keys)[2], const docres_t *res, size_t ndocs,
		 const worker_t *workers, size_t nworkers, const unsigned char *skip, const atomic_int *stop)
{
	size_t *pages = xcalloc(c->nfiles ? c->nfiles : 1, sizeof *pages);
	size_t *kept = xcalloc(c->nfiles ? c->nfiles : 1, sizeof *kept);
	for (size_t i = 0; i < ndocs; i++) {
		if (docs[i].group >= c->nfiles)
			continue;
		pages[docs[i].group]++;
		kept[docs[i].group] += res[i].from == (int32_t)docs[i].group;
	}
	wmap_t m[MAX_THREADS];
	for (size_t i = 0; i < nworkers; i++) {
		m[i].stem = xmalloc((workers[i].nterms ? workers[i].nterms : 1) * sizeof(uint32_t));
		memset(m[i].stem, 0xFF, workers[i].nterms * sizeof(uint32_t));
		m[i].surf = xmalloc((workers[i].nsurfs ? workers[i].nsurfs : 1) * sizeof(uint32_t));
		memset(m[i].surf, 0xFF, workers[i].nsurfs * sizeof(uint32_t));
	}
	for (size_t k = 0; k < c->nfiles; k++) {
		if (stop && atomic_load(stop))
			break;
		const sfile_t *f = &c->files[k];
		if (skip && skip[k])
			continue; /* its pages were not read: its share (searchpart.h) was kept */
		if (f->usable && kept[k] == pages[k] && f->nrecs == pages[k])
			continue; /* the file holds exactly these pages */
		if (!pages[k]) {
			unlink(f->path); /* none there: nothing done */
			continue;
		}
		write_group(c, k, docs, keys, res, ndocs, workers, m);
	}
	for (size_t i = 0; i < nworkers; i++) {
		free(m[i].stem);
		free(m[i].surf);
	}
	free(pages);
	free(kept);
}
