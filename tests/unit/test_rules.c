/* test_rules.c - the alert rule reader (rules.h), globs (pathmatch.h) and CODEOWNERS (codeowners.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codeowners.h"
#include "diag.h"
#include "pathmatch.h"
#include "rules.h"

/* Read `text` as file `name` of a fresh set; diagnostics go to `d`. */
static void read_one(rules_set_t *set, diag_list_t *d, const char *name, const char *text)
{
	memset(set, 0, sizeof *set);
	rules_add_file(set, NULL, "/nonexistent/", "never-read.yml", name);
	set->files[0].explicit_file = 1;
	set->files[0].from_config = 0;
	rules_read_text(set, 0, text, strlen(text), d);
}

static const char *diag_text(const diag_list_t *d, size_t i)
{
	static char buf[512];
	const diag_t *x = &d->items[i];
	snprintf(buf, sizeof buf, "%s:%d:%d: %s[%s]: %s", x->file, x->line, x->col,
		 x->severity == DIAG_ERROR ? "error" : "warning", x->code ? x->code : "", x->message);
	return buf;
}

static void test_prometheus_rules(void **st)
{
	(void)st;
	const char *text = "groups:\n"
			   "  - name: kube\n"
			   "    rules:\n"
			   "      - record: job:up:sum\n"
			   "        expr: sum(up)\n"
			   "      - alert: KubePodCrashLooping\n"
			   "        expr: rate(x[5m]) > 0\n"
			   "        labels:\n"
			   "          severity: warning\n"
			   "        annotations:\n"
			   "          summary: \"Pod {{ $labels.namespace }}/{{ $labels.pod }} is crash looping\"\n"
			   "          runbook_url: https://docs.example.com/alerts/KubePodCrashLooping/\n"
			   "      - alert: \"KubeNodeNotReady\"\n"
			   "        expr: y\n";
	rules_set_t set;
	diag_list_t d;
	diag_init(&d);
	read_one(&set, &d, "rules/kube.yml", text);
	assert_int_equal(d.len, 0);
	assert_int_equal(set.nrules, 2); /* the recording rule is not an alert */
	rules_rule_t *r = &set.rules[0];
	assert_string_equal(r->alert, "KubePodCrashLooping");
	assert_string_equal(r->severity, "warning");
	assert_string_equal(r->summary, "Pod {{ $labels.namespace }}/{{ $labels.pod }} is crash looping");
	assert_string_equal(r->runbook_url, "https://docs.example.com/alerts/KubePodCrashLooping/");
	assert_int_equal(r->line, 6);
	assert_int_equal(r->col, 16);
	assert_int_equal(r->url_line, 12);
	assert_int_equal(r->url_col, 24);
	/* the bytes of the URL value, and where a new annotation line goes */
	assert_memory_equal(text + r->edit.url_start, "https://docs.example.com/alerts/KubePodCrashLooping/",
			    r->edit.url_end - r->edit.url_start);
	assert_true(r->edit.ann_block);
	assert_int_equal(r->edit.ann_indent, 10);
	assert_string_equal(text + r->edit.ann_after, "      - alert: \"KubeNodeNotReady\"\n        expr: y\n");
	assert_int_equal(r->edit.step, 2);
	assert_int_equal(r->format, RULES_FMT_PROMETHEUS);
	r = &set.rules[1];
	assert_string_equal(r->alert, "KubeNodeNotReady");
	assert_null(r->severity);
	assert_null(r->runbook_url);
	assert_false(r->edit.has_annotations);
	assert_int_equal(r->edit.rule_indent, 8);
	assert_int_equal(r->edit.rule_after, strlen(text));
	rules_free(&set);
	diag_free(&d);
}

