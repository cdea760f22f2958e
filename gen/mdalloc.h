/* mdalloc.h - a budgeted allocator for cmark-gfm (prefix mda_).
 *
 * cmark-gfm makes everything of a document (parser, nodes, buffers, the
 * HTML) through a cmark_mem. This one is an arena (small blocks cut from
 * 64 KiB chunks, big ones on their own, all freed together), counts the bytes
 * asked for (every allocation, and the growth of every reallocation: memory
 * and copying work together), and gives up when they pass a budget or when a
 * stop flag is raised (Ctrl-C, SIGTERM):
 *
 *  - while armed (around a cmark call that cannot be interrupted otherwise:
 *    the parse, the rendering), giving up means not returning: the allocator
 *    jumps back to the setjmp() point of the caller with the reason;
 *  - while disarmed (the caller walking the tree), it only records the reason
 *    and goes on; the caller asks mda_failed() at points where it can stop.
 *
 * Either way the caller then frees everything at once with mda_release: the
 * cmark objects made with this allocator must not be used or freed after it.
 * A page of hostile Markdown (a link reference with a long URL used a million
 * times, thousands of e-mail autolinks on one line) thus costs a bounded
 * amount of memory and time, and a build stops within a page on Ctrl-C.
 *
 * An mda_t is used by one thread, one at a time per thread (the cmark_mem
 * functions find it through a thread-local pointer set by mda_init).
 *
 *     static int guarded_parse(mda_t *a, ...)   a: not a local of this function
 *     {
 *         if (setjmp(a->jmp))
 *             return a->failed;                  MDA_OVER_BUDGET or MDA_STOPPED
 *         mda_arm(a);
 *         ... cmark calls with mda_mem() ...
 *         mda_disarm(a);
 *         return 0;
 *     }
 *
 *     mda_init(&a, budget, stop); guarded_parse(&a, ...); ...; mda_release(&a);
 *
 * Local variables of the function that calls setjmp and that change after it
 * are indeterminate after the jump (C11 7.13.2.1): keep the state that
 * matters after a jump in objects reached through a pointer. */
#ifndef ALMANAC_MDALLOC_H
#define ALMANAC_MDALLOC_H

#include <cmark-gfm.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stddef.h>

enum { MDA_OK = 0, MDA_OVER_BUDGET = 1, MDA_STOPPED = 2 };

typedef struct mda_blk mda_blk;

typedef struct {
	jmp_buf jmp;              /* where an armed allocator jumps to, with the reason */
	size_t budget;            /* bytes that may be asked for in all */
	size_t asked;             /* bytes asked for so far */
	const atomic_int *stop;   /* NULL, or non-zero when the caller must stop */
	int armed;
	int held;                 /* mda_hold depth: no jump while held */
	int failed;               /* MDA_OK, MDA_OVER_BUDGET or MDA_STOPPED */
	mda_blk *head;            /* chunks and big blocks, most recent first */
	mda_blk *chunk;           /* the chunk small blocks are cut from */
} mda_t;

/* Start an allocator with a budget of `budget` bytes and an optional stop
 * flag (borrowed), and make it this thread's current one. Disarmed. */
void mda_init(mda_t *a, size_t budget, const atomic_int *stop);
/* The cmark_mem that allocates from this thread's current mda_t. */
cmark_mem *mda_mem(void);
/* mda_mem() when this thread has a current mda_t, else cmark's own
 * allocator: for extension callbacks, whose parser's allocator is not
 * public in cmark-gfm 0.29. */
cmark_mem *mda_current_mem(void);
/* For a cmark extension callback that holds memory of its own across cmark
 * calls (a block's data before it is attached): while held, this thread's
 * allocator does not jump; mda_unhold jumps if it gave up meanwhile (when
 * armed). Nestable; no-ops when the thread has no allocator. */
void mda_hold(void);
void mda_unhold(void);
/* Arm: from now on giving up jumps to a->jmp (set it with setjmp first). */
void mda_arm(mda_t *a);
/* Disarm: giving up only sets a->failed. */
void mda_disarm(mda_t *a);
/* Non-zero (the reason) when the budget is spent or the stop flag is up;
 * checks the flag, so a loop that allocates nothing can poll it. Armed, it
 * does not return then: it jumps. */
int mda_failed(mda_t *a);
/* The NUL-terminated string `s`, allocated by `a` (cmark's HTML), as a
 * malloc'd string the caller frees with free(); `s` is no longer `a`'s. A
 * big one is moved within its own block rather than copied. */
char *mda_take_string(mda_t *a, char *s);
/* Free every block still allocated and stop being this thread's current
 * allocator. The mda_t may be mda_init'ed again. */
void mda_release(mda_t *a);

#endif
