/* render.c - pages through templates into the output folder. See render.h. */
#include "render.h"

#include "dialects.h"
#include "timing.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "buf.h"
#include "dating.h"
#include "fsutil.h"
#include "json.h"
#include "mustache.h"
#include "links.h"
#include "nav.h"
#include "outpaths.h"
#include "pagefiles.h"
#include "pagekeys.h"
#include "parallel.h"
#include "publish.h"
#include "pubkeep.h"
#include "report.h"
#include "search.h"
#include "searchdocs.h"
#include "theme.h"
#include "timefmt.h"

typedef struct {
	site_t *s;
	theme_t theme;
	nav_t nav;
	nav_cache_t *nav_cache; /* the pages' sidebars, shared per folder */
	val_t *site_ctx;
	val_t *link_vals;       /* LINK_VALS shared values per page, see page_link() */
	pub_t pub;
	map_t role_by_slug;   /* role slug -> page index */
	size_t *owned_at;     /* the runbooks role page j owns (j from role_by_slug): owned[owned_at[j] .. owned_at[j + 1]) */
	long *owned;          /* page indexes, in page order (owned) */
	int failed;
	int io_failed;           /* a file of the site could not be written (a full disk): exit code 4 */
	const render_sel_t *sel; /* almanac serve: render only these outputs (NULL = everything) */
	long *redirects;         /* claims (outpaths.h) of the redirect and alert pages to write (owned) */
	size_t nredirects;
	pfiles_t *pfiles;        /* a full build: the page files the last one wrote (pagefiles.h), or NULL */
	pkeys_t *keys;           /* with pfiles: the input digests of pages (pagekeys.h), or NULL */
	int verify;              /* ALMANAC_VERIFY_KEPT: a page kept by its input digest is checked (pagekeys.h) */
	atomic_size_t kept_by_input; /* page files kept without their context (ALMANAC_TIMING) */
} rctx_t;

/* Adders for keys that are string literals not yet in the map (val_map_add_lit). */

/* `s` percent-encoded for a URL query value: every byte but A-Z a-z 0-9 - . _ ~ becomes %XX. */
static void put_query(buf_t *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr("-._~", *p))
			buf_putc(b, (char)*p);
		else
			buf_printf(b, "%%%02X", *p);
	}
}

static void set_list_str(val_t *m, const char *key, char *const *v, size_t n)
{
	val_t *l = val_map_set(m, key, val_list());
	for (size_t i = 0; i < n; i++)
		val_list_push(l, val_str(v[i]));
}

enum { LINK_VALS = 6 }; /* per page: title, type, status, criticality, description, owner */

/* A shared value (val.h) borrowing `str` (NULL: ""): no copy, never freed by val_free. */
static void borrow_str(val_t *v, const char *str)
{
	memset(v, 0, sizeof *v);
	v->type = VAL_STR;
	v->shared = 1;
	v->str = (char *)(str ? str : "");
	v->len = strlen(v->str);
}

/* The values every link to a page shows, built once per page (page_link). */
static void link_vals_build(rctx_t *r)
{
	const site_t *s = r->s;
	r->link_vals = xcalloc(s->npages * LINK_VALS + 1, sizeof *r->link_vals);
	for (size_t i = 0; i < s->npages; i++) {
		const site_page_t *p = &s->pages[i];
		val_t *v = &r->link_vals[i * LINK_VALS];
		borrow_str(&v[0], p->title);
		borrow_str(&v[1], p->type);
		borrow_str(&v[2], site_status_name(p->fresh.status));
		/* every key on every item, so Mustache never picks up the enclosing page's value */
		borrow_str(&v[3], p->fm.criticality ? p->fm.criticality : "");
		borrow_str(&v[4], p->fm.description ? p->fm.description : "");
		borrow_str(&v[5], p->owner ? p->owner : "");
	}
}

static val_t *page_link(const rctx_t *r, long idx, const char *cur_url)
{
	const site_page_t *p = &r->s->pages[idx];
	val_t *v = &r->link_vals[idx * LINK_VALS];
	val_t *it = val_map();
	val_map_add_lit(it, "title", &v[0]);
	val_map_add_lit(it, "url", val_str_take(fsu_href(cur_url, p->url)));
	val_map_add_lit(it, "type", &v[1]);
	val_map_add_lit(it, "status", &v[2]);
	val_map_add_lit(it, "criticality", &v[3]);
	val_map_add_lit(it, "description", &v[4]);
	val_map_add_lit(it, "owner", &v[5]);
	return it;
}

/* page_link for a list on page `on` ("Related pages", "Linked from"): a page of another repository of
 * the site also says where it lives (`where`: "Identity › Runbooks", its breadcrumbs), as the alert
 * page does; in a hub of twenty repositories two pages often share a title. */
static val_t *page_link_from(const rctx_t *r, long idx, const char *cur_url, const site_page_t *on)
{
	val_t *it = page_link(r, idx, cur_url);
	if (r->s->pages[idx].source != on->source) {
		char *where = nav_trail(&r->nav, idx, " \u203a ");
		if (where && where[0])
			val_map_add_lit(it, "where", val_str_take(where));
		else
			free(where);
	}
	return it;
}

/* The "edit" or "commits" link of page `p` in its repository's web view (its repository's repo_url:
 * a source's own almanac.yml, never the hub's, whose repository is another), or NULL. */
static char *repo_link(const site_t *s, const char *kind, const site_page_t *p)
{
	const config_t *cfg = p->source ? &s->sources[p->source - 1].cfg : &s->cfg;
	if (!cfg->repo_url || !cfg->repo_url[0])
		return NULL;
	const char *checked_out = p->source ? s->sources[p->source - 1].branch : s->branch;
	const char *branch = cfg->repo_branch[0] ? cfg->repo_branch : checked_out && checked_out[0] ? checked_out : "main";
	size_t n = strlen(cfg->repo_url);
	const char *slash = n && cfg->repo_url[n - 1] == '/' ? "" : "/";
	return xasprintf("%s%s%s/%s/%s", cfg->repo_url, slash, kind, branch, site_page_repo_path(p));
}

