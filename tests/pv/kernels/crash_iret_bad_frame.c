/*
 * tests/pv/kernels/crash_iret_bad_frame.c - HYPERVISOR_iret whose frame
 * Xen cannot read.
 *
 * Expected to end in a domain crash, not a verdict (scripts/run-on-xen.sh
 * --expect-crash): the iret hypercall (issued by a raw syscall, so the
 * guest pushes nothing itself) finds rsp = 0x2000, unmapped; Xen 4.17
 * cannot fetch the iret_context and crashes the domain.
 */
#include "tests/pv/harness.h"

TEST(crash, iret_with_unreadable_frame)
{
	pv_printf("EXPECT-CRASH: iret with rsp in unmapped memory\n");
	__asm__ volatile("mov $0x2000, %%rsp\n"
			 "mov $23, %%eax\n"
			 "syscall\n" ::
			     : "rax", "rcx", "r11", "memory");
	EXPECT_TRUE(false);
}
