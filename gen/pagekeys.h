/* pagekeys.h - what a page file is rendered from, as one digest made without its context (prefix pkeys_).
 *
 * A page file (render.c) is a pure function of the templates, the site's
 * context and the page's context; pagefiles.h keeps the last build's context
 * digest of every page file, so an unchanged page is not written again. But
 * building 20,000 contexts to digest them is most of a rebuild. A page's
 * *input digest* is made from what its context is built from, without
 * building it:
 *   - the page's own fields: front matter (the whole map), title, type,
 *     owner, tags, alerts, its HTML, headings, words, features, freshness,
 *     draft, its repository's web address settings;
 *   - the link view of every page it shows (related pages, pages linking to
 *     it, a role's runbooks, its owner's role page): title, URL, type,
 *     status, criticality, description, owner, and where it lives;
 *   - its folder's navigation: the entries of every folder from the home to
 *     its own (the sidebar and breadcrumbs), and for an index page the
 *     entries its section lists (with their status, description, counts).
 * Two builds with the same site context (pagefiles.h's identity) and the
 * same input digest for a page give its context the same digest: the file
 * is kept without its context being built. What the digest covers is checked
 * by the verify mode (ALMANAC_VERIFY_KEPT=1 in the environment: every page
 * kept by its input digest is given its context anyway, and a context that
 * differs from the last build's is an error) under the equivalence test's
 * random changes. */
#ifndef ALMANAC_PAGEKEYS_H
#define ALMANAC_PAGEKEYS_H

#include <stddef.h>
#include <stdint.h>

#include "map.h"
#include "nav.h"
#include "site.h"

typedef struct pkeys pkeys_t;

/* What a page shows of the pages around it, as render.c finds them. */
typedef struct {
	const map_t *role_by_slug; /* role slug -> page index (published role pages) */
	const size_t *owned_at;    /* role page j's runbooks: owned[owned_at[j] .. owned_at[j + 1]) */
	const long *owned;
} pkeys_rel_t;

/* Digest the link view of every page and the navigation of every folder of
 * `s` (the tree `n`) on `jobs` threads. `s`, `n` and `rel`'s arrays must
 * outlive the result. Caller frees with pkeys_free. */
pkeys_t *pkeys_new(const site_t *s, const nav_t *n, const pkeys_rel_t *rel, int jobs);
/* Free; accepts NULL. */
void pkeys_free(pkeys_t *k);
/* The input digest of page `idx` rendered with template `layout`. Thread-safe. */
void pkeys_page(const pkeys_t *k, long idx, const char *layout, uint64_t out[2]);
/* The input digest of the generated section page of folder `f` (template `layout`). Thread-safe. */
void pkeys_folder(const pkeys_t *k, long f, const char *layout, uint64_t out[2]);
/* The input digest of a redirect page at the site URL `from` to the page at
 * `to` (at its heading `fragment`, may be NULL) titled `title`, rendered with
 * template `layout` (render.c write_redirect). Thread-safe. */
void pkeys_redirect(const char *layout, const char *from, const char *to, const char *fragment, const char *title,
		    uint64_t out[2]);
/* The input digest of the page of alert `a` at `from` (template `layout`:
 * its list of runbooks, or the redirect to its one runbook at its heading
 * `anchor`, may be NULL), whose first breadcrumb is `home_title` (may be
 * NULL): the alert's name, summary and the link view of each runbook.
 * Thread-safe. */
void pkeys_alert(const pkeys_t *k, const char *layout, const char *from, const site_alert_t *a, const char *anchor,
		 const char *home_title, uint64_t out[2]);
/* 1 when the environment asks every page kept by its input digest to be checked (ALMANAC_VERIFY_KEPT=1). */
int pkeys_verify(void);

#endif
