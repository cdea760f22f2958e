/* diag.c - diagnostics as data. See diag.h. */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "buf.h"
#include "cilog.h"
#include "json.h"
#include "map.h"
#include "utf8.h"

void diag_init(diag_list_t *l)
{
	l->items = NULL;
	l->len = l->cap = 0;
	l->muted = NULL;
	l->nmuted = 0;
	pthread_mutex_init(&l->lock, NULL);
}

static void diag_item_free(diag_t *d)
{
	free(d->file);
	free(d->code);
	free(d->message);
}

void diag_free(diag_list_t *l)
{
	for (size_t i = 0; i < l->len; i++)
		diag_item_free(&l->items[i]);
	free(l->items);
	l->items = NULL;
	l->len = l->cap = 0;
	for (size_t i = 0; i < l->nmuted; i++)
		free(l->muted[i]);
	free(l->muted);
	l->muted = NULL;
	l->nmuted = 0;
	pthread_mutex_destroy(&l->lock);
}

static const char *const kinds[] = {
	"active-asset", "alert-case", "alert-claimed-twice", "alert-rules", "alert-rules-template", "alerts", "alias-duplicate",
	"asset", "codeowners", "config", "dialect", "encoding", "erb", "front-matter", "history-content", "history-renames", "history-status",
	"ignore-revs", "layout", "lfs-pointer", "orphan", "other-tool",
	"output-dropped", "owners", "raw-html", "redirect-dropped", "runbook-url-forge", "runbook-url-missing", "runbook-url-moved",
	"scan", "search-index", "shallow-clone", "shortcode", "source", "source-untracked", "stale-changed", "symlink", "too-large", "unknown-partial",
	"watch-changed", "yaml",
};

const char *const *diag_kinds(size_t *n)
{
	*n = sizeof kinds / sizeof *kinds;
	return kinds;
}

int diag_kind_known(const char *code)
{
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		if (!strcmp(kinds[i], code))
			return 1;
	return 0;
}

const char *diag_severity_name(diag_severity sev)
{
	return sev == DIAG_ERROR ? "error" : sev == DIAG_NOTE ? "note" : "warning";
}

int diag_is_muted(const diag_list_t *l, const char *code)
{
	for (size_t i = 0; code && i < l->nmuted; i++)
		if (!strcmp(l->muted[i], code))
			return 1;
	return 0;
}

void diag_mute(diag_list_t *l, const char *code)
{
	if (diag_is_muted(l, code))
		return;
	l->muted = xrealloc(l->muted, (l->nmuted + 1) * sizeof *l->muted);
	l->muted[l->nmuted++] = xstrdup(code);
	size_t w = 0;
	for (size_t i = 0; i < l->len; i++) {
		diag_t *d = &l->items[i];
		if (d->severity != DIAG_ERROR && d->code && !strcmp(d->code, code)) {
			diag_item_free(d);
			continue;
		}
		l->items[w++] = *d;
	}
	l->len = w;
}

void diag_mute_like(diag_list_t *dst, const diag_list_t *src)
{
	for (size_t i = 0; i < src->nmuted; i++)
		diag_mute(dst, src->muted[i]);
}

static _Thread_local size_t added_here; /* diag_add calls of this thread (diag_added_here) */

size_t diag_added_here(void)
{
	return added_here;
}

void diag_add(diag_list_t *l, diag_severity sev, const char *file, int line, int col,
	      const char *code, const char *fmt, ...)
{
	added_here++;
	buf_t m = BUF_INIT;
	if (sev != DIAG_ERROR && l->nmuted && diag_is_muted(l, code))
		return; /* the list is not changed: muting happens before the threads that add */
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&m, fmt, ap);
	va_end(ap);
	diag_t d = {
		.file = xstrdup(file ? file : ""),
		.line = line,
		.col = col,
		.severity = sev,
		.code = code ? xstrdup(code) : NULL,
		.message = buf_detach(&m),
	};
	pthread_mutex_lock(&l->lock);
	if (l->len == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->items = xrealloc(l->items, l->cap * sizeof *l->items);
	}
	l->items[l->len++] = d;
	pthread_mutex_unlock(&l->lock);
}

void diag_add_each(diag_list_t *l, const diag_t *items, size_t n, const char *file)
{
	for (size_t i = 0; i < n; i++)
		diag_add(l, items[i].severity, file ? file : items[i].file, items[i].line, items[i].col, items[i].code,
			 "%s", items[i].message);
}

