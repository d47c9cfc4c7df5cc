/*
 * hypercalls/domctl.c - HYPERVISOR_domctl (xen/domctl.h): the control
 * domain builds, starts, stops, inspects and destroys other domains.
 *
 * Every call: the struct is copied in (-EFAULT), its interface_version
 * must be XEN_DOMCTL_INTERFACE_VERSION (-EACCES), the caller must be the
 * control domain (-EPERM, invariant 6 of DESIGN.md), and, for every
 * command but createdomain, op->domain must name a domain (-ESRCH).
 * Then one small worker per command; commands that return data copy the
 * whole struct back, as Xen does (-EFAULT if that fails), but for the
 * vCPU affinities (domctl_affinity.c), which answer in the caller's
 * bitmaps only, as Xen's do.
 *
 * Differences from Xen 4.17 (docs/control-interface.md): the privilege
 * check comes before the domain lookup, so an unprivileged caller learns
 * nothing about which ids exist (Xen answers it -ESRCH for a missing
 * domain); a destroy that must wait for another domain to unmap frames
 * answers -EBUSY and leaves the domain DYING, to be destroyed again later
 * (Xen returns 0 and keeps a zombie); a dying domain answers only
 * getdomaininfo and destroydomain (-ESRCH otherwise); setvcpucontext
 * with a NULL context (Xen: reset the vCPU) is -EOPNOTSUPP; createdomain
 * refuses grant ABI v2 and xenstore domains (-EINVAL).
 *
 * Locks: the domctl lock serialises whole commands, as Xen's does, so a
 * domain's state (ACTIVE/DYING) cannot change under a command (only a
 * destroydomain changes it).  It is a plain spinlock taken first, before
 * any domain, event or MMU lock.
 */
#undef __XEN_INTERFACE_VERSION__
#define __XEN_TOOLS__ 1 /* domctl.h is a toolstack header (see control.h) */

#include "hypercalls/hypercalls.h"

#include <xen/domctl.h>
#include <xen/xen.h>

#include "arch/guest_access.h"
#include "arch/spinlock.h"
#include "hypercalls/control.h"
#include "hypercalls/hypercall.h"
#include "hypercalls/vcpu_context.h"
#include "hypervisor/common/domain.h"
#include "lib/errno.h"
#include "lib/printk.h"
#include "lib/string.h"
#include "lib/types.h"
#include "mm/heap.h"
#include "sched/sched.h"

/* The createdomain flags Xen 4.17 knows; any other is -EINVAL. */
#define KNOWN_CDF                                                                                  \
	(XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap | XEN_DOMCTL_CDF_s3_integrity |                   \
	 XEN_DOMCTL_CDF_oos_off | XEN_DOMCTL_CDF_xs_domain | XEN_DOMCTL_CDF_iommu |                \
	 XEN_DOMCTL_CDF_nested_virt | XEN_DOMCTL_CDF_vpmu)

static spinlock_t domctl_lock = SPINLOCK_INIT;

/* ---- createdomain ---- */

/*
 * The checks Xen 4.17 makes of a createdomain request, with the answers
 * it gives on a machine without HVM, IOMMU, vPMU or tracing.  Fills
 * *limits.  PV domains come back with oos_off set, as from Xen.
 */
