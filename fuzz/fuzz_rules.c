/* fuzz_rules.c - libFuzzer target: alert rule files (rules.h) and CODEOWNERS (codeowners.h).
 *
 * Rule files named by alert_rules: are repository content (untrusted), and so
 * are CODEOWNERS files. The first byte chooses: even, the rest is a rule file;
 * odd, the rest is a CODEOWNERS file matched against a few paths. Oracles
 * besides the sanitizers: every rule's positions lie inside the input (lines
 * and columns from 1, the byte offsets rules-patch edits at no further than
 * its end, a URL span not reversed); every diagnostic has a message and no
 * negative position; owners returned are non-empty strings. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codeowners.h"
#include "diag.h"
#include "rules.h"

static void check_diags(const diag_list_t *d)
{
	for (size_t i = 0; i < d->len; i++)
		if (!d->items[i].message || d->items[i].line < 0 || d->items[i].col < 0)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *text = (const char *)data + 1;
	size_t len = size - 1;
	diag_list_t d;
	diag_init(&d);
	if (!(data[0] & 1)) {
		rules_set_t set;
		memset(&set, 0, sizeof set);
		rules_add_file(&set, NULL, "/nonexistent/", "fuzz.yml", "fuzz.yml");
		rules_read_text(&set, 0, text, len, &d);
		for (size_t i = 0; i < set.nrules; i++) {
			const rules_rule_t *r = &set.rules[i];
			const rules_edit_t *e = &r->edit;
			if (!r->alert || !r->alert[0] || r->line < 1 || r->col < 1 || r->file != 0)
				abort();
			if (e->url_start > e->url_end || e->url_end > len || e->ann_after > len || e->rule_after > len)
				abort();
			if (r->runbook_url && (r->url_line < 1 || r->url_col < 1))
				abort();
		}
		rules_free(&set);
	} else {
		codeowners_t *c = codeowners_parse(text, len, "CODEOWNERS", &d);
		static const char *const paths[] = {"README.md", "runbooks/k8s/node.md", "docs/a/b/c/d.md", "x"};
		for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
			const char **o = NULL;
			size_t n = codeowners_match(c, paths[i], &o);
			for (size_t k = 0; k < n; k++)
				if (!o[k] || !o[k][0])
					abort();
			free(o);
		}
		codeowners_free(c);
	}
	check_diags(&d);
	diag_free(&d);
	return 0;
}
