/* test_history.c - the history engine (gen/history.h: history.c and the gen/hist*.c, gen/git*.c files below it) on real repositories.
 *
 * Every fixture builds a Git repository with the git CLI (allowed in tests,
 * never in the product) in a mkdtemp folder, with fixed author/committer
 * dates, and compares hist_walk() with the answer git itself gives
 * (`git log -1 --format=%H -- PATH`, computed here with popen).
 *
 * Extra modes of this executable (not tests):
 *   ALMANAC_HIST_DUMP=<repo>  walk every .md file at HEAD and print
 *       "path<TAB>id<TAB>time<TAB>flags<TAB>old,paths" per page (sorted), the
 *       walk statistics to stderr, and exit. ALMANAC_HIST_SINCE=<unix time>,
 *       ALMANAC_HIST_CACHE=<dir> ("" = no cache; unset = default) tune it;
 *       ALMANAC_HIST_ALL_OLD=1 sets all_old_paths (as builds do);
 *       ALMANAC_HIST_DUMP_FULL=1 appends a sixth field with every other answer
 *       (author, times, flags, created, events, summary) and an "ignored" line.
 *       Used by tests/integration/test_history_corpus.py and bench/history-check.
 * With ALMANAC_SHARED set (and its bench/make-corpus present) the corpus test
 * generates the small corpus (200 docs / 2000 commits) and checks every page. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <git2.h>

#include "buf.h"
#include "diag.h"
#include "githelp.h"
#include "history.h"

/* ------------------------------------------------------------------------ */
/* fixture helpers                                                           */
/* ------------------------------------------------------------------------ */

typedef struct {
	char dir[256];
	diag_list_t d;
	hist_t *h;
} fx_t;

static int fx_setup(void **state)
{
	fx_t *fx = xcalloc(1, sizeof *fx);
	if (gh_repo_init(fx->dir, sizeof fx->dir, "almanac-hist") < 0) {
		free(fx);
		return -1;
	}
	diag_init(&fx->d);
	*state = fx;
	return 0;
}

static int fx_teardown(void **state)
{
	fx_t *fx = *state;
	hist_free(fx->h);
	diag_free(&fx->d);
	int rc = gh_rmrf(fx->dir);
	free(fx);
	return rc;
}

static hist_opts_t no_cache_opts(void)
{
	hist_opts_t o;
	memset(&o, 0, sizeof o);
	o.cache_dir = "";
	return o;
}

/* Open (once) and walk `paths` with `o`. */
static void walk(fx_t *fx, const char *const *paths, size_t n, const hist_opts_t *o)
{
	if (!fx->h)
		assert_int_equal(hist_open(&fx->h, fx->dir, &fx->d), 0);
	assert_int_equal(hist_walk(fx->h, paths, n, o, &fx->d), 0);
}

/* Re-open: needed after HEAD moves (hist_open reads HEAD). */
static void reopen(fx_t *fx)
{
	hist_free(fx->h);
	fx->h = NULL;
	assert_int_equal(hist_open(&fx->h, fx->dir, &fx->d), 0);
}

/* walk, then the handle's statistics. */
static hist_stats_t walk_stats(fx_t *fx, const char *const *paths, size_t n, const hist_opts_t *o)
{
	walk(fx, paths, n, o);
	hist_stats_t st;
	hist_stats(fx->h, &st);
	return st;
}

/* walk_stats on a re-opened handle (a later build). */
static hist_stats_t rewalk_stats(fx_t *fx, const char *const *paths, size_t n, const hist_opts_t *o)
{
	reopen(fx);
	return walk_stats(fx, paths, n, o);
}

static char *git_last(fx_t *fx, const char *path)
{
	return gh_sh_out(fx->dir, "git log -1 --format=%%H -- '%s'", path);
}

static char *rev(fx_t *fx, const char *r)
{
	return gh_sh_out(fx->dir, "git rev-parse '%s'", r);
}

static void assert_last(fx_t *fx, const char *path, const char *want_id)
{
	const hist_entry_t *e = hist_lookup(fx->h, path);
	assert_non_null(e);
	if (strcmp(e->last.id, want_id) != 0)
		fail_msg("%s: last commit %s, want %s", path, e->last.id[0] ? e->last.id : "(none)", want_id);
}

/* The newest commit whose message matches `pattern` (git log --grep), caller frees. */
static char *grep_id(fx_t *fx, const char *pattern)
{
	return gh_sh_out(fx->dir, "git log -1 --format=%%H --grep='%s'", pattern);
}

/* assert_last with the commit git finds by its message. */
static void assert_last_grep(fx_t *fx, const char *path, const char *pattern)
{
	char *want = grep_id(fx, pattern);
	assert_last(fx, path, want);
	free(want);
}

/* 2026-01-05 is a Monday. */
#define T_2026_01_05 1767571200LL

/* ------------------------------------------------------------------------ */
/* tests                                                                     */
/* ------------------------------------------------------------------------ */

static void test_linear(void **state)
{
	fx_t *fx = *state;
	const gh_commit_t history[] = {
		{"runbooks/a.md", "a1\n", "2026-01-05T10:00:00Z", "alice", "add a"},
		{"runbooks/b.md", "b1\n", "2026-01-06T10:00:00Z", "bob", "add b"},
		{"runbooks/a.md", "a2\n", "2026-01-07T10:00:00Z", "carol", "edit a"},
		{"other.txt", "x\n", "2026-01-08T10:00:00Z", "dave", "unrelated"},
	};
	GH_COMMITS(fx->dir, history);
	const char *paths[] = {"runbooks/a.md", "runbooks/b.md", "missing.md"};
	hist_opts_t o = no_cache_opts();
	walk(fx, paths, 3, &o);
	char *a = git_last(fx, "runbooks/a.md"), *b = git_last(fx, "runbooks/b.md"), *head = rev(fx, "HEAD");
	assert_last(fx, "runbooks/a.md", a);
	assert_last(fx, "runbooks/b.md", b);
	const hist_entry_t *e = hist_lookup(fx->h, "runbooks/a.md");
	assert_int_equal(e->last.time, T_2026_01_05 + 2 * 86400 + 36000);
	assert_int_equal(e->last.commit_time, e->last.time);
	assert_string_equal(e->last.author, "carol");
	assert_string_equal(e->last.email, "carol@example.com");
	assert_string_equal(e->last.summary, "edit a");
	assert_int_equal(e->truncated, 0);
	assert_int_equal(e->nold, 0);
	/* full history was asked (since = 0): both events, page complete, created known */
	assert_int_equal(e->nevents, 2);
	assert_int_equal(e->events[0].time, T_2026_01_05 + 2 * 86400 + 36000);
	assert_int_equal(e->events[1].time, T_2026_01_05 + 36000);
	assert_int_equal(e->complete, 1);
	assert_int_equal(e->created, T_2026_01_05 + 36000);
	/* a path not in HEAD: no history */
	e = hist_lookup(fx->h, "missing.md");
	assert_non_null(e);
	assert_string_equal(e->last.id, "");
	assert_int_equal(e->truncated, 0);
	assert_null(hist_lookup(fx->h, "never-asked.md"));
	assert_string_equal(hist_head(fx->h), head);
	assert_string_equal(hist_branch(fx->h), "main");
	assert_int_equal(hist_is_shallow(fx->h), 0);
	size_t r1, r2, r3;
	hist_ignored_counts(fx->h, &r1, &r2, &r3);
	assert_int_equal(r1 + r2 + r3, 0);
	assert_int_equal(fx->d.len, 0);
	free(a);
	free(b);
	free(head);
}

static void test_open_errors(void **state)
{
	fx_t *fx = *state;
	diag_list_t d;
	diag_init(&d);
	hist_t *h = (hist_t *)1;
	/* the fixture folder's parent is not a repository (unless /tmp is inside one) */
	char *sub = xasprintf("%s/../", fx->dir);
	char *inside = gh_sh_out(fx->dir, "cd .. && (git rev-parse --is-inside-work-tree 2>/dev/null || echo no)");
	if (strcmp(inside, "no") == 0) {
		assert_true(hist_open(&h, sub, &d) < 0);
		assert_null(h);
		assert_int_equal(d.len, 1);
		assert_string_equal(d.items[0].code, "not-a-repository");
	}
	free(inside);
	free(sub);
	/* an unborn HEAD is not an error: no history */
	sub = xasprintf("%s/deep/er", fx->dir);
	char *cmd = xasprintf("mkdir -p '%s'", sub);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	diag_free(&d);
	diag_init(&d);
	assert_int_equal(hist_open(&h, sub, &d), 0);
	assert_string_equal(hist_head(h), "");
	assert_string_equal(hist_branch(h), "main");
	char *wd = xasprintf("%s/", fx->dir);
	char *real = realpath(fx->dir, NULL);
	char *realwd = xasprintf("%s/", real);
	assert_string_equal(hist_workdir(h), realwd);
	const char *p[] = {"a.md"};
	assert_int_equal(hist_walk(h, p, 1, NULL, &d), 0);
	assert_string_equal(hist_lookup(h, "a.md")->last.id, "");
	hist_free(h);
	hist_free(NULL);
	diag_free(&d);
	free(wd);
	free(real);
	free(realwd);
	free(sub);
}

