/*
 * tests/pv/twodom/peer.c - the domU of the two-domain test, started by
 * the toolstack kernel (toolstack.c) through domctl: its start of day and
 * what every role checks.  Its command line says which part it plays:
 *   "peer"   dom0's partner (peer_dom0.c): pings, grants both ways;
 *   "pair-a" / "pair-b" one of two domUs that talk to each other
 *            (peer_pair.c), introduced by dom0 through their mailboxes.
 * It reports through the mailbox (mailbox.h) and its shutdown reason:
 * poweroff if every test passed, crash otherwise (the harness's rule),
 * which dom0 reads with getdomaininfo.  Its console lines show on Keel
 * ("(d1) ..."); Xen release builds drop a domU's console_io.
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
#include "tests/pv/twodom/peer.h"


struct twodom_mailbox *mb;
evtchn_port_t port;
enum peer_role role;

void announce(enum twodom_stage s)
{
	mb->failed_line = pv_first_failed_line;
	mb->stage = s;
	ev_send(port);
}

bool wait_for(volatile uint32_t *field, uint32_t want)
{
	return mailbox_wait(field, want, port);
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
	role = !strcmp((const char *)si->cmd_line, "pair-a")   ? ROLE_PAIR_A
	       : !strcmp((const char *)si->cmd_line, "pair-b") ? ROLE_PAIR_B
							       : ROLE_DOM0_PARTNER;
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
	/* Xen 4.17 answers "0 extents done" here, not an error (and so does Keel). */
	EXPECT_EQ(hyp_memory_op(XENMEM_populate_physmap, &r), 0);
	EXPECT_EQ(hyp_memory_op(XENMEM_increase_reservation, &r), 0);
	EXPECT_EQ(hyp_update_va_mapping_otherdomain((unsigned long)va,
						    pv_start_info->store_mfn << 12 | PTE_P | PTE_RW,
						    UVMF_INVLPG | UVMF_LOCAL, 0),
		  -EPERM);
	EXPECT_EQ(hyp_mmu_update(&mu, 1, NULL, 0), -EPERM);
}

