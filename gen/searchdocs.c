/* searchdocs.c - a site's pages as search documents (see searchdocs.h). */
#include "searchdocs.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"

#define SEARCHDOCS_SHORT 256 /* a section text of at most this many bytes is not cut */

/* Document `d`'s sections: page p's (borrowed). */
static void doc_sections(search_doc_t *d, const site_page_t *p)
{
	search_section_t *secs = xcalloc(p->md.nsections + 1, sizeof *secs);
	for (size_t k = 0; k < p->md.nsections; k++) {
		secs[k].anchor = p->md.sections[k].anchor;
		secs[k].heading = p->md.sections[k].heading;
		secs[k].text = p->md.sections[k].text ? p->md.sections[k].text : "";
	}
	free((search_section_t *)d->sections);
	d->sections = secs;
	d->nsections = p->md.nsections;
}

/* Where a lazy document's sections come from: its page of `s` (page[k] for document k), loaded when the
 * index reads its texts (load_sections). One per array of documents, freed with it. */
typedef struct {
	site_t *s;
	search_doc_t *docs;
	size_t *page;
} lazy_src_t;

static const search_section_t *load_sections(void *ctx, size_t k, size_t *n)
{
	lazy_src_t *src = ctx;
	search_doc_t *d = &src->docs[k];
	if (!d->sections) {
		site_page_sections(src->s, src->page[k]); /* read from the page cache's file when kept there */
		doc_sections(d, &src->s->pages[src->page[k]]);
	}
	*n = d->nsections;
	return d->sections;
}

/* searchdocs_collect; with `load` 0, the documents' sections are left to be loaded when the index
 * reads them (load_sections: a page's may not be loaded yet, site_page_sections). */
static size_t collect(site_t *s, const nav_t *nav, search_doc_t **out, int load)
{
	size_t n = 0;
	search_doc_t *docs = xcalloc(s->npages + 1, sizeof *docs);
	lazy_src_t *src = NULL;
	if (!load && s->npages) {
		src = xcalloc(1, sizeof *src);
		src->s = s;
		src->docs = docs;
		src->page = xcalloc(s->npages, sizeof *src->page);
	}
	for (size_t i = 0; i < s->npages; i++) {
		const site_page_t *p = &s->pages[i];
		if (p->draft && !s->opts.drafts)
			continue;
		search_doc_t *d = &docs[n];
		d->url = p->url;
		d->title = p->title;
		d->type = p->type;
		d->owner = p->owner ? p->owner : "";
		d->status = site_status_name(p->fresh.status);
		d->alerts = (const char *const *)p->alerts; /* every alert it answers: front matter, file name, rules */
		d->nalerts = p->nalerts;
		d->tags = (const char *const *)p->fm.tags;
		d->ntags = p->fm.ntags;
		d->sections_digest[0] = p->md.sections_digest[0]; /* known without loading them */
		d->sections_digest[1] = p->md.sections_digest[1];
		if (load) {
			site_page_sections(s, i); /* read from the page cache's file when kept there */
			doc_sections(d, p);
		} else {
			src->page[n] = i;
			d->load_sections = load_sections;
			d->load_ctx = src;
			d->load_index = n;
		}
		d->trail = nav ? nav_trail(nav, (long)i, " \u203a ") : NULL;
		d->group = (size_t)p->source;
		n++;
	}
	*out = docs;
	return n;
}

size_t searchdocs_collect(const site_t *s, const nav_t *nav, search_doc_t **out)
{
	return collect((site_t *)s, nav, out, 1); /* loading a page's sections changes nothing else of it */
}

size_t searchdocs_collect_lazy(site_t *s, const nav_t *nav, search_doc_t **out)
{
	return collect(s, nav, out, 0);
}

void searchdocs_free(search_doc_t *docs, size_t n)
{
	lazy_src_t *src = docs && n ? docs[0].load_ctx : NULL;
	if (src) {
		free(src->page);
		free(src);
	}
	for (size_t i = 0; docs && i < n; i++) {
		free((search_section_t *)docs[i].sections);
		free((char *)docs[i].trail);
	}
	free(docs);
}

