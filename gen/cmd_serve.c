/* cmd_serve.c - almanac serve: a live preview of the site (see serve.h, watch.h, incremental.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/statvfs.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "fsutil.h"
#include "incremental.h"
#include "publish.h"
#include "serve.h"
#include "tmpdir.h"
#include "watch.h"

static const char serve_help[] =
	"Usage: almanac serve [--repo DIR] [--bind ADDR] [--port N] [--config FILE] [--now TIME]\n"
	"                     [--jobs N] [--alert-rules PATH]... [--keep-going] [--fetch-limit SECONDS]\n"
	"                     [--fetch-max-size SIZE] [--source NAME=PATH]... [--no-page-cache]\n\n"
	"Preview the site with live reload. The site is built in a private temporary folder\n"
	"(never the output folder) and served over HTTP; when a page, the theme or the\n"
	"configuration changes, only what the change affects is rebuilt and open pages reload,\n"
	"keeping their scroll position. A change that brings new errors (a broken link, invalid\n"
	"front matter) still shows, with the errors over the page and in the terminal until they\n"
	"are fixed. Drafts are shown (marked as drafts), and pages with\n"
	"uncommitted changes carry an \"uncommitted\" badge.\n\n"
	"  --repo DIR       any folder inside the Git work tree (default: .)\n"
	"  --bind ADDR      address to listen on (default: 127.0.0.1; any other address makes\n"
	"                   the preview reachable from other machines: a warning is printed)\n"
	"  --port N         port (default: 8080; 0 picks a free port and prints it)\n"
	"  --config FILE    configuration file (default: almanac.yml at the repository root)\n"
	"  --now TIME       compute ages against TIME (default: the clock at each full rebuild)\n"
	"  --jobs N         worker threads: Markdown, pages, search index (default: cores)\n"
	"  --drafts         accepted for symmetry with build: serve always shows drafts\n"
	"  --alert-rules PATH  Prometheus rule files (a file, folder or glob; repeatable); a change to\n"
	"                   them, to CODEOWNERS or to an OWNERS file reloads everything\n"
	"  --keep-going     a source (sources: in almanac.yml) that cannot be fetched is taken from\n"
	"                   its last complete fetch (a warning) instead of failing with exit 4\n"
	"  --fetch-limit SECONDS  fetching every source takes at most this long (1-86400; default 1800)\n"
	"  --fetch-max-size SIZE  servers may send at most this much in all, and one source's checkout may\n"
	"                         write at most this much (1M-16T; default 4G)\n"
	"  --source NAME=PATH  read source NAME from the local work tree PATH instead of its\n"
	"                   configured repository (repeatable)\n"
	"  --no-page-cache  render every page anew at each full load, neither reading nor updating the\n"
	"                   rendered Markdown and search words builds keep (.git/almanac/)\n";

/* The work folder's name in work_parent(): SERVE_PREFIX <pid>-<random> (tmpdir.h). */
#define SERVE_PREFIX "almanac-serve-"

/* Where the site versions live: $TMPDIR when set; else /dev/shm (memory: fast to write and
 * rewrite) when it has room; else /tmp. */
static const char *work_parent(void)
{
	const char *t = getenv("TMPDIR");
	if (t && t[0])
		return t;
	struct statvfs v;
	if (access("/dev/shm", W_OK) == 0 && statvfs("/dev/shm", &v) == 0 &&
	    (unsigned long long)v.f_bavail * v.f_frsize >= (2ull << 30))
		return "/dev/shm";
	return "/tmp";
}

/* 1 when --now was given explicitly (serve ignores SOURCE_DATE_EPOCH: a preview uses the clock). */
static int now_given(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		if (!strcmp(argv[i], "--now") || !strncmp(argv[i], "--now=", 6))
			return 1;
	return 0;
}

