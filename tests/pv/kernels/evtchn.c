/*
 * tests/pv/kernels/evtchn.c - event channels, 2-level ABI
 * (xen/event_channel.h, the bitmaps of xen/xen.h's shared_info and
 * vcpu_info): alloc_unbound, bind_interdomain (loopback to our own unbound
 * ports), bind_virq, bind_ipi, bind_vcpu, send, close, status, unmask,
 * set_priority, reset, running out of ports; hostile ports, vCPUs, VIRQs,
 * domain ids, pointers and commands.
 *
 * Events stay masked (vcpu_info.evtchn_upcall_mask = 1, as pv_main leaves
 * it), so no upcall is ever taken: the tests look at the bits instead
 * (shared_info.evtchn_pending/evtchn_mask, vcpu_info.evtchn_pending_sel and
 * evtchn_upcall_pending).  Every test closes the ports it made, so each
 * starts with every port closed and "lowest free port first" gives port 1.
 * dom0 has one vCPU (run-on-xen.sh, QEMU -smp 1): vCPU 1 does not exist.
 *
 * Left out on purpose: EVTCHNOP_init_control and EVTCHNOP_expand_array.
 * Xen 4.17 offers the FIFO ABI (init_control with a good control block
 * switches the domain to it; expand_array before that is an error), Keel
 * deliberately does not (-ENOSYS, guests fall back to 2-level), so the
 * answers differ by design.
 *
 * Where Xen 4.17 does something one would not guess, a comment says
 * "Xen 4.17": Keel must do the same.
 */
#include <stdint.h>

#include <xen/xen.h>
#include <xen/event_channel.h>

#include "tests/pv/events.h"
#include "tests/pv/harness.h"
#include "guests/lib/hypercall.h"
#include "tests/pv/mm.h"

#define BAD_PTR ((void *)HYPERVISOR_VIRT_START)

#define NO_SUCH_DOMID 0x1234 /* no such domain exists */
#define HUGE_PORT     0x7fffffffU

/* -------------------------------------------------------------------------- */

/*
 * alloc_unbound hands out the lowest free port, never port 0; a closed port
 * is handed out again.  remote_dom may be DOMID_SELF or our own id (0).
 */
TEST(alloc_unbound, lowest_free_port)
{
	long a, b, c, d;

	a = alloc_unbound(DOMID_SELF, DOMID_SELF);
	b = alloc_unbound(DOMID_SELF, 0);
	c = alloc_unbound(0, DOMID_SELF);
	pv_printf("alloc_unbound: ports %ld %ld %ld\n", a, b, c);
	EXPECT_EQ(a, 1);
	EXPECT_EQ(b, 2);
	EXPECT_EQ(c, 3);
	EXPECT_EQ(ev_close(2), 0);
	d = alloc_unbound(DOMID_SELF, DOMID_SELF);
	EXPECT_EQ(d, 2);
	EXPECT_EQ(ev_close(1), 0);
	EXPECT_EQ(ev_close(2), 0);
	EXPECT_EQ(ev_close(3), 0);
}

/*
 * Xen 4.17: the remote domain of an unbound port need not exist (it is only
 * recorded); the local one must (-ESRCH).
 */
TEST(alloc_unbound, domains)
{
	struct evtchn_status s;
	long p;

	EXPECT_EQ(alloc_unbound(NO_SUCH_DOMID, DOMID_SELF), -XEN_ESRCH);
	EXPECT_EQ(alloc_unbound(DOMID_IDLE, DOMID_SELF), -XEN_ESRCH);
	p = alloc_unbound(DOMID_SELF, NO_SUCH_DOMID);
	pv_printf("alloc_unbound(remote_dom %#x): %ld\n", NO_SUCH_DOMID, p);
	ASSERT_EQ(p, 1);
	EXPECT_EQ(ev_status(DOMID_SELF, p, &s), 0);
	EXPECT_EQ(s.status, EVTCHNSTAT_unbound);
	EXPECT_EQ(s.u.unbound.dom, NO_SUCH_DOMID);
	EXPECT_EQ(ev_close(p), 0);
	p = alloc_unbound(DOMID_SELF, DOMID_XEN);
	EXPECT_EQ(p, 1);
	EXPECT_EQ(ev_close(p), 0);
}

/* -------------------------------------------------------------------------- */

