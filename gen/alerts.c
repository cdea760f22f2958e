/* alerts.c - alert catalog and alert map. See alerts.h. */
#include "alerts.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fsutil.h"
#include "yamlval.h"

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

static void load_catalog(site_t *s, map_t *m)
{
	const char *disp = s->cfg.alerts_file;
	buf_t text = BUF_INIT;
	int r = pr_read(s->tree, s->cfg.alerts_file, &text, FSU_MAX_FILE);
	if (r != 0) {
		if (pr_refused(r)) /* a link out of the repository (or into .git): never read, never echoed */
			diag_add(&s->diags, DIAG_WARNING, disp, 0, 0, "symlink", "%s", pr_link_message(r));
		else if (!(r == PR_EIO && errno == ENOENT))
			diag_add(&s->diags, DIAG_ERROR, disp, 0, 0, "alerts", "cannot read the alert catalog: %s",
				 pr_strerror(r));
		buf_free(&text);
		return;
	}
	val_t *root = NULL;
	if (yamlval_parse(&root, buf_cstr(&text), text.len, disp, 0, &s->diags)) {
		buf_free(&text);
		return;
	}
	buf_free(&text);
	s->have_catalog = 1;
	val_t *list = root->type == VAL_MAP ? val_map_get(root, "alerts") : root->type == VAL_LIST ? root : NULL;
	if (!list || list->type != VAL_LIST) {
		diag_add(&s->diags, DIAG_ERROR, disp, root->line, root->col, "alerts",
			 "the alert catalog must have a list 'alerts:' of entries with a 'name'");
		val_free(root);
		return;
	}
	for (size_t i = 0; i < list->len; i++) {
		val_t *e = list->items[i];
		const char *name = e->type == VAL_STR ? e->str : val_as_str(val_map_get(e, "name"));
		if (!name || !alerts_valid_name(name)) {
			diag_add(&s->diags, DIAG_ERROR, disp, e->line, e->col, "alerts",
				 "catalog entry needs a 'name' made of letters, digits, '_', ':', '.' or '-'");
			continue;
		}
		site_alert_t *a = alert_get(s, m, name);
		if (a->in_catalog) {
			diag_add(&s->diags, DIAG_WARNING, disp, e->line, e->col, "alerts",
				 "alert '%s' is listed twice in the catalog", name);
			continue;
		}
		a->in_catalog = 1;
		a->line = e->line;
		a->col = e->col;
		const char *sev = val_as_str(val_map_get(e, "severity"));
		const char *sum = val_as_str(val_map_get(e, "summary"));
		a->severity = sev ? xstrdup(sev) : NULL;
		a->summary = sum ? xstrdup(sum) : NULL;
	}
	val_free(root);
}

static int cmp_alert(const void *a, const void *b)
{
	return strcmp(((const site_alert_t *)a)->name, ((const site_alert_t *)b)->name);
}

static char *lower(const char *name)
{
	char *l = xstrdup(name);
	for (char *c = l; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return l;
}

int alerts_build(site_t *s)
{
	map_t m = MAP_INIT;
	map_t folded = MAP_INIT; /* lower-case name -> index of the first spelling */
	load_catalog(s, &m);
	for (size_t i = 0; i < s->nalerts; i++) {
		char *l = lower(s->alerts[i].name);
		if (!map_get(&folded, l, NULL))
			map_put(&folded, l, MAP_INT(i));
		free(l);
	}
	for (size_t i = 0; i < s->npages; i++) {
		site_page_t *p = &s->pages[i];
		if (p->draft && !s->opts.drafts)
			continue;
		for (size_t j = 0; j < p->fm.nalerts; j++) {
			const char *name = p->fm.alerts[j];
			const val_t *v = val_map_get(p->fm.raw, "alerts");
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
				void *v;
				if (map_get(&folded, l, &v))
					diag_add(&s->diags, DIAG_WARNING, p->src, line, col, "alert-case",
						 "alert '%s' differs from '%s' only in case; their alerts/ pages would "
						 "collide on a case-insensitive file system",
						 name, s->alerts[MAP_AS_INT(v)].name);
				else
					map_put(&folded, l, MAP_INT(s->nalerts));
				free(l);
			}
			site_alert_t *a = alert_get(s, &m, name);
			int dup = 0;
			for (size_t k = 0; k < a->npages; k++)
				dup |= a->pages[k] == (long)i;
			if (dup)
				continue;
			/* every runbook after the first (in path order) that claims the alert is warned */
			if (a->npages == 1)
				diag_add(&s->diags, DIAG_WARNING, p->src, line, col, "alert-claimed-twice",
					 "alert '%s' is also answered by %s; alerts/%s/ will list both", name,
					 s->pages[a->pages[0]].src, name);
			else if (a->npages > 1)
				diag_add(&s->diags, DIAG_WARNING, p->src, line, col, "alert-claimed-twice",
					 "alert '%s' is also answered by %s and %zu other runbook%s; alerts/%s/ will list "
					 "all %zu",
					 name, s->pages[a->pages[0]].src, a->npages - 1, a->npages == 2 ? "" : "s", name,
					 a->npages + 1);
			a->pages = xrealloc(a->pages, (a->npages + 1) * sizeof *a->pages);
			a->pages[a->npages++] = (long)i;
		}
	}
	map_free(&m);
	map_free(&folded);
	if (s->nalerts > 1) /* s->alerts is NULL without alerts */
		qsort(s->alerts, s->nalerts, sizeof *s->alerts, cmp_alert);
	return 0;
}

void alerts_free(site_t *s)
{
	for (size_t i = 0; i < s->nalerts; i++) {
		free(s->alerts[i].name);
		free(s->alerts[i].severity);
		free(s->alerts[i].summary);
		free(s->alerts[i].pages);
	}
	free(s->alerts);
	s->alerts = NULL;
	s->nalerts = 0;
}
