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

/* What search_write_site's phases pass on, in their order. */
typedef struct {
	search_prep_t *sp;
	const search_doc_t *docs;
	size_t ndocs;
	const pub_t *site;
	diag_list_t *d;
	spart_t *parts;          /* the shares (sp's) */
	size_t nparts;
	srfiles_t *prev;         /* the last build's record of search/ (searchfiles.h), NULL: none kept */
	char *root;              /* OUT/search, for messages */
	sout_t wr;               /* the files written here (the metadata job has its own) */
	smeta_job_t meta;
	pthread_t meta_tid;
	int meta_started;
	uint32_t **gids;         /* each share's pages: their numbers in the site */
	double avg[NF];          /* the field lengths' averages, rounded */
	double *norms;           /* NF per page */
	uint8_t *page_status;
	gterm_t *gt;             /* the site's stems, in byte order */
	size_t ngt, npost;
	seg_t *tsegs;            /* gt[t]'s shares: tsegs[tseg_at[t] .. tseg_at[t + 1]) */
	uint32_t *tseg_at;
	size_t nseg;
	double scale;            /* the largest impact */
	quant_t *qt;
	blobber_t *bl;
	uint64_t (*tkeys)[2];    /* with `prev`: the stems' keys (term_keys) */
	uint32_t *tlens;         /* the lengths of the stems' postings */
	uint32_t *rows;          /* with `prev`: the pages' rows (ROW_WIDTH each) */
	uint8_t *cls;            /* per stem: 0 its postings as the last build recorded, 1 patched, 2 made */
	size_t *tofs;            /* a made stem's postings: where in `blob`; SIZE_MAX: not made */
	fixes_t fixes;           /* the postings of class 1 stems to patch (term_changed) */
	size_t fi;               /* the first of `fixes` not yet applied (patch_shard) */
	buf_t keys, vk;          /* the term and vocabulary shards' keys (JSON arrays) */
	buf_t shard, blob;       /* scratch: a term shard, its stems' postings */
	size_t nshards, nkept, npatched, nvshards, nvocab, nchunks;
} swrite_t;

/* How a phase of search_write_site stopped: W_STOP with a message said (or on Ctrl-C: none), W_DAMAGED a
 * share's postings damaged, W_MISMATCH a stem's postings of another length than the record's. */
enum { W_STOP = -1, W_DAMAGED = -2, W_MISMATCH = -3 };

static void swrite_init(swrite_t *w, search_prep_t *sp, const search_doc_t *docs, size_t ndocs, const pub_t *site,
			diag_list_t *d)
{
	memset(w, 0, sizeof *w);
	w->sp = sp;
	w->docs = docs;
	w->ndocs = ndocs;
	w->site = site;
	w->d = d;
	w->parts = sp->parts;
	w->nparts = sp->nparts;
	w->scale = 1.0;
	w->keys = w->vk = w->shard = w->blob = (buf_t)BUF_INIT;
	w->wr.d = d;
	w->wr.hash = MAP_HASH_SEED;
	w->root = xasprintf("%s/search", site->tmp);
	w->wr.root = w->root;
	w->wr.out = site;
	w->prev = sp->files_path ? srfiles_load(sp->files_path, sp->binary_id) : NULL;
	w->wr.prev = w->prev;
}

/* The prepared shares are those of these pages, fully made with a stemmer. 0, or W_STOP. */
static int check_prepared(swrite_t *w)
{
	const search_prep_t *sp = w->sp;
	if (sp->ndocs != w->ndocs) { /* a caller's mistake: not the prepared pages */
		diag_add(w->d, DIAG_ERROR, "", 0, 0, "search-index", "internal error: %zu pages prepared, %zu given",
			 sp->ndocs, w->ndocs);
		return W_STOP;
	}
	if (sp->stopped) { /* a caller's mistake: it gave up on this index */
		diag_add(w->d, DIAG_ERROR, "", 0, 0, "search-index", "internal error: the index was not fully prepared");
		return W_STOP;
	}
	if (sp->no_stemmer) {
		diag_add(w->d, DIAG_ERROR, "", 0, 0, "search-index",
			 "libstemmer has no English stemmer; search index not written");
		return W_STOP;
	}
	for (size_t i = 0; i < sp->nthreads; i++)
		if (sp->workers[i].oom) {
			diag_add(w->d, DIAG_WARNING, "", 0, 0, "search-index",
				 "the stemmer ran out of memory; some words are indexed unstemmed");
			break;
		}
	return 0;
}

