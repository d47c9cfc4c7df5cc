/*
 * Host shim: guest memory in unit tests.  A "guest virtual address" is an
 * ordinary host pointer, so tests pass (uint64_t)&buffer.  Tests mark
 * ranges as faulting with host_guest_fault_range() to check that bad
 * guest pointers give -EFAULT.
 */
#ifndef HOST_ARCH_GUEST_ACCESS_H
#define HOST_ARCH_GUEST_ACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

bool guest_range_ok(uint64_t va, size_t n);
int copy_from_guest(void *dst, uint64_t guest_va, size_t n);
int copy_to_guest(uint64_t guest_va, const void *src, size_t n);

/* Accesses touching [va, va+n) fail with -EFAULT (up to 8 ranges); n = 0 clears all. */
void host_guest_fault_range(uint64_t va, size_t n);

#endif
