/* pagetype.h - what kind of page a page is when its front matter does not say (prefix pagetype_).
 *
 * A page without `type:` is
 *   - a role under a folder named roles/ or role/;
 *   - a runbook under a folder named runbooks/, runbook/, playbooks/,
 *     playbook/, alerts/ or alert/ (any case; the folder nearest the file
 *     decides between role and runbook);
 *   - else a runbook when its file name (without .md) is runbook, runbooks,
 *     playbook or playbooks, or is the name of an alert of the catalog
 *     (alerts_file_name_match in alerts.h, the alerts' own rule;
 *     compared without case);
 *   - else a guide. */
#ifndef ALMANAC_PAGETYPE_H
#define ALMANAC_PAGETYPE_H

#include "site.h"

/* The default type of the page at repo path `src` (rules above): "runbook",
 * "role" or "guide". Borrowed (a string literal). */
const char *pagetype_default(const site_t *s, const char *src);

#endif
