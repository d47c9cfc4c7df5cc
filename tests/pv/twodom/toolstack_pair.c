/*
 * tests/pv/twodom/toolstack_pair.c - dom0's half of the domU-to-domU
 * test (linked after toolstack.c, so it runs once the first peer is
 * gone): builds two peers, "pair-a" and "pair-b", introduces them (an
 * unbound port in pair-a for pair-b, pair-a's grant refs copied into
 * pair-b's mailbox), lets them ping-pong and copy by grant between
 * themselves, then destroys both and checks that free memory and Keel's
 * counters are back where they were.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/event_channel.h>

#include "lib/errno.h"
#include "tests/pv/events.h"
#include "tests/pv/harness.h"
#include "tests/pv/keel_counters.h"
#include "tests/pv/mm.h"
#include "tests/pv/twodom/ctl.h"
#include "tests/pv/twodom/domu_build.h"
#include "tests/pv/twodom/mailbox.h"

#define SEC	   1000000000ULL
#define PAIR_PAGES 2048

struct pair_member {
	struct domu u;
	struct twodom_mailbox *mb; /* its store page, mapped here */
	uint64_t own_pte;	   /* what the mapping replaced */
	evtchn_port_t lport;	   /* our end of its store channel */
};

static struct pair_member a, b;
static long pair_free_before;
static unsigned long pair_counters_before[KEEL_NR_TOTALS];

static void build_member(struct pair_member *p, const char *cmdline)
{
	const char *why = "";
	long rc;

	rc = domu_create(&p->u, PAIR_PAGES, &why);
	if (!rc)
		rc = domu_populate(&p->u, &why);
	if (!rc)
		rc = domu_build(&p->u, (const void *)pv_start_info->mod_start,
				pv_start_info->mod_len, cmdline, &why);
	if (!EXPECT_EQ(rc, 0))
		pv_fatal(why);
	rc = bind_interdomain(p->u.domid, p->u.store_port);
	ASSERT_TRUE(rc > 0);
	p->lport = (evtchn_port_t)rc;
	p->mb = mm_alloc_page();
	p->own_pte = mm_pte((unsigned long)p->mb);
	ASSERT_EQ(map_foreign(p->mb, p->u.domid, p->u.store_mfn), 0);
}

static void start_member(struct pair_member *p)
{
	const char *why = "";

	if (!EXPECT_EQ(domu_start(&p->u, &why), 0))
		pv_fatal(why);
}

static bool wait_stage(struct pair_member *p, enum twodom_stage s)
{
	bool ok = mailbox_wait(&p->mb->stage, s, p->lport);

	if (p->mb->failed_line)
		pv_printf("domain %u failed a check at line %u of its peer*.c\n", p->u.domid,
			  p->mb->failed_line);
	return ok;
}

TEST(pair, create_and_introduce)
{
	long pa;

	pair_free_before = host_free_pages();
	if (keel_counters_available())
		EXPECT_TRUE(keel_counters_read(pair_counters_before));
	build_member(&a, "pair-a");
	build_member(&b, "pair-b");
	/* A port in pair-a that only pair-b may bind (dom0 may allocate in another domain). */
	pa = alloc_unbound(a.u.domid, b.u.domid);
	ASSERT_TRUE(pa > 0);
	a.mb->partner_domid = b.u.domid;
	a.mb->partner_port = (uint32_t)pa;
	b.mb->partner_domid = a.u.domid;
	b.mb->partner_port = (uint32_t)pa;
	start_member(&a);
	start_member(&b);
	ASSERT_TRUE(wait_stage(&a, STAGE_PAIR_GRANTED));
	b.mb->shared_gref = a.mb->shared_gref;
	b.mb->copy_gref = a.mb->copy_gref;
	b.mb->request = REQ_PAIR_GO;
	ASSERT_EQ(ev_send(b.lport), 0);
}

TEST(pair, talk_to_each_other)
{
	ASSERT_TRUE(wait_stage(&b, STAGE_DONE));
	ASSERT_TRUE(wait_stage(&a, STAGE_DONE));
	EXPECT_EQ(b.mb->pair_pongs, TWODOM_PINGS);
	EXPECT_EQ(a.mb->failed_line, 0);
	EXPECT_EQ(b.mb->failed_line, 0);
}

/* Both power off (all their checks passed), are destroyed, and everything comes back. */
TEST(pair, destroy_both)
{
	struct pair_member *m[2] = { &a, &b };

	for (int k = 0; k < 2; k++) {
		struct xen_domctl_getdomaininfo di;

		for (int i = 0; i < 50; i++) {
			ASSERT_EQ(domu_info(m[k]->u.domid, &di), 0);
			if (di.flags & XEN_DOMINF_shutdown)
				break;
			ev_wait(m[k]->lport, SEC / 10);
		}
		EXPECT_TRUE(di.flags & XEN_DOMINF_shutdown);
		EXPECT_EQ((di.flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask,
			  SHUTDOWN_poweroff);
	}
	for (int k = 0; k < 2; k++) {
		ASSERT_EQ(mm_set_pte(m[k]->mb, m[k]->own_pte), 0);
		EXPECT_EQ(domu_destroy(m[k]->u.domid), 0);
		EXPECT_EQ(ev_close(m[k]->lport), 0);
	}
	EXPECT_EQ(host_free_pages_back_to(pair_free_before), pair_free_before);
	if (keel_counters_available()) {
		unsigned long after[KEEL_NR_TOTALS];

		ASSERT_TRUE(keel_counters_read(after));
		keel_counters_print("before the pair", pair_counters_before);
		keel_counters_print("after both are destroyed", after);
		for (int i = 0; i < KEEL_NR_TOTALS; i++)
			EXPECT_EQ(after[i], pair_counters_before[i]);
	}
}
