/* cilog.h - text for CI logs that no CI reads as a command (prefix cilog_).
 *
 * CI systems scan a job's output for commands: GitHub Actions runs a line
 * whose first non-blank characters are "::" (`::stop-commands::`,
 * `::add-mask::`, `::error file=...::`) and "##[command]" anywhere in a line;
 * Azure Pipelines runs "##vso[...]" anywhere; TeamCity "##teamcity[...]".
 * File names, titles, owners and link targets in Almanac's text output come
 * from the repository, so they are written through these functions:
 *
 *  - "##" followed by '[' or a letter is written "#\x23" (the escape the
 *    text output already uses for control bytes);
 *  - a line whose first non-blank characters are "::" gets its first ':'
 *    written "\x3a".
 *
 * Ordinary text ("## Steps", "a::b" inside a line) is unchanged. */
#ifndef ALMANAC_CILOG_H
#define ALMANAC_CILOG_H

#include <stddef.h>

#include "buf.h"

/* Append `s` to `out` with every "##[" / "##letter" escaped (for a piece of a line). */
void cilog_put(buf_t *out, const char *s, size_t n);
/* Rewrite the lines of `b` (in place) so that none starts with "::" after
 * blanks and no "##[" / "##letter" is left. */
void cilog_lines(buf_t *b);

#endif
