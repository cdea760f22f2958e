/* pagecache.c - rendered Markdown kept between builds. See pagecache.h. */
#include "pagecache.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xxhash.h>

#include "buf.h"
#include "histfile.h"
#include "fsutil.h"
#include "map.h"
#include "parallel.h"

/* A file: magic, version, 4 spare bytes, the binary's id, where its index starts (0 while it is
 * written), the digest of the link targets of the build that wrote it (PC_HDR bytes). Then the entries,
 * each in two parts, each its length (u32), its bytes and their XXH3-64 (u64): its HTML, its search
 * sections. Then the index: the count (u32), each entry's src, offset (u64), the lengths (3 u32) of its
 * head, HTML and sections, and its head (its key and everything but the HTML and sections); then the
 * index's own XXH3-64 (u64), which ends the file. A build reads the header and the index, whole and
 * checked, with every page's head in it (one read per file, not one per page); the HTML only when the
 * page is written (md_doc_html), the sections when the search index needs them (md_doc_sections); each
 * of those parts is checked when read. */
#define PC_MAGIC "ALMPAGES"
#define PC_VERSION 7u
#define PC_HDR 40
#define PC_UNIVERSE_AT 32
#define PC_INDEX_AT 24
#define PC_MAX_ENTRIES 10000000u
#define PC_PART_MAX ((uint64_t)UINT32_MAX)

/* An old file, open while a page's HTML may still be read from it (counted references). */
typedef struct {
	int fd;
	atomic_int refs;
} pc_file_t;

static void file_unref(pc_file_t *f)
{
	if (f && atomic_fetch_sub(&f->refs, 1) == 1) {
		close(f->fd);
		free(f);
	}
}

typedef struct {
	const char *src;             /* the page's file (inside pc_group_t.srcs) */
	uint64_t at;                 /* where the entry (its HTML's length first) starts in the old file */
	uint32_t headlen, bodylen, seclen; /* its parts' lengths: head, HTML, sections */
	const unsigned char *head;   /* its head, in the old index (pc_group_t.srcs) */
	atomic_int hit;
} pc_old_t;

/* The whole extent of an entry in its file (its head is in the index). */
static uint64_t entry_size(uint32_t bodylen, uint32_t seclen)
{
	return 2 * 12 + (uint64_t)bodylen + (uint64_t)seclen;
}

typedef struct {
	char *path;                  /* the group's file (owned) */
	pc_file_t *oldf;             /* the file as read (entries are read from it with pread), or NULL */
	uint64_t universe;           /* the link targets of the build that wrote it */
	char *srcs;                  /* the old index (its src strings and heads), owned */
	pc_old_t *old;               /* its entries (owned) */
	size_t nold;
	map_t index;                 /* src -> old[] index + 1 */
	pthread_mutex_t lock;        /* guards the fields below */
	int fd;                      /* the new file, open from the first entry put (-1: none yet) */
	char *tmp;                   /* its temporary name beside path (owned) */
	uint64_t pos;                /* bytes written to it */
	buf_t idx;                   /* its index so far (src, offset, lengths per entry) */
	size_t nfresh;               /* entries put */
	size_t nidx;                 /* entries in idx */
	int failed;                  /* a write failed: the file is dropped */
} pc_group_t;

struct pcache {
	pc_group_t *groups;
	size_t ngroups;
	uint64_t binary_id;
	uint64_t universe;           /* this build's link targets (pcache_load) */
	atomic_size_t asked;
};

void pcache_key(pcache_key_t *out, const char *body, size_t len, int line_offset, unsigned flags, const char *title)
{
	XXH128_hash_t h = XXH3_128bits(body, len);
	out->body[0] = h.low64;
	out->body[1] = h.high64;
	out->line_offset = line_offset;
	out->flags = flags;
	out->title = title;
}

