/* frontmatter.c - YAML front matter. See frontmatter.h. */
#include "frontmatter.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "config.h"
#include "suggest.h"
#include "timefmt.h"
#include "toml.h"
#include "yamlval.h"

static const char *const fm_known[] = {"title", "description", "type", "owner", "criticality",
				       "review_interval", "tags", "alerts", "related", "aliases",
				       "draft", "reviewed", "reviewer", "watches"};
#define FM_NKNOWN (sizeof fm_known / sizeof *fm_known)

void fm_free(fm_t *fm)
{
	free(fm->title);
	free(fm->description);
	free(fm->type);
	free(fm->owner);
	free(fm->criticality);
	for (size_t i = 0; i < fm->ntags; i++)
		free(fm->tags[i]);
	free(fm->tags);
	for (size_t i = 0; i < fm->nalerts; i++)
		free(fm->alerts[i]);
	free(fm->alerts);
	for (size_t i = 0; i < fm->nrelated; i++)
		free(fm->related[i].value);
	free(fm->related);
	for (size_t i = 0; i < fm->naliases; i++)
		free(fm->aliases[i].value);
	free(fm->aliases);
	for (size_t i = 0; i < fm->nwatches; i++)
		free(fm->watches[i]);
	free(fm->watches);
	free(fm->reviewer);
	val_free(fm->raw);
	memset(fm, 0, sizeof *fm);
}

int fm_parse_date(const char *s, int64_t *out)
{
	int64_t t;
	if (tf_parse(s, &t))
		return -1;
	*out = t - t % 86400; /* the day the review happened, midnight UTC */
	return 0;
}

typedef struct {
	const char *path;
	diag_list_t *d;
	int errors;
	int foreign_type;
} fctx_t;

static void ferr(fctx_t *x, const val_t *v, const char *fmt, const char *key)
{
	diag_add(x->d, DIAG_ERROR, x->path, v->line, v->col, "front-matter", fmt, key);
	x->errors++;
}

static char *scalar_text(const val_t *v)
{
	if (v->type == VAL_STR)
		return xstrdup(v->str);
	if (v->type == VAL_NUM && v->str)
		return xstrdup(v->str);
	return NULL;
}

static int take_string(fctx_t *x, const val_t *v, const char *key, char **dst)
{
	char *s = scalar_text(v);
	if (!s) {
		ferr(x, v, "'%s' must be a string", key);
		return -1;
	}
	free(*dst);
	*dst = s;
	return 0;
}

/* A list of strings; a single string is accepted as a one-element list. */
static int take_list(fctx_t *x, const val_t *v, const char *key, char ***dst, size_t *n)
{
	size_t cnt = v->type == VAL_LIST ? v->len : 1;
	if (v->type != VAL_LIST && v->type != VAL_STR) {
		ferr(x, v, "'%s' must be a list of strings", key);
		return -1;
	}
	char **r = xcalloc(cnt + 1, sizeof *r);
	size_t k = 0;
	for (size_t i = 0; i < cnt; i++) {
		const val_t *it = v->type == VAL_LIST ? v->items[i] : v;
		char *s = scalar_text(it);
		if (!s) {
			ferr(x, it, "'%s' must be a list of strings", key);
			continue;
		}
		r[k++] = s;
	}
	*dst = r;
	*n = k;
	return 0;
}

static int take_refs(fctx_t *x, const val_t *v, const char *key, fm_ref_t **dst, size_t *n)
{
	size_t cnt = v->type == VAL_LIST ? v->len : 1;
	if (v->type != VAL_LIST && v->type != VAL_STR) {
		ferr(x, v, "'%s' must be a list of paths", key);
		return -1;
	}
	fm_ref_t *r = xcalloc(cnt + 1, sizeof *r);
	size_t k = 0;
	for (size_t i = 0; i < cnt; i++) {
		const val_t *it = v->type == VAL_LIST ? v->items[i] : v;
		if (it->type != VAL_STR) {
			ferr(x, it, "'%s' must be a list of paths", key);
			continue;
		}
		r[k].value = xstrdup(it->str);
		r[k].line = it->line;
		r[k].col = it->col;
		k++;
	}
	*dst = r;
	*n = k;
	return 0;
}

