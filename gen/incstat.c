/* incstat.c - diagnostics against the first build, and the status. See incstat.h. */
#include "incstat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "incstate.h"
#include "json.h"
#include "map.h"
#include "serve.h"

static char *diag_key(const diag_t *d)
{
	return xasprintf("%s\x1f%s\x1f%s", d->file, d->code ? d->code : "", d->message);
}

char *incstat_diag_line(const diag_t *d)
{
	return xasprintf("%s:%d:%d: %s: %s", d->file, d->line, d->col, diag_severity_name(d->severity), d->message);
}

int incstat_diag_same(const diag_t *a, const diag_t *b)
{
	return a->line == b->line && a->col == b->col && a->severity == b->severity && !strcmp(a->file, b->file) &&
	       inc_streq0(a->code, b->code) && !strcmp(a->message, b->message);
}

static void diag_item_free(diag_t *d)
{
	free(d->file);
	free(d->code);
	free(d->message);
}

void incstat_remove_each(diag_list_t *l, const diag_list_t *rm)
{
	for (size_t k = 0; k < rm->len; k++)
		for (size_t i = 0; i < l->len; i++)
			if (incstat_diag_same(&l->items[i], &rm->items[k])) {
				diag_item_free(&l->items[i]);
				l->items[i] = l->items[--l->len];
				break;
			}
}

/* Remove the items for which keep() says 0. */
static void diags_filter(diag_list_t *l, int (*keep)(const diag_t *, const void *), const void *ud)
{
	size_t w = 0;
	for (size_t i = 0; i < l->len; i++) {
		if (keep(&l->items[i], ud))
			l->items[w++] = l->items[i];
		else
			diag_item_free(&l->items[i]);
	}
	l->len = w;
}

static int keep_not_graph(const diag_t *d, const void *ud)
{
	(void)ud;
	/* recomputed for the whole site after every change (links_finish, links_orphans) */
	return !(d->code && (!strcmp(d->code, "broken-anchor") || !strcmp(d->code, "orphan") ||
			     !strcmp(d->code, "shortcode")));
}

static int keep_not_runbook_url(const diag_t *d, const void *ud)
{
	(void)ud;
	return !(d->code && !strncmp(d->code, "runbook-url", 11));
}

static int keep_not_load(const diag_t *d, const void *ud)
{
	/* site.c's load_page problems, which a replay of the checked text cannot reproduce */
	static const char *const codes[] = {"encoding", "binary", "too-large", "unreadable"};
	if (!d->code || strcmp(d->file, (const char *)ud))
		return 1;
	for (size_t i = 0; i < sizeof codes / sizeof *codes; i++)
		if (!strcmp(d->code, codes[i]))
			return 0;
	return 1;
}

void incstat_drop_graph(diag_list_t *l)
{
	diags_filter(l, keep_not_graph, NULL);
}

void incstat_drop_runbook_urls(diag_list_t *l)
{
	diags_filter(l, keep_not_runbook_url, NULL);
}

void incstat_drop_load(diag_list_t *l, const char *file)
{
	diags_filter(l, keep_not_load, file);
}

void incstat_copy(diag_list_t *dst, const diag_list_t *src)
{
	diag_add_each(dst, src->items, src->len, NULL);
}

void incstat_baseline_set(inc_t *inc, const diag_list_t *l)
{
	map_free(&inc->baseline);
	for (size_t i = 0; i < l->len; i++) {
		char *k = diag_key(&l->items[i]);
		void *v = NULL;
		long n = map_get(&inc->baseline, k, &v) ? MAP_AS_INT(v) : 0;
		map_put(&inc->baseline, k, MAP_INT(n + 1));
		free(k);
	}
}

size_t incstat_new(inc_t *inc, const diag_list_t *l, unsigned char *isnew)
{
	map_t used = MAP_INIT;
	size_t errors = 0;
	for (size_t i = 0; i < l->len; i++) {
		char *k = diag_key(&l->items[i]);
		void *v = NULL;
		long have = map_get(&inc->baseline, k, &v) ? MAP_AS_INT(v) : 0;
		long u = map_get(&used, k, &v) ? MAP_AS_INT(v) : 0;
		map_put(&used, k, MAP_INT(u + 1));
		isnew[i] = u >= have;
		if (isnew[i] && l->items[i].severity == DIAG_ERROR)
			errors++;
		free(k);
	}
	map_free(&used);
	return errors;
}

/* ------------------------------------------------------------------ status */

/* Most "new" entries an event carries (the status endpoint has them all). */
#define EVENT_MAX_NEW 100

