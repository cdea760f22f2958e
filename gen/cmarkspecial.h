/* cmarkspecial.h - cmark-gfm's special inline characters, set once for every
 * thread (prefix cmarkspecial_).
 *
 * cmark-gfm keeps the characters that start an extension's inline syntax
 * (the autolink extension's ':' and 'w', strikethrough's '~') in one table
 * for the whole process: each parse adds its extensions' characters before
 * parsing inlines and removes them after (blocks.c, process_inlines). With
 * pages parsed on several threads, one page's removal cuts another page's
 * autolinks and strikethrough short wherever that page happens to be, so two
 * builds of the same commit differed (github/cmark-gfm#176, open since 2019;
 * Debian 12 ships 0.29.0.gfm.6). This module takes the place of
 * cmark_manage_extensions_special_characters, which process_inlines calls
 * through the library's PLT (the binary exports it: meson.build): it never
 * removes a character, and cmarkspecial_init adds every extension's once. A
 * character special for an extension a parser lacks (a page parsed without
 * autolinks, mdscan.h) is then parsed as text, as it was before. */
#ifndef ALMANAC_CMARKSPECIAL_H
#define ALMANAC_CMARKSPECIAL_H

#include <cmark-gfm.h>

/* Add the special characters of `parser`'s inline extensions to cmark-gfm's
 * table, for good. Call before any thread parses (md_init does, with a
 * parser that has every extension attached). Returns 0, or -1 when the
 * library's own function cannot be found (the characters were not added). */
int cmarkspecial_init(cmark_parser *parser);

/* Never removes (see above); adds nothing after cmarkspecial_init. Called by
 * cmark-gfm itself. */
void cmark_manage_extensions_special_characters(cmark_parser *parser, int add);

#endif
