/*
 * guests/lib/thread.c - cooperative threads and the idle loop (see
 * thread.h).
 *
 * Owns every thread (the `threads` list, the boot context as the idle
 * thread at its head) and the scheduling order (round robin over the
 * list).  A thread is RUNNABLE, WAITING (on a waitq and/or until a
 * deadline) or DEAD (its stack is freed by the next thread to run: a
 * thread cannot free the stack it stands on).
 */
#include "guests/lib/thread.h"

#include <xen/vcpu.h>

#include "guests/lib/console.h"
#include "guests/lib/events.h"
#include "guests/lib/heap.h"
#include "guests/lib/hypercall.h"
#include "guests/lib/mm.h"
#include "guests/lib/time.h"

#define STACK_PAGES 4

enum thread_state { RUNNABLE, WAITING, DEAD };

struct thread {
	const char *name;
	uint64_t sp;		 /* saved by thread_switch */
	void *stack;		 /* STACK_PAGES pages; NULL for the idle thread */
	void (*fn)(void *);
	void *arg;
	enum thread_state state;
	uint64_t deadline;	 /* WAITING: wake at this system time (0: never) */
	struct waitq *queue;	 /* WAITING on this queue, or NULL */
	struct thread *wq_next;	 /* next on queue */
	struct thread *next;	 /* every thread, idle first */
};

void thread_switch(uint64_t *save_sp, uint64_t load_sp);
void thread_trampoline(void);
void thread_run(struct thread *t) __attribute__((noreturn));

static struct thread idle = { .name = "idle", .state = RUNNABLE };
static struct thread *current = &idle;

struct thread *thread_self(void)
{
	return current;
}

struct thread *thread_create(const char *name, void (*fn)(void *), void *arg)
{
	struct thread *t = kzalloc(sizeof(*t));
	uint64_t *top;

	if (!t)
		return NULL;
	t->stack = page_alloc(STACK_PAGES);
	if (!t->stack) {
		kfree(t);
		return NULL;
	}
	t->name = name;
	t->fn = fn;
	t->arg = arg;
	t->state = RUNNABLE;
	/* What thread_switch pops: r15 r14 r13 r12 rbx rbp, then "returns" to the trampoline. */
	top = (uint64_t *)((char *)t->stack + STACK_PAGES * PAGE_SIZE) - 2; /* 16-byte aligned */
	*--top = (uint64_t)thread_trampoline;
	for (int i = 0; i < 6; i++)
		*--top = i == 2 ? (uint64_t)t : 0; /* pushed rbp, rbx, r12 = t, r13, r14, r15 */
	t->sp = (uint64_t)top;
	t->next = idle.next;
	idle.next = t;
	return t;
}

void thread_run(struct thread *t)
{
	t->fn(t->arg);
	thread_exit();
}

/* Wakes the waiters whose deadline has passed. */
static void wake_expired(void)
{
	uint64_t now = time_now_ns();

	for (struct thread *t = idle.next; t; t = t->next)
		if (t->state == WAITING && t->deadline && t->deadline <= now)
			t->state = RUNNABLE;
}

/* Frees dead threads other than the running one. */
static void reap(void)
{
	for (struct thread **p = &idle.next; *p;) {
		struct thread *t = *p;

		if (t->state == DEAD && t != current) {
			*p = t->next;
			page_free(t->stack, STACK_PAGES);
			kfree(t);
		} else {
			p = &t->next;
		}
	}
}

/* The next runnable thread after current, round robin; the idle thread if none. */
static struct thread *pick_next(void)
{
	struct thread *t = current->next;

	for (int pass = 0; pass < 2; pass++, t = idle.next)
		for (; t; t = t->next)
			if (t->state == RUNNABLE)
				return t;
	return &idle;
}

static void schedule(void)
{
	struct thread *prev = current, *next;

	evtchn_poll();
	wake_expired();
	next = pick_next();
	if (next == prev)
		return;
	current = next;
	thread_switch(&prev->sp, next->sp);
	reap();
}

void thread_yield(void)
{
	schedule();
}

void thread_sleep_ns(uint64_t ns)
{
	waitq_wait(NULL, time_now_ns() + ns);
}

void thread_exit(void)
{
	current->state = DEAD;
	schedule();
	panic("thread_exit: a dead thread ran again");
}

/* Takes @t off @q. */
static void waitq_remove(struct waitq *q, struct thread *t)
{
	for (struct thread **p = &q->head; *p; p = &(*p)->wq_next)
		if (*p == t) {
			*p = t->wq_next;
			return;
		}
}

void waitq_wait(struct waitq *q, uint64_t deadline_ns)
{
	struct thread *self = current;

	if (self == &idle)
		panic("waitq_wait: the idle loop cannot wait");
	self->state = WAITING;
	self->deadline = deadline_ns;
	self->queue = q;
	if (q) {
		self->wq_next = q->head;
		q->head = self;
	}
	while (self->state == WAITING)
		schedule();
	if (q)
		waitq_remove(q, self); /* a timeout: still queued */
	self->queue = NULL;
}

void waitq_wake(struct waitq *q)
{
	struct thread *t = q->head;

	q->head = NULL;
	for (; t; t = t->wq_next)
		if (t->state == WAITING)
			t->state = RUNNABLE;
}

/* The earliest deadline of a waiting thread, 0 if none. */
static uint64_t first_deadline(void)
{
	uint64_t first = 0;

	for (struct thread *t = idle.next; t; t = t->next)
		if (t->state == WAITING && t->deadline && (!first || t->deadline < first))
			first = t->deadline;
	return first;
}

static void timer_event(evtchn_port_t port, void *data)
{
}

/* Nothing to run: sleep in the hypervisor until an event or the first deadline. */
static void idle_block(void)
{
	hyp_set_timer_op(first_deadline());
	hyp_sched_op(SCHEDOP_block, NULL); /* clears the upcall mask while blocked */
	shared_info->vcpu_info[0].evtchn_upcall_mask = 1;
}

void sched_start(void)
{
	long rc = evtchn_bind_virq(VIRQ_TIMER, timer_event, NULL);

	if (rc < 0)
		panic("sched: cannot bind VIRQ_TIMER: %ld", rc);
	hyp_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL); /* no 100 Hz tick: we block */
	for (;;) {
		schedule();
		if (evtchn_poll())
			continue;
		wake_expired();
		if (pick_next() != &idle)
			continue;
		idle_block();
	}
}