static void test_merges(void **state)
{
	fx_t *fx = *state;
	const char *D = fx->dir;
	gh_commit(fx->dir, "a.md", "a1\n", "2026-01-05T10:00:00Z", "alice", "base a");
	gh_write_file(D, "b.md", "b1\n");
	gh_write_file(D, "c.md", "c1\nline2\nline3\n");
	gh_write_file(D, "d.md", "d1\n");
	gh_write_file(D, "ff.md", "ff1\n");
	gh_sh(D, "git add -A && " GH_AT("2026-01-05T11:00:00Z", "alice") "git commit -q -m base");
	/* fast-forward merge */
	gh_sh(D, "git checkout -q -b ff");
	gh_commit(fx->dir, "ff.md", "ff2\n", "2026-01-06T10:00:00Z", "bob", "ff edit");
	gh_sh(D, "git checkout -q main && git merge -q --ff-only ff");
	/* a true merge: side edits b, main edits a */
	gh_sh(D, "git checkout -q -b side");
	gh_commit(fx->dir, "b.md", "b2\n", "2026-01-07T10:00:00Z", "bob", "side edits b");
	gh_commit(fx->dir, "d.md", "d-side\n", "2026-01-07T11:00:00Z", "bob", "side edits d");
	gh_sh(D, "git checkout -q main");
	gh_commit(fx->dir, "a.md", "a2\n", "2026-01-08T10:00:00Z", "alice", "main edits a");
	gh_commit(fx->dir, "d.md", "d-main\n", "2026-01-08T11:00:00Z", "alice", "main edits d");
	/* conflict on d.md, resolved with new content */
	gh_sh(D, GH_AT("2026-01-09T10:00:00Z", "carol") "git merge -q --no-ff side -m 'merge side' || true");
	gh_write_file(D, "d.md", "d-resolved\n");
	gh_sh(D, "git add d.md && " GH_AT("2026-01-09T10:00:00Z", "carol") "git commit -q --no-edit");
	/* a merge that discards one side (-s ours): c.md's side edit is dropped */
	gh_sh(D, "git checkout -q -b discard");
	gh_commit(fx->dir, "c.md", "c-discarded\n", "2026-01-10T10:00:00Z", "bob", "side edits c");
	gh_sh(D, "git checkout -q main");
	gh_commit(fx->dir, "a.md", "a3\n", "2026-01-11T10:00:00Z", "alice", "main edits a again");
	gh_sh(D, GH_AT("2026-01-12T10:00:00Z", "carol") "git merge -q --no-ff -s ours discard -m 'merge discard'");
	/* the same change on both sides (cherry-pick), newer on the side */
	gh_sh(D, "git checkout -q -b pick HEAD~1");
	gh_sh(D, "git checkout -q main");
	gh_commit(fx->dir, "e.md", "e1\n", "2026-01-13T10:00:00Z", "alice", "add e on main");
	gh_sh(D, "git checkout -q pick");
	gh_commit(fx->dir, "e.md", "e1\n", "2026-01-14T10:00:00Z", "bob", "add e on side too");
	gh_sh(D, "git checkout -q main && " GH_AT("2026-01-15T10:00:00Z", "carol") "git merge -q --no-ff pick -m 'merge pick'");
	reopen(fx);
	const char *paths[] = {"a.md", "b.md", "c.md", "d.md", "ff.md", "e.md"};
	hist_opts_t o = no_cache_opts();
	walk(fx, paths, 6, &o);
	for (size_t i = 0; i < 6; i++) {
		char *want = git_last(fx, paths[i]);
		assert_last(fx, paths[i], want);
		free(want);
	}
	/* spelled out: what git answers, and why */
	assert_last_grep(fx, "ff.md", "ff edit"); /* fast-forward: the branch commit */
	assert_last_grep(fx, "b.md", "side edits b"); /* merge took the side version unchanged: not the merge */
	assert_last_grep(fx, "d.md", "^merge side"); /* conflict resolved in the merge: the merge counts */
	assert_last_grep(fx, "c.md", "^base$"); /* the side edit was discarded (-s ours) */
	assert_last_grep(fx, "e.md", "add e on main"); /* merge TREESAME to its first parent: the newer side commit is not listed */
	assert_last_grep(fx, "a.md", "main edits a again");
	const hist_entry_t *e = hist_lookup(fx->h, "d.md");
	assert_int_equal(e->last.time, T_2026_01_05 + 4 * 86400 + 36000);
	assert_string_equal(e->last.author, "carol");
}

static void test_renames(void **state)
{
	fx_t *fx = *state;
	const char *D = fx->dir;
	const char *body = "# Node not ready\n\nLine one of a reasonably long body.\nLine two.\nLine three.\n"
			   "Line four.\nLine five.\nLine six.\n";
	gh_commit(fx->dir, "runbooks/old.md", body, "2026-01-05T10:00:00Z", "alice", "add old");
	gh_commit(fx->dir, "runbooks/old.md", "# Node not ready\n\nEdited body line one.\nLine two.\nLine three.\n"
		    "Line four.\nLine five.\nLine six.\n", "2026-01-06T10:00:00Z", "bob", "edit old");
	/* pure rename */
	gh_sh(D, "git mv runbooks/old.md runbooks/mid.md && " GH_AT("2026-01-07T10:00:00Z", "carol") "git commit -q -m 'rename to mid'");
	/* another pure rename, across folders */
	gh_sh(D, "mkdir -p runbooks/k8s && git mv runbooks/mid.md runbooks/k8s/new.md && "
	      GH_AT("2026-01-08T10:00:00Z", "carol") "git commit -q -m 'move to k8s'");
	/* a rename with edits */
	gh_commit(fx->dir, "guides/g1.md", "# Guide\n\nalpha\nbeta\ngamma\ndelta\nepsilon\nzeta\neta\ntheta\n",
		    "2026-01-09T10:00:00Z", "alice", "add g1");
	gh_sh(D, "git mv guides/g1.md guides/g2.md");
	gh_write_file(D, "guides/g2.md", "# Guide\n\nalpha\nbeta\ngamma\ndelta\nepsilon\nzeta\neta\ntheta changed\n");
	gh_sh(D, "git add -A && " GH_AT("2026-01-10T10:00:00Z", "bob") "git commit -q -m 'rename g1 with edits'");
	/* a pure rename back to a name used before by another page */
	reopen(fx);
	const char *paths[] = {"runbooks/k8s/new.md", "guides/g2.md"};
	hist_opts_t o = no_cache_opts();
	walk(fx, paths, 2, &o);
	assert_last_grep(fx, "runbooks/k8s/new.md", "edit old");
	/* the rule the corpus check uses: git log -1 finds the pure rename, then ask for the old path */
	char *first = git_last(fx, "runbooks/k8s/new.md");
	char *mv = grep_id(fx, "move to k8s");
	assert_string_equal(first, mv);
	const hist_entry_t *e = hist_lookup(fx->h, "runbooks/k8s/new.md");
	assert_int_equal(e->nold, 2);
	assert_string_equal(e->old_paths[0], "runbooks/mid.md");
	assert_string_equal(e->old_paths[1], "runbooks/old.md");
	assert_int_equal(e->skipped_renames, 2);
	assert_int_equal(e->last.time, T_2026_01_05 + 86400 + 36000);
	assert_int_equal(e->created, T_2026_01_05 + 36000);
	assert_int_equal(e->complete, 1);
	assert_int_equal(e->nevents, 2); /* renames are not events */
	assert_last_grep(fx, "guides/g2.md", "rename g1 with edits");
	e = hist_lookup(fx->h, "guides/g2.md");
	assert_int_equal(e->nold, 1);
	assert_string_equal(e->old_paths[0], "guides/g1.md");
	assert_int_equal(e->skipped_renames, 0);
	assert_int_equal(e->created, T_2026_01_05 + 4 * 86400 + 36000); /* followed through the edited rename */
	size_t r1, r2, r3;
	hist_ignored_counts(fx->h, &r1, &r2, &r3);
	assert_int_equal(r3, 2);
	assert_int_equal(r1 + r2, 0);
	free(first);
	free(mv);
}

