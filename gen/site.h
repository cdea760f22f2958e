/* site.h - the site model and the build pipeline (prefix site_).
 *
 * The pipeline, in order (site_load then site_render/site_write):
 *   config -> scan (pages, assets, URLs) -> front matter -> markdown + links
 *   -> history (libgit2, beside rendering) -> freshness -> graph (backlinks,
 *   owners, alerts, anchors) -> templates -> search index -> publish.
 * A site_t owns everything it loads; site_free() releases it. */
#ifndef ALMANAC_SITE_H
#define ALMANAC_SITE_H

#include <stdatomic.h>
#include <stddef.h>
#include <pthread.h>
#include <stdint.h>

#include "config.h"
#include "diag.h"
#include "frontmatter.h"
#include "fsutil.h"
#include "layout.h"
#include "layout_hugo.h"
#include "map.h"
#include "markdown.h"
#include "outpaths.h"
#include "pathres.h"
#include "rules.h"

typedef struct site site_t;

/* A link found in a page body or front matter, after resolution. */
typedef struct {
	int line, col;      /* position in the source file */
	long target;        /* index of the target page, -1 when not a page */
	char *fragment;     /* "#fragment" without '#', NULL when none (owned) */
	int from_related;   /* 1 for front-matter related: entries */
} site_link_t;

typedef enum { FRESH_FRESH, FRESH_DUE, FRESH_STALE, FRESH_UNCOMMITTED, FRESH_UNKNOWN } site_status_t;

typedef struct {
	site_status_t status;
	int has_commit;
	char commit_id[41];
	int64_t commit_time;       /* by the configured date source */
	char *author;              /* owned */
	char *summary;             /* owned */
	int64_t basis_time;        /* commit time, or reviewed date with basis: reviewed; 0 = none */
	int interval_days;
	int age_days;              /* -1 when unknown */
	int due_in_days;           /* interval - age; may be negative */
	int drifted;
	int unreviewed;            /* every commit of the page is ignored (bots, ignore-revs): stale, never
	                              reviewed by a person; age_days is -1 */
	char *drift_path;          /* a watched path that changed (owned) */
	int64_t drift_time;
} site_fresh_t;

typedef struct {
	char *src;            /* repo-relative path of the .md file (owned) */
	char *url;            /* site-relative folder URL, "" = home (owned) */
	char *dir;            /* repo-relative folder of src (owned) */
	char *folder_key;     /* the nav folder this page lists under ("runbooks/k8s"), owned */
	int is_index;         /* index.md / README.md of its folder */
	char *type;           /* runbook|role|guide (owned) */
	char *title;          /* owned */
	char *nav_title;      /* the title in the navigation when it differs (Hugo linkTitle), else NULL (owned) */
	int weight;           /* navigation order, lower first; 0 = none (front matter weight:, MkDocs nav: position) */
	int in_nav;           /* listed in the sidebar and on its folder's page (not: MkDocs pages nav: leaves out) */
	char **extra_urls;    /* addresses another tool published the page at, to redirect (owned; layout.h) */
	size_t nextra;
	layout_shortcode_t *shortcodes; /* Hugo shortcodes Almanac does not run, first place of each (owned) */
	size_t nshortcodes;
	char *slug;           /* file stem, e.g. "node-not-ready" (owned); for roles the owner key */
	fm_t fm;
	int draft;
	char *text;           /* whole file (owned); freed after the Markdown phase except in serve mode */
	int text_unread;      /* its file was as the last build read it: fm and body_off/body_line come from that
	                         build's record (pagerec.h) and text is NULL until site_page_text reads it */
	size_t body_off;
	int body_line;
	md_doc_t md;          /* rendered body */
	struct pcache_link *kept_links; /* its rendered Markdown was kept (pagecache.h): what its links lead to,
	                                   to render its HTML again should the kept one be unreadable (owned) */
	size_t nkept_links;
	site_link_t *links;   /* resolved internal links (owned) */
	size_t nlinks;
	long *backlinks;      /* indexes of pages linking here, sorted, unique (owned) */
	size_t nbacklinks;
	site_fresh_t fresh;
	int untracked;        /* not committed yet (uncommitted or untracked) */
	int content_errors;   /* front matter errors on this page */
	char **old_paths;     /* previous names from git renames (owned) */
	size_t nold;
	const char **alerts;  /* every alert the page answers (alerts.h: front matter, file name, a
	                         rule's runbook_url), sorted; the names are borrowed from s->alerts,
	                         the array is owned */
	size_t nalerts;
	char *owner;          /* the page's owner (owners.h: front matter, CODEOWNERS or OWNERS),
	                         NULL when none (owned) */
	const char *owner_source; /* "front-matter", "codeowners", "owners" or "none" (static) */
	char **owners;        /* the owner entries one by one, OWNERS aliases expanded (owned) */
	size_t nowners;
	int source;           /* 0: the hub (the repository almanac runs in); k: s->sources[k - 1] */
	fsu_stat_id_t stat;   /* its file's stat identity when the scan found it (zero: unknown) */
	int wt_recorded;      /* its work-tree status (history.h HIST_*) + 1 as the last build found it, when
	                         neither the file nor its repository's HEAD and index changed since (pagerec.h);
	                         0: to be read */
	int wt_status;        /* its work-tree status + 1 as this build found it (dating.h), 0: not read */
	char *repo_path;      /* a source's page: its path in that repository (owned); NULL for the
	                         hub's pages, whose src is that path (site_page_repo_path) */
} site_page_t;