/* The freshness line and banner of a page. */
static val_t *fresh_ctx(const site_t *s, const site_page_t *p, const char *cur_url)
{
	const site_fresh_t *f = &p->fresh;
	val_t *m = val_map();
	val_map_add_lit_str(m, "status", site_status_name(f->status));
	val_map_add_lit_bool(m, "is_fresh", f->status == FRESH_FRESH);
	val_map_add_lit_bool(m, "is_due", f->status == FRESH_DUE);
	val_map_add_lit_bool(m, "is_stale", f->status == FRESH_STALE);
	val_map_add_lit_bool(m, "is_uncommitted", f->status == FRESH_UNCOMMITTED);
	val_map_add_lit_bool(m, "is_unknown", f->status == FRESH_UNKNOWN);
	val_map_add_lit_bool(m, "unreviewed", f->unreviewed);
	/* the age counts from the reviewed date, not the last commit (freshness.basis, Tech Docs) */
	val_map_add_lit_bool(m, "by_review", dating_basis_reviewed(site_source_cfg(s, p->source), p));
	val_map_add_lit_num(m, "interval_days", f->interval_days);
	if (f->has_commit) {
		char date[32];
		tf_format_date(date, sizeof date, f->commit_time);
		val_map_add_lit_str(m, "last_date", date);
		char iso[40];
		tf_format_rfc3339(iso, sizeof iso, f->commit_time);
		val_map_add_lit_str(m, "last_time", iso);
		val_map_add_lit_str(m, "author", f->author ? f->author : "");
		val_map_add_lit_str(m, "summary", f->summary ? f->summary : "");
		char shortid[8];
		snprintf(shortid, sizeof shortid, "%.7s", f->commit_id);
		val_map_add_lit_str(m, "commit", shortid);
		val_map_add_lit_bool(m, "has_commit", 1);
	}
	if (f->age_days >= 0) {
		val_map_add_lit_num(m, "age_days", f->age_days);
		val_map_add_lit_num(m, "due_in_days", f->due_in_days);
		val_map_add_lit_num(m, "overdue_days", -f->due_in_days);
		val_map_add_lit_bool(m, "overdue", f->due_in_days < 0);
		val_map_add_lit_bool(m, "has_age", 1);
		/* readable forms, so templates need not pluralise */
		val_map_add_lit(m, "age_text", val_str_take(f->age_days == 0   ? xstrdup("today")
							 : f->age_days == 1 ? xstrdup("1 day ago")
									    : xasprintf("%d days ago", f->age_days)));
		int due = f->due_in_days;
		val_map_add_lit(m, "due_text", val_str_take(due == 0    ? xstrdup("review due today")
						       : due == 1   ? xstrdup("review due in 1 day")
						       : due > 1    ? xasprintf("review due in %d days", due)
						       : due == -1  ? xstrdup("review overdue by 1 day")
								    : xasprintf("review overdue by %d days", -due)));
	}
	if (p->fm.reviewed) {
		char date[32];
		tf_format_date(date, sizeof date, p->fm.reviewed);
		val_map_add_lit_str(m, "reviewed", date);
		if (p->fm.reviewer)
			val_map_add_lit_str(m, "reviewer", p->fm.reviewer);
	}
	val_map_add_lit_bool(m, "drifted", f->drifted);
	if (f->drifted && f->drift_path) {
		val_map_add_lit_str(m, "drift_path", f->drift_path);
		char date[32];
		tf_format_date(date, sizeof date, f->drift_time);
		val_map_add_lit_str(m, "drift_date", date);
	}
	int banner = (f->status == FRESH_STALE || f->drifted) && strcmp(p->type, "role") != 0;
	val_map_add_lit_bool(m, "banner", banner);
	/* a stale page says so once: in the banner, which then carries the freshness line's facts */
	val_map_add_lit_bool(m, "in_banner", banner && f->status == FRESH_STALE);
	char *hist = repo_link(s, "commits", p);
	if (hist)
		val_map_add_lit(m, "history_url", val_str_take(hist));
	val_map_add_lit(m, "report_url", val_str_take(fsu_href(cur_url, "freshness/")));
	return m;
}

/* The context of page `idx` (-1: the generated page of `folder`) at `url`. `content`, when not NULL,
 * is the caller's slot for the page's HTML: a shared value borrowing it (no copy), which must outlive
 * the returned tree. */
