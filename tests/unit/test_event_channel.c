/*
 * tests/unit/test_event_channel.c - the 2-level event-channel core
 * (hypercalls/event_channel.c) through HYPERVISOR_event_channel_op as a
 * guest calls it, plus the interface Keel uses (hypercalls/evtchn.h).
 *
 * Three domains with two vCPUs each: d0 (privileged, id 0), d1 and d2,
 * each with the default port limit.  Every guest-visible bit is checked
 * in their shared_info / vcpu_info exactly as the ABI defines it, kicks
 * through the host shim (tests/host/evtchn_shim.c), which also checks
 * that no event lock is held when a kick happens.  Every test ends by
 * destroying what it made and checking that no heap byte, buddy frame or
 * domain reference is left.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <xen/event_channel.h>
#include <xen/xen.h>

#include "arch/guest_access.h"
#include "host/evtchn_shim.h"
#include "host/test_shim.h"
#include "hypercalls/evtchn.h"
#include "hypercalls/hypercalls.h"
#include "hypervisor/common/domain.h"
#include "lib/errno.h"
#include "mm/buddy.h"
#include "mm/frame_table.h"
#include "mm/heap.h"
#include "mm/page_type.h"

#define NR_FRAMES 4096
#define W	  (sizeof(xen_ulong_t) * 8) /* ports per selector bit */

static struct page_info frames[NR_FRAMES];
static uint64_t free_at_start;
static struct domain *d0, *d1, *d2;
static unsigned int kicks_checked;

static uint64_t buddy_free(void)
{
	struct buddy_stats st;

	buddy_get_stats(&st);
	return st.free_frames;
}

/* Kicks must come with every event lock dropped (the machine's kick takes d->lock). */
static void check_unlocked(struct vcpu *v)
{
	struct domain *all[] = {d0, d1, d2, v->domain};

	for (unsigned int i = 0; i < 4; i++)
		if (all[i])
			assert_int_equal(all[i]->event_lock.held, 0);
	kicks_checked++;
}

static void reset_kicks(void)
{
	host_evtchn_reset();
	host_evtchn_on_kick = check_unlocked;
	kicks_checked = 0;
}

static struct domain *new_dom(domid_t id, unsigned int flags, unsigned int vcpus, bool with_table)
{
	int err = 1;
	struct domain *d = domain_create(id, flags, vcpus, &err);

	assert_non_null(d);
	assert_int_equal(err, 0);
	if (with_table)
		assert_int_equal(evtchn_domain_init(d, EVTCHN_DEFAULT_MAX_PORT), 0);
	return d;
}

static void kill(struct domain **d)
{
	if (!*d)
		return;
	evtchn_domain_destroy(*d);
	assert_int_equal(domain_destroy(*d), 0);
	*d = NULL;
}

static int setup(void **state)
{
	fake_ram_init(NR_FRAMES);
	assert_int_equal(frame_table_init(frames, NR_FRAMES), 0);
	buddy_init();
	assert_int_equal(buddy_add_free_range(_mfn(1), NR_FRAMES - 1), 0);
	heap_init();
	assert_int_equal(page_type_init(&(struct page_type_config){.maxphysaddr = 40}), 0);
	domain_init(NULL);
	host_guest_fault_range(0, 0);
	host_log_reset();
	free_at_start = buddy_free();
	d0 = new_dom(0, DOMAIN_CF_PRIVILEGED, 2, true);
	d1 = new_dom(1, 0, 2, true);
	d2 = new_dom(2, 0, 2, true);
	reset_kicks();
	return 0;
}

static int teardown(void **state)
{
	struct heap_stats hs;

	kill(&d0);
	kill(&d1);
	kill(&d2);
	assert_int_equal(domain_count(), 0); /* no reference left behind */
	heap_get_stats(&hs);
	assert_int_equal(hs.bytes_in_use, 0);
	assert_int_equal(buddy_free(), free_at_start);
	assert_int_equal(kicks_checked, host_evtchn_kicks);
	host_guest_fault_range(0, 0);
	return 0;
}

/* ---- the guest's view ---- */

static struct vcpu *V(struct domain *d, unsigned int i)
{
	return d->vcpus[i];
}

static long evop(struct domain *d, int cmd, void *arg)
{
	return do_event_channel_op(V(d, 0), cmd, (uint64_t)(uintptr_t)arg);
}

static long try_unbound(struct domain *d, domid_t dom, domid_t remote, evtchn_port_t *port)
{
	struct evtchn_alloc_unbound a = {.dom = dom, .remote_dom = remote, .port = 0xdead};
	long rc = evop(d, EVTCHNOP_alloc_unbound, &a);

	if (port)
		*port = a.port;
	if (rc)
		assert_int_equal(a.port, 0xdead); /* nothing copied back on failure */
	return rc;
}

static evtchn_port_t unbound(struct domain *d, domid_t remote)
{
	evtchn_port_t p;

	assert_int_equal(try_unbound(d, DOMID_SELF, remote, &p), 0);
	return p;
}

static long try_interdomain(struct domain *d, domid_t rdom, evtchn_port_t rport, evtchn_port_t *l)
{
	struct evtchn_bind_interdomain b = {.remote_dom = rdom, .remote_port = rport};
	long rc = evop(d, EVTCHNOP_bind_interdomain, &b);

	if (l)
		*l = b.local_port;
	return rc;
}

static evtchn_port_t interdomain(struct domain *d, domid_t rdom, evtchn_port_t rport)
{
	evtchn_port_t l;

	assert_int_equal(try_interdomain(d, rdom, rport, &l), 0);
	return l;
}

