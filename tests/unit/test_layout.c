/* test_layout.c - the layouts' URL rules (layout.h), the TOML reader (toml.h), the output
 * precedence table (outpaths.h), Hugo shortcodes (layout_hugo.h), Tech Docs' ERB and review keys
 * (layout_techdocs.h) and natural order (nav.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "layout.h"
#include "layout_hugo.h"
#include "layout_techdocs.h"
#include "nav.h"
#include "outpaths.h"
#include "testhelp.h"
#include "toml.h"

/* ---- Hugo's MakePath, checked against what hugo 0.111 published for the same names ---- */
static void test_hugo_sanitize(void **state)
{
	(void)state;
	assert_owned_string_equal(layout_hugo_sanitize("Runbooks/K8s/KubePodCrashLooping", 1),
				  "runbooks/k8s/kubepodcrashlooping");
	assert_owned_string_equal(layout_hugo_sanitize("My Folder/Some Page", 1), "my-folder/some-page");
	assert_owned_string_equal(layout_hugo_sanitize("docs/\xc3\xbcmlaut & co!", 1), "docs/\xc3\xbcmlaut-co");
	assert_owned_string_equal(layout_hugo_sanitize("docs/x.y", 1), "docs/x.y");
	assert_owned_string_equal(layout_hugo_sanitize("a - b", 0), "a-b");
	assert_owned_string_equal(layout_hugo_sanitize("docs/ a - b  c", 1), "docs/-a-b-c");
	assert_owned_string_equal(layout_hugo_sanitize("Runbook \xe2\x80\x93 (v2)", 1), "runbook-v2");
	assert_owned_string_equal(layout_hugo_sanitize("  lead and trail  ", 0), "lead-and-trail");
	assert_owned_string_equal(layout_hugo_sanitize("Keep_Case~+@#", 0), "Keep_Case~+@#");
	assert_owned_string_equal(layout_hugo_sanitize("\xc3\x9c" "BER", 1), "\xc3\xbc" "ber");
	assert_owned_string_equal(layout_hugo_sanitize("100%25 sure (x)", 1), "100%25-sure-x");
}

static void layout_of(layout_t *l, layout_kind k, const char *root)
{
	memset(l, 0, sizeof *l);
	l->kind = k;
	l->root = xstrdup(root);
	l->lower = k == LAYOUT_HUGO;
	layout_set_home(l, k == LAYOUT_PLAIN ? "content" : NULL);
}

