/*
 * hypervisor/arch/x86/pv/pv_domain.c - the machine's side of domains and
 * vCPUs: the hooks of hypervisor/common/domain.h, the scheduler interface
 * of sched/sched.h, and what happens when the initial domain stops.
 */
#include "hypervisor/arch/x86/pv/pv_domain.h"

#include <stdint.h>

#include <xen/xen.h>
#include <xen/sched.h>

#include "hypervisor/arch/x86/pv/pv_gdt.h"
#include "hypervisor/arch/x86/pv/pv_sched.h"
#include "hypervisor/arch/x86/pv/pv_time.h"
#include "hypervisor/arch/x86/pv/pv_timers.h"
#include "hypervisor/arch/x86/pv/pv_emul.h"
#include "hypervisor/arch/x86/pv/pv_vcpu.h"
#include "arch/time.h"
#include "hypervisor/common/domain.h"
#include "hypercalls/evtchn.h"
#include "hypercalls/gnttab.h"
#include "hypervisor/shutdown.h"
#include "lib/errno.h"
#include "lib/printk.h"
#include "mm/heap.h"
#include "mm/mmu_lock.h"
#include "mm/pv_vcpu_mm.h"
#include "sched/sched.h"

/*
 * Where a new vCPU starts (and its home for deferred wake-ups): the CPUs
 * online in turn, whatever domain it belongs to, so one domain's vCPUs
 * start side by side and single-vCPU domains spread out; the credit
 * scheduler moves them from there.
 */
static unsigned int next_cpu(void)
{
	static unsigned int turn;
	unsigned int t = __atomic_fetch_add(&turn, 1, __ATOMIC_RELAXED);
	unsigned int online[MAX_CPUS], n = 0;

	for (unsigned int c = 0; c < MAX_CPUS; c++)
		if (percpu_of[c] && percpu_of[c]->state == CPU_ONLINE)
			online[n++] = c;
	return n ? online[t % n] : 0;
}

static int pv_vcpu_arch_init(struct vcpu *v)
{
	struct pv_vcpu *pv = heap_zalloc(sizeof(*pv));

	if (!pv)
		return -ENOMEM;
	pv->kernel_mode = true;
	pv->dr[6] = PV_DR6_DEFAULT;
	pv->dr[7] = PV_DR7_DEFAULT;
	pv->period_ns = PV_DEFAULT_PERIOD_NS;
	for (unsigned int i = 0; i < sizeof(pv->ldt_frames) / sizeof(pv->ldt_frames[0]); i++)
		pv->ldt_frames[i] = INVALID_MFN;
	pv_vcpu_fpu_reset(pv);
	v->arch = pv;
	pv_set_guest_cr4(v, 0);
	if (pv_sched_vcpu_add(v, next_cpu())) {
		v->arch = NULL;
		heap_free(pv);
		return -ENOMEM;
	}
	return 0;
}

/* Offline already: let its CPU save it and drop its tables. */
static void pv_vcpu_arch_quiesce(struct vcpu *v)
{
	pv_sched_sync(v);
}

static void pv_vcpu_arch_release(struct vcpu *v)
{
	pv_timers_vcpu_release(v);
	pv_time_vcpu_release(v);
	pv_gdt_release(v);
	pv_vcpu_mm_release(v);
}

static void pv_vcpu_arch_free(struct vcpu *v)
{
	pv_sched_vcpu_remove(v);
	heap_free(v->arch);
	v->arch = NULL;
}

/*
 * Event channels (the control domain gets as many ports as the 2-level
 * ABI allows, as Xen's dom0) and grant tables, within d's limits.
 */
static int pv_domain_init(struct domain *d)
{
	int rc;

	pv_time_domain_init(d);
	rc = evtchn_domain_init(d, d->limits.max_evtchn_port);
	if (!rc && (rc = gnttab_domain_init(d)))
		evtchn_domain_destroy(d);
	return rc;
}

/* VIRQ_DOM_EXC to the control domain: another domain shut down, crashed or went away. */
static void tell_control_domain(const struct domain *d)
{
	if (d->domid != 0)
		evtchn_send_control_virq(VIRQ_DOM_EXC);
}

static void pv_domain_teardown(struct domain *d)
{
	gnttab_domain_destroy(d);
	evtchn_domain_destroy(d);
	tell_control_domain(d);
}

static const char *const shutdown_names[] = {
	[SHUTDOWN_poweroff] = "poweroff", [SHUTDOWN_reboot] = "reboot",
	[SHUTDOWN_suspend] = "suspend",	  [SHUTDOWN_crash] = "crash",
	[SHUTDOWN_watchdog] = "watchdog", [SHUTDOWN_soft_reset] = "soft_reset",
};

static void pv_domain_shutdown_notify(struct domain *d)
{
	unsigned int code = d->shutdown_code;
	const char *name = code < sizeof(shutdown_names) / sizeof(shutdown_names[0])
				   ? shutdown_names[code]
				   : "unknown";

	printk("domain %u shut down: %s (code %u)\n", d->domid, name, code);
	if (d->domid != 0) {
		tell_control_domain(d);
		return;
	}
	/* The initial domain is the machine's owner: its end is the machine's. */
	switch (code) {
	case SHUTDOWN_poweroff:
		printk("initial domain powered off: powering off the machine\n");
		machine_power_off(KEEL_EXIT_SUCCESS);
	case SHUTDOWN_reboot:
		printk("initial domain rebooted: %s\n",
		       opt_noreboot ? "noreboot given, powering off" : "rebooting the machine");
		if (opt_noreboot)
			machine_power_off(KEEL_EXIT_SUCCESS);
		machine_restart();
	default:
		printk("initial domain %s: %s\n", d->is_crashed ? "crashed" : "stopped",
		       opt_noreboot ? "noreboot given, powering off" : "rebooting the machine");
		if (opt_noreboot)
			machine_power_off(KEEL_EXIT_FAILURE);
		machine_restart();
	}
}

static void pv_mmu_lock(void)
{
	mmu_lock();
}

static void pv_mmu_unlock(void)
{
	mmu_unlock();
}

void pv_domain_setup(void)
{
	static const struct domain_hooks hooks = {
		.vcpu_arch_init = pv_vcpu_arch_init,
		.vcpu_arch_quiesce = pv_vcpu_arch_quiesce,
		.vcpu_arch_release = pv_vcpu_arch_release,
		.vcpu_arch_free = pv_vcpu_arch_free,
		.domain_init = pv_domain_init,
		.domain_teardown = pv_domain_teardown,
		.vcpu_runnable_changed = pv_sched_runnable_changed,
		.domain_shutdown_notify = pv_domain_shutdown_notify,
		.clock_ns = now_ns,
		.mmu_lock = pv_mmu_lock,
		.mmu_unlock = pv_mmu_unlock,
	};

	domain_init(&hooks);
	pv_sched_init();
}

void sched_yield(struct vcpu *v)
{
	pv_sched_yield(v);
}

void sched_kick(struct vcpu *v)
{
	pv_sched_kick(v);
}

/* hypercalls/evtchn.h: an event became pending for v (any context). */
void evtchn_kick_vcpu(struct vcpu *v)
{
	pv_sched_wake(v);
}
