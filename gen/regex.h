/* regex.h - the configuration's regular expressions, bounded (prefix rx_).
 *
 * Patterns in almanac.yml (`exclude`, `freshness.ignore_authors`) come from
 * the repository, so a pull request can write one that backtracks
 * catastrophically, such as `(a+)+$` or `(.*a){20}`. PCRE2 counts its
 * backtracking: every match made through rx_match_context() stops after
 * RX_MATCH_LIMIT steps or RX_DEPTH_LIMIT nested backtracking points with
 * PCRE2_ERROR_MATCHLIMIT / PCRE2_ERROR_DEPTHLIMIT, which the caller reports
 * as a configuration error at the pattern (once). rx_check also tries each
 * pattern on a subject made of its own characters when it is loaded, so the
 * usual catastrophic shapes are refused before any file is matched. */
#ifndef ALMANAC_REGEX_H
#define ALMANAC_REGEX_H

#include <pcre2.h>
#include <stddef.h>

/* backtracking steps one match may take (PCRE2's default is 10,000,000) */
#define RX_MATCH_LIMIT 1000000
/* nested backtracking points (PCRE2's default is as many as steps) */
#define RX_DEPTH_LIMIT 10000
/* the options every configuration pattern is compiled with */
#define RX_COMPILE_OPTIONS (PCRE2_UTF | PCRE2_MATCH_INVALID_UTF)

/* The shared match context with the limits (read-only, safe from any thread). */
pcre2_match_context *rx_match_context(void);
/* 1 when `rc` (a pcre2_match result) means a limit stopped the match. */
int rx_limit_hit(int rc);
/* Compile `pattern` with RX_COMPILE_OPTIONS and try it as described above.
 * Returns the code (caller frees with pcre2_code_free), or NULL with a
 * message in *why (malloc'd, caller frees) and the byte offset of the problem
 * in the pattern in *offset (0 when it is the pattern as a whole). */
pcre2_code *rx_compile(const char *pattern, char **why, size_t *offset);

#endif
