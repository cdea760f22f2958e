/* incverify.h - the verify option of the serve engine (prefix incverify_).
 *
 * Private to the serve engine (gen/inc*.c; see incstate.h). With
 * inc_opts_t.verify (`almanac serve` with ALMANAC_SERVE_VERIFY set, not 0),
 * every incremental rebuild is checked (once its search index is out too):
 * the same input is loaded and rendered from scratch into a folder under the
 * work folder, and the served site must have the same files with the same
 * bytes, and the model the same diagnostics. Differences are printed to
 * stderr ("almanac serve: verify: ...", at most 10 files and 5 diagnostics
 * each way) and counted in inc->verify_mismatches, which the status reports.
 * Slow by design: for tests and for hunting bugs. */
#ifndef ALMANAC_INCVERIFY_H
#define ALMANAC_INCVERIFY_H

#include "incremental.h"

/* Compare the served site (srv_root of inc->srv, which must be attached) and
 * inc->s's diagnostics (sorted again here) with a full build of the same
 * input; add the differences to inc->verify_mismatches. Skipped when more
 * changes are pending in the watcher (the next rebuild verifies). Frees
 * inc->isnew (the diagnostics' order changes). */
void incverify_run(inc_t *inc);

#endif
