/* sitelayout.c - each repository's layout in a multi-repository site. See sitelayout.h. */
#include "sitelayout.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fsutil.h"

const layout_t *sitelayout_of(const site_t *s, int source)
{
	return source > 0 && (size_t)source <= s->nsources ? &s->sources[source - 1].layout : &s->layout;
}

int sitelayout_site_of(const site_t *s, int source)
{
	const layout_t *l = sitelayout_of(s, source);
	return l->kind != LAYOUT_PLAIN && !l->inherited ? source : 0;
}

char *sitelayout_prefix(const site_t *s, int source, char *url)
{
	if (!url || source <= 0)
		return url;
	char *u = xasprintf("%s/%s", s->sources[source - 1].name, url);
	free(url);
	return u;
}

const char *sitelayout_local(const site_t *s, int source, const char *url)
{
	if (source <= 0)
		return url;
	size_t nl = strlen(s->sources[source - 1].name);
	if (!strncmp(url, s->sources[source - 1].name, nl) && url[nl] == '/')
		return url + nl + 1;
	return url;
}

char *sitelayout_dir_url(const site_t *s, const char *dir)
{
	int k;
	char *rp = NULL;
	site_locate(s, dir, &k, &rp);
	char *u = sitelayout_prefix(s, k, layout_dir_url(sitelayout_of(s, k), rp));
	free(rp);
	return u;
}

char *sitelayout_path_url(const site_t *s, int source, const char *path)
{
	int k;
	char *rp = NULL;
	site_locate(s, path, &k, &rp);
	if (k != source) { /* not a path of that repository: by the hub's rules, as a site path */
		free(rp);
		return layout_path_url(&s->layout, path);
	}
	char *u = sitelayout_prefix(s, k, layout_path_url(sitelayout_of(s, k), rp));
	free(rp);
	return u;
}

char *sitelayout_alias_url(const site_t *s, const site_page_t *p, const char *alias, const char **why)
{
	const layout_t *l = sitelayout_of(s, p->source);
	if (!p->source)
		return layout_alias_url(l, p->url, alias, why);
	if (!sitelayout_site_of(s, p->source) && !fsu_ends_with(alias, ".md"))
		return layout_alias_url(l, p->url, alias, why); /* a site path from the hub's root */
	return sitelayout_prefix(s, p->source, layout_alias_url(l, sitelayout_local(s, p->source, p->url), alias, why));
}

const char *sitelayout_section_title(const site_t *s, const char *dir)
{
	int k;
	char *rp = NULL;
	site_locate(s, dir, &k, &rp);
	const layout_t *l = sitelayout_of(s, k);
	const char *t = layout_section_title(l, rp);
	if (k && !strcmp(dir, s->sources[k - 1].name) && l->title)
		t = l->title; /* a source's own folder: its site's title (Hugo title, MkDocs site_name) */
	free(rp);
	return t;
}

const char *const *sitelayout_index_names(const site_t *s, const char *dir)
{
	static const char *const plain[] = {"index.md", "README.md"}, *const hugo[] = {"_index.md", "index.md"},
				 *const techdocs[] = {"index.html.md", "index.html.md.erb"};
	int k;
	char *rp = NULL;
	site_locate(s, dir, &k, &rp);
	free(rp);
	layout_kind kind = sitelayout_of(s, k)->kind;
	return kind == LAYOUT_HUGO ? hugo : kind == LAYOUT_TECHDOCS ? techdocs : plain;
}
