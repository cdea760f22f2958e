/* test_pagerec.c - the records of what reading each page gave: a record comes back whole for the
 * same file identity only (not for a racy file, another identity or another reading context), and a
 * record file that lies (counts and lengths past its end under a valid checksum) is read without a
 * crash or a read past it (ASan). */
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
#include "pagerec.h"

static const char *const NAMES[] = {"", "payments"};
static const uint64_t CONTEXTS[] = {11, 22};
#define STARTED 2000000000LL /* the recording build's second */
/* each repository's HEAD and index (written before that build) */
static const fsu_repo_state_t REPOS[] = {
	{{1}, {10, (STARTED - 100) * 1000000000LL, (STARTED - 100) * 1000000000LL, 5, 3}, 1},
	{{2}, {20, (STARTED - 100) * 1000000000LL, (STARTED - 100) * 1000000000LL, 6, 3}, 1},
};

static char *tmp_dir(void)
{
	char tmpl[] = "/tmp/almanac-prec-XXXXXX";
	char *d = mkdtemp(tmpl);
	assert_non_null(d);
	return xstrdup(d);
}

/* A page read: front matter with a nested raw map, a warning of the reading. */
static void sample(prec_read_t *rd, fsu_stat_id_t *st)
{
	const char *text = "---\ntitle: Disk full\ntags: [db]\nextra:\n  n: {a: [1, 2.5, true, null]}\n---\nBody.\n";
	memset(rd, 0, sizeof *rd);
	diag_list_t d;
	diag_init(&d);
	assert_int_equal(fm_parse(&rd->fm, text, strlen(text), "runbooks/disk-full.md", &rd->body_off, &rd->body_line, &d), 0);
	diag_free(&d);
	rd->text_len = strlen(text);
	prec_text_hash(text, rd->text_len, rd->text_hash);
	*st = (fsu_stat_id_t){123, (STARTED - 10) * 1000000000LL + 5, (STARTED - 10) * 1000000000LL + 7, 99, 3};
}

static void put_one(const char *dir, int64_t started)
{
	prec_read_t rd;
	fsu_stat_id_t st;
	sample(&rd, &st);
	diag_t w = {"runbooks/disk-full.md", 3, 1, DIAG_WARNING, "front-matter", "unknown key 'ownr'"};
	prec_t *r = prec_open(dir, NAMES, 2, CONTEXTS, REPOS, 1, started, 1);
	prec_put_read(r, 0, 1, "payments/disk-full.md", &st, &rd, &w, 1);
	uint64_t body[2] = {5, 6};
	layout_shortcode_t sc = {"youtube", 7, 3};
	prec_put_md(r, 0, body, &sc, 1, NULL, 0);
	prec_put_wt(r, 0, 2); /* HIST_MODIFIED + 1 */
	assert_int_equal(prec_save(r, NULL), 1);
	prec_free(r);
	fm_free(&rd.fm);
}