size_t diag_count(const diag_list_t *l, diag_severity sev)
{
	size_t n = 0;
	for (size_t i = 0; i < l->len; i++)
		n += l->items[i].severity == sev;
	return n;
}

static int sev_rank(diag_severity s)
{
	return s == DIAG_ERROR ? 0 : s == DIAG_WARNING ? 1 : 2;
}

static int diag_cmp(const void *a, const void *b)
{
	const diag_t *x = a, *y = b;
	int c = strcmp(x->file, y->file);
	if (c)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	if (x->severity != y->severity) /* errors, then warnings, then notes */
		return sev_rank(x->severity) < sev_rank(y->severity) ? -1 : 1;
	return strcmp(x->message, y->message);
}

void diag_sort(diag_list_t *l)
{
	if (l->len < 2)
		return;
	qsort(l->items, l->len, sizeof *l->items, diag_cmp);
	size_t w = 1;
	for (size_t i = 1; i < l->len; i++) {
		if (diag_cmp(&l->items[w - 1], &l->items[i]) == 0) {
			diag_item_free(&l->items[i]);
			continue;
		}
		l->items[w++] = l->items[i];
	}
	l->len = w;
}

void diag_move(diag_list_t *dst, diag_list_t *src)
{
	for (size_t i = 0; i < src->len; i++) {
		if (dst->len == dst->cap) {
			dst->cap = dst->cap ? dst->cap * 2 : 16;
			dst->items = xrealloc(dst->items, dst->cap * sizeof *dst->items);
		}
		dst->items[dst->len++] = src->items[i];
	}
	free(src->items);
	src->items = NULL;
	src->len = src->cap = 0;
}

/* GitHub annotation values: % , \r \n must be escaped. */
static void put_gh_escaped(buf_t *b, const char *s, int property)
{
	for (; *s; s++) {
		switch (*s) {
		case '%': buf_puts(b, "%25"); break;
		case '\r': buf_puts(b, "%0D"); break;
		case '\n': buf_puts(b, "%0A"); break;
		case ':': if (property) buf_puts(b, "%3A"); else buf_putc(b, ':'); break;
		case ',': if (property) buf_puts(b, "%2C"); else buf_putc(b, ','); break;
		default: buf_putc(b, *s);
		}
	}
}

/* Text output goes to terminals: a file name or a quoted link target from a
 * hostile repository must not move the cursor, retitle the window or split a
 * diagnostic over two lines. Control bytes are shown as \n, \t, \xHH. */
static void put_text_escaped(buf_t *b, const char *s)
{
	for (const char *e = s + strlen(s); s < e; s++) {
		unsigned char c = (unsigned char)*s;
		size_t l = c >= 0x80 ? utf8_seq_len(s, (size_t)(e - s)) : 1;
		if (c == '\n')
			buf_puts(b, "\\n");
		else if (c == '\t')
			buf_puts(b, "\\t");
		else if (c < 0x20 || c == 0x7f || !l) /* and bytes that are not UTF-8 */
			buf_printf(b, "\\x%02x", c);
		else {
			buf_put(b, s, l);
			s += l - 1;
		}
	}
}

/* A GitLab Code Quality report (a JSON array; see diag.h). The fingerprint
 * identifies a finding across pipelines: the SHA-1 (libgit2's) of its file, code and
 * message, each with its length so no two triples collide, and of how many
 * findings with the same triple come before it in the (sorted) list. Moving a
 * finding to another line keeps its fingerprint; two identical findings differ. */