static long check_config(struct xen_domctl_createdomain *c, struct domain_limits *limits)
{
	unsigned int gnttab_version = XEN_DOMCTL_GRANT_version(c->grant_opts);

	if ((c->flags & ~KNOWN_CDF) || (c->grant_opts & ~XEN_DOMCTL_GRANT_version_mask))
		return -EINVAL;
	if (c->max_vcpus < 1 ||
	    ((c->flags & XEN_DOMCTL_CDF_hap) && !(c->flags & XEN_DOMCTL_CDF_hvm)))
		return -EINVAL;
	/* Nothing Keel lacks may be asked for: an IOMMU (or its options), a vPMU, HVM, tracing. */
	if ((c->flags & (XEN_DOMCTL_CDF_iommu | XEN_DOMCTL_CDF_vpmu | XEN_DOMCTL_CDF_hvm)) ||
	    c->iommu_opts || c->vmtrace_size)
		return -EINVAL;
	/*
	 * No tboot for S3 integrity, no nested virtualisation (as on Xen
	 * without them); Keel also refuses a xenstore domain, whose extra
	 * privileges it does not have yet (Xen would accept it).
	 */
	if (c->flags &
	    (XEN_DOMCTL_CDF_s3_integrity | XEN_DOMCTL_CDF_xs_domain | XEN_DOMCTL_CDF_nested_virt))
		return -EINVAL;
	if (c->max_vcpus > DOMAIN_MAX_VCPUS || (c->arch.misc_flags & ~XEN_X86_MSR_RELAXED))
		return -EINVAL;
	c->flags |= XEN_DOMCTL_CDF_oos_off; /* meaningless for PV; Xen sets it */
	/* A PV domain may have the PIT at most (Xen's rule); others are -EOPNOTSUPP. */
	if (c->arch.emulation_flags & ~XEN_X86_EMU_PIT)
		return -EOPNOTSUPP;
	limits->max_evtchn_port = c->max_evtchn_port;
	limits->max_grant_frames = c->max_grant_frames < 0 ? DOMAIN_DEFAULT_MAX_GRANT_FRAMES
							   : (unsigned)c->max_grant_frames;
	limits->max_maptrack_frames = c->max_maptrack_frames < 0
					  ? DOMAIN_DEFAULT_MAX_MAPTRACK_FRAMES
					  : (unsigned)c->max_maptrack_frames;
	if (limits->max_grant_frames < 1 ||
	    limits->max_grant_frames > DOMAIN_DEFAULT_MAX_GRANT_FRAMES ||
	    limits->max_maptrack_frames > DOMAIN_DEFAULT_MAX_MAPTRACK_FRAMES)
		return -EINVAL;
	if (gnttab_version < 1 || gnttab_version > CONTROL_GNTTAB_MAX_VERSION)
		return -EINVAL;
	return c->cpupool_id ? -ESRCH : 0; /* one CPU pool, number 0 */
}

/*
 * XEN_DOMCTL_createdomain: a new PV domain, paused once, no memory
 * (max_pages 0), vCPUs offline.  op->domain in 1 .. DOMID_FIRST_RESERVED-1
 * asks for that id (-EEXIST if taken); 0 or a reserved id picks one.
 */
static long createdomain(struct vcpu *v, struct xen_domctl *op)
{
	struct xen_domctl_createdomain *c = &op->u.createdomain;
	struct domain_limits limits;
	domid_t want = op->domain;
	struct domain *d;
	int err;
	long rc = check_config(c, &limits);

	if (rc)
		return rc;
	if (want == 0 || want >= DOMID_FIRST_RESERVED)
		want = DOMID_AUTO;
	d = domain_create_limited(want, 0, c->max_vcpus, &limits, &err);
	if (!d)
		return err;
	memcpy(d->handle, c->handle, sizeof(d->handle));
	op->domain = d->domid;
	printk(KLOG_INFO "domain %u created by domain %u\n", d->domid, v->domain->domid);
	return 0;
}

/* ---- destroydomain ---- */

/*
 * hypercall_preempt_check, by a local name: the hypervisor is linked
 * where an external function's address cannot come from the GOT.
 */
static bool destroy_should_yield(void)
{
	return hypercall_preempt_check();
}

/*
 * XEN_DOMCTL_destroydomain: kills d (ACTIVE -> DYING) and gives back its
 * memory, continuing the hypercall when asked to yield.  -EBUSY while
 * another domain still maps one of d's frames: d stays DYING and a later
 * destroydomain finishes.  Not our own domain (-EINVAL, as Xen).
 */
static long destroydomain(struct vcpu *v, struct domain *d, uint64_t arg)
{
	long rc;

	if (d == v->domain)
		return -EINVAL;
	if (d->state == DOMAIN_ACTIVE) {
		rc = domain_kill(d);
		if (rc)
			return rc;
	}
	rc = domain_relinquish_memory_preemptible(d, destroy_should_yield);
	if (rc == -ERESTART)
		return hypercall_create_continuation(__HYPERVISOR_domctl, 1, &arg);
	if (!rc)
		printk(KLOG_INFO "domain %u destroyed: every frame returned\n", d->domid);
	return rc;
}

/* ---- pause, limits, time ---- */

/* XEN_DOMCTL_pausedomain: nested; never our own domain (-EINVAL, as Xen). */
static long pausedomain(struct vcpu *v, struct domain *d)
{
	return d == v->domain ? -EINVAL : domain_pause(d);
}

