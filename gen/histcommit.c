/* histcommit.c - commit nodes: lookup, creation, commit parsing, the shallow list. See histcommit.h. */
#include "histcommit.h"

#include <stdio.h>
#include <stdlib.h>

#include "histcache.h"
#include "histfile.h"
#include "histgraft.h"

static void paths_reserve(hist_t *h)
{
	if (h->strs.n <= h->pcap)
		return;
	size_t nc = h->pcap ? h->pcap : 1024;
	while (nc < h->strs.n)
		nc *= 2;
	h->path_items = xrealloc(h->path_items, nc * sizeof *h->path_items);
	h->pglob_off = xrealloc(h->pglob_off, nc * sizeof *h->pglob_off);
	h->pglob_n = xrealloc(h->pglob_n, nc * sizeof *h->pglob_n);
	h->author_ign = xrealloc(h->author_ign, nc * sizeof *h->author_ign);
	for (size_t i = h->pcap; i < nc; i++) {
		h->path_items[i] = NONE;
		h->pglob_off[i] = -1;
		h->pglob_n[i] = 0;
		h->author_ign[i] = 0;
	}
	h->pcap = nc;
}

uint32_t hcommit_intern(hist_t *h, const char *s, size_t n)
{
	uint32_t i = strtab_intern(&h->strs, s, n);
	paths_reserve(h);
	return i;
}

uint32_t hcommit_find(const hist_t *h, const git_oid *id)
{
	if (!h->noslots)
		return NONE;
	size_t j = hist_oid_hash(id) & (h->noslots - 1);
	while (h->oslots[j] != NONE) {
		if (git_oid_equal(&h->nodes[h->oslots[j]].oid, id))
			return h->oslots[j];
		j = (j + 1) & (h->noslots - 1);
	}
	return NONE;
}

void hcommit_index(hist_t *h, uint32_t idx)
{
	if ((h->nnodes + 1) * 2 > h->noslots) {
		size_t ns = h->noslots ? h->noslots * 2 : 4096;
		uint32_t *sl = xmalloc(ns * sizeof *sl);
		memset(sl, 0xff, ns * sizeof *sl);
		for (size_t i = 0; i < h->noslots; i++) {
			if (h->oslots[i] == NONE)
				continue;
			size_t j = hist_oid_hash(&h->nodes[h->oslots[i]].oid) & (ns - 1);
			while (sl[j] != NONE)
				j = (j + 1) & (ns - 1);
			sl[j] = h->oslots[i];
		}
		free(h->oslots);
		h->oslots = sl;
		h->noslots = ns;
	}
	size_t j = hist_oid_hash(&h->nodes[idx].oid) & (h->noslots - 1);
	while (h->oslots[j] != NONE)
		j = (j + 1) & (h->noslots - 1);
	h->oslots[j] = idx;
}

