/* test_search.c - the search index builder: what the shards say about
 * synthetic pages (terms, ranking order of fields, the exact-alert flag,
 * sections and headings, status), vocabulary and metadata files, byte-identical
 * output whatever the thread count, cleanup of an earlier larger index, and
 * the error path for an unwritable output folder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t on the stack */
#include <xxhash.h>

#include "buf.h"
#include "diag.h"
#include "json.h"
#include "search.h"
#include "val.h"

/* ------------------------------------------------------------ helpers */

static char *tmpdir(void)
{
	char tmpl[] = "/tmp/almanac-test-search-XXXXXX";
	char *d = mkdtemp(tmpl);
	assert_non_null(d);
	return xstrdup(d);
}

static void rmtree(const char *path)
{
	DIR *dh = opendir(path);
	if (!dh) {
		unlink(path);
		return;
	}
	struct dirent *e;
	while ((e = readdir(dh)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char *p = xasprintf("%s/%s", path, e->d_name);
		rmtree(p);
		free(p);
	}
	closedir(dh);
	rmdir(path);
}

static int slurp(const char *path, buf_t *out)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	char tmp[8192];
	size_t n;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		buf_put(out, tmp, n);
	fclose(f);
	return 0;
}

static char *read_text(const char *dir, const char *rel)
{
	char *p = xasprintf("%s/search/%s", dir, rel);
	buf_t b = BUF_INIT;
	if (slurp(p, &b) != 0)
		fail_msg("cannot read %s", p);
	free(p);
	buf_putc(&b, '\0');
	return buf_detach(&b);
}

static val_t *read_json(const char *dir, const char *rel)
{
	char *s = read_text(dir, rel);
	val_t *v = NULL;
	char err[200];
	if (val_parse_json(&v, s, strlen(s), err, sizeof err) != 0)
		fail_msg("%s is not JSON: %s", rel, err);
	free(s);
	return v;
}

static uint64_t varint(const unsigned char **p)
{
	uint64_t v = 0;
	int shift = 0;
	unsigned char c;
	do {
		c = *(*p)++;
		v |= (uint64_t)(c & 0x7F) << shift;
		shift += 7;
	} while (c & 0x80);
	return v;
}

typedef struct {
	uint32_t page;
	unsigned impact, alert, status;
	uint32_t secs[16]; /* index << 1 | heading */
	uint32_t nsec;
} post_t;

/* Postings of `term` (all shards searched); returns the count, -1 when absent. */
static int find_term(const char *dir, const char *term, post_t *out, int max)
{
	val_t *m = read_json(dir, "manifest.json");
	size_t nshards = val_map_get(m, "k")->len;
	val_free(m);
	for (size_t i = 0; i < nshards; i++) {
		char *p = xasprintf("%s/search/t/%zu.bin", dir, i);
		buf_t b = BUF_INIT;
		assert_int_equal(slurp(p, &b), 0);
		free(p);
		const unsigned char *c = (const unsigned char *)b.s;
		uint64_t n = varint(&c);
		char prev[256] = "";
		for (uint64_t k = 0; k < n; k++) {
			uint64_t shared = varint(&c), sl = varint(&c);
			assert_true(shared + sl < sizeof prev);
			memcpy(prev + shared, c, sl);
			prev[shared + sl] = '\0';
			c += sl;
			uint64_t bl = varint(&c);
			const unsigned char *blob = c;
			c += bl;
			if (strcmp(prev, term) != 0)
				continue;
			int np = (int)varint(&blob);
			uint32_t page = 0;
			for (int j = 0; j < np; j++) {
				page += (uint32_t)varint(&blob);
				post_t *q = j < max ? &out[j] : NULL;
				unsigned imp = *blob++;
				uint64_t h = varint(&blob);
				int32_t s = -1;
				uint32_t ns = (uint32_t)(h >> 4);
				for (uint32_t x = 0; x < ns; x++) {
					uint64_t code = varint(&blob);
					s += (int32_t)(code >> 1) + 1;
					if (q && x < 16)
						q->secs[x] = ((uint32_t)s << 1) | (uint32_t)(code & 1);
				}
				if (q) {
					q->page = page;
					q->impact = imp;
					q->alert = (h >> 3) & 1;
					q->status = h & 7;
					q->nsec = ns;
				}
			}
			buf_free(&b);
			return np;
		}
		buf_free(&b);
	}
	return -1;
}

static const post_t *post_for(const post_t *p, int n, uint32_t page)
{
	for (int i = 0; i < n; i++)
		if (p[i].page == page)
			return &p[i];
	return NULL;
}

/* ------------------------------------------------------------ fixtures */

static const char *const alerts_a[] = {"KubePodCrashLooping", "Disk full soon"};
static const char *const tags_c[] = {"tls"};
static const search_section_t secs_a[] = {
	{"", "", "Pods restart again and again."},
	{"diagnose", "Diagnose certificates", "Check the cert-manager logs.\n\n  Then   more."},
};
static const search_section_t secs_b[] = {
	{"", "", "This node page mentions KubePodCrashLooping in passing."},
};
static const search_section_t secs_c[] = {
	{"", "", "How we rotate TLS material."},
	{"rotation", "Rotation", "Nothing about the other thing."},
};