static val_t *page_ctx(rctx_t *r, long idx, const char *url, long folder, val_t *content)
{
	site_t *s = r->s;
	const site_page_t *p = idx >= 0 ? &s->pages[idx] : NULL;
	val_t *ctx = val_map();
	val_map_set(ctx, "root", val_str_take(fsu_root_prefix(url)));
	val_map_set(ctx, "nav", p && r->nav_cache ? nav_cache_sidebar(r->nav_cache, idx, url) : nav_sidebar(&r->nav, s, folder, url));
	val_map_set(ctx, "breadcrumbs", nav_breadcrumbs(&r->nav, folder, url, idx < 0 || !p->is_index));
	val_t *pg = val_map_set(ctx, "page", val_map());
	val_map_set_str(pg, "url", url);
	if (!p) {
		const nav_folder_t *f = &r->nav.folders[folder];
		val_map_set_str(pg, "title", f->title);
		val_map_set(pg, "children", nav_children(&r->nav, s, folder, url));
		val_map_set_bool(pg, "is_section", 1);
		return ctx;
	}
	/* unknown front-matter keys first, so typed keys below win */
	val_map_add_lit(pg, "meta", val_copy(p->fm.raw));
	val_map_add_lit_str(pg, "title", p->title);
	val_map_add_lit_str(pg, "src", p->src);
	val_map_add_lit_str(pg, "type", p->type);
	char flag[32];
	snprintf(flag, sizeof flag, "is_%s", p->type);
	val_map_set_bool(pg, flag, 1); /* computed key: may repeat one below */
	if (p->fm.description)
		val_map_add_lit_str(pg, "description", p->fm.description);
	if (p->owner) { /* front matter, CODEOWNERS or OWNERS (owners.h) */
		val_map_add_lit_str(pg, "owner", p->owner);
		val_map_add_lit_str(pg, "owner_source", p->owner_source);
		if (!strcmp(p->owner_source, "codeowners") || !strcmp(p->owner_source, "owners"))
			val_map_add_lit_str(pg, "owner_from", !strcmp(p->owner_source, "owners") ? "OWNERS" : "CODEOWNERS");
		void *v;
		if (map_get(&r->role_by_slug, p->owner, &v)) {
			val_map_add_lit(pg, "owner_url", val_str_take(fsu_href(url, s->pages[MAP_AS_INT(v)].url)));
			val_map_add_lit_str(pg, "owner_title", s->pages[MAP_AS_INT(v)].title);
		}
	}
	if (p->fm.criticality)
		val_map_add_lit_str(pg, "criticality", p->fm.criticality);
	set_list_str(pg, "tags", p->fm.tags, p->fm.ntags);
	val_map_add_lit_bool(pg, "has_tags", p->fm.ntags > 0);
	/* {name, url}: the search for each tag, with the tag percent-encoded (a template writing
	 * search/?q={{.}} itself breaks on tags with spaces, '&' or '#') */
	val_t *tl = val_map_add_lit(pg, "tag_links", val_list());
	if (p->fm.ntags) {
		char *search = fsu_href(url, "search/");
		for (size_t i = 0; i < p->fm.ntags; i++) {
			val_t *t = val_list_push(tl, val_map());
			val_map_add_lit_str(t, "name", p->fm.tags[i]);
			buf_t q = BUF_INIT;
			buf_printf(&q, "%s?q=", search);
			put_query(&q, p->fm.tags[i]);
			val_map_add_lit(t, "url", val_str_take(buf_detach(&q)));
		}
		free(search);
	}
	val_t *al = val_map_add_lit(pg, "alerts", val_list());
	for (size_t i = 0; i < p->nalerts; i++) { /* every alert it answers (alerts.h) */
		val_t *a = val_list_push(al, val_map());
		val_map_add_lit_str(a, "name", p->alerts[i]);
		if (alerts_valid_name(p->alerts[i])) { /* else it has no alerts/<Name>/ address */
			char *au = xasprintf("alerts/%s/", p->alerts[i]);
			val_map_add_lit(a, "url", val_str_take(fsu_href(url, au)));
			free(au);
		} else {
			val_map_add_lit_str(a, "url", "");
		}
	}
	val_map_add_lit_bool(pg, "has_alerts", p->nalerts > 0);
	if (content) {
		memset(content, 0, sizeof *content);
		content->type = VAL_STR;
		content->shared = 1;
		content->str = p->md.html ? p->md.html : (char *)"";
		content->len = strlen(content->str);
		val_map_add_lit(pg, "content", content);
	} else {
		val_map_add_lit(pg, "content", val_str(p->md.html ? p->md.html : ""));
	}
	val_map_add_lit_bool(pg, "draft", p->draft);
	/* the scripts only some pages need (base.mustache): diagrams, highlighting, tabs */
	val_map_add_lit_bool(pg, "has_diagram", (p->md.features & DIALECT_DIAGRAM) != 0);
	val_map_add_lit_bool(pg, "has_code", (p->md.features & DIALECT_CODE) != 0);
	val_map_add_lit_bool(pg, "has_tabs", (p->md.features & DIALECT_TABS) != 0);
	/* the badge is for writers previewing work in progress (serve, or build --drafts); a published
	 * build reports the status in the freshness line only */
	val_map_add_lit_bool(pg, "uncommitted", p->fresh.status == FRESH_UNCOMMITTED && (s->opts.serve || s->opts.drafts));
	val_map_add_lit_num(pg, "reading_minutes", (double)(p->md.words / 200 + 1));
	/* table of contents: h2 and h3 */
	val_t *toc = val_map_add_lit(pg, "toc", val_list());
	for (size_t i = 0; i < p->md.nheadings; i++) {
		const md_heading_t *h = &p->md.headings[i];
		if (h->level < 2 || h->level > 3)
			continue;
		val_t *t = val_list_push(toc, val_map());
		val_map_add_lit_str(t, "id", h->id);
		val_map_add_lit_str(t, "text", h->text);
		val_map_add_lit_num(t, "level", h->level);
		val_map_add_lit_bool(t, "sub", h->level == 3);
	}
	val_map_add_lit_bool(pg, "has_toc", toc->len >= 2);
	/* links: related, backlinks, owned runbooks */
	val_t *rel = val_map_add_lit(pg, "related", val_list());
	for (size_t i = 0; i < p->nlinks; i++)
		if (p->links[i].from_related && p->links[i].target >= 0)
			val_list_push(rel, page_link_from(r, p->links[i].target, url, p));
	val_map_add_lit_bool(pg, "has_related", rel->len > 0);
	val_t *bl = val_map_add_lit(pg, "backlinks", val_list());
	for (size_t i = 0; i < p->nbacklinks; i++)
		val_list_push(bl, page_link_from(r, p->backlinks[i], url, p));
	val_map_add_lit_bool(pg, "has_backlinks", bl->len > 0);
	if (!strcmp(p->type, "role")) {
		val_t *own = val_map_add_lit(pg, "owned", val_list());
		void *v;
		if (map_get(&r->role_by_slug, p->slug, &v)) {
			size_t j = (size_t)MAP_AS_INT(v);
			for (size_t k = r->owned_at[j]; k < r->owned_at[j + 1]; k++)
				val_list_push(own, page_link(r, r->owned[k], url));
		}
		val_map_add_lit_bool(pg, "has_owned", own->len > 0);
	}
	if (p->is_index) {
		val_map_add_lit(pg, "children", nav_children(&r->nav, s, folder, url));
		val_map_set_bool(pg, "is_section", 1); /* may be the flag above (type "section") */
	}
	char *edit = repo_link(s, "edit", p);
	if (edit)
		val_map_add_lit(pg, "edit_url", val_str_take(edit));
	val_map_add_lit(pg, "fresh", fresh_ctx(s, p, url));
	return ctx;
}

/* Render `layout` with `ctx` into the file `out_rel`; `size_hint` is the expected output size (0: unknown),
 * so the output buffer is allocated once. With `digest` (the context's, pagefiles.h), the file is recorded
 * for the next build, unless the templates said something about it (said again when rendered again). */
static void render_to_sized(rctx_t *r, const char *layout, val_t *ctx, const char *out_rel, size_t size_hint,
			    const uint64_t *digest, const uint64_t *input)
{
	const val_t *stack[2] = {r->site_ctx, ctx};
	buf_t out = BUF_INIT;
	if (size_hint)
		buf_grow(&out, size_hint);
	if (!mus_set_has(r->theme.set, layout)) {
		diag_add(&r->s->diags, DIAG_ERROR, "templates", 0, 0, "theme", "the theme has no '%s' template", layout);
		r->failed = 1;
		buf_free(&out);
		return;
	}
	diag_list_t said;
	diag_init(&said);
	mus_render(r->theme.set, layout, stack, 2, &out, digest ? &said : &r->s->diags);
	diag_add_each(&r->s->diags, said.items, said.len, NULL);
	struct stat st;
	int rc = pub_write_stat(&r->pub, out_rel, out.s ? out.s : "", out.len, &st);
	if (rc == 0 && digest && !said.len && st.st_ino) {
		pfiles_file_t f;
		pfiles_file_of(&f, &st);
		pfiles_set_input(r->pfiles, out_rel, digest, input, &f);
	}
	diag_free(&said);
	if (rc == -2)
		diag_add(&r->s->diags, DIAG_ERROR, out_rel, 0, 0, "output", "refusing to write outside the output folder");
	else if (rc != 0) {
		diag_add(&r->s->diags, DIAG_ERROR, out_rel, 0, 0, "output", "cannot write the file: %s", strerror(errno));
		r->failed = r->io_failed = 1;
	}
	buf_free(&out);
}

static void render_to(rctx_t *r, const char *layout, val_t *ctx, const char *out_rel)
{
	render_to_sized(r, layout, ctx, out_rel, 0, NULL, NULL);
}

/* 1 when the last build wrote the page file `out_rel` from inputs with the digest `input` (pagekeys.h) and
 * the previous site still has that very file: it is kept, its context not even built. In the verify mode
 * it is not kept; *expect then receives the context digest it had, for render_page_file to check. */
