/* rules.c - alert rules from Prometheus rule files, PrometheusRule resources
 * and Almanac's catalog format. See rules.h. */
#define _GNU_SOURCE /* memmem */
#include "rules.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "buf.h"
#include "fsutil.h"
#include "map.h"
#include "pathmatch.h"
#include "pathres.h"
#include "publish.h"

/* ------------------------------------------------------------------ */
/* finding the files (every path through pathres.h)                    */
/* ------------------------------------------------------------------ */

typedef struct {
	rules_set_t *set;
	map_t *seen;          /* "device:inode" of the files already in the set */
	const pr_root_t *root;
	const char *root_path;/* the root's absolute path with a trailing '/' ("" for the current folder) */
	int from_config;
	diag_list_t *d;
	size_t entries;       /* folder entries visited (bounded) */
	size_t added;
} walk_t;

static int is_yaml_name(const char *name)
{
	return fsu_ends_with(name, ".yml") || fsu_ends_with(name, ".yaml");
}

static char *file_key(const struct stat *st)
{
	return xasprintf("%llu:%llu", (unsigned long long)st->st_dev, (unsigned long long)st->st_ino);
}

static void add_found(walk_t *w, const char *rel, const struct stat *st, const char *display, int explicit_file)
{
	char *key = file_key(st);
	if (map_get(w->seen, key, NULL)) {
		free(key);
		return;
	}
	if (w->set->nfiles >= RULES_MAX_FILES) {
		if (!w->set->files_capped)
			diag_add(w->d, DIAG_ERROR, display, 0, 0, "alert-rules",
				 "more than %d rule files: the rest are not read", RULES_MAX_FILES);
		w->set->files_capped = 1;
		free(key);
		return;
	}
	map_put(w->seen, key, MAP_INT(1));
	free(key);
	w->set->files = xrealloc(w->set->files, (w->set->nfiles + 1) * sizeof *w->set->files);
	rules_file_t *f = &w->set->files[w->set->nfiles++];
	memset(f, 0, sizeof *f);
	f->root = w->root;
	f->rel = xstrdup(rel);
	f->abs = rel[0] == '/' || !w->root_path[0] ? fsu_absolute(rel) : xasprintf("%s%s", w->root_path, rel);
	f->display = xstrdup(display);
	f->from_config = w->from_config;
	f->explicit_file = explicit_file;
	w->added++;
}

/* Walk the folder `rel` of the root (shown as `disp`), adding the YAML files whose path below
 * the walk's start (`below`, "" at the start) matches `glob` (NULL: every YAML file). */
static void walk(walk_t *w, const char *rel, const char *disp, const char *below, const char *glob, int depth)
{
	if (depth > RULES_MAX_DEPTH || pub_interrupted())
		return;
	pr_entry_t *ents = NULL;
	size_t n = 0;
	int rc = pr_list(w->root, rel, 1, &ents, &n); /* sorted; hidden entries (.git) skipped */
	if (rc != 0) {
		diag_add(w->d, DIAG_WARNING, disp, 0, 0, "alert-rules", "cannot read folder: %s", pr_strerror(rc));
		return;
	}
	for (size_t i = 0; i < n && w->entries < 100000; i++, w->entries++) {
		const char *name = ents[i].name;
		char *crel = rel[0] ? fsu_join(rel, name) : xstrdup(name);
		char *cdisp = disp[0] ? fsu_join(disp, name) : xstrdup(name);
		char *cbelow = below[0] ? fsu_join(below, name) : xstrdup(name);
		struct stat st = ents[i].st;
		int linked = S_ISLNK(st.st_mode);
		if (linked) {
			int lr = pr_stat(w->root, crel, &st); /* resolved beneath the root (repository rules) */
			if (lr != 0) {
				if (pr_refused(lr))
					diag_add(w->d, DIAG_WARNING, cdisp, 0, 0, "symlink", "%s", pr_link_message(lr));
				goto next;
			}
		}
		if (S_ISDIR(st.st_mode)) {
			if (!linked) /* a linked folder is read where it is (no loops) */
				walk(w, crel, cdisp, cbelow, glob, depth + 1);
		} else if (S_ISREG(st.st_mode) && is_yaml_name(name) && (!glob || pathmatch_glob(glob, cbelow))) {
			add_found(w, crel, &st, cdisp, 0);
		}
	next:
		free(crel);
		free(cdisp);
		free(cbelow);
	}
	pr_list_free(ents, n);
}

