/* runbookurl.c - runbook_url checks. See runbookurl.h. */
#include "runbookurl.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alerts.h"
#include "buf.h"
#include "forgepages.h"
#include "fsutil.h"
#include "links.h"
#include "map.h"
#include "markdown.h"
#include "outpaths.h"
#include "suggest.h"

/* What a published URL is (map values): a page, a redirect to a page, or something else. */
enum { U_PAGE, U_REDIRECT, U_OTHER };
#define U_VAL(kind, page) MAP_INT(((long)(page) + 1) * 4 + (kind))
#define U_KIND(v) (MAP_AS_INT(v) & 3)
#define U_PAGEIDX(v) (MAP_AS_INT(v) / 4 - 1)

typedef struct {
	map_t urls;           /* site URL -> U_VAL */
	char **list;          /* the same URLs, for suggestions (owned) */
	size_t n, cap;
} published_t;

static void pub_add(published_t *pu, const char *url, int kind, long page)
{
	if (map_get(&pu->urls, url, NULL))
		return; /* the first kind wins: a page before a redirect */
	map_put(&pu->urls, url, U_VAL(kind, page));
	if (pu->n == pu->cap) {
		pu->cap = pu->cap ? pu->cap * 2 : 256;
		pu->list = xrealloc(pu->list, pu->cap * sizeof *pu->list);
	}
	pu->list[pu->n++] = xstrdup(url);
}

/* The site's published URLs: every address of the output table that won (outpaths.h), which
 * follows the site's URL rules whatever they are. The claims come in precedence order, and only
 * the winners are listed, so each address appears once. */
static void published_urls(const site_t *s, published_t *pu)
{
	const outp_t *t = &s->outputs;
	for (size_t i = 0; i < t->n; i++) {
		const outp_claim_t *c = &t->claims[i];
		if (c->winner >= 0 || c->subtree)
			continue;
		switch (c->kind) {
		case OUTP_PAGE:
			pub_add(pu, c->url, U_PAGE, c->owner);
			break;
		case OUTP_ALIAS:
		case OUTP_COMPAT:
		case OUTP_RENAME:
			pub_add(pu, c->url, U_REDIRECT, c->target);
			break;
		case OUTP_ALERT: {
			const site_alert_t *a = &s->alerts[c->owner];
			pub_add(pu, c->url, a->npages == 1 ? U_REDIRECT : U_OTHER, a->pages[0]);
			break;
		}
		default: /* files, section pages, Almanac's own files */
			pub_add(pu, c->url, U_OTHER, -1);
		}
	}
}

static void published_free(published_t *pu)
{
	map_free(&pu->urls);
	for (size_t i = 0; i < pu->n; i++)
		free(pu->list[i]);
	free(pu->list);
}

/* Look `path` up in its spellings ("x/y", "x/y/", "x/y/index.html"); the matching key goes to *key. */
static int lookup(const published_t *pu, const char *path, void **val, char **key)
{
	char *cands[3] = {NULL, NULL, NULL};
	size_t n = strlen(path);
	cands[0] = xstrdup(path);
	if (fsu_ends_with(path, "/index.html") || !strcmp(path, "index.html"))
		cands[1] = xstrndup(path, n - 10);
	else if (n && path[n - 1] != '/')
		cands[1] = xasprintf("%s/", path);
	int found = 0;
	for (int k = 0; k < 3 && !found; k++)
		if (cands[k] && map_get(&pu->urls, cands[k], val)) {
			found = 1;
			*key = cands[k];
			cands[k] = NULL;
		}
	for (int k = 0; k < 3; k++)
		free(cands[k]);
	return found;
}

/* The nearest published URL to `path`: the same ignoring case, else the closest by edit distance. */
static char *nearest(const published_t *pu, const char *path)
{
	for (size_t i = 0; i < pu->n; i++)
		if (!strcasecmp(pu->list[i], path))
			return xstrdup(pu->list[i]);
	size_t len = strlen(path);
	size_t cap = len / 3 > 3 ? len / 3 : 3;
	const char *best = suggest_closest(path, (const char *const *)pu->list, pu->n, cap);
	if (!best && len && path[len - 1] != '/') {
		char *slash = xasprintf("%s/", path);
		best = suggest_closest(slash, (const char *const *)pu->list, pu->n, cap);
		free(slash);
	}
	return best ? xstrdup(best) : NULL;
}

