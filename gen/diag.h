/* diag.h - diagnostics as data.
 *
 * Every stage appends problems to a diag_list_t; the CLI prints them at the
 * end, sorted by file, line and column, in one of four formats. A list is
 * safe to append to from several threads at once. */
#ifndef ALMANAC_DIAG_H
#define ALMANAC_DIAG_H

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>

/* An error is a content problem (it fails check, and build with --strict); a
 * warning is worth fixing but fails nothing; a note says what Almanac left out
 * or decided for the repository (e.g. a generated redirect that gave way to a
 * page of the repository), for information only. */
typedef enum { DIAG_WARNING = 0, DIAG_ERROR = 1, DIAG_NOTE = 2 } diag_severity;

/* TEXT: `path:line:col: error[code]: message` lines; JSON: {"diagnostics": [...], "errors", "warnings"};
 * GITHUB: GitHub Actions annotations; GITLAB: a GitLab Code Quality report, a JSON array of
 * {description, check_name, fingerprint, severity (major for errors, minor for warnings),
 * location: {path, lines: {begin}}} whose fingerprint stays the same when a finding moves line. */
typedef enum { DIAG_FMT_TEXT, DIAG_FMT_JSON, DIAG_FMT_GITHUB, DIAG_FMT_GITLAB } diag_format;

typedef struct {
	char *file;     /* repo-relative path (or "almanac.yml", a template name); owned */
	int line, col;  /* 1-based; 0 when unknown */
	diag_severity severity;
	char *code;     /* short kebab-case code such as "broken-link"; owned; may be NULL */
	char *message;  /* owned */
} diag_t;

typedef struct {
	diag_t *items;
	size_t len, cap;
	pthread_mutex_t lock;
	char **muted;   /* codes whose warnings and notes diag_add drops (owned; see diag_mute) */
	size_t nmuted;
} diag_list_t;

/* Initialise an empty list. */
void diag_init(diag_list_t *l);
/* Free every diagnostic and the list storage; accepts a list that was only initialised. */
void diag_free(diag_list_t *l);
/* Append a diagnostic; `file` and `code` are copied; message is printf-formatted. Thread-safe.
 * A warning or note whose code is muted (diag_mute) is dropped; errors never are. */
void diag_add(diag_list_t *l, diag_severity sev, const char *file, int line, int col,
	      const char *code, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
/* How many times the calling thread called diag_add (on any list, muted ones
 * included): a caller learns whether a step it ran said anything. */
size_t diag_added_here(void);
/* Number of diagnostics of severity `sev`. */
size_t diag_count(const diag_list_t *l, diag_severity sev);
/* Sort by file, line, column, then message (deterministic output), and drop exact duplicates. */
void diag_sort(diag_list_t *l);
/* Print all diagnostics to `out` in `fmt`. `color` adds ANSI colours (text format only).
 * With `as_warnings`, errors are printed as warnings (a non-strict build). */
void diag_print(const diag_list_t *l, FILE *out, diag_format fmt, int color, int as_warnings);
/* diag_add a copy of each of the `n` diagnostics at `items`, at `file` when
 * not NULL (else at each one's own): muted ones are dropped. Thread-safe. */
void diag_add_each(diag_list_t *l, const diag_t *items, size_t n, const char *file);
/* Move all diagnostics from `src` to the end of `dst`; `src` becomes empty. */
void diag_move(diag_list_t *dst, diag_list_t *src);
/* The codes of every warning and note Almanac reports (what `warnings:` in
 * the config may turn off), sorted; *n receives the count. A new warning or
 * note code must be added to this table in diag.c. */
const char *const *diag_kinds(size_t *n);
/* 1 when `code` is in diag_kinds(). */
int diag_kind_known(const char *code);
/* "error", "warning" or "note". */
const char *diag_severity_name(diag_severity sev);
/* From now on, drop the warnings and notes with code `code` that are added to
 * `l` (the config's `warnings: {orphan: false}`); those already in the list
 * are removed too. Not thread-safe with diag_add. */
void diag_mute(diag_list_t *l, const char *code);
/* Mute in `dst` every code muted in `src`. */
void diag_mute_like(diag_list_t *dst, const diag_list_t *src);
/* 1 when warnings and notes of `code` are muted in `l`. */
int diag_is_muted(const diag_list_t *l, const char *code);
/* Print `l` (sorted) as text like diag_print, but at most `per_kind` warnings
 * and at most `per_kind` notes of each code (the first ones in sorted order;
 * errors are always all printed), then, for each code that had more, one line
 * "almanac: ... and N more warning[code] (...)" naming `hint` (what lists them
 * all). Returns the number of diagnostics left out. */
size_t diag_print_summarized(const diag_list_t *l, FILE *out, int color, size_t per_kind, const char *hint);
/* One line of counts by severity and code, such as "2 errors (2 broken-link),
 * 3 warnings (2 orphan, 1 encoding)", into a new string (caller frees); ""
 * when the list is empty. */
char *diag_counts_line(const diag_list_t *l);

#endif