static void test_operator_resources_and_documents(void **st)
{
	(void)st;
	const char *text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {groups: none}\n"
			   "---\n"
			   "apiVersion: monitoring.coreos.com/v1\n"
			   "kind: PrometheusRule\n"
			   "metadata:\n  name: node\n"
			   "spec:\n"
			   "  groups:\n"
			   "  - name: node\n"
			   "    rules:\n"
			   "    - alert: NodeFilesystemAlmostOutOfSpace\n"
			   "      labels: &lab\n"
			   "        severity: critical\n"
			   "      expr: x\n"
			   "    - alert: NodeClockSkew\n"
			   "      labels:\n"
			   "        <<: *lab\n"
			   "---\n"
			   "kind: List\n"
			   "items:\n"
			   "- kind: PrometheusRule\n"
			   "  spec: {groups: [{name: g, rules: [{alert: InList, expr: x}]}]}\n";
	rules_set_t set;
	diag_list_t d;
	diag_init(&d);
	read_one(&set, &d, "ops.yaml", text);
	assert_int_equal(d.len, 0);
	assert_int_equal(set.nrules, 3);
	assert_string_equal(set.rules[0].alert, "NodeFilesystemAlmostOutOfSpace");
	assert_int_equal(set.rules[0].line, 14);
	assert_string_equal(set.rules[1].severity, "critical"); /* through the merge key */
	assert_string_equal(set.rules[2].alert, "InList");
	assert_false(set.rules[2].edit.block); /* flow style: rules-patch leaves it to the user */
	assert_int_equal(set.rules[0].format, RULES_FMT_OPERATOR);
	rules_free(&set);
	diag_free(&d);
}

static void test_catalog_format(void **st)
{
	(void)st;
	rules_set_t set;
	diag_list_t d;
	diag_init(&d);
	read_one(&set, &d, "alerts.yml",
		 "alerts:\n  - name: A1\n    severity: critical\n    summary: first\n  - B2\n  - name: bad name\n");
	assert_int_equal(set.nrules, 2);
	assert_string_equal(set.rules[0].summary, "first");
	assert_string_equal(set.rules[1].alert, "B2");
	assert_int_equal(set.rules[1].format, RULES_FMT_CATALOG);
	assert_int_equal(d.len, 1);
	assert_string_equal(diag_text(&d, 0), "alerts.yml:6:5: error[alerts]: catalog entry needs a 'name' made of "
					      "letters, digits, '_', ':', '.' or '-'");
	rules_free(&set);
	diag_free(&d);
}

static void test_templates_are_skipped(void **st)
{
	(void)st;
	static const char *const helm[] = {
		"metadata:\n  name: {{ include \"x\" . }}\ngroups: []\n",
		"groups:\n- name: a\n  rules:\n  - alert: A\n    labels:\n      severity: {{ .Values.severity }}\n",
		"{{- if .Values.enabled }}\ngroups: []\n{{- end }}\n",
		"groups:\n- name: a\n  rules:\n  - alert: A\n    annotations:\n      d: \"{{`{{ $labels.pod }}`}}\"\n",
	};
	for (size_t i = 0; i < sizeof helm / sizeof *helm; i++) {
		rules_set_t set;
		diag_list_t d;
		diag_init(&d);
		read_one(&set, &d, "t.yaml", helm[i]);
		assert_int_equal(set.nrules, 0);
		assert_true(set.files[0].is_template);
		assert_int_equal(d.len, 1);
		assert_string_equal(d.items[0].code, "alert-rules-template");
		rules_free(&set);
		diag_free(&d);
	}
	/* Prometheus' own templates in annotations are not Helm */
	rules_set_t set;
	diag_list_t d;
	diag_init(&d);
	read_one(&set, &d, "p.yaml",
		 "groups:\n- name: a\n  rules:\n  - alert: A\n    annotations:\n      description: |\n"
		 "        {{ $labels.instance }} is down ({{ $value | humanize }}).\n        {{ range query \"up\" }}{{ . }}{{ end }}\n"
		 "      summary: in {{ with $labels.cluster -}} cluster {{ . }} {{- end }}\n");
	assert_int_equal(set.nrules, 1);
	assert_int_equal(d.len, 0);
	rules_free(&set);
	diag_free(&d);
}

