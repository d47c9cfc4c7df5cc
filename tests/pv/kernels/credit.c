/*
 * tests/pv/kernels/credit.c - the credit scheduler as the control domain
 * sees it: XEN_SYSCTL_sched_id, XEN_DOMCTL_scheduler_op on itself (the
 * defaults, setting a weight, a weight of 0 keeping it, another
 * scheduler's id refused), and a cap at work: the one vCPU spins, and its
 * own runstate says how much of the wall-clock time it ran, about all of
 * it uncapped, about a quarter at cap=25.  The band is wide: the figure
 * is the scheduler's, not the machine's load (a vCPU counts as running
 * however slowly QEMU runs it).
 *
 * Xen 4.17 defaults to credit2: with sched=credit it runs credit1, whose
 * interface Keel has.
 *
 * PV-TEST-SMP: 1
 * PV-TEST-CMDLINE: sched=credit
 */
#undef __XEN_INTERFACE_VERSION__
#define __XEN_TOOLS__ 1 /* domctl.h and sysctl.h are toolstack headers */

#include <stdint.h>

#include <xen/xen.h>
#include <xen/domctl.h>
#include <xen/sysctl.h>
#include <xen/vcpu.h>

#include "lib/string.h"
#include "tests/pv/harness.h"
#include "guests/lib/hypercall.h"
#include "tests/pv/mm.h"
#include "tests/pv/sched_ctl.h"
#include "tests/pv/vcpu.h"

#define MS 1000000ULL

static long sched_op(uint32_t sched_id, uint32_t cmd, struct xen_domctl_sched_credit *c)
{
	return pv_sched_credit_op(sched_id, cmd, 0, &c->weight, &c->cap);
}

static long get(struct xen_domctl_sched_credit *c)
{
	return sched_op(XEN_SCHEDULER_CREDIT, XEN_DOMCTL_SCHEDOP_getinfo, c);
}

static long put(unsigned int weight, unsigned int cap)
{
	struct xen_domctl_sched_credit c = {.weight = (uint16_t)weight, .cap = (uint16_t)cap};

	return sched_op(XEN_SCHEDULER_CREDIT, XEN_DOMCTL_SCHEDOP_putinfo, &c);
}

static uint64_t now_ns(void)
{
	return pv_time_ns(&pv_vcpu0->time);
}

static uint64_t ran_ns(void)
{
	struct vcpu_runstate_info r;

	if (hyp_vcpu_op(VCPUOP_get_runstate_info, 0, &r))
		return 0;
	return r.time[RUNSTATE_running];
}

/* Spins for `wall` ns of wall-clock time; returns the percent of it this vCPU ran. */
static unsigned int spin_and_measure(uint64_t wall)
{
	uint64_t t0 = now_ns(), r0 = ran_ns(), t1, r1;

	while (now_ns() - t0 < wall)
		;
	t1 = now_ns();
	r1 = ran_ns();
	return (unsigned int)((r1 - r0) * 100 / (t1 - t0));
}

TEST(credit, sched_id)
{
	struct xen_sysctl op;

	memset(&op, 0, sizeof(op));
	op.cmd = XEN_SYSCTL_sched_id;
	op.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
	ASSERT_EQ(pv_hypercall1(__HYPERVISOR_sysctl, &op), 0);
	EXPECT_EQ(op.u.sched_id.sched_id, XEN_SCHEDULER_CREDIT);
}

TEST(credit, weight)
{
	struct xen_domctl_sched_credit c = {0};

	ASSERT_EQ(get(&c), 0);
	EXPECT_EQ(c.weight, 256);
	EXPECT_EQ(c.cap, 0);
	EXPECT_EQ(put(512, 0), 0);
	ASSERT_EQ(get(&c), 0);
	EXPECT_EQ(c.weight, 512);
	/* Weight 0: the weight stays as it is. */
	EXPECT_EQ(put(0, 0), 0);
	ASSERT_EQ(get(&c), 0);
	EXPECT_EQ(c.weight, 512);
	EXPECT_EQ(put(256, 0), 0);
}

TEST(credit, other_scheduler_refused)
{
	struct xen_domctl_sched_credit c = {0};

	EXPECT_EQ(sched_op(XEN_SCHEDULER_CREDIT2, XEN_DOMCTL_SCHEDOP_getinfo, &c), -XEN_EINVAL);
	EXPECT_EQ(sched_op(XEN_SCHEDULER_RTDS, XEN_DOMCTL_SCHEDOP_putinfo, &c), -XEN_EINVAL);
}

TEST(credit, cap_holds_a_spinning_vcpu)
{
	struct xen_domctl_sched_credit c = {0};
	unsigned int free_pct, capped_pct;

	/* Nothing else to run: the vCPU uses the CPU, events or not. */
	EXPECT_EQ(hyp_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
	free_pct = spin_and_measure(300 * MS);
	ASSERT_EQ(put(0, 25), 0);
	ASSERT_EQ(get(&c), 0);
	EXPECT_EQ(c.cap, 25);
	capped_pct = spin_and_measure(1500 * MS);
	EXPECT_EQ(put(0, 0), 0);
	pv_printf("uncapped: ran %u%% of the time; cap 25: %u%%\n", free_pct, capped_pct);
	EXPECT_TRUE(free_pct >= 80);
	EXPECT_TRUE(capped_pct >= 10 && capped_pct <= 45);
}
