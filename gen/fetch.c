/* fetch.c - cached clones of the sources of a multi-repository site. See fetch.h.
 *
 * Cache layout, per source name under the cache folder:
 *   <name>/repo/       a normal clone (work tree + .git), HEAD detached at the wanted commit
 *   <name>/url         the URL the clone was made from (public form); another URL means a new clone
 *   <name>/complete    "<commit> <branch>\n": the checkout in repo/ finished for that commit
 * A first clone is made in <name>/repo.tmp-<pid> and renamed into place once complete. */
#include "fetch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "fsutil.h"

extern char **environ;

void fetch_result_free(fetch_result_t *r)
{
	if (!r)
		return;
	free(r->workdir);
	free(r->public_url);
	free(r->branch);
	memset(r, 0, sizeof *r);
}

typedef struct {
	const sources_spec_t *spec;
	const fetch_opts_t *opts;
	diag_list_t *d;
	const char *url;      /* the URL or path given to libgit2 (may hold credentials) */
	char *public_url;     /* for messages */
	/* credential attempts, so a refused credential is not offered again forever */
	int tried_agent, tried_keyfile, tried_helper, tried_user;
	char *helper_refused; /* the origin git's credential helpers were not asked for (owned) */
	char *last_error;     /* libgit2's message of the last failure (owned) */
	struct fjob *job;     /* the thread's job (fetch_source), or NULL when run directly */
	long long received;   /* bytes received from the server so far */
} fctx_t;

/* ---- a fetch on a thread of its own ----
 *
 * libgit2 1.5 reads from the network with blocking calls and no timeout, and calls back only when data
 * arrives: a server that accepts the connection and then says nothing (a stalled host, a tarpit named by
 * a merge request's almanac.yml) would hold the build, and Ctrl-C, forever. So the fetch runs on a
 * thread, and the caller waits for it, polling every 10 ms: on Ctrl-C it returns at once (the process is
 * about to exit), and when the network has been silent for the source's timeout it fails the source (or,
 * with --keep-going, takes the last complete fetch). A thread given up on is left blocked; it owns copies
 * of what it reads, is told to stop (its next callback cancels the transfer) and checks, under the lock,
 * that it was not given up on before it checks anything out, so the work tree the build reads is never
 * changed under it. */
typedef struct fjob {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int done;              /* under lock: the thread finished (its results are set) */
	int abandoned;         /* under lock: the caller gave up on it */
	int refs;              /* under lock: the caller and the thread; the last one frees */
	atomic_int stop;       /* the thread's stop flag: the caller's, or set when it gives up */
	atomic_int in_network; /* talking to the server (the timeout applies) */
	atomic_llong last_ns;  /* CLOCK_MONOTONIC of the last sign of life from the server */
	const atomic_int *user_stop;
	/* what the thread reads (owned copies) and writes */
	sources_spec_t spec;
	char *hub_root, *cache_dir, *config_file, *credential_origins;
	fetch_opts_t opts;
	fetch_result_t out;
	diag_list_t d;
	int rc;
} fjob_t;

static long long now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

long long fetch_deadline_from_now(int seconds)
{
	return now_ns() + (long long)seconds * 1000000000LL;
}

/* A sign of life from the server (any callback): the timeout starts again. */
static void job_alive(const fctx_t *x)
{
	if (x->job)
		atomic_store(&x->job->last_ns, now_ns());
}

/* Talking to the server (on) or done with it: under the lock, so that the caller gives up for silence
 * only while the thread is still waiting on the network. */
static void job_network(const fctx_t *x, int on)
{
	if (!x->job)
		return;
	pthread_mutex_lock(&x->job->lock);
	atomic_store(&x->job->last_ns, now_ns());
	atomic_store(&x->job->in_network, on);
	pthread_mutex_unlock(&x->job->lock);
}

/* 1 when the caller gave up on this fetch: nothing may be checked out (run just before a checkout). */
static int job_abandoned(const fctx_t *x)
{
	if (!x->job)
		return 0;
	pthread_mutex_lock(&x->job->lock);
	int gone = x->job->abandoned;
	pthread_mutex_unlock(&x->job->lock);
	return gone;
}

/* The secret part of a URL's user info (sources_url_userinfo): its password, or a user name that holds
 * a token (https://TOKEN@host/...), or NULL. Caller frees. */
static char *url_secret(const char *url)
{
	size_t off, len;
	if (!sources_url_userinfo(url, &off, &len) || len < 2)
		return NULL;
	const char *ui = url + off, *colon = memchr(ui, ':', len - 1);
	if (colon && colon + 1 < ui + len - 1)
		return xasprintf("%.*s", (int)(ui + len - 1 - colon - 1), colon + 1);
	return xasprintf("%.*s", (int)(colon ? colon - ui : (ptrdiff_t)len - 1), ui);
}

