/* changes.c - files changed since a revision. See changes.h. */
#include "changes.h"
#include "dating.h"
#include "sitesrc.h"

#include <git2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "fsutil.h"
#include "history.h"

static void git_fail(diag_list_t *d, const char *rev, const char *what)
{
	const git_error *e = git_error_last();
	diag_add(d, DIAG_ERROR, "", 0, 0, "changed-since", "--changed-since %s: %s%s%s%s", rev, what,
		 e && e->message ? " (" : "", e && e->message ? e->message : "", e && e->message ? ")" : "");
}

static void add_changed(changes_t *c, const char *path)
{
	if (path && !map_get(&c->changed, path, NULL)) {
		map_put(&c->changed, path, NULL);
		c->changed_paths = xrealloc(c->changed_paths, (c->nchanged + 1) * sizeof *c->changed_paths);
		c->changed_paths[c->nchanged++] = xstrdup(path);
	}
}

static void add_deleted(changes_t *c, const char *path)
{
	if (!path)
		return;
	c->deleted = xrealloc(c->deleted, (c->ndeleted + 1) * sizeof *c->deleted);
	c->deleted[c->ndeleted++] = xstrdup(path);
}

int changes_since(changes_t *c, const char *root, const char *rev, diag_list_t *d)
{
	int rc = -1;
	git_repository *repo = NULL;
	git_object *obj = NULL, *head = NULL;
	git_commit *base = NULL;
	git_tree *tree = NULL;
	git_diff *diff = NULL;
	memset(c, 0, sizeof *c);
	if (git_repository_open_ext(&repo, root, 0, NULL) != 0) {
		git_fail(d, rev, "not inside a Git work tree");
		goto out;
	}
	if (git_revparse_single(&obj, repo, rev) != 0) {
		git_fail(d, rev,
			 "cannot resolve this revision; in CI fetch it first (actions/checkout with fetch-depth: 0)");
		goto out;
	}
	git_object *peeled = NULL;
	if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) != 0) {
		git_fail(d, rev, "not a commit");
		goto out;
	}
	base = (git_commit *)peeled;
	/* compare against the merge base of REV and HEAD when there is one */
	if (git_revparse_single(&head, repo, "HEAD^{commit}") == 0) {
		git_oid mb;
		if (git_merge_base(&mb, repo, git_commit_id(base), git_object_id(head)) == 0 &&
		    !git_oid_equal(&mb, git_commit_id(base))) {
			git_commit *m = NULL;
			if (git_commit_lookup(&m, repo, &mb) == 0) {
				git_commit_free(base);
				base = m;
			}
		}
	}
	git_error_clear();
	git_oid_tostr(c->base, sizeof c->base, git_commit_id(base));
	if (git_commit_tree(&tree, base) != 0) {
		git_fail(d, rev, "cannot read its tree");
		goto out;
	}
	git_diff_options opts;
	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	opts.flags = GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS;
	if (git_diff_tree_to_workdir_with_index(&diff, repo, tree, &opts) != 0) {
		git_fail(d, rev, "cannot compare it with the work tree");
		goto out;
	}
	size_t n = git_diff_num_deltas(diff);
	for (size_t i = 0; i < n; i++) {
		const git_diff_delta *dl = git_diff_get_delta(diff, i);
		switch (dl->status) {
		case GIT_DELTA_DELETED:
			add_deleted(c, dl->old_file.path);
			break;
		case GIT_DELTA_RENAMED:
			add_deleted(c, dl->old_file.path);
			add_changed(c, dl->new_file.path);
			break;
		case GIT_DELTA_UNMODIFIED:
		case GIT_DELTA_IGNORED:
			break;
		default: /* added, modified, copied, typechange, untracked, conflicted */
			add_changed(c, dl->new_file.path);
			break;
		}
	}
	rc = 0;
out:
	git_diff_free(diff);
	git_tree_free(tree);
	git_commit_free(base);
	git_object_free(head);
	git_object_free(obj);
	git_repository_free(repo);
	return rc;
}

int changes_has(const changes_t *c, const char *path)
{
	return path && map_get(&c->changed, path, NULL);
}

/* Page file names, longest first: ".md" in every layout, ".md.erb" for Middleman, ".html.md" and
 * ".html.md.erb" for Tech Docs (layout_techdocs_page_ext); ".html" is how a link names a page published
 * as "x.html" (Tech Docs, Hugo's uglyURLs). */
static const char *const page_exts[] = {".html.md.erb", ".html.md", ".md.erb", ".md", ".html"};

