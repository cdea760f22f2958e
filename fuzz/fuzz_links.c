/* fuzz_links.c - libFuzzer target: the link resolver and URL paths.
 *
 * Each input line is a link target as a writer would type it. The first
 * byte of the line picks the page it is written on and whether it is an
 * image. links_rewrite runs against an in-memory site (fuzz_common.h), then
 * links_finish checks fragments and builds backlinks. Oracles:
 *   - a rewritten URL never carries a javascript:, vbscript: or data: scheme
 *     (data:image/ except SVG is allowed for images);
 *   - a URL links_rewrite keeps as written is not such a URL either;
 *   - a rewritten relative URL (an internal link it resolved), applied to
 *     the page's folder, never climbs above the site root;
 *   - fsu_normalize never returns a path with a ".." segment, and never an
 *     absolute path for relative input.
 * The line is also used as a front-matter alias, the way render.c turns an
 * alias into an output path (normalise, refuse NULL/empty/absolute). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fsutil.h"
#include "links.h"
#include "scan.h"
#include "site.h"

#include "fuzz_common.h"

/* 1 when the '/'-path has a ".." segment. */
static int has_dotdot(const char *n)
{
	for (const char *p = n; (p = strstr(p, "..")) != NULL; p += 2)
		if ((p == n || p[-1] == '/') && (p[2] == '/' || p[2] == '\0'))
			return 1;
	return 0;
}

static void check_normal(const char *in)
{
	char *n = fsu_normalize(in);
	if (!n)
		return;
	if ((in[0] != '/' && n[0] == '/') || has_dotdot(n))
		abort();
	free(n);
}

/* A kept URL (NULL from links_rewrite) must not be a script vector either. */
static void check_scheme(const char *url, int is_image)
{
	char sch[24];
	fz_scheme_of(url, strlen(url), sch, sizeof sch, 0); /* cmark hands over decoded URLs */
	if (!strncmp(sch, "javascript:", 11) || !strncmp(sch, "vbscript:", 9) ||
	    (!strncmp(sch, "data:", 5) && !(is_image && !strncmp(sch, "data:image/", 11) &&
					    strncmp(sch, "data:image/svg", 14))))
		abort();
}

static void check_rewritten(const site_page_t *p, const char *url, int is_image)
{
	check_scheme(url, is_image);
	if (!url[0] || url[0] == '#' || url[0] == '/' || strchr(url, ':'))
		return;
	/* relative: resolve against the page's folder URL */
	size_t plen = strcspn(url, "?#");
	char *path = xstrndup(url, plen);
	char *joined = xasprintf("%s%s", p->url, path);
	char *n = fsu_normalize(joined);
	if (!n)
		abort(); /* climbs above the site root */
	free(n);
	free(joined);
	free(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	site_t s;
	fz_site_init(&s);
	const char *text = (const char *)data;
	size_t i = 0;
	int line = 1;
	while (i < size) {
		size_t e = i;
		while (e < size && text[e] != '\n')
			e++;
		if (e > i) {
			unsigned sel = (unsigned char)text[i];
			char *url = xstrndup(text + i + 1, e - i - 1);
			if (strlen(url) == e - i - 1) { /* no NUL inside: Markdown never hands one over */
				long page = (long)(sel % FZ_NPAGES);
				int is_image = (sel >> 7) & 1;
				links_ctx_t lc = {&s, page, 0, NULL, 0};
				char *out = links_rewrite(&lc, url, is_image, line, 1);
				if (out)
					check_rewritten(&s.pages[page], out, is_image);
				else
					check_scheme(url, is_image);
				free(out);
				check_normal(url);
				/* alias -> output folder, as write_redirects does */
				char *clean = fsu_normalize(url[0] == '/' ? url + 1 : url);
				if (clean && clean[0] && clean[0] != '/') {
					char *from = fsu_ends_with(clean, ".md") ? scan_page_url(clean, s.home_dir)
										: xasprintf("%s/", clean);
					char *rel = xasprintf("%sindex.html", from);
					char *chk = fsu_normalize(rel);
					/* what pub_write accepts (relative, no '\\', normalises to itself)
					 * must stay inside the output folder */
					int accepted = rel[0] != '/' && !strchr(rel, '\\') && chk && !strcmp(chk, rel);
					if (accepted && has_dotdot(rel))
						abort();
					free(chk);
					free(rel);
					free(from);
				}
				free(clean);
				char *ru = fsu_relurl(s.pages[page].url, url);
				free(ru);
			}
			free(url);
		}
		i = e + 1;
		line++;
	}
	links_finish(&s);
	for (size_t k = 0; k < s.diags.len; k++)
		if (!s.diags.items[k].message || s.diags.items[k].line < 0)
			abort();
	site_free(&s);
	return 0;
}