/* XEN_DOMCTL_max_mem: KiB to whole pages; Xen 4.17 keeps max_pages in 32 bits. */
static long max_mem(struct domain *d, const struct xen_domctl_max_mem *m)
{
	uint64_t pages = m->max_memkb >> (PAGE_SHIFT - 10);

	return domain_set_max_pages(d, pages > UINT32_MAX ? UINT32_MAX : pages);
}

/*
 * XEN_DOMCTL_max_vcpus: Keel makes the vCPUs at createdomain, so this only
 * checks what Xen checks: the same number, and not our own domain.
 */
static long max_vcpus(struct vcpu *v, struct domain *d, const struct xen_domctl_max_vcpus *m)
{
	return d == v->domain || m->max != d->max_vcpus ? -EINVAL : 0;
}

/* ---- vCPUs ---- */

/* XEN_DOMCTL_setvcpucontext: loads a whole register context into an offline or paused vCPU. */
static long setvcpucontext(struct vcpu *v, struct domain *d,
			   const struct xen_domctl_vcpucontext *vc)
{
	struct vcpu *target = domain_vcpu(d, vc->vcpu);
	struct vcpu_guest_context *ctx;
	long rc;

	if (d == v->domain || !target)
		return -EINVAL;
	if (!vc->ctxt.p)
		return -EOPNOTSUPP;	/* Xen resets the vCPU; Keel has no reset yet */
	ctx = heap_alloc(sizeof(*ctx)); /* ~5 KiB: too big for the stack */
	if (!ctx)
		return -ENOMEM;
	rc = copy_from_guest(ctx, (uint64_t)vc->ctxt.p, sizeof(*ctx));
	if (!rc) {
		rc = domain_pause(d);
		if (!rc) {
			rc = arch_vcpu_set_context(target, ctx);
			/* As Xen: VGCF_online says whether the vCPU is up once its domain runs. */
			if (!rc)
				rc = ctx->flags & VGCF_online ? vcpu_up(target) : vcpu_down(target);
			domain_unpause(d);
		}
	}
	heap_free(ctx);
	return rc;
}

