/* test_core.c - unit tests for the foundation modules: paths and URLs, front
 * matter, config, Markdown rendering (slugs, ids, link positions), scan URLs. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <cmocka.h>

#include "cli.h"
#include "config.h"
#include "diag.h"
#include "frontmatter.h"
#include "fsutil.h"
#include "lfs.h"
#include "map.h"
#include "markdown.h"
#include "scan.h"
#include "suggest.h"
#include "testhelp.h"
#include "timefmt.h"

static void test_relurl(void **st)
{
	(void)st;
	struct { const char *from, *to, *want; } cases[] = {
		{"runbooks/k8s/a/", "runbooks/k8s/b/", "../b/"},
		{"runbooks/k8s/a/", "", "../../../"},
		{"", "runbooks/", "runbooks/"},
		{"runbooks/", "runbooks/", "./"},
		{"a/b/", "a/c/d/", "../c/d/"},
		{"runbooks/k8s/a/", "assets/style.css", "../../../assets/style.css"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		assert_owned_string_equal(fsu_relurl(cases[i].from, cases[i].to), cases[i].want);
	}
	assert_owned_string_equal(fsu_root_prefix("a/b/"), "../../");
}

static void test_normalize(void **st)
{
	(void)st;
	assert_owned_string_equal(fsu_normalize("a/./b/../c.md"), "a/c.md");
	assert_null(fsu_normalize("a/../../etc/passwd"));
	assert_owned_string_equal(fsu_normalize("runbooks/k8s/"), "runbooks/k8s/");
}

static void test_page_url(void **st)
{
	(void)st;
	assert_owned_string_equal(scan_page_url("runbooks/k8s/node-not-ready.md", "content"), "runbooks/k8s/node-not-ready/");
	assert_owned_string_equal(scan_page_url("runbooks/index.md", "content"), "runbooks/");
	assert_owned_string_equal(scan_page_url("content/index.md", "content"), "");
	assert_owned_string_equal(scan_page_url("content/roles/README.md", "content"), "content/roles/");
	assert_owned_string_equal(scan_page_url("kubernetes/create-app/index.html.md", "content"), "kubernetes/create-app/");
	assert_owned_string_equal(scan_page_url("manual/alerts.html.md", "content"), "manual/alerts.html/");
}

static void test_slug(void **st)
{
	(void)st;
	struct { const char *in, *want; } cases[] = {
		{"Rollback & recovery", "rollback--recovery"},
		{"Step 1: Check the node", "step-1-check-the-node"},
		{"CrashLoopBackOff", "crashloopbackoff"},
		{"etcd_db_total_size", "etcd_db_total_size"},
		{"What’s next — escalation", "whats-next--escalation"},
		{"kube-proxy (DaemonSet)", "kube-proxy-daemonset"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		assert_owned_string_equal(md_slug(cases[i].in), cases[i].want);
	}
}

typedef struct {
	int line[8], col[8];
	char *url[8];
	int n;
} seen_t;

static char *record_link(void *ud, const char *url, int is_image, int line, int col)
{
	(void)is_image;
	seen_t *s = ud;
	if (s->n < 8) {
		s->line[s->n] = line;
		s->col[s->n] = col;
		s->url[s->n] = strdup(url);
		s->n++;
	}
	if (!strcmp(url, "other.md"))
		return strdup("../other/");
	return NULL;
}

static void test_markdown_ids_and_links(void **st)
{
	(void)st;
	const char *md = "# Title\n\nIntro with [a link](other.md) here.\n\n## Setup\n\n## Setup\n\n"
			 "Text and [ref][r].\n\n[r]: other.md#setup\n\n<script>alert(1)</script>\n";
	seen_t seen = {0};
	md_opts_t o = {.line_offset = 3, .strip_h1 = 1, .link = record_link, .ud = &seen};
	md_doc_t doc;
	md_render(&doc, md, strlen(md), &o);
	assert_string_equal(doc.h1, "Title");
	assert_int_equal(doc.nheadings, 2);
	assert_string_equal(doc.headings[0].id, "setup");
	assert_string_equal(doc.headings[1].id, "setup-1");
	assert_int_equal(doc.headings[0].line, 5 + 3);
	assert_non_null(strstr(doc.html, "id=\"setup-1\""));
	assert_null(strstr(doc.html, "<h1"));              /* the title H1 is stripped */
	assert_non_null(strstr(doc.html, "href=\"../other/\""));
	assert_null(strstr(doc.html, "<script>"));        /* raw HTML omitted by default */
	assert_int_equal(seen.n, 2);
	assert_int_equal(seen.line[0], 3 + 3);
	assert_int_equal(seen.col[0], 12);
	assert_string_equal(seen.url[1], "other.md#setup");
	assert_int_equal(seen.line[1], 9 + 3);
	for (int i = 0; i < seen.n; i++)
		free(seen.url[i]);
	assert_true(doc.nsections == 3);
	assert_non_null(strstr(doc.sections[0].text, "Intro with a link here."));
	md_doc_free(&doc);
}