static void test_urls_by_layout(void **state)
{
	(void)state;
	layout_t l;
	layout_of(&l, LAYOUT_PLAIN, "");
	assert_owned_string_equal(layout_path_url(&l, "content/index.md"), "");
	assert_owned_string_equal(layout_path_url(&l, "content/guides/x.md"), "content/guides/x/");
	assert_owned_string_equal(layout_path_url(&l, "runbooks/README.md"), "runbooks/");
	assert_owned_string_equal(layout_path_url(&l, "docs/a.html.md"), "docs/a.html/");
	assert_int_equal(layout_is_index(&l, "a/_index.md"), 0);
	layout_free(&l);

	layout_of(&l, LAYOUT_HUGO, "content");
	assert_owned_string_equal(layout_path_url(&l, "content/_index.md"), "");
	assert_owned_string_equal(layout_path_url(&l, "content/Runbooks/_index.md"), "runbooks/");
	assert_owned_string_equal(layout_path_url(&l, "content/Runbooks/Bundle/index.md"), "runbooks/bundle/");
	assert_owned_string_equal(layout_path_url(&l, "content/Runbooks/README.md"), "runbooks/readme/");
	assert_owned_string_equal(layout_asset_out(&l, "content/My Docs/Diagram.PNG"), "my-docs/Diagram.PNG");
	assert_owned_string_equal(layout_dir_url(&l, "content"), "");
	/* front matter: slug replaces the file name, url the whole path; a url ending in .html is a file */
	val_t *fm = val_map();
	val_map_set_str(fm, "slug", "No Leader");
	assert_owned_string_equal(layout_page_url(&l, "content/etcd/etcdNoLeader.md", fm, NULL), "etcd/no-leader/");
	val_map_set_str(fm, "url", "/Custom/Path");
	assert_owned_string_equal(layout_page_url(&l, "content/etcd/etcdNoLeader.md", fm, NULL), "Custom/Path/");
	val_map_set_str(fm, "url", "legacy/old.html");
	char *file = NULL;
	assert_owned_string_equal(layout_page_url(&l, "content/etcd/etcdNoLeader.md", fm, &file), "legacy/old/");
	assert_string_equal(file, "legacy/old.html");
	free(file);
	val_free(fm);
	/* Hugo aliases: root-relative, or relative to the page's parent; case kept */
	const char *why;
	assert_owned_string_equal(layout_alias_url(&l, "runbooks/k8s/crash/", "/Old/Crash/", &why), "Old/Crash/");
	assert_owned_string_equal(layout_alias_url(&l, "runbooks/k8s/crash/", "legacy", &why), "runbooks/k8s/legacy/");
	assert_owned_string_equal(layout_alias_url(&l, "runbooks/k8s/crash/", "../up.html", &why), "runbooks/up.html");
	assert_null(layout_alias_url(&l, "runbooks/k8s/crash/", "../../../../x", &why));
	assert_string_equal(why, "outside");
	assert_null(layout_alias_url(&l, "a/", "javascript:alert(1)", &why));
	assert_string_equal(why, "invalid");
	layout_free(&l);

	layout_of(&l, LAYOUT_MKDOCS, "docs");
	assert_owned_string_equal(layout_path_url(&l, "docs/My Dir/README.md"), "My Dir/");
	assert_owned_string_equal(layout_path_url(&l, "docs/My Dir/a b.md"), "My Dir/a b/");
	/* Almanac's aliases: a repository path of an old page, or a site path */
	assert_owned_string_equal(layout_alias_url(&l, "x/", "docs/old/page.md", &why), "old/page/");
	assert_owned_string_equal(layout_alias_url(&l, "x/", "/old/page", &why), "old/page/");
	assert_owned_string_equal(layout_alias_url(&l, "x/", "old/page.htm", &why), "old/page.htm");
	l.ugly = 1; /* use_directory_urls: false */
	char **extra;
	size_t n = layout_page_extra_urls(&l, "docs/a/b.md", "a/b/", NULL, &extra);
	assert_int_equal(n, 1);
	assert_string_equal(extra[0], "a/b.html");
	free(extra[0]);
	free(extra);
	assert_int_equal(layout_page_extra_urls(&l, "docs/a/index.md", "a/", NULL, &extra), 0);
	layout_free(&l);
}

