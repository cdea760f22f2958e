/* pagekeys.c - input digests of page files. See pagekeys.h.
 *
 * Everything page_ctx() and nav.c read is fed to XXH3-128 here, field by
 * field, each string with its length (NULL apart from ""), each list with
 * its count, so that two different inputs cannot hash the same stream. A
 * field added to a page's context must be added here too: the verify mode
 * (pagekeys.h) is how a missing one is found. */
#include "pagekeys.h"

#include <stdlib.h>
#include <string.h>
#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t on the stack */
#include <xxhash.h>

#include "alerts.h"
#include "buf.h"
#include "dating.h"
#include "parallel.h"

typedef struct {
	uint64_t h[2];
} dg_t;

struct pkeys {
	const site_t *s;
	const nav_t *n;
	pkeys_rel_t rel;
	dg_t *view;     /* per page: what a list showing it says of it */
	dg_t *sidebar;  /* per folder: the sidebar and breadcrumbs of a page in it */
	dg_t *children; /* per folder: the entries its section page lists */
	dg_t *trail;    /* per folder: the titles above it (nav_trail) */
};

/* An XXH3-128 stream whose small pieces are gathered in a buffer first: one hash of the whole when it
 * fits (most digests), else the buffer fed to the streaming state each time it fills. The same bytes
 * give the same digest either way. */
typedef struct {
	unsigned char b[1024];
	size_t n;
	int streaming;
	XXH3_state_t st;
} hs_t;

static void hs_reset(hs_t *h)
{
	h->n = 0;
	h->streaming = 0;
}

static void put_bytes(hs_t *h, const void *p, size_t len)
{
	if (h->n + len > sizeof h->b) {
		if (!h->streaming) {
			XXH3_128bits_reset(&h->st);
			h->streaming = 1;
		}
		XXH3_128bits_update(&h->st, h->b, h->n);
		h->n = 0;
		if (len > sizeof h->b) {
			XXH3_128bits_update(&h->st, p, len);
			return;
		}
	}
	memcpy(h->b + h->n, p, len);
	h->n += len;
}

static void put_u64(hs_t *st, uint64_t v)
{
	put_bytes(st, &v, sizeof v);
}

static void put_str(hs_t *st, const char *s)
{
	if (!s) {
		put_u64(st, UINT64_MAX);
		return;
	}
	size_t n = strlen(s);
	put_u64(st, n);
	put_bytes(st, s, n);
}

static void put_dg(hs_t *st, const dg_t *d)
{
	put_bytes(st, d->h, sizeof d->h);
}

static void finish(hs_t *h, uint64_t out[2])
{
	XXH128_hash_t r;
	if (h->streaming) {
		XXH3_128bits_update(&h->st, h->b, h->n);
		r = XXH3_128bits_digest(&h->st);
	} else {
		r = XXH3_128bits(h->b, h->n);
	}
	out[0] = r.low64;
	out[1] = r.high64;
}

/* The folder nav_trail() starts from for page `i`: its own, or the parent when it is that folder's index. */
static long trail_folder(const nav_t *n, long i)
{
	long f = i >= 0 ? n->page_folder[i] : -1;
	if (f > 0 && n->folders[f].index_page == i)
		f = n->folders[f].parent;
	return f;
}

static void view_of(void *ud, size_t i)
{
	pkeys_t *k = ud;
	const site_page_t *p = &k->s->pages[i];
	hs_t st;
	hs_reset(&st);
	put_str(&st, p->title);
	put_str(&st, p->url);
	put_str(&st, p->type);
	put_str(&st, site_status_name(p->fresh.status));
	put_str(&st, p->fm.criticality);
	put_str(&st, p->fm.description);
	put_str(&st, p->owner);
	put_u64(&st, (uint64_t)p->source);
	long f = trail_folder(k->n, (long)i);
	if (f > 0)
		put_dg(&st, &k->trail[f]);
	else
		put_u64(&st, 0);
	finish(&st, k->view[i].h);
}