/* The length of `seg` (`n` bytes) without a page extension, 0 when nothing is left. */
static size_t strip_page_ext(const char *seg, size_t n)
{
	for (size_t i = 0; i < sizeof page_exts / sizeof *page_exts; i++) {
		size_t e = strlen(page_exts[i]);
		if (n > e && !strncmp(seg + n - e, page_exts[i], e))
			return n - e;
	}
	return n;
}

/* 1 when the stem `seg` (`n` bytes) is a folder's index page in some layout: index, README, _index. */
static int index_stem(const char *seg, size_t n)
{
	return (n == 5 && !strncmp(seg, "index", 5)) || (n == 6 && !strncasecmp(seg, "README", 6)) ||
	       (n == 6 && !strncmp(seg, "_index", 6));
}

/* The last segment of `path` (`n` bytes, no trailing '/') as the deleted_stems key: without a page
 * extension, the folder's name for an index page, lower-cased (Hugo lower-cases URLs; README is any
 * case). NULL for nothing or the site's home page. */
static char *name_key(const char *path, size_t n)
{
	const char *seg = path + n;
	while (seg > path && seg[-1] != '/')
		seg--;
	size_t len = strip_page_ext(seg, (size_t)(path + n - seg));
	if (index_stem(seg, len)) {
		const char *end = seg;
		while (end > path && end[-1] == '/')
			end--;
		if (end == path)
			return NULL;
		return name_key(path, (size_t)(end - path));
	}
	if (!len)
		return NULL;
	char *k = xstrndup(seg, len);
	for (char *q = k; *q; q++)
		if (*q >= 'A' && *q <= 'Z')
			*q = (char)(*q - 'A' + 'a');
	return k;
}

/* The name a link would use for the page at `path`; NULL when `path` is no page file. */
static char *page_stem(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	size_t n = strlen(base);
	if (strip_page_ext(base, n) == n || fsu_ends_with(base, ".html"))
		return NULL;
	return name_key(path, strlen(path));
}

/* The last segment of the first quoted target in a link diagnostic, as page_stem would name it. */
static char *message_stem(const char *msg)
{
	const char *a = strchr(msg, '\'');
	if (!a)
		return NULL;
	a++;
	const char *b = strchr(a, '\'');
	if (!b)
		return NULL;
	size_t n = strcspn(a, "#?");
	if (a + n > b)
		n = (size_t)(b - a);
	while (n && a[n - 1] == '/')
		n--;
	return n ? name_key(a, n) : NULL;
}

static int is_code(const diag_t *dg, const char *const *codes, size_t n)
{
	for (size_t i = 0; dg->code && i < n; i++)
		if (!strcmp(dg->code, codes[i]))
			return 1;
	return 0;
}

void changes_filter(const changes_t *c, site_t *s)
{
	static const char *const link_codes[] = {"broken-link", "broken-anchor", "related-missing", "link-to-draft",
						 "link-excluded"};
	static const char *const missing_codes[] = {"broken-link", "related-missing", "runbook-url"};
	/* positions ("path:line:col") of links to a changed page */
	map_t links_changed = MAP_INIT;
	for (size_t i = 0; i < s->npages; i++) {
		const site_page_t *p = &s->pages[i];
		for (size_t j = 0; j < p->nlinks; j++) {
			long t = p->links[j].target;
			if (t >= 0 && (size_t)t < s->npages && changes_has(c, s->pages[t].src)) {
				char *key = xasprintf("%s:%d:%d", p->src, p->links[j].line, p->links[j].col);
				map_put(&links_changed, key, NULL);
				free(key);
			}
		}
	}
	/* names of deleted pages */
	map_t deleted_stems = MAP_INIT;
	for (size_t i = 0; i < c->ndeleted; i++) {
		char *stem = page_stem(c->deleted[i]);
		if (stem)
			map_put(&deleted_stems, stem, NULL);
		free(stem);
	}
	diag_list_t *l = &s->diags;
	pthread_mutex_lock(&l->lock);
	size_t w = 0;
	for (size_t i = 0; i < l->len; i++) {
		diag_t *dg = &l->items[i];
		int keep = changes_has(c, dg->file);
		if (!keep && links_changed.len && is_code(dg, link_codes, sizeof link_codes / sizeof *link_codes)) {
			char *key = xasprintf("%s:%d:%d", dg->file, dg->line, dg->col);
			keep = map_get(&links_changed, key, NULL);
			free(key);
		}
		if (!keep && deleted_stems.len && is_code(dg, missing_codes, 3) && dg->message) {
			char *stem = message_stem(dg->message);
			keep = stem && map_get(&deleted_stems, stem, NULL);
			free(stem);
		}
		if (keep) {
			l->items[w++] = *dg;
		} else {
			free(dg->file);
			free(dg->code);
			free(dg->message);
		}
	}
	l->len = w;
	pthread_mutex_unlock(&l->lock);
	map_free(&links_changed);
	map_free(&deleted_stems);
}