/* Each share's pages: their numbers in the site (the order of `docs`). 0, or W_STOP when the pages are
 * not the shares'. */
static int number_pages(swrite_t *w)
{
	const spart_t *parts = w->parts;
	size_t nparts = w->nparts;
	const search_doc_t *docs = w->docs;
	uint32_t **gids = w->gids = xcalloc(nparts ? nparts : 1, sizeof *gids);
	size_t *gn = xcalloc(nparts ? nparts : 1, sizeof *gn);
	int rc = 0;
	for (size_t p = 0; p < w->ndocs && !rc; p++) {
		if (docs[p].group >= nparts || gn[docs[p].group] >= parts[docs[p].group].npages)
			rc = W_STOP;
		else
			gn[docs[p].group]++;
	}
	for (size_t g = 0; g < nparts && !rc; g++) {
		if (gn[g] != parts[g].npages) {
			rc = W_STOP;
			break;
		}
		gids[g] = xmalloc((gn[g] ? gn[g] : 1) * sizeof **gids);
		gn[g] = 0;
	}
	if (rc)
		diag_add(w->d, DIAG_ERROR, "", 0, 0, "search-index", "internal error: the pages are not those prepared");
	else
		for (size_t p = 0; p < w->ndocs; p++)
			gids[docs[p].group][gn[docs[p].group]++] = (uint32_t)p;
	free(gn);
	return rc;
}

/* The field lengths' averages (rounded), then each page's normalisation and status. */
static void page_norms(swrite_t *w)
{
	const spart_t *parts = w->parts;
	size_t ndocs = w->ndocs;
	double *avg = w->avg;
	for (size_t g = 0; g < w->nparts; g++)
		for (uint32_t i = 0; i < parts[g].npages; i++)
			for (int f = 0; f < NF; f++)
				avg[f] += spart_flen(&parts[g], i, f);
	for (int f = 0; f < NF; f++)
		avg[f] = ndocs && avg[f] > 0 ? round_avg(avg[f] / (double)ndocs) : 1.0;
	double *norms = w->norms = xmalloc((ndocs ? ndocs : 1) * NF * sizeof *norms);
	for (size_t g = 0; g < w->nparts; g++)
		for (uint32_t i = 0; i < parts[g].npages; i++)
			for (int f = 0; f < NF; f++)
				norms[(size_t)w->gids[g][i] * NF + f] =
					1.0 - field_b[f] + field_b[f] * (double)spart_flen(&parts[g], i, f) / avg[f];
	w->page_status = xmalloc((ndocs ? ndocs : 1) * sizeof(*w->page_status));
	for (size_t p = 0; p < ndocs; p++)
		w->page_status[p] = (uint8_t)search_status_index(w->docs[p].status);
}

/* The output folders, then the metadata job (searchmeta.c) on its own thread (here later when there is
 * one worker). 0, or W_STOP when a folder cannot be made. */
