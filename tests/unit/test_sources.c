/* test_sources.c - the sources: list and fetching sources into the cache
 * (real repositories made by the test, fetched over file:// and from a
 * local path with libgit2). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <git2.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "fetch.h"
#include "fsutil.h"
#include "githelp.h"
#include "sources.h"
#include "testhelp.h"
#include "yamlval.h"

static int parse(const char *yaml, sources_list_t *l, diag_list_t *d)
{
	val_t *v = NULL;
	assert_int_equal(yamlval_parse(&v, yaml, strlen(yaml), "almanac.yml", 0, d), 0);
	int rc = sources_parse(l, val_map_get(v, "sources"), "almanac.yml", d);
	val_free(v);
	return rc;
}

static int has_diag(const diag_list_t *d, diag_severity sev, int line, const char *needle)
{
	for (size_t i = 0; i < d->len; i++)
		if (d->items[i].severity == sev && (!line || d->items[i].line == line) &&
		    strstr(d->items[i].message, needle))
			return 1;
	return 0;
}

static void test_parse_valid(void **state)
{
	(void)state;
	diag_list_t d;
	diag_init(&d);
	sources_list_t l;
	assert_int_equal(parse("sources:\n"
			       "  - name: payments\n"
			       "    repo: ../payments\n"
			       "    path: ./docs/runbooks/\n"
			       "  - name: search-api\n"
			       "    repo: https://ci:s3cret@git.example.com/org/search.git\n"
			       "    branch: release-2\n",
			       &l, &d),
			 0);
	assert_int_equal(d.len, 0);
	assert_int_equal(l.len, 2);
	assert_string_equal(l.items[0].name, "payments");
	assert_false(l.items[0].is_url);
	assert_string_equal(l.items[0].path, "docs/runbooks");
	assert_null(l.items[0].branch);
	assert_int_equal(l.items[0].line, 2);
	assert_true(l.items[1].is_url);
	assert_string_equal(l.items[1].branch, "release-2");
	assert_string_equal(l.items[1].path, "");
	sources_free(&l);
	diag_free(&d);
}

static void test_parse_errors(void **state)
{
	(void)state;
	diag_list_t d;
	diag_init(&d);
	sources_list_t l;
	assert_int_equal(parse("sources:\n"
			       "  - name: Payments\n"        /* 2: upper case */
			       "    repo: ../p\n"
			       "  - name: search\n"          /* 4: reserved */
			       "    repo: ../s\n"
			       "  - name: a\n"               /* 6 */
			       "    repo: ../a\n"
			       "    path: ../../etc\n"       /* 8: leaves the source */
			       "  - name: a\n"               /* 9: twice */
			       "    repo: ../b\n"
			       "    brnach: main\n"          /* 11: typo */
			       "  - name: c\n"               /* 12: no repo */
			       "  - name: d\n"
			       "    repo: ../d\n"
			       "    branch: --upload-pack=x\n" /* 15 */
			       "  - repo: ../e\n",            /* 16: no name, after other errors */
			       &l, &d),
			 -1);
	assert_true(has_diag(&d, DIAG_ERROR, 2, "name 'Payments'"));
	assert_true(has_diag(&d, DIAG_ERROR, 4, "name 'search'"));
	assert_true(has_diag(&d, DIAG_ERROR, 8, "inside the source"));
	assert_true(has_diag(&d, DIAG_ERROR, 9, "used twice (first at line 6)"));
	assert_true(has_diag(&d, DIAG_WARNING, 11, "did you mean 'branch'"));
	assert_true(has_diag(&d, DIAG_ERROR, 12, "has no 'repo'"));
	assert_true(has_diag(&d, DIAG_ERROR, 15, "not a branch or tag name"));
	assert_true(has_diag(&d, DIAG_ERROR, 16, "has no 'name'"));
	sources_free(&l);
	diag_free(&d);
	diag_init(&d);
	assert_int_equal(parse("sources: payments\n", &l, &d), -1);
	assert_true(has_diag(&d, DIAG_ERROR, 1, "must be a list"));
	sources_free(&l);
	diag_free(&d);
}

/* Which hosts git's credential helpers may be asked for: the hub's remotes' and the operator's, never
 * another; an ssh remote vouches for https on its host (CI clones the hub over ssh, sources over https). */
