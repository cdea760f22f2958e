/* fuzz_history.c - libFuzzer target: a crafted Git object set, packed and corrupted, through the history walk.
 *
 * The input is a recipe, read byte by byte (a short input reads as zeros):
 * up to 8 blobs, up to 8 trees whose entries have any name (slashes, "..",
 * control bytes, duplicates), any mode and any target (an earlier object, or
 * an id that does not exist), up to 24 commits with zero to three parents
 * among the earlier ones, fuzzed author lines, times and time zones (or the
 * raw bytes of a whole commit object), and a list of byte changes. The objects
 * are written raw into a fresh repository under /dev/shm (no validation:
 * trees and commits may be malformed), HEAD points at the last commit, and
 * usually the objects are packed with libgit2's pack builder (with deltas),
 * the loose copies removed and the byte changes applied to the pack and its
 * index: the walk then reads a corrupted pack through Almanac's own pack
 * reader. Only the public API of history.h is used: hist_open, hist_walk for
 * the paths the trees name plus a few fixed ones and a watch glob, a second
 * walk that reads the cache back, lookups, hist_free.
 *
 * Oracles besides ASan/UBSan/LSan: hist_walk returns 0 or a negative value
 * with an error diagnostic; every page asked for has an entry; an entry's
 * strings are valid C strings; a commit id is 40 hex digits or empty. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <ftw.h>
#include <git2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "diag.h"
#include "history.h"

typedef struct {
	const uint8_t *p;
	size_t n;
} rd_t;

static unsigned rd_u8(rd_t *r)
{
	if (!r->n)
		return 0;
	r->n--;
	return *r->p++;
}

static unsigned rd_u16(rd_t *r)
{
	unsigned a = rd_u8(r);
	return a | rd_u8(r) << 8;
}

/* Up to `max` bytes, length first. */
static void rd_bytes(rd_t *r, buf_t *out, size_t max)
{
	size_t len = rd_u8(r) % (max + 1);
	if (len > r->n)
		len = r->n;
	buf_put(out, r->p, len);
	r->p += len;
	r->n -= len;
}

static char root[128];      /* this input's repository (a new path each time, see below) */
static char root_base[100];
static unsigned long inputs;

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	remove(path);
	return 0;
}

static void rm_tree(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	git_libgit2_init();
	snprintf(root_base, sizeof root_base, "/dev/shm/almanac-fuzz-history-%d", (int)getpid());
	return 0;
}

#define MAX_OBJ 48

