/* pagerec.c - what reading each page gave, kept between builds. See pagerec.h. */
#include "pagerec.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "buf.h"
#include "histfile.h"
#include "map.h"
#include "parallel.h"

/* A file: magic, version, 4 spare bytes, the reading context, the second the writing build started,
 * the payload's length, the repository's state (known u32, HEAD 20 bytes, the index's identity 5 u64)
 * (PREC_HDR bytes); the payload: the count of entries (u32), then each entry's length (u32) and bytes:
 * its src, its reading part (length u32, bytes), its Markdown part (length u32, bytes; none: 0), its
 * work-tree status + 1 (u8; 0 unknown); the payload's checksum (hfile_seal). */
#define PREC_MAGIC "ALMREADS"
#define PREC_VERSION 2u
#define PREC_HDR 104
#define PREC_LEN_AT 32
#define PREC_MAX_DEPTH 64  /* nesting of a front matter value kept; deeper: the page is not recorded */

typedef struct {
	const char *src;               /* inside the file's data */
	const unsigned char *rd, *md;  /* the entry's parts, inside the data */
	uint32_t rdlen, mdlen;
	int wt;                        /* the work-tree status + 1 it recorded, 0: none */
} pr_old_t;

typedef struct {
	char *path;                    /* the group's file (owned) */
	uint64_t context;
	unsigned char *data;           /* the old file (owned), or NULL */
	size_t len;
	int64_t made;                  /* the second the build that wrote it started */
	fsu_repo_state_t repo;         /* this build's state of the repository */
	int same_repo;                 /* the file recorded that state, its index not racy: statuses hold */
	pr_old_t *old;                 /* its entries (owned) */
	size_t nold;
	map_t index;                   /* src -> old[] index + 1 */
} pr_group_t;

/* What this build keeps of one page. */
typedef struct {
	size_t group;
	char *src;                     /* owned; NULL: nothing kept */
	const pr_old_t *old;           /* taken from the old file (its parts may be kept as they are) */
	uint64_t text_hash[2];         /* taken: the text's hash and length as recorded */
	size_t text_len;
	buf_t rd;                      /* the reading part, when read anew */
	int md_new;                    /* the Markdown part was put */
	buf_t md;
	int wt;                        /* the work-tree status + 1 to keep (prec_put_wt), 0: none */
} pr_slot_t;

struct prec {
	pr_group_t *groups;
	size_t ngroups;
	pr_slot_t *slots;
	size_t nslots;
	int64_t started;
	atomic_size_t taken, asked;
};

/* ---- encoding ---- */

static void put_strs(buf_t *b, char *const *v, size_t n)
{
	hfile_put_u32(b, (uint32_t)n);
	for (size_t i = 0; i < n; i++)
		hfile_put_cstr(b, v[i]);
}

static void put_refs(buf_t *b, const fm_ref_t *v, size_t n)
{
	hfile_put_u32(b, (uint32_t)n);
	for (size_t i = 0; i < n; i++) {
		hfile_put_cstr(b, v[i].value);
		hfile_put_u32(b, (uint32_t)v[i].line);
		hfile_put_u32(b, (uint32_t)v[i].col);
	}
}

/* A value tree; 0 when deeper than PREC_MAX_DEPTH. */
static int put_val(buf_t *b, const val_t *v, int depth)
{
	if (depth > PREC_MAX_DEPTH)
		return 0;
	hfile_put_u8(b, v ? (uint8_t)v->type + 1 : 0);
	if (!v)
		return 1;
	hfile_put_u32(b, (uint32_t)v->line);
	hfile_put_u32(b, (uint32_t)v->col);
	switch (v->type) {
	case VAL_NULL:
		break;
	case VAL_BOOL:
		hfile_put_u8(b, v->b != 0);
		break;
	case VAL_NUM: {
		uint64_t bits;
		memcpy(&bits, &v->num, sizeof bits);
		hfile_put_u64(b, bits);
		hfile_put_opt_str(b, v->str);
		break;
	}
	case VAL_STR: /* bytes and length: a YAML string may hold a NUL */
		hfile_put_u32(b, (uint32_t)v->len);
		buf_put(b, v->str ? v->str : "", v->str ? v->len : 0);
		break;
	case VAL_LIST:
		hfile_put_u32(b, (uint32_t)v->len);
		for (size_t i = 0; i < v->len; i++)
			if (!put_val(b, v->items[i], depth + 1))
				return 0;
		break;
	case VAL_MAP:
		hfile_put_u32(b, (uint32_t)v->len);
		for (size_t i = 0; i < v->len; i++) {
			hfile_put_cstr(b, v->pairs[i].key);
			hfile_put_u32(b, (uint32_t)v->pairs[i].line);
			hfile_put_u32(b, (uint32_t)v->pairs[i].col);
			if (!put_val(b, v->pairs[i].val, depth + 1))
				return 0;
		}
		break;
	}
	return 1;
}

