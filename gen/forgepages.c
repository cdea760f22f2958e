/* forgepages.c - pages behind forge URLs. See forgepages.h. */
#include "forgepages.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "forgeurl.h"
#include "fsutil.h"
#include "map.h"

#define FORGE_MAX_REF_PARTS 16   /* "release/2024/q3/..." */
#define FORGE_MAX_URL 8192

struct forgepages {
	char **bases;   /* web address of repository k (0 the hub, k source k), or NULL (owned) */
	size_t nbases;
	map_t pages;    /* "k:path" -> page index + 1 */
	map_t old;      /* "k:old path" -> page index + 1 */
};

char *forgepages_web_base(git_repository *repo, const char *repo_url)
{
	if (repo_url && repo_url[0])
		return forge_web_base(repo_url);
	if (!repo)
		return NULL;
	/* the config value, not git_remote_lookup: that one matches the config with a regex, and
	 * libgit2 leaks PCRE2's match data there (tests/lsan.supp) */
	git_config *cfg = NULL;
	if (git_repository_config_snapshot(&cfg, repo) != 0)
		return NULL;
	const char *url = NULL;
	char *base = git_config_get_string(&url, cfg, "remote.origin.url") == 0 ? forge_web_base(url) : NULL;
	git_config_free(cfg);
	return base;
}

static char *key_of(size_t k, const char *path)
{
	return xasprintf("%zu:%s", k, path);
}

forgepages_t *forgepages_new(const site_t *s)
{
	size_t nb = s->nsources + 1;
	forgepages_t *f = xcalloc(1, sizeof *f);
	f->nbases = nb;
	f->bases = xcalloc(nb, sizeof *f->bases);
	f->bases[0] = s->web_base ? xstrdup(s->web_base) : NULL;
	for (size_t k = 0; k < s->nsources; k++)
		f->bases[k + 1] = s->sources[k].web_base ? xstrdup(s->sources[k].web_base) : NULL;
	f->pages = (map_t)MAP_INIT;
	f->old = (map_t)MAP_INIT;
	for (size_t i = 0; i < s->npages; i++) {
		const site_page_t *p = &s->pages[i];
		if ((p->draft && !s->opts.drafts) || p->source < 0 || (size_t)p->source >= nb)
			continue;
		char *key = key_of((size_t)p->source, site_page_repo_path(p));
		map_put(&f->pages, key, MAP_INT(i + 1));
		free(key);
		for (size_t j = 0; j < p->nold; j++) {
			key = key_of((size_t)p->source, p->old_paths[j]);
			if (!map_get(&f->old, key, NULL))
				map_put(&f->old, key, MAP_INT(i + 1));
			free(key);
		}
	}
	return f;
}

/* The page of repository k at `path`, or its README.md when `path` is a folder ("" the root): index + 1, 0 when
 * none. */
static long page_at(const map_t *m, size_t k, const char *path)
{
	size_t n = strlen(path);
	while (n && path[n - 1] == '/')
		n--;
	char *p = xstrndup(path, n);
	static const char *const readme[] = {"README.md", "readme.md"};
	long hit = 0;
	for (size_t t = 0; t < 3 && !hit; t++) { /* the file, else the folder's README (the root's too) */
		char *key = !t ? xasprintf("%zu:%s", k, p) : xasprintf("%zu:%s%s%s", k, p, n ? "/" : "", readme[t - 1]);
		void *v;
		if (map_get(m, key, &v))
			hit = MAP_AS_INT(v);
		free(key);
	}
	free(p);
	return hit;
}

/* What "REF/PATH" `rest` is in repository k: FORGE_PAGE or FORGE_RENAMED with *page (and *path for the
 * latter), else FORGE_NO_PAGE. The ref may hold '/': the first split that names a page wins, then an
 * old path (bounded: a ref of more than FORGE_MAX_REF_PARTS parts is not tried, nor a URL past
 * FORGE_MAX_URL bytes, which is a file of no page). */
