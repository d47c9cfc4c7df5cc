/*
 * tests/unit/test_memory_op.c - __HYPERVISOR_memory_op's reservations
 * (hypercalls/memory_reservation.c), XENMEM_exchange
 * (hypercalls/memory_exchange.c) and the checks they share
 * (hypercalls/memory_op.c), with the domain calls under them
 * (domain_steal_frame, domain_assign_frames).
 *
 * Tries to break: a domU acting on another domain (every op refused, as
 * Xen 4.17 answers: 0 extents, -EPERM or -ESRCH), frames that are not the
 * domain's or are in use given up, max_pages, orders, node and address
 * bits, lists and requests that fault, exchanges that fail part-way (what
 * was done stays done, the failed chunk is undone, nr_exchanged says
 * where), continuations.  The old frames of an exchange must be free and
 * marked for scrubbing; env_teardown() checks that nothing leaked.  The
 * same cases run on Xen 4.17 and Keel in tests/pv/kernels/memory.c.
 */
#include "mmu_test_env.h"

#include <xen/memory.h>

#include "host/sched_shim.h"
#include "hypercalls/hypercalls.h"
#include "hypercalls/memory_op.h"
#include "hypervisor/common/dom0_iomem.h"
#include "mm/buddy.h"

#define NO_SUCH 77
#define GPFN	0x4000 /* pseudo-physical frames the tests populate at */

static long res(struct vcpu *v, unsigned int cmd, xen_pfn_t *l, unsigned long n, unsigned int order,
		unsigned int flags, domid_t domid)
{
	struct xen_memory_reservation r = {
	    .nr_extents = n, .extent_order = order, .mem_flags = flags, .domid = domid};

	set_xen_guest_handle(r.extent_start, l);
	return do_memory_op(v, cmd, gva(&r));
}

static long query(struct vcpu *v, unsigned int cmd, domid_t domid)
{
	struct xen_memory_domain md = {.domid = domid};

	return do_memory_op(v, cmd, gva(&md));
}

static void exch_init(struct xen_memory_exchange *x, xen_pfn_t *in, unsigned long n_in,
		      unsigned int in_order, xen_pfn_t *out, unsigned long n_out,
		      unsigned int out_order, domid_t domid)
{
	memset(x, 0, sizeof(*x));
	x->in.nr_extents = n_in;
	x->in.extent_order = in_order;
	x->in.domid = domid;
	set_xen_guest_handle(x->in.extent_start, in);
	x->out.nr_extents = n_out;
	x->out.extent_order = out_order;
	x->out.domid = domid;
	set_xen_guest_handle(x->out.extent_start, out);
}

static long exch(struct vcpu *v, struct xen_memory_exchange *x)
{
	return do_memory_op(v, XENMEM_exchange, gva(x));
}

static bool owned_by(uint64_t mfn, const struct domain *d)
{
	return pg(_mfn(mfn))->owner == d->domid && pg(_mfn(mfn))->state == FRAME_ALLOC_HEAD;
}

static bool is_free(uint64_t mfn)
{
	uint8_t st = pg(_mfn(mfn))->state;

	return st == FRAME_FREE || st == FRAME_FREE_HEAD;
}

/* ---- XENMEM_machine_memory_map ---- */


static long machine_map(struct vcpu *v, struct e820entry *e, unsigned int max, unsigned int *n)
{
	struct xen_memory_map m = {.nr_entries = max};
	long rc;

	set_xen_guest_handle(m.buffer, e);
	rc = do_memory_op(v, XENMEM_machine_memory_map, gva(&m));
	*n = m.nr_entries;
	return rc;
}

/*
 * The firmware's map, Keel's reservations shown as RAM, neighbours of one
 * type merged; for dom0 Keel's interrupt hardware in the holes is shown
 * reserved (as Xen shows its hardware domain what it may not map), and
 * only there; a short buffer gets the first entries; domUs get -EPERM.
 */
