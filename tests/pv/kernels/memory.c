/*
 * tests/pv/kernels/memory.c - memory reservations (xen/memory.h):
 * XENMEM_increase_reservation, decrease_reservation, populate_physmap and
 * exchange, good and hostile arguments, as dom0 on its own memory and on
 * an empty domain it creates (privileged foreign use, max_pages).
 *
 * Frames to give up come from mm_alloc_frame() (ours, mapped nowhere) or
 * from increase_reservation (zeroed).  Whether a frame is still ours is
 * asked by mapping it read-only on a scratch page (update_va_mapping
 * refuses another domain's or a free frame).  The pseudo-physical frame
 * numbers given to populate_physmap and exchange lie far above our p2m
 * (GPFN_BASE), so the M2P entries they produce are easy to recognise.
 *
 * An unprivileged caller cannot be tried from here (dom0 is the only
 * domain that runs): tests/unit/test_memory_op.c does that, and the
 * two-domain peer asks Xen 4.17 and Keel the same foreign questions.
 *
 * Where Xen 4.17 does something one would not guess, a comment says
 * "Xen 4.17": Keel must do the same.
 */
/* domctl.h is a toolstack header: the latest interface of the headers, as control.c. */
#undef __XEN_INTERFACE_VERSION__
#define __XEN_TOOLS__ 1

#include <stdint.h>

#include <xen/xen.h>
#include <xen/domctl.h>
#include <xen/memory.h>

#include "lib/string.h"
#include "tests/pv/harness.h"
#include "guests/lib/hypercall.h"
#include "tests/pv/mm.h"

#define BAD_PTR	      ((void *)HYPERVISOR_VIRT_START)
#define NO_SUCH_DOMID 0x1234
#define GPFN_BASE     0x100000UL /* pseudo-physical frames we populate at */
#define UNTOUCHED     0x5a5a5aUL /* a list entry the hypervisor must not write */
#define LONG_RUN      1024	 /* extents of the long requests */

static volatile uint64_t *scratch; /* a page of ours, remapped to look at frames */
static unsigned long scratch_mfn;
static xen_pfn_t list[LONG_RUN], list2[LONG_RUN];

/* -------------------------------------------------------------------------- */
/* helpers */

/* A reservation op on @n extents of @list (NULL: none) of 2^@order frames each. */
static long reservation(unsigned int op, xen_pfn_t *l, unsigned long n, unsigned int order,
			unsigned int flags, domid_t domid)
{
	struct xen_memory_reservation r = {
	    .nr_extents = n, .extent_order = order, .mem_flags = flags, .domid = domid};

	set_xen_guest_handle(r.extent_start, l);
	return hyp_memory_op(op, &r);
}

static long increase(xen_pfn_t *l, unsigned long n, unsigned int order, unsigned int flags)
{
	return reservation(XENMEM_increase_reservation, l, n, order, flags, DOMID_SELF);
}

static long decrease(xen_pfn_t *l, unsigned long n, unsigned int order, unsigned int flags)
{
	return reservation(XENMEM_decrease_reservation, l, n, order, flags, DOMID_SELF);
}

static long populate(xen_pfn_t *l, unsigned long n, unsigned int order, unsigned int flags)
{
	return reservation(XENMEM_populate_physmap, l, n, order, flags, DOMID_SELF);
}

/* One new frame of ours (increase_reservation), or pv_fatal. */
static unsigned long new_frame(void)
{
	xen_pfn_t mfn = 0;

	if (increase(&mfn, 1, 0, 0) != 1)
		pv_fatal("new_frame: increase_reservation failed");
	return mfn;
}

/* Gives one frame back; true if the hypervisor took it. */
static bool give_back(unsigned long mfn)
{
	xen_pfn_t m = mfn;

	return decrease(&m, 1, 0, 0) == 1;
}

static long current_pages(domid_t domid)
{
	struct xen_memory_domain d = {.domid = domid};

	return hyp_memory_op(XENMEM_current_reservation, &d);
}

/* Maps @mfn read-only on the scratch page: 0 if it is ours (then *zero: whether it reads 0). */
static long peek(unsigned long mfn, bool *zero)
{
	long rc = mm_set_pte(scratch, mfn << 12 | PTE_P | PTE_A);

	if (!rc && zero) {
		*zero = true;
		for (unsigned int i = 0; i < 512; i++)
			*zero = *zero && scratch[i] == 0;
	}
	if (mm_set_pte(scratch, scratch_mfn << 12 | PTE_P | PTE_RW | PTE_A | PTE_D))
		pv_fatal("peek: cannot restore the scratch page");
	return rc;
}

static bool ours(unsigned long mfn)
{
	return peek(mfn, NULL) == 0;
}

/*
 * A frame that is not ours and never will be: the hypervisor's own (the
 * first frame of the M2P table).  A frame we gave back is no good here:
 * the next reservation may well hand it to us again.
 */
static unsigned long xen_frame(void)
{
	static xen_pfn_t mfn;
	struct xen_machphys_mfn_list l = {.max_extents = 1};

	set_xen_guest_handle(l.extent_start, &mfn);
	if (!mfn && (hyp_memory_op(XENMEM_machphys_mfn_list, &l) || !mfn))
		pv_fatal("xen_frame: no M2P frame");
	return mfn;
}