static long try_virq(struct domain *d, uint32_t virq, uint32_t vcpu, evtchn_port_t *port)
{
	struct evtchn_bind_virq b = {.virq = virq, .vcpu = vcpu};
	long rc = evop(d, EVTCHNOP_bind_virq, &b);

	if (port)
		*port = b.port;
	return rc;
}

static evtchn_port_t virq(struct domain *d, uint32_t which, uint32_t vcpu)
{
	evtchn_port_t p;

	assert_int_equal(try_virq(d, which, vcpu, &p), 0);
	return p;
}

static long try_ipi(struct domain *d, uint32_t vcpu, evtchn_port_t *port)
{
	struct evtchn_bind_ipi b = {.vcpu = vcpu};
	long rc = evop(d, EVTCHNOP_bind_ipi, &b);

	if (port)
		*port = b.port;
	return rc;
}

static long send(struct domain *d, evtchn_port_t port)
{
	struct evtchn_send s = {.port = port};

	return evop(d, EVTCHNOP_send, &s);
}

static long close_port(struct domain *d, evtchn_port_t port)
{
	struct evtchn_close c = {.port = port};

	return evop(d, EVTCHNOP_close, &c);
}

static long unmask(struct domain *d, evtchn_port_t port)
{
	struct evtchn_unmask u = {.port = port};

	return evop(d, EVTCHNOP_unmask, &u);
}

static long bind_vcpu(struct domain *d, evtchn_port_t port, uint32_t vcpu)
{
	struct evtchn_bind_vcpu b = {.port = port, .vcpu = vcpu};

	return evop(d, EVTCHNOP_bind_vcpu, &b);
}

static long try_status(struct domain *d, domid_t dom, evtchn_port_t port, struct evtchn_status *s)
{
	memset(s, 0xff, sizeof(*s));
	s->dom = dom;
	s->port = port;
	return evop(d, EVTCHNOP_status, s);
}

static struct evtchn_status status(struct domain *d, evtchn_port_t port)
{
	struct evtchn_status s;

	assert_int_equal(try_status(d, DOMID_SELF, port, &s), 0);
	return s;
}

static void expect_closed(struct domain *d, evtchn_port_t port)
{
	struct evtchn_status s = status(d, port);

	assert_int_equal(s.status, EVTCHNSTAT_closed);
	assert_int_equal(s.vcpu, 0);
}

static void expect_unbound(struct domain *d, evtchn_port_t port, domid_t remote)
{
	struct evtchn_status s = status(d, port);

	assert_int_equal(s.status, EVTCHNSTAT_unbound);
	assert_int_equal(s.u.unbound.dom, remote);
}

static void expect_pair(struct domain *d, evtchn_port_t port, domid_t rdom, evtchn_port_t rport)
{
	struct evtchn_status s = status(d, port);

	assert_int_equal(s.status, EVTCHNSTAT_interdomain);
	assert_int_equal(s.u.interdomain.dom, rdom);
	assert_int_equal(s.u.interdomain.port, rport);
}

static bool pending(struct domain *d, evtchn_port_t p)
{
	return (d->shared_info->evtchn_pending[p / W] >> (p % W)) & 1;
}

static void set_mask(struct domain *d, evtchn_port_t p, bool on)
{
	xen_ulong_t m = (xen_ulong_t)1 << (p % W);

	if (on)
		d->shared_info->evtchn_mask[p / W] |= m;
	else
		d->shared_info->evtchn_mask[p / W] &= ~m;
}

static bool masked(struct domain *d, evtchn_port_t p)
{
	return (d->shared_info->evtchn_mask[p / W] >> (p % W)) & 1;
}

static xen_ulong_t sel(struct domain *d, unsigned int vcpu)
{
	return d->shared_info->vcpu_info[vcpu].evtchn_pending_sel;
}

static uint8_t upcall(struct domain *d, unsigned int vcpu)
{
	return d->shared_info->vcpu_info[vcpu].evtchn_upcall_pending;
}

/* What the guest does after handling everything: all bits clear, no kicks recorded. */
static void quiesce(struct domain *d)
{
	memset(d->shared_info->evtchn_pending, 0, sizeof(d->shared_info->evtchn_pending));
	for (unsigned int i = 0; i < XEN_LEGACY_MAX_VCPUS; i++) {
		d->shared_info->vcpu_info[i].evtchn_pending_sel = 0;
		d->shared_info->vcpu_info[i].evtchn_upcall_pending = 0;
	}
	reset_kicks();
}

/* Nothing pending anywhere in d, no selector, no upcall. */
static void expect_quiet(struct domain *d)
{
	for (unsigned int i = 0; i < W; i++)
		assert_int_equal(d->shared_info->evtchn_pending[i], 0);
	for (unsigned int i = 0; i < d->max_vcpus && i < XEN_LEGACY_MAX_VCPUS; i++) {
		assert_int_equal(sel(d, i), 0);
		assert_int_equal(upcall(d, i), 0);
	}
}

/* Exactly p pending in d, delivered to vcpu with an upcall and one kick. */
static void expect_delivered(struct domain *d, evtchn_port_t p, unsigned int vcpu)
{
	for (unsigned int i = 0; i < W; i++)
		assert_int_equal(d->shared_info->evtchn_pending[i],
				 i == p / W ? (xen_ulong_t)1 << (p % W) : 0);
	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		assert_int_equal(sel(d, i), i == vcpu ? (xen_ulong_t)1 << (p / W) : 0);
		assert_int_equal(upcall(d, i), i == vcpu);
	}
	assert_int_equal(host_evtchn_kicks, 1);
	assert_ptr_equal(host_evtchn_kicked[0], V(d, vcpu));
}

/* ---- allocation ---- */

