/* fetch.h - make each source of a multi-repository site a local work tree (prefix fetch_).
 *
 * A source written as a local path with no branch (or with the branch it has
 * checked out) is read in place, as the hub is. Any other source (a Git URL,
 * or a local repository at another branch or tag) is cloned once with
 * libgit2 into the hub's cache folder and fetched again on later builds
 * (new objects only); the wanted commit is then checked out in the cached
 * clone. The cached clone is a normal repository, so the history engine dates
 * its pages with its own walk and its own history cache, and its full
 * history is fetched (never shallow).
 *
 * Nothing half-fetched is used: libgit2 moves the remote-tracking refs only
 * after the objects arrived, and a checkout is marked complete (a file
 * recording its commit) only once it finished; a failed fetch leaves the last
 * complete checkout in place, which --keep-going uses.
 *
 * Credentials come from where git finds them: the URL itself, ssh-agent and
 * the usual ~/.ssh keys, and `git credential fill` (the user's configured
 * credential helpers, never prompting; only for the origins opts names). They are never written to the cache's
 * configuration, the site or the report (sources_public_url). */
#ifndef ALMANAC_FETCH_H
#define ALMANAC_FETCH_H

#include <stdatomic.h>

#include "diag.h"
#include "sources.h"

typedef struct {
	int keep_going;         /* a fetch failure uses the last complete checkout (warning) */
	int offline;            /* never contact a remote: the last complete checkout, or an error */
	const atomic_int *stop; /* polled during transfers; non-zero cancels (may be NULL) */
	const char *config_file; /* names the configuration in diagnostics ("almanac.yml") */
	long long deadline_ns;  /* CLOCK_MONOTONIC time by which every fetch of the build must be done talking
	                         * to its server, so that a server trickling data cannot hold it either (0:
	                         * none); a source that needs no server (a local work tree) is not bound by it */
	int limit_seconds;      /* the limit that deadline comes from (for the message) */
	long long max_bytes;    /* what servers may send in one build (received_before counts the earlier
	                         * fetches), and what a source's commit may check out (its files' bytes plus
	                         * 4 KiB a file or folder): at most this; 0: FETCH_MAX_BYTES */
	long long received_before;
	const char *credential_origins; /* the origins (sources_url_origin) a user name and password from git's
	                         * credential helpers may be sent to, one per line ("https://github.com\n"); NULL:
	                         * none. A hostile almanac.yml names any server it likes: one that asks for a
	                         * password must not get the CI's token from a helper that answers for any host */
} fetch_opts_t;

/* Every source of one build is fetched within this unless --fetch-limit says otherwise (a first clone
 * of fifty repositories fits many times over; a server that never stops sending does not). */
#define FETCH_LIMIT_SECONDS 1800
/* What one build may receive from servers, and check out of one source, unless --fetch-max-size says
 * otherwise: a hostile server's pack of many gigabytes, or a small pack of a tree that repeats one
 * folder inside itself (millions of files), is stopped there instead of filling the disk. */
#define FETCH_MAX_BYTES (4LL << 30)
/* Each file or folder of a checkout counts this much besides its bytes (a block of the file system). */
#define FETCH_FILE_COST 4096LL

typedef struct {
	char *workdir;     /* absolute work tree of the source, with a trailing '/' (owned) */
	char *public_url;  /* the source as shown to readers: path or URL without secrets (owned) */
	char commit[41];   /* the commit checked out ("" when read in place) */
	char *branch;      /* the branch or tag used ("" when unknown) (owned) */
	int in_place;      /* a local work tree read as it is (uncommitted changes show) */
	int from_cache;    /* the fetch failed and --keep-going took the last complete checkout */
	int fetched;       /* objects were fetched from the remote in this run */
	long long received; /* bytes received from the server in this run */
} fetch_result_t;

/* Make source `spec` available locally. `hub_root` is the hub's work-tree
 * root (absolute, trailing '/'); a local `repo` is relative to it.
 * `cache_dir` (absolute) holds the cached clones, one folder per source name.
 * Fills `out` (free with fetch_result_free, also on failure). Returns 0, or
 * -1 with an error diagnostic at the source's entry in the configuration
 * naming the source and libgit2's reason (exit code 4). A failure with
 * opts->keep_going and a complete earlier checkout returns 0 with a warning
 * and out->from_cache set. Returns -2 when opts->stop was raised. */
int fetch_source(fetch_result_t *out, const sources_spec_t *spec, const char *hub_root, const char *cache_dir,
		 const fetch_opts_t *opts, diag_list_t *d);
/* The CLOCK_MONOTONIC time (fetch_opts_t.deadline_ns) `seconds` from now. */
long long fetch_deadline_from_now(int seconds);
/* Free what `r` owns; accepts a zeroed result. */
void fetch_result_free(fetch_result_t *r);

#endif