/* A licence header in an HTML comment above the "# Title" (kubernetes-mixin's README.md and runbook.md do
 * this) does not hide the title; other HTML before the heading does. */
static void test_markdown_title_after_comment(void **st)
{
	(void)st;
	const char *md = "<!-- Copyright the Authors\nSPDX-License-Identifier: Apache-2.0\n-->\n\n"
			 "<!-- second note -->\n# Alert Runbooks\n\nBody.\n\n## Setup\n";
	md_opts_t o = {.strip_h1 = 1};
	md_doc_t doc;
	md_render(&doc, md, strlen(md), &o);
	assert_non_null(doc.h1);
	assert_string_equal(doc.h1, "Alert Runbooks");
	assert_null(strstr(doc.html, "<h1")); /* stripped like any title H1 */
	assert_int_equal(doc.nheadings, 1);
	md_doc_free(&doc);

	const char *md2 = "<p align=\"center\">logo</p>\n\n# Not The Title\n";
	md_render(&doc, md2, strlen(md2), &o);
	assert_null(doc.h1);
	md_doc_free(&doc);
}

/* A row of badges (giantswarm/prometheus-rules' README.md: a CI badge line above "# Giant Swarm ...") or a
 * centred logo above the "# Title" does not hide the title either: the page is not titled by its file
 * name with the heading repeated under it. A paragraph with words, or a heading not first, still does. */
static void test_markdown_title_after_badges(void **st)
{
	(void)st;
	const char *md = "[![CI](https://ci.example/b.svg?style=shield)](https://ci.example/b)\n"
			 "![licence](https://img.example/l.svg) [![v](v.svg)](https://example.com/r)\n\n"
			 "<p align=\"center\">\n  <img src=\"logo.svg\" width=\"120\">\n</p>\n\n"
			 "# Team Rules\n\nBody.\n\n## Setup\n";
	md_opts_t o = {.strip_h1 = 1};
	md_doc_t doc;
	md_render(&doc, md, strlen(md), &o);
	assert_non_null(doc.h1);
	assert_string_equal(doc.h1, "Team Rules");
	assert_null(strstr(doc.html, "<h1"));              /* the title H1 is not shown twice */
	assert_non_null(strstr(doc.html, "ci.example/b.svg")); /* the badges stay */
	assert_int_equal(doc.nheadings, 1);
	md_doc_free(&doc);

	const char *words = "[![CI](b.svg)](https://ci.example/b) Build status\n\n# Not The Title\n";
	md_render(&doc, words, strlen(words), &o);
	assert_null(doc.h1);
	md_doc_free(&doc);

	const char *link = "[CI](https://ci.example/b)\n\n# Not The Title\n";
	md_render(&doc, link, strlen(link), &o);
	assert_null(doc.h1);
	md_doc_free(&doc);
}

