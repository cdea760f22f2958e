/* searchvocab.c - the search index's vocabulary shards (v/I.txt): the shares' words, by first
 * character. See searchpriv.h (svocab_) and search.h. */
#include "searchpriv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "searchpart.h"

void svocab_write(const struct spart *parts, size_t nparts, sout_t *wr, buf_t *vk, size_t *nshards, size_t *nwords)
{
	smem_map_t vmap = {0};
	smem_arena_t varena = {0};
	size_t cap = 0, nvocab = 0, nvshards = 0;
	for (size_t g = 0; g < nparts; g++)
		cap += parts[g].nwords;
	char **vocab = xmalloc((cap ? cap : 1) * sizeof(*vocab));
	for (size_t g = 0; g < nparts; g++) {
		const unsigned char *at = parts[g].words;
		for (uint32_t i = 0; i < parts[g].nwords; i++) {
			const char *w;
			uint32_t wl;
			at = spart_next_word(at, parts[g].words_end, &w, &wl);
			int added;
			smem_slot_t *s = smem_upsert(&vmap, &varena, w, wl, &added);
			if (added)
				vocab[nvocab++] = (char *)s->key;
		}
	}
	nvocab = search_sorted_unique(vocab, nvocab);
	buf_t b = BUF_INIT;
	json_writer_t vj;
	json_init(&vj, vk, 0);
	json_begin_array(&vj);
	size_t i = 0;
	while (i < nvocab) {
		size_t fl = 1; /* the first character's bytes */
		while (vocab[i][fl] && ((unsigned char)vocab[i][fl] & 0xC0) == 0x80)
			fl++;
		buf_clear(&b);
		size_t j = i;
		while (j < nvocab && strncmp(vocab[j], vocab[i], fl) == 0 &&
		       !(vocab[j][fl] && ((unsigned char)vocab[j][fl] & 0xC0) == 0x80)) {
			buf_puts(&b, vocab[j]);
			buf_putc(&b, '\n');
			j++;
		}
		json_stringn(&vj, vocab[i], fl);
		char rel[64];
		snprintf(rel, sizeof(rel), "v/%zu.txt", nvshards++);
		sout_write(wr, rel, b.s, b.len);
		i = j;
	}
	json_end_array(&vj);
	buf_free(&b);
	free(vocab);
	smem_map_free(&vmap);
	smem_arena_free(&varena);
	*nshards = nvshards;
	*nwords = nvocab;
}
