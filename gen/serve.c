/* serve.c - HTTP for almanac serve. See serve.h. */
#define _GNU_SOURCE
#include "serve.h"
#include "fsutil.h"
#include "pathres.h"
#include "publish.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <microhttpd.h>
#include <netdb.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define LONG_POLL_SECONDS 25
#define PING_SECONDS 15
#define STREAM_BLOCK 16384

struct srv {
	struct MHD_Daemon *d;
	int port;
	/* the site folder: read-locked by requests, write-locked by updates */
	pthread_rwlock_t site_lock;
	char *root;
	pr_root_t *site;            /* root as a PR_BENEATH root (pathres.h), NULL when it cannot be opened */
	unsigned long served_build;
	/* status and event streams */
	pthread_mutex_t st_lock;
	pthread_cond_t st_cond;
	unsigned long seq, build;
	unsigned long event_seq;    /* bumped by the statuses the event streams send */
	char *status_json;
	char *event_json;           /* the shorter form sent on event streams */
	int streams;
	int stopping;
	int waiters;                /* status requests waiting for a build */
	char *bind;                 /* the address it listens on, as given */
};

/* ------------------------------------------------------------------ paths */


char *srv_decode_path(const char *raw, int *hidden)
{
	*hidden = 0;
	if (!raw || raw[0] != '/')
		return NULL;
	/* decode first, then split: "%2e%2e%2f" is as much a ".." segment as "../" */
	size_t n = strlen(raw);
	char *dec = xmalloc(n + 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)raw[i];
		if (c == '%') {
			if (i + 2 >= n) {
				free(dec);
				return NULL;
			}
			int a = fsu_hexval((unsigned char)raw[i + 1]), b = a >= 0 ? fsu_hexval((unsigned char)raw[i + 2]) : -1;
			if (a < 0 || b < 0) {
				free(dec);
				return NULL;
			}
			c = (unsigned char)(a * 16 + b);
			i += 2;
		}
		if (c < 0x20 || c == 0x7f || c == '\\') {
			free(dec);
			return NULL;
		}
		dec[k++] = (char)c;
	}
	dec[k] = '\0';
	buf_t out = BUF_INIT;
	buf_puts(&out, "");
	const char *p = dec;
	int trailing = k > 0 && dec[k - 1] == '/';
	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *e = strchr(p, '/');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			free(dec);
			buf_free(&out);
			return NULL;
		}
		if (!(len == 1 && p[0] == '.')) {
			/* the site's hidden files are a Hugo static folder's (.well-known/...) and are served;
			   never .git, nor the output folder's marker */
			if ((len == 4 && !strncasecmp(p, ".git", 4)) ||
			    (!out.len && len == strlen(PUB_MARKER) && !strncmp(p, PUB_MARKER, len)))
				*hidden = 1;
			if (out.len)
				buf_putc(&out, '/');
			buf_put(&out, p, len);
		}
		p += len;
	}
	if (trailing && out.len)
		buf_putc(&out, '/');
	free(dec);
	return buf_detach(&out);
}

typedef struct {
	const char *ext;
	const char *type;
} ctype_t;

static const ctype_t ctypes[] = {
	{"html", "text/html; charset=utf-8"},
	{"htm", "text/html; charset=utf-8"},
	{"css", "text/css; charset=utf-8"},
	{"js", "text/javascript; charset=utf-8"},
	{"mjs", "text/javascript; charset=utf-8"},
	{"json", "application/json"},
	{"map", "application/json"},
	{"xml", "application/xml"},
	{"txt", "text/plain; charset=utf-8"},
	{"md", "text/markdown; charset=utf-8"},
	{"csv", "text/csv; charset=utf-8"},
	{"yml", "text/yaml; charset=utf-8"},
	{"yaml", "text/yaml; charset=utf-8"},
	{"svg", "image/svg+xml"},
	{"png", "image/png"},
	{"jpg", "image/jpeg"},
	{"jpeg", "image/jpeg"},
	{"gif", "image/gif"},
	{"webp", "image/webp"},
	{"avif", "image/avif"},
	{"ico", "image/x-icon"},
	{"pdf", "application/pdf"},
	{"woff", "font/woff"},
	{"woff2", "font/woff2"},
	{"ttf", "font/ttf"},
	{"otf", "font/otf"},
	{"wasm", "application/wasm"},
	{"mp4", "video/mp4"},
	{"webm", "video/webm"},
	{"mp3", "audio/mpeg"},
	{"zip", "application/zip"},
	{"gz", "application/gzip"},
	{"bin", "application/octet-stream"},
};