/* Read `n` bytes at `off` of `fd` whole; 0 on a short read (the file changed under us) or an error. */
static int read_at(int fd, void *p, size_t n, uint64_t off)
{
	unsigned char *d = p;
	while (n) {
		ssize_t r = pread(fd, d, n, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return 0;
		d += r;
		n -= (size_t)r;
		off += (uint64_t)r;
	}
	return 1;
}

/* Read the part of `len` bytes (its length first, its checksum after) at `at` of `fd` into a new buffer;
 * NULL when it cannot be read or is damaged. */
static unsigned char *read_part(int fd, uint64_t at, uint32_t len)
{
	unsigned char *b = malloc((size_t)len + 12);
	if (!b || !read_at(fd, b, (size_t)len + 12, at)) {
		free(b);
		return NULL;
	}
	hfile_rd_t r = {b, b + len + 12, 0};
	uint32_t n = hfile_u32(&r);
	r.p += len;
	uint64_t sum = hfile_u64(&r);
	if (n != len || sum != XXH3_64bits(b + 4, len)) {
		free(b);
		return NULL;
	}
	return b;
}

/* Check the group's file (header, index and its checksum, entry bounds) and index its entries; the
 * file stays open and each entry is read from it when asked (pread: a file cut short later is a miss,
 * not a SIGBUS). A bad file leaves the group empty. */
static void group_read(pcache_t *c, pc_group_t *g)
{
	struct stat st;
	int fd = hfile_open(g->path, &st);
	if (fd < 0)
		return;
	uint64_t size = (uint64_t)st.st_size;
	unsigned char hdr[PC_HDR];
	unsigned char *ix = NULL;
	if (size < PC_HDR + 12 || !read_at(fd, hdr, PC_HDR, 0))
		goto bad;
	hfile_rd_t r = {hdr, hdr + PC_HDR, 0};
	if (memcmp(hdr, PC_MAGIC, 8) != 0)
		goto bad;
	r.p += 8;
	if (hfile_u32(&r) != PC_VERSION)
		goto bad;
	(void)hfile_u32(&r);
	if (hfile_u64(&r) != c->binary_id)
		goto bad;
	uint64_t at = hfile_u64(&r);
	g->universe = hfile_u64(&r);
	if (r.bad || at < PC_HDR || at > size - 12 || size - at > SIZE_MAX / 2)
		goto bad;
	size_t ilen = (size_t)(size - at - 8);
	ix = malloc(ilen + 8);
	if (!ix || !read_at(fd, ix, ilen + 8, at))
		goto bad;
	hfile_rd_t sr = {ix + ilen, ix + ilen + 8, 0};
	if (hfile_u64(&sr) != XXH3_64bits(ix, ilen))
		goto bad;
	hfile_rd_t ir = {ix, ix + ilen, 0};
	uint32_t n = hfile_u32(&ir);
	if (n > PC_MAX_ENTRIES || n > ilen / 20)
		goto bad;
	g->old = xcalloc(n ? n : 1, sizeof *g->old);
	for (uint32_t i = 0; i < n; i++) {
		pc_old_t *o = &g->old[g->nold];
		o->src = hfile_str(&ir);
		o->at = hfile_u64(&ir);
		o->headlen = hfile_u32(&ir);
		o->bodylen = hfile_u32(&ir);
		o->seclen = hfile_u32(&ir);
		if (ir.bad || !o->src || o->at < PC_HDR || o->at > at || entry_size(o->bodylen, o->seclen) > at - o->at ||
		    (size_t)(ir.e - ir.p) < o->headlen)
			break;
		o->head = ir.p;
		ir.p += o->headlen;
		g->nold++;
	}
	if (g->nold != n || ir.p != ir.e)
		goto bad;
	for (size_t i = 0; i < g->nold; i++)
		map_put(&g->index, g->old[i].src, MAP_INT(i + 1));
	g->srcs = (char *)ix;
	g->oldf = xcalloc(1, sizeof *g->oldf);
	g->oldf->fd = fd;
	atomic_init(&g->oldf->refs, 1);
	return;
bad:
	free(ix);
	free(g->old);
	g->old = NULL;
	g->nold = 0;
	close(fd);
}

static void read_one(void *ud, size_t k)
{
	pcache_t *c = ud;
	group_read(c, &c->groups[k]);
}

pcache_t *pcache_load(const char *dir, const char *const *names, size_t ngroups, uint64_t binary_id,
		      uint64_t universe, int jobs)
{
	pcache_t *c = xcalloc(1, sizeof *c);
	c->ngroups = ngroups;
	c->binary_id = binary_id;
	c->universe = universe;
	c->groups = xcalloc(ngroups ? ngroups : 1, sizeof *c->groups);
	for (size_t k = 0; k < ngroups; k++) {
		pc_group_t *g = &c->groups[k];
		g->path = k ? xasprintf("%s/rendered-pages.%s", dir, names[k]) : xasprintf("%s/rendered-pages", dir);
		g->index = (map_t)MAP_INIT;
		g->fd = -1;
		pthread_mutex_init(&g->lock, NULL);
	}
	par_for(ngroups, jobs > 0 ? jobs : 1, read_one, c); /* one repository's file per call */
	return c;
}

/* Decode an entry's rendering after its key. */
static void rd_entry(hfile_rd_t *r, pcache_entry_t *out)
{
	md_doc_t *d = &out->doc;
	out->nlinks = hfile_count(r);
	out->links = xcalloc(out->nlinks + 1, sizeof *out->links);
	for (size_t i = 0; i < out->nlinks && !r->bad; i++) {
		pcache_link_t *l = &out->links[i];
		l->url = hfile_strdup(r);
		l->is_image = hfile_u8(r);
		l->line = (int)hfile_u32(r);
		l->col = (int)hfile_u32(r);
		l->result = hfile_opt_strdup(r);
		l->kind = hfile_u8(r);
		if (l->kind == PCACHE_LINK_PAGE) {
			l->target = hfile_strdup(r);
			l->fragment = hfile_opt_strdup(r);
			if (!l->target)
				r->bad = 1;
		} else if (l->kind != PCACHE_LINK_NONE && l->kind != PCACHE_LINK_ASKED) {
			r->bad = 1;
		}
	}
	d->nheadings = hfile_count(r);
	d->headings = xcalloc(d->nheadings + 1, sizeof *d->headings);
	for (size_t i = 0; i < d->nheadings && !r->bad; i++) {
		d->headings[i].level = (int)hfile_u32(r);
		d->headings[i].id = hfile_strdup(r);
		d->headings[i].text = hfile_strdup(r);
		d->headings[i].line = (int)hfile_u32(r);
	}
	d->h1 = hfile_opt_strdup(r);
	d->nhtml_ids = hfile_count(r);
	d->html_ids = xcalloc(d->nhtml_ids + 1, sizeof *d->html_ids);
	for (size_t i = 0; i < d->nhtml_ids && !r->bad; i++)
		d->html_ids[i] = hfile_strdup(r);
	d->words = (size_t)hfile_u64(r);
	d->features = hfile_u32(r);
	out->ndiags = hfile_count(r);
	out->diags = xcalloc(out->ndiags + 1, sizeof *out->diags);
	for (size_t i = 0; i < out->ndiags && !r->bad; i++) {
		diag_t *g = &out->diags[i];
		g->severity = (diag_severity)hfile_u8(r);
		g->line = (int)hfile_u32(r);
		g->col = (int)hfile_u32(r);
		g->code = hfile_opt_strdup(r);
		g->message = hfile_strdup(r);
	}
	d->html_digest[0] = hfile_u64(r);
	d->html_digest[1] = hfile_u64(r);
	d->sections_digest[0] = hfile_u64(r); /* the search index's key of the page without its sections */
	d->sections_digest[1] = hfile_u64(r);
}

static int key_matches(hfile_rd_t *r, const pcache_key_t *key)
{
	if (hfile_u64(r) != key->body[0] || hfile_u64(r) != key->body[1])
		return 0;
	if ((int)hfile_u32(r) != key->line_offset || hfile_u32(r) != key->flags)
		return 0;
	if (hfile_u8(r) != (key->title != NULL))
		return 0;
	return !key->title || hfile_str_is(r, key->title);
}

static void lazy_release(md_lazy_t *l);

/* A page's HTML or sections, read from its old file when first asked for (md_lazy_t). */
typedef struct {
	md_lazy_t base;
	pc_file_t *f;                /* a reference */
	uint64_t at;                 /* its part (length first) */
	uint32_t len;
	int sections;                /* the sections part, else the HTML */
} pc_lazy_t;

static void free_sections(md_section_t *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].anchor);
		free(v[i].heading);
		free(v[i].text);
	}
	free(v);
}

