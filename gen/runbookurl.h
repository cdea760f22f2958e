/* runbookurl.h - every alert rule's runbook_url checked against the site (prefix runbookurl_).
 *
 * A rule's `annotations.runbook_url` that starts with base_url (http and
 * https alike, the host ignoring case) or is relative points into this site
 * and must be one of its published URLs (alerts_site_path gives the site
 * path; "x/y", "x/y/" and "x/y/index.html" are one address):
 *   - a page, a folder's section page, an asset, or alerts/<Name>/ of an
 *     alert with a runbook: fine (SITE_RB_OK);
 *   - a redirect (a page's `aliases:` or its old path before a git rename):
 *     it works, but it names an old address: warning `runbook-url-moved` with
 *     the address to use (SITE_RB_MOVED);
 *   - anything else: error `runbook-url` at the value's line and column in
 *     the rule file, with "did you mean" the alert's own alerts/<Name>/ when
 *     it has a runbook, else the nearest published URL (SITE_RB_BROKEN).
 * Other URLs are not checked (SITE_RB_EXTERNAL). A rule (not a catalog
 * entry) without runbook_url whose alert has a runbook gets the warning
 * `runbook-url-missing` with the URL to add (SITE_RB_MISSING).
 *
 * A runbook_url that shows a page's Markdown file on its repository's forge
 * (forgepages.h: GitHub, GitLab, Gitea, Bitbucket file views of the hub or a
 * source) leads to that page: a note `runbook-url-forge` with the page's
 * address on the site (SITE_RB_FORGE); a file view of no page, or of a
 * renamed file, is an error `runbook-url` (SITE_RB_BROKEN, the renamed
 * page suggested). A fragment, on a site URL of a page or a forge URL,
 * must name a heading or id of the page (links.h): else error `runbook-url`
 * with the nearest heading (SITE_RB_BROKEN, anchor_missing).
 *
 * The published URLs are the site's final list: pages, folders' section
 * pages (nav.h), assets, the redirects the build writes (links_redirect_url)
 * and the alerts/<Name>/ pages. */
#ifndef ALMANAC_RUNBOOKURL_H
#define ALMANAC_RUNBOOKURL_H

#include "site.h"

/* Check every rule of s->rules (after links_resolve_front_matter and the
 * dating: aliases and old paths are final), filling s->rbchecks (one per
 * rule, in rule order) and adding the diagnostics above. Returns 0. */
int runbookurl_check(site_t *s);
/* 1 when a rule's runbook_url points into the site at neither a page's
 * address nor alerts/<Name>/: it may be the old address of a renamed page,
 * which only the history walk knows (check then walks it). Call after
 * alerts_build. */
int runbookurl_needs_history(const site_t *s);
/* The absolute URL a rule should carry for site path `site_url` under
 * `base_url` (a '/' added between them when missing; the path
 * percent-encoded where a URL needs it: '%', '>', spaces...). Caller frees. */
char *runbookurl_absolute(const char *base_url, const char *site_url);
/* The address check `c` suggests (c->suggest, with its heading
 * c->suggest_fragment), absolute under `base_url` when that is not empty,
 * else site-relative; NULL when there is none. Caller frees. */
char *runbookurl_suggestion(const site_rbcheck_t *c, const char *base_url);
/* Free s->rbchecks. */
void runbookurl_free(site_t *s);

#endif
