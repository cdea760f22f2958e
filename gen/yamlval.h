/* yamlval.h - YAML text to a val_t tree with source positions (prefix yamlval_).
 *
 * Used for front matter and almanac.yml. Built on libyaml's event parser.
 * Bounded for hostile input: aliases are refused (no alias bombs), nesting
 * deeper than YAMLVAL_MAX_DEPTH is refused, only the first document is read.
 * Plain scalars are typed: true/false -> VAL_BOOL, null/~/empty -> VAL_NULL,
 * decimal numbers -> VAL_NUM (source text kept in ->str), everything else a
 * string. Quoted scalars are always strings. */
#ifndef ALMANAC_YAMLVAL_H
#define ALMANAC_YAMLVAL_H

#include <stddef.h>

#include "diag.h"
#include "val.h"

#define YAMLVAL_MAX_DEPTH 32

/* Parse `len` bytes of YAML. `file` names the source in diagnostics and
 * `line_offset` is added to every line (front matter starts below line 1).
 * On success returns 0 and sets *out (caller frees with val_free; an empty
 * document gives VAL_NULL). On error adds an error diagnostic at the
 * problem's position and returns -1 (*out untouched). */
int yamlval_parse(val_t **out, const char *text, size_t len, const char *file, int line_offset,
		  diag_list_t *d);

/* yamlval_parse_opts flag: a value tagged with a Python object's name, as
 * MkDocs configs name functions (`slugify: !!python/name:pymdownx.slugs.uslugify`,
 * `!!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}`),
 * becomes a mapping of two keys: YAMLVAL_TAG_KEY -> the tag without its
 * "tag:yaml.org,2002:" prefix ("python/name:pymdownx.slugs.uslugify"), and
 * YAMLVAL_TAGGED_KEY -> the value. Without it (and for every other tag)
 * the tag is ignored and the value read as if untagged. */
#define YAMLVAL_PYTHON_TAGS 1u
#define YAMLVAL_TAG_KEY "!!tag"
#define YAMLVAL_TAGGED_KEY "!!value"
/* yamlval_parse with `flags` (YAMLVAL_*). */
int yamlval_parse_opts(val_t **out, const char *text, size_t len, const char *file, int line_offset,
		       unsigned flags, diag_list_t *d);

#endif