static int lazy_load(md_lazy_t *l, void *doc)
{
	pc_lazy_t *z = (pc_lazy_t *)l;
	md_doc_t *d = doc;
	unsigned char *b = read_part(z->f->fd, z->at, z->len);
	if (!b)
		return -1;
	hfile_rd_t r = {b + 4, b + 4 + z->len, 0};
	if (z->sections) {
		size_t n = hfile_count(&r);
		md_section_t *v = xcalloc(n + 1, sizeof *v);
		for (size_t i = 0; i < n && !r.bad; i++) {
			v[i].anchor = hfile_strdup(&r);
			v[i].heading = hfile_strdup(&r);
			v[i].text = hfile_strdup(&r);
		}
		if (r.bad || r.p != r.e) {
			free_sections(v, n);
		} else {
			d->sections = v;
			d->nsections = n;
		}
	} else {
		char *html = hfile_strdup(&r);
		if (r.bad || r.p != r.e)
			free(html);
		else
			d->html = html;
	}
	free(b);
	return r.bad || r.p != r.e ? -1 : 0;
}

/* A lazy part of entry `o` of `g`'s old file: `which` 1 the HTML, 2 the sections. */
static md_lazy_t *lazy_part(pc_group_t *g, const pc_old_t *o, int which)
{
	pc_lazy_t *z = xcalloc(1, sizeof *z);
	z->base.load = lazy_load;
	z->base.release = lazy_release;
	z->f = g->oldf;
	atomic_fetch_add(&g->oldf->refs, 1);
	z->at = o->at;
	z->len = o->bodylen;
	if (which == 2) {
		z->at += 12 + o->bodylen;
		z->len = o->seclen;
		z->sections = 1;
	}
	return &z->base;
}


