/*
 * guests/dom0/hv_local.c - vmctl's hypercall transport in our own dom0:
 * hypercalls straight through the hypercall page, foreign frames through
 * the kernel's foreign window (a Linux dom0 would use privcmd instead).
 */
#include "guests/dom0/dom0.h"

#include "guests/lib/hypercall.h"
#include "guests/lib/mm.h"
#include "guests/lib/thread.h"
#include "guests/lib/time.h"

static long local_hypercall(void *ctx, unsigned int nr, unsigned long a1, unsigned long a2,
			    unsigned long a3, unsigned long a4, unsigned long a5)
{
	return pv_hypercall5(nr, a1, a2, a3, a4, a5);
}

static void *local_map_foreign(void *ctx, domid_t dom, uint64_t mfn)
{
	long rc;

	return mm_map_foreign(dom, mfn, &rc);
}

static void local_unmap_foreign(void *ctx, void *va)
{
	mm_unmap_foreign(va);
}

static void local_sleep_ms(void *ctx, unsigned int ms)
{
	thread_sleep_ns(ms * NSEC_PER_MSEC);
}

const struct vmctl_hv dom0_hv = {
	.hypercall = local_hypercall,
	.map_foreign = local_map_foreign,
	.unmap_foreign = local_unmap_foreign,
	.sleep_ms = local_sleep_ms,
};
