/* links.c - link resolution and checks. See links.h. */
#include "links.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fsutil.h"
#include "suggest.h"

static void add_link(site_page_t *p, int line, int col, long target, const char *frag, int related)
{
	p->links = xrealloc(p->links, (p->nlinks + 1) * sizeof *p->links);
	site_link_t *l = &p->links[p->nlinks++];
	l->line = line;
	l->col = col;
	l->target = target;
	l->fragment = frag && frag[0] ? xstrdup(frag) : NULL;
	l->from_related = related;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

static char *percent_decode(const char *s, size_t n)
{
	buf_t b = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			buf_putc(&b, (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2])));
			i += 2;
		} else {
			buf_putc(&b, s[i]);
		}
	}
	return buf_detach(&b);
}

static int has_scheme(const char *u)
{
	if (!isalpha((unsigned char)u[0]))
		return 0;
	for (const char *p = u + 1; *p; p++) {
		if (*p == ':')
			return 1;
		if (!isalnum((unsigned char)*p) && *p != '+' && *p != '.' && *p != '-')
			return 0;
	}
	return 0;
}

static int unsafe_scheme(const char *u)
{
	static const char *const bad[] = {"javascript:", "vbscript:", "data:"};
	/* browsers ignore whitespace and control characters inside the scheme */
	char tmp[16];
	size_t k = 0;
	for (const char *p = u; *p && k < sizeof tmp - 1; p++)
		if ((unsigned char)*p > ' ')
			tmp[k++] = (char)tolower((unsigned char)*p);
	tmp[k] = '\0';
	for (size_t i = 0; i < 3; i++)
		if (!strncmp(tmp, bad[i], strlen(bad[i])))
			return 1;
	return 0;
}

/* Closest page source path to `path` for "did you mean". */
static const char *closest_page(const site_t *s, const char *path)
{
	const char *best = NULL;
	size_t bestd = strlen(path) / 3 + 2;
	if (bestd > 8)
		bestd = 8;
	for (size_t i = 0; i < s->npages; i++) {
		size_t d = suggest_distance(path, s->pages[i].src, bestd - 1);
		if (d < bestd) {
			bestd = d;
			best = s->pages[i].src;
		}
	}
	return best;
}

/* Resolve a repo path to a page index: "x.md", a folder "x/" or "x" with an index page. */
static long find_target(const site_t *s, const char *path)
{
	void *v;
	if (map_get(&s->page_map, path, &v))
		return MAP_AS_INT(v);
	size_t n = strlen(path);
	char *base = xstrndup(path, n && path[n - 1] == '/' ? n - 1 : n);
	static const char *const idx[] = {"index.md", "README.md", "readme.md"};
	long r = -1;
	for (size_t i = 0; i < 3 && r < 0; i++) {
		char *p = base[0] ? xasprintf("%s/%s", base, idx[i]) : xstrdup(idx[i]);
		if (map_get(&s->page_map, p, &v))
			r = MAP_AS_INT(v);
		free(p);
	}
	free(base);
	return r;
}

static int in_content(const site_t *s, const char *path)
{
	if (!s->cfg.ncontent)
		return 1;
	int any_folder = 0;
	for (size_t i = 0; i < s->cfg.ncontent; i++) {
		char *abs = fsu_join(s->root, s->cfg.content[i]);
		int isdir = fsu_is_dir(abs);
		free(abs);
		if (!isdir)
			continue;
		any_folder = 1;
		size_t l = strlen(s->cfg.content[i]);
		if (!strncmp(path, s->cfg.content[i], l) && (path[l] == '/' || path[l] == '\0'))
			return 1;
	}
	return !any_folder;
}

typedef enum { RES_PAGE, RES_ASSET, RES_ERROR } res_kind;

/* Resolve `path` (already decoded, relative to `from_dir`, or repo-root when it starts with '/')
 * and report problems. Returns the kind; *target is the page or asset index. */