static void test_ignored(void **state)
{
	fx_t *fx = *state;
	const char *D = fx->dir;
	const gh_commit_t history[] = {
		{"a.md", "a1\n", "2026-01-05T10:00:00Z", "alice", "add a"},
		{"b.md", "b1\n", "2026-01-05T11:00:00Z", "alice", "add b"},
		{"a.md", "a1 \n", "2026-01-06T10:00:00Z", "alice", "reformat a"},
		{"b.md", "b2\n", "2026-01-07T10:00:00Z", "renovate[bot]", "bump b"},
		{"a.md", "a2\n", "2026-01-08T10:00:00Z", "dependabot", "bump a"},
	};
	GH_COMMITS(fx->dir, history);
	char *fmt = grep_id(fx, "^reformat a$");
	gh_write_file(D, ".git-blame-ignore-revs", "");
	char *text = xasprintf("# formatting\n%s\n\nnot-a-commit\n", fmt);
	gh_write_file(D, ".git-blame-ignore-revs", text);
	free(text);
	gh_sh(D, "git add .git-blame-ignore-revs && " GH_AT("2026-01-09T10:00:00Z", "alice") "git commit -q -m 'ignore revs'");
	reopen(fx);
	const char *paths[] = {"a.md", "b.md"};
	const char *bots[] = {"\\[bot\\]$", "^dependabot@"};
	hist_opts_t o = no_cache_opts();
	o.ignore_authors = bots;
	o.n_ignore_authors = 2;
	walk(fx, paths, 2, &o);
	assert_last_grep(fx, "a.md", "add a"); /* bot (by e-mail) and the listed formatting commit skipped */
	assert_last_grep(fx, "b.md", "add b"); /* bot by name skipped */
	const hist_entry_t *e = hist_lookup(fx->h, "a.md");
	assert_int_equal(e->skipped_revs, 1);
	assert_int_equal(e->skipped_authors, 1);
	assert_int_equal(e->nevents, 3);
	assert_int_equal(e->events[0].counts, 0);
	assert_int_equal(e->events[1].counts, 0);
	assert_int_equal(e->events[2].counts, 1);
	size_t r1, r2, r3;
	hist_ignored_counts(fx->h, &r1, &r2, &r3);
	assert_int_equal(r1, 1);
	assert_int_equal(r2, 2);
	assert_int_equal(r3, 0);
	/* the bad line is a warning pointing at the file */
	assert_int_equal(fx->d.len, 1);
	assert_string_equal(fx->d.items[0].file, ".git-blame-ignore-revs");
	assert_int_equal(fx->d.items[0].line, 4);
	assert_int_equal(fx->d.items[0].severity, DIAG_WARNING);

	/* without the ignore configuration the newest commits count */
	diag_free(&fx->d);
	diag_init(&fx->d);
	hist_opts_t none = no_cache_opts();
	none.ignore_revs_file = "";
	walk(fx, paths, 2, &none);
	char *want = git_last(fx, "a.md");
	assert_last(fx, "a.md", want);
	free(want);
	hist_ignored_counts(fx->h, &r1, &r2, &r3);
	assert_int_equal(r1 + r2 + r3, 0);

	/* an explicitly named ignore-revs file, and a bad pattern */
	gh_write_file(D, "conf/revs.txt", fmt);
	const char *bad[] = {"(unclosed"};
	hist_opts_t o2 = no_cache_opts();
	o2.ignore_revs_file = "conf/revs.txt";
	o2.ignore_authors = bad;
	o2.n_ignore_authors = 1;
	o2.config_file = "almanac.yml";
	walk(fx, paths, 2, &o2);
	assert_last_grep(fx, "a.md", "bump a");
	assert_int_equal(fx->d.len, 1);
	assert_string_equal(fx->d.items[0].file, "almanac.yml");
	assert_int_equal(fx->d.items[0].severity, DIAG_ERROR);
	/* a named file that is missing is a warning */
	diag_free(&fx->d);
	diag_init(&fx->d);
	o2.ignore_revs_file = "conf/nope.txt";
	o2.n_ignore_authors = 0;
	walk(fx, paths, 2, &o2);
	assert_int_equal(fx->d.len, 1);
	assert_string_equal(fx->d.items[0].code, "ignore-revs");
	free(fmt);
}

static void test_author_date(void **state)
{
	fx_t *fx = *state;
	gh_write_file(fx->dir, "a.md", "a\n");
	gh_sh(fx->dir, "git add a.md && GIT_AUTHOR_DATE='2026-01-01T08:00:00Z' GIT_COMMITTER_DATE='2026-01-05T10:00:00Z' "
		    "git commit -q -m a");
	const char *paths[] = {"a.md"};
	hist_opts_t o = no_cache_opts();
	walk(fx, paths, 1, &o);
	const hist_entry_t *e = hist_lookup(fx->h, "a.md");
	assert_int_equal(e->last.time, T_2026_01_05 + 36000);
	assert_int_equal(e->last.author_time, T_2026_01_05 - 4 * 86400 + 8 * 3600);
	o.use_author_date = 1;
	walk(fx, paths, 1, &o);
	e = hist_lookup(fx->h, "a.md");
	assert_int_equal(e->last.time, T_2026_01_05 - 4 * 86400 + 8 * 3600);
	assert_int_equal(e->events[0].time, e->last.time);
}

static void test_shallow(void **state)
{
	fx_t *fx = *state;
	const char *D = fx->dir;
	char *src = xasprintf("%s/src", D);
	char *cmd = xasprintf("mkdir -p '%s' && cd '%s' && git init -q -b main .", src, src);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	gh_write_file(src, "old.md", "old\n");
	gh_sh(src, "git add old.md"); /* committed with mid.md in "one" */
	const gh_commit_t history[] = {
		{"mid.md", "mid\n", "2026-01-05T10:00:00Z", "alice", "one"},
		{"x.md", "x\n", "2026-01-06T10:00:00Z", "alice", "two"},
		{"mid.md", "mid2\n", "2026-01-07T10:00:00Z", "alice", "three"},
		{"new.md", "new\n", "2026-01-08T10:00:00Z", "alice", "four"},
	};
	GH_COMMITS(src, history);
	char *clone = xasprintf("%s/clone", D);
	gh_sh(D, "git clone -q --depth 2 'file://%s' clone", src);
	diag_list_t d;
	diag_init(&d);
	hist_t *h = NULL;
	assert_int_equal(hist_open(&h, clone, &d), 0);
	assert_int_equal(hist_is_shallow(h), 1);
	const char *paths[] = {"old.md", "mid.md", "x.md", "new.md"};
	hist_opts_t o = no_cache_opts();
	o.since = 0;
	assert_int_equal(hist_walk(h, paths, 4, &o, &d), 0);
	/* commit three (the boundary) contains old.md, mid.md and x.md: none of them may be dated by it */
	for (int i = 0; i < 3; i++) {
		const hist_entry_t *e = hist_lookup(h, paths[i]);
		assert_string_equal(e->last.id, "");
		assert_int_equal(e->truncated, 1);
		assert_int_equal(hist_entry_at(e, T_2026_01_05 + 7 * 86400, NULL), -1);
	}
	char *four = gh_sh_out(clone, "git rev-parse HEAD");
	const hist_entry_t *e = hist_lookup(h, "new.md");
	assert_string_equal(e->last.id, four);
	assert_int_equal(e->truncated, 0);
	/* one warning that says how to fix it */
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].code, "shallow-clone");
	assert_non_null(strstr(d.items[0].message, "fetch-depth: 0"));
	hist_free(h);
	diag_free(&d);
	free(four);
	free(clone);
	free(src);
}

static void test_worktree_status(void **state)
{
	fx_t *fx = *state;
	const char *D = fx->dir;
	gh_write_file(D, ".gitignore", "build/\n*.tmp.md\n");
	gh_write_file(D, "clean.md", "c\n");
	gh_write_file(D, "mod.md", "m\n");
	gh_write_file(D, "staged.md", "s\n");
	gh_sh(D, "git add -A && " GH_AT("2026-01-05T10:00:00Z", "alice") "git commit -q -m base");
	gh_write_file(D, "mod.md", "m2\n");
	gh_write_file(D, "staged.md", "s2\n");
	gh_sh(D, "git add staged.md");
	gh_write_file(D, "new/untracked.md", "u\n");
	gh_write_file(D, "build/ignored.md", "i\n");
	gh_write_file(D, "x.tmp.md", "i\n");
	gh_write_file(D, "added.md", "a\n");
	gh_sh(D, "git add added.md");
	reopen(fx);
	assert_int_equal(hist_worktree_status(fx->h, "clean.md"), HIST_CLEAN);
	assert_int_equal(hist_worktree_status(fx->h, "mod.md"), HIST_MODIFIED);
	assert_int_equal(hist_worktree_status(fx->h, "staged.md"), HIST_MODIFIED);
	assert_int_equal(hist_worktree_status(fx->h, "added.md"), HIST_MODIFIED);
	assert_int_equal(hist_worktree_status(fx->h, "new/untracked.md"), HIST_UNTRACKED);
	assert_int_equal(hist_worktree_status(fx->h, "build/ignored.md"), HIST_IGNORED);
	assert_int_equal(hist_worktree_status(fx->h, "x.tmp.md"), HIST_IGNORED);
	/* an untracked page has no history; a modified one keeps its last commit */
	const char *paths[] = {"new/untracked.md", "mod.md"};
	hist_opts_t o = no_cache_opts();
	walk(fx, paths, 2, &o);
	assert_string_equal(hist_lookup(fx->h, "new/untracked.md")->last.id, "");
	char *base = rev(fx, "HEAD");
	assert_last(fx, "mod.md", base);
	free(base);
}