/* `msg` with every `needle` replaced by `repl` (frees msg). */
static char *replace_all(char *msg, const char *needle, const char *repl)
{
	size_t nl = strlen(needle);
	if (!nl || !strstr(msg, needle))
		return msg;
	buf_t b = BUF_INIT;
	for (const char *p = msg; *p;) {
		const char *hit = strstr(p, needle);
		if (!hit) {
			buf_puts(&b, p);
			break;
		}
		buf_put(&b, p, (size_t)(hit - p));
		buf_puts(&b, repl);
		p = hit + nl;
	}
	free(msg);
	return buf_detach(&b);
}

/* Record libgit2's reason for a failure, with the URL shown in its public form and any secret of it
 * masked (libgit2's messages may quote the URL as given: "malformed URL 'https://u:pa/ss@host'"). */
static void fail(fctx_t *x, const char *what)
{
	const git_error *e = git_error_last();
	free(x->last_error);
	char *msg = xasprintf("%s: %s", what, e && e->message ? e->message : "unknown error");
	if (x->url && x->public_url)
		msg = replace_all(msg, x->url, x->public_url);
	char *secret = x->url ? url_secret(x->url) : NULL;
	if (secret) {
		msg = replace_all(msg, secret, "***");
		memset(secret, 0, strlen(secret));
		free(secret);
	}
	x->last_error = msg;
}

/* ---- credentials ---- */

/* Run `git credential fill` with `input`; put its answer in `out`. The user's
 * helpers answer; git never prompts (GIT_TERMINAL_PROMPT=0, no terminal). */
static int credential_fill(const char *input, buf_t *out)
{
	int in[2], outp[2];
	if (pipe(in))
		return -1;
	if (pipe(outp)) {
		close(in[0]);
		close(in[1]);
		return -1;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, outp[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addclose(&fa, in[1]);
	posix_spawn_file_actions_addclose(&fa, outp[0]);
	/* the environment, with prompts off */
	size_t n = 0;
	while (environ[n])
		n++;
	char **env = xcalloc(n + 3, sizeof *env);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "GIT_TERMINAL_PROMPT=", 20) && strncmp(environ[i], "GIT_ASKPASS=", 12) &&
		    strncmp(environ[i], "SSH_ASKPASS=", 12))
			env[k++] = environ[i];
	env[k++] = "GIT_TERMINAL_PROMPT=0";
	env[k++] = "GIT_ASKPASS=/bin/false";
	char *argv[] = {"git", "credential", "fill", NULL};
	pid_t pid;
	int rc = posix_spawnp(&pid, "git", &fa, NULL, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	free(env);
	close(in[0]);
	close(outp[1]);
	if (rc) {
		close(in[1]);
		close(outp[0]);
		return -1;
	}
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	ssize_t w = write(in[1], input, strlen(input));
	(void)w;
	close(in[1]);
	char tmp[4096];
	ssize_t r;
	while ((r = read(outp[0], tmp, sizeof tmp)) > 0 && out->len < 65536)
		buf_put(out, tmp, (size_t)r);
	close(outp[0]);
	signal(SIGPIPE, old);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static char *answer_field(const char *ans, const char *key)
{
	size_t kl = strlen(key);
	for (const char *p = ans; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len > kl && !strncmp(p, key, kl) && p[kl] == '=')
			return xasprintf("%.*s", (int)(len - kl - 1), p + kl + 1);
		p = nl ? nl + 1 : NULL;
	}
	return NULL;
}

/* 1 when `origin` is one of the lines of `list`. */
static int origin_listed(const char *list, const char *origin)
{
	size_t ol = strlen(origin);
	for (const char *p = list; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len == ol && !strncmp(p, origin, ol))
			return 1;
		p = nl ? nl + 1 : NULL;
	}
	return 0;
}

