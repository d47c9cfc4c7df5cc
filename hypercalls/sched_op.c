/*
 * hypercalls/sched_op.c - HYPERVISOR_sched_op: yield, block, shutdown.
 *
 * SCHEDOP_poll and the watchdog need event channels and timers (the
 * inter-domain issue) and answer -ENOSYS until then.
 */
#include "hypercalls/hypercalls.h"

#include <stddef.h>
#include <stdint.h>

#include <xen/sched.h>

#include "arch/guest_access.h"
#include "hypervisor/common/domain.h"
#include "lib/errno.h"
#include "sched/sched.h"

static long shutdown_self(struct vcpu *v, uint64_t arg)
{
	struct sched_shutdown s;

	if (copy_from_guest(&s, arg, sizeof(s)))
		return -EFAULT;
	return domain_shutdown(v->domain, s.reason);
}

static long remote_shutdown(struct vcpu *v, uint64_t arg)
{
	struct sched_remote_shutdown s;
	struct domain *d;
	long rc;

	if (copy_from_guest(&s, arg, sizeof(s)))
		return -EFAULT;
	if (!v->domain->is_privileged)
		return -EPERM;
	d = domain_lookup(s.domain_id, NULL);
	if (!d)
		return -ESRCH;
	rc = domain_shutdown(d, s.reason);
	domain_put(d);
	return rc;
}

long do_sched_op(struct vcpu *v, int cmd, uint64_t arg)
{
	switch (cmd) {
	case SCHEDOP_yield:
		sched_yield(v);
		return 0;
	case SCHEDOP_block:
		/* Blocking re-enables event delivery; a pending event means "don't sleep". */
		if (v->vcpu_info) {
			v->vcpu_info->evtchn_upcall_mask = 0;
			if (v->vcpu_info->evtchn_upcall_pending)
				return 0;
		}
		vcpu_block(v);
		sched_yield(v);
		return 0;
	case SCHEDOP_shutdown:
		return shutdown_self(v, arg);
	case SCHEDOP_shutdown_code: {
		struct sched_shutdown s;

		if (copy_from_guest(&s, arg, sizeof(s)))
			return -EFAULT;
		if (s.reason > SHUTDOWN_MAX)
			return -EINVAL;
		return domain_set_shutdown_code(v->domain, s.reason);
	}
	case SCHEDOP_remote_shutdown:
		return remote_shutdown(v, arg);
	default:
		return -ENOSYS;
	}
}