static void test_alloc_unbound_lowest_first(void **state)
{
	evtchn_port_t p;

	assert_int_equal(unbound(d1, 2), 1); /* port 0 is never handed out */
	assert_int_equal(unbound(d1, DOMID_SELF), 2);
	assert_int_equal(try_unbound(d1, 1, 0, &p), 0); /* its own id works as DOMID_SELF */
	assert_int_equal(p, 3);
	expect_unbound(d1, 1, 2);
	expect_unbound(d1, 2, 1); /* DOMID_SELF: the caller */
	expect_unbound(d1, 3, 0);
	assert_int_equal(status(d1, 1).vcpu, 0);
	assert_int_equal(close_port(d1, 2), 0);
	expect_closed(d1, 2);
	assert_int_equal(unbound(d1, 2), 2); /* the hole is reused first */
	assert_int_equal(unbound(d1, 2), 4);
	expect_quiet(d1);
	assert_int_equal(host_evtchn_kicks, 0);
}

static void test_alloc_unbound_for_another_domain(void **state)
{
	evtchn_port_t p;

	assert_int_equal(try_unbound(d1, 2, 1, NULL), -EPERM);
	assert_int_equal(try_unbound(d1, 77, 1, NULL), -ESRCH);
	expect_closed(d2, 1); /* nothing allocated by the refused call */
	/* The toolstack's pattern: a port in d1 for itself (remote DOMID_SELF = the caller). */
	assert_int_equal(try_unbound(d0, 1, DOMID_SELF, &p), 0);
	assert_int_equal(p, 1);
	expect_unbound(d1, 1, 0);
	expect_closed(d0, 1);
	assert_int_equal(try_unbound(d0, 77, 1, NULL), -ESRCH);
	assert_int_equal(try_unbound(d0, DOMID_IO, 1, NULL), -ESRCH);
}

static void test_port_zero_reserved(void **state)
{
	expect_closed(d1, 0);
	assert_int_equal(close_port(d1, 0), -EINVAL);
	assert_int_equal(send(d1, 0), -EINVAL);
	assert_int_equal(bind_vcpu(d1, 0, 1), -EINVAL);
	assert_int_equal(try_interdomain(d2, 1, 0, NULL), -EINVAL);
	set_mask(d1, 0, true);
	assert_int_equal(unmask(d1, 0), 0); /* a valid port: its mask bit is the guest's */
	assert_false(masked(d1, 0));
	expect_quiet(d1);
}

static void test_ports_run_out(void **state)
{
	struct evtchn_status s;
	evtchn_port_t p2 = unbound(d2, 1);

	for (evtchn_port_t p = 1; p <= EVTCHN_DEFAULT_MAX_PORT; p++)
		assert_int_equal(unbound(d1, 2), p);
	assert_int_equal(try_unbound(d1, DOMID_SELF, 2, NULL), -ENOSPC);
	assert_int_equal(try_ipi(d1, 0, NULL), -ENOSPC);
	assert_int_equal(try_virq(d1, VIRQ_TIMER, 0, NULL), -ENOSPC);
	assert_int_equal(try_interdomain(d1, 2, p2, NULL), -ENOSPC);
	expect_unbound(d2, p2, 1); /* the failed bind left the remote end alone */
	assert_int_equal(try_unbound(d0, 1, 0, NULL), -ENOSPC);
	assert_int_equal(try_status(d1, DOMID_SELF, EVTCHN_DEFAULT_MAX_PORT + 1, &s), -EINVAL);
	assert_int_equal(close_port(d1, 500), 0);
	assert_int_equal(unbound(d1, 2), 500);
	assert_int_equal(try_unbound(d1, DOMID_SELF, 2, NULL), -ENOSPC);
}

static void test_port_limits(void **state)
{
	struct domain *d3 = new_dom(3, 0, 1, false);
	struct domain *d4 = new_dom(4, 0, 1, false);
	struct domain *d5 = new_dom(5, 0, 1, false);
	evtchn_port_t p;
	unsigned int n = 0;

	assert_int_equal(evtchn_domain_init(d3, 3), 0);
	assert_int_equal(evtchn_domain_init(d3, 3), -EEXIST);
	for (unsigned int i = 1; i <= 3; i++)
		assert_int_equal(unbound(d3, 0), i);
	assert_int_equal(try_unbound(d3, DOMID_SELF, 0, NULL), -ENOSPC);
	/* Past the 2-level ABI's 4096 bits: clamped to port 4095. */
	assert_int_equal(evtchn_domain_init(d4, ~0u), 0);
	while (try_unbound(d4, DOMID_SELF, 0, &p) == 0)
		assert_int_equal(p, ++n);
	assert_int_equal(n, EVTCHN_2L_MAX_PORT);
	assert_int_equal(try_unbound(d4, DOMID_SELF, 0, NULL), -ENOSPC);
	assert_int_equal(send(d4, 4095), 0); /* unbound: dropped */
	assert_int_equal(evtchn_domain_init(d5, 0), 0);
	assert_int_equal(try_unbound(d5, DOMID_SELF, 0, NULL), -ENOSPC);
	kill(&d3);
	kill(&d4);
	kill(&d5);
}

/* ---- interdomain ---- */

static void test_bind_interdomain(void **state)
{
	evtchn_port_t p2 = unbound(d2, 1), l;

	unbound(d1, 2); /* so the local port is 2, not 1 */
	l = interdomain(d1, 2, p2);
	assert_int_equal(l, 2);
	expect_pair(d1, l, 2, p2);
	expect_pair(d2, p2, 1, l);
	assert_int_equal(status(d2, p2).vcpu, 0);
	/* Sends to the unbound end were dropped: the new end starts pending. */
	expect_delivered(d1, l, 0);
	expect_quiet(d2);
}

