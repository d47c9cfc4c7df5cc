/*
 * mm/pv_pte_write.h - writing one entry of a live guest page table on a
 * guest's behalf: the worker of mmu_update and update_va_mapping.
 *
 * Owns: nothing new.  It is pte_update() (pv_pte.h) with the two things
 * Xen's mmu_update needs on top, built from the same rules
 * (pv_pte_get_refs / pv_pte_put_refs):
 *   - two owners.  The table belongs to one domain (Xen's "PFD"); the
 *     frame a present L1 entry maps must belong to another one (Xen's
 *     "FD").  They differ only for a privileged caller: a control domain
 *     mapping a guest's frames into its own tables (FD = the guest), or
 *     editing a guest's tables (PFD = the guest); and for a grant
 *     mapping, which Keel itself installs after checking the grant (FD =
 *     the granter, hypercalls/grant_map.c).  L2-L4 entries point at page
 *     tables, which always belong to the table's owner;
 *   - MMU_PT_UPDATE_PRESERVE_AD: the new entry keeps the Accessed and
 *     Dirty bits the old one has at the moment of the swap.  The CPU may
 *     set them at any time, so this is a compare-and-swap loop, never a
 *     read followed by a write (a lost Dirty bit would let the guest
 *     drop a page it had written to).
 *
 * Errors: -EINVAL if table is not a validated L1-L4 of the table owner
 * (or is not allocated), index >= 512, index is one of Keel's L4 slots,
 * or the new entry breaks a rule of pv_pte.h; -EPERM for a table or an L1
 * target not owned by the frame owner named;
 * -EOVERFLOW when a count would overflow.  Nothing changes on error.
 *
 * Locks: the PV-MMU lock held (mm/mmu_lock.h).  Flushing TLBs that may
 * still hold the old entry is the caller's job.
 */
#ifndef MM_PV_PTE_WRITE_H
#define MM_PV_PTE_WRITE_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/frame_table.h"

struct pv_pte_write {
	domid_t table_owner; /* must own the table (Xen's PFD) */
	domid_t frame_owner; /* must own what a present L1 entry maps (Xen's FD) */
	bool preserve_ad;    /* keep the old entry's A/D bits */
};

/*
 * Writes new_e into entry `index` of the validated page table `table`:
 * references for new_e are taken first, then the entry is swapped
 * atomically, then the old entry's references are dropped.  On success
 * *old_e (if not NULL) is the entry that was replaced.
 */
int pv_pte_write(struct page_info *table, unsigned int index, uint64_t new_e,
		 const struct pv_pte_write *w, uint64_t *old_e);

#endif /* MM_PV_PTE_WRITE_H */
