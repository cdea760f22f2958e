/* histgraft.c - replace refs and grafts. See histgraft.h. */
#include "histgraft.h"

#include <stdlib.h>

#include "histfile.h"
#include "map.h"

static int replace_cmp(const void *a, const void *b)
{
	return git_oid_cmp(&((const gitstore_replace_t *)a)->from, &((const gitstore_replace_t *)b)->from);
}

static int graft_cmp(const void *a, const void *b)
{
	const hgraft_t *x = a, *y = b;
	int c = git_oid_cmp(&x->id, &y->id);
	return c ? c : (x->line > y->line) - (x->line < y->line);
}

void hgraft_free(hist_t *h)
{
	free(h->replace);
	h->replace = NULL;
	h->nreplace = 0;
	for (size_t i = 0; i < h->ngrafts; i++)
		free(h->grafts[i].parents);
	free(h->grafts);
	h->grafts = NULL;
	h->ngrafts = 0;
	h->graft_digest = 0;
	gitstore_set_replacements(&h->store, NULL, 0);
}

/* git's rule: GIT_NO_REPLACE_OBJECTS set (to anything), or core.useReplaceRefs false, turns them off. */
static int replace_refs_enabled(hist_t *h)
{
	if (getenv("GIT_NO_REPLACE_OBJECTS"))
		return 0;
	git_config *cfg = NULL;
	int on = 1;
	if (git_repository_config_snapshot(&cfg, h->repo) == 0) {
		int v;
		if (git_config_get_bool(&v, cfg, "core.useReplaceRefs") == 0)
			on = v;
		git_config_free(cfg);
	}
	git_error_clear();
	return on;
}

static int load_replace_refs(hist_t *h)
{
	if (!replace_refs_enabled(h))
		return 0;
	const char *base = getenv("GIT_REPLACE_REF_BASE");
	char *prefix = base && *base ? xasprintf("%s%s", base, base[strlen(base) - 1] == '/' ? "" : "/")
				     : xstrdup("refs/replace/");
	char *glob = xasprintf("%s*", prefix);
	size_t plen = strlen(prefix);
	git_reference_iterator *it = NULL;
	int rc = git_reference_iterator_glob_new(&it, h->repo, glob);
	size_t cap = 0;
	git_reference *ref;
	while (rc == 0 && (rc = git_reference_next(&ref, it)) == 0) {
		const char *name = git_reference_name(ref);
		git_reference *res = NULL;
		git_oid from;
		if (strlen(name) == plen + GIT_OID_HEXSZ && git_oid_fromstrn(&from, name + plen, GIT_OID_HEXSZ) == 0 &&
		    git_reference_resolve(&res, ref) == 0) {
			GROW(h->replace, h->nreplace, cap);
			git_oid_cpy(&h->replace[h->nreplace].from, &from);
			git_oid_cpy(&h->replace[h->nreplace].to, git_reference_target(res));
			h->nreplace++;
		}
		git_error_clear(); /* a ref that does not name an object id is not a replacement (git ignores it) */
		git_reference_free(res);
		git_reference_free(ref);
	}
	if (rc == GIT_ITEROVER)
		rc = 0;
	git_reference_iterator_free(it);
	free(glob);
	free(prefix);
	if (h->nreplace)
		qsort(h->replace, h->nreplace, sizeof *h->replace, replace_cmp);
	return rc;
}

static void load_grafts(hist_t *h)
{
	char *path = xasprintf("%sinfo/grafts", h->commondir);
	size_t len, cap = 0;
	char *text = hfile_read(path, &len);
	free(path);
	if (!text)
		return;
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *e = memchr(p, '\n', (size_t)(end - p));
		if (!e)
			e = end;
		/* "<id>( <id>)*", git's read_graft_line: anything else is skipped */
		size_t ll = (size_t)(e - p);
		if (ll && p[0] != '#' && ll % (GIT_OID_HEXSZ + 1) == GIT_OID_HEXSZ) {
			hgraft_t g = {.line = (uint32_t)h->ngrafts};
			int ok = git_oid_fromstrn(&g.id, p, GIT_OID_HEXSZ) == 0;
			g.nparents = (uint32_t)(ll / (GIT_OID_HEXSZ + 1));
			g.parents = xmalloc((g.nparents ? g.nparents : 1) * sizeof *g.parents);
			for (uint32_t i = 0; i < g.nparents && ok; i++) {
				const char *q = p + GIT_OID_HEXSZ + (size_t)i * (GIT_OID_HEXSZ + 1);
				ok = *q == ' ' && git_oid_fromstrn(&g.parents[i], q + 1, GIT_OID_HEXSZ) == 0;
			}
			if (ok) {
				GROW(h->grafts, h->ngrafts, cap);
				h->grafts[h->ngrafts++] = g;
			} else {
				free(g.parents);
			}
		}
		p = e + 1;
	}
	free(text);
	git_error_clear();
	if (h->ngrafts)
		qsort(h->grafts, h->ngrafts, sizeof *h->grafts, graft_cmp);
	/* a commit grafted twice: git keeps its first line */
	size_t w = 0;
	for (size_t i = 0; i < h->ngrafts; i++) {
		if (w && git_oid_equal(&h->grafts[w - 1].id, &h->grafts[i].id)) {
			free(h->grafts[i].parents);
			continue;
		}
		h->grafts[w++] = h->grafts[i];
	}
	h->ngrafts = w;
}

int hgraft_load(hist_t *h)
{
	hgraft_free(h);
	int rc = load_replace_refs(h);
	if (rc < 0)
		return rc;
	load_grafts(h);
	if (h->nreplace || h->ngrafts) {
		uint64_t d = MAP_HASH_SEED;
		d = map_hash_add(d, "replace", 7);
		for (size_t i = 0; i < h->nreplace; i++)
			d = map_hash_add(d, &h->replace[i], sizeof h->replace[i]);
		d = map_hash_add(d, "grafts", 6);
		for (size_t i = 0; i < h->ngrafts; i++) {
			d = map_hash_add(d, h->grafts[i].id.id, GIT_OID_RAWSZ);
			d = map_hash_add(d, &h->grafts[i].nparents, sizeof h->grafts[i].nparents);
			for (uint32_t k = 0; k < h->grafts[i].nparents; k++)
				d = map_hash_add(d, h->grafts[i].parents[k].id, GIT_OID_RAWSZ);
		}
		h->graft_digest = d ? d : 1;
	}
	gitstore_set_replacements(&h->store, h->replace, h->nreplace);
	return 0;
}

void hgraft_apply(hist_t *h, cnode_t *n)
{
	size_t lo = 0, hi = h->ngrafts;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = git_oid_cmp(&h->grafts[mid].id, &n->oid);
		if (c == 0) {
			const hgraft_t *g = &h->grafts[mid];
			free(n->parents);
			free(n->pidx);
			n->nparents = g->nparents;
			n->parents = xmalloc((g->nparents ? g->nparents : 1) * sizeof *n->parents);
			n->pidx = xmalloc((g->nparents ? g->nparents : 1) * sizeof *n->pidx);
			for (uint32_t i = 0; i < g->nparents; i++) {
				git_oid_cpy(&n->parents[i], &g->parents[i]);
				n->pidx[i] = NONE;
			}
			return;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
}
