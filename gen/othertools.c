/* othertools.c - repositories written for tools Almanac does not follow (see othertools.h). */
#include "othertools.h"

#include <string.h>
#include <strings.h>

#define CODE "other-tool"
#define MUTE "(warnings: {other-tool: false} in almanac.yml turns this warning off)"

/* The file name of `path` (after its last '/'). */
static const char *base_of(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* The first of `n` sorted paths whose file name is one of `names`, at the root only or, with `any`, in
 * any folder; NULL when none is. */
static const char *find(char *const *paths, size_t n, const char *const *names, int any)
{
	for (size_t i = 0; i < n; i++) {
		if (!any && strchr(paths[i], '/'))
			continue;
		for (size_t k = 0; names[k]; k++)
			if (!strcmp(base_of(paths[i]), names[k]))
				return paths[i];
	}
	return NULL;
}

/* The extension of `path` (after the last '.' of its file name), or "". */
static const char *ext_of(const char *path)
{
	const char *b = base_of(path), *dot = strrchr(b, '.');
	return dot && dot != b ? dot + 1 : "";
}

static const struct {
	const char *exts[6]; /* NULL-terminated, compared without case */
	const char *one, *many; /* "this <one>", "%zu <many>" */
	const char *advice;
} kinds[] = {
	{{"adoc", "asciidoc", NULL}, "AsciiDoc file", "AsciiDoc files",
	 "Almanac reads Markdown files named .md only, so an Antora component's pages (modules/*/pages/) or any "
	 "other AsciiDoc are published as files, as they are, with no page, navigation or search entry"},
	{{"rst", NULL}, "reStructuredText file", "reStructuredText files",
	 "Almanac reads Markdown files named .md only; they are published as files, as they are"},
	{{"markdown", "mdown", "mkd", "mkdn", "mdwn", NULL}, "Markdown file not named .md",
	 "Markdown files not named .md",
	 "Almanac's pages are the files named .md: rename them (git mv x.markdown x.md) to publish them as pages; "
	 "until then they are published as files, as they are"},
};

/* The kind of documentation file `path` is (index in kinds), or -1. */
static int kind_of(const char *path)
{
	const char *e = ext_of(path);
	for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++)
		for (size_t j = 0; kinds[k].exts[j]; j++)
			if (!strcasecmp(e, kinds[k].exts[j]))
				return (int)k;
	return -1;
}

void othertools_warn(char *const *pages, size_t npages, char *const *assets, size_t nassets, int plain_auto,
		     diag_list_t *d)
{
	if (plain_auto) {
		static const char *const docusaurus[] = {"docusaurus.config.js", "docusaurus.config.ts",
							 "docusaurus.config.mjs", "docusaurus.config.cjs", NULL};
		static const char *const jekyll[] = {"_config.yml", NULL};
		static const char *const home[] = {"Home.md", NULL}, *const wiki[] = {"_Sidebar.md", "_Footer.md", NULL};
		const char *f;
		if ((f = find(assets, nassets, docusaurus, 1)))
			diag_add(d, DIAG_WARNING, f, 0, 0, CODE,
				 "a Docusaurus site, read with Almanac's own rules: its Markdown is published at its paths in "
				 "the repository; Docusaurus' addresses (routeBasePath, slug: and id:, number prefixes), "
				 "sidebars, MDX components and links to a doc's address rather than its file "
				 "('./runbooks/overview') are not followed: link to the file ('./runbooks/overview.md') " MUTE);
		if ((f = find(assets, nassets, jekyll, 0)))
			diag_add(d, DIAG_WARNING, f, 0, 0, CODE,
				 "a Jekyll site, read with Almanac's own rules: its .md files are published at their paths "
				 "in the repository; Jekyll's addresses (permalink:, dated _posts/), Liquid tags ({%% include "
				 "%%}, {%% link %%}, {{ site.x }}), layouts and includes are not followed " MUTE);
		if ((f = find(pages, npages, home, 0)) && find(pages, npages, wiki, 0))
			diag_add(d, DIAG_WARNING, f, 0, 0, CODE,
				 "a GitHub wiki, read with Almanac's own rules: pages keep their folders and file names "
				 "('Some Page.md' is at 'Some Page/'), and the wiki's links by page name ('[[Some Page]]', "
				 "'[text](Some-Page)') are not followed: link to the file ('Some%%20Page.md') " MUTE);
	}
	for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
		const char *first = NULL;
		size_t n = 0;
		for (size_t i = 0; i < nassets; i++)
			if (kind_of(assets[i]) == (int)k && !n++)
				first = assets[i];
		if (n == 1)
			diag_add(d, DIAG_WARNING, first, 0, 0, CODE, "this %s is not a page: %s " MUTE, kinds[k].one,
				 kinds[k].advice);
		else if (n)
			diag_add(d, DIAG_WARNING, first, 0, 0, CODE, "%zu %s (this one first) are not pages: %s " MUTE, n,
				 kinds[k].many, kinds[k].advice);
	}
}