static void test_watches(void **state)
{
	fx_t *fx = *state;
	const char *D = fx->dir;
	const gh_commit_t history[] = {
		{"runbooks/app.md", "a\n", "2026-01-05T10:00:00Z", "alice", "doc"},
		{"services/app/config.yaml", "v: 1\n", "2026-01-06T10:00:00Z", "bob", "config 1"},
		{"services/app/deep/x.tf", "x\n", "2026-01-07T10:00:00Z", "bob", "tf"},
		{"services/other/config.yaml", "v: 1\n", "2026-01-08T10:00:00Z", "bob", "other"},
		{"services/app/config.yaml", "v: 2\n", "2026-01-20T10:00:00Z", "renovate[bot]", "bot bump"},
	};
	GH_COMMITS(fx->dir, history);
	gh_sh(D, "git mv services/app/deep/x.tf services/app/deep/y.tf && " GH_AT("2026-01-21T10:00:00Z", "bob") "git commit -q -m 'rename tf'");
	reopen(fx);
	const char *paths[] = {"runbooks/app.md"};
	const char *globs[] = {"services/app/config.yaml", "services/app/**/*.tf", "services/*/config.yaml",
			       "services/app", "nothing/**"};
	const char *bots[] = {"\\[bot\\]"};
	hist_opts_t o = no_cache_opts();
	o.watch_globs = globs;
	o.n_watch_globs = 5;
	o.ignore_authors = bots;
	o.n_ignore_authors = 1;
	walk(fx, paths, 1, &o);
	char *c1 = grep_id(fx, "config 1");
	char *tf = grep_id(fx, "^tf$");
	char *other = grep_id(fx, "^other$");
	const hist_watch_t *w = hist_lookup_watch(fx->h, globs[0]);
	assert_non_null(w);
	assert_string_equal(w->commit.id, c1); /* the bot's bump does not count */
	assert_string_equal(w->path, "services/app/config.yaml");
	assert_int_equal(w->commit.time, T_2026_01_05 + 86400 + 36000);
	w = hist_lookup_watch(fx->h, globs[1]);
	assert_string_equal(w->commit.id, tf); /* the pure rename does not count */
	assert_string_equal(w->path, "services/app/deep/x.tf");
	w = hist_lookup_watch(fx->h, globs[2]);
	assert_string_equal(w->commit.id, other);
	w = hist_lookup_watch(fx->h, globs[3]);
	assert_string_equal(w->commit.id, tf); /* a directory watches everything below it */
	w = hist_lookup_watch(fx->h, globs[4]);
	assert_string_equal(w->commit.id, "");
	assert_null(w->path);
	assert_null(hist_lookup_watch(fx->h, "not/asked"));
	free(c1);
	free(tf);
	free(other);
}

static void test_glob_match(void **state)
{
	(void)state;
	assert_true(hist_glob_match("a/b.md", "a/b.md"));
	assert_false(hist_glob_match("a/b.md", "a/b.mdx"));
	assert_true(hist_glob_match("a", "a/b/c.txt"));
	assert_true(hist_glob_match("a/", "a/b/c.txt"));
	assert_true(hist_glob_match("./a/*.md", "a/x.md"));
	assert_false(hist_glob_match("a/*.md", "a/b/x.md"));
	assert_true(hist_glob_match("a/**/*.md", "a/x.md"));
	assert_true(hist_glob_match("a/**/*.md", "a/b/c/x.md"));
	assert_true(hist_glob_match("**/values.yaml", "charts/app/values.yaml"));
	assert_true(hist_glob_match("/charts/*/values.yaml", "charts/app/values.yaml"));
	assert_true(hist_glob_match("conf/app-?.yml", "conf/app-1.yml"));
	assert_false(hist_glob_match("conf/app-?.yml", "conf/app-12.yml"));
	assert_true(hist_glob_match("conf/[ab].yml", "conf/b.yml"));
	assert_false(hist_glob_match("conf/[!ab].yml", "conf/b.yml"));
	assert_true(hist_glob_match("conf/[0-9].yml", "conf/7.yml"));
	assert_false(hist_glob_match("*.tf", "modules/x.tf"));
	assert_false(hist_glob_match("", "x"));
	assert_false(hist_glob_match("b", "bb/x"));
}

/* 12 months of history with several renames: events, `since` and hist_entry_at. */
static void test_events_since(void **state)
{
	fx_t *fx = *state;
	const char *D = fx->dir;
	const gh_commit_t history[] = {
		{"p.md", "p1\n", "2025-01-10T10:00:00Z", "alice", "p1"},
		{"q.md", "q1\n", "2025-02-10T10:00:00Z", "alice", "q1"},
		{"p.md", "p2\n", "2025-03-10T10:00:00Z", "alice", "p2"},
		{"p.md", "p3\n", "2025-06-10T10:00:00Z", "alice", "p3"},
	};
	GH_COMMITS(fx->dir, history);
	gh_sh(D, "git rm -q q.md && " GH_AT("2025-07-10T10:00:00Z", "alice") "git commit -q -m 'rm q'");
	gh_commit(fx->dir, "q.md", "q2\n", "2025-08-10T10:00:00Z", "alice", "q again");
	gh_commit(fx->dir, "p.md", "p4\n", "2025-10-10T10:00:00Z", "alice", "p4");
	reopen(fx);
	const char *paths[] = {"p.md", "q.md"};
	int64_t jun30 = 1751328000 - 86400 + 86399;  /* 2025-06-30T23:59:59Z */
	int64_t may31 = 1748736000 - 1;               /* 2025-05-31T23:59:59Z */
	int64_t jul31 = 1754006399;                   /* 2025-07-31T23:59:59Z */
	hist_opts_t o = no_cache_opts();
	o.since = may31;
	walk(fx, paths, 2, &o);
	const hist_entry_t *p = hist_lookup(fx->h, "p.md");
	/* p4, p3 (inside the window) and p2, the newest before it; not p1 */
	assert_int_equal(p->nevents, 3);
	assert_int_equal(p->complete, 0);
	assert_int_equal(p->created, 0);
	int64_t lt;
	assert_int_equal(hist_entry_at(p, jun30, &lt), 1);
	assert_int_equal(lt, 1749549600); /* 2025-06-10T10:00:00Z */
	assert_int_equal(hist_entry_at(p, may31, &lt), 1);
	assert_int_equal(lt, 1741600800); /* 2025-03-10T10:00:00Z */
	assert_int_equal(hist_entry_at(p, 1736000000, &lt), -1); /* before the walk window: unknown */
	/* q: deleted in July, re-created in August: the page's history starts at its
	 * (re-)creation, so it is absent at the end of July and of June */
	const hist_entry_t *q = hist_lookup(fx->h, "q.md");
	assert_int_equal(q->complete, 1);
	assert_int_equal(q->created, 1754820000); /* 2025-08-10T10:00:00Z */
	assert_int_equal(hist_entry_at(q, jul31, &lt), 0);
	assert_int_equal(hist_entry_at(q, jun30, &lt), 0);
	assert_int_equal(hist_entry_at(q, 1754820000, &lt), 1);
	assert_int_equal(lt, 1754820000);
	/* only the last commit */
	o.since = HIST_SINCE_LAST_ONLY;
	walk(fx, paths, 2, &o);
	p = hist_lookup(fx->h, "p.md");
	assert_int_equal(p->nevents, 1);
	char *p4 = git_last(fx, "p.md");
	assert_last(fx, "p.md", p4);
	free(p4);
	/* the whole history */
	o.since = 0;
	walk(fx, paths, 2, &o);
	p = hist_lookup(fx->h, "p.md");
	assert_int_equal(p->nevents, 4);
	assert_int_equal(p->complete, 1);
	assert_int_equal(hist_entry_at(p, 1736000000, &lt), 0); /* before its creation */
}

static int copy_file(const char *from, const char *to, long keep)
{
	FILE *f = fopen(from, "rb");
	if (!f)
		return -1;
	buf_t b = BUF_INIT;
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_put(&b, chunk, n);
	fclose(f);
	if (keep >= 0 && (size_t)keep < b.len)
		b.len = (size_t)keep;
	FILE *g = fopen(to, "wb");
	if (!g) {
		buf_free(&b);
		return -1;
	}
	fwrite(b.s, 1, b.len, g);
	fclose(g);
	buf_free(&b);
	return 0;
}

/* Copy `from` to `to` with the byte at `off` XORed with `mask`. */
static void copy_flipped(const char *from, const char *to, long off, int mask)
{
	assert_int_equal(copy_file(from, to, -1), 0);
	FILE *f = fopen(to, "r+b");
	assert_non_null(f);
	fseek(f, off, SEEK_SET);
	int ch = fgetc(f);
	fseek(f, off, SEEK_SET);
	fputc(ch ^ mask, f);
	fclose(f);
}

static void assert_same_commit(const hist_commit_t *x, const hist_commit_t *y)
{
	assert_string_equal(x->id, y->id);
	assert_int_equal(x->time, y->time);
	assert_int_equal(x->commit_time, y->commit_time);
	assert_int_equal(x->author_time, y->author_time);
	assert_string_equal(x->author, y->author);
	assert_string_equal(x->email, y->email);
	assert_string_equal(x->summary, y->summary);
}