static void three_docs(search_doc_t d[3])
{
	memset(d, 0, 3 * sizeof(*d));
	d[0] = (search_doc_t){"runbooks/k8s/crashloop/", "Pod crash looping", "runbook", "team-k8s", "fresh",
			      alerts_a, 2, NULL, 0, secs_a, 2, NULL, 0, {0, 0}, NULL, NULL, 0};
	d[1] = (search_doc_t){"runbooks/k8s/node/", "Node not ready", "runbook", "team-k8s", "stale",
			      NULL, 0, NULL, 0, secs_b, 1, NULL, 0, {0, 0}, NULL, NULL, 0};
	d[2] = (search_doc_t){"guides/certs/", "Certificates", "guide", NULL, "due",
			      NULL, 0, tags_c, 1, secs_c, 2, NULL, 0, {0, 0}, NULL, NULL, 0};
}

/* ------------------------------------------------------------ tests */

static void test_terms_and_fields(void **state)
{
	(void)state;
	char *dir = tmpdir();
	search_doc_t d[3];
	three_docs(d);
	diag_list_t dl;
	diag_init(&dl);
	search_stats_t st;
	assert_int_equal(search_write_prepared(search_prepare(d, 3, 0, NULL), &st, d, 3, dir, &dl), 0);
	assert_int_equal(dl.len, 0);
	assert_true(st.terms > 10);
	assert_int_equal(st.meta_chunks, 1);

	post_t p[8];
	/* the exact alert name: both pages have it, only the one listing it is flagged,
	 * and it scores higher */
	int n = find_term(dir, "kubepodcrashloop", p, 8);
	assert_int_equal(n, 2);
	const post_t *a = post_for(p, n, 0), *b = post_for(p, n, 1);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(a->alert, 1);
	assert_int_equal(b->alert, 0);
	assert_true(a->impact > b->impact);
	assert_int_equal(a->nsec, 0);    /* alerts are a page field, not a section */
	assert_int_equal(b->nsec, 1);
	assert_int_equal(b->secs[0], 0); /* section 0, not a heading */
	assert_int_equal(b->status, 2);  /* stale */
	/* an alert name of several words flags nothing */
	n = find_term(dir, "disk", p, 8);
	assert_int_equal(n, 1);
	assert_int_equal(p[0].alert, 0);
	/* the parts of the identifier are terms too */
	assert_int_equal(find_term(dir, "crash", p, 8), 2);
	assert_int_equal(find_term(dir, "pod", p, 8), 2);
	assert_int_equal(find_term(dir, "cert-manag", p, 8), 1);
	assert_int_equal(find_term(dir, "manag", p, 8), 1);
	/* stop words are not indexed */
	assert_int_equal(find_term(dir, "the", p, 8), -1);
	/* title beats heading: "certif" is C's title and A's heading (section 1) */
	n = find_term(dir, "certif", p, 8);
	assert_int_equal(n, 2);
	a = post_for(p, n, 0);
	const post_t *c = post_for(p, n, 2);
	assert_true(c->impact > a->impact);
	assert_int_equal(c->status, 1); /* due */
	assert_int_equal(a->nsec, 1);
	assert_int_equal(a->secs[0], (1u << 1) | 1); /* section 1, in its heading */
	/* a body-only word of section 1 points at section 1 without the heading bit */
	n = find_term(dir, "log", p, 8);
	assert_int_equal(n, 1);
	assert_int_equal(p[0].secs[0], 1u << 1);
	/* tags and owner are indexed */
	assert_int_equal(find_term(dir, "tls", p, 8), 1);
	assert_int_equal(find_term(dir, "team-k8", p, 8), 2);

	/* manifest: facet names sorted and unique, no per-page data */
	val_t *m = read_json(dir, "manifest.json");
	assert_int_equal((int)val_map_get(m, "n")->num, 3);
	val_t *types = val_map_get(m, "types");
	assert_int_equal(types->len, 2);
	assert_string_equal(val_list_at(types, 0)->str, "guide");
	assert_string_equal(val_list_at(types, 1)->str, "runbook");
	val_t *owners = val_map_get(m, "owners");
	assert_int_equal(owners->len, 2);
	assert_string_equal(val_list_at(owners, 0)->str, "");
	assert_string_equal(val_list_at(owners, 1)->str, "team-k8s");
	assert_string_equal(val_list_at(val_map_get(m, "k"), 0)->str, "");
	val_free(m);

	/* facets: per page indices */
	val_t *f = read_json(dir, "facets.json");
	assert_int_equal((int)val_list_at(val_map_get(f, "t"), 2)->num, 0);
	assert_int_equal((int)val_list_at(val_map_get(f, "o"), 0)->num, 1);
	assert_int_equal((int)val_list_at(val_map_get(f, "s"), 1)->num, 2);
	val_free(f);

	/* metadata: url, title, type, owner, status, section triples with
	 * whitespace collapsed */
	val_t *chunk = read_json(dir, "m/0.json");
	assert_int_equal(chunk->len, 3);
	val_t *pa = val_list_at(chunk, 0);
	assert_string_equal(val_list_at(pa, 0)->str, "runbooks/k8s/crashloop/");
	assert_string_equal(val_list_at(pa, 1)->str, "Pod crash looping");
	assert_string_equal(val_list_at(pa, 4)->str, "fresh");
	val_t *sx = val_list_at(pa, 5);
	assert_int_equal(sx->len, 6);
	assert_string_equal(val_list_at(sx, 3)->str, "diagnose");
	assert_string_equal(val_list_at(sx, 4)->str, "Diagnose certificates");
	assert_string_equal(val_list_at(sx, 5)->str, "Check the cert-manager logs. Then more.");
	assert_string_equal(val_list_at(val_list_at(chunk, 2), 3)->str, ""); /* NULL owner */
	val_free(chunk);

	/* vocabulary: surface words by first letter; identifiers with joiners left out */
	m = read_json(dir, "manifest.json");
	val_t *vk = val_map_get(m, "vk");
	int found_c = 0, found_k = 0;
	for (size_t i = 0; i < vk->len; i++) {
		char rel[32];
		snprintf(rel, sizeof rel, "v/%zu.txt", i);
		char *txt = read_text(dir, rel);
		if (strcmp(val_list_at(vk, i)->str, "c") == 0) {
			assert_non_null(strstr(txt, "certificates\n"));
			assert_null(strstr(txt, "cert-manager"));
			found_c = 1;
		}
		if (strcmp(val_list_at(vk, i)->str, "k") == 0) {
			assert_non_null(strstr(txt, "kubepodcrashlooping\n"));
			found_k = 1;
		}
		free(txt);
	}
	assert_true(found_c && found_k);
	val_free(m);

	diag_free(&dl);
	rmtree(dir);
	free(dir);
}

