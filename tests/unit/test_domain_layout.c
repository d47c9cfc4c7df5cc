/*
 * tests/unit/test_domain_layout.c - the start-of-day layout of a 64-bit PV
 * domain (lib/domain_layout.c), checked against numbers worked out by hand.
 *
 * make_kernel() builds a small ELF64 PV kernel (5 pages: 3 of file, 2 of
 * bss) at VIRT_BASE + spec.paddr and parses it with elf64_open() and
 * xen_kernel_parse(), as the real builder does.
 */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/domain_layout.h"
#include "lib/elf64.h"
#include "lib/errno.h"
#include "lib/xen_elfnote.h"

#define VB  0xffffffff80000000ULL
#define MiB (1ULL << 20)

#include "pv_test_kernel.h"

static int layout(uint64_t nr_pages, uint64_t initrd_len, bool dom0)
{
	struct domain_layout_params p = {
	    .nr_pages = nr_pages, .initrd_len = initrd_len, .is_dom0 = dom0};

	return domain_layout_compute(&info, &p, &lay, &err);
}

static int setup(void **state)
{
	spec.virt_base = VB;
	spec.paddr = 0;
	spec.init_p2m = 0;
	memset(&err, 0, sizeof(err));
	return 0;
}

static int teardown(void **state)
{
	free(file);
	file = NULL;
	return 0;
}

/* The invariants every successful layout keeps. */
static void check_invariants(void)
{
	uint64_t a[] = {lay.virt_base,	  lay.kernel_start, lay.kernel_end,
			lay.initrd_start, lay.start_info,   lay.pt_start,
			lay.stack,	  lay.stack_end,    lay.region_end};

	for (size_t i = 0; i < sizeof(a) / sizeof(a[0]); i++) {
		assert_int_equal(a[i] & 0xfff, 0);
		if (i)
			assert_true(a[i - 1] <= a[i]);
	}
	assert_int_equal((lay.region_end - lay.virt_base) % (4 * MiB), 0);
	assert_true(lay.region_end - lay.stack_end >= 512 * 1024);
	assert_true(lay.region_end - lay.stack_end < 512 * 1024 + 4 * MiB);
	assert_int_equal(lay.region_pages, (lay.region_end - lay.virt_base) >> 12);
	assert_int_equal(lay.stack, lay.pt_start + lay.nr_pt_frames * 4096);
	assert_int_equal(lay.p2m_pages, (lay.nr_pages * 8 + 4095) / 4096);
	assert_true(lay.initrd_start + lay.initrd_len <=
		    (lay.p2m_relocated ? lay.start_info : lay.p2m_start));
}

static void test_too_small(void **state)
{
	make_kernel();
	/* The region alone is 4 MiB = 1024 pages. */
	assert_int_equal(layout(256, 0, true), -ENOMEM);
	assert_non_null(strstr(err.msg, "needs 0x400 pages"));
	assert_int_equal(layout(1023, 0, true), -ENOMEM);
	assert_int_equal(layout(1024, 0, true), 0);
	assert_int_equal(layout(0, 0, true), -EINVAL);
	assert_int_equal(layout(DOMAIN_LAYOUT_MAX_PAGES + 1, 0, true), -EINVAL);
}

static void test_dom0_4096(void **state)
{
	make_kernel();
	assert_int_equal(layout(4096, 0, true), 0);
	check_invariants();
	assert_int_equal(lay.kernel_start, VB);
	assert_int_equal(lay.kernel_end, VB + 0x5000);
	assert_int_equal(lay.initrd_len, 0);
	assert_false(lay.p2m_relocated);
	assert_int_equal(lay.p2m_start, VB + 0x5000);
	assert_int_equal(lay.p2m_pages, 8);
	assert_int_equal(lay.p2m_pfn, 5);
	assert_int_equal(lay.start_info, VB + 0xd000);
	assert_int_equal(lay.xenstore, 0);
	assert_int_equal(lay.console, 0);
	assert_int_equal(lay.pt_start, VB + 0xe000);
	/* L4 + L3 + L2 + two L1s for 4 MiB at a 1 GiB-aligned base. */
	assert_int_equal(lay.nr_pt_frames, 5);
	assert_int_equal(lay.stack, VB + 0x13000);
	assert_int_equal(lay.stack_end, VB + 0x14000);
	assert_int_equal(lay.region_end, VB + 4 * MiB);
}

static void test_domu_initrd(void **state)
{
	make_kernel();
	assert_int_equal(layout(4096, 10000, false), 0);
	check_invariants();
	assert_int_equal(lay.initrd_start, VB + 0x5000);
	assert_int_equal(lay.initrd_len, 10000);
	assert_int_equal(lay.p2m_start, VB + 0x8000); /* 10000 bytes: 3 pages */
	assert_int_equal(lay.start_info, VB + 0x10000);
	assert_int_equal(lay.xenstore, VB + 0x11000);
	assert_int_equal(lay.console, VB + 0x12000);
	assert_int_equal(lay.pt_start, VB + 0x13000);
	assert_int_equal(lay.nr_pt_frames, 5);
	assert_int_equal(lay.stack_end, VB + 0x19000);
	assert_int_equal(lay.region_end, VB + 4 * MiB);
}

