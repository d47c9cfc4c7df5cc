/*
 * mm/pv_pte.c - validation of PV page-table entries and tables, and the
 * entry-update worker (rules in pv_pte.h).
 *
 * Owns: the references a validated table's entries hold, and pt_linear.
 * Invariants:
 *   - a present entry of a validated table (outside Keel's L4 slots) holds
 *     exactly the references pv_pte_get_refs() took for it; the guest
 *     cannot change it behind our back, because the table frame cannot be
 *     writable-mapped while it is typed (the hardware only sets A/D bits);
 *   - which references an entry holds is decided again at put time from
 *     the entry alone: the target's type cannot change while we hold a
 *     type reference on it, so "target has this table's own level" still
 *     means "linear" and "target is this table" still means "self";
 *   - linear entries are one level deep (pt_linear: a table with linear
 *     entries is never a linear target), so type references never form a
 *     cycle: normal entries go strictly down a level, linear ones stay at
 *     a level but never chain, and a self-entry takes no type reference.
 * Locks: none; the caller serialises (page_type.h).
 */
#include "mm/pv_pte.h"

#include "arch/mm.h"
#include "lib/errno.h"
#include "lib/printk.h"
#include "mm/page_ref.h"
#include "mm/page_type.h"

static uint64_t *table_entries(const struct page_info *table)
{
	return arch_mfn_to_virt(page_to_mfn(table));
}

/* An L1 entry: a general reference, plus PGT_WRITABLE if RW is set. */
static int l1e_get_refs(struct page_info *target, uint64_t e, domid_t domid)
{
	bool rw = pv_pte_rw(e);
	int rc = get_page(target, domid);

	/*
	 * A free frame, or one of Keel's own (its heap, the M2P), is "busy"
	 * to Xen 4.17: mapping it gives -EBUSY.
	 */
	if (rc == -EINVAL && (target->state == FRAME_FREE || target->state == FRAME_FREE_HEAD))
		rc = -EBUSY;
	if (rc == -EPERM && target->owner == DOMID_XEN)
		rc = -EBUSY;
	if (rc)
		return rc;
	if (rw) {
		rc = get_page_type(target, PGT_WRITABLE, domid);
		if (rc)
			put_page(target);
		/* A page table or descriptor page cannot be mapped writable: -EBUSY, as Xen. */
		if (rc == -EINVAL)
			rc = -EBUSY;
	}
	return rc;
}

/* An Ln entry pointing at another live Ln table: read-only, one level deep. */
static int linear_get_refs(struct page_info *table, unsigned int level, struct page_info *target,
			   uint64_t e, domid_t domid)
{
	int rc;

	if (pv_pte_rw(e) || !page_type_validated(target))
		return -EINVAL;
	if (table->pt_linear < 0 || target->pt_linear > 0)
		return -EINVAL;
	if (table->pt_linear == INT16_MAX || target->pt_linear == INT16_MIN)
		return -EOVERFLOW;
	rc = get_page_and_type(target, page_type_of_level(level), domid);
	if (rc)
		return rc;
	table->pt_linear++;
	target->pt_linear--;
	return 0;
}

/* A frame Keel keeps no counts on: outside the frame table, or never managed. */
static bool uncounted_frame(mfn_t mfn)
{
	return !mfn_in_table(mfn) || mfn_to_page(mfn)->state == FRAME_UNMANAGED;
}

/*
 * How domid may map mfn, a frame Keel does not count, as I/O memory: what
 * the io_frame_access hook says (the hardware domain's device memory);
 * nothing past the machine's address width, and nothing without the hook.
 */
static enum pv_io_access io_access(uint64_t mfn, domid_t domid)
{
	const struct page_type_config *cfg = page_type_get_config();
	bool beyond = cfg->maxphysaddr < 52 && (mfn >> (cfg->maxphysaddr - PAGE_SHIFT));

	if (beyond || !cfg->hooks.io_frame_access)
		return PV_IO_DENIED;
	return cfg->hooks.io_frame_access(mfn, domid);
}

/*
 * An L1 entry for a frame Keel does not count: -EPERM unless allowed, as
 * Xen.  No references.  *read_only: the domain may only read the frame.
 */
static int l1e_io_frame(uint64_t e, domid_t domid, bool *read_only)
{
	enum pv_io_access a = io_access(mfn_x(pv_pte_mfn(e)), domid);

	*read_only = a == PV_IO_READ_ONLY;
	return a == PV_IO_DENIED ? -EPERM : 0;
}

