/* test_history_truth.c - the history engine on histories that used to get
 * wrong dates silently, or take the walk down (issues 21 and 17).
 *
 * Every fixture is a real Git repository made here with the git CLI (and, for
 * objects git refuses to make, raw objects written with `git hash-object
 * --literally` or by hand), and the expected answer is git's own
 * (`git log -1 -- PATH`), computed with popen. Each test failed before the
 * change it covers:
 *   - rename purity by blob id and mode (a move that also converts CRLF,
 *     adds the final newline, re-indents, adds a blank line, reorders lines or
 *     changes the mode counts);
 *   - a file and a symbolic link with the same blob are not a rename;
 *   - a committer line with a stray '>' keeps its date;
 *   - a missing commit in a repository that is not shallow is an error;
 *   - a linked worktree of a shallow clone is shallow;
 *   - replace refs and grafts are honoured, and the caches follow them;
 *   - a FIFO at a cache file does not block the walk;
 *   - a tree bomb, a 40,000-level folder chain and a bomb in HEAD's tree are
 *     refused within bounds (no memory exhaustion, no stack overflow);
 *   - freshness.count: content passes over cosmetic commits. */
#include <setjmp.h>
#include <stdatomic.h>
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
#include "cosmetic.h"
#include "diag.h"
#include "githelp.h"
#include "history.h"
#include "markdown.h"

typedef struct {
	char dir[256];
	diag_list_t d;
	hist_t *h;
} fx_t;