/* Synthetic site: `n` pages of pseudo-random words (deterministic). */
typedef struct {
	search_doc_t *docs;
	search_section_t *secs;
	char **strs;
	size_t nstrs;
} synth_t;

static const char *const vocab[] = {
	"restart", "node", "pod", "certificate", "rotation", "kube-proxy", "etcd", "latency",
	"CrashLoopBackOff", "drain", "cordon", "upgrade", "rollback", "database", "replica",
	"failover", "backup", "snapshot", "alert", "dashboard", "query", "timeout", "queue",
	"consumer", "lag", "disk", "pressure", "memory", "leak", "café", "naïve", "resume",
};

static char *synth_text(unsigned *seed, int words)
{
	buf_t b = BUF_INIT;
	for (int i = 0; i < words; i++) {
		*seed = *seed * 1103515245u + 12345u;
		buf_puts(&b, vocab[(*seed >> 16) % (sizeof vocab / sizeof vocab[0])]);
		buf_putc(&b, i % 9 == 8 ? '.' : ' ');
	}
	return buf_detach(&b);
}

static void synth_make(synth_t *s, size_t n)
{
	memset(s, 0, sizeof(*s));
	s->docs = xcalloc(n, sizeof(*s->docs));
	s->secs = xcalloc(n * 3, sizeof(*s->secs));
	s->strs = xcalloc(n * 8, sizeof(*s->strs));
	unsigned seed = 42;
	static const char *const statuses[] = {"fresh", "due", "stale", "uncommitted", "unknown"};
	for (size_t i = 0; i < n; i++) {
		search_doc_t *d = &s->docs[i];
		char *url = xasprintf("runbooks/p%04zu/", i);
		char *title = synth_text(&seed, 3);
		s->strs[s->nstrs++] = url;
		s->strs[s->nstrs++] = title;
		d->url = url;
		d->title = title;
		d->type = i % 3 ? "runbook" : "guide";
		d->owner = i % 2 ? "team-a" : "team-b";
		d->status = statuses[i % 5];
		for (int k = 0; k < 3; k++) {
			search_section_t *sec = &s->secs[i * 3 + k];
			char *txt = synth_text(&seed, 40 + (int)(i % 50));
			s->strs[s->nstrs++] = txt;
			sec->text = txt;
			sec->anchor = k == 0 ? "" : k == 1 ? "steps" : "verify";
			sec->heading = k == 0 ? "" : k == 1 ? "Steps" : "Verify the node";
		}
		d->sections = &s->secs[i * 3];
		d->nsections = 3;
	}
}

static void synth_free(synth_t *s)
{
	for (size_t i = 0; i < s->nstrs; i++)
		free(s->strs[i]);
	free(s->strs);
	free(s->secs);
	free(s->docs);
}

