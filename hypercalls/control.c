/*
 * hypercalls/control.c - what domctl.c and sysctl.c share: who may call
 * them (control_admit), and the record XEN_DOMCTL_getdomaininfo and
 * XEN_SYSCTL_getdomaininfolist report for one domain (xen/domctl.h's
 * struct xen_domctl_getdomaininfo), as Xen 4.17 fills it.
 *
 * The vCPU bits follow Xen's rule: `blocked` unless some online vCPU is
 * not blocked, `running` if one is on a CPU, neither when no vCPU is
 * online.  The shutdown code field holds 0xffff before any shutdown
 * (Xen's "no code" value shifted into bits 16-31).  `dying` is set from
 * the moment destroydomain started until the struct is gone.
 *
 * Locks: d->lock for the domain's fields and vCPU states (taken here),
 * then each vCPU's runstate through vcpu_runstate_get (which takes it
 * again): a snapshot, which may be stale as soon as it is returned.
 */
#undef __XEN_INTERFACE_VERSION__
#define __XEN_TOOLS__ 1 /* domctl.h is a toolstack header (see control.h) */

#include "hypercalls/control.h"

#include <xen/domctl.h>

#include "hypervisor/common/domain.h"
#include "lib/errno.h"
#include "lib/string.h"

long control_admit(const struct vcpu *v, uint32_t version, uint32_t expected)
{
	if (version != expected)
		return -EACCES;
	return v->domain->is_privileged ? 0 : -EPERM;
}

/* Bits 16-31 of the flags before any shutdown, as Xen 4.17 reports them. */
#define NO_SHUTDOWN_CODE 0xffffu

/* The XEN_DOMINF_* bits of d's vCPUs, their number online and their running time. */
static uint32_t vcpu_flags(struct domain *d, struct xen_domctl_getdomaininfo *info)
{
	enum vcpu_state state[DOMAIN_MAX_VCPUS];
	uint32_t flags = XEN_DOMINF_blocked;

	spin_lock(&d->lock);
	for (unsigned int i = 0; i < d->max_vcpus; i++)
		state[i] = d->vcpus[i]->state;
	spin_unlock(&d->lock);
	info->max_vcpu_id = d->max_vcpus ? d->max_vcpus - 1 : XEN_INVALID_MAX_VCPU_ID;
	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		struct vcpu_runstate_info rs;

		vcpu_runstate_get(d->vcpus[i], &rs);
		info->cpu_time += rs.time[RUNSTATE_running];
		if (state[i] == VCPU_OFFLINE)
			continue;
		info->nr_online_vcpus++;
		if (state[i] != VCPU_BLOCKED)
			flags &= ~XEN_DOMINF_blocked;
		if (state[i] == VCPU_RUNNING)
			flags |= XEN_DOMINF_running;
	}
	return info->nr_online_vcpus ? flags : 0;
}

void control_domain_info(struct domain *d, struct xen_domctl_getdomaininfo *info)
{
	uint32_t flags, code;

	memset(info, 0, sizeof(*info));
	info->domain = d->domid;
	flags = vcpu_flags(d, info);
	spin_lock(&d->lock);
	code = d->shutdown_code == DOMAIN_SHUTDOWN_CODE_NONE ? NO_SHUTDOWN_CODE : d->shutdown_code;
	flags |= code << XEN_DOMINF_shutdownshift;
	if (d->state != DOMAIN_ACTIVE)
		flags |= XEN_DOMINF_dying;
	if (d->is_shutting_down)
		flags |= XEN_DOMINF_shutdown;
	if (d->pause_count)
		flags |= XEN_DOMINF_paused;
	info->tot_pages = d->tot_pages;
	info->max_pages = d->max_pages;
	/* A PV domain's frame numbers are machine frames. */
	info->shared_info_frame = mfn_x(d->shared_info_mfn);
	spin_unlock(&d->lock);
	info->flags = flags;
	memcpy(info->handle, d->handle, sizeof(info->handle));
	/* No XSM label (ssidref 0), one CPU pool (0), no emulated devices. */
	info->gpaddr_bits = (uint8_t)arch_control_paddr_bits();
}
