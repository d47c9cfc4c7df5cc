/*
 * tests/unit/vmctl_fake.h - a fake hypervisor and a fake XenStore for the
 * vmctl tests (test_vmctl_*.c), behind dom0-tools/vmctl's struct vmctl_hv
 * and struct vmctl_store.
 *
 * Included by one test file each (its state is per binary).  The fake
 * hypervisor records every call by name ("createdomain", "populate_physmap",
 * ...), answers domctl/sysctl/memory_op/event_channel_op/mmuext_op/
 * sched_op/xen_version for up to FAKE_DOMS domains on a host of two CPUs
 * (vCPU affinities kept as Xen keeps them), hands out machine
 * frames from fake_ram (free frames are counted, so a leak shows), maps
 * them for map_foreign, and fails the call named fake.fail_step with
 * fake.fail_rc.  The fake store is a flat table of nodes with xenstored's
 * rules (parents created, permissions inherited, rm removes a subtree).
 */
#ifndef TESTS_UNIT_VMCTL_FAKE_H
#define TESTS_UNIT_VMCTL_FAKE_H

#include "dom0-tools/vmctl/hv.h"
#include "dom0-tools/vmctl/store.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lib/compiler.h"
#include "lib/errno.h"

#define FAKE_RAM_PAGES	8192
#define FAKE_DOMS	8
#define FAKE_MAX_CALLS	1024
#define FAKE_FREE_OWNER 0xffff
#define FAKE_VCPUS	8    /* the vCPUs whose affinity the fake keeps */
#define FAKE_CPUS_ALL	0x03 /* physinfo: CPUs 0 and 1, both online */

struct fake_dom {
	bool exists, dying;
	uint32_t shutdown_reason; /* SHUTDOWN_* + 1; 0: running */
	unsigned int pause, max_vcpus;
	uint64_t tot_pages, max_pages, cpu_time, shared_info;
	uint16_t weight, cap;
	bool vcpu0_set, pinned;
	uint8_t handle[16];
	uint8_t hard[FAKE_VCPUS], soft[FAKE_VCPUS]; /* affinities, bit c: CPU c */
};

static struct {
	struct fake_dom dom[FAKE_DOMS];
	uint16_t owner[FAKE_RAM_PAGES];
	const char *calls[FAKE_MAX_CALLS];
	unsigned int nr_calls, mapped, next_port, busy_destroys;
	const char *fail_step;
	int fail_rc;
	unsigned int sched_id; /* XEN_SCHEDULER_CREDIT (fake_reset) or _CREDIT2 */
	domid_t last_domid;
	void (*on_sleep)(void); /* the test's guests react while vmctl waits */
	char console[256];
	uint32_t xen_version;
} fake;

static uint8_t fake_ram[FAKE_RAM_PAGES][4096];

static uint64_t fake_free_pages(void)
{
	uint64_t n = 0;

	for (unsigned int i = 0; i < FAKE_RAM_PAGES; i++)
		n += fake.owner[i] == FAKE_FREE_OWNER;
	return n;
}

static long fake_alloc(domid_t dom, uint64_t *mfn)
{
	for (uint64_t m = 1; m < FAKE_RAM_PAGES; m++) {
		if (fake.owner[m] != FAKE_FREE_OWNER)
			continue;
		fake.owner[m] = dom;
		*mfn = m;
		return 0;
	}
	return -ENOMEM;
}

/* Records the call (a run of the same call once); the errno to fail it with, or 0. */
static int fake_call(const char *name)
{
	bool repeat = fake.nr_calls && !strcmp(fake.calls[fake.nr_calls - 1], name);

	if (!repeat && fake.nr_calls < FAKE_MAX_CALLS)
		fake.calls[fake.nr_calls++] = name;
	return fake.fail_step && !strcmp(fake.fail_step, name) ? fake.fail_rc : 0;
}

