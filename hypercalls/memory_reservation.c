/*
 * hypercalls/memory_reservation.c - XENMEM_increase_reservation,
 * XENMEM_decrease_reservation and XENMEM_populate_physmap: a domain's
 * memory reservation grows and shrinks by extents of 2^extent_order
 * frames.
 *
 * Xen's semantics for PV, where guest frame numbers are machine frame
 * numbers: increase_reservation hands out new extents and reports their
 * MFNs (if given a list); populate_physmap does the same for the given
 * PFNs and also records them in the M2P; decrease_reservation gives
 * frames back (their M2P entries become INVALID_M2P_ENTRY, as on Xen).
 * Each returns how many extents it completed, and nothing else: as on
 * Xen 4.17, a request it cannot use at all (a bad pointer, too many
 * extents, a bad domain, flags, order or list) completes 0 extents
 * rather than failing with an errno.  Long requests continue with the
 * start extent in the command's upper bits (MEMOP_EXTENT_SHIFT).
 *
 * Allocations count against the target's max_pages (domain.c refuses
 * past it).  mem_flags: XENMEMF_address_bits limits where frames come
 * from (1-12 refused), the node bits follow memory_op.h, and
 * XENMEMF_populate_on_demand means nothing for a PV domain: refused for
 * oneself, and done without allocating anything for another domain, as
 * Xen 4.17 does.  Unknown bits are ignored, as on Xen.
 *
 * One difference from Xen: a frame still mapped or typed (or shared_info,
 * or a grant-table frame) cannot be given back (Xen frees it later, when
 * the last reference goes, or reports it done and keeps it); the request
 * stops there.  Every frame a domain holds is a block of its own (the
 * builders and these ops split larger allocations), so any single frame
 * can be given back.  Locks: none held here; domain.c takes d->lock and
 * the PV-MMU lock for each frame.
 */
#include <stdint.h>

#include <xen/memory.h>
#include <xen/xen.h>

#include "arch/guest_access.h"
#include "hypercalls/hypercall.h"
#include "hypercalls/memory_op.h"
#include "hypervisor/common/domain.h"
#include "lib/errno.h"
#include "mm/m2p.h"
#include "mm/mmu_lock.h"
#include "mm/page_type.h"

/* A reservation request once decoded and checked. */
struct memop_args {
	struct domain *d;
	bool self;	    /* d is the caller's own domain */
	uint64_t list;	    /* extent_start (0: none) */
	unsigned long nr;   /* nr_extents */
	unsigned int order; /* extent_order */
	mfn_t limit;	    /* XENMEMF_address_bits as a frame limit */
	bool no_memory;	    /* an exact node request for a node without memory */
	bool populate_on_demand;
};

/* Allocates one extent for d below a->limit, split into single frames.  INVALID_MFN on failure. */
static mfn_t alloc_extent(const struct memop_args *a)
{
	int err;
	mfn_t mfn;

	if (a->no_memory)
		return INVALID_MFN;
	mfn = domain_alloc_frames_below(a->d, a->order, a->limit, &err);
	if (mfn_valid_raw(mfn))
		domain_split_block(a->d, mfn);
	return mfn;
}

static void free_extent(struct domain *d, mfn_t mfn, unsigned int order)
{
	for (uint64_t j = 0; j < (1ULL << order); j++)
		domain_free_frames(d, _mfn(mfn_x(mfn) + j), 0);
}

/* Gives back one frame of d: unpinned if pinned, then freed.  0 or a negative errno. */
static int remove_frame(struct domain *d, mfn_t mfn)
{
	struct page_info *pg;
	uint64_t old_pfn;
	int rc;

	if (!mfn_in_table(mfn))
		return -EINVAL;
	pg = mfn_to_page(mfn);
	if (pg->owner != d->domid || mfn_eq(mfn, d->shared_info_mfn))
		return -EINVAL;
	mmu_lock();
	if (page_type_pinned(pg))
		page_type_unpin(pg, d->domid);
	mmu_unlock();
	/*
	 * The M2P entry goes before the frame does: once freed, another CPU
	 * may hand the frame to another domain and record its own entry.
	 */
	old_pfn = m2p_get(mfn);
	m2p_set(mfn, INVALID_M2P_ENTRY);
	rc = domain_free_frames(d, mfn, 0);
	if (rc)
		m2p_set(mfn, old_pfn);
	return rc;
}

