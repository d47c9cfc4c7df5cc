/*
 * guests/lib/time.h - time in a guest kernel: the PV clock (system time,
 * nanoseconds since the hypervisor booted) and the wall clock.
 */
#ifndef GUESTS_LIB_TIME_H
#define GUESTS_LIB_TIME_H

#include <stdint.h>

#include <xen/xen.h>

#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_SEC  1000000000ULL

/** System time in ns from the record @t, read by the version protocol. */
uint64_t pvclock_now(const volatile struct vcpu_time_info *t);

/** System time in ns (vCPU 0's record). */
uint64_t time_now_ns(void);

/** Seconds since the Unix epoch, from shared_info's wall clock. */
uint64_t time_wallclock_sec(void);

#endif /* GUESTS_LIB_TIME_H */
