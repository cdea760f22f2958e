/* searchprep.c - phase 1 of the search index: tokenizing the pages (see searchpriv.h, search.h). */
#include "searchpriv.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "histfile.h"
#include "searchcache.h"
#include "searchpart.h"

/* The dterm of `term` in the current page, added when new. */
static dterm_t *page_term(worker_t *w, sterm_t *term, uint32_t *idx_out)
{
	if (term->stamp == w->page_no) {
		*idx_out = term->pidx;
		return &w->dt[term->pidx];
	}
	if (w->ndt == w->cdt) {
		w->cdt = w->cdt ? w->cdt * 2 : 256;
		w->dt = xrealloc(w->dt, w->cdt * sizeof(*w->dt));
	}
	uint32_t idx = (uint32_t)w->ndt++;
	dterm_t *t = &w->dt[idx];
	memset(t, 0, sizeof(*t));
	t->term = term;
	t->last_sec = -1;
	term->stamp = w->page_no;
	term->pidx = idx;
	*idx_out = idx;
	return t;
}

sterm_t *sprep_stem(worker_t *w, const char *st, size_t sl)
{
	int added;
	smem_slot_t *t = smem_upsert(&w->stems, &w->arena, st, sl, &added);
	if (added) {
		sterm_t *r = smem_alloc_aligned(&w->arena, sizeof(*r));
		r->s = t->key;
		r->len = t->len;
		r->gid = UINT32_MAX;
		r->stamp = 0;
		r->pidx = 0;
		r->df = r->tdf = r->adf = 0;
		GROW(w->terms, w->nterms, w->cterms);
		r->lid = (uint32_t)w->nterms;
		w->terms[w->nterms++] = r;
		t->val = r;
	}
	return t->val;
}

/* A new surface word for the slot `s` of w's surface map. */
static ssurf_t *new_surface(worker_t *w, smem_slot_t *s, sterm_t *stem)
{
	ssurf_t *sw = smem_alloc_aligned(&w->arena, sizeof(*sw));
	sw->s = s->key;
	sw->len = s->len;
	sw->stamp = 0;
	sw->stem = stem;
	GROW(w->surfs, w->nsurfs, w->csurfs);
	sw->lid = (uint32_t)w->nsurfs;
	w->surfs[w->nsurfs++] = sw;
	s->val = sw;
	return sw;
}

ssurf_t *sprep_surface(worker_t *w, const char *word, size_t len, sterm_t *stem)
{
	int added;
	smem_slot_t *s = smem_upsert(&w->surface, &w->arena, word, len, &added);
	return added ? new_surface(w, s, stem) : s->val;
}

/* The stem of `word`, interned with it; with a cache, the word is noted as one of the page's. */
static sterm_t *stem_word(worker_t *w, const char *word, size_t len)
{
	int added;
	smem_slot_t *s = smem_upsert(&w->surface, &w->arena, word, len, &added);
	ssurf_t *sw;
	if (!added) {
		sw = s->val;
	} else {
		size_t sl;
		const char *st = tok_stem(w->stem, s->key, len, &sl);
		if (!st) {
			w->oom = 1;
			st = s->key;
			sl = len;
		}
		sw = new_surface(w, s, sprep_stem(w, st, sl));
	}
	if (sw->stamp != w->page_no) { /* the page's words, for its repository's vocabulary (searchpart.h) */
		sw->stamp = w->page_no;
		GROW(w->psurf, w->npsurf, w->cpsurf);
		w->psurf[w->npsurf++] = sw->lid;
	}
	return sw->stem;
}

static int on_word(void *ctx, const char *word, size_t len, tok_kind kind)
{
	worker_t *w = ctx;
	sterm_t *term = stem_word(w, word, len);
	uint32_t idx;
	dterm_t *t = page_term(w, term, &idx);
	if (t->tf[w->field] < UINT16_MAX)
		t->tf[w->field]++;
	w->flen[w->field]++;
	if (w->field == F_ALERTS && kind != TOK_PART) {
		if (w->alert_tokens++ == 0)
			w->alert_term = term;
	}
	if (w->sec >= 0) {
		if (t->last_sec != w->sec) {
			if (w->nev == w->cev) {
				w->cev = w->cev ? w->cev * 2 : 1024;
				w->ev = xrealloc(w->ev, w->cev * sizeof(*w->ev));
			}
			t->last_sec = w->sec;
			t->last_ev = (uint32_t)w->nev;
			w->ev[w->nev].term_idx = idx;
			w->ev[w->nev].code = (uint32_t)w->sec << 1;
			w->nev++;
		}
		if (w->heading)
			w->ev[t->last_ev].code |= 1;
	}
	return 0;
}

