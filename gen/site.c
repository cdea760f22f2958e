/* site.c - the site model and the loading half of the pipeline. See site.h. */
#define _GNU_SOURCE /* dl_iterate_phdr */
#include "site.h"
#include "timing.h"

#include <ctype.h>
#include <errno.h>
#include <git2.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "activefiles.h"
#include "alerts.h"
#include "buf.h"
#include "dating.h"
#include "fsutil.h"
#include "diagrec.h"
#include "forgepages.h"
#include "histfile.h"
#include "history.h"
#include "layout.h"
#include "layout_techdocs.h"
#include "sitelayout.h"
#include "links.h"
#include "map.h"
#include "owners.h"
#include "utf8.h"
#include "othertools.h"
#include "outpaths.h"
#include "pagecache.h"
#include "pagerec.h"
#include "pagetype.h"
#include "parallel.h"
#include "publish.h"
#include "runbookurl.h"
#include "scan.h"
#include "searchdocs.h"
#include "sitesrc.h"
#include "theme.h"

#include <sys/stat.h>

const char *site_status_name(site_status_t st)
{
	static const char *const names[] = {"fresh", "due", "stale", "uncommitted", "unknown"};
	return names[st];
}

long site_find_page(const site_t *s, const char *src)
{
	void *v;
	return map_get(&s->page_map, src, &v) ? MAP_AS_INT(v) : -1;
}

char *site_output_dir(const site_t *s)
{
	const char *o = s->opts.out ? s->opts.out : s->cfg.output;
	if (o[0] == '/')
		return fsu_normalize(o);
	if (s->opts.out)
		return fsu_absolute(o);
	char *j = fsu_join(s->root, o);
	char *n = fsu_normalize(j);
	free(j);
	return n ? n : xstrdup(s->root);
}

/* Check UTF-8 validity; returns the byte offset of the first invalid sequence or `len`.
 * Overlong forms, surrogates (U+D800-U+DFFF) and code points above U+10FFFF are invalid. */
static size_t utf8_check(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < len;) {
		unsigned char c = u[i];
		size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
		if (!n || i + n > len || (n == 2 && c < 0xC2) || c > 0xF4)
			return i;
		for (size_t k = 1; k < n; k++)
			if ((u[i + k] & 0xC0) != 0x80)
				return i;
		if ((c == 0xE0 && u[i + 1] < 0xA0) || (c == 0xED && u[i + 1] > 0x9F) || (c == 0xF0 && u[i + 1] < 0x90) ||
		    (c == 0xF4 && u[i + 1] > 0x8F))
			return i;
		i += n;
	}
	return len;
}

