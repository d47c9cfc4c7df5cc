/*
 * guests/lib/time.c - system time and wall clock (see time.h).
 */
#include "guests/lib/time.h"

#include "guests/lib/mm.h"

uint64_t time_now_ns(void)
{
	return pvclock_now(&shared_info->vcpu_info[0].time);
}

uint64_t time_wallclock_sec(void)
{
	volatile struct shared_info *s = shared_info;
	uint32_t version, sec;

	do {
		version = s->wc_version;
		__asm__ volatile("" ::: "memory");
		sec = s->wc_sec;
		__asm__ volatile("" ::: "memory");
	} while ((version & 1) || version != s->wc_version);
	return sec + time_now_ns() / NSEC_PER_SEC;
}