static void test_toml(void **state)
{
	(void)state;
	const char *text = "# a Hugo config\n"
			   "baseURL = 'https://x.example/'\n"
			   "title = \"Ops \\\"Runbooks\\\" \\u00e9\"\n"
			   "weight = 1_000\n"
			   "ratio = 0.5\n"
			   "draft = false\n"
			   "date = 1979-05-27 07:32:00Z\n"
			   "aliases = [\n  \"/a/\", # old\n  '/b/',\n]\n"
			   "inline = { x = 1, y.z = \"w\" }\n"
			   "ml = \"\"\"\nline one \\\n   continued\"\"\"\n"
			   "[params]\n  repo = \"https://git.example/r\"\n"
			   "[params.deep]\nkey = true\n"
			   "[[menu.main]]\nname = \"One\"\n[[menu.main]]\nname = \"Two\"\n";
	diag_list_t d;
	diag_init(&d);
	val_t *v = NULL;
	assert_int_equal(toml_parse(&v, text, strlen(text), "hugo.toml", 0, &d), 0);
	assert_int_equal(d.len, 0);
	assert_string_equal(val_as_str(val_map_get(v, "title")), "Ops \"Runbooks\" \xc3\xa9");
	assert_true(val_map_get(v, "weight")->num == 1000);
	assert_true(val_map_get(v, "ratio")->num == 0.5);
	assert_int_equal(val_map_get(v, "draft")->type, VAL_BOOL);
	assert_string_equal(val_as_str(val_map_get(v, "date")), "1979-05-27 07:32:00Z");
	assert_int_equal(val_map_get(v, "aliases")->len, 2);
	assert_string_equal(val_as_str(val_list_at(val_map_get(v, "aliases"), 1)), "/b/");
	assert_string_equal(val_as_str(val_map_get(val_map_get(val_map_get(v, "inline"), "y"), "z")), "w");
	assert_string_equal(val_as_str(val_map_get(v, "ml")), "line one continued");
	assert_string_equal(layout_hugo_param(val_map_get(v, "params"), "Repo"), "https://git.example/r");
	assert_int_equal(val_map_get(val_map_get(val_map_get(v, "params"), "deep"), "key")->b, 1);
	assert_int_equal(val_map_get(val_map_get(v, "menu"), "main")->len, 2);
	assert_int_equal(val_map_get(v, "title")->line, 3);
	val_free(v);
	/* errors: one diagnostic at the place, nothing returned */
	static const struct {
		const char *text;
		int line, col;
	} bad[] = {
		{"a = 1\na = 2\n", 2, 6},
		{"title = \"open\n", 1, 14},
		{"x = [1, 2\n", 2, 1},
		{"x = nope\n", 1, 9},
		{"[table\nx = 1\n", 1, 7},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		diag_free(&d);
		diag_init(&d);
		val_t *w = NULL;
		assert_int_equal(toml_parse(&w, bad[i].text, strlen(bad[i].text), "f.toml", 0, &d), -1);
		assert_null(w);
		assert_int_equal(d.len, 1);
		assert_int_equal(d.items[0].line, bad[i].line);
		assert_int_equal(d.items[0].col, bad[i].col);
	}
	/* nesting is bounded */
	char deep[400];
	memset(deep, '[', sizeof deep - 1);
	deep[0] = 'x';
	deep[1] = '=';
	deep[sizeof deep - 1] = '\0';
	diag_free(&d);
	diag_init(&d);
	val_t *w = NULL;
	assert_int_equal(toml_parse(&w, deep, strlen(deep), "f.toml", 0, &d), -1);
	diag_free(&d);
}

static void test_output_precedence(void **state)
{
	(void)state;
	outp_t t;
	outp_init(&t);
	long page = outp_claim(&t, "docs/tutorials/", 0, OUTP_PAGE, 0, 0, NULL);
	long file = outp_claim(&t, "docs/img.png", 0, OUTP_FILE, 0, -1, NULL);
	/* the same file, a folder where a file is, a file where a folder is, and a whole folder */
	long section = outp_claim(&t, "docs/tutorials/", 0, OUTP_SECTION, -1, -1, "s");
	long rename = outp_claim(&t, "docs/tutorials/index.html/", 0, OUTP_RENAME, 0, 0, NULL);
	long under_file = outp_claim(&t, "docs/img.png/", 0, OUTP_ALIAS, 1, 1, NULL);
	long over_dir = outp_claim(&t, "docs", 0, OUTP_COMPAT, 1, 1, NULL);
	long search = outp_claim(&t, "search/t/", 1, OUTP_SITE, -1, -1, "index");
	long in_search = outp_claim(&t, "search/t/0/", 0, OUTP_ALIAS, 1, 1, NULL);
	long free_one = outp_claim(&t, "docs/other.html", 0, OUTP_COMPAT, 1, 1, NULL);
	assert_int_equal(t.claims[page].winner, -1);
	assert_int_equal(t.claims[file].winner, -1);
	assert_int_equal(t.claims[section].winner, page);
	assert_int_equal(t.claims[rename].winner, page);
	assert_int_equal(t.claims[under_file].winner, file);
	assert_int_equal(t.claims[over_dir].winner, page);
	assert_int_equal(t.claims[search].winner, -1);
	assert_int_equal(t.claims[in_search].winner, search);
	assert_int_equal(t.claims[free_one].winner, -1);
	assert_string_equal(t.claims[free_one].file, "docs/other.html");
	assert_true(outp_won(&t, "docs/tutorials/index.html", OUTP_PAGE));
	assert_false(outp_won(&t, "docs/tutorials/index.html", OUTP_SECTION));
	assert_true(outp_won(&t, "search/t", OUTP_SITE));
	assert_owned_string_equal(outp_file_of(""), "index.html");
	assert_owned_string_equal(outp_file_of("a/b.html"), "a/b.html");
	outp_free(&t);
}