/* The index of the first recorded call named name at or after from, or -1. */
static __unused int fake_find_call(const char *name, unsigned int from)
{
	for (unsigned int i = from; i < fake.nr_calls; i++)
		if (!strcmp(fake.calls[i], name))
			return (int)i;
	return -1;
}

static struct fake_dom *fake_dom(domid_t id)
{
	return id < FAKE_DOMS && fake.dom[id].exists ? &fake.dom[id] : NULL;
}

static void fake_domain_info(domid_t id, struct xen_domctl_getdomaininfo *di)
{
	struct fake_dom *d = &fake.dom[id];

	memset(di, 0, sizeof(*di));
	di->domain = id;
	di->flags = d->dying ? XEN_DOMINF_dying : 0;
	if (d->shutdown_reason)
		di->flags |= XEN_DOMINF_shutdown | (d->shutdown_reason - 1) << XEN_DOMINF_shutdownshift;
	else
		di->flags |= XEN_DOMINF_shutdownmask << XEN_DOMINF_shutdownshift;
	di->flags |= d->pause ? XEN_DOMINF_paused : XEN_DOMINF_blocked;
	di->tot_pages = d->tot_pages;
	di->max_pages = d->max_pages;
	di->shared_info_frame = d->shared_info;
	di->cpu_time = d->cpu_time;
	di->nr_online_vcpus = d->vcpu0_set ? 1 : 0;
	di->max_vcpu_id = d->max_vcpus ? d->max_vcpus - 1 : 0;
	memcpy(di->handle, d->handle, 16);
}

/* A new domain's vCPUs may run on every CPU. */
static void fake_affinity_reset(struct fake_dom *d)
{
	memset(d->hard, FAKE_CPUS_ALL, sizeof(d->hard));
	memset(d->soft, FAKE_CPUS_ALL, sizeof(d->soft));
}

/* A domain the test sets up directly (dom0, or one "created elsewhere"). */
static __unused void fake_add_domain(domid_t id, uint64_t pages, unsigned int vcpus)
{
	struct fake_dom *d = &fake.dom[id];
	uint64_t mfn;

	memset(d, 0, sizeof(*d));
	d->exists = true;
	d->max_vcpus = vcpus;
	d->vcpu0_set = true;
	d->weight = 256;
	d->max_pages = pages;
	fake_affinity_reset(d);
	for (uint64_t i = 0; i < pages; i++)
		if (!fake_alloc(id, &mfn))
			d->tot_pages++;
}

static void fake_free_domain(domid_t id)
{
	for (unsigned int m = 0; m < FAKE_RAM_PAGES; m++)
		if (fake.owner[m] == id)
			fake.owner[m] = FAKE_FREE_OWNER;
	memset(&fake.dom[id], 0, sizeof(fake.dom[id]));
}

static long fake_createdomain(struct xen_domctl *op)
{
	struct xen_domctl_createdomain *cd = &op->u.createdomain;
	int rc = fake_call("createdomain");
	domid_t id = 0;

	if (rc)
		return rc;
	if (cd->flags || cd->max_vcpus == 0 || cd->max_grant_frames <= 0)
		return -EINVAL;
	/* Like Xen: the next id up from the last one given, wrapping. */
	for (unsigned int i = 0; i < FAKE_DOMS && !id; i++) {
		domid_t try = (domid_t)((fake.last_domid + i) % (FAKE_DOMS - 1) + 1);

		if (!fake.dom[try].exists)
			id = try;
	}
	if (!id)
		return -ENOMEM;
	fake.last_domid = id;
	memset(&fake.dom[id], 0, sizeof(fake.dom[id]));
	fake.dom[id].exists = true;
	fake.dom[id].pause = 1;
	fake.dom[id].max_vcpus = cd->max_vcpus;
	fake.dom[id].weight = 256;
	fake_affinity_reset(&fake.dom[id]);
	memcpy(fake.dom[id].handle, cd->handle, 16);
	if (fake_alloc(FAKE_FREE_OWNER - 1, &fake.dom[id].shared_info))
		return -ENOMEM;
	op->domain = id;
	return 0;
}

