/*
 * tests/host/pv_mm_arch_shim.c - hypercalls/pv_mm_arch.h for unit tests:
 * no TLB or cache to flush, so every call is only recorded in host_pv_mm
 * (see host/pv_mm_arch_shim.h).
 */
#include "host/pv_mm_arch_shim.h"

#include <string.h>

#include "mm/mmu_lock.h"

struct host_pv_mm_calls host_pv_mm;
void (*host_pv_mm_on_new_baseptr)(struct vcpu *v, bool user);

void host_pv_mm_reset(void)
{
	memset(&host_pv_mm, 0, sizeof(host_pv_mm));
	host_pv_mm_on_new_baseptr = NULL;
}

static void keep_mask(const uint64_t *mask)
{
	memcpy(host_pv_mm.mask, mask, sizeof(host_pv_mm.mask));
}

void pv_mm_flush_tlb_local(void)
{
	host_pv_mm.flush_local++;
}

void pv_mm_invlpg_local(uint64_t va)
{
	host_pv_mm.invlpg_local++;
	host_pv_mm.va = va;
}

void pv_mm_flush_tlb_vcpus(struct domain *d, const uint64_t *mask)
{
	host_pv_mm.flush_vcpus++;
	host_pv_mm.domain = d;
	keep_mask(mask);
}

void pv_mm_invlpg_vcpus(struct domain *d, const uint64_t *mask, uint64_t va)
{
	host_pv_mm.invlpg_vcpus++;
	host_pv_mm.domain = d;
	host_pv_mm.va = va;
	keep_mask(mask);
}

void pv_mm_flush_tlb_domain(struct domain *d)
{
	host_pv_mm.flush_domain++;
	host_pv_mm.domain = d;
	host_pv_mm.lock_held_flush_domain = mmu_lock_held();
}

void pv_mm_invlpg_domain(struct domain *d, uint64_t va)
{
	host_pv_mm.invlpg_domain++;
	host_pv_mm.domain = d;
	host_pv_mm.va = va;
}

void pv_mm_new_baseptr(struct vcpu *v, bool user)
{
	if (user)
		host_pv_mm.new_user_baseptr++;
	else
		host_pv_mm.new_baseptr++;
	host_pv_mm.vcpu = v;
	host_pv_mm.lock_held_baseptr = mmu_lock_held();
	if (host_pv_mm_on_new_baseptr)
		host_pv_mm_on_new_baseptr(v, user);
}

void pv_mm_ldt_changed(struct vcpu *v)
{
	host_pv_mm.ldt_changed++;
	host_pv_mm.vcpu = v;
	host_pv_mm.lock_held_ldt = mmu_lock_held();
}

void pv_mm_flush_cache_local(void)
{
	host_pv_mm.cache_local++;
}

void pv_mm_flush_cache_all(void)
{
	host_pv_mm.cache_all++;
}