static int kept_by_input(rctx_t *r, const char *out_rel, const uint64_t input[2], uint64_t expect[2], int *check)
{
	pfiles_file_t was;
	uint64_t digest[2];
	*check = 0;
	if (!pfiles_match_input(r->pfiles, out_rel, input, &was, digest) ||
	    !pub_kept_as(&r->pub, out_rel, was.size, was.mtime_ns, was.ino))
		return 0;
	if (r->verify) {
		expect[0] = digest[0];
		expect[1] = digest[1];
		*check = 1;
		return 0;
	}
	pfiles_set_input(r->pfiles, out_rel, digest, input, &was);
	pfiles_count_kept(r->pfiles);
	atomic_fetch_add(&r->kept_by_input, 1);
	return 1;
}

/* A page or folder page: rendered, unless the last build wrote that very file from the same layout and
 * context and the previous site still has it (pagefiles.h): then it is kept as it is. `input` is its input
 * digest (pagekeys.h) or NULL; `expect`, when not NULL, the context digest it must have (verify mode). */
static void render_page_file(rctx_t *r, const char *layout, val_t *ctx, const char *out_rel, size_t size_hint,
			     const uint64_t *input, const uint64_t *expect)
{
	if (!r->pfiles) {
		render_to_sized(r, layout, ctx, out_rel, size_hint, NULL, NULL);
		return;
	}
	val_t lay;
	borrow_str(&lay, layout);
	const val_t *parts[2] = {&lay, ctx};
	uint64_t digest[2];
	val_digest(parts, 2, digest);
	if (expect && (expect[0] != digest[0] || expect[1] != digest[1]))
		diag_add(&r->s->diags, DIAG_ERROR, out_rel, 0, 0, "internal",
			 "ALMANAC_VERIFY_KEPT: the page would have been kept by its input digest, but its context "
			 "changed (pagekeys.c misses something it shows)");
	pfiles_file_t was;
	if (pfiles_match(r->pfiles, out_rel, digest, &was) &&
	    pub_kept_as(&r->pub, out_rel, was.size, was.mtime_ns, was.ino)) {
		pfiles_set_input(r->pfiles, out_rel, digest, input, &was);
		pfiles_count_kept(r->pfiles);
		return;
	}
	render_to_sized(r, layout, ctx, out_rel, size_hint, digest, input);
}

static const char *layout_for(const site_page_t *p)
{
	if (!p->url[0])
		return "home";
	if (p->is_index)
		return "section";
	return p->type;
}

static void render_page(void *ud, size_t i)
{
	rctx_t *r = ud;
	site_page_t *p = &r->s->pages[i];
	if ((p->draft && !r->s->opts.drafts) || pub_interrupted())
		return;
	if (r->sel && !(r->sel->pages && r->sel->pages[i]))
		return;
	const char *layout = layout_for(p);
	char *out = xasprintf("%sindex.html", p->url);
	uint64_t input[2], expect[2];
	int check = 0;
	if (r->keys) {
		pkeys_page(r->keys, (long)i, layout, input);
		if (kept_by_input(r, out, input, expect, &check)) {
			free(out);
			nav_cache_release(r->nav_cache, (long)i);
			goto done;
		}
	}
	long folder = r->nav.page_folder[i];
	site_page_html(r->s, i); /* a page whose rendered Markdown was kept: its HTML is read now (pagecache.h) */
	val_t content;
	val_t *ctx = page_ctx(r, (long)i, p->url, folder, &content);
	/* the page's HTML plus the sidebar, links and skeleton around it */
	render_page_file(r, layout, ctx, out, content.len + 32768, r->keys ? input : NULL, check ? expect : NULL);
	free(out);
	val_free(ctx);
	nav_cache_release(r->nav_cache, (long)i);
done:
	/* a full build needs a page's HTML only here: free it before the search index
	 * is built (serve re-renders pages later and keeps it) */
	if (!r->s->opts.serve && !r->sel) {
		free(p->md.html);
		p->md.html = NULL;
	}
}

static void render_folder(void *ud, size_t f)
{
	rctx_t *r = ud;
	const nav_folder_t *fo = &r->nav.folders[f];
	if (fo->index_page >= 0 || pub_interrupted())
		return;
	if (r->sel && !(r->sel->folders && r->sel->folders[f]))
		return;
	char *out = xasprintf("%sindex.html", fo->url);
	if (!outp_site_may_write(r->s, out)) { /* a page or file of the repository has its address (outpaths.h) */
		free(out);
		return;
	}
	const char *layout = f == 0 ? "home" : "section";
	uint64_t input[2], expect[2];
	int check = 0;
	if (r->keys) {
		pkeys_folder(r->keys, (long)f, layout, input);
		if (kept_by_input(r, out, input, expect, &check)) {
			free(out);
			return;
		}
	}
	val_t *ctx = page_ctx(r, -1, fo->url, (long)f, NULL);
	render_page_file(r, layout, ctx, out, 0, r->keys ? input : NULL, check ? expect : NULL);
	free(out);
	val_free(ctx);
}

/* A redirect page at `from_url` to the site URL `to_url`, at its heading `fragment` when not NULL. `input`
 * is its input digest (pagekeys.h) or NULL, `expect` the context digest it must have (verify mode) or NULL. */
static void write_redirect(rctx_t *r, const char *from_url, const char *to_url, const char *fragment,
			   const char *title, val_t *extra, const uint64_t *input, const uint64_t *expect)
{
	val_t *ctx = extra ? extra : val_map();
	val_map_set(ctx, "root", val_str_take(fsu_root_prefix(from_url)));
	char *href = fsu_href(from_url, to_url);
	if (fragment) {
		char *f = fsu_url_escape(fragment);
		char *with = xasprintf("%s#%s", href, f);
		free(f);
		free(href);
		href = with;
	}
	val_map_set(ctx, "target", val_str_take(href));
	val_map_set_str(ctx, "title", title);
	char *out = outp_file_of(from_url);
	/* kept without rendering when its context is the last build's (pagefiles.h), as a page is */
	render_page_file(r, "redirect", ctx, out, 0, input, expect);
	free(out);
	val_free(ctx);
}

/* 1 when the redirect or alert page `out_rel` with the input digest `input` is kept (kept_by_input); else
 * *check says whether `expect` holds the context digest to check (verify mode). */
static int redirect_kept(rctx_t *r, const char *out_rel, const uint64_t input[2], uint64_t expect[2], int *check)
{
	*check = 0;
	return r->keys && kept_by_input(r, out_rel, input, expect, check);
}

/* almanac serve: the redirect and alert pages of page i are selected. */
static int redirects_selected(const rctx_t *r, long i)
{
	return !r->sel || (r->sel->redirects && r->sel->redirects[i]);
}

/* One redirect or alert page: claim i of r->redirects (outpaths.h: the aliases, other tools' addresses
 * and renamed pages' old addresses that won their address, and the alert pages). One item per call, so
 * par_for writes them on every core. */
