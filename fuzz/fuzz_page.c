/* fuzz_page.c - libFuzzer target: the whole page pipeline, in memory.
 *
 * Input layout: FLAGS PAGE1 [ "\n%%%%\n" PAGE2 ... ] (up to the six pages of
 * the in-memory site in fuzz_common.h). Bit 0 of FLAGS turns raw HTML on
 * (the config's raw_html: true), bit 1 includes drafts. Each page goes
 * through what site_load does to it (front matter, Markdown with every link
 * resolved and rewritten, then related: paths, anchors, backlinks, orphans
 * and the alert map), is tokenised and stemmed as the search index does, and
 * is rendered through the built-in theme's layout for its type with the
 * front-matter values in every template context. No files are written.
 *
 * Oracles, with raw HTML off (the default):
 *   - the page HTML passes fz_html_check with the safe allowlist of
 *     htmlsan.h (Markdown's own tags, the callout, tab and diagram markup, and
 *     the safe HTML subset: details, summary, kbd, sub, ...): no other tag, no
 *     event handler, no unsafe URL scheme;
 *   - an oracle template that places front-matter values in HTML text,
 *     attributes and URLs, and the body, passes fz_html_check too;
 *   - the built-in layout contains exactly as many "<script" as it does for
 *     a harmless page (front matter cannot add a script element), but the
 *     theme's own optional scripts for alerts, code, diagrams and tabs.
 * With raw HTML on, the page HTML passes fz_html_check with the broader
 * allowlist of raw_html: true (no script, style, frame, object, form or SVG
 * element, no event handler, no unsafe URL, whatever the input). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "buf.h"
#include "frontmatter.h"
#include "links.h"
#include "markdown.h"
#include "mustache.h"
#include "outpaths.h"
#include "site.h"
#include "theme.h"
#include "tokenize.h"

#include "fuzz_common.h"

static theme_t theme;
static int have_theme;
static tok_stemmer_t *stemmer;
static mus_set_t *oracle_set;
static size_t baseline_scripts[3];
static val_t *site_ctx;

/* The tags htmlsan.h keeps besides Markdown's own (fz_tag_allowed), written out here so the oracle
 * does not trust the sanitizer's table: raw HTML off, then the further ones of raw_html: true. */
static const char *const safe_tags[] = {
	"details", "summary", "kbd", "sub", "mark", "abbr", "ins", "s", "strike", "small", "u", "q", "cite",
	"dfn", "var", "samp", "tt", "time", "wbr", "ruby", "rt", "rp", "bdi", "bdo", "b", "i", "dl", "dt", "dd",
	"tfoot", "caption", "colgroup", "col", "figure", "figcaption", NULL};
static const char *const raw_tags[] = {
	"details", "summary", "kbd", "sub", "mark", "abbr", "ins", "s", "strike", "small", "u", "q", "cite",
	"dfn", "var", "samp", "tt", "time", "wbr", "ruby", "rt", "rp", "bdi", "bdo", "b", "i", "dl", "dt", "dd",
	"tfoot", "caption", "colgroup", "col", "figure", "figcaption", "address", "area", "article", "aside",
	"audio", "big", "center", "fieldset", "font", "footer", "header", "hgroup", "label", "legend", "main",
	"map", "meter", "nav", "picture", "progress", "source", "track", "video", NULL};

static const char oracle_tpl[] =
	"<title>{{page.title}}</title><meta name=\"description\" content=\"{{page.description}}\">"
	"<h1 title=\"{{page.title}}\">{{page.title}}</h1><p>{{page.owner}}</p>"
	"{{#page.tags}}<a href=\"search/?q={{.}}\">{{.}}</a>{{/page.tags}}"
	"{{#page.alerts}}<a href=\"{{url}}\">{{name}}</a>{{/page.alerts}}"
	"{{#page.meta}}<span data-x=\"{{criticality}}{{review_interval}}{{reviewer}}\">{{x}}</span>{{/page.meta}}"
	"<div>{{{page.content}}}</div>";

/* 1 when the script element at p (after "<script") is one the theme adds on
 * its own for what a page holds: <script src="[../]*assets/NAME.js" with
 * NAME one of alert-labels (a runbook's alerts), code (code blocks), diagram
 * (mermaid), tabs (content tabs). Front matter may make a page hold those;
 * it must never add any other script. */
