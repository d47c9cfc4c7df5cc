/*
 * tests/unit/test_xenstored_watch.c - xenstored's watches (initial event,
 * firing at and below the path, rm of a subtree, permission filtering,
 * special paths, unwatch, a full queue) and transactions (own view,
 * commit, conflict -> EAGAIN, abort, limits).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "tests/unit/xsd_test_env.h"

static int setup(void **state)
{
	env_init();
	return 0;
}

static void test_watch_fires(void **state)
{
	assert_int_equal(watch(0, "/w", "tok"), 0);
	assert_true(got_event(0, "/w tok")); /* the initial event */
	assert_false(got_event(0, "/w tok"));
	assert_int_equal(wr(0, "/w/a/b", "1"), 0);
	assert_true(got_event(0, "/w/a/b tok"));
	assert_int_equal(wr(0, "/wx", "1"), 0); /* a sibling prefix is not below /w */
	assert_false(got_event(0, "/wx tok"));
	assert_int_equal(rq_path(0, XS_MKDIR, 0, "/w/m"), 0);
	assert_true(got_event(0, "/w/m tok"));
	assert_int_equal(watch(0, "/w/a/b", "deep"), 0);
	assert_true(got_event(0, "/w/a/b deep"));
	/* Removing /w/a: the /w watch hears of /w/a, the deep one of its own path. */
	assert_int_equal(rq_path(0, XS_RM, 0, "/w/a"), 0);
	assert_true(got_event(0, "/w/a tok"));
	assert_true(got_event(0, "/w/a/b deep"));
	assert_int_equal(env_send(0, env_msg, xs_req_watch(env_msg, sizeof(env_msg), 1, false, "/w",
							 "tok")),
			 0);
	assert_int_equal(wr(0, "/w/c", "1"), 0);
	assert_false(got_event(0, "/w/c tok"));
	assert_int_equal(env_send(0, env_msg, xs_req_watch(env_msg, sizeof(env_msg), 1, false, "/w",
							 "tok")),
			 -ENOENT);
	assert_int_equal(watch(0, "/w/a/b", "deep"), -EEXIST);
	assert_int_equal(watch(0, "bad//path", "t"), -EINVAL);
}

static void test_watch_perms_and_domains(void **state)
{
	struct xs_perm ro[] = { { 1, XS_PERM_NONE }, { 2, XS_PERM_READ } };

	assert_int_equal(watch(0, "@introduceDomain", "in"), 0);
	assert_int_equal(watch(0, "@releaseDomain", "out"), 0);
	assert_true(got_event(0, "@introduceDomain in"));
	assert_true(got_event(0, "@releaseDomain out"));
	env_introduce(1);
	assert_true(got_event(0, "@introduceDomain in"));
	env_introduce(2);
	assert_true(got_event(0, "@introduceDomain in"));
	/* dom2 watches dom1's tree: it hears only of nodes it may read. */
	assert_int_equal(watch(2, "/local/domain/1", "spy"), 0);
	assert_int_equal(wr(1, "secret", "s"), 0);
	assert_false(got_event(2, "/local/domain/1/secret spy"));
	assert_int_equal(wr(1, "public", "p"), 0);
	assert_int_equal(set_perms(1, "public", ro, 2), 0);
	assert_true(got_event(2, "/local/domain/1/public spy"));
	/* A relative watch gets relative paths. */
	assert_int_equal(watch(1, "device", "dev"), 0);
	assert_true(got_event(1, "device dev"));
	assert_int_equal(wr(0, "/local/domain/1/device/vif/0", "x"), 0);
	assert_true(got_event(1, "device/vif/0 dev"));
	/* Release: the watches of dom1 go, dom0 hears of it. */
	assert_int_equal(rq_path(0, XS_RELEASE, 0, "1"), 0);
	assert_true(got_event(0, "@releaseDomain out"));
	assert_int_equal(env_mapped[1], 0);
	for (int i = 0; i < XSD_MAX_WATCHES; i++)
		assert_false(xsd.watches[i].used && xsd.conns[xsd.watches[i].conn].domid == 1);
}

static void test_full_queue_drops_events(void **state)
{
	struct xsd_conn *c;
	char path[32];

	env_introduce(1);
	c = xsd_conn_by_domid(&xsd, 1);
	/* dom1 watches but never reads its ring: events pile up, then drop. */
	assert_int_equal(watch(1, "/local/domain/1", "t"), 0);
	for (int i = 0; i < 400; i++) {
		snprintf(path, sizeof(path), "/local/domain/1/k%d", i % 10);
		assert_int_equal(wr(0, path, "0123456789012345678901234567890123456789"), 0);
	}
	assert_true(c->events_dropped > 0);
	/* Its requests still get replies, and other connections are unaffected. */
	assert_int_equal(rd(1, "k1"), 0);
	assert_int_equal(rd(0, "/local/domain/1/k1"), 0);
}

static int tx_start(domid_t dom, uint32_t *id)
{
	int rc = env_send(dom, env_msg, xs_req_transaction_start(env_msg, sizeof(env_msg), 1));

	if (!rc)
		assert_int_equal(xs_parse_txid(out, out_len, id), 0);
	return rc;
}

static int tx_end(domid_t dom, uint32_t id, bool commit)
{
	return env_send(dom, env_msg,
			xs_req_transaction_end(env_msg, sizeof(env_msg), 1, id, commit));
}