static void put_diags(buf_t *b, const diag_t *d, size_t n)
{
	hfile_put_u32(b, (uint32_t)n);
	for (size_t i = 0; i < n; i++) {
		hfile_put_u8(b, (uint8_t)d[i].severity);
		hfile_put_opt_str(b, d[i].file);
		hfile_put_u32(b, (uint32_t)d[i].line);
		hfile_put_u32(b, (uint32_t)d[i].col);
		hfile_put_opt_str(b, d[i].code);
		hfile_put_cstr(b, d[i].message);
	}
}

static void put_stat(buf_t *b, const fsu_stat_id_t *st)
{
	hfile_put_u64(b, (uint64_t)st->size);
	hfile_put_u64(b, (uint64_t)st->mtime_ns);
	hfile_put_u64(b, (uint64_t)st->ctime_ns);
	hfile_put_u64(b, st->ino);
	hfile_put_u64(b, st->dev);
}

/* The reading part of an entry; 0 when the front matter is too deep to keep. */
static int put_read(buf_t *b, const fsu_stat_id_t *st, const prec_read_t *rd, const diag_t *diags, size_t n)
{
	const fm_t *fm = &rd->fm;
	put_stat(b, st);
	hfile_put_u64(b, rd->text_hash[0]);
	hfile_put_u64(b, rd->text_hash[1]);
	hfile_put_u64(b, (uint64_t)rd->text_len);
	hfile_put_u64(b, (uint64_t)rd->body_off);
	hfile_put_u32(b, (uint32_t)rd->body_line);
	hfile_put_u32(b, (uint32_t)rd->content_errors);
	hfile_put_opt_str(b, fm->title);
	hfile_put_opt_str(b, fm->description);
	hfile_put_opt_str(b, fm->type);
	hfile_put_opt_str(b, fm->owner);
	hfile_put_opt_str(b, fm->criticality);
	hfile_put_u32(b, (uint32_t)fm->review_interval);
	put_strs(b, fm->tags, fm->ntags);
	put_strs(b, fm->alerts, fm->nalerts);
	put_refs(b, fm->related, fm->nrelated);
	put_refs(b, fm->aliases, fm->naliases);
	put_strs(b, fm->watches, fm->nwatches);
	hfile_put_u8(b, fm->draft != 0);
	hfile_put_u64(b, (uint64_t)fm->reviewed);
	hfile_put_opt_str(b, fm->reviewer);
	hfile_put_u8(b, fm->review_dated != 0);
	hfile_put_u8(b, fm->present != 0);
	hfile_put_u32(b, (uint32_t)fm->line);
	if (!put_val(b, fm->raw, 0))
		return 0;
	put_diags(b, diags, n);
	return 1;
}

/* ---- decoding (every count bounded by the bytes left: histfile.h) ---- */

static char **rd_strs(hfile_rd_t *r, size_t *n)
{
	*n = hfile_count(r);
	char **v = xcalloc(*n + 1, sizeof *v);
	for (size_t i = 0; i < *n && !r->bad; i++)
		v[i] = hfile_strdup(r);
	if (r->bad) {
		for (size_t i = 0; i < *n; i++)
			free(v[i]);
		free(v);
		*n = 0;
		return NULL;
	}
	return v;
}