static void test_bind_interdomain_refused(void **state)
{
	evtchn_port_t for_d1 = unbound(d2, 1), for_d0 = unbound(d2, 0), ipi, bound;

	assert_int_equal(try_ipi(d2, 1, &ipi), 0);
	assert_int_equal(try_interdomain(d1, 2, for_d0, NULL), -EINVAL); /* allows someone else */
	assert_int_equal(try_interdomain(d1, 2, ipi, NULL), -EINVAL);
	assert_int_equal(try_interdomain(d1, 2, 100, NULL), -EINVAL); /* closed */
	assert_int_equal(try_interdomain(d1, 2, EVTCHN_DEFAULT_MAX_PORT + 1, NULL), -EINVAL);
	assert_int_equal(try_interdomain(d1, 2, 0xffffffffu, NULL), -EINVAL);
	assert_int_equal(try_interdomain(d1, 77, for_d1, NULL), -ESRCH);
	assert_int_equal(try_interdomain(d1, 1, for_d1, NULL),
			 -EINVAL); /* right port, wrong domain */
	bound = interdomain(d1, 2, for_d1);
	assert_int_equal(bound, 1); /* the refusals consumed no port */
	assert_int_equal(try_interdomain(d1, 2, for_d1, NULL), -EINVAL); /* already bound */
	assert_int_equal(try_interdomain(d0, 2, for_d1, NULL), -EINVAL);
	expect_pair(d2, for_d1, 1, bound);
	expect_unbound(d2, for_d0, 0);
	assert_int_equal(unbound(d1, 2), 2);
}

static void test_loopback(void **state)
{
	evtchn_port_t a = unbound(d1, DOMID_SELF), b = interdomain(d1, DOMID_SELF, a);

	expect_pair(d1, a, 1, b);
	expect_pair(d1, b, 1, a);
	quiesce(d1);
	assert_int_equal(send(d1, a), 0);
	expect_delivered(d1, b, 0);
	quiesce(d1);
	assert_int_equal(send(d1, b), 0);
	expect_delivered(d1, a, 0);
	assert_int_equal(close_port(d1, a), 0);
	expect_closed(d1, a);
	expect_unbound(d1, b, 1);
	assert_false(pending(d1, a)); /* closing cleared its pending bit */
}

static void test_send_interdomain_bits(void **state)
{
	evtchn_port_t p2, l;

	for (unsigned int i = 0; i < 70; i++) /* d2's end in selector word 1 */
		p2 = unbound(d2, 1);
	assert_int_equal(p2, 70);
	l = interdomain(d1, 2, p2);
	quiesce(d1);
	assert_int_equal(send(d1, l), 0);
	expect_delivered(d2, p2, 0);
	expect_quiet(d1);
	/* Already pending: nothing new, no kick. */
	reset_kicks();
	assert_int_equal(send(d1, l), 0);
	assert_int_equal(host_evtchn_kicks, 0);
	/* The guest cleared the port but not yet the selector: no second upcall. */
	d2->shared_info->evtchn_pending[1] = 0;
	d2->shared_info->vcpu_info[0].evtchn_upcall_pending = 0;
	assert_int_equal(send(d1, l), 0);
	assert_true(pending(d2, p2));
	assert_int_equal(upcall(d2, 0), 0);
	assert_int_equal(host_evtchn_kicks, 0);
	/* Masked: pending only. */
	quiesce(d2);
	set_mask(d2, p2, true);
	assert_int_equal(send(d1, l), 0);
	assert_true(pending(d2, p2));
	assert_int_equal(sel(d2, 0), 0);
	assert_int_equal(upcall(d2, 0), 0);
	assert_int_equal(host_evtchn_kicks, 0);
	/* Re-targeted to vCPU 1. */
	quiesce(d2);
	set_mask(d2, p2, false);
	assert_int_equal(bind_vcpu(d2, p2, 1), 0);
	assert_int_equal(send(d1, l), 0);
	expect_delivered(d2, p2, 1);
	assert_true(kicks_checked > 0);
}

static void test_send_each_kind(void **state)
{
	evtchn_port_t ipi, u = unbound(d1, 2), v, p2 = unbound(d2, 1);

	assert_int_equal(try_ipi(d1, 1, &ipi), 0);
	assert_int_equal(status(d1, ipi).status, EVTCHNSTAT_ipi);
	assert_int_equal(status(d1, ipi).vcpu, 1);
	assert_int_equal(send(d1, ipi), 0);
	expect_delivered(d1, ipi, 1);
	quiesce(d1);
	assert_int_equal(send(d1, u), 0); /* unbound: dropped, as Xen */
	v = virq(d1, VIRQ_TIMER, 0);
	assert_int_equal(send(d1, v), -EINVAL);
	assert_int_equal(send(d1, 200), -EINVAL);			  /* closed */
	assert_int_equal(send(d1, EVTCHN_DEFAULT_MAX_PORT + 1), -EINVAL); /* past the limit */
	assert_int_equal(send(d1, 0x80000000u), -EINVAL);
	assert_int_equal(send(d1, p2 + 10), -EINVAL); /* a number only d2 has bound */
	expect_quiet(d1);
	expect_quiet(d2);
	assert_int_equal(host_evtchn_kicks, 0);
	assert_int_equal(try_ipi(d1, 2, NULL), -ENOENT);
	assert_int_equal(try_ipi(d1, 0xffffffffu, NULL), -ENOENT);
}

