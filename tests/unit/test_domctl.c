/*
 * tests/unit/test_domctl.c - HYPERVISOR_domctl (hypercalls/domctl.c and
 * the getdomaininfo record of hypercalls/control.c) called as a guest
 * calls it: the struct in guest memory, the calling vCPU explicit.
 *
 * The machine is tests/unit/control_test_env.h: d0 (id 0, privileged,
 * two vCPUs) is the control domain, d1 (id 1) an ordinary domain that
 * tries everything and must get -EPERM; each test ends with the leak
 * check (no buddy frame, heap byte or domain reference left).
 */
#undef __XEN_INTERFACE_VERSION__
#define __XEN_TOOLS__ 1 /* domctl.h is a toolstack header */

#include "tests/unit/control_test_env.h"

#include <xen/domctl.h>
#include <xen/sched.h>
#include <xen/xen.h>

#include "hypercalls/vcpu_context.h"
#include "mm/page_ref.h"
#include "mm/pv_pte.h"

#define NO_SUCH 0x1234

/* A domctl of cmd for domid, version right. */
static struct xen_domctl op_for(uint32_t cmd, domid_t domid)
{
	struct xen_domctl op;

	memset(&op, 0, sizeof(op));
	op.cmd = cmd;
	op.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	op.domain = domid;
	return op;
}

static long domctl(struct vcpu *v, struct xen_domctl *op)
{
	return do_domctl(v, (uint64_t)(uintptr_t)op);
}

static long simple(struct vcpu *v, uint32_t cmd, domid_t domid)
{
	struct xen_domctl op = op_for(cmd, domid);

	return domctl(v, &op);
}

/* What xl asks for a PV guest. */
static struct xen_domctl create_op(domid_t domid, unsigned int vcpus)
{
	struct xen_domctl op = op_for(XEN_DOMCTL_createdomain, domid);

	op.u.createdomain.max_vcpus = vcpus;
	op.u.createdomain.max_evtchn_port = 1023;
	op.u.createdomain.max_grant_frames = 32;
	op.u.createdomain.max_maptrack_frames = 1024;
	op.u.createdomain.grant_opts = XEN_DOMCTL_GRANT_version(1);
	return op;
}

/* createdomain through d0; returns the new domain (with the id table's reference only). */
static struct domain *create(domid_t domid, unsigned int vcpus)
{
	struct xen_domctl op = create_op(domid, vcpus);
	struct domain *d;

	assert_int_equal(domctl(v0, &op), 0);
	d = domain_lookup(op.domain, NULL);
	assert_non_null(d);
	domain_put(d);
	return d;
}

static struct xen_domctl_getdomaininfo info_of(domid_t domid)
{
	struct xen_domctl op = op_for(XEN_DOMCTL_getdomaininfo, domid);

	assert_int_equal(domctl(v0, &op), 0);
	assert_int_equal(op.domain, op.u.getdomaininfo.domain);
	return op.u.getdomaininfo;
}

/* ---- the checks before any command ---- */

static void test_bad_pointer(void **state)
{
	struct xen_domctl op = op_for(XEN_DOMCTL_getdomaininfo, 0);

	(void)state;
	assert_int_equal(do_domctl(v0, 0), -EFAULT);
	host_guest_fault_range((uint64_t)(uintptr_t)&op + sizeof(op) - 1, 1);
	assert_int_equal(domctl(v0, &op), -EFAULT);
}

static void test_interface_version(void **state)
{
	struct xen_domctl op = op_for(XEN_DOMCTL_getdomaininfo, 0);

	(void)state;
	op.interface_version = XEN_DOMCTL_INTERFACE_VERSION - 1;
	assert_int_equal(domctl(v0, &op), -EACCES);
	op.interface_version = 0;
	assert_int_equal(domctl(v1, &op), -EACCES); /* checked before the privilege */
}