/*
 * A loopback channel: bind_interdomain to our own unbound port.  Both ends
 * report interdomain, each naming the other; Xen 4.17 sets the new local
 * end pending (notifications sent to the unbound end were dropped), not
 * the remote end.  A send from either end sets the other end pending.
 */
TEST(interdomain, loopback)
{
	struct evtchn_status s;
	long u, l;

	u = alloc_unbound(DOMID_SELF, DOMID_SELF);
	ASSERT_EQ(u, 1);
	port_mask(1);
	port_mask(2);
	port_clear(1);
	port_clear(2);
	l = bind_interdomain(DOMID_SELF, u);
	ASSERT_EQ(l, 2);
	pv_printf("after bind_interdomain: pending local %d remote %d\n", port_pending(l),
		  port_pending(u));
	EXPECT_TRUE(port_pending(l));
	EXPECT_TRUE(!port_pending(u));

	EXPECT_EQ(ev_status(DOMID_SELF, u, &s), 0);
	EXPECT_EQ(s.status, EVTCHNSTAT_interdomain);
	EXPECT_EQ(s.vcpu, 0);
	EXPECT_EQ(s.u.interdomain.dom, 0);
	EXPECT_EQ(s.u.interdomain.port, l);
	EXPECT_EQ(ev_status(0, l, &s), 0);
	EXPECT_EQ(s.status, EVTCHNSTAT_interdomain);
	EXPECT_EQ(s.u.interdomain.dom, 0);
	EXPECT_EQ(s.u.interdomain.port, u);

	port_clear(l);
	EXPECT_EQ(ev_send(l), 0);
	EXPECT_TRUE(port_pending(u));
	EXPECT_TRUE(!port_pending(l));
	port_clear(u);
	EXPECT_EQ(ev_send(u), 0);
	EXPECT_TRUE(port_pending(l));
	EXPECT_TRUE(!port_pending(u));

	/* Closing one end leaves the other unbound, waiting for us again. */
	EXPECT_EQ(ev_close(l), 0);
	EXPECT_TRUE(!port_pending(l));
	EXPECT_EQ(ev_status(DOMID_SELF, l, &s), 0);
	EXPECT_EQ(s.status, EVTCHNSTAT_closed);
	EXPECT_EQ(ev_status(DOMID_SELF, u, &s), 0);
	EXPECT_EQ(s.status, EVTCHNSTAT_unbound);
	EXPECT_EQ(s.u.unbound.dom, 0);
	/* ... and can be bound again. */
	l = bind_interdomain(0, u);
	EXPECT_EQ(l, 2);
	EXPECT_EQ(ev_close(u), 0);
	EXPECT_EQ(ev_status(DOMID_SELF, l, &s), 0);
	EXPECT_EQ(s.status, EVTCHNSTAT_unbound);
	EXPECT_EQ(ev_close(l), 0);
	port_clear(1);
	port_clear(2);
}

/*
 * bind_interdomain errors: no such remote domain (-ESRCH), a remote port
 * that is closed, port 0, huge, not unbound, or unbound for another domain
 * (-EINVAL).  No port is used up by a failure.
 */
TEST(interdomain, bad_remote)
{
	long ipi, other, p;

	ipi = bind_ipi(0);
	ASSERT_EQ(ipi, 1);
	other = alloc_unbound(DOMID_SELF, NO_SUCH_DOMID);
	ASSERT_EQ(other, 2);
	EXPECT_EQ(bind_interdomain(NO_SUCH_DOMID, 1), -XEN_ESRCH);
	EXPECT_EQ(bind_interdomain(DOMID_XEN, 1), -XEN_ESRCH);
	EXPECT_EQ(bind_interdomain(DOMID_SELF, 0), -XEN_EINVAL);
	EXPECT_EQ(bind_interdomain(DOMID_SELF, 3), -XEN_EINVAL);
	EXPECT_EQ(bind_interdomain(DOMID_SELF, 4095), -XEN_EINVAL);
	EXPECT_EQ(bind_interdomain(DOMID_SELF, 4096), -XEN_EINVAL);
	EXPECT_EQ(bind_interdomain(DOMID_SELF, HUGE_PORT), -XEN_EINVAL);
	EXPECT_EQ(bind_interdomain(DOMID_SELF, ipi), -XEN_EINVAL);
	EXPECT_EQ(bind_interdomain(DOMID_SELF, other), -XEN_EINVAL);
	p = alloc_unbound(DOMID_SELF, DOMID_SELF);
	EXPECT_EQ(p, 3);
	EXPECT_EQ(ev_close(ipi), 0);
	EXPECT_EQ(ev_close(other), 0);
	EXPECT_EQ(ev_close(p), 0);
}

