/*
 * hypercalls/control.h - the privileged control interface's shared parts
 * (control.c, debug_keys.c, domctl_affinity.c; used by domctl.c and
 * sysctl.c) and what it needs from the machine.
 *
 * The arch_control_* functions are implemented by the hypervisor in
 * hypervisor/arch/x86/pv/pv_control.c and, for host unit tests, by
 * tests/host/control_shim.c.  Everything else here is generic.
 *
 * Xen's domctl.h and sysctl.h are toolstack headers (they insist on
 * __XEN_TOOLS__), so this header only names their structures; the .c
 * files that fill them include them.
 */
#ifndef HYPERCALLS_CONTROL_H
#define HYPERCALLS_CONTROL_H

#include <stdbool.h>
#include <stdint.h>

struct domain;
struct vcpu;
struct xen_domctl_getdomaininfo;
struct xen_domctl_vcpuaffinity;

/* What the machine reports through XEN_SYSCTL_physinfo (the rest is generic). */
struct control_machine {
	uint32_t nr_cpus;	   /* CPUs online */
	uint32_t max_cpu_id;	   /* highest CPU number Keel could bring online */
	uint32_t threads_per_core; /* as Keel knows the topology */
	uint32_t cores_per_socket;
	uint32_t cpu_khz;   /* the TSC's rate */
	uint32_t hw_cap[8]; /* Xen's featureset words 0-7 (raw CPUID) */
};

/* Fills m from the machine.  Never fails. */
void arch_control_machine(struct control_machine *m);

/* One physical CPU as XENPF_get_cpuinfo / get_cpu_version report it. */
struct control_pcpu {
	uint32_t apic_id;
	uint32_t acpi_id; /* the ACPI processor UID the MADT gives it */
	bool online;
	char vendor[12]; /* CPUID leaf 0's vendor string, not NUL-terminated */
	uint32_t family, model, stepping;
};

/* Fills p for Keel's CPU number cpu; false if there is no such CPU. */
bool arch_control_pcpu(unsigned int cpu, struct control_pcpu *p);

/* The machine's physical address width (getdomaininfo's gpaddr_bits for a PV domain). */
unsigned int arch_control_paddr_bits(void);

/* The CPU whose run queue holds v (XEN_DOMCTL_getvcpuinfo's cpu). */
unsigned int arch_control_vcpu_processor(const struct vcpu *v);

/*
 * XEN_DOMCTL_settimeoffset: d's wall clock (shared_info's wc_*) becomes
 * Keel's plus seconds.  d is ACTIVE (its shared_info exists).
 */
void arch_control_set_time_offset(struct domain *d, int64_t seconds);

/*
 * Hypervisor timers queued on every CPU now, but the scheduler's own
 * per-CPU timers (a counter the 'q' debug key prints: timers that belong
 * to domains, which a destroy must not leave behind).
 */
unsigned int arch_control_timers_queued(void);

/*
 * The checks domctl and sysctl make once the struct is copied in, in
 * Xen's order: its interface version (-EACCES), then the caller's
 * privilege (-EPERM: only the control domain, invariant 6).  0 if both pass.
 */
long control_admit(const struct vcpu *v, uint32_t version, uint32_t expected);

/* XEN_DOMCTL_getdomaininfo's record of d (any state but CREATING). */
void control_domain_info(struct domain *d, struct xen_domctl_getdomaininfo *info);

/*
 * domctl_affinity.c: XEN_DOMCTL_setvcpuaffinity or getvcpuaffinity (cmd)
 * of one of d's vCPUs; the caller holds the domctl lock.  0 or a negative
 * errno (the rules are at the top of that file).
 */
long domctl_vcpu_affinity(struct domain *d, uint32_t cmd, const struct xen_domctl_vcpuaffinity *va);

/* debug_keys.c: what XEN_SYSCTL_debug_keys does with one key (output on the console). */
void control_debug_key(char key);

/*
 * The newest grant-table ABI Keel offers: createdomain's grant_opts may
 * ask for 1 .. this, physinfo reports XEN_SYSCTL_PHYSCAP_gnttab_v1.
 */
#define CONTROL_GNTTAB_MAX_VERSION 1u

#endif /* HYPERCALLS_CONTROL_H */
