/* histignore.c - ignore-revs and ignored authors. See histignore.h. */
#include "histignore.h"

#include <errno.h>
#include <stdlib.h>

#include "fsutil.h"
#include "histfile.h"
#include "pathres.h"
#include "regex.h"

void hignore_load_revs(hist_t *h, const hist_opts_t *o, diag_list_t *d)
{
	const char *name = o ? o->ignore_revs_file : NULL;
	int explicit_file = name != NULL;
	if (name && !*name)
		return;
	if (!name)
		name = ".git-blame-ignore-revs";
	/* a file of the repository: read through the trust boundary (pathres.h), so a link cannot
	 * make it /etc/shadow, echoed line by line into the build log */
	buf_t tb = BUF_INIT;
	int rr = pr_read_in(h->workdir, PR_REPO, name, &tb, FSU_MAX_FILE);
	size_t len = tb.len;
	char *text = rr == 0 ? buf_detach(&tb) : NULL;
	buf_free(&tb);
	if (!text) {
		if (pr_refused(rr))
			diag_add(d, DIAG_WARNING, name, 0, 0, "symlink", "%s", pr_link_message(rr));
		else if (explicit_file || errno != ENOENT)
			diag_add(d, DIAG_WARNING, o && o->config_file ? o->config_file : "almanac.yml", 0, 0,
				 "ignore-revs", "ignore-revs file %s cannot be read: %s", name, pr_strerror(rr));
		return;
	}
	size_t cap = 0;
	int line = 0;
	char *p = text;
	while (p < text + len) {
		char *e = memchr(p, '\n', (size_t)(text + len - p));
		if (!e)
			e = text + len;
		line++;
		char *hash = memchr(p, '#', (size_t)(e - p));
		char *end = hash ? hash : e;
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
			p++;
		while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
			end--;
		if (end > p) {
			git_oid id;
			if (end - p == GIT_OID_HEXSZ && git_oid_fromstrn(&id, p, GIT_OID_HEXSZ) == 0) {
				GROW(h->ign_revs, h->nign_revs, cap);
				git_oid_cpy(&h->ign_revs[h->nign_revs++], &id);
			} else {
				diag_add(d, DIAG_WARNING, name, line, 1, "ignore-revs",
					 "not a full 40-hex commit id: %.*s", (int)(end - p > 60 ? 60 : end - p), p);
			}
		}
		p = e + 1;
	}
	free(text);
	if (h->nign_revs)
		qsort(h->ign_revs, h->nign_revs, sizeof *h->ign_revs, hist_oid_cmp_q);
}

void hignore_load_authors(hist_t *h, const hist_opts_t *o, diag_list_t *d)
{
	if (!o || !o->n_ignore_authors)
		return;
	h->ign_re = xcalloc(o->n_ignore_authors, sizeof *h->ign_re);
	for (size_t i = 0; i < o->n_ignore_authors; i++) {
		int err;
		PCRE2_SIZE off;
		pcre2_code *re = pcre2_compile((PCRE2_SPTR)o->ignore_authors[i], PCRE2_ZERO_TERMINATED,
					       PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &err, &off, NULL);
		if (!re) {
			PCRE2_UCHAR msg[256];
			pcre2_get_error_message(err, msg, sizeof msg);
			diag_add(d, DIAG_ERROR, o->config_file ? o->config_file : "almanac.yml", 0, 0,
				 "bad-pattern", "ignored author pattern \"%s\": %s at offset %zu",
				 o->ignore_authors[i], (const char *)msg, (size_t)off);
			continue;
		}
		h->ign_re[h->nign_re++] = re;
	}
	if (h->nign_re)
		h->md = pcre2_match_data_create(4, NULL);
}

uint32_t hignore_node(hist_t *h, cnode_t *n)
{
	if (!(n->flags & N_IGN_CHECKED)) {
		n->flags |= N_IGN_CHECKED;
		size_t lo = 0, hi = h->nign_revs;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			int c = git_oid_cmp(&h->ign_revs[mid], &n->oid);
			if (c == 0) {
				n->flags |= N_IGN_REV;
				break;
			}
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (!(n->flags & N_IGN_REV) && h->nign_re) {
			uint32_t who[2] = {n->author, n->email};
			for (int k = 0; k < 2; k++) {
				uint32_t s = who[k];
				if (!h->author_ign[s]) {
					int hit = 0;
					for (size_t r = 0; r < h->nign_re && !hit; r++)
						hit = pcre2_match(h->ign_re[r], (PCRE2_SPTR)h->strs.s[s], h->strs.len[s], 0,
								  0, h->md, rx_match_context()) >= 0; /* bounded (regex.h) */
					h->author_ign[s] = hit ? 2 : 1;
				}
				if (h->author_ign[s] == 2)
					n->flags |= N_IGN_AUTHOR;
			}
		}
	}
	return n->flags & (N_IGN_REV | N_IGN_AUTHOR);
}
