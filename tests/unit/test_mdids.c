/* test_mdids.c - heading ids as MkDocs publishes them (mdids.h, and md_render with md_opts_t.ids).
 *
 * Every expected id here is what Python-Markdown's toc (3.10; Debian 12's 3.4 too, but for white
 * space and entities, below) and pymdown-extensions 9.5 (pymdownx.slugs) give for the same text;
 * tests/integration/test_heading_ids.py compares whole sites with the real mkdocs, every code
 * point included. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "diag.h"
#include "markdown.h"
#include "mdids.h"
#include "testhelp.h"
#include "yamlval.h"

static const mdids_t toc_default = {.style = MDIDS_TOC};

static void test_toc_slugify(void **st)
{
	(void)st;
	mdids_t under = {.style = MDIDS_TOC, .sep = '_'};
	struct { const char *in, *dash, *underscore; } cases[] = {
		{"Punctuation: a/b (c) \xe2\x80\x94 d's \"e\"!", "punctuation-ab-c-ds-e", "punctuation_ab_c_ds_e"},
		{"Caf\xc3\xa9 \xc3\xbc" "ber", "cafe-uber", "cafe_uber"},         /* NFKD, accents dropped */
		{"Deploy \xf0\x9f\x9a\x80 now", "deploy-now", "deploy_now"},      /* an emoji is dropped */
		{"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", "", ""},                  /* CJK: nothing ASCII is left */
		{"  spaces   -  dash --- x  ", "spaces-dash-x", "spaces_-_dash_---_x"},
		{"foo_bar-baz", "foo_bar-baz", "foo_bar-baz"},
		{"\xef\xac\x81le \xe2\x91\xa0 \xc2\xb2 \xef\xbd\x86\xef\xbd\x95\xef\xbd\x8c\xef\xbd\x8c", "file-1-2-full",
		 "file_1_2_full"}, /* compatibility forms: the ligature, circled and superscript digits, full width */
		{"Klaus \xc3\x84rger \xc4\xb0stanbul \xc3\x9f", "klaus-arger-istanbul", "klaus_arger_istanbul"},
		{"Tab\there", "tab-here", "tab_here"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		assert_owned_string_equal(mdids_slug(&toc_default, cases[i].in), cases[i].dash);
		assert_owned_string_equal(mdids_slug(&under, cases[i].in), cases[i].underscore);
	}
}