static fm_ref_t *rd_refs(hfile_rd_t *r, size_t *n)
{
	*n = hfile_count(r);
	fm_ref_t *v = xcalloc(*n + 1, sizeof *v);
	for (size_t i = 0; i < *n && !r->bad; i++) {
		v[i].value = hfile_strdup(r);
		v[i].line = (int)hfile_u32(r);
		v[i].col = (int)hfile_u32(r);
	}
	if (r->bad) {
		for (size_t i = 0; i < *n; i++)
			free(v[i].value);
		free(v);
		*n = 0;
		return NULL;
	}
	return v;
}

static val_t *rd_val(hfile_rd_t *r, int depth)
{
	uint8_t t = hfile_u8(r);
	if (r->bad || t == 0 || t > VAL_MAP + 1 || depth > PREC_MAX_DEPTH) {
		r->bad = 1;
		return NULL;
	}
	int line = (int)hfile_u32(r), col = (int)hfile_u32(r);
	val_t *v = NULL;
	switch ((val_type)(t - 1)) {
	case VAL_NULL:
		v = val_null();
		break;
	case VAL_BOOL:
		v = val_bool(hfile_u8(r));
		break;
	case VAL_NUM: {
		uint64_t bits = hfile_u64(r);
		double d;
		memcpy(&d, &bits, sizeof d);
		v = val_num(d);
		v->str = hfile_opt_strdup(r);
		break;
	}
	case VAL_STR: {
		uint32_t n = hfile_u32(r);
		const unsigned char *s = hfile_bytes(r, n);
		v = val_strn(s ? (const char *)s : "", s ? n : 0);
		break;
	}
	case VAL_LIST: {
		size_t n = hfile_count(r);
		v = val_list();
		for (size_t i = 0; i < n && !r->bad; i++) {
			val_t *item = rd_val(r, depth + 1);
			if (item)
				val_list_push(v, item);
		}
		break;
	}
	case VAL_MAP: {
		size_t n = hfile_count(r);
		v = val_map();
		for (size_t i = 0; i < n && !r->bad; i++) {
			const char *key = hfile_str(r);
			int kl = (int)hfile_u32(r), kc = (int)hfile_u32(r);
			val_t *item = rd_val(r, depth + 1);
			if (!key || !item) {
				val_free(item);
				r->bad = 1;
				break;
			}
			/* appended as the parser appended them (a key may appear once: the parser's rule) */
			val_map_append(v, key, item);
			v->pairs[v->len - 1].line = kl;
			v->pairs[v->len - 1].col = kc;
		}
		break;
	}
	}
	if (v) {
		v->line = line;
		v->col = col;
	}
	return v;
}

static diag_t *rd_diags(hfile_rd_t *r, size_t *n, const char *src)
{
	*n = hfile_count(r);
	diag_t *v = xcalloc(*n + 1, sizeof *v);
	for (size_t i = 0; i < *n && !r->bad; i++) {
		v[i].severity = (diag_severity)hfile_u8(r);
		v[i].file = hfile_opt_strdup(r);
		if (!v[i].file)
			v[i].file = xstrdup(src);
		v[i].line = (int)hfile_u32(r);
		v[i].col = (int)hfile_u32(r);
		v[i].code = hfile_opt_strdup(r);
		v[i].message = hfile_strdup(r);
		if (v[i].severity > DIAG_NOTE)
			r->bad = 1;
	}
	return v;
}

static void diags_free(diag_t *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].file);
		free(v[i].code);
		free(v[i].message);
	}
	free(v);
}

static int same_stat(hfile_rd_t *r, const fsu_stat_id_t *st)
{
	return hfile_u64(r) == (uint64_t)st->size && hfile_u64(r) == (uint64_t)st->mtime_ns &&
	       hfile_u64(r) == (uint64_t)st->ctime_ns && hfile_u64(r) == st->ino && hfile_u64(r) == st->dev && !r->bad;
}

