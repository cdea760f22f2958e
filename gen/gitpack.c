/* gitpack.c - objects read straight from pack files. See gitpack.h. */
#include "gitpack.h"

#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "gitdelta.h"

#define NONE UINT32_MAX

/* zlib is linked into the process by libgit2 but is not one of the build's
 * declared dependencies, so its four entry points are looked up at run time;
 * without them the reader stays off and libgit2 reads everything. */
typedef int (*z_init_fn)(z_streamp, const char *, int);
typedef int (*z_fn)(z_streamp);
typedef int (*z_inflate_fn)(z_streamp, int);
static struct {
	int ok;
	z_init_fn init;
	z_fn reset, end;
	z_inflate_fn inflate;
} zl;
static pthread_once_t zl_once = PTHREAD_ONCE_INIT;

static void zlib_lookup(void)
{
	zl.init = (z_init_fn)dlsym(RTLD_DEFAULT, "inflateInit_");
	zl.reset = (z_fn)dlsym(RTLD_DEFAULT, "inflateReset");
	zl.end = (z_fn)dlsym(RTLD_DEFAULT, "inflateEnd");
	zl.inflate = (z_inflate_fn)dlsym(RTLD_DEFAULT, "inflate");
	zl.ok = zl.init && zl.reset && zl.end && zl.inflate;
}

static int zlib_load(void)
{
	pthread_once(&zl_once, zlib_lookup);
	return zl.ok;
}

#define DCACHE_MEM (48u << 20)
#define DCACHE_SLOTS 65536

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void gitpack_close(gitpack_set_t *ps)
{
	for (size_t i = 0; i < ps->npacks; i++) {
		munmap(ps->packs[i].idx, ps->packs[i].idx_len);
		munmap(ps->packs[i].pack, ps->packs[i].pack_len);
	}
	free(ps->packs);
	ps->packs = NULL;
	ps->npacks = 0;
	ps->loaded = 0;
	for (size_t i = 0; i < ps->dused; i++)
		gitobj_unref(ps->dslots[i].obj);
	free(ps->dslots);
	free(ps->dhash);
	free(ps->dfree);
	ps->dslots = NULL;
	free(ps->links);
	ps->links = NULL;
	ps->clinks = 0;
	ps->dhash = NULL;
	ps->dfree = NULL;
	ps->dused = ps->dmem = ps->ndfree = 0;
	if (ps->zs_ready)
		zl.end(&ps->zs);
	ps->zs_ready = 0;
}

static void *map_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct stat st;
	void *p = NULL;
	if (fstat(fd, &st) == 0 && st.st_size > 0) {
		p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED)
			p = NULL;
		else
			*len = (size_t)st.st_size;
	}
	close(fd);
	return p;
}

