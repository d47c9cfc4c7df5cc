/*
 * hypervisor/common/pv_cr4.c - a PV vCPU's view of CR4 (rules in pv_cr4.h).
 */
#include "hypervisor/common/pv_cr4.h"

uint64_t pv_cr4_guest_view(const struct pv_cr4_policy *p, uint64_t host_cr4, uint64_t val)
{
	uint64_t offered = (p->tsc ? PV_CR4_TSD : 0) | (p->de ? PV_CR4_DE : 0) |
			   (p->fsgsbase ? PV_CR4_FSGSBASE : 0) | (p->xsave ? PV_CR4_OSXSAVE : 0);

	return (val & PV_CR4_GUEST_CHOICE & offered) | (host_cr4 & PV_CR4_HOST_VISIBLE);
}

uint64_t pv_cr4_machine(uint64_t host_cr4, uint64_t guest_cr4)
{
	return (host_cr4 & ~PV_CR4_LOADED) | (guest_cr4 & PV_CR4_LOADED);
}
