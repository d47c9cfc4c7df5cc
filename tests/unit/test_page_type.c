/*
 * tests/unit/test_page_type.c - the page-type state machine and PV
 * page-table validation (mm/page_type.c, mm/pv_pte.c).
 *
 * Each test builds small 4-level trees in fake RAM, in frames allocated
 * from the buddy allocator and given to domain DOM, then tries to break
 * security invariants 1-3 (and the plumbing of 7).  expect_clean() is the
 * leak check: every frame back at zero references, and freeable.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "host/test_shim.h"
#include "lib/errno.h"
#include "mm/buddy.h"
#include "mm/frame_table.h"
#include "mm/page_ref.h"
#include "mm/page_type.h"
#include "mm/pv_pte.h"

#define NR_FRAMES 256
#define DOM	  1
#define OTHER	  2
#define MAXPHYS	  40
#define PT	  (PV_PTE_P | PV_PTE_RW | PV_PTE_US) /* an ordinary guest table entry */
#define KEEL_MARK 0x5a5a000ULL			     /* what the fake install hook writes */

static struct page_info table[NR_FRAMES];
static unsigned int nr_retyped;

static void count_retyped(struct page_info *pg)
{
	(void)pg;
	nr_retyped++;
}

static void install_keel(uint64_t *l4, domid_t domid)
{
	(void)domid;
	for (unsigned int i = PV_KEEL_L4_FIRST; i <= PV_KEEL_L4_LAST; i++)
		l4[i] = KEEL_MARK | PV_PTE_P | PV_PTE_RW;
}

static int segdesc_ok(struct page_info *pg, domid_t domid)
{
	(void)pg;
	(void)domid;
	return 0;
}

static const struct page_type_config base_config = {
    .maxphysaddr = MAXPHYS,
    .nx = true,
    .hooks = {.writable_retyped = count_retyped, .l4_install_keel_slots = install_keel},
};

static int setup(void **state)
{
	(void)state;
	fake_ram_init(NR_FRAMES);
	assert_int_equal(frame_table_init(table, NR_FRAMES), 0);
	buddy_init();
	assert_int_equal(buddy_add_free_range(_mfn(1), NR_FRAMES - 1), 0);
	assert_int_equal(page_type_init(&base_config), 0);
	nr_retyped = 0;
	host_log_reset();
	return 0;
}

/* A zeroed frame of domain d. */
static mfn_t frame(domid_t d)
{
	mfn_t m = alloc_frames(0);

	assert_true(mfn_valid_raw(m));
	mfn_to_page(m)->owner = d;
	return m;
}

static struct page_info *pg(mfn_t m)
{
	return mfn_to_page(m);
}

static uint64_t *entries(mfn_t m)
{
	return arch_mfn_to_virt(m);
}

/* What the guest writes while the frame is still plain memory. */
static void set_e(mfn_t t, unsigned int i, mfn_t target, uint64_t flags)
{
	entries(t)[i] = (mfn_x(target) << PAGE_SHIFT) | flags;
}

static uint64_t e_of(mfn_t target, uint64_t flags)
{
	return (mfn_x(target) << PAGE_SHIFT) | flags;
}

static void expect_refs(mfn_t m, uint32_t count, enum page_type type, uint32_t type_count)
{
	assert_int_equal(pg(m)->count, count);
	assert_int_equal(page_type_count(pg(m)), type_count);
	if (type_count)
		assert_int_equal(page_get_type(pg(m)), type);
}

/* The leak check: every allocated frame is unreferenced and can be freed. */
static void expect_clean(void)
{
	for (uint64_t m = 1; m < NR_FRAMES; m++) {
		struct page_info *p = pg(_mfn(m));

		if (p->state != FRAME_ALLOC_HEAD)
			continue;
		assert_int_equal(p->count, 0);
		assert_int_equal(page_type_count(p), 0);
		assert_false(page_type_pinned(p));
		assert_int_equal(p->pt_linear, 0);
		assert_int_equal(free_frames(_mfn(m), 0), 0);
	}
}

struct tree {
	mfn_t l4, l3, l2, l1, rw_data, ro_data;
};

/* L4[0] -> L3[1] -> L2[2] -> L1: [3] = rw_data writable, [4] = ro_data read-only. */
static struct tree build_tree(void)
{
	struct tree t = {frame(DOM), frame(DOM), frame(DOM), frame(DOM), frame(DOM), frame(DOM)};

	set_e(t.l4, 0, t.l3, PT);
	set_e(t.l3, 1, t.l2, PT);
	set_e(t.l2, 2, t.l1, PT);
	set_e(t.l1, 3, t.rw_data, PV_PTE_P | PV_PTE_RW);
	set_e(t.l1, 4, t.ro_data, PV_PTE_P);
	return t;
}

