/* dialects.c - callouts, tabs and diagrams as HTML. See dialects.h. */
#include "dialects.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "mdalloc.h"
#include "mdblocks.h"

static const struct {
	const char *type, *style;
} types[] = {
	/* GitHub and GitLab alerts */
	{"note", "note"}, {"tip", "tip"}, {"important", "important"}, {"warning", "warning"}, {"caution", "caution"},
	/* MkDocs Material and Obsidian */
	{"abstract", "note"}, {"summary", "note"}, {"tldr", "note"}, {"info", "note"}, {"todo", "note"},
	{"hint", "tip"}, {"success", "tip"}, {"check", "tip"}, {"done", "tip"},
	{"question", "note"}, {"help", "note"}, {"faq", "note"},
	{"attention", "warning"}, {"failure", "caution"}, {"fail", "caution"}, {"missing", "caution"},
	{"danger", "caution"}, {"error", "caution"}, {"bug", "caution"},
	{"example", "note"}, {"quote", "note"}, {"cite", "note"},
	/* Docsy colours, Hextra, relearn, Hugo's details */
	{"primary", "note"}, {"secondary", "note"}, {"light", "note"}, {"dark", "note"}, {"default", "note"},
	{"details", "note"},
};

static int type_index(const char *type)
{
	for (size_t i = 0; i < sizeof types / sizeof *types; i++)
		if (!strcasecmp(types[i].type, type))
			return (int)i;
	return -1;
}

const char *dialect_style(const char *type, int syntax)
{
	/* "caution" is GitHub's strongest alert, but MkDocs' and Docusaurus' name for a warning */
	if (syntax && !strcasecmp(type, "caution"))
		return "warning";
	int i = type_index(type);
	return i >= 0 ? types[i].style : "note";
}

/* The label a callout shows without a title: its type, capitalised (Docsy's
 * colour names are shown as their style's name). */
static char *default_label(const char *type, const char *style)
{
	int i = type_index(type);
	const char *t = type[0] && (i < 0 || (i >= 0 && strcmp(types[i].type, "primary") && strcmp(types[i].type, "secondary") &&
						 strcmp(types[i].type, "light") && strcmp(types[i].type, "dark") &&
						 strcmp(types[i].type, "default")))
				? type
				: style;
	char *r = xstrdup(t);
	r[0] = (char)toupper((unsigned char)r[0]);
	return r;
}

int dialect_code_lang(const char *info)
{
	static const char *const plain[] = {"text", "txt", "plain", "plaintext", "none", "nohighlight", "mermaid"};
	if (!info)
		return 0;
	size_t n = strcspn(info, " \t{");
	if (!n)
		return 0;
	for (size_t i = 0; i < sizeof plain / sizeof *plain; i++)
		if (strlen(plain[i]) == n && !strncasecmp(info, plain[i], n))
			return 0;
	return 1;
}

static int is_mermaid(const char *info)
{
	return info && !strncasecmp(info, "mermaid", 7) && (!info[7] || isspace((unsigned char)info[7]));
}

/* ---- GitHub / GitLab / Obsidian alerts ---- */

