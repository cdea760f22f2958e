/* pubprune.c - removing what a site committed in place no longer has. See pubprune.h. */
#define _GNU_SOURCE
#include "pubprune.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "sitefiles.h"

/* A folder the walk left: its path (an offset into names), identity and files (name_at[first .. first + n)). */
typedef struct {
	size_t rel;
	sfiles_id_t id;
	size_t first, n;
} walked_t;

struct pubprune {
	const pr_root_t *prev; /* the previous site (borrowed) */
	char *record;          /* the record's path, or NULL (owned) */
	char *site;            /* owned */
	char *marker;          /* the marker's name (owned) */
	sfiles_t rec;          /* the last build's record, when usable */
	int checked_ok;        /* the record was usable and every folder it lists is still the recorded one */
	int marker_seen;       /* the marker was a regular file when opened: marker_id is its identity */
	sfiles_id_t marker_id;
	map_t recorded;        /* with checked_ok: the record's files by path -> index + 1 */
	pubprune_file_t *fst;  /* per file of the record: what the check found (rec.nfiles) */
	int same;              /* the site on disk is rec's and the new one has the same files: nothing to remove */
	/* what the walk left (pubprune_run without the record): each folder with its identity and its files */
	walked_t *walked;
	size_t nwalked, capwalked;
	buf_t names;           /* the walked folders' paths and their files' names, each NUL-terminated */
	size_t *name_at;       /* offsets into names of the files' names, folder by folder */
	size_t nnames, capnames;
	size_t checked, read;
};

/* Keep the file name `name` of the folder being walked (pubprune_record). */
static void walked_file(pubprune_t *pp, const char *name)
{
	if (pp->nnames == pp->capnames) {
		pp->capnames = pp->capnames ? pp->capnames * 2 : 4096;
		pp->name_at = xrealloc(pp->name_at, pp->capnames * sizeof *pp->name_at);
	}
	pp->name_at[pp->nnames++] = pp->names.len;
	buf_put(&pp->names, name, strlen(name) + 1);
}

/* Keep the folder `rel` the walk leaves as `st`, with the files kept since `first`. */
static void walked_dir(pubprune_t *pp, const char *rel, const struct stat *st, size_t first)
{
	if (pp->nwalked == pp->capwalked) {
		pp->capwalked = pp->capwalked ? pp->capwalked * 2 : 1024;
		pp->walked = xrealloc(pp->walked, pp->capwalked * sizeof *pp->walked);
	}
	walked_t *w = &pp->walked[pp->nwalked++];
	w->rel = pp->names.len;
	buf_put(&pp->names, rel, strlen(rel) + 1);
	sfiles_id_of(&w->id, st);
	w->first = first;
	w->n = pp->nnames - first;
}

/* The last component of `rel`. */
static const char *base_of(const char *rel)
{
	const char *s = strrchr(rel, '/');
	return s ? s + 1 : rel;
}

/* What the folder check finds of the files of folder `d` of the record, into pp->fst: through `dfd`, the
 * folder itself when `name` is NULL, else its parent with the folder named `name` in it. A file is
 * never followed (a link is not a regular file). */
static void stat_files(const pubprune_t *pp, size_t d, int dfd, const char *name)
{
	const sfiles_t *r = &pp->rec;
	char path[PATH_MAX];
	for (size_t i = r->first[d]; i < r->first[d + 1]; i++) {
		struct stat st;
		int n = name ? snprintf(path, sizeof path, "%s/%s", name, r->files[i].name) : 0;
		int ok = n >= 0 && (size_t)n < sizeof path &&
			 fstatat(dfd, name ? path : r->files[i].name, &st, AT_SYMLINK_NOFOLLOW) == 0;
		pubprune_file_of(&pp->fst[i], ok ? &st : NULL);
	}
}

/* A part of the record's folders to check: dirs[start .. end), whole subtrees of the output folder's
 * folders. */
typedef struct {
	const pubprune_t *pp;
	int *depth; /* per folder, shared: each part writes its own */
	size_t start, end, checked;
	int ok;
	pthread_t tid;
} check_part_t;

/* Check the part's folders (one stat each, in pre-order: a folder's parent is on the stack of open
 * folders); stops at the first that is not the recorded one. */
