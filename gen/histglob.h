/* histglob.h - matching watch globs against repository paths (hist_glob_match in history.h).
 *
 * The syntax is history.h's ("Glob syntax"): '/'-separated segments, `*`,
 * `?`, `[...]` and backslash escapes inside a segment, `**` as a whole
 * segment for any number of segments, and a pattern also matches everything
 * below a folder it names. Matching is a dynamic program over segments
 * (at most 64 each side), so no glob can take exponential time. This file
 * defines hist_glob_match(); it has no other public function. */
#ifndef ALMANAC_HISTGLOB_H
#define ALMANAC_HISTGLOB_H

#include "history.h"

#endif
