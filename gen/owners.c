/* owners.c - page owners from front matter, CODEOWNERS and OWNERS. See owners.h. */
#include "owners.h"

#include <errno.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "codeowners.h"
#include "fsutil.h"
#include "map.h"
#include "pathres.h"
#include "regex.h"
#include "yamlval.h"

static const char *const codeowners_paths[] = {".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS",
					       ".gitlab/CODEOWNERS"};
#define NCODEOWNERS (sizeof codeowners_paths / sizeof *codeowners_paths)

typedef struct {
	pcre2_code *re;
	char **approvers;
	size_t n;
} filter_t;

typedef struct {
	int present;          /* an OWNERS file is there (and was read) */
	char **approvers;
	size_t n;
	filter_t *filters;
	size_t nfilters;
} ownersfile_t;

struct owners {
	const pr_root_t *tree;  /* the repository (borrowed) */
	codeowners_t *co;
	char *co_path;        /* the CODEOWNERS in use, NULL without */
	val_t *aliases;       /* OWNERS_ALIASES's aliases: map, or NULL */
	map_t dirs;           /* folder ("" root) -> ownersfile_t* */
	pcre2_match_data *md;
	diag_list_t *d;
};

/* Read repository file `rel` through the boundary (pathres.h): a symbolic link leading out of
 * the repository, or into .git, is not followed. Returns 0, or a PR_E* code (PR_EIO with errno
 * ENOENT when absent). */
static int read_inside(const owners_t *o, const char *rel, buf_t *out)
{
	return pr_read(o->tree, rel, out, OWNERS_MAX_FILE);
}

static void read_problem(owners_t *o, const char *rel, int rc)
{
	if (pr_refused(rc))
		diag_add(o->d, DIAG_WARNING, rel, 0, 0, "symlink", "%s", pr_link_message(rc));
	else if (rc == PR_ETOOBIG)
		diag_add(o->d, DIAG_WARNING, rel, 0, 0, "owners", "larger than %u KiB: not read", OWNERS_MAX_FILE >> 10);
	else if (rc != 0 && errno != ENOENT && errno != ENOTDIR)
		diag_add(o->d, DIAG_WARNING, rel, 0, 0, "owners", "cannot read the file: %s", pr_strerror(rc));
}

owners_t *owners_load(const pr_root_t *tree, diag_list_t *d)
{
	owners_t *o = xcalloc(1, sizeof *o);
	o->tree = tree;
	o->d = d;
	o->md = pcre2_match_data_create(4, NULL);
	for (size_t i = 0; i < NCODEOWNERS; i++) {
		buf_t b = BUF_INIT;
		int rc = read_inside(o, codeowners_paths[i], &b);
		if (rc == 0 && !o->co) {
			o->co = codeowners_parse(b.s ? b.s : "", b.len, codeowners_paths[i], d);
			o->co_path = xstrdup(codeowners_paths[i]);
		} else if (rc == 0) {
			diag_add(d, DIAG_WARNING, codeowners_paths[i], 1, 1, "codeowners",
				 "%s is used (it comes first, as on GitHub); this file is ignored", o->co_path);
		} else {
			read_problem(o, codeowners_paths[i], rc);
		}
		buf_free(&b);
	}
	buf_t b = BUF_INIT;
	int rc = read_inside(o, "OWNERS_ALIASES", &b);
	if (rc == 0) {
		val_t *v = NULL;
		if (yamlval_parse(&v, b.s ? b.s : "", b.len, "OWNERS_ALIASES", 0, d) == 0) {
			val_t *al = val_map_get(v, "aliases");
			if (al && al->type == VAL_MAP)
				o->aliases = val_copy(al);
			val_free(v);
		}
	} else {
		read_problem(o, "OWNERS_ALIASES", rc);
	}
	buf_free(&b);
	return o;
}

/* The strings of a YAML list (non-strings skipped) appended to *v. */
static void strlist(const val_t *l, char ***v, size_t *n)
{
	if (!l || l->type != VAL_LIST)
		return;
	for (size_t i = 0; i < l->len && *n < 1000; i++) {
		const char *s = val_as_str(l->items[i]);
		if (!s || !s[0])
			continue;
		*v = xrealloc(*v, (*n + 1) * sizeof **v);
		(*v)[(*n)++] = xstrdup(s);
	}
}

