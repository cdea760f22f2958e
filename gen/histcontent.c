/* histcontent.c - cosmetic commits (freshness.count: content). See histcontent.h. */
#include "histcontent.h"

#include <stdlib.h>

#include "gittree.h"

/* Larger files are not pages (scan.h's limit): never compared. */
#define CONTENT_MAX (16u << 20)

void hcontent_reset(hist_t *h)
{
	free(h->cslots);
	h->cslots = NULL;
	h->ncslots = h->cused = 0;
	free(h->vslots);
	h->vslots = NULL;
	h->nvslots = h->vused = 0;
}

static size_t verdict_home(const hist_t *h, const git_oid *commit, uint32_t old_path, uint32_t new_path)
{
	uint64_t k = hist_oid_hash(commit) ^ ((uint64_t)old_path * 0x9E3779B97F4A7C15ULL) ^
		     ((uint64_t)new_path * 0xC2B2AE3D27D4EB4FULL);
	return (size_t)(k & (h->nvslots - 1));
}

static hcontent_verdict_t *verdict_find(hist_t *h, const git_oid *commit, uint32_t old_path, uint32_t new_path)
{
	if (!h->nvslots)
		return NULL;
	for (size_t j = verdict_home(h, commit, old_path, new_path);; j = (j + 1) & (h->nvslots - 1)) {
		hcontent_verdict_t *v = &h->vslots[j];
		if (v->new_path == NONE)
			return NULL;
		if (v->old_path == old_path && v->new_path == new_path && git_oid_equal(&v->commit, commit))
			return v;
	}
}

void hcontent_remember_verdict(hist_t *h, const git_oid *commit, uint32_t old_path, uint32_t new_path, int cosmetic,
			       int compared)
{
	if (verdict_find(h, commit, old_path, new_path))
		return;
	if ((h->vused + 1) * 2 > h->nvslots) {
		size_t old = h->nvslots;
		hcontent_verdict_t *ov = h->vslots;
		h->nvslots = old ? old * 2 : 1024;
		h->vslots = xmalloc(h->nvslots * sizeof *h->vslots);
		for (size_t i = 0; i < h->nvslots; i++)
			h->vslots[i].new_path = NONE;
		h->vused = 0;
		for (size_t i = 0; i < old; i++)
			if (ov[i].new_path != NONE)
				hcontent_remember_verdict(h, &ov[i].commit, ov[i].old_path, ov[i].new_path, ov[i].cosmetic,
							  ov[i].compared);
		free(ov);
	}
	size_t j = verdict_home(h, commit, old_path, new_path);
	while (h->vslots[j].new_path != NONE)
		j = (j + 1) & (h->nvslots - 1);
	hcontent_verdict_t *v = &h->vslots[j];
	git_oid_cpy(&v->commit, commit);
	v->old_path = old_path;
	v->new_path = new_path;
	v->cosmetic = (uint8_t)(cosmetic != 0);
	v->compared = (uint8_t)(compared != 0);
	h->vused++;
}

static size_t slot_home(const hist_t *h, const git_oid *blob, uint32_t path)
{
	return (size_t)((hist_oid_hash(blob) ^ ((uint64_t)path * 0x9E3779B97F4A7C15ULL)) & (h->ncslots - 1));
}

static void slot_put(hist_t *h, const git_oid *blob, uint32_t path, const git_oid *digest);

static hcontent_slot_t *slot_find(hist_t *h, const git_oid *blob, uint32_t path)
{
	if (!h->ncslots)
		return NULL;
	for (size_t j = slot_home(h, blob, path);; j = (j + 1) & (h->ncslots - 1)) {
		hcontent_slot_t *s = &h->cslots[j];
		if (s->path == NONE)
			return NULL;
		if (s->path == path && git_oid_equal(&s->blob, blob))
			return s;
	}
}

