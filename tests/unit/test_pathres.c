/* test_pathres.c - the trust boundary's resolver (gen/pathres.h) on a real folder tree:
 * links inside are followed, links out and into .git are refused, writes never follow a link. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "fsutil.h"
#include "pathres.h"

static char base[64];   /* a temporary folder: base/repo is the root, base/outside is not */
static char repo[128];

static void put(const char *rel, const char *text)
{
	char *p = xasprintf("%s/%s", base, rel);
	assert_int_equal(fsu_write_file(p, text, strlen(text)), 0);
	free(p);
}

static void lnk(const char *target, const char *rel)
{
	char *p = xasprintf("%s/%s", base, rel);
	assert_int_equal(symlink(target, p), 0);
	free(p);
}

static int setup(void **state)
{
	(void)state;
	strcpy(base, "/tmp/almanac-pathres-XXXXXX");
	assert_non_null(mkdtemp(base));
	snprintf(repo, sizeof repo, "%s/repo", base);
	put("repo/a/b/page.md", "inside\n");
	put("repo/.git/config", "[remote]\n\turl = https://ci:SECRET@example.com\n");
	put("outside/secret.txt", "SECRET\n");
	lnk("b/page.md", "repo/a/rel.md");                /* inside */
	lnk("a/b", "repo/good");                          /* a folder link inside */
	lnk("../outside/secret.txt", "repo/out.txt");     /* out by .. */
	lnk("../.git/config", "repo/a/git.txt");          /* into .git */
	lnk("../.GIT/config", "repo/a/gitcase.txt");      /* into .git, other case */
	lnk("loop1", "repo/loop2");
	lnk("loop2", "repo/loop1");
	lnk("/proc/self/environ", "repo/env.txt");        /* absolute, outside */
	lnk("nowhere", "repo/dangling.md");
	char abs_inside[256];
	snprintf(abs_inside, sizeof abs_inside, "%s/a/b/page.md", repo);
	lnk(abs_inside, "repo/abs.md");                   /* absolute, naming the root itself */
	lnk("good/../../../outside", "repo/tricky");      /* .. after a link climbs from its target (a/b) */
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fsu_remove_tree(base);
	return 0;
}

static int read_rc(pr_root_t *r, const char *rel, buf_t *b)
{
	buf_clear(b);
	return pr_read(r, rel, b, 1 << 20);
}

