/* config.h - almanac.yml (prefix config_).
 *
 * The file is optional; every key has a default. Problems are diagnostics
 * pointing at almanac.yml:line:col. */
#ifndef ALMANAC_CONFIG_H
#define ALMANAC_CONFIG_H

#include <stddef.h>

#include "diag.h"
#include "val.h"

typedef struct {
	char *name;   /* "critical", "runbook", ... (owned) */
	int days;
} config_interval_t;

typedef struct {
	char *title;             /* site title; default "Documentation" */
	int title_explicit;      /* 1 when the config set `title` (else the layout or the home README may) */
	char *layout;            /* auto|hugo|mkdocs|techdocs|plain (layout.h); default "auto" */
	char **muted;            /* warning and note kinds turned off by `warnings: {kind: false}` */
	size_t nmuted;
	char *base_url;          /* absolute URL of the published site, "" when unset (sitemap uses relative) */
	char *repo_url;          /* e.g. https://github.com/org/repo, "" when unset */
	char *repo_branch;       /* branch for edit/history links; "" = the current branch */
	char **content;          /* content folders, repo-relative; default content, runbooks */
	size_t ncontent;
	int content_explicit;    /* 1 when the config named the folders */
	char **exclude;          /* PCRE2 patterns on repo-relative paths */
	size_t nexclude;
	char *output;            /* output folder, repo-relative or absolute; default "public" */
	int output_line, output_col; /* where `output` was set in the file, 0 when not */
	char *theme;             /* theme name; default "default" */
	int raw_html;            /* allow raw HTML in Markdown (default 0: omitted) */
	int active_assets;       /* HTML/SVG/XML files beside the pages: AF_IMAGE (default), AF_SKIP, AF_PUBLISH (activefiles.h) */
	int search;              /* build the search index (default 1) */
	char *alerts_file;       /* alert catalog, repo-relative; default "alerts.yml" */
	char **alert_rules;      /* alert_rules: rule files, folders or globs inside the repository (alerts.h) */
	size_t nalert_rules;
	/* freshness */
	int default_interval;    /* days, default 180 */
	int due_window;          /* days, default 30 */
	double target;           /* KPI target percent, default 80 */
	int basis_reviewed;      /* freshness.basis: reviewed */
	int basis_set;           /* 1 when the config set freshness.basis (else a layout's pages may be dated by
	                            their review: fm_t.review_dated) */
	int middleman;           /* set from the layout (techdocs): Middleman's file rules: "x.md.erb" files are
	                            pages, other ".erb" files templates and "_x" files partials, neither pages
	                            nor published files */
	int count_content;       /* freshness.count: content (a commit that leaves a page's rendered
	                            text identical is not a review); default commit */
	int use_author_date;     /* freshness.date_source: author */
	char *ignore_revs;       /* NULL = .git-blame-ignore-revs when present */
	char **ignore_authors;   /* PCRE2 patterns; default CONFIG_BOT_AUTHORS (setting the key replaces them) */
	size_t nignore_authors;
	config_interval_t *by_criticality;
	size_t nby_criticality;
	config_interval_t *by_type;
	size_t nby_type;
	int drift_grace_days;    /* business days, default 5 */
	val_t *raw;              /* the whole parsed file (VAL_MAP) or NULL; available to templates as site.params */
	char *file;              /* the configuration's name in diagnostics ("almanac.yml"); NULL before config_load */
} config_t;

/* The authors whose commits are not reviews by default (freshness.ignore_authors
 * replaces the list; `ignore_authors: []` counts every author): PCRE2 patterns
 * matched, unanchored, against the author's name and e-mail. GitHub apps end in
 * [bot] (dependabot[bot], renovate[bot], github-actions[bot]); the others are
 * common automation accounts by name: Renovate, Dependabot, GitHub Actions, Snyk,
 * pre-commit.ci, Mergify, Kubernetes' and OpenShift's Prow robots, ImgBot,
 * all-contributors, semantic-release, Greenkeeper, Copybara, GitLab's project
 * and group access-token bots. */
#define CONFIG_BOT_AUTHORS                                                                                           \
	"(?i)\\[bot\\]", "(?i)^dependabot", "(?i)^renovate", "(?i)^github-actions", "(?i)^snyk-bot",                 \
		"(?i)^pre-commit-ci", "(?i)^mergify", "(?i)^k8s-ci-robot", "(?i)^k8s-infra-ci-robot",                  \
		"(?i)^openshift-(ci|merge)-robot", "(?i)^imgbot", "(?i)^allcontributors", "(?i)^semantic-release-bot", \
		"(?i)^greenkeeper", "(?i)^copybara", "(?i)^(project|group)_[0-9]+_bot"

/* Fill `c` with defaults. */
void config_defaults(config_t *c);
/* Load `path` (absolute) over the defaults already in `c`. `display` names the
 * file in diagnostics ("almanac.yml"). A missing file is not an error when
 * `optional` is set. Returns 0, or -1 when the file has errors (diagnostics added). */
int config_load(config_t *c, const char *path, const char *display, int optional, diag_list_t *d);
/* config_load on the text of the file (`len` bytes) instead of a path. */
int config_load_text(config_t *c, const char *text, size_t len, const char *display, diag_list_t *d);
/* Free everything `c` owns. */
void config_free(config_t *c);
/* Review interval in days for a page of `type` and `criticality` (either may be NULL):
 * criticality setting, else type setting, else the default. */
int config_interval_for(const config_t *c, const char *type, const char *criticality);
/* Longest review interval accepted, in days (100 years). */
#define CONFIG_MAX_INTERVAL 36500
/* What an interval looks like, for error messages ("'%s' must be " CONFIG_INTERVAL_HELP). */
#define CONFIG_INTERVAL_HELP "an interval such as 90d, 12w, 6m or 1y (1 day to 100 years)"
/* Parse an interval: digits followed by d, w, m or y (d=1, w=7, m=30, y=365
 * days; upper case too), or digits alone (days): "90d", "12w", "6m", "1y",
 * "45". The result must be 1..CONFIG_MAX_INTERVAL days; no spaces or signs.
 * Returns 0 and sets *days, or -1 (then *days is untouched). The config's
 * intervals and the front matter's review_interval both use it. */
int config_parse_interval(const char *s, int *days);

#endif
