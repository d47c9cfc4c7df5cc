/*
 * hypercalls/event_channel.c - HYPERVISOR_event_channel_op and the
 * 2-level event-channel core (Xen's public xen/event_channel.h; the
 * bitmaps live in xen/xen.h's shared_info and vcpu_info).
 *
 * Owns: each domain's port table (struct evtchn_domain, d->evtchn): one
 * struct chan per port 0 .. max_port, and per vCPU the port each VIRQ is
 * bound to.  The pending and mask bitmaps belong to the guest's
 * shared_info; this file only sets and clears bits there, atomically,
 * exactly as the 2-level ABI says.
 *
 * Ports.  Port 0 is never allocated (it stays "closed" for ever, so no
 * guest mistakes a zeroed variable for a channel).  Allocation takes the
 * lowest free port from 1 to max_port (-ENOSPC past it).  A port is
 * closed, unbound (waiting for one named domain to bind), interdomain
 * (joined to one port of a domain, maybe its own), virq or ipi.  Closing
 * a port clears its pending bit (a re-bound port starts quiet, as on Xen)
 * and its notified vCPU goes back to 0.
 *
 * Delivery (2-level ABI), to make port p of d pending for vCPU v:
 *   set bit p of evtchn_pending; already set -> stop (nothing is new);
 *   bit p of evtchn_mask set -> stop (the guest polls or unmasks later);
 *   set bit p/64 of v's evtchn_pending_sel; already set -> stop (v has
 *     not yet scanned that word, so it will see p);
 *   set v's evtchn_upcall_pending; it was 0 -> kick v.
 * EVTCHNOP_unmask replays the last three steps when it clears a mask bit
 * of a pending port, since the edge was swallowed while masked.
 * Pollers (SCHEDOP_poll) wait for ports, masked ones included, without
 * an upcall: whenever any port of d newly becomes pending, every BLOCKED
 * vCPU of d is kicked too.  That is simpler than Xen's per-vCPU poll
 * masks and never misses a poller; a vCPU in SCHEDOP_block just sees a
 * spurious wake-up, which the ABI allows.
 *
 * Locks.  d->event_lock guards d->evtchn and every field of d's table.
 * An interdomain operation holds both domains' event locks, the lower
 * domid first (lock_pair); both ends of an interdomain channel change
 * only under both locks, so holding either end's lock keeps the other
 * end bound, its domain and table alive (destroy must close that end
 * first), and lets a sender set the remote's bits without the remote's
 * lock (its notified vCPU is read atomically).  While an event lock is
 * held the only other lock taken is the domain-list lock (domain_get,
 * to keep a remote domain alive after unlocking).  d->lock and the
 * scheduler's locks are never taken inside an event lock, and no event
 * lock is taken inside them: the kick hook (which wakes vCPUs under
 * d->lock) runs after every event lock is dropped, from the struct kick
 * the locked part filled in.  Interrupts are not disabled around event
 * locks: nothing here may run in an interrupt handler (evtchn.h).
 *
 * Errors (negative Xen errnos): -EFAULT (guest copy), -ENOSYS (unknown
 * op, or the FIFO ABI), -EINVAL (bad port, state, VIRQ), -ENOENT (no
 * such vCPU), -EEXIST (VIRQ already bound on that vCPU), -ENOSPC (no free
 * port), -ESRCH (no such domain, or it has no table), -EPERM (another
 * domain without privilege; physical IRQs).
 */
#include "hypercalls/evtchn.h"

#include <xen/event_channel.h>
#include <xen/xen.h>

#include "arch/guest_access.h"
#include "arch/spinlock.h"
#include "hypercalls/hypercalls.h"
#include "hypervisor/common/domain.h"
#include "lib/compiler.h"
#include "lib/errno.h"
#include "lib/printk.h"
#include "lib/string.h"
#include "mm/heap.h"

#define WORD_BITS (sizeof(xen_ulong_t) * 8)