static forge_hit_t find_in(const forgepages_t *f, size_t k, const char *rest, size_t url_len, long *page,
			   char **path)
{
	const char *first = strchr(rest, '/');
	if (!first || url_len > FORGE_MAX_URL) /* forge_file_view gives REF/PATH: no '/' is not expected */
		return FORGE_NO_PAGE;
	/* "." and ".." left after the percent-decoding ("x%2F..%2Fdb.md"): which file a forge shows then is
	 * its own business; a page's path has none */
	for (const char *seg = rest; seg; seg = strchr(seg, '/') ? strchr(seg, '/') + 1 : NULL) {
		size_t n = strcspn(seg, "/");
		if ((n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.'))
			return FORGE_NO_PAGE;
	}
	for (int pass = 0; pass < 2; pass++) {
		int parts = 0;
		for (const char *sl = first; sl && parts++ < FORGE_MAX_REF_PARTS; sl = strchr(sl + 1, '/')) {
			long v = page_at(pass ? &f->old : &f->pages, k, sl + 1);
			if (v) {
				*page = v - 1;
				if (pass)
					*path = xstrdup(sl + 1);
				return pass ? FORGE_RENAMED : FORGE_PAGE;
			}
		}
	}
	return FORGE_NO_PAGE;
}

forge_hit_t forgepages_find(const forgepages_t *f, const char *url, long *page, char **fragment, char **path)
{
	*page = -1;
	*fragment = NULL;
	*path = NULL;
	if (!f || !url)
		return FORGE_OTHER;
	/* several repositories of the site may have the same web address (sources: of one repository with
	 * different path: folders, or a source of the hub's own): a page of any of them wins, in their order,
	 * then a renamed file's page, then the first one's file of no page */
	forge_hit_t best = FORGE_OTHER;
	size_t url_len = strlen(url);
	for (size_t k = 0; k < f->nbases && best != FORGE_PAGE; k++) {
		char *frag = NULL;
		char *rest = f->bases[k] ? forge_file_view(f->bases[k], url, &frag) : NULL;
		if (!rest)
			continue;
		long pg = -1;
		char *old = NULL;
		forge_hit_t hit = find_in(f, k, rest, url_len, &pg, &old);
		if (hit == FORGE_PAGE) {
			*page = pg;
			free(*path);
			*path = NULL;
			*fragment = frag;
			frag = NULL;
			best = hit;
		} else if (hit == FORGE_RENAMED && best != FORGE_RENAMED) {
			*page = pg;
			free(*path);
			*path = old;
			old = NULL;
			best = hit;
		} else if (hit == FORGE_NO_PAGE && best == FORGE_OTHER) {
			const char *first = strchr(rest, '/');
			*path = xstrdup(first ? first + 1 : rest);
			best = hit;
		}
		free(old);
		free(frag);
		free(rest);
	}
	return best;
}

forge_hit_t forgepages_find_path(const forgepages_t *f, const char *value, long *page, char **fragment,
				 char **path)
{
	*page = -1;
	*fragment = NULL;
	*path = NULL;
	if (!f || !value || strstr(value, "{{") || strlen(value) > FORGE_MAX_URL)
		return FORGE_OTHER; /* a template (docs/{{ $labels.type }}/README.md): which file is not known */
	size_t n = strcspn(value, "#");
	char *raw = xstrndup(value, n);
	char *norm = raw[0] ? fsu_normalize(raw) : NULL; /* "./", "a/../b"; NULL when it climbs out */
	free(raw);
	if (!norm || !norm[0]) {
		*path = xstrdup(value);
		free(norm);
		return FORGE_NO_PAGE;
	}
	forge_hit_t best = FORGE_NO_PAGE;
	for (int pass = 0; pass < 2 && best == FORGE_NO_PAGE; pass++)
		for (size_t k = 0; k < f->nbases && best == FORGE_NO_PAGE; k++) {
			long v = page_at(pass ? &f->old : &f->pages, k, norm);
			if (v) {
				*page = v - 1;
				best = pass ? FORGE_RENAMED : FORGE_PAGE;
			}
		}
	if (best == FORGE_PAGE && value[n] == '#' && value[n + 1])
		*fragment = fsu_pct_decode(value + n + 1, strlen(value + n + 1));
	if (best != FORGE_PAGE)
		*path = xstrdup(norm);
	free(norm);
	return best;
}

void forgepages_free(forgepages_t *f)
{
	if (!f)
		return;
	for (size_t k = 0; k < f->nbases; k++)
		free(f->bases[k]);
	free(f->bases);
	map_free(&f->pages);
	map_free(&f->old);
	free(f);
}
