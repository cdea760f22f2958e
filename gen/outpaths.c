/* outpaths.c - who owns each output file. See outpaths.h. */
#include "outpaths.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "buf.h"
#include "fsutil.h"
#include "layout.h"
#include "sitelayout.h"
#include "publish.h"
#include "site.h"

void outp_init(outp_t *t)
{
	memset(t, 0, sizeof *t);
}

void outp_free(outp_t *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->claims[i].url);
		free(t->claims[i].file);
	}
	free(t->claims);
	map_free(&t->paths);
	free(t->subtrees);
	free(t->scratch);
	memset(t, 0, sizeof *t);
}

char *outp_file_of(const char *url)
{
	size_t n = strlen(url);
	if (n && url[n - 1] != '/')
		return xstrdup(url);
	char *f = xmalloc(n + sizeof "index.html"); /* once per output file: no printf */
	memcpy(f, url, n);
	memcpy(f + n, "index.html", sizeof "index.html");
	return f;
}

/* `file` copied into t->scratch, where its folders are cut off one by one. */
static char *scratch_copy(outp_t *t, const char *file)
{
	size_t n = strlen(file) + 1;
	if (n > t->scratch_cap) {
		t->scratch_cap = n < 256 ? 256 : 2 * n;
		free(t->scratch);
		t->scratch = xmalloc(t->scratch_cap);
	}
	memcpy(t->scratch, file, n);
	return t->scratch;
}

/* The claim holding `file` or a folder on its path, or under it when `subtree`; -1 when it is free.
 * *known receives the length of the longest folder of `file` already in t->paths (0: none), where
 * outp_claim's own folders start. */
static long holder(outp_t *t, const char *file, int subtree, size_t *known)
{
	void *v;
	*known = 0;
	if (map_get(&t->paths, file, &v)) /* a file, or a folder of other claims: a file cannot be there */
		return MAP_AS_INT(v) / 2;
	/* a file claimed where one of our folders must be; above a known folder there is none */
	char *p = scratch_copy(t, file);
	long h = -1;
	for (char *slash = strrchr(p, '/'); slash && h < 0; slash = strrchr(p, '/')) {
		*slash = '\0';
		if (!map_get(&t->paths, p, &v))
			continue;
		if (MAP_AS_INT(v) % 2) { /* a folder */
			*known = (size_t)(slash - p);
			break;
		}
		h = MAP_AS_INT(v) / 2;
	}
	if (h >= 0)
		return h;
	/* whole folders claimed: our file under one, or one under our subtree (the folders in t->paths cover
	 * the latter) */
	size_t fl = strlen(file);
	for (size_t i = 0; i < t->nsubtrees; i++) {
		const char *d = t->claims[t->subtrees[i]].file;
		size_t dl = strlen(d);
		if ((fl > dl && !strncmp(file, d, dl) && file[dl] == '/') || (subtree && !strcmp(file, d)))
			return t->subtrees[i];
	}
	return -1;
}

long outp_claim(outp_t *t, const char *url, int subtree, outp_kind kind, long owner, long target, const char *what)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		t->claims = xrealloc(t->claims, t->cap * sizeof *t->claims);
	}
	long id = (long)t->n++;
	outp_claim_t *c = &t->claims[id];
	memset(c, 0, sizeof *c);
	c->url = xstrdup(url);
	if (subtree) {
		size_t n = strlen(url);
		c->file = xstrndup(url, n && url[n - 1] == '/' ? n - 1 : n);
	} else {
		c->file = outp_file_of(url);
	}
	c->subtree = subtree;
	c->kind = kind;
	c->owner = owner;
	c->target = target;
	c->what = what;
	size_t known;
	c->winner = holder(t, c->file, subtree, &known);
	if (c->winner >= 0)
		return id;
	if (subtree) {
		t->subtrees = xrealloc(t->subtrees, (t->nsubtrees + 1) * sizeof *t->subtrees);
		t->subtrees[t->nsubtrees++] = id;
		map_put(&t->paths, c->file, MAP_INT(2 * id + 1));
	} else {
		map_put(&t->paths, c->file, MAP_INT(2 * id));
	}
	/* the folders on its path below the longest one already known */
	char *p = scratch_copy(t, c->file);
	for (char *slash = strrchr(p, '/'); slash && (size_t)(slash - p) > known; slash = strrchr(p, '/')) {
		*slash = '\0';
		map_put(&t->paths, p, MAP_INT(2 * id + 1));
	}
	return id;
}

