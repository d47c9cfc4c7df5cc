/*
 * tests/pv/events.c - event-channel helpers of the PV test kernels
 * (tests/pv/events.h).
 */
#include "tests/pv/events.h"

#include <xen/sched.h>

#include "guests/lib/hypercall.h"
#include "tests/pv/mm.h"
#include "tests/pv/vcpu.h"

long evtchn_op(int cmd, void *arg)
{
	return hyp_event_channel_op(cmd, arg);
}

bool port_pending(evtchn_port_t p)
{
	return pv_shared_info->evtchn_pending[PORT_WORD(p)] & PORT_BIT(p);
}

bool port_masked(evtchn_port_t p)
{
	return pv_shared_info->evtchn_mask[PORT_WORD(p)] & PORT_BIT(p);
}

void port_clear(evtchn_port_t p)
{
	__atomic_fetch_and(&pv_shared_info->evtchn_pending[PORT_WORD(p)], ~PORT_BIT(p),
			   __ATOMIC_SEQ_CST);
}

void port_mask(evtchn_port_t p)
{
	__atomic_fetch_or(&pv_shared_info->evtchn_mask[PORT_WORD(p)], PORT_BIT(p),
			  __ATOMIC_SEQ_CST);
}

void port_unmask_local(evtchn_port_t p)
{
	__atomic_fetch_and(&pv_shared_info->evtchn_mask[PORT_WORD(p)], ~PORT_BIT(p),
			   __ATOMIC_SEQ_CST);
}

/* Forgets vCPU 0's selector and upcall flag. */
void clear_vcpu_events(void)
{
	__atomic_exchange_n(&pv_vcpu0->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
	pv_vcpu0->evtchn_upcall_pending = 0;
}

/* alloc_unbound(dom, remote_dom): the port, or the negative error. */
long alloc_unbound(domid_t dom, domid_t remote)
{
	struct evtchn_alloc_unbound a = {.dom = dom, .remote_dom = remote, .port = 0xdead};
	long rc = evtchn_op(EVTCHNOP_alloc_unbound, &a);

	return rc ? rc : (long)a.port;
}

long bind_interdomain(domid_t remote, evtchn_port_t rport)
{
	struct evtchn_bind_interdomain b = {
	    .remote_dom = remote, .remote_port = rport, .local_port = 0xdead};
	long rc = evtchn_op(EVTCHNOP_bind_interdomain, &b);

	return rc ? rc : (long)b.local_port;
}

long bind_virq(uint32_t virq, uint32_t vcpu)
{
	struct evtchn_bind_virq b = {.virq = virq, .vcpu = vcpu, .port = 0xdead};
	long rc = evtchn_op(EVTCHNOP_bind_virq, &b);

	return rc ? rc : (long)b.port;
}

long bind_ipi(uint32_t vcpu)
{
	struct evtchn_bind_ipi b = {.vcpu = vcpu, .port = 0xdead};
	long rc = evtchn_op(EVTCHNOP_bind_ipi, &b);

	return rc ? rc : (long)b.port;
}

long bind_vcpu(evtchn_port_t port, uint32_t vcpu)
{
	struct evtchn_bind_vcpu b = {.port = port, .vcpu = vcpu};

	return evtchn_op(EVTCHNOP_bind_vcpu, &b);
}

long ev_close(evtchn_port_t port)
{
	struct evtchn_close c = {.port = port};

	return evtchn_op(EVTCHNOP_close, &c);
}

long ev_send(evtchn_port_t port)
{
	struct evtchn_send s = {.port = port};

	return evtchn_op(EVTCHNOP_send, &s);
}

long ev_unmask(evtchn_port_t port)
{
	struct evtchn_unmask u = {.port = port};

	return evtchn_op(EVTCHNOP_unmask, &u);
}

/* status of (dom, port) into *s (prefilled with junk so stale fields show). */
long ev_status(domid_t dom, evtchn_port_t port, struct evtchn_status *s)
{
	s->dom = dom;
	s->port = port;
	s->status = 0xdead;
	s->vcpu = 0xdead;
	s->u.interdomain.dom = 0xdead;
	s->u.interdomain.port = 0xdead;
	return evtchn_op(EVTCHNOP_status, s);
}

bool ev_wait(evtchn_port_t p, uint64_t timeout_ns)
{
	struct sched_poll poll = { .nr_ports = 1, .timeout = pv_time_ns(&pv_vcpu0->time) + timeout_ns };
	evtchn_port_t port = p;

	set_xen_guest_handle(poll.ports, &port);
	while (!port_pending(p)) {
		if (pv_time_ns(&pv_vcpu0->time) >= poll.timeout)
			return false;
		hyp_sched_op(SCHEDOP_poll, &poll);
	}
	port_clear(p);
	return true;
}