static void test_unprivileged_caller_gets_eperm(void **state)
{
	static const uint32_t cmds[] = {
	    XEN_DOMCTL_createdomain,   XEN_DOMCTL_destroydomain,  XEN_DOMCTL_pausedomain,
	    XEN_DOMCTL_unpausedomain,  XEN_DOMCTL_getdomaininfo,  XEN_DOMCTL_max_mem,
	    XEN_DOMCTL_setvcpucontext, XEN_DOMCTL_getvcpucontext, XEN_DOMCTL_getvcpuinfo,
	    XEN_DOMCTL_max_vcpus,      XEN_DOMCTL_settimeoffset,  0x7fff,
	};
	static const domid_t targets[] = {0, 1, NO_SUCH, DOMID_SELF};
	unsigned int domains = domain_count();

	(void)state;
	for (unsigned int i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		for (unsigned int t = 0; t < sizeof(targets) / sizeof(targets[0]); t++) {
			struct xen_domctl op = create_op(targets[t], 1);

			op.cmd = cmds[i];
			op.u.max_mem.max_memkb = 4096;
			assert_int_equal(domctl(v1, &op), -EPERM);
		}
	}
	/* Nothing happened to anybody. */
	assert_int_equal(domain_count(), domains);
	assert_int_equal(d0->pause_count, 1);
	assert_int_equal(d0->max_pages, 0);
	assert_int_equal(d1->state, DOMAIN_ACTIVE);
}

static void test_unknown_command(void **state)
{
	(void)state;
	assert_int_equal(simple(v0, 0x7fff, 1), -ENOSYS);
	assert_int_equal(simple(v0, XEN_DOMCTL_shadow_op, 1), -ENOSYS);
	assert_int_equal(simple(v0, 0x7fff, NO_SUCH), -ESRCH); /* the domain is looked up first */
}

/* ---- createdomain ---- */

static void test_create_picks_an_id_and_copies_back(void **state)
{
	struct xen_domctl op = create_op(0, 3);
	struct domain *d;

	(void)state;
	for (unsigned int i = 0; i < sizeof(op.u.createdomain.handle); i++)
		op.u.createdomain.handle[i] = (uint8_t)i;
	op.u.createdomain.max_evtchn_port = 63;
	assert_int_equal(domctl(v0, &op), 0);
	assert_true(op.domain >= 2 && op.domain < DOMID_FIRST_RESERVED);
	assert_int_equal(op.u.createdomain.flags, XEN_DOMCTL_CDF_oos_off);
	d = domain_lookup(op.domain, NULL);
	assert_non_null(d);
	assert_int_equal(d->max_vcpus, 3);
	assert_false(d->is_privileged);
	assert_int_equal(d->pause_count, 1);
	assert_int_equal(d->max_pages, 0);
	assert_int_equal(d->limits.max_evtchn_port, 63);
	assert_int_equal(d->limits.max_grant_frames, 32);
	assert_int_equal(d->limits.max_maptrack_frames, 1024);
	assert_memory_equal(d->handle, op.u.createdomain.handle, sizeof(d->handle));
	assert_non_null(d->evtchn); /* the domain_init hook ran */
	domain_put(d);
	assert_int_equal(simple(v0, XEN_DOMCTL_destroydomain, op.domain), 0);
}

static void test_create_given_id_and_taken_id(void **state)
{
	struct xen_domctl op = create_op(77, 1);

	(void)state;
	assert_int_equal(domctl(v0, &op), 0);
	assert_int_equal(op.domain, 77);
	op = create_op(77, 1);
	assert_int_equal(domctl(v0, &op), -EEXIST);
	op = create_op(1, 1); /* d1's */
	assert_int_equal(domctl(v0, &op), -EEXIST);
	op = create_op(DOMID_SELF, 1); /* reserved: any id */
	assert_int_equal(domctl(v0, &op), 0);
	assert_true(op.domain != 77 && op.domain < DOMID_FIRST_RESERVED);
	assert_int_equal(simple(v0, XEN_DOMCTL_destroydomain, op.domain), 0);
	assert_int_equal(simple(v0, XEN_DOMCTL_destroydomain, 77), 0);
}

/* Hostile createdomain requests, one field each, and Xen 4.17's answers (Keel's where noted). */
enum spoil {
	NO_VCPUS,
	MANY_VCPUS,
	UNKNOWN_FLAG,
	HAP_NOT_HVM,
	HVM,
	IOMMU,
	VPMU,
	XS_DOMAIN,
	IOMMU_OPTS,
	VMTRACE,
	MISC_FLAGS,
	EMU_LAPIC,
	GNTTAB_V0,
	GNTTAB_V2,
	GNTTAB_OPT,
	NO_GRANT_FRAMES,
	MANY_GRANT_FRAMES,
	MANY_MAPTRACK,
	CPUPOOL,
	NR_SPOILS
};