static int str_cmp_q(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void gitpack_open(gitpack_set_t *ps, const char *commondir, git_odb *odb)
{
	ps->loaded = 1;
	ps->odb = odb;
	char *dir = xasprintf("%sobjects/pack", commondir);
	DIR *d = opendir(dir);
	if (!d) {
		free(dir);
		return;
	}
	char **names = NULL;
	size_t nn = 0, cn = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);
		if (l > 4 && strcmp(de->d_name + l - 4, ".idx") == 0) {
			GROW(names, nn, cn);
			names[nn++] = xstrndup(de->d_name, l - 4);
		}
	}
	closedir(d);
	if (nn)
		qsort(names, nn, sizeof *names, str_cmp_q); /* deterministic order */
	size_t cpacks = 0;
	for (size_t i = 0; i < nn; i++) {
		char *ip = xasprintf("%s/%s.idx", dir, names[i]);
		char *pp = xasprintf("%s/%s.pack", dir, names[i]);
		gitpack_t pk;
		memset(&pk, 0, sizeof pk);
		pk.idx = map_file(ip, &pk.idx_len);
		pk.pack = map_file(pp, &pk.pack_len);
		int ok = pk.idx && pk.pack && pk.idx_len >= 8 + 1024 + 40 && pk.pack_len >= 12 + 20 &&
			 be32(pk.idx) == 0xff744f63 && be32(pk.idx + 4) == 2 && memcmp(pk.pack, "PACK", 4) == 0 &&
			 (be32(pk.pack + 4) == 2 || be32(pk.pack + 4) == 3);
		if (ok) {
			pk.fanout = pk.idx + 8;
			pk.n = be32(pk.fanout + 255 * 4);
			size_t need = 8 + 1024 + (size_t)pk.n * (20 + 4 + 4) + 40;
			ok = need <= pk.idx_len && be32(pk.pack + 8) == pk.n;
			if (ok) {
				pk.sha = pk.fanout + 1024;
				pk.off32 = pk.sha + (size_t)pk.n * 24;
				pk.off64 = pk.off32 + (size_t)pk.n * 4;
				pk.n64 = (pk.idx_len - need) / 8;
			}
		}
		if (ok) {
			GROW(ps->packs, ps->npacks, cpacks);
			ps->packs[ps->npacks++] = pk;
		} else {
			if (pk.idx)
				munmap(pk.idx, pk.idx_len);
			if (pk.pack)
				munmap(pk.pack, pk.pack_len);
		}
		free(ip);
		free(pp);
		free(names[i]);
	}
	free(names);
	free(dir);
	memset(&ps->zs, 0, sizeof ps->zs);
	if (zlib_load() && zl.init(&ps->zs, ZLIB_VERSION, (int)sizeof(z_stream)) == Z_OK)
		ps->zs_ready = 1;
	ps->dcap = DCACHE_SLOTS;
	ps->dslots = xcalloc(ps->dcap, sizeof *ps->dslots);
	ps->dfree = xmalloc(ps->dcap * sizeof *ps->dfree);
	ps->ndfree = 0;
	ps->ndhash = ps->dcap * 2;
	ps->dbits = 0;
	while (((size_t)1 << ps->dbits) < ps->ndhash)
		ps->dbits++;
	ps->dlimit = DCACHE_MEM;
	ps->dhash = xmalloc(ps->ndhash * sizeof *ps->dhash);
	memset(ps->dhash, 0xff, ps->ndhash * sizeof *ps->dhash);
	ps->dhead = ps->dtail = NONE;
}

