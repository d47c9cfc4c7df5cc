/*
 * tests/unit/test_vcpu_affinity_domctl.c - XEN_DOMCTL_setvcpuaffinity and
 * XEN_DOMCTL_getvcpuaffinity (hypercalls/domctl_affinity.c), called as a
 * toolstack calls them: masks in xenctl_bitmaps of any size, the
 * effective masks written back, what is refused and what a refusal
 * leaves alone.
 *
 * The machine is tests/unit/control_test_env.h: d0 (id 0, privileged,
 * two vCPUs) calls, d1 (id 1, one vCPU) is the target or the
 * unprivileged caller.  The control shim's machine has CPU ids 0-3
 * (max_cpu_id 3); the scheduler shim has CPUs 0 and 1 online.  Where Xen
 * 4.17's answer is not the obvious one, tests/pv/kernels/affinity.c
 * checks it on both.
 */
#undef __XEN_INTERFACE_VERSION__
#define __XEN_TOOLS__ 1 /* domctl.h is a toolstack header */

#include "tests/unit/control_test_env.h"

#include <xen/domctl.h>
#include <xen/xen.h>

#define HARD XEN_VCPUAFFINITY_HARD
#define SOFT XEN_VCPUAFFINITY_SOFT

/* The caller's two bitmaps, big enough for every size a test tries. */
static uint8_t hard[128], soft[128];

static struct xen_domctl affinity_op(uint32_t cmd, domid_t domid, uint32_t vcpu, uint32_t flags,
				     uint32_t nr_bits)
{
	struct xen_domctl op = {
	    .cmd = cmd,
	    .interface_version = XEN_DOMCTL_INTERFACE_VERSION,
	    .domain = domid,
	    .u.vcpuaffinity = {.vcpu = vcpu,
			       .flags = flags,
			       .cpumap_hard = {.bitmap = {hard}, .nr_bits = nr_bits},
			       .cpumap_soft = {.bitmap = {soft}, .nr_bits = nr_bits}},
	};

	return op;
}

static long domctl(struct vcpu *caller, struct xen_domctl *op)
{
	return do_domctl(caller, (uint64_t)(uintptr_t)op);
}

/* setvcpuaffinity of d1's vCPU 0 with 8-bit bitmaps holding h and s. */
static long set8(uint32_t flags, uint8_t h, uint8_t s)
{
	struct xen_domctl op = affinity_op(XEN_DOMCTL_setvcpuaffinity, 1, 0, flags, 8);

	hard[0] = h;
	soft[0] = s;
	return domctl(v0, &op);
}

/* getvcpuaffinity of d1's vCPU 0 into 8-bit bitmaps (asserting success). */
static void get8(uint8_t *h, uint8_t *s)
{
	struct xen_domctl op = affinity_op(XEN_DOMCTL_getvcpuaffinity, 1, 0, HARD | SOFT, 8);

	memset(hard, 0xaa, sizeof(hard));
	memset(soft, 0xaa, sizeof(soft));
	assert_int_equal(domctl(v0, &op), 0);
	*h = hard[0];
	*s = soft[0];
	assert_int_equal(hard[1], 0xaa); /* nothing past the caller's bitmap */
}

static void test_every_cpu_until_set(void **state)
{
	uint8_t h, s;

	(void)state;
	get8(&h, &s);
	assert_int_equal(h, 0x0f); /* CPU ids 0-3, none past them, as Xen answers */
	assert_int_equal(s, 0x0f);
}

static void test_set_answers_the_effective_masks(void **state)
{
	uint8_t h, s;

	(void)state;
	/* CPU 2 exists but is not online: hard {1,2} is {1} in effect; soft within it. */
	assert_int_equal(set8(HARD | SOFT, 0x06, 0x0b), 0);
	assert_int_equal(hard[0], 0x02);
	assert_int_equal(soft[0], 0x02);
	/* get answers the masks as set, unaltered. */
	get8(&h, &s);
	assert_int_equal(h, 0x06);
	assert_int_equal(s, 0x0b);
	/* One mask at a time: the other stays, and only the named bitmap is written. */
	hard[0] = 0x55;
	soft[0] = 0x01;
	{
		struct xen_domctl op = affinity_op(XEN_DOMCTL_setvcpuaffinity, 1, 0, SOFT, 8);

		assert_int_equal(domctl(v0, &op), 0);
	}
	assert_int_equal(hard[0], 0x55);
	assert_int_equal(soft[0], 0x00); /* soft {0} outside hard {1}: nothing in effect */
	get8(&h, &s);
	assert_int_equal(h, 0x06);
	assert_int_equal(s, 0x01);
	assert_int_equal(set8(HARD, 0x01, 0xee), 0);
	assert_int_equal(hard[0], 0x01);
	assert_int_equal(soft[0], 0xee);
	get8(&h, &s);
	assert_int_equal(h, 0x01);
	assert_int_equal(s, 0x01);
	/* The other domain's vCPUs are untouched; XEN_VCPUAFFINITY_FORCE changes nothing. */
	{
		struct xen_domctl op = affinity_op(XEN_DOMCTL_getvcpuaffinity, 0, 1, HARD, 8);

		assert_int_equal(domctl(v0, &op), 0);
		assert_int_equal(hard[0], 0x0f);
	}
	assert_int_equal(set8(HARD | XEN_VCPUAFFINITY_FORCE, 0x03, 0), 0);
	assert_int_equal(hard[0], 0x03);
}