static int fx_setup(void **state)
{
	fx_t *fx = xcalloc(1, sizeof *fx);
	if (gh_repo_init(fx->dir, sizeof fx->dir, "almanac-truth") < 0) {
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

static hist_opts_t opts_in(const char *cache)
{
	hist_opts_t o;
	memset(&o, 0, sizeof o);
	o.cache_dir = cache;
	return o;
}

/* A fresh handle on fx->dir (HEAD is read by hist_open). */
static void reopen(fx_t *fx)
{
	hist_free(fx->h);
	fx->h = NULL;
	diag_free(&fx->d);
	diag_init(&fx->d);
	assert_int_equal(hist_open(&fx->h, fx->dir, &fx->d), 0);
}

static int walk_rc(fx_t *fx, const char *const *paths, size_t n, const hist_opts_t *o)
{
	reopen(fx);
	return hist_walk(fx->h, paths, n, o, &fx->d);
}

static void walk_ok(fx_t *fx, const char *const *paths, size_t n, const hist_opts_t *o)
{
	int rc = walk_rc(fx, paths, n, o);
	if (rc != 0)
		fail_msg("hist_walk: %d (%s)", rc, fx->d.len ? fx->d.items[0].message : "no diagnostic");
}

static void assert_last_is(fx_t *fx, const char *path, const char *want)
{
	const hist_entry_t *e = hist_lookup(fx->h, path);
	assert_non_null(e);
	if (strcmp(e->last.id, want) != 0)
		fail_msg("%s: last commit %s, git says %s", path, e->last.id[0] ? e->last.id : "(none)", want);
}

/* git log -1 -- path (honouring replace refs and grafts, as git does). */
static void assert_last_as_git(fx_t *fx, const char *path)
{
	char *want = gh_sh_out(fx->dir, "git log -1 --format=%%H -- '%s' 2>/dev/null", path);
	assert_last_is(fx, path, want);
	free(want);
}

/* The diagnostic with `code` (fails the test when absent). */
static const diag_t *diag_with(fx_t *fx, const char *code)
{
	for (size_t i = 0; i < fx->d.len; i++)
		if (fx->d.items[i].code && strcmp(fx->d.items[i].code, code) == 0)
			return &fx->d.items[i];
	fail_msg("no diagnostic %s (%zu others%s%s)", code, fx->d.len, fx->d.len ? ": " : "",
		 fx->d.len ? fx->d.items[0].message : "");
	return NULL;
}

/* The repository's path as the engine names it in diagnostics (no trailing '/'). */
static char *repo_label(fx_t *fx)
{
	const char *wd = hist_workdir(fx->h);
	return xstrndup(wd, strlen(wd) - 1);
}

#define BODY                                                                                  \
	"# Restart the ingest pipeline\n\nCheck the queue depth first.\n  - drain the consumers\n" \
	"  - restart the workers\nThen watch the error rate for ten minutes.\nEscalate to the data " \
	"team when it stays above one percent.\n"

/* ------------------------------------------------------------------------ */

/* A move with any change to the content counts: libgit2's similarity says 100
 * for most of these (it ignores whitespace and line ends), git's blob ids do not. */
static void test_rename_purity(void **state)
{
	fx_t *fx = *state;
	const char *D = fx->dir;
	static const struct {
		const char *name, *text;
	} variants[] = {
		{"crlf", "# Restart the ingest pipeline\r\n\r\nCheck the queue depth first.\r\n  - drain the consumers\r\n"
			 "  - restart the workers\r\nThen watch the error rate for ten minutes.\r\nEscalate to the "
			 "data team when it stays above one percent.\r\n"},
		{"eol", NULL}, /* BODY without its final newline is the OLD text: the move adds it */
		{"indent", "# Restart the ingest pipeline\n\nCheck the queue depth first.\n    - drain the consumers\n"
			   "    - restart the workers\nThen watch the error rate for ten minutes.\nEscalate to the data "
			   "team when it stays above one percent.\n"},
		{"blank", "# Restart the ingest pipeline\n\nCheck the queue depth first.\n\n  - drain the consumers\n"
			  "  - restart the workers\nThen watch the error rate for ten minutes.\nEscalate to the data "
			  "team when it stays above one percent.\n"},
		{"reorder", "# Restart the ingest pipeline\n\nCheck the queue depth first.\n  - restart the workers\n"
			    "  - drain the consumers\nThen watch the error rate for ten minutes.\nEscalate to the data "
			    "team when it stays above one percent.\n"},
	};
	size_t nv = sizeof variants / sizeof *variants;
	for (size_t i = 0; i < nv; i++) {
		char *rel = xasprintf("old/%s.md", variants[i].name);
		if (variants[i].text)
			gh_write_file(D, rel, BODY);
		else
			gh_write_file(D, rel, "# Restart the ingest pipeline\n\nCheck the queue depth first.");
		free(rel);
	}
	gh_write_file(D, "old/pure.md", BODY);
	gh_write_file(D, "old/mode.md", BODY);
	gh_sh(D, "git add -A && " GH_AT("2026-01-05T10:00:00Z", "alice") "git commit -q -m base");
	for (size_t i = 0; i < nv; i++) {
		gh_sh(D, "mkdir -p new && git mv old/%s.md new/%s.md", variants[i].name, variants[i].name);
		char *rel = xasprintf("new/%s.md", variants[i].name);
		gh_write_file(D, rel, variants[i].text ? variants[i].text
						      : "# Restart the ingest pipeline\n\nCheck the queue depth first.\n");
		free(rel);
		gh_sh(D, "git add -A && " GH_AT("2026-01-06T10:00:00Z", "bob") "git commit -q -m 'move %s'",
		      variants[i].name);
	}
	gh_sh(D, "git mv old/pure.md new/pure.md && " GH_AT("2026-01-07T10:00:00Z", "bob") "git commit -q -m 'move pure'");
	/* the same blob, made executable while moved: the file changed (git shows R100 with a mode change) */
	gh_sh(D, "git mv old/mode.md new/mode.md && chmod +x new/mode.md && git add -A && "
	      GH_AT("2026-01-08T10:00:00Z", "bob") "git commit -q -m 'move mode'");
	const char *paths[] = {"new/crlf.md", "new/eol.md", "new/indent.md", "new/blank.md", "new/reorder.md",
			       "new/pure.md", "new/mode.md"};
	hist_opts_t o = opts_in("");
	walk_ok(fx, paths, 7, &o);
	for (size_t i = 0; i < nv; i++) {
		char *want = gh_sh_out(D, "git log -1 --format=%%H --grep='^move %s$'", variants[i].name);
		assert_last_as_git(fx, paths[i]);
		assert_last_is(fx, paths[i], want);
		const hist_entry_t *e = hist_lookup(fx->h, paths[i]);
		assert_int_equal(e->skipped_renames, 0);
		assert_int_equal(e->nold, 1); /* still followed: the old name is a previous name */
		free(want);
	}
	/* a pure rename still does not count */
	char *base = gh_sh_out(D, "git log -1 --format=%%H --grep='^base$'");
	assert_last_is(fx, "new/pure.md", base);
	assert_int_equal(hist_lookup(fx->h, "new/pure.md")->skipped_renames, 1);
	char *mode = gh_sh_out(D, "git log -1 --format=%%H --grep='^move mode$'");
	assert_last_is(fx, "new/mode.md", mode);
	/* the facts cache gives the same answers */
	char *cache = xasprintf("%s/.cache", D);
	hist_opts_t oc = opts_in(cache);
	walk_ok(fx, paths, 7, &oc);
	walk_ok(fx, paths, 7, &oc);
	hist_stats_t st;
	hist_stats(fx->h, &st);
	assert_int_equal(st.results_cached, 1);
	assert_last_is(fx, "new/mode.md", mode);
	assert_last_is(fx, "new/pure.md", base);
	free(cache);
	free(mode);
	free(base);
}

/* git pairs a regular file only with a regular file and a link only with a
 * link: a page replaced by a symbolic link whose target text is the old
 * page's content is a new file, not a pure rename of the old one. */
static void test_file_and_link_not_paired(void **state)
{
	fx_t *fx = *state;
	const char *D = fx->dir;
	gh_write_file(D, "target.md", "# Target\n");
	gh_sh(D, "printf 'target.md' > notes.md && git add -A && " GH_AT("2026-01-05T10:00:00Z", "alice")
		 "git commit -q -m base");
	gh_sh(D, "git rm -q notes.md && ln -s target.md link.md && git add -A && "
		 GH_AT("2026-01-06T10:00:00Z", "bob") "git commit -q -m 'file to link'");
	/* and back: a link replaced by a file with the link's text */
	gh_sh(D, "git rm -q link.md && printf 'target.md' > back.md && git add -A && "
		 GH_AT("2026-01-07T10:00:00Z", "carol") "git commit -q -m 'link to file'");
	const char *paths[] = {"back.md"};
	hist_opts_t o = opts_in("");
	walk_ok(fx, paths, 1, &o);
	assert_last_as_git(fx, "back.md");
	const hist_entry_t *e = hist_lookup(fx->h, "back.md");
	assert_int_equal(e->nold, 0);
	assert_int_equal(e->skipped_renames, 0);
	assert_int_equal(e->complete, 1);
	assert_int_equal(e->created, 1767780000); /* 2026-01-07T10:00:00Z: created by "link to file" */
}

/* A committer line with a stray '>' (git itself writes none, other tools
 * have): git reads the date after the LAST '>'. */
static void test_committer_with_gt(void **state)
{
	fx_t *fx = *state;
	const char *D = fx->dir;
	gh_write_file(D, "a.md", "a\n");
	gh_sh(D, "git add a.md");
	char *c = gh_sh_out(D, "printf 'tree %%s\\nauthor Ann <ann@example.com> 1700000000 +0000\\n"
			       "committer Bad <bo>b@example.com> 1700000100 +0000\\n\\none\\n' $(git write-tree) | "
			       "git hash-object -t commit -w --literally --stdin");
	gh_sh(D, "git update-ref refs/heads/main %s", c);
	const char *paths[] = {"a.md"};
	hist_opts_t o = opts_in("");
	walk_ok(fx, paths, 1, &o);
	const hist_entry_t *e = hist_lookup(fx->h, "a.md");
	assert_string_equal(e->last.id, c);
	char *ct = gh_sh_out(D, "git log -1 --format=%%ct");
	assert_int_equal(e->last.commit_time, atoll(ct));
	assert_int_equal(e->last.commit_time, 1700000100);
	assert_int_equal(e->last.time, 1700000100);
	free(ct);
	free(c);
}

/* A commit whose parent is gone, in a repository that is not shallow: git log
 * fails, and so must the walk (before: the pages were quietly unknown). */
static void test_missing_parent(void **state)
{
	fx_t *fx = *state;
	const char *D = fx->dir;
	gh_commit(D, "a.md", "a1\n", "2026-01-05T10:00:00Z", "alice", "one");
	gh_commit(D, "b.md", "b1\n", "2026-01-06T10:00:00Z", "alice", "two");
	gh_commit(D, "b.md", "b2\n", "2026-01-07T10:00:00Z", "alice", "three");
	char *two = gh_sh_out(D, "git rev-parse HEAD~1");
	gh_sh(D, "rm -f .git/objects/%.2s/%s", two, two + 2);
	const char *paths[] = {"a.md", "b.md"}; /* a.md's answer lies beyond the missing commit */
	hist_opts_t o = opts_in("");
	assert_true(walk_rc(fx, paths, 2, &o) < 0);
	const diag_t *dg = diag_with(fx, "history");
	assert_int_equal(dg->severity, DIAG_ERROR);
	char *label = repo_label(fx);
	assert_string_equal(dg->file, label);
	assert_non_null(strstr(dg->message, two));
	assert_non_null(strstr(dg->message, "not a shallow clone"));
	free(label);
	free(two);
}

/* A linked worktree of a shallow clone: the shallow file lives in the common
 * folder; libgit2 1.5 looks in the worktree's own. */
static void test_shallow_worktree(void **state)
{
	fx_t *fx = *state;
	const char *D = fx->dir;
	char *src = xasprintf("%s/src", D);
	gh_sh(D, "mkdir src && cd src && git init -q -b main .");
	gh_commit(src, "old.md", "old\n", "2026-01-05T10:00:00Z", "alice", "one");
	gh_commit(src, "x.md", "x\n", "2026-01-06T10:00:00Z", "alice", "two");
	gh_commit(src, "new.md", "new\n", "2026-01-07T10:00:00Z", "alice", "three");
	gh_sh(D, "git clone -q --depth 1 'file://%s' clone && cd clone && git worktree add -q ../wt", src);
	char *wt = xasprintf("%s/wt", D);
	diag_list_t d;
	diag_init(&d);
	hist_t *h = NULL;
	assert_int_equal(hist_open(&h, wt, &d), 0);
	assert_int_equal(hist_is_shallow(h), 1);
	const char *paths[] = {"old.md", "new.md"};
	hist_opts_t o = opts_in("");
	assert_int_equal(hist_walk(h, paths, 2, &o, &d), 0);
	assert_int_equal(hist_lookup(h, "old.md")->truncated, 1);
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].code, "shallow-clone");
	hist_free(h);
	diag_free(&d);
	free(wt);
	free(src);
}

