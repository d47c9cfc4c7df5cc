/*
 * tests/unit/test_xenstored_ring.c - xenstored's ring pump and domain
 * life, driven through real xenstore_domain_interface structs by
 * guests/common/xs_client.c: index wraparound, requests arriving in
 * pieces, a full rsp ring, malformed messages (each gets an error or
 * breaks only its own connection), introduce/release with a fake
 * platform; and the client codec itself.
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
	env_introduce(1);
	env_introduce(2);
	return 0;
}

static void test_introduce_release(void **state)
{
	assert_int_equal(env_mapped[1], 1);
	assert_ptr_equal(xsd_conn_by_port(&xsd, 101), xsd_conn_by_domid(&xsd, 1));
	assert_null(xsd_conn_by_port(&xsd, 555));
	assert_int_equal(env_rings[1].server_features, XENSTORE_SERVER_FEATURE_ERROR);
	/* Same parameters again: fine; different ones: EEXIST. */
	assert_int_equal(xsd_introduce(&xsd, 1, 1, 9), 0);
	assert_int_equal(xsd_introduce(&xsd, 1, 2, 9), -EEXIST);
	assert_int_equal(xsd_introduce(&xsd, 0, 3, 9), -EINVAL);
	assert_int_equal(xsd_introduce(&xsd, 3, 99, 9), -EFAULT); /* map fails */
	env_bind_error = -ENOSPC;
	assert_int_equal(xsd_introduce(&xsd, 3, 3, 9), -ENOSPC);
	assert_int_equal(env_mapped[3], 0);
	assert_null(xsd_conn_by_domid(&xsd, 3));
	/* Only dom0 introduces, releases, asks. */
	assert_int_equal(env_send(1, env_msg, xs_req_introduce(env_msg, sizeof(env_msg), 1, 4, 4,
								 9)),
			 -EACCES);
	assert_int_equal(env_send(1, env_msg, xs_req_domid(env_msg, sizeof(env_msg), XS_RELEASE, 1,
							   2)),
			 -EACCES);
	assert_int_equal(env_send(0, env_msg, xs_req_domid(env_msg, sizeof(env_msg),
							   XS_IS_DOMAIN_INTRODUCED, 1, 2)),
			 0);
	assert_string_equal(out, "T");
	assert_int_equal(env_send(0, env_msg, xs_req_domid(env_msg, sizeof(env_msg),
							   XS_IS_DOMAIN_INTRODUCED, 1, 5)),
			 0);
	assert_string_equal(out, "F");
	assert_int_equal(env_send(0, env_msg, xs_req_domid(env_msg, sizeof(env_msg), XS_RESUME, 1,
							   2)),
			 0);
	assert_int_equal(xsd_release(&xsd, 2), 0);
	assert_int_equal(env_mapped[2], 0);
	assert_int_equal(xsd_release(&xsd, 2), -ENOENT);
	assert_int_equal(rd(1, "/local/domain/1"), 0);
}

static void test_wraparound_and_pieces(void **state)
{
	/* Start the indices just below 2^32 so they wrap during the test. */
	struct xsd_conn *c = xsd_conn_by_domid(&xsd, 1);
	static char msg[XS_MSG_MAX];
	int len;

	env_rings[1].req_cons = env_rings[1].req_prod = UINT32_MAX - 300;
	env_rings[1].rsp_cons = env_rings[1].rsp_prod = UINT32_MAX - 200;
	for (int i = 0; i < 50; i++) {
		char value[64];

		snprintf(value, sizeof(value), "value-%d-padding-padding-padding", i);
		assert_int_equal(wr(1, "k", value), 0);
		assert_int_equal(rd(1, "k"), 0);
		assert_string_equal(out, value);
	}
	assert_true(env_rings[1].req_prod < 100000); /* it wrapped */
	/* A request written one byte at a time, pumped after each. */
	len = xs_req_write(msg, sizeof(msg), 42, 0, "piece", "meal", 4);
	for (int i = 0; i < len; i++) {
		assert_int_equal(xs_client_ring_write(&env_rings[1], msg + i, 1), 1);
		xsd_ring_pump(&xsd, c);
		if (i < len - 1)
			assert_int_equal(env_rings[1].rsp_prod, env_rings[1].rsp_cons);
	}
	assert_int_equal(env_ring_reply(1), 1);
	assert_int_equal(out_hdr.req_id, 42);
	assert_string_equal(out, "OK");
	assert_true(env_notified[101] > 0);
}

