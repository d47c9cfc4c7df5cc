/*
 * hypercalls/evtchn.h - event channels as the rest of Keel sees them
 * (hypercalls/event_channel.c; the guest's side is EVTCHNOP_*, in
 * hypercalls.h).
 *
 * Owns nothing itself: declares the per-domain lifecycle of the port
 * table, how Keel raises a VIRQ, and the one hook the machine provides
 * (evtchn_kick_vcpu).
 *
 * Only the 2-level ABI is offered (shared_info's evtchn_pending and
 * evtchn_mask bitmaps, one selector word per vCPU): a domain has at most
 * EVTCHN_2L_NR_CHANNELS ports, 0 .. EVTCHN_2L_MAX_PORT, and port 0 is
 * never handed out.
 *
 * Context: every function here takes domain event locks without
 * disabling interrupts, so none may be called from an interrupt handler
 * (it could spin on a lock the interrupted code holds), nor while holding
 * d->lock, the PV-MMU lock, the domain-list lock or a scheduler lock.
 * Call them holding none of Keel's locks; interrupts may be off (the exit
 * path's deferred work, where pv_timers.c wakes vCPUs, is a fine place).
 */
#ifndef HYPERCALLS_EVTCHN_H
#define HYPERCALLS_EVTCHN_H

#include <stdbool.h>
#include <stdint.h>

#include <xen/event_channel.h>
#include <xen/xen.h>

struct domain;
struct vcpu;

/* The highest port the 2-level ABI can name: 64 words of 64 bits, minus one. */
#define EVTCHN_2L_MAX_PORT ((unsigned int)EVTCHN_2L_NR_CHANNELS - 1u)
/* xl's default `max_event_channels`, which Xen takes as the highest port number. */
#define EVTCHN_DEFAULT_MAX_PORT 1023u

/*
 * Gives d its port table: ports 1 .. max_port may be allocated (Xen's
 * max_evtchn_port, inclusive; clamped to EVTCHN_2L_MAX_PORT, so ~0u means
 * "as many as the ABI allows", as for the control domain).  Call once,
 * before d is ACTIVE or at least before its vCPUs run.  Returns 0,
 * -ENOMEM, or -EEXIST if d already has a table.
 */
int evtchn_domain_init(struct domain *d, unsigned int max_port);

/*
 * Closes every port of d (an interdomain channel's other end becomes
 * unbound again, accepting a new binding from d's id, as EVTCHNOP_close
 * does) and frees the table.  After it, every event-channel operation
 * naming d fails (-ESRCH, or -EINVAL for a port of d).  Call after d is
 * DYING (so nobody new looks it up) and before its shared_info frame is
 * freed; harmless on a domain without a table (called twice, or after a
 * failed evtchn_domain_init).
 */
void evtchn_domain_destroy(struct domain *d);

/* True for the VIRQs xen.h marks "G." (global: bound on vCPU 0, re-targetable). */
bool evtchn_virq_is_global(unsigned int virq);

/*
 * Raises VIRQ virq (< NR_VIRQS) of v's domain: a per-vCPU VIRQ
 * (VIRQ_TIMER, VIRQ_DEBUG, ...) through the port v bound it to; a global
 * one through the domain's port for it, on whichever vCPU that port
 * notifies (v may then be any vCPU of the domain).  Nothing happens when
 * the VIRQ is not bound.  The caller keeps v's domain alive.
 */
void evtchn_send_virq(struct vcpu *v, unsigned int virq);

/* evtchn_send_virq() of a global VIRQ (VIRQ_DOM_EXC, VIRQ_CONSOLE, ...) to domain d. */
void evtchn_send_global_virq(struct domain *d, unsigned int virq);

/* A global VIRQ to the control domain (domain 0), if it exists and is not dying. */
void evtchn_send_control_virq(unsigned int virq);

/* Ports of d that are not closed (0 once evtchn_domain_destroy ran): a counter for debug keys. */
unsigned int evtchn_ports_in_use(struct domain *d);

/* True if port's bit is set in d's evtchn_pending (false for ports past the 2-level limit). */
bool evtchn_port_pending(const struct domain *d, evtchn_port_t port);

/*
 * Implemented by the machine (host tests: tests/host/evtchn_shim.c).
 * Something v should notice happened: v's evtchn_upcall_pending just went
 * from 0 to 1, or v is BLOCKED (perhaps in SCHEDOP_poll) and one of its
 * domain's ports just became pending.  Wakes v if it is blocked
 * (vcpu_wake) and makes the CPU running it, if another, deliver the
 * upcall on its next return to the guest.  Called with no event lock
 * held; must not call back into this interface.
 */
void evtchn_kick_vcpu(struct vcpu *v);

#endif /* HYPERCALLS_EVTCHN_H */