int dialect_alert(dialect_t *d, cmark_node *bq)
{
	cmark_node *para = cmark_node_first_child(bq);
	if (!para || cmark_node_get_type(para) != CMARK_NODE_PARAGRAPH)
		return 0;
	/* the text of the leading text nodes: "[!TYPE]" and what follows */
	char head[64];
	size_t hl = 0;
	for (cmark_node *c = cmark_node_first_child(para); c && hl < sizeof head - 1; c = cmark_node_next(c)) {
		if (cmark_node_get_type(c) != CMARK_NODE_TEXT)
			break;
		const char *lit = cmark_node_get_literal(c);
		size_t l = lit ? strlen(lit) : 0;
		if (l > sizeof head - 1 - hl)
			l = sizeof head - 1 - hl;
		memcpy(head + hl, lit, l);
		hl += l;
	}
	head[hl] = '\0';
	if (hl < 4 || head[0] != '[' || head[1] != '!')
		return 0;
	size_t i = 2;
	while (i < hl && isalpha((unsigned char)head[i]))
		i++;
	if (i == 2 || i >= hl || head[i] != ']')
		return 0;
	char type[32];
	size_t tl = i - 2 < sizeof type - 1 ? i - 2 : sizeof type - 1;
	for (size_t k = 0; k < tl; k++)
		type[k] = (char)tolower((unsigned char)head[2 + k]);
	type[tl] = '\0';
	if (type_index(type) < 0 || !strcmp(type, "primary") || !strcmp(type, "secondary") || !strcmp(type, "light") ||
	    !strcmp(type, "dark") || !strcmp(type, "default") || !strcmp(type, "details"))
		return 0;
	i++;
	int fold = 0;
	if (i < hl && (head[i] == '+' || head[i] == '-')) {
		fold = head[i] == '+' ? 1 : 2;
		i++;
	}
	/* after the marker: the end of the line, or a space and a title */
	cmark_node *after = NULL;
	size_t eaten = 0;
	cmark_node *c = cmark_node_first_child(para);
	while (c && cmark_node_get_type(c) == CMARK_NODE_TEXT) {
		size_t l = strlen(cmark_node_get_literal(c));
		if (eaten + l > i)
			break;
		eaten += l;
		c = cmark_node_next(c);
	}
	int titled = 0;
	if (c && cmark_node_get_type(c) == CMARK_NODE_TEXT) {
		/* the marker ends inside this text node: the rest must start with a space */
		const char *lit = cmark_node_get_literal(c);
		const char *rest = lit + (i - eaten);
		if (*rest != ' ' && *rest != '\t')
			return 0;
		while (*rest == ' ' || *rest == '\t')
			rest++;
		titled = *rest != '\0';
		after = c;
		char *keep = xstrdup(rest);
		if (titled) {
			cmark_node_set_literal(c, keep);
		} else {
			after = cmark_node_next(c);
			cmark_node_free(c);
		}
		free(keep);
	} else if (c && cmark_node_get_type(c) != CMARK_NODE_SOFTBREAK && cmark_node_get_type(c) != CMARK_NODE_LINEBREAK) {
		return 0; /* "[!NOTE]**x**": not a marker */
	} else {
		after = c;
	}
	/* remove the marker's text nodes */
	for (cmark_node *k = cmark_node_first_child(para); k && k != after;) {
		cmark_node *nx = cmark_node_next(k);
		cmark_node_free(k);
		k = nx;
	}
	if (!titled) {
		cmark_node *f = cmark_node_first_child(para);
		if (f && (cmark_node_get_type(f) == CMARK_NODE_SOFTBREAK || cmark_node_get_type(f) == CMARK_NODE_LINEBREAK))
			cmark_node_free(f);
		/* an emptied paragraph stays until dialect_render: the walk's iterator has it as its next node */
	}
	d->alerts = xrealloc(d->alerts, (d->nalerts + 1) * sizeof *d->alerts);
	d->types = xrealloc(d->types, (d->nalerts + 1) * sizeof *d->types);
	d->folds = xrealloc(d->folds, (d->nalerts + 1) * sizeof *d->folds);
	d->titled = xrealloc(d->titled, (d->nalerts + 1) * sizeof *d->titled);
	d->alerts[d->nalerts] = bq;
	d->types[d->nalerts] = xstrdup(type);
	d->folds[d->nalerts] = fold;
	d->titled[d->nalerts] = titled;
	d->nalerts++;
	return 1;
}

/* ---- replacing nodes by HTML ---- */

/* New nodes take the page's allocator (mdalloc.h): cmark links nodes of one
 * allocator only, and the page's are freed all at once. */
static cmark_node *custom(const char *on_enter, const char *on_exit)
{
	cmark_node *n = cmark_node_new_with_mem(CMARK_NODE_CUSTOM_BLOCK, mda_current_mem());
	cmark_node_set_on_enter(n, on_enter);
	cmark_node_set_on_exit(n, on_exit);
	return n;
}

