/* test_pagecache.c - the rendered-Markdown cache: what is put comes back whole for the same key
 * only, per repository, and a file that lies (counts and lengths past its end under a valid
 * checksum) is read without a crash and not used, nor one cut short after it was read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <dirent.h>
#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t on the stack */
#include <xxhash.h>

#include "buf.h"
#include "histfile.h"
#include "pagecache.h"

static const char *const NAMES[] = {"", "payments"};

static char *tmp_dir(void)
{
	char tmpl[] = "/tmp/almanac-pcache-XXXXXX";
	char *d = mkdtemp(tmpl);
	assert_non_null(d);
	return xstrdup(d);
}

/* The files in `dir` (hidden ones not counted). */
static size_t files_in(const char *dir)
{
	DIR *dh = opendir(dir);
	assert_non_null(dh);
	struct dirent *de;
	size_t files = 0;
	while ((de = readdir(dh)))
		files += de->d_name[0] != '.';
	closedir(dh);
	return files;
}

/* A page rendered as md_render would give it: HTML, two headings, a section, a link and a warning. */
static void sample(pcache_entry_t *e)
{
	memset(e, 0, sizeof *e);
	e->doc.html = xstrdup("<h2 id=\"fix\">Fix</h2><p>See <a href=\"../b/\">b</a></p>");
	e->doc.nheadings = 1;
	e->doc.headings = xcalloc(1, sizeof *e->doc.headings);
	e->doc.headings[0] = (md_heading_t){2, xstrdup("fix"), xstrdup("Fix"), 7};
	e->doc.nsections = 1;
	e->doc.sections = xcalloc(1, sizeof *e->doc.sections);
	e->doc.sections[0] = (md_section_t){xstrdup("fix"), xstrdup("Fix"), xstrdup("See b")};
	e->doc.words = 3;
	e->doc.features = 5;
	e->doc.sections_digest[0] = 0x0123456789abcdefu; /* what md_render made of the sections */
	e->doc.sections_digest[1] = 0xfedcba9876543210u;
	e->nlinks = 2;
	e->links = xcalloc(2, sizeof *e->links);
	e->links[0] = (pcache_link_t){xstrdup("b.md"), 0, 8, 5, xstrdup("../b/"), PCACHE_LINK_PAGE, xstrdup("b.md"), NULL};
	e->links[1] = (pcache_link_t){xstrdup("https://example.com/"), 1, 9, 1, NULL, PCACHE_LINK_NONE, NULL, NULL};
	e->ndiags = 1;
	e->diags = xcalloc(1, sizeof *e->diags);
	e->diags[0] = (diag_t){NULL, 9, 6, DIAG_WARNING, xstrdup("raw-html"), xstrdup("attribute removed")};
}

