/* suggest.h - "did you mean" helpers (prefix suggest_). */
#ifndef ALMANAC_SUGGEST_H
#define ALMANAC_SUGGEST_H

#include <stddef.h>

/* Levenshtein distance between two byte strings, capped: returns cap+1 as soon
 * as the distance is known to exceed `cap`. Case-sensitive. */
size_t suggest_distance(const char *a, const char *b, size_t cap);
/* The candidate closest to `word` within `maxdist` edits (ties: first in
 * order), or NULL. Borrowed from `cands`. */
const char *suggest_closest(const char *word, const char *const *cands, size_t n, size_t maxdist);

#endif
