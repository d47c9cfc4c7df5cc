/*
 * tests/host/guest_access.c - copy_from_guest/copy_to_guest for unit tests:
 * guest addresses are host pointers; 0 and ranges marked with
 * host_guest_fault_range() fault.
 */
#include "arch/guest_access.h"

#include <string.h>

#include "lib/errno.h"

static struct {
	uint64_t va;
	size_t n;
} faults[8];
static unsigned int nr_faults;

void host_guest_fault_range(uint64_t va, size_t n)
{
	if (!n) {
		nr_faults = 0;
		return;
	}
	if (nr_faults < sizeof(faults) / sizeof(faults[0]))
		faults[nr_faults++] = (typeof(faults[0])){ va, n };
}

bool guest_range_ok(uint64_t va, size_t n)
{
	if (n == 0)
		return true;
	if (va == 0 || va + n < va)
		return false;
	for (unsigned int i = 0; i < nr_faults; i++)
		if (va < faults[i].va + faults[i].n && faults[i].va < va + n)
			return false;
	return true;
}

int copy_from_guest(void *dst, uint64_t guest_va, size_t n)
{
	if (!guest_range_ok(guest_va, n))
		return -EFAULT;
	memcpy(dst, (const void *)guest_va, n);
	return 0;
}

int copy_to_guest(uint64_t guest_va, const void *src, size_t n)
{
	if (!guest_range_ok(guest_va, n))
		return -EFAULT;
	memcpy((void *)guest_va, src, n);
	return 0;
}
