/*
 * hypervisor/common/pv_cpuid.h - the CPUID view of a 64-bit PV guest.
 *
 * Owns: the policy deciding what CPUID returns to a PV guest, as a pure
 * function of the host's raw CPUID (read through a callback) and a few
 * parameters.  No state, no locks; the caller (the cpuid op of
 * pv_emulate.h) fills the parameters from the vCPU and the machine.
 *
 * What the guest sees, following Xen 4.17 for PV guests (the reference
 * for each choice is in pv_cpuid.c):
 *   - 0x40000000-0x40000005, Xen's leaves (xen/arch-x86/cpuid.h):
 *     signature "XenVMMXenVMM" with max leaf 0x40000005, version 4.17,
 *     one hypercall page and MSR base 0x40000000, the TSC leaf, an empty
 *     HVM leaf, the PV leaf (machine address width);
 *   - native leaves capped at 0xd and 0x80000008 (Intel) or 0x80000021
 *     (AMD), with feature bits reduced to those Xen's featureset
 *     (xen/arch-x86/cpufeatureset.h) marks for all guests by default, the
 *     hypervisor bit set, OSXSAVE as described below;
 *   - zeros for every other leaf (not Intel's "repeat the last basic leaf").
 *
 * OSXSAVE: architecturally it mirrors the guest's CR4.OSXSAVE.  Xen also
 * shows it to the guest kernel's enlightened (forced-emulation) CPUID
 * whenever XSAVE is offered, because PV Linux decides to use XSAVE only
 * if it sees both XSAVE and OSXSAVE there; that quirk is part of the PV
 * ABI, so we keep it (parameter enlightened_kernel).
 */
#ifndef HYPERVISOR_COMMON_PV_CPUID_H
#define HYPERVISOR_COMMON_PV_CPUID_H

#include <stdbool.h>
#include <stdint.h>

/* The Xen version the hypervisor leaves report (Keel implements 4.17's ABI). */
#define PV_CPUID_XEN_MAJOR 4
#define PV_CPUID_XEN_MINOR 17

/* The hypervisor leaves: first and last. */
#define PV_CPUID_HV_BASE 0x40000000u
#define PV_CPUID_HV_MAX	 0x40000005u

/* XCR0 components (Intel SDM vol. 1, 13.1). */
#define PV_XCR0_X87	  (1ull << 0)
#define PV_XCR0_SSE	  (1ull << 1)
#define PV_XCR0_YMM	  (1ull << 2)
#define PV_XCR0_OPMASK	  (1ull << 5)
#define PV_XCR0_ZMM_HI256 (1ull << 6)
#define PV_XCR0_HI16_ZMM  (1ull << 7)
/* The components a PV guest may ever get (no MPX, PKRU or AMX: Xen hides them from PV). */
#define PV_XCR0_ALLOWED                                                                            \
	(PV_XCR0_X87 | PV_XCR0_SSE | PV_XCR0_YMM | PV_XCR0_OPMASK | PV_XCR0_ZMM_HI256 |            \
	 PV_XCR0_HI16_ZMM)

struct pv_cpuid_leaf {
	uint32_t a, b, c, d;
};

/* The machine's own CPUID: the instruction itself in the hypervisor, a table in tests. */
typedef void (*pv_cpuid_host_fn)(void *ctx, uint32_t leaf, uint32_t subleaf,
				 struct pv_cpuid_leaf *out);

/* Leaf 0x40000003, the TSC leaf, as xen/arch-x86/cpuid.h describes it. */
struct pv_cpuid_tsc {
	bool emulated;	      /* subleaf 0 EAX[0]: rdtsc is emulated for this guest */
	bool host_reliable;   /* EAX[1]: the host TSC is invariant and synchronised */
	uint32_t mode;	      /* EBX: tsc_mode, 0 = default */
	uint32_t khz;	      /* ECX: guest TSC frequency (Xen 4.17 gives 0 unless emulated) */
	uint32_t incarnation; /* EDX: times migrated */
	uint64_t offset;      /* subleaf 1 EAX/EBX */
	uint32_t mul_frac;    /* subleaf 1 ECX: tsc->ns multiplier */
	int8_t shift;	      /* subleaf 1 EDX: tsc->ns shift */
	uint32_t host_khz;    /* subleaf 2 EAX: the host's TSC frequency */
};

struct pv_cpuid_params {
	pv_cpuid_host_fn host;
	void *host_ctx;
	/* The hardware domain (dom0) also sees MTRR and invariant TSC, as on Xen. */
	bool hardware_domain;
	/*
	 * XCR0 components the hypervisor lets PV guests enable (it switches
	 * their state and emulates xsetbv for them); 0 hides XSAVE and all that
	 * needs it (AVX, AVX-512, leaf 0xd).  Cut to PV_XCR0_ALLOWED and to
	 * what the host supports.
	 */
	uint64_t xcr0_max;
	uint64_t guest_xcr0;	 /* the guest's XCR0 now (leaf 0xd:0 EBX) */
	bool guest_cr4_osxsave;	 /* the guest's virtual CR4.OSXSAVE */
	bool enlightened_kernel; /* asked by the guest kernel through the forced-emulation prefix */
	/*
	 * The hypervisor virtualises MSR_SPEC_CTRL and MSR_PRED_CMD for PV
	 * guests; false hides IBRS/IBPB/STIBP/SSBD/PSFD, which promise them.
	 */
	bool spec_ctrl;
	/* AMD: the hypervisor made LFENCE dispatch-serialising (Xen then says so in 0x80000021). */
	bool lfence_dispatch;
	/* 0x40000002 ECX[0]: MMU_PT_UPDATE_PRESERVE_AD is implemented. */
	bool preserve_ad;
	/* 0x40000005 EBX[7:0]: width of the highest machine address, hotplug included. */
	uint8_t maddr_bits;
	struct pv_cpuid_tsc tsc;
};

/*
 * What CPUID leaf/subleaf returns to the PV guest described by p.  Calls
 * p->host for the raw leaves it needs (several for leaf 0xd).  Never
 * fails: leaves the guest may not see read as zeros.
 */
void pv_cpuid(const struct pv_cpuid_params *p, uint32_t leaf, uint32_t subleaf,
	      struct pv_cpuid_leaf *out);

#endif /* HYPERVISOR_COMMON_PV_CPUID_H */
