/*
 * hypercalls/sysctl.c - HYPERVISOR_sysctl (xen/sysctl.h): what the control
 * domain asks about the whole machine: the console ring (readconsole),
 * physinfo, sched_id, the domain list, debug keys.
 *
 * Every call: the struct is copied in (-EFAULT), interface_version must be
 * XEN_SYSCTL_INTERFACE_VERSION (-EACCES), the caller must be the control
 * domain (-EPERM, invariant 6).  Commands that answer copy the whole
 * struct back on success, as Xen does; unknown ones are -ENOSYS.
 *
 * Figures Keel reports its own way (docs/control-interface.md):
 * physinfo counts the frames of Keel's buddy allocator (total_pages: every
 * frame it manages; free_pages: free now; scrub_pages: free frames not
 * yet zeroed, which Keel scrubs when it hands them out), one NUMA node,
 * one thread per core and every CPU in one socket (Keel does not read the
 * topology); sched_id is XEN_SCHEDULER_CREDIT (below).
 *
 * Locks: none of its own; the console ring's and the domain list's are
 * taken by the functions called, never across a guest copy.
 */
#undef __XEN_INTERFACE_VERSION__
#define __XEN_TOOLS__ 1 /* sysctl.h is a toolstack header (see control.h) */

#include "hypercalls/hypercalls.h"

#include <xen/domctl.h>
#include <xen/sysctl.h>
#include <xen/xen.h>

#include "arch/guest_access.h"
#include "hypercalls/control.h"
#include "hypervisor/common/console_ring.h"
#include "hypervisor/common/domain.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/buddy.h"
#include "mm/frame_table.h"

/*
 * Keel's scheduler is a credit scheduler (sched/credit.c) with Xen
 * credit1's per-domain interface (weight and cap through
 * XEN_DOMCTL_scheduler_op), so a toolstack offers exactly those knobs.
 */
#define KEEL_SCHEDULER_ID XEN_SCHEDULER_CREDIT

/* Bytes of the console ring copied per step (the ring lock is dropped around each guest copy). */
#define READCONSOLE_CHUNK 256u

/*
 * XEN_SYSCTL_readconsole: up to count bytes of the console ring from the
 * oldest byte, or from index when incremental and index is still in the
 * ring, to what was written when the call began.  Returns count = bytes
 * copied and index = where the next incremental read starts; clear
 * forgets what was read.
 */
static long readconsole(struct xen_sysctl_readconsole *rc)
{
	uint64_t buf = (uint64_t)rc->buffer.p;
	uint32_t cons, prod, idx, done = 0;
	char chunk[READCONSOLE_CHUNK];

	console_ring_bounds(&keel_conring, &cons, &prod);
	idx = console_ring_read_start(cons, prod, rc->incremental, rc->index);
	while (done < rc->count) {
		uint32_t want =
		    rc->count - done < READCONSOLE_CHUNK ? rc->count - done : READCONSOLE_CHUNK;
		uint32_t got = console_ring_read(&keel_conring, &idx, prod, chunk, want);

		if (!got)
			break;
		if (copy_to_guest(buf + done, chunk, got))
			return -EFAULT;
		done += got;
	}
	if (rc->clear)
		console_ring_clear(&keel_conring, idx);
	rc->count = done;
	rc->index = idx;
	return 0;
}

/* XEN_SYSCTL_physinfo. */
static void physinfo(struct xen_sysctl_physinfo *pi)
{
	struct control_machine m;
	struct buddy_stats st;

	arch_control_machine(&m);
	buddy_get_stats(&st);
	memset(pi, 0, sizeof(*pi));
	pi->threads_per_core = m.threads_per_core;
	pi->cores_per_socket = m.cores_per_socket;
	pi->nr_cpus = m.nr_cpus;
	pi->max_cpu_id = m.max_cpu_id;
	pi->nr_nodes = 1;
	pi->max_node_id = 0;
	pi->cpu_khz = m.cpu_khz;
	pi->capabilities = XEN_SYSCTL_PHYSCAP_pv | XEN_SYSCTL_PHYSCAP_gnttab_v1;
	pi->total_pages = st.managed_frames;
	pi->free_pages = st.free_frames;
	pi->scrub_pages = st.dirty_frames;
	pi->max_mfn = frame_table_nr_frames() - 1;
	memcpy(pi->hw_cap, m.hw_cap, sizeof(pi->hw_cap));
}

/*
 * XEN_SYSCTL_getdomaininfolist: records of up to max_domains domains with
 * ids >= first_domain, in id order (dying ones included).
 */
static long getdomaininfolist(struct xen_sysctl_getdomaininfolist *l)
{
	uint64_t buf = (uint64_t)l->buffer.p;
	domid_t next = l->first_domain;
	uint32_t n = 0;

	while (n < l->max_domains) {
		struct xen_domctl_getdomaininfo info;
		struct domain *d = domain_next(next);

		if (!d)
			break;
		control_domain_info(d, &info);
		next = (domid_t)(d->domid + 1);
		domain_put(d);
		if (copy_to_guest(buf + (uint64_t)n * sizeof(info), &info, sizeof(info)))
			return -EFAULT;
		n++;
		if (next == 0 || next >= DOMID_FIRST_RESERVED)
			break;
	}
	l->num_domains = n;
	return 0;
}

/* XEN_SYSCTL_debug_keys: each key as if typed on Keel's console. */
static long debug_keys(const struct xen_sysctl_debug_keys *k)
{
	for (uint32_t i = 0; i < k->nr_keys; i++) {
		char c;

		if (copy_from_guest(&c, (uint64_t)k->keys.p + i, 1))
			return -EFAULT;
		control_debug_key(c);
	}
	return 0;
}

static long sysctl_command(struct xen_sysctl *op, bool *copyback)
{
	*copyback = true;
	switch (op->cmd) {
	case XEN_SYSCTL_readconsole:
		return readconsole(&op->u.readconsole);
	case XEN_SYSCTL_physinfo:
		physinfo(&op->u.physinfo);
		return 0;
	case XEN_SYSCTL_sched_id:
		op->u.sched_id.sched_id = KEEL_SCHEDULER_ID;
		return 0;
	case XEN_SYSCTL_getdomaininfolist:
		return getdomaininfolist(&op->u.getdomaininfolist);
	case XEN_SYSCTL_debug_keys:
		*copyback = false;
		return debug_keys(&op->u.debug_keys);
	default:
		return -ENOSYS;
	}
}

long do_sysctl(struct vcpu *v, uint64_t arg)
{
	struct xen_sysctl op;
	bool copyback = false;
	long rc;

	if (copy_from_guest(&op, arg, sizeof(op)))
		return -EFAULT;
	rc = control_admit(v, op.interface_version, XEN_SYSCTL_INTERFACE_VERSION);
	if (!rc)
		rc = sysctl_command(&op, &copyback);
	if (!rc && copyback && copy_to_guest(arg, &op, sizeof(op)))
		rc = -EFAULT;
	return rc;
}