/* Move the children of `from` (starting at `first`) to the end of `to`. */
static void move_children(cmark_node *from, cmark_node *first, cmark_node *to)
{
	(void)from;
	for (cmark_node *c = first; c;) {
		cmark_node *nx = cmark_node_next(c);
		cmark_node_append_child(to, c);
		c = nx;
	}
}

/* Put `x` where `n` is, with `n`'s children from `first` on, and free `n`. */
static void replace(cmark_node *n, cmark_node *x, cmark_node *first)
{
	cmark_node_insert_before(n, x);
	move_children(n, first, x);
	cmark_node_free(n);
}

/* The callout's opening HTML (and its title when `label` is not NULL). */
static void callout_open(buf_t *b, const char *type, const char *style, int fold, const char *label)
{
	buf_printf(b, "<%s class=\"callout callout-%s\" data-callout=\"", fold ? "details" : "div", style);
	buf_put_html(b, type, strlen(type));
	buf_puts(b, fold == 1 ? "\" open>\n" : "\">\n");
	if (label) {
		buf_puts(b, fold ? "<summary class=\"callout-title\">" : "<p class=\"callout-title\">");
		buf_put_html(b, label, strlen(label));
		buf_puts(b, fold ? "</summary>" : "</p>");
	}
}

/* Replace title block `t` (inlines) by the callout's title element. */
static void title_block(cmark_node *t, int fold)
{
	cmark_node *x = custom(fold ? "<summary class=\"callout-title\">" : "<p class=\"callout-title\">",
			       fold ? "</summary>" : "</p>");
	replace(t, x, cmark_node_first_child(t));
}

static void render_callout(cmark_node *n, const char *type, int syntax, int fold, cmark_node *title, int hide_title)
{
	const char *style = dialect_style(type, syntax);
	buf_t b = BUF_INIT;
	char *label = title || (hide_title && !fold) ? NULL : default_label(type, style);
	callout_open(&b, type, style, fold, label);
	free(label);
	cmark_node *x = custom(buf_cstr(&b), fold ? "</details>" : "</div>");
	buf_free(&b);
	if (title)
		title_block(title, fold);
	replace(n, x, cmark_node_first_child(n));
}

static int is_tab_set(cmark_node *n)
{
	const char *e = n && cmark_node_get_type(n) == CMARK_NODE_CUSTOM_BLOCK ? cmark_node_get_on_enter(n) : NULL;
	return e && !strncmp(e, "<div class=\"tabbed-set\"", 23);
}

static void render_tab(cmark_node *n, const mdblock_t *m)
{
	cmark_node *prev = cmark_node_previous(n);
	cmark_node *set;
	if (!m->new_set && is_tab_set(prev)) {
		set = prev;
	} else {
		set = custom("<div class=\"tabbed-set\" data-tabs>", "</div>");
		cmark_node_insert_before(n, set);
	}
	cmark_node *x = custom(m->selected ? "<div class=\"tabbed-block\" data-selected>" : "<div class=\"tabbed-block\">",
			       "</div>");
	cmark_node *first = cmark_node_first_child(n);
	if (mdblocks_is_title(first)) {
		cmark_node *t = first;
		first = cmark_node_next(first);
		cmark_node *l = custom("<p class=\"tabbed-label\">", "</p>");
		cmark_node_append_child(x, l);
		move_children(t, cmark_node_first_child(t), l);
	} else {
		cmark_node_append_child(x, custom("<p class=\"tabbed-label\">", "</p>"));
	}
	move_children(n, first, x);
	cmark_node_free(n);
	cmark_node_append_child(set, x);
}

