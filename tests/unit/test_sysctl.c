/*
 * tests/unit/test_sysctl.c - HYPERVISOR_sysctl (hypercalls/sysctl.c) and
 * the debug keys (hypercalls/debug_keys.c) called as a guest calls them:
 * readconsole on Keel's console ring, physinfo (whose free_pages proves a
 * destroyed domain gave its frames back), sched_id, getdomaininfolist,
 * debug_keys; an unprivileged caller, bad versions and bad buffers.
 *
 * The machine is tests/unit/control_test_env.h: d0 (id 0) is the
 * privileged caller, d1 (id 1) the unprivileged one; each test ends with
 * the leak check.
 */
#undef __XEN_INTERFACE_VERSION__
#define __XEN_TOOLS__ 1 /* sysctl.h is a toolstack header */

#include "tests/unit/control_test_env.h"

#include <xen/domctl.h>
#include <xen/sysctl.h>
#include <xen/xen.h>

#include "hypervisor/common/console_ring.h"

/* Keel's console ring, emptied. */
static void ring_empty(void)
{
	uint32_t cons, prod;

	console_ring_bounds(&keel_conring, &cons, &prod);
	console_ring_clear(&keel_conring, prod);
	console_ring_take_news(&keel_conring);
}

static void ring_puts(const char *s)
{
	console_ring_put(&keel_conring, s, strlen(s));
}

static int setup(void **state)
{
	ring_empty();
	return env_setup(state);
}

static struct xen_sysctl op_for(uint32_t cmd)
{
	struct xen_sysctl op;

	memset(&op, 0, sizeof(op));
	op.cmd = cmd;
	op.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
	return op;
}

static long sysctl(struct vcpu *v, struct xen_sysctl *op)
{
	return do_sysctl(v, (uint64_t)(uintptr_t)op);
}

static struct xen_sysctl readconsole_op(char *buf, uint32_t count, bool incremental, bool clear,
					uint32_t index)
{
	struct xen_sysctl op = op_for(XEN_SYSCTL_readconsole);

	set_xen_guest_handle(op.u.readconsole.buffer, buf);
	op.u.readconsole.count = count;
	op.u.readconsole.incremental = incremental;
	op.u.readconsole.clear = clear;
	op.u.readconsole.index = index;
	return op;
}

/* ---- the checks before any command ---- */

static void test_checks_before_any_command(void **state)
{
	static const uint32_t cmds[] = {
	    XEN_SYSCTL_readconsole,	  XEN_SYSCTL_physinfo,	 XEN_SYSCTL_sched_id,
	    XEN_SYSCTL_getdomaininfolist, XEN_SYSCTL_debug_keys, 0x7fff,
	};
	struct xen_sysctl op = op_for(XEN_SYSCTL_physinfo);
	char buf[64];

	(void)state;
	assert_int_equal(do_sysctl(v0, 0), -EFAULT);
	op.interface_version = XEN_SYSCTL_INTERFACE_VERSION + 1;
	assert_int_equal(sysctl(v0, &op), -EACCES);
	assert_int_equal(sysctl(v1, &op), -EACCES); /* before the privilege check */
	op = op_for(0x7fff);
	assert_int_equal(sysctl(v0, &op), -ENOSYS);
	/* An unprivileged caller gets nothing, changes nothing. */
	ring_puts("(KEEL) secret\n");
	for (unsigned int i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		op = readconsole_op(buf, sizeof(buf), false, true, 0);
		op.cmd = cmds[i];
		memset(buf, 0, sizeof(buf));
		assert_int_equal(sysctl(v1, &op), -EPERM);
		assert_int_equal(buf[0], 0);
	}
	op = readconsole_op(buf, sizeof(buf), false, false, 0);
	assert_int_equal(sysctl(v0, &op), 0);
	assert_int_equal(op.u.readconsole.count, 14); /* the clear was refused too */
}

/* ---- readconsole ---- */

static void test_readconsole_whole_and_incremental(void **state)
{
	char buf[64];
	struct xen_sysctl op;
	uint32_t end;

	(void)state;
	ring_puts("(KEEL) one\n(d1) two\n");
	op = readconsole_op(buf, sizeof(buf), false, false, 0);
	assert_int_equal(sysctl(v0, &op), 0);
	assert_int_equal(op.u.readconsole.count, 20);
	assert_memory_equal(buf, "(KEEL) one\n(d1) two\n", 20);
	end = op.u.readconsole.index;
	/* Nothing new since end. */
	op = readconsole_op(buf, sizeof(buf), true, false, end);
	assert_int_equal(sysctl(v0, &op), 0);
	assert_int_equal(op.u.readconsole.count, 0);
	assert_int_equal(op.u.readconsole.index, end);
	/* Only what came after end. */
	ring_puts("(KEEL) three\n");
	op = readconsole_op(buf, sizeof(buf), true, false, end);
	assert_int_equal(sysctl(v0, &op), 0);
	assert_int_equal(op.u.readconsole.count, 13);
	assert_memory_equal(buf, "(KEEL) three\n", 13);
	assert_int_equal(op.u.readconsole.index, end + 13);
	/* A small buffer: the first bytes, and where it stopped. */
	op = readconsole_op(buf, 4, false, false, 0);
	assert_int_equal(sysctl(v0, &op), 0);
	assert_int_equal(op.u.readconsole.count, 4);
	assert_memory_equal(buf, "(KEE", 4);
	assert_int_equal(op.u.readconsole.index, end - 20 + 4);
	/* An index ahead of the ring starts at the oldest byte. */
	op = readconsole_op(buf, 4, true, false, end + 1000);
	assert_int_equal(sysctl(v0, &op), 0);
	assert_memory_equal(buf, "(KEE", 4);
}

