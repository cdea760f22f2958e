/* histignore.h - which commits do not count as a page's last change (prefix hignore_).
 *
 * PRODUCT.md: commits listed in the ignore-revs file (default
 * `.git-blame-ignore-revs`: 40-hex ids, '#' comments, blank lines) and
 * commits whose author name or e-mail matches an ignored-author pattern
 * (PCRE2, unanchored) do not count; the search goes on down the page's
 * history. Problems with either setting are diagnostics (warnings for the
 * file, errors for a pattern that does not compile) and the walk goes on
 * without the bad part. */
#ifndef ALMANAC_HISTIGNORE_H
#define ALMANAC_HISTIGNORE_H

#include "histpriv.h"

/* Read the ignore-revs file named by `o` (see hist_opts_t.ignore_revs_file)
 * into h->ign_revs, sorted. Unreadable explicit file, malformed lines:
 * warnings in `d`. */
void hignore_load_revs(hist_t *h, const hist_opts_t *o, diag_list_t *d);

/* Compile `o`'s ignored-author patterns into h->ign_re; a pattern that does
 * not compile is an error in `d` ("bad-pattern") and is left out. */
void hignore_load_authors(hist_t *h, const hist_opts_t *o, diag_list_t *d);

/* N_IGN_REV, N_IGN_AUTHOR or 0 for node `n` (computed once per node and
 * walk; the author patterns once per distinct name or e-mail). */
uint32_t hignore_node(hist_t *h, cnode_t *n);

#endif
