/* test_mustache.c - the mustache module beyond the spec: escaping, data
 * model, syntax diagnostics with line:col, partial recursion bound, unknown
 * partials, layouts with blocks, and rendering one set from two threads.
 * (The spec conformance run is test_mustache_spec.c.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "mustache.h"
#include "val.h"

static val_t *json(const char *s)
{
	val_t *v = NULL;
	char err[256];
	if (val_parse_json(&v, s, strlen(s), err, sizeof err) != 0)
		fail_msg("bad test JSON: %s", err);
	return v;
}

/* Render `tmpl` against the JSON `data`; returns the output (caller frees). */
static char *render(const char *tmpl, const char *data, diag_list_t *d, int *rc)
{
	val_t *v = json(data);
	buf_t out = BUF_INIT;
	int r = mus_render_string(tmpl, strlen(tmpl), NULL, v, &out, d);
	if (rc)
		*rc = r;
	val_free(v);
	return buf_detach(&out);
}

static void expect(const char *tmpl, const char *data, const char *want)
{
	diag_list_t d;
	diag_init(&d);
	int rc = -1;
	char *got = render(tmpl, data, &d, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(got, want);
	assert_int_equal(d.len, 0);
	free(got);
	diag_free(&d);
}

static void test_escaping(void **state)
{
	(void)state;
	const char *data = "{\"x\": \"<a href=\\\"u\\\">'R&D'</a>\"}";
	expect("{{x}}", data, "&lt;a href=&quot;u&quot;&gt;&#39;R&amp;D&#39;&lt;/a&gt;");
	expect("{{{x}}}", data, "<a href=\"u\">'R&D'</a>");
	expect("{{& x }}", data, "<a href=\"u\">'R&D'</a>");
	/* a value that looks like a tag is never re-interpreted */
	expect("{{x}}", "{\"x\": \"{{y}}\", \"y\": \"no\"}", "{{y}}");
}

static void test_values(void **state)
{
	(void)state;
	expect("{{n}}|{{f}}|{{big}}|{{neg}}", "{\"n\": 3, \"f\": 2.5, \"big\": 1e6, \"neg\": -7}",
	       "3|2.5|1000000|-7");
	expect("{{t}} {{b}} {{z}} {{l}} {{m}}",
	       "{\"t\": true, \"b\": false, \"z\": null, \"l\": [1], \"m\": {\"a\": 1}}",
	       "true false   ");
	/* falsey: "", null, false, [], missing; truthy: 0, {} */
	expect("{{#s}}S{{/s}}{{^s}}not-s{{/s}}", "{\"s\": \"\"}", "not-s");
	expect("{{#z}}Z{{/z}}{{#m}}M{{/m}}{{#n}}N{{/n}}", "{\"z\": 0, \"m\": {}, \"n\": null}", "ZM");
	expect("{{#l}}({{.}}){{/l}}", "{\"l\": [\"a\", 2, true]}", "(a)(2)(true)");
	expect("{{#p}}{{name}} in {{city}}{{/p}}", "{\"p\": {\"name\": \"Ann\"}, \"city\": \"Oslo\"}",
	       "Ann in Oslo");
	expect("{{#s}}[{{.}}]{{/s}}", "{\"s\": \"x<\"}", "[x&lt;]");
}

static void test_context_stack(void **state)
{
	(void)state;
	val_t *site = json("{\"title\": \"Site\", \"base\": \"../\", \"who\": \"site\"}");
	val_t *page = json("{\"title\": \"Page\", \"who\": {\"name\": \"pg\"}}");
	const val_t *stack[2] = {site, page};
	mus_set_t *set = mus_set_new();
	const char *t = "{{title}} {{base}} {{who.name}}";
	assert_int_equal(mus_set_add(set, "t", t, strlen(t), NULL), 0);
	buf_t out = BUF_INIT;
	buf_puts(&out, ">");
	assert_int_equal(mus_render(set, "t", stack, 2, &out, NULL), 0);
	assert_string_equal(buf_cstr(&out), ">Page ../ pg"); /* appends, innermost wins */
	buf_clear(&out);
	assert_int_equal(mus_render(set, "t", stack, 1, &out, NULL), 0);
	assert_string_equal(buf_cstr(&out), "Site ../ ");
	buf_clear(&out);
	assert_int_equal(mus_render(set, "t", NULL, 0, &out, NULL), 0);
	assert_string_equal(buf_cstr(&out), "  ");
	buf_free(&out);
	mus_set_free(set);
	val_free(site);
	val_free(page);
}

/* Compiling `tmpl` fails with a first error at line:col whose message contains `msg`. */
static void syntax_error(const char *tmpl, int line, int col, const char *msg)
{
	mus_set_t *set = mus_set_new();
	diag_list_t d;
	diag_init(&d);
	assert_int_equal(mus_set_add(set, "theme/page.mustache", tmpl, strlen(tmpl), &d), -1);
	assert_int_equal(mus_set_has(set, "theme/page.mustache"), 0);
	assert_true(d.len >= 1);
	const diag_t *g = &d.items[0];
	if (g->line != line || g->col != col || !strstr(g->message, msg))
		fail_msg("template %s: got %d:%d %s; want %d:%d ...%s...", tmpl, g->line, g->col,
			 g->message, line, col, msg);
	assert_string_equal(g->file, "theme/page.mustache");
	assert_int_equal(g->severity, DIAG_ERROR);
	assert_string_equal(g->code, "template-syntax");
	diag_free(&d);
	mus_set_free(set);
}

static void test_syntax_errors(void **state)
{
	(void)state;
	syntax_error("a\n  {{#items}}\n  x\n", 2, 3, "unclosed section 'items'");
	syntax_error("{{#a}}\n{{^b}}{{/b}}\n {{/c}}", 3, 2, "closing tag 'c' does not match open section 'a'");
	syntax_error("{{#a}}x{{/a}}{{/a}}", 1, 14, "unexpected closing tag 'a'");
	syntax_error("ok\nx {{name", 2, 3, "unclosed tag");
	syntax_error("{{{raw}}", 1, 1, "unclosed tag");
	syntax_error("{{= | =}}", 1, 1, "bad delimiter change");
	syntax_error("{{=<% %> x=}}", 1, 1, "bad delimiter change");
	syntax_error("{{=<% %>}}", 1, 1, "unclosed tag");
	syntax_error("{{=<% %>=}}\n<%#a%>\n", 2, 1, "unclosed section 'a'");
	syntax_error("{{!\n\n}}  {{#x}}", 3, 5, "unclosed section 'x'");
	syntax_error("{{}}", 1, 1, "empty tag name");
	syntax_error("{{#}}{{/}}", 1, 1, "empty tag name");
	syntax_error("{{first name}}", 1, 1, "contains whitespace");
	syntax_error("{{<layout}}{{$body}}x{{/layout}}", 1, 22, "does not match open block 'body'");

	/* nesting limit: 101 nested sections */
	buf_t t = BUF_INIT;
	for (int i = 0; i <= MUS_MAX_NESTING; i++)
		buf_puts(&t, "{{#a}}");
	mus_set_t *set = mus_set_new();
	diag_list_t d;
	diag_init(&d);
	assert_int_equal(mus_set_add(set, "deep", t.s, t.len, &d), -1);
	assert_non_null(strstr(d.items[0].message, "nested deeper"));
	diag_free(&d);
	mus_set_free(set);
	buf_free(&t);

	/* a failed add leaves an earlier template of that name in place */
	set = mus_set_new();
	assert_int_equal(mus_set_add(set, "p", "old", 3, NULL), 0);
	assert_int_equal(mus_set_add(set, "p", "{{#x}}", 6, NULL), -1);
	buf_t out = BUF_INIT;
	assert_int_equal(mus_render(set, "p", NULL, 0, &out, NULL), 0);
	assert_string_equal(buf_cstr(&out), "old");
	/* a successful add replaces it */
	assert_int_equal(mus_set_add(set, "p", "new", 3, NULL), 0);
	assert_int_equal(mus_set_count(set), 1);
	buf_clear(&out);
	assert_int_equal(mus_render(set, "p", NULL, 0, &out, NULL), 0);
	assert_string_equal(buf_cstr(&out), "new");
	buf_free(&out);
	mus_set_free(set);
}

static void test_recursion_bound(void **state)
{
	(void)state;
	const char *cases[] = {"x{{>self}}", "{{>self}}{{>self}}", "{{<self}}{{/self}}",
			       "  {{>self}}\n"};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		mus_set_t *set = mus_set_new();
		assert_int_equal(mus_set_add(set, "self", cases[i], strlen(cases[i]), NULL), 0);
		diag_list_t d;
		diag_init(&d);
		buf_t out = BUF_INIT;
		assert_int_equal(mus_render(set, "self", NULL, 0, &out, &d), -1);
		assert_int_equal(diag_count(&d, DIAG_ERROR), 1);
		assert_string_equal(d.items[0].code, "template-recursion");
		assert_string_equal(d.items[0].file, "self");
		assert_int_equal(d.items[0].line, 1);
		assert_true(out.len < 64 * 64); /* stopped, not exponential */
		buf_free(&out);
		diag_free(&d);
		mus_set_free(set);
	}

	/* a block whose override refers to itself is bounded too */
	mus_set_t *set = mus_set_new();
	const char *lay = "{{$b}}{{/b}}", *pg = "{{<lay}}{{$b}}[{{$b}}{{/b}}]{{/b}}{{/lay}}";
	assert_int_equal(mus_set_add(set, "lay", lay, strlen(lay), NULL), 0);
	assert_int_equal(mus_set_add(set, "pg", pg, strlen(pg), NULL), 0);
	diag_list_t d;
	diag_init(&d);
	buf_t out = BUF_INIT;
	assert_int_equal(mus_render(set, "pg", NULL, 0, &out, &d), -1);
	assert_int_equal(diag_count(&d, DIAG_ERROR), 1);
	buf_free(&out);
	diag_free(&d);

	/* recursion driven by data, below the bound, is fine */
	const char *node = "{{name}}({{#kids}}{{>node}}{{/kids}})";
	assert_int_equal(mus_set_add(set, "node", node, strlen(node), NULL), 0);
	/* (leaves need "kids": [], or they would see their parent's kids) */
	val_t *tree = json("{\"name\": \"a\", \"kids\": [{\"name\": \"b\", \"kids\": "
			   "[{\"name\": \"c\", \"kids\": []}]}, {\"name\": \"d\", \"kids\": []}]}");
	const val_t *stack[1] = {tree};
	diag_init(&d);
	assert_int_equal(mus_render(set, "node", stack, 1, &out, &d), 0);
	assert_string_equal(buf_cstr(&out), "a(b(c())d())");
	assert_int_equal(d.len, 0);
	val_free(tree);
	buf_free(&out);
	diag_free(&d);
	mus_set_free(set);
}