static void spoil(struct xen_domctl_createdomain *c, enum spoil how)
{
	switch (how) {
	case NO_VCPUS:
		c->max_vcpus = 0;
		break;
	case MANY_VCPUS:
		c->max_vcpus = DOMAIN_MAX_VCPUS + 1;
		break;
	case UNKNOWN_FLAG:
		c->flags = 1u << 31;
		break;
	case HAP_NOT_HVM:
		c->flags = XEN_DOMCTL_CDF_hap;
		break;
	case HVM:
		c->flags = XEN_DOMCTL_CDF_hvm;
		break;
	case IOMMU:
		c->flags = XEN_DOMCTL_CDF_iommu;
		break;
	case VPMU:
		c->flags = XEN_DOMCTL_CDF_vpmu;
		break;
	case XS_DOMAIN:
		c->flags = XEN_DOMCTL_CDF_xs_domain;
		break;
	case IOMMU_OPTS:
		c->iommu_opts = 1;
		break;
	case VMTRACE:
		c->vmtrace_size = 4096;
		break;
	case MISC_FLAGS:
		c->arch.misc_flags = 2;
		break;
	case EMU_LAPIC:
		c->arch.emulation_flags = XEN_X86_EMU_LAPIC;
		break;
	case GNTTAB_V0:
		c->grant_opts = 0;
		break;
	case GNTTAB_V2:
		c->grant_opts = 2;
		break;
	case GNTTAB_OPT:
		c->grant_opts = 0x11;
		break;
	case NO_GRANT_FRAMES:
		c->max_grant_frames = 0;
		break;
	case MANY_GRANT_FRAMES:
		c->max_grant_frames = 65;
		break;
	case MANY_MAPTRACK:
		c->max_maptrack_frames = 1025;
		break;
	case CPUPOOL:
		c->cpupool_id = 1;
		break;
	case NR_SPOILS:
		break;
	}
}

static void test_create_hostile_config(void **state)
{
	static const long want[NR_SPOILS] = {
	    [NO_VCPUS] = -EINVAL,
	    [MANY_VCPUS] = -EINVAL,
	    [UNKNOWN_FLAG] = -EINVAL,
	    [HAP_NOT_HVM] = -EINVAL,
	    [HVM] = -EINVAL, /* Keel: no HVM */
	    [IOMMU] = -EINVAL,
	    [VPMU] = -EINVAL,
	    [XS_DOMAIN] = -EINVAL,
	    [IOMMU_OPTS] = -EINVAL,
	    [VMTRACE] = -EINVAL,
	    [MISC_FLAGS] = -EINVAL,
	    [EMU_LAPIC] = -EOPNOTSUPP,
	    [GNTTAB_V0] = -EINVAL,
	    [GNTTAB_V2] = -EINVAL, /* Keel: grant ABI v1 only */
	    [GNTTAB_OPT] = -EINVAL,
	    [NO_GRANT_FRAMES] = -EINVAL,
	    [MANY_GRANT_FRAMES] = -EINVAL,
	    [MANY_MAPTRACK] = -EINVAL,
	    [CPUPOOL] = -ESRCH,
	};
	unsigned int domains = domain_count();

	(void)state;
	for (enum spoil how = 0; how < NR_SPOILS; how++) {
		struct xen_domctl op = create_op(0, 1);

		spoil(&op.u.createdomain, how);
		if (domctl(v0, &op) != want[how])
			fail_msg("spoil %d: want %ld", how, want[how]);
		assert_int_equal(domain_count(), domains);
	}
}