BUILD_BUG_ON(EVTCHN_2L_NR_CHANNELS != WORD_BITS * WORD_BITS);

/* One port.  state holds the EVTCHNSTAT_* value EVTCHNOP_status reports. */
struct chan {
	uint8_t state;
	uint8_t virq;		   /* virq: which */
	domid_t remote_domid;	   /* unbound: the domain allowed to bind */
	uint32_t notify_vcpu;	   /* written atomically (a remote sender reads it) */
	evtchn_port_t remote_port; /* interdomain */
	struct domain *remote;	   /* interdomain: the other end's domain */
};

struct evtchn_domain {
	unsigned int max_port;		      /* highest port; chan[] has max_port + 1 entries */
	bool closing;			      /* evtchn_domain_destroy runs: no new ports */
	evtchn_port_t (*virq_port)[NR_VIRQS]; /* per vCPU (global VIRQs: row 0); 0 = unbound */
	struct chan chan[];
};

/* Who to kick once every event lock is dropped (see "Locks" above). */
struct kick {
	struct domain *d;    /* a port of d newly pending: wake d's BLOCKED vCPUs */
	struct vcpu *upcall; /* its evtchn_upcall_pending went 0 -> 1 */
	bool put;	     /* we hold a reference on d for the kick */
};

/* ---- bits in the guest's shared_info and vcpu_info ---- */

static bool bit_test_and_set(xen_ulong_t *w, unsigned int bit)
{
	xen_ulong_t m = (xen_ulong_t)1 << bit;

	return __atomic_fetch_or(w, m, __ATOMIC_SEQ_CST) & m;
}

static bool bit_test_and_clear(xen_ulong_t *w, unsigned int bit)
{
	xen_ulong_t m = (xen_ulong_t)1 << bit;

	return __atomic_fetch_and(w, ~m, __ATOMIC_SEQ_CST) & m;
}

static bool bit_test(const xen_ulong_t *w, unsigned int bit)
{
	return (__atomic_load_n(w, __ATOMIC_SEQ_CST) >> bit) & 1;
}

/* Sets v's selector bit for word; if it was new, raises the upcall flag. */
static void raise_upcall(struct vcpu *v, unsigned int word, struct kick *k)
{
	/* vCPUs past XEN_LEGACY_MAX_VCPUS have no vcpu_info until they register one. */
	if (!v || !v->vcpu_info)
		return;
	if (bit_test_and_set(&v->vcpu_info->evtchn_pending_sel, word))
		return;
	if (__atomic_exchange_n(&v->vcpu_info->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST) == 0)
		k->upcall = v;
}

/*
 * The delivery rule above, for port of d notifying vCPU vcpu_id.  Caller
 * holds d's event lock or the lock of the other end of port's channel.
 */
static void set_pending(struct domain *d, evtchn_port_t port, unsigned int vcpu_id, struct kick *k)
{
	struct shared_info *s = d->shared_info;
	unsigned int w = port / WORD_BITS, b = port % WORD_BITS;

	if (!s || bit_test_and_set(&s->evtchn_pending[w], b))
		return;
	k->d = d; /* pollers wait for masked ports too */
	if (bit_test(&s->evtchn_mask[w], b))
		return;
	raise_upcall(domain_vcpu(d, vcpu_id), w, k);
}

/*
 * Makes sure k->d outlives the unlock when it is not the caller's own
 * domain (which the running caller keeps alive).  Event lock held.
 */
static void kick_hold(struct kick *k, const struct domain *own)
{
	if (!k->d || k->d == own)
		return;
	if (domain_get(k->d)) {
		/* A saturated count: the bits are set; only the prompt wake-up is lost. */
		printk(KLOG_WARNING "evtchn: d%u not kicked (reference count saturated)\n",
		       k->d->domid);
		k->d = NULL;
		k->upcall = NULL;
		return;
	}
	k->put = true;
}