/* An exchange of @in (n_in extents of 2^in_order) for @out (n_out of 2^out_order). */
static void exch_init(struct xen_memory_exchange *x, xen_pfn_t *in, unsigned long n_in,
		      unsigned int in_order, xen_pfn_t *out, unsigned long n_out,
		      unsigned int out_order)
{
	memset(x, 0, sizeof(*x));
	x->in.nr_extents = n_in;
	x->in.extent_order = in_order;
	x->in.domid = DOMID_SELF;
	set_xen_guest_handle(x->in.extent_start, in);
	x->out.nr_extents = n_out;
	x->out.extent_order = out_order;
	x->out.domid = DOMID_SELF;
	set_xen_guest_handle(x->out.extent_start, out);
}

static long exchange(struct xen_memory_exchange *x)
{
	return hyp_memory_op(XENMEM_exchange, x);
}

/* @n pseudo-physical frame numbers from GPFN_BASE + @first into @l. */
static void gpfns(xen_pfn_t *l, unsigned long n, unsigned long first)
{
	for (unsigned long i = 0; i < n; i++)
		l[i] = GPFN_BASE + first + i;
}

/* -------------------------------------------------------------------------- */
/* increase_reservation */

TEST(setup, scratch_page)
{
	scratch = mm_alloc_page();
	scratch_mfn = virt_to_mfn(scratch);
	ASSERT_TRUE(ours(scratch_mfn));
	EXPECT_TRUE(!ours(mm_released_frame()));
	EXPECT_TRUE(xen_frame() != 0);
}

TEST(increase, one_frame_and_back)
{
	long cur = current_pages(DOMID_SELF);
	xen_pfn_t mfn = UNTOUCHED;
	bool zero = false;

	ASSERT_EQ(increase(&mfn, 1, 0, 0), 1);
	EXPECT_NE(mfn, UNTOUCHED);
	EXPECT_EQ(current_pages(DOMID_SELF), cur + 1);
	EXPECT_EQ(peek(mfn, &zero), 0);
	EXPECT_TRUE(zero);
	EXPECT_EQ(decrease(&mfn, 1, 0, 0), 1);
	EXPECT_EQ(current_pages(DOMID_SELF), cur);
	EXPECT_TRUE(!ours(mfn));
}

TEST(increase, orders)
{
	long cur = current_pages(DOMID_SELF);
	xen_pfn_t mfn = 0;

	ASSERT_EQ(increase(&mfn, 1, 2, 0), 1);
	EXPECT_EQ(mfn & 3, 0);
	EXPECT_EQ(current_pages(DOMID_SELF), cur + 4);
	EXPECT_TRUE(ours(mfn + 3));
	EXPECT_EQ(decrease(&mfn, 1, 2, 0), 1);
	EXPECT_EQ(current_pages(DOMID_SELF), cur);
	/* Xen 4.17: the control domain's largest extent is 2^18 frames; larger does nothing. */
	EXPECT_EQ(increase(&mfn, 1, 19, 0), 0);
	EXPECT_EQ(current_pages(DOMID_SELF), cur);
	ASSERT_EQ(increase(&mfn, 1, 12, 0), 1);
	EXPECT_EQ(mfn & 4095, 0);
	EXPECT_EQ(decrease(&mfn, 1, 12, 0), 1);
	EXPECT_EQ(current_pages(DOMID_SELF), cur);
}

/* No list: the frames are given all the same (their numbers are not reported). */
TEST(increase, without_a_list)
{
	long cur = current_pages(DOMID_SELF);

	EXPECT_EQ(increase(NULL, 2, 0, 0), 2);
	EXPECT_EQ(current_pages(DOMID_SELF), cur + 2);
}

/* -------------------------------------------------------------------------- */
/* populate_physmap and decrease_reservation */

TEST(populate, sets_the_m2p)
{
	long cur = current_pages(DOMID_SELF);
	xen_pfn_t l[2];

	gpfns(l, 1, 0);
	l[1] = GPFN_BASE + 16;
	ASSERT_EQ(populate(l, 2, 3, 0), 2);
	EXPECT_EQ(current_pages(DOMID_SELF), cur + 16);
	for (unsigned int j = 0; j < 8; j++) {
		EXPECT_EQ(mfn_to_pfn(l[0] + j), GPFN_BASE + j);
		EXPECT_EQ(mfn_to_pfn(l[1] + j), GPFN_BASE + 16 + j);
	}
	EXPECT_EQ(decrease(l, 2, 3, 0), 2);
	EXPECT_EQ(current_pages(DOMID_SELF), cur);
	EXPECT_EQ(mfn_to_pfn(l[0]), ~0UL); /* INVALID_M2P_ENTRY */
	EXPECT_TRUE(!ours(l[0]) && !ours(l[1] + 7));
}

