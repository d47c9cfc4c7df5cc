/*
 * hypercalls/memory_op.c - HYPERVISOR_memory_op: the dispatch, what a
 * booting PV kernel asks about memory (the M2P, memory maps, its
 * reservation), and the checks every reservation op shares
 * (memory_op.h).  The reservation ops themselves are in
 * memory_reservation.c, XENMEM_exchange in memory_exchange.c.
 *
 * As Xen 4.17: the command's upper bits (MEMOP_EXTENT_SHIFT) carry a
 * reservation's progress; the queries refuse them (-EINVAL) and the
 * x86-specific commands do not know the command then (-ENOSYS).  A
 * domain is named by DOMID_SELF or its id; naming another one needs the
 * control domain's privilege (-EPERM), checked after the domain is found
 * (-ESRCH).
 */
#include "hypercalls/hypercalls.h"

#include <stddef.h>
#include <stdint.h>

#include <xen/memory.h>
#include <xen/xen.h>

#include "arch/guest_access.h"
#include "arch/mm.h"
#include "hypercalls/hypercall.h"
#include "hypercalls/memory_op.h"
#include "hypervisor/common/dom0_iomem.h"
#include "hypervisor/common/domain.h"
#include "lib/errno.h"
#include "mm/m2p.h"
#include "mm/memmap.h"

unsigned int memop_max_order(const struct domain *caller)
{
	return caller->is_privileged ? 18 : 9;
}

struct domain *memop_target(struct vcpu *v, domid_t domid, long *err)
{
	struct domain *d;
	int rc;

	if (domid == DOMID_SELF) {
		domain_get(v->domain);
		return v->domain;
	}
	d = domain_lookup(domid, &rc);
	if (!d) {
		*err = rc;
		return NULL;
	}
	if (d != v->domain && !v->domain->is_privileged) {
		domain_put(d);
		*err = -EPERM;
		return NULL;
	}
	return d;
}

bool memop_node_ok(const struct domain *caller, unsigned int mem_flags, bool *exact_absent)
{
	unsigned int node = XENMEMF_get_node(mem_flags);
	bool exact = mem_flags & XENMEMF_exact_node_request;

	*exact_absent = false;
	if (node == XENMEMF_get_node(0)) /* no node named */
		return true;
	if (!caller->is_privileged)
		return !exact; /* a domU may not insist on a node (Xen 4.17); else it is a hint */
	if (node >= MEMOP_MAX_NODES)
		return false;
	*exact_absent = exact && node != 0;
	return true;
}

mfn_t memop_address_limit(unsigned int address_bits)
{
	if (!address_bits || address_bits - PAGE_SHIFT >= 64)
		return INVALID_MFN;
	return _mfn(address_bits <= PAGE_SHIFT ? 0 : 1ULL << (address_bits - PAGE_SHIFT));
}

bool memop_list_ok(uint64_t base, uint64_t first, uint64_t last)
{
	uint64_t count = last - first + 1, addr;

	/* As Xen's guest_handle_subrange_okay: a sane size, and where the range starts. */
	if (last < first)
		return true;
	if (count >= UINT64_MAX / sizeof(xen_pfn_t) ||
	    __builtin_mul_overflow(first, sizeof(xen_pfn_t), &addr) ||
	    __builtin_add_overflow(base, addr, &addr))
		return false;
	return guest_range_ok(addr, sizeof(xen_pfn_t));
}

/*
 * current_reservation, maximum_reservation and maximum_gpfn: for PV the
 * last is what the guest wrote in shared_info's arch.max_pfn, less one
 * (0 while it wrote nothing), as on Xen.
 */
static long reservation_query(struct vcpu *v, unsigned int op, uint64_t arg)
{
	struct xen_memory_domain md;
	struct domain *d;
	long rc = 0;

	if (copy_from_guest(&md, arg, sizeof(md)))
		return -EFAULT;
	d = memop_target(v, md.domid, &rc);
	if (!d)
		return rc;
	if (op == XENMEM_current_reservation)
		rc = (long)d->tot_pages;
	else if (op == XENMEM_maximum_reservation)
		rc = (long)d->max_pages;
	else {
		/* A destroy on another CPU may free shared_info meanwhile: look under d's lock. */
		spin_lock(&d->lock);
		rc = d->state == DOMAIN_ACTIVE && d->shared_info
			     ? (long)((d->shared_info->arch.max_pfn ?: 1) - 1)
			     : -ESRCH;
		spin_unlock(&d->lock);
	}
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
		xen_pfn_t mfn =
		    mfn_x(arch_virt_to_mfn((const uint8_t *)table + ((uint64_t)n << 21)));

		if (copy_to_guest((uint64_t)l.extent_start.p + n * sizeof(mfn), &mfn, sizeof(mfn)))
			return -EFAULT;
	}
	l.nr_extents = n;
	return copy_to_guest(arg + offsetof(struct xen_machphys_mfn_list, nr_extents),
			     &l.nr_extents, sizeof(l.nr_extents))
		   ? -EFAULT
		   : 0;
}

/*
 * XENMEM_add_to_physmap puts a frame (a grant-table frame, shared_info,
 * ...) at a guest frame number of a domain's pseudo-physical map.  Only
 * translated guests have such a map: a PV guest names machine frames
 * directly (GNTTABOP_setup_table gives it the grant frames' MFNs, which it
 * maps with update_va_mapping; start_info gives shared_info's), and Xen
 * 4.17 answers a PV guest -EACCES once it has found the domain (before
 * it asks whether the caller may act on it).  Keel runs
 * only PV guests and answers the same, so a guest that works on one works
 * on the other.
 */
