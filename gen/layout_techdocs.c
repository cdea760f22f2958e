/* layout_techdocs.c - GOV.UK Tech Docs Template repositories: config/tech-docs.yml, page names, ERB tags and
 * review keys. See layout.h, layout_tools.h, layout_techdocs.h. */
#include "layout_techdocs.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "config.h"
#include "fsutil.h"
#include "layout_tools.h"
#include "timefmt.h"

#define TECHDOCS_CONFIG "config/tech-docs.yml"

int layout_techdocs_is_config(const char *rel)
{
	return !strcmp(rel, TECHDOCS_CONFIG);
}

char *layout_techdocs_find_config(const pr_root_t *tree, diag_list_t *d)
{
	return layout_exists(tree, TECHDOCS_CONFIG, 0, d) ? xstrdup(TECHDOCS_CONFIG) : NULL;
}

/* redirects: entries are bounded like any input */
#define TECHDOCS_MAX_REDIRECTS 100000

/* An address of the site as written in redirects: ("/a/b.html", "/a/"), as a URL; NULL when it is
 * not a path of this site (a scheme, "//", '\\', control characters) or climbs out. A `target`'s
 * query and fragment are dropped and it is made the URL of the page it names. */
static char *redirect_url(const char *s, int target)
{
	if (!s || !s[0] || strstr(s, "://") || !strncmp(s, "//", 2))
		return NULL;
	char *path = xstrndup(s, target ? strcspn(s, "?#") : strlen(s));
	for (const char *q = path; *q; q++)
		if ((unsigned char)*q < 0x20 || *q == 0x7f || *q == '\\' || *q == '?' || *q == '#') {
			free(path);
			return NULL;
		}
	char *u = layout_as_url(path);
	free(path);
	if (u && !u[0] && !target) { /* the site root is the home page, never an old address */
		free(u);
		u = NULL;
	}
	if (!u || !target)
		return u;
	/* "x.html" is the page x/, "x/index.html" the folder's page x/ */
	size_t len = strlen(u);
	char *page = u;
	if (len >= 10 && !strcmp(u + len - 10, "index.html") && (len == 10 || u[len - 11] == '/'))
		page = xstrndup(u, len - 10);
	else if (len > 5 && !strcmp(u + len - 5, ".html"))
		page = xasprintf("%.*s/", (int)(len - 5), u);
	if (page != u)
		free(u);
	return page;
}

static void read_redirects(layout_t *l, const val_t *m)
{
	if (!m || m->type != VAL_MAP)
		return;
	for (size_t i = 0; i < m->len && i < TECHDOCS_MAX_REDIRECTS; i++) {
		char *from = redirect_url(m->pairs[i].key, 0);
		char *to = redirect_url(val_as_str(m->pairs[i].val), 1);
		if (from && to && strcmp(from, to) && !map_get(&l->redirect_to, from, NULL)) {
			void *prev = NULL;
			char *olds = map_get(&l->redirects_of, to, &prev) ? xasprintf("%s\n%s", (char *)prev, from)
									   : xstrdup(from);
			free(prev);
			map_put(&l->redirects_of, to, olds);
			map_put(&l->redirect_to, from, to);
			to = NULL;
		}
		free(from);
		free(to);
	}
}

void layout_techdocs_read(layout_t *l, const pr_root_t *tree, const char *cfg, diag_list_t *d)
{
	free(l->root);
	l->root = xstrdup("source");
	l->ugly = 1; /* Middleman published x.html.md as x.html */
	if (!cfg)
		return;
	val_t *c = layout_load_config(l, tree, cfg, "Tech Docs config", d); /* NULL: reported, the defaults apply */
	if (c) {
		layout_set_title(l, val_map_get(c, "service_name"));
		read_redirects(l, val_map_get(c, "redirects"));
		l->base_url = layout_site_url(val_as_str(val_map_get(c, "host")));
	}
	val_free(c);
}

/* Page names, longest first: what Middleman strips to publish "x.html". */
static const char *const page_exts[] = {".html.md.erb", ".html.md", ".md.erb", ".md"};

size_t layout_techdocs_page_ext(const char *src)
{
	for (size_t i = 0; i < sizeof page_exts / sizeof *page_exts; i++)
		if (fsu_ends_with(src, page_exts[i]) && strlen(src) > strlen(page_exts[i]))
			return strlen(page_exts[i]);
	return 0;
}

int layout_techdocs_is_index(const char *base)
{
	size_t n = layout_techdocs_page_ext(base);
	return n && strlen(base) - n == 5 && !strncmp(base, "index", 5);
}

/* ---- ERB ---- */

