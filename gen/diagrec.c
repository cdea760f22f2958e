/* diagrec.c - the diagnostics of the last build. See diagrec.h. */
#include "diagrec.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "histfile.h"

#define DR_MAGIC "ALMDIAGS"
#define DR_VERSION 1u
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

int diagrec_save(const char *dir, const char *fingerprint, const diag_list_t *d)
{
	buf_t b = BUF_INIT;
	buf_put(&b, DR_MAGIC, 8);
	hfile_put_u32(&b, DR_VERSION);
	hfile_put_u32(&b, 0);
	hfile_put_u64(&b, 0); /* the payload's length: hfile_seal */
	hfile_put_str(&b, fingerprint, strlen(fingerprint));
	if (d->len > DR_MAX) {
		buf_free(&b);
		return -1;
	}
	size_t n = d->len;
	hfile_put_u32(&b, (uint32_t)n);
	for (size_t i = 0; i < n; i++) {
		const diag_t *g = &d->items[i];
		hfile_put_u8(&b, (uint8_t)g->severity);
		put_opt(&b, g->file);
		hfile_put_u32(&b, (uint32_t)g->line);
		hfile_put_u32(&b, (uint32_t)g->col);
		put_opt(&b, g->code);
		put_opt(&b, g->message);
	}
	hfile_seal(&b, 16, DR_HDR);
	char *path = record_path(dir);
	/* not written: a record left by an earlier build is of other inputs (its fingerprint), or of these
	 * very inputs, whose diagnostics are these */
	int ok = hfile_replace(path, b.s, b.len);
	free(path);
	buf_free(&b);
	return ok ? 0 : -1;
}

int diagrec_load(const char *dir, const char *fingerprint, diag_list_t *d)
{
	char *path = record_path(dir);
	size_t len;
	unsigned char *data = (unsigned char *)hfile_read(path, &len);
	free(path);
	if (!data)
		return -1;
	hfile_rd_t r = {data, data + len, 0};
	int rc = -1;
	diag_list_t got;
	diag_init(&got);
	if (len < DR_HDR + 8 || memcmp(data, DR_MAGIC, 8) != 0)
		goto done;
	r.p += 8;
	if (hfile_u32(&r) != DR_VERSION)
		goto done;
	(void)hfile_u32(&r);
	uint64_t plen = hfile_u64(&r);
	if (r.bad || plen != len - DR_HDR - 8)
		goto done;
	hfile_rd_t tail = {data + DR_HDR + plen, data + len, 0};
	if (hfile_u64(&tail) != hfile_sum64(data + DR_HDR, plen))
		goto done;
	r.e = data + DR_HDR + plen;
	if (!hfile_str_is(&r, fingerprint))
		goto done;
	uint32_t n = hfile_u32(&r);
	if (r.bad || n > plen / 16)
		goto done;
	for (uint32_t i = 0; i < n && !r.bad; i++) {
		uint8_t sev = hfile_u8(&r);
		const char *file = hfile_u8(&r) ? hfile_str(&r) : NULL;
		int line = (int)hfile_u32(&r);
		int col = (int)hfile_u32(&r);
		const char *code = hfile_u8(&r) ? hfile_str(&r) : NULL;
		const char *msg = hfile_u8(&r) ? hfile_str(&r) : NULL;
		if (r.bad || sev > DIAG_NOTE || !msg)
			r.bad = 1;
		else
			diag_add(&got, (diag_severity)sev, file, line, col, code, "%s", msg);
	}
	if (r.bad || r.p != r.e)
		goto done;
	diag_move(d, &got);
	rc = 0;
done:
	diag_free(&got);
	free(data);
	return rc;
}