static void test_round_trip_per_repository_and_key(void **state)
{
	(void)state;
	char *dir = tmp_dir();
	pcache_key_t key, other;
	const char *body = "## Fix\n\nSee [b](b.md)\n";
	pcache_key(&key, body, strlen(body), 3, 2, "A");
	pcache_key(&other, body, strlen(body) - 1, 3, 2, "A");
	pcache_entry_t e;
	sample(&e);
	pcache_t *c = pcache_load(dir, NAMES, 2, 42, 5, 2);
	pcache_entry_t got;
	assert_int_equal(pcache_get(c, 1, "payments/a.md", &key, &got), 0); /* nothing yet */
	pcache_put(c, 1, "payments/a.md", &key, &e);
	assert_int_equal(pcache_save(c, NULL), 1); /* the source's file only */
	pcache_free(c);
	char *path = xasprintf("%s/rendered-pages.payments", dir);
	assert_int_equal(access(path, F_OK), 0);

	c = pcache_load(dir, NAMES, 2, 42, 5, 2);
	assert_int_equal(pcache_get(c, 0, "payments/a.md", &key, &got), 0);   /* another repository */
	assert_int_equal(pcache_get(c, 1, "payments/a.md", &other, &got), 0); /* another text */
	pcache_key_t untitled = key;
	untitled.title = NULL;
	assert_int_equal(pcache_get(c, 1, "payments/a.md", &untitled, &got), 0); /* other options */
	assert_int_equal(pcache_get(c, 1, "payments/a.md", &key, &got), 1);
	assert_string_equal(md_doc_html(&got.doc), e.doc.html);
	assert_int_equal(got.doc.nheadings, 1);
	assert_string_equal(got.doc.headings[0].id, "fix");
	assert_int_equal(got.doc.headings[0].line, 7);
	assert_int_equal(got.doc.nsections, 0); /* the sections not read yet, their digest known */
	assert_true(got.doc.sections_digest[0] == 0x0123456789abcdefu && got.doc.sections_digest[1] == 0xfedcba9876543210u);
	assert_int_equal(md_doc_sections(&got.doc), 1);
	assert_string_equal(got.doc.sections[0].text, "See b");
	assert_null(got.doc.h1);
	assert_int_equal(got.doc.words, 3);
	assert_int_equal(got.doc.features, 5);
	assert_int_equal(got.nlinks, 2);
	assert_string_equal(got.links[0].result, "../b/");
	assert_null(got.links[1].result);
	assert_int_equal(got.links[1].is_image, 1);
	assert_int_equal(got.ndiags, 1);
	assert_string_equal(got.diags[0].code, "raw-html");
	assert_int_equal(got.diags[0].col, 6);
	pcache_entry_clear(&got);
	size_t hits, asked;
	pcache_counts(c, &hits, &asked);
	assert_int_equal(hits, 1);
	assert_int_equal(asked, 4);
	assert_int_equal(pcache_save(c, NULL), 0); /* every page as the file has it: nothing written */
	pcache_free(c);

	/* a kept page and a new one: the file is rewritten with both */
	c = pcache_load(dir, NAMES, 2, 42, 5, 2);
	assert_int_equal(pcache_get(c, 1, "payments/a.md", &key, &got), 1);
	pcache_entry_clear(&got);
	pcache_put(c, 1, "payments/new.md", &other, &e);
	assert_int_equal(pcache_save(c, NULL), 1);
	pcache_free(c);
	c = pcache_load(dir, NAMES, 2, 42, 5, 2);
	assert_int_equal(pcache_get(c, 1, "payments/a.md", &key, &got), 1);
	assert_string_equal(md_doc_html(&got.doc), e.doc.html);
	pcache_entry_clear(&got);
	assert_int_equal(pcache_get(c, 1, "payments/new.md", &other, &got), 1);
	assert_string_equal(got.links[0].result, "../b/");
	pcache_entry_clear(&got);
	pcache_free(c);

	/* another binary's file is not read */
	c = pcache_load(dir, NAMES, 2, 43, 5, 2);
	assert_int_equal(pcache_get(c, 1, "payments/a.md", &key, &got), 0);
	pcache_free(c);
	/* a page no longer asked for leaves the file */
	c = pcache_load(dir, NAMES, 2, 42, 5, 2);
	assert_int_equal(pcache_save(c, NULL), 1);
	pcache_free(c);
	c = pcache_load(dir, NAMES, 2, 42, 5, 2);
	assert_int_equal(pcache_get(c, 1, "payments/a.md", &key, &got), 0);
	pcache_free(c);

	/* a save stopped (Ctrl-C) leaves the file as it was and nothing beside it */
	c = pcache_load(dir, NAMES, 2, 42, 5, 2);
	pcache_put(c, 1, "payments/b.md", &key, &e);
	atomic_int stop = 1;
	assert_int_equal(pcache_save(c, &stop), 0);
	pcache_free(c);
	size_t files = files_in(dir);
	assert_int_equal(files, 1); /* rendered-pages.payments only, no temporary file */

	pcache_entry_clear(&e);
	unlink(path);
	free(path);
	rmdir(dir);
	free(dir);
}

static uint32_t rd32(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;
	return (uint32_t)u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16 | (uint32_t)u[3] << 24;
}

/* Every byte of the payload changed in turn, the checksums made right again: never a crash or a read
 * past the file (ASan), and an entry that no longer decodes whole is not used. */
static void test_lying_file_is_read_safely(void **state)
{
	(void)state;
	char *dir = tmp_dir();
	pcache_key_t key;
	pcache_key(&key, "x", 1, 0, 0, NULL);
	pcache_entry_t e;
	sample(&e);
	pcache_t *c = pcache_load(dir, NAMES, 1, 7, 5, 2);
	pcache_put(c, 0, "a.md", &key, &e);
	assert_int_equal(pcache_save(c, NULL), 1);
	pcache_free(c);
	char *path = xasprintf("%s/rendered-pages", dir);
	size_t len;
	char *good = hfile_read(path, &len);
	assert_non_null(good);
	const size_t hdr = 40;
	size_t used = 0;
	for (size_t i = hdr; i + 8 < len; i++) {
		for (int flip = 0; flip < 2; flip++) {
			char *bad = xmalloc(len);
			memcpy(bad, good, len);
			bad[i] = flip ? (char)0xff : (char)(bad[i] ^ 0x01);
			/* the checksums of the entry's three parts and of the index made right again, at their places
			 * in the good file (pagecache.c: head, HTML, sections, index) */
			size_t at[4], n[4];
			at[0] = hdr + 4;
			n[0] = rd32(good + hdr);
			for (int part = 1; part < 3; part++) { /* the HTML, the sections */
				at[part] = at[part - 1] + n[part - 1] + 8 + 4;
				n[part] = rd32(good + at[part] - 4);
			}
			at[3] = (size_t)rd32(good + 24);
			n[3] = len - at[3] - 8;
			for (int part = 0; part < 4; part++) {
				uint64_t sum = XXH3_64bits(bad + at[part], n[part]);
				for (int k = 0; k < 8; k++)
					bad[at[part] + n[part] + (size_t)k] = (char)(sum >> (8 * k));
			}
			assert_int_equal(hfile_replace(path, bad, len), 1);
			free(bad);
			c = pcache_load(dir, NAMES, 1, 7, 5, 2);
			pcache_entry_t got;
			if (pcache_get(c, 0, "a.md", &key, &got)) {
				used++; /* a changed string byte decodes: its length and counts still agree */
				/* the HTML, read when asked: NULL when its part lies (the page is rendered again then,
				 * site_page_html), never a read past it */
				const char *html = md_doc_html(&got.doc);
				assert_true(!html || strlen(html) < len);
				assert_true(md_doc_sections(&got.doc) < len);
				pcache_entry_clear(&got);
			}
			pcache_free(c);
		}
	}
	assert_true(used < 2 * (len - hdr - 8)); /* lengths and counts that lie are refused */
	free(good);
	pcache_entry_clear(&e);
	unlink(path);
	free(path);
	rmdir(dir);
	free(dir);
}

