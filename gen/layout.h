/* layout.h - repositories written for other tools: layout detection and URL rules (prefix layout_).
 *
 * A repository is read with the rules of one layout (config key `layout:`,
 * default auto):
 *   plain   Almanac's own rules (GitHub style): pages under the content
 *           folders (default content/ and runbooks/, else the whole work
 *           tree), index.md, README.md or index.html.md (Middleman) is its
 *           folder's page, URLs are the
 *           repository paths ("runbooks/k8s/x.md" -> "runbooks/k8s/x/"), the
 *           first content folder's index page is the home page.
 *   hugo    a Hugo config at the root (hugo.toml|yaml|json, config.toml|
 *           yaml|json, or config/_default/ with one of those), or with no
 *           tool's config at the root in a top folder (website/hugo.toml:
 *           contentDir and static folders relative to it), and a content
 *           folder (contentDir, default content/): that folder is the site
 *           root (URLs do not contain it); _index.md and index.md are their
 *           folder's page (README.md is an ordinary page); URLs follow Hugo's
 *           rules: each segment sanitised as Hugo's MakePath does (spaces to
 *           '-', other punctuation but . _ ~ + @ # - dropped), lower-cased
 *           unless the config sets disablePathToLower; front matter slug
 *           replaces the file name, url replaces the whole path; aliases are
 *           Hugo's (relative to the page's parent URL, case kept); linkTitle
 *           is the title in navigation, weight orders it; TOML front matter
 *           ("+++") is read; `type:` values are Hugo's content types. The
 *           static folders (staticDir, default static/, or the [module]
 *           mounts whose target is static) are published at the site root
 *           as they are (static/img/a.png -> img/a.png; see layout_static_t).
 *   mkdocs  an mkdocs.yml (or mkdocs.yaml) at the root: docs_dir (default
 *           docs/) is the site root; index.md, else README.md, is its
 *           folder's page; URLs keep the paths as written; nav: gives the
 *           order and the titles (a page it does not list is not in the
 *           navigation), site_name the site title. Heading ids are
 *           Python-Markdown toc's, as markdown_extensions: sets them up
 *           (mdids.h).
 *   techdocs  GOV.UK's Tech Docs Template (Middleman): config/tech-docs.yml
 *           and a source/ folder, which is the site root; pages are
 *           "x.html.md", "x.html.md.erb" (and plain "x.md", "x.md.erb"),
 *           published by Middleman at "x.html": Almanac's page is "x/" and
 *           "x.html" redirects to it (as for uglyURLs below); index.html.md
 *           (.erb) is its folder's page; service_name is the site title;
 *           other .erb files (layouts, ERB pages) are templates and "_x" files
 *           partials: neither is published (config_t.middleman, scan.h);
 *           redirects: are redirects. Front matter: layout_techdocs.h.
 * auto picks hugo when a Hugo config and its content folder exist, else
 * mkdocs when mkdocs.yml exists, else techdocs when config/tech-docs.yml and
 * source/ exist, else plain. Hugo's uglyURLs and MkDocs'
 * use_directory_urls: false published pages as "x.html": those addresses
 * become redirects to the page (see layout_page_extra_urls). Hugo's baseURL,
 * MkDocs' site_url and Tech Docs' host, when an absolute http(s) URL, are
 * the site's address unless the operator or almanac.yml gives one
 * (layout_t.base_url).
 *
 * URLs here are site-relative, without a leading '/': a folder URL ends with
 * '/' ("runbooks/k8s/x/", "" for the home page), a file URL does not
 * ("runbooks/x.html"). */
#ifndef ALMANAC_LAYOUT_H
#define ALMANAC_LAYOUT_H

#include <stddef.h>

#include "diag.h"
#include "map.h"
#include "mdids.h"
#include "pathres.h"
#include "val.h"

typedef enum { LAYOUT_PLAIN, LAYOUT_HUGO, LAYOUT_MKDOCS, LAYOUT_TECHDOCS } layout_kind;

typedef struct {
	int order;       /* 1-based position in the MkDocs nav: */
	char *title;     /* the title nav: gives the page, NULL when none (owned) */
} layout_nav_t;

/* A Hugo static folder: every file under `dir` is published at `target` + its path under `dir`. */
typedef struct {
	char *dir;     /* repo-relative folder, normalised, no trailing '/' (owned) */
	char *target;  /* where its files go under the site root: "" or a folder with a trailing '/' ("js/") (owned) */
} layout_static_t;