static int credentials(git_credential **out, const char *url, const char *user_from_url, unsigned int allowed,
		       void *payload)
{
	fctx_t *x = payload;
	const char *user = user_from_url && user_from_url[0] ? user_from_url : NULL;
	if (allowed & GIT_CREDENTIAL_USERNAME && !x->tried_user) {
		x->tried_user = 1;
		return git_credential_username_new(out, user ? user : "git");
	}
	if (allowed & GIT_CREDENTIAL_SSH_KEY) {
		if (!x->tried_agent) {
			x->tried_agent = 1;
			if (getenv("SSH_AUTH_SOCK") && !git_credential_ssh_key_from_agent(out, user ? user : "git"))
				return 0;
		}
		static const char *const keys[] = {"id_ed25519", "id_ecdsa", "id_rsa"};
		const char *home = getenv("HOME");
		while (home && x->tried_keyfile < 3) {
			const char *k = keys[x->tried_keyfile++];
			char *priv = xasprintf("%s/.ssh/%s", home, k);
			char *pub = xasprintf("%s.pub", priv);
			int ok = fsu_is_file(priv) &&
				 !git_credential_ssh_key_new(out, user ? user : "git", fsu_is_file(pub) ? pub : NULL,
							     priv, NULL);
			free(priv);
			free(pub);
			if (ok)
				return 0;
		}
	}
	if (allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT && !x->tried_helper) {
		x->tried_helper = 1;
		char *origin = sources_url_origin(url);
		if (!origin || !origin_listed(x->opts->credential_origins, origin)) {
			free(x->helper_refused);
			x->helper_refused = origin ? origin : xstrdup("?");
			char *m = xasprintf("%s asks for a password; git's credential helpers are asked only for the hub's "
					    "own remotes' hosts and those the operator lists in ALMANAC_CREDENTIAL_HOSTS "
					    "(a merge request may name any server in almanac.yml)", x->helper_refused);
			git_error_set_str(GIT_ERROR_NET, m);
			free(m);
			return GIT_EUSER;
		}
		free(origin);
		char *in = xasprintf("url=%s\n%s%s%s\n", url, user ? "username=" : "", user ? user : "", user ? "\n" : "");
		buf_t ans = BUF_INIT;
		int rc = credential_fill(in, &ans);
		free(in);
		if (!rc) {
			char *u = answer_field(buf_cstr(&ans), "username");
			char *p = answer_field(buf_cstr(&ans), "password");
			if (u && p)
				rc = git_credential_userpass_plaintext_new(out, u, p);
			else
				rc = -1;
			if (p)
				memset(p, 0, strlen(p));
			free(u);
			free(p);
		}
		if (ans.s)
			memset(ans.s, 0, ans.cap);
		buf_free(&ans);
		if (!rc)
			return 0;
	}
	git_error_set_str(GIT_ERROR_NET, "no credentials were accepted (tried: the URL, ssh-agent, ~/.ssh keys, "
					 "git credential helpers)");
	return GIT_EUSER;
}

static long long max_bytes(const fctx_t *x)
{
	return x->opts->max_bytes > 0 ? x->opts->max_bytes : FETCH_MAX_BYTES;
}