static void test_config_checked(void **state)
{
	struct page_type_config c = base_config;

	(void)state;
	c.maxphysaddr = 31;
	assert_int_equal(page_type_init(&c), -EINVAL);
	c.maxphysaddr = 53;
	assert_int_equal(page_type_init(&c), -EINVAL);
	assert_int_equal(page_type_get_config()->maxphysaddr, MAXPHYS);
}

static void test_one_type_at_a_time(void **state)
{
	mfn_t m = frame(DOM);

	(void)state;
	assert_int_equal(get_page_and_type(pg(m), PGT_WRITABLE, DOM), 0);
	assert_int_equal(get_page_and_type(pg(m), PGT_WRITABLE, DOM), 0);
	expect_refs(m, 2, PGT_WRITABLE, 2);
	assert_true(page_type_validated(pg(m)));
	assert_int_equal(get_page_and_type(pg(m), PGT_SHARED, DOM), -EINVAL);
	assert_int_equal(get_page_and_type(pg(m), PGT_L1, DOM), -EINVAL);
	expect_refs(m, 2, PGT_WRITABLE, 2);
	put_page_and_type(pg(m));
	put_page_and_type(pg(m));
	expect_refs(m, 0, PGT_WRITABLE, 0);
	/* At type count 0 the type may change. */
	assert_int_equal(get_page_and_type(pg(m), PGT_SHARED, DOM), 0);
	assert_int_equal(nr_retyped, 1);
	put_page_and_type(pg(m));
	assert_true(HOST_PANICS(put_page_type(pg(m))));
	expect_clean();
}

static void test_type_count_overflow(void **state)
{
	mfn_t m = frame(DOM), l1 = frame(DOM);

	(void)state;
	assert_int_equal(page_type_pin(pg(l1), PGT_L1, DOM), 0);
	assert_int_equal(get_page_and_type(pg(m), PGT_WRITABLE, DOM), 0);
	pg(m)->type_info |= PGT_COUNT_MASK; /* as if 2^26-1 writable mappings */
	pg(m)->count = 1000;
	assert_int_equal(get_page_type(pg(m), PGT_WRITABLE, DOM), -EOVERFLOW);
	assert_int_equal(pte_update(pg(l1), 0, e_of(m, PV_PTE_P | PV_PTE_RW), DOM), -EOVERFLOW);
	assert_int_equal(pg(m)->count, 1000);
	assert_int_equal(page_type_count(pg(m)), PGT_COUNT_MASK);
	assert_int_equal(entries(l1)[0], 0);
	/* A general-count overflow is refused the same way. */
	pg(m)->count = PAGE_REF_MAX;
	assert_int_equal(pte_update(pg(l1), 0, e_of(m, PV_PTE_P), DOM), -EOVERFLOW);
	pg(m)->type_info = (uint32_t)PGT_WRITABLE << PGT_TYPE_SHIFT;
	pg(m)->count = 0;
	assert_int_equal(page_type_unpin(pg(l1), DOM), 0);
	expect_clean();
}

/* The io_frame_access hook's answer for test_io_frames, and the last frame it was asked about. */
static struct {
	uint64_t asked;
	domid_t asked_for;
	unsigned int calls;
	enum pv_io_access answer;
} io_hook;

static enum pv_io_access io_frame_access(uint64_t mfn, domid_t domid)
{
	io_hook.asked = mfn;
	io_hook.asked_for = domid;
	io_hook.calls++;
	return io_hook.answer;
}

/*
 * L1 entries for frames Keel does not count: only what the hook allows,
 * read-only where it says so whatever the guest asked, and no references.
 */