static void test_round_trip_by_identity(void **state)
{
	(void)state;
	char *dir = tmp_dir();
	put_one(dir, STARTED);
	prec_read_t want, got;
	fsu_stat_id_t st;
	sample(&want, &st);
	diag_list_t d;
	diag_init(&d);
	prec_t *r = prec_open(dir, NAMES, 2, CONTEXTS, REPOS, 1, STARTED + 5, 1);
	assert_int_equal(prec_take(r, 0, 0, "payments/disk-full.md", &st, &got, &d), 0); /* another repository */
	fsu_stat_id_t other = st;
	other.ctime_ns += 1;
	assert_int_equal(prec_take(r, 0, 1, "payments/disk-full.md", &other, &got, &d), 0); /* changed since */
	assert_int_equal(d.len, 0);
	assert_int_equal(prec_take(r, 0, 1, "payments/disk-full.md", &st, &got, &d), 1);
	assert_int_equal(got.wt_status, 2); /* the same HEAD and index: its status as it was */
	prec_put_wt(r, 0, 2);
	assert_string_equal(got.fm.title, "Disk full");
	assert_int_equal(got.fm.ntags, 1);
	assert_int_equal(got.body_off, want.body_off);
	assert_int_equal(got.body_line, want.body_line);
	uint64_t a[2], b[2];
	const val_t *va = got.fm.raw, *vb = want.fm.raw;
	val_digest(&va, 1, a);
	val_digest(&vb, 1, b);
	assert_memory_equal(a, b, sizeof a); /* the whole raw map, numbers and positions included */
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].message, "unknown key 'ownr'");
	prec_md_t md;
	assert_int_equal(prec_md(r, 0, &md), 1);
	assert_int_equal(md.body[0], 5);
	assert_int_equal(md.nshortcodes, 1);
	assert_string_equal(md.shortcodes[0].name, "youtube");
	prec_md_clear(&md);
	assert_int_equal(prec_save(r, NULL), 0); /* nothing changed: the file stays */
	prec_free(r);
	fm_free(&got.fm);
	fm_free(&want.fm);
	diag_free(&d);
	/* another HEAD: taken, its status to be read again */
	fsu_repo_state_t moved[2] = {REPOS[0], REPOS[1]};
	moved[1].head[0] = 9;
	r = prec_open(dir, NAMES, 2, CONTEXTS, moved, 1, STARTED + 5, 1);
	diag_init(&d);
	assert_int_equal(prec_take(r, 0, 1, "payments/disk-full.md", &st, &got, &d), 1);
	assert_int_equal(got.wt_status, 0);
	fm_free(&got.fm);
	prec_free(r);
	diag_free(&d);
	/* another reading context (another binary, layout or Hugo parameters): nothing is taken */
	static const uint64_t OTHER[] = {11, 23};
	r = prec_open(dir, NAMES, 2, OTHER, REPOS, 1, STARTED + 5, 1);
	diag_init(&d);
	assert_int_equal(prec_take(r, 0, 1, "payments/disk-full.md", &st, &got, &d), 0);
	prec_free(r);
	diag_free(&d);
	char *path = xasprintf("%s/read-pages.payments", dir);
	unlink(path);
	free(path);
	rmdir(dir);
	free(dir);
}

static void test_racy_file_is_not_taken(void **state)
{
	(void)state;
	char *dir = tmp_dir();
	put_one(dir, STARTED - 10); /* the build started in the second the file was written */
	prec_read_t got;
	fsu_stat_id_t st;
	sample(&got, &st);
	fm_free(&got.fm);
	diag_list_t d;
	diag_init(&d);
	prec_t *r = prec_open(dir, NAMES, 2, CONTEXTS, REPOS, 1, STARTED, 1);
	assert_int_equal(prec_take(r, 0, 1, "payments/disk-full.md", &st, &got, &d), 0);
	prec_free(r);
	diag_free(&d);
	char *path = xasprintf("%s/read-pages.payments", dir);
	unlink(path);
	free(path);
	rmdir(dir);
	free(dir);
}

/* Every byte after the header changed in turn, the checksum made right again: never a crash or a
 * read past the data, and what no longer decodes whole is not taken. */
static void test_lying_file_is_read_safely(void **state)
{
	(void)state;
	char *dir = tmp_dir();
	put_one(dir, STARTED);
	char *path = xasprintf("%s/read-pages.payments", dir);
	size_t len;
	char *good = hfile_read(path, &len);
	assert_non_null(good);
	const size_t hdr = 104;
	size_t taken = 0;
	for (size_t i = hdr; i + 8 < len; i++) {
		char *bad = xmalloc(len);
		memcpy(bad, good, len);
		bad[i] = (char)(bad[i] ^ 0x01);
		uint64_t sum = hfile_sum64(bad + hdr, len - hdr - 8);
		for (int k = 0; k < 8; k++)
			bad[len - 8 + k] = (char)(sum >> (8 * k));
		assert_int_equal(hfile_replace(path, bad, len), 1);
		free(bad);
		prec_t *r = prec_open(dir, NAMES, 2, CONTEXTS, REPOS, 1, STARTED + 5, 1);
		prec_read_t got, want;
		fsu_stat_id_t st;
		sample(&want, &st);
		fm_free(&want.fm);
		diag_list_t d;
		diag_init(&d);
		if (prec_take(r, 0, 1, "payments/disk-full.md", &st, &got, &d)) {
			taken++; /* a changed string byte decodes: lengths and counts still agree */
			fm_free(&got.fm);
			prec_md_t md;
			if (prec_md(r, 0, &md))
				prec_md_clear(&md);
		}
		diag_free(&d);
		prec_free(r);
	}
	assert_true(taken < len - hdr - 8);
	free(good);
	unlink(path);
	free(path);
	rmdir(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_by_identity),
		cmocka_unit_test(test_racy_file_is_not_taken),
		cmocka_unit_test(test_lying_file_is_read_safely),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
