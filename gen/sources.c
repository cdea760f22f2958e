/* sources.c - the `sources:` list of a multi-repository site. See sources.h. */
#include "sources.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "fsutil.h"
#include "suggest.h"

/* Names every site uses at its top level: a source may not take them. */
static const char *const reserved_names[] = {"alerts", "assets", "search", "freshness", "404.html",
					     "sitemap.xml", "freshness.json", "alerts.json", "index.html"};

static void sp_clear(sources_spec_t *s)
{
	free(s->name);
	free(s->repo);
	free(s->branch);
	free(s->path);
	memset(s, 0, sizeof *s);
}

void sources_free(sources_list_t *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->len; i++)
		sp_clear(&l->items[i]);
	free(l->items);
	l->items = NULL;
	l->len = 0;
}

int sources_is_url(const char *repo)
{
	static const char *const schemes[] = {"https://", "http://", "ssh://", "git://", "file://"};
	for (size_t i = 0; i < sizeof schemes / sizeof *schemes; i++)
		if (!strncasecmp(repo, schemes[i], strlen(schemes[i])))
			return 1;
	/* scp-like: user@host:path (a ':' before any '/', after an '@') */
	const char *at = strchr(repo, '@'), *colon = strchr(repo, ':'), *slash = strchr(repo, '/');
	return at && colon && at < colon && (!slash || colon < slash);
}

/* 1 when `p` (n bytes) is empty or all digits: a port number. */
static int is_port(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	return 1;
}

int sources_url_userinfo(const char *url, size_t *off, size_t *len)
{
	*off = *len = 0;
	const char *sep = strstr(url, "://");
	if (!sep)
		return 0; /* scp-like user@host:path: a user name, no secret */
	const char *auth = sep + 3;
	const char *end = auth + strcspn(auth, "/?#");
	const char *at = NULL;
	for (const char *p = auth; p < end; p++)
		if (*p == '@')
			at = p;
	if (!at) {
		/* "user:pa/ss@host": a password holding '/', '?' or '#' ends the authority early, where the
		 * part after its ':' is no port number; the user info then runs to the URL's last '@' */
		const char *colon = memchr(auth, ':', (size_t)(end - auth));
		if (!colon || is_port(colon + 1, (size_t)(end - colon - 1)) || !(at = strrchr(end, '@')))
			return 0;
	}
	/* ssh's bare user name (git@host) names no secret; over http(s) (and any other scheme) a bare
	 * user name is often a token (https://TOKEN@github.com/..., x-access-token): all of it goes */
	int ssh = !strncasecmp(url, "ssh://", 6) || !strncasecmp(url, "git+ssh://", 10) || !strncasecmp(url, "ssh+git://", 10);
	if (ssh && !memchr(auth, ':', (size_t)(at - auth)))
		return 0;
	*off = (size_t)(auth - url);
	*len = (size_t)(at + 1 - auth);
	return 1;
}

char *sources_public_url(const char *url)
{
	size_t off, len;
	if (!sources_url_userinfo(url, &off, &len))
		return xstrdup(url);
	return xasprintf("%.*s%s", (int)off, url, url + off + len);
}

char *sources_url_origin(const char *url)
{
	size_t off, len;
	const char *sep = strstr(url, "://");
	if (!sep || sep == url)
		return NULL;
	for (const char *p = url; p < sep; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '+' ||
		      *p == '-' || *p == '.'))
			return NULL;
	const char *host = sep + 3;
	if (sources_url_userinfo(url, &off, &len))
		host = url + off + len;
	else if (memchr(host, '@', strcspn(host, "/?#")))
		host = memchr(host, '@', strcspn(host, "/?#")) + 1; /* ssh's bare user name */
	size_t hl = strcspn(host, "/?#");
	if (!hl)
		return NULL;
	char *o = xasprintf("%.*s://%.*s", (int)(sep - url), url, (int)hl, host);
	for (char *p = o; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	size_t ol = strlen(o);
	if (ol > 4 && !strncmp(o, "https://", 8) && !strcmp(o + ol - 4, ":443"))
		o[ol - 4] = '\0';
	else if (ol > 3 && !strncmp(o, "http://", 7) && !strcmp(o + ol - 3, ":80"))
		o[ol - 3] = '\0';
	return o;
}

/* Add `origin` (owned, may be NULL) to the lines of `b` once. */
static void add_origin(buf_t *b, char *origin)
{
	if (!origin)
		return;
	size_t ol = strlen(origin);
	const char *list = buf_cstr(b);
	for (const char *p = list; *p;) {
		const char *nl = strchr(p, '\n');
		if ((size_t)(nl - p) == ol && !strncmp(p, origin, ol)) {
			free(origin);
			return;
		}
		p = nl + 1;
	}
	buf_puts(b, origin);
	buf_puts(b, "\n");
	free(origin);
}

