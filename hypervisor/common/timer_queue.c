/*
 * hypervisor/common/timer_queue.c - deadline-ordered timer queues.
 *
 * Owns: the links and state of every queued timer (see timer_queue.h for
 * the semantics and locking).
 *
 * The structure is a pairing heap: a tree in which every timer is due no
 * later than its children, kept as first-child / next-sibling links with a
 * back link (`prev`: the parent for a first child, else the previous
 * sibling) so any timer can be cut out in O(1).  Adding melds the new timer
 * with the root (one comparison).  Removing a timer cuts it out and melds
 * its children back in "two passes": pair them left to right, then meld
 * the pairs right to left, which is what gives the O(log n) amortised
 * bound.  Ordering is by (expires, seq), seq being a per-queue insertion
 * counter, so equal deadlines fire first-in first-out.
 *
 * timer_queue_run_expired() first moves every due timer from the heap to
 * a list (q->expired, linked through sibling/prev) in firing order, then
 * fires them one by one.  Timers armed by callbacks go to the heap, so they
 * wait for the next run; timers removed by callbacks leave the list.
 *
 * Locks: none; the caller's lock covers the queue and its timers.
 */
#include "hypervisor/common/timer_queue.h"

#include "lib/printk.h"

enum timer_state {
	TIMER_IDLE = 0,
	TIMER_ARMED,   /* in the heap */
	TIMER_EXPIRED, /* on q->expired, about to fire */
};

void timer_init(struct timer *t, void (*fn)(struct timer *t, void *data), void *data)
{
	*t = (struct timer){.fn = fn, .data = data};
}

bool timer_is_queued(const struct timer *t)
{
	return t->queue != NULL;
}

void timer_queue_init(struct timer_queue *q)
{
	*q = (struct timer_queue){0};
}

static bool before(const struct timer *a, const struct timer *b)
{
	return a->expires < b->expires || (a->expires == b->expires && a->seq < b->seq);
}

/* Melds two detached heaps (either may be NULL); returns the new root. */
static struct timer *meld(struct timer *a, struct timer *b)
{
	struct timer *tmp;

	if (!a)
		return b;
	if (!b)
		return a;
	if (before(b, a)) {
		tmp = a;
		a = b;
		b = tmp;
	}
	b->prev = a;
	b->sibling = a->child;
	if (a->child)
		a->child->prev = b;
	a->child = b;
	return a;
}

/* Melds a list of sibling heaps (from a removed node's child list) into one. */
static struct timer *merge_pairs(struct timer *first)
{
	struct timer *pairs = NULL, *root = NULL;

	/* Pass 1, left to right: meld neighbours; stack results on `pairs`. */
	while (first) {
		struct timer *a = first, *b = a->sibling, *m;

		first = b ? b->sibling : NULL;
		a->sibling = a->prev = NULL;
		if (b)
			b->sibling = b->prev = NULL;
		m = meld(a, b);
		m->sibling = pairs;
		pairs = m;
	}
	/* Pass 2, right to left (the stack's order): meld into one heap. */
	while (pairs) {
		struct timer *next = pairs->sibling;

		pairs->sibling = NULL;
		root = meld(root, pairs);
		pairs = next;
	}
	return root;
}

static void heap_insert(struct timer_queue *q, struct timer *t)
{
	t->child = t->sibling = t->prev = NULL;
	t->seq = q->next_seq++;
	t->state = TIMER_ARMED;
	q->root = meld(q->root, t);
}

static void heap_cut(struct timer_queue *q, struct timer *t)
{
	struct timer *sub = merge_pairs(t->child);

	if (t == q->root) {
		q->root = sub;
	} else {
		if (t->prev->child == t) /* first child: prev is the parent */
			t->prev->child = t->sibling;
		else
			t->prev->sibling = t->sibling;
		if (t->sibling)
			t->sibling->prev = t->prev;
		q->root = meld(q->root, sub);
	}
	t->child = t->sibling = t->prev = NULL;
}

static void expired_cut(struct timer_queue *q, struct timer *t)
{
	if (t->prev)
		t->prev->sibling = t->sibling;
	else
		q->expired = t->sibling;
	if (t->sibling)
		t->sibling->prev = t->prev;
	t->sibling = t->prev = NULL;
}

/* Takes a timer queued on q off wherever it is. */
static void dequeue(struct timer_queue *q, struct timer *t)
{
	if (t->state == TIMER_ARMED)
		heap_cut(q, t);
	else
		expired_cut(q, t);
	t->state = TIMER_IDLE;
	t->queue = NULL;
	q->nr_queued--;
}

void timer_queue_add(struct timer_queue *q, struct timer *t)
{
	BUG_ON(t->queue && t->queue != q);
	if (t->queue)
		dequeue(q, t);
	heap_insert(q, t);
	t->queue = q;
	q->nr_queued++;
}

bool timer_queue_remove(struct timer_queue *q, struct timer *t)
{
	if (!t->queue)
		return false;
	BUG_ON(t->queue != q);
	dequeue(q, t);
	return true;
}

unsigned int timer_queue_count(const struct timer_queue *q)
{
	return q->nr_queued;
}

uint64_t timer_queue_next_deadline(const struct timer_queue *q)
{
	uint64_t next = q->root ? q->root->expires : UINT64_MAX;

	/* The expired list is in firing order: its head is its earliest. */
	if (q->expired && q->expired->expires < next)
		next = q->expired->expires;
	return next;
}

/* Moves every timer due at `now` from the heap to q->expired, in order. */
static void collect_expired(struct timer_queue *q, uint64_t now)
{
	struct timer *tail = NULL;

	while (q->root && q->root->expires <= now) {
		struct timer *t = q->root;

		heap_cut(q, t);
		t->state = TIMER_EXPIRED;
		t->prev = tail;
		if (tail)
			tail->sibling = t;
		else
			q->expired = t;
		tail = t;
	}
}

unsigned int timer_queue_run_expired(struct timer_queue *q, uint64_t now, spinlock_t *lock)
{
	unsigned int fired = 0;
	struct timer *t;

	BUG_ON(q->running);
	q->running = true;
	collect_expired(q, now);
	while ((t = q->expired)) {
		dequeue(q, t);
		/* t may be freed or re-armed by its callback: not touched after. */
		if (lock)
			spin_unlock(lock);
		t->fn(t, t->data);
		if (lock)
			spin_lock(lock);
		fired++;
	}
	q->running = false;
	return fired;
}
