/*
 * dom0-tools/vmctl/domain_create.c - `xl create` for a PV guest: the
 * hypercall steps (domain_create.h).
 *
 * Owns: the sequence of steps and the unwinding.  Everything that can be
 * refused without the hypervisor (the kernel image, the layout, the
 * scratch size, the host's free memory, cpus= against the host's CPUs)
 * is checked before createdomain, so most refusals create nothing at all.  After
 * createdomain, every failure goes through one exit that tears the
 * domain down (vmctl_domain_teardown), so a half-built domain never
 * outlives the call.
 */
#include "dom0-tools/vmctl/domain_create.h"

#include "dom0-tools/guest_config_check.h"
#include "lib/errno.h"
#include "lib/format.h"
#include "lib/string.h"

/* One create in progress: where a failure is reported. */
struct create {
	const struct vmctl_hv *hv;
	const struct vmctl_store *st;
	struct vmctl_create_scratch *s;
	const struct vmctl_create_params *p;
	struct vmctl_domain *d;
	char *msg;
	uint64_t nr_pages;
	const char *step; /* the step that failed */
	struct gcheck_cpumap cpus; /* cpus=, on this host (unused without it) */
	unsigned int nr_cpus;	   /* the host's CPU numbers: 0 .. nr_cpus-1 */
};

static int create_fail(struct create *c, const char *step, int rc)
{
	c->step = step;
	return rc ? rc : -EINVAL;
}

/* What the domU may rely on: dom0's features, less being dom0. */
static uint32_t domu_features(const struct vmctl_hv *hv)
{
	xen_feature_info_t fi = { .submap_idx = 0 };

	if (vmctl_xen_version(hv, XENVER_get_features, &fi))
		return 0;
	return fi.submap & ~(1u << XENFEAT_dom0);
}

/* cpus= read for this host (physinfo pi): 0, or -EINVAL with msg set. */
static int create_cpumap(struct create *c, const struct xen_sysctl_physinfo *pi)
{
	const struct guest_config *gc = c->p->gc;
	char why[GCHECK_WHY_MAX];

	c->nr_cpus = pi->max_cpu_id + 1;
	if (!gc->cpus[0] || !gcheck_cpulist_map(gc->cpus, c->nr_cpus, pi->max_node_id + 1, &c->cpus,
						why))
		return 0;
	format_snprintf(c->msg, VMCTL_MSG_MAX, "%s: cpus = \"%s\": %s", gc->name, gc->cpus, why);
	return -EINVAL;
}

/* The kernel image, the layout and the host's room: checked before anything exists. */
static int create_check(struct create *c)
{
	const struct guest_config *gc = c->p->gc;
	struct vmctl_create_scratch *s = c->s;
	struct xen_kernel_caps caps = { .features = domu_features(c->hv) };
	struct domain_layout_params lp = { c->nr_pages, c->p->ramdisk_len, false };
	struct xen_sysctl_physinfo pi;
	struct elf64_err err = { "" };
	int rc;

	if (c->nr_pages > s->p2m_max) {
		format_snprintf(c->msg, VMCTL_MSG_MAX,
				"%s: memory = %u MiB is more than vmctl can build (%llu MiB)",
				gc->name, gc->memory_mib, (unsigned long long)(s->p2m_max >> 8));
		return -E2BIG;
	}
	rc = elf64_open(&s->img, c->p->kernel, c->p->kernel_len, &err);
	if (!rc)
		rc = xen_kernel_parse(&s->img, &s->kernel, &err);
	if (!rc)
		rc = xen_kernel_check(&s->kernel, &caps, &err);
	if (!rc)
		rc = domain_layout_compute(&s->kernel, &lp, &s->layout, &err);
	if (rc) {
		format_snprintf(c->msg, VMCTL_MSG_MAX, "%s: kernel %s: %s", gc->name, gc->kernel,
				err.msg);
		return rc;
	}
	rc = vmctl_physinfo(c->hv, &pi);
	if (rc)
		return create_fail(c, "physinfo", rc);
	if (pi.free_pages < c->nr_pages) {
		format_snprintf(c->msg, VMCTL_MSG_MAX,
				"%s: not enough free memory: memory = %u MiB, the host has %llu MiB free",
				gc->name, gc->memory_mib, (unsigned long long)(pi.free_pages >> 8));
		return -ENOMEM;
	}
	return create_cpumap(c, &pi);
}

