/*
 * hypervisor/arch/x86/pv/pv_timers.c - the machine's timers behind
 * sched/sched.h: a blocked vCPU's wake-up (SCHEDOP_poll timeouts) and a
 * domain's watchdog.
 *
 * Timer callbacks run in the timer interrupt, where domain locks may not
 * be taken (domain.h).  So a callback only records what happened and asks
 * its CPU to reschedule; the guest exit path (pv_timers_deferred_work,
 * interrupts off, no locks held) then wakes the vCPU or checks the
 * watchdog.
 *
 * A domain with an armed watchdog timer is held by a reference, dropped
 * when the timer fires or is disarmed, so the timer never outlives the
 * struct.
 */
#include "hypervisor/arch/x86/pv/pv_timers.h"

#include "arch/percpu.h"
#include "arch/time.h"
#include "hypercalls/hypercalls.h"
#include "hypervisor/arch/x86/pv/pv_sched.h"
#include "hypervisor/arch/x86/pv/pv_time.h"
#include "hypervisor/arch/x86/pv/pv_vcpu.h"
#include "hypervisor/common/domain.h"
#include "hypervisor/console.h"
#include "hypervisor/serial_input.h"
#include "hypervisor/timer.h"
#include "sched/sched.h"

#define MAX_EXPIRED 16

/* Per CPU: watchdog timers that fired, waiting for the exit path. */
static struct {
	struct domain *d[MAX_EXPIRED];
	unsigned int nr;
} expired[MAX_CPUS];

/* Per domain id: the watchdog timer (a domain has at most one armed). */
struct watchdog_timer {
	struct timer t;
	unsigned int cpu; /* where it is armed */
	bool armed;
};
static struct watchdog_timer watchdogs[DOMID_FIRST_RESERVED];

uint64_t sched_now_ns(void)
{
	return now_ns();
}

static void wakeup_fired(struct timer *t, void *data)
{
	struct vcpu *v = data;

	(void)t;
	pv_vcpu(v)->wake_pending = true;
	pv_sched_notify(v); /* v's home CPU wakes it (v may run, or have run, elsewhere) */
}

void sched_set_wakeup(struct vcpu *v, uint64_t deadline_ns)
{
	struct pv_vcpu *pv = pv_vcpu(v);

	if (!deadline_ns) {
		timer_stop(&pv->wakeup_timer);
		return;
	}
	pv->wakeup_timer.fn = wakeup_fired;
	pv->wakeup_timer.data = v;
	timer_set(&pv->wakeup_timer, deadline_ns);
}

static void watchdog_fired(struct timer *t, void *data)
{
	unsigned int cpu = smp_processor_id();

	(void)t;
	if (expired[cpu].nr < MAX_EXPIRED)
		expired[cpu].d[expired[cpu].nr++] = data;
	this_cpu()->need_resched = true;
}

void sched_watchdog_arm(struct domain *d, uint64_t deadline_ns)
{
	struct watchdog_timer *w = &watchdogs[d->domid];
	unsigned long flags = local_irq_save();

	if (w->armed && w->cpu == smp_processor_id()) {
		timer_stop(&w->t);
		w->armed = false;
		domain_put(d);
	}
	if (deadline_ns && !w->armed && !domain_get(d)) {
		w->t.fn = watchdog_fired;
		w->t.data = d;
		w->cpu = smp_processor_id();
		w->armed = true;
		timer_set(&w->t, deadline_ns);
	}
	local_irq_restore(flags);
}

void pv_timers_deferred_work(void)
{
	unsigned int cpu = smp_processor_id();
	struct percpu *p = this_cpu();

	while (expired[cpu].nr) {
		struct domain *d = expired[cpu].d[--expired[cpu].nr];

		watchdogs[d->domid].armed = false;
		local_irq_enable();
		sched_op_watchdog_expired(d); /* re-arms for the next deadline */
		domain_put(d);
		local_irq_disable();
	}
	serial_input_deferred_work(); /* VIRQ_CONSOLE and debug keys: typed in an interrupt */
	console_ring_notify(); /* VIRQ_CON_RING: printk may run where events cannot be sent */
	/* The common case, on every return to a guest: nothing to do, no lock taken. */
	if (!p->wakeups_pending)
		return;
	p->wakeups_pending = false;
	for (;;) {
		struct vcpu *found = NULL;
		bool wake = false;

		spin_lock(&p->rq_lock);
		for (struct vcpu *v = p->rq_head; v && !found;) {
			struct pv_vcpu *pv = pv_vcpu(v);

			if (pv->wake_pending || pv->virq_timer_pending) {
				wake = pv->wake_pending;
				pv->wake_pending = false;
				found = v;
			}
			v = pv->rq_next == p->rq_head ? NULL : pv->rq_next;
		}
		spin_unlock(&p->rq_lock);
		if (!found)
			return;
		pv_time_deferred(found); /* a bound VIRQ_TIMER wakes it through its event channel */
		if (wake) {
			/* A SCHEDOP_poll ends with this wake-up: its timeout must not stay queued. */
			timer_stop(&pv_vcpu(found)->wakeup_timer);
			vcpu_wake(found);
		}
	}
}

void pv_timers_vcpu_release(struct vcpu *v)
{
	/* timer_stop() finds the timer on whichever CPU it is armed. */
	timer_stop(&pv_vcpu(v)->wakeup_timer);
}