static map_t *seen_map(rules_set_t *set)
{
	map_t *m = xcalloc(1, sizeof *m);
	for (size_t i = 0; i < set->nfiles; i++) {
		struct stat st;
		if (pr_stat(set->files[i].root, set->files[i].rel, &st) == 0) {
			char *key = file_key(&st);
			map_put(m, key, MAP_INT(1));
			free(key);
		}
	}
	return m;
}

size_t rules_add(rules_set_t *set, const pr_root_t *tree, const char *tree_path, const char *spec, int from_config,
		 const char *origin, int line, int col, diag_list_t *d)
{
	walk_t w = {.set = set, .from_config = from_config, .d = d};
	const char *where = from_config ? origin : spec;
	int wl = from_config ? line : 0, wc = from_config ? col : 0;
	char *norm = NULL;
	if (from_config) {
		norm = spec[0] && spec[0] != '/' ? fsu_normalize(spec) : NULL;
		if (!norm || !norm[0] || !strcmp(norm, ".git") || !strncmp(norm, ".git/", 5) || strstr(norm, "/.git/") ||
		    fsu_ends_with(norm, "/.git")) {
			diag_add(d, DIAG_ERROR, where, wl, wc, "alert-rules",
				 "'%s' must be a file, folder or glob inside the repository (not in .git)", spec);
			free(norm);
			return 0;
		}
		w.root = tree;
		w.root_path = tree_path;
	} else {
		/* the operator's path, as given (relative to the current folder, or absolute) */
		if (!set->cwd && pr_root_open(&set->cwd, ".", PR_TRUSTED) != 0) {
			diag_add(d, DIAG_ERROR, spec, 0, 0, "alert-rules", "cannot open the current folder: %s",
				 strerror(errno));
			return 0;
		}
		norm = xstrdup(spec);
		w.root = set->cwd;
		w.root_path = "";
	}
	size_t nl = strlen(norm);
	while (nl > 1 && norm[nl - 1] == '/')
		norm[--nl] = '\0';
	w.seen = seen_map(set);
	if (pathmatch_has_magic(norm)) {
		/* a glob: walk from its longest folder prefix without magic */
		size_t cut = 0;
		for (size_t i = 0; norm[i] && !strchr("*?[", norm[i]); i++)
			if (norm[i] == '/')
				cut = i + 1;
		/* "rules", "" (the root), or "/" for an absolute glob at the file system's root */
		char *prefix = cut == 1 && norm[0] == '/' ? xstrdup("/") : xstrndup(norm, cut ? cut - 1 : 0);
		struct stat st;
		if (pr_stat(w.root, prefix[0] ? prefix : ".", &st) == 0 && S_ISDIR(st.st_mode))
			walk(&w, prefix, prefix, "", norm + cut, 0);
		free(prefix);
	} else {
		struct stat st;
		int rc = pr_stat(w.root, norm, &st);
		if (rc != 0 && pr_refused(rc))
			diag_add(d, DIAG_ERROR, where, wl, wc, "alert-rules",
				 "'%s' leads outside the repository (a symbolic link) or into .git: not read; pass such "
				 "paths with --alert-rules",
				 spec);
		else if (rc != 0)
			diag_add(d, DIAG_ERROR, where, wl, wc, "alert-rules", "'%s': no such file or folder", spec);
		else if (S_ISDIR(st.st_mode))
			walk(&w, norm, norm, "", NULL, 0);
		else {
			add_found(&w, norm, &st, norm, 1);
			w.added += w.added == 0; /* met before: still named */
		}
	}
	if (!w.added && pathmatch_has_magic(norm))
		diag_add(d, DIAG_WARNING, where, wl, wc, "alert-rules", "'%s' matches no .yml or .yaml file", spec);
	map_free(w.seen);
	free(w.seen);
	free(norm);
	return w.added;
}

