/*
 * tests/pv/kernels/crash_no_handler.c - an exception with no handler.
 *
 * Expected to end in a domain crash, not a verdict (scripts/run-on-xen.sh
 * --expect-crash): after set_trap_table(NULL) clears the trap table, Xen
 * 4.17 has nowhere to bounce a #UD and crashes the domain.
 */
#include "guests/lib/hypercall.h"
#include "tests/pv/harness.h"
#include "tests/pv/traps.h"

TEST(crash, ud2_without_trap_table)
{
	ASSERT_EQ(hyp_set_trap_table(NULL), 0);
	pv_printf("EXPECT-CRASH: ud2 with an empty trap table\n");
	__asm__ volatile("ud2");
	EXPECT_TRUE(false);
}