static void test_markdown_gfm(void **st)
{
	(void)st;
	const char *md = "| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n\n~~old~~ https://example.com\n\nNote[^1]\n\n[^1]: foot\n";
	md_opts_t o = {0};
	md_doc_t doc;
	md_render(&doc, md, strlen(md), &o);
	assert_non_null(strstr(doc.html, "<table>"));
	assert_non_null(strstr(doc.html, "type=\"checkbox\""));
	assert_non_null(strstr(doc.html, "<del>old</del>"));
	assert_non_null(strstr(doc.html, "<a href=\"https://example.com\">"));
	assert_non_null(strstr(doc.html, "footnote"));
	md_doc_free(&doc);
}

static void test_front_matter(void **st)
{
	(void)st;
	const char *text = "---\ntitle: Node not ready\ncriticality: critcal\nowenr: sre\nreview_interval: 90d\n"
			   "alerts: [KubeNodeNotReady]\ndraft: false\nlevel: senior\n---\n# Body\n";
	diag_list_t d;
	diag_init(&d);
	fm_t fm;
	size_t off;
	int line;
	int rc = fm_parse(&fm, text, strlen(text), "runbooks/x.md", &off, &line, &d);
	assert_int_equal(rc, -1);
	assert_string_equal(fm.title, "Node not ready");
	assert_int_equal(fm.review_interval, 90);
	assert_int_equal(fm.nalerts, 1);
	assert_string_equal(text + off, "# Body\n");
	assert_int_equal(line, 10);
	/* the bad criticality is an error at its value; the typo 'owenr' a warning; 'level' is kept silently */
	diag_sort(&d);
	assert_int_equal(d.len, 2);
	assert_int_equal(d.items[0].line, 3);
	assert_int_equal(d.items[0].col, 14);
	assert_int_equal(d.items[0].severity, DIAG_ERROR);
	assert_non_null(strstr(d.items[0].message, "did you mean 'critical'"));
	assert_int_equal(d.items[1].line, 4);
	assert_non_null(strstr(d.items[1].message, "did you mean 'owner'"));
	assert_non_null(val_map_get(fm.raw, "level"));
	fm_free(&fm);
	diag_free(&d);
}

static void test_front_matter_broken(void **st)
{
	(void)st;
	const char *cases[] = {
		"---\ntitle: x\nno end\n",              /* never closed */
		"---\ntitle: [unclosed\n---\n",         /* invalid YAML */
		"---\na: &x [1]\nb: *x\n---\n",          /* alias */
		"---\n\ttitle: x\n---\n",               /* tab */
		"---\n- a\n- b\n---\n",                 /* not a mapping */
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		diag_list_t d;
		diag_init(&d);
		fm_t fm;
		size_t off;
		int line;
		assert_int_equal(fm_parse(&fm, cases[i], strlen(cases[i]), "p.md", &off, &line, &d), -1);
		assert_true(diag_count(&d, DIAG_ERROR) >= 1);
		assert_true(d.items[0].line >= 1);
		fm_free(&fm);
		diag_free(&d);
	}
	/* BOM and CRLF */
	const char *crlf = "\xEF\xBB\xBF---\r\ntitle: Win\r\n---\r\nBody\r\n";
	diag_list_t d;
	diag_init(&d);
	fm_t fm;
	size_t off;
	int line;
	assert_int_equal(fm_parse(&fm, crlf, strlen(crlf), "p.md", &off, &line, &d), 0);
	assert_string_equal(fm.title, "Win");
	assert_int_equal(line, 4);
	fm_free(&fm);
	diag_free(&d);
}