static void test_close_either_end(void **state)
{
	evtchn_port_t p2 = unbound(d2, 1), l = interdomain(d1, 2, p2), l2;

	/* d1 closes: d2's end waits for d1 again. */
	assert_int_equal(close_port(d1, l), 0);
	expect_closed(d1, l);
	assert_false(pending(d1, l));
	expect_unbound(d2, p2, 1);
	assert_int_equal(close_port(d1, l), -EINVAL); /* twice */
	quiesce(d1);
	assert_int_equal(send(d2, p2), 0); /* unbound now: dropped */
	expect_quiet(d1);
	l2 = interdomain(d1, 2, p2);
	expect_pair(d2, p2, 1, l2);
	quiesce(d1);
	assert_int_equal(send(d2, p2), 0);
	expect_delivered(d1, l2, 0);
	/* d2 closes: d1's end waits for d2. */
	quiesce(d1);
	d2->shared_info->evtchn_pending[0] = (xen_ulong_t)1 << p2;
	assert_int_equal(close_port(d2, p2), 0);
	expect_closed(d2, p2);
	assert_false(pending(d2, p2));
	expect_unbound(d1, l2, 2);
	assert_int_equal(send(d1, l2), 0);
	expect_quiet(d2);
	/* Another domain cannot close d1's port by number. */
	assert_int_equal(close_port(d2, l2), -EINVAL);
	expect_unbound(d1, l2, 2);
}

/* ---- VIRQs ---- */

static void test_bind_virq(void **state)
{
	evtchn_port_t t0 = virq(d1, VIRQ_TIMER, 0), t1 = virq(d1, VIRQ_TIMER, 1), g;
	struct evtchn_status s;

	assert_int_not_equal(t0, t1);
	assert_int_equal(try_virq(d1, VIRQ_TIMER, 0, NULL), -EEXIST);
	assert_int_equal(try_virq(d1, NR_VIRQS, 0, NULL), -EINVAL);
	assert_int_equal(try_virq(d1, 0xffffffffu, 0, NULL), -EINVAL);
	assert_int_equal(try_virq(d1, VIRQ_DEBUG, 2, NULL), -ENOENT);
	assert_int_equal(try_virq(d1, VIRQ_DEBUG, 0x80000000u, NULL), -ENOENT);
	assert_int_equal(try_virq(d1, VIRQ_DOM_EXC, 1, NULL), -EINVAL); /* global: vCPU 0 only */
	assert_int_equal(try_virq(d1, VIRQ_DOM_EXC, 99, NULL), -EINVAL);
	assert_int_equal(try_virq(d1, 5, 1, NULL), -EINVAL); /* unnamed numbers are global */
	assert_int_equal(try_virq(d1, VIRQ_ARCH_0, 1, NULL), -EINVAL); /* global on x86 */
	assert_int_equal(try_virq(d1, VIRQ_XENPMU, 1, NULL), 0);       /* per-vCPU */
	g = virq(d1, VIRQ_DOM_EXC, 0);
	assert_int_equal(try_virq(d1, VIRQ_DOM_EXC, 0, NULL), -EEXIST);
	s = status(d1, t1);
	assert_int_equal(s.status, EVTCHNSTAT_virq);
	assert_int_equal(s.u.virq, VIRQ_TIMER);
	assert_int_equal(s.vcpu, 1);
	assert_int_equal(status(d1, g).u.virq, VIRQ_DOM_EXC);
	assert_int_equal(close_port(d1, t1), 0);
	assert_int_equal(virq(d1, VIRQ_TIMER, 1), t1); /* bindable again, same lowest port */
	assert_int_equal(try_virq(d2, VIRQ_TIMER, 0, NULL), 0); /* d1's bindings are d1's */
	expect_quiet(d1);
}

static void test_send_virq(void **state)
{
	evtchn_port_t t1 = virq(d1, VIRQ_TIMER, 1), g = virq(d1, VIRQ_CONSOLE, 0);

	evtchn_send_virq(V(d1, 1), VIRQ_TIMER);
	expect_delivered(d1, t1, 1);
	quiesce(d1);
	evtchn_send_virq(V(d1, 0), VIRQ_TIMER); /* vCPU 0's timer is not bound */
	evtchn_send_virq(V(d1, 1), VIRQ_DEBUG);
	evtchn_send_virq(V(d2, 1), VIRQ_TIMER);
	expect_quiet(d1);
	expect_quiet(d2);
	assert_int_equal(host_evtchn_kicks, 0);
	/* A global VIRQ follows bind_vcpu, whichever vCPU raises it. */
	assert_int_equal(bind_vcpu(d1, g, 1), 0);
	evtchn_send_global_virq(d1, VIRQ_CONSOLE);
	expect_delivered(d1, g, 1);
	quiesce(d1);
	evtchn_send_virq(V(d1, 0), VIRQ_CONSOLE);
	expect_delivered(d1, g, 1);
	assert_true(evtchn_port_pending(d1, g));
	assert_false(evtchn_port_pending(d1, t1));
	assert_false(evtchn_port_pending(d1, 4096));
	/* Keel's own mistakes are bugs, not guest errors. */
	assert_true(HOST_PANICS(evtchn_send_virq(V(d1, 0), NR_VIRQS)));
	assert_true(HOST_PANICS(evtchn_send_global_virq(d1, VIRQ_TIMER)));
	assert_true(evtchn_virq_is_global(VIRQ_DOM_EXC));
	assert_false(evtchn_virq_is_global(VIRQ_XENOPROF));
}

