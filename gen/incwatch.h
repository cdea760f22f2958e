/* incwatch.h - what a changed path means to `almanac serve`, and what it watches (prefix incwatch_).
 *
 * Private to the serve engine (gen/inc*.c; see incstate.h). After every full
 * load, incwatch_setup derives from the site the absolute paths a change is
 * judged by (Git's folders, the configuration, alert catalog and ignore-revs
 * files, the theme folders, the output folder, the content folders, the
 * folders of alert rule files, the files pages that are symbolic links lead
 * to); incwatch_classify then says what a changed
 * path asks for: nothing, one page or asset again, or everything.
 *
 * This file also defines inc_watch and inc_watcher (incremental.h): the
 * watcher covers the content folders (or the whole work tree), the folders of
 * the files above, CODEOWNERS's places, the themes, Hugo's config folder, the
 * sources read in place and Git's HEAD and branches; never the output or the
 * work folder.
 *
 * Ownership: the derived paths live in struct inc (incstate.h) and are freed
 * by incwatch_free_paths. */
#ifndef ALMANAC_INCWATCH_H
#define ALMANAC_INCWATCH_H

#include "incremental.h"

/* What a change asks for (incwatch_classify). */
enum {
	INCWATCH_IGNORE, /* nothing the site is made from */
	INCWATCH_PAGE,   /* the content of an existing page: re-read it */
	INCWATCH_ASSET,  /* the content of an existing asset: copy it again */
	INCWATCH_FULL    /* anything else: reload and render everything */
};

/* Derive the paths changes are judged by from inc->s (the model just loaded)
 * and inc->repo, freeing those of the previous model. */
void incwatch_setup(inc_t *inc);
/* Free the paths incwatch_setup derived, and empty the lists of content roots
 * and rule folders. The pointers are left dangling: call before freeing `inc`
 * or before incwatch_setup only. */
void incwatch_free_paths(inc_t *inc);
/* What a change of the absolute `path` (watch.h's flags WATCH_DIR, WATCH_CREATED)
 * means: an INCWATCH_ value. For INCWATCH_PAGE and INCWATCH_ASSET *idx is the
 * index of the page (inc->s->pages) or the asset (inc->s->assets); for
 * INCWATCH_FULL *why is the reason (borrowed, valid while the model is). */
int incwatch_classify(inc_t *inc, const char *path, unsigned flags, long *idx, const char **why);
/* The next page or file of the site (after *at, which it advances; start at 0) that is a symbolic
 * link to the absolute `path` (a MkDocs docs/index.md -> ../README.md): its absolute path, borrowed
 * (valid until the next incwatch_setup), or NULL when there is no other. A change of `path` is a
 * change of that page or file too: classify it as well. */
const char *incwatch_link_to(const inc_t *inc, const char *path, size_t *at);
/* The changed absolute `path` as serve names it: relative to the hub's work tree, "<source>:<path>"
 * in a source read in place, else as it is. Caller frees. */
char *incwatch_name(const inc_t *inc, const char *path);
/* After a full rebuild: set the watcher up again when the folders to watch
 * changed. Events still queued in the old watcher are not lost: they set
 * inc->need_full, so the next batch reloads everything. When the new watcher
 * cannot be set up the old one stays. */
void incwatch_rewatch(inc_t *inc);

#endif
