/* incstat.h - what `almanac serve` says about a rebuild (prefix incstat_).
 *
 * Private to the serve engine (gen/inc*.c; see incstate.h). Judges a
 * rebuild's diagnostics against those of the first build ("new" ones are
 * counted per file, code and message: moving a problem to another line is not
 * new), keeps the page's own diagnostics in step when a page is re-read, and
 * writes the status: the JSON the server gives to /__almanac/status and to
 * events (incremental.h lists its fields) and the line on the terminal.
 *
 * Ownership: the diagnostic lists are the caller's; functions that remove
 * items free them. */
#ifndef ALMANAC_INCSTAT_H
#define ALMANAC_INCSTAT_H

#include <stddef.h>

#include "diag.h"
#include "incremental.h"

/* 1 when `a` and `b` are the same diagnostic (position, severity, file, code, message). */
int incstat_diag_same(const diag_t *a, const diag_t *b);
/* "path:line:col: severity: message"; the caller frees it. */
char *incstat_diag_line(const diag_t *d);
/* Remove from `l` one item equal (incstat_diag_same) to each item of `rm`. */
void incstat_remove_each(diag_list_t *l, const diag_list_t *rm);
/* Remove from `l` the diagnostics recomputed for the whole site after every change
 * (broken-anchor, orphan, shortcode: links_finish, links_orphans, site_shortcode_warnings). */
void incstat_drop_graph(diag_list_t *l);
/* Remove from `l` the runbook_url checks' diagnostics (runbook-url*: runbookurl_check), made
 * again when a page they lead to changed (the headings they name are its content). */
void incstat_drop_runbook_urls(diag_list_t *l);
/* Remove from `l` the load problems of `file` (encoding, binary, too-large, unreadable:
 * site.c's load_page), which a replay of the page's checked text cannot reproduce. */
void incstat_drop_load(diag_list_t *l, const char *file);
/* Append a copy of every item of `src` to `dst`. */
void incstat_copy(diag_list_t *dst, const diag_list_t *src);
/* Remember `l` as the first build's diagnostics (the baseline). */
void incstat_baseline_set(inc_t *inc, const diag_list_t *l);
/* Set isnew[i] (l->len bytes) to 1 for each diagnostic of `l` the baseline did not have
 * (as many of a kind as the baseline had are old). Returns the count of new errors. */
size_t incstat_new(inc_t *inc, const diag_list_t *l, unsigned char *isnew);
/* Give the status of the last rebuild to the server (when attached; `notify`: with an
 * event), and with `print` write its line and its new diagnostics to stderr. Uses and
 * clears inc->isnew when it was computed (settle) for the diagnostics it reports. */
void incstat_update(inc_t *inc, int print, int notify);

#endif
