/*
 * hypercalls/memory_exchange.c - XENMEM_exchange: a PV domain gives up
 * frames (in: nr_extents extents of 2^extent_order frames, by GMFN, which
 * for PV is the MFN) and gets as many new ones back (out: extents of
 * another order, from where out.mem_flags allows), for instance to make
 * a machine-contiguous buffer for a device.
 *
 * The work is done in chunks: the smallest group of in extents that
 * makes whole out extents (or one in extent making several out ones).
 * A chunk is all or nothing:
 *   1. the in frames are stolen from the domain (domain_steal_frame: each
 *      must be its own, unreferenced, untyped and not special: -EINVAL);
 *   2. the out extents are allocated, owned by Keel (-ENOMEM);
 *   3. only then the in frames are freed (M2P entries invalidated, the
 *      buddy allocator scrubs them before anyone else sees them) and the
 *      out extents given to the domain, each frame's M2P entry set to the
 *      GPFN the guest put in out.extent_start and its MFN written back
 *      there.
 * If 1 or 2 fails, the stolen frames go back to the domain and the new
 * ones back to the allocator: nothing is lost, nothing leaks, and
 * nr_exchanged counts the in extents of the chunks done.  tot_pages dips
 * while a chunk is in flight and comes back; max_pages is not checked
 * (an exchange does not grow the domain), as on Xen.
 *
 * The checks and errors, in Xen 4.17's order: orders past the caller's
 * limit -EPERM; progress past the end, different domain ids, sizes that
 * overflow or differ -EINVAL; nothing left to do 0; lists out of bounds
 * -EFAULT; node bits the caller may not use -EINVAL; no such domain
 * -ESRCH; another domain without privilege -EPERM.  nr_exchanged is
 * written back on every path past reading the request except "nothing
 * left to do", as Xen does; progress inside a chunk is not an error
 * (the whole chunk is done again).  One difference: Keel reads every
 * out.extent_start entry of a chunk before starting it, so an unreadable
 * one fails the chunk with nothing changed (Xen exchanges it and then
 * reports -EFAULT for the chunk).
 *
 * Long requests continue (the command is re-issued as is; nr_exchanged
 * says where to resume).  Locks: none held here; domain.c takes the
 * domain's locks for each frame.
 */
#include <stdint.h>

#include <xen/memory.h>
#include <xen/xen.h>

#include "arch/guest_access.h"
#include "hypercalls/hypercall.h"
#include "hypercalls/memory_op.h"
#include "hypervisor/common/domain.h"
#include "lib/compiler.h"
#include "lib/errno.h"
#include "lib/printk.h"
#include "mm/buddy.h"
#include "mm/m2p.h"

struct exchange {
	struct domain *d;
	uint64_t in_list, out_list;
	unsigned int in_order, out_order;
	unsigned int in_chunk, out_chunk; /* log2 of the in / out extents in one chunk */
	mfn_t limit;			  /* out.mem_flags' address bits as a frame limit */
	bool no_memory;			  /* an exact request for a node without memory */
};

static struct page_info *list_pop(struct page_list *l)
{
	struct page_info *pg = page_list_first(l);

	if (pg)
		page_list_del(l, pg);
	return pg;
}

/* Step 1: the chunk's in frames, off the domain onto `stolen`.  0, -EFAULT or -EINVAL. */
static long steal_chunk(const struct exchange *ex, uint64_t chunk, struct page_list *stolen)
{
	for (uint64_t j = 0; j < (1ULL << ex->in_chunk); j++) {
		xen_pfn_t gmfn;

		if (copy_from_guest(&gmfn, memop_slot(ex->in_list, (chunk << ex->in_chunk) + j),
				    sizeof(gmfn)))
			return -EFAULT;
		for (uint64_t k = 0; k < (1ULL << ex->in_order); k++) {
			mfn_t mfn = _mfn(gmfn + k);

			if (gmfn + k < gmfn || domain_steal_frame(ex->d, mfn))
				return -EINVAL;
			page_list_add_tail(stolen, mfn_to_page(mfn));
		}
	}
	return 0;
}