int runbookurl_needs_history(const site_t *s)
{
	if (!s->rules.nrules)
		return 0;
	forgepages_t *forge = forgepages_new(s);
	int needs = 0;
	for (size_t r = 0; r < s->rules.nrules && !needs; r++) {
		const rules_rule_t *rule = &s->rules.rules[r];
		int is_path = alerts_runbook_is_path(rule);
		char *path = rule->runbook_url && !is_path ? alerts_site_path(s, rule->runbook_url) : NULL;
		if (!path) {
			/* a file of one of the repositories that is no page now: a renamed page's old path? */
			long pg;
			char *frag = NULL, *file = NULL;
			needs = rule->runbook_url &&
				(is_path ? forgepages_find_path(forge, rule->runbook_url, &pg, &frag, &file)
					 : forgepages_find(forge, rule->runbook_url, &pg, &frag, &file)) == FORGE_NO_PAGE;
			free(frag);
			free(file);
			continue;
		}
		int known = fsu_starts_with(path, "alerts/");
		size_t n = strlen(path);
		char *key = n && path[n - 1] != '/' && !fsu_ends_with(path, ".html") ? xasprintf("%s/", path)
			    : fsu_ends_with(path, "index.html")                   ? xstrndup(path, n - 10)
											 : xstrdup(path);
		known = known || map_get(&s->url_map, key, NULL);
		free(key);
		free(path);
		needs = !known;
	}
	forgepages_free(forge);
	return needs;
}

char *runbookurl_absolute(const char *base_url, const char *site_url)
{
	size_t bl = strlen(base_url);
	buf_t b = BUF_INIT;
	buf_printf(&b, "%s%s", base_url, bl && base_url[bl - 1] != '/' ? "/" : "");
	/* the path percent-encoded where a URL needs it (a page named Foo(>80%).md) */
	for (const unsigned char *p = (const unsigned char *)site_url; *p; p++) {
		if (isalnum(*p) || strchr("-._~/!$&'()*+,;=:@", *p))
			buf_putc(&b, (char)*p);
		else
			buf_printf(&b, "%%%02X", *p);
	}
	return buf_detach(&b);
}

/* The address a rule of alert `a` should name: alerts/<Name>/ when the alert has a runbook (its
 * runbook's own address for a name that cannot be a URL segment). */
static char *stable_url(const site_t *s, const site_alert_t *a)
{
	if (!a || !a->npages)
		return NULL;
	return alerts_valid_name(a->name) ? xasprintf("alerts/%s/", a->name) : xstrdup(s->pages[a->pages[0]].url);
}

/* How to show a site URL in a message: absolute under base_url when there is one. */
static char *shown(const site_t *s, const char *site_url)
{
	return s->cfg.base_url[0] ? runbookurl_absolute(s->cfg.base_url, site_url) : xstrdup(site_url);
}

char *runbookurl_suggestion(const site_rbcheck_t *c, const char *base_url)
{
	if (!c->suggest)
		return NULL;
	char *u = base_url && base_url[0] ? runbookurl_absolute(base_url, c->suggest) : xstrdup(c->suggest);
	if (!c->suggest_fragment)
		return u;
	char *f = fsu_url_escape(c->suggest_fragment);
	char *r = xasprintf("%s#%s", u, f);
	free(f);
	free(u);
	return r;
}

/* The annotation a rule's link is in, for messages. */
static const char *rb_key(const rules_rule_t *rule)
{
	return rule->runbook_annotation ? "runbook" : "runbook_url";
}

/* A runbook_url that leads to page c->page names heading `frag` there: it must be one (links.h), else the
 * on-call engineer lands at the top of a long page. */
