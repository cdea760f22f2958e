/* gittree.c - raw tree entries and the side-by-side tree comparison. See gittree.h. */
#include "gittree.h"

#include <stdlib.h>
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

/* One level of the comparison: the two trees (either may be absent) and where
 * their entry lists stand. */
typedef struct {
	gitobj_t *oa, *ob;
	gittree_iter_t ia, ib;
	gittree_entry_t ea, eb;
	int ra, rb;
	size_t base;     /* path->len at this level */
	git_oid b;       /* the new side's tree (for demote) */
	int has_b;
} frame_t;

/* Read the trees of a new level; -1 (error set) when one cannot be read. */
static int frame_open(gittree_diff_t *df, frame_t *f, const git_oid *a, const git_oid *b, size_t base)
{
	memset(f, 0, sizeof *f);
	f->base = base;
	if (b) {
		git_oid_cpy(&f->b, b);
		f->has_b = 1;
	}
	int rc;
	if (a) {
		if ((rc = gitstore_tree(df->store, a, &f->oa)) < 0)
			return rc;
		f->ia.p = f->oa->data;
		f->ia.e = f->ia.p + f->oa->len;
	}
	if (b) {
		if ((rc = gitstore_tree(df->store, b, &f->ob)) < 0)
			return rc;
		f->ib.p = f->ob->data;
		f->ib.e = f->ib.p + f->ob->len;
	}
	f->ra = gittree_next(&f->ia, &f->ea);
	f->rb = gittree_next(&f->ib, &f->eb);
	return 0;
}

static void frame_close(gittree_diff_t *df, frame_t *f)
{
	gitobj_unref(f->oa);
	gitobj_unref(f->ob);
	f->oa = f->ob = NULL;
	if (f->has_b && df->demote)
		gitstore_tree_demote(df->store, &f->b);
}

int gittree_diff(gittree_diff_t *df, const git_oid *a, const git_oid *b, buf_t *path)
{
	/* depth-first over the differing subtrees with an explicit stack: a tree's depth is the
	 * repository's to choose (a 40,000-level folder chain must not overflow the C stack) */
	size_t max_depth = df->max_depth ? df->max_depth : GITTREE_MAX_DEPTH;
	frame_t *st = NULL;
	size_t n = 0, cap = 0;
	size_t root = path->len;
	uint64_t visited = 0;
	int rc = 0;
	cap = 16;
	st = xmalloc(cap * sizeof *st);
	if ((rc = frame_open(df, &st[0], a, b, root)) < 0) {
		frame_close(df, &st[0]);
		goto out;
	}
	n = 1;
	while (n > 0) {
		frame_t *f = &st[n - 1];
		if (!(f->ra > 0 || f->rb > 0)) {
			int corrupt = f->ra < 0 || f->rb < 0;
			frame_close(df, f);
			n--;
			path->len = n ? st[n - 1].base : root;
			path->s[path->len] = '\0';
			if (corrupt) {
				git_error_set_str(GIT_ERROR_INVALID, "corrupt tree object");
				rc = -1;
				goto out;
			}
			continue;
		}
		if ((++visited & 1023) == 0) {
			if (df->stop && atomic_load_explicit(df->stop, memory_order_relaxed)) {
				rc = GITTREE_STOPPED;
				goto out;
			}
			if (df->max_entries && visited > df->max_entries) {
				git_error_set(GIT_ERROR_INVALID, "more than %llu tree entries to compare (the limit)",
					      (unsigned long long)df->max_entries);
				rc = GITTREE_ELIMIT;
				goto out;
			}
		}
		int c = f->ra <= 0 ? 1 : f->rb <= 0 ? -1 : entry_cmp(&f->ea, &f->eb);
		const gittree_entry_t *e = c > 0 ? &f->eb : &f->ea;
		int changed = c != 0 || f->ea.mode != f->eb.mode || !git_oid_equal(f->ea.oid, f->eb.oid);
		if (!changed) {
			f->ra = gittree_next(&f->ia, &f->ea);
			f->rb = gittree_next(&f->ib, &f->eb);
			continue;
		}
		path->len = f->base;
		buf_put(path, e->name, e->namelen);
		if (df->max_path && path->len > df->max_path) {
			git_error_set(GIT_ERROR_INVALID, "a path longer than %zu bytes (the limit)", df->max_path);
			rc = GITTREE_ELIMIT;
			goto out;
		}
		if (e->is_tree) {
			/* copy the ids: the raw data may be evicted from the LRU */
			git_oid x, y;
			int has_x = c <= 0, has_y = c >= 0;
			if (has_x)
				git_oid_cpy(&x, f->ea.oid);
			if (has_y)
				git_oid_cpy(&y, f->eb.oid);
			if (has_x)
				f->ra = gittree_next(&f->ia, &f->ea);
			if (has_y)
				f->rb = gittree_next(&f->ib, &f->eb);
			if (n >= max_depth) {
				git_error_set(GIT_ERROR_INVALID, "folders nested deeper than %zu levels (the limit)",
					      max_depth);
				rc = GITTREE_ELIMIT;
				goto out;
			}
			buf_putc(path, '/');
			if (n == cap) {
				cap *= 2;
				st = xrealloc(st, cap * sizeof *st);
			}
			if ((rc = frame_open(df, &st[n], has_x ? &x : NULL, has_y ? &y : NULL, path->len)) < 0) {
				frame_close(df, &st[n]);
				goto out;
			}
			n++;
			continue;
		}
		if (c == 0)
			df->emit(df->ctx, path, 'M', f->eb.oid, f->eb.mode);
		else if (c < 0)
			df->emit(df->ctx, path, 'D', f->ea.oid, f->ea.mode);
		else
			df->emit(df->ctx, path, 'A', f->eb.oid, f->eb.mode);
		path->len = f->base;
		path->s[path->len] = '\0';
		if (df->failed) {
			rc = df->failed;
			goto out;
		}
		if (c <= 0)
			f->ra = gittree_next(&f->ia, &f->ea);
		if (c >= 0)
			f->rb = gittree_next(&f->ib, &f->eb);
	}
out:
	while (n > 0)
		frame_close(df, &st[--n]);
	free(st);
	path->len = root;
	if (path->s)
		path->s[root] = '\0';
	return rc;
}

int gittree_has_file(gitstore_t *st, const git_oid *root, const char *path)
{
	return gittree_find(st, root, path, NULL, NULL);
}

int gittree_find(gitstore_t *st, const git_oid *root, const char *path, git_oid *oid, uint32_t *mode)
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
				if (!slash && mode)
					*mode = e.mode;
				break;
			}
		}
		gitobj_unref(o);
		if (!found)
			return 0;
		if (!slash) {
			if (oid)
				git_oid_cpy(oid, &cur);
			return 1;
		}
		path = slash + 1;
	}
}
