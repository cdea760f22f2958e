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
 * it. */
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

__attribute__((destructor)) static void write_count(void)
{
	const char *path = getenv("SLOWSTEM_COUNT");
	FILE *f = path ? fopen(path, "w") : NULL;
	if (!f)
		return;
	fprintf(f, "%ld\n", __atomic_load_n(&calls, __ATOMIC_SEQ_CST));
	fclose(f);
}
