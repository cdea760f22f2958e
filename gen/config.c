/* config.c - almanac.yml. See config.h. */
#include "config.h"

#include <errno.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "activefiles.h"
#include "buf.h"
#include "fsutil.h"
#include "regex.h"
#include "layout.h"
#include "suggest.h"
#include "yamlval.h"

static char **strv_dup(const char *const *v, size_t n)
{
	char **r = xcalloc(n + 1, sizeof *r);
	for (size_t i = 0; i < n; i++)
		r[i] = xstrdup(v[i]);
	return r;
}

static void strv_free(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void config_defaults(config_t *c)
{
	static const char *const folders[] = {"content", "runbooks"};
	memset(c, 0, sizeof *c);
	c->title = xstrdup("Documentation");
	c->layout = xstrdup("auto");
	c->muted = xcalloc(1, sizeof *c->muted);
	c->base_url = xstrdup("");
	c->repo_url = xstrdup("");
	c->repo_branch = xstrdup("");
	c->content = strv_dup(folders, 2);
	c->ncontent = 2;
	c->exclude = xcalloc(1, sizeof *c->exclude);
	c->output = xstrdup("public");
	c->theme = xstrdup("default");
	c->search = 1;
	c->alerts_file = xstrdup("alerts.yml");
	c->default_interval = 180;
	c->by_criticality = xcalloc(1, sizeof *c->by_criticality); /* critical pages: 90 days (blueprints) */
	c->by_criticality[0].name = xstrdup("critical");
	c->by_criticality[0].days = 90;
	c->nby_criticality = 1;
	c->due_window = 30;
	c->target = 80;
	static const char *const bots[] = {CONFIG_BOT_AUTHORS};
	c->ignore_authors = strv_dup(bots, sizeof bots / sizeof *bots);
	c->nignore_authors = sizeof bots / sizeof *bots;
	c->drift_grace_days = 5;
}

void config_free(config_t *c)
{
	free(c->title);
	free(c->layout);
	strv_free(c->muted, c->nmuted);
	free(c->base_url);
	free(c->repo_url);
	free(c->repo_branch);
	strv_free(c->content, c->ncontent);
	strv_free(c->exclude, c->nexclude);
	free(c->output);
	free(c->theme);
	free(c->alerts_file);
	strv_free(c->alert_rules, c->nalert_rules);
	free(c->ignore_revs);
	strv_free(c->ignore_authors, c->nignore_authors);
	free(c->file);
	for (size_t i = 0; i < c->nby_criticality; i++)
		free(c->by_criticality[i].name);
	free(c->by_criticality);
	for (size_t i = 0; i < c->nby_type; i++)
		free(c->by_type[i].name);
	free(c->by_type);
	val_free(c->raw);
	memset(c, 0, sizeof *c);
}

int config_parse_interval(const char *s, int *days)
{
	if (!s || *s < '0' || *s > '9')
		return -1;
	long long n = 0;
	const char *p = s;
	while (*p >= '0' && *p <= '9') {
		n = n * 10 + (*p - '0');
		if (n > CONFIG_MAX_INTERVAL)
			return -1;
		p++;
	}
	long long mult = 1;
	if (*p) {
		switch (*p) {
		case 'd': case 'D': mult = 1; break;
		case 'w': case 'W': mult = 7; break;
		case 'm': case 'M': mult = 30; break;
		case 'y': case 'Y': mult = 365; break;
		default: return -1;
		}
		if (p[1])
			return -1;
	}
	n *= mult;
	if (n < 1 || n > CONFIG_MAX_INTERVAL)
		return -1;
	*days = (int)n;
	return 0;
}

int config_interval_for(const config_t *c, const char *type, const char *criticality)
{
	if (criticality)
		for (size_t i = 0; i < c->nby_criticality; i++)
			if (!strcmp(c->by_criticality[i].name, criticality))
				return c->by_criticality[i].days;
	if (type)
		for (size_t i = 0; i < c->nby_type; i++)
			if (!strcmp(c->by_type[i].name, type))
				return c->by_type[i].days;
	return c->default_interval;
}

/* ---- typed readers: each reports a diagnostic at the value's position ---- */

typedef struct {
	const char *file;
	diag_list_t *d;
	int errors;
} cctx_t;

static void cerr(cctx_t *x, const val_t *v, const char *fmt, const char *key)
{
	diag_add(x->d, DIAG_ERROR, x->file, v ? v->line : 0, v ? v->col : 0, "config", fmt, key);
	x->errors++;
}

static int get_string(cctx_t *x, const val_t *v, const char *key, char **dst)
{
	if (v->type == VAL_NUM && v->str) {
		free(*dst);
		*dst = xstrdup(v->str);
		return 0;
	}
	if (v->type != VAL_STR) {
		cerr(x, v, "'%s' must be a string", key);
		return -1;
	}
	free(*dst);
	*dst = xstrdup(v->str);
	return 0;
}

/* A file the build reads: a path inside the repository (relative, no ".." above the
 * root), so a configuration cannot make Almanac read, and echo into diagnostics or the
 * site, a file such as /etc/shadow. */
/* 1 when a segment of the '/'-path `p` is ".git" (any letter case): Git's own files, never the site's. */
static int in_git(const char *p)
{
	for (const char *seg = p; *seg;) {
		size_t n = strcspn(seg, "/");
		if (n == 4 && !strncasecmp(seg, ".git", 4))
			return 1;
		seg += n;
		seg += *seg == '/';
	}
	return 0;
}

static int get_repo_path(cctx_t *x, const val_t *v, const char *key, char **dst)
{
	char *tmp = NULL;
	if (get_string(x, v, key, &tmp))
		return -1;
	if (!tmp[0]) { /* "": none */
		free(*dst);
		*dst = tmp;
		return 0;
	}
	char *n = tmp[0] == '/' ? NULL : fsu_normalize(tmp);
	free(tmp);
	if (!n || !n[0]) {
		free(n);
		cerr(x, v, "'%s' must be a path inside the repository", key);
		return -1;
	}
	if (in_git(n)) {
		free(n);
		cerr(x, v, "'%s' must be a path inside the repository, not in .git", key);
		return -1;
	}
	free(*dst);
	*dst = n;
	return 0;
}

/* An address the site links to on every page: empty, or http(s). A repository's
 * config must not turn the "edit" links or <base href> into javascript: URLs. */
static int get_url(cctx_t *x, const val_t *v, const char *key, char **dst)
{
	char *tmp = NULL;
	if (get_string(x, v, key, &tmp))
		return -1;
	if (tmp[0] && strncasecmp(tmp, "http://", 7) && strncasecmp(tmp, "https://", 8)) {
		free(tmp);
		cerr(x, v, "'%s' must be an http:// or https:// URL", key);
		return -1;
	}
	free(*dst);
	*dst = tmp;
	return 0;
}

static int get_bool(cctx_t *x, const val_t *v, const char *key, int *dst)
{
	if (v->type != VAL_BOOL) {
		cerr(x, v, "'%s' must be true or false", key);
		return -1;
	}
	*dst = v->b;
	return 0;
}

static int get_strlist(cctx_t *x, const val_t *v, const char *key, char ***dst, size_t *n)
{
	if (v->type == VAL_STR) {
		strv_free(*dst, *n);
		*dst = xcalloc(2, sizeof **dst);
		(*dst)[0] = xstrdup(v->str);
		*n = 1;
		return 0;
	}
	if (v->type != VAL_LIST) {
		cerr(x, v, "'%s' must be a list of strings", key);
		return -1;
	}
	for (size_t i = 0; i < v->len; i++)
		if (v->items[i]->type != VAL_STR) {
			cerr(x, v->items[i], "'%s' must be a list of strings", key);
			return -1;
		}
	strv_free(*dst, *n);
	*dst = xcalloc(v->len + 1, sizeof **dst);
	for (size_t i = 0; i < v->len; i++)
		(*dst)[i] = xstrdup(v->items[i]->str);
	*n = v->len;
	return 0;
}

static int get_interval(cctx_t *x, const val_t *v, const char *key, int *days)
{
	if (v->type == VAL_NUM) { /* a bare number of days (tested before the cast: out of range it is undefined) */
		if (v->num >= 1 && v->num <= CONFIG_MAX_INTERVAL && v->num == (double)(int)v->num) {
			*days = (int)v->num;
			return 0;
		}
	} else if (config_parse_interval(val_as_str(v), days) == 0) {
		return 0;
	}
	cerr(x, v, "'%s' must be " CONFIG_INTERVAL_HELP, key);
	return -1;
}

static void check_regexes(cctx_t *x, const val_t *list, const char *key)
{
	if (list->type != VAL_LIST)
		return;
	for (size_t i = 0; i < list->len; i++) {
		const val_t *it = list->items[i];
		if (it->type != VAL_STR)
			continue;
		char *why;
		size_t off;
		pcre2_code *re = rx_compile(it->str, &why, &off);
		if (!re) {
			diag_add(x->d, DIAG_ERROR, x->file, it->line, it->col + (int)off, "config",
				 "invalid pattern in '%s': %s", key, why);
			free(why);
			x->errors++;
		}
		pcre2_code_free(re);
	}
}

/* An unknown key of a mapping (pair `pr`), at the key itself. */
static void unknown_key(cctx_t *x, const val_pair_t *pr, const char *const *known, size_t n, const char *where)
{
	const char *s = suggest_closest(pr->key, known, n, 2);
	int line = pr->line ? pr->line : pr->val->line, col = pr->line ? pr->col : pr->val->col;
	if (s)
		diag_add(x->d, DIAG_WARNING, x->file, line, col, "config", "unknown key '%s'%s; did you mean '%s'?",
			 pr->key, where, s);
	else
		diag_add(x->d, DIAG_WARNING, x->file, line, col, "config", "unknown key '%s'%s", pr->key, where);
}

static void load_intervals(cctx_t *x, const val_t *m, const char *key, config_interval_t **dst, size_t *n)
{
	if (m->type != VAL_MAP) {
		cerr(x, m, "'%s' must be a mapping such as {critical: 90d}", key);
		return;
	}
	for (size_t i = 0; i < m->len; i++) {
		int days;
		if (get_interval(x, m->pairs[i].val, key, &days))
			continue;
		size_t k = 0;
		while (k < *n && strcmp((*dst)[k].name, m->pairs[i].key))
			k++;
		if (k < *n) { /* overrides a default */
			(*dst)[k].days = days;
			continue;
		}
		*dst = xrealloc(*dst, (*n + 1) * sizeof **dst);
		(*dst)[*n].name = xstrdup(m->pairs[i].key);
		(*dst)[*n].days = days;
		(*n)++;
	}
}

static void load_freshness(cctx_t *x, config_t *c, const val_t *f)
{
	static const char *const known[] = {"default_interval", "due_window", "target", "basis", "date_source",
					    "ignore_revs", "ignore_authors", "intervals", "drift_grace_days", "count"};
	if (f->type != VAL_MAP) {
		cerr(x, f, "'%s' must be a mapping", "freshness");
		return;
	}
	for (size_t i = 0; i < f->len; i++) {
		const char *k = f->pairs[i].key;
		const val_t *v = f->pairs[i].val;
		if (!strcmp(k, "default_interval")) {
			get_interval(x, v, "freshness.default_interval", &c->default_interval);
		} else if (!strcmp(k, "due_window")) {
			get_interval(x, v, "freshness.due_window", &c->due_window);
		} else if (!strcmp(k, "target")) {
			if (v->type != VAL_NUM || v->num < 0 || v->num > 100)
				cerr(x, v, "'%s' must be a percentage between 0 and 100", "freshness.target");
			else
				c->target = v->num;
		} else if (!strcmp(k, "basis")) {
			const char *s = val_as_str(v);
			c->basis_set = 1;
			if (s && !strcmp(s, "reviewed"))
				c->basis_reviewed = 1;
			else if (s && !strcmp(s, "commit"))
				c->basis_reviewed = 0;
			else
				cerr(x, v, "'%s' must be 'commit' or 'reviewed'", "freshness.basis");
		} else if (!strcmp(k, "count")) {
			const char *s = val_as_str(v);
			if (s && !strcmp(s, "content"))
				c->count_content = 1;
			else if (s && !strcmp(s, "commit"))
				c->count_content = 0;
			else
				cerr(x, v, "'%s' must be 'commit' or 'content'", "freshness.count");
		} else if (!strcmp(k, "date_source")) {
			const char *s = val_as_str(v);
			if (s && !strcmp(s, "author"))
				c->use_author_date = 1;
			else if (s && !strcmp(s, "committer"))
				c->use_author_date = 0;
			else
				cerr(x, v, "'%s' must be 'committer' or 'author'", "freshness.date_source");
		} else if (!strcmp(k, "ignore_revs")) {
			get_repo_path(x, v, "freshness.ignore_revs", &c->ignore_revs);
		} else if (!strcmp(k, "ignore_authors")) {
			if (!get_strlist(x, v, "freshness.ignore_authors", &c->ignore_authors, &c->nignore_authors))
				check_regexes(x, v, "freshness.ignore_authors");
		} else if (!strcmp(k, "intervals")) {
			if (v->type != VAL_MAP) {
				cerr(x, v, "'%s' must be a mapping with 'criticality' and/or 'type'", "freshness.intervals");
				continue;
			}
			for (size_t j = 0; j < v->len; j++) {
				const char *ik = v->pairs[j].key;
				if (!strcmp(ik, "criticality"))
					load_intervals(x, v->pairs[j].val, "freshness.intervals.criticality",
						       &c->by_criticality, &c->nby_criticality);
				else if (!strcmp(ik, "type"))
					load_intervals(x, v->pairs[j].val, "freshness.intervals.type", &c->by_type,
						       &c->nby_type);
				else {
					static const char *const ik_known[] = {"criticality", "type"};
					unknown_key(x, &v->pairs[j], ik_known, 2, " in freshness.intervals");
				}
			}
		} else if (!strcmp(k, "drift_grace_days")) {
			if (v->type != VAL_NUM || v->num < 0 || v->num > 3650)
				cerr(x, v, "'%s' must be a number of business days", "freshness.drift_grace_days");
			else
				c->drift_grace_days = (int)v->num;
		} else {
			unknown_key(x, &f->pairs[i], known, sizeof known / sizeof *known, " in freshness");
		}
	}
}

/* warnings: {orphan: false, shortcode: false}: kinds of warnings and notes turned off. */
static void load_warnings(cctx_t *x, config_t *c, const val_t *w)
{
	if (w->type != VAL_MAP) {
		cerr(x, w, "'%s' must be a mapping of warning kinds to true or false, such as {orphan: false}", "warnings");
		return;
	}
	size_t nk;
	const char *const *kinds = diag_kinds(&nk);
	for (size_t i = 0; i < w->len; i++) {
		const char *k = w->pairs[i].key;
		const val_t *v = w->pairs[i].val;
		if (v->type != VAL_BOOL) {
			cerr(x, v, "'warnings.%s' must be true or false", k);
			continue;
		}
		if (!diag_kind_known(k)) {
			const char *sug = suggest_closest(k, kinds, nk, 3);
			diag_add(x->d, DIAG_WARNING, x->file, v->line, v->col, "config",
				 "'%s' is not a kind of warning or note%s%s%s", k, sug ? "; did you mean '" : "",
				 sug ? sug : "", sug ? "'?" : "");
		}
		if (v->b)
			continue;
		c->muted = xrealloc(c->muted, (c->nmuted + 2) * sizeof *c->muted);
		c->muted[c->nmuted++] = xstrdup(k);
		c->muted[c->nmuted] = NULL;
	}
}

int config_load(config_t *c, const char *path, const char *display, int optional, diag_list_t *d)
{
	buf_t text = BUF_INIT;
	int r = fsu_read_file(&text, path, FSU_MAX_FILE);
	if (r != 0) {
		if (r == -1 && errno == ENOENT && optional) {
			buf_free(&text);
			return 0;
		}
		diag_add(d, DIAG_ERROR, display, 0, 0, "config", "cannot read the configuration: %s",
			 r == -2 ? "file too large" : strerror(errno));
		buf_free(&text);
		return -1;
	}
	int rc = config_load_text(c, buf_cstr(&text), text.len, display, d);
	buf_free(&text);
	return rc;
}

int config_load_text(config_t *c, const char *text, size_t len, const char *display, diag_list_t *d)
{
	static const char *const known[] = {"title", "base_url", "repo_url", "repo_branch", "content", "exclude",
					    "output", "theme", "raw_html", "search", "alerts", "alert_rules", "freshness",
					    "layout", "warnings", "active_assets", "sources"};
	cctx_t x = {display, d, 0};
	free(c->file);
	c->file = xstrdup(display);
	val_t *root = NULL;
	if (yamlval_parse(&root, text, len, display, 0, d))
		return -1;
	if (root->type == VAL_NULL) {
		val_free(root);
		return 0;
	}
	if (root->type != VAL_MAP) {
		diag_add(d, DIAG_ERROR, display, root->line, root->col, "config",
			 "the configuration must be a mapping of keys to values");
		val_free(root);
		return -1;
	}
	for (size_t i = 0; i < root->len; i++) {
		const char *k = root->pairs[i].key;
		const val_t *v = root->pairs[i].val;
		if (!strcmp(k, "title")) {
			if (get_string(&x, v, k, &c->title) == 0)
				c->title_explicit = 1;
		} else if (!strcmp(k, "layout")) {
			char *l = NULL;
			if (get_string(&x, v, k, &l) == 0) {
				if (layout_valid_setting(l)) {
					free(c->layout);
					c->layout = l;
				} else {
					static const char *const layouts[] = {"auto", "hugo", "mkdocs", "plain", "techdocs"};
					const char *sug = suggest_closest(l, layouts, 5, 3);
					diag_add(d, DIAG_ERROR, display, v->line, v->col, "config",
						 "'layout' must be auto, hugo, mkdocs, techdocs or plain, not '%s'%s%s%s", l,
						 sug ? "; did you mean '" : "", sug ? sug : "", sug ? "'?" : "");
					x.errors++;
					free(l);
				}
			}
		} else if (!strcmp(k, "warnings"))
			load_warnings(&x, c, v);
		else if (!strcmp(k, "base_url"))
			get_url(&x, v, k, &c->base_url);
		else if (!strcmp(k, "repo_url"))
			get_url(&x, v, k, &c->repo_url);
		else if (!strcmp(k, "repo_branch"))
			get_string(&x, v, k, &c->repo_branch);
		else if (!strcmp(k, "content")) {
			if (!get_strlist(&x, v, k, &c->content, &c->ncontent)) {
				c->content_explicit = 1;
				for (size_t j = 0; j < c->ncontent; j++) {
					char *n = fsu_normalize(c->content[j]);
					if (!n || n[0] == '/' || !n[0] || in_git(n)) {
						cerr(&x, v, "'%s' entries must be folders inside the repository", k);
						free(n);
						continue;
					}
					size_t l = strlen(n);
					if (l && n[l - 1] == '/')
						n[l - 1] = '\0';
					free(c->content[j]);
					c->content[j] = n;
				}
			}
		} else if (!strcmp(k, "exclude")) {
			if (!get_strlist(&x, v, k, &c->exclude, &c->nexclude))
				check_regexes(&x, v, k);
		} else if (!strcmp(k, "output")) {
			if (!get_string(&x, v, k, &c->output)) {
				c->output_line = v->line;
				c->output_col = v->col;
			}
		}
		else if (!strcmp(k, "theme"))
			get_string(&x, v, k, &c->theme);
		else if (!strcmp(k, "raw_html"))
			get_bool(&x, v, k, &c->raw_html);
		else if (!strcmp(k, "active_assets")) {
			const char *a = val_as_str(v);
			if (a && !strcmp(a, "image"))
				c->active_assets = AF_IMAGE;
			else if (a && !strcmp(a, "skip"))
				c->active_assets = AF_SKIP;
			else if (a && !strcmp(a, "publish"))
				c->active_assets = AF_PUBLISH;
			else
				cerr(&x, v, "'%s' must be 'image', 'skip' or 'publish'", k);
		}
		else if (!strcmp(k, "search"))
			get_bool(&x, v, k, &c->search);
		else if (!strcmp(k, "alerts"))
			get_repo_path(&x, v, k, &c->alerts_file);
		else if (!strcmp(k, "alert_rules"))
			get_strlist(&x, v, k, &c->alert_rules, &c->nalert_rules); /* checked by alerts.c */
		else if (!strcmp(k, "freshness"))
			load_freshness(&x, c, v);
		else if (!strcmp(k, "sources"))
			; /* read by sources.c when the site is loaded (c->raw) */
		else
			unknown_key(&x, &root->pairs[i], known, sizeof known / sizeof *known, "");
	}
	if (c->theme && (strchr(c->theme, '/') || !strcmp(c->theme, "..") || !c->theme[0])) {
		cerr(&x, val_map_get(root, "theme"), "'%s' must be a theme name (a folder under themes/)", "theme");
	}
	c->raw = root;
	return x.errors ? -1 : 0;
}