static void test_full_rsp_ring(void **state)
{
	static char big[3000], msg[XS_MSG_MAX];
	struct xsd_conn *c = xsd_conn_by_domid(&xsd, 1);
	int len;

	memset(big, 'b', sizeof(big) - 1);
	assert_int_equal(wr(0, "/local/domain/1/big", big), 0);
	/* Three reads of 3 KiB: the 1 KiB rsp ring holds a third of one reply. */
	len = xs_req_path(msg, sizeof(msg), XS_READ, 5, 0, "big");
	for (int i = 0; i < 3; i++)
		assert_int_equal(xs_client_ring_write(&env_rings[1], msg, (size_t)len), len);
	xsd_ring_pump(&xsd, c);
	assert_int_equal(env_rings[1].rsp_prod - env_rings[1].rsp_cons, XENSTORE_RING_SIZE);
	assert_true(c->out_len > 0);
	/* The client reads; each pump moves more; all three replies arrive whole. */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(env_ring_reply(1), 1);
		assert_int_equal(out_len, sizeof(big) - 1);
		assert_int_equal(memcmp(out, big, out_len), 0);
	}
	assert_int_equal(rd(1, "big"), 0);
}

/* Sends raw bytes as dom1 and returns the reply's errno (0: success). */
static int raw(const struct xsd_sockmsg *h, const void *payload)
{
	static char msg[XS_MSG_MAX + 64];

	memcpy(msg, h, sizeof(*h));
	memcpy(msg + sizeof(*h), payload, h->len);
	return env_send(1, msg, (int)(sizeof(*h) + h->len));
}

static void test_malformed(void **state)
{
	struct xsd_sockmsg h = { .type = XS_READ, .req_id = 3, .len = 3 };
	struct xsd_conn *c1 = xsd_conn_by_domid(&xsd, 1);

	assert_int_equal(raw(&h, "abc"), -EINVAL); /* no NUL */
	h.len = 0;
	assert_int_equal(raw(&h, ""), -EINVAL); /* no argument */
	h.len = 6;
	assert_int_equal(raw(&h, "a\0b\0c\0"), -EINVAL); /* too many */
	h.type = XS_WATCH;
	h.len = 2;
	assert_int_equal(raw(&h, "a\0"), -EINVAL); /* too few */
	h.type = 999;
	assert_int_equal(raw(&h, "a\0"), -EINVAL);
	h.type = XS_WATCH_EVENT;
	assert_int_equal(raw(&h, "a\0"), -EINVAL);
	h.type = XS_CONTROL;
	assert_int_equal(raw(&h, "a\0"), -ENOSYS);
	h.type = XS_TRANSACTION_END;
	h.tx_id = 77;
	assert_int_equal(raw(&h, "T\0"), -ENOENT);
	assert_int_equal(out_hdr.tx_id, 77);
	assert_int_equal(out_hdr.req_id, 3);
	h.tx_id = 0;
	h.type = XS_READ;
	h.len = 4;
	assert_int_equal(raw(&h, "/a.\0"), -EINVAL); /* bad path */
	assert_false(c1->broken);
	/* An impossible length breaks the stream: only dom1's connection is lost. */
	h.len = XENSTORE_PAYLOAD_MAX + 1;
	assert_int_equal(xs_client_ring_write(&env_rings[1], &h, sizeof(h)), sizeof(h));
	xsd_ring_pump(&xsd, c1);
	assert_true(c1->broken);
	assert_int_equal(env_rings[1].error, XENSTORE_ERROR_PROTO);
	assert_int_equal(wr(2, "still", "works"), 0);
	/* Corrupt indices on dom2's ring break dom2 only. */
	env_rings[2].req_prod = env_rings[2].req_cons + XENSTORE_RING_SIZE + 1;
	xsd_ring_pump(&xsd, xsd_conn_by_domid(&xsd, 2));
	assert_true(xsd_conn_by_domid(&xsd, 2)->broken);
	assert_int_equal(env_rings[2].error, XENSTORE_ERROR_RINGIDX);
	assert_int_equal(rd(0, "/local/domain/2/still"), 0);
	assert_string_equal(out, "works");
}