static const char *const modes[] = {"100644", "100755", "40000", "120000", "160000", "644", "0", "1777777"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rd_t r = {data, size};
	/* A new folder for each input: libgit2 keeps the packs it opened in a process-wide cache keyed
	 * by path, and the corrupted pack of one input has the same name as the next one's (its name is
	 * the hash of the objects, the corruption comes after), so a reused path would hand libgit2 the
	 * previous input's parsed index with the new bytes (an impossible state outside the harness:
	 * a pack's name follows its contents). */
	if (root[0])
		rm_tree(root);
	snprintf(root, sizeof root, "%s-%lu", root_base, inputs++);
	rm_tree(root);
	git_repository *repo = NULL;
	if (git_repository_init(&repo, root, 0) != 0)
		abort();
	git_odb *odb = NULL;
	if (git_repository_odb(&odb, repo) != 0)
		abort();

	git_oid ids[MAX_OBJ];
	size_t nids = 0;
	size_t tree_first, ntrees, commit_first, ncommits = 0;
	char *names[64];
	size_t nnames = 0;
	buf_t b = BUF_INIT;

	/* blobs */
	size_t nblobs = rd_u8(&r) % 9;
	for (size_t i = 0; i < nblobs; i++) {
		buf_clear(&b);
		rd_bytes(&r, &b, 200);
		git_odb_write(&ids[nids++], odb, b.s ? b.s : "", b.len, GIT_OBJECT_BLOB);
	}
	/* trees: raw entries "<mode> <name>\0<20-byte id>" */
	tree_first = nids;
	ntrees = 1 + rd_u8(&r) % 8;
	for (size_t t = 0; t < ntrees; t++) {
		buf_clear(&b);
		size_t nent = rd_u8(&r) % 9;
		for (size_t e = 0; e < nent; e++) {
			unsigned sel = rd_u8(&r);
			buf_puts(&b, modes[sel % 8]);
			buf_putc(&b, ' ');
			buf_t name = BUF_INIT;
			unsigned kind = rd_u8(&r) % 8;
			if (kind < 5) { /* an ordinary name, often a page */
				static const char *const base[] = {"content", "runbooks", "a.md", "index.md", "b.md"};
				buf_puts(&name, base[kind]);
			} else {
				rd_bytes(&r, &name, 24);
			}
			buf_put(&b, name.s ? name.s : "", name.len);
			buf_putc(&b, '\0');
			if (nnames < 64 && name.len)
				names[nnames++] = xstrndup(name.s, name.len);
			buf_free(&name);
			size_t target = rd_u8(&r);
			git_oid oid;
			if (nids && target % 4) /* an earlier object */
				oid = ids[target % nids];
			else /* an id that may not exist */
				for (size_t k = 0; k < GIT_OID_RAWSZ; k++)
					oid.id[k] = (unsigned char)rd_u8(&r);
			buf_put(&b, oid.id, GIT_OID_RAWSZ);
		}
		git_odb_write(&ids[nids++], odb, b.s ? b.s : "", b.len, GIT_OBJECT_TREE);
	}
	/* commits */
	commit_first = nids;
	size_t want_commits = 1 + rd_u8(&r) % 24;
	for (size_t c = 0; c < want_commits && nids < MAX_OBJ; c++) {
		buf_clear(&b);
		unsigned how = rd_u8(&r);
		if (how % 16 == 15) { /* raw bytes */
			rd_bytes(&r, &b, 160);
		} else {
			char hex[GIT_OID_HEXSZ + 1];
			git_oid_tostr(hex, sizeof hex, &ids[tree_first + rd_u8(&r) % ntrees]);
			buf_printf(&b, "tree %s\n", hex);
			size_t np = ncommits ? rd_u8(&r) % 4 : 0;
			for (size_t k = 0; k < np; k++) {
				git_oid_tostr(hex, sizeof hex, &ids[commit_first + rd_u8(&r) % ncommits]);
				buf_printf(&b, "parent %s\n", hex);
			}
			long t = 1700000000L + (long)rd_u16(&r) * 3600 - (how & 32 ? 4000000000L : 0);
			int tz = (int)(rd_u8(&r) % 28) * 100 - 1400;
			buf_puts(&b, "author ");
			if (how & 64)
				rd_bytes(&r, &b, 40);
			else
				buf_puts(&b, "Ada <ada@example.com>");
			buf_printf(&b, " %ld %+05d\n", t, tz);
			buf_printf(&b, "committer Bob <bob@example.com> %ld +0000\n\n", t + (long)rd_u8(&r));
			rd_bytes(&r, &b, 40);
			buf_putc(&b, '\n');
		}
		git_odb_write(&ids[nids++], odb, b.s ? b.s : "", b.len, GIT_OBJECT_COMMIT);
		ncommits++;
	}
	git_reference *ref = NULL;
	if (git_reference_create(&ref, repo, "refs/heads/main", &ids[nids - 1], 1, NULL) == 0)
		git_reference_free(ref);
	git_repository_set_head(repo, "refs/heads/main");

	/* pack everything (with deltas), drop the loose copies, corrupt the pack and its index */
	unsigned pack = rd_u8(&r);
	char *packdir = xasprintf("%s/.git/objects/pack", root);
	if (pack % 4) {
		git_packbuilder *pb = NULL;
		if (git_packbuilder_new(&pb, repo) == 0) {
			for (size_t i = 0; i < nids; i++)
				git_packbuilder_insert(pb, &ids[i], NULL);
			if (git_packbuilder_write(pb, packdir, 0, NULL, NULL) == 0) {
				for (int d = 0; d < 256; d++) {
					char *sub = xasprintf("%s/.git/objects/%02x", root, d);
					rm_tree(sub);
					free(sub);
				}
			}
			git_packbuilder_free(pb);
		}
		size_t nchanges = rd_u8(&r) % 9;
		for (size_t k = 0; k < nchanges; k++) {
			unsigned which = rd_u8(&r), off = rd_u16(&r), x = rd_u8(&r);
			/* the first .pack or .idx file */
			DIR *dir = opendir(packdir);
			struct dirent *de;
			char *target = NULL;
			while (dir && (de = readdir(dir)) != NULL)
				if (strstr(de->d_name, which & 1 ? ".idx" : ".pack"))
					target = xasprintf("%s/%s", packdir, de->d_name);
			if (dir)
				closedir(dir);
			if (target) {
				chmod(target, 0644);
				FILE *f = fopen(target, "r+b");
				if (f) {
					struct stat st;
					if (fstat(fileno(f), &st) == 0 && st.st_size > 0) {
						long at = (long)(off % (unsigned)st.st_size);
						fseek(f, at, SEEK_SET);
						int ch = fgetc(f);
						fseek(f, at, SEEK_SET);
						fputc((ch ^ (int)x) & 0xFF, f);
					}
					fclose(f);
				}
				free(target);
			}
		}
	}
	free(packdir);
	git_odb_free(odb);
	git_repository_free(repo);

	/* the walk */
	const char *paths[80];
	size_t npaths = 0;
	static const char *const fixed[] = {"content/a.md", "a.md", "index.md", "runbooks/b.md"};
	for (size_t i = 0; i < 4; i++)
		paths[npaths++] = fixed[i];
	for (size_t i = 0; i < nnames; i++)
		paths[npaths++] = names[i];
	static const char *const globs[] = {"**/*.md", "content"};
	char *cache = xasprintf("%s/cache", root);
	hist_opts_t o;
	memset(&o, 0, sizeof o);
	o.ignore_revs_file = "";
	o.watch_globs = globs;
	o.n_watch_globs = 2;
	o.cache_dir = cache;
	o.all_old_paths = (int)(rd_u8(&r) & 1);
	for (int round = 0; round < 2; round++) { /* the second reads the cache back */
		diag_list_t d;
		diag_init(&d);
		hist_t *h = NULL;
		if (hist_open(&h, root, &d) == 0) {
			int rc = hist_walk(h, paths, npaths, &o, &d);
			if (rc < 0 && diag_count(&d, DIAG_ERROR) == 0)
				abort(); /* a failed walk says why */
			if (rc == 0) {
				for (size_t i = 0; i < npaths; i++) {
					const hist_entry_t *e = hist_lookup(h, paths[i]);
					if (!e)
						abort();
					size_t idl = strlen(e->last.id);
					if (idl != 0 && idl != 40)
						abort();
					(void)strlen(e->last.author);
					(void)strlen(e->last.summary);
					for (size_t k = 0; k < e->nold; k++)
						(void)strlen(e->old_paths[k]);
				}
				for (size_t g = 0; g < 2; g++)
					(void)hist_lookup_watch(h, globs[g]);
			}
		}
		hist_free(h);
		diag_free(&d);
	}
	free(cache);
	for (size_t i = 0; i < nnames; i++)
		free(names[i]);
	buf_free(&b);
	return 0;
}