static void test_no_cpu_online_is_refused(void **state)
{
	uint8_t h, s;
	unsigned int sets = host_sched_affinity_sets;

	(void)state;
	assert_int_equal(set8(HARD, 0x00, 0), -EINVAL);
	assert_int_equal(set8(HARD, 0x0c, 0), -EINVAL); /* CPUs 2 and 3: not online */
	assert_int_equal(set8(HARD, 0x30, 0), -EINVAL); /* CPUs 4 and 5: not Keel's */
	assert_int_equal(set8(HARD | SOFT, 0x04, 0x01), -EINVAL);
	assert_int_equal(hard[0], 0x04); /* a refusal writes nothing back */
	assert_int_equal(soft[0], 0x01);
	assert_int_equal(host_sched_affinity_sets, sets);
	get8(&h, &s);
	assert_int_equal(h, 0x0f);
	assert_int_equal(s, 0x0f);
	/* A soft mask may name no CPU online: it only says where v would rather be. */
	assert_int_equal(set8(SOFT, 0, 0x0c), 0);
	assert_int_equal(soft[0], 0x00);
}

static void test_bitmaps_smaller_and_larger_than_the_cpus(void **state)
{
	struct xen_domctl op;
	uint8_t h, s;

	(void)state;
	/* One bit: only CPU 0 is read, the byte's other bits are not. */
	op = affinity_op(XEN_DOMCTL_setvcpuaffinity, 1, 0, HARD, 1);
	hard[0] = 0xfe;
	assert_int_equal(domctl(v0, &op), -EINVAL);
	hard[0] = 0xff;
	assert_int_equal(domctl(v0, &op), 0);
	assert_int_equal(hard[0], 0x01); /* written back within the byte the bit is in */
	get8(&h, &s);
	assert_int_equal(h, 0x01);
	/* No bits at all: an empty mask; nothing is read from the (bad) pointer. */
	op = affinity_op(XEN_DOMCTL_setvcpuaffinity, 1, 0, HARD, 0);
	set_xen_guest_handle(op.u.vcpuaffinity.cpumap_hard.bitmap, (uint8_t *)8);
	assert_int_equal(domctl(v0, &op), -EINVAL);
	/* 1024 bits: CPUs past Keel's are dropped, the whole bitmap comes back. */
	op = affinity_op(XEN_DOMCTL_setvcpuaffinity, 1, 0, HARD, 1024);
	memset(hard, 0, sizeof(hard));
	hard[0] = 0x02;
	hard[1] = 0x02; /* CPU 9 */
	hard[127] = 0x80;
	assert_int_equal(domctl(v0, &op), 0);
	assert_int_equal(hard[0], 0x02);
	for (unsigned int i = 1; i < 128; i++)
		assert_int_equal(hard[i], 0);
	op = affinity_op(XEN_DOMCTL_getvcpuaffinity, 1, 0, HARD | SOFT, 1024);
	memset(hard, 0xaa, sizeof(hard));
	memset(soft, 0xaa, sizeof(soft));
	assert_int_equal(domctl(v0, &op), 0);
	assert_int_equal(hard[0], 0x02);
	assert_int_equal(soft[0], 0x0f);
	for (unsigned int i = 1; i < 128; i++)
		assert_true(hard[i] == 0 && soft[i] == 0);
}