int pcache_get(pcache_t *c, size_t group, const char *src, const pcache_key_t *key, pcache_entry_t *out)
{
	memset(out, 0, sizeof *out);
	atomic_fetch_add(&c->asked, 1);
	if (group >= c->ngroups)
		return 0;
	pc_group_t *g = &c->groups[group];
	void *v;
	if (!g->oldf || !map_get(&g->index, src, &v))
		return 0;
	pc_old_t *o = &g->old[MAP_AS_INT(v) - 1];
	hfile_rd_t r = {o->head, o->head + o->headlen, 0}; /* checked with the index */
	int ok = key_matches(&r, key) && !r.bad;
	if (ok) {
		rd_entry(&r, out);
		out->same_links = c->universe && g->universe == c->universe;
		uint8_t has_html = hfile_u8(&r);
		ok = !r.bad && r.p == r.e && (has_html ? o->bodylen > 0 : o->bodylen == 0);
		if (ok && has_html) /* the HTML stays in the file until the page is written */
			out->doc.html_from = lazy_part(g, o, 1);
		if (ok) /* and the sections until the search index needs them */
			out->doc.sections_from = lazy_part(g, o, 2);
		if (!ok)
			pcache_entry_clear(out);
	}
	if (ok)
		atomic_store(&o->hit, 1);
	return ok;
}

static void lazy_release(md_lazy_t *l)
{
	pc_lazy_t *z = (pc_lazy_t *)l;
	file_unref(z->f);
	free(z);
}

/* Open the group's new file (a temporary name beside it) and write its header; where its index
 * starts is set by group_finish. */
static void group_start(pc_group_t *g, uint64_t binary_id, uint64_t universe)
{
	g->fd = hfile_create_temp(g->path, &g->tmp);
	if (g->fd < 0) {
		g->failed = 1;
		return;
	}
	buf_t h = BUF_INIT;
	buf_put(&h, PC_MAGIC, 8);
	hfile_put_u32(&h, PC_VERSION);
	hfile_put_u32(&h, 0);
	hfile_put_u64(&h, binary_id);
	hfile_put_u64(&h, 0); /* where the index starts: group_finish */
	hfile_put_u64(&h, universe);
	if (!hfile_write_all(g->fd, h.s, h.len))
		g->failed = 1;
	g->pos = h.len;
	buf_free(&h);
}

/* Append bytes to the new file (the lock held). */
static void group_write(pc_group_t *g, const void *p, size_t n)
{
	if (g->failed || g->fd < 0)
		return;
	if (!hfile_write_all(g->fd, p, n))
		g->failed = 1;
	g->pos += n;
}