static ownersfile_t *owners_file(owners_t *o, const char *dir)
{
	void *v;
	if (map_get(&o->dirs, dir, &v))
		return v;
	ownersfile_t *f = xcalloc(1, sizeof *f);
	map_put(&o->dirs, dir, f);
	char *rel = dir[0] ? xasprintf("%s/OWNERS", dir) : xstrdup("OWNERS");
	buf_t b = BUF_INIT;
	int rc = read_inside(o, rel, &b);
	val_t *y = NULL;
	if (rc == 0 && yamlval_parse(&y, b.s ? b.s : "", b.len, rel, 0, o->d) == 0 && y->type == VAL_MAP) {
		f->present = 1;
		strlist(val_map_get(y, "approvers"), &f->approvers, &f->n);
		const val_t *fl = val_map_get(y, "filters");
		for (size_t i = 0; fl && fl->type == VAL_MAP && i < fl->len && i < 100; i++) {
			/* a pattern from the repository: compiled and matched with the bounds of regex.h */
			char *why = NULL;
			size_t off = 0;
			pcre2_code *re = rx_compile(fl->pairs[i].key, &why, &off);
			if (!re) {
				diag_add(o->d, DIAG_WARNING, rel, fl->pairs[i].val->line, 1, "owners",
					 "filter '%s' is ignored: %s", fl->pairs[i].key, why ? why : "not a valid regular expression");
				free(why);
				continue;
			}
			f->filters = xrealloc(f->filters, (f->nfilters + 1) * sizeof *f->filters);
			filter_t *ft = &f->filters[f->nfilters++];
			memset(ft, 0, sizeof *ft);
			ft->re = re;
			strlist(val_map_get(fl->pairs[i].val, "approvers"), &ft->approvers, &ft->n);
		}
	} else if (rc != 0) {
		read_problem(o, rel, rc);
	}
	val_free(y);
	buf_free(&b);
	free(rel);
	return f;
}

static void push_unique(char ***v, size_t *n, const char *s)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i], s))
			return;
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = xstrdup(s);
}

static void set_owner(site_page_t *p, const char *source, char *const *entries, size_t n, const owners_t *o)
{
	free(p->owner);
	for (size_t i = 0; i < p->nowners; i++)
		free(p->owners[i]);
	free(p->owners);
	p->owner = NULL;
	p->owners = NULL;
	p->nowners = 0;
	p->owner_source = source;
	if (!n)
		return;
	buf_t b = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		buf_printf(&b, "%s%s", i ? ", " : "", entries[i]);
		const val_t *members = o && o->aliases ? val_map_get(o->aliases, entries[i]) : NULL;
		if (members && members->type == VAL_LIST) {
			for (size_t k = 0; k < members->len && k < 1000; k++)
				if (val_as_str(members->items[k]))
					push_unique(&p->owners, &p->nowners, val_as_str(members->items[k]));
		} else {
			push_unique(&p->owners, &p->nowners, entries[i]);
		}
	}
	p->owner = buf_detach(&b);
}