static void test_io_frames(void **state)
{
	struct page_type_config c = base_config;
	struct tree t;
	const uint64_t ro = PV_PTE_P, io = NR_FRAMES + 7;
	mfn_t l1b;

	(void)state;
	c.hooks.io_frame_access = io_frame_access;
	assert_int_equal(page_type_init(&c), 0);
	t = build_tree();
	assert_int_equal(page_type_pin(pg(t.l4), PGT_L4, DOM), 0);
	io_hook.answer = PV_IO_DENIED;
	assert_int_equal(pte_update(pg(t.l1), 20, e_of(_mfn(io), ro), DOM), -EPERM);
	assert_int_equal(io_hook.asked, io);
	assert_int_equal(io_hook.asked_for, DOM);
	assert_int_equal(entries(t.l1)[20], 0);
	io_hook.answer = PV_IO_READ_WRITE;
	assert_int_equal(pte_update(pg(t.l1), 20, e_of(_mfn(io), ro | PV_PTE_RW), DOM), 0);
	assert_true(entries(t.l1)[20] & PV_PTE_RW);
	/* Read-only I/O memory: RW is dropped, the rest kept; a read-only entry is kept as asked. */
	io_hook.answer = PV_IO_READ_ONLY;
	assert_int_equal(pte_update(pg(t.l1), 20, e_of(_mfn(io), ro | PV_PTE_RW | PV_PTE_PCD), DOM), 0);
	assert_int_equal(entries(t.l1)[20], e_of(_mfn(io), ro | PV_PTE_PCD | PV_PTE_US) | PV_PTE_GUEST_KERNEL);
	assert_int_equal(pte_update(pg(t.l1), 21, e_of(_mfn(io), ro | PV_PTE_US), DOM), 0);
	assert_int_equal(entries(t.l1)[21], e_of(_mfn(io), ro | PV_PTE_US));
	/* RAM is never "I/O memory": the hook is not asked and RW stays. */
	io_hook.calls = 0;
	assert_int_equal(pte_update(pg(t.l1), 22, e_of(t.rw_data, ro | PV_PTE_RW), DOM), 0);
	assert_true(entries(t.l1)[22] & PV_PTE_RW);
	assert_int_equal(io_hook.calls, 0);
	assert_int_equal(pte_update(pg(t.l1), 22, 0, DOM), 0);
	/* Validating a whole table forces read-only the same way. */
	l1b = frame(DOM);
	entries(l1b)[3] = e_of(_mfn(io), ro | PV_PTE_RW);
	assert_int_equal(page_type_pin(pg(l1b), PGT_L1, DOM), 0);
	assert_false(entries(l1b)[3] & PV_PTE_RW);
	assert_true(entries(l1b)[3] & PV_PTE_P);
	assert_int_equal(page_type_unpin(pg(l1b), DOM), 0);
	/* ... and a table the hook refuses does not validate, unchanged. */
	io_hook.answer = PV_IO_DENIED;
	entries(l1b)[3] = e_of(_mfn(io), ro | PV_PTE_RW);
	assert_int_equal(page_type_pin(pg(l1b), PGT_L1, DOM), -EPERM);
	assert_int_equal(entries(l1b)[3], e_of(_mfn(io), ro | PV_PTE_RW));
	entries(l1b)[3] = 0;
	/* Past the machine's address width: refused before the hook is asked. */
	io_hook.answer = PV_IO_READ_WRITE;
	io_hook.calls = 0;
	assert_int_equal(pte_update(pg(t.l1), 23, e_of(_mfn(0), ro) | 1ULL << MAXPHYS, DOM), -EPERM);
	assert_int_equal(io_hook.calls, 0);
	/* Only L1 entries may map I/O memory. */
	assert_int_equal(pte_update(pg(t.l2), 20, e_of(_mfn(io), PT), DOM), -EINVAL);
	/* Replacing and tearing down the I/O entries drops nothing they never took. */
	assert_int_equal(pte_update(pg(t.l1), 20, 0, DOM), 0);
	assert_int_equal(pte_update(pg(t.l1), 21, 0, DOM), 0);
	assert_int_equal(page_type_unpin(pg(t.l4), DOM), 0);
	expect_clean();
}

static void test_tree_validation_counts(void **state)
{
	struct tree t = build_tree();

	(void)state;
	assert_int_equal(page_type_pin(pg(t.l4), PGT_L4, DOM), 0);
	assert_true(page_type_pinned(pg(t.l4)));
	expect_refs(t.l4, 1, PGT_L4, 1);
	expect_refs(t.l3, 1, PGT_L3, 1);
	expect_refs(t.l2, 1, PGT_L2, 1);
	expect_refs(t.l1, 1, PGT_L1, 1);
	expect_refs(t.rw_data, 1, PGT_WRITABLE, 1);
	expect_refs(t.ro_data, 1, PGT_NONE, 0);
	for (mfn_t m = t.l4;; m = t.l3) {
		assert_true(page_type_validated(pg(m)));
		if (mfn_eq(m, t.l3))
			break;
	}
	/* Present entries got US (the guest kernel runs in ring 3). */
	assert_int_equal(entries(t.l1)[4], e_of(t.ro_data, PV_PTE_P | PV_PTE_US | PV_PTE_GUEST_KERNEL));
	assert_int_equal(entries(t.l1)[5], 0);
	/* Keel's slots were filled by the install hook. */
	assert_int_equal(entries(t.l4)[PV_KEEL_L4_FIRST] & PV_PTE_ADDR_MASK, KEEL_MARK);
	assert_int_equal(page_type_unpin(pg(t.l4), DOM), 0);
	/* Devalidated: Keel's slots cleared, the guest's entries kept. */
	assert_int_equal(entries(t.l4)[PV_KEEL_L4_FIRST], 0);
	assert_int_equal(entries(t.l4)[0], e_of(t.l3, PT));
	assert_false(page_type_validated(pg(t.l4)));
	expect_clean();
}