static long fake_destroy(struct fake_dom *d, domid_t id)
{
	int rc = fake_call("destroydomain");

	if (rc)
		return rc;
	if (fake.busy_destroys) {
		fake.busy_destroys--;
		d->dying = true;
		return -EBUSY;
	}
	fake.owner[d->shared_info] = FAKE_FREE_OWNER;
	fake_free_domain(id);
	return 0;
}

static long fake_sched_op(struct fake_dom *d, struct xen_domctl_scheduler_op *s)
{
	int rc = fake_call("scheduler_op");

	if (rc)
		return rc;
	if (s->sched_id != fake.sched_id)
		return -EINVAL;
	/* credit's and credit2's weight and cap have the same place in the union */
	if (s->cmd == XEN_DOMCTL_SCHEDOP_getinfo) {
		s->u.credit.weight = d->weight;
		s->u.credit.cap = d->cap;
		return 0;
	}
	if (s->cmd != XEN_DOMCTL_SCHEDOP_putinfo || s->u.credit.cap > 100 * d->max_vcpus)
		return -EINVAL;
	if (s->u.credit.weight)
		d->weight = s->u.credit.weight;
	d->cap = s->u.credit.cap;
	return 0;
}

static long fake_vcpu_op(struct fake_dom *d, struct xen_domctl *op)
{
	if (op->cmd == XEN_DOMCTL_setvcpucontext) {
		int rc = fake_call("setvcpucontext");
		vcpu_guest_context_t *ctxt = op->u.vcpucontext.ctxt.p;

		if (rc)
			return rc;
		if (op->u.vcpucontext.vcpu != 0 || !d->pinned || !ctxt->user_regs.rip)
			return -EINVAL;
		d->vcpu0_set = true;
		return 0;
	}
	struct xen_domctl_getvcpuinfo *vi = &op->u.getvcpuinfo;
	int rc = fake_call("getvcpuinfo");

	if (rc)
		return rc;
	if (vi->vcpu >= d->max_vcpus)
		return -EINVAL;
	vi->online = vi->vcpu == 0 && d->vcpu0_set;
	vi->blocked = vi->online;
	vi->running = 0;
	vi->cpu_time = vi->online ? 1500000000ULL : 0;
	/* vCPU n runs on CPU n % 2, unless its affinity sends it to the lowest CPU it allows. */
	vi->cpu = vi->vcpu % 2;
	if (vi->vcpu < FAKE_VCPUS && !(d->hard[vi->vcpu] & (1u << vi->cpu)))
		vi->cpu = (uint32_t)__builtin_ctz(d->hard[vi->vcpu]);
	return 0;
}

/*
 * set/getvcpuaffinity with Xen 4.17's rules (hypercalls/domctl_affinity.c)
 * on a host of two CPUs: masks of one byte at the most.
 */
static long fake_affinity(struct fake_dom *d, uint32_t cmd, struct xen_domctl_vcpuaffinity *va)
{
	bool set = cmd == XEN_DOMCTL_setvcpuaffinity;
	int rc = fake_call(set ? "setvcpuaffinity" : "getvcpuaffinity");
	bool want_hard = va->flags & XEN_VCPUAFFINITY_HARD;
	bool want_soft = va->flags & XEN_VCPUAFFINITY_SOFT;
	uint8_t *hard = va->cpumap_hard.bitmap.p, *soft = va->cpumap_soft.bitmap.p;
	uint32_t v = va->vcpu;

	if (rc)
		return rc;
	if (v >= d->max_vcpus || v >= FAKE_VCPUS || !va->flags || (want_hard && !hard) ||
	    (want_soft && !soft))
		return -EINVAL;
	assert_true(!want_hard || va->cpumap_hard.nr_bits == 2);
	assert_true(!want_soft || va->cpumap_soft.nr_bits == 2);
	if (set) {
		uint8_t h = want_hard ? *hard & FAKE_CPUS_ALL : d->hard[v];

		if (!h)
			return -EINVAL;
		d->hard[v] = h;
		if (want_soft)
			d->soft[v] = *soft & FAKE_CPUS_ALL;
	}
	if (want_hard)
		*hard = d->hard[v];
	if (want_soft)
		*soft = set ? d->soft[v] & d->hard[v] : d->soft[v];
	return 0;
}

