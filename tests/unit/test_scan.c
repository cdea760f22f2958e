/* test_scan.c - finding a site's pages and files (gen/scan.h) on a real folder tree, and Ctrl-C during
 * it: a work tree of a million files must not hold an interrupted build until its scan is over. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "config.h"
#include "fsutil.h"
#include "pathres.h"
#include "publish.h"
#include "scan.h"

static char base[64];

static int setup(void **state)
{
	(void)state;
	snprintf(base, sizeof base, "/tmp/almanac-scan-XXXXXX");
	if (!mkdtemp(base))
		return -1;
	for (int d = 0; d < 10; d++)
		for (int f = 0; f < 30; f++) {
			char *p = xasprintf("%s/content/d%02d/p%02d.md", base, d, f);
			char *dir = fsu_dirname(p);
			if (fsu_mkdirs(dir, 0755) || fsu_write_file(p, "# P\n", 4)) {
				free(dir);
				free(p);
				return -1;
			}
			free(dir);
			free(p);
		}
	char *img = xasprintf("%s/content/d00/diagram.png", base);
	int rc = fsu_write_file(img, "PNG", 3);
	free(img);
	return rc;
}

static int teardown(void **state)
{
	(void)state;
	fsu_remove_tree(base);
	return 0;
}

/* Scan base's work tree with the default content folders. */
static void scan(scan_result_t *out)
{
	char *root = xasprintf("%s/", base);
	pr_root_t *tree = NULL;
	assert_int_equal(pr_root_open(&tree, root, PR_REPO), 0);
	config_t cfg;
	config_defaults(&cfg);
	diag_list_t d;
	diag_init(&d);
	assert_int_equal(scan_tree(out, root, tree, &cfg, NULL, NULL, &d), 0);
	assert_int_equal(d.len, 0);
	diag_free(&d);
	config_free(&cfg);
	pr_root_free(tree);
	free(root);
}

static void test_finds_pages_and_files(void **state)
{
	(void)state;
	scan_result_t r;
	scan(&r);
	assert_int_equal(r.npages, 300);
	assert_string_equal(r.pages[0], "content/d00/p00.md");
	assert_int_equal(r.nassets, 1);
	assert_string_equal(r.assets[0], "content/d00/diagram.png");
	scan_free(&r);
}

/* Runs last: the process stays interrupted. */
static void test_ctrl_c_ends_the_scan_at_once(void **state)
{
	(void)state;
	pub_install_signal_handlers();
	raise(SIGINT);
	assert_true(pub_interrupted());
	scan_result_t r;
	scan(&r);
	assert_int_equal(r.npages + r.nassets, 0); /* not one folder more was read */
	scan_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_finds_pages_and_files),
		cmocka_unit_test(test_ctrl_c_ends_the_scan_at_once),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