static long add_to_physmap(struct vcpu *v, uint64_t arg)
{
	struct xen_add_to_physmap x;
	struct domain *d;

	if (copy_from_guest(&x, arg, sizeof(x)))
		return -EFAULT;
	d = domain_lookup(x.domid == DOMID_SELF ? v->domain->domid : x.domid, NULL);
	if (!d)
		return -ESRCH;
	domain_put(d);
	return -EACCES;
}

/* XENMEM_machine_memory_map's output: entries merged as they are added, written out one by one. */
struct e820_out {
	uint64_t buffer;
	unsigned int max, n;
	struct e820entry cur; /* being merged; size 0: none */
	bool full, fault;
};

static void e820_flush(struct e820_out *o)
{
	if (!o->cur.size || o->full || o->fault)
		return;
	if (o->n >= o->max) {
		o->full = true;
		return;
	}
	if (copy_to_guest(o->buffer + o->n * sizeof(o->cur), &o->cur, sizeof(o->cur)))
		o->fault = true;
	else
		o->n++;
	o->cur.size = 0;
}

static void e820_add(struct e820_out *o, uint64_t addr, uint64_t size, uint32_t type)
{
	if (o->cur.size && o->cur.type == type && o->cur.addr + o->cur.size == addr) {
		o->cur.size += size;
		return;
	}
	e820_flush(o);
	o->cur = (struct e820entry){addr, size, type};
}

/*
 * The parts of Keel's interrupt hardware (dom0_iomem.h) in the hole
 * [start, end) of the firmware's map, as reserved: dom0 may not map them,
 * and Xen shows its hardware domain the I/O memory it is denied in the
 * holes the same way, so the kernel does not place anything there.
 */
static void e820_add_denied(struct e820_out *o, const struct dom0_iomem_machine *io,
			    uint64_t start, uint64_t end)
{
	struct dom0_iomem_range r[DOM0_IOMEM_MAX_DENIED];
	unsigned int n = dom0_iomem_keel_ranges(io, r);

	for (unsigned int i = 0; i < n; i++) {
		uint64_t s = r[i].start > start ? r[i].start : start;
		uint64_t e = r[i].end < end ? r[i].end : end;

		if (s < e)
			e820_add(o, s, e - s, E820_RESERVED);
	}
}

/*
 * The firmware's map (Keel's own reservations shown as what they were),
 * adjacent ranges merged; for the hardware domain, with Keel's interrupt
 * hardware in the holes shown reserved.  A buffer too small gets the
 * first entries.
 */
static long machine_memory_map(struct vcpu *v, uint64_t arg)
{
	const struct memmap *map = hypercall_machine_memmap();
	const struct dom0_iomem_machine *io = v->domain->domid == 0 ? hypercall_dom0_iomem() : NULL;
	struct xen_memory_map mm;
	struct e820_out o = {0};

	if (!v->domain->is_privileged)
		return -EPERM;
	if (copy_from_guest(&mm, arg, sizeof(mm)))
		return -EFAULT;
	o.buffer = (uint64_t)mm.buffer.p;
	o.max = mm.nr_entries;
	for (unsigned int i = 0; i < map->nr && !o.full && !o.fault; i++) {
		const struct memmap_range *r = &map->range[i];
		/* Keel's MEMMAP_IN_USE ranges (its image, the modules) were RAM; firmware-only
		 * types stay. */
		uint32_t type = r->type == MEMMAP_IN_USE ? E820_RAM : r->type;

		if (io) {
			const struct memmap_range *prev = i ? &map->range[i - 1] : NULL;

			e820_add_denied(&o, io, prev ? prev->base + prev->len : 0, r->base);
		}
		e820_add(&o, r->base, r->len, type);
	}
	e820_flush(&o);
	if (o.fault)
		return -EFAULT;
	mm.nr_entries = o.n;
	return copy_to_guest(arg, &mm.nr_entries, sizeof(mm.nr_entries)) ? -EFAULT : 0;
}

/* The common commands that refuse a start extent in the command's upper bits (Xen 4.17). */
static bool takes_no_start(unsigned int op)
{
	return op == XENMEM_exchange || op == XENMEM_current_reservation ||
	       op == XENMEM_maximum_reservation || op == XENMEM_maximum_gpfn ||
	       op == XENMEM_maximum_ram_page;
}

static long xen_machphys_mapping(uint64_t arg)
{
	struct xen_machphys_mapping m = {
	    .v_start = MACH2PHYS_VIRT_START,
	    .v_end = MACH2PHYS_VIRT_START +
		     ((m2p_bytes(m2p_nr_frames()) + (2ULL << 20) - 1) & ~((2ULL << 20) - 1)),
	    .max_mfn = max_ram_page() - 1,
	};

	return copy_to_guest(arg, &m, sizeof(m)) ? -EFAULT : 0;
}

long do_memory_op(struct vcpu *v, unsigned long cmd, uint64_t arg)
{
	unsigned int op = cmd & MEMOP_CMD_MASK;
	unsigned long start = cmd >> MEMOP_EXTENT_SHIFT;

	if (op == XENMEM_increase_reservation || op == XENMEM_decrease_reservation ||
	    op == XENMEM_populate_physmap)
		return memop_reservation(v, op, start, arg);
	if (start && takes_no_start(op))
		return -EINVAL;
	/* Xen hands the x86 commands the whole command, which then matches none of them. */
	if (start && op != XENMEM_add_to_physmap)
		return -ENOSYS;
	switch (op) {
	case XENMEM_exchange:
		return memop_exchange(v, arg);
	case XENMEM_current_reservation:
	case XENMEM_maximum_reservation:
	case XENMEM_maximum_gpfn:
		return reservation_query(v, op, arg);
	case XENMEM_maximum_ram_page:
		return (long)max_ram_page();
	case XENMEM_machphys_mapping:
		return xen_machphys_mapping(arg);
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