/* -------------------------------------------------------------------------- */

/*
 * send: an IPI sets its own port pending; an unbound port swallows it (0,
 * nothing pending); a closed, never allocated, port 0, huge port or a VIRQ
 * port is -EINVAL.
 */
TEST(send, kinds)
{
	long ipi, u, v;

	ipi = bind_ipi(0);
	ASSERT_EQ(ipi, 1);
	port_mask(ipi);
	port_clear(ipi);
	EXPECT_EQ(ev_send(ipi), 0);
	EXPECT_TRUE(port_pending(ipi));
	port_clear(ipi);

	u = alloc_unbound(DOMID_SELF, DOMID_SELF);
	ASSERT_EQ(u, 2);
	port_clear(u);
	EXPECT_EQ(ev_send(u), 0);
	EXPECT_TRUE(!port_pending(u));

	v = bind_virq(VIRQ_DEBUG, 0);
	ASSERT_EQ(v, 3);
	EXPECT_EQ(ev_send(v), -XEN_EINVAL);

	EXPECT_EQ(ev_send(0), -XEN_EINVAL);
	EXPECT_EQ(ev_send(4), -XEN_EINVAL);
	EXPECT_EQ(ev_send(63), -XEN_EINVAL);
	EXPECT_EQ(ev_send(4095), -XEN_EINVAL);
	EXPECT_EQ(ev_send(4096), -XEN_EINVAL);
	EXPECT_EQ(ev_send(HUGE_PORT), -XEN_EINVAL);
	EXPECT_EQ(ev_send(~0U), -XEN_EINVAL);

	EXPECT_EQ(ev_close(ipi), 0);
	EXPECT_EQ(ev_send(ipi), -XEN_EINVAL);
	EXPECT_EQ(ev_close(u), 0);
	EXPECT_EQ(ev_close(v), 0);
	port_clear(1);
}

/* -------------------------------------------------------------------------- */

/*
 * bind_virq: VIRQ_TIMER on vCPU 0; twice -EEXIST; again after a close.
 * virq >= NR_VIRQS -EINVAL; per-vCPU VIRQ on a missing vCPU -ENOENT;
 * Xen 4.17: a global VIRQ on any vCPU but 0 is -EINVAL (checked before the
 * vCPU exists).
 */
