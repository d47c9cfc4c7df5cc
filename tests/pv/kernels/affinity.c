/*
 * tests/pv/kernels/affinity.c - XEN_DOMCTL_setvcpuaffinity and
 * XEN_DOMCTL_getvcpuaffinity as the control domain uses them on its own
 * vCPU (the one that runs this): the default masks, pinning to each CPU
 * and the vCPU really moving there (getvcpuinfo's cpu), the effective
 * masks written back, bitmaps shorter and longer than the machine's
 * CPUs, soft affinity reported, and what is refused.
 *
 * Two CPUs, one dom0 vCPU on both hypervisors (Xen gives dom0 one per CPU
 * by default, Keel one).  The bitmaps are xenctl_bitmaps: CPU c is bit
 * c % 8 of byte c / 8; both hypervisors keep only the bits of CPUs that
 * exist (here 0 and 1), so "every CPU" reads 0x03.  Where Xen 4.17's
 * answer is not the obvious one, a comment says "Xen 4.17".
 *
 * PV-TEST-SMP: 2
 * PV-TEST-CMDLINE: sched=credit dom0_max_vcpus=1
 */
#undef __XEN_INTERFACE_VERSION__
#define __XEN_TOOLS__ 1 /* domctl.h is a toolstack header */

#include <stdint.h>

#include <xen/xen.h>
#include <xen/domctl.h>
#include <xen/sched.h>

#include "lib/string.h"
#include "tests/pv/harness.h"
#include "guests/lib/hypercall.h"

#define HARD	XEN_VCPUAFFINITY_HARD
#define SOFT	XEN_VCPUAFFINITY_SOFT
#define BAD_PTR ((uint8_t *)HYPERVISOR_VIRT_START)

static uint8_t hard[128], soft[128];

static long affinity(uint32_t cmd, uint32_t vcpu, uint32_t flags, uint32_t nr_bits)
{
	struct xen_domctl op;

	memset(&op, 0, sizeof(op));
	op.cmd = cmd;
	op.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	op.domain = 0;
	op.u.vcpuaffinity.vcpu = vcpu;
	op.u.vcpuaffinity.flags = flags;
	set_xen_guest_handle(op.u.vcpuaffinity.cpumap_hard.bitmap, hard);
	set_xen_guest_handle(op.u.vcpuaffinity.cpumap_soft.bitmap, soft);
	op.u.vcpuaffinity.cpumap_hard.nr_bits = nr_bits;
	op.u.vcpuaffinity.cpumap_soft.nr_bits = nr_bits;
	return pv_hypercall1(__HYPERVISOR_domctl, &op);
}

/* setvcpuaffinity of our vCPU with one-byte bitmaps. */
static long set8(uint32_t flags, uint8_t h, uint8_t s)
{
	hard[0] = h;
	soft[0] = s;
	return affinity(XEN_DOMCTL_setvcpuaffinity, 0, flags, 8);
}

/* getvcpuaffinity of our vCPU into one-byte bitmaps; 0 or the error. */
static long get8(void)
{
	memset(hard, 0xaa, sizeof(hard));
	memset(soft, 0xaa, sizeof(soft));
	return affinity(XEN_DOMCTL_getvcpuaffinity, 0, HARD | SOFT, 8);
}

/* getvcpuinfo's cpu for our vCPU, or -1. */
static int our_cpu(void)
{
	struct xen_domctl op;

	memset(&op, 0, sizeof(op));
	op.cmd = XEN_DOMCTL_getvcpuinfo;
	op.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	op.domain = 0;
	op.u.getvcpuinfo.vcpu = 0;
	return pv_hypercall1(__HYPERVISOR_domctl, &op) ? -1 : (int)op.u.getvcpuinfo.cpu;
}

