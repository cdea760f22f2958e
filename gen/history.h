/* history.h - one walk of the Git history: path -> last counting commit (prefix hist_).
 *
 * The product never runs the git CLI: everything here reads the repository
 * through libgit2. One hist_walk() walks the commits reachable from HEAD once,
 * newest first in git's default order (a priority queue on committer date,
 * ties in insertion order), compares each commit's tree with its parents' by
 * object id (equal subtrees are skipped without being read) and records, for
 * every page asked for:
 *
 *   - its LAST COMMIT: the first commit that `git log -- PATH` lists (with
 *     git's default history simplification: a merge whose version of PATH
 *     equals one parent's does not count and only that parent is followed; a
 *     merge that differs from every parent, e.g. a conflict resolution,
 *     counts) that COUNTS. A commit does not count when it is listed in the
 *     ignore-revs file, when its author name or e-mail matches one of the
 *     ignored-author patterns (PCRE2), when it only renamed the file
 *     (identical content: the same blob id AND mode on both sides; the search
 *     goes on at the old path from that commit's first parent, as
 *     `git log -- OLD PARENT` would), or, with opts.content_canon
 *     (freshness.count: content), when it left the page's rendered text
 *     identical. A rename with edits (git's default 50% similarity, through
 *     libgit2; pairs of identical blobs follow git's rule: a regular file is
 *     paired only with a regular file, a link only with a link) counts, and
 *     the old path is recorded too. Merges are never treated as renames.
 *     With no renames and nothing ignored this is `git log -1 -- PATH`.
 *     Replace refs (refs/replace/, as git honours them) and info/grafts are
 *     applied: a replaced commit keeps its id with its replacement's content.
 *   - the page's previous names (for redirects), its change events (for the
 *     12-month trend) and the commit that created it. A page's history
 *     starts at the commit that created it (following renames): an older file
 *     that was deleted and later re-created at the same path counts as
 *     another page (unless the re-creating commit does not count, in which
 *     case the search for `last` goes on, as `git log` would).
 *
 * Watches: the globs given in hist_opts_t.watch_globs are walked alongside
 * the pages; for each, the newest counting commit that changed a matching
 * path (a pure rename inside the watched set is not a change). A glob never
 * keeps the walk going on its own: when every page is resolved the walk stops,
 * and a glob without a match found by then changed (if ever) before every
 * page's last commit, so it cannot make a page drift (hist_lookup_watch
 * returns NULL).
 *
 * Glob syntax (watches): repo-relative, '/'-separated; `*` matches within one
 * path segment, `?` one character except '/', `[...]` a character class,
 * `**` (as a whole segment) any number of segments. A pattern also matches
 * everything below a directory it names ("charts/app" matches
 * "charts/app/values.yaml"). A leading "/" or "./" is ignored.
 *
 * Shallow clones: commits listed in the repository's `shallow` file (in the
 * common folder, so a linked worktree of a shallow clone is shallow too) are
 * a boundary. A page whose history reaches the boundary before a counting
 * commit is found is `truncated` (status unknown): it is never dated by the
 * boundary commit. hist_walk adds one warning (code "shallow-clone") that
 * says how to fetch the full history. A missing commit anywhere else is an
 * error, as in git (the walk fails; see "Errors").
 *
 * Errors: a history that cannot be read (missing objects: a treeless
 * partial clone, an incomplete repository; a limit below) makes hist_walk
 * return a negative value with one error diagnostic, code "history", on the
 * repository's path, carrying libgit2's message (and a hint for partial
 * clones). Callers must not show any date then (report and check exit 4).
 *
 * Limits: the repository decides how large its trees are, so the walk is
 * bounded: trees are compared with a loop (no recursion on their depth),
 * folders nest at most 4,096 levels (git's core.maxTreeDepth default), one
 * commit changes at most 1,000,000 paths against one parent, a walk holds at
 * most 4,000,000 distinct paths and names, at most 20,000,000 tree entries
 * are compared per commit and parent, a path is at most 64 KiB. Beyond them
 * the walk fails as above, naming the commit. opts.stop is polled every
 * commit, every 1,024 tree entries and before every page version rendered.
 * Cache files, the shallow file and the ignore-revs file are opened without
 * blocking and read only when they are regular files (a FIFO is skipped).
 *
 * Cache: per-commit facts (parents, dates, author, summary, the paths each
 * commit changed against each parent, the renames found) are memoised in
 * `<commondir>/almanac/history-cache` (or opts.cache_dir). These facts depend
 * only on the commit id (Git objects are content-addressed) and on the
 * replace refs and grafts (the file records their digest and is not used
 * under others), never on HEAD, the branch or the configuration; ignore-revs,
 * ignored authors, the date source, `since` and the page set are applied when
 * the walk replays the facts. With content_canon the file also keeps the
 * cosmetic verdicts per (commit, old path, new path) for the canonical
 * form's version. So a second walk after new commits reads Git objects only for the
 * new commits, and the cache cannot be wrong after a rebase or force-push
 * (commits that disappeared are simply not reached; when the cache is
 * rewritten, records of commits no longer in the object database are
 * dropped). Shallow boundaries are never cached.
 *
 * Result table: beside the facts, `history-results` keeps the final answers
 * of the last walk with everything they depend on besides the Git objects:
 * HEAD, the replace refs and grafts, the page paths and watch globs in the
 * order asked, the ignore-revs ids, the ignored-author patterns, the date
 * source and `since` (ignored with all_old_paths, where it changes nothing,
 * unless content_canon is set: then `since`, the points and the canonical
 * form's version are part of it). A walk asking exactly that again
 * reads the answers back without replaying any commit (a warm second build);
 * any difference, e.g. a new commit or another setting, replays the facts as
 * above. It is never written for a shallow clone or when a commit was missing.
 *
 * Both files carry a checksum: a truncated, corrupt or other-version file is
 * ignored (and rewritten), never trusted. They are safe to delete at any time;
 * writes are atomic (temporary file + rename).
 *
 * Objects are read directly from the pack files (mmap, index v2, OFS/REF
 * deltas, one reused zlib stream, a 48 MiB delta-base cache) because going
 * through git_odb_read for each of the ~9 tree objects per commit costs about
 * twice as much; loose objects, alternates and anything unexpected are read
 * with libgit2 instead (hist_stats says how many of each). The engine's
 * files, one per layer, are listed in histpriv.h.
 *
 * Ownership: hist_open() returns a hist_t the caller frees with hist_free().
 * Every pointer returned by the other functions (entries, strings, arrays) is
 * borrowed from the hist_t and stays valid until hist_free() or the next
 * hist_walk(). One hist_t is used by one thread at a time (different hist_t
 * may walk concurrently). After hist_walk() returns, the lookup functions
 * only read and may be called from several threads at once;
 * hist_worktree_status() computes the status list on first use (call it once
 * before going parallel, or from one thread).
 *
 * Paths are repo-relative ('/'-separated, relative to the work-tree root, no
 * leading "./"), whatever folder was passed to hist_open(). */