/* Decode a reading part after its stat; 0 when malformed (*out then holds nothing). */
static int rd_read(hfile_rd_t *r, prec_read_t *out, diag_t **diags, size_t *ndiags, const char *src)
{
	fm_t *fm = &out->fm;
	out->text_hash[0] = hfile_u64(r);
	out->text_hash[1] = hfile_u64(r);
	out->text_len = (size_t)hfile_u64(r);
	out->body_off = (size_t)hfile_u64(r);
	out->body_line = (int)hfile_u32(r);
	out->content_errors = (int)hfile_u32(r);
	fm->title = hfile_opt_strdup(r);
	fm->description = hfile_opt_strdup(r);
	fm->type = hfile_opt_strdup(r);
	fm->owner = hfile_opt_strdup(r);
	fm->criticality = hfile_opt_strdup(r);
	fm->review_interval = (int)hfile_u32(r);
	fm->tags = rd_strs(r, &fm->ntags);
	fm->alerts = rd_strs(r, &fm->nalerts);
	fm->related = rd_refs(r, &fm->nrelated);
	fm->aliases = rd_refs(r, &fm->naliases);
	fm->watches = rd_strs(r, &fm->nwatches);
	fm->draft = hfile_u8(r);
	fm->reviewed = (int64_t)hfile_u64(r);
	fm->reviewer = hfile_opt_strdup(r);
	fm->review_dated = hfile_u8(r);
	fm->present = hfile_u8(r);
	fm->line = (int)hfile_u32(r);
	fm->raw = r->bad ? NULL : rd_val(r, 0);
	*diags = rd_diags(r, ndiags, src);
	if (r->bad || r->p != r->e || !fm->raw || fm->raw->type != VAL_MAP || out->body_off > out->text_len) {
		fm_free(fm);
		diags_free(*diags, *ndiags);
		*diags = NULL;
		*ndiags = 0;
		memset(out, 0, sizeof *out);
		return 0;
	}
	return 1;
}

/* ---- the files ---- */

/* Check a group's file (header, checksum, entry framing) and index its entries; a bad one leaves
 * the group empty. */
static void group_read(pr_group_t *g)
{
	size_t len;
	unsigned char *data = (unsigned char *)hfile_read(g->path, &len);
	if (!data)
		return;
	hfile_rd_t h = {data + 8, data + PREC_HDR, 0}, r;
	if (len < PREC_HDR + 12 || memcmp(data, PREC_MAGIC, 8) != 0 || !hfile_sealed(data, len, PREC_LEN_AT, PREC_HDR, &r))
		goto bad;
	if (hfile_u32(&h) != PREC_VERSION)
		goto bad;
	(void)hfile_u32(&h);
	if (hfile_u64(&h) != g->context)
		goto bad;
	int64_t made = (int64_t)hfile_u64(&h);
	(void)hfile_u64(&h); /* the payload's length, checked by hfile_sealed */
	int known = (int)hfile_u32(&h);
	const unsigned char *head = hfile_bytes(&h, 20);
	fsu_stat_id_t index;
	index.size = (int64_t)hfile_u64(&h);
	index.mtime_ns = (int64_t)hfile_u64(&h);
	index.ctime_ns = (int64_t)hfile_u64(&h);
	index.ino = hfile_u64(&h);
	index.dev = hfile_u64(&h);
	if (h.bad)
		goto bad;
	size_t n = hfile_count(&r);
	g->old = xcalloc(n + 1, sizeof *g->old);
	for (size_t i = 0; i < n && !r.bad; i++) {
		uint32_t elen = hfile_u32(&r);
		const unsigned char *ep = hfile_bytes(&r, elen);
		if (!ep)
			break;
		hfile_rd_t er = {ep, ep + elen, 0};
		pr_old_t *o = &g->old[g->nold];
		o->src = hfile_str(&er);
		o->rdlen = hfile_u32(&er);
		o->rd = hfile_bytes(&er, o->rdlen);
		o->mdlen = hfile_u32(&er);
		o->md = hfile_bytes(&er, o->mdlen);
		o->wt = hfile_u8(&er);
		if (er.bad || er.p != er.e || !o->src || o->wt > 4)
			break;
		g->nold++;
	}
	if (g->nold != n || r.p != r.e)
		goto bad;
	for (size_t i = 0; i < g->nold; i++)
		map_put(&g->index, g->old[i].src, MAP_INT(i + 1));
	g->data = data;
	g->len = len;
	g->made = made;
	/* the statuses it recorded hold for this HEAD and this index, unless the index was written in the
	 * second that build started or later (racy) */
	const fsu_repo_state_t *now = &g->repo;
	g->same_repo = known && now->known && !memcmp(head, now->head, 20) && index.size == now->index.size &&
		       index.mtime_ns == now->index.mtime_ns && index.ctime_ns == now->index.ctime_ns &&
		       index.ino == now->index.ino && index.dev == now->index.dev &&
		       index.mtime_ns / 1000000000LL < made && index.ctime_ns / 1000000000LL < made;
	return;
bad:
	free(g->old);
	g->old = NULL;
	g->nold = 0;
	free(data);
}

