/*
 * mm/page_type.h - the page-type state machine of the PV MMU.
 *
 * Owns: page_info.type_info (type, validated, pinned, type count) and the
 * configuration of PV entry validation (machine address width, NX, hooks).
 *
 * The state machine (docs/pv-page-types.md has pictures and examples):
 *   - a frame has one type at a time; type_count counts its uses as that
 *     type, and every type reference comes with a general one (page_ref.h);
 *   - get_page_type() on a frame whose type count is 0 changes its type:
 *     an L1-L4 type validates the contents first (pv_pte.h), taking
 *     references on everything the entries point to; PGT_SEGDESC asks the
 *     descriptor checker hook; PGT_WRITABLE and PGT_SHARED need nothing;
 *   - the same type while the count is > 0 just counts; another type while
 *     the count is > 0 fails with -EINVAL (as Xen's get_page_type), which
 *     is invariant 2: a page table or descriptor page cannot become
 *     writable-mapped, and a writable-mapped frame cannot become a table;
 *   - the last put_page_type() of a validated page table devalidates it at
 *     once (drops the references its entries hold), so a table at count 0
 *     never holds references, and a teardown returns every count to 0;
 *   - pinning (MMUEXT_PIN_Lx_TABLE) holds one type reference and sets
 *     PGT_PINNED; pinning twice or unpinning an unpinned frame is -EINVAL;
 *     unpinning drops that reference: a table still in use elsewhere (in
 *     CR3, or referenced by an upper table) stays validated, as on Xen.
 *
 * Locks: none inside.  Contract: the caller serialises every call of
 * page_ref.h, page_type.h and pv_pte.h with one lock for the whole PV MMU
 * (a per-domain lock is not enough: grant mappings type another domain's
 * frames).  Validation recurses at most 4 levels, plus one linear level,
 * with a few words of stack per level.
 */
#ifndef MM_PAGE_TYPE_H
#define MM_PAGE_TYPE_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/frame_table.h"

/* How a domain may map a frame of I/O memory (the io_frame_access hook). */
enum pv_io_access {
	PV_IO_DENIED,
	PV_IO_READ_ONLY,
	PV_IO_READ_WRITE,
};

/* What the hypervisor plugs into validation; every hook may be NULL. */
struct page_type_hooks {
	/*
	 * Checks every descriptor of pg before it becomes PGT_SEGDESC: 0 or a
	 * negative errno.  NULL: PGT_SEGDESC is refused with -EOPNOTSUPP.
	 */
	int (*segdesc_check)(struct page_info *pg, domid_t domid);
	/*
	 * pg, with no writable mapping left, is about to take another type:
	 * flush stale writable TLB entries for it everywhere.
	 */
	void (*writable_retyped)(struct page_info *pg);
	/*
	 * May domid map machine frame mfn, which Keel does not count
	 * references on (outside the frame table, or memory the allocator
	 * never managed: firmware, I/O, the first MiB), as I/O memory in an
	 * L1 entry, and how?  PV_IO_DENIED refuses the entry with -EPERM;
	 * PV_IO_READ_ONLY installs it with RW cleared, whatever the guest
	 * asked (Xen's "forcing read-only access"); PV_IO_READ_WRITE installs
	 * it as asked.  NULL: always denied.
	 */
	enum pv_io_access (*io_frame_access)(uint64_t mfn, domid_t domid);
	/* Fills Keel's slots (PV_KEEL_L4_FIRST..LAST) of a freshly validated L4. */
	void (*l4_install_keel_slots)(uint64_t *l4, domid_t domid);
};

struct page_type_config {
	unsigned int maxphysaddr; /* physical address bits of the machine, 32..52 */
	bool nx;		  /* guests may set NX (EFER.NXE is on) */
	struct page_type_hooks hooks;
};

/*
 * Sets the configuration (copied).  Returns 0, or -EINVAL for maxphysaddr
 * outside 32..52.  Before the first call: 52 bits, no NX, no hooks.  Boot
 * CPU, before any guest exists (or between unit tests).
 */
int page_type_init(const struct page_type_config *cfg);

/* The configuration in force. */
const struct page_type_config *page_type_get_config(void);

/* Page-table level of a type: 1..4 for PGT_L1..PGT_L4, else 0. */
static inline unsigned int page_type_level(enum page_type t)
{
	return t >= PGT_L1 && t <= PGT_L4 ? (unsigned int)(t - PGT_L1) + 1 : 0;
}

/* The type of page-table level 1..4. */
static inline enum page_type page_type_of_level(unsigned int level)
{
	return (enum page_type)(PGT_L1 + (int)level - 1);
}

/*
 * Takes a type reference of `type` (PGT_WRITABLE..PGT_SHARED) on pg for
 * domid, which must already hold a general reference.  Returns 0;
 * -EINVAL if pg has another type with a non-zero count (or is a table
 * being validated); -EOVERFLOW if the type count is saturated; any error
 * of validation (pv_pte.h) or of the segdesc hook.  Nothing changes on
 * error.
 */
int get_page_type(struct page_info *pg, enum page_type type, domid_t domid);

/*
 * Drops a type reference (BUG if none).  The last one of a validated page
 * table devalidates it, recursively dropping what its entries held.
 */
void put_page_type(struct page_info *pg);

/* get_page() then get_page_type(); on error neither reference is held. */
int get_page_and_type(struct page_info *pg, enum page_type type, domid_t domid);

/* put_page_type() then put_page(). */
void put_page_and_type(struct page_info *pg);

/*
 * MMUEXT_PIN_L{1,2,3,4}_TABLE: makes pg (domid's own) a validated table of
 * `type` (PGT_L1..PGT_L4) and keeps it so until unpinned.  Returns 0;
 * -EINVAL for a type that is not a page table, a frame already pinned, or
 * a type/validation failure; -EPERM for another domain's frame;
 * -EOVERFLOW for a saturated count.  Nothing changes on error.
 */
int page_type_pin(struct page_info *pg, enum page_type type, domid_t domid);

/*
 * MMUEXT_UNPIN_TABLE: drops the pin's references.  Returns 0; -EINVAL if
 * pg is not pinned (or not allocated); -EPERM for another domain's frame.
 */
int page_type_unpin(struct page_info *pg, domid_t domid);

#endif /* MM_PAGE_TYPE_H */