static void check_anchor(site_t *s, const rules_rule_t *rule, const site_alert_t *a, site_rbcheck_t *c,
			 const char *frag)
{
	const site_page_t *p = &s->pages[c->page];
	if (links_page_has_id(s, p, frag))
		return;
	const char *sug = links_closest_id(p, frag);
	const char *disp = s->rules.files[rule->file].display;
	(void)a;
	c->status = SITE_RB_BROKEN;
	c->anchor_missing = 1;
	free(c->suggest);
	c->suggest = xstrdup(p->url);
	free(c->suggest_fragment);
	c->suggest_fragment = sug ? xstrdup(sug) : NULL;
	if (sug)
		diag_add(&s->diags, DIAG_ERROR, disp, rule->url_line, rule->url_col, "runbook-url",
			 "%s '%s' leads to %s, which has no heading '#%s'; did you mean '#%s'?", rb_key(rule),
			 rule->runbook_url, p->src, frag, sug);
	else
		diag_add(&s->diags, DIAG_ERROR, disp, rule->url_line, rule->url_col, "runbook-url",
			 "%s '%s' leads to %s, which has no heading '#%s'", rb_key(rule), rule->runbook_url, p->src,
			 frag);
}

/* A forge's line anchor (GitHub "#L10", "#L10-L20"; GitLab "#L10-20"): the file's lines, no heading. */
static int line_anchor(const char *frag)
{
	if (frag[0] != 'L' || !isdigit((unsigned char)frag[1]))
		return 0;
	const char *p = frag + 1;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p == '-') {
		p++;
		if (*p == 'L')
			p++;
		if (!isdigit((unsigned char)*p))
			return 0;
		while (isdigit((unsigned char)*p))
			p++;
	}
	return *p == '\0';
}

/* The site's id of the heading that the forge calls `frag`: the forge renders the file with GitHub's ids
 * (md_slug, then -1, -2 for repeats), which a MkDocs page's ids (mdids.h) need not be. NULL when no
 * heading has that GitHub id. Borrowed from the page. */
static const char *site_id_of_forge_id(const site_page_t *p, const char *frag)
{
	map_t seen = MAP_INIT;
	const char *hit = NULL;
	for (size_t i = 0; i < p->md.nheadings && !hit; i++) {
		char *base = md_slug(p->md.headings[i].text);
		void *v = NULL;
		long k = map_get(&seen, base, &v) ? MAP_AS_INT(v) : 0;
		char *id = k ? xasprintf("%s-%ld", base, k) : xstrdup(base);
		map_put(&seen, base, MAP_INT(k + 1));
		if (!strcmp(id, frag))
			hit = p->md.headings[i].id;
		free(id);
		free(base);
	}
	map_free(&seen);
	return hit;
}

/* The fragment *frag of a link to the file of page c->page as its forge shows it (a forge URL, a `runbook`
 * path): a line anchor is dropped, a heading named by the forge's id becomes the site's id, and what is
 * left must be a heading of the page (check_anchor). The alert's alerts/<Name>/ follows. */
static void forge_fragment(site_t *s, const rules_rule_t *rule, const site_alert_t *a, site_rbcheck_t *c,
			   char **frag)
{
	const site_page_t *p = &s->pages[c->page];
	site_alert_t *wa = alerts_find(s, rule->alert);
	int same_anchor = *frag && wa && wa->anchor && !strcmp(wa->anchor, *frag);
	if (*frag && line_anchor(*frag)) { /* lines of the file: the page itself, no heading to check */
		free(*frag);
		*frag = NULL;
	} else if (*frag && !links_page_has_id(s, p, *frag)) {
		/* the forge's id of a heading whose id on the site differs (a MkDocs page) */
		const char *id = site_id_of_forge_id(p, *frag);
		if (id) {
			free(*frag);
			*frag = xstrdup(id);
		}
	}
	if (same_anchor) { /* alerts/<Name>/ leads to the heading by the site's id, or to the page */
		free(wa->anchor);
		wa->anchor = *frag ? xstrdup(*frag) : NULL;
	}
	if (*frag)
		check_anchor(s, rule, a, c, *frag); /* a heading the page lacks: broken, said there */
}

/* The repository path a forge URL or runbook path shows, as messages say it: "" (tree/REF, "runbook: /")
 * is the top folder. */
static void name_top_folder(char **file)
{
	if (*file && !(*file)[0]) {
		free(*file);
		*file = xstrdup("the top folder");
	}
}

/* GitLab's `runbook: docs/x.md#heading` (alerts_runbook_is_path): a file of one of the site's repositories
 * (forgepages_find_path). Its page is fine (the rule's own tooling makes the link; nothing to patch); a
 * file of no page, or renamed, is an error; a template is not checked. */