/* Every file under a/search equals the one under b/search; returns the count. */
static int same_tree(const char *a, const char *b, const char *rel)
{
	char *pa = xasprintf("%s/%s", a, rel);
	DIR *dh = opendir(pa);
	int count = 0;
	if (!dh) {
		buf_t x = BUF_INIT, y = BUF_INIT;
		char *pb = xasprintf("%s/%s", b, rel);
		assert_int_equal(slurp(pa, &x), 0);
		if (slurp(pb, &y) != 0)
			fail_msg("%s missing in the second build", rel);
		if (x.len != y.len || (x.len && memcmp(x.s, y.s, x.len) != 0))
			fail_msg("%s differs between builds", rel);
		buf_free(&x);
		buf_free(&y);
		free(pb);
		free(pa);
		return 1;
	}
	struct dirent *e;
	while ((e = readdir(dh)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char *r = xasprintf("%s/%s", rel, e->d_name);
		count += same_tree(a, b, r);
		free(r);
	}
	closedir(dh);
	free(pa);
	return count;
}

/* Remove and free the two output folders of a comparison. */
static void drop_dirs(char *d1, char *d2)
{
	rmtree(d1);
	rmtree(d2);
	free(d1);
	free(d2);
}

static void test_deterministic_across_threads(void **state)
{
	(void)state;
	synth_t s;
	synth_make(&s, 300);
	char *d1 = tmpdir(), *d2 = tmpdir();
	diag_list_t dl;
	diag_init(&dl);
	assert_int_equal(search_write_prepared(search_prepare(s.docs, 300, 1, NULL), NULL, s.docs, 300, d1, &dl), 0);
	assert_int_equal(search_write_prepared(search_prepare(s.docs, 300, 4, NULL), NULL, s.docs, 300, d2, &dl), 0);
	int files = same_tree(d1, d2, "search");
	assert_true(files > 80); /* 75 metadata chunks, shards, vocabulary... */
	assert_int_equal(same_tree(d2, d1, "search"), files);
	assert_int_equal(dl.len, 0);

	/* a rebuild with fewer pages into the same folder leaves no stale files */
	assert_int_equal(search_write_index(s.docs, 20, d1, &dl), 0);
	char *gone = xasprintf("%s/search/m/5.json", d1); /* 20 pages: chunks 0-4 */
	assert_int_equal(access(gone, F_OK), -1);
	free(gone);
	char *kept = xasprintf("%s/search/m/4.json", d1);
	assert_int_equal(access(kept, F_OK), 0);
	free(kept);
	val_t *m = read_json(d1, "manifest.json");
	size_t nshards = val_map_get(m, "k")->len;
	val_free(m);
	char *tdir = xasprintf("%s/search/t", d1);
	DIR *dh = opendir(tdir);
	size_t nfiles = 0;
	struct dirent *e;
	while ((e = readdir(dh)) != NULL)
		if (e->d_name[0] != '.')
			nfiles++;
	closedir(dh);
	free(tdir);
	assert_int_equal(nfiles, nshards);

	diag_free(&dl);
	drop_dirs(d1, d2);
	synth_free(&s);
}

/* The tokenized words kept between builds (searchcache.h): an index prepared from the cache is the index
 * tokenizing writes, byte for byte; only the files of groups whose pages changed are written again; a
 * damaged file, another binary's or a group's that lost its pages is not used. */
static ino_t inode_of(const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);
	struct stat st;
	ino_t ino = stat(p, &st) == 0 ? st.st_ino : 0;
	free(p);
	return ino;
}

/* Flip the bits of byte `at` of the file `path`. */
static void damage(const char *path, long at)
{
	FILE *f = fopen(path, "r+b");
	assert_non_null(f);
	fseek(f, at, SEEK_SET);
	int c = fgetc(f);
	fseek(f, at, SEEK_SET);
	fputc(c ^ 0x55, f);
	fclose(f);
}

/* Write the index of `n` of `s`'s pages into a new folder, tokenized (cache NULL) or with `cache`;
 * *cached receives the pages read from it. */
static char *index_with(synth_t *s, size_t n, const search_cache_t *cache, size_t *cached)
{
	char *d = tmpdir();
	diag_list_t dl;
	diag_init(&dl);
	search_prep_t *prep = cache ? search_prepare_cached(s->docs, n, 2, NULL, cache) : search_prepare(s->docs, n, 2, NULL);
	size_t pages;
	search_prep_counts(prep, cached, &pages);
	assert_int_equal(pages, n);
	assert_int_equal(search_write_prepared(prep, NULL, s->docs, n, d, &dl), 0);
	assert_int_equal(dl.len, 0);
	diag_free(&dl);
	return d;
}

static void same_index(char *a, char *b)
{
	int files = same_tree(a, b, "search");
	assert_true(files > 80);
	assert_int_equal(same_tree(b, a, "search"), files);
	drop_dirs(a, b);
}

static void test_cache_replays_the_same_index(void **state)
{
	(void)state;
	synth_t s;
	synth_make(&s, 300);
	for (size_t i = 0; i < 300; i++)
		s.docs[i].group = i % 3;
	char *cdir = tmpdir();
	const char *names[] = {"", "payments", "search"};
	search_cache_t cache = {cdir, names, 3, 7};
	size_t cached;
	/* first build: nothing kept yet; the files are written */
	char *ref = index_with(&s, 300, NULL, &cached);
	assert_int_equal(cached, 0);
	char *got = index_with(&s, 300, &cache, &cached);
	assert_int_equal(cached, 0);
	same_index(ref, got);
	ino_t hub = inode_of(cdir, "search-terms"), pay = inode_of(cdir, "search-terms.payments");
	assert_true(hub && pay && inode_of(cdir, "search-terms.search"));
	/* nothing changed: every page read back, the same index, no file written */
	ref = index_with(&s, 300, NULL, &cached);
	got = index_with(&s, 300, &cache, &cached);
	assert_int_equal(cached, 300);
	same_index(ref, got);
	assert_true(inode_of(cdir, "search-terms") == hub);
	/* a page of group 2 edited, its last page gone: the rest read back, only group 2's file rewritten */
	char *title = xstrdup("Rotate the etcd certificate");
	s.docs[5].title = title;
	ino_t grp2 = inode_of(cdir, "search-terms.search");
	ref = index_with(&s, 299, NULL, &cached);
	got = index_with(&s, 299, &cache, &cached);
	assert_int_equal(cached, 298);
	same_index(ref, got);
	assert_true(inode_of(cdir, "search-terms") == hub);
	assert_true(inode_of(cdir, "search-terms.payments") == pay);
	assert_true(inode_of(cdir, "search-terms.search") != grp2);
	/* one byte of the hub's words damaged: its share (searchpart.h) still holds its pages, the file is
	 * not even read */
	char *hubfile = xasprintf("%s/search-terms", cdir);
	damage(hubfile, 200);
	ref = index_with(&s, 299, NULL, &cached);
	got = index_with(&s, 299, &cache, &cached);
	assert_int_equal(cached, 299);
	same_index(ref, got);
	/* its share damaged too: its 100 pages tokenized again, the index the same */
	char *hubpart = xasprintf("%s/search-index", cdir);
	ino_t hubpart_ino = inode_of(cdir, "search-index");
	damage(hubpart, 100);
	ref = index_with(&s, 299, NULL, &cached);
	got = index_with(&s, 299, &cache, &cached);
	assert_int_equal(cached, 199);
	same_index(ref, got);
	assert_true(inode_of(cdir, "search-index") != hubpart_ino); /* made again */
	free(hubpart);
	/* another binary's files are not read */
	search_cache_t other = {cdir, names, 3, 8};
	got = index_with(&s, 299, &other, &cached);
	assert_int_equal(cached, 0);
	rmtree(got);
	free(got);
	/* group 2 left with no page: its file goes */
	for (size_t i = 0; i < 300; i++)
		s.docs[i].group = i % 2;
	got = index_with(&s, 299, &cache, &cached);
	rmtree(got);
	free(got);
	assert_true(inode_of(cdir, "search-terms.search") == 0);
	assert_true(inode_of(cdir, "search-index.search") == 0);
	free(hubfile);
	free(title);
	rmtree(cdir);
	free(cdir);
	synth_free(&s);
}

