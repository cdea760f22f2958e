/* githelp.h - test fixtures shared by the unit tests that need real Git
 * repositories (test_history.c, test_history_dating.c): a mkdtemp folder with
 * `git init` and a local identity, shell commands run in it, files written
 * into it and commits made with fixed author/committer dates and identities.
 * The git CLI is allowed here (tests only), never in the product.
 *
 * Every helper fails the running cmocka test (fail_msg / assert_*) when a
 * command or a file operation goes wrong, so callers need not check. Include
 * <setjmp.h>, <stdarg.h>, <stddef.h>, <stdint.h> and <cmocka.h> first. */
#ifndef ALMANAC_TESTS_GITHELP_H
#define ALMANAC_TESTS_GITHELP_H

#include <stddef.h>

/* The environment prefix that fixes dates and identities for one git command
 * (`date` and `who` are string literals; e-mail is who@example.com). */
#define GH_AT(date, who) \
	"GIT_AUTHOR_DATE='" date "' GIT_COMMITTER_DATE='" date "' GIT_AUTHOR_NAME='" who \
	"' GIT_AUTHOR_EMAIL='" who "@example.com' GIT_COMMITTER_NAME='" who "' GIT_COMMITTER_EMAIL='" who \
	"@example.com' "

/* One commit of a fixture history: write `rel` with `text`, stage it and
 * commit it with message `msg` at `date` (ISO 8601) as `who`. */
typedef struct {
	const char *rel, *text, *date, *who, *msg;
} gh_commit_t;

/* Make a fresh repository in a new mkdtemp folder "$TMPDIR/<prefix>-XXXXXX"
 * (TMPDIR unset or empty: /tmp), written to `dir` (`size` bytes): branch main,
 * local user.name/user.email, no commit signing. 0, or -1 when the folder or
 * the repository cannot be made (usable from a cmocka setup function). */
int gh_repo_init(char *dir, size_t size, const char *prefix);

/* Remove `dir` and everything below it. 0, or -1 on failure. */
int gh_rmrf(const char *dir);

/* Run a shell command (printf-formatted) in `dir`, output discarded; fails
 * the test on a non-zero exit. */
void gh_sh(const char *dir, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Run a shell command (printf-formatted) in `dir` and return its first output
 * line without the line end; the caller frees it. Fails the test when the
 * command cannot start or exits non-zero. */
char *gh_sh_out(const char *dir, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Write `text` to `dir`/`rel`, making the folders on the way. */
void gh_write_file(const char *dir, const char *rel, const char *text);

/* Write, stage and commit one file as gh_commit_t describes. */
void gh_commit(const char *dir, const char *rel, const char *text, const char *date, const char *who,
	       const char *msg);

/* gh_commit for each of the `n` commits of `cs`, in order. */
void gh_commits(const char *dir, const gh_commit_t *cs, size_t n);

/* gh_commits for every commit of the array `arr`. */
#define GH_COMMITS(dir, arr) gh_commits((dir), (arr), sizeof(arr) / sizeof *(arr))

#endif