typedef struct {
	char *src;            /* repo-relative path (owned) */
	char *out;            /* output path relative to the site root (owned) */
	int source;           /* as for a page: 0 the hub, k s->sources[k - 1] */
	char *repo_path;      /* a source's asset: its path in that repository (owned), else NULL */
	int withheld;         /* a file browsers run scripts in, not published (activefiles.h) */
	atomic_int shown;     /* withheld, but some page shows it as an image */
	atomic_int lfs;       /* 0: not looked at yet; 1: the file itself; 2: a Git LFS pointer (lfs.h), looked at
	                         when a page first links to it or shows it */
	size_t static_root;   /* a file of its repository's Hugo static folder k - 1 (layout_static_of), published
	                         at the site root; 0 for a file of the content folders */
} site_asset_t;

/* A repository of a multi-repository site besides the hub (`sources:` in the
 * hub's almanac.yml, PRODUCT.md "Several repositories"; loaded by sitesrc.h).
 * Its pages and assets join the site under `name/`: a file at `path/x.md` of
 * the source is the site's `name/x.md` (with no path, its content folders keep
 * their names: `name/runbooks/x.md`; a Hugo or MkDocs source's path is its
 * content folder). Their URLs follow the source's own layout under `name/`
 * (sitelayout.h). */
typedef struct {
	char *name;           /* URL prefix and report group (owned) */
	char *public_url;     /* the repository as readers see it: a path, or a URL without secrets (owned) */
	char *branch;         /* the branch or tag read, "" when unknown (owned) */
	char commit[41];      /* the commit checked out; "" for a work tree read in place */
	int in_place;         /* a local work tree read as it is (uncommitted changes show) */
	int from_cache;       /* --keep-going: its fetch failed, the last complete one is used */
	int line, col;        /* its entry in the hub's configuration */
	char *root;           /* absolute work tree, with a trailing '/' (owned) */
	pr_root_t *tree;      /* the work tree as a PR_REPO root (owned) */
	char *path;           /* the folder of the source holding its pages, "" for its content folders; a
	                         Hugo or MkDocs source without `path:` has its content root here (owned) */
	int path_from_layout; /* path is the content root of its layout, not the entry's `path:` */
	layout_t layout;      /* its own layout (sitelayout.h): its pages' URLs, under name/ */
	config_t cfg;         /* its own almanac.yml over the defaults (scan rules; when has_cfg, also its
	                         freshness settings: site_page_cfg) */
	int has_cfg;          /* the source has an almanac.yml */
	void *owners;         /* owners_t* (owners.h) of its CODEOWNERS and OWNERS files, or NULL */
	void *hist;           /* hist_t* of its own history walk, or NULL */
	int shallow, history_failed;
	char head[41];
	size_t ignored_revs, ignored_authors, ignored_renames, cosmetic_commits;
	char *web_base;       /* its web address on its forge, for runbook_url checks (forgepages.h), or NULL (owned) */
	fsu_repo_state_t repo_state; /* its HEAD and index when the scan read them (pagerec.h) */
} site_source_t;

typedef struct {
	char *name;           /* alert name (owned) */
	char *severity;       /* from the catalog, may be NULL (owned) */
	char *summary;        /* from the catalog, may be NULL (owned) */
	long *pages;          /* runbooks that answer it (owned) */
	size_t npages;
	int in_catalog;
	int line, col;        /* position in the catalog */
	size_t *rules;        /* the rules that define it: indexes into s->rules.rules (owned) */
	size_t nrules;
	char *anchor;         /* the heading of pages[0] a rule's runbook_url names (its fragment), or NULL:
	                         alerts/<Name>/ leads there (owned) */
} site_alert_t;

