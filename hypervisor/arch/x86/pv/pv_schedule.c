/*
 * hypervisor/arch/x86/pv/pv_schedule.c - the machine side of scheduling:
 * the credit scheduler (sched/credit.c, through sched/policy.h) decides
 * which vCPU runs where; this file carries the decisions out: the policy
 * timer of each CPU, the context switch, moving a vCPU from one CPU to
 * another safely, and the work done on every return to a guest.
 *
 * Decisions.  The policy is told when a vCPU's runnable state changes
 * (the vcpu_runnable_changed hook: pv_sched_runnable_changed), when one
 * yields, when the toolstack changes its hard affinity
 * (sched_vcpu_affinity_set), and when a CPU's policy timer has passed;
 * it answers with the CPUs that must choose again.  Those get
 * need_resched (and an IPI if they are not this CPU), and each, on its
 * way back to a guest (pv_exit_work), asks sched_pick_next what to run.  Time is now_ns(),
 * the TSC: a vCPU is charged the time it actually ran.  Policy timers
 * only flag their CPU; the exit path makes the call (no policy call from
 * an interrupt handler).
 *
 * Moving vCPUs.  The policy may give CPU B a vCPU that last ran on CPU A
 * (stolen from A's queue).  A may not have saved it yet: A chose to
 * switch away from it and released the scheduler lock, and is about to
 * save it.  So B, before loading it, waits until A's curr_vcpu no longer
 * names it (a CPU changes curr_vcpu only once the vCPU's registers are
 * saved and Keel's own page tables are loaded), then records B as its
 * processor, sets its own curr_vcpu, and loads it.  A CPU sets curr_vcpu
 * to NULL while it waits, so two CPUs exchanging vCPUs cannot wait for
 * each other, and it waits with interrupts enabled, so TLB-flush IPIs
 * still reach it.  The policy gives a vCPU to at most one CPU at a time
 * and every CPU waits for the previous one to let go: a vCPU is never
 * loaded on two CPUs at once.
 *
 * pv_vcpu.processor: the CPU the vCPU runs on or last ran on (pv_tlb.c,
 * pv_sched_sync, getvcpuinfo read it).  Written only by the CPU about to
 * load it, after the old one let go and before its curr_vcpu names it, so
 * a TLB flusher that reads the old value knows the new CPU has not yet
 * walked the vCPU's tables.
 * pv_vcpu.home: the CPU whose ring (percpu rq_head, under rq_lock) holds
 * the vCPU for deferred wake-ups (pv_timers.c), fixed at creation: timer
 * callbacks and event senders need a CPU that will look at the vCPU soon,
 * not the one it happens to run on.
 *
 * Locks: sched_lock serialises every call into the policy (with
 * interrupts off); it nests inside d->lock (the hook is called with it
 * held) and nothing here calls into vcpu.c while holding it.  curr_vcpu
 * and the guest frame are only written by their own CPU, interrupts off.
 */
#include "hypervisor/arch/x86/pv/pv_sched.h"

#include "arch/apic.h"
#include "arch/cpu.h"
#include "arch/paging.h"
#include "arch/smp.h"
#include "arch/time.h"
#include "hypervisor/arch/x86/pv/bounce.h"
#include "hypervisor/arch/x86/pv/pv_gdt.h"
#include "hypervisor/arch/x86/pv/pv_time.h"
#include "hypervisor/arch/x86/pv/pv_timers.h"
#include "hypervisor/arch/x86/pv/pv_emul.h"
#include "hypervisor/arch/x86/pv/pv_vcpu.h"
#include "hypervisor/common/domain.h"
#include "hypervisor/options.h"
#include "hypercalls/hypercalls.h"
#include "hypervisor/timer.h"
#include "lib/errno.h"
#include "lib/printk.h"
#include "mm/heap.h"
#include "sched/credit.h"
#include "sched/policy.h"
#include "sched/sched.h"

static spinlock_t sched_lock = SPINLOCK_INIT;
static struct sched sched;
static bool sched_started; /* the policy exists (from the first vCPU on) */

/* Per CPU: the policy's timer, and "it passed" for the exit path. */
static struct timer policy_timer[MAX_CPUS];
static volatile bool policy_timer_due[MAX_CPUS];

