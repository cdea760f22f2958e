/* gitdelta.c - Git delta application. See gitdelta.h. */
#include "gitdelta.h"

#include <string.h>

/* Apply git delta `d` (len dl) to `base`. */
gitobj_t *gitdelta_apply(const gitobj_t *base, const unsigned char *d, size_t dl)
{
	const unsigned char *e = d + dl;
	size_t sizes[2];
	for (int k = 0; k < 2; k++) {
		size_t v = 0;
		int shift = 0;
		unsigned char c;
		do {
			if (d >= e || shift > 56)
				return NULL;
			c = *d++;
			v |= (size_t)(c & 0x7f) << shift;
			shift += 7;
		} while (c & 0x80);
		sizes[k] = v;
	}
	/* the announced result is allocated before any instruction is read: the
	 * limit of an object's header (gitobj.h) applies to it too */
	if (sizes[0] != base->len || sizes[1] > GITOBJ_MAX_LEN)
		return NULL;
	gitobj_t *o = gitobj_new(base->type, sizes[1]);
	unsigned char *out = o->data, *oe = o->data + sizes[1];
	while (d < e) {
		unsigned char op = *d++;
		if (op & 0x80) {
			size_t off = 0, sz = 0;
			for (int k = 0; k < 4; k++)
				if (op & (1u << k)) {
					if (d >= e)
						goto bad;
					off |= (size_t)*d++ << (8 * k);
				}
			for (int k = 0; k < 3; k++)
				if (op & (0x10u << k)) {
					if (d >= e)
						goto bad;
					sz |= (size_t)*d++ << (8 * k);
				}
			if (sz == 0)
				sz = 0x10000;
			if (off > base->len || sz > base->len - off || sz > (size_t)(oe - out))
				goto bad;
			memcpy(out, base->data + off, sz);
			out += sz;
		} else if (op) {
			if (op > (size_t)(e - d) || op > (size_t)(oe - out))
				goto bad;
			memcpy(out, d, op);
			d += op;
			out += op;
		} else {
			goto bad;
		}
	}
	if (out != oe)
		goto bad;
	return o;
bad:
	gitobj_unref(o);
	return NULL;
}