/* Note in the new file's index that the entry of `src` starts at `at`, with its head (the lock held). */
static void index_add(pc_group_t *g, const char *src, uint64_t at, uint32_t headlen, uint32_t bodylen,
		      uint32_t seclen, const void *head)
{
	hfile_put_str(&g->idx, src, strlen(src));
	hfile_put_u64(&g->idx, at);
	hfile_put_u32(&g->idx, headlen);
	hfile_put_u32(&g->idx, bodylen);
	hfile_put_u32(&g->idx, seclen);
	buf_put(&g->idx, head, headlen);
	g->nidx++;
}

/* Close and remove an unfinished file. */
static void group_drop(pc_group_t *g)
{
	if (g->fd >= 0)
		close(g->fd);
	g->fd = -1;
	if (g->tmp)
		unlink(g->tmp);
	free(g->tmp);
	g->tmp = NULL;
	buf_free(&g->idx);
	g->nidx = 0;
}

/* The index and its checksum, where it starts in the header; renamed in place. 1 when written. */
static int group_finish(pc_group_t *g)
{
	uint64_t at = g->pos;
	buf_t b = BUF_INIT;
	hfile_put_u32(&b, (uint32_t)g->nidx);
	buf_put(&b, g->idx.s ? g->idx.s : "", g->idx.len);
	hfile_put_u64(&b, XXH3_64bits(b.s, b.len));
	group_write(g, b.s, b.len);
	b.len = 0;
	hfile_put_u64(&b, at);
	if (!g->failed)
		g->failed = pwrite(g->fd, b.s, 8, PC_INDEX_AT) != 8;
	buf_free(&b);
	if (!g->failed)
		g->failed = close(g->fd) != 0;
	else
		close(g->fd);
	g->fd = -1;
	if (!g->failed)
		g->failed = fsu_replace_at(AT_FDCWD, g->tmp, AT_FDCWD, g->path) != 0;
	int ok = !g->failed;
	group_drop(g); /* nothing left when renamed */
	return ok;
}

void pcache_drop(pcache_t *c, size_t group, const char *src)
{
	void *v;
	if (group < c->ngroups && map_get(&c->groups[group].index, src, &v))
		atomic_store(&c->groups[group].old[MAP_AS_INT(v) - 1].hit, 0);
}

/* Append a part: its length, its bytes from `from` to the end of `b`, its checksum (the length's four
 * bytes were reserved at from - 4). */
static void seal_part(buf_t *b, size_t from)
{
	size_t n = b->len - from;
	for (int k = 0; k < 4; k++)
		b->s[from - 4 + (size_t)k] = (char)(n >> (8 * k));
	hfile_put_u64(b, XXH3_64bits(b->s + from, n));
}

