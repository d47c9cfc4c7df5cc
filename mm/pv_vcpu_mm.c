/*
 * mm/pv_vcpu_mm.c - which page tables a PV vCPU runs on (contract in
 * pv_vcpu_mm.h).
 *
 * Owns: v->mm of every vCPU.  Invariant: a valid guest_table or
 * guest_table_user holds exactly one general and one PGT_L4 type
 * reference, taken by pv_vcpu_mm_set_table() and dropped by
 * pv_vcpu_mm_put_table() or pv_vcpu_mm_release().
 *
 * Locks: the PV-MMU lock protects v->mm; release takes it, the others
 * expect it held.
 */
#include "mm/pv_vcpu_mm.h"

#include "hypervisor/common/domain.h"
#include "lib/errno.h"
#include "lib/printk.h"
#include "mm/mmu_lock.h"
#include "mm/page_ref.h"
#include "mm/page_type.h"

int pv_vcpu_mm_set_table(struct vcpu *v, bool user, mfn_t mfn, mfn_t *old)
{
	mfn_t *slot = user ? &v->mm.guest_table_user : &v->mm.guest_table;

	ASSERT(mmu_lock_held());
	if (mfn_valid_raw(mfn)) {
		int rc;

		if (!mfn_in_table(mfn))
			return -EINVAL;
		rc = get_page_and_type(mfn_to_page(mfn), PGT_L4, v->domain->domid);
		if (rc)
			return rc;
	} else if (!user) {
		return -EINVAL; /* a vCPU running guest code always has a kernel L4 */
	}
	*old = *slot;
	*slot = mfn;
	return 0;
}

int pv_vcpu_mm_set_tables(struct vcpu *v, mfn_t kernel, mfn_t user, mfn_t old[2])
{
	mfn_t dropped;
	int rc = pv_vcpu_mm_set_table(v, false, kernel, &old[0]);

	if (rc)
		return rc;
	rc = pv_vcpu_mm_set_table(v, true, user, &old[1]);
	if (rc) {
		/* Back to the old kernel table, which kept its references. */
		dropped = v->mm.guest_table;
		v->mm.guest_table = old[0];
		pv_vcpu_mm_put_table(dropped);
	}
	return rc;
}

void pv_vcpu_mm_put_table(mfn_t mfn)
{
	ASSERT(mmu_lock_held());
	if (mfn_valid_raw(mfn))
		put_page_and_type(mfn_to_page(mfn));
}

void pv_vcpu_mm_release(struct vcpu *v)
{
	mmu_lock();
	pv_vcpu_mm_put_table(v->mm.guest_table);
	pv_vcpu_mm_put_table(v->mm.guest_table_user);
	v->mm.guest_table = INVALID_MFN;
	v->mm.guest_table_user = INVALID_MFN;
	v->mm.ldt_base = 0;
	v->mm.ldt_ents = 0;
	mmu_unlock();
}