void rules_add_file(rules_set_t *set, const pr_root_t *root, const char *root_path, const char *rel,
		    const char *display)
{
	walk_t w = {.set = set, .from_config = 1, .root = root, .root_path = root_path};
	w.seen = seen_map(set);
	struct stat st;
	if (pr_stat(root, rel, &st) != 0) { /* read (and its problem said) by rules_read */
		memset(&st, 0, sizeof st);
		st.st_ino = (ino_t)(set->nfiles + 1); /* a key of its own */
		st.st_dev = (dev_t)-1;
	}
	add_found(&w, rel, &st, display, 1);
	if (set->nfiles)
		set->files[set->nfiles - 1].is_catalog = 1;
	map_free(w.seen);
	free(w.seen);
}

/* ------------------------------------------------------------------ */
/* a YAML tree with positions                                          */
/* ------------------------------------------------------------------ */

enum { Y_SCALAR, Y_SEQ, Y_MAP };

typedef struct ynode ynode_t;
struct ynode {
	int type;
	int style;            /* scalars: 0 plain, '"', '\'', '|' (literal or folded) */
	int flow;             /* sequences and mappings in flow style */
	char *str;            /* scalar value (owned) */
	yaml_mark_t start, end;
	ynode_t **kids;       /* sequences: items; mappings: key, value, key, value... (not owned when aliased) */
	size_t n;
	int alias;            /* this entry in kids[] is borrowed (an alias): see ytree_t.all */
};

typedef struct {
	yaml_parser_t parser;
	const char *file;
	diag_list_t *d;
	int failed;
	size_t nodes;
	ynode_t **all;        /* every node made, for freeing (aliases share nodes) */
	size_t nall, call;
	map_t anchors;        /* anchor -> node */
} ytree_t;

static void y_error(ytree_t *t, const yaml_mark_t *m, const char *fmt, const char *arg)
{
	if (t->failed)
		return;
	t->failed = 1;
	diag_add(t->d, DIAG_ERROR, t->file, (int)m->line + 1, (int)m->column + 1, "alert-rules", fmt, arg);
}

static int y_next(ytree_t *t, yaml_event_t *ev)
{
	if (yaml_parser_parse(&t->parser, ev))
		return 0;
	y_error(t, &t->parser.problem_mark, "invalid YAML: %s",
		t->parser.problem ? t->parser.problem : "syntax error");
	return -1;
}

static ynode_t *y_new(ytree_t *t, int type, const yaml_event_t *ev, const char *anchor)
{
	ynode_t *n = xcalloc(1, sizeof *n);
	n->type = type;
	n->start = ev->start_mark;
	n->end = ev->end_mark;
	if (t->nall == t->call) {
		t->call = t->call ? t->call * 2 : 64;
		t->all = xrealloc(t->all, t->call * sizeof *t->all);
	}
	t->all[t->nall++] = n;
	if (anchor)
		map_put(&t->anchors, anchor, n);
	return n;
}

static void y_push(ynode_t *parent, ynode_t *kid)
{
	parent->kids = xrealloc(parent->kids, (parent->n + 1) * sizeof *parent->kids);
	parent->kids[parent->n++] = kid;
}

