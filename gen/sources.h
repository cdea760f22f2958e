/* sources.h - the repositories of a multi-repository site (prefix sources_).
 *
 * `sources:` in the hub's almanac.yml lists other Git repositories whose
 * pages join the hub's site (PRODUCT.md, "Several repositories"):
 *
 *   sources:
 *     - name: payments          # URL prefix (payments/...) and report group
 *       repo: ../payments       # a local work tree (relative to the hub's root) or a Git URL
 *       branch: main            # optional: a branch or a tag
 *       path: docs/runbooks     # optional: the folder holding the pages
 *
 * This module only reads and checks the list; fetch.h makes each source
 * available as a local work tree. */
#ifndef ALMANAC_SOURCES_H
#define ALMANAC_SOURCES_H

#include <stddef.h>

#include "diag.h"
#include "val.h"

/* Longest source name, and most sources a site may have. */
#define SOURCES_MAX_NAME 64
#define SOURCES_MAX 256

typedef struct {
	char *name;     /* URL prefix and report group: a lower-case slug, unique (owned) */
	char *repo;     /* as written: a local path or a Git URL (owned) */
	int is_url;     /* repo is a URL: scheme://..., or scp-like user@host:path */
	char *branch;   /* branch or tag; NULL = the remote's default branch, or a local
	                 * work tree as it is checked out (owned) */
	char *path;     /* folder holding the pages inside the source, normalised without a
	                 * trailing '/'; "" = the source's own content folders (owned) */
	int timeout;    /* seconds a fetch may wait for the server before it fails (SOURCES_TIMEOUT unless
	                 * `timeout:` says otherwise, 1 to SOURCES_TIMEOUT_MAX) */
	int line, col;  /* position of the entry in the configuration */
} sources_spec_t;

#define SOURCES_TIMEOUT 60
#define SOURCES_TIMEOUT_MAX 600

typedef struct {
	sources_spec_t *items; /* in configuration order (owned) */
	size_t len;
} sources_list_t;

/* Read `v` (the value of the `sources:` key, may be NULL) into `out`, which
 * the caller frees with sources_free (also on failure). `file` names the
 * configuration in diagnostics. Each problem is an error[config] at its
 * value's position: a missing or invalid name, a name given twice, a missing
 * repo, a path that leaves the source, an unknown key (with a suggestion).
 * Returns 0, or -1 when there were errors. */
int sources_parse(sources_list_t *out, const val_t *v, const char *file, diag_list_t *d);
/* 1 when `repo` is written as a Git URL rather than a local path:
 * "https://", "http://", "ssh://", "git://", "file://", or scp-like
 * "user@host:path". */
int sources_is_url(const char *repo);
/* The user info of `url` that may hold a secret, as the byte offset and
 * length of "user:password@" (the '@' included): all of it for any scheme
 * but ssh (https://TOKEN@host/... holds a token as its user name), only a
 * user name given with a password for ssh://; none for a local path or a
 * scp-like user@host:path. A password holding '/' (the authority looks like
 * "user:pa", whose "port" is not a number) runs to the last '@'. Returns 1
 * when there is such a part (*off, *len set), else 0 (both 0). */
int sources_url_userinfo(const char *url, size_t *off, size_t *len);
/* `url` without the user info sources_url_userinfo finds, for messages,
 * the report, the cache and the site: "https://user:tok@host/x" and
 * "https://tok@host/x" -> "https://host/x"; "ssh://git@host/x" stays.
 * Caller frees. */
char *sources_public_url(const char *url);
/* The origin of a URL: "scheme://host[:port]", lower-case, without user
 * info and without the scheme's default port ("https://GitHub.com:443/a/b"
 * -> "https://github.com"); NULL for a local path or a scp-like address.
 * Caller frees. */
char *sources_url_origin(const char *url);
/* The origins git's credential helpers may be asked for, one per line, each once
 * (fetch_opts_t.credential_origins): the origin of each of `urls` (the hub's
 * remotes), and for an ssh remote ("git@host:path", "ssh://host/path") also
 * "https://host" (that host's credentials, where git itself would send them);
 * then those of the operator's list `env` (ALMANAC_CREDENTIAL_HOSTS, may be
 * NULL: host names standing for https://host, or origins, separated by commas
 * or blanks). Local paths add nothing. Caller frees. */
char *sources_credential_origins(const char *const *urls, size_t n, const char *env);
/* Free everything `l` owns; accepts a zeroed list. */
void sources_free(sources_list_t *l);

#endif