static void test_1gib_linux_like(void **state)
{
	spec.paddr = 16 * MiB;
	make_kernel();
	assert_int_equal(layout(262144, 0, true), 0);
	check_invariants();
	assert_int_equal(lay.kernel_start, VB + 16 * MiB);
	assert_int_equal(lay.p2m_start, VB + 0x1005000);
	assert_int_equal(lay.p2m_pages, 512);
	assert_int_equal(lay.start_info, VB + 0x1205000);
	assert_int_equal(lay.pt_start, VB + 0x1206000);
	/* 20 MiB: ten L1s, one L2, one L3, one L4. */
	assert_int_equal(lay.nr_pt_frames, 13);
	assert_int_equal(lay.stack_end, VB + 0x1214000);
	assert_int_equal(lay.region_end, VB + 20 * MiB);
}

/* Counting the tables pushes the stack past the 512 KiB spare: pad further. */
static void test_fixed_point(void **state)
{
	make_kernel();
	/* pt_start = VB + 0xe000 + 878 pages = VB + 0x37c000. */
	assert_int_equal(layout(4096, 878 * 4096, true), 0);
	check_invariants();
	assert_int_equal(lay.pt_start, VB + 0x37c000);
	/* Without tables the end is 4 MiB (5 tables); with 5, 8 MiB (7). */
	assert_int_equal(lay.nr_pt_frames, 7);
	assert_int_equal(lay.stack_end, VB + 0x384000);
	assert_int_equal(lay.region_end, VB + 8 * MiB);
	/* Two pages less: the stack ends exactly 512 KiB below 4 MiB. */
	assert_int_equal(layout(4096, 876 * 4096, true), 0);
	assert_int_equal(lay.stack_end, VB + 0x380000);
	check_invariants();
	assert_int_equal(lay.nr_pt_frames, 5);
	assert_int_equal(lay.region_end, VB + 4 * MiB);
}

/* A region straddling a 1 GiB and a 512 GiB boundary needs more tables. */
static void test_straddle(void **state)
{
	spec.virt_base = 0x7fffffe00000ULL - 0x40000000ULL; /* 2 MiB below a 1 GiB line */
	make_kernel();
	assert_int_equal(layout(4096, 0, true), 0);
	check_invariants();
	/* L4, L3, two L2s, two L1s. */
	assert_int_equal(lay.nr_pt_frames, 6);
	spec.virt_base = 0x8000000000ULL - 2 * MiB; /* 2 MiB below 512 GiB */
	make_kernel();
	assert_int_equal(layout(4096, 0, true), 0);
	/* L4, two L3s, two L2s, two L1s. */
	assert_int_equal(lay.nr_pt_frames, 7);
}

static void test_refusals(void **state)
{
	make_kernel();
	assert_int_equal(layout(4096, ~0ULL, true), -ERANGE);
	assert_int_equal(layout(4096, ~0ULL - 4 * MiB, true), -ERANGE);
	spec.virt_base = 0xffffffffffc00000ULL;
	make_kernel();
	assert_int_equal(layout(4096, 0, true), -ERANGE);
	spec.virt_base = 0x7fffffe00000ULL; /* 2 MiB below the canonical hole */
	make_kernel();
	assert_int_equal(layout(4096, 0, true), -ERANGE);
	assert_non_null(strstr(err.msg, "canonical"));
	spec.virt_base = 0xffff878000000000ULL; /* inside Keel's range */
	make_kernel();
	assert_int_equal(layout(4096, 0, true), -ERANGE);
	spec.virt_base = 0xffff880000000000ULL; /* just above it: fine */
	make_kernel();
	assert_int_equal(layout(4096, 0, true), 0);
}

static void test_init_p2m(void **state)
{
	spec.init_p2m = 0xffffea0000000000ULL;
	make_kernel();
	assert_int_equal(layout(4096, 0, true), 0);
	check_invariants();
	assert_true(lay.p2m_relocated);
	assert_int_equal(lay.p2m_start, 0xffffea0000000000ULL);
	assert_int_equal(lay.start_info, VB + 0x5000);
	assert_int_equal(lay.pt_start, VB + 0x6000);
	/* Region: L3, L2, 2 L1; P2M: L3, L2, L1; one L4. */
	assert_int_equal(lay.nr_pt_frames, 8);
	assert_int_equal(lay.p2m_pfn, 1024);
	/* 1024 region pages + 3 P2M pages (1027 * 8 bytes). */
	assert_int_equal(layout(1026, 0, true), -ENOMEM);
	assert_int_equal(layout(1027, 0, true), 0);
	assert_int_equal(lay.p2m_pages, 3);
	/* Inside the region, or in Keel's range: refused. */
	spec.init_p2m = VB + 0x200000;
	make_kernel();
	assert_int_equal(layout(4096, 0, true), -ERANGE);
	assert_non_null(strstr(err.msg, "overlaps"));
	spec.init_p2m = 0xffff800000000000ULL;
	make_kernel();
	assert_int_equal(layout(4096, 0, true), -ERANGE);
}

/* Sharing tables with the region: the P2M just below VIRT_BASE. */
static void test_init_p2m_shared_tables(void **state)
{
	spec.init_p2m = VB - 0x8000;
	make_kernel();
	assert_int_equal(layout(4096, 0, true), 0);
	/* One L4, one shared L3; two L2s (the P2M sits in the GiB below); L1s 1 + 2. */
	assert_int_equal(lay.nr_pt_frames, 1 + 1 + 2 + 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_too_small, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_dom0_4096, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_domu_initrd, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_1gib_linux_like, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fixed_point, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_straddle, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_init_p2m, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_init_p2m_shared_tables, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
