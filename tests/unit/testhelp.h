/* testhelp.h - small assertion helpers shared by the cmocka unit tests.
 * Include after <cmocka.h> and <stdlib.h>. */
#ifndef ALMANAC_TESTS_TESTHELP_H
#define ALMANAC_TESTS_TESTHELP_H

/* Assert that `expr`, a call returning a string the caller owns, returns
 * `want`; the returned string is freed (a macro, so a failure names the
 * test's own line). */
#define assert_owned_string_equal(expr, want)        \
	do {                                         \
		char *owned_ = (expr);               \
		assert_string_equal(owned_, (want)); \
		free(owned_);                        \
	} while (0)

#endif
