/* test_serve.c - the preview server's HTTP side (serve.h) and the watcher
 * (watch.h): request path decoding and refusal, content types, a real server
 * on a free port serving a folder that holds a symlink to the outside, the
 * site lock and root swap, the status endpoint and event stream; recursive
 * watching including folders created later, batching of a save in steps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "buf.h"
#include "fsutil.h"
#include "serve.h"
#include "watch.h"

static void decodes(const char *raw, const char *want, int want_hidden)
{
	int hidden = -1;
	char *got = srv_decode_path(raw, &hidden);
	if (!want) {
		if (got)
			fail_msg("'%s' should be refused, got '%s'", raw, got);
		return;
	}
	if (!got)
		fail_msg("'%s' refused, wanted '%s'", raw, want);
	assert_string_equal(got, want);
	assert_int_equal(hidden, want_hidden);
	free(got);
}

static void test_decode_path(void **state)
{
	(void)state;
	decodes("/", "", 0);
	decodes("/a/b/", "a/b/", 0);
	decodes("/a/b", "a/b", 0);
	decodes("//a///b//", "a/b/", 0);
	decodes("/./a/./b", "a/b", 0);
	decodes("/a%20b/c%2Fd", "a b/c/d", 0);
	decodes("/%E2%9C%93/", "\xE2\x9C\x93/", 0);
	decodes("/.git/config", ".git/config", 1);
	decodes("/a/.GIT/x", "a/.GIT/x", 1);
	decodes("/.almanac-site", ".almanac-site", 1);
	decodes("//./.almanac-site", ".almanac-site", 1);
	/* a static folder's hidden files are the site's */
	decodes("/.well-known/security.txt", ".well-known/security.txt", 0);
	decodes("/a/.almanac-site", "a/.almanac-site", 0);
	decodes("/.gitignore", ".gitignore", 0);
	/* refused: traversal in every spelling, NUL and control bytes, backslashes, bad escapes */
	decodes("/../etc/passwd", NULL, 0);
	decodes("/a/../../etc/passwd", NULL, 0);
	decodes("/a/..", NULL, 0);
	decodes("/%2e%2e/etc/passwd", NULL, 0);
	decodes("/%2E%2E%2Fetc", NULL, 0);
	decodes("/a/.%2e/b", NULL, 0);
	decodes("/a%2f..%2fb", NULL, 0);
	decodes("/a%00.html", NULL, 0);
	decodes("/a%0a", NULL, 0);
	decodes("/a\\b", NULL, 0);
	decodes("/a%5cb", NULL, 0);
	decodes("/a%", NULL, 0);
	decodes("/a%2", NULL, 0);
	decodes("/a%zz", NULL, 0);
	decodes("a/b", NULL, 0);
	decodes("http://host/a", NULL, 0);
	decodes("", NULL, 0);
	/* double encoding stays literal: "%2e%2e" as a name is not ".." */
	decodes("/%252e%252e/x", "%2e%2e/x", 0);
}

static void test_content_types(void **state)
{
	(void)state;
	assert_string_equal(srv_content_type("a/index.html"), "text/html; charset=utf-8");
	assert_string_equal(srv_content_type("assets/style.CSS"), "text/css; charset=utf-8");
	assert_string_equal(srv_content_type("assets/search.js"), "text/javascript; charset=utf-8");
	assert_string_equal(srv_content_type("search/manifest.json"), "application/json");
	assert_string_equal(srv_content_type("search/t/0.bin"), "application/octet-stream");
	assert_string_equal(srv_content_type("img/flow.png"), "image/png");
	assert_string_equal(srv_content_type("favicon.svg"), "image/svg+xml");
	assert_string_equal(srv_content_type("sitemap.xml"), "application/xml");
	assert_string_equal(srv_content_type("README"), "application/octet-stream");
	assert_string_equal(srv_content_type(".hidden"), "application/octet-stream");
	assert_true(srv_is_loopback("127.0.0.1"));
	assert_true(srv_is_loopback("::1"));
	assert_true(srv_is_loopback("localhost"));
	assert_false(srv_is_loopback("0.0.0.0"));
	assert_false(srv_is_loopback("192.168.1.10"));
}

static char *mktree(void)
{
	char tmpl[] = "/tmp/almanac-serve-test-XXXXXX";
	char *d = mkdtemp(tmpl);
	assert_non_null(d);
	return xstrdup(d);
}

static void put(const char *root, const char *rel, const char *text)
{
	char *p = fsu_join(root, rel);
	assert_int_equal(fsu_write_file(p, text, strlen(text)), 0);
	free(p);
}

/* One HTTP/1.0 request; returns the whole response (caller frees). A
 * "Host: x" header in `request` stands for this server's own address. */