/* One extent of each op: true if done. */
static bool increase_one(const struct memop_args *a, unsigned long i)
{
	mfn_t mfn = alloc_extent(a);
	xen_pfn_t out = mfn_x(mfn);

	if (!mfn_valid_raw(mfn))
		return false;
	if (a->list && copy_to_guest(memop_slot(a->list, i), &out, sizeof(out))) {
		free_extent(a->d, mfn, a->order);
		return false;
	}
	return true;
}

static bool populate_one(const struct memop_args *a, unsigned long i)
{
	xen_pfn_t gpfn, out;
	mfn_t mfn;

	if (copy_from_guest(&gpfn, memop_slot(a->list, i), sizeof(gpfn)))
		return false;
	if (a->populate_on_demand)
		return !a->self; /* another PV domain: nothing to mark (Xen 4.17) */
	mfn = alloc_extent(a);
	if (!mfn_valid_raw(mfn))
		return false;
	for (uint64_t j = 0; j < (1ULL << a->order); j++)
		m2p_set(_mfn(mfn_x(mfn) + j), gpfn + j);
	out = mfn_x(mfn);
	if (copy_to_guest(memop_slot(a->list, i), &out, sizeof(out))) {
		free_extent(a->d, mfn, a->order);
		return false;
	}
	return true;
}

static bool decrease_one(const struct memop_args *a, unsigned long i)
{
	xen_pfn_t gmfn;

	if (copy_from_guest(&gmfn, memop_slot(a->list, i), sizeof(gmfn)))
		return false;
	for (uint64_t j = 0; j < (1ULL << a->order); j++)
		if (remove_frame(a->d, _mfn(gmfn + j)))
			return false;
	return true;
}

/*
 * mem_flags and the extent list as Xen 4.17 checks them (false: refuse
 * the request).  The list must be addressable from `start` on, except
 * increase_reservation's, which may be absent.
 */
static bool decode(struct vcpu *v, unsigned int op, const struct xen_memory_reservation *r,
		   unsigned long start, struct memop_args *a)
{
	unsigned int bits = XENMEMF_get_address_bits(r->mem_flags);

	a->list = (uint64_t)r->extent_start.p;
	a->nr = r->nr_extents;
	a->order = r->extent_order;
	a->limit = memop_address_limit(bits);
	a->no_memory = false;
	/* Only populate_physmap reads the flag; for the others it is just another bit. */
	a->populate_on_demand =
	    op == XENMEM_populate_physmap && (r->mem_flags & XENMEMF_populate_on_demand);
	if (bits && bits <= PAGE_SHIFT)
		return false;
	/* A virtual node means a domain's vNUMA layout; Keel's domains have none: no node. */
	if (!(r->mem_flags & XENMEMF_vnode) &&
	    !memop_node_ok(v->domain, r->mem_flags, &a->no_memory))
		return false;
	if ((a->list || op != XENMEM_increase_reservation) &&
	    !memop_list_ok(a->list, start, a->nr - 1))
		return false;
	return a->order <= memop_max_order(v->domain);
}

/* Extents start .. nr-1; returns how far it got, or a continuation. */
static long reservation_loop(struct memop_args *a, unsigned int op, unsigned long start,
			     uint64_t arg)
{
	unsigned long i;

	for (i = start; i < a->nr; i++) {
		bool done;

		if (i != start && hypercall_preempt_check()) {
			uint64_t args[2] = {op | (i << MEMOP_EXTENT_SHIFT), arg};

			return hypercall_create_continuation(__HYPERVISOR_memory_op, 2, args);
		}
		if (op == XENMEM_increase_reservation)
			done = increase_one(a, i);
		else if (op == XENMEM_populate_physmap)
			done = populate_one(a, i);
		else
			done = decrease_one(a, i);
		if (!done)
			break;
	}
	return (long)i;
}

long memop_reservation(struct vcpu *v, unsigned int op, unsigned long start, uint64_t arg)
{
	struct xen_memory_reservation r;
	struct memop_args a;
	long err = 0, rc;

	if (copy_from_guest(&r, arg, sizeof(r)))
		return (long)start;
	/* Xen keeps extent counts in 32 bits: more than a continuation can encode is refused. */
	if (r.nr_extents > (UINT32_MAX >> MEMOP_EXTENT_SHIFT) || start >= r.nr_extents)
		return (long)start;
	a.d = memop_target(v, r.domid, &err);
	if (!a.d)
		return (long)start;
	a.self = a.d == v->domain;
	rc = decode(v, op, &r, start, &a) ? reservation_loop(&a, op, start, arg) : (long)start;
	domain_put(a.d);
	return rc;
}