int outp_won(const outp_t *t, const char *file, outp_kind kind)
{
	void *v;
	if (!map_get(&t->paths, file, &v))
		return 0;
	const outp_claim_t *c = &t->claims[MAP_AS_INT(v) / 2];
	return c->kind == kind && c->winner < 0 && !strcmp(c->file, file);
}

/* ---- the site's claims ---- */

static int published(const site_t *s, const site_page_t *p)
{
	return !p->draft || s->opts.drafts;
}

/* What holds claim `c`'s address, for messages. Caller frees. */
static char *describe(const site_t *s, const outp_claim_t *c)
{
	switch (c->kind) {
	case OUTP_PAGE: return xasprintf("the page %s", s->pages[c->owner].src);
	case OUTP_FILE: return xasprintf("the file %s", s->assets[c->owner].src);
	case OUTP_SECTION:
		return c->url[0] ? xasprintf("the section page Almanac writes for %s", c->url)
				 : xstrdup("the home page Almanac writes");
	case OUTP_SITE: return xstrdup(c->what ? c->what : "a file Almanac writes");
	case OUTP_ALERT: return xasprintf("the page of alert %s", s->alerts[c->owner].name);
	case OUTP_ALIAS: return xasprintf("an alias of %s", s->pages[c->owner].src);
	case OUTP_COMPAT: return xasprintf("an old address of %s", s->pages[c->owner].src);
	case OUTP_RENAME: return xasprintf("an old name of %s", s->pages[c->owner].src);
	}
	return xstrdup("?");
}

/* The repository file behind a winning claim (for the position of a note), or NULL. */
static const char *source_of(const site_t *s, const outp_claim_t *c)
{
	if (c->kind == OUTP_FILE)
		return s->assets[c->owner].src;
	if (c->kind == OUTP_PAGE || c->kind == OUTP_ALIAS || c->kind == OUTP_COMPAT || c->kind == OUTP_RENAME)
		return s->pages[c->owner].src;
	return NULL;
}

/* The page an address leads to: the page itself, or a redirect's target. */
static long leads_to(const outp_claim_t *c)
{
	if (c->kind == OUTP_PAGE)
		return c->owner;
	if (c->kind == OUTP_ALIAS || c->kind == OUTP_COMPAT || c->kind == OUTP_RENAME || c->kind == OUTP_ALERT)
		return c->target;
	return -1;
}

/* Which files of a Hugo site's static folders give way, as in Hugo, to another file of the same
 * repository at the same output path: a file of the content folder, or of a static folder listed
 * later. A flag per asset (1: not published, silently), or NULL when none does. Caller frees. */
static unsigned char *static_shadowed(const site_t *s)
{
	unsigned char *gone = NULL;
	map_t best; /* output path -> the asset that wins it so far */
	memset(&best, 0, sizeof best);
	for (size_t i = 0; i < s->nassets; i++) {
		const site_asset_t *a = &s->assets[i];
		void *v;
		if (!map_get(&best, a->out, &v)) {
			map_put(&best, a->out, MAP_INT(i));
			continue;
		}
		size_t j = (size_t)MAP_AS_INT(v);
		const site_asset_t *b = &s->assets[j];
		if (a->source != b->source || (!a->static_root && !b->static_root))
			continue; /* two files of the content folders, or of two repositories: a collision */
		/* a content file (static_root 0) ranks above every static folder, a later folder above an earlier one */
		size_t ra = a->static_root ? a->static_root : (size_t)-1, rb = b->static_root ? b->static_root : (size_t)-1;
		if (!gone)
			gone = xcalloc(s->nassets, 1);
		if (ra > rb) {
			gone[j] = 1;
			map_put(&best, a->out, MAP_INT(i));
		} else {
			gone[i] = 1;
		}
	}
	map_free(&best);
	return gone;
}