static void test_readconsole_more_than_a_chunk(void **state)
{
	static char text[1000], buf[1200];
	struct xen_sysctl op = readconsole_op(buf, sizeof(buf), false, false, 0);

	(void)state;
	for (unsigned int i = 0; i < sizeof(text) - 1; i++)
		text[i] = (char)('a' + i % 26);
	ring_puts(text);
	assert_int_equal(sysctl(v0, &op), 0);
	assert_int_equal(op.u.readconsole.count, sizeof(text) - 1);
	assert_memory_equal(buf, text, sizeof(text) - 1);
}

static void test_readconsole_clear(void **state)
{
	char buf[64];
	struct xen_sysctl op;

	(void)state;
	ring_puts("0123456789");
	op = readconsole_op(buf, 6, false, true, 0); /* read 6, forget them */
	assert_int_equal(sysctl(v0, &op), 0);
	assert_int_equal(op.u.readconsole.count, 6);
	op = readconsole_op(buf, sizeof(buf), false, false, 0);
	assert_int_equal(sysctl(v0, &op), 0);
	assert_int_equal(op.u.readconsole.count, 4);
	assert_memory_equal(buf, "6789", 4);
}

static void test_readconsole_bad_buffers(void **state)
{
	char buf[64];
	struct xen_sysctl op;

	(void)state;
	ring_puts("some text\n");
	op = readconsole_op(NULL, sizeof(buf), false, true, 0);
	assert_int_equal(sysctl(v0, &op), -EFAULT);
	host_guest_fault_range((uint64_t)(uintptr_t)buf + 4, 1);
	op = readconsole_op(buf, sizeof(buf), false, true, 0);
	assert_int_equal(sysctl(v0, &op), -EFAULT);
	host_guest_fault_range(0, 0);
	/* Nothing to copy: the buffer is not touched; a failed read cleared nothing. */
	op = readconsole_op(NULL, 0, false, false, 0);
	assert_int_equal(sysctl(v0, &op), 0);
	assert_int_equal(op.u.readconsole.count, 0);
	op = readconsole_op(buf, sizeof(buf), false, false, 0);
	assert_int_equal(sysctl(v0, &op), 0);
	assert_int_equal(op.u.readconsole.count, 10);
}

/* ---- physinfo, sched_id ---- */

static void test_physinfo(void **state)
{
	struct xen_sysctl op = op_for(XEN_SYSCTL_physinfo);
	struct xen_sysctl_physinfo *pi = &op.u.physinfo;
	struct buddy_stats st;

	(void)state;
	memset(&op.u, 0xee, sizeof(op.u));
	assert_int_equal(sysctl(v0, &op), 0);
	buddy_get_stats(&st);
	assert_int_equal(pi->nr_cpus, 2);
	assert_int_equal(pi->max_cpu_id, 3);
	assert_int_equal(pi->threads_per_core, 1);
	assert_int_equal(pi->cores_per_socket, 2);
	assert_int_equal(pi->cpu_khz, 2000000);
	assert_int_equal(pi->nr_nodes, 1);
	assert_int_equal(pi->max_node_id, 0);
	assert_int_equal(pi->capabilities, XEN_SYSCTL_PHYSCAP_pv | XEN_SYSCTL_PHYSCAP_gnttab_v1);
	assert_int_equal(pi->arch_capabilities, 0);
	assert_int_equal(pi->total_pages, ENV_FRAMES - 1);
	assert_int_equal(pi->free_pages, st.free_frames);
	assert_int_equal(pi->scrub_pages, st.dirty_frames);
	assert_int_equal(pi->outstanding_pages, 0);
	assert_int_equal(pi->max_mfn, ENV_FRAMES - 1);
	assert_int_equal(pi->hw_cap[0], 0x178bfbff);
	assert_int_equal(pi->hw_cap[7], 0);
}

static uint64_t physinfo_free(void)
{
	struct xen_sysctl op = op_for(XEN_SYSCTL_physinfo);

	assert_int_equal(sysctl(v0, &op), 0);
	return op.u.physinfo.free_pages;
}

/* The counter the issue asks for: a created, filled, destroyed domain leaves free_pages as it was.
 */