/* Compare every page's result (every field) between two handles. */
static void assert_same_results(hist_t *a, hist_t *b, const char *const *paths, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const hist_entry_t *x = hist_lookup(a, paths[i]), *y = hist_lookup(b, paths[i]);
		assert_non_null(x);
		assert_non_null(y);
		assert_string_equal(x->path, y->path);
		assert_same_commit(&x->last, &y->last);
		assert_int_equal(x->truncated, y->truncated);
		assert_int_equal(x->history_truncated, y->history_truncated);
		assert_int_equal(x->complete, y->complete);
		assert_int_equal(x->created, y->created);
		assert_int_equal(x->nevents, y->nevents);
		for (size_t k = 0; k < x->nevents; k++) {
			assert_int_equal(x->events[k].time, y->events[k].time);
			assert_int_equal(x->events[k].counts, y->events[k].counts);
			assert_int_equal(x->events[k].exists, y->events[k].exists);
		}
		assert_int_equal(x->nold, y->nold);
		for (size_t k = 0; k < x->nold; k++)
			assert_string_equal(x->old_paths[k], y->old_paths[k]);
		assert_int_equal(x->skipped_revs, y->skipped_revs);
		assert_int_equal(x->skipped_authors, y->skipped_authors);
		assert_int_equal(x->skipped_renames, y->skipped_renames);
	}
	size_t r1, a1, n1, r2, a2, n2;
	hist_ignored_counts(a, &r1, &a1, &n1);
	hist_ignored_counts(b, &r2, &a2, &n2);
	assert_int_equal(r1, r2);
	assert_int_equal(a1, a2);
	assert_int_equal(n1, n2);
}

static void assert_same_watches(hist_t *a, hist_t *b, const char *const *globs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const hist_watch_t *x = hist_lookup_watch(a, globs[i]), *y = hist_lookup_watch(b, globs[i]);
		assert_non_null(x);
		assert_non_null(y);
		assert_string_equal(x->glob, y->glob);
		assert_same_commit(&x->commit, &y->commit);
		if (!x->path || !y->path)
			assert_true(x->path == y->path);
		else
			assert_string_equal(x->path, y->path);
	}
}

static void test_cache(void **state)
{
	fx_t *fx = *state;
	const char *D = fx->dir;
	const char *body = "# T\n\none\ntwo\nthree\nfour\nfive\nsix\nseven\n";
	const gh_commit_t history[] = {
		{"a.md", "a1\n", "2026-01-05T10:00:00Z", "alice", "a1"},
		{"b.md", body, "2026-01-06T10:00:00Z", "alice", "b1"},
		{"a.md", "a2\n", "2026-01-07T10:00:00Z", "alice", "a2"},
	};
	GH_COMMITS(fx->dir, history);
	gh_sh(D, "git mv b.md c.md && " GH_AT("2026-01-08T10:00:00Z", "alice") "git commit -q -m 'b to c'");
	reopen(fx);
	const char *paths[] = {"a.md", "c.md"};
	char *cdir = xasprintf("%s/cache", D);
	hist_opts_t o;
	memset(&o, 0, sizeof o);
	o.cache_dir = cdir;
	hist_stats_t st = walk_stats(fx, paths, 2, &o);
	assert_int_equal(st.cache_loaded, 0);
	assert_int_equal(st.cache_written, 1);
	assert_int_equal(st.commits_diffed, 4);
	/* a second build after new commits reads trees only for the new ones */
	gh_commit(fx->dir, "a.md", "a3\n", "2026-01-09T10:00:00Z", "bob", "a3");
	gh_commit(fx->dir, "d.md", "d\n", "2026-01-10T10:00:00Z", "bob", "d");
	st = rewalk_stats(fx, paths, 2, &o);
	assert_int_equal(st.cache_loaded, 1);
	assert_int_equal(st.commits_diffed, 2);
	assert_int_equal(st.commits_cached, 4);
	char *a3 = git_last(fx, "a.md");
	assert_last(fx, "a.md", a3);
	char *b1 = grep_id(fx, "^b1$");
	assert_last(fx, "c.md", b1);
	assert_int_equal(hist_lookup(fx->h, "c.md")->nold, 1);
	/* a third build: everything from the cache, the default (whole-history) answers */
	st = rewalk_stats(fx, paths, 2, &o);
	assert_int_equal(st.commits_diffed, 0);
	assert_int_equal(st.cache_written, 0);
	assert_int_equal(st.results_cached, 1); /* the same question as the second build */
	/* the same results as without a cache */
	hist_t *plain = NULL;
	assert_int_equal(hist_open(&plain, D, &fx->d), 0);
	hist_opts_t nc = no_cache_opts();
	assert_int_equal(hist_walk(plain, paths, 2, &nc, &fx->d), 0);
	assert_same_results(fx->h, plain, paths, 2);
	/* force-push: history rewritten (a3 dropped, a different a.md change instead) */
	gh_sh(D, "git reset -q --hard HEAD~2");
	gh_commit(fx->dir, "a.md", "a-rewritten\n", "2026-01-11T10:00:00Z", "carol", "a rewritten");
	reopen(fx);
	walk(fx, paths, 2, &o);
	char *rw = git_last(fx, "a.md");
	assert_last(fx, "a.md", rw);
	assert_string_equal(hist_lookup(fx->h, "a.md")->last.author, "carol");
	hist_stats(fx->h, &st);
	assert_int_equal(st.commits_diffed, 1);
	/* the cached facts do not depend on the configuration: ignoring carol now
	 * (and the author date) gives git's answer without reading any tree */
	const char *carol[] = {"^carol$"};
	hist_opts_t oc = o;
	oc.ignore_authors = carol;
	oc.n_ignore_authors = 1;
	oc.use_author_date = 1;
	st = walk_stats(fx, paths, 2, &oc);
	assert_int_equal(st.commits_diffed, 0);
	assert_last_grep(fx, "a.md", "^a2$");
	assert_int_equal(hist_lookup(fx->h, "a.md")->skipped_authors, 1);
	/* corrupt and truncated cache files are ignored, never trusted */
	char *file = xasprintf("%s/history-cache", cdir);
	char *save = xasprintf("%s/saved", cdir);
	char *results = xasprintf("%s/history-results", cdir);
	assert_int_equal(copy_file(file, save, -1), 0);
	struct stat sb;
	assert_int_equal(stat(file, &sb), 0);
	long cuts[] = {0, 5, 20, (long)sb.st_size / 2, (long)sb.st_size - 1};
	for (size_t k = 0; k < sizeof cuts / sizeof *cuts; k++) {
		assert_int_equal(copy_file(save, file, cuts[k]), 0);
		unlink(results); /* else the answers come from the result table without reading the facts */
		st = rewalk_stats(fx, paths, 2, &o);
		assert_int_equal(st.cache_loaded, 0);
		assert_int_equal(st.cache_rejected, 1);
		assert_last(fx, "a.md", rw);
		assert_last(fx, "c.md", b1);
	}
	/* flip one byte in the middle: the checksum catches it */
	copy_flipped(save, file, (long)sb.st_size / 2, 0x5a);
	unlink(results);
	st = rewalk_stats(fx, paths, 2, &o);
	assert_int_equal(st.cache_rejected, 1);
	assert_last(fx, "a.md", rw);
	/* the default location is inside the git folder */
	hist_opts_t def;
	memset(&def, 0, sizeof def);
	reopen(fx);
	walk(fx, paths, 2, &def);
	char *dflt = xasprintf("%s/.git/almanac/history-cache", D);
	assert_int_equal(stat(dflt, &sb), 0);
	hist_free(plain);
	free(dflt);
	free(results);
	free(file);
	free(save);
	free(a3);
	free(b1);
	free(rw);
	free(cdir);
}


/* Walk `paths`/`globs` with `o` on a fresh handle and without any cache, and
 * check that fx->h (walked with `o` too) gave exactly the same answers. */
static void assert_same_as_uncached(fx_t *fx, const char *const *paths, size_t n, const char *const *globs,
				    size_t ng, const hist_opts_t *o)
{
	hist_t *plain = NULL;
	assert_int_equal(hist_open(&plain, fx->dir, &fx->d), 0);
	hist_opts_t nc = *o;
	nc.cache_dir = "";
	assert_int_equal(hist_walk(plain, paths, n, &nc, &fx->d), 0);
	assert_same_results(fx->h, plain, paths, n);
	assert_same_watches(fx->h, plain, globs, ng);
	hist_free(plain);
}

/* The result table: a warm walk asking the same question of the same HEAD
 * reads the answers back (no commit replayed) and they are exactly the
 * uncached answers; any change of HEAD or of a setting the answers depend on
 * replays the facts; a damaged or foreign table is never trusted. */
