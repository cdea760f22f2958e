/* forgeurl.c - forge web addresses and file views. See forgeurl.h. */
#include "forgeurl.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "fsutil.h"

/* `s` without a trailing ".git" and '/' (in place). */
static void trim_repo(char *s)
{
	size_t n = strlen(s);
	while (n && s[n - 1] == '/')
		s[--n] = '\0';
	if (n > 4 && !strcasecmp(s + n - 4, ".git"))
		s[n - 4] = '\0';
	n = strlen(s);
	while (n && s[n - 1] == '/')
		s[--n] = '\0';
}

/* "https://HOST/PATH" from a host (with or without a port) and a path; NULL when either is empty. */
static char *web(const char *host, size_t hl, const char *path)
{
	while (*path == '/')
		path++;
	if (!hl || !*path)
		return NULL;
	char *p = xstrdup(path);
	p[strcspn(p, "?#")] = '\0';
	trim_repo(p);
	char *r = p[0] ? xasprintf("https://%.*s/%s", (int)hl, host, p) : NULL;
	free(p);
	return r;
}

/* 1 when the `n` bytes at `scheme` are one of the `|`-separated names in `names`, in any case. */
static int scheme_is(const char *scheme, size_t n, const char *names)
{
	for (const char *p = names; *p;) {
		size_t l = strcspn(p, "|");
		if (l == n && !strncasecmp(scheme, p, n))
			return 1;
		p += l + (p[l] == '|');
	}
	return 0;
}

char *forge_web_base(const char *git_url)
{
	if (!git_url || !git_url[0])
		return NULL;
	const char *sep = strstr(git_url, "://");
	if (!sep) {
		/* scp-like user@host:path; a local path has no ':' before its first '/' */
		const char *colon = strchr(git_url, ':');
		const char *slash = strchr(git_url, '/');
		if (!colon || (slash && slash < colon))
			return NULL;
		const char *at = memchr(git_url, '@', (size_t)(colon - git_url));
		const char *host = at ? at + 1 : git_url;
		return web(host, (size_t)(colon - host), colon + 1);
	}
	size_t sl = (size_t)(sep - git_url);
	int http = scheme_is(git_url, sl, "https|http");
	int other = scheme_is(git_url, sl, "ssh|git|git+ssh|ssh+git");
	if (!http && !other)
		return NULL; /* file:// and the like: no web view */
	const char *auth = sep + 3;
	const char *end = auth + strcspn(auth, "/?#");
	const char *host = auth;
	for (const char *p = auth; p < end; p++)
		if (*p == '@')
			host = p + 1; /* user[:secret]@ dropped */
	size_t hl = (size_t)(end - host);
	if (!http) { /* an ssh or git port is not the web server's */
		const char *colon = memchr(host, ':', hl);
		if (colon)
			hl = (size_t)(colon - host);
	}
	return web(host, hl, end);
}

/* A "." or ".." path segment of `n` bytes at `p` as a browser reads it ("%2e" is a '.'): 1 or 2, else 0. */
static int dot_segment(const char *p, size_t n)
{
	int dots = 0;
	for (size_t i = 0; i < n; dots++) {
		if (p[i] == '.')
			i++;
		else if (n - i >= 3 && p[i] == '%' && p[i + 1] == '2' && (p[i + 2] == 'e' || p[i + 2] == 'E'))
			i += 3;
		else
			return 0;
	}
	return dots <= 2 ? dots : 0;
}

/* `url` as a browser requests it (the WHATWG URL rules that change which file it names): without tabs and
 * newlines, '\' a '/' in the path, "." and ".." segments resolved (a "blob/main/../../../other/repo/..."
 * shows a file of another repository). Caller frees. */
