/* report_render.c - the freshness report as terminal text, CSV and a
 * standalone HTML page. See report.h. */
#include <stdlib.h>
#include <string.h>
#include <unistr.h>
#include <uniwidth.h>

#include "cilog.h"
#include "report.h"
#include "svgchart.h"
#include "timefmt.h"
#include "utf8.h"

/* ---- helpers ---- */

static const char *pct1(char *buf, size_t n, double v)
{
	svgchart_fixed1(buf, n, v);
	return buf;
}

/* Columns a character takes on a terminal: 2 for a wide one (CJK, most emoji), 0 for a combining mark
 * or a control character. */
static size_t char_width(ucs4_t uc)
{
	int w = uc_width(uc, "UTF-8");
	return w > 0 ? (size_t)w : 0;
}

/* Display width of a UTF-8 string on a terminal (an owner in Japanese takes two columns a character:
 * counted as one, the columns after it were out of line); a string that is not UTF-8 counts a column a
 * character start. */
static size_t width(const char *s)
{
	size_t len = s ? strlen(s) : 0;
	if (len && !u8_check((const uint8_t *)s, len)) {
		size_t n = 0;
		for (size_t i = 0; i < len;) {
			ucs4_t uc;
			i += (size_t)u8_mbtouc(&uc, (const uint8_t *)s + i, len - i);
			n += char_width(uc);
		}
		return n;
	}
	size_t n = 0;
	for (; s && *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static void pad(buf_t *out, const char *s, size_t w)
{
	buf_puts(out, s ? s : "");
	for (size_t k = width(s); k < w; k++)
		buf_putc(out, ' ');
}

static void rpad_num(buf_t *out, const char *s, size_t w)
{
	for (size_t k = width(s); k < w; k++)
		buf_putc(out, ' ');
	buf_puts(out, s);
}

/* Control characters (from a commit summary, a title) must not reach a terminal. */
static void put_clean(buf_t *out, const char *s)
{
	for (; s && *s; s++)
		buf_putc(out, (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s);
}

static char *clean_dup(const char *s)
{
	buf_t b = BUF_INIT;
	put_clean(&b, s ? s : "");
	return buf_detach(&b);
}

/* How wide an owner is shown in a text table: OWNERS files list a folder's approvers one by one, and
 * one list of eleven names would widen the column of every row (the JSON report has them all). A list
 * takes OWNER_COLS columns, or its first name's width when that is more (a team such as
 * @org/platform-reviewers is never cut), up to OWNER_MAX. */
#define OWNER_COLS 40
#define OWNER_MAX 64

/* `owner` (cleaned) in its columns: a list "a, b, c, d" keeps the names that fit and says how many it
 * leaves out ("a, b +2"); a name wider than OWNER_MAX is cut ("…"). Caller frees. */
static char *owner_cell(const char *owner)
{
	char *all = clean_dup(owner);
	const char *comma = strstr(all, ", ");
	size_t first = comma ? (size_t)(comma - all) : strlen(all), cols = OWNER_COLS;
	char *head = xstrndup(all, first);
	if (width(head) > cols)
		cols = width(head) > OWNER_MAX ? OWNER_MAX : width(head);
	free(head);
	if (width(all) <= cols)
		return all;
	size_t n = 1;
	for (const char *c = strstr(all, ", "); c; c = strstr(c + 2, ", "))
		n++;
	buf_t b = BUF_INIT;
	size_t shown = 0;
	const char *at = all;
	while (shown < n) {
		const char *end = strstr(at, ", ");
		size_t len = end ? (size_t)(end - at) : strlen(at);
		char more[24];
		snprintf(more, sizeof more, " +%zu", n - shown - 1);
		char *name = xstrndup(at, len);
		size_t need = width(b.s ? b.s : "") + (shown ? 2 : 0) + width(name) + (shown + 1 < n ? strlen(more) : 0);
		free(name);
		if (need > cols)
			break;
		buf_printf(&b, "%s%.*s", shown ? ", " : "", (int)len, at);
		shown++;
		at = end ? end + 2 : at + len;
	}
	if (!shown) { /* one name longer than the column: cut at a character boundary */
		size_t cut = 0, used = 0, len = strlen(all);
		while (cut < len) {
			ucs4_t uc;
			int l = u8_mbtouc(&uc, (const uint8_t *)all + cut, len - cut);
			if (used + char_width(uc) > cols - 1)
				break;
			used += char_width(uc);
			cut += (size_t)l;
		}
		buf_printf(&b, "%.*s\u2026", (int)cut, all);
		if (n > 1)
			buf_printf(&b, " +%zu", n - 1);
	} else if (shown < n) {
		buf_printf(&b, " +%zu", n - shown);
	}
	free(all);
	return buf_detach(&b);
}

typedef struct {
	int on;
} ansi_t;

static void col(buf_t *out, const ansi_t *a, const char *code)
{
	if (a->on)
		buf_printf(out, "\033[%sm", code);
}

#define C_RESET "0"
#define C_BOLD "1"
#define C_DIM "2"
#define C_RED "31"
#define C_GREEN "32"
#define C_YELLOW "33"
#define C_MAGENTA "35"

static const char *status_color(site_status_t st)
{
	switch (st) {
	case FRESH_FRESH: return C_GREEN;
	case FRESH_DUE: return C_YELLOW;
	case FRESH_STALE: return C_RED;
	default: return C_DIM;
	}
}

/* "stale", "due", "drifted" (a fresh page that drifted), "stale, drifted". */
static void attention_status(const site_page_t *p, char *dst, size_t n)
{
	if (p->fresh.status == FRESH_STALE || p->fresh.status == FRESH_DUE)
		snprintf(dst, n, "%s%s", site_status_name(p->fresh.status), p->fresh.drifted ? ", drifted" : "");
	else
		snprintf(dst, n, "%s", p->fresh.drifted ? "drifted" : site_status_name(p->fresh.status));
}

/* "overdue 109 days", "due in 11 days", "" without an age. */
static void review_when(const site_page_t *p, char *dst, size_t n)
{
	const site_fresh_t *f = &p->fresh;
	if (f->unreviewed)
		snprintf(dst, n, "never reviewed by a person");
	else if (f->age_days < 0)
		snprintf(dst, n, "-");
	else if (f->due_in_days < 0)
		snprintf(dst, n, "overdue %d day%s", -f->due_in_days, f->due_in_days == -1 ? "" : "s");
	else
		snprintf(dst, n, "due in %d day%s", f->due_in_days, f->due_in_days == 1 ? "" : "s");
}

/* ---- text ---- */

/* A group's name as its table shows it: an owner shortened (owner_cell), any other cleaned. Caller frees. */
static char *group_cell(const char *name, int owners)
{
	return owners ? owner_cell(name) : clean_dup(name);
}

/* The table of groups `g` under `title`; `owners`: the groups are owners (their names shortened); with `r`
 * and `s` (the "By source" table of a site with a trend), each row's fresh percent at the first month end
 * of the trend, about a year ago. */
static void text_groups(buf_t *out, const ansi_t *a, const char *title, const report_groups_t *g, double target,
			int owners, const report_t *r, const site_t *s)
{
	if (!g->n)
		return;
	int trend = r && r->source_trend && r->ntrend;
	size_t w = width(title);
	for (size_t i = 0; i < g->n; i++) {
		char *name = group_cell(g->items[i].name, owners);
		size_t l = width(name) + 2;
		free(name);
		if (l > w)
			w = l;
	}
	char tmp[32];
	col(out, a, C_BOLD);
	pad(out, title, w);
	buf_puts(out, "  pages   fresh");
	if (trend)
		buf_printf(out, "  %s", r->trend[0].date);
	col(out, a, C_RESET);
	buf_putc(out, '\n');
	for (size_t i = 0; i < g->n; i++) {
		const report_group_t *it = &g->items[i];
		buf_puts(out, "  ");
		char *name = group_cell(it->name, owners);
		pad(out, name, w - 2);
		free(name);
		snprintf(tmp, sizeof tmp, "%zu", it->documents);
		buf_puts(out, "  ");
		rpad_num(out, tmp, 5);
		buf_puts(out, "  ");
		int meets = it->fresh_percent >= target;
		col(out, a, meets ? C_GREEN : C_RED);
		char num[16];
		snprintf(tmp, sizeof tmp, "%s%%", pct1(num, sizeof num, it->fresh_percent));
		rpad_num(out, tmp, 6);
		col(out, a, C_RESET);
		if (trend) {
			const report_point_t *t = report_source_trend(r, s, it->name);
			const report_point_t *then = t && t[0].documents ? &t[0] : NULL;
			snprintf(tmp, sizeof tmp, "%s%s", then ? pct1(num, sizeof num, then->fresh_percent) : "-",
				 then ? "%" : "");
			buf_puts(out, "  ");
			rpad_num(out, tmp, 10); /* under the date of the trend's first month end */
		}
		if (!meets) {
			col(out, a, C_RED);
			buf_puts(out, "  below target");
			col(out, a, C_RESET);
		}
		buf_putc(out, '\n');
	}
	buf_putc(out, '\n');
}

/* `lead` then `names`, comma-separated, wrapped at TEXT_WIDTH columns (the lines after the first indented
 * by 4): a catalog of a thousand alerts without runbooks is a paragraph, not one line of 30,000 characters. */
#define TEXT_WIDTH 100
static void text_names(buf_t *out, const char *lead, char *const *names, size_t n)
{
	buf_puts(out, lead);
	size_t at = width(lead);
	for (size_t i = 0; i < n; i++) {
		char *name = clean_dup(names[i]);
		size_t w = width(name) + (i + 1 < n ? 1 : 0);
		if (i && at + 1 + w > TEXT_WIDTH) {
			buf_puts(out, "\n    ");
			at = 4;
		} else if (i) {
			buf_putc(out, ' ');
			at++;
		}
		buf_puts(out, name);
		if (i + 1 < n)
			buf_putc(out, ',');
		at += w;
		free(name);
	}
	buf_putc(out, '\n');
}

static void text_attention(buf_t *out, const ansi_t *a0, const report_t *r, const site_t *s, size_t max_rows)
{
	const ansi_t a = *a0;
	char tmp[64];
	col(out, &a, C_BOLD);
	buf_printf(out, "Needs attention (%zu)", r->nattention);
	col(out, &a, C_RESET);
	if (!r->nattention) {
		buf_puts(out, ": nothing, every page is within its review interval\n");
		goto done;
	}
	size_t shown = max_rows && r->nattention > max_rows ? max_rows : r->nattention;
	buf_puts(out, ", most overdue first\n");
	/* column widths */
	size_t ws = 6, ww = 6, wp = 4, wo = 5;
	for (size_t i = 0; i < shown; i++) {
		const site_page_t *p = &s->pages[r->attention[i]];
		attention_status(p, tmp, sizeof tmp);
		if (width(tmp) > ws)
			ws = width(tmp);
		review_when(p, tmp, sizeof tmp);
		if (width(tmp) > ww)
			ww = width(tmp);
		if (width(p->src) > wp)
			wp = width(p->src);
		char *owner = p->owner ? owner_cell(p->owner) : NULL;
		if (owner && width(owner) > wo)
			wo = width(owner);
		free(owner);
	}
	buf_puts(out, "  ");
	col(out, &a, C_DIM);
	pad(out, "STATUS", ws + 2);
	pad(out, "REVIEW", ww + 2);
	pad(out, "PAGE", wp + 2);
	pad(out, "OWNER", wo + 2);
	buf_puts(out, "LAST AUTHOR");
	col(out, &a, C_RESET);
	buf_putc(out, '\n');
	for (size_t i = 0; i < shown; i++) {
		const site_page_t *p = &s->pages[r->attention[i]];
		buf_puts(out, "  ");
		attention_status(p, tmp, sizeof tmp);
		col(out, &a, p->fresh.status == FRESH_FRESH && p->fresh.drifted ? C_MAGENTA : status_color(p->fresh.status));
		pad(out, tmp, ws + 2);
		col(out, &a, C_RESET);
		review_when(p, tmp, sizeof tmp);
		pad(out, tmp, ww + 2);
		char *src = clean_dup(p->src), *owner = owner_cell(p->owner ? p->owner : "-");
		pad(out, src, wp + 2);
		pad(out, owner, wo + 2);
		free(src);
		free(owner);
		put_clean(out, p->fresh.has_commit && p->fresh.author && *p->fresh.author ? p->fresh.author : "-");
		if (p->fresh.drifted && p->fresh.drift_path) {
			col(out, &a, C_MAGENTA);
			buf_puts(out, "  (watched ");
			put_clean(out, p->fresh.drift_path);
			buf_puts(out, " changed)");
			col(out, &a, C_RESET);
		}
		buf_putc(out, '\n');
	}
	if (shown < r->nattention)
		buf_printf(out, "  ... and %zu more (almanac report --verbose lists them all; --format csv or html, "
				"one row each)\n",
			   r->nattention - shown);
done:
	buf_putc(out, '\n');
}

static void write_text(const report_t *r, const site_t *s, int color, size_t max_rows, buf_t *out);

void report_write_text(const report_t *r, const site_t *s, int color, size_t max_rows, buf_t *out)
{
	/* owners, alert names and branches come from the repository: CI logs must not run them */
	buf_t text = BUF_INIT;
	write_text(r, s, color, max_rows, &text);
	cilog_lines(&text);
	buf_put(out, text.s, text.len);
	buf_free(&text);
}

static void write_text(const report_t *r, const site_t *s, int color, size_t max_rows, buf_t *out)
{
	ansi_t a = {color};
	char tmp[64], date[16];
	tf_format_date(date, sizeof date, s->opts.now);
	col(out, &a, C_BOLD);
	buf_printf(out, "Documentation freshness on %s", date);
	col(out, &a, C_RESET);
	if (s->head[0])
		buf_printf(out, " (%s%s%.7s)", s->branch && s->branch[0] ? s->branch : "",
			   s->branch && s->branch[0] ? " " : "", s->head);
	buf_puts(out, "\n\n");
	if (s->shallow) {
		col(out, &a, C_YELLOW);
		buf_puts(out, "  Shallow clone: pages whose last change is beyond its depth are unknown;\n"
			      "  fetch the full history (git fetch --unshallow) for exact figures.\n\n");
		col(out, &a, C_RESET);
	}
	if (s->cfg.count_content)
		buf_printf(out, "  Cosmetic edits are not reviews (freshness.count: content): %zu commit%s passed over.\n\n",
			   s->cosmetic_commits, s->cosmetic_commits == 1 ? "" : "s");
	buf_puts(out, "  ");
	col(out, &a, C_BOLD);
	col(out, &a, r->meets_target ? C_GREEN : C_RED);
	buf_printf(out, "%s%% fresh", pct1(tmp, sizeof tmp, r->fresh_percent));
	col(out, &a, C_RESET);
	buf_printf(out, "   target %g%%   ", r->target);
	col(out, &a, C_BOLD);
	col(out, &a, r->meets_target ? C_GREEN : C_RED);
	buf_puts(out, r->meets_target ? "PASS" : "FAIL");
	col(out, &a, C_RESET);
	buf_printf(out, "\n  %zu page%s: ", r->documents, r->documents == 1 ? "" : "s");
	struct {
		size_t n;
		const char *name, *color;
	} counts[] = {{r->fresh, "fresh", C_GREEN},           {r->due, "due", C_YELLOW},
		      {r->stale, "stale", C_RED},             {r->uncommitted, "uncommitted", C_DIM},
		      {r->unknown, "unknown", C_DIM}};
	for (size_t i = 0; i < sizeof counts / sizeof *counts; i++) {
		if (i)
			buf_puts(out, ", ");
		col(out, &a, counts[i].color);
		buf_printf(out, "%zu %s", counts[i].n, counts[i].name);
		col(out, &a, C_RESET);
	}
	buf_printf(out, "; %zu drifted\n\n", r->drifted);
	text_attention(out, &a, r, s, max_rows);

	if (r->by_source.n) /* a site with sources: each repository's KPI, first, as in the HTML report */
		text_groups(out, &a, "By source", &r->by_source, r->target, 0, r, s);
	text_groups(out, &a, "By owner", &r->by_owner, r->target, 1, NULL, NULL);
	text_groups(out, &a, "By type", &r->by_type, r->target, 0, NULL, NULL);
	text_groups(out, &a, "By criticality", &r->by_criticality, r->target, 0, NULL, NULL);
	text_groups(out, &a, "By section", &r->by_section, r->target, 0, NULL, NULL);

	col(out, &a, C_BOLD);
	buf_puts(out, "Trend (fresh percent at each month end)");
	col(out, &a, C_RESET);
	buf_putc(out, '\n');
	if (!r->ntrend)
		buf_puts(out, "  not computed (--no-trend, or no Git history)\n");
	for (size_t i = 0; i < r->ntrend; i++) {
		const report_point_t *pt = &r->trend[i];
		buf_printf(out, "  %s  ", pt->date);
		col(out, &a, pt->fresh_percent >= r->target ? C_GREEN : C_RED);
		char num[16];
		snprintf(tmp, sizeof tmp, "%s%%", pct1(num, sizeof num, pt->fresh_percent));
		rpad_num(out, tmp, 6);
		col(out, &a, C_RESET);
		buf_printf(out, "  %zu page%s", pt->documents, pt->documents == 1 ? "" : "s");
		if (pt->unknown)
			buf_printf(out, " (%zu unknown)", pt->unknown);
		buf_putc(out, '\n');
	}
	buf_putc(out, '\n');

	col(out, &a, C_BOLD);
	buf_puts(out, "Alert coverage");
	col(out, &a, C_RESET);
	if (!r->coverage_known) {
		buf_puts(out, s->have_catalog ? ": unknown (the alert catalog is empty)\n" : ": no alert catalog\n");
	} else {
		buf_printf(out, ": %s%% (%zu of %zu catalog alert%s have a runbook)\n",
			   pct1(tmp, sizeof tmp, r->coverage_percent), r->alerts_covered, r->alerts_catalog,
			   r->alerts_catalog == 1 ? "" : "s");
		if (r->nuncovered) {
			text_names(out, "  without a runbook: ", r->uncovered, r->nuncovered);
		}
		if (r->nnot_in_catalog) {
			text_names(out, "  named by runbooks but not in the catalog: ", r->not_in_catalog, r->nnot_in_catalog);
		}
	}
	if (r->rb_checked || r->nrb_missing) {
		buf_printf(out, "  runbook_url: %zu of %zu lead to the site", r->rb_ok, r->rb_checked);
		if (r->nrb_forge)
			buf_printf(out, " (%zu through %s file on the forge)", r->nrb_forge,
				   r->nrb_forge == 1 ? "its" : "their");
		if (r->nrb_broken)
			buf_printf(out, ", %zu broken", r->nrb_broken);
		if (r->nrb_missing)
			buf_printf(out, ", %zu rule%s without one", r->nrb_missing, r->nrb_missing == 1 ? "" : "s");
		buf_puts(out, " (almanac check shows where; almanac report --format rules-patch fixes them)\n");
		for (size_t i = 0; i < r->nrb_broken; i++) {
			const rules_rule_t *rule = &s->rules.rules[s->rbchecks[r->rb_broken[i]].rule];
			char *f = clean_dup(s->rules.files[rule->file].display), *u = clean_dup(rule->runbook_url);
			buf_printf(out, "    broken: %s:%d %s %s\n", f, rule->url_line, rule->alert, u);
			free(f);
			free(u);
		}
	}
}

/* ---- CSV ---- */

/* A text cell. One that starts with = + - @, a tab or a carriage return is
 * what spreadsheets read as a formula (=HYPERLINK(...), +cmd|..., @SUM(...)):
 * it gets a leading apostrophe, which they show as text (OWASP's advice for
 * CSV injection). Numbers are written by csv_int and stay numbers. */
static void csv_field(buf_t *out, const char *s, int last)
{
	s = s ? s : "";
	char *fixed = utf8_fix(s); /* a file name that is not UTF-8 */
	if (fixed)
		s = fixed;
	int formula = s[0] && strchr("=+-@\t\r", s[0]);
	if (formula || strpbrk(s, ",\"\r\n")) {
		buf_putc(out, '"');
		if (formula)
			buf_putc(out, '\'');
		for (; *s; s++) {
			if (*s == '"')
				buf_putc(out, '"');
			buf_putc(out, *s);
		}
		buf_putc(out, '"');
	} else {
		buf_puts(out, s);
	}
	buf_puts(out, last ? "\r\n" : ",");
	free(fixed);
}

static void csv_int(buf_t *out, long long v, int present)
{
	if (present)
		buf_printf(out, "%lld", v);
	buf_putc(out, ',');
}

void report_write_csv(const report_t *r, const site_t *s, buf_t *out)
{
	buf_puts(out, "path,url,title,type,owner,criticality,review_interval_days,last_commit_id,last_commit_time,"
		      "last_commit_author,last_commit_summary,age_days,due_in_days,status,drifted,drift_path,"
		      "reviewed,reviewer,owner_source\r\n");
	char ts[40];
	for (size_t i = 0; i < r->ndocs; i++) {
		const site_page_t *p = &s->pages[r->docs[i]];
		const site_fresh_t *f = &p->fresh;
		csv_field(out, p->src, 0);
		csv_field(out, p->url, 0);
		csv_field(out, p->title, 0);
		csv_field(out, p->type, 0);
		csv_field(out, p->owner, 0);
		csv_field(out, p->fm.criticality, 0);
		csv_int(out, f->interval_days, 1);
		csv_field(out, f->has_commit ? f->commit_id : "", 0);
		ts[0] = '\0';
		if (f->has_commit)
			tf_format_rfc3339(ts, sizeof ts, f->commit_time);
		csv_field(out, ts, 0);
		csv_field(out, f->has_commit ? f->author : "", 0);
		csv_field(out, f->has_commit ? f->summary : "", 0);
		csv_int(out, f->age_days, f->age_days >= 0);
		csv_int(out, f->due_in_days, f->age_days >= 0);
		csv_field(out, site_status_name(f->status), 0);
		csv_field(out, f->drifted ? "true" : "false", 0);
		csv_field(out, f->drifted ? f->drift_path : "", 0);
		ts[0] = '\0';
		if (p->fm.reviewed)
			tf_format_date(ts, sizeof ts, p->fm.reviewed);
		csv_field(out, ts, 0);
		csv_field(out, p->fm.reviewed ? p->fm.reviewer : "", 0);
		csv_field(out, p->owner_source ? p->owner_source : "none", 1);
	}
}

/* ---- standalone HTML ---- */

static void h(buf_t *out, const char *s)
{
	buf_put_html(out, s ? s : "", s ? strlen(s) : 0);
}

/* The standalone page's style: light and dark (prefers-color-scheme), and a phone's width (tables
 * scroll inside their box, long names wrap). */
static const char html_css[] =
	":root{color-scheme:light dark;--fg:#1f2328;--bg:#fff;--muted:#57606a;--line:#d0d7de;--soft:#eaeef2;"
	"--ok:#15803d;--bad:#b91c1c;--warn:#9a6700;--purple:#8250df;--link:#0a5bd3}"
	"@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0f1318;--muted:#9aa4af;--line:#3d444d;"
	"--soft:#2d333b;--ok:#4cc764;--bad:#ff7b72;--warn:#e3b341;--purple:#bc9cff;--link:#71b1ff}}"
	"body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;color:var(--fg);background:var(--bg);margin:0}"
	"a{color:var(--link)}"
	"main{max-width:960px;margin:0 auto;padding:24px;overflow-wrap:anywhere}"
	"h1{font-size:28px;margin:0 0 4px}h2{font-size:20px;margin:32px 0 8px;border-bottom:1px solid var(--line)}"
	".meta{color:var(--muted);margin:0 0 16px}"
	".kpi{display:flex;gap:32px;align-items:center;flex-wrap:wrap}"
	".kpi-value{font-size:64px;font-weight:700;line-height:1;margin:0}"
	".kpi-pass .kpi-value,.meets{color:var(--ok)}.kpi-fail .kpi-value,.below{color:var(--bad)}"
	".kpi-target{font-weight:600;margin:4px 0 0}"
	".counts{list-style:none;display:flex;gap:16px;padding:0;margin:0;flex-wrap:wrap}"
	".counts li{border:1px solid var(--line);border-radius:6px;padding:6px 12px;text-align:center}"
	".counts b{display:block;font-size:22px}"
	".table-wrap{overflow-x:auto}"
	"table{border-collapse:collapse;width:100%;margin:8px 0}"
	"th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--soft);vertical-align:top}"
	"th{font-weight:600}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap;"
	"overflow-wrap:normal}"
	".groups{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(280px,100%),1fr));gap:16px}"
	".status{font-weight:600}.status-stale{color:var(--bad)}.status-due{color:var(--warn)}"
	".status-fresh{color:var(--ok)}.drifted{color:var(--purple)}"
	"svg.chart{display:block;margin:8px 0;max-width:100%;height:auto}code{font-size:90%}"
	"svg.chart [fill='#b91c1c']{fill:var(--bad)}svg.chart [fill='#15803d']{fill:var(--ok)}"
	"svg.chart [fill='#9a6700']{fill:var(--warn)}svg.chart [stroke='#9a6700']{stroke:var(--warn)}"
	"@media (max-width:600px){main{padding:16px}.kpi{gap:16px}.kpi-value{font-size:48px}"
	".attention thead{display:none}.attention tr,.attention td{display:block}.attention tr{padding:6px 0;"
	"border-bottom:1px solid var(--soft)}.attention td{border:0;padding:0 0 2px}}"
	"@media print{main{max-width:none;padding:0}h2{break-after:avoid}tr{break-inside:avoid}}";

/* A group's table; with `r` and `s` (the "By source" table of a site with a trend), each row's trend too:
 * its sparkline and where it started. */
static void html_group_table(buf_t *out, const char *title, const report_groups_t *g, double target,
			     const report_t *r, const site_t *s)
{
	char tmp[32];
	int trend = r && r->source_trend && r->ntrend;
	buf_puts(out, "<div><h3>");
	h(out, title);
	buf_puts(out, "</h3><div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">Name</th><th scope=\"col\" class=\"num\">Pages</th>"
		      "<th scope=\"col\" class=\"num\">Fresh</th>");
	if (trend)
		buf_puts(out, "<th scope=\"col\">Last 12 months</th>");
	buf_puts(out, "</tr></thead><tbody>");
	for (size_t i = 0; i < g->n; i++) {
		int meets = g->items[i].fresh_percent >= target;
		buf_puts(out, "<tr><td>");
		h(out, g->items[i].name);
		buf_printf(out, "</td><td class=\"num\">%zu</td><td class=\"num %s\">%s%%</td>",
			   g->items[i].documents, meets ? "meets" : "below",
			   pct1(tmp, sizeof tmp, g->items[i].fresh_percent));
		if (trend) {
			buf_puts(out, "<td class=\"trend-cell\">");
			report_source_spark(r, s, g->items[i].name, i, out);
			char *was = report_source_was(r, s, g->items[i].name);
			if (was)
				buf_printf(out, " <span class=\"muted\">was %s</span>", was);
			free(was);
			buf_puts(out, "</td>");
		}
		buf_puts(out, "</tr>");
	}
	buf_puts(out, "</tbody></table></div></div>");
}

/* Absolute URL of a page when the site's base_url is known, else NULL. */
static char *page_href(const site_t *s, const char *url)
{
	const char *base = s->cfg.base_url;
	if (!base || !*base)
		return NULL;
	size_t n = strlen(base);
	return xasprintf("%s%s%s", base, base[n - 1] == '/' ? "" : "/", url);
}

void report_write_html(const report_t *r, const site_t *s, buf_t *out)
{
	char tmp[64], date[16];
	tf_format_date(date, sizeof date, s->opts.now);
	buf_puts(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		      "<meta name=\"color-scheme\" content=\"light dark\">\n"
		      "<meta name=\"generator\" content=\"Almanac\">\n<title>Documentation freshness · ");
	h(out, s->cfg.title);
	buf_printf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n<main>\n", html_css);
	buf_puts(out, "<h1>Documentation freshness</h1>\n<p class=\"meta\">");
	h(out, s->cfg.title);
	buf_printf(out, " · as of <time datetime=\"%s\">%s</time>", date, date);
	if (s->head[0]) {
		buf_puts(out, " · ");
		h(out, s->branch);
		buf_printf(out, " <code>%.7s</code>", s->head);
	}
	buf_puts(out, "</p>\n");
	if (s->shallow)
		buf_puts(out, "<p class=\"below\">Built from a shallow clone: pages whose last change is beyond its "
			      "depth are unknown.</p>\n");
	/* KPI */
	buf_printf(out, "<section class=\"kpi %s\" aria-label=\"Summary\">\n<div>",
		   r->meets_target ? "kpi-pass" : "kpi-fail");
	buf_printf(out, "<p class=\"kpi-value\" data-fresh-percent=\"%s\">%s%%</p>",
		   pct1(tmp, sizeof tmp, r->fresh_percent), tmp);
	buf_printf(out, "<p class=\"kpi-target\">%s the target of %g%% (%s)</p>",
		   r->meets_target ? "Meets" : "Below", r->target, r->meets_target ? "pass" : "fail");
	buf_printf(out, "<p>fresh or due, of %zu published page%s</p></div>\n", r->documents,
		   r->documents == 1 ? "" : "s");
	buf_printf(out,
		   "<ul class=\"counts\"><li class=\"status-fresh\"><b>%zu</b>fresh</li><li class=\"status-due\">"
		   "<b>%zu</b>due</li><li class=\"status-stale\"><b>%zu</b>stale</li><li><b>%zu</b>uncommitted</li>"
		   "<li><b>%zu</b>unknown</li><li class=\"drifted\"><b>%zu</b>drifted</li></ul>\n</section>\n",
		   r->fresh, r->due, r->stale, r->uncommitted, r->unknown, r->drifted);
	/* charts */
	buf_t tsvg = BUF_INIT, osvg = BUF_INIT;
	report_charts(r, &tsvg, &osvg);
	if (tsvg.len) {
		buf_puts(out, "<section><h2>Trend (last 12 month ends)</h2>\n");
		buf_put(out, tsvg.s, tsvg.len);
		buf_puts(out, "\n</section>\n");
	}
	if (osvg.len) {
		buf_puts(out, "<section><h2>By owner</h2>\n");
		buf_put(out, osvg.s, osvg.len);
		buf_puts(out, "\n</section>\n");
	}
	buf_free(&tsvg);
	buf_free(&osvg);
	/* groups */
	buf_puts(out, "<section><h2>Groups</h2>\n<div class=\"groups\">");
	if (r->by_source.n) /* a site with sources: each repository's KPI */
		html_group_table(out, "By source", &r->by_source, r->target, r, s);
	html_group_table(out, "By owner", &r->by_owner, r->target, NULL, NULL);
	html_group_table(out, "By type", &r->by_type, r->target, NULL, NULL);
	html_group_table(out, "By criticality", &r->by_criticality, r->target, NULL, NULL);
	html_group_table(out, "By section", &r->by_section, r->target, NULL, NULL);
	buf_puts(out, "</div>\n</section>\n");
	/* attention */
	buf_printf(out, "<section><h2>Needs attention (%zu)</h2>\n", r->nattention);
	if (!r->nattention) {
		buf_puts(out, "<p>Nothing needs attention: every page is within its review interval.</p>\n");
	} else {
		buf_puts(out, "<table class=\"attention\"><thead><tr><th scope=\"col\">Page</th><th scope=\"col\">Status</th>"
			      "<th scope=\"col\">Review</th><th scope=\"col\">Owner</th><th scope=\"col\">Last change</th>"
			      "</tr></thead><tbody>\n");
		for (size_t i = 0; i < r->nattention; i++) {
			const site_page_t *p = &s->pages[r->attention[i]];
			const site_fresh_t *f = &p->fresh;
			char *href = page_href(s, p->url);
			buf_puts(out, "<tr><td>");
			if (href) {
				buf_puts(out, "<a href=\"");
				h(out, href);
				buf_puts(out, "\">");
			}
			h(out, p->title ? p->title : p->src);
			if (href)
				buf_puts(out, "</a>");
			free(href);
			buf_puts(out, "<br><code>");
			h(out, p->src);
			buf_printf(out, "</code></td><td class=\"status status-%s\">", site_status_name(f->status));
			attention_status(p, tmp, sizeof tmp);
			h(out, tmp);
			if (f->drifted && f->drift_path) {
				buf_puts(out, "<br><span class=\"drifted\">watched <code>");
				h(out, f->drift_path);
				buf_puts(out, "</code> changed</span>");
			}
			buf_puts(out, "</td><td>");
			review_when(p, tmp, sizeof tmp);
			h(out, tmp);
			buf_puts(out, "</td><td>");
			h(out, p->owner ? p->owner : "");
			buf_puts(out, "</td><td>");
			if (f->has_commit) {
				tf_format_date(tmp, sizeof tmp, f->commit_time);
				buf_printf(out, "%s", tmp);
				if (f->author && *f->author) {
					buf_puts(out, " by ");
					h(out, f->author);
				}
			}
			buf_puts(out, "</td></tr>\n");
		}
		buf_puts(out, "</tbody></table>\n");
	}
	buf_puts(out, "</section>\n");
	/* alerts */
	buf_puts(out, "<section><h2>Alert coverage</h2>\n");
	if (!r->coverage_known) {
		buf_puts(out, s->have_catalog ? "<p>The alert catalog is empty.</p>\n" : "<p>No alert catalog.</p>\n");
	} else {
		buf_printf(out,
			   "<p><strong class=\"coverage\">%s%%</strong> of the alerts in the catalog have a runbook "
			   "(%zu of %zu).</p>\n",
			   pct1(tmp, sizeof tmp, r->coverage_percent), r->alerts_covered, r->alerts_catalog);
		if (r->nuncovered) {
			buf_puts(out, "<h3>Alerts without a runbook</h3>\n<ul class=\"uncovered-list\">");
			for (size_t i = 0; i < r->nuncovered; i++) {
				buf_puts(out, "<li><code>");
				h(out, r->uncovered[i]);
				buf_puts(out, "</code></li>");
			}
			buf_puts(out, "</ul>\n");
		}
		if (r->nnot_in_catalog) {
			buf_puts(out, "<h3>Named by runbooks but missing from the catalog</h3>\n<ul class=\"not-in-catalog\">");
			for (size_t i = 0; i < r->nnot_in_catalog; i++) {
				buf_puts(out, "<li><code>");
				h(out, r->not_in_catalog[i]);
				buf_puts(out, "</code></li>");
			}
			buf_puts(out, "</ul>\n");
		}
	}
	buf_puts(out, "</section>\n</main>\n</body>\n</html>\n");
}
