/*
 * tests/unit/test_vcpu_op.c - hypercalls/vcpu_op.c: the guest timers of
 * VCPUOP and set_timer_op; bringing vCPUs up and down; register_vcpu_info
 * (hypervisor/common/vcpu_info.c); the runstate and time areas; with the
 * errors Xen 4.17 gives (tests/pv/kernels/smp.c checks the same on Xen).
 * The arch context is tests/host/vcpu_context_shim.c.  env_teardown's
 * leak check also proves a registered vcpu_info frame is let go when the
 * domain is destroyed.
 */
#include "tests/unit/mmu_test_env.h"

#include <xen/sched.h>
#include <xen/vcpu.h>

#include "host/sched_shim.h"
#include "host/vcpu_context_shim.h"
#include "hypercalls/hypercalls.h"
#include "hypercalls/vcpu_context.h"
#include "hypervisor/common/vcpu_info.h"

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

/* ---- bringing vCPUs up and down ---- */

static int setup(void **state)
{
	host_vcpu_context_reset();
	return env_setup(state);
}

static void test_initialise(void **state)
{
	struct vcpu_guest_context ctx;
	struct vcpu *v1 = dom->vcpus[1];

	(void)state;
	memset(&ctx, 0, sizeof(ctx));
	assert_int_equal(do_vcpu_op(vcpu0(dom), VCPUOP_initialise, 2, gva(&ctx)), -ENOENT);
	assert_int_equal(do_vcpu_op(vcpu0(dom), VCPUOP_initialise, 1, 0), -EFAULT);
	/* The arch layer's refusal comes back as it is, and leaves no context. */
	host_vcpu_context_rc = -EINVAL;
	assert_int_equal(do_vcpu_op(vcpu0(dom), VCPUOP_initialise, 1, gva(&ctx)), -EINVAL);
	assert_false(arch_vcpu_has_context(v1));
	assert_int_equal(do_vcpu_op(vcpu0(dom), VCPUOP_up, 1, 0), -EINVAL);
	assert_int_equal(do_vcpu_op(vcpu0(dom), VCPUOP_initialise, 1, gva(&ctx)), 0);
	assert_true(arch_vcpu_has_context(v1));
	assert_int_equal(v1->state, VCPU_OFFLINE); /* down until VCPUOP_up */
	/* Once only; the copy comes first (a bad pointer is -EFAULT, not -EEXIST). */
	assert_int_equal(do_vcpu_op(vcpu0(dom), VCPUOP_initialise, 1, gva(&ctx)), -EEXIST);
	assert_int_equal(do_vcpu_op(vcpu0(dom), VCPUOP_initialise, 1, 0), -EFAULT);
	assert_int_equal(host_vcpu_context_sets, 2);
	assert_int_equal(do_vcpu_op(vcpu0(dom), VCPUOP_up, 1, 0), 0);
	assert_int_equal(v1->state, VCPU_RUNNABLE);
	assert_int_equal(do_vcpu_op(vcpu0(dom), VCPUOP_is_up, 1, 0), 1);
	assert_int_equal(do_vcpu_op(vcpu0(dom), VCPUOP_up, 1, 0), 0); /* already up */
	assert_int_equal(do_vcpu_op(vcpu0(dom), VCPUOP_get_physid, 0, gva(&ctx)), -EINVAL);
}

static void test_initialise_online_and_no_vcpu_info(void **state)
{
	struct vcpu_guest_context ctx;
	struct domain *big = env_new_domain(7, 0, XEN_LEGACY_MAX_VCPUS + 1);
	struct vcpu *last = big->vcpus[XEN_LEGACY_MAX_VCPUS];

	(void)state;
	memset(&ctx, 0, sizeof(ctx));
	ctx.flags = VGCF_online;
	assert_int_equal(domain_unpause(big), 0);
	/* VGCF_online: up at once. */
	assert_int_equal(do_vcpu_op(vcpu0(big), VCPUOP_initialise, 1, gva(&ctx)), 0);
	assert_int_equal(big->vcpus[1]->state, VCPU_RUNNABLE);
	/* A vCPU past the shared_info slots has no vcpu_info until it registers one. */
	assert_null(last->vcpu_info);
	assert_int_equal(do_vcpu_op(vcpu0(big), VCPUOP_initialise, XEN_LEGACY_MAX_VCPUS, gva(&ctx)),
			 -EINVAL);
	assert_int_equal(domain_destroy(big), 0);
}