static int start_meta(swrite_t *w)
{
	const char *subs[] = {"t", "v", "m"};
	for (int i = 0; i < 3; i++) {
		char *p = xasprintf("search/%s", subs[i]);
		int mrc = pr_mkdirs(w->site->root, p);
		free(p);
		if (mrc != 0) {
			diag_add(w->d, DIAG_ERROR, "", 0, 0, "search-index", "cannot create folder %s/%s: %s", w->root,
				 subs[i], pr_strerror(mrc));
			return W_STOP;
		}
	}
	smeta_job_t *meta = &w->meta;
	meta->wr.root = w->root;
	meta->wr.out = w->site;
	meta->wr.d = w->d;
	meta->wr.hash = MAP_HASH_SEED;
	meta->wr.prev = w->prev;
	meta->keys = w->sp->keys;
	meta->docs = w->docs;
	meta->ndocs = w->ndocs;
	if (w->sp->nthreads > 1 && pthread_create(&w->meta_tid, NULL, smeta_thread, meta) == 0)
		w->meta_started = 1;
	return 0;
}

/* The metadata job's end: its files' hash, bytes and failure added to the index's. */
static void join_meta(swrite_t *w)
{
	if (w->meta_started)
		pthread_join(w->meta_tid, NULL);
	else
		smeta_run(&w->meta);
	w->meta_started = 0;
	w->nchunks = w->meta.nchunks;
	w->wr.hash = map_hash_add(w->wr.hash, &w->meta.wr.hash, sizeof(w->meta.wr.hash));
	w->wr.bytes += w->meta.wr.bytes;
	if (w->meta.wr.failed)
		w->wr.failed = 1;
}

/* The site's stems: the shares' stems (each share's in byte order) merged through a heap of one cursor
 * per share, their page counts summed, then their idf; a stem's shares follow each other in the
 * shares' order. 0, or W_STOP on Ctrl-C. */
static int merge_stems(swrite_t *w)
{
	const spart_t *parts = w->parts;
	size_t nparts = w->nparts, nseg = 0, ngt = 0, cgt = 0, nheap = 0;
	uint32_t *const *gids = w->gids;
	gterm_t *gt = NULL;
	int rc = 0;
	for (size_t g = 0; g < nparts; g++)
		nseg += parts[g].nterms;
	seg_t *tsegs = w->tsegs = xmalloc((nseg ? nseg : 1) * sizeof *tsegs);
	uint32_t *tseg_at = w->tseg_at = xmalloc((nseg + 1) * sizeof *tseg_at);
	cursor_t *heap = xmalloc((nparts ? nparts : 1) * sizeof *heap);
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
		if ((it & 65535) == 0 && pub_interrupted()) {
			rc = W_STOP; /* Ctrl-C: the site is not committed */
			break;
		}
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
	free(heap);
	w->gt = gt;
	w->ngt = ngt;
	w->nseg = nseg;
	if (rc)
		return rc;
	tseg_at[ngt] = (uint32_t)nseg;
	for (size_t t = 0; t < ngt; t++) {
		gt[t].idf = bm25_idf(w->ndocs, gt[t].df);
		gt[t].tidf = bm25_idf(w->ndocs, gt[t].tdf);
		gt[t].aidf = bm25_idf(w->ndocs, gt[t].adf);
		w->npost += gt[t].df;
	}
	return 0;
}

/* The scale: the largest impact. A stem's impacts are below idf (k1 + 1) plus its title and alerts
 * shares on the shortest title and alerts of the site: only the postings of the stems whose bound is
 * above the largest impact found so far are read (the stem of the highest bound first), the rare stems
 * of titles and alert names, a few percent of them. 0, or W_STOP on Ctrl-C, or W_DAMAGED. */
