/* histfile.h - the framing shared by the history engine's two cache files (prefix hfile_).
 *
 * Both `history-cache` (histcache.h: per-commit facts) and `history-results`
 * (histresults.h: the last walk's answers) are one header, one payload and a
 * checksum: magic (8 bytes), version and other 32-bit fields, the payload's
 * length (64-bit), the payload, a 64-bit checksum of the payload. Numbers are
 * little-endian; strings are a 32-bit length, the bytes and a NUL.
 *
 * Reading never trusts the file: every hfile_ reader checks the bytes left
 * and, on a short read, marks the reader bad and returns 0/NULL; the caller
 * checks `bad` once after a record and rejects the whole file. Writing goes to
 * a buf_t; hfile_seal() patches the length and appends the checksum, and
 * hfile_replace() puts the file in place atomically. The checksum detects
 * corruption and truncation; it is not a MAC. */
#ifndef ALMANAC_HISTFILE_H
#define ALMANAC_HISTFILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "buf.h"

/* A bounds-checked reader over [p, e). */
typedef struct {
	const unsigned char *p, *e;
	int bad;             /* set by the first read past e; later reads return 0/NULL */
} hfile_rd_t;

/* The next little-endian u32, u64 or byte; 0 (and bad) when too few bytes are left. */
static inline uint32_t hfile_u32(hfile_rd_t *r)
{
	if (r->bad || r->e - r->p < 4) {
		r->bad = 1;
		return 0;
	}
	uint32_t v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 | (uint32_t)r->p[3] << 24;
	r->p += 4;
	return v;
}

static inline uint64_t hfile_u64(hfile_rd_t *r)
{
	uint64_t lo = hfile_u32(r);
	uint64_t hi = hfile_u32(r);
	return lo | hi << 32;
}

static inline uint8_t hfile_u8(hfile_rd_t *r)
{
	if (r->bad || r->e - r->p < 1) {
		r->bad = 1;
		return 0;
	}
	return *r->p++;
}

/* The next `n` bytes (borrowed from the data), or NULL when fewer are left. */
static inline const unsigned char *hfile_bytes(hfile_rd_t *r, size_t n)
{
	if (r->bad || (size_t)(r->e - r->p) < n) {
		r->bad = 1;
		return NULL;
	}
	const unsigned char *p = r->p;
	r->p += n;
	return p;
}

/* A string written by hfile_put_str: borrowed, NUL-terminated inside the
 * data; NULL (and bad) when malformed or holding a NUL. */
const char *hfile_str(hfile_rd_t *r);

/* 1 when the next string written by hfile_put_str is `s` (the reader moves past it). */
int hfile_str_is(hfile_rd_t *r, const char *s);
/* The next string written by hfile_put_str as a new string (the caller frees it), NULL when malformed. */
char *hfile_strdup(hfile_rd_t *r);
/* The next string written by hfile_put_opt_str: a new string, or NULL for NULL (or malformed). */
char *hfile_opt_strdup(hfile_rd_t *r);
/* A count (u32) of items that take at least a byte each: 0 and r->bad set when more than the bytes left. */
size_t hfile_count(hfile_rd_t *r);

/* Append `v` to `b`, little-endian, as 4, 8 or 1 bytes. */
void hfile_put_u32(buf_t *b, uint32_t v);
void hfile_put_u64(buf_t *b, uint64_t v);
void hfile_put_u8(buf_t *b, uint8_t v);
/* Append the `n` bytes at `s` as a string: its length (u32), the bytes, a NUL. */
void hfile_put_str(buf_t *b, const char *s, size_t n);
/* hfile_put_str of the C string `s`, NULL written as "". */
void hfile_put_cstr(buf_t *b, const char *s);
/* A string or NULL: a byte saying which, then hfile_put_str of `s` when not NULL (hfile_opt_strdup). */
void hfile_put_opt_str(buf_t *b, const char *s);