static void test_invariant2_table_never_writable(void **state)
{
	struct tree t = build_tree();

	(void)state;
	assert_int_equal(page_type_pin(pg(t.l4), PGT_L4, DOM), 0);
	/* Writable mappings of any table of the tree are refused (-EBUSY, as Xen) ... */
	assert_int_equal(pte_update(pg(t.l1), 5, e_of(t.l1, PV_PTE_P | PV_PTE_RW), DOM), -EBUSY);
	assert_int_equal(pte_update(pg(t.l1), 5, e_of(t.l2, PV_PTE_P | PV_PTE_RW), DOM), -EBUSY);
	assert_int_equal(pte_update(pg(t.l1), 5, e_of(t.l4, PV_PTE_P | PV_PTE_RW), DOM), -EBUSY);
	assert_int_equal(entries(t.l1)[5], 0);
	/* ... read-only ones are fine. */
	assert_int_equal(pte_update(pg(t.l1), 5, e_of(t.l4, PV_PTE_P), DOM), 0);
	expect_refs(t.l4, 2, PGT_L4, 1);
	assert_int_equal(pte_update(pg(t.l1), 5, 0, DOM), 0);
	/* A not-yet-typed frame whose L1 maps it writable cannot become a table. */
	assert_int_equal(page_type_unpin(pg(t.l4), DOM), 0);
	set_e(t.l1, 6, t.l1, PV_PTE_P | PV_PTE_RW);
	assert_int_equal(page_type_pin(pg(t.l1), PGT_L1, DOM), -EBUSY);
	assert_int_equal(page_type_pin(pg(t.l4), PGT_L4, DOM), -EBUSY);
	expect_clean();
}

static void test_invariant2_writable_never_table(void **state)
{
	struct tree t = build_tree();
	mfn_t l1b = frame(DOM);

	(void)state;
	assert_int_equal(page_type_pin(pg(t.l4), PGT_L4, DOM), 0);
	/* rw_data is writable-mapped: it cannot be pinned or linked as an L1. */
	assert_int_equal(page_type_pin(pg(t.rw_data), PGT_L1, DOM), -EINVAL);
	assert_int_equal(pte_update(pg(t.l2), 7, e_of(t.rw_data, PT), DOM), -EINVAL);
	expect_refs(t.rw_data, 1, PGT_WRITABLE, 1);
	/* Map l1b writable, then try to make it an L1: refused until unmapped. */
	assert_int_equal(pte_update(pg(t.l1), 8, e_of(l1b, PV_PTE_P | PV_PTE_RW), DOM), 0);
	assert_int_equal(pte_update(pg(t.l2), 7, e_of(l1b, PT), DOM), -EINVAL);
	assert_int_equal(pte_update(pg(t.l1), 8, 0, DOM), 0);
	nr_retyped = 0;
	assert_int_equal(pte_update(pg(t.l2), 7, e_of(l1b, PT), DOM), 0);
	assert_int_equal(nr_retyped, 1); /* stale writable TLB entries flushed */
	expect_refs(l1b, 1, PGT_L1, 1);
	assert_int_equal(page_type_unpin(pg(t.l4), DOM), 0);
	expect_clean();
}

static void test_invariant1_foreign_frames(void **state)
{
	struct tree t = build_tree();
	mfn_t foreign = frame(OTHER);

	(void)state;
	set_e(t.l1, 9, foreign, PV_PTE_P);
	assert_int_equal(page_type_pin(pg(t.l4), PGT_L4, DOM), -EPERM);
	expect_clean();
	t = build_tree();
	foreign = frame(OTHER);
	assert_int_equal(page_type_pin(pg(t.l4), PGT_L4, DOM), 0);
	assert_int_equal(pte_update(pg(t.l1), 9, e_of(foreign, PV_PTE_P), DOM), -EPERM);
	/* Another domain's table is not ours to pin, unpin or update. */
	assert_int_equal(page_type_pin(pg(foreign), PGT_L1, DOM), -EPERM);
	assert_int_equal(pte_update(pg(t.l1), 9, 0, OTHER), -EPERM);
	assert_int_equal(page_type_unpin(pg(t.l4), OTHER), -EPERM);
	/* A foreign frame as a lower table is refused too. */
	assert_int_equal(pte_update(pg(t.l2), 9, e_of(foreign, PT), DOM), -EPERM);
	/*
	 * Grants change none of this: a guest never writes an entry for a
	 * foreign frame itself; Keel installs grant mappings (test_grant_map.c).
	 */
	assert_int_equal(pte_update(pg(t.l1), 9, e_of(foreign, PV_PTE_P), DOM), -EPERM);
	expect_refs(foreign, 0, PGT_NONE, 0);
	assert_int_equal(page_type_unpin(pg(t.l4), DOM), 0);
	expect_clean();
}