static int create_domain(struct create *c)
{
	const struct guest_config *gc = c->p->gc;
	struct xen_domctl op = { .cmd = XEN_DOMCTL_createdomain, .domain = 0 };
	struct xen_domctl_createdomain *cd = &op.u.createdomain;
	int rc;

	memcpy(cd->handle, c->p->uuid, sizeof(cd->handle));
	cd->flags = 0; /* PV */
	cd->max_vcpus = gc->maxvcpus;
	cd->max_evtchn_port = gc->max_event_channels;
	cd->max_grant_frames = (int32_t)gc->max_grant_frames;
	cd->max_maptrack_frames = (int32_t)gc->max_maptrack_frames;
	cd->grant_opts = XEN_DOMCTL_GRANT_version(1);
	rc = vmctl_domctl(c->hv, &op);
	if (rc)
		return create_fail(c, "createdomain", rc);
	c->d->domid = op.domain;

	/* Xen 4.17 still allocates the vCPUs here; the count must match createdomain's. */
	op = (struct xen_domctl){ .cmd = XEN_DOMCTL_max_vcpus, .domain = c->d->domid };
	op.u.max_vcpus.max = gc->maxvcpus;
	rc = vmctl_domctl(c->hv, &op);
	if (rc)
		return create_fail(c, "max_vcpus", rc);

	op = (struct xen_domctl){ .cmd = XEN_DOMCTL_max_mem, .domain = c->d->domid };
	op.u.max_mem.max_memkb = (uint64_t)gc->maxmem_mib * 1024;
	rc = vmctl_domctl(c->hv, &op);
	if (rc)
		return create_fail(c, "max_mem", rc);
	return 0;
}

/*
 * cpus=: every vCPU's hard affinity, set as xl sets it, before the
 * domain's memory and first run.  Nothing to do without cpus= (every CPU).
 */
static int create_affinity(struct create *c)
{
	struct gcheck_cpumap map;

	if (!c->p->gc->cpus[0])
		return 0;
	for (uint32_t vcpu = 0; vcpu < c->p->gc->maxvcpus; vcpu++) {
		int rc;

		map = c->cpus; /* the hypervisor writes the effective CPUs back into it */
		rc = vmctl_vcpu_pin(c->hv, c->d->domid, vcpu, map.bits, c->nr_cpus);
		if (rc)
			return create_fail(c, "setvcpuaffinity", rc);
	}
	return 0;
}

/* XENMEM_populate_physmap in chunks: a PV domain learns its mfns in p2m. */
static int create_populate(struct create *c)
{
	const uint64_t chunk = 4096;
	uint64_t done = 0;

	for (uint64_t pfn = 0; pfn < c->nr_pages; pfn++)
		c->s->p2m[pfn] = pfn; /* in: the gpfns; out (PV): the mfns */
	while (done < c->nr_pages) {
		uint64_t n = c->nr_pages - done < chunk ? c->nr_pages - done : chunk;
		struct xen_memory_reservation r = {
			.nr_extents = n,
			.extent_order = 0,
			.domid = c->d->domid,
		};
		long rc;

		set_xen_guest_handle(r.extent_start, c->s->p2m + done);
		rc = vmctl_memory_op(c->hv, XENMEM_populate_physmap, &r);
		if (rc <= 0)
			return create_fail(c, "populate_physmap", rc < 0 ? (int)rc : -ENOMEM);
		done += (uint64_t)rc;
	}
	return 0;
}

/* The builder's view of the domU: one foreign mapping at a time. */
struct window {
	const struct vmctl_hv *hv;
	domid_t domid;
	const uint64_t *p2m;
	void *va;
	int rc;
};

static void window_drop(struct window *w)
{
	if (w->va)
		w->hv->unmap_foreign(w->hv->ctx, w->va);
	w->va = NULL;
}

static void *window_map_mfn(struct window *w, uint64_t mfn)
{
	window_drop(w);
	w->va = w->hv->map_foreign(w->hv->ctx, w->domid, mfn);
	if (!w->va && !w->rc)
		w->rc = -EFAULT;
	return w->va;
}

static void *window_map(void *ctx, uint64_t pfn)
{
	struct window *w = ctx;

	return window_map_mfn(w, w->p2m[pfn]);
}

static uint64_t window_pfn_to_mfn(void *ctx, uint64_t pfn)
{
	struct window *w = ctx;

	return w->p2m[pfn];
}

/*
 * Events masked at start of day is the toolstack's job on Xen (it leaves
 * a new domain's vcpu_info as zeroes): an event sent before the kernel
 * registers its callbacks would otherwise crash it.
 */
