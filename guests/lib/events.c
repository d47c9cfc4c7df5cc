/*
 * guests/lib/events.c - event channels by polling (see events.h).
 *
 * Owns the handler table (one entry per port of the 2-level ABI).
 * Ports are bound to vCPU 0, the only one our kernels run.  The upcall
 * mask stays set except inside SCHEDOP_block, so nothing here races with
 * the event callback, which only clears evtchn_upcall_pending.
 */
#include "guests/lib/events.h"

#include "guests/lib/console.h"
#include "guests/lib/hypercall.h"
#include "guests/lib/mm.h"
#include "guests/lib/traps.h"
#include "lib/errno.h"

#define NR_PORTS   (sizeof(xen_ulong_t) * 8 * sizeof(xen_ulong_t) * 8)
#define WORD_BITS  (sizeof(xen_ulong_t) * 8)

struct port_handler {
	evtchn_handler_t fn;
	void *data;
};

static struct port_handler handlers[NR_PORTS];

static void port_mask(evtchn_port_t port, bool masked)
{
	xen_ulong_t bit = 1UL << (port % WORD_BITS);

	if (masked)
		__atomic_fetch_or(&shared_info->evtchn_mask[port / WORD_BITS], bit, __ATOMIC_SEQ_CST);
	else
		__atomic_fetch_and(&shared_info->evtchn_mask[port / WORD_BITS], ~bit,
				   __ATOMIC_SEQ_CST);
}

void events_init(void)
{
	shared_info->vcpu_info[0].evtchn_upcall_mask = 1;
	for (unsigned int w = 0; w < sizeof(shared_info->evtchn_mask) / sizeof(xen_ulong_t); w++)
		shared_info->evtchn_mask[w] = ~(xen_ulong_t)0;
	traps_init();
}

void evtchn_bind(evtchn_port_t port, evtchn_handler_t handler, void *data)
{
	if (port >= NR_PORTS)
		panic("evtchn_bind: port %u out of range", port);
	handlers[port] = (struct port_handler){ handler, data };
	port_mask(port, false);
	/* An event that arrived while masked is still pending: the next poll runs it. */
	if (shared_info->evtchn_pending[port / WORD_BITS] & (1UL << (port % WORD_BITS)))
		__atomic_fetch_or(&shared_info->vcpu_info[0].evtchn_pending_sel,
				  1UL << (port / WORD_BITS), __ATOMIC_SEQ_CST);
}

void evtchn_unbind(evtchn_port_t port)
{
	if (port >= NR_PORTS)
		return;
	port_mask(port, true);
	handlers[port] = (struct port_handler){ 0 };
}

long evtchn_bind_virq(uint32_t virq, evtchn_handler_t handler, void *data)
{
	struct evtchn_bind_virq b = { .virq = virq, .vcpu = 0 };
	long rc = hyp_event_channel_op(EVTCHNOP_bind_virq, &b);

	if (rc)
		return rc;
	evtchn_bind(b.port, handler, data);
	return b.port;
}

long evtchn_alloc_unbound(domid_t dom, domid_t remote)
{
	struct evtchn_alloc_unbound a = { .dom = dom, .remote_dom = remote };
	long rc = hyp_event_channel_op(EVTCHNOP_alloc_unbound, &a);

	return rc ? rc : (long)a.port;
}

long evtchn_bind_interdomain(domid_t remote, evtchn_port_t rport, evtchn_handler_t handler,
			     void *data)
{
	struct evtchn_bind_interdomain b = { .remote_dom = remote, .remote_port = rport };
	long rc = hyp_event_channel_op(EVTCHNOP_bind_interdomain, &b);

	if (rc)
		return rc;
	evtchn_bind(b.local_port, handler, data);
	return b.local_port;
}

long evtchn_notify(evtchn_port_t port)
{
	struct evtchn_send s = { .port = port };

	return hyp_event_channel_op(EVTCHNOP_send, &s);
}

long evtchn_close(evtchn_port_t port)
{
	struct evtchn_close c = { .port = port };

	evtchn_unbind(port);
	return hyp_event_channel_op(EVTCHNOP_close, &c);
}

/* Runs the handlers of the pending, unmasked ports of word @w. */
static bool poll_word(unsigned int w)
{
	xen_ulong_t ready = shared_info->evtchn_pending[w] & ~shared_info->evtchn_mask[w];
	bool ran = false;

	while (ready) {
		unsigned int bit = __builtin_ctzl(ready);
		evtchn_port_t port = w * WORD_BITS + bit;

		ready &= ready - 1;
		__atomic_fetch_and(&shared_info->evtchn_pending[w], ~(1UL << bit),
				   __ATOMIC_SEQ_CST);
		if (handlers[port].fn) {
			handlers[port].fn(port, handlers[port].data);
			ran = true;
		}
	}
	return ran;
}

bool evtchn_poll(void)
{
	struct vcpu_info *v = &shared_info->vcpu_info[0];
	bool ran = false;
	xen_ulong_t sel;

	v->evtchn_upcall_pending = 0;
	sel = __atomic_exchange_n(&v->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
	while (sel) {
		unsigned int w = __builtin_ctzl(sel);

		sel &= sel - 1;
		ran |= poll_word(w);
	}
	return ran;
}
