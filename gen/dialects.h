/* dialects.h - the HTML of callouts, tabs and diagrams, whatever dialect wrote them (prefix dialect_).
 *
 * One callout component for every syntax: the blocks mdblocks.c parses
 * (MkDocs admonitions, Docusaurus blocks, Hugo callout shortcodes) and the
 * GitHub/GitLab/Obsidian alerts ("> [!WARNING]", "> [!note] Title",
 * "> [!tip]- Folded") that cmark parses as block quotes. Each callout has one
 * of five styles (note, tip, important, warning, caution) chosen from its
 * type (dialect_style), a title (the one written, else the type's name) and
 * is collapsible (<details>) when its syntax says so:
 *
 *   <div class="callout callout-warning" data-callout="danger">
 *   <p class="callout-title">Title</p> ...content... </div>
 *   <details class="callout callout-note" data-callout="note" open>
 *   <summary class="callout-title">Title</summary> ...content... </details>
 *
 * Content tabs: consecutive tabs form one set (a tab written "===!" starts
 * a new one); without JavaScript every tab shows, under its label; the
 * theme's tabs.js turns the set into a tab list:
 *
 *   <div class="tabbed-set" data-tabs><div class="tabbed-block" data-selected>
 *   <p class="tabbed-label">Label</p> ...content... </div>...</div>
 *
 * Diagrams: a fenced code block whose language is "mermaid" becomes
 *   <div class="diagram" data-diagram="mermaid"><pre class="diagram-source"><code>source</code></pre></div>
 * which the theme's diagram.js draws; without JavaScript the source shows.
 *
 * Use: dialect_visit() on every node while walking the parsed document with
 * a cmark_iter, at its enter event (it removes the "[!TYPE]" marker of an
 * alert, which must not reach the search text, frees no node the iterator
 * may visit next, and remembers what to render), then dialect_render() once
 * before cmark renders HTML. */
#ifndef ALMANAC_DIALECTS_H
#define ALMANAC_DIALECTS_H

#include <cmark-gfm.h>
#include <stddef.h>

/* What a page uses, for loading the scripts it needs (md_doc_t.features). */
#define DIALECT_DIAGRAM 1u  /* a mermaid diagram */
#define DIALECT_CODE    2u  /* a fenced code block with a language (highlighting) */
#define DIALECT_TABS    4u  /* content tabs */
#define DIALECT_CALLOUT 8u  /* a callout of any syntax */

typedef struct {
	cmark_node **todo;     /* blocks of mdblocks.c and mermaid code blocks, in document order (borrowed) */
	size_t ntodo, captodo;
	unsigned features;     /* DIALECT_* flags seen so far */
	cmark_node **alerts;   /* block quotes that are alerts (borrowed nodes) */
	char **types;          /* their types, lower case (owned) */
	int *folds;            /* 0: not collapsible, 1: open, 2: closed */
	int *titled;           /* the marker was followed by a title on its line */
	size_t nalerts;
} dialect_t;

/* The style of a callout type written in `syntax` (an mdb_syntax, or 0 for
 * GitHub alerts): "note", "tip", "important", "warning" or "caution";
 * unknown types are notes. */
const char *dialect_style(const char *type, int syntax);
/* If `bq` (a block quote) starts with an alert marker "[!TYPE]" (TYPE a
 * known callout type, any case, optionally followed by "+" or "-" and a
 * title on the same line), remove the marker and remember the block quote
 * in `d`. Returns 1 when it did. */
int dialect_alert(dialect_t *d, cmark_node *bq);
/* Look at node `n` of the walk (enter event): block quotes go to
 * dialect_alert, the blocks of mdblocks.c and mermaid code blocks are
 * remembered, code with a language is noted. */
void dialect_visit(dialect_t *d, cmark_node *n);
/* Replace every callout, tab, alert and mermaid block that dialect_visit
 * saw by its HTML (custom blocks around the same child nodes). Returns the
 * DIALECT_* flags of what the document uses. */
unsigned dialect_render(dialect_t *d);
/* 1 when the info string of a fenced code block names a language to
 * highlight (not empty, "text", "plain", "mermaid", ...). */
int dialect_code_lang(const char *info);
/* Free what `d` owns; accepts a zeroed struct. */
void dialect_free(dialect_t *d);

#endif
