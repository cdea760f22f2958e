/* alerts.h - the alert catalog and the alert -> runbook map (prefix alerts_).
 *
 * The catalog is what a team expects runbooks for. It is read from
 *   - the catalog file (default alerts.yml at the repository root, config key
 *     `alerts`), in Almanac's format or as Prometheus rules:
 *       alerts:
 *         - name: KubeNodeNotReady
 *           severity: critical
 *           summary: A node has been NotReady for 15 minutes.
 *   - the rule files of `alert_rules:` (files, folders or globs inside the
 *     repository) and of the repeatable `--alert-rules PATH` (rules.h).
 * An alert defined by several rules (two severities, several files) is one
 * alert; its severity is the most severe of its rules' (critical, error,
 * warning, info, then any other value, in that order).
 *
 * A page answers (PRODUCT.md "Alerts from rule files"):
 *   - every alert named in its `alerts:` front matter;
 *   - when it has no `alerts:` key, the catalog alert whose name equals its
 *     file name without .md, ignoring case (an index page: its folder's name;
 *     see alerts_file_name_match);
 *   - the alert of every rule whose runbook_url leads to it (runbookurl.h).
 * Every alert a published page answers gets a stable URL alerts/<Name>/
 * leading to its runbook, when its name can be a URL segment
 * (alerts_valid_name: rules may use any Prometheus name, such as
 * `MysqlTooManyConnections(>80%)`; those count in the catalog and are
 * answered through their rules' runbook_url, without an address of their
 * own). */
#ifndef ALMANAC_ALERTS_H
#define ALMANAC_ALERTS_H

#include "buf.h"
#include "site.h"

/* Find the rule files: the catalog file, `alert_rules:` of the config and
 * s->opts.alert_rules, into s->rules (nothing read yet: the build's
 * fingerprint stats them). Problems (a path leaving the repository, a path
 * that names nothing, a '<source>:path' entry, which needs sources) are
 * diagnostics. Returns 0. */
int alerts_find_files(site_t *s);
/* Read the files alerts_find_files found and make s->alerts from their
 * rules (in_catalog), with s->alert_folded. Sets s->have_catalog when a
 * catalog file or a rule file was read. Returns 0. */
int alerts_load_catalog(site_t *s);
/* The catalog alert (name borrowed from `s`) whose name equals `stem`
 * ignoring ASCII case, or NULL: the rule by which a page file named
 * `<AlertName>.md` answers that alert. Needs alerts_load_catalog. */
const char *alerts_file_name_match(const site_t *s, const char *stem);
/* 1 when page `p` answers an alert by its file name: it has no `alerts:`
 * key and alerts_file_name_match(s, p->slug) is not NULL. */
int alerts_page_named_for_alert(const site_t *s, const site_page_t *p);
/* Build the alert map once the pages are read (front matter, type and
 * draft known; before the search index's tokenizing starts): adds the
 * front-matter alerts to s->alerts and fills every page's `alerts` (front
 * matter, file name, and the rules whose runbook_url is the page's own URL;
 * runbookurl.h adds the rest). Problems are diagnostics: invalid names
 * (errors), an alert answered by several runbooks (warning
 * "alert-claimed-twice" at each runbook after the first in path order;
 * alerts/<Name>/ then lists them all), two spellings that differ only in case
 * (warning "alert-case"). Returns 0. */
int alerts_build(site_t *s);
/* Record that page `page` answers alert `a` (an index into s->alerts) when
 * it does not already; keeps both lists sorted. Returns 1 when it was added. */
int alerts_add_answer(site_t *s, size_t a, long page);
/* The alert named `name` (exact), or NULL. */
site_alert_t *alerts_find(const site_t *s, const char *name);
/* The site path a runbook_url leads to when it points into this site:
 * it starts with the site's base_url (http and https alike, the host ignoring
 * case) or is relative (to the site root); or it starts with the address a
 * source that is a Hugo, MkDocs or Tech Docs site publishes itself at (its
 * baseURL, site_url or host: "https://runbooks.example.dev/x/" is NAME/x/,
 * as rules written for that site's own address say); query and fragment
 * dropped, percent-escapes decoded, "." and ".." resolved ("runbooks/x/", ""
 * for the home page). NULL for another site, another scheme, an absolute URL
 * without a base_url, or a path climbing above the root. Caller frees. */
char *alerts_site_path(const site_t *s, const char *url);
/* 1 when the rule's link is GitLab's `runbook` annotation holding a path in
 * a repository (docs/patroni/postgres.md#errors), not a URL: it names a page
 * by its file (forgepages_find_path), never a site address. */
int alerts_runbook_is_path(const rules_rule_t *rule);
/* The alert whose stable address is the site path `path` ("alerts/<Name>/",
 * also without the final '/' or with "index.html"), when that address is
 * published (the alert has a runbook); else NULL. */
site_alert_t *alerts_of_path(const site_t *s, const char *path);
/* Free s->alerts, s->alert_folded and s->rules (site_page_clear frees a page's `alerts`). */
void alerts_free(site_t *s);
/* 1 when `name` is a valid alert name for a URL segment: [A-Za-z0-9_:.-]{1,200}, not "." or "..":
 * the alerts that get an alerts/<Name>/ address. */
int alerts_valid_name(const char *name);
/* Append alerts.json, the alert map for other tools (Alertmanager templates,
 * Grafana, paging tools): {"schema": "almanac.alerts/1", "alerts": [{name,
 * url (alerts/<Name>/, null without a runbook), absolute_url (with
 * base_url), runbook (the page's path, null), page_url (the page's own
 * URL), runbooks (every page's path), owner, severity, status (the runbook's
 * freshness), last_commit {id, time, author} or null, in_catalog, rules
 * [{file, line}]}]} sorted by name; with JSON escapes safe in HTML. */
void alerts_write_json(const site_t *s, buf_t *out);

#endif
