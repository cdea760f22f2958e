/* searchmeta.c - the search index's metadata chunks (m/I.json) and facets, the section excerpts
 * they show, and its manifest. See searchpriv.h (smeta_) and search.h. */
#include "searchpriv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "buf.h"
#include "fsutil.h"
#include "json.h"

static int cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

#define EXCERPT_MAX (EXCERPT_BYTES + 48) /* room for an excerpt being cut */

/* Excerpt of `text` into `out` (EXCERPT_MAX bytes): whitespace collapsed, at
 * most EXCERPT_BYTES, cut at a space (then "…"). Returns its length and
 * stores in *used how many bytes of `text` it read. */
static size_t excerpt_used(char *out, const char *text, size_t *used)
{
	size_t len = 0;
	int space = 0;
	const char *p = search_nz(text);
	for (; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
			space = len > 0;
			continue;
		}
		if (space) {
			if (len >= EXCERPT_BYTES)
				break;
			out[len++] = ' ';
			space = 0;
		}
		out[len++] = (char)c;
		if (len > EXCERPT_BYTES + 40) {
			p++;
			break;
		}
	}
	*used = (size_t)(p - search_nz(text));
	if (len > EXCERPT_BYTES) {
		size_t cut = EXCERPT_BYTES;
		while (cut > 0 && out[cut] != ' ')
			cut--;
		if (cut < EXCERPT_BYTES / 2) { /* no space nearby: cut at a UTF-8 boundary */
			cut = EXCERPT_BYTES;
			while (cut > 0 && ((unsigned char)out[cut] & 0xC0) == 0x80)
				cut--;
		}
		memcpy(out + cut, "\xE2\x80\xA6", 3);
		len = cut + 3;
	}
	return len;
}

static size_t excerpt(char *out, const char *text)
{
	size_t used;
	return excerpt_used(out, text, &used);
}

size_t search_excerpt_source_len(const char *text)
{
	/* excerpt_used adds at least one to its length per byte that is not blank and stops once the
	 * length is over EXCERPT_BYTES + 40: it never reads past the (EXCERPT_BYTES + 41)th such byte.
	 * Counting them is cheaper than making the excerpt (every section of every page is cut) */
	static const unsigned char blank[256] = {['\t'] = 1, ['\n'] = 1, ['\v'] = 1, ['\f'] = 1, ['\r'] = 1, [' '] = 1};
	const unsigned char *s = (const unsigned char *)search_nz(text), *p = s;
	size_t n = 0;
	for (; *p; p++)
		if (!blank[*p] && ++n > EXCERPT_BYTES + 40) {
			p++;
			break;
		}
	return (size_t)(p - s);
}

/* `s` as a JSON string, as json_stringn() writes it (json.h). */
static void put_json_str(buf_t *b, const char *s, size_t n)
{
	buf_putc(b, '"');
	json_escape(b, s, n);
	buf_putc(b, '"');
}

static void put_json_cstr(buf_t *b, const char *s)
{
	s = search_nz(s);
	put_json_str(b, s, strlen(s));
}

/* Index of `s` in the sorted unique list `names` (n entries). */
static size_t name_index(char **names, size_t n, const char *s)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(names[mid], s);
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

size_t search_sorted_unique(char **v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_cstr);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (k == 0 || strcmp(v[k - 1], v[i]) != 0)
			v[k++] = v[i];
	return k;
}

/* The metadata chunks m/I.json (see search.h), written like json.c's
 * compact writer would. */
static void key_str(buf_t *b, const char *s)
{
	s = search_nz(s);
	buf_put(b, s, strlen(s) + 1); /* the NUL separates fields */
}

/* The key of metadata chunk `c`: XXH3-128 of everything its JSON is made from: each page's key (`keys`,
 * scache_doc_key: its title, owner and sections' digest, of their anchors, headings and texts), URL,
 * type, status and trail (`kb`: scratch). Its pages' sections are not read. */
static void meta_key(buf_t *kb, const search_doc_t *docs, uint64_t (*keys)[2], size_t ndocs, size_t c,
		     uint64_t key[2])
{
	buf_clear(kb);
	for (size_t p = c * META_CHUNK_PAGES; p < ndocs && p < (c + 1) * META_CHUNK_PAGES; p++) {
		const search_doc_t *doc = &docs[p];
		buf_put(kb, (const char *)keys[p], sizeof keys[p]);
		key_str(kb, doc->url);
		key_str(kb, doc->type);
		key_str(kb, search_status_names[search_status_index(doc->status)]);
		key_str(kb, doc->trail);
	}
	XXH128_hash_t h = XXH3_128bits(kb->s ? kb->s : "", kb->len);
	key[0] = h.low64;
	key[1] = h.high64;
}