static void read_one(void *ud, size_t k)
{
	prec_t *r = ud;
	group_read(&r->groups[k]);
}

prec_t *prec_open(const char *dir, const char *const *names, size_t ngroups, const uint64_t *contexts,
		  const fsu_repo_state_t *repos, size_t npages, int64_t started, int jobs)
{
	prec_t *r = xcalloc(1, sizeof *r);
	r->ngroups = ngroups;
	r->groups = xcalloc(ngroups + 1, sizeof *r->groups);
	r->nslots = npages;
	r->slots = xcalloc(npages + 1, sizeof *r->slots);
	r->started = started;
	for (size_t k = 0; k < ngroups; k++) {
		pr_group_t *g = &r->groups[k];
		g->path = k ? xasprintf("%s/read-pages.%s", dir, names[k]) : xasprintf("%s/read-pages", dir);
		g->context = contexts[k];
		g->repo = repos[k];
		g->index = (map_t)MAP_INIT;
	}
	par_for(ngroups, jobs > 0 ? jobs : 1, read_one, r); /* one repository's file per call */
	return r;
}

/* The old entry of `src` in `group`, or NULL. */
static const pr_old_t *old_of(const prec_t *r, size_t group, const char *src)
{
	void *v;
	if (group >= r->ngroups || !map_get(&r->groups[group].index, src, &v))
		return NULL;
	return &r->groups[group].old[MAP_AS_INT(v) - 1];
}

int prec_take(prec_t *r, size_t page, size_t group, const char *src, const fsu_stat_id_t *st, prec_read_t *out,
	      diag_list_t *d)
{
	memset(out, 0, sizeof *out);
	atomic_fetch_add(&r->asked, 1);
	const pr_old_t *o = page < r->nslots ? old_of(r, group, src) : NULL;
	if (!o || (!st->mtime_ns && !st->ino))
		return 0;
	/* racy: written in the second the recording build started, or later (its reading may have come
	 * before that write, with the same identity after it) */
	int64_t made = r->groups[group].made;
	if (st->mtime_ns / 1000000000LL >= made || st->ctime_ns / 1000000000LL >= made)
		return 0;
	hfile_rd_t rr = {o->rd, o->rd + o->rdlen, 0};
	if (!same_stat(&rr, st))
		return 0;
	diag_t *diags;
	size_t ndiags;
	if (!rd_read(&rr, out, &diags, &ndiags, src))
		return 0;
	diag_add_each(d, diags, ndiags, NULL);
	diags_free(diags, ndiags);
	out->wt_status = r->groups[group].same_repo ? o->wt : 0;
	pr_slot_t *sl = &r->slots[page];
	sl->group = group;
	free(sl->src);
	sl->src = xstrdup(src);
	sl->old = o;
	sl->text_hash[0] = out->text_hash[0];
	sl->text_hash[1] = out->text_hash[1];
	sl->text_len = out->text_len;
	atomic_fetch_add(&r->taken, 1);
	return 1;
}

