/*
 * hypervisor/common/timer_queue.h - a queue of timers ordered by deadline.
 *
 * Owns: the order of the timers queued on it (an intrusive pairing heap:
 * O(1) add, O(log n) amortised removal of the earliest, no allocation).
 * Each CPU has one (arch/percpu.h); hypervisor/timer.c drives it from the
 * local APIC timer.
 *
 * Semantics:
 *   - A zero-filled struct timer is valid and idle (not queued).
 *   - Timers fire in order of expires; equal deadlines fire in the order
 *     they were added (re-arming counts as adding again).
 *   - A callback may add or remove any timer, its own included.  A timer
 *     armed during timer_queue_run_expired() fires in a later run even if
 *     already due, so a callback that re-arms itself for "now" cannot keep
 *     the CPU in the loop forever.
 *
 * Locks: none inside.  The caller serialises all calls on a queue with its
 * own lock (the per-CPU timer lock), which timer_queue_run_expired() drops
 * around each callback.
 */
#ifndef HYPERVISOR_COMMON_TIMER_QUEUE_H
#define HYPERVISOR_COMMON_TIMER_QUEUE_H

#include "arch/spinlock.h"
#include "lib/types.h"

struct timer_queue;

struct timer {
	uint64_t expires; /* deadline, ns since boot; set before timer_queue_add */
	void (*fn)(struct timer *t, void *data);
	void *data;

	/* Private to timer_queue.c. */
	struct timer_queue *queue; /* where it is queued, NULL when idle */
	uint64_t seq;		   /* insertion order, breaks ties */
	struct timer *child;	   /* heap: first child */
	struct timer *sibling;	   /* heap: next sibling; expired list: next */
	struct timer *prev;	   /* heap: parent or previous sibling; expired list: previous */
	uint8_t state;
};

struct timer_queue {
	struct timer *root;    /* the pairing heap of armed timers */
	struct timer *expired; /* due timers the current run has yet to fire */
	uint64_t next_seq;
	unsigned int nr_queued; /* timers queued: armed or due */
	bool running;
};

/* Sets up an idle timer calling fn(t, data) when it fires. */
void timer_init(struct timer *t, void (*fn)(struct timer *t, void *data), void *data);

/* True if t is queued (armed, or due and about to fire in a run). */
bool timer_is_queued(const struct timer *t);

/* Empties q. */
void timer_queue_init(struct timer_queue *q);

/*
 * Queues t to fire at t->expires.  If t is already queued on q it is
 * re-armed: moved to its (possibly changed) deadline.  t must not be
 * queued on another queue (BUG).
 */
void timer_queue_add(struct timer_queue *q, struct timer *t);

/* Takes t off q; returns whether it was queued.  Safe on an idle timer. */
bool timer_queue_remove(struct timer_queue *q, struct timer *t);

/* Timers queued on q (armed, or due and not yet fired). */
unsigned int timer_queue_count(const struct timer_queue *q);

/* Earliest deadline on q, or UINT64_MAX if nothing is queued. */
uint64_t timer_queue_next_deadline(const struct timer_queue *q);

/*
 * Fires the timers that are due (expires <= now) when the call begins,
 * earliest first, skipping any that a callback removes or re-arms in the
 * meantime; each is dequeued before its callback runs.  If
 * lock is not NULL (the caller holds it) it is released around each
 * callback.  Not reentrant (BUG).  Returns the number of timers fired.
 */
unsigned int timer_queue_run_expired(struct timer_queue *q, uint64_t now, spinlock_t *lock);

#endif /* HYPERVISOR_COMMON_TIMER_QUEUE_H */