/* pv_pte_get_refs(), saying whether the entry must lose RW (read-only I/O memory). */
static int take_refs(struct page_info *table, unsigned int level, uint64_t e, domid_t domid,
		     bool *read_only)
{
	const struct page_type_config *cfg = page_type_get_config();
	struct page_info *target;
	mfn_t mfn = pv_pte_mfn(e);
	uint64_t reserved = pv_pte_reserved_mask(level, cfg->maxphysaddr, cfg->nx);

	*read_only = false;
	if (!pv_pte_present(e))
		return 0;
	/* In an L1, an address past the machine's width is an I/O frame nobody may map (-EPERM). */
	if (level == 1)
		reserved &= ~PV_PTE_ADDR_MASK;
	if (e & reserved)
		return -EINVAL;
	if (level == 1 && uncounted_frame(mfn))
		return l1e_io_frame(e, domid, read_only);
	if (!mfn_in_table(mfn))
		return -EINVAL;
	target = mfn_to_page(mfn);
	if (level == 1)
		return l1e_get_refs(target, e, domid);
	/* Self-map: walking it needs this table typed already; no type ref,
	 * or the table could never drop to type count 0. */
	if (target == table)
		return pv_pte_rw(e) ? -EINVAL : get_page(target, domid);
	if (page_get_type(target) == page_type_of_level(level) && page_type_count(target))
		return linear_get_refs(table, level, target, e, domid);
	return get_page_and_type(target, page_type_of_level(level - 1), domid);
}

/* The entry Keel writes for e, accepted; read_only: I/O memory the domain may only read. */
static uint64_t to_install(uint64_t e, unsigned int level, bool read_only)
{
	return pv_pte_adjust(read_only ? e & ~PV_PTE_RW : e, level);
}

int pv_pte_get_refs(struct page_info *table, unsigned int level, uint64_t e, domid_t domid,
		    uint64_t *install)
{
	bool read_only;
	int rc = take_refs(table, level, e, domid, &read_only);

	if (!rc && install)
		*install = to_install(e, level, read_only);
	return rc;
}

void pv_pte_put_refs(struct page_info *table, unsigned int level, uint64_t e)
{
	struct page_info *target;

	if (!pv_pte_present(e))
		return;
	if (level == 1 && uncounted_frame(pv_pte_mfn(e)))
		return; /* I/O memory: nothing was taken */
	target = mfn_to_page(pv_pte_mfn(e));
	if (level == 1) {
		if (pv_pte_rw(e))
			put_page_type(target);
		put_page(target);
		return;
	}
	if (target == table) {
		put_page(target);
		return;
	}
	if (page_get_type(target) == page_type_of_level(level)) {
		table->pt_linear--;
		target->pt_linear++;
	}
	put_page_and_type(target);
}

static bool keel_slot(unsigned int level, unsigned int i)
{
	return level == 4 && pv_l4_slot_is_keel(i);
}

/* Drops the references of entries 0 .. end-1. */
static void put_entries(struct page_info *table, unsigned int level, unsigned int end)
{
	uint64_t *pt = table_entries(table);

	for (unsigned int i = 0; i < end; i++)
		if (!keel_slot(level, i))
			pv_pte_put_refs(table, level, pt[i]);
}

int pv_table_validate(struct page_info *table, unsigned int level, domid_t domid)
{
	const struct page_type_hooks *h = &page_type_get_config()->hooks;
	uint64_t *pt = table_entries(table);
	/* Entries that map read-only I/O memory: written without RW once all are accepted. */
	uint64_t read_only[PV_PTES_PER_TABLE / 64] = {0};
	int rc = 0;
	unsigned int i;

	ASSERT(level >= 1 && level <= 4);
	for (i = 0; i < PV_PTES_PER_TABLE; i++) {
		bool ro = false;

		if (keel_slot(level, i))
			rc = pv_pte_present(pt[i]) ? -EINVAL : 0;
		else
			rc = take_refs(table, level, pt[i], domid, &ro);
		if (rc) {
			put_entries(table, level, i);
			return rc;
		}
		read_only[i / 64] |= (uint64_t)ro << (i % 64);
	}
	for (i = 0; i < PV_PTES_PER_TABLE; i++)
		if (!keel_slot(level, i))
			pt[i] = to_install(pt[i], level, read_only[i / 64] >> (i % 64) & 1);
	if (level == 4 && h->l4_install_keel_slots)
		h->l4_install_keel_slots(pt, domid);
	return 0;
}

void pv_table_devalidate(struct page_info *table, unsigned int level)
{
	uint64_t *pt = table_entries(table);

	put_entries(table, level, PV_PTES_PER_TABLE);
	if (level == 4)
		for (unsigned int i = PV_KEEL_L4_FIRST; i <= PV_KEEL_L4_LAST; i++)
			pt[i] = 0;
	ASSERT(table->pt_linear == 0);
}

int pte_update(struct page_info *table, unsigned int index, uint64_t new_e, domid_t domid)
{
	unsigned int level = page_type_level(page_get_type(table));
	uint64_t *pt, old, install;
	int rc = page_ref_check_owner(table, domid);

	if (rc)
		return rc;
	if (!level || !page_type_count(table) || !page_type_validated(table))
		return -EINVAL;
	if (index >= PV_PTES_PER_TABLE || keel_slot(level, index))
		return -EINVAL;
	rc = pv_pte_get_refs(table, level, new_e, domid, &install);
	if (rc)
		return rc;
	pt = table_entries(table);
	/* One atomic swap: the hardware walker may set A/D in the old entry. */
	old = __atomic_exchange_n(&pt[index], install, __ATOMIC_SEQ_CST);
	pv_pte_put_refs(table, level, old);
	return 0;
}