const char *srv_content_type(const char *name)
{
	const char *slash = strrchr(name, '/');
	const char *base = slash ? slash + 1 : name;
	const char *dot = strrchr(base, '.');
	if (dot && dot != base)
		for (size_t i = 0; i < sizeof ctypes / sizeof *ctypes; i++)
			if (!strcasecmp(dot + 1, ctypes[i].ext))
				return ctypes[i].type;
	return "application/octet-stream";
}

/* Open `rel` (site-relative, no leading slash) beneath the site folder, refusing anything that
 * would leave it (symlinks included: pathres.h). Returns a descriptor or -1. Call with the site
 * lock held. */
static int open_beneath(srv_t *s, const char *rel)
{
	if (!s->site)
		return -1;
	int fd = pr_open(s->site, rel, O_RDONLY);
	return fd >= 0 ? fd : -1;
}

/* ------------------------------------------------------------------ responses */

static enum MHD_Result reply_text(struct MHD_Connection *c, unsigned status, const char *text)
{
	struct MHD_Response *r =
		MHD_create_response_from_buffer(strlen(text), (void *)(uintptr_t)text, MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", "text/plain; charset=utf-8");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, "Allow", "GET, HEAD");
	enum MHD_Result ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static void common_headers(struct MHD_Response *r, const char *ctype, unsigned long build)
{
	MHD_add_response_header(r, "Content-Type", ctype);
	MHD_add_response_header(r, "Cache-Control", "no-cache");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	if (!strncmp(ctype, "text/html", 9)) {
		char st[64];
		snprintf(st, sizeof st, "almanac;desc=\"build-%lu\"", build);
		MHD_add_response_header(r, "Server-Timing", st);
	}
}

static enum MHD_Result reply_not_found(srv_t *s, struct MHD_Connection *c)
{
	buf_t body = BUF_INIT;
	pthread_rwlock_rdlock(&s->site_lock);
	unsigned long build = s->served_build;
	int fd = open_beneath(s, "404.html");
	pthread_rwlock_unlock(&s->site_lock);
	if (fd >= 0) {
		char tmp[8192];
		ssize_t n;
		while ((n = read(fd, tmp, sizeof tmp)) > 0 && body.len < (4u << 20))
			buf_put(&body, tmp, (size_t)n);
		close(fd);
	}
	if (!body.len) {
		buf_free(&body);
		return reply_text(c, MHD_HTTP_NOT_FOUND, "404 Not Found\n");
	}
	struct MHD_Response *r = MHD_create_response_from_buffer(body.len, body.s, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		buf_free(&body);
		return MHD_NO;
	}
	body.s = NULL; /* the response owns it now */
	common_headers(r, "text/html; charset=utf-8", build);
	enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_NOT_FOUND, r);
	MHD_destroy_response(r);
	return ret;
}

/* A folder asked for without its '/': to the same path with it. The
 * location is made from the decoded, checked path `rel`, so it is always a
 * path of this server: "//evil.example/" (a host to a browser) cannot come out. */
static enum MHD_Result reply_redirect(struct MHD_Connection *c, const char *rel)
{
	char *esc = fsu_url_escape(rel);
	char *loc = xasprintf("/%s/", esc);
	free(esc);
	struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (!r) {
		free(loc);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Location", loc);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	free(loc);
	enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_MOVED_PERMANENTLY, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result serve_file(srv_t *s, struct MHD_Connection *c, const char *rel)
{
	pthread_rwlock_rdlock(&s->site_lock);
	unsigned long build = s->served_build;
	int fd = open_beneath(s, rel);
	struct stat st;
	char *index = NULL;
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		fd = -1;
		size_t n = strlen(rel);
		if (n && rel[n - 1] != '/') {
			pthread_rwlock_unlock(&s->site_lock);
			return reply_redirect(c, rel);
		}
		index = xasprintf("%sindex.html", rel);
		fd = open_beneath(s, index);
		if (fd >= 0 && fstat(fd, &st) != 0) {
			close(fd);
			fd = -1;
		}
	}
	pthread_rwlock_unlock(&s->site_lock);
	if (fd < 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		free(index);
		return reply_not_found(s, c);
	}
	const char *ctype = srv_content_type(index ? index : rel);
	free(index);
	struct MHD_Response *r;
	if (st.st_size == 0) {
		close(fd);
		r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	} else {
		r = MHD_create_response_from_fd((uint64_t)st.st_size, fd); /* owns fd from here */
	}
	if (!r) {
		if (st.st_size)
			close(fd);
		return MHD_NO;
	}
	common_headers(r, ctype, build);
	enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/* ------------------------------------------------------------------ status and events */

/* The client's socket, or -1. */
static int client_fd(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	return ci ? ci->connect_fd : -1;
}

/* 1 when the client of socket `fd` closed its side (or the socket failed). */
static int client_gone(int fd)
{
	if (fd < 0)
		return 0;
	struct pollfd p = {fd, POLLRDHUP, 0};
	return poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL));
}

/* Wait on st_cond (st_lock held) until `until` or a broadcast, looking every
 * SRV_CLIENT_CHECK_MS whether the client of `fd` is gone. Returns 1 when it is. */
static int wait_for_client(srv_t *s, int fd, const struct timespec *until)
{
	struct timespec now, step;
	clock_gettime(CLOCK_REALTIME, &now);
	step = now;
	step.tv_nsec += SRV_CLIENT_CHECK_MS * 1000000L;
	if (step.tv_nsec >= 1000000000L) {
		step.tv_sec++;
		step.tv_nsec -= 1000000000L;
	}
	if (step.tv_sec > until->tv_sec || (step.tv_sec == until->tv_sec && step.tv_nsec > until->tv_nsec))
		step = *until;
	pthread_cond_timedwait(&s->st_cond, &s->st_lock, &step);
	return client_gone(fd);
}

static int past(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	return now.tv_sec > t->tv_sec || (now.tv_sec == t->tv_sec && now.tv_nsec >= t->tv_nsec);
}

static enum MHD_Result serve_status(srv_t *s, struct MHD_Connection *c)
{
	const char *since = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "since");
	int fd = client_fd(c), gone = 0;
	pthread_mutex_lock(&s->st_lock);
	/* a long poll, unless SRV_MAX_WAITERS already wait: then the answer is now */
	if (since && since[0] && s->waiters < SRV_MAX_WAITERS) {
		char *end;
		unsigned long want = strtoul(since, &end, 10);
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += LONG_POLL_SECONDS;
		s->waiters++;
		while (!s->stopping && s->seq <= want && !past(&until) && !gone)
			gone = wait_for_client(s, fd, &until);
		s->waiters--;
	}
	if (gone) { /* nobody to answer: free the connection now */
		pthread_mutex_unlock(&s->st_lock);
		return MHD_NO;
	}
	char *json = xstrdup(s->status_json ? s->status_json : "{}");
	pthread_mutex_unlock(&s->st_lock);
	size_t n = strlen(json);
	struct MHD_Response *r = MHD_create_response_from_buffer(n, json, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(json);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", "application/json");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

typedef struct {
	srv_t *s;
	int fd;               /* the client's socket, or -1 */
	unsigned long seen;   /* event sequence number last sent */
	buf_t pending;        /* bytes not sent yet */
	size_t off;
} stream_t;

static void stream_put_status(stream_t *e, const char *event)
{
	buf_printf(&e->pending, "event: %s\ndata: %s\n\n", event, e->s->event_json ? e->s->event_json : "{}");
	e->seen = e->s->event_seq;
}

static ssize_t stream_read(void *cls, uint64_t pos, char *out, size_t max)
{
	(void)pos;
	stream_t *e = cls;
	srv_t *s = e->s;
	if (e->off >= e->pending.len) {
		buf_clear(&e->pending);
		e->off = 0;
		pthread_mutex_lock(&s->st_lock);
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += PING_SECONDS;
		int gone = 0;
		while (!s->stopping && s->event_seq == e->seen && !past(&until) && !gone)
			gone = wait_for_client(s, e->fd, &until);
		if (s->stopping || gone) {
			pthread_mutex_unlock(&s->st_lock);
			return MHD_CONTENT_READER_END_OF_STREAM;
		}
		if (s->event_seq != e->seen)
			stream_put_status(e, "build");
		else
			buf_puts(&e->pending, ": ping\n\n");
		pthread_mutex_unlock(&s->st_lock);
	}
	size_t n = e->pending.len - e->off;
	if (n > max)
		n = max;
	memcpy(out, e->pending.s + e->off, n);
	e->off += n;
	return (ssize_t)n;
}

static void stream_free(void *cls)
{
	stream_t *e = cls;
	pthread_mutex_lock(&e->s->st_lock);
	e->s->streams--;
	pthread_mutex_unlock(&e->s->st_lock);
	buf_free(&e->pending);
	free(e);
}

static enum MHD_Result serve_events(srv_t *s, struct MHD_Connection *c)
{
	stream_t *e = xcalloc(1, sizeof *e);
	e->s = s;
	e->fd = client_fd(c);
	pthread_mutex_lock(&s->st_lock);
	if (s->streams >= SRV_MAX_STREAMS || s->stopping) {
		pthread_mutex_unlock(&s->st_lock);
		free(e);
		return reply_text(c, MHD_HTTP_SERVICE_UNAVAILABLE, "too many open event streams\n");
	}
	s->streams++;
	buf_puts(&e->pending, "retry: 1000\n");
	stream_put_status(e, "hello");
	pthread_mutex_unlock(&s->st_lock);
	struct MHD_Response *r =
		MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, STREAM_BLOCK, stream_read, e, stream_free);
	if (!r) {
		stream_free(e);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", "text/event-stream; charset=utf-8");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Accel-Buffering", "no");
	enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/* ------------------------------------------------------------------ dispatch */


/* The port this server listens on, as the connection's daemon says: s->port is set only once
 * MHD_start_daemon has returned, and a first request may come before (TSan saw the race; such a
 * request was checked against port 0). */
static int listen_port(const srv_t *s, struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_DAEMON);
	const union MHD_DaemonInfo *di = ci ? MHD_get_daemon_info(ci->daemon, MHD_DAEMON_INFO_BIND_PORT) : NULL;
	return di ? di->port : s->port;
}
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_size, void **req_cls)
{
	srv_t *s = cls;
	static int first_call_seen;
	(void)version;
	(void)upload_data;
	int head = !strcmp(method, MHD_HTTP_METHOD_HEAD);
	/* other methods are refused at once (their body is never read; the connection is closed) */
	if (!head && strcmp(method, MHD_HTTP_METHOD_GET))
		return reply_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "405 Method Not Allowed: only GET and HEAD\n");
	/* GET and HEAD: answer once the whole request was read, so the connection can be kept alive */
	if (!*req_cls) {
		*req_cls = &first_call_seen;
		return MHD_YES;
	}
	if (*upload_size) {
		*upload_size = 0; /* a body on a GET: ignored */
		return MHD_YES;
	}
	if (!srv_host_allowed(MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST), s->bind,
			      listen_port(s, c)))
		return reply_text(c, MHD_HTTP_FORBIDDEN,
				  "403 Forbidden: this preview server answers to localhost, IP addresses and this "
				  "machine's name only\n");
	if (!strcmp(url, "/__almanac/status"))
		return serve_status(s, c);
	if (!strcmp(url, "/__almanac/events"))
		return head ? reply_text(c, MHD_HTTP_OK, "") : serve_events(s, c);
	int hidden = 0;
	char *rel = srv_decode_path(url, &hidden);
	if (!rel)
		return reply_text(c, MHD_HTTP_BAD_REQUEST, "400 Bad Request: this path is not allowed\n");
	enum MHD_Result ret = hidden || !strncmp(rel, "__almanac", 9) ? reply_not_found(s, c) : serve_file(s, c, rel);
	free(rel);
	return ret;
}