static void test_machine_memory_map(void **state)
{
	static const struct dom0_iomem_machine io = {
	    .memmap = &host_machine_memmap,
	    .lapic_maddr = 0xfee00000,
	    .nr_ioapics = 2,
	    .ioapic_maddr = {0xfec00000, 0xfec01000},
	    .hpet_maddr = 0xfed00000,
	};
	struct e820entry e[16];
	unsigned int n;

	(void)state;
	memmap_init(&host_machine_memmap);
	assert_int_equal(memmap_add(&host_machine_memmap, 0, 0x9f000, BOOT_MEM_USABLE), 0);
	assert_int_equal(memmap_add(&host_machine_memmap, 0x100000, 0x3ff00000, BOOT_MEM_USABLE), 0);
	assert_int_equal(memmap_add(&host_machine_memmap, 0xfed1c000, 0x4000, BOOT_MEM_RESERVED), 0);
	assert_int_equal(memmap_add(&host_machine_memmap, 0xfffc0000, 0x40000, BOOT_MEM_RESERVED), 0);
	assert_int_equal(memmap_sanitize(&host_machine_memmap), 0);
	assert_int_equal(memmap_reserve(&host_machine_memmap, 0x200000, 0x100000), 0);
	host_dom0_iomem = &io;
	assert_int_equal(machine_map(vcpu0(priv), e, 16, &n), 0);
	assert_int_equal(n, 6);
	assert_true(e[0].addr == 0 && e[0].size == 0x9f000 && e[0].type == E820_RAM);
	assert_true(e[1].addr == 0x100000 && e[1].size == 0x3ff00000 && e[1].type == E820_RAM);
	/* Both I/O APIC pages in one entry; not the HPET, which dom0 may read. */
	assert_true(e[2].addr == 0xfec00000 && e[2].size == 0x2000 && e[2].type == E820_RESERVED);
	assert_true(e[3].addr == 0xfed1c000 && e[3].size == 0x4000 && e[3].type == E820_RESERVED);
	/* The local APIC's page is inside the MSI window: one entry. */
	assert_true(e[4].addr == 0xfee00000 && e[4].size == 0x100000 && e[4].type == E820_RESERVED);
	assert_true(e[5].addr == 0xfffc0000 && e[5].size == 0x40000 && e[5].type == E820_RESERVED);
	/* A short buffer: the first entries, and success. */
	assert_int_equal(machine_map(vcpu0(priv), e, 3, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(e[2].addr, 0xfec00000);
	/* Not dom0's hardware: the holes stay holes (and the map is privileged). */
	host_dom0_iomem = NULL;
	assert_int_equal(machine_map(vcpu0(priv), e, 16, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(e[2].addr, 0xfed1c000);
	assert_int_equal(machine_map(vcpu0(dom), e, 16, &n), -EPERM);
	/* A buffer Keel cannot write: -EFAULT, whatever fitted before the fault. */
	host_guest_fault_range(gva(&e[1]), sizeof(e[1]));
	assert_int_equal(machine_map(vcpu0(priv), e, 16, &n), -EFAULT);
	host_guest_fault_range(0, 0);
	host_dom0_iomem = NULL;
	memmap_init(&host_machine_memmap);
}

/* ---- reservations ---- */

static void test_increase_populate_decrease(void **state)
{
	uint64_t tot = dom->tot_pages;
	xen_pfn_t l[3] = {0}, p = GPFN;

	(void)state;
	assert_int_equal(res(vcpu0(dom), XENMEM_increase_reservation, l, 3, 0, 0, DOMID_SELF), 3);
	assert_int_equal(dom->tot_pages, tot + 3);
	for (unsigned int i = 0; i < 3; i++)
		assert_true(owned_by(l[i], dom));
	assert_int_equal(res(vcpu0(dom), XENMEM_populate_physmap, &p, 1, 2, 0, DOMID_SELF), 1);
	assert_int_equal(p & 3, 0);
	for (unsigned int j = 0; j < 4; j++) {
		assert_int_equal(m2p_get(_mfn(p + j)), GPFN + j);
		assert_true(owned_by(p + j, dom)); /* split: each frame its own block */
	}
	assert_int_equal(dom->tot_pages, tot + 7);
	assert_int_equal(res(vcpu0(dom), XENMEM_decrease_reservation, l, 3, 0, 0, DOMID_SELF), 3);
	/* One frame of the populated extent alone, then the other three. */
	l[0] = p + 1;
	assert_int_equal(res(vcpu0(dom), XENMEM_decrease_reservation, l, 1, 0, 0, DOMID_SELF), 1);
	assert_int_equal(m2p_get(_mfn(p + 1)), INVALID_M2P_ENTRY);
	assert_true(is_free(p + 1));
	l[0] = p, l[1] = p + 2, l[2] = p + 3;
	assert_int_equal(res(vcpu0(dom), XENMEM_decrease_reservation, l, 3, 0, 0, DOMID_SELF), 3);
	assert_int_equal(dom->tot_pages, tot);
	/* No list for increase_reservation: given all the same. */
	assert_int_equal(res(vcpu0(dom), XENMEM_increase_reservation, NULL, 2, 0, 0, DOMID_SELF),
			 2);
	assert_int_equal(dom->tot_pages, tot + 2);
}

static void test_decrease_stops(void **state)
{
	mfn_t mine = frame(dom), theirs = frame(other);
	xen_pfn_t l[4] = {mfn_x(mine), mfn_x(theirs), mfn_x(frame(dom)), 0};
	uint64_t tot;

	(void)state;
	tot = dom->tot_pages;
	assert_int_equal(res(vcpu0(dom), XENMEM_decrease_reservation, l, 3, 0, 0, DOMID_SELF), 1);
	assert_true(is_free(l[0]));
	assert_true(owned_by(l[1], other) && owned_by(l[2], dom));
	assert_int_equal(dom->tot_pages, tot - 1);
	/* Keel: a frame in use (a reference) or shared_info is not given back. */
	l[3] = l[2];
	assert_int_equal(get_page(pg(_mfn(l[3])), DOM), 0);
	assert_int_equal(res(vcpu0(dom), XENMEM_decrease_reservation, l + 3, 1, 0, 0, DOMID_SELF),
			 0);
	put_page(pg(_mfn(l[3])));
	l[3] = mfn_x(dom->shared_info_mfn);
	assert_int_equal(res(vcpu0(dom), XENMEM_decrease_reservation, l + 3, 1, 0, 0, DOMID_SELF),
			 0);
	l[3] = NR_FRAMES + 5;
	assert_int_equal(res(vcpu0(dom), XENMEM_decrease_reservation, l + 3, 1, 0, 0, DOMID_SELF),
			 0);
	/* A pinned table is unpinned and given back. */
	assert_int_equal(ext(vcpu0(dom), MMUEXT_PIN_L1_TABLE, l[2], 0, DOMID_SELF), 0);
	assert_int_equal(res(vcpu0(dom), XENMEM_decrease_reservation, l + 2, 1, 0, 0, DOMID_SELF),
			 1);
	assert_true(is_free(l[2]));
}

static void test_max_pages_and_orders(void **state)
{
	xen_pfn_t l[5] = {0};

	(void)state;
	assert_int_equal(domain_set_max_pages(dom, dom->tot_pages + 2), 0);
	assert_int_equal(res(vcpu0(dom), XENMEM_increase_reservation, l, 5, 0, 0, DOMID_SELF), 2);
	assert_int_equal(res(vcpu0(dom), XENMEM_populate_physmap, l, 1, 0, 0, DOMID_SELF), 0);
	assert_int_equal(domain_set_max_pages(dom, 4096), 0);
	/* A domU's extents are at most 2^9 frames; the control domain's 2^18. */
	assert_int_equal(res(vcpu0(dom), XENMEM_increase_reservation, l, 1, 10, 0, DOMID_SELF), 0);
	assert_int_equal(res(vcpu0(dom), XENMEM_decrease_reservation, l, 1, 10, 0, DOMID_SELF), 0);
	assert_true(owned_by(l[0], dom));
	assert_int_equal(domain_set_max_pages(priv, 4096), 0);
	assert_int_equal(res(vcpu0(priv), XENMEM_increase_reservation, l, 1, 8, 0, DOMID_SELF), 1);
	assert_int_equal(res(vcpu0(priv), XENMEM_decrease_reservation, l, 1, 8, 0, DOMID_SELF), 1);
	assert_int_equal(res(vcpu0(priv), XENMEM_increase_reservation, l, 1, 19, 0, DOMID_SELF), 0);
}

static void test_address_bits(void **state)
{
	xen_pfn_t l[2] = {0};
	uint64_t tot = dom->tot_pages;

	(void)state;
	/* Xen 4.17: 1-12 refused, even by decrease_reservation. */
	assert_int_equal(res(vcpu0(dom), XENMEM_increase_reservation, l, 1, 0, 12, DOMID_SELF), 0);
	assert_int_equal(res(vcpu0(dom), XENMEM_increase_reservation, l, 1, 0, 1, DOMID_SELF), 0);
	/* 14 bits: frames 0-3, none free (frame 0 was never given to the allocator). */
	assert_int_equal(res(vcpu0(dom), XENMEM_increase_reservation, l, 1, 2, 14, DOMID_SELF), 0);
	assert_int_equal(dom->tot_pages, tot);
	/* 20 bits: the first 256 frames, where the allocator would not look first. */
	for (unsigned int i = 0; i < 2; i++) {
		assert_int_equal(
		    res(vcpu0(dom), XENMEM_increase_reservation, l + i, 1, 1, 20, DOMID_SELF), 1);
		assert_true(l[i] + 2 <= 256);
	}
	assert_int_equal(res(vcpu0(dom), XENMEM_decrease_reservation, l, 1, 1, 12, DOMID_SELF), 0);
	assert_int_equal(res(vcpu0(dom), XENMEM_decrease_reservation, l, 1, 1, 20, DOMID_SELF), 1);
	assert_int_equal(res(vcpu0(dom), XENMEM_increase_reservation, l, 1, 0, 255, DOMID_SELF), 1);
}

/* Xen 4.17's NUMA rules: a domU's node is a hint it may not insist on; the control domain's ids
 * < 64. */
static void test_node_bits(void **state)
{
	static const struct {
		bool privileged;
		unsigned int flags;
		long done;
	} cases[] = {
	    {false, XENMEMF_node(3), 1},
	    {false, XENMEMF_node(64), 1},
	    {false, XENMEMF_exact_node(0), 0},
	    {false, XENMEMF_exact_node_request, 1},
	    {false, XENMEMF_vnode | XENMEMF_exact_node(0), 1},
	    {false, 1u << 24 | 1u << 31, 1},
	    {true, XENMEMF_node(63), 1},
	    {true, XENMEMF_node(64), 0},
	    {true, XENMEMF_exact_node(1), 0},
	    {true, XENMEMF_exact_node(0), 1},
	    {true, XENMEMF_vnode | XENMEMF_node(200), 1},
	};

	(void)state;
	assert_int_equal(domain_set_max_pages(priv, 4096), 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		struct vcpu *v = vcpu0(cases[i].privileged ? priv : dom);
		xen_pfn_t p = GPFN;

		assert_int_equal(
		    res(v, XENMEM_populate_physmap, &p, 1, 0, cases[i].flags, DOMID_SELF),
		    cases[i].done);
		if (cases[i].done)
			assert_int_equal(
			    res(v, XENMEM_decrease_reservation, &p, 1, 0, 0, DOMID_SELF), 1);
	}
}

/* Populate-on-demand means nothing for PV: refused for oneself, nothing given to another. */
static void test_populate_on_demand(void **state)
{
	xen_pfn_t l[3] = {GPFN, GPFN + 1, GPFN + 2};
	uint64_t tot = dom->tot_pages;

	(void)state;
	assert_int_equal(res(vcpu0(dom), XENMEM_populate_physmap, l, 3, 0,
			     XENMEMF_populate_on_demand, DOMID_SELF),
			 0);
	assert_int_equal(
	    res(vcpu0(priv), XENMEM_populate_physmap, l, 3, 0, XENMEMF_populate_on_demand, DOM), 3);
	assert_int_equal(l[0], GPFN);
	assert_int_equal(dom->tot_pages, tot);
	assert_int_equal(res(vcpu0(dom), XENMEM_increase_reservation, l, 1, 0,
			     XENMEMF_populate_on_demand, DOMID_SELF),
			 1);
}

/* Invariant 6: a domU names only itself; Xen 4.17 answers 0 extents, -EPERM, -ESRCH. */
static void test_foreign(void **state)
{
	static const unsigned int ops[] = {XENMEM_increase_reservation, XENMEM_populate_physmap,
					   XENMEM_decrease_reservation};
	static const domid_t targets[] = {OTHER, PRIV, NO_SUCH, DOMID_IO, DOMID_XEN};
	mfn_t theirs = frame(other);
	uint64_t tot = other->tot_pages;
	struct xen_memory_exchange x;
	xen_pfn_t l, out;

	(void)state;
	for (unsigned int t = 0; t < ARRAY_SIZE(targets); t++)
		for (unsigned int i = 0; i < ARRAY_SIZE(ops); i++) {
			l = mfn_x(theirs);
			assert_int_equal(res(vcpu0(dom), ops[i], &l, 1, 0, 0, targets[t]), 0);
		}
	assert_true(owned_by(mfn_x(theirs), other));
	assert_int_equal(other->tot_pages, tot);
	assert_int_equal(query(vcpu0(dom), XENMEM_current_reservation, OTHER), -EPERM);
	assert_int_equal(query(vcpu0(dom), XENMEM_maximum_reservation, PRIV), -EPERM);
	assert_int_equal(query(vcpu0(dom), XENMEM_maximum_gpfn, OTHER), -EPERM);
	assert_int_equal(query(vcpu0(dom), XENMEM_current_reservation, NO_SUCH), -ESRCH);
	assert_int_equal(query(vcpu0(dom), XENMEM_current_reservation, DOM), (long)dom->tot_pages);
	l = mfn_x(theirs);
	exch_init(&x, &l, 1, 0, &out, 1, 0, OTHER);
	assert_int_equal(exch(vcpu0(dom), &x), -EPERM);
	x.in.domid = x.out.domid = NO_SUCH;
	assert_int_equal(exch(vcpu0(dom), &x), -ESRCH);
	assert_true(owned_by(l, other));
	/* The control domain may. */
	assert_int_equal(query(vcpu0(priv), XENMEM_current_reservation, OTHER), (long)tot);
	assert_int_equal(res(vcpu0(priv), XENMEM_decrease_reservation, &l, 1, 0, 0, OTHER), 1);
	l = GPFN;
	assert_int_equal(res(vcpu0(priv), XENMEM_populate_physmap, &l, 1, 0, 0, OTHER), 1);
	assert_true(owned_by(l, other));
	assert_int_equal(m2p_get(_mfn(l)), GPFN);
}

static void test_bad_requests(void **state)
{
	struct xen_memory_reservation r = {.nr_extents = 1, .domid = DOMID_SELF};
	xen_pfn_t l[2] = {GPFN, GPFN};
	uint64_t tot = dom->tot_pages;

	(void)state;
	host_guest_fault_range(gva(&r), sizeof(r));
	assert_int_equal(do_memory_op(vcpu0(dom), XENMEM_increase_reservation, gva(&r)), 0);
	assert_int_equal(do_memory_op(vcpu0(dom), XENMEM_exchange, gva(&r)), -EFAULT);
	host_guest_fault_range(0, 0);
	host_guest_fault_range(gva(l), sizeof(l));
	assert_int_equal(res(vcpu0(dom), XENMEM_populate_physmap, l, 2, 0, 0, DOMID_SELF), 0);
	assert_int_equal(res(vcpu0(dom), XENMEM_increase_reservation, l, 2, 0, 0, DOMID_SELF), 0);
	host_guest_fault_range(0, 0);
	/* Xen 4.17: more extents than a continuation encodes (32 bits >> 6) do nothing. */
	assert_int_equal(
	    res(vcpu0(dom), XENMEM_increase_reservation, NULL, 0x4000000, 0, 0, DOMID_SELF), 0);
	assert_int_equal(res(vcpu0(dom), XENMEM_populate_physmap, l, 1UL << 62, 0, 0, DOMID_SELF),
			 0);
	/* A start extent at or past the end: nothing to do, itself returned. */
	assert_int_equal(res(vcpu0(dom), XENMEM_populate_physmap | 2 << 6, l, 2, 0, 0, DOMID_SELF),
			 2);
	assert_int_equal(dom->tot_pages, tot);
	/* The queries refuse a start extent; the x86 commands do not know the command then. */
	assert_int_equal(query(vcpu0(dom), XENMEM_current_reservation | 1 << 6, DOMID_SELF),
			 -EINVAL);
	assert_int_equal(do_memory_op(vcpu0(dom), XENMEM_maximum_ram_page | 1 << 6, 0), -EINVAL);
	assert_int_equal(do_memory_op(vcpu0(dom), XENMEM_machphys_mapping | 1 << 6, gva(l)),
			 -ENOSYS);
	assert_int_equal(do_memory_op(vcpu0(dom), XENMEM_exchange | 1 << 6, gva(l)), -EINVAL);
}

static void test_reservation_continues(void **state)
{
	xen_pfn_t l[3] = {GPFN, GPFN + 1, GPFN + 2};
	struct xen_memory_reservation r = {.nr_extents = 3, .domid = DOMID_SELF};
	uint64_t cmd;
	long rc;

	(void)state;
	set_xen_guest_handle(r.extent_start, l);
	host_hypercall_preempt_after(1);
	rc = do_memory_op(vcpu0(dom), XENMEM_populate_physmap, gva(&r));
	assert_int_equal(rc, HOST_CONTINUATION_RC);
	assert_int_equal(host_last_continuation.op, __HYPERVISOR_memory_op);
	assert_int_equal(host_last_continuation.args[0], XENMEM_populate_physmap | 2 << 6);
	assert_int_equal(m2p_get(_mfn(l[1])), GPFN + 1);
	assert_int_equal(l[2], GPFN + 2);
	cmd = host_last_continuation.args[0];
	host_hypercall_preempt_after(-1);
	assert_int_equal(do_memory_op(vcpu0(dom), cmd, gva(&r)), 3);
	assert_int_equal(m2p_get(_mfn(l[2])), GPFN + 2);
}

static void test_maximum_gpfn(void **state)
{
	(void)state;
	assert_int_equal(query(vcpu0(dom), XENMEM_maximum_gpfn, DOMID_SELF), 0);
	dom->shared_info->arch.max_pfn = 0x123;
	assert_int_equal(query(vcpu0(dom), XENMEM_maximum_gpfn, DOMID_SELF), 0x122);
	assert_int_equal(query(vcpu0(priv), XENMEM_maximum_gpfn, DOM), 0x122);
}

/* ---- exchange ---- */

static void test_exchange_one_frame(void **state)
{
	mfn_t old = frame(dom);
	xen_pfn_t in = mfn_x(old), out = GPFN;
	struct xen_memory_exchange x;
	uint64_t tot = dom->tot_pages;

	(void)state;
	memset(entries(old), 0xab, PAGE_SIZE);
	m2p_set(old, 7);
	exch_init(&x, &in, 1, 0, &out, 1, 0, DOMID_SELF);
	assert_int_equal(exch(vcpu0(dom), &x), 0);
	assert_int_equal(x.nr_exchanged, 1);
	assert_int_not_equal(out, GPFN);
	assert_true(owned_by(out, dom));
	assert_int_equal(m2p_get(_mfn(out)), GPFN);
	assert_int_equal(entries(_mfn(out))[0], 0);
	/* Invariant 5: the old frame is free and marked for scrubbing; no M2P entry. */
	assert_true(is_free(in));
	assert_true(pg(old)->flags & PGF_NEED_SCRUB);
	assert_int_equal(m2p_get(old), INVALID_M2P_ENTRY);
	assert_int_equal(dom->tot_pages, tot);
	/* Not ours any more. */
	x.nr_exchanged = 0;
	assert_int_equal(exch(vcpu0(dom), &x), -EINVAL);
}

static void test_exchange_gather_scatter(void **state)
{
	xen_pfn_t in[4], out = GPFN, back[4] = {GPFN + 8, GPFN + 9, GPFN + 10, GPFN + 11};
	struct xen_memory_exchange x;
	uint64_t tot;

	(void)state;
	for (unsigned int i = 0; i < 4; i++)
		in[i] = mfn_x(frame(dom));
	tot = dom->tot_pages;
	exch_init(&x, in, 4, 0, &out, 1, 2, DOMID_SELF);
	assert_int_equal(exch(vcpu0(dom), &x), 0);
	assert_int_equal(x.nr_exchanged, 4);
	assert_int_equal(out & 3, 0);
	for (unsigned int j = 0; j < 4; j++) {
		assert_true(owned_by(out + j, dom)); /* each frame a block of its own */
		assert_int_equal(m2p_get(_mfn(out + j)), GPFN + j);
		assert_true(is_free(in[j]));
	}
	exch_init(&x, &out, 1, 2, back, 4, 0, DOMID_SELF);
	assert_int_equal(exch(vcpu0(dom), &x), 0);
	assert_int_equal(x.nr_exchanged, 1);
	for (unsigned int j = 0; j < 4; j++)
		assert_int_equal(m2p_get(_mfn(back[j])), GPFN + 8 + j);
	assert_int_equal(dom->tot_pages, tot);
}

/* Orders, shapes, progress, lists, nodes and domains, in Xen 4.17's order. */
static void test_exchange_checks(void **state)
{
	xen_pfn_t in[2] = {mfn_x(frame(dom)), mfn_x(frame(dom))}, out[2] = {GPFN, GPFN + 1};
	struct xen_memory_exchange x;

	(void)state;
	exch_init(&x, in, 1, 10, out, 1, 10, DOMID_SELF);
	assert_int_equal(exch(vcpu0(dom), &x), -EPERM); /* a domU: 2^9 at most */
	exch_init(&x, in, 1, 18, out, 2, 18, DOMID_SELF);
	assert_int_equal(exch(vcpu0(priv), &x), -EINVAL); /* 2^18 is fine for dom0; sizes are not */
	exch_init(&x, in, 2, 0, out, 1, 19, DOMID_SELF);
	assert_int_equal(exch(vcpu0(priv), &x), -EPERM);
	exch_init(&x, in, 2, 0, out, 2, 0, DOMID_SELF);
	x.out.domid = DOM;
	assert_int_equal(exch(vcpu0(dom), &x), -EINVAL);
	exch_init(&x, in, 1UL << 60, 9, out, 1UL << 61, 8, DOMID_SELF);
	assert_int_equal(exch(vcpu0(dom), &x), -EINVAL);
	exch_init(&x, in, 1UL << 63, 0, out, 1UL << 62, 1, DOMID_SELF);
	assert_int_equal(exch(vcpu0(dom), &x), -EFAULT);
	exch_init(&x, in, 2, 0, out, 2, 0, DOMID_SELF);
	x.nr_exchanged = 3;
	assert_int_equal(exch(vcpu0(dom), &x), -EINVAL);
	assert_int_equal(x.nr_exchanged, 3);
	x.nr_exchanged = 2;
	assert_int_equal(exch(vcpu0(dom), &x), 0);
	x.nr_exchanged = 0;
	x.out.mem_flags = XENMEMF_exact_node(0);
	assert_int_equal(exch(vcpu0(dom), &x), -EINVAL); /* a domU may not insist */
	x.out.mem_flags = XENMEMF_node(64);
	assert_int_equal(exch(vcpu0(priv), &x), -EINVAL);
	x.in.domid = x.out.domid = NO_SUCH;
	x.out.mem_flags = 0;
	assert_int_equal(exch(vcpu0(dom), &x), -ESRCH);
	exch_init(&x, in, 2, 0, out, 2, 0, DOMID_SELF);
	host_guest_fault_range(gva(out), sizeof(out));
	assert_int_equal(exch(vcpu0(dom), &x), -EFAULT);
	host_guest_fault_range(0, 0);
	assert_true(owned_by(in[0], dom) && owned_by(in[1], dom));
	assert_int_equal(out[0], GPFN);
}

/* Chunks done stay done; the failed one is undone; nr_exchanged says where. */
static void test_exchange_fails_part_way(void **state)
{
	xen_pfn_t in[3] = {mfn_x(frame(dom)), mfn_x(frame(dom)), mfn_x(frame(other))};
	xen_pfn_t out[3] = {GPFN, GPFN + 1, 0x77};
	struct xen_memory_exchange x;
	uint64_t tot = dom->tot_pages, free_before;

	(void)state;
	exch_init(&x, in, 3, 0, out, 3, 0, DOMID_SELF);
	assert_int_equal(exch(vcpu0(dom), &x), -EINVAL);
	assert_int_equal(x.nr_exchanged, 2);
	assert_int_equal(out[2], 0x77);
	assert_true(owned_by(out[0], dom) && owned_by(out[1], dom) && owned_by(in[2], other));
	assert_int_equal(dom->tot_pages, tot);

	/* One chunk of two frames: the good frame comes back, nothing is allocated. */
	in[0] = mfn_x(frame(dom));
	in[1] = mfn_x(frame(other));
	tot = dom->tot_pages;
	free_before = env_buddy_free();
	exch_init(&x, in, 2, 0, out, 1, 1, DOMID_SELF);
	assert_int_equal(exch(vcpu0(dom), &x), -EINVAL);
	assert_int_equal(x.nr_exchanged, 0);
	assert_true(owned_by(in[0], dom));
	assert_int_equal(dom->tot_pages, tot);
	assert_int_equal(env_buddy_free(), free_before);
	/* It is back on the page list: it can be given back. */
	assert_int_equal(res(vcpu0(dom), XENMEM_decrease_reservation, in, 1, 0, 0, DOMID_SELF), 1);

	/* The new frames cannot be found: -ENOMEM, the old ones stay. */
	in[0] = mfn_x(frame(dom));
	exch_init(&x, in, 1, 0, out, 1, 0, DOMID_SELF);
	x.out.mem_flags = XENMEMF_address_bits(13);
	assert_int_equal(exch(vcpu0(dom), &x), -ENOMEM);
	/* The control domain may insist on node 1, which has no memory. */
	exch_init(&x, in, 1, 0, out, 1, 0, DOM);
	x.out.mem_flags = XENMEMF_exact_node(1);
	assert_int_equal(exch(vcpu0(priv), &x), -ENOMEM);
	assert_true(owned_by(in[0], dom));
}

/* Frames in use or special cannot be given up. */
static void test_exchange_frames_in_use(void **state)
{
	struct tree t = build_tree(dom);
	xen_pfn_t in, out = GPFN;
	struct xen_memory_exchange x;
	mfn_t cases[5];
	int err;

	(void)state;
	tree_install(vcpu0(dom), &t);
	cases[0] = t.l4, cases[1] = t.l1, cases[2] = t.rw_data, cases[3] = dom->shared_info_mfn;
	cases[4] = domain_alloc_shared_frame(dom, &err); /* as the grant table's frames */
	assert_int_equal(err, 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		in = mfn_x(cases[i]);
		exch_init(&x, &in, 1, 0, &out, 1, 0, DOMID_SELF);
		assert_int_equal(exch(vcpu0(dom), &x), -EINVAL);
		assert_int_equal(pg(cases[i])->owner, DOM);
	}
	assert_int_equal(out, GPFN);
	/* A frame once typed but no longer in use can go. */
	in = mfn_x(frame(dom));
	assert_int_equal(ext(vcpu0(dom), MMUEXT_PIN_L1_TABLE, in, 0, DOMID_SELF), 0);
	exch_init(&x, &in, 1, 0, &out, 1, 0, DOMID_SELF);
	assert_int_equal(exch(vcpu0(dom), &x), -EINVAL);
	assert_int_equal(ext(vcpu0(dom), MMUEXT_UNPIN_TABLE, in, 0, DOMID_SELF), 0);
	assert_int_equal(exch(vcpu0(dom), &x), 0);
}

/* An exchange does not grow the domain: it works at max_pages (Xen 4.17), also for dom0 on a domU.
 */
static void test_exchange_at_max_pages(void **state)
{
	xen_pfn_t in[2] = {mfn_x(frame(dom)), mfn_x(frame(dom))}, out = GPFN;
	struct xen_memory_exchange x;

	(void)state;
	assert_int_equal(domain_set_max_pages(dom, dom->tot_pages), 0);
	exch_init(&x, in, 2, 0, &out, 1, 1, DOM);
	assert_int_equal(exch(vcpu0(priv), &x), 0);
	assert_true(owned_by(out, dom) && owned_by(out + 1, dom));
	assert_int_equal(dom->tot_pages, dom->max_pages);
}

static void test_exchange_continues(void **state)
{
	xen_pfn_t in[3] = {mfn_x(frame(dom)), mfn_x(frame(dom)), mfn_x(frame(dom))};
	xen_pfn_t out[3] = {GPFN, GPFN + 1, GPFN + 2};
	struct xen_memory_exchange x;

	(void)state;
	exch_init(&x, in, 3, 0, out, 3, 0, DOMID_SELF);
	host_hypercall_preempt_after(0);
	assert_int_equal(exch(vcpu0(dom), &x), HOST_CONTINUATION_RC);
	assert_int_equal(host_last_continuation.args[0], XENMEM_exchange);
	assert_int_equal(host_last_continuation.args[1], gva(&x));
	assert_int_equal(x.nr_exchanged, 1);
	assert_int_equal(out[1], GPFN + 1);
	host_hypercall_preempt_after(-1);
	assert_int_equal(exch(vcpu0(dom), &x), 0);
	assert_int_equal(x.nr_exchanged, 3);
	assert_int_equal(m2p_get(_mfn(out[2])), GPFN + 2);
	/* An out entry that cannot be read fails its chunk before anything moves. */
	in[0] = mfn_x(frame(dom));
	in[1] = mfn_x(frame(dom));
	out[1] = GPFN;
	exch_init(&x, in, 2, 0, out, 2, 0, DOMID_SELF);
	host_guest_fault_range(gva(&out[1]), sizeof(out[1]));
	assert_int_equal(exch(vcpu0(dom), &x), -EFAULT);
	host_guest_fault_range(0, 0);
	assert_int_equal(x.nr_exchanged, 1);
	assert_true(owned_by(in[1], dom));
}

/* ---- the domain calls under exchange ---- */

static void test_steal_and_assign(void **state)
{
	mfn_t a = frame(dom), theirs = frame(other), keel = alloc_frames(1),
	      spare = alloc_frames(0);
	uint64_t tot = dom->tot_pages;

	(void)state;
	assert_int_equal(domain_steal_frame(dom, theirs), -EINVAL);
	assert_int_equal(domain_steal_frame(dom, dom->shared_info_mfn), -EINVAL);
	assert_int_equal(domain_steal_frame(dom, _mfn(NR_FRAMES)), -EINVAL);
	assert_int_equal(domain_steal_frame(dom, a), 0);
	assert_int_equal(pg(a)->owner, DOMID_XEN);
	assert_int_equal(dom->tot_pages, tot - 1);
	assert_int_equal(domain_steal_frame(dom, a), -EINVAL);
	assert_int_equal(get_page(pg(a), DOM), -EPERM); /* nobody can take a reference now */
	assert_int_equal(domain_assign_frames(dom, a, 0), 0);
	assert_int_equal(dom->tot_pages, tot);
	assert_int_equal(domain_assign_frames(dom, a, 0), -EINVAL);    /* not Keel's any more */
	assert_int_equal(domain_assign_frames(dom, keel, 0), -EINVAL); /* wrong order */
	assert_int_equal(domain_set_max_pages(dom, 0), 0);
	assert_int_equal(domain_assign_frames(dom, keel, 1), 0); /* max_pages not checked */
	assert_int_equal(dom->tot_pages, tot + 2);
	assert_int_equal(domain_get(other), 0);
	assert_int_equal(domain_destroy(other), 0);
	assert_int_equal(domain_assign_frames(other, spare, 0), -ESRCH);
	assert_int_equal(domain_steal_frame(other, theirs), -ESRCH);
	domain_put(other);
	other = NULL;
	assert_int_equal(free_frames(spare, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_increase_populate_decrease, env_setup,
					    env_teardown),
	    cmocka_unit_test_setup_teardown(test_decrease_stops, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_max_pages_and_orders, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_address_bits, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_node_bits, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_populate_on_demand, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_foreign, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_machine_memory_map, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_bad_requests, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_reservation_continues, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_maximum_gpfn, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_exchange_one_frame, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_exchange_gather_scatter, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_exchange_checks, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_exchange_fails_part_way, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_exchange_frames_in_use, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_exchange_at_max_pages, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_exchange_continues, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_steal_and_assign, env_setup, env_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
