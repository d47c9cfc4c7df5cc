/*
 * tests/pv/events.h - event-channel helpers of the PV test kernels: the
 * EVTCHNOP calls with their arguments filled, and the 2-level bits in
 * shared_info (pending, mask) and vCPU 0's vcpu_info.  Each call returns
 * what the hypercall returned; the binding calls return the port instead
 * of 0 on success.
 */
#ifndef TESTS_PV_EVENTS_H
#define TESTS_PV_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include <xen/event_channel.h>
#include <xen/xen.h>

#define PORT_WORD(p) ((p) / (8 * sizeof(xen_ulong_t)))
#define PORT_BIT(p)  (1UL << ((p) % (8 * sizeof(xen_ulong_t))))

long evtchn_op(int cmd, void *arg);
bool port_pending(evtchn_port_t p);
bool port_masked(evtchn_port_t p);
void port_clear(evtchn_port_t p);
void port_mask(evtchn_port_t p);
/* Clears the mask bit in shared_info directly (no hypercall, no re-delivery). */
void port_unmask_local(evtchn_port_t p);
/* Forgets vCPU 0's selector and upcall flag. */
void clear_vcpu_events(void);
long alloc_unbound(domid_t dom, domid_t remote);
long bind_interdomain(domid_t remote, evtchn_port_t rport);
long bind_virq(uint32_t virq, uint32_t vcpu);
long bind_ipi(uint32_t vcpu);
long bind_vcpu(evtchn_port_t port, uint32_t vcpu);
long ev_close(evtchn_port_t port);
long ev_send(evtchn_port_t port);
long ev_unmask(evtchn_port_t port);
/* status of (dom, port) into *s (prefilled with junk so stale fields show). */
long ev_status(domid_t dom, evtchn_port_t port, struct evtchn_status *s);
/*
 * Waits (SCHEDOP_poll) until port p is pending or timeout_ns passed, then
 * clears it.  Returns true if it was pending.  vCPU 0 only (it reads vCPU
 * 0's pvclock record).
 */
bool ev_wait(evtchn_port_t p, uint64_t timeout_ns);

#endif /* TESTS_PV_EVENTS_H */