/* The check of one rule's runbook_url (runbookurl.h). */
typedef enum {
	SITE_RB_OK,           /* leads to a published URL of the site */
	SITE_RB_MOVED,        /* leads to a page through a redirect (an alias or an old path) */
	SITE_RB_BROKEN,       /* points into the site but at nothing published */
	SITE_RB_EXTERNAL,     /* another site: not checked */
	SITE_RB_MISSING,      /* no runbook_url although the alert has a runbook page */
	SITE_RB_FORGE         /* shows a page's Markdown file on its repository's forge (forgepages.h) */
} site_rb_status_t;

typedef struct {
	size_t rule;          /* index into s->rules.rules */
	site_rb_status_t status;
	char *target;         /* OK, MOVED, FORGE: the site URL it names (owned), else NULL */
	char *suggest;        /* BROKEN, MOVED, MISSING, FORGE: the site URL to use instead, or NULL (owned) */
	long page;            /* OK, MOVED, FORGE: the page it leads to, -1 when not a page */
	char *suggest_fragment; /* the heading of `suggest` to name (FORGE: the one the URL names), or NULL (owned) */
	int anchor_missing;   /* BROKEN: it leads to page `page`, which lacks the heading its fragment names */
} site_rbcheck_t;

typedef struct {
	const char *repo;        /* --repo (any folder inside the work tree), default "." */
	const char *out;         /* --out, NULL = config output */
	const char *config;      /* --config, NULL = <root>/almanac.yml */
	const char *base_url;    /* --base-url overrides config */
	int64_t now;             /* the instant ages are computed against */
	int jobs;                /* worker threads, >= 1 */
	int strict;              /* content errors fail the build */
	int git_dates;           /* walk history (default 1) */
	int drafts;              /* include drafts */
	int serve;               /* preview mode: live-reload script, drafts and uncommitted marked */
	int quiet;
	int trend;               /* compute the 12-month trend (report) */
	int check_only;          /* no site will be written: skip HTML rendering */
	int skip_unchanged;      /* build: stop early (SITE_UP_TO_DATE) when the output was built from the same inputs */
	int search_early;        /* build: start tokenizing the search index as soon as the Markdown is rendered */
	int page_cache;          /* build: keep each page's rendered Markdown in the hub's Git folder and
	                          * use it when the page is unchanged (pagecache.h) */
	const char *changed_since; /* limit findings to pages changed since this revision */
	const char *const *alert_rules; /* --alert-rules paths (the operator's: any path) */
	size_t nalert_rules;
	int keep_going;          /* a source that cannot be fetched is taken from its last complete fetch */
	int fetch_limit;         /* --fetch-limit: seconds for fetching every source (0: FETCH_LIMIT_SECONDS) */
	long long fetch_max_bytes; /* --fetch-max-size: bytes servers may send in all, and one source's checkout
	                              may write (0: FETCH_MAX_BYTES) */
	int sources_offline;     /* never fetch sources: their last complete fetch (serve's rebuilds) */
	const char *const *source_overrides; /* --source NAME=PATH: a local work tree instead of the
	                                        configured repo (the operator's) */
	size_t nsource_overrides;
} site_opts_t;