static res_kind resolve(site_t *s, const site_page_t *p, const char *raw, const char *path, int line, int col,
			int related, long *target)
{
	char *joined = path[0] == '/' ? xstrdup(path + 1) : fsu_join(p->dir, path);
	char *norm = fsu_normalize(joined);
	free(joined);
	res_kind kind = RES_ERROR;
	if (!norm) {
		diag_add(&s->diags, DIAG_ERROR, p->src, line, col, "link-outside-repo",
			 "link '%s' leaves the repository", raw);
		return RES_ERROR;
	}
	long t = find_target(s, norm);
	void *v;
	if (t >= 0) {
		if (s->pages[t].draft && !s->opts.drafts) {
			diag_add(&s->diags, DIAG_ERROR, p->src, line, col, "link-to-draft",
				 "link '%s' points to a draft page (%s), which is not published", raw, s->pages[t].src);
		} else {
			*target = t;
			kind = RES_PAGE;
		}
	} else if (!related && map_get(&s->asset_map, norm, &v)) {
		*target = MAP_AS_INT(v);
		kind = RES_ASSET;
	} else {
		char *abs = fsu_join(s->root, norm);
		int exists = fsu_is_file(abs) || fsu_is_dir(abs);
		free(abs);
		const char *what = related ? "related page" : "link target";
		if (exists && !in_content(s, norm)) {
			diag_add(&s->diags, DIAG_ERROR, p->src, line, col, "link-outside-content",
				 "%s '%s' is outside the content folders (%s), so it is not published", what, raw, norm);
		} else if (exists && fsu_ends_with(norm, ".md")) {
			diag_add(&s->diags, DIAG_ERROR, p->src, line, col, "link-excluded",
				 "%s '%s' is excluded from the site (ignored or matched by exclude)", what, raw);
		} else {
			const char *sug = closest_page(s, norm);
			char *rel = NULL;
			if (sug) {
				/* suggest in the writer's own terms: relative to the page's folder */
				char *from = p->dir[0] ? xasprintf("%s/", p->dir) : xstrdup("");
				rel = fsu_relurl(from, sug);
				free(from);
			}
			diag_add(&s->diags, DIAG_ERROR, p->src, line, col, related ? "related-missing" : "broken-link",
				 "%s '%s' not found%s%s%s", what, raw, rel ? "; did you mean '" : "", rel ? rel : "",
				 rel ? "'?" : "");
			free(rel);
		}
	}
	free(norm);
	return kind;
}

char *links_rewrite(void *ud, const char *url, int is_image, int line, int col)
{
	links_ctx_t *c = ud;
	site_t *s = c->site;
	site_page_t *p = &s->pages[c->page];
	if (!url[0])
		return NULL;
	if (unsafe_scheme(url) && !(is_image && !strncmp(url, "data:image/", 11) && strncmp(url, "data:image/svg", 14)))
		return xstrdup("");
	if (has_scheme(url) || !strncmp(url, "//", 2))
		return NULL;
	if (url[0] == '#') {
		char *frag = percent_decode(url + 1, strlen(url + 1));
		add_link(p, line, col, c->page, frag, 0);
		free(frag);
		return NULL;
	}
	size_t plen = strcspn(url, "?#");
	const char *rest = url + plen; /* "?query#frag" or "#frag" or "" */
	const char *hash = strchr(rest, '#');
	char *path = percent_decode(url, plen);
	if (!path[0]) {
		free(path);
		return NULL;
	}
	long target = -1;
	char *out = NULL;
	res_kind k = resolve(s, p, url, path, line, col, 0, &target);
	if (k == RES_PAGE) {
		char *frag = hash ? percent_decode(hash + 1, strlen(hash + 1)) : NULL;
		add_link(p, line, col, target, frag, 0);
		free(frag);
		char *rel = fsu_relurl(p->url, s->pages[target].url);
		out = xasprintf("%s%s", rel, rest);
		free(rel);
	} else if (k == RES_ASSET) {
		char *rel = fsu_relurl(p->url, s->assets[target].out);
		out = xasprintf("%s%s", rel, rest);
		free(rel);
	}
	free(path);
	return out;
}

void links_resolve_front_matter(site_t *s)
{
	for (size_t i = 0; i < s->npages; i++) {
		site_page_t *p = &s->pages[i];
		if (p->draft && !s->opts.drafts)
			continue;
		for (size_t j = 0; j < p->fm.nrelated; j++) {
			const fm_ref_t *r = &p->fm.related[j];
			size_t plen = strcspn(r->value, "#");
			char *path = xstrndup(r->value, plen);
			long t = -1;
			/* related: paths are repo-relative, or relative to the page when they start with "." */
			char *rp = (path[0] == '.' || path[0] == '/') ? xstrdup(path) : xasprintf("/%s", path);
			if (resolve(s, p, r->value, rp, r->line, r->col, 1, &t) == RES_PAGE)
				add_link(p, r->line, r->col, t, r->value[plen] == '#' ? r->value + plen + 1 : NULL, 1);
			free(rp);
			free(path);
		}
		/* aliases become redirect pages at render time; one that leaves the site is an error
		 * now, so that check and build --strict see it (render.c skips it with the same words) */
		for (size_t j = 0; j < p->fm.naliases; j++) {
			const fm_ref_t *a = &p->fm.aliases[j];
			char *clean = fsu_normalize(a->value[0] == '/' ? a->value + 1 : a->value);
			if (!clean || !clean[0] || clean[0] == '/')
				diag_add(&s->diags, DIAG_ERROR, p->src, a->line, a->col, "alias-outside-site",
					 "alias '%s' resolves outside the site", a->value);
			free(clean);
		}
	}
}

