/*
 * mm/frame_table.h - one struct page_info per machine frame.
 *
 * Owns: the frame table (an array indexed by machine frame number, in
 * memory the caller provides) and the page lists that chain frames through
 * it.  Who may write which field of a page_info:
 *   next/prev           whoever holds the frame on a page list (the
 *                       allocator while it is free, its user after);
 *   count, type_info,   the page reference and page-type code
 *   pt_linear           (mm/page_ref.c, mm/page_type.c, mm/pv_pte.c);
 *   owner               the allocator on alloc/free, then domain code;
 *   state, order        mm/buddy.c only (others may read order of a head);
 *   flags               PGF_NEED_SCRUB: buddy; PGF_HEAP: mm/heap.c;
 *   heap_*              mm/heap.c while PGF_HEAP is set.
 *
 * Invariants: the table covers frames 0 .. nr_frames-1 and nr_frames is
 * below 2^32, so 32-bit frame indices (PAGE_LIST_NONE = none) link lists
 * and keep the entry within 32 bytes.  The table itself has no lock: each
 * field is protected by its writer's lock (the buddy lock for state/order,
 * the heap lock for heap_*, the owner's lock for list links).
 */
#ifndef MM_FRAME_TABLE_H
#define MM_FRAME_TABLE_H

#include <stdint.h>

#include <xen/xen.h> /* domid_t, DOMID_XEN, DOMID_INVALID, ... */

#include "lib/types.h"

#define PAGE_LIST_NONE UINT32_MAX
/* Frame indices must fit 32 bits with PAGE_LIST_NONE left over. */
#define FRAME_TABLE_MAX_FRAMES ((uint64_t)UINT32_MAX)

/*
 * Page types, for PV page-table validation: a frame is used as one type
 * at a time; type_count counts the uses.  Frames start as PGT_NONE.
 */
enum page_type {
	PGT_NONE = 0,
	PGT_WRITABLE = 1, /* mapped writable by some page table */
	PGT_L1 = 2,	  /* a validated level-1 .. level-4 page table */
	PGT_L2 = 3,
	PGT_L3 = 4,
	PGT_L4 = 5,
	PGT_SEGDESC = 6, /* a GDT or LDT page */
	PGT_SHARED = 7,	 /* a content-shared (deduplicated) frame */
};

/*
 * type_info: type in bits 28-31, validated in bit 27, pinned in bit 26
 * (MMUEXT_PIN_Lx_TABLE holds one type reference), type count below.
 */
#define PGT_TYPE_SHIFT 28
#define PGT_TYPE_MASK  (0xfu << PGT_TYPE_SHIFT)
#define PGT_VALIDATED  (1u << 27)
#define PGT_PINNED     (1u << 26)
#define PGT_COUNT_MASK (PGT_PINNED - 1)

/* Allocator state of a frame (mm/buddy.c). */
enum frame_state {
	FRAME_UNMANAGED = 0, /* never given to the allocator (image, holes, boot data) */
	FRAME_FREE_HEAD,     /* first frame of a free block of 2^order frames */
	FRAME_FREE,	     /* any other frame of a free block */
	FRAME_ALLOC_HEAD,    /* first frame of an allocated block of 2^order frames */
	FRAME_ALLOC,	     /* any other frame of an allocated block */
};

/* flags */
#define PGF_NEED_SCRUB 0x01 /* contents unknown or left by a previous user */
#define PGF_HEAP       0x02 /* the first frame of a heap slab or large heap block */

struct page_info {
	uint32_t next; /* page-list links: frame indices, PAGE_LIST_NONE at the ends */
	uint32_t prev;
	uint32_t count;	    /* general references */
	uint32_t type_info; /* PGT_* fields above */
	domid_t owner;	    /* DOMID_INVALID when free, DOMID_XEN for Keel's own */
	uint8_t state;	    /* enum frame_state */
	uint8_t order;	    /* block order, for FRAME_*_HEAD */
	uint8_t flags;	    /* PGF_* */
	uint8_t heap_class; /* mm/heap.c: size class of the slab, or its "large" mark */
	uint16_t heap_free; /* mm/heap.c: first free slot of the slab */
	uint16_t heap_used; /* mm/heap.c: objects in use in the slab */
	/*
	 * Linear (same-level) page-table entries, mm/pv_pte.c: > 0 is how
	 * many this table holds to other tables, < 0 how many entries of
	 * other tables point at it.  Never both, so linear chains are one
	 * level deep and cannot form reference cycles.
	 */
	int16_t pt_linear;
};

/* Bytes of storage frame_table_init() needs for nr_frames frames. */
static inline uint64_t frame_table_bytes(uint64_t nr_frames)
{
	return nr_frames * sizeof(struct page_info);
}

/*
 * Makes storage (frame_table_bytes(nr_frames) bytes) the frame table for
 * frames 0 .. nr_frames-1 and resets every entry: unmanaged, unowned
 * (DOMID_INVALID), no references, type PGT_NONE, on no list.  Returns 0,
 * or -EINVAL for NULL storage, zero frames or more than
 * FRAME_TABLE_MAX_FRAMES.  Boot CPU only, before anything uses the table.
 */
int frame_table_init(struct page_info *storage, uint64_t nr_frames);

/* Frames the table covers (0 before frame_table_init). */
uint64_t frame_table_nr_frames(void);

/* True if mfn has an entry in the frame table. */
bool mfn_in_table(mfn_t mfn);

/* The entry of a frame; mfn must be in the table (BUG otherwise). */
struct page_info *mfn_to_page(mfn_t mfn);

/* The frame an entry describes; pg must point into the table (BUG otherwise). */
mfn_t page_to_mfn(const struct page_info *pg);

static inline enum page_type page_get_type(const struct page_info *pg)
{
	return (enum page_type)((pg->type_info & PGT_TYPE_MASK) >> PGT_TYPE_SHIFT);
}

static inline uint32_t page_type_count(const struct page_info *pg)
{
	return pg->type_info & PGT_COUNT_MASK;
}

static inline bool page_type_validated(const struct page_info *pg)
{
	return pg->type_info & PGT_VALIDATED;
}

static inline bool page_type_pinned(const struct page_info *pg)
{
	return pg->type_info & PGT_PINNED;
}

/*
 * A doubly linked list of frames threaded through page_info.next/prev.
 * A frame is on at most one list; the list's owner serialises access.
 */
struct page_list {
	uint32_t head;
	uint32_t tail;
};

#define PAGE_LIST_INIT                                                                             \
	{                                                                                          \
		PAGE_LIST_NONE, PAGE_LIST_NONE                                                     \
	}

void page_list_init(struct page_list *l);
bool page_list_empty(const struct page_list *l);
/* Adds pg (on no list) at the front / the back of l. */
void page_list_add(struct page_list *l, struct page_info *pg);
void page_list_add_tail(struct page_list *l, struct page_info *pg);
/* Removes pg, which must be on l. */
void page_list_del(struct page_list *l, struct page_info *pg);
/* First entry of l, or NULL if empty. */
struct page_info *page_list_first(const struct page_list *l);
/* Entry after pg on its list, or NULL at the end. */
struct page_info *page_list_next(const struct page_info *pg);

#endif /* MM_FRAME_TABLE_H */