static void pos_of(const char *s, size_t off, int *line, int *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off; i++) {
		if (s[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

/* How the layout of source `source` reads front matter. In a repository written for another tool (Hugo,
 * MkDocs, Tech Docs) a type: other than Almanac's is that tool's or the team's own category (Hugo's
 * content types, Tech Docs' type: learn, a Backstage catalog's type: adr): kept, and the folder decides
 * Almanac's type. Hugo's pages may also be TOML; Tech Docs has review keys of its own. */
static const fm_opts_t *fm_opts(const site_t *s, int source)
{
	static const fm_opts_t hugo = {.toml = 1, .foreign_type = 1};
	static const fm_opts_t techdocs = {.foreign_type = 1, .map = layout_techdocs_front_matter};
	static const fm_opts_t other_tool = {.foreign_type = 1};
	layout_kind k = sitelayout_of(s, source)->kind;
	return k == LAYOUT_PLAIN ? NULL : k == LAYOUT_HUGO ? &hugo : k == LAYOUT_TECHDOCS ? &techdocs : &other_tool;
}

/* Read page p's text as the build uses it: NUL-terminated, invalid UTF-8 replaced by U+FFFD, into
 * *text (owned; "" when it cannot be used) and its length into *len. Returns 1 when the page is
 * skipped (too large, unreadable, binary: the diagnostics in `d` say why). */
static int read_text(site_t *s, site_page_t *p, char **text_out, size_t *len_out, diag_list_t *d)
{
	buf_t text = BUF_INIT;
	int r = pr_read(site_source_tree(s, p->source), site_page_repo_path(p), &text, FSU_MAX_FILE);
	int skipped = r != 0; /* too large, unreadable or binary: not published (as the message says) */
	if (r != 0) {
		if (r == PR_ETOOBIG)
			diag_add(d, DIAG_ERROR, p->src, 1, 1, "too-large",
				 "file is larger than the %u MiB limit for a page; it is skipped", FSU_MAX_FILE >> 20);
		else if (pr_refused(r)) /* the scan followed it: it changed since */
			diag_add(d, DIAG_WARNING, p->src, 0, 0, "symlink", "%s", pr_link_message(r));
		else
			diag_add(d, DIAG_ERROR, p->src, 1, 1, "unreadable", "cannot read the file: %s", strerror(errno));
		buf_clear(&text);
	}
	size_t len = text.len;
	char *nul = text.s ? memchr(text.s, '\0', len) : NULL;
	if (nul) {
		int line, col;
		pos_of(text.s, (size_t)(nul - text.s), &line, &col);
		diag_add(d, DIAG_ERROR, p->src, line, col, "binary",
			 "file contains NUL bytes (is it a binary file named .md?); it is skipped");
		buf_clear(&text);
		len = 0;
		skipped = 1;
	} else if (len) {
		size_t bad = utf8_check(text.s, len);
		if (bad < len) {
			int line, col;
			pos_of(text.s, bad, &line, &col);
			diag_add(d, DIAG_WARNING, p->src, line, col, "encoding",
				 "invalid UTF-8; invalid bytes are shown as U+FFFD");
			buf_t fixed = BUF_INIT;
			size_t i = 0;
			while (i < len) {
				size_t ok = utf8_check(text.s + i, len - i);
				buf_put(&fixed, text.s + i, ok);
				i += ok;
				if (i < len) {
					buf_puts(&fixed, "\xEF\xBF\xBD");
					i++;
				}
			}
			buf_free(&text);
			text = fixed;
			len = text.len;
		}
	}
	*text_out = buf_detach(&text);
	*len_out = len;
	return skipped;
}

/* Phase 1 (parallel): read a page and parse its front matter; a page whose file is as the last build
 * read it is not read: its record is taken (pagerec.h). */
static void load_page(void *ud, size_t i)
{
	site_t *s = ud;
	site_page_t *p = &s->pages[i];
	if (pub_interrupted())
		return; /* Ctrl-C: site_load ends after the reading; the pages not read yet stay unread */
	if (s->prec) {
		prec_read_t rd;
		if (prec_take(s->prec, i, (size_t)p->source, p->src, &p->stat, &rd, &s->diags)) {
			p->fm = rd.fm;
			p->body_off = rd.body_off;
			p->body_line = rd.body_line;
			p->content_errors = rd.content_errors;
			p->draft = p->fm.draft;
			p->text_unread = 1;
			p->wt_recorded = rd.wt_status;
			return;
		}
	}
	diag_list_t own; /* the reading's diagnostics, kept with the page's record (unmuted) */
	diag_init(&own);
	size_t len;
	int skipped = read_text(s, p, &p->text, &len, &own);
	p->content_errors += skipped;
	if (fm_parse_ex(&p->fm, p->text, len, p->src, &p->body_off, &p->body_line, &own, fm_opts(s, p->source)) != 0)
		p->content_errors++;
	p->draft = p->fm.draft || skipped;
	if (s->prec && !skipped) {
		prec_read_t rd = {.fm = p->fm, .body_off = p->body_off, .body_line = p->body_line,
				  .content_errors = p->content_errors, .text_len = len};
		prec_text_hash(p->text, len, rd.text_hash);
		prec_put_read(s->prec, i, (size_t)p->source, p->src, &p->stat, &rd, own.items, own.len);
	}
	diag_add_each(&s->diags, own.items, own.len, NULL);
	diag_free(&own);
}

char *site_page_read_text(site_t *s, size_t i, size_t *body_off, int *body_line)
{
	site_page_t *p = &s->pages[i];
	diag_list_t scratch; /* said when the page was read first */
	diag_init(&scratch);
	size_t len;
	char *text;
	read_text(s, p, &text, &len, &scratch);
	*body_off = p->body_off;
	*body_line = p->body_line;
	if (!s->prec || !prec_text_is(s->prec, i, text, len)) {
		/* not the text the page was read from (changed since): its body is where its front matter now
		 * ends */
		fm_t fm;
		fm_parse_ex(&fm, text, len, p->src, body_off, body_line, &scratch, fm_opts(s, p->source));
		fm_free(&fm);
	}
	diag_free(&scratch);
	return text;
}

int site_page_text(site_t *s, size_t i)
{
	site_page_t *p = &s->pages[i];
	if (!p->text_unread)
		return 0;
	p->text_unread = 0;
	p->text = site_page_read_text(s, i, &p->body_off, &p->body_line);
	return 1;
}

static int cmp_src(const void *a, const void *b)
{
	return strcmp(((const site_page_t *)a)->src, ((const site_page_t *)b)->src);
}

/* Files withheld by active_assets that are named one by one (the rest in one warning). */
#define SITE_MAX_ACTIVE_WARNINGS 20

/* Phase 2 (parallel): render the Markdown body; links are resolved as they are met. */
static void render_markdown(void *ud, size_t i)
{
	site_render_markdown(ud, i);
}

static uint64_t fp_str(uint64_t h, const char *s)
{
	return map_hash_add(h, s ? s : "", s ? strlen(s) + 1 : 1);
}

/* A file the output depends on, by its stat data (modification and change
 * time, size, inode), or as absent. */
static uint64_t fp_file(uint64_t h, const char *path)
{
	struct stat st;
	char tmp[128] = "absent";
	if (fsu_stat(path, &st) == 0)
		snprintf(tmp, sizeof tmp, "%lld.%ld|%lld.%ld|%lld|%llu", (long long)st.st_mtim.tv_sec,
			 st.st_mtim.tv_nsec, (long long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec, (long long)st.st_size,
			 (unsigned long long)st.st_ino);
	h = fp_str(h, path);
	return fp_str(h, tmp);
}

typedef struct {
	uint64_t h;
} fp_objs_t;

static int fp_object(struct dl_phdr_info *info, size_t size, void *ud)
{
	(void)size;
	fp_objs_t *f = ud;
	if (info->dlpi_name && info->dlpi_name[0]) /* the main program and the vDSO have no name */
		f->h = fp_file(f->h, info->dlpi_name);
	return 0;
}

/* The almanac binary and every shared library it runs with (cmark-gfm renders the Markdown, gumbo
 * cleans raw HTML...), by their stat data: a library updated under an unchanged binary (a Debian
 * security update) renders pages anew, as an upgraded binary does. */
static uint64_t fp_binary(uint64_t h)
{
	fp_objs_t f = {fp_file(h, "/proc/self/exe")};
	dl_iterate_phdr(fp_object, &f);
	return f.h;
}

/* fp_file for a file of the repository, reached as every repository file is (pathres.h). */
static uint64_t fp_repo_file(uint64_t h, const pr_root_t *tree, const char *rel)
{
	if (!rel)
		return h;
	struct stat st;
	char tmp[128] = "absent";
	if (pr_stat(tree, rel, &st) == 0)
		snprintf(tmp, sizeof tmp, "%lld.%ld|%lld.%ld|%lld|%llu", (long long)st.st_mtim.tv_sec,
			 st.st_mtim.tv_nsec, (long long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec, (long long)st.st_size,
			 (unsigned long long)st.st_ino);
	h = fp_str(h, rel);
	return fp_str(h, tmp);
}

/* Computed right after the scan, before any page is read: the pages and
 * assets enter through `stamp` (paths and stat data, see scan.h). */
static void compute_fingerprint(site_t *s, git_repository *repo, const buf_t *cfg, uint64_t stamp)
{
	uint64_t h = MAP_HASH_SEED;
	const site_opts_t *o = &s->opts;
	char tmp[160];
	snprintf(tmp, sizeof tmp, "%s|%lld|%d|%d|%d|%d|%d", ALMANAC_VERSION, (long long)o->now, o->drafts, o->serve,
		 o->git_dates, o->trend, o->strict);
	h = fp_str(h, tmp);
	h = fp_str(h, o->base_url);
	/* the binary itself and its libraries: an upgraded almanac with the same version number must rebuild
	 * (kept for the caches too: site.h) */
	s->binary_id = fp_binary(fp_str(MAP_HASH_SEED, ALMANAC_VERSION));
	h = map_hash_add(h, &s->binary_id, sizeof s->binary_id);
	h = map_hash_add(h, cfg->s ? cfg->s : "", cfg->len);
	char *theme = xasprintf("themes/%s", s->cfg.theme);
	s->theme_fp = theme_fingerprint(s->tree, theme, MAP_HASH_SEED);
	free(theme);
	h = map_hash_add(h, &s->theme_fp, sizeof s->theme_fp);
	git_oid head;
	if (git_reference_name_to_id(&head, repo, "HEAD") == 0)
		h = map_hash_add(h, head.id, sizeof head.id);
	char *index = fsu_join(git_repository_path(repo), "index"); /* Git's own: the operator's */
	h = fp_file(h, index);
	free(index);
	h = map_hash_add(h, &stamp, sizeof stamp);
	/* files outside the content folders that the output depends on */
	h = fp_repo_file(h, s->tree, s->cfg.alerts_file);
	h = fp_repo_file(h, s->tree, s->cfg.ignore_revs ? s->cfg.ignore_revs : ".git-blame-ignore-revs");
	for (size_t i = 0; i < s->rules.nfiles; i++) { /* alert rule files (alerts.h), read through pathres */
		const rules_file_t *f = &s->rules.files[i];
		struct stat st;
		char t[160] = "absent";
		if (pr_stat(f->root, f->rel, &st) == 0)
			snprintf(t, sizeof t, "%lld.%ld|%lld.%ld|%lld|%llu", (long long)st.st_mtim.tv_sec,
				 st.st_mtim.tv_nsec, (long long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec,
				 (long long)st.st_size, (unsigned long long)st.st_ino);
		h = fp_str(h, f->abs);
		h = fp_str(h, t);
	}
	snprintf(tmp, sizeof tmp, "|%zu", s->rules.nfiles);
	h = fp_str(h, tmp);
	char **own = NULL; /* CODEOWNERS, OWNERS_ALIASES and the OWNERS files above every page (owners.h) */
	size_t nown = owners_inputs(s, &own);
	for (size_t i = 0; i < nown; i++) {
		h = fp_repo_file(h, s->tree, own[i]);
		free(own[i]);
	}
	free(own);
	/* the other tool's config (layout.h): nav:, titles, URL rules */
	h = fp_str(h, layout_name(s->layout.kind));
	h = fp_repo_file(h, s->tree, s->layout.config);
	snprintf(s->fingerprint, sizeof s->fingerprint, "%016llx", (unsigned long long)h);
}

/* Almanac's folder in the hub's Git directory (s->cache_dir) cleared of what killed builds left; with
 * opts.page_cache, the rendered Markdown of the last build (pagecache.h), for this binary only. */
static void page_cache_open(site_t *s)
{
	hfile_remove_leftovers(s->cache_dir); /* what builds killed while writing a cache file left */
	if (!s->opts.page_cache || s->opts.check_only || pub_interrupted())
		return;
	const char **names = xcalloc(s->nsources + 1, sizeof *names);
	for (size_t k = 0; k < s->nsources; k++)
		names[k + 1] = s->sources[k].name;
	s->pcache = pcache_load(s->cache_dir, names, s->nsources + 1, s->binary_id, links_universe(s), s->opts.jobs);
	/* the files of sources this site no longer has (their pages are gone with them) */
	hfile_remove_other_groups(s->cache_dir, "rendered-pages", names, s->nsources + 1);
	hfile_remove_other_groups(s->cache_dir, "search-terms", names, s->nsources + 1);
	hfile_remove_other_groups(s->cache_dir, "search-index", names, s->nsources + 1);
	free(names);
}

/* With opts.page_cache, what the last build's reading of each page gave (pagerec.h), before the
 * reading: each repository's records are trusted under its own reading rules (the binary, its
 * layout's front matter and Hugo parameters). */
static void page_records_open(site_t *s, git_repository *repo)
{
	if (!s->opts.page_cache || s->opts.check_only || s->opts.serve || pub_interrupted())
		return; /* serve compares a page's old and new text: it reads them all */
	size_t n = s->nsources + 1;
	const char **names = xcalloc(n, sizeof *names);
	uint64_t *contexts = xcalloc(n, sizeof *contexts);
	fsu_repo_state_t *repos = xcalloc(n, sizeof *repos);
	/* the hub's HEAD and index: its pages' status holds while they are the same (the sources':
	 * sitesrc.c) */
	git_oid head;
	struct stat st;
	char *index = fsu_join(git_repository_path(repo), "index"); /* Git's own: the operator's */
	if (git_reference_name_to_id(&head, repo, "HEAD") == 0 && fsu_stat(index, &st) == 0) {
		memcpy(repos[0].head, head.id, sizeof repos[0].head);
		fsu_stat_id(&repos[0].index, &st);
		repos[0].known = 1;
	}
	free(index);
	for (size_t k = 1; k < n; k++)
		repos[k] = s->sources[k - 1].repo_state;
	for (size_t k = 0; k < n; k++) {
		names[k] = k ? s->sources[k - 1].name : NULL;
		const layout_t *lay = sitelayout_of(s, (int)k);
		uint64_t h = map_hash_add(MAP_HASH_SEED, &s->binary_id, sizeof s->binary_id);
		int kind = (int)lay->kind;
		h = map_hash_add(h, &kind, sizeof kind);
		uint64_t params[2] = {0, 0};
		if (lay->params) {
			const val_t *v = lay->params;
			val_digest(&v, 1, params);
		}
		h = map_hash_add(h, params, sizeof params);
		contexts[k] = h;
	}
	s->prec = prec_open(s->cache_dir, names, n, contexts, repos, s->npages, s->started, s->opts.jobs);
	free(repos);
	hfile_remove_other_groups(s->cache_dir, "read-pages", names, n);
	free(contexts);
	free(names);
}

static void *page_records_saver(void *arg)
{
	prec_save(arg, pub_interrupt_flag());
	return NULL;
}

/* Keep what this build read for the next one, written on a thread of its own (site_stop_jobs waits for
 * it); an interrupted build keeps nothing new. */
static void page_records_close(site_t *s)
{
	if (!s->prec)
		return;
	if (timing_enabled()) {
		size_t taken, asked;
		prec_counts(s->prec, &taken, &asked);
		fprintf(stderr, "  pages read: %zu of %zu (the rest as the last build read them)\n", asked - taken,
			asked);
	}
	if (!pub_interrupted()) {
		for (size_t i = 0; i < s->npages; i++)
			prec_put_wt(s->prec, i, s->pages[i].wt_status);
		/* written beside the links and the rendering (the records are the reader's own copies) */
		if (pthread_create(&s->prec_saver, NULL, page_records_saver, s->prec) == 0) {
			s->prec_saving = s->prec;
			s->prec = NULL;
			return;
		}
		prec_save(s->prec, pub_interrupt_flag());
	}
	prec_free(s->prec);
	s->prec = NULL;
}

static void *page_cache_saver(void *arg)
{
	pcache_save(arg, pub_interrupt_flag());
	return NULL;
}

/* Keep what this build rendered for the next one, written on a thread of its own while the site is
 * rendered (site_free waits for it); a stopped build keeps nothing new. */
static void page_cache_close(site_t *s)
{
	if (!s->pcache)
		return;
	if (timing_enabled()) {
		size_t hits, asked;
		pcache_counts(s->pcache, &hits, &asked);
		fprintf(stderr, "  rendered Markdown: %zu of %zu pages from the last build\n", hits, asked);
	}
	if (!pub_interrupted() && pthread_create(&s->pcache_saver, NULL, page_cache_saver, s->pcache) == 0) {
		s->pcache_saving = s->pcache; /* freed once written */
	} else {
		if (!pub_interrupted())
			pcache_save(s->pcache, pub_interrupt_flag());
		pcache_free(s->pcache);
	}
	s->pcache = NULL;
}

/* 1 when the output folder's marker records this build's fingerprint. */
static int output_is_current(const site_t *s)
{
	char *out = site_output_dir(s);
	char *marker = xasprintf("%s/%s", out, PUB_MARKER);
	buf_t b = BUF_INIT;
	size_t rl = strlen(s->root);
	/* an output inside the repository is read as the repository is */
	int r = !strncmp(marker, s->root, rl) ? pr_read(s->tree, marker + rl, &b, 4096)
					       : fsu_read_file(&b, marker, 4096);
	int same = r == 0 && b.s && strstr(b.s, s->fingerprint) != NULL;
	buf_free(&b);
	free(marker);
	free(out);
	return same;
}

static int open_repo(site_t *s, git_repository **out)
{
	const char *start = s->opts.repo ? s->opts.repo : ".";
	if (!fsu_is_dir(start)) {
		diag_add(&s->diags, DIAG_ERROR, start, 0, 0, "repository", "no such folder");
		return -4;
	}
	git_repository *repo = NULL;
	int grc = git_repository_open_ext(&repo, start, 0, NULL);
	if (grc != 0) {
		hist_open_diag(&s->diags, start, "repository", grc); /* with libgit2's reason */
		return -4;
	}
	if (git_repository_is_bare(repo)) {
		diag_add(&s->diags, DIAG_ERROR, start, 0, 0, "repository",
			 "this is a bare repository: Almanac needs a work tree with the Markdown files");
		git_repository_free(repo);
		return -4;
	}
	const char *wd = git_repository_workdir(repo);
	if (pr_root_open(&s->tree, wd, PR_REPO) != 0) {
		diag_add(&s->diags, DIAG_ERROR, wd, 0, 0, "repository", "cannot open the work tree: %s", strerror(errno));
		git_repository_free(repo);
		return -4;
	}
	s->root = xstrdup(wd);
	*out = repo;
	return 0;
}

/* 1 when the folder `out` of a configuration is not inside the repository: absolute, "..", or
 * the repository itself. */
static int output_escapes(const char *out)
{
	if (out[0] == '/')
		return 1;
	char *n = fsu_normalize(out);
	int bad = !n || !n[0] || !strcmp(n, "/");
	free(n);
	return bad;
}

/* Read and load the configuration (its bytes into `text`, for the fingerprint): the
 * repository's almanac.yml, or --config. A --config inside the work tree is the repository's
 * and is read through s->tree; one outside is the operator's. Returns 0, -1 (config errors) or
 * -4 (a repository configuration whose output lies outside the repository). */
static int load_config(site_t *s, buf_t *text)
{
	const site_opts_t *opts = &s->opts;
	char *abs = opts->config ? fsu_absolute(opts->config) : fsu_join(s->root, "almanac.yml");
	size_t rl = strlen(s->root);
	s->config_in_repo = !strncmp(abs, s->root, rl) && abs[rl];
	const char *disp = opts->config ? opts->config : "almanac.yml";
	int r = s->config_in_repo ? pr_read(s->tree, abs + rl, text, FSU_MAX_FILE) : fsu_read_file(text, abs, FSU_MAX_FILE);
	free(abs);
	if (r != 0) {
		if (pr_refused(r)) { /* a link out of the repository: not read, the defaults hold */
			diag_add(&s->diags, DIAG_WARNING, disp, 0, 0, "symlink", "%s", pr_link_message(r));
			buf_clear(text);
			return 0;
		}
		if (r == PR_EIO && errno == ENOENT && !opts->config) {
			buf_clear(text);
			return 0;
		}
		diag_add(&s->diags, DIAG_ERROR, disp, 0, 0, "config", "cannot read the configuration: %s",
			 r == PR_ETOOBIG ? "file too large" : strerror(errno));
		return -1;
	}
	if (config_load_text(&s->cfg, buf_cstr(text), text->len, disp, &s->diags) != 0)
		return -1;
	if (s->config_in_repo && !opts->out && output_escapes(s->cfg.output)) {
		/* the operator's --out may go anywhere; the repository's output may not */
		diag_add(&s->diags, DIAG_ERROR, disp, s->cfg.output_line, s->cfg.output_col, "config",
			 "'output' must be a folder inside the repository (it is '%s'): a configuration in the "
			 "repository cannot make Almanac write elsewhere; to build there, pass --out %s",
			 s->cfg.output, s->cfg.output);
		if (!opts->check_only && !opts->serve)
			return -4;
	}
	return 0;
}

/* Every folder URL that holds published pages (links to "/runbooks/k8s/" in Hugo and MkDocs pages). */
static void folder_urls(site_t *s)
{
	const char *last = NULL; /* the folder of the last page walked: the pages of a folder come together */
	for (size_t i = 0; i < s->npages; i++) {
		const site_page_t *p = &s->pages[i];
		if (p->draft && !s->opts.drafts)
			continue;
		if (last && !strcmp(last, p->dir))
			continue; /* its folders are in the map already */
		last = p->dir;
		char *d = xstrdup(p->dir);
		for (;;) {
			char *u = sitelayout_dir_url(s, d);
			int seen = map_get(&s->dir_url_map, u, NULL);
			if (!seen)
				map_put(&s->dir_url_map, u, MAP_INT(1));
			free(u);
			char *slash = strrchr(d, '/');
			if (seen || !d[0] || !strcmp(d, s->home_dir))
				break;
			if (slash)
				*slash = '\0';
			else
				d[0] = '\0';
		}
		free(d);
	}
}

/* The site title when the config gives none: the other tool's (Hugo title, MkDocs site_name), else the
 * H1 of the home page when it is a README.md, else the config's default. */
static void site_title(site_t *s)
{
	if (s->cfg.title_explicit)
		return;
	const char *t = s->layout.title;
	void *v;
	if (!t && map_get(&s->url_map, "", &v)) {
		const site_page_t *home = &s->pages[MAP_AS_INT(v)];
		const char *base = strrchr(home->src, '/');
		base = base ? base + 1 : home->src;
		if (!strcasecmp(base, "README.md") && home->md.h1 && home->md.h1[0])
			t = home->md.h1;
	}
	if (t) {
		free(s->cfg.title);
		s->cfg.title = xstrdup(t);
	}
}

/* The theme's asset names (the files Almanac writes under assets/), for the precedence of outputs. */
static size_t site_theme_assets(const site_t *s, char ***out)
{
	char *site_theme = xasprintf("themes/%s", s->cfg.theme);
	size_t n = theme_asset_names(s->tree, site_theme, out);
	free(site_theme);
	return n;
}

/* Hugo shortcodes Almanac does not run: one warning per name, at its first place in path order. */
void site_shortcode_warnings(site_t *s)
{
	map_t seen = MAP_INIT;
	for (size_t i = 0; i < s->npages; i++) {
		const site_page_t *p = &s->pages[i];
		for (size_t k = 0; k < p->nshortcodes; k++) {
			const layout_shortcode_t *c = &p->shortcodes[k];
			if (map_get(&seen, c->name, NULL))
				continue;
			map_put(&seen, c->name, MAP_INT(1));
			diag_add(&s->diags, DIAG_WARNING, p->src, c->line, c->col, "shortcode",
				 "Hugo shortcode '%s' is not run by Almanac: its tags are left out (the text between a "
				 "pair stays); reported once for the whole site",
				 c->name);
		}
	}
	map_free(&seen);
}

void site_name_page(site_t *s, site_page_t *p, int url)
{
	const char *base = strrchr(p->src, '/');
	base = base ? base + 1 : p->src;
	char *stem = p->is_index ? xstrdup(p->dir[0] ? (strrchr(p->dir, '/') ? strrchr(p->dir, '/') + 1 : p->dir) : "home")
				 : xstrndup(base, strlen(base) - layout_page_ext(sitelayout_of(s, p->source), base));
	free(p->slug);
	p->slug = xstrdup(stem);
	const layout_t *lay = sitelayout_of(s, p->source); /* the page's own repository's rules */
	const char *rp = site_page_repo_path(p);
	const layout_nav_t *ne = layout_nav_of(lay, rp);
	free(p->title);
	p->title = ne && ne->title ? xstrdup(ne->title) : p->fm.title ? xstrdup(p->fm.title) : scan_pretty_name(stem);
	free(stem);
	free(p->type);
	p->type = xstrdup(p->fm.type ? p->fm.type : pagetype_default(s, site_page_repo_path(p)));
	/* navigation: weight: orders it in every layout, Hugo's linkTitle names it, MkDocs' nav: does both */
	const val_t *w = val_map_get(p->fm.raw, "weight");
	p->weight = w && w->type == VAL_NUM && w->num > -1e9 && w->num < 1e9 ? (int)w->num : 0;
	free(p->nav_title);
	p->nav_title = NULL;
	const char *lt = lay->kind == LAYOUT_HUGO ? val_as_str(val_map_get(p->fm.raw, "linkTitle")) : NULL;
	if (lt && lt[0] && strcmp(lt, p->title))
		p->nav_title = xstrdup(lt);
	/* Hugo's summary: (what its list pages show) is the description when there is none */
	const char *sum = lay->kind == LAYOUT_HUGO && !p->fm.description
				  ? val_as_str(val_map_get(p->fm.raw, "summary")) : NULL;
	if (sum && sum[0])
		p->fm.description = xstrdup(sum);
	p->in_nav = 1;
	if (lay->kind == LAYOUT_MKDOCS && lay->has_nav) {
		p->in_nav = ne != NULL || p->is_index;
		p->weight = ne ? ne->order : 0;
	}
	if (!url)
		return;
	char *file_url = NULL;
	free(p->url);
	/* a URL of the page's own site, under the source's name */
	p->url = layout_page_url(lay, rp, p->fm.raw, &file_url);
	char *fixed = utf8_fix(p->url); /* a name that is not UTF-8: U+FFFD for each invalid byte */
	if (fixed) {
		free(p->url);
		p->url = fixed;
	}
	for (size_t k = 0; k < p->nextra; k++)
		free(p->extra_urls[k]);
	free(p->extra_urls);
	p->nextra = layout_page_extra_urls(lay, rp, p->url, file_url, &p->extra_urls);
	free(file_url);
	p->url = sitelayout_prefix(s, p->source, p->url);
	for (size_t k = 0; k < p->nextra; k++)
		p->extra_urls[k] = sitelayout_prefix(s, p->source, p->extra_urls[k]);
}

static void page_map_fill(site_t *s)
{
	map_reserve(&s->page_map, s->npages);
	for (size_t i = 0; i < s->npages; i++)
		map_put(&s->page_map, s->pages[i].src, MAP_INT(i));
}

/* site_load's thread beside the output claims: the page map, then the owners (their problems in
 * `diags`, added to the site's after the claims'). */
typedef struct {
	site_t *s;
	diag_list_t diags;
} owner_job_t;

static void *owners_job(void *arg)
{
	owner_job_t *j = arg;
	page_map_fill(j->s);
	owners_resolve_site(j->s, &j->diags);
	return NULL;
}

static void name_page(void *ud, size_t i)
{
	site_t *s = ud;
	site_name_page(s, &s->pages[i], 1);
}

int site_load(site_t *s, const site_opts_t *opts)
{
	memset(s, 0, sizeof *s);
	s->opts = *opts;
	struct timespec start;
	clock_gettime(CLOCK_REALTIME_COARSE, &start); /* before the scan: pagerec.h's racy files */
	s->started = (int64_t)start.tv_sec;
	diag_init(&s->diags);
	config_defaults(&s->cfg);
	s->branch = xstrdup("");
	git_repository *repo = NULL;
	timing_mark(NULL);
	int rc = open_repo(s, &repo);
	if (rc)
		return rc;

	/* configuration */
	buf_t cfgtext = BUF_INIT;
	rc = load_config(s, &cfgtext);
	if (rc) {
		buf_free(&cfgtext);
		git_repository_free(repo);
		return rc;
	}
	for (size_t i = 0; i < s->cfg.nmuted; i++)
		diag_mute(&s->diags, s->cfg.muted[i]);

	/* the layout: Hugo and MkDocs repositories publish their content folder at the root */
	layout_detect(&s->layout, s->tree, s->cfg.layout, !s->cfg.content_explicit, &s->diags);
	s->cfg.middleman = s->layout.kind == LAYOUT_TECHDOCS;
	if (s->layout.kind != LAYOUT_PLAIN && !s->cfg.content_explicit) {
		for (size_t i = 0; i < s->cfg.ncontent; i++)
			free(s->cfg.content[i]);
		s->cfg.content = xrealloc(s->cfg.content, 2 * sizeof *s->cfg.content);
		s->cfg.content[0] = xstrdup(s->layout.root);
		s->cfg.content[1] = NULL;
		s->cfg.ncontent = 1;
	}
	/* the site's address: --base-url, else almanac.yml's base_url, else the other tool's (Hugo baseURL,
	 * MkDocs site_url) */
	if (opts->base_url || (!s->cfg.base_url[0] && s->layout.base_url)) {
		free(s->cfg.base_url);
		s->cfg.base_url = xstrdup(opts->base_url ? opts->base_url : s->layout.base_url);
	}
	/* the repository's web address: almanac.yml's repo_url, else MkDocs' ("edit" links, forge runbook_urls) */
	if (!s->cfg.repo_url[0] && s->layout.repo_url) {
		free(s->cfg.repo_url);
		s->cfg.repo_url = xstrdup(s->layout.repo_url);
	}

	/* scan */
	char *outdir = site_output_dir(s);
	scan_result_t sc;
	if (scan_tree(&sc, s->root, s->tree, &s->cfg, repo, outdir, &s->diags) != 0 ||
	    scan_static(&sc, s->root, s->tree, &s->cfg, &s->layout, repo, outdir, &s->diags) != 0) {
		free(outdir);
		scan_free(&sc);
		buf_free(&cfgtext);
		git_repository_free(repo);
		return -1;
	}
	free(outdir);
	/* a Docusaurus or Jekyll site, a GitHub wiki, AsciiDoc: what the plain rules do not follow is said */
	othertools_warn(sc.pages, sc.npages, sc.assets, sc.nassets,
			s->layout.kind == LAYOUT_PLAIN && !strcmp(s->cfg.layout, "auto"), &s->diags);
	layout_set_home(&s->layout, sc.nfolders ? sc.folders[0] : "");
	s->home_dir = xstrdup(s->layout.home);
	s->npages = sc.npages;
	s->pages = xcalloc(sc.npages + 1, sizeof *s->pages);
	for (size_t i = 0; i < sc.npages; i++) {
		site_page_t *p = &s->pages[i];
		p->src = xstrdup(sc.pages[i]);
		p->stat = sc.page_stat[i];
		p->dir = fsu_dirname(p->src);
		p->is_index = layout_is_index(&s->layout, p->src);
	}
	s->nassets = sc.nassets;
	s->assets = xcalloc(sc.nassets + 1, sizeof *s->assets);
	for (size_t i = 0; i < sc.nassets; i++) {
		s->assets[i].src = xstrdup(sc.assets[i]);
		s->assets[i].out = layout_asset_out(&s->layout, sc.assets[i]);
		char *fixed = utf8_fix(s->assets[i].out); /* a name that is not UTF-8: U+FFFD for each invalid byte */
		if (fixed) {
			free(s->assets[i].out);
			s->assets[i].out = fixed;
		}
		s->assets[i].withheld = s->cfg.active_assets != AF_PUBLISH && af_is_active(sc.assets[i]);
		s->assets[i].static_root = layout_static_of(&s->layout, sc.assets[i]);
	}
	uint64_t stamp = sc.stamp;
	scan_free(&sc);
	/* the pages of the other repositories of sources:, under their names */
	rc = sitesrc_load(s, repo, &stamp);
	if (rc) {
		buf_free(&cfgtext);
		git_repository_free(repo);
		return rc == -2 ? 0 : rc; /* Ctrl-C: nothing will be written */
	}
	alerts_find_files(s); /* the rule files (the hub's and the sources') are inputs of the fingerprint */
	qsort(s->pages, s->npages, sizeof *s->pages, cmp_src);
	timing_mark("config+scan");
	if (pub_interrupted()) { /* Ctrl-C: the scan stopped where it was; nothing will be written */
		buf_free(&cfgtext);
		git_repository_free(repo);
		return 0;
	}

	s->web_base = forgepages_web_base(repo, s->cfg.repo_url); /* runbook_urls on the forge (forgepages.h) */
	if (s->web_base)
		stamp = map_hash_add(stamp, s->web_base, strlen(s->web_base) + 1);
	compute_fingerprint(s, repo, &cfgtext, stamp);
	buf_free(&cfgtext);
	timing_mark("fingerprint");
	free(s->cache_dir);
	s->cache_dir = xasprintf("%salmanac", git_repository_commondir(repo));
	/* up to date: the last build's diagnostics are said again (diagrec.h); without them, it builds */
	if (opts->skip_unchanged && output_is_current(s) && diagrec_load(s->cache_dir, s->fingerprint, &s->diags) == 0) {
		git_repository_free(repo);
		return SITE_UP_TO_DATE;
	}

	/* the previous site's folders and files checked against the last build's record while the pages
	 * are read (render_site takes it: publish.h) */
	if (opts->page_cache && !opts->serve && !opts->check_only) {
		char *out = site_output_dir(s), *record = xasprintf("%s/site-files", s->cache_dir);
		s->early_check = pub_early_check(out, record);
		free(record);
		free(out);
	}
	/* the alert catalog first: a page named for a catalog alert is a runbook and answers it */
	alerts_load_catalog(s);
	timing_mark("alert rules");
	/* phase 1: files and front matter */
	page_records_open(s, repo);
	par_for(s->npages, opts->jobs, load_page, s);
	if (pub_interrupted()) { /* Ctrl-C during the reading: its pages stopped where they were */
		outp_init(&s->outputs);
		git_repository_free(repo);
		return 0;
	}
	/* names and URLs: each page's own (its layout's rules and the maps it reads are not changed meanwhile) */
	par_for(s->npages, opts->jobs, name_page, s);
	/* the page map and the owners (front matter, CODEOWNERS, OWNERS: the search index, started below,
	 * shows each page's owner) on a thread beside the claims, which read and write other fields; the
	 * owners' problems are added after the claims', as one thread would */
	owner_job_t oj = {.s = s};
	diag_init(&oj.diags);
	pthread_t owners_thread;
	int beside = opts->jobs > 1 && pthread_create(&owners_thread, NULL, owners_job, &oj) == 0;
	if (!beside)
		page_map_fill(s);
	/* who publishes what: pages, then files (outpaths.h) */
	outp_init(&s->outputs);
	outp_assign_pages(s);
	folder_urls(s);
	if (beside)
		pthread_join(owners_thread, NULL);
	else
		owners_resolve_site(s, &oj.diags);
	diag_add_each(&s->diags, oj.diags.items, oj.diags.len, NULL);
	diag_free(&oj.diags);

	/* the alert map: the search index finds each page by every alert it answers */
	alerts_build(s);
	timing_mark("read+front matter");

	/* history runs beside the Markdown rendering */
	dating_t *dt = NULL;
	/* check walks history when a rule's runbook_url may be a renamed page's old address */
	if (opts->git_dates || (opts->check_only && runbookurl_needs_history(s)))
		dating_start(&dt, s);
	else
		dating_start_status(&dt, s); /* uncommitted pages, read beside the rendering */
	page_cache_open(s);
	par_for(s->npages, opts->jobs, render_markdown, s);
	page_cache_close(s);
	timing_mark("markdown");
	/* files browsers run scripts in, which no page shows as an image: said once each, up to
	 * SITE_MAX_ACTIVE_WARNINGS, then once for the rest */
	size_t withheld = 0, first_more = 0;
	for (size_t i = 0; i < s->nassets && !pub_interrupted(); i++) {
		if (!s->assets[i].withheld || atomic_load(&s->assets[i].shown))
			continue;
		if (withheld++ < SITE_MAX_ACTIVE_WARNINGS)
			diag_add(&s->diags, DIAG_WARNING, s->assets[i].src, 0, 0, "active-asset",
				 "not published: browsers run the scripts in HTML, SVG and XML files, with the whole "
				 "site in reach (active_assets in almanac.yml)");
		else if (withheld == SITE_MAX_ACTIVE_WARNINGS + 1)
			first_more = i;
	}
	if (withheld > SITE_MAX_ACTIVE_WARNINGS)
		diag_add(&s->diags, DIAG_WARNING, s->assets[first_more].src, 0, 0, "active-asset",
			 "not published, nor %zu more HTML, SVG and XML files after it (active_assets in almanac.yml)",
			 withheld - SITE_MAX_ACTIVE_WARNINGS - 1);
	site_title(s);
	/* titles and section texts are final: the search index's tokenizing can start */
	if (opts->search_early && !opts->serve && s->cfg.search && !opts->check_only && !pub_interrupted())
		s->search_job = searchdocs_start(s);
	/* titles may have come from H1s */
	dating_finish(dt, s); /* without a thread, the job ran in dating_start */
	page_records_close(s); /* with each page's work-tree status */
	git_repository_free(repo);
	timing_mark("history wait");
	if (pub_interrupted())
		return 0; /* Ctrl-C: nothing will be written (render_site says so) */

	links_resolve_front_matter(s);
	links_finish(s);
	char **theme_assets = NULL;
	size_t ntheme = site_theme_assets(s, &theme_assets);
	outp_assign_generated(s, theme_assets, ntheme);
	for (size_t i = 0; i < ntheme; i++)
		free(theme_assets[i]);
	free(theme_assets);
	links_orphans(s);
	site_shortcode_warnings(s);
	runbookurl_check(s); /* against the final URLs: every address of the site is known now (outpaths.h) */
	timing_mark("links+alerts");
	return 0;
}

void site_stop_jobs(site_t *s)
{
	pub_early_free(s->early_check); /* not taken: its thread joined */
	s->early_check = NULL;
	if (s->pcache_saving) { /* Ctrl-C: it drops the file it is writing */
		pthread_join(s->pcache_saver, NULL);
		pcache_free(s->pcache_saving);
		s->pcache_saving = NULL;
	}
	if (s->prec_saving) { /* likewise */
		pthread_join(s->prec_saver, NULL);
		prec_free(s->prec_saving);
		s->prec_saving = NULL;
	}
	searchdocs_cancel(s->search_job); /* an index nobody will write */
	s->search_job = NULL;
}

void site_free(site_t *s)
{
	site_stop_jobs(s); /* it reads the pages */
	prec_free(s->prec); /* a build stopped before the Markdown phase */
	s->prec = NULL;
	for (size_t i = 0; i < s->npages; i++)
		site_page_clear(&s->pages[i]);
	free(s->pages);
	for (size_t i = 0; i < s->nassets; i++) {
		free(s->assets[i].src);
		free(s->assets[i].out);
		free(s->assets[i].repo_path);
	}
	free(s->assets);
	runbookurl_free(s);
	alerts_free(s);
	sitesrc_free(s);
	owners_free(s->owners);
	map_free(&s->page_map);
	map_free(&s->asset_map);
	free(s->cache_dir);
	free(s->web_base);
	map_free(&s->url_map);
	map_free(&s->dir_url_map);
	map_free(&s->asset_out_map);
	outp_free(&s->outputs);
	layout_free(&s->layout);
	free(s->root);
	pr_root_free(s->tree);
	free(s->theme_dir);
	free(s->home_dir);
	free(s->branch);
	config_free(&s->cfg);
	diag_free(&s->diags);
	memset(s, 0, sizeof *s);
}

/* ---- almanac serve: re-reading one page in place (see site.h) ---- */

int site_page_reread(site_t *s, size_t i, const char *text, site_page_t *out, diag_list_t *d)
{
	site_page_t old = s->pages[i];
	site_page_t *p = &s->pages[i];
	memset(p, 0, sizeof *p);
	p->src = xstrdup(old.src);
	p->url = xstrdup(old.url);
	p->dir = xstrdup(old.dir);
	p->source = old.source; /* read from its own repository, by its own layout */
	p->repo_path = old.repo_path ? xstrdup(old.repo_path) : NULL;
	p->folder_key = old.folder_key ? xstrdup(old.folder_key) : NULL;
	p->is_index = old.is_index;
	p->extra_urls = xcalloc(old.nextra + 1, sizeof *p->extra_urls);
	for (size_t k = 0; k < old.nextra; k++)
		p->extra_urls[k] = xstrdup(old.extra_urls[k]);
	p->nextra = old.nextra;
	/* the page's diagnostics go to `d`: swap the lists' contents (not their locks) */
	diag_t *items = s->diags.items;
	size_t len = s->diags.len, cap = s->diags.cap;
	s->diags.items = d->items;
	s->diags.len = d->len;
	s->diags.cap = d->cap;
	if (text) {
		/* as load_page, from text that was already read and checked */
		p->text = xstrdup(text);
		if (fm_parse_ex(&p->fm, p->text, strlen(p->text), p->src, &p->body_off, &p->body_line, &s->diags,
				fm_opts(s, p->source)) != 0)
			p->content_errors++;
		p->draft = p->fm.draft;
	} else {
		load_page(s, i);
	}
	/* naming, as in site_load (the URL stays: a change of it reloads everything) */
	site_name_page(s, p, 0);
	site_render_markdown(s, i);
	d->items = s->diags.items;
	d->len = s->diags.len;
	d->cap = s->diags.cap;
	s->diags.items = items;
	s->diags.len = len;
	s->diags.cap = cap;
	*out = *p;
	s->pages[i] = old;
	return 0;
}

void site_page_clear(site_page_t *p)
{
	free(p->src);
	free(p->repo_path);
	free(p->url);
	free(p->dir);
	free(p->folder_key);
	free(p->type);
	free(p->title);
	free(p->nav_title);
	for (size_t j = 0; j < p->nextra; j++)
		free(p->extra_urls[j]);
	free(p->extra_urls);
	layout_shortcodes_free(p->shortcodes, p->nshortcodes);
	free(p->slug);
	fm_free(&p->fm);
	free(p->text);
	md_doc_free(&p->md);
	for (size_t j = 0; j < p->nkept_links; j++) {
		free(p->kept_links[j].url);
		free(p->kept_links[j].result);
		free(p->kept_links[j].target);
		free(p->kept_links[j].fragment);
	}
	free(p->kept_links);
	for (size_t j = 0; j < p->nlinks; j++)
		free(p->links[j].fragment);
	free(p->links);
	free(p->backlinks);
	free(p->fresh.author);
	free(p->fresh.summary);
	free(p->fresh.drift_path);
	for (size_t j = 0; j < p->nold; j++)
		free(p->old_paths[j]);
	free(p->old_paths);
	free(p->alerts);
	free(p->owner);
	for (size_t j = 0; j < p->nowners; j++)
		free(p->owners[j]);
	free(p->owners);
	memset(p, 0, sizeof *p);
}

/* ---- multi-repository sites (site.h) ---- */

const char *site_page_repo_path(const site_page_t *p)
{
	return p->repo_path ? p->repo_path : p->src;
}

const pr_root_t *site_source_tree(const site_t *s, int source)
{
	return source > 0 && (size_t)source <= s->nsources ? s->sources[source - 1].tree : s->tree;
}

int site_in_content(const site_t *s, int source, const char *repo_path)
{
	const config_t *cfg = source > 0 ? &s->sources[source - 1].cfg : &s->cfg; /* the folders its scan used */
	const pr_root_t *tree = site_source_tree(s, source);
	int any_folder = 0;
	for (size_t i = 0; i < cfg->ncontent; i++) {
		struct stat st;
		if (pr_stat(tree, cfg->content[i], &st) != 0 || !S_ISDIR(st.st_mode))
			continue;
		any_folder = 1;
		size_t l = strlen(cfg->content[i]);
		if (!strncmp(repo_path, cfg->content[i], l) && (repo_path[l] == '/' || repo_path[l] == '\0'))
			return 1;
	}
	return !any_folder;
}

const config_t *site_source_cfg(const site_t *s, int source)
{
	if (source > 0 && (size_t)source <= s->nsources && s->sources[source - 1].has_cfg)
		return &s->sources[source - 1].cfg;
	return &s->cfg;
}

const char *site_source_name(const site_t *s, int source)
{
	return source > 0 && (size_t)source <= s->nsources ? s->sources[source - 1].name : "";
}

int site_locate(const site_t *s, const char *path, int *source, char **repo_path)
{
	for (size_t k = 0; k < s->nsources; k++) {
		const site_source_t *src = &s->sources[k];
		size_t nl = strlen(src->name);
		if (strncmp(path, src->name, nl) || (path[nl] != '/' && path[nl] != '\0'))
			continue;
		const char *rest = path[nl] ? path + nl + 1 : "";
		*source = (int)k + 1;
		if (src->path[0])
			*repo_path = rest[0] ? xasprintf("%s/%s", src->path, rest) : xstrdup(src->path);
		else
			*repo_path = xstrdup(rest);
		return 1;
	}
	*source = 0;
	*repo_path = xstrdup(path);
	return 1;
}
