/*
 * lib/pvclock.h - the PV clock a guest reads without a hypercall
 * (struct vcpu_time_info in xen.h): a TSC timestamp, the system time at
 * that moment, and the scale from TSC ticks to nanoseconds.
 *
 * The guest computes: delta = rdtsc - tsc_timestamp; delta <<= tsc_shift
 * (or >>= -tsc_shift); ns = system_time + (delta * tsc_to_system_mul) >> 32.
 * The writer makes version odd, writes the fields, makes version even
 * again; a reader retries while version is odd or changed under it.
 * Pure functions; host-unit-tested.
 */
#ifndef LIB_PVCLOCK_H
#define LIB_PVCLOCK_H

#include <stdint.h>

#include <xen/xen.h>

struct pvclock_scale {
	uint32_t mul; /* tsc_to_system_mul */
	int8_t shift; /* tsc_shift */
};

/*
 * The scale for a TSC whose nanoseconds are (ticks * ns_mult) >> 32 (the
 * hypervisor's own conversion): the same result for every delta below
 * 2^32 ticks when ns_mult fits 32 bits (shift 0), else ns_mult halved
 * until it fits, shifting the delta left instead.
 */
struct pvclock_scale pvclock_scale_from_mult(uint64_t ns_mult);

/* What a guest computes from a record: the system time at TSC value tsc. */
uint64_t pvclock_read(const struct vcpu_time_info *t, uint64_t tsc);

/*
 * Publishes (tsc, system_ns) with scale s and flags into t, with the
 * version protocol (odd while writing).
 */
void pvclock_publish(struct vcpu_time_info *t, uint64_t tsc, uint64_t system_ns,
		     struct pvclock_scale s, uint8_t flags);

/*
 * Publishes the wall-clock time at system time 0 (sec, nsec since the
 * Unix epoch) into shared_info's wc_* fields, with wc_version's protocol.
 */
void pvclock_publish_wallclock(struct shared_info *si, uint64_t sec, uint32_t nsec);

#endif