/* Kicks what k names.  No event lock held. */
static void kick_flush(struct kick *k)
{
	if (k->upcall)
		evtchn_kick_vcpu(k->upcall);
	for (unsigned int i = 0; k->d && i < k->d->max_vcpus; i++) {
		struct vcpu *v = k->d->vcpus[i];

		/* A racy read is fine: a vCPU about to block re-checks after blocking. */
		if (v != k->upcall && __atomic_load_n(&v->state, __ATOMIC_SEQ_CST) == VCPU_BLOCKED)
			evtchn_kick_vcpu(v);
	}
	if (k->put)
		domain_put(k->d);
}

/* ---- the port table ---- */

bool evtchn_virq_is_global(unsigned int virq)
{
	switch (virq) {
	case VIRQ_TIMER:
	case VIRQ_DEBUG:
	case VIRQ_XENOPROF:
	case VIRQ_XENPMU:
		return false; /* "V." in xen.h */
	default:
		return true; /* "G.", VIRQ_ARCH_* (global on x86) and unnamed numbers, as Xen */
	}
}

/* d's table if new ports may be made in it, else NULL.  d->event_lock held. */
static struct evtchn_domain *open_table(struct domain *d)
{
	return d->evtchn && !d->evtchn->closing ? d->evtchn : NULL;
}

/*
 * d's channel for port, or NULL (no table, or port past max_port).
 * Caller holds d's event lock or the lock of the channel's other end.
 */
static struct chan *chan_of(struct domain *d, evtchn_port_t port)
{
	struct evtchn_domain *ed = d->evtchn;

	return ed && port <= ed->max_port ? &ed->chan[port] : NULL;
}

/*
 * The lowest free port of d (which stays free until the caller sets its
 * state), -ENOSPC, or -ESRCH if d has no open table.  d->event_lock held.
 */
static long alloc_port(struct domain *d)
{
	struct evtchn_domain *ed = open_table(d);

	if (!ed)
		return -ESRCH;
	for (unsigned int port = 1; port <= ed->max_port; port++)
		if (ed->chan[port].state == EVTCHNSTAT_closed)
			return port;
	return -ENOSPC;
}

static void set_notify(struct chan *c, unsigned int vcpu_id)
{
	__atomic_store_n(&c->notify_vcpu, vcpu_id, __ATOMIC_RELAXED);
}

static unsigned int get_notify(const struct chan *c)
{
	return __atomic_load_n(&c->notify_vcpu, __ATOMIC_RELAXED);
}

/* Takes the event locks of a and b (may be the same), lower domid first. */
static void lock_pair(struct domain *a, struct domain *b)
{
	if (a == b) {
		spin_lock(&a->event_lock);
		return;
	}
	if (a->domid > b->domid) {
		struct domain *t = a;

		a = b;
		b = t;
	}
	spin_lock(&a->event_lock);
	spin_lock(&b->event_lock);
}

static void unlock_pair(struct domain *a, struct domain *b)
{
	if (a != b)
		spin_unlock(&b->event_lock);
	spin_unlock(&a->event_lock);
}

/*
 * Closes port c of d (not closed).  Holds d's event lock and, for an
 * interdomain channel, the remote's too: its end becomes unbound,
 * accepting d again.
 */
static void free_chan(struct domain *d, evtchn_port_t port, struct chan *c)
{
	struct evtchn_domain *ed = d->evtchn;

	if (c->state == EVTCHNSTAT_virq) {
		unsigned int row = evtchn_virq_is_global(c->virq) ? 0 : c->notify_vcpu;

		BUG_ON(ed->virq_port[row][c->virq] != port);
		ed->virq_port[row][c->virq] = 0;
	} else if (c->state == EVTCHNSTAT_interdomain) {
		struct chan *r = chan_of(c->remote, c->remote_port);

		BUG_ON(!r || r->state != EVTCHNSTAT_interdomain || r->remote != d ||
		       r->remote_port != port);
		r->state = EVTCHNSTAT_unbound;
		r->remote_domid = d->domid;
		r->remote = NULL;
		r->remote_port = 0;
	}
	if (d->shared_info)
		bit_test_and_clear(&d->shared_info->evtchn_pending[port / WORD_BITS],
				   port % WORD_BITS);
	c->state = EVTCHNSTAT_closed;
	c->virq = 0;
	c->remote_domid = 0;
	c->remote = NULL;
	c->remote_port = 0;
	set_notify(c, 0);
}

