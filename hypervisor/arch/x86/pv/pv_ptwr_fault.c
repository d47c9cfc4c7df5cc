/*
 * hypervisor/arch/x86/pv/pv_ptwr_fault.c - writes to a guest's own L1 page
 * tables through their read-only mappings ("writable page tables").
 *
 * A PV guest maps its page tables read-only (invariant 2), so an ordinary
 * store into one faults.  Xen 4.17 emulates such stores to L1 tables for
 * every 64-bit PV guest (whatever vm_assist says), and so does Keel: the
 * instruction is decoded by the generic hypervisor/common/pv_ptwr.c, and
 * the new entry goes through the same validation as mmu_update
 * (mm/pv_pte_write.c), under the PV-MMU lock, replacing the old entry only
 * if nobody changed it meanwhile.  A refused entry gives the guest a #PF
 * with error code P|W, as Xen does.  Writes to L2-L4 tables are never
 * emulated: the guest sees its own #PF.
 */
#include "hypervisor/arch/x86/pv/pv_ptwr_fault.h"

#include <stddef.h>
#include <stdint.h>

#include <xen/xen.h>

#include "arch/cpu.h"
#include "arch/guest_access.h"
#include "arch/mm.h"
#include "hypervisor/arch/x86/pv/bounce.h"
#include "hypervisor/arch/x86/pv/pv_mm.h"
#include "hypervisor/arch/x86/pv/pv_vcpu.h"
#include "hypervisor/common/domain.h"
#include "hypervisor/common/pv_ptwr.h"
#include "lib/errno.h"
#include "mm/mmu_lock.h"
#include "mm/page_type.h"
#include "mm/pv_pte.h"
#include "mm/pv_pte_write.h"


struct ptwr_ctx {
	struct vcpu *v;
	mfn_t table; /* the L1 the faulting address lies in */
};

static int fetch(void *c, uint64_t va, void *buf, unsigned int n)
{
	(void)c;
	return copy_from_guest(buf, va, n) ? -EFAULT : 0;
}

static int read_pte(void *c, uint64_t pte_va, uint64_t *old)
{
	(void)c;
	return copy_from_guest(old, pte_va, sizeof(*old)) ? -EFAULT : 0;
}

static int write_pte(void *c, uint64_t pte_va, uint64_t old, uint64_t new)
{
	struct ptwr_ctx *x = c;
	domid_t domid = x->v->domain->domid;
	struct page_info *pg = mfn_to_page(x->table);
	unsigned int index = (unsigned int)((pte_va & (PAGE_SIZE - 1)) >> 3);
	const struct pv_pte_write w = { domid, domid, false };
	const uint64_t *entries = arch_mfn_to_virt(x->table);
	int rc;

	mmu_lock();
	if (page_get_type(pg) != PGT_L1 || !page_type_validated(pg) || pg->owner != domid)
		rc = -EINVAL; /* no longer an L1 of ours */
	else if (__atomic_load_n(&entries[index], __ATOMIC_RELAXED) != old)
		rc = -EAGAIN;
	else
		rc = pv_pte_write(pg, index, new, &w, NULL);
	mmu_unlock();
	return rc;
}

bool pv_ptwr_fault(struct vcpu *v, struct trap_frame *f, uint64_t cr2, uint32_t ec)
{
	static const struct pv_ptwr_ops ops = { fetch, read_pte, write_pte, NULL };
	struct ptwr_ctx ctx = { v, INVALID_MFN };
	struct page_info *pg;

	if ((ec & (PFEC_PRESENT | PFEC_WRITE)) != (PFEC_PRESENT | PFEC_WRITE) || !is_canonical(cr2))
		return false;
	ctx.table = pv_guest_va_to_mfn(cr2);
	if (!mfn_valid_raw(ctx.table) || !mfn_in_table(ctx.table))
		return false;
	pg = mfn_to_page(ctx.table);
	if (page_get_type(pg) != PGT_L1 || pg->owner != v->domain->domid)
		return false;
	switch (pv_ptwr_emulate((struct cpu_user_regs *)f, cr2, &ops, &ctx)) {
	case PV_PTWR_DONE:
		if (f->rflags & RFLAGS_TF)
			pv_bounce_exception(v, f, TRAP_DB, false, 0);
		return true;
	case PV_PTWR_RETRY:
		return true; /* the entry changed under us: the guest runs the store again */
	case PV_PTWR_REFUSED:
		if (v->vcpu_info)
			v->vcpu_info->arch.cr2 = cr2;
		pv_bounce_exception(v, f, TRAP_PF, true, PFEC_PRESENT | PFEC_WRITE);
		return true;
	default:
		return false;
	}
}