static void test_client_codec(void **state)
{
	static char msg[XS_MSG_MAX + 8], small[20];
	struct xsd_sockmsg h;
	struct xs_perm p[3] = { { 7, XS_PERM_NONE }, { 0, XS_PERM_BOTH }, { 65535, XS_PERM_WRITE } };
	const char *path, *token, *name;
	size_t pos = 0, n;
	uint32_t id;

	assert_int_equal(xs_req_write(msg, sizeof(msg), 9, 3, "/p", "val", 3), 16 + 6);
	assert_int_equal(xs_msg_complete(msg, 22, &h), 22);
	assert_int_equal(xs_msg_complete(msg, 21, &h), 0);
	assert_int_equal(h.type, XS_WRITE);
	assert_int_equal(h.tx_id, 3);
	assert_memory_equal(msg + 16, "/p\0val", 6);
	assert_int_equal(xs_req_path(small, sizeof(small), XS_READ, 1, 0, "/long"), -ENOSPC);
	memset(msg, 'a', XENSTORE_PAYLOAD_MAX);
	msg[XENSTORE_PAYLOAD_MAX] = '\0';
	assert_int_equal(xs_req_path(msg, sizeof(msg), XS_READ, 1, 0, msg), -E2BIG);
	assert_int_equal(xs_req_set_perms(msg, sizeof(msg), 1, 0, "/p", p, 3), 16 + 3 + 13);
	assert_memory_equal(msg + 19, "n7\0b0\0w65535\0", 13);
	assert_int_equal(xs_parse_perms(msg + 19, 13, p, 3, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(p[2].domid, 65535);
	assert_int_equal(xs_parse_perms(msg + 19, 13, p, 2, &n), -ENOSPC);
	assert_int_equal(xs_parse_perms("x1\0", 3, p, 2, &n), -EIO);
	assert_int_equal(xs_req_introduce(msg, sizeof(msg), 1, 5, 123456789012ull, 17), 16 + 18);
	assert_memory_equal(msg + 16, "5\0" "123456789012\0" "17\0", 18);
	h = (struct xsd_sockmsg){ .type = XS_ERROR, .len = 7 };
	assert_int_equal(xs_reply_check(&h, "EACCES", XS_READ), -EACCES);
	h.len = 4;
	assert_int_equal(xs_reply_check(&h, "EXYZ", XS_READ), -EINVAL);
	h.type = XS_WRITE;
	assert_int_equal(xs_reply_check(&h, "OK", XS_READ), -EIO);
	assert_int_equal(xs_reply_check(&h, "OK", XS_WRITE), 0);
	assert_int_equal(xs_dir_next("a\0bc\0", 5, &pos, &name), 1);
	assert_string_equal(name, "a");
	assert_int_equal(xs_dir_next("a\0bc\0", 5, &pos, &name), 1);
	assert_string_equal(name, "bc");
	assert_int_equal(xs_dir_next("a\0bc\0", 5, &pos, &name), 0);
	pos = 0;
	assert_int_equal(xs_dir_next("ab", 2, &pos, &name), -EIO);
	{
		char names[5];

		assert_int_equal(xs_dir_copy("a\0bc\0", 5, names, sizeof(names)), 2);
		assert_memory_equal(names, "a\0bc\0", 5);
		assert_int_equal(xs_dir_copy("a\0bc\0", 5, names, 4), -E2BIG);
		assert_int_equal(xs_dir_copy("a\0bc", 4, names, sizeof(names)), -EIO);
		assert_int_equal(xs_dir_copy("", 0, names, sizeof(names)), 0);
	}
	assert_int_equal(xs_parse_watch_event("/p\0tok\0", 7, &path, &token), 0);
	assert_string_equal(token, "tok");
	assert_int_equal(xs_parse_watch_event("/p\0tok", 6, &path, &token), -EIO);
	assert_int_equal(xs_parse_txid("42\0", 3, &id), 0);
	assert_int_equal(id, 42);
	assert_int_equal(xs_parse_txid("4x\0", 3, &id), -EIO);
	assert_int_equal(xs_parse_txid("4", 1, &id), -EIO);
	assert_string_equal(xs_errno_name(-EAGAIN), "EAGAIN");
	assert_string_equal(xs_errno_name(-ENOTSOCK), "EINVAL");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_introduce_release, setup),
		cmocka_unit_test_setup(test_wraparound_and_pieces, setup),
		cmocka_unit_test_setup(test_full_rsp_ring, setup),
		cmocka_unit_test_setup(test_malformed, setup),
		cmocka_unit_test(test_client_codec),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
