/*
 * hypercalls/vcpu_op.c - HYPERVISOR_vcpu_op (the guest timers, is_up and
 * get_runstate_info so far) and HYPERVISOR_set_timer_op.
 *
 * Timers, as Xen 4.17 behaves (tests/pv/kernels/time.c): deadlines are
 * absolute system time (the pvclock's nanoseconds); when one passes,
 * VIRQ_TIMER is sent to the vCPU.  set_timer_op and the singleshot ops
 * share one timer; a deadline already past fires before the call returns
 * (the singleshot's is signed, and VCPU_SSHOTTMR_future is ignored, as
 * the header allows); set_timer_op(0) cancels, and a set_timer_op deadline
 * that is negative or 2^50 ns or more ahead becomes "in 100 ms" (Xen's
 * guard against guests' overflowed deadlines).  The periodic timer (1 ms
 * to 2^62-1 ns) may be set for any vCPU of the domain; the singleshot one
 * only by the vCPU itself (-EINVAL).  A vCPU id the domain does not have
 * is -ENOENT, checked first.  The rest of VCPUOP
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

/* Xen's shortest and longest periodic timer. */
#define MIN_PERIOD_NS 1000000ULL
#define MAX_PERIOD_NS ((1ULL << 62) - 1)
/* set_timer_op deadlines this far ahead (or negative) are taken as overflowed. */
#define FAR_FUTURE_NS (1ULL << 50)
#define OVERFLOW_DELAY_NS 100000000ULL

/* Arms v's one-shot timer, or fires it now when the deadline has passed. */
static void arm_or_fire(struct vcpu *v, int64_t deadline)
{
	if (deadline <= (int64_t)sched_now_ns()) {
		sched_set_guest_timer(v, 0);
		sched_guest_timer_fire(v);
		return;
	}
	sched_set_guest_timer(v, (uint64_t)deadline);
}

long do_set_timer_op(struct vcpu *v, uint64_t timeout)
{
	uint64_t now = sched_now_ns();

	if (!timeout) {
		sched_set_guest_timer(v, 0);
		return 0;
	}
	if ((int64_t)timeout < 0 || (timeout > now && timeout - now >= FAR_FUTURE_NS))
		timeout = now + OVERFLOW_DELAY_NS;
	arm_or_fire(v, (int64_t)timeout);
	return 0;
}

static long singleshot(struct vcpu *v, uint64_t arg)
{
	struct vcpu_set_singleshot_timer t;

	if (copy_from_guest(&t, arg, sizeof(t)))
		return -EFAULT;
	arm_or_fire(v, (int64_t)t.timeout_abs_ns);
	return 0;
}

static long periodic(struct vcpu *v, uint64_t arg)
{
	struct vcpu_set_periodic_timer t;

	if (copy_from_guest(&t, arg, sizeof(t)))
		return -EFAULT;
	if (t.period_ns < MIN_PERIOD_NS || t.period_ns > MAX_PERIOD_NS)
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
	case VCPUOP_get_runstate_info: {
		struct vcpu_runstate_info r;

		vcpu_runstate_get(target, &r);
		return copy_to_guest(arg, &r, sizeof(r)) ? -EFAULT : 0;
	}
	case VCPUOP_set_singleshot_timer:
		return target == v ? singleshot(v, arg) : -EINVAL;
	case VCPUOP_stop_singleshot_timer:
		if (target != v)
			return -EINVAL;
		sched_set_guest_timer(v, 0);
		return 0;
	case VCPUOP_set_periodic_timer:
		return periodic(target, arg);
	case VCPUOP_stop_periodic_timer:
		sched_set_guest_periodic(target, 0);
		return 0;
	default:
		return -ENOSYS;
	}
}