TEST(bind_virq, rules)
{
	struct evtchn_status s;
	long t, d, c, x;

	t = bind_virq(VIRQ_TIMER, 0);
	ASSERT_EQ(t, 1);
	EXPECT_EQ(bind_virq(VIRQ_TIMER, 0), -XEN_EEXIST);
	EXPECT_EQ(ev_status(DOMID_SELF, t, &s), 0);
	EXPECT_EQ(s.status, EVTCHNSTAT_virq);
	EXPECT_EQ(s.vcpu, 0);
	EXPECT_EQ(s.u.virq, VIRQ_TIMER);
	EXPECT_EQ(ev_close(t), 0);
	EXPECT_EQ(ev_close(t), -XEN_EINVAL);
	t = bind_virq(VIRQ_TIMER, 0);
	EXPECT_EQ(t, 1);

	EXPECT_EQ(bind_virq(NR_VIRQS, 0), -XEN_EINVAL);
	EXPECT_EQ(bind_virq(NR_VIRQS + 1, 0), -XEN_EINVAL);
	EXPECT_EQ(bind_virq(0x7fffffff, 0), -XEN_EINVAL);
	EXPECT_EQ(bind_virq(~0U, 0), -XEN_EINVAL);

	EXPECT_EQ(bind_virq(VIRQ_TIMER, 1), -XEN_ENOENT);
	EXPECT_EQ(bind_virq(VIRQ_DEBUG, 1), -XEN_ENOENT);
	EXPECT_EQ(bind_virq(VIRQ_DEBUG, ~0U), -XEN_ENOENT);
	EXPECT_EQ(bind_virq(VIRQ_CONSOLE, 1), -XEN_EINVAL);
	EXPECT_EQ(bind_virq(VIRQ_DOM_EXC, 1), -XEN_EINVAL);
	EXPECT_EQ(bind_virq(VIRQ_DOM_EXC, ~0U), -XEN_EINVAL);
	EXPECT_EQ(bind_virq(VIRQ_XENOPROF, 1), -XEN_ENOENT);
	EXPECT_EQ(bind_virq(VIRQ_XENPMU, 1), -XEN_ENOENT);
	EXPECT_EQ(bind_virq(VIRQ_TBUF, 1), -XEN_EINVAL);
	EXPECT_EQ(bind_virq(VIRQ_ARCH_0, 1), -XEN_EINVAL); /* x86: every arch VIRQ is global */
	EXPECT_EQ(bind_virq(14, 1), -XEN_EINVAL);	    /* unassigned numbers count as global */

	d = bind_virq(VIRQ_DEBUG, 0);
	EXPECT_EQ(d, 2);
	c = bind_virq(VIRQ_DOM_EXC, 0);
	EXPECT_EQ(c, 3);
	EXPECT_EQ(bind_virq(VIRQ_DOM_EXC, 0), -XEN_EEXIST);
	x = bind_virq(VIRQ_CONSOLE, 0);
	pv_printf("bind_virq(VIRQ_CONSOLE, 0): %ld\n", x);
	EXPECT_EQ(x, 4);
	EXPECT_EQ(ev_status(DOMID_SELF, c, &s), 0);
	EXPECT_EQ(s.status, EVTCHNSTAT_virq);
	EXPECT_EQ(s.vcpu, 0);
	EXPECT_EQ(s.u.virq, VIRQ_DOM_EXC);

	EXPECT_EQ(ev_close(t), 0);
	EXPECT_EQ(ev_close(d), 0);
	EXPECT_EQ(ev_close(c), 0);
	EXPECT_EQ(ev_close(x), 0);
	for (unsigned int p = 1; p <= 4; p++)
		port_clear(p);
}

/* bind_ipi: vCPU 0 fine, any other -ENOENT; status ipi, vcpu 0. */
TEST(bind_ipi, rules)
{
	struct evtchn_status s;
	long p;

	EXPECT_EQ(bind_ipi(1), -XEN_ENOENT);
	EXPECT_EQ(bind_ipi(128), -XEN_ENOENT);
	EXPECT_EQ(bind_ipi(~0U), -XEN_ENOENT);
	p = bind_ipi(0);
	ASSERT_EQ(p, 1);
	EXPECT_EQ(ev_status(DOMID_SELF, p, &s), 0);
	EXPECT_EQ(s.status, EVTCHNSTAT_ipi);
	EXPECT_EQ(s.vcpu, 0);
	EXPECT_EQ(ev_close(p), 0);
	EXPECT_EQ(ev_close(p), -XEN_EINVAL);
}

/* -------------------------------------------------------------------------- */

/*
 * close: each kind once (0), then again -EINVAL; port 0, never allocated
 * and huge ports -EINVAL.  A closed port's pending bit is cleared.
 */
TEST(close, each_kind)
{
	long p[5];

	p[0] = alloc_unbound(DOMID_SELF, DOMID_SELF);
	p[1] = bind_interdomain(DOMID_SELF, p[0]);
	p[2] = bind_virq(VIRQ_DEBUG, 0);
	p[3] = bind_ipi(0);
	p[4] = alloc_unbound(DOMID_SELF, DOMID_SELF);
	for (unsigned int i = 0; i < 5; i++)
		ASSERT_EQ(p[i], i + 1);
	port_mask(p[3]);
	EXPECT_EQ(ev_send(p[3]), 0);
	EXPECT_TRUE(port_pending(p[3]));
	EXPECT_EQ(ev_close(p[3]), 0);
	EXPECT_TRUE(!port_pending(p[3]));
	EXPECT_TRUE(port_masked(p[3])); /* the mask is the guest's: left alone */
	port_unmask_local(p[3]);
	EXPECT_EQ(ev_close(p[3]), -XEN_EINVAL);
	for (unsigned int i = 0; i < 5; i++) {
		if (i == 3)
			continue;
		if (!EXPECT_EQ(ev_close(p[i]), 0))
			pv_printf("  port %ld\n", p[i]);
		EXPECT_EQ(ev_close(p[i]), -XEN_EINVAL);
	}
	EXPECT_EQ(ev_close(0), -XEN_EINVAL);
	EXPECT_EQ(ev_close(6), -XEN_EINVAL);
	EXPECT_EQ(ev_close(4096), -XEN_EINVAL);
	EXPECT_EQ(ev_close(HUGE_PORT), -XEN_EINVAL);
	EXPECT_EQ(ev_close(~0U), -XEN_EINVAL);
	for (unsigned int i = 1; i <= 5; i++)
		port_clear(i);
}

