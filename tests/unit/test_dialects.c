/* test_dialects.c - the golden tests of tests/dialects/ (every .txt file), and the sanitizer's own cases.
 *
 * A golden file holds examples in cmark's spec-test style:
 *
 *   ```````````````````````````````` example            (" raw" after "example": raw_html on)
 *   Markdown input ("→" is a tab)
 *   .
 *   the exact HTML md_render produces
 *   .                                                     (optional third part)
 *   link LINE:COL URL       every link and image the link callback saw, in order
 *   warning LINE:COL CODE   every warning, sorted
 *   ````````````````````````````````
 *
 * Each example runs through md_render as a page body starting on line 1;
 * a mismatch prints the file and line of the example, what was expected
 * and what came out. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "diag.h"
#include "fsutil.h"
#include "htmlsan.h"
#include "markdown.h"

static const char FENCE[] = "````````````````````````````````";

static char *record_link(void *ud, const char *url, int is_image, int line, int col)
{
	(void)is_image;
	buf_printf(ud, "link %d:%d %s\n", line, col, url);
	return NULL;
}

/* Replace "→" by a tab. */
static char *tabs(const char *s, size_t n)
{
	buf_t b = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (i + 2 < n && !memcmp(s + i, "\xe2\x86\x92", 3)) {
			buf_putc(&b, '\t');
			i += 2;
		} else {
			buf_putc(&b, s[i]);
		}
	}
	return buf_detach(&b);
}

static int run_example(const char *file, int at, const char *md, size_t mdlen, const char *html, size_t hlen,
		       const char *extra, size_t elen, int raw)
{
	buf_t links = BUF_INIT;
	diag_list_t d;
	diag_init(&d);
	md_opts_t o = {.raw_html = raw, .link = record_link, .ud = &links, .diags = &d, .path = "t.md"};
	md_doc_t doc;
	char *in = tabs(md, mdlen);
	md_render(&doc, in, strlen(in), &o);
	diag_sort(&d);
	buf_t got_extra = BUF_INIT;
	buf_put(&got_extra, links.s ? links.s : "", links.len);
	for (size_t i = 0; i < d.len; i++)
		buf_printf(&got_extra, "warning %d:%d %s\n", d.items[i].line, d.items[i].col, d.items[i].code);
	int ok = strlen(doc.html) == hlen && !memcmp(doc.html, html, hlen) && got_extra.len == elen &&
		 (!elen || !memcmp(got_extra.s, extra, elen));
	if (!ok) {
		fprintf(stderr, "%s:%d: example differs\n--- input\n%s--- expected\n%.*s%.*s--- got\n%s%s", file, at, in,
			(int)hlen, html, (int)elen, extra, doc.html, buf_cstr(&got_extra));
		for (size_t i = 0; i < d.len; i++)
			fprintf(stderr, "    (%s)\n", d.items[i].message);
	}
	free(in);
	buf_free(&got_extra);
	buf_free(&links);
	diag_free(&d);
	md_doc_free(&doc);
	return ok;
}

/* Run every example of one file; returns the number of failures, counts examples in *n. */
static int run_file(const char *path, const char *name, int *n)
{
	buf_t b = BUF_INIT;
	assert_int_equal(fsu_read_file(&b, path, 1 << 22), 0);
	const char *s = buf_cstr(&b);
	int fails = 0, line = 1;
	const char *p = s;
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l >= sizeof FENCE - 1 + 8 && !strncmp(p, FENCE, sizeof FENCE - 1) &&
		    !strncmp(p + sizeof FENCE - 1, " example", 8)) {
			int raw = l >= sizeof FENCE - 1 + 12 && !strncmp(p + sizeof FENCE - 1 + 8, " raw", 4);
			int at = line;
			/* the three parts: up to a "." line, up to "." or the fence, then up to the fence */
			const char *part[3] = {NULL, NULL, NULL};
			size_t plen[3] = {0, 0, 0};
			int k = 0;
			const char *q = e ? e + 1 : p + l;
			line++;
			part[0] = q;
			while (*q) {
				const char *qe = strchr(q, '\n');
				size_t ql = qe ? (size_t)(qe - q) : strlen(q);
				const char *next = qe ? qe + 1 : q + ql;
				line++;
				if (ql == sizeof FENCE - 1 && !strncmp(q, FENCE, ql)) {
					plen[k] = (size_t)(q - part[k]);
					q = next;
					break;
				}
				if (ql == 1 && q[0] == '.' && k < 2) {
					plen[k] = (size_t)(q - part[k]);
					part[++k] = next;
				}
				q = next;
			}
			(*n)++;
			if (!run_example(name, at, part[0], plen[0], part[1], plen[1], part[2] ? part[2] : "", plen[2], raw))
				fails++;
			p = q;
			continue;
		}
		line++;
		p = e ? e + 1 : p + l;
	}
	buf_free(&b);
	return fails;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_golden(void **state)
{
	(void)state;
	const char *root = getenv("ALMANAC_SOURCE_ROOT");
	assert_non_null(root);
	char *dir = xasprintf("%s/tests/dialects", root);
	DIR *dh = opendir(dir);
	assert_non_null(dh);
	char **names = NULL;
	size_t nn = 0;
	struct dirent *de;
	while ((de = readdir(dh)) != NULL) {
		size_t l = strlen(de->d_name);
		if (l > 4 && !strcmp(de->d_name + l - 4, ".txt")) {
			names = xrealloc(names, (nn + 1) * sizeof *names);
			names[nn++] = xstrdup(de->d_name);
		}
	}
	closedir(dh);
	qsort(names, nn, sizeof *names, by_name);
	int fails = 0, examples = 0;
	for (size_t i = 0; i < nn; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]);
		fails += run_file(path, names[i], &examples);
		free(path);
		free(names[i]);
	}
	free(names);
	free(dir);
	fprintf(stderr, "%d examples in %zu files, %d failed\n", examples, nn, fails);
	assert_true(nn >= 5);
	assert_int_equal(fails, 0);
}