#ifndef ALMANAC_HISTORY_H
#define ALMANAC_HISTORY_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

typedef struct hist hist_t;

/* A commit as the report shows it. All strings are borrowed from the hist_t. */
typedef struct {
	char id[41];             /* 40-hex commit id; "" when there is none */
	int64_t time;            /* by the date source: committer time, or author time with use_author_date */
	int64_t commit_time;     /* committer time, UTC seconds */
	int64_t author_time;     /* author time, UTC seconds */
	const char *author;      /* author name ("" when none) */
	const char *email;       /* author e-mail ("" when none) */
	const char *summary;     /* first line of the message ("" when none) */
} hist_commit_t;

/* One commit that changed a page, following renames (pure renames are not
 * events: the content did not change). */
typedef struct {
	int64_t time;            /* by the date source */
	unsigned char counts;    /* 1 unless ignored (ignore-revs or ignored author) */
	unsigned char exists;    /* 1 when the page existed after this commit (0: it deleted it) */
} hist_event_t;

typedef struct {
	const char *path;        /* the path asked for */
	hist_commit_t last;      /* newest counting commit; last.id[0] == '\0' when none was found */
	int truncated;           /* 1 when the search hit a shallow boundary before finding `last`:
	                            the status must be unknown, no date may be shown */
	int history_truncated;   /* 1 when the events stop at a shallow boundary (older trend points unknown) */
	int complete;            /* 1 when the events reach the page's creation (`created` is then set),
	                            or when the path has no history at all (not in HEAD) */
	int64_t created;         /* time (date source) of the commit that created the page, following
	                            renames; 0 when the walk did not go that far (see `since`) */
	const hist_event_t *events; /* change events newest first (git log order, across renames); they
	                            cover at least back to opts.since plus the newest counting event before
	                            it (or to creation / a shallow boundary) */
	size_t nevents;
	const char *const *old_paths; /* previous names, newest first, pure and edited renames; unique */
	size_t nold;
	size_t skipped_revs;     /* commits passed over before `last`: in the ignore-revs file, */
	size_t skipped_authors;  /* by an ignored author, */
	size_t skipped_renames;  /* pure renames of this page, */
	size_t skipped_cosmetic; /* commits that left its rendered text identical (content_canon) */
} hist_entry_t;

