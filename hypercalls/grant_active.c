/*
 * hypercalls/grant_active.c - using one entry of a granter's table: the
 * guest's v1 entry read and marked with the compare-exchange protocol,
 * Keel's record of the entry while it is in use, and the frame
 * references each use holds (contracts in gnttab_private.h).
 *
 * The guest owns its entries and may rewrite them at any moment, from
 * any vCPU, to anything (hostile guests included).  So Keel never reads
 * flags, domid and frame as three separate facts it then trusts: flags
 * and domid form the entry's first 32-bit word and are checked and
 * marked in one compare-exchange (GTF_reading, and GTF_writing for a
 * writable use), which fails if the guest changed either meanwhile; the
 * frame is read once, after the mark, and from then on kept in Keel's
 * record.  A guest that changes the frame after the mark (breaking the
 * protocol) changes nothing for Keel, and whatever frame it named is
 * checked to be the granter's own before anything is mapped.  A guest
 * that rewrites the word in a loop gets GNTST_general_error after a few
 * tries instead of stalling Keel.
 *
 * Locks: g->grant_lock guards g->gnttab and the records; the PV-MMU lock
 * is taken inside it for the references (order in grant_table.c).
 */
#include "hypercalls/gnttab_private.h"

#include <stddef.h>

#include "arch/mm.h"
#include "arch/spinlock.h"
#include "hypervisor/common/domain.h"
#include "lib/compiler.h"
#include "lib/errno.h"
#include "lib/printk.h"
#include "mm/mmu_lock.h"
#include "mm/page_ref.h"
#include "mm/page_type.h"

/* flags and domid are the entry's first word: checked together in one compare-exchange. */
BUILD_BUG_ON(offsetof(grant_entry_v1_t, flags) != 0);
BUILD_BUG_ON(offsetof(grant_entry_v1_t, domid) != 2);
BUILD_BUG_ON(sizeof(grant_entry_v1_t) != 8);

/* Compare-exchange attempts before a changing entry is refused. */
#define ENTRY_TRIES 4

grant_ref_t gnttab_nr_entries(const struct gnttab *gt)
{
	return gt->nr_frames * GNTTAB_PER_FRAME;
}

grant_entry_v1_t *gnttab_shared_entry(const struct gnttab *gt, grant_ref_t ref)
{
	grant_entry_v1_t *entries = arch_mfn_to_virt(gt->frames[ref / GNTTAB_PER_FRAME]);

	return &entries[ref % GNTTAB_PER_FRAME];
}

struct gnttab_active *gnttab_active_entry(const struct gnttab *gt, grant_ref_t ref)
{
	return &gt->active[ref / GNTTAB_PER_FRAME][ref % GNTTAB_PER_FRAME];
}

/*
 * Marks e in use for grantee (GTF_reading, plus GTF_writing if write)
 * if it grants that: a permit_access entry for grantee, not read-only
 * for a writable use.
 */
static int16_t entry_acquire(grant_entry_v1_t *e, domid_t grantee, bool write)
{
	uint32_t *word = (uint32_t *)(void *)e;
	uint32_t mark = GTF_reading | (write ? GTF_writing : 0);

	for (unsigned int i = 0; i < ENTRY_TRIES; i++) {
		uint32_t old = __atomic_load_n(word, __ATOMIC_ACQUIRE);
		uint16_t flags = (uint16_t)old;

		if ((flags & GTF_type_mask) != GTF_permit_access || (domid_t)(old >> 16) != grantee)
			return GNTST_general_error;
		if (write && (flags & GTF_readonly))
			return GNTST_general_error;
		if (__atomic_compare_exchange_n(word, &old, old | mark, false, __ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE))
			return GNTST_okay;
	}
	return GNTST_general_error;
}

/* Clears the marks no remaining use of act needs (the guest may then end access). */
static void entry_release(grant_entry_v1_t *e, const struct gnttab_active *act)
{
	uint16_t clear = 0;

	if (!act->pin_rw)
		clear |= GTF_writing;
	if (!act->pin_rw && !act->pin_ro)
		clear |= GTF_reading;
	if (clear)
		__atomic_fetch_and(&e->flags, (uint16_t)~clear, __ATOMIC_RELEASE);
}

/*
 * A use's frame references, in the granter's name: GNTST_bad_page if the
 * frame is not the granter's, GNTST_general_error if it cannot be
 * writable-typed (a page table or descriptor page) or a count is full.
 */
static int16_t take_refs(domid_t granter, mfn_t frame, bool write)
{
	struct page_info *pg;
	int16_t st = GNTST_okay;
	int rc;

	mmu_lock();
	rc = get_page_mfn(frame, granter, &pg);
	if (rc) {
		st = rc == -EOVERFLOW ? GNTST_general_error : GNTST_bad_page;
	} else if (write && get_page_type(pg, PGT_WRITABLE, granter)) {
		put_page(pg);
		st = GNTST_general_error;
	}
	mmu_unlock();
	return st;
}

static void drop_refs(mfn_t frame, bool write)
{
	struct page_info *pg = mfn_to_page(frame);

	mmu_lock();
	if (write)
		put_page_type(pg);
	put_page(pg);
	mmu_unlock();
}

/* gnttab_pin with g->grant_lock held and ref in range. */
static int16_t pin_locked(struct domain *g, grant_ref_t ref, domid_t grantee, bool write,
			  mfn_t *frame)
{
	const struct gnttab *gt = g->gnttab;
	struct gnttab_active *act = gnttab_active_entry(gt, ref);
	grant_entry_v1_t *e = gnttab_shared_entry(gt, ref);
	bool first = !act->pin_ro && !act->pin_rw;
	/* The guest's entry is consulted when the entry (or writing to it) is new. */
	bool check = first || (write && !act->pin_rw);
	mfn_t f;
	int16_t st;

	if (!first && act->domid != grantee)
		return GNTST_general_error;
	if (check) {
		st = entry_acquire(e, grantee, write);
		if (st)
			return st;
	}
	/* Read after the mark: a guest keeping the protocol leaves it alone now. */
	f = first ? _mfn(__atomic_load_n(&e->frame, __ATOMIC_ACQUIRE)) : act->frame;
	st = take_refs(g->domid, f, write);
	if (st) {
		if (check)
			entry_release(e, act);
		return st;
	}
	if (first) {
		act->frame = f;
		act->domid = grantee;
	}
	if (write)
		act->pin_rw++;
	else
		act->pin_ro++;
	*frame = f;
	return GNTST_okay;
}

int16_t gnttab_pin(struct domain *g, grant_ref_t ref, domid_t grantee, bool write, mfn_t *frame)
{
	int16_t st;

	spin_lock(&g->grant_lock);
	if (!g->gnttab)
		st = GNTST_bad_domain;
	else if (ref >= gnttab_nr_entries(g->gnttab))
		st = GNTST_bad_gntref;
	else
		st = pin_locked(g, ref, grantee, write, frame);
	spin_unlock(&g->grant_lock);
	return st;
}

void gnttab_unpin(struct domain *g, grant_ref_t ref, bool write, mfn_t frame)
{
	spin_lock(&g->grant_lock);
	/* Once g's table is gone (g dying) only the references are left to drop. */
	if (g->gnttab) {
		struct gnttab_active *act = gnttab_active_entry(g->gnttab, ref);

		BUG_ON(write ? !act->pin_rw : !act->pin_ro);
		if (write)
			act->pin_rw--;
		else
			act->pin_ro--;
		entry_release(gnttab_shared_entry(g->gnttab, ref), act);
	}
	drop_refs(frame, write);
	spin_unlock(&g->grant_lock);
}
