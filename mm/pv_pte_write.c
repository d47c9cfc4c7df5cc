/*
 * mm/pv_pte_write.c - one entry of a live guest page table, written on a
 * guest's behalf (contract in pv_pte_write.h).
 *
 * Invariant kept (the one of pv_pte.c): a present entry of a validated
 * table holds exactly the references pv_pte_get_refs() took for it.  The
 * new entry's references are taken before it becomes visible, and the
 * old entry's are dropped after it is gone; the hardware can only change
 * A/D bits, which hold no references, so deciding what to drop from the
 * value the swap returned is exact.
 *
 * Locks: none here; the caller holds the PV-MMU lock.
 */
#include "mm/pv_pte_write.h"

#include "arch/mm.h"
#include "lib/errno.h"
#include "mm/page_ref.h"
#include "mm/page_type.h"
#include "mm/pv_pte.h"

#define AD_BITS (PV_PTE_A | PV_PTE_D)

/* 0 if entry `index` of `table` may be written for its owner at all. */
static int check_table(struct page_info *table, unsigned int index, domid_t owner)
{
	unsigned int level = page_type_level(page_get_type(table));
	int rc = page_ref_check_owner(table, owner);

	if (rc)
		return rc;
	if (!level || !page_type_count(table) || !page_type_validated(table))
		return -EINVAL;
	if (index >= PV_PTES_PER_TABLE || (level == 4 && pv_l4_slot_is_keel(index)))
		return -EINVAL;
	return 0;
}

/* Swaps in `want`, ORed with the old entry's A/D bits if asked; returns the old entry. */
static uint64_t swap_entry(uint64_t *slot, uint64_t want, bool preserve_ad)
{
	uint64_t old = __atomic_load_n(slot, __ATOMIC_RELAXED);

	if (!preserve_ad)
		return __atomic_exchange_n(slot, want, __ATOMIC_SEQ_CST);
	/* On failure `old` is reloaded with what the CPU just wrote there. */
	while (!__atomic_compare_exchange_n(slot, &old, want | (old & AD_BITS), false,
					    __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
		;
	return old;
}

int pv_pte_write(struct page_info *table, unsigned int index, uint64_t new_e,
		 const struct pv_pte_write *w, uint64_t *old_e)
{
	unsigned int level = page_type_level(page_get_type(table));
	int rc = check_table(table, index, w->table_owner);
	/* Only an L1 entry maps data; upper entries point at the owner's own tables. */
	domid_t owner = level == 1 ? w->frame_owner : w->table_owner;
	uint64_t *entries, old, install;

	if (rc)
		return rc;
	rc = pv_pte_get_refs(table, level, new_e, owner, &install);
	if (rc)
		return rc;
	entries = arch_mfn_to_virt(page_to_mfn(table));
	old = swap_entry(&entries[index], install, w->preserve_ad);
	pv_pte_put_refs(table, level, old);
	if (old_e)
		*old_e = old;
	return 0;
}