/* "4 GiB", "512 MiB": a size as the limit is usually given. Caller frees. */
static char *size_text(long long n)
{
	static const char *const unit[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
	int u = 0;
	while (u < 4 && n >= 1024 && n % 1024 == 0) {
		n /= 1024;
		u++;
	}
	return xasprintf("%lld %s", n, unit[u]);
}

static int transfer_progress(const git_indexer_progress *stats, void *payload)
{
	fctx_t *x = payload;
	job_alive(x);
	if (stats) {
		x->received = (long long)stats->received_bytes;
		if (x->opts->received_before + x->received > max_bytes(x)) {
			char *lim = size_text(max_bytes(x));
			git_error_set(GIT_ERROR_NET, "the servers sent more than %s in this run (--fetch-max-size)", lim);
			free(lim);
			return -1;
		}
	}
	return x->opts->stop && atomic_load(x->opts->stop) ? -1 : 0;
}

static int sideband(const char *str, int len, void *payload)
{
	(void)str;
	(void)len;
	return transfer_progress(NULL, payload);
}

/* ---- the cache ---- */

static int read_small(const char *path, char *dst, size_t cap)
{
	buf_t b = BUF_INIT;
	int rc = fsu_read_file(&b, path, 4096);
	if (!rc) {
		size_t n = b.len < cap - 1 ? b.len : cap - 1;
		memcpy(dst, buf_cstr(&b), n);
		dst[n] = '\0';
		dst[strcspn(dst, "\n")] = '\0';
	}
	buf_free(&b);
	return rc;
}

static int write_small(const char *path, const char *text)
{
	char *tmp = xasprintf("%s.tmp-%ld", path, (long)getpid());
	int rc = fsu_write_file(tmp, text, strlen(text));
	if (!rc && rename(tmp, path))
		rc = -1;
	if (rc)
		unlink(tmp);
	free(tmp);
	return rc;
}

/* The commit to check out after a fetch: `branch` as a remote branch, then as a
 * tag; with no branch, the remote's default branch (`defbranch`, "refs/heads/x"). */
static int resolve_target(git_oid *oid, git_repository *repo, const char *branch, const char *defbranch)
{
	char *names[3] = {NULL, NULL, NULL};
	if (branch) {
		names[0] = xasprintf("refs/remotes/origin/%s", branch);
		names[1] = xasprintf("refs/tags/%s", branch);
	} else if (defbranch && !strncmp(defbranch, "refs/heads/", 11)) {
		names[0] = xasprintf("refs/remotes/origin/%s", defbranch + 11);
	}
	int rc = -1;
	for (int i = 0; i < 3 && names[i] && rc; i++) {
		git_object *obj = NULL;
		if (!git_revparse_single(&obj, repo, names[i])) {
			git_object *c = NULL;
			if (!git_object_peel(&c, obj, GIT_OBJECT_COMMIT)) {
				git_oid_cpy(oid, git_object_id(c));
				rc = 0;
				git_object_free(c);
			}
			git_object_free(obj);
		}
	}
	for (int i = 0; i < 3; i++)
		free(names[i]);
	if (rc)
		git_error_set_str(GIT_ERROR_REFERENCE,
				  branch ? "no such branch or tag on the remote" : "the remote has no default branch");
	return rc;
}

/* The new clone in `tmp`. A local repository (a path, or a file:// URL) is cloned by copying its objects
 * (libgit2's local clone: hard links where the file system allows), not through libgit2's local
 * transport, which packs and compresses every object again (a 30 MB repository: 0.1 s instead of
 * 26 s); the fetch that follows then finds every object behind the remote-tracking branches the clone
 * made and moves nothing. Anything else starts empty. Returns 0 or a libgit2 error. */
static int init_clone(git_repository **repo, const fctx_t *x, const char *tmp)
{
	if (!strncasecmp(x->url, "file://", 7) || x->url[0] == '/') {
		git_clone_options o;
		git_clone_options_init(&o, GIT_CLONE_OPTIONS_VERSION);
		o.local = GIT_CLONE_LOCAL;
		o.checkout_opts.checkout_strategy = GIT_CHECKOUT_NONE; /* do_checkout checks out the wanted commit */
		if (git_clone(repo, x->url, tmp, &o) == 0)
			return 0;
		git_error_clear(); /* (an empty repository has nothing to copy): the fetch says what is wrong */
		fsu_remove_tree(tmp);
	}
	return git_repository_init(repo, tmp, 0);
}

/* 1 when `prefix``name` is a valid reference name (no '*', '..', control bytes, ...). */
static int valid_ref(const char *prefix, const char *name)
{
	char *full = xasprintf("%s%s", prefix, name);
	int valid = 0;
	if (git_reference_name_is_valid(&valid, full))
		valid = 0;
	free(full);
	return valid;
}

/* Fetch the one branch or tag the source reads (its `branch:`, else the remote's default branch, which
 * is learnt into `defbranch`) from x->url into `repo`, as origin's remote-tracking branch or a tag. Only
 * that one: a server that advertises a million branches (a hostile almanac.yml can name one) would else
 * have a million loose refs written into the hub's .git, after the download, where no limit applies. */
static int do_fetch(fctx_t *x, git_repository *repo, char *defbranch, size_t cap)
{
	git_remote *remote = NULL;
	git_remote_callbacks cb;
	git_remote_init_callbacks(&cb, GIT_REMOTE_CALLBACKS_VERSION);
	cb.credentials = credentials;
	cb.transfer_progress = transfer_progress;
	cb.sideband_progress = sideband;
	cb.payload = x;
	char *refspecs[2] = {NULL, NULL};
	git_strarray specs = {refspecs, 0};
	int rc = -1;
	if (git_remote_create_anonymous(&remote, repo, x->url)) {
		fail(x, "cannot use the address");
		return -1;
	}
	job_network(x, 1);
	if (git_remote_connect(remote, GIT_DIRECTION_FETCH, &cb, NULL, NULL)) {
		fail(x, "cannot connect");
		goto out;
	}
	git_buf def = {0};
	if (!git_remote_default_branch(&def, remote)) {
		snprintf(defbranch, cap, "%s", def.ptr);
		git_buf_dispose(&def);
	}
	const char *b = x->spec->branch;
	if (b && valid_ref("refs/heads/", b)) {
		refspecs[specs.count++] = xasprintf("+refs/heads/%s:refs/remotes/origin/%s", b, b);
		refspecs[specs.count++] = xasprintf("+refs/tags/%s:refs/tags/%s", b, b);
	} else if (!b && !strncmp(defbranch, "refs/heads/", 11) && strlen(defbranch) < cap - 1 &&
		   valid_ref("", defbranch)) {
		refspecs[specs.count++] = xasprintf("+%s:refs/remotes/origin/%s", defbranch, defbranch + 11);
	} else {
		if (!b)
			defbranch[0] = '\0'; /* not a branch name the build can use */
		git_error_set_str(GIT_ERROR_REFERENCE, b ? "not a valid branch or tag name"
							 : "the remote names no valid default branch");
		fail(x, "cannot fetch");
		goto out;
	}
	git_fetch_options fo;
	git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
	fo.callbacks = cb;
	fo.prune = GIT_FETCH_PRUNE;
	fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE; /* the refspec above takes them all */
	if (git_remote_download(remote, &specs, &fo)) {
		fail(x, "cannot fetch");
		goto out;
	}
	job_network(x, 0); /* the rest is local work: moving the branches, pruning (no sign of life to wait for) */
	if (git_remote_update_tips(remote, &cb, 0, GIT_REMOTE_DOWNLOAD_TAGS_NONE, "almanac: fetch")) {
		fail(x, "cannot update the fetched branches");
		goto out;
	}
	if (fo.prune == GIT_FETCH_PRUNE)
		git_remote_prune(remote, &cb); /* a deleted branch must not linger as the source */
	rc = 0;
out:
	git_remote_disconnect(remote);
	git_remote_free(remote);
	job_network(x, 0);
	free(refspecs[0]);
	free(refspecs[1]);
	return rc;
}

typedef struct {
	git_odb *odb;
	long long total, max;
	const atomic_int *stop; /* Ctrl-C, or the caller gave up: the walk ends at once */
} tree_cost_t;

static int tree_cost_entry(const char *root, const git_tree_entry *e, void *payload)
{
	(void)root;
	tree_cost_t *t = payload;
	t->total += FETCH_FILE_COST;
	size_t len;
	git_object_t type;
	if (git_tree_entry_type(e) == GIT_OBJECT_BLOB && !git_odb_read_header(&len, &type, t->odb, git_tree_entry_id(e)))
		t->total += (long long)len;
	return t->total > t->max || (t->stop && atomic_load(t->stop)) ? -1 : 0;
}

/* 1 when checking out `c` would write more than the limit (its files' bytes, plus FETCH_FILE_COST a file or
 * folder); the walk stops there, so a tree that holds one folder many times over costs no more. -1 when
 * the stop flag ended the walk (x->last_error set), 0 otherwise. */
static int too_big_to_check_out(fctx_t *x, git_repository *repo, git_commit *c)
{
	git_tree *tree = NULL;
	tree_cost_t t = {NULL, 0, max_bytes(x), x->opts->stop};
	int over = 0;
	if (!git_commit_tree(&tree, c) && !git_repository_odb(&t.odb, repo)) {
		over = git_tree_walk(tree, GIT_TREEWALK_PRE, tree_cost_entry, &t) != 0 && t.total > t.max;
		if (!over && t.stop && atomic_load(t.stop)) {
			over = -1;
			free(x->last_error);
			x->last_error = xstrdup("interrupted");
		} else if (over) {
			char *lim = size_text(t.max);
			free(x->last_error);
			x->last_error = xasprintf("its files at commit %.7s come to more than %s (counting %lld bytes a "
						  "file; --fetch-max-size)", git_oid_tostr_s(git_commit_id(c)), lim,
						  FETCH_FILE_COST);
			free(lim);
		}
	}
	git_odb_free(t.odb);
	git_tree_free(tree);
	return over;
}

/* Check out `oid` in `repo`'s work tree, detached, removing what it does not track; refused when too big. */
static int do_checkout(fctx_t *x, git_repository *repo, const git_oid *oid)
{
	git_commit *c = NULL;
	git_checkout_options co;
	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	co.checkout_strategy = GIT_CHECKOUT_FORCE | GIT_CHECKOUT_REMOVE_UNTRACKED;
	int rc = -1;
	if (git_commit_lookup(&c, repo, oid)) {
		fail(x, "cannot read the fetched commit");
		return -1;
	}
	if (too_big_to_check_out(x, repo, c) == 0) {
		if (git_checkout_tree(repo, (git_object *)c, &co) || git_repository_set_head_detached(repo, oid))
			fail(x, "cannot check out the fetched commit");
		else
			rc = 0;
	}
	git_commit_free(c);
	return rc;
}

static int src_error(fctx_t *x, const char *why)
{
	diag_add(x->d, DIAG_ERROR, x->opts->config_file, x->spec->line, x->spec->col, "source",
		 "source '%s' (%s): %s", x->spec->name, x->public_url, why);
	return -1;
}

/* The last complete checkout, for --keep-going and offline builds. */
static int use_complete(fetch_result_t *out, const char *dir, const char *repo_dir)
{
	char *cpath = xasprintf("%s/complete", dir);
	char line[256];
	int rc = read_small(cpath, line, sizeof line);
	free(cpath);
	if (rc || strlen(line) < 40)
		return -1;
	char head[41] = "";
	git_repository *repo = NULL;
	if (!git_repository_open_ext(&repo, repo_dir, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL)) {
		git_oid h;
		if (!git_reference_name_to_id(&h, repo, "HEAD"))
			git_oid_tostr(head, sizeof head, &h);
		git_repository_free(repo);
	}
	if (strncmp(head, line, 40))
		return -1; /* the work tree is not the complete checkout (interrupted) */
	memcpy(out->commit, line, 40);
	out->commit[40] = '\0';
	free(out->branch);
	out->branch = xstrdup(line[40] == ' ' ? line + 41 : "");
	out->workdir = xasprintf("%s/", repo_dir);
	return 0;
}

/* Source x could not be fetched for `why`: with --keep-going its last complete fetch (in `dir`, checked
 * out in `repo_dir`) and a warning, 0; else an error naming it (and, with --keep-going, that there is no
 * complete fetch to use), -1. */
static int failed_source(fetch_result_t *out, fctx_t *x, const char *dir, const char *repo_dir, const char *why)
{
	if (!x->opts->keep_going)
		return src_error(x, why);
	if (use_complete(out, dir, repo_dir)) {
		char *m = xasprintf("%s; --keep-going has no complete fetch of it to use (it was never fetched, or its "
				    "URL changed)", why);
		src_error(x, m);
		free(m);
		return -1;
	}
	out->from_cache = 1;
	diag_add(x->d, DIAG_WARNING, x->opts->config_file, x->spec->line, x->spec->col, "source",
		 "source '%s' (%s): %s; using its last complete fetch (commit %.12s, --keep-going)", x->spec->name,
		 x->public_url, why, out->commit);
	return 0;
}

/* Remove the first clones (repo.tmp-PID) in `dir` whose process is gone: a build stopped by Ctrl-C
 * while its fetch thread waited on a silent server leaves its clone behind. */
static void remove_dead_clones(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, "repo.tmp-", 9))
			continue;
		char *end = NULL;
		long pid = strtol(e->d_name + 9, &end, 10);
		if (!end || *end || pid <= 0 || pid == (long)getpid() || !(kill((pid_t)pid, 0) != 0 && errno == ESRCH))
			continue;
		char *path = xasprintf("%s/%s", dir, e->d_name);
		fsu_remove_tree(path);
		free(path);
	}
	closedir(d);
}