static void test_unknown_partial(void **state)
{
	(void)state;
	mus_set_t *set = mus_set_new();
	const char *t = "a{{>nav}}b\n{{#l}}{{>nav}}{{/l}}{{>*which}}{{>*missing}}";
	assert_int_equal(mus_set_add(set, "page", t, strlen(t), NULL), 0);
	val_t *data = json("{\"l\": [1, 2, 3], \"which\": \"sidebar\"}");
	const val_t *stack[1] = {data};
	diag_list_t d;
	diag_init(&d);
	buf_t out = BUF_INIT;
	for (int round = 1; round <= 2; round++) {
		assert_int_equal(mus_render(set, "page", stack, 1, &out, &d), 0);
		/* once per name per render call; a dynamic name that resolves to nothing is silent */
		assert_int_equal(d.len, (size_t)(2 * round));
	}
	assert_string_equal(buf_cstr(&out), "ab\nab\n");
	diag_sort(&d); /* drops the duplicates of the second round */
	assert_int_equal(d.len, 2);
	assert_int_equal(d.items[0].severity, DIAG_WARNING);
	assert_string_equal(d.items[0].code, "unknown-partial");
	assert_string_equal(d.items[0].message, "unknown partial 'nav'");
	assert_int_equal(d.items[0].line, 1);
	assert_int_equal(d.items[0].col, 2);
	assert_string_equal(d.items[1].message, "unknown partial 'sidebar'");
	assert_int_equal(d.items[1].line, 2);
	assert_int_equal(d.items[1].col, 21);

	/* unknown top-level template */
	diag_free(&d);
	diag_init(&d);
	assert_int_equal(mus_render(set, "nope", stack, 1, &out, &d), -1);
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].code, "unknown-template");
	buf_free(&out);
	diag_free(&d);
	val_free(data);
	mus_set_free(set);
}

