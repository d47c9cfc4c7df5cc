/*
 * hypervisor/arch/x86/pv/pv_tlb.c - TLB and cache maintenance for the PV
 * MMU hypercalls (the machine's side of hypercalls/pv_mm_arch.h).
 *
 * Guest translations are never global (Keel's own are), so reloading CR3
 * flushes all of them.  A vCPU that is not on a CPU needs nothing: it
 * reloads CR3 before it runs again.  A vCPU of the domain that is on
 * another CPU is flushed there by IPI, and the caller waits until every
 * such CPU has done so (smp_call_function_mask).
 *
 * Which CPUs: a vCPU runs on pv_vcpu.processor, which the CPU about to
 * load it sets only once the previous CPU has let it go and before its
 * own curr_vcpu names it; that curr_vcpu names it from before its CR3 is
 * loaded until after it is replaced (pv_schedule.c's context switch
 * stores curr_vcpu, then loads CR3, which serialises).  A flusher that
 * reads the old processor therefore reads it before the new CPU loads
 * the tables, after the entry changed.  The caller
 * has written the page-table entry before the fence below; so either it
 * sees curr_vcpu and sends the IPI, or that CPU loads CR3, and walks the
 * tables, only after the entry changed.  A vCPU between its CPU's
 * curr_vcpu store and the CR3 load of the next one keeps nothing stale
 * that survives that load.
 */
#include "hypercalls/pv_mm_arch.h"

#include "arch/cpu.h"
#include "arch/smp.h"
#include "hypervisor/arch/x86/pv/bounce.h"
#include "hypervisor/arch/x86/pv/pv_vcpu.h"
#include "hypervisor/common/domain.h"
#include "lib/printk.h"

void pv_mm_flush_tlb_local(void)
{
	write_cr3(read_cr3());
}

void pv_mm_invlpg_local(uint64_t va)
{
	if (is_canonical(va))
		invlpg((const void *)va);
}

static void flush_here(void *arg)
{
	(void)arg;
	write_cr3(read_cr3());
}

static bool in_mask(const uint64_t *mask, unsigned int id)
{
	return !mask || (mask[id / 64] >> (id % 64) & 1);
}

/* The CPUs other than this one on which a vCPU of d selected by mask (NULL: all) is loaded. */
static uint64_t cpus_running(const struct domain *d, const uint64_t *mask)
{
	unsigned int me = smp_processor_id();
	uint64_t cpus = 0;

	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* the caller's entry writes before the reads */
	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		const struct vcpu *v = d->vcpus[i];
		unsigned int cpu = pv_vcpu(v)->processor;

		if (cpu != me && in_mask(mask, i) &&
		    __atomic_load_n(&percpu_of[cpu]->curr_vcpu, __ATOMIC_SEQ_CST) == v)
			cpus |= 1ULL << cpu;
	}
	return cpus;
}

static bool includes_current(const struct domain *d, const uint64_t *mask)
{
	const struct vcpu *cur = current_vcpu();

	return cur && cur->domain == d && in_mask(mask, cur->id);
}

static void flush_vcpus(struct domain *d, const uint64_t *mask)
{
	if (includes_current(d, mask))
		pv_mm_flush_tlb_local();
	smp_call_function_mask(cpus_running(d, mask), flush_here, NULL);
}

void pv_mm_flush_tlb_vcpus(struct domain *d, const uint64_t *mask)
{
	flush_vcpus(d, mask);
}

void pv_mm_invlpg_vcpus(struct domain *d, const uint64_t *mask, uint64_t va)
{
	/* A full flush elsewhere is a correct (if coarse) invlpg. */
	if (includes_current(d, mask))
		pv_mm_invlpg_local(va);
	smp_call_function_mask(cpus_running(d, mask), flush_here, NULL);
}

void pv_mm_flush_tlb_domain(struct domain *d)
{
	flush_vcpus(d, NULL);
}

void pv_mm_invlpg_domain(struct domain *d, uint64_t va)
{
	pv_mm_invlpg_vcpus(d, NULL, va);
}

void pv_mm_new_baseptr(struct vcpu *v, bool user)
{
	struct pv_vcpu *pv = pv_vcpu(v);
	mfn_t l4;

	if (pv->kernel_mode == user)
		return; /* the other mode's table: loaded on the next switch */
	l4 = user && mfn_valid_raw(v->mm.guest_table_user) ? v->mm.guest_table_user
							   : v->mm.guest_table;
	if (mfn_valid_raw(l4))
		write_cr3(mfn_x(l4) << PAGE_SHIFT);
}

static void wbinvd_here(void *arg)
{
	(void)arg;
	__asm__ volatile("wbinvd" ::: "memory");
}

void pv_mm_flush_cache_local(void)
{
	wbinvd_here(NULL);
}

void pv_mm_flush_cache_all(void)
{
	wbinvd_here(NULL);
	smp_call_function(wbinvd_here, NULL);
}
