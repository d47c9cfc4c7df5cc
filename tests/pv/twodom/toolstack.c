/*
 * tests/pv/twodom/toolstack.c - the two-domain test, dom0's half: it
 * builds and starts a domU from its boot module (module 2, the peer
 * kernel of peer.c) through domctl, plays an event-channel ping-pong and
 * a grant exchange with it, waits for its shutdown (VIRQ_DOM_EXC),
 * destroys it, and checks that every frame came back.
 *
 * The same kernel pair runs on Xen 4.17 (scripts/run-on-xen.sh --module)
 * and on Keel (tests/system/test_two_domains.py).  Tests run in order and
 * depend on the ones before; the first failure stops the rest from
 * meaning much, so each step ASSERTs what the next one needs.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/event_channel.h>
#include <xen/grant_table.h>

#include "lib/errno.h"
#include "lib/string.h"
#include "tests/pv/events.h"
#include "tests/pv/harness.h"
#include "tests/pv/keel_counters.h"
#include "tests/pv/mm.h"
#include "tests/pv/twodom/ctl.h"
#include "tests/pv/twodom/domu_build.h"
#include "tests/pv/twodom/grants.h"
#include "tests/pv/twodom/mailbox.h"

#define SEC	   1000000000ULL
#define TS_REF	   9
#define BAD_REF	   5000
#define PEER_PAGES 2048

static struct domu u;
static long free_before;
static evtchn_port_t lport, dom_exc_port;
static struct twodom_mailbox *mb;
static uint64_t mb_own_pte;
static grant_entry_v1_t *gt;
static unsigned long counters_before[KEEL_NR_TOTALS]; /* Keel only */
static unsigned long counters_during[KEEL_NR_TOTALS];

/* Waits for the peer to write at least want into *field (it sends an event after each write). */
static bool wait_for(volatile uint32_t *field, uint32_t want)
{
	return mailbox_wait(field, want, lport);
}

static bool wait_stage(enum twodom_stage s)
{
	bool ok = wait_for(&mb->stage, s);

	if (mb->failed_line)
		pv_printf("the peer failed a check at tests/pv/twodom/peer.c:%u\n", mb->failed_line);
	return ok;
}

static void request(enum twodom_request r)
{
	mb->request = r;
	ev_send(lport);
}

/* Map (GNTMAP_host_map) the peer's grant ref at a page of ours whose own mapping we drop first. */
static long map_grant_of(domid_t dom, void *va, grant_ref_t ref, bool ro, grant_handle_t *h)
{
	struct gnttab_map_grant_ref m = {
		.host_addr = (uint64_t)(uintptr_t)va,
		.flags = GNTMAP_host_map | (ro ? GNTMAP_readonly : 0),
		.ref = ref,
		.dom = dom,
	};
	long rc = hyp_grant_table_op(GNTTABOP_map_grant_ref, &m, 1);

	*h = m.handle;
	return rc ? rc : m.status;
}

static long map_grant(void *va, grant_ref_t ref, bool ro, grant_handle_t *h)
{
	return map_grant_of(u.domid, va, ref, ro, h);
}

static long unmap_grant(void *va, grant_handle_t h)
{
	struct gnttab_unmap_grant_ref m = { .host_addr = (uint64_t)(uintptr_t)va, .handle = h };
	long rc = hyp_grant_table_op(GNTTABOP_unmap_grant_ref, &m, 1);

	return rc ? rc : m.status;
}

/*
 * Free memory before the domU exists.  Our own grant table and the
 * bookkeeping of our first grant mapping (Xen's maptrack frame) are
 * allocated first, by mapping a page we grant ourselves, so that what is
 * measured after the destroy is the domU's memory alone.
 */
TEST(toolstack, free_pages_before)
{
	volatile uint8_t *page = mm_alloc_page(), *at = mm_alloc_page();
	grant_handle_t h;
	long rc;

	gt = grant_table_map(&rc);
	ASSERT_EQ(rc, 0);
	grant_offer(gt, TS_REF, 0, (const void *)page, false);
	ASSERT_EQ(mm_set_pte(at, 0), 0);
	EXPECT_EQ(map_grant_of(0, (void *)at, TS_REF, false, &h), GNTST_okay);
	EXPECT_EQ(unmap_grant((void *)at, h), GNTST_okay);
	EXPECT_TRUE(grant_end(gt, TS_REF));

	free_before = host_free_pages();
	EXPECT_TRUE(free_before > PEER_PAGES);
	if (keel_counters_available())
		EXPECT_TRUE(keel_counters_read(counters_before));
	ASSERT_TRUE(pv_start_info->mod_len > 0); /* the peer kernel, module 2 */
}