void outp_assign_pages(site_t *s)
{
	outp_t *t = &s->outputs;
	/* sized once: each page's file and its own folder, each asset's file */
	map_reserve(&t->paths, 2 * s->npages + s->nassets);
	map_reserve(&s->url_map, s->npages);
	for (size_t i = 0; i < s->npages; i++) {
		site_page_t *p = &s->pages[i];
		if (!published(s, p))
			continue;
		long id = outp_claim(t, p->url, 0, OUTP_PAGE, (long)i, (long)i, NULL);
		const outp_claim_t *c = &t->claims[id];
		if (c->winner < 0) {
			map_put(&s->url_map, p->url, MAP_INT(i));
			continue;
		}
		const outp_claim_t *w = &t->claims[c->winner];
		if (w->kind == OUTP_PAGE && !strcmp(w->file, c->file))
			diag_add(&s->diags, DIAG_ERROR, p->src, 1, 1, "duplicate-url",
				 "%s and %s would both be published at '%s'; rename one", s->pages[w->owner].src, p->src,
				 p->url[0] ? p->url : "/");
		else
			diag_add(&s->diags, DIAG_ERROR, p->src, 1, 1, "duplicate-url",
				 "%s would be published at '%s', which cannot be beside %s at '%s'; rename one", p->src,
				 p->url, s->pages[w->owner].src, w->url[0] ? w->url : "/");
		p->content_errors++;
		p->draft = 1; /* not published */
	}
	/* files of the repository: after every page, so a page always wins */
	unsigned char *shadowed = static_shadowed(s);
	size_t kept = 0;
	map_free(&s->asset_map);
	memset(&s->asset_map, 0, sizeof s->asset_map);
	for (size_t i = 0; i < s->nassets; i++) {
		site_asset_t *a = &s->assets[i];
		if (shadowed && shadowed[i]) { /* Hugo's union of folders: another file has the path */
			free(a->src);
			free(a->out);
			free(a->repo_path);
			continue;
		}
		if (!strcmp(a->out, PUB_MARKER)) { /* a static folder's hidden file: the marker is what makes the
						       output folder Almanac's to replace, never the repository's */
			diag_add(&s->diags, DIAG_ERROR, a->src, 1, 1, "asset-collision",
				 "this file would be published at '%s', which is Almanac's marker file; rename or move it "
				 "(it is not copied)",
				 a->out);
			free(a->src);
			free(a->out);
			free(a->repo_path);
			continue;
		}
		/* a file withheld by active_assets is never written (an SVG a page shows is written into the
		 * page): it holds no address, so Almanac's 404.html or sitemap.xml is not dropped for a
		 * Jekyll site's 404.html or sitemap.xml that is not published either */
		long id = a->withheld ? -1 : outp_claim(t, a->out, 0, OUTP_FILE, (long)kept, -1, NULL);
		const outp_claim_t *c = id < 0 ? NULL : &t->claims[id];
		if (c && c->winner >= 0) {
			char *who = describe(s, &t->claims[c->winner]);
			diag_add(&s->diags, DIAG_ERROR, a->src, 1, 1, "asset-collision",
				 "this file would be published at '%s', which %s needs; rename or move it (it is not copied)",
				 a->out, who);
			free(who);
			free(a->src);
			free(a->out);
			free(a->repo_path);
			continue;
		}
		s->assets[kept] = *a;
		map_put(&s->asset_map, a->src, MAP_INT(kept));
		map_put(&s->asset_out_map, a->out, MAP_INT(kept));
		kept++;
	}
	s->nassets = kept;
	free(shadowed);
	t->stage2 = t->n;
}

