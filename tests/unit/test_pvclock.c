/*
 * tests/unit/test_pvclock.c - lib/pvclock.c: the scale matches the
 * hypervisor's own TSC conversion, reads follow the guest's formula, and
 * the version protocol leaves even versions behind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "lib/pvclock.h"

/* The hypervisor's conversion (arch/x86/time.c): ns = ticks * ns_mult >> 32. */
static uint64_t keel_ns(uint64_t ticks, uint64_t ns_mult)
{
	return (uint64_t)(((unsigned __int128)ticks * ns_mult) >> 32);
}

static void test_scale_matches_keel(void **state)
{
	static const uint64_t khz[] = { 3000000, 2461343, 1000001, 999999, 400000, 100000 };

	(void)state;
	for (unsigned int i = 0; i < sizeof(khz) / sizeof(khz[0]); i++) {
		uint64_t ns_mult = (1000000ULL << 32) / khz[i];
		struct pvclock_scale s = pvclock_scale_from_mult(ns_mult);
		struct vcpu_time_info t = { 0 };

		pvclock_publish(&t, 1000, 5000, s, 0);
		for (uint64_t d = 1; d < (1ULL << 31); d = d * 3 + 7) {
			uint64_t guest = pvclock_read(&t, 1000 + d) - 5000;
			uint64_t keel = keel_ns(d, ns_mult);

			/* Above 1 GHz the scale is Keel's exactly; below, the rounding of the halving. */
			if (s.shift == 0)
				assert_int_equal(guest, keel);
			else
				assert_true(guest <= keel && keel - guest <= (d >> 31) + 2);
		}
	}
	assert_int_equal(pvclock_scale_from_mult(0x80000000ULL).shift, 0);
	assert_int_equal(pvclock_scale_from_mult(0x100000000ULL).shift, 1);
	assert_int_equal(pvclock_scale_from_mult(0x100000000ULL).mul, 0x80000000u);
}

static void test_negative_shift_read(void **state)
{
	struct vcpu_time_info t = { .tsc_timestamp = 100, .system_time = 7, .tsc_to_system_mul = 1u << 31, .tsc_shift = -1 };

	(void)state;
	/* 400 ticks >> 1 = 200, * 0.5 = 100 ns. */
	assert_int_equal(pvclock_read(&t, 500), 107);
}

static void test_versions(void **state)
{
	struct vcpu_time_info t = { .version = 6 };
	static struct shared_info si;

	(void)state;
	pvclock_publish(&t, 1, 2, pvclock_scale_from_mult(0x1234), 1);
	assert_int_equal(t.version, 8);
	assert_int_equal(t.flags, 1);
	assert_int_equal(t.tsc_to_system_mul, 0x1234);
	t.version = 9; /* a writer died mid-update: the next publish still ends even */
	pvclock_publish(&t, 1, 2, pvclock_scale_from_mult(0x1234), 0);
	assert_int_equal(t.version & 1, 0);
	assert_true(t.version > 9);
	pvclock_publish_wallclock(&si, 0x123456789ULL, 999999999);
	assert_int_equal(si.wc_version, 2);
	assert_int_equal(si.wc_sec, 0x23456789u);
	assert_int_equal(si.wc_sec_hi, 1);
	assert_int_equal(si.wc_nsec, 999999999);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_scale_matches_keel),
	    cmocka_unit_test(test_negative_shift_read),
	    cmocka_unit_test(test_versions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