/*
 * EVTCHNOP_close of d's port: 0, or -EINVAL (no such port, or closed).
 * An interdomain end needs the remote's lock, which may come before d's:
 * then d is unlocked (with a reference on the remote, which could
 * otherwise go meanwhile), both are locked in order, and the port is
 * looked at afresh, since it may have changed in between.
 */
static long close_port(struct domain *d, evtchn_port_t port)
{
	struct domain *rd = NULL; /* the remote locked with d, referenced */
	long rc = 0;

	for (;;) {
		struct domain *other = rd ? rd : d, *next;
		struct chan *c;

		lock_pair(d, other);
		c = chan_of(d, port);
		if (!c || c->state == EVTCHNSTAT_closed) {
			rc = -EINVAL;
			break;
		}
		if (c->state != EVTCHNSTAT_interdomain || c->remote == other) {
			free_chan(d, port, c);
			break;
		}
		next = c->remote;
		/* Each reference is held by a live object: 2^32 of them cannot exist. */
		BUG_ON(domain_get(next));
		unlock_pair(d, other);
		if (rd)
			domain_put(rd);
		rd = next;
	}
	unlock_pair(d, rd ? rd : d);
	if (rd)
		domain_put(rd);
	return rc;
}

/* Closes every port of d (EVTCHNOP_reset, destroy). */
static void close_all(struct domain *d)
{
	unsigned int max_port;

	spin_lock(&d->event_lock);
	max_port = d->evtchn ? d->evtchn->max_port : 0;
	spin_unlock(&d->event_lock);
	for (unsigned int port = 1; port <= max_port; port++)
		(void)close_port(d, port);
}

int evtchn_domain_init(struct domain *d, unsigned int max_port)
{
	struct evtchn_domain *ed;
	int rc = 0;

	if (max_port > EVTCHN_2L_MAX_PORT)
		max_port = EVTCHN_2L_MAX_PORT;
	ed = heap_zalloc(sizeof(*ed) + (max_port + 1) * sizeof(ed->chan[0]));
	if (!ed)
		return -ENOMEM;
	ed->virq_port = heap_zalloc(d->max_vcpus * sizeof(*ed->virq_port));
	if (!ed->virq_port) {
		heap_free(ed);
		return -ENOMEM;
	}
	ed->max_port = max_port;
	spin_lock(&d->event_lock);
	if (d->evtchn)
		rc = -EEXIST;
	else
		d->evtchn = ed;
	spin_unlock(&d->event_lock);
	if (rc) {
		heap_free(ed->virq_port);
		heap_free(ed);
	}
	return rc;
}

void evtchn_domain_destroy(struct domain *d)
{
	struct evtchn_domain *ed;

	spin_lock(&d->event_lock);
	ed = d->evtchn;
	if (ed && ed->closing)
		ed = NULL; /* another destroy is at work */
	else if (ed)
		ed->closing = true;
	spin_unlock(&d->event_lock);
	if (!ed)
		return;
	/*
	 * With no new ports, a port can only become bound again if it is
	 * unbound; ports behind the sweep are closed, those ahead are closed
	 * when it gets there.  So afterwards every port is closed.
	 */
	close_all(d);
	spin_lock(&d->event_lock);
	for (unsigned int port = 0; port <= ed->max_port; port++)
		BUG_ON(ed->chan[port].state != EVTCHNSTAT_closed);
	d->evtchn = NULL;
	spin_unlock(&d->event_lock);
	heap_free(ed->virq_port);
	heap_free(ed);
}