static void test_shortcodes_keep_positions(void **state)
{
	(void)state;
	const char *body = "See [a]({{< ref \"x.md#y\" >}}) and {{< vimeo info >}}\ntext {{% gist %}} [b](c.md)\n"
			   "{{< hint danger >}}\n"; /* a callout (shortcodes.h): left in place */
	layout_shortcode_t *u;
	size_t nu;
	val_t *params = val_map();
	char *out = layout_hugo_shortcodes(body, strlen(body), 5, params, &u, &nu);
	assert_non_null(out);
	assert_int_equal(strlen(out), strlen(body));
	assert_true(strstr(out, "[a](" LAYOUT_HUGO_REF "x.md%23y") == NULL); /* '#' is kept for the fragment */
	assert_non_null(strstr(out, "[a](" LAYOUT_HUGO_REF "x.md#y|"));
	/* the later link is where it was */
	assert_int_equal(strstr(out, "[b](c.md)") - out, strstr(body, "[b](c.md)") - body);
	assert_int_equal(nu, 2);
	assert_string_equal(u[0].name, "vimeo");
	assert_int_equal(u[0].line, 5);
	assert_int_equal(u[0].col, 35);
	assert_string_equal(u[1].name, "gist");
	assert_int_equal(u[1].line, 6);
	assert_int_equal(u[1].col, 6);
	assert_non_null(strstr(out, "\n{{< hint danger >}}\n"));
	layout_shortcodes_free(u, nu);
	free(out);
	assert_null(layout_hugo_shortcodes("no shortcode {here}", 19, 1, params, &u, &nu));
	val_free(params);
}

