/*
 * guests/lib/events.h - event channels (2-level ABI) and VIRQs in a guest
 * kernel.
 *
 * Events are polled, never handled at interrupt time: the kernel runs
 * with vCPU 0's upcall mask set, and the thread scheduler calls
 * evtchn_poll() between threads and after SCHEDOP_block (which clears the
 * mask while it waits).  The event callback only clears
 * evtchn_upcall_pending and returns, so a handler always runs in thread
 * context and may wake threads or do small work, but must not sleep.
 */
#ifndef GUESTS_LIB_EVENTS_H
#define GUESTS_LIB_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include <xen/event_channel.h>
#include <xen/xen.h>

typedef void (*evtchn_handler_t)(evtchn_port_t port, void *data);

/** Registers the callbacks and the trap table; masks every port. */
void events_init(void);

/** Calls @handler(port, @data) on each event on @port from now on, and unmasks it. */
void evtchn_bind(evtchn_port_t port, evtchn_handler_t handler, void *data);

/** Masks @port and forgets its handler (the port stays open). */
void evtchn_unbind(evtchn_port_t port);

/** EVTCHNOP_bind_virq on vCPU 0 with @handler; the port or a negative errno. */
long evtchn_bind_virq(uint32_t virq, evtchn_handler_t handler, void *data);

/** EVTCHNOP_alloc_unbound in @dom for @remote: the port or a negative errno. */
long evtchn_alloc_unbound(domid_t dom, domid_t remote);

/** EVTCHNOP_bind_interdomain to (@remote, @rport) with @handler: the local port or errno. */
long evtchn_bind_interdomain(domid_t remote, evtchn_port_t rport, evtchn_handler_t handler,
			     void *data);

/** EVTCHNOP_send. */
long evtchn_notify(evtchn_port_t port);

/** evtchn_unbind() then EVTCHNOP_close. */
long evtchn_close(evtchn_port_t port);

/** Runs the handler of every pending unmasked port; returns whether any ran. */
bool evtchn_poll(void);

#endif /* GUESTS_LIB_EVENTS_H */