/* -------------------------------------------------------------------------- */

/*
 * status: port 0 and a closed port are EVTCHNSTAT_closed; a huge port
 * -EINVAL; dom may be DOMID_SELF or our id; no such domain (also
 * DOMID_XEN, DOMID_IO, DOMID_IDLE) -ESRCH.
 *
 * Not tested: ports never handed out yet past the first 64.  Xen 4.17
 * grows a domain's port table 64 ports at a time as ports are allocated
 * (and never shrinks it), and treats ports past it as invalid: at boot,
 * status and unmask of port 64..4095 are -EINVAL (port 63: closed / 0),
 * after port 64 has once been in use they are closed / 0.  Keel accepts
 * every port below 4096 from the start.  A Xen implementation detail, not
 * the ABI: left out (close, send and bind_vcpu of such ports are -EINVAL
 * on both).
 */
TEST(status, closed_and_domains)
{
	struct evtchn_status s;
	long u;

	EXPECT_EQ(ev_status(DOMID_SELF, 0, &s), 0);
	EXPECT_EQ(s.status, EVTCHNSTAT_closed);
	EXPECT_EQ(ev_status(DOMID_SELF, 1, &s), 0);
	EXPECT_EQ(s.status, EVTCHNSTAT_closed);
	EXPECT_EQ(ev_status(DOMID_SELF, 4096, &s), -XEN_EINVAL);
	EXPECT_EQ(ev_status(DOMID_SELF, HUGE_PORT, &s), -XEN_EINVAL);
	EXPECT_EQ(ev_status(DOMID_SELF, ~0U, &s), -XEN_EINVAL);
	EXPECT_EQ(ev_status(NO_SUCH_DOMID, 1, &s), -XEN_ESRCH);
	EXPECT_EQ(ev_status(NO_SUCH_DOMID, HUGE_PORT, &s), -XEN_ESRCH);
	EXPECT_EQ(ev_status(DOMID_XEN, 1, &s), -XEN_ESRCH);
	EXPECT_EQ(ev_status(DOMID_IO, 1, &s), -XEN_ESRCH);
	EXPECT_EQ(ev_status(DOMID_IDLE, 1, &s), -XEN_ESRCH);

	u = alloc_unbound(DOMID_SELF, 0);
	ASSERT_EQ(u, 1);
	EXPECT_EQ(ev_status(0, u, &s), 0);
	EXPECT_EQ(s.status, EVTCHNSTAT_unbound);
	EXPECT_EQ(s.vcpu, 0);
	EXPECT_EQ(s.u.unbound.dom, 0);
	EXPECT_EQ(ev_close(u), 0);
	EXPECT_EQ(ev_status(0, u, &s), 0);
	EXPECT_EQ(s.status, EVTCHNSTAT_closed);
}

/* -------------------------------------------------------------------------- */

/*
 * bind_vcpu: an unbound or interdomain port and a global VIRQ may go to
 * vCPU 0; an IPI or a per-vCPU VIRQ cannot move (-EINVAL, even to its own
 * vCPU); a closed port -EINVAL; Xen 4.17 looks up the vCPU first: a
 * missing vCPU is -ENOENT whatever the port.
 */
