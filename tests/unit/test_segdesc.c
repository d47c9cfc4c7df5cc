/*
 * tests/unit/test_segdesc.c - the descriptor rules of mm/segdesc.c, with
 * the values Xen 4.17 was seen to store (tests/pv/kernels/descriptors.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "lib/errno.h"
#include "mm/segdesc.h"

#define DESC_DATA	 0x00cff3000000ffffULL
#define DESC_DATA_NA	 0x00cff2000000ffffULL
#define DESC_DATA_DPL0	 0x00cf93000000ffffULL
#define DESC_CODE64	 0x00affb000000ffffULL
#define DESC_CODE64_DPL0 0x00af9b000000ffffULL
#define DESC_DATA_NP	 0x00cf73000000ffffULL
#define DESC_TSS64	 0x0000e90000000067ULL
#define DESC_LDT	 0x0000e20000000fffULL

static void expect(uint64_t in, int rc, uint64_t out)
{
	uint64_t d = in;

	assert_int_equal(segdesc_fixup(&d), rc);
	assert_int_equal(d, out);
}

static void test_code_and_data(void **state)
{
	expect(DESC_DATA, 0, DESC_DATA);
	expect(DESC_DATA_NA, 0, DESC_DATA_NA); /* the accessed bit is the CPU's business */
	expect(DESC_CODE64, 0, DESC_CODE64);
	expect(DESC_DATA_DPL0, 0, DESC_DATA);	/* DPL raised to 3 */
	expect(DESC_CODE64_DPL0, 0, DESC_CODE64);
}

static void test_not_present_and_null(void **state)
{
	expect(0, 0, 0);
	expect(DESC_DATA_NP, 0, DESC_DATA_NP);
	expect(DESC_TSS64 & ~(1ULL << 47), 0, DESC_TSS64 & ~(1ULL << 47)); /* not present: harmless */
}

static void test_system_descriptors_refused(void **state)
{
	expect(DESC_TSS64, -EINVAL, DESC_TSS64);
	expect(DESC_LDT, -EINVAL, DESC_LDT);
	expect(0x0000ee00e0080000ULL, -EINVAL, 0x0000ee00e0080000ULL); /* interrupt gate */
	expect(0x0000ef00e0080000ULL, -EINVAL, 0x0000ef00e0080000ULL); /* trap gate */
}

static void test_call_gates(void **state)
{
	/* To Xen's flat kernel code: accepted with DPL 0, as Xen 4.17 stores it. */
	expect(0x0000ec00e0330000ULL, 0, 0x00008c00e0330000ULL);
	expect(0x0000ec00e0230000ULL, 0, 0x00008c00e0230000ULL);
	expect(0x0000ec0000130000ULL, 0, 0x00008c0000130000ULL); /* a guest GDT selector */
	expect(0x0000ec00000f0000ULL, 0, 0x00008c00000f0000ULL); /* a guest LDT selector */
	/* Into Keel's own code or data, or the null selector: refused. */
	expect(0x0000ec00e0080000ULL, -EINVAL, 0x0000ec00e0080000ULL);
	expect(0x0000ec00e0100000ULL, -EINVAL, 0x0000ec00e0100000ULL);
	expect(0x0000ec0000030000ULL, -EINVAL, 0x0000ec0000030000ULL);
	/* The upper half of a 64-bit gate (type 0) is fine. */
	expect(0x00000000ffff8000ULL, 0, 0x00000000ffff8000ULL);
}

static void test_page(void **state)
{
	static uint64_t page[SEGDESC_PER_PAGE];

	page[1] = DESC_DATA_DPL0;
	page[2] = DESC_CODE64;
	assert_int_equal(segdesc_fixup_page(page), 0);
	assert_int_equal(page[1], DESC_DATA);
	page[300] = DESC_TSS64;
	assert_int_equal(segdesc_fixup_page(page), -EINVAL);
	page[300] = 0;
	page[511] = DESC_LDT; /* the last one counts too */
	assert_int_equal(segdesc_fixup_page(page), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_code_and_data),
	    cmocka_unit_test(test_not_present_and_null),
	    cmocka_unit_test(test_system_descriptors_refused),
	    cmocka_unit_test(test_call_gates),
	    cmocka_unit_test(test_page),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