/* Two repositories of a site each with the same page (a boilerplate README, an index page titled
 * "Runbooks" in every source): once kept, a build that changes nothing writes neither group's file again
 * (each group's file holds its own copy of the page). */
/* Documents whose sections are had only when the index reads them (search_doc_t.load_sections), with
 * their digest given as markdown.c makes it: the loader counts what it gave. */
typedef struct {
	synth_t *s;
	int *loads; /* per page (one thread at a time per page) */
	atomic_int total; /* the index's threads load at once */
	int *prep;  /* per page, while the index was prepared */
} lazy_t;

static const search_section_t *lazy_load(void *ctx, size_t i, size_t *n)
{
	lazy_t *l = ctx;
	l->loads[i]++;
	atomic_fetch_add(&l->total, 1);
	*n = l->s->docs[i].nsections;
	return l->s->docs[i].sections;
}

static search_doc_t *lazy_docs(lazy_t *l, size_t n)
{
	search_doc_t *v = xcalloc(n, sizeof *v);
	for (size_t i = 0; i < n; i++) {
		v[i] = l->s->docs[i];
		XXH3_state_t st; /* search.h: each section's anchor, heading and text with its NUL, in order */
		XXH3_128bits_reset(&st);
		for (size_t k = 0; k < v[i].nsections; k++) {
			const search_section_t *sec = &v[i].sections[k];
			XXH3_128bits_update(&st, sec->anchor, strlen(sec->anchor) + 1);
			XXH3_128bits_update(&st, sec->heading, strlen(sec->heading) + 1);
			XXH3_128bits_update(&st, sec->text, strlen(sec->text) + 1);
		}
		XXH128_hash_t h = XXH3_128bits_digest(&st);
		v[i].sections_digest[0] = h.low64;
		v[i].sections_digest[1] = h.high64;
		v[i].sections = NULL;
		v[i].nsections = 0;
		v[i].load_sections = lazy_load;
		v[i].load_ctx = l;
		v[i].load_index = i;
	}
	return v;
}

/* The index of lazy documents `v` (n of them) prepared with `cache`: *prep_loads gets the sections the
 * preparing read; the index is the one of the same pages tokenized from their sections. */
static void lazy_index_is_the_same(synth_t *s, lazy_t *l, size_t n, const search_cache_t *cache, int *prep_loads,
				   size_t *cached)
{
	size_t ignored;
	char *ref = index_with(s, n, NULL, &ignored);
	search_doc_t *v = lazy_docs(l, n);
	memset(l->loads, 0, n * sizeof *l->loads);
	atomic_store(&l->total, 0);
	search_prep_t *prep = search_prepare_cached(v, n, 2, NULL, cache);
	*prep_loads = atomic_load(&l->total);
	memcpy(l->prep, l->loads, n * sizeof *l->prep);
	size_t pages;
	search_prep_counts(prep, cached, &pages);
	char *got = tmpdir();
	diag_list_t dl;
	diag_init(&dl);
	assert_int_equal(search_write_prepared(prep, NULL, v, n, got, &dl), 0);
	assert_int_equal(dl.len, 0);
	diag_free(&dl);
	same_index(ref, got);
	free(v);
}