static void test_bad_input(void **st)
{
	(void)st;
	rules_set_t set;
	diag_list_t d;
	diag_init(&d);
	read_one(&set, &d, "bad.yml", "groups:\n- name: a\n  rules:\n  - alert: [x]\n  - alert: Fine\n    expr: \"unclosed\n");
	assert_int_equal(set.nrules, 0);
	assert_true(d.len >= 1);
	assert_string_equal(d.items[d.len - 1].code, "alert-rules"); /* invalid YAML, at its position */
	assert_int_equal(d.items[d.len - 1].line, 7);
	rules_free(&set);
	diag_free(&d);

	/* an alias bomb is a few thousand nodes, never expanded */
	diag_init(&d);
	read_one(&set, &d, "bomb.yml",
		 "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
		 "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
		 "groups: [{name: g, rules: *d}]\n");
	assert_int_equal(set.nrules, 0); /* lists of lists of scalars: no alert */
	rules_free(&set);
	diag_free(&d);

	/* any Prometheus name is an alert (awesome-prometheus-alerts: MysqlTooManyConnections(>80%)),
	 * but not one with a control character */
	diag_init(&d);
	read_one(&set, &d, "n.yml",
		 "groups: [{name: g, rules: [{alert: \"a\\tb\", expr: x}, {alert: \"Mysql(>80%)\", expr: y}]}]\n");
	assert_int_equal(set.nrules, 1);
	assert_string_equal(set.rules[0].alert, "Mysql(>80%)");
	assert_int_equal(set.invalid_names, 1);
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].code, "alert-rules");
	assert_int_equal(d.items[0].col, 36);
	rules_free(&set);
	diag_free(&d);

	/* an empty group, as Prometheus accepts it (awesome-prometheus-alerts has one) */
	diag_init(&d);
	read_one(&set, &d, "e.yml", "groups:\n\n- name: Empty\n\n  rules:\n");
	assert_int_equal(set.nrules, 0);
	assert_int_equal(d.len, 0);
	rules_free(&set);
	diag_free(&d);

	/* a document with nothing to read, named on the command line, says so */
	diag_init(&d);
	read_one(&set, &d, "k.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n");
	assert_int_equal(set.nrules, 0);
	assert_int_equal(d.len, 1);
	assert_int_equal(d.items[0].severity, DIAG_WARNING);
	rules_free(&set);
	diag_free(&d);
}

static void test_globs(void **st)
{
	(void)st;
	assert_true(pathmatch_glob("rules/*.yml", "rules/a.yml"));
	assert_false(pathmatch_glob("rules/*.yml", "rules/x/a.yml"));
	assert_true(pathmatch_glob("rules/**/*.yml", "rules/a.yml"));
	assert_true(pathmatch_glob("rules/**/*.yml", "rules/x/y/a.yml"));
	assert_true(pathmatch_glob("**", "a/b/c"));
	assert_false(pathmatch_glob("a/?", "a/bc"));
	assert_true(pathmatch_glob("a/[bc]", "a/c"));
	assert_true(pathmatch_glob_or_below("docs", "docs/a/b.md"));
	assert_false(pathmatch_glob_or_below("docs", "doc/a.md"));
	/* many '**' against a deep path: bounded time (a table, no backtracking) */
	char pat[400] = "", path[400] = "";
	for (int i = 0; i < 30; i++) {
		strcat(pat, "**/");
		strcat(path, "a/");
	}
	strcat(pat, "b");
	strcat(path, "c");
	assert_false(pathmatch_glob(pat, path));
}