/* Keep the raw path: srv_decode_path decodes it with the safety checks. */
static size_t keep_escaped(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return strlen(s);
}

/* ------------------------------------------------------------------ life cycle */

static pr_root_t *open_site(const char *root)
{
	pr_root_t *r = NULL;
	return pr_root_open(&r, root, PR_BENEATH) == 0 ? r : NULL;
}

int srv_is_loopback(const char *bind)
{
	if (!bind || !strcmp(bind, "localhost") || !strcmp(bind, "::1") || !strcmp(bind, "[::1]"))
		return 1;
	return !strncmp(bind, "127.", 4);
}

/* 1 when `h` (n bytes) is an IPv4 address in dotted form. */
static int is_ipv4(const char *h, size_t n)
{
	char tmp[INET_ADDRSTRLEN];
	struct in_addr a;
	if (n == 0 || n >= sizeof tmp)
		return 0;
	memcpy(tmp, h, n);
	tmp[n] = '\0';
	return inet_pton(AF_INET, tmp, &a) == 1;
}

static int is_ipv6(const char *h, size_t n)
{
	char tmp[INET6_ADDRSTRLEN];
	struct in6_addr a;
	if (n == 0 || n >= sizeof tmp)
		return 0;
	memcpy(tmp, h, n);
	tmp[n] = '\0';
	return inet_pton(AF_INET6, tmp, &a) == 1;
}

