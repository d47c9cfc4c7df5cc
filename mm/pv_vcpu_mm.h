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

#include <stdbool.h>
#include <stdint.h>

#include "lib/types.h"

struct vcpu;

struct pv_vcpu_mm {
	mfn_t guest_table;	/* kernel-mode L4, INVALID_MFN when none */
	mfn_t guest_table_user; /* user-mode L4, INVALID_MFN when none */
	uint64_t ldt_base;	/* MMUEXT_SET_LDT: linear address, 0 = none */
	unsigned int ldt_ents;	/* and its number of 8-byte entries */
};

/*
 * MMUEXT_NEW_BASEPTR (user = false) / MMUEXT_NEW_USER_BASEPTR (user =
 * true): makes mfn v's kernel or user L4, taking a general and a PGT_L4
 * type reference on it for v's domain (which validates it if needed).
 * INVALID_MFN means "no table" (user only).  On success *old is the table
 * it replaced (INVALID_MFN if none), still holding its references: the
 * caller first makes sure no CPU runs on it (reloads CR3), then drops
 * them with pv_vcpu_mm_put_table().  Dropping them first could
 * devalidate the old L4 under a live CR3, which clears Keel's own slots
 * in it.  Returns 0; -EINVAL (not a frame, or INVALID_MFN for the
 * kernel table); page_ref/page_type errors (-EPERM another domain's
 * frame, -EINVAL not L4-able, ...).  Nothing changes on error.  PV-MMU
 * lock held.
 */
int pv_vcpu_mm_set_table(struct vcpu *v, bool user, mfn_t mfn, mfn_t *old);

/*
 * A whole new context (VCPUOP_initialise): kernel becomes v's kernel L4
 * and user (INVALID_MFN: none) its user L4, both or neither, with the
 * references pv_vcpu_mm_set_table() takes.  old[0] and old[1] receive the
 * tables they replaced, still holding their references (drop them with
 * pv_vcpu_mm_put_table() once no CPU runs on them).  Errors as
 * pv_vcpu_mm_set_table(); nothing changes on error.  PV-MMU lock held.
 */
int pv_vcpu_mm_set_tables(struct vcpu *v, mfn_t kernel, mfn_t user, mfn_t old[2]);

/* Drops the references pv_vcpu_mm_set_table() took on mfn; INVALID_MFN: nothing.  Lock held. */
void pv_vcpu_mm_put_table(mfn_t mfn);

/*
 * Domain teardown (the vcpu_arch_release hook of domain.h calls it):
 * drops v's kernel and user L4 references and forgets its LDT.  No CPU
 * may be running on v's tables any more (v is offline and off every CPU,
 * which runs on Keel's own tables).  Takes the PV-MMU lock itself.
 */
void pv_vcpu_mm_release(struct vcpu *v);

#endif /* MM_PV_VCPU_MM_H */
