/*
 * hypercalls/platform_op.c - HYPERVISOR_platform_op (xen/platform.h): the
 * hardware domain's questions about the physical machine.
 *
 * Every call: the struct is copied in (-EFAULT), interface_version must be
 * XENPF_INTERFACE_VERSION (-EACCES), the caller must be the control domain
 * (-EPERM, invariant 6).  Keel answers:
 *   - XENPF_get_cpuinfo: a physical CPU's local APIC and ACPI processor
 *     ids and whether it is online.  Linux as dom0 reads its own APIC id
 *     this way (its PV "APIC" asks for CPU 0's), and maps ACPI processor
 *     objects to CPUs with it: without it, ACPI's processor driver tries
 *     to hot-add the boot CPU a second time.  Keel numbers only the CPUs
 *     it brought up, so "present" and "online" are the same here; a CPU
 *     past them is flagged XEN_PCPU_FLAGS_INVALID, as Xen flags a CPU
 *     that is not present, with success.
 *   - XENPF_get_cpu_version: that CPU's vendor string, family, model and
 *     stepping (display values, as Xen's cpuinfo shows them); all zeroes
 *     for a CPU that is not online.
 * Other commands (setting the time, ACPI sleep, firmware info, power
 * management, microcode) are -ENOSYS: a dom0 kernel then does without
 * them (Linux falls back to SCHEDOP_shutdown to power off, which Keel
 * turns into powering the machine off).
 */
#include "hypercalls/hypercalls.h"

#include <xen/platform.h>
#include <xen/xen.h>

#include "arch/guest_access.h"
#include "hypercalls/control.h"
#include "hypervisor/common/domain.h"
#include "lib/errno.h"
#include "lib/string.h"

/* The highest CPU number present: Keel numbers only the CPUs it brought up. */
static uint32_t max_present(void)
{
	struct control_machine m;

	arch_control_machine(&m);
	return m.nr_cpus ? m.nr_cpus - 1 : 0;
}

static void get_cpuinfo(struct xenpf_pcpuinfo *info)
{
	struct control_pcpu p;

	info->max_present = max_present();
	if (!arch_control_pcpu(info->xen_cpuid, &p)) {
		info->flags = XEN_PCPU_FLAGS_INVALID;
		return;
	}
	info->apic_id = p.apic_id;
	info->acpi_id = p.acpi_id;
	info->flags = p.online ? XEN_PCPU_FLAGS_ONLINE : 0;
}

static long get_cpu_version(struct xenpf_pcpu_version *ver)
{
	struct control_pcpu p;

	ver->max_present = max_present();
	if (!arch_control_pcpu(ver->xen_cpuid, &p) || !p.online) {
		/* Xen: a CPU that is not online reads as all zeroes. */
		memset(ver->vendor_id, 0, sizeof(ver->vendor_id));
		ver->family = ver->model = ver->stepping = 0;
		return 0;
	}
	memcpy(ver->vendor_id, p.vendor, sizeof(ver->vendor_id));
	ver->family = p.family;
	ver->model = p.model;
	ver->stepping = p.stepping;
	return 0;
}

long do_platform_op(struct vcpu *v, uint64_t arg)
{
	struct xen_platform_op op;
	long rc;

	if (copy_from_guest(&op, arg, sizeof(op)))
		return -EFAULT;
	if (op.interface_version != XENPF_INTERFACE_VERSION)
		return -EACCES;
	if (!v->domain->is_privileged)
		return -EPERM;
	switch (op.cmd) {
	case XENPF_get_cpuinfo:
		get_cpuinfo(&op.u.pcpu_info);
		rc = 0;
		break;
	case XENPF_get_cpu_version:
		rc = get_cpu_version(&op.u.pcpu_version);
		break;
	default:
		return -ENOSYS;
	}
	if (!rc && copy_to_guest(arg, &op, sizeof(op)))
		return -EFAULT;
	return rc;
}
