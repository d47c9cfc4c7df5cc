/*
 * dom0-tools/vmctl/hv.c - the typed hypercall helpers over struct
 * vmctl_hv (hv.h), and errno names for messages.
 *
 * Owns: nothing; every buffer is the caller's.
 */
#include "dom0-tools/vmctl/hv.h"

#include "lib/errno.h"

static long hv_call(const struct vmctl_hv *hv, unsigned int nr, unsigned long a1, unsigned long a2,
		    unsigned long a3, unsigned long a4)
{
	return hv->hypercall(hv->ctx, nr, a1, a2, a3, a4, 0);
}

int vmctl_domctl(const struct vmctl_hv *hv, struct xen_domctl *op)
{
	op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	return (int)hv_call(hv, __HYPERVISOR_domctl, (unsigned long)op, 0, 0, 0);
}

int vmctl_sysctl(const struct vmctl_hv *hv, struct xen_sysctl *op)
{
	op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
	return (int)hv_call(hv, __HYPERVISOR_sysctl, (unsigned long)op, 0, 0, 0);
}

long vmctl_memory_op(const struct vmctl_hv *hv, unsigned int cmd, void *arg)
{
	return hv_call(hv, __HYPERVISOR_memory_op, cmd, (unsigned long)arg, 0, 0);
}

long vmctl_xen_version(const struct vmctl_hv *hv, unsigned int cmd, void *arg)
{
	return hv_call(hv, __HYPERVISOR_xen_version, cmd, (unsigned long)arg, 0, 0);
}

int vmctl_alloc_unbound(const struct vmctl_hv *hv, domid_t dom, domid_t remote,
			evtchn_port_t *port)
{
	struct evtchn_alloc_unbound op = { .dom = dom, .remote_dom = remote };
	long rc = hv_call(hv, __HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound,
			  (unsigned long)&op, 0, 0);

	if (!rc)
		*port = op.port;
	return (int)rc;
}

int vmctl_pin_l4(const struct vmctl_hv *hv, domid_t dom, uint64_t mfn)
{
	struct mmuext_op op = { .cmd = MMUEXT_PIN_L4_TABLE, .arg1.mfn = mfn };

	return (int)hv_call(hv, __HYPERVISOR_mmuext_op, (unsigned long)&op, 1, 0, dom);
}

int vmctl_remote_shutdown(const struct vmctl_hv *hv, domid_t dom, unsigned int reason)
{
	struct sched_remote_shutdown op = { .domain_id = dom, .reason = reason };

	return (int)hv_call(hv, __HYPERVISOR_sched_op, SCHEDOP_remote_shutdown,
			    (unsigned long)&op, 0, 0);
}

int vmctl_domain_info(const struct vmctl_hv *hv, domid_t dom,
		      struct xen_domctl_getdomaininfo *info)
{
	struct xen_domctl op = { .cmd = XEN_DOMCTL_getdomaininfo, .domain = dom };
	int rc = vmctl_domctl(hv, &op);

	if (rc)
		return rc;
	*info = op.u.getdomaininfo;
	/* Xen answers with the next domain up when dom is gone. */
	return info->domain == dom ? 0 : -ESRCH;
}

int vmctl_domain_simple(const struct vmctl_hv *hv, domid_t dom, uint32_t cmd)
{
	struct xen_domctl op = { .cmd = cmd, .domain = dom };

	return vmctl_domctl(hv, &op);
}

/* A vcpuaffinity domctl with the given bitmaps (NULL: that mask is not asked for). */
static int vcpu_affinity_op(const struct vmctl_hv *hv, uint32_t cmd, domid_t dom, uint32_t vcpu,
			    uint8_t *hard, uint8_t *soft, uint32_t nr_bits)
{
	struct xen_domctl op = { .cmd = cmd, .domain = dom };
	struct xen_domctl_vcpuaffinity *va = &op.u.vcpuaffinity;

	va->vcpu = vcpu;
	va->flags = (hard ? XEN_VCPUAFFINITY_HARD : 0) | (soft ? XEN_VCPUAFFINITY_SOFT : 0);
	set_xen_guest_handle(va->cpumap_hard.bitmap, hard);
	set_xen_guest_handle(va->cpumap_soft.bitmap, soft);
	va->cpumap_hard.nr_bits = hard ? nr_bits : 0;
	va->cpumap_soft.nr_bits = soft ? nr_bits : 0;
	return vmctl_domctl(hv, &op);
}

int vmctl_vcpu_pin(const struct vmctl_hv *hv, domid_t dom, uint32_t vcpu, uint8_t *hard,
		   uint32_t nr_bits)
{
	return vcpu_affinity_op(hv, XEN_DOMCTL_setvcpuaffinity, dom, vcpu, hard, NULL, nr_bits);
}

int vmctl_vcpu_affinity(const struct vmctl_hv *hv, domid_t dom, uint32_t vcpu, uint8_t *hard,
			uint8_t *soft, uint32_t nr_bits)
{
	return vcpu_affinity_op(hv, XEN_DOMCTL_getvcpuaffinity, dom, vcpu, hard, soft, nr_bits);
}

int vmctl_physinfo(const struct vmctl_hv *hv, struct xen_sysctl_physinfo *pi)
{
	struct xen_sysctl op = { .cmd = XEN_SYSCTL_physinfo };
	int rc = vmctl_sysctl(hv, &op);

	if (!rc)
		*pi = op.u.physinfo;
	return rc;
}

int vmctl_domain_list(const struct vmctl_hv *hv, domid_t first, struct xen_domctl_getdomaininfo *info,
		      unsigned int max)
{
	struct xen_sysctl op = { .cmd = XEN_SYSCTL_getdomaininfolist };
	int rc;

	op.u.getdomaininfolist.first_domain = first;
	op.u.getdomaininfolist.max_domains = max;
	set_xen_guest_handle(op.u.getdomaininfolist.buffer, info);
	rc = vmctl_sysctl(hv, &op);
	if (rc)
		return rc;
	if ((unsigned int)op.u.getdomaininfolist.num_domains > max)
		return -EINVAL;
	return (int)op.u.getdomaininfolist.num_domains;
}

static const struct {
	int value;
	const char *name;
} errno_names[] = {
#define XEN_ERRNO(name, value) { value, #name },
#include <xen/errno.h>
};

const char *vmctl_errno_name(int rc)
{
	int v = rc < 0 ? -rc : rc;

	for (size_t i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++)
		if (errno_names[i].value == v)
			return errno_names[i].name;
	return "E?";
}
