/* owners.h - who owns a page (prefix owners_).
 *
 * PRODUCT.md "Owners": a page's owner is its `owner` front matter, else the
 * owners CODEOWNERS gives its path, else the `approvers` of the nearest
 * Kubernetes-style OWNERS file above it.
 *
 * CODEOWNERS (codeowners.h): the first of .github/CODEOWNERS, CODEOWNERS,
 * docs/CODEOWNERS and .gitlab/CODEOWNERS that exists (GitHub's order, then
 * GitLab's extra location); a second one is a warning naming the one used.
 *
 * OWNERS: the file named OWNERS in the page's folder or the nearest folder
 * above it (up to the repository root) whose approvers for this page are
 * not empty: its `approvers:` list, plus the approvers of every `filters:`
 * entry whose regular expression (PCRE2, unanchored) matches the page's
 * path relative to that folder (Kubernetes' rule: `".*"` for every file).
 * Aliases from OWNERS_ALIASES at the root (`aliases: {name: [people]}`) are
 * kept as the owner (the alias names the team) and expanded one by one in
 * the page's `owners` list. Reviewers, labels and options are not used.
 *
 * The owner string is the owner entries joined with ", " ("@acme/sre,
 * @acme/db"); the page's `owners` has them one by one (aliases expanded);
 * `owner_source` says where they came from: "front-matter", "codeowners",
 * "owners" or "none".
 *
 * Files are read through the trust boundary (pathres.h: never through a
 * symbolic link leading out of the repository, never in .git), at most
 * OWNERS_MAX_FILE bytes each. */
#ifndef ALMANAC_OWNERS_H
#define ALMANAC_OWNERS_H

#include "pathres.h"
#include "site.h"

#define OWNERS_MAX_FILE (1024u * 1024u)

typedef struct owners owners_t;

/* Read the repository's CODEOWNERS and OWNERS_ALIASES from `tree` (the
 * repository as a PR_REPO root, pathres.h; borrowed: it must outlive the
 * handle; OWNERS files are read as pages need them) into a new handle (never
 * NULL; free with owners_free). Problems (a second CODEOWNERS, invalid YAML,
 * a link leading out of the repository) are diagnostics. */
owners_t *owners_load(const pr_root_t *tree, diag_list_t *d);
/* Set the owner of every page of `s` (s->owners is loaded when NULL), the
 * problems of the files read meanwhile added to `d` (NULL: s->diags; the
 * handles say later ones in s->diags). Not thread-safe; it reads and writes
 * nothing but the owners handles and the pages' owner fields, so site_load
 * runs it beside the output claims (outpaths.h). */
void owners_resolve_site(site_t *s, diag_list_t *d);
/* Set the owner of page `p` of `s` (owner, owner_source, owners), replacing
 * what it had. s->owners must be loaded. Not thread-safe (OWNERS files are
 * read and kept on first use). */
void owners_resolve_page(site_t *s, site_page_t *p);
/* Every file the owners of s's pages depend on, present or not: the
 * CODEOWNERS locations, OWNERS_ALIASES, and OWNERS in every folder holding a
 * page and every folder above it; repository-relative, sorted. For the
 * build's fingerprint and serve's watching (nothing is read). Stores a new
 * array of new strings in *out (the caller frees both) and returns its length. */
size_t owners_inputs(const site_t *s, char ***out);
/* Free a handle; accepts NULL. */
void owners_free(owners_t *o);

#endif
