/* test_nav.c - navigation: hrefs are percent-encoded, the per-folder shared
 * sidebars (nav_cache_*) equal the sidebars built afresh, and shared values
 * (val.h) survive val_free of the trees that reference them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fsutil.h"
#include "json.h"
#include "nav.h"
#include "site.h"
#include "testhelp.h"
#include "val.h"

static void test_href_plain_and_encoded(void **state)
{
	(void)state;
	assert_owned_string_equal(fsu_href("runbooks/k8s/x/", "runbooks/db/y/"), "../../db/y/");
	assert_owned_string_equal(fsu_href("runbooks/k8s/x/", "runbooks/k8s/disk full #2?/"), "../disk%20full%20%232%3F/");
	assert_owned_string_equal(fsu_href("", "a%b/c\\d/<q>/"), "a%25b/c%5Cd/<q>/"); /* < > are HTML-escaped by the templates */
	/* non-ASCII names stay as they are (valid in HTML hrefs) */
	assert_owned_string_equal(fsu_href("", "caf\xc3\xa9/"), "caf\xc3\xa9/");
}

static void test_shared_values(void **state)
{
	(void)state;
	val_t *owner = val_list();
	val_t *item = val_list_push(owner, val_map());
	val_map_set_str(item, "title", "kept");
	item->shared = 1;
	val_t *user = val_list();
	val_list_push(user, item);
	val_free(user); /* must not free item */
	assert_string_equal(val_as_str(val_map_get(item, "title")), "kept");
	/* a caller-owned value borrowing a string */
	char text[] = "<p>borrowed</p>";
	val_t slot;
	memset(&slot, 0, sizeof slot);
	slot.type = VAL_STR;
	slot.shared = 1;
	slot.str = text;
	slot.len = strlen(text);
	val_t *m = val_map();
	val_map_set(m, "content", &slot);
	val_free(m);
	assert_string_equal(slot.str, "<p>borrowed</p>");
	val_free_shared(owner); /* frees item too (LeakSanitizer checks) */
}

static void add_page(site_t *s, const char *src, const char *dir, const char *url, const char *title, int is_index)
{
	s->pages = realloc(s->pages, (s->npages + 1) * sizeof *s->pages);
	site_page_t *p = &s->pages[s->npages++];
	memset(p, 0, sizeof *p);
	p->src = (char *)src;
	p->dir = (char *)dir;
	p->url = (char *)url;
	p->title = (char *)title;
	p->type = (char *)"runbook";
	p->is_index = is_index;
	p->in_nav = 1; /* as site_name_page sets it outside MkDocs' nav: */
}

static char *as_json(const val_t *v)
{
	buf_t b = BUF_INIT;
	json_writer_t w;
	json_init(&w, &b, 0);
	val_write_json(&w, v);
	return buf_detach(&b);
}

static void test_cache_equals_fresh(void **state)
{
	(void)state;
	site_t *s = calloc(1, sizeof *s);
	s->home_dir = (char *)"content";
	add_page(s, "content/index.md", "content", "", "Home", 1);
	add_page(s, "content/c.md", "content", "c/", "C", 0);
	add_page(s, "runbooks/db/z.md", "runbooks/db", "runbooks/db/z/", "Z", 0);
	add_page(s, "runbooks/db/a.md", "runbooks/db", "runbooks/db/a/", "A", 0);
	/* a folder with the same URL as a page: that page cannot use the shared tree */
	add_page(s, "runbooks/db/z/w.md", "runbooks/db/z", "runbooks/db/z/w/", "W", 0);
	add_page(s, "runbooks/k8s/index.md", "runbooks/k8s", "runbooks/k8s/", "Kubernetes", 1);
	add_page(s, "runbooks/k8s/x.md", "runbooks/k8s", "runbooks/k8s/x/", "X", 0);
	add_page(s, "runbooks/k8s/y y.md", "runbooks/k8s", "runbooks/k8s/y y/", "Y y", 0);
	add_page(s, "runbooks/k8s/q#1.md", "runbooks/k8s", "runbooks/k8s/q#1/", "Q", 0);
	/* deeper than the sidebar expands */
	static char deep_dir[128], deep_src[160], deep_url[160];
	strcpy(deep_dir, "d");
	for (int i = 0; i < 18; i++)
		strcat(deep_dir, "/d");
	snprintf(deep_src, sizeof deep_src, "%s/p.md", deep_dir);
	snprintf(deep_url, sizeof deep_url, "%s/p/", deep_dir);
	add_page(s, deep_src, deep_dir, deep_url, "Deep", 0);
	add_page(s, "d/e.md", "d", "d/e/", "E", 0);
	nav_t n;
	nav_build(&n, s);
	for (int round = 0; round < 2; round++) {
		nav_cache_t *c = nav_cache_new(&n, s, NULL);
		for (size_t i = 0; i < s->npages; i++) {
			size_t k = round ? s->npages - 1 - i : i; /* any order */
			val_t *fresh = nav_sidebar(&n, s, n.page_folder[k], s->pages[k].url);
			val_t *cached = nav_cache_sidebar(c, (long)k, s->pages[k].url);
			char *a = as_json(fresh), *b = as_json(cached);
			assert_string_equal(b, a);
			free(a);
			free(b);
			val_free(fresh);
			val_free(cached);
			nav_cache_release(c, (long)k);
		}
		nav_cache_free(c);
	}
	/* the sidebar of x links to itself as "./" and encodes its sibling's space */
	nav_cache_t *c = nav_cache_new(&n, s, NULL);
	val_t *sb = nav_cache_sidebar(c, 6, s->pages[6].url);
	/* built from the folder's shared tree, not afresh: the root entries are the cache's */
	assert_true(sb->len > 0);
	assert_int_equal(val_list_at(sb, sb->len - 1)->shared, 1);
	char *j = as_json(sb);
	assert_non_null(strstr(j, "\"title\":\"X\",\"url\":\"./\",\"folder\":false,\"open\":false,\"active\":true"));
	assert_non_null(strstr(j, "\"url\":\"../y%20y/\""));
	assert_non_null(strstr(j, "\"url\":\"../q%231/\""));
	free(j);
	val_free(sb);
	nav_cache_free(c); /* before every release: frees what is held */
	nav_free(&n);
	free(s->pages);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_href_plain_and_encoded),
		cmocka_unit_test(test_shared_values),
		cmocka_unit_test(test_cache_equals_fresh),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