static char *browser_url(const char *url)
{
	buf_t in = BUF_INIT;
	for (const char *p = url; *p; p++)
		if (*p != '\t' && *p != '\n' && *p != '\r')
			buf_putc(&in, *p);
	char *u = buf_detach(&in);
	char *sep = strstr(u, "://");
	if (!sep)
		return u;
	char *path = sep + 3 + strcspn(sep + 3, "/\\?#");
	size_t pl = strcspn(path, "?#");
	buf_t out = BUF_INIT;
	buf_put(&out, u, (size_t)(path - u));
	size_t root = out.len; /* ".." stops at the host */
	for (size_t i = 0; i < pl;) {
		i++; /* the '/' (or '\\') before the segment */
		size_t n = 0;
		while (i + n < pl && path[i + n] != '/' && path[i + n] != '\\')
			n++;
		int last = i + n >= pl;
		int dots = dot_segment(path + i, n);
		if (dots == 2)
			while (out.len > root && out.s[--out.len] != '/')
				;
		if (!dots) {
			buf_putc(&out, '/');
			buf_put(&out, path + i, n);
		} else if (last) { /* "a/b/.." is "a/", "a/." is "a/" */
			buf_putc(&out, '/');
		}
		i += n;
	}
	buf_puts(&out, path + pl); /* the query and fragment; buf_put ends the text at out.len */
	free(u);
	return buf_detach(&out);
}

/* After "scheme://": the rest of `url` past the web address `base` ("https://HOST/PATH") and a '/', or NULL. */
static const char *past_base(const char *base, const char *url)
{
	const char *bs = strstr(base, "://");
	const char *us = strstr(url, "://");
	if (!bs || !us)
		return NULL;
	if (!scheme_is(url, (size_t)(us - url), "https|http"))
		return NULL;
	const char *b = bs + 3, *u = us + 3;
	size_t bl = strlen(b);
	if (strncasecmp(b, u, bl) != 0 || u[bl] != '/')
		return NULL;
	return u + bl + 1;
}

/* A GitHub file served raw: "https://raw.githubusercontent.com/ORG/REPO/REF/PATH" is the file
 * "REF/PATH" of https://github.com/ORG/REPO: the rest past "ORG/REPO/" when `base` is that repository
 * (https://github.com/ORG/REPO, nothing more or less). */
static const char *past_raw_github(const char *base, const char *url)
{
	static const char raw[] = "raw.githubusercontent.com/", gh[] = "github.com/";
	const char *bs = strstr(base, "://"), *us = strstr(url, "://");
	if (!bs || !us || !scheme_is(url, (size_t)(us - url), "https|http"))
		return NULL;
	const char *b = bs + 3, *u = us + 3;
	if (strncasecmp(b, gh, sizeof gh - 1) || strncasecmp(u, raw, sizeof raw - 1))
		return NULL;
	b += sizeof gh - 1;
	u += sizeof raw - 1;
	/* the raw host names no view: only a base of exactly ORG/REPO says where the ref starts (a base of
	 * the organisation alone would take each of its repositories' files for its own) */
	const char *slash = strchr(b, '/');
	if (!slash || slash == b || !slash[1] || strchr(slash + 1, '/'))
		return NULL;
	size_t bl = strlen(b);
	if (strncasecmp(b, u, bl) != 0 || u[bl] != '/')
		return NULL;
	return u + bl + 1;
}

char *forge_file_view(const char *base, const char *url, char **fragment)
{
	*fragment = NULL;
	if (!base || !url)
		return NULL;
	char *norm = browser_url(url);
	const char *after = past_raw_github(base, norm);
	int folder_view = 0;
	if (!after) {
		const char *rest = past_base(base, norm);
		static const char *const views[] = {"-/blob/", "-/tree/", "-/raw/", "-/blame/", "blob/", "tree/",
						    "raw/", "blame/", "src/branch/", "src/tag/", "src/commit/", "src/"};
		for (size_t i = 0; rest && i < sizeof views / sizeof *views && !after; i++)
			if (!strncmp(rest, views[i], strlen(views[i]))) {
				after = rest + strlen(views[i]);
				folder_view = strstr(views[i], "tree/") != NULL;
			}
	}
	size_t n = after ? strcspn(after, "?#") : 0;
	if (!n || (!memchr(after, '/', n) && !folder_view)) {
		free(norm);
		return NULL; /* not a file view, or a ref alone: no file */
	}
	const char *hash = strchr(after, '#');
	if (hash && hash[1])
		*fragment = fsu_pct_decode(hash + 1, strlen(hash + 1));
	char *r = fsu_pct_decode(after, n);
	if (!memchr(after, '/', n)) { /* tree/REF: the repository's top folder */
		char *t = xasprintf("%s/", r);
		free(r);
		r = t;
	}
	free(norm);
	return r;
}
