/* rulespatch.c - runbook_url fixes as a unified diff. See rulespatch.h. */
#include "rulespatch.h"

#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "pathres.h"
#include "runbookurl.h"

typedef struct {
	size_t start, end;    /* bytes of the original replaced (start == end: an insertion) */
	char *text;           /* what goes there (owned) */
} edit_t;

/* A URL as a YAML value in the style of the one it replaces. */
static char *yaml_value(const char *url, int style)
{
	/* the URL is the site's address of a page, and may name a heading: a page's name or an id may hold
	 * quotes (what's-broken.md), escaped as the value's quoting wants them */
	buf_t b = BUF_INIT;
	if (style == '"' || style == '\'')
		buf_putc(&b, (char)style);
	for (const char *p = url; *p; p++) {
		if (style == '"' && (*p == '"' || *p == '\\'))
			buf_putc(&b, '\\');
		else if (style == '\'' && *p == '\'')
			buf_putc(&b, '\'');
		buf_putc(&b, *p);
	}
	if (style == '"' || style == '\'')
		buf_putc(&b, (char)style);
	else if (style == '|')
		buf_putc(&b, '\n');
	return buf_detach(&b);
}

static char *spaces(int n)
{
	char *s = xmalloc((size_t)(n > 0 ? n : 0) + 1);
	memset(s, ' ', (size_t)(n > 0 ? n : 0));
	s[n > 0 ? n : 0] = '\0';
	return s;
}

