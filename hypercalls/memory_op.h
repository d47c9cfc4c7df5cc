/*
 * hypercalls/memory_op.h - what the memory_op files share (memory_op.c:
 * dispatch and queries; memory_reservation.c: increase/decrease/populate;
 * memory_exchange.c: XENMEM_exchange).  Private to those three.
 *
 * The checks here are the ones Xen 4.17 makes for every request that
 * names a domain and asks for memory, in its order: find the domain, then
 * ask whether the caller may act on it; the extent order against the
 * caller's limit; the NUMA bits of mem_flags against the caller's
 * privilege; list bounds before the first access.
 */
#ifndef HYPERCALLS_MEMORY_OP_H
#define HYPERCALLS_MEMORY_OP_H

#include <stdbool.h>
#include <stdint.h>

#include <xen/xen.h>

#include "lib/types.h"

struct vcpu;
struct domain;

/* An E820 entry as XENMEM_*memory_map return them (20 bytes, packed). */
struct e820entry {
	uint64_t addr, size;
	uint32_t type;
} __attribute__((packed));

/* E820 types (ACPI spec, "Address Range Types"), as the firmware gave them. */
#define E820_RAM 1
#define E820_RESERVED 2

/* The command's upper bits: where a long reservation request continues. */
#define MEMOP_EXTENT_SHIFT 6
#define MEMOP_CMD_MASK	   ((1u << MEMOP_EXTENT_SHIFT) - 1)

/*
 * Largest extent order a caller may use (Xen 4.17 as Debian builds it:
 * 9 for a domU, 18 for the control domain).
 */
unsigned int memop_max_order(const struct domain *caller);

/*
 * The domain a request names (DOMID_SELF or an id), with a reference the
 * caller drops with domain_put(); NULL with *err: -ESRCH (no such active
 * domain, or a reserved id), then -EPERM (another domain, and v's is not
 * privileged).
 */
struct domain *memop_target(struct vcpu *v, domid_t domid, long *err);

/*
 * The NUMA node bits of mem_flags (XENMEMF_node, XENMEMF_exact_node_request)
 * as the caller may use them.  Keel has one node, 0; like Xen it accepts
 * any node id below MEMOP_MAX_NODES from the control domain and ignores
 * a domU's node unless it insists on it.  Returns false when the request
 * must be refused; else *exact_absent is true if the request insists on a
 * node that has no memory (then nothing can be allocated for it).
 */
bool memop_node_ok(const struct domain *caller, unsigned int mem_flags, bool *exact_absent);

/* Xen's MAX_NUMNODES: node ids the control domain may name. */
#define MEMOP_MAX_NODES 64u

/* The frame limit of XENMEMF_address_bits (0: none): frames below 2^(bits - 12). */
mfn_t memop_address_limit(unsigned int address_bits);

/*
 * True if entries first .. last of a guest array of xen_pfn_t at base may
 * be accessed (Xen checks the whole range before the first access).
 */
bool memop_list_ok(uint64_t base, uint64_t first, uint64_t last);

/* The guest address of entry i of a xen_pfn_t list at base. */
static inline uint64_t memop_slot(uint64_t base, uint64_t i)
{
	return base + i * sizeof(xen_pfn_t);
}

/* memory_reservation.c: increase_reservation, decrease_reservation, populate_physmap. */
long memop_reservation(struct vcpu *v, unsigned int op, unsigned long start, uint64_t arg);

/* memory_exchange.c: XENMEM_exchange. */
long memop_exchange(struct vcpu *v, uint64_t arg);

#endif /* HYPERCALLS_MEMORY_OP_H */
