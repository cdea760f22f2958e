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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <xxhash.h>

#include "buf.h"
#include "fsutil.h"
#include "json.h"
#include "map.h"
#include "pathres.h"
#include "searchfiles.h"
#include "searchpart.h"
#include "searchpriv.h"

/* ------------------------------------------------------------------ tuning */

/* title and alerts: share added to the saturated part (at most k1 + 1);
 * headings, tags, body: BM25F weights */
static const double field_weight[NF] = {2.0, 1.6, 4.0, 2.0, 1.0};
static const double field_b[NF] = {0.3, 0.2, 0.5, 0.3, 0.75};
#define BM25_K1 1.2

#define SHARD_TARGET_BYTES 8000   /* raw bytes of a term shard before it is cut */


/* ------------------------------------------------------------------ phase 2: postings */

typedef struct {
	const char *s;
	uint32_t len;
	uint32_t df, tdf, adf; /* pages with the term; with it in the title; in the alerts */
	uint32_t last_page;    /* while merging: its shares */
	double idf, tidf, aidf;
	double bound;          /* above each of its impacts */
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


static atomic_llong search_cpu_ns;

void search_cpu_note_thread(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0)
		atomic_fetch_add(&search_cpu_ns, (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
}

double search_cpu_ms(void)
{
	return (double)atomic_load(&search_cpu_ns) / 1e6;
}

static void put_varint(buf_t *b, uint64_t v)
{
	buf_grow(b, VARINT_MAX);
	b->len = (size_t)((char *)varint_to((unsigned char *)b->s + b->len, v) - b->s);
}

int search_cmp_bytes(const char *a, size_t al, const char *b, size_t bl)
{
	size_t n = al < bl ? al : bl;
	int c = memcmp(a, b, n);
	if (c)
		return c;
	return al < bl ? -1 : al > bl ? 1 : 0;
}

/* Shortest prefix of `s` (whole code points) that sorts after `prev`. */
static size_t separator_len(const char *prev, size_t pl, const char *s, size_t sl)
{
	size_t n = 0;
	while (n < sl) {
		n++;
		while (n < sl && ((unsigned char)s[n] & 0xC0) == 0x80)
			n++;
		if (search_cmp_bytes(s, n, prev, pl) > 0)
			return n;
	}
	return sl;
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

/* A stem's postings in one share (searchpart.h), with the site's numbers of its first and last page. */
typedef struct {
	uint32_t term, part;
	uint32_t first, last;
	uint32_t df;
	const unsigned char *p, *e;
} seg_t;

/* One posting of a share, read (see searchpart.h). */
typedef struct {
	uint32_t delta;
	uint32_t tf[NF];
	uint32_t nsec_alert;
	const unsigned char *codes, *codes_end; /* nsec_alert >> 1 varints */
} posting_t;

static const unsigned char *read_posting(const unsigned char *p, const unsigned char *e, posting_t *o, int *bad)
{
	o->delta = spart_varint(&p, e, bad);
	unsigned mask = p < e ? *p++ : (*bad = 1, 0u);
	*bad |= mask >> NF != 0;
	for (int f = 0; f < NF; f++)
		o->tf[f] = mask >> f & 1 ? spart_varint(&p, e, bad) : 0;
	o->nsec_alert = spart_varint(&p, e, bad);
	o->codes = p;
	for (uint32_t i = o->nsec_alert >> 1; i > 0 && !*bad; i--)
		(void)spart_varint(&p, e, bad);
	o->codes_end = p;
	return *bad ? e : p;
}

/* Reading a stem's postings in one share, checked: each page within the share and after the one
 * before, as many as the stem's entry says, from its first page to its last. */
typedef struct {
	const unsigned char *p, *e;
	const uint32_t *gid;
	uint32_t np, local, n, first;
	int bad;
} segrd_t;

static void segrd_init(segrd_t *r, const seg_t *s, const spart_t *parts, uint32_t *const *gids)
{
	*r = (segrd_t){s->p, s->e, gids[s->part], parts[s->part].npages, 0, 0, 0, 0};
}

/* The next posting (*t) and its page's number in the site (*page): 1, or 0 at the end or a fault. */
static inline int segrd_next(segrd_t *r, posting_t *t, uint32_t *page)
{
	if (r->p >= r->e || r->bad)
		return 0;
	r->p = read_posting(r->p, r->e, t, &r->bad);
	if (r->bad || (r->n && !t->delta) || t->delta >= r->np - r->local) {
		r->bad = 1;
		return 0;
	}
	r->local += t->delta;
	*page = r->gid[r->local];
	if (r->n++ == 0)
		r->first = *page;
	return 1;
}

/* After segrd_next's last posting: whether the postings were whole and as the stem's entry says. */
static int segrd_ok(const segrd_t *r, const seg_t *s)
{
	return !r->bad && r->n == s->df && r->first == s->first && r->gid[r->local] == s->last;
}

/* A posting's impact (BM25F over headings, tags and body; a match in the title or the alerts adds a
 * share outside the saturation, with that field's own idf). */
static double impact(const gterm_t *g, const uint32_t *tf, const double *norm)
{
	double x = 0;
	for (int f = F_HEADINGS; f < NF; f++)
		if (tf[f])
			x += field_weight[f] * tf[f] / norm[f];
	double imp = g->idf * x * (BM25_K1 + 1.0) / (x + BM25_K1);
	if (tf[F_TITLE])
		imp += g->tidf * field_weight[F_TITLE] / norm[F_TITLE];
	if (tf[F_ALERTS])
		imp += g->aidf * field_weight[F_ALERTS] / norm[F_ALERTS];
	return imp;
}

/* The quantized impact (1-255): v = (long)(sqrt(imp / scale) * 255 + 0.5) clamped, lround for a
 * non-negative value (one below 0.5 that the sum rounds up to 1 gives 1 either way). v grows with imp
 * (each step is monotone), so it is found from the exact thresholds t[k], the smallest impact whose v
 * is at least k, starting from a guess by buckets of imp / scale: a multiplication and a comparison or
 * two per posting instead of a division and a square root, the same bytes. */
#define QBUCKETS 4096
typedef struct {
	double t[257];         /* t[k], k = 1..255; t[256] = infinity */
	double per_bucket;     /* QBUCKETS / scale */
	uint8_t guess[QBUCKETS + 1];
} quant_t;

static long quant_v(double imp, double scale)
{
	return (long)(sqrt(imp / scale) * 255.0 + 0.5);
}

static void quant_init(quant_t *qt, double scale)
{
	for (int k = 1; k <= 255; k++) {
		/* the smallest non-negative double with v >= k: positive doubles sort as their bits */
		uint64_t lo = 0, hi;
		memcpy(&hi, &scale, sizeof hi); /* v(scale) = 255 */
		while (lo < hi) {
			uint64_t mid = lo + (hi - lo) / 2;
			double x;
			memcpy(&x, &mid, sizeof x);
			if (quant_v(x, scale) >= k)
				hi = mid;
			else
				lo = mid + 1;
		}
		memcpy(&qt->t[k], &lo, sizeof lo);
	}
	qt->t[0] = 0;
	qt->t[256] = HUGE_VAL;
	qt->per_bucket = QBUCKETS / scale;
	for (int i = 0; i <= QBUCKETS; i++) {
		long v = quant_v(scale * i / QBUCKETS, scale);
		qt->guess[i] = (uint8_t)(v < 1 ? 1 : v > 255 ? 255 : v);
	}
}

static inline unsigned char quant(const quant_t *qt, double imp)
{
	double b = imp * qt->per_bucket;
	int i = b < 0 ? 0 : b >= QBUCKETS ? QBUCKETS : (int)b;
	int k = qt->guess[i];
	while (k > 1 && imp < qt->t[k])
		k--;
	while (k < 255 && imp >= qt->t[k + 1])
		k++;
	return (unsigned char)k;
}

/* Append to `blob` the posting `t` of page `page` (the previous one of its term: *last): the page delta,
 * the quantized impact `q`, the flags and the sections kept (room for them reserved by the caller). */
static void put_posting(buf_t *blob, const posting_t *t, uint32_t page, uint32_t *last, unsigned char q,
			uint32_t body_max, uint8_t status)
{
	uint32_t nsec = t->nsec_alert >> 1, keep = nsec, body = 0;
	const unsigned char *c = t->codes, *ce = t->codes_end; /* read already: well formed */
	int bad = 0;
	if (body_max < BODY_SECTIONS) { /* a share keeps BODY_SECTIONS body sections */
		keep = 0;
		for (uint32_t i = 0; i < nsec; i++) {
			uint32_t code = spart_varint(&c, ce, &bad);
			keep += (code & 1) || body++ < body_max;
		}
		c = t->codes;
		body = 0;
	}
	unsigned char *o = (unsigned char *)blob->s + blob->len;
	o = varint_to(o, page - *last);
	*last = page;
	*o++ = q;
	o = varint_to(o, (uint64_t)keep << 4 | (uint64_t)(t->nsec_alert & DT_ALERT) << 3 | status);
	uint32_t kept = 0, prev = 0;
	for (uint32_t i = 0; i < nsec; i++) {
		uint32_t code = spart_varint(&c, ce, &bad);
		if (!(code & 1) && body++ >= body_max)
			continue;
		uint32_t idx = code >> 1;
		o = varint_to(o, (uint64_t)(kept++ == 0 ? idx : idx - prev - 1) << 1 | (code & 1));
		prev = idx;
	}
	blob->len = (size_t)((char *)o - blob->s);
}

/* A share's stems being merged: its current one and where the next is. */
typedef struct {
	spart_term_t t;
	uint64_t pre; /* its first 8 bytes, big-endian, zero-padded: most comparisons need no more */
	const unsigned char *next, *end;
	uint32_t left, part;
} cursor_t;

static void cursor_pre(cursor_t *c)
{
	uint64_t v = 0;
	for (uint32_t i = 0; i < 8; i++)
		v = v << 8 | (i < c->t.len ? (unsigned char)c->t.s[i] : 0);
	c->pre = v;
}

static int cursor_less(const cursor_t *a, const cursor_t *b)
{
	if (a->pre != b->pre)
		return a->pre < b->pre;
	/* their first k bytes are the same (a shorter one's zero padding included: it is then a prefix of the
	 * other, or the same): most stems are not longer, the same stem of two shares needs no memcmp */
	uint32_t k = a->t.len < b->t.len ? a->t.len : b->t.len;
	if (k > 8)
		k = 8;
	int c = a->t.len == k || b->t.len == k ? (a->t.len > b->t.len) - (a->t.len < b->t.len)
					       : search_cmp_bytes(a->t.s + k, a->t.len - k, b->t.s + k, b->t.len - k);
	return c < 0 || (c == 0 && a->part < b->part);
}

static void sift_down(cursor_t *h, size_t n, size_t i)
{
	for (;;) {
		size_t m = i, l = 2 * i + 1, r = l + 1;
		if (l < n && cursor_less(&h[l], &h[m]))
			m = l;
		if (r < n && cursor_less(&h[r], &h[m]))
			m = r;
		if (m == i)
			return;
		cursor_t tmp = h[i];
		h[i] = h[m];
		h[m] = tmp;
		i = m;
	}
}

static int cmp_seg_first(const void *a, const void *b)
{
	const seg_t *x = a, *y = b;
	return x->first < y->first ? -1 : x->first > y->first;
}

typedef struct {
	uint32_t page;
	posting_t t;
} gposting_t;

#define PBATCH 32 /* postings read, then weighed, then written */

static int cmp_gposting(const void *a, const void *b)
{
	const gposting_t *x = a, *y = b;
	return x->page < y->page ? -1 : x->page > y->page;
}

/* What a stem's postings blob is made from, and scratch to make it. */
typedef struct {
	const gterm_t *gt;
	seg_t *tsegs;              /* gt[t]'s segments: tsegs[tseg_at[t] .. tseg_at[t + 1]) */
	const uint32_t *tseg_at;
	const spart_t *parts;
	uint32_t *const *gids;
	const double *norms;       /* NF per page */
	const quant_t *qt;
	const uint8_t *page_status;
	size_t ndocs;
	gposting_t *gpost;         /* scratch: the postings of a stem whose shares' pages interleave */
	size_t cgpost;
	gposting_t pb[PBATCH];
	double imps[PBATCH];
} blobber_t;

/* Append to `blob` stem `t`'s postings blob: its page count, then its postings in page order. 0, or -1
 * when a share's postings are damaged. */
static int term_blob(blobber_t *m, size_t t, buf_t *blob)
{
	const gterm_t *g = &m->gt[t];
	put_varint(blob, g->df);
	uint32_t body_max = body_max_of(g->df, m->ndocs), last = 0;
	seg_t *ts = m->tsegs + m->tseg_at[t];
	size_t nts = m->tseg_at[t + 1] - m->tseg_at[t];
	/* a posting written takes at most 5 bytes more than the share's (a page number's varint grows by 4
	 * at most, the flags' by 1, the counts go) */
	size_t room = 0;
	for (size_t k = 0; k < nts; k++)
		room += (size_t)(ts[k].e - ts[k].p) + 5 * (size_t)ts[k].df;
	buf_grow(blob, room + VARINT_MAX);
	qsort(ts, nts, sizeof *ts, cmp_seg_first);
	int apart = 1; /* the shares' pages do not interleave (sources under their own folders) */
	for (size_t k = 1; k < nts; k++)
		apart &= ts[k - 1].last < ts[k].first;
	if (apart) {
		for (size_t k = 0; k < nts; k++) {
			segrd_t rd;
			segrd_init(&rd, &ts[k], m->parts, m->gids);
			/* by batches: the impacts' divisions of several postings overlap */
			for (;;) {
				size_t nb = 0;
				while (nb < PBATCH && segrd_next(&rd, &m->pb[nb].t, &m->pb[nb].page))
					nb++;
				for (size_t i = 0; i < nb; i++)
					m->imps[i] = impact(g, m->pb[i].t.tf, m->norms + (size_t)m->pb[i].page * NF);
				for (size_t i = 0; i < nb; i++)
					put_posting(blob, &m->pb[i].t, m->pb[i].page, &last, quant(m->qt, m->imps[i]),
						    body_max, m->page_status[m->pb[i].page]);
				if (nb < PBATCH)
					break;
			}
			if (!segrd_ok(&rd, &ts[k]))
				return -1;
		}
		return 0;
	}
	if (g->df > m->cgpost) {
		m->cgpost = g->df;
		free(m->gpost);
		m->gpost = xmalloc(m->cgpost * sizeof *m->gpost);
	}
	gposting_t *gp = m->gpost;
	size_t ng = 0;
	for (size_t k = 0; k < nts; k++) {
		segrd_t rd;
		segrd_init(&rd, &ts[k], m->parts, m->gids);
		while (ng < m->cgpost && segrd_next(&rd, &gp[ng].t, &gp[ng].page))
			ng++;
		if (!segrd_ok(&rd, &ts[k]))
			return -1;
	}
	qsort(gp, ng, sizeof *gp, cmp_gposting);
	for (size_t k = 0; k < ng; k++)
		put_posting(blob, &gp[k].t, gp[k].page, &last,
			    quant(m->qt, impact(g, gp[k].t.tf, m->norms + (size_t)gp[k].page * NF)), body_max,
			    m->page_status[gp[k].page]);
	return 0;
}

/* An average field length on a grid of AVG_BITS significant bits (a relative step of 1/128 to 1/256):
 * an edit of a page or two of a large site does not move it, so neither do the impacts of the pages
 * that did not change (see term_keys). */
#define AVG_BITS 8
static double round_avg(double x)
{
	int e;
	double m = frexp(x, &e);
	return ldexp(round(ldexp(m, AVG_BITS)), e - AVG_BITS);
}

/* Bytes stem `a` shares at its start with stem `b` (what a term shard does not repeat). */
static size_t shared_len(const gterm_t *a, const gterm_t *b)
{
	size_t n = 0;
	while (n < a->len && n < b->len && a->s[n] == b->s[n])
		n++;
	return n;
}

/* A page's row in the record of the terms' inputs (searchfiles.h): its share, its number there, its
 * status, its field lengths. */
enum { ROW_GROUP, ROW_LOCAL, ROW_STATUS, ROW_FLEN, ROW_WIDTH = ROW_FLEN + NF };

/* Each stem's key (keys[t]): XXH3-128 of the site's numbers its impacts read (`site`: page count,
 * average field lengths, scale), its bytes, page counts (all, title, alerts) and, per share having it,
 * the share's number and the XXH3 of its postings there (`kb`: scratch). With the key, a blob depends
 * only on its pages' place, status and field lengths: term_changed checks those. */
static void term_keys(const gterm_t *gt, size_t ngt, const seg_t *tsegs, const uint32_t *tseg_at,
		      const uint64_t site[2], buf_t *kb, uint64_t (*keys)[2])
{
	for (size_t t = 0; t < ngt; t++) {
		const gterm_t *g = &gt[t];
		buf_clear(kb);
		uint32_t nums[4] = {g->len, g->df, g->tdf, g->adf};
		buf_put(kb, (const char *)site, 2 * sizeof *site);
		buf_put(kb, (const char *)nums, sizeof nums);
		buf_put(kb, g->s, g->len);
		for (uint32_t i = tseg_at[t]; i < tseg_at[t + 1]; i++) {
			uint64_t h[2] = {tsegs[i].part, XXH3_64bits(tsegs[i].p, (size_t)(tsegs[i].e - tsegs[i].p))};
			buf_put(kb, (const char *)h, sizeof h);
		}
		XXH128_hash_t k = XXH3_128bits(kb->s, kb->len);
		keys[t][0] = k.low64;
		keys[t][1] = k.high64;
	}
}

/* How page `p` differs from the last build's (rows `old`, this build's `now`, ROW_WIDTH each): 0 not,
 * 1 its status or field lengths only (its postings' bytes stay where they were), 2 its place. */
static int page_change(const uint32_t *now, const uint32_t *old, size_t p)
{
	now += p * ROW_WIDTH;
	old += p * ROW_WIDTH;
	if (now[ROW_GROUP] != old[ROW_GROUP] || now[ROW_LOCAL] != old[ROW_LOCAL])
		return 2;
	return memcmp(now + ROW_STATUS, old + ROW_STATUS, (ROW_WIDTH - ROW_STATUS) * sizeof *now) != 0;
}

/* A stem's posting on a page whose status or impact changed: the bytes it now has. */
typedef struct {
	uint32_t term, page;
	uint8_t q, status;
} fix_t;

typedef struct {
	fix_t *v;
	size_t n, cap;
} fixes_t;

static int cmp_fix(const void *a, const void *b)
{
	const fix_t *x = a, *y = b;
	if (x->term != y->term)
		return x->term < y->term ? -1 : 1;
	return x->page < y->page ? -1 : x->page > y->page;
}

/* The stems whose key the last build recorded (cls[t] 0) but with a posting on a page that changed
 * (`pchange`, page_change's): cls[t] becomes 2 when the page moved, else 1 when the posting's status or
 * quantized impact differs from what it was (the page's `old` row; the site's averages `avg`, the
 * last build's since the key is), with the posting's new bytes in *fixes (sorted by stem and page).
 * Reads the postings of the shares with such a page only. 0, or -1 when a share's postings are
 * damaged. */
static int term_changed(const blobber_t *m, size_t nseg, size_t nparts, const uint8_t *pchange,
			const uint32_t *old, const double *avg, uint8_t *cls, fixes_t *fixes)
{
	uint8_t *share = xcalloc(nparts ? nparts : 1, 1);
	int any = 0, rc = 0;
	for (size_t g = 0; g < nparts; g++)
		for (uint32_t i = 0; i < m->parts[g].npages; i++)
			if (pchange[m->gids[g][i]]) {
				share[g] = 1;
				any = 1;
				break;
			}
	for (size_t t = 0, i = 0; any && i < nseg; i++) {
		while (m->tseg_at[t + 1] <= i)
			t++;
		const seg_t *sg = &m->tsegs[i];
		if (!share[sg->part] || cls[t] == 2)
			continue;
		segrd_t rd;
		posting_t pt;
		uint32_t page;
		segrd_init(&rd, sg, m->parts, m->gids);
		while (cls[t] != 2 && segrd_next(&rd, &pt, &page)) {
			if (!pchange[page])
				continue;
			if (pchange[page] == 2) {
				cls[t] = 2;
				break;
			}
			const uint32_t *o = old + (size_t)page * ROW_WIDTH;
			double norm[NF];
			for (int f = 0; f < NF; f++)
				norm[f] = 1.0 - field_b[f] + field_b[f] * (double)o[ROW_FLEN + f] / avg[f];
			unsigned char q = quant(m->qt, impact(&m->gt[t], pt.tf, m->norms + (size_t)page * NF));
			if (q == quant(m->qt, impact(&m->gt[t], pt.tf, norm)) && m->page_status[page] == o[ROW_STATUS])
				continue;
			cls[t] = 1;
			GROW(fixes->v, fixes->n, fixes->cap);
			fixes->v[fixes->n++] = (fix_t){(uint32_t)t, page, q, m->page_status[page]};
		}
		if (cls[t] != 2 && !segrd_ok(&rd, sg)) {
			rc = -1;
			break;
		}
	}
	free(share);
	if (fixes->n)
		qsort(fixes->v, fixes->n, sizeof *fixes->v, cmp_fix);
	return rc;
}

/* Patch the last build's bytes of a term shard (`s`, `n` bytes; its stems first..end-1, the lengths of
 * their postings tlens[]) into this build's: for the stems of class 1 (`cls`), the postings in `fix`
 * (from *fi on, sorted; those of earlier stems skipped) get their quantized impact and status (a byte
 * each, the rest of the posting and so the lengths do not change). 1, or 0 when the bytes are not
 * those of these stems (then nothing is to be trusted). */
static int patch_shard(unsigned char *s, size_t n, const gterm_t *gt, size_t first, size_t end,
		       const uint32_t *tlens, const uint8_t *cls, const fixes_t *fix, size_t *fi)
{
	const unsigned char *p = s, *e = s + n;
	int bad = 0;
	if (spart_varint(&p, e, &bad) != end - first || bad)
		return 0;
	for (size_t t = first; t < end; t++) {
		uint32_t shared = spart_varint(&p, e, &bad), sl = spart_varint(&p, e, &bad);
		if (bad || shared + (size_t)sl != gt[t].len || (size_t)(e - p) < sl || memcmp(p, gt[t].s + shared, sl))
			return 0;
		p += sl;
		uint32_t bl = spart_varint(&p, e, &bad);
		if (bad || bl != tlens[t] || (size_t)(e - p) < bl)
			return 0;
		const unsigned char *be = p + bl;
		if (cls[t] != 1) {
			p = be;
			continue;
		}
		while (*fi < fix->n && fix->v[*fi].term < t)
			(*fi)++;
		uint32_t df = spart_varint(&p, be, &bad), page = 0;
		if (df != gt[t].df)
			return 0;
		for (uint32_t k = 0; k < df && !bad; k++) {
			page += spart_varint(&p, be, &bad);
			if (p >= be)
				return 0;
			unsigned char *q = (unsigned char *)p++, *flags = (unsigned char *)p;
			uint32_t keep = spart_varint(&p, be, &bad) >> 4;
			for (uint32_t j = 0; j < keep && !bad; j++)
				(void)spart_varint(&p, be, &bad);
			if (*fi < fix->n && fix->v[*fi].term == t && fix->v[*fi].page == page) {
				*q = fix->v[*fi].q;
				*flags = (unsigned char)((*flags & ~7u) | fix->v[*fi].status);
				(*fi)++;
			}
		}
		if (bad || p != be || (*fi < fix->n && fix->v[*fi].term == t))
			return 0;
	}
	return p == e;
}

int search_write_site(search_prep_t *sp, search_stats_t *stats, const search_doc_t *docs, size_t ndocs,
		      const pub_t *site, diag_list_t *d)
{
	int rc = -1;
	size_t nthreads = sp->nthreads;
	worker_t *workers = sp->workers;
	spart_t *parts = sp->parts;
	size_t nparts = sp->nparts;
	uint8_t *page_status = NULL;
	double scale = 1.0;
	gterm_t *gt = NULL;
	seg_t *tsegs = NULL;
	cursor_t *heap = NULL;
	quant_t *qt = NULL;
	uint32_t *tseg_at = NULL;
	uint32_t **gids = NULL;
	size_t *gn = NULL;
	double *norms = NULL;
	blobber_t *bl = NULL;
	uint64_t (*tkeys)[2] = NULL;
	uint32_t *tlens = NULL, *rows = NULL, *slot = NULL;
	uint8_t *cls = NULL, *pchange = NULL;
	size_t *tofs = NULL, nkept = 0, npatched = 0, fi = 0;
	fixes_t fixes = {0};
	char **vocab = NULL;
	size_t nvocab = 0;
	smeta_job_t meta;
	pthread_t meta_tid;
	int meta_started = 0;
	smem_map_t vmap = {0};
	smem_arena_t varena = {0};
	buf_t b = BUF_INIT, shard = BUF_INIT, keys = BUF_INIT, vk = BUF_INIT, blob = BUF_INIT, kb = BUF_INIT;
	size_t npost = 0, ngt = 0, cgt = 0, nshards = 0, nvshards = 0, nseg = 0;
	size_t nchunks = 0;
	sout_t wr = {0};
	wr.d = d;
	wr.hash = MAP_HASH_SEED;
	char *root = xasprintf("%s/search", site->tmp);
	wr.root = root;
	wr.out = site;
	const pr_root_t *out = site->root;
	srfiles_t *prev_files = sp->files_path ? srfiles_load(sp->files_path, sp->binary_id) : NULL;
	wr.prev = prev_files;

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

	/* each share's pages: their numbers in the site (the order of `docs`) */
	gids = xcalloc(nparts ? nparts : 1, sizeof *gids);
	gn = xcalloc(nparts ? nparts : 1, sizeof *gn);
	for (size_t p = 0; p < ndocs; p++) {
		if (docs[p].group >= nparts || gn[docs[p].group] >= parts[docs[p].group].npages) {
			diag_add(d, DIAG_ERROR, "", 0, 0, "search-index", "internal error: the pages are not those prepared");
			goto out;
		}
		gn[docs[p].group]++;
	}
	for (size_t g = 0; g < nparts; g++) {
		if (gn[g] != parts[g].npages) {
			diag_add(d, DIAG_ERROR, "", 0, 0, "search-index", "internal error: the pages are not those prepared");
			goto out;
		}
		gids[g] = xmalloc((gn[g] ? gn[g] : 1) * sizeof **gids);
		gn[g] = 0;
	}
	for (size_t p = 0; p < ndocs; p++)
		gids[docs[p].group][gn[docs[p].group]++] = (uint32_t)p;

	/* field length averages, then each page's normalisation */
	double avg[NF] = {0};
	for (size_t g = 0; g < nparts; g++)
		for (uint32_t i = 0; i < parts[g].npages; i++)
			for (int f = 0; f < NF; f++)
				avg[f] += spart_flen(&parts[g], i, f);
	for (int f = 0; f < NF; f++)
		avg[f] = ndocs && avg[f] > 0 ? round_avg(avg[f] / (double)ndocs) : 1.0;
	norms = xmalloc((ndocs ? ndocs : 1) * NF * sizeof *norms);
	for (size_t g = 0; g < nparts; g++)
		for (uint32_t i = 0; i < parts[g].npages; i++)
			for (int f = 0; f < NF; f++)
				norms[(size_t)gids[g][i] * NF + f] =
					1.0 - field_b[f] + field_b[f] * (double)spart_flen(&parts[g], i, f) / avg[f];

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
	meta.wr.prev = prev_files;
	meta.keys = sp->keys;
	meta.docs = docs;
	meta.ndocs = ndocs;
	if (nthreads > 1 && pthread_create(&meta_tid, NULL, smeta_thread, &meta) == 0)
		meta_started = 1;

	/* the site's stems: the shares' stems (each share's in byte order) merged through a heap of one
	 * cursor per share, their page counts summed; a stem's shares follow each other in the shares'
	 * order */
	for (size_t g = 0; g < nparts; g++)
		nseg += parts[g].nterms;
	tsegs = xmalloc((nseg ? nseg : 1) * sizeof *tsegs);
	tseg_at = xmalloc((nseg + 1) * sizeof *tseg_at);
	heap = xmalloc((nparts ? nparts : 1) * sizeof *heap);
	size_t nheap = 0;
	for (size_t g = 0; g < nparts; g++) {
		if (!parts[g].nterms)
			continue;
		cursor_t *c = &heap[nheap++];
		c->part = (uint32_t)g;
		c->left = parts[g].nterms;
		c->end = parts[g].terms_end;
		c->next = spart_next_term(parts[g].terms, c->end, &c->t);
		cursor_pre(c);
	}
	for (size_t i = nheap; i-- > 0;)
		sift_down(heap, nheap, i);
	nseg = 0;
	for (size_t it = 0; nheap; it++) {
		if ((it & 65535) == 0 && pub_interrupted())
			goto out; /* Ctrl-C: the site is not committed (rc stays -1) */
		cursor_t *c = &heap[0];
		if (!ngt || search_cmp_bytes(gt[ngt - 1].s, gt[ngt - 1].len, c->t.s, c->t.len) != 0) {
			GROW(gt, ngt, cgt);
			memset(&gt[ngt], 0, sizeof(gt[ngt]));
			gt[ngt].s = c->t.s;
			gt[ngt].len = c->t.len;
			tseg_at[ngt++] = (uint32_t)nseg;
		}
		gterm_t *g = &gt[ngt - 1];
		g->df += c->t.df;
		g->tdf += c->t.tdf;
		g->adf += c->t.adf;
		const uint32_t *gid = gids[c->part];
		tsegs[nseg++] = (seg_t){(uint32_t)(ngt - 1), c->part, gid[c->t.first], gid[c->t.last], c->t.df,
					c->t.post, c->t.post_end};
		if (--c->left) {
			c->next = spart_next_term(c->next, c->end, &c->t);
			cursor_pre(c);
		} else
			heap[0] = heap[--nheap];
		sift_down(heap, nheap, 0);
	}
	tseg_at[ngt] = (uint32_t)nseg;
	for (size_t t = 0; t < ngt; t++) {
		gt[t].idf = bm25_idf(ndocs, gt[t].df);
		gt[t].tidf = bm25_idf(ndocs, gt[t].tdf);
		gt[t].aidf = bm25_idf(ndocs, gt[t].adf);
		npost += gt[t].df;
	}

	/* the scale: the largest impact. A stem's impacts are below idf (k1 + 1) plus its title and alerts
	 * shares on the shortest title and alerts of the site: only the postings of the stems whose bound
	 * is above the largest impact found so far are read (the stem of the highest bound first), the
	 * rare stems of titles and alert names, a few percent of them */
	page_status = xmalloc((ndocs ? ndocs : 1) * sizeof(*page_status));
	for (size_t p = 0; p < ndocs; p++)
		page_status[p] = (uint8_t)search_status_index(docs[p].status);
	double maximp = 0, min_norm[NF];
	for (int f = 0; f < NF; f++)
		min_norm[f] = HUGE_VAL;
	for (size_t p = 0; p < ndocs; p++)
		for (int f = 0; f < NF; f++)
			if (norms[p * NF + f] < min_norm[f])
				min_norm[f] = norms[p * NF + f];
	{
		size_t top = 0;
		for (size_t t = 0; t < ngt; t++) {
			gterm_t *g = &gt[t];
			double bound = g->idf * (BM25_K1 + 1.0);
			if (g->tdf)
				bound += g->tidf * field_weight[F_TITLE] / min_norm[F_TITLE];
			if (g->adf)
				bound += g->aidf * field_weight[F_ALERTS] / min_norm[F_ALERTS];
			g->bound = bound * (1.0 + 1e-9) + 1e-12; /* above any rounding of the impacts */
			if (g->bound > gt[top].bound)
				top = t;
		}
		for (size_t k = 0; k <= ngt; k++) {
			if ((k & 4095) == 0 && pub_interrupted())
				goto out; /* Ctrl-C: the site is not committed (rc stays -1) */
			size_t t = k == 0 ? top : k - 1;
			if (t >= ngt || (k > 0 && t == top) || gt[t].bound <= maximp)
				continue;
			for (uint32_t i = tseg_at[t]; i < tseg_at[t + 1]; i++) {
				segrd_t rd;
				posting_t pt;
				uint32_t page;
				segrd_init(&rd, &tsegs[i], parts, gids);
				while (segrd_next(&rd, &pt, &page)) {
					double imp = impact(&gt[t], pt.tf, norms + (size_t)page * NF);
					if (imp > maximp)
						maximp = imp;
				}
				if (!segrd_ok(&rd, &tsegs[i]))
					goto damaged;
			}
		}
	}
	scale = maximp > 0 ? maximp : 1.0;
	qt = xmalloc(sizeof *qt);
	quant_init(qt, scale);

	/* term shards: the stems in byte order, each with its postings in page order */
	bl = xcalloc(1, sizeof *bl);
	*bl = (blobber_t){.gt = gt, .tsegs = tsegs, .tseg_at = tseg_at, .parts = parts, .gids = gids,
			  .norms = norms, .qt = qt, .page_status = page_status, .ndocs = ndocs};
	tlens = xmalloc((ngt ? ngt : 1) * sizeof *tlens);
	tofs = xmalloc((ngt ? ngt : 1) * sizeof *tofs);
	cls = xmalloc(ngt ? ngt : 1); /* 0: the postings the last build recorded, 1: those patched, 2: made */
	memset(cls, 2, ngt ? ngt : 1);
	if (prev_files) {
		/* what the postings are made from: the stems' keys and the pages' rows; a stem whose key the
		 * last build recorded has the postings it had (of the length recorded) but on the pages whose
		 * status or impact changed */
		rows = xmalloc((ndocs ? ndocs : 1) * ROW_WIDTH * sizeof *rows);
		for (size_t g = 0; g < nparts; g++)
			for (uint32_t i = 0; i < parts[g].npages; i++) {
				uint32_t *r = rows + (size_t)gids[g][i] * ROW_WIDTH;
				r[ROW_GROUP] = (uint32_t)g;
				r[ROW_LOCAL] = i;
				r[ROW_STATUS] = page_status[gids[g][i]];
				for (int f = 0; f < NF; f++)
					r[ROW_FLEN + f] = spart_flen(&parts[g], i, f);
			}
		uint64_t site_key[2];
		{
			double nums[NF + 2] = {(double)ndocs, scale};
			memcpy(nums + 2, avg, sizeof avg);
			XXH128_hash_t h = XXH3_128bits(nums, sizeof nums);
			site_key[0] = h.low64;
			site_key[1] = h.high64;
		}
		tkeys = xmalloc((ngt ? ngt : 1) * sizeof *tkeys);
		term_keys(gt, ngt, tsegs, tseg_at, site_key, &kb, tkeys);
		const srfiles_terms_t *rt = srfiles_terms(prev_files);
		if (rt && rt->npages == ndocs && rt->width == ROW_WIDTH && rt->nterms) {
			size_t nslot = 2;
			while (nslot < 2 * (size_t)rt->nterms)
				nslot *= 2;
			slot = xcalloc(nslot, sizeof *slot); /* recorded term index + 1, by key */
			for (uint32_t i = 0; i < rt->nterms; i++) {
				size_t h = (size_t)rt->keys[i][0] & (nslot - 1);
				while (slot[h])
					h = (h + 1) & (nslot - 1);
				slot[h] = i + 1;
			}
			for (size_t t = 0; t < ngt; t++) {
				size_t h = (size_t)tkeys[t][0] & (nslot - 1);
				for (; slot[h]; h = (h + 1) & (nslot - 1)) {
					uint32_t i = slot[h] - 1;
					if (rt->keys[i][0] == tkeys[t][0] && rt->keys[i][1] == tkeys[t][1]) {
						cls[t] = 0;
						tlens[t] = rt->lens[i];
						break;
					}
				}
			}
			pchange = xmalloc(ndocs ? ndocs : 1);
			for (size_t p = 0; p < ndocs; p++)
				pchange[p] = (uint8_t)page_change(rows, rt->rows, p);
			if (term_changed(bl, nseg, nparts, pchange, rt->rows, avg, cls, &fixes) != 0)
				goto damaged;
		}
	}
	{
		json_writer_t kj;
		json_init(&kj, &keys, 0);
		json_begin_array(&kj);
		for (size_t first = 0; first < ngt;) {
			if ((nshards & 63) == 0 && pub_interrupted())
				goto out;
			/* the shard's stems: up to the first after which it holds SHARD_TARGET_BYTES, their
			 * lengths recorded or their postings made (into `blob`, at tofs[t]) */
			buf_clear(&blob);
			size_t end = first, raw = 0;
			int worst = 0; /* the highest class of its stems */
			while (end < ngt && (end == first || raw < SHARD_TARGET_BYTES)) {
				if (cls[end] == 2) {
					tofs[end] = blob.len;
					if (term_blob(bl, end, &blob) != 0)
						goto damaged;
					tlens[end] = (uint32_t)(blob.len - tofs[end]);
				} else {
					tofs[end] = SIZE_MAX;
				}
				if (cls[end] > worst)
					worst = cls[end];
				size_t shared = end > first ? shared_len(&gt[end - 1], &gt[end]) : 0;
				raw += varint_len(shared) + varint_len(gt[end].len - shared) + (gt[end].len - shared) +
				       varint_len(tlens[end]) + tlens[end];
				end++;
			}
			size_t kl = first ? separator_len(gt[first - 1].s, gt[first - 1].len, gt[first].s, gt[first].len)
					  : 0;
			json_stringn(&kj, gt[first].s, kl);
			char rel[64];
			snprintf(rel, sizeof(rel), "t/%zu.bin", nshards++);
			uint64_t skey[2] = {0, 0};
			if (tkeys) { /* the shard's key: its stems' */
				XXH128_hash_t h = XXH3_128bits(tkeys + first, (end - first) * sizeof *tkeys);
				skey[0] = h.low64;
				skey[1] = h.high64;
				if (worst == 0 && sout_kept_by_key(&wr, rel, skey)) {
					nkept++;
					first = end;
					continue;
				}
				/* the same stems as the last build's shard, some with postings whose impact or
				 * status changed: its bytes (checked) patched */
				const srfiles_entry_t *e = worst == 1 ? srfiles_get(prev_files, rel) : NULL;
				if (e && e->key[0] == skey[0] && e->key[1] == skey[1] &&
				    e->size == varint_len(end - first) + raw) {
					char *srel = xasprintf("search/%s", rel);
					buf_clear(&shard);
					buf_grow(&shard, e->size);
					int ok = pub_read_prev(site, srel, shard.s, e->size) &&
						 XXH3_64bits(shard.s, e->size) == e->hash &&
						 patch_shard((unsigned char *)shard.s, e->size, gt, first, end, tlens, cls,
							     &fixes, &fi);
					free(srel);
					if (ok) {
						sout_write_key(&wr, rel, shard.s, e->size, skey);
						npatched++;
						first = end;
						continue;
					}
				}
			}
			/* made: its term count, then each stem (bytes shared with the one before, the rest) and
			 * its postings */
			for (size_t t = first; t < end; t++)
				if (tofs[t] == SIZE_MAX) { /* as the last build's, its shard not: made after all */
					tofs[t] = blob.len;
					if (term_blob(bl, t, &blob) != 0)
						goto damaged;
					if (blob.len - tofs[t] != tlens[t])
						goto mismatch;
				}
			buf_clear(&shard);
			buf_grow(&shard, VARINT_MAX + raw);
			unsigned char *o = (unsigned char *)shard.s;
			o = varint_to(o, end - first);
			for (size_t t = first; t < end; t++) {
				size_t shared = t > first ? shared_len(&gt[t - 1], &gt[t]) : 0;
				o = varint_to(o, shared);
				o = varint_to(o, gt[t].len - shared);
				memcpy(o, gt[t].s + shared, gt[t].len - shared);
				o += gt[t].len - shared;
				o = varint_to(o, tlens[t]);
				memcpy(o, blob.s + tofs[t], tlens[t]);
				o += tlens[t];
			}
			sout_write_key(&wr, rel, shard.s, (size_t)((char *)o - shard.s), tkeys ? skey : NULL);
			first = end;
		}
		json_end_array(&kj);
	}

	/* vocabulary: the shares' words, by first character */
	{
		size_t cap = 0;
		for (size_t g = 0; g < nparts; g++)
			cap += parts[g].nwords;
		vocab = xmalloc((cap ? cap : 1) * sizeof(*vocab));
		for (size_t g = 0; g < nparts; g++) {
			const unsigned char *at = parts[g].words;
			for (uint32_t i = 0; i < parts[g].nwords; i++) {
				const char *w;
				uint32_t wl;
				at = spart_next_word(at, parts[g].words_end, &w, &wl);
				int added;
				smem_slot_t *s = smem_upsert(&vmap, &varena, w, wl, &added);
				if (added)
					vocab[nvocab++] = (char *)s->key;
			}
		}
		nvocab = search_sorted_unique(vocab, nvocab);
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
			sout_write(&wr, rel, b.s, b.len);
			i = j;
		}
		json_end_array(&vj);
	}

	/* metadata and facets, written meanwhile by the job */
	if (meta_started)
		pthread_join(meta_tid, NULL);
	else
		smeta_run(&meta);
	meta_started = 0;
	nchunks = meta.nchunks;
	wr.hash = map_hash_add(wr.hash, &meta.wr.hash, sizeof(meta.wr.hash));
	wr.bytes += meta.wr.bytes;
	if (meta.wr.failed)
		wr.failed = 1;

	/* files of an earlier, larger index */
	{
		sout_clean_dir(out, "search/t", ".bin", nshards);
		sout_clean_dir(out, "search/v", ".txt", nvshards);
		sout_clean_dir(out, "search/m", ".json", nchunks);
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
		for (int i = 0; i < SEARCH_NSTATUS; i++)
			json_string(&j, search_status_names[i]);
		json_end_array(&j);
		json_end_object(&j);
		/* keys go in raw (already JSON arrays) */
		b.len--; /* drop '}' */
		buf_puts(&b, ",\"vk\":");
		buf_put(&b, vk.s, vk.len);
		buf_puts(&b, ",\"k\":");
		buf_put(&b, keys.s, keys.len);
		buf_puts(&b, "}\n");
		sout_write(&wr, "manifest.json", b.s, b.len);
	}
	if (!wr.failed) {
		rc = 0;
		if (prev_files) { /* for the next build: what this one has under search/ */
			srfiles_list_t lists[2] = {wr.list, meta.wr.list};
			srfiles_terms_t terms = {(uint32_t)ndocs, ROW_WIDTH, rows, (uint32_t)ngt, tkeys, tlens};
			srfiles_save(sp->files_path, sp->binary_id, lists, 2, &terms);
		}
	}
	if (0) {
mismatch: /* a stem's postings of another length than recorded with their key: not a user's problem */
		diag_add(d, DIAG_ERROR, "", 0, 0, "search-index",
			 "internal error: the search index's record of its terms does not match; build again with "
			 "--no-page-cache");
		goto out;
	}
	if (0) {
damaged:
		diag_add(d, DIAG_ERROR, "", 0, 0, "search-index",
			 "the search index's kept words are damaged; build again with --no-page-cache");
		goto out;
	}
	if (stats) {
		stats->terms = ngt;
		stats->postings = npost;
		stats->term_shards = nshards;
		stats->term_shards_kept = nkept;
		stats->term_shards_patched = npatched;
		stats->vocab_words = nvocab;
		stats->meta_chunks = nchunks;
		stats->bytes = wr.bytes;
	}
out:
	if (meta_started)
		pthread_join(meta_tid, NULL);
	meta_started = 0;
	srfiles_list_free(&wr.list);
	srfiles_list_free(&meta.wr.list);
	srfiles_free(prev_files);
	search_prep_free(sp);
	free(page_status);
	free(gt);
	free(heap);
	free(qt);
	free(tsegs);
	free(tseg_at);
	for (size_t g = 0; gids && g < nparts; g++)
		free(gids[g]);
	free(gids);
	free(gn);
	free(norms);
	if (bl)
		free(bl->gpost);
	free(bl);
	free(tkeys);
	free(tlens);
	free(rows);
	free(slot);
	free(cls);
	free(fixes.v);
	free(pchange);
	free(tofs);
	free(vocab);
	smem_map_free(&vmap);
	smem_arena_free(&varena);
	buf_free(&blob);
	buf_free(&kb);
	if (meta_started)
		pthread_join(meta_tid, NULL);
	free(meta.types);
	free(meta.owners);
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