static void feed(worker_t *w, const char *s, int field)
{
	if (!s || !*s)
		return;
	w->field = field;
	tok_split_cstr(s, on_word, w);
}

static void index_page(worker_t *w, const search_doc_t *doc, docres_t *out)
{
	w->page_no++;
	w->ndt = 0;
	w->nev = 0;
	memset(w->flen, 0, sizeof(w->flen));
	w->sec = -1;
	w->heading = 0;

	feed(w, doc->title, F_TITLE);
	for (size_t i = 0; i < doc->nalerts; i++) {
		w->alert_tokens = 0;
		w->alert_term = NULL;
		feed(w, doc->alerts[i], F_ALERTS);
		if (w->alert_tokens == 1 && w->alert_term) {
			uint32_t idx;
			page_term(w, w->alert_term, &idx)->flags |= DT_ALERT;
		}
	}
	for (size_t i = 0; i < doc->ntags; i++)
		feed(w, doc->tags[i], F_TAGS);
	feed(w, doc->owner, F_TAGS);
	size_t nsec;
	const search_section_t *sec = sdoc_sections(doc, &nsec); /* a lazy page's texts are read here only */
	for (size_t i = 0; i < nsec; i++) {
		w->sec = (int32_t)i;
		w->heading = 1;
		feed(w, sec[i].heading, F_HEADINGS);
		w->heading = 0;
		feed(w, sec[i].text, F_BODY);
	}

	/* group section events by term (stable: section order kept) */
	out->nterms = w->ndt;
	out->terms = smem_alloc_aligned(&w->results, (w->ndt ? w->ndt : 1) * sizeof(*out->terms));
	for (size_t i = 0; i < w->ndt; i++) {
		rterm_t *r = &out->terms[i];
		r->id = w->dt[i].term->lid;
		memcpy(r->tf, w->dt[i].tf, sizeof(r->tf));
		r->nsec_alert = w->dt[i].flags & DT_ALERT; /* its sections counted in below */
		sterm_t *st = w->dt[i].term;
		st->df++;
		if (r->tf[F_TITLE])
			st->tdf++;
		if (r->tf[F_ALERTS])
			st->adf++;
	}
	/* a term's sections past the NSEC_MAXth are dropped */
	for (size_t i = 0; i < w->ndt; i++)
		w->dt[i].nsec = 0;
	for (size_t e = 0; e < w->nev; e++)
		if (w->dt[w->ev[e].term_idx].nsec < NSEC_MAX)
			w->dt[w->ev[e].term_idx].nsec++;
	uint32_t off = 0;
	for (size_t i = 0; i < w->ndt; i++) {
		w->dt[i].sec_first = off;
		off += w->dt[i].nsec;
	}
	out->nsecs = off;
	out->secs = smem_alloc_aligned(&w->results, (off ? off : 1) * sizeof(*out->secs));
	for (size_t e = 0; e < w->nev; e++) {
		uint32_t ti = w->ev[e].term_idx;
		rterm_t *t = &out->terms[ti];
		uint32_t kept = t->nsec_alert >> 1;
		if (kept < w->dt[ti].nsec) {
			out->secs[w->dt[ti].sec_first + kept] = w->ev[e].code;
			t->nsec_alert += 2;
		}
	}
	out->worker = w->id;
	memcpy(out->flen, w->flen, sizeof(w->flen));
	out->from = -1;
	out->nsurf = (uint32_t)w->npsurf;
	out->surf = smem_alloc_aligned(&w->surfres, (w->npsurf ? w->npsurf : 1) * sizeof(*out->surf));
	if (w->npsurf) /* a page without words has none (w->psurf may be NULL) */
		memcpy(out->surf, w->psurf, w->npsurf * sizeof(*out->surf));
	w->npsurf = 0;
}

static void *worker_main(void *arg)
{
	worker_t *w = arg;
	for (;;) {
		if (w->stop && atomic_load_explicit(w->stop, memory_order_relaxed))
			break;
		pthread_mutex_lock(w->lock);
		size_t start = *w->next;
		size_t end = start + 32 < w->ndocs ? start + 32 : w->ndocs;
		*w->next = end;
		pthread_mutex_unlock(w->lock);
		if (start >= w->ndocs)
			break;
		for (size_t i = start; i < end; i++) {
			if (w->keys_only) {
				scache_doc_key(&w->docs[i], w->keys[i]);
				continue;
			}
			if (w->skip && w->skip[w->docs[i].group])
				continue; /* its repository's share is kept */
			if (!w->cache) {
				index_page(w, &w->docs[i], &w->res[i]);
				continue;
			}
			if (!scache_replay(w->cache, w, w->docs[i].group, w->keys[i], &w->res[i]))
				index_page(w, &w->docs[i], &w->res[i]);
			scache_page_done(w->cache, w->docs[i].group);
		}
	}
	return NULL;
}