static int fetch_cached(fetch_result_t *out, fctx_t *x, const char *cache_dir)
{
	char *dir = xasprintf("%s/%s", cache_dir, x->spec->name);
	char *repo_dir = xasprintf("%s/repo", dir);
	char *url_file = xasprintf("%s/url", dir);
	char *complete = xasprintf("%s/complete", dir);
	char *tmp = NULL;
	git_repository *repo = NULL;
	int rc = -1;
	if (fsu_mkdirs(dir, 0755)) {
		src_error(x, "cannot create its cache folder");
		goto out;
	}
	/* another URL for this name: start over */
	char known[4096] = "";
	if (!read_small(url_file, known, sizeof known) && strcmp(known, x->public_url)) {
		fsu_remove_tree(repo_dir);
		unlink(complete);
	}
	if (x->opts->offline) {
		if (use_complete(out, dir, repo_dir))
			src_error(x, "not fetched yet, and this run may not fetch");
		else
			rc = 0;
		goto out;
	}
	remove_dead_clones(dir);
	if (!fsu_is_dir(repo_dir)) {
		tmp = xasprintf("%s/repo.tmp-%ld", dir, (long)getpid());
		fsu_remove_tree(tmp);
		if (init_clone(&repo, x, tmp)) {
			fail(x, "cannot create the clone");
			goto failed;
		}
	} else if (git_repository_open_ext(&repo, repo_dir, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL)) {
		fail(x, "cannot open the cached clone");
		goto failed;
	}
	char defbranch[256] = "";
	if (do_fetch(x, repo, defbranch, sizeof defbranch))
		goto failed;
	out->fetched = 1;
	git_oid oid;
	if (resolve_target(&oid, repo, x->spec->branch, defbranch)) {
		fail(x, x->spec->branch ? "cannot find the branch or tag" : "cannot find the default branch");
		goto failed;
	}
	char hex[41];
	git_oid_tostr(hex, sizeof hex, &oid);
	const char *branch = x->spec->branch ? x->spec->branch : defbranch[0] ? defbranch + 11 : "";
	char cur[256] = "";
	int up_to_date = !tmp && !read_small(complete, cur, sizeof cur) && !strncmp(cur, hex, 40);
	if (job_abandoned(x)) /* the build goes on without this fetch: leave the work tree alone */
		goto failed;
	if (!up_to_date) {
		unlink(complete);
		if (do_checkout(x, repo, &oid))
			goto failed;
	}
	git_repository_free(repo);
	repo = NULL;
	if (tmp && rename(tmp, repo_dir)) {
		free(x->last_error);
		x->last_error = xasprintf("cannot move the new clone into place: %s", strerror(errno));
		goto failed;
	}
	char *line = xasprintf("%s %s\n", hex, branch);
	write_small(complete, line);
	free(line);
	char *u = xasprintf("%s\n", x->public_url);
	write_small(url_file, u);
	free(u);
	memcpy(out->commit, hex, 41);
	out->branch = xstrdup(branch);
	out->workdir = xasprintf("%s/", repo_dir);
	rc = 0;
	goto out;
failed:
	if (repo) {
		git_repository_free(repo);
		repo = NULL;
	}
	if (tmp)
		fsu_remove_tree(tmp);
	if (x->opts->stop && atomic_load(x->opts->stop)) {
		rc = -2;
		goto out;
	}
	rc = failed_source(out, x, dir, repo_dir, x->last_error ? x->last_error : "cannot fetch");
out:
	out->received = x->received;
	git_repository_free(repo);
	free(tmp);
	free(dir);
	free(repo_dir);
	free(url_file);
	free(complete);
	return rc;
}