/* "https://host" for an ssh address: scp-like "[user@]host:path", or an ssh:// origin; else NULL. */
static char *ssh_host_https(const char *url, const char *origin)
{
	const char *host;
	size_t hl;
	if (origin) {
		const char *sep = strstr(origin, "://");
		if (strncmp(origin, "ssh://", 6) && strncmp(origin, "git+ssh://", 10) && strncmp(origin, "ssh+git://", 10))
			return NULL;
		host = sep + 3;
		if (host[0] == '[') { /* an IPv6 address, "[2001:db8::1]:2222": the brackets and what they hold */
			const char *end = strchr(host, ']');
			hl = end ? (size_t)(end - host) + 1 : 0;
		} else {
			hl = strcspn(host, ":"); /* ssh's port is not https' */
		}
	} else {
		if (strstr(url, "://"))
			return NULL;
		size_t colon = strcspn(url, ":");
		if (!url[colon] || memchr(url, '/', colon))
			return NULL; /* a local path */
		host = url;
		const char *at = memchr(url, '@', colon);
		if (at)
			host = at + 1;
		hl = (size_t)(url + colon - host);
		if (hl && host[0] == '[')
			return NULL; /* "[::1]:path": no host to vouch for by name */
	}
	if (!hl)
		return NULL;
	char *https = xasprintf("https://%.*s", (int)hl, host);
	char *o = sources_url_origin(https);
	free(https);
	return o;
}

char *sources_credential_origins(const char *const *urls, size_t n, const char *env)
{
	buf_t b = BUF_INIT;
	buf_puts(&b, "");
	for (size_t i = 0; i < n; i++) {
		char *origin = sources_url_origin(urls[i]);
		add_origin(&b, ssh_host_https(urls[i], origin));
		add_origin(&b, origin);
	}
	for (const char *p = env; p && *p;) {
		size_t k = strcspn(p, ", \t\n");
		if (k) {
			char *tok = xasprintf("%.*s", (int)k, p);
			char *full = strstr(tok, "://") ? xstrdup(tok) : xasprintf("https://%s", tok);
			add_origin(&b, sources_url_origin(full));
			free(full);
			free(tok);
		}
		p += k;
		p += strspn(p, ", \t\n");
	}
	return buf_detach(&b);
}

static int valid_name(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > SOURCES_MAX_NAME)
		return 0;
	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
			return 0;
	}
	for (size_t i = 0; i < sizeof reserved_names / sizeof *reserved_names; i++)
		if (!strcmp(s, reserved_names[i]))
			return 0;
	return 1;
}

typedef struct {
	const char *file;
	diag_list_t *d;
	int errors;
} sctx_t;

static void serr(sctx_t *x, const val_t *v, const char *fmt, const char *arg)
{
	diag_add(x->d, DIAG_ERROR, x->file, v ? v->line : 0, v ? v->col : 0, "config", fmt, arg);
	x->errors++;
}

static const char *str_of(sctx_t *x, const val_t *v, const char *key)
{
	if (v->type == VAL_STR && v->str[0])
		return v->str;
	if (v->type == VAL_NUM && v->str)
		return v->str;
	serr(x, v, "sources: '%s' must be a non-empty string", key);
	return NULL;
}

/* The key of ours that a key other tools' configurations give a repository means (Backstage's and
 * Renovate's subdir, Argo CD's repoURL and targetRevision, ...), or NULL. */
static const char *other_tools_key(const char *k)
{
	static const char *const pairs[][2] = {
		{"subdir", "path"}, {"subdirectory", "path"}, {"dir", "path"}, {"directory", "path"}, {"folder", "path"},
		{"docs_dir", "path"}, {"url", "repo"}, {"repository", "repo"}, {"repourl", "repo"}, {"remote", "repo"},
		{"git", "repo"}, {"ref", "branch"}, {"tag", "branch"}, {"rev", "branch"}, {"revision", "branch"},
		{"targetrevision", "branch"},
	};
	for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++)
		if (!strcasecmp(k, pairs[i][0]))
			return pairs[i][1];
	return NULL;
}