static void test_results_table(void **state)
{
	fx_t *fx = *state;
	const char *D = fx->dir;
	const char *body = "# T\n\none\ntwo\nthree\nfour\nfive\nsix\nseven\n";
	const gh_commit_t history[] = {
		{"docs/a.md", "a1\n", "2026-01-05T10:00:00Z", "alice", "a1"},
		{"docs/b.md", body, "2026-01-06T10:00:00Z", "alice", "b1"},
		{"svc/conf.yaml", "v: 1\n", "2026-01-07T10:00:00Z", "bob", "conf 1"},
		{"docs/a.md", "a2\n", "2026-01-08T10:00:00Z", "renovate[bot]", "bot a2"},
	};
	GH_COMMITS(fx->dir, history);
	gh_sh(D, "git mv docs/b.md docs/c.md && " GH_AT("2026-01-09T10:00:00Z", "alice") "git commit -q -m 'b to c'");
	gh_commit(fx->dir, "docs/a.md", "a3\n", "2026-01-10T10:00:00Z", "carol", "a3 reformat");
	gh_commit(fx->dir, "svc/conf.yaml", "v: 2\n", "2026-01-11T10:00:00Z", "bob", "conf 2");
	char *a3 = grep_id(fx, "^a3 reformat$");
	gh_write_file(D, ".git-blame-ignore-revs", "");
	char *ign = xasprintf("%s\n", a3);
	gh_write_file(D, "ignore-revs", ign);
	reopen(fx);
	const char *paths[] = {"docs/a.md", "docs/c.md", "docs/new.md"};
	const char *globs[] = {"svc/**", "nothing/*"};
	const char *bots[] = {"\\[bot\\]$"};
	char *cdir = xasprintf("%s/cache", D);
	char *results = xasprintf("%s/history-results", cdir);
	hist_opts_t o;
	memset(&o, 0, sizeof o);
	o.cache_dir = cdir;
	o.ignore_revs_file = "ignore-revs";
	o.ignore_authors = bots;
	o.n_ignore_authors = 1;
	o.watch_globs = globs;
	o.n_watch_globs = 2;
	o.all_old_paths = 1;
	o.since = T_2026_01_05;
	hist_stats_t st = walk_stats(fx, paths, 3, &o);
	assert_int_equal(st.results_cached, 0);
	assert_int_equal(st.results_written, 1);
	assert_true(st.commits_diffed > 0);
	/* the second build: no commit replayed, the same answers (events, old
	 * names, skipped commits, watches, ignored counts) as without any cache */
	st = rewalk_stats(fx, paths, 3, &o);
	assert_int_equal(st.results_cached, 1);
	assert_int_equal(st.results_written, 0);
	assert_int_equal(st.commits_walked, 0);
	assert_int_equal(st.commits_cached, 0);
	assert_int_equal(st.commits_diffed, 0);
	assert_int_equal(st.cache_loaded, 0); /* the facts were not even read */
	assert_last_grep(fx, "docs/a.md", "^a1$"); /* a3 is in the ignore-revs file, a2 by a bot */
	assert_int_equal(hist_lookup(fx->h, "docs/a.md")->skipped_revs, 1);
	assert_int_equal(hist_lookup(fx->h, "docs/c.md")->nold, 1);
	assert_string_equal(hist_lookup(fx->h, "docs/c.md")->old_paths[0], "docs/b.md");
	assert_string_equal(hist_lookup(fx->h, "docs/new.md")->last.id, "");
	assert_string_equal(hist_lookup_watch(fx->h, "svc/**")->path, "svc/conf.yaml");
	assert_null(hist_lookup_watch(fx->h, "docs/a.md"));
	assert_null(hist_lookup(fx->h, "docs/b.md"));
	assert_same_as_uncached(fx, paths, 3, globs, 2, &o);
	/* with all_old_paths, `since` changes nothing: a build on another day still matches */
	hist_opts_t later = o;
	later.since = T_2026_01_05 + 30 * 86400;
	st = walk_stats(fx, paths, 3, &later);
	assert_int_equal(st.results_cached, 1);
	assert_same_as_uncached(fx, paths, 3, globs, 2, &later);
	/* each setting the answers depend on: another answer, never the stored one */
	struct {
		const char *what;
		hist_opts_t o;
	} variants[8];
	size_t nv = 0;
	const char *carol[] = {"^carol$"};
	const char *globs2[] = {"svc/**", "nothing/*", "docs/*.md"};
	variants[nv].what = "ignored authors";
	variants[nv].o = o;
	variants[nv].o.ignore_authors = carol;
	nv++;
	variants[nv].what = "no ignore-revs";
	variants[nv].o = o;
	variants[nv].o.ignore_revs_file = "";
	nv++;
	variants[nv].what = "author date";
	variants[nv].o = o;
	variants[nv].o.use_author_date = 1;
	nv++;
	variants[nv].what = "watches";
	variants[nv].o = o;
	variants[nv].o.watch_globs = globs2;
	variants[nv].o.n_watch_globs = 3;
	nv++;
	variants[nv].what = "since without all_old_paths";
	variants[nv].o = o;
	variants[nv].o.all_old_paths = 0;
	nv++;
	for (size_t k = 0; k < nv; k++) {
		const hist_opts_t *v = &variants[k].o;
		walk(fx, paths, 3, &o); /* the stored table answers o */
		st = walk_stats(fx, paths, 3, v);
		if (st.results_cached)
			fail_msg("%s changed but the stored answers were used", variants[k].what);
		assert_same_as_uncached(fx, paths, 3, v->watch_globs, v->n_watch_globs, v);
	}
	/* the same file name, another content of the ignore-revs file */
	walk(fx, paths, 3, &o);
	gh_write_file(D, "ignore-revs", "# nothing ignored now\n");
	st = walk_stats(fx, paths, 3, &o);
	assert_int_equal(st.results_cached, 0);
	assert_last(fx, "docs/a.md", a3 /* by carol, not ignored any more */);
	assert_same_as_uncached(fx, paths, 3, globs, 2, &o);
	/* another page set */
	const char *two[] = {"docs/c.md", "docs/a.md"};
	st = walk_stats(fx, two, 2, &o);
	assert_int_equal(st.results_cached, 0);
	assert_same_as_uncached(fx, two, 2, globs, 2, &o);
	gh_write_file(D, "ignore-revs", ign);
	/* a new commit: HEAD moved, only the new commit is read */
	walk(fx, paths, 3, &o);
	gh_commit(fx->dir, "docs/a.md", "a4\n", "2026-01-12T10:00:00Z", "alice", "a4");
	st = rewalk_stats(fx, paths, 3, &o);
	assert_int_equal(st.results_cached, 0);
	assert_int_equal(st.commits_diffed, 1);
	char *a4 = git_last(fx, "docs/a.md");
	assert_last(fx, "docs/a.md", a4);
	free(a4);
	st = rewalk_stats(fx, paths, 3, &o);
	assert_int_equal(st.results_cached, 1);
	assert_same_as_uncached(fx, paths, 3, globs, 2, &o);
	/* a damaged table is rejected (and rewritten), never trusted */
	char *save = xasprintf("%s/saved-results", cdir);
	assert_int_equal(copy_file(results, save, -1), 0);
	struct stat sb;
	assert_int_equal(stat(results, &sb), 0);
	long cuts[] = {0, 7, 30, (long)sb.st_size / 2, (long)sb.st_size - 1};
	for (size_t k = 0; k < sizeof cuts / sizeof *cuts; k++) {
		assert_int_equal(copy_file(save, results, cuts[k]), 0);
		st = rewalk_stats(fx, paths, 3, &o);
		assert_int_equal(st.results_cached, 0);
		assert_int_equal(st.results_rejected, 1);
		assert_int_equal(st.results_written, 1);
		assert_same_as_uncached(fx, paths, 3, globs, 2, &o);
	}
	/* every byte position matters: the checksum, the version and the ABI tag */
	long offs[] = {3, 8, 12, (long)sb.st_size / 3, (long)sb.st_size / 2, (long)sb.st_size - 3};
	for (size_t k = 0; k < sizeof offs / sizeof *offs; k++) {
		copy_flipped(save, results, offs[k], 0x01);
		st = rewalk_stats(fx, paths, 3, &o);
		if (st.results_cached || !st.results_rejected)
			fail_msg("a result table with byte %ld changed was used", offs[k]);
		assert_same_as_uncached(fx, paths, 3, globs, 2, &o);
	}
	/* safe to delete */
	unlink(results);
	st = rewalk_stats(fx, paths, 3, &o);
	assert_int_equal(st.results_cached, 0);
	assert_int_equal(st.results_rejected, 0);
	assert_same_as_uncached(fx, paths, 3, globs, 2, &o);
	free(save);
	free(a3);
	free(ign);
	free(results);
	free(cdir);
}

/* A shallow clone's answers can change when history is fetched without HEAD
 * moving: they are never stored in the result table. */
static void test_results_shallow(void **state)
{
	fx_t *fx = *state;
	const char *D = fx->dir;
	const gh_commit_t history[] = {
		{"a.md", "1\n", "2026-01-05T10:00:00Z", "alice", "one"},
		{"b.md", "1\n", "2026-01-06T10:00:00Z", "alice", "two"},
		{"b.md", "2\n", "2026-01-07T10:00:00Z", "alice", "three"},
	};
	GH_COMMITS(fx->dir, history);
	gh_sh(D, "git clone -q --depth 1 'file://%s' clone", D);
	char *clone = xasprintf("%s/clone", D);
	char *cdir = xasprintf("%s/cache-shallow", D);
	hist_t *h = NULL;
	diag_list_t d;
	diag_init(&d);
	assert_int_equal(hist_open(&h, clone, &d), 0);
	hist_opts_t o;
	memset(&o, 0, sizeof o);
	o.cache_dir = cdir;
	const char *paths[] = {"a.md", "b.md"};
	for (int k = 0; k < 2; k++) {
		assert_int_equal(hist_walk(h, paths, 2, &o, &d), 0);
		hist_stats_t st;
		hist_stats(h, &st);
		assert_int_equal(st.results_cached, 0);
		assert_int_equal(st.results_written, 0);
		assert_int_equal(hist_lookup(h, "a.md")->truncated, 1);
	}
	hist_free(h);
	diag_free(&d);
	free(cdir);
	free(clone);
}

