/* regex.c - the configuration's regular expressions, bounded. See regex.h. */
#include "regex.h"

#include <pthread.h>
#include <string.h>

#include "buf.h"

static pcre2_match_context *rx_ctx;
static pthread_once_t rx_once = PTHREAD_ONCE_INIT;

static void rx_init(void)
{
	rx_ctx = pcre2_match_context_create(NULL);
	if (!rx_ctx)
		abort();
	pcre2_set_match_limit(rx_ctx, RX_MATCH_LIMIT);
	pcre2_set_depth_limit(rx_ctx, RX_DEPTH_LIMIT);
}

pcre2_match_context *rx_match_context(void)
{
	pthread_once(&rx_once, rx_init);
	return rx_ctx;
}

int rx_limit_hit(int rc)
{
	return rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT;
}

/* Subjects that make the usual catastrophic patterns backtrack: the
 * pattern's own letters and digits repeated, each followed by a character
 * the pattern does not expect. */
static int trial(pcre2_code *re, const char *pattern)
{
	char chars[64];
	size_t nc = 0;
	for (const char *p = pattern; *p && nc < sizeof chars; p++) {
		unsigned char c = (unsigned char)*p;
		if (((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' ||
		     c == '.' || c == '-' || c == '_') &&
		    !memchr(chars, c, nc))
			chars[nc++] = (char)c;
	}
	if (!nc)
		chars[nc++] = 'a';
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	int hit = 0;
	char subject[66];
	for (size_t i = 0; i <= nc && !hit; i++) {
		/* one character repeated, then all of them in turn */
		for (size_t k = 0; k < 64; k++)
			subject[k] = i < nc ? chars[i] : chars[k % nc];
		subject[64] = '\x01';
		subject[65] = '\0';
		hit = rx_limit_hit(pcre2_match(re, (PCRE2_SPTR)subject, 65, 0, 0, md, rx_match_context()));
	}
	pcre2_match_data_free(md);
	return hit;
}

pcre2_code *rx_compile(const char *pattern, char **why, size_t *offset)
{
	int err;
	PCRE2_SIZE off;
	*why = NULL;
	*offset = 0;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, RX_COMPILE_OPTIONS, &err, &off,
				       NULL);
	if (!re) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(err, msg, sizeof msg);
		*why = xstrdup((const char *)msg);
		*offset = off;
		return NULL;
	}
	if (trial(re, pattern)) {
		*why = xasprintf("it backtracks catastrophically (more than %d steps on a 65-character path); "
				 "avoid nested repetition such as (a+)+ or (.*x){n}",
				 RX_MATCH_LIMIT);
		pcre2_code_free(re);
		return NULL;
	}
	return re;
}