/* The entries a folder lists in the sidebar (nav.c folder_items): folders and pages, title and URL. */
static void folder_entries(hs_t *st, const pkeys_t *k, long f)
{
	const nav_folder_t *fo = &k->n->folders[f];
	put_u64(st, fo->norder);
	for (size_t j = 0; j < fo->norder; j++) {
		long e = fo->order[j];
		if (e < 0) {
			const nav_folder_t *sub = &k->n->folders[-e - 1];
			put_u64(st, 1);
			put_str(st, sub->title);
			put_str(st, sub->url);
		} else {
			put_u64(st, 2);
			put_str(st, nav_title_of(&k->s->pages[e]));
			put_str(st, k->s->pages[e].url);
		}
	}
}

/* Folder f's three digests; its parent's first when the parent is numbered before it. */
static void folder_digest(pkeys_t *k, size_t f)
{
	const nav_t *n = k->n;
	const nav_folder_t *fo = &n->folders[f];
	hs_t st;
	hs_reset(&st);
	if (fo->parent >= 0 && (size_t)fo->parent < f) {
		put_dg(&st, &k->sidebar[fo->parent]);
	} else { /* the root, or a parent not numbered first: its whole chain */
		for (long x = fo->parent; x >= 0; x = n->folders[x].parent) {
			put_str(&st, n->folders[x].title);
			put_str(&st, n->folders[x].url);
			folder_entries(&st, k, x);
		}
	}
	put_str(&st, fo->title);
	put_str(&st, fo->url);
	folder_entries(&st, k, (long)f);
	finish(&st, k->sidebar[f].h);

	hs_reset(&st);
	if (fo->parent > 0 && (size_t)fo->parent < f)
		put_dg(&st, &k->trail[fo->parent]);
	else
		for (long x = fo->parent; x > 0; x = n->folders[x].parent)
			put_str(&st, n->folders[x].title);
	put_str(&st, fo->title);
	finish(&st, k->trail[f].h);

	/* nav.c nav_children */
	hs_reset(&st);
	put_u64(&st, fo->norder);
	for (size_t j = 0; j < fo->norder; j++) {
		long e = fo->order[j];
		if (e < 0) {
			const nav_folder_t *sub = &n->folders[-e - 1];
			put_u64(&st, 1);
			put_str(&st, sub->title);
			put_str(&st, sub->url);
			put_u64(&st, nav_count_pages(n, -e - 1));
			put_str(&st, sub->index_page >= 0 ? k->s->pages[sub->index_page].fm.description : NULL);
			continue;
		}
		const site_page_t *p = &k->s->pages[e];
		put_u64(&st, 2);
		put_str(&st, nav_title_of(p));
		put_str(&st, p->url);
		put_str(&st, p->type);
		put_str(&st, p->fm.description);
		put_str(&st, p->fm.criticality);
		put_str(&st, p->owner);
		put_str(&st, site_status_name(p->fresh.status));
	}
	finish(&st, k->children[f].h);
}

/* folders_digest's folders of one depth, on every core. */
typedef struct {
	pkeys_t *k;
	const size_t *f;
} level_t;

static void level_folder(void *ud, size_t i)
{
	level_t *l = ud;
	folder_digest(l->k, l->f[i]);
}

/* Folders are numbered after their parents (nav_build): depth by depth, top-down, each depth's folders
 * in parallel (a folder's digests read its parent's only). */
static void folders_digest(pkeys_t *k, int jobs)
{
	const nav_t *n = k->n;
	size_t nf = n->nfolders;
	size_t *depth = xcalloc(nf + 1, sizeof *depth), maxd = 0;
	for (size_t f = 0; f < nf; f++) {
		long up = n->folders[f].parent;
		depth[f] = up >= 0 && (size_t)up < f ? depth[up] + 1 : 0;
		if (depth[f] > maxd)
			maxd = depth[f];
	}
	size_t *at = xmalloc((nf + 1) * sizeof *at);
	for (size_t d = 0; d <= maxd && nf; d++) {
		size_t m = 0;
		for (size_t f = 0; f < nf; f++)
			if (depth[f] == d)
				at[m++] = f;
		level_t l = {k, at};
		par_for(m, jobs, level_folder, &l);
	}
	free(at);
	free(depth);
}