/* `git replace` and grafts change what git log shows; so they change the
 * walk's answers, and the caches must not mix histories. */
static void test_replace_and_grafts(void **state)
{
	fx_t *fx = *state;
	const char *D = fx->dir;
	gh_commit(D, "a.md", "a1\n", "2026-01-05T10:00:00Z", "alice", "one");
	gh_commit(D, "b.md", "b1\n", "2026-01-06T10:00:00Z", "alice", "two");
	gh_commit(D, "c.md", "c1\n", "2026-01-07T10:00:00Z", "alice", "three");
	char *one = gh_sh_out(D, "git rev-parse HEAD~2");
	char *two = gh_sh_out(D, "git rev-parse HEAD~1");
	char *three = gh_sh_out(D, "git rev-parse HEAD");
	/* "three" re-parented onto "one" (a replacement commit, refs/replace/<three>): b.md now
	 * appears in three; and "one" replaced by a copy of it by another author */
	gh_sh(D, "git replace --graft %s %s", three, one);
	gh_sh(D, "C=$(git cat-file commit %s | sed 's/^author alice/author bob/' | git hash-object -t commit -w --stdin) && "
		 "git replace %s $C",
	      one, one);
	const char *paths[] = {"a.md", "b.md", "c.md"};
	char *cache = xasprintf("%s/.cache", D);
	hist_opts_t o = opts_in(cache);
	walk_ok(fx, paths, 3, &o);
	for (int i = 0; i < 3; i++)
		assert_last_as_git(fx, paths[i]);
	assert_last_is(fx, "b.md", three); /* under its own id, as git log shows it */
	assert_last_is(fx, "a.md", one);
	assert_string_equal(hist_lookup(fx->h, "a.md")->last.author, "bob"); /* the replacement's content */
	/* the same question again: from the result table, same answers */
	walk_ok(fx, paths, 3, &o);
	hist_stats_t st;
	hist_stats(fx->h, &st);
	assert_int_equal(st.results_cached, 1);
	assert_last_is(fx, "b.md", three);
	/* GIT_NO_REPLACE_OBJECTS turns them off, as in git: the original answers, not the cached ones */
	setenv("GIT_NO_REPLACE_OBJECTS", "1", 1);
	walk_ok(fx, paths, 3, &o);
	unsetenv("GIT_NO_REPLACE_OBJECTS");
	assert_last_is(fx, "b.md", two);
	assert_string_equal(hist_lookup(fx->h, "a.md")->last.author, "alice");
	/* removed: the original history again, through the same cache */
	gh_sh(D, "git replace -d %s %s", three, one);
	walk_ok(fx, paths, 3, &o);
	for (int i = 0; i < 3; i++)
		assert_last_as_git(fx, paths[i]);
	assert_last_is(fx, "b.md", two);
	/* a graft: "three" made a root commit, so every page dates from it */
	gh_sh(D, "mkdir -p .git/info && echo %s > .git/info/grafts", three);
	walk_ok(fx, paths, 3, &o);
	for (int i = 0; i < 3; i++) {
		assert_last_as_git(fx, paths[i]);
		assert_last_is(fx, paths[i], three);
	}
	gh_sh(D, "rm .git/info/grafts");
	walk_ok(fx, paths, 3, &o);
	assert_last_is(fx, "a.md", one);
	assert_last_is(fx, "b.md", two);
	free(cache);
	free(three);
	free(two);
	free(one);
}