static char *http(int port, const char *request)
{
	char *own = NULL;
	const char *hx = strstr(request, "Host: x\r\n");
	if (hx) {
		own = xasprintf("%.*sHost: 127.0.0.1:%d\r\n%s", (int)(hx - request), request, port, hx + 9);
		request = own;
	}
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	struct timeval tv = {10, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	struct sockaddr_in a;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(write(fd, request, strlen(request)), (ssize_t)strlen(request));
	buf_t out = BUF_INIT;
	char tmp[4096];
	ssize_t n;
	while ((n = read(fd, tmp, sizeof tmp)) > 0)
		buf_put(&out, tmp, (size_t)n);
	close(fd);
	free(own);
	return buf_detach(&out);
}

static char *get(int port, const char *path)
{
	char req[1024];
	snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: x\r\n\r\n", path);
	return http(port, req);
}

/* A GET request for the literal `path`, as get() sends it. */
#define GET(path) "GET " path " HTTP/1.0\r\nHost: x\r\n\r\n"

/* The reply to the raw HTTP `request` holds each string given after `absent`
 * (up to the NULL) and does not hold `absent` (NULL: no such check). */
static void expect_reply(int port, const char *request, const char *absent, ...) __attribute__((sentinel));
static void expect_reply(int port, const char *request, const char *absent, ...)
{
	char *r = http(port, request);
	char *why = NULL;
	va_list ap;
	va_start(ap, absent);
	for (const char *w; !why && (w = va_arg(ap, const char *)) != NULL;)
		if (!strstr(r, w))
			why = xasprintf("%s: no \"%s\" in the reply %.300s", request, w, r);
	va_end(ap);
	if (!why && absent && strstr(r, absent))
		why = xasprintf("%s: \"%s\" in the reply %.300s", request, absent, r);
	free(r);
	if (why)
		fail_msg("%s", why); /* `why` is left to the failed test */
}

static void expect_status(int port, const char *path, const char *status)
{
	char *r = get(port, path);
	if (strncmp(r + 9, status, strlen(status)))
		fail_msg("GET %s: wanted %s, got %.40s", path, status, r);
	if (strstr(r, "root:x:0:0"))
		fail_msg("GET %s leaked /etc/passwd", path);
	free(r);
}

static void test_server(void **state)
{
	(void)state;
	char *root = mktree();
	put(root, "index.html", "<p>home</p>");
	put(root, "a/b/index.html", "<p>page b</p>");
	put(root, "assets/style.css", "body{}");
	put(root, "404.html", "<p>custom not found</p>");
	put(root, ".almanac-site", "almanac\n");
	char *link = fsu_join(root, "etc");
	assert_int_equal(symlink("/etc", link), 0);
	free(link);
	link = fsu_join(root, "passwd.html");
	assert_int_equal(symlink("/etc/passwd", link), 0);
	free(link);

	srv_t *s = NULL;
	buf_t err = BUF_INIT;
	if (srv_start(&s, "127.0.0.1", 0, root, &err) != 0)
		fail_msg("srv_start: %s", buf_cstr(&err));
	buf_free(&err);
	int port = srv_port(s);
	assert_true(port > 0);
	srv_write_lock(s);
	srv_write_unlock(s, 7);

	expect_reply(port, GET("/"), NULL, "HTTP/1.1 200", "Content-Type: text/html; charset=utf-8",
		     "almanac;desc=\"build-7\"", "<p>home</p>", NULL);
	expect_reply(port, GET("/a/b/"), NULL, "<p>page b</p>", NULL);
	expect_reply(port, GET("/a/b"), NULL, "HTTP/1.1 301", "Location: /a/b/\r\n", NULL);
	expect_reply(port, GET("/assets/style.css"), NULL, "Content-Type: text/css", NULL);
	expect_reply(port, GET("/missing/"), NULL, "HTTP/1.1 404", "custom not found", NULL);
	expect_reply(port, "HEAD /a/b/ HTTP/1.0\r\n\r\n", "page b", "HTTP/1.1 200", NULL);
	expect_reply(port, "POST / HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc", NULL, "HTTP/1.1 405",
		     "Allow: GET, HEAD", NULL);

	/* symlinks out of the folder, traversal, hidden files: never served */
	expect_status(port, "/etc/passwd", "404");
	expect_status(port, "/passwd.html", "404");
	expect_status(port, "/etc/", "404");
	expect_status(port, "/../etc/passwd", "400");
	expect_status(port, "/%2e%2e/%2e%2e/etc/passwd", "400");
	expect_status(port, "/a/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc/passwd", "400");
	expect_status(port, "/.almanac-site", "404");
	expect_status(port, "/index.html%00.css", "400");

	/* status and events */
	srv_set_status(s, 3, 7, "{\"seq\":3}", NULL, 1);
	expect_reply(port, GET("/__almanac/status"), NULL, "Content-Type: application/json", "{\"seq\":3}", NULL);
	expect_reply(port, GET("/__almanac/status?since=1"), NULL, "{\"seq\":3}", NULL);

	/* a new site folder swapped in */
	char *root2 = mktree();
	put(root2, "index.html", "<p>second site</p>");
	srv_write_lock(s);
	char *old = srv_set_root(s, xstrdup(root2));
	srv_write_unlock(s, 8);
	assert_string_equal(old, root);
	free(old);
	expect_reply(port, GET("/"), NULL, "second site", "build-8", NULL);

	srv_stop(s);
	fsu_remove_tree(root);
	fsu_remove_tree(root2);
	free(root);
	free(root2);
}

static void test_bind_errors(void **state)
{
	(void)state;
	srv_t *s = NULL;
	buf_t err = BUF_INIT;
	assert_int_equal(srv_start(&s, "not an address", 0, "/tmp", &err), -1);
	assert_null(s);
	assert_true(err.len > 0);
	buf_free(&err);
	srv_t *a = NULL;
	assert_int_equal(srv_start(&a, "127.0.0.1", 0, "/tmp", &err), 0);
	assert_int_equal(srv_start(&s, "127.0.0.1", srv_port(a), "/tmp", &err), -1);
	assert_non_null(strstr(buf_cstr(&err), "cannot listen"));
	buf_free(&err);
	srv_stop(a);
}

static int batch_has(const watch_batch_t *b, const char *suffix, unsigned flags)
{
	for (size_t i = 0; i < b->n; i++)
		if (fsu_ends_with(b->items[i].path, suffix) && (b->items[i].flags & flags) == flags)
			return 1;
	return 0;
}

static void test_watch(void **state)
{
	(void)state;
	char *root = mktree();
	put(root, "a/x.md", "x");
	char *skip = fsu_join(root, "out");
	watch_t *w = NULL;
	assert_int_equal(watch_open(&w), 0);
	const char *skips[1] = {skip};
	assert_int_equal(watch_add_tree(w, root, skips, 1), 0);
	assert_int_equal(watch_count(w), 2); /* root and a/ */
	watch_batch_t b = {NULL, 0, 0};
	assert_int_equal(watch_wait(w, &b, 0, 10, 100), 0);

	/* an edit */
	put(root, "a/x.md", "changed");
	assert_int_equal(watch_wait(w, &b, 2000, 30, 500), 1);
	assert_true(batch_has(&b, "/a/x.md", WATCH_MODIFIED));

	/* a folder created later, with a file in it right away, then a file in it after */
	char *nd = fsu_join(root, "new/deep");
	assert_int_equal(fsu_mkdirs(nd, 0755), 0);
	assert_int_equal(watch_wait(w, &b, 2000, 30, 500), 1);
	assert_true(batch_has(&b, "/new", WATCH_CREATED | WATCH_DIR));
	put(root, "new/deep/y.md", "y");
	assert_int_equal(watch_wait(w, &b, 2000, 30, 500), 1);
	assert_true(batch_has(&b, "/new/deep/y.md", WATCH_CREATED));

	/* a save in steps (temporary file renamed over the page) is one batch */
	put(root, "a/x.md.tmp", "saved");
	char *from = fsu_join(root, "a/x.md.tmp"), *to = fsu_join(root, "a/x.md");
	assert_int_equal(rename(from, to), 0);
	assert_int_equal(watch_wait(w, &b, 2000, 30, 500), 1);
	assert_true(batch_has(&b, "/a/x.md", WATCH_CREATED));
	assert_true(batch_has(&b, "/a/x.md.tmp", WATCH_DELETED));

	/* the skipped folder is not watched */
	put(root, "out/z.html", "z");
	assert_int_equal(watch_wait(w, &b, 2000, 30, 500), 1);
	assert_false(batch_has(&b, "/out/z.html", 0));
	put(root, "out/z2.html", "z");
	assert_int_equal(watch_wait(w, &b, 300, 30, 500), 0);

	/* a deletion */
	assert_int_equal(unlink(to), 0);
	assert_int_equal(watch_wait(w, &b, 2000, 30, 500), 1);
	assert_true(batch_has(&b, "/a/x.md", WATCH_DELETED));
	assert_false(watch_pending(w));

	watch_batch_free(&b);
	watch_close(w);
	fsu_remove_tree(root);
	free(from);
	free(to);
	free(nd);
	free(skip);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_path),
		cmocka_unit_test(test_content_types),
		cmocka_unit_test(test_server),
		cmocka_unit_test(test_bind_errors),
		cmocka_unit_test(test_watch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