static long fake_domctl(struct xen_domctl *op)
{
	struct fake_dom *d;
	int rc;

	assert_int_equal(op->interface_version, XEN_DOMCTL_INTERFACE_VERSION);
	if (op->cmd == XEN_DOMCTL_createdomain)
		return fake_createdomain(op);
	d = fake_dom(op->domain);
	switch (op->cmd) {
	case XEN_DOMCTL_getdomaininfo:
		rc = fake_call("getdomaininfo");
		while (!rc && op->domain < FAKE_DOMS && !fake.dom[op->domain].exists)
			op->domain++;
		if (!rc && op->domain >= FAKE_DOMS)
			rc = -ESRCH;
		if (!rc)
			fake_domain_info(op->domain, &op->u.getdomaininfo);
		return rc;
	case XEN_DOMCTL_destroydomain:
		return d ? fake_destroy(d, op->domain) : (fake_call("destroydomain"), -ESRCH);
	}
	if (!d || d->dying)
		return -ESRCH;
	switch (op->cmd) {
	case XEN_DOMCTL_max_vcpus:
		rc = fake_call("max_vcpus");
		return rc ? rc : op->u.max_vcpus.max == d->max_vcpus ? 0 : -EINVAL;
	case XEN_DOMCTL_max_mem:
		rc = fake_call("max_mem");
		if (!rc)
			d->max_pages = op->u.max_mem.max_memkb / 4;
		return rc;
	case XEN_DOMCTL_pausedomain:
		rc = fake_call("pausedomain");
		return rc ? rc : (d->pause++, 0);
	case XEN_DOMCTL_unpausedomain:
		rc = fake_call("unpausedomain");
		if (!rc && !d->pause)
			rc = -EINVAL;
		return rc ? rc : (d->pause--, 0);
	case XEN_DOMCTL_setvcpucontext:
	case XEN_DOMCTL_getvcpuinfo:
		return fake_vcpu_op(d, op);
	case XEN_DOMCTL_scheduler_op:
		return fake_sched_op(d, &op->u.scheduler_op);
	case XEN_DOMCTL_setvcpuaffinity:
	case XEN_DOMCTL_getvcpuaffinity:
		return fake_affinity(d, op->cmd, &op->u.vcpuaffinity);
	}
	return -ENOSYS;
}

static long fake_readconsole(struct xen_sysctl_readconsole *rc_op)
{
	uint32_t len = (uint32_t)strlen(fake.console);
	uint32_t start = rc_op->incremental ? rc_op->index : 0;
	uint32_t n = start < len ? len - start : 0;

	if (n > rc_op->count)
		n = rc_op->count;
	memcpy(rc_op->buffer.p, fake.console + start, n);
	rc_op->count = n;
	rc_op->index = start + n;
	if (rc_op->clear && start + n == len)
		fake.console[0] = '\0';
	return 0;
}