void pcache_put(pcache_t *c, size_t group, const char *src, const pcache_key_t *key, const pcache_entry_t *e)
{
	if (group >= c->ngroups)
		return;
	/* its size first: one allocation (a page's entry is tens of kilobytes) */
	const md_doc_t *d = &e->doc;
	size_t need = 128 + (key->title ? strlen(key->title) : 0) + (d->html ? strlen(d->html) : 0) +
		      (d->h1 ? strlen(d->h1) : 0) + 16;
	for (size_t i = 0; i < e->nlinks; i++)
		need += 32 + strlen(e->links[i].url) + (e->links[i].result ? strlen(e->links[i].result) : 0) +
			(e->links[i].target ? strlen(e->links[i].target) : 0) +
			(e->links[i].fragment ? strlen(e->links[i].fragment) : 0);
	for (size_t i = 0; i < d->nheadings; i++)
		need += 18 + strlen(d->headings[i].id) + strlen(d->headings[i].text);
	for (size_t i = 0; i < d->nsections; i++)
		need += 15 + strlen(d->sections[i].anchor) + strlen(d->sections[i].heading) + strlen(d->sections[i].text);
	for (size_t i = 0; i < d->nhtml_ids; i++)
		need += 5 + strlen(d->html_ids[i]);
	for (size_t i = 0; i < e->ndiags; i++)
		need += 24 + (e->diags[i].code ? strlen(e->diags[i].code) : 0) + strlen(e->diags[i].message);
	buf_t b = BUF_INIT;
	buf_grow(&b, need);
	hfile_put_u32(&b, 0); /* the head's length: seal_part */
	hfile_put_u64(&b, key->body[0]);
	hfile_put_u64(&b, key->body[1]);
	hfile_put_u32(&b, (uint32_t)key->line_offset);
	hfile_put_u32(&b, key->flags);
	hfile_put_opt_str(&b, key->title);
	hfile_put_u32(&b, (uint32_t)e->nlinks);
	for (size_t i = 0; i < e->nlinks; i++) {
		const pcache_link_t *l = &e->links[i];
		hfile_put_cstr(&b, l->url);
		hfile_put_u8(&b, (uint8_t)(l->is_image != 0));
		hfile_put_u32(&b, (uint32_t)l->line);
		hfile_put_u32(&b, (uint32_t)l->col);
		hfile_put_opt_str(&b, l->result);
		hfile_put_u8(&b, (uint8_t)l->kind);
		if (l->kind == PCACHE_LINK_PAGE) {
			hfile_put_cstr(&b, l->target);
			hfile_put_opt_str(&b, l->fragment);
		}
	}
	hfile_put_u32(&b, (uint32_t)d->nheadings);
	for (size_t i = 0; i < d->nheadings; i++) {
		hfile_put_u32(&b, (uint32_t)d->headings[i].level);
		hfile_put_cstr(&b, d->headings[i].id);
		hfile_put_cstr(&b, d->headings[i].text);
		hfile_put_u32(&b, (uint32_t)d->headings[i].line);
	}
	hfile_put_opt_str(&b, d->h1);
	hfile_put_u32(&b, (uint32_t)d->nhtml_ids);
	for (size_t i = 0; i < d->nhtml_ids; i++)
		hfile_put_cstr(&b, d->html_ids[i]);
	hfile_put_u64(&b, (uint64_t)d->words);
	hfile_put_u32(&b, d->features);
	hfile_put_u32(&b, (uint32_t)e->ndiags);
	for (size_t i = 0; i < e->ndiags; i++) {
		const diag_t *g = &e->diags[i];
		hfile_put_u8(&b, (uint8_t)g->severity);
		hfile_put_u32(&b, (uint32_t)g->line);
		hfile_put_u32(&b, (uint32_t)g->col);
		hfile_put_opt_str(&b, g->code);
		hfile_put_cstr(&b, g->message);
	}
	hfile_put_u64(&b, d->html_digest[0]);
	hfile_put_u64(&b, d->html_digest[1]);
	hfile_put_u64(&b, d->sections_digest[0]);
	hfile_put_u64(&b, d->sections_digest[1]);
	hfile_put_u8(&b, d->html != NULL);
	size_t headlen = b.len - 4;
	seal_part(&b, 4);
	size_t body_at = b.len + 4;
	hfile_put_u32(&b, 0); /* the HTML's length: seal_part */
	if (d->html)
		hfile_put_str(&b, d->html, strlen(d->html));
	size_t bodylen = b.len - body_at;
	seal_part(&b, body_at);
	size_t sec_at = b.len + 4;
	hfile_put_u32(&b, 0); /* the sections' length: seal_part */
	hfile_put_u32(&b, (uint32_t)d->nsections);
	for (size_t i = 0; i < d->nsections; i++) {
		hfile_put_cstr(&b, d->sections[i].anchor);
		hfile_put_cstr(&b, d->sections[i].heading);
		hfile_put_cstr(&b, d->sections[i].text);
	}
	size_t seclen = b.len - sec_at;
	seal_part(&b, sec_at);
	if (headlen > PC_PART_MAX || bodylen > PC_PART_MAX || seclen > PC_PART_MAX) { /* a page of gigabytes */
		buf_free(&b);
		return;
	}
	pc_group_t *g = &c->groups[group];
	void *v;
	if (map_get(&g->index, src, &v)) /* got, then rendered anew: the new rendering replaces it */
		atomic_store(&g->old[MAP_AS_INT(v) - 1].hit, 0);
	pthread_mutex_lock(&g->lock);
	if (g->fd < 0 && !g->failed)
		group_start(g, c->binary_id, c->universe);
	/* the head goes into the index, the HTML and sections into the file */
	index_add(g, src, g->pos, (uint32_t)headlen, (uint32_t)bodylen, (uint32_t)seclen, b.s + 4);
	group_write(g, b.s + 12 + headlen, b.len - 12 - headlen);
	g->nfresh++;
	pthread_mutex_unlock(&g->lock);
	buf_free(&b);
}

/* The old file is not needed by the cache any more: its reference dropped (pages whose HTML is still
 * to be read keep it open), its index freed. */
