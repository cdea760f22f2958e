/* histdiff.c - a commit's changed paths against each parent. See histdiff.h. */
#include "histdiff.h"

#include <stdlib.h>
#include <string.h>

#include "gittree.h"
#include "histcommit.h"
#include "histrename.h"

typedef struct {
	hchange_t *v;
	size_t n, cap;
	hpoid_t *adds, *dels;
	size_t nadd, ndel, cadd, cdel;
} diffout_t;

/* diff_emit's context */
typedef struct {
	hist_t *h;
	diffout_t *o;
	gittree_diff_t *df;
} diffemit_t;

static void diff_emit(void *ctx, const buf_t *path, char st, const git_oid *oid, uint32_t mode)
{
	diffemit_t *x = ctx;
	hist_t *h = x->h;
	diffout_t *o = x->o;
	/* the bounds: a tree bomb (a few objects naming billions of paths) ends here */
	if (o->n >= HIST_MAX_CHANGES) {
		git_error_set(GIT_ERROR_INVALID, "more than %u changed paths (the limit)", (unsigned)HIST_MAX_CHANGES);
		x->df->failed = GITTREE_ELIMIT;
		return;
	}
	if (h->strs.n >= HIST_MAX_PATHS && strtab_find(&h->strs, path->s, path->len) == STRTAB_NONE) {
		git_error_set(GIT_ERROR_INVALID, "more than %u distinct paths in the history (the limit)",
			      (unsigned)HIST_MAX_PATHS);
		x->df->failed = GITTREE_ELIMIT;
		return;
	}
	uint32_t pi = hcommit_intern(h, path->s, path->len);
	GROW(o->v, o->n, o->cap);
	o->v[o->n].path = pi;
	o->v[o->n].status = st;
	o->n++;
	if (st == 'A') {
		GROW(o->adds, o->nadd, o->cadd);
		o->adds[o->nadd].path = pi;
		git_oid_cpy(&o->adds[o->nadd].oid, oid);
		o->adds[o->nadd].mode = mode;
		o->nadd++;
	} else if (st == 'D') {
		GROW(o->dels, o->ndel, o->cdel);
		o->dels[o->ndel].path = pi;
		git_oid_cpy(&o->dels[o->ndel].oid, oid);
		o->dels[o->ndel].mode = mode;
		o->ndel++;
	}
}

int hdiff_facts(hist_t *h, uint32_t ni)
{
	cnode_t *n = &h->nodes[ni];
	uint32_t nl = n->nparents ? n->nparents : 1;
	diffout_t o = {0};
	gittree_diff_t df = {.store = &h->store, .emit = diff_emit, .max_depth = GITTREE_MAX_DEPTH,
			     .max_path = HIST_MAX_PATH_BYTES, .max_entries = HIST_MAX_ENTRIES, .stop = h->stop};
	diffemit_t ctx = {h, &o, &df};
	df.ctx = &ctx;
	buf_t path = BUF_INIT;
	int rc = 0;
	hchange_t **ch = xcalloc(nl, sizeof *ch);
	uint32_t *nch = xcalloc(nl, sizeof *nch);
	hrename_t *ren = NULL;
	size_t nren = 0, cren = 0;
	for (uint32_t l = 0; l < nl; l++) {
		git_oid ptree;
		int have_parent = n->nparents > 0;
		if (have_parent)
			git_oid_cpy(&ptree, &h->nodes[h->nodes[ni].pidx[l]].tree);
		o.n = o.nadd = o.ndel = 0;
		buf_clear(&path);
		buf_grow(&path, 256);
		path.s[0] = '\0';
		git_oid ctree;
		git_oid_cpy(&ctree, &h->nodes[ni].tree);
		df.demote = l == nl - 1; /* a merge's trees are compared with every parent */
		if (have_parent && git_oid_equal(&ptree, &ctree))
			rc = 0;
		else
			rc = gittree_diff(&df, have_parent ? &ptree : NULL, &ctree, &path);
		if (rc == GITTREE_ELIMIT) {
			/* which commit, in the message the walk's diagnostic shows */
			const git_error *e = git_error_last();
			char *why = xstrdup(e && e->message ? e->message : "a limit");
			char hex[GIT_OID_HEXSZ + 1];
			git_oid_tostr(hex, sizeof hex, &h->nodes[ni].oid);
			git_error_set(GIT_ERROR_INVALID, "commit %s: %s; a history this large is not read", hex, why);
			free(why);
		}
		if (rc < 0)
			goto out;
		ch[l] = xmalloc((o.n ? o.n : 1) * sizeof **ch);
		if (o.n)
			memcpy(ch[l], o.v, o.n * sizeof **ch);
		nch[l] = (uint32_t)o.n;
		/* exact renames (non-merge commits): an added file whose blob a deleted file had */
		if (h->nodes[ni].nparents == 1 && o.nadd && o.ndel)
			hrename_exact(h, o.adds, o.nadd, o.dels, o.ndel, &ren, &nren, &cren);
	}
	n = &h->nodes[ni];
	n->nlists = nl;
	n->changes = ch;
	n->nchanges = nch;
	n->renames = ren;
	n->nrenames = (uint32_t)nren;
	n->flags |= N_FACTS;
	ch = NULL;
	nch = NULL;
	ren = NULL;
	h->dirty = 1;
	h->stats.commits_diffed++;
out:
	if (ch) {
		for (uint32_t l = 0; l < nl; l++)
			free(ch[l]);
	}
	free(ch);
	free(nch);
	free(ren);
	free(o.v);
	free(o.adds);
	free(o.dels);
	buf_free(&path);
	return rc;
}
