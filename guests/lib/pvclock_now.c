/*
 * guests/lib/pvclock_now.c - reading a vcpu_time_info record by its
 * version protocol (lib/pvclock.h does the arithmetic).  Shared by the
 * guest kernels and the PV test kernels.
 */
#include "guests/lib/time.h"

#include "lib/pvclock.h"

uint64_t pvclock_now(const volatile struct vcpu_time_info *t)
{
	struct vcpu_time_info copy;
	uint32_t version, lo, hi;

	do {
		version = t->version;
		__asm__ volatile("" ::: "memory"); /* x86 keeps loads in order; the compiler must too */
		copy.tsc_timestamp = t->tsc_timestamp;
		copy.system_time = t->system_time;
		copy.tsc_to_system_mul = t->tsc_to_system_mul;
		copy.tsc_shift = t->tsc_shift;
		__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
		__asm__ volatile("" ::: "memory");
	} while ((version & 1) || version != t->version);
	return pvclock_read(&copy, (uint64_t)hi << 32 | lo);
}
