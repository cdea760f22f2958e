/* histstatus.c - the work tree's status. See histstatus.h and history.h. */
#include "histstatus.h"

#include "histpriv.h"

static int status_load(hist_t *h)
{
	h->status_loaded = 1;
	git_status_options so;
	git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION);
	so.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	so.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
		   GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	git_status_list *list = NULL;
	if (git_status_list_new(&list, h->repo, &so) < 0) {
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
