/* unsupported.h - dialect syntax Almanac does not render, found so the writer is told (prefix unsupported_).
 *
 * Scans the lines of a page body that are not code or raw HTML for
 * constructs of other tools that would otherwise show as written without a
 * word: Hugo shortcodes other than the callouts mdblocks.c renders,
 * pymdownx.blocks ("/// type"), snippets ("--8<--"), "[TOC]", attribute
 * lists ("{ .class }", "{: #id }", "{ #id }"), icon shortcodes
 * (":material-x:", ":fontawesome-x:", ":octicons-x:", ":simple-x:"), keys
 * ("++ctrl+c++"), marks ("==text=="), inserts ("^^text^^"), abbreviations
 * ("*[HTML]: ..."), definition lists (":   definition"), Jinja macros
 * ("{{ var }}", "{% tag %}"), MDX import/export lines and wiki links
 * ("[[Page]]", "![[image.png]]": Obsidian, GitHub wikis). Text inside inline
 * code spans is not looked at. */
#ifndef ALMANAC_UNSUPPORTED_H
#define ALMANAC_UNSUPPORTED_H

#include <stddef.h>

/* Called for each construct found: `kind` names it for one warning per
 * kind ("shortcode:youtube", "mkdocs:snippets", ...), `message` is the
 * warning's text; `line` (1-based) and `col` (1-based, in bytes) are where it starts. */
typedef void (*unsupported_fn)(void *ud, int line, int col, const char *code, const char *kind, const char *message);

/* Scan `text` (`len` bytes). `skip` holds `nskip` pairs of 1-based line
 * numbers [first, last] not to look at (code and HTML blocks), in order. */
void unsupported_scan(const char *text, size_t len, const int *skip, size_t nskip, unsupported_fn fn, void *ud);

#endif