/* The first changed or deleted path matching `glob`, or NULL. */
static const char *watched_change(const changes_t *c, const char *glob)
{
	const char *best = NULL;
	for (size_t i = 0; i < c->nchanged; i++) {
		const char *k = c->changed_paths[i];
		if (hist_glob_match(glob, k) && (!best || strcmp(k, best) < 0))
			best = k;
	}
	for (size_t i = 0; i < c->ndeleted; i++)
		if (hist_glob_match(glob, c->deleted[i]) && (!best || strcmp(c->deleted[i], best) < 0))
			best = c->deleted[i];
	return best;
}

void changes_freshness(const changes_t *c, site_t *s)
{
	for (size_t i = 0; i < s->npages; i++) {
		const site_page_t *p = &s->pages[i];
		const site_fresh_t *f = &p->fresh;
		if (p->draft && !s->opts.drafts)
			continue;
		if (changes_has(c, p->src)) {
			if (f->status != FRESH_STALE)
				continue;
			if (dating_basis_reviewed(&s->cfg, p) && !p->fm.reviewed)
				diag_add(&s->diags, DIAG_WARNING, p->src, 1, 1, "stale-changed",
					 "page changed but has no 'reviewed:' date, so it stays stale (freshness.basis: "
					 "reviewed); add 'reviewed: <today>' if this change is a review");
			else if (dating_basis_reviewed(&s->cfg, p))
				diag_add(&s->diags, DIAG_WARNING, p->src, 1, 1, "stale-changed",
					 "page changed but its review is overdue by %d days (reviewed %d days ago, "
					 "interval %d days); update '%s' if this change is a review",
					 -f->due_in_days, f->age_days, f->interval_days,
					 val_map_get(p->fm.raw, "reviewed") ? "reviewed:" : "last_reviewed_on:");
			else
				diag_add(&s->diags, DIAG_WARNING, p->src, 1, 1, "stale-changed",
					 "page changed but still stale: its last counting commit is %d days old "
					 "(interval %d days; ignored commits and authors do not count)",
					 f->age_days, f->interval_days);
			continue;
		}
		for (size_t k = 0; k < p->fm.nwatches; k++) {
			const char *path = watched_change(c, p->fm.watches[k]);
			if (!path)
				continue;
			const val_t *v = p->fm.raw ? val_map_get(p->fm.raw, "watches") : NULL;
			int line = v ? v->line : 1, col = v ? v->col : 1;
			if (v && v->type == VAL_LIST && k < v->len) {
				line = v->items[k]->line;
				col = v->items[k]->col;
			}
			diag_add(&s->diags, DIAG_WARNING, p->src, line, col, "watch-changed",
				 "'%s', which this page watches, changed since %.7s; review the page (it is flagged "
				 "drifted %d business days after the change is committed)",
				 path, c->base, s->cfg.drift_grace_days);
			break;
		}
	}
}

void changes_to_site_paths(changes_t *c, const site_t *s, int source)
{
	changes_t out;
	memset(&out, 0, sizeof out);
	memcpy(out.base, c->base, sizeof out.base);
	for (size_t i = 0; i < c->nchanged; i++) {
		char *sp = sitesrc_site_path(s, source, c->changed_paths[i]);
		add_changed(&out, sp);
		free(sp);
	}
	for (size_t i = 0; i < c->ndeleted; i++) {
		char *sp = sitesrc_site_path(s, source, c->deleted[i]);
		add_deleted(&out, sp);
		free(sp);
	}
	changes_free(c);
	*c = out;
}

void changes_free(changes_t *c)
{
	if (!c)
		return;
	map_free(&c->changed);
	for (size_t i = 0; i < c->nchanged; i++)
		free(c->changed_paths[i]);
	free(c->changed_paths);
	for (size_t i = 0; i < c->ndeleted; i++)
		free(c->deleted[i]);
	free(c->deleted);
	memset(c, 0, sizeof *c);
}