static void test_credential_origins(void **state)
{
	(void)state;
	const char *remotes[] = {"git@GitHub.com:acme/hub.git", "ssh://git@gitlab.example.com:2222/acme/hub.git",
				 "https://ci:TOKEN@git.example.org:443/acme/hub.git", "/srv/git/hub.git", "../hub",
				 "file:///srv/git/hub.git", "[::1]:hub.git", "http://mirror.lan:8080/hub.git",
				 "git@github.com:acme/other.git", "ssh://git@[2001:db8::7]:2222/acme/hub.git"};
	char *o = sources_credential_origins(remotes, sizeof remotes / sizeof *remotes,
					     "docs.example.net, http://git.lan:8080 ,,\tbad url");
	assert_string_equal(o, "https://github.com\n"
			       "https://gitlab.example.com\n"
			       "ssh://gitlab.example.com:2222\n"
			       "https://git.example.org\n"
			       "http://mirror.lan:8080\n"
			       "https://[2001:db8::7]\n"
			       "ssh://[2001:db8::7]:2222\n"
			       "https://docs.example.net\n"
			       "http://git.lan:8080\n"
			       "https://bad\n"
			       "https://url\n");
	free(o);
	o = sources_credential_origins(NULL, 0, NULL);
	assert_string_equal(o, "");
	free(o);
}

static void test_urls(void **state)
{
	(void)state;
	assert_true(sources_is_url("https://github.com/a/b"));
	assert_true(sources_is_url("git@github.com:a/b.git"));
	assert_true(sources_is_url("file:///srv/git/x"));
	assert_false(sources_is_url("../payments"));
	assert_false(sources_is_url("/srv/payments"));
	assert_false(sources_is_url("./a:b/c"));
	assert_owned_string_equal(sources_public_url("https://ci:tok@git.example.com/x.git"),
				  "https://git.example.com/x.git");
	/* over https a bare user name is often a token (https://$GITHUB_TOKEN@github.com/...): dropped */
	assert_owned_string_equal(sources_public_url("https://ghp_0123456789@host/x"), "https://host/x");
	assert_owned_string_equal(sources_public_url("git://tok@host/x"), "git://host/x");
	/* a password holding '/' or '?' (the authority then looks like "u:pa", whose port is no number) */
	assert_owned_string_equal(sources_public_url("https://u:pa/ss@host:8443/x"), "https://host:8443/x");
	assert_owned_string_equal(sources_public_url("https://u:pa?ss@host/x"), "https://host/x");
	assert_owned_string_equal(sources_public_url("https://host:8443/a@b"), "https://host:8443/a@b");
	assert_owned_string_equal(sources_public_url("ssh://git:pw@host/x"), "ssh://host/x");
	/* origins: what git's credential helpers may be asked for */
	assert_owned_string_equal(sources_url_origin("https://ci:tok@GitHub.com:443/a/b.git"), "https://github.com");
	assert_owned_string_equal(sources_url_origin("http://h:8080/x"), "http://h:8080");
	assert_owned_string_equal(sources_url_origin("http://h:80"), "http://h");
	assert_owned_string_equal(sources_url_origin("ssh://git@host:22/x"), "ssh://host:22");
	assert_null(sources_url_origin("git@host:x.git"));
	assert_null(sources_url_origin("../payments"));
	assert_owned_string_equal(sources_public_url("ssh://git@host:22/x"), "ssh://git@host:22/x");
	assert_owned_string_equal(sources_public_url("git@host:x.git"), "git@host:x.git");
	assert_owned_string_equal(sources_public_url("https://u:p@h/a@b"), "https://h/a@b");
}

typedef struct {
	char remote[PATH_MAX], cache[PATH_MAX], hub[PATH_MAX];
} fx_t;

static int setup(void **state)
{
	fx_t *f = calloc(1, sizeof *f);
	if (gh_repo_init(f->remote, sizeof f->remote, "almanac-src-remote") ||
	    gh_repo_init(f->hub, sizeof f->hub, "almanac-src-hub"))
		return -1;
	if (strlen(f->hub) + 32 > sizeof f->cache)
		return -1;
	memcpy(f->cache, f->hub, strlen(f->hub));
	strcat(f->cache, "/.git/almanac/sources");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx_t *f = *state;
	gh_rmrf(f->remote);
	gh_rmrf(f->hub);
	free(f);
	return 0;
}

static sources_spec_t spec_for(const char *name, const char *repo, const char *branch)
{
	sources_spec_t s = {0};
	s.name = (char *)name;
	s.repo = (char *)repo;
	s.is_url = sources_is_url(repo);
	s.branch = (char *)branch;
	s.path = (char *)"";
	s.line = 3;
	s.col = 5;
	return s;
}