static int theme_optional(const char *p, const char *end)
{
	static const char src[] = " src=\"";
	static const char *const names[] = {"alert-labels.js\"", "code.js\"", "diagram.js\"", "tabs.js\""};
	if ((size_t)(end - p) < sizeof src || memcmp(p, src, sizeof src - 1))
		return 0;
	p += sizeof src - 1;
	while (end - p >= 3 && !memcmp(p, "../", 3))
		p += 3;
	if (end - p >= 2 && !memcmp(p, "./", 2))
		p += 2;
	if (end - p < 7 || memcmp(p, "assets/", 7))
		return 0;
	p += 7;
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if ((size_t)(end - p) >= strlen(names[i]) && !memcmp(p, names[i], strlen(names[i])))
			return 1;
	return 0;
}

/* Occurrences of "<script" in any letter case, but the theme's optional
 * scripts (theme_optional); a plain loop: the intercepted strncasecmp would
 * make libFuzzer trace every comparison. */
static size_t count_scripts(const char *s, size_t n)
{
	static const char w[] = "script";
	size_t c = 0;
	for (const char *p = s; (p = memchr(p, '<', n - (size_t)(p - s))) != NULL; p++) {
		size_t k = 0;
		while (k < 6 && p + 1 + k < s + n && (p[1 + k] | 0x20) == w[k])
			k++;
		c += k == 6 && !theme_optional(p + 7, s + n);
	}
	return c;
}

static const char *layout_of(const site_page_t *p)
{
	return !strcmp(p->type, "runbook") ? "runbook" : !strcmp(p->type, "role") ? "role" : "guide";
}

static val_t *page_context(const site_page_t *p)
{
	val_t *ctx = val_map();
	val_map_set_str(ctx, "root", "../../");
	val_t *pg = val_map_set(ctx, "page", val_map());
	val_map_set(pg, "meta", val_copy(p->fm.raw));
	val_map_set_str(pg, "title", p->title ? p->title : "");
	val_map_set_str(pg, "url", p->url);
	val_map_set_str(pg, "type", p->type);
	if (p->fm.description)
		val_map_set_str(pg, "description", p->fm.description);
	if (p->fm.owner)
		val_map_set_str(pg, "owner", p->fm.owner);
	if (p->fm.criticality)
		val_map_set_str(pg, "criticality", p->fm.criticality);
	val_t *tags = val_map_set(pg, "tags", val_list());
	for (size_t i = 0; i < p->fm.ntags; i++)
		val_list_push(tags, val_str(p->fm.tags[i]));
	val_t *al = val_map_set(pg, "alerts", val_list());
	for (size_t i = 0; i < p->fm.nalerts; i++) {
		val_t *a = val_list_push(al, val_map());
		val_map_set_str(a, "name", p->fm.alerts[i]);
		char *au = xasprintf("alerts/%s/", p->fm.alerts[i]);
		val_map_set(a, "url", val_str_take(fsu_relurl(p->url, au)));
		free(au);
	}
	val_map_set_bool(pg, "has_alerts", p->fm.nalerts > 0);
	val_map_set(pg, "content", val_str(p->md.html ? p->md.html : ""));
	val_t *toc = val_map_set(pg, "toc", val_list());
	for (size_t i = 0; i < p->md.nheadings; i++) {
		val_t *t = val_list_push(toc, val_map());
		val_map_set_str(t, "id", p->md.headings[i].id);
		val_map_set_str(t, "text", p->md.headings[i].text);
		val_map_set_num(t, "level", p->md.headings[i].level);
	}
	val_map_set_bool(pg, "has_toc", p->md.nheadings >= 2);
	val_t *fr = val_map_set(pg, "fresh", val_map());
	val_map_set_str(fr, "status", "fresh");
	if (p->fm.reviewer)
		val_map_set_str(fr, "reviewer", p->fm.reviewer);
	val_map_set_str(fr, "reviewed", "2026-11-01");
	return ctx;
}

static size_t render_theme(const site_page_t *p, buf_t *out)
{
	val_t *ctx = page_context(p);
	const val_t *stack[2] = {site_ctx, ctx};
	mus_render(theme.set, layout_of(p), stack, 2, out, NULL);
	val_free(ctx);
	return count_scripts(out->s ? out->s : "", out->len);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	md_init();
	diag_list_t d;
	diag_init(&d);
	have_theme = theme_load(&theme, NULL, NULL, &d) == 0;
	diag_free(&d);
	if (tok_stemmer_new(&stemmer) != 0)
		stemmer = NULL;
	oracle_set = mus_set_new();
	if (mus_set_add(oracle_set, "oracle", oracle_tpl, sizeof oracle_tpl - 1, NULL) != 0)
		abort();
	site_ctx = val_map();
	val_t *sm = val_map_set(site_ctx, "site", val_map());
	val_map_set_str(sm, "title", "Fuzz");
	val_map_set_bool(sm, "search", 1);
	if (have_theme) {
		/* a harmless page of each type: how many script elements the layout has by itself */
		site_page_t p;
		memset(&p, 0, sizeof p);
		p.url = "runbooks/x/";
		p.title = "Harmless";
		const char *types[3] = {"runbook", "role", "guide"};
		for (int i = 0; i < 3; i++) {
			fm_t fm;
			memset(&fm, 0, sizeof fm);
			fm.raw = val_map();
			p.fm = fm;
			p.type = (char *)types[i];
			buf_t b = BUF_INIT;
			baseline_scripts[i] = render_theme(&p, &b);
			buf_free(&b);
			val_free(fm.raw);
		}
	}
	return 0;
}