static void slot_put(hist_t *h, const git_oid *blob, uint32_t path, const git_oid *digest)
{
	if ((h->cused + 1) * 2 > h->ncslots) {
		size_t old = h->ncslots;
		hcontent_slot_t *os = h->cslots;
		h->ncslots = old ? old * 2 : 1024;
		h->cslots = xmalloc(h->ncslots * sizeof *h->cslots);
		for (size_t i = 0; i < h->ncslots; i++)
			h->cslots[i].path = NONE;
		h->cused = 0;
		for (size_t i = 0; i < old; i++)
			if (os[i].path != NONE)
				slot_put(h, &os[i].blob, os[i].path, &os[i].digest);
		free(os);
	}
	size_t j = slot_home(h, blob, path);
	while (h->cslots[j].path != NONE)
		j = (j + 1) & (h->ncslots - 1);
	git_oid_cpy(&h->cslots[j].blob, blob);
	h->cslots[j].path = path;
	git_oid_cpy(&h->cslots[j].digest, digest);
	h->cused++;
}

/* The digest of the canonical text of `path` in tree `root`: 0; -1 when it
 * is not compared (absent, not a regular file, too large); -2 when its blob
 * cannot be read (a partial clone leaves blobs out). */
static int digest_of(hist_t *h, const git_oid *root, uint32_t path, git_oid *out)
{
	git_oid blob;
	uint32_t mode = 0;
	if (!gittree_find(&h->store, root, h->strs.s[path], &blob, &mode) || !GITTREE_IS_FILE(mode))
		return -1;
	hcontent_slot_t *s = slot_find(h, &blob, path);
	if (s) {
		git_oid_cpy(out, &s->digest);
		return 0;
	}
	gitobj_t *o = NULL;
	if (gitstore_read(&h->store, &blob, &o) < 0) {
		git_error_clear();
		return -2;
	}
	if (o->type != GIT_OBJECT_BLOB || o->len > CONTENT_MAX) {
		gitobj_unref(o);
		return -1;
	}
	size_t clen = 0;
	h->stats.content_rendered++;
	char *canon = h->content_canon(h->content_ctx, h->strs.s[path], (const char *)o->data, o->len, &clen);
	gitobj_unref(o);
	if (!canon)
		return -1;
	int rc = git_odb_hash(out, canon, clen, GIT_OBJECT_BLOB);
	free(canon);
	if (rc < 0) {
		git_error_clear();
		return -1;
	}
	slot_put(h, &blob, path, out);
	return 0;
}

int hcontent_cosmetic(hist_t *h, uint32_t ni, uint32_t old_path, uint32_t new_path)
{
	const cnode_t *n = &h->nodes[ni];
	if (!h->content_canon || n->nparents != 1 || n->pidx[0] == NONE)
		return 0;
	git_oid id;
	git_oid_cpy(&id, &n->oid);
	const hcontent_verdict_t *v = verdict_find(h, &id, old_path, new_path);
	if (!v && h->stop && atomic_load_explicit(h->stop, memory_order_relaxed)) {
		/* Ctrl-C inside a commit that changed thousands of pages (a formatter's): the walk
		 * ends after this commit (h->stopped), its answers are never used */
		h->stopped = 1;
		return 0;
	}
	if (v) { /* decided by an earlier walk: no tree or blob read */
		h->stats.content_compared += v->compared;
		h->stats.content_cosmetic += v->cosmetic;
		return v->cosmetic;
	}
	git_oid tree, ptree, a, b;
	git_oid_cpy(&tree, &n->tree);
	git_oid_cpy(&ptree, &h->nodes[n->pidx[0]].tree);
	int ra = digest_of(h, &ptree, old_path, &a);
	int rb = ra < 0 ? ra : digest_of(h, &tree, new_path, &b);
	if (ra == -2 || rb == -2) {
		h->stats.content_unreadable++; /* not remembered: the objects may arrive */
		return 0;
	}
	int cosmetic = ra == 0 && rb == 0 && git_oid_equal(&a, &b);
	hcontent_remember_verdict(h, &id, old_path, new_path, cosmetic, ra == 0 && rb == 0);
	h->dirty = 1;
	h->stats.content_compared += ra == 0 && rb == 0;
	h->stats.content_cosmetic += cosmetic;
	return cosmetic;
}