static const char *LAYOUT =
	"<!doctype html>\n"
	"<html>\n"
	"<head><title>{{$title}}{{site.title}}{{/title}}</title></head>\n"
	"<body>\n"
	"  <main>\n"
	"    {{$body}}\n"
	"    {{/body}}\n"
	"  </main>\n"
	"  {{>footer}}\n"
	"</body>\n"
	"</html>\n";
static const char *FOOTER = "<footer>\n  {{site.title}} &middot; {{page.updated}}\n</footer>\n";
static const char *PAGE =
	"{{<layout}}\n"
	"{{$title}}{{page.title}} - {{site.title}}{{/title}}\n"
	"{{$body}}\n"
	"<h1>{{page.title}}</h1>\n"
	"{{#page.stale}}\n"
	"<p class=\"stale\">Stale since {{page.updated}}</p>\n"
	"{{/page.stale}}\n"
	"{{{page.html}}}\n"
	"{{/body}}\n"
	"{{/layout}}\n";
static const char *PAGE_OUT_FMT =
	"<!doctype html>\n"
	"<html>\n"
	"<head><title>%s - Ops &amp; SRE</title></head>\n"
	"<body>\n"
	"  <main>\n"
	"    <h1>%s</h1>\n"
	"%s"
	"    <p>one</p>\n<p>two</p>\n"
	"  </main>\n"
	"  <footer>\n"
	"    Ops &amp; SRE &middot; 2024-01-0%d\n"
	"  </footer>\n"
	"</body>\n"
	"</html>\n";

