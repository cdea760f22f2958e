/* histqueue.c - the date-ordered commit queue. See histqueue.h. */
#include "histqueue.h"

static int heap_before(const hist_t *h, uint32_t a, uint32_t b)
{
	const cnode_t *x = &h->nodes[a], *y = &h->nodes[b];
	if (x->ctime != y->ctime)
		return x->ctime > y->ctime;
	return x->seq < y->seq;
}

void hqueue_push(hist_t *h, uint32_t ni)
{
	h->nodes[ni].flags |= N_QUEUED;
	h->nodes[ni].seq = h->seq++;
	GROW(h->heap, h->nheap, h->cheap);
	size_t i = h->nheap++;
	h->heap[i] = ni;
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (!heap_before(h, h->heap[i], h->heap[p]))
			break;
		uint32_t t = h->heap[i];
		h->heap[i] = h->heap[p];
		h->heap[p] = t;
		i = p;
	}
}

uint32_t hqueue_pop(hist_t *h)
{
	uint32_t top = h->heap[0];
	h->heap[0] = h->heap[--h->nheap];
	size_t i = 0;
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < h->nheap && heap_before(h, h->heap[l], h->heap[m]))
			m = l;
		if (r < h->nheap && heap_before(h, h->heap[r], h->heap[m]))
			m = r;
		if (m == i)
			break;
		uint32_t t = h->heap[i];
		h->heap[i] = h->heap[m];
		h->heap[m] = t;
		i = m;
	}
	return top;
}

void hqueue_give(hist_t *h, uint32_t pi, hset_t *s)
{
	cnode_t *p = &h->nodes[pi];
	if (p->flags & N_DONE)
		return; /* already walked (clock skew): git does not revisit either */
	hset_union_into(&p->set, s);
	if (!(p->flags & N_QUEUED))
		hqueue_push(h, pi);
}

void hqueue_give_one(hist_t *h, uint32_t pi, uint32_t item)
{
	cnode_t *p = &h->nodes[pi];
	if (p->flags & N_DONE)
		return;
	hset_add(&p->set, item);
	if (!(p->flags & N_QUEUED))
		hqueue_push(h, pi);
}
