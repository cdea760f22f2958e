/* mdalloc.c - a budgeted allocator for cmark-gfm. See mdalloc.h.
 *
 * Small blocks are cut from 64 KiB chunks (a pointer bump: cmark makes a
 * node, a buffer or a delimiter at every turn, and they all go at once when
 * the page is done); a freed small block is given back only when it was the
 * last one cut (buffers that grow usually are). Blocks over a quarter of a
 * chunk get their own malloc and a place in a list, so they can be freed
 * one by one (the HTML buffer grows by doubling). Every block starts with a
 * 16-byte header: its size and whether it is a big one. */
#include "mdalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

#define CHUNK (64 * 1024)
#define BIG (CHUNK / 4)
#define ALIGN 16

typedef struct {
	size_t size;     /* bytes the caller asked for */
	size_t big;      /* 1: a big block (its mda_blk is just before this header) */
} hdr_t;
_Static_assert(sizeof(hdr_t) == ALIGN, "the header keeps malloc's alignment");

/* A chunk, or a big block: listed for mda_release. */
struct mda_blk {
	mda_blk *prev, *next;
	size_t used, cap; /* chunks: bytes cut so far, bytes after this header */
};
_Static_assert(sizeof(mda_blk) % ALIGN == 0, "blocks keep malloc's alignment");

static _Thread_local mda_t *mda_cur;

static void give_up(mda_t *a, int why)
{
	if (!a->failed)
		a->failed = why;
	if (a->armed && !a->held) {
		a->armed = 0;
		longjmp(a->jmp, a->failed);
	}
}

void mda_hold(void)
{
	if (mda_cur)
		mda_cur->held++;
}

void mda_unhold(void)
{
	mda_t *a = mda_cur;
	if (a && a->held > 0 && --a->held == 0 && a->failed)
		give_up(a, a->failed); /* jumps when armed */
}

/* Count `n` more bytes; gives up (jumps, when armed) past the budget or on a stop. */
static void charge(mda_t *a, size_t n)
{
	a->asked = n > SIZE_MAX - a->asked ? SIZE_MAX : a->asked + n;
	if (a->asked > a->budget)
		give_up(a, MDA_OVER_BUDGET);
	else if (a->stop && atomic_load_explicit(a->stop, memory_order_relaxed))
		give_up(a, MDA_STOPPED);
}

static void link_blk(mda_t *a, mda_blk *b)
{
	b->prev = NULL;
	b->next = a->head;
	if (a->head)
		a->head->prev = b;
	a->head = b;
}

static void unlink_blk(mda_t *a, mda_blk *b)
{
	if (b->prev)
		b->prev->next = b->next;
	else
		a->head = b->next;
	if (b->next)
		b->next->prev = b->prev;
	if (a->chunk == b)
		a->chunk = NULL;
}

