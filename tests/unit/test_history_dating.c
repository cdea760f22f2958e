/* test_history_dating.c - dating.c: pages dated by the history walk, and the
 * uncommitted files found on the walk's thread (dating_start) or on a
 * status-only thread (dating_start_status, for --no-git-dates) by the same
 * rule. Real git repositories made with the git
 * CLI (fixed dates, local identity). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <git2.h>

#include "buf.h"
#include "config.h"
#include "dating.h"
#include "githelp.h"
#include "history.h"
#include "site.h"

static char dir[256];

#define AT "GIT_AUTHOR_DATE='2026-01-05T10:00:00Z' GIT_COMMITTER_DATE='2026-01-05T10:00:00Z' "

static const char *const SRCS[] = {"a.md", "b.md", "c.md", "d.md", "gone.md", "e.md"};
#define NSRC (sizeof SRCS / sizeof *SRCS)

static void site_make(site_t *s)
{
	memset(s, 0, sizeof *s);
	config_defaults(&s->cfg);
	diag_init(&s->diags);
	s->root = xasprintf("%s/", dir);
	s->opts.now = 1767571200LL + 10 * 86400 + 12 * 3600; /* 2026-01-15 12:00 UTC */
	s->npages = NSRC;
	s->pages = xcalloc(NSRC, sizeof *s->pages);
	for (size_t i = 0; i < NSRC; i++)
		s->pages[i].src = xstrdup(SRCS[i]);
}

static int setup(void **state)
{
	(void)state;
	if (gh_repo_init(dir, sizeof dir, "almanac-dating") < 0)
		return -1;
	gh_sh(dir, "printf 'a\\n' > a.md && printf 'b\\n' > b.md && printf 'g\\n' > gone.md && printf 'e\\n' > e.md && "
		   "git add . && " AT "git commit -q -m one && "
		   "printf 'b2\\n' > b.md && printf 'c\\n' > c.md && printf 'd\\n' > d.md && git add d.md && rm gone.md && "
		   "rm e.md && ln -s a.md e.md"); /* e.md: a type change, not committed */
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return gh_rmrf(dir);
}

/* --no-git-dates: the status-only thread marks the changed pages uncommitted
 * and every other page unknown, with its interval from the configuration. */
static void test_status_thread(void **state)
{
	(void)state;
	site_t b;
	site_make(&b);
	dating_t *dt = NULL;
	assert_int_equal(dating_start_status(&dt, &b), 0);
	dating_finish(dt, &b);
	assert_null(b.hist);
	for (size_t i = 0; i < NSRC; i++) {
		const site_page_t *p = &b.pages[i];
		assert_int_equal(p->fresh.interval_days, config_interval_for(&b.cfg, p->type, p->fm.criticality));
		assert_int_equal(p->fresh.age_days, -1);
		assert_int_equal(p->untracked, i == 2);
	}
	/* what a user sees: a committed page is unknown, the changed ones uncommitted */
	assert_int_equal(b.pages[0].fresh.status, FRESH_UNKNOWN);
	assert_int_equal(b.pages[1].fresh.status, FRESH_UNCOMMITTED);
	assert_int_equal(b.pages[1].untracked, 0);
	assert_int_equal(b.pages[2].fresh.status, FRESH_UNCOMMITTED);
	assert_int_equal(b.pages[2].untracked, 1);
	assert_int_equal(b.pages[3].fresh.status, FRESH_UNCOMMITTED);
	site_free(&b);
}

/* With and without git dates, one rule says which pages are uncommitted (a
 * type change included: --no-git-dates once used its own, narrower one). */
static void test_same_marks(void **state)
{
	(void)state;
	site_t g, n;
	site_make(&g);
	site_make(&n);
	dating_t *dt = NULL;
	assert_int_equal(dating_start(&dt, &g), 0);
	dating_finish(dt, &g);
	assert_int_equal(dating_start_status(&dt, &n), 0);
	dating_finish(dt, &n);
	for (size_t i = 0; i < NSRC; i++) {
		assert_int_equal(g.pages[i].fresh.status == FRESH_UNCOMMITTED, n.pages[i].fresh.status == FRESH_UNCOMMITTED);
		assert_int_equal(g.pages[i].untracked, n.pages[i].untracked);
	}
	assert_int_equal(n.pages[5].fresh.status, FRESH_UNCOMMITTED);
	assert_int_equal(n.pages[5].untracked, 0);
	dating_release(&g);
	site_free(&g);
	site_free(&n);
}

/* The walk's thread reads the status too: dates and uncommitted marks. */
static void test_walk_thread(void **state)
{
	(void)state;
	site_t s;
	site_make(&s);
	dating_t *dt = NULL;
	assert_int_equal(dating_start(&dt, &s), 0);
	dating_finish(dt, &s);
	assert_non_null(s.hist);
	char *one = gh_sh_out(dir, "git rev-parse HEAD");
	assert_string_equal(s.head, one);
	assert_int_equal(s.pages[0].fresh.has_commit, 1);
	assert_string_equal(s.pages[0].fresh.commit_id, one);
	assert_int_equal(s.pages[0].fresh.age_days, 10);
	assert_int_equal(s.pages[0].fresh.status, FRESH_FRESH);
	assert_int_equal(s.pages[1].fresh.status, FRESH_UNCOMMITTED); /* modified */
	assert_int_equal(s.pages[1].fresh.has_commit, 1);
	assert_int_equal(s.pages[2].fresh.status, FRESH_UNCOMMITTED); /* untracked */
	assert_int_equal(s.pages[2].untracked, 1);
	assert_int_equal(s.pages[3].fresh.status, FRESH_UNCOMMITTED); /* staged, never committed */
	assert_int_equal(s.pages[3].untracked, 0);
	/* a second build (the result table in .git/almanac) gives the same */
	site_t t;
	site_make(&t);
	assert_int_equal(dating_start(&dt, &t), 0);
	dating_finish(dt, &t);
	hist_stats_t st;
	hist_stats(t.hist, &st);
	assert_int_equal(st.results_cached, 1);
	for (size_t i = 0; i < NSRC; i++) {
		assert_int_equal(s.pages[i].fresh.status, t.pages[i].fresh.status);
		assert_int_equal(s.pages[i].untracked, t.pages[i].untracked);
		assert_string_equal(s.pages[i].fresh.commit_id, t.pages[i].fresh.commit_id);
	}
	free(one);
	dating_release(&s);
	dating_release(&t);
	site_free(&s);
	site_free(&t);
}

int main(void)
{
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("GIT_CONFIG_GLOBAL", "/dev/null", 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_status_thread, setup, teardown),
		cmocka_unit_test_setup_teardown(test_walk_thread, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_marks, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
