/*
 * hypercalls/vcpu_op.c - HYPERVISOR_vcpu_op (the guest timers and is_up so
 * far) and HYPERVISOR_set_timer_op.
 *
 * Timers, as Xen defines them: deadlines are absolute system time (the
 * pvclock's nanoseconds); when one passes, VIRQ_TIMER is sent to the vCPU.
 * A vCPU may set only its own timers (-EINVAL for another, as Xen); a
 * vCPU id the domain does not have is -ENOENT.  The rest of VCPUOP
 * (initialise, up, down, runstate, register_vcpu_info, ...) is the
 * multi-vCPU part of the inter-domain issue: -ENOSYS until then.
 */
#include "hypercalls/hypercalls.h"

#include <stddef.h>
#include <stdint.h>

#include <xen/vcpu.h>
#include <xen/xen.h>

#include "arch/guest_access.h"
#include "hypervisor/common/domain.h"
#include "lib/errno.h"
#include "sched/sched.h"

/* Xen's shortest periodic timer. */
#define MIN_PERIOD_NS 1000000ULL

long do_set_timer_op(struct vcpu *v, uint64_t timeout)
{
	sched_set_guest_timer(v, timeout);
	return 0;
}

static long singleshot(struct vcpu *v, uint64_t arg)
{
	struct vcpu_set_singleshot_timer t;

	if (copy_from_guest(&t, arg, sizeof(t)))
		return -EFAULT;
	if ((t.flags & VCPU_SSHOTTMR_future) && t.timeout_abs_ns < sched_now_ns())
		return -ETIME;
	sched_set_guest_timer(v, t.timeout_abs_ns);
	return 0;
}

static long periodic(struct vcpu *v, uint64_t arg)
{
	struct vcpu_set_periodic_timer t;

	if (copy_from_guest(&t, arg, sizeof(t)))
		return -EFAULT;
	if (t.period_ns < MIN_PERIOD_NS)
		return -EINVAL;
	sched_set_guest_periodic(v, t.period_ns);
	return 0;
}

long do_vcpu_op(struct vcpu *v, int cmd, unsigned int vcpuid, uint64_t arg)
{
	struct vcpu *target = domain_vcpu(v->domain, vcpuid);

	if (!target)
		return -ENOENT;
	switch (cmd) {
	case VCPUOP_is_up:
		return target->state != VCPU_OFFLINE;
	case VCPUOP_set_singleshot_timer:
		return target == v ? singleshot(v, arg) : -EINVAL;
	case VCPUOP_stop_singleshot_timer:
		if (target != v)
			return -EINVAL;
		sched_set_guest_timer(v, 0);
		return 0;
	case VCPUOP_set_periodic_timer:
		return target == v ? periodic(v, arg) : -EINVAL;
	case VCPUOP_stop_periodic_timer:
		if (target != v)
			return -EINVAL;
		sched_set_guest_periodic(v, 0);
		return 0;
	default:
		return -ENOSYS;
	}
}
