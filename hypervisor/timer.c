/*
 * hypervisor/timer.c - per-CPU hypervisor timers on the local APIC.
 *
 * Owns each CPU's timer queue and APIC timer programming.  A timer belongs
 * to the CPU that armed it.  The queue's lock is taken with interrupts off
 * and is released while a callback runs, so callbacks may arm and stop
 * timers (their own included).
 */
#include "hypervisor/timer.h"

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

void timer_set(struct timer *t, uint64_t expires_ns)
{
	struct percpu *p = this_cpu();
	unsigned long flags = spin_lock_irqsave(&p->timer_lock);

	timer_queue_remove(&p->timers, t);
	t->expires = expires_ns;
	timer_queue_add(&p->timers, t);
	reprogram(p);
	spin_unlock_irqrestore(&p->timer_lock, flags);
}

void timer_stop(struct timer *t)
{
	struct percpu *p = this_cpu();
	unsigned long flags = spin_lock_irqsave(&p->timer_lock);

	timer_queue_remove(&p->timers, t);
	reprogram(p);
	spin_unlock_irqrestore(&p->timer_lock, flags);
}
