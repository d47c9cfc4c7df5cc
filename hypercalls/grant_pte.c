/*
 * hypercalls/grant_pte.c - grant mappings in the mapper's page tables
 * (GNTMAP_host_map), contracts in gnttab_private.h.
 *
 * Who writes the entry.  A PV guest may never write an L1 entry for a
 * frame that is not its own, granted or not: if it could, it could keep
 * such an entry after unmapping the grant (or make a second one the
 * grant does not know of) and the granter's "end access" would not end
 * anything.  So Keel itself installs a grant mapping, as Xen does, after
 * grant_active.c has checked the grant: the entry is written with
 * pv_pte_write() naming the granter as the owner of the frame, so the
 * entry takes its references (general, plus PGT_WRITABLE unless
 * read-only) in the granter's name exactly as the page-table code takes
 * them for any entry, and the rule "a validated entry holds exactly the
 * references pv_pte_get_refs took for it" keeps holding.  The grant's use
 * holds references of its own besides (grant_active.c), so the frame can
 * be neither freed nor retyped while the mapping exists, whatever the
 * guest later does to the entry (it may zap it with mmu_update: its
 * references go with it, the grant's stay until unmap or death).
 *
 * Where: host_addr is a virtual address in the calling vCPU's kernel page
 * tables, or with GNTMAP_contains_pte the machine address of the L1
 * entry itself (8-byte aligned, in one of the mapper's validated L1
 * tables).  Only L1 tables: an "entry" in an upper table would make the
 * granter's frame a page table.
 *
 * The entry is what Xen 4.17 writes: present, accessed, dirty, NX (when
 * the machine has it), writable unless GNTMAP_readonly, user-accessible
 * only with GNTMAP_application_map (else the kernel-only mark of
 * pv_pte_adjust), and GNTMAP_guest_avail bits 16-18 in PTE bits 9-11
 * (XENFEAT_gnttab_map_avail_bits).  The grant's cache-attribute flags
 * (GTF_PWT/PCD/PAT) are ignored, as Xen 4.17 ignores them for PV.
 *
 * TLBs: a removed or replaced entry is flushed from every vCPU of the
 * mapper before the grant's own references go (so no stale translation
 * outlives them); a grant mapping that replaced a present entry is
 * flushed too, although Xen leaves that to the guest.
 *
 * Locks: the PV-MMU lock around each walk-check-write.
 */
#include "hypercalls/gnttab_private.h"

#include "arch/mm.h"
#include "hypercalls/mmu_common.h"
#include "hypercalls/pv_mm_arch.h"
#include "hypervisor/common/domain.h"
#include "lib/errno.h"
#include "lib/printk.h"
#include "mm/mmu_lock.h"
#include "mm/page_type.h"
#include "mm/pv_pte.h"
#include "mm/pv_pte_write.h"

#define AVAIL_SHIFT 9 /* PTE bits 9-11: the guest-available bits */
#define AVAIL_BITS  7u

/* The L1 table and index host_addr names (see the top of the file).  Lock held. */
static int pte_slot(struct vcpu *v, uint64_t addr, uint32_t flags, struct page_info **l1,
		    unsigned int *index)
{
	if (flags & GNTMAP_contains_pte) {
		mfn_t table = _mfn(addr >> PAGE_SHIFT);

		if ((addr & (sizeof(uint64_t) - 1)) || !mfn_in_table(table))
			return -EINVAL;
		*l1 = mfn_to_page(table);
		if (page_get_type(*l1) != PGT_L1 || !page_type_count(*l1))
			return -EINVAL;
		*index = (unsigned int)((addr & (PAGE_SIZE - 1)) / sizeof(uint64_t));
		return 0; /* pv_pte_write checks the table is the mapper's */
	}
	if (!mmu_guest_range_ok(addr, 1))
		return -EINVAL;
	*index = mmu_va_index(addr, 1);
	return mmu_find_l1(v, addr, l1);
}

static uint64_t entry_at(const struct page_info *l1, unsigned int index)
{
	const uint64_t *entries = arch_mfn_to_virt(page_to_mfn(l1));

	return __atomic_load_n(&entries[index], __ATOMIC_RELAXED);
}

/*
 * The slot of a grant mapping being undone: host_addr's entry must still
 * map the grant's frame (the guest may have changed it since: Xen then
 * fails the unmap too).  Lock held.
 */
static int grant_slot(struct vcpu *v, uint64_t addr, uint32_t flags, mfn_t frame,
		      struct page_info **l1, unsigned int *index)
{
	int rc = pte_slot(v, addr, flags, l1, index);
	uint64_t e;

	if (rc)
		return rc;
	e = entry_at(*l1, *index);
	return pv_pte_present(e) && mfn_eq(pv_pte_mfn(e), frame) ? 0 : -EINVAL;
}