/* Many small commits on nested folders, packed by git itself (REF_DELTA and
 * OFS_DELTA chains, two packs) plus loose commits on top: the walk reads the
 * packs directly and must agree with git for every path. */
/* Mappings of the pack files of the repository in `dir` in this process. */
static int packs_mapped(const char *dir)
{
	FILE *f = fopen("/proc/self/maps", "r");
	assert_non_null(f);
	char line[4096];
	int n = 0;
	while (fgets(line, sizeof line, f))
		if (strstr(line, dir) && strstr(line, "/objects/pack/pack-"))
			n++;
	fclose(f);
	return n;
}

static void test_packed(void **state)
{
	fx_t *fx = *state;
	const char *D = fx->dir;
	const char *files[] = {"a/x.md", "a/b/y.md", "a/b/c/z.md", "d/w.md", "top.md"};
	char date[64], text[256];
	int day = 0;
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 24; i++) {
			const char *f = files[(i * 7 + round) % 5];
			snprintf(text, sizeof text, "# %s\n\nround %d edit %d\n%s\n", f, round, i,
				 "a line that stays the same so that git makes deltas of these blobs and trees");
			gh_write_file(D, f, text);
			snprintf(date, sizeof date, "2025-%02d-%02dT10:00:00Z", 1 + day / 28, 1 + day % 28);
			day++;
			gh_sh(D, "git add -A && GIT_AUTHOR_DATE=%s GIT_COMMITTER_DATE=%s git commit -q -m 'r%d e%d'", date, date,
			   round, i);
			if (i == 12) {
				/* a side branch merged back */
				gh_sh(D, "git checkout -q -b side%d", round);
				gh_write_file(D, "d/side.md", text);
				snprintf(date, sizeof date, "2025-%02d-%02dT11:00:00Z", 1 + day / 28, 1 + day % 28);
				gh_sh(D, "git add -A && GIT_AUTHOR_DATE=%s GIT_COMMITTER_DATE=%s git commit -q -m side", date, date);
				gh_sh(D, "git checkout -q main && GIT_AUTHOR_DATE=%s GIT_COMMITTER_DATE=%s "
				      "git merge -q --no-ff side%d -m merge", date, date, round);
			}
		}
		if (round == 0)
			gh_sh(D, "git -c repack.useDeltaBaseOffset=false repack -q -a -d -f --depth=8 --window=10");
		else if (round == 1)
			gh_sh(D, "git repack -q -d --depth=8 --window=10");
	}
	gh_sh(D, "git mv a/b/c/z.md a/b/c/z2.md && GIT_AUTHOR_DATE=2025-09-01T10:00:00Z "
	      "GIT_COMMITTER_DATE=2025-09-01T10:00:00Z git commit -q -m mv");
	reopen(fx);
	const char *paths[] = {"a/x.md", "a/b/y.md", "a/b/c/z2.md", "d/w.md", "top.md", "d/side.md"};
	hist_opts_t o = no_cache_opts();
	walk(fx, paths, 6, &o);
	hist_stats_t st;
	hist_stats(fx->h, &st);
	assert_true(st.objects_packed > 50);
	assert_true(st.objects_libgit2 > 0); /* the loose commits on top */
	for (size_t i = 0; i < 6; i++) {
		char *want = git_last(fx, i == 2 ? "a/b/c/z.md" : paths[i]);
		if (i == 2) {
			free(want);
			want = gh_sh_out(D, "git log -1 --format=%%H HEAD^ -- a/b/c/z.md");
		}
		assert_last(fx, paths[i], want);
		free(want);
	}
	/* every event: the same list of commits as git log (no renames or ignores here) */
	const hist_entry_t *e = hist_lookup(fx->h, "a/x.md");
	char *count = gh_sh_out(D, "git log --format=%%H -- a/x.md | wc -l");
	assert_int_equal(e->nevents, (size_t)atoi(count));
	free(count);

	/* after the walk and the status, the build drops what reads objects: no
	 * pack of the repository stays mapped, and answers, status and a later
	 * walk (serve) still work */
	gh_write_file(D, "top.md", "# top\n\nedited, not committed\n");
	assert_int_equal(hist_worktree_status(fx->h, "top.md"), HIST_MODIFIED);
	assert_true(packs_mapped(D) > 0); /* libgit2's, for the status's reads of HEAD's tree */
	char *before = xstrdup(hist_lookup(fx->h, "a/x.md")->last.id);
	hist_release_objects(fx->h);
	assert_int_equal(packs_mapped(D), 0);
	assert_string_equal(hist_lookup(fx->h, "a/x.md")->last.id, before);
	assert_int_equal(hist_worktree_status(fx->h, "a/x.md"), HIST_CLEAN);
	assert_int_equal(hist_worktree_status(fx->h, "top.md"), HIST_MODIFIED);
	free(before);
	walk(fx, paths, 6, &o); /* the commits' facts are remembered; HEAD's trees (loose) are read again */
	hist_stats(fx->h, &st);
	assert_true(st.objects_libgit2 > 0);
	char *want = git_last(fx, "a/x.md");
	assert_last(fx, "a/x.md", want);
	free(want);
	want = git_last(fx, "a/b/y.md");
	assert_last(fx, "a/b/y.md", want);
	free(want);
}

/* Ctrl-C during a long walk: a raised stop flag ends it within a few hundred
 * commits, with no answers, no diagnostic and nothing cached; lowered, the
 * same walk completes. 600 commits made with git fast-import. */
static void test_stop(void **state)
{
	fx_t *fx = *state;
	const char *D = fx->dir;
	char *stream = xasprintf("%s.fi", D);
	FILE *f = fopen(stream, "w");
	assert_non_null(f);
	for (int i = 0; i < 600; i++) {
		char body[64];
		int n = snprintf(body, sizeof body, "edit %d\n", i);
		fprintf(f, "commit refs/heads/main\ncommitter Ann <ann@example.com> %d +0000\ndata 4\nedit\n",
			1700000000 + i * 60); /* each commit follows the branch's last one */
		fprintf(f, "M 100644 inline a.md\ndata %d\n%s\n", n, body);
		if (i == 0)
			fprintf(f, "M 100644 inline b.md\ndata 2\nb\n\n");
	}
	fclose(f);
	gh_sh(D, "git fast-import --quiet < '%s' && git checkout -q -f main", stream);
	unlink(stream);
	free(stream);
	reopen(fx);
	char *cache = xasprintf("%s/.almanac-cache", D);
	hist_opts_t o = no_cache_opts();
	o.cache_dir = cache;
	atomic_int stop = 1;
	o.stop = &stop;
	const char *paths[] = {"a.md", "b.md"}; /* b.md: only the root commit answers it */
	assert_int_equal(hist_walk(fx->h, paths, 2, &o, &fx->d), HIST_STOPPED);
	assert_int_equal(fx->d.len, 0);
	/* the work tree's status stops too (a million files would take seconds): its lookups then answer from
	 * the index */
	gh_write_file(D, "a.md", "edited\n");
	assert_int_equal(hist_worktree_status(fx->h, "a.md"), HIST_CLEAN);
	assert_string_equal(hist_worktree_error(fx->h), "interrupted");
	/* and while the stop flag is up, a path the index lacks is not looked up in the ignore rules (each
	 * lookup reads them: 100,000 pages took 0.4 s after Ctrl-C); once it is down, it is */
	gh_write_file(D, ".gitignore", "*.log\n");
	gh_write_file(D, "x.log", "x\n");
	assert_int_equal(hist_worktree_status(fx->h, "x.log"), HIST_CLEAN);
	hist_stats_t st;
	hist_stats(fx->h, &st);
	assert_true(st.commits_walked <= 256);
	char *res = xasprintf("%s/history-results", cache);
	assert_int_equal(access(res, F_OK), -1);
	stop = 0;
	assert_int_equal(hist_worktree_status(fx->h, "x.log"), HIST_IGNORED);
	walk(fx, paths, 2, &o);
	char *root = gh_sh_out(D, "git rev-list --max-parents=0 HEAD");
	assert_last(fx, "b.md", root);
	assert_int_equal(access(res, F_OK), 0);
	free(root);
	free(res);
	free(cache);
}

/* ------------------------------------------------------------------------ */
/* corpus check and the dump mode                                            */
/* ------------------------------------------------------------------------ */

typedef struct {
	char **v;
	size_t n, cap;
} strv_t;

