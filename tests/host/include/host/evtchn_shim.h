/*
 * tests/host/include/host/evtchn_shim.h - the unit tests' side of
 * evtchn_kick_vcpu() (hypercalls/evtchn.h; tests/host/evtchn_shim.c):
 * every kick is counted and the kicked vCPUs kept in order.
 */
#ifndef HOST_EVTCHN_SHIM_H
#define HOST_EVTCHN_SHIM_H

struct vcpu;

#define HOST_EVTCHN_KICKS_KEPT 64

/* Kicks since the last host_evtchn_reset(); the first HOST_EVTCHN_KICKS_KEPT vCPUs kicked. */
extern unsigned int host_evtchn_kicks;
extern struct vcpu *host_evtchn_kicked[HOST_EVTCHN_KICKS_KEPT];

/* Called from evtchn_kick_vcpu() if set, to look at the state at that moment. */
extern void (*host_evtchn_on_kick)(struct vcpu *v);

/* Forgets every kick and the callback. */
void host_evtchn_reset(void);

/* Kicks of v among those kept. */
unsigned int host_evtchn_kicks_of(const struct vcpu *v);

#endif
