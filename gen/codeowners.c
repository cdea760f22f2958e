/* codeowners.c - CODEOWNERS parsing and matching. See codeowners.h. */
#include "codeowners.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "pathmatch.h"

typedef struct {
	char *glob;           /* the pattern as a pathmatch glob (anchored, "**" added) */
	char *prefix;         /* literal start every matching path has (fast rejection), may be "" */
	int dir_only;         /* a trailing '/': only paths strictly below */
	int exact;            /* the last segment has a wildcard: no "or below" */
	char **owners;
	size_t nowners;
	size_t section;
} rule_t;

typedef struct {
	char *name;           /* lower-cased, "" for the lines before any section */
	char **defaults;
	size_t ndefaults;
} section_t;

struct codeowners {
	rule_t *rules;
	size_t nrules;
	section_t *sections;
	size_t nsections;
};

/* Split the next whitespace-separated token (backslash escapes kept) off *p. */
static char *token(const char **p)
{
	const char *s = *p;
	while (*s == ' ' || *s == '\t')
		s++;
	const char *start = s;
	while (*s && *s != ' ' && *s != '\t') {
		if (*s == '\\' && s[1])
			s++;
		s++;
	}
	*p = s;
	return s > start ? xstrndup(start, (size_t)(s - start)) : NULL;
}

/* The owners on the rest of a line, up to a '#' token. */
static void owners_of(const char *p, char ***out, size_t *n)
{
	char *t;
	while ((t = token(&p))) {
		if (t[0] == '#') {
			free(t);
			break;
		}
		if (*n >= CODEOWNERS_MAX_OWNERS) {
			free(t);
			continue;
		}
		*out = xrealloc(*out, (*n + 1) * sizeof **out);
		(*out)[(*n)++] = t;
	}
}

static size_t section_get(codeowners_t *c, const char *name)
{
	for (size_t i = 0; i < c->nsections; i++)
		if (!strcasecmp(c->sections[i].name, name))
			return i;
	c->sections = xrealloc(c->sections, (c->nsections + 1) * sizeof *c->sections);
	section_t *s = &c->sections[c->nsections];
	memset(s, 0, sizeof *s);
	s->name = xstrdup(name);
	for (char *q = s->name; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	return c->nsections++;
}

/* Compile a pattern into a rule's glob fields. Returns 0, or -1 for an empty pattern. */
static int compile(const char *pattern, rule_t *r)
{
	size_t n = strlen(pattern);
	r->dir_only = n > 1 && pattern[n - 1] == '/';
	char *p = xstrndup(pattern, r->dir_only ? n - 1 : n);
	const char *body = p;
	int anchored = body[0] == '/';
	while (*body == '/')
		body++;
	if (!anchored)
		anchored = strchr(body, '/') != NULL;
	if (!body[0]) { /* "/" alone: the whole repository */
		free(p);
		r->glob = xstrdup("**");
		r->prefix = xstrdup("");
		return 0;
	}
	const char *last = strrchr(body, '/');
	last = last ? last + 1 : body;
	r->exact = pathmatch_has_magic(last) && !r->dir_only;
	r->glob = anchored ? xstrdup(body) : xasprintf("**/%s", body);
	/* the literal part before the first wildcard or escape, for anchored patterns */
	size_t lit = anchored ? strcspn(body, "*?[\\") : 0;
	r->prefix = xstrndup(body, lit);
	free(p);
	return 0;
}

static int rule_match(const rule_t *r, const char *path)
{
	if (r->prefix[0] && strncmp(path, r->prefix, strlen(r->prefix)))
		return 0;
	if (r->dir_only)
		return pathmatch_glob_or_below(r->glob, path) && !pathmatch_glob(r->glob, path);
	if (r->exact)
		return pathmatch_glob(r->glob, path);
	return pathmatch_glob_or_below(r->glob, path);
}

int codeowners_pattern_match(const char *pattern, const char *path)
{
	rule_t r = {0};
	compile(pattern, &r);
	int m = rule_match(&r, path);
	free(r.glob);
	free(r.prefix);
	return m;
}

codeowners_t *codeowners_parse(const char *text, size_t len, const char *display, diag_list_t *d)
{
	codeowners_t *c = xcalloc(1, sizeof *c);
	size_t cur = section_get(c, "");
	size_t lineno = 0;
	int capped = 0;
	for (size_t off = 0; off < len;) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t ll = nl ? (size_t)(nl - (text + off)) : len - off;
		char *line = xstrndup(text + off, ll);
		off += ll + (nl != NULL);
		lineno++;
		size_t e = strlen(line);
		while (e && (line[e - 1] == '\r' || line[e - 1] == ' ' || line[e - 1] == '\t'))
			line[--e] = '\0';
		const char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#') {
			free(line);
			continue;
		}
		if (*p == '[' || (*p == '^' && p[1] == '[')) {
			/* a GitLab section: ^[Name][N] @default @owners */
			const char *open = *p == '^' ? p + 1 : p;
			const char *close = strchr(open, ']');
			if (!close) {
				diag_add(d, DIAG_WARNING, display, (int)lineno, 1, "codeowners",
					 "section header without its closing ']': line ignored");
				free(line);
				continue;
			}
			char *name = xstrndup(open + 1, (size_t)(close - open - 1));
			cur = section_get(c, name);
			free(name);
			const char *rest = close + 1;
			if (*rest == '[') { /* approval count */
				const char *c2 = strchr(rest, ']');
				rest = c2 ? c2 + 1 : rest + strlen(rest);
			}
			section_t *s = &c->sections[cur];
			if (!s->ndefaults)
				owners_of(rest, &s->defaults, &s->ndefaults);
			free(line);
			continue;
		}
		if (c->nrules >= CODEOWNERS_MAX_RULES) {
			if (!capped)
				diag_add(d, DIAG_WARNING, display, (int)lineno, 1, "codeowners",
					 "more than %d rules: the rest are ignored", CODEOWNERS_MAX_RULES);
			capped = 1;
			free(line);
			continue;
		}
		char *pat = token(&p);
		rule_t r = {0};
		r.section = cur;
		compile(pat, &r);
		free(pat);
		owners_of(p, &r.owners, &r.nowners);
		c->rules = xrealloc(c->rules, (c->nrules + 1) * sizeof *c->rules);
		c->rules[c->nrules++] = r;
		free(line);
	}
	return c;
}

