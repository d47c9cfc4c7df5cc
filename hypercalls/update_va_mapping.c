/*
 * hypercalls/update_va_mapping.c - __HYPERVISOR_update_va_mapping and
 * __HYPERVISOR_update_va_mapping_otherdomain: change the one L1 entry that
 * maps a guest virtual address, then flush as asked (Xen's xen/xen.h,
 * contract in hypercalls/mmu.h).
 *
 * The entry is found by walking the calling vCPU's kernel L4 down to
 * the L1 table (mmu_find_l1 in mmu_common.h).  The write is
 * pv_pte_write() with the caller as table owner and, for _otherdomain,
 * domain `domid` (privileged callers) as owner of the mapped frame.
 *
 * flags (UVMF_*): the flush type in bits 0-1 (NONE, TLB_FLUSH, INVLPG;
 * the unused value 3 flushes nothing, as on Xen) and whom to flush in the
 * rest: UVMF_LOCAL (0) this CPU, UVMF_ALL (4) every vCPU of the caller's
 * domain, anything else the guest address of a vCPU bitmap.
 *
 * Errors: -EINVAL for va non-canonical or in Keel's range (PML4 slots
 * 256-271), no present path to an L1 table, or a bad entry; -EFAULT for
 * an unreadable vCPU bitmap; the errors of pv_pte_write.h; for
 * _otherdomain those of choosing the domain (hypercalls/mmu.h).
 * Difference from Xen: the bitmap is read before the update, so a bad
 * bitmap changes nothing (Xen updates, then fails the flush).
 *
 * Locks: the walk and the write run under the PV-MMU lock; the flush
 * after it.
 */
#include "hypercalls/mmu.h"

#include "arch/mm.h"
#include "hypercalls/mmu_common.h"
#include "hypercalls/pv_mm_arch.h"
#include "lib/errno.h"
#include "mm/mmu_lock.h"
#include "mm/page_type.h"
#include "mm/pv_pte.h"
#include "mm/pv_pte_write.h"

/* What to flush after the update. */
struct uvm_flush {
	unsigned int type; /* UVMF_NONE, UVMF_TLB_FLUSH, UVMF_INVLPG (or 3: nothing) */
	enum { UVM_LOCAL, UVM_ALL, UVM_MASK } whom;
	uint64_t mask[MMU_VCPUMASK_WORDS];
};

static int parse_flags(struct domain *d, uint64_t flags, struct uvm_flush *f)
{
	uint64_t whom = flags & ~(uint64_t)UVMF_FLUSHTYPE_MASK;

	f->type = flags & UVMF_FLUSHTYPE_MASK;
	f->whom = whom == UVMF_LOCAL ? UVM_LOCAL : whom == UVMF_ALL ? UVM_ALL : UVM_MASK;
	if (f->whom == UVM_MASK && (f->type == UVMF_TLB_FLUSH || f->type == UVMF_INVLPG))
		return mmu_vcpumask_read(d, whom, f->mask);
	return 0;
}

static void do_flush(struct domain *d, const struct uvm_flush *f, uint64_t va)
{
	if (f->type == UVMF_TLB_FLUSH) {
		if (f->whom == UVM_LOCAL)
			pv_mm_flush_tlb_local();
		else if (f->whom == UVM_ALL)
			pv_mm_flush_tlb_domain(d);
		else
			pv_mm_flush_tlb_vcpus(d, f->mask);
	} else if (f->type == UVMF_INVLPG) {
		if (f->whom == UVM_LOCAL)
			pv_mm_invlpg_local(va);
		else if (f->whom == UVM_ALL)
			pv_mm_invlpg_domain(d, va);
		else
			pv_mm_invlpg_vcpus(d, f->mask, va);
	}
}

static long update_va_mapping(struct vcpu *v, uint64_t va, uint64_t val, uint64_t flags,
			      struct domain *pg_owner)
{
	struct domain *d = v->domain;
	struct pv_pte_write w = {.table_owner = d->domid, .frame_owner = pg_owner->domid};
	struct page_info *l1;
	struct uvm_flush f;
	int rc;

	if (!mmu_guest_range_ok(va, 1))
		return -EINVAL;
	rc = parse_flags(d, flags, &f);
	if (rc)
		return rc;
	mmu_lock();
	rc = mmu_domain_alive(d) && mmu_domain_alive(pg_owner) ? mmu_find_l1(v, va, &l1) : -ESRCH;
	if (!rc)
		rc = pv_pte_write(l1, mmu_va_index(va, 1), val, &w, NULL);
	mmu_unlock();
	if (!rc)
		do_flush(d, &f, va);
	return rc;
}

long do_update_va_mapping(struct vcpu *v, uint64_t va, uint64_t val, uint64_t flags)
{
	return update_va_mapping(v, va, val, flags, v->domain);
}

long do_update_va_mapping_otherdomain(struct vcpu *v, uint64_t va, uint64_t val, uint64_t flags,
				      domid_t domid)
{
	struct domain *pg_owner;
	long rc = mmu_domain_get(v, domid, &pg_owner);

	if (rc)
		return rc;
	rc = update_va_mapping(v, va, val, flags, pg_owner);
	mmu_domain_put(v, pg_owner);
	return rc;
}
