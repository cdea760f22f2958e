/* sitesrc.c - the sources of a multi-repository site. See sitesrc.h. */
#include "sitesrc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "buf.h"
#include "fetch.h"
#include "forgepages.h"
#include "forgeurl.h"
#include "fsutil.h"
#include "activefiles.h"
#include "layout.h"
#include "map.h"
#include "parallel.h"
#include "owners.h"
#include "pathres.h"
#include "publish.h"
#include "scan.h"
#include "sitelayout.h"
#include "sources.h"

char *sitesrc_site_path(const site_t *s, int k, const char *repo_path)
{
	const site_source_t *src = &s->sources[k - 1];
	const char *rest = repo_path;
	if (src->path[0]) {
		size_t l = strlen(src->path);
		if (strncmp(repo_path, src->path, l) || (repo_path[l] != '/' && repo_path[l] != '\0'))
			return NULL;
		rest = repo_path[l] ? repo_path + l + 1 : "";
	}
	return rest[0] ? xasprintf("%s/%s", src->name, rest) : xstrdup(src->name);
}

/* Move the diagnostics of `from` (about files of source k, named by their path
 * in it) to the site's list, named by their site path ("name:path" when the
 * source does not publish the file). */
static void requalify(site_t *s, int k, diag_list_t *from)
{
	for (size_t i = 0; i < from->len; i++) {
		diag_t *dg = &from->items[i];
		char *sp = dg->file ? sitesrc_site_path(s, k, dg->file) : NULL;
		if (!sp)
			sp = xasprintf("%s:%s", s->sources[k - 1].name, dg->file ? dg->file : "");
		free(dg->file);
		dg->file = sp;
	}
	diag_move(&s->diags, from);
}

static void source_clear(site_source_t *src)
{
	free(src->name);
	free(src->public_url);
	free(src->web_base);
	free(src->branch);
	free(src->root);
	pr_root_free(src->tree);
	free(src->path);
	config_free(&src->cfg);
	layout_free(&src->layout);
	owners_free(src->owners);
	memset(src, 0, sizeof *src);
}

void sitesrc_free(site_t *s)
{
	for (size_t i = 0; i < s->nsources; i++)
		source_clear(&s->sources[i]);
	free(s->sources);
	s->sources = NULL;
	s->nsources = 0;
}

/* --source NAME=PATH for `name`, or NULL. */
static const char *override_for(const site_t *s, const char *name)
{
	size_t nl = strlen(name);
	for (size_t i = 0; i < s->opts.nsource_overrides; i++) {
		const char *o = s->opts.source_overrides[i];
		if (!strncmp(o, name, nl) && o[nl] == '=')
			return o + nl + 1;
	}
	return NULL;
}

