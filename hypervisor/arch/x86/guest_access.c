/*
 * hypervisor/arch/x86/guest_access.c - checked copies to and from guests.
 *
 * The range checks here and the fault recovery in guest_copy.asm together
 * make a guest pointer harmless: a bad one costs the caller -EFAULT, never
 * a hypervisor fault.  No state, no locks.
 */
#include "arch/guest_access.h"

#include "arch/layout.h"
#include "lib/errno.h"

uint64_t raw_copy_guest(void *dst, const void *src, uint64_t n);

/* The lower half ends at 2^47; the upper half starts at 2^64 - 2^47. */
#define LOWER_HALF_END 0x0000800000000000UL
#define UPPER_HALF_START 0xffff800000000000UL

bool guest_range_ok(uint64_t va, size_t n)
{
	uint64_t last;

	if (n == 0)
		return true;
	if (__builtin_add_overflow(va, n - 1, &last))
		return false;
	if (last < LOWER_HALF_END)
		return true; /* wholly in the lower half */
	if (va < UPPER_HALF_START)
		return false; /* starts in, or crosses, the non-canonical hole */
	/* Upper half: anything not overlapping Keel's slots 256-271. */
	return va >= KEEL_VIRT_END || last < KEEL_VIRT_START;
}

int copy_from_guest(void *dst, uint64_t guest_va, size_t n)
{
	if (!guest_range_ok(guest_va, n))
		return -EFAULT;
	return raw_copy_guest(dst, (const void *)guest_va, n) ? -EFAULT : 0;
}

int copy_to_guest(uint64_t guest_va, const void *src, size_t n)
{
	if (!guest_range_ok(guest_va, n))
		return -EFAULT;
	return raw_copy_guest((void *)guest_va, src, n) ? -EFAULT : 0;
}