/* The command's upper bits say where a request (re)starts; at or past the end: nothing. */
TEST(populate, start_extent)
{
	long cur = current_pages(DOMID_SELF);
	xen_pfn_t l[3] = {UNTOUCHED, GPFN_BASE + 1, GPFN_BASE + 2};
	struct xen_memory_reservation r = {.nr_extents = 3, .domid = DOMID_SELF};

	set_xen_guest_handle(r.extent_start, l);
	EXPECT_EQ(hyp_memory_op(XENMEM_populate_physmap | 5 << 6, &r), 5);
	EXPECT_EQ(hyp_memory_op(XENMEM_populate_physmap | 3 << 6, &r), 3);
	EXPECT_EQ(current_pages(DOMID_SELF), cur);
	ASSERT_EQ(hyp_memory_op(XENMEM_populate_physmap | 1 << 6, &r), 3);
	EXPECT_EQ(l[0], UNTOUCHED);
	EXPECT_EQ(mfn_to_pfn(l[1]), GPFN_BASE + 1);
	EXPECT_EQ(current_pages(DOMID_SELF), cur + 2);
	EXPECT_EQ(decrease(l + 1, 2, 0, 0), 2);
}

/* A long request (continued as the hypervisor likes) does all of it. */
TEST(populate, long_request)
{
	long cur = current_pages(DOMID_SELF);

	gpfns(list, LONG_RUN, 0);
	ASSERT_EQ(populate(list, LONG_RUN, 0, 0), LONG_RUN);
	EXPECT_EQ(current_pages(DOMID_SELF), cur + LONG_RUN);
	EXPECT_EQ(mfn_to_pfn(list[LONG_RUN - 1]), GPFN_BASE + LONG_RUN - 1);
	EXPECT_EQ(decrease(list, LONG_RUN, 0, 0), LONG_RUN);
	EXPECT_EQ(current_pages(DOMID_SELF), cur);
}

/* Extents are done in order; the first that cannot be ends the request. */
TEST(decrease, stops_at_a_frame_not_ours)
{
	long cur = current_pages(DOMID_SELF);
	xen_pfn_t l[3] = {new_frame(), xen_frame(), new_frame()};
	xen_pfn_t mine = l[2];

	EXPECT_EQ(decrease(l, 3, 0, 0), 1);
	EXPECT_EQ(current_pages(DOMID_SELF), cur + 1);
	EXPECT_TRUE(!ours(l[0]));
	EXPECT_TRUE(ours(l[2]));
	l[0] = ~0UL >> 12; /* no such frame */
	EXPECT_EQ(decrease(l, 1, 0, 0), 0);
	l[0] = mine;
	EXPECT_EQ(decrease(l, 3, 0, 0), 1);
	EXPECT_EQ(current_pages(DOMID_SELF), cur);
	EXPECT_TRUE(!ours(mine));
}

/* An extent is given back frame by frame: those before the one that fails are gone. */
TEST(decrease, extent_partly_not_ours)
{
	long cur = current_pages(DOMID_SELF);
	xen_pfn_t mfn = 0, second;

	ASSERT_EQ(increase(&mfn, 1, 1, 0), 1);
	second = mfn + 1;
	EXPECT_EQ(decrease(&second, 1, 0, 0), 1);
	EXPECT_EQ(decrease(&mfn, 1, 1, 0), 0);
	EXPECT_TRUE(!ours(mfn));
	EXPECT_EQ(current_pages(DOMID_SELF), cur);
}

/*
 * Xen 4.17: a reservation op with arguments it cannot use does nothing and
 * says so by its count (0 extents), not by an error code.
 */
TEST(hostile, pointers_are_zero_extents)
{
	long cur = current_pages(DOMID_SELF);
	static const unsigned int ops[] = {XENMEM_increase_reservation, XENMEM_decrease_reservation,
					   XENMEM_populate_physmap};

	for (unsigned int i = 0; i < ARRAY_SIZE(ops); i++) {
		EXPECT_EQ(hyp_memory_op(ops[i], BAD_PTR), 0);
		EXPECT_EQ(hyp_memory_op(ops[i], NULL), 0);
		EXPECT_EQ(reservation(ops[i], BAD_PTR, 1, 0, 0, DOMID_SELF), 0);
		/* A list in the non-canonical hole, just below Xen's range. */
		EXPECT_EQ(reservation(ops[i], (xen_pfn_t *)BAD_PTR - 1, 2, 0, 0, DOMID_SELF), 0);
	}
	EXPECT_EQ(current_pages(DOMID_SELF), cur);
}

/* Xen 4.17: more extents than a continuation can encode (2^32 >> 6): nothing done. */
TEST(hostile, too_many_extents)
{
	long cur = current_pages(DOMID_SELF);

	EXPECT_EQ(increase(NULL, 0x4000000, 0, 0), 0);
	EXPECT_EQ(increase(NULL, 1UL << 40, 0, 0), 0);
	EXPECT_EQ(populate(list, 0x4000000, 0, 0), 0);
	EXPECT_EQ(decrease(list, 1UL << 63, 0, 0), 0);
	EXPECT_EQ(current_pages(DOMID_SELF), cur);
}