static ynode_t *y_node(ytree_t *t, yaml_event_t *ev, int depth)
{
	if (depth > 64) {
		y_error(t, &ev->start_mark, "%s", "YAML nested deeper than 64 levels");
		return NULL;
	}
	if (++t->nodes > RULES_MAX_NODES) {
		y_error(t, &ev->start_mark, "YAML file too large (more than %s values)", "1000000");
		return NULL;
	}
	ynode_t *n = NULL;
	switch (ev->type) {
	case YAML_ALIAS_EVENT: {
		void *v;
		if (!map_get(&t->anchors, (const char *)ev->data.alias.anchor, &v)) {
			y_error(t, &ev->start_mark, "unknown YAML alias *%s", (const char *)ev->data.alias.anchor);
			return NULL;
		}
		return v;
	}
	case YAML_SCALAR_EVENT:
		n = y_new(t, Y_SCALAR, ev, (const char *)ev->data.scalar.anchor);
		n->str = xstrndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
		switch (ev->data.scalar.style) {
		case YAML_SINGLE_QUOTED_SCALAR_STYLE: n->style = '\''; break;
		case YAML_DOUBLE_QUOTED_SCALAR_STYLE: n->style = '"'; break;
		case YAML_LITERAL_SCALAR_STYLE:
		case YAML_FOLDED_SCALAR_STYLE: n->style = '|'; break;
		default: n->style = 0;
		}
		return n;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT: {
		int seq = ev->type == YAML_SEQUENCE_START_EVENT;
		n = y_new(t, seq ? Y_SEQ : Y_MAP, ev,
			  (const char *)(seq ? ev->data.sequence_start.anchor : ev->data.mapping_start.anchor));
		n->flow = seq ? ev->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE
			      : ev->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE;
		for (;;) {
			yaml_event_t e;
			if (y_next(t, &e))
				return NULL;
			if (e.type == YAML_SEQUENCE_END_EVENT || e.type == YAML_MAPPING_END_EVENT) {
				n->end = e.end_mark;
				yaml_event_delete(&e);
				return n;
			}
			ynode_t *kid = y_node(t, &e, depth + 1);
			yaml_event_delete(&e);
			if (!kid)
				return NULL;
			y_push(n, kid);
		}
	}
	default:
		y_error(t, &ev->start_mark, "%s", "unexpected YAML structure");
		return NULL;
	}
}

static void y_free_all(ytree_t *t)
{
	for (size_t i = 0; i < t->nall; i++) {
		free(t->all[i]->str);
		free(t->all[i]->kids);
		free(t->all[i]);
	}
	free(t->all);
	t->all = NULL;
	t->nall = t->call = 0;
	map_free(&t->anchors);
	memset(&t->anchors, 0, sizeof t->anchors);
}

/* The value of `key` in mapping `m` (merge keys `<<` followed), or NULL. */
static const ynode_t *y_get(const ynode_t *m, const char *key)
{
	if (!m || m->type != Y_MAP)
		return NULL;
	for (size_t i = 0; i + 1 < m->n; i += 2)
		if (m->kids[i]->type == Y_SCALAR && !strcmp(m->kids[i]->str, key))
			return m->kids[i + 1];
	for (size_t i = 0; i + 1 < m->n; i += 2)
		if (m->kids[i]->type == Y_SCALAR && !strcmp(m->kids[i]->str, "<<")) {
			const ynode_t *v = m->kids[i + 1];
			if (v->type == Y_MAP && v != m) {
				const ynode_t *r = NULL;
				for (size_t k = 0; k + 1 < v->n && !r; k += 2) /* one level: no merge loops */
					if (v->kids[k]->type == Y_SCALAR && !strcmp(v->kids[k]->str, key))
						r = v->kids[k + 1];
				if (r)
					return r;
			}
		}
	return NULL;
}

/* The key node of `key` in `m` (for positions), or NULL. */
static const ynode_t *y_key(const ynode_t *m, const char *key)
{
	if (!m || m->type != Y_MAP)
		return NULL;
	for (size_t i = 0; i + 1 < m->n; i += 2)
		if (m->kids[i]->type == Y_SCALAR && !strcmp(m->kids[i]->str, key))
			return m->kids[i];
	return NULL;
}

static const char *y_str(const ynode_t *n)
{
	return n && n->type == Y_SCALAR ? n->str : NULL;
}

/* 1 for YAML's null: an empty plain value, ~ or null (`rules:` with nothing after it). */
static int y_null(const ynode_t *n)
{
	return n && n->type == Y_SCALAR && !n->style &&
	       (!n->str[0] || !strcmp(n->str, "~") || !strcmp(n->str, "null") || !strcmp(n->str, "Null") ||
		!strcmp(n->str, "NULL"));
}

/* ------------------------------------------------------------------ */
/* positions as byte offsets                                           */
/* ------------------------------------------------------------------ */

typedef struct {
	const char *text;
	size_t len;
	size_t *line_off;     /* byte offset of each line start */
	size_t nlines;
} lines_t;

