/*
 * hypercalls/mmu_update.c - __HYPERVISOR_mmu_update: a batch of checked
 * writes "*ptr = val" (Xen's xen/xen.h, contract in hypercalls/mmu.h).
 *
 * Each request's ptr is the machine address of an 8-byte entry, its low 2
 * bits the command:
 *   MMU_NORMAL_PT_UPDATE       write val into an entry of a page table of
 *                              the table owner; if the frame is not a
 *                              page table in use, a checked plain write
 *                              into a frame the owner may make writable
 *                              (as on Xen);
 *   MMU_PT_UPDATE_PRESERVE_AD  the same, keeping the old entry's A/D bits;
 *   MMU_MACHPHYS_UPDATE        M2P entry of the frame at ptr := val (a gfn);
 *   MMU_PT_UPDATE_NO_TRANSLATE as MMU_NORMAL_PT_UPDATE (a PV guest's
 *                              addresses are never translated; Xen 4.17
 *                              does the same);
 *   anything else (4-7)        -ENOSYS: the command is the low 3 bits, so
 *                              an address not 8-byte aligned is one.
 * Errors per request: -EINVAL (ptr not 8-byte aligned or not a frame, a
 * bad entry, a bad gfn), -EPERM (another domain's frame), -ESRCH (the
 * domain is dying), and the errors of pv_pte_write.h.
 *
 * Owners: the tables belong to the PFD (bits 16-31 of foreigndom), the
 * frames mapped by L1 entries and the M2P entries to the FD (bits 0-15).
 *
 * Locks: each request copies itself in without locks, then does its work
 * under the PV-MMU lock; domain references are taken and dropped
 * outside it.
 */
#include "hypercalls/mmu.h"

#include "arch/mm.h"
#include "hypercalls/mmu_common.h"
#include "lib/errno.h"
#include "mm/m2p.h"
#include "mm/mmu_lock.h"
#include "mm/page_ref.h"
#include "mm/page_type.h"
#include "mm/pv_pte.h"
#include "mm/pv_pte_write.h"

struct mmu_update_ctx {
	struct vcpu *v;
	struct domain *pt_owner; /* owns the page tables (Xen's PFD) */
	struct domain *pg_owner; /* owns mapped frames and M2P entries (Xen's FD) */
};

/* An entry of a live table: pv_pte_write, then the stale-TLB rule for what it replaced. */
static int table_write(struct mmu_update_ctx *c, struct page_info *table, unsigned int index,
		       uint64_t val, bool preserve_ad)
{
	struct pv_pte_write w = {
	    .table_owner = c->pt_owner->domid,
	    .frame_owner = c->pg_owner->domid,
	    .preserve_ad = preserve_ad,
	};
	uint64_t old;
	int rc = pv_pte_write(table, index, val, &w, &old);

	/* An upper entry held a type reference on the table it pointed at. */
	if (!rc && page_type_level(page_get_type(table)) > 1 && pv_pte_present(old))
		mmu_flush_if_table_dropped(c->pt_owner, mfn_to_page(pv_pte_mfn(old)));
	return rc;
}

/*
 * A frame that is not a page table in use: write it like the guest could
 * through a writable mapping, which it must be allowed to have.
 */
static int plain_write(struct mmu_update_ctx *c, struct page_info *pg, unsigned int index,
		       uint64_t val)
{
	int rc = get_page_and_type(pg, PGT_WRITABLE, c->pt_owner->domid);
	uint64_t *entries;

	if (rc)
		return rc;
	entries = arch_mfn_to_virt(page_to_mfn(pg));
	__atomic_store_n(&entries[index], val, __ATOMIC_RELAXED);
	put_page_and_type(pg);
	return 0;
}

