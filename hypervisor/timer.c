/*
 * hypervisor/timer.c - per-CPU hypervisor timers on the local APIC.
 *
 * Owns each CPU's timer queue and APIC timer programming.  A timer belongs
 * to the CPU that armed it.  The queue's lock is taken with interrupts off
 * and is released while a callback runs, so callbacks may arm and stop
 * timers (their own included).
 */
#include "hypervisor/timer.h"

#include <stddef.h>

#include "arch/apic.h"
#include "arch/percpu.h"
#include "arch/time.h"
#include "arch/traps.h"
#include "hypervisor/setup.h"

/* Programs the APIC for the queue's earliest deadline.  Caller holds timer_lock. */
static void reprogram(struct percpu *p)
{
	uint64_t next = timer_queue_next_deadline(&p->timers);

	if (next == p->armed_deadline_ns)
		return;
	p->armed_deadline_ns = next;
	apic_timer_arm(next == UINT64_MAX ? 0 : boot_tsc + ns_to_tsc(next) + 1);
}

static void timer_interrupt(struct trap_frame *f)
{
	struct percpu *p = this_cpu();
	unsigned long flags;

	apic_eoi();
	flags = spin_lock_irqsave(&p->timer_lock);
	p->armed_deadline_ns = UINT64_MAX;
	timer_queue_run_expired(&p->timers, now_ns(), &p->timer_lock);
	reprogram(p);
	spin_unlock_irqrestore(&p->timer_lock, flags);
}

void timer_init_local(void)
{
	struct percpu *p = this_cpu();

	spin_lock_init(&p->timer_lock);
	timer_queue_init(&p->timers);
	p->armed_deadline_ns = UINT64_MAX;
	set_irq_handler(VECTOR_TIMER, timer_interrupt);
	apic_timer_setup(VECTOR_TIMER);
}

/*
 * Takes t off whichever CPU's queue holds it.  Another CPU's APIC timer is
 * left armed: an early interrupt there finds nothing due, which is
 * harmless.  The queue is looked up again under its lock, since t may move.
 */
static void remove_anywhere(struct timer *t)
{
	for (;;) {
		struct timer_queue *q = __atomic_load_n(&t->queue, __ATOMIC_ACQUIRE);
		struct percpu *owner;
		unsigned long flags;

		if (!q)
			return;
		/* Every queue is the `timers` field of some CPU's struct percpu. */
		owner = (struct percpu *)((char *)q - offsetof(struct percpu, timers));
		flags = spin_lock_irqsave(&owner->timer_lock);
		if (t->queue == q) {
			timer_queue_remove(q, t);
			if (owner == this_cpu())
				reprogram(owner);
			spin_unlock_irqrestore(&owner->timer_lock, flags);
			return;
		}
		spin_unlock_irqrestore(&owner->timer_lock, flags);
	}
}

void timer_set(struct timer *t, uint64_t expires_ns)
{
	struct percpu *p = this_cpu();
	unsigned long flags;

	if (t->queue && t->queue != &p->timers)
		remove_anywhere(t); /* armed on another CPU before: it moves here */
	flags = spin_lock_irqsave(&p->timer_lock);
	timer_queue_remove(&p->timers, t);
	t->expires = expires_ns;
	timer_queue_add(&p->timers, t);
	reprogram(p);
	spin_unlock_irqrestore(&p->timer_lock, flags);
}

void timer_stop(struct timer *t)
{
	remove_anywhere(t);
}

unsigned int timer_count_queued(void)
{
	unsigned int n = 0;

	for (unsigned int c = 0; c < MAX_CPUS; c++) {
		struct percpu *p = percpu_of[c];
		unsigned long flags;

		if (!p)
			continue;
		flags = spin_lock_irqsave(&p->timer_lock);
		n += timer_queue_count(&p->timers);
		spin_unlock_irqrestore(&p->timer_lock, flags);
	}
	return n;
}
