/* slowstem.c - a test fixture, preloaded into almanac (LD_PRELOAD): the
 * first call of libstemmer's sb_stemmer_stem sleeps SLOWSTEM_MS milliseconds
 * (default 1000), so the search index's tokenizing, which a build starts
 * beside the history walk, finishes after everything else. test_build uses it
 * to check that the index waits for it (and, in the sanitizer build, that no
 * page text is read while that thread still shortens it).
 *
 * With SLOWSTEM_EACH_MS, every call sleeps that long instead (a tokenizing
 * that takes long but can stop between pages), and with SLOWSTEM_COUNT=FILE
 * the number of calls is written to FILE when the process exits: test_hostile
 * uses both to check that Ctrl-C stops that tokenizing instead of waiting for
 * it.
 *
 * With SLOWYAML_EACH_MS, every libyaml parser made (yaml_parser_initialize: a page's front matter while
 * the pages are read, a configuration file) takes that long more; SLOWYAML_COUNT=FILE gets their number
 * at exit, and SLOWYAML_MARK=FILE is created once SLOWYAML_MARK_AFTER of them (default 20) were made:
 * test_hostile sends Ctrl-C then, while the pages are read, and checks that the reading stops. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct sb_stemmer;
typedef unsigned char sb_symbol;
typedef const sb_symbol *(*stem_fn)(struct sb_stemmer *, const sb_symbol *, int);

const sb_symbol *sb_stemmer_stem(struct sb_stemmer *z, const sb_symbol *w, int n);

static long calls;

static void sleep_ms(long v)
{
	struct timespec ts = {v / 1000, (v % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

const sb_symbol *sb_stemmer_stem(struct sb_stemmer *z, const sb_symbol *w, int n)
{
	static int slept;
	stem_fn real = (stem_fn)dlsym(RTLD_NEXT, "sb_stemmer_stem");
	__atomic_add_fetch(&calls, 1, __ATOMIC_SEQ_CST);
	const char *each = getenv("SLOWSTEM_EACH_MS");
	if (each) {
		sleep_ms(atol(each));
	} else if (!__atomic_exchange_n(&slept, 1, __ATOMIC_SEQ_CST)) {
		const char *ms = getenv("SLOWSTEM_MS");
		sleep_ms(ms ? atol(ms) : 1000);
	}
	return real(z, w, n);
}

static long yaml_calls;

typedef int (*yaml_init_fn)(void *);

int yaml_parser_initialize(void *parser);

int yaml_parser_initialize(void *parser)
{
	yaml_init_fn real = (yaml_init_fn)dlsym(RTLD_NEXT, "yaml_parser_initialize");
	long n = __atomic_add_fetch(&yaml_calls, 1, __ATOMIC_SEQ_CST);
	const char *each = getenv("SLOWYAML_EACH_MS");
	if (each)
		sleep_ms(atol(each));
	const char *mark = getenv("SLOWYAML_MARK");
	const char *after = getenv("SLOWYAML_MARK_AFTER");
	if (mark && n == (after ? atol(after) : 20)) {
		FILE *f = fopen(mark, "w");
		if (f)
			fclose(f);
	}
	return real(parser);
}

static void write_number(const char *path, long n)
{
	FILE *f = path ? fopen(path, "w") : NULL;
	if (!f)
		return;
	fprintf(f, "%ld\n", n);
	fclose(f);
}

__attribute__((destructor)) static void write_count(void)
{
	write_number(getenv("SLOWSTEM_COUNT"), __atomic_load_n(&calls, __ATOMIC_SEQ_CST));
	write_number(getenv("SLOWYAML_COUNT"), __atomic_load_n(&yaml_calls, __ATOMIC_SEQ_CST));
}