static void test_invariant3_keel_slots(void **state)
{
	struct tree t = build_tree();
	static const unsigned int bad[] = {PV_KEEL_L4_FIRST, 260, PV_KEEL_L4_LAST};

	(void)state;
	for (unsigned int i = 0; i < 3; i++) {
		set_e(t.l4, bad[i], t.l3, PV_PTE_P);
		assert_int_equal(page_type_pin(pg(t.l4), PGT_L4, DOM), -EINVAL);
		expect_refs(t.l3, 0, PGT_NONE, 0);
		entries(t.l4)[bad[i]] = 0x1234000; /* non-present: ignored */
	}
	/* The slots next to Keel's are the guest's. */
	set_e(t.l4, PV_KEEL_L4_FIRST - 1, t.ro_data, 0);
	set_e(t.l4, PV_KEEL_L4_LAST + 1, t.l3, PT);
	assert_int_equal(page_type_pin(pg(t.l4), PGT_L4, DOM), 0);
	expect_refs(t.l3, 2, PGT_L3, 2);
	/* pte_update never writes Keel's slots, not even a zero. */
	for (unsigned int i = PV_KEEL_L4_FIRST; i <= PV_KEEL_L4_LAST; i++) {
		assert_int_equal(pte_update(pg(t.l4), i, e_of(t.l3, PT), DOM), -EINVAL);
		assert_int_equal(pte_update(pg(t.l4), i, 0, DOM), -EINVAL);
		assert_int_equal(entries(t.l4)[i] & PV_PTE_ADDR_MASK, KEEL_MARK);
	}
	assert_int_equal(pte_update(pg(t.l4), PV_KEEL_L4_FIRST - 1, e_of(t.l3, PT), DOM), 0);
	assert_int_equal(page_type_unpin(pg(t.l4), DOM), 0);
	expect_clean();
}

static void test_superpages_refused(void **state)
{
	struct tree t = build_tree();

	(void)state;
	assert_int_equal(page_type_pin(pg(t.l4), PGT_L4, DOM), 0);
	assert_int_equal(pte_update(pg(t.l2), 10, e_of(t.rw_data, PT | PV_PTE_PSE), DOM), -EINVAL);
	assert_int_equal(pte_update(pg(t.l3), 10, e_of(t.rw_data, PT | PV_PTE_PSE), DOM), -EINVAL);
	assert_int_equal(pte_update(pg(t.l4), 10, e_of(t.l3, PT | PV_PTE_PSE), DOM), -EINVAL);
	/* In an L1 entry bit 7 is PAT, not a size: allowed. */
	assert_int_equal(pte_update(pg(t.l1), 10, e_of(t.ro_data, PV_PTE_P | PV_PTE_PSE), DOM), 0);
	assert_int_equal(page_type_unpin(pg(t.l4), DOM), 0);
	set_e(t.l2, 11, t.ro_data, PT | PV_PTE_PSE); /* a superpage in a fresh table */
	assert_int_equal(page_type_pin(pg(t.l4), PGT_L4, DOM), -EINVAL);
	expect_clean();
}

static void test_reserved_bits(void **state)
{
	struct tree t = build_tree();
	struct page_type_config c = base_config;
	const uint64_t ro = PV_PTE_P;

	(void)state;
	assert_int_equal(page_type_pin(pg(t.l4), PGT_L4, DOM), 0);
	/* Bit 52 is Keel's kernel-only mark in L1 entries (a guest may write back what it read). */
	assert_int_equal(pte_update(pg(t.l1), 12, e_of(t.ro_data, ro) | PV_PTE_GUEST_KERNEL, DOM), 0);
	assert_int_equal(entries(t.l1)[12], e_of(t.ro_data, ro) | PV_PTE_US | PV_PTE_GUEST_KERNEL);
	assert_int_equal(pte_update(pg(t.l1), 12, 0, DOM), 0);
	for (unsigned int bit = 53; bit <= 62; bit++)
		assert_int_equal(pte_update(pg(t.l1), 12, e_of(t.ro_data, ro) | 1ULL << bit, DOM),
				 -EINVAL);
	/*
	 * Address bits at and above the machine's width, and beyond RAM: in an
	 * L1 these are I/O frames, -EPERM without the io_frame_access hook (as Xen
	 * for a domain without I/O memory); in upper levels, bad entries.
	 */
	assert_int_equal(pte_update(pg(t.l1), 12, e_of(t.ro_data, ro) | 1ULL << MAXPHYS, DOM),
			 -EPERM);
	assert_int_equal(pte_update(pg(t.l1), 12, e_of(_mfn(NR_FRAMES), ro), DOM), -EPERM);
	assert_int_equal(pte_update(pg(t.l2), 12, e_of(t.l1, PT) | 1ULL << MAXPHYS, DOM), -EINVAL);
	/* Cache bits and G in upper levels. */
	assert_int_equal(pte_update(pg(t.l2), 12, e_of(t.l1, PT | PV_PTE_PCD), DOM), -EINVAL);
	assert_int_equal(pte_update(pg(t.l3), 12, e_of(t.l2, PT | PV_PTE_G), DOM), -EINVAL);
	/* NX only where the machine has it. */
	assert_int_equal(pte_update(pg(t.l1), 12, e_of(t.ro_data, ro) | PV_PTE_NX, DOM), 0);
	c.nx = false;
	assert_int_equal(page_type_init(&c), 0);
	assert_int_equal(pte_update(pg(t.l1), 13, e_of(t.ro_data, ro) | PV_PTE_NX, DOM), -EINVAL);
	/* A non-present entry may hold anything. */
	assert_int_equal(pte_update(pg(t.l1), 13, ~PV_PTE_P, DOM), 0);
	assert_int_equal(pte_update(pg(t.l4), 13, ~PV_PTE_P, DOM), 0);
	expect_refs(t.ro_data, 2, PGT_NONE, 0);
	assert_int_equal(page_type_unpin(pg(t.l4), DOM), 0);
	expect_clean();
}