static void test_down(void **state)
{
	struct vcpu *v0 = vcpu0(dom), *v1 = dom->vcpus[1];
	struct vcpu_runstate_info r;

	(void)state;
	assert_int_equal(domain_unpause(dom), 0);
	assert_int_equal(vcpu_up(v0), 0);
	assert_int_equal(vcpu_up(v1), 0);
	/* Down while blocked: reported blocked, and blocked again once up (Xen 4.17). */
	assert_int_equal(vcpu_block(v1), 0);
	assert_int_equal(do_vcpu_op(v0, VCPUOP_down, 1, 0), 0);
	assert_int_equal(do_vcpu_op(v0, VCPUOP_is_up, 1, 0), 0);
	vcpu_runstate_get(v1, &r);
	assert_int_equal(r.state, RUNSTATE_blocked);
	assert_int_equal(vcpu_up(v1), 0);
	assert_int_equal(v1->state, VCPU_BLOCKED);
	/* An event while down ends the block: it comes back runnable. */
	assert_int_equal(do_vcpu_op(v0, VCPUOP_down, 1, 0), 0);
	assert_int_equal(vcpu_wake(v1), 0);
	vcpu_runstate_get(v1, &r);
	assert_int_equal(r.state, RUNSTATE_offline);
	assert_int_equal(vcpu_up(v1), 0);
	assert_int_equal(v1->state, VCPU_RUNNABLE);
	/* A vCPU taking itself down while another is up: just down. */
	assert_int_equal(do_vcpu_op(v1, VCPUOP_down, 1, 0), 0);
	assert_int_equal(v1->state, VCPU_OFFLINE);
	assert_false(dom->is_shutting_down);
	/* The last one up going down powers the domain off, and stays up. */
	assert_int_equal(do_vcpu_op(v0, VCPUOP_down, 0, 0), 0);
	assert_true(dom->is_shutting_down);
	assert_int_equal(dom->shutdown_code, SHUTDOWN_poweroff);
	assert_int_equal(v0->state, VCPU_RUNNABLE);
}

/* ---- register_vcpu_info ---- */

static long reg_info(struct vcpu *caller, unsigned int id, mfn_t m, uint32_t offset)
{
	struct vcpu_register_vcpu_info r = { .mfn = mfn_x(m), .offset = offset, .rsvd = 77 };

	return do_vcpu_op(caller, VCPUOP_register_vcpu_info, id, gva(&r));
}

static void test_register_vcpu_info_refused(void **state)
{
	const uint32_t size = sizeof(struct vcpu_info);
	struct vcpu *v0 = vcpu0(dom);
	mfn_t mine = frame(dom), table = frame(dom), theirs = frame(other);
	struct snap s;

	(void)state;
	assert_int_equal(do_vcpu_op(v0, VCPUOP_register_vcpu_info, 0, 0), -EFAULT);
	/* Xen 4.17: offsets past the page or not 8-byte aligned are -ENXIO. */
	assert_int_equal(reg_info(v0, 0, mine, PAGE_SIZE - size + 8), -ENXIO);
	assert_int_equal(reg_info(v0, 0, mine, PAGE_SIZE), -ENXIO);
	assert_int_equal(reg_info(v0, 0, mine, 4), -ENXIO);
	/* Another domain's frame, a page table, no frame at all. */
	assert_int_equal(reg_info(v0, 0, theirs, 0), -EINVAL);
	assert_int_equal(page_type_pin(pg(table), PGT_L1, DOM), 0);
	snap_take(&s);
	assert_int_equal(reg_info(v0, 0, table, 0), -EINVAL);
	assert_int_equal(reg_info(v0, 0, _mfn(NR_FRAMES + 5), 0), -EINVAL);
	/* Another vCPU that is up (it could be using the old one). */
	assert_int_equal(domain_unpause(dom), 0);
	assert_int_equal(vcpu_up(dom->vcpus[1]), 0);
	assert_int_equal(reg_info(v0, 1, mine, 0), -EINVAL);
	snap_expect(&s); /* nothing was kept */
	assert_ptr_equal(v0->vcpu_info, &dom->shared_info->vcpu_info[0]);
	assert_int_equal(page_type_unpin(pg(table), DOM), 0);
}