static void test_create_defaults_and_clamps(void **state)
{
	struct xen_domctl op = create_op(0, DOMAIN_MAX_VCPUS);
	struct domain *d;

	(void)state;
	op.u.createdomain.max_grant_frames = -1;
	op.u.createdomain.max_maptrack_frames = -5;
	op.u.createdomain.max_evtchn_port = ~0u;
	op.u.createdomain.arch.emulation_flags = XEN_X86_EMU_PIT; /* the one a PV domain may have */
	op.u.createdomain.arch.misc_flags = XEN_X86_MSR_RELAXED;
	assert_int_equal(domctl(v0, &op), 0);
	d = domain_lookup(op.domain, NULL);
	assert_non_null(d);
	assert_int_equal(d->limits.max_grant_frames, DOMAIN_DEFAULT_MAX_GRANT_FRAMES);
	assert_int_equal(d->limits.max_maptrack_frames, DOMAIN_DEFAULT_MAX_MAPTRACK_FRAMES);
	assert_int_equal(d->max_vcpus, DOMAIN_MAX_VCPUS);
	domain_put(d);
	assert_int_equal(simple(v0, XEN_DOMCTL_destroydomain, op.domain), 0);
}

/* ---- getdomaininfo ---- */

static void test_getdomaininfo_fields(void **state)
{
	struct xen_domctl_getdomaininfo i;
	struct domain *d;

	(void)state;
	/* d0 runs on vCPU 0 (10 ns so far) with vCPU 1 blocked. */
	assert_int_equal(domain_unpause(d0), 0);
	assert_int_equal(vcpu_up(d0->vcpus[0]), 0);
	assert_int_equal(vcpu_up(d0->vcpus[1]), 0);
	assert_int_equal(vcpu_set_running(d0->vcpus[0], true), 0);
	assert_int_equal(vcpu_block(d0->vcpus[1]), 0);
	assert_int_equal(domain_set_max_pages(d0, 100), 0);
	domain_alloc_frames(d0, 2, NULL);
	fake_now = 10;
	i = info_of(0);
	assert_int_equal(i.domain, 0);
	assert_int_equal(i.flags, 0xffffu << XEN_DOMINF_shutdownshift | XEN_DOMINF_running);
	assert_int_equal(i.tot_pages, 4);
	assert_int_equal(i.max_pages, 100);
	assert_int_equal(i.shared_info_frame, mfn_x(d0->shared_info_mfn));
	assert_int_equal(i.cpu_time, 10);
	assert_int_equal(i.nr_online_vcpus, 2);
	assert_int_equal(i.max_vcpu_id, 1);
	assert_int_equal(i.gpaddr_bits, 40);
	assert_int_equal(i.ssidref, 0);
	assert_int_equal(i.cpupool, 0);

	/* Both vCPUs blocked: blocked, not running. */
	assert_int_equal(vcpu_block(d0->vcpus[0]), 0);
	i = info_of(0);
	assert_int_equal(i.flags & (XEN_DOMINF_blocked | XEN_DOMINF_running), XEN_DOMINF_blocked);

	/* A new domain: paused, nothing online (so neither blocked nor running). */
	d = create(0, 2);
	i = info_of(d->domid);
	assert_int_equal(i.flags, 0xffffu << XEN_DOMINF_shutdownshift | XEN_DOMINF_paused);
	assert_int_equal(i.nr_online_vcpus, 0);
	assert_int_equal(i.cpu_time, 0);
	/* Shut down with a reason: the code replaces the 0xffff. */
	assert_int_equal(domain_shutdown(d, SHUTDOWN_suspend), 0);
	i = info_of(d->domid);
	assert_int_equal(i.flags, SHUTDOWN_suspend << XEN_DOMINF_shutdownshift |
				      XEN_DOMINF_shutdown | XEN_DOMINF_paused);
	assert_int_equal(simple(v0, XEN_DOMCTL_destroydomain, d->domid), 0);
}

static void test_getdomaininfo_next_domain(void **state)
{
	struct xen_domctl op = op_for(XEN_DOMCTL_getdomaininfo, 2);
	struct domain *d;

	(void)state;
	assert_int_equal(domctl(v0, &op), -ESRCH); /* nothing at 2 or above */
	d = create(500, 1);
	assert_int_equal(domctl(v0, &op), 0);
	assert_int_equal(op.domain, 500); /* the next one up, echoed in the header */
	assert_int_equal(op.u.getdomaininfo.domain, 500);
	op.domain = DOMID_SELF;
	assert_int_equal(domctl(v0, &op), -EINVAL);
	op.domain = DOMID_FIRST_RESERVED;
	assert_int_equal(domctl(v0, &op), -EINVAL);
	assert_int_equal(simple(v0, XEN_DOMCTL_destroydomain, d->domid), 0);
}

