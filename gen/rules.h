/* rules.h - alert rules read from rule files (prefix rules_).
 *
 * The alert catalog can come from the team's Prometheus rules: files named
 * by `alert_rules:` in the configuration (paths, folders or globs inside the
 * repository) and by `--alert-rules PATH` on the command line (any path: the
 * operator chose it). Three shapes are read, in any YAML document of a file
 * (multi-document files are read document by document):
 *   - Prometheus rule files: `groups: [{name, rules: [{alert, expr, labels,
 *     annotations}]}]` (recording rules, `record:`, are not alerts);
 *   - PrometheusRule resources of the Prometheus operator (`kind:
 *     PrometheusRule`, `spec.groups` as above), also inside `kind: List`
 *     `items:`;
 *   - Almanac's own catalog: `alerts: [{name, severity, summary,
 *     runbook_url}]` (or a bare list of such entries).
 * Other documents (a ConfigMap, a kustomization) are passed over silently.
 * Severity is `labels.severity`, the summary `annotations.summary`, the
 * runbook address `annotations.runbook_url`, else `annotations.runbook`
 * (gitlab-com/runbooks' form: `runbook: docs/patroni/postgres.md#errors`). A rule's alert name may be any
 * Prometheus label value of at most 200 bytes without control characters
 * (`MysqlTooManyConnections(>80%)`); a catalog entry's name must be letters,
 * digits, '_', ':', '.' or '-'.
 *
 * Templates: a file holding Helm template actions (`{{ .Values.x }}`,
 * `{{- include ... }}`, `{{ toYaml ... }}`, Prometheus templates escaped for
 * Helm with {{` `}}: an action naming .Values, .Release, .Chart,
 * .Capabilities, .Files, .Template, .Subcharts, include, template, define,
 * tpl, toYaml, nindent or required), or holding `{{` and not parsing as
 * YAML, is a template:
 * it is skipped with one warning (`alert-rules-template`). Prometheus' own
 * templates inside annotations (`{{ $labels.pod }}`, `{{ $value }}`) are
 * fine.
 *
 * Bounds (hostile input): a file of more than RULES_MAX_FILE bytes, more than
 * RULES_MAX_DOCS documents or RULES_MAX_NODES YAML values is refused with a
 * diagnostic; at most RULES_MAX_FILES files and RULES_MAX_RULES rules are
 * read in all; folders are walked RULES_MAX_DEPTH levels deep; YAML aliases
 * are followed (never copied) and count against the rule limit. Every
 * problem is a diagnostic at the file's line and column (libyaml marks). */
#ifndef ALMANAC_RULES_H
#define ALMANAC_RULES_H

#include <stddef.h>

#include "diag.h"
#include "pathres.h"

#define RULES_MAX_FILE (8u * 1024u * 1024u)
#define RULES_MAX_FILES 10000
#define RULES_MAX_DOCS 1000
#define RULES_MAX_NODES 1000000
#define RULES_MAX_RULES 100000
#define RULES_MAX_DEPTH 32

typedef enum { RULES_FMT_PROMETHEUS, RULES_FMT_OPERATOR, RULES_FMT_CATALOG } rules_format_t;

/* Where `almanac report --format rules-patch` may edit a rule's file (byte
 * offsets into the file as read). */
typedef struct {
	int block;            /* the rule is a block mapping (flow style `{...}` cannot be patched) */
	size_t url_start, url_end; /* the runbook_url value's bytes (when the rule has one; a block
	                         scalar's end is the start of the line after its last line) */
	int url_style;        /* 0 plain, '"' or '\'' quoted, '|' a block scalar */
	int ann_block;        /* annotations: is a block mapping */
	size_t ann_after;     /* start of the line after annotations' last value (when ann_block) */
	int ann_indent;       /* spaces before annotations' keys */
	size_t rule_after;    /* start of the line after the rule's last value */
	int rule_indent;      /* spaces before the rule's keys */
	int has_annotations;  /* the rule has an annotations: key */
	int step;             /* the file's indentation step, guessed (2 when unknown) */
} rules_edit_t;