static void test_codeowners_patterns(void **st)
{
	(void)st;
	/* GitHub's documented examples */
	assert_true(codeowners_pattern_match("*", "runbooks/a.md"));
	assert_true(codeowners_pattern_match("*.js", "src/app/x.js"));
	assert_true(codeowners_pattern_match("/build/logs/", "build/logs/a/b.log"));
	assert_false(codeowners_pattern_match("/build/logs/", "x/build/logs/a.log"));
	assert_true(codeowners_pattern_match("docs/*", "docs/getting-started.md"));
	assert_false(codeowners_pattern_match("docs/*", "docs/build-app/troubleshooting.md"));
	assert_true(codeowners_pattern_match("apps/", "a/apps/x.md"));
	assert_false(codeowners_pattern_match("apps/", "a/apps"));
	assert_true(codeowners_pattern_match("/docs/", "docs/x/y.md"));
	assert_true(codeowners_pattern_match("**/logs", "a/b/logs/x.log"));
	assert_true(codeowners_pattern_match("/apps/github", "apps/github/x.md"));
	assert_false(codeowners_pattern_match("/apps/github", "apps/githubx/x.md"));
	assert_true(codeowners_pattern_match("runbooks/k8s", "runbooks/k8s/x.md"));
	assert_false(codeowners_pattern_match("runbooks/k8s", "x/runbooks/k8s/x.md"));
	assert_true(codeowners_pattern_match("my\\ file.md", "a/my file.md"));
}

static void test_codeowners_files(void **st)
{
	(void)st;
	diag_list_t d;
	diag_init(&d);
	const char *gh = "# owners\n"
			 "*                 @acme/docs\n"
			 "/runbooks/        @acme/sre  # comment\n"
			 "/runbooks/db/     @acme/dba @alice\n"
			 "/runbooks/db/legacy.md\n";
	codeowners_t *c = codeowners_parse(gh, strlen(gh), "CODEOWNERS", &d);
	const char **o;
	assert_int_equal(codeowners_match(c, "content/index.md", &o), 1);
	assert_string_equal(o[0], "@acme/docs");
	free(o);
	assert_int_equal(codeowners_match(c, "runbooks/db/pg.md", &o), 2); /* last match wins */
	assert_string_equal(o[0], "@acme/dba");
	assert_string_equal(o[1], "@alice");
	free(o);
	assert_int_equal(codeowners_match(c, "runbooks/k8s/x.md", &o), 1);
	assert_string_equal(o[0], "@acme/sre");
	free(o);
	assert_int_equal(codeowners_match(c, "runbooks/db/legacy.md", &o), 0); /* no owners: unowned */
	assert_null(o);
	codeowners_free(c);

	/* GitLab: sections are matched one by one, owners are their union; default owners */
	const char *gl = "* @docs\n"
			 "[Database][2] @dba-team\n"
			 "runbooks/db/\n"
			 "^[Security] @sec\n"
			 "*.md\n"
			 "[database]\n" /* the same section again */
			 "runbooks/db/legacy.md @old-dba\n"
			 "[Broken\n";
	c = codeowners_parse(gl, strlen(gl), ".gitlab/CODEOWNERS", &d);
	size_t n = codeowners_match(c, "runbooks/db/pg.md", &o);
	assert_int_equal(n, 3);
	assert_string_equal(o[0], "@docs");
	assert_string_equal(o[1], "@dba-team");
	assert_string_equal(o[2], "@sec");
	free(o);
	n = codeowners_match(c, "runbooks/db/legacy.md", &o);
	assert_int_equal(n, 3);
	assert_string_equal(o[1], "@old-dba");
	free(o);
	assert_int_equal(d.len, 1); /* the unclosed header */
	assert_int_equal(d.items[0].line, 8);
	codeowners_free(c);
	diag_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prometheus_rules),
		cmocka_unit_test(test_operator_resources_and_documents),
		cmocka_unit_test(test_catalog_format),
		cmocka_unit_test(test_templates_are_skipped),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_globs),
		cmocka_unit_test(test_codeowners_patterns),
		cmocka_unit_test(test_codeowners_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