void evtchn_send_virq(struct vcpu *v, unsigned int virq)
{
	struct domain *d = v->domain;
	unsigned int row = evtchn_virq_is_global(virq) ? 0 : v->id;
	struct kick k = {0};

	BUG_ON(virq >= NR_VIRQS); /* Keel's callers name VIRQs with xen.h's constants */
	spin_lock(&d->event_lock);
	if (d->evtchn) {
		evtchn_port_t port = d->evtchn->virq_port[row][virq];

		if (port)
			set_pending(d, port, d->evtchn->chan[port].notify_vcpu, &k);
	}
	spin_unlock(&d->event_lock);
	kick_flush(&k);
}

void evtchn_send_global_virq(struct domain *d, unsigned int virq)
{
	BUG_ON(!evtchn_virq_is_global(virq));
	evtchn_send_virq(d->vcpus[0], virq);
}

void evtchn_send_control_virq(unsigned int virq)
{
	struct domain *d0 = domain_lookup(0, NULL);

	if (!d0)
		return;
	evtchn_send_global_virq(d0, virq);
	domain_put(d0);
}

bool evtchn_port_pending(const struct domain *d, evtchn_port_t port)
{
	if (port >= EVTCHN_2L_NR_CHANNELS || !d->shared_info)
		return false;
	return bit_test(&d->shared_info->evtchn_pending[port / WORD_BITS], port % WORD_BITS);
}

unsigned int evtchn_ports_in_use(struct domain *d)
{
	unsigned int n = 0;

	spin_lock(&d->event_lock);
	for (unsigned int p = 1; d->evtchn && p <= d->evtchn->max_port; p++)
		n += d->evtchn->chan[p].state != EVTCHNSTAT_closed;
	spin_unlock(&d->event_lock);
	return n;
}

/* ---- the operations: each takes the calling vCPU and the copied-in struct ---- */

union evtchn_args {
	struct evtchn_alloc_unbound alloc_unbound;
	struct evtchn_bind_interdomain bind_interdomain;
	struct evtchn_bind_virq bind_virq;
	struct evtchn_bind_pirq bind_pirq;
	struct evtchn_bind_ipi bind_ipi;
	struct evtchn_close close;
	struct evtchn_send send;
	struct evtchn_status status;
	struct evtchn_bind_vcpu bind_vcpu;
	struct evtchn_unmask unmask;
	struct evtchn_reset reset;
	struct evtchn_init_control init_control;
	struct evtchn_expand_array expand_array;
	struct evtchn_set_priority set_priority;
};

/*
 * The domain an op names: the caller's own (DOMID_SELF or its id) or, for
 * a privileged caller only, any live other one, with a reference that
 * put_target drops.  -ESRCH: no such domain; -EPERM: not privileged.
 */
static long target_domain(struct domain *cd, domid_t dom, struct domain **d)
{
	int err;

	if (dom == DOMID_SELF || dom == cd->domid) {
		*d = cd;
		return 0;
	}
	*d = domain_lookup(dom, &err);
	if (!*d)
		return err;
	if (!cd->is_privileged) {
		domain_put(*d);
		return -EPERM;
	}
	return 0;
}

static void put_target(struct domain *cd, struct domain *d)
{
	if (d != cd)
		domain_put(d);
}

/* EVTCHNOP_alloc_unbound: a fresh port of dom that remote_dom may bind to. */
static long op_alloc_unbound(struct vcpu *v, union evtchn_args *a)
{
	struct evtchn_alloc_unbound *u = &a->alloc_unbound;
	struct domain *cd = v->domain, *d;
	long rc = target_domain(cd, u->dom, &d);

	if (rc)
		return rc;
	spin_lock(&d->event_lock);
	rc = alloc_port(d);
	if (rc > 0) {
		struct chan *c = &d->evtchn->chan[rc];

		c->state = EVTCHNSTAT_unbound;
		/* DOMID_SELF names the caller, not dom, as on Xen (a toolstack's own end). */
		c->remote_domid = u->remote_dom == DOMID_SELF ? cd->domid : u->remote_dom;
		u->port = (evtchn_port_t)rc;
		rc = 0;
	}
	spin_unlock(&d->event_lock);
	put_target(cd, d);
	return rc;
}