static long fake_sysctl(struct xen_sysctl *op)
{
	struct xen_sysctl_getdomaininfolist *l = &op->u.getdomaininfolist;
	int rc;

	assert_int_equal(op->interface_version, XEN_SYSCTL_INTERFACE_VERSION);
	switch (op->cmd) {
	case XEN_SYSCTL_physinfo:
		rc = fake_call("physinfo");
		if (rc)
			return rc;
		memset(&op->u.physinfo, 0, sizeof(op->u.physinfo));
		op->u.physinfo.nr_cpus = 2;
		op->u.physinfo.max_cpu_id = 1;
		op->u.physinfo.threads_per_core = 1;
		op->u.physinfo.cores_per_socket = 2;
		op->u.physinfo.nr_nodes = 1;
		op->u.physinfo.cpu_khz = 2400000;
		op->u.physinfo.capabilities = XEN_SYSCTL_PHYSCAP_pv;
		op->u.physinfo.total_pages = FAKE_RAM_PAGES;
		op->u.physinfo.free_pages = fake_free_pages();
		return 0;
	case XEN_SYSCTL_getdomaininfolist:
		rc = fake_call("getdomaininfolist");
		if (rc)
			return rc;
		l->num_domains = 0;
		for (unsigned int id = l->first_domain; id < FAKE_DOMS; id++) {
			if (!fake.dom[id].exists || (uint32_t)l->num_domains == l->max_domains)
				continue;
			fake_domain_info((domid_t)id, &l->buffer.p[l->num_domains++]);
		}
		return 0;
	case XEN_SYSCTL_readconsole:
		rc = fake_call("readconsole");
		return rc ? rc : fake_readconsole(&op->u.readconsole);
	case XEN_SYSCTL_sched_id:
		rc = fake_call("sched_id");
		op->u.sched_id.sched_id = fake.sched_id;
		return rc;
	}
	return -ENOSYS;
}

static long fake_populate(struct xen_memory_reservation *r)
{
	struct fake_dom *d = fake_dom(r->domid);
	int rc = fake_call("populate_physmap");
	xen_pfn_t *pfns = r->extent_start.p;

	if (rc)
		return rc;
	if (!d || r->extent_order)
		return -EINVAL;
	for (xen_ulong_t i = 0; i < r->nr_extents; i++) {
		uint64_t mfn;

		if (d->tot_pages >= d->max_pages || fake_alloc(r->domid, &mfn))
			return (long)i;
		d->tot_pages++;
		pfns[i] = mfn;
	}
	return (long)r->nr_extents;
}

static long fake_xen_version(unsigned int cmd, void *arg)
{
	int rc = fake_call("xen_version");

	if (rc)
		return rc;
	switch (cmd) {
	case XENVER_version:
		return 4 << 16 | 17;
	case XENVER_extraversion:
		strcpy(arg, "-keel");
		return 0;
	case XENVER_capabilities:
		strcpy(arg, "xen-3.0-x86_64");
		return 0;
	case XENVER_get_features:
		((xen_feature_info_t *)arg)->submap = 1u << XENFEAT_dom0 | 1u << XENFEAT_writable_descriptor_tables;
		return 0;
	case XENVER_pagesize:
		return 4096;
	}
	memset(arg, 0, 8);
	return 0;
}

static long fake_sched_shutdown(struct sched_remote_shutdown *s)
{
	struct fake_dom *d = fake_dom(s->domain_id);
	int rc = fake_call("remote_shutdown");

	if (rc)
		return rc;
	if (!d)
		return -ESRCH;
	d->shutdown_reason = s->reason + 1;
	return 0;
}

static long fake_hypercall(void *ctx, unsigned int nr, unsigned long a1, unsigned long a2,
			   unsigned long a3, unsigned long a4, unsigned long a5)
{
	int rc;

	switch (nr) {
	case __HYPERVISOR_domctl:
		return fake_domctl((struct xen_domctl *)a1);
	case __HYPERVISOR_sysctl:
		return fake_sysctl((struct xen_sysctl *)a1);
	case __HYPERVISOR_memory_op:
		if (a1 != XENMEM_populate_physmap)
			return -ENOSYS;
		return fake_populate((struct xen_memory_reservation *)a2);
	case __HYPERVISOR_xen_version:
		return fake_xen_version((unsigned int)a1, (void *)a2);
	case __HYPERVISOR_event_channel_op: {
		struct evtchn_alloc_unbound *u = (void *)a2;

		rc = fake_call("alloc_unbound");
		if (!rc && (a1 != EVTCHNOP_alloc_unbound || !fake_dom(u->dom) || u->remote_dom))
			rc = -EINVAL;
		if (!rc)
			u->port = ++fake.next_port;
		return rc;
	}
	case __HYPERVISOR_mmuext_op: {
		struct mmuext_op *op = (void *)a1;

		rc = fake_call("mmuext_op");
		if (!rc && (a2 != 1 || op->cmd != MMUEXT_PIN_L4_TABLE || !fake_dom((domid_t)a4) ||
			    fake.owner[op->arg1.mfn] != a4 || fake.mapped))
			rc = -EINVAL; /* also: still mapped writable */
		if (!rc)
			fake.dom[a4].pinned = true;
		return rc;
	}
	case __HYPERVISOR_sched_op:
		if (a1 != SCHEDOP_remote_shutdown)
			return -ENOSYS;
		return fake_sched_shutdown((struct sched_remote_shutdown *)a2);
	}
	return -ENOSYS;
}