static void test_physinfo_proves_destroy_returns_frames(void **state)
{
	uint64_t before = physinfo_free();
	struct domain *d;
	int err;

	(void)state;
	d = domain_create(DOMID_AUTO, 0, 4, &err);
	assert_non_null(d);
	domain_set_max_pages(d, 100);
	for (unsigned int i = 0; i < 5; i++)
		domain_alloc_frames(d, 3, NULL);
	assert_true(physinfo_free() <= before - 40);
	assert_int_equal(domain_destroy(d), 0);
	assert_int_equal(physinfo_free(), before);
}

static void test_sched_id(void **state)
{
	struct xen_sysctl op = op_for(XEN_SYSCTL_sched_id);

	(void)state;
	assert_int_equal(sysctl(v0, &op), 0);
	assert_int_equal(op.u.sched_id.sched_id, XEN_SCHEDULER_CREDIT);
}

/* ---- getdomaininfolist ---- */

static void test_getdomaininfolist(void **state)
{
	static struct xen_domctl_getdomaininfo list[8];
	struct xen_sysctl op = op_for(XEN_SYSCTL_getdomaininfolist);
	struct xen_sysctl_getdomaininfolist *l = &op.u.getdomaininfolist;
	struct domain *d7;
	int err;

	(void)state;
	d7 = domain_create(7, 0, 1, &err);
	assert_non_null(d7);
	set_xen_guest_handle(l->buffer, list);
	l->max_domains = 8;
	assert_int_equal(sysctl(v0, &op), 0);
	assert_int_equal(l->num_domains, 3);
	assert_int_equal(list[0].domain, 0);
	assert_int_equal(list[1].domain, 1);
	assert_int_equal(list[2].domain, 7);
	assert_int_equal(list[2].flags & XEN_DOMINF_paused, XEN_DOMINF_paused);
	l->first_domain = 2;
	assert_int_equal(sysctl(v0, &op), 0);
	assert_int_equal(l->num_domains, 1);
	assert_int_equal(list[0].domain, 7);
	l->first_domain = 0;
	l->max_domains = 2;
	assert_int_equal(sysctl(v0, &op), 0);
	assert_int_equal(l->num_domains, 2);
	l->max_domains = 0;
	assert_int_equal(sysctl(v0, &op), 0);
	assert_int_equal(l->num_domains, 0);
	l->first_domain = 8;
	l->max_domains = 8;
	assert_int_equal(sysctl(v0, &op), 0);
	assert_int_equal(l->num_domains, 0);
	/* The second record cannot be written. */
	l->first_domain = 0;
	host_guest_fault_range((uint64_t)(uintptr_t)&list[1], 1);
	assert_int_equal(sysctl(v0, &op), -EFAULT);
	host_guest_fault_range(0, 0);
	assert_int_equal(domain_destroy(d7), 0);
}

/* ---- debug keys ---- */

static long keys(const char *k, uint32_t n)
{
	struct xen_sysctl op = op_for(XEN_SYSCTL_debug_keys);

	set_xen_guest_handle(op.u.debug_keys.keys, k);
	op.u.debug_keys.nr_keys = n;
	return sysctl(v0, &op);
}

static void test_debug_keys(void **state)
{
	struct evtchn_alloc_unbound au = {.dom = DOMID_SELF, .remote_dom = 0};

	(void)state;
	assert_int_equal(keys("h", 1), 0);
	assert_true(host_log_contains("'q' domains"));
	/* 'q': every domain and the totals, event channels included. */
	assert_int_equal(do_event_channel_op(v1, EVTCHNOP_alloc_unbound, (uint64_t)(uintptr_t)&au),
			 0);
	host_control_timers = 5;
	host_log_reset();
	assert_int_equal(keys("q", 1), 0);
	assert_true(host_log_contains(" domain 0: active"));
	assert_true(host_log_contains(" domain 1: active, pause count 1, tot_pages 0"));
	assert_true(host_log_contains("1 event channels"));
	assert_true(host_log_contains("totals: 2 domains, 0 domain pages, 1 event channels, "
				      "0 grant mappings, 5 hypervisor timers queued"));
	/* 'm': the allocator's counters. */
	host_log_reset();
	assert_int_equal(keys("mx", 2), 0);
	assert_true(host_log_contains("managed"));
	assert_true(host_log_contains("'x' (0x78) pressed -> no such debug key"));
	assert_int_equal(keys(NULL, 1), -EFAULT);
	assert_int_equal(keys(NULL, 0), 0);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, env_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_checks_before_any_command),
	    T(test_readconsole_whole_and_incremental),
	    T(test_readconsole_more_than_a_chunk),
	    T(test_readconsole_clear),
	    T(test_readconsole_bad_buffers),
	    T(test_physinfo),
	    T(test_physinfo_proves_destroy_returns_frames),
	    T(test_sched_id),
	    T(test_getdomaininfolist),
	    T(test_debug_keys),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