static void typed_keys(fctx_t *x, fm_t *fm)
{
	val_t *m = fm->raw;
	for (size_t i = 0; i < m->len; i++) {
		const char *k = m->pairs[i].key;
		val_t *v = m->pairs[i].val;
		/* `owner:` with nothing after it (as `almanac new` writes it) means "not set" */
		if (v->type == VAL_NULL)
			continue;
		if (!strcmp(k, "title")) {
			take_string(x, v, k, &fm->title);
		} else if (!strcmp(k, "description")) {
			take_string(x, v, k, &fm->description);
		} else if (!strcmp(k, "type")) {
			char *s = NULL;
			if (take_string(x, v, k, &s) == 0) {
				if (strcmp(s, "runbook") && strcmp(s, "role") && strcmp(s, "guide") && x->foreign_type) {
					free(s); /* another tool's content type: the folder decides Almanac's */
				} else if (strcmp(s, "runbook") && strcmp(s, "role") && strcmp(s, "guide")) {
					static const char *const types[] = {"runbook", "role", "guide"};
					const char *sug = suggest_closest(s, types, 3, 3);
					diag_add(x->d, DIAG_ERROR, x->path, v->line, v->col, "front-matter",
						 "unknown type '%s': expected runbook, role or guide%s%s%s", s,
						 sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "");
					x->errors++;
					free(s);
				} else {
					free(fm->type);
					fm->type = s;
				}
			}
		} else if (!strcmp(k, "owner")) {
			take_string(x, v, k, &fm->owner);
		} else if (!strcmp(k, "criticality")) {
			char *s = NULL;
			if (take_string(x, v, k, &s) == 0) {
				static const char *const crit[] = {"critical", "high", "medium", "low"};
				int ok = 0;
				for (int j = 0; j < 4; j++)
					ok |= !strcmp(s, crit[j]);
				if (!ok) {
					const char *sug = suggest_closest(s, crit, 4, 3);
					diag_add(x->d, DIAG_ERROR, x->path, v->line, v->col, "front-matter",
						 "unknown criticality '%s': expected critical, high, medium or low%s%s%s", s,
						 sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "");
					x->errors++;
					free(s);
				} else {
					free(fm->criticality);
					fm->criticality = s;
				}
			}
		} else if (!strcmp(k, "review_interval")) {
			char *s = scalar_text(v);
			int days;
			if (!s || config_parse_interval(s, &days))
				ferr(x, v, "'%s' must be " CONFIG_INTERVAL_HELP, k);
			else
				fm->review_interval = days;
			free(s);
		} else if (!strcmp(k, "tags")) {
			take_list(x, v, k, &fm->tags, &fm->ntags);
		} else if (!strcmp(k, "alerts")) {
			take_list(x, v, k, &fm->alerts, &fm->nalerts);
		} else if (!strcmp(k, "watches")) {
			take_list(x, v, k, &fm->watches, &fm->nwatches);
		} else if (!strcmp(k, "related")) {
			take_refs(x, v, k, &fm->related, &fm->nrelated);
		} else if (!strcmp(k, "aliases")) {
			take_refs(x, v, k, &fm->aliases, &fm->naliases);
		} else if (!strcmp(k, "draft")) {
			if (v->type != VAL_BOOL)
				ferr(x, v, "'%s' must be true or false", k);
			else
				fm->draft = v->b;
		} else if (!strcmp(k, "reviewed")) {
			char *s = scalar_text(v);
			if (!s || fm_parse_date(s, &fm->reviewed))
				ferr(x, v, "'%s' must be a date such as 2026-11-01", k);
			free(s);
		} else if (!strcmp(k, "reviewer")) {
			take_string(x, v, k, &fm->reviewer);
		} else {
			const char *sug = suggest_closest(k, fm_known, FM_NKNOWN, strlen(k) <= 4 ? 1 : 2);
			const val_pair_t *pr = &m->pairs[i]; /* the warning is at the key */
			if (sug)
				diag_add(x->d, DIAG_WARNING, x->path, pr->line ? pr->line : v->line,
					 pr->line ? pr->col : v->col, "front-matter", "unknown key '%s'; did you mean '%s'?",
					 k, sug);
		}
	}
}

