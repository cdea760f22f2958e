/* diagrec.c - the diagnostics of the last builds. See diagrec.h. */
#include "diagrec.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "histfile.h"

#define DR_MAGIC "ALMDIAGS"
#define DR_VERSION 3u
#define DR_HDR 24 /* magic, version, spare, payload length at 16 */
#define DR_MAX (1u << 24) /* diagnostics in one record, at most */

/* The payload: the distinct diagnostic lists ("bodies"), then the records, each a fingerprint and the index
 * of its body. Builds of other inputs mostly say the same things (a commit that changes no warning, the
 * other output folder), so a list is stored once however many records share it. */

static char *record_path(const char *dir)
{
	return xasprintf("%s/build-diagnostics", dir);
}

static void put_opt(buf_t *b, const char *s)
{
	hfile_put_u8(b, s != NULL);
	if (s)
		hfile_put_str(b, s, strlen(s));
}

/* A diagnostic list's bytes in the file. */
typedef struct {
	const unsigned char *start, *end;
} body_t;

/* A record: its fingerprint and its body. */
typedef struct {
	const char *fingerprint;
	uint32_t body;
} rec_t;

/* The file, read whole and checked. */
typedef struct {
	unsigned char *data; /* owned */
	body_t bodies[DIAGREC_KEEP];
	rec_t recs[DIAGREC_KEEP];
	size_t nbodies, nrecs;
} file_t;

/* Read one body at r (its diagnostics into `into` when not NULL); 0, or -1 when malformed. */
static int read_body(hfile_rd_t *r, size_t plen, body_t *body, diag_list_t *into)
{
	body->start = r->p;
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
		else if (into)
			diag_add(into, (diag_severity)sev, file, line, col, code, "%s", msg);
	}
	body->end = r->p;
	return r->bad ? -1 : 0;
}

/* The file at `path` into *f (file_free): its bodies and records, whole and checked; none when it is
 * missing or damaged. */
static void read_file(const char *path, file_t *f)
{
	memset(f, 0, sizeof(*f));
	size_t len;
	f->data = (unsigned char *)hfile_read(path, &len);
	if (!f->data || len < DR_HDR + 8 || memcmp(f->data, DR_MAGIC, 8) != 0)
		return;
	hfile_rd_t r = {f->data + 8, f->data + len, 0};
	if (hfile_u32(&r) != DR_VERSION)
		return;
	(void)hfile_u32(&r);
	uint64_t plen = hfile_u64(&r);
	if (r.bad || plen != len - DR_HDR - 8)
		return;
	hfile_rd_t tail = {f->data + DR_HDR + plen, f->data + len, 0};
	if (hfile_u64(&tail) != hfile_sum64(f->data + DR_HDR, plen))
		return;
	r.e = f->data + DR_HDR + plen;
	uint32_t nb = hfile_u32(&r);
	if (r.bad || nb > DIAGREC_KEEP)
		return;
	for (uint32_t i = 0; i < nb; i++)
		if (read_body(&r, plen, &f->bodies[i], NULL) != 0)
			return;
	uint32_t nr = hfile_u32(&r);
	if (r.bad || nr > DIAGREC_KEEP)
		return;
	for (uint32_t i = 0; i < nr; i++) {
		f->recs[i].fingerprint = hfile_str(&r);
		f->recs[i].body = hfile_u32(&r);
		if (r.bad || f->recs[i].body >= nb)
			return;
	}
	if (r.p != r.e)
		return;
	f->nbodies = nb;
	f->nrecs = nr;
}

static void file_free(file_t *f)
{
	free(f->data);
	memset(f, 0, sizeof(*f));
}

static void put_body(buf_t *b, const diag_list_t *d)
{
	hfile_put_u32(b, (uint32_t)d->len);
	for (size_t i = 0; i < d->len; i++) {
		const diag_t *g = &d->items[i];
		hfile_put_u8(b, (uint8_t)g->severity);
		put_opt(b, g->file);
		hfile_put_u32(b, (uint32_t)g->line);
		hfile_put_u32(b, (uint32_t)g->col);
		put_opt(b, g->code);
		put_opt(b, g->message);
	}
}

static int body_is(const body_t *a, const unsigned char *s, size_t n)
{
	return (size_t)(a->end - a->start) == n && !memcmp(a->start, s, n);
}

int diagrec_save(const char *dir, const char *fingerprint, const diag_list_t *d)
{
	if (d->len > DR_MAX)
		return -1;
	char *path = record_path(dir);
	file_t old;
	read_file(path, &old);
	buf_t mine = BUF_INIT;
	put_body(&mine, d);
	/* this build's record first, then the others' (another output folder, other options), newest first;
	 * a body is written once, the first record naming it giving its place */
	rec_t recs[DIAGREC_KEEP];
	const body_t *bodies[DIAGREC_KEEP];
	uint32_t slot_of[DIAGREC_KEEP]; /* old body -> new index + 1, 0: not written (yet) */
	memset(slot_of, 0, sizeof(slot_of));
	size_t nrecs = 1, nbodies = 1;
	recs[0].fingerprint = fingerprint;
	recs[0].body = 0;
	for (size_t i = 0; i < old.nrecs && nrecs < DIAGREC_KEEP; i++) {
		if (!strcmp(old.recs[i].fingerprint, fingerprint))
			continue;
		uint32_t ob = old.recs[i].body;
		if (!slot_of[ob]) {
			if (body_is(&old.bodies[ob], (const unsigned char *)mine.s, mine.len)) {
				slot_of[ob] = 1;
			} else {
				bodies[nbodies] = &old.bodies[ob];
				slot_of[ob] = (uint32_t)++nbodies;
			}
		}
		recs[nrecs].fingerprint = old.recs[i].fingerprint;
		recs[nrecs++].body = slot_of[ob] - 1;
	}
	buf_t b = BUF_INIT;
	buf_put(&b, DR_MAGIC, 8);
	hfile_put_u32(&b, DR_VERSION);
	hfile_put_u32(&b, 0);
	hfile_put_u64(&b, 0); /* the payload's length: hfile_seal */
	hfile_put_u32(&b, (uint32_t)nbodies);
	buf_put(&b, mine.s ? mine.s : "", mine.len);
	for (size_t i = 1; i < nbodies; i++)
		buf_put(&b, bodies[i]->start, (size_t)(bodies[i]->end - bodies[i]->start));
	hfile_put_u32(&b, (uint32_t)nrecs);
	for (size_t i = 0; i < nrecs; i++) {
		hfile_put_str(&b, recs[i].fingerprint, strlen(recs[i].fingerprint));
		hfile_put_u32(&b, recs[i].body);
	}
	hfile_seal(&b, 16, DR_HDR);
	/* not written: a record left by an earlier build is of other inputs (its fingerprint), or of these
	 * very inputs, whose diagnostics are these */
	int ok = hfile_replace(path, b.s, b.len);
	file_free(&old);
	free(path);
	buf_free(&mine);
	buf_free(&b);
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
		const body_t *body = &f.bodies[f.recs[i].body];
		diag_list_t got;
		diag_init(&got);
		hfile_rd_t r = {body->start, body->end, 0};
		body_t again;
		if (read_body(&r, (size_t)(body->end - body->start) + 16, &again, &got) == 0) {
			diag_move(d, &got);
			rc = 0;
		}
		diag_free(&got);
	}
	file_free(&f);
	return rc;
}