static char *read_text(const char *dir, const char *rel)
{
	char *p = fsu_join(dir, rel);
	buf_t b = BUF_INIT;
	int rc = fsu_read_file(&b, p, 1 << 20);
	free(p);
	if (rc) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b);
}

static void test_fetch_url_then_update(void **state)
{
	fx_t *f = *state;
	gh_commit(f->remote, "docs/a.md", "# A\n", "2026-01-01T10:00:00Z", "ann", "a");
	gh_sh(f->remote, "git tag v1");
	gh_commit(f->remote, "docs/a.md", "# A two\n", "2026-02-01T10:00:00Z", "bob", "a2");
	char *url = xasprintf("file://%s", f->remote);
	sources_spec_t s = spec_for("payments", url, NULL);
	fetch_opts_t o = {.config_file = "almanac.yml"};
	diag_list_t d;
	diag_init(&d);
	fetch_result_t r;
	/* a first clone left by a build stopped while its fetch waited (its process gone) is removed;
	 * a live process's is not */
	char *dead = xasprintf("%s/payments/repo.tmp-2147483646", f->cache);
	char *live = xasprintf("%s/payments/repo.tmp-%ld", f->cache, (long)getppid());
	assert_int_equal(fsu_mkdirs(dead, 0755), 0);
	assert_int_equal(fsu_mkdirs(live, 0755), 0);
	assert_int_equal(fetch_source(&r, &s, f->hub, f->cache, &o, &d), 0);
	assert_false(fsu_is_dir(dead));
	assert_true(fsu_is_dir(live));
	fsu_remove_tree(live);
	free(dead);
	free(live);
	assert_int_equal(d.len, 0);
	assert_true(r.fetched);
	assert_false(r.in_place);
	assert_string_equal(r.branch, "main");
	char *head = gh_sh_out(f->remote, "git rev-parse HEAD");
	assert_string_equal(r.commit, head);
	free(head);
	char *t = read_text(r.workdir, "docs/a.md");
	assert_string_equal(t, "# A two\n");
	free(t);
	/* the clone is a repository with the full history (for dating) */
	char *count = gh_sh_out(r.workdir, "git rev-list --count HEAD");
	assert_string_equal(count, "2");
	free(count);
	fetch_result_free(&r);

	/* a new commit upstream arrives on the next fetch */
	gh_commit(f->remote, "docs/b.md", "# B\n", "2026-03-01T10:00:00Z", "cid", "b");
	assert_int_equal(fetch_source(&r, &s, f->hub, f->cache, &o, &d), 0);
	t = read_text(r.workdir, "docs/b.md");
	assert_string_equal(t, "# B\n");
	free(t);
	fetch_result_free(&r);

	/* a tag */
	sources_spec_t tagged = spec_for("payments", url, "v1");
	assert_int_equal(fetch_source(&r, &tagged, f->hub, f->cache, &o, &d), 0);
	t = read_text(r.workdir, "docs/a.md");
	assert_string_equal(t, "# A\n");
	free(t);
	assert_null(read_text(r.workdir, "docs/b.md"));
	fetch_result_free(&r);
	assert_int_equal(d.len, 0);
	diag_free(&d);
	free(url);
}

static void test_fetch_failure_and_keep_going(void **state)
{
	fx_t *f = *state;
	gh_commit(f->remote, "a.md", "# A\n", "2026-01-01T10:00:00Z", "ann", "a");
	char *url = xasprintf("file://%s", f->remote);
	sources_spec_t s = spec_for("svc", url, NULL);
	fetch_opts_t o = {.config_file = "almanac.yml"};
	diag_list_t d;
	diag_init(&d);
	fetch_result_t r;
	assert_int_equal(fetch_source(&r, &s, f->hub, f->cache, &o, &d), 0);
	char *first = xstrdup(r.commit);
	fetch_result_free(&r);

	/* the remote goes away */
	char *moved = xasprintf("%s-gone", f->remote);
	assert_int_equal(rename(f->remote, moved), 0);
	assert_int_equal(fetch_source(&r, &s, f->hub, f->cache, &o, &d), -1);
	assert_int_equal(d.len, 1);
	assert_int_equal(d.items[0].severity, DIAG_ERROR);
	assert_int_equal(d.items[0].line, 3);
	assert_string_equal(d.items[0].code, "source");
	assert_non_null(strstr(d.items[0].message, "source 'svc'"));
	fetch_result_free(&r);
	diag_free(&d);

	diag_init(&d);
	o.keep_going = 1;
	assert_int_equal(fetch_source(&r, &s, f->hub, f->cache, &o, &d), 0);
	assert_true(r.from_cache);
	assert_string_equal(r.commit, first);
	assert_int_equal(d.len, 1);
	assert_int_equal(d.items[0].severity, DIAG_WARNING);
	assert_non_null(strstr(d.items[0].message, "last complete fetch"));
	char *t = read_text(r.workdir, "a.md");
	assert_string_equal(t, "# A\n");
	free(t);
	fetch_result_free(&r);
	diag_free(&d);

	/* never fetched: --keep-going has nothing to fall back on */
	diag_init(&d);
	sources_spec_t other = spec_for("other", url, NULL);
	assert_int_equal(fetch_source(&r, &other, f->hub, f->cache, &o, &d), -1);
	assert_int_equal(diag_count(&d, DIAG_ERROR), 1);
	char *half = xasprintf("%s/other/repo", f->cache);
	assert_false(fsu_is_dir(half)); /* nothing half-made is left to be used */
	free(half);
	fetch_result_free(&r);
	diag_free(&d);
	assert_int_equal(rename(moved, f->remote), 0);
	free(moved);
	free(first);
	free(url);
}

