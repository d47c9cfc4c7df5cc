/*
 * hypervisor/arch/x86/pv/pv_schedule.c - per-CPU run queues, the context
 * switch, and the work done on every return to a guest.
 *
 * Scheduling here is deliberately minimal: round robin among the vCPUs
 * placed on a CPU, rescheduling when the running one stops being
 * runnable, yields, another one wakes, or its time slice (PV_TIME_SLICE_NS)
 * ends while another runnable vCPU waits on the same CPU, so a vCPU that
 * spins cannot starve the others.  The credit scheduler replaces the
 * choice of the next vCPU, not the switch.
 *
 * A vCPU lives on one CPU's run queue from its creation on (round robin
 * over the CPUs online, pv_domain.c) and only that CPU ever runs it, so
 * a vCPU never runs on two CPUs at once and its saved context is only
 * touched by that CPU, or by others once pv_sched_sync() says it left.
 * The vCPUs of one domain run on their CPUs concurrently.
 *
 * Locks: the run queue of a CPU is under its rq_lock (taken with
 * interrupts off).  curr_vcpu and the guest frame are only written by
 * their own CPU, with interrupts off; other CPUs read curr_vcpu (TLB
 * flushes, pv_sched_sync).
 */
#include "hypervisor/arch/x86/pv/pv_sched.h"

#include "arch/apic.h"
#include "arch/cpu.h"
#include "arch/paging.h"
#include "arch/smp.h"
#include "hypervisor/arch/x86/pv/bounce.h"
#include "hypervisor/arch/x86/pv/pv_gdt.h"
#include "hypervisor/arch/x86/pv/pv_time.h"
#include "hypervisor/arch/x86/pv/pv_timers.h"
#include "hypervisor/arch/x86/pv/pv_vcpu.h"
#include "hypervisor/common/domain.h"
#include "hypercalls/hypercalls.h"
#include "hypervisor/timer.h"
#include "lib/printk.h"
#include "sched/sched.h"

/* How long a vCPU runs while others wait on its CPU (Xen's credit1 default slice). */
#define PV_TIME_SLICE_NS (30ULL * 1000 * 1000)

/* Per CPU: ends the running vCPU's slice; armed only while another waits. */
static struct timer slice_timer[MAX_CPUS];

void pv_rq_add(struct vcpu *v, unsigned int cpu)
{
	struct percpu *p = percpu_of[cpu];
	struct pv_vcpu *pv = pv_vcpu(v);
	unsigned long flags = spin_lock_irqsave(&p->rq_lock);

	pv->processor = cpu;
	if (!p->rq_head) {
		pv->rq_next = v;
		p->rq_head = v;
	} else {
		pv->rq_next = pv_vcpu(p->rq_head)->rq_next;
		pv_vcpu(p->rq_head)->rq_next = v;
	}
	spin_unlock_irqrestore(&p->rq_lock, flags);
}

void pv_rq_remove(struct vcpu *v)
{
	struct pv_vcpu *pv = pv_vcpu(v);
	struct percpu *p = percpu_of[pv->processor];
	unsigned long flags = spin_lock_irqsave(&p->rq_lock);
	struct vcpu *prev = p->rq_head;

	BUG_ON(p->curr_vcpu == v);
	if (prev) {
		while (pv_vcpu(prev)->rq_next != v && pv_vcpu(prev)->rq_next != p->rq_head)
			prev = pv_vcpu(prev)->rq_next;
		if (pv_vcpu(prev)->rq_next == v) {
			if (prev == v)
				p->rq_head = NULL;
			else {
				pv_vcpu(prev)->rq_next = pv->rq_next;
				if (p->rq_head == v)
					p->rq_head = prev;
			}
		}
	}
	pv->rq_next = NULL;
	spin_unlock_irqrestore(&p->rq_lock, flags);
}

static void kick_interrupt(struct trap_frame *f)
{
	(void)f;
	apic_eoi(); /* the interrupted exit path or idle loop re-reads need_resched */
}

