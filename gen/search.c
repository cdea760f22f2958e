/* search.c - build and write the sharded search index (see search.h). */
#include "search.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "buf.h"
#include "fsutil.h"
#include "json.h"
#include "map.h"
#include "pathres.h"
#include "searchpriv.h"

/* ------------------------------------------------------------------ tuning */

/* title and alerts: share added to the saturated part (at most k1 + 1);
 * headings, tags, body: BM25F weights */
static const double field_weight[NF] = {2.0, 1.6, 4.0, 2.0, 1.0};
static const double field_b[NF] = {0.3, 0.2, 0.5, 0.3, 0.75};
#define BM25_K1 1.2

#define SHARD_TARGET_BYTES 8000   /* raw bytes of a term shard before it is cut */
#define META_CHUNK_PAGES 4        /* pages per metadata chunk */
#define EXCERPT_BYTES 160         /* section excerpt length in the metadata */
#define BODY_SECTIONS 4           /* body-section references kept per (term, page) */
#define COMMON_BODY_SECTIONS 1    /* the same for a term on more than 1/8 of the pages */

static const char *const status_names[] = {"fresh", "due", "stale", "uncommitted", "unknown"};
#define NSTATUS 5

/* ------------------------------------------------------------------ phase 2: postings */

typedef struct {
	const char *s;
	uint32_t len;
	uint32_t df, tdf, adf; /* pages with the term; with it in the title; in the alerts */
	uint32_t last_page;
	double idf, tidf, aidf;
	size_t bytes;          /* size of the postings blob (count varint included) */
	unsigned char *post;   /* the blob, in the shared postings block */
	size_t fill;           /* bytes of it written */
} gterm_t;

/* Body sections kept per (term, page): fewer for a term on more than 1/8 of
 * the pages (its sections only pick where a result jumps to). */
static uint32_t body_max_of(uint32_t df, size_t ndocs)
{
	return df > ndocs / 8 ? COMMON_BODY_SECTIONS : BODY_SECTIONS;
}

static double bm25_idf(size_t n, uint32_t df)
{
	return log(1.0 + ((double)n - df + 0.5) / (df + 0.5));
}

static int status_index(const char *s)
{
	if (s)
		for (int i = 0; i < NSTATUS; i++)
			if (strcmp(s, status_names[i]) == 0)
				return i;
	return 4;
}

static const char *nz(const char *s) { return s ? s : ""; }

/* The section references of one posting: every heading match and the first
 * `body_max` body matches, each a varint of (gap to the previous kept section
 * << 1 | in heading). Writes them at `o` (NULL: only measures), returns their
 * bytes and stores how many were kept in *kept. */
static size_t put_sections(unsigned char *o, const uint32_t *codes, uint32_t n, uint32_t body_max, uint32_t *kept)
{
	size_t sz = 0;
	uint32_t keep = 0, body = 0, last = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t code = codes[i];
		if (!(code & 1) && body++ >= body_max)
			continue;
		uint32_t idx = code >> 1;
		uint64_t v = (uint64_t)(keep++ == 0 ? idx : idx - last - 1) << 1 | (code & 1);
		last = idx;
		sz += o ? (size_t)(varint_to(o + sz, v) - (o + sz)) : varint_len(v);
	}
	*kept = keep;
	return sz;
}

static int cmp_bytes(const char *a, size_t al, const char *b, size_t bl)
{
	size_t n = al < bl ? al : bl;
	int c = memcmp(a, b, n);
	if (c)
		return c;
	return al < bl ? -1 : al > bl ? 1 : 0;
}

typedef struct {
	const char *s;
	uint32_t len, idx;
} termref_t;

static int cmp_termref(const void *a, const void *b)
{
	const termref_t *x = a, *y = b;
	return cmp_bytes(x->s, x->len, y->s, y->len);
}

static int cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* ------------------------------------------------------------------ output */

typedef struct {
	const char *root; /* OUT/search, for messages */
	const pub_t *out; /* OUT: the files are written through it as search/... */
	diag_list_t *d;
	uint64_t hash;
	size_t bytes;
	int failed;
} writer_t;