int cmd_serve(int argc, char **argv)
{
	cli_opts_t o;
	int rc = cli_parse(&o, "serve", argc, argv,
			   OPT_REPO | OPT_CONFIG | OPT_NOW | OPT_JOBS | OPT_DRAFTS | OPT_BIND | OPT_PORT | OPT_ALERT_RULES | OPT_KEEP_GOING | OPT_FETCH_LIMIT | OPT_FETCH_MAX | OPT_SOURCE | OPT_NO_PAGE_CACHE,
			   0);
	if (rc)
		return rc;
	if (o.help) {
		fputs(serve_help, stdout);
		return EXIT_OK;
	}
	const char *bind = o.bind ? o.bind : "127.0.0.1";
	int port = o.port >= 0 ? o.port : 8080;
	if (!srv_is_loopback(bind))
		fprintf(stderr,
			"almanac serve: warning: --bind %s makes the preview (drafts and uncommitted work included) "
			"reachable from other machines; it is a development server, not a production one\n",
			bind);

	o.site.serve = 1;
	o.site.drafts = 1;
	o.site.trend = 1;
	o.site.git_dates = 1;
	o.site.page_cache = !o.no_page_cache; /* its loads read and keep the rendered Markdown and search words */
	inc_opts_t io;
	memset(&io, 0, sizeof io);
	io.site = o.site;
	io.fixed_now = now_given(argc, argv);
	const char *v = getenv("ALMANAC_SERVE_VERIFY");
	io.verify = v && v[0] && strcmp(v, "0");

	/* a private folder for the site versions: never the configured output folder. Folders of
	 * serves that were killed (SIGKILL) are removed first; ours stays locked while we run */
	const char *tmpdir = work_parent();
	int pfd = open(tmpdir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	char *name = NULL;
	int lock = -1;
	if (pfd >= 0) {
		tmpd_sweep(pfd, SERVE_PREFIX);
		lock = tmpd_create(pfd, SERVE_PREFIX, 1, &name);
		close(pfd);
	}
	if (lock < 0) {
		fprintf(stderr, "almanac serve: cannot create a temporary folder in %s: %s\n", tmpdir, strerror(errno));
		return EXIT_ENV;
	}
	char *work = xasprintf("%s/%s", tmpdir, name);
	free(name);
	char *abswork = fsu_absolute(work);
	free(work);
	io.work_dir = abswork;
	pub_install_signal_handlers();
	signal(SIGPIPE, SIG_IGN);

	inc_t *inc = NULL;
	rc = inc_open(&inc, &io);
	if (rc != 0) {
		fprintf(stderr, "almanac serve: the site could not be built\n");
		fsu_remove_tree(abswork);
		free(abswork);
		close(lock);
		return pub_interrupted() ? EXIT_OK : cli_exit_for(rc);
	}
	srv_t *srv = NULL;
	buf_t err = BUF_INIT;
	if (srv_start(&srv, bind, port, inc_first_dir(inc), &err) != 0) {
		fprintf(stderr, "almanac serve: %s\n", buf_cstr(&err));
		buf_free(&err);
		inc_close(inc);
		fsu_remove_tree(abswork);
		free(abswork);
		close(lock);
		return EXIT_ENV;
	}
	buf_free(&err);
	inc_attach(inc, srv);
	if (inc_watch(inc) != 0)
		fprintf(stderr, "almanac serve: warning: cannot watch files (inotify unavailable): no live reload\n");

	char *repo = fsu_absolute(o.site.repo ? o.site.repo : ".");
	/* a URL a browser on this machine can open */
	const char *host = !strcmp(bind, "0.0.0.0") ? "127.0.0.1" : !strcmp(bind, "::") ? "::1" : bind;
	int v6 = strchr(host, ':') != NULL && host[0] != '[';
	fprintf(stderr, "Serving %s at http://%s%s%s:%d/ (Ctrl-C to stop)\n", repo, v6 ? "[" : "", host,
		v6 ? "]" : "", srv_port(srv));
	free(repo);

	watch_batch_t batch = {NULL, 0, 0};
	while (!pub_interrupted()) {
		watch_t *w = inc_watcher(inc);
		if (!w) {
			if (inc_busy(inc))
				inc_idle(inc);
			usleep(200 * 1000);
			continue;
		}
		/* left-over work (the search index) waits for a short quiet moment */
		int busy = inc_busy(inc);
		int r = watch_wait(w, &batch, busy ? 30 : 500, 20, 300);
		if (pub_interrupted())
			break;
		if (r > 0)
			inc_handle(inc, &batch);
		else if (r == 0 && busy)
			inc_idle(inc);
		else if (r < 0)
			usleep(100 * 1000);
	}
	watch_batch_free(&batch);
	fprintf(stderr, "almanac serve: stopping\n");
	char *served = xstrdup(srv_root(srv));
	srv_stop(srv);
	inc_close(inc);
	fsu_remove_tree(served);
	free(served);
	fsu_remove_tree(abswork);
	free(abswork);
	close(lock);
	return EXIT_OK;
}
