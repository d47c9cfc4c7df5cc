/*
 * hypervisor/arch/x86/pv/pv_tlb.c - TLB and cache maintenance for the PV
 * MMU hypercalls (the machine's side of hypercalls/pv_mm_arch.h).
 *
 * Guest translations are never global (Keel's own are), so reloading CR3
 * flushes all of them.  A vCPU that is not running needs nothing: it
 * reloads CR3 before it runs again.  Flushes of vCPUs running on other
 * CPUs go by IPI to every other CPU (simple and correct; targeting only
 * the CPUs concerned is an optimisation for later).
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

/* True if a vCPU of d selected by mask (NULL: all) runs on a CPU other than this one. */
static bool runs_elsewhere(const struct domain *d, const uint64_t *mask)
{
	unsigned int me = smp_processor_id();

	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		const struct vcpu *v = d->vcpus[i];

		if (mask && !(mask[i / 64] & (1ULL << (i % 64))))
			continue;
		if (v->state == VCPU_RUNNING && pv_vcpu(v)->processor != me)
			return true;
	}
	return false;
}

static bool includes_current(const struct domain *d, const uint64_t *mask)
{
	const struct vcpu *cur = current_vcpu();

	return cur && cur->domain == d && (!mask || (mask[cur->id / 64] & (1ULL << (cur->id % 64))));
}

static void flush_vcpus(struct domain *d, const uint64_t *mask)
{
	if (includes_current(d, mask))
		pv_mm_flush_tlb_local();
	if (runs_elsewhere(d, mask))
		smp_call_function(flush_here, NULL);
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
	if (runs_elsewhere(d, mask))
		smp_call_function(flush_here, NULL);
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
