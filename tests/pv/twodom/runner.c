/*
 * tests/pv/twodom/runner.c - a dom0 kernel that runs any PV kernel (its
 * module 2) as a domU for a while and prints what that kernel writes on
 * its PV console, for comparing a third-party kernel's behaviour on Keel
 * and on Xen 4.17 (scripts/run-third-party.sh).
 *
 * It builds the domU the way toolstack.c does (domu_build.c: 32 MiB, one
 * vCPU, the module's command line), binds the console and store channels,
 * then for RUNNER_SECONDS copies every byte of the console ring's output
 * to our console as "domU: ..." lines.  There is no xenstored: each
 * xenstore request is printed ("xenstore: READ device/vbd") and answered
 * with the error ENOENT, so the kernel goes on as it would on a host
 * with nothing configured for it.  At the
 * end it reports the domain's state (running, or shut down and why),
 * destroys it, checks that free memory came back, and prints a verdict
 * about that last part only: the transcript itself is for comparing.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/event_channel.h>
#include <xen/io/console.h>
#include <xen/io/xs_wire.h>

#include "lib/errno.h"
#include "lib/string.h"
#include "tests/pv/events.h"
#include "tests/pv/harness.h"
#include "tests/pv/mm.h"
#include "tests/pv/vcpu.h"
#include "tests/pv/twodom/ctl.h"
#include "tests/pv/twodom/domu_build.h"

#define SEC		1000000000ULL
#define RUNNER_PAGES	8192
#define RUNNER_SECONDS	10

static struct domu u;
static volatile struct xencons_interface *cons;
static volatile struct xenstore_domain_interface *store;
static unsigned int xs_requests;
static evtchn_port_t cons_port, store_port;
static char line[100]; /* with "domU: ", within a console line of Keel (128) and Xen */
static unsigned int line_len;

static void flush_line(void)
{
	if (line_len)
		pv_printf("domU: %.*s\n", (int)line_len, line);
	line_len = 0;
}

/* Moves what the domU wrote to its console ring onto ours, line by line. */
static void drain_console(void)
{
	XENCONS_RING_IDX cons_idx = cons->out_cons, prod = cons->out_prod;

	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	while (cons_idx != prod) {
		char c = cons->out[MASK_XENCONS_IDX(cons_idx, cons->out)];

		cons_idx++;
		if (c == '\n') {
			flush_line();
		} else if (c != '\r') {
			line[line_len++] = (c >= ' ' && c < 127) ? c : '.';
			if (line_len == sizeof(line))
				flush_line();
		}
	}
	__atomic_thread_fence(__ATOMIC_RELEASE);
	cons->out_cons = cons_idx;
	ev_send(cons_port);
}

/* Names of the xs_wire message types a guest sends. */
static const char *const xs_type_names[] = {
	[XS_CONTROL] = "CONTROL",
	[XS_DIRECTORY] = "DIRECTORY",
	[XS_READ] = "READ",
	[XS_GET_PERMS] = "GET_PERMS",
	[XS_WATCH] = "WATCH",
	[XS_UNWATCH] = "UNWATCH",
	[XS_TRANSACTION_START] = "TRANSACTION_START",
	[XS_TRANSACTION_END] = "TRANSACTION_END",
	[XS_INTRODUCE] = "INTRODUCE",
	[XS_RELEASE] = "RELEASE",
	[XS_GET_DOMAIN_PATH] = "GET_DOMAIN_PATH",
	[XS_WRITE] = "WRITE",
	[XS_MKDIR] = "MKDIR",
	[XS_RM] = "RM",
	[XS_SET_PERMS] = "SET_PERMS",
	[XS_RESET_WATCHES] = "RESET_WATCHES",
	[XS_DIRECTORY_PART] = "DIRECTORY_PART",
};

/* Copies n bytes out of the request ring at index idx. */
static void ring_read(void *to, XENSTORE_RING_IDX idx, size_t n)
{
	for (size_t i = 0; i < n; i++)
		((char *)to)[i] = store->req[MASK_XENSTORE_IDX(idx + i)];
}

static void ring_write(const void *from, size_t n)
{
	XENSTORE_RING_IDX prod = store->rsp_prod;

	for (size_t i = 0; i < n; i++)
		store->rsp[MASK_XENSTORE_IDX(prod + i)] = ((const char *)from)[i];
	__atomic_thread_fence(__ATOMIC_RELEASE);
	store->rsp_prod = prod + (XENSTORE_RING_IDX)n;
}