static int is_shallow_oid(const hist_t *h, const git_oid *id)
{
	size_t lo = 0, hi = h->nshallow;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = git_oid_cmp(&h->shallow_oids[mid], id);
		if (c == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* "Name <email> 1700000000 +0100": name (before the first '<'), e-mail (up to the
 * first '>' after it) and time (after the last '>'), as git reads an ident. 0 or -1. */
static int parse_ident(const char *p, const char *e, const char **name, size_t *nlen, const char **mail,
		       size_t *mlen, int64_t *t)
{
	const char *lt = memchr(p, '<', (size_t)(e - p));
	if (!lt)
		return -1;
	const char *gt = memchr(lt, '>', (size_t)(e - lt));
	if (!gt)
		return -1;
	const char *ne = lt;
	while (ne > p && (ne[-1] == ' ' || ne[-1] == '\t'))
		ne--;
	*name = p;
	*nlen = (size_t)(ne - p);
	*mail = lt + 1;
	*mlen = (size_t)(gt - lt - 1);
	/* the date follows the LAST '>' (git's split_ident_line: an ident with a stray '>'
	 * in the name or address still has its date read) */
	const char *q = e;
	while (q[-1] != '>') /* stops at gt + 1 at the latest */
		q--;
	while (q < e && *q == ' ')
		q++;
	int neg = 0;
	if (q < e && *q == '-') {
		neg = 1;
		q++;
	}
	int64_t v = 0;
	int digits = 0;
	while (q < e && *q >= '0' && *q <= '9' && digits < 18) {
		v = v * 10 + (*q - '0');
		q++;
		digits++;
	}
	*t = neg ? -v : v;
	return digits ? 0 : -1;
}

/* Parse a raw commit object (header lines, blank line, message). */
static int node_parse_commit(hist_t *h, cnode_t *n, const char *p, size_t len)
{
	const char *e = p + len;
	int have_tree = 0, have_author = 0, have_committer = 0;
	size_t cap = 0;
	n->nparents = 0;
	n->parents = NULL;
	while (p < e && *p != '\n') {
		const char *le = memchr(p, '\n', (size_t)(e - p));
		if (!le)
			le = e;
		size_t ll = (size_t)(le - p);
		if (ll >= 5 + GIT_OID_HEXSZ && memcmp(p, "tree ", 5) == 0 && !have_tree) {
			if (git_oid_fromstrn(&n->tree, p + 5, GIT_OID_HEXSZ) < 0)
				return -1;
			have_tree = 1;
		} else if (ll >= 7 + GIT_OID_HEXSZ && memcmp(p, "parent ", 7) == 0) {
			GROW(n->parents, n->nparents, cap);
			if (git_oid_fromstrn(&n->parents[n->nparents], p + 7, GIT_OID_HEXSZ) < 0)
				return -1;
			n->nparents++;
		} else if (ll > 7 && memcmp(p, "author ", 7) == 0 && !have_author) {
			const char *nm, *ml;
			size_t nl, mlen;
			if (parse_ident(p + 7, le, &nm, &nl, &ml, &mlen, &n->atime) == 0) {
				n->author = hcommit_intern(h, nm, nl);
				n->email = hcommit_intern(h, ml, mlen);
				have_author = 1;
			}
		} else if (ll > 10 && memcmp(p, "committer ", 10) == 0 && !have_committer) {
			const char *nm, *ml;
			size_t nl, mlen;
			if (parse_ident(p + 10, le, &nm, &nl, &ml, &mlen, &n->ctime) == 0)
				have_committer = 1;
		}
		p = le < e ? le + 1 : e;
	}
	if (!have_tree)
		return -1;
	if (!have_author) {
		n->author = hcommit_intern(h, "", 0);
		n->email = n->author;
		n->atime = n->ctime;
	}
	/* summary: the first paragraph, whitespace runs squashed (git's %s) */
	if (p < e)
		p++;
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	buf_t sum = BUF_INIT;
	int space = 0;
	for (; p < e; p++) {
		if (*p == '\n' && p + 1 < e && p[1] == '\n')
			break;
		if (*p == '\n' && p + 1 >= e)
			break;
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
			space = 1;
			continue;
		}
		if (space && sum.len)
			buf_putc(&sum, ' ');
		space = 0;
		buf_putc(&sum, *p);
	}
	n->summary = buf_detach(&sum);
	if (!n->parents)
		n->parents = xmalloc(sizeof *n->parents);
	n->pidx = xmalloc((n->nparents ? n->nparents : 1) * sizeof *n->pidx);
	for (uint32_t i = 0; i < n->nparents; i++)
		n->pidx[i] = NONE;
	n->flags |= N_META;
	return 0;
}

static int node_meta_from_odb(hist_t *h, cnode_t *n)
{
	gitobj_t *o;
	int rc = gitstore_read(&h->store, &n->oid, &o);
	if (rc == GIT_ENOTFOUND) {
		git_error_clear();
		n->flags |= N_MISSING;
		return 0;
	}
	if (rc < 0)
		return rc;
	if (o->type != GIT_OBJECT_COMMIT || node_parse_commit(h, n, (const char *)o->data, o->len) < 0) {
		char hex[41];
		git_oid_tostr(hex, sizeof hex, &n->oid);
		git_error_set(GIT_ERROR_INVALID, "%s is not a valid commit", hex);
		gitobj_unref(o);
		return -1;
	}
	gitobj_unref(o);
	if (h->ngrafts)
		hgraft_apply(h, n);
	return 0;
}

int hcommit_get(hist_t *h, const git_oid *id, uint32_t *out)
{
	uint32_t i = hcommit_find(h, id);
	if (i != NONE) {
		*out = i;
		return 0;
	}
	GROW(h->nodes, h->nnodes, h->cnodes);
	i = (uint32_t)h->nnodes;
	cnode_t *n = &h->nodes[i];
	memset(n, 0, sizeof *n);
	git_oid_cpy(&n->oid, id);
	if (h->nshallow && is_shallow_oid(h, id))
		n->flags |= N_SHALLOW;
	uint32_t ri = hcache_find(&h->cache, id);
	if (ri != NONE && !h->cache.decoded[ri]) {
		hcache_decode(h, n, ri);
	} else {
		int rc = node_meta_from_odb(h, n);
		if (rc < 0)
			return rc;
	}
	hcommit_index(h, i);
	h->nnodes++;
	*out = i;
	return 0;
}

void hcommit_free_facts(cnode_t *n)
{
	for (uint32_t l = 0; l < n->nlists; l++)
		free(n->changes[l]);
	free(n->changes);
	free(n->nchanges);
	free(n->renames);
	n->changes = NULL;
	n->nchanges = NULL;
	n->renames = NULL;
	n->nlists = n->nrenames = 0;
}

void hcommit_load_shallow(hist_t *h)
{
	free(h->shallow_oids);
	h->shallow_oids = NULL;
	h->nshallow = 0;
	char *p = xasprintf("%sshallow", h->commondir);
	size_t len, cap = 0;
	char *text = hfile_read(p, &len);
	free(p);
	if (!text)
		return;
	for (size_t i = 0; i + GIT_OID_HEXSZ <= len;) {
		git_oid id;
		if (git_oid_fromstrn(&id, text + i, GIT_OID_HEXSZ) == 0) {
			GROW(h->shallow_oids, h->nshallow, cap);
			git_oid_cpy(&h->shallow_oids[h->nshallow++], &id);
		}
		char *nl = memchr(text + i, '\n', len - i);
		if (!nl)
			break;
		i = (size_t)(nl - text) + 1;
	}
	free(text);
	if (h->nshallow)
		qsort(h->shallow_oids, h->nshallow, sizeof *h->shallow_oids, hist_oid_cmp_q);
}
