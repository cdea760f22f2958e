/* fuzz_frontmatter.c - libFuzzer target: front matter and YAML.
 *
 * The input is a whole page file. fm_parse must never crash, leak or hang,
 * must report a body offset inside the text, and whatever it reports must be
 * a well-formed diagnostic (a position >= 0 and a message). The
 * same bytes are also fed to yamlval_parse directly, without the '---'
 * split, to reach YAML corner cases the front-matter checks would stop. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "frontmatter.h"
#include "toml.h"
#include "yamlval.h"

static void check_diags(const diag_list_t *d)
{
	for (size_t i = 0; i < d->len; i++) {
		const diag_t *x = &d->items[i];
		if (x->line < 0 || x->col < 0 || !x->message)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* fm_parse works on a NUL-terminated file image (site.c reads files that way) */
	char *text = xmalloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';

	diag_list_t d;
	diag_init(&d);
	fm_t fm;
	size_t off = 0;
	int line = 0;
	fm_parse(&fm, text, size, "page.md", &off, &line, &d);
	if (off > size || line < 1 || !fm.raw)
		abort();
	check_diags(&d);
	fm_free(&fm);
	diag_free(&d);

	/* Hugo's TOML front matter ("+++") and the TOML reader on the whole input (toml.h) */
	diag_init(&d);
	static const fm_opts_t hugo = {.toml = 1, .foreign_type = 1};
	fm_parse_ex(&fm, text, size, "page.md", &off, &line, &d, &hugo);
	if (off > size || line < 1 || !fm.raw)
		abort();
	check_diags(&d);
	fm_free(&fm);
	diag_free(&d);
	diag_init(&d);
	val_t *t = NULL;
	if (toml_parse(&t, text, size, "hugo.toml", 0, &d) == 0) {
		if (!t || t->type != VAL_MAP || d.len)
			abort();
		val_free(t);
	} else if (d.len != 1) {
		abort(); /* a failure is exactly one diagnostic */
	}
	check_diags(&d);
	diag_free(&d);

	diag_init(&d);
	val_t *v = NULL;
	if (yamlval_parse(&v, text, size, "almanac.yml", 0, &d) == 0) {
		if (!v)
			abort();
		val_free(v);
	}
	check_diags(&d);
	diag_free(&d);
	free(text);
	return 0;
}
