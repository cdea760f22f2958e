/* incverify.c - the verify option: compare with a full build. See incverify.h. */
#include "incverify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "dating.h"
#include "fsutil.h"
#include "incstat.h"
#include "incstate.h"
#include "map.h"
#include "render.h"
#include "serve.h"

typedef struct {
	const char *root;
	map_t *out;
	size_t *n;
} list_ctx_t;

static void list_entry(const char *crel, void *ud)
{
	const list_ctx_t *l = ud;
	char *abs = xasprintf("%s/%s", l->root, crel);
	if (fsu_is_dir(abs)) {
		inc_each_entry(l->root, crel, list_entry, ud);
	} else {
		map_put(l->out, crel, MAP_INT(1));
		(*l->n)++;
	}
	free(abs);
}

/* Every file below `root` into `out` (relative paths), counted in *n. */
static void list_files(const char *root, map_t *out, size_t *n)
{
	list_ctx_t l = {root, out, n};
	inc_each_entry(root, "", list_entry, &l);
}

static int same_file(const char *a, const char *b)
{
	buf_t x = BUF_INIT, y = BUF_INIT;
	int ra = fsu_read_file(&x, a, 1u << 30), rb = fsu_read_file(&y, b, 1u << 30);
	int same = ra == 0 && rb == 0 && x.len == y.len && (!x.len || !memcmp(x.s, y.s, x.len));
	buf_free(&x);
	buf_free(&y);
	return same;
}

void incverify_run(inc_t *inc)
{
	/* files changed again meanwhile: a full build would see newer input; the next rebuild verifies */
	if (watch_pending(inc->w))
		return;
	free(inc->isnew); /* the diagnostics are sorted again below */
	inc->isnew = NULL;
	site_t *v = xcalloc(1, sizeof *v);
	site_opts_t o = inc->s->opts;
	unsigned long bad = 0;
	if (site_load(v, &o) == 0) {
		char *dir = inc_next_dir(inc, "verify");
		if (render_site(v, dir) == 0) {
			const char *root = srv_root(inc->srv);
			map_t a = MAP_INIT, b = MAP_INIT;
			size_t na = 0, nb = 0;
			list_files(root, &a, &na);
			list_files(dir, &b, &nb);
			for (size_t i = 0; i < b.cap; i++) {
				if (!b.slots[i].key)
					continue;
				const char *rel = b.slots[i].key;
				char *pa = xasprintf("%s/%s", root, rel), *pb = xasprintf("%s/%s", dir, rel);
				if (!map_get(&a, rel, NULL) || !same_file(pa, pb)) {
					if (bad < 10)
						fprintf(stderr, "almanac serve: verify: %s differs from a full build\n", rel);
					bad++;
				}
				free(pa);
				free(pb);
			}
			for (size_t i = 0; i < a.cap; i++)
				if (a.slots[i].key && !map_get(&b, a.slots[i].key, NULL)) {
					if (bad < 10)
						fprintf(stderr, "almanac serve: verify: %s should not exist\n", a.slots[i].key);
					bad++;
				}
			map_free(&a);
			map_free(&b);
		} else {
			bad++;
		}
		fsu_remove_tree(dir);
		free(dir);
		diag_sort(&v->diags);
		diag_sort(&inc->s->diags);
		int same = v->diags.len == inc->s->diags.len;
		for (size_t i = 0; same && i < v->diags.len; i++)
			same = incstat_diag_same(&v->diags.items[i], &inc->s->diags.items[i]);
		if (!same) {
			fprintf(stderr, "almanac serve: verify: diagnostics differ from a full build (%zu vs %zu)\n",
				inc->s->diags.len, v->diags.len);
			for (size_t i = 0, shown = 0; i < v->diags.len && shown < 5; i++) {
				int found = 0;
				for (size_t j = 0; j < inc->s->diags.len && !found; j++)
					found = incstat_diag_same(&v->diags.items[i], &inc->s->diags.items[j]);
				if (!found) {
					char *l = incstat_diag_line(&v->diags.items[i]);
					fprintf(stderr, "  missing: %s\n", l);
					free(l);
					shown++;
				}
			}
			for (size_t j = 0, shown = 0; j < inc->s->diags.len && shown < 5; j++) {
				int found = 0;
				for (size_t i = 0; i < v->diags.len && !found; i++)
					found = incstat_diag_same(&v->diags.items[i], &inc->s->diags.items[j]);
				if (!found) {
					char *l = incstat_diag_line(&inc->s->diags.items[j]);
					fprintf(stderr, "  extra: %s\n", l);
					free(l);
					shown++;
				}
			}
			bad++;
		}
	} else {
		bad++;
	}
	dating_release(v);
	site_free(v);
	free(v);
	inc->verify_mismatches += bad;
}
