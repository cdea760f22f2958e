/* incremental.h - the rebuild engine behind `almanac serve` (prefix inc_).
 *
 * Keeps the loaded site (site_t) between rebuilds and turns batches of file
 * changes (watch.h) into new versions of the served site:
 *   - a change to almanac.yml, the alert catalog, the ignore-revs file, a
 *     .gitignore, the theme, Git's HEAD or branches, or a page or asset that
 *     appeared or disappeared reloads and renders everything (a "full"
 *     rebuild) into a new folder;
 *   - a change to the content of existing pages re-reads those pages only,
 *     recomputes what depends on them (backlinks, anchors, orphans,
 *     freshness of the page, the runbook_url checks: the headings they name) and renders only the outputs whose bytes can
 *     change: the pages themselves, the pages listing them (link targets
 *     showing backlinks, related lists, the owner's role page, the folder's
 *     section page, alert and redirect pages, and every sidebar showing the
 *     page when its title changed), the search index, the freshness report
 *     and JSON, the sitemap, 404 and search pages. A change of a page's
 *     type, aliases, related, alerts or watches (or of draft when drafts are
 *     hidden) reloads everything;
 *   - a changed asset is copied again.
 * The result is byte-identical to a full build of the same input (the
 * verify option checks it after every incremental rebuild).
 *
 * Publishing: every rebuild that renders is published, also when its
 * diagnostics include errors that the first build did not have (compared by
 * file, code and message): the status lists those new problems ("ok" is
 * false) and the page shows them over the edit. Only a rebuild that cannot
 * load or render the site keeps the last site served ("message" says why).
 * Updates reach the server atomically (serve.h's write lock):
 * a full rebuild swaps the site folder, an incremental one renames its
 * files into place.
 *
 * Status (given to the server for /__almanac/status and events): a JSON
 * object {"seq", "build", "ok", "kind", "ms", "rendered", "errors",
 * "warnings", "new": [...], "diagnostics": [...], "changed": [...],
 * "verify_mismatches"} where diagnostics are "path:line:col: severity:
 * message" strings; "new" lists those the first build did not have.
 *
 * The engine is split by concern over gen/inc*.c (incstate.h lists the files
 * and holds the state they share); this header is the whole interface. */
#ifndef ALMANAC_INCREMENTAL_H
#define ALMANAC_INCREMENTAL_H

#include "serve.h"
#include "site.h"
#include "watch.h"

typedef struct inc inc_t;

typedef struct {
	site_opts_t site;       /* options of every load (the caller sets serve and drafts) */
	int fixed_now;          /* 1 when site.now was given (--now); else each full load reads the clock */
	const char *work_dir;   /* private folder for site folders and staging (absolute, existing) */
	int verify;             /* after every incremental rebuild, build everything and compare */
} inc_opts_t;

/* Load and render the site a first time into a new folder under work_dir.
 * Returns 0, or the negative code of site_load/render_site (diagnostics
 * printed to stderr); *out is then NULL. */
int inc_open(inc_t **out, const inc_opts_t *o);
/* The folder of the first build (absolute; owned by `inc` until
 * inc_attach). */
const char *inc_first_dir(const inc_t *inc);
/* From now on, publish through `srv` (which was started on inc_first_dir()
 * and now owns that folder) and report status to it. */
void inc_attach(inc_t *inc, srv_t *srv);
/* Start watching everything the site is made from. Returns 0 or -1 (errno set). */
int inc_watch(inc_t *inc);
/* The watcher (NULL before inc_watch). Borrowed. */
watch_t *inc_watcher(inc_t *inc);
/* Handle one batch of changes: classify, rebuild, publish or hold, update
 * the status, print a line (and new diagnostics) to stderr. Returns 0. */
int inc_handle(inc_t *inc, const watch_batch_t *b);
/* 1 when work is left after the last rebuild (the search index of an
 * incremental rebuild is brought up to date after its pages are published,
 * so that the reload does not wait for it). */
int inc_busy(const inc_t *inc);
/* Do that work: rebuild the search index, publish it (under the same rule:
 * not while new errors stand), update the status without a reload event. */
void inc_idle(inc_t *inc);
/* Number of page outputs the last rebuild rendered (tests, benchmarks). */
size_t inc_last_rendered(const inc_t *inc);
/* Free everything and delete the folders under work_dir that `inc` still
 * owns (not the served one). Accepts NULL. */
void inc_close(inc_t *inc);

#endif