static void test_bad_vcpu_flags_and_domain(void **state)
{
	struct xen_domctl op;

	(void)state;
	op = affinity_op(XEN_DOMCTL_getvcpuaffinity, 1, 1, HARD, 8); /* d1 has one vCPU */
	assert_int_equal(domctl(v0, &op), -EINVAL);
	op = affinity_op(XEN_DOMCTL_setvcpuaffinity, 0, 2, HARD, 8);
	hard[0] = 1;
	assert_int_equal(domctl(v0, &op), -EINVAL);
	op = affinity_op(XEN_DOMCTL_setvcpuaffinity, 1, UINT32_MAX, HARD, 8);
	assert_int_equal(domctl(v0, &op), -EINVAL);
	/* No flags at all; a NULL bitmap for a mask that is named (Xen 4.17: -EINVAL). */
	op = affinity_op(XEN_DOMCTL_getvcpuaffinity, 1, 0, 0, 8);
	assert_int_equal(domctl(v0, &op), -EINVAL);
	op = affinity_op(XEN_DOMCTL_getvcpuaffinity, 1, 0, SOFT, 8);
	set_xen_guest_handle(op.u.vcpuaffinity.cpumap_soft.bitmap, NULL);
	assert_int_equal(domctl(v0, &op), -EINVAL);
	op.u.vcpuaffinity.flags = HARD; /* the soft bitmap is not looked at */
	assert_int_equal(domctl(v0, &op), 0);
	/* Flags that name neither mask (Xen: FORCE alone undoes a pin override) do nothing. */
	op = affinity_op(XEN_DOMCTL_setvcpuaffinity, 1, 0, XEN_VCPUAFFINITY_FORCE | 0x80, 8);
	memset(hard, 0xaa, sizeof(hard));
	assert_int_equal(domctl(v0, &op), 0);
	assert_int_equal(hard[0], 0xaa);
	op = affinity_op(XEN_DOMCTL_getvcpuaffinity, 0x1234, 0, HARD, 8);
	assert_int_equal(domctl(v0, &op), -ESRCH);
}

static void test_bad_pointers_fault(void **state)
{
	struct xen_domctl op;
	uint8_t h, s;

	(void)state;
	/* The struct itself. */
	assert_int_equal(do_domctl(v0, 0), -EFAULT);
	/* A bitmap that cannot be read: nothing changes. */
	op = affinity_op(XEN_DOMCTL_setvcpuaffinity, 1, 0, HARD | SOFT, 8);
	hard[0] = 0x01;
	host_guest_fault_range((uint64_t)(uintptr_t)soft, 1);
	assert_int_equal(domctl(v0, &op), -EFAULT);
	host_guest_fault_range(0, 0);
	get8(&h, &s);
	assert_int_equal(h, 0x0f);
	op = affinity_op(XEN_DOMCTL_setvcpuaffinity, 1, 0, HARD, 8);
	set_xen_guest_handle(op.u.vcpuaffinity.cpumap_hard.bitmap, NULL);
	assert_int_equal(domctl(v0, &op), -EINVAL); /* NULL: Xen 4.17's answer */
	/* Cannot be written: get fails; set fails with the change made (Xen's answer). */
	op = affinity_op(XEN_DOMCTL_getvcpuaffinity, 1, 0, HARD, 1024);
	host_guest_fault_range((uint64_t)(uintptr_t)&hard[100], 1);
	assert_int_equal(domctl(v0, &op), -EFAULT);
	/* Only the first byte is read (Keel's CPUs), the whole bitmap written. */
	op = affinity_op(XEN_DOMCTL_setvcpuaffinity, 1, 0, HARD, 1024);
	hard[0] = 0x02;
	assert_int_equal(domctl(v0, &op), -EFAULT);
	host_guest_fault_range(0, 0);
	get8(&h, &s);
	assert_int_equal(h, 0x02);
}

static void test_unprivileged_caller_refused(void **state)
{
	struct xen_domctl op;
	unsigned int sets = host_sched_affinity_sets;

	(void)state;
	op = affinity_op(XEN_DOMCTL_setvcpuaffinity, 1, 0, HARD, 8); /* even about itself */
	hard[0] = 0x01;
	assert_int_equal(domctl(v1, &op), -EPERM);
	op = affinity_op(XEN_DOMCTL_setvcpuaffinity, 0, 0, HARD, 8);
	assert_int_equal(domctl(v1, &op), -EPERM);
	op = affinity_op(XEN_DOMCTL_getvcpuaffinity, 0, 0, HARD, 8);
	memset(hard, 0xaa, sizeof(hard));
	assert_int_equal(domctl(v1, &op), -EPERM);
	assert_int_equal(hard[0], 0xaa); /* learns nothing */
	assert_int_equal(host_sched_affinity_sets, sets);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, env_setup, env_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_every_cpu_until_set),
	    T(test_set_answers_the_effective_masks),
	    T(test_no_cpu_online_is_refused),
	    T(test_bitmaps_smaller_and_larger_than_the_cpus),
	    T(test_bad_vcpu_flags_and_domain),
	    T(test_bad_pointers_fault),
	    T(test_unprivileged_caller_refused),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