static int page_has_id(const site_page_t *t, const char *id, const char **case_match)
{
	for (size_t i = 0; i < t->md.nheadings; i++) {
		if (!strcmp(t->md.headings[i].id, id))
			return 1;
		if (!strcasecmp(t->md.headings[i].id, id))
			*case_match = t->md.headings[i].id;
	}
	for (size_t i = 0; i < t->md.nhtml_ids; i++)
		if (!strcmp(t->md.html_ids[i], id))
			return 1;
	/* footnote targets made by cmark-gfm */
	if (!strncmp(id, "fn-", 3) || !strncmp(id, "fnref-", 6))
		return 1;
	return 0;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return x < y ? -1 : x > y;
}

void links_finish(site_t *s)
{
	for (size_t i = 0; i < s->npages; i++) {
		site_page_t *p = &s->pages[i];
		for (size_t j = 0; j < p->nlinks; j++) {
			site_link_t *l = &p->links[j];
			if (l->target < 0 || !l->fragment)
				continue;
			site_page_t *t = &s->pages[l->target];
			const char *cm = NULL;
			if (page_has_id(t, l->fragment, &cm))
				continue;
			const char *cands[512];
			size_t nc = 0;
			for (size_t h = 0; h < t->md.nheadings && nc < 512; h++)
				cands[nc++] = t->md.headings[h].id;
			const char *sug = cm ? cm : suggest_closest(l->fragment, cands, nc, 3);
			if (l->target == (long)i)
				diag_add(&s->diags, DIAG_ERROR, p->src, l->line, l->col, "broken-anchor",
					 "anchor '#%s' not found on this page%s%s%s", l->fragment,
					 sug ? "; did you mean '#" : "", sug ? sug : "", sug ? "'?" : "");
			else
				diag_add(&s->diags, DIAG_ERROR, p->src, l->line, l->col, "broken-anchor",
					 "anchor '#%s' not found in %s%s%s%s", l->fragment, t->src,
					 sug ? "; did you mean '#" : "", sug ? sug : "", sug ? "'?" : "");
		}
	}
	/* backlinks */
	for (size_t i = 0; i < s->npages; i++) {
		site_page_t *p = &s->pages[i];
		for (size_t j = 0; j < p->nlinks; j++) {
			long t = p->links[j].target;
			if (t < 0 || t == (long)i)
				continue;
			site_page_t *tp = &s->pages[t];
			tp->backlinks = xrealloc(tp->backlinks, (tp->nbacklinks + 1) * sizeof *tp->backlinks);
			tp->backlinks[tp->nbacklinks++] = (long)i;
		}
	}
	for (size_t i = 0; i < s->npages; i++) {
		site_page_t *p = &s->pages[i];
		if (p->nbacklinks < 2)
			continue;
		qsort(p->backlinks, p->nbacklinks, sizeof *p->backlinks, cmp_long);
		size_t w = 1;
		for (size_t k = 1; k < p->nbacklinks; k++)
			if (p->backlinks[k] != p->backlinks[w - 1])
				p->backlinks[w++] = p->backlinks[k];
		p->nbacklinks = w;
	}
}

void links_orphans(site_t *s)
{
	for (size_t i = 0; i < s->npages; i++) {
		site_page_t *p = &s->pages[i];
		if ((p->draft && !s->opts.drafts) || p->nbacklinks || p->is_index)
			continue;
		/* in the navigation: its folder (or an ancestor) has an index page or is a content folder */
		int in_nav = 0;
		char *dir = xstrdup(p->dir);
		for (;;) {
			if (find_target(s, dir[0] ? dir : "index.md") >= 0) {
				in_nav = 1;
				break;
			}
			char *up = fsu_dirname(dir);
			free(dir);
			dir = up;
			if (!dir[0])
				break;
		}
		free(dir);
		if (!in_nav)
			diag_add(&s->diags, DIAG_WARNING, p->src, 1, 1, "orphan",
				 "no page links here and it is not in the navigation");
	}
}