static void test_config(void **st)
{
	(void)st;
	char dir[] = "/tmp/almanac-cfg-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *path = fsu_join(dir, "almanac.yml");
	const char *yml = "title: Ops\ncontent: [docs]\nfreshness:\n  target: 90\n  intervals:\n    criticality: {critical: 30d}\n"
			  "exclude: ['(unclosed']\ntitel: x\n";
	fsu_write_file(path, yml, strlen(yml));
	config_t c;
	config_defaults(&c);
	diag_list_t d;
	diag_init(&d);
	assert_int_equal(config_load(&c, path, "almanac.yml", 0, &d), -1);
	assert_string_equal(c.title, "Ops");
	assert_int_equal(c.ncontent, 1);
	assert_string_equal(c.content[0], "docs");
	assert_true(c.target == 90);
	assert_int_equal(config_interval_for(&c, "runbook", "critical"), 30);
	assert_int_equal(config_interval_for(&c, "runbook", "low"), 180);
	diag_sort(&d);
	assert_int_equal(d.len, 2);
	assert_int_equal(d.items[0].line, 7); /* bad regex */
	assert_non_null(strstr(d.items[1].message, "did you mean 'title'"));
	assert_int_equal(d.items[1].line, 8); /* at the key "titel", not its value */
	assert_int_equal(d.items[1].col, 1);
	config_free(&c);
	diag_free(&d);
	fsu_remove_tree(dir);
	free(path);
	int days;
	assert_int_equal(config_parse_interval("12w", &days), 0);
	assert_int_equal(days, 84);
	assert_int_equal(config_parse_interval("6m", &days), 0);
	assert_int_equal(days, 180);
	assert_int_equal(config_parse_interval("x", &days), -1);
}

static void test_time(void **st)
{
	(void)st;
	int64_t t;
	assert_int_equal(tf_parse("2026-11-01T00:00:00Z", &t), 0);
	assert_int_equal(t, 1793491200);
	assert_int_equal(tf_parse("2026-11-01T02:00:00+02:00", &t), 0);
	assert_int_equal(t, 1793491200);
	assert_int_equal(tf_parse("2026-11-01", &t), 0);
	char buf[40];
	tf_format_rfc3339(buf, sizeof buf, t + 3661);
	assert_string_equal(buf, "2026-11-01T01:01:01Z");
	assert_int_equal(tf_parse("2026-02-30", &t), -1);
	assert_int_equal(tf_parse("2026-11-01T25:00:00Z", &t), -1);
}

static void test_diag_text_escapes_control_bytes(void **st)
{
	(void)st;
	diag_list_t d;
	diag_init(&d);
	diag_add(&d, DIAG_WARNING, "runbooks/evil\033]0;pwned\007.md", 3, 7, "broken-link",
		 "link target 'a\nb\tc\x7f' not found");
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	diag_print(&d, f, DIAG_FMT_TEXT, 0, 0);
	fclose(f);
	assert_string_equal(text, "runbooks/evil\\x1b]0;pwned\\x07.md:3:7: warning[broken-link]: "
				  "link target 'a\\nb\\tc\\x7f' not found\n");
	free(text);
	diag_free(&d);
}

static void test_suggest(void **st)
{
	(void)st;
	const char *c[] = {"owner", "title", "tags"};
	assert_string_equal(suggest_closest("owenr", c, 3, 2), "owner");
	assert_null(suggest_closest("zzzzzz", c, 3, 2));
	assert_int_equal(suggest_distance("kitten", "sitting", 10), 3);
	assert_int_equal(suggest_distance("kitten", "sitting", 2), 3); /* over the cap: cap + 1 */
}

/* The textbook Levenshtein distance, for checking the banded one. */
static size_t plain_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), d[40][40];
	for (size_t i = 0; i <= la; i++)
		for (size_t j = 0; j <= lb; j++) {
			if (!i || !j) {
				d[i][j] = i + j;
				continue;
			}
			size_t v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			d[i][j] = v;
		}
	return d[la][lb];
}

/* suggest_distance (banded below 512 bytes) against plain_distance, every cap */
/* A buffer that holds memory is a NUL-terminated string even when nothing was put in it: an empty
 * "#" fragment decoded (room for it grown, nothing written) once came back as the allocator's bytes. */
static void test_empty_buffer_is_a_string(void **st)
{
	(void)st;
	for (size_t room = 0; room < 200; room += 37) {
		char *junk = xmalloc(room + 64); /* leave something in the memory the next buffer may get */
		memset(junk, 'x', room + 64);
		free(junk);
		buf_t b = BUF_INIT;
		buf_grow(&b, room);
		char *s = buf_detach(&b);
		assert_string_equal(s, "");
		free(s);
		buf_reserve(&b, room);
		s = buf_detach(&b);
		assert_string_equal(s, "");
		free(s);
	}
	char *none = fsu_pct_decode("#", 0);
	assert_string_equal(none, "");
	free(none);
}