static void test_linear_page_tables(void **state)
{
	struct tree a = build_tree(), b = build_tree();
	mfn_t c = frame(DOM);

	(void)state;
	assert_int_equal(page_type_pin(pg(a.l4), PGT_L4, DOM), 0);
	assert_int_equal(page_type_pin(pg(b.l4), PGT_L4, DOM), 0);
	assert_int_equal(page_type_pin(pg(c), PGT_L4, DOM), 0);
	/* Self-map: read-only only; a general reference, no type reference. */
	assert_int_equal(pte_update(pg(a.l4), 510, e_of(a.l4, PT), DOM), -EINVAL);
	assert_int_equal(pte_update(pg(a.l4), 510, e_of(a.l4, PV_PTE_P), DOM), 0);
	expect_refs(a.l4, 2, PGT_L4, 1);
	/* A maps B: read-only only; a type reference without re-validation. */
	assert_int_equal(pte_update(pg(a.l4), 509, e_of(b.l4, PT), DOM), -EINVAL);
	assert_int_equal(pte_update(pg(a.l4), 509, e_of(b.l4, PV_PTE_P), DOM), 0);
	expect_refs(b.l4, 2, PGT_L4, 2);
	expect_refs(b.l3, 1, PGT_L3, 1);
	/* One level deep: B (a target) may not map C; C may not map A (a source). */
	assert_int_equal(pte_update(pg(b.l4), 509, e_of(c, PV_PTE_P), DOM), -EINVAL);
	assert_int_equal(pte_update(pg(c), 509, e_of(a.l4, PV_PTE_P), DOM), -EINVAL);
	/* So no cycle: B cannot map A back. */
	assert_int_equal(pte_update(pg(b.l4), 508, e_of(a.l4, PV_PTE_P), DOM), -EINVAL);
	/* C may map B too; and an L2 may map another live L2. */
	assert_int_equal(pte_update(pg(c), 509, e_of(b.l4, PV_PTE_P), DOM), 0);
	assert_int_equal(pte_update(pg(a.l2), 20, e_of(b.l2, PV_PTE_P), DOM), 0);
	assert_int_equal(pte_update(pg(a.l2), 21, e_of(b.l2, PT), DOM), -EINVAL);
	/* A linear target stays alive after its pin goes. */
	assert_int_equal(page_type_unpin(pg(b.l4), DOM), 0);
	expect_refs(b.l4, 2, PGT_L4, 2);
	assert_true(page_type_validated(pg(b.l4)));
	assert_int_equal(page_type_unpin(pg(c), DOM), 0);
	assert_int_equal(page_type_unpin(pg(a.l4), DOM), 0);
	expect_clean();
}

static void test_self_map_built_before_pin(void **state)
{
	struct tree t = build_tree();

	(void)state;
	set_e(t.l4, 511, t.l4, PV_PTE_P);
	set_e(t.l2, 511, t.l2, PV_PTE_P);
	assert_int_equal(page_type_pin(pg(t.l4), PGT_L4, DOM), 0);
	expect_refs(t.l4, 2, PGT_L4, 1);
	expect_refs(t.l2, 2, PGT_L2, 1);
	assert_int_equal(page_type_unpin(pg(t.l4), DOM), 0);
	expect_clean();
	t = build_tree();
	set_e(t.l4, 511, t.l4, PT); /* a writable self-map */
	assert_int_equal(page_type_pin(pg(t.l4), PGT_L4, DOM), -EINVAL);
	expect_clean();
}

