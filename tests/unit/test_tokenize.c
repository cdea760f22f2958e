/* test_tokenize.c - the search tokenizer: identifiers kept whole and split,
 * case folding, stop words, length limits, UTF-8, and the Snowball stemmer
 * wrapper. (The JavaScript twin is checked against the same rules by
 * tests/integration/test_search_stemmer.py.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "tokenize.h"

/* Collects "word/kind" items separated by spaces; kind w|W|p. */
static int collect(void *ctx, const char *word, size_t len, tok_kind kind)
{
	buf_t *b = ctx;
	if (b->len)
		buf_putc(b, ' ');
	buf_put(b, word, len);
	buf_putc(b, '/');
	buf_putc(b, kind == TOK_WORD ? 'w' : kind == TOK_WHOLE ? 'W' : 'p');
	return 0;
}

static char *split(const char *text)
{
	buf_t b = BUF_INIT;
	assert_int_equal(tok_split(text, strlen(text), collect, &b), 0);
	return buf_detach(&b);
}

#define assert_split(text, expect) do { \
	char *got_ = split(text); \
	assert_string_equal(got_, expect); \
	free(got_); \
} while (0)

static void test_plain_words(void **state)
{
	(void)state;
	assert_split("Restart the Node, then check logs.", "restart/w node/w check/w logs/w");
	assert_split("", "");
	assert_split("  ,;:!  ", "");
	/* a sentence's full stop is not a joiner; a dot between letters is */
	assert_split("see api.example.com. Done", "see/w api.example.com/W api/p example/p com/p done/w");
	assert_split("v1.2.3", "v1.2.3/W v1/p");
}

static void test_identifiers(void **state)
{
	(void)state;
	assert_split("CrashLoopBackOff", "crashloopbackoff/W crash/p loop/p back/p off/p");
	assert_split("kube-proxy", "kube-proxy/W kube/p proxy/p");
	assert_split("cert-manager", "cert-manager/W cert/p manager/p");
	assert_split("etcd_db_total_size", "etcd_db_total_size/W etcd/p db/p total/p size/p");
	assert_split("KubePodCrashLooping", "kubepodcrashlooping/W kube/p pod/p crash/p looping/p");
	assert_split("HTTPServer", "httpserver/W http/p server/p");
	assert_split("ipv6Address", "ipv6address/W ipv6/p address/p");
	/* leading or doubled joiners do not join */
	assert_split("--force", "force/w");
	assert_split("a--b", "");
	assert_split("node--pool", "node/w pool/w");
	/* a part that is a stop word or too short is dropped, the whole is kept */
	assert_split("on-call", "on-call/W call/p");
	assert_split("x-ray", "x-ray/W ray/p");
}

static void test_filters(void **state)
{
	(void)state;
	/* stop words, single letters */
	assert_split("The a of I x", "");
	assert_split("up down out off not no all", "up/w down/w out/w off/w not/w no/w all/w");
	assert_int_equal(tok_is_stopword("the", 3), 1);
	assert_int_equal(tok_is_stopword("down", 4), 0);
	assert_int_equal(tok_is_stopword("thereafter", 10), 0);
	/* 64 characters kept, 65 dropped (its parts kept) */
	char w64[65], w65[80];
	memset(w64, 'a', 64);
	w64[64] = '\0';
	char *got = split(w64);
	assert_int_equal(strlen(got), 64 + 2);
	free(got);
	memset(w65, 'b', 60);
	memcpy(w65 + 60, "-cdef", 6);
	got = split(w65);
	assert_non_null(strstr(got, "cdef/p"));
	assert_null(strstr(got, "/W"));
	free(got);
}

static void test_utf8(void **state)
{
	(void)state;
	/* accented letters are word characters and keep their case (ASCII only folds) */
	assert_split("Caf\xC3\xA9 \xC3\x89t\xC3\xA9", "caf\xC3\xA9/w \xC3\x89t\xC3\xA9/w");
	/* em dash, emoji and invalid bytes separate words */
	assert_split("deploy\xE2\x80\x94rollback", "deploy/w rollback/w");
	assert_split("ship\xF0\x9F\x9A\x80now", "ship/w now/w");
	assert_split("bad\xFF\xFE" "bytes", "bad/w bytes/w");
	/* a truncated sequence at the end */
	assert_split("tail\xC3", "tail/w");
	assert_int_equal(tok_utf8_chars("caf\xC3\xA9", 5), 4);
}

static int stop_after_two(void *ctx, const char *word, size_t len, tok_kind kind)
{
	(void)word;
	(void)len;
	(void)kind;
	int *n = ctx;
	return ++*n == 2 ? 7 : 0;
}

static void test_callback_stops(void **state)
{
	(void)state;
	int n = 0;
	const char *t = "one two three four";
	assert_int_equal(tok_split(t, strlen(t), stop_after_two, &n), 7);
	assert_int_equal(n, 2);
}

/* tok_split_cstr stops at the NUL and agrees with tok_split on the text
 * before it, including words cut by the end (a joiner, a truncated UTF-8
 * sequence, a case change). */
static void test_split_cstr(void **state)
{
	(void)state;
	const char *texts[] = {
		"", "x", "Restart the Node, then check logs.", "kube-", "kube-proxy", "HTTPS", "HTTPServer",
		"tail\xC3", "caf\xC3\xA9", "v1.2.", "a--b", "CrashLoopBackOff etcd_db_total_size ipv6Address",
		"deploy\xE2\x80\x94rollback \xE2\x80", "ship\xF0\x9F\x9A\x80now bad\xFF\xFE" "bytes",
	};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		buf_t a = BUF_INIT, b = BUF_INIT;
		assert_int_equal(tok_split(texts[i], strlen(texts[i]), collect, &a), 0);
		assert_int_equal(tok_split_cstr(texts[i], collect, &b), 0);
		assert_string_equal(buf_cstr(&a), buf_cstr(&b));
		buf_free(&a);
		buf_free(&b);
	}
	/* words after an embedded NUL are not read */
	buf_t c = BUF_INIT;
	assert_int_equal(tok_split_cstr("node\0pool", collect, &c), 0);
	assert_string_equal(buf_cstr(&c), "node/w");
	buf_free(&c);
	int n = 0;
	assert_int_equal(tok_split_cstr("one two three four", stop_after_two, &n), 7);
	assert_int_equal(n, 2);
}

static void test_stemmer(void **state)
{
	(void)state;
	tok_stemmer_t *s = NULL;
	assert_int_equal(tok_stemmer_new(&s), 0);
	static const char *const cases[][2] = {
		{"certificates", "certif"}, {"certificate", "certif"}, {"running", "run"},
		{"restarted", "restart"}, {"kubepodcrashlooping", "kubepodcrashloop"},
		{"added", "ad"}, {"skies", "sky"}, {"generously", "generous"}, {"ab", "ab"},
		{"cert-manager", "cert-manag"}, {"evening", "even"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n;
		const char *r = tok_stem(s, cases[i][0], strlen(cases[i][0]), &n);
		assert_non_null(r);
		char *got = xstrndup(r, n);
		assert_string_equal(got, cases[i][1]);
		free(got);
	}
	tok_stemmer_free(s);
	tok_stemmer_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_words),
		cmocka_unit_test(test_identifiers),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_callback_stops),
		cmocka_unit_test(test_split_cstr),
		cmocka_unit_test(test_stemmer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
