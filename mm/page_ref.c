/*
 * mm/page_ref.c - general references to machine frames.
 *
 * Owns: page_info.count (see page_ref.h for the rules and errors).
 * Invariant: count never wraps: get_page() refuses at PAGE_REF_MAX and
 * put_page() of an unreferenced frame is a Keel bug (BUG_ON), because only
 * Keel drops references, never on a guest's say-so alone.
 * Locks: none; callers serialise (page_ref.h).
 */
#include "mm/page_ref.h"

#include "lib/errno.h"
#include "lib/printk.h"

int page_ref_check_owner(const struct page_info *pg, domid_t domid)
{
	if (pg->state != FRAME_ALLOC_HEAD && pg->state != FRAME_ALLOC)
		return -EINVAL;
	if (pg->owner == DOMID_INVALID)
		return -EINVAL;
	if (pg->owner != domid)
		return -EPERM;
	return 0;
}

int get_page(struct page_info *pg, domid_t domid)
{
	int rc = page_ref_check_owner(pg, domid);

	if (rc)
		return rc;
	if (pg->count == PAGE_REF_MAX)
		return -EOVERFLOW;
	pg->count++;
	return 0;
}

int get_page_mfn(mfn_t mfn, domid_t domid, struct page_info **pgp)
{
	struct page_info *pg;
	int rc;

	if (!mfn_in_table(mfn))
		return -EINVAL;
	pg = mfn_to_page(mfn);
	rc = get_page(pg, domid);
	if (!rc)
		*pgp = pg;
	return rc;
}

void put_page(struct page_info *pg)
{
	BUG_ON(pg->count == 0);
	pg->count--;
}