/* ---- Tech Docs: page names, ERB and review keys ---- */
static void test_techdocs(void **state)
{
	(void)state;
	layout_t l;
	layout_of(&l, LAYOUT_TECHDOCS, "source");
	assert_owned_string_equal(layout_path_url(&l, "source/index.html.md.erb"), "");
	assert_owned_string_equal(layout_path_url(&l, "source/manual/index.html.md"), "manual/");
	assert_owned_string_equal(layout_path_url(&l, "source/manual/x.html.md"), "manual/x/");
	assert_owned_string_equal(layout_path_url(&l, "source/manual/x.html.md.erb"), "manual/x/");
	assert_owned_string_equal(layout_path_url(&l, "source/manual/y.md"), "manual/y/");
	assert_owned_string_equal(layout_path_url(&l, "source/manual/index.md.erb"), "manual/");
	assert_int_equal(layout_is_page(&l, "source/a.html.md.erb"), 1);
	assert_int_equal(layout_is_page(&l, "source/layouts/core.erb"), 0);
	assert_int_equal(layout_is_index(&l, "source/a/myindex.html.md"), 0);
	l.ugly = 1;
	char **extra;
	assert_int_equal(layout_page_extra_urls(&l, "source/manual/x.html.md", "manual/x/", NULL, &extra), 1);
	assert_string_equal(extra[0], "manual/x.html");
	free(extra[0]);
	free(extra);
	layout_free(&l);

	/* ERB: same length, line ends kept, the first tag's place in characters, <%% is text */
	const char *body = "Hello \xc3\xa9 <%= partial \"x\" %> and <%# a\ncomment %> <%% literal\n<% if y %>z<% end";
	size_t n;
	int line, col;
	char *out = layout_techdocs_erb(body, strlen(body), 7, &n, &line, &col);
	assert_non_null(out);
	assert_int_equal(strlen(out), strlen(body));
	assert_int_equal(n, 4);
	assert_int_equal(line, 7);
	assert_int_equal(col, 9);
	assert_null(strstr(out, "partial"));
	assert_null(strstr(out, "comment"));
	assert_non_null(strstr(out, "<%% literal\n"));
	assert_non_null(strstr(out, "\xc3\xa9 "));
	assert_int_equal(strchr(out, '\n') - out, strchr(body, '\n') - body);
	assert_non_null(strstr(out, "z")); /* the unclosed last tag is blank to the end */
	assert_null(strstr(out, "end"));
	free(out);
	assert_null(layout_techdocs_erb("100% <b>", 8, 1, &n, &line, &col));

	/* review keys onto Almanac's; an Almanac key of its own wins */
	static const struct {
		const char *in;
		int days;
	} periods[] = {/* calendar months from 2026-09-01: to 2027-03-01, 2027-09-01, 2026-10-01 */
		       {"6 months", 181}, {"1 year", 365}, {"1 month", 30}, {"18 Months", 547},
		       {"3 weeks", 21}, {"90 days", 90}, {"6m", 180}, {"soon", -1}, {"0 months", -1},
		       {"6 fortnights", -1}, {"200 years", -1}};
	for (size_t i = 0; i < sizeof periods / sizeof *periods; i++) {
		fm_t fm;
		diag_list_t d;
		diag_init(&d);
		char *text = xasprintf("---\nreview_in: %s\nlast_reviewed_on: 2026-09-01\nowner_slack: \"#ops\"\n---\n",
				       periods[i].in);
		size_t off;
		int bl;
		fm_opts_t o = {.foreign_type = 1, .map = layout_techdocs_front_matter};
		int rc = fm_parse_ex(&fm, text, strlen(text), "p.html.md", &off, &bl, &d, &o);
		assert_int_equal(rc, periods[i].days < 0 ? -1 : 0);
		assert_int_equal(fm.review_interval, periods[i].days < 0 ? 0 : periods[i].days);
		assert_int_equal(fm.reviewed, 1788220800); /* 2026-09-01T00:00:00Z */
		assert_int_equal(fm.review_dated, 1);
		assert_string_equal(fm.owner, "#ops");
		fm_free(&fm);
		diag_free(&d);
		free(text);
	}
	/* the last day of a shorter month: 2026-08-31 + 6 months is 2027-02-28 */
	{
		const char *t = "---\nlast_reviewed_on: 2026-08-31\nreview_in: 6 months\n---\n";
		fm_t f;
		diag_list_t dd;
		diag_init(&dd);
		size_t o2;
		int b2;
		fm_opts_t oo = {.map = layout_techdocs_front_matter};
		assert_int_equal(fm_parse_ex(&f, t, strlen(t), "p.html.md", &o2, &b2, &dd, &oo), 0);
		assert_int_equal(f.review_interval, 181);
		fm_free(&f);
		diag_free(&dd);
	}
	const char *own = "---\nowner: ops\nowner_slack: \"#x\"\nreviewed: 2026-10-01\nlast_reviewed_on: nonsense\n"
			  "type: learn\n---\n";
	fm_t fm;
	diag_list_t d;
	diag_init(&d);
	size_t off;
	int bl;
	fm_opts_t o = {.foreign_type = 1, .map = layout_techdocs_front_matter};
	assert_int_equal(fm_parse_ex(&fm, own, strlen(own), "p.html.md", &off, &bl, &d, &o), 0);
	assert_string_equal(fm.owner, "ops");
	assert_int_equal(fm.reviewed, 1790812800); /* 2026-10-01 */
	assert_null(fm.type);
	assert_int_equal(d.len, 0);
	fm_free(&fm);
	diag_free(&d);
}