TEST(bind_vcpu, rules)
{
	long u, l, ipi, t, g;

	u = alloc_unbound(DOMID_SELF, DOMID_SELF);
	ASSERT_EQ(u, 1);
	l = bind_interdomain(DOMID_SELF, u);
	ASSERT_EQ(l, 2);
	ipi = bind_ipi(0);
	ASSERT_EQ(ipi, 3);
	t = bind_virq(VIRQ_DEBUG, 0);
	ASSERT_EQ(t, 4);
	g = bind_virq(VIRQ_DOM_EXC, 0);
	ASSERT_EQ(g, 5);
	EXPECT_EQ(alloc_unbound(DOMID_SELF, DOMID_SELF), 6);

	EXPECT_EQ(bind_vcpu(u, 0), 0);
	EXPECT_EQ(bind_vcpu(l, 0), 0);
	EXPECT_EQ(bind_vcpu(6, 0), 0);
	EXPECT_EQ(bind_vcpu(g, 0), 0);
	EXPECT_EQ(bind_vcpu(ipi, 0), -XEN_EINVAL);
	EXPECT_EQ(bind_vcpu(t, 0), -XEN_EINVAL);
	EXPECT_EQ(bind_vcpu(0, 0), -XEN_EINVAL);
	EXPECT_EQ(bind_vcpu(7, 0), -XEN_EINVAL);
	EXPECT_EQ(bind_vcpu(HUGE_PORT, 0), -XEN_EINVAL);

	for (long p = 0; p <= 7; p++) {
		if (!EXPECT_EQ(bind_vcpu(p, 1), -XEN_ENOENT))
			pv_printf("  port %ld\n", p);
	}
	EXPECT_EQ(bind_vcpu(HUGE_PORT, 1), -XEN_ENOENT);
	EXPECT_EQ(bind_vcpu(u, ~0U), -XEN_ENOENT);

	for (long p = 1; p <= 6; p++) {
		EXPECT_EQ(ev_close(p), 0);
		port_clear(p);
	}
}

/* -------------------------------------------------------------------------- */

/*
 * unmask re-raises: a send to a masked port sets only its pending bit;
 * EVTCHNOP_unmask then sets the selector bit and evtchn_upcall_pending (no
 * upcall: events stay masked for the vCPU).  A send to an unmasked port
 * does all three at once.  unmask of port 0 or a closed port is 0; of a
 * huge port -EINVAL.
 */
TEST(unmask, reraises)
{
	long p;

	p = bind_ipi(0);
	ASSERT_EQ(p, 1);
	ASSERT_EQ(pv_vcpu0->evtchn_upcall_mask, 1);
	port_mask(p);
	port_clear(p);
	clear_vcpu_events();

	EXPECT_EQ(ev_send(p), 0);
	EXPECT_TRUE(port_pending(p));
	EXPECT_EQ(pv_vcpu0->evtchn_pending_sel, 0);
	EXPECT_EQ(pv_vcpu0->evtchn_upcall_pending, 0);

	EXPECT_EQ(ev_unmask(p), 0);
	EXPECT_TRUE(!port_masked(p));
	EXPECT_TRUE(port_pending(p));
	EXPECT_EQ(pv_vcpu0->evtchn_pending_sel, PORT_BIT(PORT_WORD(p)));
	EXPECT_EQ(pv_vcpu0->evtchn_upcall_pending, 1);

	/* unmask of a port that is not pending: nothing. */
	port_clear(p);
	clear_vcpu_events();
	port_mask(p);
	EXPECT_EQ(ev_unmask(p), 0);
	EXPECT_TRUE(!port_masked(p));
	EXPECT_EQ(pv_vcpu0->evtchn_pending_sel, 0);
	EXPECT_EQ(pv_vcpu0->evtchn_upcall_pending, 0);

	/* Unmasked: the send itself marks the selector and the vCPU. */
	EXPECT_EQ(ev_send(p), 0);
	EXPECT_TRUE(port_pending(p));
	EXPECT_EQ(pv_vcpu0->evtchn_pending_sel, PORT_BIT(PORT_WORD(p)));
	EXPECT_EQ(pv_vcpu0->evtchn_upcall_pending, 1);

	/* A second send while pending changes nothing. */
	clear_vcpu_events();
	EXPECT_EQ(ev_send(p), 0);
	EXPECT_EQ(pv_vcpu0->evtchn_pending_sel, 0);
	EXPECT_EQ(pv_vcpu0->evtchn_upcall_pending, 0);

	port_clear(p);
	clear_vcpu_events();
	EXPECT_EQ(ev_close(p), 0);

	EXPECT_EQ(ev_unmask(0), 0);
	EXPECT_EQ(ev_unmask(2), 0);
	EXPECT_EQ(ev_unmask(HUGE_PORT), -XEN_EINVAL);
	EXPECT_EQ(ev_unmask(~0U), -XEN_EINVAL);
	EXPECT_EQ(pv_vcpu0->evtchn_pending_sel, 0);
	EXPECT_EQ(pv_vcpu0->evtchn_upcall_pending, 0);
}