static mus_set_t *site_set(void)
{
	mus_set_t *set = mus_set_new();
	diag_list_t d;
	diag_init(&d);
	assert_int_equal(mus_set_add(set, "layout", LAYOUT, strlen(LAYOUT), &d), 0);
	assert_int_equal(mus_set_add(set, "footer", FOOTER, strlen(FOOTER), &d), 0);
	assert_int_equal(mus_set_add(set, "page", PAGE, strlen(PAGE), &d), 0);
	const char *w = "{{>missing}}";
	assert_int_equal(mus_set_add(set, "warn", w, strlen(w), &d), 0);
	assert_int_equal(d.len, 0);
	diag_free(&d);
	return set;
}

static val_t *page_data(int i)
{
	char *s = xasprintf("{\"title\": \"Runbook %d\", \"updated\": \"2024-01-0%d\", "
			    "\"stale\": %s, \"html\": \"<p>one</p>\\n<p>two</p>\"}",
			    i, i % 9 + 1, i % 2 ? "true" : "false");
	val_t *v = json(s);
	free(s);
	return v;
}

static char *page_expected(int i)
{
	char *title = xasprintf("Runbook %d", i);
	char *stale = i % 2 ? xasprintf("    <p class=\"stale\">Stale since 2024-01-0%d</p>\n",
					i % 9 + 1)
			    : xstrdup("");
	char *s = xasprintf(PAGE_OUT_FMT, title, title, stale, i % 9 + 1);
	free(title);
	free(stale);
	return s;
}