/* Step 2: the chunk's out extents, Keel's for now, onto `fresh`.  0 or -ENOMEM. */
static long alloc_chunk(const struct exchange *ex, struct page_list *fresh)
{
	for (uint64_t j = 0; j < (1ULL << ex->out_chunk); j++) {
		mfn_t mfn =
		    ex->no_memory ? INVALID_MFN : alloc_frames_below(ex->out_order, ex->limit);

		if (!mfn_valid_raw(mfn))
			return -ENOMEM;
		page_list_add_tail(fresh, mfn_to_page(mfn));
	}
	return 0;
}

/* A chunk that failed: the stolen frames back to the domain, the new ones to the allocator. */
static void undo_chunk(const struct exchange *ex, struct page_list *stolen, struct page_list *fresh)
{
	struct page_info *pg;

	while ((pg = list_pop(stolen)))
		if (domain_assign_frames(ex->d, page_to_mfn(pg), 0))
			BUG_ON(free_frames(page_to_mfn(pg), 0)); /* the domain is dying */
	while ((pg = list_pop(fresh)))
		BUG_ON(free_frames(page_to_mfn(pg), ex->out_order));
}

/* Step 3, second half: one new extent to the domain, its M2P entries and its MFN reported. */
static long give_extent(const struct exchange *ex, mfn_t mfn, uint64_t slot)
{
	xen_pfn_t gpfn, out = mfn_x(mfn);

	if (domain_assign_frames(ex->d, mfn, ex->out_order)) {
		BUG_ON(free_frames(mfn, ex->out_order)); /* the domain is dying */
		return -ESRCH;
	}
	domain_split_block(ex->d, mfn);
	/* Read once before the chunk started; if it has gone since, the frames have no GPFN. */
	if (!copy_from_guest(&gpfn, slot, sizeof(gpfn)))
		for (uint64_t k = 0; k < (1ULL << ex->out_order); k++)
			m2p_set(_mfn(mfn_x(mfn) + k), gpfn + k);
	return copy_to_guest(slot, &out, sizeof(out)) ? -EFAULT : 0;
}

/* Step 3: nothing can fail any more but the guest's list; the old frames go. */
static long commit_chunk(const struct exchange *ex, uint64_t chunk, struct page_list *stolen,
			 struct page_list *fresh)
{
	struct page_info *pg;
	long rc = 0;

	while ((pg = list_pop(stolen))) {
		m2p_set(page_to_mfn(pg), INVALID_M2P_ENTRY);
		BUG_ON(free_frames(page_to_mfn(pg), 0)); /* stolen: unreferenced, Keel's */
	}
	for (uint64_t j = 0; (pg = list_pop(fresh)); j++) {
		long r = give_extent(ex, page_to_mfn(pg),
				     memop_slot(ex->out_list, (chunk << ex->out_chunk) + j));

		rc = rc ?: r;
	}
	return rc;
}

/* One chunk, all or nothing (but for writing the new MFNs back).  0 or a negative errno. */
static long exchange_chunk(const struct exchange *ex, uint64_t chunk)
{
	struct page_list stolen = PAGE_LIST_INIT, fresh = PAGE_LIST_INIT;
	long rc = 0;

	for (uint64_t j = 0; j < (1ULL << ex->out_chunk) && !rc; j++) {
		xen_pfn_t gpfn;

		rc = copy_from_guest(&gpfn, memop_slot(ex->out_list, (chunk << ex->out_chunk) + j),
				     sizeof(gpfn));
	}
	rc = rc ?: steal_chunk(ex, chunk, &stolen);
	rc = rc ?: alloc_chunk(ex, &fresh);
	if (rc) {
		undo_chunk(ex, &stolen, &fresh);
		return rc;
	}
	return commit_chunk(ex, chunk, &stolen, &fresh);
}