TEST(toolstack, create)
{
	struct xen_domctl_getdomaininfo di;
	const char *why = "";
	long rc = domu_create(&u, PEER_PAGES, &why);

	if (!EXPECT_EQ(rc, 0))
		pv_fatal(why);
	EXPECT_TRUE(u.domid > 0 && u.domid < DOMID_FIRST_RESERVED);
	ASSERT_EQ(domu_info(u.domid, &di), 0);
	EXPECT_TRUE(di.flags & XEN_DOMINF_paused);
	EXPECT_EQ(di.flags & XEN_DOMINF_shutdown, 0);
	EXPECT_EQ(di.tot_pages, 0);
	EXPECT_EQ(di.max_pages, PEER_PAGES);
	EXPECT_EQ(di.max_vcpu_id, 0);
}

TEST(toolstack, populate)
{
	struct xen_domctl_getdomaininfo di;
	const char *why = "";
	long rc = domu_populate(&u, &why);

	if (!EXPECT_EQ(rc, 0))
		pv_fatal(why);
	ASSERT_EQ(domu_info(u.domid, &di), 0);
	EXPECT_EQ(di.tot_pages, PEER_PAGES);
	EXPECT_TRUE(host_free_pages() <= free_before - PEER_PAGES);
}

TEST(toolstack, build)
{
	const char *why = "";
	long rc = domu_build(&u, (const void *)pv_start_info->mod_start, pv_start_info->mod_len,
			     "peer", &why);

	if (!EXPECT_EQ(rc, 0))
		pv_fatal(why);
}

TEST(toolstack, start)
{
	const char *why = "";
	long rc;

	rc = bind_virq(VIRQ_DOM_EXC, 0);
	ASSERT_TRUE(rc > 0);
	dom_exc_port = rc;
	rc = bind_interdomain(u.domid, u.store_port);
	ASSERT_TRUE(rc > 0);
	lport = rc;
	mb = mm_alloc_page();
	mb_own_pte = mm_pte((unsigned long)mb);
	ASSERT_EQ(map_foreign(mb, u.domid, u.store_mfn), 0);
	rc = domu_start(&u, &why);
	if (!EXPECT_EQ(rc, 0))
		pv_fatal(why);
	ASSERT_TRUE(wait_stage(STAGE_READY));
	EXPECT_EQ(mb->magic, TWODOM_MAGIC);
}

TEST(toolstack, ping_pong)
{
	for (unsigned int i = 0; i < TWODOM_PINGS; i++) {
		mb->pings = i + 1;
		ASSERT_EQ(ev_send(lport), 0);
		ASSERT_TRUE(wait_for(&mb->pongs, i + 1));
		EXPECT_EQ(mb->pongs, i + 1);
	}
}

TEST(toolstack, use_the_peers_grants)
{
	uint8_t *buf = mm_alloc_page();
	volatile uint8_t *rw = mm_alloc_page(), *ro = mm_alloc_page(), *spare = mm_alloc_page();
	grant_handle_t hrw, hro, hbad;
	struct gnttab_copy c;

	ASSERT_TRUE(wait_stage(STAGE_GRANTED));

	/* Copy by grant ref into a frame of ours. */
	c = (struct gnttab_copy){
		.source = { .u.ref = mb->rw_gref, .domid = u.domid },
		.dest = { .u.gmfn = virt_to_mfn(buf), .domid = DOMID_SELF },
		.len = PV_PAGE_SIZE,
		.flags = GNTCOPY_source_gref,
	};
	EXPECT_EQ(hyp_grant_table_op(GNTTABOP_copy, &c, 1), 0);
	EXPECT_EQ(c.status, GNTST_okay);
	EXPECT_TRUE(all_bytes(buf, PV_PAGE_SIZE, PEER_PATTERN));

	ASSERT_EQ(mm_set_pte(rw, 0), 0);
	ASSERT_EQ(mm_set_pte(ro, 0), 0);
	ASSERT_EQ(mm_set_pte(spare, 0), 0);
	ASSERT_EQ(map_grant((void *)rw, mb->rw_gref, false, &hrw), GNTST_okay);
	ASSERT_EQ(map_grant((void *)ro, mb->ro_gref, true, &hro), GNTST_okay);
	EXPECT_TRUE(all_bytes(rw, PV_PAGE_SIZE, PEER_PATTERN));
	EXPECT_TRUE(all_bytes(ro, PV_PAGE_SIZE, PEER_RO_PATTERN));
	memset((void *)rw, TOOLSTACK_PATTERN, PV_PAGE_SIZE);
	if (keel_counters_available())
		EXPECT_TRUE(keel_counters_read(counters_during));

	/* Hostile: the read-only grant mapped writable, a ref out of range. */
	EXPECT_NE(map_grant((void *)spare, mb->ro_gref, false, &hbad), GNTST_okay);
	EXPECT_EQ(map_grant((void *)spare, BAD_REF, true, &hbad), GNTST_bad_gntref);

	EXPECT_EQ(unmap_grant((void *)rw, hrw), GNTST_okay);
	EXPECT_EQ(unmap_grant((void *)ro, hro), GNTST_okay);
	/* A second unmap of the same handle. */
	EXPECT_NE(unmap_grant((void *)ro, hro), GNTST_okay);
	EXPECT_EQ(mm_pte((unsigned long)rw) & PTE_P, 0);

	request(REQ_CHECK_GRANTS);
	ASSERT_TRUE(wait_stage(STAGE_CHECKED));
	EXPECT_TRUE(mb->seen_write);
	EXPECT_TRUE(mb->flags_clear);
}

