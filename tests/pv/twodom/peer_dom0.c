/*
 * tests/pv/twodom/peer_dom0.c - the peer as dom0's partner (role
 * "peer"): answers pings on its store channel, grants two pages to dom0
 * (one writable, one read-only), checks what dom0 did with them, copies
 * a page dom0 granted it, and tries what it must not be allowed to.
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

#define RW_REF	10
#define RO_REF	11
#define BAD_REF 5000 /* past the table dom0 set up (one frame: 512 entries) */

static grant_entry_v1_t *gt;
static uint8_t *rw_page, *ro_page;

TEST(peer, ping_pong)
{
	if (role != ROLE_DOM0_PARTNER)
		return;
	for (unsigned int i = 0; i < TWODOM_PINGS; i++) {
		ASSERT_TRUE(wait_for(&mb->pings, i + 1));
		mb->pongs = i + 1;
		EXPECT_EQ(ev_send(port), 0);
	}
	mb->stage = STAGE_PONGED;
}

TEST(peer, grant_pages_to_dom0)
{
	long rc;

	if (role != ROLE_DOM0_PARTNER)
		return;
	gt = grant_table_map(&rc);
	ASSERT_EQ(rc, 0);
	rw_page = mm_alloc_page();
	ro_page = mm_alloc_page();
	memset(rw_page, PEER_PATTERN, PV_PAGE_SIZE);
	memset(ro_page, PEER_RO_PATTERN, PV_PAGE_SIZE);
	grant_offer(gt, RW_REF, 0, rw_page, false);
	grant_offer(gt, RO_REF, 0, ro_page, true);
	mb->rw_gref = RW_REF;
	mb->ro_gref = RO_REF;
	announce(STAGE_GRANTED);

	/* dom0 maps both, writes through the writable one, unmaps, tells us. */
	ASSERT_TRUE(wait_for(&mb->request, REQ_CHECK_GRANTS));
	mb->seen_write = all_bytes(rw_page, PV_PAGE_SIZE, TOOLSTACK_PATTERN);
	mb->flags_clear = !(gt[RW_REF].flags & (GTF_reading | GTF_writing)) &&
			  !(gt[RO_REF].flags & (GTF_reading | GTF_writing));
	EXPECT_TRUE(mb->seen_write);
	EXPECT_TRUE(mb->flags_clear);
	EXPECT_TRUE(all_bytes(ro_page, PV_PAGE_SIZE, PEER_RO_PATTERN));
	EXPECT_TRUE(grant_end(gt, RW_REF));
	EXPECT_TRUE(grant_end(gt, RO_REF));
	announce(STAGE_CHECKED);
}

TEST(peer, copy_from_dom0)
{
	uint8_t *dst;
	struct gnttab_copy c;

	if (role != ROLE_DOM0_PARTNER)
		return;
	dst = mm_alloc_page();
	ASSERT_TRUE(wait_for(&mb->request, REQ_COPY)); /* dom0 published ts_gref */

	c = (struct gnttab_copy){
		.source = { .u.ref = mb->ts_gref, .domid = 0, .offset = 0 },
		.dest = { .u.gmfn = virt_to_mfn(dst), .domid = DOMID_SELF, .offset = 0 },
		.len = PV_PAGE_SIZE,
		.flags = GNTCOPY_source_gref,
	};
	EXPECT_EQ(hyp_grant_table_op(GNTTABOP_copy, &c, 1), 0);
	mb->copy_status = c.status;
	mb->copy_ok = all_bytes(dst, PV_PAGE_SIZE, TOOLSTACK_PATTERN);
	EXPECT_EQ(c.status, GNTST_okay);
	EXPECT_TRUE(mb->copy_ok);

	/* Writing into a page granted read-only. */
	c = (struct gnttab_copy){
		.source = { .u.gmfn = virt_to_mfn(dst), .domid = DOMID_SELF, .offset = 0 },
		.dest = { .u.ref = mb->ts_gref, .domid = 0, .offset = 0 },
		.len = 16,
		.flags = GNTCOPY_dest_gref,
	};
	EXPECT_EQ(hyp_grant_table_op(GNTTABOP_copy, &c, 1), 0);
	mb->bad_copy_status = c.status;
	EXPECT_NE(c.status, GNTST_okay);

	/* A ref past dom0's table. */
	c = (struct gnttab_copy){
		.source = { .u.ref = BAD_REF, .domid = 0, .offset = 0 },
		.dest = { .u.gmfn = virt_to_mfn(dst), .domid = DOMID_SELF, .offset = 0 },
		.len = 16,
		.flags = GNTCOPY_source_gref,
	};
	EXPECT_EQ(hyp_grant_table_op(GNTTABOP_copy, &c, 1), 0);
	mb->bad_ref_status = c.status;
	EXPECT_EQ(c.status, GNTST_bad_gntref);
	announce(STAGE_COPIED);
}
