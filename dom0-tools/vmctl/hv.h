/*
 * dom0-tools/vmctl/hv.h - the toolstack's hypercall transport.
 *
 * Owns: nothing but the interface.  Everything vmctl asks of the
 * hypervisor goes through one struct vmctl_hv: a raw hypercall, a
 * writable mapping of a foreign frame, and a sleep.  dom0's own PV kernel
 * implements it with its hypercall page and
 * update_va_mapping_otherdomain; a Linux dom0 would implement it with
 * privcmd (IOCTL_PRIVCMD_HYPERCALL, IOCTL_PRIVCMD_MMAPBATCH_V2); the unit
 * tests with a fake hypervisor.  Argument buffers are always in the
 * caller's memory (a privcmd backend must keep them locked).
 *
 * The typed helpers below fill the interface versions and return 0 (or a
 * count, where said) or a negative Xen errno.
 */
#ifndef DOM0_TOOLS_VMCTL_HV_H
#define DOM0_TOOLS_VMCTL_HV_H

#include "dom0-tools/vmctl/xen_tools.h"

#include <stddef.h>
#include <stdint.h>

struct vmctl_hv {
	/* Issues hypercall nr with up to five arguments; its raw result. */
	long (*hypercall)(void *ctx, unsigned int nr, unsigned long a1, unsigned long a2,
			  unsigned long a3, unsigned long a4, unsigned long a5);
	/*
	 * A writable mapping of machine frame mfn owned by domain dom, valid
	 * until unmap_foreign(); NULL if it cannot be mapped.  At most one
	 * mapping is held at a time by vmctl.
	 */
	void *(*map_foreign)(void *ctx, domid_t dom, uint64_t mfn);
	void (*unmap_foreign)(void *ctx, void *va);
	/* Sleeps (or yields) for about ms milliseconds: used by waits and retries. */
	void (*sleep_ms)(void *ctx, unsigned int ms);
	void *ctx;
};

/** XEN_DOMCTL_*: fills interface_version; 0 or a negative errno. */
int vmctl_domctl(const struct vmctl_hv *hv, struct xen_domctl *op);

/** XEN_SYSCTL_*: fills interface_version; 0 or a negative errno. */
int vmctl_sysctl(const struct vmctl_hv *hv, struct xen_sysctl *op);

/** HYPERVISOR_memory_op(cmd, arg): the raw result (a count for populate_physmap). */
long vmctl_memory_op(const struct vmctl_hv *hv, unsigned int cmd, void *arg);

/** HYPERVISOR_xen_version(cmd, arg): the raw result (the version for XENVER_version). */
long vmctl_xen_version(const struct vmctl_hv *hv, unsigned int cmd, void *arg);

/** EVTCHNOP_alloc_unbound in dom for remote: *port set; 0 or a negative errno. */
int vmctl_alloc_unbound(const struct vmctl_hv *hv, domid_t dom, domid_t remote,
			evtchn_port_t *port);

/** MMUEXT_PIN_L4_TABLE of mfn with dom as foreigndom: 0 or a negative errno. */
int vmctl_pin_l4(const struct vmctl_hv *hv, domid_t dom, uint64_t mfn);

/** SCHEDOP_remote_shutdown of dom with reason SHUTDOWN_*: 0 or a negative errno. */
int vmctl_remote_shutdown(const struct vmctl_hv *hv, domid_t dom, unsigned int reason);

/** XEN_DOMCTL_getdomaininfo of exactly dom: 0, or -ESRCH if it does not exist. */
int vmctl_domain_info(const struct vmctl_hv *hv, domid_t dom,
		      struct xen_domctl_getdomaininfo *info);

/** XEN_DOMCTL_pausedomain / unpausedomain / destroydomain: 0 or a negative errno. */
int vmctl_domain_simple(const struct vmctl_hv *hv, domid_t dom, uint32_t cmd);

/**
 * XEN_DOMCTL_setvcpuaffinity of dom's vCPU vcpu, hard affinity only: the
 * CPUs in hard (an xenctl_bitmap's bytes, nr_bits bits) in, the
 * effective ones (those online) written back into it by the hypervisor.
 * 0 or a negative errno.
 */
int vmctl_vcpu_pin(const struct vmctl_hv *hv, domid_t dom, uint32_t vcpu, uint8_t *hard,
		   uint32_t nr_bits);

/**
 * XEN_DOMCTL_getvcpuaffinity of dom's vCPU vcpu: its hard and soft
 * affinity into the bitmaps hard and soft (nr_bits bits each).  0 or a
 * negative errno.
 */
int vmctl_vcpu_affinity(const struct vmctl_hv *hv, domid_t dom, uint32_t vcpu, uint8_t *hard,
			uint8_t *soft, uint32_t nr_bits);

/** XEN_SYSCTL_physinfo into *pi: 0 or a negative errno. */
int vmctl_physinfo(const struct vmctl_hv *hv, struct xen_sysctl_physinfo *pi);

/**
 * XEN_SYSCTL_getdomaininfolist from domain id first: up to max records
 * into info; returns how many, or a negative errno.
 */
int vmctl_domain_list(const struct vmctl_hv *hv, domid_t first, struct xen_domctl_getdomaininfo *info,
		      unsigned int max);

/** The name of a negative (or positive) Xen errno ("ENOMEM"); "E?" if unknown. */
const char *vmctl_errno_name(int rc);

#endif /* DOM0_TOOLS_VMCTL_HV_H */