static void test_suggest_distance_matches_plain(void **st)
{
	(void)st;
	unsigned seed = 7;
	char a[40], b[40];
	for (int round = 0; round < 3000; round++) {
		size_t la = (seed = seed * 1103515245u + 12345u) >> 16 & 31;
		size_t lb = (seed = seed * 1103515245u + 12345u) >> 16 & 31;
		for (size_t i = 0; i < la; i++)
			a[i] = (char)('a' + ((seed = seed * 1103515245u + 12345u) >> 16) % 3);
		for (size_t i = 0; i < lb; i++)
			b[i] = (char)('a' + ((seed = seed * 1103515245u + 12345u) >> 16) % 3);
		a[la] = b[lb] = '\0';
		size_t want = plain_distance(a, b);
		for (size_t cap = 0; cap <= 33; cap++) {
			size_t got = suggest_distance(a, b, cap);
			if (got != (want > cap ? cap + 1 : want))
				fail_msg("%s ~ %s cap %zu: got %zu, distance %zu", a, b, cap, got, want);
		}
	}
}

/* Git LFS pointer files (lfs.h): the spec's form, its old name, and what merely looks like one. */
static void test_lfs_pointer(void **state)
{
	(void)state;
	const char *p = "version https://git-lfs.github.com/spec/v1\n"
			"oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n";
	assert_true(lfs_is_pointer(p, strlen(p)));
	const char *old = "version https://hawser.github.com/spec/v1\noid sha256:4d7a\nsize 1\n";
	assert_true(lfs_is_pointer(old, strlen(old)));
	const char *no_oid = "version https://git-lfs.github.com/spec/v1\nsize 12345\n";
	assert_false(lfs_is_pointer(no_oid, strlen(no_oid)));
	const char *prose = "The pointer starts with version https://git-lfs.github.com/spec/v1\noid sha256:x\n";
	assert_false(lfs_is_pointer(prose, strlen(prose)));
	assert_false(lfs_is_pointer("\x89PNG", 4));
	char big[LFS_POINTER_MAX + 16];
	memset(big, 'x', sizeof big);
	memcpy(big, p, strlen(p));
	assert_false(lfs_is_pointer(big, sizeof big)); /* larger than any pointer */
}

/* --fetch-max-size's sizes: a number of bytes or K, M, G, T (powers of 1024) in either case, with or
 * without "B" / "iB", as other tools write them; nothing else, no overflow */
static void test_cli_parse_size(void **st)
{
	(void)st;
	static const struct {
		const char *text;
		long long want; /* -1: refused */
	} cases[] = {
		{"0", 0}, {"1048576", 1048576}, {"1M", 1LL << 20}, {"16T", 16LL << 40}, {"17T", 17LL << 40},
		{"4G", 4LL << 30}, {"4GB", 4LL << 30}, {"4GiB", 4LL << 30}, {"4g", 4LL << 30}, {"512m", 512LL << 20},
		{"4gb", 4LL << 30}, {"4gib", 4LL << 30}, {"2k", 2048}, {"1t", 1LL << 40},
		{"", -1}, {"G", -1}, {"4 G", -1}, {"4Gi", -1}, {"4X", -1}, {"1.5G", -1}, {"-1", -1}, {"4GBB", -1},
		{"99999999999999999999", -1}, {"8388608T", -1}, {"8388607T", 8388607LL << 40},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		long long got = -1;
		int rc = cli_parse_size(cases[i].text, &got);
		if (cases[i].want < 0 ? rc == 0 : rc != 0 || got != cases[i].want)
			fail_msg("'%s': rc %d, %lld (want %lld)", cases[i].text, rc, got, cases[i].want);
	}
}

/* fsu_replace_at: a file over a file (exchanged, the old one removed), over nothing, never over a folder */
static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void assert_file_text(const char *path, const char *want)
{
	char got[64] = "";
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n = fread(got, 1, sizeof got - 1, f);
	got[n] = '\0';
	fclose(f);
	assert_string_equal(got, want);
}

