/*
 * hypercalls/memory_op.c - HYPERVISOR_memory_op: a domain's memory
 * reservation and what a booting PV kernel asks about memory.
 *
 * Reservations (Xen's semantics for PV, where guest frame numbers are
 * machine frame numbers): increase_reservation hands out new frames and
 * reports their MFNs; populate_physmap does the same for given PFNs and
 * also records them in the M2P; decrease_reservation gives frames back.
 * Each returns how many extents it completed.  Long requests continue
 * with the start extent in the command's upper bits (MEMOP_EXTENT_SHIFT),
 * as Xen's do.  One difference from Xen: a frame still mapped or typed
 * cannot be given back (Xen frees it later, when the last reference
 * goes); the request stops there.
 *
 * Every frame a domain holds is a block of its own (the builders split
 * larger allocations), so any single frame can be given back.
 */
#include "hypercalls/hypercalls.h"

#include <stddef.h>
#include <stdint.h>

#include <xen/memory.h>
#include <xen/xen.h>

#include "arch/guest_access.h"
#include "arch/mm.h"
#include "hypercalls/hypercall.h"
#include "hypervisor/common/domain.h"
#include "lib/errno.h"
#include "mm/m2p.h"
#include "mm/memmap.h"
#include "mm/mmu_lock.h"
#include "mm/page_type.h"

/* An E820 entry as XENMEM_*memory_map return them (20 bytes, packed). */
struct e820entry {
	uint64_t addr, size;
	uint32_t type;
} __attribute__((packed));

/* E820 types (ACPI spec, "Address Range Types"), as the firmware gave them. */
#define E820_RAM 1

#define MEMOP_EXTENT_SHIFT 6
#define MEMOP_CMD_MASK	   ((1u << MEMOP_EXTENT_SHIFT) - 1)

/* Largest extent order a domain may ask for (Xen's defaults for domUs and the control domain). */
static unsigned int max_extent_order(const struct domain *d)
{
	return d->is_privileged ? 12 : 9;
}

/* The domain a request names: the caller's own, or (privileged) another. */
static struct domain *target_domain(struct vcpu *v, domid_t domid, long *err)
{
	struct domain *d;
	int rc;

	if (domid == DOMID_SELF || domid == v->domain->domid) {
		domain_get(v->domain);
		return v->domain;
	}
	if (!v->domain->is_privileged) {
		*err = -EPERM;
		return NULL;
	}
	d = domain_lookup(domid, &rc);
	if (!d)
		*err = rc;
	return d;
}

/* Frames of 2^order at mfn below the limit of `address_bits` (0: no limit)? */
static bool below_address_limit(mfn_t mfn, unsigned int order, unsigned int address_bits)
{
	if (!address_bits || address_bits >= 64)
		return true;
	return ((mfn_x(mfn) + (1ULL << order)) << PAGE_SHIFT) <= (1ULL << address_bits);
}

/* Allocates one extent for d, split into single frames.  INVALID_MFN on failure. */
static mfn_t alloc_extent(struct domain *d, unsigned int order, unsigned int address_bits)
{
	int err;
	mfn_t mfn = domain_alloc_frames(d, order, &err);

	if (!mfn_valid_raw(mfn))
		return INVALID_MFN;
	if (!below_address_limit(mfn, order, address_bits)) {
		domain_free_frames(d, mfn, order);
		return INVALID_MFN;
	}
	domain_split_block(d, mfn);
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
	rc = domain_free_frames(d, mfn, 0);
	if (!rc)
		m2p_set(mfn, INVALID_M2P_ENTRY);
	return rc;
}