/* Yields until getvcpuinfo says we run on cpu (a few tries: the move is asked for, then done). */
static bool now_on(int cpu)
{
	for (unsigned int i = 0; i < 100; i++) {
		if (our_cpu() == cpu)
			return true;
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
	return false;
}

TEST(affinity, every_cpu_by_default)
{
	ASSERT_EQ(get8(), 0);
	EXPECT_EQ(hard[0], 0x03);
	EXPECT_EQ(soft[0], 0x03);
	EXPECT_EQ(hard[1], 0xaa); /* nothing past the 8 bits asked for */
}

TEST(affinity, pin_moves_the_vcpu)
{
	ASSERT_EQ(set8(HARD, 0x02, 0), 0);
	EXPECT_EQ(hard[0], 0x02);
	EXPECT_TRUE(now_on(1));
	ASSERT_EQ(get8(), 0);
	EXPECT_EQ(hard[0], 0x02);
	ASSERT_EQ(set8(HARD, 0x01, 0), 0);
	EXPECT_TRUE(now_on(0));
	/* Every bit of the byte: only the CPUs that exist are kept. */
	ASSERT_EQ(set8(HARD, 0xff, 0), 0);
	EXPECT_EQ(hard[0], 0x03);
	ASSERT_EQ(get8(), 0);
	EXPECT_EQ(hard[0], 0x03);
}

TEST(affinity, refused_changes_nothing)
{
	ASSERT_EQ(set8(HARD, 0x01, 0), 0);
	EXPECT_EQ(set8(HARD, 0x00, 0), -XEN_EINVAL);
	EXPECT_EQ(set8(HARD, 0xfc, 0), -XEN_EINVAL); /* no CPU 2 to 7 */
	EXPECT_EQ(affinity(XEN_DOMCTL_setvcpuaffinity, 0, HARD, 0), -XEN_EINVAL); /* no bits */
	EXPECT_EQ(affinity(XEN_DOMCTL_setvcpuaffinity, 1, HARD, 8), -XEN_EINVAL); /* one vCPU */
	EXPECT_EQ(affinity(XEN_DOMCTL_getvcpuaffinity, 4096, HARD, 8), -XEN_EINVAL);
	EXPECT_EQ(affinity(XEN_DOMCTL_getvcpuaffinity, 0, 0, 8), -XEN_EINVAL);
	EXPECT_EQ(affinity(XEN_DOMCTL_setvcpuaffinity, 0, 0, 8), -XEN_EINVAL);
	/* Xen 4.17: flags naming neither mask are no error, and do nothing. */
	hard[0] = 0x02;
	EXPECT_EQ(affinity(XEN_DOMCTL_setvcpuaffinity, 0, XEN_VCPUAFFINITY_FORCE, 8), 0);
	EXPECT_EQ(affinity(XEN_DOMCTL_getvcpuaffinity, 0, 0x80000000u, 8), 0);
	EXPECT_EQ(hard[0], 0x02);
	ASSERT_EQ(get8(), 0);
	EXPECT_EQ(hard[0], 0x01);
	EXPECT_EQ(set8(HARD, 0xff, 0), 0);
}

TEST(affinity, bitmap_sizes)
{
	/* One bit: only CPU 0 is taken from the byte. */
	hard[0] = 0xff;
	ASSERT_EQ(affinity(XEN_DOMCTL_setvcpuaffinity, 0, HARD, 1), 0);
	EXPECT_EQ(hard[0], 0x01);
	ASSERT_EQ(get8(), 0);
	EXPECT_EQ(hard[0], 0x01);
	/* 1024 bits: what lies past the machine's CPUs is ignored, then written as zeroes. */
	memset(hard, 0xff, sizeof(hard));
	ASSERT_EQ(affinity(XEN_DOMCTL_setvcpuaffinity, 0, HARD, 1024), 0);
	EXPECT_EQ(hard[0], 0x03);
	EXPECT_EQ(hard[1], 0);
	EXPECT_EQ(hard[127], 0);
	memset(hard, 0xaa, sizeof(hard));
	ASSERT_EQ(affinity(XEN_DOMCTL_getvcpuaffinity, 0, HARD, 1024), 0);
	EXPECT_EQ(hard[0], 0x03);
	EXPECT_EQ(hard[64], 0);
	EXPECT_EQ(hard[127], 0);
	/* Three bits: the same CPUs. */
	memset(hard, 0xaa, sizeof(hard));
	ASSERT_EQ(affinity(XEN_DOMCTL_getvcpuaffinity, 0, HARD, 3), 0);
	EXPECT_EQ(hard[0], 0x03);
	EXPECT_EQ(hard[1], 0xaa);
}

TEST(affinity, soft_is_kept_and_reported)
{
	ASSERT_EQ(set8(HARD | SOFT, 0x03, 0x02), 0);
	EXPECT_EQ(soft[0], 0x02);
	ASSERT_EQ(set8(HARD, 0x01, 0xee), 0);
	EXPECT_EQ(soft[0], 0xee); /* not asked for: not written */
	ASSERT_EQ(get8(), 0);
	EXPECT_EQ(hard[0], 0x01);
	EXPECT_EQ(soft[0], 0x02);
	/* Written back within the hard mask; a soft mask outside it is no error. */
	ASSERT_EQ(set8(SOFT, 0, 0x02), 0);
	EXPECT_EQ(soft[0], 0x00);
	EXPECT_EQ(set8(HARD | SOFT, 0xff, 0xff), 0);
}

TEST(affinity, bad_bitmap_pointers)
{
	struct xen_domctl op;

	memset(&op, 0, sizeof(op));
	op.cmd = XEN_DOMCTL_getvcpuaffinity;
	op.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	op.u.vcpuaffinity.flags = HARD;
	op.u.vcpuaffinity.cpumap_hard.nr_bits = 8;
	set_xen_guest_handle(op.u.vcpuaffinity.cpumap_hard.bitmap, BAD_PTR);
	EXPECT_EQ(pv_hypercall1(__HYPERVISOR_domctl, &op), -XEN_EFAULT);
	op.cmd = XEN_DOMCTL_setvcpuaffinity;
	EXPECT_EQ(pv_hypercall1(__HYPERVISOR_domctl, &op), -XEN_EFAULT);
	/* Xen 4.17: a NULL bitmap for a mask flags names is -EINVAL, not -EFAULT. */
	set_xen_guest_handle(op.u.vcpuaffinity.cpumap_hard.bitmap, NULL);
	EXPECT_EQ(pv_hypercall1(__HYPERVISOR_domctl, &op), -XEN_EINVAL);
	op.cmd = XEN_DOMCTL_getvcpuaffinity;
	EXPECT_EQ(pv_hypercall1(__HYPERVISOR_domctl, &op), -XEN_EINVAL);
	op.u.vcpuaffinity.flags = SOFT; /* the hard one is not looked at then */
	set_xen_guest_handle(op.u.vcpuaffinity.cpumap_soft.bitmap, soft);
	op.u.vcpuaffinity.cpumap_soft.nr_bits = 8;
	EXPECT_EQ(pv_hypercall1(__HYPERVISOR_domctl, &op), 0);
	ASSERT_EQ(get8(), 0);
	EXPECT_EQ(hard[0], 0x03);
}