static void lines_init(lines_t *l, const char *text, size_t len)
{
	l->text = text;
	l->len = len;
	l->nlines = 1;
	for (size_t i = 0; i < len; i++)
		l->nlines += text[i] == '\n';
	l->line_off = xcalloc(l->nlines + 1, sizeof *l->line_off);
	size_t k = 1;
	for (size_t i = 0; i < len; i++)
		if (text[i] == '\n')
			l->line_off[k++] = i + 1;
}

/* Byte offset of a libyaml mark (its line and its column in characters). */
static size_t lines_offset(const lines_t *l, const yaml_mark_t *m)
{
	if (m->line >= l->nlines)
		return l->len;
	size_t off = l->line_off[m->line];
	for (size_t c = 0; c < m->column && off < l->len && l->text[off] != '\n'; c++) {
		off++;
		while (off < l->len && ((unsigned char)l->text[off] & 0xC0) == 0x80)
			off++;
	}
	return off;
}

/* The start of the line after the last non-blank byte before `end`. */
static size_t line_after(const lines_t *l, size_t end)
{
	while (end > 0 && strchr(" \t\r\n", l->text[end - 1]))
		end--;
	while (end < l->len && l->text[end] != '\n')
		end++;
	return end < l->len ? end + 1 : l->len;
}

/* ------------------------------------------------------------------ */
/* templates                                                           */
/* ------------------------------------------------------------------ */