/* A FIFO where a cache file belongs: opening it for reading would wait for a
 * writer forever. The walk must go on, and replace it. */
static void test_fifo_cache_files(void **state)
{
	fx_t *fx = *state;
	const char *D = fx->dir;
	gh_commit(D, "a.md", "a1\n", "2026-01-05T10:00:00Z", "alice", "one");
	char *cache = xasprintf("%s/.cache", D);
	gh_sh(D, "mkdir .cache && mkfifo .cache/history-results .cache/history-cache");
	const char *paths[] = {"a.md"};
	hist_opts_t o = opts_in(cache);
	alarm(60); /* a hang fails the test instead of the suite's timeout */
	walk_ok(fx, paths, 1, &o);
	alarm(0);
	assert_last_as_git(fx, "a.md");
	hist_stats_t st;
	hist_stats(fx->h, &st);
	assert_int_equal(st.results_rejected, 1);
	assert_int_equal(st.cache_rejected, 1);
	assert_int_equal(st.results_written, 1);
	struct stat sb;
	char *res = xasprintf("%s/history-results", cache);
	assert_int_equal(stat(res, &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	free(res);
	free(cache);
}

/* 16 objects naming 10^10 paths (a tree of 10 trees of 10 trees ... of 10
 * files), added in the last commit. */
static void make_tree_bomb(const char *D)
{
	gh_commit(D, "page.md", "# Page\n", "2026-01-05T10:00:00Z", "alice", "page");
	gh_sh(D, "B=$(echo x | git hash-object -w --stdin) && "
		 "T=$(for i in 0 1 2 3 4 5 6 7 8 9; do printf '100644 blob %%s\\tf%%d\\n' $B $i; done | git mktree) && "
		 "for l in 1 2 3 4 5 6 7 8 9; do "
		 "T=$(for i in 0 1 2 3 4 5 6 7 8 9; do printf '040000 tree %%s\\td%%d\\n' $T $i; done | git mktree); done && "
		 "NT=$( (git ls-tree HEAD; printf '040000 tree %%s\\tbomb\\n' $T) | git mktree) && "
		 "C=$(" GH_AT("2026-01-06T10:00:00Z", "mallory") "git commit-tree $NT -p HEAD -m bomb) && "
		 "git update-ref refs/heads/main $C");
}

/* A commit on top of HEAD that only changes page.md, made from HEAD's tree
 * (`git commit` would commit the index, which never held the bomb: git itself
 * then dies comparing the trees). */
static void commit_keeping_tree(const char *D, const char *page)
{
	gh_write_file(D, "page.txt", page);
	gh_sh(D, "B=$(git hash-object -w page.txt) && rm page.txt && "
		 "NT=$(git ls-tree HEAD | sed \"s/^100644 blob [0-9a-f]*\tpage.md$/100644 blob $B\tpage.md/\" | git mktree) && "
		 "C=$(" GH_AT("2026-01-07T10:00:00Z", "alice") "git commit-tree $NT -p HEAD -m 'edit page') && "
		 "git update-ref refs/heads/main $C");
	gh_write_file(D, "page.md", page); /* the work tree and the index agree with HEAD on the page */
	gh_sh(D, "git update-index page.md");
}

static void test_tree_bomb(void **state)
{
	fx_t *fx = *state;
	const char *D = fx->dir;
	make_tree_bomb(D);
	char *nobj = gh_sh_out(D, "git count-objects | cut -d' ' -f1");
	assert_int_equal(atoi(nobj), 16);
	free(nobj);
	const char *paths[] = {"page.md"};
	hist_opts_t o = opts_in("");
	alarm(120);
	assert_true(walk_rc(fx, paths, 1, &o) < 0);
	alarm(0);
	const diag_t *dg = diag_with(fx, "history");
	char *label = repo_label(fx);
	assert_string_equal(dg->file, label);
	assert_non_null(strstr(dg->message, "changed paths (the limit)"));
	char *bomb = gh_sh_out(D, "git rev-parse HEAD");
	assert_non_null(strstr(dg->message, bomb)); /* which commit */
	/* HEAD's tree holds the bomb: libgit2's status would compare it whole, for hours */
	int st = hist_worktree_status(fx->h, "page.md");
	assert_int_equal(st, HIST_CLEAN);
	assert_non_null(hist_worktree_error(fx->h));
	assert_non_null(strstr(hist_worktree_error(fx->h), "the limit"));
	free(bomb);
	free(label);
}

/* The bomb in an older commit, with the page's answer above it: the walk
 * never needs that commit's changes, and must not read them. */
static void test_tree_bomb_below_answer(void **state)
{
	fx_t *fx = *state;
	const char *D = fx->dir;
	make_tree_bomb(D);
	commit_keeping_tree(D, "# Page, edited\n");
	const char *paths[] = {"page.md"};
	hist_opts_t o = opts_in("");
	o.since = HIST_SINCE_LAST_ONLY;
	walk_ok(fx, paths, 1, &o);
	assert_last_as_git(fx, "page.md");
}

/* Write a chain of `depth` nested folders d/d/.../d/f.md as one pack (git
 * mktree per level, or 40,000 loose files, would take minutes) and commit it
 * on top of HEAD. */
static void make_deep_tree(const char *D, int depth)
{
	char *py = xasprintf("%s/deep.py", D);
	FILE *f = fopen(py, "w");
	assert_non_null(f);
	fputs("import hashlib, struct, subprocess, sys, zlib\n"
	      "objs = []\n"
	      "def put(t, kind, body):\n"
	      "    objs.append((t, body))\n"
	      "    return hashlib.sha1(b'%s %d\\0' % (kind, len(body)) + body).digest()\n"
	      "t = put(2, b'tree', b'100644 f.md\\0' + put(3, b'blob', b'deep\\n'))\n"
	      "for _ in range(int(sys.argv[1])):\n"
	      "    t = put(2, b'tree', b'40000 d\\0' + t)\n"
	      "out = [b'PACK', struct.pack('>II', 2, len(objs))]\n"
	      "for k, body in objs:\n"
	      "    n = len(body)\n"
	      "    head = bytearray([(k << 4) | (n & 15)])\n"
	      "    n >>= 4\n"
	      "    while n:\n"
	      "        head[-1] |= 0x80\n"
	      "        head.append(n & 0x7f)\n"
	      "        n >>= 7\n"
	      "    out += [bytes(head), zlib.compress(body, 1)]\n"
	      "data = b''.join(out)\n"
	      "data += hashlib.sha1(data).digest()\n"
	      "subprocess.run(['git', 'index-pack', '--stdin'], input=data, stdout=subprocess.DEVNULL, check=True)\n"
	      "print(t.hex())\n",
	      f);
	assert_int_equal(fclose(f), 0);
	gh_sh(D, "T=$(python3 deep.py %d) && rm deep.py && "
		 "NT=$( (git ls-tree HEAD; printf '040000 tree %%s\\tdeep\\n' $T) | git mktree) && "
		 "C=$(" GH_AT("2026-01-06T10:00:00Z", "mallory") "git commit-tree $NT -p HEAD -m deep) && "
		 "git update-ref refs/heads/main $C",
	      depth);
	free(py);
}

/* 40,000 nested folders in history: the recursive tree comparison overflowed
 * the stack (SIGSEGV) in build, report and serve. */
static void test_deep_tree(void **state)
{
	fx_t *fx = *state;
	const char *D = fx->dir;
	gh_commit(D, "page.md", "# Page\n", "2026-01-05T10:00:00Z", "alice", "page");
	make_deep_tree(D, 40000);
	const char *paths[] = {"page.md"};
	hist_opts_t o = opts_in("");
	assert_true(walk_rc(fx, paths, 1, &o) < 0);
	const diag_t *dg = diag_with(fx, "history");
	assert_non_null(strstr(dg->message, "deeper than 4096 levels"));
	assert_int_equal(hist_worktree_status(fx->h, "page.md"), HIST_CLEAN);
	assert_non_null(hist_worktree_error(fx->h));
}

/* Just within git's depth bound: compared like any other tree. */
static void test_deep_tree_within_bound(void **state)
{
	fx_t *fx = *state;
	const char *D = fx->dir;
	gh_commit(D, "page.md", "# Page\n", "2026-01-05T10:00:00Z", "alice", "page");
	make_deep_tree(D, 4000);
	commit_keeping_tree(D, "# Page 2\n");
	const char *paths[] = {"page.md"};
	hist_opts_t o = opts_in("");
	walk_ok(fx, paths, 1, &o);
	assert_last_as_git(fx, "page.md");
	assert_int_equal(hist_worktree_status(fx->h, "page.md"), HIST_CLEAN);
	assert_null(hist_worktree_error(fx->h));
}

static char *canon_cb(void *ctx, const char *path, const char *text, size_t len, size_t *out_len)
{
	(*(int *)ctx)++;
	return cosmetic_canon(path, text, len, out_len);
}

/* freshness.count: content: a commit that leaves the page's rendered text
 * identical is passed over like an ignored one; renamed-and-reformatted too. */
static void test_cosmetic_commits(void **state)
{
	fx_t *fx = *state;
	const char *D = fx->dir;
	gh_commit(D, "runbooks/db.md", "# DB\n\nDrain the consumers,\nthen restart.\n\n* a\n* b\n",
		  "2026-01-05T10:00:00Z", "alice", "create");
	gh_commit(D, "runbooks/db.md", "# DB\n\nDrain the consumers,\nthen restart the workers.\n\n* a\n* b\n",
		  "2026-01-06T10:00:00Z", "bob", "real edit");
	gh_commit(D, "runbooks/db.md", "DB\r\n==\r\n\r\nDrain the consumers, then restart the workers.\r\n\r\n- a\r\n- b\r\n",
		  "2026-01-07T10:00:00Z", "fmt-bot", "reformat");
	gh_sh(D, "mkdir -p ops && git mv runbooks/db.md ops/db.md");
	gh_write_file(D, "ops/db.md", "DB\n==\n\nDrain the consumers, then restart the workers.\n\n- a\n- b\n");
	gh_sh(D, "git add -A && " GH_AT("2026-01-08T10:00:00Z", "fmt-bot") "git commit -q -m 'move and LF'");
	gh_commit(D, "other.md", "# Other\n", "2026-01-09T10:00:00Z", "alice", "other");
	gh_commit(D, "other.md", "# Other\n\nNew text.\n", "2026-01-10T10:00:00Z", "alice", "other edit");
	const char *paths[] = {"ops/db.md", "other.md"};
	char *cache = xasprintf("%s/.cache", D);
	hist_opts_t o = opts_in(cache);
	int calls = 0;
	o.content_canon = canon_cb;
	o.content_ctx = &calls;
	o.content_version = COSMETIC_VERSION;
	walk_ok(fx, paths, 2, &o);
	char *real = gh_sh_out(D, "git log -1 --format=%%H --grep='^real edit$'");
	assert_last_is(fx, "ops/db.md", real);
	const hist_entry_t *e = hist_lookup(fx->h, "ops/db.md");
	assert_int_equal(e->skipped_cosmetic, 2);
	assert_int_equal(e->nevents, 4); /* move+LF, reformat, real edit, create: the first two do not count */
	assert_int_equal(e->events[0].counts, 0);
	assert_int_equal(e->events[1].counts, 0);
	assert_int_equal(e->events[2].counts, 1);
	assert_string_equal(e->old_paths[0], "runbooks/db.md");
	assert_last_as_git(fx, "other.md"); /* a real edit still counts */
	assert_int_equal(hist_cosmetic_count(fx->h), 2);
	hist_stats_t st;
	hist_stats(fx->h, &st);
	assert_int_equal(st.content_cosmetic, 2);
	assert_int_equal(st.content_compared, 4); /* db: three changes; other: one */
	assert_true(calls > 0);
	/* the same question again: the stored answers */
	walk_ok(fx, paths, 2, &o);
	hist_stats(fx->h, &st);
	assert_int_equal(st.results_cached, 1);
	assert_last_is(fx, "ops/db.md", real);
	assert_int_equal(hist_cosmetic_count(fx->h), 2);
	/* the default (every commit counts) never reuses those answers */
	hist_opts_t d = opts_in(cache);
	walk_ok(fx, paths, 2, &d);
	char *mv = gh_sh_out(D, "git log -1 --format=%%H --grep='^move and LF$'");
	assert_last_is(fx, "ops/db.md", mv);
	assert_int_equal(hist_lookup(fx->h, "ops/db.md")->skipped_cosmetic, 0);
	assert_int_equal(hist_cosmetic_count(fx->h), 0);
	free(mv);
	free(real);
	free(cache);
}

typedef struct {
	int calls;
	atomic_int *stop;
} stopper_t;

/* A canonical form that raises the stop flag (Ctrl-C) at its third call. */
static char *canon_then_stop(void *ctx, const char *path, const char *text, size_t len, size_t *out_len)
{
	stopper_t *s = ctx;
	if (++s->calls == 3)
		atomic_store(s->stop, 1);
	return cosmetic_canon(path, text, len, out_len);
}

/* Ctrl-C inside one commit that changed many pages (a formatter's), with
 * freshness.count: content: the walk stops after that commit's current page,
 * not after rendering every page of it. */
static void test_stop_inside_a_commit(void **state)
{
	fx_t *fx = *state;
	const char *D = fx->dir;
	char **paths = xcalloc(60, sizeof *paths);
	for (int i = 0; i < 60; i++) {
		paths[i] = xasprintf("p%02d.md", i);
		gh_write_file(D, paths[i], "# Page\n\nSome text\nwrapped here.\n");
	}
	gh_sh(D, "git add -A && " GH_AT("2026-01-05T10:00:00Z", "alice") "git commit -q -m create");
	for (int i = 0; i < 60; i++)
		gh_write_file(D, paths[i], "Page\n====\n\nSome text wrapped here.\n");
	gh_sh(D, "git add -A && " GH_AT("2026-01-06T10:00:00Z", "fmt-bot") "git commit -q -m format");
	atomic_int stop = 0;
	stopper_t s = {0, &stop};
	hist_opts_t o = opts_in("");
	o.content_canon = canon_then_stop;
	o.content_ctx = &s;
	o.content_version = COSMETIC_VERSION;
	o.stop = &stop;
	assert_int_equal(walk_rc(fx, (const char *const *)paths, 60, &o), HIST_STOPPED);
	assert_true(s.calls <= 4); /* two versions per page: the page under way may finish */
	assert_int_equal(fx->d.len, 0);
	for (int i = 0; i < 60; i++)
		free(paths[i]);
	free(paths);
}

int main(void)
{
	md_init();
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("GIT_CONFIG_GLOBAL", "/dev/null", 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rename_purity, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_file_and_link_not_paired, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_committer_with_gt, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_missing_parent, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_shallow_worktree, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_replace_and_grafts, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_fifo_cache_files, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_tree_bomb, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_tree_bomb_below_answer, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_deep_tree, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_deep_tree_within_bound, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_cosmetic_commits, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_stop_inside_a_commit, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