static int pt_update(struct mmu_update_ctx *c, uint64_t ptr, uint64_t val, bool preserve_ad)
{
	uint64_t maddr = ptr & ~(uint64_t)7; /* the command bits */
	mfn_t mfn = _mfn(maddr >> PAGE_SHIFT);
	unsigned int index = (unsigned int)((maddr & ~PAGE_MASK) / sizeof(uint64_t));
	struct page_info *pg;
	int rc;

	if (maddr % sizeof(uint64_t) || !mfn_in_table(mfn))
		return -EINVAL;
	pg = mfn_to_page(mfn);
	mmu_lock();
	if (!mmu_domain_alive(c->pt_owner) || !mmu_domain_alive(c->pg_owner))
		rc = -ESRCH;
	else if (page_type_level(page_get_type(pg)) && page_type_count(pg))
		rc = table_write(c, pg, index, val, preserve_ad);
	else
		rc = plain_write(c, pg, index, val);
	mmu_unlock();
	return rc;
}

static int machphys_update(struct mmu_update_ctx *c, uint64_t ptr, uint64_t gfn)
{
	mfn_t mfn = _mfn(ptr >> PAGE_SHIFT);
	struct page_info *pg;
	int rc;

	if (c->pt_owner != c->v->domain)
		return -EPERM; /* Xen: no PFD for M2P updates */
	if (!m2p_guest_value_ok(gfn) || !mfn_in_table(mfn))
		return -EINVAL;
	pg = mfn_to_page(mfn);
	mmu_lock();
	rc = mmu_domain_alive(c->pg_owner) ? page_ref_check_owner(pg, c->pg_owner->domid) : -ESRCH;
	/* A shared frame has many owners; its entry is Keel's (SHARED_M2P_ENTRY). */
	if (!rc && page_get_type(pg) == PGT_SHARED && page_type_count(pg))
		rc = -EINVAL;
	if (!rc)
		rc = m2p_set(mfn, gfn);
	mmu_unlock();
	return rc;
}

static int mmu_update_one(void *ctx, const void *item)
{
	const struct mmu_update *req = item;

	/* The low 3 bits of an 8-byte-aligned entry address are the command (Xen). */
	switch (req->ptr & 7) {
	case MMU_NORMAL_PT_UPDATE:
	case MMU_PT_UPDATE_NO_TRANSLATE: /* "no translation" is all a PV guest has */
		return pt_update(ctx, req->ptr, req->val, false);
	case MMU_PT_UPDATE_PRESERVE_AD:
		return pt_update(ctx, req->ptr, req->val, true);
	case MMU_MACHPHYS_UPDATE:
		return machphys_update(ctx, req->ptr, req->val);
	default:
		return -ENOSYS;
	}
}

/* Bits 16-31 of foreigndom: 0 for the caller, x for domain x - 1 (itself allowed). */
static int get_pt_owner(struct vcpu *v, unsigned int foreigndom, struct domain **d)
{
	unsigned int pfd = foreigndom >> 16;
	domid_t id = pfd ? (domid_t)(pfd - 1) : DOMID_SELF;

	return mmu_domain_get(v, id == v->domain->domid ? DOMID_SELF : id, d);
}

long do_mmu_update(struct vcpu *v, uint64_t ureqs, unsigned int count, uint64_t pdone,
		   unsigned int foreigndom)
{
	struct mmu_update_ctx c = {.v = v};
	struct mmu_batch b = {
	    .op = __HYPERVISOR_mmu_update,
	    .items = ureqs,
	    .item_size = sizeof(struct mmu_update),
	    .count = count,
	    .pdone = pdone,
	    .foreigndom = foreigndom,
	    .do_item = mmu_update_one,
	    .ctx = &c,
	};
	long rc = get_pt_owner(v, foreigndom, &c.pt_owner);

	if (rc)
		return rc;
	rc = mmu_domain_get(v, (domid_t)foreigndom, &c.pg_owner);
	if (!rc)
		rc = mmu_batch_run(&b);
	mmu_domain_put(v, c.pg_owner);
	mmu_domain_put(v, c.pt_owner);
	return rc;
}
