/*
 * tests/pv/sched_ctl.c - the credit scheduler's domctl for PV kernels
 * (see sched_ctl.h).
 */
#undef __XEN_INTERFACE_VERSION__
#define __XEN_TOOLS__ 1 /* domctl.h is a toolstack header */

#include "tests/pv/sched_ctl.h"

#include <xen/xen.h>
#include <xen/domctl.h>

#include "lib/string.h"
#include "guests/lib/hypercall.h"

long pv_sched_credit_op(uint32_t sched_id, uint32_t cmd, uint16_t domid, uint16_t *weight,
			uint16_t *cap)
{
	struct xen_domctl op;
	long rc;

	memset(&op, 0, sizeof(op));
	op.cmd = XEN_DOMCTL_scheduler_op;
	op.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	op.domain = domid;
	op.u.scheduler_op.sched_id = sched_id;
	op.u.scheduler_op.cmd = cmd;
	op.u.scheduler_op.u.credit.weight = *weight;
	op.u.scheduler_op.u.credit.cap = *cap;
	rc = pv_hypercall1(__HYPERVISOR_domctl, &op);
	*weight = op.u.scheduler_op.u.credit.weight;
	*cap = op.u.scheduler_op.u.credit.cap;
	return rc;
}