static void print_gitlab(const diag_list_t *l, buf_t *b, int as_warnings)
{
	json_writer_t w;
	json_init(&w, b, 1);
	json_begin_array(&w);
	map_t seen = MAP_INIT;
	buf_t id = BUF_INIT;
	for (size_t i = 0; i < l->len; i++) {
		const diag_t *d = &l->items[i];
		const char *code = d->code ? d->code : "";
		id.len = 0;
		buf_printf(&id, "%zu:%s\n%zu:%s\n%zu:%s\n", strlen(d->file), d->file, strlen(code), code,
			   strlen(d->message), d->message);
		void *prev = NULL;
		long nth = map_get(&seen, id.s, &prev) ? MAP_AS_INT(prev) + 1 : 0;
		map_put(&seen, id.s, MAP_INT(nth));
		buf_printf(&id, "%ld", nth);
		git_oid oid;
		char hex[GIT_OID_HEXSZ + 1] = "";
		if (git_odb_hash(&oid, id.s, id.len, GIT_OBJECT_BLOB) == 0)
			git_oid_tostr(hex, sizeof hex, &oid);
		json_begin_object(&w);
		json_key(&w, "description"); json_string(&w, d->message);
		json_key(&w, "check_name"); json_string(&w, d->code ? d->code : "almanac");
		json_key(&w, "fingerprint"); json_string(&w, hex);
		json_key(&w, "severity");
		/* Code Quality's scale: an error is major, a warning minor, a note info */
		json_string(&w, d->severity == DIAG_ERROR && !as_warnings ? "major" : d->severity == DIAG_NOTE ? "info" : "minor");
		json_key(&w, "location");
		json_begin_object(&w);
		json_key(&w, "path"); json_string(&w, d->file);
		json_key(&w, "lines");
		json_begin_object(&w);
		json_key(&w, "begin"); json_int(&w, d->line > 0 ? d->line : 1);
		json_end_object(&w);
		json_end_object(&w);
		json_end_object(&w);
	}
	json_end_array(&w);
	buf_putc(b, '\n');
	buf_free(&id);
	map_free(&seen);
}

/* The severity a diagnostic is printed with: `as_warnings` shows errors as warnings. */
static const char *shown_severity(const diag_t *d, int as_warnings)
{
	return d->severity == DIAG_ERROR && as_warnings ? "warning" : diag_severity_name(d->severity);
}

/* One GitHub Actions annotation: ::error, ::warning or ::notice (a note). */
static void print_github(buf_t *b, const diag_t *d, int as_warnings)
{
	const char *sev = shown_severity(d, as_warnings);
	buf_printf(b, "::%s file=", !strcmp(sev, "note") ? "notice" : sev);
	put_gh_escaped(b, d->file, 1);
	if (d->line)
		buf_printf(b, ",line=%d", d->line);
	if (d->col)
		buf_printf(b, ",col=%d", d->col);
	if (d->code) {
		buf_puts(b, ",title=");
		put_gh_escaped(b, d->code, 1);
	}
	buf_puts(b, "::");
	put_gh_escaped(b, d->message, 0);
	buf_putc(b, '\n');
}

/* One line path:line:col: severity[code]: message. */
static void print_text(buf_t *b, const diag_t *d, int color, int as_warnings)
{
	const char *sev = shown_severity(d, as_warnings);
	if (color)
		buf_puts(b, "\033[1m");
	put_text_escaped(b, d->file);
	buf_printf(b, ":%d:%d: ", d->line, d->col);
	if (color)
		buf_puts(b, !strcmp(sev, "error") ? "\033[31m" : !strcmp(sev, "warning") ? "\033[35m" : "\033[36m");
	buf_puts(b, sev);
	if (d->code) {
		buf_putc(b, '[');
		put_text_escaped(b, d->code);
		buf_putc(b, ']');
	}
	buf_puts(b, ":");
	if (color)
		buf_puts(b, "\033[0m");
	buf_putc(b, ' ');
	put_text_escaped(b, d->message);
	buf_putc(b, '\n');
}

void diag_print(const diag_list_t *l, FILE *out, diag_format fmt, int color, int as_warnings)
{
	buf_t b = BUF_INIT;
	if (fmt == DIAG_FMT_GITLAB) {
		print_gitlab(l, &b, as_warnings);
	} else if (fmt == DIAG_FMT_JSON) {
		json_writer_t w;
		json_init(&w, &b, 1);
		json_begin_object(&w);
		json_key(&w, "diagnostics");
		json_begin_array(&w);
		for (size_t i = 0; i < l->len; i++) {
			const diag_t *d = &l->items[i];
			json_begin_object(&w);
			json_key(&w, "file"); json_string(&w, d->file);
			json_key(&w, "line"); json_int(&w, d->line);
			json_key(&w, "column"); json_int(&w, d->col);
			json_key(&w, "severity");
			json_string(&w, diag_severity_name(d->severity));
			json_key(&w, "code");
			if (d->code) json_string(&w, d->code); else json_null(&w);
			json_key(&w, "message"); json_string(&w, d->message);
			json_end_object(&w);
		}
		json_end_array(&w);
		json_key(&w, "errors"); json_int(&w, (long long)diag_count(l, DIAG_ERROR));
		json_key(&w, "warnings"); json_int(&w, (long long)diag_count(l, DIAG_WARNING));
		json_key(&w, "notes"); json_int(&w, (long long)diag_count(l, DIAG_NOTE));
		json_end_object(&w);
		buf_putc(&b, '\n');
	} else {
		for (size_t i = 0; i < l->len; i++) {
			const diag_t *d = &l->items[i];
			if (fmt == DIAG_FMT_GITHUB) {
				print_github(&b, d, as_warnings);
				continue;
			}
			print_text(&b, d, color, as_warnings);
		}
	}
	if (fmt == DIAG_FMT_TEXT)
		cilog_lines(&b); /* CI logs: a file named "::stop-commands::x.md" is not a command */
	if (b.len)
		fwrite(b.s, 1, b.len, out);
	buf_free(&b);
}