static long reservation_op(struct vcpu *v, unsigned int op, unsigned long start, uint64_t arg)
{
	struct xen_memory_reservation r;
	unsigned int address_bits, node;
	struct domain *d;
	unsigned long i;
	long err = 0;

	if (copy_from_guest(&r, arg, sizeof(r)))
		return -EFAULT;
	if (r.nr_extents > (~0UL >> MEMOP_EXTENT_SHIFT))
		return -EINVAL;
	if (start >= r.nr_extents)
		return (long)start;
	if (r.extent_order > max_extent_order(v->domain))
		return -EPERM;
	node = XENMEMF_get_node(r.mem_flags);
	/* No populate-on-demand for PV; one NUMA node, virtual (XENMEMF_vnode) or not: 0. */
	if ((r.mem_flags & XENMEMF_populate_on_demand) || (node != 0xff && node != 0))
		return -EINVAL;
	address_bits = XENMEMF_get_address_bits(r.mem_flags);
	d = target_domain(v, r.domid, &err);
	if (!d)
		return err;

	for (i = start; i < r.nr_extents; i++) {
		uint64_t slot = (uint64_t)r.extent_start.p + i * sizeof(xen_pfn_t);
		xen_pfn_t gfn = 0;
		mfn_t mfn;

		if (i != start && hypercall_preempt_check()) {
			uint64_t args[2] = { op | (i << MEMOP_EXTENT_SHIFT), arg };

			domain_put(d);
			return hypercall_create_continuation(__HYPERVISOR_memory_op, 2, args);
		}
		if (op != XENMEM_increase_reservation && copy_from_guest(&gfn, slot, sizeof(gfn)))
			break;
		if (op == XENMEM_decrease_reservation) {
			bool ok = true;

			for (uint64_t j = 0; j < (1ULL << r.extent_order) && ok; j++)
				ok = remove_frame(d, _mfn(gfn + j)) == 0;
			if (!ok)
				break;
			continue;
		}
		mfn = alloc_extent(d, r.extent_order, address_bits);
		if (!mfn_valid_raw(mfn))
			break;
		if (op == XENMEM_populate_physmap)
			for (uint64_t j = 0; j < (1ULL << r.extent_order); j++)
				m2p_set(_mfn(mfn_x(mfn) + j), gfn + j);
		gfn = mfn_x(mfn);
		if (r.extent_start.p && copy_to_guest(slot, &gfn, sizeof(gfn))) {
			free_extent(d, mfn, r.extent_order);
			break;
		}
	}
	domain_put(d);
	return (long)i;
}

static long reservation_query(struct vcpu *v, unsigned int op, uint64_t arg)
{
	struct xen_memory_domain md;
	struct domain *d;
	long rc = 0;

	if (copy_from_guest(&md, arg, sizeof(md)))
		return -EFAULT;
	d = target_domain(v, md.domid, &rc);
	if (!d)
		return rc;
	rc = (long)(op == XENMEM_current_reservation ? d->tot_pages : d->max_pages);
	domain_put(d);
	return rc;
}

/* One past the highest machine frame of RAM (Xen's max_page). */
static uint64_t max_ram_page(void)
{
	return memmap_ram_top(hypercall_machine_memmap()) >> PAGE_SHIFT;
}

static long machphys_mfn_list(uint64_t arg)
{
	struct xen_machphys_mfn_list l;
	const uint64_t *table = m2p_table();
	uint64_t chunks = (m2p_bytes(m2p_nr_frames()) + (2ULL << 20) - 1) >> 21;
	unsigned int n;

	if (copy_from_guest(&l, arg, sizeof(l)))
		return -EFAULT;
	for (n = 0; n < l.max_extents && n < chunks; n++) {
		xen_pfn_t mfn = mfn_x(arch_virt_to_mfn((const uint8_t *)table + ((uint64_t)n << 21)));

		if (copy_to_guest((uint64_t)l.extent_start.p + n * sizeof(mfn), &mfn, sizeof(mfn)))
			return -EFAULT;
	}
	l.nr_extents = n;
	return copy_to_guest(arg + offsetof(struct xen_machphys_mfn_list, nr_extents), &l.nr_extents,
			     sizeof(l.nr_extents))
		       ? -EFAULT
		       : 0;
}