static void check_repo_path(site_t *s, const forgepages_t *forge, const rules_rule_t *rule, const site_alert_t *a,
			    site_rbcheck_t *c)
{
	long pg;
	char *frag, *file;
	forge_hit_t hit = forgepages_find_path(forge, rule->runbook_url, &pg, &frag, &file);
	name_top_folder(&file);
	const char *disp = s->rules.files[rule->file].display;
	c->status = SITE_RB_EXTERNAL;
	if (hit == FORGE_PAGE) {
		c->status = SITE_RB_OK;
		c->page = pg;
		c->target = xstrdup(s->pages[pg].url);
		forge_fragment(s, rule, a, c, &frag);
	} else if (hit == FORGE_RENAMED) {
		c->status = SITE_RB_BROKEN;
		c->page = pg;
		c->suggest = xstrdup(s->pages[pg].url);
		diag_add(&s->diags, DIAG_ERROR, disp, rule->url_line, rule->url_col, "runbook-url",
			 "runbook '%s' names %s, which was renamed to %s; use that path", rule->runbook_url, file,
			 site_page_repo_path(&s->pages[pg]));
	} else if (hit == FORGE_NO_PAGE) {
		c->status = SITE_RB_BROKEN;
		diag_add(&s->diags, DIAG_ERROR, disp, rule->url_line, rule->url_col, "runbook-url",
			 "runbook '%s' names %s, which is no page of the site (no such file, or not published)",
			 rule->runbook_url, file);
	}
	free(frag);
	free(file);
}

/* A runbook_url outside the site: a file of one of its repositories on their forge (forgepages.h), checked
 * against the pages, or another site's (not checked). */
static void check_forge(site_t *s, const forgepages_t *forge, const rules_rule_t *rule, const site_alert_t *a,
			site_rbcheck_t *c)
{
	long pg;
	char *frag, *file;
	forge_hit_t hit = forgepages_find(forge, rule->runbook_url, &pg, &frag, &file);
	name_top_folder(&file);
	const char *disp = s->rules.files[rule->file].display;
	c->status = SITE_RB_EXTERNAL;
	if (hit == FORGE_PAGE) {
		const site_page_t *p = &s->pages[pg];
		c->status = SITE_RB_FORGE;
		c->page = pg;
		c->target = xstrdup(p->url);
		/* the page's own address at the same heading: the rule keeps making the page answer the alert
		 * (alerts.h), which alerts/<Name>/ would not if this URL were why the page answers */
		c->suggest = xstrdup(p->url);
		forge_fragment(s, rule, a, c, &frag);
		if (c->status == SITE_RB_FORGE) {
			c->suggest_fragment = frag;
			frag = NULL;
			char *u = runbookurl_suggestion(c, s->cfg.base_url);
			diag_add(&s->diags, DIAG_NOTE, disp, rule->url_line, rule->url_col, "runbook-url-forge",
				 "%s shows %s as its repository's forge renders it; the site publishes it at %s "
				 "(almanac report --format rules-patch puts that address in)", rb_key(rule), p->src, u);
			free(u);
		}
	} else if (hit == FORGE_RENAMED) {
		const site_page_t *p = &s->pages[pg];
		c->status = SITE_RB_BROKEN;
		c->page = pg;
		c->suggest = xstrdup(p->url);
		char *u = shown(s, c->suggest);
		diag_add(&s->diags, DIAG_ERROR, disp, rule->url_line, rule->url_col, "runbook-url",
			 "%s '%s' shows %s, which was renamed to %s: the forge has nothing there any more; "
			 "use %s", rb_key(rule), rule->runbook_url, file, p->src, u);
		free(u);
	} else if (hit == FORGE_NO_PAGE) {
		c->status = SITE_RB_BROKEN;
		c->suggest = stable_url(s, a);
		char *u = c->suggest ? shown(s, c->suggest) : NULL;
		if (u)
			diag_add(&s->diags, DIAG_ERROR, disp, rule->url_line, rule->url_col, "runbook-url",
				 "runbook_url '%s' shows %s of this site's repository, which is no page of the site; "
				 "did you mean '%s'?", rule->runbook_url, file, u);
		else
			diag_add(&s->diags, DIAG_ERROR, disp, rule->url_line, rule->url_col, "runbook-url",
				 "runbook_url '%s' shows %s of this site's repository, which is no page of the site "
				 "(alert '%s' has no runbook yet)", rule->runbook_url, file, rule->alert);
		free(u);
	}
	free(frag);
	free(file);
}