static void mask_upcalls(struct window *w, uint64_t shared_info_mfn)
{
	struct shared_info *si = window_map_mfn(w, shared_info_mfn);

	for (unsigned int i = 0; si && i < XEN_LEGACY_MAX_VCPUS; i++)
		si->vcpu_info[i].evtchn_upcall_mask = 1;
}

static int create_build(struct create *c, struct domain_build_entry *entry)
{
	struct vmctl_create_scratch *s = c->s;
	struct vmctl_domain *d = c->d;
	struct xen_domctl_getdomaininfo di;
	struct window w = { c->hv, d->domid, s->p2m, NULL, 0 };
	struct dom_builder_mem mem = { window_map, window_pfn_to_mfn, &w };
	struct elf64_err err = { "" };
	int rc;

	rc = vmctl_domain_info(c->hv, d->domid, &di);
	if (rc)
		return create_fail(c, "getdomaininfo", rc);
	rc = vmctl_alloc_unbound(c->hv, d->domid, 0, &d->store_port);
	if (rc)
		return create_fail(c, "alloc_unbound (store)", rc);
	rc = vmctl_alloc_unbound(c->hv, d->domid, 0, &d->console_port);
	if (rc)
		return create_fail(c, "alloc_unbound (console)", rc);

	struct domain_build_params bp = {
		.img = &s->img,
		.kernel = &s->kernel,
		.layout = &s->layout,
		.initrd = c->p->ramdisk,
		.cmdline = c->p->gc->cmdline,
		.shared_info_maddr = di.shared_info_frame << 12,
		.is_dom0 = false,
		.store_evtchn = d->store_port,
		.console_evtchn = d->console_port,
	};
	rc = domain_build(&mem, &bp, entry, &err);
	if (!rc && !w.rc)
		mask_upcalls(&w, di.shared_info_frame);
	/* A page table cannot be pinned while we still map it writable. */
	window_drop(&w);
	if (w.rc)
		return create_fail(c, "map_foreign", w.rc);
	if (rc) {
		format_snprintf(c->msg, VMCTL_MSG_MAX, "%s: domain_build: %s", c->p->gc->name,
				err.msg);
		return create_fail(c, NULL, rc);
	}
	d->store_mfn = s->p2m[domain_layout_pfn(&s->layout, s->layout.xenstore)];
	d->console_mfn = s->p2m[domain_layout_pfn(&s->layout, s->layout.console)];
	rc = vmctl_pin_l4(c->hv, d->domid, entry->cr3_mfn);
	if (rc)
		return create_fail(c, "pin L4", rc);
	return 0;
}

/* vCPU 0 starts at the kernel's entry; the others stay down until the guest brings them up. */
static int create_vcpu0(struct create *c, const struct domain_build_entry *e)
{
	vcpu_guest_context_t *ctxt = &c->s->ctxt;
	struct xen_domctl op = { .cmd = XEN_DOMCTL_setvcpucontext, .domain = c->d->domid };
	int rc;

	memset(ctxt, 0, sizeof(*ctxt));
	ctxt->flags = VGCF_in_kernel | VGCF_online;
	ctxt->user_regs.rip = e->rip;
	ctxt->user_regs.rsp = e->rsp;
	ctxt->user_regs.rsi = e->rsi;
	ctxt->user_regs.rflags = 1u << 9; /* the virtual IF: events stay masked in vcpu_info */
	ctxt->user_regs.cs = FLAT_KERNEL_CS;
	ctxt->user_regs.ss = FLAT_KERNEL_SS;
	ctxt->user_regs.ds = ctxt->user_regs.es = FLAT_KERNEL_DS;
	ctxt->kernel_ss = FLAT_KERNEL_SS;
	ctxt->kernel_sp = e->rsp;
	ctxt->ctrlreg[3] = xen_pfn_to_cr3(e->cr3_mfn);
	op.u.vcpucontext.vcpu = 0;
	set_xen_guest_handle(op.u.vcpucontext.ctxt, ctxt);
	rc = vmctl_domctl(c->hv, &op);
	return rc ? create_fail(c, "setvcpucontext", rc) : 0;
}

/*
 * cpu_weight and cap: nothing to do for the defaults (every scheduler
 * starts a domain there, so a guest config without them works on Xen's
 * default credit2 too); otherwise the hypervisor's scheduler, credit or
 * credit2, gets them in its own shape.
 */
