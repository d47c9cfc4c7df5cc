/*
 * hypercalls/domctl_affinity.c - XEN_DOMCTL_setvcpuaffinity and
 * XEN_DOMCTL_getvcpuaffinity (xen/domctl.h): the CPUs a vCPU may run on
 * (hard affinity) and would rather run on (soft), as Xen 4.17 answers
 * (tests/pv/kernels/affinity.c gives the same verdicts on both).
 *
 * Masks travel as struct xenctl_bitmap: a guest pointer to bytes (CPU c
 * is bit c % 8 of byte c / 8) and their number of bits.  Keel's CPUs are
 * numbered 0 .. physinfo's max_cpu_id (at most 64, the width of
 * sched_affinity's masks).  Read in, only bits naming Keel's CPUs count
 * (and only within the caller's nr_bits); written out, the caller's whole
 * nr_bits is filled, 0 past Keel's CPUs.  So "every CPU", the default,
 * reads back as exactly CPUs 0 .. max_cpu_id.
 *
 * set: the masks flags names (XEN_VCPUAFFINITY_HARD and/or _SOFT) are
 * read first, then set together, so a failure changes nothing; then the
 * effective masks go back into the same bitmaps (hard: & the CPUs
 * online; soft: & that too), as Xen does.  A write-back that faults is
 * -EFAULT with the change made (Xen's answer too).  get: the masks as
 * last set (every CPU until then), not limited to the CPUs online.
 *
 * Errors, as Xen's: -EINVAL no such vCPU, no flags at all, a NULL bitmap
 * for a mask flags names, a hard mask naming no CPU online; -EFAULT a
 * bitmap that cannot be read or written.  Other flags, such as
 * XEN_VCPUAFFINITY_FORCE (undo a SCHEDOP_pin_override, which Keel does
 * not have), change nothing.  Xen's -ESRCH, a vCPU not yet made by
 * max_vcpus, cannot happen: Keel makes them all at createdomain.
 *
 * Locks: runs under the domctl lock (domctl.c); sched_vcpu_affinity_*
 * take the scheduler's own.
 */
#undef __XEN_INTERFACE_VERSION__
#define __XEN_TOOLS__ 1 /* domctl.h is a toolstack header (see control.h) */

#include "hypercalls/control.h"

#include <xen/domctl.h>

#include "arch/guest_access.h"
#include "hypervisor/common/domain.h"
#include "lib/compiler.h"
#include "lib/errno.h"
#include "sched/sched.h"

/* Bits 0 .. n-1 of a mask (n up to 64). */
static uint64_t bits_below(unsigned int n)
{
	return n >= 64 ? ~0ULL : (1ULL << n) - 1;
}

/* How many CPU numbers Keel has: physinfo's max_cpu_id + 1. */
static unsigned int cpu_ids(void)
{
	struct control_machine m;

	arch_control_machine(&m);
	return MIN(m.max_cpu_id + 1, 64u);
}

/* The mask in the caller's bitmap b, CPUs past nr_cpus dropped: 0 or -EFAULT. */
static int bitmap_in(const struct xenctl_bitmap *b, unsigned int nr_cpus, uint64_t *mask)
{
	uint8_t bytes[8];
	unsigned int n = (unsigned int)MIN((b->nr_bits + 7ULL) / 8, (nr_cpus + 7) / 8);

	if (n && copy_from_guest(bytes, (uint64_t)(uintptr_t)b->bitmap.p, n))
		return -EFAULT;
	*mask = 0;
	for (unsigned int i = 0; i < n; i++)
		*mask |= (uint64_t)bytes[i] << (8 * i);
	*mask &= bits_below(MIN(b->nr_bits, nr_cpus));
	return 0;
}

/* mask over the whole of the caller's bitmap b, 0 past nr_cpus: 0 or -EFAULT. */
static int bitmap_out(const struct xenctl_bitmap *b, unsigned int nr_cpus, uint64_t mask)
{
	/*
	 * nr_bits is the caller's, up to 2^32: a bitmap of up to 512 MiB to
	 * clear.  A range that is not the guest's fails before any write,
	 * and the clearing goes a page at a time.
	 */
	static const uint8_t zeros[PAGE_SIZE];
	uint64_t va = (uint64_t)(uintptr_t)b->bitmap.p, len = (b->nr_bits + 7ULL) / 8;
	unsigned int n = (unsigned int)MIN(len, (nr_cpus + 7) / 8);
	uint8_t bytes[8];

	if (!guest_range_ok(va, len))
		return -EFAULT;
	mask &= bits_below(MIN(b->nr_bits, nr_cpus));
	for (unsigned int i = 0; i < n; i++)
		bytes[i] = (uint8_t)(mask >> (8 * i));
	if (n && copy_to_guest(va, bytes, n))
		return -EFAULT;
	for (uint64_t at = n; at < len; at += sizeof(zeros))
		if (copy_to_guest(va + at, zeros, MIN(len - at, sizeof(zeros))))
			return -EFAULT;
	return 0;
}

/* Writes the masks flags names into their bitmaps: 0 or -EFAULT. */
static long affinity_out(const struct xen_domctl_vcpuaffinity *va, unsigned int nr_cpus,
			 const struct sched_affinity *a)
{
	if ((va->flags & XEN_VCPUAFFINITY_HARD) && bitmap_out(&va->cpumap_hard, nr_cpus, a->hard))
		return -EFAULT;
	if ((va->flags & XEN_VCPUAFFINITY_SOFT) && bitmap_out(&va->cpumap_soft, nr_cpus, a->soft))
		return -EFAULT;
	return 0;
}

/* set: the masks flags names replace v's, the others stay. */
static long affinity_set(struct vcpu *v, const struct xen_domctl_vcpuaffinity *va,
			 unsigned int nr_cpus)
{
	struct sched_affinity a;
	long rc;

	sched_vcpu_affinity_get(v, &a);
	if ((va->flags & XEN_VCPUAFFINITY_HARD) && bitmap_in(&va->cpumap_hard, nr_cpus, &a.hard))
		return -EFAULT;
	if ((va->flags & XEN_VCPUAFFINITY_SOFT) && bitmap_in(&va->cpumap_soft, nr_cpus, &a.soft))
		return -EFAULT;
	rc = sched_vcpu_affinity_set(v, &a);
	return rc ? rc : affinity_out(va, nr_cpus, &a);
}

long domctl_vcpu_affinity(struct domain *d, uint32_t cmd, const struct xen_domctl_vcpuaffinity *va)
{
	struct vcpu *v = domain_vcpu(d, va->vcpu);
	unsigned int nr_cpus = cpu_ids();
	struct sched_affinity a;

	if (!v || !va->flags)
		return -EINVAL;
	if (((va->flags & XEN_VCPUAFFINITY_HARD) && !va->cpumap_hard.bitmap.p) ||
	    ((va->flags & XEN_VCPUAFFINITY_SOFT) && !va->cpumap_soft.bitmap.p))
		return -EINVAL;
	if (cmd == XEN_DOMCTL_setvcpuaffinity)
		return affinity_set(v, va, nr_cpus);
	sched_vcpu_affinity_get(v, &a);
	return affinity_out(va, nr_cpus, &a);
}