/*
 * Xen 4.17's checks before the domain is looked up, in its order; fills
 * ex's orders and chunking.  0, 1 (nothing left to do) or a negative errno.
 */
static long check_request(struct vcpu *v, const struct xen_memory_exchange *x, struct exchange *ex)
{
	uint64_t in_nr = x->in.nr_extents, out_nr = x->out.nr_extents, out_first;

	ex->in_order = x->in.extent_order;
	ex->out_order = x->out.extent_order;
	if (MAX(ex->in_order, ex->out_order) > memop_max_order(v->domain))
		return -EPERM;
	if (x->nr_exchanged > in_nr || x->in.domid != x->out.domid ||
	    (~0ULL >> ex->in_order) < in_nr || (~0ULL >> ex->out_order) < out_nr ||
	    (in_nr << ex->in_order) != (out_nr << ex->out_order))
		return -EINVAL;
	if (x->nr_exchanged == in_nr)
		return 1;
	ex->in_chunk = ex->in_order <= ex->out_order ? ex->out_order - ex->in_order : 0;
	ex->out_chunk = ex->in_order > ex->out_order ? ex->in_order - ex->out_order : 0;
	ex->in_list = (uint64_t)x->in.extent_start.p;
	ex->out_list = (uint64_t)x->out.extent_start.p;
	out_first = (x->nr_exchanged >> ex->in_chunk) << ex->out_chunk;
	if (!memop_list_ok(ex->in_list, x->nr_exchanged, in_nr - 1) ||
	    !memop_list_ok(ex->out_list, out_first, out_nr - 1))
		return -EFAULT;
	ex->limit = memop_address_limit(XENMEMF_get_address_bits(x->out.mem_flags));
	ex->no_memory = false;
	return memop_node_ok(v->domain, x->out.mem_flags, &ex->no_memory) ? 0 : -EINVAL;
}

/* Writes nr_exchanged back into the guest's request.  0 or -EFAULT. */
static long report_progress(uint64_t arg, const struct xen_memory_exchange *x)
{
	return copy_to_guest(arg + offsetof(struct xen_memory_exchange, nr_exchanged),
			     &x->nr_exchanged, sizeof(x->nr_exchanged))
		   ? -EFAULT
		   : 0;
}

/*
 * The chunks from nr_exchanged on, then nr_exchanged reported.  0, a
 * negative errno, or what hypercall_create_continuation returned.
 */
static long exchange_chunks(struct exchange *ex, struct xen_memory_exchange *x, uint64_t arg)
{
	uint64_t first = x->nr_exchanged >> ex->in_chunk;
	uint64_t chunks = x->in.nr_extents >> ex->in_chunk;
	long rc = 0;

	for (uint64_t i = first; i < chunks && !rc; i++) {
		if (i != first && hypercall_preempt_check()) {
			uint64_t args[2] = {XENMEM_exchange, arg};

			x->nr_exchanged = i << ex->in_chunk;
			if (report_progress(arg, x))
				return -EFAULT;
			return hypercall_create_continuation(__HYPERVISOR_memory_op, 2, args);
		}
		rc = exchange_chunk(ex, i);
		x->nr_exchanged = (rc ? i : i + 1) << ex->in_chunk;
	}
	return report_progress(arg, x) ?: rc;
}

long memop_exchange(struct vcpu *v, uint64_t arg)
{
	struct xen_memory_exchange x;
	struct exchange ex;
	long rc;

	if (copy_from_guest(&x, arg, sizeof(x)))
		return -EFAULT;
	rc = check_request(v, &x, &ex);
	if (rc == 1)
		return 0;
	if (rc)
		return report_progress(arg, &x) ?: rc;
	ex.d = memop_target(v, x.in.domid, &rc);
	if (!ex.d)
		return report_progress(arg, &x) ?: rc;
	rc = exchange_chunks(&ex, &x, arg);
	domain_put(ex.d);
	return rc;
}
