/*
 * tests/unit/test_m2p.c - the machine-to-phys table (mm/m2p.c).
 *
 * The table guests read at MACH2PHYS_VIRT_START: every entry starts
 * INVALID_M2P_ENTRY, only values that are gfns (or Keel's two markers)
 * go in, and frames outside the table are refused, never written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include <xen/xen.h>

#include "lib/errno.h"
#include "mm/m2p.h"

#define NR 64

/* One guard word on each side: the table must never write outside its frames. */
static uint64_t storage[NR + 2];
#define GUARD 0x6a6a6a6a6a6a6a6aULL

static int setup(void **state)
{
	(void)state;
	storage[0] = storage[NR + 1] = GUARD;
	assert_int_equal(m2p_init(&storage[1], NR), 0);
	return 0;
}

static void test_init(void **state)
{
	(void)state;
	assert_int_equal(m2p_nr_frames(), NR);
	for (uint64_t m = 0; m < NR; m++)
		assert_int_equal(m2p_get(_mfn(m)), INVALID_M2P_ENTRY);
	assert_int_equal(m2p_bytes(NR), NR * 8);
	/* Refused: no storage, no frames, more than the guests' window holds. */
	assert_int_equal(m2p_init(NULL, NR), -EINVAL);
	assert_int_equal(m2p_init(&storage[1], 0), -EINVAL);
	assert_int_equal(m2p_init(&storage[1], MACH2PHYS_NR_ENTRIES + 1), -EINVAL);
	assert_int_equal(m2p_nr_frames(), NR);
}

static void test_set_get(void **state)
{
	(void)state;
	assert_int_equal(m2p_set(_mfn(0), 0), 0);
	assert_int_equal(m2p_set(_mfn(NR - 1), M2P_PFN_LIMIT - 1), 0);
	assert_int_equal(m2p_set(_mfn(5), SHARED_M2P_ENTRY), 0);
	assert_int_equal(m2p_get(_mfn(0)), 0);
	assert_int_equal(m2p_get(_mfn(NR - 1)), M2P_PFN_LIMIT - 1);
	assert_int_equal(m2p_get(_mfn(5)), SHARED_M2P_ENTRY);
	assert_int_equal(m2p_set(_mfn(5), INVALID_M2P_ENTRY), 0);
	assert_int_equal(m2p_get(_mfn(5)), INVALID_M2P_ENTRY);
	/* Not gfns: refused, the entry unchanged. */
	assert_int_equal(m2p_set(_mfn(0), M2P_PFN_LIMIT), -EINVAL);
	assert_int_equal(m2p_set(_mfn(0), SHARED_M2P_ENTRY - 1), -EINVAL);
	assert_int_equal(m2p_get(_mfn(0)), 0);
	/* Frames outside the table. */
	assert_int_equal(m2p_set(_mfn(NR), 1), -EINVAL);
	assert_int_equal(m2p_set(INVALID_MFN, 1), -EINVAL);
	assert_int_equal(m2p_get(_mfn(NR)), INVALID_M2P_ENTRY);
	assert_int_equal(m2p_get(INVALID_MFN), INVALID_M2P_ENTRY);
	assert_int_equal(storage[0], GUARD);
	assert_int_equal(storage[NR + 1], GUARD);
}

static void test_guest_values(void **state)
{
	(void)state;
	assert_true(m2p_guest_value_ok(0));
	assert_true(m2p_guest_value_ok(M2P_PFN_LIMIT - 1));
	assert_true(m2p_guest_value_ok(INVALID_M2P_ENTRY));
	assert_false(m2p_guest_value_ok(M2P_PFN_LIMIT));
	assert_false(m2p_guest_value_ok(SHARED_M2P_ENTRY));
}

static void test_reinit_resets(void **state)
{
	(void)state;
	assert_int_equal(m2p_set(_mfn(3), 33), 0);
	assert_int_equal(m2p_init(&storage[1], NR / 2), 0);
	assert_int_equal(m2p_get(_mfn(3)), INVALID_M2P_ENTRY);
	assert_int_equal(m2p_set(_mfn(NR / 2), 1), -EINVAL);
	assert_int_equal(m2p_nr_frames(), NR / 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_init, setup),
	    cmocka_unit_test_setup(test_set_get, setup),
	    cmocka_unit_test_setup(test_guest_values, setup),
	    cmocka_unit_test_setup(test_reinit_resets, setup),
	};

	return cmocka_run_group_tests_name("m2p", tests, NULL, NULL);
}