void owners_resolve_page(site_t *s, site_page_t *p)
{
	/* a source's pages follow that repository's CODEOWNERS and OWNERS, by their path in it */
	owners_t *o = p->source ? s->sources[p->source - 1].owners : s->owners;
	const char *path = site_page_repo_path(p);
	if (p->fm.owner && p->fm.owner[0]) {
		char *one = p->fm.owner;
		set_owner(p, "front-matter", &one, 1, NULL);
		return;
	}
	const char **co = NULL;
	size_t nco = o ? codeowners_match(o->co, path, &co) : 0;
	if (nco) {
		set_owner(p, "codeowners", (char *const *)co, nco, NULL);
		free(co);
		return;
	}
	free(co);
	/* the nearest OWNERS file with approvers for this page */
	char *dir = fsu_dirname(path);
	for (int depth = 0; o && depth < 128; depth++) {
		ownersfile_t *f = owners_file(o, dir);
		if (f->present) {
			char **ap = NULL;
			size_t n = 0;
			for (size_t i = 0; i < f->n; i++)
				push_unique(&ap, &n, f->approvers[i]);
			const char *rel = dir[0] ? path + strlen(dir) + 1 : path;
			for (size_t k = 0; k < f->nfilters; k++)
				if (pcre2_match(f->filters[k].re, (PCRE2_SPTR)rel, strlen(rel), 0, 0, o->md, rx_match_context()) >= 0) /* a limit hit: no match */
					for (size_t i = 0; i < f->filters[k].n; i++)
						push_unique(&ap, &n, f->filters[k].approvers[i]);
			if (n) {
				set_owner(p, "owners", ap, n, o);
				for (size_t i = 0; i < n; i++)
					free(ap[i]);
				free(ap);
				free(dir);
				return;
			}
			free(ap);
		}
		if (!dir[0])
			break;
		char *up = fsu_dirname(dir);
		free(dir);
		dir = up;
	}
	free(dir);
	set_owner(p, "none", NULL, 0, NULL);
}

/* Where the site's owners handles say the problems of the OWNERS files they read from now on. */
static void set_diags(site_t *s, diag_list_t *d)
{
	owners_t *o = s->owners;
	if (o)
		o->d = d;
	for (size_t k = 0; k < s->nsources; k++)
		if ((o = s->sources[k].owners))
			o->d = d;
}

void owners_resolve_site(site_t *s, diag_list_t *d)
{
	if (!d)
		d = &s->diags;
	if (!s->owners)
		s->owners = owners_load(s->tree, d);
	for (size_t k = 0; k < s->nsources; k++)
		if (!s->sources[k].owners && s->sources[k].tree)
			s->sources[k].owners = owners_load(s->sources[k].tree, d);
	set_diags(s, d);
	for (size_t i = 0; i < s->npages; i++)
		owners_resolve_page(s, &s->pages[i]);
	set_diags(s, &s->diags); /* the OWNERS files read later (almanac serve) say their problems there */
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t owners_inputs(const site_t *s, char ***out)
{
	map_t seen = MAP_INIT;
	char **v = NULL;
	size_t n = 0;
	for (size_t i = 0; i < NCODEOWNERS + 1; i++) {
		v = xrealloc(v, (n + 1) * sizeof *v);
		v[n++] = xstrdup(i < NCODEOWNERS ? codeowners_paths[i] : "OWNERS_ALIASES");
	}
	for (size_t i = 0; i < s->npages; i++) {
		char *dir = xstrdup(s->pages[i].dir);
		for (int depth = 0; depth < 128; depth++) {
			if (map_get(&seen, dir, NULL))
				break; /* this folder and every one above are listed */
			map_put(&seen, dir, MAP_INT(1));
			v = xrealloc(v, (n + 1) * sizeof *v);
			v[n++] = dir[0] ? xasprintf("%s/OWNERS", dir) : xstrdup("OWNERS");
			if (!dir[0])
				break;
			char *up = fsu_dirname(dir);
			free(dir);
			dir = up;
		}
		free(dir);
	}
	map_free(&seen);
	if (n > 1)
		qsort(v, n, sizeof *v, cmp_str);
	*out = v;
	return n;
}

void owners_free(owners_t *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->dirs.cap; i++) {
		ownersfile_t *f = o->dirs.slots[i].key ? o->dirs.slots[i].val : NULL;
		if (!f)
			continue;
		for (size_t k = 0; k < f->n; k++)
			free(f->approvers[k]);
		free(f->approvers);
		for (size_t j = 0; j < f->nfilters; j++) {
			pcre2_code_free(f->filters[j].re);
			for (size_t k = 0; k < f->filters[j].n; k++)
				free(f->filters[j].approvers[k]);
			free(f->filters[j].approvers);
		}
		free(f->filters);
		free(f);
	}
	map_free(&o->dirs);
	codeowners_free(o->co);
	free(o->co_path);
	val_free(o->aliases);
	pcre2_match_data_free(o->md);
	free(o);
}