/* The newest counting change of a watch glob. */
typedef struct {
	const char *glob;        /* as given */
	hist_commit_t commit;    /* commit.id[0] == '\0' when none found (see "Watches" above) */
	const char *path;        /* the matching path that commit changed (first in path order); NULL when none */
} hist_watch_t;

/* Since value meaning "only the newest counting commit of each page is needed". */
#define HIST_SINCE_LAST_ONLY INT64_MAX

typedef struct {
	const char *ignore_revs_file;   /* repo-relative or absolute; NULL = ".git-blame-ignore-revs" when
	                                   present; "" = none. Lines: 40-hex commit ids, '#' comments,
	                                   blank lines; other lines are warnings ("ignore-revs"). A file
	                                   named explicitly but missing is a warning. */
	const char *const *ignore_authors; /* PCRE2 patterns, matched (unanchored) against the author
	                                   name and, separately, the author e-mail */
	size_t n_ignore_authors;
	const char *const *watch_globs; /* globs whose newest change hist_lookup_watch() answers */
	size_t n_watch_globs;
	int use_author_date;            /* times by author date (default: committer date) */
	int64_t since;                  /* oldest instant of interest for events: a page is resolved
	                                   once `last` is found and it has a counting event older than
	                                   `since` (or its creation was reached). 0 = the whole history,
	                                   HIST_SINCE_LAST_ONLY = only `last`. For the 12-month trend pass
	                                   the first month end of the trend. */
	int all_old_paths;              /* 1: follow every page back to its creation so that old_paths
	                                   lists every previous name (redirects), whatever `since` says */
	const char *cache_dir;          /* NULL = <commondir>/almanac; "" = no cache */
	const char *config_file;        /* file named in diagnostics about ignore_authors / ignore-revs
	                                   settings; NULL = "almanac.yml" */
	const atomic_int *stop;         /* NULL, or a flag another thread (a signal handler) raises to
	                                   give up: hist_walk then returns HIST_STOPPED within one
	                                   commit (the tree comparison polls it too), with no answers
	                                   and nothing cached */
	/* freshness.count: content. NULL (the default): every commit that changes a page counts.
	 * Otherwise it returns the canonical rendered text of a page (cosmetic.h: a malloc'd string
	 * of *out_len bytes) from its file's `len` bytes at `text`, `path` naming the page at that
	 * commit. A non-merge commit that modified a page still being walked (its last counting
	 * commit not found yet, or events still wanted back to `since`), or renamed it with edits,
	 * and whose canonical texts before and after are equal, is COSMETIC: its event does not
	 * count (counts = 0) and the search goes on down the page's history, as for an ignored
	 * commit. Blobs larger than 16 MiB, links and blobs that cannot be read are not compared
	 * (the commit counts). Called on the walk's thread. */
	char *(*content_canon)(void *ctx, const char *path, const char *text, size_t len, size_t *out_len);
	void *content_ctx;
	unsigned content_version;       /* the canonical form's version (COSMETIC_VERSION): stored
	                                   answers computed with another one are not reused */
	const int64_t *points;          /* NULL, or the instants (ascending) the events will be asked
	                                   about with hist_entry_at (the trend's month ends): with
	                                   content_canon, a change older than a page's last counting
	                                   commit is then compared only when its verdict can change the
	                                   answer at one of them; without points, every change back to
	                                   `since` is (the events' `counts` of changes no point depends
	                                   on may then say 1 for a cosmetic one). Part of the result
	                                   table's key with content_canon */
	size_t npoints;
} hist_opts_t;