/* A cache file cut short in place after the build checked it (another process, a full disk): a page's
 * head came with the index, but its HTML cannot be read (the page is rendered again), not a crash (it
 * was read through a mapping: SIGBUS), and a save that cannot copy a kept page writes no file rather
 * than a wrong one. */
static void test_file_cut_short_after_load(void **state)
{
	(void)state;
	char *dir = tmp_dir();
	pcache_key_t key;
	pcache_key(&key, "x", 1, 0, 0, NULL);
	pcache_entry_t e;
	sample(&e);
	pcache_t *c = pcache_load(dir, NAMES, 1, 7, 5, 2);
	pcache_put(c, 0, "a.md", &key, &e);
	pcache_put(c, 0, "b.md", &key, &e);
	assert_int_equal(pcache_save(c, NULL), 1);
	pcache_free(c);
	char *path = xasprintf("%s/rendered-pages", dir);

	c = pcache_load(dir, NAMES, 1, 7, 5, 2);
	pcache_entry_t got;
	assert_int_equal(pcache_get(c, 0, "a.md", &key, &got), 1);
	pcache_entry_clear(&got);
	assert_int_equal(truncate(path, 40), 0);
	assert_int_equal(pcache_get(c, 0, "b.md", &key, &got), 1);
	assert_null(md_doc_html(&got.doc)); /* its HTML is gone with the file's end */
	pcache_entry_clear(&got);
	pcache_put(c, 0, "new.md", &key, &e);
	assert_int_equal(pcache_save(c, NULL), -1); /* a.md's entry is gone from the file */
	pcache_free(c);
	size_t files = files_in(dir);
	assert_int_equal(files, 1); /* no temporary file left */
	c = pcache_load(dir, NAMES, 1, 7, 5, 2);
	assert_int_equal(pcache_get(c, 0, "a.md", &key, &got), 0); /* the cut file is not read */
	pcache_free(c);

	pcache_entry_clear(&e);
	unlink(path);
	free(path);
	rmdir(dir);
	free(dir);
}

/* The sections' digest an entry keeps (what the search index keys a page by without reading its
 * sections) is md_render's: XXH3-128 of each section's anchor, heading and text with their NULs, and it
 * changes with any of them. */
static void test_sections_digest(void **state)
{
	(void)state;
	static const char *const bodies[] = {"Intro text.\n\n## Fix it\n\nRestart the pod.\n",
					     "Intro text.\n\n## Fix it\n\nRestart the pods.\n",
					     "Intro text.\n\n## Fix this\n\nRestart the pod.\n"};
	uint64_t seen[3][2];
	md_init();
	for (int b = 0; b < 3; b++) {
		md_doc_t d;
		md_opts_t o = {.strip_h1 = 1};
		assert_int_equal(md_render(&d, bodies[b], strlen(bodies[b]), &o), 0);
		assert_int_equal(d.nsections, 2);
		XXH3_state_t st;
		XXH3_128bits_reset(&st);
		for (size_t i = 0; i < d.nsections; i++) {
			XXH3_128bits_update(&st, d.sections[i].anchor, strlen(d.sections[i].anchor) + 1);
			XXH3_128bits_update(&st, d.sections[i].heading, strlen(d.sections[i].heading) + 1);
			XXH3_128bits_update(&st, d.sections[i].text, strlen(d.sections[i].text) + 1);
		}
		XXH128_hash_t h = XXH3_128bits_digest(&st);
		assert_true(d.sections_digest[0] == h.low64 && d.sections_digest[1] == h.high64);
		seen[b][0] = h.low64;
		seen[b][1] = h.high64;
		md_doc_free(&d);
	}
	assert_true(seen[0][0] != seen[1][0] && seen[0][0] != seen[2][0] && seen[1][0] != seen[2][0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_per_repository_and_key),
		cmocka_unit_test(test_lying_file_is_read_safely),
		cmocka_unit_test(test_file_cut_short_after_load),
		cmocka_unit_test(test_sections_digest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
