/* alerts.h - the alert catalog and the alert -> runbook map (prefix alerts_).
 *
 * The catalog (default alerts.yml at the repository root, config key
 * `alerts`) lists the alerts a team expects runbooks for:
 *   alerts:
 *     - name: KubeNodeNotReady
 *       severity: critical
 *       summary: A node has been NotReady for 15 minutes.
 * Every alert named in a page's `alerts:` front matter gets a stable URL
 * alerts/<AlertName>/ leading to its runbook. */
#ifndef ALMANAC_ALERTS_H
#define ALMANAC_ALERTS_H

#include "site.h"

/* Load the catalog (when present) and build s->alerts from the catalog and
 * the pages' front matter. Problems are diagnostics: invalid names (errors),
 * an alert answered by several runbooks (warning "alert-claimed-twice" at each
 * runbook after the first in path order; alerts/<Name>/ then lists them all),
 * two spellings that differ only in case (warning "alert-case"). Returns 0. */
int alerts_build(site_t *s);
/* Free s->alerts. */
void alerts_free(site_t *s);
/* 1 when `name` is a valid alert name for a URL segment: [A-Za-z0-9_:.-]{1,200}, not "." or "..". */
int alerts_valid_name(const char *name);

#endif