/* Another domain's id: DOMID_SELF and our own id are us; no such domain: nothing done. */
TEST(hostile, domain_ids)
{
	long cur = current_pages(DOMID_SELF);
	static const domid_t bad[] = {NO_SUCH_DOMID, DOMID_IO, DOMID_XEN, DOMID_INVALID,
				      DOMID_IDLE};
	xen_pfn_t mfn = 0;

	ASSERT_EQ(reservation(XENMEM_increase_reservation, &mfn, 1, 0, 0, 0), 1);
	EXPECT_EQ(reservation(XENMEM_decrease_reservation, &mfn, 1, 0, 0, 0), 1);
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(reservation(XENMEM_increase_reservation, &mfn, 1, 0, 0, bad[i]), 0);
		EXPECT_EQ(reservation(XENMEM_populate_physmap, &mfn, 1, 0, 0, bad[i]), 0);
	}
	mfn = new_frame();
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT_EQ(reservation(XENMEM_decrease_reservation, &mfn, 1, 0, 0, bad[i]), 0);
	EXPECT_TRUE(give_back(mfn));
	EXPECT_EQ(current_pages(DOMID_SELF), cur);
}

/* -------------------------------------------------------------------------- */
/* mem_flags */

/* Xen 4.17: address_bits 1-12 are refused (0 extents), more limits where frames come from. */
TEST(flags, address_bits)
{
	long cur = current_pages(DOMID_SELF);
	xen_pfn_t mfn = 0;

	EXPECT_EQ(increase(&mfn, 1, 0, XENMEMF_address_bits(12)), 0);
	EXPECT_EQ(increase(&mfn, 1, 0, XENMEMF_address_bits(1)), 0);
	EXPECT_EQ(increase(&mfn, 1, 0, XENMEMF_address_bits(13)), 0);
	EXPECT_EQ(current_pages(DOMID_SELF), cur);
	ASSERT_EQ(populate(&mfn, 1, 2, XENMEMF_address_bits(28)), 1);
	pv_printf("below 2^28: mfn %#lx\n", mfn);
	EXPECT_TRUE(mfn + 4 <= 1UL << 16);
	/* Also decrease_reservation reads (and checks) the flags. */
	EXPECT_EQ(decrease(&mfn, 1, 2, XENMEMF_address_bits(12)), 0);
	EXPECT_TRUE(ours(mfn));
	EXPECT_EQ(decrease(&mfn, 1, 2, XENMEMF_address_bits(28)), 1);
	ASSERT_EQ(increase(&mfn, 1, 0, XENMEMF_address_bits(255)), 1);
	EXPECT_EQ(decrease(&mfn, 1, 0, 0), 1);
	EXPECT_EQ(current_pages(DOMID_SELF), cur);
}

/*
 * Xen 4.17 (one NUMA node, 64 possible): the control domain may name a
 * node below 64; an exact request for a node without memory gets nothing;
 * a node of 64 or more is refused; a virtual node means nothing to a
 * domain without a virtual NUMA layout.
 */
TEST(flags, nodes)
{
	long cur = current_pages(DOMID_SELF);
	static const struct {
		unsigned int flags;
		long done;
	} cases[] = {
	    {XENMEMF_node(0), 1},
	    {XENMEMF_exact_node(0), 1},
	    {XENMEMF_node(1), 1},
	    {XENMEMF_node(63), 1},
	    {XENMEMF_exact_node(1), 0},
	    {XENMEMF_node(64), 0},
	    {XENMEMF_node(254), 0},
	    {XENMEMF_exact_node_request, 1},
	    {XENMEMF_vnode | XENMEMF_node(5), 1},
	    {XENMEMF_vnode | XENMEMF_exact_node(200), 1},
	};
	xen_pfn_t mine;

	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		xen_pfn_t mfn = GPFN_BASE;
		long done = populate(&mfn, 1, 0, cases[i].flags);

		if (!EXPECT_EQ(done, cases[i].done))
			pv_printf("  mem_flags %#x\n", cases[i].flags);
		if (done == 1)
			EXPECT_TRUE(give_back(mfn));
	}
	EXPECT_EQ(current_pages(DOMID_SELF), cur);
	/* decrease_reservation checks the node too (but allocates nothing). */
	mine = new_frame();
	EXPECT_EQ(decrease(&mine, 1, 0, XENMEMF_node(64)), 0);
	EXPECT_EQ(decrease(&mine, 1, 0, XENMEMF_exact_node(1)), 1);
	EXPECT_EQ(current_pages(DOMID_SELF), cur);
}

/*
 * Xen 4.17: populate-on-demand is refused for oneself (0 extents); the
 * other reservation ops ignore the flag.  Bits the header does not define
 * are ignored.
 */
TEST(flags, pod_and_unknown_bits)
{
	long cur = current_pages(DOMID_SELF);
	xen_pfn_t mfn = GPFN_BASE;

	EXPECT_EQ(populate(&mfn, 1, 0, XENMEMF_populate_on_demand), 0);
	EXPECT_EQ(current_pages(DOMID_SELF), cur);
	ASSERT_EQ(increase(&mfn, 1, 0, XENMEMF_populate_on_demand), 1);
	EXPECT_EQ(decrease(&mfn, 1, 0, XENMEMF_populate_on_demand), 1);
	ASSERT_EQ(populate(&mfn, 1, 0, 1u << 19 | 1u << 24 | 1u << 31), 1);
	EXPECT_EQ(decrease(&mfn, 1, 0, 1u << 19 | 1u << 24 | 1u << 31), 1);
	EXPECT_EQ(current_pages(DOMID_SELF), cur);
}

/* -------------------------------------------------------------------------- */
/* exchange */

