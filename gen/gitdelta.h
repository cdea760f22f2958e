/* gitdelta.h - applying a Git delta to its base object (prefix gitdelta_).
 *
 * A pack stores most objects as deltas against another object (the base):
 * two varint sizes (base, result) and then copy instructions (a range of the
 * base) and insert instructions (literal bytes). This is that format's
 * decoder and nothing else: reading the delta out of a pack and finding its
 * base is gitpack.h's job. Every instruction is bounds-checked, so a corrupt
 * or hostile delta yields NULL, never a read or write outside the buffers. */
#ifndef ALMANAC_GITDELTA_H
#define ALMANAC_GITDELTA_H

#include <stddef.h>

#include "gitobj.h"

/* Apply the delta `d` (`dl` bytes) to `base`. Returns the result, an object
 * of base's type with one reference (the caller's), or NULL when the delta is
 * malformed: a base size other than base->len, a result size over
 * GITOBJ_MAX_LEN (refused before anything is allocated), an instruction reaching outside
 * the base or past the announced result size, an opcode 0, or a result shorter
 * than announced. `base` is only read. */
gitobj_t *gitdelta_apply(const gitobj_t *base, const unsigned char *d, size_t dl);

#endif
