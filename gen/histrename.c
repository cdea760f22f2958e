/* histrename.c - exact and similarity renames of a commit. See histrename.h. */
#include "histrename.h"

#include <stdlib.h>

#include "gittree.h"
#include "histcommit.h"

static int poid_cmp(const void *a, const void *b)
{
	const hpoid_t *x = a, *y = b;
	int c = git_oid_cmp(&x->oid, &y->oid);
	if (c)
		return c;
	return x->path < y->path ? -1 : x->path > y->path;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

void hrename_exact(hist_t *h, const hpoid_t *adds, size_t nadd, hpoid_t *dels, size_t ndel, hrename_t **ren,
		   size_t *nren, size_t *cren)
{
	qsort(dels, ndel, sizeof *dels, poid_cmp);
	uint8_t *used = xcalloc(ndel, 1);
	for (size_t a = 0; a < nadd; a++) {
		size_t lo = 0, hi = ndel;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (git_oid_cmp(&dels[mid].oid, &adds[a].oid) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		size_t pick = SIZE_MAX;
		const char *abase = base_name(h->strs.s[adds[a].path]);
		for (size_t d = lo; d < ndel && git_oid_equal(&dels[d].oid, &adds[a].oid); d++) {
			if (used[d])
				continue;
			/* git's rule (diffcore-rename.c): unless both are regular files, the modes must match */
			if (!(GITTREE_IS_FILE(dels[d].mode) && GITTREE_IS_FILE(adds[a].mode)) &&
			    dels[d].mode != adds[a].mode)
				continue;
			if (pick == SIZE_MAX)
				pick = d;
			if (strcmp(base_name(h->strs.s[dels[d].path]), abase) == 0) {
				pick = d;
				break;
			}
		}
		if (pick == SIZE_MAX)
			continue;
		used[pick] = 1;
		GROW(*ren, *nren, *cren);
		(*ren)[*nren].old_path = dels[pick].path;
		(*ren)[*nren].new_path = adds[a].path;
		(*ren)[*nren].score = dels[pick].mode == adds[a].mode ? 100 : 99;
		(*nren)++;
	}
	free(used);
}

int hrename_similar(hist_t *h, uint32_t ni)
{
	cnode_t *n = &h->nodes[ni];
	if (n->flags & N_SIM)
		return 0;
	h->stats.renames_checked++;
	git_tree *t = NULL, *pt = NULL;
	git_diff *diff = NULL;
	char **specs = NULL;
	size_t nspec = 0, nadd = 0, ndel = 0;
	int rc = 0;
	for (uint32_t k = 0; k < n->nchanges[0]; k++) {
		hchange_t *x = &n->changes[0][k];
		if (x->status == 'M')
			continue;
		int paired = 0;
		for (uint32_t r = 0; r < n->nrenames && !paired; r++)
			paired = n->renames[r].old_path == x->path || n->renames[r].new_path == x->path;
		if (paired)
			continue;
		specs = xrealloc(specs, (nspec + 1) * sizeof *specs);
		specs[nspec++] = h->strs.s[x->path];
		if (x->status == 'A')
			nadd++;
		else
			ndel++;
	}
	if (!nadd || !ndel)
		goto done;
	/* the trees the walk compared (a replaced or grafted commit's own), not libgit2's idea of the commit */
	if ((rc = git_tree_lookup(&t, h->repo, &n->tree)) < 0 ||
	    (rc = git_tree_lookup(&pt, h->repo, &h->nodes[n->pidx[0]].tree)) < 0)
		goto out;
	git_diff_options dopt;
	git_diff_options_init(&dopt, GIT_DIFF_OPTIONS_VERSION);
	dopt.flags = GIT_DIFF_DISABLE_PATHSPEC_MATCH;
	dopt.pathspec.strings = specs;
	dopt.pathspec.count = nspec;
	if ((rc = git_diff_tree_to_tree(&diff, h->repo, pt, t, &dopt)) < 0)
		goto out;
	git_diff_find_options fopt;
	git_diff_find_options_init(&fopt, GIT_DIFF_FIND_OPTIONS_VERSION);
	fopt.flags = GIT_DIFF_FIND_RENAMES;
	if ((rc = git_diff_find_similar(diff, &fopt)) == GIT_ENOTFOUND && h->promisor) {
		/* a partial clone left a blob out (--filter=blob:none keeps the trees only): its renames with
		 * edits stay an addition and a removal, said once (hist_stats), not a failed history */
		git_error_clear();
		h->stats.renames_unreadable++;
		h->nodes[ni].flags |= N_SIM | N_SIM_LOST;
		rc = 0;
		goto out;
	}
	if (rc < 0)
		goto out;
	size_t nd = git_diff_num_deltas(diff);
	for (size_t i = 0; i < nd; i++) {
		const git_diff_delta *dl = git_diff_get_delta(diff, i);
		if (dl->status != GIT_DELTA_RENAMED)
			continue;
		n = &h->nodes[ni];
		n->renames = xrealloc(n->renames, (n->nrenames + 1) * sizeof *n->renames);
		hrename_t *r = &n->renames[n->nrenames++];
		r->old_path = hcommit_intern(h, dl->old_file.path, strlen(dl->old_file.path));
		r->new_path = hcommit_intern(h, dl->new_file.path, strlen(dl->new_file.path));
		/* pure only when nothing changed: libgit2's similarity ignores whitespace and line ends */
		int same = git_oid_equal(&dl->old_file.id, &dl->new_file.id) && dl->old_file.mode == dl->new_file.mode;
		r->score = same ? 100 : (uint8_t)(dl->similarity > 99 ? 99 : dl->similarity);
	}
done:
	h->nodes[ni].flags |= N_SIM;
	h->dirty = 1;
out:
	free(specs);
	git_diff_free(diff);
	git_tree_free(t);
	git_tree_free(pt);
	return rc;
}

uint32_t hrename_source(const cnode_t *n, uint32_t path, int exact)
{
	for (uint32_t r = 0; r < n->nrenames; r++) {
		if (n->renames[r].new_path == path && ((n->renames[r].score == 100) == exact))
			return n->renames[r].old_path;
	}
	return NONE;
}

int hrename_change_is_pure(const cnode_t *n, const hchange_t *x)
{
	if (x->status == 'M')
		return 0;
	for (uint32_t r = 0; r < n->nrenames; r++) {
		if (n->renames[r].score == 100 &&
		    (n->renames[r].old_path == x->path || n->renames[r].new_path == x->path))
			return 1;
	}
	return 0;
}
