/*
 * hypercalls/sched_op.c - HYPERVISOR_sched_op: yield, block, shutdown.
 *
 * Timers are the machine's (sched/sched.h): poll timeouts and watchdogs.
 */
#include "hypercalls/hypercalls.h"

#include <stddef.h>
#include <stdint.h>

#include <xen/event_channel.h>
#include <xen/sched.h>

#include "arch/guest_access.h"
#include "hypercalls/evtchn.h"
#include "hypervisor/common/domain.h"
#include "lib/errno.h"
#include "lib/printk.h"
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

/* Ports a 2-level event-channel domain can have: one bit per port in shared_info. */
#define EVTCHN_2L_NR_PORTS (sizeof(xen_ulong_t) * 8 * sizeof(xen_ulong_t) * 8)
/* Xen's limit on the ports of one SCHEDOP_poll. */
#define POLL_MAX_PORTS 128

/*
 * SCHEDOP_poll: sleep until one of the ports is pending or the timeout
 * (absolute system time; 0 = none) passes.  Returns at once (0) when a
 * port is already pending.  A sender wakes the poller (event channels).
 */
static long poll(struct vcpu *v, uint64_t arg)
{
	struct sched_poll p;

	if (copy_from_guest(&p, arg, sizeof(p)))
		return -EFAULT;
	if (p.nr_ports > POLL_MAX_PORTS)
		return -EINVAL;
	if (!guest_range_ok((uint64_t)p.ports.p, p.nr_ports * sizeof(evtchn_port_t)))
		return -EFAULT;
	/*
	 * Block first, then look at the ports: a send landing in between
	 * either shows here as pending or finds the vCPU blocked and wakes
	 * it (event_channel.c kicks blocked vCPUs).
	 */
	vcpu_block(v);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (unsigned int i = 0; i < p.nr_ports; i++) {
		evtchn_port_t port;
		long rc = 0;

		if (copy_from_guest(&port, (uint64_t)p.ports.p + i * sizeof(port), sizeof(port)))
			rc = -EFAULT;
		else if (port >= EVTCHN_2L_NR_PORTS)
			rc = -EINVAL;
		else if (!evtchn_port_pending(v->domain, port))
			continue;
		vcpu_wake(v);
		return rc;
	}
	if (p.timeout && p.timeout <= sched_now_ns()) {
		vcpu_wake(v);
		return 0;
	}
	if (p.timeout)
		sched_set_wakeup(v, p.timeout);
	return 0; /* the exit path sees v blocked and picks another vCPU */
}

/* Arms the machine's timer for d's earliest watchdog deadline. */
static void rearm_watchdogs(struct domain *d)
{
	uint64_t next = 0;

	for (unsigned int i = 0; i < 2; i++)
		if (d->watchdog_deadline[i] && (!next || d->watchdog_deadline[i] < next))
			next = d->watchdog_deadline[i];
	sched_watchdog_arm(d, next);
}

/*
 * SCHEDOP_watchdog: id 0 creates a watchdog (returns its id, 1 or 2); a
 * known id with a timeout re-arms it, with timeout 0 destroys it.  A
 * watchdog not re-armed within its timeout (seconds) shuts the domain
 * down with SHUTDOWN_watchdog.
 */
static long watchdog(struct vcpu *v, uint64_t arg)
{
	struct domain *d = v->domain;
	struct sched_watchdog w;
	long rc;

	if (copy_from_guest(&w, arg, sizeof(w)))
		return -EFAULT;
	spin_lock(&d->lock);
	if (w.id == 0) {
		rc = -ENOSPC;
		for (unsigned int i = 0; i < 2; i++) {
			if (d->watchdog_deadline[i])
				continue;
			d->watchdog_timeout_ns[i] = (uint64_t)w.timeout * 1000000000ULL;
			d->watchdog_deadline[i] = sched_now_ns() + d->watchdog_timeout_ns[i];
			rc = i + 1;
			break;
		}
	} else if (w.id > 2 || !d->watchdog_deadline[w.id - 1]) {
		rc = -EINVAL;
	} else if (w.timeout == 0) {
		d->watchdog_deadline[w.id - 1] = 0;
		rc = 0;
	} else {
		d->watchdog_timeout_ns[w.id - 1] = (uint64_t)w.timeout * 1000000000ULL;
		d->watchdog_deadline[w.id - 1] = sched_now_ns() + d->watchdog_timeout_ns[w.id - 1];
		rc = 0;
	}
	spin_unlock(&d->lock);
	rearm_watchdogs(d);
	return rc;
}

void sched_op_watchdog_expired(struct domain *d)
{
	uint64_t now = sched_now_ns();
	bool fired = false;

	spin_lock(&d->lock);
	for (unsigned int i = 0; i < 2; i++) {
		if (d->watchdog_deadline[i] && d->watchdog_deadline[i] <= now) {
			d->watchdog_deadline[i] = 0;
			fired = true;
		}
	}
	spin_unlock(&d->lock);
	if (fired) {
		printk(KLOG_WARNING "watchdog timer fired for domain %u\n", d->domid);
		domain_shutdown(d, SHUTDOWN_watchdog);
	}
	rearm_watchdogs(d);
}

long do_sched_op(struct vcpu *v, int cmd, uint64_t arg)
{
	switch (cmd) {
	case SCHEDOP_yield:
		sched_yield(v);
		return 0;
	case SCHEDOP_block:
		/*
		 * Blocking re-enables event delivery; a pending event means "don't
		 * sleep".  Block first, then look: an event sent in between either
		 * is seen here or finds the vCPU blocked and wakes it.
		 */
		if (v->vcpu_info)
			v->vcpu_info->evtchn_upcall_mask = 0;
		vcpu_block(v);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (v->vcpu_info && v->vcpu_info->evtchn_upcall_pending)
			vcpu_wake(v);
		/* No yield: blocked, the exit path picks another; woken again, v runs on. */
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
	case SCHEDOP_poll:
		return poll(v, arg);
	case SCHEDOP_watchdog:
		return watchdog(v, arg);
	default:
		return -ENOSYS;
	}
}