static void worker_free(worker_t *w)
{
	tok_stemmer_free(w->stem);
	smem_map_free(&w->surface);
	smem_map_free(&w->stems);
	free(w->terms);
	smem_arena_free(&w->arena);
	smem_arena_free(&w->results);
	smem_arena_free(&w->surfres);
	free(w->dt);
	free(w->ev);
	free(w->surfs);
	free(w->psurf);
	scache_worker_free(w);
}

search_prep_t *search_prepare(const search_doc_t *docs, size_t ndocs, size_t threads, const atomic_int *stop)
{
	return search_prepare_cached(docs, ndocs, threads, stop, NULL);
}

static void *worker_thread(void *arg)
{
	worker_main(arg);
	search_cpu_note_thread();
	return NULL;
}

/* Run worker_main on every worker (the calling thread is the first), over all `ndocs` pages again. */
static void run_workers(search_prep_t *sp)
{
	worker_t *workers = sp->workers;
	size_t nthreads = sp->nthreads;
	pthread_t tids[MAX_THREADS];
	sp->next = 0;
	if (nthreads == 1) {
		worker_main(&workers[0]);
		return;
	}
	int started[MAX_THREADS] = {0}; /* a thread that could not start is not joined (its pages are
					    * taken by the others) */
	for (size_t i = 1; i < nthreads; i++)
		started[i] = pthread_create(&tids[i], NULL, worker_thread, &workers[i]) == 0;
	worker_main(&workers[0]);
	for (size_t i = 1; i < nthreads; i++)
		if (started[i])
			pthread_join(tids[i], NULL);
}

static char *part_path(const search_cache_t *cfg, size_t k)
{
	return k ? xasprintf("%s/search-index.%s", cfg->dir, cfg->names[k]) : xasprintf("%s/search-index", cfg->dir);
}

/* Whether the share `p` was made from exactly the pages of group `g` (their keys, in order). */
static int part_matches(const spart_t *p, const search_doc_t *docs, size_t ndocs, uint64_t (*keys)[2], size_t g,
			size_t npages)
{
	if (p->npages != npages)
		return 0;
	uint32_t j = 0;
	for (size_t i = 0; i < ndocs; i++) {
		if (docs[i].group != g)
			continue;
		uint64_t k[2];
		spart_page_key(p, j++, k);
		if (k[0] != keys[i][0] || k[1] != keys[i][1])
			return 0;
	}
	return 1;
}