static void write_out(writer_t *wr, const char *rel, const void *data, size_t n)
{
	if (wr->failed)
		return;
	char *path = xasprintf("%s/%s", wr->root, rel);
	char *srel = xasprintf("search/%s", rel);
	int rc = pub_write(wr->out, srel, data, n);
	if (rc != 0) {
		diag_add(wr->d, DIAG_ERROR, rel, 0, 0, "search-index", "cannot write search index file %s: %s",
			 path, rc == -2 ? pr_strerror(PR_EUNSAFE) : strerror(errno));
		wr->failed = 1;
	}
	free(srel);
	wr->hash = map_hash_add(wr->hash, rel, strlen(rel) + 1);
	wr->hash = map_hash_add(wr->hash, data, n);
	wr->bytes += n;
	free(path);
}

/* Remove the files N.ext with N >= keep that an earlier build left in the folder `rel` of `out`. */
static void clean_dir(const pr_root_t *out, const char *rel, const char *ext, size_t keep)
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

#define EXCERPT_MAX (EXCERPT_BYTES + 48) /* room for an excerpt being cut */

/* Excerpt of `text` into `out` (EXCERPT_MAX bytes): whitespace collapsed, at
 * most EXCERPT_BYTES, cut at a space (then "…"). Returns its length and
 * stores in *used how many bytes of `text` it read. */
static size_t excerpt_used(char *out, const char *text, size_t *used)
{
	size_t len = 0;
	int space = 0;
	const char *p = nz(text);
	for (; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
			space = len > 0;
			continue;
		}
		if (space) {
			if (len >= EXCERPT_BYTES)
				break;
			out[len++] = ' ';
			space = 0;
		}
		out[len++] = (char)c;
		if (len > EXCERPT_BYTES + 40) {
			p++;
			break;
		}
	}
	*used = (size_t)(p - nz(text));
	if (len > EXCERPT_BYTES) {
		size_t cut = EXCERPT_BYTES;
		while (cut > 0 && out[cut] != ' ')
			cut--;
		if (cut < EXCERPT_BYTES / 2) { /* no space nearby: cut at a UTF-8 boundary */
			cut = EXCERPT_BYTES;
			while (cut > 0 && ((unsigned char)out[cut] & 0xC0) == 0x80)
				cut--;
		}
		memcpy(out + cut, "\xE2\x80\xA6", 3);
		len = cut + 3;
	}
	return len;
}

static size_t excerpt(char *out, const char *text)
{
	size_t used;
	return excerpt_used(out, text, &used);
}

size_t search_excerpt_source_len(const char *text)
{
	char ex[EXCERPT_MAX];
	size_t used;
	excerpt_used(ex, text, &used);
	return used;
}

/* `s` as a JSON string, as json_stringn() writes it (json.h). */
static void put_json_str(buf_t *b, const char *s, size_t n)
{
	buf_putc(b, '"');
	json_escape(b, s, n);
	buf_putc(b, '"');
}

static void put_json_cstr(buf_t *b, const char *s)
{
	s = nz(s);
	put_json_str(b, s, strlen(s));
}

/* Index of `s` in the sorted unique list `names` (n entries). */
static size_t name_index(char **names, size_t n, const char *s)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(names[mid], s);
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static size_t sorted_unique(char **v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_cstr);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (k == 0 || strcmp(v[k - 1], v[i]) != 0)
			v[k++] = v[i];
	return k;
}

/* The metadata chunks m/I.json (see search.h), written like json.c's
 * compact writer would. */
static void write_meta(writer_t *wr, const search_doc_t *docs, size_t ndocs, size_t *nchunks_out)
{
	buf_t b = BUF_INIT;
	char ex[EXCERPT_MAX];
	size_t nchunks = (ndocs + META_CHUNK_PAGES - 1) / META_CHUNK_PAGES;
	for (size_t c = 0; c < nchunks && !pub_interrupted(); c++) { /* Ctrl-C: the site is not committed */
		buf_clear(&b);
		buf_putc(&b, '[');
		for (size_t p = c * META_CHUNK_PAGES; p < ndocs && p < (c + 1) * META_CHUNK_PAGES; p++) {
			const search_doc_t *doc = &docs[p];
			if (p > c * META_CHUNK_PAGES)
				buf_putc(&b, ',');
			buf_putc(&b, '[');
			char *url = fsu_url_escape(doc->url); /* a file named "a b#c.md": a URL, not a path */
			put_json_cstr(&b, url);
			free(url);
			buf_putc(&b, ',');
			put_json_cstr(&b, doc->title);
			buf_putc(&b, ',');
			put_json_cstr(&b, doc->type);
			buf_putc(&b, ',');
			put_json_cstr(&b, doc->owner);
			buf_putc(&b, ',');
			put_json_cstr(&b, status_names[status_index(doc->status)]);
			buf_put(&b, ",[", 2);
			for (size_t s = 0; s < doc->nsections; s++) {
				if (s)
					buf_putc(&b, ',');
				put_json_cstr(&b, doc->sections[s].anchor);
				buf_putc(&b, ',');
				put_json_cstr(&b, doc->sections[s].heading);
				buf_putc(&b, ',');
				put_json_str(&b, ex, excerpt(ex, doc->sections[s].text));
			}
			buf_put(&b, "],", 2);
			put_json_cstr(&b, doc->trail);
			buf_putc(&b, ']');
		}
		buf_putc(&b, ']');
		char rel[64];
		snprintf(rel, sizeof(rel), "m/%zu.json", c);
		write_out(wr, rel, b.s, b.len);
	}
	*nchunks_out = nchunks;
	buf_free(&b);
}

