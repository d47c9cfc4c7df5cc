/*
 * tests/pv/twodom/peer.c - the domU of the two-domain test, started by
 * the toolstack kernel (toolstack.c) through domctl.  It answers pings on
 * its store event channel, grants two pages to dom0 (one writable, one
 * read-only), checks what dom0 did with them, copies a page dom0 granted
 * it, and tries what it must not be allowed to.  It reports through the
 * mailbox (mailbox.h) and its shutdown reason: poweroff if every test
 * passed, crash otherwise (the harness's rule), which dom0 reads with
 * getdomaininfo.  Its console lines show on Keel ("(d1) ..."); Xen
 * release builds drop a domU's console_io.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/event_channel.h>
#include <xen/grant_table.h>
#include <xen/memory.h>

#include "lib/errno.h"
#include "lib/string.h"
#include "tests/pv/events.h"
#include "tests/pv/harness.h"
#include "tests/pv/mm.h"
#include "tests/pv/twodom/ctl.h"
#include "tests/pv/twodom/grants.h"
#include "tests/pv/twodom/mailbox.h"

#define SEC	     1000000000ULL
#define RW_REF	     10
#define RO_REF	     11
#define BAD_REF	     5000 /* past the table dom0 set up (one frame: 512 entries) */

static struct twodom_mailbox *mb;
static evtchn_port_t port;
static grant_entry_v1_t *gt;
static uint8_t *rw_page, *ro_page;

static void announce(enum twodom_stage s)
{
	mb->failed_line = pv_first_failed_line;
	mb->stage = s;
	ev_send(port);
}

/* Waits for the toolstack to write at least want into *field. */
static bool wait_for(volatile uint32_t *field, uint32_t want)
{
	for (int i = 0; i < 20 && *field < want; i++)
		ev_wait(port, SEC);
	return *field >= want;
}

static bool all_bytes(const uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

TEST(peer, start_of_day)
{
	const start_info_t *si = pv_start_info;

	EXPECT_EQ(si->flags & (SIF_INITDOMAIN | SIF_PRIVILEGED), 0);
	ASSERT_NE(si->store_mfn, 0);
	ASSERT_NE(si->store_evtchn, 0);
	EXPECT_NE(si->console.domU.mfn, 0);
	EXPECT_NE(si->console.domU.evtchn, 0);
	mb = pfn_to_virt(mfn_to_pfn(si->store_mfn));
	if (!mb)
		pv_fatal("the store page is not in the bootstrap mapping");
	port = si->store_evtchn;
	mb->magic = TWODOM_MAGIC;
	announce(STAGE_READY);
}

/* Everything the control domain may do is refused to us (invariant: only the control domain). */
TEST(peer, no_control_interface)
{
	struct xen_domctl d = { .cmd = XEN_DOMCTL_getdomaininfo, .domain = 0 };
	struct xen_sysctl s = { .cmd = XEN_SYSCTL_physinfo };
	struct evtchn_alloc_unbound a = { .dom = 0, .remote_dom = DOMID_SELF };

	xen_pfn_t pfn = 0;
	struct xen_memory_reservation r = { .nr_extents = 1, .domid = 0 };
	struct mmu_update mu = { .ptr = mm_entry_maddr((unsigned long)mm_alloc_page(), 1),
				 .val = 0 };
	void *va = mm_alloc_page();

	EXPECT_EQ(hyp_domctl(&d), -EPERM);
	EXPECT_EQ(hyp_sysctl(&s), -EPERM);
	EXPECT_EQ(evtchn_op(EVTCHNOP_alloc_unbound, &a), -EPERM);
	/* Foreign memory: dom0's reservation, a mapping of dom0's frame. */
	set_xen_guest_handle(r.extent_start, &pfn);
	/* Xen 4.17 answers "0 extents done" here, not an error: nothing is given either way. */
	EXPECT_TRUE(hyp_memory_op(XENMEM_populate_physmap, &r) <= 0);
	EXPECT_TRUE(hyp_memory_op(XENMEM_increase_reservation, &r) <= 0);
	EXPECT_EQ(hyp_update_va_mapping_otherdomain((unsigned long)va,
						    pv_start_info->store_mfn << 12 | PTE_P | PTE_RW,
						    UVMF_INVLPG | UVMF_LOCAL, 0),
		  -EPERM);
	EXPECT_EQ(hyp_mmu_update(&mu, 1, NULL, 0), -EPERM);
}

TEST(peer, ping_pong)
{
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
	uint8_t *dst = mm_alloc_page();
	struct gnttab_copy c;

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

TEST(peer, done)
{
	announce(STAGE_DONE);
}
