/*
 * tests/pv/twodom/ctl.h - the privileged and grant-table hypercalls the
 * two-domain test needs (domctl, sysctl; the others are in guests/lib/hypercall.h), with their interface versions filled.
 */
#ifndef TESTS_PV_TWODOM_CTL_H
#define TESTS_PV_TWODOM_CTL_H

/* Built with -D__XEN_TOOLS__ (the Makefile): domctl.h and sysctl.h are the toolstack's headers. */
#include <stdint.h>

#include <xen/domctl.h>
#include <xen/grant_table.h>
#include <xen/sysctl.h>
#include <xen/xen.h>

#include "guests/lib/hypercall.h"

static inline long hyp_domctl(struct xen_domctl *op)
{
	op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	return pv_hypercall1(__HYPERVISOR_domctl, op);
}

static inline long hyp_sysctl(struct xen_sysctl *op)
{
	op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
	return pv_hypercall1(__HYPERVISOR_sysctl, op);
}

#endif /* TESTS_PV_TWODOM_CTL_H */
