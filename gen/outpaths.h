/* outpaths.h - who owns each file of the output: one precedence rule (prefix outp_).
 *
 * Every file a build writes is claimed here first, with the kind of thing
 * that wants it. Two claims collide when they name the same file, or when
 * one's file is a folder on the other's path (a page "x/index.html/" needs
 * the folder x/index.html/ where a section page wants the file
 * x/index.html). The earlier kind in this list wins; within a kind, the
 * first claim (pages and files in path order, then as listed) wins:
 *
 *   1 OUTP_PAGE     a page of the repository, at its URL
 *   2 OUTP_FILE     a file of the repository (image, PDF, ...), at its path;
 *                   a file withheld by active_assets (never written) claims nothing
 *   3 OUTP_SECTION  the page Almanac generates for a folder that has no
 *                   index page (the home page when there is none)
 *   4 OUTP_SITE     Almanac's own files: 404.html, sitemap.xml,
 *                   freshness.json, alerts.json, .almanac-site, search/ (page and index),
 *                   freshness/, the theme's assets/<file>
 *   5 OUTP_ALERT    alerts/<Name>/ for an alert a runbook answers
 *   6 OUTP_ALIAS    the redirect of an aliases: entry
 *   7 OUTP_COMPAT   an address another tool published the page at (Hugo's
 *                   url: x.html, uglyURLs, MkDocs use_directory_urls: false)
 *   8 OUTP_RENAME   the old address of a page renamed in Git
 *
 * So the repository's own pages, files and folders always win: what Almanac
 * makes itself gives way. What loses is never written, and is reported
 * once, by outp_assign_pages and outp_assign_generated:
 *   - a page against a page: error duplicate-url (neither is "generated");
 *   - a file against a page or a file, or at Almanac's marker file
 *     (.almanac-site, a Hugo static folder's hidden file): error
 *     asset-collision (not copied);
 *     except a file of a Hugo site's static folders (site_asset_t.static_root)
 *     against another file of the same repository: it gives way silently, as
 *     in Hugo, to a file of the content folder or of a static folder listed
 *     later (a static file against a page is asset-collision as above);
 *   - a section page or an Almanac file: note output-dropped;
 *   - an alert page, a COMPAT or RENAME redirect: note redirect-dropped
 *     (nothing when the address already leads to the same page);
 *   - an aliases: entry: error alias-conflict (the writer asked for it),
 *     alias-duplicate when another alias has it; nothing when the address
 *     is the page's own. In a site with sources an alias also loses to a
 *     COMPAT or RENAME address of another repository's page (alias-conflict):
 *     one repository never takes another's published addresses.
 * A build and a check decide the same way, before anything is written, so a
 * check finds every one of these and a build never fails on them. */
#ifndef ALMANAC_OUTPATHS_H
#define ALMANAC_OUTPATHS_H

#include <stddef.h>

#include "map.h"

typedef enum {
	OUTP_PAGE,
	OUTP_FILE,
	OUTP_SECTION,
	OUTP_SITE,
	OUTP_ALERT,
	OUTP_ALIAS,
	OUTP_COMPAT,
	OUTP_RENAME,
} outp_kind;

typedef struct {
	char *url;      /* the address: a folder URL "a/b/" or a file URL "a/b.html"; for a subtree the folder (owned) */
	char *file;     /* the output file ("a/b/index.html"), or the folder of a subtree claim ("search/t") (owned) */
	int subtree;    /* the claim is the whole folder `file` */
	outp_kind kind;
	long owner;     /* PAGE, ALIAS, COMPAT, RENAME: the page; FILE: the asset; SECTION: -1; SITE: -1;
	                   ALERT: the alert (index in the site's alerts) */
	long target;    /* the page a redirect leads to (ALIAS, COMPAT, RENAME; ALERT with one runbook), else -1 */
	const char *what; /* SITE, SECTION: what it is, for messages ("the search page"); borrowed */
	long winner;    /* -1 when the claim won, else the claim that holds its address */
} outp_claim_t;

typedef struct outp {
	outp_claim_t *claims;  /* in the order claimed (owned) */
	size_t n, cap;
	map_t paths;           /* output file -> 2 * the claim that holds it; output folder -> 2 * the first
	                          claim that needs it + 1 (no path is both: a claim that would make it both loses) */
	long *subtrees;        /* claims of whole folders */
	size_t nsubtrees;
	size_t stage2;         /* claims from this index on were made by outp_assign_generated */
	char *scratch;         /* a file's folders are cut here, one claim at a time (owned) */
	size_t scratch_cap;
} outp_t;

/* An empty table. */
void outp_init(outp_t *t);
/* Free the table; accepts one that was only initialised. */
void outp_free(outp_t *t);
/* Claim `url` (a folder URL gets "index.html" as its file; a file URL is
 * the file) or, with `subtree`, the folder `url` and everything under it.
 * Claims must come in the order of the rule above. Returns the new claim's
 * index; its winner says whether it won. */
long outp_claim(outp_t *t, const char *url, int subtree, outp_kind kind, long owner, long target, const char *what);
/* The output file of a URL: "a/b/" -> "a/b/index.html", "" -> "index.html", "a/b.html" -> itself. Caller frees. */
char *outp_file_of(const char *url);
/* 1 when `file` (or, for a subtree claim, the folder) was claimed with `kind` and that claim won. */
int outp_won(const outp_t *t, const char *file, outp_kind kind);

/* ---- the site's claims (outpaths.c includes site.h; these take a site_t *) ---- */
struct site;
/* Stage 1, right after the pages are named: claim every published page (a
 * page that loses is not published: error duplicate-url) and every asset (one
 * that loses is not copied: error asset-collision, removed from s->assets).
 * Builds s->url_map and s->asset_map from the winners. */
void outp_assign_pages(struct site *s);
/* Stage 2, once links, front matter and alerts are known: the section pages,
 * Almanac's own files (with the theme's asset names `theme_assets`), alert
 * pages, aliases (dropping the refused ones from the pages' fm.aliases),
 * other tools' addresses and renamed pages' old addresses, with the
 * diagnostics listed above. */
void outp_assign_generated(struct site *s, char *const *theme_assets, size_t ntheme_assets);
/* 1 when Almanac may write its own `file` (OUTP_SECTION or OUTP_SITE claim that won). */
int outp_site_may_write(const struct site *s, const char *file);

#endif