static void write_redirect_item(void *ud, size_t i)
{
	rctx_t *r = ud;
	site_t *s = r->s;
	if (pub_interrupted())
		return;
	const outp_claim_t *c = &s->outputs.claims[r->redirects[i]];
	if (c->kind != OUTP_ALERT) {
		if (!redirects_selected(r, c->target))
			return;
		const site_page_t *to = &s->pages[c->target];
		uint64_t input[2], expect[2];
		int check;
		pkeys_redirect("redirect", c->url, to->url, NULL, to->title, input);
		char *out = outp_file_of(c->url);
		int kept = redirect_kept(r, out, input, expect, &check);
		free(out);
		if (!kept)
			write_redirect(r, c->url, to->url, NULL, to->title, NULL, r->keys ? input : NULL,
				       check ? expect : NULL);
		return;
	}
	/* stable alert URLs */
	site_alert_t *a = &s->alerts[c->owner];
	int selected = 0;
	for (size_t k = 0; k < a->npages && !selected; k++)
		selected = redirects_selected(r, a->pages[k]);
	if (!selected)
		return;
	const char *from = c->url;
	/* at the heading a rule's runbook_url names, when its one page has it (else runbookurl.h said so) */
	const site_page_t *one = a->npages == 1 ? &s->pages[a->pages[0]] : NULL;
	const char *at = one && a->anchor && links_page_has_id(s, one, a->anchor) ? a->anchor : NULL;
	const char *home = r->nav.nfolders ? r->nav.folders[0].title : NULL;
	uint64_t input[2], expect[2];
	int check = 0;
	if (r->keys) { /* kept by its inputs alone: its runbooks' link views (pagekeys.h) */
		pkeys_alert(r->keys, one ? "redirect" : "alert", from, a, at, home, input);
		char *out = one ? outp_file_of(from) : xstrdup(c->file);
		int kept = redirect_kept(r, out, input, expect, &check);
		free(out);
		if (kept)
			return;
	}
	val_t *ctx = val_map();
	val_map_set_str(ctx, "alert", a->name);
	if (a->summary)
		val_map_set_str(ctx, "summary", a->summary);
	val_t *l = val_map_set(ctx, "runbooks", val_list());
	for (size_t k = 0; k < a->npages; k++) {
		/* where each runbook lives ("OpenShift Runbooks › Alerts › ..."): two answers often share a title,
		 * one per repository */
		val_t *it = page_link(r, a->pages[k], from);
		char *where = a->npages > 1 ? nav_trail(&r->nav, a->pages[k], " \u203a ") : NULL;
		val_map_set_str(it, "where", where ? where : "");
		free(where);
		val_list_push(l, it);
	}
	val_map_set_bool(ctx, "several", a->npages > 1);
	/* the first breadcrumb, as every other page's: the home folder's title */
	if (home)
		val_map_set_str(ctx, "home_title", home);
	if (one) {
		write_redirect(r, from, one->url, at, one->title, ctx, r->keys ? input : NULL, check ? expect : NULL);
	} else {
		val_map_set(ctx, "root", val_str_take(fsu_root_prefix(from)));
		render_page_file(r, "alert", ctx, c->file, 0, r->keys ? input : NULL, check ? expect : NULL);
		val_free(ctx);
	}
}

static void write_redirects(rctx_t *r)
{
	const outp_t *t = &r->s->outputs;
	free(r->redirects);
	r->redirects = xcalloc(t->n + 1, sizeof *r->redirects);
	r->nredirects = 0;
	for (size_t i = t->stage2; i < t->n; i++)
		if (t->claims[i].winner < 0 && t->claims[i].kind >= OUTP_ALERT)
			r->redirects[r->nredirects++] = (long)i;
	par_for(r->nredirects, r->s->opts.jobs, write_redirect_item, r);
}

/* Write a whole file of the site's own; a failure (a full disk) fails the build. */
static void write_whole(rctx_t *r, const char *rel, buf_t *b)
{
	if (pub_write(&r->pub, rel, b->s ? b->s : "", b->len) != 0) {
		diag_add(&r->s->diags, DIAG_ERROR, rel, 0, 0, "output", "cannot write the file: %s", strerror(errno));
		r->failed = r->io_failed = 1;
	}
}

static void write_sitemap(rctx_t *r)
{
	site_t *s = r->s;
	buf_t b = BUF_INIT;
	buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		     "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
	const char *base = s->cfg.base_url;
	size_t bl = strlen(base);
	for (size_t i = 0; i < s->npages; i++) {
		site_page_t *p = &s->pages[i];
		if (p->draft && !s->opts.drafts)
			continue;
		buf_puts(&b, "  <url><loc>");
		buf_put_html(&b, base, bl);
		if (bl && base[bl - 1] != '/')
			buf_putc(&b, '/');
		char *url = fsu_url_escape(p->url);
		buf_put_html(&b, url, strlen(url));
		free(url);
		buf_puts(&b, "</loc>");
		if (p->fresh.has_commit) {
			char d[32];
			tf_format_date(d, sizeof d, p->fresh.commit_time);
			buf_printf(&b, "<lastmod>%s</lastmod>", d);
		}
		buf_puts(&b, "</url>\n");
	}
	buf_puts(&b, "</urlset>\n");
	write_whole(r, "sitemap.xml", &b);
	buf_free(&b);
}

unsigned render_site_features(const site_t *s, long skip)
{
	unsigned f = 0;
	for (size_t i = 0; i < s->npages; i++)
		if ((long)i != skip && (!s->pages[i].draft || s->opts.drafts))
			f |= s->pages[i].md.features;
	return f;
}

int render_asset_wanted(const char *rel, unsigned features)
{
	if (!fsu_starts_with(rel, "vendor/"))
		return 1;
	if (fsu_starts_with(rel, "vendor/mermaid/"))
		return (features & DIALECT_DIAGRAM) != 0;
	if (fsu_starts_with(rel, "vendor/highlight/"))
		return (features & DIALECT_CODE) != 0;
	return 0; /* vendor/SHA256SUMS: the repository's record, not the site's */
}

/* Copy the theme's and the site's assets (the vendored libraries only when a page uses them). A source that cannot be read is a warning (a `symlink`
 * one when it is a link that may not be followed); a copy that cannot be written (a full disk)
 * fails the build: the previous site stays. */