/* hist_walk's return when opts.stop was raised (no diagnostic is added). */
#define HIST_STOPPED (-2)

/* Worktree states (hist_worktree_status). */
enum {
	HIST_CLEAN = 0,      /* tracked, no uncommitted change (also: unknown path that is not ignored
	                        and not present) */
	HIST_MODIFIED = 1,   /* tracked or staged with changes not committed (index or work tree) */
	HIST_UNTRACKED = 2,  /* not in the index, not ignored */
	HIST_IGNORED = 3     /* ignored by .gitignore / info/exclude / core.excludesFile */
};

/* Walk statistics (tests, benchmarks, --verbose output). */
typedef struct {
	size_t commits_walked;   /* commits whose changes were examined */
	size_t commits_diffed;   /* of those, commits whose trees were read (not from the cache) */
	size_t commits_cached;   /* of those, commits replayed from the cache */
	size_t trees_read;       /* tree objects read from the object database */
	size_t objects_packed;   /* objects read directly from pack files */
	size_t objects_libgit2;  /* objects read through git_odb_read (loose objects, fallback) */
	size_t renames_checked;  /* commits where libgit2's similarity search ran */
	int cache_loaded;        /* a valid cache file was read */
	int cache_rejected;      /* a cache file existed but was corrupt, truncated or of another version */
	int cache_written;       /* the cache file was (re)written */
	double seconds;          /* wall time of hist_walk */
	double cpu_seconds;      /* CPU time of hist_walk (the calling thread's) */
	int results_cached;      /* the answers were read from the result table (same HEAD, pages, watches
	                            and settings as the walk that wrote it): no commit was replayed, the
	                            facts cache was not even read (commits_walked is 0) */
	int results_rejected;    /* a result table existed but was corrupt, truncated or of another version */
	int results_written;     /* the result table was (re)written */
	size_t content_compared; /* content_canon: commit-page pairs compared, */
	size_t content_cosmetic; /* of those found cosmetic, */
	size_t content_unreadable; /* and pairs not compared because a blob could not be read (a
	                            partial clone): those commits count */
	size_t content_rendered; /* page versions turned into canonical text (content_canon calls) */
	size_t renames_unreadable; /* commits whose renames with edits were not looked for because a blob
	                            could not be read (a partial clone): a renamed and edited page's history
	                            starts at that commit */
} hist_stats_t;

/* Find the repository containing `any_path_in_worktree` (searching parent
 * folders) and open it. A bare repository or a path outside any work tree is
 * an error: a diagnostic (code "not-a-repository") is added and a negative
 * value returned; *out is then NULL. On success *out is the caller's (free
 * with hist_free). Reading HEAD happens here: hist_head()/hist_branch() work
 * before any walk. */
int hist_open(hist_t **out, const char *any_path_in_worktree, diag_list_t *d);

/* Add the diagnostic (severity error, code `code`, file `start`) for a
 * git_repository_open_ext(start) that returned `rc`, with libgit2's own
 * reason: "not inside a Git repository" only when there is none; otherwise
 * "cannot open the Git repository: <why>" (SHA-256 objects, an extension
 * libgit2 1.5 does not support such as a sparse checkout's worktreeConfig, a
 * repository owned by another user: git's safe.directory). */
void hist_open_diag(diag_list_t *d, const char *start, const char *code, int rc);