/* Counts of one severity by code, in first-seen order (a sorted list gives a stable order). */
typedef struct {
	const char *code;
	diag_severity sev;
	size_t n, shown;
} kind_count_t;

static size_t count_kinds(const diag_list_t *l, kind_count_t **out)
{
	kind_count_t *k = NULL;
	size_t nk = 0;
	for (size_t i = 0; i < l->len; i++) {
		const diag_t *d = &l->items[i];
		const char *code = d->code ? d->code : "";
		size_t j = 0;
		while (j < nk && !(k[j].sev == d->severity && !strcmp(k[j].code, code)))
			j++;
		if (j == nk) {
			k = xrealloc(k, (nk + 1) * sizeof *k);
			k[nk++] = (kind_count_t){code, d->severity, 0, 0};
		}
		k[j].n++;
	}
	*out = k;
	return nk;
}

static int cmp_kind(const void *a, const void *b)
{
	const kind_count_t *x = a, *y = b;
	if (x->sev != y->sev)
		return sev_rank(x->sev) < sev_rank(y->sev) ? -1 : 1;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->code, y->code);
}

size_t diag_print_summarized(const diag_list_t *l, FILE *out, int color, size_t per_kind, const char *hint)
{
	kind_count_t *k;
	size_t nk = count_kinds(l, &k);
	buf_t b = BUF_INIT;
	size_t left = 0;
	for (size_t i = 0; i < l->len; i++) {
		const diag_t *d = &l->items[i];
		const char *code = d->code ? d->code : "";
		size_t j = 0;
		while (!(k[j].sev == d->severity && !strcmp(k[j].code, code)))
			j++;
		if (d->severity != DIAG_ERROR && k[j].shown >= per_kind) {
			left++;
			continue;
		}
		k[j].shown++;
		print_text(&b, d, color, 0);
	}
	if (nk > 1)
		qsort(k, nk, sizeof *k, cmp_kind);
	for (size_t j = 0; j < nk; j++)
		if (k[j].n > k[j].shown)
			buf_printf(&b, "almanac: ... and %zu more %s%s%s%s (%s)\n", k[j].n - k[j].shown,
				   diag_severity_name(k[j].sev), k[j].code[0] ? "[" : "", k[j].code, k[j].code[0] ? "]" : "",
				   hint);
	if (b.len)
		fwrite(b.s, 1, b.len, out);
	buf_free(&b);
	free(k);
	return left;
}

char *diag_counts_line(const diag_list_t *l)
{
	kind_count_t *k;
	size_t nk = count_kinds(l, &k);
	if (nk > 1)
		qsort(k, nk, sizeof *k, cmp_kind);
	buf_t b = BUF_INIT;
	static const diag_severity order[] = {DIAG_ERROR, DIAG_WARNING, DIAG_NOTE};
	for (size_t o = 0; o < 3; o++) {
		size_t total = diag_count(l, order[o]);
		if (!total)
			continue;
		buf_printf(&b, "%s%zu %s%s (", b.len ? ", " : "", total, diag_severity_name(order[o]), total == 1 ? "" : "s");
		int first = 1;
		for (size_t j = 0; j < nk; j++) {
			if (k[j].sev != order[o])
				continue;
			buf_printf(&b, "%s%zu %s", first ? "" : ", ", k[j].n, k[j].code[0] ? k[j].code : "other");
			first = 0;
		}
		buf_putc(&b, ')');
	}
	free(k);
	if (!b.s)
		return xstrdup("");
	return buf_detach(&b);
}
