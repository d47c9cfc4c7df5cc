/*
 * hypercalls/mmuext_op.c - __HYPERVISOR_mmuext_op: a batch of "extended"
 * MMU operations (Xen's xen/xen.h, contract in hypercalls/mmu.h).
 *
 *   MMUEXT_PIN_L{1..4}_TABLE  mfn of the FD becomes a validated table and
 *                             stays so (page_type_pin)
 *   MMUEXT_UNPIN_TABLE        drop the pin (page_type_unpin)
 *   MMUEXT_NEW_BASEPTR        the caller's kernel L4 := mfn
 *   MMUEXT_NEW_USER_BASEPTR   its user L4 := mfn (0: none)
 *   MMUEXT_TLB_FLUSH_*, MMUEXT_INVLPG_*   TLB flushes: this CPU (LOCAL), the
 *                             vCPUs in a guest bitmap (MULTI), all of the
 *                             caller's vCPUs (ALL)
 *   MMUEXT_FLUSH_CACHE(_GLOBAL)   wbinvd, privileged domains only
 *   MMUEXT_SET_LDT            the caller's LDT := (linear_addr, nr_ents)
 *   MMUEXT_CLEAR_PAGE, MMUEXT_COPY_PAGE   zero / copy a frame of the FD
 *                             that may be made writable (never a table)
 *   MMUEXT_[UN]MARK_SUPER     -EOPNOTSUPP (superpages are refused, and
 *                             Xen 4.17 answers the same)
 *   anything else             -ENOSYS
 * Operations on the calling vCPU itself (base pointers, flushes, LDT)
 * with a foreign FD are -EPERM, as on Xen.  Errno values follow Xen's
 * choices, including its odd ones (FLUSH_CACHE -EACCES but
 * FLUSH_CACHE_GLOBAL -EINVAL when not permitted; an unreadable MULTI mask
 * -EINVAL).
 *
 * Locks: each operation copies itself in without locks; page-type work,
 * v->mm and the hooks marked "lock held" in pv_mm_arch.h run under the
 * PV-MMU lock; plain TLB/cache flushes run outside it.
 */
#include "hypercalls/mmu.h"

#include "arch/mm.h"
#include "hypercalls/mmu_common.h"
#include "hypercalls/pv_mm_arch.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/mmu_lock.h"
#include "mm/page_ref.h"
#include "mm/page_type.h"
#include "mm/pv_vcpu_mm.h"

/* Xen's limit: an LDT has at most 8192 descriptors (64 KiB). */
#define LDT_MAX_ENTS 8192u

struct mmuext_ctx {
	struct vcpu *v;
	struct domain *pg_owner; /* the FD: whose frames pin/unpin/clear/copy act on */
};

/* ---- page tables ---- */

static int pin(struct mmuext_ctx *c, enum page_type type, xen_pfn_t mfn)
{
	int rc;

	if (!mfn_in_table(_mfn(mfn)))
		return -EINVAL;
	mmu_lock();
	rc = mmu_domain_alive(c->pg_owner)
		 ? page_type_pin(mfn_to_page(_mfn(mfn)), type, c->pg_owner->domid)
		 : -ESRCH;
	mmu_unlock();
	return rc;
}

static int unpin(struct mmuext_ctx *c, xen_pfn_t mfn)
{
	struct page_info *pg;
	int rc;

	if (!mfn_in_table(_mfn(mfn)))
		return -EINVAL;
	pg = mfn_to_page(_mfn(mfn));
	mmu_lock();
	rc = page_type_unpin(pg, c->pg_owner->domid);
	if (!rc)
		mmu_flush_if_table_dropped(c->pg_owner, pg);
	mmu_unlock();
	return rc;
}

/*
 * Install the new L4, move CR3 onto it, and only then drop the old one:
 * the old L4 may devalidate, which clears Keel's slots in it.
 */