static int find_scale(swrite_t *w)
{
	gterm_t *gt = w->gt;
	size_t ngt = w->ngt, top = 0;
	const double *norms = w->norms;
	double maximp = 0, min_norm[NF];
	for (int f = 0; f < NF; f++)
		min_norm[f] = HUGE_VAL;
	for (size_t p = 0; p < w->ndocs; p++)
		for (int f = 0; f < NF; f++)
			if (norms[p * NF + f] < min_norm[f])
				min_norm[f] = norms[p * NF + f];
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
			return W_STOP; /* Ctrl-C: the site is not committed */
		size_t t = k == 0 ? top : k - 1;
		if (t >= ngt || (k > 0 && t == top) || gt[t].bound <= maximp)
			continue;
		for (uint32_t i = w->tseg_at[t]; i < w->tseg_at[t + 1]; i++) {
			segrd_t rd;
			posting_t pt;
			uint32_t page;
			segrd_init(&rd, &w->tsegs[i], w->parts, w->gids);
			while (segrd_next(&rd, &pt, &page)) {
				double imp = impact(&gt[t], pt.tf, norms + (size_t)page * NF);
				if (imp > maximp)
					maximp = imp;
			}
			if (!segrd_ok(&rd, &w->tsegs[i]))
				return W_DAMAGED;
		}
	}
	w->scale = maximp > 0 ? maximp : 1.0;
	w->qt = xmalloc(sizeof *w->qt);
	quant_init(w->qt, w->scale);
	return 0;
}

/* What the postings are made from: each page's row (its share, number there, status, field lengths)
 * and each stem's key (term_keys, over the site's page count, averages and scale). */
static void stem_inputs(swrite_t *w)
{
	const spart_t *parts = w->parts;
	uint32_t *rows = w->rows = xmalloc((w->ndocs ? w->ndocs : 1) * ROW_WIDTH * sizeof *rows);
	for (size_t g = 0; g < w->nparts; g++)
		for (uint32_t i = 0; i < parts[g].npages; i++) {
			uint32_t *r = rows + (size_t)w->gids[g][i] * ROW_WIDTH;
			r[ROW_GROUP] = (uint32_t)g;
			r[ROW_LOCAL] = i;
			r[ROW_STATUS] = w->page_status[w->gids[g][i]];
			for (int f = 0; f < NF; f++)
				r[ROW_FLEN + f] = spart_flen(&parts[g], i, f);
		}
	uint64_t site_key[2];
	double nums[NF + 2] = {(double)w->ndocs, w->scale};
	memcpy(nums + 2, w->avg, sizeof w->avg);
	XXH128_hash_t h = XXH3_128bits(nums, sizeof nums);
	site_key[0] = h.low64;
	site_key[1] = h.high64;
	buf_t kb = BUF_INIT;
	w->tkeys = xmalloc((w->ngt ? w->ngt : 1) * sizeof *w->tkeys);
	term_keys(w->gt, w->ngt, w->tsegs, w->tseg_at, site_key, &kb, w->tkeys);
	buf_free(&kb);
}

/* The stems whose key the last build recorded (`rt`): class 0, with the length of postings recorded. */
static void find_recorded(swrite_t *w, const srfiles_terms_t *rt)
{
	size_t nslot = 2;
	while (nslot < 2 * (size_t)rt->nterms)
		nslot *= 2;
	uint32_t *slot = xcalloc(nslot, sizeof *slot); /* recorded term index + 1, by key */
	for (uint32_t i = 0; i < rt->nterms; i++) {
		size_t h = (size_t)rt->keys[i][0] & (nslot - 1);
		while (slot[h])
			h = (h + 1) & (nslot - 1);
		slot[h] = i + 1;
	}
	for (size_t t = 0; t < w->ngt; t++) {
		size_t h = (size_t)w->tkeys[t][0] & (nslot - 1);
		for (; slot[h]; h = (h + 1) & (nslot - 1)) {
			uint32_t i = slot[h] - 1;
			if (rt->keys[i][0] == w->tkeys[t][0] && rt->keys[i][1] == w->tkeys[t][1]) {
				w->cls[t] = 0;
				w->tlens[t] = rt->lens[i];
				break;
			}
		}
	}
	free(slot);
}

/* Each stem's class (w->cls): its postings made (2) but, with the last build's record, those of a stem
 * whose key it recorded: as they were (0) but on the pages whose status or impact changed (1, the
 * postings to patch in w->fixes). 0, or W_DAMAGED. */
