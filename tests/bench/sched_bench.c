/*
 * tests/bench/sched_bench.c - the credit scheduler measured on a machine
 * (QEMU), not the simulator: run by scripts/sched-bench.sh as the initial
 * domain of Keel and of Xen 4.17 booted with sched=credit, on one CPU,
 * with 8 vCPUs.  It prints "BENCH <name> <value>" lines:
 *   - cap<N>: with the domain capped at N % (10, 25, 50), the percent of
 *     1.5 s of wall-clock time vCPU 0 ran, spinning alone (its runstate);
 *   - lat_p50_us, lat_p99_us: vCPUs 1-7 spin (CPU hogs) while vCPU 0
 *     sleeps on a singleshot timer about 5 ms ahead (4.5-5.5 ms, so the
 *     wake-ups do not lock onto the scheduler's 10 ms ticks), 400 times,
 *     and measures how late it runs after the deadline (timer and wake-up
 *     path included).
 * Built with the PV test framework (tests/pv/); each measurement checks
 * what it can, so a broken path fails the run rather than give a number.
 */
#undef __XEN_INTERFACE_VERSION__
#define __XEN_TOOLS__ 1 /* domctl.h is a toolstack header */

#include <stdbool.h>
#include <stdint.h>

#include <xen/xen.h>
#include <xen/domctl.h>
#include <xen/vcpu.h>

#include "tests/pv/events.h"
#include "tests/pv/harness.h"
#include "guests/lib/hypercall.h"
#include "tests/pv/mm.h"
#include "tests/pv/sched_ctl.h"
#include "tests/pv/vcpu.h"

#define US	1000ULL
#define MS	(1000 * US)
#define HOGS	7
#define WAKEUPS 400

static volatile bool stop;

static uint64_t now_ns(void)
{
	return pv_time_ns(&pv_vcpu0->time);
}

static long set_cap(unsigned int cap)
{
	uint16_t weight = 0, c = (uint16_t)cap; /* weight 0: unchanged */

	return pv_sched_credit_op(XEN_SCHEDULER_CREDIT, XEN_DOMCTL_SCHEDOP_putinfo, 0, &weight, &c);
}

static uint64_t ran_ns(void)
{
	struct vcpu_runstate_info r;

	return hyp_vcpu_op(VCPUOP_get_runstate_info, 0, &r) ? 0 : r.time[RUNSTATE_running];
}

TEST(bench, caps)
{
	static const unsigned int caps[] = {10, 25, 50};

	EXPECT_EQ(hyp_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
	for (unsigned int i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		uint64_t t0, r0;

		ASSERT_EQ(set_cap(caps[i]), 0);
		t0 = now_ns();
		r0 = ran_ns();
		while (now_ns() - t0 < 1500 * MS)
			;
		pv_printf("BENCH cap%u %lu\n", caps[i],
			  (unsigned long)((ran_ns() - r0) * 100 / (now_ns() - t0)));
	}
	EXPECT_EQ(set_cap(0), 0);
}

static void hog(unsigned long arg)
{
	(void)arg;
	while (!stop)
		;
	for (;;)
		hyp_sched_op(SCHEDOP_block, NULL);
}

static void sort(uint64_t *a, unsigned int n)
{
	for (unsigned int i = 1; i < n; i++)
		for (unsigned int j = i; j && a[j - 1] > a[j]; j--) {
			uint64_t t = a[j];

			a[j] = a[j - 1];
			a[j - 1] = t;
		}
}

TEST(bench, wakeup_latency_among_hogs)
{
	static uint64_t late[WAKEUPS];
	long port = bind_virq(VIRQ_TIMER, 0);
	unsigned int missed = 0, seed = 1;

	ASSERT_TRUE(port > 0);
	for (unsigned int i = 1; i <= HOGS; i++)
		ASSERT_EQ(pv_vcpu_start(i, hog, 0), 0);
	for (unsigned int i = 0; i < WAKEUPS; i++) {
		uint64_t deadline, jitter;
		struct vcpu_set_singleshot_timer t;

		seed = seed * 1103515245u + 12345u; /* the same sequence on every run */
		jitter = (seed >> 8) % (1000 * US);
		deadline = now_ns() + 4500 * US + jitter;
		t = (struct vcpu_set_singleshot_timer){.timeout_abs_ns = deadline};

		ASSERT_EQ(hyp_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t), 0);
		missed += !ev_wait((evtchn_port_t)port, 100 * MS);
		late[i] = now_ns() - deadline;
	}
	stop = true;
	sort(late, WAKEUPS);
	pv_printf("BENCH lat_p50_us %lu\n", (unsigned long)(late[WAKEUPS / 2 - 1] / US));
	pv_printf("BENCH lat_p99_us %lu\n", (unsigned long)(late[WAKEUPS * 99 / 100 - 1] / US));
	EXPECT_EQ(missed, 0);
}