/* Shortest prefix of `s` (whole code points) that sorts after `prev`. */
static size_t separator_len(const char *prev, size_t pl, const char *s, size_t sl)
{
	size_t n = 0;
	while (n < sl) {
		n++;
		while (n < sl && ((unsigned char)s[n] & 0xC0) == 0x80)
			n++;
		if (cmp_bytes(s, n, prev, pl) > 0)
			return n;
	}
	return sl;
}

/* Metadata chunks and facets: they depend on the pages only, so they are
 * written on their own thread while the postings are built. */
typedef struct {
	writer_t wr;
	const search_doc_t *docs;
	size_t ndocs;
	size_t nchunks;
	char **types, **owners; /* sorted unique names (borrowed strings) */
	size_t ntypes, nowners;
} meta_job_t;

static void *meta_main(void *arg)
{
	meta_job_t *m = arg;
	const search_doc_t *docs = m->docs;
	size_t ndocs = m->ndocs;
	write_meta(&m->wr, docs, ndocs, &m->nchunks);
	m->types = xmalloc((ndocs ? ndocs : 1) * sizeof(*m->types));
	m->owners = xmalloc((ndocs ? ndocs : 1) * sizeof(*m->owners));
	for (size_t p = 0; p < ndocs; p++) {
		m->types[p] = (char *)nz(docs[p].type);
		m->owners[p] = (char *)nz(docs[p].owner);
	}
	m->ntypes = sorted_unique(m->types, ndocs);
	m->nowners = sorted_unique(m->owners, ndocs);
	buf_t b = BUF_INIT;
	json_writer_t j;
	json_init(&j, &b, 0);
	json_begin_object(&j);
	json_key(&j, "t");
	json_begin_array(&j);
	for (size_t p = 0; p < ndocs; p++)
		json_int(&j, (long long)name_index(m->types, m->ntypes, nz(docs[p].type)));
	json_end_array(&j);
	json_key(&j, "o");
	json_begin_array(&j);
	for (size_t p = 0; p < ndocs; p++)
		json_int(&j, (long long)name_index(m->owners, m->nowners, nz(docs[p].owner)));
	json_end_array(&j);
	json_key(&j, "s");
	json_begin_array(&j);
	for (size_t p = 0; p < ndocs; p++)
		json_int(&j, status_index(docs[p].status));
	json_end_array(&j);
	json_end_object(&j);
	write_out(&m->wr, "facets.json", b.s, b.len);
	buf_free(&b);
	return NULL;
}


int search_write_prepared(search_prep_t *sp, search_stats_t *stats, const search_doc_t *docs, size_t ndocs,
			  const char *out_dir, diag_list_t *d)
{
	pub_t site;
	if (pub_open_dir(&site, out_dir) != 0) {
		diag_add(d, DIAG_ERROR, "", 0, 0, "search-index", "cannot open the output folder %s: %s", out_dir,
			 strerror(errno));
		search_prep_free(sp);
		return -1;
	}
	int rc = search_write_site(sp, stats, docs, ndocs, &site, d);
	pub_abort(&site);
	return rc;
}