static void test_bind_vcpu_rules(void **state)
{
	evtchn_port_t u = unbound(d1, 2), p2 = unbound(d2, 1), l = interdomain(d1, 2, p2);
	evtchn_port_t g = virq(d1, VIRQ_DOM_EXC, 0), t = virq(d1, VIRQ_TIMER, 0), ipi;

	assert_int_equal(try_ipi(d1, 0, &ipi), 0);
	assert_int_equal(bind_vcpu(d1, u, 1), 0);
	assert_int_equal(status(d1, u).vcpu, 1);
	assert_int_equal(bind_vcpu(d1, l, 1), 0);
	assert_int_equal(bind_vcpu(d1, g, 1), 0);
	assert_int_equal(status(d1, g).vcpu, 1);
	assert_int_equal(bind_vcpu(d1, t, 1), -EINVAL); /* per-vCPU VIRQ: fixed */
	assert_int_equal(bind_vcpu(d1, ipi, 1), -EINVAL);
	assert_int_equal(status(d1, t).vcpu, 0);
	assert_int_equal(status(d1, ipi).vcpu, 0);
	assert_int_equal(bind_vcpu(d1, 300, 1), -EINVAL);
	assert_int_equal(bind_vcpu(d1, EVTCHN_DEFAULT_MAX_PORT + 1, 1), -EINVAL);
	assert_int_equal(bind_vcpu(d1, u, 2), -ENOENT);
	assert_int_equal(bind_vcpu(d1, u, 0xffffffffu), -ENOENT);
	quiesce(d1);
	assert_int_equal(send(d2, p2), 0);
	expect_delivered(d1, l, 1);
	/* A freed port's vCPU goes back to 0. */
	assert_int_equal(close_port(d1, u), 0);
	assert_int_equal(unbound(d1, 2), u);
	assert_int_equal(status(d1, u).vcpu, 0);
}

/* ---- unmask, status, reset ---- */

static void test_unmask(void **state)
{
	evtchn_port_t p2 = unbound(d2, 1), l = interdomain(d1, 2, p2);

	quiesce(d2);
	set_mask(d2, p2, true);
	assert_int_equal(send(d1, l), 0);
	assert_true(pending(d2, p2));
	assert_int_equal(upcall(d2, 0), 0);
	assert_int_equal(unmask(d2, p2), 0); /* the swallowed edge comes back */
	assert_false(masked(d2, p2));
	expect_delivered(d2, p2, 0);
	/* Not masked: unmask does nothing (the edge was delivered already). */
	d2->shared_info->vcpu_info[0].evtchn_pending_sel = 0;
	d2->shared_info->vcpu_info[0].evtchn_upcall_pending = 0;
	reset_kicks();
	assert_int_equal(unmask(d2, p2), 0);
	assert_int_equal(sel(d2, 0), 0);
	assert_int_equal(host_evtchn_kicks, 0);
	/* Masked but not pending: only the mask goes. */
	quiesce(d2);
	set_mask(d2, p2, true);
	assert_int_equal(unmask(d2, p2), 0);
	assert_false(masked(d2, p2));
	expect_quiet(d2);
	/* Masked, pending, selector already set: no second upcall. */
	set_mask(d2, p2, true);
	d2->shared_info->evtchn_pending[0] = (xen_ulong_t)1 << p2;
	d2->shared_info->vcpu_info[0].evtchn_pending_sel = 1;
	assert_int_equal(unmask(d2, p2), 0);
	assert_int_equal(upcall(d2, 0), 0);
	assert_int_equal(host_evtchn_kicks, 0);
	/* Follows the port's vCPU. */
	quiesce(d2);
	assert_int_equal(bind_vcpu(d2, p2, 1), 0);
	set_mask(d2, p2, true);
	d2->shared_info->evtchn_pending[0] = (xen_ulong_t)1 << p2;
	assert_int_equal(unmask(d2, p2), 0);
	expect_delivered(d2, p2, 1);
	assert_int_equal(unmask(d2, EVTCHN_DEFAULT_MAX_PORT + 1), -EINVAL);
	assert_int_equal(unmask(d2, 0xffffffffu), -EINVAL);
}

static void test_status_privilege(void **state)
{
	evtchn_port_t p2 = unbound(d2, 1);
	struct evtchn_status s;

	assert_int_equal(try_status(d1, 2, p2, &s), -EPERM);
	assert_int_equal(try_status(d1, 77, 1, &s), -ESRCH);
	assert_int_equal(try_status(d0, 2, p2, &s), 0);
	assert_int_equal(s.status, EVTCHNSTAT_unbound);
	assert_int_equal(s.u.unbound.dom, 1);
	assert_int_equal(s.dom, 2); /* the IN fields come back as given */
	assert_int_equal(s.port, p2);
	assert_int_equal(try_status(d0, 2, 9, &s), 0);
	assert_int_equal(s.status, EVTCHNSTAT_closed);
	assert_int_equal(s.u.virq, 0); /* no stale bytes */
	assert_int_equal(try_status(d0, 2, EVTCHN_DEFAULT_MAX_PORT + 1, &s), -EINVAL);
	assert_int_equal(try_status(d2, 2, p2, &s), 0); /* its own id is DOMID_SELF */
	assert_int_equal(try_status(d1, DOMID_SELF, 0xffffffffu, &s), -EINVAL);
}

