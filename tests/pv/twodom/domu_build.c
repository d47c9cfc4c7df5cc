/*
 * tests/pv/twodom/domu_build.c - building a PV domU from dom0 through the
 * public control interface (tests/pv/twodom/domu_build.h).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tests/pv/twodom/domu_build.h"

#include <xen/memory.h>

#include "lib/domain_layout.h"
#include "lib/elf64.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "lib/xen_elfnote.h"
#include "tests/pv/events.h"
#include "tests/pv/harness.h"
#include "tests/pv/mm.h"
#include "tests/pv/twodom/ctl.h"

#define FAIL(step, rc)                                                                             \
	do {                                                                                       \
		*why = (step);                                                                     \
		return (rc);                                                                       \
	} while (0)

long domu_create(struct domu *u, uint64_t nr_pages, const char **why)
{
	struct xen_domctl op = { .cmd = XEN_DOMCTL_createdomain, .domain = 0 };
	long rc;

	if (nr_pages > DOMU_MAX_PAGES)
		FAIL("too many pages", -EINVAL);
	op.u.createdomain.flags = 0; /* PV */
	op.u.createdomain.max_vcpus = 1;
	op.u.createdomain.max_evtchn_port = 63;
	op.u.createdomain.max_grant_frames = 4;
	op.u.createdomain.max_maptrack_frames = 16;
	op.u.createdomain.grant_opts = XEN_DOMCTL_GRANT_version(1);
	rc = hyp_domctl(&op);
	if (rc)
		FAIL("createdomain", rc);
	u->domid = op.domain;
	u->nr_pages = nr_pages;

	/* Xen 4.17 still allocates the vCPUs here; the count must match createdomain's. */
	op = (struct xen_domctl){ .cmd = XEN_DOMCTL_max_vcpus, .domain = u->domid };
	op.u.max_vcpus.max = 1;
	rc = hyp_domctl(&op);
	if (rc)
		FAIL("max_vcpus", rc);

	op = (struct xen_domctl){ .cmd = XEN_DOMCTL_max_mem, .domain = u->domid };
	op.u.max_mem.max_memkb = nr_pages * 4;
	rc = hyp_domctl(&op);
	if (rc)
		FAIL("max_mem", rc);
	return 0;
}

long domu_populate(struct domu *u, const char **why)
{
	struct xen_memory_reservation r = {
		.nr_extents = u->nr_pages,
		.extent_order = 0,
		.domid = u->domid,
	};
	long rc;

	for (uint64_t pfn = 0; pfn < u->nr_pages; pfn++)
		u->p2m[pfn] = pfn; /* in: the gpfns; out (PV): the mfns */
	set_xen_guest_handle(r.extent_start, u->p2m);
	rc = hyp_memory_op(XENMEM_populate_physmap, &r);
	if (rc != (long)u->nr_pages)
		FAIL("populate_physmap", rc < 0 ? rc : -ENOMEM);
	return 0;
}

/* ---- the builder's view of the domU's memory: one window page ---- */

struct window {
	struct domu *u;
	void *va;     /* a page of ours, remapped to each frame in turn */
	uint64_t own; /* its original PTE, put back when done */
	long rc;      /* first remap error */
};

long map_foreign(void *va, domid_t domid, uint64_t mfn)
{
	return hyp_update_va_mapping_otherdomain((unsigned long)va,
						 mfn << 12 | PTE_P | PTE_RW | PTE_A | PTE_D,
						 UVMF_INVLPG | UVMF_LOCAL, domid);
}

static void *window_map(void *ctx, uint64_t pfn)
{
	struct window *w = ctx;
	long rc = map_foreign(w->va, w->u->domid, w->u->p2m[pfn]);

	if (rc) {
		if (!w->rc)
			w->rc = rc;
		return NULL;
	}
	return w->va;
}

static uint64_t window_pfn_to_mfn(void *ctx, uint64_t pfn)
{
	struct window *w = ctx;

	return w->u->p2m[pfn];
}

/* What the domU may rely on: dom0's features, less being dom0. */
static uint32_t domu_features(void)
{
	xen_feature_info_t fi = { .submap_idx = 0 };

	if (hyp_xen_version(XENVER_get_features, &fi))
		return 0;
	return fi.submap & ~(1u << XENFEAT_dom0);
}