pkeys_t *pkeys_new(const site_t *s, const nav_t *n, const pkeys_rel_t *rel, int jobs)
{
	pkeys_t *k = xcalloc(1, sizeof *k);
	k->s = s;
	k->n = n;
	k->rel = *rel;
	k->view = xcalloc(s->npages + 1, sizeof *k->view);
	k->sidebar = xcalloc(n->nfolders + 1, sizeof *k->sidebar);
	k->children = xcalloc(n->nfolders + 1, sizeof *k->children);
	k->trail = xcalloc(n->nfolders + 1, sizeof *k->trail);
	folders_digest(k, jobs);
	par_for(s->npages, jobs, view_of, k);
	return k;
}

void pkeys_free(pkeys_t *k)
{
	if (!k)
		return;
	free(k->view);
	free(k->sidebar);
	free(k->children);
	free(k->trail);
	free(k);
}

/* The page's own fields (render.c page_ctx and fresh_ctx). */
static void own_fields(hs_t *st, const site_t *s, const site_page_t *p)
{
	uint64_t raw[2] = {0, 0};
	if (p->fm.raw) {
		const val_t *v[1] = {p->fm.raw};
		val_digest(v, 1, raw);
	}
	put_u64(st, raw[0]);
	put_u64(st, raw[1]);
	put_str(st, p->title);
	put_str(st, p->src);
	put_str(st, p->type);
	put_str(st, p->slug);
	put_str(st, p->fm.description);
	put_str(st, p->owner);
	put_str(st, p->owner_source);
	put_str(st, p->fm.criticality);
	put_u64(st, p->fm.ntags);
	for (size_t i = 0; i < p->fm.ntags; i++)
		put_str(st, p->fm.tags[i]);
	put_u64(st, p->nalerts);
	for (size_t i = 0; i < p->nalerts; i++)
		put_str(st, p->alerts[i]);
	/* the HTML by its digest (md_doc_t.html_digest: a kept page's HTML is not loaded), else hashed */
	XXH128_hash_t h = {p->md.html_digest[0], p->md.html_digest[1]};
	if (!h.low64 && !h.high64) {
		const char *html = p->md.html ? p->md.html : "";
		h = XXH3_128bits(html, strlen(html));
	}
	put_u64(st, h.low64);
	put_u64(st, h.high64);
	put_u64(st, (uint64_t)p->draft);
	put_u64(st, p->md.features);
	put_u64(st, (uint64_t)s->opts.serve << 1 | (uint64_t)s->opts.drafts);
	put_u64(st, p->md.words);
	put_u64(st, p->md.nheadings);
	for (size_t i = 0; i < p->md.nheadings; i++) {
		put_u64(st, (uint64_t)p->md.headings[i].level);
		put_str(st, p->md.headings[i].id);
		put_str(st, p->md.headings[i].text);
	}
	put_u64(st, (uint64_t)p->is_index);
	put_u64(st, (uint64_t)p->source);
	/* the edit and history links (render.c repo_link) */
	const config_t *cfg = p->source ? &s->sources[p->source - 1].cfg : &s->cfg;
	put_str(st, cfg->repo_url);
	put_str(st, cfg->repo_branch);
	put_str(st, p->source ? s->sources[p->source - 1].branch : s->branch);
	put_str(st, site_page_repo_path(p));
	/* freshness */
	const site_fresh_t *f = &p->fresh;
	put_u64(st, (uint64_t)f->status);
	put_u64(st, (uint64_t)f->unreviewed);
	put_u64(st, (uint64_t)dating_basis_reviewed(site_source_cfg(s, p->source), p));
	put_u64(st, (uint64_t)f->interval_days);
	put_u64(st, (uint64_t)f->has_commit);
	if (f->has_commit) {
		put_u64(st, (uint64_t)f->commit_time);
		put_str(st, f->author);
		put_str(st, f->summary);
		put_str(st, f->commit_id);
	}
	put_u64(st, (uint64_t)(int64_t)f->age_days);
	put_u64(st, (uint64_t)(int64_t)f->due_in_days);
	put_u64(st, (uint64_t)p->fm.reviewed);
	put_str(st, p->fm.reviewer);
	put_u64(st, (uint64_t)f->drifted);
	put_str(st, f->drift_path);
	put_u64(st, (uint64_t)f->drift_time);
}