static void parse_entry(sctx_t *x, const val_t *e, sources_spec_t *s)
{
	static const char *const known[] = {"name", "repo", "branch", "path", "timeout"};
	s->timeout = SOURCES_TIMEOUT;
	s->line = e->line;
	s->col = e->col;
	if (e->type != VAL_MAP) {
		serr(x, e, "%s", "sources: each entry must be a mapping with 'name' and 'repo'");
		return;
	}
	int named = 0; /* a name: key, valid or not (an invalid one has its own error) */
	for (size_t i = 0; i < e->len; i++) {
		const char *k = e->pairs[i].key;
		const val_t *v = e->pairs[i].val;
		const char *str;
		if (!strcmp(k, "name")) {
			named = 1;
			if (!(str = str_of(x, v, k)))
				continue;
			if (!valid_name(str)) {
				serr(x, v,
				     "sources: name '%s' must be 1-64 lower-case letters, digits, '-', '_' or '.', "
				     "starting with a letter or digit, and not a name the site uses itself "
				     "(alerts, assets, search, freshness, index.html, ...)",
				     str);
				continue;
			}
			free(s->name);
			s->name = xstrdup(str);
		} else if (!strcmp(k, "repo")) {
			if (!(str = str_of(x, v, k)))
				continue;
			free(s->repo);
			s->repo = xstrdup(str);
			s->is_url = sources_is_url(str);
		} else if (!strcmp(k, "branch")) {
			if (!(str = str_of(x, v, k)))
				continue;
			if (str[0] == '-' || strstr(str, "..") || strchr(str, ' ') || strchr(str, ':')) {
				serr(x, v, "sources: '%s' is not a branch or tag name", str);
				continue;
			}
			free(s->branch);
			s->branch = xstrdup(str);
		} else if (!strcmp(k, "path")) {
			if (!(str = str_of(x, v, k)))
				continue;
			char *n = str[0] == '/' ? NULL : fsu_normalize(str);
			if (!n) {
				serr(x, v, "sources: path '%s' must be a folder inside the source repository", str);
				continue;
			}
			size_t l = strlen(n);
			if (l && n[l - 1] == '/')
				n[l - 1] = '\0';
			if (!strcmp(n, ".git") || !strncmp(n, ".git/", 5)) {
				serr(x, v, "sources: path '%s' must not be inside .git", str);
				free(n);
				continue;
			}
			free(s->path);
			s->path = n;
		} else if (!strcmp(k, "timeout")) {
			char *end = NULL;
			long t = v->type == VAL_NUM && v->str ? strtol(v->str, &end, 10) : 0;
			if (!end || *end || t < 1 || t > SOURCES_TIMEOUT_MAX) {
				serr(x, v, "sources: timeout must be a whole number of seconds from 1 to %s", "600");
				continue;
			}
			s->timeout = (int)t;
		} else if (!strcasecmp(k, "shallow") || !strcasecmp(k, "depth")) {
			const val_pair_t *pr = &e->pairs[i]; /* at the key */
			diag_add(x->d, DIAG_WARNING, x->file, pr->line ? pr->line : v->line, pr->line ? pr->col : v->col,
				 "config",
				 "sources: '%s' is ignored: a source is always fetched with its whole history, which "
				 "dates its pages (libgit2 cannot fetch shallow)", k);
		} else {
			const char *sug = other_tools_key(k);
			if (!sug)
				sug = suggest_closest(k, known, sizeof known / sizeof *known, 2);
			const val_pair_t *pr = &e->pairs[i]; /* the warning is at the key */
			diag_add(x->d, DIAG_WARNING, x->file, pr->line ? pr->line : v->line, pr->line ? pr->col : v->col,
				 "config", "sources: unknown key '%s'%s%s%s", k, sug ? "; did you mean '" : "",
				 sug ? sug : "", sug ? "'?" : "");
		}
	}
	if (!named)
		serr(x, e, "%s", "sources: an entry has no 'name'");
	if (!s->repo)
		serr(x, e, "sources: entry '%s' has no 'repo' (a local work tree or a Git URL)",
		     s->name ? s->name : "?");
	if (!s->path)
		s->path = xstrdup("");
}

int sources_parse(sources_list_t *out, const val_t *v, const char *file, diag_list_t *d)
{
	memset(out, 0, sizeof *out);
	if (!v || v->type == VAL_NULL)
		return 0;
	sctx_t x = {file, d, 0};
	if (v->type != VAL_LIST) {
		serr(&x, v, "%s", "'sources' must be a list of repositories (name, repo, branch, path)");
		return -1;
	}
	if (v->len > SOURCES_MAX) {
		serr(&x, v, "'sources' lists more than %s repositories", "256");
		return -1;
	}
	out->items = xcalloc(v->len ? v->len : 1, sizeof *out->items);
	for (size_t i = 0; i < v->len; i++) {
		sources_spec_t *s = &out->items[out->len++];
		parse_entry(&x, v->items[i], s);
		for (size_t j = 0; s->name && j + 1 < out->len; j++)
			if (out->items[j].name && !strcmp(out->items[j].name, s->name)) {
				diag_add(d, DIAG_ERROR, file, v->items[i]->line, v->items[i]->col, "config",
					 "sources: the name '%s' is used twice (first at line %d)", s->name,
					 out->items[j].line);
				x.errors++;
			}
	}
	return x.errors ? -1 : 0;
}