void pv_sched_init(void)
{
	set_irq_handler(VECTOR_IPI_KICK, kick_interrupt);
}

/* Makes CPU p choose again: at once if it is this one, else by IPI. */
static void kick_cpu(struct percpu *p)
{
	p->need_resched = true;
	if (p != this_cpu())
		apic_send_ipi(p->apic_id, VECTOR_IPI_KICK);
}

void pv_sched_kick(struct vcpu *v)
{
	kick_cpu(percpu_of[pv_vcpu(v)->processor]);
}

void pv_sched_wake(struct vcpu *v)
{
	/* vcpu_wake takes the domain lock: the exit path of v's CPU does it. */
	struct percpu *p = percpu_of[pv_vcpu(v)->processor];

	pv_vcpu(v)->wake_pending = true;
	__atomic_store_n(&p->wakeups_pending, true, __ATOMIC_SEQ_CST);
	kick_cpu(p);
}

/* The next runnable vCPU after the current one (round robin), or NULL. */
static struct vcpu *pick_next(struct percpu *p)
{
	struct vcpu *start, *v;

	spin_lock(&p->rq_lock);
	start = p->curr_vcpu ? pv_vcpu(p->curr_vcpu)->rq_next : p->rq_head;
	v = start;
	if (v) {
		do {
			if (vcpu_runnable(v))
				break;
			v = pv_vcpu(v)->rq_next;
		} while (v != start);
		if (!vcpu_runnable(v))
			v = NULL;
	}
	spin_unlock(&p->rq_lock);
	return v;
}

/* Does a runnable vCPU other than v wait on p's run queue? */
static bool others_waiting(struct percpu *p, struct vcpu *v)
{
	bool found = false;

	spin_lock(&p->rq_lock);
	for (struct vcpu *w = pv_vcpu(v)->rq_next; w && w != v && !found; w = pv_vcpu(w)->rq_next)
		found = vcpu_runnable(w);
	spin_unlock(&p->rq_lock);
	return found;
}

static void slice_expired(struct timer *t, void *data)
{
	(void)t, (void)data;
	this_cpu()->need_resched = true; /* the interrupt returns through pv_exit_work */
}

/* v has just been (re)chosen to run on this CPU: start its slice, if anyone waits. */
static void slice_start(struct percpu *p, struct vcpu *v)
{
	struct timer *t = &slice_timer[smp_processor_id()];

	if (!others_waiting(p, v)) {
		timer_stop(t);
		return;
	}
	t->fn = slice_expired;
	t->data = NULL;
	timer_set(t, sched_now_ns() + PV_TIME_SLICE_NS);
}

/* Loads v's kernel page tables (kernel = true) or those of the mode it is in. */
static void load_guest_tables(struct vcpu *v, bool kernel)
{
	const struct pv_vcpu *pv = pv_vcpu(v);
	mfn_t l4 = kernel || pv->kernel_mode || !mfn_valid_raw(v->mm.guest_table_user)
			   ? v->mm.guest_table
			   : v->mm.guest_table_user;

	write_cr3(mfn_x(l4) << PAGE_SHIFT);
}

/*
 * Takes v off this CPU.  Its runstate area (a guest kernel address) is
 * written while its own tables are still loaded; then Keel's idle tables
 * are, so once curr_vcpu no longer names v (pv_sched_sync) no CPU walks
 * v's tables any more.
 */
static void save_context(struct vcpu *v)
{
	struct pv_vcpu *pv = pv_vcpu(v);

	pv->regs = *guest_regs();
	pv->fs_base = rdmsr(MSR_FS_BASE);
	if (pv->kernel_mode) {
		pv->gs_base_kernel = rdmsr(MSR_GS_BASE);
		pv->gs_base_user = rdmsr(MSR_KERNEL_GS_BASE);
	} else {
		pv->gs_base_user = rdmsr(MSR_GS_BASE);
		pv->gs_base_kernel = rdmsr(MSR_KERNEL_GS_BASE);
	}
	__asm__ volatile("clts; fxsave64 %0" : "=m"(pv->fpu));
	pv_gdt_switch_from(v);
	pv_time_switch_out(v);
	vcpu_set_running(v, false);
	if (v->runstate_guest) {
		if (!pv->kernel_mode)
			load_guest_tables(v, true);
		vcpu_runstate_area_update(v);
	}
	write_cr3(idle_pml4_maddr);
}