static void *check_part(void *arg)
{
	check_part_t *c = arg;
	const sfiles_t *r = &c->pp->rec;
	int fds[PR_MAX_DEPTH + 1];
	int top = 1; /* fds[0 .. top) are open; fds[0] is the root's, fds[d] the folder at depth d */
	struct stat st;
	sfiles_id_t id;
	fds[0] = pr_root_fd(c->pp->prev);
	c->ok = 1;
	for (size_t i = c->start; i < c->end && c->ok; i++) {
		const sfiles_dir_t *d = &r->dirs[i];
		int depth = c->depth[i] = c->depth[d->parent] + 1;
		while (top > depth)
			if (--top > 0)
				close(fds[top]);
		/* its parent is the folder open at the depth above (pre-order) */
		if (depth > PR_MAX_DEPTH || top != depth) {
			c->ok = 0;
			break;
		}
		c->checked++;
		c->ok = fstatat(fds[top - 1], base_of(d->rel), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
		if (c->ok) {
			sfiles_id_of(&id, &st);
			c->ok = sfiles_id_eq(&id, &d->id);
		}
		int opened = 0;
		if (c->ok && i + 1 < c->end && r->dirs[i + 1].parent == i) { /* it has folders: open it for them */
			int fd = openat(fds[top - 1], base_of(d->rel), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			struct stat fst;
			c->ok = fd >= 0 && fstat(fd, &fst) == 0 && fst.st_ino == st.st_ino;
			if (c->ok)
				fds[top++] = fd;
			else if (fd >= 0)
				close(fd);
			opened = c->ok;
		}
		if (c->ok) /* by the open folder, or by "name/file" from its parent (the folder just found real) */
			stat_files(c->pp, i, fds[top - 1], opened ? NULL : base_of(d->rel));
	}
	while (top > 1)
		close(fds[--top]);
	return NULL;
}

/* Folders at which a second thread takes over the check (about 30,000 take 35 ms of one core). */
#define CHECK_SPLIT_MIN 4096

/* 1 when every folder of the record is still the recorded folder. */
static int check_dirs(pubprune_t *pp)
{
	const sfiles_t *r = &pp->rec;
	struct stat st;
	pp->checked++;
	if (fstat(pr_root_fd(pp->prev), &st) != 0 || !S_ISDIR(st.st_mode))
		return 0;
	sfiles_id_t id;
	sfiles_id_of(&id, &st);
	if (!sfiles_id_eq(&id, &r->dirs[0].id))
		return 0;
	stat_files(pp, 0, pr_root_fd(pp->prev), NULL);
	int *depth = xcalloc(r->ndirs + 1, sizeof *depth);
	check_part_t parts[2] = {{.pp = pp, .depth = depth, .start = 1, .end = r->ndirs},
				 {.pp = pp, .depth = depth, .start = r->ndirs, .end = r->ndirs}};
	/* two halves, each whole subtrees of the output folder's folders: the second starts at one of them */
	size_t mid = r->ndirs / 2;
	while (mid < r->ndirs && r->dirs[mid].parent != 0)
		mid++;
	int threaded = r->ndirs >= CHECK_SPLIT_MIN && mid < r->ndirs;
	if (threaded) {
		parts[0].end = parts[1].start = mid;
		threaded = pthread_create(&parts[1].tid, NULL, check_part, &parts[1]) == 0;
		if (!threaded)
			parts[0].end = r->ndirs;
	}
	check_part(&parts[0]);
	int ok = parts[0].ok;
	if (threaded) {
		pthread_join(parts[1].tid, NULL);
		ok = ok && parts[1].ok;
	}
	pp->checked += parts[0].checked + (threaded ? parts[1].checked : 0);
	free(depth);
	return ok;
}

pubprune_t *pubprune_open(const pr_root_t *prev, const char *record, const char *site, const char *marker)
{
	pubprune_t *pp = xcalloc(1, sizeof *pp);
	pp->prev = prev;
	pp->record = record ? xstrdup(record) : NULL;
	pp->site = xstrdup(site);
	pp->marker = xstrdup(marker);
	struct stat st;
	if (fstatat(pr_root_fd(prev), marker, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode)) {
		pp->marker_seen = 1;
		sfiles_id_of(&pp->marker_id, &st);
	}
	if (!record || !pp->marker_seen || sfiles_load(&pp->rec, record, site, &pp->marker_id) != 0)
		return pp;
	pp->fst = xcalloc(pp->rec.nfiles + 1, sizeof *pp->fst);
	pp->checked_ok = check_dirs(pp);
	if (pp->checked_ok) {
		const sfiles_t *r = &pp->rec;
		buf_t path = BUF_INIT;
		for (size_t d = 0; d < r->ndirs; d++)
			for (size_t i = r->first[d]; i < r->first[d + 1]; i++) {
				buf_clear(&path);
				if (r->dirs[d].rel[0])
					buf_printf(&path, "%s/", r->dirs[d].rel);
				buf_puts(&path, r->files[i].name);
				map_put(&pp->recorded, buf_cstr(&path), MAP_INT(i + 1));
			}
		buf_free(&path);
	}
	return pp;
}

void pubprune_file_of(pubprune_file_t *f, const struct stat *st)
{
	memset(f, 0, sizeof *f);
	if (!st || !S_ISREG(st->st_mode))
		return;
	f->found = 1;
	f->size = (uint64_t)st->st_size;
	f->ino = (uint64_t)st->st_ino;
	f->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

int pubprune_rebind(pubprune_t *pp, const pr_root_t *prev)
{
	struct stat a, b, m;
	if (fstat(pr_root_fd(pp->prev), &a) != 0 || fstat(pr_root_fd(prev), &b) != 0 || a.st_dev != b.st_dev ||
	    a.st_ino != b.st_ino || !S_ISDIR(b.st_mode))
		return 0;
	/* every commit replaces the marker first: the same one, no build published since the check */
	int seen = fstatat(pr_root_fd(prev), pp->marker, &m, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(m.st_mode);
	if (seen != pp->marker_seen)
		return 0;
	if (seen) {
		sfiles_id_t id;
		sfiles_id_of(&id, &m);
		if (!sfiles_id_eq(&id, &pp->marker_id))
			return 0;
	}
	pp->prev = prev;
	return 1;
}

int pubprune_file(const pubprune_t *pp, const char *rel, pubprune_file_t *f)
{
	void *v;
	if (!pp || !pp->checked_ok || !map_get(&pp->recorded, rel, &v))
		return 0;
	*f = pp->fst[MAP_AS_INT(v) - 1];
	return 1;
}

void pubprune_match(pubprune_t *pp, const map_t *files, const char *const *moved, size_t n)
{
	/* the same files as the record's: as many, and every file moved in is one of them (a kept file is
	 * one of the previous site's, which are the record's when every folder is the recorded one) */
	int same = pp->checked_ok && files->len == pp->rec.nfiles;
	for (size_t i = 0; i < n && same; i++)
		same = sfiles_has(&pp->rec, moved[i]);
	pp->same = same;
}

/* Remove, under the open folder `dfd` (the site's folder `prefix`), every
 * file the new site does not have, and the folders left empty, keeping what
 * is left of each folder for the record. Returns 1 when the folder is empty
 * afterwards. */
static int prune(pubprune_t *pp, const map_t *files, int dfd, buf_t *prefix, int depth)
{
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return 0;
	}
	pp->read++;
	size_t base = prefix->len;
	int left = 0;
	struct dirent *e;
	/* the files this folder keeps, by name: kept after its folders' (which keep theirs first) */
	buf_t mine = BUF_INIT;
	size_t nmine = 0;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		prefix->len = base;
		if (base)
			buf_putc(prefix, '/');
		buf_puts(prefix, e->d_name);
		unsigned char type = e->d_type;
		if (type == DT_UNKNOWN) {
			struct stat st;
			type = fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode) ? DT_DIR
														 : DT_REG;
		}
		if (type == DT_DIR && depth < PR_MAX_DEPTH) {
			int sub = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0 && prune(pp, files, sub, prefix, depth + 1) &&
			    unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR) == 0)
				continue;
			left = 1;
		} else if (type != DT_DIR && !map_get(files, buf_cstr(prefix), NULL) &&
			   !(depth == 0 && !strcmp(e->d_name, pp->marker))) {
			if (unlinkat(dirfd(d), e->d_name, 0) != 0)
				left = 1;
		} else {
			left = 1;
			if (type != DT_DIR && map_get(files, buf_cstr(prefix), NULL)) {
				buf_put(&mine, e->d_name, strlen(e->d_name) + 1);
				nmine++;
			}
		}
	}
	prefix->len = base;
	if (prefix->s)
		prefix->s[base] = '\0'; /* this folder's path again */
	struct stat st;
	if (left && fstat(dirfd(d), &st) == 0) { /* as this commit leaves it */
		size_t first = pp->nnames;
		for (size_t off = 0, i = 0; i < nmine; i++, off += strlen(mine.s + off) + 1)
			walked_file(pp, mine.s + off);
		walked_dir(pp, buf_cstr(prefix), &st, first);
	}
	buf_free(&mine);
	closedir(d);
	return !left;
}