static int new_baseptr(struct mmuext_ctx *c, bool user, xen_pfn_t arg)
{
	struct domain *d = c->v->domain;
	mfn_t mfn = user && arg == 0 ? INVALID_MFN : _mfn(arg);
	mfn_t old;
	int rc;

	if (c->pg_owner != d)
		return -EPERM;
	mmu_lock();
	rc = mmu_domain_alive(d) ? pv_vcpu_mm_set_table(c->v, user, mfn, &old) : -ESRCH;
	if (!rc) {
		pv_mm_new_baseptr(c->v, user);
		pv_vcpu_mm_put_table(old);
		if (mfn_valid_raw(old))
			mmu_flush_if_table_dropped(d, mfn_to_page(old));
	}
	mmu_unlock();
	return rc;
}

/* ---- TLB, cache and LDT: the calling vCPU's own business ---- */

/* An address outside the guest's half is silently not flushed, as on Xen. */
static int flush(struct mmuext_ctx *c, const struct mmuext_op *op)
{
	struct domain *d = c->v->domain;
	uint64_t va = op->arg1.linear_addr;
	bool va_ok = mmu_guest_range_ok(va, 1);
	uint64_t mask[MMU_VCPUMASK_WORDS];

	if (c->pg_owner != d)
		return -EPERM;
	if (op->cmd == MMUEXT_TLB_FLUSH_MULTI || op->cmd == MMUEXT_INVLPG_MULTI) {
		if (mmu_vcpumask_read(d, (uint64_t)(uintptr_t)op->arg2.vcpumask.p, mask))
			return -EINVAL; /* Xen's answer for an unreadable mask */
	}
	switch (op->cmd) {
	case MMUEXT_TLB_FLUSH_LOCAL:
		pv_mm_flush_tlb_local();
		break;
	case MMUEXT_INVLPG_LOCAL:
		if (va_ok)
			pv_mm_invlpg_local(va);
		break;
	case MMUEXT_TLB_FLUSH_MULTI:
		pv_mm_flush_tlb_vcpus(d, mask);
		break;
	case MMUEXT_INVLPG_MULTI:
		if (va_ok)
			pv_mm_invlpg_vcpus(d, mask, va);
		break;
	case MMUEXT_TLB_FLUSH_ALL:
		pv_mm_flush_tlb_domain(d);
		break;
	case MMUEXT_INVLPG_ALL:
		if (va_ok)
			pv_mm_invlpg_domain(d, va);
		break;
	}
	return 0;
}

/* Keel's stand-in for Xen's "has I/O resources": the privileged domain. */
static int flush_cache(struct mmuext_ctx *c, bool global)
{
	struct domain *d = c->v->domain;

	if (c->pg_owner != d)
		return -EPERM;
	if (!d->is_privileged)
		return global ? -EINVAL : -EACCES;
	if (global)
		pv_mm_flush_cache_all();
	else
		pv_mm_flush_cache_local();
	return 0;
}

static int set_ldt(struct mmuext_ctx *c, uint64_t linear_addr, unsigned int ents)
{
	struct pv_vcpu_mm *mm = &c->v->mm;
	uint64_t base = ents ? linear_addr : 0; /* no entries: no base either */

	if (c->pg_owner != c->v->domain)
		return -EPERM;
	if (ents > LDT_MAX_ENTS || base % PAGE_SIZE)
		return -EINVAL;
	if (ents && !mmu_guest_range_ok(base, (uint64_t)ents * 8))
		return -EINVAL;
	mmu_lock();
	if (mm->ldt_base != base || mm->ldt_ents != ents) {
		mm->ldt_base = base;
		mm->ldt_ents = ents;
		pv_mm_ldt_changed(c->v);
	}
	mmu_unlock();
	return 0;
}

/* ---- page contents ---- */

static int clear_page(struct mmuext_ctx *c, xen_pfn_t mfn)
{
	struct page_info *pg;
	int rc;

	if (!mfn_in_table(_mfn(mfn)))
		return -EINVAL;
	pg = mfn_to_page(_mfn(mfn));
	mmu_lock();
	/* Writable type for the duration: refused for tables, descriptors, shared frames. */
	rc = mmu_domain_alive(c->pg_owner) ? get_page_and_type(pg, PGT_WRITABLE, c->pg_owner->domid)
					   : -ESRCH;
	if (!rc) {
		memset(arch_mfn_to_virt(_mfn(mfn)), 0, PAGE_SIZE);
		put_page_and_type(pg);
	}
	mmu_unlock();
	return rc;
}