static void write_meta(sout_t *wr, const search_doc_t *docs, uint64_t (*keys)[2], size_t ndocs,
		       size_t *nchunks_out)
{
	buf_t b = BUF_INIT, kb = BUF_INIT;
	char ex[EXCERPT_MAX];
	size_t nchunks = (ndocs + META_CHUNK_PAGES - 1) / META_CHUNK_PAGES;
	for (size_t c = 0; c < nchunks && !pub_interrupted(); c++) { /* Ctrl-C: the site is not committed */
		char rel[64];
		snprintf(rel, sizeof(rel), "m/%zu.json", c);
		uint64_t key[2] = {0, 0};
		if (wr->prev && keys) { /* the chunk of the same pages as the last build's: not even made */
			meta_key(&kb, docs, keys, ndocs, c, key);
			if (sout_kept_by_key(wr, rel, key))
				continue;
		}
		buf_clear(&b);
		buf_putc(&b, '[');
		for (size_t p = c * META_CHUNK_PAGES; p < ndocs && p < (c + 1) * META_CHUNK_PAGES; p++) {
			const search_doc_t *doc = &docs[p];
			if (p > c * META_CHUNK_PAGES)
				buf_putc(&b, ',');
			buf_putc(&b, '[');
			char *url = fsu_url_escape(doc->url); /* a file named "a b#c.md": a URL, not a path */
			put_json_cstr(&b, url);
			free(url);
			buf_putc(&b, ',');
			put_json_cstr(&b, doc->title);
			buf_putc(&b, ',');
			put_json_cstr(&b, doc->type);
			buf_putc(&b, ',');
			put_json_cstr(&b, doc->owner);
			buf_putc(&b, ',');
			put_json_cstr(&b, search_status_names[search_status_index(doc->status)]);
			buf_put(&b, ",[", 2);
			size_t nsec;
			const search_section_t *sec = sdoc_sections(doc, &nsec); /* a lazy page's: read now */
			for (size_t s = 0; s < nsec; s++) {
				if (s)
					buf_putc(&b, ',');
				put_json_cstr(&b, sec[s].anchor);
				buf_putc(&b, ',');
				put_json_cstr(&b, sec[s].heading);
				buf_putc(&b, ',');
				put_json_str(&b, ex, excerpt(ex, sec[s].text));
			}
			buf_put(&b, "],", 2);
			put_json_cstr(&b, doc->trail);
			buf_putc(&b, ']');
		}
		buf_putc(&b, ']');
		sout_write_key(wr, rel, b.s, b.len, wr->prev && keys ? key : NULL);
	}
	*nchunks_out = nchunks;
	buf_free(&b);
	buf_free(&kb);
}


void smeta_run(smeta_job_t *m)
{
	const search_doc_t *docs = m->docs;
	size_t ndocs = m->ndocs;
	write_meta(&m->wr, docs, m->keys, ndocs, &m->nchunks);
	m->types = xmalloc((ndocs ? ndocs : 1) * sizeof(*m->types));
	m->owners = xmalloc((ndocs ? ndocs : 1) * sizeof(*m->owners));
	for (size_t p = 0; p < ndocs; p++) {
		m->types[p] = (char *)search_nz(docs[p].type);
		m->owners[p] = (char *)search_nz(docs[p].owner);
	}
	m->ntypes = search_sorted_unique(m->types, ndocs);
	m->nowners = search_sorted_unique(m->owners, ndocs);
	buf_t b = BUF_INIT;
	json_writer_t j;
	json_init(&j, &b, 0);
	json_begin_object(&j);
	json_key(&j, "t");
	json_begin_array(&j);
	for (size_t p = 0; p < ndocs; p++)
		json_int(&j, (long long)name_index(m->types, m->ntypes, search_nz(docs[p].type)));
	json_end_array(&j);
	json_key(&j, "o");
	json_begin_array(&j);
	for (size_t p = 0; p < ndocs; p++)
		json_int(&j, (long long)name_index(m->owners, m->nowners, search_nz(docs[p].owner)));
	json_end_array(&j);
	json_key(&j, "s");
	json_begin_array(&j);
	for (size_t p = 0; p < ndocs; p++)
		json_int(&j, search_status_index(docs[p].status));
	json_end_array(&j);
	json_end_object(&j);
	sout_write(&m->wr, "facets.json", b.s, b.len);
	buf_free(&b);
}

void *smeta_thread(void *arg)
{
	smeta_run(arg);
	search_cpu_note_thread();
	return NULL;
}

void smeta_manifest(const smeta_job_t *m, sout_t *wr, double scale, const buf_t *vk, const buf_t *keys)
{
	json_writer_t j;
	buf_t b = BUF_INIT;
	json_init(&j, &b, 0);
	json_begin_object(&j);
	json_key(&j, "v");
	json_int(&j, 1);
	json_key(&j, "n");
	json_int(&j, (long long)m->ndocs);
	json_key(&j, "c");
	json_int(&j, META_CHUNK_PAGES);
	char hex[17];
	snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)wr->hash);
	json_key(&j, "h");
	json_string(&j, hex);
	json_key(&j, "scale");
	json_double(&j, scale);
	json_key(&j, "types");
	json_begin_array(&j);
	for (size_t i = 0; i < m->ntypes; i++)
		json_string(&j, m->types[i]);
	json_end_array(&j);
	json_key(&j, "owners");
	json_begin_array(&j);
	for (size_t i = 0; i < m->nowners; i++)
		json_string(&j, m->owners[i]);
	json_end_array(&j);
	json_key(&j, "status");
	json_begin_array(&j);
	for (int i = 0; i < SEARCH_NSTATUS; i++)
		json_string(&j, search_status_names[i]);
	json_end_array(&j);
	json_end_object(&j);
	/* keys go in raw (already JSON arrays) */
	b.len--; /* drop '}' */
	buf_puts(&b, ",\"vk\":");
	buf_put(&b, vk->s, vk->len);
	buf_puts(&b, ",\"k\":");
	buf_put(&b, keys->s, keys->len);
	buf_puts(&b, "}\n");
	sout_write(wr, "manifest.json", b.s, b.len);
	buf_free(&b);
}
