/* fuzz_mustache.c - libFuzzer target: the template engine.
 *
 * Input layout: TEMPLATE [ "\n%%\n" PARTIAL [ "\n%%\n" JSON ] ]. The
 * template is added as "main", the partial as "p" (so {{>p}}, {{<p}} and
 * dynamic names reach it), and JSON, when it parses, is the innermost
 * context above a fixed one. Rendering must terminate (recursion limits),
 * and any diagnostic must have a position and a message. A second render of
 * the same set must give byte-identical output (determinism, no state kept
 * between renders). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "mustache.h"
#include "val.h"

static val_t *base_ctx;

static void make_base(void)
{
	base_ctx = val_map();
	val_map_set_str(base_ctx, "title", "<b>T & \"q\" 'a'</b>");
	val_map_set_num(base_ctx, "n", 3);
	val_map_set_bool(base_ctx, "yes", 1);
	val_map_set_str(base_ctx, "name", "p");
	val_t *l = val_map_set(base_ctx, "list", val_list());
	for (int i = 0; i < 3; i++) {
		val_t *it = val_list_push(l, val_map());
		val_map_set_num(it, "i", i);
		val_map_set_str(it, "s", "<x>");
	}
	val_t *m = val_map_set(base_ctx, "page", val_map());
	val_map_set_str(m, "title", "Page");
	val_map_set(m, "children", val_list());
}

static const char *find_sep(const char *s, size_t n)
{
	for (size_t i = 0; i + 4 <= n; i++)
		if (!memcmp(s + i, "\n%%\n", 4))
			return s + i;
	return NULL;
}

static void check_diags(const diag_list_t *d)
{
	for (size_t i = 0; i < d->len; i++)
		if (d->items[i].line < 0 || d->items[i].col < 0 || !d->items[i].message)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!base_ctx)
		make_base();
	const char *s = (const char *)data;
	const char *sep1 = find_sep(s, size);
	size_t tlen = sep1 ? (size_t)(sep1 - s) : size;
	const char *part = sep1 ? sep1 + 4 : NULL;
	size_t plen = 0, jlen = 0;
	const char *json = NULL;
	if (part) {
		const char *sep2 = find_sep(part, size - (size_t)(part - s));
		plen = sep2 ? (size_t)(sep2 - part) : size - (size_t)(part - s);
		if (sep2) {
			json = sep2 + 4;
			jlen = size - (size_t)(json - s);
		}
	}
	diag_list_t d;
	diag_init(&d);
	mus_set_t *set = mus_set_new();
	int ok = mus_set_add(set, "main", s, tlen, &d) == 0;
	if (part)
		mus_set_add(set, "p", part, plen, &d);
	val_t *extra = NULL;
	if (json) {
		char err[256];
		if (val_parse_json(&extra, json, jlen, err, sizeof err) != 0)
			extra = NULL;
	}
	if (ok) {
		const val_t *stack[2] = {base_ctx, extra};
		buf_t a = BUF_INIT, b = BUF_INIT;
		int r1 = mus_render(set, "main", stack, 2, &a, &d);
		int r2 = mus_render(set, "main", stack, 2, &b, NULL);
		if (r1 != r2 || a.len != b.len || (a.len && memcmp(a.s, b.s, a.len)))
			abort();
		buf_free(&a);
		buf_free(&b);
	} else if (diag_count(&d, DIAG_ERROR) == 0) {
		abort(); /* a refused template always says why */
	}
	check_diags(&d);
	val_free(extra);
	mus_set_free(set);
	diag_free(&d);
	return 0;
}