typedef struct {
	layout_kind kind;
	char *config;        /* the other tool's config file, repo-relative; NULL for plain (owned) */
	char *root;          /* folder published at the site root ("content", "docs"); "" for plain,
	                        where URLs keep the repository path (owned) */
	char *home;          /* folder whose index page is the home page: the root, or for plain the first
	                        content folder that exists ("" = the repository root) (owned) */
	char *title;         /* site title from the other tool's config (Hugo title, MkDocs site_name), or NULL */
	int lower;           /* Hugo: URLs are lower-cased (no disablePathToLower) */
	int ugly;            /* pages were published as "x.html" (Hugo uglyURLs, MkDocs use_directory_urls: false,
	                        Tech Docs) */
	int has_nav;         /* MkDocs nav: is given: pages it does not list are not in the navigation */
	layout_nav_t *nav;   /* entries of nav:, in order (owned) */
	size_t nnav;
	map_t nav_by_path;   /* repo-relative page path -> index in nav */
	map_t section_titles; /* repo-relative folder -> title of the nav: section holding its pages (owned strings) */
	val_t *params;       /* Hugo: the config's params table (owned), or NULL */
	map_t redirect_to;   /* Tech Docs redirects: old address -> the URL of the page it leads to (owned strings) */
	map_t redirects_of;  /* Tech Docs redirects: page URL -> its old addresses, '\n'-separated (owned strings) */
	int inherited;       /* the rules of another repository's layout (layout_inherit) */
	layout_static_t *statics; /* Hugo: the static folders in Hugo's order: a later one's file wins over an
	                             earlier one's at the same path (owned); none for other layouts */
	size_t nstatic;
	char *base_url;      /* Hugo baseURL, MkDocs site_url, Tech Docs host: an absolute http(s) URL, else NULL
	                        (owned) */
	char *repo_url;      /* MkDocs repo_url (the "edit" links' repository): an absolute http(s) URL, else NULL
	                        (owned; never inherited) */
	mdids_t ids;         /* the heading ids the tool published: MkDocs' toc ids (its markdown_extensions:
	                        mdids_mkdocs), else GitHub's (zeroed) */
} layout_t;

/* Decide the layout of the work tree `tree` (read through the trust boundary,
 * pathres.h) from `setting` (auto|hugo|mkdocs|plain; NULL = auto) and read the
 * other tool's config. Problems (an unreadable or invalid config) are
 * warnings of code "layout" (a config that is a link out of the repository:
 * "symlink") and the defaults are used: a layout never fails a build. `home`
 * is left NULL (layout_set_home fills it once the content folders are known).
 * A Hugo site in a top folder (website/hugo.toml) is looked for only when
 * `in_folders` (the caller's config names no content folder of its own: a
 * repository that says where its pages are keeps its plain layout).
 * Free with layout_free. Returns 0. */
int layout_detect(layout_t *l, const pr_root_t *tree, const char *setting, int in_folders, diag_list_t *d);
/* 1 when the repo path `rel` may be the config of another tool that
 * layout_detect reads (a Hugo or MkDocs config's place and name): a change
 * to it (or its appearance) may change every page's URL. */
int layout_config_candidate(const char *rel);
/* Set l->home: the root for hugo and mkdocs, else `first_content` ("" when
 * NULL). */
void layout_set_home(layout_t *l, const char *first_content);
/* Make `l` (a plain layout: a repository with no Hugo or MkDocs config) follow
 * the rules of `from` (the hub's layout): its kind, URL rules (Hugo's
 * lower-casing, ugly URLs) and Hugo params, with `root` (a source's `path:`)
 * as its root; no config, title or nav: of its own. Sets l->inherited. */
void layout_inherit(layout_t *l, const layout_t *from, const char *root);
/* A plain layout read from the folder `dir` of its repository (a source's
 * `path:`): URLs are the paths under it ("" keeps the repository paths). */
void layout_set_plain_root(layout_t *l, const char *dir);
/* Free what `l` owns; accepts a zeroed struct. */
void layout_free(layout_t *l);
/* "plain", "hugo", "mkdocs" or "techdocs" (the report's repository.layout). */
const char *layout_name(layout_kind k);
/* 1 when `setting` is a valid value of the config's `layout:`. */
int layout_valid_setting(const char *setting);

