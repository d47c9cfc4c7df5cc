/*
 * tests/pv/kernels/timeslice.c - two vCPUs of one domain on ONE physical
 * CPU, both spinning without ever yielding or blocking: the scheduler's
 * time slice must still share the CPU between them.  Each vCPU counts
 * how often it sees the other's counter move; with a slice (Xen's credit2,
 * Keel's round robin) both make progress within a second, without one
 * (a vCPU runs until it gives the CPU up) vCPU 0 would spin for ever.
 *
 * PV-TEST-SMP: 1
 * PV-TEST-CMDLINE: dom0_max_vcpus=2
 */
#include <stdbool.h>
#include <stdint.h>

#include <xen/vcpu.h>
#include <xen/xen.h>

#include "tests/pv/harness.h"
#include "guests/lib/hypercall.h"
#include "tests/pv/mm.h"
#include "tests/pv/vcpu.h"

#define SEC 1000000000ULL

static volatile unsigned long spins[2];	 /* loop turns of each vCPU */
static volatile unsigned long handovers; /* times vCPU 1 saw vCPU 0 move on */
static volatile bool stop;

static void spinner(unsigned long arg)
{
	unsigned long last = spins[0];

	(void)arg;
	while (!stop) {
		spins[1]++;
		if (spins[0] != last) {
			last = spins[0];
			handovers++;
		}
	}
}

static uint64_t now_ns(void)
{
	return pv_time_ns(&pv_vcpu0->time);
}

TEST(timeslice, two_spinning_vcpus_share_one_cpu)
{
	unsigned long seen_other = 0, last;
	uint64_t end;

	/* No timer interrupts that might hand the CPU over by the way: only the slice may. */
	EXPECT_EQ(hyp_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
	EXPECT_EQ(hyp_vcpu_op(VCPUOP_stop_periodic_timer, 1, NULL), 0);
	EXPECT_EQ(hyp_vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL), 0);
	ASSERT_EQ(pv_vcpu_start(1, spinner, 0), 0);
	last = spins[1];
	end = now_ns() + 2 * SEC;
	/* vCPU 0 spins too, never yielding: it sees vCPU 1 only if the CPU is taken from it. */
	while (now_ns() < end && (seen_other < 3 || handovers < 3)) {
		spins[0]++;
		if (spins[1] != last) {
			last = spins[1];
			seen_other++;
		}
	}
	stop = true;
	EXPECT_TRUE(seen_other >= 3);
	EXPECT_TRUE(handovers >= 3);
	pv_printf("vCPU 0 saw vCPU 1 run %lu times, vCPU 1 saw vCPU 0 %lu times\n", seen_other,
		  handovers);
}
