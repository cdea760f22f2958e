/* diagrec.c - the diagnostics of the last builds. See diagrec.h. */
#include "diagrec.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "histfile.h"

#define DR_MAGIC "ALMDIAGS"
#define DR_VERSION 2u
#define DR_HDR 24 /* magic, version, spare, payload length at 16 */
#define DR_MAX (1u << 24) /* diagnostics in one record, at most */

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

/* A record's bytes in the file: its fingerprint and its diagnostics. */
typedef struct {
	const char *fingerprint;
	const unsigned char *start, *end;
} rec_t;

/* Read one record at r (its diagnostics into `into` when not NULL); 0, or -1 when malformed. */
static int read_record(hfile_rd_t *r, size_t plen, rec_t *rec, diag_list_t *into)
{
	rec->start = r->p;
	rec->fingerprint = hfile_str(r);
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
	rec->end = r->p;
	return r->bad ? -1 : 0;
}

/* The records of the file at `path`, whole and checked: *data (the caller frees) holds them. 0 records
 * when it is missing or damaged. */
static size_t read_records(const char *path, unsigned char **data, rec_t *recs, size_t max)
{
	size_t len;
	*data = (unsigned char *)hfile_read(path, &len);
	if (!*data)
		return 0;
	hfile_rd_t r = {*data, *data + len, 0};
	if (len < DR_HDR + 8 || memcmp(*data, DR_MAGIC, 8) != 0)
		return 0;
	r.p += 8;
	if (hfile_u32(&r) != DR_VERSION)
		return 0;
	(void)hfile_u32(&r);
	uint64_t plen = hfile_u64(&r);
	if (r.bad || plen != len - DR_HDR - 8)
		return 0;
	hfile_rd_t tail = {*data + DR_HDR + plen, *data + len, 0};
	if (hfile_u64(&tail) != hfile_sum64(*data + DR_HDR, plen))
		return 0;
	r.e = *data + DR_HDR + plen;
	uint32_t n = hfile_u32(&r);
	if (r.bad || n > DIAGREC_KEEP)
		return 0;
	size_t got = 0;
	for (uint32_t i = 0; i < n && got < max; i++) {
		if (read_record(&r, plen, &recs[got], NULL) != 0)
			return 0;
		got++;
	}
	return r.p == r.e ? got : 0;
}

int diagrec_save(const char *dir, const char *fingerprint, const diag_list_t *d)
{
	if (d->len > DR_MAX)
		return -1;
	char *path = record_path(dir);
	unsigned char *old = NULL;
	rec_t recs[DIAGREC_KEEP];
	size_t nold = read_records(path, &old, recs, DIAGREC_KEEP);
	buf_t b = BUF_INIT;
	buf_put(&b, DR_MAGIC, 8);
	hfile_put_u32(&b, DR_VERSION);
	hfile_put_u32(&b, 0);
	hfile_put_u64(&b, 0); /* the payload's length: hfile_seal */
	size_t count_at = b.len;
	hfile_put_u32(&b, 0);
	/* this build's record first, then the others' (another output folder, other options), newest first */
	hfile_put_str(&b, fingerprint, strlen(fingerprint));
	hfile_put_u32(&b, (uint32_t)d->len);
	for (size_t i = 0; i < d->len; i++) {
		const diag_t *g = &d->items[i];
		hfile_put_u8(&b, (uint8_t)g->severity);
		put_opt(&b, g->file);
		hfile_put_u32(&b, (uint32_t)g->line);
		hfile_put_u32(&b, (uint32_t)g->col);
		put_opt(&b, g->code);
		put_opt(&b, g->message);
	}
	uint32_t n = 1;
	for (size_t i = 0; i < nold && n < DIAGREC_KEEP; i++)
		if (strcmp(recs[i].fingerprint, fingerprint)) {
			buf_put(&b, recs[i].start, (size_t)(recs[i].end - recs[i].start));
			n++;
		}
	for (int k = 0; k < 4; k++)
		b.s[count_at + k] = (char)(n >> (8 * k));
	hfile_seal(&b, 16, DR_HDR);
	/* not written: a record left by an earlier build is of other inputs (its fingerprint), or of these
	 * very inputs, whose diagnostics are these */
	int ok = hfile_replace(path, b.s, b.len);
	free(old);
	free(path);
	buf_free(&b);
	return ok ? 0 : -1;
}

int diagrec_load(const char *dir, const char *fingerprint, diag_list_t *d)
{
	char *path = record_path(dir);
	unsigned char *data = NULL;
	rec_t recs[DIAGREC_KEEP];
	size_t n = read_records(path, &data, recs, DIAGREC_KEEP);
	free(path);
	int rc = -1;
	for (size_t i = 0; i < n && rc != 0; i++) {
		if (strcmp(recs[i].fingerprint, fingerprint))
			continue;
		diag_list_t got;
		diag_init(&got);
		hfile_rd_t r = {recs[i].start, recs[i].end, 0};
		rec_t rec;
		if (read_record(&r, (size_t)(recs[i].end - recs[i].start) + 16, &rec, &got) == 0) {
			diag_move(d, &got);
			rc = 0;
		}
		diag_free(&got);
	}
	free(data);
	return rc;
}