/* bodies are bounded by FSU_MAX_FILE: the scan below is linear */
char *layout_techdocs_erb(const char *body, size_t len, int line0, size_t *count, int *line, int *col)
{
	*count = 0;
	*line = *col = 0;
	char *out = NULL;
	int ln = line0;
	size_t bol = 0; /* offset of the current line's start */
	for (size_t i = 0; i + 1 < len; i++) {
		if (body[i] == '\n') {
			ln++;
			bol = i + 1;
			continue;
		}
		if (body[i] != '<' || body[i + 1] != '%')
			continue;
		if (i + 2 < len && body[i + 2] == '%') { /* "<%%": a literal "<%" */
			i += 2;
			continue;
		}
		if (!out) {
			out = xmalloc(len + 1);
			memcpy(out, body, len);
			out[len] = '\0';
		}
		if (!(*count)++) {
			*line = ln;
			int c = 1; /* in characters: count the bytes that start one */
			for (size_t k = bol; k < i; k++)
				c += ((unsigned char)body[k] & 0xC0) != 0x80;
			*col = c;
		}
		size_t j = i + 2;
		while (j + 1 < len && !(body[j] == '%' && body[j + 1] == '>'))
			j++;
		size_t end = j + 1 < len ? j + 2 : len; /* never closed: to the end */
		for (size_t k = i; k < end; k++) {
			if (body[k] == '\n') {
				ln++;
				bol = k + 1;
			} else {
				out[k] = ' ';
			}
		}
		i = end - 1;
	}
	return out;
}

/* ---- front matter ---- */

static int fm_error(diag_list_t *d, const char *path, const val_t *v, const char *msg, const char *key)
{
	diag_add(d, DIAG_ERROR, path, v->line, v->col, "front-matter", msg, key);
	return 1;
}

static char *scalar(const val_t *v)
{
	if (v->type == VAL_STR)
		return xstrdup(v->str);
	if (v->type == VAL_NUM && v->str)
		return xstrdup(v->str);
	return NULL;
}

/* The days from the day `from` (UTC midnight) to the same day `months` calendar months later, the
 * last day of that month when it is shorter (Chronic's "in 6 months", which the template uses). */
static int calendar_months(int64_t from, long months)
{
	int y, m, d;
	int64_t day0 = from / 86400;
	tf_civil_from_days(day0, &y, &m, &d);
	long total = (long)m - 1 + months;
	int ny = y + (int)(total / 12), nm = (int)(total % 12) + 1;
	int next_y = nm == 12 ? ny + 1 : ny, next_m = nm == 12 ? 1 : nm + 1;
	int last = (int)(tf_days_from_civil(next_y, next_m, 1) - tf_days_from_civil(ny, nm, 1));
	return (int)(tf_days_from_civil(ny, nm, d < last ? d : last) - day0);
}

/* Tech Docs' review_in ("6 months", "1 year", "2 weeks", "30 days") as days; Almanac's "6m" too.
 * Months and years are calendar ones from the review date `reviewed` when there is one (0: none),
 * as the template counts them; else Almanac's (30 and 365 days). */
static int parse_review_in(const char *s, int64_t reviewed, int *days)
{
	if (config_parse_interval(s, days) == 0)
		return 0;
	while (*s == ' ')
		s++;
	char *end;
	long n = strtol(s, &end, 10);
	if (end == s || n <= 0 || n > CONFIG_MAX_INTERVAL)
		return -1;
	while (*end == ' ')
		end++;
	static const struct {
		const char *name;
		char unit;
	} units[] = {{"day", 'd'}, {"days", 'd'}, {"week", 'w'}, {"weeks", 'w'},
		     {"month", 'm'}, {"months", 'm'}, {"year", 'y'}, {"years", 'y'}};
	size_t ul = strlen(end);
	while (ul && end[ul - 1] == ' ')
		ul--;
	for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
		if (strlen(units[i].name) != ul || strncasecmp(end, units[i].name, ul))
			continue;
		char tmp[32];
		snprintf(tmp, sizeof tmp, "%ld%c", n, units[i].unit);
		if (config_parse_interval(tmp, days)) /* out of range */
			return -1;
		if (reviewed > 0 && (units[i].unit == 'm' || units[i].unit == 'y'))
			*days = calendar_months(reviewed, units[i].unit == 'y' ? n * 12 : n);
		return 0;
	}
	return -1;
}

int layout_techdocs_front_matter(fm_t *fm, const char *path, diag_list_t *d)
{
	const val_t *m = fm->raw;
	int errors = 0;
	if (!m || m->type != VAL_MAP)
		return 0;
	const val_t *v = val_map_get(m, "last_reviewed_on");
	if (v && v->type != VAL_NULL && !val_map_get(m, "reviewed")) {
		char *s = scalar(v);
		int64_t t;
		if (!s || fm_parse_date(s, &t))
			errors += fm_error(d, path, v, "'%s' must be a date such as 2026-11-01", "last_reviewed_on");
		else
			fm->reviewed = t;
		free(s);
	}
	v = val_map_get(m, "review_in");
	if (v && v->type != VAL_NULL && !val_map_get(m, "review_interval")) {
		char *s = scalar(v);
		int days;
		if (!s || parse_review_in(s, fm->reviewed, &days))
			errors += fm_error(d, path, v,
					   "'%s' must be a period such as '6 months', '3 weeks', '1 year' or '90 days'",
					   "review_in");
		else
			fm->review_interval = days;
		free(s);
	}
	v = val_map_get(m, "owner_slack");
	if (v && v->type != VAL_NULL && !fm->owner && !val_map_get(m, "owner")) {
		char *s = scalar(v);
		if (!s)
			errors += fm_error(d, path, v, "'%s' must be a string", "owner_slack");
		else if (s[0])
			fm->owner = s;
		else
			free(s);
	}
	fm->review_dated = fm->reviewed != 0;
	return errors;
}