static void test_pin_unpin(void **state)
{
	struct tree t = build_tree();

	(void)state;
	assert_int_equal(page_type_pin(pg(t.l4), PGT_WRITABLE, DOM), -EINVAL);
	assert_int_equal(page_type_unpin(pg(t.l4), DOM), -EINVAL); /* not pinned */
	assert_int_equal(page_type_pin(pg(t.l4), PGT_L4, DOM), 0);
	assert_int_equal(page_type_pin(pg(t.l4), PGT_L4, DOM), -EINVAL); /* twice */
	assert_int_equal(page_type_pin(pg(t.l3), PGT_L2, DOM), -EINVAL); /* it is an L3 */
	assert_int_equal(page_type_unpin(pg(t.l3), DOM), -EINVAL);	 /* in use, not pinned */
	expect_refs(t.l4, 1, PGT_L4, 1);
	/* Pin an in-use L3, then unpin it: it stays validated for the L4. */
	assert_int_equal(page_type_pin(pg(t.l3), PGT_L3, DOM), 0);
	expect_refs(t.l3, 2, PGT_L3, 2);
	assert_int_equal(page_type_unpin(pg(t.l3), DOM), 0);
	expect_refs(t.l3, 1, PGT_L3, 1);
	assert_true(page_type_validated(pg(t.l3)));
	assert_int_equal(pte_update(pg(t.l1), 30, e_of(t.l3, PV_PTE_P | PV_PTE_RW), DOM), -EBUSY);
	/* Unpin the L4 while a CR3-like reference holds it: still a table. */
	assert_int_equal(get_page_and_type(pg(t.l4), PGT_L4, DOM), 0);
	assert_int_equal(page_type_unpin(pg(t.l4), DOM), 0);
	assert_true(page_type_validated(pg(t.l4)));
	expect_refs(t.l2, 1, PGT_L2, 1);
	put_page_and_type(pg(t.l4));
	expect_clean();
}

static void test_rollback_leaves_nothing(void **state)
{
	struct tree t = build_tree();
	mfn_t l3b = frame(DOM), l2b = frame(DOM), l1b = frame(DOM), data = frame(DOM);
	uint64_t before[PV_PTES_PER_TABLE];

	(void)state;
	/* L4[5] -> a second, good subtree; L4[7] -> a subtree with a bad L1. */
	set_e(t.l4, 5, l3b, PT);
	set_e(l3b, 0, l2b, PT);
	set_e(l2b, 0, l1b, PT);
	for (unsigned int i = 0; i < 100; i++)
		set_e(l1b, i, data, PV_PTE_P | PV_PTE_RW);
	set_e(l1b, 100, frame(OTHER), PV_PTE_P);
	memcpy(before, entries(l1b), sizeof(before));
	assert_int_equal(page_type_pin(pg(t.l4), PGT_L4, DOM), -EPERM);
	assert_memory_equal(before, entries(l1b), sizeof(before)); /* no US added */
	assert_int_equal(page_get_type(pg(t.l4)), PGT_NONE);
	expect_clean();
}

static void test_pte_update_moves_refs(void **state)
{
	struct tree t = build_tree();
	mfn_t other = frame(DOM), l1b = frame(DOM);

	(void)state;
	assert_int_equal(page_type_pin(pg(t.l4), PGT_L4, DOM), 0);
	/* Writable rw_data -> writable other. */
	assert_int_equal(pte_update(pg(t.l1), 3, e_of(other, PV_PTE_P | PV_PTE_RW), DOM), 0);
	expect_refs(t.rw_data, 0, PGT_WRITABLE, 0);
	expect_refs(other, 1, PGT_WRITABLE, 1);
	/* The same entry, writable -> read-only. */
	assert_int_equal(pte_update(pg(t.l1), 3, e_of(other, PV_PTE_P), DOM), 0);
	expect_refs(other, 1, PGT_NONE, 0);
	/* Swap the whole L1 under the L2: the old one is devalidated. */
	set_e(l1b, 0, t.rw_data, PV_PTE_P | PV_PTE_RW);
	assert_int_equal(pte_update(pg(t.l2), 2, e_of(l1b, PT), DOM), 0);
	expect_refs(t.l1, 0, PGT_L1, 0);
	assert_false(page_type_validated(pg(t.l1)));
	expect_refs(other, 0, PGT_NONE, 0);
	expect_refs(t.ro_data, 0, PGT_NONE, 0);
	expect_refs(l1b, 1, PGT_L1, 1);
	expect_refs(t.rw_data, 1, PGT_WRITABLE, 1);
	/* The old L1 is plain memory again: it may be mapped writable. */
	assert_int_equal(pte_update(pg(l1b), 1, e_of(t.l1, PV_PTE_P | PV_PTE_RW), DOM), 0);
	/* Bad targets for the primitive itself. */
	assert_int_equal(pte_update(pg(t.rw_data), 0, 0, DOM), -EINVAL); /* not a table */
	assert_int_equal(pte_update(pg(t.l1), 0, 0, DOM), -EINVAL);	 /* not validated */
	assert_int_equal(pte_update(pg(l1b), PV_PTES_PER_TABLE, 0, DOM), -EINVAL);
	assert_int_equal(page_type_unpin(pg(t.l4), DOM), 0);
	expect_clean();
}