static void *fake_map_foreign(void *ctx, domid_t dom, uint64_t mfn)
{
	if (fake_call("map_foreign") || mfn >= FAKE_RAM_PAGES)
		return NULL;
	if (fake.owner[mfn] != dom && !(fake.owner[mfn] == FAKE_FREE_OWNER - 1))
		return NULL;
	fake.mapped++;
	return fake_ram[mfn];
}

static void fake_unmap_foreign(void *ctx, void *va)
{
	assert_true(fake.mapped > 0);
	fake.mapped--;
}

static void fake_sleep_ms(void *ctx, unsigned int ms)
{
	fake_call("sleep");
	if (fake.on_sleep)
		fake.on_sleep();
}

static const struct vmctl_hv fake_hv = {
	fake_hypercall, fake_map_foreign, fake_unmap_foreign, fake_sleep_ms, NULL,
};

/* ---- the fake XenStore ---- */

#define FAKE_NODES 256

struct fake_node {
	bool used;
	char path[VMCTL_STORE_PATH_MAX];
	char value[VMCTL_STORE_VALUE_MAX];
	domid_t owner, reader;
};

static struct {
	struct fake_node node[FAKE_NODES];
	domid_t introduced, released;
	uint64_t intro_mfn;
	uint32_t intro_port;
	const char *fail_op; /* "write", "mkdir", "set_perms", "introduce", ... */
	unsigned int nr_releases;
} fstore;

static struct fake_node *fstore_find(const char *path)
{
	for (unsigned int i = 0; i < FAKE_NODES; i++)
		if (fstore.node[i].used && !strcmp(fstore.node[i].path, path))
			return &fstore.node[i];
	return NULL;
}

/* The node at path, made (with its parents, inheriting perms) if missing. */
static struct fake_node *fstore_make(const char *path)
{
	struct fake_node *n = fstore_find(path), *parent = NULL;
	char up[VMCTL_STORE_PATH_MAX];
	char *slash;

	if (n)
		return n;
	snprintf(up, sizeof(up), "%s", path);
	slash = strrchr(up, '/');
	if (slash && slash != up) {
		*slash = '\0';
		parent = fstore_make(up);
		if (!parent)
			return NULL;
	}
	for (unsigned int i = 0; i < FAKE_NODES; i++) {
		if (fstore.node[i].used)
			continue;
		n = &fstore.node[i];
		n->used = true;
		snprintf(n->path, sizeof(n->path), "%s", path);
		n->value[0] = '\0';
		n->owner = parent ? parent->owner : 0;
		n->reader = parent ? parent->reader : DOMID_INVALID;
		return n;
	}
	return NULL;
}

static bool fstore_fails(const char *op)
{
	return fstore.fail_op && !strcmp(fstore.fail_op, op);
}

static int fstore_read(void *ctx, const char *path, char *buf, size_t len)
{
	struct fake_node *n = fstore_find(path);

	if (!n)
		return -ENOENT;
	if (strlen(n->value) >= len)
		return -E2BIG;
	strcpy(buf, n->value);
	return (int)strlen(buf);
}