struct searchdocs_job {
	pthread_t tid;
	site_t *site;
	search_doc_t *docs;
	size_t ndocs;
	search_prep_t *prep;
	atomic_int stop; /* searchdocs_cancel, or Ctrl-C while searchdocs_finish waits: the index will not be written */
	atomic_int done; /* the thread is about to return */
};

search_prep_t *searchdocs_prepare(const site_t *s, const search_doc_t *docs, size_t ndocs, const atomic_int *stop)
{
	if (!s->cache_dir || !s->opts.page_cache || s->opts.check_only)
		return search_prepare(docs, ndocs, (size_t)s->opts.jobs, stop);
	const char **names = xcalloc(s->nsources + 1, sizeof *names);
	for (size_t k = 0; k < s->nsources; k++)
		names[k + 1] = s->sources[k].name;
	search_cache_t cache = {s->cache_dir, names, s->nsources + 1, s->binary_id};
	search_prep_t *prep = search_prepare_cached(docs, ndocs, (size_t)s->opts.jobs, stop, &cache);
	free(names);
	return prep;
}

static void *job_main(void *arg)
{
	searchdocs_job_t *j = arg;
	j->prep = searchdocs_prepare(j->site, j->docs, j->ndocs, &j->stop);
	if (atomic_load(&j->stop)) {
		search_cpu_note_thread();
		atomic_store(&j->done, 1);
		return NULL; /* nobody reads the texts any more: no need to cut them */
	}
	site_t *s = j->site;
	for (size_t i = 0; i < s->npages; i++) {
		site_page_t *p = &s->pages[i];
		if ((p->draft && !s->opts.drafts) || p->md.sections_from)
			continue; /* a page whose sections were not loaded (none to cut) */
		for (size_t k = 0; k < p->md.nsections; k++) {
			char *t = p->md.sections[k].text;
			if (!t)
				continue;
			/* a short text is read whole (the excerpt reads at most every byte): nothing to cut */
			size_t len = strnlen(t, SEARCHDOCS_SHORT + 1);
			if (len <= SEARCHDOCS_SHORT)
				continue;
			size_t keep = search_excerpt_source_len(t);
			if (t[keep] != '\0') {
				len = keep + 1 + strlen(t + keep + 1);
				t[keep] = '\0';
				if (len - keep >= SEARCHDOCS_SHORT) /* worth giving back */
					p->md.sections[k].text = xrealloc(t, keep + 1);
			}
		}
	}
	search_cpu_note_thread();
	atomic_store(&j->done, 1);
	return NULL;
}

searchdocs_job_t *searchdocs_start(site_t *s)
{
	searchdocs_job_t *j = xcalloc(1, sizeof *j);
	j->site = s;
	j->ndocs = collect(s, NULL, &j->docs, 0); /* trails only matter to the writer; sections on the thread,
						   * of the pages it tokenizes */
	if (pthread_create(&j->tid, NULL, job_main, j) != 0) {
		searchdocs_free(j->docs, j->ndocs);
		free(j);
		return NULL;
	}
	return j;
}

void searchdocs_cancel(searchdocs_job_t *j)
{
	if (!j)
		return;
	atomic_store(&j->stop, 1);
	search_prep_free(searchdocs_finish(j, NULL));
}

search_prep_t *searchdocs_finish(searchdocs_job_t *j, const atomic_int *interrupt)
{
	if (!j)
		return NULL;
	/* polled, not only joined: Ctrl-C meanwhile stops the tokenizing at its next pages */
	const struct timespec tick = {0, 5 * 1000 * 1000};
	while (interrupt && !atomic_load(&j->done)) {
		if (atomic_load(interrupt))
			atomic_store(&j->stop, 1);
		nanosleep(&tick, NULL);
	}
	pthread_join(j->tid, NULL);
	search_prep_t *prep = j->prep;
	searchdocs_free(j->docs, j->ndocs);
	free(j);
	return prep;
}
