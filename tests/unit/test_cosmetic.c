/* test_cosmetic.c - the canonical rendered text of a page (gen/cosmetic.h):
 * what freshness.count: content treats as a cosmetic edit and what it treats
 * as a change. Each case is two versions of a page (with their paths); the
 * test asserts whether their canonical texts are equal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cosmetic.h"
#include "markdown.h"

typedef struct {
	const char *why;
	const char *path_a, *a;
	const char *path_b, *b;
} pair_t;

static int same(const pair_t *p)
{
	size_t la, lb;
	char *ca = cosmetic_canon(p->path_a, p->a, strlen(p->a), &la);
	char *cb = cosmetic_canon(p->path_b, p->b, strlen(p->b), &lb);
	int eq = la == lb && memcmp(ca, cb, la) == 0;
	free(ca);
	free(cb);
	return eq;
}

#define P "runbooks/db.md"

static void test_cosmetic_edits(void **st)
{
	(void)st;
	static const pair_t cases[] = {
		{"line ends", P, "# DB\n\nStep one.\nStep two.\n", P, "# DB\r\n\r\nStep one.\r\nStep two.\r\n"},
		{"trailing blanks and blank lines", P, "# DB\n\nStep one.\n", P, "# DB   \n\n\n\nStep one.  \n\n"},
		{"final newline", P, "# DB\n\nStep one.", P, "# DB\n\nStep one.\n"},
		{"byte-order mark", P, "# DB\n", P, "\xef\xbb\xbf# DB\n"},
		{"reflowed paragraph", P, "Drain the consumers, then restart the workers and watch the rate.\n", P,
		 "Drain the consumers,\nthen restart the workers\nand watch    the rate.\n"},
		{"list markers", P, "* a\n* b\n", P, "- a\n- b\n"},
		{"ordered list delimiter", P, "1. a\n2. b\n", P, "1) a\n2) b\n"},
		{"list renumbered", P, "1. a\n2. b\n3. c\n", P, "1. a\n1. b\n1. c\n"},
		{"loose or tight list", P, "- a\n- b\n", P, "- a\n\n- b\n"},
		{"heading style", P, "# Title\n\n## Part\n", P, "Title\n=====\n\nPart\n----\n"},
		{"closed ATX heading", P, "## Part\n", P, "## Part ##\n"},
		{"emphasis spelling", P, "a *b* and **c**\n", P, "a _b_ and __c__\n"},
		{"entity", P, "Q&A\n", P, "Q&amp;A\n"},
		{"escape", P, "1 * 2\n", P, "1 \\* 2\n"},
		{"link to the same page", P, "See [x](x.md).\n", P, "See [x](./x/).\n"},
		{"link to a folder's index", P, "See [k](k8s/index.md).\n", P, "See [k](k8s/).\n"},
		{"link to README", P, "See [k](k8s/README.md).\n", P, "See [k](k8s/index.html).\n"},
		{"moved page, same target", "runbooks/db.md", "See [ops](../ops/x.md#a).\n", "db.md",
		 "See [ops](ops/x.md#a).\n"},
		{"reference link", P, "See [x](x.md).\n", P, "See [x][r].\n\n[r]: x.md\n"},
		{"front matter key order and quoting", P, "---\ntitle: DB\nowner: \"data\"\ntags: [a, b]\n---\n# DB\n",
		 P, "---\nowner: data\ntags:\n  - a\n  - b\ntitle: 'DB'\n---\n# DB\n"},
		{"table spacing", P, "| a | b |\n|---|---|\n| 1 | 2 |\n", P, "|a|b|\n|-|-|\n|1|2|\n"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		if (!same(&cases[i]))
			fail_msg("%s: should be a cosmetic edit", cases[i].why);
}

static void test_real_changes(void **st)
{
	(void)st;
	static const pair_t cases[] = {
		{"a word", P, "Drain the consumers.\n", P, "Drain the producers.\n"},
		{"a space before emphasis", P, "a *b*\n", P, "a*b*\n"},
		{"emphasis added", P, "a b\n", P, "a *b*\n"},
		{"emphasis kind", P, "a *b*\n", P, "a **b**\n"},
		{"heading level", P, "# Part\n", P, "## Part\n"},
		{"paragraph split", P, "One. Two.\n", P, "One.\n\nTwo.\n"},
		{"list reordered", P, "- a\n- b\n", P, "- b\n- a\n"},
		{"list kind", P, "- a\n- b\n", P, "1. a\n2. b\n"},
		{"list start", P, "1. a\n", P, "3. a\n"},
		{"task checked", P, "- [ ] deploy\n", P, "- [x] deploy\n"},
		{"task box added", P, "- deploy\n", P, "- [ ] deploy\n"},
		{"code white space", P, "```\nkubectl  get pods\n```\n", P, "```\nkubectl get pods\n```\n"},
		{"code language", P, "```sh\nls\n```\n", P, "```console\nls\n```\n"},
		{"hard line break", P, "a\nb\n", P, "a  \nb\n"},
		{"link to another page", P, "See [x](x.md).\n", P, "See [x](y.md).\n"},
		{"link fragment", P, "See [x](x.md#a).\n", P, "See [x](x.md#b).\n"},
		{"link text", P, "See [x](x.md).\n", P, "See [the x](x.md).\n"},
		{"moved page, relative link now elsewhere", "runbooks/db.md", "See [ops](ops/x.md).\n", "db.md",
		 "See [ops](ops/x.md).\n"},
		{"image target", P, "![a](a.png)\n", P, "![a](b.png)\n"},
		{"front matter value", P, "---\nowner: data\n---\n# DB\n", P, "---\nowner: infra\n---\n# DB\n"},
		{"front matter reviewed date", P, "---\nreviewed: 2026-01-01\n---\n# DB\n", P,
		 "---\nreviewed: 2026-06-01\n---\n# DB\n"},
		{"front matter added", P, "# DB\n", P, "---\nowner: data\n---\n# DB\n"},
		{"table alignment", P, "| a |\n|---|\n| 1 |\n", P, "| a |\n|--:|\n| 1 |\n"},
		{"table cell", P, "| a |\n|---|\n| 1 |\n", P, "| a |\n|---|\n| 2 |\n"},
		{"quote", P, "a\n", P, "> a\n"},
		{"thematic break", P, "a\n\nb\n", P, "a\n\n---\n\nb\n"},
		{"inline code", P, "run `ls`\n", P, "run `ls -l`\n"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		if (same(&cases[i]))
			fail_msg("%s: should count as a change", cases[i].why);
}

/* The canonical text of a page with every construct, twice: deterministic. */
static void test_deterministic(void **st)
{
	(void)st;
	const char *page = "---\ntitle: T\nlist: [1, 2]\nmap: {b: 1, a: 2}\n---\n# T\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n\n"
			   "- [x] done\n- [ ] todo\n\nText[^1] ~~old~~ <b>x</b> https://example.com\n\n[^1]: note\n";
	size_t l1, l2;
	char *a = cosmetic_canon(P, page, strlen(page), &l1);
	char *b = cosmetic_canon(P, page, strlen(page), &l2);
	assert_int_equal(l1, l2);
	assert_memory_equal(a, b, l1);
	assert_true(l1 > 20);
	free(a);
	free(b);
}

int main(void)
{
	md_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cosmetic_edits),
		cmocka_unit_test(test_real_changes),
		cmocka_unit_test(test_deterministic),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
