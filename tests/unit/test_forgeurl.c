/* test_forgeurl.c - a repository's web address from the URLs it is cloned from, and the file a
 * forge URL shows (GitHub, GitLab, Gitea/Forgejo, Bitbucket), as runbook_urls written for those
 * forges name them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "forgeurl.h"

static void expect_base(const char *git_url, const char *want)
{
	char *got = forge_web_base(git_url);
	if (!want) {
		if (got)
			fail_msg("%s: got %s, want none", git_url ? git_url : "(null)", got);
		return;
	}
	if (!got)
		fail_msg("%s: got none, want %s", git_url ? git_url : "(null)", want);
	assert_string_equal(got, want);
	free(got);
}

static void test_web_base_of_clone_urls(void **state)
{
	(void)state;
	expect_base("https://github.com/org/repo.git", "https://github.com/org/repo");
	expect_base("https://github.com/org/repo", "https://github.com/org/repo");
	expect_base("https://github.com/org/repo/", "https://github.com/org/repo");
	expect_base("http://git.example.com:8080/team/sub/repo.git", "https://git.example.com:8080/team/sub/repo");
	/* credentials never survive */
	expect_base("https://x-access-token:ghs_SECRET@github.com/org/repo.git", "https://github.com/org/repo");
	expect_base("https://oauth2:glpat-SECRET@gitlab.com/group/sub/repo.git", "https://gitlab.com/group/sub/repo");
	/* ssh and scp-like: the web server, not the ssh port */
	expect_base("git@github.com:org/repo.git", "https://github.com/org/repo");
	expect_base("git@gitlab.example.com:group/sub/repo", "https://gitlab.example.com/group/sub/repo");
	expect_base("ssh://git@gitlab.example.com:2222/group/repo.git", "https://gitlab.example.com/group/repo");
	expect_base("git://example.org/repo.git", "https://example.org/repo");
	/* no web view */
	expect_base("/srv/git/repo.git", NULL);
	expect_base("../payments", NULL);
	expect_base("file:///srv/git/repo.git", NULL);
	expect_base("https://github.com/", NULL);
	expect_base("", NULL);
	expect_base(NULL, NULL);
}

static void expect_view(const char *base, const char *url, const char *want, const char *want_frag)
{
	char *frag = (char *)1;
	char *got = forge_file_view(base, url, &frag);
	if (!want) {
		if (got)
			fail_msg("%s: got %s, want none", url, got);
		assert_null(frag);
		return;
	}
	if (!got)
		fail_msg("%s: got none, want %s", url, want);
	assert_string_equal(got, want);
	if (want_frag) {
		assert_non_null(frag);
		assert_string_equal(frag, want_frag);
	} else {
		assert_null(frag);
	}
	free(got);
	free(frag);
}