int runbookurl_check(site_t *s)
{
	runbookurl_free(s);
	if (!s->rules.nrules)
		return 0; /* no rule, nothing to check: the site's URL list is not needed */
	published_t pu = {MAP_INIT, NULL, 0, 0};
	published_urls(s, &pu);
	forgepages_t *forge = forgepages_new(s);
	s->rbchecks = xcalloc(s->rules.nrules + 1, sizeof *s->rbchecks);
	s->nrbchecks = s->rules.nrules;
	for (size_t r = 0; r < s->rules.nrules; r++) {
		const rules_rule_t *rule = &s->rules.rules[r];
		const char *disp = s->rules.files[rule->file].display;
		site_rbcheck_t *c = &s->rbchecks[r];
		c->rule = r;
		c->page = -1;
		const site_alert_t *a = alerts_find(s, rule->alert);
		if (!rule->runbook_url) {
			c->status = SITE_RB_EXTERNAL;
			if (!a || !a->npages || rule->format == RULES_FMT_CATALOG)
				continue;
			c->status = SITE_RB_MISSING;
			c->suggest = stable_url(s, a);
			char *u = shown(s, c->suggest);
			diag_add(&s->diags, DIAG_WARNING, disp, rule->line, rule->col, "runbook-url-missing",
				 "alert '%s' has a runbook (%s) but no runbook_url; add annotations.runbook_url: %s%s",
				 rule->alert, s->pages[a->pages[0]].src, u,
				 s->cfg.base_url[0] ? "" : " (set base_url for the full address)");
			free(u);
			continue;
		}
		if (alerts_runbook_is_path(rule)) {
			check_repo_path(s, forge, rule, a, c);
			continue;
		}
		char *path = alerts_site_path(s, rule->runbook_url);
		if (!path) {
			check_forge(s, forge, rule, a, c);
			continue;
		}
		void *v;
		char *key = NULL;
		if (lookup(&pu, path, &v, &key)) {
			c->target = key;
			c->page = U_PAGEIDX(v);
			c->status = SITE_RB_OK;
			const char *hash = strchr(rule->runbook_url, '#');
			if (U_KIND(v) == U_PAGE && hash && hash[1]) {
				char *frag = fsu_pct_decode(hash + 1, strlen(hash + 1));
				check_anchor(s, rule, a, c, frag);
				free(frag);
			}
			if (U_KIND(v) == U_REDIRECT && !fsu_starts_with(key, "alerts/")) {
				c->status = SITE_RB_MOVED;
				const site_page_t *p = &s->pages[c->page];
				c->suggest = a && a->npages ? stable_url(s, a) : xstrdup(p->url);
				char *u = shown(s, c->suggest);
				diag_add(&s->diags, DIAG_WARNING, disp, rule->url_line, rule->url_col, "runbook-url-moved",
					 "runbook_url '%s' is an old address of %s (a redirect); use %s", rule->runbook_url,
					 p->src, u);
				free(u);
			}
			free(path);
			continue;
		}
		c->status = SITE_RB_BROKEN;
		c->suggest = stable_url(s, a);
		if (!c->suggest)
			c->suggest = nearest(&pu, path);
		if (c->suggest) {
			char *u = shown(s, c->suggest);
			diag_add(&s->diags, DIAG_ERROR, disp, rule->url_line, rule->url_col, "runbook-url",
				 "runbook_url '%s' leads to no page of this site; did you mean '%s'?", rule->runbook_url, u);
			free(u);
		} else {
			diag_add(&s->diags, DIAG_ERROR, disp, rule->url_line, rule->url_col, "runbook-url",
				 "runbook_url '%s' leads to no page of this site (alert '%s' has no runbook yet)",
				 rule->runbook_url, rule->alert);
		}
		free(path);
	}
	published_free(&pu);
	forgepages_free(forge);
	return 0;
}

void runbookurl_free(site_t *s)
{
	for (size_t i = 0; i < s->nrbchecks; i++) {
		free(s->rbchecks[i].target);
		free(s->rbchecks[i].suggest);
		free(s->rbchecks[i].suggest_fragment);
	}
	free(s->rbchecks);
	s->rbchecks = NULL;
	s->nrbchecks = 0;
}