static int render_page(const mus_set_t *set, const val_t *site, int i, buf_t *out, diag_list_t *d)
{
	val_t *pg = page_data(i);
	val_t *ctx = val_map();
	val_map_set(ctx, "page", pg);
	const val_t *stack[2] = {site, ctx};
	int rc = mus_render(set, "page", stack, 2, out, d);
	val_free(ctx);
	return rc;
}

static void test_layout(void **state)
{
	(void)state;
	mus_set_t *set = site_set();
	val_t *site = json("{\"site\": {\"title\": \"Ops & SRE\"}}");
	for (int i = 1; i <= 2; i++) {
		buf_t out = BUF_INIT;
		diag_list_t d;
		diag_init(&d);
		assert_int_equal(render_page(set, site, i, &out, &d), 0);
		char *want = page_expected(i);
		assert_string_equal(buf_cstr(&out), want);
		assert_int_equal(d.len, 0);
		free(want);
		buf_free(&out);
		diag_free(&d);
	}
	val_free(site);
	mus_set_free(set);
}

typedef struct {
	const mus_set_t *set;
	const val_t *site;
	diag_list_t *d;
	int bad;
} worker_t;

#define ROUNDS 500

static void *worker(void *arg)
{
	worker_t *w = arg;
	buf_t out = BUF_INIT;
	for (int i = 0; i < ROUNDS; i++) {
		buf_clear(&out);
		int n = i % 7 + 1;
		if (render_page(w->set, w->site, n, &out, w->d) != 0) {
			w->bad++;
			continue;
		}
		char *want = page_expected(n);
		if (strcmp(buf_cstr(&out), want) != 0)
			w->bad++;
		free(want);
		buf_clear(&out);
		mus_render(w->set, "warn", NULL, 0, &out, w->d);
	}
	buf_free(&out);
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	mus_set_t *set = site_set();
	val_t *site = json("{\"site\": {\"title\": \"Ops & SRE\"}}");
	diag_list_t d;
	diag_init(&d);
	worker_t w[2] = {{set, site, &d, 0}, {set, site, &d, 0}};
	pthread_t th[2];
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&th[i], NULL, worker, &w[i]), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(w[0].bad, 0);
	assert_int_equal(w[1].bad, 0);
	/* each "warn" render warns once */
	assert_int_equal(diag_count(&d, DIAG_WARNING), 2 * ROUNDS);
	assert_int_equal(diag_count(&d, DIAG_ERROR), 0);
	diag_free(&d);
	val_free(site);
	mus_set_free(set);
}

