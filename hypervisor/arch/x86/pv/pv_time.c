/*
 * hypervisor/arch/x86/pv/pv_time.c - time as PV guests see it: the pvclock
 * record in each vcpu_info, the wall clock in shared_info, and the guest
 * timers (set_timer_op, VCPUOP singleshot/periodic) that raise VIRQ_TIMER.
 *
 * System time is Keel's now_ns(): nanoseconds since Keel's first
 * instruction, from one TSC calibration.  The pvclock record carries the
 * same scale (lib/pvclock.c), so a guest's extrapolation and Keel's own
 * clock agree; it is republished whenever a vCPU is switched in.  With an
 * invariant TSC the record is valid on every CPU (XEN_PVCLOCK_TSC_STABLE_BIT).
 *
 * Guest timers fire in the timer interrupt, where event channels may not
 * be touched: the callback marks the vCPU and the exit path sends the
 * VIRQ (pv_timers.c's deferred work calls pv_time_deferred).  A timer is
 * armed one nanosecond late: the guest's clock, computed from a record
 * published earlier, may round one nanosecond below Keel's.  As on Xen,
 * every vCPU starts with a 10 ms periodic timer, which ticks only while
 * the vCPU runs; a tick that came due meanwhile is delivered at switch-in.
 */
#include "hypervisor/arch/x86/pv/pv_time.h"

#include <stddef.h>
#include <stdint.h>

#include <xen/xen.h>

#include "arch/cpu.h"
#include "arch/cpufeature.h"
#include "arch/rtc.h"
#include "arch/time.h"
#include "hypercalls/evtchn.h"
#include "hypervisor/arch/x86/pv/pv_sched.h"
#include "hypervisor/arch/x86/pv/pv_vcpu.h"
#include "hypervisor/common/domain.h"
#include "hypervisor/timer.h"
#include "lib/printk.h"
#include "lib/pvclock.h"
#include "sched/sched.h"

/* The wall clock at system time 0. */
static uint64_t wc_sec0;
static uint32_t wc_nsec0;

void pv_time_init(void)
{
	uint64_t unix_sec = rtc_read_unix_time(), ns = now_ns();
	uint64_t at_boot_ns = unix_sec * 1000000000ULL - ns;

	wc_sec0 = at_boot_ns / 1000000000ULL;
	wc_nsec0 = (uint32_t)(at_boot_ns % 1000000000ULL);
	printk(KLOG_INFO "wall clock: %lu s since the epoch (CMOS RTC)\n", unix_sec);
}

void pv_time_domain_init(struct domain *d)
{
	pvclock_publish_wallclock(d->shared_info, wc_sec0, wc_nsec0);
}

void pv_time_set_offset(struct domain *d, int64_t seconds)
{
	pvclock_publish_wallclock(d->shared_info, wc_sec0 + (uint64_t)seconds, wc_nsec0);
}

void pv_time_publish(struct vcpu *v)
{
	uint64_t tsc = rdtsc();

	if (!v->vcpu_info)
		return;
	pvclock_publish(&v->vcpu_info->time, tsc, tsc_to_ns(tsc - boot_tsc),
			pvclock_scale_from_mult(tsc_ns_mult()),
			cpu_features.invariant_tsc ? XEN_PVCLOCK_TSC_STABLE_BIT : 0);
}

static void guest_timer_fired(struct timer *t, void *data)
{
	struct vcpu *v = data;
	struct pv_vcpu *pv = pv_vcpu(v);

	if (t == &pv->periodic_timer && pv->period_ns) {
		/* Re-armed from its own deadline, so the period does not drift. */
		pv->periodic_next += pv->period_ns;
		timer_set(t, pv->periodic_next + 1);
	}
	pv->virq_timer_pending = true;
	pv_sched_notify(v); /* v's home CPU sends it (v may run, or have run, elsewhere) */
}

void sched_guest_timer_fire(struct vcpu *v)
{
	evtchn_send_virq(v, VIRQ_TIMER);
}

void sched_set_guest_timer(struct vcpu *v, uint64_t deadline_ns)
{
	struct pv_vcpu *pv = pv_vcpu(v);

	if (!deadline_ns) {
		timer_stop(&pv->oneshot_timer);
		return;
	}
	pv->oneshot_timer.fn = guest_timer_fired;
	pv->oneshot_timer.data = v;
	timer_set(&pv->oneshot_timer, deadline_ns + 1);
}

void sched_set_guest_periodic(struct vcpu *v, uint64_t period_ns)
{
	struct pv_vcpu *pv = pv_vcpu(v);
	bool running_here = current_vcpu() == v;

	pv->period_ns = period_ns;
	pv->periodic_next = period_ns ? now_ns() + period_ns : 0;
	if (!running_here)
		return; /* armed when v is next switched in */
	if (!period_ns) {
		timer_stop(&pv->periodic_timer);
		return;
	}
	pv->periodic_timer.fn = guest_timer_fired;
	pv->periodic_timer.data = v;
	timer_set(&pv->periodic_timer, pv->periodic_next + 1);
}

void pv_time_switch_in(struct vcpu *v)
{
	struct pv_vcpu *pv = pv_vcpu(v);
	uint64_t now = now_ns();

	pv_time_publish(v);
	if (!pv->period_ns)
		return;
	if (!pv->periodic_next) {
		pv->periodic_next = now + pv->period_ns; /* first run: the first tick a period away */
	} else if (now >= pv->periodic_next) {
		/* A tick came due while v was not running: deliver it now (Xen does the same). */
		evtchn_send_virq(v, VIRQ_TIMER);
		pv->periodic_next = now + pv->period_ns;
	}
	pv->periodic_timer.fn = guest_timer_fired;
	pv->periodic_timer.data = v;
	timer_set(&pv->periodic_timer, pv->periodic_next + 1);
}

void pv_time_switch_out(struct vcpu *v)
{
	/* The periodic timer ticks only while its vCPU runs. */
	timer_stop(&pv_vcpu(v)->periodic_timer);
}

void pv_time_deferred(struct vcpu *v)
{
	struct pv_vcpu *pv = pv_vcpu(v);

	if (!pv->virq_timer_pending)
		return;
	pv->virq_timer_pending = false;
	evtchn_send_virq(v, VIRQ_TIMER);
}

void pv_time_vcpu_release(struct vcpu *v)
{
	struct pv_vcpu *pv = pv_vcpu(v);

	timer_stop(&pv->oneshot_timer);
	pv->period_ns = 0;
	pv->periodic_next = 0;
	timer_stop(&pv->periodic_timer);
}