static void copy_assets(rctx_t *r)
{
	site_t *s = r->s;
	unsigned features = render_site_features(s, -1);
	for (size_t i = 0; i < r->theme.nassets && !pub_interrupted(); i++) {
		const theme_asset_t *a = &r->theme.assets[i];
		if (!render_asset_wanted(a->rel, features))
			continue;
		char *dst = xasprintf("assets/%s", a->rel);
		if (!outp_site_may_write(s, dst)) { /* the repository has a file there (outpaths.h) */
			free(dst);
			continue;
		}
		int rc = pub_copy(&r->pub, a->root, a->src, dst);
		if (rc != 0) {
			diag_add(&s->diags, DIAG_ERROR, a->src, 0, 0, "output", "cannot copy theme asset to %s: %s", dst,
				 pr_strerror(rc));
			r->failed = 1;
			r->io_failed |= rc == PR_EWRITE;
		}
		free(dst);
	}
	for (size_t i = 0; i < s->nassets && !pub_interrupted(); i++) {
		const site_asset_t *a = &s->assets[i];
		if (a->withheld) /* scripts would run on the site (activefiles.h) */
			continue;
		int rc = pub_copy(&r->pub, site_source_tree(s, a->source), a->repo_path ? a->repo_path : a->src, a->out);
		if (rc == PR_EWRITE || rc == PR_EUNSAFE) {
			diag_add(&s->diags, DIAG_ERROR, a->src, 0, 0, "output", "cannot write the copy %s: %s", a->out,
				 pr_strerror(rc));
			r->failed = r->io_failed = 1;
		} else if (pr_refused(rc)) {
			diag_add(&s->diags, DIAG_WARNING, a->src, 0, 0, "symlink", "%s", pr_link_message(rc));
		} else if (rc != 0) {
			diag_add(&s->diags, DIAG_WARNING, a->src, 0, 0, "asset", "cannot copy the file: %s", pr_strerror(rc));
		}
	}
}

/* The search index; its tokenizing is finished already when site_load started
 * it early (opts.search_early), done here otherwise. Its diagnostics go to `d`,
 * and *failed is set when a file could not be written. */
static void write_search(rctx_t *r, diag_list_t *d, int *failed)
{
	static const char *const parts[] = {"search/manifest.json", "search/facets.json", "search/t", "search/v",
					    "search/m"};
	for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
		if (!outp_site_may_write(r->s, parts[i])) { /* the repository has files there (a note says so) */
			searchdocs_cancel(r->s->search_job);
			r->s->search_job = NULL;
			return;
		}
	/* the job may still be cutting the pages' texts: wait before reading them (Ctrl-C meanwhile stops
	 * its tokenizing, as it stops the tokenizing here) */
	search_prep_t *prep = searchdocs_finish(r->s->search_job, pub_interrupt_flag());
	r->s->search_job = NULL;
	search_doc_t *docs;
	size_t n = searchdocs_collect_lazy(r->s, &r->nav, &docs); /* texts read only where the index needs them */
	if (!prep && !pub_interrupted())
		prep = searchdocs_prepare(r->s, docs, n, pub_interrupt_flag());
	if (pub_interrupted()) { /* nothing is committed: render_site says so */
		search_prep_free(prep);
		searchdocs_free(docs, n);
		*failed = 1;
		return;
	}
	if (timing_enabled()) {
		size_t cached, pages;
		search_prep_counts(prep, &cached, &pages);
		fprintf(stderr, "  search words: %zu of %zu pages from the last build\n", cached, pages);
		search_prep_parts(prep, &cached, &pages);
		fprintf(stderr, "  search shares: %zu of %zu repositories' from the last build\n", cached, pages);
	}
	search_stats_t st = {0};
	if (search_write_site(prep, &st, docs, n, &r->pub, d) != 0)
		*failed = 1;
	searchdocs_free(docs, n);
	if (timing_enabled()) { /* the pages it tokenized and those of the metadata chunks it made */
		fprintf(stderr, "  search sections: %zu of %zu pages read from the page cache\n",
			(size_t)atomic_load(&r->s->sections_read), n);
		fprintf(stderr,
			"  search term shards: %zu of %zu as the last build wrote them, %zu patched from theirs\n",
			st.term_shards_kept, st.term_shards, st.term_shards_patched);
	}
}

/* The search index written on a thread of its own while the pages, folder, redirect and special pages are
 * (about 0.35 s on 20,000 pages, mostly one core's work): it only reads the pages' fields other than
 * their HTML (which a page's rendering reads and then frees) and the navigation, which those only read
 * too, and writes its own files; its diagnostics stay its own until it is joined. */
typedef struct {
	rctx_t *r;
	diag_list_t diags;
	int failed;
	int started;
	pthread_t tid;
} search_writer_t;

static void *search_writer_main(void *arg)
{
	search_writer_t *w = arg;
	write_search(w->r, &w->diags, &w->failed);
	search_cpu_note_thread();
	return NULL;
}

static void search_writer_start(rctx_t *r, search_writer_t *w)
{
	memset(w, 0, sizeof *w);
	w->r = r;
	diag_init(&w->diags);
	if (pthread_create(&w->tid, NULL, search_writer_main, w) == 0)
		w->started = 1;
	else
		write_search(r, &w->diags, &w->failed); /* no thread: written here */
}

static void search_writer_join(rctx_t *r, search_writer_t *w)
{
	if (w->started)
		pthread_join(w->tid, NULL);
	diag_add_each(&r->s->diags, w->diags.items, w->diags.len, NULL);
	diag_free(&w->diags);
	if (w->failed)
		r->failed = r->io_failed = 1;
}

static val_t *site_context(const site_t *s)
{
	val_t *root = val_map();
	val_t *m = val_map_set(root, "site", val_map());
	val_map_set_str(m, "title", s->cfg.title);
	val_map_set_str(m, "base_url", s->cfg.base_url);
	val_map_set_str(m, "repo_url", s->cfg.repo_url);
	val_map_set_str(m, "version", ALMANAC_VERSION);
	char date[32];
	tf_format_date(date, sizeof date, s->opts.now);
	val_map_set_str(m, "generated", date);
	val_map_set_bool(m, "serve", s->opts.serve);
	val_map_set_bool(m, "search", s->cfg.search);
	if (s->cfg.raw)
		val_map_set(m, "params", val_copy(s->cfg.raw));
	return root;
}

/* What the 404 page adds to its context. 404.html is served for a missing address at any depth (nginx's
 * error_page, GitHub Pages, almanac serve), where its relative links and stylesheet do not resolve:
 *   base_href   the site's base_url (with a trailing '/') for a <base> that comes before any other URL
 *               of the page; not under almanac serve, whose site is at the server's root, not there.
 *   inline_css  the theme's assets/style.css, so that the page is styled at any depth without a request
 *               ("</" written "<\/" so that it cannot close the <style> element).
 * Without base_href the theme's script finds the site's root by asking for assets/almanac.js in each
 * folder above the address (see templates/404.mustache). */