void pubprune_run(pubprune_t *pp, const map_t *files)
{
	if (pp->same) /* the recorded files, every one still in the new site: nothing else is there */
		return;
	buf_t prefix = BUF_INIT;
	int root = openat(pr_root_fd(pp->prev), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root >= 0)
		prune(pp, files, root, &prefix, 0);
	buf_free(&prefix);
}

/* The identity of the folder `rel` now, into *id: 0, or -1 when it is not a folder of the site. */
static int stat_dir(const pubprune_t *pp, const char *rel, sfiles_id_t *id)
{
	struct stat st;
	if (pr_stat(pp->prev, rel[0] ? rel : ".", &st) != 0 || !S_ISDIR(st.st_mode))
		return -1;
	sfiles_id_of(id, &st);
	return 0;
}

/* The record's folders with the identities this commit left: the output folder and every folder above a
 * file moved in were changed, the others were checked unchanged (the same files). */
static int record_same(pubprune_t *pp, const sfiles_id_t *marker, const char *const *moved, size_t n)
{
	const sfiles_t *r = &pp->rec;
	sfiles_dir_t *dirs = xmalloc(r->ndirs * sizeof *dirs);
	memcpy(dirs, r->dirs, r->ndirs * sizeof *dirs);
	unsigned char *changed = xcalloc(r->ndirs, 1);
	changed[0] = 1;
	for (size_t i = 0; i < n; i++)
		for (const char *s = strchr(moved[i], '/'); s; s = strchr(s + 1, '/')) {
			char *dir = xstrndup(moved[i], (size_t)(s - moved[i]));
			long d = sfiles_dir_index(r, dir);
			free(dir);
			if (d >= 0)
				changed[d] = 1;
		}
	int rc = 0;
	for (size_t i = 0; i < r->ndirs && rc == 0; i++)
		if (changed[i])
			rc = stat_dir(pp, dirs[i].rel, &dirs[i].id);
	if (rc == 0)
		rc = sfiles_save(pp->record, pp->site, marker, dirs, r->ndirs, r->files, r->nfiles);
	free(changed);
	free(dirs);
	return rc;
}

