/*
 * dom0-tools/guest_config_check.h - the little languages inside xl.cfg
 * string values: domain names, CPU lists, vif specs, disk specs, UUIDs.
 *
 * Each checker reads a NUL-terminated string and returns 0, or -EINVAL
 * with a reason in why[] that names no file or key ("item 2: "mac" needs
 * six hex pairs"): guest_config.c adds "FILE:LINE: key: " in front.
 * Stateless, no allocation.  A CPULIST can also be read into a CPU map
 * for a given host (vmctl's create and vcpu-pin) and a map printed back.
 */
#ifndef DOM0_TOOLS_GUEST_CONFIG_CHECK_H
#define DOM0_TOOLS_GUEST_CONFIG_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GCHECK_WHY_MAX 192

/*
 * 1..max bytes of [A-Za-z0-9_.-], not all digits: vmctl takes a name or a
 * domain id in the same place, so "12" would be ambiguous.
 */
int gcheck_name(const char *name, size_t max, char why[GCHECK_WHY_MAX]);

/*
 * xl's CPULIST: comma-separated items, each "all", N, N-M (N <= M),
 * "node:" or "nodes:" followed by N or N-M, any of them after a '^'
 * (excluded).  N and M are decimal CPU or node numbers up to 65535.
 */
int gcheck_cpulist(const char *list, char why[GCHECK_WHY_MAX]);

/*
 * A set of host CPUs in the layout of Xen's xenctl_bitmap (CPU c is bit
 * c % 8 of byte c / 8), so it goes to the hypervisor as it is.
 */
#define GCHECK_CPUS_MAX 512
struct gcheck_cpumap {
	uint8_t bits[GCHECK_CPUS_MAX / 8];
};

static inline bool gcheck_cpumap_test(const struct gcheck_cpumap *map, unsigned int cpu)
{
	return map->bits[cpu / 8] & (1u << (cpu % 8));
}

static inline void gcheck_cpumap_set(struct gcheck_cpumap *map, unsigned int cpu, bool on)
{
	if (on)
		map->bits[cpu / 8] |= (uint8_t)(1u << (cpu % 8));
	else
		map->bits[cpu / 8] &= (uint8_t)~(1u << (cpu % 8));
}

/*
 * The CPUs a CPULIST names on a host with CPUs 0 .. nr_cpus-1
 * (1..GCHECK_CPUS_MAX) in nr_nodes NUMA nodes (0 counts as 1), as xl
 * reads it: from no CPU, each item in turn adds its CPUs, or takes them
 * away after '^'; "all" and, on a one-node host, "node:0" are every CPU.
 * 0, or -EINVAL with why[]: what gcheck_cpulist refuses, a CPU or node
 * the host does not have, node items on a host of several nodes, or a
 * list that ends up naming no CPU.
 */
int gcheck_cpulist_map(const char *list, unsigned int nr_cpus, unsigned int nr_nodes,
		       struct gcheck_cpumap *map, char why[GCHECK_WHY_MAX]);

/*
 * map's CPUs below nr_cpus as xl prints an affinity: "all" when it has
 * every one, "none" when it has none, else a CPULIST such as "0-1,3";
 * cut to len bytes (NUL included).
 */
void gcheck_cpumap_format(const struct gcheck_cpumap *map, unsigned int nr_cpus, char *buf,
			  size_t len);

/*
 * A vif spec (xl-network-configuration(5)): comma-separated KEY=VALUE
 * with the keys xl documents, or the flags trusted/untrusted; "" is a
 * vif with every default.  mac= must be six hex pairs and unicast.
 */
int gcheck_vif(const char *spec, char why[GCHECK_WHY_MAX]);

/* A disk spec (xl-disk-configuration(5)), kept raw: only not blank. */
int gcheck_disk(const char *spec, char why[GCHECK_WHY_MAX]);

/* xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx (hex, either case) into out[16]. */
int gcheck_uuid(const char *text, uint8_t out[16], char why[GCHECK_WHY_MAX]);

/*
 * A byte the loader refuses in any string it keeps: control characters
 * (but tab) end up in xenstore, logs and terminals.  Returns the first
 * one, or 0 if there is none.
 */
unsigned int gcheck_control_byte(const char *s);

#endif /* DOM0_TOOLS_GUEST_CONFIG_CHECK_H */