TEST(exchange, one_frame)
{
	long cur = current_pages(DOMID_SELF);
	struct xen_memory_exchange x;
	xen_pfn_t in = mm_alloc_frame(), out = GPFN_BASE + 7;
	bool zero = false;

	exch_init(&x, &in, 1, 0, &out, 1, 0);
	ASSERT_EQ(exchange(&x), 0);
	EXPECT_EQ(x.nr_exchanged, 1);
	pv_printf("exchanged %#lx for %#lx\n", in, out);
	EXPECT_EQ(mfn_to_pfn(in), ~0UL); /* INVALID_M2P_ENTRY */
	EXPECT_NE(out, GPFN_BASE + 7);
	EXPECT_NE(out, in);
	EXPECT_EQ(mfn_to_pfn(out), GPFN_BASE + 7);
	EXPECT_EQ(current_pages(DOMID_SELF), cur);
	EXPECT_TRUE(!ours(in));
	EXPECT_EQ(peek(out, &zero), 0);
	EXPECT_TRUE(zero);
	/* The old frame cannot be given up twice. */
	x.nr_exchanged = 0;
	out = GPFN_BASE;
	EXPECT_EQ(exchange(&x), -XEN_EINVAL);
	EXPECT_EQ(x.nr_exchanged, 0);
	EXPECT_EQ(out, GPFN_BASE);
}

/* Four single frames for one contiguous extent of four, and back. */
TEST(exchange, gather_and_scatter)
{
	long cur = current_pages(DOMID_SELF);
	struct xen_memory_exchange x;
	xen_pfn_t in[4], out = GPFN_BASE + 32, back[4];

	for (unsigned int i = 0; i < 4; i++)
		in[i] = mm_alloc_frame();
	exch_init(&x, in, 4, 0, &out, 1, 2);
	ASSERT_EQ(exchange(&x), 0);
	EXPECT_EQ(x.nr_exchanged, 4);
	EXPECT_EQ(out & 3, 0);
	for (unsigned int j = 0; j < 4; j++) {
		EXPECT_EQ(mfn_to_pfn(out + j), GPFN_BASE + 32 + j);
		EXPECT_TRUE(!ours(in[j]));
	}
	gpfns(back, 4, 64);
	exch_init(&x, &out, 1, 2, back, 4, 0);
	ASSERT_EQ(exchange(&x), 0);
	EXPECT_EQ(x.nr_exchanged, 1);
	for (unsigned int j = 0; j < 4; j++) {
		EXPECT_EQ(mfn_to_pfn(back[j]), GPFN_BASE + 64 + j);
		EXPECT_TRUE(ours(back[j]));
	}
	EXPECT_TRUE(!ours(out));
	EXPECT_EQ(current_pages(DOMID_SELF), cur);
}

/* Xen 4.17: orders, sizes and progress are checked before anything else; nothing changes. */
TEST(exchange, bad_shapes)
{
	struct xen_memory_exchange x;
	xen_pfn_t in[2] = {mm_alloc_frame(), mm_alloc_frame()}, out[2] = {UNTOUCHED, UNTOUCHED};

	exch_init(&x, in, 2, 0, out, 1, 0);
	EXPECT_EQ(exchange(&x), -XEN_EINVAL); /* sizes differ */
	exch_init(&x, in, 2, 0, out, 2, 0);
	x.out.domid = 0;
	EXPECT_EQ(exchange(&x), -XEN_EINVAL); /* the same domain, but not the same id */
	exch_init(&x, in, 1, 19, out, 1, 19);
	EXPECT_EQ(exchange(&x), -XEN_EPERM); /* past the largest order */
	exch_init(&x, in, 2, 0, out, 1, 19);
	EXPECT_EQ(exchange(&x), -XEN_EPERM); /* the order is checked first */
	exch_init(&x, in, 1UL << 60, 9, out, 1UL << 61, 8);
	EXPECT_EQ(exchange(&x), -XEN_EINVAL); /* sizes overflow */
	exch_init(&x, in, 2, 0, out, 2, 0);
	x.nr_exchanged = 3;
	EXPECT_EQ(exchange(&x), -XEN_EINVAL); /* progress past the end */
	EXPECT_EQ(x.nr_exchanged, 3);
	x.nr_exchanged = 2;
	EXPECT_EQ(exchange(&x), 0); /* all done already */
	exch_init(&x, in, 0, 0, out, 0, 0);
	EXPECT_EQ(exchange(&x), 0);
	EXPECT_EQ(out[0], UNTOUCHED);
	EXPECT_TRUE(ours(in[0]) && ours(in[1]));
}

/* Xen 4.17: progress inside a chunk is no error: the whole chunk is exchanged. */
TEST(exchange, progress_inside_a_chunk)
{
	long cur = current_pages(DOMID_SELF);
	struct xen_memory_exchange x;
	xen_pfn_t in[2] = {mm_alloc_frame(), mm_alloc_frame()}, out = GPFN_BASE;

	exch_init(&x, in, 2, 0, &out, 1, 1);
	x.nr_exchanged = 1;
	EXPECT_EQ(exchange(&x), 0);
	EXPECT_EQ(x.nr_exchanged, 2);
	EXPECT_EQ(mfn_to_pfn(out + 1), GPFN_BASE + 1);
	EXPECT_TRUE(!ours(in[0]) && !ours(in[1]));
	EXPECT_EQ(current_pages(DOMID_SELF), cur);
}

