/*
 * tests/bench/pv_bench.c - a PV kernel that measures the cost of the two
 * paths every PV guest lives on: a null hypercall (xen_version, which
 * does no work) and an exception bounced to the guest and returned from
 * with HYPERVISOR_iret (int3).  Built with the PV test framework
 * (tests/pv/), run by scripts/bench.sh on Keel and on Xen 4.17; it prints
 * "BENCH <name> <TSC ticks per operation>" lines.  Each measurement also
 * checks its result, so a broken path fails the run instead of producing
 * a number.
 */
#include "tests/pv/harness.h"
#include "guests/lib/hypercall.h"
#include "tests/pv/traps.h"

#define ROUNDS 20000u

static inline uint64_t tsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

TEST(bench, null_hypercall)
{
	unsigned int wrong = 0;
	uint64_t t0 = tsc();

	for (unsigned int i = 0; i < ROUNDS; i++)
		wrong += hyp_xen_version(XENVER_version, NULL) != (4 << 16 | 17);
	pv_printf("BENCH null_hypercall %lu\n", (tsc() - t0) / ROUNDS);
	EXPECT_EQ(wrong, 0);
}

/* int3 is a trap: the frame's rip is already past it, so resuming is all there is to do. */
static bool resume(struct pv_trap_regs *r, struct pv_iret_frame *f)
{
	(void)r, (void)f;
	return true;
}

TEST(bench, int3_bounce)
{
	unsigned long at, end;
	uint64_t t0;

	pv_trap_reset();
	pv_trap_hook = resume; /* the harness would call 20000 traps at one rip a loop */
	t0 = tsc();
	for (unsigned int i = 0; i < ROUNDS; i++)
		PV_TRAP_AT("int3", at, end);
	pv_printf("BENCH int3_bounce %lu\n", (tsc() - t0) / ROUNDS);
	EXPECT_EQ(pv_trap_count, ROUNDS);
	EXPECT_EQ(pv_last_trap.vector, 3);
	pv_trap_reset();
}