static void group_release(pc_group_t *g)
{
	file_unref(g->oldf);
	g->oldf = NULL;
	free(g->old);
	g->old = NULL;
	g->nold = 0;
	free(g->srcs);
	g->srcs = NULL;
}

/* Copy the kept entries of the old file to the new one, as they are, a run of neighbours at a time in
 * chunks of PC_COPY bytes, and index them at their new places. */
#define PC_COPY ((size_t)1 << 20)
static void copy_kept(pc_group_t *g, const atomic_int *stop)
{
	unsigned char *chunk = xmalloc(PC_COPY);
	for (size_t i = 0; i < g->nold && !g->failed;) {
		if (!atomic_load(&g->old[i].hit)) {
			i++;
			continue;
		}
		size_t first = i;
		const pc_old_t *o = &g->old[i];
		uint64_t from = o->at, to = from + entry_size(o->bodylen, o->seclen);
		for (i++; i < g->nold && atomic_load(&g->old[i].hit) && g->old[i].at == to; i++)
			to += entry_size(g->old[i].bodylen, g->old[i].seclen);
		for (size_t k = first; k < i; k++)
			index_add(g, g->old[k].src, g->pos + (g->old[k].at - from), g->old[k].headlen, g->old[k].bodylen,
				  g->old[k].seclen, g->old[k].head);
		while (from < to && !g->failed) {
			if (stop && atomic_load(stop)) /* Ctrl-C: within one chunk */
				g->failed = 1;
			size_t n = to - from < PC_COPY ? (size_t)(to - from) : PC_COPY;
			if (!g->failed && !read_at(g->oldf->fd, chunk, n, from))
				g->failed = 1; /* the old file changed under us: no new file rather than a wrong one */
			group_write(g, chunk, n);
			from += n;
		}
	}
	free(chunk);
}

int pcache_save(pcache_t *c, const atomic_int *stop)
{
	int written = 0, failed = 0;
	for (size_t k = 0; k < c->ngroups; k++) {
		pc_group_t *g = &c->groups[k];
		size_t kept = 0;
		for (size_t i = 0; i < g->nold; i++)
			kept += atomic_load(&g->old[i].hit) != 0;
		if (stop && atomic_load(stop)) {
			group_drop(g);
			group_release(g);
			continue;
		}
		int had = g->oldf != NULL;
		if ((!g->nfresh && kept == g->nold && had) || /* every page as the file has it */
		    (!g->nfresh && !kept && !had)) {          /* nothing to keep, nothing kept before */
			group_release(g);
			continue;
		}
		if (g->fd < 0 && !g->failed)
			group_start(g, c->binary_id, c->universe);
		copy_kept(g, stop);
		if (kept + g->nfresh != g->nidx)
			g->failed = 1;
		if (group_finish(g))
			written++;
		else
			failed = 1;
		group_release(g);
	}
	return failed ? -1 : written;
}

void pcache_counts(const pcache_t *c, size_t *hits, size_t *asked)
{
	size_t n = 0;
	for (size_t k = 0; k < c->ngroups; k++)
		for (size_t i = 0; i < c->groups[k].nold; i++)
			n += atomic_load(&c->groups[k].old[i].hit) != 0;
	*hits = n;
	*asked = atomic_load(&c->asked);
}

void pcache_entry_clear(pcache_entry_t *e)
{
	md_doc_free(&e->doc);
	for (size_t i = 0; i < e->nlinks; i++) {
		free(e->links[i].url);
		free(e->links[i].result);
		free(e->links[i].target);
		free(e->links[i].fragment);
	}
	free(e->links);
	for (size_t i = 0; i < e->ndiags; i++) {
		free(e->diags[i].code);
		free(e->diags[i].message);
		free(e->diags[i].file);
	}
	free(e->diags);
	memset(e, 0, sizeof *e);
}

void pcache_free(pcache_t *c)
{
	if (!c)
		return;
	for (size_t k = 0; k < c->ngroups; k++) {
		pc_group_t *g = &c->groups[k];
		free(g->path);
		group_release(g);
		map_free(&g->index);
		group_drop(g); /* a file not saved (an interrupted build) */
		pthread_mutex_destroy(&g->lock);
	}
	free(c->groups);
	free(c);
}