/* Walk the history once for `paths` (repo-relative page paths; duplicates
 * allowed) and opts->watch_globs. `opts` may be NULL (defaults). Paths not in
 * HEAD's tree get an entry with no history (last.id == ""). Problems a user
 * can cause (bad ignored-author pattern, unreadable ignore-revs file, shallow
 * clone) are diagnostics and the walk still succeeds; a negative return means
 * the repository could not be read (diagnostic added). An unborn HEAD (no
 * commit yet) is not an error: no page has history. Calling it again replaces
 * the previous results. */
int hist_walk(hist_t *h, const char *const *paths, size_t npaths, const hist_opts_t *opts, diag_list_t *d);

/* The result for `path` (as passed to hist_walk), or NULL when it was not asked for. */
const hist_entry_t *hist_lookup(const hist_t *h, const char *path);

/* The newest change of watch glob `glob` (exactly as passed in watch_globs),
 * or NULL when it was not asked for. */
const hist_watch_t *hist_lookup_watch(const hist_t *h, const char *glob);

/* 1 when `glob` (syntax above) matches the repo-relative `path`. */
int hist_glob_match(const char *glob, const char *path);

/* The state of a page as of instant `t` (time by the date source), from its
 * events: returns 1 when the page existed at `t` and sets *last_time to the
 * time of its newest counting commit at or before `t` (0 when it existed but
 * had no counting commit yet), 0 when it did not exist at `t`, and -1 when
 * the walk cannot tell (history truncated by a shallow clone or not walked
 * that far: `t` older than opts.since). `last_time` may be NULL. */
int hist_entry_at(const hist_entry_t *e, int64_t t, int64_t *last_time);

/* 1 when the repository is a shallow clone. */
int hist_is_shallow(const hist_t *h);
/* HEAD's commit id (40 hex), "" when HEAD is unborn. */
const char *hist_head(const hist_t *h);
/* Short name of the checked-out branch ("main"), "" when HEAD is detached. */
const char *hist_branch(const hist_t *h);
/* Absolute path of the work-tree root, with a trailing '/'. */
const char *hist_workdir(const hist_t *h);
/* The repository as diagnostics name it: its work tree's path, without the trailing '/'. Borrowed. */
const char *hist_label(const hist_t *h);

/* Worktree state of the repo-relative `path` (HIST_CLEAN, ...). The first call
 * reads the status of the whole work tree once (libgit2 status: untracked files
 * included, .gitignore honoured); later calls are lookups. */
int hist_worktree_status(hist_t *h, const char *path);

/* Why the work tree's status could not be read (borrowed), or NULL when it
 * was read or not asked for yet. Without it, hist_worktree_status answers
 * from the index and the ignore rules only (changes not committed are not
 * seen). HEAD's tree is first checked against the walk's bounds ("Limits"):
 * libgit2's status compares it whole with the index and cannot be stopped. */
const char *hist_worktree_error(const hist_t *h);

/* Drop everything held to read Git objects: the pack mappings, the object
 * caches and libgit2's object database with its own pack mappings (file
 * pages counted in the process's memory: about 100 MiB for a 100,000-commit
 * history). Lookups and hist_worktree_status keep working; a later hist_walk
 * opens the database again. Call it once the walk and the first
 * hist_worktree_status are done. */
void hist_release_objects(hist_t *h);

/* Distinct commits passed over while searching pages' last commits, by reason:
 * listed in the ignore-revs file, by an ignored author, pure renames. Any
 * pointer may be NULL. Depends only on the results, not on the cache. */
void hist_ignored_counts(const hist_t *h, size_t *revs, size_t *authors, size_t *renames);

/* Distinct commits passed over as cosmetic (opts.content_canon) while
 * searching pages' last commits; 0 without content_canon. */
size_t hist_cosmetic_count(const hist_t *h);

/* Statistics of the last hist_walk. */
void hist_stats(const hist_t *h, hist_stats_t *out);

/* Free everything; accepts NULL. */
void hist_free(hist_t *h);

#endif
