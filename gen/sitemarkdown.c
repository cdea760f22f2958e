/* sitemarkdown.c - a page's Markdown rendered, or taken from the last build's (pagecache.h). See
 * site.h (site_render_markdown). */
#include "site.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fsutil.h"
#include "layout.h"
#include "layout_hugo.h"
#include "layout_techdocs.h"
#include "links.h"
#include "pagecache.h"
#include "pagerec.h"
#include "publish.h"
#include "sitelayout.h"

/* md_link_fn around links_rewrite that records every call and its answer (pagecache.h); with
 * `replay`, the answers links_rewrite already gave for this page are given again, in order. */
typedef struct {
	links_ctx_t *lc;
	pcache_link_t *links; /* owned */
	size_t n, cap;
	pcache_link_t *replay; /* borrowed, or NULL */
	size_t nreplay, next;
} linkrec_t;

/* Free the calls `r` recorded. */
static void linkrec_free(linkrec_t *r)
{
	for (size_t k = 0; k < r->n; k++) {
		free(r->links[k].url);
		free(r->links[k].result);
		free(r->links[k].target);
		free(r->links[k].fragment);
	}
	free(r->links);
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static int same_or_null(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* links_rewrite, noting in `l` what its answer did besides (pcache_link_t.kind): a link to a page
 * recorded and nothing said, or nothing at all (an external URL). */
static char *ask(links_ctx_t *lc, const char *url, int is_image, int line, int col, pcache_link_t *l)
{
	site_t *s = lc->site;
	site_page_t *p = &s->pages[lc->page];
	size_t said = diag_added_here(), n = p->nlinks, images = lc->nimages;
	char *res = links_rewrite(lc, url, is_image, line, col);
	free(l->target);
	free(l->fragment);
	l->target = l->fragment = NULL;
	l->kind = PCACHE_LINK_ASKED;
	if (diag_added_here() == said && lc->nimages == images) {
		if (p->nlinks == n + 1 && p->links[n].target >= 0 && !p->links[n].from_related &&
		    p->links[n].line == line && p->links[n].col == col) {
			l->kind = PCACHE_LINK_PAGE;
			l->target = xstrdup(s->pages[p->links[n].target].src);
			l->fragment = dup_or_null(p->links[n].fragment);
		} else if (p->nlinks == n && (!res || !res[0])) {
			l->kind = PCACHE_LINK_NONE;
		}
	}
	return res;
}

static char *link_record(void *ud, const char *url, int is_image, int line, int col)
{
	linkrec_t *r = ud;
	char *res;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->links = xrealloc(r->links, r->cap * sizeof *r->links);
	}
	pcache_link_t *l = &r->links[r->n++];
	*l = (pcache_link_t){xstrdup(url), is_image, line, col, NULL, PCACHE_LINK_ASKED, NULL, NULL};
	const pcache_link_t *old = r->replay && r->next < r->nreplay ? &r->replay[r->next] : NULL;
	if (old && !strcmp(old->url, url) && old->is_image == is_image && old->line == line && old->col == col) {
		res = dup_or_null(old->result);
		l->kind = old->kind;
		l->target = dup_or_null(old->target);
		l->fragment = dup_or_null(old->fragment);
		r->next++;
	} else {
		r->replay = NULL; /* the same text calls back the same links; should it not, ask anew */
		res = ask(r->lc, url, is_image, line, col, l);
	}
	l->result = dup_or_null(res);
	return res;
}

/* Record page p's links again as they were answered (every one a link to a page or nothing, the
 * targets where they were: pcache_entry_t.same_links): 1, or 0 (nothing recorded) when one must be
 * asked. */
static int links_again(site_t *s, site_page_t *p, const pcache_entry_t *e)
{
	long stack[64];
	long *at = e->nlinks <= 64 ? stack : xmalloc(e->nlinks * sizeof *at);
	int ok = 1;
	for (size_t k = 0; k < e->nlinks && ok; k++) {
		const pcache_link_t *l = &e->links[k];
		at[k] = -1;
		if (l->kind == PCACHE_LINK_PAGE)
			ok = (at[k] = site_find_page(s, l->target)) >= 0;
		else
			ok = l->kind == PCACHE_LINK_NONE;
	}
	for (size_t k = 0; k < e->nlinks && ok; k++)
		if (at[k] >= 0)
			links_add(p, e->links[k].line, e->links[k].col, at[k], e->links[k].fragment);
	if (at != stack)
		free(at);
	return ok;
}

/* Page p's rendering from the cache when its body and options are the same and every recorded link
 * gets the same answer now (asked again: the page's links and broken-link warnings are recorded as a
 * render would). 1: p->md is filled. 0: render it; when the page was found (*hit), e->links hold the
 * answers just asked, for the render to give again. */
static int md_from_cache(site_t *s, site_page_t *p, links_ctx_t *lc, const pcache_key_t *key,
			 pcache_entry_t *e, int *hit)
{
	*hit = 0;
	if (!pcache_get(s->pcache, (size_t)p->source, p->src, key, e))
		return 0;
	*hit = 1;
	int same = 1;
	/* the targets as they were: each link recorded again as it was answered; else asked again */
	if (!e->same_links || !links_again(s, p, e)) {
		for (size_t k = 0; k < e->nlinks; k++) {
			pcache_link_t *l = &e->links[k];
			char *now = ask(lc, l->url, l->is_image, l->line, l->col, l);
			same = same && same_or_null(now, l->result);
			free(l->result);
			l->result = now; /* the answer to give the render, should there be one */
		}
	}
	if (!same || lc->nimages) /* a target moved, or an SVG is inlined (never kept) */
		return 0;
	p->md = e->doc;
	memset(&e->doc, 0, sizeof e->doc);
	if (p->md.html_from || p->md.sections_from) { /* read when needed: should they be unreadable, these */
		p->kept_links = e->links;
		p->nkept_links = e->nlinks;
		e->links = NULL;
		e->nlinks = 0;
	}
	diag_add_each(&s->diags, e->diags, e->ndiags, p->src);
	return 1;
}

/* Page p's body (`blen` bytes at `body`) as md_render takes it: Hugo shortcodes rewritten, Middleman's
 * ERB tags blanked out (same length: every link keeps its line and column). Returns the body to
 * render: `body`, or *rewritten (owned by the caller). The shortcodes it names go to *sc (the
 * caller's; layout_shortcodes_free), its warnings to `d`. */
static const char *prepare_body(const char *src, int body_line, const layout_t *lay, const char *body, size_t blen,
				char **rewritten, layout_shortcode_t **sc, size_t *nsc, diag_list_t *d)
{
	*rewritten = NULL;
	*sc = NULL;
	*nsc = 0;
	if (lay->kind == LAYOUT_HUGO) {
		*rewritten = layout_hugo_shortcodes(body, blen, body_line, lay->params, sc, nsc);
	} else if (lay->kind == LAYOUT_TECHDOCS && fsu_ends_with(src, ".erb")) {
		/* Middleman runs ERB on .erb files only; Almanac does not: one warning per page */
		size_t ntags;
		int el, ec;
		*rewritten = layout_techdocs_erb(body, blen, body_line, &ntags, &el, &ec);
		if (*rewritten)
			diag_add(d, DIAG_WARNING, src, el, ec, "erb",
				 "ERB is not run by Almanac: %zu tag%s (<%% ... %%>) left out of the page", ntags,
				 ntags == 1 ? "" : "s");
	}
	return *rewritten ? *rewritten : body;
}

void site_render_markdown(site_t *s, size_t i)
{
	site_page_t *p = &s->pages[i];
	if ((p->draft && !s->opts.drafts) || pub_interrupted())
		return;
	links_ctx_t lc = {s, (long)i, 0, NULL, 0};
	linkrec_t rec = {&lc, NULL, 0, 0, NULL, 0, 0};
	diag_list_t own; /* md_render's warnings, kept with the page (unmuted: muting applies when added) */
	diag_init(&own);
	md_opts_t o = {
		.raw_html = s->cfg.raw_html,
		.line_offset = p->body_line - 1,
		.strip_h1 = 1,
		.no_html = s->opts.check_only,
		.title = p->fm.title,
		.link = s->pcache ? link_record : links_rewrite,
		.ud = s->pcache ? (void *)&rec : (void *)&lc,
		.diags = s->pcache ? &own : &s->diags,
		.path = p->src,
		.stop = pub_interrupt_flag(), /* Ctrl-C: the build stops, the page need not finish */
	};
	const layout_t *lay = sitelayout_of(s, p->source);
	o.ids = lay->ids; /* heading ids as the repository's tool published them */
	unsigned flags = (unsigned)(o.raw_html != 0) | (unsigned)o.strip_h1 << 1 | (unsigned)(o.no_html != 0) << 2 |
			 mdids_key(&o.ids) << 3;
	int rc = 0, hit = 0, from_cache = 0;
	pcache_key_t key;
	pcache_entry_t kept = {0};
	prec_md_t pm;
	/* a page not read (pagerec.h): its body as the last build prepared it, for the rendered Markdown
	 * it kept; the text is read only when that cannot be used */
	int recorded = p->text_unread && s->pcache && s->prec && prec_md(s->prec, i, &pm);
	if (recorded) {
		layout_shortcodes_free(p->shortcodes, p->nshortcodes);
		p->shortcodes = pm.shortcodes;
		p->nshortcodes = pm.nshortcodes;
		pm.shortcodes = NULL;
		pm.nshortcodes = 0;
		diag_add_each(&s->diags, pm.diags, pm.ndiags, NULL);
		key = (pcache_key_t){{pm.body[0], pm.body[1]}, o.line_offset, flags, o.title};
		prec_md_clear(&pm);
		from_cache = md_from_cache(s, p, &lc, &key, &kept, &hit);
	}
	char *rewritten = NULL;
	if (!from_cache) {
		site_page_text(s, i); /* when not read yet */
		const char *body = p->text + p->body_off;
		size_t blen = strlen(body);
		layout_shortcode_t *sc;
		size_t nsc;
		diag_list_t prep; /* what preparing the body said, kept with the page's record */
		diag_init(&prep);
		body = prepare_body(p->src, p->body_line, lay, body, blen, &rewritten, &sc, &nsc, &prep);
		if (!recorded) { /* the page's own now (a recorded page's came with its record) */
			layout_shortcodes_free(p->shortcodes, p->nshortcodes);
			p->shortcodes = sc;
			p->nshortcodes = nsc;
			sc = NULL;
			nsc = 0;
			diag_add_each(&s->diags, prep.items, prep.len, NULL);
		}
		layout_shortcodes_free(sc, nsc);
		if (s->pcache) {
			pcache_key(&key, body, blen, o.line_offset, flags, o.title);
			if (s->prec && !recorded)
				prec_put_md(s->prec, i, key.body, p->shortcodes, p->nshortcodes, prep.items, prep.len);
			if (!recorded)
				from_cache = md_from_cache(s, p, &lc, &key, &kept, &hit);
			if (!from_cache && hit) { /* the links were asked: the render gets their answers */
				rec.replay = kept.links;
				rec.nreplay = kept.nlinks;
			}
		}
		diag_free(&prep);
		if (!from_cache)
			rc = md_render(&p->md, body, blen, &o);
	}
	free(rewritten);
	char *html = rc == 0 && p->md.html ? links_inline_images(&lc, p->md.html) : NULL;
	if (html) {
		free(p->md.html);
		p->md.html = html;
		md_doc_digest(&p->md);
	}
	for (size_t k = 0; k < lc.nimages; k++) /* stopped, or a page of text */
		free(lc.images[k]);
	if (s->pcache && !from_cache && rc == 0) {
		if (!lc.nimages && !html) { /* a page inlining an SVG is rendered every time */
			pcache_entry_t e = {p->md, 0, rec.links, rec.n, own.items, own.len};
			pcache_put(s->pcache, (size_t)p->source, p->src, &key, &e);
		} else if (hit) {
			pcache_drop(s->pcache, (size_t)p->source, p->src); /* nor is its old rendering kept */
		}
		diag_add_each(&s->diags, own.items, own.len, NULL);
	}
	free(lc.images);
	linkrec_free(&rec);
	pcache_entry_clear(&kept);
	diag_free(&own);
	if (rc == MD_STOPPED)
		return;
	const layout_nav_t *ne = layout_nav_of(lay, site_page_repo_path(p));
	if (!p->fm.title && !(ne && ne->title) && p->md.h1 && p->md.h1[0]) {
		free(p->title);
		p->title = xstrdup(p->md.h1);
	}
	if (!s->opts.serve) { /* only serve compares a page's old and new text; the rest needs md */
		free(p->text);
		p->text = NULL;
	}
}

/* Page i's Markdown rendered again from its file into `d` (its kept HTML or sections are unreadable:
 * the cache file damaged since it was opened), its links given the answers they got in this build
 * (nothing asked, nothing said twice). 0, or -1 when it could not be. */
static int render_again(site_t *s, size_t i, md_doc_t *d)
{
	site_page_t *p = &s->pages[i];
	links_ctx_t lc = {s, (long)i, 0, NULL, 0};
	linkrec_t rec = {&lc, NULL, 0, 0, p->kept_links, p->nkept_links, 0};
	diag_list_t said; /* reported with the kept rendering */
	diag_init(&said);
	size_t off;
	int line;
	char *text = site_page_read_text(s, i, &off, &line); /* the page's own fields are another thread's */
	const layout_t *lay = sitelayout_of(s, p->source);
	const char *body = text + off;
	size_t blen = strlen(body);
	char *rewritten;
	layout_shortcode_t *sc;
	size_t nsc;
	body = prepare_body(p->src, line, lay, body, blen, &rewritten, &sc, &nsc, &said);
	layout_shortcodes_free(sc, nsc);
	md_opts_t o = {.raw_html = s->cfg.raw_html, .line_offset = line - 1, .strip_h1 = 1,
		       .title = p->fm.title, .link = link_record, .ud = &rec, .diags = &said, .path = p->src,
		       .stop = pub_interrupt_flag(), .ids = lay->ids};
	int rc = md_render(d, body, blen, &o);
	free(rewritten);
	linkrec_free(&rec);
	for (size_t k = 0; k < lc.nimages; k++)
		free(lc.images[k]);
	free(lc.images);
	diag_free(&said);
	free(text);
	return rc == 0 ? 0 : -1;
}

const char *site_page_html(site_t *s, size_t i)
{
	site_page_t *p = &s->pages[i];
	int lazy = p->md.html_from != NULL;
	if (md_doc_html(&p->md) || !lazy)
		return p->md.html;
	md_doc_t d;
	if (render_again(s, i, &d) == 0) {
		p->md.html = d.html;
		d.html = NULL;
	}
	md_doc_free(&d);
	return p->md.html;
}

size_t site_page_sections(site_t *s, size_t i)
{
	site_page_t *p = &s->pages[i];
	if (!p->md.sections_from)
		return p->md.nsections;
	atomic_fetch_add_explicit(&s->sections_read, 1, memory_order_relaxed);
	md_doc_sections(&p->md);
	if (p->md.sections)
		return p->md.nsections;
	md_doc_t d; /* unreadable: rendered again */
	if (render_again(s, i, &d) == 0) {
		p->md.sections = d.sections;
		p->md.nsections = d.nsections;
		d.sections = NULL;
		d.nsections = 0;
	}
	md_doc_free(&d);
	return p->md.nsections;
}
