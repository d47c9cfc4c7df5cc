/*
 * tests/unit/control_test_env.h - the small machine of the control
 * interface's tests (test_domctl.c, test_sysctl.c): fake RAM, frame
 * table, buddy, heap, page-type rules, and two domains:
 *   d0 (0) privileged, 2 vCPUs - the control domain, the caller v0
 *   d1 (1) unprivileged, 1 vCPU - the caller v1 that must get -EPERM
 * Domains get event-channel tables through the domain hooks, as on the
 * machine, so destroying one has ports to close; a fake clock drives the
 * runstates; domain 1 may map other domains' frames (a stand-in for a
 * grant).  env_teardown() is the leak check: d0 and d1 destroy cleanly
 * and no domain, buddy frame or heap byte is left.
 *
 * Included by one test file each (state is per test binary).
 */
#ifndef TESTS_UNIT_CONTROL_TEST_ENV_H
#define TESTS_UNIT_CONTROL_TEST_ENV_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arch/guest_access.h"
#include "host/control_shim.h"
#include "host/hypercall_shim.h"
#include "host/sched_shim.h"
#include "host/test_shim.h"
#include "host/vcpu_context_shim.h"
#include "hypercalls/evtchn.h"
#include "hypercalls/hypercalls.h"
#include "hypervisor/common/domain.h"
#include "lib/errno.h"
#include "mm/buddy.h"
#include "mm/frame_table.h"
#include "mm/heap.h"
#include "mm/page_type.h"

#define ENV_FRAMES 4096

static struct page_info env_frames[ENV_FRAMES];
static uint64_t env_free_at_start;
static struct domain *d0, *d1;
static struct vcpu *v0, *v1;
static uint64_t fake_now;

static uint64_t env_clock(void)
{
	return fake_now;
}

static int env_domain_init(struct domain *d)
{
	return evtchn_domain_init(d, d->limits.max_evtchn_port);
}

static inline uint64_t buddy_free(void)
{
	struct buddy_stats st;

	buddy_get_stats(&st);
	return st.free_frames;
}

static inline int env_setup(void **state)
{
	static const struct domain_hooks hooks = {
	    .clock_ns = env_clock,
	    .domain_init = env_domain_init,
	    .domain_teardown = evtchn_domain_destroy,
	};
	struct page_type_config c = {.maxphysaddr = 40};
	int err;

	(void)state;
	fake_ram_init(ENV_FRAMES);
	assert_int_equal(frame_table_init(env_frames, ENV_FRAMES), 0);
	buddy_init();
	assert_int_equal(buddy_add_free_range(_mfn(1), ENV_FRAMES - 1), 0);
	heap_init();
	assert_int_equal(page_type_init(&c), 0);
	domain_init(&hooks);
	host_guest_fault_range(0, 0);
	host_hypercall_preempt_after(-1);
	host_vcpu_context_reset();
	host_control_reset();
	host_sched_reset();
	host_log_reset();
	fake_now = 0;
	env_free_at_start = buddy_free();
	d0 = domain_create(0, DOMAIN_CF_PRIVILEGED, 2, &err);
	d1 = domain_create(1, 0, 1, &err);
	assert_non_null(d0);
	assert_non_null(d1);
	v0 = d0->vcpus[0];
	v1 = d1->vcpus[0];
	return 0;
}

static inline int env_teardown(void **state)
{
	struct heap_stats hs;

	(void)state;
	assert_int_equal(domain_destroy(d1), 0);
	assert_int_equal(domain_destroy(d0), 0);
	assert_int_equal(domain_count(), 0);
	assert_int_equal(buddy_free(), env_free_at_start);
	heap_get_stats(&hs);
	assert_int_equal(hs.bytes_in_use, 0);
	return 0;
}

#endif
