/*
 * mm/page_ref.h - general references to machine frames (page_info.count).
 *
 * Owns: page_info.count.  A general reference says "something uses this
 * frame": a mapping in a page table, a type reference (every type
 * reference comes with a general one), a pin, a table loaded in CR3.  A
 * frame with references must not be freed (free_frames refuses it).
 *
 * Who may take one: get_page() succeeds only on an allocated frame owned
 * by the asking domain (invariant 1).  A frame granted by another domain
 * is referenced in its owner's name by the code that checked the grant
 * (hypercalls/grant_map.c), never on the mapper's say-so.
 *
 * Errors: -EINVAL for a frame outside the frame table, free or never
 * allocated, or owned by nobody; -EPERM for a frame owned by another
 * domain; -EOVERFLOW when the count is at its maximum (counts saturate
 * and refuse, never wrap).
 *
 * Locks: none inside.  Callers serialise: a reference is taken and dropped
 * under the page-type serialisation of page_type.h, and never concurrently
 * with freeing the frame (domain code frees only unreferenced frames).
 */
#ifndef MM_PAGE_REF_H
#define MM_PAGE_REF_H

#include "lib/types.h"
#include "mm/frame_table.h"

#define PAGE_REF_MAX UINT32_MAX

/*
 * Takes a general reference on pg for domid.  Returns 0, -EINVAL (frame
 * not allocated or unowned), -EPERM (owned by another domain) or
 * -EOVERFLOW (count saturated); nothing changes on error.
 */
int get_page(struct page_info *pg, domid_t domid);

/*
 * The same for a frame number from a guest: -EINVAL also when mfn is not
 * in the frame table.  On success *pgp is the frame's entry.
 */
int get_page_mfn(mfn_t mfn, domid_t domid, struct page_info **pgp);

/* Drops a general reference; pg must hold one (BUG otherwise). */
void put_page(struct page_info *pg);

/*
 * 0 if domid may reference pg (allocated and owned by domid), else the
 * error get_page() would return for that reason; takes nothing.
 */
int page_ref_check_owner(const struct page_info *pg, domid_t domid);

#endif /* MM_PAGE_REF_H */