/* EVTCHNOP_bind_interdomain: joins a fresh local port to remote_dom's unbound remote_port. */
static long op_bind_interdomain(struct vcpu *v, union evtchn_args *a)
{
	struct evtchn_bind_interdomain *b = &a->bind_interdomain;
	struct domain *ld = v->domain, *rd = ld;
	domid_t rdom = b->remote_dom == DOMID_SELF ? ld->domid : b->remote_dom;
	struct kick k = {0};
	struct chan *l, *r;
	long port;
	int err;

	if (rdom != ld->domid) {
		rd = domain_lookup(rdom, &err);
		if (!rd)
			return err;
	}
	lock_pair(ld, rd);
	port = alloc_port(ld);
	if (port < 0)
		goto out;
	r = chan_of(rd, b->remote_port);
	if (!r || r->state != EVTCHNSTAT_unbound || r->remote_domid != ld->domid) {
		port = -EINVAL;
		goto out;
	}
	l = &ld->evtchn->chan[port];
	l->state = EVTCHNSTAT_interdomain;
	l->remote = rd;
	l->remote_port = b->remote_port;
	r->state = EVTCHNSTAT_interdomain;
	r->remote = ld;
	r->remote_port = (evtchn_port_t)port;
	/*
	 * Sends to the unbound end were dropped; as Xen, mark the new end
	 * pending so the guest checks its condition once (event_channel.h).
	 */
	set_pending(ld, (evtchn_port_t)port, l->notify_vcpu, &k);
	b->local_port = (evtchn_port_t)port;
out:
	unlock_pair(ld, rd);
	kick_flush(&k);
	put_target(ld, rd);
	return port < 0 ? port : 0;
}

/* EVTCHNOP_bind_virq: a global VIRQ on vCPU 0 only; each VIRQ once per vCPU. */
static long op_bind_virq(struct vcpu *v, union evtchn_args *a)
{
	struct evtchn_bind_virq *b = &a->bind_virq;
	struct domain *d = v->domain;
	struct evtchn_domain *ed;
	long port;

	if (b->virq >= NR_VIRQS)
		return -EINVAL;
	if (evtchn_virq_is_global(b->virq) && b->vcpu != 0)
		return -EINVAL;
	if (!domain_vcpu(d, b->vcpu))
		return -ENOENT;
	spin_lock(&d->event_lock);
	ed = open_table(d);
	if (ed && ed->virq_port[b->vcpu][b->virq])
		port = -EEXIST;
	else
		port = alloc_port(d);
	if (port > 0) {
		struct chan *c = &ed->chan[port];

		c->state = EVTCHNSTAT_virq;
		c->virq = (uint8_t)b->virq;
		set_notify(c, b->vcpu);
		ed->virq_port[b->vcpu][b->virq] = (evtchn_port_t)port;
		b->port = (evtchn_port_t)port;
	}
	spin_unlock(&d->event_lock);
	return port < 0 ? port : 0;
}

/* EVTCHNOP_bind_ipi: a port that notifies vcpu when this domain sends to it. */
static long op_bind_ipi(struct vcpu *v, union evtchn_args *a)
{
	struct evtchn_bind_ipi *b = &a->bind_ipi;
	struct domain *d = v->domain;
	long port;

	if (!domain_vcpu(d, b->vcpu))
		return -ENOENT;
	spin_lock(&d->event_lock);
	port = alloc_port(d);
	if (port > 0) {
		struct chan *c = &d->evtchn->chan[port];

		c->state = EVTCHNSTAT_ipi;
		set_notify(c, b->vcpu);
		b->port = (evtchn_port_t)port;
	}
	spin_unlock(&d->event_lock);
	return port < 0 ? port : 0;
}