void prec_put_read(prec_t *r, size_t page, size_t group, const char *src, const fsu_stat_id_t *st,
		   const prec_read_t *rd, const diag_t *diags, size_t n)
{
	if (page >= r->nslots || group >= r->ngroups || (!st->mtime_ns && !st->ino))
		return;
	pr_slot_t *sl = &r->slots[page];
	buf_free(&sl->rd);
	buf_free(&sl->md);
	sl->md_new = 0;
	sl->old = NULL;
	free(sl->src);
	sl->src = NULL;
	if (!put_read(&sl->rd, st, rd, diags, n)) { /* too deep to keep: read every time */
		buf_free(&sl->rd);
		return;
	}
	sl->group = group;
	sl->src = xstrdup(src);
}

int prec_text_is(const prec_t *r, size_t page, const char *text, size_t len)
{
	const pr_slot_t *sl = page < r->nslots ? &r->slots[page] : NULL;
	if (!sl || !sl->old || sl->text_len != len)
		return 0;
	XXH128_hash_t h = XXH3_128bits(text, len);
	return h.low64 == sl->text_hash[0] && h.high64 == sl->text_hash[1];
}

void prec_text_hash(const char *text, size_t len, uint64_t out[2])
{
	XXH128_hash_t h = XXH3_128bits(text, len);
	out[0] = h.low64;
	out[1] = h.high64;
}

int prec_md(prec_t *r, size_t page, prec_md_t *out)
{
	memset(out, 0, sizeof *out);
	const pr_slot_t *sl = page < r->nslots ? &r->slots[page] : NULL;
	if (!sl || !sl->src || !sl->old || !sl->old->mdlen)
		return 0;
	hfile_rd_t rr = {sl->old->md, sl->old->md + sl->old->mdlen, 0};
	out->body[0] = hfile_u64(&rr);
	out->body[1] = hfile_u64(&rr);
	out->nshortcodes = hfile_count(&rr);
	out->shortcodes = xcalloc(out->nshortcodes + 1, sizeof *out->shortcodes);
	for (size_t i = 0; i < out->nshortcodes && !rr.bad; i++) {
		out->shortcodes[i].name = hfile_strdup(&rr);
		out->shortcodes[i].line = (int)hfile_u32(&rr);
		out->shortcodes[i].col = (int)hfile_u32(&rr);
	}
	out->diags = rd_diags(&rr, &out->ndiags, sl->src);
	if (rr.bad || rr.p != rr.e) {
		prec_md_clear(out);
		return 0;
	}
	return 1;
}

void prec_put_md(prec_t *r, size_t page, const uint64_t body[2], const layout_shortcode_t *sc, size_t nsc,
		 const diag_t *diags, size_t n)
{
	if (page >= r->nslots || !r->slots[page].src)
		return;
	pr_slot_t *sl = &r->slots[page];
	buf_free(&sl->md);
	hfile_put_u64(&sl->md, body[0]);
	hfile_put_u64(&sl->md, body[1]);
	hfile_put_u32(&sl->md, (uint32_t)nsc);
	for (size_t i = 0; i < nsc; i++) {
		hfile_put_cstr(&sl->md, sc[i].name);
		hfile_put_u32(&sl->md, (uint32_t)sc[i].line);
		hfile_put_u32(&sl->md, (uint32_t)sc[i].col);
	}
	put_diags(&sl->md, diags, n);
	sl->md_new = 1;
}

void prec_put_wt(prec_t *r, size_t page, int wt_status)
{
	if (page < r->nslots)
		r->slots[page].wt = wt_status >= 0 && wt_status <= 4 ? wt_status : 0;
}

/* Write group `k`'s file, which has `count` records, `as_old` of them as the file has them, when its
 * records changed: 1 written, 0 left as it was, -1 failed. */
