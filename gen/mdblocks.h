/* mdblocks.h - block syntax of other Markdown dialects, parsed by cmark-gfm (prefix mdblocks_).
 *
 * A cmark-gfm syntax extension ("almanac-blocks") that adds container blocks
 * to the CommonMark parser, so their content is ordinary Markdown parsed by
 * cmark itself with exact source positions:
 *   - MkDocs / Python-Markdown admonitions: "!!! type", "!!! type \"Title\"",
 *     collapsible "??? type" (closed) and "???+ type" (open); content is the
 *     following lines indented by 4 more columns than the marker (blank lines
 *     inside allowed); a line indented less ends it, and is never a lazy
 *     continuation of the admonition's last paragraph (as in Python-Markdown);
 *   - MkDocs content tabs (pymdownx.tabbed): "=== \"Label\"", "===+" (the
 *     selected tab), "===!" (starts a new tab set); content as admonitions;
 *   - Docusaurus admonitions: ":::type", ":::type[Title]", ":::type Title",
 *     closed by a line of at least as many colons (so ":::: " blocks nest
 *     ":::" ones);
 *   - the callout shortcodes of Hugo documentation themes, when their
 *     opening and closing tags stand on lines of their own: Docsy
 *     {{% alert title="x" color="warning" %}} and {{% pageinfo %}},
 *     hugo-book {{< hint warning >}}, relearn {{% notice warning "Title" %}}
 *     and {{% expand "Title" %}}, Hextra {{< callout type="warning" >}},
 *     Hugo's and Hextra's {{< details summary="x" >}} / title=, and
 *     {{< admonition type title >}} (LoveIt/DoIt); either delimiter,
 *     closed by {{< /name >}} or {{% /name %}}.
 * GitHub/GitLab alerts ("> [!WARNING]") are block quotes to cmark; callouts.c
 * recognises them after parsing.
 *
 * The nodes this extension makes carry an mdblock_t (mdblocks_get); a title
 * or tab label given in the source is the node's first child, a block whose
 * inlines cmark parses (mdblocks_is_title). Rendering them is callouts.c's
 * job: md_render turns them into HTML before cmark renders the document.
 * Containers nest at most MDBLOCKS_MAX_DEPTH deep; deeper markers stay text. */
#ifndef ALMANAC_MDBLOCKS_H
#define ALMANAC_MDBLOCKS_H

#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

#define MDBLOCKS_MAX_DEPTH 16

typedef enum {
	MDB_CALLOUT = 1, /* an admonition, Docusaurus block or callout shortcode */
	MDB_TAB,         /* one tab of a tab set */
	MDB_BREAK,       /* holds a paragraph that must not continue a closed block (unwrapped later) */
} mdb_kind;

typedef enum { MDB_MKDOCS = 1, MDB_DOCUSAURUS, MDB_HUGO } mdb_syntax;

typedef struct {
	mdb_kind kind;
	mdb_syntax syntax;
	char *type;         /* callout type as written, lower case ("warning", "danger"); "" for tabs */
	char *title;        /* title or tab label as written, or NULL when none was given */
	int collapsible;    /* ??? / ???+ / details shortcodes */
	int open;           /* collapsible and open at first */
	int new_set;        /* tabs: "===!" starts a new tab set */
	int selected;       /* tabs: "===+" */
	int line, col;      /* the marker's position (1-based line of the text, byte column) */
	int unclosed;       /* a fenced block (":::", shortcode) that the text ended inside */
	/* parser state */
	int indent;         /* indentation kinds: the marker's indentation; content needs 4 more */
	int fence;          /* Docusaurus: the number of colons; 0 for the other kinds */
	char *close_name;   /* shortcodes: the name of the closing tag */
	int closed;         /* fenced kinds: the closing line was seen */
	int unmatched_line; /* indentation kinds: the line that ended the block */
	int last_blank;     /* the last line inside was blank */
} mdblock_t;

/* Create the extension and its node types; call once, before any thread
 * parses (md_init does). Returns NULL when cmark refuses it. */
cmark_syntax_extension *mdblocks_extension(void);
/* The data of a container node the extension made, or NULL for any other node (borrowed). */
const mdblock_t *mdblocks_get(cmark_node *n);
/* 1 when `n` is the title (label) block of a container the extension made. */
int mdblocks_is_title(cmark_node *n);
/* Content indentation of a container the extension made, for replaying its
 * line prefixes (mdlinks.c): the columns it takes off each line (0 for
 * fenced blocks), or -1 when `n` is not one. */
int mdblocks_content_indent(cmark_node *n);

#endif