static void test_reset(void **state)
{
	evtchn_port_t p2 = unbound(d2, 1), mine = unbound(d1, 2), l = interdomain(d1, 2, p2);
	evtchn_port_t t = virq(d1, VIRQ_TIMER, 1);
	struct evtchn_reset r = {.dom = DOMID_SELF};

	assert_int_equal(try_ipi(d1, 1, NULL), 0);
	assert_int_equal(interdomain(d2, 1, mine), 2);
	assert_int_equal(evop(d1, EVTCHNOP_reset, &r), 0);
	for (evtchn_port_t p = 0; p <= 5; p++)
		expect_closed(d1, p);
	expect_unbound(d2, p2, 1);
	expect_unbound(d2, 2, 1);
	assert_int_equal(virq(d1, VIRQ_TIMER, 1), 1); /* the VIRQ table was cleared too */
	(void)l;
	(void)t;
	/* Another domain's: privileged, and only while it is paused (created paused). */
	r.dom = 2;
	assert_int_equal(evop(d1, EVTCHNOP_reset, &r), -EPERM);
	expect_unbound(d2, p2, 1);
	r.dom = 77;
	assert_int_equal(evop(d0, EVTCHNOP_reset, &r), -ESRCH);
	r.dom = 2;
	assert_int_equal(domain_unpause(d2), 0);
	assert_int_equal(evop(d0, EVTCHNOP_reset, &r), -EINVAL);
	expect_unbound(d2, p2, 1);
	assert_int_equal(domain_pause(d2), 0);
	assert_int_equal(evop(d0, EVTCHNOP_reset, &r), 0);
	expect_closed(d2, p2);
	expect_closed(d2, 2);
}

/* ---- lifecycle ---- */

static void test_destroy_closes_remote_ends(void **state)
{
	evtchn_port_t p2 = unbound(d2, 1), l = interdomain(d1, 2, p2);
	evtchn_port_t m = unbound(d1, 2), l2 = interdomain(d2, 1, m);
	evtchn_port_t p0 = unbound(d0, 1), l0 = interdomain(d1, 0, p0);
	struct evtchn_status s;

	virq(d1, VIRQ_TIMER, 1);
	virq(d1, VIRQ_DOM_EXC, 0);
	assert_int_equal(try_ipi(d1, 1, NULL), 0);
	unbound(d1, 0);
	(void)l;
	(void)l0;
	assert_int_equal(evtchn_ports_in_use(d1), 7);
	assert_int_equal(evtchn_ports_in_use(d2), 2);
	evtchn_domain_destroy(d1);
	assert_int_equal(evtchn_ports_in_use(d1), 0); /* the counter behind the 'q' debug key */
	expect_unbound(d2, p2, 1);
	expect_unbound(d2, l2, 1);
	expect_unbound(d0, p0, 1);
	quiesce(d1);
	assert_int_equal(send(d2, p2), 0); /* goes nowhere now */
	expect_quiet(d1);
	/* Every operation naming d1 fails; nothing crashes. */
	assert_int_equal(try_unbound(d1, DOMID_SELF, 2, NULL), -ESRCH);
	assert_int_equal(try_unbound(d0, 1, 0, NULL), -ESRCH);
	assert_int_equal(try_ipi(d1, 0, NULL), -ESRCH);
	assert_int_equal(try_virq(d1, VIRQ_DEBUG, 0, NULL), -ESRCH);
	assert_int_equal(try_interdomain(d2, 1, m, NULL), -EINVAL);
	assert_int_equal(try_interdomain(d1, 2, p2, NULL), -ESRCH);
	assert_int_equal(try_status(d1, DOMID_SELF, 1, &s), -EINVAL);
	assert_int_equal(try_status(d0, 1, 1, &s), -EINVAL);
	assert_int_equal(send(d1, 1), -EINVAL);
	assert_int_equal(close_port(d1, 1), -EINVAL);
	assert_int_equal(unmask(d1, 1), -EINVAL);
	assert_int_equal(bind_vcpu(d1, 1, 0), -EINVAL);
	evtchn_send_virq(V(d1, 1), VIRQ_TIMER);
	expect_quiet(d1);
	evtchn_domain_destroy(d1); /* twice: harmless */
	assert_int_equal(domain_destroy(d1), 0);
	d1 = NULL;
	/* d2 can give its port to someone else. */
	assert_int_equal(bind_vcpu(d2, p2, 1), 0);
	assert_int_equal(close_port(d2, p2), 0);
}

static void test_domain_without_table(void **state)
{
	struct domain *d3 = new_dom(3, 0, 1, false);
	struct evtchn_status s;

	assert_int_equal(evtchn_ports_in_use(d3), 0);
	assert_int_equal(try_unbound(d3, DOMID_SELF, 0, NULL), -ESRCH);
	assert_int_equal(try_unbound(d0, 3, 0, NULL), -ESRCH);
	assert_int_equal(try_ipi(d3, 0, NULL), -ESRCH);
	assert_int_equal(try_status(d3, DOMID_SELF, 0, &s), -EINVAL);
	assert_int_equal(send(d3, 1), -EINVAL);
	evtchn_send_virq(V(d3, 0), VIRQ_TIMER);
	kill(&d3);
}

/* ---- delivery details ---- */

static void test_blocked_vcpus_woken(void **state)
{
	evtchn_port_t p2 = unbound(d2, 1), l = interdomain(d1, 2, p2);

	assert_int_equal(vcpu_up(V(d2, 1)), 0);
	assert_int_equal(vcpu_block(V(d2, 1)), 0); /* e.g. in SCHEDOP_poll */
	quiesce(d2);
	set_mask(d2, p2, true); /* pollers wait on masked ports */
	assert_int_equal(send(d1, l), 0);
	assert_int_equal(host_evtchn_kicks, 1);
	assert_ptr_equal(host_evtchn_kicked[0], V(d2, 1));
	assert_int_equal(upcall(d2, 0), 0);
	/* Still pending: nothing new, nobody kicked. */
	reset_kicks();
	assert_int_equal(send(d1, l), 0);
	assert_int_equal(host_evtchn_kicks, 0);
	/* Unmasked: the notified vCPU for its upcall, and the blocked one. */
	quiesce(d2);
	set_mask(d2, p2, false);
	assert_int_equal(send(d1, l), 0);
	assert_int_equal(host_evtchn_kicks, 2);
	assert_int_equal(host_evtchn_kicks_of(V(d2, 0)), 1);
	assert_int_equal(host_evtchn_kicks_of(V(d2, 1)), 1);
	/* The blocked vCPU is the notified one: one kick. */
	quiesce(d2);
	assert_int_equal(bind_vcpu(d2, p2, 1), 0);
	assert_int_equal(send(d1, l), 0);
	assert_int_equal(host_evtchn_kicks, 1);
	assert_int_equal(host_evtchn_kicks_of(V(d2, 1)), 1);
	assert_int_equal(kicks_checked, 1); /* the callback saw the last one, locks dropped */
}

