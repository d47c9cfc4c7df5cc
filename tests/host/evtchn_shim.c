/*
 * tests/host/evtchn_shim.c - evtchn_kick_vcpu() for unit tests: the
 * machine wakes the vCPU; here the kick is only recorded, so tests can
 * check who was kicked, how often, and (with the callback) when.
 */
#include "host/evtchn_shim.h"

#include <stddef.h>

#include "hypercalls/evtchn.h"

unsigned int host_evtchn_kicks;
struct vcpu *host_evtchn_kicked[HOST_EVTCHN_KICKS_KEPT];
void (*host_evtchn_on_kick)(struct vcpu *v);

void host_evtchn_reset(void)
{
	host_evtchn_kicks = 0;
	host_evtchn_on_kick = NULL;
	for (unsigned int i = 0; i < HOST_EVTCHN_KICKS_KEPT; i++)
		host_evtchn_kicked[i] = NULL;
}

unsigned int host_evtchn_kicks_of(const struct vcpu *v)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < host_evtchn_kicks && i < HOST_EVTCHN_KICKS_KEPT; i++)
		n += host_evtchn_kicked[i] == v;
	return n;
}

void evtchn_kick_vcpu(struct vcpu *v)
{
	if (host_evtchn_kicks < HOST_EVTCHN_KICKS_KEPT)
		host_evtchn_kicked[host_evtchn_kicks] = v;
	host_evtchn_kicks++;
	if (host_evtchn_on_kick)
		host_evtchn_on_kick(v);
}