static void test_lazy_sections_read_where_needed(void **state)
{
	(void)state;
	synth_t s;
	synth_make(&s, 300);
	for (size_t i = 0; i < 300; i++)
		s.docs[i].group = i % 3;
	char *cdir = tmpdir();
	const char *names[] = {"", "payments", "search"};
	search_cache_t cache = {cdir, names, 3, 7};
	lazy_t l = {&s, xcalloc(300, sizeof(int)), 0, xcalloc(300, sizeof(int))};
	int loads;
	size_t cached;
	/* nothing kept: every page tokenized, so every page's sections read */
	lazy_index_is_the_same(&s, &l, 300, &cache, &loads, &cached);
	assert_int_equal(loads, 300);
	assert_int_equal(cached, 0);
	/* kept by a build of the same pages with their sections given (the digest keys them alike): no
	 * section read to prepare them */
	char *ignored = index_with(&s, 300, &cache, &cached);
	rmtree(ignored);
	free(ignored);
	lazy_index_is_the_same(&s, &l, 300, &cache, &loads, &cached);
	assert_int_equal(loads, 0);
	assert_int_equal(cached, 300);
	/* one page's title edited: its repository's share made again from its other pages' kept words, the
	 * edited page tokenized: its sections alone are read */
	char *title = xstrdup("Rotate the etcd certificate");
	s.docs[5].title = title;
	lazy_index_is_the_same(&s, &l, 300, &cache, &loads, &cached);
	assert_int_equal(loads, 1);
	assert_int_equal(l.prep[5], 1);
	assert_int_equal(cached, 299);
	/* one page's text edited: the same */
	char *text = xstrdup("Drain the node before the kernel upgrade.");
	s.secs[7 * 3 + 1].text = text;
	lazy_index_is_the_same(&s, &l, 300, &cache, &loads, &cached);
	assert_int_equal(loads, 1);
	assert_int_equal(l.prep[7], 1);
	free(text);
	free(title);
	free(l.loads);
	free(l.prep);
	rmtree(cdir);
	free(cdir);
	synth_free(&s);
}

static void test_cache_same_page_in_two_groups(void **state)
{
	(void)state;
	synth_t s;
	synth_make(&s, 300);
	for (size_t i = 0; i < 300; i++)
		s.docs[i].group = i % 2;
	/* page 1 (group 1) says what page 0 (group 0) says */
	s.docs[1].title = s.docs[0].title;
	s.docs[1].owner = s.docs[0].owner;
	s.docs[1].sections = s.docs[0].sections;
	s.docs[1].nsections = s.docs[0].nsections;
	char *cdir = tmpdir();
	const char *names[] = {"", "payments"};
	search_cache_t cache = {cdir, names, 2, 7};
	size_t cached;
	char *ref = index_with(&s, 300, NULL, &cached);
	char *got = index_with(&s, 300, &cache, &cached);
	same_index(ref, got);
	ino_t hub = inode_of(cdir, "search-terms"), pay = inode_of(cdir, "search-terms.payments");
	assert_true(hub && pay);
	for (int build = 0; build < 2; build++) {
		ref = index_with(&s, 300, NULL, &cached);
		got = index_with(&s, 300, &cache, &cached);
		assert_int_equal(cached, 300);
		same_index(ref, got);
		assert_true(inode_of(cdir, "search-terms") == hub);
		assert_true(inode_of(cdir, "search-terms.payments") == pay);
	}
	rmtree(cdir);
	free(cdir);
	synth_free(&s);
}

/* A page without a word (an empty file, a page of only a link) is kept and read back like any other:
 * with the cache, its worker's first page had no word list to copy (undefined behaviour). */
static void test_cache_page_without_words(void **state)
{
	(void)state;
	search_doc_t d[2] = {
		{"empty/", "", "guide", "", "fresh", NULL, 0, NULL, 0, NULL, 0, NULL, 0, {0, 0}, NULL, NULL, 0},
		{"b/", "Restart the node", "runbook", "", "fresh", NULL, 0, NULL, 0, NULL, 0, NULL, 0, {0, 0}, NULL, NULL, 0},
	};
	char *cdir = tmpdir();
	const char *names[] = {""};
	search_cache_t cache = {cdir, names, 1, 7};
	diag_list_t dl;
	diag_init(&dl);
	for (int build = 0; build < 2; build++) {
		char *ref = tmpdir(), *got = tmpdir();
		assert_int_equal(search_write_index(d, 2, ref, &dl), 0);
		search_prep_t *prep = search_prepare_cached(d, 2, 1, NULL, &cache);
		size_t cached, pages;
		search_prep_counts(prep, &cached, &pages);
		assert_int_equal(cached, build ? 2 : 0); /* the second build reads both back */
		assert_int_equal(search_write_prepared(prep, NULL, d, 2, got, &dl), 0);
		int files = same_tree(ref, got, "search");
		assert_true(files >= 5);
		assert_int_equal(same_tree(got, ref, "search"), files);
		drop_dirs(ref, got);
	}
	assert_int_equal(dl.len, 0);
	diag_free(&dl);
	rmtree(cdir);
	free(cdir);
}

/* The build's path: tokenize while the pages are undated (status unknown
 * then), date them, cut every section text to what the excerpts read, then
 * write. The index must be the one search_write_index writes from the
 * dated pages with whole texts. */