static void test_file_views(void **state)
{
	(void)state;
	const char *gh = "https://github.com/kubernetes-monitoring/kubernetes-mixin";
	expect_view(gh, "https://github.com/kubernetes-monitoring/kubernetes-mixin/tree/master/runbook.md#alert-name-kubeapidown",
		    "master/runbook.md", "alert-name-kubeapidown");
	expect_view(gh, "https://github.com/kubernetes-monitoring/kubernetes-mixin/blob/release/1.2/docs/a%20b.md?plain=1",
		    "release/1.2/docs/a b.md", NULL);
	/* forges ignore the case of owner and repository, and http is https */
	expect_view(gh, "http://GitHub.com/Kubernetes-Monitoring/Kubernetes-Mixin/blob/main/x.md", "main/x.md", NULL);
	expect_view(gh, "https://github.com/kubernetes-monitoring/kubernetes-mixin/raw/main/x.md", "main/x.md", NULL);
	/* GitLab (and its old form), Gitea/Forgejo, Bitbucket */
	const char *gl = "https://gitlab.com/group/sub/runbooks";
	expect_view(gl, "https://gitlab.com/group/sub/runbooks/-/blob/master/docs/db.md#fail%C3%B6ver", "master/docs/db.md",
		    "fail\xc3\xb6ver");
	expect_view(gl, "https://gitlab.com/group/sub/runbooks/-/tree/master/docs", "master/docs", NULL);
	expect_view(gl, "https://gitlab.com/group/sub/runbooks/blob/master/docs/db.md", "master/docs/db.md", NULL);
	const char *gt = "https://codeberg.org/ops/handbook";
	expect_view(gt, "https://codeberg.org/ops/handbook/src/branch/main/runbooks/x.md", "main/runbooks/x.md", NULL);
	expect_view(gt, "https://codeberg.org/ops/handbook/src/tag/v1/runbooks/x.md", "v1/runbooks/x.md", NULL);
	expect_view("https://bitbucket.org/ops/handbook", "https://bitbucket.org/ops/handbook/src/main/x.md", "main/x.md", NULL);
	/* "%00" is not decoded: it would cut REF/PATH short (a crash in forgepages_find, a path of another page) */
	expect_view(gh, "https://github.com/kubernetes-monitoring/kubernetes-mixin/blob/main%00/x.md", "main%00/x.md", NULL);
	expect_view(gh, "https://github.com/kubernetes-monitoring/kubernetes-mixin/blob/main/x.md%00.txt#a%00b",
		    "main/x.md%00.txt", "a%00b");
	/* as a browser requests it: "." and ".." resolved ("%2e" too), '\\' a '/', tabs and newlines dropped */
	expect_view(gh, "https://github.com/kubernetes-monitoring/kubernetes-mixin/blob/main/x/../docs/./a.md", "main/docs/a.md",
		    NULL);
	expect_view(gh, "https://github.com/kubernetes-monitoring/kubernetes-mixin/blob/main/x/%2E%2e/a.md#b", "main/a.md", "b");
	expect_view(gh, "https://github.com/kubernetes-monitoring/kubernetes-mixin/blob/main\\docs\\a.md", "main/docs/a.md",
		    NULL);
	expect_view(gh, "https://github.com/kubernetes-monitoring/kubernetes-mi\txin/blob/main/a.md", "main/a.md", NULL);
	expect_view(gh, "https://github.com/kubernetes-monitoring/kubernetes-mixin/blob/main/.../a.md", "main/.../a.md", NULL);
	/* ... and climbing out of the repository: another repository's file (it was read as main/x.md here) */
	expect_view(gh, "https://github.com/kubernetes-monitoring/kubernetes-mixin/blob/../../evil/blob/main/x.md", NULL, NULL);
	expect_view(gh, "https://github.com/kubernetes-monitoring/kubernetes-mixin/blob/main/../../../../../x.md", NULL, NULL);
	expect_view(gh, "https://github.com/x/../kubernetes-monitoring/kubernetes-mixin/blob/main/a.md", "main/a.md", NULL);
	/* blame views, GitHub's raw host, a folder view of the ref alone (the top folder: its README) */
	expect_view(gh, "https://github.com/kubernetes-monitoring/kubernetes-mixin/blame/main/runbook.md#L10", "main/runbook.md",
		    "L10");
	expect_view(gl, "https://gitlab.com/group/sub/runbooks/-/blame/master/docs/db.md", "master/docs/db.md", NULL);
	expect_view(gh, "https://raw.githubusercontent.com/kubernetes-monitoring/kubernetes-mixin/master/runbook.md",
		    "master/runbook.md", NULL);
	expect_view(gh, "https://raw.githubusercontent.com/Kubernetes-Monitoring/kubernetes-mixin/refs/heads/master/runbook.md",
		    "refs/heads/master/runbook.md", NULL);
	expect_view(gh, "https://github.com/kubernetes-monitoring/kubernetes-mixin/tree/main", "main/", NULL);
	expect_view(gl, "https://gitlab.com/group/sub/runbooks/-/tree/master?ref_type=heads", "master/", NULL);
	expect_view(gh, "https://raw.githubusercontent.com/kubernetes-monitoring/other/master/runbook.md", NULL, NULL);
	expect_view(gl, "https://raw.githubusercontent.com/group/sub/runbooks/master/x.md", NULL, NULL);
	expect_view(gh, "https://raw.githubusercontent.com.evil/kubernetes-monitoring/kubernetes-mixin/master/x.md", NULL, NULL);
	/* raw.githubusercontent.com names no view: only a base of ORG/REPO tells where the ref starts (a
	 * repo_url of the organisation alone would take every repository of it for its own) */
	expect_view("https://github.com/kubernetes-monitoring",
		    "https://raw.githubusercontent.com/kubernetes-monitoring/other/master/runbook.md", NULL, NULL);
	expect_view("https://github.com/kubernetes-monitoring/kubernetes-mixin/docs",
		    "https://raw.githubusercontent.com/kubernetes-monitoring/kubernetes-mixin/docs/master/x.md", NULL, NULL);
	/* not a file view of that repository */
	expect_view(gh, "https://github.com/kubernetes-monitoring/kubernetes-mixin-other/blob/main/x.md", NULL, NULL);
	expect_view(gh, "https://github.com/kubernetes-monitoring/kubernetes-mixin/issues/12", NULL, NULL);
	expect_view(gh, "https://github.com/kubernetes-monitoring/kubernetes-mixin/blob/main", NULL, NULL); /* a file view needs a file */
	expect_view(gh, "https://github.com/kubernetes-monitoring/kubernetes-mixin", NULL, NULL);
	expect_view(gh, "ftp://github.com/kubernetes-monitoring/kubernetes-mixin/blob/main/x.md", NULL, NULL);
	expect_view(gh, "runbooks/x/", NULL, NULL);
	expect_view(NULL, "https://github.com/a/b/blob/main/x.md", NULL, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_web_base_of_clone_urls),
		cmocka_unit_test(test_file_views),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
