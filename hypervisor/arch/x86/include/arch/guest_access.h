/*
 * arch/guest_access.h - copying to and from guest virtual addresses.
 *
 * Security invariant 4: every guest pointer goes through these helpers.
 * They refuse ranges that wrap, are not canonical or touch Keel's own
 * range (PML4 slots 256-271) before touching anything, open SMAP's window
 * only around the copy itself, and turn a fault (unmapped, read-only) into
 * -EFAULT through the exception table, so the hypervisor carries on.
 * They use the current page tables: the caller runs on the guest's.
 */
#ifndef ARCH_GUEST_ACCESS_H
#define ARCH_GUEST_ACCESS_H

#include "lib/types.h"

/* True if [va, va + n) may name guest memory (canonical, outside Keel's range). */
bool guest_range_ok(uint64_t va, size_t n);
/* 0, or -EFAULT if the range is refused or any byte faulted. */
int copy_from_guest(void *dst, uint64_t guest_va, size_t n);
int copy_to_guest(uint64_t guest_va, const void *src, size_t n);

#endif
