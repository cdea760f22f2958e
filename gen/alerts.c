/* alerts.c - alert catalog and alert map. See alerts.h. */
#include "alerts.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "forgepages.h"
#include "fsutil.h"
#include "json.h"
#include "layout.h"
#include "parallel.h"
#include "pathres.h"
#include "sitelayout.h"
#include "timefmt.h"

int alerts_valid_name(const char *name)
{
	/* a URL segment and a folder name: bounded, no '/', not "." or ".." */
	if (!name[0] || strlen(name) > 200 || !strcmp(name, ".") || !strcmp(name, ".."))
		return 0;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_:.-", *p))
			return 0;
	return 1;
}

static char *lower(const char *name)
{
	char *l = xstrdup(name);
	for (char *c = l; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return l;
}

static site_alert_t *alert_get(site_t *s, map_t *m, const char *name)
{
	void *v;
	if (map_get(m, name, &v))
		return &s->alerts[MAP_AS_INT(v)];
	s->alerts = xrealloc(s->alerts, (s->nalerts + 1) * sizeof *s->alerts);
	site_alert_t *a = &s->alerts[s->nalerts];
	memset(a, 0, sizeof *a);
	a->name = xstrdup(name);
	map_put(m, name, MAP_INT(s->nalerts));
	s->nalerts++;
	return a;
}

site_alert_t *alerts_find(const site_t *s, const char *name)
{
	size_t lo = 0, hi = s->nalerts; /* sorted by name once alerts_build ran */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(s->alerts[mid].name, name);
		if (!c)
			return &s->alerts[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ---- finding and reading the catalog ---- */

/* A `<source>:path` entry: a name of letters, digits, '_', '.', '-' before a ':' (no '/' before it). */
static int names_source(const char *spec)
{
	const char *c = strchr(spec, ':');
	if (!c || c == spec || memchr(spec, '/', (size_t)(c - spec)))
		return 0;
	for (const char *p = spec; p < c; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_.-", *p))
			return 0;
	return 1;
}

/* The rule files `spec` names inside source `src` (a file, folder or glob of that repository),
 * shown as "<source>:<path>". */
static void add_source_rules(site_t *s, site_source_t *src, const char *spec, const char *origin, int line, int col)
{
	size_t before = s->rules.nfiles;
	rules_add(&s->rules, src->tree, src->root, spec, 1, origin, line, col, &s->diags);
	for (size_t f = before; f < s->rules.nfiles; f++) {
		char *disp = xasprintf("%s:%s", src->name, s->rules.files[f].display);
		free(s->rules.files[f].display);
		s->rules.files[f].display = disp;
	}
}

/* The position of entry `i` of `alert_rules:` in the configuration `cfg` was read from (0:0 when unknown). */
static void alert_rules_pos(const config_t *cfg, size_t i, int *line, int *col)
{
	const val_t *list = val_map_get(cfg->raw, "alert_rules");
	const val_t *v = list && list->type == VAL_LIST && i < list->len ? list->items[i] : list;
	*line = v ? v->line : 0;
	*col = v ? v->col : 0;
}

int alerts_find_files(site_t *s)
{
	/* the catalog file: optional, silently absent (a link out of the repository is said when read) */
	if (s->cfg.alerts_file && s->cfg.alerts_file[0]) {
		struct stat st;
		int rc = pr_stat(s->tree, s->cfg.alerts_file, &st);
		if (rc == 0 || pr_refused(rc) || errno != ENOENT)
			rules_add_file(&s->rules, s->tree, s->root, s->cfg.alerts_file, s->cfg.alerts_file);
	}
	const char *cfgname = s->opts.config ? s->opts.config : "almanac.yml";
	for (size_t i = 0; i < s->cfg.nalert_rules; i++) {
		const char *spec = s->cfg.alert_rules[i];
		int line, col;
		alert_rules_pos(&s->cfg, i, &line, &col);
		struct stat st;
		int exists = pr_stat(s->tree, spec, &st) == 0;
		if (!exists && names_source(spec)) {
			/* '<source>:path': rule files inside a source of sources: */
			const char *colon = strchr(spec, ':');
			size_t k = 0;
			while (k < s->nsources && (strlen(s->sources[k].name) != (size_t)(colon - spec) ||
						   strncmp(s->sources[k].name, spec, (size_t)(colon - spec))))
				k++;
			if (k == s->nsources) {
				diag_add(&s->diags, DIAG_ERROR, cfgname, line, col, "alert-rules",
					 "'%s' names a source ('<source>:path') that sources: does not list", spec);
				continue;
			}
			add_source_rules(s, &s->sources[k], colon + 1, cfgname, line, col);
			continue;
		}
		rules_add(&s->rules, s->tree, s->root, spec, 1, cfgname, line, col, &s->diags);
	}
	/* each source's own catalog and rule files (its almanac.yml, else its alerts.yml) */
	for (size_t k = 0; k < s->nsources; k++) {
		site_source_t *src = &s->sources[k];
		if (!src->tree)
			continue;
		const char *catalog = src->cfg.alerts_file;
		struct stat st;
		if (catalog && catalog[0]) {
			int rc = pr_stat(src->tree, catalog, &st);
			if (rc == 0 || pr_refused(rc) || errno != ENOENT) {
				char *disp = xasprintf("%s:%s", src->name, catalog);
				rules_add_file(&s->rules, src->tree, src->root, catalog, disp);
				free(disp);
			}
		}
		for (size_t i = 0; src->has_cfg && i < src->cfg.nalert_rules; i++) {
			char *origin = xasprintf("%s:almanac.yml", src->name);
			int line, col;
			alert_rules_pos(&src->cfg, i, &line, &col);
			add_source_rules(s, src, src->cfg.alert_rules[i], origin, line, col);
			free(origin);
		}
	}
	for (size_t i = 0; i < s->opts.nalert_rules; i++)
		rules_add(&s->rules, s->tree, s->root, s->opts.alert_rules[i], 0, NULL, 0, 0, &s->diags);
	return 0;
}

/* Severity rank: lower is more severe. */
static int severity_rank(const char *sev)
{
	static const char *const order[] = {"critical", "error", "warning", "info"};
	if (!sev)
		return 6;
	for (int i = 0; i < 4; i++)
		if (!strcasecmp(sev, order[i]))
			return i;
	return 5;
}

int alerts_load_catalog(site_t *s)
{
	rules_read(&s->rules, &s->diags);
	map_t m = MAP_INIT;
	for (size_t i = 0; i < s->nalerts; i++)
		map_put(&m, s->alerts[i].name, MAP_INT(i));
	for (size_t f = 0; f < s->rules.nfiles; f++) {
		const rules_file_t *rf = &s->rules.files[f];
		if (!rf->failed)
			s->have_catalog = 1;
		/* the catalog file must hold a catalog */
		if (f == 0 && s->cfg.alerts_file && !strcmp(rf->display, s->cfg.alerts_file) && rf->read && !rf->failed &&
		    !rf->recognized && !rf->is_template)
			diag_add(&s->diags, DIAG_ERROR, rf->display, 1, 1, "alerts",
				 "the alert catalog must have a list 'alerts:' of entries with a 'name' (or Prometheus "
				 "rule 'groups:')");
	}
	for (size_t i = 0; i < s->rules.nrules; i++) {
		const rules_rule_t *r = &s->rules.rules[i];
		site_alert_t *a = alert_get(s, &m, r->alert);
		if (r->format == RULES_FMT_CATALOG) {
			/* twice in one catalog list is a slip; rules of one alert in several files are normal */
			int twice = 0;
			for (size_t k = 0; k < a->nrules && !twice; k++) {
				const rules_rule_t *o = &s->rules.rules[a->rules[k]];
				twice = o->format == RULES_FMT_CATALOG && o->file == r->file;
			}
			if (twice) {
				diag_add(&s->diags, DIAG_WARNING, s->rules.files[r->file].display, r->line, r->col, "alerts",
					 "alert '%s' is listed twice in the catalog", r->alert);
				continue;
			}
		}
		if (!a->in_catalog) {
			a->in_catalog = 1;
			a->line = r->line;
			a->col = r->col;
		}
		a->rules = xrealloc(a->rules, (a->nrules + 1) * sizeof *a->rules);
		a->rules[a->nrules++] = i;
		if (r->severity && severity_rank(r->severity) < severity_rank(a->severity)) {
			free(a->severity);
			a->severity = xstrdup(r->severity);
		}
		if (r->summary && !a->summary)
			a->summary = xstrdup(r->summary);
	}
	map_free(&m);
	for (size_t i = 0; i < s->nalerts; i++) {
		char *l = lower(s->alerts[i].name);
		if (!map_get(&s->alert_folded, l, NULL))
			map_put(&s->alert_folded, l, s->alerts[i].name);
		free(l);
	}
	return 0;
}

const char *alerts_file_name_match(const site_t *s, const char *stem)
{
	if (!stem || !s->alert_folded.len)
		return NULL;
	char *l = lower(stem);
	void *v = NULL;
	int hit = map_get(&s->alert_folded, l, &v);
	free(l);
	return hit ? v : NULL;
}

int alerts_page_named_for_alert(const site_t *s, const site_page_t *p)
{
	return !val_map_get(p->fm.raw, "alerts") && alerts_file_name_match(s, p->slug) != NULL;
}

/* ---- the map ---- */

static int cmp_alert(const void *a, const void *b)
{
	return strcmp(((const site_alert_t *)a)->name, ((const site_alert_t *)b)->name);
}

static int cmp_alert_ptr(const void *a, const void *b)
{
	return cmp_alert(*(site_alert_t *const *)a, *(site_alert_t *const *)b);
}

/* Sort s->alerts by name (the names are distinct); returns where each alert went: rank[old index] is its
 * new index. Caller frees. */
static size_t *sort_alerts(site_t *s)
{
	size_t n = s->nalerts;
	size_t *rank = xcalloc(n + 1, sizeof *rank);
	if (n < 2)
		return rank; /* s->alerts is NULL without alerts */
	site_alert_t **by = xmalloc(n * sizeof *by);
	for (size_t i = 0; i < n; i++)
		by[i] = &s->alerts[i];
	qsort(by, n, sizeof *by, cmp_alert_ptr);
	site_alert_t *sorted = xmalloc(n * sizeof *sorted);
	for (size_t k = 0; k < n; k++) {
		sorted[k] = *by[k];
		rank[by[k] - s->alerts] = k;
	}
	free(by);
	free(s->alerts);
	s->alerts = sorted;
	return rank;
}

int alerts_add_answer(site_t *s, size_t ai, long page)
{
	site_alert_t *a = &s->alerts[ai];
	for (size_t k = 0; k < a->npages; k++)
		if (a->pages[k] == page)
			return 0;
	size_t at = a->npages;
	while (at > 0 && a->pages[at - 1] > page)
		at--;
	if (!(a->npages & (a->npages - 1))) /* room for a power of two of them: 0, 1, 2, 4... */
		a->pages = xrealloc(a->pages, (a->npages ? 2 * a->npages : 1) * sizeof *a->pages);
	memmove(a->pages + at + 1, a->pages + at, (a->npages - at) * sizeof *a->pages);
	a->pages[at] = page;
	a->npages++;
	/* the page's alerts by name: the new one in its place */
	site_page_t *p = &s->pages[page];
	p->alerts = xrealloc(p->alerts, (p->nalerts + 1) * sizeof *p->alerts);
	size_t k = p->nalerts++;
	while (k > 0 && strcmp(p->alerts[k - 1], a->name) > 0) {
		p->alerts[k] = p->alerts[k - 1];
		k--;
	}
	p->alerts[k] = a->name;
	return 1;
}

/* The published page whose URL is `url` (a site path, any of "x/y/", "x/y", "x/y/index.html"), or -1. */
static long page_at_url(const site_t *s, const char *url)
{
	size_t n = strlen(url);
	char *key = NULL;
	if (fsu_ends_with(url, "/index.html"))
		key = xstrndup(url, n - 10);
	else if (!strcmp(url, "index.html"))
		key = xstrdup("");
	else if (n && url[n - 1] != '/')
		key = xasprintf("%s/", url);
	else
		key = xstrdup(url);
	void *v;
	long r = map_get(&s->url_map, key, &v) ? MAP_AS_INT(v) : -1;
	free(key);
	return r;
}

static char *site_path_of(const char *base, const char *url);

site_alert_t *alerts_of_path(const site_t *s, const char *path)
{
	/* alerts/<Name>/, alerts/<Name> or alerts/<Name>/index.html */
	if (!fsu_starts_with(path, "alerts/"))
		return NULL;
	const char *n = path + 7;
	size_t len = strcspn(n, "/");
	if (n[len] && strcmp(n + len, "/") && strcmp(n + len, "/index.html"))
		return NULL;
	char *name = xstrndup(n, len);
	site_alert_t *a = alerts_find(s, name);
	free(name);
	return a && a->npages ? a : NULL;
}

/* alerts_build's look at each page, on every core: its front matter's alerts: entry (v), else the
 * catalog alert its file is named for (by_name), for a page that is published. */
typedef struct {
	const site_t *s;
	const val_t **v;
	const char **by_name;
} page_alerts_t;

static void page_alerts(void *ud, size_t i)
{
	page_alerts_t *pa = ud;
	const site_page_t *p = &pa->s->pages[i];
	if (p->draft && !pa->s->opts.drafts)
		return;
	pa->v[i] = val_map_get(p->fm.raw, "alerts");
	if (!pa->v[i])
		pa->by_name[i] = alerts_file_name_match(pa->s, p->slug);
}

int alerts_build(site_t *s)
{
	map_t m = MAP_INIT;
	map_t folded = MAP_INIT; /* lower-case name -> index of the first spelling */
	for (size_t i = 0; i < s->nalerts; i++) {
		map_put(&m, s->alerts[i].name, MAP_INT(i));
		char *l = lower(s->alerts[i].name);
		if (!map_get(&folded, l, NULL))
			map_put(&folded, l, MAP_INT(i));
		free(l);
	}
	/* answers by page index, in page order: (page, alert name) pairs resolved after the sort */
	typedef struct {
		long page;
		size_t alert; /* its index in s->alerts before the sort below */
		int line, col; /* front matter position; 0 for the other rules */
	} ans_t;
	ans_t *ans = NULL;
	size_t nans = 0, cans = 0;
	/* every name answered is in m: the catalog's, the rules' (alerts_load_catalog), the front matter's
	 * (added below before its answer) */
#define ADD_ANS(pg, nm, l, c)                                                                                          \
	do {                                                                                                           \
		void *ai_;                                                                                             \
		if (!map_get(&m, (nm), &ai_))                                                                          \
			break;                                                                                         \
		if (nans == cans) {                                                                                    \
			cans = cans ? cans * 2 : 64;                                                                   \
			ans = xrealloc(ans, cans * sizeof *ans);                                                       \
		}                                                                                                      \
		ans[nans].page = (pg);                                                                                 \
		ans[nans].alert = (size_t)MAP_AS_INT(ai_);                                                             \
		ans[nans].line = (l);                                                                                  \
		ans[nans].col = (c);                                                                                   \
		nans++;                                                                                                \
	} while (0)
	/* the rules whose runbook_url is a page's own address, or its file on the forge (forgepages.h) */
	forgepages_t *forge = s->rules.nrules ? forgepages_new(s) : NULL; /* no rule, no page index */
	long *rule_page = xcalloc(s->rules.nrules + 1, sizeof *rule_page);
	char **rule_frag = xcalloc(s->rules.nrules + 1, sizeof *rule_frag);
	for (size_t r = 0; r < s->rules.nrules; r++) {
		const rules_rule_t *rule = &s->rules.rules[r];
		rule_page[r] = -1;
		if (!rule->runbook_url)
			continue;
		long pg = -1;
		char *frag = NULL, *file = NULL, *path = NULL;
		if (alerts_runbook_is_path(rule)) { /* GitLab's `runbook: docs/x.md`: a repository path */
			if (forgepages_find_path(forge, rule->runbook_url, &pg, &frag, &file) != FORGE_PAGE)
				pg = -1;
		} else {
			path = alerts_site_path(s, rule->runbook_url);
			pg = path ? page_at_url(s, path) : -1;
			const char *hash = strchr(rule->runbook_url, '#');
			frag = path && hash && hash[1] ? fsu_pct_decode(hash + 1, strlen(hash + 1)) : NULL;
			if (!path && forgepages_find(forge, rule->runbook_url, &pg, &frag, &file) != FORGE_PAGE)
				pg = -1;
		}
		free(file);
		free(path);
		if (pg >= 0 && !(s->pages[pg].draft && !s->opts.drafts)) {
			ADD_ANS(pg, rule->alert, 0, 0);
			rule_page[r] = pg;
			rule_frag[r] = frag;
			frag = NULL;
		}
		free(frag);
	}
	forgepages_free(forge);
	page_alerts_t pa = {s, xcalloc(s->npages + 1, sizeof *pa.v), xcalloc(s->npages + 1, sizeof *pa.by_name)};
	par_for(s->npages, s->opts.jobs > 0 ? s->opts.jobs : 1, page_alerts, &pa);
	for (size_t i = 0; i < s->npages; i++) {
		site_page_t *p = &s->pages[i];
		if (p->draft && !s->opts.drafts)
			continue;
		if (!pa.v[i]) {
			if (pa.by_name[i])
				ADD_ANS((long)i, pa.by_name[i], 0, 0);
			continue;
		}
		const val_t *v = pa.v[i];
		for (size_t j = 0; j < p->fm.nalerts; j++) {
			const char *name = p->fm.alerts[j];
			int line = v ? v->line : 1, col = v ? v->col : 1;
			if (v && v->type == VAL_LIST && j < v->len) {
				line = v->items[j]->line;
				col = v->items[j]->col;
			}
			if (!alerts_valid_name(name)) {
				diag_add(&s->diags, DIAG_ERROR, p->src, line, col, "alerts",
					 "alert name '%s' may only use letters, digits, '_', ':', '.' and '-'", name);
				continue;
			}
			if (!map_get(&m, name, NULL)) {
				/* alerts/kubedown/ and alerts/KubeDown/ are one folder on macOS and Windows */
				char *l = lower(name);
				void *fv;
				if (map_get(&folded, l, &fv))
					diag_add(&s->diags, DIAG_WARNING, p->src, line, col, "alert-case",
						 "alert '%s' differs from '%s' only in case; their alerts/ pages would "
						 "collide on a case-insensitive file system",
						 name, s->alerts[MAP_AS_INT(fv)].name);
				else
					map_put(&folded, l, MAP_INT(s->nalerts));
				free(l);
				alert_get(s, &m, name);
			}
			ADD_ANS((long)i, name, line, col);
		}
	}
#undef ADD_ANS
	free(pa.v);
	free(pa.by_name);
	map_free(&m);
	map_free(&folded);
	size_t *rank = sort_alerts(s); /* the answers' alerts by their index before the sort */
	/* front-matter answers in page order first, so "claimed twice" is said at the later pages */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t k = 0; k < nans; k++) {
			if ((ans[k].line != 0) != (pass == 0))
				continue;
			site_alert_t *a = &s->alerts[rank[ans[k].alert]];
			long i = ans[k].page;
			if (!alerts_add_answer(s, (size_t)(a - s->alerts), i))
				continue;
			if (!ans[k].line || a->npages < 2)
				continue;
			const char *name = a->name;
			long first = a->pages[0] == i ? a->pages[1] : a->pages[0];
			if (a->npages == 2)
				diag_add(&s->diags, DIAG_WARNING, s->pages[i].src, ans[k].line, ans[k].col,
					 "alert-claimed-twice", "alert '%s' is also answered by %s; alerts/%s/ will list both",
					 name, s->pages[first].src, name);
			else
				diag_add(&s->diags, DIAG_WARNING, s->pages[i].src, ans[k].line, ans[k].col,
					 "alert-claimed-twice",
					 "alert '%s' is also answered by %s and %zu other runbook%s; alerts/%s/ will list "
					 "all %zu",
					 name, s->pages[first].src, a->npages - 2, a->npages == 3 ? "" : "s", name,
					 a->npages);
		}
	}
	free(rank);
	free(ans);
	/* alerts/<Name>/ leads to the heading a rule's runbook_url names on the alert's (first) runbook */
	for (size_t r = 0; r < s->rules.nrules; r++) {
		site_alert_t *a = rule_frag[r] ? alerts_find(s, s->rules.rules[r].alert) : NULL;
		if (a && !a->anchor && a->npages && a->pages[0] == rule_page[r]) {
			a->anchor = rule_frag[r];
			rule_frag[r] = NULL;
		}
		free(rule_frag[r]);
	}
	free(rule_frag);
	free(rule_page);
	/* a rule whose runbook_url is alerts/<Other>/: the other alert's runbooks answer it too */
	for (size_t r = 0; r < s->rules.nrules; r++) {
		const rules_rule_t *rule = &s->rules.rules[r];
		char *path = rule->runbook_url ? alerts_site_path(s, rule->runbook_url) : NULL;
		site_alert_t *other = path ? alerts_of_path(s, path) : NULL;
		site_alert_t *a = alerts_find(s, rule->alert);
		free(path);
		if (!other || !a || other == a)
			continue;
		size_t n = other->npages; /* answers added below do not feed this loop */
		for (size_t k = 0; k < n; k++)
			alerts_add_answer(s, (size_t)(a - s->alerts), other->pages[k]);
	}
	return 0;
}

/* ---- runbook_url addresses ---- */

static const char *after_scheme(const char *u)
{
	if (!strncasecmp(u, "https://", 8))
		return u + 8;
	if (!strncasecmp(u, "http://", 7))
		return u + 7;
	return NULL;
}

static char *site_path_of(const char *base, const char *url)
{
	const char *rest = NULL;
	const char *u = after_scheme(url);
	if (u) {
		const char *b = base ? after_scheme(base) : NULL;
		if (!b || !b[0])
			return NULL; /* absolute, and no base_url to compare with: not checked */
		size_t bl = strlen(b);
		while (bl && b[bl - 1] == '/')
			bl--;
		/* the host ignoring case, the path exactly; http and https alike */
		const char *bslash = memchr(b, '/', bl);
		size_t hostlen = bslash ? (size_t)(bslash - b) : bl;
		if (strncasecmp(u, b, hostlen) || strncmp(u + hostlen, b + hostlen, bl - hostlen))
			return NULL;
		rest = u + bl;
		if (*rest && *rest != '/' && *rest != '?' && *rest != '#')
			return NULL; /* https://docs.example.com/ops-old/ is not under .../ops */
	} else if (strchr(url, ':') && strcspn(url, ":") < strcspn(url, "/?#")) {
		return NULL; /* another scheme (mailto:, file:) */
	} else if (!strncmp(url, "//", 2)) {
		return NULL;
	} else {
		rest = url; /* relative: to the site root */
	}
	while (*rest == '/')
		rest++;
	size_t n = strcspn(rest, "?#");
	char *path = fsu_pct_decode(rest, n); /* as a server would */
	char *norm = path[0] ? fsu_normalize(path) : xstrdup("");
	free(path);
	return norm;
}

int alerts_runbook_is_path(const rules_rule_t *rule)
{
	return rule->runbook_annotation && rule->runbook_url && !after_scheme(rule->runbook_url) &&
	       strncmp(rule->runbook_url, "//", 2) != 0;
}

char *alerts_site_path(const site_t *s, const char *url)
{
	char *path = site_path_of(s->cfg.base_url, url);
	if (path || !after_scheme(url))
		return path;
	for (size_t k = 0; k < s->nsources; k++) {
		/* a source that is a site of its own: rules kept for it name its own address */
		int own = sitelayout_site_of(s, (int)k + 1) == (int)k + 1;
		const layout_t *l = own ? sitelayout_of(s, (int)k + 1) : NULL;
		char *in = l && l->base_url ? site_path_of(l->base_url, url) : NULL;
		if (in) {
			path = xasprintf("%s/%s", s->sources[k].name, in);
			free(in);
			return path;
		}
	}
	return NULL;
}

/* ---- alerts.json ---- */

void alerts_write_json(const site_t *s, buf_t *out)
{
	json_writer_t w;
	json_init(&w, out, 1);
	json_begin_object(&w);
	json_key(&w, "schema");
	json_string(&w, "almanac.alerts/1");
	json_key(&w, "alerts");
	json_begin_array(&w);
	const char *base = s->cfg.base_url;
	size_t bl = strlen(base);
	for (size_t i = 0; i < s->nalerts; i++) {
		const site_alert_t *a = &s->alerts[i];
		const site_page_t *p = a->npages ? &s->pages[a->pages[0]] : NULL;
		json_begin_object(&w);
		json_key(&w, "name");
		json_string(&w, a->name);
		char *url = xasprintf("alerts/%s/", a->name);
		int addr = p && alerts_valid_name(a->name); /* alerts/<Name>/ is written */
		json_key(&w, "url");
		if (addr)
			json_string(&w, url);
		else
			json_null(&w);
		if (bl) {
			char *abs = xasprintf("%s%s%s", base, base[bl - 1] == '/' ? "" : "/", url);
			json_key(&w, "absolute_url");
			if (addr)
				json_string(&w, abs);
			else
				json_null(&w);
			free(abs);
		}
		free(url);
		json_key(&w, "runbook");
		if (p)
			json_string(&w, p->src);
		else
			json_null(&w);
		json_key(&w, "page_url");
		if (p)
			json_string(&w, p->url);
		else
			json_null(&w);
		json_key(&w, "runbooks");
		json_begin_array(&w);
		for (size_t k = 0; k < a->npages; k++)
			json_string(&w, s->pages[a->pages[k]].src);
		json_end_array(&w);
		json_key(&w, "owner");
		if (p && p->owner)
			json_string(&w, p->owner);
		else
			json_null(&w);
		json_key(&w, "severity");
		if (a->severity)
			json_string(&w, a->severity);
		else
			json_null(&w);
		json_key(&w, "status");
		if (p)
			json_string(&w, site_status_name(p->fresh.status));
		else
			json_null(&w);
		json_key(&w, "last_commit");
		if (p && p->fresh.has_commit) {
			char ts[40];
			json_begin_object(&w);
			json_key(&w, "id");
			json_string(&w, p->fresh.commit_id);
			tf_format_rfc3339(ts, sizeof ts, p->fresh.commit_time);
			json_key(&w, "time");
			json_string(&w, ts);
			json_key(&w, "author");
			json_string(&w, p->fresh.author ? p->fresh.author : "");
			json_end_object(&w);
		} else {
			json_null(&w);
		}
		json_key(&w, "in_catalog");
		json_bool(&w, a->in_catalog);
		json_key(&w, "rules");
		json_begin_array(&w);
		for (size_t k = 0; k < a->nrules; k++) {
			const rules_rule_t *r = &s->rules.rules[a->rules[k]];
			if (r->format == RULES_FMT_CATALOG)
				continue;
			json_begin_object(&w);
			json_key(&w, "file");
			json_string(&w, s->rules.files[r->file].display);
			json_key(&w, "line");
			json_int(&w, r->line);
			json_end_object(&w);
		}
		json_end_array(&w);
		json_end_object(&w);
	}
	json_end_array(&w);
	json_end_object(&w);
	buf_putc(out, '\n');
}

void alerts_free(site_t *s)
{
	for (size_t i = 0; i < s->nalerts; i++) {
		free(s->alerts[i].name);
		free(s->alerts[i].severity);
		free(s->alerts[i].summary);
		free(s->alerts[i].pages);
		free(s->alerts[i].rules);
		free(s->alerts[i].anchor);
	}
	free(s->alerts);
	s->alerts = NULL;
	s->nalerts = 0;
	map_free(&s->alert_folded);
	memset(&s->alert_folded, 0, sizeof s->alert_folded);
	rules_free(&s->rules);
}