static size_t round_up(size_t n)
{
	return (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
}

/* Out of memory while disarmed: as cmark's own allocator does. */
static void *oom(mda_t *a)
{
	give_up(a, MDA_OVER_BUDGET);
	abort();
}

/* A block of `n` bytes (not zeroed), counted. */
static void *get(mda_t *a, size_t n)
{
	if (n > SIZE_MAX / 2)
		return oom(a);
	charge(a, n);
	size_t need = sizeof(hdr_t) + round_up(n);
	if (need > BIG) {
		mda_blk *b = malloc(sizeof(mda_blk) + need);
		if (!b)
			return oom(a);
		b->used = b->cap = need;
		link_blk(a, b);
		hdr_t *h = (hdr_t *)(b + 1);
		*h = (hdr_t){n, 1};
		return h + 1;
	}
	mda_blk *c = a->chunk;
	if (!c || c->cap - c->used < need) {
		c = malloc(sizeof(mda_blk) + CHUNK);
		if (!c)
			return oom(a);
		c->used = 0;
		c->cap = CHUNK;
		link_blk(a, c);
		a->chunk = c;
	}
	hdr_t *h = (hdr_t *)((char *)(c + 1) + c->used);
	c->used += need;
	*h = (hdr_t){n, 0};
	return h + 1;
}

/* 1 when the small block of header `h` is the last one cut from the current chunk. */
static int is_last(mda_t *a, hdr_t *h)
{
	mda_blk *c = a->chunk;
	return c && (char *)h + sizeof(hdr_t) + round_up(h->size) == (char *)(c + 1) + c->used;
}

static void put(mda_t *a, void *p)
{
	hdr_t *h = (hdr_t *)p - 1;
	if (h->big) {
		mda_blk *b = (mda_blk *)h - 1;
		unlink_blk(a, b);
		free(b);
	} else if (is_last(a, h)) {
		a->chunk->used -= sizeof(hdr_t) + round_up(h->size);
	}
}

static void *mda_calloc(size_t n, size_t size)
{
	mda_t *a = mda_cur;
	if (size && n > SIZE_MAX / 2 / size)
		return oom(a);
	void *p = get(a, n * size);
	memset(p, 0, n * size);
	return p;
}

static void *mda_realloc(void *p, size_t size)
{
	mda_t *a = mda_cur;
	if (!p)
		return get(a, size);
	hdr_t *h = (hdr_t *)p - 1;
	if (!h->big && is_last(a, h) && size <= BIG) {
		/* the last block of the chunk grows (or shrinks) where it is */
		size_t had = sizeof(hdr_t) + round_up(h->size), need = sizeof(hdr_t) + round_up(size);
		if (need <= a->chunk->cap - (a->chunk->used - had)) {
			if (size > h->size)
				charge(a, size - h->size);
			a->chunk->used = a->chunk->used - had + need;
			h->size = size;
			return p;
		}
	}
	void *q = get(a, size);
	memcpy(q, p, h->size < size ? h->size : size);
	put(a, p);
	return q;
}

static void mda_free(void *p)
{
	if (p)
		put(mda_cur, p);
}

static cmark_mem mda_cmark_mem = {mda_calloc, mda_realloc, mda_free};

char *mda_take_string(mda_t *a, char *s)
{
	hdr_t *h = (hdr_t *)s - 1;
	if (!h->big)
		return xstrdup(s);
	/* a big block leaves the arena: the string moves to the start of its malloc'd block */
	mda_blk *b = (mda_blk *)h - 1;
	unlink_blk(a, b);
	size_t n = strlen(s) + 1;
	memmove(b, s, n);
	char *r = realloc(b, n);
	return r ? r : (char *)b;
}

void mda_init(mda_t *a, size_t budget, const atomic_int *stop)
{
	memset(a, 0, sizeof *a);
	a->budget = budget;
	a->stop = stop;
	mda_cur = a;
}

cmark_mem *mda_mem(void)
{
	return &mda_cmark_mem;
}

cmark_mem *mda_current_mem(void)
{
	return mda_cur ? &mda_cmark_mem : cmark_get_default_mem_allocator();
}

void mda_arm(mda_t *a)
{
	a->armed = 1;
	if (a->failed) /* gave up while disarmed: jump now */
		give_up(a, a->failed);
}

void mda_disarm(mda_t *a)
{
	a->armed = 0;
}

int mda_failed(mda_t *a)
{
	if (!a->failed && a->stop && atomic_load_explicit(a->stop, memory_order_relaxed))
		give_up(a, MDA_STOPPED);
	else if (a->failed && a->armed)
		give_up(a, a->failed);
	return a->failed;
}

void mda_release(mda_t *a)
{
	for (mda_blk *b = a->head, *next; b; b = next) {
		next = b->next;
		free(b);
	}
	a->head = NULL;
	a->chunk = NULL;
	a->armed = 0;
	if (mda_cur == a)
		mda_cur = NULL;
}