static void test_prepared_early_equals_direct(void **state)
{
	(void)state;
	synth_t s;
	synth_make(&s, 120);
	/* texts whose excerpts stop in every way: whitespace runs around the
	 * cut, one long word, UTF-8 near the limit, short texts */
	static const char *const odd[] = {
		"word   \n\n\t  ",
		"a very long line of words that goes on and on past the excerpt limit of one hundred and sixty bytes, "
		"with     runs of\n\nwhitespace\t\tright where the excerpt is cut, and then some more words after it",
		"Supercalifragilisticexpialidocious-and-then-a-hyphenated-identifier-that-never-ends-because-it-is-a-"
		"host-name-like-db-replica-0001.eu-west-1.internal.example.com-and-more-and-more-and-more-and-more-x",
		"\xc3\xa9t\xc3\xa9 caf\xc3\xa9 na\xc3\xafve r\xc3\xa9sum\xc3\xa9 \xc3\xa9t\xc3\xa9 caf\xc3\xa9 "
		"na\xc3\xafve r\xc3\xa9sum\xc3\xa9 \xc3\xa9t\xc3\xa9 caf\xc3\xa9 na\xc3\xafve r\xc3\xa9sum\xc3\xa9 "
		"\xc3\xa9t\xc3\xa9 caf\xc3\xa9 na\xc3\xafve r\xc3\xa9sum\xc3\xa9 \xc3\xa9t\xc3\xa9 caf\xc3\xa9 tail",
		"",
	};
	for (size_t i = 0; i < sizeof odd / sizeof *odd; i++)
		s.secs[i * 3 + 1].text = odd[i];
	char *d1 = tmpdir(), *d2 = tmpdir();
	diag_list_t dl;
	diag_init(&dl);
	assert_int_equal(search_write_index(s.docs, 120, d1, &dl), 0);

	const char *status[120];
	for (size_t i = 0; i < 120; i++) {
		status[i] = s.docs[i].status;
		s.docs[i].status = NULL;
	}
	search_prep_t *prep = search_prepare(s.docs, 120, 0, NULL);
	size_t cut = 0;
	char **copies = xcalloc(120 * 3, sizeof *copies);
	for (size_t i = 0; i < 120; i++) {
		s.docs[i].status = status[i];
		for (size_t k = 0; k < 3; k++) {
			search_section_t *sec = &s.secs[i * 3 + k];
			size_t n = search_excerpt_source_len(sec->text);
			assert_true(n <= strlen(sec->text));
			cut += n < strlen(sec->text);
			copies[i * 3 + k] = xstrndup(sec->text, n);
			sec->text = copies[i * 3 + k];
		}
	}
	assert_true(cut > 100); /* most texts are longer than an excerpt */
	assert_int_equal(search_write_prepared(prep, NULL, s.docs, 120, d2, &dl), 0);
	int files = same_tree(d1, d2, "search");
	assert_true(files > 30);
	assert_int_equal(same_tree(d2, d1, "search"), files);
	assert_int_equal(dl.len, 0);

	/* a prepared index for other pages is refused, not written wrongly */
	prep = search_prepare(s.docs, 10, 2, NULL);
	assert_int_not_equal(search_write_prepared(prep, NULL, s.docs, 120, d2, &dl), 0);
	assert_int_equal(dl.len, 1);
	search_prep_free(search_prepare(s.docs, 5, 0, NULL)); /* dropped unwritten: no leak */
	/* given up before it started (an interrupted build): no page is taken,
	 * and what it returns is refused rather than written as a partial index */
	atomic_int stop = 1;
	prep = search_prepare(s.docs, 120, 2, &stop);
	assert_int_not_equal(search_write_prepared(prep, NULL, s.docs, 120, d2, &dl), 0);
	assert_int_equal(dl.len, 2);
	assert_non_null(strstr(dl.items[1].message, "not fully prepared"));
	stop = 0; /* a flag that stays down: prepared and written as usual */
	prep = search_prepare(s.docs, 120, 2, &stop);
	assert_int_equal(search_write_prepared(prep, NULL, s.docs, 120, d2, &dl), 0);
	assert_int_equal(dl.len, 2);

	for (size_t i = 0; i < 120 * 3; i++)
		free(copies[i]);
	free(copies);
	diag_free(&dl);
	drop_dirs(d1, d2);
	synth_free(&s);
}

static void test_long_excerpt(void **state)
{
	(void)state;
	buf_t text = BUF_INIT;
	for (int i = 0; i < 100; i++)
		buf_puts(&text, "word\n\t ");
	search_section_t sec = {"", "", text.s};
	search_doc_t d = {"a/", "A", "guide", "", "fresh", NULL, 0, NULL, 0, &sec, 1, NULL, 0, {0, 0}, NULL, NULL, 0};
	char *dir = tmpdir();
	diag_list_t dl;
	diag_init(&dl);
	assert_int_equal(search_write_index(&d, 1, dir, &dl), 0);
	val_t *chunk = read_json(dir, "m/0.json");
	const char *ex = val_list_at(val_list_at(val_list_at(chunk, 0), 5), 2)->str;
	size_t n = strlen(ex);
	assert_true(n <= 160 + 3);
	assert_true(n > 120);
	assert_string_equal(ex + n - 3, "\xE2\x80\xA6"); /* ends with an ellipsis */
	assert_null(strchr(ex, '\n'));
	assert_null(strstr(ex, "  "));
	val_free(chunk);
	diag_free(&dl);
	rmtree(dir);
	free(dir);
	buf_free(&text);
}

/* The metadata chunks escape strings exactly like the JSON writer (json.h):
 * quotes, backslashes, control characters, <, >, & and U+2028/U+2029, with
 * other UTF-8 (and a lone 0xE2) passed through; NULL strings are "". */