TEST(toolstack, grant_a_page_to_the_peer)
{
	uint8_t *page = mm_alloc_page();

	ASSERT_TRUE(gt != NULL);
	memset(page, TOOLSTACK_PATTERN, PV_PAGE_SIZE);
	grant_offer(gt, TS_REF, u.domid, page, true);
	mb->ts_gref = TS_REF;
	request(REQ_COPY);
	ASSERT_TRUE(wait_stage(STAGE_COPIED));
	EXPECT_EQ(mb->copy_status, GNTST_okay);
	EXPECT_TRUE(mb->copy_ok);
	EXPECT_NE(mb->bad_copy_status, GNTST_okay);
	EXPECT_EQ(mb->bad_ref_status, GNTST_bad_gntref);
	EXPECT_TRUE(all_bytes(page, PV_PAGE_SIZE, TOOLSTACK_PATTERN)); /* read-only held */
	EXPECT_TRUE(grant_end(gt, TS_REF));
}

TEST(toolstack, peer_shuts_down)
{
	struct xen_domctl_getdomaininfo di;
	bool told = false; /* VIRQ_DOM_EXC arrived */

	ASSERT_TRUE(wait_stage(STAGE_DONE));
	for (int i = 0; i < 10; i++) {
		ASSERT_EQ(domu_info(u.domid, &di), 0);
		if (di.flags & XEN_DOMINF_shutdown)
			break;
		told |= ev_wait(dom_exc_port, SEC);
	}
	EXPECT_TRUE(di.flags & XEN_DOMINF_shutdown);
	/* poweroff: every test of the peer passed; crash: one failed. */
	EXPECT_EQ((di.flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask,
		  SHUTDOWN_poweroff);
	told = told || ev_wait(dom_exc_port, SEC);
	EXPECT_TRUE(told);
}

TEST(toolstack, destroy_releases_everything)
{
	struct xen_domctl_getdomaininfo di;
	struct evtchn_status st;

	/* Our mapping of its store page would keep that frame alive. */
	ASSERT_EQ(mm_set_pte(mb, mb_own_pte), 0);
	ASSERT_EQ(domu_destroy(u.domid), 0);
	EXPECT_EQ(domu_info(u.domid, &di), -ESRCH);
	EXPECT_EQ(domu_destroy(u.domid), -ESRCH);
	/* Our end of the interdomain channel is left unbound, as Xen leaves it. */
	EXPECT_EQ(ev_status(DOMID_SELF, lport, &st), 0);
	EXPECT_EQ(st.status, EVTCHNSTAT_unbound);
	/* Ours to close, as the ports we bound for VIRQ_DOM_EXC. */
	EXPECT_EQ(ev_close(lport), 0);
	EXPECT_EQ(ev_close(dom_exc_port), 0);
	EXPECT_EQ(host_free_pages_back_to(free_before), free_before);

	/*
	 * Keel's own counters: while the peer ran there was one more domain,
	 * its pages, its ports and the channel's end here, and our two grant
	 * mappings; now every one is back where it was.  (Xen's 'q' report is
	 * its own: nothing to read there.)
	 */
	if (keel_counters_available()) {
		unsigned long after[KEEL_NR_TOTALS];

		ASSERT_TRUE(keel_counters_read(after));
		keel_counters_print("before the peer", counters_before);
		keel_counters_print("while it ran", counters_during);
		keel_counters_print("after its destroy", after);
		EXPECT_EQ(counters_during[KEEL_DOMAINS], counters_before[KEEL_DOMAINS] + 1);
		EXPECT_EQ(counters_during[KEEL_DOMAIN_PAGES],
			  counters_before[KEEL_DOMAIN_PAGES] + PEER_PAGES);
		EXPECT_TRUE(counters_during[KEEL_EVENT_CHANNELS] >
			    counters_before[KEEL_EVENT_CHANNELS]);
		EXPECT_EQ(counters_during[KEEL_GRANT_MAPPINGS],
			  counters_before[KEEL_GRANT_MAPPINGS] + 2);
		EXPECT_EQ(after[KEEL_DOMAINS], counters_before[KEEL_DOMAINS]);
		EXPECT_EQ(after[KEEL_DOMAIN_PAGES], counters_before[KEEL_DOMAIN_PAGES]);
		EXPECT_EQ(after[KEEL_EVENT_CHANNELS], counters_before[KEEL_EVENT_CHANNELS]);
		EXPECT_EQ(after[KEEL_GRANT_MAPPINGS], counters_before[KEEL_GRANT_MAPPINGS]);
		EXPECT_EQ(after[KEEL_TIMERS_QUEUED], counters_before[KEEL_TIMERS_QUEUED]);
	}
}