static void test_credentials_never_stored(void **state)
{
	fx_t *f = *state;
	gh_commit(f->remote, "a.md", "# A\n", "2026-01-01T10:00:00Z", "ann", "a");
	/* file:// ignores the user info; what matters is where it is written */
	char *url = xasprintf("file://ci:SECRET-TOKEN@%s", f->remote);
	sources_spec_t s = spec_for("svc", url, NULL);
	fetch_opts_t o = {.config_file = "almanac.yml"};
	diag_list_t d;
	diag_init(&d);
	fetch_result_t r;
	fetch_source(&r, &s, f->hub, f->cache, &o, &d);
	assert_null(strstr(r.public_url, "SECRET-TOKEN"));
	for (size_t i = 0; i < d.len; i++)
		assert_null(strstr(d.items[i].message, "SECRET-TOKEN"));
	fetch_result_free(&r);
	diag_free(&d);
	/* nothing in the cache holds it */
	char *cmd = xasprintf("! grep -rqa SECRET-TOKEN '%s'", f->cache);
	gh_sh(f->hub, "%s", cmd);
	free(cmd);
	free(url);
}

static void test_local_in_place_and_other_branch(void **state)
{
	fx_t *f = *state;
	gh_commit(f->remote, "a.md", "# On main\n", "2026-01-01T10:00:00Z", "ann", "a");
	gh_sh(f->remote, "git checkout -q -b release && echo '# On release' > a.md && git commit -qam r && "
			 "git checkout -q main");
	gh_write_file(f->remote, "a.md", "# Being edited\n"); /* uncommitted: shows in place */
	fetch_opts_t o = {.config_file = "almanac.yml"};
	diag_list_t d;
	diag_init(&d);
	fetch_result_t r;
	sources_spec_t s = spec_for("svc", f->remote, NULL);
	assert_int_equal(fetch_source(&r, &s, f->hub, f->cache, &o, &d), 0);
	assert_true(r.in_place);
	char *want = xasprintf("%s/", f->remote);
	assert_string_equal(r.workdir, want);
	free(want);
	fetch_result_free(&r);
	/* another branch: a cached clone of it, the user's checkout untouched */
	s.branch = (char *)"release";
	assert_int_equal(fetch_source(&r, &s, f->hub, f->cache, &o, &d), 0);
	assert_false(r.in_place);
	char *t = read_text(r.workdir, "a.md");
	assert_string_equal(t, "# On release\n");
	free(t);
	t = read_text(f->remote, "a.md");
	assert_string_equal(t, "# Being edited\n");
	free(t);
	fetch_result_free(&r);
	/* not a repository root */
	char *sub = xasprintf("%s/sub", f->remote);
	gh_write_file(f->remote, "sub/x.md", "x");
	sources_spec_t bad = spec_for("bad", sub, NULL);
	assert_int_equal(fetch_source(&r, &bad, f->hub, f->cache, &o, &d), -1);
	assert_true(has_diag(&d, DIAG_ERROR, 3, "source 'bad'"));
	fetch_result_free(&r);
	free(sub);
	diag_free(&d);
}

int main(void)
{
	git_libgit2_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_valid),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_urls),
		cmocka_unit_test(test_credential_origins),
		cmocka_unit_test_setup_teardown(test_fetch_url_then_update, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fetch_failure_and_keep_going, setup, teardown),
		cmocka_unit_test_setup_teardown(test_credentials_never_stored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_local_in_place_and_other_branch, setup, teardown),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	git_libgit2_shutdown();
	return rc;
}
