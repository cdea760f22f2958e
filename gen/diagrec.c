/* diagrec.c - the diagnostics of the last builds. See diagrec.h. */
#include "diagrec.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t on the stack */
#include <xxhash.h>

#include "buf.h"
#include "histfile.h"

#define DR_MAGIC "ALMDIAGS"      /* the records */
#define DR_BODY_MAGIC "ALMDIAGB" /* one list of diagnostics */
#define DR_VERSION 4u
#define DR_HDR 24 /* magic, version, spare, payload length at 16 */
#define DR_LEN_AT 16
#define DR_MAX (1u << 24) /* diagnostics in one list, at most */
#define DR_NAME "build-diagnostics"
#define DR_DIGEST_HEX 32 /* a list's file: DR_NAME "." and its digest in hex */

/* The records file holds, newest first, each record's fingerprint and the digest of its list of
 * diagnostics; each list is a file of its own named by that digest, written once however many records
 * share it. A build whose diagnostics are those of a recorded list (a commit that changes no warning)
 * rewrites the small records file only. */

/* A record: its fingerprint (borrowed from the file's bytes) and its list's digest. */
typedef struct {
	const char *fingerprint;
	uint64_t body[2];
} rec_t;

/* The records file, read whole and checked. */
typedef struct {
	unsigned char *data; /* owned */
	rec_t recs[DIAGREC_KEEP];
	size_t nrecs;
} file_t;

static char *record_path(const char *dir)
{
	return xasprintf("%s/" DR_NAME, dir);
}

static char *body_path(const char *dir, const uint64_t body[2])
{
	return xasprintf("%s/" DR_NAME ".%016llx%016llx", dir, (unsigned long long)body[0],
			 (unsigned long long)body[1]);
}

/* The bytes of a list, fed to a buffer (the file) or to a digest (its name), with the count of them. */
typedef struct {
	buf_t *b;
	XXH3_state_t *st;
	size_t n;
} sink_t;

static void sink_put(sink_t *k, const void *p, size_t n)
{
	if (k->b)
		buf_put(k->b, p, n);
	else
		XXH3_128bits_update(k->st, p, n);
	k->n += n;
}

static void sink_u32(sink_t *k, uint32_t v)
{
	unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
			      (unsigned char)(v >> 24)};
	sink_put(k, x, 4);
}

/* An optional string as hfile_put_str writes one, after a byte saying whether it is there. */
static void sink_opt(sink_t *k, const char *s)
{
	unsigned char there = s != NULL;
	sink_put(k, &there, 1);
	if (!s)
		return;
	size_t n = strlen(s);
	sink_u32(k, (uint32_t)n);
	sink_put(k, s, n);
	sink_put(k, "", 1);
}

/* The list `d` in the file's encoding (read_body reads it). */
static void put_body(sink_t *k, const diag_list_t *d)
{
	sink_u32(k, (uint32_t)d->len);
	for (size_t i = 0; i < d->len; i++) {
		const diag_t *g = &d->items[i];
		unsigned char sev = (unsigned char)g->severity;
		sink_put(k, &sev, 1);
		sink_opt(k, g->file);
		sink_u32(k, (uint32_t)g->line);
		sink_u32(k, (uint32_t)g->col);
		sink_opt(k, g->code);
		sink_opt(k, g->message);
	}
}

/* Read one list at r into `into`: 0, or -1 when malformed. */
static int read_body(hfile_rd_t *r, size_t plen, diag_list_t *into)
{
	uint32_t n = hfile_u32(r);
	if (r->bad || n > plen / 16)
		return -1;
	for (uint32_t i = 0; i < n && !r->bad; i++) {
		uint8_t sev = hfile_u8(r);
		const char *file = hfile_u8(r) ? hfile_str(r) : NULL;
		int line = (int)hfile_u32(r);
		int col = (int)hfile_u32(r);
		const char *code = hfile_u8(r) ? hfile_str(r) : NULL;
		const char *msg = hfile_u8(r) ? hfile_str(r) : NULL;
		if (r->bad || sev > DIAG_NOTE || !msg)
			r->bad = 1;
		else
			diag_add(into, (diag_severity)sev, file, line, col, code, "%s", msg);
	}
	return r->bad || r->p != r->e ? -1 : 0;
}

/* The file `path` of magic `magic`, whole and checked: its payload in *r, the bytes returned (the caller
 * frees them), or NULL when it is missing, damaged or of another version. */
static unsigned char *read_sealed(const char *path, const char *magic, hfile_rd_t *r)
{
	size_t len;
	unsigned char *data = (unsigned char *)hfile_read(path, &len);
	if (!data)
		return NULL;
	hfile_rd_t h = {data + 8, data + len, 0};
	if (len < DR_HDR + 8 || memcmp(data, magic, 8) != 0 || hfile_u32(&h) != DR_VERSION ||
	    !hfile_sealed(data, len, DR_LEN_AT, DR_HDR, r)) {
		free(data);
		return NULL;
	}
	return data;
}

/* The records file at `path` into *f (file_free); none when it is missing or damaged. */
static void read_file(const char *path, file_t *f)
{
	memset(f, 0, sizeof(*f));
	hfile_rd_t r;
	f->data = read_sealed(path, DR_MAGIC, &r);
	if (!f->data)
		return;
	uint32_t nr = hfile_u32(&r);
	if (r.bad || nr > DIAGREC_KEEP)
		return;
	for (uint32_t i = 0; i < nr; i++) {
		f->recs[i].fingerprint = hfile_str(&r);
		f->recs[i].body[0] = hfile_u64(&r);
		f->recs[i].body[1] = hfile_u64(&r);
		if (r.bad)
			return;
	}
	if (r.p != r.e)
		return;
	f->nrecs = nr;
}