int srv_host_allowed(const char *host, const char *bind, int port)
{
	if (!host) /* HTTP/1.0 without Host: not a browser */
		return 1;
	size_t n = strlen(host);
	/* the port: the server's, or none when it is 80 */
	const char *name = host;
	size_t nl = n;
	const char *colon = NULL;
	if (host[0] == '[') {
		const char *rb = strchr(host, ']');
		if (!rb)
			return 0;
		name = host + 1;
		nl = (size_t)(rb - host) - 1;
		if (!is_ipv6(name, nl))
			return 0;
		colon = rb[1] == ':' ? rb + 1 : NULL;
		if (rb[1] && !colon)
			return 0;
	} else {
		colon = strrchr(host, ':');
		if (colon)
			nl = (size_t)(colon - host);
	}
	if (colon) {
		char *end;
		long p = strtol(colon + 1, &end, 10);
		if (end == colon + 1 || *end || p != port)
			return 0;
	} else if (port != 80) {
		return 0;
	}
	if (host[0] == '[' || is_ipv4(name, nl))
		return 1;
	if (nl == 9 && !strncasecmp(name, "localhost", 9))
		return 1;
	if (bind && strlen(bind) == nl && !strncasecmp(name, bind, nl))
		return 1;
	char me[256];
	if (gethostname(me, sizeof me) == 0) {
		me[sizeof me - 1] = '\0';
		size_t ml = strlen(me);
		if (ml && ((nl == ml && !strncasecmp(name, me, nl)) ||
			   (nl == ml + 6 && !strncasecmp(name, me, ml) && !strncasecmp(name + ml, ".local", 6))))
			return 1;
	}
	return 0;
}