/* The checksum of `n` bytes: four 64-bit lanes over 8-byte words (about ten
 * times faster than FNV-1a byte by byte on multi-megabyte files), the tail
 * bytes and the length folded in. */
uint64_t hfile_sum64(const void *p, size_t n);

/* Finish a file in `b`: the payload from `start` to the end gets its length
 * stored at byte `len_at` (8 bytes) of the header and its checksum appended. */
void hfile_seal(buf_t *b, size_t len_at, size_t start);
/* Check the `len` bytes at `data` as a file hfile_seal(b, len_at, start) finished: the length stored at
 * `len_at` is that of the bytes between `start` and the checksum, and the checksum is theirs. 1 and
 * *payload a reader over exactly the payload, or 0. The header before `start` is the caller's to check. */
int hfile_sealed(const unsigned char *data, size_t len, size_t len_at, size_t start, hfile_rd_t *payload);

/* The temporary file of a cache file `P` is `P` HFILE_TEMP_INFIX `PID`. */
#define HFILE_TEMP_INFIX ".tmp."

/* Write all `len` bytes to `fd` (retrying short writes and EINTR). 1, or 0 at an error. */
int hfile_write_all(int fd, const void *data, size_t len);

/* Open a new temporary file beside `path` to write it (its folder made when
 * missing, a leftover of an earlier process with this id removed): the
 * descriptor, or -1. *tmp receives its name (the caller frees it, and renames
 * or removes the file). */
int hfile_create_temp(const char *path, char **tmp);

/* Remove the temporary files in `dir` (hfile_create_temp's names) whose
 * process is gone: a build killed while writing (SIGKILL, a CI timeout)
 * cannot remove its own. A live process's are left alone. */
void hfile_remove_leftovers(const char *dir);

/* Remove the files `<dir>/<prefix>.<name>` of the cache kept per repository (pagecache.h, searchcache.h)
 * whose name is none of names[1..n-1] (the site's sources now): a removed or renamed source's file is
 * not kept for ever. The hub's `<dir>/<prefix>` and temporary files are left alone. */
void hfile_remove_other_groups(const char *dir, const char *prefix, const char *const *names, size_t n);

/* Remove the files of `dir` (not its temporary files) for which unwanted(name, ud) is 1: the lists of
 * diagnostics no record names (diagrec.c). */
void hfile_remove_unwanted(const char *dir, int (*unwanted)(const char *name, void *ud), void *ud);

/* Remove the cache file `path` (found damaged), if it is there. */
void hfile_remove(const char *path);

/* Write `len` bytes to `path` atomically (a temporary file beside it, then
 * rename), making its folder when missing. 1 on success, 0 otherwise
 * (nothing is left behind). */
int hfile_replace(const char *path, const void *data, size_t len);

/* Open `path` for reading without ever blocking (a FIFO would wait for a
 * writer forever): the descriptor (the caller closes it) with *st filled, -1
 * when it cannot be opened (errno set: ENOENT when absent), or -2 when it is
 * not a regular file (a FIFO, a device, a folder: errno EINVAL). */
int hfile_open(const char *path, struct stat *st);

/* Map the regular file at `path` to read it whole (hfile_open's rules;
 * MAP_POPULATE: a checksum reads every page, and one call maps them all, a
 * fault per page costs more, notably on virtual machines). Returns the
 * mapping (munmap it with *len) or NULL: when the file is absent *rejected
 * is 0; when it is there but not a regular file, shorter than `min_len`,
 * too large or cannot be mapped, *rejected is 1. */
void *hfile_map(const char *path, size_t min_len, size_t *len, int *rejected);

/* Read the regular file at `path` whole (hfile_open's rules): a new buffer
 * the caller frees (not NUL-terminated) and its length in *len, or NULL
 * (errno set) when it cannot be opened, is not a regular file or cannot be
 * read. */
char *hfile_read(const char *path, size_t *len);

#endif