/* A local work tree: in place when it has the wanted branch checked out. Sets
 * *in_place = 0 when it must be cloned into the cache instead. */
static int local_source(fetch_result_t *out, fctx_t *x, const char *abs, int *in_place)
{
	git_repository *repo = NULL;
	*in_place = 0;
	if (git_repository_open_ext(&repo, abs, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL)) {
		const git_error *e = git_error_last();
		char *why = xasprintf("not the root of a Git work tree (%s)", e && e->message ? e->message : "?");
		src_error(x, why);
		free(why);
		return -1;
	}
	if (git_repository_is_bare(repo) || !git_repository_workdir(repo)) {
		git_repository_free(repo);
		return 0; /* a bare repository: read through a cached clone */
	}
	const char *wd = git_repository_workdir(repo);
	char *want = xasprintf("%s/", abs);
	char *w = fsu_normalize(want);
	char *h = fsu_normalize(wd);
	int same_root = w && h && !strcmp(w, h);
	free(want);
	free(w);
	free(h);
	if (!same_root) {
		git_repository_free(repo);
		src_error(x, "must name the top folder of a Git work tree");
		return -1;
	}
	int ok = 1;
	if (x->spec->branch) {
		git_reference *head = NULL;
		ok = !git_repository_head(&head, repo) && git_reference_is_branch(head) &&
		     !strcmp(git_reference_shorthand(head), x->spec->branch);
		git_reference_free(head);
	}
	if (ok) {
		*in_place = 1;
		out->in_place = 1;
		out->workdir = xstrdup(wd);
		git_reference *head = NULL;
		if (!x->spec->branch && !git_repository_head(&head, repo) && git_reference_is_branch(head))
			out->branch = xstrdup(git_reference_shorthand(head));
		else
			out->branch = xstrdup(x->spec->branch ? x->spec->branch : "");
		git_reference_free(head);
	}
	git_repository_free(repo);
	return 0;
}

