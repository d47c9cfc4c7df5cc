/*
 * hypercalls/grant_copy.c - GNTTABOP_copy: Keel copies bytes between two
 * frames for the caller, each named by a grant reference of some domain
 * (GNTCOPY_source_gref / GNTCOPY_dest_gref) or by a frame of the
 * caller's own (domid DOMID_SELF).
 *
 * Each side is "claimed" for the duration of the copy: a grant side is a
 * use of the entry (grant_active.c: GTF_reading for the source,
 * GTF_writing too for the destination, cleared again after), a frame
 * side takes the references directly in the caller's name (a general
 * one, plus PGT_WRITABLE for the destination, so a page table is never
 * written this way: invariant 2).  With both claimed, neither frame can
 * be freed or retyped, so the copy runs through Keel's direct map
 * without any lock held.  Overlapping ranges of the same frame are
 * copied as memmove does (Xen's result there is unspecified).
 *
 * Statuses, in the order Xen 4.17 checks them (tests/pv/kernels/grant_copy.c):
 * each side's domain (none: GNTST_bad_domain; a frame side not named
 * DOMID_SELF: GNTST_permission_denied, even one's own id), then the
 * source's claim, the destination's claim (grant_active.c's statuses;
 * a frame not the caller's: GNTST_bad_page; a destination frame that
 * cannot be writable: GNTST_general_error), and only then the bounds
 * (offset + len past the frame on either side: GNTST_bad_copy_arg).
 * Unknown flag bits are ignored, as on Xen.
 *
 * Locks: none held across the copy; claims take a grant lock or the
 * PV-MMU lock for a moment each.
 */
#include "hypercalls/gnttab_private.h"

#include "arch/guest_access.h"
#include "arch/mm.h"
#include "hypervisor/common/domain.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/mmu_lock.h"
#include "mm/page_ref.h"
#include "mm/page_type.h"

struct copy_side {
	const struct gnttab_copy_ptr *ptr;
	bool gref;	  /* named by grant reference */
	bool write;	  /* the destination */
	struct domain *d; /* with a reference, once found */
	bool claimed;
	mfn_t frame;
};

/* The side's domain: DOMID_SELF, or (grants only) any domain by id. */
static int16_t side_domain(struct vcpu *v, struct copy_side *s)
{
	if (s->ptr->domid == DOMID_SELF) {
		if (domain_get(v->domain))
			return GNTST_general_error;
		s->d = v->domain;
		return GNTST_okay;
	}
	s->d = domain_lookup(s->ptr->domid, NULL);
	if (!s->d)
		return GNTST_bad_domain;
	/* Frames of others only through their grants; Xen 4.17 refuses even one's own id. */
	return s->gref ? GNTST_okay : GNTST_permission_denied;
}

/* References on a frame of the caller's own (a frame side). */
static int16_t claim_own_frame(struct vcpu *v, struct copy_side *s)
{
	domid_t self = v->domain->domid;
	struct page_info *pg;
	int16_t st = GNTST_okay;

	mmu_lock();
	if (get_page_mfn(_mfn(s->ptr->u.gmfn), self, &pg)) {
		st = GNTST_bad_page;
	} else if (s->write && get_page_type(pg, PGT_WRITABLE, self)) {
		put_page(pg);
		st = GNTST_general_error;
	}
	mmu_unlock();
	s->frame = _mfn(s->ptr->u.gmfn);
	return st;
}

static int16_t side_claim(struct vcpu *v, struct copy_side *s)
{
	int16_t st = s->gref
			 ? gnttab_pin(s->d, s->ptr->u.ref, v->domain->domid, s->write, &s->frame)
			 : claim_own_frame(v, s);

	s->claimed = st == GNTST_okay;
	return st;
}

static void side_release(struct copy_side *s)
{
	if (s->claimed && s->gref) {
		gnttab_unpin(s->d, s->ptr->u.ref, s->write, s->frame);
	} else if (s->claimed) {
		struct page_info *pg = mfn_to_page(s->frame);

		mmu_lock();
		if (s->write)
			put_page_type(pg);
		put_page(pg);
		mmu_unlock();
	}
	if (s->d)
		domain_put(s->d);
}

static bool in_frame(uint16_t offset, uint16_t len)
{
	return (uint32_t)offset + len <= PAGE_SIZE;
}

static int16_t copy_one(struct vcpu *v, const struct gnttab_copy *op)
{
	struct copy_side src = {.ptr = &op->source, .gref = op->flags & GNTCOPY_source_gref};
	struct copy_side dst = {
	    .ptr = &op->dest, .gref = op->flags & GNTCOPY_dest_gref, .write = true};
	int16_t st = side_domain(v, &src);

	if (!st)
		st = side_domain(v, &dst);
	if (!st)
		st = side_claim(v, &src);
	if (!st)
		st = side_claim(v, &dst);
	if (!st && (!in_frame(op->source.offset, op->len) || !in_frame(op->dest.offset, op->len)))
		st = GNTST_bad_copy_arg;
	if (!st)
		memmove((uint8_t *)arch_mfn_to_virt(dst.frame) + op->dest.offset,
			(const uint8_t *)arch_mfn_to_virt(src.frame) + op->source.offset, op->len);
	side_release(&dst);
	side_release(&src);
	return st;
}

int gnttab_copy_op(struct vcpu *v, void *p, uint64_t guest_op)
{
	struct gnttab_copy *op = p;

	op->status = copy_one(v, op);
	return copy_to_guest(guest_op, op, sizeof(*op)) ? -EFAULT : 0;
}