/* -------------------------------------------------------------------------- */

/*
 * set_priority is FIFO only: Xen 4.17 on the 2-level ABI checks the port
 * (-EINVAL), then says -ENOSYS.
 */
TEST(set_priority, two_level)
{
	struct evtchn_set_priority sp = {.port = 0, .priority = EVTCHN_FIFO_PRIORITY_DEFAULT};
	long p = bind_ipi(0);

	ASSERT_EQ(p, 1);
	sp.port = p;
	EXPECT_EQ(evtchn_op(EVTCHNOP_set_priority, &sp), -XEN_ENOSYS);
	sp.port = HUGE_PORT;
	EXPECT_EQ(evtchn_op(EVTCHNOP_set_priority, &sp), -XEN_EINVAL);
	EXPECT_EQ(ev_close(p), 0);
}

/* -------------------------------------------------------------------------- */

/*
 * EVTCHNOP_reset of DOMID_SELF closes every port of every kind, and the
 * lowest free port is 1 again; no such domain -ESRCH.
 */
TEST(reset, self)
{
	struct evtchn_reset r = {.dom = DOMID_SELF};
	struct evtchn_status s;
	long p[5];

	p[0] = alloc_unbound(DOMID_SELF, DOMID_SELF);
	p[1] = bind_interdomain(DOMID_SELF, p[0]);
	p[2] = bind_virq(VIRQ_TIMER, 0);
	p[3] = bind_ipi(0);
	p[4] = bind_virq(VIRQ_DOM_EXC, 0);
	for (unsigned int i = 0; i < 5; i++)
		EXPECT_EQ(p[i], i + 1);
	EXPECT_EQ(evtchn_op(EVTCHNOP_reset, &r), 0);
	for (unsigned int i = 0; i < 5; i++) {
		EXPECT_EQ(ev_status(DOMID_SELF, i + 1, &s), 0);
		if (!EXPECT_EQ(s.status, EVTCHNSTAT_closed))
			pv_printf("  port %u\n", i + 1);
		EXPECT_EQ(ev_close(i + 1), -XEN_EINVAL);
	}
	/* VIRQs can be bound again. */
	EXPECT_EQ(bind_virq(VIRQ_TIMER, 0), 1);
	EXPECT_EQ(bind_virq(VIRQ_DOM_EXC, 0), 2);
	r.dom = 0;
	EXPECT_EQ(evtchn_op(EVTCHNOP_reset, &r), 0);
	EXPECT_EQ(ev_status(DOMID_SELF, 1, &s), 0);
	EXPECT_EQ(s.status, EVTCHNSTAT_closed);
	r.dom = NO_SUCH_DOMID;
	EXPECT_EQ(evtchn_op(EVTCHNOP_reset, &r), -XEN_ESRCH);
	for (unsigned int i = 1; i <= 5; i++)
		port_clear(i);
	clear_vcpu_events();
}

/* -------------------------------------------------------------------------- */

/*
 * bind_pirq: dom0 here owns no physical IRQ, so a pirq in range is -EPERM;
 * Xen 4.17 first checks the pirq against the domain's pirq count: one out
 * of range (or negative as an int) is -EINVAL.
 */
TEST(bind_pirq, rules)
{
	struct evtchn_bind_pirq b = {.pirq = 1, .flags = 0};
	struct evtchn_status s;

	EXPECT_EQ(evtchn_op(EVTCHNOP_bind_pirq, &b), -XEN_EPERM);
	b.pirq = 100000;
	EXPECT_EQ(evtchn_op(EVTCHNOP_bind_pirq, &b), -XEN_EINVAL);
	b.pirq = ~0U;
	EXPECT_EQ(evtchn_op(EVTCHNOP_bind_pirq, &b), -XEN_EINVAL);
	EXPECT_EQ(ev_status(DOMID_SELF, 1, &s), 0);
	EXPECT_EQ(s.status, EVTCHNSTAT_closed);
}

/* -------------------------------------------------------------------------- */