/* The policy over the CPUs online, with the command line's parameters.  sched_lock held. */
static void sched_start(void)
{
	struct sched_params p;
	unsigned int nr = 0;

	sched_params_default(&p);
	if (opt_sched_tslice_ms != UINT32_MAX)
		p.tslice_ns = (uint64_t)opt_sched_tslice_ms * 1000 * 1000;
	if (opt_sched_ratelimit_us != UINT32_MAX)
		p.ratelimit_ns = (uint64_t)opt_sched_ratelimit_us * 1000;
	if (sched_params_check(&p)) {
		printk(KLOG_WARNING "sched: time slice %u ms / rate limit %u us refused: "
				    "Xen's defaults (30 ms, 1000 us)\n",
		       opt_sched_tslice_ms, opt_sched_ratelimit_us);
		sched_params_default(&p);
	}
	for (unsigned int c = 0; c < MAX_CPUS; c++)
		if (percpu_of[c] && percpu_of[c]->state == CPU_ONLINE)
			nr = c + 1;
	sched_init(&sched, &credit_ops, &p, nr);
	for (unsigned int c = 0; c < nr; c++)
		if (!percpu_of[c] || percpu_of[c]->state != CPU_ONLINE)
			sched_cpu_offline(&sched, c);
	sched_started = true;
	printk(KLOG_INFO "sched: credit on %u CPUs, slice %llu ms, rate limit %llu us\n",
	       sched_cpumask_weight(sched.online), (unsigned long long)p.tslice_ns / 1000000,
	       (unsigned long long)p.ratelimit_ns / 1000);
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

/* Makes the CPUs the policy named choose again. */
static void kick_mask(sched_cpumask_t mask)
{
	for (; mask; mask &= mask - 1)
		kick_cpu(percpu_of[__builtin_ctzll(mask)]);
}

/* Adds v to its home CPU's ring (deferred wake-ups). */
static void home_add(struct vcpu *v, unsigned int cpu)
{
	struct percpu *p = percpu_of[cpu];
	struct pv_vcpu *pv = pv_vcpu(v);
	unsigned long flags = spin_lock_irqsave(&p->rq_lock);

	pv->home = cpu;
	if (!p->rq_head) {
		pv->rq_next = v;
		p->rq_head = v;
	} else {
		pv->rq_next = pv_vcpu(p->rq_head)->rq_next;
		pv_vcpu(p->rq_head)->rq_next = v;
	}
	spin_unlock_irqrestore(&p->rq_lock, flags);
}

static void home_remove(struct vcpu *v)
{
	struct pv_vcpu *pv = pv_vcpu(v);
	struct percpu *p = percpu_of[pv->home];
	unsigned long flags = spin_lock_irqsave(&p->rq_lock);
	struct vcpu *prev = p->rq_head;

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

int pv_sched_vcpu_add(struct vcpu *v, unsigned int cpu)
{
	struct domain *d = v->domain;
	struct sched_dom *fresh = d->sched_data ? NULL : heap_zalloc(sizeof(*fresh));
	unsigned long flags;

	if (!d->sched_data && !fresh)
		return -ENOMEM;
	flags = spin_lock_irqsave(&sched_lock);
	if (!sched_started)
		sched_start();
	if (!d->sched_data) {
		sched_dom_add(&sched, fresh, d);
		d->sched_data = fresh;
		fresh = NULL;
	}
	sched_vcpu_add(&sched, &pv_vcpu(v)->sv, d->sched_data, v, cpu);
	pv_vcpu(v)->affinity = (struct sched_affinity){~0ULL, ~0ULL}; /* every CPU, as on Xen */
	spin_unlock_irqrestore(&sched_lock, flags);
	if (fresh)
		heap_free(fresh);
	pv_vcpu(v)->processor = cpu;
	home_add(v, cpu);
	return 0;
}

void pv_sched_vcpu_remove(struct vcpu *v)
{
	struct domain *d = v->domain;
	struct sched_dom *gone = NULL;
	unsigned long flags;

	home_remove(v);
	flags = spin_lock_irqsave(&sched_lock);
	sched_vcpu_remove(&sched, &pv_vcpu(v)->sv);
	if (!((struct sched_dom *)d->sched_data)->nr_vcpus) {
		gone = d->sched_data;
		sched_dom_remove(&sched, gone);
		d->sched_data = NULL;
	}
	spin_unlock_irqrestore(&sched_lock, flags);
	if (gone)
		heap_free(gone);
}

void pv_sched_runnable_changed(struct vcpu *v, bool runnable)
{
	struct sched_vcpu *sv = &pv_vcpu(v)->sv;
	unsigned long flags = spin_lock_irqsave(&sched_lock);
	sched_cpumask_t mask = runnable ? sched_vcpu_wake(&sched, sv, now_ns())
					: sched_vcpu_sleep(&sched, sv, now_ns());

	spin_unlock_irqrestore(&sched_lock, flags);
	kick_mask(mask);
}

void pv_sched_yield(struct vcpu *v)
{
	unsigned long flags = spin_lock_irqsave(&sched_lock);
	sched_cpumask_t mask = sched_vcpu_yield(&sched, &pv_vcpu(v)->sv);

	spin_unlock_irqrestore(&sched_lock, flags);
	kick_mask(mask);
}

void sched_credit_get(struct domain *d, unsigned int *weight, unsigned int *cap)
{
	unsigned long flags = spin_lock_irqsave(&sched_lock);
	const struct sched_dom *sd = d->sched_data;

	*weight = sd ? sd->weight : SCHED_DEFAULT_WEIGHT;
	*cap = sd ? sd->cap : 0;
	spin_unlock_irqrestore(&sched_lock, flags);
}

int sched_credit_set(struct domain *d, unsigned int weight, unsigned int cap)
{
	sched_cpumask_t mask = 0;
	unsigned long flags = spin_lock_irqsave(&sched_lock);
	int rc = d->sched_data ? sched_dom_set(&sched, d->sched_data, weight, cap, now_ns(), &mask)
			       : -EINVAL;

	spin_unlock_irqrestore(&sched_lock, flags);
	kick_mask(mask);
	return rc;
}

unsigned int pv_sched_vcpu_cpu(const struct vcpu *v)
{
	unsigned long flags = spin_lock_irqsave(&sched_lock);
	unsigned int cpu = pv_vcpu(v)->sv.cpu;

	spin_unlock_irqrestore(&sched_lock, flags);
	return cpu;
}

void sched_vcpu_affinity_get(struct vcpu *v, struct sched_affinity *a)
{
	unsigned long flags = spin_lock_irqsave(&sched_lock);

	*a = pv_vcpu(v)->affinity;
	spin_unlock_irqrestore(&sched_lock, flags);
}

int sched_vcpu_affinity_set(struct vcpu *v, struct sched_affinity *a)
{
	struct pv_vcpu *pv = pv_vcpu(v);
	sched_cpumask_t mask = 0;
	unsigned long flags = spin_lock_irqsave(&sched_lock);
	/* The policy moves v off a CPU no longer allowed; the CPUs in mask pick again. */
	int rc = sched_vcpu_set_affinity(&sched, &pv->sv, a->hard, now_ns(), &mask);

	if (!rc) {
		pv->affinity = *a;
		a->hard = pv->sv.affinity;
		a->soft &= a->hard;
	}
	spin_unlock_irqrestore(&sched_lock, flags);
	kick_mask(mask);
	return rc;
}

void pv_sched_kick(struct vcpu *v)
{
	kick_cpu(percpu_of[pv_vcpu(v)->processor]);
}

void pv_sched_notify(struct vcpu *v)
{
	struct percpu *p = percpu_of[pv_vcpu(v)->home];

	__atomic_store_n(&p->wakeups_pending, true, __ATOMIC_SEQ_CST);
	kick_cpu(p);
}

void pv_sched_wake(struct vcpu *v)
{
	struct percpu *run = percpu_of[pv_vcpu(v)->processor];

	/* vcpu_wake takes the domain lock: the exit path of v's home CPU does it. */
	pv_vcpu(v)->wake_pending = true;
	pv_sched_notify(v);
	/*
	 * The upcall is entered by the CPU running v, on its next exit: when
	 * that is neither home (kicked above) nor this CPU (exiting soon
	 * anyway), make the exit happen now.  A plain kick: nothing to pick.
	 */
	if (run != percpu_of[pv_vcpu(v)->home] && run != this_cpu() &&
	    __atomic_load_n(&run->curr_vcpu, __ATOMIC_SEQ_CST) == v)
		apic_send_ipi(run->apic_id, VECTOR_IPI_KICK);
}

static void policy_timer_fired(struct timer *t, void *data)
{
	(void)data;
	policy_timer_due[smp_processor_id()] =
	    true; /* the interrupt returns through pv_exit_work */
	/*
	 * Queued again at once, in case the exit path is late (a long
	 * hypercall), which re-arms it exactly: so a CPU's policy timer is
	 * queued for as long as the policy wants one (pv_sched_timers_queued).
	 */
	timer_set(t, now_ns() + sched.params.tick_ns);
}

bool pv_sched_work_pending(void)
{
	return this_cpu()->need_resched || policy_timer_due[smp_processor_id()];
}

unsigned int pv_sched_timers_queued(void)
{
	unsigned int n = 0;

	for (unsigned int c = 0; c < MAX_CPUS; c++)
		n += timer_is_queued(&policy_timer[c]);
	return n;
}

/* The policy wants to hear from this CPU at time t (0: it does not). */
static void arm_policy_timer(unsigned int cpu, uint64_t t)
{
	struct timer *tm = &policy_timer[cpu];

	if (!t) {
		timer_stop(tm);
		return;
	}
	tm->fn = policy_timer_fired;
	tm->data = NULL;
	timer_set(tm, t);
}

static void policy_tick(unsigned int cpu)
{
	uint64_t next = 0;
	sched_cpumask_t mask = 0;
	unsigned long flags;

	policy_timer_due[cpu] = false;
	flags = spin_lock_irqsave(&sched_lock);
	if (sched_started)
		mask = sched_tick(&sched, cpu, now_ns(), &next);
	spin_unlock_irqrestore(&sched_lock, flags);
	arm_policy_timer(cpu, next);
	kick_mask(mask);
}

/* What this CPU runs from now on, as the policy decides. */
static struct vcpu *pick(unsigned int cpu)
{
	struct sched_choice ch = {0};
	unsigned long flags = spin_lock_irqsave(&sched_lock);

	if (sched_started)
		ch = sched_pick_next(&sched, cpu, now_ns());
	spin_unlock_irqrestore(&sched_lock, flags);
	arm_policy_timer(cpu, ch.timer_ns);
	kick_mask(ch.tickle);
	return ch.next ? ch.next->owner : NULL;
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
	pv_load_guest_cr4(v);
	vcpu_set_running(v, true);
	/* The shared areas are guest kernel addresses: written through the kernel's tables. */
	load_guest_tables(v, true);
	vcpu_runstate_area_update(v);
	vcpu_time_area_update(v);
	if (!pv->kernel_mode)
		load_guest_tables(v, false);
}

/*
 * v last ran on another CPU: wait until that CPU has let it go (rules at
 * the top), then make this CPU its processor.
 */
static void claim(struct vcpu *v)
{
	struct pv_vcpu *pv = pv_vcpu(v);
	struct percpu *old = percpu_of[pv->processor];

	if (old == this_cpu())
		return;
	while (__atomic_load_n(&old->curr_vcpu, __ATOMIC_SEQ_CST) == v)
		__asm__ volatile("sti; pause; cli" ::: "memory"); /* IPIs still reach this CPU */
	__atomic_store_n(&pv->processor, smp_processor_id(), __ATOMIC_SEQ_CST);
}

static void context_switch(struct percpu *p, struct vcpu *prev, struct vcpu *next)
{
	if (prev) {
		save_context(prev);
		/* Let go of prev before waiting for next: a CPU taking prev may be what next waits
		 * on. */
		__atomic_store_n(&p->curr_vcpu, NULL, __ATOMIC_SEQ_CST);
	}
	if (!next)
		return;
	claim(next);
	/* Before next's tables are loaded: TLB flushes for its domain must reach this CPU. */
	__atomic_store_n(&p->curr_vcpu, next, __ATOMIC_SEQ_CST);
	load_context(next);
}

void pv_sched_sync(struct vcpu *v)
{
	const struct sched_vcpu *sv = &pv_vcpu(v)->sv;
	bool chosen = true;

	BUG_ON(this_cpu()->curr_vcpu == v);
	/* First the CPU the policy gave it to must choose again (it has been told to)... */
	while (chosen) {
		unsigned long flags = spin_lock_irqsave(&sched_lock);

		chosen = sv->where == SCHED_RUNNING;
		spin_unlock_irqrestore(&sched_lock, flags);
		if (chosen)
			cpu_relax();
	}
	/* ...then that CPU must have saved it. */
	for (unsigned int c = 0; c < MAX_CPUS; c++)
		while (percpu_of[c] &&
		       __atomic_load_n(&percpu_of[c]->curr_vcpu, __ATOMIC_SEQ_CST) == v)
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
	unsigned int cpu = p->cpu;

	for (;;) {
		struct vcpu *v = p->curr_vcpu;

		pv_timers_deferred_work();
		if (policy_timer_due[cpu])
			policy_tick(cpu);
		if (p->need_resched || !v || !vcpu_runnable(v)) {
			struct vcpu *next;

			p->need_resched = false;
			next = pick(cpu);
			if (next != v)
				context_switch(p, v, next);
			else if (next && next->state != VCPU_RUNNING)
				vcpu_set_running(next, true); /* blocked, woken without leaving */
			if (!next) {
				/* Idle until an interrupt: sti; hlt is atomic. */
				__asm__ volatile("sti; hlt; cli" ::: "memory");
				continue;
			}
			v = next;
		}
		check_upcall(v, guest_regs());
		if (!vcpu_runnable(v))
			continue; /* the upcall crashed the domain, or it stopped meanwhile */
		if (!is_canonical(guest_regs()->rip) || !is_canonical(guest_regs()->rsp)) {
			pv_crash(v, guest_regs(), "non-canonical RIP or RSP");
			continue;
		}
		return;
	}
}