static void test_indentation(void **state)
{
	(void)state;
	/* standalone partials nest their indentation; interpolated text is not indented */
	mus_set_t *set = mus_set_new();
	const char *outer = "<ul>\n  {{>item}}\n</ul>\n", *item = "{{#l}}\n<li>\n  {{>text}}\n</li>\n{{/l}}\n",
		   *text = "{{{.}}}\n";
	assert_int_equal(mus_set_add(set, "outer", outer, strlen(outer), NULL), 0);
	assert_int_equal(mus_set_add(set, "item", item, strlen(item), NULL), 0);
	assert_int_equal(mus_set_add(set, "text", text, strlen(text), NULL), 0);
	val_t *data = json("{\"l\": [\"a\\nb\", \"c\"]}");
	const val_t *stack[1] = {data};
	buf_t out = BUF_INIT;
	assert_int_equal(mus_render(set, "outer", stack, 1, &out, NULL), 0);
	assert_string_equal(buf_cstr(&out),
			    "<ul>\n  <li>\n    a\nb\n  </li>\n  <li>\n    c\n  </li>\n</ul>\n");
	buf_clear(&out);
	val_free(data);
	mus_set_free(set);

	/* dynamic parent: {{<*name}} closed by {{/ *name}} (written without the space) */
	set = mus_set_new();
	const char *lay = "[{{$x}}default{{/x}}]", *pg = "{{<*layout}}{{$x}}{{v}}{{/x}}{{/*layout}}";
	assert_int_equal(mus_set_add(set, "wide", lay, strlen(lay), NULL), 0);
	assert_int_equal(mus_set_add(set, "pg", pg, strlen(pg), NULL), 0);
	data = json("{\"layout\": \"wide\", \"v\": \"<b>\"}");
	stack[0] = data;
	assert_int_equal(mus_render(set, "pg", stack, 1, &out, NULL), 0);
	assert_string_equal(buf_cstr(&out), "[&lt;b&gt;]");
	buf_free(&out);
	val_free(data);
	mus_set_free(set);

	/* CRLF templates keep their line endings */
	expect("a\r\n{{#t}}\r\n  b\r\n{{/t}}\r\nc", "{\"t\": true}", "a\r\n  b\r\nc");
}

/* val_digest: what a template could show makes a difference (keys, order, types, text, nesting);
 * a frozen subtree counts by its kept digest, the same for equal subtrees. */
static val_t *digest_tree(const char *title, int nested_flag)
{
	val_t *m = val_map();
	val_map_set_str(m, "title", title);
	val_map_set_num(m, "n", 1);
	val_t *l = val_map_set(m, "items", val_list());
	val_t *it = val_list_push(l, val_map());
	val_map_set_bool(it, "open", nested_flag);
	return m;
}

static void test_val_digest(void **state)
{
	(void)state;
	uint64_t a[2], b[2];
	val_t *x = digest_tree("Disk", 0), *y = digest_tree("Disk", 0);
	const val_t *vx[1] = {x}, *vy[1] = {y};
	val_digest(vx, 1, a);
	val_digest(vy, 1, b);
	assert_memory_equal(a, b, sizeof a);
	val_t *others[] = {digest_tree("Disc", 0), digest_tree("Disk", 1), val_map(), val_map()};
	val_map_set_num(others[2], "title", 1);        /* a number where a string was */
	val_map_set_str(others[3], "n", "1");          /* fewer keys, in another order */
	val_map_set_str(others[3], "title", "Disk");
	for (size_t i = 0; i < 4; i++) {
		const val_t *vo[1] = {others[i]};
		val_digest(vo, 1, b);
		assert_memory_not_equal(a, b, sizeof a);
		val_free(others[i]);
	}
	/* two values in a row are not their concatenation moved about */
	val_t *s1 = val_str("ab"), *s2 = val_str("c"), *t1 = val_str("a"), *t2 = val_str("bc");
	const val_t *p1[2] = {s1, s2}, *p2[2] = {t1, t2};
	val_digest(p1, 2, a);
	val_digest(p2, 2, b);
	assert_memory_not_equal(a, b, sizeof a);
	val_free(s1), val_free(s2), val_free(t1), val_free(t2);
	/* frozen: equal subtrees, equal digests; a different one, a different digest */
	val_digest_freeze(val_map_get(x, "items"));
	val_digest_freeze(val_map_get(y, "items"));
	val_digest(vx, 1, a);
	val_digest(vy, 1, b);
	assert_memory_equal(a, b, sizeof a);
	val_t *z = digest_tree("Disk", 1);
	val_digest_freeze(val_map_get(z, "items"));
	const val_t *vz[1] = {z};
	val_digest(vz, 1, b);
	assert_memory_not_equal(a, b, sizeof a);
	val_free(x), val_free(y), val_free(z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_context_stack),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_recursion_bound),
		cmocka_unit_test(test_unknown_partial),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_indentation),
		cmocka_unit_test(test_val_digest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