/* The status JSON; `full` adds every diagnostic and every new one (the event form leaves them out). */
static void status_json(const inc_t *inc, const diag_list_t *l, const unsigned char *isnew, size_t new_errors,
			int full, buf_t *b)
{
	json_writer_t w;
	json_init(&w, b, 0);
	json_begin_object(&w);
	json_key(&w, "seq");
	json_int(&w, (long long)inc->seq);
	json_key(&w, "build");
	json_int(&w, (long long)inc->build);
	json_key(&w, "ok");
	json_bool(&w, inc->ok);
	json_key(&w, "kind");
	json_string(&w, inc->kind ? inc->kind : "");
	json_key(&w, "ms");
	json_double(&w, inc->ms);
	json_key(&w, "rendered");
	json_int(&w, (long long)inc->rendered);
	json_key(&w, "search");
	json_string(&w, inc->search_pending || inc->job ? "pending" : "current");
	json_key(&w, "search_ms");
	json_double(&w, inc->search_ms);
	json_key(&w, "message");
	if (inc->failure)
		json_string(&w, inc->failure);
	else if (!inc->ok)
		json_string(&w, "fix the new errors below (almanac check and build --strict fail on them)");
	else
		json_null(&w);
	json_key(&w, "errors");
	json_int(&w, (long long)diag_count(l, DIAG_ERROR));
	json_key(&w, "warnings");
	json_int(&w, (long long)diag_count(l, DIAG_WARNING));
	json_key(&w, "new_errors");
	json_int(&w, (long long)new_errors);
	size_t total = 0;
	for (size_t i = 0; i < l->len; i++)
		total += isnew[i];
	json_key(&w, "new_total");
	json_int(&w, (long long)total);
	/* new problems first, errors before warnings */
	json_key(&w, "new");
	json_begin_array(&w);
	size_t n = 0;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < l->len; i++)
			if (isnew[i] && (l->items[i].severity == DIAG_ERROR) == (pass == 0) && (full || n < EVENT_MAX_NEW)) {
				char *line = incstat_diag_line(&l->items[i]);
				json_string(&w, line);
				free(line);
				n++;
			}
	json_end_array(&w);
	if (full) {
		json_key(&w, "diagnostics");
		json_begin_array(&w);
		for (size_t i = 0; i < l->len; i++) {
			char *line = incstat_diag_line(&l->items[i]);
			json_string(&w, line);
			free(line);
		}
		json_end_array(&w);
	}
	json_key(&w, "changed");
	json_begin_array(&w);
	for (size_t i = 0; i < inc->nchanged; i++)
		json_string(&w, inc->changed[i]);
	json_end_array(&w);
	json_key(&w, "verify_mismatches");
	json_int(&w, (long long)inc->verify_mismatches);
	json_end_object(&w);
}

void incstat_update(inc_t *inc, int print, int notify)
{
	const diag_list_t *l = inc->failure ? &inc->fail_diags : &inc->s->diags;
	unsigned char *isnew;
	size_t new_errors;
	if (inc->isnew && !inc->failure && inc->isnew_len == l->len) {
		isnew = inc->isnew; /* computed by settle() for this very list */
		new_errors = inc->new_errors;
		inc->isnew = NULL;
	} else {
		isnew = xcalloc(l->len + 1, 1);
		new_errors = incstat_new(inc, l, isnew);
	}
	free(inc->isnew);
	inc->isnew = NULL;
	if (inc->srv) {
		buf_t full = BUF_INIT, ev = BUF_INIT;
		status_json(inc, l, isnew, new_errors, 1, &full);
		status_json(inc, l, isnew, new_errors, 0, &ev);
		srv_set_status(inc->srv, inc->seq, inc->build, buf_cstr(&full), buf_cstr(&ev), notify);
		buf_free(&full);
		buf_free(&ev);
	}
	if (print) {
		/* the terminal: one line, then the problems this change brought */
		char what[256] = "";
		if (inc->nchanged == 1)
			snprintf(what, sizeof what, "%s changed: ", inc->changed[0]);
		else if (inc->nchanged > 1)
			snprintf(what, sizeof what, "%zu files changed: ", inc->nchanged);
		if (inc->failure)
			fprintf(stderr, "almanac serve: %s%s; still serving build %lu\n", what, inc->failure, inc->build);
		else if (!inc->ok)
			fprintf(stderr, "almanac serve: %s%s rebuild with %zu new error%s (build %lu)\n", what, inc->kind,
				new_errors, new_errors == 1 ? "" : "s", inc->build);
		else
			fprintf(stderr, "almanac serve: %s%s rebuild, %zu page%s in %.0f ms (build %lu)\n", what,
				inc->kind, inc->rendered, inc->rendered == 1 ? "" : "s", inc->ms, inc->build);
		diag_list_t nl;
		diag_init(&nl);
		for (size_t i = 0; i < l->len; i++)
			if (isnew[i])
				diag_add(&nl, l->items[i].severity, l->items[i].file, l->items[i].line, l->items[i].col,
					 l->items[i].code, "%s", l->items[i].message);
		cli_print_diags(&nl, 0);
		diag_free(&nl);
	}
	free(isnew);
}