long domu_build(struct domu *u, const void *elf, uint64_t len, const char *cmdline,
		const char **why)
{
	static struct elf64_image img;
	static struct xen_kernel_info info;
	static struct domain_layout lay;
	struct xen_kernel_caps caps = { .features = domu_features() };
	struct domain_layout_params lp = { u->nr_pages, 0, false };
	struct elf64_err err = { "" };
	struct xen_domctl_getdomaininfo di;
	struct window w = { .u = u };
	long rc;

	if (elf64_open(&img, elf, len, &err) || xen_kernel_parse(&img, &info, &err) ||
	    xen_kernel_check(&info, &caps, &err) || domain_layout_compute(&info, &lp, &lay, &err)) {
		pv_printf("domu_build: %s\n", err.msg);
		FAIL("kernel image", -EINVAL);
	}
	rc = domu_info(u->domid, &di);
	if (rc)
		FAIL("getdomaininfo", rc);

	/* The peer's console and store channels: unbound ports for dom0. */
	rc = alloc_unbound(u->domid, 0);
	if (rc < 0)
		FAIL("alloc_unbound (store)", rc);
	u->store_port = rc;
	rc = alloc_unbound(u->domid, 0);
	if (rc < 0)
		FAIL("alloc_unbound (console)", rc);
	u->console_port = rc;

	w.va = mm_alloc_page();
	w.own = mm_pte((unsigned long)w.va);
	struct dom_builder_mem mem = { window_map, window_pfn_to_mfn, &w };
	struct domain_build_params bp = {
		.img = &img,
		.kernel = &info,
		.layout = &lay,
		.cmdline = cmdline,
		.shared_info_maddr = di.shared_info_frame << 12,
		.is_dom0 = false,
		.store_evtchn = u->store_port,
		.console_evtchn = u->console_port,
	};
	rc = domain_build(&mem, &bp, &u->entry, &err);
	/*
	 * Events masked at start of day is the toolstack's job on Xen (it
	 * leaves a new domain's vcpu_info as zeroes): without this, an event
	 * we send before the kernel registers its callbacks would be bounced
	 * to a handler that does not exist yet and crash it.  Keel masks
	 * them at create already; doing it here too is harmless.
	 */
	if (!rc && !w.rc) {
		struct shared_info *si = NULL;

		if (!map_foreign(w.va, u->domid, di.shared_info_frame))
			si = w.va;
		else
			w.rc = -EFAULT;
		for (unsigned int i = 0; si && i < XEN_LEGACY_MAX_VCPUS; i++)
			si->vcpu_info[i].evtchn_upcall_mask = 1;
	}
	/* Drop the window's hold on the last frame: a page table cannot be pinned while writable. */
	mm_set_pte(w.va, w.own);
	if (w.rc)
		FAIL("update_va_mapping_otherdomain", w.rc);
	if (rc) {
		pv_printf("domu_build: %s\n", err.msg);
		FAIL("domain_build", rc);
	}
	u->store_mfn = u->p2m[domain_layout_pfn(&lay, lay.xenstore)];
	u->console_mfn = u->p2m[domain_layout_pfn(&lay, lay.console)];

	struct mmuext_op pin = { .cmd = MMUEXT_PIN_L4_TABLE, .arg1.mfn = u->entry.cr3_mfn };

	rc = hyp_mmuext_op(&pin, 1, NULL, u->domid);
	if (rc)
		FAIL("pin L4", rc);
	return 0;
}

long domu_start(struct domu *u, const char **why)
{
	static vcpu_guest_context_t ctxt;
	struct xen_domctl op = { .cmd = XEN_DOMCTL_setvcpucontext, .domain = u->domid };
	long rc;

	memset(&ctxt, 0, sizeof(ctxt));
	ctxt.flags = VGCF_in_kernel | VGCF_online;
	ctxt.user_regs.rip = u->entry.rip;
	ctxt.user_regs.rsp = u->entry.rsp;
	ctxt.user_regs.rsi = u->entry.rsi;
	ctxt.user_regs.rflags = 1u << 9; /* IF: the virtual one, events stay masked in vcpu_info */
	ctxt.user_regs.cs = FLAT_KERNEL_CS;
	ctxt.user_regs.ss = FLAT_KERNEL_SS;
	ctxt.user_regs.ds = ctxt.user_regs.es = FLAT_KERNEL_DS;
	ctxt.kernel_ss = FLAT_KERNEL_SS;
	ctxt.kernel_sp = u->entry.rsp;
	ctxt.ctrlreg[3] = xen_pfn_to_cr3(u->entry.cr3_mfn);
	op.u.vcpucontext.vcpu = 0;
	set_xen_guest_handle(op.u.vcpucontext.ctxt, &ctxt);
	rc = hyp_domctl(&op);
	if (rc)
		FAIL("setvcpucontext", rc);
	op = (struct xen_domctl){ .cmd = XEN_DOMCTL_unpausedomain, .domain = u->domid };
	rc = hyp_domctl(&op);
	if (rc)
		FAIL("unpausedomain", rc);
	return 0;
}

long domu_info(domid_t domid, struct xen_domctl_getdomaininfo *info)
{
	struct xen_domctl op = { .cmd = XEN_DOMCTL_getdomaininfo, .domain = domid };
	long rc = hyp_domctl(&op);

	if (rc)
		return rc;
	*info = op.u.getdomaininfo;
	return info->domain == domid ? 0 : -ESRCH; /* Xen answers with the next domain up */
}

long domu_destroy(domid_t domid)
{
	struct xen_domctl op = { .cmd = XEN_DOMCTL_destroydomain, .domain = domid };

	return hyp_domctl(&op);
}

long host_free_pages(void)
{
	struct xen_sysctl op = { .cmd = XEN_SYSCTL_physinfo };
	long rc = hyp_sysctl(&op);

	return rc ? rc : (long)op.u.physinfo.free_pages;
}

long host_free_pages_back_to(long want)
{
	long now = host_free_pages();

	for (int i = 0; i < 100 && now != want; i++) {
		hyp_sched_op(SCHEDOP_yield, NULL);
		now = host_free_pages();
	}
	return now;
}