static int cmp_edit(const void *a, const void *b)
{
	const edit_t *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

typedef struct {
	const char *s;
	size_t *off;          /* line start offsets, plus the text's end */
	size_t n;             /* lines */
} lines_t;

static void split_lines(lines_t *l, const char *s, size_t len)
{
	l->s = s;
	l->n = 0;
	l->off = xmalloc((len + 2) * sizeof *l->off);
	size_t i = 0;
	while (i < len) {
		l->off[l->n++] = i;
		const char *nl = memchr(s + i, '\n', len - i);
		i = nl ? (size_t)(nl - s) + 1 : len;
	}
	l->off[l->n] = len;
}

static size_t line_of(const lines_t *l, size_t off)
{
	size_t lo = 0, hi = l->n;
	while (lo + 1 < hi) {
		size_t mid = (lo + hi) / 2;
		if (l->off[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static void put_lines(buf_t *out, char tag, const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - s) + 1 : len;
		buf_putc(out, tag);
		buf_put(out, s + i, e - i);
		if (!nl)
			buf_puts(out, "\n\\ No newline at end of file\n");
		i = e;
	}
}

/* The old lines [*lf, *ll) an edit changes (an insertion at a line start changes none). */
static void edit_lines(const lines_t *L, size_t len, const edit_t *e, size_t *lf, size_t *ll)
{
	int no_final_nl = len && L->s[len - 1] != '\n';
	if (e->start == e->end && e->start >= len) {
		*lf = no_final_nl ? L->n - 1 : L->n; /* at the end: after the last line (given its newline) */
		*ll = L->n;
		return;
	}
	*lf = line_of(L, e->start);
	if (e->start == e->end && e->start == L->off[*lf])
		*ll = *lf;
	else
		*ll = line_of(L, e->end > e->start ? e->end - 1 : e->start) + 1;
}

typedef struct {
	size_t e0, e1;        /* edits [e0, e1) */
	size_t lf, ll;        /* the old lines they change */
} block_t;

/* The new text of block `b`'s old lines, with its edits applied. */
static void block_text(const lines_t *L, const char *text, size_t len, const edit_t *ed, const block_t *b, buf_t *nw)
{
	size_t pos = L->off[b->lf];
	for (size_t j = b->e0; j < b->e1; j++) {
		buf_put(nw, text + pos, ed[j].start - pos);
		if (ed[j].start >= len && len && text[len - 1] != '\n')
			buf_putc(nw, '\n');
		buf_puts(nw, ed[j].text);
		pos = ed[j].end;
	}
	buf_put(nw, text + pos, L->off[b->ll] - pos);
}

static size_t count_lines(const buf_t *b)
{
	size_t n = 0;
	for (size_t i = 0; i < b->len; i++)
		n += b->s[i] == '\n';
	return n + (b->len && b->s[b->len - 1] != '\n');
}

/* The diff of one file: `ed` sorted, not overlapping. Edits on the same lines form one block of
 * - and + lines; blocks less than 7 lines apart share a hunk; hunks have 3 lines of context. */
static void diff_file(buf_t *out, const char *path, const char *text, size_t len, edit_t *ed, size_t ne)
{
	lines_t L;
	split_lines(&L, text, len);
	int abs = path[0] == '/';
	buf_printf(out, "--- %s%s\n+++ %s%s\n", abs ? "" : "a/", path, abs ? "" : "b/", path);
	block_t *bl = xcalloc(ne + 1, sizeof *bl);
	size_t nb = 0;
	for (size_t k = 0; k < ne; k++) {
		size_t lf, ll;
		edit_lines(&L, len, &ed[k], &lf, &ll);
		if (nb && (lf < bl[nb - 1].ll || (lf == bl[nb - 1].lf && lf == bl[nb - 1].ll))) {
			bl[nb - 1].e1 = k + 1;
			if (ll > bl[nb - 1].ll)
				bl[nb - 1].ll = ll;
			continue;
		}
		bl[nb++] = (block_t){k, k + 1, lf, ll};
	}
	long delta = 0; /* new line numbers minus old ones, from the hunks so far */
	for (size_t h = 0; h < nb;) {
		size_t h1 = h + 1;
		while (h1 < nb && bl[h1].lf <= bl[h1 - 1].ll + 6)
			h1++;
		size_t c0 = bl[h].lf >= 3 ? bl[h].lf - 3 : 0;
		size_t c1 = bl[h1 - 1].ll + 3 < L.n ? bl[h1 - 1].ll + 3 : L.n;
		buf_t body = BUF_INIT;
		size_t cur = c0, old_n = 0, new_n = 0;
		for (size_t k = h; k < h1; k++) {
			put_lines(&body, ' ', text + L.off[cur], L.off[bl[k].lf] - L.off[cur]);
			old_n += bl[k].lf - cur;
			new_n += bl[k].lf - cur;
			buf_t nw = BUF_INIT;
			block_text(&L, text, len, ed, &bl[k], &nw);
			put_lines(&body, '-', text + L.off[bl[k].lf], L.off[bl[k].ll] - L.off[bl[k].lf]);
			put_lines(&body, '+', nw.s ? nw.s : "", nw.len);
			old_n += bl[k].ll - bl[k].lf;
			new_n += count_lines(&nw);
			buf_free(&nw);
			cur = bl[k].ll;
		}
		put_lines(&body, ' ', text + L.off[cur], L.off[c1] - L.off[cur]);
		old_n += c1 - cur;
		new_n += c1 - cur;
		buf_printf(out, "@@ -%zu,%zu +%ld,%zu @@\n", old_n ? c0 + 1 : c0, old_n,
			   (long)(new_n ? c0 + 1 : c0) + delta, new_n);
		buf_put(out, body.s, body.len);
		buf_free(&body);
		delta += (long)new_n - (long)old_n;
		h = h1;
	}
	free(bl);
	free(L.off);
}

size_t rulespatch_write(const site_t *s, buf_t *out)
{
	const char *base = s->cfg.base_url;
	buf_t notes = BUF_INIT, diffs = BUF_INIT;
	size_t changed = 0;
	for (size_t f = 0; f < s->rules.nfiles; f++) {
		const rules_file_t *rf = &s->rules.files[f];
		edit_t *ed = NULL;
		size_t ne = 0;
		for (size_t i = 0; i < s->nrbchecks; i++) {
			const site_rbcheck_t *c = &s->rbchecks[i];
			const rules_rule_t *r = &s->rules.rules[c->rule];
			if (r->file != f || c->status == SITE_RB_OK || c->status == SITE_RB_EXTERNAL)
				continue;
			if (r->runbook_annotation) { /* GitLab's `runbook:`: its own tooling makes the link */
				buf_printf(&notes, "#   %s:%d:%d: alert %s: runbook '%s' names no page of the site: fix the "
						   "path by hand\n", rf->display, r->url_line, r->url_col, r->alert,
					   r->runbook_url);
				continue;
			}
			const rules_edit_t *e = &r->edit;
			/* a sure address: the alert's own, or a page's (a renamed file's page, the page a forge URL
			 * shows); a heading to fix, or the nearest URL to a broken one, is a guess: said, not applied */
			int sure = c->suggest && !c->anchor_missing &&
				   (fsu_starts_with(c->suggest, "alerts/") || c->page >= 0);
			if (c->anchor_missing) {
				char *u = runbookurl_suggestion(c, base);
				buf_printf(&notes, "#   %s:%d:%d: alert %s: runbook_url '%s' names a heading its page does not "
						   "have: fix the anchor by hand%s%s%s\n",
					   rf->display, r->url_line, r->url_col, r->alert, r->runbook_url,
					   c->suggest_fragment ? " (the nearest: " : "", c->suggest_fragment ? u : "",
					   c->suggest_fragment ? ")" : "");
				free(u);
				continue;
			}
			if (c->status == SITE_RB_BROKEN && !sure) {
				buf_printf(&notes, "#   %s:%d:%d: alert %s: runbook_url '%s' leads to no page, and the alert has "
						   "no runbook to point at: write one\n",
					   rf->display, r->url_line, r->url_col, r->alert, r->runbook_url);
				continue;
			}
			char *url = runbookurl_suggestion(c, base);
			edit_t x = {0};
			if (c->status == SITE_RB_BROKEN || c->status == SITE_RB_MOVED || c->status == SITE_RB_FORGE) {
				x.start = e->url_start;
				x.end = e->url_end;
				x.text = yaml_value(url, e->url_style);
			} else if (e->ann_block) {
				char *ind = spaces(e->ann_indent);
				x.start = x.end = e->ann_after;
				x.text = xasprintf("%srunbook_url: %s\n", ind, url);
				free(ind);
			} else if (e->block && !e->has_annotations && e->rule_after) {
				char *ind = spaces(e->rule_indent), *ind2 = spaces(e->rule_indent + e->step);
				x.start = x.end = e->rule_after;
				x.text = xasprintf("%sannotations:\n%srunbook_url: %s\n", ind, ind2, url);
				free(ind);
				free(ind2);
			} else {
				buf_printf(&notes, "#   %s:%d:%d: alert %s: add runbook_url: %s (flow-style YAML: edit by hand)\n",
					   rf->display, r->line, r->col, r->alert, url);
				free(url);
				continue;
			}
			free(url);
			ed = xrealloc(ed, (ne + 1) * sizeof *ed);
			ed[ne++] = x;
		}
		if (!ne)
			continue;
		buf_t text = BUF_INIT;
		if (pr_read(rf->root, rf->rel, &text, RULES_MAX_FILE) != 0) {
			buf_printf(&notes, "#   %s: cannot read the file again: not patched\n", rf->display);
		} else {
			qsort(ed, ne, sizeof *ed, cmp_edit);
			/* two rules of one alert inserted at one place (never overlapping replacements) */
			size_t w = 0;
			for (size_t k = 0; k < ne; k++) {
				if (w && ed[k].start < ed[w - 1].end) {
					free(ed[k].text);
					continue;
				}
				ed[w++] = ed[k];
			}
			diff_file(&diffs, rf->display, text.s ? text.s : "", text.len, ed, w);
			changed += w;
			ne = w;
		}
		buf_free(&text);
		for (size_t k = 0; k < ne; k++)
			free(ed[k].text);
		free(ed);
	}
	buf_printf(out, "# almanac rules-patch: runbook_url annotations for %s\n", base);
	if (changed)
		buf_printf(out, "# %zu rule%s changed. Apply with: git apply FILE (or patch -p1 < FILE) from the repository root\n"
				"# (--alert-rules paths: from the folder they are relative to).\n",
			   changed, changed == 1 ? "" : "s");
	else
		buf_puts(out, "# Nothing to change.\n");
	if (notes.len) {
		buf_puts(out, "# Not patched (edit by hand):\n");
		buf_put(out, notes.s, notes.len);
	}
	if (diffs.len)
		buf_put(out, diffs.s, diffs.len);
	buf_free(&notes);
	buf_free(&diffs);
	return changed;
}