/* EVTCHNOP_bind_vcpu: per-vCPU VIRQs and IPIs keep their vCPU (-EINVAL). */
static long op_bind_vcpu(struct vcpu *v, union evtchn_args *a)
{
	struct evtchn_bind_vcpu *b = &a->bind_vcpu;
	struct domain *d = v->domain;
	struct chan *c;
	long rc = 0;

	if (!domain_vcpu(d, b->vcpu))
		return -ENOENT;
	spin_lock(&d->event_lock);
	c = chan_of(d, b->port);
	if (c && (c->state == EVTCHNSTAT_unbound || c->state == EVTCHNSTAT_interdomain ||
		  (c->state == EVTCHNSTAT_virq && evtchn_virq_is_global(c->virq))))
		set_notify(c, b->vcpu);
	else
		rc = -EINVAL;
	spin_unlock(&d->event_lock);
	return rc;
}

static long op_close(struct vcpu *v, union evtchn_args *a)
{
	return close_port(v->domain, a->close.port);
}

/* EVTCHNOP_send: interdomain -> the remote end; ipi -> our own vCPU. */
static long op_send(struct vcpu *v, union evtchn_args *a)
{
	struct domain *ld = v->domain;
	evtchn_port_t port = a->send.port;
	struct kick k = {0};
	struct chan *c;
	long rc = 0;

	spin_lock(&ld->event_lock);
	c = chan_of(ld, port);
	if (!c) {
		rc = -EINVAL;
	} else if (c->state == EVTCHNSTAT_interdomain) {
		/* Our lock keeps the remote end bound and its table alive. */
		struct chan *r = chan_of(c->remote, c->remote_port);

		set_pending(c->remote, c->remote_port, get_notify(r), &k);
	} else if (c->state == EVTCHNSTAT_ipi) {
		set_pending(ld, port, c->notify_vcpu, &k);
	} else if (c->state != EVTCHNSTAT_unbound) {
		rc = -EINVAL; /* closed, virq: only Keel sends those */
	}
	/* unbound: dropped silently, as Xen (binding marks the new end pending). */
	kick_hold(&k, ld);
	spin_unlock(&ld->event_lock);
	kick_flush(&k);
	return rc;
}

/* EVTCHNOP_status: another domain's ports only for a privileged caller. */
static long op_status(struct vcpu *v, union evtchn_args *a)
{
	struct evtchn_status *s = &a->status;
	struct domain *cd = v->domain, *d;
	struct chan *c;
	long rc = target_domain(cd, s->dom, &d);

	if (rc)
		return rc;
	spin_lock(&d->event_lock);
	c = chan_of(d, s->port);
	if (!c) {
		rc = -EINVAL;
	} else {
		s->status = c->state;
		s->vcpu = c->notify_vcpu;
		memset(&s->u, 0, sizeof(s->u)); /* no stale guest bytes in the unused fields */
		if (c->state == EVTCHNSTAT_unbound) {
			s->u.unbound.dom = c->remote_domid;
		} else if (c->state == EVTCHNSTAT_interdomain) {
			s->u.interdomain.dom = c->remote->domid;
			s->u.interdomain.port = c->remote_port;
		} else if (c->state == EVTCHNSTAT_virq) {
			s->u.virq = c->virq;
		}
	}
	spin_unlock(&d->event_lock);
	put_target(cd, d);
	return rc;
}

/* EVTCHNOP_unmask: any port up to max_port (the bits are the guest's). */
static long op_unmask(struct vcpu *v, union evtchn_args *a)
{
	struct domain *d = v->domain;
	evtchn_port_t port = a->unmask.port;
	unsigned int w = port / WORD_BITS, b = port % WORD_BITS;
	struct kick k = {0};
	struct chan *c;
	long rc = 0;

	spin_lock(&d->event_lock);
	c = chan_of(d, port);
	if (!c)
		rc = -EINVAL;
	else if (d->shared_info && bit_test_and_clear(&d->shared_info->evtchn_mask[w], b) &&
		 bit_test(&d->shared_info->evtchn_pending[w], b))
		raise_upcall(domain_vcpu(d, c->notify_vcpu), w, &k);
	spin_unlock(&d->event_lock);
	kick_flush(&k);
	return rc;
}

