/* activefiles.c - repository files a browser runs scripts in. See activefiles.h. */
#include "activefiles.h"

#include <string.h>
#include <strings.h>

#include "buf.h"

static const char *ext_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(slash ? slash + 1 : path, '.');
	return dot ? dot + 1 : "";
}

int af_is_active(const char *path)
{
	static const char *const exts[] = {"html", "htm", "shtml", "xhtml", "xht", "svg", "svgz",
					   "xml",  "xsl", "xslt",  "mht",   "mhtml"};
	const char *e = ext_of(path);
	for (size_t i = 0; i < sizeof exts / sizeof *exts; i++)
		if (!strcasecmp(e, exts[i]))
			return 1;
	return 0;
}

int af_is_svg(const char *path)
{
	return !strcasecmp(ext_of(path), "svg");
}

char *af_svg_data_url(const pr_root_t *tree, const char *rel, size_t max, int *too_large)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	*too_large = 0;
	buf_t f = BUF_INIT;
	int rc = pr_read(tree, rel, &f, max);
	if (rc != 0) {
		*too_large = rc == PR_ETOOBIG;
		buf_free(&f);
		return NULL;
	}
	buf_t b = BUF_INIT;
	buf_puts(&b, "data:image/svg+xml;base64,");
	const unsigned char *s = (const unsigned char *)f.s;
	size_t n = f.len, i = 0;
	for (; i + 2 < n; i += 3) {
		unsigned v = (unsigned)s[i] << 16 | (unsigned)s[i + 1] << 8 | s[i + 2];
		char q[4] = {b64[v >> 18], b64[(v >> 12) & 63], b64[(v >> 6) & 63], b64[v & 63]};
		buf_put(&b, q, 4);
	}
	if (i < n) {
		unsigned v = (unsigned)s[i] << 16 | (i + 1 < n ? (unsigned)s[i + 1] << 8 : 0);
		char q[4] = {b64[v >> 18], b64[(v >> 12) & 63], i + 1 < n ? b64[(v >> 6) & 63] : '=', '='};
		buf_put(&b, q, 4);
	}
	buf_free(&f);
	return buf_detach(&b);
}