/* Offset of object `id` in pack `pi`, or UINT64_MAX. */
static uint64_t pack_offset(const gitpack_t *p, const git_oid *id)
{
	const unsigned char *sha = id->id;
	uint32_t lo = sha[0] ? be32(p->fanout + 4 * (sha[0] - 1)) : 0;
	uint32_t hi = be32(p->fanout + 4 * sha[0]);
	if (hi > p->n || lo > hi)
		return UINT64_MAX;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = memcmp(p->sha + (size_t)mid * 20, sha, 20);
		if (c == 0) {
			uint32_t o = be32(p->off32 + (size_t)mid * 4);
			if (!(o & 0x80000000u))
				return o;
			size_t k = o & 0x7fffffffu;
			if (k >= p->n64)
				return UINT64_MAX;
			const unsigned char *q = p->off64 + k * 8;
			return (uint64_t)be32(q) << 32 | be32(q + 4);
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return UINT64_MAX;
}

int gitpack_find(gitpack_set_t *ps, const git_oid *id, uint32_t *pi, uint64_t *off)
{
	if (!ps->npacks)
		return -1;
	for (size_t k = 0; k < ps->npacks; k++) {
		uint32_t i = (uint32_t)((ps->last_pack + k) % ps->npacks);
		uint64_t o = pack_offset(&ps->packs[i], id);
		if (o != UINT64_MAX) {
			ps->last_pack = i;
			*pi = i;
			*off = o;
			return 0;
		}
	}
	return -1;
}

/* Inflate exactly `len` bytes of zlib data starting at pack offset `pos`. */
static gitobj_t *pack_inflate(gitpack_set_t *ps, const gitpack_t *p, uint64_t pos, size_t len, int type)
{
	if (!ps->zs_ready || pos >= p->pack_len)
		return NULL;
	gitobj_t *o = gitobj_new(type, len);
	if (zl.reset(&ps->zs) != Z_OK) {
		gitobj_unref(o);
		return NULL;
	}
	size_t avail = p->pack_len - (size_t)pos;
	ps->zs.next_in = (Bytef *)(p->pack + pos);
	ps->zs.avail_in = avail > UINT32_MAX ? UINT32_MAX : (uInt)avail;
	unsigned char dummy;
	ps->zs.next_out = len ? o->data : &dummy;
	ps->zs.avail_out = len ? (uInt)len : 1;
	if (len > UINT32_MAX) {
		gitobj_unref(o);
		return NULL;
	}
	int zr = zl.inflate(&ps->zs, Z_FINISH);
	if (zr != Z_STREAM_END || ps->zs.total_out != len) {
		gitobj_unref(o);
		return NULL;
	}
	return o;
}

static size_t dhash_home(const gitpack_set_t *ps, uint32_t pack, uint64_t off)
{
	uint64_t key = (off << 8) ^ pack;
	return (size_t)((key * 0x9E3779B97F4A7C15ULL) >> (64 - ps->dbits));
}

static uint32_t *dhash_find(gitpack_set_t *ps, uint32_t pack, uint64_t off)
{
	size_t j = dhash_home(ps, pack, off);
	while (ps->dhash[j] != NONE) {
		gitpack_dslot_t *s = &ps->dslots[ps->dhash[j]];
		if (s->pack == pack && s->off == off)
			return &ps->dhash[j];
		j = (j + 1) & (ps->ndhash - 1);
	}
	return NULL;
}

static void dhash_del(gitpack_set_t *ps, uint32_t slot)
{
	size_t mask = ps->ndhash - 1;
	size_t j = dhash_home(ps, ps->dslots[slot].pack, ps->dslots[slot].off);
	while (ps->dhash[j] != slot) {
		if (ps->dhash[j] == NONE)
			return;
		j = (j + 1) & mask;
	}
	ps->dhash[j] = NONE;
	size_t k = (j + 1) & mask;
	while (ps->dhash[k] != NONE) {
		gitpack_dslot_t *s = &ps->dslots[ps->dhash[k]];
		size_t home = dhash_home(ps, s->pack, s->off);
		if ((j < k) ? (home <= j || home > k) : (home <= j && home > k)) {
			ps->dhash[j] = ps->dhash[k];
			ps->dhash[k] = NONE;
			j = k;
		}
		k = (k + 1) & mask;
	}
}

static void dlru_unlink(gitpack_set_t *ps, uint32_t i)
{
	gitpack_dslot_t *s = &ps->dslots[i];
	if (s->prev != NONE)
		ps->dslots[s->prev].next = s->next;
	else
		ps->dhead = s->next;
	if (s->next != NONE)
		ps->dslots[s->next].prev = s->prev;
	else
		ps->dtail = s->prev;
}

static void dlru_front(gitpack_set_t *ps, uint32_t i)
{
	gitpack_dslot_t *s = &ps->dslots[i];
	s->prev = NONE;
	s->next = ps->dhead;
	if (ps->dhead != NONE)
		ps->dslots[ps->dhead].prev = i;
	ps->dhead = i;
	if (ps->dtail == NONE)
		ps->dtail = i;
}

static gitobj_t *dcache_get(gitpack_set_t *ps, uint32_t pack, uint64_t off)
{
	uint32_t *hit = dhash_find(ps, pack, off);
	if (!hit)
		return NULL;
	uint32_t i = *hit;
	if (ps->dhead != i) {
		dlru_unlink(ps, i);
		dlru_front(ps, i);
	}
	return gitobj_ref(ps->dslots[i].obj);
}

static void dcache_evict_tail(gitpack_set_t *ps)
{
	uint32_t i = ps->dtail;
	dlru_unlink(ps, i);
	dhash_del(ps, i);
	ps->dmem -= ps->dslots[i].obj->len;
	gitobj_unref(ps->dslots[i].obj);
	ps->dslots[i].obj = NULL;
	ps->dfree[ps->ndfree++] = i;
}

static void dcache_put(gitpack_set_t *ps, uint32_t pack, uint64_t off, gitobj_t *o)
{
	if (o->len > (1u << 20) || dhash_find(ps, pack, off))
		return;
	while (ps->dmem + o->len > ps->dlimit && ps->dtail != NONE)
		dcache_evict_tail(ps);
	if (!ps->ndfree && ps->dused == ps->dcap)
		dcache_evict_tail(ps);
	uint32_t i = ps->ndfree ? ps->dfree[--ps->ndfree] : (uint32_t)ps->dused++;
	gitpack_dslot_t *s = &ps->dslots[i];
	s->pack = pack;
	s->off = off;
	s->obj = gitobj_ref(o);
	ps->dmem += o->len;
	size_t j = dhash_home(ps, pack, off);
	while (ps->dhash[j] != NONE)
		j = (j + 1) & (ps->ndhash - 1);
	ps->dhash[j] = i;
	dlru_front(ps, i);
}

/* The object at `off` in pack `pi`, or NULL (then the caller falls back). */
/* One delta of a chain being resolved: the entry at (pack, off) whose delta
 * data (`size` bytes inflated) starts at pack offset `pos`. */
typedef struct dlink {
	uint32_t pack;
	uint64_t off, pos, size;
} dlink_t;

/* Read the entry header at `off` of pack `pi`: its type and inflated size, and
 * in *pos the offset after the header. 0, or -1 when malformed. */
static int entry_header(const gitpack_t *p, uint64_t off, int *type, uint64_t *size, uint64_t *pos)
{
	if (off < 12 || off >= p->pack_len - 20)
		return -1;
	uint64_t q = off;
	unsigned char c = p->pack[q++];
	*type = (c >> 4) & 7;
	uint64_t sz = c & 15;
	int shift = 4;
	while (c & 0x80) {
		if (q >= p->pack_len || shift > 57)
			return -1;
		c = p->pack[q++];
		sz |= (uint64_t)(c & 0x7f) << shift;
		shift += 7;
	}
	if (sz > GITOBJ_MAX_LEN) /* gitobj.h: refused before anything is allocated */
		return -1;
	*size = sz;
	*pos = q;
	return 0;
}

/* The object at `off` in pack `pi`, or NULL (then the caller falls back).
 * A delta chain is followed down to its base with a loop (its depth is the
 * pack's to choose: no recursion on it), then the deltas are applied back up;
 * every object that serves as a base on the way goes into the delta-base
 * cache, the requested one does not. */
static gitobj_t *unpack(gitpack_set_t *ps, uint32_t pi, uint64_t off)
{
	gitobj_t *base = NULL;
	int base_cacheable = 0; /* base came from the pack at (pi, off): cache it when used as a base */
	size_t n = 0;
	for (;;) {
		gitobj_t *hit = dcache_get(ps, pi, off);
		if (hit) {
			base = hit;
			break;
		}
		if (n > GITPACK_MAX_DELTA_DEPTH)
			goto fail;
		const gitpack_t *p = &ps->packs[pi];
		int type;
		uint64_t size, pos;
		if (entry_header(p, off, &type, &size, &pos) < 0)
			goto fail;
		if (type >= 1 && type <= 4) {
			base = pack_inflate(ps, p, pos, (size_t)size, type);
			if (!base)
				goto fail;
			base_cacheable = 1;
			break;
		}
		if (type != 6 && type != 7)
			goto fail;
		uint32_t bpi = pi;
		uint64_t boff = 0;
		if (type == 6) { /* OFS_DELTA */
			if (pos >= p->pack_len)
				goto fail;
			unsigned char c = p->pack[pos++];
			uint64_t ofs = c & 127;
			while (c & 128) {
				if (pos >= p->pack_len || ofs > ((uint64_t)1 << 56))
					goto fail;
				c = p->pack[pos++];
				ofs = ((ofs + 1) << 7) + (c & 127);
			}
			if (ofs == 0 || ofs > off)
				goto fail;
			boff = off - ofs;
		} else { /* REF_DELTA */
			if (pos + 20 > p->pack_len)
				goto fail;
			git_oid bid;
			memcpy(bid.id, p->pack + pos, 20);
			pos += 20;
			if (gitpack_find(ps, &bid, &bpi, &boff) != 0) {
				int rc = 0;
				base = ps->odb ? gitobj_read_odb(ps->odb, &bid, &rc) : NULL;
				if (!base)
					goto fail;
			}
		}
		GROW(ps->links, n, ps->clinks);
		ps->links[n].pack = pi;
		ps->links[n].off = off;
		ps->links[n].pos = pos;
		ps->links[n].size = size;
		n++;
		if (base)
			break; /* a REF_DELTA base read through libgit2: not cached */
		pi = bpi;
		off = boff;
	}
	if (base_cacheable && n)
		dcache_put(ps, pi, off, base);
	/* apply the deltas from the deepest up; each result is the next one's base */
	while (n > 0) {
		const dlink_t *l = &ps->links[--n];
		gitobj_t *delta = pack_inflate(ps, &ps->packs[l->pack], l->pos, (size_t)l->size, 0);
		gitobj_t *o = delta ? gitdelta_apply(base, delta->data, delta->len) : NULL;
		gitobj_unref(delta);
		gitobj_unref(base);
		base = o;
		if (!base)
			return NULL;
		if (n > 0)
			dcache_put(ps, l->pack, l->off, base);
	}
	return base;
fail:
	gitobj_unref(base);
	return NULL;
}

gitobj_t *gitpack_read(gitpack_set_t *ps, uint32_t pack, uint64_t off)
{
	return unpack(ps, pack, off);
}