/* The fetch itself (fetch_source), on the job's thread (NULL: the caller's). */
static int fetch_now(fetch_result_t *out, const sources_spec_t *spec, const char *hub_root, const char *cache_dir,
		     const fetch_opts_t *opts, diag_list_t *d, fjob_t *job)
{
	memset(out, 0, sizeof *out);
	fctx_t x = {.spec = spec, .opts = opts, .d = d, .job = job};
	char *abs = NULL;
	int rc;
	static int certs_set;
	if (!certs_set) { /* libgit2 over mbedTLS needs the CA bundle named */
		certs_set = 1;
		const char *bundle = getenv("SSL_CERT_FILE");
		if (!bundle || !fsu_is_file(bundle))
			bundle = "/etc/ssl/certs/ca-certificates.crt";
		if (fsu_is_file(bundle))
			git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, bundle, NULL);
	}
	x.public_url = sources_public_url(spec->repo);
	out->public_url = xstrdup(x.public_url);
	if (spec->is_url) {
		x.url = spec->repo;
		rc = fetch_cached(out, &x, cache_dir);
	} else {
		char *joined = spec->repo[0] == '/' ? xstrdup(spec->repo) : fsu_join(hub_root, spec->repo);
		abs = fsu_normalize(joined);
		free(joined);
		size_t l = abs ? strlen(abs) : 0;
		if (l > 1 && abs[l - 1] == '/')
			abs[l - 1] = '\0';
		int in_place = 0;
		if (!abs || !fsu_is_dir(abs)) {
			src_error(&x, "no such folder");
			rc = -1;
		} else if ((rc = local_source(out, &x, abs, &in_place)) == 0 && !in_place) {
			x.url = abs; /* another branch of a local repository: a cached clone of it */
			rc = fetch_cached(out, &x, cache_dir);
		}
	}
	free(abs);
	free(x.public_url);
	free(x.last_error);
	free(x.helper_refused);
	return rc;
}

