/* gittree.c - raw tree entries and the side-by-side tree comparison. See gittree.h. */
#include "gittree.h"

#include <string.h>

int gittree_next(gittree_iter_t *it, gittree_entry_t *e)
{
	if (it->p >= it->e)
		return 0;
	uint32_t mode = 0;
	const unsigned char *p = it->p;
	while (p < it->e && *p != ' ') {
		if (*p < '0' || *p > '7')
			return -1;
		mode = mode * 8 + (uint32_t)(*p - '0');
		p++;
	}
	if (p >= it->e)
		return -1;
	p++;
	const unsigned char *nul = memchr(p, 0, (size_t)(it->e - p));
	if (!nul || nul == p || (size_t)(it->e - nul) < 1 + GIT_OID_RAWSZ)
		return -1;
	e->mode = mode;
	e->name = (const char *)p;
	e->namelen = (size_t)(nul - p);
	e->oid = (const git_oid *)(nul + 1);
	e->is_tree = (mode & 0170000) == 040000;
	it->p = nul + 1 + GIT_OID_RAWSZ;
	return 1;
}

/* git's tree order: names compared bytewise, a tree's name followed by '/'. */
static int entry_cmp(const gittree_entry_t *a, const gittree_entry_t *b)
{
	size_t n = a->namelen < b->namelen ? a->namelen : b->namelen;
	int c = memcmp(a->name, b->name, n);
	if (c)
		return c;
	unsigned char ca = a->namelen > n ? (unsigned char)a->name[n] : (a->is_tree ? '/' : 0);
	unsigned char cb = b->namelen > n ? (unsigned char)b->name[n] : (b->is_tree ? '/' : 0);
	return (int)ca - (int)cb;
}

/* Compare trees a and b (either may be NULL = empty) below `path` (which
 * ends with '/' or is empty). */
static int diff_trees(gittree_diff_t *df, const git_oid *a, const git_oid *b, buf_t *path)
{
	gitobj_t *oa = NULL, *ob = NULL;
	int rc = 0;
	gittree_iter_t ia = {NULL, NULL}, ib = {NULL, NULL};
	if (a) {
		if ((rc = gitstore_tree(df->store, a, &oa)) < 0)
			goto out;
		ia.p = oa->data;
		ia.e = ia.p + oa->len;
	}
	if (b) {
		if ((rc = gitstore_tree(df->store, b, &ob)) < 0)
			goto out;
		ib.p = ob->data;
		ib.e = ib.p + ob->len;
	}
	size_t base = path->len;
	gittree_entry_t ea, eb;
	int ra = gittree_next(&ia, &ea), rb = gittree_next(&ib, &eb);
	while (ra > 0 || rb > 0) {
		int c = ra <= 0 ? 1 : rb <= 0 ? -1 : entry_cmp(&ea, &eb);
		if (c == 0) {
			if (ea.mode != eb.mode || !git_oid_equal(ea.oid, eb.oid)) {
				buf_put(path, ea.name, ea.namelen);
				if (ea.is_tree) {
					buf_putc(path, '/');
					git_oid x, y; /* copy: the raw data may be evicted from the LRU */
					git_oid_cpy(&x, ea.oid);
					git_oid_cpy(&y, eb.oid);
					rc = diff_trees(df, &x, &y, path);
				} else {
					df->emit(df->ctx, path, 'M', eb.oid);
				}
				path->len = base;
				path->s[base] = '\0';
				if (rc < 0)
					goto out;
			}
			ra = gittree_next(&ia, &ea);
			rb = gittree_next(&ib, &eb);
		} else if (c < 0) {
			buf_put(path, ea.name, ea.namelen);
			if (ea.is_tree) {
				buf_putc(path, '/');
				git_oid x;
				git_oid_cpy(&x, ea.oid);
				rc = diff_trees(df, &x, NULL, path);
			} else {
				df->emit(df->ctx, path, 'D', ea.oid);
			}
			path->len = base;
			path->s[base] = '\0';
			if (rc < 0)
				goto out;
			ra = gittree_next(&ia, &ea);
		} else {
			buf_put(path, eb.name, eb.namelen);
			if (eb.is_tree) {
				buf_putc(path, '/');
				git_oid y;
				git_oid_cpy(&y, eb.oid);
				rc = diff_trees(df, NULL, &y, path);
			} else {
				df->emit(df->ctx, path, 'A', eb.oid);
			}
			path->len = base;
			path->s[base] = '\0';
			if (rc < 0)
				goto out;
			rb = gittree_next(&ib, &eb);
		}
	}
	if (ra < 0 || rb < 0) {
		git_error_set_str(GIT_ERROR_INVALID, "corrupt tree object");
		rc = -1;
	}
out:
	gitobj_unref(oa);
	gitobj_unref(ob);
	if (b && df->demote)
		gitstore_tree_demote(df->store, b);
	return rc;
}

int gittree_diff(gittree_diff_t *df, const git_oid *a, const git_oid *b, buf_t *path)
{
	return diff_trees(df, a, b, path);
}

int gittree_has_file(gitstore_t *st, const git_oid *root, const char *path)
{
	git_oid cur;
	git_oid_cpy(&cur, root);
	for (;;) {
		const char *slash = strchr(path, '/');
		size_t n = slash ? (size_t)(slash - path) : strlen(path);
		gitobj_t *o;
		if (gitstore_tree(st, &cur, &o) < 0)
			return 0;
		gittree_iter_t it = {o->data, NULL};
		it.e = it.p + o->len;
		gittree_entry_t e;
		int found = 0;
		while (gittree_next(&it, &e) > 0) {
			if (e.namelen == n && memcmp(e.name, path, n) == 0 && (slash ? e.is_tree : !e.is_tree)) {
				found = 1;
				git_oid_cpy(&cur, e.oid);
				break;
			}
		}
		gitobj_unref(o);
		if (!found)
			return 0;
		if (!slash)
			return 1;
		path = slash + 1;
	}
}
