/*
 * tests/pv/twodom/domu_build.h - the toolstack side of the two-domain
 * test: what `xl create` does for a PV guest, in the fewest steps, from a
 * privileged PV kernel, through Xen's public control interface only:
 *
 *   domu_create   XEN_DOMCTL_createdomain, XEN_DOMCTL_max_mem
 *   domu_populate XENMEM_populate_physmap on the new domain (its P2M)
 *   domu_build    lib/'s domain builder writing the kernel image, start
 *                 info and bootstrap page tables through a window page
 *                 remapped to each frame (update_va_mapping_otherdomain),
 *                 then MMUEXT_PIN_L4_TABLE for the new domain
 *   domu_start    XEN_DOMCTL_setvcpucontext for vCPU 0, then unpause
 *
 * The same kernel runs as dom0 on Xen 4.17 and on Keel, so both must
 * accept every step.  Each step returns 0 or the failing hypercall's
 * negative errno, with *why naming the step.
 */
#ifndef TESTS_PV_TWODOM_DOMU_BUILD_H
#define TESTS_PV_TWODOM_DOMU_BUILD_H

#include <stdint.h>

#include <xen/domctl.h>
#include <xen/event_channel.h>
#include <xen/xen.h>

#include "lib/domain_build.h"

#define DOMU_MAX_PAGES 8192 /* 32 MiB: room for a third-party kernel such as GRUB */

struct domu {
	domid_t domid;
	uint64_t nr_pages;
	xen_pfn_t p2m[DOMU_MAX_PAGES]; /* pfn -> mfn, from populate_physmap */
	evtchn_port_t store_port;      /* in the domU, unbound for dom0 */
	evtchn_port_t console_port;
	uint64_t store_mfn, console_mfn;
	struct domain_build_entry entry;
};

long domu_create(struct domu *u, uint64_t nr_pages, const char **why);
long domu_populate(struct domu *u, const char **why);
long domu_build(struct domu *u, const void *elf, uint64_t len, const char *cmdline,
		const char **why);
long domu_start(struct domu *u, const char **why);

/* XEN_DOMCTL_getdomaininfo for exactly domid: 0, -ESRCH if gone (or another domain answered). */
long domu_info(domid_t domid, struct xen_domctl_getdomaininfo *info);

/* XEN_DOMCTL_destroydomain. */
long domu_destroy(domid_t domid);

/* Free machine pages (XEN_SYSCTL_physinfo.free_pages), or a negative errno. */
long host_free_pages(void);

/*
 * Free pages once they are back to `want`, or after 100 yields what they
 * are then: a destroyed domain's memory may come back a little later
 * (Xen frees the domain's own structures after an RCU grace period).
 */
long host_free_pages_back_to(long want);

/* Maps the machine frame mfn of domid at the page va (a page of ours); 0 or -errno. */
long map_foreign(void *va, domid_t domid, uint64_t mfn);

#endif /* TESTS_PV_TWODOM_DOMU_BUILD_H */
