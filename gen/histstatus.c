/* histstatus.c - the work tree's status. See histstatus.h and history.h. */
#include "histstatus.h"

#include "gittree.h"
#include "histpriv.h"

#include <stdlib.h>

static void count_file(void *ctx, const buf_t *path, char st, const git_oid *oid, uint32_t mode)
{
	(void)path;
	(void)st;
	(void)oid;
	(void)mode;
	(*(uint64_t *)ctx)++;
}

/* 0 when HEAD's tree is within the walk's bounds (depth, entries, path
 * length), else -1. libgit2's status compares HEAD's whole tree with the
 * index, with no bound and no way to stop it: a tree bomb (a few objects
 * naming billions of paths) in HEAD would hold it for hours. */
static int head_tree_bounded(hist_t *h)
{
	git_oid head, tree;
	git_commit *c = NULL;
	if (git_reference_name_to_id(&head, h->repo, "HEAD") < 0 || git_commit_lookup(&c, h->repo, &head) < 0) {
		git_error_clear();
		return 0; /* no commit: nothing to compare */
	}
	git_oid_cpy(&tree, git_commit_tree_id(c));
	git_commit_free(c);
	if (!h->odb && git_repository_odb(&h->odb, h->repo) < 0) {
		git_error_clear();
		return 0;
	}
	h->store.odb = h->odb;
	uint64_t files = 0;
	gittree_diff_t df = {.store = &h->store, .emit = count_file, .ctx = &files, .max_depth = GITTREE_MAX_DEPTH,
			     .max_path = HIST_MAX_PATH_BYTES, .max_entries = HIST_MAX_ENTRIES};
	buf_t path = BUF_INIT;
	buf_grow(&path, 256);
	path.s[0] = '\0';
	int rc = gittree_diff(&df, NULL, &tree, &path);
	buf_free(&path);
	if (rc < 0) {
		const git_error *e = git_error_last();
		free(h->status_error);
		h->status_error = xasprintf("HEAD's tree is not read: %s", e && e->message ? e->message : "unknown error");
	}
	git_error_clear();
	return rc < 0 ? -1 : 0;
}

static int status_load(hist_t *h)
{
	h->status_loaded = 1;
	if (head_tree_bounded(h) < 0)
		return -1; /* lookups answer from the index and the ignore rules */
	git_status_options so;
	git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION);
	so.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	so.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
		   GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	git_status_list *list = NULL;
	if (git_status_list_new(&list, h->repo, &so) < 0) {
		const git_error *e = git_error_last();
		free(h->status_error);
		h->status_error = xstrdup(e && e->message ? e->message : "unknown error");
		git_error_clear();
		return -1;
	}
	size_t n = git_status_list_entrycount(list);
	for (size_t i = 0; i < n; i++) {
		const git_status_entry *e = git_status_byindex(list, i);
		const char *p = NULL;
		if (e->index_to_workdir)
			p = e->index_to_workdir->new_file.path ? e->index_to_workdir->new_file.path
							       : e->index_to_workdir->old_file.path;
		if (!p && e->head_to_index)
			p = e->head_to_index->new_file.path ? e->head_to_index->new_file.path
							    : e->head_to_index->old_file.path;
		if (!p)
			continue;
		int st;
		if (e->status == GIT_STATUS_WT_NEW)
			st = HIST_UNTRACKED;
		else if (e->status == GIT_STATUS_IGNORED)
			st = HIST_IGNORED;
		else
			st = HIST_MODIFIED;
		map_put(&h->status_map, p, MAP_INT(st));
	}
	git_status_list_free(list);
	if (git_repository_index(&h->index, h->repo) < 0) {
		git_error_clear();
		h->index = NULL;
	}
	return 0;
}

int hist_worktree_status(hist_t *h, const char *path)
{
	if (!h || !path)
		return HIST_CLEAN;
	if (!h->status_loaded)
		status_load(h); /* when it fails, lookups answer from the index and the ignore rules */
	void *v;
	if (map_get(&h->status_map, path, &v))
		return (int)MAP_AS_INT(v);
	if (h->index && git_index_get_bypath(h->index, path, 0))
		return HIST_CLEAN;
	int ign = 0;
	if (git_ignore_path_is_ignored(&ign, h->repo, path) < 0) {
		git_error_clear();
		ign = 0;
	}
	return ign ? HIST_IGNORED : HIST_CLEAN;
}

const char *hist_worktree_error(const hist_t *h)
{
	return h ? h->status_error : NULL;
}