void pkeys_page(const pkeys_t *k, long idx, const char *layout, uint64_t out[2])
{
	const site_t *s = k->s;
	const site_page_t *p = &s->pages[idx];
	hs_t st;
	hs_reset(&st);
	put_str(&st, layout);
	put_str(&st, p->url);
	own_fields(&st, s, p);
	long folder = k->n->page_folder[idx];
	put_u64(&st, (uint64_t)(int64_t)folder);
	put_dg(&st, &k->sidebar[folder >= 0 ? folder : 0]);
	if (p->is_index && folder >= 0)
		put_dg(&st, &k->children[folder]);
	/* related pages and pages linking here, as the lists show them */
	for (size_t i = 0; i < p->nlinks; i++)
		if (p->links[i].from_related && p->links[i].target >= 0) {
			put_u64(&st, 3);
			put_dg(&st, &k->view[p->links[i].target]);
		}
	put_u64(&st, p->nbacklinks);
	for (size_t i = 0; i < p->nbacklinks; i++)
		put_dg(&st, &k->view[p->backlinks[i]]);
	void *v;
	if (p->owner && map_get(k->rel.role_by_slug, p->owner, &v)) {
		put_u64(&st, 4);
		put_dg(&st, &k->view[MAP_AS_INT(v)]);
	}
	if (!strcmp(p->type, "role") && map_get(k->rel.role_by_slug, p->slug, &v)) {
		size_t j = (size_t)MAP_AS_INT(v);
		put_u64(&st, 5);
		put_u64(&st, k->rel.owned_at[j + 1] - k->rel.owned_at[j]);
		for (size_t i = k->rel.owned_at[j]; i < k->rel.owned_at[j + 1]; i++)
			put_dg(&st, &k->view[k->rel.owned[i]]);
	}
	finish(&st, out);
}

void pkeys_folder(const pkeys_t *k, long f, const char *layout, uint64_t out[2])
{
	hs_t st;
	hs_reset(&st);
	put_str(&st, layout);
	put_str(&st, k->n->folders[f].url);
	put_dg(&st, &k->sidebar[f]);
	put_dg(&st, &k->children[f]);
	finish(&st, out);
}

void pkeys_redirect(const char *layout, const char *from, const char *to, const char *fragment, const char *title,
		    uint64_t out[2])
{
	hs_t st;
	hs_reset(&st);
	put_str(&st, layout);
	put_str(&st, from);
	put_str(&st, to);
	put_str(&st, fragment);
	put_str(&st, title);
	finish(&st, out);
}

void pkeys_alert(const pkeys_t *k, const char *layout, const char *from, const site_alert_t *a, const char *anchor,
		 const char *home_title, uint64_t out[2])
{
	hs_t st;
	hs_reset(&st);
	put_str(&st, layout);
	put_str(&st, from);
	put_str(&st, a->name);
	put_str(&st, a->summary);
	put_u64(&st, a->npages);
	for (size_t i = 0; i < a->npages; i++)
		put_dg(&st, &k->view[a->pages[i]]);
	put_str(&st, anchor);
	put_str(&st, home_title);
	finish(&st, out);
}

int pkeys_verify(void)
{
	const char *v = getenv("ALMANAC_VERIFY_KEPT");
	return v && v[0] == '1';
}