size_t codeowners_match(const codeowners_t *c, const char *path, const char ***out)
{
	*out = NULL;
	if (!c)
		return 0;
	size_t n = 0;
	const char **res = NULL;
	for (size_t sec = 0; sec < c->nsections; sec++) {
		/* last match wins: scan from the end, stop at the first hit */
		const rule_t *hit = NULL;
		for (size_t i = c->nrules; i-- > 0 && !hit;)
			if (c->rules[i].section == sec && rule_match(&c->rules[i], path))
				hit = &c->rules[i];
		if (!hit)
			continue;
		char *const *own = hit->owners;
		size_t no = hit->nowners;
		if (!no) { /* GitLab: the section's default owners */
			own = c->sections[sec].defaults;
			no = c->sections[sec].ndefaults;
		}
		for (size_t k = 0; k < no; k++) {
			int dup = 0;
			for (size_t j = 0; j < n && !dup; j++)
				dup = !strcmp(res[j], own[k]);
			if (dup)
				continue;
			res = xrealloc(res, (n + 1) * sizeof *res);
			res[n++] = own[k];
		}
	}
	*out = res;
	return n;
}

size_t codeowners_rules(const codeowners_t *c)
{
	return c ? c->nrules : 0;
}

void codeowners_free(codeowners_t *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nrules; i++) {
		free(c->rules[i].glob);
		free(c->rules[i].prefix);
		for (size_t k = 0; k < c->rules[i].nowners; k++)
			free(c->rules[i].owners[k]);
		free(c->rules[i].owners);
	}
	free(c->rules);
	for (size_t i = 0; i < c->nsections; i++) {
		free(c->sections[i].name);
		for (size_t k = 0; k < c->sections[i].ndefaults; k++)
			free(c->sections[i].defaults[k]);
		free(c->sections[i].defaults);
	}
	free(c->sections);
	free(c);
}