TEST(exchange, bad_pointers)
{
	struct xen_memory_exchange x;
	xen_pfn_t in = mm_alloc_frame(), out = UNTOUCHED;

	EXPECT_EQ(hyp_memory_op(XENMEM_exchange, BAD_PTR), -XEN_EFAULT);
	EXPECT_EQ(hyp_memory_op(XENMEM_exchange, NULL), -XEN_EFAULT);
	exch_init(&x, BAD_PTR, 1, 0, &out, 1, 0);
	EXPECT_EQ(exchange(&x), -XEN_EFAULT);
	exch_init(&x, &in, 1, 0, BAD_PTR, 1, 0);
	EXPECT_EQ(exchange(&x), -XEN_EFAULT);
	/* Sizes that match without overflowing, but lists no guest can have. */
	exch_init(&x, &in, 1UL << 63, 0, &out, 1UL << 62, 1);
	EXPECT_EQ(exchange(&x), -XEN_EFAULT);
	/* The command's upper bits (a reservation's start extent) are refused. */
	exch_init(&x, &in, 1, 0, &out, 1, 0);
	EXPECT_EQ(hyp_memory_op(XENMEM_exchange | 1 << 6, &x), -XEN_EINVAL);
	EXPECT_EQ(out, UNTOUCHED);
	EXPECT_TRUE(ours(in));
}

TEST(exchange, domain_ids)
{
	struct xen_memory_exchange x;
	xen_pfn_t in = mm_alloc_frame(), out = GPFN_BASE;

	exch_init(&x, &in, 1, 0, &out, 1, 0);
	x.in.domid = x.out.domid = NO_SUCH_DOMID;
	EXPECT_EQ(exchange(&x), -XEN_ESRCH);
	x.in.domid = x.out.domid = DOMID_IO;
	EXPECT_EQ(exchange(&x), -XEN_ESRCH);
	x.in.domid = x.out.domid = 0;
	EXPECT_EQ(exchange(&x), 0);
	EXPECT_EQ(mfn_to_pfn(out), GPFN_BASE);
}

/* Xen 4.17: a frame that is not ours, in use or special cannot be given up (-EINVAL). */
TEST(exchange, frames_that_cannot_go)
{
	const unsigned long frames[] = {
	    xen_frame(),		      /* the hypervisor's */
	    ~0UL >> 12,			      /* no such frame */
	    scratch_mfn,		      /* mapped */
	    pv_start_info->shared_info >> 12, /* shared_info */
	    mm_l4_mfn(),		      /* our page table (pinned, in use) */
	};
	long cur = current_pages(DOMID_SELF);
	struct xen_memory_exchange x;
	xen_pfn_t in, out;

	for (unsigned int i = 0; i < ARRAY_SIZE(frames); i++) {
		in = frames[i];
		out = UNTOUCHED;
		exch_init(&x, &in, 1, 0, &out, 1, 0);
		if (!EXPECT_EQ(exchange(&x), -XEN_EINVAL))
			pv_printf("  frame %#lx\n", frames[i]);
		EXPECT_EQ(x.nr_exchanged, 0);
		EXPECT_EQ(out, UNTOUCHED);
	}
	EXPECT_TRUE(ours(scratch_mfn));
	EXPECT_EQ(current_pages(DOMID_SELF), cur);
}

/* A pinned table cannot go; once unpinned (its type unused) it can. */
TEST(exchange, pinned_table)
{
	struct xen_memory_exchange x;
	xen_pfn_t in = new_frame(), out = GPFN_BASE;

	ASSERT_EQ(mm_mmuext1(MMUEXT_PIN_L1_TABLE, in, 0), 0);
	exch_init(&x, &in, 1, 0, &out, 1, 0);
	EXPECT_EQ(exchange(&x), -XEN_EINVAL);
	EXPECT_EQ(mm_mmuext1(MMUEXT_UNPIN_TABLE, in, 0), 0);
	EXPECT_EQ(exchange(&x), 0);
	EXPECT_EQ(mfn_to_pfn(out), GPFN_BASE);
}

/* Chunks that were done stay done; the one that failed is undone; nr_exchanged says which. */
TEST(exchange, partial_failure)
{
	long cur = current_pages(DOMID_SELF);
	struct xen_memory_exchange x;
	xen_pfn_t in[3] = {mm_alloc_frame(), mm_alloc_frame(), xen_frame()};
	xen_pfn_t out[3] = {GPFN_BASE, GPFN_BASE + 1, UNTOUCHED};

	exch_init(&x, in, 3, 0, out, 3, 0);
	EXPECT_EQ(exchange(&x), -XEN_EINVAL);
	EXPECT_EQ(x.nr_exchanged, 2);
	EXPECT_EQ(mfn_to_pfn(out[1]), GPFN_BASE + 1);
	EXPECT_EQ(out[2], UNTOUCHED);
	/* A frame freed by the first chunk may be what the second got. */
	EXPECT_TRUE(!ours(in[0]) || in[0] == out[1]);
	EXPECT_TRUE(!ours(in[1]) && ours(out[0]) && ours(out[1]));
	EXPECT_EQ(current_pages(DOMID_SELF), cur);

	/* Two frames make one chunk: the good one comes back to us. */
	in[0] = mm_alloc_frame();
	in[1] = xen_frame();
	out[0] = UNTOUCHED;
	exch_init(&x, in, 2, 0, out, 1, 1);
	EXPECT_EQ(exchange(&x), -XEN_EINVAL);
	EXPECT_EQ(x.nr_exchanged, 0);
	EXPECT_EQ(out[0], UNTOUCHED);
	EXPECT_TRUE(ours(in[0]));
	EXPECT_EQ(current_pages(DOMID_SELF), cur);
	/* A resumed exchange starts where nr_exchanged says. */
	in[1] = mm_alloc_frame();
	out[0] = UNTOUCHED;
	out[1] = GPFN_BASE + 9;
	exch_init(&x, in, 2, 0, out, 2, 0);
	x.nr_exchanged = 1;
	EXPECT_EQ(exchange(&x), 0);
	EXPECT_EQ(x.nr_exchanged, 2);
	EXPECT_EQ(out[0], UNTOUCHED);
	EXPECT_EQ(mfn_to_pfn(out[1]), GPFN_BASE + 9);
	EXPECT_TRUE(ours(in[0]) && !ours(in[1]));
}

