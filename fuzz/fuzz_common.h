/* fuzz_common.h - shared pieces of the libFuzzer targets (prefix fz_).
 *
 * Header-only on purpose: every target is one translation unit plus the
 * library, so nothing here is linked into the product.
 *
 *   fz_site_*   an in-memory site_t (no repository, no files) that the link
 *               resolver and the page pipeline can run against;
 *   fz_html_*   an oracle for "no injection": it tokenises HTML produced
 *               with raw HTML off and abort()s (a libFuzzer crash) on a
 *               tag outside a whitelist, an on* event-handler attribute, an
 *               unquoted or unterminated attribute value, or a javascript:,
 *               vbscript: or data: URL in href/src.
 */
#ifndef ALMANAC_FUZZ_COMMON_H
#define ALMANAC_FUZZ_COMMON_H

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "diag.h"
#include "fsutil.h"
#include "map.h"
#include "scan.h"
#include "site.h"

/* A root that does not exist: the resolver's stat() calls find nothing there. */
#define FZ_ROOT "/nonexistent-almanac-fuzz-root/"

static inline void fz_die(const char *what, const char *at, size_t n)
{
	fprintf(stderr, "fuzz oracle: %s near: %.*s\n", what, (int)(n > 120 ? 120 : n), at);
	abort();
}

/* ---- in-memory site ---- */

/* Pages every fuzzed site has (sorted by path, as site_load sorts them). */
static const char *const fz_page_paths[] = {
	"content/guides/onboarding.md", "content/index.md", "content/roles/sre.md",
	"runbooks/index.md",            "runbooks/k8s/index.md", "runbooks/k8s/node-not-ready.md",
};
#define FZ_NPAGES (sizeof fz_page_paths / sizeof *fz_page_paths)
static const char *const fz_asset_paths[] = {"runbooks/k8s/diagram.png", "content/img/logo.svg"};
#define FZ_NASSETS (sizeof fz_asset_paths / sizeof *fz_asset_paths)

/* Build a site of FZ_NPAGES pages with empty text (fill p->text and parse afterwards). */
static inline void fz_site_init(site_t *s)
{
	memset(s, 0, sizeof *s);
	diag_init(&s->diags);
	config_defaults(&s->cfg);
	s->root = xstrdup(FZ_ROOT);
	s->branch = xstrdup("main");
	s->home_dir = xstrdup("content");
	s->layout.root = xstrdup(""); /* the plain layout (layout.h) */
	layout_set_home(&s->layout, "content");
	s->opts.jobs = 1;
	s->npages = FZ_NPAGES;
	s->pages = xcalloc(FZ_NPAGES + 1, sizeof *s->pages);
	for (size_t i = 0; i < FZ_NPAGES; i++) {
		site_page_t *p = &s->pages[i];
		p->src = xstrdup(fz_page_paths[i]);
		p->dir = fsu_dirname(p->src);
		p->is_index = scan_is_index(p->src);
		p->url = scan_page_url(p->src, s->home_dir);
		p->type = xstrdup(strstr(p->src, "runbooks/") ? "runbook" : strstr(p->src, "roles/") ? "role" : "guide");
		p->title = xstrdup(p->src);
		p->slug = xstrdup("x");
		p->in_nav = 1;
		p->body_line = 1;
		map_put(&s->page_map, p->src, MAP_INT(i));
		map_put(&s->url_map, p->url, MAP_INT(i));
	}
	s->nassets = FZ_NASSETS;
	s->assets = xcalloc(FZ_NASSETS + 1, sizeof *s->assets);
	for (size_t i = 0; i < FZ_NASSETS; i++) {
		s->assets[i].src = xstrdup(fz_asset_paths[i]);
		s->assets[i].out = xstrdup(fz_asset_paths[i]);
		map_put(&s->asset_map, fz_asset_paths[i], MAP_INT(i));
	}
}

/* ---- HTML oracle ---- */

static inline int fz_tag_allowed(const char *name, size_t n, const char *const *extra)
{
	static const char *const ok[] = {
		"a", "p", "em", "strong", "del", "code", "pre", "blockquote", "ul", "ol", "li", "h1", "h2",
		"h3", "h4", "h5", "h6", "hr", "br", "img", "table", "thead", "tbody", "tr", "th", "td",
		"input", "section", "sup", "div", "span", "title", "meta", "!--", NULL};
	for (size_t i = 0; ok[i]; i++)
		if (strlen(ok[i]) == n && !strncasecmp(ok[i], name, n))
			return 1;
	for (size_t i = 0; extra && extra[i]; i++)
		if (strlen(extra[i]) == n && !strncasecmp(extra[i], name, n))
			return 1;
	return 0;
}