static void test_transactions(void **state)
{
	uint32_t t1, t2;

	assert_int_equal(wr(0, "/t/a", "old"), 0);
	assert_int_equal(tx_start(0, &t1), 0);
	assert_true(t1 != 0);
	assert_int_equal(wr_tx(0, t1, "/t/a", "new"), 0);
	assert_int_equal(wr_tx(0, t1, "/t/n/deep", "d"), 0);
	/* The transaction sees its own writes; others do not. */
	assert_int_equal(rq_path(0, XS_READ, t1, "/t/a"), 0);
	assert_string_equal(out, "new");
	assert_int_equal(rq_path(0, XS_READ, t1, "/t/n"), 0);
	assert_int_equal(rd(0, "/t/a"), 0);
	assert_string_equal(out, "old");
	assert_int_equal(rd(0, "/t/n/deep"), -ENOENT);
	assert_int_equal(rq_path(0, XS_RM, t1, "/t/a"), 0);
	assert_int_equal(rq_path(0, XS_READ, t1, "/t/a"), -ENOENT);
	assert_int_equal(rd(0, "/t/a"), 0);
	assert_int_equal(watch(0, "/t", "tw"), 0);
	assert_true(got_event(0, "/t tw"));
	assert_int_equal(tx_end(0, t1, true), 0);
	assert_int_equal(rd(0, "/t/a"), -ENOENT);
	assert_int_equal(rd(0, "/t/n/deep"), 0);
	assert_string_equal(out, "d");
	assert_true(got_event(0, "/t/n/deep tw")); /* fired at commit */
	assert_int_equal(tx_end(0, t1, true), -ENOENT);
	/* Conflict: t2 read /t/n/deep, someone wrote it meanwhile. */
	assert_int_equal(tx_start(0, &t2), 0);
	assert_int_equal(rq_path(0, XS_READ, t2, "/t/n/deep"), 0);
	assert_int_equal(wr_tx(0, t2, "/t/other", "o"), 0);
	assert_int_equal(wr(0, "/t/n/deep", "changed"), 0);
	assert_int_equal(tx_end(0, t2, true), -EAGAIN);
	assert_int_equal(rd(0, "/t/other"), -ENOENT);
	/* Abort drops the changes. */
	assert_int_equal(tx_start(0, &t2), 0);
	assert_int_equal(wr_tx(0, t2, "/t/aborted", "x"), 0);
	assert_int_equal(tx_end(0, t2, false), 0);
	assert_int_equal(rd(0, "/t/aborted"), -ENOENT);
	/* Unrelated changes do not conflict. */
	assert_int_equal(tx_start(0, &t2), 0);
	assert_int_equal(wr_tx(0, t2, "/t/mine", "m"), 0);
	assert_int_equal(wr(0, "/elsewhere", "e"), 0);
	assert_int_equal(tx_end(0, t2, true), 0);
	assert_int_equal(rd(0, "/t/mine"), 0);
	/* Unknown transaction ids. */
	assert_int_equal(rq_path(0, XS_READ, 999, "/t/mine"), -ENOENT);
}

static void test_transaction_dir_perms_limits(void **state)
{
	uint32_t t[XSD_TXNS_PER_CONN + 1];
	int rc = 0, i;

	env_introduce(1);
	assert_int_equal(wr(1, "d/x", "1"), 0);
	assert_int_equal(tx_start(1, &t[0]), 0);
	assert_int_equal(wr_tx(1, t[0], "d/y", "2"), 0);
	assert_int_equal(rq_path(1, XS_RM, t[0], "d/x"), 0);
	assert_int_equal(rq_path(1, XS_DIRECTORY, t[0], "d"), 0);
	assert_int_equal(out_len, 2);
	assert_string_equal(out, "y");
	/* Created in the transaction, owned by dom1. */
	assert_int_equal(rq_path(1, XS_GET_PERMS, t[0], "d/y"), 0);
	assert_string_equal(out, "n1");
	/* Another domain's nodes stay closed inside a transaction too. */
	assert_int_equal(wr_tx(1, t[0], "/tool/x", "1"), -EACCES);
	assert_int_equal(tx_end(1, t[0], true), 0);
	assert_int_equal(rd(1, "d/y"), 0);
	/* Per-connection limit. */
	for (i = 0; i <= XSD_TXNS_PER_CONN && rc == 0; i++)
		rc = tx_start(1, &t[i]);
	assert_int_equal(rc, -ENOSPC);
	assert_int_equal(i, XSD_TXNS_PER_CONN + 1);
	/* Too many remembered operations. */
	for (i = 0, rc = 0; i <= XSD_TXN_OPS && rc == 0; i++) {
		char p[32];

		snprintf(p, sizeof(p), "many/%d", i);
		rc = wr_tx(1, t[0], p, "v");
	}
	assert_int_equal(rc, -ENOSPC);
	/* Release drops them all. */
	assert_int_equal(xsd_release(&xsd, 1), 0);
	for (i = 0; i < XSD_MAX_TXNS; i++)
		assert_false(xsd.txns[i].used);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_watch_fires, setup),
		cmocka_unit_test_setup(test_watch_perms_and_domains, setup),
		cmocka_unit_test_setup(test_full_queue_drops_events, setup),
		cmocka_unit_test_setup(test_transactions, setup),
		cmocka_unit_test_setup(test_transaction_dir_perms_limits, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
