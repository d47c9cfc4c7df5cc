/*
 * tests/pv/kernels/crash_bad_kernel_stack.c - an exception Xen cannot
 * deliver because the guest kernel's stack is not mapped.
 *
 * Expected to end in a domain crash, not a verdict (scripts/run-on-xen.sh
 * --expect-crash): the bounce frame would go below rsp = 0x2000, which is
 * unmapped, so Xen 4.17 crashes the domain instead of delivering the #UD.
 */
#include "tests/pv/harness.h"

TEST(crash, fault_on_unmapped_stack)
{
	pv_printf("EXPECT-CRASH: ud2 with rsp in unmapped memory\n");
	__asm__ volatile("mov $0x2000, %%rsp\n ud2" ::: "memory");
	EXPECT_TRUE(false);
}