static void test_segdesc_and_shared(void **state)
{
	struct tree t = build_tree();
	mfn_t gdt = frame(DOM), shared = frame(DOM);
	struct page_type_config c = base_config;

	(void)state;
	assert_int_equal(get_page_and_type(pg(gdt), PGT_SEGDESC, DOM), -EOPNOTSUPP);
	c.hooks.segdesc_check = segdesc_ok;
	assert_int_equal(page_type_init(&c), 0);
	assert_int_equal(get_page_and_type(pg(gdt), PGT_SEGDESC, DOM), 0);
	assert_int_equal(get_page_and_type(pg(shared), PGT_SHARED, DOM), 0);
	assert_int_equal(page_type_pin(pg(t.l4), PGT_L4, DOM), 0);
	/* Descriptor pages and shared frames: read-only mappings only. */
	assert_int_equal(pte_update(pg(t.l1), 40, e_of(gdt, PV_PTE_P | PV_PTE_RW), DOM), -EBUSY);
	assert_int_equal(pte_update(pg(t.l1), 40, e_of(shared, PV_PTE_P | PV_PTE_RW), DOM),
			 -EBUSY);
	assert_int_equal(pte_update(pg(t.l1), 40, e_of(shared, PV_PTE_P), DOM), 0);
	assert_int_equal(pte_update(pg(t.l1), 41, e_of(gdt, PV_PTE_P), DOM), 0);
	assert_int_equal(page_type_unpin(pg(t.l4), DOM), 0);
	put_page_and_type(pg(gdt));
	put_page_and_type(pg(shared));
	expect_clean();
}

/* A wide tree: 2 L3s, 4 L2s, 16 L1s of 64 entries each; all gone after unpin. */
static void test_whole_tree_leak_check(void **state)
{
	mfn_t l4 = frame(DOM), data[8];

	(void)state;
	for (unsigned int d = 0; d < 8; d++)
		data[d] = frame(DOM);
	for (unsigned int a = 0; a < 2; a++) {
		mfn_t l3 = frame(DOM);

		set_e(l4, 300 + a, l3, PT);
		for (unsigned int b = 0; b < 2; b++) {
			mfn_t l2 = frame(DOM);

			set_e(l3, b, l2, PT);
			for (unsigned int c = 0; c < 4; c++) {
				mfn_t l1 = frame(DOM);

				set_e(l2, c, l1, PT);
				for (unsigned int i = 0; i < 64; i++)
					set_e(l1, i, data[i % 8],
					      PV_PTE_P | (i & 1 ? PV_PTE_RW : 0));
			}
		}
	}
	set_e(l4, 511, l4, PV_PTE_P);
	assert_int_equal(page_type_pin(pg(l4), PGT_L4, DOM), 0);
	for (unsigned int d = 0; d < 8; d++)
		expect_refs(data[d], 16 * 8, PGT_WRITABLE, d & 1 ? 16 * 8 : 0);
	assert_int_equal(page_type_unpin(pg(l4), DOM), 0);
	expect_clean();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_config_checked, setup),
	    cmocka_unit_test_setup(test_one_type_at_a_time, setup),
	    cmocka_unit_test_setup(test_type_count_overflow, setup),
	    cmocka_unit_test_setup(test_tree_validation_counts, setup),
	    cmocka_unit_test_setup(test_invariant2_table_never_writable, setup),
	    cmocka_unit_test_setup(test_invariant2_writable_never_table, setup),
	    cmocka_unit_test_setup(test_invariant1_foreign_frames, setup),
	    cmocka_unit_test_setup(test_invariant3_keel_slots, setup),
	    cmocka_unit_test_setup(test_superpages_refused, setup),
	    cmocka_unit_test_setup(test_reserved_bits, setup),
	    cmocka_unit_test_setup(test_io_frames, setup),
	    cmocka_unit_test_setup(test_linear_page_tables, setup),
	    cmocka_unit_test_setup(test_self_map_built_before_pin, setup),
	    cmocka_unit_test_setup(test_pin_unpin, setup),
	    cmocka_unit_test_setup(test_rollback_leaves_nothing, setup),
	    cmocka_unit_test_setup(test_pte_update_moves_refs, setup),
	    cmocka_unit_test_setup(test_segdesc_and_shared, setup),
	    cmocka_unit_test_setup(test_whole_tree_leak_check, setup),
	};

	return cmocka_run_group_tests_name("page_type", tests, NULL, NULL);
}