/* Bad pointers: -EFAULT for every op that reads an argument; unknown cmd -ENOSYS. */
TEST(hostile, pointers_and_cmds)
{
	static const int cmds[] = {
	    EVTCHNOP_bind_interdomain, EVTCHNOP_bind_virq, EVTCHNOP_close,
	    EVTCHNOP_send,	       EVTCHNOP_status,	   EVTCHNOP_alloc_unbound,
	    EVTCHNOP_bind_ipi,	       EVTCHNOP_bind_vcpu, EVTCHNOP_unmask,
	    EVTCHNOP_reset,	       EVTCHNOP_set_priority, EVTCHNOP_bind_pirq,
	};
	struct evtchn_status s;

	for (unsigned int i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		bool ok = EXPECT_EQ(evtchn_op(cmds[i], BAD_PTR), -XEN_EFAULT);

		ok &= EXPECT_EQ(evtchn_op(cmds[i], NULL), -XEN_EFAULT);
		if (!ok)
			pv_printf("  cmd %d\n", cmds[i]);
	}
	EXPECT_EQ(evtchn_op(15, NULL), -XEN_ENOSYS);
	EXPECT_EQ(evtchn_op(99, NULL), -XEN_ENOSYS);
	EXPECT_EQ(evtchn_op(-1, NULL), -XEN_ENOSYS);
	EXPECT_EQ(evtchn_op(0x7fffffff, BAD_PTR), -XEN_ENOSYS);
	/* Nothing was left behind. */
	EXPECT_EQ(ev_status(DOMID_SELF, 1, &s), 0);
	EXPECT_EQ(s.status, EVTCHNSTAT_closed);
}

/* -------------------------------------------------------------------------- */

/*
 * Running out: unbound ports until -ENOSPC.  The 2-level ABI has 4096
 * ports (64 words of 64 bits) and port 0 is never handed out, so dom0 gets
 * 4095; every kind of bind fails alike then.  All closed afterwards.
 */
TEST(exhaust, enospc)
{
	unsigned long n = 0;
	long p = 0, last = 0;
	struct evtchn_status s;

	while (n < 8192) {
		p = alloc_unbound(DOMID_SELF, DOMID_SELF);
		if (p < 0)
			break;
		if (p != last + 1) {
			EXPECT_EQ(p, last + 1);
			break;
		}
		last = p;
		n++;
	}
	pv_printf("alloc_unbound until it fails: %lu ports (last %ld), then %ld\n", n, last, p);
	EXPECT_EQ(p, -XEN_ENOSPC);
	EXPECT_EQ(n, EVTCHN_2L_NR_CHANNELS - 1);
	EXPECT_EQ(bind_ipi(0), -XEN_ENOSPC);
	EXPECT_EQ(bind_virq(VIRQ_TIMER, 0), -XEN_ENOSPC);
	EXPECT_EQ(bind_interdomain(DOMID_SELF, 1), -XEN_ENOSPC);
	EXPECT_EQ(ev_status(DOMID_SELF, 4095, &s), 0);
	EXPECT_EQ(s.status, EVTCHNSTAT_unbound);
	EXPECT_EQ(ev_status(DOMID_SELF, 4096, &s), -XEN_EINVAL);
	EXPECT_EQ(ev_send(4096), -XEN_EINVAL);

	/* One freed port in the middle is the next one handed out. */
	EXPECT_EQ(ev_close(1000), 0);
	EXPECT_EQ(bind_ipi(0), 1000);

	for (long i = 1; i <= last; i++) {
		if (!EXPECT_EQ(ev_close(i), 0)) {
			pv_printf("  port %ld\n", i);
			break;
		}
	}
	for (unsigned int w = 0; w < 64; w++)
		pv_shared_info->evtchn_pending[w] = 0;
	clear_vcpu_events();
	EXPECT_EQ(alloc_unbound(DOMID_SELF, DOMID_SELF), 1);
	EXPECT_EQ(ev_close(1), 0);
}

/*
 * Xen 4.17 grows its port table in buckets as ports are handed out; after
 * the test above every port below 4096 exists, closed: status, unmask and
 * close of them answer as for any closed port.
 */
TEST(exhaust, after)
{
	struct evtchn_status s;

	EXPECT_EQ(ev_status(DOMID_SELF, 4095, &s), 0);
	EXPECT_EQ(s.status, EVTCHNSTAT_closed);
	EXPECT_EQ(ev_unmask(4095), 0);
	EXPECT_EQ(ev_close(4095), -XEN_EINVAL);
	EXPECT_EQ(ev_send(4095), -XEN_EINVAL);
}
