/* dating.h - dates every page: the history walk (history.h) applied to the
 * site's pages with the freshness policy (prefix dating_).
 *
 * The walk runs on its own thread while the Markdown is rendered. Status
 * rules (PRODUCT.md "Freshness"): age = now - last counting commit (or the
 * `reviewed` date with freshness.basis: reviewed); fresh when age <=
 * interval - due window, due within the window, stale beyond the interval,
 * uncommitted when the file has uncommitted changes or is untracked, unknown
 * without history (a shallow clone's boundary, --no-git-dates). A page whose
 * every commit is ignored (ignored authors such as bots, ignore-revs) was
 * never reviewed by a person: stale, with `unreviewed` set and no age. The due
 * window is freshness.due_window (default 30 days), capped at half the
 * interval. A page is drifted when a path matching its `watches:` changed in
 * a commit newer than the page's last commit and more than
 * freshness.drift_grace_days business days (Mon-Fri) have passed since that
 * change without the page being updated (the blueprints' KPI: docs updated
 * within 5 business days of a material change). */
#ifndef ALMANAC_DATING_H
#define ALMANAC_DATING_H

#include <stdint.h>

#include "history.h"
#include "site.h"

typedef struct dating dating_t;

/* Start the history walk for the pages of `s` on a thread (the status of the
 * work tree follows on the same thread; it opens its own repository handle
 * from s->root). *out is freed by dating_finish. Returns 0. */
int dating_start(dating_t **out, site_t *s);
/* Wait for the walk and fill every page's `fresh`, `old_paths`, and the
 * site's head/branch/shallow/ignored counts. Keeps the history in s->hist
 * (freed by dating_release). The work tree's status (uncommitted pages) is
 * read on the walk's thread too. With ALMANAC_TIMING set, prints the walk's
 * and the status's own wall/CPU ms ("  history: ...") to stderr. Frees dt. */
void dating_finish(dating_t *dt, site_t *s);
/* Without history (--no-git-dates): reads the work tree's status on a thread
 * (its own repository handle, opened from s->root) while the Markdown is
 * rendered; dating_finish(*out, s) then marks every page unknown, except
 * uncommitted ones (by hist_worktree_status, the rule the walk's thread
 * applies too), and frees *out. Returns 0. */
int dating_start_status(dating_t **out, site_t *s);
/* Free s->hist and every source's history. */
void dating_release(site_t *s);
/* The history of the repository page `p` comes from (the hub's s->hist, or its
 * source's), NULL without one; look the page up in it by site_page_repo_path. */
struct hist *dating_hist_of(const site_t *s, const site_page_t *p);
/* A page's review interval in days: its review_interval, else its repository's
 * configured interval for its criticality or type (site_source_cfg). */
int dating_page_interval(const site_t *s, const site_page_t *p);
/* The freshness of page `p` from its commit facts already in p->fresh (has_commit, commit_time) and
 * its history entry `e` (NULL: none), by its repository's settings (site_source_cfg): sets the
 * interval, basis, status, age, due days and `unreviewed`. The one rule of a full build and of
 * serve's re-read pages (incremental.c). */
void dating_page_status(const site_t *s, site_page_t *p, const hist_entry_t *e);
/* 1 when page `p` is dated by its `reviewed` date, not its last commit: the
 * config `cfg` (its repository's) says freshness.basis: reviewed, or sets no
 * basis and the page's layout dates it by its review (fm.review_dated: a
 * Tech Docs last_reviewed_on). */
int dating_basis_reviewed(const config_t *cfg, const site_page_t *p);
/* dating_status with the due window of `cfg` (a source's own configuration). */
site_status_t dating_status_cfg(const config_t *cfg, int64_t basis, int64_t now, int interval, int *age,
				int *due_in);
/* Status of a page whose basis time is `basis` (not 0) at `now` with `interval` days and the
 * site's due window, by freshness.c's policy (fresh_status); sets *age and *due_in (days). */
site_status_t dating_status(const site_t *s, int64_t basis, int64_t now, int interval, int *age, int *due_in);

#endif