/* Flushes host_addr (or, for a PTE address, everything) from every vCPU of v's domain. */
static void flush(struct vcpu *v, uint64_t addr, uint32_t flags)
{
	if (flags & GNTMAP_contains_pte)
		pv_mm_flush_tlb_domain(v->domain);
	else
		pv_mm_invlpg_domain(v->domain, addr);
}

static uint64_t grant_pte(mfn_t frame, uint32_t flags)
{
	uint64_t e = (mfn_x(frame) << PAGE_SHIFT) | PV_PTE_P | PV_PTE_A | PV_PTE_D;

	if (!(flags & GNTMAP_readonly))
		e |= PV_PTE_RW;
	if (flags & GNTMAP_application_map)
		e |= PV_PTE_US;
	if (page_type_get_config()->nx)
		e |= PV_PTE_NX;
	return e | (uint64_t)((flags >> _GNTMAP_guest_avail0) & AVAIL_BITS) << AVAIL_SHIFT;
}

int16_t gnttab_pte_install(struct vcpu *v, uint64_t host_addr, uint32_t flags, domid_t granter,
			   mfn_t frame)
{
	const struct pv_pte_write w = {.table_owner = v->domain->domid, .frame_owner = granter};
	struct page_info *l1;
	unsigned int index;
	uint64_t old = 0;
	int rc;

	mmu_lock();
	rc = pte_slot(v, host_addr, flags, &l1, &index);
	if (!rc)
		rc = pv_pte_write(l1, index, grant_pte(frame, flags), &w, &old);
	if (!rc && pv_pte_present(old))
		flush(v, host_addr, flags);
	mmu_unlock();
	return rc ? GNTST_general_error : GNTST_okay;
}

int16_t gnttab_pte_remove(struct vcpu *v, uint64_t host_addr, uint32_t flags, mfn_t frame)
{
	const struct pv_pte_write w = {.table_owner = v->domain->domid,
				       .frame_owner = v->domain->domid};
	struct page_info *l1;
	unsigned int index;
	int rc;

	mmu_lock();
	rc = grant_slot(v, host_addr, flags, frame, &l1, &index);
	if (!rc)
		rc = pv_pte_write(l1, index, 0, &w, NULL);
	if (!rc)
		flush(v, host_addr, flags);
	mmu_unlock();
	return rc ? GNTST_general_error : GNTST_okay;
}

/* Whose name the references of entry e were taken in (what to name when moving it). */
static domid_t entry_frame_owner(uint64_t e, domid_t self)
{
	mfn_t f = pv_pte_mfn(e);

	if (!pv_pte_present(e) || !mfn_in_table(f) || mfn_to_page(f)->state == FRAME_UNMANAGED)
		return self; /* nothing counted, or I/O memory checked as the caller's */
	return mfn_to_page(f)->owner;
}

/* Moves new_addr's entry to (l1, index), which maps the grant.  Lock held. */
static int move_entry(struct vcpu *v, struct page_info *l1, unsigned int index, uint64_t new_addr)
{
	domid_t self = v->domain->domid;
	const struct pv_pte_write clear = {.table_owner = self, .frame_owner = self};
	struct pv_pte_write w = {.table_owner = self};
	struct page_info *nl1;
	unsigned int nindex;
	uint64_t e;
	int rc = pte_slot(v, new_addr, 0, &nl1, &nindex);

	if (rc)
		return rc;
	if (nl1 == l1 && nindex == index)
		return -EINVAL; /* the grant's own entry: nothing to move */
	e = entry_at(nl1, nindex);
	/* The entry is valid in this domain's tables now: re-validating it elsewhere there
	 * succeeds. */
	w.frame_owner = entry_frame_owner(e, self);
	rc = pv_pte_write(l1, index, e, &w, NULL);
	if (!rc)
		BUG_ON(pv_pte_write(nl1, nindex, 0, &clear, NULL));
	return rc;
}

int16_t gnttab_pte_replace(struct vcpu *v, uint64_t host_addr, uint64_t new_addr, uint32_t flags,
			   mfn_t frame)
{
	struct page_info *l1;
	unsigned int index;
	int rc;

	if (!new_addr)
		return gnttab_pte_remove(v, host_addr, flags, frame);
	/* Xen 4.17 replaces only mappings made by virtual address. */
	if (flags & GNTMAP_contains_pte)
		return GNTST_general_error;
	mmu_lock();
	rc = grant_slot(v, host_addr, flags, frame, &l1, &index);
	if (!rc)
		rc = move_entry(v, l1, index, new_addr);
	if (!rc) {
		flush(v, host_addr, flags);
		flush(v, new_addr, 0);
	}
	mmu_unlock();
	return rc ? GNTST_general_error : GNTST_okay;
}