static int group_save(prec_t *r, size_t k, size_t count, size_t as_old)
{
	pr_group_t *g = &r->groups[k];
	if (as_old == count && count == g->nold && (g->data || !count) && (g->same_repo || !count))
		return 0; /* every record as the file has it */
	buf_t b = BUF_INIT;
	buf_put(&b, PREC_MAGIC, 8);
	hfile_put_u32(&b, PREC_VERSION);
	hfile_put_u32(&b, 0);
	hfile_put_u64(&b, g->context);
	hfile_put_u64(&b, (uint64_t)r->started);
	hfile_put_u64(&b, 0); /* the payload's length: hfile_seal */
	hfile_put_u32(&b, (uint32_t)g->repo.known);
	buf_put(&b, (const char *)g->repo.head, 20);
	hfile_put_u64(&b, (uint64_t)g->repo.index.size);
	hfile_put_u64(&b, (uint64_t)g->repo.index.mtime_ns);
	hfile_put_u64(&b, (uint64_t)g->repo.index.ctime_ns);
	hfile_put_u64(&b, g->repo.index.ino);
	hfile_put_u64(&b, g->repo.index.dev);
	hfile_put_u32(&b, (uint32_t)count);
	for (size_t i = 0; i < r->nslots; i++) {
		const pr_slot_t *sl = &r->slots[i];
		if (!sl->src || sl->group != k)
			continue;
		const void *rd = sl->old ? (const void *)sl->old->rd : sl->rd.s;
		size_t rdlen = sl->old ? sl->old->rdlen : sl->rd.len;
		const void *md = sl->md_new ? sl->md.s : sl->old ? (const void *)sl->old->md : NULL;
		size_t mdlen = sl->md_new ? sl->md.len : sl->old ? sl->old->mdlen : 0;
		size_t srclen = strlen(sl->src);
		hfile_put_u32(&b, (uint32_t)(4 + srclen + 1 + 4 + rdlen + 4 + mdlen + 1));
		hfile_put_str(&b, sl->src, srclen);
		hfile_put_u32(&b, (uint32_t)rdlen);
		buf_put(&b, rd ? rd : "", rdlen);
		hfile_put_u32(&b, (uint32_t)mdlen);
		buf_put(&b, md ? md : "", mdlen);
		hfile_put_u8(&b, (uint8_t)sl->wt);
	}
	hfile_seal(&b, PREC_LEN_AT, PREC_HDR);
	int ok = hfile_replace(g->path, b.s, b.len);
	buf_free(&b);
	return ok ? 1 : -1;
}

int prec_save(prec_t *r, const atomic_int *stop)
{
	/* every group's records counted in one pass over the pages (not one pass per group) */
	size_t *count = xcalloc(2 * r->ngroups + 1, sizeof *count), *as_old = count + r->ngroups;
	for (size_t i = 0; i < r->nslots; i++) {
		const pr_slot_t *sl = &r->slots[i];
		if (!sl->src || sl->group >= r->ngroups)
			continue;
		count[sl->group]++;
		as_old[sl->group] += sl->old && !sl->md_new && sl->wt == sl->old->wt;
	}
	int written = 0, failed = 0;
	for (size_t k = 0; k < r->ngroups && !(stop && atomic_load(stop)); k++) {
		int w = group_save(r, k, count[k], as_old[k]);
		written += w > 0;
		failed |= w < 0;
	}
	free(count);
	return failed ? -1 : written;
}

void prec_counts(const prec_t *r, size_t *taken, size_t *asked)
{
	*taken = atomic_load(&r->taken);
	*asked = atomic_load(&r->asked);
}

void prec_md_clear(prec_md_t *m)
{
	layout_shortcodes_free(m->shortcodes, m->nshortcodes);
	diags_free(m->diags, m->ndiags);
	memset(m, 0, sizeof *m);
}

void prec_free(prec_t *r)
{
	if (!r)
		return;
	for (size_t k = 0; k < r->ngroups; k++) {
		free(r->groups[k].path);
		free(r->groups[k].data);
		free(r->groups[k].old);
		map_free(&r->groups[k].index);
	}
	free(r->groups);
	for (size_t i = 0; i < r->nslots; i++) {
		free(r->slots[i].src);
		buf_free(&r->slots[i].rd);
		buf_free(&r->slots[i].md);
	}
	free(r->slots);
	free(r);
}