/* Length of the line starting at p (without its end), and the offset of the next line. */
static size_t line_end(const char *text, size_t len, size_t p, size_t *next)
{
	size_t e = p;
	while (e < len && text[e] != '\n')
		e++;
	*next = e < len ? e + 1 : e;
	if (e > p && text[e - 1] == '\r')
		e--;
	return e - p;
}

/* A fence line: "---" (closing also "..."), or "+++" for TOML front matter. */
static int is_fence(const char *s, size_t n, int closing, int toml)
{
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (toml)
		return n == 3 && !memcmp(s, "+++", 3);
	if (n == 3 && !memcmp(s, "---", 3))
		return 1;
	return closing && n == 3 && !memcmp(s, "...", 3);
}

int fm_parse(fm_t *fm, const char *text, size_t len, const char *path, size_t *body_offset, int *body_line,
	     diag_list_t *d)
{
	return fm_parse_ex(fm, text, len, path, body_offset, body_line, d, NULL);
}

int fm_parse_ex(fm_t *fm, const char *text, size_t len, const char *path, size_t *body_offset, int *body_line,
		diag_list_t *d, const fm_opts_t *o)
{
	fctx_t x = {path, d, 0, o && o->foreign_type};
	memset(fm, 0, sizeof *fm);
	size_t start = 0;
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		start = 3;
	*body_offset = start;
	*body_line = 1;
	size_t next;
	size_t n = line_end(text, len, start, &next);
	int toml = o && o->toml && is_fence(text + start, n, 0, 1);
	if (!toml && !is_fence(text + start, n, 0, 0)) {
		fm->raw = val_map();
		return 0;
	}
	/* find the closing fence */
	size_t p = next, yaml_start = next;
	int line = 2;
	for (;;) {
		if (p >= len) {
			diag_add(d, DIAG_ERROR, path, 1, 1, "front-matter",
				 toml ? "front matter opened with '+++' is never closed: add a line '+++' after it"
				      : "front matter opened with '---' is never closed: add a line '---' after it");
			fm->raw = val_map();
			return -1;
		}
		size_t nx;
		size_t ln = line_end(text, len, p, &nx);
		if (is_fence(text + p, ln, 1, toml))
			break;
		p = nx;
		line++;
	}
	size_t yaml_end = p;
	line_end(text, len, p, &next);
	*body_offset = next;
	*body_line = line + 1;
	fm->present = 1;
	fm->line = 1;

	/* libyaml rejects tabs in indentation with a cryptic message: say it plainly */
	const char *yaml = text + yaml_start;
	size_t ylen = yaml_end - yaml_start;
	if (memchr(yaml, '\0', ylen)) {
		diag_add(d, DIAG_ERROR, path, 2, 1, "front-matter", "front matter contains a NUL byte");
		fm->raw = val_map();
		return -1;
	}
	if (!toml) { /* tabs are fine in TOML */
		int l = 2;
		size_t q = 0;
		while (q < ylen) {
			for (size_t r = q; r < ylen && (yaml[r] == ' ' || yaml[r] == '\t'); r++) {
				if (yaml[r] == '\t') {
					diag_add(d, DIAG_ERROR, path, l, (int)(r - q) + 1, "front-matter",
						 "tab used for indentation in front matter: YAML needs spaces");
					fm->raw = val_map();
					return -1;
				}
			}
			while (q < ylen && yaml[q] != '\n')
				q++;
			q++;
			l++;
		}
	}
	val_t *root = NULL;
	if (toml ? toml_parse(&root, yaml, ylen, path, 1, d) : yamlval_parse(&root, yaml, ylen, path, 1, d)) {
		fm->raw = val_map();
		return -1;
	}
	if (root->type == VAL_NULL) {
		val_free(root);
		root = val_map();
	} else if (root->type != VAL_MAP) {
		diag_add(d, DIAG_ERROR, path, root->line ? root->line : 2, root->col ? root->col : 1, "front-matter",
			 "front matter must be a mapping of keys to values (key: value)");
		val_free(root);
		fm->raw = val_map();
		return -1;
	}
	fm->raw = root;
	typed_keys(&x, fm);
	if (o && o->map)
		x.errors += o->map(fm, path, d);
	return x.errors ? -1 : 0;
}