/* 1 when `text` holds a Helm (not a Prometheus) template action. */
static int helm_template(const char *text, size_t len)
{
	static const char *const marks[] = {".Values", ".Release", ".Chart", ".Capabilities", ".Files", ".Template",
					    "include ", "template ", "define ", "toYaml", "tpl ", "nindent",
					    "required ", ".Subcharts"};
	for (const char *p = text; (p = memmem(p, len - (size_t)(p - text), "{{", 2)); p += 2) {
		const char *q = p + 2;
		if (*q == '`')
			return 1; /* {{` ... `}}: a Prometheus template escaped for Helm */
		const char *close = memmem(q, len - (size_t)(q - text), "}}", 2);
		size_t n = close ? (size_t)(close - q) : 0;
		if (n > 4096)
			n = 4096;
		/* whitespace trimming ({{- -}}) is not a sign: Prometheus' own templates use it too
		 * ({{ with $labels.cluster -}} on {{ . }} {{- end }}, kubernetes-mixin) */
		for (size_t k = 0; k < sizeof marks / sizeof *marks; k++)
			if (n && memmem(q, n, marks[k], strlen(marks[k])))
				return 1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* reading the rules                                                   */
/* ------------------------------------------------------------------ */

typedef struct {
	rules_set_t *set;
	size_t file;
	const char *disp;
	lines_t lines;
	diag_list_t *d;
	rules_format_t format;
	int capped;
} read_t;

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* The indentation step of the file, guessed from a mapping and its parent's key column. */
static int guess_step(const ynode_t *rule)
{
	const ynode_t *k = y_key(rule, "labels");
	if (!k)
		k = y_key(rule, "annotations");
	const ynode_t *v = k ? y_get(rule, k->str) : NULL;
	if (v && v->type == Y_MAP && !v->flow && v->n && v->kids[0]->start.column > k->start.column)
		return (int)(v->kids[0]->start.column - k->start.column);
	return 2;
}

static void add_rule(read_t *r, const ynode_t *rule, const ynode_t *name, const char *severity, const char *summary,
		     const ynode_t *url)
{
	rules_set_t *s = r->set;
	if (s->nrules >= RULES_MAX_RULES) {
		if (!r->capped)
			diag_add(r->d, DIAG_ERROR, r->disp, (int)name->start.line + 1, (int)name->start.column + 1,
				 "alert-rules", "more than %d alert rules in all: the rest are not read", RULES_MAX_RULES);
		r->capped = 1;
		return;
	}
	s->rules = xrealloc(s->rules, (s->nrules + 1) * sizeof *s->rules);
	rules_rule_t *x = &s->rules[s->nrules++];
	memset(x, 0, sizeof *x);
	x->alert = xstrdup(name->str);
	x->severity = dup_or_null(severity);
	x->summary = dup_or_null(summary);
	x->file = r->file;
	x->line = (int)name->start.line + 1;
	x->col = (int)name->start.column + 1;
	x->format = r->format;
	s->files[r->file].nrules++;
	rules_edit_t *e = &x->edit;
	e->block = rule->type == Y_MAP && !rule->flow;
	e->step = guess_step(rule);
	if (url && url->type == Y_SCALAR) {
		x->runbook_url = xstrdup(url->str);
		x->url_line = (int)url->start.line + 1;
		x->url_col = (int)url->start.column + 1;
		e->url_start = lines_offset(&r->lines, &url->start);
		e->url_end = lines_offset(&r->lines, &url->end);
		e->url_style = url->style;
		if (url->style == '|') /* a block scalar: up to the end of its last line */
			e->url_end = line_after(&r->lines, e->url_end);
	}
	if (e->block && rule->n >= 2) {
		e->rule_indent = (int)rule->kids[0]->start.column;
		e->rule_after = line_after(&r->lines, lines_offset(&r->lines, &rule->kids[rule->n - 1]->end));
	}
	const ynode_t *ak = y_key(rule, "annotations");
	const ynode_t *ann = y_get(rule, "annotations");
	e->has_annotations = ak != NULL;
	if (ak && ann && ann->type == Y_MAP && !ann->flow && ann->n >= 2) {
		e->ann_block = 1;
		e->ann_indent = (int)ann->kids[0]->start.column;
		e->ann_after = line_after(&r->lines, lines_offset(&r->lines, &ann->kids[ann->n - 1]->end));
	}
}

/* An alert name as Prometheus allows it (any label value) within bounds: not empty, at most 200
 * bytes, no control character. Names that cannot be a URL segment are kept (alerts.h). */
static int name_ok(const char *name)
{
	if (!name[0] || strlen(name) > 200)
		return 0;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

/* The catalog format's names stay URL segments, as they always were. */
static int catalog_name_ok(const char *name)
{
	if (!name_ok(name) || !strcmp(name, ".") || !strcmp(name, ".."))
		return 0;
	for (const char *p = name; *p; p++)
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') && !(*p >= '0' && *p <= '9') &&
		    !strchr("_:.-", *p))
			return 0;
	return 1;
}

static int check_name(read_t *r, const ynode_t *name)
{
	if (!name || name->type != Y_SCALAR || !name->str[0]) {
		const ynode_t *at = name ? name : NULL;
		if (at)
			diag_add(r->d, DIAG_ERROR, r->disp, (int)at->start.line + 1, (int)at->start.column + 1,
				 "alert-rules", "an alert name must be a string");
		return 0;
	}
	if (!name_ok(name->str)) {
		diag_add(r->d, DIAG_WARNING, r->disp, (int)name->start.line + 1, (int)name->start.column + 1,
			 "alert-rules",
			 "this alert is left out: its name is longer than 200 bytes or holds a control character");
		r->set->invalid_names++;
		return 0;
	}
	return 1;
}

static void read_groups(read_t *r, const ynode_t *groups)
{
	if (y_null(groups)) { /* `groups:` with no group yet */
		r->set->files[r->file].recognized = 1;
		return;
	}
	if (!groups || groups->type != Y_SEQ) {
		if (groups)
			diag_add(r->d, DIAG_ERROR, r->disp, (int)groups->start.line + 1, (int)groups->start.column + 1,
				 "alert-rules", "'groups' must be a list of rule groups");
		return;
	}
	r->set->files[r->file].recognized = 1;
	for (size_t g = 0; g < groups->n && !r->capped; g++) {
		const ynode_t *rules = y_get(groups->kids[g], "rules");
		if (!rules || y_null(rules))
			continue; /* a group without rules (yet): Prometheus accepts it */
		if (rules->type != Y_SEQ) {
			diag_add(r->d, DIAG_ERROR, r->disp, (int)rules->start.line + 1, (int)rules->start.column + 1,
				 "alert-rules", "'rules' must be a list of rules");
			continue;
		}
		for (size_t i = 0; i < rules->n && !r->capped; i++) {
			const ynode_t *rule = rules->kids[i];
			const ynode_t *name = y_get(rule, "alert");
			if (!name)
				continue; /* a recording rule */
			if (!check_name(r, name))
				continue;
			const ynode_t *ann = y_get(rule, "annotations");
			/* runbook_url, else GitLab's `runbook` (a repository path, or a URL) */
			const ynode_t *url = y_get(ann, "runbook_url");
			int annotation = 0;
			if (!url && (url = y_get(ann, "runbook")) != NULL)
				annotation = 1;
			size_t before = r->set->nrules;
			add_rule(r, rule, name, y_str(y_get(y_get(rule, "labels"), "severity")),
				 y_str(y_get(ann, "summary")), url);
			if (annotation && r->set->nrules > before)
				r->set->rules[before].runbook_annotation = 1;
		}
	}
}

static void read_catalog(read_t *r, const ynode_t *list)
{
	if (list->type != Y_SEQ) {
		diag_add(r->d, DIAG_ERROR, r->disp, (int)list->start.line + 1, (int)list->start.column + 1, "alerts",
			 "the alert catalog must have a list 'alerts:' of entries with a 'name'");
		return;
	}
	r->format = RULES_FMT_CATALOG;
	r->set->files[r->file].recognized = 1;
	for (size_t i = 0; i < list->n && !r->capped; i++) {
		const ynode_t *e = list->kids[i];
		const ynode_t *name = e->type == Y_SCALAR ? e : y_get(e, "name");
		if (!name || name->type != Y_SCALAR || !catalog_name_ok(name->str)) {
			diag_add(r->d, DIAG_ERROR, r->disp, (int)e->start.line + 1, (int)e->start.column + 1, "alerts",
				 "catalog entry needs a 'name' made of letters, digits, '_', ':', '.' or '-'");
			continue;
		}
		add_rule(r, e, name, y_str(y_get(e, "severity")), y_str(y_get(e, "summary")), y_get(e, "runbook_url"));
	}
}

/* One YAML document: whichever of the three shapes it has (depth: List items). */
static void read_document(read_t *r, const ynode_t *doc, int depth)
{
	if (!doc)
		return;
	if (doc->type == Y_SEQ) {
		read_catalog(r, doc);
		return;
	}
	if (doc->type != Y_MAP)
		return;
	const char *kind = y_str(y_get(doc, "kind"));
	const ynode_t *groups = y_get(doc, "groups");
	if (groups && !kind) {
		r->format = RULES_FMT_PROMETHEUS;
		read_groups(r, groups);
		return;
	}
	const ynode_t *spec_groups = y_get(y_get(doc, "spec"), "groups");
	if ((kind && !strcmp(kind, "PrometheusRule")) || (spec_groups && kind)) {
		r->format = RULES_FMT_OPERATOR;
		read_groups(r, spec_groups);
		return;
	}
	if (kind && !strcmp(kind, "List") && depth == 0) {
		const ynode_t *items = y_get(doc, "items");
		for (size_t i = 0; items && items->type == Y_SEQ && i < items->n; i++)
			read_document(r, items->kids[i], 1);
		return;
	}
	const ynode_t *alerts = y_get(doc, "alerts");
	if (alerts && !kind)
		read_catalog(r, alerts);
}

void rules_read_text(rules_set_t *set, size_t file, const char *text, size_t len, diag_list_t *d)
{
	rules_file_t *f = &set->files[file];
	size_t before = set->nrules;
	if (helm_template(text, len)) {
		f->is_template = 1;
		set->templates++;
		diag_add(d, DIAG_WARNING, f->display, 1, 1, "alert-rules-template",
			 "this is a template (Helm '{{ }}'), not a rule file: skipped; pass the rendered rules "
			 "(helm template ...) instead");
		return;
	}
	read_t r = {.set = set, .file = file, .disp = f->display, .d = d};
	lines_init(&r.lines, text, len);
	diag_list_t yd; /* YAML errors: a file with '{{' that is not YAML is a template */
	diag_init(&yd);
	ytree_t t = {.file = f->display, .d = &yd};
	yaml_parser_initialize(&t.parser);
	yaml_parser_set_input_string(&t.parser, (const unsigned char *)text, len);
	size_t docs = 0;
	for (;;) {
		yaml_event_t ev;
		if (y_next(&t, &ev))
			break;
		yaml_event_type_t type = ev.type;
		if (type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (type == YAML_DOCUMENT_START_EVENT && ++docs > RULES_MAX_DOCS) {
			y_error(&t, &ev.start_mark, "more than %s YAML documents in one file: the rest are not read",
				"1000");
			yaml_event_delete(&ev);
			break;
		}
		if (type == YAML_STREAM_START_EVENT || type == YAML_DOCUMENT_START_EVENT ||
		    type == YAML_DOCUMENT_END_EVENT) {
			yaml_event_delete(&ev);
			continue;
		}
		ynode_t *doc = y_node(&t, &ev, 0);
		yaml_event_delete(&ev);
		if (!doc)
			break;
		read_document(&r, doc, 0);
		y_free_all(&t); /* anchors do not cross documents */
	}
	y_free_all(&t);
	yaml_parser_delete(&t.parser);
	free(r.lines.line_off);
	if (t.failed && memmem(text, len, "{{", 2) && set->nrules == before) {
		f->is_template = 1;
		set->templates++;
		diag_add(d, DIAG_WARNING, f->display, 1, 1, "alert-rules-template",
			 "this looks like a template ('{{ }}' and not valid YAML): skipped; pass the rendered rules "
			 "instead");
		diag_free(&yd);
		return;
	}
	if (t.failed)
		f->failed = 1;
	diag_move(d, &yd);
	diag_free(&yd);
	if (set->nrules == before && !t.failed) {
		set->without_rules++;
		if (f->explicit_file && !f->from_config && !f->recognized)
			diag_add(d, DIAG_WARNING, f->display, 1, 1, "alert-rules",
				 "no alert rules here (expected Prometheus 'groups:', a PrometheusRule or an "
				 "'alerts:' catalog)");
	}
}

void rules_read(rules_set_t *set, diag_list_t *d)
{
	for (size_t i = 0; i < set->nfiles && !pub_interrupted(); i++) {
		rules_file_t *f = &set->files[i];
		if (f->read)
			continue;
		f->read = 1;
		buf_t text = BUF_INIT;
		int rc = pr_read(f->root, f->rel, &text, RULES_MAX_FILE);
		if (rc == PR_ETOOBIG)
			diag_add(d, DIAG_ERROR, f->display, 0, 0, "alert-rules",
				 "file is larger than the %u MiB limit for a rule file; not read", RULES_MAX_FILE >> 20);
		else if (pr_refused(rc)) /* a link out of the repository (or into .git): never read, never echoed */
			diag_add(d, DIAG_WARNING, f->display, 0, 0, "symlink", "%s", pr_link_message(rc));
		else if (rc != 0 && f->is_catalog)
			diag_add(d, DIAG_WARNING, f->display, 0, 0, "alerts", "cannot read the alert catalog: %s",
				 pr_strerror(rc));
		else if (rc != 0)
			diag_add(d, DIAG_ERROR, f->display, 0, 0, "alert-rules", "cannot read the file: %s",
				 pr_strerror(rc));
		else if (text.len && memchr(text.s, '\0', text.len))
			diag_add(d, DIAG_ERROR, f->display, 0, 0, "alert-rules", "binary file (NUL bytes): not read");
		else
			rules_read_text(set, i, buf_cstr(&text), text.len, d);
		if (rc != 0)
			f->failed = 1;
		buf_free(&text);
	}
}

void rules_free(rules_set_t *set)
{
	for (size_t i = 0; i < set->nfiles; i++) {
		free(set->files[i].display);
		free(set->files[i].abs);
		free(set->files[i].rel);
	}
	pr_root_free(set->cwd);
	free(set->files);
	for (size_t i = 0; i < set->nrules; i++) {
		free(set->rules[i].alert);
		free(set->rules[i].severity);
		free(set->rules[i].summary);
		free(set->rules[i].runbook_url);
	}
	free(set->rules);
	memset(set, 0, sizeof *set);
}