static void test_meta_json_escapes(void **state)
{
	(void)state;
	const char *title = "Q\"b\\s\n\t\r\x01\x1f <a&b> \xE2\x80\xA8|\xE2\x80\xA9|\xE2\x80\xA6|\xE2|caf\xC3\xA9";
	search_section_t secs[2] = {{"", "", "body \x02 text"}, {"h-1", "Head <1> & \"2\"", NULL}};
	search_doc_t d[2] = {
		{"a/\"x\"/", title, "guide", "team<a>", "stale", NULL, 0, NULL, 0, secs, 2, "Ops \xE2\x80\xBA <Db> & \"x\"", 0, {0, 0}, NULL, NULL, 0},
		{"b/", "B", NULL, NULL, "weird", NULL, 0, NULL, 0, NULL, 0, NULL, 0, {0, 0}, NULL, NULL, 0},
	};
	char *dir = tmpdir();
	diag_list_t dl;
	diag_init(&dl);
	assert_int_equal(search_write_index(d, 2, dir, &dl), 0);
	char *got = read_text(dir, "m/0.json");

	buf_t want = BUF_INIT;
	json_writer_t j;
	json_init(&j, &want, 0);
	json_begin_array(&j);
	json_begin_array(&j);
	json_string(&j, "a/\"x\"/");
	json_string(&j, title);
	json_string(&j, "guide");
	json_string(&j, "team<a>");
	json_string(&j, "stale");
	json_begin_array(&j);
	json_string(&j, "");
	json_string(&j, "");
	json_string(&j, "body \x02 text");
	json_string(&j, "h-1");
	json_string(&j, "Head <1> & \"2\"");
	json_string(&j, "");
	json_end_array(&j);
	json_string(&j, "Ops \xE2\x80\xBA <Db> & \"x\""); /* the trail */
	json_end_array(&j);
	json_begin_array(&j);
	json_string(&j, "b/");
	json_string(&j, "B");
	json_string(&j, "");
	json_string(&j, "");
	json_string(&j, "unknown");
	json_begin_array(&j);
	json_end_array(&j);
	json_string(&j, ""); /* no trail */
	json_end_array(&j);
	json_end_array(&j);
	assert_string_equal(got, buf_cstr(&want));

	buf_free(&want);
	free(got);
	diag_free(&dl);
	rmtree(dir);
	free(dir);
}

/* A term's section references: every heading match, the first 4 body
 * matches, only the first one for a term on more than 1/8 of the pages. */
static void test_section_references(void **state)
{
	(void)state;
	search_section_t secs[8];
	static const char *const heads[8] = {"", "One", "Two", "Three", "Four", "Five", "Gamma six", "Gamma seven"};
	static const char *const anchors[8] = {"", "one", "two", "three", "four", "five", "six", "seven"};
	for (int i = 0; i < 8; i++)
		secs[i] = (search_section_t){anchors[i], heads[i], "restart the everywhere service"};
	search_section_t other = {"", "", "everywhere else"};
	search_doc_t d[10];
	memset(d, 0, sizeof d);
	char *urls[10];
	for (int i = 0; i < 10; i++) {
		urls[i] = xasprintf("p%d/", i);
		d[i] = (search_doc_t){urls[i], "Page", "guide", "", "fresh", NULL, 0, NULL, 0, i == 0 ? secs : &other,
				      i == 0 ? 8 : 1, NULL, 0, {0, 0}, NULL, NULL, 0};
	}
	char *dir = tmpdir();
	diag_list_t dl;
	diag_init(&dl);
	assert_int_equal(search_write_index(d, 10, dir, &dl), 0);
	post_t p[10];
	assert_int_equal(find_term(dir, "restart", p, 10), 1); /* rare: 4 body sections */
	assert_int_equal(p[0].nsec, 4);
	for (uint32_t i = 0; i < 4; i++)
		assert_int_equal(p[0].secs[i], i << 1);
	assert_int_equal(find_term(dir, "gamma", p, 10), 1); /* heading matches all kept */
	assert_int_equal(p[0].nsec, 2);
	assert_int_equal(p[0].secs[0], (6u << 1) | 1);
	assert_int_equal(p[0].secs[1], (7u << 1) | 1);
	int n = find_term(dir, "everywher", p, 10); /* on every page: one body section */
	assert_int_equal(n, 10);
	assert_int_equal(post_for(p, n, 0)->nsec, 1);
	assert_int_equal(post_for(p, n, 0)->secs[0], 0);
	diag_free(&dl);
	rmtree(dir);
	free(dir);
	for (int i = 0; i < 10; i++)
		free(urls[i]);
}

static void test_empty_and_unwritable(void **state)
{
	(void)state;
	char *dir = tmpdir();
	diag_list_t dl;
	diag_init(&dl);
	assert_int_equal(search_write_index(NULL, 0, dir, &dl), 0);
	val_t *m = read_json(dir, "manifest.json");
	assert_int_equal((int)val_map_get(m, "n")->num, 0);
	val_free(m);

	/* the output folder is a file: an error diagnostic, not a crash */
	char *file = xasprintf("%s/plain-file", dir);
	FILE *f = fopen(file, "w");
	assert_non_null(f);
	fclose(f);
	search_doc_t d[3];
	three_docs(d);
	assert_int_equal(search_write_index(d, 3, file, &dl), -1);
	assert_true(diag_count(&dl, DIAG_ERROR) >= 1);
	assert_string_equal(dl.items[0].code, "search-index");
	diag_free(&dl);
	free(file);
	rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_terms_and_fields),
		cmocka_unit_test(test_deterministic_across_threads),
		cmocka_unit_test(test_prepared_early_equals_direct),
		cmocka_unit_test(test_long_excerpt),
		cmocka_unit_test(test_meta_json_escapes),
		cmocka_unit_test(test_section_references),
		cmocka_unit_test(test_empty_and_unwritable),
		cmocka_unit_test(test_cache_replays_the_same_index),
		cmocka_unit_test(test_lazy_sections_read_where_needed),
		cmocka_unit_test(test_cache_same_page_in_two_groups),
		cmocka_unit_test(test_cache_page_without_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