static void load_context(struct vcpu *v)
{
	struct pv_vcpu *pv = pv_vcpu(v);

	*guest_regs() = pv->regs;
	pv_gdt_switch_to(v);
	pv_time_switch_in(v);
	wrmsr(MSR_FS_BASE, pv->fs_base);
	wrmsr(MSR_GS_BASE, pv->kernel_mode ? pv->gs_base_kernel : pv->gs_base_user);
	wrmsr(MSR_KERNEL_GS_BASE, pv->kernel_mode ? pv->gs_base_user : pv->gs_base_kernel);
	__asm__ volatile("clts; fxrstor64 %0" ::"m"(pv->fpu));
	if (pv->cr0_ts)
		write_cr0(read_cr0() | CR0_TS);
	else
		__asm__ volatile("clts");
	vcpu_set_running(v, true);
	/* The shared areas are guest kernel addresses: written through the kernel's tables. */
	load_guest_tables(v, true);
	vcpu_runstate_area_update(v);
	vcpu_time_area_update(v);
	if (!pv->kernel_mode)
		load_guest_tables(v, false);
}

static void context_switch(struct percpu *p, struct vcpu *prev, struct vcpu *next)
{
	if (prev)
		save_context(prev);
	/* Before next's tables are loaded: TLB flushes for its domain must reach this CPU. */
	__atomic_store_n(&p->curr_vcpu, next, __ATOMIC_SEQ_CST);
	if (next)
		load_context(next);
}

void pv_sched_sync(struct vcpu *v)
{
	struct percpu *p = percpu_of[pv_vcpu(v)->processor];

	BUG_ON(p == this_cpu() && p->curr_vcpu == v);
	while (__atomic_load_n(&p->curr_vcpu, __ATOMIC_SEQ_CST) == v)
		cpu_relax();
}

/* Enters the event callback when an event is pending and not masked. */
static void check_upcall(struct vcpu *v, struct trap_frame *f)
{
	struct vcpu_info *vi = v->vcpu_info;
	struct pv_vcpu *pv = pv_vcpu(v);

	if (!vi || !vi->evtchn_upcall_pending || vi->evtchn_upcall_mask || !pv->event_cb.address)
		return;
	if (pv_bounce(v, f, pv->event_cb.address, true, false, 0))
		pv_crash(v, f, "cannot deliver the event upcall");
}

void pv_exit_work(void);

void pv_exit_work(void)
{
	struct percpu *p = this_cpu();

	for (;;) {
		struct vcpu *v = p->curr_vcpu;

		pv_timers_deferred_work();
		if (p->need_resched || !v || !vcpu_runnable(v)) {
			struct vcpu *next;

			p->need_resched = false;
			next = pick_next(p);
			if (next != v)
				context_switch(p, v, next);
			else if (next && next->state != VCPU_RUNNING)
				vcpu_set_running(next, true); /* blocked and woken again without leaving */
			if (next)
				slice_start(p, next);
			if (!next) {
				timer_stop(&slice_timer[smp_processor_id()]);
				/* Idle until an interrupt: sti; hlt is atomic. */
				__asm__ volatile("sti; hlt; cli" ::: "memory");
				continue;
			}
			v = next;
		}
		check_upcall(v, guest_regs());
		if (!vcpu_runnable(v))
			continue; /* the upcall crashed the domain */
		if (!is_canonical(guest_regs()->rip) || !is_canonical(guest_regs()->rsp)) {
			pv_crash(v, guest_regs(), "non-canonical RIP or RSP");
			continue;
		}
		return;
	}
}