int search_write_site(search_prep_t *sp, search_stats_t *stats, const search_doc_t *docs, size_t ndocs,
		      const pub_t *site, diag_list_t *d)
{
	int rc = -1;
	size_t nthreads = sp->nthreads;
	worker_t *workers = sp->workers;
	docres_t *res = sp->res;
	uint8_t *page_status = NULL;
	double scale = 1.0;
	gterm_t *gt = NULL;
	unsigned char *postblock = NULL;
	termref_t *order = NULL;
	char **vocab = NULL;
	size_t nvocab = 0;
	meta_job_t meta;
	pthread_t meta_tid;
	int meta_started = 0;
	smem_map_t gmap = {0};
	smem_arena_t garena = {0};
	buf_t b = BUF_INIT, shard = BUF_INIT, keys = BUF_INIT, vk = BUF_INIT;
	size_t npost = 0, ngt = 0, cgt = 0, nshards = 0, nvshards = 0;
	size_t nchunks = 0;
	writer_t wr = {0};
	wr.d = d;
	wr.hash = MAP_HASH_SEED;
	char *root = xasprintf("%s/search", site->tmp);
	wr.root = root;
	wr.out = site;
	const pr_root_t *out = site->root;

	memset(&meta, 0, sizeof(meta));
	if (sp->ndocs != ndocs) { /* a caller's mistake: not the prepared pages */
		diag_add(d, DIAG_ERROR, "", 0, 0, "search-index", "internal error: %zu pages prepared, %zu given",
			 sp->ndocs, ndocs);
		goto out;
	}
	if (sp->stopped) { /* a caller's mistake: it gave up on this index */
		diag_add(d, DIAG_ERROR, "", 0, 0, "search-index", "internal error: the index was not fully prepared");
		goto out;
	}
	if (sp->no_stemmer) {
		diag_add(d, DIAG_ERROR, "", 0, 0, "search-index",
			 "libstemmer has no English stemmer; search index not written");
		goto out;
	}
	for (size_t i = 0; i < nthreads; i++)
		if (workers[i].oom) {
			diag_add(d, DIAG_WARNING, "", 0, 0, "search-index",
				 "the stemmer ran out of memory; some words are indexed unstemmed");
			break;
		}

	/* field length averages */
	double avg[NF] = {0};
	for (size_t p = 0; p < ndocs; p++)
		for (int f = 0; f < NF; f++)
			avg[f] += res[p].flen[f];
	for (int f = 0; f < NF; f++)
		avg[f] = ndocs && avg[f] > 0 ? avg[f] / (double)ndocs : 1.0;

	/* output folders, then the metadata job */
	{
		const char *subs[] = {"t", "v", "m"};
		for (int i = 0; i < 3; i++) {
			char *p = xasprintf("search/%s", subs[i]);
			int mrc = pr_mkdirs(out, p);
			if (mrc != 0) {
				diag_add(d, DIAG_ERROR, "", 0, 0, "search-index", "cannot create folder %s/%s: %s", root,
					 subs[i], pr_strerror(mrc));
				free(p);
				goto out;
			}
			free(p);
		}
	}
	meta.wr.root = root;
	meta.wr.out = site;
	meta.wr.d = d;
	meta.wr.hash = MAP_HASH_SEED;
	meta.docs = docs;
	meta.ndocs = ndocs;
	if (nthreads > 1 && pthread_create(&meta_tid, NULL, meta_main, &meta) == 0)
		meta_started = 1;

	/* phase 2: global term ids and document frequencies, from the
	 * workers' stems (each counted its own pages) */
	for (size_t i = 0; i < nthreads; i++)
		cgt += workers[i].stems.len;
	gt = cgt * sizeof(*gt) >= SMEM_HUGE_MIN ? smem_huge_alloc((cgt * sizeof(*gt) + SMEM_HUGE_BYTES - 1) / SMEM_HUGE_BYTES * SMEM_HUGE_BYTES)
					    : xmalloc((cgt ? cgt : 1) * sizeof(*gt));
	for (size_t i = 0; i < nthreads; i++) {
		smem_map_t *m = &workers[i].stems;
		for (size_t j = 0; j < m->cap; j++) {
			sterm_t *st = m->slots[j].key ? m->slots[j].val : NULL;
			if (!st || st->df == 0)
				continue;
			int added;
			smem_slot_t *s = smem_upsert(&gmap, &garena, st->s, st->len, &added);
			if (added) {
				memset(&gt[ngt], 0, sizeof(gt[ngt]));
				gt[ngt].s = s->key;
				gt[ngt].len = s->len;
				s->val = (void *)(uintptr_t)ngt;
				ngt++;
			}
			st->gid = (uint32_t)(uintptr_t)s->val;
			gt[st->gid].df += st->df;
			gt[st->gid].tdf += st->tdf;
			gt[st->gid].adf += st->adf;
		}
	}
	for (size_t p = 0; p < ndocs; p++)
		npost += res[p].nterms;
	for (size_t t = 0; t < ngt; t++) {
		gt[t].idf = bm25_idf(ndocs, gt[t].df);
		gt[t].tidf = bm25_idf(ndocs, gt[t].tdf);
		gt[t].aidf = bm25_idf(ndocs, gt[t].adf);
	}

	/* phase 3: impacts (the largest sets the scale; each is kept in its
	 * rterm), then the postings, encoded in page order straight into each
	 * term's buffer */
	_Static_assert(sizeof(((rterm_t *)0)->tf) >= sizeof(double), "an impact fits in tf");
	_Static_assert(sizeof(rterm_t) <= 16, "rterm_t stays compact");
	page_status = xmalloc((ndocs ? ndocs : 1) * sizeof(*page_status));
	for (size_t p = 0; p < ndocs; p++)
		page_status[p] = (uint8_t)status_index(docs[p].status);
	double maximp = 0;
	for (size_t p = 0; p < ndocs; p++) {
		if ((p & 1023) == 0 && pub_interrupted())
			goto out; /* Ctrl-C: the site is not committed (rc stays -1) */
		docres_t *r = &res[p];
		double norm[NF];
		for (int f = 0; f < NF; f++)
			norm[f] = 1.0 - field_b[f] + field_b[f] * (double)r->flen[f] / avg[f];
		size_t sec_first = 0;
		for (size_t k = 0; k < r->nterms; k++) {
			rterm_t *t = &r->terms[k];
			t->id = workers[r->worker].terms[t->id]->gid;
			gterm_t *g = &gt[t->id];
			/* BM25F over headings, tags and body; a match in the title
			 * or the alerts adds a share outside the saturation, with
			 * that field's own idf */
			double x = 0;
			for (int f = F_HEADINGS; f < NF; f++)
				if (t->tf[f])
					x += field_weight[f] * t->tf[f] / norm[f];
			double imp = g->idf * x * (BM25_K1 + 1.0) / (x + BM25_K1);
			if (t->tf[F_TITLE])
				imp += g->tidf * field_weight[F_TITLE] / norm[F_TITLE];
			if (t->tf[F_ALERTS])
				imp += g->aidf * field_weight[F_ALERTS] / norm[F_ALERTS];
			if (imp > maximp)
				maximp = imp;
			memcpy(t->tf, &imp, sizeof(imp));
			/* the size of its encoded posting (see below) */
			uint32_t keep;
			size_t nsec = t->nsec_alert >> 1;
			size_t sz = put_sections(NULL, r->secs + sec_first, nsec, body_max_of(g->df, ndocs), &keep);
			sec_first += nsec;
			sz += varint_len((uint32_t)p - g->last_page) + 1 + varint_len((uint64_t)keep << 4 | 0xF);
			g->last_page = (uint32_t)p;
			g->bytes += sz;
		}
	}
	scale = maximp > 0 ? maximp : 1.0;
	/* one block for all postings blobs, each starting with its page count */
	{
		size_t total = 0;
		for (size_t t = 0; t < ngt; t++) {
			gt[t].bytes += varint_len(gt[t].df);
			total += gt[t].bytes;
		}
		postblock = total >= SMEM_HUGE_MIN ? smem_huge_alloc((total + SMEM_HUGE_BYTES - 1) / SMEM_HUGE_BYTES * SMEM_HUGE_BYTES)
						 : xmalloc(total ? total : 1);
		unsigned char *o = postblock;
		for (size_t t = 0; t < ngt; t++) {
			gt[t].post = o;
			gt[t].fill = (size_t)(varint_to(o, gt[t].df) - o);
			gt[t].last_page = 0;
			o += gt[t].bytes;
		}
	}
	for (size_t p = 0; p < ndocs; p++) {
		if ((p & 1023) == 0 && pub_interrupted())
			goto out;
		docres_t *r = &res[p];
		size_t sec_first = 0;
		for (size_t k = 0; k < r->nterms; k++) {
			rterm_t *t = &r->terms[k];
			gterm_t *g = &gt[t->id];
			double imp;
			memcpy(&imp, t->tf, sizeof(imp));
			/* square-root quantization: finer steps for small impacts */
			long v = lround(sqrt(imp / scale) * 255.0);
			unsigned char q = (unsigned char)(v < 1 ? 1 : v > 255 ? 255 : v);
			int alert = (t->nsec_alert & DT_ALERT) != 0;
			size_t nsec = t->nsec_alert >> 1;
			const uint32_t *codes = r->secs + sec_first;
			sec_first += nsec;
			uint32_t body_max = body_max_of(g->df, ndocs), keep;
			put_sections(NULL, codes, nsec, body_max, &keep);
			unsigned char *o = g->post + g->fill;
			o = varint_to(o, (uint32_t)p - g->last_page);
			g->last_page = (uint32_t)p;
			*o++ = q;
			o = varint_to(o, ((uint64_t)keep << 4) | (uint64_t)alert << 3 | page_status[p]);
			o += put_sections(o, codes, nsec, body_max, &keep);
			g->fill = (size_t)(o - g->post);
		}
	}

	/* term shards */
	order = xmalloc((ngt ? ngt : 1) * sizeof(*order));
	for (size_t i = 0; i < ngt; i++) {
		order[i].s = gt[i].s;
		order[i].len = gt[i].len;
		order[i].idx = (uint32_t)i;
	}
	qsort(order, ngt, sizeof(*order), cmp_termref);
	{
		json_writer_t kj;
		json_init(&kj, &keys, 0);
		json_begin_array(&kj);
		size_t in_shard = 0;
		const gterm_t *prev = NULL;
		/* the shard's terms go after VARINT_MAX bytes kept for its term count */
		buf_grow(&shard, SHARD_TARGET_BYTES * 2);
		shard.len = VARINT_MAX;
		for (size_t oi = 0; oi <= ngt; oi++) {
			if ((oi & 4095) == 0 && pub_interrupted())
				goto out;
			gterm_t *g = oi < ngt ? &gt[order[oi].idx] : NULL;
			if (in_shard && (!g || shard.len - VARINT_MAX >= SHARD_TARGET_BYTES)) {
				unsigned char cnt[VARINT_MAX];
				size_t cl = (size_t)(varint_to(cnt, in_shard) - cnt);
				char *start = shard.s + VARINT_MAX - cl;
				memcpy(start, cnt, cl);
				char rel[64];
				snprintf(rel, sizeof(rel), "t/%zu.bin", nshards);
				write_out(&wr, rel, start, shard.len - VARINT_MAX + cl);
				shard.len = VARINT_MAX;
				nshards++;
				in_shard = 0;
			}
			if (!g)
				break;
			size_t shared = 0;
			if (in_shard == 0) {
				size_t kl = prev ? separator_len(prev->s, prev->len, g->s, g->len) : 0;
				json_stringn(&kj, g->s, kl);
			} else {
				while (shared < prev->len && shared < g->len && prev->s[shared] == g->s[shared])
					shared++;
			}
			buf_grow(&shard, 3 * VARINT_MAX + (g->len - shared) + g->fill);
			unsigned char *o = (unsigned char *)shard.s + shard.len;
			o = varint_to(o, shared);
			o = varint_to(o, g->len - shared);
			memcpy(o, g->s + shared, g->len - shared);
			o += g->len - shared;
			o = varint_to(o, g->fill);
			memcpy(o, g->post, g->fill);
			o += g->fill;
			shard.len = (size_t)((char *)o - shard.s);
			in_shard++;
			prev = g;
		}
		json_end_array(&kj);
	}

	/* vocabulary: surface words of all workers, by first character */
	{
		size_t cap = 0;
		for (size_t i = 0; i < nthreads; i++)
			cap += workers[i].surface.len;
		vocab = xmalloc((cap ? cap : 1) * sizeof(*vocab));
		for (size_t i = 0; i < nthreads; i++) {
			smem_map_t *m = &workers[i].surface;
			for (size_t j = 0; j < m->cap; j++) {
				if (!m->slots[j].key)
					continue;
				const char *w = m->slots[j].key;
				/* words with digits or joiners (host names, versions,
				 * identifiers) are left out: their parts are in */
				int plain = 1;
				for (const char *c = w; *c; c++)
					if ((*c >= '0' && *c <= '9') || *c == '-' || *c == '_' || *c == '.')
						plain = 0;
				if (plain)
					vocab[nvocab++] = (char *)w;
			}
		}
		nvocab = sorted_unique(vocab, nvocab);
		json_writer_t vj;
		json_init(&vj, &vk, 0);
		json_begin_array(&vj);
		size_t i = 0;
		while (i < nvocab) {
			size_t fl = 1;
			while (vocab[i][fl] && ((unsigned char)vocab[i][fl] & 0xC0) == 0x80)
				fl++;
			buf_clear(&b);
			size_t j = i;
			while (j < nvocab && strncmp(vocab[j], vocab[i], fl) == 0 &&
			       !(vocab[j][fl] && ((unsigned char)vocab[j][fl] & 0xC0) == 0x80)) {
				buf_puts(&b, vocab[j]);
				buf_putc(&b, '\n');
				j++;
			}
			json_stringn(&vj, vocab[i], fl);
			char rel[64];
			snprintf(rel, sizeof(rel), "v/%zu.txt", nvshards++);
			write_out(&wr, rel, b.s, b.len);
			i = j;
		}
		json_end_array(&vj);
	}

	/* metadata and facets, written meanwhile by the job */
	if (meta_started)
		pthread_join(meta_tid, NULL);
	else
		meta_main(&meta);
	meta_started = 0;
	nchunks = meta.nchunks;
	wr.hash = map_hash_add(wr.hash, &meta.wr.hash, sizeof(meta.wr.hash));
	wr.bytes += meta.wr.bytes;
	if (meta.wr.failed)
		wr.failed = 1;

	/* files of an earlier, larger index */
	{
		clean_dir(out, "search/t", ".bin", nshards);
		clean_dir(out, "search/v", ".txt", nvshards);
		clean_dir(out, "search/m", ".json", nchunks);
	}

	/* manifest, last: it names the content hash */
	{
		json_writer_t j;
		buf_clear(&b);
		json_init(&j, &b, 0);
		json_begin_object(&j);
		json_key(&j, "v");
		json_int(&j, 1);
		json_key(&j, "n");
		json_int(&j, (long long)ndocs);
		json_key(&j, "c");
		json_int(&j, META_CHUNK_PAGES);
		char hex[17];
		snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)wr.hash);
		json_key(&j, "h");
		json_string(&j, hex);
		json_key(&j, "scale");
		json_double(&j, scale);
		json_key(&j, "types");
		json_begin_array(&j);
		for (size_t i = 0; i < meta.ntypes; i++)
			json_string(&j, meta.types[i]);
		json_end_array(&j);
		json_key(&j, "owners");
		json_begin_array(&j);
		for (size_t i = 0; i < meta.nowners; i++)
			json_string(&j, meta.owners[i]);
		json_end_array(&j);
		json_key(&j, "status");
		json_begin_array(&j);
		for (int i = 0; i < NSTATUS; i++)
			json_string(&j, status_names[i]);
		json_end_array(&j);
		json_end_object(&j);
		/* keys go in raw (already JSON arrays) */
		b.len--; /* drop '}' */
		buf_puts(&b, ",\"vk\":");
		buf_put(&b, vk.s, vk.len);
		buf_puts(&b, ",\"k\":");
		buf_put(&b, keys.s, keys.len);
		buf_puts(&b, "}\n");
		write_out(&wr, "manifest.json", b.s, b.len);
	}
	if (!wr.failed)
		rc = 0;
	if (stats) {
		stats->terms = ngt;
		stats->postings = npost;
		stats->term_shards = nshards;
		stats->vocab_words = nvocab;
		stats->meta_chunks = nchunks;
		stats->bytes = wr.bytes;
	}
out:
	search_prep_free(sp);
	free(postblock);
	free(page_status);
	free(gt);
	free(order);
	free(vocab);
	if (meta_started)
		pthread_join(meta_tid, NULL);
	free(meta.types);
	free(meta.owners);
	smem_map_free(&gmap);
	smem_arena_free(&garena);
	buf_free(&b);
	buf_free(&shard);
	buf_free(&keys);
	buf_free(&vk);
	free(root);
	return rc;
}

int search_write_index(const search_doc_t *docs, size_t ndocs, const char *out_dir, diag_list_t *d)
{
	return search_write_prepared(search_prepare(docs, ndocs, 0, NULL), NULL, docs, ndocs, out_dir, d);
}