static int copy_page(struct mmuext_ctx *c, xen_pfn_t dst_mfn, xen_pfn_t src_mfn)
{
	domid_t owner = c->pg_owner->domid;
	struct page_info *dst, *src;
	int rc;

	if (!mfn_in_table(_mfn(dst_mfn)) || !mfn_in_table(_mfn(src_mfn)))
		return -EINVAL;
	dst = mfn_to_page(_mfn(dst_mfn));
	src = mfn_to_page(_mfn(src_mfn));
	mmu_lock();
	/* The source is only read: a general reference, as a read-only mapping would take. */
	rc = mmu_domain_alive(c->pg_owner) ? get_page(src, owner) : -ESRCH;
	if (!rc) {
		rc = get_page_and_type(dst, PGT_WRITABLE, owner);
		if (!rc) {
			memmove(arch_mfn_to_virt(_mfn(dst_mfn)), arch_mfn_to_virt(_mfn(src_mfn)),
				PAGE_SIZE);
			put_page_and_type(dst);
		}
		put_page(src);
	}
	mmu_unlock();
	return rc;
}

/* ---- the batch ---- */

static int mmuext_one(void *ctx, const void *item)
{
	struct mmuext_ctx *c = ctx;
	const struct mmuext_op *op = item;

	switch (op->cmd) {
	case MMUEXT_PIN_L1_TABLE:
	case MMUEXT_PIN_L2_TABLE:
	case MMUEXT_PIN_L3_TABLE:
	case MMUEXT_PIN_L4_TABLE:
		return pin(c, page_type_of_level(op->cmd - MMUEXT_PIN_L1_TABLE + 1), op->arg1.mfn);
	case MMUEXT_UNPIN_TABLE:
		return unpin(c, op->arg1.mfn);
	case MMUEXT_NEW_BASEPTR:
		return new_baseptr(c, false, op->arg1.mfn);
	case MMUEXT_NEW_USER_BASEPTR:
		return new_baseptr(c, true, op->arg1.mfn);
	case MMUEXT_TLB_FLUSH_LOCAL:
	case MMUEXT_INVLPG_LOCAL:
	case MMUEXT_TLB_FLUSH_MULTI:
	case MMUEXT_INVLPG_MULTI:
	case MMUEXT_TLB_FLUSH_ALL:
	case MMUEXT_INVLPG_ALL:
		return flush(c, op);
	case MMUEXT_FLUSH_CACHE:
		return flush_cache(c, false);
	case MMUEXT_FLUSH_CACHE_GLOBAL:
		return flush_cache(c, true);
	case MMUEXT_SET_LDT:
		return set_ldt(c, op->arg1.linear_addr, op->arg2.nr_ents);
	case MMUEXT_CLEAR_PAGE:
		return clear_page(c, op->arg1.mfn);
	case MMUEXT_COPY_PAGE:
		return copy_page(c, op->arg1.mfn, op->arg2.src_mfn);
	case MMUEXT_MARK_SUPER:
	case MMUEXT_UNMARK_SUPER:
		return -EOPNOTSUPP;
	default:
		return -ENOSYS;
	}
}

long do_mmuext_op(struct vcpu *v, uint64_t uops, unsigned int count, uint64_t pdone,
		  domid_t foreigndom)
{
	struct mmuext_ctx c = {.v = v};
	struct mmu_batch b = {
	    .op = __HYPERVISOR_mmuext_op,
	    .items = uops,
	    .item_size = sizeof(struct mmuext_op),
	    .count = count,
	    .pdone = pdone,
	    .foreigndom = foreigndom,
	    .do_item = mmuext_one,
	    .ctx = &c,
	};
	long rc = mmu_domain_get(v, foreigndom, &c.pg_owner);

	if (rc)
		return rc;
	rc = mmu_batch_run(&b);
	mmu_domain_put(v, c.pg_owner);
	return rc;
}