/* ---- destroydomain ---- */

static void test_destroy(void **state)
{
	struct domain *d;
	uint64_t before;

	(void)state;
	assert_int_equal(simple(v0, XEN_DOMCTL_destroydomain, 0), -EINVAL); /* ourselves */
	assert_int_equal(simple(v0, XEN_DOMCTL_destroydomain, NO_SUCH), -ESRCH);
	assert_int_equal(simple(v0, XEN_DOMCTL_destroydomain, DOMID_SELF), -ESRCH);
	before = buddy_free();
	d = create(0, 2);
	domain_set_max_pages(d, 64);
	domain_alloc_frames(d, 4, NULL);
	domain_alloc_frames(d, 0, NULL);
	assert_true(buddy_free() < before - 17);
	assert_int_equal(simple(v0, XEN_DOMCTL_destroydomain, d->domid), 0);
	assert_int_equal(buddy_free(), before);
	assert_true(host_log_contains("destroyed"));
	assert_int_equal(simple(v0, XEN_DOMCTL_destroydomain, d->domid), -ESRCH); /* once */
	/* d1 may not destroy d0 (nor anything). */
	assert_int_equal(simple(v1, XEN_DOMCTL_destroydomain, 0), -EPERM);
}

static void test_destroy_waits_for_other_domains_mappings(void **state)
{
	struct domain *d = create(0, 1);
	struct xen_domctl_getdomaininfo i;
	mfn_t shared;

	(void)state;
	domain_set_max_pages(d, 4);
	shared = domain_alloc_frames(d, 0, NULL);
	/* What a grant mapping of another domain holds: a reference in the owner's name. */
	assert_int_equal(get_page(mfn_to_page(shared), d->domid), 0);
	assert_int_equal(simple(v0, XEN_DOMCTL_destroydomain, d->domid), -EBUSY);
	/* Still listed, dying, holding the one frame; only destroy reaches it. */
	i = info_of(d->domid);
	assert_true(i.flags & XEN_DOMINF_dying);
	assert_int_equal(i.tot_pages, 1);
	assert_int_equal(simple(v0, XEN_DOMCTL_pausedomain, d->domid), -ESRCH);
	assert_int_equal(simple(v0, XEN_DOMCTL_destroydomain, d->domid), -EBUSY);
	put_page(mfn_to_page(shared)); /* the mapping goes */
	assert_int_equal(simple(v0, XEN_DOMCTL_destroydomain, d->domid), 0);
	assert_int_equal(simple(v0, XEN_DOMCTL_destroydomain, d->domid), -ESRCH);
}

static void test_destroy_is_preemptible(void **state)
{
	struct xen_domctl op = op_for(XEN_DOMCTL_destroydomain, 0);
	struct domain *d = create(0, 1);
	uint64_t before_pages;

	(void)state;
	domain_set_max_pages(d, 16);
	for (unsigned int i = 0; i < 8; i++)
		domain_alloc_frames(d, 0, NULL);
	before_pages = d->tot_pages;
	op.domain = d->domid;
	host_hypercall_preempt_after(2);
	assert_int_equal(domctl(v0, &op), HOST_CONTINUATION_RC);
	assert_true(host_last_continuation.valid);
	assert_int_equal(host_last_continuation.op, __HYPERVISOR_domctl);
	assert_int_equal(host_last_continuation.nargs, 1);
	assert_int_equal(host_last_continuation.args[0], (uint64_t)(uintptr_t)&op);
	assert_int_equal(d->state, DOMAIN_DYING);
	assert_true(d->tot_pages < before_pages && d->tot_pages > 0);
	/* The re-issued call goes on from there. */
	host_hypercall_preempt_after(-1);
	assert_int_equal(domctl(v0, &op), 0);
	assert_int_equal(domctl(v0, &op), -ESRCH);
}

/* ---- pause, max_mem, max_vcpus, time ---- */

