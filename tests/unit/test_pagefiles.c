/* test_pagefiles.c - the record of the page files a build wrote: what is set comes back for the same
 * output folder and identity only, and a record that lies (any byte changed, the checksum made right
 * again) is read without a crash or a read past its end. */
#define _GNU_SOURCE /* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "histfile.h"
#include "pagefiles.h"

static const uint64_t IDENT[2] = {1, 2}, OTHER_IDENT[2] = {1, 3};
static const uint64_t DIGEST[2] = {0xabc, 0xdef}, OTHER_DIGEST[2] = {0xabc, 0xdee};

static char *record_path(char **dir)
{
	char tmpl[] = "/tmp/almanac-pfiles-XXXXXX";
	char *d = mkdtemp(tmpl);
	assert_non_null(d);
	*dir = xstrdup(d);
	return xasprintf("%s/page-files", d);
}

static void test_round_trip(void **state)
{
	(void)state;
	char *dir, *path = record_path(&dir);
	pfiles_file_t f = {3576, 1796571186772853436LL, 11946572}, got;
	pfiles_t *p = pfiles_load(path, "/srv/site", IDENT);
	assert_int_equal(pfiles_match(p, "runbooks/cpu/index.html", DIGEST, &got), 0);
	pfiles_set(p, "runbooks/cpu/index.html", DIGEST, &f);
	assert_int_equal(pfiles_save(p), 0);
	pfiles_free(p);

	p = pfiles_load(path, "/srv/site", IDENT);
	assert_int_equal(pfiles_match(p, "runbooks/cpu/index.html", DIGEST, &got), 1);
	assert_int_equal(got.size, f.size);
	assert_int_equal(got.mtime_ns, f.mtime_ns);
	assert_int_equal(got.ino, f.ino);
	assert_int_equal(pfiles_match(p, "runbooks/cpu/index.html", OTHER_DIGEST, &got), 0); /* another context */
	assert_int_equal(pfiles_match(p, "runbooks/disk/index.html", DIGEST, &got), 0);
	pfiles_free(p);
	p = pfiles_load(path, "/srv/other", IDENT); /* another output folder */
	assert_int_equal(pfiles_match(p, "runbooks/cpu/index.html", DIGEST, &got), 0);
	pfiles_free(p);
	p = pfiles_load(path, "/srv/site", OTHER_IDENT); /* another binary, theme or site context */
	assert_int_equal(pfiles_match(p, "runbooks/cpu/index.html", DIGEST, &got), 0);
	pfiles_free(p);
	unlink(path);
	free(path);
	rmdir(dir);
	free(dir);
}

/* The input digest a context was made from (pagekeys.h) finds the context digest and the file. */
static void test_input_digest(void **state)
{
	(void)state;
	char *dir, *path = record_path(&dir);
	static const uint64_t INPUT[2] = {77, 78}, ZERO[2] = {0, 0};
	pfiles_file_t f = {10, 20, 30}, got;
	uint64_t digest[2] = {0, 0};
	pfiles_t *p = pfiles_load(path, "/srv/site", IDENT);
	pfiles_set_input(p, "a/index.html", DIGEST, INPUT, &f);
	pfiles_set(p, "b/index.html", DIGEST, &f); /* none */
	assert_int_equal(pfiles_save(p), 0);
	pfiles_free(p);
	p = pfiles_load(path, "/srv/site", IDENT);
	assert_int_equal(pfiles_match_input(p, "a/index.html", INPUT, &got, digest), 1);
	assert_true(digest[0] == DIGEST[0] && digest[1] == DIGEST[1]);
	assert_int_equal(got.size, 10);
	assert_int_equal(got.ino, 30);
	assert_int_equal(pfiles_match_input(p, "a/index.html", DIGEST, &got, digest), 0); /* other inputs */
	assert_int_equal(pfiles_match_input(p, "b/index.html", ZERO, &got, digest), 0);  /* none recorded: never */
	assert_int_equal(pfiles_match(p, "a/index.html", DIGEST, &got), 1);
	pfiles_free(p);
	unlink(path);
	free(path);
	rmdir(dir);
	free(dir);
}

static void test_lying_record(void **state)
{
	(void)state;
	char *dir, *path = record_path(&dir);
	pfiles_file_t f = {1, 2, 3}, got;
	pfiles_t *p = pfiles_load(path, "/srv/site", IDENT);
	pfiles_set(p, "a/index.html", DIGEST, &f);
	pfiles_set(p, "b/index.html", DIGEST, &f);
	assert_int_equal(pfiles_save(p), 0);
	pfiles_free(p);
	size_t len;
	char *good = hfile_read(path, &len);
	assert_non_null(good);
	const size_t hdr = 48;
	/* where a's size, mtime and inode are: after its name, its NUL and its two digests */
	const char *name = memmem(good, len, "a/index.html", 13);
	assert_non_null(name);
	size_t vals = (size_t)(name - good) + 13 + 32;
	size_t matched = 0;
	for (size_t i = hdr; i + 8 < len; i++) {
		char *bad = xmalloc(len);
		memcpy(bad, good, len);
		bad[i] = (char)(bad[i] ^ 0x5a);
		uint64_t sum = hfile_sum64(bad + hdr, len - hdr - 8);
		for (int k = 0; k < 8; k++)
			bad[len - 8 + k] = (char)(sum >> (8 * k));
		assert_int_equal(hfile_replace(path, bad, len), 1);
		free(bad);
		p = pfiles_load(path, "/srv/site", IDENT);
		if (pfiles_match(p, "a/index.html", DIGEST, &got)) {
			matched++;
			/* only a change of the values themselves gives other values */
			if (got.size != f.size || got.mtime_ns != f.mtime_ns || got.ino != f.ino)
				assert_true(i >= vals && i < vals + 24);
		}
		(void)pfiles_match(p, "b/index.html", DIGEST, &got);
		pfiles_free(p);
	}
	assert_true(matched < len - hdr - 8); /* most changes are refused: names, counts, lengths, digests */
	/* cut short: nothing matches */
	assert_int_equal(hfile_replace(path, good, len - 9), 1);
	p = pfiles_load(path, "/srv/site", IDENT);
	assert_int_equal(pfiles_match(p, "a/index.html", DIGEST, &got), 0);
	pfiles_free(p);
	free(good);
	unlink(path);
	free(path);
	rmdir(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_input_digest),
		cmocka_unit_test(test_lying_record),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
