/*
 * tests/pv/twodom/peer_pair.c - two domUs talking to each other without
 * dom0 in the middle (roles "pair-a" and "pair-b").  dom0 only
 * introduces them: it allocates in pair-a an unbound port for pair-b and
 * passes grant references between their mailboxes.  Then:
 *   pair-a grants pair-b a writable page (their own ping-pong page) and a
 *          read-only one, answers pings, and ends the grants once pair-b
 *          has unmapped;
 *   pair-b binds to pair-a's port (EVTCHNOP_bind_interdomain between two
 *          unprivileged domains), maps the ping-pong page, copies the
 *          read-only one, tries to write into it, and pings.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/grant_table.h>

#include "lib/string.h"
#include "tests/pv/events.h"
#include "tests/pv/harness.h"
#include "tests/pv/mm.h"
#include "tests/pv/twodom/ctl.h"
#include "tests/pv/twodom/grants.h"
#include "tests/pv/twodom/mailbox.h"
#include "tests/pv/twodom/peer.h"

#define SHARED_REF 20
#define COPY_REF   21

TEST(pair, side_a)
{
	struct twodom_pair_page *pp;
	uint8_t *copy;
	grant_entry_v1_t *gt;
	evtchn_port_t pa = mb->partner_port;
	domid_t b = (domid_t)mb->partner_domid;
	long rc;

	if (role != ROLE_PAIR_A)
		return;
	gt = grant_table_map(&rc);
	ASSERT_EQ(rc, 0);
	pp = mm_alloc_page();
	copy = mm_alloc_page();
	memset(copy, PAIR_PATTERN, PV_PAGE_SIZE);
	grant_offer(gt, SHARED_REF, b, pp, false);
	grant_offer(gt, COPY_REF, b, copy, true);
	mb->shared_gref = SHARED_REF;
	mb->copy_gref = COPY_REF;
	announce(STAGE_PAIR_GRANTED);

	/* pair-b pings through the page; each ping comes with an event on pa. */
	for (unsigned int i = 0; i < TWODOM_PINGS; i++) {
		ASSERT_TRUE(mailbox_wait(&pp->ping, i + 1, pa));
		pp->pong = i + 1;
		EXPECT_EQ(ev_send(pa), 0);
	}
	/* pair-b unmaps, then tells us once more: only then can the grant end. */
	for (int i = 0; i < 20 && !grant_end(gt, SHARED_REF); i++)
		ev_wait(pa, 1000000000ULL);
	EXPECT_EQ(gt[SHARED_REF].flags, 0);
	EXPECT_TRUE(grant_end(gt, COPY_REF));
	EXPECT_TRUE(all_bytes(copy, PV_PAGE_SIZE, PAIR_PATTERN)); /* read-only held */
}

TEST(pair, side_b)
{
	volatile struct twodom_pair_page *pp;
	uint8_t *dst;
	domid_t a;
	long pb;
	struct gnttab_map_grant_ref m;
	struct gnttab_unmap_grant_ref um;
	struct gnttab_copy c;

	if (role != ROLE_PAIR_B)
		return;
	ASSERT_TRUE(wait_for(&mb->request, REQ_PAIR_GO));
	a = (domid_t)mb->partner_domid;
	pb = bind_interdomain(a, mb->partner_port);
	ASSERT_TRUE(pb > 0);

	pp = mm_alloc_page();
	ASSERT_EQ(mm_set_pte(pp, 0), 0);
	m = (struct gnttab_map_grant_ref){
		.host_addr = (uint64_t)(uintptr_t)pp,
		.flags = GNTMAP_host_map,
		.ref = mb->shared_gref,
		.dom = a,
	};
	ASSERT_EQ(hyp_grant_table_op(GNTTABOP_map_grant_ref, &m, 1), 0);
	ASSERT_EQ(m.status, GNTST_okay);

	dst = mm_alloc_page();
	c = (struct gnttab_copy){
		.source = { .u.ref = mb->copy_gref, .domid = a },
		.dest = { .u.gmfn = virt_to_mfn(dst), .domid = DOMID_SELF },
		.len = PV_PAGE_SIZE,
		.flags = GNTCOPY_source_gref,
	};
	EXPECT_EQ(hyp_grant_table_op(GNTTABOP_copy, &c, 1), 0);
	EXPECT_EQ(c.status, GNTST_okay);
	EXPECT_TRUE(all_bytes(dst, PV_PAGE_SIZE, PAIR_PATTERN));
	/* Into the read-only grant: refused. */
	c = (struct gnttab_copy){
		.source = { .u.gmfn = virt_to_mfn(dst), .domid = DOMID_SELF },
		.dest = { .u.ref = mb->copy_gref, .domid = a },
		.len = 64,
		.flags = GNTCOPY_dest_gref,
	};
	EXPECT_EQ(hyp_grant_table_op(GNTTABOP_copy, &c, 1), 0);
	EXPECT_NE(c.status, GNTST_okay);
	/* A grant meant for pair-b is not dom0's to map... nor ours under another domain's name. */
	c.dest.domid = 0;
	EXPECT_EQ(hyp_grant_table_op(GNTTABOP_copy, &c, 1), 0);
	EXPECT_NE(c.status, GNTST_okay);

	for (unsigned int i = 0; i < TWODOM_PINGS; i++) {
		pp->ping = i + 1;
		EXPECT_EQ(ev_send((evtchn_port_t)pb), 0);
		ASSERT_TRUE(mailbox_wait(&pp->pong, i + 1, (evtchn_port_t)pb));
		mb->pair_pongs = i + 1;
	}

	um = (struct gnttab_unmap_grant_ref){ .host_addr = (uint64_t)(uintptr_t)pp,
					      .handle = m.handle };
	EXPECT_EQ(hyp_grant_table_op(GNTTABOP_unmap_grant_ref, &um, 1), 0);
	EXPECT_EQ(um.status, GNTST_okay);
	EXPECT_EQ(ev_send((evtchn_port_t)pb), 0); /* pair-a may end its grants now */
	EXPECT_EQ(ev_close((evtchn_port_t)pb), 0);
}