/* XEN_DOMCTL_getvcpucontext: not the calling vCPU (-EINVAL); -ENODATA before it has one. */
static long getvcpucontext(struct vcpu *v, struct domain *d,
			   const struct xen_domctl_vcpucontext *vc)
{
	struct vcpu *target = domain_vcpu(d, vc->vcpu);
	struct vcpu_guest_context *ctx;
	long rc;

	if (!target || target == v)
		return -EINVAL;
	if (!arch_vcpu_has_context(target))
		return -ENODATA;
	ctx = heap_zalloc(sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	rc = vcpu_pause(target);
	if (!rc) {
		rc = arch_vcpu_get_context(target, ctx);
		vcpu_unpause(target);
	}
	if (!rc && copy_to_guest((uint64_t)vc->ctxt.p, ctx, sizeof(*ctx)))
		rc = -EFAULT;
	heap_free(ctx);
	return rc;
}

/* XEN_DOMCTL_getvcpuinfo: state, CPU and running time of one vCPU. */
static long getvcpuinfo(struct domain *d, struct xen_domctl_getvcpuinfo *vi)
{
	struct vcpu *target = domain_vcpu(d, vi->vcpu);
	struct vcpu_runstate_info rs;
	enum vcpu_state state;

	if (!target)
		return -EINVAL;
	spin_lock(&d->lock);
	state = target->state;
	spin_unlock(&d->lock);
	vcpu_runstate_get(target, &rs);
	vi->online = state != VCPU_OFFLINE;
	vi->blocked = state == VCPU_BLOCKED;
	vi->running = state == VCPU_RUNNING;
	vi->cpu_time = rs.time[RUNSTATE_running];
	vi->cpu = arch_control_vcpu_processor(target);
	return 0;
}

/* ---- scheduling ---- */

/*
 * XEN_DOMCTL_scheduler_op for Keel's credit scheduler: getinfo reads d's
 * weight and cap, putinfo sets both (a weight of 0 keeps the current
 * one; the checks are sched_credit_set's).  Another scheduler's id, or
 * the per-vCPU commands credit does not have, are -EINVAL.
 */
static long scheduler_op(struct domain *d, struct xen_domctl_scheduler_op *s, bool *copyback)
{
	unsigned int weight, cap;

	if (s->sched_id != XEN_SCHEDULER_CREDIT)
		return -EINVAL;
	sched_credit_get(d, &weight, &cap);
	switch (s->cmd) {
	case XEN_DOMCTL_SCHEDOP_getinfo:
		s->u.credit.weight = (uint16_t)weight;
		s->u.credit.cap = (uint16_t)cap;
		*copyback = true;
		return 0;
	case XEN_DOMCTL_SCHEDOP_putinfo:
		return sched_credit_set(d, s->u.credit.weight ? s->u.credit.weight : weight,
					s->u.credit.cap);
	default:
		return -EINVAL;
	}
}

/* ---- dispatch ---- */

/*
 * XEN_DOMCTL_getdomaininfo: the first domain with an id >= op->domain
 * (Xen 4.17), its id echoed in op->domain; reserved ids are -EINVAL.
 */
static long getdomaininfo(struct xen_domctl *op)
{
	struct domain *d;

	if (op->domain >= DOMID_FIRST_RESERVED)
		return -EINVAL;
	d = domain_next(op->domain);
	if (!d)
		return -ESRCH;
	control_domain_info(d, &op->u.getdomaininfo);
	op->domain = d->domid;
	domain_put(d);
	return 0;
}

/*
 * The commands that name an existing domain d.  Sets *copyback when the
 * struct goes back to the guest.  A DYING d only answers destroydomain.
 */
static long domain_command(struct vcpu *v, struct xen_domctl *op, struct domain *d, uint64_t arg,
			   bool *copyback)
{
	if (op->cmd == XEN_DOMCTL_destroydomain)
		return destroydomain(v, d, arg);
	if (d->state != DOMAIN_ACTIVE)
		return -ESRCH;
	switch (op->cmd) {
	case XEN_DOMCTL_pausedomain:
		return pausedomain(v, d);
	case XEN_DOMCTL_unpausedomain:
		return domain_unpause(d);
	case XEN_DOMCTL_max_mem:
		return max_mem(d, &op->u.max_mem);
	case XEN_DOMCTL_max_vcpus:
		return max_vcpus(v, d, &op->u.max_vcpus);
	case XEN_DOMCTL_setvcpucontext:
		return setvcpucontext(v, d, &op->u.vcpucontext);
	case XEN_DOMCTL_getvcpucontext:
		return getvcpucontext(v, d, &op->u.vcpucontext);
	case XEN_DOMCTL_getvcpuinfo:
		*copyback = true;
		return getvcpuinfo(d, &op->u.getvcpuinfo);
	case XEN_DOMCTL_settimeoffset:
		arch_control_set_time_offset(d, op->u.settimeoffset.time_offset_seconds);
		return 0;
	case XEN_DOMCTL_scheduler_op:
		return scheduler_op(d, &op->u.scheduler_op, copyback);
	case XEN_DOMCTL_setvcpuaffinity:
	case XEN_DOMCTL_getvcpuaffinity:
		return domctl_vcpu_affinity(d, op->cmd, &op->u.vcpuaffinity);
	default:
		return -ENOSYS;
	}
}

/* One command, the domctl lock held. */
static long domctl_locked(struct vcpu *v, struct xen_domctl *op, uint64_t arg, bool *copyback)
{
	struct domain *d;
	long rc;

	*copyback = op->cmd == XEN_DOMCTL_createdomain || op->cmd == XEN_DOMCTL_getdomaininfo;
	if (op->cmd == XEN_DOMCTL_createdomain)
		return createdomain(v, op);
	if (op->cmd == XEN_DOMCTL_getdomaininfo)
		return getdomaininfo(op);
	d = domain_lookup_any(op->domain, NULL);
	if (!d)
		return -ESRCH; /* before the command is looked at, as Xen */
	rc = domain_command(v, op, d, arg, copyback);
	domain_put(d);
	return rc;
}

long do_domctl(struct vcpu *v, uint64_t arg)
{
	struct xen_domctl op;
	bool copyback = false;
	long rc;

	if (copy_from_guest(&op, arg, sizeof(op)))
		return -EFAULT;
	rc = control_admit(v, op.interface_version, XEN_DOMCTL_INTERFACE_VERSION);
	if (rc)
		return rc;
	spin_lock(&domctl_lock);
	rc = domctl_locked(v, &op, arg, &copyback);
	spin_unlock(&domctl_lock);
	if (!rc && copyback && copy_to_guest(arg, &op, sizeof(op)))
		rc = -EFAULT;
	return rc;
}