struct site {
	site_opts_t opts;
	config_t cfg;
	char *root;              /* absolute work-tree root with trailing '/' (owned) */
	pr_root_t *tree;         /* the work tree as a PR_REPO root: every file of the repository is read
	                          * through it (pathres.h) (owned) */
	int config_in_repo;      /* the configuration is the repository's (not an operator's --config
	                          * outside it): its `output` must lie inside the repository */
	char *theme_dir;         /* the built-in theme folder (owned) */
	site_page_t *pages;      /* sorted by src (owned) */
	size_t npages;
	site_asset_t *assets;
	size_t nassets;
	site_alert_t *alerts;    /* sorted by name */
	size_t nalerts;
	int have_catalog;        /* an alert catalog file or rule files were read */
	rules_set_t rules;       /* the catalog file and the rule files (rules.h) */
	map_t alert_folded;      /* lower-cased catalog alert name -> its name (borrowed from s->alerts) */
	site_rbcheck_t *rbchecks; /* every rule's runbook_url check, in rule order (runbookurl.h; owned) */
	size_t nrbchecks;
	void *owners;            /* owners_t* (owners.h): CODEOWNERS and OWNERS files, or NULL */
	void *hist;              /* hist_t* from history.h, or NULL */
	int shallow;
	int history_failed;      /* the history walk failed (a diagnostic says why): dates cannot be
	                            trusted, report and check exit 4 */
	int history_partial;     /* a history (the hub's or a source's) answered without file contents a partial
	                            clone left out (history-renames, history-content): the site is not marked
	                            current, so the next build looks again (the contents may have arrived) */
	char head[41];
	char *branch;            /* owned, "" when detached */
	size_t ignored_revs, ignored_authors, ignored_renames;
	size_t cosmetic_commits; /* freshness.count: content: commits skipped as cosmetic */
	site_source_t *sources;  /* the repositories of `sources:` (sitesrc.h), in configuration order (owned) */
	size_t nsources;
	map_t page_map;          /* src -> page index */
	map_t asset_map;         /* src -> asset index */
	map_t url_map;           /* url -> page index */
	char *home_dir;          /* first content folder ("content"), its index is the home page (owned) */
	layout_t layout;         /* the layout's rules (layout.h) */
	outp_t outputs;          /* who owns each output file (outpaths.h) */
	map_t dir_url_map;       /* folder URL of every folder holding published pages -> 1 */
	map_t asset_out_map;     /* output path of every asset -> asset index */
	char fingerprint[17];    /* hash of every input of the build (hex), see site_load */
	char *cache_dir;         /* Almanac's folder in the hub's Git directory (<commondir>/almanac), owned */
	struct pub_early *early_check; /* the output's site-files check, started by site_load for render_site
	                                  (publish.h pub_early_check), owned until taken */
	char *web_base;          /* the hub's web address on its forge (repo_url, else origin: forgepages.h), or NULL (owned) */
	uint64_t binary_id;      /* this almanac binary (its version, file and shared libraries), for the
	                          * fingerprint and the caches kept there */
	uint64_t theme_fp;       /* the theme's files (theme_fingerprint), likewise */
	struct prec *prec;       /* opts.page_cache: what the last build's reading of each page gave (pagerec.h),
	                          * from before the reading to the end of the Markdown phase (owned) */
	int64_t started;         /* the second site_load started (CLOCK_REALTIME_COARSE): pagerec.h's racy files */
	fsu_repo_state_t repo_state; /* the hub's HEAD and index when site_load read them (pagerec.h) */
	struct pcache *pcache;   /* opts.page_cache: the rendered Markdown of the last build, during the
	                          * Markdown phase of site_load only (owned) */
	struct pcache *pcache_saving; /* this build's, being written by pcache_saver (owned; joined and
	                               * freed by site_stop_jobs) */
	pthread_t pcache_saver;
	struct prec *prec_saving; /* this build's page records, being written by prec_saver (owned; joined and
	                           * freed by site_stop_jobs) */
	pthread_t prec_saver;
	atomic_size_t sections_read; /* pages whose search sections site_page_sections read from the page
	                              * cache's file (ALMANAC_TIMING) */
	struct searchdocs_job *search_job; /* started by site_load with opts.search_early, taken by
	                                    * render_site's search index; site_free waits for it (owned) */
	diag_list_t diags;
};

/* site_load's return value when opts.skip_unchanged is set and the output
 * folder was built from the same inputs: the same almanac binary, options and
 * --now instant, config, theme files, HEAD and git index, the same pages and
 * assets by path and stat data (size, mtime, ctime, inode), alerts and
 * ignore-revs files. Decided right after the scan, before reading a page. */
#define SITE_UP_TO_DATE 1

/* Load and analyse a site: everything except writing files. Returns 0, or a
 * negative value on an environment failure (exit code 4: no repository,
 * unreadable config) with diagnostics explaining it. Content problems are
 * diagnostics and do not make it fail. `s` must be freed with site_free. */
int site_load(site_t *s, const site_opts_t *opts);
/* Render every page and write the whole site to `out_dir` (an empty or new
 * folder). Returns 0 or negative on I/O failure (diagnostics added). */
int site_write(site_t *s, const char *out_dir);
/* Wait for the threads site_load started that may still run (the search
 * index's early tokenizing, dropped; the rendered-Markdown cache's and the
 * page records' writers, which finish their files unless the build was
 * interrupted). A command that
 * exits without site_free must call it first: those threads read the pages
 * and write the cache. */
void site_stop_jobs(site_t *s);
/* Render page `i`'s Markdown body into p->md as site_load does (its links
 * resolved against `s`, a first H1 as the title when the front matter has
 * none), unless it is a draft left out or the build is interrupted. Frees the
 * page's text afterwards unless s->opts.serve. Safe for distinct pages from
 * several threads (site_load runs it in parallel). */