static void test_register_vcpu_info(void **state)
{
	const uint32_t off = PAGE_SIZE - sizeof(struct vcpu_info);
	struct vcpu *v0 = vcpu0(dom), *v1 = dom->vcpus[1];
	mfn_t m = frame(dom), pt = frame(dom);
	struct vcpu_info *old = v1->vcpu_info, *nv;

	(void)state;
	old->arch.cr2 = 0xc0ffee;
	old->evtchn_upcall_mask = 1;
	old->evtchn_pending_sel = 5;
	/* vCPU 1 is down: vCPU 0 may move its vcpu_info (to the last place it fits). */
	assert_int_equal(reg_info(v0, 1, m, off), 0);
	nv = (struct vcpu_info *)((char *)arch_mfn_to_virt(m) + off);
	assert_ptr_equal(v1->vcpu_info, nv);
	assert_int_equal(nv->arch.cr2, 0xc0ffee);
	assert_int_equal(nv->evtchn_upcall_mask, 1);
	/* Everything pending: an event that raced with the move is found. */
	assert_int_equal(nv->evtchn_pending_sel, ~0UL);
	assert_int_equal(nv->evtchn_upcall_pending, 1);
	assert_int_equal(old->evtchn_pending_sel, 5);
	/* Keel holds it writable: it cannot become a page table. */
	expect_refs(m, 1, PGT_WRITABLE, 1);
	assert_int_not_equal(page_type_pin(pg(m), PGT_L1, DOM), 0);
	assert_int_not_equal(domain_free_frames(dom, m, 0), 0);
	/* Once only, whoever asks. */
	assert_int_equal(reg_info(v1, 1, pt, 0), -EINVAL);
	assert_int_equal(vcpu_info_register(v1, pt, 0), -EINVAL);
	expect_refs(pt, 0, PGT_WRITABLE, 0);
	/* The caller itself may move its own (here vCPU 0, up and running). */
	assert_int_equal(domain_unpause(dom), 0);
	assert_int_equal(vcpu_up(v0), 0);
	assert_int_equal(reg_info(v0, 0, pt, 64), 0);
	assert_ptr_equal(v0->vcpu_info, (char *)arch_mfn_to_virt(pt) + 64);
	/* env_teardown: both frames are let go with the domain. */
}

static void test_vcpu_info_for_a_vcpu_without_one(void **state)
{
	struct domain *big = env_new_domain(7, 0, XEN_LEGACY_MAX_VCPUS + 1);
	struct vcpu *last = big->vcpus[XEN_LEGACY_MAX_VCPUS];
	mfn_t m = frame(big);
	struct vcpu_info *nv = arch_mfn_to_virt(m);

	(void)state;
	memset(nv, 0xa5, sizeof(*nv));
	assert_int_equal(reg_info(vcpu0(big), XEN_LEGACY_MAX_VCPUS, m, 0), 0);
	assert_ptr_equal(last->vcpu_info, nv);
	assert_int_equal(nv->evtchn_upcall_mask, 1); /* a fresh one: events masked */
	assert_int_equal(nv->arch.cr2, 0);
	assert_int_equal(domain_destroy(big), 0); /* the frame's references go with it */
}

/* ---- the runstate and time areas ---- */