static void file_free(file_t *f)
{
	free(f->data);
	memset(f, 0, sizeof(*f));
}

/* A file's header, its payload to follow (hfile_seal finishes it). */
static void put_header(buf_t *b, const char *magic)
{
	buf_put(b, magic, 8);
	hfile_put_u32(b, DR_VERSION);
	hfile_put_u32(b, 0);
	hfile_put_u64(b, 0); /* the payload's length: hfile_seal */
}

/* The records a save keeps, for unused_body. */
typedef struct {
	const rec_t *recs;
	size_t n;
} kept_t;

/* 1 when `name` is a list's file (DR_NAME, '.', DR_DIGEST_HEX hex digits) that no kept record names. */
static int unused_body(const char *name, void *ud)
{
	const rec_t *recs = ((const kept_t *)ud)->recs;
	size_t n = ((const kept_t *)ud)->n;
	size_t pl = sizeof DR_NAME - 1;
	if (strncmp(name, DR_NAME ".", pl + 1) || strlen(name + pl + 1) != DR_DIGEST_HEX ||
	    strspn(name + pl + 1, "0123456789abcdef") != DR_DIGEST_HEX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char hex[DR_DIGEST_HEX + 1];
		snprintf(hex, sizeof hex, "%016llx%016llx", (unsigned long long)recs[i].body[0],
			 (unsigned long long)recs[i].body[1]);
		if (!strcmp(name + pl + 1, hex))
			return 0;
	}
	return 1;
}

int diagrec_save(const char *dir, const char *fingerprint, const diag_list_t *d)
{
	if (d->len > DR_MAX)
		return -1;
	/* this build's list, by its digest: written unless its file is there already */
	XXH3_state_t st;
	XXH3_128bits_reset(&st);
	sink_t dig = {NULL, &st, 0};
	put_body(&dig, d);
	XXH128_hash_t h = XXH3_128bits_digest(&st);
	uint64_t body[2] = {h.low64, h.high64};
	char *bpath = body_path(dir, body);
	struct stat bst;
	int ok = 1, fd = hfile_open(bpath, &bst);
	if (fd >= 0)
		close(fd);
	if (fd < 0 || !S_ISREG(bst.st_mode) || (uint64_t)bst.st_size != DR_HDR + dig.n + 8) {
		buf_t b = BUF_INIT;
		buf_reserve(&b, DR_HDR + dig.n + 8);
		put_header(&b, DR_BODY_MAGIC);
		sink_t out = {&b, NULL, 0};
		put_body(&out, d);
		hfile_seal(&b, DR_LEN_AT, DR_HDR);
		ok = hfile_replace(bpath, b.s, b.len);
		buf_free(&b);
	}
	free(bpath);
	if (!ok)
		return -1;
	/* this build's record first, then the others' (another output folder, other options), newest first */
	char *path = record_path(dir);
	file_t old;
	read_file(path, &old);
	rec_t recs[DIAGREC_KEEP];
	size_t nrecs = 1;
	recs[0].fingerprint = fingerprint;
	memcpy(recs[0].body, body, sizeof body);
	for (size_t i = 0; i < old.nrecs && nrecs < DIAGREC_KEEP; i++)
		if (strcmp(old.recs[i].fingerprint, fingerprint))
			recs[nrecs++] = old.recs[i];
	buf_t b = BUF_INIT;
	put_header(&b, DR_MAGIC);
	hfile_put_u32(&b, (uint32_t)nrecs);
	for (size_t i = 0; i < nrecs; i++) {
		hfile_put_str(&b, recs[i].fingerprint, strlen(recs[i].fingerprint));
		hfile_put_u64(&b, recs[i].body[0]);
		hfile_put_u64(&b, recs[i].body[1]);
	}
	hfile_seal(&b, DR_LEN_AT, DR_HDR);
	/* not written: a record left by an earlier build is of other inputs (its fingerprint), or of these
	 * very inputs, whose diagnostics are these */
	ok = hfile_replace(path, b.s, b.len);
	buf_free(&b);
	free(path);
	/* the lists no record names any more */
	kept_t kept = {recs, nrecs};
	if (ok)
		hfile_remove_unwanted(dir, unused_body, &kept);
	file_free(&old);
	return ok ? 0 : -1;
}

int diagrec_load(const char *dir, const char *fingerprint, diag_list_t *d)
{
	char *path = record_path(dir);
	file_t f;
	read_file(path, &f);
	free(path);
	int rc = -1;
	for (size_t i = 0; i < f.nrecs && rc != 0; i++) {
		if (strcmp(f.recs[i].fingerprint, fingerprint))
			continue;
		char *bpath = body_path(dir, f.recs[i].body);
		hfile_rd_t r;
		unsigned char *data = read_sealed(bpath, DR_BODY_MAGIC, &r);
		diag_list_t got;
		diag_init(&got);
		if (data && read_body(&r, (size_t)(r.e - r.p) + 16, &got) == 0) {
			diag_move(d, &got);
			rc = 0;
		} else {
			hfile_remove(bpath); /* damaged: the build that follows writes it anew (diagrec_save keeps a
					  list's file that is there, of its size) */
		}
		diag_free(&got);
		free(data);
		free(bpath);
	}
	file_free(&f);
	return rc;
}