static void test_reads(void **state)
{
	(void)state;
	pr_root_t *r;
	assert_int_equal(pr_root_open(&r, repo, PR_REPO), 0);
	buf_t b = BUF_INIT;
	assert_int_equal(read_rc(r, "a/b/page.md", &b), 0);
	assert_string_equal(buf_cstr(&b), "inside\n");
	assert_int_equal(read_rc(r, "a/rel.md", &b), 0);
	assert_string_equal(buf_cstr(&b), "inside\n");
	assert_int_equal(read_rc(r, "good/page.md", &b), 0);
	assert_int_equal(read_rc(r, "abs.md", &b), 0);
	assert_int_equal(read_rc(r, "a/./b//page.md", &b), 0);
	assert_int_equal(read_rc(r, "a/b/../b/page.md", &b), 0);
	/* refusals */
	assert_int_equal(read_rc(r, "out.txt", &b), PR_EOUTSIDE);
	assert_int_equal(read_rc(r, "../outside/secret.txt", &b), PR_EOUTSIDE);
	assert_int_equal(read_rc(r, "a/../../outside/secret.txt", &b), PR_EOUTSIDE);
	assert_int_equal(read_rc(r, "env.txt", &b), PR_EOUTSIDE);
	assert_int_equal(read_rc(r, "tricky/secret.txt", &b), PR_EOUTSIDE);
	assert_int_equal(read_rc(r, "a/git.txt", &b), PR_EGIT);
	assert_int_equal(read_rc(r, "a/gitcase.txt", &b), PR_EGIT);
	assert_int_equal(read_rc(r, ".git/config", &b), PR_EGIT);
	assert_int_equal(read_rc(r, "a/../.Git/config", &b), PR_EGIT);
	assert_int_equal(read_rc(r, "loop1", &b), PR_ELOOP);
	assert_int_equal(read_rc(r, "dangling.md", &b), PR_EIO);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(read_rc(r, "a", &b), PR_EIO);
	assert_int_equal(errno, EISDIR);
	assert_null(strstr(buf_cstr(&b), "SECRET"));
	struct stat st;
	assert_int_equal(pr_stat(r, "good", &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(pr_stat(r, "", &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	/* a listing gives links as links */
	pr_entry_t *e;
	size_t n;
	assert_int_equal(pr_list(r, "a", 1, &e, &n), 0);
	assert_int_equal(n, 4);
	assert_string_equal(e[0].name, "b");
	assert_true(S_ISDIR(e[0].st.st_mode));
	assert_string_equal(e[1].name, "git.txt");
	assert_true(S_ISLNK(e[1].st.st_mode));
	pr_list_free(e, n);
	assert_int_equal(pr_list(r, "tricky", 1, &e, &n), PR_EOUTSIDE);
	buf_free(&b);
	pr_root_free(r);

	/* the same tree as a site folder: no .git rule, links still stay inside */
	assert_int_equal(pr_root_open(&r, repo, PR_BENEATH), 0);
	assert_int_equal(pr_stat(r, "a/git.txt", &st), 0);
	assert_int_equal(pr_stat(r, "out.txt", &st), PR_EOUTSIDE);
	pr_root_free(r);
	/* a previous site changed in place: no link at all, not even one inside */
	assert_int_equal(pr_root_open(&r, repo, PR_NOLINKS), 0);
	buf_t nb = BUF_INIT;
	assert_int_equal(read_rc(r, "a/b/page.md", &nb), 0);
	assert_string_equal(buf_cstr(&nb), "inside\n");
	assert_int_equal(read_rc(r, "a/rel.md", &nb), PR_ELOOP);     /* the last component a link */
	assert_int_equal(read_rc(r, "good/page.md", &nb), PR_ELOOP);  /* a folder on the way a link */
	assert_int_equal(pr_mkdirs(r, "good/new"), PR_ELOOP);         /* nothing made through one */
	assert_int_equal(pr_stat(r, "a/b/new", &st), PR_EIO);
	buf_free(&nb);
	pr_root_free(r);
	/* a NULL root holds nothing */
	assert_int_equal(pr_stat(NULL, "a", &st), PR_EIO);
}

/* Where a path leads (pr_where): itself, the file a link inside leads to, never past the root. */
static void test_where(void **state)
{
	(void)state;
	pr_root_t *r;
	assert_int_equal(pr_root_open(&r, repo, PR_REPO), 0);
	static const char *const same[] = {"a/b/page.md", "a/b", ""};
	for (size_t i = 0; i < sizeof same / sizeof *same; i++) {
		char *w = NULL;
		assert_int_equal(pr_where(r, same[i], &w), 0);
		assert_string_equal(w, same[i]);
		free(w);
	}
	static const char *const links[][2] = {{"a/rel.md", "a/b/page.md"}, {"abs.md", "a/b/page.md"},
					       {"good/page.md", "a/b/page.md"}};
	for (size_t i = 0; i < sizeof links / sizeof *links; i++) {
		char *w = NULL;
		assert_int_equal(pr_where(r, links[i][0], &w), 0);
		assert_string_equal(w, links[i][1]);
		free(w);
	}
	static const char *const refused[] = {"out.txt", "a/git.txt", "env.txt", "loop1", "dangling.md", "tricky"};
	for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
		char *w = (char *)"unset";
		assert_true(pr_where(r, refused[i], &w) < 0);
		assert_null(w);
	}
	pr_root_free(r);
}

static void test_deep_paths_are_bounded(void **state)
{
	(void)state;
	pr_root_t *r;
	assert_int_equal(pr_root_open(&r, repo, PR_REPO), 0);
	buf_t p = BUF_INIT;
	for (int i = 0; i < PR_MAX_DEPTH + 10; i++)
		buf_puts(&p, "d/");
	assert_int_equal(pr_mkdirs(r, "x"), 0);
	char *deep = xstrndup(buf_cstr(&p), p.len - 1);
	assert_int_equal(pr_mkdirs(r, deep), PR_ELOOP);
	free(deep);
	buf_free(&p);
	pr_root_free(r);
}

static void test_writes(void **state)
{
	(void)state;
	pr_root_t *r;
	assert_int_equal(pr_root_open(&r, repo, PR_BENEATH), 0);
	assert_int_equal(pr_write(r, "new/deep/f.html", "x", 1), 0);
	assert_int_equal(pr_write(r, "good/through-link.html", "y", 1), 0); /* a folder link inside */
	buf_t b = BUF_INIT;
	assert_int_equal(pr_read(r, "a/b/through-link.html", &b, 100), 0);
	assert_string_equal(buf_cstr(&b), "y");
	assert_int_equal(pr_write(r, "../escape.html", "z", 1), PR_EUNSAFE);
	assert_int_equal(pr_write(r, "/tmp/escape.html", "z", 1), PR_EUNSAFE);
	assert_int_equal(pr_write(r, "a/./x.html", "z", 1), PR_EUNSAFE);
	assert_int_equal(pr_write(r, "tricky/escape.html", "z", 1), PR_EOUTSIDE);
	/* the file itself is never a link: out.txt -> ../outside/secret.txt stays untouched */
	assert_int_equal(pr_write(r, "out.txt", "overwritten", 11), PR_EIO);
	assert_int_equal(errno, ELOOP);
	char *secret = xasprintf("%s/outside/secret.txt", base);
	buf_clear(&b);
	assert_int_equal(fsu_read_file(&b, secret, 100), 0);
	assert_string_equal(buf_cstr(&b), "SECRET\n");
	free(secret);
	char *esc = xasprintf("%s/outside/escape.html", base);
	assert_false(fsu_is_file(esc));
	free(esc);
	/* copies: a source out of the root is a refusal, not a write failure */
	assert_int_equal(pr_copy(r, "a/b/page.md", r, "copy/page.md"), 0);
	assert_int_equal(pr_copy(r, "out.txt", r, "copy/secret.txt"), PR_EOUTSIDE);
	/* removal follows no link */
	struct stat st;
	assert_int_equal(pr_remove(r, "good"), 0);
	assert_int_equal(pr_stat(r, "a/b/page.md", &st), 0); /* the link went, not its target */
	assert_int_equal(pr_remove(r, "new"), 0);
	assert_int_equal(pr_stat(r, "new", &st), PR_EIO);
	buf_free(&b);
	pr_root_free(r);
	/* a repository root refuses to write into .git */
	assert_int_equal(pr_root_open(&r, repo, PR_REPO), 0);
	assert_int_equal(pr_write(r, ".git/hooks/post-checkout", "x", 1), PR_EUNSAFE);
	pr_root_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reads),
		cmocka_unit_test(test_deep_paths_are_bounded),
		cmocka_unit_test(test_where),
		cmocka_unit_test(test_writes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