static int collect_md(const char *root, const git_tree_entry *entry, void *payload)
{
	strv_t *v = payload;
	const char *name = git_tree_entry_name(entry);
	size_t n = strlen(name);
	if (git_tree_entry_type(entry) == GIT_OBJECT_BLOB && n > 3 && strcmp(name + n - 3, ".md") == 0) {
		if (v->n == v->cap) {
			v->cap = v->cap ? v->cap * 2 : 256;
			v->v = xrealloc(v->v, v->cap * sizeof *v->v);
		}
		v->v[v->n++] = xasprintf("%s%s", root, name);
	}
	return 0;
}

static int list_md(const char *repo, strv_t *out)
{
	git_repository *r = NULL;
	git_object *t = NULL;
	git_libgit2_init();
	int rc = git_repository_open_ext(&r, repo, 0, NULL);
	if (rc == 0)
		rc = git_revparse_single(&t, r, "HEAD^{tree}");
	if (rc == 0)
		rc = git_tree_walk((git_tree *)t, GIT_TREEWALK_PRE, collect_md, out);
	git_object_free(t);
	git_repository_free(r);
	git_libgit2_shutdown();
	return rc;
}

static void strv_free(strv_t *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->v[i]);
	free(v->v);
}

static int dump_main(const char *repo)
{
	git_libgit2_init();
	strv_t v = {0};
	if (list_md(repo, &v) < 0) {
		fprintf(stderr, "cannot list %s\n", repo);
		return 2;
	}
	diag_list_t d;
	diag_init(&d);
	hist_t *h = NULL;
	if (hist_open(&h, repo, &d) < 0) {
		diag_print(&d, stderr, DIAG_FMT_TEXT, 0, 0);
		return 2;
	}
	hist_opts_t o;
	memset(&o, 0, sizeof o);
	const char *since = getenv("ALMANAC_HIST_SINCE");
	if (since && *since)
		o.since = strtoll(since, NULL, 10);
	o.cache_dir = getenv("ALMANAC_HIST_CACHE");
	o.all_old_paths = getenv("ALMANAC_HIST_ALL_OLD") != NULL;
	int full = getenv("ALMANAC_HIST_DUMP_FULL") != NULL;
	if (hist_walk(h, (const char *const *)v.v, v.n, &o, &d) < 0) {
		diag_print(&d, stderr, DIAG_FMT_TEXT, 0, 0);
		return 2;
	}
	diag_print(&d, stderr, DIAG_FMT_TEXT, 0, 0);
	for (size_t i = 0; i < v.n; i++) {
		const hist_entry_t *e = hist_lookup(h, v.v[i]);
		printf("%s\t%s\t%lld\t%s%s\t", e->path, e->last.id, (long long)e->last.time, e->truncated ? "T" : "-",
		       e->complete ? "C" : "-");
		for (size_t k = 0; k < e->nold; k++)
			printf("%s%s", k ? "," : "", e->old_paths[k]);
		if (full) {
			/* everything else a build uses: the cache must not change any of it */
			printf("\t%s|%s|%lld|%lld|%d%d%d|%zu,%zu,%zu|", e->last.author, e->last.email,
			       (long long)e->last.commit_time, (long long)e->last.author_time, e->history_truncated,
			       e->complete, e->truncated, e->skipped_revs, e->skipped_authors, e->skipped_renames);
			printf("%lld|", (long long)e->created);
			for (size_t k = 0; k < e->nevents; k++)
				printf("%s%lld:%d%d", k ? "," : "", (long long)e->events[k].time, e->events[k].counts,
				       e->events[k].exists);
			printf("|%s", e->last.summary);
		}
		printf("\n");
	}
	if (full) {
		size_t revs, authors, renames;
		hist_ignored_counts(h, &revs, &authors, &renames);
		printf("ignored\t%zu\t%zu\t%zu\n", revs, authors, renames);
	}
	hist_stats_t st;
	hist_stats(h, &st);
	fprintf(stderr,
		"hist: %zu pages, %.3f s (%.3f s cpu), walked %zu commits (%zu diffed, %zu from cache), %zu trees read, "
		"%zu objects from packs, %zu via libgit2, %zu similarity checks, cache loaded %d rejected %d "
		"written %d, results cached %d written %d\n",
		v.n, st.seconds, st.cpu_seconds, st.commits_walked, st.commits_diffed, st.commits_cached, st.trees_read,
		st.objects_packed, st.objects_libgit2, st.renames_checked, st.cache_loaded, st.cache_rejected,
		st.cache_written, st.results_cached, st.results_written);
	hist_free(h);
	diag_free(&d);
	strv_free(&v);
	git_libgit2_shutdown();
	return 0;
}

/* The git CLI answer of rules 1-2 for every .md at HEAD, as "path<TAB>id" lines:
 * `git log -1 -- PATH`, and when that commit is a pure rename of the path
 * (a rename git -M reports with the same blob and mode on both sides, collected once up
 * front from `git log -M --raw`), ask again for
 * the old path at the commit's parent. */
static const char EXPECT_SH[] =
	"declare -A R\n"
	"while IFS=$'\\t' read -r c new old; do R[\"$c\t$new\"]=$old; done < <(git log -M --raw --no-abbrev --format='C%x09%H' HEAD | awk -F'\\t' '$1==\"C\" {c=$2; next} /^:/ {split($1, m, \" \"); if (m[5] ~ /^R/ && m[3] == m[4] && substr(m[1], 2) == m[2]) print c \"\\t\" $3 \"\\t\" $2}')\n"
	"git ls-files -z -- '*.md' | while IFS= read -r -d '' p; do\n"
	"  cur=$p; start=HEAD\n"
	"  while :; do\n"
	"    id=$(git log -1 --format=%H \"$start\" -- \"$cur\")\n"
	"    [ -z \"$id\" ] && break\n"
	"    old=${R[\"$id\t$cur\"]}\n"
	"    [ -z \"$old\" ] && break\n"
	"    cur=$old; start=$id^\n"
	"  done\n"
	"  printf '%s\\t%s\\n' \"$p\" \"$id\"\n"
	"done\n";

static void test_corpus(void **state)
{
	(void)state;
	const char *shared = getenv("ALMANAC_SHARED");
	char *mk = shared ? xasprintf("%s/bench/make-corpus", shared) : NULL;
	if (!mk || access(mk, X_OK) != 0) {
		printf("# skip corpus check: ALMANAC_SHARED/bench/make-corpus not available\n");
		free(mk);
		skip();
	}
	char tmpl[256];
	const char *tmp = getenv("TMPDIR");
	snprintf(tmpl, sizeof tmpl, "%s/almanac-corpus-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(tmpl));
	char *out = xasprintf("%s/small", tmpl);
	gh_sh(tmpl, "python3 '%s' --docs 200 --commits 2000 --out '%s' --no-verify -q", mk, out);
	strv_t v = {0};
	assert_int_equal(list_md(out, &v), 0);
	assert_int_equal(v.n, 200);
	diag_list_t d;
	diag_init(&d);
	hist_t *h = NULL;
	assert_int_equal(hist_open(&h, out, &d), 0);
	hist_opts_t o;
	memset(&o, 0, sizeof o);
	o.cache_dir = "";
	o.since = HIST_SINCE_LAST_ONLY;
	assert_int_equal(hist_walk(h, (const char *const *)v.v, v.n, &o, &d), 0);
	size_t renamed = 0, checked = 0;
	for (size_t i = 0; i < v.n; i++)
		renamed += hist_lookup(h, v.v[i])->nold > 0;
	char *script = xasprintf("%s/expect.sh", tmpl);
	FILE *sf = fopen(script, "w");
	assert_non_null(sf);
	fputs(EXPECT_SH, sf);
	assert_int_equal(fclose(sf), 0);
	char *cmd = xasprintf("cd '%s' && bash '%s'", out, script);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char line[8192];
	while (fgets(line, sizeof line, p)) {
		char *tab = strchr(line, '\t');
		assert_non_null(tab);
		*tab = '\0';
		char *want = tab + 1;
		want[strcspn(want, "\n")] = '\0';
		const hist_entry_t *e = hist_lookup(h, line);
		assert_non_null(e);
		if (strcmp(e->last.id, want) != 0)
			fail_msg("%s: %s, git says %s", line, e->last.id, want);
		checked++;
	}
	assert_int_equal(pclose(p), 0);
	assert_int_equal(checked, v.n);
	free(cmd);
	free(script);
	assert_true(renamed > 0); /* the corpus has pure renames: the rule was exercised */
	hist_free(h);
	diag_free(&d);
	strv_free(&v);
	gh_sh(tmpl, "rm -rf '%s'", tmpl);
	free(out);
	free(mk);
}

int main(void)
{
	const char *dump = getenv("ALMANAC_HIST_DUMP");
	if (dump && *dump)
		return dump_main(dump);
	/* fixtures must not see the developer's global git configuration */
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("GIT_CONFIG_GLOBAL", "/dev/null", 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_linear, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_open_errors, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_merges, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_renames, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_ignored, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_author_date, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_shallow, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_worktree_status, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_watches, fx_setup, fx_teardown),
		cmocka_unit_test(test_glob_match),
		cmocka_unit_test_setup_teardown(test_events_since, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_cache, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_results_table, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_results_shallow, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_packed, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_stop, fx_setup, fx_teardown),
		cmocka_unit_test(test_corpus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