/*
 * Xen 4.17: out.mem_flags limits where the new frames come from; a limit no
 * frame meets (address bits, an exact node without memory) is -ENOMEM and
 * gives back the old frames; a node id past 63 is -EINVAL.  in.mem_flags
 * means nothing.
 */
TEST(exchange, out_flags)
{
	static const struct {
		unsigned int in_flags, out_flags;
		long rc;
	} cases[] = {
	    {0, XENMEMF_address_bits(28), 0},
	    {0, XENMEMF_address_bits(12), -XEN_ENOMEM},
	    {0, XENMEMF_address_bits(13), -XEN_ENOMEM},
	    {0, XENMEMF_address_bits(255), 0},
	    {XENMEMF_address_bits(12) | XENMEMF_node(200), 0, 0},
	    {0, XENMEMF_exact_node(1), -XEN_ENOMEM},
	    {0, XENMEMF_exact_node(0), 0},
	    {0, XENMEMF_node(63), 0},
	    {0, XENMEMF_node(64), -XEN_EINVAL},
	    {0, XENMEMF_populate_on_demand | 1u << 24, 0},
	};
	long cur = current_pages(DOMID_SELF);

	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		struct xen_memory_exchange x;
		xen_pfn_t in = mm_alloc_frame(), out = GPFN_BASE;
		long rc;

		exch_init(&x, &in, 1, 0, &out, 1, 0);
		x.in.mem_flags = cases[i].in_flags;
		x.out.mem_flags = cases[i].out_flags;
		rc = exchange(&x);
		if (!EXPECT_EQ(rc, cases[i].rc))
			pv_printf("  in %#x out %#x\n", cases[i].in_flags, cases[i].out_flags);
		EXPECT_EQ(x.nr_exchanged, rc ? 0 : 1);
		EXPECT_EQ(ours(in), rc != 0);
		if (cases[i].out_flags == XENMEMF_address_bits(28))
			EXPECT_TRUE(out < 1UL << 16);
	}
	EXPECT_EQ(current_pages(DOMID_SELF), cur);
}

/* A long exchange (continued as the hypervisor likes) does all of it. */
TEST(exchange, long_request)
{
	long cur = current_pages(DOMID_SELF);
	struct xen_memory_exchange x;

	for (unsigned int i = 0; i < LONG_RUN; i++)
		list[i] = mm_alloc_frame();
	for (unsigned int i = 0; i < LONG_RUN / 8; i++)
		list2[i] = GPFN_BASE + i * 8;
	exch_init(&x, list, LONG_RUN, 0, list2, LONG_RUN / 8, 3);
	ASSERT_EQ(exchange(&x), 0);
	EXPECT_EQ(x.nr_exchanged, LONG_RUN);
	for (unsigned int i = 0; i < LONG_RUN / 8; i++)
		EXPECT_EQ(mfn_to_pfn(list2[i] + 7), GPFN_BASE + i * 8 + 7);
	EXPECT_TRUE(!ours(list[LONG_RUN - 1])); /* earlier ones may have come back as new frames */
	EXPECT_EQ(current_pages(DOMID_SELF), cur);
}

/* -------------------------------------------------------------------------- */
/* another domain (we are privileged) */

static long domctl(struct xen_domctl *op)
{
	return pv_hypercall1(__HYPERVISOR_domctl, op);
}

/* An empty PV domain as xl makes one, limited to @pages frames; its id or -errno. */
static long make_domain(uint64_t pages)
{
	struct xen_domctl op = {.cmd = XEN_DOMCTL_createdomain,
				.interface_version = XEN_DOMCTL_INTERFACE_VERSION};
	domid_t id;

	op.u.createdomain.max_vcpus = 1;
	op.u.createdomain.max_evtchn_port = 1023;
	op.u.createdomain.max_grant_frames = 32;
	op.u.createdomain.max_maptrack_frames = 1024;
	op.u.createdomain.grant_opts = XEN_DOMCTL_GRANT_version(1);
	if (domctl(&op))
		return -XEN_EINVAL;
	id = op.domain;
	memset(&op.u, 0, sizeof(op.u));
	op.cmd = XEN_DOMCTL_max_mem;
	op.u.max_mem.max_memkb = pages * 4;
	return domctl(&op) ?: id;
}