void site_render_markdown(site_t *s, size_t i);
/* Page `i`'s HTML (borrowed from p->md): read from the page cache's file when
 * its rendered Markdown was kept (md_doc_html), rendered again from its file
 * with the links' kept answers should that part of the file be unreadable
 * (damaged since). NULL for a page with none (a check). One thread per page. */
const char *site_page_html(site_t *s, size_t i);
/* Page `i`'s search sections, as site_page_html: loaded from the page cache's
 * file when kept there (md_doc_sections; counted in s->sections_read), rendered again should they be
 * unreadable. Returns p->md.nsections. One thread per page; another may get
 * its HTML meanwhile. */
size_t site_page_sections(site_t *s, size_t i);
/* Read page `i`'s text when site_load took its reading from the last
 * build's record (p->text_unread): as the reading would, its diagnostics
 * dropped (the record's were reported); should the file have changed since
 * the scan, the body offset follows its new front matter. Returns 1 when it
 * read it, 0 when the text was there. Safe for distinct pages from several
 * threads. */
int site_page_text(site_t *s, size_t i);
/* Page `i`'s text read again as site_page_text reads it, without changing the
 * page: a new string (the caller frees it), its body's offset and line in
 * *body_off and *body_line. Thread-safe. */
char *site_page_read_text(site_t *s, size_t i, size_t *body_off, int *body_line);
/* Free everything (site_stop_jobs first). */
void site_free(site_t *s);

/* ---- multi-repository sites: which repository a page comes from ---- */

/* The page's path in its own repository (the hub's pages: their src). Borrowed. */
const char *site_page_repo_path(const site_page_t *p);
/* The repository (as a PR_REPO root) a page or asset of source `source` is read from. Borrowed. */
const pr_root_t *site_source_tree(const site_t *s, int source);
/* The configuration whose freshness and owner settings apply to pages of
 * `source`: a source's own almanac.yml when it has one, else the hub's. Borrowed. */
const config_t *site_source_cfg(const site_t *s, int source);
/* The name of `source` for reports and groups: "" for the hub. Borrowed. */
const char *site_source_name(const site_t *s, int source);
/* The repository a site path (a page's src, a link target, "payments/x.md")
 * lies in: sets *source and *repo_path (a new string, the caller frees it) and
 * returns 1; returns 0 when `path` is under a source's name but outside what
 * that source publishes (its `path:` folder). */
int site_locate(const site_t *s, const char *path, int *source, char **repo_path);
/* 1 when `repo_path` (a path in repository `source`: 0 the hub, k s->sources[k - 1]) lies in the content
 * folders that repository's scan used (its configuration's, or a source's path:), or when none of them
 * exists (then every file is: PRODUCT.md "Repository layout"). */
int site_in_content(const site_t *s, int source, const char *repo_path);
/* Name of a status ("fresh", ...). */
const char *site_status_name(site_status_t st);
/* Index of the page whose repo-relative source is `src`, or -1. */
long site_find_page(const site_t *s, const char *src);
/* The output folder a build would use (absolute, owned by caller). */
char *site_output_dir(const site_t *s);

/* ---- almanac serve: re-reading one page in place ---- */

/* Read page `i` again, as site_load would (file, front matter, title, type,
 * draft, Markdown with its body links resolved against `s`), into `*out`, a
 * new page that shares nothing with `s` (free it with site_page_clear).
 * `text` is the page's text to use instead of reading the file (NULL: read
 * it). The page's own diagnostics of those steps go to `d`, not s->diags.
 * Related links (front matter), backlinks, freshness and old paths are not
 * filled. `s` is left as it was. Not thread-safe with other users of `s`.
 * Returns 0. */
int site_page_reread(site_t *s, size_t i, const char *text, site_page_t *out, diag_list_t *d);
/* Warn (code "shortcode") once per name about the Hugo shortcodes the pages
 * use that Almanac does not run, at the first place in path order. site_load
 * calls it; serve calls it again after re-reading pages (drop the old ones
 * first). */
void site_shortcode_warnings(site_t *s);
/* Free what a page owns and zero it. */
void site_page_clear(site_page_t *p);
/* Name page `i` from its path and front matter, as site_load does: slug,
 * title (front matter, else the file name; an H1 comes later), type
 * (pagetype.h), its navigation title, weight and place (layout.h) and,
 * with `url`, its URL, index flag and other tools' addresses. */
void site_name_page(site_t *s, site_page_t *p, int url);

#endif
