/* histresults.h - the last walk's answers, stored: `history-results` (prefix hresults_).
 *
 * The final answers of a walk are written beside the facts cache
 * (<dir>/history-results) together with everything they depend on besides
 * the Git objects (the key): HEAD, the replace refs and grafts (their
 * digest, histgraft.h), the page paths and watch globs in the
 * order asked, the ignore-revs ids, the ignored-author patterns and the
 * date-source / since / all_old_paths / freshness.count settings (with the
 * canonical form's version, `since` and the points when cosmetic commits are
 * looked for: they decide which changes were compared). A later walk that asks the
 * same question of the same HEAD maps the file and points the answers into it
 * instead of replaying the commits; any difference in the key means the
 * facts are replayed as usual. Never written for a shallow clone or when a
 * commit was missing: those answers can change when objects arrive without
 * HEAD moving.
 *
 * Layout (histfile.h's framing, magic "ALMHRES\0"): magic, version, ABI tag,
 * payload length, payload, checksum. The payload starts with the events of
 * every page as an array of hist_event_t in this machine's layout (the ABI
 * tag and a byte-order marker reject a file from another architecture), so
 * that a warm walk reads no event one by one; then the key, the commits, the
 * pages, the watches and the ignored counts. */
#ifndef ALMANAC_HISTRESULTS_H
#define ALMANAC_HISTRESULTS_H

#include "histpriv.h"

/* Read h->res_path: 1 when it answers this walk (h->entries and the watches'
 * public views are then filled, pointing into the mapped file, and
 * stats.results_cached is set), 0 otherwise: no file, another key, or a file
 * rejected as corrupt (stats.results_rejected; nothing is left applied). */
int hresults_load(hist_t *h, const hist_opts_t *o);

/* 1 when the walk just done may be stored: not shallow, HEAD born, no page
 * truncated, no commit missing or at a shallow boundary. */
int hresults_storable(const hist_t *h);

/* Write the walk just done (public views filled) to h->res_path atomically;
 * sets stats.results_written on success. */
void hresults_write(hist_t *h, const hist_opts_t *o);

/* Unmap a loaded table and free what points into it (the entries' old paths). */
void hresults_free(hist_t *h);

#endif