int srv_start(srv_t **out, const char *bind, int port, const char *root, buf_t *err)
{
	*out = NULL;
	struct addrinfo hints, *ai = NULL;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	char portstr[16];
	snprintf(portstr, sizeof portstr, "%d", port);
	char host[256];
	snprintf(host, sizeof host, "%s", bind);
	size_t hl = strlen(host);
	if (hl > 2 && host[0] == '[' && host[hl - 1] == ']') { /* [::1] */
		memmove(host, host + 1, hl - 2);
		host[hl - 2] = '\0';
	}
	int gai = getaddrinfo(host, portstr, &hints, &ai);
	if (gai != 0 || !ai) {
		buf_printf(err, "cannot use the address '%s': %s", bind, gai_strerror(gai));
		return -1;
	}
	srv_t *s = xcalloc(1, sizeof *s);
	pthread_rwlockattr_t ra;
	pthread_rwlockattr_init(&ra);
	/* updates must not starve behind a steady stream of requests */
	pthread_rwlockattr_setkind_np(&ra, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&s->site_lock, &ra);
	pthread_rwlockattr_destroy(&ra);
	pthread_mutex_init(&s->st_lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_cond_init(&s->st_cond, &ca);
	pthread_condattr_destroy(&ca);
	s->root = xstrdup(root);
	s->site = open_site(root);
	s->bind = xstrdup(bind);
	s->status_json = xstrdup("{}");
	s->event_json = xstrdup("{}");

	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL;
	if (ai->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	/* connection threads must not take the terminal's signals (the main loop handles them) */
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	errno = 0;
	s->d = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, on_request, s,
				MHD_OPTION_SOCK_ADDR, ai->ai_addr,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned int)SRV_MAX_CONNECTIONS,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)SRV_IDLE_SECONDS,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SRV_MAX_REQUEST,
				MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)256,
				MHD_OPTION_UNESCAPE_CALLBACK, keep_escaped, NULL,
				MHD_OPTION_END);
	int e = errno;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	freeaddrinfo(ai);
	if (!s->d) {
		buf_printf(err, "cannot listen on %s port %d: %s", bind, port,
			   e ? strerror(e) : "libmicrohttpd could not start");
		srv_stop(s);
		return -1;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : port;
	*out = s;
	return 0;
}

