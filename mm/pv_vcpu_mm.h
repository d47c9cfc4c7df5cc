/*
 * mm/pv_vcpu_mm.h - the PV-MMU state of one vCPU: which page tables it runs on.
 *
 * Owns: the base page tables of a 64-bit PV vCPU.  A 64-bit PV guest has
 * two: the kernel's (MMUEXT_NEW_BASEPTR, the L4 in CR3 while the guest
 * kernel runs) and the user's (MMUEXT_NEW_USER_BASEPTR, in CR3 while guest
 * user code runs).  Each installed table holds one general and one PGT_L4
 * type reference, taken when it is installed and dropped when it is
 * replaced or the vCPU is torn down.  Lives in struct vcpu (generic code
 * reaches it without knowing the arch context).
 *
 * Locks: written under the PV-MMU lock (the one of page_type.h).
 */
#ifndef MM_PV_VCPU_MM_H
#define MM_PV_VCPU_MM_H

#include <stdint.h>

#include "lib/types.h"

struct pv_vcpu_mm {
	mfn_t guest_table;	/* kernel-mode L4, INVALID_MFN when none */
	mfn_t guest_table_user; /* user-mode L4, INVALID_MFN when none */
	uint64_t ldt_base;	/* MMUEXT_SET_LDT: linear address, 0 = none */
	unsigned int ldt_ents;	/* and its number of 8-byte entries */
};

#endif /* MM_PV_VCPU_MM_H */