/* Almanac's own files, in the order they are claimed. */
static void claim_site_files(site_t *s, char *const *theme_assets, size_t ntheme)
{
	outp_t *t = &s->outputs;
	static const struct {
		const char *url;
		int subtree, search_only;
		const char *what;
	} files[] = {
		{"404.html", 0, 0, "Almanac's 404 page"},
		{"sitemap.xml", 0, 0, "Almanac's sitemap.xml"},
		{"freshness.json", 0, 0, "Almanac's freshness.json"},
		{"alerts.json", 0, 0, "Almanac's alerts.json"},
		{PUB_MARKER, 0, 0, "Almanac's marker file"},
		{"freshness/", 0, 0, "Almanac's freshness report page"},
		{"search/", 0, 0, "Almanac's search page"},
		{"search/manifest.json", 0, 1, "Almanac's search index"},
		{"search/facets.json", 0, 1, "Almanac's search index"},
		{"search/t/", 1, 1, "Almanac's search index"},
		{"search/v/", 1, 1, "Almanac's search index"},
		{"search/m/", 1, 1, "Almanac's search index"},
	};
	for (size_t i = 0; i < sizeof files / sizeof *files; i++)
		if (!files[i].search_only || s->cfg.search)
			outp_claim(t, files[i].url, files[i].subtree, OUTP_SITE, -1, -1, files[i].what);
	for (size_t i = 0; i < ntheme; i++) {
		char *u = xasprintf("assets/%s", theme_assets[i]);
		outp_claim(t, u, 0, OUTP_SITE, -1, -1, "one of the theme's files");
		free(u);
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The section pages: every folder holding published pages (up to the home folder) without an index page. */
static void claim_sections(site_t *s)
{
	outp_t *t = &s->outputs;
	map_t seen = MAP_INIT;
	char **dirs = NULL;
	size_t nd = 0;
	const char *last = NULL; /* the folder of the last page walked: the pages of a folder come together */
	for (size_t i = 0; i < s->npages; i++) {
		const site_page_t *p = &s->pages[i];
		if (!published(s, p) || (last && !strcmp(last, p->dir)))
			continue;
		last = p->dir;
		char *d = xstrdup(p->dir);
		for (;;) {
			int home = !d[0] || !strcmp(d, s->home_dir);
			const char *key = home ? "" : d;
			if (map_get(&seen, key, NULL))
				break;
			map_put(&seen, key, MAP_INT(1));
			dirs = xrealloc(dirs, (nd + 1) * sizeof *dirs);
			dirs[nd++] = xstrdup(key);
			if (home)
				break;
			char *slash = strrchr(d, '/');
			if (slash)
				*slash = '\0';
			else
				d[0] = '\0';
		}
		free(d);
	}
	if (!nd) { /* no page at all: the home page is still written */
		dirs = xcalloc(1, sizeof *dirs);
		dirs[nd++] = xstrdup("");
	}
	/* in path order: the root first */
	if (nd > 1)
		qsort(dirs, nd, sizeof *dirs, cmp_str);
	for (size_t i = 0; i < nd; i++) {
		char *u = sitelayout_dir_url(s, dirs[i]);
		void *v;
		if (!map_get(&s->url_map, u, &v)) { /* no index page there */
			outp_claim(t, u, 0, OUTP_SECTION, -1, -1, dirs[i][0] ? "the section page Almanac writes for a folder"
									   : "the home page Almanac writes");
		}
		free(u);
		free(dirs[i]);
	}
	free(dirs);
	map_free(&seen);
}

/* A lost SECTION or SITE claim: a note at the repository file that took its place. */
static void note_dropped_output(site_t *s, const outp_claim_t *c)
{
	const outp_claim_t *w = &s->outputs.claims[c->winner];
	const char *src = source_of(s, w);
	char *who = describe(s, w), *mine = describe(s, c);
	diag_add(&s->diags, DIAG_NOTE, src ? src : c->file, src ? 1 : 0, src ? 1 : 0, "output-dropped",
		 "%s is published at '%s' (%s), where %s would be: the repository wins, Almanac's is not written",
		 who, w->url[0] ? w->url : "/", w->file, mine);
	free(who);
	free(mine);
}

/* The alert pages; one whose address already leads to its only runbook is dropped silently. */
static void claim_alerts(site_t *s)
{
	outp_t *t = &s->outputs;
	for (size_t i = 0; i < s->nalerts; i++) {
		const site_alert_t *a = &s->alerts[i];
		if (!a->npages || !alerts_valid_name(a->name)) /* a name that cannot be a URL segment has none */
			continue;
		char *u = xasprintf("alerts/%s/", a->name);
		long id = outp_claim(t, u, 0, OUTP_ALERT, (long)i, a->npages == 1 ? a->pages[0] : -1, NULL);
		free(u);
		const outp_claim_t *c = &t->claims[id];
		if (c->winner < 0)
			continue;
		const outp_claim_t *w = &t->claims[c->winner];
		long to = leads_to(w);
		if (a->npages == 1 && to == a->pages[0])
			continue; /* the address already is (or leads to) the runbook */
		char *who = describe(s, w);
		diag_add(&s->diags, DIAG_NOTE, s->pages[a->pages[0]].src, 1, 1, "redirect-dropped",
			 "the page of alert %s (alerts/%s/) is not written: that address is taken by %s", a->name, a->name,
			 who);
		free(who);
	}
}

/* The addresses other tools published a page at and the old addresses of renamed pages (the redirects
 * claim_redirects makes), each -> 1 + the index of its first page, for a site with sources. */
static void old_addresses(const site_t *s, map_t *m)
{
	for (size_t i = 0; s->nsources && i < s->npages; i++) {
		const site_page_t *p = &s->pages[i];
		if (!published(s, p))
			continue;
		for (size_t k = 0; k < p->nextra + p->nold; k++) {
			char *u = k < p->nextra ? xstrdup(p->extra_urls[k])
						: sitelayout_path_url(s, p->source, p->old_paths[k - p->nextra]);
			if (u[0] && !map_get(m, u, NULL))
				map_put(m, u, MAP_INT((long)i + 1));
			free(u);
		}
	}
}

/* The aliases: entries of every published page; refused ones are reported and removed from fm.aliases. */
static void claim_aliases(site_t *s)
{
	outp_t *t = &s->outputs;
	/* An alias wins over a redirect no one asked for by name, in its own repository: the writer asked.
	 * Across repositories it does not: a source's alias must not take the old address of the hub's
	 * renamed page (bookmarks, alert rules' runbook_url), nor the hub's one of a source's. */
	map_t olds = MAP_INIT;
	old_addresses(s, &olds);
	for (size_t i = 0; i < s->npages; i++) {
		site_page_t *p = &s->pages[i];
		if (!published(s, p))
			continue;
		size_t w = 0;
		for (size_t j = 0; j < p->fm.naliases; j++) {
			fm_ref_t a = p->fm.aliases[j];
			const char *why;
			void *old;
			char *u = sitelayout_alias_url(s, p, a.value, &why); /* by the page's own layout */
			int keep = 0;
			if (!u && !strcmp(why, "invalid")) {
				diag_add(&s->diags, DIAG_ERROR, p->src, a.line, a.col, "alias-invalid",
					 "alias '%s' is not a path of this site (a repository path such as old/name.md, or "
					 "a site path such as old/name/)",
					 a.value);
			} else if (!u) {
				diag_add(&s->diags, DIAG_ERROR, p->src, a.line, a.col, "alias-outside-site",
					 "alias '%s' resolves outside the site", a.value);
			} else if (map_get(&olds, u, &old) && s->pages[(intptr_t)old - 1].source != p->source) {
				const site_page_t *o = &s->pages[(intptr_t)old - 1];
				diag_add(&s->diags, DIAG_ERROR, p->src, a.line, a.col, "alias-conflict",
					 "alias '%s' is the old address of %s, in another repository", a.value, o->src);
			} else {
				long id = outp_claim(t, u, 0, OUTP_ALIAS, (long)i, (long)i, NULL);
				const outp_claim_t *c = &t->claims[id];
				const outp_claim_t *win = c->winner >= 0 ? &t->claims[c->winner] : NULL;
				keep = !win;
				if (!win) {
				} else if (win->kind == OUTP_PAGE && win->owner == (long)i && !strcmp(win->file, c->file)) {
					/* the page's own address (Hugo sites often list it): nothing to redirect */
				} else if (win->kind == OUTP_ALIAS && win->owner == (long)i) {
					diag_add(&s->diags, DIAG_WARNING, p->src, a.line, a.col, "alias-duplicate",
						 "alias '%s' is listed twice", a.value);
				} else if (win->kind == OUTP_ALIAS) {
					diag_add(&s->diags, DIAG_ERROR, p->src, a.line, a.col, "alias-duplicate",
						 "alias '%s' is also claimed by %s", a.value, s->pages[win->owner].src);
				} else if (win->kind == OUTP_PAGE) {
					diag_add(&s->diags, DIAG_ERROR, p->src, a.line, a.col, "alias-conflict",
						 "alias '%s' is the address of %s", a.value, s->pages[win->owner].src);
				} else if (win->kind == OUTP_FILE) {
					diag_add(&s->diags, DIAG_ERROR, p->src, a.line, a.col, "alias-conflict",
						 "alias '%s' is the address of the file %s", a.value,
						 s->assets[win->owner].src);
				} else if (win->kind == OUTP_SECTION) {
					diag_add(&s->diags, DIAG_ERROR, p->src, a.line, a.col, "alias-conflict",
						 "alias '%s' is the address of the folder page %s", a.value,
						 win->url[0] ? win->url : "/");
				} else if (win->kind == OUTP_ALERT) {
					const site_alert_t *al = &s->alerts[win->owner];
					diag_add(&s->diags, DIAG_ERROR, p->src, a.line, a.col, "alias-conflict",
						 "alias '%s' is the address of alert %s (answered by %s)", a.value, al->name,
						 s->pages[al->pages[0]].src);
				} else {
					diag_add(&s->diags, DIAG_ERROR, p->src, a.line, a.col, "alias-conflict",
						 "alias '%s' is used by Almanac itself (%s)", a.value,
						 win->what ? win->what : "its own files");
				}
			}
			free(u);
			if (keep)
				p->fm.aliases[w++] = a;
			else
				free(a.value);
		}
		p->fm.naliases = w;
	}
	map_free(&olds);
}

/* Redirects no one asked for by name: other tools' addresses and renamed pages' old ones. */
static void claim_redirects(site_t *s, outp_kind kind)
{
	outp_t *t = &s->outputs;
	for (size_t i = 0; i < s->npages; i++) {
		site_page_t *p = &s->pages[i];
		if (!published(s, p))
			continue;
		size_t n = kind == OUTP_COMPAT ? p->nextra : p->nold;
		for (size_t k = 0; k < n; k++) {
			const char *from = kind == OUTP_COMPAT ? p->extra_urls[k] : p->old_paths[k];
			char *u = kind == OUTP_COMPAT ? xstrdup(from) : sitelayout_path_url(s, p->source, from);
			if (!u[0]) { /* the home page's old name: the home page is still there */
				free(u);
				continue;
			}
			long id = outp_claim(t, u, 0, kind, (long)i, (long)i, NULL);
			const outp_claim_t *c = &t->claims[id];
			if (c->winner >= 0 && leads_to(&t->claims[c->winner]) != (long)i) {
				char *who = describe(s, &t->claims[c->winner]);
				if (kind == OUTP_COMPAT)
					diag_add(&s->diags, DIAG_NOTE, p->src, 1, 1, "redirect-dropped",
						 "the address '%s' this page had is not redirected here: it is taken by %s", u,
						 who);
				else
					diag_add(&s->diags, DIAG_NOTE, p->src, 1, 1, "redirect-dropped",
						 "the old address '%s' (this page was %s) is not redirected here: it is taken by %s",
						 u, from, who);
				free(who);
			}
			free(u);
		}
	}
}

void outp_assign_generated(site_t *s, char *const *theme_assets, size_t ntheme_assets)
{
	outp_t *t = &s->outputs;
	size_t first = t->n;
	claim_sections(s);
	claim_site_files(s, theme_assets, ntheme_assets);
	for (size_t i = first; i < t->n; i++)
		if (t->claims[i].winner >= 0)
			note_dropped_output(s, &t->claims[i]);
	claim_alerts(s);
	claim_aliases(s);
	claim_redirects(s, OUTP_COMPAT);
	claim_redirects(s, OUTP_RENAME);
}

int outp_site_may_write(const site_t *s, const char *file)
{
	return outp_won(&s->outputs, file, OUTP_SITE) || outp_won(&s->outputs, file, OUTP_SECTION);
}
