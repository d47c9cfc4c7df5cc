/*
 * tests/unit/test_platform_op.c - HYPERVISOR_platform_op
 * (hypercalls/platform_op.c) called as a guest calls it: a CPU's APIC and
 * ACPI ids and version, a CPU that does not exist, an unprivileged
 * caller, a wrong interface version, bad buffers, unknown commands.
 *
 * The machine is tests/unit/control_test_env.h (d0 privileged, d1 not)
 * with tests/host/control_shim.c's two CPUs.
 */
#include "tests/unit/control_test_env.h"

#include <xen/platform.h>
#include <xen/xen.h>

static struct xen_platform_op op_for(uint32_t cmd, uint32_t cpu)
{
	struct xen_platform_op op;

	memset(&op, 0xa5, sizeof(op)); /* whatever the guest left there */
	op.cmd = cmd;
	op.interface_version = XENPF_INTERFACE_VERSION;
	op.u.pcpu_info.xen_cpuid = cpu;
	return op;
}

static long platform_op(struct vcpu *v, struct xen_platform_op *op)
{
	return do_platform_op(v, (uint64_t)(uintptr_t)op);
}

static void test_cpuinfo(void **state)
{
	struct xen_platform_op op = op_for(XENPF_get_cpuinfo, 1);

	(void)state;
	assert_int_equal(platform_op(v0, &op), 0);
	assert_int_equal(op.u.pcpu_info.xen_cpuid, 1);
	assert_int_equal(op.u.pcpu_info.apic_id, 2);
	assert_int_equal(op.u.pcpu_info.acpi_id, 2);
	assert_int_equal(op.u.pcpu_info.flags, XEN_PCPU_FLAGS_ONLINE);
	assert_int_equal(op.u.pcpu_info.max_present, 1);
	/* A CPU that is there but not running. */
	host_control_offline_cpu = 0;
	op = op_for(XENPF_get_cpuinfo, 0);
	assert_int_equal(platform_op(v0, &op), 0);
	assert_int_equal(op.u.pcpu_info.apic_id, 0);
	assert_int_equal(op.u.pcpu_info.acpi_id, 1);
	assert_int_equal(op.u.pcpu_info.flags, 0);
	/* No such CPU: success, flagged invalid, the ids left as they were. */
	op = op_for(XENPF_get_cpuinfo, 2);
	assert_int_equal(platform_op(v0, &op), 0);
	assert_int_equal(op.u.pcpu_info.flags, XEN_PCPU_FLAGS_INVALID);
	assert_int_equal(op.u.pcpu_info.max_present, 1);
	assert_int_equal(op.u.pcpu_info.apic_id, 0xa5a5a5a5);
	assert_int_equal(op.u.pcpu_info.acpi_id, 0xa5a5a5a5);
	op = op_for(XENPF_get_cpuinfo, UINT32_MAX);
	assert_int_equal(platform_op(v0, &op), 0);
	assert_int_equal(op.u.pcpu_info.flags, XEN_PCPU_FLAGS_INVALID);
}

static void test_cpu_version(void **state)
{
	struct xen_platform_op op = op_for(XENPF_get_cpu_version, 1);

	(void)state;
	assert_int_equal(platform_op(v0, &op), 0);
	assert_memory_equal(op.u.pcpu_version.vendor_id, "AuthenticAMD", 12);
	assert_int_equal(op.u.pcpu_version.family, 0x19);
	assert_int_equal(op.u.pcpu_version.model, 0x21);
	assert_int_equal(op.u.pcpu_version.stepping, 2);
	assert_int_equal(op.u.pcpu_version.max_present, 1);
	/* No such CPU, or one that is not running: all zeroes. */
	op = op_for(XENPF_get_cpu_version, 7);
	assert_int_equal(platform_op(v0, &op), 0);
	assert_memory_equal(op.u.pcpu_version.vendor_id, "\0\0\0\0\0\0\0\0\0\0\0\0", 12);
	assert_int_equal(op.u.pcpu_version.family, 0);
	host_control_offline_cpu = 1;
	op = op_for(XENPF_get_cpu_version, 1);
	assert_int_equal(platform_op(v0, &op), 0);
	assert_memory_equal(op.u.pcpu_version.vendor_id, "\0\0\0\0\0\0\0\0\0\0\0\0", 12);
	assert_int_equal(op.u.pcpu_version.model, 0);
	assert_int_equal(op.u.pcpu_version.stepping, 0);
}

/* Only the control domain asks; the version must match; unknown commands are -ENOSYS. */
static void test_refusals(void **state)
{
	struct xen_platform_op op = op_for(XENPF_get_cpuinfo, 0), before;

	(void)state;
	before = op;
	assert_int_equal(platform_op(v1, &op), -EPERM);
	assert_memory_equal(&op, &before, sizeof(op));
	op.interface_version = XENPF_INTERFACE_VERSION - 1;
	assert_int_equal(platform_op(v0, &op), -EACCES);
	op = op_for(XENPF_settime64, 0);
	assert_int_equal(platform_op(v0, &op), -ENOSYS);
	op = op_for(XENPF_enter_acpi_sleep, 0);
	assert_int_equal(platform_op(v0, &op), -ENOSYS);
	op = op_for(0xffff, 0);
	assert_int_equal(platform_op(v0, &op), -ENOSYS);
}

/* A struct Keel cannot read. */
static void test_bad_buffers(void **state)
{
	struct xen_platform_op op = op_for(XENPF_get_cpuinfo, 0);

	(void)state;
	host_guest_fault_range((uint64_t)(uintptr_t)&op, sizeof(op));
	assert_int_equal(platform_op(v0, &op), -EFAULT);
	host_guest_fault_range(0, 0);
}

#define T(name) cmocka_unit_test_setup_teardown(name, env_setup, env_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_cpuinfo),
	    T(test_cpu_version),
	    T(test_refusals),
	    T(test_bad_buffers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
