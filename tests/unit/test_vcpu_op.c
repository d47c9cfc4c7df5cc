/*
 * tests/unit/test_vcpu_op.c - hypercalls/vcpu_op.c: the guest timers of
 * VCPUOP and set_timer_op, with the errors Xen gives.
 */
#include "tests/unit/mmu_test_env.h"

#include <xen/vcpu.h>

#include "host/sched_shim.h"
#include "hypercalls/hypercalls.h"

static void test_set_timer_op(void **state)
{
	(void)state;
	host_now_ns = 1000;
	host_guest_timer_fired = 0;
	assert_int_equal(do_set_timer_op(vcpu0(dom), 123456789), 0);
	assert_int_equal(host_guest_timer, 123456789);
	assert_int_equal(do_set_timer_op(vcpu0(dom), 0), 0); /* 0 stops it */
	assert_int_equal(host_guest_timer, 0);
	/* Past: fires before the call returns. */
	assert_int_equal(do_set_timer_op(vcpu0(dom), 999), 0);
	assert_int_equal(host_guest_timer_fired, 1);
	/* Negative, or 2^50 ns or more ahead: taken as overflowed, "in 100 ms" (Xen's rule). */
	assert_int_equal(do_set_timer_op(vcpu0(dom), (uint64_t)-5), 0);
	assert_int_equal(host_guest_timer, 1000 + 100000000ULL);
	assert_int_equal(do_set_timer_op(vcpu0(dom), 1000 + (1ULL << 50)), 0);
	assert_int_equal(host_guest_timer, 1000 + 100000000ULL);
	assert_int_equal(do_set_timer_op(vcpu0(dom), 1000 + (1ULL << 50) - 1), 0);
	assert_int_equal(host_guest_timer, 1000 + (1ULL << 50) - 1);
	assert_int_equal(host_guest_timer_fired, 1);
}

static void test_singleshot(void **state)
{
	struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = 5000, .flags = 0 };

	(void)state;
	host_now_ns = 10000;
	host_guest_timer_fired = 0;
	/* In the past: fires at once; VCPU_SSHOTTMR_future is ignored (Xen 4.17; the header allows it). */
	assert_int_equal(do_vcpu_op(vcpu0(dom), VCPUOP_set_singleshot_timer, 0, gva(&t)), 0);
	assert_int_equal(host_guest_timer_fired, 1);
	t.flags = VCPU_SSHOTTMR_future;
	assert_int_equal(do_vcpu_op(vcpu0(dom), VCPUOP_set_singleshot_timer, 0, gva(&t)), 0);
	assert_int_equal(host_guest_timer_fired, 2);
	t.timeout_abs_ns = 1ULL << 63; /* signed: long past */
	assert_int_equal(do_vcpu_op(vcpu0(dom), VCPUOP_set_singleshot_timer, 0, gva(&t)), 0);
	assert_int_equal(host_guest_timer_fired, 3);
	t.timeout_abs_ns = 20000;
	assert_int_equal(do_vcpu_op(vcpu0(dom), VCPUOP_set_singleshot_timer, 0, gva(&t)), 0);
	assert_int_equal(host_guest_timer, 20000);
	assert_int_equal(do_vcpu_op(vcpu0(dom), VCPUOP_stop_singleshot_timer, 0, 0), 0);
	assert_int_equal(host_guest_timer, 0);
	/* Bad pointer, another vCPU's timer, a vCPU the domain does not have. */
	assert_int_equal(do_vcpu_op(vcpu0(dom), VCPUOP_set_singleshot_timer, 0, 0), -EFAULT);
	assert_int_equal(do_vcpu_op(vcpu0(dom), VCPUOP_set_singleshot_timer, 1, gva(&t)), -EINVAL);
	assert_int_equal(do_vcpu_op(vcpu0(dom), VCPUOP_set_singleshot_timer, 99, gva(&t)), -ENOENT);
	assert_int_equal(do_vcpu_op(vcpu0(dom), VCPUOP_stop_singleshot_timer, 1, 0), -EINVAL);
}

static void test_periodic(void **state)
{
	struct vcpu_set_periodic_timer p = { .period_ns = 999999 };

	(void)state;
	host_guest_period = 5;
	assert_int_equal(do_vcpu_op(vcpu0(dom), VCPUOP_set_periodic_timer, 0, gva(&p)), -EINVAL);
	assert_int_equal(host_guest_period, 5);
	p.period_ns = 1000000;
	assert_int_equal(do_vcpu_op(vcpu0(dom), VCPUOP_set_periodic_timer, 0, gva(&p)), 0);
	assert_int_equal(host_guest_period, 1000000);
	assert_int_equal(do_vcpu_op(vcpu0(dom), VCPUOP_stop_periodic_timer, 0, 0), 0);
	assert_int_equal(host_guest_period, 0);
	assert_int_equal(do_vcpu_op(vcpu0(dom), VCPUOP_set_periodic_timer, 0, 0), -EFAULT);
	p.period_ns = 1ULL << 62; /* the longest is 2^62 - 1 */
	assert_int_equal(do_vcpu_op(vcpu0(dom), VCPUOP_set_periodic_timer, 0, gva(&p)), -EINVAL);
	p.period_ns = (1ULL << 62) - 1;
	assert_int_equal(do_vcpu_op(vcpu0(dom), VCPUOP_set_periodic_timer, 0, gva(&p)), 0);
	/* Another existing vCPU's periodic timer may be set (it ticks once that vCPU runs). */
	p.period_ns = 2000000;
	assert_int_equal(do_vcpu_op(vcpu0(dom), VCPUOP_set_periodic_timer, 1, gva(&p)), 0);
	assert_int_equal(host_guest_period, 2000000);
}

static void test_is_up_and_unknown(void **state)
{
	(void)state;
	assert_int_equal(do_vcpu_op(vcpu0(dom), VCPUOP_is_up, 0, 0), 0); /* created offline */
	assert_int_equal(vcpu_up(vcpu0(dom)), 0);
	assert_int_equal(do_vcpu_op(vcpu0(dom), VCPUOP_is_up, 0, 0), 1);
	assert_int_equal(do_vcpu_op(vcpu0(dom), VCPUOP_is_up, 4096, 0), -ENOENT);
	assert_int_equal(do_vcpu_op(vcpu0(dom), 99, 0, 0), -ENOSYS);
	{
		struct vcpu_runstate_info r;

		memset(&r, 0xa5, sizeof(r));
		assert_int_equal(do_vcpu_op(vcpu0(dom), VCPUOP_get_runstate_info, 1, gva(&r)), 0);
		assert_int_equal(r.state, RUNSTATE_offline); /* vCPU 1 was never brought up */
		assert_int_equal(do_vcpu_op(vcpu0(dom), VCPUOP_get_runstate_info, 0, 0), -EFAULT);
		assert_int_equal(do_vcpu_op(vcpu0(dom), VCPUOP_get_runstate_info, 999, gva(&r)),
				 -ENOENT);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_set_timer_op, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_singleshot, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_periodic, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_is_up_and_unknown, env_setup, env_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