static int fstore_write(void *ctx, const char *path, const char *value)
{
	struct fake_node *n;

	if (fstore_fails("write"))
		return -EACCES;
	n = fstore_make(path);
	if (!n)
		return -ENOSPC;
	snprintf(n->value, sizeof(n->value), "%s", value);
	return 0;
}

static int fstore_mkdir(void *ctx, const char *path)
{
	if (fstore_fails("mkdir"))
		return -EACCES;
	return fstore_make(path) ? 0 : -ENOSPC;
}

static int fstore_rm(void *ctx, const char *path)
{
	size_t len = strlen(path);
	int found = 0;

	for (unsigned int i = 0; i < FAKE_NODES; i++) {
		struct fake_node *n = &fstore.node[i];

		if (n->used && !strncmp(n->path, path, len) && (!n->path[len] || n->path[len] == '/')) {
			n->used = false;
			found = 1;
		}
	}
	return found ? 0 : -ENOENT;
}

static int fstore_directory(void *ctx, const char *path, char *buf, size_t len)
{
	size_t plen = strlen(path), used = 0;
	int count = 0;

	for (unsigned int i = 0; i < FAKE_NODES; i++) {
		struct fake_node *n = &fstore.node[i];
		const char *rest = n->path + plen + 1;

		if (!n->used || strncmp(n->path, path, plen) || n->path[plen] != '/' ||
		    strchr(rest, '/'))
			continue;
		if (used + strlen(rest) + 1 > len)
			return -E2BIG;
		strcpy(buf + used, rest);
		used += strlen(rest) + 1;
		count++;
	}
	return count;
}

static int fstore_set_perms(void *ctx, const char *path, domid_t owner, domid_t reader)
{
	struct fake_node *n = fstore_find(path);

	if (fstore_fails("set_perms"))
		return -EACCES;
	if (!n)
		return -ENOENT;
	n->owner = owner;
	n->reader = reader;
	return 0;
}

static int fstore_introduce(void *ctx, domid_t domid, uint64_t mfn, uint32_t port)
{
	if (fstore_fails("introduce"))
		return -EEXIST;
	fstore.introduced = domid;
	fstore.intro_mfn = mfn;
	fstore.intro_port = port;
	return 0;
}

static int fstore_release(void *ctx, domid_t domid)
{
	fstore.released = domid;
	fstore.nr_releases++;
	return 0;
}

static const struct vmctl_store fake_store = {
	fstore_read, fstore_write,     fstore_mkdir,	 fstore_rm,
	fstore_directory, fstore_set_perms, fstore_introduce, fstore_release, NULL,
};

/* The value at path, or NULL if there is no such node. */
static __unused const char *fstore_value(const char *path)
{
	struct fake_node *n = fstore_find(path);

	return n ? n->value : NULL;
}

/* How many nodes lie at or below path. */
static __unused unsigned int fstore_count(const char *path)
{
	size_t len = strlen(path);
	unsigned int c = 0;

	for (unsigned int i = 0; i < FAKE_NODES; i++)
		c += fstore.node[i].used && !strncmp(fstore.node[i].path, path, len) &&
		     (!fstore.node[i].path[len] || fstore.node[i].path[len] == '/');
	return c;
}

/* A fresh hypervisor (dom0 with dom0_pages frames) and an empty store. */
static void fake_reset(uint64_t dom0_pages)
{
	memset(&fake, 0, sizeof(fake));
	memset(&fstore, 0, sizeof(fstore));
	fstore.introduced = fstore.released = DOMID_INVALID;
	fake.sched_id = XEN_SCHEDULER_CREDIT;
	for (unsigned int m = 0; m < FAKE_RAM_PAGES; m++)
		fake.owner[m] = FAKE_FREE_OWNER;
	fake.owner[0] = FAKE_FREE_OWNER - 2; /* frame 0 is never handed out */
	fake_add_domain(0, dom0_pages, 2);
	fake.dom[0].cpu_time = 12300000000ULL;
}

#endif /* TESTS_UNIT_VMCTL_FAKE_H */