static long destroy_domain(domid_t id)
{
	struct xen_domctl op = {.cmd = XEN_DOMCTL_destroydomain,
				.interface_version = XEN_DOMCTL_INTERFACE_VERSION,
				.domain = id};

	return domctl(&op);
}

/* max_pages bounds what reservations give; an exchange (a swap) is not bound by it. */
TEST(foreign, max_pages_and_exchange)
{
	struct xen_memory_domain md;
	struct xen_memory_exchange x;
	xen_pfn_t more = UNTOUCHED;
	long id = make_domain(16);

	ASSERT_TRUE(id > 0);
	gpfns(list, 32, 0);
	EXPECT_EQ(reservation(XENMEM_populate_physmap, list, 32, 0, 0, (domid_t)id), 16);
	EXPECT_EQ(reservation(XENMEM_increase_reservation, &more, 1, 0, 0, (domid_t)id), 0);
	EXPECT_EQ(more, UNTOUCHED);
	EXPECT_EQ(current_pages((domid_t)id), 16);
	md.domid = (domid_t)id;
	EXPECT_EQ(hyp_memory_op(XENMEM_maximum_reservation, &md), 16);
	EXPECT_EQ(mfn_to_pfn(list[15]), GPFN_BASE + 15);
	EXPECT_TRUE(!ours(list[0]));

	gpfns(list2, 1, 100);
	exch_init(&x, list, 4, 0, list2, 1, 2);
	x.in.domid = x.out.domid = (domid_t)id;
	EXPECT_EQ(exchange(&x), 0);
	EXPECT_EQ(x.nr_exchanged, 4);
	EXPECT_EQ(mfn_to_pfn(list2[0] + 3), GPFN_BASE + 103);
	EXPECT_EQ(current_pages((domid_t)id), 16);
	EXPECT_TRUE(!ours(list2[0]));
	/* Our frames are not the other domain's to give up. */
	list[0] = mm_alloc_frame();
	x.nr_exchanged = 0;
	EXPECT_EQ(exchange(&x), -XEN_EINVAL);
	EXPECT_TRUE(ours(list[0]));

	EXPECT_EQ(reservation(XENMEM_decrease_reservation, list + 4, 4, 0, 0, (domid_t)id), 4);
	EXPECT_EQ(current_pages((domid_t)id), 12);
	EXPECT_EQ(destroy_domain((domid_t)id), 0);
}

/* populate-on-demand into another PV domain: Xen 4.17 counts the extents done and gives nothing. */
TEST(foreign, populate_on_demand)
{
	long id = make_domain(16);

	ASSERT_TRUE(id > 0);
	gpfns(list, 4, 0);
	EXPECT_EQ(reservation(XENMEM_populate_physmap, list, 4, 0, XENMEMF_populate_on_demand,
			      (domid_t)id),
		  4);
	EXPECT_EQ(list[0], GPFN_BASE);
	EXPECT_EQ(current_pages((domid_t)id), 0);
	EXPECT_EQ(destroy_domain((domid_t)id), 0);
}

/* -------------------------------------------------------------------------- */
/* the queries */

/* Xen 4.17: the queries refuse a start extent; the x86 ones do not know the command then. */
TEST(queries, start_extent_bits)
{
	struct xen_memory_domain md = {.domid = DOMID_SELF};
	struct xen_machphys_mapping m;

	EXPECT_EQ(hyp_memory_op(XENMEM_current_reservation | 1 << 6, &md), -XEN_EINVAL);
	EXPECT_EQ(hyp_memory_op(XENMEM_maximum_reservation | 1 << 6, &md), -XEN_EINVAL);
	EXPECT_EQ(hyp_memory_op(XENMEM_maximum_gpfn | 1 << 6, &md), -XEN_EINVAL);
	EXPECT_EQ(hyp_memory_op(XENMEM_maximum_ram_page | 1 << 6, NULL), -XEN_EINVAL);
	EXPECT_EQ(hyp_memory_op(XENMEM_machphys_mapping | 1 << 6, &m), -XEN_ENOSYS);
	EXPECT_EQ(hyp_memory_op(XENMEM_machphys_mapping, &m), 0);
}

/* A PV domain's largest GPFN is what it wrote in shared_info (arch.max_pfn), less one. */
TEST(queries, maximum_gpfn)
{
	struct xen_memory_domain md = {.domid = DOMID_SELF};
	unsigned long saved = pv_shared_info->arch.max_pfn;

	pv_shared_info->arch.max_pfn = 0;
	EXPECT_EQ(hyp_memory_op(XENMEM_maximum_gpfn, &md), 0);
	pv_shared_info->arch.max_pfn = 100;
	EXPECT_EQ(hyp_memory_op(XENMEM_maximum_gpfn, &md), 99);
	pv_shared_info->arch.max_pfn = saved;
	md.domid = NO_SUCH_DOMID;
	EXPECT_EQ(hyp_memory_op(XENMEM_maximum_gpfn, &md), -XEN_ESRCH);
	EXPECT_EQ(hyp_memory_op(XENMEM_maximum_gpfn, BAD_PTR), -XEN_EFAULT);
}