/* The source's almanac.yml, when it has one, over the defaults. Returns 0 or -1. */
static int load_source_config(site_t *s, site_source_t *src, int k, uint64_t *stamp)
{
	config_defaults(&src->cfg);
	buf_t text = BUF_INIT;
	int r = pr_read(src->tree, "almanac.yml", &text, FSU_MAX_FILE);
	int rc = 0;
	if (r == 0) {
		diag_list_t d;
		diag_init(&d);
		char *disp = xasprintf("%s:almanac.yml", src->name);
		rc = config_load_text(&src->cfg, buf_cstr(&text), text.len, disp, &d) ? -1 : 0;
		free(disp);
		diag_move(&s->diags, &d);
		diag_free(&d);
		src->has_cfg = 1;
		*stamp = map_hash_add(*stamp, buf_cstr(&text), text.len + 1);
	} else if (pr_refused(r)) {
		char *disp = xasprintf("%s:almanac.yml", src->name);
		diag_add(&s->diags, DIAG_WARNING, disp, 0, 0, "symlink", "%s", pr_link_message(r));
		free(disp);
	} else if (!(r == PR_EIO && errno == ENOENT)) {
		char *disp = xasprintf("%s:almanac.yml", src->name);
		diag_add(&s->diags, DIAG_ERROR, disp, 0, 0, "config", "cannot read the configuration: %s",
			 r == PR_ETOOBIG ? "file too large" : strerror(errno));
		free(disp);
		rc = -1;
	}
	buf_free(&text);
	/* its own layout (sitelayout.h): a Hugo or MkDocs source without path: publishes its content
	 * root, a plain one's URLs are its paths under its path: */
	diag_list_t ld;
	diag_init(&ld);
	layout_detect(&src->layout, src->tree, src->cfg.layout, !src->path[0] && !src->cfg.content_explicit, &ld);
	if (src->layout.kind == LAYOUT_PLAIN && !strcmp(src->cfg.layout, "auto") && s->layout.kind != LAYOUT_PLAIN)
		layout_inherit(&src->layout, &s->layout, src->path); /* no config of its own: written for the hub */
	else if (src->layout.kind == LAYOUT_PLAIN)
		layout_set_plain_root(&src->layout, src->path);
	else if (!src->path[0] && !src->cfg.content_explicit) {
		free(src->path);
		src->path = xstrdup(src->layout.root);
		src->path_from_layout = 1;
	}
	/* named once the folder the source publishes is known: its mkdocs.yml is NAME:mkdocs.yml */
	requalify(s, k, &ld);
	diag_free(&ld);
	layout_set_home(&src->layout, src->layout.root);
	src->cfg.middleman = src->layout.kind == LAYOUT_TECHDOCS;
	if (!src->cfg.repo_url[0] && src->layout.repo_url) { /* its MkDocs repo_url */
		free(src->cfg.repo_url);
		src->cfg.repo_url = xstrdup(src->layout.repo_url);
	}
	if (src->layout.config) { /* its config gives every URL: an input of the build */
		buf_t lc = BUF_INIT;
		if (pr_read(src->tree, src->layout.config, &lc, FSU_MAX_FILE) == 0)
			*stamp = map_hash_add(*stamp, lc.s ? lc.s : "", lc.len);
		buf_free(&lc);
	}
	*stamp = map_hash_add(*stamp, layout_name(src->layout.kind), strlen(layout_name(src->layout.kind)) + 1);
	if (src->path[0]) { /* the entry's path: the source's one content folder */
		for (size_t i = 0; i < src->cfg.ncontent; i++)
			free(src->cfg.content[i]);
		free(src->cfg.content);
		src->cfg.content = xcalloc(2, sizeof *src->cfg.content);
		src->cfg.content[0] = xstrdup(src->path);
		src->cfg.ncontent = 1;
		src->cfg.content_explicit = 1;
	}
	return rc;
}

/* Append the scan of source k to the site's pages and assets. */
static void add_scan(site_t *s, int k, const scan_result_t *sc)
{
	site_source_t *src = &s->sources[k - 1];
	s->pages = xrealloc(s->pages, (s->npages + sc->npages + 1) * sizeof *s->pages);
	for (size_t i = 0; i < sc->npages; i++) {
		char *sp = sitesrc_site_path(s, k, sc->pages[i]);
		if (!sp)
			continue; /* a content folder of its own config outside the entry's path */
		site_page_t *p = &s->pages[s->npages++];
		memset(p, 0, sizeof *p);
		p->src = sp;
		p->source = k;
		p->repo_path = xstrdup(sc->pages[i]);
		p->stat = sc->page_stat[i];
		p->dir = fsu_dirname(p->src);
		/* the source's own layout gives its pages their URLs (site_name_page): the page it publishes
		 * at its folder's address (a Hugo source: _index.md) is that folder's index */
		p->is_index = layout_is_index(&src->layout, p->repo_path);
		p->url = scan_page_url(p->src, s->home_dir); /* until site_name_page */
	}
	memset(&s->pages[s->npages], 0, sizeof *s->pages);
	s->assets = xrealloc(s->assets, (s->nassets + sc->nassets + 1) * sizeof *s->assets);
	for (size_t i = 0; i < sc->nassets; i++) {
		size_t st = layout_static_of(&src->layout, sc->assets[i]);
		char *sp = sitesrc_site_path(s, k, sc->assets[i]);
		if (!sp && st) /* a Hugo source's static/ file: named as a file the source does not publish as a page */
			sp = xasprintf("%s:%s", src->name, sc->assets[i]);
		if (!sp)
			continue;
		site_asset_t *a = &s->assets[s->nassets];
		memset(a, 0, sizeof *a);
		a->src = sp;
		a->out = sitelayout_prefix(s, k, layout_asset_out(&src->layout, sc->assets[i]));
		a->source = k;
		a->repo_path = xstrdup(sc->assets[i]);
		a->static_root = st;
		/* files browsers run scripts in are withheld as the hub's are (activefiles.h), by the hub's setting */
		a->withheld = s->cfg.active_assets != AF_PUBLISH && af_is_active(sc->assets[i]);
		map_put(&s->asset_map, a->src, MAP_INT(s->nassets));
		s->nassets++;
	}
}

