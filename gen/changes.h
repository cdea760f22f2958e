/* changes.h - the files changed since a revision, for `almanac check
 * --changed-since REV` on pull requests (prefix changes_).
 *
 * "Changed since REV" means: the difference between the tree of the merge
 * base of REV and HEAD (what GitHub shows for a pull request, `git diff
 * REV...HEAD`; REV itself when there is no merge base, e.g. in a shallow
 * clone) and the working tree, through the index: commits since then, staged
 * and unstaged edits and untracked (not ignored) files. Read with libgit2
 * only. Renames are not detected: a renamed file counts as its new path
 * changed and its old path deleted.
 *
 * changes_filter() then keeps only the diagnostics a pull request is
 * responsible for (see its comment). */
#ifndef ALMANAC_CHANGES_H
#define ALMANAC_CHANGES_H

#include "diag.h"
#include "map.h"
#include "site.h"

typedef struct {
	map_t changed;        /* repo-relative paths added, modified or untracked (values unused) */
	char **changed_paths; /* the same paths, in diff order (owned) */
	size_t nchanged;
	char **deleted;       /* repo-relative paths that existed at the base and are gone (owned) */
	size_t ndeleted;
	char base[41];        /* the commit compared against (merge base or REV) */
} changes_t;

/* Compute the paths changed since `rev` (any revision git understands:
 * "origin/main", a sha, "HEAD~3") in the work tree containing `root`. On
 * failure (REV cannot be resolved, no repository) adds a diagnostic with code
 * "changed-since" to `d` and returns -1 (a usage problem: exit 2); else 0.
 * `c` must be freed with changes_free() in both cases. */
int changes_since(changes_t *c, const char *root, const char *rev, diag_list_t *d);

/* 1 when the repo-relative `path` was added, modified or is untracked. */
int changes_has(const changes_t *c, const char *path);

/* Drop from s->diags every diagnostic the change set is not responsible for.
 * A diagnostic is kept when
 *   - its file changed (a page, almanac.yml, the alert catalog, ...), or
 *   - it is a link finding (broken-link, broken-anchor, related-missing,
 *     link-to-draft, link-excluded) at the position of a link to a changed
 *     page (e.g. a heading renamed in the pull request breaks an anchor
 *     elsewhere), or
 *   - it is a broken-link / related-missing finding, or a rule's broken
 *     runbook-url (a pull request that deletes a runbook breaks the alert's
 *     link), and the link's target names a page deleted (or renamed away)
 *     since REV: the quoted target's last segment, without a trailing "/"
 *     or a page extension (".html.md.erb", ".html.md", ".md.erb", ".md",
 *     ".html"), equals the deleted page's file name without its page
 *     extension (or its folder's name for an index page: index, README,
 *     _index), compared ignoring ASCII case (Hugo lower-cases URLs).
 * Findings on other pages (old problems) are dropped. */
void changes_filter(const changes_t *c, site_t *s);

/* Add the freshness findings of the change set to s->diags (warnings; call
 * after changes_filter):
 *   - "stale-changed": a changed page that is still stale (with
 *     freshness.basis: reviewed, an edit without a new `reviewed:` date; or a
 *     change by an ignored author or commit);
 *   - "watch-changed": a page that was not changed although a path its
 *     `watches:` names was changed or deleted since REV (the page describes
 *     that code: review it in the same pull request, or it will be flagged
 *     drifted after freshness.drift_grace_days business days), at the
 *     position of its `watches:` key.
 * Drafts are skipped unless --drafts. */
void changes_freshness(const changes_t *c, site_t *s);

/* Turn the paths of `c`, computed in the repository of source `source`
 * (1-based, s->sources) by changes_since on its work tree, into site paths
 * ("docs/runbooks/x.md" -> "payments/x.md"); paths that source does not
 * publish are dropped. For `check --changed-since NAME:REV`. */
void changes_to_site_paths(changes_t *c, const site_t *s, int source);
/* Free what `c` owns; accepts a zeroed changes_t. */
void changes_free(changes_t *c);

#endif
