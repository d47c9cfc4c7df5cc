/*
 * mm/pv_pte.h - PV guest page-table entries: their format, and the
 * validation of every entry a guest installs (x86_64, 4 levels).
 *
 * Owns: the entry bit layout and reserved-bit masks (inline helpers), and
 * in pv_pte.c the per-entry reference rules, whole-table validation and
 * devalidation, and pte_update(), the worker behind mmu_update.
 *
 * The rules an entry must pass (docs/pv-page-types.md tells the story):
 *   - a non-present entry is ignored, whatever its other bits (as Xen);
 *   - reserved bits are clear: bits 52-62, bit 63 (NX) unless the machine
 *     has NX, address bits at or above the machine's width; in L2-L4
 *     entries also PWT, PCD, PS (bit 7: a superpage, refused) and G;
 *   - the target frame is in the frame table and owned by the domain
 *     named for it (the guest itself; a grant mapping names the granter,
 *     see pv_pte_write.h);
 *   - L1: RW set takes PGT_WRITABLE on the target (refused with -EBUSY, as
 *     Xen 4.17 does, while the target is a page table or descriptor page:
 *     invariant 2), RW clear takes only a general reference; a free frame
 *     is -EBUSY too;
 *   - Ln (n >= 2): the target takes type L(n-1), which validates it first;
 *     or, if it already is a live Ln table, the entry is a linear
 *     (same-level) mapping: read-only only, one level deep (see pt_linear
 *     in frame_table.h), a type reference without re-validation; an entry
 *     pointing at its own table takes only a general reference;
 *   - L4 slots PV_KEEL_L4_FIRST..LAST are Keel's: no present guest entry
 *     there, and pte_update() refuses to write them at all (invariant 3).
 *
 * Locks: none here.  Every function runs under the caller's serialisation
 * of the page-type state machine (see page_type.h).
 */
#ifndef MM_PV_PTE_H
#define MM_PV_PTE_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/hv_range.h"
#include "mm/frame_table.h"

#define PV_PTES_PER_TABLE 512

#define PV_PTE_P	  (1ULL << 0)
#define PV_PTE_RW	  (1ULL << 1)
#define PV_PTE_US	  (1ULL << 2)
#define PV_PTE_PWT	  (1ULL << 3)
#define PV_PTE_PCD	  (1ULL << 4)
#define PV_PTE_A	  (1ULL << 5)
#define PV_PTE_D	  (1ULL << 6)
#define PV_PTE_PSE	  (1ULL << 7) /* L2/L3: superpage; L1: PAT */
#define PV_PTE_G	  (1ULL << 8)
#define PV_PTE_NX	  (1ULL << 63)
#define PV_PTE_AVAIL_HIGH 0x7ff0000000000000ULL /* bits 52-62 */
/* Software bit 52 of an L1 entry: "the guest made this kernel-only" (Xen's _PAGE_GUEST_KERNEL). */
#define PV_PTE_GUEST_KERNEL (1ULL << 52)
#define PV_PTE_ADDR_MASK  0x000ffffffffff000ULL /* bits 12-51 */

/* Keel's PML4 slots (lib/hv_range.h: 256-271). */
#define PV_KEEL_L4_FIRST HV_RANGE_FIRST_L4_SLOT
#define PV_KEEL_L4_LAST	 HV_RANGE_LAST_L4_SLOT

static inline bool pv_pte_present(uint64_t e)
{
	return e & PV_PTE_P;
}

static inline bool pv_pte_rw(uint64_t e)
{
	return e & PV_PTE_RW;
}

static inline mfn_t pv_pte_mfn(uint64_t e)
{
	return _mfn((e & PV_PTE_ADDR_MASK) >> PAGE_SHIFT);
}

static inline bool pv_l4_slot_is_keel(unsigned int slot)
{
	return slot >= PV_KEEL_L4_FIRST && slot <= PV_KEEL_L4_LAST;
}

/*
 * Bits a present entry of page-table level 1..4 must have clear, for a
 * machine with physical addresses of maxphysaddr bits (36..52) and NX
 * usable by guests or not.  PS is in the L2-L4 masks too: superpages and
 * the reserved PS bit of an L4 entry are both refused.
 */