/* Where the folder of `path` (its first `dl` bytes) leads (pr_where), kept for the next path: the scan's
 * paths come sorted, a folder's files together, so a folder is resolved once. */
typedef struct {
	char *dir, *where; /* owned; where NULL: the folder leads nowhere inside the work tree */
} where_cache_t;

static const char *folder_where(where_cache_t *c, const pr_root_t *tree, const char *path, size_t dl)
{
	if (c->dir && strlen(c->dir) == dl && !strncmp(c->dir, path, dl))
		return c->where;
	free(c->dir);
	free(c->where);
	c->where = NULL;
	c->dir = xstrndup(path, dl);
	if (pr_where(tree, c->dir, &c->where) != 0)
		c->where = NULL;
	return c->where;
}

/* 1 when `path` of the scan is a file Git tracks: its own path (its folders' links resolved: a content
 * folder that is a link to a tracked folder) is in the index, and when it is a symbolic link, what it
 * leads to is too: a committed runbooks/env.md -> ../.env must not publish the credentials file a tool
 * wrote there. */
static int is_tracked(git_index *idx, const pr_root_t *tree, where_cache_t *c, const char *path)
{
	const char *slash = strrchr(path, '/');
	char *own;
	if (slash) {
		const char *w = folder_where(c, tree, path, (size_t)(slash - path));
		if (!w)
			return 0;
		own = w[0] ? xasprintf("%s%s", w, slash) : xstrdup(slash + 1);
	} else {
		own = xstrdup(path);
	}
	size_t at;
	struct stat st;
	int t = git_index_find(&at, idx, own) == 0;
	if (t && fstatat(pr_root_fd(tree), own, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
		char *to = NULL;
		t = pr_where(tree, own, &to) == 0 && git_index_find(&at, idx, to) == 0;
		free(to);
	}
	free(own);
	return t;
}

/* Drop from `sc` the files of an in-place source that Git does not track (not in its index): a source is
 * read as its tracked files (PRODUCT.md "Trust boundary"), so an untracked file beside its pages (a scratch
 * note, a credentials file a tool wrote) is never published. Serve keeps them: a writer previews a page
 * before `git add`, on this machine only; so does `--source NAME=PATH` (`operator`), a work tree the operator
 * names, read as the hub's is. One note at the source's entry names what was left out. */
static void keep_tracked(site_t *s, const site_source_t *src, const sources_spec_t *spec, const char *cfgname,
			 int operator, git_repository *repo, scan_result_t *sc)
{
	git_index *idx = NULL;
	if (s->opts.serve || operator || !src->in_place || !repo || git_repository_index(&idx, repo) != 0)
		return;
	buf_t names = BUF_INIT;
	size_t dropped = 0;
	where_cache_t dc = {NULL, NULL};
	char **lists[2] = {sc->pages, sc->assets};
	size_t *lens[2] = {&sc->npages, &sc->nassets};
	for (int l = 0; l < 2; l++) {
		size_t kept = 0;
		for (size_t i = 0; i < *lens[l]; i++) {
			char *path = lists[l][i];
			if (is_tracked(idx, src->tree, &dc, path)) {
				if (l == 0) /* a page's stat identity goes with it */
					sc->page_stat[kept] = sc->page_stat[i];
				lists[l][kept++] = path;
				continue;
			}
			if (dropped++ < 3)
				buf_printf(&names, "%s%s", dropped > 1 ? ", " : "", path);
			free(path);
		}
		*lens[l] = kept;
	}
	git_index_free(idx);
	free(dc.dir);
	free(dc.where);
	if (dropped)
		diag_add(&s->diags, DIAG_NOTE, cfgname, spec->line, spec->col, "source-untracked",
			 "source '%s': %zu file%s Git does not track left out (%s%s); `git add` %s to publish %s",
			 src->name, dropped, dropped == 1 ? "" : "s", names.s, dropped > 3 ? ", ..." : "",
			 dropped == 1 ? "it" : "them", dropped == 1 ? "it" : "them");
	buf_free(&names);
}

/* Put the first segment of `path` (all of it when it has no '/') into `m`. */
static void put_top(map_t *m, const char *path)
{
	if (!path || !path[0])
		return;
	char *top = xasprintf("%.*s", (int)strcspn(path, "/"), path);
	map_put(m, top, MAP_INT(1));
	free(top);
}

/* The names a source may not take, each a key of `m`: the top-level folders and files of what the hub
 * publishes, by their paths and by their addresses (a Hugo hub's content/NAME/x.md is at NAME/x/, its
 * static/robots.txt at robots.txt). A source of that name would publish there too, and its pages or
 * folder could take the hub's place. */
static void hub_top_names(const site_t *s, size_t hub_pages, map_t *m)
{
	for (size_t i = 0; i < hub_pages; i++) {
		const char *src = s->pages[i].src;
		if (strchr(src, '/'))
			put_top(m, src);
		char *u = layout_path_url(&s->layout, src);
		if (u && strchr(u, '/') && strchr(u, '/')[1])
			put_top(m, u); /* NAME/x/, not NAME/ (a page NAME.md is the source's index's duplicate-url) */
		free(u);
	}
	for (size_t i = 0; i < s->nassets; i++)
		if (!s->assets[i].source) {
			put_top(m, s->assets[i].src);
			put_top(m, s->assets[i].out);
		}
}

/* The origins git's credential helpers may answer for (fetch_opts_t.credential_origins,
 * sources_credential_origins): the hub's own remotes (the forge the hub is cloned from, whose credentials
 * CI already uses) and the operator's ALMANAC_CREDENTIAL_HOSTS. Never what almanac.yml says: a merge
 * request may name any server. */
static char *credential_origins(git_repository *hub)
{
	char **urls = NULL;
	size_t n = 0;
	/* remote.<name>.url read from the configuration entries by hand: git_remote_list and
	 * git_remote_lookup match it with a regex, where libgit2 1.5 leaks PCRE2's match data (lsan.supp) */
	git_config *cfg = NULL;
	git_config_iterator *it = NULL;
	if (hub && !git_repository_config_snapshot(&cfg, hub) && !git_config_iterator_new(&it, cfg)) {
		git_config_entry *e;
		for (int k = 0; k < 10000 && !git_config_next(&e, it); k++) {
			size_t nl = strlen(e->name);
			/* the hub's own .git/config only: a file it includes (include.path = ../.gitconfig) may be
			 * one of the work tree's, which a merge request edits */
			if (nl > 11 && !strncasecmp(e->name, "remote.", 7) && !strcasecmp(e->name + nl - 4, ".url") &&
			    e->value && e->include_depth == 0 && e->level >= GIT_CONFIG_LEVEL_LOCAL) {
				urls = xrealloc(urls, (n + 1) * sizeof *urls);
				urls[n++] = xstrdup(e->value);
			}
		}
	}
	git_config_iterator_free(it);
	git_config_free(cfg);
	git_error_clear();
	char *o = sources_credential_origins((const char *const *)urls, n, getenv("ALMANAC_CREDENTIAL_HOSTS"));
	for (size_t k = 0; k < n; k++)
		free(urls[k]);
	free(urls);
	return o;
}

/* One source's listing of its files (sitesrc_load): the scan of its work tree and static folder, then
 * its untracked files left out. Sources are listed on several threads: each job has its own
 * repository, configuration and diagnostics (s->diags only takes the untracked note, under its lock). */
typedef struct {
	site_t *s;
	int k;
	sources_spec_t spec; /* its entry: line and column for the note */
	const char *cfgname;
	int operator, opened;
	git_repository *repo; /* owned */
	scan_result_t sc;
	diag_list_t d;
} scan_job_t;

typedef struct {
	scan_job_t *items;
	size_t n;
} scan_jobs_t;

static void scan_source(void *ud, size_t i)
{
	scan_job_t *j = &((scan_jobs_t *)ud)->items[i];
	site_source_t *src = &j->s->sources[j->k - 1];
	diag_init(&j->d);
	scan_tree(&j->sc, src->root, src->tree, &src->cfg, j->repo, NULL, &j->d);
	scan_static(&j->sc, src->root, src->tree, &src->cfg, &src->layout, j->repo, NULL, &j->d);
	keep_tracked(j->s, src, &j->spec, j->cfgname, j->operator, j->opened ? j->repo : NULL, &j->sc);
}

int sitesrc_load(site_t *s, git_repository *hub, uint64_t *stamp)
{
	const char *cfgname = s->opts.config ? s->opts.config : "almanac.yml";
	sources_list_t list;
	if (sources_parse(&list, val_map_get(s->cfg.raw, "sources"), cfgname, &s->diags) != 0) {
		sources_free(&list);
		return -4;
	}
	if (!list.len) {
		sources_free(&list);
		return 0;
	}
	char *cache = xasprintf("%salmanac/sources", git_repository_commondir(hub));
	fetch_opts_t fo = {.keep_going = s->opts.keep_going,
			   .offline = s->opts.sources_offline,
			   .stop = pub_interrupt_flag(),
			   .limit_seconds = s->opts.fetch_limit > 0 ? s->opts.fetch_limit : FETCH_LIMIT_SECONDS,
			   .max_bytes = s->opts.fetch_max_bytes, /* 0: FETCH_MAX_BYTES (fetch.h) */
			   .config_file = cfgname};
	fo.deadline_ns = fetch_deadline_from_now(fo.limit_seconds); /* one limit for all the sources together */
	char *origins = credential_origins(hub);
	fo.credential_origins = origins;
	s->sources = xcalloc(list.len, sizeof *s->sources);
	scan_jobs_t jobs = {xcalloc(list.len, sizeof *jobs.items), 0};
	map_t taken = MAP_INIT;
	hub_top_names(s, s->npages, &taken);
	int rc = 0;
	for (size_t i = 0; i < list.len && rc != -2; i++) {
		sources_spec_t spec = list.items[i];
		const char *ov = override_for(s, spec.name);
		char *abs_ov = NULL;
		if (ov) { /* the operator's local work tree, read in place */
			abs_ov = fsu_absolute(ov);
			spec.repo = abs_ov;
			spec.is_url = 0;
			spec.branch = NULL;
		}
		fetch_result_t fr;
		int f = fetch_source(&fr, &spec, s->root, cache, &fo, &s->diags);
		fo.received_before += fr.received; /* one limit for all the sources together */
		free(abs_ov);
		if (f != 0) {
			fetch_result_free(&fr);
			rc = f == -2 ? -2 : -4;
			continue;
		}
		int k = (int)s->nsources + 1;
		site_source_t *src = &s->sources[s->nsources++];
		src->name = xstrdup(spec.name);
		src->public_url = fr.public_url;
		fr.public_url = NULL;
		src->branch = fr.branch ? fr.branch : xstrdup("");
		fr.branch = NULL;
		memcpy(src->commit, fr.commit, sizeof src->commit);
		src->in_place = fr.in_place;
		src->from_cache = fr.from_cache;
		src->line = spec.line;
		src->col = spec.col;
		src->root = fr.workdir;
		fr.workdir = NULL;
		src->path = xstrdup(spec.path);
		fetch_result_free(&fr);
		if (map_get(&taken, src->name, NULL)) {
			diag_add(&s->diags, DIAG_ERROR, cfgname, spec.line, spec.col, "source",
				 "source '%s': this repository publishes a file or a folder of pages of that name; "
				 "choose another name for the source", src->name);
			rc = -4;
			continue;
		}
		if (pr_root_open(&src->tree, src->root, PR_REPO) != 0) {
			diag_add(&s->diags, DIAG_ERROR, cfgname, spec.line, spec.col, "source",
				 "source '%s': cannot open its work tree %s: %s", src->name, src->root, strerror(errno));
			rc = -4;
			continue;
		}
		if (load_source_config(s, src, k, stamp) != 0) {
			rc = -4;
			continue;
		}
		git_repository *repo = NULL;
		int opened = git_repository_open_ext(&repo, src->root, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) == 0;
		/* its web address: its own repo_url, else the URL it is fetched from, else its origin */
		const char *own = src->cfg.repo_url && src->cfg.repo_url[0] ? src->cfg.repo_url : NULL;
		src->web_base = own || !spec.is_url ? forgepages_web_base(opened ? repo : NULL, own)
						   : forge_web_base(src->public_url);
		if (src->web_base)
			*stamp = map_hash_add(*stamp, src->web_base, strlen(src->web_base) + 1);
		if (opened) {
			git_oid head;
			int has_head = git_reference_name_to_id(&head, repo, "HEAD") == 0;
			if (has_head)
				*stamp = map_hash_add(*stamp, head.id, sizeof head.id);
			struct stat st; /* the index: staged changes make pages uncommitted */
			char *idx = xasprintf("%sindex", git_repository_path(repo));
			int has_index = stat(idx, &st) == 0;
			if (has_index) {
				int64_t v[3] = {st.st_mtim.tv_sec, st.st_mtim.tv_nsec, st.st_size};
				*stamp = map_hash_add(*stamp, v, sizeof v);
				fsu_stat_id(&src->repo_state.index, &st);
			}
			if (has_head && has_index) { /* what its pages' status depends on (pagerec.h) */
				memcpy(src->repo_state.head, head.id, sizeof src->repo_state.head);
				src->repo_state.known = 1;
			}
			free(idx);
		}
		*stamp = map_hash_add(*stamp, src->name, strlen(src->name) + 1);
		*stamp = map_hash_add(*stamp, src->path, strlen(src->path) + 1);
		*stamp = map_hash_add(*stamp, src->commit, sizeof src->commit);
		if (src->path[0] && !src->path_from_layout) {
			struct stat st;
			int r = pr_stat(src->tree, src->path, &st);
			if (r != 0 || !S_ISDIR(st.st_mode)) {
				diag_add(&s->diags, DIAG_ERROR, cfgname, spec.line, spec.col, "source",
					 "source '%s': it has no folder '%s'", src->name, src->path);
				git_repository_free(repo);
				rc = -4;
				continue;
			}
		}
		/* its files are listed below, every source's on every core */
		scan_job_t *j = &jobs.items[jobs.n++];
		j->s = s;
		j->k = k;
		j->spec = spec;
		j->cfgname = cfgname;
		j->operator = ov != NULL;
		j->repo = repo;
		j->opened = opened;
	}
	par_for(jobs.n, s->opts.jobs, scan_source, &jobs);
	for (size_t i = 0; i < jobs.n; i++) { /* in the configuration's order: the same site every time */
		scan_job_t *j = &jobs.items[i];
		git_repository_free(j->repo);
		requalify(s, j->k, &j->d);
		diag_free(&j->d);
		*stamp = map_hash_add(*stamp, &j->sc.stamp, sizeof j->sc.stamp);
		add_scan(s, j->k, &j->sc);
		scan_free(&j->sc);
	}
	free(jobs.items);
	free(cache);
	free(origins);
	map_free(&taken);
	sources_free(&list);
	return rc;
}