/* Prints each whole request in the store ring and answers it with ENOENT. */
static void serve_store(void)
{
	for (;;) {
		XENSTORE_RING_IDX c = store->req_cons, p = store->req_prod;
		struct xsd_sockmsg h;
		char payload[64];
		size_t shown;

		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (p - c < sizeof(h))
			return;
		ring_read(&h, c, sizeof(h));
		if (h.len > XENSTORE_PAYLOAD_MAX || p - c < sizeof(h) + h.len)
			return; /* not all there yet (or nonsense: left alone) */
		shown = h.len < sizeof(payload) - 1 ? h.len : sizeof(payload) - 1;
		ring_read(payload, c + sizeof(h), shown);
		payload[shown] = '\0';
		for (size_t i = 0; i < shown; i++)
			if (payload[i] == '\0' && i + 1 < shown)
				payload[i] = ' ';
		pv_printf("xenstore: %s %s\n",
			  h.type < sizeof(xs_type_names) / sizeof(xs_type_names[0]) &&
				  xs_type_names[h.type]
			      ? xs_type_names[h.type]
			      : "?",
			  payload);
		store->req_cons = c + (XENSTORE_RING_IDX)(sizeof(h) + h.len);
		xs_requests++;
		/* Whatever it was: ENOENT, as from a store with nothing for this domain. */
		h.type = XS_ERROR;
		h.len = sizeof("ENOENT");
		ring_write(&h, sizeof(h));
		ring_write("ENOENT", sizeof("ENOENT"));
		ev_send(store_port);
	}
}

TEST(runner, run_module_as_domu)
{
	const char *why = "";
	struct xen_domctl_getdomaininfo di;
	long free_before = host_free_pages(), rc;
	const char *cmdline = (const char *)pv_start_info->cmd_line;
	uint64_t end;

	ASSERT_TRUE(pv_start_info->mod_len > 0);
	rc = domu_create(&u, RUNNER_PAGES, &why);
	if (!rc)
		rc = domu_populate(&u, &why);
	if (!rc)
		rc = domu_build(&u, (const void *)pv_start_info->mod_start, pv_start_info->mod_len,
				cmdline, &why);
	if (rc) {
		pv_printf("runner: %s failed (%ld)\n", why, rc);
		ASSERT_EQ(rc, 0);
	}
	rc = bind_interdomain(u.domid, u.console_port);
	ASSERT_TRUE(rc > 0);
	cons_port = (evtchn_port_t)rc;
	rc = bind_interdomain(u.domid, u.store_port);
	ASSERT_TRUE(rc > 0);
	store_port = (evtchn_port_t)rc;
	cons = mm_alloc_page();
	ASSERT_EQ(map_foreign((void *)cons, u.domid, u.console_mfn), 0);
	store = mm_alloc_page();
	ASSERT_EQ(map_foreign((void *)store, u.domid, u.store_mfn), 0);
	ASSERT_EQ(domu_start(&u, &why), 0);
	pv_printf("runner: domain %u started, %u MiB, watching its console for %u s\n", u.domid,
		  RUNNER_PAGES / 256, RUNNER_SECONDS);

	end = pv_time_ns(&pv_vcpu0->time) + RUNNER_SECONDS * SEC;
	while (pv_time_ns(&pv_vcpu0->time) < end) {
		ev_wait(cons_port, SEC / 10);
		drain_console();
		serve_store();
		ASSERT_EQ(domu_info(u.domid, &di), 0);
		if (di.flags & XEN_DOMINF_shutdown)
			break;
	}
	drain_console();
	flush_line();
	ASSERT_EQ(domu_info(u.domid, &di), 0);
	if (di.flags & XEN_DOMINF_shutdown)
		pv_printf("runner: domU shut down, reason %u\n",
			  (di.flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask);
	else
		pv_printf("runner: domU still running after %u s\n", RUNNER_SECONDS);
	pv_printf("runner: %u xenstore requests answered\n", xs_requests);

	ASSERT_EQ(mm_set_pte((void *)cons, 0), 0);
	ASSERT_EQ(mm_set_pte((void *)store, 0), 0);
	EXPECT_EQ(domu_destroy(u.domid), 0);
	EXPECT_EQ(host_free_pages_back_to(free_before), free_before);
}