static void job_release(fjob_t *j)
{
	pthread_mutex_lock(&j->lock);
	int last = --j->refs == 0;
	pthread_mutex_unlock(&j->lock);
	if (!last)
		return;
	free(j->spec.name);
	free(j->spec.repo);
	free(j->spec.branch);
	free(j->spec.path);
	free(j->hub_root);
	free(j->cache_dir);
	free(j->config_file);
	free(j->credential_origins);
	fetch_result_free(&j->out);
	diag_free(&j->d);
	pthread_cond_destroy(&j->cond);
	pthread_mutex_destroy(&j->lock);
	free(j);
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void *job_main(void *arg)
{
	fjob_t *j = arg;
	git_libgit2_init(); /* the caller may shut libgit2 down while a thread given up on still runs */
	int rc = fetch_now(&j->out, &j->spec, j->hub_root, j->cache_dir, &j->opts, &j->d, j);
	git_libgit2_shutdown();
	pthread_mutex_lock(&j->lock);
	j->rc = rc;
	j->done = 1;
	pthread_cond_broadcast(&j->cond);
	pthread_mutex_unlock(&j->lock);
	job_release(j);
	return NULL;
}

/* The source failed for `why` without its thread: its last complete fetch with --keep-going, else an
 * error (fetch_cached's rules). */
static int given_up(fetch_result_t *out, const sources_spec_t *spec, const char *cache_dir, const fetch_opts_t *opts,
		    const char *why, diag_list_t *d)
{
	fctx_t x = {.spec = spec, .opts = opts, .d = d};
	x.public_url = sources_public_url(spec->repo);
	char *dir = xasprintf("%s/%s", cache_dir, spec->name);
	char *repo_dir = xasprintf("%s/repo", dir);
	int rc = failed_source(out, &x, dir, repo_dir, why);
	free(dir);
	free(repo_dir);
	free(x.public_url);
	return rc;
}

int fetch_source(fetch_result_t *out, const sources_spec_t *spec, const char *hub_root, const char *cache_dir,
		 const fetch_opts_t *opts, diag_list_t *d)
{
	fjob_t *j = xcalloc(1, sizeof *j);
	pthread_mutex_init(&j->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&j->cond, &ca);
	pthread_condattr_destroy(&ca);
	j->refs = 2;
	j->spec = *spec;
	j->spec.name = dup_or_null(spec->name);
	j->spec.repo = dup_or_null(spec->repo);
	j->spec.branch = dup_or_null(spec->branch);
	j->spec.path = dup_or_null(spec->path);
	j->hub_root = dup_or_null(hub_root);
	j->cache_dir = dup_or_null(cache_dir);
	j->config_file = dup_or_null(opts->config_file);
	j->opts = *opts;
	j->opts.stop = &j->stop;
	j->opts.config_file = j->config_file;
	j->credential_origins = dup_or_null(opts->credential_origins);
	j->opts.credential_origins = j->credential_origins;
	diag_init(&j->d);
	atomic_store(&j->last_ns, now_ns());
	pthread_t tid;
	if (pthread_create(&tid, NULL, job_main, j) != 0) { /* no thread: fetched here, without a timeout */
		j->refs = 1;
		job_release(j);
		return fetch_now(out, spec, hub_root, cache_dir, opts, d, NULL);
	}
	int timeout = spec->timeout > 0 ? spec->timeout : SOURCES_TIMEOUT;
	long long limit = (long long)timeout * 1000000000LL;
	int interrupted = 0, late = 0; /* else: silent for the source's timeout */
	pthread_mutex_lock(&j->lock);
	while (!j->done) {
		if (opts->stop && atomic_load(opts->stop)) {
			interrupted = 1;
			break;
		}
		if (atomic_load(&j->in_network) && now_ns() - atomic_load(&j->last_ns) > limit)
			break;
		/* only while talking to a server: a local work tree read in place, and the checkout after a
		 * download, are not held by one */
		if (opts->deadline_ns && atomic_load(&j->in_network) && now_ns() > opts->deadline_ns) {
			late = 1;
			break;
		}
		struct timespec t;
		clock_gettime(CLOCK_MONOTONIC, &t);
		t.tv_nsec += 10 * 1000000L;
		if (t.tv_nsec >= 1000000000L) {
			t.tv_sec++;
			t.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&j->cond, &j->lock, &t);
	}
	int done = j->done;
	if (!done) {
		j->abandoned = 1;
		atomic_store(&j->stop, 1);
	}
	pthread_mutex_unlock(&j->lock);
	/* a finished thread is joined: it may still be freeing libgit2's per-thread state, which a build that
	 * ends at once would otherwise report as leaked; one given up on is left to itself */
	if (done)
		pthread_join(tid, NULL);
	else
		pthread_detach(tid);
	int rc;
	memset(out, 0, sizeof *out);
	if (done) {
		*out = j->out;
		memset(&j->out, 0, sizeof j->out);
		diag_add_each(d, j->d.items, j->d.len, NULL);
		rc = j->rc;
	} else if (interrupted) {
		out->public_url = sources_public_url(spec->repo);
		rc = -2;
	} else {
		char *why = !late ? xasprintf("no answer from the server for %d s (the source's timeout)", timeout)
				  : xasprintf("fetching the sources took longer than %d s (--fetch-limit; a server that "
					      "never stops sending?)", opts->limit_seconds);
		out->public_url = sources_public_url(spec->repo);
		rc = given_up(out, spec, cache_dir, opts, why, d);
		free(why);
	}
	job_release(j);
	return rc;
}
