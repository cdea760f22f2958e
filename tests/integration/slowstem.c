/* slowstem.c - a test fixture, preloaded into almanac (LD_PRELOAD): the
 * first call of libstemmer's sb_stemmer_stem sleeps SLOWSTEM_MS milliseconds
 * (default 1000), so the search index's tokenizing, which a build starts
 * beside the history walk, finishes after everything else. test_build uses it
 * to check that the index waits for it (and, in the sanitizer build, that no
 * page text is read while that thread still shortens it). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>

struct sb_stemmer;
typedef unsigned char sb_symbol;
typedef const sb_symbol *(*stem_fn)(struct sb_stemmer *, const sb_symbol *, int);

const sb_symbol *sb_stemmer_stem(struct sb_stemmer *z, const sb_symbol *w, int n);

const sb_symbol *sb_stemmer_stem(struct sb_stemmer *z, const sb_symbol *w, int n)
{
	static int slept;
	stem_fn real = (stem_fn)dlsym(RTLD_NEXT, "sb_stemmer_stem");
	if (!__atomic_exchange_n(&slept, 1, __ATOMIC_SEQ_CST)) {
		const char *ms = getenv("SLOWSTEM_MS");
		long v = ms ? atol(ms) : 1000;
		struct timespec ts = {v / 1000, (v % 1000) * 1000000L};
		nanosleep(&ts, NULL);
	}
	return real(z, w, n);
}
