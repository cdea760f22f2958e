/* forgeurl.h - a repository's web address on its forge, and the file a forge URL shows (prefix forge_).
 *
 * Alert rules written before a team had a site point their runbook_url at
 * the Markdown file on GitHub or GitLab (kubernetes-mixin's rules link
 * https://github.com/kubernetes-monitoring/kubernetes-mixin/tree/master/runbook.md#alert-name-kubeapidown).
 * These functions say which repository and which file such a URL shows, so
 * that runbookurl.h can check it against the site's pages.
 *
 * A web address is "https://HOST/PATH" without a trailing '/' or ".git".
 * The file views recognised after it (REF may hold '/': the caller tries
 * each split, see forge_file_view):
 *   GitHub:          /blob/REF/PATH, /tree/REF/PATH, /raw/REF/PATH, /blame/REF/PATH, and
 *                    https://raw.githubusercontent.com/ORG/REPO/REF/PATH for github.com/ORG/REPO
 *   GitLab:          /-/blob/REF/PATH, /-/tree/REF/PATH, /-/raw/REF/PATH, /-/blame/REF/PATH (and the
 *                    old /blob/...)
 * A folder view of a ref alone (/tree/REF) is its top folder: "REF/".
 *   Gitea, Forgejo:  /src/branch/REF/PATH, /src/tag/REF/PATH, /src/commit/REF/PATH
 *   Bitbucket:       /src/REF/PATH
 * The scheme (http or https), the host's case and the case of the
 * repository's path are ignored (forges treat owner and repository names so). */
#ifndef ALMANAC_FORGEURL_H
#define ALMANAC_FORGEURL_H

/* The web address of the repository cloned from `git_url`:
 *   https://[user[:secret]@]host[:port]/org/repo[.git][/]  -> https://host[:port]/org/repo
 *   ssh://[user@]host[:port]/org/repo[.git], git://host/org/repo[.git]  -> https://host/org/repo
 *   user@host:org/repo[.git] (scp-like)  -> https://host/org/repo
 * A `repo_url` as the config gives it ("https://github.com/org/repo") comes
 * back as it is, without a trailing '/'. NULL for a local path, file:// or
 * anything without a host and a path. No secret is ever kept. Caller frees. */
char *forge_web_base(const char *git_url);

/* When `url` is a file view (above) of the repository whose web address is
 * `base` (from forge_web_base), read as a browser requests it (tabs and
 * newlines dropped, '\' a '/', "." and ".." segments resolved, "%2e" too: a
 * ".." that climbs out of the repository is another repository's file):
 * "REF/PATH" percent-decoded ("%00" kept), without the query,
 * and *fragment (NULL when none; percent-decoded) both the caller's to free.
 * NULL (and *fragment NULL) otherwise. */
char *forge_file_view(const char *base, const char *url, char **fragment);

#endif