static void test_natural_order(void **state)
{
	(void)state;
	assert_true(nav_natural_cmp("Step 2", "Step 10") < 0);
	assert_true(nav_natural_cmp("step 10", "Step 9") > 0);
	assert_true(nav_natural_cmp("a", "B") < 0);
	assert_int_equal(nav_natural_cmp("page 007", "Page 7"), 0);
	assert_int_equal(nav_natural_cmp("Same", "same"), 0);
	assert_true(nav_natural_cmp("x", "x1") < 0);
}

/* ---- Hugo's static folders and the other tools' site addresses ---- */
static void test_static_folders_and_site_url(void **state)
{
	(void)state;
	layout_t l;
	layout_of(&l, LAYOUT_HUGO, "content");
	l.statics = xcalloc(3, sizeof *l.statics);
	l.statics[0] = (layout_static_t){xstrdup("static"), xstrdup("")};
	l.statics[1] = (layout_static_t){xstrdup("vendor/js"), xstrdup("js/")};
	l.statics[2] = (layout_static_t){xstrdup("static/deep"), xstrdup("deep/")};
	l.nstatic = 3;
	/* a static file keeps its name and case, at the root or under its target; the last folder holding it counts */
	assert_owned_string_equal(layout_asset_out(&l, "static/images/Arch Diagram.PNG"), "images/Arch Diagram.PNG");
	assert_owned_string_equal(layout_asset_out(&l, "vendor/js/a.js"), "js/a.js");
	assert_int_equal(layout_static_of(&l, "static/deep/x.png"), 3);
	assert_int_equal(layout_static_of(&l, "staticx/a.png"), 0);
	assert_int_equal(layout_static_of(&l, "static"), 0);
	/* a content file is not a static one, and keeps Hugo's URL rules for its folders */
	assert_int_equal(layout_static_of(&l, "content/static/a.png"), 0);
	assert_owned_string_equal(layout_asset_out(&l, "content/My Docs/A.png"), "my-docs/A.png");
	layout_free(&l);

	assert_owned_string_equal(layout_site_url("https://docs.example.org/ops/"), "https://docs.example.org/ops/");
	assert_owned_string_equal(layout_site_url("HTTP://runbooks.example.org"), "HTTP://runbooks.example.org");
	assert_null(layout_site_url("/"));
	assert_null(layout_site_url(""));
	assert_null(layout_site_url("https://"));
	assert_null(layout_site_url("https:///x"));
	assert_null(layout_site_url("ftp://example.org/"));
	assert_null(layout_site_url("https://example.org/\"><script>"));
	assert_null(layout_site_url("https://example.org/a b"));
	assert_null(layout_site_url(NULL));
	/* quick-start placeholders and local servers are not the site's address */
	assert_null(layout_site_url("https://example.org/"));
	assert_null(layout_site_url("https://WWW.Example.com"));
	assert_null(layout_site_url("http://localhost:1313/"));
	assert_null(layout_site_url("http://127.0.0.1/docs/"));
	assert_owned_string_equal(layout_site_url("https://example.org.internal/"), "https://example.org.internal/");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hugo_sanitize),   cmocka_unit_test(test_urls_by_layout),
		cmocka_unit_test(test_toml),            cmocka_unit_test(test_output_precedence),
		cmocka_unit_test(test_shortcodes_keep_positions), cmocka_unit_test(test_natural_order),
		cmocka_unit_test(test_static_folders_and_site_url),
		cmocka_unit_test(test_techdocs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