static void test_pause_unpause(void **state)
{
	struct domain *d = create(0, 1);

	(void)state;
	assert_int_equal(simple(v0, XEN_DOMCTL_pausedomain, 0), -EINVAL); /* ourselves */
	assert_int_equal(simple(v0, XEN_DOMCTL_unpausedomain, d->domid), 0);
	assert_int_equal(d->pause_count, 0);
	assert_int_equal(simple(v0, XEN_DOMCTL_unpausedomain, d->domid), -EINVAL);
	for (unsigned int i = 0; i < DOMAIN_PAUSE_MAX; i++)
		assert_int_equal(simple(v0, XEN_DOMCTL_pausedomain, d->domid), 0);
	assert_int_equal(simple(v0, XEN_DOMCTL_pausedomain, d->domid), -EOVERFLOW);
	assert_int_equal(d->pause_count, DOMAIN_PAUSE_MAX);
	assert_int_equal(simple(v0, XEN_DOMCTL_pausedomain, NO_SUCH), -ESRCH);
	assert_int_equal(simple(v0, XEN_DOMCTL_destroydomain, d->domid), 0);
}

static void test_max_mem(void **state)
{
	struct xen_domctl op = op_for(XEN_DOMCTL_max_mem, 1);

	(void)state;
	op.u.max_mem.max_memkb = 8192;
	assert_int_equal(domctl(v0, &op), 0);
	assert_int_equal(d1->max_pages, 2048);
	op.u.max_mem.max_memkb = 4095; /* whole pages only */
	assert_int_equal(domctl(v0, &op), 0);
	assert_int_equal(d1->max_pages, 1023);
	op.u.max_mem.max_memkb = ~0ULL; /* Xen 4.17's 32-bit max_pages */
	assert_int_equal(domctl(v0, &op), 0);
	assert_int_equal(d1->max_pages, UINT32_MAX);
	op.domain = NO_SUCH;
	assert_int_equal(domctl(v0, &op), -ESRCH);
}

static void test_max_vcpus(void **state)
{
	struct xen_domctl op = op_for(XEN_DOMCTL_max_vcpus, 1);

	(void)state;
	op.u.max_vcpus.max = 1;
	assert_int_equal(domctl(v0, &op), 0);
	op.u.max_vcpus.max = 2;
	assert_int_equal(domctl(v0, &op), -EINVAL);
	op.u.max_vcpus.max = 0;
	assert_int_equal(domctl(v0, &op), -EINVAL);
	op = op_for(XEN_DOMCTL_max_vcpus, 0);
	op.u.max_vcpus.max = 2;
	assert_int_equal(domctl(v0, &op), -EINVAL); /* ourselves */
}

static void test_settimeoffset(void **state)
{
	struct xen_domctl op = op_for(XEN_DOMCTL_settimeoffset, 1);

	(void)state;
	op.u.settimeoffset.time_offset_seconds = -7200;
	assert_int_equal(domctl(v0, &op), 0);
	assert_ptr_equal(host_control_offset_domain, d1);
	assert_int_equal(host_control_offset_seconds, -7200);
}

/* ---- vCPUs ---- */

static void test_setvcpucontext(void **state)
{
	struct xen_domctl op = op_for(XEN_DOMCTL_setvcpucontext, 1);
	static struct vcpu_guest_context ctx;

	(void)state;
	ctx.user_regs.rip = 0xffffffff80001000UL;
	set_xen_guest_handle(op.u.vcpucontext.ctxt, &ctx);
	op.u.vcpucontext.vcpu = 1; /* d1 has one vCPU */
	assert_int_equal(domctl(v0, &op), -EINVAL);
	op.u.vcpucontext.vcpu = 0;
	assert_int_equal(domctl(v0, &op), 0);
	assert_int_equal(host_vcpu_context_sets, 1);
	assert_int_equal(d1->pause_count, 1); /* paused around the load, as before */
	/* The arch layer's refusal comes back as it is. */
	host_vcpu_context_rc = -EINVAL;
	assert_int_equal(domctl(v0, &op), -EINVAL);
	/* A context that cannot be read, none at all (Xen: reset), ourselves. */
	set_xen_guest_handle(op.u.vcpucontext.ctxt, (void *)0);
	assert_int_equal(domctl(v0, &op), -EOPNOTSUPP);
	host_guest_fault_range((uint64_t)(uintptr_t)&ctx, sizeof(ctx));
	set_xen_guest_handle(op.u.vcpucontext.ctxt, &ctx);
	assert_int_equal(domctl(v0, &op), -EFAULT);
	host_guest_fault_range(0, 0);
	op.domain = 0;
	op.u.vcpucontext.vcpu = 1;
	assert_int_equal(domctl(v0, &op), -EINVAL);
	assert_int_equal(host_vcpu_context_sets, 2);
}