typedef struct {
	char *alert;          /* alert name (owned) */
	char *severity;       /* labels.severity (catalog: severity), NULL when none (owned) */
	char *summary;        /* annotations.summary (catalog: summary), NULL when none (owned) */
	char *runbook_url;    /* annotations.runbook_url, else annotations.runbook (runbook_annotation), NULL when
	                         neither (owned) */
	int runbook_annotation; /* runbook_url is GitLab's `runbook` annotation: a path in the repository
	                         (docs/db.md#lag), or a URL (runbookurl.h) */
	size_t file;          /* index into the set's files */
	int line, col;        /* position of the alert's name (1-based; columns in characters) */
	int url_line, url_col;/* position of the runbook_url value (0 when none) */
	rules_format_t format;
	rules_edit_t edit;
} rules_rule_t;

typedef struct {
	char *display;        /* the path in diagnostics: repository-relative for configured paths, as
	                         given (joined with the path found below a folder) for --alert-rules (owned) */
	const pr_root_t *root;/* where `rel` is read from (pathres.h): the repository, or the current
	                         folder as a trusted root for --alert-rules paths (borrowed) */
	char *rel;            /* the path under `root` (owned) */
	char *abs;            /* absolute path, for watching and messages; never opened (owned) */
	int from_config;      /* 1 when named by alert_rules: (inside the repository) */
	int explicit_file;    /* named directly (not found in a folder or by a glob) */
	int is_catalog;       /* the alert catalog file (rules_add_file) */
	int is_template;      /* skipped as a template */
	int read;             /* rules_read has read it */
	int failed;           /* unreadable, too large or invalid YAML */
	int recognized;       /* a document had one of the three shapes (perhaps with no alert) */
	size_t nrules;        /* alert rules read from it */
} rules_file_t;

typedef struct {
	rules_file_t *files;  /* in the order found, each file once (owned) */
	size_t nfiles;
	int files_capped;     /* more than RULES_MAX_FILES were found (an error was reported) */
	rules_rule_t *rules;  /* in file order, then document order (owned) */
	size_t nrules;
	size_t templates;     /* files skipped as templates */
	size_t without_rules; /* files read that hold no alert rule */
	size_t invalid_names; /* alerts left out for a name of more than 200 bytes or with a control character */
	pr_root_t *cwd;       /* the current folder as a PR_TRUSTED root, for --alert-rules (owned) */
} rules_set_t;

/* Add the files `spec` names to `set` (no file is read yet). With
 * `from_config`, `spec` is a path inside the repository `tree` (a PR_REPO
 * root whose absolute path, with a trailing '/', is `tree_path`): relative,
 * no "..", never in .git, symbolic links leading outside are not followed
 * (pathres.h); problems are reported at `origin:line:col` (the
 * configuration's entry). Otherwise `spec` is an operator's path (relative to
 * the current folder, or absolute; read through a PR_TRUSTED root) and
 * problems are reported at `spec`. Files are told apart by device and inode.
 * `spec` is a file, a folder (every *.yml and *.yaml below it, recursively,
 * hidden entries skipped) or a glob (pathmatch.h: "*", "?", "[...]", "**" segments).
 * A file met twice is kept once. Returns the number of files added; a spec
 * that names nothing is an error diagnostic (`alert-rules`). */
size_t rules_add(rules_set_t *set, const pr_root_t *tree, const char *tree_path, const char *spec, int from_config,
		 const char *origin, int line, int col, diag_list_t *d);
/* Add the file `rel` of `root` (absolute path `root_path` with a trailing
 * '/') with the display name `display`, as read for the alert catalog file
 * (from_config, explicit). `root` may be NULL (nothing to read: tests). */
void rules_add_file(rules_set_t *set, const pr_root_t *root, const char *root_path, const char *rel,
		    const char *display);
/* Read every file of `set` not read yet, appending their alert rules to
 * set->rules; problems are diagnostics. Stops early (leaving the rest
 * unread) when the build is interrupted. */
void rules_read(rules_set_t *set, diag_list_t *d);
/* Read YAML `text` (`len` bytes) as if it were file `file` of the set (for
 * tests and fuzzing). */
void rules_read_text(rules_set_t *set, size_t file, const char *text, size_t len, diag_list_t *d);
/* Free everything `set` owns and zero it; accepts a zeroed set. */
void rules_free(rules_set_t *set);

#endif