static void test_replace_at(void **st)
{
	(void)st;
	char dir[] = "/tmp/almanac-replace-XXXXXX";
	assert_non_null(mkdtemp(dir));
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_true(dfd >= 0);
	char a[128], b[128];
	snprintf(a, sizeof a, "%s/new", dir);
	snprintf(b, sizeof b, "%s/page", dir);
	put(a, "new one");
	put(b, "old one");
	struct stat before;
	assert_int_equal(stat(a, &before), 0);
	assert_int_equal(fsu_replace_at(dfd, "new", dfd, "page"), 0);
	assert_file_text(b, "new one");
	struct stat after;
	assert_int_equal(stat(b, &after), 0);
	assert_true(after.st_ino == before.st_ino); /* the new file itself, moved */
	assert_int_equal(access(a, F_OK), -1);      /* the old one is gone, nothing left behind */
	put(a, "first");
	assert_int_equal(fsu_replace_at(dfd, "new", dfd, "fresh"), 0); /* nothing there */
	snprintf(b, sizeof b, "%s/fresh", dir);
	assert_file_text(b, "first");
	assert_int_equal(mkdirat(dfd, "folder", 0755), 0); /* a folder stays a folder: the rename fails */
	put(a, "file");
	assert_int_equal(fsu_replace_at(dfd, "new", dfd, "folder"), -1);
	struct stat fst;
	assert_int_equal(fstatat(dfd, "folder", &fst, 0), 0);
	assert_true(S_ISDIR(fst.st_mode));
	assert_file_text(a, "file");
	unlinkat(dfd, "new", 0);
	unlinkat(dfd, "page", 0);
	unlinkat(dfd, "fresh", 0);
	unlinkat(dfd, "folder", AT_REMOVEDIR);
	close(dfd);
	rmdir(dir);
}

/* map_reserve sizes a map once: putting that many keys does not grow it, and every key is found. */
static void test_map_reserve(void **st)
{
	(void)st;
	map_t m = MAP_INIT;
	map_put(&m, "kept", MAP_INT(-1));
	map_reserve(&m, 5000);
	size_t cap = m.cap;
	assert_true(cap >= 5000);
	char key[32];
	for (int i = 0; i < 4999; i++) {
		snprintf(key, sizeof key, "runbooks/p%d/", i);
		assert_null(map_put(&m, key, MAP_INT(i)));
	}
	assert_int_equal(m.cap, cap);
	assert_int_equal(m.len, 5000);
	void *v;
	for (int i = 0; i < 4999; i++) {
		snprintf(key, sizeof key, "runbooks/p%d/", i);
		assert_true(map_get(&m, key, &v));
		assert_int_equal(MAP_AS_INT(v), i);
	}
	assert_true(map_get(&m, "kept", &v));
	assert_int_equal(MAP_AS_INT(v), -1);
	assert_false(map_get(&m, "runbooks/p4999/", NULL));
	map_reserve(&m, 10); /* never smaller */
	assert_int_equal(m.cap, cap);
	map_free(&m);
}

int main(void)
{
	md_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_suggest_distance_matches_plain), cmocka_unit_test(test_empty_buffer_is_a_string),
		cmocka_unit_test(test_relurl),        cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_page_url),      cmocka_unit_test(test_slug),
		cmocka_unit_test(test_markdown_ids_and_links), cmocka_unit_test(test_markdown_title_after_comment),
		cmocka_unit_test(test_markdown_title_after_badges),
		cmocka_unit_test(test_markdown_gfm),
		cmocka_unit_test(test_front_matter),  cmocka_unit_test(test_front_matter_broken),
		cmocka_unit_test(test_config),        cmocka_unit_test(test_time),
		cmocka_unit_test(test_suggest),      cmocka_unit_test(test_diag_text_escapes_control_bytes),
		cmocka_unit_test(test_lfs_pointer),
		cmocka_unit_test(test_cli_parse_size), cmocka_unit_test(test_replace_at),
		cmocka_unit_test(test_map_reserve),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