static void test_vcpu_without_vcpu_info(void **state)
{
	struct domain *d3 = new_dom(3, 0, XEN_LEGACY_MAX_VCPUS + 1, true);
	evtchn_port_t ipi;

	assert_null(V(d3, XEN_LEGACY_MAX_VCPUS)->vcpu_info);
	assert_int_equal(try_ipi(d3, XEN_LEGACY_MAX_VCPUS, &ipi), 0);
	assert_int_equal(send(d3, ipi), 0);
	assert_true(pending(d3, ipi)); /* the bit is set; no vcpu_info to raise */
	assert_int_equal(host_evtchn_kicks, 0);
	kill(&d3);
}

/* ---- the hypercall's edges ---- */

static void test_unoffered_and_unknown_ops(void **state)
{
	struct evtchn_init_control ic = {0};
	struct evtchn_expand_array ea = {0};
	struct evtchn_set_priority sp = {.port = unbound(d1, 2), .priority = 7};
	struct evtchn_bind_pirq bp = {.pirq = 1, .port = 0xdead};
	uint64_t junk[4] = {0};

	assert_int_equal(evop(d1, EVTCHNOP_init_control, &ic), -ENOSYS);
	assert_int_equal(evop(d1, EVTCHNOP_expand_array, &ea), -ENOSYS);
	assert_int_equal(evop(d1, EVTCHNOP_set_priority, &sp), -ENOSYS);
	sp.port = EVTCHN_DEFAULT_MAX_PORT + 1;
	assert_int_equal(evop(d1, EVTCHNOP_set_priority, &sp), -EINVAL);
	assert_int_equal(evop(d0, EVTCHNOP_bind_pirq, &bp), -EPERM);
	/* Out of the domain's range: -EINVAL first, as Xen. */
	bp.pirq = 100000;
	assert_int_equal(evop(d0, EVTCHNOP_bind_pirq, &bp), -EINVAL);
	bp.pirq = 0xffffffffu;
	assert_int_equal(evop(d0, EVTCHNOP_bind_pirq, &bp), -EINVAL);
	bp.pirq = 1;
	assert_int_equal(bp.port, 0xdead);
	assert_int_equal(evop(d1, 14, junk), -ENOSYS); /* EVTCHNOP_reset_cont is Xen-internal */
	assert_int_equal(evop(d1, 99, junk), -ENOSYS);
	assert_int_equal(evop(d1, -1, junk), -ENOSYS);
	assert_int_equal(evop(d1, 0x7fffffff, NULL), -ENOSYS);
}

static void test_bad_guest_pointers(void **state)
{
#define C(name)                                                                                    \
	{                                                                                          \
		EVTCHNOP_##name, sizeof(struct evtchn_##name)                                      \
	}
	static const struct {
		int cmd;
		size_t size;
	} cmds[] = {
	    C(bind_interdomain),
	    C(bind_virq),
	    C(bind_pirq),
	    C(close),
	    C(send),
	    C(status),
	    C(alloc_unbound),
	    C(bind_ipi),
	    C(bind_vcpu),
	    C(unmask),
	    C(reset),
	    C(init_control),
	    C(expand_array),
	    C(set_priority),
	};
#undef C
	static uint8_t buf[64];

	for (unsigned int i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		memset(buf, 0, sizeof(buf));
		assert_int_equal(do_event_channel_op(V(d1, 0), cmds[i].cmd, 0), -EFAULT);
		assert_int_equal(do_event_channel_op(V(d1, 0), cmds[i].cmd, ~0ull - 1), -EFAULT);
		/* Only the struct's last byte faults. */
		host_guest_fault_range((uint64_t)(uintptr_t)buf + cmds[i].size - 1, 1);
		assert_int_equal(evop(d1, cmds[i].cmd, buf), -EFAULT);
		host_guest_fault_range(0, 0);
	}
	/* None of them did anything. */
	for (evtchn_port_t p = 0; p < 4; p++)
		expect_closed(d1, p);
	expect_quiet(d1);
	assert_int_equal(host_evtchn_kicks, 0);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_alloc_unbound_lowest_first),
	    T(test_alloc_unbound_for_another_domain),
	    T(test_port_zero_reserved),
	    T(test_ports_run_out),
	    T(test_port_limits),
	    T(test_bind_interdomain),
	    T(test_bind_interdomain_refused),
	    T(test_loopback),
	    T(test_send_interdomain_bits),
	    T(test_send_each_kind),
	    T(test_close_either_end),
	    T(test_bind_virq),
	    T(test_send_virq),
	    T(test_bind_vcpu_rules),
	    T(test_unmask),
	    T(test_status_privilege),
	    T(test_reset),
	    T(test_destroy_closes_remote_ends),
	    T(test_domain_without_table),
	    T(test_blocked_vcpus_woken),
	    T(test_vcpu_without_vcpu_info),
	    T(test_unoffered_and_unknown_ops),
	    T(test_bad_guest_pointers),
	};

	return cmocka_run_group_tests_name("event_channel", tests, NULL, NULL);
}