static void notfound_ctx(rctx_t *r, val_t *ctx)
{
	const site_t *s = r->s;
	const char *base = s->cfg.base_url;
	size_t bl = strlen(base);
	if (bl && !s->opts.serve)
		val_map_set(ctx, "base_href", val_str_take(xasprintf("%s%s", base, base[bl - 1] == '/' ? "" : "/")));
	for (size_t i = 0; i < r->theme.nassets; i++) {
		if (strcmp(r->theme.assets[i].rel, "style.css"))
			continue;
		buf_t css = BUF_INIT, out = BUF_INIT;
		if (pr_read(r->theme.assets[i].root, r->theme.assets[i].src, &css, FSU_MAX_FILE) == 0) {
			for (size_t k = 0; k < css.len; k++) {
				buf_putc(&out, css.s[k]);
				if (css.s[k] == '<' && k + 1 < css.len && css.s[k + 1] == '/')
					buf_putc(&out, '\\');
			}
		}
		val_map_set(ctx, "inline_css", val_str_take(buf_detach(&out)));
		buf_free(&css);
		break;
	}
}

/* The freshness report: its page and freshness.json, from one report_compute. Each step checks for
 * Ctrl-C (on 20,000 pages they take 20-100 ms each, and an interrupted build commits nothing). */
static void write_freshness(rctx_t *r)
{
	site_t *s = r->s;
	if (pub_interrupted())
		return;
	report_t rep;
	report_compute(&rep, s); /* once, for the page and freshness.json */
	if (outp_site_may_write(s, "freshness/index.html") && !pub_interrupted()) {
		val_t *ctx = page_ctx(r, -1, "freshness/", 0, NULL);
		val_map_set_str(val_map_get(ctx, "page"), "title", "Documentation freshness");
		val_map_set(ctx, "report", report_context_of(&rep, s, "freshness/"));
		render_to(r, "freshness", ctx, "freshness/index.html");
		val_free(ctx);
	}
	if (outp_site_may_write(s, "freshness.json") && !pub_interrupted()) {
		buf_t json = BUF_INIT;
		report_write_json(&rep, s, &json);
		write_whole(r, "freshness.json", &json);
		buf_free(&json);
	}
	report_free(&rep);
}

/* The pages every build has but the freshness report: 404, search, alerts.json, the sitemap. */
static void write_other_specials(rctx_t *r)
{
	site_t *s = r->s;
	/* 404 and search pages */
	/* each only where no page or file of the repository is (outpaths.h) */
	if (outp_site_may_write(s, "404.html") && !pub_interrupted()) {
		val_t *ctx = page_ctx(r, -1, "", 0, NULL);
		val_map_set_str(val_map_get(ctx, "page"), "title", "Page not found");
		notfound_ctx(r, ctx);
		render_to(r, "404", ctx, "404.html");
		val_free(ctx);
	}
	if (outp_site_may_write(s, "search/index.html") && !pub_interrupted()) {
		val_t *ctx = page_ctx(r, -1, "search/", 0, NULL);
		val_map_set_str(val_map_get(ctx, "page"), "title", "Search");
		/* the tip's example: an alert of this site that has a runbook (the first by name), else none */
		for (size_t i = 0; i < s->nalerts; i++)
			if (s->alerts[i].npages) {
				val_map_set_str(ctx, "example_alert", s->alerts[i].name);
				break;
			}
		render_to(r, "search", ctx, "search/index.html");
		val_free(ctx);
	}
	/* the alert map for Alertmanager templates, Grafana and paging tools */
	if (outp_site_may_write(s, "alerts.json") && !pub_interrupted()) {
		buf_t am = BUF_INIT;
		alerts_write_json(s, &am);
		write_whole(r, "alerts.json", &am);
		buf_free(&am);
	}
	if (outp_site_may_write(s, "sitemap.xml") && !pub_interrupted())
		write_sitemap(r);
}

/* The pages every build has: 404, search, the freshness report (page and JSON), the sitemap. */
static void write_specials(rctx_t *r)
{
	write_other_specials(r);
	write_freshness(r);
}

/* The freshness report written on a thread of its own while the redirect and alert pages and the
 * other special files are (on 20,000 pages it is the longest of them: 0.1-0.15 s of one core's work,
 * most of it freshness.json's 15 MB). It only reads the site and the navigation, and writes its own
 * two files; the diagnostics it adds go to the site's list, which is thread-safe. */
typedef struct {
	rctx_t *r;
	int started;
	pthread_t tid;
} freshness_writer_t;

static void *freshness_writer_main(void *arg)
{
	freshness_writer_t *w = arg;
	write_freshness(w->r);
	return NULL;
}

/* The redirect, alert and special pages of a build (render_site): the freshness report on a thread
 * while the rest is written here (on every core: write_redirects). */
static void write_redirects_and_specials(rctx_t *r)
{
	freshness_writer_t w = {.r = r};
	w.started = pthread_create(&w.tid, NULL, freshness_writer_main, &w) == 0;
	write_redirects(r);
	write_other_specials(r);
	if (w.started)
		pthread_join(w.tid, NULL);
	else
		write_freshness(r); /* no thread: written here */
}

/* Load the site's theme into r->theme; -1 (the theme freed) when it does not load. */
static int rctx_load_theme(rctx_t *r)
{
	site_t *s = r->s;
	char *site_theme = xasprintf("themes/%s", s->cfg.theme);
	int rc = theme_load(&r->theme, s->tree, site_theme, &s->diags);
	free(site_theme);
	if (rc != 0) {
		theme_free(&r->theme);
		return -1;
	}
	return 0;
}

/* What every page and folder render reads: the navigation, the roles by slug, the site context, the link values. */
static void rctx_setup(rctx_t *r)
{
	site_t *s = r->s;
	nav_build(&r->nav, s);
	for (size_t i = 0; i < s->npages; i++)
		if (!strcmp(s->pages[i].type, "role") && !(s->pages[i].draft && !s->opts.drafts))
			map_put(&r->role_by_slug, s->pages[i].slug, MAP_INT(i));
	/* the runbooks each role owns, found once (a role page lists them) */
	r->owned_at = xcalloc(s->npages + 2, sizeof *r->owned_at);
	long *owner_of = xmalloc((s->npages ? s->npages : 1) * sizeof *owner_of);
	for (size_t i = 0; i < s->npages; i++) {
		const site_page_t *q = &s->pages[i];
		void *v;
		owner_of[i] = -1;
		if ((q->draft && !s->opts.drafts) || !q->owner || strcmp(q->type, "runbook") || q->is_index ||
		    !map_get(&r->role_by_slug, q->owner, &v))
			continue;
		owner_of[i] = (long)MAP_AS_INT(v);
		r->owned_at[owner_of[i] + 2]++;
	}
	for (size_t j = 0; j < s->npages; j++)
		r->owned_at[j + 2] += r->owned_at[j + 1];
	r->owned = xmalloc((r->owned_at[s->npages + 1] ? r->owned_at[s->npages + 1] : 1) * sizeof *r->owned);
	for (size_t i = 0; i < s->npages; i++)
		if (owner_of[i] >= 0)
			r->owned[r->owned_at[owner_of[i] + 1]++] = (long)i;
	free(owner_of);
	r->site_ctx = site_context(s);
	link_vals_build(r);
}

