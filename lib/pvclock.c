/*
 * lib/pvclock.c - scaling and publishing the PV clock (see pvclock.h).
 */
#include "lib/pvclock.h"

struct pvclock_scale pvclock_scale_from_mult(uint64_t ns_mult)
{
	struct pvclock_scale s = { 0, 0 };

	while (ns_mult > UINT32_MAX) {
		ns_mult >>= 1;
		s.shift++;
	}
	s.mul = (uint32_t)ns_mult;
	return s;
}

uint64_t pvclock_read(const struct vcpu_time_info *t, uint64_t tsc)
{
	uint64_t delta = tsc - t->tsc_timestamp;

	if (t->tsc_shift >= 0)
		delta <<= t->tsc_shift;
	else
		delta >>= -t->tsc_shift;
	return t->system_time + (uint64_t)(((unsigned __int128)delta * t->tsc_to_system_mul) >> 32);
}

void pvclock_publish(struct vcpu_time_info *t, uint64_t tsc, uint64_t system_ns,
		     struct pvclock_scale s, uint8_t flags)
{
	uint32_t version = __atomic_load_n(&t->version, __ATOMIC_RELAXED);

	__atomic_store_n(&t->version, version | 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	t->tsc_timestamp = tsc;
	t->system_time = system_ns;
	t->tsc_to_system_mul = s.mul;
	t->tsc_shift = s.shift;
	t->flags = flags;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&t->version, (version | 1) + 1, __ATOMIC_RELAXED);
}

void pvclock_publish_wallclock(struct shared_info *si, uint64_t sec, uint32_t nsec)
{
	uint32_t version = __atomic_load_n(&si->wc_version, __ATOMIC_RELAXED);

	__atomic_store_n(&si->wc_version, version | 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	si->wc_sec = (uint32_t)sec;
	si->wc_sec_hi = (uint32_t)(sec >> 32);
	si->wc_nsec = nsec;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&si->wc_version, (version | 1) + 1, __ATOMIC_RELAXED);
}