static void test_getvcpucontext(void **state)
{
	struct xen_domctl op = op_for(XEN_DOMCTL_getvcpucontext, 1);
	static struct vcpu_guest_context in, out;

	(void)state;
	set_xen_guest_handle(op.u.vcpucontext.ctxt, &out);
	assert_int_equal(domctl(v0, &op), -ENODATA); /* no context yet */
	op.u.vcpucontext.vcpu = 7;
	assert_int_equal(domctl(v0, &op), -EINVAL);
	in.user_regs.rsp = 0x1234;
	in.ctrlreg[3] = 0x5000;
	assert_int_equal(arch_vcpu_set_context(v1, &in), 0);
	op.u.vcpucontext.vcpu = 0;
	assert_int_equal(domctl(v0, &op), 0);
	assert_memory_equal(&out, &in, sizeof(in));
	assert_int_equal(v1->pause_count, 0); /* unpaused again */
	host_guest_fault_range((uint64_t)(uintptr_t)&out, 1);
	assert_int_equal(domctl(v0, &op), -EFAULT);
	host_guest_fault_range(0, 0);
	/* Our own running vCPU is refused; our other one is fine once it has a context. */
	op = op_for(XEN_DOMCTL_getvcpucontext, 0);
	set_xen_guest_handle(op.u.vcpucontext.ctxt, &out);
	assert_int_equal(domctl(v0, &op), -EINVAL);
	op.u.vcpucontext.vcpu = 1;
	assert_int_equal(arch_vcpu_set_context(d0->vcpus[1], &in), 0);
	assert_int_equal(domctl(v0, &op), 0);
}

static void test_getvcpuinfo(void **state)
{
	struct xen_domctl op = op_for(XEN_DOMCTL_getvcpuinfo, 0);

	(void)state;
	assert_int_equal(domain_unpause(d0), 0);
	assert_int_equal(vcpu_up(d0->vcpus[1]), 0);
	assert_int_equal(vcpu_set_running(d0->vcpus[1], true), 0);
	fake_now = 25;
	op.u.getvcpuinfo.vcpu = 1;
	assert_int_equal(domctl(v0, &op), 0);
	assert_int_equal(op.u.getvcpuinfo.online, 1);
	assert_int_equal(op.u.getvcpuinfo.running, 1);
	assert_int_equal(op.u.getvcpuinfo.blocked, 0);
	assert_int_equal(op.u.getvcpuinfo.cpu_time, 25);
	assert_int_equal(op.u.getvcpuinfo.cpu, 0);
	op.u.getvcpuinfo.vcpu = 0; /* offline */
	assert_int_equal(domctl(v0, &op), 0);
	assert_int_equal(op.u.getvcpuinfo.online, 0);
	assert_int_equal(op.u.getvcpuinfo.cpu_time, 0);
	op.u.getvcpuinfo.vcpu = 2;
	assert_int_equal(domctl(v0, &op), -EINVAL);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, env_setup, env_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_bad_pointer),
	    T(test_interface_version),
	    T(test_unprivileged_caller_gets_eperm),
	    T(test_unknown_command),
	    T(test_create_picks_an_id_and_copies_back),
	    T(test_create_given_id_and_taken_id),
	    T(test_create_hostile_config),
	    T(test_create_defaults_and_clamps),
	    T(test_getdomaininfo_fields),
	    T(test_getdomaininfo_next_domain),
	    T(test_destroy),
	    T(test_destroy_waits_for_other_domains_mappings),
	    T(test_destroy_is_preemptible),
	    T(test_pause_unpause),
	    T(test_max_mem),
	    T(test_max_vcpus),
	    T(test_settimeoffset),
	    T(test_setvcpucontext),
	    T(test_getvcpucontext),
	    T(test_getvcpuinfo),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