/* 1 when the page at repo path `src` is its folder's page (see above). */
int layout_is_index(const layout_t *l, const char *src);
/* 1 when the repo path `src` is a page by the layout's names: ".md", and for
 * techdocs also ".md.erb". */
int layout_is_page(const layout_t *l, const char *src);
/* The length of the page extension at the end of `src` that its URL leaves
 * out: 3 (".md"), for techdocs ".html.md.erb", ".html.md", ".md.erb" or ".md". */
size_t layout_page_ext(const layout_t *l, const char *src);
/* The URL of the folder `dir` (repo-relative, no trailing '/'): "" for the
 * home folder, else its path under the root, by the layout's URL rules, with
 * a trailing '/'. Caller frees. */
char *layout_dir_url(const layout_t *l, const char *dir);
/* The URL of the page at repo path `src` by its path alone (no front
 * matter): what a renamed page's old path was published at. Caller frees. */
char *layout_path_url(const layout_t *l, const char *src);
/* Where a file (asset) at repo path `src` is published: its path under the
 * root (Hugo: the folders by the URL rules, the file name as it is); a file
 * of a Hugo static folder outside the root: the folder's target and its path
 * there, as written. Caller frees. */
char *layout_asset_out(const layout_t *l, const char *src);
/* 1 + the index in l->statics of the static folder holding repo path `src`
 * (the last listed that holds it), or 0 when none does or `src` lies under
 * the content root. */
size_t layout_static_of(const layout_t *l, const char *src);
/* `v` when it is an absolute http:// or https:// URL with a host and no
 * space, quote, angle bracket, backslash or control character (a site
 * address from another tool's config), else NULL; also NULL for the
 * placeholders of the tools' quick starts and local servers (the hosts
 * example.com, example.org, example.net with or without www., localhost,
 * 127.0.0.1). Caller frees. */
char *layout_site_url(const char *v);
/* The URL of a page: layout_path_url, changed by its front matter `fm`
 * (Hugo's slug and url). A url ending in .html gives the page its folder
 * URL (x.html -> x/); *file_url (may be NULL) then receives "x.html" (caller
 * frees), an address to redirect. Caller frees. */
char *layout_page_url(const layout_t *l, const char *src, const val_t *fm, char **file_url);
/* The extra addresses the other tool published page `src` (at Almanac URL
 * `url`) at, which must redirect to it: "x.html" for uglyURLs or
 * use_directory_urls: false, Tech Docs), *file_url from layout_page_url,
 * and the old addresses Tech Docs' redirects: lead to `url`. Returns the
 * count; *out receives an array of owned strings (caller frees each and the
 * array; NULL when 0). */
size_t layout_page_extra_urls(const layout_t *l, const char *src, const char *url, char *file_url, char ***out);
/* The URL an `aliases:` entry `alias` of a page at URL `page_url` stands
 * for, or NULL when it is not a path of the site (a scheme, "//", '?', '#',
 * '\\', control characters: *why = "invalid") or climbs above the root
 * (*why = "outside"). Almanac's aliases (plain, mkdocs) are repository paths
 * of old pages ("old/x.md": that path's URL) or site paths ("old/x/",
 * "old/x", "/old/x"); Hugo's are site paths, relative ones to the page's
 * parent URL. In all layouts a path ending in .html or .htm is a file URL,
 * others are folder URLs. Caller frees. */
char *layout_alias_url(const layout_t *l, const char *page_url, const char *alias, const char **why);
/* Tech Docs' redirects: (config/tech-docs.yml) to a page of the site: the old
 * address `url` (a URL as above) leads to, or NULL. Borrowed. */
const char *layout_redirect_target(const layout_t *l, const char *url);
/* MkDocs nav: the entry for repo path `src`, or NULL. Borrowed. */
const layout_nav_t *layout_nav_of(const layout_t *l, const char *src);
/* MkDocs nav: the title of the nav: section whose pages all lie in folder
 * `dir`, or NULL. Borrowed. */
const char *layout_section_title(const layout_t *l, const char *dir);

/* Hugo's MakePath on one segment or path: letters, digits, marks and
 * . / \ _ # + ~ - @ are kept, a run of white space becomes one '-' (none at
 * the start), everything else is dropped; lower-cased when `lower`. Caller
 * frees. */
char *layout_hugo_sanitize(const char *s, int lower);

#endif
