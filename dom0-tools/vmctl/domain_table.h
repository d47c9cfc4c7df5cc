/*
 * dom0-tools/vmctl/domain_table.h - what dom0 remembers of each domain it
 * created: its id, UUID, config (for restart), console and store rings.
 *
 * Owns: the caller's struct vmctl_domain_table, a fixed array (no
 * malloc): VMCTL_MAX_DOMAINS entries of about 8 KiB each, most of it the
 * struct guest_config kept for restarts.  Not locked: dom0 runs vmctl
 * and its VIRQ_DOM_EXC handler on one thread.
 *
 * Names: a domain is named on the command line by its config name, by its
 * id as a plain decimal number, or "Domain-0" for dom0 (xl's spelling).
 */
#ifndef DOM0_TOOLS_VMCTL_DOMAIN_TABLE_H
#define DOM0_TOOLS_VMCTL_DOMAIN_TABLE_H

#include "dom0-tools/vmctl/xen_tools.h"

#include <stdbool.h>
#include <stdint.h>

#include "dom0-tools/guest_config.h"

#define VMCTL_MAX_DOMAINS 16
#define VMCTL_DOM0_NAME	  "Domain-0"

struct vmctl_domain {
	bool used;
	domid_t domid;
	uint8_t uuid[16];
	struct guest_config config;	 /* as created: a restart builds it again */
	uint32_t store_port, console_port; /* unbound ports in the domain, for dom0 */
	uint64_t store_mfn, console_mfn;
	bool preserved; /* shut down and kept (on_* = preserve): reported once */
};

struct vmctl_domain_table {
	struct vmctl_domain dom[VMCTL_MAX_DOMAINS];
};

/** An entry for domid (zeroed but for used and domid); NULL if the table is full. */
struct vmctl_domain *vmctl_table_add(struct vmctl_domain_table *t, domid_t domid);

/** The entry of domid; NULL if vmctl did not create it. */
struct vmctl_domain *vmctl_table_find(struct vmctl_domain_table *t, domid_t domid);

/** The entry named name; NULL if none. */
struct vmctl_domain *vmctl_table_find_name(struct vmctl_domain_table *t, const char *name);

/** Forgets domid (nothing if it is not there). */
void vmctl_table_remove(struct vmctl_domain_table *t, domid_t domid);

/** A plain decimal number, at most max, into *v; 0 or -EINVAL (empty, not digits, too big). */
int vmctl_parse_uint(const char *s, uint64_t max, uint64_t *v);

/** A plain decimal domain id (below DOMID_FIRST_RESERVED) into *domid; 0 or -EINVAL. */
int vmctl_parse_domid(const char *s, domid_t *domid);

/**
 * What the operator typed into a domain id: "Domain-0" is 0, a number is
 * that id (whether or not it exists: the caller asks the hypervisor), a
 * name is looked up.  0, or -ESRCH for an unknown name.
 */
int vmctl_table_resolve(struct vmctl_domain_table *t, const char *what, domid_t *domid);

/** The name to show for domid: "Domain-0", the config's name, or NULL if unknown. */
const char *vmctl_table_name(struct vmctl_domain_table *t, domid_t domid);

#endif /* DOM0_TOOLS_VMCTL_DOMAIN_TABLE_H */
