/* histstatus.c - the work tree's status. See histstatus.h and history.h. */
#include "histstatus.h"

#include "gittree.h"
#include "histpriv.h"

#include <stdatomic.h>
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
			     .max_path = HIST_MAX_PATH_BYTES, .max_entries = HIST_MAX_ENTRIES, .stop = h->stop};
	buf_t path = BUF_INIT;
	buf_grow(&path, 256);
	path.s[0] = '\0';
	int rc = gittree_diff(&df, NULL, &tree, &path);
	buf_free(&path);
	if (rc < 0) {
		const git_error *e = git_error_last();
		free(h->status_error);
		h->status_error = h->stop && atomic_load(h->stop)
					  ? xstrdup("interrupted")
					  : xasprintf("HEAD's tree is not read: %s", e && e->message ? e->message : "unknown error");
	}
	git_error_clear();
	return rc < 0 ? -1 : 0;
}

/* Called by libgit2 before each file it compares: non-zero (Ctrl-C) stops the diff. */
static int status_progress(const git_diff *diff, const char *old_path, const char *new_path, void *payload)
{
	(void)diff;
	(void)old_path;
	(void)new_path;
	const hist_t *h = payload;
	return h->stop && atomic_load_explicit(h->stop, memory_order_relaxed) ? -1 : 0;
}

/* Put each path `diff` names into the status map: untracked, or modified (staged or not). */
static void status_put(hist_t *h, const git_diff *diff)
{
	size_t n = git_diff_num_deltas(diff);
	for (size_t i = 0; i < n; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		const char *p = d->new_file.path ? d->new_file.path : d->old_file.path;
		if (!p)
			continue;
		int st = d->status == GIT_DELTA_UNTRACKED ? HIST_UNTRACKED : HIST_MODIFIED;
		void *was;
		if (st == HIST_UNTRACKED && map_get(&h->status_map, p, &was))
			continue; /* staged, then deleted from the index? a path keeps the first answer */
		map_put(&h->status_map, p, MAP_INT(st));
	}
}

/* The status as `git status` has it (HEAD against the index, the index against the work tree, untracked
 * files included, .gitignore honoured, submodules left out), through the two diffs libgit2's status is
 * made of: unlike git_status_list_new, they call back before each file, so Ctrl-C stops a work tree of a
 * million files at once instead of after its whole scan. */
static int status_load(hist_t *h)
{
	h->status_loaded = 1;
	if (head_tree_bounded(h) < 0)
		return -1; /* lookups answer from the index and the ignore rules */
	git_diff_options o;
	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	o.flags = GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS | GIT_DIFF_IGNORE_SUBMODULES;
	o.ignore_submodules = GIT_SUBMODULE_IGNORE_ALL;
	o.progress_cb = status_progress;
	o.payload = h;
	git_index *index = NULL;
	git_tree *head = NULL;
	git_diff *staged = NULL, *unstaged = NULL;
	git_oid oid;
	int rc = git_repository_index(&index, h->repo);
	if (!rc && git_reference_name_to_id(&oid, h->repo, "HEAD") == 0) {
		git_commit *c = NULL;
		rc = git_commit_lookup(&c, h->repo, &oid);
		if (!rc)
			rc = git_commit_tree(&head, c);
		git_commit_free(c);
	}
	if (!rc)
		rc = git_diff_tree_to_index(&staged, h->repo, head, index, &o); /* no HEAD yet: all of it staged */
	if (!rc)
		rc = git_diff_index_to_workdir(&unstaged, h->repo, index, &o);
	if (rc < 0) {
		const git_error *e = git_error_last();
		free(h->status_error);
		h->status_error = xstrdup(h->stop && atomic_load(h->stop) ? "interrupted"
					  : e && e->message ? e->message : "unknown error");
		git_error_clear();
	} else {
		status_put(h, staged);
		status_put(h, unstaged);
	}
	git_diff_free(staged);
	git_diff_free(unstaged);
	git_tree_free(head);
	h->index = index; /* also when the status failed: lookups then answer from it */
	return rc < 0 ? -1 : 0;
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
	if (h->stop && atomic_load_explicit(h->stop, memory_order_relaxed))
		return HIST_CLEAN; /* Ctrl-C: the build ends; the ignore rules are not read for each of its pages */
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