/*
 * XENMEM_add_to_physmap puts a frame (a grant-table frame, shared_info,
 * ...) at a guest frame number of a domain's pseudo-physical map.  Only
 * translated guests have such a map: a PV guest names machine frames
 * directly (GNTTABOP_setup_table gives it the grant frames' MFNs, which it
 * maps with update_va_mapping; start_info gives shared_info's), and Xen
 * 4.17 answers a PV guest -EACCES once it has found the domain.  Keel runs
 * only PV guests and answers the same, so a guest that works on one works
 * on the other.
 */
static long add_to_physmap(struct vcpu *v, uint64_t arg)
{
	struct xen_add_to_physmap x;
	struct domain *d;
	long rc = 0;

	if (copy_from_guest(&x, arg, sizeof(x)))
		return -EFAULT;
	d = target_domain(v, x.domid, &rc);
	if (!d)
		return rc;
	domain_put(d);
	return -EACCES;
}

/* The firmware's map (Keel's own reservations shown as what they were), adjacent ranges merged. */
static long machine_memory_map(struct vcpu *v, uint64_t arg)
{
	const struct memmap *map = hypercall_machine_memmap();
	struct xen_memory_map mm;
	struct e820entry e = { 0, 0, 0 };
	unsigned int n = 0;

	if (!v->domain->is_privileged)
		return -EPERM;
	if (copy_from_guest(&mm, arg, sizeof(mm)))
		return -EFAULT;
	for (unsigned int i = 0; i <= map->nr; i++) {
		struct memmap_range r = i < map->nr ? map->range[i] : (struct memmap_range){ 0 };
		/* Keel's MEMMAP_IN_USE ranges (its image, the modules) were RAM; firmware-only types stay. */
		uint32_t type = r.type == MEMMAP_IN_USE ? E820_RAM : r.type;

		if (i < map->nr && n < mm.nr_entries && e.size && e.type == type &&
		    e.addr + e.size == r.base) {
			e.size += r.len;
			continue;
		}
		if (e.size) {
			if (n >= mm.nr_entries)
				break;
			if (copy_to_guest((uint64_t)mm.buffer.p + n * sizeof(e), &e, sizeof(e)))
				return -EFAULT;
			n++;
		}
		e = (struct e820entry){ r.base, r.len, type };
	}
	mm.nr_entries = n;
	return copy_to_guest(arg, &mm.nr_entries, sizeof(mm.nr_entries)) ? -EFAULT : 0;
}

long do_memory_op(struct vcpu *v, unsigned long cmd, uint64_t arg)
{
	unsigned int op = cmd & MEMOP_CMD_MASK;
	unsigned long start = cmd >> MEMOP_EXTENT_SHIFT;

	switch (op) {
	case XENMEM_increase_reservation:
	case XENMEM_decrease_reservation:
	case XENMEM_populate_physmap:
		return reservation_op(v, op, start, arg);
	case XENMEM_current_reservation:
	case XENMEM_maximum_reservation:
		return reservation_query(v, op, arg);
	case XENMEM_maximum_ram_page:
		return (long)max_ram_page();
	case XENMEM_machphys_mapping: {
		struct xen_machphys_mapping m = {
			.v_start = MACH2PHYS_VIRT_START,
			.v_end = MACH2PHYS_VIRT_START +
				 ((m2p_bytes(m2p_nr_frames()) + (2ULL << 20) - 1) & ~((2ULL << 20) - 1)),
			.max_mfn = max_ram_page() - 1,
		};

		return copy_to_guest(arg, &m, sizeof(m)) ? -EFAULT : 0;
	}
	case XENMEM_machphys_mfn_list:
		return machphys_mfn_list(arg);
	case XENMEM_memory_map:
		return -ENOSYS; /* no pseudo-physical map was set for the domain (Xen: the same) */
	case XENMEM_machine_memory_map:
		return machine_memory_map(v, arg);
	case XENMEM_add_to_physmap:
		return add_to_physmap(v, arg);
	default:
		return -ENOSYS;
	}
}