int srv_port(const srv_t *s)
{
	return s->port;
}

void srv_write_lock(srv_t *s)
{
	pthread_rwlock_wrlock(&s->site_lock);
}

void srv_write_unlock(srv_t *s, unsigned long build)
{
	s->served_build = build;
	pthread_rwlock_unlock(&s->site_lock);
}

const char *srv_root(const srv_t *s)
{
	return s->root;
}

char *srv_set_root(srv_t *s, char *root)
{
	char *old = s->root;
	pr_root_free(s->site);
	s->root = root;
	s->site = open_site(root);
	return old;
}

void srv_set_status(srv_t *s, unsigned long seq, unsigned long build, const char *json, const char *event_json,
		    int notify)
{
	char *copy = xstrdup(json), *ecopy = xstrdup(event_json ? event_json : json);
	pthread_mutex_lock(&s->st_lock);
	free(s->status_json);
	s->status_json = copy;
	free(s->event_json);
	s->event_json = ecopy;
	s->seq = seq;
	s->build = build;
	if (notify)
		s->event_seq++;
	pthread_cond_broadcast(&s->st_cond);
	pthread_mutex_unlock(&s->st_lock);
}

void srv_stop(srv_t *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->st_lock);
	s->stopping = 1;
	pthread_cond_broadcast(&s->st_cond);
	pthread_mutex_unlock(&s->st_lock);
	if (s->d)
		MHD_stop_daemon(s->d);
	pr_root_free(s->site);
	free(s->root);
	free(s->bind);
	free(s->status_json);
	free(s->event_json);
	pthread_rwlock_destroy(&s->site_lock);
	pthread_mutex_destroy(&s->st_lock);
	pthread_cond_destroy(&s->st_cond);
	free(s);
}