/* Free what rctx_setup() and rctx_load_theme() made. */
static void rctx_free(rctx_t *r)
{
	val_free(r->site_ctx);
	free(r->link_vals);
	free(r->redirects);
	nav_free(&r->nav);
	map_free(&r->role_by_slug);
	free(r->owned_at);
	free(r->owned);
	theme_free(&r->theme);
}

/* A build (not serve's) with opts.page_cache: the page files the last build into `out_dir` wrote, for
 * this binary, theme and site context (pagefiles.h). */
static int page_files_used(const site_t *s)
{
	return s->opts.page_cache && !s->opts.serve && s->cache_dir;
}

static void page_files_open(rctx_t *r, const char *out_dir)
{
	site_t *s = r->s;
	if (!page_files_used(s))
		return;
	char build[40];
	snprintf(build, sizeof build, "%016llx%016llx", (unsigned long long)s->binary_id,
		 (unsigned long long)s->theme_fp);
	val_t id;
	borrow_str(&id, build);
	const val_t *parts[2] = {&id, r->site_ctx};
	uint64_t ident[2];
	val_digest(parts, 2, ident);
	char *path = xasprintf("%s/page-files", s->cache_dir);
	r->pfiles = pfiles_load(path, out_dir, ident);
	free(path);
}

/* With the page files (the same rules): the record of the site's files, so that an in-place commit
 * finds what to remove without reading every folder of the site (sitefiles.h); its check starts now,
 * beside the setup, and is waited for before the first file is kept. */
static void site_files_open(rctx_t *r)
{
	if (!page_files_used(r->s))
		return;
	char *path = xasprintf("%s/site-files", r->s->cache_dir);
	pub_record_files(&r->pub, path, r->s->early_check); /* started by site_load, or now */
	r->s->early_check = NULL;
	free(path);
}

#define INTERRUPTED_MSG "build interrupted; the previous site is untouched"

int render_site(site_t *s, const char *out_dir)
{
	rctx_t r;
	memset(&r, 0, sizeof r);
	r.s = s;
	if (pub_interrupted()) { /* before anything was set up or written */
		diag_add(&s->diags, DIAG_ERROR, out_dir, 0, 0, "interrupted", INTERRUPTED_MSG);
		return -1;
	}
	if (rctx_load_theme(&r) != 0)
		return -1;
	if (pub_begin(&r.pub, out_dir, s->root, s->tree, s->cfg.content, s->cfg.ncontent, &s->diags) != 0) {
		theme_free(&r.theme);
		return -4;
	}
	site_files_open(&r);
	rctx_setup(&r);
	r.nav_cache = nav_cache_new(&r.nav, s, NULL);
	page_files_open(&r, out_dir);
	if (r.pfiles) {
		pkeys_rel_t rel = {&r.role_by_slug, r.owned_at, r.owned};
		r.keys = pkeys_new(s, &r.nav, &rel, s->opts.jobs);
		r.verify = pkeys_verify();
	}
	pub_record_wait(&r.pub);

	timing_mark("render setup");
	/* the search index beside the pages: a rebuild keeps most page files by their inputs, and its
	 * index is then the longest part of the work left */
	search_writer_t sw;
	int searching = s->cfg.search && !pub_interrupted();
	if (searching)
		search_writer_start(&r, &sw);
	par_for(s->npages, s->opts.jobs, render_page, &r);
	nav_cache_free(r.nav_cache);
	r.nav_cache = NULL;
	timing_mark("pages");
	par_for(r.nav.nfolders, s->opts.jobs, render_folder, &r);
	timing_mark("sections");
	if (!pub_interrupted()) { /* SIGINT/SIGTERM: stop now, the temporary folder is removed below */
		write_redirects_and_specials(&r);
		timing_mark("redirects+specials");
		copy_assets(&r);
		timing_mark("assets");
	}
	if (searching)
		search_writer_join(&r, &sw);
	timing_mark("search (its wait)");
	if (timing_enabled() && searching)
		fprintf(stderr, "  search threads: %.1f ms cpu\n", search_cpu_ms());

	if (timing_enabled() && r.pub.keep) {
		size_t kept, written;
		pubkeep_counts(r.pub.keep, &kept, &written);
		fprintf(stderr, "  previous site: %zu files kept, %zu written (%s); %zu pages not rendered again (%zu by "
			"their inputs alone)\n", kept, written, pubkeep_in_place(r.pub.keep) ? "moved in place" : "the whole site swapped in",
			r.pfiles ? pfiles_kept(r.pfiles) : 0, atomic_load(&r.kept_by_input));
	}
	int rc = 0;
	if (pub_interrupted()) {
		diag_add(&s->diags, DIAG_ERROR, out_dir, 0, 0, "interrupted", INTERRUPTED_MSG);
		rc = -1;
	} else if (r.failed) {
		rc = r.io_failed ? -4 : -1;
	} else if (pub_commit(&r.pub, s->opts.serve || s->history_partial ? NULL : s->fingerprint, &s->diags) != 0) {
		rc = -4;
	} else if (r.pfiles) {
		pfiles_save(r.pfiles); /* the site is published: what its page files were rendered from */
	}
	pfiles_free(r.pfiles);
	pkeys_free(r.keys);
	timing_mark("commit");
	pub_abort(&r.pub);
	rctx_free(&r);
	return rc;
}

/* ---- almanac serve: partial renders (see render.h) ---- */

int render_select(site_t *s, const char *dir, const render_sel_t *sel)
{
	rctx_t r;
	memset(&r, 0, sizeof r);
	r.s = s;
	r.sel = sel;
	if (rctx_load_theme(&r) != 0)
		return -1;
	if (pub_open_dir(&r.pub, dir) != 0) { /* written directly: no pub_begin/pub_commit */
		diag_add(&s->diags, DIAG_ERROR, dir, 0, 0, "output", "cannot open the folder: %s", strerror(errno));
		theme_free(&r.theme);
		return -1;
	}
	rctx_setup(&r);
	if (sel->pages) {
		r.nav_cache = nav_cache_new(&r.nav, s, sel->pages);
		par_for(s->npages, s->opts.jobs, render_page, &r);
		nav_cache_free(r.nav_cache);
		r.nav_cache = NULL;
	}
	if (sel->folders)
		par_for(r.nav.nfolders, s->opts.jobs, render_folder, &r);
	if (sel->redirects)
		write_redirects(&r);
	if (sel->specials)
		write_specials(&r);
	if (sel->assets)
		copy_assets(&r);
	if (sel->search && s->cfg.search) {
		int failed = 0;
		write_search(&r, &s->diags, &failed);
		r.failed |= failed;
	}
	int rc = r.failed || pub_interrupted() ? -1 : 0;
	pub_abort(&r.pub);
	rctx_free(&r);
	return rc;
}