static inline uint64_t pv_pte_reserved_mask(unsigned int level, unsigned int maxphysaddr, bool nx)
{
	/* An L1 entry may carry bit 52 back: Keel's own kernel-only mark (pv_pte_adjust). */
	uint64_t m = PV_PTE_AVAIL_HIGH & ~(level == 1 ? PV_PTE_GUEST_KERNEL : 0);

	if (!nx)
		m |= PV_PTE_NX;
	if (maxphysaddr < 52)
		m |= PV_PTE_ADDR_MASK & ~((1ULL << maxphysaddr) - 1);
	if (level > 1)
		m |= PV_PTE_PWT | PV_PTE_PCD | PV_PTE_PSE | PV_PTE_G;
	return m;
}

/*
 * The entry Keel writes for a present guest entry of a level-`level`
 * table: with US set, because a 64-bit PV guest kernel runs in ring 3 and
 * must reach its own mappings (guest kernel and guest user are kept apart
 * by separate page tables).  An L1 entry the guest made kernel-only is
 * marked with PV_PTE_GUEST_KERNEL, as Xen 4.17 marks it, so the guest
 * reads back what it meant.  G is dropped from L1 entries: a global
 * translation would outlive the switch to the guest's user page tables
 * (Xen keeps it and flushes globally instead; Keel never trusts it).
 */
static inline uint64_t pv_pte_adjust(uint64_t e, unsigned int level)
{
	if (!pv_pte_present(e))
		return e;
	if (level == 1) {
		e &= ~PV_PTE_G;
		if (!(e & PV_PTE_US))
			e |= PV_PTE_GUEST_KERNEL;
	}
	return e | PV_PTE_US;
}

/*
 * Takes the references a present entry of a level-`level` table `table`
 * needs (see the rules above), for domain domid.  Returns 0 (also for a
 * non-present entry), -EINVAL for a rule broken, -EPERM for a frame of
 * another domain, -EOVERFLOW when a count would overflow.  Takes nothing
 * on error.  On success, *install (if not NULL) is the value Keel writes
 * for e: pv_pte_adjust(e), and for an L1 mapping of I/O memory domid may
 * only read (page_type.h's io_frame_access) with RW cleared, which
 * changes no reference (I/O frames hold none).
 */
int pv_pte_get_refs(struct page_info *table, unsigned int level, uint64_t e, domid_t domid,
		    uint64_t *install);

/* Drops what pv_pte_get_refs() took for the same entry of the same table. */
void pv_pte_put_refs(struct page_info *table, unsigned int level, uint64_t e);

/*
 * Validates all entries of table (typed level 1..4, not yet validated):
 * all or nothing.  On success every entry holds its references, present
 * entries are rewritten as pv_pte_get_refs() says to install them and, for an L4, Keel's slots are
 * filled by the install hook (page_type.h).  On the first bad entry every
 * reference taken so far is dropped, the contents are unchanged and the
 * error is returned.
 */
int pv_table_validate(struct page_info *table, unsigned int level, domid_t domid);

/*
 * Drops the references of every entry of table, a level-`level` table that
 * was validated; an L4's Keel slots are cleared, so the frame goes back to
 * the guest without Keel's entries.
 */
void pv_table_devalidate(struct page_info *table, unsigned int level);

/*
 * The worker of MMU_NORMAL_PT_UPDATE: writes new_e into entry `index` of
 * the validated page table `table` owned by domid.  The new entry is
 * validated (references taken) before it is written and the old entry's
 * references are dropped after.  Returns 0; -EINVAL if table is not a
 * validated L1-L4 of domid, index >= 512, index is one of Keel's L4 slots,
 * or the new entry breaks a rule; -EPERM for another domain's table or
 * target; -EOVERFLOW for a count overflow.  Nothing changes on error.
 * The caller flushes TLBs before anything relies on the old entry's
 * mapping being gone.
 */
int pte_update(struct page_info *table, unsigned int index, uint64_t new_e, domid_t domid);

#endif /* MM_PV_PTE_H */
