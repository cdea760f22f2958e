/* test_gitobj.c - the object reader's size limit (gitobj.h: GITOBJ_MAX_LEN).
 *
 * A corrupted repository may hold an object whose header claims far more
 * bytes than it has (fuzz_history found one claiming 2.3 GB, which libgit2
 * allocated before reading). The reader looks at the header first and
 * refuses such an object with a message, without reading it; an ordinary
 * object is read as before. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <git2.h>

#include "gitdelta.h"
#include "gitobj.h"
#include "githelp.h"

static void test_odb_size_limit(void **state)
{
	(void)state;
	char dir[256];
	assert_int_equal(gh_repo_init(dir, sizeof dir, "almanac-gitobj"), 0);
	/* a loose commit whose header says 2,000,000,000 bytes, with a few bytes of body */
	gh_sh(dir, "python3 -c \"import os, zlib; d = '.git/objects/12'; os.makedirs(d, exist_ok=True); "
		   "open(d + '/' + '3' * 38, 'wb').write(zlib.compress(b'commit 2000000000\\0tree 0\\n'))\"");
	git_repository *repo = NULL;
	assert_int_equal(git_repository_open(&repo, dir), 0);
	git_odb *odb = NULL;
	assert_int_equal(git_repository_odb(&odb, repo), 0);
	git_oid id;
	assert_int_equal(git_oid_fromstr(&id, "1233333333333333333333333333333333333333"), 0);
	int rc = 0;
	gitobj_t *o = gitobj_read_odb(odb, &id, &rc);
	assert_null(o);
	assert_true(rc < 0);
	const git_error *e = git_error_last();
	assert_non_null(e);
	assert_non_null(strstr(e->message, "says it is 2000000000 bytes, larger than the 256 MiB"));
	/* an ordinary object still reads */
	git_oid small;
	assert_int_equal(git_odb_write(&small, odb, "hello", 5, GIT_OBJECT_BLOB), 0);
	o = gitobj_read_odb(odb, &small, &rc);
	assert_non_null(o);
	assert_int_equal(o->len, 5);
	assert_memory_equal(o->data, "hello", 5);
	assert_int_equal(o->type, GIT_OBJECT_BLOB);
	gitobj_unref(o);
	git_odb_free(odb);
	git_repository_free(repo);
	gh_rmrf(dir);
}

/* A delta's own header announces the size of its result: a corrupt pack's
 * delta announcing 2^50 bytes made gitdelta_apply allocate that much (abort:
 * out of memory) before reading a single instruction. The same limit as an
 * object's header applies; an ordinary delta is applied as before. */
static void test_delta_result_size_limit(void **state)
{
	(void)state;
	gitobj_t *base = gitobj_new(GIT_OBJECT_BLOB, 5);
	memcpy(base->data, "hello", 5);
	/* base size 5, result size 2^50 (varint), then nothing */
	const unsigned char huge[] = {0x05, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
	assert_null(gitdelta_apply(base, huge, sizeof huge));
	/* just over the limit: refused too */
	size_t over = GITOBJ_MAX_LEN + 1;
	unsigned char d[16] = {0x05};
	size_t n = 1;
	for (size_t v = over; v; v >>= 7)
		d[n++] = (unsigned char)((v & 0x7f) | (v >> 7 ? 0x80 : 0));
	assert_null(gitdelta_apply(base, d, n));
	/* an ordinary delta: copy "hel" from the base, insert "p!" -> "help!" */
	const unsigned char ok[] = {0x05, 0x05, 0x90, 0x03, 0x02, 'p', '!'};
	gitobj_t *o = gitdelta_apply(base, ok, sizeof ok);
	assert_non_null(o);
	assert_int_equal(o->len, 5);
	assert_memory_equal(o->data, "help!", 5);
	assert_int_equal(o->type, GIT_OBJECT_BLOB);
	gitobj_unref(o);
	gitobj_unref(base);
}

int main(void)
{
	git_libgit2_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_odb_size_limit),
		cmocka_unit_test(test_delta_result_size_limit),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	git_libgit2_shutdown();
	return rc;
}
