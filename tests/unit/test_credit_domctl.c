/*
 * tests/unit/test_credit_domctl.c - XEN_DOMCTL_scheduler_op with the
 * credit scheduler (hypercalls/domctl.c), called as a guest calls it:
 * reading a domain's weight and cap, setting them, what is refused; and
 * XEN_SYSCTL_sched_id naming the credit scheduler.  The weights
 * themselves live behind sched/sched.h (the machine's scheduler; here the
 * host shim with the same checks).
 *
 * The machine is tests/unit/control_test_env.h: d0 (id 0, privileged,
 * two vCPUs) calls, d1 (id 1, one vCPU) is the target or the
 * unprivileged caller.
 */
#undef __XEN_INTERFACE_VERSION__
#define __XEN_TOOLS__ 1 /* domctl.h and sysctl.h are toolstack headers */

#include "tests/unit/control_test_env.h"

#include <xen/domctl.h>
#include <xen/sysctl.h>
#include <xen/xen.h>

static struct xen_domctl sched_op(domid_t domid, uint32_t sched_id, uint32_t cmd)
{
	struct xen_domctl op;

	memset(&op, 0, sizeof(op));
	op.cmd = XEN_DOMCTL_scheduler_op;
	op.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	op.domain = domid;
	op.u.scheduler_op.sched_id = sched_id;
	op.u.scheduler_op.cmd = cmd;
	return op;
}

static long domctl(struct vcpu *v, struct xen_domctl *op)
{
	return do_domctl(v, (uint64_t)(uintptr_t)op);
}

/* getinfo on domid: the weight and cap it reports (asserting success). */
static void getinfo(domid_t domid, unsigned int *weight, unsigned int *cap)
{
	struct xen_domctl op = sched_op(domid, XEN_SCHEDULER_CREDIT, XEN_DOMCTL_SCHEDOP_getinfo);

	op.u.scheduler_op.u.credit.weight = 0xdead; /* overwritten: copied back */
	assert_int_equal(domctl(v0, &op), 0);
	*weight = op.u.scheduler_op.u.credit.weight;
	*cap = op.u.scheduler_op.u.credit.cap;
}

static long putinfo(struct vcpu *caller, domid_t domid, unsigned int weight, unsigned int cap)
{
	struct xen_domctl op = sched_op(domid, XEN_SCHEDULER_CREDIT, XEN_DOMCTL_SCHEDOP_putinfo);

	op.u.scheduler_op.u.credit.weight = (uint16_t)weight;
	op.u.scheduler_op.u.credit.cap = (uint16_t)cap;
	return domctl(caller, &op);
}

static void test_defaults_then_set(void **state)
{
	unsigned int weight, cap;

	(void)state;
	getinfo(1, &weight, &cap);
	assert_int_equal(weight, 256);
	assert_int_equal(cap, 0);
	assert_int_equal(putinfo(v0, 1, 512, 40), 0);
	getinfo(1, &weight, &cap);
	assert_int_equal(weight, 512);
	assert_int_equal(cap, 40);
	/* Weight 0 keeps the weight; the cap is always what is given (0: none). */
	assert_int_equal(putinfo(v0, 1, 0, 0), 0);
	getinfo(1, &weight, &cap);
	assert_int_equal(weight, 512);
	assert_int_equal(cap, 0);
	/* The extremes. */
	assert_int_equal(putinfo(v0, 1, 65535, 100), 0);
	assert_int_equal(putinfo(v0, 0, 1, 200), 0); /* d0 has two vCPUs */
	getinfo(0, &weight, &cap);
	assert_int_equal(weight, 1);
	assert_int_equal(cap, 200);
}

static void test_refused(void **state)
{
	struct xen_domctl op;
	unsigned int weight, cap;

	(void)state;
	assert_int_equal(putinfo(v0, 1, 300, 101), -EINVAL); /* d1 has one vCPU */
	assert_int_equal(putinfo(v0, 0, 300, 201), -EINVAL);
	getinfo(1, &weight, &cap);
	assert_int_equal(weight, 256); /* nothing changed */
	assert_int_equal(cap, 0);
	/* Another scheduler's parameters, or per-vCPU ones credit does not have. */
	op = sched_op(1, XEN_SCHEDULER_CREDIT2, XEN_DOMCTL_SCHEDOP_getinfo);
	assert_int_equal(domctl(v0, &op), -EINVAL);
	op = sched_op(1, XEN_SCHEDULER_NULL, XEN_DOMCTL_SCHEDOP_putinfo);
	assert_int_equal(domctl(v0, &op), -EINVAL);
	op = sched_op(1, XEN_SCHEDULER_CREDIT, XEN_DOMCTL_SCHEDOP_getvcpuinfo);
	assert_int_equal(domctl(v0, &op), -EINVAL);
	op = sched_op(1, XEN_SCHEDULER_CREDIT, XEN_DOMCTL_SCHEDOP_putvcpuinfo);
	assert_int_equal(domctl(v0, &op), -EINVAL);
	op = sched_op(1, XEN_SCHEDULER_CREDIT, 77);
	assert_int_equal(domctl(v0, &op), -EINVAL);
	/* No such domain; an unprivileged caller (invariant 6), even about itself. */
	op = sched_op(0x1234, XEN_SCHEDULER_CREDIT, XEN_DOMCTL_SCHEDOP_getinfo);
	assert_int_equal(domctl(v0, &op), -ESRCH);
	assert_int_equal(putinfo(v1, 1, 65535, 0), -EPERM);
	assert_int_equal(putinfo(v1, 0, 1, 1), -EPERM);
	getinfo(0, &weight, &cap);
	assert_int_equal(weight, 256);
}

static void test_sysctl_names_credit(void **state)
{
	struct xen_sysctl op;

	(void)state;
	memset(&op, 0, sizeof(op));
	op.cmd = XEN_SYSCTL_sched_id;
	op.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
	assert_int_equal(do_sysctl(v0, (uint64_t)(uintptr_t)&op), 0);
	assert_int_equal(op.u.sched_id.sched_id, XEN_SCHEDULER_CREDIT);
}

/* The shim keeps values by domain id across tests: back to the defaults. */
static int teardown(void **state)
{
	assert_int_equal(putinfo(v0, 0, 256, 0), 0);
	assert_int_equal(putinfo(v0, 1, 256, 0), 0);
	return env_teardown(state);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, env_setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_defaults_then_set),
	    T(test_refused),
	    T(test_sysctl_names_credit),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