static int on_word(void *ctx, const char *w, size_t n, tok_kind k)
{
	(void)k;
	size_t *count = ctx;
	(*count)++;
	if (stemmer) {
		size_t sl;
		const char *st = tok_stem(stemmer, w, n, &sl);
		if (!st || sl > n + 8)
			abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 256 * 1024)
		return 0;
	unsigned flags = data[0];
	int raw_html = flags & 1;
	const char *in = (const char *)data + 1;
	size_t n = size - 1;

	site_t s;
	fz_site_init(&s);
	s.cfg.raw_html = raw_html;
	s.opts.drafts = (flags >> 1) & 1;

	/* split the pages */
	size_t start = 0, pg = 0;
	for (size_t i = 0; pg < FZ_NPAGES; i++) {
		int at_sep = i + 6 <= n && !memcmp(in + i, "\n%%%%\n", 6);
		if (i >= n || at_sep) {
			site_page_t *p = &s.pages[pg++];
			/* as load_page: files with NUL bytes are skipped (empty) */
			size_t len = i - start;
			p->text = xmalloc(len + 1);
			memcpy(p->text, in + start, len);
			p->text[len] = '\0';
			if (memchr(p->text, '\0', len))
				p->text[0] = '\0', len = 0;
			if (fm_parse(&p->fm, p->text, len, p->src, &p->body_off, &p->body_line, &s.diags) != 0)
				p->content_errors++;
			p->draft = p->fm.draft;
			if (p->fm.title) {
				free(p->title);
				p->title = xstrdup(p->fm.title);
			}
			if (p->fm.type) {
				free(p->type);
				p->type = xstrdup(p->fm.type);
			}
			if (i >= n)
				break;
			start = i + 6;
			i += 5;
		}
	}
	for (size_t i = pg; i < FZ_NPAGES; i++) {
		site_page_t *p = &s.pages[i];
		p->text = xstrdup("");
		fm_parse(&p->fm, p->text, 0, p->src, &p->body_off, &p->body_line, &s.diags);
	}

	for (size_t i = 0; i < FZ_NPAGES; i++)
		site_render_markdown(&s, i); /* as site_load does (it frees the page texts) */
	links_resolve_front_matter(&s);
	links_finish(&s);
	alerts_build(&s);
	/* every address of the site, aliases included, through the one precedence rule (outpaths.h) */
	outp_init(&s.outputs);
	outp_assign_pages(&s);
	outp_assign_generated(&s, NULL, 0);
	links_orphans(&s);

	for (size_t i = 0; i < FZ_NPAGES; i++) {
		site_page_t *p = &s.pages[i];
		if (p->draft && !s.opts.drafts)
			continue;
		size_t words = 0;
		for (size_t k = 0; k < p->md.nsections; k++) {
			const char *t = p->md.sections[k].text ? p->md.sections[k].text : "";
			tok_split(t, strlen(t), on_word, &words);
			tok_split(p->md.sections[k].heading, strlen(p->md.sections[k].heading), on_word, &words);
		}
		if (p->md.html)
			fz_html_check(p->md.html, strlen(p->md.html), raw_html ? raw_tags : safe_tags);
		val_t *ctx = page_context(p);
		const val_t *stack[2] = {site_ctx, ctx};
		buf_t o = BUF_INIT;
		mus_render(oracle_set, "oracle", stack, 2, &o, NULL);
		if (!raw_html)
			fz_html_check(o.s ? o.s : "", o.len, safe_tags);
		buf_free(&o);
		val_free(ctx);
		if (have_theme) {
			buf_t b = BUF_INIT;
			size_t scripts = render_theme(p, &b);
			const char *l = layout_of(p);
			size_t base = baseline_scripts[!strcmp(l, "runbook") ? 0 : !strcmp(l, "role") ? 1 : 2];
			if (!raw_html && scripts != base)
				fz_die("front matter changed the number of <script> elements", b.s, b.len);
			buf_free(&b);
		}
	}
	site_free(&s);
	return 0;
}
