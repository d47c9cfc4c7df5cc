/*
 * hypervisor/common/pv_cr4.c - a PV vCPU's view of CR4 (rules in pv_cr4.h).
 */
#include "hypervisor/common/pv_cr4.h"

#include <xen/arch-x86/cpufeatureset.h>

#include "hypervisor/common/pv_cpuid.h"

/* Whether feature bit `feature` (a Xen featureset number) of leaf `l` is set. */
static bool has(const struct pv_cpuid_leaf *l, unsigned int reg, unsigned int feature)
{
	const uint32_t regs[4] = {l->a, l->b, l->c, l->d};

	return regs[reg] >> (feature % 32) & 1;
}

struct pv_cr4_policy pv_cr4_policy_of(const struct pv_cpuid_params *p)
{
	struct pv_cpuid_leaf l1, l7;

	pv_cpuid(p, 1, 0, &l1);
	pv_cpuid(p, 7, 0, &l7);
	return (struct pv_cr4_policy){
		.tsc = has(&l1, 3, XEN_X86_FEATURE_TSC),
		.de = has(&l1, 3, XEN_X86_FEATURE_DE),
		.fsgsbase = has(&l7, 1, XEN_X86_FEATURE_FSGSBASE),
		.xsave = has(&l1, 2, XEN_X86_FEATURE_XSAVE),
	};
}

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
