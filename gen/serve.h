/* serve.h - the HTTP side of `almanac serve`, with libmicrohttpd (prefix srv_).
 *
 * Serves one site folder (a private folder the caller renders into; never
 * the configured output folder) over HTTP/1.1:
 *   - GET and HEAD only (405 with an Allow header otherwise);
 *   - a folder URL serves its index.html; a folder URL without its trailing
 *     slash is redirected (301) to the URL with it, so relative links work;
 *   - a missing file gets the site's 404.html with status 404;
 *   - content types by file extension (text types with charset=utf-8).
 * Safety: the request path is decoded here (not by libmicrohttpd) and
 * refused with 400 when it has a malformed %-escape, a NUL or control byte,
 * a backslash, or a ".." segment; a segment starting with '.' (hidden
 * files, the publish marker) is never served (404); the file is opened only
 * when its real path (symlinks resolved) is inside the site folder. Request
 * headers are limited to SRV_MAX_REQUEST bytes; connections are bounded in
 * number and time, and a client that disconnects mid-response only ends its
 * own connection.
 *
 * Live reload endpoints (under /__almanac/, which the site never uses):
 *   /__almanac/status         the status JSON given to srv_set_status();
 *                             with ?since=N it waits (up to 25 s) until the
 *                             status sequence number is greater than N.
 *   /__almanac/events         Server-Sent Events: "event: hello" with the
 *                             current status on connect, then "event: build"
 *                             with each new status (the event form of it,
 *                             which may leave out long lists); ": ping"
 *                             comments every 15 s keep the connection alive.
 * HTML responses carry "Server-Timing: almanac;desc=\"build-N\"" with the
 * build number of the site they came from, so the page script knows which
 * build it shows.
 *
 * Requests are answered only when their Host header names this server: a
 * loopback name or address, an IP address, the bind address or this
 * machine's name, with the server's port (DNS rebinding: a web page whose
 * host name resolves to 127.0.0.1 cannot read drafts); others get 403. A
 * redirect (a folder asked for without its '/') is always to a path of this
 * server ("/path/"), never to another host.
 *
 * Threads: libmicrohttpd runs one thread per connection. The site folder is
 * replaced or updated by the caller between srv_write_lock() and
 * srv_write_unlock(); requests resolve and open their file under the read
 * side of that lock, so a request sees the site before or after an update,
 * never half of it. */
#ifndef ALMANAC_SERVE_H
#define ALMANAC_SERVE_H

#include <stddef.h>

#include "buf.h"

/* Memory for one connection (request line, headers and buffers), in bytes:
 * a larger request head is refused by libmicrohttpd (431/413). */
#define SRV_MAX_REQUEST (64 * 1024)
/* Most connections served at once; most open event streams; most status
 * requests waiting for a build at once (more are answered at once): streams
 * and waiting requests never take more than a quarter of the connections,
 * so no pattern of them keeps pages from being served. */
#define SRV_MAX_CONNECTIONS 256
#define SRV_MAX_STREAMS 32
#define SRV_MAX_WAITERS 32
/* How often a waiting status request or an idle event stream looks whether
 * its client went away (then its connection is closed at once). */
#define SRV_CLIENT_CHECK_MS 200
/* A connection that sends nothing for this long is closed (slow clients). */
#define SRV_IDLE_SECONDS 20

typedef struct srv srv_t;

/* Start serving the folder `root` (absolute; copied) on `bind`:`port`
 * (`bind` a numeric IPv4 or IPv6 address or a host name; port 0 picks a free
 * port). On success *out is the server (stop it with srv_stop) and 0 is
 * returned; on failure a message is appended to `err` and -1 returned. */
int srv_start(srv_t **out, const char *bind, int port, const char *root, buf_t *err);
/* 1 when a request with this Host header (may be NULL: HTTP/1.0) is for a
 * server bound to `bind` on `port` (see above). */
int srv_host_allowed(const char *host, const char *bind, int port);
/* The port the server listens on. */
int srv_port(const srv_t *s);
/* 1 when `bind` names a loopback address (127.0.0.0/8, ::1, localhost). */
int srv_is_loopback(const char *bind);
/* Take / release the write side of the site lock (requests wait meanwhile).
 * `build` is the number of the site as it is when the lock is released
 * (sent with HTML responses). */
void srv_write_lock(srv_t *s);
void srv_write_unlock(srv_t *s, unsigned long build);
/* The site folder being served (borrowed; stable until srv_set_root). */
const char *srv_root(const srv_t *s);
/* Serve `root` (absolute; ownership passes to the server) from now on;
 * returns the previous folder (the caller's to delete and free). Call with
 * the write lock held. */
char *srv_set_root(srv_t *s, char *root);
/* Publish a new status: `seq` (increasing with every rebuild), `build` (the
 * number of the site being served), `json` (one line, copied) for the
 * status endpoint and `event_json` (one line, copied; NULL = `json`) for the
 * event streams. Wakes the long polls; with `notify`, the event streams send
 * it too (an "event: build"). */
void srv_set_status(srv_t *s, unsigned long seq, unsigned long build, const char *json, const char *event_json,
		    int notify);
/* Stop serving (open event streams and long polls are ended), wait for the
 * connection threads and free the server. Accepts NULL. The site folder is
 * not deleted. */
void srv_stop(srv_t *s);

/* The Content-Type served for a file name (by its extension). */
const char *srv_content_type(const char *name);
/* Decode the URL path `raw` ("/a/b%20c/") into a site-relative path without
 * leading slash ("a/b c/"; "" for the root). Returns the new string (caller
 * frees), or NULL when the path is refused (not starting with '/', malformed
 * escape, NUL or control byte, backslash, ".." segment). Sets *hidden when a
 * segment is ".git" in any case, or the path is the output folder's marker
 * file (such paths are never served; other names starting with '.' are: a
 * Hugo static folder's .well-known/ is published). Empty segments and "."
 * segments are dropped. */
char *srv_decode_path(const char *raw, int *hidden);

#endif