/*
 * EVTCHNOP_reset: closes every port of dom.  As Xen 4.17, another
 * domain's ports only while it is paused (its vCPUs cannot race the
 * sweep), else -EINVAL.  Not preemptible: at most 4095 short closes.
 */
static long op_reset(struct vcpu *v, union evtchn_args *a)
{
	struct domain *cd = v->domain, *d;
	long rc = target_domain(cd, a->reset.dom, &d);

	if (rc)
		return rc;
	if (d != cd) {
		spin_lock(&d->lock);
		if (!d->pause_count)
			rc = -EINVAL;
		spin_unlock(&d->lock);
	}
	if (!rc)
		close_all(d);
	put_target(cd, d);
	return rc;
}

/* EVTCHNOP_set_priority: FIFO only; on 2-level Xen checks the port, then says -ENOSYS. */
static long op_set_priority(struct vcpu *v, union evtchn_args *a)
{
	struct domain *d = v->domain;
	long rc;

	spin_lock(&d->event_lock);
	rc = chan_of(d, a->set_priority.port) ? -ENOSYS : -EINVAL;
	spin_unlock(&d->event_lock);
	return rc;
}

/* EVTCHNOP_init_control, expand_array: the FIFO ABI is not offered; guests fall back to 2-level. */
static long op_fifo(struct vcpu *v, union evtchn_args *a)
{
	return -ENOSYS;
}

/*
 * Physical IRQ numbers a domain may name (Xen sizes this per domain;
 * Keel gives no domain physical IRQs yet, so only the range matters).
 */
#define EVTCHN_NR_PIRQS 256u

/*
 * EVTCHNOP_bind_pirq: a number outside the domain's range is -EINVAL and
 * one inside it -EPERM (no domain may use physical IRQs yet), in Xen
 * 4.17's order (tests/pv/kernels/evtchn.c).
 */
static long op_bind_pirq(struct vcpu *v, union evtchn_args *a)
{
	if ((int32_t)a->bind_pirq.pirq < 0 || a->bind_pirq.pirq >= EVTCHN_NR_PIRQS)
		return -EINVAL;
	return -EPERM;
}

#define OP(name, fn, out) [EVTCHNOP_##name] = {fn, sizeof(struct evtchn_##name), out}

/* Each op: its worker, the size of its struct (copied in), copied back on success? */
static const struct {
	long (*fn)(struct vcpu *v, union evtchn_args *a);
	size_t size;
	bool out;
} ops[] = {
    OP(bind_interdomain, op_bind_interdomain, true),
    OP(bind_virq, op_bind_virq, true),
    OP(bind_pirq, op_bind_pirq, true),
    OP(close, op_close, false),
    OP(send, op_send, false),
    OP(status, op_status, true),
    OP(alloc_unbound, op_alloc_unbound, true),
    OP(bind_ipi, op_bind_ipi, true),
    OP(bind_vcpu, op_bind_vcpu, false),
    OP(unmask, op_unmask, false),
    OP(reset, op_reset, false),
    OP(init_control, op_fifo, true),
    OP(expand_array, op_fifo, false),
    OP(set_priority, op_set_priority, false),
};

long do_event_channel_op(struct vcpu *v, int cmd, uint64_t arg)
{
	union evtchn_args a;
	long rc;

	if (cmd < 0 || (unsigned int)cmd >= ARRAY_SIZE(ops) || !ops[cmd].fn)
		return -ENOSYS;
	if (copy_from_guest(&a, arg, ops[cmd].size))
		return -EFAULT;
	rc = ops[cmd].fn(v, &a);
	/* On a failed copy-out the port stays bound, as on Xen: undoing it could race the guest. */
	if (rc == 0 && ops[cmd].out && copy_to_guest(arg, &a, ops[cmd].size))
		rc = -EFAULT;
	return rc;
}