static void test_runstate_area(void **state)
{
	struct vcpu *v0 = vcpu0(dom), *v1 = dom->vcpus[1];
	struct vcpu_runstate_info area = { .state = 77 };
	struct vcpu_register_runstate_memory_area a = { .addr.v = &area };

	(void)state;
	/* Written at once, from the runstate as it is. */
	assert_int_equal(do_vcpu_op(v0, VCPUOP_register_runstate_memory_area, 1, gva(&a)), 0);
	assert_int_equal(area.state, RUNSTATE_offline);
	assert_int_equal(v1->runstate_guest, gva(&area));
	/* The machine rewrites it at each switch: here, by hand. */
	assert_int_equal(domain_unpause(dom), 0);
	assert_int_equal(vcpu_up(v1), 0);
	assert_int_equal(vcpu_set_running(v1, true), 0);
	vcpu_runstate_area_update(v1);
	assert_int_equal(area.state, RUNSTATE_running);
	/* With VMASST_TYPE_runstate_update_flag the finished copy has the flag clear. */
	dom->vm_assist = 1UL << VMASST_TYPE_runstate_update_flag;
	assert_int_equal(vcpu_set_running(v1, false), 0);
	vcpu_runstate_area_update(v1);
	assert_int_equal(area.state, RUNSTATE_runnable);
	assert_int_equal(area.state_entry_time & XEN_RUNSTATE_UPDATE, 0);
	/* A fault drops the write; a range reaching outside the guest is -EFAULT. */
	host_guest_fault_range(gva(&area), sizeof(area));
	vcpu_runstate_area_update(v1);
	host_guest_fault_range(0, 0);
	a.addr.p = UINT64_MAX - 8;
	assert_int_equal(do_vcpu_op(v0, VCPUOP_register_runstate_memory_area, 1, gva(&a)), -EFAULT);
	assert_int_equal(do_vcpu_op(v0, VCPUOP_register_runstate_memory_area, 1, 0), -EFAULT);
	/* 0 unregisters. */
	a.addr.p = 0;
	assert_int_equal(do_vcpu_op(v0, VCPUOP_register_runstate_memory_area, 1, gva(&a)), 0);
	area.state = 77;
	vcpu_runstate_area_update(v1);
	assert_int_equal(area.state, 77);
}

static void test_time_area(void **state)
{
	struct vcpu *v0 = vcpu0(dom);
	struct vcpu_time_info area;
	struct vcpu_register_time_memory_area a = { .addr.v = &area };

	(void)state;
	memset(&area, 0xa5, sizeof(area));
	v0->vcpu_info->time.version = 6;
	v0->vcpu_info->time.system_time = 123456;
	v0->vcpu_info->time.tsc_to_system_mul = 0x80000000u;
	assert_int_equal(do_vcpu_op(v0, VCPUOP_register_vcpu_time_memory_area, 0, gva(&a)), 0);
	assert_memory_equal(&area, &v0->vcpu_info->time, sizeof(area));
	v0->vcpu_info->time.version = 8;
	v0->vcpu_info->time.system_time = 999;
	vcpu_time_area_update(v0);
	assert_int_equal(area.version, 8);
	assert_int_equal(area.system_time, 999);
	a.addr.p = UINT64_MAX - 8;
	assert_int_equal(do_vcpu_op(v0, VCPUOP_register_vcpu_time_memory_area, 0, gva(&a)), -EFAULT);
	a.addr.p = 0;
	assert_int_equal(do_vcpu_op(v0, VCPUOP_register_vcpu_time_memory_area, 0, gva(&a)), 0);
	v0->vcpu_info->time.version = 10;
	vcpu_time_area_update(v0);
	assert_int_equal(area.version, 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_set_timer_op, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_singleshot, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_periodic, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_is_up_and_unknown, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_initialise, setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_initialise_online_and_no_vcpu_info, setup,
					    env_teardown),
	    cmocka_unit_test_setup_teardown(test_down, setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_register_vcpu_info_refused, setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_register_vcpu_info, setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_vcpu_info_for_a_vcpu_without_one, setup,
					    env_teardown),
	    cmocka_unit_test_setup_teardown(test_runstate_area, setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_time_area, setup, env_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
