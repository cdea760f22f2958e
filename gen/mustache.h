/* mustache.h - Mustache templates: compiled once, rendered many times.
 *
 * Implements the Mustache spec (interpolation, sections, inverted sections,
 * comments, partials with standalone indentation, set delimiters) plus the
 * optional ~inheritance (parents {{<p}}...{{/p}}, blocks {{$b}}...{{/b}}) and
 * ~dynamic-names ({{>*name}}, {{<*name}}) modules. Lambdas are not supported.
 *
 * Data model: val_t (val.h). A name is looked up through a context stack of
 * values, innermost first; dotted names (a.b.c) resolve the first part on the
 * stack and the rest inside it; "." is the top of the stack. Numbers print
 * with val_format_num, booleans as "true"/"false", null and missing values
 * as nothing; lists and maps interpolate as nothing.
 * Falsey for sections: missing, null, false, "" (empty string) and the empty
 * list. A list section renders once per element, with the element pushed on
 * the stack; any other truthy value (map, string, number, true) is pushed and
 * rendered once. {{x}} is HTML-escaped (& < > " '), {{{x}}} and {{&x}} are not.
 *
 * Usage: build one mus_set_t holding every layout and partial (mus_set_add
 * compiles each template to a node tree and reports syntax errors), then call
 * mus_render for each page. A built set is never modified by rendering, so
 * any number of threads may render from the same set at once, each with its
 * own output buffer. Adding templates must not overlap with rendering.
 *
 * Diagnostics use the template's name as the file and the line:col of the
 * offending tag. Codes: "template-syntax" (error, mus_set_add),
 * "unknown-partial" (warning, once per name per mus_render call),
 * "template-recursion" (error: partials/parents/blocks nested deeper than
 * MUS_MAX_DEPTH, e.g. a partial that includes itself unconditionally),
 * "unknown-template" (error: mus_render of a name not in the set). */
#ifndef ALMANAC_MUSTACHE_H
#define ALMANAC_MUSTACHE_H

#include <stddef.h>

#include "buf.h"
#include "diag.h"
#include "val.h"

/* Deepest nesting of partial/parent/block expansions in one render. */
#define MUS_MAX_DEPTH 64
/* Deepest nesting of sections/blocks/parents inside one template. */
#define MUS_MAX_NESTING 100

typedef struct mus_set mus_set_t;

/* A new, empty template set; free with mus_set_free(). Never NULL. */
mus_set_t *mus_set_new(void);

/* Free the set and every compiled template in it. Accepts NULL. */
void mus_set_free(mus_set_t *set);

/* Compile `src` (`len` bytes, need not be NUL-terminated; the set keeps its
 * own copy) and store it under `name` (copied), replacing any template of the
 * same name. Layouts, pages and partials share one namespace: {{>x}} and
 * {{<x}} refer to templates added here. On a syntax error (unclosed tag,
 * unclosed section, mismatched or unexpected closing tag, bad delimiter
 * change, empty or malformed tag name, nesting deeper than MUS_MAX_NESTING)
 * error diagnostics are added to `d` (may be NULL) with file = `name`, the set
 * is left unchanged and -1 is returned. Returns 0 on success. */
int mus_set_add(mus_set_t *set, const char *name, const char *src, size_t len,
		diag_list_t *d);

/* 1 when the set holds a template called `name`, else 0. */
int mus_set_has(const mus_set_t *set, const char *name);

/* Number of templates in the set. */
size_t mus_set_count(const mus_set_t *set);

/* Render template `name` from `set` with the context stack `stack` (stack[0]
 * is the outermost context, stack[depth-1] the innermost; entries may be
 * NULL; depth may be 0), appending the output to `out`. Thread-safe: the set
 * is only read; diagnostics are added with diag_add (thread-safe) to `d`
 * (may be NULL). A partial or parent not in the set renders as nothing and
 * adds one "unknown-partial" warning per name per call. Returns 0 on success
 * (warnings allowed), -1 when `name` is not in the set ("unknown-template")
 * or rendering was stopped by the recursion limit ("template-recursion"; the
 * output is then incomplete). */
int mus_render(const mus_set_t *set, const char *name, const val_t *const *stack,
	       size_t depth, buf_t *out, diag_list_t *d);

/* Convenience for tests and one-off strings: compile `src` as a template
 * named "<string>" with partials from `partials` (may be NULL), render it
 * against the single context `data` (may be NULL) into `out`. Compiles on
 * every call, so do not use it in a loop. Returns 0, or -1 on a syntax or
 * render error (diagnostics in `d`, may be NULL). */
int mus_render_string(const char *src, size_t len, const mus_set_t *partials,
		      const val_t *data, buf_t *out, diag_list_t *d);

#endif