static void test_unicode_and_pymdownx_slugify(void **st)
{
	(void)st;
	mdids_t uni = {.style = MDIDS_TOC, .fn = MDIDS_SLUGIFY_UNICODE};
	mdids_t usl = {.style = MDIDS_TOC, .fn = MDIDS_PYMDOWNX, .pcase = MDIDS_CASE_LOWER};
	mdids_t gfm = {.style = MDIDS_TOC, .fn = MDIDS_PYMDOWNX, .pcase = MDIDS_CASE_LOWER_ASCII};
	mdids_t fold = {.style = MDIDS_TOC, .fn = MDIDS_PYMDOWNX, .pcase = MDIDS_CASE_FOLD, .percent = 1};
	mdids_t nfd = {.style = MDIDS_TOC, .fn = MDIDS_PYMDOWNX, .pcase = MDIDS_CASE_LOWER, .norm = MDIDS_NFD};
	const char *text = "Klaus \xc3\x84rger \xc4\xb0stanbul \xc3\x9f";
	/* toc.slugify_unicode: str.lower() maps I WITH DOT ABOVE to i + COMBINING DOT ABOVE */
	assert_owned_string_equal(mdids_slug(&uni, text), "klaus-\xc3\xa4rger-i\xcc\x87stanbul-\xc3\x9f");
	assert_owned_string_equal(mdids_slug(&usl, text), "klaus-\xc3\xa4rger-istanbul-\xc3\x9f");
	assert_owned_string_equal(mdids_slug(&gfm, text), "klaus-\xc3\x84rger-\xc4\xb0stanbul-\xc3\x9f");
	assert_owned_string_equal(mdids_slug(&fold, text), "klaus-%C3%A4rger-istanbul-ss");
	/* NFD: the accent becomes a combining mark, which is not a word character */
	assert_owned_string_equal(mdids_slug(&nfd, "Caf\xc3\xa9 \xc3\xbc" "ber"), "cafe-uber");
	/* pymdownx: each space one separator, punctuation dropped, tags cut; toc gives it the text with
	 * each run of white space one space since Python-Markdown 3.6 (3.4: "spaces------dash-----x",
	 * "tabhere") */
	assert_owned_string_equal(mdids_slug(&usl, "  spaces   -  dash --- x  "), "spaces---dash-----x");
	assert_owned_string_equal(mdids_slug(&usl, "Tab\there"), "tab-here");
	assert_owned_string_equal(mdids_slug(&usl, "a <b>c</b> d"), "a-c-d");
	assert_owned_string_equal(mdids_slug(&toc_default, "a <b>c</b> d"), "a-bcb-d");
	/* final sigma: str.lower() looks at the word */
	assert_owned_string_equal(mdids_slug(&uni, "\xce\x8c\xce\xa3\xce\x9f\xce\xa3 test"),
				  "\xcf\x8c\xcf\x83\xce\xbf\xcf\x82-test");
	assert_owned_string_equal(mdids_slug(&fold, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"), "%E6%97%A5%E6%9C%AC%E8%AA%9E");
}

static void test_unique(void **st)
{
	(void)st;
	mdids_set_t s = MDIDS_SET_INIT;
	const char *in[] = {"a", "a", "a_1", "", "", "_1", "x_9", "x_9", "x_10", "b_007", "b_007"};
	const char *want[] = {"a", "a_1", "a_2", "_1", "_2", "_3", "x_9", "x_10", "x_11", "b_007", "b_8"};
	for (size_t i = 0; i < sizeof in / sizeof *in; i++)
		assert_owned_string_equal(mdids_unique(&s, in[i]), want[i]);
	mdids_set_free(&s);

	/* an id given with attr_list is taken first: the heading whose slug it is counts on */
	mdids_set_t t = MDIDS_SET_INIT;
	mdids_take(&t, "later");
	assert_owned_string_equal(mdids_unique(&t, "later"), "later_1");
	assert_owned_string_equal(mdids_unique(&t, "later"), "later_2");
	/* a number too long for a machine word counts on as text */
	assert_owned_string_equal(mdids_unique(&t, "n_99999999999999999999"), "n_99999999999999999999");
	assert_owned_string_equal(mdids_unique(&t, "n_99999999999999999999"), "n_100000000000000000000");
	mdids_set_free(&t);

	/* ten thousand headings "Step": step, step_1, ..., step_9999, and the walk stays short (each
	 * would otherwise look at every earlier one) */
	mdids_set_t u = MDIDS_SET_INIT;
	for (int i = 0; i < 10000; i++) {
		char want_id[32];
		if (i)
			snprintf(want_id, sizeof want_id, "step_%d", i);
		else
			snprintf(want_id, sizeof want_id, "step");
		assert_owned_string_equal(mdids_unique(&u, "step"), want_id);
	}
	assert_owned_string_equal(mdids_unique(&u, "step_5"), "step_10000");
	mdids_set_free(&u);
}

static void test_attr_list(void **st)
{
	(void)st;
	struct { const char *in; int found; size_t cut; const char *id; } cases[] = {
		{"Heading {#my-id}", 1, 7, "my-id"},
		{"Heading {: #my-id .cls }", 1, 7, "my-id"},
		{"Cls only {.x}", 1, 8, NULL},
		{"Key {id=kv title=\"a b\"}", 1, 3, "kv"},
		{"Two {#a #b}", 1, 3, "b"},               /* the last id wins */
		{"Quoted {id='q r'}", 1, 6, "q r"},
		{"C# {.lang}", 1, 1, NULL},              /* attr_list trims the '#'s before the list */
		{"Word {foo}", 1, 4, NULL},              /* any word is an attribute */
		{"Colon {:}", 1, 5, NULL},
		{"Glued{#x}", 0, 0, NULL},               /* a space must come before '{' */
		{"Empty {}", 0, 0, NULL},
		{"Space { }", 0, 0, NULL},
		{"Not last {#x} here", 0, 0, NULL},
		{"a {x {#id}", 1, 1, NULL},              /* the leftmost '{': "x {#id" is its text */
		{"a {b} {#c}", 1, 5, "c"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		size_t cut = 999;
		char *id = NULL;
		int found = mdids_attr_list(cases[i].in, &cut, &id);
		assert_int_equal(found, cases[i].found);
		if (!found)
			continue;
		assert_int_equal(cut, cases[i].cut);
		if (cases[i].id) {
			assert_non_null(id);
			assert_string_equal(id, cases[i].id);
		} else {
			assert_null(id);
		}
		free(id);
	}
}

/* mkdocs.yml's markdown_extensions: as MkDocs reads them, with the Python tags kept. */
static mdids_t from_mkdocs(const char *yml, diag_list_t *d)
{
	val_t *v = NULL;
	assert_int_equal(yamlval_parse_opts(&v, yml, strlen(yml), "mkdocs.yml", 0, YAMLVAL_PYTHON_TAGS, d), 0);
	mdids_t ids;
	mdids_mkdocs(&ids, v, "mkdocs.yml", d);
	val_free(v);
	return ids;
}

static void test_mkdocs_config(void **st)
{
	(void)st;
	diag_list_t d;
	diag_init(&d);
	mdids_t ids = from_mkdocs("site_name: S\n", &d);
	assert_int_equal(ids.style, MDIDS_TOC);
	assert_int_equal(ids.fn, MDIDS_SLUGIFY);
	assert_int_equal(ids.attr_list, 0); /* MkDocs' own extensions are toc, tables, fenced_code */

	ids = from_mkdocs("markdown_extensions:\n  - attr_list\n  - toc:\n      permalink: true\n"
			  "      separator: _\n      slugify: !!python/name:pymdownx.slugs.uslugify\n", &d);
	assert_int_equal(ids.attr_list, 1);
	assert_int_equal(ids.sep, '_');
	assert_int_equal(ids.fn, MDIDS_PYMDOWNX);
	assert_int_equal(ids.pcase, MDIDS_CASE_LOWER);

	ids = from_mkdocs("markdown_extensions:\n  - markdown.extensions.extra\n  - markdown.extensions.toc:\n"
			  "      slugify: !!python/object/apply:pymdownx.slugs.slugify\n"
			  "        kwds: {case: fold, normalize: NFKD, percent_encode: true}\n", &d);
	assert_int_equal(ids.attr_list, 1);
	assert_int_equal(ids.fn, MDIDS_PYMDOWNX);
	assert_int_equal(ids.pcase, MDIDS_CASE_FOLD);
	assert_int_equal(ids.norm, MDIDS_NFKD);
	assert_int_equal(ids.percent, 1);

	ids = from_mkdocs("markdown_extensions:\n  pymdownx.extra: {}\n  toc:\n"
			  "    slugify: !!python/name:markdown.extensions.toc.slugify_unicode\n", &d);
	assert_int_equal(ids.attr_list, 1);
	assert_int_equal(ids.fn, MDIDS_SLUGIFY_UNICODE);
	/* Backstage TechDocs: its plugin adds pymdownx.extra */
	ids = from_mkdocs("site_name: S\nplugins:\n  - techdocs-core\n", &d);
	assert_int_equal(ids.attr_list, 1);
	ids = from_mkdocs("site_name: S\nplugins:\n  - search\n", &d);
	assert_int_equal(ids.attr_list, 0);
	assert_int_equal(d.len, 0);

	/* what Almanac does not follow: a warning at the value, and the default */
	ids = from_mkdocs("markdown_extensions:\n  - toc:\n      separator: '--'\n"
			  "      slugify: !!python/name:my_site.slugs.custom\n", &d);
	assert_int_equal(ids.fn, MDIDS_SLUGIFY);
	assert_int_equal(ids.sep, 0);
	assert_int_equal(d.len, 2);
	assert_string_equal(d.items[0].code, "layout");
	assert_int_equal(d.items[0].line, 3);
	assert_non_null(strstr(d.items[0].message, "separator '--'"));
	assert_int_equal(d.items[1].line, 4);
	assert_non_null(strstr(d.items[1].message, "'python/name:my_site.slugs.custom'"));
	ids = from_mkdocs("markdown_extensions:\n  - toc:\n      slugify: !!python/object/apply:pymdownx.slugs.slugify\n"
			  "        kwds: {case: upper}\n", &d);
	assert_int_equal(ids.fn, MDIDS_SLUGIFY);
	assert_int_equal(d.len, 3);
	assert_int_equal(d.items[2].line, 4);
	diag_free(&d);

	/* each setting is its own cache key */
	mdids_t a = {.style = MDIDS_TOC}, b = {.style = MDIDS_TOC, .attr_list = 1}, c = {.style = MDIDS_TOC, .sep = '_'},
		g = {0};
	assert_int_not_equal(mdids_key(&a), mdids_key(&b));
	assert_int_not_equal(mdids_key(&a), mdids_key(&c));
	assert_int_equal(mdids_key(&g), 0);
	assert_true(mdids_key(&c) < (1u << 24));
}

static void render(md_doc_t *doc, const char *md, mdids_t ids)
{
	md_opts_t o = {.strip_h1 = 1, .ids = ids};
	assert_int_equal(md_render(doc, md, strlen(md), &o), 0);
}

static void test_render_toc_ids(void **st)
{
	(void)st;
	mdids_t attr = {.style = MDIDS_TOC, .attr_list = 1};
	const char *md = "# Title\n\n## Title\n\n## `code` and *em* ![logo](l.png)\n\n## A &amp; B\n\n"
			 "## Later\n\n## Explicit {#later}\n\n## a_1\n\n## A\n\n## A\n\n## \xe6\x97\xa5\xe6\x9c\xac\n\n"
			 "## Odd {#a\"b}\n\n## my_id {#my_id}\n";
	md_doc_t doc;
	render(&doc, md, attr);
	const char *want[] = {"title_1", "code-and-em", "a-b", "later_1", "later", "a_1", "a", "a_2", "_1", "a\"b",
			      "my_id"};
	assert_int_equal(doc.nheadings, sizeof want / sizeof *want);
	for (size_t i = 0; i < doc.nheadings; i++)
		assert_string_equal(doc.headings[i].id, want[i]);
	/* the title H1 is not shown, but MkDocs gave it "title": an anchor of the page */
	assert_int_equal(doc.nhtml_ids, 1);
	assert_string_equal(doc.html_ids[0], "title");
	assert_string_equal(doc.headings[4].text, "Explicit");
	assert_string_equal(doc.headings[2].text, "A & B");
	assert_non_null(strstr(doc.html, "id=\"a&quot;b\" href=\"#a&quot;b\""));
	assert_string_equal(doc.sections[1].anchor, "title_1"); /* search results link to the same ids */
	md_doc_free(&doc);

	/* entities are decoded (Python-Markdown 3.6 and later; 3.4 dropped them: "caf"), a footnote mark
	 * is left out */
	render(&doc, "## Caf&eacute; &lt;tag&gt; &#65;\n\n## x[^1]\n\n[^1]: note\n", toc_default);
	assert_string_equal(doc.headings[0].id, "cafe-tag-a");
	assert_string_equal(doc.headings[1].id, "x");
	md_doc_free(&doc);

	/* without attr_list, "{#later}" is text, as MkDocs shows it */
	render(&doc, "## Explicit {#later}\n\n## C# {.x}\n", toc_default);
	assert_string_equal(doc.headings[0].id, "explicit-later");
	assert_string_equal(doc.headings[0].text, "Explicit {#later}");
	assert_string_equal(doc.headings[1].id, "c-x");
	md_doc_free(&doc);
	render(&doc, "## C# {.x}\n", attr);
	assert_string_equal(doc.headings[0].id, "c");
	md_doc_free(&doc);

	/* GitHub's rules stay the default */
	render(&doc, "# Title\n\n## Title\n\n## A & B\n", (mdids_t){0});
	assert_string_equal(doc.headings[0].id, "title");
	assert_string_equal(doc.headings[1].id, "a--b");
	assert_int_equal(doc.nhtml_ids, 0);
	md_doc_free(&doc);
}

/* With attr_list on, a heading's attribute list is applied: no "shows as written" warning for it
 * (a paragraph's still gets one). */
static void test_render_attr_list_warning(void **st)
{
	(void)st;
	diag_list_t d;
	diag_init(&d);
	mdids_t attr = {.style = MDIDS_TOC, .attr_list = 1};
	md_opts_t o = {.ids = attr, .diags = &d, .path = "p.md"};
	md_doc_t doc;
	const char *md = "## Setup {.wide}\n\nText.\n";
	md_render(&doc, md, strlen(md), &o);
	md_doc_free(&doc);
	assert_int_equal(d.len, 0);
	const char *para = "## Setup {.wide}\n\nA paragraph { .note }\n";
	md_render(&doc, para, strlen(para), &o);
	md_doc_free(&doc);
	assert_int_equal(d.len, 1);
	assert_int_equal(d.items[0].line, 3);
	diag_free(&d);
}

int main(void)
{
	md_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_toc_slugify),   cmocka_unit_test(test_unicode_and_pymdownx_slugify),
		cmocka_unit_test(test_unique),        cmocka_unit_test(test_attr_list),
		cmocka_unit_test(test_mkdocs_config), cmocka_unit_test(test_render_toc_ids),
		cmocka_unit_test(test_render_attr_list_warning),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
