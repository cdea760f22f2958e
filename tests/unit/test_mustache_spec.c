/* test_mustache_spec.c - run every case of the Mustache spec JSON files
 * (conformance/mustache-spec/ *.json in the shared folder) through the
 * mustache module and compare the output with `expected` byte for byte.
 *
 * The shared folder is $ALMANAC_SHARED, else $ALMANAC_SOURCE_ROOT/../shared,
 * else ../shared. When the spec folder is absent the test is skipped (cmocka
 * skip(); the process exits 77 so meson reports SKIP). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "diag.h"
#include "mustache.h"
#include "val.h"

static char *spec_dir(void)
{
	const char *shared = getenv("ALMANAC_SHARED");
	if (shared && *shared)
		return xasprintf("%s/conformance/mustache-spec", shared);
	const char *root = getenv("ALMANAC_SOURCE_ROOT");
	if (root && *root)
		return xasprintf("%s/../shared/conformance/mustache-spec", root);
	return xstrdup("../shared/conformance/mustache-spec");
}

static int dir_exists(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	buf_t b = BUF_INIT;
	char tmp[8192];
	size_t n;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		buf_put(&b, tmp, n);
	fclose(f);
	*len = b.len;
	return buf_detach(&b);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Print a string with control characters visible. */
static void show(const char *label, const char *s, size_t n)
{
	fprintf(stderr, "    %s: \"", label);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '\n')
			fputs("\\n", stderr);
		else if (ch == '\r')
			fputs("\\r", stderr);
		else if (ch == '\t')
			fputs("\\t", stderr);
		else if (ch == '"')
			fputs("\\\"", stderr);
		else
			fputc(ch, stderr);
	}
	fputs("\"\n", stderr);
}

/* Run one case; returns 1 when it passes. */
static int run_case(const char *file, const val_t *tc)
{
	const char *name = val_as_str(val_map_get(tc, "name"));
	const char *tmpl = val_as_str(val_map_get(tc, "template"));
	const val_t *expected = val_map_get(tc, "expected");
	const val_t *data = val_map_get(tc, "data");
	const val_t *partials = val_map_get(tc, "partials");
	if (!name || !tmpl || !expected || expected->type != VAL_STR) {
		fprintf(stderr, "  %s: malformed case %s\n", file, name ? name : "?");
		return 0;
	}
	mus_set_t *set = mus_set_new();
	diag_list_t d;
	diag_init(&d);
	int ok = 1;
	if (partials && partials->type == VAL_MAP) {
		for (size_t i = 0; i < partials->len; i++) {
			const val_t *p = partials->pairs[i].val;
			if (p->type == VAL_STR &&
			    mus_set_add(set, partials->pairs[i].key, p->str, p->len, &d) != 0)
				ok = 0;
		}
	}
	const char *tname = "__spec_template__";
	if (mus_set_add(set, tname, tmpl, val_map_get(tc, "template")->len, &d) != 0)
		ok = 0;
	buf_t out = BUF_INIT;
	const val_t *stack[1] = {data};
	if (ok && mus_render(set, tname, stack, 1, &out, &d) != 0)
		ok = 0;
	if (!ok || out.len != expected->len || memcmp(buf_cstr(&out), expected->str, out.len) != 0) {
		fprintf(stderr, "  FAIL %s: %s\n", file, name);
		show("template", tmpl, strlen(tmpl));
		show("expected", expected->str, expected->len);
		show("got     ", buf_cstr(&out), out.len);
		for (size_t i = 0; i < d.len; i++)
			fprintf(stderr, "    diag %s:%d:%d: %s\n", d.items[i].file, d.items[i].line,
				d.items[i].col, d.items[i].message);
		ok = 0;
	}
	buf_free(&out);
	diag_free(&d);
	mus_set_free(set);
	return ok;
}

static void test_spec_all(void **state)
{
	(void)state;
	char *dir = spec_dir();
	if (!dir_exists(dir)) {
		printf("skipping: %s not found\n", dir);
		free(dir);
		skip();
		return;
	}
	DIR *dh = opendir(dir);
	assert_non_null(dh);
	char **files = NULL;
	size_t nfiles = 0;
	struct dirent *de;
	while ((de = readdir(dh)) != NULL) {
		size_t l = strlen(de->d_name);
		if (l > 5 && strcmp(de->d_name + l - 5, ".json") == 0) {
			files = xrealloc(files, (nfiles + 1) * sizeof *files);
			files[nfiles++] = xstrdup(de->d_name);
		}
	}
	closedir(dh);
	qsort(files, nfiles, sizeof *files, cmp_str);

	size_t total = 0, passed = 0, bad_files = 0;
	for (size_t f = 0; f < nfiles; f++) {
		char *path = xasprintf("%s/%s", dir, files[f]);
		size_t len = 0;
		char *text = read_file(path, &len);
		val_t *doc = NULL;
		char err[256];
		if (!text || val_parse_json(&doc, text, len, err, sizeof err) != 0) {
			fprintf(stderr, "  %s: cannot read or parse: %s\n", files[f],
				text ? err : "read error");
			bad_files++;
		} else {
			const val_t *tests = val_map_get(doc, "tests");
			size_t fpass = 0, fn = tests ? tests->len : 0;
			for (size_t i = 0; i < fn; i++)
				fpass += (size_t)run_case(files[f], tests->items[i]);
			printf("%-22s %zu/%zu\n", files[f], fpass, fn);
			total += fn;
			passed += fpass;
		}
		val_free(doc);
		free(text);
		free(path);
	}
	printf("mustache spec: %zu of %zu cases in %zu files pass\n", passed, total, nfiles);
	for (size_t f = 0; f < nfiles; f++)
		free(files[f]);
	free(files);
	free(dir);
	assert_int_equal(bad_files, 0);
	assert_true(nfiles > 0);
	assert_true(total > 0);
	assert_int_equal(passed, total);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_all),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	char *dir = spec_dir();
	int missing = !dir_exists(dir);
	free(dir);
	if (rc == 0 && missing)
		return 77;
	return rc;
}