static int classify_stems(swrite_t *w)
{
	size_t ngt = w->ngt;
	w->bl = xcalloc(1, sizeof *w->bl);
	*w->bl = (blobber_t){.gt = w->gt, .tsegs = w->tsegs, .tseg_at = w->tseg_at, .parts = w->parts,
			     .gids = w->gids, .norms = w->norms, .qt = w->qt, .page_status = w->page_status,
			     .ndocs = w->ndocs};
	w->tlens = xmalloc((ngt ? ngt : 1) * sizeof *w->tlens);
	w->tofs = xmalloc((ngt ? ngt : 1) * sizeof *w->tofs);
	w->cls = xmalloc(ngt ? ngt : 1);
	memset(w->cls, 2, ngt ? ngt : 1);
	if (!w->prev)
		return 0;
	stem_inputs(w);
	const srfiles_terms_t *rt = srfiles_terms(w->prev);
	if (!rt || rt->npages != w->ndocs || rt->width != ROW_WIDTH || !rt->nterms)
		return 0;
	find_recorded(w, rt);
	uint8_t *pchange = xmalloc(w->ndocs ? w->ndocs : 1);
	for (size_t p = 0; p < w->ndocs; p++)
		pchange[p] = (uint8_t)page_change(w->rows, rt->rows, p);
	int rc = term_changed(w->bl, w->nseg, w->nparts, pchange, rt->rows, w->avg, w->cls, &w->fixes);
	free(pchange);
	return rc != 0 ? W_DAMAGED : 0;
}

/* A term shard's stems from `first` on: up to the first after which it holds SHARD_TARGET_BYTES, their
 * lengths recorded or their postings made (into w->blob, at tofs[t]). Sets *end, *raw (the shard's
 * bytes after its term count) and *worst (the highest class of its stems). 0, or W_DAMAGED. */