/* The start of URL `v` as a browser reads its scheme: with `entities` (an
 * HTML attribute value) the few entity forms that can hide a scheme are
 * decoded (&#NN; &#xHH; &colon; &Tab; &NewLine;); ASCII whitespace and
 * control characters are dropped; lower-cased. */
static inline void fz_scheme_of(const char *v, size_t n, char *out, size_t outlen, int entities)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k + 1 < outlen;) {
		unsigned c = (unsigned char)v[i];
		if (c == '&' && entities) {
			size_t e = i + 1;
			while (e < n && e - i < 12 && v[e] != ';')
				e++;
			if (e < n && v[e] == ';') {
				if (v[i + 1] == '#') {
					c = (unsigned)strtoul(v + i + 2 + (v[i + 2] == 'x' || v[i + 2] == 'X'), NULL,
							      v[i + 2] == 'x' || v[i + 2] == 'X' ? 16 : 10);
				} else if (!strncasecmp(v + i + 1, "colon;", 6)) {
					c = ':';
				} else if (!strncasecmp(v + i + 1, "tab;", 4) || !strncasecmp(v + i + 1, "newline;", 8)) {
					c = ' ';
				}
				i = e + 1;
				if (c > ' ' && c < 0x7f)
					out[k++] = (char)tolower((int)c);
				continue;
			}
		}
		i++;
		if (c > ' ')
			out[k++] = (char)tolower((int)c);
	}
	out[k] = '\0';
}

/* abort() unless `html` (raw HTML off) is free of script vectors. `extra`
 * lists further allowed tag names (NULL-terminated, may be NULL). */
static inline void fz_html_check(const char *html, size_t len, const char *const *extra)
{
	const char *end = html + len;
	for (const char *p = html; p < end; p++) {
		if (*p == '>')
			continue; /* a bare '>' in text is harmless */
		if (*p != '<')
			continue;
		const char *tag = p;
		p++;
		if (p + 3 <= end && !memcmp(p, "!--", 3)) {
			const char *c = memmem(p, (size_t)(end - p), "-->", 3);
			if (!c)
				fz_die("unterminated comment", tag, (size_t)(end - tag));
			p = c + 2;
			continue;
		}
		if (p < end && *p == '/')
			p++;
		const char *name = p;
		while (p < end && (isalnum((unsigned char)*p)))
			p++;
		if (p == name)
			fz_die("'<' that does not start a tag (unescaped text)", tag, (size_t)(end - tag));
		if (!fz_tag_allowed(name, (size_t)(p - name), extra))
			fz_die("tag outside the whitelist", tag, (size_t)(end - tag));
		/* attributes */
		for (;;) {
			while (p < end && (*p == ' ' || *p == '\n' || *p == '\t'))
				p++;
			if (p >= end)
				fz_die("unterminated tag", tag, (size_t)(end - tag));
			if (*p == '>')
				break;
			if (*p == '/' && p + 1 < end && p[1] == '>') {
				p++;
				break;
			}
			const char *an = p;
			while (p < end && (isalnum((unsigned char)*p) || *p == '-' || *p == '_'))
				p++;
			size_t anl = (size_t)(p - an);
			if (!anl)
				fz_die("malformed attribute", tag, (size_t)(end - tag));
			if (anl > 2 && !strncasecmp(an, "on", 2))
				fz_die("event-handler attribute", tag, (size_t)(end - tag));
			if (p < end && *p == '=') {
				p++;
				if (p >= end || *p != '"')
					fz_die("unquoted attribute value", tag, (size_t)(end - tag));
				const char *v = ++p;
				while (p < end && *p != '"') {
					if (*p == '<' || *p == '>')
						fz_die("'<' or '>' inside an attribute value", tag, (size_t)(end - tag));
					p++;
				}
				if (p >= end)
					fz_die("unterminated attribute value", tag, (size_t)(end - tag));
				if ((anl == 4 && !strncasecmp(an, "href", 4)) || (anl == 3 && !strncasecmp(an, "src", 3)) ||
				    (anl == 6 && !strncasecmp(an, "action", 6))) {
					char sch[24];
					fz_scheme_of(v, (size_t)(p - v), sch, sizeof sch, 1);
					int is_src = anl == 3;
					if (!strncmp(sch, "javascript:", 11) || !strncmp(sch, "vbscript:", 9) ||
					    (!strncmp(sch, "data:", 5) &&
					     !(is_src && !strncmp(sch, "data:image/", 11) && strncmp(sch, "data:image/svg", 14))))
						fz_die("unsafe URL scheme", tag, (size_t)(end - tag));
				}
				p++;
			}
		}
	}
}

#endif
