/* pagerec.h - what reading each page gave, kept between builds (prefix prec_).
 *
 * Reading a page (site.c: the file, its UTF-8 check, its front matter) is a
 * pure function of the file's bytes and the layout's reading rules. A build
 * keeps, per page, the file's stat identity as the scan saw it (size, mtime
 * and ctime in nanoseconds, inode, device: fsutil.h) and what the reading
 * gave: the front matter (fm_t, its whole `raw` map with positions), the
 * body's offset and line, the count of content errors and the diagnostics
 * (unmuted: muting applies when they are added); and, from the Markdown
 * phase, the hash of the body handed to md_render (the page cache's key,
 * pagecache.h), the Hugo shortcodes it names and what preparing it said.
 * The next build does not open a page whose identity is the recorded one:
 * it takes the record instead, and the Markdown cache is used without the
 * text. The text is read only when the page must be rendered after all.
 *
 * With each record goes the page's work-tree status (history.h: modified,
 * untracked...) as that build found it, and each file records its
 * repository's HEAD and index identity: a repository whose HEAD and index are
 * as they were (the index not racy) and whose every page is taken is not
 * asked for its status (dating.c).
 *
 * Racy files (as Git handles them): a file whose mtime or ctime lies in
 * the second the recording build started, or later, may have been written
 * again after it was read without its identity changing (timestamps have a
 * coarse clock); its record is not trusted, and it is read again.
 *
 * One file per repository of the site (`<dir>/read-pages`,
 * `<dir>/read-pages.<source name>`), under Almanac's own folder in the hub's
 * Git directory, never published: a build that reads pages of one source
 * anew rewrites that source's file only. A file written with another reading
 * context (the binary's id, the repository's layout and Hugo parameters:
 * the caller's `contexts`), a corrupt or truncated one is ignored whole
 * (histfile.h's bounds-checked readers and checksum).
 *
 * Threads: prec_take, prec_put_read, prec_md and prec_put_md may run on
 * every thread at once for distinct pages; prec_open, prec_save and
 * prec_free on one thread, before and after. */
#ifndef ALMANAC_PAGEREC_H
#define ALMANAC_PAGEREC_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "frontmatter.h"
#include "fsutil.h"
#include "layout_hugo.h"

typedef struct prec prec_t;

/* What reading one page gave. */
typedef struct {
	fm_t fm;                /* the front matter as fm_parse_ex left it */
	size_t body_off;        /* where the Markdown body starts in the text */
	int body_line;          /* its 1-based line */
	int content_errors;     /* error diagnostics of the reading */
	uint64_t text_hash[2];  /* XXH3-128 of the text as read (invalid UTF-8 replaced) */
	size_t text_len;
	int wt_status;          /* prec_take: its work-tree status (history.h HIST_*) + 1 as the last build
	                           found it, when its repository's HEAD and index are as they were then (and
	                           the index not racy); 0 otherwise */
} prec_read_t;

/* What preparing one page's body for md_render gave. */
typedef struct {
	uint64_t body[2];                /* XXH3-128 of the body handed to md_render (pcache_key_t.body) */
	layout_shortcode_t *shortcodes;  /* Hugo shortcodes Almanac does not run (owned) */
	size_t nshortcodes;
	diag_t *diags;                   /* what the preparing said (owned; file set) */
	size_t ndiags;
} prec_md_t;

/* Read the record files of `ngroups` repositories (group 0 the hub, k the
 * k-th source, `names[k]` its name; names[0] unused) from `dir`; a file
 * whose reading context is not contexts[k] is ignored. `npages` is the number
 * of pages of this build (each call names a page by its index); `started` is
 * the second this build started (CLOCK_REALTIME_COARSE), kept in the files it
 * writes; repos[k] is repository k's HEAD and index now (a page's recorded
 * work-tree status holds only for the same). Never fails: what cannot be
 * read is empty. Free with prec_free. */
prec_t *prec_open(const char *dir, const char *const *names, size_t ngroups, const uint64_t *contexts,
		  const fsu_repo_state_t *repos, size_t npages, int64_t started, int jobs);

/* 1 when page `page` (`src` of `group`) was recorded with identity `st` and
 * is not racy: *out is filled (the caller owns out->fm: fm_free) and the
 * recorded diagnostics are added to `d` (diag_add_each: muted codes dropped);
 * the record is kept for the next build. 0 otherwise (*out zeroed). */
int prec_take(prec_t *r, size_t page, size_t group, const char *src, const fsu_stat_id_t *st, prec_read_t *out,
	      diag_list_t *d);

/* Record that page `page` (`src` of `group`), whose file had identity `st`
 * when the scan saw it, was read: `rd` (borrowed; encoded now, so the caller
 * may change its fm afterwards) and the reading's `n` diagnostics at `diags`
 * (unmuted). A page not put (unreadable, binary) has no record next time. */
void prec_put_read(prec_t *r, size_t page, size_t group, const char *src, const fsu_stat_id_t *st,
		   const prec_read_t *rd, const diag_t *diags, size_t n);

/* 1 when `len` bytes at `text` are the text page `page`'s record (taken by
 * prec_take) was made from: the file did not change since. */
int prec_text_is(const prec_t *r, size_t page, const char *text, size_t len);

/* The hash prec_read_t.text_hash holds for `len` bytes at `text`. */
void prec_text_hash(const char *text, size_t len, uint64_t out[2]);

/* 1 and *out filled (the caller frees it with prec_md_clear) when page
 * `page`'s record, taken by prec_take, holds its prepared body; 0 otherwise. */
int prec_md(prec_t *r, size_t page, prec_md_t *out);

/* Record what preparing page `page`'s body gave (borrowed; encoded now). */
void prec_put_md(prec_t *r, size_t page, const uint64_t body[2], const layout_shortcode_t *sc, size_t nsc,
		 const diag_t *diags, size_t n);

/* Keep page `page`'s work-tree status + 1 as this build found it (0: not
 * read), for its record (a page recorded by prec_take or prec_put_read). */
void prec_put_wt(prec_t *r, size_t page, int wt_status);

/* Write the files of the repositories whose records changed (a page put, a
 * page taken no more), each atomically. Nothing once `stop` (NULL: never)
 * is raised. Returns the number of files written, -1 when one could not be. */
int prec_save(prec_t *r, const atomic_int *stop);

/* Pages taken from the records, and pages asked for. */
void prec_counts(const prec_t *r, size_t *taken, size_t *asked);

/* Free what `m` owns; accepts a zeroed one. */
void prec_md_clear(prec_md_t *m);

/* Free the records; accepts NULL. */
void prec_free(prec_t *r);

#endif