static int shard_cut(swrite_t *w, size_t first, size_t *endp, size_t *rawp, int *worstp)
{
	const gterm_t *gt = w->gt;
	const uint8_t *cls = w->cls;
	uint32_t *tlens = w->tlens;
	size_t *tofs = w->tofs;
	size_t end = first, raw = 0;
	int worst = 0;
	buf_clear(&w->blob);
	while (end < w->ngt && (end == first || raw < SHARD_TARGET_BYTES)) {
		if (cls[end] == 2) {
			tofs[end] = w->blob.len;
			if (term_blob(w->bl, end, &w->blob) != 0)
				return W_DAMAGED;
			tlens[end] = (uint32_t)(w->blob.len - tofs[end]);
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
	*endp = end;
	*rawp = raw;
	*worstp = worst;
	return 0;
}

/* The term shard `rel` (stems first..end-1, of key `skey`) as the last build wrote it: kept when its
 * stems are all of class 0, else (none of class 2) the same stems' bytes (checked) patched. 1 when
 * kept or patched. */
static int shard_reuse(swrite_t *w, const char *rel, size_t first, size_t end, size_t raw, int worst,
		       const uint64_t skey[2])
{
	if (worst == 0 && sout_kept_by_key(&w->wr, rel, skey)) {
		w->nkept++;
		return 1;
	}
	const srfiles_entry_t *e = worst == 1 ? srfiles_get(w->prev, rel) : NULL;
	if (!e || e->key[0] != skey[0] || e->key[1] != skey[1] || e->size != varint_len(end - first) + raw)
		return 0;
	char *srel = xasprintf("search/%s", rel);
	buf_clear(&w->shard);
	buf_grow(&w->shard, e->size);
	int ok = pub_read_prev(w->site, srel, w->shard.s, e->size) && XXH3_64bits(w->shard.s, e->size) == e->hash &&
		 patch_shard((unsigned char *)w->shard.s, e->size, w->gt, first, end, w->tlens, w->cls, &w->fixes,
			     &w->fi);
	free(srel);
	if (!ok)
		return 0;
	sout_write_key(&w->wr, rel, w->shard.s, e->size, skey);
	w->npatched++;
	return 1;
}

/* Make the term shard `rel` (stems first..end-1, `raw` bytes after their count; key `skey`, NULL: none):
 * its term count, then each stem (bytes shared with the one before, the rest) and its postings. 0, or
 * W_DAMAGED, or W_MISMATCH. */
static int shard_make(swrite_t *w, const char *rel, size_t first, size_t end, size_t raw, const uint64_t *skey)
{
	const gterm_t *gt = w->gt;
	const uint32_t *tlens = w->tlens;
	size_t *tofs = w->tofs;
	for (size_t t = first; t < end; t++)
		if (tofs[t] == SIZE_MAX) { /* as the last build's, its shard not: made after all */
			tofs[t] = w->blob.len;
			if (term_blob(w->bl, t, &w->blob) != 0)
				return W_DAMAGED;
			if (w->blob.len - tofs[t] != tlens[t])
				return W_MISMATCH;
		}
	buf_clear(&w->shard);
	buf_grow(&w->shard, VARINT_MAX + raw);
	unsigned char *o = (unsigned char *)w->shard.s;
	o = varint_to(o, end - first);
	for (size_t t = first; t < end; t++) {
		size_t shared = t > first ? shared_len(&gt[t - 1], &gt[t]) : 0;
		o = varint_to(o, shared);
		o = varint_to(o, gt[t].len - shared);
		memcpy(o, gt[t].s + shared, gt[t].len - shared);
		o += gt[t].len - shared;
		o = varint_to(o, tlens[t]);
		memcpy(o, w->blob.s + tofs[t], tlens[t]);
		o += tlens[t];
	}
	sout_write_key(&w->wr, rel, w->shard.s, (size_t)((char *)o - w->shard.s), skey);
	return 0;
}

/* The term shards t/I.bin: the stems in byte order, each with its postings in page order, cut by size;
 * each kept, patched or made; their first stems' separators in w->keys. 0, or W_STOP on Ctrl-C, or
 * W_DAMAGED, or W_MISMATCH. */
static int write_term_shards(swrite_t *w)
{
	json_writer_t kj;
	json_init(&kj, &w->keys, 0);
	json_begin_array(&kj);
	for (size_t first = 0; first < w->ngt;) {
		if ((w->nshards & 63) == 0 && pub_interrupted())
			return W_STOP;
		size_t end, raw;
		int worst, rc = shard_cut(w, first, &end, &raw, &worst);
		if (rc)
			return rc;
		const gterm_t *gt = w->gt;
		size_t kl = first ? separator_len(gt[first - 1].s, gt[first - 1].len, gt[first].s, gt[first].len) : 0;
		json_stringn(&kj, gt[first].s, kl);
		char rel[64];
		snprintf(rel, sizeof(rel), "t/%zu.bin", w->nshards++);
		uint64_t skey[2] = {0, 0};
		if (w->tkeys) { /* the shard's key: its stems' */
			XXH128_hash_t h = XXH3_128bits(w->tkeys + first, (end - first) * sizeof *w->tkeys);
			skey[0] = h.low64;
			skey[1] = h.high64;
			if (shard_reuse(w, rel, first, end, raw, worst, skey)) {
				first = end;
				continue;
			}
		}
		rc = shard_make(w, rel, first, end, raw, w->tkeys ? skey : NULL);
		if (rc)
			return rc;
		first = end;
	}
	json_end_array(&kj);
	return 0;
}

/* For the next build: what this one has under search/ and the terms' inputs (searchfiles.h). */
static void save_record(const swrite_t *w)
{
	srfiles_list_t lists[2] = {w->wr.list, w->meta.wr.list};
	srfiles_terms_t terms = {(uint32_t)w->ndocs, ROW_WIDTH, w->rows, (uint32_t)w->ngt, w->tkeys, w->tlens};
	srfiles_save(w->sp->files_path, w->sp->binary_id, lists, 2, &terms);
}

static void fill_stats(const swrite_t *w, search_stats_t *stats)
{
	stats->terms = w->ngt;
	stats->postings = w->npost;
	stats->term_shards = w->nshards;
	stats->term_shards_kept = w->nkept;
	stats->term_shards_patched = w->npatched;
	stats->vocab_words = w->nvocab;
	stats->meta_chunks = w->nchunks;
	stats->bytes = w->wr.bytes;
}

/* Everything the phases made (the metadata job ended first: it reads the pages), and the prepared
 * shares. */
static void swrite_free(swrite_t *w)
{
	if (w->meta_started)
		pthread_join(w->meta_tid, NULL);
	w->meta_started = 0;
	srfiles_list_free(&w->wr.list);
	srfiles_list_free(&w->meta.wr.list);
	srfiles_free(w->prev);
	search_prep_free(w->sp);
	free(w->page_status);
	free(w->gt);
	free(w->qt);
	free(w->tsegs);
	free(w->tseg_at);
	for (size_t g = 0; w->gids && g < w->nparts; g++)
		free(w->gids[g]);
	free(w->gids);
	free(w->norms);
	if (w->bl)
		free(w->bl->gpost);
	free(w->bl);
	free(w->tkeys);
	free(w->tlens);
	free(w->rows);
	free(w->cls);
	free(w->fixes.v);
	free(w->tofs);
	free(w->meta.types);
	free(w->meta.owners);
	buf_free(&w->blob);
	buf_free(&w->shard);
	buf_free(&w->keys);
	buf_free(&w->vk);
	free(w->root);
}

int search_write_site(search_prep_t *sp, search_stats_t *stats, const search_doc_t *docs, size_t ndocs,
		      const pub_t *site, diag_list_t *d)
{
	swrite_t w;
	swrite_init(&w, sp, docs, ndocs, site, d);
	int rc = check_prepared(&w);
	if (!rc)
		rc = number_pages(&w);
	if (!rc) {
		page_norms(&w);
		rc = start_meta(&w);
	}
	if (!rc)
		rc = merge_stems(&w);
	if (!rc)
		rc = find_scale(&w);
	if (!rc)
		rc = classify_stems(&w);
	if (!rc)
		rc = write_term_shards(&w);
	if (!rc) {
		svocab_write(w.parts, w.nparts, &w.wr, &w.vk, &w.nvshards, &w.nvocab);
		join_meta(&w); /* the metadata and facets, written meanwhile */
		/* files of an earlier, larger index */
		sout_clean_dir(site->root, "search/t", ".bin", w.nshards);
		sout_clean_dir(site->root, "search/v", ".txt", w.nvshards);
		sout_clean_dir(site->root, "search/m", ".json", w.nchunks);
		smeta_manifest(&w.meta, &w.wr, w.scale, &w.vk, &w.keys); /* last: it names the content hash */
		rc = w.wr.failed ? W_STOP : 0;
		if (!rc && w.prev)
			save_record(&w);
		if (stats)
			fill_stats(&w, stats);
	}
	if (rc == W_MISMATCH) /* not a user's problem */
		diag_add(d, DIAG_ERROR, "", 0, 0, "search-index",
			 "internal error: the search index's record of its terms does not match; build again with "
			 "--no-page-cache");
	else if (rc == W_DAMAGED)
		diag_add(d, DIAG_ERROR, "", 0, 0, "search-index",
			 "the search index's kept words are damaged; build again with --no-page-cache");
	swrite_free(&w);
	return rc ? -1 : 0;
}

int search_write_index(const search_doc_t *docs, size_t ndocs, const char *out_dir, diag_list_t *d)
{
	return search_write_prepared(search_prepare(docs, ndocs, 0, NULL), NULL, docs, ndocs, out_dir, d);
}