static int create_sched(struct create *c)
{
	struct xen_domctl op = { .cmd = XEN_DOMCTL_scheduler_op, .domain = c->d->domid };
	struct xen_sysctl sys = { .cmd = XEN_SYSCTL_sched_id };
	const struct guest_config *gc = c->p->gc;
	int rc;

	if (gc->cpu_weight == GUEST_DEFAULT_CPU_WEIGHT && gc->cap == 0)
		return 0;
	rc = vmctl_sysctl(c->hv, &sys);
	if (rc)
		return create_fail(c, "sysctl sched_id", rc);
	op.u.scheduler_op.sched_id = sys.u.sched_id.sched_id;
	op.u.scheduler_op.cmd = XEN_DOMCTL_SCHEDOP_putinfo;
	if (sys.u.sched_id.sched_id == XEN_SCHEDULER_CREDIT) {
		op.u.scheduler_op.u.credit.weight = (uint16_t)gc->cpu_weight;
		op.u.scheduler_op.u.credit.cap = (uint16_t)gc->cap;
	} else if (sys.u.sched_id.sched_id == XEN_SCHEDULER_CREDIT2) {
		op.u.scheduler_op.u.credit2.weight = (uint16_t)gc->cpu_weight;
		op.u.scheduler_op.u.credit2.cap = (uint16_t)gc->cap;
	} else {
		return create_fail(c, "cpu_weight/cap (the scheduler has neither)", -EINVAL);
	}
	rc = vmctl_domctl(c->hv, &op);
	return rc ? create_fail(c, "scheduler_op putinfo", rc) : 0;
}

static int create_steps(struct create *c)
{
	struct domain_build_entry entry;
	const char *step = NULL;
	int rc;

	rc = create_domain(c);
	if (!rc)
		rc = create_affinity(c);
	if (!rc)
		rc = create_populate(c);
	if (!rc)
		rc = create_build(c, &entry);
	if (!rc)
		rc = create_vcpu0(c, &entry);
	if (!rc)
		rc = create_sched(c);
	if (rc)
		return rc;
	rc = vmctl_store_domain(c->st, c->d, &step);
	if (rc)
		return create_fail(c, step, rc);
	rc = vmctl_domain_simple(c->hv, c->d->domid, XEN_DOMCTL_unpausedomain);
	return rc ? create_fail(c, "unpausedomain", rc) : 0;
}

int vmctl_domain_create(const struct vmctl_hv *hv, const struct vmctl_store *st,
			struct vmctl_create_scratch *s, const struct vmctl_create_params *p,
			struct vmctl_domain *d, char *msg)
{
	struct create c = {
		.hv = hv, .st = st, .s = s, .p = p, .d = d, .msg = msg,
		.nr_pages = (uint64_t)p->gc->memory_mib << 8,
	};
	int rc;

	msg[0] = '\0';
	d->domid = DOMID_INVALID;
	d->config = *p->gc;
	memcpy(d->uuid, p->uuid, sizeof(d->uuid));
	rc = create_check(&c);
	if (!rc)
		rc = create_steps(&c);
	if (!rc)
		return 0;
	if (c.step)
		format_snprintf(msg, VMCTL_MSG_MAX, "%s: %s failed: %s", p->gc->name, c.step,
				vmctl_errno_name(rc));
	if (d->domid != DOMID_INVALID) {
		size_t n = strlen(msg);

		vmctl_domain_teardown(hv, st, d->domid, d->uuid);
		format_snprintf(msg + n, VMCTL_MSG_MAX - n, " (domain %u destroyed)", d->domid);
	}
	return rc;
}

int vmctl_domain_teardown(const struct vmctl_hv *hv, const struct vmctl_store *st, domid_t domid,
			  const uint8_t *uuid)
{
	char path[VMCTL_STORE_PATH_MAX], text[37];
	int rc;

	/*
	 * Release first: the store (and dom0's console backend with it) then
	 * unmaps the domain's rings, which Keel's destroy insists on (-EBUSY
	 * while another domain maps one of its frames, docs/control-interface.md).
	 */
	st->release(st->ctx, domid);
	for (unsigned int i = 0;; i++) {
		rc = vmctl_domain_simple(hv, domid, XEN_DOMCTL_destroydomain);
		if (rc != -EBUSY || i == 10)
			break;
		hv->sleep_ms(hv->ctx, 20);
	}
	if (!vmctl_store_path(path, "/local/domain/%u", domid))
		st->rm(st->ctx, path);
	if (uuid) {
		vmctl_uuid_format(text, uuid);
		if (!vmctl_store_path(path, "/vm/%s", text))
			st->rm(st->ctx, path);
	}
	return rc;
}