search_prep_t *search_prepare_cached(const search_doc_t *docs, size_t ndocs, size_t threads, const atomic_int *stop,
				     const search_cache_t *cache)
{
	search_prep_t *sp = xcalloc(1, sizeof(*sp));
	if (threads == 0)
		threads = DEFAULT_THREADS;
	sp->nthreads = ndocs < 64 ? 1 : threads > MAX_THREADS ? MAX_THREADS : threads;
	sp->res = xcalloc(ndocs ? ndocs : 1, sizeof(*sp->res));
	for (size_t i = 0; i < ndocs; i++)
		sp->res[i].from = -1; /* not read from the cache (not even tokenized yet) */
	sp->ndocs = ndocs;
	pthread_mutex_init(&sp->lock, NULL);
	worker_t *workers = sp->workers;
	size_t nthreads = sp->nthreads;
	for (size_t i = 0; i < nthreads; i++) {
		if (tok_stemmer_new(&workers[i].stem) != 0) {
			sp->no_stemmer = 1;
			return sp;
		}
		workers[i].results.huge = 1;
		workers[i].id = (uint32_t)i;
		workers[i].docs = docs;
		workers[i].res = sp->res;
		workers[i].ndocs = ndocs;
		workers[i].next = &sp->next;
		workers[i].lock = &sp->lock;
		workers[i].stop = stop;
	}
	/* the groups (repositories) and their page counts */
	size_t ngroups = cache && cache->dir && cache->ngroups > 1 ? cache->ngroups : 1;
	for (size_t i = 0; i < ndocs; i++)
		if (docs[i].group + 1 > ngroups)
			ngroups = docs[i].group + 1;
	size_t *gpages = xcalloc(ngroups, sizeof *gpages);
	for (size_t i = 0; i < ndocs; i++)
		gpages[docs[i].group]++;
	sp->parts = xcalloc(ngroups, sizeof *sp->parts);
	sp->nparts = ngroups;
	unsigned char *kept = xcalloc(ngroups, 1); /* its share read from the cache */
	uint64_t stemmer_id = 0, binary_id = 0;
	if (cache && cache->dir) {
		sp->cache = scache_load(cache, workers[0].stem, docs, ndocs);
		stemmer_id = scache_stemmer_id(sp->cache);
		binary_id = cache->binary_id;
		sp->binary_id = binary_id;
		sp->files_path = xasprintf("%s/search-files", cache->dir);
		sp->keys = xcalloc(ndocs ? ndocs : 1, sizeof(*sp->keys));
		for (size_t i = 0; i < nthreads; i++) {
			workers[i].cache = sp->cache;
			workers[i].keys = sp->keys;
			workers[i].keys_only = 1;
		}
	run_workers(sp); /* every page's key */		for (size_t g = 0; g < ngroups && g < cache->ngroups; g++) {
			if (!gpages[g])
				continue;
			char *path = part_path(cache, g);
			if (spart_load(&sp->parts[g], path, binary_id, stemmer_id) == 0) {
				if (part_matches(&sp->parts[g], docs, ndocs, sp->keys, g, gpages[g])) {
					kept[g] = 1;
					sp->parts_kept++;
					sp->ncached += gpages[g];
				} else {
					spart_free(&sp->parts[g]);
				}
			}
			free(path);
		}
		for (size_t i = 0; i < nthreads; i++) {
			workers[i].keys_only = 0;
			workers[i].skip = kept;
		}
	}
	if (!(stop && atomic_load(stop)))
		run_workers(sp); /* the pages of the other groups: replayed or tokenized */
	for (size_t i = 0; i < nthreads; i++) {
		workers[i].docs = NULL; /* borrowed for phase 1 only */
		workers[i].skip = NULL;
	}
	sp->stopped = stop && atomic_load(stop);
	int oom = 0;
	for (size_t i = 0; i < nthreads; i++)
		oom |= workers[i].oom;
	if (sp->cache && !sp->stopped && !oom) /* words the stemmer could not stem are not kept */
		scache_save(sp->cache, docs, sp->keys, sp->res, ndocs, workers, nthreads, kept, stop);
	/* the shares of the groups not kept, saved for the next build */
	if (!sp->stopped) {
		size_t *page = xmalloc((ndocs ? ndocs : 1) * sizeof *page);
		spart_maps_t maps;
		memset(&maps, 0, sizeof maps);
		buf_t b = BUF_INIT;
		for (size_t g = 0; g < ngroups; g++) {
			if (kept[g])
				continue;
			if (stop && atomic_load(stop)) { /* a share takes up to ~20 ms: Ctrl-C between them */
				sp->stopped = 1;
				break;
			}
			size_t n = 0;
			for (size_t i = 0; i < ndocs; i++)
				if (docs[i].group == g)
					page[n++] = i;
			spart_build(&b, &maps, page, n, sp->res, (const uint64_t(*)[2])sp->keys, workers, nthreads,
				    binary_id, stemmer_id);
			if (sp->cache && !oom && g < cache->ngroups) {
				char *path = part_path(cache, g);
				spart_store(path, n ? b.s : NULL, b.len);
				free(path);
			}
			spart_t *p = &sp->parts[g];
			if (spart_open(p, (const unsigned char *)b.s, b.len, binary_id, stemmer_id) != 0) {
				sp->stopped = 1; /* cannot happen: what spart_build writes opens */
				break;
			}
			p->own = (unsigned char *)buf_detach(&b);
		}
		buf_free(&b);
		spart_maps_free(&maps);
		free(page);
	}
	for (size_t i = 0; i < ndocs; i++)
		sp->ncached += sp->res[i].from >= 0;
	/* the shares hold all the writer reads: the workers' stems and results go */
	for (size_t i = 0; i < nthreads; i++) {
		int o = workers[i].oom;
		worker_free(&workers[i]);
		memset(&workers[i], 0, sizeof workers[i]);
		workers[i].oom = o;
	}
	free(sp->res);
	sp->res = NULL;
	scache_free(sp->cache);
	sp->cache = NULL; /* the keys stay: the writer's metadata chunks are keyed by them */
	free(kept);
	free(gpages);	return sp;
}

void search_prep_counts(const search_prep_t *sp, size_t *cached, size_t *pages)
{
	*cached = sp->ncached;
	*pages = sp->ndocs;
}

void search_prep_parts(const search_prep_t *sp, size_t *kept, size_t *parts)
{
	*kept = sp->parts_kept;
	*parts = sp->nparts;
}

void search_prep_free(search_prep_t *sp)
{
	if (!sp)
		return;
	for (size_t i = 0; i < sp->nthreads; i++)
		worker_free(&sp->workers[i]);
	for (size_t g = 0; sp->parts && g < sp->nparts; g++)
		spart_free(&sp->parts[g]);
	free(sp->parts);
	free(sp->files_path);
	free(sp->res);
	free(sp->keys);
	scache_free(sp->cache);
	pthread_mutex_destroy(&sp->lock);
	free(sp);
}