static void render_alert(dialect_t *d, size_t i)
{
	cmark_node *bq = d->alerts[i];
	cmark_node *title = NULL;
	cmark_node *first = cmark_node_first_child(bq);
	if (first && cmark_node_get_type(first) == CMARK_NODE_PARAGRAPH && !cmark_node_first_child(first))
		cmark_node_free(first); /* the marker's paragraph, emptied by dialect_alert */
	if (d->titled[i]) {
		/* the rest of the marker's line is the title */
		cmark_node *para = cmark_node_first_child(bq);
		title = cmark_node_new_with_mem(CMARK_NODE_CUSTOM_BLOCK, mda_current_mem());
		cmark_node *c = para ? cmark_node_first_child(para) : NULL;
		while (c && cmark_node_get_type(c) != CMARK_NODE_SOFTBREAK && cmark_node_get_type(c) != CMARK_NODE_LINEBREAK) {
			cmark_node *nx = cmark_node_next(c);
			cmark_node_append_child(title, c);
			c = nx;
		}
		if (c)
			cmark_node_free(c);
		cmark_node_prepend_child(bq, title);
		if (para && !cmark_node_first_child(para))
			cmark_node_free(para);
	}
	render_callout(bq, d->types[i], 0, d->folds[i], title, 0);
}

static void render_mermaid(cmark_node *n)
{
	const char *lit = cmark_node_get_literal(n);
	buf_t b = BUF_INIT;
	buf_puts(&b, "<div class=\"diagram\" data-diagram=\"mermaid\"><pre class=\"diagram-source\"><code>");
	buf_put_html(&b, lit ? lit : "", lit ? strlen(lit) : 0);
	buf_puts(&b, "</code></pre></div>");
	cmark_node *x = custom(buf_cstr(&b), "");
	buf_free(&b);
	cmark_node_insert_before(n, x);
	cmark_node_free(n);
}

void dialect_visit(dialect_t *d, cmark_node *n)
{
	cmark_node_type t = cmark_node_get_type(n);
	int take = mdblocks_get(n) != NULL;
	if (t == CMARK_NODE_BLOCK_QUOTE) {
		dialect_alert(d, n);
	} else if (t == CMARK_NODE_CODE_BLOCK) {
		int flen, foff;
		char fch;
		if (!cmark_node_get_fenced(n, &flen, &foff, &fch))
			return;
		const char *info = cmark_node_get_fence_info(n);
		if (is_mermaid(info)) {
			take = 1;
			d->features |= DIALECT_DIAGRAM;
		} else if (dialect_code_lang(info)) {
			d->features |= DIALECT_CODE;
		}
	}
	if (!take)
		return;
	if (d->ntodo == d->captodo) {
		d->captodo = d->captodo ? d->captodo * 2 : 16;
		d->todo = xrealloc(d->todo, d->captodo * sizeof *d->todo);
	}
	d->todo[d->ntodo++] = n;
}

unsigned dialect_render(dialect_t *d)
{
	unsigned features = d->features | (d->nalerts ? DIALECT_CALLOUT : 0);
	/* document order: a tab finds the set its previous tab went into */
	for (size_t i = 0; i < d->ntodo; i++) {
		cmark_node *c = d->todo[i];
		const mdblock_t *m = mdblocks_get(c);
		if (!m) {
			render_mermaid(c);
			continue;
		}
		if (m->kind == MDB_BREAK) {
			for (cmark_node *k = cmark_node_first_child(c); k;) {
				cmark_node *nx = cmark_node_next(k);
				cmark_node_insert_before(c, k);
				k = nx;
			}
			cmark_node_free(c);
		} else if (m->kind == MDB_TAB) {
			features |= DIALECT_TABS;
			render_tab(c, m);
		} else {
			features |= DIALECT_CALLOUT;
			cmark_node *first = cmark_node_first_child(c);
			int fold = m->collapsible ? (m->open ? 1 : 2) : 0;
			render_callout(c, m->type, m->syntax, fold, mdblocks_is_title(first) ? first : NULL,
				       m->title && !m->title[0]);
		}
	}
	d->ntodo = 0;
	for (size_t i = 0; i < d->nalerts; i++)
		render_alert(d, i);
	return features;
}

void dialect_free(dialect_t *d)
{
	free(d->todo);
	for (size_t i = 0; i < d->nalerts; i++)
		free(d->types[i]);
	free(d->alerts);
	free(d->types);
	free(d->folds);
	free(d->titled);
	memset(d, 0, sizeof *d);
}