/* The walked folders in path order (sfiles_path_cmp on their paths, in `names`). */
static int cmp_walked(const void *a, const void *b, void *names)
{
	const walked_t *x = a, *y = b;
	return sfiles_path_cmp((const char *)names + x->rel, (const char *)names + y->rel);
}

/* The record of the site as the walk left it (pubprune_run without a record): its folders in path
 * order, each one's parent found on a stack of the folders above it, the files each one kept; the
 * output folder's identity read again (its marker was renamed in since). */
static int record_walked(pubprune_t *pp, const sfiles_id_t *marker)
{
	size_t nd = pp->nwalked;
	if (!nd || pp->names.len == 0)
		return -1;
	walked_t *w = pp->walked;
	const char *names = pp->names.s;
	qsort_r(w, nd, sizeof *w, cmp_walked, (void *)names);
	if (names[w[0].rel]) /* the output folder comes first, or it was not walked */
		return -1;
	sfiles_dir_t *dirs = xcalloc(nd, sizeof *dirs);
	size_t nf = 0;
	for (size_t i = 0; i < nd; i++)
		nf += w[i].n;
	sfiles_file_t *fv = xcalloc(nf + 1, sizeof *fv);
	uint32_t stack[PR_MAX_DEPTH + 2];
	int top = 0;
	stack[0] = 0;
	int rc = stat_dir(pp, "", &dirs[0].id);
	size_t k = 0;
	for (size_t i = 0; i < nd && rc == 0; i++) {
		const char *rel = names + w[i].rel;
		dirs[i].rel = rel;
		if (i) {
			dirs[i].id = w[i].id;
			/* its parent: the nearest folder above it on the stack */
			while (top > 0) {
				const char *up = dirs[stack[top]].rel;
				size_t l = strlen(up);
				if (!strncmp(rel, up, l) && rel[l] == '/')
					break;
				top--;
			}
			const char *slash = strrchr(rel, '/');
			size_t plen = slash ? (size_t)(slash - rel) : 0;
			if (strlen(dirs[stack[top]].rel) != plen || top >= PR_MAX_DEPTH) {
				rc = -1; /* a folder whose parent was not left (cannot be): not recorded */
				break;
			}
			dirs[i].parent = stack[top];
			stack[++top] = (uint32_t)i;
		}
		for (size_t j = 0; j < w[i].n; j++) {
			fv[k].dir = (uint32_t)i;
			fv[k++].name = names + pp->name_at[w[i].first + j];
		}
	}
	if (rc == 0)
		rc = sfiles_save(pp->record, pp->site, marker, dirs, nd, fv, k);
	free(fv);
	free(dirs);
	return rc;
}

int pubprune_record(pubprune_t *pp, const char *const *moved, size_t n)
{
	if (!pp->record)
		return -1;
	struct stat st;
	if (fstatat(pr_root_fd(pp->prev), pp->marker, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
		return -1;
	sfiles_id_t marker;
	sfiles_id_of(&marker, &st);
	return pp->same ? record_same(pp, &marker, moved, n) : record_walked(pp, &marker);
}

void pubprune_counts(const pubprune_t *pp, size_t *checked, size_t *read)
{
	*checked = pp->checked;
	*read = pp->read;
}

void pubprune_free(pubprune_t *pp)
{
	if (!pp)
		return;
	sfiles_free(&pp->rec);
	map_free(&pp->recorded);
	free(pp->fst);
	free(pp->walked);
	free(pp->name_at);
	buf_free(&pp->names);
	free(pp->record);
	free(pp->site);
	free(pp->marker);
	free(pp);
}
