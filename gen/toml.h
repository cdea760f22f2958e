/* toml.h - TOML text to a val_t tree with source positions (prefix toml_).
 *
 * Hugo sites are often configured in TOML (hugo.toml, config.toml) and their
 * pages may carry TOML front matter between "+++" lines. Debian ships no C
 * TOML library, so this is a small reader of TOML 1.0 as those files use it:
 * comments; bare, quoted and dotted keys; [tables] and [[arrays of tables]];
 * basic and literal strings (one-line and multi-line, with escapes); integers
 * (decimal, 0x, 0o, 0b, '_' separators); floats; booleans; dates and times
 * (kept as their text, as strings); arrays (nested, multi-line, trailing
 * comma); inline tables. Integers and floats become VAL_NUM with the source
 * text in ->str, like yamlval.
 *
 * Bounded for hostile input: nesting deeper than TOML_MAX_DEPTH, more than
 * TOML_MAX_NODES values, a key defined twice and a table defined twice are
 * errors. */
#ifndef ALMANAC_TOML_H
#define ALMANAC_TOML_H

#include <stddef.h>

#include "diag.h"
#include "val.h"

#define TOML_MAX_DEPTH 32
#define TOML_MAX_NODES 200000

/* Parse `len` bytes of TOML into a VAL_MAP. `file` names the source in
 * diagnostics and `line_offset` is added to every line (front matter starts
 * below line 1). On success returns 0 and sets *out (caller frees with
 * val_free). On error adds one error diagnostic (code "toml") at the
 * problem's line and column and returns -1 (*out untouched). */
int toml_parse(val_t **out, const char *text, size_t len, const char *file, int line_offset, diag_list_t *d);

#endif