/* The sanitizer on its own: javascript: in every form a browser would run, in both modes. */
static void test_sanitizer_hostile(void **state)
{
	(void)state;
	static const char *const hostile[] = {
		"<a/href=\"javascript:alert(1)\">a</a>",
		"<button formaction=\"javascript:alert(2)\">b</button><form><input type=submit formaction=javascript:alert(3)></form>",
		"<svg><a xlink:href=\"javascript:alert(4)\"><text>x</text></a></svg>",
		"<a href=\"jav&#x09;ascript:alert(5)\">c</a><a href=\"&#106;avascript:alert(6)\">d</a>",
		"<a href=\"java&#x0A;script:alert(7)\">e</a><a href=\" &#x01;javascript:alert(8)\">f</a>",
		"<object data=\"javascript:alert(9)\"></object><embed src=\"javascript:alert(10)\">",
		"<math><a href=\"javascript:alert(11)\">g</a></math><iframe src=\"javascript:alert(12)\"></iframe>",
		"<img src=x onerror=alert(13)><div onclick=\"alert(14)\">h</div><a href=\"vbscript:msgbox(15)\">i</a>",
		"<img src=\"data:image/svg+xml;base64,PHN2Zz4=\"><video poster=\"javascript:alert(16)\"></video>",
		"<img srcset=\"ok.png 1x, javascript:alert(17) 2x\"><style>*{}</style><script>alert(18)</script>",
		"<p style=\"background:url(javascript:alert(19))\">j</p><a href=\"data:text/html,<script>alert(20)</script>\">k</a>",
	};
	for (int mode = 0; mode < 2; mode++) {
		for (size_t i = 0; i < sizeof hostile / sizeof *hostile; i++) {
			char *c = htmlsan_clean(hostile[i], strlen(hostile[i]), mode ? HTMLSAN_RAW : HTMLSAN_SAFE);
			assert_non_null(c);
			if (strstr(c, "alert") || strstr(c, "msgbox") || strstr(c, "javascript") || strstr(c, "onerror") ||
			    strstr(c, "onclick") || strstr(c, "<object") || strstr(c, "<svg") || strstr(c, "<iframe") ||
			    strstr(c, "<script") || strstr(c, "data:image/svg") || strstr(c, "<button"))
				fail_msg("mode %d, %s\n  kept: %s", mode, hostile[i], c);
			free(c);
		}
	}
	/* what must stay */
	static const char keep[] =
		"<a href=\"https://x.example/a?b=1&amp;c\" title=t>ok</a><img src=\"data:image/png;base64,AA==\" alt=\"a\">";
	char *c = htmlsan_clean(keep, sizeof keep - 1, HTMLSAN_SAFE);
	assert_string_equal(c, "<a href=\"https://x.example/a?b=1&amp;c\" title=\"t\">ok</a><img src=\"data:image/png;base64,AA==\" alt=\"a\">");
	free(c);
	assert_true(htmlsan_url_ok("../x.md#y", 0));
	assert_true(htmlsan_url_ok("mailto:a@b.example", 0));
	assert_false(htmlsan_url_ok("\x01java\tscript:x", 0));
	assert_false(htmlsan_url_ok("data:image/png;base64,AA", 0));
	assert_true(htmlsan_url_ok("data:image/png;base64,AA", 1));
}

/* Deep nesting: the parser's memory is an arena (gumbo frees recursively); too many tags: refused. */
static void test_sanitizer_bounds(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	/* 500 nested elements, each closed, 40,000 times: within the bounds */
	for (int i = 0; i < 80; i++) {
		for (int k = 0; k < 500; k++)
			buf_puts(&b, "<b>");
		for (int k = 0; k < 500; k++)
			buf_puts(&b, "</b>");
	}
	char *c = htmlsan_clean(b.s, b.len, HTMLSAN_SAFE);
	assert_non_null(c);
	assert_non_null(strstr(c, "<b><b><b>"));
	free(c);
	/* more start tags than HTMLSAN_MAX_TAGS */
	for (int i = 0; i < 10001; i++)
		buf_puts(&b, "<i></i>");
	assert_null(htmlsan_clean(b.s, b.len, HTMLSAN_SAFE));
	buf_clear(&b);
	/* deeper than HTMLSAN_MAX_DEPTH, even with end tags that close nothing */
	for (int i = 0; i < 600; i++)
		buf_puts(&b, "<div></span>");
	assert_null(htmlsan_clean(b.s, b.len, HTMLSAN_SAFE));
	buf_free(&b);
}

int main(void)
{
	md_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_sanitizer_hostile),
		cmocka_unit_test(test_sanitizer_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
