/* histstatus.h - the work tree's status: which pages have uncommitted changes
 * (hist_worktree_status in history.h; no other public function).
 *
 * The first lookup reads the status of the whole work tree once through
 * libgit2 (index and work tree, untracked files included, .gitignore
 * honoured, submodules excluded) into a map path -> HIST_MODIFIED /
 * HIST_UNTRACKED / HIST_IGNORED; a path not in the map is HIST_CLEAN when the
 * index has it, else HIST_IGNORED or HIST_CLEAN by the ignore rules. When the
 * status cannot be read, lookups answer from the index and the ignore rules. */
#ifndef ALMANAC_HISTSTATUS_H
#define ALMANAC_HISTSTATUS_H

#include "history.h"

#endif
