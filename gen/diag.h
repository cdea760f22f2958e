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

typedef enum { DIAG_WARNING = 0, DIAG_ERROR = 1 } diag_severity;

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
} diag_list_t;

/* Initialise an empty list. */
void diag_init(diag_list_t *l);
/* Free every diagnostic and the list storage; accepts a list that was only initialised. */
void diag_free(diag_list_t *l);
/* Append a diagnostic; `file` and `code` are copied; message is printf-formatted. Thread-safe. */
void diag_add(diag_list_t *l, diag_severity sev, const char *file, int line, int col,
	      const char *code, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
/* Number of diagnostics of severity `sev`. */
size_t diag_count(const diag_list_t *l, diag_severity sev);
/* Sort by file, line, column, then message (deterministic output), and drop exact duplicates. */
void diag_sort(diag_list_t *l);
/* Print all diagnostics to `out` in `fmt`. `color` adds ANSI colours (text format only).
 * With `as_warnings`, errors are printed as warnings (a non-strict build). */
void diag_print(const diag_list_t *l, FILE *out, diag_format fmt, int color, int as_warnings);
/* Move all diagnostics from `src` to the end of `dst`; `src` becomes empty. */
void diag_move(diag_list_t *dst, diag_list_t *src);

#endif
