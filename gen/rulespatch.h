/* rulespatch.h - the runbook_url annotations to add or fix, as a patch (prefix rulespatch_).
 *
 * `almanac report --format rules-patch [--base-url URL]` prints a unified
 * diff of the rule files that `git apply` (or `patch -p1`) applies from the
 * folder the paths are relative to (the repository root for alert_rules:,
 * the current folder for --alert-rules paths as given):
 *   - a rule whose alert has a runbook and no runbook_url gets
 *     `runbook_url: <base_url>alerts/<Name>/` in its annotations (the
 *     annotations: mapping is added when the rule has none), indented like
 *     the file;
 *   - a runbook_url that leads nowhere (runbookurl.h, broken) is replaced by
 *     the alert's alerts/<Name>/ address when the alert has a runbook;
 *   - one that names an old address (moved) is replaced by the alert's
 *     address, else the page's current one;
 *   - one that shows a page's Markdown file on its repository's forge
 *     (forgepages.h) is replaced by that page's own address, at the heading
 *     the URL names (so that the rule keeps making the page answer the
 *     alert, alerts.h); one that shows a renamed file, by the renamed
 *     page's address.
 * A runbook_url whose page lacks the heading its fragment names is listed
 * as a note with the nearest heading (a guess is not applied), and so is a
 * broken `runbook:` annotation (GitLab's repository paths: its own tooling
 * makes the link, the patch does not turn it into a URL).
 * The value keeps its quoting (plain, '...' or "...", its quotes and
 * backslashes escaped as that quoting wants them). Rules the patch
 * cannot change (flow-style `{...}` mappings, a broken URL of an alert
 * without a runbook) are listed in '#' comment lines before the diff, with
 * their file:line; `git apply` ignores those lines. */
#ifndef ALMANAC_RULESPATCH_H
#define ALMANAC_RULESPATCH_H

#include "buf.h"
#include "site.h"

/* Append the patch for the checked rules of `s` (runbookurl_check done) with
 * absolute URLs under s->cfg.base_url (not empty). Returns the number of
 * rules changed. */
size_t rulespatch_write(const site_t *s, buf_t *out);

#endif
