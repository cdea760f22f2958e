/* pathmatch.h - glob patterns over '/'-separated relative paths (prefix pathmatch_).
 *
 * The one glob matcher: `alert_rules:` globs, CODEOWNERS patterns and the
 * history's `watches:` (hist_glob_match is pathmatch_glob_or_below). A
 * pattern is split into segments at '/'; within a segment '*', '?', '[...]'
 * ('!' or '^' negates, ranges a-z) and '\x' match as in fnmatch(3) and never
 * match '/'; a segment that is exactly
 * "**" matches any number of whole segments (none included). Empty segments
 * and "." are ignored on both sides. Bounded: a pattern or path of more than
 * PATHMATCH_MAX_SEGS segments never matches, and matching takes time
 * proportional to pattern segments x path segments (no backtracking blow-up
 * with many "**"). */
#ifndef ALMANAC_PATHMATCH_H
#define ALMANAC_PATHMATCH_H

#define PATHMATCH_MAX_SEGS 64

/* 1 when `path` matches `pattern` as a whole (both relative, no leading '/'). */
int pathmatch_glob(const char *pattern, const char *path);
/* 1 when `path` matches `pattern` or lies below a path that does
 * (pattern "docs/x*" matches "docs/x1/b.md" through "docs/x1"). */
int pathmatch_glob_or_below(const char *pattern, const char *path);
/* 1 when `s` contains a glob metacharacter ('*', '?', '['). */
int pathmatch_has_magic(const char *s);

#endif
