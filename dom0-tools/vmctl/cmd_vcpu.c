/*
 * dom0-tools/vmctl/cmd_vcpu.c - vcpu-pin, a vCPU's hard affinity as
 * `xl vcpu-pin` sets it, and the host's CPU numbering it shares with
 * vcpu-list.
 *
 * Owns: nothing.  The CPU list is read by the reader cpus= goes through
 * (gcheck_cpulist_map), so both take the same lists with the same
 * messages.  xl's optional soft-affinity argument is not taken: Keel's
 * scheduler has no soft affinity (docs/scheduler.md).
 */
#include "dom0-tools/vmctl/commands.h"

#include "dom0-tools/guest_config_check.h"
#include "lib/errno.h"
#include "lib/string.h"

int vmctl_host_cpus(struct vmctl_env *env, const char *cmd, unsigned int *nr_cpus,
		    unsigned int *nr_nodes)
{
	struct xen_sysctl_physinfo pi;
	int rc = vmctl_physinfo(env->hv, &pi);

	if (rc) {
		vmctl_printf(env, "vmctl: %s: physinfo: %s\n", cmd, vmctl_errno_name(rc));
		return rc;
	}
	/* Bitmaps everywhere hold GCHECK_CPUS_MAX bits: a larger host is refused, not overrun. */
	if (pi.max_cpu_id >= GCHECK_CPUS_MAX) {
		vmctl_printf(env, "vmctl: %s: %u CPUs, more than the %u vmctl handles\n", cmd,
			     pi.max_cpu_id + 1, GCHECK_CPUS_MAX);
		return -E2BIG;
	}
	*nr_cpus = pi.max_cpu_id + 1;
	if (nr_nodes)
		*nr_nodes = pi.max_node_id + 1;
	return 0;
}

/* VCPU|all of domain domid as the first and last vCPU: 0, or -1 (said why). */
static int vcpu_range(struct vmctl_env *env, const char *what, domid_t domid, uint32_t *first,
		      uint32_t *last)
{
	struct xen_domctl_getdomaininfo di;
	uint64_t v;
	int rc = vmctl_domain_info(env->hv, domid, &di);

	if (rc) {
		vmctl_printf(env, "vmctl: vcpu-pin: getdomaininfo: %s\n", vmctl_errno_name(rc));
		return -1;
	}
	if (!strcmp(what, "all")) {
		*first = 0;
		*last = di.max_vcpu_id;
		return 0;
	}
	if (vmctl_parse_uint(what, di.max_vcpu_id, &v)) {
		vmctl_printf(env, "vmctl: vcpu-pin: no vCPU '%s': the domain has vCPUs 0-%u\n",
			     what, di.max_vcpu_id);
		return -1;
	}
	*first = *last = (uint32_t)v;
	return 0;
}

int vmctl_cmd_vcpu_pin(struct vmctl_env *env, int argc, char **argv)
{
	struct gcheck_cpumap want, got;
	char why[GCHECK_WHY_MAX];
	unsigned int nr_cpus, nr_nodes;
	uint32_t first, last;
	domid_t domid;

	if (argc != 4 || argv[1][0] == '-')
		return vmctl_usage(env, argv[0]);
	if (vmctl_lookup(env, argv[1], &domid) || vcpu_range(env, argv[2], domid, &first, &last) ||
	    vmctl_host_cpus(env, argv[0], &nr_cpus, &nr_nodes))
		return 1;
	if (gcheck_cpulist_map(argv[3], nr_cpus, nr_nodes, &want, why)) {
		vmctl_printf(env, "vmctl: vcpu-pin: CPU list \"%s\": %s\n", argv[3], why);
		return 1;
	}
	for (uint32_t vcpu = first; vcpu <= last; vcpu++) {
		int rc;

		got = want; /* the hypervisor writes the effective CPUs back into it */
		rc = vmctl_vcpu_pin(env->hv, domid, vcpu, got.bits, nr_cpus);
		if (rc) {
			vmctl_printf(env, "vmctl: vcpu-pin %s vCPU %u: setvcpuaffinity: %s\n",
				     argv[1], vcpu, vmctl_errno_name(rc));
			return 1;
		}
	}
	return 0;
}
