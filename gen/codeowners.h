/* codeowners.h - CODEOWNERS files, GitHub's and GitLab's syntax (prefix codeowners_).
 *
 * A line is a pattern followed by owners (`@user`, `@org/team`, an e-mail
 * address; a token starting with '#' starts a comment); '#' lines are
 * comments. Patterns follow gitignore's rules as GitHub documents them:
 *   - a pattern with a '/' at the start or in the middle is anchored at the
 *     repository root; otherwise it matches at any depth (`*.md`, `apps/`);
 *   - a trailing '/' matches everything inside a folder of that name;
 *   - a pattern whose last segment has no wildcard matches that file or
 *     everything below that folder (`/docs/runbooks`); one whose last
 *     segment has a wildcard matches only at that level (docs/ with
 *     a '*' name matches docs/a.md, not docs/k8s/b.md);
 *   - `**` matches any number of folders; `\` escapes (`\#`, `\ `).
 * The last matching line wins; a matching line without owners leaves the
 * file without owners.
 *
 * GitLab sections: a line `[Section name]` (optional `^` in front for an
 * optional section, an optional `[N]` approval count after it, and default
 * owners after that) starts a section. Each section is matched on its own
 * (last match wins inside it) and a file's owners are the union over the
 * sections, in file order; a matching line without owners inside a section
 * takes the section's default owners. Sections with the same name (ignoring
 * case) are one section. Lines before the first section form their own.
 *
 * Bounded: at most CODEOWNERS_MAX_RULES lines are kept, and each owner list
 * at most CODEOWNERS_MAX_OWNERS entries. */
#ifndef ALMANAC_CODEOWNERS_H
#define ALMANAC_CODEOWNERS_H

#include <stddef.h>

#include "diag.h"

#define CODEOWNERS_MAX_RULES 20000
#define CODEOWNERS_MAX_OWNERS 64

typedef struct codeowners codeowners_t;

/* Parse `len` bytes of CODEOWNERS text; `display` names the file in
 * diagnostics (a warning `codeowners` for a section header that does not
 * close, and for rules past the limit). Returns a new handle (caller frees
 * with codeowners_free); never NULL. */
codeowners_t *codeowners_parse(const char *text, size_t len, const char *display, diag_list_t *d);
/* The owners of the repository-relative file `path`: their number, with a
 * new array of borrowed strings (valid until codeowners_free; the caller
 * frees the array) in *out, or 0 (*out NULL) when no rule gives owners. */
size_t codeowners_match(const codeowners_t *c, const char *path, const char ***out);
/* 1 when `pattern` (one CODEOWNERS pattern as written) matches `path`. */
int codeowners_pattern_match(const char *pattern, const char *path);
/* Number of rules kept. */
size_t codeowners_rules(const codeowners_t *c);
/* Free a handle; accepts NULL. */
void codeowners_free(codeowners_t *c);

#endif
