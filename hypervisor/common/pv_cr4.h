/*
 * hypervisor/common/pv_cr4.h - a PV vCPU's view of CR4, as Xen 4.17 keeps it.
 *
 * A PV kernel reads and writes CR4 (mov to/from %cr4 traps and is
 * emulated).  It never sees or changes the machine's CR4 directly:
 *   - four bits are the guest's own choice, each only if its CPUID
 *     policy offers the feature: TSD (rdtsc in user mode faults),
 *     DE (debug extensions), FSGSBASE (rd/wr{fs,gs}base), OSXSAVE;
 *   - four bits mirror the hypervisor's own settings: PAE, MCE, OSFXSR,
 *     OSXMMEXCPT;
 *   - everything else reads as 0 and writes to it are dropped (a write is
 *     never refused: Linux writes CR4 back with bits it read elsewhere).
 * Of the guest's bits, TSD and FSGSBASE are loaded into the machine's CR4
 * while the vCPU runs; DE and OSXSAVE are only remembered.
 */
#ifndef KEEL_HYPERVISOR_COMMON_PV_CR4_H
#define KEEL_HYPERVISOR_COMMON_PV_CR4_H

#include <stdbool.h>
#include <stdint.h>

#define PV_CR4_TSD (1ull << 2)
#define PV_CR4_DE (1ull << 3)
#define PV_CR4_PAE (1ull << 5)
#define PV_CR4_MCE (1ull << 6)
#define PV_CR4_OSFXSR (1ull << 9)
#define PV_CR4_OSXMMEXCPT (1ull << 10)
#define PV_CR4_FSGSBASE (1ull << 16)
#define PV_CR4_OSXSAVE (1ull << 18)

/* The bits a guest chooses, and those it sees of the hypervisor's. */
#define PV_CR4_GUEST_CHOICE (PV_CR4_TSD | PV_CR4_DE | PV_CR4_FSGSBASE | PV_CR4_OSXSAVE)
#define PV_CR4_HOST_VISIBLE (PV_CR4_PAE | PV_CR4_MCE | PV_CR4_OSFXSR | PV_CR4_OSXMMEXCPT)
/* The guest's choices that reach the machine's CR4 while it runs. */
#define PV_CR4_LOADED (PV_CR4_TSD | PV_CR4_FSGSBASE)

/* Which of the guest-chosen features its CPUID policy offers. */
struct pv_cr4_policy {
	bool tsc, de, fsgsbase, xsave;
};

struct pv_cpuid_params;

/* What the CPUID policy p (hypervisor/common/pv_cpuid.h) offers of those features. */
struct pv_cr4_policy pv_cr4_policy_of(const struct pv_cpuid_params *p);

/* The guest's new view of CR4 after it wrote `val`; host_cr4 is the hypervisor's. */
uint64_t pv_cr4_guest_view(const struct pv_cr4_policy *p, uint64_t host_cr4, uint64_t val);

/* The machine CR4 to run a vCPU whose view is `guest_cr4` on a CPU that has `host_cr4`. */
uint64_t pv_cr4_machine(uint64_t host_cr4, uint64_t guest_cr4);

#endif
